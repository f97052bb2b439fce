"""The learning-rate range test (Smith 2015, popularised by fast.ai's LR finder).

Train the experiment's model for a few hundred steps while the learning rate grows exponentially
from tiny to huge, recording the loss of every batch. The loss first barely moves (LR too small),
then falls fastest, then explodes (LR too large). A good LR lies where the smoothed loss falls
most steeply, or about ten times below the LR of the lowest loss.

It drives the real engine (`Trainer`, one step at a time through `train_steps`, the LR of each
step set through its control), so it tests exactly the model, initial weights, batches, loss,
regularisation and clipping the learner is about to train; only the experiment's schedule, early
stopping and keep-best are left out (the sweep sets every LR itself).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.core.compare.race import base_copy
from playground.core.data import load_dataset
from playground.core.experiment.schema import Experiment
from playground.core.i18n import _
from playground.core.smoothing import DebiasedEma, smooth_ema
from playground.core.training.engine import Trainer, TrainerOptions
from playground.core.training.schedules import steps_per_epoch


@dataclass
class LRRangeResult:
    lrs: np.ndarray  # the LR of every step taken
    losses: np.ndarray  # the raw batch loss of every step
    smoothed: np.ndarray  # debiased EMA of the loss
    suggestion: float | None  # the suggested learning rate (steepest descent of the smoothed loss)
    steepest_lr: float | None
    min_loss_lr: float | None  # the LR at the lowest smoothed loss
    start_lr: float
    end_lr: float
    stopped_early: bool  # the loss exploded before the last step
    message: str

    @property
    def min_loss_over_ten(self) -> float | None:
        return None if self.min_loss_lr is None else max(self.start_lr, self.min_loss_lr / 10)


def suggest_lr(
    lrs: np.ndarray, smoothed: np.ndarray, skip_start: float = 0.1, skip_end: int = 3
) -> tuple[float | None, float | None]:
    """(steepest, min_loss): the LR where the smoothed loss falls fastest per log-LR (searched
    before the minimum), and the LR of the minimum. Always inside the swept range, or None."""
    lrs = np.asarray(lrs, dtype=np.float64)
    smoothed = np.asarray(smoothed, dtype=np.float64)
    finite = np.isfinite(smoothed) & np.isfinite(lrs) & (lrs > 0)
    if finite.sum() < 5:
        return None, None
    lrs, smoothed = lrs[finite], smoothed[finite]
    lowest = int(np.argmin(smoothed))
    min_loss_lr = float(lrs[lowest])
    start = int(len(lrs) * skip_start)
    stop = max(start + 2, min(lowest + 1, len(lrs) - skip_end))
    if stop - start < 3:
        return min_loss_lr / 10 if min_loss_lr / 10 >= lrs[0] else float(lrs[0]), min_loss_lr
    slope = np.gradient(smoothed[start:stop], np.log10(lrs[start:stop]))
    steepest = float(lrs[start + int(np.argmin(slope))])
    return steepest, min_loss_lr


def lr_range_test(
    experiment: Experiment,
    *,
    start_lr: float = 1e-5,
    end_lr: float = 1.0,
    steps: int = 200,
    smoothing: float = 0.9,
    diverge_factor: float = 4.0,
    dataset: Any | None = None,
    base_dir: str | None = None,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, float, float], None] | None = None,
) -> LRRangeResult:
    """Sweep the LR from `start_lr` to `end_lr` over `steps` steps (geometric), stopping early once
    the smoothed loss exceeds `diverge_factor` × its best. `progress(step, lr, loss)` after each."""
    if not (0 < start_lr < end_lr):
        raise ValueError(
            _("the sweep needs 0 < start_lr < end_lr, got {start} and {end}").format(
                start=f"{start_lr:g}", end=f"{end_lr:g}"
            )
        )
    steps = max(10, int(steps))
    schedule = np.geomspace(start_lr, end_lr, steps)
    lrs, losses, smoothed = [], [], []
    stopped_early, message = False, _("Swept the whole range.")
    if should_stop is not None and should_stop():
        stopped_early, message = True, _("Stopped by the user.")
    else:
        trainer, taken = _sweep_trainer(experiment, steps, dataset, base_dir)
        ema, best = DebiasedEma(smoothing), math.inf
        trainer.begin()
        for index, lr in enumerate(schedule):
            if index and should_stop is not None and should_stop():
                stopped_early, message = True, _("Stopped by the user.")
                break
            trainer.control.set_lr(float(lr))  # taken at the next step boundary: this step's LR
            outcome = trainer.train_steps(1)
            if taken:
                current = taken.pop()
                debiased = ema.push(current)
                lrs.append(float(lr))
                losses.append(current)
                smoothed.append(debiased)
                if progress is not None:
                    progress(index + 1, float(lr), current)
                best = min(best, debiased)
                if index > steps // 10 and debiased > diverge_factor * best:
                    stopped_early, message = True, _exploded_at(lr)
                    break
            if outcome is not None and outcome[0] == "diverged":  # the engine saw NaN/inf or an explosion
                stopped_early = True
                if trainer.divergence == "exploded":
                    message = _exploded_at(lr)
                else:
                    message = _("The loss became NaN/inf at LR {lr}.").format(lr=f"{lr:.3g}")
                break
        trainer.finish()
    lrs_a, losses_a = np.array(lrs), np.array(losses)
    smoothed_a = np.array(smoothed) if smoothed else smooth_ema(losses_a, smoothing)
    steepest, min_loss_lr = suggest_lr(lrs_a, smoothed_a)
    return LRRangeResult(
        lrs_a,
        losses_a,
        smoothed_a,
        steepest,
        steepest,
        min_loss_lr,
        float(start_lr),
        float(end_lr),
        stopped_early,
        message,
    )


def _exploded_at(lr: float) -> str:
    return _("The loss exploded at LR {lr}; the sweep stopped there.").format(lr=f"{lr:.3g}")


def _sweep_trainer(
    experiment: Experiment, steps: int, dataset: Any | None, base_dir: str | None
) -> tuple[Trainer, list[float]]:
    """A trainer of the experiment for a sweep of `steps` steps, and the list its observer puts
    each step's batch loss into."""
    sweep = base_copy(experiment)
    training = sweep.training
    training.scheduler = None  # the sweep sets every step's LR
    training.early_stopping = None
    training.keep_best = None
    if dataset is None:
        dataset = load_dataset(experiment.data, base_dir=base_dir)
    train_samples = int(dataset.x_train.shape[0])
    batch = (
        training.batch_size if training.batch_size == "full" else min(int(training.batch_size), max(1, train_samples))
    )
    epochs = max(1, -(-steps // steps_per_epoch(train_samples, batch)))
    taken: list[float] = []

    def observe(event: Any) -> None:
        if event.kind == "step":
            taken.append(event.train_loss)

    options = TrainerOptions(step_every=1, max_step_events_per_second=0.0, diagnostics=False)
    trainer = Trainer(sweep, dataset=dataset, base_dir=base_dir, observer=observe, options=options, epochs=epochs)
    return trainer, taken
