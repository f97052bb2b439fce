"""Core layers: Input, Linear, Flatten, Unflatten, Identity, Dropout."""

from __future__ import annotations

import math

from playground.core.catalogue.checks import require_float
from playground.core.catalogue.layer_type import (
    Fix,
    InferContext,
    Inferred,
    LayerType,
    TensorSpec,
)
from playground.core.params import ParamSpec as P

P_DROPOUT = P("p", "float", 0.5, "Probability of zeroing each value during training.", minimum=0.0, maximum=0.99)


def _input(ctx: InferContext) -> Inferred:  # pragma: no cover - inference supplies the dataset's shape
    raise AssertionError("the Input node takes its shape from the dataset")


def _linear(ctx: InferContext) -> Inferred:
    require_float(ctx, "Linear")
    x = ctx.x
    out = TensorSpec(x.shape[:-1] + (ctx.params["out_features"],))
    kwargs = {"in_features": x.shape[-1], "out_features": ctx.params["out_features"], "bias": ctx.params["bias"]}
    return Inferred(out, kwargs)


def _linear_macs(ctx: InferContext, inferred: Inferred) -> int:
    out_features: int = ctx.params["out_features"]
    return math.prod(ctx.x.shape[:-1]) * ctx.x.shape[-1] * out_features


def _flatten(ctx: InferContext) -> Inferred:
    require_float(ctx, "Flatten")
    return Inferred(TensorSpec((ctx.x.numel(),)), {})


def _unflatten(ctx: InferContext) -> Inferred:
    require_float(ctx, "Unflatten")
    target = list(ctx.params["unflattened_size"])
    x = ctx.x
    if x.rank != 1:
        raise ctx.fail(
            f"Unflatten '{ctx.node_id}' reshapes a flat vector (N, F) but got {x}: insert Flatten before it",
            Fix("insert_before", ctx.node_id, f"Insert Flatten before '{ctx.node_id}'", "Flatten"),
        )
    known = math.prod(v for v in target if v != -1)
    if target.count(-1) > 1:
        raise ctx.fail(f"Unflatten '{ctx.node_id}': at most one size may be -1, got {target}")
    if -1 in target:
        if x.shape[0] % known:
            raise ctx.fail(f"Unflatten '{ctx.node_id}' cannot split {x.shape[0]} values into {target}")
        target[target.index(-1)] = x.shape[0] // known
    elif known != x.shape[0]:
        raise ctx.fail(
            f"Unflatten '{ctx.node_id}' got {x.shape[0]} values but {tuple(target)} holds {known}: "
            f"choose sizes whose product is {x.shape[0]}"
        )
    return Inferred(TensorSpec(tuple(target)), {"dim": 1, "unflattened_size": tuple(ctx.params["unflattened_size"])})


def _same(ctx: InferContext) -> Inferred:
    return Inferred(ctx.x, {})


def _dropout(ctx: InferContext) -> Inferred:
    require_float(ctx, "Dropout")
    return Inferred(ctx.x, {"p": ctx.params["p"]})


LAYERS = (
    LayerType(
        "Input",
        "Core",
        "The data enters here; its shape comes from the dataset.",
        _input,
        min_inputs=0,
        max_inputs=0,
        has_module=False,
        color="#6c757d",
    ),
    LayerType(
        "Linear",
        "Core",
        "Fully connected layer: every output is a weighted sum of all inputs plus a bias.",
        _linear,
        (
            P("out_features", "int", 16, "Number of output units (neurons).", minimum=1, maximum=100_000),
            P("bias", "bool", True, "Learn an additive bias per output."),
        ),
        torch_class="Linear",
        formula="y = x·Wᵀ + b",
        key_params=("out_features",),
        macs=_linear_macs,
        color="#4c72b0",
    ),
    LayerType(
        "Flatten",
        "Core",
        "Turns each sample into one long vector, e.g. (C, H, W) → (C·H·W).",
        _flatten,
        torch_class="Flatten",
        formula="(N, C, H, W) → (N, C·H·W)",
        color="#8c8c8c",
    ),
    LayerType(
        "Unflatten",
        "Core",
        "Reshapes a flat vector into the given shape, e.g. 784 → (1, 28, 28).",
        _unflatten,
        (P("unflattened_size", "shape", [1, 8, 8], "The per-sample shape to produce (one entry may be -1)."),),
        torch_class="Unflatten",
        formula="(N, F) → (N, *shape)",
        key_params=("unflattened_size",),
        color="#8c8c8c",
    ),
    LayerType(
        "Identity",
        "Core",
        "Passes its input through unchanged (a placeholder or an explicit shortcut).",
        _same,
        torch_class="Identity",
        formula="y = x",
        color="#8c8c8c",
    ),
    LayerType(
        "Dropout",
        "Core",
        "During training, zeroes each value with probability p (and scales the rest): a regulariser "
        "against overfitting. Does nothing at evaluation.",
        _dropout,
        (P_DROPOUT,),
        torch_class="Dropout",
        formula="y = mask·x / (1 − p)",
        key_params=("p",),
        color="#937860",
    ),
)
