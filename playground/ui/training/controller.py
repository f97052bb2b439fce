"""The training run's buttons and status widgets: Train/Pause/Resume, Step, Step Epoch, Stop, Reset,
the progress text and bar, the ETA and the live learning-rate box.

`TrainingController` is a `TrainingRun` (run_state.py: the run's state and steering, no widgets)
with these on top. Wiring into a window is a few lines::

    controller = TrainingController(document, parent=window, set_editing_blocked=editor.set_read_only)
    panel = TrainingPanel(controller)
    toolbar.addActions(controller.actions())
    for widget in controller.status_widgets():
        window.statusBar().addPermanentWidget(widget)
    ...
    controller.shutdown()  # in closeEvent
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QStyle, QWidget

from playground.core.runs.records import RunSetup, RunUpdate
from playground.ui.training.lr_spin_box import LearningRateSpinBox
from playground.ui.training.run_state import (
    ACTIVE_STATES,
    STATES,
    TEXT_ONLY_SETTINGS,
    TrainingRun,
    edit_blocked_reason,
    format_duration,
)

__all__ = [
    "ACTIVE_STATES",
    "edit_blocked_reason",
    "STATES",
    "TEXT_ONLY_SETTINGS",
    "TrainingController",
    "format_duration",
]


class TrainingController(TrainingRun):
    """A `TrainingRun` with its actions (toolbar, menu, shortcuts) and status-bar widgets."""

    def __init__(
        self,
        document: Any,
        parent: QObject | None = None,
        set_editing_blocked: Callable[[bool, str], None] | None = None,
    ) -> None:
        super().__init__(document, parent, set_editing_blocked)
        self._last_lr: float | None = None
        self._setting_lr = False
        self._build_actions()
        self._build_status_widgets()
        self.state_changed.connect(self._on_state_changed)
        self.run_prepared.connect(self._on_run_prepared)
        self.run_updated.connect(self._on_run_updated)
        self.progress_changed.connect(self._on_progress)
        self._update_actions()

    # ---- construction -----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        style = QApplication.style()
        icon = QStyle.StandardPixmap

        def action(
            key: str,
            text: str,
            slot: Callable[[], object],
            shortcuts: list[str],
            tip: str,
            pixmap: QStyle.StandardPixmap | None = None,
        ) -> QAction:
            act = QAction(text, self)
            act.setObjectName(f"action_training_{key}")
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            keys = ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
            act.setToolTip(f"{tip} ({keys})" if keys else tip)
            act.setStatusTip(tip)
            if pixmap is not None:
                act.setIcon(style.standardIcon(pixmap))
            act.triggered.connect(lambda _checked=False: slot())
            return act

        self._play_icon: QIcon = style.standardIcon(icon.SP_MediaPlay)
        self._pause_icon: QIcon = style.standardIcon(icon.SP_MediaPause)
        self.train_action = action(
            "train",
            QCoreApplication.translate("TrainingController", "Train"),
            self.toggle,
            ["Ctrl+Return", "F5"],
            QCoreApplication.translate(
                "TrainingController", "Train the model; while training, pause; while paused, resume"
            ),
            icon.SP_MediaPlay,
        )
        self.step_action = action(
            "step",
            QCoreApplication.translate("TrainingController", "Step"),
            self.step_batch,
            ["F10"],
            QCoreApplication.translate("TrainingController", "Train on one batch, then pause"),
            icon.SP_MediaSeekForward,
        )
        self.step_epoch_action = action(
            "step_epoch",
            QCoreApplication.translate("TrainingController", "Step Epoch"),
            self.step_epoch,
            ["Shift+F10"],
            QCoreApplication.translate("TrainingController", "Train to the end of the epoch, then pause"),
            icon.SP_MediaSkipForward,
        )
        self.stop_action = action(
            "stop",
            QCoreApplication.translate("TrainingController", "Stop"),
            self.stop,
            ["Shift+F5"],
            QCoreApplication.translate("TrainingController", "Stop training (the plots keep the run)"),
            icon.SP_MediaStop,
        )
        self.reset_action = action(
            "reset",
            QCoreApplication.translate("TrainingController", "Reset"),
            self.reset,
            ["Ctrl+R"],
            QCoreApplication.translate(
                "TrainingController", "Forget the run and show the initial weights again (same seed)"
            ),
            icon.SP_BrowserReload,
        )
        self.export_metrics_action = QAction(
            QCoreApplication.translate("TrainingController", "Export Metrics as CSV…"), self
        )
        self.export_metrics_action.setObjectName("action_training_export_metrics")
        self.export_steps_action = QAction(
            QCoreApplication.translate("TrainingController", "Export Step Losses as CSV…"), self
        )
        self.export_steps_action.setObjectName("action_training_export_steps")
        self._export_actions = (self.export_metrics_action, self.export_steps_action)
        for export in self._export_actions:
            export.setEnabled(False)  # until there is a run to export

    def _build_status_widgets(self) -> None:
        self.progress_label = QLabel(QCoreApplication.translate("TrainingController", "Not trained yet"))
        self.progress_label.setObjectName("trainingProgressText")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("trainingProgress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setMaximumHeight(14)
        self.eta_label = QLabel("")
        self.eta_label.setObjectName("trainingEta")
        self.eta_label.setMinimumWidth(80)
        self.lr_spin_box = LearningRateSpinBox()
        self.lr_spin_box.setToolTip(
            QCoreApplication.translate(
                "TrainingController",
                "Learning rate of the running model: change it while training and "
                "watch the loss react (the change is marked in the learning-rate plot).",
            )
        )
        self.lr_spin_box.valueChanged.connect(self._on_lr_edited)
        self.document_lr_changed()

    def actions(self) -> list[QAction]:
        """The toolbar's actions, in order."""
        return [self.train_action, self.step_action, self.step_epoch_action, self.stop_action, self.reset_action]

    def status_widgets(self) -> list[QWidget]:
        """For the status bar (permanent widgets): run text, progress bar, ETA."""
        return [self.progress_label, self.progress_bar, self.eta_label]

    # ---- following the run -----------------------------------------------------------------------
    def _on_state_changed(self, _state: str) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        state = self._state
        if state == "running":
            self.train_action.setText(QCoreApplication.translate("TrainingController", "Pause"))
            self.train_action.setIcon(self._pause_icon)
        elif state == "paused":
            self.train_action.setText(QCoreApplication.translate("TrainingController", "Resume"))
            self.train_action.setIcon(self._play_icon)
        else:
            self.train_action.setText(QCoreApplication.translate("TrainingController", "Train"))
            self.train_action.setIcon(self._play_icon)
        active = state in ACTIVE_STATES
        self.stop_action.setEnabled(active)
        self.step_action.setEnabled(state != "running")
        self.step_epoch_action.setEnabled(state != "running")
        self.lr_spin_box.setEnabled(active)
        for export in self._export_actions:
            export.setEnabled(not self.record.is_empty())

    def _on_run_prepared(self, setup: RunSetup) -> None:
        if not self._preview:
            self._show_lr(setup.lr)

    def _on_run_updated(self, update: RunUpdate) -> None:
        if self._preview:
            return
        steps = update.steps
        if steps is not None and len(steps) and not self.lr_spin_box.hasFocus():
            lr = float(steps.lr[-1])
            if self._last_lr is None or abs(lr - self._last_lr) > 1e-12 * max(1.0, lr):
                self._last_lr = lr
                self._show_lr(lr)
        if not self.export_metrics_action.isEnabled():
            for export in self._export_actions:
                export.setEnabled(not self.record.is_empty())

    def set_lr(self, value: float) -> None:
        super().set_lr(value)
        if self._state in ACTIVE_STATES:
            self._last_lr = float(value)
            self._show_lr(float(value))

    # ---- the learning-rate box ------------------------------------------------------------------------
    def _show_lr(self, value: Any) -> None:
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            return
        self._setting_lr = True
        try:
            self.lr_spin_box.show_value(float(value))
        finally:
            self._setting_lr = False

    def document_lr_changed(self) -> None:
        try:
            lr = self.document.experiment.training.optimizer.params.get("lr")
        except AttributeError:
            lr = None
        if lr is not None and hasattr(self, "lr_spin_box"):
            self._last_lr = None
            self._show_lr(lr)

    def _on_lr_edited(self, value: float) -> None:
        if self._setting_lr or self._state not in ACTIVE_STATES:
            return
        if self._last_lr is not None and abs(value - self._last_lr) <= 1e-12 * max(1.0, value):
            return
        self.set_lr(value)

    # ---- progress ---------------------------------------------------------------------------------------
    def _on_progress(self, text: str) -> None:
        fraction = 1.0 if self._state == "finished" else self.progress_fraction()
        self.progress_bar.setValue(int(round(fraction * 1000)))
        self.progress_label.setText(text)
        self.eta_label.setText(self.eta_text())
