"""A controlled race: train k variants of one experiment side by side, differing in one thing only.

Control, in three parts:

- **Same initial weights.** For every seed the base experiment's model is built once (right after
  ``torch.manual_seed(seed)``); each contender's model is built the same way and then receives
  every tensor of the base state_dict whose name and shape match (all of them when only
  activations, the optimizer or the schedule differ).
- **Same batches in the same order.** Every contender trains on one loaded dataset with the same
  training seed, so the engine's seeded permutation gives identical batches; the global RNG
  (dropout) starts from the same state too and is kept per contender across turns.
- **Lock-step.** The (contender, seed) runs are split over workers (`Race.run(pool)`: at most
  `race_workers()` worker processes, all cores but one), or all trained in the calling thread
  (`Race.run()`). Each worker trains its share in turns through the steppable engine
  (`playground.core.compare.race_worker`): one epoch, a few epochs when they are short, or a few
  steps when they are long, then the next contender. Curves therefore grow together, and a
  contender's numbers are exactly those of a solo run with the same weights.

Stop ends every contender at its next step boundary (each worker's `TrainingControl`); a worker
that dies fails its own contenders, never the race. Events are plain data (numpy arrays, floats,
dicts) for a GUI thread to plot; they pickle, so they cross from worker processes unchanged.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from playground.core import i18n
from playground.core.compare.activations import ACTIVATIONS
from playground.core.compare.optimizer_paths import OPTIMIZERS, experiment_optimizer
from playground.core.data import load_dataset
from playground.core.experiment.io import copy_experiment
from playground.core.experiment.overrides import with_changes
from playground.core.experiment.schema import Experiment, SchedulerSpec
from playground.core.i18n import _
from playground.core.runs.pool import race_workers
from playground.core.runs.worker import START_SECONDS, WorkerDied
from playground.core.training.control import TrainingControl
from playground.core.training.optimizers import optimizer_kwargs

AUTO_EPOCH_LIMIT = 64  # epochs of at most this many steps are one turn; longer ones are cut ...
AUTO_TURN_STEPS = 32  # ... into turns of this many steps
MIN_TURN_SECONDS = 0.08  # very short epochs are grouped into turns of about this long (fewer switches)
STOP_SECONDS = 10.0  # a worker process that has not ended its share this long after a stop is ended
POLL_SECONDS = 0.05  # how long the race waits for its workers' records at a time


def sentence(text: str) -> str:
    """`text` as a sentence: its first letter upper case, the rest as it is (a signal's name stays
    SIGKILL; `str.capitalize` would lower it, and every Latin word of a Chinese message)."""
    return text[:1].upper() + text[1:]


# ---- contenders ------------------------------------------------------------------------------
@dataclass
class Contender:
    """One variant of the experiment: its label, the changed experiment, and what was changed."""

    label: str
    experiment: Experiment
    settings: dict[str, Any] = field(default_factory=dict)  # the varied setting(s), for tables


def base_copy(experiment: Experiment) -> Experiment:
    """A copy of `experiment` for one contender (without the saved comparisons it may carry)."""
    copy = copy_experiment(experiment)
    if "comparison" in type(copy).model_fields:
        copy.comparison = None  # a contender needs no saved comparisons
    return copy


_base_copy = base_copy


def activation_nodes(experiment: Experiment) -> list[str]:
    """Ids of the element-wise activation nodes a race swaps (Softmax outputs stay)."""
    return [node.id for node in experiment.model.nodes if node.type in ACTIVATIONS]


def activation_contenders(
    experiment: Experiment, activations: Sequence[str | tuple[str, Mapping[str, Any]]]
) -> list[Contender]:
    """One contender per activation, every activation node of the graph swapped to it."""
    ids = activation_nodes(experiment)
    if not ids:
        raise ValueError(_("the model has no activation layer to swap; add one (e.g. ReLU) after a Linear layer"))
    contenders = []
    for entry in activations:
        name, params = (entry, {}) if isinstance(entry, str) else (entry[0], dict(entry[1]))
        if name not in ACTIVATIONS:
            raise ValueError(_("unknown activation {name}").format(name=repr(name)))
        variant = _base_copy(experiment)
        for node in variant.model.nodes:
            if node.id in ids:
                node.type = name
                node.params = dict(params)
        label = name if not params else f"{name} ({', '.join(f'{k}={v:g}' for k, v in params.items())})"
        contenders.append(Contender(label, variant, {"activation": label}))
    return contenders


def optimizer_contenders(experiment: Experiment, optimizers: Sequence[tuple[str, float]]) -> list[Contender]:
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


def variant_contenders(experiment: Experiment, names: Sequence[str] | None = None) -> list[Contender]:
    """One contender per variant of the lesson (those named, else all), in the lesson's order,
    each named in the current language. ExperimentError names a variant whose changes the format
    refuses."""
    lesson = experiment.lesson
    variants = lesson.variants if lesson is not None else []
    if not variants:
        raise ValueError(_("this experiment declares no variants to race"))
    language = i18n.language()
    contenders = []
    for variant in variants:
        if names is not None and variant.name not in names:
            continue
        label = variant.localized_name(language)
        changed = with_changes(base_copy(experiment), variant.changes, source=label)
        contenders.append(Contender(label, changed, {"variant": variant.name}))  # goals find it by name
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


def run_settings(experiment: Experiment, lr_changes: Sequence[Any] = ()) -> dict[str, Any]:
    """`describe_settings` of a run; a learning rate changed by hand mid-run (`LrChange`s, with
    `.lr` and `.step`) shows as "0.01 → 0.003 (step 120)", not as the rate it started with."""
    settings = describe_settings(experiment)
    if lr_changes:
        start = settings.get("lr")
        path = [f"{start:g}"] if isinstance(start, float) else []
        path += [f"{change.lr:g} (step {change.step})" for change in lr_changes]
        settings["lr"] = " → ".join(path)
    return settings


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
    keep_final_weights: bool = False  # ... and of its weights at the end
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


class RaceError(RuntimeError):
    """The race could not run at all (its data did not load, no worker could start); the message
    says why in plain words."""


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
    final_weights: dict[str, np.ndarray] | None = None

    def epoch_metric(self, name: str) -> np.ndarray:
        return np.array([np.nan if (value := row.get(name)) is None else float(value) for row in self.epochs])


# ---- the race --------------------------------------------------------------------------------
_RUN_IDS = itertools.count(1_000_001)  # race shares' run ids (apart from single runs' small ones)


class _Share:
    """The race's side of one share: its slots, where it runs, and how far it got."""

    def __init__(self, index: int, slots: list[int], request: Any) -> None:
        self.index = index
        self.slots = slots
        self.request = request
        self.run_id = next(_RUN_IDS)
        self.worker: Any = None  # a WorkerProcess; None in the calling thread
        self.submitted = False
        self.prepared = False
        self.done = False


class Race:
    """Trains `contenders` of `experiment` in lock-step. Build it, then `run()` (blocking, in this
    thread) or `run(pool)` (split over the pool's workers); `stop()` from any thread ends every
    contender at its next step."""

    def __init__(
        self,
        experiment: Experiment,
        contenders: Sequence[Contender],
        options: RaceOptions | None = None,
        observer: RaceObserver | None = None,
        dataset: Any | None = None,
    ) -> None:
        if not contenders:
            raise ValueError(_("a race needs at least one contender"))
        self.experiment = base_copy(experiment)
        self.contenders = list(contenders)
        self.options = options or RaceOptions()
        self.observer = observer
        self._given_dataset = dataset
        self._loaded_dataset = dataset
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
        self.workers_used = 0  # worker processes (or threads) the last run was split over; 0: this thread
        self.status: str | None = None
        self._stop = threading.Event()
        self._emit_lock = threading.Lock()
        self._controls: list[TrainingControl] = []  # of the shares under way
        self._controls_lock = threading.Lock()
        self._shares: list[_Share] = []
        self._started: RaceStarted | None = None  # the set-up the first share reported
        self._announced = False  # ... sent, once every share has reported its own
        self._held: list[RaceEvent] = []  # events that came before that

    # ---- control ---------------------------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()
        with self._controls_lock:
            controls = list(self._controls)
        for control in controls:
            control.stop()

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
    def _load_dataset(self) -> Any:
        if self._loaded_dataset is None:
            self._loaded_dataset = load_dataset(self.experiment.data, base_dir=self.options.base_dir)
        return self._loaded_dataset

    @property
    def _dataset(self) -> Any:
        """The race's dataset in this process (loaded on first use: workers load their own)."""
        return self._load_dataset()

    def _models(self, seed: int, info: Any) -> list[torch.nn.Module | Exception]:
        """The contenders' models for one seed, each starting from the base model's weights
        (every tensor whose name and shape match); a contender that cannot be built gets its error."""
        from playground.core.compare.race_worker import contender_models  # lazy: import cycle (race ↔ race_worker)

        models, shared = contender_models(self.experiment, self.contenders, seed, info)
        for index, pair in shared.items():
            self.shared_weights[index] = pair
        return [models[index] for index in range(len(self.contenders))]

    def _share_requests(self, count: int, threads: int | None) -> list[_Share]:
        """The runs split into `count` shares, round robin (so each worker gets a mix of contenders)."""
        from playground.core.compare.race_worker import RaceShare  # lazy: import cycle (race ↔ race_worker)

        slots = list(range(len(self.runs)))
        count = max(1, min(count, len(slots)))
        shares = []
        for index in range(count):
            mine = slots[index::count]
            request = RaceShare(
                self.experiment,
                self.contenders,
                list(self.seeds),
                mine,
                self.options,
                num_threads=threads,
                dataset=self._given_dataset,
            )
            shares.append(_Share(index, mine, request))
        return shares

    # ---- the run -----------------------------------------------------------------------------
    def run(self, pool: Any | None = None, workers: int | None = None) -> list[ContenderRun]:
        """Train every contender for every seed in lock-step; returns the runs (also in `runs`).

        Without `pool` the whole race trains in this thread. With a `WorkerPool` of processes the
        runs are split over `workers` of its workers (default `race_workers()`: all cores but one),
        each training its share in turns; a pool of threads (`in_process`) lends one worker, as
        threads share the global RNG. The workers are acquired here and released before this returns.
        """
        started = time.perf_counter()
        self._started, self._announced, self._held = None, False, []
        if pool is None:
            self.workers_used = 0
            self._run_here()
        else:
            count = max(1, int(workers or race_workers()))
            if getattr(pool, "in_process", False):
                count = 1  # worker threads share one global RNG (dropout): only one may train at a time
            self._run_on(pool, count)
        seconds = time.perf_counter() - started
        samples = sum(run.samples for run in self.runs)
        statuses = {run.status for run in self.runs}
        if self._started is None:  # no share got as far as its set-up
            problems = sorted({run.message for run in self.runs if run.status == "error" and run.message})
            if not self._stop.is_set():
                self.status = "failed"
                raise RaceError("; ".join(problems) or _("the race could not start"))
        if self._stop.is_set():
            status, message = "stopped", _("The race was stopped.")
        elif statuses == {"error"}:
            status, message = "failed", "; ".join(sorted({run.message for run in self.runs}))
        else:
            status, message = "completed", _("The race finished.")
        self.status = status
        self._announce()
        self._emit(RaceFinished(status, message, seconds, samples, samples / seconds if seconds > 0 else 0.0))
        return self.runs

    def _run_here(self) -> None:
        """One share with every run, trained in this thread."""
        from playground.core.compare.race_worker import ShareRunner  # lazy: import cycle (race ↔ race_worker)

        share = self._share_requests(1, self.options.num_threads)[0]
        self._shares = [share]
        control = TrainingControl()
        self._add_control(control)
        if self._stop.is_set():
            control.stop()
        try:
            share.submitted = True
            ShareRunner(share.run_id, share.request, control, lambda record: self._handle(share, record)).run()
        finally:
            self._remove_control(control)
        if not share.done:
            self._share_failed(share, _("the race ended without a result"))

    def _run_on(self, pool: Any, count: int) -> None:
        """Shares on `count` workers of `pool` (each with its part of the training threads)."""
        from playground.core.runs.session import (  # lazy: keeps the run session out of the window's start-up
            worker_threads,
        )

        threads = self.options.num_threads or worker_threads()
        shares = self._share_requests(count, max(1, threads // max(1, min(count, len(self.runs)))))
        self._shares = shares
        self.workers_used = len(shares)
        try:
            for share in shares:
                share.worker = pool.acquire()
                share.worker.prepare_run()
                self._add_control(share.worker.control)
                if self._stop.is_set():
                    share.worker.control.stop()
            self._relay(shares, pool)
        finally:
            for share in shares:
                if share.worker is not None:
                    self._remove_control(share.worker.control)
                    self._give_back(pool, share)

    def _relay(self, shares: list[_Share], pool: Any) -> None:
        """Submit each share once its worker is ready, and pass on what the workers report."""
        deadline = time.monotonic() + START_SECONDS
        stopped_at: float | None = None
        while True:
            active = [share for share in shares if not share.done]
            if not active:
                return
            if self._stop.is_set() and stopped_at is None:
                stopped_at = time.monotonic()
            wait = POLL_SECONDS / len(active)
            for share in active:
                worker = share.worker
                if not share.submitted:
                    if self._stop.is_set():
                        self._share_stopped(share, _("Stopped before it started."))
                    elif worker.wait_ready(wait):
                        try:
                            worker.submit(share.run_id, share.request)
                            share.submitted = True
                        except WorkerDied as died:
                            self._worker_died(pool, share, str(died))
                    elif not worker.is_alive() or time.monotonic() > deadline:
                        self._share_failed(
                            share, sentence(worker.failure or _("the training process did not start in time"))
                        )
                        pool.discard(worker)
                        share.worker = None
                    continue
                try:
                    record = worker.receive(wait)
                except WorkerDied as died:
                    self._worker_died(pool, share, str(died))
                    continue
                if record is not None and getattr(record, "run", None) == share.run_id:
                    self._handle(share, record)
                    if share.done:
                        self._remove_control(worker.control)
                        self._give_back(pool, share)
            if stopped_at is not None and time.monotonic() - stopped_at > STOP_SECONDS:
                for share in shares:
                    if not share.done and share.worker is not None and not share.worker.in_process:
                        share.worker.kill()
                        self._share_stopped(
                            share,
                            _(
                                "Stopped: the race did not stop within {seconds} s, so its training process was ended."
                            ).format(seconds=f"{STOP_SECONDS:g}"),
                        )
                        pool.discard(share.worker)
                        share.worker = None

    def _give_back(self, pool: Any, share: _Share) -> None:
        worker, share.worker = share.worker, None
        if worker is None:
            return
        if worker.killed or not worker.is_alive():
            pool.discard(worker)
        else:
            pool.release(worker)

    def _worker_died(self, pool: Any, share: _Share, message: str) -> None:
        self._share_failed(share, sentence(message))
        worker, share.worker = share.worker, None
        if worker is not None:
            self._remove_control(worker.control)
            pool.discard(worker)

    def _add_control(self, control: TrainingControl) -> None:
        with self._controls_lock:
            self._controls.append(control)

    def _remove_control(self, control: TrainingControl) -> None:
        with self._controls_lock:
            if control in self._controls:
                self._controls.remove(control)

    # ---- records from the shares ---------------------------------------------------------------
    def _handle(self, share: _Share, record: Any) -> None:
        from playground.core.compare.race_worker import (  # lazy: import cycle (race ↔ race_worker)
            ShareEvents,
            ShareFailed,
            ShareFinished,
            SharePrepared,
        )

        if isinstance(record, ShareEvents):
            for event in record.events:
                self._apply(event)
                self._send(event)
        elif isinstance(record, SharePrepared):
            share.prepared = True
            for index, pair in enumerate(record.started.shared_weights):
                if pair != (0, 0):
                    copied, total = pair
                    self.shared_weights[index] = (copied, total)
            if self._started is None:
                self._started = record.started
            self._maybe_start()
        elif isinstance(record, ShareFinished):
            for result in record.results:
                run = self.runs[result.slot]
                run.samples = result.samples
                run.initial_weights = result.initial_weights
                run.final_weights = result.final_weights
            share.done = True
            self._maybe_start()
        elif isinstance(record, ShareFailed):
            self._share_failed(share, record.message)

    def _apply(self, event: RaceEvent) -> None:
        """Keep what an event says in the race's runs."""
        run = self.run_of(event.contender, event.repeat)
        kind = event.kind
        if kind == "steps":
            run.steps.extend(event.steps.tolist())
            run.losses.extend(event.losses.tolist())
            run.lrs.extend(event.lrs.tolist())
        elif kind == "epoch":
            run.epochs.append(dict(event.metrics))
        elif kind == "finished":
            run.status, run.message, run.summary = event.status, event.message, dict(event.summary)
            return
        else:
            return
        if run.status == "pending":
            run.status = "running"

    def _send(self, event: RaceEvent) -> None:
        if self._announced:
            self._emit(event)
        else:
            self._held.append(event)

    def _maybe_start(self) -> None:
        """Send the race's set-up once every share has reported its own (or ended), then the events
        held back until then."""
        if not self._announced and all(share.prepared or share.done for share in self._shares):
            self._announce()

    def _announce(self) -> None:
        if self._announced or self._started is None:
            return  # without any share's set-up there is nothing to draw: the runs keep what happened
        self._announced = True
        started = self._started
        started.labels = [c.label for c in self.contenders]
        started.shared_weights = list(self.shared_weights)
        self._emit(started)
        held, self._held = self._held, []
        for event in held:
            self._emit(event)

    def _share_failed(self, share: _Share, message: str) -> None:
        self._end_share(share, "error", message)

    def _share_stopped(self, share: _Share, message: str) -> None:
        self._end_share(share, "stopped", message)

    def _end_share(self, share: _Share, status: str, message: str) -> None:
        """The share ended without finishing: its runs not finished yet end with `status`."""
        share.done = True
        for slot in share.slots:
            run = self.runs[slot]
            if run.status in ("pending", "running"):
                event = ContenderFinished(run.contender, run.repeat, status, message, dict(run.summary))
                self._apply(event)
                self._send(event)
        self._maybe_start()


# ---- aggregation -----------------------------------------------------------------------------
def mean_std(series: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over runs of unequal length (missing points are NaN, ignored)."""
    arrays = [np.asarray(s, dtype=np.float64) for s in series if len(s)]
    if not arrays:
        return np.array([]), np.array([])
    length = max(len(a) for a in arrays)
    stacked = np.full((len(arrays), length), np.nan)
    for row, array in enumerate(arrays):
        stacked[row, : len(array)] = np.where(np.isfinite(array), array, np.nan)
    with np.errstate(all="ignore"):
        counts = np.sum(np.isfinite(stacked), axis=0)
        mean = np.where(counts > 0, np.nansum(stacked, axis=0) / np.maximum(counts, 1), np.nan)
        spread = np.where(counts > 1, np.sqrt(np.nansum((stacked - mean) ** 2, axis=0) / np.maximum(counts, 1)), 0.0)
    spread = np.where(counts > 0, spread, np.nan)
    return mean, spread
