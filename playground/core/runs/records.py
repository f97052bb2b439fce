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
    frames_per_second: float = DEFAULT_FRAMES_PER_SECOND  # how often updates are sent at most
    # the language of the run's messages: a worker process has its own copy of the core's language
    language: str = field(default_factory=playground.core.i18n.language)


@dataclass
class ViewSetup:
    """The task view's kind and its static data, sent once per run."""

    kind: str  # "boundary", "images", "forecast", "confusion", "scatter" or "none"
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
    images: np.ndarray | None = None  # images: (k, C, H, W)
    labels: np.ndarray | None = None
    history: np.ndarray | None = None  # forecast: input windows
    truth: np.ndarray | None = None  # forecast, scatter: true values


@dataclass
class Prediction:
    """The task view's latest output of the model (whichever fields its kind uses)."""

    values: np.ndarray | None = None  # boundary: (r, r, classes) probabilities or (r, r) values
    confusion: np.ndarray | None = None  # images, confusion: (k, k) counts
    predicted: np.ndarray | None = None  # images: class; forecast, scatter: value
    confidence: np.ndarray | None = None  # images: probability of the predicted class


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

    def add(self, update: RunUpdate) -> None:
        if update.steps is not None and len(update.steps):
            self._steps.append(update.steps)
        self.epochs.extend(update.epochs)
        self.lr_changes.extend(update.lr_changes)

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
        """The epoch metrics as rows by name (the shape saved comparisons use)."""
        return [row.metrics() for row in self.epochs]

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
