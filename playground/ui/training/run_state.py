"""Training for one experiment document: the run's state and its steering, with no widgets.

`TrainingRun` owns the `TrainingBridge`. It starts runs on a *copy* of the document's experiment,
steers them (pause, resume, step a batch or an epoch, stop, set the learning rate), keeps what they
report (`record`, a `RunLog`), and tells the window what it needs to know: `state_changed`
("idle", "running", "paused", "finished", "diverged", "stopped"), `message` for the status bar,
`banner_changed` for the panel's visible banner (divergence, failures, results), and the run's
typed records for the views (`run_prepared`, `run_updated`, `run_finished`).

While a run exists the graph is read-only (through the `set_editing_blocked(blocked, reason)`
callback the window gives, e.g. the editor's `set_read_only`); an edit that reaches the document
anyway (inspector, opening a file) stops the run with a message. The buttons, the progress bar and
the learning-rate box are `TrainingController`'s (controller.py), built on this.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from playground.core.experiment.identity import trains_the_same
from playground.core.runs.records import ProbeRequest, Progress, RunLog, RunRequest, RunSetup, RunUpdate
from playground.core.training.events import Summary
from playground.ui.i18n import language_events
from playground.ui.subscriptions import Subscriptions
from playground.ui.training.bridge import TrainingBridge

STATES = ("idle", "running", "paused", "finished", "diverged", "stopped")
ACTIVE_STATES = ("running", "paused")
ENDED_STATES = ("finished", "stopped", "diverged")  # a run's plots and weights are kept
# edits that leave a run alone (the lesson section: its variants, goals and leaderboard)
TEXT_ONLY_SETTINGS = frozenset({"name", "description", "comparison", "classroom", "lesson"})
PROGRESS_INTERVAL = 0.2  # seconds between updates of the progress text
MIN_STEPS_FOR_RATE = 20  # steps before the samples/s figure means anything


def tr(text: str) -> str:
    return QCoreApplication.translate("TrainingController", text)


def edit_blocked_reason() -> str:
    """Why the canvas refuses edits while a run goes on."""
    return QCoreApplication.translate(
        "TrainingController", "Training is running: stop it (Shift+F5) to edit the graph."
    )


def probe_key(request: ProbeRequest) -> tuple[str, int]:
    """(node, sample) a look inside answers; -1 for the user's own input."""
    return request.node, -1 if request.custom is not None else int(request.sample)


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _percent(value: Any) -> str:
    return f"{100 * float(value):.1f} %" if isinstance(value, (int, float)) and math.isfinite(value) else "–"


def _number(value: Any) -> str:
    return f"{float(value):.4g}" if isinstance(value, (int, float)) and math.isfinite(value) else "–"


class TrainingRun(QObject):
    """The runs of one `ExperimentDocument`: state, steering, and what they reported."""

    state_changed = Signal(str)
    message = Signal(str)
    banner_changed = Signal(str, str)  # level ("error", "warning", "ok", "info", "" = hide), text
    progress_changed = Signal(str)  # "Epoch 3/60 · step 54 · 25,000 samples/s"
    run_prepared = Signal(object)  # the run's RunSetup (views configure themselves)
    run_updated = Signal(object)  # a RunUpdate batch (views append and redraw)
    run_finished = Signal(object)  # the run's Summary
    cleared = Signal()  # views empty themselves (reset, another experiment)
    run_starting = Signal()  # views drop the last run's data; a run of the same model follows
    start_refused = Signal(str)  # Train on an invalid graph: the first problem's node id ("" = none)

    def __init__(
        self,
        document: Any,
        parent: QObject | None = None,
        set_editing_blocked: Callable[[bool, str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.set_editing_blocked = set_editing_blocked
        self._changed_banner: tuple[str, str] | None = None  # the banner an "experiment changed" note covers
        self.bridge = TrainingBridge(self)
        # Set by a view that calls `bridge.want_prediction()` after drawing one (the training panel):
        # predictions are then made only as fast as they are drawn.
        self.predictions_on_demand = False
        self.frames_per_second = 30.0
        self.tensorboard_dir: str | None = None  # where runs (not previews) write TensorBoard logs
        self.record = RunLog()
        self._state = "idle"
        self._preview = False  # the current bridge run only shows the initial weights (Reset)
        self._stop_requested_at: float | None = None
        self._active_seconds = 0.0
        self._running_since: float | None = None
        self._progress: Progress | None = None
        self._banner = ("", "")
        language_events().changed.connect(self._on_language_changed)
        self._editing_blocked = False
        self._closed = False
        self._next_progress = 0.0
        self.last_stop_latency: float | None = None  # seconds from stop() to the run's end
        self.probe: ProbeRequest | None = None  # the node a view looks inside (sent with every run)
        self._answered: tuple[str, int] | None = None  # (node, sample) of the latest look inside

        self.bridge.prepared.connect(self._on_prepared)
        self.bridge.updated.connect(self._on_updated)
        self.bridge.state_changed.connect(self._on_bridge_state)
        self.bridge.finished.connect(self._on_finished)
        self.bridge.failed.connect(self._on_failed)
        self._connect_document(document)
        app = QCoreApplication.instance()
        if app is not None:  # a safety net: no training thread may outlive the application
            app.aboutToQuit.connect(self.shutdown)

    @property
    def run_experiment(self) -> Any:
        """The experiment the current (or last) run started on."""
        return self.record.experiment

    # ---- the document -----------------------------------------------------------------------------
    def _connect_document(self, document: Any) -> None:
        self._document_subscriptions = Subscriptions(self)
        slots = {"settings_changed": self._on_settings_changed, "reset": self._on_document_replaced}
        for name in (
            "node_added",
            "node_removed",
            "node_changed",
            "node_renamed",
            "edge_added",
            "edge_removed",
            "settings_changed",
            "reset",
        ):
            signal = getattr(document, name, None)
            if signal is not None:
                self._document_subscriptions.connect(signal, slots.get(name, self._on_document_edited))

    def _disconnect_document(self) -> None:
        self._document_subscriptions.disconnect_all()

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
            if self._trains_as_run():
                return  # e.g. undo back to the graph this run trains
            self._stop_because(
                QCoreApplication.translate(
                    "TrainingController",
                    "The experiment was changed, so training stopped; the plots show the run up to that point.",
                )
            )
        elif self._state in ENDED_STATES:
            self._say_if_changed_since_run()
        if self._state == "idle":
            self.document_lr_changed()

    def _on_document_replaced(self, *args: Any) -> None:
        if getattr(self.document, "replaced_in_place", False) and not self._preview:
            # the same experiment, edited as a whole (a fix, auto-arrange, their undo): the run stays
            self._on_document_edited()
            return
        if self.bridge.is_active():
            self.bridge.shutdown()
        self._preview = False
        self._clear(QCoreApplication.translate("TrainingController", "Another experiment was opened."))

    def _trains_as_run(self) -> bool:
        """The document still trains exactly what the current (or last) run trained."""
        return self.record.experiment is not None and trains_the_same(self.record.experiment, self.document.experiment)

    def _say_if_changed_since_run(self) -> None:
        """After a run, an edit that changes what trains is said in the banner; the run, its plots and
        its weights stay (it is in the run history); an edit back to the trained graph clears the note."""
        changed = not self._trains_as_run()
        if changed and self.banner_level() != "info":
            self._changed_banner = (self.banner_level(), self.banner_text())
            self._set_banner(
                "info",
                QCoreApplication.translate(
                    "TrainingController",
                    "The network or its settings changed after this run: the plots show the "
                    "run as it was trained (it stays in the run history). Train to train "
                    "the changed experiment.",
                ),
            )
        elif not changed and self._changed_banner is not None:
            self._set_banner(*self._changed_banner)
            self._changed_banner = None

    def _stop_because(self, text: str) -> None:
        self.stop()
        self._set_banner("warning", text)
        self.message.emit(text)

    def document_lr_changed(self) -> None:
        """The document's learning rate may have changed (the controller shows it)."""

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
        self.state_changed.emit(state)
        self.progress_changed.emit(self.progress_text())

    def _block_editing(self, blocked: bool) -> None:
        if blocked == self._editing_blocked:
            return
        self._editing_blocked = blocked
        if self.set_editing_blocked is not None:
            self.set_editing_blocked(blocked, edit_blocked_reason() if blocked else "")

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
        """Stop at the next step boundary; `state_changed("stopped")` follows once the run ended."""
        if self._state in ACTIVE_STATES:
            self._stop_requested_at = time.monotonic()
            self.bridge.stop()
            self.message.emit(QCoreApplication.translate("TrainingController", "Stopping…"))

    def reset(self) -> None:
        """Forget the run; show the model with fresh initial weights from the seed (nothing trained)."""
        if self.bridge.is_active():
            self.bridge.shutdown()
        self._clear(
            QCoreApplication.translate("TrainingController", "Reset: the model starts again from its initial weights.")
        )
        self._start_preview()

    def set_lr(self, value: float) -> None:
        """Change the learning rate of the running (or paused) model from its next step on."""
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError(f"learning rate must be positive, got {value!r}")
        if self._state not in ACTIVE_STATES:
            return
        self.bridge.set_lr(float(value))
        self.message.emit(
            QCoreApplication.translate("TrainingController", "Learning rate set to {lr:g}").format(lr=value)
        )

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Stop any run and wait for it (call from the window's closeEvent)."""
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
            return QCoreApplication.translate("TrainingController", "the dataset cannot be loaded: {error}").format(
                error=self.document.report_error or ""
            )
        if not report.valid:
            errors = report.errors
            if errors:
                first = errors[0]
                node = f"'{first.node}': " if getattr(first, "node", None) else ""
                more = (
                    QCoreApplication.translate("TrainingController", " (and {count} more)").format(
                        count=len(errors) - 1
                    )
                    if len(errors) > 1
                    else ""
                )
                return QCoreApplication.translate(
                    "TrainingController", "fix the graph first — {node}{message}{more}"
                ).format(node=node, message=first.message, more=more)
            return QCoreApplication.translate("TrainingController", "the graph has no output")
        return None

    def _first_problem_node(self) -> str:
        report = self.document.report()
        errors = report.errors if report is not None else []
        return next((issue.node for issue in errors if issue.node), "")

    def _request(self, **options: Any) -> RunRequest:
        base_dir = self.document.base_dir()
        return RunRequest(
            self.document.snapshot(),
            str(base_dir) if base_dir is not None else None,
            predictions_on_demand=self.predictions_on_demand,
            frames_per_second=self.frames_per_second,
            probe=self.probe,
            tensorboard_dir=None if options.get("epochs") == 0 else self.tensorboard_dir,
            **options,
        )

    def start_fork(self, snapshot: Any, parent: RunLog) -> bool:
        """Train a branch of `parent` from its kept `snapshot` (a fork, or at epoch 0 a rewind) with
        the document's settings as they are now; the run history files it as a branch."""
        if not self._start_run(fork=snapshot):
            return False
        self.record.branch_of = parent.history_id
        self.record.fork_epoch = int(snapshot.epoch)
        self.record.inherited_rows = parent.history()[: int(snapshot.epoch)]
        self.message.emit(
            QCoreApplication.translate("TrainingController", "Forked from epoch {epoch} of the last run.").format(
                epoch=snapshot.epoch
            )
            if snapshot.epoch
            else QCoreApplication.translate("TrainingController", "Rewound to the last run's initial weights.")
        )
        return True

    def set_probe(self, request: ProbeRequest | None) -> None:
        """Look inside a node (None: stop looking). A run under way answers from its next step;
        before any run, the untrained model answers (a run of no epochs)."""
        self.probe = request
        if self.bridge.is_active():
            self.bridge.set_probe(request)
        elif request is not None and self._state == "idle" and self.record.is_empty():
            self._start_preview()

    def _start_run(
        self,
        *,
        start_paused: bool = False,
        first_batches: int = 0,
        first_epoch: bool = False,
        epochs: int | None = None,
        fork: Any = None,
    ) -> bool:
        if self._closed:
            return False
        problem = self._check_graph()
        if problem is not None:
            text = QCoreApplication.translate("TrainingController", "Cannot train: {problem}").format(problem=problem)
            self._set_banner("error", text)
            self.message.emit(text)
            self.start_refused.emit(self._first_problem_node())
            return False
        if self.bridge.is_active():  # a preview or a run that is winding down
            self.bridge.shutdown()
        self._preview = False
        request = self._request(
            epochs=epochs, start_paused=start_paused, first_batches=first_batches, first_epoch=first_epoch, fork=fork
        )
        # The run's own copy of the settings: the run history files the run with these, even when an
        # edit (which stops the run) has changed the document by the time the run ends.
        self.record = RunLog(self.document.snapshot())
        self._changed_banner = None
        self._progress = None
        self._active_seconds = 0.0
        self._running_since = None
        self._stop_requested_at = None
        self.run_starting.emit()
        self._set_banner("", "")
        self.bridge.start(request)
        self._set_state("running")
        self.message.emit(QCoreApplication.translate("TrainingController", "Training started."))
        return True

    def show_untrained(self) -> None:
        """Before any run: let the views show the data and the untrained model (the first look at the
        Training tab). Does nothing once there is a run, or while one is being prepared."""
        if self._state == "idle" and self.record.is_empty() and not self.bridge.is_active():
            self._start_preview()

    def _start_preview(self) -> None:
        if self._closed or self._check_graph() is not None:
            return
        self._preview = True
        self.bridge.start(self._request(epochs=0, diagnostics=False))

    def _clear(self, text: str = "") -> None:
        self._changed_banner = None
        self.record = RunLog()
        self._progress = None
        self._active_seconds = 0.0
        self._running_since = None
        self.cleared.emit()
        self._set_banner("", "")
        self._set_state("idle")
        self.document_lr_changed()
        self.progress_changed.emit(self.progress_text())
        if text:
            self.message.emit(text)

    # ---- bridge signals ----------------------------------------------------------------------------------
    def _on_prepared(self, setup: RunSetup) -> None:
        self.record.setup = setup
        self._progress = Progress(batches=setup.batches_per_epoch, epochs=setup.epochs)
        self.run_prepared.emit(setup)
        self.progress_changed.emit(self.progress_text())
        if setup.notes and not self._preview:
            self.message.emit(" ".join(setup.notes))

    def _on_updated(self, update: RunUpdate) -> None:
        if update.probe is not None:
            self._answered = (update.probe.node, update.probe.sample)
        if not self._preview:
            self.record.add(update)
            self._progress = replace(update.progress)
        self.run_updated.emit(update)
        now = time.monotonic()
        if not self._preview and now >= self._next_progress:  # a label re-lays out its line: a few times a second
            self._next_progress = now + PROGRESS_INTERVAL
            self.progress_changed.emit(self.progress_text())

    def _on_bridge_state(self, state: str, message: str) -> None:
        if self._preview or self._state not in ACTIVE_STATES:
            return
        if state in ("running", "paused"):
            self._set_state(state)
        elif state == "teacher" and message:  # a distilled run trains its teacher first: say so
            self.progress_changed.emit(message)

    def _on_finished(self, summary: Summary) -> None:
        if self._preview:
            self._preview = False
            if self.probe is not None and self._answered != probe_key(self.probe) and self.record.is_empty():
                self._start_preview()  # asked for another look while the last one was ending
            return
        self.record.summary = summary
        state = {"completed": "finished", "early_stopped": "finished", "diverged": "diverged"}.get(
            summary.status, "stopped"
        )
        text = summary.message or ""
        if state == "diverged":
            self._set_banner(
                "error",
                QCoreApplication.translate("TrainingController", "Training diverged. {message}").format(message=text),
            )
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
        text = QCoreApplication.translate("TrainingController", "Training could not run: {message}").format(
            message=message
        )
        self._set_banner("error", text)
        self._set_state("stopped" if not self.record.is_empty() else "idle")
        self.message.emit(text)

    def _result_text(self, summary: Summary, message: str) -> str:
        task = self.record.setup.task if self.record.setup is not None else summary.task
        parts = [
            message.rstrip(".。") if message else QCoreApplication.translate("TrainingController", "Training finished")
        ]
        if task == "classification":
            if summary.val_accuracy is not None:
                parts.append(
                    QCoreApplication.translate("TrainingController", "validation accuracy {value}").format(
                        value=_percent(summary.val_accuracy)
                    )
                )
            if summary.test_accuracy is not None:
                parts.append(
                    QCoreApplication.translate("TrainingController", "test accuracy {value}").format(
                        value=_percent(summary.test_accuracy)
                    )
                )
        else:
            if summary.val_r2 is not None:
                parts.append(
                    QCoreApplication.translate("TrainingController", "validation R² {value}").format(
                        value=_number(summary.val_r2)
                    )
                )
            if summary.test_mae is not None:
                parts.append(
                    QCoreApplication.translate("TrainingController", "test MAE {value}").format(
                        value=_number(summary.test_mae)
                    )
                )
        return " · ".join(parts)

    # ---- banner and progress ----------------------------------------------------------------------
    def _on_language_changed(self, _language: str) -> None:
        """The progress line and a finished run's result, worded again in the new language (the
        run's own message stays in the language it was trained in: the worker wrote it)."""
        summary = self.record.summary
        if summary is not None and self._state == "finished" and self.banner_level() == "ok":
            self._set_banner("ok", self._result_text(summary, summary.message or ""))
        self.progress_changed.emit(self.progress_text())

    def _set_banner(self, level: str, text: str) -> None:
        self._banner = (level, text)
        self.banner_changed.emit(level, text)

    def banner_level(self) -> str:
        return self._banner[0]

    def banner_text(self) -> str:
        return self._banner[1]

    @property
    def progress(self) -> Progress | None:
        """Where the run is (None before its first report)."""
        return self._progress

    def progress_fraction(self) -> float:
        progress = self._progress
        if progress is None or not progress.epochs:
            return 0.0
        batches = max(1, progress.batches)
        done = max(0, progress.epoch - 1) + progress.batch / batches
        return min(1.0, max(0.0, done / progress.epochs))

    def active_seconds(self) -> float:
        extra = time.monotonic() - self._running_since if self._running_since is not None else 0.0
        return self._active_seconds + extra

    def progress_text(self) -> str:
        progress = self._progress
        if progress is None:
            return (
                QCoreApplication.translate("TrainingController", "Not trained yet")
                if self._state == "idle"
                else QCoreApplication.translate("TrainingController", "Preparing…")
            )
        text = QCoreApplication.translate("TrainingController", "Epoch {epoch}/{epochs} · step {step}").format(
            epoch=max(1, progress.epoch) if progress.step else 0, epochs=progress.epochs, step=f"{int(progress.step):,}"
        )
        rate = progress.samples_per_second
        # a rate over a handful of steps (one Step) is mostly start-up time: not shown
        if (
            rate
            and progress.step >= MIN_STEPS_FOR_RATE
            and self._state in ("running", "paused", "finished", "stopped", "diverged")
        ):
            text += QCoreApplication.translate("TrainingController", " · {rate} samples/s").format(rate=f"{rate:,.0f}")
        return text

    def eta_text(self) -> str:
        state = self._state
        if state == "paused":
            return QCoreApplication.translate("TrainingController", "paused")
        if state in ("finished", "stopped", "diverged"):
            return QCoreApplication.translate("TrainingController", "took {time}").format(
                time=format_duration(self.active_seconds())
            )
        if state != "running":
            return ""
        fraction = self.progress_fraction()
        elapsed = self.active_seconds()
        if fraction <= 0.0 or elapsed < 0.5:
            return QCoreApplication.translate("TrainingController", "ETA …")
        return QCoreApplication.translate("TrainingController", "ETA {time}").format(
            time=format_duration(elapsed * (1.0 - fraction) / fraction)
        )

    def export_metrics_csv(self, path: str) -> None:
        """Per-epoch metrics of the run (train/val loss, accuracy or MAE/R², LR, speed)."""
        self.record.write_epochs_csv(path)

    def export_steps_csv(self, path: str) -> None:
        """Per-step training loss and learning rate (as reported: at most ~1000 steps a second)."""
        self.record.write_steps_csv(path)
