"""Activation functions: the non-linearities that let stacked layers learn curved boundaries."""

from __future__ import annotations

from playground.core.catalogue.checks import require_float
from playground.core.catalogue.layer_type import InferContext, InferFn, Inferred, LayerType
from playground.core.i18n import N_
from playground.core.params import ParamSpec as P


def _elementwise(name: str, *param_names: str) -> InferFn:
    def infer(ctx: InferContext) -> Inferred:
        require_float(ctx, name)
        return Inferred(ctx.x, {key: ctx.params[key] for key in param_names})

    return infer


def _softmax(ctx: InferContext) -> Inferred:
    require_float(ctx, "Softmax")
    return Inferred(ctx.x, {"dim": -1})


def _activation(name: str, help_text: str, formula: str, params: tuple[P, ...] = ()) -> LayerType:
    return LayerType(
        name,
        "Activations",
        help_text,
        _elementwise(name, *(p.name for p in params)),
        params,
        torch_class=name,
        formula=formula,
        key_params=tuple(p.name for p in params),
        color="#da8bc3",
    )


LAYERS = (
    _activation(
        "ReLU",
        N_("max(0, x): cheap and keeps gradients alive for positive inputs; units stuck below zero can 'die'."),
        "f(x) = max(0, x)",
    ),
    _activation(
        "LeakyReLU",
        N_("Like ReLU but with a small slope for negative inputs, so units cannot die."),
        "f(x) = x if x > 0 else αx",
        (P("negative_slope", "float", 0.01, N_("Slope α for negative inputs."), minimum=0.0, maximum=1.0),),
    ),
    _activation(
        "ELU",
        N_("Smooth for negative inputs (tends to −α): outputs closer to zero mean."),
        "f(x) = x if x > 0 else α(eˣ − 1)",
        (P("alpha", "float", 1.0, N_("Saturation value α for negative inputs."), minimum=0.0, maximum=10.0),),
    ),
    _activation(
        "GELU",
        N_("x weighted by the Gaussian probability that it is positive: the Transformer default."),
        "f(x) = x·Φ(x)",
        (P("approximate", "choice", "none", N_("Exact or tanh approximation."), choices=("none", "tanh")),),
    ),
    _activation(
        "SiLU", N_("Swish: x·sigmoid(x); smooth and non-monotonic, often beats ReLU in deep nets."), "f(x) = x·σ(x)"
    ),
    _activation(
        "Mish", N_("x·tanh(softplus(x)): smooth like Swish, slightly more expensive."), "f(x) = x·tanh(ln(1 + eˣ))"
    ),
    _activation(
        "Sigmoid",
        N_(
            "Squashes to (0, 1). Saturates for large |x| and is not zero-centred, so deep "
            "sigmoid stacks suffer vanishing gradients (the derivative is at most 0.25)."
        ),
        "σ(x) = 1/(1 + e⁻ˣ)",
    ),
    _activation(
        "Tanh",
        N_("Squashes to (−1, 1); zero-centred but still saturates for large |x|."),
        "tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)",
    ),
    _activation(
        "Softplus",
        N_("A smooth ReLU: ln(1 + eˣ), always positive."),
        "f(x) = (1/β)·ln(1 + e^(βx))",
        (P("beta", "float", 1.0, N_("Sharpness β."), minimum=0.0, maximum=100.0, exclusive_minimum=True),),
    ),
    LayerType(
        "Softmax",
        "Activations",
        N_(
            "Turns scores into probabilities that sum to 1 over the last axis. Leave it out before "
            "CrossEntropyLoss, which applies log-softmax itself."
        ),
        _softmax,
        torch_class="Softmax",
        formula="softmax(x)ᵢ = eˣⁱ / Σⱼ eˣʲ",
        color="#da8bc3",
    ),
)
