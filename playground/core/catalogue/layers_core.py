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
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P

P_DROPOUT = P("p", "float", 0.5, N_("Probability of zeroing each value during training."), minimum=0.0, maximum=0.99)


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
            _("Unflatten '{node}' reshapes a flat vector (N, F) but got {shape}: insert Flatten before it").format(
                node=ctx.node_id, shape=x.text()
            ),
            Fix("insert_before", ctx.node_id, _("Insert Flatten before '{node}'").format(node=ctx.node_id), "Flatten"),
        )
    known = math.prod(v for v in target if v != -1)
    if target.count(-1) > 1:
        raise ctx.fail(
            _("Unflatten '{node}': at most one size may be -1, got {sizes}").format(node=ctx.node_id, sizes=target)
        )
    if -1 in target:
        if x.shape[0] % known:
            raise ctx.fail(
                _("Unflatten '{node}' cannot split {count} values into {sizes}").format(
                    node=ctx.node_id, count=x.shape[0], sizes=target
                )
            )
        target[target.index(-1)] = x.shape[0] // known
    elif known != x.shape[0]:
        raise ctx.fail(
            _(
                "Unflatten '{node}' got {count} values but {sizes} holds {held}: choose sizes whose product is {count}"
            ).format(node=ctx.node_id, count=x.shape[0], sizes=tuple(target), held=known)
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
        N_("The data enters here; its shape comes from the dataset."),
        _input,
        min_inputs=0,
        max_inputs=0,
        has_module=False,
        color="#6c757d",
    ),
    LayerType(
        "Linear",
        "Core",
        N_("Fully connected layer: every output is a weighted sum of all inputs plus a bias."),
        _linear,
        (
            P("out_features", "int", 16, N_("Number of output units (neurons)."), minimum=1, maximum=100_000),
            P("bias", "bool", True, N_("Learn an additive bias per output.")),
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
        N_("Turns each sample into one long vector, e.g. (C, H, W) → (C·H·W)."),
        _flatten,
        torch_class="Flatten",
        formula="(N, C, H, W) → (N, C·H·W)",
        color="#8c8c8c",
    ),
    LayerType(
        "Unflatten",
        "Core",
        N_("Reshapes a flat vector into the given shape, e.g. 784 → (1, 28, 28)."),
        _unflatten,
        (P("unflattened_size", "shape", [1, 8, 8], N_("The per-sample shape to produce (one entry may be -1).")),),
        torch_class="Unflatten",
        formula="(N, F) → (N, *shape)",
        key_params=("unflattened_size",),
        color="#8c8c8c",
    ),
    LayerType(
        "Identity",
        "Core",
        N_("Passes its input through unchanged (a placeholder or an explicit shortcut)."),
        _same,
        torch_class="Identity",
        formula="y = x",
        color="#8c8c8c",
    ),
    LayerType(
        "Dropout",
        "Core",
        N_(
            "During training, zeroes each value with probability p (and scales the rest): a regulariser "
            "against overfitting. Does nothing at evaluation."
        ),
        _dropout,
        (P_DROPOUT,),
        torch_class="Dropout",
        formula="y = mask·x / (1 − p)",
        key_params=("p",),
        color="#937860",
    ),
)
