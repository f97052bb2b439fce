"""Shared input checks for infer rules, each failing with a message that says how to fix it."""

from __future__ import annotations

import math

from playground.core.catalogue.layer_type import Fix, InferContext, TensorSpec
from playground.core.i18n import _


def require_float(ctx: InferContext, layer: str) -> None:
    """Token ids (integers) must pass through an Embedding before any arithmetic layer."""
    if ctx.x.dtype == "int64":
        raise ctx.fail(
            _(
                "{type} '{node}' got token ids {shape} (whole numbers), but it works on real "
                "numbers: insert Embedding before '{node}'"
            ).format(type=layer, node=ctx.node_id, shape=ctx.x),
            Fix(
                "insert_before",
                ctx.node_id,
                _("Insert Embedding before '{node}'").format(node=ctx.node_id),
                "Embedding",
            ),
        )


def square_guess(features: int) -> list[int] | None:
    """The (1, s, s) image a flat vector of `features` values most likely was."""
    side = math.isqrt(features)
    if side * side == features and side > 1:
        return [1, side, side]
    return None


def require_image(ctx: InferContext, layer: str) -> TensorSpec:
    """Conv/pool layers want (N, C, H, W); a flat vector gets an Unflatten fix."""
    require_float(ctx, layer)
    x = ctx.x
    if x.rank == 3:
        return x
    if x.rank == 1:
        guess = square_guess(x.shape[0])
        fixes: tuple[Fix, ...] = ()
        if guess:
            fixes = (
                Fix(
                    "insert_before",
                    ctx.node_id,
                    _("Insert Unflatten to {shape} before '{node}'").format(shape=tuple(guess), node=ctx.node_id),
                    "Unflatten",
                    {"unflattened_size": guess},
                ),
            )
        raise ctx.fail(
            _(
                "{type} '{node}' needs images (N, C, H, W) but got {shape}: insert Unflatten "
                "before it to turn the vector back into an image"
            ).format(type=layer, node=ctx.node_id, shape=x),
            *fixes,
        )
    raise ctx.fail(
        _("{type} '{node}' needs images (N, C, H, W) but got {shape}").format(type=layer, node=ctx.node_id, shape=x)
    )


def require_sequence(ctx: InferContext, layer: str) -> TensorSpec:
    """Recurrent and attention layers want (N, T, F) float sequences."""
    require_float(ctx, layer)
    x = ctx.x
    if x.rank == 2:
        return x
    if x.rank == 1:
        raise ctx.fail(
            _(
                "{type} '{node}' needs a sequence (N, T, F) but got {shape}: this data has no time "
                "axis; use Linear layers instead, or pick a sequence dataset"
            ).format(type=layer, node=ctx.node_id, shape=x)
        )
    raise ctx.fail(
        _(
            "{type} '{node}' needs a sequence (N, T, F) but got {shape}: flatten the extra "
            "dimensions first (or use Conv layers for images)"
        ).format(type=layer, node=ctx.node_id, shape=x)
    )


def pair(value: int | list[int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def as_torch_arg(value: int | list[int]) -> int | tuple[int, int]:
    """Constructor argument: an int stays an int, a pair becomes a tuple."""
    return value if isinstance(value, int) else (int(value[0]), int(value[1]))


def largest_divisor_at_most(number: int, limit: int) -> int:
    for candidate in range(min(limit, number), 0, -1):
        if number % candidate == 0:
            return candidate
    return 1
