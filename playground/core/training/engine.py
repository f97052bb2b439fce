"""The training engine: trains an experiment in the calling thread and reports plain events.

The command line calls `Trainer.run()` directly; the GUI calls it from its worker thread and
steers it through `trainer.control` (pause, resume, stop, step, set the LR). A run can also be
driven a few steps at a time (`begin()`, `train_steps(n)` until it returns an outcome, `finish()`;
`run()` is exactly that with no limit), so one thread can interleave several trainers, as a race
does, each with its numbers exactly those of a run on its own. The hot loop is a
bare PyTorch loop over in-memory tensors, batches taken with a seeded permutation per epoch;
everything else (validation, diagnostics, events, checkpoints) happens once per epoch or is
throttled, so the engine runs at the speed of a hand-written loop.

Reproducibility: the model is built right after ``torch.manual_seed(training.seed)``; batch
order comes from a private generator seeded with the same seed; the global RNG state that
dropout uses is kept with the trainer (restored on `run()`, after a pause, and from
checkpoints); data augmentation draws from a generator of its own, reseeded for each batch from
(seed, epoch, batch), so it needs no state in checkpoints. The same experiment and seed give the
same curves bit for bit on CPU.
"""

from __future__ import annotations

import copy
import json
import math
import os
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from pydantic import ValidationError
from torch import nn

from playground.core.catalogue.augmentations import augmentation_problems
from playground.core.catalogue.training import SCHEDULERS
from playground.core.data import load_dataset
from playground.core.data.augment import BatchAugmenter, batch_augmenter
from playground.core.errors import ExperimentError, Problem
from playground.core.experiment.schema import Experiment, SchedulerSpec, TrainingSpec
from playground.core.graph import build_model
from playground.core.graph.starting_weights import StartingWeights, apply_starting_weights
from playground.core.i18n import _
from playground.core.params import resolved
from playground.core.runs.timeline import SnapshotError, SnapshotStore, WeightSnapshot
from playground.core.training.checkpoint import (
    MANIFEST,
    CheckpointError,
    check_compatible,
    graph_differences,
    graph_signature,
    read_checkpoint,
    save_checkpoint,
)
from playground.core.training.control import TrainingControl
from playground.core.training.device import resolve_device
from playground.core.training.diagnostics import Diagnostics, DiagnosticsProbe
from playground.core.training.distillation import (
    DistillationObjective,
    TeacherFile,
    check_distillation,
    prepare_teacher,
)
from playground.core.training.events import (
    FINAL_METRICS,
    EpochEvent,
    Event,
    StateEvent,
    Status,
    StepEvent,
    Summary,
)
from playground.core.training.losses import build_loss
from playground.core.training.metrics import SplitMetrics, evaluate, finite_or_none
from playground.core.training.monitors import MetricTracker, check_monitor
from playground.core.training.optimizers import build_optimizer, optimizer_kwargs
from playground.core.training.resume_state import ResumeState, StateReference, check_state, state_reference
from playground.core.training.schedules import LRController, steps_per_epoch
from playground.core.training.threads import threads_for  # records torch's default thread count on import


@dataclass
class TrainerOptions:
    """How the engine reports and what it spends time on besides training."""

    step_every: int = 1  # consider a step event every k optimizer steps ...
    max_step_events_per_second: float = 30.0  # ... but send at most this many per second (0: no limit)
    diagnostics: bool = True  # per-epoch gradient/weight/activation diagnostics ...
    diagnostics_per_second: float = 20.0  # ... but when epochs are very short, at most this often
    # (a GUI cannot show more; 0: every epoch). The last epoch of a run always has them.
    diagnostics_within_epochs: bool = False  # also during long epochs, at that rate (the window's live view)
    confusion_matrix: bool = False  # in the summary (test split, else validation)
    snapshot_weights: bool = False  # numpy copy of the weights in every epoch event (replay)
    # torch.set_num_threads while training: a number, "auto" (one thread for a small model, see
    # core/training/threads.py), or None to leave it as it is
    num_threads: int | Literal["auto"] | None = None
    checkpoint_dir: str | os.PathLike[str] | None = None  # save a checkpoint here ...
    checkpoint_every: int = 1  # ... every this many epochs, and when the run ends
    # keep weight snapshots here (the training time machine): the position at begin() when the
    # store lacks it (epoch 0 of a new run), each epoch end the store wants, the end of the run
    snapshots: SnapshotStore | None = None


@dataclass(frozen=True)
class ForkResult:
    """What `Trainer.fork_from` kept of the snapshot besides the weights, RNG and loop position."""

    epoch: int  # the epoch the fork starts after (0: the initial weights)
    step: int
    optimizer_state: Literal["kept", "fresh"]  # the optimizer's moments: the snapshot's, or new ones
    schedule: Literal["kept", "positioned"]  # the snapshot's LR state, or the new schedule replayed to its step


Outcome = tuple[Status, str]  # how a run ended: (status, message)

# A loss this many times above the run's first one (or above 1, whichever is larger) counts as
# diverged even while still finite: saturating nets (tanh + cross-entropy) reach 1e7 without inf.
EXPLOSION_FACTOR = 1e4


def divergence_message(epoch: int, step: int, lr: float, loss: float = math.nan, first: float | None = None) -> str:
    """What a run that diverged says, in the current language: where, and what to do about it."""
    if math.isfinite(loss):
        return _(
            "The loss exploded to {loss} (it started at {first}) at epoch {epoch} step {step}: the learning "
            "rate ({lr}) is probably too high; lower it or turn on gradient clipping."
        ).format(loss=f"{loss:.3g}", first=f"{first:.3g}", epoch=epoch, step=step, lr=f"{lr:g}")
    return _(
        "The loss became NaN/inf at epoch {epoch} step {step}: the learning rate ({lr}) is probably too "
        "high; lower it or turn on gradient clipping."
    ).format(epoch=epoch, step=step, lr=f"{lr:g}")


def _sentences(first: str, second: str) -> str:
    """Two sentences one after the other, as the current language joins them (a space in English)."""
    # TRANSLATORS: two sentences one after the other; Chinese joins them without a space.
    return _("{first} {second}").format(first=first, second=second)


class Trainer:
    """Trains one experiment. Build it, optionally `load_checkpoint`, then `run()` (or `begin()`,
    `train_steps(n)` as often as wanted, `finish()`).

    `model` and `dataset` may be passed prebuilt (the GUI already has them; tests use
    hand-made ones); otherwise they come from the graph builder and the dataset loader.
    A prebuilt model is used as is: its initial weights are the caller's.
    """

    def __init__(
        self,
        experiment: Experiment,
        *,
        model: nn.Module | None = None,
        dataset: Any | None = None,
        base_dir: str | os.PathLike[str] | None = None,
        observer: Callable[[Event], None] | None = None,
        options: TrainerOptions | None = None,
        control: TrainingControl | None = None,
        epochs: int | None = None,
    ) -> None:
        self.experiment = experiment
        self.training = experiment.training
        self.options = options or TrainerOptions()
        self.observer = observer
        self.control = control or TrainingControl()
        self.epochs = int(epochs if epochs is not None else self.training.epochs)
        self.device = resolve_device(self.training.device)
        seed = self.training.seed

        if dataset is None:
            dataset = load_dataset(experiment.data, base_dir=base_dir)
        self.dataset = dataset
        info = dataset.info
        self.task: str = info.task
        self.num_classes: int | None = getattr(info, "num_classes", None)

        torch.manual_seed(seed)
        self.starting_weights: StartingWeights | None = None  # what the model took from model.weights
        if model is None:
            model = build_model(experiment, info)
            self.starting_weights = apply_starting_weights(model, experiment, base_dir)
        self.model = model.to(self.device)
        self.model.train()
        self._rng_state = torch.get_rng_state()
        self._cuda_rng_state = torch.cuda.get_rng_state_all() if self.device.type == "cuda" else None
        self._generator = torch.Generator().manual_seed(seed)

        self.x_train, self.y_train = self._on_device(dataset.x_train), self._on_device(dataset.y_train)
        self._augment = self._augmenter(info)  # None without augmentation: the hot loop skips it
        self.x_val, self.y_val = dataset.x_val, dataset.y_val
        self.x_test, self.y_test = dataset.x_test, dataset.y_test
        self.train_samples = int(self.x_train.shape[0])
        if self.train_samples == 0:
            raise ExperimentError(Problem("data.split.train", _("the training split is empty")))
        has_val = self.x_val is not None and int(self.x_val.shape[0]) > 0

        self.loss = build_loss(self.training.loss.type, self.training.loss.params, self.task, self.num_classes)
        self.loss.loss.to(self.device)
        self.optimizer = build_optimizer(
            self.training.optimizer.type, self.training.optimizer.params, self.model.parameters()
        )
        batch_size = self.training.batch_size
        self.batch_size = self.train_samples if batch_size == "full" else min(int(batch_size), self.train_samples)
        self.batches_per_epoch = steps_per_epoch(self.train_samples, self.batch_size)
        self.lr_controller = LRController(self.optimizer, self.training.scheduler, self.batches_per_epoch, self.epochs)
        if self.training.scheduler is not None and self.training.scheduler.type == "ReduceLROnPlateau" and not has_val:
            raise ExperimentError(Problem("training.scheduler", _("ReduceLROnPlateau needs a validation split")))

        self.early_stopping: MetricTracker | None = None
        if self.training.early_stopping is not None:
            es = self.training.early_stopping
            check_monitor(es.monitor, self.task, has_val, "training.early_stopping.monitor")
            self.early_stopping = MetricTracker(es.monitor, es.min_delta)
        self.keep_best: MetricTracker | None = None
        if self.training.keep_best is not None:
            check_monitor(self.training.keep_best.monitor, self.task, has_val, "training.keep_best.monitor")
            self.keep_best = MetricTracker(self.training.keep_best.monitor)
        self._best_state: dict[str, torch.Tensor] | None = None
        # knowledge distillation: the teacher file is checked now, trained (or loaded) at begin()
        self._teacher_file: TeacherFile | None = None
        self.distillation: DistillationObjective | None = None  # the loss of a distilled run, once prepared
        if self.training.distillation is not None:
            self._teacher_file = check_distillation(experiment, base_dir, self.task)

        self._weights = [p for p in self.model.parameters() if p.requires_grad and p.dim() > 1]
        self._probe = DiagnosticsProbe(self.model) if self.options.diagnostics else None

        # loop position (all of it goes into checkpoints)
        self.epoch = 0  # epochs completed
        self.batch = 0  # batches completed in the current epoch
        self.step = 0  # optimizer steps completed
        self._epoch_loss_sum = 0.0
        self._epoch_samples = 0
        self._perm_state: torch.Tensor | None = None  # generator state before this epoch's permutation
        self._perm: torch.Tensor | None = None  # this epoch's permutation, while the epoch is under way
        self._elapsed = 0.0  # seconds of training over all runs (for samples/second)
        self._samples_seen = 0
        self.history: list[dict[str, float | None]] = []
        self.last_epoch_event: EpochEvent | None = None
        self.status: Status | None = None
        self._running = False  # inside train_steps: the global RNG is this run's
        self._begun = False  # between begin() and finish()
        self._outcome: Outcome | None = None  # how the run begun last ended (status, message)
        self._previous_threads: int | None = None  # torch threads before begin(), put back by finish()
        self._run_seconds = 0.0  # training time since begin() (this run's turns only)
        self._run_samples_from = 0  # samples seen when begin() was called
        self._next_step_event = 0.0  # perf_counter time before which step events are held back
        self._next_diagnostics = 0.0  # perf_counter time before which epochs skip diagnostics
        self._diagnostics: Diagnostics | None = None  # of the current epoch, when gathered
        self._first_loss: float | None = None  # the run's first batch loss: the scale for "exploded"
        # how the run diverged, whatever the language of its message: "exploded" (a finite loss far
        # above the first), "nonfinite" (a NaN/inf loss), "weights" (NaN/inf weights); None: it has not
        self.divergence: Literal["exploded", "nonfinite", "weights"] | None = None
        self._snapshot: list[torch.Tensor] | None = None  # recent finite weights (divergence fallback)
        self._snapshot_epoch = 0
        self._next_snapshot = 0.0
        self._last_lr = self.lr_controller.current_lr()  # LR of the latest optimizer step
        self._epoch_seconds = 0.0  # training time of the current (latest) epoch, without validation
        self._epoch_rate_samples = 0  # samples trained in that time
        self._snapshot_meta: dict[str, Any] | None = None  # what every WeightSnapshot of this run names

    # ---- helpers -------------------------------------------------------------------------------
    def _augmenter(self, info: Any) -> BatchAugmenter | None:
        """The run's batch augmenter (None: no augmentation). Its draws depend only on the seed,
        the epoch and the batch, so resumed and forked runs see the original's augmented batches."""
        augmentation = self.experiment.data.augmentation
        modality = getattr(info, "modality", None)
        if augmentation is not None and modality is not None:  # a hand-made model skips the checks
            shape = tuple(getattr(info, "input_shape", ()))
            found = augmentation_problems(augmentation.model_dump(), self.experiment.data.dataset, modality, shape)
            if found:
                raise ExperimentError([Problem(path, message) for path, message in found])
        return batch_augmenter(augmentation, self.training.seed, self.device)

    def _on_device(self, tensor: torch.Tensor) -> torch.Tensor:
        return tensor if tensor.device == self.device else tensor.to(self.device)

    def _emit(self, event: Event) -> None:
        if self.observer is not None:
            self.observer(event)

    def _on_pause(self, waiting: bool) -> None:
        # Another thread may use the global RNG while we wait: keep ours aside.
        if waiting:
            self._rng_state = torch.get_rng_state()
            self._emit(StateEvent("paused", self.epoch + (1 if self.batch else 0), self.step))
        else:
            torch.set_rng_state(self._rng_state)
            self._emit(StateEvent("running", self.epoch + (1 if self.batch else 0), self.step))

    def _monitor_value(self, name: str, event: EpochEvent) -> float | None:
        value: float | None = getattr(event, name)  # a monitor names a metric field of the event
        return value

    def _weights_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.model.parameters())

    def _state_copy(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    # ---- the run -------------------------------------------------------------------------------
    def run(self) -> Summary:
        """Train until the epochs are done, early stopping, divergence or a stop request."""
        self.begin()
        try:
            self.train_steps()
        except BaseException:
            self._end()
            raise
        return self.finish()

    def begin(self) -> None:
        """Start a run (or continue one, after `finish` or from a checkpoint): then `train_steps`
        until it returns an outcome, then `finish()`. Sets the engine's thread count until `finish`."""
        if self._begun:
            raise RuntimeError("this run has begun already; finish() it first")
        self._previous_threads = torch.get_num_threads()
        threads = self.threads
        if threads:
            torch.set_num_threads(threads)
        self._begun = True
        self._outcome = None
        self.divergence = None
        self._run_seconds = 0.0
        self._run_samples_from = self._samples_seen
        store = self.options.snapshots
        if store is not None and self.batch == 0:
            latest = store.latest()
            if latest is None or latest.epoch != self.epoch:  # epoch 0 of a new run, or a fork's start
                store.add(self.snapshot())
        if self._teacher_file is not None and self.distillation is None:
            try:
                self._prepare_distillation()
            except BaseException:
                self._end()
                raise
            if self._outcome is not None:  # stopped while the teacher trained
                return
        self._emit(StateEvent("running", self.epoch + 1, self.step))

    def _prepare_distillation(self) -> None:
        """Train (or load) the teacher and make the distilled loss; a stop on the way ends the run
        before the student's first step. The teacher's run changes nothing of the student's numbers:
        `train_steps` puts the student's own RNG state back before every turn."""
        spec, teacher = self.training.distillation, self._teacher_file
        if spec is None or teacher is None:
            return
        prepared = prepare_teacher(
            spec,
            teacher,
            self.dataset,
            self.device,
            control=self.control,
            observer=self.observer,
            at=lambda: (self.epoch + 1, self.step),
        )
        if prepared is None:
            self._outcome = ("stopped", _("Stopped while the teacher was training, before the student's first step."))
            return
        hard = self.loss.loss if self.loss.passthrough else self.loss
        self.distillation = DistillationObjective(spec, prepared, hard, per_batch=self._augment is not None)

    def train_steps(self, steps: int | None = None) -> Outcome | None:
        """Run up to `steps` more optimizer steps (None: to the end), finishing every epoch they
        complete (validation, schedule, monitors, event, checkpoint). Returns (status, message)
        once the run is over (completed, early stopped, diverged, stopped), else None.

        The global RNG (dropout) is this run's while it trains and is kept aside in between, so
        other trainers may train in the same thread between two calls and change nothing here:
        any split into calls gives the numbers of one `run()`.
        """
        if not self._begun:
            raise RuntimeError("call begin() before train_steps()")
        if self._outcome is not None:
            return self._outcome
        torch.set_rng_state(self._rng_state)
        if self._cuda_rng_state is not None:
            torch.cuda.set_rng_state_all(self._cuda_rng_state)
        self._running = True
        started = time.perf_counter()
        outcome: Outcome | None = None
        left = None if steps is None else max(0, int(steps))
        batches = self.batches_per_epoch
        try:
            while self.epoch < self.epochs and (left is None or left > 0):
                first = self.batch
                outcome = self._train_epoch(batches if left is None else min(batches, first + left))
                epoch_done = self.batch >= batches
                if (
                    outcome is None and epoch_done or outcome is not None and outcome[0] == "stopped"
                ) and not self._weights_finite():
                    outcome = self._weights_diverged()  # the last update overflowed; no loss has shown it yet
                if outcome is not None:
                    break
                if left is not None:
                    left -= self.batch - first
                if not epoch_done:
                    break  # the steps asked for end inside this epoch
                self._finish_epoch()
                stopping = self.training.early_stopping  # set whenever self.early_stopping is
                if (
                    self.early_stopping is not None
                    and stopping is not None
                    and self.early_stopping.epochs_without_improvement >= stopping.patience
                ):
                    outcome = (
                        "early_stopped",
                        _(
                            "Early stopping: {monitor} has not improved for {epochs} epochs (best at epoch {best})."
                        ).format(
                            monitor=self.early_stopping.monitor,
                            epochs=self.early_stopping.epochs_without_improvement,
                            best=self.early_stopping.best_epoch,
                        ),
                    )
                    break
            if outcome is None and self.epoch >= self.epochs:
                outcome = "completed", _("Training finished.")
            self._rng_state = torch.get_rng_state()
            if self._cuda_rng_state is not None:
                self._cuda_rng_state = torch.cuda.get_rng_state_all()
        finally:
            self._running = False
            seconds = time.perf_counter() - started
            self._run_seconds += seconds
            self._elapsed += seconds
        self._outcome = outcome
        return outcome

    def finish(self) -> Summary:
        """End the run begun: the final checkpoint, the summary (also sent to the observer). Before
        `train_steps` has returned an outcome, the run ends as stopped where it is."""
        if not self._begun:
            raise RuntimeError("call begin() before finish()")
        status, message = self._outcome or (
            "stopped",
            _("Stopped at epoch {epoch}, step {step}.").format(
                epoch=self.epoch + (1 if self.batch else 0), step=self.step
            ),
        )
        store = self.options.snapshots
        if store is not None and self.batch == 0 and status != "diverged":
            latest = store.latest()
            if latest is None or latest.epoch != self.epoch:  # stopped between two kept epochs
                store.add(self.snapshot())
        started = time.perf_counter()
        try:
            if self.options.checkpoint_dir is not None and status != "diverged":
                self.save_checkpoint(self.options.checkpoint_dir)  # before any best-weights restore
            summary = self._summarise(
                status,
                message,
                self._samples_seen - self._run_samples_from,
                self._run_seconds + time.perf_counter() - started,
            )
        finally:
            self._end()
        self.status = status
        self._emit(summary)
        return summary

    @property
    def threads(self) -> int | None:
        """The torch threads this trainer trains with (None: as the process has them)."""
        wanted = self.options.num_threads
        if wanted == "auto":
            return threads_for(self.model)
        return int(wanted) if wanted else None

    def _end(self) -> None:
        """The run begun is over (finished, or failed with an exception): threads as they were."""
        self._begun = False
        if self.options.num_threads and self._previous_threads is not None:
            torch.set_num_threads(self._previous_threads)

    def _train_epoch(self, stop: int) -> Outcome | None:
        """Run the current epoch's batches up to (not including) batch `stop`; (status, message)
        if the run ends.

        The loop body is what a hand-written PyTorch loop does plus one `.item()` (the finiteness
        check) and a few local-variable operations; everything optional sits behind a branch.
        """
        model, optimizer, control, controller = self.model, self.optimizer, self.control, self.lr_controller
        loss_fn = self.loss.loss if self.loss.passthrough else self.loss
        distill = self.distillation  # None without distillation: the hot loop calls loss_fn
        probe = self._probe
        x, y = self.x_train, self.y_train
        augment, epoch_number = self._augment, self.epoch + 1
        n, batch_size, batches = self.train_samples, self.batch_size, self.batches_per_epoch
        l1 = float(self.training.l1)
        l1_weights = self._weights
        clipping = self.training.gradient_clipping
        clip_params = [p for p in model.parameters() if p.requires_grad] if clipping else []
        observer = self.observer
        step_every = max(1, int(self.options.step_every))
        rate_limit = self.options.max_step_events_per_second
        min_interval = 1.0 / rate_limit if rate_limit else 0.0

        full_batch = batches == 1 and batch_size == n
        if self.batch == 0:
            self._perm_state = self._generator.get_state()
            self._epoch_loss_sum, self._epoch_samples = 0.0, 0
            self._epoch_seconds, self._epoch_rate_samples = 0.0, 0
            perm = None if full_batch else torch.randperm(n, generator=self._generator).to(self.device)
            self._perm = perm
        elif self._perm is not None:  # continuing this epoch after a few steps
            perm = self._perm
        else:  # resumed in the middle of an epoch: replay the same permutation
            if self._perm_state is None:
                raise RuntimeError("resumed inside an epoch without the state of its permutation")
            self._generator.set_state(self._perm_state)
            perm = None if full_batch else torch.randperm(n, generator=self._generator).to(self.device)
            self._perm = perm
        if self._snapshot is None or time.perf_counter() >= self._next_snapshot:
            # finite weights to fall back on if a step makes them NaN (copied at most once a second)
            self._snapshot = [p.detach().clone() for p in model.parameters()]
            self._snapshot_epoch = self.epoch + 1
            self._next_snapshot = time.perf_counter() + 1.0
        per_step_lr = controller.per_step
        probe_this_epoch = probe is not None and (
            self.epoch + 1 >= self.epochs or time.perf_counter() >= self._next_diagnostics
        )
        self._diagnostics = None
        mid_epoch = probe is not None and self.options.diagnostics_within_epochs
        lr = controller.current_lr()
        skipped = 0  # optimizer steps the LR controller has not been told about yet
        loss_sum, samples, step = self._epoch_loss_sum, self._epoch_samples, self.step
        first_loss = self._first_loss
        explode_at = math.inf if first_loss is None else EXPLOSION_FACTOR * max(first_loss, 1.0)
        epoch_started = time.perf_counter()
        samples_at_start = samples
        outcome: Outcome | None = None
        index = self.batch
        try:
            for index in range(self.batch, stop):
                if control._attention:  # noqa: SLF001 - the hot loop's one-attribute fast path
                    if not control.at_step_boundary(self._on_pause):
                        outcome = (
                            "stopped",
                            _("Stopped by the user at epoch {epoch}, step {step}.").format(
                                epoch=self.epoch + 1, step=step
                            ),
                        )
                        break
                    new_lr = control.take_lr()
                    if new_lr is not None:
                        controller.skip(skipped)
                        skipped = 0
                        controller.set_lr(new_lr)
                        per_step_lr, lr = controller.per_step, controller.current_lr()
                        message = _("learning rate set to {lr}").format(lr=f"{new_lr:g}")
                        self._emit(StateEvent("lr", self.epoch + 1, step, message))
                if full_batch:
                    xb, yb = x, y
                else:
                    if perm is None:  # only a full batch goes without a permutation
                        raise RuntimeError("no batch order for this epoch")
                    idx = perm[index * batch_size : (index + 1) * batch_size]
                    xb, yb = x[idx], y[idx]
                if augment is not None:  # new tensors: the training split itself stays as it is
                    xb = augment(xb, epoch_number, index)
                diagnose = probe_this_epoch and index == batches - 1
                if mid_epoch and not diagnose and time.perf_counter() >= self._next_diagnostics:
                    diagnose = True  # a long epoch: the live view gets its diagnostics mid-way too
                if diagnose and probe is not None:  # diagnose implies a probe
                    probe.attach()
                optimizer.zero_grad(set_to_none=True)
                if distill is None:
                    loss = loss_fn(model(xb), yb)
                else:  # the teacher's soft targets for these samples (all of them in a full batch)
                    loss = distill(model(xb), yb, None if full_batch else idx, xb)
                objective = loss + l1 * sum(w.abs().sum() for w in l1_weights) if l1 else loss
                value = objective.item()
                if not value <= explode_at:  # NaN, inf, or exploded
                    if diagnose and probe is not None:
                        probe.detach()
                    current = lr if not per_step_lr else controller.current_lr()
                    outcome = self._diverged(step, current, value)
                    break
                if first_loss is None:
                    first_loss = self._first_loss = value
                    explode_at = EXPLOSION_FACTOR * max(value, 1.0)
                objective.backward()
                if diagnose and probe is not None:
                    probe.after_backward()
                if clipping is not None:
                    if clipping.mode == "norm":
                        torch.nn.utils.clip_grad_norm_(clip_params, clipping.max_value)
                    else:
                        torch.nn.utils.clip_grad_value_(clip_params, clipping.max_value)
                if per_step_lr:
                    lr = controller.before_step()
                    optimizer.step()
                    controller.after_step()
                else:
                    optimizer.step()
                    skipped += 1
                if diagnose and probe is not None:
                    self._diagnostics = probe.after_step()
                    rate = self.options.diagnostics_per_second
                    self._next_diagnostics = time.perf_counter() + (1.0 / rate if rate else 0.0)
                size = yb.shape[0]
                batch_loss = loss.item() if l1 else value
                loss_sum += batch_loss * size
                samples += size
                step += 1
                if observer is not None and step % step_every == 0:
                    now = time.perf_counter()
                    if now >= self._next_step_event:
                        self._next_step_event = now + min_interval
                        seconds = now - epoch_started
                        rate = (samples - samples_at_start) / seconds if seconds > 0 else 0.0
                        self.step = step
                        observer(StepEvent(self.epoch + 1, step, index + 1, batches, batch_loss, lr, rate))
            else:
                index = stop
        finally:
            controller.skip(skipped)
            self._samples_seen += samples - samples_at_start
            self._epoch_loss_sum, self._epoch_samples, self.step = loss_sum, samples, step
            self.batch = index if outcome is not None else stop
            self._last_lr = lr
        self._epoch_seconds += time.perf_counter() - epoch_started
        self._epoch_rate_samples += samples - samples_at_start
        return outcome

    def _diverged(self, step: int, lr: float, loss: float) -> Outcome:
        self.divergence = "exploded" if math.isfinite(loss) else "nonfinite"
        message = divergence_message(self.epoch + 1, step + 1, lr, loss, self._first_loss)
        return "diverged", _sentences(message, self._restore_finite_weights())

    def _weights_diverged(self) -> Outcome:
        self.divergence = "weights"
        message = _(
            "The weights became NaN/inf in step {step} (epoch {epoch}): the learning rate ({lr}) or another "
            "optimizer setting is probably too large; lower it or turn on gradient clipping."
        ).format(step=self.step, epoch=self.epoch + 1, lr=f"{self._last_lr:g}")
        return "diverged", _sentences(message, self._restore_finite_weights())

    def _restore_finite_weights(self) -> str:
        """Put back the last finite weights, if the current ones are not; says what happened."""
        if not self._weights_finite() and self._snapshot is not None:
            with torch.no_grad():
                for parameter, saved in zip(self.model.parameters(), self._snapshot):
                    parameter.copy_(saved)
            return _("The weights were reset to the start of epoch {epoch}, the last finite ones.").format(
                epoch=self._snapshot_epoch
            )
        return _("The last finite weights are kept.")

    def _finish_epoch(self) -> EpochEvent:
        """Validation, schedule, monitors, event, checkpoint: once per epoch."""
        finish_started = time.perf_counter()
        epoch = self.epoch + 1
        train_loss = self._epoch_loss_sum / max(1, self._epoch_samples)
        val = self._evaluate_split(self.x_val, self.y_val)
        event = EpochEvent(epoch=epoch, step=self.step, train_loss=train_loss, lr=self._last_lr)
        if val is not None:
            event.val_loss, event.val_accuracy, event.val_mae, event.val_r2 = val.loss, val.accuracy, val.mae, val.r2
        plateau_metric = None
        if self.lr_controller.is_plateau and val is not None:
            mode = self.training.scheduler.params.get("mode", "min") if self.training.scheduler else "min"
            if mode == "max":
                plateau_metric = val.accuracy if val.accuracy is not None else val.r2
            else:
                plateau_metric = val.loss
        self.lr_controller.end_epoch(plateau_metric)
        if self.keep_best is not None:
            if self.keep_best.update(self._monitor_value(self.keep_best.monitor, event), epoch):
                event.improved = True
                self._best_state = self._state_copy()
        if self.early_stopping is not None:
            improved = self.early_stopping.update(self._monitor_value(self.early_stopping.monitor, event), epoch)
            event.improved = event.improved or improved
        event.seconds = self._epoch_seconds + (time.perf_counter() - finish_started)
        event.samples_per_second = self._epoch_rate_samples / self._epoch_seconds if self._epoch_seconds > 0 else 0.0
        if self._probe is not None:
            event.diagnostics = self._diagnostics
        if self.options.snapshot_weights:
            event.weights = {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}
        self.history.append(event.metrics())
        self.epoch, self.batch, self._perm = epoch, 0, None
        self.last_epoch_event = event
        store = self.options.snapshots
        if store is not None and store.wants(epoch, last=epoch >= self.epochs):
            store.add(self.snapshot())  # before the event: an observer finds the epoch kept
        self._emit(event)
        every = max(1, int(self.options.checkpoint_every))
        if self.options.checkpoint_dir is not None and epoch % every == 0 and epoch < self.epochs:
            self.save_checkpoint(self.options.checkpoint_dir)
        self.control.at_epoch_end()
        return event

    def _evaluate_split(
        self, x: torch.Tensor | None, y: torch.Tensor | None, with_confusion: bool = False
    ) -> SplitMetrics | None:
        if x is None or y is None or x.shape[0] == 0:
            return None
        return evaluate(self.model, self.loss, x, y, self.device, with_confusion=with_confusion)

    def _summarise(self, status: Status, message: str, samples: int, seconds: float) -> Summary:
        restored = False
        best_epoch = self.keep_best.best_epoch if self.keep_best is not None else None
        keep = self.training.keep_best
        if keep is not None and keep.restore and self._best_state is not None and best_epoch != self.epoch:
            self.model.load_state_dict(self._best_state)
            restored = True
            restored_text = _("Restored the best weights (epoch {epoch}, {monitor}).").format(
                epoch=best_epoch, monitor=keep.monitor
            )
            message = _sentences(message, restored_text)
        summary = Summary(
            status=status,
            message=message,
            epochs=self.epoch,
            steps=self.step,
            task=self.task,
            seconds=seconds,
            samples_per_second=samples / seconds if seconds > 0 else 0.0,
            best_epoch=best_epoch,
            restored_best=restored,
            history=list(self.history),
        )
        if self.history:
            row = self.history[best_epoch - 1] if restored and best_epoch else self.history[-1]
            summary.train_loss = row.get("train_loss")
        elif self._epoch_samples:
            summary.train_loss = self._epoch_loss_sum / self._epoch_samples
        weights_ok = self._weights_finite()
        want_confusion = self.options.confusion_matrix and self.task == "classification"
        if weights_ok:
            has_test = self.x_test is not None and self.x_test.shape[0] > 0
            val = self._evaluate_split(self.x_val, self.y_val, with_confusion=want_confusion and not has_test)
            test = self._evaluate_split(self.x_test, self.y_test, with_confusion=want_confusion)
            if val is not None:
                summary.val_loss, summary.val_accuracy = val.loss, val.accuracy
                summary.val_mae, summary.val_r2 = val.mae, val.r2
                summary.confusion_matrix = val.confusion
            if test is not None:
                summary.test_loss, summary.test_accuracy = test.loss, test.accuracy
                summary.test_mae, summary.test_r2 = test.mae, test.r2
                if test.confusion is not None:
                    summary.confusion_matrix = test.confusion
        for name in FINAL_METRICS:
            setattr(summary, name, finite_or_none(getattr(summary, name)))
        return summary

    # ---- checkpoints ---------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly where the run is (between two steps)."""
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "lr": self.lr_controller.state_dict(),
            "rng": {
                "torch": torch.get_rng_state() if self._running else self._rng_state,
                "cuda": list(torch.cuda.get_rng_state_all()) if self.device.type == "cuda" else None,
                "generator": self._generator.get_state(),
                "epoch_start": self._perm_state if self.batch else None,
            },
            "loop": {
                "epoch": self.epoch,
                "batch": self.batch,
                "step": self.step,
                "loss_sum": self._epoch_loss_sum,
                "samples": self._epoch_samples,
                "elapsed": self._elapsed,
                "samples_seen": self._samples_seen,
                "first_loss": self._first_loss,
            },
            "history": self.history,
            "keep_best": {"tracker": self.keep_best.state_dict(), "state": self._best_state}
            if self.keep_best is not None
            else None,
            "early_stopping": self.early_stopping.state_dict() if self.early_stopping is not None else None,
        }

    def save_checkpoint(self, directory: str | os.PathLike[str]) -> Path:
        """Write a checkpoint (safetensors + JSON) of the current position into `directory`."""
        meta = {"epoch": self.epoch, "step": self.step, "epochs": self.epochs, "seed": self.training.seed}
        return save_checkpoint(directory, self.experiment, self.state_dict(), meta)

    def load_checkpoint(self, directory: str | os.PathLike[str]) -> None:
        """Continue from a checkpoint of the same graph. All of it is checked (structure, graph,
        every tensor against this model and optimizer, the loop position against this run) before
        anything is assigned, so a checkpoint that does not fit leaves the trainer as it was."""
        manifest, state = read_checkpoint(directory)
        try:
            check_compatible(manifest, self.experiment)
            resume = check_state(state, self._state_reference())
        except CheckpointError as exc:
            raise CheckpointError(f"{Path(directory) / MANIFEST}: {exc}") from None
        self._apply_resume(resume)

    def _state_reference(self) -> StateReference:
        """What a checkpoint must fit: this model, optimizer, schedule and loop."""
        cuda = list(torch.cuda.get_rng_state_all()) if self.device.type == "cuda" else None
        return state_reference(
            self.training,
            self.model,
            self.optimizer,
            epochs=self.epochs,
            batches_per_epoch=self.batches_per_epoch,
            batch_size=self.batch_size,
            train_samples=self.train_samples,
            cuda_rng=cuda,
        )

    def _apply_resume(self, resume: ResumeState) -> None:
        """Assign a checked state (nothing here can refuse it any more)."""
        self._snapshot = None
        self.model.load_state_dict(resume.model)
        self.optimizer.load_state_dict(resume.optimizer)
        self.lr_controller.load_state_dict(resume.lr)
        self._rng_state = resume.torch_rng
        if resume.cuda_rng is not None:
            self._cuda_rng_state = resume.cuda_rng
        self._generator.set_state(resume.generator)
        self._perm_state, self._perm = resume.epoch_start, None
        self.epoch, self.batch, self.step = resume.epoch, resume.batch, resume.step
        self._epoch_loss_sum, self._epoch_samples = resume.loss_sum, resume.samples
        self._elapsed, self._samples_seen = resume.elapsed, resume.samples_seen
        self._first_loss = resume.first_loss
        self.history = resume.history
        fresh = {"best": None, "best_epoch": None, "waited": 0}  # for a checkpoint without a tracker
        if self.keep_best is not None:
            self.keep_best.load_state_dict(resume.keep_best or fresh)
            best = resume.best_state if resume.keep_best is not None else None
            self._best_state = {k: v.to(self.device) for k, v in best.items()} if best else None
        if self.early_stopping is not None:
            self.early_stopping.load_state_dict(resume.early_stopping or fresh)
        self._sync_lr_from_history()

    def _sync_lr_from_history(self) -> None:
        if self.history:
            last = self.history[-1].get("lr")
            if last is not None:
                self._last_lr = float(last)

    # ---- the time machine: snapshots and forks --------------------------------------------------
    def snapshot(self) -> WeightSnapshot:
        """A frozen copy of the run's whole state (weights, optimizer, schedule, RNG, loop), as
        plain data. Call it when the trainer is between two `train_steps` calls or from an epoch
        end (the engine's own snapshots); not from a step event inside the hot loop."""
        meta = self._snapshot_meta
        if meta is None:
            meta = self._snapshot_meta = {
                "training": self.training.model_dump(mode="json"),
                "data": _data_signature(self.experiment),
                "graph": json.loads(json.dumps(graph_signature(self.experiment.model))),
                "epochs": self.epochs,
                "batches_per_epoch": self.batches_per_epoch,
            }
        return WeightSnapshot.from_state(self.state_dict(), **meta)

    def fork_from(
        self, snapshot: WeightSnapshot, history: Sequence[Mapping[str, float | None]] | None = None
    ) -> ForkResult:
        """Start this (not yet begun) trainer from `snapshot`, taken from a run of the same graph
        and data whose training settings may differ from this trainer's.

        The weights, the RNG states and the loop position are the snapshot's, so the next epochs
        see the batches the original run saw. The optimizer's state is kept when its kind is
        unchanged (its param groups then take this experiment's settings: a new LR or weight
        decay), else it starts fresh; the LR controller's state is kept when the optimizer's
        settings, the schedule and the run's length are unchanged, else this experiment's schedule
        is replayed to the snapshot's step. Unchanged settings continue the original run bit for
        bit (on CPU). `history`: the run's epoch rows, for a lean snapshot. SnapshotError when the
        snapshot does not fit; the trainer is then unchanged.
        """
        if self._begun:
            raise RuntimeError("fork_from() needs a trainer that has not begun")
        graph = json.loads(json.dumps(graph_signature(self.experiment.model)))
        if snapshot.graph != graph:
            detail = "; ".join(graph_differences(snapshot.graph, graph)[:8]) or _("the graphs differ")
            raise SnapshotError(
                _(
                    "the snapshot was taken from a different model graph ({detail}); fork from the run's own graph"
                ).format(detail=detail)
            )
        if snapshot.data != _data_signature(self.experiment):
            raise SnapshotError(_("the snapshot was trained on other data; a fork continues on the same data"))
        state = snapshot.state(history)
        try:
            old = TrainingSpec.model_validate(snapshot.training)
        except ValidationError:
            raise SnapshotError(_("the snapshot does not say which training settings made it")) from None
        new = self.training
        same_kind = old.optimizer.type == new.optimizer.type
        same_optimizer = same_kind and _optimizer_settings(old) == _optimizer_settings(new)
        keep_schedule = (
            same_optimizer
            and _schedule_settings(old.scheduler) == _schedule_settings(new.scheduler)
            and snapshot.epochs == self.epochs
            and snapshot.batches_per_epoch == self.batches_per_epoch
        )
        fresh = copy.deepcopy(self.optimizer.state_dict())  # the new optimizer as it starts (Adagrad has a state)
        if not keep_schedule:
            state["lr"], group = self._positioned_schedule(snapshot, state["history"])
            state["optimizer"]["param_groups"] = [
                {**group, "params": list(real["params"])} for real in fresh["param_groups"]
            ]
        if not same_kind:
            state["optimizer"]["state"] = fresh["state"]
        for name in ("keep_best", "early_stopping"):
            before, after = getattr(old, name), getattr(new, name)
            if before is None or after is None or before.monitor != after.monitor:
                state[name] = None  # another metric's best is no best of this one: a fresh tracker
        reference = self._state_reference()
        kept: Literal["kept", "fresh"] = "kept" if same_kind else "fresh"
        try:
            try:
                resume = check_state(state, reference)
            except CheckpointError:
                if kept != "kept" or keep_schedule:
                    raise
                # the same optimizer with other flags (amsgrad, momentum on): its moments do not fit
                state["optimizer"]["state"] = fresh["state"]
                kept = "fresh"
                resume = check_state(state, reference)
        except CheckpointError as exc:
            raise SnapshotError(
                _("the snapshot of epoch {epoch} does not fit this experiment: {problem}").format(
                    epoch=snapshot.epoch, problem=exc
                )
            ) from None
        self._apply_resume(resume)
        return ForkResult(snapshot.epoch, snapshot.step, kept, "kept" if keep_schedule else "positioned")

    def _positioned_schedule(
        self, snapshot: WeightSnapshot, rows: Sequence[Mapping[str, float | None]]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """This experiment's LR controller state and param group, as they would be after the
        snapshot's steps: replayed on a stand-in parameter, epoch by epoch as the engine steps it
        (a plateau schedule sees the run's validation metrics)."""
        parameter = torch.nn.Parameter(torch.zeros(1))
        optimizer = build_optimizer(self.training.optimizer.type, self.training.optimizer.params, [parameter])
        controller = LRController(optimizer, self.training.scheduler, self.batches_per_epoch, self.epochs)
        per_step = controller.interval == "step" and not controller.is_plateau
        spec = self.training.scheduler
        maximise = spec is not None and spec.params.get("mode", "min") == "max"
        batches = snapshot.batches_per_epoch
        with warnings.catch_warnings():
            # nothing trains here, which torch's schedulers warn about
            warnings.filterwarnings("ignore", message=r".*lr_scheduler\.step\(\).*optimizer\.step\(\).*")
            for epoch in range(snapshot.epoch):
                if per_step:
                    for _step in range(batches):
                        controller.before_step()
                        controller.after_step()
                else:
                    controller.skip(batches)
                row = rows[epoch] if epoch < len(rows) else {}
                metric = None
                if controller.is_plateau and row.get("val_loss") is not None:
                    if maximise:
                        metric = row.get("val_accuracy") if row.get("val_accuracy") is not None else row.get("val_r2")
                    else:
                        metric = row.get("val_loss")
                controller.end_epoch(metric)
        controller.step_count = snapshot.step  # what the run counted (an earlier resume may have had other batches)
        group = {key: value for key, value in optimizer.state_dict()["param_groups"][0].items() if key != "params"}
        return controller.state_dict(), group

    # ---- conveniences for the GUI --------------------------------------------------------------
    def weights(self) -> dict[str, np.ndarray]:
        """A numpy copy of the model's weights (call from the training thread or when idle)."""
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    def evaluate(self, split: str = "val", with_confusion: bool = False) -> SplitMetrics | None:
        """Metrics of the current weights on "train", "val" or "test"."""
        x, y = {
            "train": (self.x_train, self.y_train),
            "val": (self.x_val, self.y_val),
            "test": (self.x_test, self.y_test),
        }[split]
        return self._evaluate_split(x, y, with_confusion=with_confusion)

    @property
    def diagnostics(self) -> Diagnostics | None:
        """The latest diagnostics of the current epoch (None when it has none yet, or skipped them)."""
        return self._diagnostics


def _data_signature(experiment: Experiment) -> dict[str, Any]:
    """The data section a snapshot records: without an unset augmentation, so snapshots saved
    before augmentation existed still fit a run without it."""
    data = experiment.data.model_dump(mode="json")
    if data.get("augmentation") is None:
        data.pop("augmentation", None)
    return data


def _optimizer_settings(training: TrainingSpec) -> dict[str, Any]:
    """The optimizer's constructor arguments, defaults filled in (so {} equals the defaults)."""
    return {"type": training.optimizer.type, **optimizer_kwargs(training.optimizer.type, training.optimizer.params)}


def _schedule_settings(spec: SchedulerSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    declared = SCHEDULERS.get(spec.type)
    params = resolved(declared.params, spec.params) if declared is not None else dict(spec.params)
    return {"type": spec.type, "interval": spec.interval, "warmup_steps": spec.warmup_steps, "params": params}
