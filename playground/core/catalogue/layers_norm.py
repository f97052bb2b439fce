"""Normalization layers: BatchNorm1d, BatchNorm2d, LayerNorm."""

from __future__ import annotations

from playground.core.catalogue.checks import require_float, require_image
from playground.core.catalogue.layer_type import InferContext, Inferred, LayerType
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P

_EPS = P("eps", "float", 1e-5, N_("Added to the variance for stability."), minimum=1e-30, maximum=1.0, advanced=True)
_MOMENTUM = P(
    "momentum", "float", 0.1, N_("Update rate of the running mean/variance."), minimum=0.0, maximum=1.0, advanced=True
)
_AFFINE = P("affine", "bool", True, N_("Learn a scale (γ) and shift (β) per feature."))


def _batchnorm1d(ctx: InferContext) -> Inferred:
    require_float(ctx, "BatchNorm1d")
    x = ctx.x
    if x.rank not in (1, 2):
        raise ctx.fail(
            _("BatchNorm1d '{node}' needs (N, F) or (N, C, L) but got {shape}: use BatchNorm2d for images").format(
                node=ctx.node_id, shape=x.text()
            )
        )
    p = ctx.params
    return Inferred(x, {"num_features": x.shape[0], "eps": p["eps"], "momentum": p["momentum"], "affine": p["affine"]})


def _batchnorm2d(ctx: InferContext) -> Inferred:
    x = require_image(ctx, "BatchNorm2d")
    p = ctx.params
    return Inferred(x, {"num_features": x.shape[0], "eps": p["eps"], "momentum": p["momentum"], "affine": p["affine"]})


def _layernorm(ctx: InferContext) -> Inferred:
    require_float(ctx, "LayerNorm")
    x = ctx.x
    return Inferred(
        x,
        {
            "normalized_shape": x.shape[-1],
            "eps": ctx.params["eps"],
            "elementwise_affine": ctx.params["elementwise_affine"],
        },
    )


LAYERS = (
    LayerType(
        "BatchNorm1d",
        "Normalization",
        N_("Normalises each feature over the batch, then rescales: steadier, faster training of MLPs."),
        _batchnorm1d,
        (_EPS, _MOMENTUM, _AFFINE),
        torch_class="BatchNorm1d",
        formula="y = γ·(x − μ_batch)/√(σ²_batch + ε) + β",
        color="#55a868",
    ),
    LayerType(
        "BatchNorm2d",
        "Normalization",
        N_("Normalises each channel over the batch and the image: the CNN staple."),
        _batchnorm2d,
        (_EPS, _MOMENTUM, _AFFINE),
        torch_class="BatchNorm2d",
        formula="y = γ·(x − μ_channel)/√(σ²_channel + ε) + β",
        color="#55a868",
    ),
    LayerType(
        "LayerNorm",
        "Normalization",
        N_("Normalises the features of each sample on its own (no batch statistics): the Transformer's choice."),
        _layernorm,
        (_EPS, P("elementwise_affine", "bool", True, N_("Learn a scale and shift per feature."))),
        torch_class="LayerNorm",
        formula="y = γ·(x − μ_sample)/√(σ²_sample + ε) + β",
        color="#55a868",
    ),
)
