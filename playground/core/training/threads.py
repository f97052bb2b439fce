"""How many CPU threads a model trains fastest with.

Torch uses every core by default. For the small models of a lesson (an MLP on the spiral, an LSTM
on a sine wave) each step is a few tiny matrix products, and splitting those over threads costs
more in synchronisation than it saves: on a 2-core machine the spiral preset trained in 5.0 s with
one thread and 29.4 s with torch's default. Convolutions and big layers do gain from more threads.
The engine, `playground train` and the exported script use this rule unless told a number.
"""

from __future__ import annotations

import os

import torch
from torch import nn

SMALL_MODEL_PARAMETERS = 1_000_000  # below this, without convolutions: one thread
PARALLEL_MODULES = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
# Torch's own thread count, read when this module is first imported: the engine imports it, so
# that is before any run of this process has called torch.set_num_threads.
_TORCH_DEFAULT = torch.get_num_threads()


def default_threads() -> int:
    """Torch's own choice on this machine (its thread count when the process started)."""
    return max(1, min(_TORCH_DEFAULT, os.cpu_count() or _TORCH_DEFAULT))


def is_small(model: nn.Module) -> bool:
    """A model whose steps are too small to split over threads."""
    if any(isinstance(module, PARALLEL_MODULES) for module in model.modules()):
        return False
    return sum(p.numel() for p in model.parameters()) <= SMALL_MODEL_PARAMETERS


def threads_for(model: nn.Module, limit: int | None = None) -> int:
    """One thread for a small model, else torch's default (at most `limit`)."""
    threads = 1 if is_small(model) else default_threads()
    return max(1, min(threads, limit)) if limit else threads


def describe_threads(threads: int, model: nn.Module) -> str:
    """The line `playground train` prints: how many threads and why."""
    if threads == 1 and is_small(model):
        return "1 CPU thread (a small model: more threads would only slow it down; --threads N changes it)"
    return f"{threads} CPU thread{'s' if threads != 1 else ''}"
