"""Pick the torch device an experiment asks for, with a plain message when it is not there."""

from __future__ import annotations

import torch

from playground.core.errors import ExperimentError, Problem
from playground.core.i18n import _


def resolve_device(name: str) -> torch.device:
    """ "auto" is CUDA when present, else CPU (MPS only when asked: some ops are still missing)."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ExperimentError(
            Problem("training.device", _('CUDA was requested but no CUDA GPU is available; use "auto" or "cpu"'))
        )
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ExperimentError(
            Problem("training.device", _('MPS (Apple GPU) was requested but is not available; use "auto" or "cpu"'))
        )
    return torch.device(name)
