"""Learning-rate schedules: torch schedulers with an optional linear warmup in front.

Warmup multiplies the LR of optimizer step t (counted from 0) by (t + 1) / (W + 1) for the first
W steps, then by 1: exactly torch's ``LinearLR(start_factor=1/(W+1), total_iters=W)`` chained in
front of the named scheduler (``ChainedScheduler`` semantics). The named scheduler runs on its
own clock from the first step ("epoch" interval: it steps after every epoch; "step": after every
optimizer step). The warmup factor is applied around the optimizer step only, so the inner
scheduler always sees its own LR and chainable formulas stay exact.

`ReduceLROnPlateau` always steps once per epoch on the validation metric, whatever the interval.

`lr_schedule` replays the same controller without training, for the schedule plots.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch.optim import lr_scheduler

from playground.core.catalogue.training import SCHEDULERS, has_momentum
from playground.core.errors import ExperimentError, Problem
from playground.core.experiment.schema import SchedulerSpec, TrainingSpec
from playground.core.i18n import _
from playground.core.params import resolved
from playground.core.training.optimizers import build_optimizer

PLATEAU = "ReduceLROnPlateau"


def steps_per_epoch(train_samples: int, batch_size: int | str) -> int:
    """Optimizer steps in one epoch; the last, smaller batch is kept (not dropped)."""
    if batch_size == "full":
        return 1
    batch = int(batch_size)
    return max(1, -(-train_samples // batch))


def build_scheduler(optimizer: torch.optim.Optimizer, spec: SchedulerSpec, steps_per_epoch: int, epochs: int) -> Any:
    """The torch scheduler named by `spec`; OneCycleLR gets its total length from the run."""
    if spec.type not in SCHEDULERS:
        known = ", ".join(SCHEDULERS)
        raise ExperimentError(
            Problem(
                "training.scheduler.type",
                _("unknown scheduler {name} (known: {known})").format(name=repr(spec.type), known=known),
            )
        )
    kwargs = resolved(SCHEDULERS[spec.type].params, spec.params)
    if spec.type == "OneCycleLR":
        kwargs["total_steps"] = max(1, epochs * steps_per_epoch if spec.interval == "step" else epochs)
        if not has_momentum(type(optimizer).__name__):
            kwargs["cycle_momentum"] = False
    return getattr(lr_scheduler, spec.type)(optimizer, **kwargs)


class LRController:
    """Drives the LR of one optimizer: warmup, the named scheduler, and manual overrides.

    The engine calls `before_step()` (returns the LR used for this step), then the optimizer
    step, then `after_step()`; and `end_epoch(metric)` after validation. `set_lr` replaces the
    schedule for the rest of the run: a learner who drags the LR slider expects that LR.
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        spec: SchedulerSpec | None,
        steps_per_epoch: int,
        epochs: int,
    ) -> None:
        self.optimizer = optimizer
        self.spec = spec
        self.warmup_steps = spec.warmup_steps if spec is not None else 0
        self.interval = spec.interval if spec is not None else "epoch"
        self.inner = build_scheduler(optimizer, spec, steps_per_epoch, epochs) if spec is not None else None
        self.is_plateau = spec is not None and spec.type == PLATEAU
        self.step_count = 0
        self.manual = False
        self._saved: list[float] | None = None

    # ---- the step protocol ---------------------------------------------------------------
    def warmup_factor(self, step: int) -> float:
        if self.manual or step >= self.warmup_steps:
            return 1.0
        return (step + 1) / (self.warmup_steps + 1)

    def before_step(self) -> float:
        """Apply warmup for the coming optimizer step; return the LR of the first group."""
        factor = self.warmup_factor(self.step_count)
        groups = self.optimizer.param_groups
        if factor != 1.0:
            self._saved = [group["lr"] for group in groups]
            for group in groups:
                group["lr"] = group["lr"] * factor
        return float(groups[0]["lr"])

    def after_step(self) -> None:
        if self._saved is not None:
            for group, lr in zip(self.optimizer.param_groups, self._saved):
                group["lr"] = lr
            self._saved = None
        self.step_count += 1
        if self.interval == "step" and not self.is_plateau:
            self._step_inner(None)

    def end_epoch(self, metric: float | None) -> None:
        if self.is_plateau:
            if metric is not None:
                self._step_inner(metric)
        elif self.interval == "epoch":
            self._step_inner(None)

    def _step_inner(self, metric: float | None) -> None:
        if self.inner is None or self.manual:
            return
        if isinstance(self.inner, lr_scheduler.OneCycleLR) and self.inner.last_epoch >= self.inner.total_steps:
            return  # past the planned cycle (a resumed run with more epochs): hold the last LR
        if self.is_plateau:
            self.inner.step(metric)
        else:
            self.inner.step()

    @property
    def per_step(self) -> bool:
        """Whether anything must happen around the next optimizer steps (warmup, a per-step
        scheduler). When not, the engine skips `before_step`/`after_step` and calls `skip(n)`."""
        if self.manual:
            return False
        per_step_inner = self.inner is not None and self.interval == "step" and not self.is_plateau
        return per_step_inner or self.step_count < self.warmup_steps

    def skip(self, steps: int) -> None:
        """Count optimizer steps taken without `before_step`/`after_step` (nothing to do there)."""
        self.step_count += steps

    # ---- control ---------------------------------------------------------------------------
    def current_lr(self) -> float:
        """LR the next optimizer step will use (warmup included)."""
        return float(self.optimizer.param_groups[0]["lr"]) * self.warmup_factor(self.step_count)

    def set_lr(self, value: float) -> None:
        self.manual = True
        for group in self.optimizer.param_groups:
            group["lr"] = float(value)

    def state_dict(self) -> dict[str, Any]:
        return {
            "step_count": self.step_count,
            "manual": self.manual,
            "inner": self.inner.state_dict() if self.inner is not None else None,
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.step_count = int(state["step_count"])
        self.manual = bool(state["manual"])
        if self.inner is not None and state.get("inner") is not None:
            self.inner.load_state_dict(dict(state["inner"]))


def lr_schedule(
    training: TrainingSpec,
    steps_per_epoch: int,
    epochs: int | None = None,
    plateau_metrics: Sequence[float | None] | None = None,
    max_steps: int | None = None,
) -> np.ndarray:
    """The LR of every optimizer step of a run (the first `max_steps` of them), computed without training.

    Uses the same optimizer, scheduler and warmup code as the engine, on a dummy parameter, so
    the plot and the run agree. `ReduceLROnPlateau` depends on validation metrics that are not
    known before training: pass `plateau_metrics` (one per epoch) to replay a run; without them
    the LR is drawn as if the metric kept improving (no reduction), the schedule's upper bound.

    A schedule stepped once per epoch is replayed an epoch at a time (its LR only changes between
    epochs, warmup aside), so even 100,000 epochs take well under a second.
    """
    epochs = training.epochs if epochs is None else epochs
    total = epochs * steps_per_epoch if max_steps is None else min(epochs * steps_per_epoch, max(0, max_steps))
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = build_optimizer(training.optimizer.type, training.optimizer.params, [parameter])
    controller = LRController(optimizer, training.scheduler, steps_per_epoch, epochs)
    per_step = controller.interval == "step" and not controller.is_plateau
    lrs = np.empty(total, dtype=np.float64)
    index = 0
    with warnings.catch_warnings():
        # The optimizer never steps here (nothing trains), which torch's schedulers warn about.
        warnings.filterwarnings("ignore", message=r".*lr_scheduler\.step\(\).*optimizer\.step\(\).*")
        for epoch in range(epochs):
            if index >= total:
                break
            if per_step:
                for _step in range(min(steps_per_epoch, total - index)):
                    lrs[index] = controller.before_step()
                    controller.after_step()
                    index += 1
            else:
                count = min(steps_per_epoch, total - index)
                lrs[index : index + count] = float(optimizer.param_groups[0]["lr"])
                index += count
                controller.step_count += count
            metric = None
            if plateau_metrics is not None and epoch < len(plateau_metrics):
                metric = plateau_metrics[epoch]
            controller.end_epoch(metric)
    warmup = min(controller.warmup_steps, total)
    if warmup and not per_step:
        lrs[:warmup] *= (np.arange(warmup) + 1.0) / (controller.warmup_steps + 1.0)
    return lrs
