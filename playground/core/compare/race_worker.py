"""One worker's share of a race: build its contenders and train them in lock-step turns.

A race's (contender, seed) runs are split into shares, one per worker (`Race.run`). A share is a
typed request, `RaceShare`, that the training worker runs like any other job: this module
registers it in `playground.core.runs.worker.JOBS` when it is imported, which unpickling the
request does in the worker. The same `ShareRunner` also runs in the calling thread (the headless
race: one share, no worker).

In the share:

- **Same initial weights.** For each seed the base experiment's model is built right after
  ``torch.manual_seed(seed)``; each contender's model is built the same way and then receives
  every tensor of the base state_dict whose name and shape match.
- **Same batches.** Every contender trains on the one loaded dataset with the same training seed,
  so the engine's seeded permutation gives identical batches.
- **Lock-step turns.** The share's trainers take turns in this one thread, each a few steps or
  epochs at a time through the steppable engine (`Trainer.train_steps`), which keeps each run's
  RNG aside between its turns: curves grow together, and every contender's numbers are exactly
  those of a solo run with the same weights.
- **Stop.** Each trainer reads its own `TrainingControl` over the worker's shared numbers, so a
  stop asked of the worker ends every contender at its next step boundary.

What the share reports (`SharePrepared`, `ShareEvents`, `ShareFinished`, `ShareFailed`) is plain
data that pickles; the race's events inside are the dataclasses of `playground.core.compare.race`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from playground.core.compare.race import (
    AUTO_EPOCH_LIMIT,
    AUTO_TURN_STEPS,
    MIN_TURN_SECONDS,
    Contender,
    ContenderBoundary,
    ContenderEpoch,
    ContenderFinished,
    ContenderSteps,
    RaceOptions,
    RaceStarted,
    base_copy,
)
from playground.core.data import load_dataset
from playground.core.experiment.schema import Experiment
from playground.core.graph import build_model
from playground.core.i18n import _, language, set_language
from playground.core.runs.session import describe_failure
from playground.core.runs.worker import JOBS
from playground.core.training.control import TrainingControl
from playground.core.training.engine import Trainer, TrainerOptions
from playground.core.training.events import EpochEvent, Summary
from playground.core.training.metrics import predict
from playground.core.training.schedules import steps_per_epoch

log = logging.getLogger(__name__)

POINTS_SHOWN = 400  # training points sent for the boundary thumbnails


# ---- the request and its records ---------------------------------------------------------------
@dataclass
class RaceShare:
    """A worker's part of a race: the runs (slots: repeat × contenders + contender) it trains."""

    experiment: Experiment  # the race's base experiment (its model gives the shared initial weights)
    contenders: list[Contender]
    seeds: list[int]
    slots: list[int]
    options: RaceOptions
    num_threads: int | None = None  # torch threads while this share trains; None leaves them
    dataset: Any = None  # a dataset the caller built; None: loaded from the experiment's data
    # the language of the share's messages: a worker process has its own copy of the core's language
    language: str = field(default_factory=language)


@dataclass
class SharePrepared:
    """The share's contenders are built: the race's set-up as this share sees it (shared_weights
    are filled in for the contenders it trains, (0, 0) for the others)."""

    run: int
    started: RaceStarted


@dataclass
class ShareEvents:
    """The race events of one turn, in order."""

    run: int
    events: list[Any]


@dataclass
class SlotResult:
    slot: int
    samples: int = 0
    initial_weights: dict[str, np.ndarray] | None = None
    final_weights: dict[str, np.ndarray] | None = None


@dataclass
class ShareFinished:
    run: int
    results: list[SlotResult] = field(default_factory=list)


@dataclass
class ShareFailed:
    """The share could not run at all (its data did not load, ...): every run it had is failed."""

    run: int
    message: str


# ---- building the contenders ---------------------------------------------------------------------
def contender_models(
    experiment: Experiment,
    contenders: Sequence[Contender],
    seed: int,
    info: Any,
    wanted: Sequence[int] | None = None,
) -> tuple[dict[int, torch.nn.Module | Exception], dict[int, tuple[int, int]]]:
    """The models of the `wanted` contenders (all by default) for one seed, each starting from the
    base model's weights (every tensor whose name and shape match; none when the contender's
    initialisation differs, as that is what it compares), and per contender the
    (tensors copied, tensors in all). A contender that cannot be built gets its error; an error
    building the base model is raised."""
    torch.manual_seed(seed)
    base_state = build_model(experiment, info).state_dict()
    models: dict[int, torch.nn.Module | Exception] = {}
    shared: dict[int, tuple[int, int]] = {}
    for index in range(len(contenders)) if wanted is None else wanted:
        torch.manual_seed(seed)
        try:
            model = build_model(contenders[index].experiment, info)
        except Exception as exc:  # noqa: BLE001 - reported as this contender's failure
            models[index] = exc
            continue
        own = model.state_dict()
        if contenders[index].experiment.model.init != experiment.model.init:
            shared[index] = (0, len(own))  # the initialisation is what this contender changes
            models[index] = model
            continue
        matching = {key: value for key, value in base_state.items() if key in own and own[key].shape == value.shape}
        model.load_state_dict(matching, strict=False)
        shared[index] = (len(matching), len(own))
        models[index] = model
    return models, shared


def grid_output(trainer: Trainer, grid: torch.Tensor) -> tuple[np.ndarray, str]:
    """The model's answer on the grid points: P(class 1) for two classes, else the class, or the value."""
    outputs = predict(trainer.model, grid, trainer.device).detach().float().cpu()
    if trainer.task == "classification":
        if outputs.dim() == 1 or outputs.shape[-1] == 1:
            return torch.sigmoid(outputs.reshape(-1)).numpy().astype(np.float32), "probability"
        if outputs.shape[-1] == 2:
            return torch.softmax(outputs, dim=-1)[:, 1].numpy().astype(np.float32), "probability"
        return outputs.argmax(dim=-1).numpy().astype(np.float32), "class"
    return outputs.reshape(outputs.shape[0], -1)[:, 0].numpy().astype(np.float32), "value"


def weights_of(model: torch.nn.Module) -> dict[str, np.ndarray]:
    return {key: value.detach().cpu().numpy().copy() for key, value in model.state_dict().items()}


# ---- the share ---------------------------------------------------------------------------------
class _Lane:
    """One (contender, seed) run of the share: its trainer and what it has not reported yet."""

    def __init__(self, slot: int, contender: int, repeat: int) -> None:
        self.slot, self.contender, self.repeat = slot, contender, repeat
        self.trainer: Trainer | None = None
        self.failure: str | None = None
        self.begun = False
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.lrs: list[float] = []
        self.last_boundary = 0.0
        self.result = SlotResult(slot)


class ShareRunner:
    """Trains one `RaceShare` and sends its records through `send`; `run()` never raises."""

    def __init__(
        self,
        run_id: int,
        share: RaceShare,
        control: TrainingControl,
        send: Callable[[object], None],
        process: str = "thread",
    ) -> None:
        self.run_id = run_id
        self.share = share
        self.control = control
        self.send = send
        self.process = process
        self.turn_epochs: int | None = share.options.turn_epochs  # fixed by the first epoch when None
        self._events: list[Any] = []
        self._grid: torch.Tensor | None = None
        self._extent: tuple[float, float] | None = None

    def run(self) -> None:
        threads = self.share.num_threads
        previous = torch.get_num_threads()
        try:
            if self.process == "process":  # the window's language (a thread has it already: see RunSession)
                set_language(self.share.language)
            if threads:
                torch.set_num_threads(int(threads))
            self._run()
        except Exception as exc:  # noqa: BLE001 - everything (MemoryError too) is reported, never lost
            log.debug("race share failed", exc_info=True)
            self.send(ShareFailed(self.run_id, describe_failure(exc)))
        finally:
            if threads:
                torch.set_num_threads(previous)

    # ---- set-up ------------------------------------------------------------------------------
    def _run(self) -> None:
        share, options = self.share, self.share.options
        dataset = share.dataset
        if dataset is None:
            dataset = load_dataset(share.experiment.data, base_dir=options.base_dir)
        info = dataset.info
        epochs = int(options.epochs or share.experiment.training.epochs)
        train_samples = int(dataset.x_train.shape[0])
        batch_size = share.experiment.training.batch_size
        per_epoch = steps_per_epoch(
            train_samples, batch_size if batch_size == "full" else min(int(batch_size), max(1, train_samples))
        )
        self.turn_steps = max(
            1, int(options.turn_steps or (per_epoch if per_epoch <= AUTO_EPOCH_LIMIT else AUTO_TURN_STEPS))
        )
        if options.boundary_resolution > 0 and dataset.point_features is not None:
            low, high = dataset.point_range()
            self._extent = (float(low), float(high))
            axis = np.linspace(low, high, int(options.boundary_resolution))
            gx, gy = np.meshgrid(axis, axis)
            self._grid = dataset.features_for_points(np.column_stack([gx.ravel(), gy.ravel()]))

        count = len(share.contenders)
        lanes = [_Lane(slot, slot % count, slot // count) for slot in share.slots]
        shared = [(0, 0)] * count
        trainer_options = TrainerOptions(step_every=1, max_step_events_per_second=0.0, diagnostics=False)
        for repeat in sorted({lane.repeat for lane in lanes}):
            if self.control.stop_requested:
                break
            seed = share.seeds[repeat]
            mine = [lane for lane in lanes if lane.repeat == repeat]
            try:
                models, counts = contender_models(
                    share.experiment, share.contenders, seed, info, [lane.contender for lane in mine]
                )
            except Exception as exc:  # noqa: BLE001 - the base model itself cannot be built
                models, counts = {lane.contender: exc for lane in mine}, {}
            for index, pair in counts.items():
                shared[index] = pair
            for lane in mine:
                model = models[lane.contender]
                if isinstance(model, Exception):
                    lane.failure = str(model)
                    continue
                if options.keep_initial_weights:
                    lane.result.initial_weights = weights_of(model)
                experiment = base_copy(share.contenders[lane.contender].experiment)
                experiment.training.seed = seed
                try:
                    lane.trainer = Trainer(
                        experiment,
                        model=model,
                        dataset=dataset,
                        options=trainer_options,
                        epochs=epochs,
                        base_dir=options.base_dir,
                        control=TrainingControl(self.control.state, reset=False),
                    )
                except Exception as exc:  # noqa: BLE001
                    lane.failure = str(exc)
                    continue
                lane.trainer.observer = self._observer(lane)

        points = labels = None
        if self._extent is not None and dataset.points_train is not None:
            points = np.asarray(dataset.points_train[:POINTS_SHOWN], dtype=np.float32)
            labels = dataset.y_train[:POINTS_SHOWN].cpu().numpy()
        self.send(
            SharePrepared(
                self.run_id,
                RaceStarted(
                    [c.label for c in share.contenders],
                    len(share.seeds),
                    list(share.seeds),
                    epochs,
                    per_epoch,
                    info.task,
                    getattr(info, "num_classes", None),
                    shared,
                    points,
                    labels,
                    self._extent,
                ),
            )
        )

        for lane in lanes:
            if lane.failure is not None:
                self._events.append(ContenderFinished(lane.contender, lane.repeat, "error", lane.failure, {}))
            elif lane.trainer is None:  # never built: stopped during set-up
                self._events.append(
                    ContenderFinished(lane.contender, lane.repeat, "stopped", _("Stopped before it started."), {})
                )
        self._send_events()
        self._race([lane for lane in lanes if lane.trainer is not None])
        self.send(ShareFinished(self.run_id, [lane.result for lane in lanes]))

    # ---- the turns ---------------------------------------------------------------------------
    def _race(self, lanes: list[_Lane]) -> None:
        active = list(lanes)
        while active:
            for lane in list(active):
                outcome: tuple[str, str] | str | None
                try:
                    outcome = self._turn(lane)
                    if outcome is not None:
                        self._finish(lane)
                except Exception as exc:  # noqa: BLE001 - reported as this contender's failure
                    log.debug("race contender failed", exc_info=True)
                    self._flush_steps(lane)
                    self._events.append(
                        ContenderFinished(lane.contender, lane.repeat, "error", f"{type(exc).__name__}: {exc}", {})
                    )
                    lane.trainer = None
                    outcome = "error"
                if outcome is not None:
                    active.remove(lane)
                self._send_events()

    def _turn(self, lane: _Lane) -> tuple[str, str] | None:
        """Train one turn: `turn_steps` steps when epochs are long, else `turn_epochs` epochs
        (the last turn ends with the run). Returns the outcome once the run is over."""
        trainer = lane.trainer
        assert trainer is not None  # only lanes with a trainer take turns
        if not lane.begun:
            trainer.begin()
            lane.begun = True
        in_turn = 0
        while True:
            remaining = trainer.batches_per_epoch - trainer.batch
            steps = min(self.turn_steps - in_turn, remaining)
            epoch = trainer.epoch
            outcome = trainer.train_steps(steps)
            if outcome is not None:
                return outcome
            if trainer.epoch == epoch:  # the turn's steps ended inside an epoch
                self._flush_steps(lane)
                return None
            in_turn = 0  # step-sized turns only cut long epochs
            if trainer.epoch % (self.turn_epochs or 1) == 0:
                self._flush_steps(lane)
                return None

    def _finish(self, lane: _Lane) -> None:
        trainer = lane.trainer
        assert trainer is not None
        summary = trainer.finish()
        self._flush_steps(lane)
        lane.result.samples = int(round(summary.samples_per_second * summary.seconds))
        if summary.status != "diverged":
            self._boundary(lane, trainer.epoch, force=True)
        if self.share.options.keep_final_weights:
            lane.result.final_weights = weights_of(trainer.model)
        self._events.append(
            ContenderFinished(lane.contender, lane.repeat, summary.status, summary.message, summary.as_dict())
        )
        lane.trainer = None

    def _observer(self, lane: _Lane) -> Callable[[Any], None]:
        add_step, add_loss, add_lr = lane.steps.append, lane.losses.append, lane.lrs.append

        def observe(event: Any) -> None:
            if event.kind == "step":  # the hot path: once per optimizer step
                add_step(event.step)
                add_loss(event.train_loss)
                add_lr(event.lr)
            elif isinstance(event, EpochEvent):
                self._flush_steps(lane)
                metrics = event.metrics()
                self._events.append(ContenderEpoch(lane.contender, lane.repeat, event.epoch, event.step, metrics))
                if (
                    lane.trainer is not None and event.epoch < lane.trainer.epochs
                ):  # the last one is drawn after the run (best weights restored)
                    self._boundary(lane, event.epoch, force=False)
                if self.turn_epochs is None:  # every contender of the share groups the same number of epochs
                    seconds = event.seconds if event.seconds > 0 else MIN_TURN_SECONDS
                    self.turn_epochs = max(1, min(50, int(MIN_TURN_SECONDS / seconds)))
            elif isinstance(event, Summary):
                self._flush_steps(lane)

        return observe

    def _flush_steps(self, lane: _Lane) -> None:
        if lane.steps:
            self._events.append(
                ContenderSteps(
                    lane.contender,
                    lane.repeat,
                    np.array(lane.steps, dtype=np.int64),
                    np.array(lane.losses, dtype=np.float64),
                    np.array(lane.lrs, dtype=np.float64),
                )
            )
            lane.steps.clear()
            lane.losses.clear()
            lane.lrs.clear()

    def _boundary(self, lane: _Lane, epoch: int, force: bool) -> None:
        if self._grid is None or self._extent is None or lane.trainer is None:
            return
        now = time.perf_counter()
        if not force and now - lane.last_boundary < self.share.options.boundary_interval:
            return
        lane.last_boundary = now
        try:
            values, mode = grid_output(lane.trainer, self._grid)
        except Exception:  # noqa: BLE001 - a thumbnail must never break a run
            return
        side = int(round(math.sqrt(values.size)))
        self._events.append(
            ContenderBoundary(lane.contender, lane.repeat, epoch, values.reshape(side, side), mode, self._extent)
        )

    def _send_events(self) -> None:
        if self._events:
            events, self._events = self._events, []
            self.send(ShareEvents(self.run_id, events))


# ---- the worker's job ----------------------------------------------------------------------------
def run_share(run_id: int, share: RaceShare, control: TrainingControl, send: Any, process: str) -> None:
    ShareRunner(run_id, share, control, send, process).run()


JOBS[RaceShare] = run_share
