"""Optimizers side by side: animated paths on classic 2-D surfaces, and a race on the experiment.

The map is f on a grid with log-spaced contour lines (dense near the minimum); each checked
optimizer runs the real `torch.optim` class from the same start with its own learning rate, and
the table says how many steps it needed to get within the tolerance of the minimum.
"""

from __future__ import annotations

import html
import math
from typing import cast

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QRectF, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QColor, QTransform, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.compare.history import RunHistory
from playground.core.compare.optimizer_paths import OPTIMIZERS, PathResult, run_paths
from playground.core.compare.race import optimizer_contenders
from playground.core.compare.surfaces import SURFACES, Surface, log_height, log_levels
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import Experiment
from playground.core.training.optimizers import optimizer_kwargs
from playground.ui import theme, threads
from playground.ui.compare.common import (
    CompareTab,
    color_for,
    color_icon,
    format_number,
    hint,
    log_safe,
    make_curve,
    make_plot,
    set_curve,
    split_panel,
)
from playground.ui.compare.race_view import RaceSection
from playground.ui.subscriptions import Subscriptions

DEFAULT_CHECKED = ("SGD", "Momentum", "Nesterov", "Adam", "RMSprop", "Adagrad")
# Learning rates that train the small lesson networks reasonably (the experiment's own LR is
# used for the optimizer it already names).
EXPERIMENT_LR = {
    "SGD": 0.1,
    "Momentum": 0.05,
    "Nesterov": 0.05,
    "Adam": 0.01,
    "AdamW": 0.01,
    "RMSprop": 0.005,
    "Adagrad": 0.05,
    "NAdam": 0.01,
}
COLUMN_SHOW, COLUMN_NAME, COLUMN_LR, COLUMN_STEPS, COLUMN_FINAL, COLUMN_RACE_LR = range(6)
MAP_COLORS = ("#fff4cf", "#e4f1e4", "#cfe3f2", "#b4c8e4", "#a6b2d6")


def surface_tr(text: str) -> str:
    return QCoreApplication.translate("Surfaces", text)


def _lr_spin(value: float, parent: QWidget) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setDecimals(5)
    spin.setRange(1e-5, 10.0)
    spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
    spin.setValue(value)
    spin.setFrame(False)
    return spin


class _PathsThread(QThread):
    """Computes optimizer paths off the GUI thread: eight real torch optimizers over 500 steps take
    one to four seconds (the first also imports parts of torch), which froze the window."""

    computed = Signal(int, object)  # generation, dict[str, PathResult]
    failed = Signal(int, str)

    def __init__(
        self,
        generation: int,
        surface: Surface,
        learning_rates: dict[str, float],
        steps: int,
        tolerance: float,
        noise: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.generation = generation
        self._job = (surface, learning_rates, steps, tolerance, noise)

    def run(self) -> None:
        surface, learning_rates, steps, tolerance, noise = self._job
        try:
            results = run_paths(surface, learning_rates, steps=steps, tolerance=tolerance, noise=noise)
        except Exception as exc:  # noqa: BLE001 - reported in the panel, never fatal
            self.failed.emit(self.generation, str(exc))
            return
        self.computed.emit(self.generation, results)


class OptimizersPanel(CompareTab):
    def __init__(
        self,
        document: ExperimentDocument,
        undo_stack: QUndoStack | None = None,
        history: RunHistory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(document, undo_stack, history, parent)
        self.results: dict[str, PathResult] = {}
        self._frame = 0
        self._path_items: dict[str, tuple[pg.PlotDataItem, pg.ScatterPlotItem, pg.PlotDataItem]] = {}
        self._iso_items: list[pg.IsocurveItem] = []
        self._timer = QTimer(self)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._advance)

        # ---- surfaces ------------------------------------------------------------------------
        splitter, top, top_layout = split_panel(self)
        side = QVBoxLayout()
        form = QFormLayout()
        self.surface_combo = QComboBox(top)
        for surface in SURFACES.values():
            self.surface_combo.addItem(surface_tr(surface.title), surface.name)
        self.steps = QSpinBox(top)
        self.steps.setRange(10, 5000)
        self.steps.setPrefix(self.tr("steps: "))
        self.tolerance = QDoubleSpinBox(top)
        self.tolerance.setDecimals(6)
        self.tolerance.setRange(1e-6, 10.0)
        self.tolerance.setValue(1e-3)
        self.tolerance.setPrefix(self.tr("tol.: "))
        self.tolerance.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.tolerance.setToolTip(self.tr("A path has arrived when f − f_min is at most this."))
        self.noise = QDoubleSpinBox(top)
        self.noise.setRange(0.0, 100.0)
        self.noise.setSingleStep(0.1)
        self.noise.setPrefix(self.tr("noise: "))
        self.noise.setToolTip(
            self.tr(
                "Gaussian noise added to every gradient (like mini-batch noise); "
                "the same seed always gives the same paths."
            )
        )
        form.addRow(self.tr("Surface"), self.surface_combo)
        side.addLayout(form)
        numbers = QHBoxLayout()
        numbers.addWidget(self.steps)
        numbers.addWidget(self.tolerance)
        numbers.addWidget(self.noise)
        side.addLayout(numbers)

        self.table = QTableWidget(len(OPTIMIZERS), 6, top)
        self.table.setHorizontalHeaderLabels(
            [
                "",
                self.tr("optimizer"),
                self.tr("lr (surface)"),
                self.tr("steps to tol."),
                self.tr("final f"),
                self.tr("lr (experiment)"),
            ]
        )
        cast(QTableWidgetItem, self.table.horizontalHeaderItem(COLUMN_RACE_LR)).setToolTip(  # the labels made it
            self.tr("The learning rate this optimizer gets in the race on the current experiment.")
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lr_spins: dict[str, QDoubleSpinBox] = {}
        self.race_lr_spins: dict[str, QDoubleSpinBox] = {}
        self.checks: dict[str, QCheckBox] = {}
        for row, (key, choice) in enumerate(OPTIMIZERS.items()):
            check = QCheckBox(self.table)
            check.setChecked(key in DEFAULT_CHECKED)
            check.setStyleSheet("margin-left: 6px;")
            self.table.setCellWidget(row, COLUMN_SHOW, check)
            name = QTableWidgetItem(color_icon(color_for(row)), key)
            name.setToolTip(choice.help_text)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, COLUMN_NAME, name)
            spin = _lr_spin(choice.default_lr, self.table)
            self.table.setCellWidget(row, COLUMN_LR, spin)
            race_spin = _lr_spin(EXPERIMENT_LR[key], self.table)
            self.table.setCellWidget(row, COLUMN_RACE_LR, race_spin)
            for column in (COLUMN_STEPS, COLUMN_FINAL):
                item = QTableWidgetItem("—")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            self.checks[key], self.lr_spins[key], self.race_lr_spins[key] = check, spin, race_spin
            check.toggled.connect(lambda _on: self.run_in_background())
            spin.valueChanged.connect(lambda _value: self._schedule_run())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setMinimumWidth(480)
        side.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.play_button = QPushButton(self.tr("Replay"), top)
        self.play_button.setToolTip(self.tr("Animate the paths from the start"))
        self.pause_button = QPushButton(self.tr("Pause"), top)
        self.end_button = QPushButton(self.tr("Show all"), top)
        self.speed = QSlider(Qt.Orientation.Horizontal, top)
        self.speed.setRange(1, 20)
        self.speed.setValue(4)
        self.speed.setToolTip(self.tr("Animation speed (steps per frame)"))
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.end_button)
        buttons.addWidget(QLabel(self.tr("speed"), top))
        buttons.addWidget(self.speed, 1)
        side.addLayout(buttons)
        self.lesson = hint("", top)
        side.addWidget(self.lesson)
        top_layout.addLayout(side, 0)

        self.map_plot = make_plot(top, "", "x", "y", legend=False)  # the table's colours are the legend
        self.map_plot.getPlotItem().showGrid(x=False, y=False)
        self.map_plot.getPlotItem().setClipToView(False)  # paths are not functions of x
        self.map_plot.getPlotItem().setDownsampling(auto=False)
        self.map_plot.setAspectLocked(False)
        self.map_image = pg.ImageItem(axisOrder="row-major")
        self.map_plot.getPlotItem().addItem(self.map_image)
        self.map_image.setZValue(-10)
        cmap = pg.ColorMap(np.linspace(0, 1, len(MAP_COLORS)), [QColor(c) for c in MAP_COLORS])
        self.map_image.setLookupTable(cmap.getLookupTable(nPts=256))
        self.minima_item = pg.ScatterPlotItem(
            symbol="star", size=20, brush=pg.mkBrush("#222222"), pen=pg.mkPen("#ffffff", width=1)
        )
        self.start_item = pg.ScatterPlotItem(
            symbol="o", size=13, brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#222222", width=2.5)
        )
        self.map_plot.getPlotItem().addItem(self.minima_item)
        self.map_plot.getPlotItem().addItem(self.start_item)
        self.minima_item.setZValue(20)
        self.start_item.setZValue(20)
        top_layout.addWidget(self.map_plot, 5)

        self.gap_plot = make_plot(
            top,
            self.tr("Distance to the minimum"),
            self.tr("step"),
            self.tr("f − f_min (log)"),
            legend=False,
            count_x=True,
        )
        self.gap_plot.setLogMode(x=False, y=True)
        self.gap_line = pg.InfiniteLine(angle=0, pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine))
        self.gap_plot.getPlotItem().addItem(self.gap_line)
        top_layout.addWidget(self.gap_plot, 3)

        # ---- race ----------------------------------------------------------------------------
        self.race = RaceSection(
            document,
            self.history,
            self._contenders,
            self.tr("Optimizer race"),
            self.tr("Race the checked optimizers"),
            parent=splitter,
        )
        self.race.status_message.connect(self.status_message)
        splitter.addWidget(top)
        splitter.addWidget(self.race)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        self._rerun = QTimer(self)
        self._rerun.setSingleShot(True)
        self._rerun.setInterval(250)
        self._rerun.timeout.connect(self.run_in_background)
        self._generation = 0
        self._path_threads: list[_PathsThread] = []
        self.surface_combo.currentIndexChanged.connect(self._on_surface_changed)
        self.steps.valueChanged.connect(lambda _v: self._schedule_run())
        self.tolerance.valueChanged.connect(lambda _v: self._schedule_run())
        self.noise.valueChanged.connect(lambda _v: self._schedule_run())
        self.play_button.clicked.connect(self.replay)
        self.pause_button.clicked.connect(self._toggle_pause)
        self.end_button.clicked.connect(self.show_all)
        Subscriptions(self).connect(document.settings_changed, self._on_settings_changed)
        document.reset.connect(self._sync_race_lrs)
        self._sync_race_lrs()
        self._paths_pending = False
        self._show_surface()
        self._paths_pending = True  # computed when the panel is first shown: opening the window stays quick

    # ---- surfaces ------------------------------------------------------------------------------
    @property
    def surface(self) -> Surface:
        return SURFACES[self.surface_combo.currentData()]

    def set_surface(self, name: str) -> None:
        self.surface_combo.setCurrentIndex(self.surface_combo.findData(name))

    def checked(self) -> list[str]:
        return [key for key, check in self.checks.items() if check.isChecked()]

    def _on_surface_changed(self) -> None:
        self._show_surface()
        self.run_in_background()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().showEvent(event)
        if self._paths_pending:
            self.run_in_background()

    def _show_surface(self) -> None:
        """The surface's map, lesson and per-optimizer settings (its paths come from `run`)."""
        surface = self.surface
        for widget in [self.steps, *self.lr_spins.values()]:
            widget.blockSignals(True)
        self.steps.setValue(surface.steps)
        for key, spin in self.lr_spins.items():
            spin.setValue(surface.learning_rate(key, OPTIMIZERS[key].default_lr))
        for widget in [self.steps, *self.lr_spins.values()]:
            widget.blockSignals(False)
        self.lesson.setText(f"<b>{html.escape(surface.formula)}</b><br>{html.escape(surface_tr(surface.lesson))}")
        self._draw_map()

    def _draw_map(self) -> None:
        surface = self.surface
        xs, ys, z = surface.grid(220)
        f_min = surface.minimum_value
        height = log_height(z, f_min)
        self.map_image.setImage(height, autoLevels=True)
        x_min, x_max, y_min, y_max = surface.view
        self.map_image.setRect(QRectF(x_min, y_min, x_max - x_min, y_max - y_min))
        plot = self.map_plot.getPlotItem()
        for item in self._iso_items:
            plot.removeItem(item)
        self._iso_items = []
        transform = QTransform()
        transform.translate(x_min, y_min)
        transform.scale((x_max - x_min) / (len(xs) - 1), (y_max - y_min) / (len(ys) - 1))
        pen = pg.mkPen(QColor(90, 100, 120, 150), width=1)
        for level in log_levels(z, 16, f_min):
            iso = pg.IsocurveItem(data=z, level=float(level), pen=pen, axisOrder="row-major")
            iso.setTransform(transform)
            iso.setZValue(-5)
            plot.addItem(iso)
            self._iso_items.append(iso)
        self.minima_item.setData([m[0] for m in surface.minima], [m[1] for m in surface.minima])
        self.start_item.setData([surface.start[0]], [surface.start[1]])
        plot.setRange(xRange=(x_min, x_max), yRange=(y_min, y_max), padding=0)
        plot.setTitle(
            surface_tr(surface.title) + self.tr("  (★ minimum, ○ start)"),
            size="13pt",
            color=theme.colors().plot_foreground,
        )

    # ---- paths ---------------------------------------------------------------------------------
    def _schedule_run(self) -> None:
        self._rerun.start()

    def _path_job(self) -> tuple[Surface, dict[str, float], int, float, float]:
        learning_rates = {key: self.lr_spins[key].value() for key in self.checked()}
        return self.surface, learning_rates, self.steps.value(), self.tolerance.value(), self.noise.value()

    def run(self) -> dict[str, PathResult]:
        """Compute the checked optimizers' paths here and now, and animate them (scripts, tests)."""
        self._rerun.stop()
        self._paths_pending = False
        self._generation += 1  # a path thread still computing is outdated
        surface, learning_rates, steps, tolerance, noise = self._path_job()
        self._show_results(surface, run_paths(surface, learning_rates, steps=steps, tolerance=tolerance, noise=noise))
        return self.results

    def run_in_background(self) -> None:
        """Compute the paths in a thread and draw them when they arrive; the window stays live."""
        self._rerun.stop()
        self._paths_pending = False
        self._generation += 1
        thread = _PathsThread(self._generation, *self._path_job(), parent=self)
        threads.track(thread)
        thread.computed.connect(self._on_paths_computed)
        thread.failed.connect(self._on_paths_failed)
        thread.finished.connect(lambda t=thread: self._forget_thread(t))
        self._path_threads.append(thread)
        self.table.setToolTip(self.tr("Computing the paths…"))
        thread.start()

    def is_computing(self) -> bool:
        """Paths are being computed in the background."""
        return any(thread.isRunning() for thread in self._path_threads)

    def _forget_thread(self, thread: _PathsThread) -> None:
        if thread in self._path_threads:
            self._path_threads.remove(thread)
        thread.deleteLater()

    def _on_paths_computed(self, generation: int, results: dict[str, PathResult]) -> None:
        if generation == self._generation:  # not outdated by a later setting
            self.table.setToolTip("")
            self._show_results(self.surface, results)

    def _on_paths_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.table.setToolTip("")
            self.status_message.emit(
                self.tr("The optimizer paths could not be computed: {error}").format(error=message)
            )

    def _show_results(self, surface: Surface, results: dict[str, PathResult]) -> None:
        self.results = results
        plot = self.map_plot.getPlotItem()
        gap = self.gap_plot.getPlotItem()
        for row, key in enumerate(OPTIMIZERS):
            color = color_for(row)
            if key not in self._path_items:
                line = make_curve(plot, color, width=2.5, parametric=True)
                line.setZValue(10)
                head = pg.ScatterPlotItem(size=12, brush=pg.mkBrush(color), pen=pg.mkPen("#ffffff", width=1.5))
                head.setZValue(15)
                plot.addItem(head)
                gap_curve = make_curve(gap, color, width=2)
                self._path_items[key] = (line, head, gap_curve)
            line, head, gap_curve = self._path_items[key]
            result = self.results.get(key)
            # every row got its items when the table was built
            steps_item = cast(QTableWidgetItem, self.table.item(row, COLUMN_STEPS))
            final_item = cast(QTableWidgetItem, self.table.item(row, COLUMN_FINAL))
            if result is None:
                line.setData([], [])
                head.setData([], [])
                gap_curve.setData([], [])
                steps_item.setText("—")
                final_item.setText("—")
                continue
            if result.diverged:
                steps_item.setText(self.tr("diverged"))
            elif result.steps_to_tolerance is None:
                steps_item.setText(self.tr("> {n}").format(n=len(result.values) - 1))
            else:
                steps_item.setText(str(result.steps_to_tolerance))
            final_item.setText(format_number(result.final_value - surface.minimum_value))
        self.gap_line.setPos(math.log10(max(self.tolerance.value(), 1e-12)))
        self.replay()

    def replay(self) -> None:
        self._frame = 0
        self._draw_frame()
        self._timer.start()

    def show_all(self) -> None:
        self._timer.stop()
        self._frame = max((len(r.path) for r in self.results.values()), default=1) - 1
        self._draw_frame()

    def _toggle_pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
        else:
            self._timer.start()

    def _advance(self) -> None:
        longest = max((len(r.path) for r in self.results.values()), default=1) - 1
        self._frame = min(longest, self._frame + self.speed.value())
        self._draw_frame()
        if self._frame >= longest:
            self._timer.stop()

    def _draw_frame(self) -> None:
        f_min = self.surface.minimum_value
        for key, result in self.results.items():
            line, head, gap_curve = self._path_items[key]
            upto = min(self._frame, len(result.path) - 1) + 1
            path = result.path[:upto]
            set_curve(line, path[:, 0], path[:, 1])
            head.setData([path[-1, 0]], [path[-1, 1]])
            gaps = log_safe(result.values[:upto] - f_min)
            set_curve(gap_curve, np.arange(upto), gaps)

    def is_animating(self) -> bool:
        return self._timer.isActive()

    # ---- race ----------------------------------------------------------------------------------
    def _on_settings_changed(self, field: str) -> None:
        if field == "training":
            self._sync_race_lrs()

    def _sync_race_lrs(self) -> None:
        """The optimizer the experiment already uses starts from the experiment's LR."""
        optimizer = self.document.experiment.training.optimizer
        try:
            lr = float(optimizer_kwargs(optimizer.type, optimizer.params)["lr"])  # no lr: KeyError, handled below
        except Exception:  # noqa: BLE001 - an unknown optimizer keeps the defaults
            return
        momentum = float(optimizer.params.get("momentum", 0) or 0)
        nesterov = bool(optimizer.params.get("nesterov", False))
        key = optimizer.type
        if optimizer.type == "SGD":
            key = "Nesterov" if nesterov else ("Momentum" if momentum > 0 else "SGD")
        if key in self.race_lr_spins:
            self.race_lr_spins[key].setValue(lr)

    def _contenders(self, experiment: Experiment):
        keys = self.checked()
        if not keys:
            raise ValueError(self.tr("Check at least one optimizer to race."))
        return optimizer_contenders(experiment, [(key, self.race_lr_spins[key].value()) for key in keys])

    def shutdown(self) -> None:
        self._timer.stop()
        self._rerun.stop()
        self._generation += 1
        for thread in list(self._path_threads):
            thread.wait()  # a path computation is short (seconds at most) and cannot be interrupted
        self.race.shutdown()
