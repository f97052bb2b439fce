"""Training for one experiment document: the run's state, its actions, its status widgets.

`TrainingController` owns the `TrainingBridge`. It starts runs on a *copy* of the document's
experiment, steers them (pause, resume, step a batch or an epoch, stop, set the learning rate),
keeps what they report (`record`, for CSV export), and tells the window what it needs to know:
`state_changed` ("idle", "running", "paused", "finished", "diverged", "stopped"), `message` for
the status bar, `banner_changed` for the panel's visible banner (divergence, failures, results).

While a run exists the graph is read-only (through the `set_editing_blocked(blocked, reason)`
callback the window gives, e.g. the editor's `set_read_only`); an edit that reaches the
document anyway (inspector, opening a file) stops the run with a message.

Wiring into a window is a few lines::

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
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QStyle, QWidget

from playground.ui.training.bridge import RunRequest, RunUpdate, TrainingBridge
from playground.ui.training.lr_spin_box import LearningRateSpinBox
from playground.ui.training.record import RunRecord

STATES = ("idle", "running", "paused", "finished", "diverged", "stopped")
ACTIVE_STATES = ("running", "paused")
EDIT_BLOCKED_REASON = "Training is running: stop it (Shift+F5) to edit the graph."
PROGRESS_INTERVAL = 0.2  # seconds between updates of the progress text, bar and ETA
TEXT_ONLY_SETTINGS = frozenset({"name", "description", "comparison"})  # edits that leave a run alone


def tr(text: str) -> str:
    return QCoreApplication.translate("TrainingController", text)


def _format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _percent(value: Any) -> str:
    return f"{100 * float(value):.1f} %" if isinstance(value, (int, float)) and math.isfinite(value) else "–"


def _number(value: Any) -> str:
    return f"{float(value):.4g}" if isinstance(value, (int, float)) and math.isfinite(value) else "–"


class TrainingController(QObject):
    """Runs, state, actions and status widgets of training for one `ExperimentDocument`."""

    state_changed = Signal(str)
    message = Signal(str)
    banner_changed = Signal(str, str)  # level ("error", "warning", "ok", "info", "" = hide), text
    progress_changed = Signal(str)  # "Epoch 3/60 · step 54 · 25,000 samples/s"
    run_prepared = Signal(object)  # the run's setup dict (views configure themselves)
    run_updated = Signal(object)  # a RunUpdate batch (views append and redraw)
    run_finished = Signal(object)  # the summary dict
    cleared = Signal()  # views empty themselves (reset, another experiment)
    run_starting = Signal()  # views drop the last run's data; a run of the same model follows

    def __init__(self, document: Any, parent: QObject | None = None,
                 set_editing_blocked: Callable[[bool, str], None] | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.set_editing_blocked = set_editing_blocked
        self.bridge = TrainingBridge(self)
        # Set by a view that calls `bridge.want_prediction()` after drawing one (the training panel):
        # predictions are then made only as fast as they are drawn.
        self.predictions_on_demand = False
        self.record = RunRecord()
        self.run_experiment: Any = None  # the experiment the current (or last) run started on
        self._state = "idle"
        self._preview = False  # the current bridge run only shows the initial weights (Reset)
        self._stop_requested_at: float | None = None
        self._active_seconds = 0.0
        self._running_since: float | None = None
        self._progress: dict[str, Any] = {}
        self._last_lr: float | None = None
        self._setting_lr = False
        self._editing_blocked = False
        self._closed = False
        self._next_progress = 0.0
        self.last_stop_latency: float | None = None  # seconds from stop() to the thread's end

        self.bridge.prepared.connect(self._on_prepared)
        self.bridge.updated.connect(self._on_updated)
        self.bridge.state_changed.connect(self._on_bridge_state)
        self.bridge.finished.connect(self._on_finished)
        self.bridge.failed.connect(self._on_failed)

        self._build_actions()
        self._build_status_widgets()
        self._connect_document(document)
        self._update_actions()
        app = QCoreApplication.instance()
        if app is not None:  # a safety net: no training thread may outlive the application
            app.aboutToQuit.connect(self.shutdown)

    # ---- construction -----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        style = QApplication.style()
        icon = QStyle.StandardPixmap

        def action(key: str, text: str, slot: Callable[[], object], shortcuts: list[str], tip: str,
                   pixmap: QStyle.StandardPixmap | None = None) -> QAction:
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
        self.train_action = action("train", tr("Train"), self.toggle, ["Ctrl+Return", "F5"],
                                   tr("Train the model; while training, pause; while paused, resume"),
                                   icon.SP_MediaPlay)
        self.step_action = action("step", tr("Step"), self.step_batch, ["F10"],
                                  tr("Train on one batch, then pause"), icon.SP_MediaSeekForward)
        self.step_epoch_action = action("step_epoch", tr("Step Epoch"), self.step_epoch, ["Shift+F10"],
                                        tr("Train to the end of the epoch, then pause"), icon.SP_MediaSkipForward)
        self.stop_action = action("stop", tr("Stop"), self.stop, ["Shift+F5"],
                                  tr("Stop training (the plots keep the run)"), icon.SP_MediaStop)
        self.reset_action = action("reset", tr("Reset"), self.reset, ["Ctrl+R"],
                                   tr("Forget the run and show the initial weights again (same seed)"),
                                   icon.SP_BrowserReload)
        self.export_metrics_action = QAction(tr("Export Metrics as CSV…"), self)
        self.export_metrics_action.setObjectName("action_training_export_metrics")

    def _build_status_widgets(self) -> None:
        self.progress_label = QLabel(tr("Not trained yet"))
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
        self.lr_spin_box.setToolTip(tr("Learning rate of the running model: change it while training and "
                                       "watch the loss react (the change is marked in the learning-rate plot)."))
        self.lr_spin_box.valueChanged.connect(self._on_lr_edited)
        self._show_document_lr()

    def actions(self) -> list[QAction]:
        """The toolbar's actions, in order."""
        return [self.train_action, self.step_action, self.step_epoch_action, self.stop_action, self.reset_action]

    def status_widgets(self) -> list[QWidget]:
        """For the status bar (permanent widgets): run text, progress bar, ETA."""
        return [self.progress_label, self.progress_bar, self.eta_label]

    # ---- the document -----------------------------------------------------------------------------
    def _connect_document(self, document: Any) -> None:
        self._document_signals = []
        slots = {"settings_changed": self._on_settings_changed, "reset": self._on_document_replaced}
        for name in ("node_added", "node_removed", "node_changed", "node_renamed", "edge_added", "edge_removed",
                     "settings_changed", "reset"):
            signal = getattr(document, name, None)
            if signal is not None:
                signal.connect(slots.get(name, self._on_document_edited))
                self._document_signals.append(signal)

    def _disconnect_document(self) -> None:
        for signal in getattr(self, "_document_signals", []):
            for slot in (self._on_document_edited, self._on_settings_changed, self._on_document_replaced):
                try:
                    signal.disconnect(slot)
                except (ValueError, RuntimeError, TypeError):
                    pass
        self._document_signals = []

    def _on_settings_changed(self, field: str = "") -> None:
        """`settings_changed(field)`: the name, the lesson text and the saved comparison runs do not
        change what trains; every other setting does. (Node signals carry node ids, which may be
        any name, so they go straight to `_on_document_edited`.)"""
        if field in TEXT_ONLY_SETTINGS:
            return
        self._on_document_edited()

    def _on_document_edited(self, *args: Any) -> None:
        if self._preview and self.bridge.is_active():  # the initial-weights view of the old graph
            self.bridge.shutdown()
            self._preview = False
        if self._state in ACTIVE_STATES:
            self._stop_because(tr("The experiment was changed, so training stopped; the plots show the run "
                                  "up to that point."))
        if self._state == "idle":
            self._show_document_lr()

    def _on_document_replaced(self, *args: Any) -> None:
        if self.bridge.is_active():
            self.bridge.shutdown()
        self._preview = False
        self._clear(tr("Another experiment was opened."))

    def _stop_because(self, text: str) -> None:
        self.stop()
        self._set_banner("warning", text)
        self.message.emit(text)

    # ---- state ------------------------------------------------------------------------------------
    def state(self) -> str:
        return self._state

    def is_active(self) -> bool:
        """A run exists (running or paused): the graph is read-only meanwhile."""
        return self._state in ACTIVE_STATES

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        now = time.monotonic()
        if self._state == "running" and self._running_since is not None:
            self._active_seconds += now - self._running_since
            self._running_since = None
        if state == "running":
            self._running_since = now
        self._state = state
        self._block_editing(state in ACTIVE_STATES)
        self._update_actions()
        self._update_progress()
        self.state_changed.emit(state)

    def _block_editing(self, blocked: bool) -> None:
        if blocked == self._editing_blocked:
            return
        self._editing_blocked = blocked
        if self.set_editing_blocked is not None:
            self.set_editing_blocked(blocked, tr(EDIT_BLOCKED_REASON) if blocked else "")

    def _update_actions(self) -> None:
        state = self._state
        if state == "running":
            self.train_action.setText(tr("Pause"))
            self.train_action.setIcon(self._pause_icon)
        elif state == "paused":
            self.train_action.setText(tr("Resume"))
            self.train_action.setIcon(self._play_icon)
        else:
            self.train_action.setText(tr("Train"))
            self.train_action.setIcon(self._play_icon)
        active = state in ACTIVE_STATES
        self.stop_action.setEnabled(active)
        self.step_action.setEnabled(state != "running")
        self.step_epoch_action.setEnabled(state != "running")
        self.lr_spin_box.setEnabled(active)
        self.export_metrics_action.setEnabled(not self.record.is_empty())

    # ---- commands ----------------------------------------------------------------------------------
    def toggle(self) -> None:
        """Train / Pause / Resume, depending on the state (the Train button and its shortcut)."""
        if self._state == "running":
            self.pause()
        elif self._state == "paused":
            self.resume()
        else:
            self.start()

    def start(self, epochs: int | None = None) -> bool:
        """A fresh run from the seed's initial weights (idle, finished, stopped or diverged);
        `epochs` overrides the experiment's (e.g. a snapshot after a few epochs)."""
        if self._state == "paused":
            self.resume()
            return True
        if self._state == "running":
            return True
        return self._start_run(epochs=epochs)

    def pause(self) -> None:
        if self._state == "running":
            self.bridge.pause()

    def resume(self) -> None:
        if self._state == "paused":
            self.bridge.resume()

    def step_batch(self) -> None:
        """One batch, then pause (starts a paused run when there is none)."""
        if self._state in ACTIVE_STATES:
            self.bridge.step_batch()
        else:
            self._start_run(start_paused=True, first_batches=1)

    def step_epoch(self) -> None:
        """To the end of the current epoch, then pause (starts a paused run when there is none)."""
        if self._state in ACTIVE_STATES:
            self.bridge.step_epoch()
        else:
            self._start_run(start_paused=True, first_epoch=True)

    def stop(self) -> None:
        """Stop at the next step boundary; `state_changed("stopped")` follows once the thread ended."""
        if self._state in ACTIVE_STATES:
            self._stop_requested_at = time.monotonic()
            self.bridge.stop()
            self.message.emit(tr("Stopping…"))

    def reset(self) -> None:
        """Forget the run; show the model with fresh initial weights from the seed (nothing trained)."""
        if self.bridge.is_active():
            self.bridge.shutdown()
        self._clear(tr("Reset: the model starts again from its initial weights."))
        self._start_preview()

    def set_lr(self, value: float) -> None:
        """Change the learning rate of the running (or paused) model from its next step on."""
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError(f"learning rate must be a positive number, got {value!r}")
        if self._state not in ACTIVE_STATES:
            return
        self.bridge.set_lr(float(value))
        self._last_lr = float(value)
        self._show_lr(float(value))
        self.message.emit(tr("Learning rate set to {lr:g}").format(lr=value))

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Stop any run and wait for its thread (call from the window's closeEvent)."""
        self._closed = True
        self._disconnect_document()
        ended = self.bridge.shutdown(timeout_ms)
        if self._state in ACTIVE_STATES:
            self._state = "stopped"
            self._block_editing(False)
        return ended

    # ---- starting runs -------------------------------------------------------------------------------
    def _check_graph(self) -> str | None:
        """Why the current experiment cannot be trained, or None."""
        report = self.document.report()
        if report is None:
            return tr("the dataset cannot be loaded: {error}").format(error=self.document.report_error or "")
        if not report.valid:
            errors = report.errors
            if errors:
                first = errors[0]
                node = f"'{first.node_id}': " if getattr(first, "node_id", None) else ""
                more = tr(" (and {count} more)").format(count=len(errors) - 1) if len(errors) > 1 else ""
                return tr("fix the graph first — {node}{message}{more}").format(node=node, message=first.message,
                                                                              more=more)
            return tr("the graph has no output")
        return None

    def _start_run(self, *, start_paused: bool = False, first_batches: int = 0, first_epoch: bool = False,
                   epochs: int | None = None) -> bool:
        if self._closed:
            return False
        problem = self._check_graph()
        if problem is not None:
            text = tr("Cannot train: {problem}").format(problem=problem)
            self._set_banner("error", text)
            self.message.emit(text)
            return False
        if self.bridge.is_active():  # a preview or a run that is winding down
            self.bridge.shutdown()
        self._preview = False
        self.record.clear()
        self._progress = {}
        self._active_seconds = 0.0
        self._running_since = None
        self._stop_requested_at = None
        self.run_starting.emit()
        self._set_banner("", "")
        # The run's own copy of the settings: the run history files the run with these, even when an
        # edit (which stops the run) has changed the document by the time the run ends.
        self.run_experiment = self.document.snapshot()
        request = RunRequest(self.document.snapshot(), self.document.base_dir(), epochs=epochs,
                             start_paused=start_paused, first_batches=first_batches, first_epoch=first_epoch,
                             predictions_on_demand=self.predictions_on_demand)
        self.bridge.start(request)
        self._set_state("running")
        self.message.emit(tr("Training started."))
        return True

    def _start_preview(self) -> None:
        if self._closed or self._check_graph() is not None:
            return
        self._preview = True
        self.bridge.start(RunRequest(self.document.snapshot(), self.document.base_dir(), epochs=0,
                                     diagnostics=False))

    def _clear(self, text: str = "") -> None:
        self.record.clear()
        self.run_experiment = None
        self._progress = {}
        self._active_seconds = 0.0
        self._running_since = None
        self.cleared.emit()
        self._set_banner("", "")
        self._set_state("idle")
        self._show_document_lr()
        self._update_progress()
        if text:
            self.message.emit(text)

    # ---- bridge signals ----------------------------------------------------------------------------------
    def _on_prepared(self, setup: dict[str, Any]) -> None:
        self.record.setup = setup
        self._progress = {"epoch": 0, "batch": 0, "batches": setup.get("batches_per_epoch", 1), "step": 0,
                          "epochs": setup.get("epochs", 0), "samples_per_second": 0.0}
        if not self._preview:
            self._show_lr(setup.get("lr"))
        self.run_prepared.emit(setup)
        self._update_progress()

    def _on_updated(self, update: RunUpdate) -> None:
        if not self._preview:
            self.record.add_steps(update.steps)
            self.record.add_epochs(update.epochs)
            if update.progress:
                self._progress.update(update.progress)
            if update.steps is not None and len(update.steps["lr"]) and not self.lr_spin_box.hasFocus():
                lr = float(update.steps["lr"][-1])
                if self._last_lr is None or abs(lr - self._last_lr) > 1e-12 * max(1.0, lr):
                    self._last_lr = lr
                    self._show_lr(lr)
            now = time.monotonic()
            if now >= self._next_progress:  # labels re-lay out their line: a few times a second is enough
                self._next_progress = now + PROGRESS_INTERVAL
                self._update_progress()
            if not self.export_metrics_action.isEnabled():
                self.export_metrics_action.setEnabled(not self.record.is_empty())
        self.run_updated.emit(update)

    def _on_bridge_state(self, state: str, message: str) -> None:
        if self._preview or self._state not in ACTIVE_STATES:
            return
        if state in ("running", "paused"):
            self._set_state(state)

    def _on_finished(self, summary: dict[str, Any]) -> None:
        if self._preview:
            self._preview = False
            return
        self.record.summary = summary
        status = summary.get("status", "completed")
        state = {"completed": "finished", "early_stopped": "finished", "diverged": "diverged"}.get(status, "stopped")
        text = str(summary.get("message") or "")
        if state == "diverged":
            self._set_banner("error", tr("Training diverged. {message}").format(message=text))
        elif state == "finished":
            self._set_banner("ok", self._result_text(summary, text))
        elif self.banner_level() != "warning":
            self._set_banner("info", text)
        if self._stop_requested_at is not None:
            self.last_stop_latency = time.monotonic() - self._stop_requested_at
            self._stop_requested_at = None
        self._set_state(state)
        self.run_finished.emit(summary)
        self.message.emit(text)

    def _on_failed(self, message: str) -> None:
        if self._preview:
            self._preview = False
            return
        text = tr("Training could not run: {message}").format(message=message)
        self._set_banner("error", text)
        self._set_state("stopped" if not self.record.is_empty() else "idle")
        self.message.emit(text)

    def _result_text(self, summary: dict[str, Any], message: str) -> str:
        task = self.record.setup.get("task", summary.get("task", "classification"))
        parts = [message.rstrip(".") if message else tr("Training finished")]
        if task == "classification":
            if summary.get("val_accuracy") is not None:
                parts.append(tr("validation accuracy {value}").format(value=_percent(summary["val_accuracy"])))
            if summary.get("test_accuracy") is not None:
                parts.append(tr("test accuracy {value}").format(value=_percent(summary["test_accuracy"])))
        else:
            if summary.get("val_r2") is not None:
                parts.append(tr("validation R² {value}").format(value=_number(summary["val_r2"])))
            if summary.get("test_mae") is not None:
                parts.append(tr("test MAE {value}").format(value=_number(summary["test_mae"])))
        return " · ".join(parts)

    # ---- banner, LR and progress ----------------------------------------------------------------------
    def _set_banner(self, level: str, text: str) -> None:
        self._banner = (level, text)
        self.banner_changed.emit(level, text)

    def banner_level(self) -> str:
        return getattr(self, "_banner", ("", ""))[0]

    def banner_text(self) -> str:
        return getattr(self, "_banner", ("", ""))[1]

    def _show_lr(self, value: Any) -> None:
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            return
        self._setting_lr = True
        try:
            self.lr_spin_box.show_value(float(value))
        finally:
            self._setting_lr = False

    def _show_document_lr(self) -> None:
        try:
            lr = self.document.experiment.training.optimizer.params.get("lr")
        except AttributeError:
            lr = None
        if lr is not None:
            self._last_lr = None
            self._show_lr(lr)

    def _on_lr_edited(self, value: float) -> None:
        if self._setting_lr or self._state not in ACTIVE_STATES:
            return
        if self._last_lr is not None and abs(value - self._last_lr) <= 1e-12 * max(1.0, value):
            return
        self.set_lr(value)

    def progress_fraction(self) -> float:
        progress = self._progress
        epochs = progress.get("epochs") or 0
        if not epochs:
            return 0.0
        batches = max(1, progress.get("batches") or 1)
        done = max(0, (progress.get("epoch") or 0) - 1) + (progress.get("batch") or 0) / batches
        return min(1.0, max(0.0, done / epochs))

    def active_seconds(self) -> float:
        extra = time.monotonic() - self._running_since if self._running_since is not None else 0.0
        return self._active_seconds + extra

    def progress_text(self) -> str:
        progress = self._progress
        if not progress:
            return tr("Not trained yet") if self._state == "idle" else tr("Preparing…")
        text = tr("Epoch {epoch}/{epochs} · step {step}").format(
            epoch=max(1, progress.get("epoch") or 0) if progress.get("step") else 0,
            epochs=progress.get("epochs", 0), step=f"{int(progress.get('step') or 0):,}")
        rate = progress.get("samples_per_second") or 0.0
        if rate and self._state in ("running", "paused", "finished", "stopped", "diverged"):
            text += tr(" · {rate} samples/s").format(rate=f"{rate:,.0f}")
        return text

    def eta_text(self) -> str:
        state = self._state
        if state == "paused":
            return tr("paused")
        if state in ("finished", "stopped", "diverged"):
            return tr("took {time}").format(time=_format_duration(self.active_seconds()))
        if state != "running":
            return ""
        fraction = self.progress_fraction()
        elapsed = self.active_seconds()
        if fraction <= 0.0 or elapsed < 0.5:
            return tr("ETA …")
        return tr("ETA {time}").format(time=_format_duration(elapsed * (1.0 - fraction) / fraction))

    def _update_progress(self) -> None:
        fraction = 1.0 if self._state == "finished" else self.progress_fraction()
        self.progress_bar.setValue(int(round(fraction * 1000)))
        text = self.progress_text()
        self.progress_label.setText(text)
        self.eta_label.setText(self.eta_text())
        self.progress_changed.emit(text)

    def export_metrics_csv(self, path: str | Path) -> None:
        """Per-epoch metrics of the run (train/val loss, accuracy or MAE/R², LR, speed)."""
        self.record.write_epochs_csv(path)

    def export_steps_csv(self, path: str | Path) -> None:
        """Per-step training loss and learning rate (as reported: at most ~1000 steps a second)."""
        self.record.write_steps_csv(path)
