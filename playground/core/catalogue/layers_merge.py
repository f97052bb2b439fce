"""Merge nodes: Add (residual connections) and Concat. Inputs are taken in edge order."""

from __future__ import annotations

from typing import Any

from playground.core.catalogue.layer_type import InferContext, Inferred, LayerType, TensorSpec
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P


def _add(ctx: InferContext) -> Inferred:
    first = ctx.inputs[0]
    for spec in ctx.inputs[1:]:
        if spec.shape != first.shape:
            shown = ", ".join(str(s) for s in ctx.inputs)
            if first.rank == 3:
                message = _(
                    "Add '{node}' needs inputs of one shape but got {shapes}: give the shortcut a 1×1 Conv2d "
                    "(with the same stride) so both branches have the same channels and size"
                )
            else:
                message = _(
                    "Add '{node}' needs inputs of one shape but got {shapes}: "
                    "make both branches produce the same number of features"
                )
            raise ctx.fail(message.format(node=ctx.node_id, shapes=shown))
    if any(spec.dtype != "float32" for spec in ctx.inputs):
        raise ctx.fail(_("Add '{node}' cannot add token ids: insert Embedding first").format(node=ctx.node_id))
    return Inferred(first, {})


def _add_forward(out: str, ins: list[str], attr: str, params: dict[str, Any]) -> str:
    return f"{out} = " + " + ".join(ins)


def _concat(ctx: InferContext) -> Inferred:
    dim = ctx.params["dim"]
    first = ctx.inputs[0]
    if dim > first.rank:
        raise ctx.fail(
            _(
                "Concat '{node}': dim={dim} but its inputs {shape} have only {rank} "
                "dimensions after the batch; use dim=1 to join features/channels"
            ).format(node=ctx.node_id, dim=dim, shape=first.text(), rank=first.rank)
        )
    axis = dim - 1
    total = 0
    for spec in ctx.inputs:
        if spec.rank != first.rank or any(a != b for i, (a, b) in enumerate(zip(spec.shape, first.shape)) if i != axis):
            shown = ", ".join(str(s) for s in ctx.inputs)
            raise ctx.fail(
                _("Concat '{node}' joins along dim {dim}, so all other sizes must match, but got {shapes}").format(
                    node=ctx.node_id, dim=dim, shapes=shown
                )
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
        N_("Adds its inputs element-wise: the residual (skip) connection of ResNet."),
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
        N_("Joins its inputs along one dimension (1 = features or channels)."),
        _concat,
        (
            P(
                "dim",
                "int",
                1,
                N_("Dimension to join along (1 = features/channels; 0 is the batch)."),
                minimum=1,
                maximum=4,
            ),
        ),
        min_inputs=2,
        max_inputs=None,
        forward=_concat_forward,
        has_module=False,
        key_params=("dim",),
        formula="y = [a, b]",
        color="#ccb974",
    ),
)
