"""Activation functions side by side: values and derivatives (by autograd), with what a learner
should know about each (`playground.core.catalogue.activation_facts`).

The curves come from the real `torch.nn` modules, so what the panel draws is exactly what a network
built on the canvas computes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from playground.core.catalogue.activation_facts import ACTIVATION_FACTS, ActivationFacts
from playground.core.i18n import _

# The facts hang beside the catalogue entries (formula and defaults are the entries' own).
ACTIVATIONS: dict[str, ActivationFacts] = ACTIVATION_FACTS


def make_activation(name: str, params: Mapping[str, Any] | None = None) -> nn.Module:
    """The torch module of activation `name` with its defaults overridden by `params`."""
    if name not in ACTIVATIONS:
        raise KeyError(
            _("unknown activation {name}; known: {known}").format(name=repr(name), known=", ".join(ACTIVATIONS))
        )
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
        raise ValueError(_("the range must grow: got [{low}, {high}]").format(low=x_min, high=x_max))
    module = make_activation(name, params)
    x = torch.linspace(float(x_min), float(x_max), int(max(2, points)), dtype=torch.float64, requires_grad=True)
    y = module(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return x.detach().numpy(), y.detach().numpy(), dy.detach().numpy()


def derivative_extremes(name: str, params: Mapping[str, Any] | None = None) -> tuple[float, float]:
    """Smallest and largest f'(x) over a wide range: Sigmoid's 0.25 is the vanishing-gradient lesson."""
    _x, _y, dy = activation_curves(name, -10.0, 10.0, 2001, params)
    return float(dy.min()), float(dy.max())
