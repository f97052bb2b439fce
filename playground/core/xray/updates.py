"""The optimizer's first step, written out: what `optimizer.step()` does to each parameter.

The X-ray freezes the run's first batch, so every optimizer starts from empty state (no velocity,
no moments yet). SGD (with momentum, Nesterov, dampening), Adam, AdamW, RMSprop and Adagrad are
written term by term in float64 exactly as torch computes them; the others (Adadelta, NAdam,
RAdam) are stepped by torch itself on a float64 copy, so their Δw is still the real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

EXPLAINED = frozenset({"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"})


@dataclass(frozen=True)
class OptimizerSettings:
    """The experiment's optimizer as it acts on the first step (lr after any warmup factor)."""

    name: str
    lr: float
    weight_decay: float = 0.0
    decoupled: bool = False  # AdamW: w ← w − η·λ·w, apart from the gradient
    momentum: float = 0.0
    dampening: float = 0.0
    nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    alpha: float = 0.99  # RMSprop's smoothing
    centered: bool = False
    kwargs: tuple[tuple[str, Any], ...] = ()  # the torch constructor's arguments (the fallback)

    @property
    def explained(self) -> bool:
        """Whether the X-ray writes this optimizer's step term by term."""
        return self.name in EXPLAINED

    @classmethod
    def of(cls, name: str, kwargs: Mapping[str, Any], lr: float) -> OptimizerSettings:
        betas = kwargs.get("betas") or (0.9, 0.999)
        return cls(
            name=name,
            lr=float(lr),
            weight_decay=float(kwargs.get("weight_decay", 0.0) or 0.0),
            decoupled=name == "AdamW",
            momentum=float(kwargs.get("momentum", 0.0) or 0.0),
            dampening=float(kwargs.get("dampening", 0.0) or 0.0),
            nesterov=bool(kwargs.get("nesterov", False)),
            beta1=float(betas[0]),
            beta2=float(betas[1]),
            eps=float(kwargs.get("eps", 1e-8)),
            alpha=float(kwargs.get("alpha", 0.99)),
            centered=bool(kwargs.get("centered", False)),
            kwargs=tuple(sorted((str(k), v) for k, v in kwargs.items())),
        )


@dataclass(frozen=True)
class ParameterUpdate:
    """One parameter tensor's first step: each intermediate the optimizer forms (None where this
    optimizer has no such term), all float64 arrays of the parameter's shape."""

    before: np.ndarray
    gradient: np.ndarray  # g: ∂L/∂w as the optimizer receives it (after the L1 term and any clipping)
    decayed: np.ndarray | None  # g + λ·w (coupled weight decay), when λ > 0 and not decoupled
    velocity: np.ndarray | None  # SGD momentum buffer v
    first_moment: np.ndarray | None  # Adam m
    second_moment: np.ndarray | None  # Adam v; RMSprop's mean square; Adagrad's sum of squares
    first_corrected: np.ndarray | None  # m̂
    second_corrected: np.ndarray | None  # v̂
    denominator: np.ndarray | None  # √v̂ + ε (Adam), √(mean square) + ε (RMSprop), √sum + ε (Adagrad)
    decay_step: np.ndarray | None  # AdamW's −η·λ·w
    step: np.ndarray  # Δw, all of it
    after: np.ndarray  # w + Δw


def first_step(settings: OptimizerSettings, weight: np.ndarray, gradient: np.ndarray) -> ParameterUpdate:
    """The update the optimizer's first step makes to `weight`, given its gradient."""
    w = np.asarray(weight, dtype=np.float64)
    g = np.asarray(gradient, dtype=np.float64)
    if not settings.explained:
        return _torch_step(settings, w, g)
    lr, wd, name = settings.lr, settings.weight_decay, settings.name
    decayed = g + wd * w if wd and not settings.decoupled else None
    d = decayed if decayed is not None else g
    velocity = first = second = first_hat = second_hat = denominator = decay_step = None
    if name == "SGD":
        direction = d
        if settings.momentum:
            velocity = d.copy()  # torch's first step: v = g (no dampening on the first step)
            direction = d + settings.momentum * velocity if settings.nesterov else velocity
        step = -lr * direction
    elif name in ("Adam", "AdamW"):
        b1, b2 = settings.beta1, settings.beta2
        first = (1 - b1) * d
        second = (1 - b2) * d * d
        first_hat = first / (1 - b1)
        second_hat = second / (1 - b2)
        denominator = np.sqrt(second_hat) + settings.eps
        step = -lr * first_hat / denominator
        if settings.decoupled and wd:
            decay_step = -lr * wd * w
            step = step + decay_step
    elif name == "RMSprop":
        second = (1 - settings.alpha) * d * d
        spread = second - ((1 - settings.alpha) * d) ** 2 if settings.centered else second
        denominator = np.sqrt(spread) + settings.eps
        if settings.momentum:
            velocity = d / denominator
            step = -lr * velocity
        else:
            step = -lr * d / denominator
    else:  # Adagrad: the first step's learning rate has not decayed yet
        second = d * d
        denominator = np.sqrt(second) + settings.eps
        step = -lr * d / denominator
    return ParameterUpdate(
        before=w,
        gradient=g,
        decayed=decayed,
        velocity=velocity,
        first_moment=first,
        second_moment=second,
        first_corrected=first_hat,
        second_corrected=second_hat,
        denominator=denominator,
        decay_step=decay_step,
        step=step,
        after=w + step,
    )


def _torch_step(settings: OptimizerSettings, w: np.ndarray, g: np.ndarray) -> ParameterUpdate:
    """Let torch step a float64 copy: the optimizers the X-ray does not write out still show their Δw."""
    parameter = torch.nn.Parameter(torch.from_numpy(w.copy()))
    parameter.grad = torch.from_numpy(g.copy())
    kwargs = dict(settings.kwargs)
    kwargs["lr"] = settings.lr
    optimizer: torch.optim.Optimizer = getattr(torch.optim, settings.name)([parameter], **kwargs)
    optimizer.step()
    after = parameter.detach().numpy().copy()
    return ParameterUpdate(
        before=w,
        gradient=g,
        decayed=None,
        velocity=None,
        first_moment=None,
        second_moment=None,
        first_corrected=None,
        second_corrected=None,
        denominator=None,
        decay_step=None,
        step=after - w,
        after=after,
    )
