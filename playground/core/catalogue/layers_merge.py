"""Merge nodes: Add (residual connections) and Concat. Inputs are taken in edge order."""

from __future__ import annotations

from typing import Any

from playground.core.catalogue.layer_type import InferContext, Inferred, LayerType, TensorSpec
from playground.core.params import ParamSpec as P


def _add(ctx: InferContext) -> Inferred:
    first = ctx.inputs[0]
    for spec in ctx.inputs[1:]:
        if spec.shape != first.shape:
            shown = ", ".join(str(s) for s in ctx.inputs)
            hint = (
                "give the shortcut a 1×1 Conv2d (with the same stride) so both branches have the same channels and size"
                if first.rank == 3
                else "make both branches produce the same number of features"
            )
            raise ctx.fail(f"Add '{ctx.node_id}' needs inputs of one shape but got {shown}: {hint}")
    if any(spec.dtype != "float32" for spec in ctx.inputs):
        raise ctx.fail(f"Add '{ctx.node_id}' cannot add token ids: insert Embedding first")
    return Inferred(first, {})


def _add_forward(out: str, ins: list[str], attr: str, params: dict[str, Any]) -> str:
    return f"{out} = " + " + ".join(ins)


def _concat(ctx: InferContext) -> Inferred:
    dim = ctx.params["dim"]
    first = ctx.inputs[0]
    if dim > first.rank:
        raise ctx.fail(
            f"Concat '{ctx.node_id}': dim={dim} but its inputs {first} have only {first.rank} "
            f"dimensions after the batch; use dim=1 to join features/channels"
        )
    axis = dim - 1
    total = 0
    for spec in ctx.inputs:
        if spec.rank != first.rank or any(a != b for i, (a, b) in enumerate(zip(spec.shape, first.shape)) if i != axis):
            shown = ", ".join(str(s) for s in ctx.inputs)
            raise ctx.fail(
                f"Concat '{ctx.node_id}' joins along dim {dim}, so all other sizes must match, but got {shown}"
            )
        total += spec.shape[axis]
    shape = list(first.shape)
    shape[axis] = total
    return Inferred(TensorSpec(tuple(shape)), {})


def _concat_forward(out: str, ins: list[str], attr: str, params: dict[str, Any]) -> str:
    return f"{out} = torch.cat([{', '.join(ins)}], dim={params['dim']})"


LAYERS = (
    LayerType(
        "Add",
        "Merge",
        "Adds its inputs element-wise: the residual (skip) connection of ResNet.",
        _add,
        min_inputs=2,
        max_inputs=None,
        forward=_add_forward,
        has_module=False,
        formula="y = a + b",
        color="#ccb974",
    ),
    LayerType(
        "Concat",
        "Merge",
        "Joins its inputs along one dimension (1 = features or channels).",
        _concat,
        (P("dim", "int", 1, "Dimension to join along (1 = features/channels; 0 is the batch).", minimum=1, maximum=4),),
        min_inputs=2,
        max_inputs=None,
        forward=_concat_forward,
        has_module=False,
        key_params=("dim",),
        formula="y = [a, b]",
        color="#ccb974",
    ),
)
