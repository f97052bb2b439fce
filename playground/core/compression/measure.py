"""What a compressed model costs: its size on disk, its parameters that are not zero, and the time
one batch takes through it.

The size is the length of the state dict serialised with `torch.save` into memory (the bytes a
`.pt` file of the weights would hold), the one format that stores float32 and INT8 (packed)
weights alike; nothing is written to disk and nothing is loaded back. The time is the median of
repeated forward passes of one batch on the CPU, after a warm-up, in inference mode.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

WARMUP_PASSES = 3
MIN_PASSES = 5
MAX_PASSES = 200
TIMING_SECONDS = 0.25  # time spent measuring one model, at most about this (or MIN_PASSES passes)


@dataclass(frozen=True)
class ParameterCount:
    """Weights and biases of a model, and how many of them are not zero."""

    total: int
    nonzero: int

    @property
    def zero_share(self) -> float:
        return 1.0 - self.nonzero / self.total if self.total else 0.0


@dataclass(frozen=True)
class Timing:
    """The median time of one forward pass of `batch` samples, over `passes` passes."""

    seconds: float
    batch: int
    passes: int
    threads: int


def ordered_state(model: nn.Module, order: Sequence[str] = ()) -> dict[str, Any]:
    """`model`'s state dict, its keys in `order` when it has exactly those keys (folding a pruning
    mask in re-registers a weight after its bias; the trained model's order keeps files comparable)."""
    state = model.state_dict()
    if order and len(order) == len(state) and set(order) == set(state):
        return {name: state[name] for name in order}
    return dict(state)


def state_dict_bytes(model: nn.Module, order: Sequence[str] = ()) -> int:
    """Bytes of `model`'s state dict (keys in `order`, see `ordered_state`) serialised with `torch.save` in memory."""
    buffer = io.BytesIO()
    torch.save(ordered_state(model, order), buffer)
    return buffer.getbuffer().nbytes


def _quantized_tensors(module: nn.Module) -> Iterator[torch.Tensor]:
    """The weights and biases of a dynamically quantised module, as (integer or float) tensors."""
    getter = getattr(module, "_weight_bias", None)
    if callable(getter):  # quantised Linear: (weight, bias); LSTM/GRU: {"weight": {...}, "bias": {...}}
        found: Any = getter()
        parts = list(found.values()) if isinstance(found, dict) else list(found)
        for part in parts:
            values = part.values() if isinstance(part, dict) else [part]
            for value in values:
                if isinstance(value, torch.Tensor):
                    yield value.int_repr() if value.is_quantized else value


def _is_quantized_module(module: nn.Module) -> bool:
    return type(module).__module__.startswith("torch.ao.nn.quantized")


def _is_packed_params(module: nn.Module) -> bool:
    """The packed-weights holder inside a quantised layer (its layer counts its weights)."""
    return type(module).__name__ in ("LinearPackedParams", "PackedParameter", "EmbeddingPackedParams")


def count_parameters(model: nn.Module) -> ParameterCount:
    """Every weight and bias of `model` (INT8 weights of a quantised model counted as integers)."""
    total = nonzero = 0
    for module in model.modules():
        if _is_packed_params(module):
            continue
        if _is_quantized_module(module):
            tensors: list[torch.Tensor] = list(_quantized_tensors(module))
        else:  # a pruned weight counts as the forward uses it (original times mask), not its original
            tensors = [
                getattr(module, name[: -len("_orig")]) if name.endswith("_orig") else parameter
                for name, parameter in module.named_parameters(recurse=False)
            ]
        for tensor in tensors:
            total += int(tensor.numel())
            nonzero += int(torch.count_nonzero(tensor.detach()))
    return ParameterCount(total, nonzero)


def time_per_batch(model: nn.Module, batch: torch.Tensor, seconds: float = TIMING_SECONDS) -> Timing:
    """The median seconds of a forward pass of `batch` through `model` (eval mode, inference mode)."""
    return time_side_by_side([model], batch, seconds)[0]


def time_side_by_side(
    models: Sequence[nn.Module], batch: torch.Tensor, seconds: float = TIMING_SECONDS
) -> list[Timing]:
    """The median seconds of a forward pass of `batch` through each of `models`, passes taken in
    turn (one of each, again and again), so a busy machine slows them all alike; `seconds` each."""
    modes = [model.training for model in models]
    times: list[list[float]] = [[] for _ in models]
    try:
        for model in models:
            model.eval()
        with torch.inference_mode():
            for model in models:
                for _ in range(WARMUP_PASSES):
                    model(batch)
            deadline = time.perf_counter() + max(0.0, seconds) * len(models)
            while len(times[0]) < MIN_PASSES or (len(times[0]) < MAX_PASSES and time.perf_counter() < deadline):
                for model, taken in zip(models, times, strict=True):
                    started = time.perf_counter()
                    model(batch)
                    taken.append(time.perf_counter() - started)
    finally:
        for model, mode in zip(models, modes, strict=True):
            model.train(mode)
    threads = torch.get_num_threads()
    return [Timing(statistics.median(taken), int(batch.shape[0]), len(taken), threads) for taken in times]
