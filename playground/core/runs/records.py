"""The typed record of a run: what the window asks for, and everything the trainer reports back.

These dataclasses are the only things that cross from the training worker (a process, or a thread
in `--in-process` mode) to the window: plain numbers and numpy arrays, never tensors the worker
still changes. The same types feed the views, the metrics CSV, the run history and saved
comparisons (`RunLog` keeps a whole run, and the experiment it trained on).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

import playground.core.i18n
from playground.core.csv_text import csv_text
from playground.core.experiment.schema import Experiment
from playground.core.safe_files import atomic_write_text
from playground.core.training.diagnostics import Diagnostics
from playground.core.training.events import Summary

DEFAULT_FRAMES_PER_SECOND = 30.0


@dataclass
class RunRequest:
    """What to train and how to start: a copy of the experiment, never the live document."""

    experiment: Experiment
    base_dir: str | None = None
    epochs: int | None = None  # None: the experiment's
    start_paused: bool = False  # wait before the first step (for "Step" from idle)
    first_batches: int = 0  # with start_paused: run this many batches, then pause
    first_epoch: bool = False  # with start_paused: run the first epoch, then pause
    lr: float | None = None  # a learning rate that replaces the experiment's from the first step
    num_threads: int | None = None  # torch threads in the worker; None: all cores but one
    diagnostics: bool = True
    predictions: bool = True  # task view predictions and train-subset metrics
    predictions_on_demand: bool = False  # a new prediction only after the view asked for one
    neuron_maps: bool = True  # per-unit maps and weights of small dense nets on 2-D data
    probe: ProbeRequest | None = None  # the node the window looks inside, if it looks at one
    snapshots: bool = True  # keep weight snapshots for the time machine (sent with the updates)
    fork: Any = None  # a WeightSnapshot to start from (a fork or a rewind), else a fresh start
    frames_per_second: float = DEFAULT_FRAMES_PER_SECOND  # how often updates are sent at most
    tensorboard_dir: str | None = None  # write the run's TensorBoard logs into a new folder in this one
    # the language of the run's messages: a worker process has its own copy of the core's language
    language: str = field(default_factory=playground.core.i18n.language)


@dataclass
class ViewSetup:
    """The task view's kind and its static data, sent once per run."""

    # "boundary", "images", "forecast", "confusion", "scatter", "curve", "reconstruction", "embedding" or "none"
    kind: str
    task: str = "classification"
    class_names: list[str] = field(default_factory=list)
    split: str = "test"  # the split the view shows
    extent: tuple[float, float] | None = None  # boundary: the square plane shown
    resolution: int = 0  # boundary: grid cells per side
    feature_names: list[str] = field(default_factory=lambda: ["x1", "x2"])
    points_train: np.ndarray | None = None  # boundary: (n, 2) raw coordinates
    targets_train: np.ndarray | None = None
    points_test: np.ndarray | None = None
    targets_test: np.ndarray | None = None
    images: np.ndarray | None = None  # images, reconstruction: (k, C, H, W) the test inputs shown
    labels: np.ndarray | None = None
    history: np.ndarray | None = None  # forecast: input windows
    truth: np.ndarray | None = None  # forecast, scatter: true values
    # reconstruction (a 2-unit bottleneck) and embedding: the node whose output is scattered, how
    # many values it has per sample (more than 2 are shown on their first two principal axes), and
    # the class of every scattered test sample, named by `class_names`
    code_node: str | None = None
    code_units: int = 0
    code_labels: np.ndarray | None = None
    # curve (x → y regression): the x of each point of the fitted curve (the model's outputs for
    # them come as `Prediction.predicted`), and whether x is the standardised model input because
    # the dataset keeps no raw values; the training points are `points_train` (n,) and
    # `targets_train`, with `labels` (n,) naming each point's kind by `class_names` when the
    # dataset marks some (its outliers)
    curve_x: np.ndarray | None = None
    curve_standardised: bool = False


@dataclass
class Prediction:
    """The task view's latest output of the model (whichever fields its kind uses)."""

    values: np.ndarray | None = None  # boundary: (r, r, classes) probabilities or (r, r) values
    confusion: np.ndarray | None = None  # images, confusion: (k, k) counts
    predicted: np.ndarray | None = None  # images: class; forecast, scatter: value
    confidence: np.ndarray | None = None  # images: probability of the predicted class
    reconstructions: np.ndarray | None = None  # reconstruction: (k, C, H, W) the outputs for `images`
    codes: np.ndarray | None = None  # reconstruction, embedding: (n, 2) a point per scattered sample


@dataclass
class NeuronMaps:
    """Every unit of the dense layers (the hidden ones, then the output layer) over the input
    plane, and each layer's weights (small MLPs on 2-D data, as TensorFlow Playground draws them)."""

    layers: list[str]  # node ids of the dense layers, input to output
    units: list[int]  # units per layer
    maps: list[np.ndarray]  # per layer: (units, r, r) float32 unit outputs on the grid, row i at x2 = i-th cell
    weights: list[np.ndarray]  # per layer: (units, units of the layer before, or input features)
    extent: tuple[float, float] = (-6.0, 6.0)
    inputs: list[str] = field(default_factory=list)  # the input features (the first column of maps)
    input_maps: np.ndarray | None = None  # (features, r, r): each input feature on the grid


# ---- looking inside a node ---------------------------------------------------------------------


@dataclass
class ProbeRequest:
    """Which node to look inside, and with which sample (an index into the view's split, or an
    input of the dataset's sample shape made by the user: a drawn digit, a point on the plane)."""

    node: str
    sample: int = 0
    custom: np.ndarray | None = None


@dataclass
class Histogram:
    counts: np.ndarray
    edges: np.ndarray  # len(counts) + 1

    @classmethod
    def of(cls, values: np.ndarray, bins: int = 40) -> Histogram:
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return cls(np.zeros(bins, dtype=np.int64), np.linspace(-1.0, 1.0, bins + 1))
        low, high = float(finite.min()), float(finite.max())
        if high - low < 1e-12:
            low, high = low - 0.5, high + 0.5
        counts, edges = np.histogram(finite, bins=bins, range=(low, high))
        return cls(counts.astype(np.int64), edges.astype(np.float64))


@dataclass
class ReceptiveField:
    """Where one output unit of a spatial node looks in the input image, per axis (rows, columns):
    r (size in input pixels), j (input pixels between neighbouring units) and the centre of the
    first unit, as the course's formulas give them:
    r_out = r_in + (k − 1)·d·j_in,  j_out = j_in·s,  start_out = start_in + ((k − 1)/2·d − p)·j_in."""

    size: tuple[float, float]
    jump: tuple[float, float]
    start: tuple[float, float]
    input_size: tuple[int, int]

    def box(self, row: int, column: int) -> tuple[float, float, float, float]:
        """(top, left, bottom, right) input pixel indices the unit at (row, column) sees, clipped to
        the image (bottom and right inclusive)."""
        centre_r = self.start[0] + row * self.jump[0]
        centre_c = self.start[1] + column * self.jump[1]
        half_r, half_c = (self.size[0] - 1) / 2, (self.size[1] - 1) / 2
        height, width = self.input_size
        return (
            max(0.0, centre_r - half_r),
            max(0.0, centre_c - half_c),
            min(height - 1.0, centre_r + half_r),
            min(width - 1.0, centre_c + half_c),
        )


@dataclass
class ProbeResult:
    """What one node did with one sample (and with the probe batch), at one moment of a run."""

    node: str
    node_type: str
    sample: int  # the index probed in the split; -1 for the user's own input
    split: str
    samples: int  # how many samples the split has (the indices a request may ask for)
    batch: int  # how many of them the histograms and the gradients are over
    shape: tuple[int, ...]  # the node's output for one sample
    sample_input: np.ndarray  # the input of the sample (C, H, W), (T, F), (T,) or (F,)
    tokens: bool  # the input is token ids (a sequence of integers), not measurements
    sample_output: np.ndarray  # the node's output for the sample (as `shape`)
    target: int | float | None  # the sample's label or value (None for the user's own input)
    predicted: int | float | None  # what the model says for it
    confidence: float | None  # classification: the probability of the predicted class
    outputs: Histogram
    gradients: Histogram | None  # None where the loss does not depend on the node
    units: int  # channels, features or hidden units
    dead: np.ndarray  # (units,) bool: the output is zero for every sample of the batch
    saturated: np.ndarray  # (units,) bool: the output sits at an end of its range nearly always
    mean_output: np.ndarray  # (units,) the mean output of each unit over the batch
    feature_maps: np.ndarray | None = None  # conv: (channels, H, W) for the sample
    filters: np.ndarray | None = None  # conv: (out, in, kh, kw) weights
    receptive_field: ReceptiveField | None = None
    attention: np.ndarray | None = None  # (heads, queries, keys) for the sample
    hidden: np.ndarray | None = None  # recurrent: (T, units) the output over time
    gate_names: tuple[str, ...] = ()
    gates: np.ndarray | None = None  # (gates, T, hidden) the top layer's forward direction
    saliency: np.ndarray | None = None  # image data: (H, W) |∂ score / ∂ pixel|
    step: int = 0
    epoch: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class ProbeChanged:
    """The window looks inside another node or sample (or, with None, at nothing: the worker stops
    probing), sent to the worker while a run is under way."""

    request: ProbeRequest | None


@dataclass
class RunSetup:
    """What the views need to know before the first step."""

    task: str
    modality: str
    dataset: str
    class_names: list[str]
    num_classes: int | None
    epochs: int
    batches_per_epoch: int
    batch_size: int
    train_samples: int
    lr: float
    planned_lr: np.ndarray | None  # the LR of every step the schedule plans (short runs only)
    device: str
    threads: int
    view: ViewSetup
    process: str = "thread"  # "process" (a worker process) or "thread" (in this process)
    notes: tuple[str, ...] = ()  # lines for the status bar (where the starting weights came from)


@dataclass
class StepBatch:
    """Consecutive training steps: step number, position in epochs, batch loss and LR."""

    step: np.ndarray
    epoch_x: np.ndarray
    loss: np.ndarray
    lr: np.ndarray

    def __len__(self) -> int:
        return int(len(self.step))

    @classmethod
    def empty(cls) -> StepBatch:
        return cls(*(np.zeros(0) for _column in range(4)))

    @classmethod
    def joined(cls, batches: Iterable[StepBatch]) -> StepBatch:
        batches = [batch for batch in batches if len(batch)]
        if not batches:
            return cls.empty()
        if len(batches) == 1:
            return batches[0]
        return cls(*(np.concatenate([getattr(b, name) for b in batches]) for name in ("step", "epoch_x", "loss", "lr")))


@dataclass
class EpochRow:
    """One finished epoch as the views, the CSV and the history show it."""

    epoch: int
    step: int
    train_loss: float
    lr: float
    val_loss: float | None = None
    val_accuracy: float | None = None
    val_mae: float | None = None
    val_r2: float | None = None
    train_accuracy: float | None = None  # measured on a fixed slice of the training data
    train_mae: float | None = None
    train_r2: float | None = None
    seconds: float = 0.0
    samples_per_second: float = 0.0
    improved: bool = False

    METRICS = (
        "train_loss",
        "val_loss",
        "val_accuracy",
        "val_mae",
        "val_r2",
        "train_accuracy",
        "train_mae",
        "train_r2",
        "lr",
    )

    def value(self, name: str) -> float | None:
        """A metric by name ("val_loss"), None when this run does not have it."""
        value = getattr(self, name, None)
        return None if value is None else float(value)

    def metrics(self) -> dict[str, float | None]:
        """The metrics this run has, by name (for the run history and saved comparisons)."""
        return {name: self.value(name) for name in self.METRICS if getattr(self, name) is not None}


@dataclass
class LrChange:
    step: int
    epoch_x: float
    lr: float
    message: str


@dataclass
class Progress:
    epoch: int = 0
    batch: int = 0
    batches: int = 1
    step: int = 0
    epochs: int = 0
    samples_per_second: float = 0.0


@dataclass
class RunUpdate:
    """Everything since the previous update (sent at most `frames_per_second` times a second)."""

    progress: Progress
    steps: StepBatch | None = None
    epochs: list[EpochRow] = field(default_factory=list)
    diagnostics: Diagnostics | None = None  # the latest epoch's, when it had them
    prediction: Prediction | None = None  # the task view's latest
    neurons: NeuronMaps | None = None  # the network view's latest
    probe: ProbeResult | None = None  # the look inside a node, the latest
    probe_error: str | None = None  # why the latest look inside a node failed
    snapshots: list[Any] = field(default_factory=list)  # WeightSnapshots kept since the last update
    lr_changes: list[LrChange] = field(default_factory=list)


# ---- the messages of a run, worker → window ---------------------------------------------------


@dataclass
class RunPrepared:
    run: int
    setup: RunSetup


@dataclass
class RunUpdated:
    run: int
    update: RunUpdate


@dataclass
class RunStateChanged:
    run: int
    state: str  # "running" or "paused"
    message: str = ""


@dataclass
class RunFinished:
    run: int
    summary: Summary


@dataclass
class RunFailed:
    run: int
    message: str


# ---- a whole run, kept ------------------------------------------------------------------------

EPOCH_COLUMNS = (
    "epoch",
    "step",
    "train_loss",
    "val_loss",
    "train_accuracy",
    "val_accuracy",
    "train_mae",
    "val_mae",
    "train_r2",
    "val_r2",
    "lr",
    "seconds",
    "samples_per_second",
)
STEP_COLUMNS = ("step", "epoch", "train_loss", "lr")


class RunLog:
    """One run as it was reported: its setup, epoch rows, step losses, summary, and the experiment
    it trained on (so the run history files it with the settings it really had)."""

    def __init__(self, experiment: Experiment | None = None) -> None:
        self.experiment = experiment
        self.setup: RunSetup | None = None
        self.epochs: list[EpochRow] = []
        self._steps: list[StepBatch] = []
        self.summary: Summary | None = None
        self.lr_changes: list[LrChange] = []  # learning rates set by hand during the run
        self.timeline: Any = None  # a SnapshotStore of the run's kept epochs, made by the first snapshot
        # the time machine: the run history's id of this run, and the run and epoch it was forked from
        self.history_id: str | None = None
        self.branch_of: str | None = None
        self.fork_epoch: int | None = None
        self.inherited_rows: list[dict[str, float | None]] = []  # the parent's epochs up to the fork

    def add(self, update: RunUpdate) -> None:
        if update.steps is not None and len(update.steps):
            self._steps.append(update.steps)
        self.epochs.extend(update.epochs)
        self.lr_changes.extend(update.lr_changes)
        if update.snapshots:
            if self.timeline is None:
                from playground.core.runs.timeline import SnapshotStore  # noqa: PLC0415 - torch only once there are snapshots

                self.timeline = SnapshotStore()
            for snapshot in update.snapshots:
                self.timeline.add(snapshot)

    def steps(self) -> StepBatch:
        """All steps so far (joined on demand)."""
        joined = StepBatch.joined(self._steps)
        self._steps = [joined] if len(joined) else []
        return joined

    def step_count(self) -> int:
        return sum(len(batch) for batch in self._steps)

    def is_empty(self) -> bool:
        return not self.epochs and not self._steps

    def history(self) -> list[dict[str, float | None]]:
        """The epoch metrics as rows by name (the shape saved comparisons use); a fork's line
        begins with its parent's epochs up to the fork."""
        return [*self.inherited_rows, *(row.metrics() for row in self.epochs)]

    def write_epochs_csv(self, path: str | Path) -> None:
        rows = ([getattr(row, column) for column in EPOCH_COLUMNS] for row in self.epochs)
        write_csv_atomic(path, EPOCH_COLUMNS, rows)

    def write_steps_csv(self, path: str | Path) -> None:
        steps = self.steps()
        rows = zip(steps.step.astype(np.int64).tolist(), steps.epoch_x.tolist(), steps.loss.tolist(), steps.lr.tolist())
        write_csv_atomic(path, STEP_COLUMNS, rows)


def csv_cell(value: Any) -> str:
    """CSV text of a value: empty for missing and non-finite numbers, never 'nan'."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return ""
    return repr(number) if number != int(number) or abs(number) >= 1e15 else str(int(number))


def write_csv_atomic(path: str | Path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a CSV file atomically, its text cells safe to open in a spreadsheet."""
    atomic_write_text(path, csv_text(header, ([csv_cell(value) for value in row] for row in rows)))


def field_names(cls: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(cls))
