"""Events the trainer reports: plain data only (floats, ints, strings, numpy arrays).

No live tensor ever leaves the trainer, so a GUI thread may keep and plot what it receives
while the training thread goes on changing the weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from playground.core.training.diagnostics import Diagnostics

Status = Literal["completed", "early_stopped", "diverged", "stopped"]


def _clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """`_clean` of an event's dictionary, typed as one."""
    return {k: _clean(v) for k, v in record.items()}


def _clean(value: Any) -> Any:
    """JSON-friendly: NaN/inf become None, numpy scalars and arrays become Python values."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()] if value.ndim == 1 else [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


@dataclass
class StepEvent:
    """A training step (throttled): the loss of that batch and the LR it used."""

    epoch: int  # 1-based epoch the step belongs to
    step: int  # optimizer steps done so far in the run (1-based after the first)
    batch: int  # 1-based batch index within the epoch
    batches: int  # batches per epoch
    train_loss: float
    lr: float
    samples_per_second: float
    kind: str = field(default="step", init=False)

    def as_dict(self) -> dict[str, Any]:
        return _clean_record(
            {
                "event": "step",
                "epoch": self.epoch,
                "step": self.step,
                "batch": self.batch,
                "batches": self.batches,
                "train_loss": self.train_loss,
                "lr": self.lr,
                "samples_per_second": self.samples_per_second,
            }
        )


@dataclass
class EpochEvent:
    """One finished epoch: mean training loss, validation metrics, LR, speed, diagnostics."""

    epoch: int
    step: int
    train_loss: float
    val_loss: float | None = None
    val_accuracy: float | None = None
    val_mae: float | None = None
    val_r2: float | None = None
    lr: float = 0.0
    seconds: float = 0.0  # wall time of this epoch (training and validation)
    samples_per_second: float = 0.0
    improved: bool = False  # the keep-best / early-stopping monitor improved this epoch
    diagnostics: Diagnostics | None = None
    weights: dict[str, np.ndarray] | None = None  # only with TrainerOptions.snapshot_weights
    kind: str = field(default="epoch", init=False)

    def metrics(self) -> dict[str, float | None]:
        """The scalar metrics only (for CSV rows and history plots)."""
        out: dict[str, float | None] = {"train_loss": self.train_loss}
        for name in ("val_loss", "val_accuracy", "val_mae", "val_r2"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["lr"] = self.lr
        return out

    def as_dict(self, with_diagnostics: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"event": "epoch", "epoch": self.epoch, "step": self.step}
        out.update(self.metrics())
        out["seconds"] = self.seconds
        out["samples_per_second"] = self.samples_per_second
        if with_diagnostics and self.diagnostics is not None:
            out["diagnostics"] = self.diagnostics.as_dict()
        return _clean_record(out)


@dataclass
class StateEvent:
    """The run changed state: "running", "paused", or a message ("lr" changed by the user)."""

    state: str
    epoch: int
    step: int
    message: str = ""
    kind: str = field(default="state", init=False)


# The metrics a finished run reports (Summary's fields of that name), in the order tables show them.
FINAL_METRICS = (
    "train_loss",
    "val_loss",
    "val_accuracy",
    "val_mae",
    "val_r2",
    "test_loss",
    "test_accuracy",
    "test_mae",
    "test_r2",
)


@dataclass
class Summary:
    """The end of a run: status, last metrics, test metrics, speed, and the epoch history."""

    status: Status
    message: str
    epochs: int  # epochs completed
    steps: int
    train_loss: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    val_mae: float | None = None
    val_r2: float | None = None
    test_loss: float | None = None
    test_accuracy: float | None = None
    test_mae: float | None = None
    test_r2: float | None = None
    seconds: float = 0.0
    samples_per_second: float = 0.0
    best_epoch: int | None = None
    restored_best: bool = False
    confusion_matrix: np.ndarray | None = None  # on the test split (else validation), on request
    task: str = "classification"
    history: list[dict[str, float | None]] = field(default_factory=list)
    kind: str = field(default="summary", init=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event": "summary",
            "status": self.status,
            "message": self.message,
            "epochs": self.epochs,
            "steps": self.steps,
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
        }
        if self.task == "classification":
            out.update(val_accuracy=self.val_accuracy, test_loss=self.test_loss, test_accuracy=self.test_accuracy)
        else:
            out.update(
                val_mae=self.val_mae,
                val_r2=self.val_r2,
                test_loss=self.test_loss,
                test_mae=self.test_mae,
                test_r2=self.test_r2,
            )
        out.update(
            seconds=self.seconds,
            samples_per_second=self.samples_per_second,
            best_epoch=self.best_epoch,
            restored_best=self.restored_best,
        )
        if self.confusion_matrix is not None:
            out["confusion_matrix"] = self.confusion_matrix.tolist()
        return _clean_record(out)


Event = StepEvent | EpochEvent | StateEvent | Summary
Observer = Callable[[Event], None]
