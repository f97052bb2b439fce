"""A controlled race: train k variants of one experiment side by side, differing in one thing only.

Control, in three parts:

- **Same initial weights.** For every seed the base experiment's model is built once (right after
  ``torch.manual_seed(seed)``); each contender's model is built the same way and then receives
  every tensor of the base state_dict whose name and shape match (all of them when only
  activations, the optimizer or the schedule differ).
- **Same batches in the same order.** Every contender trains on one loaded dataset with the same
  training seed, so the engine's seeded permutation gives identical batches; the global RNG
  (dropout) starts from the same state too and is kept per contender across turns.
- **Lock-step.** Each contender runs the real engine (`Trainer.run`) in its own thread, but only
  one thread trains at a time: a baton goes round the contenders, and each passes it on after
  one epoch (or a few steps when epochs are long). Curves therefore grow together, the total
  speed equals running them one after another, and a contender's numbers are exactly those of a
  solo run with the same weights.

Events are plain data (numpy arrays, floats, dicts) for a GUI thread to plot.
"""

from __future__ import annotations

import math
import queue
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch

from playground.core.compare.activations import ACTIVATIONS
from playground.core.compare.optimizer_paths import OPTIMIZERS, experiment_optimizer
from playground.core.experiment.io import copy_experiment
from playground.core.experiment.schema import Experiment, SchedulerSpec
from playground.core.training.engine import Trainer, TrainerOptions
from playground.core.training.events import EpochEvent, Summary
from playground.core.training.metrics import predict
from playground.core.training.optimizers import optimizer_kwargs
from playground.core.training.schedules import steps_per_epoch

AUTO_EPOCH_LIMIT = 64  # epochs of at most this many steps are one turn; longer ones are cut ...
AUTO_TURN_STEPS = 32  # ... into turns of this many steps
MIN_TURN_SECONDS = 0.08  # very short epochs are grouped into turns of about this long (fewer switches)


# ---- contenders ------------------------------------------------------------------------------
@dataclass
class Contender:
    """One variant of the experiment: its label, the changed experiment, and what was changed."""

    label: str
    experiment: Experiment
    settings: dict[str, Any] = field(default_factory=dict)  # the varied setting(s), for tables


def _base_copy(experiment: Experiment) -> Experiment:
    copy = copy_experiment(experiment)
    if "comparison" in type(copy).model_fields:
        copy.comparison = None  # a contender needs no saved comparisons
    return copy


def activation_nodes(experiment: Experiment) -> list[str]:
    """Ids of the element-wise activation nodes a race swaps (Softmax outputs stay)."""
    return [node.id for node in experiment.model.nodes if node.type in ACTIVATIONS]


def activation_contenders(
    experiment: Experiment, activations: Sequence[str | tuple[str, Mapping[str, Any]]]
) -> list[Contender]:
    """One contender per activation, every activation node of the graph swapped to it."""
    ids = activation_nodes(experiment)
    if not ids:
        raise ValueError("the model has no activation layer to swap; add one (e.g. ReLU) after a Linear layer")
    contenders = []
    for entry in activations:
        name, params = (entry, {}) if isinstance(entry, str) else (entry[0], dict(entry[1]))
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}")
        variant = _base_copy(experiment)
        for node in variant.model.nodes:
            if node.id in ids:
                node.type = name
                node.params = dict(params)
        label = name if not params else f"{name} ({', '.join(f'{k}={v:g}' for k, v in params.items())})"
        contenders.append(Contender(label, variant, {"activation": label}))
    return contenders


def optimizer_contenders(
    experiment: Experiment, optimizers: Sequence[tuple[str, float]]
) -> list[Contender]:
    """One contender per (optimizer key, learning rate); keys as in `optimizer_paths.OPTIMIZERS`
    ("SGD", "Momentum", "Nesterov", "Adam", ...) or any torch.optim name the catalogue knows."""
    contenders = []
    for key, lr in optimizers:
        variant = _base_copy(experiment)
        if key in OPTIMIZERS:
            torch_name, params = experiment_optimizer(key, lr)
        else:
            torch_name, params = key, {"lr": float(lr)}
        variant.training.optimizer.type = torch_name
        variant.training.optimizer.params = params
        contenders.append(Contender(f"{key} (lr {lr:g})", variant, {"optimizer": key, "lr": float(lr)}))
    return contenders


def schedule_contenders(
    experiment: Experiment, schedules: Sequence[tuple[str, SchedulerSpec | None]]
) -> list[Contender]:
    """One contender per (label, scheduler spec or None for a constant LR)."""
    contenders = []
    for label, spec in schedules:
        variant = _base_copy(experiment)
        variant.training.scheduler = spec.model_copy(deep=True) if spec is not None else None
        contenders.append(Contender(label, variant, {"schedule": label}))
    return contenders


def describe_settings(experiment: Experiment) -> dict[str, Any]:
    """A short, flat summary of an experiment's settings for the run-history table."""
    training = experiment.training
    activations = sorted({node.type for node in experiment.model.nodes if node.type in ACTIVATIONS})
    scheduler = training.scheduler
    return {
        "dataset": experiment.data.dataset,
        "layers": len(experiment.model.nodes),
        "activation": ", ".join(activations) or "—",
        "optimizer": training.optimizer.type,
        "lr": optimizer_lr(training.optimizer.type, training.optimizer.params),
        "schedule": scheduler.type if scheduler is not None else "constant",
        "batch_size": training.batch_size if isinstance(training.batch_size, int) else str(training.batch_size),
        "seed": training.seed,
    }


def optimizer_lr(name: str, params: Mapping[str, Any]) -> float | None:
    """The learning rate an optimizer spec trains with (its declared default when not given)."""
    try:
        value = optimizer_kwargs(name, params).get("lr")
        return float(value) if value is not None else None
    except Exception:  # noqa: BLE001 - an unknown optimizer has no known LR
        return None


# ---- options and events ----------------------------------------------------------------------
@dataclass
class RaceOptions:
    repeats: int = 1  # seeds per contender (mean ± std when > 1)
    seeds: Sequence[int] | None = None  # default: training.seed, +1, +2, ...
    epochs: int | None = None  # default: the experiment's
    turn_steps: int | None = None  # steps per turn; None: one epoch, cut into 32-step turns when long
    turn_epochs: int | None = None  # epochs per turn when epochs are short; None: enough for ~80 ms
    boundary_resolution: int = 40  # decision-boundary grid per side for 2-D data (0: none)
    boundary_interval: float = 0.5  # at most one boundary per contender this often (seconds)
    keep_initial_weights: bool = False  # keep a numpy copy of each contender's start (tests, checks)
    num_threads: int | None = None  # torch threads while training (the engine's option)
    base_dir: str | None = None  # where relative data paths start


@dataclass
class RaceStarted:
    labels: list[str]
    repeats: int
    seeds: list[int]
    epochs: int
    steps_per_epoch: int
    task: str
    num_classes: int | None
    shared_weights: list[tuple[int, int]]  # per contender: (tensors copied from the base, tensors in all)
    points: np.ndarray | None = None  # (n, 2) training points of 2-D data, for boundary thumbnails
    point_labels: np.ndarray | None = None
    extent: tuple[float, float] | None = None
    kind: str = field(default="started", init=False)


@dataclass
class ContenderSteps:
    """New training steps of one contender since its last turn."""

    contender: int
    repeat: int
    steps: np.ndarray  # int64, 1-based optimizer step numbers
    losses: np.ndarray  # batch loss of each step
    lrs: np.ndarray  # LR each step used
    kind: str = field(default="steps", init=False)


@dataclass
class ContenderEpoch:
    contender: int
    repeat: int
    epoch: int
    step: int
    metrics: dict[str, float | None]  # train_loss, val_loss, val_accuracy / val_mae, val_r2, lr
    kind: str = field(default="epoch", init=False)


@dataclass
class ContenderBoundary:
    """The model's output on a grid over the 2-D data: P(class 1), a class index, or a value."""

    contender: int
    repeat: int
    epoch: int
    values: np.ndarray  # (n, n) float32, rows along y
    mode: str  # "probability", "class" or "value"
    extent: tuple[float, float]
    kind: str = field(default="boundary", init=False)


@dataclass
class ContenderFinished:
    contender: int
    repeat: int
    status: str  # the engine's status, or "error"
    message: str
    summary: dict[str, Any]
    kind: str = field(default="finished", init=False)


@dataclass
class RaceFinished:
    status: str  # "completed", "stopped" or "failed"
    message: str
    seconds: float
    samples: int
    samples_per_second: float
    kind: str = field(default="race_finished", init=False)


RaceEvent = Any  # one of the dataclasses above
RaceObserver = Callable[[RaceEvent], None]


@dataclass
class ContenderRun:
    """Everything one (contender, seed) pair produced."""

    contender: int
    repeat: int
    seed: int
    epochs: list[dict[str, float | None]] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    status: str = "pending"
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    samples: int = 0
    initial_weights: dict[str, np.ndarray] | None = None

    def epoch_metric(self, name: str) -> np.ndarray:
        return np.array([np.nan if row.get(name) is None else float(row[name]) for row in self.epochs])


# ---- worker threads ---------------------------------------------------------------------------
class _WorkerPool:
    """Threads kept for a while between races, as many as a race needs (never a fixed limit: a
    contender that could not get a thread would stall the whole round).

    A fresh thread starts with a cold malloc arena, which made short races about 10 % slower
    than the same runs one after another; a reused thread is warm. Idle threads leave after
    `IDLE_SECONDS`.
    """

    IDLE_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[queue.SimpleQueue] = []

    def submit(self, function: Callable[..., None], *args: Any) -> threading.Event:
        done = threading.Event()
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._serve, args=(inbox,), name="race-worker", daemon=True).start()
        inbox.put((function, args, done))
        return done

    def _serve(self, inbox: queue.SimpleQueue) -> None:
        while True:
            try:
                function, args, done = inbox.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if inbox in self._idle:
                        self._idle.remove(inbox)
                        return
                continue  # a job was handed over just now
            try:
                function(*args)
            except BaseException:  # noqa: BLE001 - the worker must survive for the next job
                traceback.print_exc()
            finally:
                with self._lock:
                    self._idle.append(inbox)
                done.set()


_POOL = _WorkerPool()


# ---- the baton that makes turns --------------------------------------------------------------
class _Baton:
    """Round-robin turns among worker threads; finished workers leave the round.

    Each worker waits on its own event, so passing the baton wakes exactly one thread.
    """

    def __init__(self, count: int) -> None:
        self._lock = threading.Lock()
        self._events = [threading.Event() for _ in range(count)]
        self._active = [True] * count
        self._turn: int | None = None
        self._released = False
        if count:
            self._give(0)

    def _give(self, index: int | None) -> None:
        self._turn = index
        if index is not None:
            self._events[index].set()

    def wait_turn(self, index: int) -> None:
        self._events[index].wait()

    def _next(self, index: int) -> int | None:
        count = len(self._active)
        for offset in range(1, count + 1):
            candidate = (index + offset) % count
            if self._active[candidate]:
                return candidate
        return None

    def pass_on(self, index: int) -> None:
        with self._lock:
            if self._turn == index and not self._released:
                following = self._next(index)
                if following != index:
                    self._events[index].clear()
                    self._give(following)

    def retire(self, index: int) -> None:
        with self._lock:
            self._active[index] = False
            if self._turn == index and not self._released:
                self._events[index].clear()
                self._give(self._next(index))

    def release_all(self) -> None:
        with self._lock:
            self._released = True
            for event in self._events:
                event.set()


# ---- the race --------------------------------------------------------------------------------
class Race:
    """Trains `contenders` of `experiment` in lock-step. Build it, then `run()` (blocking) in a
    worker thread; `stop()` from any thread ends every contender at its next step."""

    def __init__(
        self,
        experiment: Experiment,
        contenders: Sequence[Contender],
        options: RaceOptions | None = None,
        observer: RaceObserver | None = None,
        dataset: Any | None = None,
    ) -> None:
        if not contenders:
            raise ValueError("a race needs at least one contender")
        self.experiment = _base_copy(experiment)
        self.contenders = list(contenders)
        self.options = options or RaceOptions()
        self.observer = observer
        self._dataset = dataset
        repeats = max(1, int(self.options.repeats))
        seeds = list(self.options.seeds) if self.options.seeds else []
        base_seed = self.experiment.training.seed
        while len(seeds) < repeats:
            seeds.append(base_seed + len(seeds))
        self.seeds = [int(s) for s in seeds[:repeats]]
        self.runs: list[ContenderRun] = [
            ContenderRun(c, r, self.seeds[r]) for r in range(repeats) for c in range(len(self.contenders))
        ]
        self.shared_weights: list[tuple[int, int]] = [(0, 0)] * len(self.contenders)
        self._trainers: list[Trainer | None] = []
        self._stop = threading.Event()
        self._emit_lock = threading.Lock()
        self.status: str | None = None
        self.turn_epochs: int | None = self.options.turn_epochs  # fixed by the first epoch when None

    # ---- control ---------------------------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()
        for trainer in list(self._trainers):
            if trainer is not None:
                trainer.control.stop()
        baton = getattr(self, "_baton", None)
        if baton is not None:
            baton.release_all()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def _emit(self, event: RaceEvent) -> None:
        if self.observer is not None:
            with self._emit_lock:
                self.observer(event)

    def run_of(self, contender: int, repeat: int = 0) -> ContenderRun:
        return self.runs[repeat * len(self.contenders) + contender]

    # ---- set-up ------------------------------------------------------------------------------
    def _load_dataset(self):
        if self._dataset is None:
            from playground.core.data import load_dataset

            self._dataset = load_dataset(self.experiment.data, base_dir=self.options.base_dir)
        return self._dataset

    def _models(self, seed: int, info) -> list[torch.nn.Module | Exception]:
        """The contenders' models for one seed, each starting from the base model's weights
        (every tensor whose name and shape match); a contender that cannot be built gets its error."""
        from playground.core.graph import build_model

        torch.manual_seed(seed)
        base_state = build_model(self.experiment, info).state_dict()
        models: list[torch.nn.Module | Exception] = []
        for index, contender in enumerate(self.contenders):
            torch.manual_seed(seed)
            try:
                model = build_model(contender.experiment, info)
            except Exception as exc:  # noqa: BLE001 - reported as this contender's failure
                models.append(exc)
                continue
            own = model.state_dict()
            matching = {key: value for key, value in base_state.items()
                        if key in own and own[key].shape == value.shape}
            model.load_state_dict(matching, strict=False)
            self.shared_weights[index] = (len(matching), len(own))
            models.append(model)
        return models

    def _trainer_experiment(self, contender: Contender, seed: int) -> Experiment:
        experiment = _base_copy(contender.experiment)
        experiment.training.seed = seed
        return experiment

    # ---- the run -----------------------------------------------------------------------------
    def run(self) -> list[ContenderRun]:
        """Train every contender for every seed in lock-step; returns the runs (also in `runs`)."""
        started = time.perf_counter()
        options = self.options
        dataset = self._load_dataset()
        info = dataset.info
        epochs = int(options.epochs or self.experiment.training.epochs)
        train_samples = int(dataset.x_train.shape[0])
        batch_size = self.experiment.training.batch_size
        per_epoch = steps_per_epoch(train_samples, batch_size if batch_size == "full"
                                    else min(int(batch_size), max(1, train_samples)))
        turn_steps = options.turn_steps or (per_epoch if per_epoch <= AUTO_EPOCH_LIMIT else AUTO_TURN_STEPS)

        grid, extent = None, None
        if options.boundary_resolution > 0 and dataset.point_features is not None:
            low, high = dataset.point_range()
            extent = (float(low), float(high))
            axis = np.linspace(low, high, int(options.boundary_resolution))
            gx, gy = np.meshgrid(axis, axis)
            grid = dataset.features_for_points(np.column_stack([gx.ravel(), gy.ravel()]))

        trainer_options = TrainerOptions(step_every=1, max_step_events_per_second=0.0, diagnostics=False,
                                         num_threads=options.num_threads)
        failures: dict[int, str] = {}
        self._trainers = [None] * len(self.runs)
        for repeat, seed in enumerate(self.seeds):
            if self._stop.is_set():
                break
            try:
                models = self._models(seed, info)
            except Exception as exc:  # noqa: BLE001 - the base model itself cannot be built
                models = [exc] * len(self.contenders)
            for index, model in enumerate(models):
                slot = repeat * len(self.contenders) + index
                if isinstance(model, Exception):
                    failures[slot] = str(model)
                    continue
                run = self.runs[slot]
                if options.keep_initial_weights:
                    run.initial_weights = {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}
                try:
                    self._trainers[slot] = Trainer(
                        self._trainer_experiment(self.contenders[index], seed), model=model, dataset=dataset,
                        options=trainer_options, epochs=epochs, base_dir=options.base_dir,
                    )
                except Exception as exc:  # noqa: BLE001
                    failures[slot] = str(exc)

        points = labels = None
        if extent is not None and dataset.points_train is not None:
            limit = 400
            points = np.asarray(dataset.points_train[:limit], dtype=np.float32)
            labels = dataset.y_train[:limit].cpu().numpy()
        self._emit(RaceStarted([c.label for c in self.contenders], len(self.seeds), list(self.seeds), epochs,
                               per_epoch, info.task, getattr(info, "num_classes", None), list(self.shared_weights),
                               points, labels, extent))

        self._baton = baton = _Baton(len(self.runs))
        for slot, message in failures.items():
            run = self.runs[slot]
            run.status, run.message = "error", message
            baton.retire(slot)
            self._emit(ContenderFinished(run.contender, run.repeat, "error", message, {}))
        for slot, trainer in enumerate(self._trainers):
            if trainer is None and slot not in failures:  # never built (stopped during set-up)
                run = self.runs[slot]
                run.status, run.message = "stopped", "Stopped before it started."
                baton.retire(slot)
        if self._stop.is_set():
            self.stop()

        finished = [_POOL.submit(self._work, slot, trainer, turn_steps, grid, extent)
                    for slot, trainer in enumerate(self._trainers) if trainer is not None]
        for done in finished:
            done.wait()
        self._trainers = []

        seconds = time.perf_counter() - started
        samples = sum(run.samples for run in self.runs)
        statuses = {run.status for run in self.runs}
        if self._stop.is_set():
            status, message = "stopped", "The race was stopped."
        elif statuses == {"error"}:
            status, message = "failed", "; ".join(sorted({run.message for run in self.runs}))
        else:
            status, message = "completed", "The race finished."
        self.status = status
        self._emit(RaceFinished(status, message, seconds, samples, samples / seconds if seconds > 0 else 0.0))
        return self.runs

    def _work(self, slot: int, trainer: Trainer, turn_steps: int, grid: torch.Tensor | None,
              extent: tuple[float, float] | None) -> None:
        run = self.runs[slot]
        baton = self._baton
        pending_steps: list[int] = []
        pending_losses: list[float] = []
        pending_lrs: list[float] = []
        last_boundary = [0.0]
        in_turn = [0]

        def flush() -> None:
            if pending_steps:
                run.steps.extend(pending_steps)
                run.losses.extend(pending_losses)
                run.lrs.extend(pending_lrs)
                self._emit(ContenderSteps(run.contender, run.repeat, np.array(pending_steps, dtype=np.int64),
                                          np.array(pending_losses, dtype=np.float64),
                                          np.array(pending_lrs, dtype=np.float64)))
                pending_steps.clear()
                pending_losses.clear()
                pending_lrs.clear()

        def end_turn() -> None:
            flush()
            in_turn[0] = 0
            if self._stop.is_set():
                return
            state = torch.get_rng_state()
            baton.pass_on(slot)
            baton.wait_turn(slot)
            torch.set_rng_state(state)

        def boundary(epoch: int, force: bool) -> None:
            if grid is None or extent is None:
                return
            now = time.perf_counter()
            if not force and now - last_boundary[0] < self.options.boundary_interval:
                return
            last_boundary[0] = now
            try:
                values, mode = _grid_output(trainer, grid)
            except Exception:  # noqa: BLE001 - a thumbnail must never break a run
                return
            side = int(round(math.sqrt(values.size)))
            self._emit(ContenderBoundary(run.contender, run.repeat, epoch, values.reshape(side, side), mode, extent))

        add_step, add_loss, add_lr = pending_steps.append, pending_losses.append, pending_lrs.append

        def observe(event) -> None:
            if event.kind == "step":  # the hot path: once per optimizer step
                add_step(event.step)
                add_loss(event.train_loss)
                add_lr(event.lr)
                in_turn[0] += 1
                if in_turn[0] >= turn_steps and event.batch < event.batches:
                    end_turn()
            elif isinstance(event, EpochEvent):
                flush()
                metrics = event.metrics()
                run.epochs.append(metrics)
                self._emit(ContenderEpoch(run.contender, run.repeat, event.epoch, event.step, metrics))
                last = event.epoch >= trainer.epochs
                if not last:  # the last one is drawn after the run (best weights restored)
                    boundary(event.epoch, False)
                if self.turn_epochs is None:  # every contender groups the same number of epochs
                    seconds = event.seconds if event.seconds > 0 else MIN_TURN_SECONDS
                    self.turn_epochs = max(1, min(50, int(MIN_TURN_SECONDS / seconds)))
                if event.epoch % self.turn_epochs == 0 or last:
                    end_turn()
                in_turn[0] = 0  # step-sized turns only cut long epochs
            elif isinstance(event, Summary):
                flush()

        trainer.observer = observe
        summary: Summary | None = None
        try:
            baton.wait_turn(slot)
            if self._stop.is_set():
                trainer.control.stop()
            run.status = "running"
            summary = trainer.run()
            run.status, run.message = summary.status, summary.message
            run.summary = summary.as_dict()
            run.samples = int(round(summary.samples_per_second * summary.seconds))
            if summary.status != "diverged":
                boundary(trainer.epoch, True)
        except Exception as exc:  # noqa: BLE001 - reported as this contender's failure
            run.status, run.message = "error", f"{type(exc).__name__}: {exc}"
        finally:
            baton.retire(slot)
            self._emit(ContenderFinished(run.contender, run.repeat, run.status, run.message, dict(run.summary)))


def _grid_output(trainer: Trainer, grid: torch.Tensor) -> tuple[np.ndarray, str]:
    """The model's answer on the grid points: P(class 1) for two classes, else the class, or the value."""
    outputs = predict(trainer.model, grid, trainer.device).detach().float().cpu()
    if trainer.task == "classification":
        if outputs.dim() == 1 or outputs.shape[-1] == 1:
            return torch.sigmoid(outputs.reshape(-1)).numpy().astype(np.float32), "probability"
        if outputs.shape[-1] == 2:
            return torch.softmax(outputs, dim=-1)[:, 1].numpy().astype(np.float32), "probability"
        return outputs.argmax(dim=-1).numpy().astype(np.float32), "class"
    return outputs.reshape(outputs.shape[0], -1)[:, 0].numpy().astype(np.float32), "value"


# ---- aggregation -----------------------------------------------------------------------------
def mean_std(series: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over runs of unequal length (missing points are NaN, ignored)."""
    arrays = [np.asarray(s, dtype=np.float64) for s in series if len(s)]
    if not arrays:
        return np.array([]), np.array([])
    length = max(len(a) for a in arrays)
    stacked = np.full((len(arrays), length), np.nan)
    for row, array in enumerate(arrays):
        stacked[row, :len(array)] = np.where(np.isfinite(array), array, np.nan)
    with np.errstate(all="ignore"):
        counts = np.sum(np.isfinite(stacked), axis=0)
        mean = np.where(counts > 0, np.nansum(stacked, axis=0) / np.maximum(counts, 1), np.nan)
        spread = np.where(counts > 1, np.sqrt(np.nansum((stacked - mean) ** 2, axis=0) / np.maximum(counts, 1)),
                          0.0)
    spread = np.where(counts > 0, spread, np.nan)
    return mean, spread
