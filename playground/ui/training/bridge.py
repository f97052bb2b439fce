"""The one bridge between the training engine and the GUI thread.

`TrainingBridge` lives in the GUI thread. `start()` moves a `TrainingWorker` to a fresh QThread
(registered with `playground.ui.threads.track`); the worker builds the dataset and the model
there, runs the Qt-free `Trainer`, and turns its events into plain data:

- step losses and learning rates are collected and sent in batches (`RunUpdate`), at most
  `MAX_UPDATES_PER_SECOND` times a second, and only once the GUI has taken the previous batch,
  so a slow GUI never builds a queue; every epoch row reaches the GUI (batched, never dropped);
- the task view's predictions (decision boundary, image predictions, forecast) and the train
  subset metrics are computed in the worker between two steps, within a small time budget;
- state changes (paused, running) flush what is pending first, so the GUI is never behind.

Run control (pause, resume, step a batch or an epoch, set the LR, stop) goes through the
engine's thread-safe `TrainingControl`; the training thread honours it at the next step
boundary. Stop is cooperative: the control flag, then `quit()` + `wait()`; never `terminate()`.
No widget is touched here and nothing Qt crosses into the engine.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from playground.ui import threads

log = logging.getLogger(__name__)

MAX_UPDATES_PER_SECOND = 20.0
# The engine reports every step (a few microseconds each), so progress and step counts are exact;
# the loss/LR curves keep every step of the first STEPS_KEPT_ALL, then at most STEP_POINTS_PER_SECOND
# a second (plenty for a curve, bounded memory for long runs).
STEP_EVENTS_PER_SECOND = 0.0  # the engine's own limit (0: none)
STEPS_KEPT_ALL = 1000
STEP_POINTS_PER_SECOND = 500.0
DIAGNOSTICS_PER_SECOND = 4.0  # the diagnostics view redraws a few times a second at most
PLANNED_LR_MAX_STEPS = 50_000  # the planned schedule is computed only for runs up to this long
# While a run is active the GIL changes hands after at most 1 ms instead of Python's 5 ms: the GUI
# thread, which needs the GIL for every paint, then waits less, and training loses nothing
# measurable (a hand-over only happens when the GUI thread asks for the GIL).
GIL_SWITCH_INTERVAL = 0.001


def worker_threads() -> int:
    """Torch threads for training: all cores but one, which stays with the GUI."""
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass
class RunUpdate:
    """One batch of plain data for the GUI (everything since the previous batch)."""

    steps: dict[str, np.ndarray] | None = None  # step, epoch_x, loss, lr (equal lengths)
    epochs: list[dict[str, Any]] = field(default_factory=list)  # one row per finished epoch
    diagnostics: dict[str, Any] | None = None  # the latest epoch's, when it had them
    prediction: dict[str, Any] | None = None  # the task view's latest
    lr_changes: list[tuple[int, float, float, str]] = field(default_factory=list)  # step, epoch_x, lr, message
    progress: dict[str, Any] = field(default_factory=dict)  # epoch, batch, batches, step, epochs, samples/s


@dataclass
class RunRequest:
    """What to train and how to start: a copy of the experiment, never the live document."""

    experiment: Any
    base_dir: str | Path | None = None
    epochs: int | None = None  # None: the experiment's
    start_paused: bool = False  # wait before the first step (for "Step" from idle)
    first_batches: int = 0  # with start_paused: run this many batches, then pause
    first_epoch: bool = False  # with start_paused: run the first epoch, then pause
    lr: float | None = None  # a learning rate that replaces the experiment's from the first step
    num_threads: int | None = None  # torch threads in the worker; None: worker_threads()
    diagnostics: bool = True
    predictions: bool = True  # task view predictions and train-subset metrics
    predictions_on_demand: bool = False  # a new prediction only after `want_prediction()`


class TrainingWorker(QObject):
    """Runs in the worker thread: builds, trains, reports plain data. Signals carry a run id."""

    prepared = Signal(int, object)  # setup dict
    updated = Signal(int, object)  # RunUpdate
    state_changed = Signal(int, str, str)  # "running"/"paused", message
    finished = Signal(int, object)  # summary dict
    failed = Signal(int, str)

    def __init__(self, run_id: int, request: RunRequest, control: Any) -> None:
        super().__init__()
        self.run_id = run_id
        self.request = request
        self.control = control
        self.trainer: Any = None
        self._acknowledged = True
        self._next_flush = 0.0
        self._interval = 1.0 / MAX_UPDATES_PER_SECOND
        self._steps: dict[str, list[float]] = {"step": [], "epoch_x": [], "loss": [], "lr": []}
        self._epochs: list[dict[str, Any]] = []
        self._diagnostics: dict[str, Any] | None = None
        self._prediction: dict[str, Any] | None = None
        self._lr_changes: list[tuple[int, float, float, str]] = []
        self._progress: dict[str, Any] = {}
        self._next_point = 0.0  # perf_counter time before which step points are not kept
        self._probe: Any = None
        self._train_metrics: Any = None
        # On demand (a view that says when it has drawn the last prediction): a new one is made
        # only then, so the training thread never computes pictures nobody will see.
        self._prediction_wanted = True
        self._on_demand = bool(request.predictions_on_demand)

    def acknowledge(self) -> None:
        """The GUI took the last batch (called from the GUI thread; a plain flag write)."""
        self._acknowledged = True

    def want_prediction(self) -> None:
        """The GUI has drawn the last prediction and would draw a new one (a plain flag write)."""
        self._prediction_wanted = True

    # ---- the thread's work ----------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 - everything is reported to the user, never lost
            log.exception("training failed")
            self.failed.emit(self.run_id, _describe(exc))
        finally:
            self.trainer = None
            self._probe = None
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def _run(self) -> None:
        import torch

        from playground.core.data import load_dataset
        from playground.core.training import Trainer, TrainerOptions, steps_per_epoch
        from playground.ui.training.predictions import TaskProbe, TrainSubsetMetrics

        request = self.request
        threads_wanted = request.num_threads or worker_threads()
        torch.set_num_threads(threads_wanted)  # per thread: this one trains, the GUI keeps a core
        if self.control.stop_requested:
            self.finished.emit(self.run_id, {"status": "stopped", "message": "Stopped before training began.",
                                             "epochs": 0, "steps": 0})
            return
        dataset = load_dataset(request.experiment.data, base_dir=request.base_dir)
        options = TrainerOptions(max_step_events_per_second=STEP_EVENTS_PER_SECOND,
                                 diagnostics=request.diagnostics, diagnostics_per_second=DIAGNOSTICS_PER_SECOND,
                                 num_threads=threads_wanted)
        trainer = Trainer(request.experiment, dataset=dataset, base_dir=request.base_dir, observer=self._observe,
                          options=options, control=self.control, epochs=request.epochs)
        self.trainer = trainer
        if request.predictions:
            self._probe = TaskProbe(dataset, trainer.device)
            self._train_metrics = TrainSubsetMetrics(dataset, trainer.loss, trainer.device)
        training = request.experiment.training
        planned = None
        total = trainer.epochs * trainer.batches_per_epoch
        if 0 < total <= PLANNED_LR_MAX_STEPS:
            from playground.core.training import lr_schedule

            try:
                planned = lr_schedule(training, trainer.batches_per_epoch, trainer.epochs)
            except Exception:  # noqa: BLE001 - a missing reference curve must not stop training
                log.warning("could not compute the planned LR schedule", exc_info=True)
        info = dataset.info
        setup = {
            "task": info.task, "modality": info.modality, "dataset": info.name,
            "class_names": list(info.class_names), "num_classes": info.num_classes,
            "epochs": trainer.epochs, "batches_per_epoch": trainer.batches_per_epoch,
            "batch_size": trainer.batch_size, "train_samples": trainer.train_samples,
            "steps_per_epoch": steps_per_epoch(trainer.train_samples, trainer.batch_size),
            "lr": float(trainer.lr_controller.current_lr()), "planned_lr": planned,
            "device": str(trainer.device), "threads": threads_wanted,
            "view": self._probe.setup() if self._probe is not None else {"kind": "none"},
        }
        self.prepared.emit(self.run_id, setup)
        self._progress = {"epoch": 0, "batch": 0, "batches": trainer.batches_per_epoch, "step": 0,
                          "epochs": trainer.epochs, "samples_per_second": 0.0}
        if self._probe is not None:  # the untrained model's view, at once
            self._prediction = self._probe.predict(trainer.model)
            self._prediction_wanted = not self._on_demand
        self._flush(force=True)
        if request.lr is not None:
            self.control.set_lr(request.lr)
        if request.start_paused:
            if request.first_epoch:
                self.control.step_epoch()
            elif request.first_batches > 0:
                for _ in range(request.first_batches):
                    self.control.step_batch()
            else:
                self.control.pause()
        summary = trainer.run()
        if self._probe is not None:
            self._prediction = self._probe.predict(trainer.model)
        self._progress["samples_per_second"] = summary.samples_per_second
        self._flush(force=True)
        result = summary.as_dict()
        result["history"] = [dict(row) for row in summary.history]
        self.finished.emit(self.run_id, result)

    # ---- engine events (training thread) --------------------------------------------------------
    def _observe(self, event: Any) -> None:
        kind = event.kind
        now = time.perf_counter()
        if kind == "step":
            progress = self._progress
            progress["epoch"], progress["batch"], progress["step"] = event.epoch, event.batch, event.step
            progress["samples_per_second"] = event.samples_per_second
            if event.step <= STEPS_KEPT_ALL or now >= self._next_point:
                self._next_point = now + 1.0 / STEP_POINTS_PER_SECOND
                steps = self._steps
                steps["step"].append(event.step)
                steps["epoch_x"].append(event.epoch - 1 + event.batch / event.batches)
                steps["loss"].append(event.train_loss)
                steps["lr"].append(event.lr)
        elif kind == "epoch":
            self._on_epoch(event)
        elif kind == "state":
            self._on_state(event)
            return
        else:  # the summary: handled after run() returns
            return
        if now >= self._next_flush and self._acknowledged:
            if self._probe is not None and self._prediction_wanted and self._probe.due(asked=self._on_demand):
                self._prediction = self._probe.predict(self.trainer.model)
                self._prediction_wanted = not self._on_demand
            self._flush(now=now)

    def _on_epoch(self, event: Any) -> None:
        row: dict[str, Any] = {"epoch": event.epoch, "step": event.step}
        row.update(event.metrics())
        row.update(seconds=event.seconds, samples_per_second=event.samples_per_second, improved=event.improved)
        trainer = self.trainer
        if self._train_metrics is not None and (self._train_metrics.due() or event.epoch >= trainer.epochs):
            row.update(self._train_metrics.measure(trainer.model))
        self._epochs.append(row)
        if event.diagnostics is not None:
            diagnostics = event.diagnostics.as_dict()
            diagnostics["epoch"] = event.epoch
            self._diagnostics = diagnostics
        progress = self._progress
        progress["epoch"], progress["batch"], progress["step"] = event.epoch, progress["batches"], event.step
        if event.samples_per_second:
            progress["samples_per_second"] = event.samples_per_second

    def _on_state(self, event: Any) -> None:
        if event.state == "lr":
            batches = max(1, self._progress.get("batches", 1))
            epoch_x = event.epoch - 1 + self._progress.get("batch", 0) / batches \
                if event.epoch == self._progress.get("epoch") else float(event.epoch - 1)
            lr = float(self.trainer.lr_controller.current_lr()) if self.trainer is not None else math.nan
            self._lr_changes.append((event.step, epoch_x, lr, event.message))
            self._flush(force=True)
            return
        if event.state == "paused" and self._probe is not None and self.trainer is not None:
            self._prediction = self._probe.predict(self.trainer.model)
        self._flush(force=True)
        self.state_changed.emit(self.run_id, event.state, event.message)

    def _flush(self, *, now: float | None = None, force: bool = False) -> None:
        update = RunUpdate(progress=dict(self._progress))
        steps = self._steps
        if steps["step"]:
            update.steps = {key: np.asarray(values, dtype=np.float64) for key, values in steps.items()}
            self._steps = {"step": [], "epoch_x": [], "loss": [], "lr": []}
        update.epochs, self._epochs = self._epochs, []
        update.diagnostics, self._diagnostics = self._diagnostics, None
        update.prediction, self._prediction = self._prediction, None
        update.lr_changes, self._lr_changes = self._lr_changes, []
        if not force and update.steps is None and not update.epochs and update.prediction is None:
            return
        self._acknowledged = False
        self._next_flush = (now if now is not None else time.perf_counter()) + self._interval
        self.updated.emit(self.run_id, update)


def _describe(exc: BaseException) -> str:
    from playground.core.errors import PlaygroundError

    if isinstance(exc, PlaygroundError):
        return str(exc)
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (in {Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


class TrainingBridge(QObject):
    """GUI-thread side: starts and steers one training thread at a time and re-emits its data.

    Signals (all in the GUI thread, already filtered to the current run):
    `prepared(setup)`, `updated(RunUpdate)`, `state_changed(state, message)` for "running"/"paused",
    `finished(summary)` and `failed(message)` once the thread has ended.
    """

    prepared = Signal(object)
    updated = Signal(object)
    state_changed = Signal(str, str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run_id = 0
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._control: Any = None
        self._outcome: tuple[str, Any] | None = None  # ("finished", summary) or ("failed", message)
        self._saved_switch_interval: float | None = None

    # ---- starting and steering ------------------------------------------------------------------
    def is_active(self) -> bool:
        """A training thread exists (running, paused, or winding down)."""
        return self._thread is not None

    def start(self, request: RunRequest) -> None:
        from playground.core.training import TrainingControl

        if self._thread is not None:
            raise RuntimeError("a training run is already active; stop it first")
        self._run_id += 1
        self._outcome = None
        self._control = TrainingControl()
        worker = TrainingWorker(self._run_id, request, self._control)
        thread = threads.track(QThread())
        thread.setObjectName(f"training-{self._run_id}")
        worker.moveToThread(thread)
        worker.prepared.connect(self._on_prepared)
        worker.updated.connect(self._on_updated)
        worker.state_changed.connect(self._on_state_changed)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        thread.started.connect(worker.run)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        if self._saved_switch_interval is None:
            self._saved_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._saved_switch_interval, GIL_SWITCH_INTERVAL))
        thread.start()

    def pause(self) -> None:
        if self._control is not None:
            self._control.pause()

    def resume(self) -> None:
        if self._control is not None:
            self._control.resume()

    def step_batch(self) -> None:
        if self._control is not None:
            self._control.step_batch()

    def step_epoch(self) -> None:
        if self._control is not None:
            self._control.step_epoch()

    def set_lr(self, value: float) -> None:
        if self._control is not None:
            self._control.set_lr(value)

    def want_prediction(self) -> None:
        """The task view has drawn the last prediction: the worker may make the next one."""
        if self._worker is not None:
            self._worker.want_prediction()

    def stop(self) -> None:
        """Ask the run to stop at the next step boundary (returns at once; `finished` follows)."""
        if self._control is not None:
            self._control.stop()

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Stop and wait for the thread (window closing). Later signals of that run are dropped.

        Returns False if the thread did not end in time (it is then left to finish on its own:
        never terminated, which could corrupt the interpreter).
        """
        thread = self._thread
        if thread is None:
            return True
        self.stop()
        thread.quit()
        ended = bool(thread.wait(timeout_ms))
        if not ended:
            log.error("the training thread did not stop within %d ms", timeout_ms)
            return False
        self._run_id += 1  # anything still queued from that run is ignored
        self._release()
        return True

    # ---- worker signals (GUI thread) -------------------------------------------------------------
    def _current(self, run_id: int) -> bool:
        return run_id == self._run_id

    def _on_prepared(self, run_id: int, setup: object) -> None:
        if self._current(run_id):
            self.prepared.emit(setup)

    def _on_updated(self, run_id: int, update: object) -> None:
        if not self._current(run_id):
            return
        try:
            self.updated.emit(update)
        finally:
            if self._worker is not None:
                self._worker.acknowledge()

    def _on_state_changed(self, run_id: int, state: str, message: str) -> None:
        if self._current(run_id):
            self.state_changed.emit(state, message)

    def _on_finished(self, run_id: int, summary: object) -> None:
        if self._current(run_id):
            self._outcome = ("finished", summary)

    def _on_failed(self, run_id: int, message: str) -> None:
        if self._current(run_id):
            self._outcome = ("failed", message)

    def _on_thread_finished(self) -> None:
        """The thread has ended: only now is the run over (so 'finished' means no thread left)."""
        if self._thread is None:
            return  # shutdown() already released this run
        sender = self.sender()
        if sender is not None and sender is not self._thread:
            return  # a thread of an earlier run
        outcome = self._outcome
        self._release()
        if outcome is None:
            outcome = ("failed", "The training thread ended without a result.")
        if outcome[0] == "finished":
            self.finished.emit(outcome[1])
        else:
            self.failed.emit(outcome[1])

    def _release(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        self._control = None
        self._outcome = None
        if worker is not None:
            worker.deleteLater()
        if thread is not None:
            thread.deleteLater()
        if self._saved_switch_interval is not None:
            sys.setswitchinterval(self._saved_switch_interval)
            self._saved_switch_interval = None
