"""Build the torch optimizer an experiment names, from its declared parameters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import torch

from playground.core.catalogue.training import OPTIMIZERS
from playground.core.errors import ExperimentError, Problem
from playground.core.i18n import _
from playground.core.params import resolved


def optimizer_kwargs(name: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Constructor arguments: declared defaults, the given values, lists made into tuples."""
    if name not in OPTIMIZERS:
        known = ", ".join(OPTIMIZERS)
        raise ExperimentError(
            Problem(
                "training.optimizer.type",
                _("unknown optimizer {name} (known: {known})").format(name=repr(name), known=known),
            )
        )
    problems = OPTIMIZERS[name].rule_problems(params)
    if problems:
        raise ExperimentError([Problem(f"training.optimizer.params.{key}", message) for key, message in problems])
    kwargs = resolved(OPTIMIZERS[name].params, params)
    if "betas" in kwargs and kwargs["betas"] is not None:
        kwargs["betas"] = tuple(float(b) for b in kwargs["betas"])
    return kwargs


def build_optimizer(
    name: str, params: Mapping[str, Any] | None, parameters: Iterable[torch.nn.Parameter]
) -> torch.optim.Optimizer:
    """The optimizer over `parameters` (only those that require a gradient)."""
    kwargs = optimizer_kwargs(name, params)
    trainable = [p for p in parameters if p.requires_grad]
    if not trainable:
        raise ExperimentError(Problem("model", _("the model has no trainable parameters")))
    optimizer: torch.optim.Optimizer = getattr(torch.optim, name)(trainable, **kwargs)
    return optimizer
