"""Run real `torch.optim` optimizers on a 2-D surface from one start and record their paths.

The point (x, y) is a single torch parameter; each step computes f and its gradient by autograd
and lets the optimizer update the point, exactly as it would update a network's weights. Without
noise everything is deterministic; with `noise` > 0 the gradient gets seeded Gaussian noise (a
stand-in for mini-batch noise) and the same seed gives the same path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from playground.core.compare.surfaces import Surface
from playground.core.i18n import N_, _

DIVERGED_AT = 1e6  # |x| or |y| beyond this (or a non-finite value) ends a path as diverged


@dataclass(frozen=True)
class OptimizerChoice:
    """One optimizer of the comparison: a label, the torch class and its fixed arguments."""

    key: str
    torch_name: str
    params: Mapping[str, Any]
    default_lr: float
    help: str  # the update rule or what it does (English; `help_text` is the current language's)

    @property
    def help_text(self) -> str:
        """The help in the current language."""
        return _(self.help)


OPTIMIZERS: dict[str, OptimizerChoice] = {
    choice.key: choice
    for choice in (
        OptimizerChoice("SGD", "SGD", {}, 0.01, "w ← w − lr·g"),
        OptimizerChoice("Momentum", "SGD", {"momentum": 0.9}, 0.005, "v ← 0.9·v + g;  w ← w − lr·v"),
        OptimizerChoice(
            "Nesterov",
            "SGD",
            {"momentum": 0.9, "nesterov": True},
            0.005,
            N_("momentum, with the gradient taken a step ahead"),
        ),
        OptimizerChoice("Adam", "Adam", {}, 0.05, N_("running means of g and g²; step lr·m̂/√v̂")),
        OptimizerChoice("AdamW", "AdamW", {"weight_decay": 0.01}, 0.05, N_("Adam with decoupled weight decay")),
        OptimizerChoice("RMSprop", "RMSprop", {}, 0.01, N_("step lr·g/√(running mean of g²)")),
        OptimizerChoice("Adagrad", "Adagrad", {}, 0.5, N_("step lr·g/√(sum of all g²): shrinks over time")),
        OptimizerChoice("NAdam", "NAdam", {}, 0.05, N_("Adam with Nesterov momentum")),
    )
}


def experiment_optimizer(key: str, lr: float) -> tuple[str, dict[str, Any]]:
    """The experiment's optimizer spec (torch type, params) for a comparison key like "Nesterov"."""
    choice = OPTIMIZERS[key]
    params = dict(choice.params)
    params["lr"] = float(lr)
    return choice.torch_name, params


@dataclass
class PathResult:
    """One optimizer's path: positions (n+1, 2) from the start, f along it, and when it got close."""

    optimizer: str
    lr: float
    path: np.ndarray  # (steps + 1, 2); shorter when the path diverged
    values: np.ndarray  # f at every position
    steps_to_tolerance: int | None  # first step with f − f_min ≤ tolerance; None if never
    diverged: bool = False
    final_distance: float = math.nan  # to the nearest known minimum
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final_value(self) -> float:
        return float(self.values[-1]) if len(self.values) else math.nan


def run_path(
    surface: Surface,
    optimizer: str,
    lr: float | None = None,
    steps: int | None = None,
    start: Sequence[float] | None = None,
    tolerance: float = 1e-3,
    noise: float = 0.0,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
) -> PathResult:
    """Optimise `surface` with `optimizer` (a key of OPTIMIZERS) for `steps` steps from `start`."""
    choice = OPTIMIZERS[optimizer]
    lr = float(lr if lr is not None else surface.learning_rate(optimizer, choice.default_lr))
    if not lr > 0:
        raise ValueError(_("the learning rate must be positive, got {lr}").format(lr=lr))
    steps = int(steps if steps is not None else surface.steps)
    start = tuple(float(v) for v in (start if start is not None else surface.start))
    kwargs = dict(choice.params)
    kwargs.update(params or {})
    point = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
    opt = getattr(torch.optim, choice.torch_name)([point], lr=lr, **kwargs)
    generator = torch.Generator().manual_seed(int(seed)) if noise > 0 else None
    f_min = surface.minimum_value
    path = np.empty((steps + 1, 2))
    values = np.empty(steps + 1)
    reached: int | None = None
    diverged = False
    count = 0
    for index in range(steps + 1):
        opt.zero_grad(set_to_none=True)
        value = surface(point[0], point[1])
        position = point.detach().numpy()
        value_f = float(value.detach())
        if not (math.isfinite(value_f) and np.all(np.abs(position) < DIVERGED_AT)):
            diverged = True
            break
        path[index] = position
        values[index] = value_f
        count = index + 1
        if reached is None and value_f - f_min <= tolerance:
            reached = index
        if index == steps:
            break
        value.backward()  # type: ignore[no-untyped-call]  # torch leaves Tensor.backward unannotated
        if generator is not None:
            if point.grad is None:  # backward() has just filled it
                raise RuntimeError("the optimizer path's point got no gradient")
            point.grad.add_(torch.randn(2, generator=generator, dtype=torch.float64) * noise)
        opt.step()
    path, values = path[:count], values[:count]
    last = path[-1] if count else np.array(start)
    distance = min(math.hypot(m[0] - last[0], m[1] - last[1]) for m in surface.minima)
    return PathResult(optimizer, lr, path, values, reached, diverged, distance)


def run_paths(
    surface: Surface,
    learning_rates: Mapping[str, float | None],
    steps: int | None = None,
    start: Sequence[float] | None = None,
    tolerance: float = 1e-3,
    noise: float = 0.0,
    seed: int = 0,
) -> dict[str, PathResult]:
    """Every optimizer in `learning_rates` (key -> lr, None for the surface's suggestion) from one start."""
    return {key: run_path(surface, key, lr, steps, start, tolerance, noise, seed) for key, lr in learning_rates.items()}
