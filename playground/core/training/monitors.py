"""Early stopping and keep-best: follow one metric, remember its best value and when it came."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from playground.core.errors import ExperimentError, Problem
from playground.core.i18n import _

MAXIMISED = frozenset({"val_accuracy", "val_r2"})


class MetricTracker:
    """Best value so far of one metric, and how many epochs since it last improved."""

    def __init__(self, monitor: str, min_delta: float = 0.0) -> None:
        self.monitor = monitor
        self.min_delta = float(min_delta)
        self.maximise = monitor in MAXIMISED
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.epochs_without_improvement = 0

    def update(self, value: float | None, epoch: int) -> bool:
        """Record the value of `epoch` (1-based); True when it improved on the best by min_delta."""
        if value is None or not math.isfinite(value):
            self.epochs_without_improvement += 1
            return False
        if self.best is None:
            improved = True
        elif self.maximise:
            improved = value > self.best + self.min_delta
        else:
            improved = value < self.best - self.min_delta
        if improved:
            self.best, self.best_epoch = value, epoch
            self.epochs_without_improvement = 0
        else:
            self.epochs_without_improvement += 1
        return improved

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_epoch": self.best_epoch, "waited": self.epochs_without_improvement}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.best = state["best"]
        self.best_epoch = state["best_epoch"]
        self.epochs_without_improvement = int(state["waited"])


def monitor_problem(monitor: str, task: str, has_val: bool) -> str | None:
    """Why a run cannot provide `monitor` (no validation split, or the other task), or None."""
    if monitor.startswith("val_") and not has_val:
        return _(
            "monitors {monitor} but the data split has no validation share; set data.split.val above 0 "
            "or monitor train_loss"
        ).format(monitor=monitor)
    if monitor == "val_accuracy" and task != "classification":
        return _("val_accuracy needs a classification dataset; use val_loss or val_r2")
    if monitor in ("val_mae", "val_r2") and task != "regression":
        return _("{monitor} needs a regression dataset; use val_loss or val_accuracy").format(monitor=monitor)
    return None


def check_monitor(monitor: str, task: str, has_val: bool, path: str) -> None:
    """Refuse a monitor the run cannot provide (no validation split, or the wrong task)."""
    problem = monitor_problem(monitor, task, has_val)
    if problem is not None:
        raise ExperimentError(Problem(path, problem))
