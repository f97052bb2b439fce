"""Activation functions side by side: values and derivatives (by autograd) with the seeds' facts.

The facts follow the seed documents' comparison table (000 §1.2, 004 二、激活函數): output range,
whether the output is zero-centred, how badly the gradient vanishes, whether units can die, and
what a call costs. The curves come from the real `torch.nn` modules, so what the panel draws is
exactly what a network built on the canvas computes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class ActivationFacts:
    """What a learner should know about one activation (English; the UI translates)."""

    name: str  # the torch.nn class name, as on the canvas
    formula: str
    derivative: str  # formula of f'(x)
    output_range: str
    zero_centred: bool
    vanishing_gradient: str  # "severe", "mild", "none"
    dead_neurons: str  # "yes", "no", "rare"
    cost: str  # "cheap", "moderate", "expensive"
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    params: Mapping[str, float] = field(default_factory=dict)  # constructor defaults shown in the panel


ACTIVATIONS: dict[str, ActivationFacts] = {
    facts.name: facts
    for facts in (
        ActivationFacts(
            "Sigmoid",
            "σ(x) = 1 / (1 + e⁻ˣ)",
            "σ'(x) = σ(x)·(1 − σ(x)) ≤ 0.25",
            "(0, 1)",
            zero_centred=False,
            vanishing_gradient="severe",
            dead_neurons="no",
            cost="moderate",
            pros=("Output reads as a probability (binary classification output).", "Smooth everywhere."),
            cons=(
                "Severe vanishing gradient: the derivative is at most 0.25 and ~0 for |x| > 5.",
                "Output is not zero-centred, so the next layer's weight updates zig-zag.",
                "Needs an exponential.",
            ),
        ),
        ActivationFacts(
            "Tanh",
            "tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)",
            "tanh'(x) = 1 − tanh²(x) ≤ 1",
            "(−1, 1)",
            zero_centred=True,
            vanishing_gradient="mild",
            dead_neurons="no",
            cost="moderate",
            pros=("Zero-centred output (symmetric, unlike Sigmoid).", "Derivative up to 1: gradients vanish less."),
            cons=("Still saturates for large |x|: deep stacks still lose their gradient.", "Needs exponentials."),
        ),
        ActivationFacts(
            "ReLU",
            "f(x) = max(0, x)",
            "f'(x) = 1 if x > 0 else 0",
            "[0, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="yes",
            cost="cheap",
            pros=(
                "No vanishing gradient for positive inputs (derivative exactly 1).",
                "Very cheap: a comparison.",
                "The most widely used default.",
            ),
            cons=(
                "Dead neurons: a unit whose input stays negative gets zero gradient and never recovers.",
                "Output is not zero-centred.",
            ),
        ),
        ActivationFacts(
            "LeakyReLU",
            "f(x) = x if x > 0 else αx",
            "f'(x) = 1 if x > 0 else α",
            "(−∞, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="no",
            cost="cheap",
            pros=(
                "Fixes ReLU's dead neurons: negative inputs keep a small slope α (usually 0.01).",
                "As cheap as ReLU.",
            ),
            cons=("α is one more hyper-parameter.", "Mostly positive output (not zero-centred)."),
            params={"negative_slope": 0.01},
        ),
        ActivationFacts(
            "ELU",
            "f(x) = x if x > 0 else α(eˣ − 1)",
            "f'(x) = 1 if x > 0 else f(x) + α",
            "(−α, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="no",
            cost="moderate",
            pros=("Negative outputs push the mean activation towards zero.", "No dead neurons; smooth for x < 0."),
            cons=("Needs an exponential for negative inputs.",),
            params={"alpha": 1.0},
        ),
        ActivationFacts(
            "GELU",
            "f(x) = x·Φ(x)",
            "f'(x) = Φ(x) + x·φ(x)",
            "[≈ −0.17, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="rare",
            cost="expensive",
            pros=(
                "Smooth non-linearity: the Transformer default (BERT, GPT).",
                "Small negative inputs still pass a little gradient.",
            ),
            cons=("Costs more than ReLU (Gaussian CDF or its tanh approximation).",),
        ),
        ActivationFacts(
            "SiLU",
            "f(x) = x·σ(x)  (Swish)",
            "f'(x) = σ(x)·(1 + x·(1 − σ(x)))",
            "[≈ −0.28, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="rare",
            cost="moderate",
            pros=("Self-gated and smooth; often beats ReLU in deep networks.",),
            cons=("Needs an exponential; non-monotonic (a small dip below zero).",),
        ),
        ActivationFacts(
            "Mish",
            "f(x) = x·tanh(ln(1 + eˣ))",
            "f'(x) = tanh(sp(x)) + x·σ(x)·(1 − tanh²(sp(x)))",
            "[≈ −0.31, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="rare",
            cost="expensive",
            pros=("Smooth like Swish; good results in some vision networks.",),
            cons=("The most expensive here: exponential, logarithm and tanh.",),
        ),
        ActivationFacts(
            "Softplus",
            "f(x) = (1/β)·ln(1 + e^(βx))",
            "f'(x) = σ(βx)",
            "(0, +∞)",
            zero_centred=False,
            vanishing_gradient="mild",
            dead_neurons="no",
            cost="moderate",
            pros=("A smooth ReLU: the gradient never becomes exactly zero.",),
            cons=("Always positive (not zero-centred).", "Derivative is a sigmoid: it saturates for x ≪ 0."),
            params={"beta": 1.0},
        ),
    )
}


def make_activation(name: str, params: Mapping[str, Any] | None = None) -> nn.Module:
    """The torch module of activation `name` with its defaults overridden by `params`."""
    if name not in ACTIVATIONS:
        raise KeyError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}")
    kwargs = dict(ACTIVATIONS[name].params)
    kwargs.update(params or {})
    module: nn.Module = getattr(nn, name)(**kwargs)
    return module


def activation_curves(
    name: str,
    x_min: float = -5.0,
    x_max: float = 5.0,
    points: int = 401,
    params: Mapping[str, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, f(x) and f'(x) over [x_min, x_max]; the derivative is torch autograd's, not a formula."""
    if not x_max > x_min:
        raise ValueError(f"the range must grow: got [{x_min}, {x_max}]")
    module = make_activation(name, params)
    x = torch.linspace(float(x_min), float(x_max), int(max(2, points)), dtype=torch.float64, requires_grad=True)
    y = module(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return x.detach().numpy(), y.detach().numpy(), dy.detach().numpy()


def derivative_extremes(name: str, params: Mapping[str, Any] | None = None) -> tuple[float, float]:
    """Smallest and largest f'(x) over a wide range: Sigmoid's 0.25 is the vanishing-gradient lesson."""
    _, _, dy = activation_curves(name, -10.0, 10.0, 2001, params)
    return float(dy.min()), float(dy.max())
