"""The Backprop X-ray window: one frozen training step of the student's model, stage by stage.

The trace is computed by the core (`playground.core.xray`) in a worker thread from a copy of the
experiment, so the window stays responsive and the document is never touched. The window walks
the core's stages (Back, Next, Play), renders each stage's formulas as rich text, draws the dense
network (or a per-layer statistics table for a large model), checks a chosen weight's gradient
against a finite difference (in the same thread), and emits `node_focused(node_id)` on every
stage change so the main window can highlight that node on the canvas.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import Experiment
from playground.core.xray import (
    PHASES,
    GradientCheck,
    ParameterRef,
    Phase,
    Stage,
    XraySession,
    build_stages,
    format_number,
    phase_name,
    prepare_xray,
)
from playground.ui import theme, threads
from playground.ui.xray.network import NetworkDrawing
from playground.ui.xray.render import formula_html

PLAY_INTERVAL_MS = 1600  # Play: one stage this often
ALL_UNITS_UP_TO = 2  # a stage with at most this many formulas per unit shows every unit at once


class _Worker(QObject):
    """Computes the trace and the gradient checks off the GUI thread."""

    prepared = Signal(object)  # XraySession
    failed = Signal(str)
    checked = Signal(object)  # GradientCheck
    check_failed = Signal(str)

    def __init__(self, experiment: Experiment, base_dir: str | None) -> None:
        super().__init__()
        self._experiment = experiment
        self._base_dir = base_dir
        self._session: XraySession | None = None

    @Slot()
    def prepare(self) -> None:
        try:
            self._session = prepare_xray(self._experiment, self._base_dir)
        except PlaygroundError as error:
            self.failed.emit(str(error))
        except Exception as error:  # noqa: BLE001 - shown as a message, never a traceback dialog
            self.failed.emit(f"{type(error).__name__}: {error}")
        else:
            self.prepared.emit(self._session)

    @Slot(object)
    def check(self, ref: ParameterRef) -> None:
        if self._session is None:
            return
        try:
            self.checked.emit(self._session.check_gradient(ref))
        except Exception as error:  # noqa: BLE001 - shown beside the check
            self.check_failed.emit(str(error))


class XrayWindow(QWidget):
    """A non-modal tool window showing one training step of a copy of `experiment`."""

    node_focused = Signal(str)  # the canvas node id of the current stage, on every stage change
    _check_requested = Signal(object)

    def __init__(self, experiment: Experiment, base_dir: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool if parent is not None else Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Backprop X-ray"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.session: XraySession | None = None
        self.stages: tuple[Stage, ...] = ()
        self.index = -1
        self.sample = 0
        self.unit = 0
        self._error: str | None = None
        self._refs: list[ParameterRef] = []
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._on_play_tick)
        theme.notifier().changed.connect(self._on_theme_changed)
        self.resize(1200, 800)
        self._thread: QThread | None = QThread(self)
        threads.track(self._thread)
        self._worker = _Worker(experiment.model_copy(deep=True), base_dir)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.prepare)
        self._worker.prepared.connect(self._on_prepared)
        self._worker.failed.connect(self._on_failed)
        self._worker.checked.connect(self._on_checked)
        self._worker.check_failed.connect(self._on_check_failed)
        self._check_requested.connect(self._worker.check)
        self._thread.start()

    # ---- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        self.pages = QStackedWidget()
        root.addWidget(self.pages)
        self.message = QLabel(self.tr("Computing one training step…"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pages.addWidget(self.message)
        content = QWidget()
        self.pages.addWidget(content)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        bar = QHBoxLayout()
        self.back_button = QPushButton(self.tr("◀ Back"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setCheckable(True)
        self.back_button.clicked.connect(self._on_back)
        self.next_button.clicked.connect(self._on_next)
        self.play_button.toggled.connect(self._on_play_toggled)
        for button in (self.back_button, self.next_button, self.play_button):
            bar.addWidget(button)
        bar.addSpacing(16)
        self.phase_labels: dict[Phase, QLabel] = {}
        for number, phase in enumerate(PHASES):
            if number:
                dot = QLabel("·")
                bar.addWidget(dot)
            label = QLabel(phase_name(phase).text())
            self.phase_labels[phase] = label
            bar.addWidget(label)
        bar.addStretch(1)
        self.sample_label = QLabel(self.tr("Sample"))
        self.sample_box = QSpinBox()
        self.sample_box.setMinimum(1)
        self.sample_box.valueChanged.connect(self._on_sample_changed)
        self.unit_label = QLabel(self.tr("Unit"))
        self.unit_box = QComboBox()
        self.unit_box.currentIndexChanged.connect(self._on_unit_changed)
        for widget in (self.sample_label, self.sample_box, self.unit_label, self.unit_box):
            bar.addWidget(widget)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)
        self.stage_list = QListWidget()
        self.stage_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.stage_list.currentRowChanged.connect(self._on_stage_row_changed)
        self.stage_list.setMinimumWidth(200)
        self.stage_list.setWordWrap(True)
        self.stage_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.addWidget(self.stage_list)

        middle = QSplitter(Qt.Orientation.Vertical)
        self.view_stack = QStackedWidget()
        self.drawing = NetworkDrawing()
        self.drawing.unit_clicked.connect(self._on_unit_clicked)
        self.drawing.weight_clicked.connect(self._on_weight_clicked)
        self.table = QTableWidget(0, 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Layer"),
                self.tr("Type"),
                self.tr("Parameters"),
                self.tr("Mean of a"),
                self.tr("Std of a"),
                self.tr("Gradient norm"),
                self.tr("Update norm"),
                self.tr("Update / weight"),
            ]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.view_stack.addWidget(self.drawing)
        self.view_stack.addWidget(self.table)
        middle.addWidget(self.view_stack)
        formulas_box = QWidget()
        formulas_layout = QVBoxLayout(formulas_box)
        formulas_layout.setContentsMargins(0, 0, 0, 0)
        self.stage_title = QLabel()
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(self.font().pointSizeF() * 1.15)
        self.stage_title.setFont(title_font)
        self.stage_title.setWordWrap(True)
        formulas_layout.addWidget(self.stage_title)
        self.formulas = QTextBrowser()
        self.formulas.setOpenLinks(False)
        formula_font = QFont(self.font())
        formula_font.setPointSizeF(self.font().pointSizeF() * 1.12)
        self.formulas.setFont(formula_font)
        formulas_layout.addWidget(self.formulas, 1)
        middle.addWidget(formulas_box)
        middle.setStretchFactor(0, 2)
        middle.setStretchFactor(1, 3)
        splitter.addWidget(middle)

        check = QGroupBox(self.tr("Check the gradient"))
        check_layout = QVBoxLayout(check)
        explanation = QLabel(
            self.tr(
                "Autograd's ∂L/∂w beside a central finite difference (L(w+h) − L(w−h)) / 2h, "
                "both in float64 on the same frozen batch. Pick a weight here or click a line."
            )
        )
        explanation.setWordWrap(True)
        check_layout.addWidget(explanation)
        self.parameter_box = QComboBox()
        self.parameter_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.parameter_box.setMinimumContentsLength(12)
        self.parameter_box.currentIndexChanged.connect(self._on_parameter_changed)
        check_layout.addWidget(self.parameter_box)
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.clicked.connect(self._on_check)
        check_layout.addWidget(self.check_button)
        self.check_result = QLabel()
        self.check_result.setWordWrap(True)
        self.check_result.setTextFormat(Qt.TextFormat.RichText)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        check_layout.addWidget(self.check_result)
        check_layout.addStretch(1)
        check.setMinimumWidth(220)
        check.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        splitter.addWidget(check)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([230, 700, 260])
        self._set_controls_enabled(False)

    def _set_controls_enabled(self, enabled: bool) -> None:
        for widget in (self.back_button, self.next_button, self.play_button, self.check_button):
            widget.setEnabled(enabled)

    # ---- results from the worker -------------------------------------------------------------------
    @Slot(object)
    def _on_prepared(self, session: XraySession) -> None:
        self.session = session
        trace = session.trace
        self.sample_box.blockSignals(True)
        self.sample_box.setMaximum(trace.batch.size)
        self.sample_box.setValue(1)
        self.sample_box.blockSignals(False)
        self._refs = session.parameters()
        self.parameter_box.blockSignals(True)
        self.parameter_box.clear()
        for ref in self._refs:
            self.parameter_box.addItem(self._ref_label(ref))
        self.parameter_box.blockSignals(False)
        units = trace.kind == "units"
        self.view_stack.setCurrentWidget(self.drawing if units else self.table)
        self.unit_label.setVisible(units)
        self.unit_box.setVisible(units)
        if not units:
            self._fill_table()
        self._write_summary()
        self.stages = build_stages(trace, self.sample)
        self.stage_list.blockSignals(True)
        self.stage_list.clear()
        for stage in self.stages:
            self.stage_list.addItem(stage.title.text())
        self.stage_list.blockSignals(False)
        self._set_controls_enabled(True)
        self.pages.setCurrentIndex(1)
        self.go_to(0)
        self._on_parameter_changed(self.parameter_box.currentIndex())

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._error = message
        self.message.setText(self.tr("The X-ray cannot be shown: {problem}").format(problem=message))
        self.pages.setCurrentIndex(0)
        self._stop_thread()

    @Slot(object)
    def _on_checked(self, check: GradientCheck) -> None:
        colors = theme.colors()
        verdict_color = colors.ok if check.agrees else colors.error
        verdict = self.tr("They agree.") if check.agrees else self.tr("They differ.")
        rows = [
            (self.tr("weight"), format_number(check.value, 6)),
            (self.tr("autograd"), format_number(check.autograd, 8)),
            (self.tr("finite difference"), format_number(check.finite_difference, 8)),
            (self.tr("relative difference"), format_number(check.relative_difference, 3)),
            (self.tr("step h"), format_number(check.step, 2)),
        ]
        if check.xray is not None:
            rows.insert(3, (self.tr("X-ray (chain rule)"), format_number(check.xray, 8)))
        table = "".join(
            f"<tr><td>{html.escape(name)}</td><td align='right'><b>{html.escape(value)}</b></td></tr>"
            for name, value in rows
        )
        self.check_result.setText(
            f"<table cellspacing='4'>{table}</table><p style='color:{verdict_color}'><b>{html.escape(verdict)}</b></p>"
        )
        self.check_button.setEnabled(True)

    @Slot(str)
    def _on_check_failed(self, message: str) -> None:
        self.check_result.setText(html.escape(message))
        self.check_button.setEnabled(True)

    # ---- what is shown -------------------------------------------------------------------------
    def _ref_label(self, ref: ParameterRef) -> str:
        index = ",".join(str(i + 1) for i in ref.index)
        return f"{ref.node_id}.{ref.name}[{index}]"

    def _write_summary(self) -> None:
        assert self.session is not None
        trace = self.session.trace
        batch = trace.batch
        if batch.full:
            where = self.tr("{count} samples: the whole training split").format(count=batch.size)
        else:
            where = self.tr("{count} samples: the first batch of epoch 1").format(count=batch.size)
        text = self.tr("Frozen batch: {batch}. Optimizer {optimizer}, learning rate {lr}.").format(
            batch=where, optimizer=trace.optimizer.name, lr=format_number(trace.optimizer.lr)
        )
        if trace.kind == "statistics" and trace.reason is not None:
            text += " " + self.tr("Per-layer statistics ({reason}).").format(reason=trace.reason.text())
        self.summary.setText(text)

    def _fill_table(self) -> None:
        assert self.session is not None
        stats = self.session.trace.statistics
        self.table.setRowCount(len(stats))

        def number(value: float | None) -> str:
            return "" if value is None else format_number(value)

        for row, item in enumerate(stats):
            values = [
                item.node_id,
                item.layer_type,
                str(item.parameters) if item.parameters else "",
                number(item.activation_mean),
                number(item.activation_std),
                number(item.gradient_norm),
                number(item.update_norm),
                number(item.update_ratio),
            ]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column >= 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()

    def go_to(self, index: int) -> None:
        """Show stage `index` (clamped) and emit node_focused with its node."""
        if not self.stages:
            return
        index = max(0, min(index, len(self.stages) - 1))
        changed = index != self.index
        self.index = index
        stage = self.stages[index]
        if self.stage_list.currentRow() != index:
            self.stage_list.blockSignals(True)
            self.stage_list.setCurrentRow(index)
            self.stage_list.blockSignals(False)
        self._fill_units(stage)
        self._render()
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.stages) - 1)
        if changed:
            self.node_focused.emit(stage.node_id)

    def current_stage(self) -> Stage | None:
        return self.stages[self.index] if 0 <= self.index < len(self.stages) else None

    def _fill_units(self, stage: Stage) -> None:
        units = stage.units()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        for unit in units:
            self.unit_box.addItem(self.tr("unit {number}").format(number=unit + 1), unit)
        if units:
            self.unit = self.unit if self.unit in units else units[0]
            self.unit_box.setCurrentIndex(units.index(self.unit))
        self.unit_box.setEnabled(bool(units))
        self.unit_box.blockSignals(False)

    def _render(self) -> None:
        stage = self.current_stage()
        if stage is None or self.session is None:
            return
        trace = self.session.trace
        for phase, label in self.phase_labels.items():
            current = phase == stage.phase
            color = theme.colors().highlight if current else theme.colors().muted_text
            weight = "700" if current else "400"
            label.setText(
                f"<span style='color:{color};font-weight:{weight}'>{html.escape(phase_name(phase).text())}</span>"
            )
        self.stage_title.setText(stage.title.text())
        parts: list[str] = []
        units = stage.units()
        general = stage.formulas_of(None)
        per_unit = max((len(stage.formulas_of(unit)) for unit in units), default=0)
        show_all = per_unit <= ALL_UNITS_UP_TO
        colors = theme.colors()
        for formula in general:
            parts.append(formula_html(formula))
        for unit in units:
            if not show_all and unit != self.unit:
                continue
            focus = unit == self.unit
            body = "".join(formula_html(formula, emphasis=focus) for formula in stage.formulas_of(unit))
            style = f"background-color:{colors.alternate_base};" if focus and show_all else ""
            heading = self.tr("Unit {number}").format(number=unit + 1)
            parts.append(
                f"<div style='{style}'><p style='margin:6px 0 0 0;color:{colors.muted_text}'>"
                f"<b>{html.escape(heading)}</b></p>{body}</div>"
            )
        for note in stage.notes:
            parts.append(f"<p style='color:{colors.muted_text}'>{html.escape(note.text())}</p>")
        scroll = self.formulas.verticalScrollBar().value()
        self.formulas.setHtml(f"<div style='color:{colors.text}'>{''.join(parts)}</div>")
        self.formulas.verticalScrollBar().setValue(scroll if show_all else 0)
        if trace.kind == "units":
            self.drawing.show_state(trace, stage, self.sample, self.unit)
        elif stage.layer is not None:
            self.table.selectRow(stage.layer)
        else:
            self.table.clearSelection()

    def formula_text(self) -> str:
        """The formulas shown now, as plain text (what a reader sees, without the styling)."""
        return self.formulas.toPlainText()

    def error_text(self) -> str | None:
        """The problem shown instead of the X-ray, if any."""
        return self.message.text() if self._error is not None else None

    def is_ready(self) -> bool:
        return self.session is not None

    # ---- user actions ------------------------------------------------------------------------------
    @Slot()
    def _on_next(self) -> None:
        self.go_to(self.index + 1)

    @Slot()
    def _on_back(self) -> None:
        self.go_to(self.index - 1)

    @Slot(bool)
    def _on_play_toggled(self, playing: bool) -> None:
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Play"))
        if playing:
            if self.index >= len(self.stages) - 1:
                self.go_to(0)
            self._timer.start()
        else:
            self._timer.stop()

    @Slot()
    def _on_play_tick(self) -> None:
        if self.index >= len(self.stages) - 1:
            self.play_button.setChecked(False)
            return
        self.go_to(self.index + 1)

    @Slot(int)
    def _on_stage_row_changed(self, row: int) -> None:
        if row >= 0:
            self.go_to(row)

    @Slot(int)
    def _on_sample_changed(self, value: int) -> None:
        if self.session is None:
            return
        self.sample = value - 1
        self.stages = build_stages(self.session.trace, self.sample)
        self._render()

    @Slot(int)
    def _on_unit_changed(self, index: int) -> None:
        data = self.unit_box.itemData(index)
        if data is not None:
            self.unit = int(data)
            self._render()

    @Slot(int, int)
    def _on_unit_clicked(self, layer: int, unit: int) -> None:
        stage = self.current_stage()
        if stage is not None and stage.layer == layer and unit in stage.units():
            self.unit = unit
            self._fill_units(stage)
            self._render()

    @Slot(int, int, int)
    def _on_weight_clicked(self, layer: int, unit: int, source: int) -> None:
        if self.session is None:
            return
        node_id = self.session.trace.layers[layer].node_id
        ref = ParameterRef(node_id, "weight", (unit, source))
        if ref in self._refs:
            self.parameter_box.setCurrentIndex(self._refs.index(ref))

    @Slot(int)
    def _on_parameter_changed(self, index: int) -> None:
        self.check_result.clear()
        if self.session is None or not 0 <= index < len(self._refs):
            return
        ref = self._refs[index]
        if self.session.trace.kind == "units" and ref.name == "weight" and len(ref.index) == 2:
            layer = next(item.index for item in self.session.trace.layers if item.node_id == ref.node_id)
            self.drawing.set_weight((layer, ref.index[0], ref.index[1]))
        else:
            self.drawing.set_weight(None)

    @Slot()
    def _on_check(self) -> None:
        index = self.parameter_box.currentIndex()
        if self.session is None or not 0 <= index < len(self._refs):
            return
        self.check_button.setEnabled(False)
        self.check_result.setText(self.tr("Checking…"))
        self._check_requested.emit(self._refs[index])

    def select_parameter(self, ref: ParameterRef) -> None:
        """Choose the weight the check is about (as picking it in the list does)."""
        self.parameter_box.setCurrentIndex(self._refs.index(ref))

    @Slot(str)
    def _on_theme_changed(self, _name: str) -> None:
        self._render()
        self.drawing.update()

    # ---- closing ---------------------------------------------------------------------------------
    def _stop_thread(self) -> None:
        thread = self._thread
        if thread is not None:
            thread.quit()
            thread.wait()
            self._thread = None

    def shutdown(self) -> None:
        """Stop playing and end the worker thread (waits for a computation under way)."""
        self._timer.stop()
        self._stop_thread()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)
