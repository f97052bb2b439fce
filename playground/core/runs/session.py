"""One run in the training worker: build the data and the model, train, and report typed records.

`RunSession.run()` is what a worker process (or, in `--in-process` mode, a worker thread) does
for one `RunRequest`. It turns the engine's events into plain data and sends it through `send`:

- step losses and learning rates are collected and sent in batches (`RunUpdate`), at most
  `request.frames_per_second` times a second, and only once the window has taken the previous
  batch (`control.acknowledged`), so a slow window never builds a queue; every epoch row is sent
  (batched, never dropped);
- the views' predictions (decision boundary, image predictions, forecast, per-unit maps) are
  computed here, on a copy of the weights in a second thread (`ViewThread`) while training goes
  on, or between two steps for a model too big to copy; the train-subset metrics after an epoch;
  each within a time budget, so the window only draws;
- state changes (paused, running) flush what is pending first, so the window is never behind.

Steering (pause, step, LR, stop) arrives through `control`, which the engine reads in its hot loop.
"""

from __future__ import annotations

import logging
import math
import os
import time
import traceback
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from playground.core.data import load_dataset
from playground.core.errors import PlaygroundError
from playground.core.i18n import _, set_language
from playground.core.runs.inside import InsideProbe, describe_probe_failure
from playground.core.runs.probes import NeuronProbe, TaskProbe, TrainSubsetMetrics
from playground.core.runs.records import (
    EpochRow,
    LrChange,
    ProbeChanged,
    Progress,
    RunFailed,
    RunFinished,
    RunPrepared,
    RunRequest,
    RunSetup,
    RunStateChanged,
    RunUpdate,
    RunUpdated,
    StepBatch,
    ViewSetup,
)
from playground.core.runs.timeline import SnapshotStore, default_interval
from playground.core.runs.view_thread import ViewThread
from playground.core.training import Trainer, TrainerOptions, lr_schedule
from playground.core.training.diagnostics import STALLED_EPOCHS, guess_loss
from playground.core.training.events import Summary
from playground.core.training.threads import threads_for

log = logging.getLogger(__name__)

# The engine reports every step (a few microseconds each), so progress and step counts are exact;
# the loss/LR curves keep every step of the first STEPS_KEPT_ALL, then at most STEP_POINTS_PER_SECOND
# a second (plenty for a curve, bounded memory for long runs).
STEPS_KEPT_ALL = 1000
STEP_POINTS_PER_SECOND = 500.0
DIAGNOSTICS_PER_SECOND = 8.0  # the diagnostics view redraws several times a second at most
PLANNED_LR_MAX_STEPS = 50_000  # the planned schedule is computed only for runs up to this long
FLUSH_MARGIN = 1.2  # updates are sent up to this many times the frames per second
SHADOW_MAX_ELEMENTS = 20_000_000  # a bigger model gets no shadow copy: its probes run between steps
VIEW_THREAD_SHARE = 0.5  # share of the view thread's time the probes may use when a core is spare


def worker_threads() -> int:
    """Torch threads for training: all cores but one, which stays with the window."""
    return max(1, (os.cpu_count() or 2) - 1)


def describe_failure(exc: BaseException) -> str:
    """A user's error as it is, running out of memory as what to do about it; anything else as its
    type, message and where it came from."""
    if isinstance(exc, PlaygroundError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return _("the training ran out of memory: use a smaller model, a smaller batch size or less data")
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    if not last:
        return f"{type(exc).__name__}: {exc}"
    return _("{error}: {message} (in {file}:{line})").format(
        error=type(exc).__name__, message=exc, file=Path(last[0].filename).name, line=last[0].lineno
    )


class RunSession:
    """Trains one request and sends its records; `run()` never raises."""

    def __init__(
        self, run_id: int, request: RunRequest, control: Any, send: Callable[[object], None], process: str = "thread"
    ) -> None:
        self.run_id = run_id
        self.request = request
        self.control = control
        self.send = send
        self.process = process
        self.trainer: Any = None
        # a little faster than the frames wanted, so that each frame of the window finds new data
        self._interval = 1.0 / (FLUSH_MARGIN * max(1.0, float(request.frames_per_second)))
        self._next_flush = 0.0
        self._steps: dict[str, list[float]] = {"step": [], "epoch_x": [], "loss": [], "lr": []}
        self._epochs: list[EpochRow] = []
        self._diagnostics: Any = None
        self._diagnostics_seen: Any = None  # the trainer's latest diagnostics already taken
        self._last_accuracy: float | None = None  # the latest epoch's validation accuracy
        self._recent_losses: deque[float] = deque(maxlen=STALLED_EPOCHS)  # the last epochs' training losses
        self._prediction: Any = None
        self._neurons: Any = None
        self._lr_changes: list[LrChange] = []
        self._snapshots: list[Any] = []
        self._progress = Progress()
        self._next_point = 0.0  # perf_counter time before which step points are not kept
        self._probe: Any = None
        self._neuron_probe: Any = None
        self._views: Any = None  # a ViewThread computing the probes beside the training, if any
        self._train_metrics: Any = None
        self._on_demand = bool(request.predictions_on_demand)
        self._inside: Any = None  # an InsideProbe, made when the window first looks inside a node
        self._probe_request = request.probe  # what the window looks inside (None: nothing)
        self._probe_fresh = request.probe is not None  # a new request: answer it at once
        self._probe_result: Any = None
        self._probe_error: str | None = None
        self._dataset: Any = None
        self._store: Any = None  # the SnapshotStore the trainer keeps the time machine's epochs in
        self._shipped = -1  # the latest epoch whose snapshot went to the window

    # ---- the run -----------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 - everything (MemoryError too) is reported, never lost
            log.debug("training failed", exc_info=True)
            self.send(RunFailed(self.run_id, describe_failure(exc)))
        finally:
            if self._views is not None:
                self._views.close()
            self.control.while_paused = None
            self.trainer = self._probe = self._neuron_probe = self._train_metrics = self._views = None
            self._inside = self._dataset = None

    def _run(self) -> None:
        request = self.request
        # A worker process speaks the window's language for every message of the run; a thread
        # has it already, and must not change the window's language behind its back.
        if self.process == "process":
            set_language(request.language)
        threads_wanted = request.num_threads or worker_threads()
        torch.set_num_threads(threads_wanted)
        if self.control.stop_requested:
            self.send(
                RunFinished(
                    self.run_id,
                    Summary(status="stopped", message=_("Stopped before training began."), epochs=0, steps=0),
                )
            )
            return
        dataset = load_dataset(request.experiment.data, base_dir=request.base_dir)
        store = SnapshotStore() if request.snapshots else None
        self._store = store
        options = TrainerOptions(
            snapshots=store,
            max_step_events_per_second=0.0,
            diagnostics=request.diagnostics,
            diagnostics_per_second=DIAGNOSTICS_PER_SECOND,
            diagnostics_within_epochs=True,
            num_threads=threads_wanted,
        )
        trainer = Trainer(
            request.experiment,
            dataset=dataset,
            base_dir=request.base_dir,
            observer=self._observe,
            options=options,
            control=self.control,
            epochs=request.epochs,
        )
        if not request.num_threads:  # one thread for a small model, else all cores but the window's
            threads_wanted = threads_for(trainer.model, limit=worker_threads())
            options.num_threads = threads_wanted
            torch.set_num_threads(threads_wanted)
        self.trainer = trainer
        self._notes: list[str] = []
        if request.tensorboard_dir and (request.epochs is None or request.epochs > 0):
            self._log_to_tensorboard(trainer, dataset, request)
        if store is not None:
            parameters = sum(p.numel() for p in trainer.model.parameters())
            store.every = default_interval(parameters, trainer.epochs)
        if request.fork is not None:
            trainer.fork_from(request.fork)  # SnapshotError (a user's error) when it does not fit
        if request.predictions:
            self._probe = TaskProbe(dataset, trainer.device, experiment=request.experiment)
            self._train_metrics = TrainSubsetMetrics(dataset, trainer.loss, trainer.device)
        if request.neuron_maps:
            probe = NeuronProbe(dataset, request.experiment, trainer.model, trainer.device)
            self._neuron_probe = probe if probe.enabled else None
        self._dataset = dataset
        self._views = self._view_thread(trainer.model)
        self.control.while_paused = self._while_paused
        self.send(RunPrepared(self.run_id, self._setup(trainer, dataset, threads_wanted)))
        self._progress = Progress(batches=trainer.batches_per_epoch, epochs=trainer.epochs)
        self._predict_now()  # the untrained model's views, at once
        self._flush(force=True)
        self._start(request)
        summary = trainer.run()
        self._predict_now()
        self._progress.samples_per_second = summary.samples_per_second
        self._flush(force=True)
        self.send(RunFinished(self.run_id, summary))

    def _log_to_tensorboard(self, trainer: Any, dataset: Any, request: RunRequest) -> None:
        """TensorBoard logs of this run in a folder of its own; a failure is a note, not a failed run."""
        from playground.core.export.common import example_input
        from playground.core.training.tensorboard import TensorBoardLog, chained

        name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in request.experiment.name)[:60] or "run"
        folder = Path(request.tensorboard_dir or ".") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            log = TensorBoardLog(folder, trainer.model, example_input(dataset.info))
        except PlaygroundError as exc:
            self._notes.append(_("no TensorBoard logs: {reason}").format(reason=exc))
            return
        trainer.observer = chained(trainer.observer, log.on_event)
        self._notes.append(_("TensorBoard logs in {folder}").format(folder=folder))

    def _view_thread(self, model: Any) -> Any:
        """A thread for the probes when the model is small enough to keep a copy of (else they run
        between steps, in the training thread). On a machine with a core to spare the probes may
        use half of that thread's time; on one core they keep to their small share."""
        if self._probe is None and self._neuron_probe is None:
            return None
        elements = sum(t.numel() for t in (*model.parameters(), *model.buffers()))
        if elements > SHADOW_MAX_ELEMENTS:
            return None
        try:
            views = ViewThread(model, self._probe, self._neuron_probe)
        except Exception:  # noqa: BLE001 - a model that cannot be copied: the probes run in line
            log.debug("no view thread for this model", exc_info=True)
            return None
        if (os.cpu_count() or 1) > 1:
            for probe in (self._probe, self._neuron_probe):
                if probe is not None:
                    probe.budget.share = VIEW_THREAD_SHARE
        return views

    def _setup(self, trainer: Any, dataset: Any, threads: int) -> RunSetup:
        planned = None
        total = trainer.epochs * trainer.batches_per_epoch
        if 0 < total <= PLANNED_LR_MAX_STEPS:
            try:
                planned = lr_schedule(self.request.experiment.training, trainer.batches_per_epoch, trainer.epochs)
            except Exception:  # noqa: BLE001 - a missing reference curve must not stop training
                log.warning("could not compute the planned LR schedule", exc_info=True)
        info = dataset.info
        return RunSetup(
            task=info.task,
            modality=info.modality,
            dataset=info.name,
            class_names=list(info.class_names),
            num_classes=info.num_classes,
            epochs=trainer.epochs,
            batches_per_epoch=trainer.batches_per_epoch,
            batch_size=trainer.batch_size,
            train_samples=trainer.train_samples,
            lr=float(trainer.lr_controller.current_lr()),
            planned_lr=planned,
            device=str(trainer.device),
            threads=threads,
            view=self._probe.setup() if self._probe is not None else ViewSetup(kind="none"),
            process=self.process,
            notes=(
                *((trainer.starting_weights.describe(),) if trainer.starting_weights is not None else ()),
                *self._notes,
            ),
        )

    def _start(self, request: RunRequest) -> None:
        control = self.control
        if request.lr is not None:
            control.set_lr(request.lr)
        if request.start_paused:
            if request.first_epoch:
                control.step_epoch()
            elif request.first_batches > 0:
                for _batch in range(request.first_batches):
                    control.step_batch()
            else:
                control.pause()

    # ---- engine events (the training thread) ---------------------------------------------------
    def _observe(self, event: Any) -> None:
        kind = event.kind
        now = time.perf_counter()
        if kind == "step":
            if self._views is not None and self._views.idle():
                self._offer_views()
            self._take_diagnostics(self.trainer.diagnostics, event.epoch)  # measured during a long epoch
            progress = self._progress
            progress.epoch, progress.batch, progress.step = event.epoch, event.batch, event.step
            progress.samples_per_second = event.samples_per_second
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
        else:  # the summary: sent after run() returns
            return
        if now >= self._next_flush and self.control.acknowledged:
            self._read_mail()
            self._predict_if_due()
            self._flush(now=now)

    def _prediction_due(self) -> bool:
        probe = self._probe
        return (
            probe is not None
            and (self.control.prediction_wanted or not self._on_demand)
            and probe.due(asked=self._on_demand)
        )

    def _offer_views(self) -> None:
        """Hand the view thread a job (between two steps) if a prediction, the maps or a look
        inside a node is due."""
        prediction = self._prediction_due()
        neurons = self._neuron_probe is not None and self._neuron_probe.due()
        inside = self._inside_due()
        if not (prediction or neurons or inside is not None):
            return
        self._views.position = self._position()
        if self._views.offer(prediction, neurons, inside):
            if prediction:
                self.control.prediction_wanted = False
            if inside is not None:
                self._probe_fresh = False

    # ---- looking inside a node -------------------------------------------------------------------
    def _read_mail(self) -> None:
        for message in self.control.messages():
            if isinstance(message, ProbeChanged):
                self._probe_request = message.request
                self._probe_fresh = message.request is not None

    def _position(self) -> tuple[int, int]:
        trainer = self.trainer
        return (int(trainer.step), int(trainer.epoch)) if trainer is not None else (0, 0)

    def _inside_due(self) -> Any:
        """The request to answer now (the window asked for another, or the last is old), else None."""
        request = self._probe_request
        if request is None or self._inside_probe() is None:
            return None
        return request if self._probe_fresh or self._inside.due() else None

    def _inside_probe(self) -> Any:
        """The InsideProbe, made when the window first looks inside a node (None before the trainer)."""
        if self._inside is None and self.trainer is not None:
            trainer = self.trainer
            self._inside = InsideProbe(self._dataset, self.request.experiment, trainer.loss, trainer.device)
            if self._views is not None:
                self._views.inside_probe = self._inside
        return self._inside

    def _look_inside(self, model: Any, request: Any) -> None:
        """Answer a request in this thread (a model without a view thread, a pause, the end)."""
        try:
            self._probe_result = self._inside.look(model, request, *self._position())
        except Exception as exc:  # noqa: BLE001 - a look inside must never end the run
            log.debug("looking inside a node failed", exc_info=True)
            self._probe_error = describe_probe_failure(exc)
        self._probe_fresh = False

    def _while_paused(self) -> None:
        """A paused run still answers the window: another node or sample to look inside."""
        self._read_mail()
        if self._probe_fresh and self._inside_due() is not None:
            self._predict_now(prediction=False)
            self._flush(force=True)

    def _predict_if_due(self) -> None:
        if self._views is not None:
            self._take_views()
            if self._views.idle():
                self._offer_views()
            return
        model = self.trainer.model
        if self._prediction_due():
            self._prediction = self._probe.predict(model)
            self.control.prediction_wanted = False
        neurons = self._neuron_probe
        if neurons is not None and neurons.due():
            self._neurons = neurons.maps(model)
        inside = self._inside_due()
        if inside is not None:
            self._look_inside(model, inside)

    def _take_views(self) -> None:
        prediction, neurons = self._views.take()
        if prediction is not None:
            self._prediction = prediction
        if neurons is not None:
            self._neurons = neurons
        inside = self._views.take_inside()
        if inside is not None:
            self._probe_result = inside
        if self._views.inside_failure is not None:
            self._probe_error, self._views.inside_failure = self._views.inside_failure, None

    def _predict_now(self, prediction: bool = True) -> None:
        model = self.trainer.model if self.trainer is not None else None
        if model is None:
            return
        # at a pause and at the end, always a fresh look inside (whatever its time budget says)
        inside = self._probe_request if self._probe_request is not None and self._inside_probe() is not None else None
        if self._views is not None:
            self._views.position = self._position()
            self._views.now(prediction=prediction, neurons=prediction, inside=inside)
            self._take_views()
            if prediction:
                self.control.prediction_wanted = False
            self._probe_fresh = False
            return
        if prediction and self._probe is not None:
            self._prediction = self._probe.predict(model)
            self.control.prediction_wanted = False
        if prediction and self._neuron_probe is not None:
            self._neurons = self._neuron_probe.maps(model)
        if inside is not None:
            self._look_inside(model, inside)

    def _on_epoch(self, event: Any) -> None:
        trainer = self.trainer
        row = EpochRow(
            epoch=event.epoch,
            step=event.step,
            train_loss=event.train_loss,
            lr=event.lr,
            val_loss=event.val_loss,
            val_accuracy=event.val_accuracy,
            val_mae=event.val_mae,
            val_r2=event.val_r2,
            seconds=event.seconds,
            samples_per_second=event.samples_per_second,
            improved=event.improved,
        )
        if event.val_accuracy is not None:
            self._last_accuracy = float(event.val_accuracy)
        if event.train_loss is not None:
            self._recent_losses.append(float(event.train_loss))
        if self._train_metrics is not None and (self._train_metrics.due() or event.epoch >= trainer.epochs):
            for name, value in self._train_metrics.measure(trainer.model).items():
                setattr(row, name, value)
        self._epochs.append(row)
        self._take_snapshots()
        self._take_diagnostics(event.diagnostics, event.epoch)
        progress = self._progress
        progress.epoch, progress.batch, progress.step = event.epoch, progress.batches, event.step
        if event.samples_per_second:
            progress.samples_per_second = event.samples_per_second

    def _take_snapshots(self) -> None:
        """Queue the snapshots the trainer kept since the last look (the window keeps its own store)."""
        store = self._store
        if store is None:
            return
        for snapshot in store:
            if snapshot.epoch > self._shipped:
                self._snapshots.append(snapshot)
                self._shipped = snapshot.epoch

    def _take_diagnostics(self, diagnostics: Any, epoch: int) -> None:
        """Queue diagnostics not sent yet, with the epoch and the latest validation accuracy."""
        if diagnostics is None or diagnostics is self._diagnostics_seen:
            return
        self._diagnostics_seen = diagnostics
        diagnostics.epoch = epoch
        diagnostics.accuracy = self._last_accuracy
        diagnostics.recent_losses = list(self._recent_losses)
        trainer = self.trainer
        if trainer is not None:
            training = trainer.experiment.training
            diagnostics.guess_loss = guess_loss(
                trainer.task, trainer.num_classes, training.loss.type, training.distillation is not None
            )
        self._diagnostics = diagnostics

    def _on_state(self, event: Any) -> None:
        if event.state == "lr":
            progress = self._progress
            batches = max(1, progress.batches)
            epoch_x = (
                event.epoch - 1 + progress.batch / batches if event.epoch == progress.epoch else float(event.epoch - 1)
            )
            lr = float(self.trainer.lr_controller.current_lr()) if self.trainer is not None else math.nan
            self._lr_changes.append(LrChange(event.step, epoch_x, lr, event.message))
            self._flush(force=True)
            return
        if event.state == "paused":
            self._predict_now()
        self._flush(force=True)
        self.send(RunStateChanged(self.run_id, event.state, event.message))

    def _flush(self, *, now: float | None = None, force: bool = False) -> None:
        update = RunUpdate(progress=Progress(**vars(self._progress)))
        steps = self._steps
        if steps["step"]:
            update.steps = StepBatch(
                *(np.asarray(steps[key], dtype=np.float64) for key in ("step", "epoch_x", "loss", "lr"))
            )
            self._steps = {"step": [], "epoch_x": [], "loss": [], "lr": []}
        update.epochs, self._epochs = self._epochs, []
        update.diagnostics, self._diagnostics = self._diagnostics, None
        update.prediction, self._prediction = self._prediction, None
        update.neurons, self._neurons = self._neurons, None
        update.probe, self._probe_result = self._probe_result, None
        update.probe_error, self._probe_error = self._probe_error, None
        update.lr_changes, self._lr_changes = self._lr_changes, []
        if force:
            self._take_snapshots()  # the start (epoch 0, or a fork's) and the end of the run
        update.snapshots, self._snapshots = self._snapshots, []
        if (
            not force
            and update.steps is None
            and not update.epochs
            and update.prediction is None
            and update.neurons is None
            and update.probe is None
            and update.probe_error is None
            and not update.snapshots
        ):
            return
        self.control.acknowledged = False
        self._next_flush = (now if now is not None else time.perf_counter()) + self._interval
        self.send(RunUpdated(self.run_id, update))
