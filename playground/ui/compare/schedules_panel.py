"""Learning-rate schedules: design and overlay them, race them, and find a good LR.

The designer's curves come from the engine's own `lr_schedule` (the same optimizer, scheduler
and warmup code that training runs), so the plot before training is the LR training will use.
The race draws the loss per step with the LR actually used on the same step axis. The LR range
test sweeps the LR exponentially and can apply its suggestion to the experiment (undoable).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue.training import SCHEDULERS
from playground.core.compare.history import RunHistory
from playground.core.compare.lr_range_test import LRRangeResult, lr_range_test
from playground.core.compare.race import optimizer_lr, schedule_contenders
from playground.core.document import ExperimentDocument
from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import Experiment, SchedulerSpec
from playground.core.training.schedules import lr_schedule, steps_per_epoch
from playground.ui import theme
from playground.ui.compare.common import (
    OUTSIDE_LEGEND,
    CompareTab,
    color_for,
    color_icon,
    fit_outside_legend,
    format_number,
    heading,
    hint,
    log_safe,
    make_curve,
    make_plot,
    set_curve,
    set_plot_title,
    split_panel,
)
from playground.ui.compare.race_runner import ThreadRunner
from playground.ui.compare.race_view import RaceSection
from playground.ui.editor.commands import SetTrainingCommand
from playground.ui.inspector.param_editors import ParamForm

CONSTANT = "Constant"
RANGE_RAW_COLOR = "#9aa5b1"
RANGE_SMOOTH_COLOR = "#1f77b4"


@dataclass
class Design:
    """One schedule of the designer: a label and a scheduler spec (None: constant LR)."""

    label: str
    spec: SchedulerSpec | None
    checked: bool = True
    key: str = ""  # a default design's key: it follows the run's length until edited


DEFAULT_KEYS = ("constant", "step", "cosine", "warmup_cosine", "one_cycle", "restarts", "exponential", "plateau")
DEFAULT_UNCHECKED = ("restarts", "exponential", "plateau")


def default_design(key: str, epochs: int, steps: int, lr: float) -> Design:
    """A classic schedule sized to the run (epochs, steps per epoch) and its LR."""
    third = max(1, epochs // 3)
    total = max(1, epochs * steps)
    label, spec = {
        "constant": ("Constant", None),
        "step": (
            f"Step ÷10 every {third} epochs",
            SchedulerSpec(type="StepLR", params={"step_size": third, "gamma": 0.1}),
        ),
        "cosine": ("Cosine", SchedulerSpec(type="CosineAnnealingLR", params={"T_max": max(1, epochs), "eta_min": 0.0})),
        "warmup_cosine": (
            "Warmup + cosine",
            SchedulerSpec(
                type="CosineAnnealingLR",
                params={"T_max": total, "eta_min": 0.0},
                interval="step",
                warmup_steps=max(1, min(total // 10, 500)),
            ),
        ),
        "one_cycle": (
            "One-cycle",
            SchedulerSpec(type="OneCycleLR", params={"max_lr": float(f"{lr * 3:.3g}")}, interval="step"),
        ),
        "restarts": (
            "Cosine with restarts",
            SchedulerSpec(
                type="CosineAnnealingWarmRestarts", params={"T_0": max(1, epochs // 4), "T_mult": 1, "eta_min": 0.0}
            ),
        ),
        "exponential": ("Exponential ×0.95", SchedulerSpec(type="ExponentialLR", params={"gamma": 0.95})),
        "plateau": (
            "Reduce on plateau",
            SchedulerSpec(type="ReduceLROnPlateau", params={"patience": 5, "factor": 0.5}),
        ),
    }[key]
    return Design(label, spec, checked=key not in DEFAULT_UNCHECKED, key=key)


def default_designs(epochs: int, steps: int, lr: float) -> list[Design]:
    return [default_design(key, epochs, steps, lr) for key in DEFAULT_KEYS]


MAX_PLOTTED_STEPS = 50_000  # a longer run's schedule is drawn up to here (replaying it all would freeze the window)


class SchedulesPanel(CompareTab):
    def __init__(
        self,
        document: ExperimentDocument,
        undo_stack: QUndoStack | None = None,
        history: RunHistory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(document, undo_stack, history, parent)
        self.designs: list[Design] = []
        self._curves: list[pg.PlotDataItem] = []
        self.schedules: list[np.ndarray] = []  # the plotted LR per step of each design (tests, export)
        self.range_result: LRRangeResult | None = None
        self._editing = False
        self._params_form: ParamForm | None = None

        splitter, top, top_layout = split_panel(self)

        # ---- the designer --------------------------------------------------------------------
        designer = QVBoxLayout()
        designer.addWidget(heading(self.tr("Schedule designer"), top))
        self.list = QListWidget(top)
        self.list.setMaximumWidth(330)
        self.list.setMinimumWidth(250)
        designer.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add"), top)
        self.remove_button = QPushButton(self.tr("Remove"), top)
        self.apply_design_button = QPushButton(self.tr("Use in experiment"), top)
        self.apply_design_button.setToolTip(
            self.tr("Set the selected schedule as the experiment's scheduler (undoable).")
        )
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.apply_design_button)
        designer.addLayout(row)
        form = QFormLayout()
        self.name_edit = QLineEdit(top)
        self.type_combo = QComboBox(top)
        self.type_combo.addItem(self.tr("Constant"), CONSTANT)
        for name in SCHEDULERS:
            self.type_combo.addItem(name, name)
        self.interval_combo = QComboBox(top)
        self.interval_combo.addItem(self.tr("per epoch"), "epoch")
        self.interval_combo.addItem(self.tr("per step"), "step")
        self.warmup = QSpinBox(top)
        self.warmup.setRange(0, 1_000_000)
        self.warmup.setSuffix(self.tr(" steps"))
        self.warmup.setToolTip(self.tr("Linear warmup: the LR grows from lr/(W+1) to lr over the first W steps."))
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Schedule"), self.type_combo)
        form.addRow(self.tr("Steps the scheduler"), self.interval_combo)
        form.addRow(self.tr("Warmup"), self.warmup)
        designer.addLayout(form)
        self.params_host = QVBoxLayout()
        designer.addLayout(self.params_host)
        top_layout.addLayout(designer, 0)

        plot_box = QVBoxLayout()
        # The legend sits right of the plot area: in a corner it covered the one-cycle peak (and
        # any other curve a user designs); steps are whole numbers on x.
        self.schedule_plot = make_plot(
            top,
            self.tr("Learning rate per step (before training)"),
            self.tr("step"),
            self.tr("learning rate"),
            legend=OUTSIDE_LEGEND,
            count_x=True,
        )
        set_plot_title(
            self.schedule_plot.getPlotItem(),
            self.tr("Learning rate per step (before training)"),
            self.tr("Learning rate per step"),
            self.tr("Learning rate"),
        )
        plot_box.addWidget(self.schedule_plot, 1)
        options = QHBoxLayout()
        self.log_scale = QCheckBox(self.tr("log scale"), top)
        self.run_info = hint("", top)
        options.addWidget(self.log_scale)
        options.addWidget(self.run_info, 1)
        plot_box.addLayout(options)
        top_layout.addLayout(plot_box, 3)

        # ---- the LR range test -----------------------------------------------------------------
        range_box = QVBoxLayout()
        # The title names the curves in their colours (a legend in the small plot covered them).
        self.range_plot = make_plot(top, "", self.tr("learning rate (log)"), self.tr("loss"), legend=False)
        self.range_plot.setLogMode(x=True, y=False)
        plot_item = self.range_plot.getPlotItem()
        loss_word, smoothed_word = html.escape(self.tr("loss")), html.escape(self.tr("smoothed"))
        curves = (
            f"<span style='color:{RANGE_RAW_COLOR}'>{loss_word}</span> / "
            f"<span style='color:{RANGE_SMOOTH_COLOR}'>{smoothed_word}</span>"
        )
        set_plot_title(plot_item, self.tr("LR range test: ") + curves, self.tr("LR range test"))
        self.range_raw = make_curve(plot_item, RANGE_RAW_COLOR, self.tr("loss"), width=1.2)
        self.range_smooth = make_curve(plot_item, RANGE_SMOOTH_COLOR, self.tr("smoothed"), width=3)
        self.range_marker = pg.InfiniteLine(
            angle=90,
            pen=pg.mkPen("#d62728", width=2.5, style=Qt.PenStyle.DashLine),
            label="",
            labelOpts={"position": 0.92, "color": "#d62728", "fill": (255, 255, 255, 200)},
        )
        self.range_marker.hide()
        plot_item.addItem(self.range_marker)
        range_box.addWidget(self.range_plot, 1)
        range_controls = QHBoxLayout()
        self.range_start = self._lr_box(1e-5)
        self.range_end = self._lr_box(1.0)
        self.range_steps = QSpinBox(top)
        self.range_steps.setRange(20, 5000)
        self.range_steps.setValue(200)
        self.range_steps.setSuffix(self.tr(" steps"))
        self._show_sweep_range()  # before any test: the sweep's decades, not pyqtgraph's 2 … 9
        range_controls.addWidget(QLabel(self.tr("from"), top))
        range_controls.addWidget(self.range_start)
        range_controls.addWidget(QLabel(self.tr("to"), top))
        range_controls.addWidget(self.range_end)
        range_box.addLayout(range_controls)
        # three short rows rather than two long ones: the column stays narrow enough for the
        # designer, the schedule plot and the range test to share a 1024-pixel window
        run_row = QHBoxLayout()
        run_row.addWidget(self.range_steps)
        buttons = QHBoxLayout()
        self.range_button = QPushButton(self.tr("Run LR range test"), top)
        self.range_stop_button = QPushButton(self.tr("Stop"), top)
        self.range_stop_button.setEnabled(False)
        self.apply_lr_button = QPushButton(self.tr("Apply suggested LR"), top)
        self.apply_lr_button.setEnabled(False)
        self.apply_lr_button.setToolTip(self.tr("Set the experiment's optimizer learning rate (undoable)."))
        run_row.addWidget(self.range_button, 1)
        range_box.addLayout(run_row)
        buttons.addWidget(self.range_stop_button)
        buttons.addWidget(self.apply_lr_button, 1)
        range_box.addLayout(buttons)
        self.range_status = QLabel(top)
        self.range_status.setWordWrap(True)
        range_box.addWidget(self.range_status)
        top_layout.addLayout(range_box, 2)

        # ---- the race ----------------------------------------------------------------------------
        self.race = RaceSection(
            document,
            self.history,
            self._contenders,
            self.tr("Schedule race"),
            self.tr("Race the checked schedules"),
            mode="step",
            parent=splitter,
        )
        self.race.status_message.connect(self.status_message)
        splitter.addWidget(top)
        splitter.addWidget(self.race)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        self.range_runner = ThreadRunner(self)
        self.range_runner.events.connect(self._on_range_events)
        self.range_runner.finished.connect(self._on_range_finished)
        self.range_runner.failed.connect(self._on_range_failed)
        self.range_runner.running_changed.connect(self._on_range_running)
        self._range_points: list[tuple[float, float]] = []

        self._replot_timer = QTimer(self)
        self._replot_timer.setSingleShot(True)
        self._replot_timer.setInterval(120)
        self._replot_timer.timeout.connect(self.replot)
        self.list.currentRowChanged.connect(self._show_design)
        self.list.itemChanged.connect(self._on_item_changed)
        self.add_button.clicked.connect(self.add_design)
        self.remove_button.clicked.connect(self.remove_design)
        self.apply_design_button.clicked.connect(self.apply_design)
        self.name_edit.editingFinished.connect(self._on_name_edited)
        self.type_combo.currentIndexChanged.connect(self._on_type_changed)
        self.interval_combo.currentIndexChanged.connect(self._on_spec_edited)
        self.warmup.valueChanged.connect(self._on_spec_edited)
        self.log_scale.toggled.connect(self._on_log_scale)
        self.race.epochs.valueChanged.connect(lambda _v: self._resize_defaults())
        self.range_button.clicked.connect(self.start_range_test)
        self.range_stop_button.clicked.connect(self.range_runner.stop)
        self.apply_lr_button.clicked.connect(self.apply_suggested_lr)
        document.settings_changed.connect(self._on_settings_changed)
        document.reset.connect(self.reset_designs)
        self.reset_designs()

    def _lr_box(self, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setDecimals(6)
        box.setRange(1e-7, 100.0)
        box.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        box.setValue(value)
        return box

    # ---- run facts -------------------------------------------------------------------------------
    def run_shape(self) -> tuple[int, int]:
        """(epochs, steps per epoch) of the race/run the designer plots."""
        experiment = self.document.experiment
        epochs = self.race.epochs.value()
        try:
            train = self.document.dataset_info().sizes[0]
        except PlaygroundError:
            train = 1000
        batch = experiment.training.batch_size
        return epochs, steps_per_epoch(train, batch if batch == "full" else min(int(batch), max(1, train)))

    def base_lr(self) -> float:
        optimizer = self.document.experiment.training.optimizer
        return optimizer_lr(optimizer.type, optimizer.params) or 0.01

    # ---- designs -----------------------------------------------------------------------------
    def reset_designs(self) -> None:
        epochs, steps = self.run_shape()
        self.designs = default_designs(epochs, steps, self.base_lr())
        current = self.document.experiment.training.scheduler
        if current is not None:
            self.designs.insert(
                0, Design(self.tr("Experiment: {type}").format(type=current.type), current.model_copy(deep=True))
            )
        self._fill_list()
        self.list.setCurrentRow(0)
        self.replot()

    def _resize_defaults(self) -> None:
        """Unedited default designs follow the run's length (a cosine over all epochs, ...)."""
        epochs, steps = self.run_shape()
        for index, design in enumerate(self.designs):
            if design.key:
                fresh = default_design(design.key, epochs, steps, self.base_lr())
                fresh.checked = design.checked
                self.designs[index] = fresh
        self._fill_list()
        self._show_design(self.list.currentRow())
        self._replot_timer.start()

    def _fill_list(self) -> None:
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for design in self.designs:
            item = QListWidgetItem(design.label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if design.checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._color_items()
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)

    def _color_items(self) -> None:
        self.list.blockSignals(True)
        shown = 0
        for index, design in enumerate(self.designs):
            item = self.list.item(index)
            if design.checked:
                item.setIcon(color_icon(color_for(shown)))
                shown += 1
            else:
                item.setIcon(color_icon(theme.colors().base))
        self.list.blockSignals(False)

    def checked_designs(self) -> list[Design]:
        return [design for design in self.designs if design.checked]

    def add_design(self) -> None:
        epochs, _ = self.run_shape()
        self.designs.append(
            Design(
                self.tr("Cosine {n}").format(n=len(self.designs) + 1),
                SchedulerSpec(type="CosineAnnealingLR", params={"T_max": max(1, epochs)}),
            )
        )
        self._fill_list()
        self.list.setCurrentRow(len(self.designs) - 1)
        self.replot()

    def remove_design(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.designs):
            del self.designs[row]
            self._fill_list()
            self.list.setCurrentRow(min(row, len(self.designs) - 1))
            self.replot()

    def current_design(self) -> Design | None:
        row = self.list.currentRow()
        return self.designs[row] if 0 <= row < len(self.designs) else None

    def _show_design(self, row: int) -> None:
        design = self.current_design()
        self._editing = True
        try:
            enabled = design is not None
            for widget in (
                self.name_edit,
                self.type_combo,
                self.interval_combo,
                self.warmup,
                self.remove_button,
                self.apply_design_button,
            ):
                widget.setEnabled(enabled)
            if design is None:
                return
            self.name_edit.setText(design.label)
            spec = design.spec
            self.type_combo.setCurrentIndex(self.type_combo.findData(spec.type if spec else CONSTANT))
            self.interval_combo.setCurrentIndex(self.interval_combo.findData(spec.interval if spec else "epoch"))
            self.warmup.setValue(spec.warmup_steps if spec else 0)
            self._build_params_form(spec)
        finally:
            self._editing = False

    def _build_params_form(self, spec: SchedulerSpec | None) -> None:
        if self._params_form is not None:
            self._params_form.setParent(None)
            self._params_form.deleteLater()
            self._params_form = None
        constant = spec is None
        self.interval_combo.setEnabled(not constant)
        self.warmup.setEnabled(not constant)
        if spec is None:
            return
        form = ParamForm(SCHEDULERS[spec.type].params, self)
        form.set_values(dict(spec.params))
        form.param_committed.connect(self._on_param_committed)
        self.params_host.addWidget(form)
        self._params_form = form

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if 0 <= row < len(self.designs):
            self.designs[row].checked = item.checkState() == Qt.CheckState.Checked
            self._color_items()
            self.replot()

    def _on_name_edited(self) -> None:
        design = self.current_design()
        if design is None or self._editing:
            return
        design.label = self.name_edit.text().strip() or design.label
        design.key = ""
        self.list.blockSignals(True)
        self.list.currentItem().setText(design.label)
        self.list.blockSignals(False)
        self.replot()

    def _on_type_changed(self) -> None:
        design = self.current_design()
        if design is None or self._editing:
            return
        kind = self.type_combo.currentData()
        design.key = ""
        if kind == CONSTANT:
            design.spec = None
        else:
            epochs, steps = self.run_shape()
            params: dict[str, Any] = {}
            if kind == "CosineAnnealingLR":
                params = {"T_max": max(1, epochs)}
            elif kind == "StepLR":
                params = {"step_size": max(1, epochs // 3)}
            elif kind == "MultiStepLR":
                params = {"milestones": sorted({max(1, epochs // 2), max(1, 3 * epochs // 4)})}
            elif kind == "OneCycleLR":
                params = {"max_lr": float(f"{self.base_lr() * 3:.3g}")}
            elif kind == "CosineAnnealingWarmRestarts":
                params = {"T_0": max(1, epochs // 4)}
            interval: Literal["epoch", "step"] = "step" if kind == "OneCycleLR" else self.interval_combo.currentData()
            design.spec = SchedulerSpec(type=kind, params=params, interval=interval, warmup_steps=self.warmup.value())
        self._show_design(self.list.currentRow())
        self.replot()

    def _on_spec_edited(self) -> None:
        design = self.current_design()
        if design is None or design.spec is None or self._editing:
            return
        design.spec = design.spec.model_copy(
            update={"interval": self.interval_combo.currentData(), "warmup_steps": self.warmup.value()}
        )
        design.key = ""
        self._replot_timer.start()

    def _on_param_committed(self, name: str, value) -> None:
        design = self.current_design()
        if design is None or design.spec is None:
            return
        params = dict(design.spec.params)
        params[name] = value
        design.spec = design.spec.model_copy(update={"params": params})
        design.key = ""
        self._replot_timer.start()

    # ---- plotting ------------------------------------------------------------------------------
    def design_schedule(self, design: Design) -> np.ndarray:
        """The LR of every step for `design` on the current experiment (engine's `lr_schedule`)."""
        epochs, steps = self.run_shape()
        training = self.document.experiment.training.model_copy(deep=True)
        training.scheduler = design.spec.model_copy(deep=True) if design.spec is not None else None
        return lr_schedule(training, steps, epochs, max_steps=MAX_PLOTTED_STEPS)

    def replot(self) -> None:
        self._replot_timer.stop()
        plot = self.schedule_plot.getPlotItem()
        if plot.legend is not None:
            plot.legend.clear()
        designs = self.checked_designs()
        while len(self._curves) < len(designs):
            self._curves.append(make_curve(plot, color_for(len(self._curves))))
        self.schedules = []
        problems = []
        for index, curve in enumerate(self._curves):
            if index >= len(designs):
                curve.setData([], [])
                continue
            design = designs[index]
            curve.setPen(pg.mkPen(color_for(index), width=2.5))
            try:
                lrs = self.design_schedule(design)
            except (PlaygroundError, ValueError, TypeError) as exc:
                problems.append(f"{design.label}: {exc}")
                lrs = np.array([])
            self.schedules.append(lrs)
            values = log_safe(lrs) if self.log_scale.isChecked() else lrs
            set_curve(curve, np.arange(1, len(lrs) + 1), values)
            name = design.label
            if design.spec is not None and design.spec.type == "ReduceLROnPlateau":
                name += self.tr(" (if it never plateaus)")
            plot.legend.addItem(curve, name)
        fit_outside_legend(self.schedule_plot)  # right of the curves; too narrow: the list is the legend
        epochs, steps = self.run_shape()
        text = self.tr("{epochs} epochs × {steps} steps per epoch = {total} steps; base LR {lr}").format(
            epochs=epochs, steps=steps, total=f"{epochs * steps:,}", lr=format_number(self.base_lr())
        )
        if epochs * steps > MAX_PLOTTED_STEPS:
            text += self.tr(" (the plot shows the first {count} steps)").format(count=f"{MAX_PLOTTED_STEPS:,}")
        if problems:
            text += " — " + "; ".join(problems)
        self.run_info.setText(text)

    def _on_log_scale(self, on: bool) -> None:
        self.schedule_plot.setLogMode(x=False, y=on)
        self.race.view.lr_plot.setLogMode(x=False, y=on)
        self.replot()

    def _on_settings_changed(self, field: str) -> None:
        if field in ("training", "data"):
            self._replot_timer.start()

    # ---- experiment edits ------------------------------------------------------------------------
    def _push_training(self, training, field: str) -> None:
        if self.undo_stack is not None:
            self.undo_stack.push(SetTrainingCommand(self.document, training, field))
        else:
            self.document.set_training(training)

    def apply_design(self) -> None:
        design = self.current_design()
        if design is None:
            return
        training = self.document.experiment.training.model_copy(deep=True)
        training.scheduler = design.spec.model_copy(deep=True) if design.spec is not None else None
        self._push_training(training, "scheduler")
        self.status_message.emit(self.tr("The experiment now uses the schedule “{name}”.").format(name=design.label))

    def apply_suggested_lr(self) -> float | None:
        result = self.range_result
        if result is None or result.suggestion is None:
            return None
        lr = float(f"{result.suggestion:.3g}")
        training = self.document.experiment.training.model_copy(deep=True)
        params = dict(training.optimizer.params)
        params["lr"] = lr
        training.optimizer = training.optimizer.model_copy(update={"params": params})
        self._push_training(training, "optimizer.lr")
        self.status_message.emit(self.tr("Learning rate set to {lr}.").format(lr=format_number(lr)))
        self._replot_timer.start()
        return lr

    # ---- the race ------------------------------------------------------------------------------
    def _contenders(self, experiment: Experiment):
        designs = self.checked_designs()
        if not designs:
            raise ValueError(self.tr("Check at least one schedule to race."))
        return schedule_contenders(experiment, [(design.label, design.spec) for design in designs])

    # ---- the LR range test -----------------------------------------------------------------------
    def start_range_test(self) -> bool:
        if self.range_runner.is_running():
            return False
        start, end = self.range_start.value(), self.range_end.value()
        if not end > start:
            self.range_status.setText(self.tr("The end LR must be larger than the start LR."))
            return False
        experiment = self.document.snapshot()
        base_dir = self.document.base_dir()
        runner = self.range_runner
        steps = self.range_steps.value()
        self._range_points = []
        self.range_result = None
        self.apply_lr_button.setEnabled(False)
        self.range_marker.hide()
        self.range_raw.setData([], [])
        self.range_smooth.setData([], [])
        self._show_sweep_range()

        def job() -> LRRangeResult:
            return lr_range_test(
                experiment,
                start_lr=start,
                end_lr=end,
                steps=steps,
                base_dir=str(base_dir) if base_dir else None,
                should_stop=lambda: runner.stop_requested,
                progress=lambda step, lr, loss: runner.post((lr, loss)),
            )

        self.range_runner.start_job(job)
        self.range_status.setText(self.tr("Sweeping the learning rate…"))
        return True

    def _show_sweep_range(self) -> None:
        """x from the start to the end LR of the sweep (log axis); y follows the losses."""
        start, end = self.range_start.value(), self.range_end.value()
        plot = self.range_plot.getPlotItem()
        if end > start > 0:
            plot.setXRange(math.log10(start), math.log10(end), padding=0.02)
        plot.enableAutoRange(axis="y")

    def _on_range_events(self, events: list) -> None:
        self._range_points.extend(events)
        if self._range_points:
            lrs, losses = zip(*self._range_points)
            set_curve(self.range_raw, lrs, losses)  # raw x: the plot's log mode takes log10 itself

    def _on_range_finished(self, result: LRRangeResult) -> None:
        self.range_result = result
        set_curve(self.range_raw, result.lrs, result.losses)
        set_curve(self.range_smooth, result.lrs, result.smoothed)
        finite = result.smoothed[np.isfinite(result.smoothed)]
        if finite.size:
            low, high = float(finite.min()), float(np.percentile(finite, 95))
            span = max(high - low, 1e-6)
            self.range_plot.getPlotItem().setYRange(low - 0.1 * span, high + 0.25 * span)
        if result.suggestion is not None:
            self.range_marker.show()  # first: a hidden line's label ignores a new text (it stayed empty)
            self.range_marker.setPos(math.log10(result.suggestion))
            self.range_marker.label.setFormat(self.tr("suggested {lr}").format(lr=format_number(result.suggestion, 3)))
            self.apply_lr_button.setEnabled(True)
            text = self.tr(
                "Suggested LR: <b>{lr}</b> (where the smoothed loss falls fastest); lowest loss at {low}."
            ).format(
                lr=html.escape(format_number(result.suggestion, 3)),
                low=html.escape(format_number(result.min_loss_lr, 3)),
            )
        else:
            text = self.tr("No suggestion: too few steps before the loss exploded.")
        self.range_status.setText(
            text + " " + html.escape(result.message)
        )  # worded by the core, in the current language

    def _on_range_failed(self, message: str) -> None:
        self.range_status.setText(self.tr("The range test could not run: {message}").format(message=message))

    def _on_range_running(self, running: bool) -> None:
        self.range_button.setEnabled(not running)
        self.range_stop_button.setEnabled(running)

    def shutdown(self) -> None:
        self.range_runner.shutdown()
        self.race.shutdown()
