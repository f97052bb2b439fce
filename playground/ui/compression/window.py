"""The Compression Lab window (Train ▸ Compression Lab…): prune the last run's model with a slider,
fine-tune it, quantise it to INT8, and compare every result in one plot and one table.

The work is the core's (`playground.core.compression.CompressionLab`) and runs in a worker thread,
one job at a time: moving the slider asks for the share it stops on; while a job runs, only the
latest share asked for waits (the ones passed over are skipped), so the window never freezes and
the curve gathers the points measured. Every result is a row of the table; a pruned or fine-tuned
row's weights can be exported as safetensors (a save dialog names the file).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.compression import (
    MAX_SHARE,
    CompressionLab,
    Measurement,
    MetricName,
    PrunableLayer,
    PruneMethod,
    QuantizationComparison,
    QuantizationPlan,
)
from playground.core.compression.lab import MAX_FINE_TUNE_EPOCHS
from playground.core.compression.prune import nothing_to_prune_message
from playground.core.compression.quantize import nothing_to_quantize_message
from playground.core.errors import PlaygroundError
from playground.ui import theme, threads
from playground.ui.compression.source import NoWeights, RunWeights, last_run_weights
from playground.ui.i18n import current_language
from playground.ui.plots.style import (
    REFERENCE_COLOR,
    PlotCanvas,
    color,
    make_legend,
    pen,
    style_plot,
)

JobKind = Literal["prune", "fine_tune", "quantize"]
SERIES_COLORS: dict[tuple[PruneMethod, bool], str] = {
    ("unstructured", False): "#1f77b4",
    ("structured", False): "#e8710a",
    ("unstructured", True): "#2e7d32",
    ("structured", True): "#c62828",
}
INT8_COLOR = "#7b3fbf"
DEFAULT_SHARE = 50  # percent
DEFAULT_FINE_TUNE_EPOCHS = 2


@dataclass(frozen=True)
class Job:
    """One thing for the worker: prune at a share, prune and fine-tune, or quantise."""

    kind: JobKind
    method: PruneMethod = "unstructured"
    share: float = 0.0
    epochs: int = 0


@dataclass(frozen=True)
class LabFacts:
    """What the window shows about the lab once it is ready (read on the GUI thread)."""

    metric: MetricName
    split: str
    samples: int
    batch_size: int
    layers: tuple[PrunableLayer, ...]
    plan: QuantizationPlan
    original: Measurement


def format_size(size: int) -> str:
    """Bytes as KB (1 KB = 1024 bytes) or MB, one decimal."""
    if size >= 1024 * 1024 * 10:
        return f"{size / (1024 * 1024):,.1f} MB"
    return f"{size / 1024:,.1f} KB"


def format_seconds(seconds: float) -> str:
    """A short duration: µs, ms or s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:,.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:,.2f} ms"
    return f"{seconds:,.2f} s"


def format_metric(value: float | None, metric: MetricName) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value * 100:.1f} %" if metric == "accuracy" else f"{value:.3f}"


def format_change(fraction: float) -> str:
    """A relative change as a signed percentage ("−74.5 %")."""
    sign = "−" if fraction < 0 else "+"
    return f"{sign}{abs(fraction) * 100:.1f} %"


def _slug(text: str) -> str:
    slug = re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower()
    return slug[:60] or "model"


class _Worker(QObject):
    """Builds the lab and runs its jobs off the GUI thread, one at a time."""

    prepared = Signal(object)  # LabFacts
    failed = Signal(str)  # the lab could not be built
    measured = Signal(object, object)  # Job, Measurement
    quantized = Signal(object, object)  # Job, QuantizationComparison
    job_failed = Signal(object, str)  # Job, message

    def __init__(self, source: RunWeights, base_dir: str | None) -> None:
        super().__init__()
        self._source = source
        self._base_dir = base_dir
        self.lab: CompressionLab | None = None

    @Slot()
    def prepare(self) -> None:
        try:
            lab = CompressionLab(self._source.experiment, self._source.weights, self._base_dir)
            original = lab.original()
        except PlaygroundError as error:
            self.failed.emit(str(error))
            return
        except Exception as error:  # noqa: BLE001 - shown as a message, never a traceback dialog
            self.failed.emit(f"{type(error).__name__}: {error}")
            return
        self.lab = lab
        self.prepared.emit(
            LabFacts(
                metric=lab.metric_name,
                split=lab.split,
                samples=int(lab.x.shape[0]),
                batch_size=lab.batch_size,
                layers=tuple(lab.layers),
                plan=lab.plan,
                original=original,
            )
        )

    @Slot(object)
    def run(self, job: Job) -> None:
        lab = self.lab
        if lab is None:
            return
        try:
            if job.kind == "prune":
                self.measured.emit(job, lab.prune(job.method, job.share))
            elif job.kind == "fine_tune":
                self.measured.emit(job, lab.fine_tune(job.method, job.share, job.epochs))
            else:
                self.quantized.emit(job, lab.quantize())
        except PlaygroundError as error:
            self.job_failed.emit(job, str(error))
        except Exception as error:  # noqa: BLE001 - shown in the window's status line
            self.job_failed.emit(job, f"{type(error).__name__}: {error}")


class CompressionWindow(QWidget):
    """A non-modal tool window: the last finished run of `training` (a TrainingRun), compressed."""

    measured = Signal(object)  # a Measurement, once its row is in the table
    _job_requested = Signal(object)

    def __init__(self, training: object, base_dir: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool if parent is not None else Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Compression Lab"))
        self.setObjectName("compressionLab")
        self.training = training
        self.base_dir = base_dir
        self.source: RunWeights | None = None
        self.facts: LabFacts | None = None
        self.results: list[Measurement] = []
        self.quantization: QuantizationComparison | None = None
        self._error: str | None = None
        self._busy: Job | None = None
        self._queue: list[Job] = []
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._closed = False
        self._build()
        theme.notifier().changed.connect(self._on_theme_changed)
        run_finished = getattr(training, "run_finished", None)
        if run_finished is not None:
            run_finished.connect(self._on_run_finished)
        self.resize(1200, 820)
        self._load(last_run_weights(training))

    # ---- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        self.pages = QStackedWidget()
        root.addWidget(self.pages)

        notice = QWidget()
        notice_layout = QVBoxLayout(notice)
        notice_layout.addStretch(1)
        self.notice_title = QLabel()
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(self.font().pointSizeF() * 1.3)
        self.notice_title.setFont(title_font)
        self.notice_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setObjectName("compressionMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        notice_layout.addWidget(self.notice_title)
        row = QHBoxLayout()  # a readable line length, centred
        row.addStretch(1)
        row.addWidget(self.message, 3)
        row.addStretch(1)
        notice_layout.addLayout(row)
        notice_layout.addStretch(2)
        self.pages.addWidget(notice)

        content = QWidget()
        self.pages.addWidget(content)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setObjectName("compressionHeader")
        self.header.setWordWrap(True)
        layout.addWidget(self.header)

        vertical = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(vertical, 1)
        top = QSplitter(Qt.Orientation.Horizontal)
        vertical.addWidget(top)
        controls = QScrollArea()
        controls.setWidgetResizable(True)
        controls.setFrameShape(QScrollArea.Shape.NoFrame)
        controls.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panel = QWidget()
        controls.setWidget(panel)
        controls.setMinimumWidth(300)
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 0, 6, 0)
        panel_layout.addWidget(self._build_pruning())
        panel_layout.addWidget(self._build_quantization())
        panel_layout.addStretch(1)
        top.addWidget(controls)
        top.addWidget(self._build_plot())
        top.setStretchFactor(0, 0)
        top.setStretchFactor(1, 1)
        top.setSizes([340, 820])

        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("compressionTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        table_layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("compressionStatus")
        self.status.setWordWrap(True)
        bar.addWidget(self.status, 1)
        self.export_button = QPushButton(self.tr("Export Weights…"))
        self.export_button.setToolTip(
            self.tr(
                "Save the selected row's weights as safetensors (pruned weights are zeros), with the "
                "experiment in a .weights.json file beside them"
            )
        )
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._on_export_clicked)
        bar.addWidget(self.export_button)
        table_layout.addLayout(bar)
        vertical.addWidget(table_box)
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 2)
        self._set_controls_enabled(False)

    def _build_pruning(self) -> QGroupBox:
        box = QGroupBox(self.tr("Pruning"))
        layout = QVBoxLayout(box)
        form = QFormLayout()
        self.method_box = QComboBox()
        self.method_box.addItem(self.tr("Unstructured: smallest weights (L1)"), "unstructured")
        self.method_box.addItem(self.tr("Structured: whole units and filters (L2)"), "structured")
        self.method_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.method_box.setMinimumContentsLength(16)
        self.method_box.currentIndexChanged.connect(self._on_method_changed)
        form.addRow(self.tr("Method"), self.method_box)
        layout.addLayout(form)
        self.method_text = QLabel()
        self.method_text.setWordWrap(True)
        layout.addWidget(self.method_text)
        share_row = QHBoxLayout()
        share_row.addWidget(QLabel(self.tr("Share removed")))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("shareSlider")
        self.slider.setRange(0, round(MAX_SHARE * 100))
        self.slider.setSingleStep(1)
        self.slider.setPageStep(10)
        self.slider.setTickInterval(10)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setValue(DEFAULT_SHARE)
        self.slider.valueChanged.connect(self._on_slider_moved)
        share_row.addWidget(self.slider, 1)
        self.share_label = QLabel()
        self.share_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("100 %") + 6)
        self.share_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        share_row.addWidget(self.share_label)
        layout.addLayout(share_row)
        hint = QLabel(self.tr("Moving the slider prunes a fresh copy of the trained weights and measures it."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        tune_row = QHBoxLayout()
        tune_row.addWidget(QLabel(self.tr("Fine-tuning epochs")))
        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(1, MAX_FINE_TUNE_EPOCHS)
        self.epochs_box.setValue(DEFAULT_FINE_TUNE_EPOCHS)
        tune_row.addWidget(self.epochs_box)
        tune_row.addStretch(1)
        layout.addLayout(tune_row)
        self.fine_tune_button = QPushButton(self.tr("Prune and Fine-tune"))
        self.fine_tune_button.setToolTip(
            self.tr(
                "Prune at the slider's share, then train with the experiment's optimizer, learning rate and "
                "loss; the masks keep pruned weights at zero"
            )
        )
        self.fine_tune_button.clicked.connect(self._on_fine_tune_clicked)
        layout.addWidget(self.fine_tune_button)
        self._show_share_label()
        return box

    def _build_quantization(self) -> QGroupBox:
        box = QGroupBox(self.tr("Quantisation"))
        layout = QVBoxLayout(box)
        text = QLabel(
            self.tr(
                "Dynamic INT8: the weights of Linear, LSTM and GRU layers are stored as 8-bit integers "
                "and activations are quantised batch by batch; other layers stay float32. Runs on the CPU."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.quantize_button = QPushButton(self.tr("Quantise to INT8"))
        self.quantize_button.clicked.connect(self._on_quantize_clicked)
        layout.addWidget(self.quantize_button)
        self.quantize_text = QLabel()
        self.quantize_text.setObjectName("quantizeResult")
        self.quantize_text.setWordWrap(True)
        self.quantize_text.setTextFormat(Qt.TextFormat.RichText)
        self.quantize_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.quantize_text)
        return box

    def _build_plot(self) -> QWidget:
        self.canvas = PlotCanvas(self)
        self.plot: pg.PlotItem = self.canvas.addPlot()
        style_plot(self.plot, title=self.tr("Accuracy against sparsity"), bottom=self.tr("targeted weights pruned (%)"))
        self.plot.setXRange(0, 100, padding=0.02)
        self.legend = make_legend(self.plot, corner="bottom-left")
        self.series: dict[tuple[PruneMethod, bool], pg.PlotDataItem] = {}
        names: dict[tuple[PruneMethod, bool], str] = {
            ("unstructured", False): self.tr("unstructured"),
            ("structured", False): self.tr("structured"),
            ("unstructured", True): self.tr("unstructured, fine-tuned"),
            ("structured", True): self.tr("structured, fine-tuned"),
        }
        symbols = {False: "o", True: "t"}
        for key, name in names.items():
            value = color(SERIES_COLORS[key])
            curve = self.plot.plot(
                pen=pen(value, 2.0, Qt.PenStyle.DashLine if key[1] else Qt.PenStyle.SolidLine),
                symbol=symbols[key[1]],
                symbolSize=8,
                symbolBrush=value,
                symbolPen=value,
                name=name,
            )
            self.series[key] = curve
        self.int8_points = self.plot.plot(
            pen=None,
            symbol="star",
            symbolSize=14,
            symbolBrush=color(INT8_COLOR),
            symbolPen=color(INT8_COLOR),
            name=self.tr("INT8"),
        )
        self.baseline = pg.InfiniteLine(angle=0, pen=pen(REFERENCE_COLOR, 1.2, Qt.PenStyle.DotLine))
        self.baseline.setVisible(False)
        self.plot.addItem(self.baseline)
        self.share_line = pg.InfiniteLine(angle=90, pen=pen(REFERENCE_COLOR, 1.0, Qt.PenStyle.DashLine))
        self.share_line.setValue(DEFAULT_SHARE)
        self.plot.addItem(self.share_line)
        return self.canvas

    def _set_controls_enabled(self, enabled: bool) -> None:
        for widget in (self.method_box, self.slider, self.epochs_box, self.fine_tune_button, self.quantize_button):
            widget.setEnabled(enabled)

    # ---- the run's weights -----------------------------------------------------------------------
    def _load(self, source: RunWeights | NoWeights) -> None:
        if isinstance(source, NoWeights):
            self.source = None
            self._error = source.reason
            self.notice_title.setText(source.title)
            self.message.setText(source.reason)
            self.pages.setCurrentIndex(0)
            return
        self.source = source
        self._error = None
        self.notice_title.setText(self.tr("Preparing"))
        self.message.setText(self.tr("Loading the data and the trained weights…"))
        self.pages.setCurrentIndex(0)
        self._thread = QThread(self)
        threads.track(self._thread)
        self._worker = _Worker(source, self.base_dir)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.prepare)
        self._worker.prepared.connect(self._on_prepared)
        self._worker.failed.connect(self._on_failed)
        self._worker.measured.connect(self._on_measured)
        self._worker.quantized.connect(self._on_quantized)
        self._worker.job_failed.connect(self._on_job_failed)
        self._job_requested.connect(self._worker.run)
        self._thread.start()

    @Slot(object)
    def _on_run_finished(self, _summary: object) -> None:
        """Opened before any run: the run that has just finished fills the lab."""
        if self.source is None and not self._closed:
            self._load(last_run_weights(self.training))

    @Slot(object)
    def _on_prepared(self, facts: LabFacts) -> None:
        self.facts = facts
        source = self.source
        assert source is not None
        name = source.experiment.localized_name(current_language())
        split = self.tr("test split") if facts.split == "test" else self.tr("validation split")
        if source.best_restored:
            whose = self.tr("the best weights (epoch {epoch}) of the last run of “{name}”").format(
                epoch=source.epoch, name=name
            )
        else:
            whose = self.tr("the weights after epoch {epoch} of the last run of “{name}”").format(
                epoch=source.epoch, name=name
            )
        self.header.setText(
            self.tr(
                "Compressing {whose}. Every row is measured on the {split} ({samples} samples): {metric}, the "
                "state dict's size serialised in memory, and the median time of one batch of {batch} on the CPU."
            ).format(
                whose=whose,
                split=split,
                samples=f"{facts.samples:,}",
                metric=self._metric_label(),
                batch=facts.batch_size,
            )
        )
        style_plot(
            self.plot,
            title=self.tr("R² against sparsity") if facts.metric == "r2" else self.tr("Accuracy against sparsity"),
            left=self._metric_axis_label(),
            bottom=self.tr("targeted weights pruned (%)"),
        )
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Method"),
                self.tr("Share"),
                self.tr("Non-zero parameters"),
                self.tr("Size"),
                self._metric_column_label(),
                self.tr("Time per batch"),
            ]
        )
        self.baseline.setValue(self._plotted(facts.original))
        self.baseline.setVisible(True)
        if not facts.plan.layers:
            self.quantize_text.setText(self._escape(nothing_to_quantize_message(self._layer_types())))
        self.pages.setCurrentIndex(1)
        self._set_controls_enabled(True)
        self.quantize_button.setEnabled(bool(facts.plan.layers))
        self._add_row(facts.original)
        self._on_method_changed(self.method_box.currentIndex())
        self._status(self.tr("Ready. Move the slider to prune."))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._error = message
        self.notice_title.setText(self.tr("The Compression Lab cannot start"))
        self.message.setText(message)
        self.pages.setCurrentIndex(0)
        self._stop_thread()

    def _layer_types(self) -> list[str]:
        source = self.source
        if source is None:
            return []
        nodes = source.experiment.model.nodes
        return [node.type for node in nodes if node.type != "Input"]

    # ---- labels ----------------------------------------------------------------------------------
    def _metric_label(self) -> str:
        if self.facts is not None and self.facts.metric == "r2":
            return self.tr("R² (the Training tab's regression score; MAE in the tooltip)")
        return self.tr("accuracy")

    def _metric_column_label(self) -> str:
        test = self.facts is None or self.facts.split == "test"
        if self.facts is not None and self.facts.metric == "r2":
            return self.tr("R² (test)") if test else self.tr("R² (validation)")
        return self.tr("Accuracy (test)") if test else self.tr("Accuracy (validation)")

    def _metric_axis_label(self) -> str:
        if self.facts is not None and self.facts.metric == "r2":
            return self.tr("R²")
        return self.tr("accuracy (%)")

    def _plotted(self, measurement: Measurement) -> float:
        assert self.facts is not None
        value = measurement.metric(self.facts.metric)
        if value is None or not math.isfinite(value):
            return math.nan
        return value * 100 if self.facts.metric == "accuracy" else value

    def _method_name(self, measurement: Measurement) -> str:
        if measurement.kind == "original":
            return self.tr("Trained model (float32)")
        if measurement.kind == "quantized":
            return self.tr("Dynamic INT8 quantisation")
        if measurement.method == "structured":
            name = self.tr("Structured pruning (whole units, L2)")
        else:
            name = self.tr("Unstructured pruning (L1)")
        if measurement.kind == "fine-tuned" and measurement.fine_tune_epochs == 1:
            name = self.tr("{method}, fine-tuned 1 epoch").format(method=name)
        elif measurement.kind == "fine-tuned":
            name = self.tr("{method}, fine-tuned {epochs} epochs").format(
                method=name, epochs=measurement.fine_tune_epochs
            )
        return name

    @staticmethod
    def _escape(text: str) -> str:
        import html  # noqa: PLC0415 - tiny, used for rich text only

        return html.escape(text)

    def _status(self, text: str) -> None:
        self.status.setText(text)

    def _show_share_label(self) -> None:
        self.share_label.setText(f"{self.slider.value()} %")

    def current_method(self) -> PruneMethod:
        return "structured" if self.method_box.currentData() == "structured" else "unstructured"

    def current_share(self) -> float:
        return self.slider.value() / 100.0

    # ---- user actions ----------------------------------------------------------------------------
    @Slot(int)
    def _on_method_changed(self, _index: int) -> None:
        facts = self.facts
        if facts is None:
            return
        method = self.current_method()
        targets = [layer for layer in facts.layers if method == "unstructured" or layer.structured]
        if not targets:
            self.method_text.setText(nothing_to_prune_message(method, list(facts.layers)))
            self.slider.setEnabled(False)
            self.fine_tune_button.setEnabled(False)
            return
        self.slider.setEnabled(True)
        self.fine_tune_button.setEnabled(True)
        names = ", ".join(layer.name for layer in targets)
        if method == "unstructured":
            text = self.tr(
                "Zeroes the smallest weights of all these layers together: {count} weights in {names}."
            ).format(count=f"{sum(layer.weights for layer in targets):,}", names=names)
        else:
            text = self.tr(
                "Removes, in each layer, the units (rows) or filters of smallest L2 norm, with their biases: "
                "{count} units in {names}."
            ).format(count=f"{sum(layer.units for layer in targets):,}", names=names)
            output = next((layer.name for layer in facts.layers if layer.output), None)
            if output is not None:
                text += " " + self.tr("The output layer {name} keeps its units: they are the model's outputs.").format(
                    name=output
                )
        self.method_text.setText(text)
        self._ask_prune()

    @Slot(int)
    def _on_slider_moved(self, value: int) -> None:
        self._show_share_label()
        self.share_line.setValue(value)
        self._ask_prune()

    def _ask_prune(self) -> None:
        if self.facts is None or not self.slider.isEnabled():
            return
        share = self.current_share()
        if share <= 0:
            return
        job = Job("prune", self.current_method(), share)
        existing = self._find(job)
        if existing is not None:
            self.table.selectRow(existing)
            return
        self._submit(job)

    @Slot()
    def _on_fine_tune_clicked(self) -> None:
        if self._busy is not None and self._busy.kind == "fine_tune":
            if self._worker is not None and self._worker.lab is not None:
                self._worker.lab.stop()
            self._status(self.tr("Stopping the fine-tuning after the current step…"))
            return
        if self.facts is None:
            return
        self._submit(Job("fine_tune", self.current_method(), self.current_share(), self.epochs_box.value()))

    @Slot()
    def _on_quantize_clicked(self) -> None:
        if self.facts is not None:
            self._submit(Job("quantize"))

    # ---- the job queue ---------------------------------------------------------------------------
    def _find(self, job: Job) -> int | None:
        """The table row of a result this job would measure again, if any."""
        for row, result in enumerate(self.results):
            if (
                job.kind == "prune"
                and result.kind == "pruned"
                and result.method == job.method
                and abs(result.share - job.share) < 1e-9
            ):
                return row
        return None

    def _submit(self, job: Job) -> None:
        if self._worker is None:
            return
        if self._busy is not None:
            if job.kind == "prune":  # only the latest share asked for waits
                self._queue = [queued for queued in self._queue if queued.kind != "prune"]
            elif job in self._queue:
                return
            self._queue.append(job)
            return
        self._start(job)

    def _start(self, job: Job) -> None:
        self._busy = job
        share = f"{round(job.share * 100)} %"
        if job.kind == "prune":
            self._status(self.tr("Pruning {share} and measuring…").format(share=share))
        elif job.kind == "fine_tune":
            self._status(self.tr("Pruning {share} and fine-tuning…").format(share=share))
            self.fine_tune_button.setText(self.tr("Stop Fine-tuning"))
        else:
            self._status(self.tr("Quantising to INT8 and measuring…"))
            self.quantize_button.setEnabled(False)
        self._job_requested.emit(job)

    def _job_done(self, job: Job) -> None:
        self._busy = None
        if job.kind == "fine_tune":
            self.fine_tune_button.setText(self.tr("Prune and Fine-tune"))
        if job.kind == "quantize" and self.facts is not None:
            self.quantize_button.setEnabled(bool(self.facts.plan.layers))
        while self._queue and not self._closed:
            following = self._queue.pop(0)
            if following.kind == "prune" and self._find(following) is not None:
                continue
            self._start(following)
            return
        if not self._closed and self.facts is not None and job.kind != "quantize":
            self._status(self.tr("Ready."))

    def is_busy(self) -> bool:
        """A job is running or waiting."""
        return self._busy is not None or bool(self._queue)

    @Slot(object, object)
    def _on_measured(self, job: Job, measurement: Measurement) -> None:
        self._add_row(measurement)
        self._job_done(job)

    @Slot(object, object)
    def _on_quantized(self, job: Job, comparison: QuantizationComparison) -> None:
        self.quantization = comparison
        self._add_row(comparison.after)
        self._show_quantization(comparison)
        self._job_done(job)
        self._status(self.tr("Quantised."))

    @Slot(object, str)
    def _on_job_failed(self, job: Job, message: str) -> None:
        if job.kind == "quantize":
            self.quantize_text.setText(self._escape(message))
        self._job_done(job)
        self._status(message)

    # ---- results ---------------------------------------------------------------------------------
    def _add_row(self, measurement: Measurement) -> None:
        assert self.facts is not None
        self.results.append(measurement)
        row = self.table.rowCount()
        self.table.insertRow(row)
        metric = self.facts.metric
        parameters = measurement.parameters
        share = f"{measurement.share * 100:.0f} %" if measurement.kind in ("pruned", "fine-tuned") else "—"
        nonzero = self.tr("{nonzero} of {total} ({percent})").format(
            nonzero=f"{parameters.nonzero:,}",
            total=f"{parameters.total:,}",
            percent=f"{(parameters.nonzero / parameters.total * 100) if parameters.total else 0:.1f} %",
        )
        size = format_size(measurement.size_bytes)
        original = self.facts.original
        if measurement.kind == "quantized" and original.size_bytes:
            size = self.tr("{size} ({change})").format(
                size=size, change=format_change(measurement.size_bytes / original.size_bytes - 1.0)
            )
        timing = measurement.timing
        values = [
            self._method_name(measurement),
            share,
            nonzero,
            size,
            format_metric(measurement.metric(metric), metric),
            format_seconds(timing.seconds),
        ]
        tips = {
            3: self.tr(
                "{bytes} bytes: the state dict serialised with torch.save. Zeros take as much room as any number in a dense file."
            ).format(bytes=f"{measurement.size_bytes:,}"),
            5: self.tr("Median of {passes} passes of a batch of {batch} samples, {threads} CPU threads").format(
                passes=timing.passes, batch=timing.batch, threads=timing.threads
            ),
        }
        evaluation = measurement.evaluation
        if metric == "r2" and evaluation.mae is not None:
            tips[4] = self.tr("MAE {mae}, loss {loss}").format(
                mae=f"{evaluation.mae:.4g}", loss=f"{evaluation.loss:.4g}"
            )
        else:
            tips[4] = self.tr("Loss {loss}").format(loss=f"{evaluation.loss:.4g}")
        if measurement.pruning is not None:
            tips[1] = self.tr("{zeroed} of the {targeted} weights pruning targets are zero ({percent})").format(
                zeroed=f"{measurement.pruning.zeroed:,}",
                targeted=f"{measurement.pruning.targeted:,}",
                percent=f"{measurement.pruning.sparsity * 100:.1f} %",
            )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column >= 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column in tips:
                item.setToolTip(tips[column])
            self.table.setItem(row, column, item)
        self.table.selectRow(row)
        first = self.table.item(row, 0)
        if first is not None:
            self.table.scrollToItem(first)
        self._redraw()
        self.measured.emit(measurement)

    def _redraw(self) -> None:
        if self.facts is None:
            return
        original = self.facts.original
        for (method, tuned), curve in self.series.items():
            kind = "fine-tuned" if tuned else "pruned"
            points = [
                (r.sparsity * 100, self._plotted(r)) for r in self.results if r.kind == kind and r.method == method
            ]
            if points and not tuned:
                points.append((0.0, self._plotted(original)))
            points.sort()
            if points:
                xs, ys = np.array([p[0] for p in points]), np.array([p[1] for p in points])
                curve.setData(xs, ys)
            else:
                curve.setData([], [])
        int8 = [r for r in self.results if r.kind == "quantized"]
        if int8:
            self.int8_points.setData(
                np.array([r.sparsity * 100 for r in int8]), np.array([self._plotted(r) for r in int8])
            )
        else:
            self.int8_points.setData([], [])

    def plotted_points(self, method: PruneMethod, fine_tuned: bool = False) -> list[tuple[float, float]]:
        """The (sparsity %, metric) points the plot draws for `method` (what a reader sees)."""
        xs, ys = self.series[(method, fine_tuned)].getData()
        if xs is None:
            return []
        return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]

    def _show_quantization(self, comparison: QuantizationComparison) -> None:
        assert self.facts is not None
        metric = self.facts.metric
        before, after = comparison.before, comparison.after
        colors = theme.colors()
        lines = [
            self.tr("Size: {before} → {after} ({change})").format(
                before=format_size(before.size_bytes),
                after=format_size(after.size_bytes),
                change=format_change(-comparison.size_reduction),
            ),
            self.tr("{metric}: {before} → {after}").format(
                metric=self._metric_column_label(),
                before=format_metric(before.metric(metric), metric),
                after=format_metric(after.metric(metric), metric),
            ),
            self.tr("Time per batch of {batch}: {before} → {after}").format(
                batch=after.timing.batch,
                before=format_seconds(before.timing.seconds),
                after=format_seconds(after.timing.seconds),
            ),
        ]
        agreement = after.agreement
        if agreement is not None:
            if agreement.same_prediction is not None:
                lines.append(
                    self.tr(
                        "Same prediction for {share} of the samples; outputs differ by at most {difference}"
                    ).format(
                        share=f"{agreement.same_prediction * 100:.1f} %",
                        difference=f"{agreement.max_abs_difference:.3g}",
                    )
                )
            else:
                lines.append(
                    self.tr("Outputs differ by at most {difference}").format(
                        difference=f"{agreement.max_abs_difference:.3g}"
                    )
                )
        converted = ", ".join(
            f"{name} ({kind})" for name, kind in zip(comparison.plan.layers, comparison.plan.layer_types, strict=True)
        )
        lines.append(self.tr("Converted: {layers}").format(layers=converted))
        for name, reason in comparison.plan.kept_float:
            lines.append(self.tr("Kept float: {name}, {reason}").format(name=name, reason=reason))
        body = "<br>".join(self._escape(line) for line in lines)
        self.quantize_text.setText(f"<span style='color:{colors.text}'>{body}</span>")

    @Slot()
    def _on_selection_changed(self) -> None:
        row = self.selected_row()
        exportable = row is not None and self.results[row].exportable and self.results[row].kind != "original"
        self.export_button.setEnabled(exportable)

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    # ---- export ----------------------------------------------------------------------------------
    @Slot()
    def _on_export_clicked(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.export_row(row)

    def export_row(self, row: int, path: str | Path | None = None) -> bool:
        """Write row `row`'s weights as safetensors to `path` (None: ask with a save dialog)."""
        if self._worker is None or self._worker.lab is None or not 0 <= row < len(self.results):
            return False
        measurement = self.results[row]
        if not measurement.exportable:
            QMessageBox.information(
                self,
                self.tr("Export Weights"),
                self.tr(
                    "The INT8 model's packed weights only load into PyTorch's quantised layers; export a pruned row."
                ),
            )
            return False
        if path is None:
            folder = Path(self.base_dir) if self.base_dir else Path.home()
            name = self.source.experiment.name if self.source is not None else "model"
            suffix = f"-pruned-{round(measurement.share * 100)}" if measurement.kind != "original" else ""
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                self.tr("Export Weights"),
                str(folder / f"{_slug(name)}{suffix}.safetensors"),
                self.tr("safetensors weights (*.safetensors)"),
            )
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if path.suffix != ".safetensors":
            path = path.with_name(path.name + ".safetensors")
        try:
            self._worker.lab.export(measurement, path)
        except (PlaygroundError, OSError, ValueError, RuntimeError) as error:
            QMessageBox.critical(
                self,
                self.tr("Cannot export {file}").format(file=path.name),
                self.tr("{path} was not written:\n\n{error}").format(path=path, error=error),
            )
            return False
        self._status(self.tr("Exported {path}").format(path=path))
        return True

    # ---- state for tests and the main window -----------------------------------------------------
    def is_ready(self) -> bool:
        return self.facts is not None

    def error_text(self) -> str | None:
        """The reason shown instead of the lab (no run yet, or it could not start)."""
        return self._error

    def row_weights(self, row: int) -> dict[str, torch.Tensor]:
        """The float weights of table row `row` (what Export Weights writes)."""
        if self._worker is None or self._worker.lab is None:
            raise RuntimeError("the lab is not ready")
        return self._worker.lab.weights(self.results[row])

    def row_texts(self, row: int) -> list[str]:
        """The cells of table row `row`, as shown."""
        items = [self.table.item(row, column) for column in range(self.table.columnCount())]
        return [item.text() if item is not None else "" for item in items]

    @Slot(str)
    def _on_theme_changed(self, _name: str) -> None:
        if self.quantization is not None:
            self._show_quantization(self.quantization)

    # ---- closing ---------------------------------------------------------------------------------
    def _stop_thread(self) -> None:
        worker, thread = self._worker, self._thread
        if worker is not None and worker.lab is not None:
            worker.lab.close()
        if thread is not None:
            thread.quit()
            thread.wait()
            self._thread = None

    def shutdown(self) -> None:
        """End the worker thread (a fine-tuning under way stops at its next step)."""
        self._closed = True
        self._queue.clear()
        self._stop_thread()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)
