"""Shared input checks for infer rules, each failing with a message that says how to fix it."""

from __future__ import annotations

import math

from playground.core.catalogue.layer_type import Fix, InferContext, TensorSpec


def require_float(ctx: InferContext, layer: str) -> None:
    """Token ids (integers) must pass through an Embedding before any arithmetic layer."""
    if ctx.x.dtype == "int64":
        raise ctx.fail(
            f"{layer} '{ctx.node_id}' got token ids {ctx.x} (whole numbers), but it works on real "
            f"numbers: insert Embedding before '{ctx.node_id}'",
            Fix("insert_before", ctx.node_id, f"Insert Embedding before '{ctx.node_id}'", "Embedding"),
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
                    f"Insert Unflatten to {tuple(guess)} before '{ctx.node_id}'",
                    "Unflatten",
                    {"unflattened_size": guess},
                ),
            )
        raise ctx.fail(
            f"{layer} '{ctx.node_id}' needs images (N, C, H, W) but got {x}: insert Unflatten "
            f"before it to turn the vector back into an image",
            *fixes,
        )
    raise ctx.fail(f"{layer} '{ctx.node_id}' needs images (N, C, H, W) but got {x}")


def require_sequence(ctx: InferContext, layer: str) -> TensorSpec:
    """Recurrent and attention layers want (N, T, F) float sequences."""
    require_float(ctx, layer)
    x = ctx.x
    if x.rank == 2:
        return x
    if x.rank == 1:
        raise ctx.fail(
            f"{layer} '{ctx.node_id}' needs a sequence (N, T, F) but got {x}: this data has no time "
            f"axis; use Linear layers instead, or pick a sequence dataset"
        )
    raise ctx.fail(
        f"{layer} '{ctx.node_id}' needs a sequence (N, T, F) but got {x}: flatten the extra "
        f"dimensions first (or use Conv layers for images)"
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
