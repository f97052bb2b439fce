"""Declarations of the losses, optimizers and learning-rate schedulers an experiment may name.

Names are the torch class names (``torch.nn`` losses, ``torch.optim`` optimizers,
``torch.optim.lr_scheduler`` schedulers); ``FocalLoss`` is the playground's own. The format
validator, the inspector and the training engine all read these declarations. The help texts
are English (exported code quotes them); `help_text` gives them in the current language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P
from playground.core.params import resolved

REDUCTION = P(
    "reduction", "choice", "mean", N_("How per-sample losses are combined."), choices=("mean", "sum"), advanced=True
)


@dataclass(frozen=True)
class ComponentType:
    """A loss, optimizer or scheduler: torch name, parameters, help and what it suits."""

    name: str
    params: tuple[P, ...]
    help: str
    tasks: tuple[str, ...] = ("classification", "regression")  # for losses
    # Rules across parameters that torch enforces: each takes the resolved params and returns
    # (parameter, message) when they break it.
    rules: tuple[Callable[[Mapping[str, Any]], tuple[str, str] | None], ...] = ()

    @property
    def help_text(self) -> str:
        """The help in the current language."""
        return _(self.help)

    def rule_problems(self, params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
        """(parameter, message) for every cross-parameter rule the given params break."""
        values = resolved(self.params, params)
        return [problem for rule in self.rules if (problem := rule(values)) is not None]


def _nesterov_needs_momentum(params: Mapping[str, Any]) -> tuple[str, str] | None:
    if params.get("nesterov") and (not params.get("momentum") or params.get("dampening")):
        return "nesterov", _("Nesterov momentum needs momentum above 0 and dampening 0; set momentum (e.g. 0.9)")
    return None


DEFAULT_LOSS = {"classification": "CrossEntropyLoss", "regression": "MSELoss"}  # a new experiment's loss

LOSSES: dict[str, ComponentType] = {
    c.name: c
    for c in (
        ComponentType(
            "CrossEntropyLoss",
            (
                P(
                    "label_smoothing",
                    "float",
                    0.0,
                    N_("Spread this share of the target over all classes."),
                    minimum=0.0,
                    maximum=1.0,
                ),
                P(
                    "weight",
                    "float_list",
                    None,
                    N_("One weight per class, for imbalanced data."),
                    minimum=0.0,
                    maximum=1e6,
                    optional=True,
                    advanced=True,
                ),
                REDUCTION,
            ),
            N_("Softmax + negative log-likelihood: the standard loss for classifying into K classes."),
            ("classification",),
        ),
        ComponentType(
            "BCEWithLogitsLoss",
            (
                P(
                    "pos_weight",
                    "float",
                    None,
                    N_("Weight of the positive class."),
                    minimum=0.0,
                    maximum=1e6,
                    optional=True,
                    advanced=True,
                ),
                REDUCTION,
            ),
            N_("Sigmoid + binary cross-entropy, for two classes with one output (or one output per label)."),
            ("classification",),
        ),
        ComponentType(
            "FocalLoss",
            (
                P(
                    "gamma",
                    "float",
                    2.0,
                    N_("Focusing strength: larger ignores easy examples more."),
                    minimum=0.0,
                    maximum=10.0,
                ),
                P(
                    "alpha",
                    "float",
                    None,
                    N_("Optional weight of the positive/rare class."),
                    minimum=0.0,
                    maximum=1.0,
                    optional=True,
                ),
                REDUCTION,
            ),
            N_("Cross-entropy scaled by (1 - p)^gamma so hard, misclassified examples dominate."),
            ("classification",),
        ),
        ComponentType(
            "MSELoss", (REDUCTION,), N_("Mean squared error: punishes large errors strongly."), ("regression",)
        ),
        ComponentType("L1Loss", (REDUCTION,), N_("Mean absolute error: robust to outliers."), ("regression",)),
        ComponentType(
            "HuberLoss",
            (
                P(
                    "delta",
                    "float",
                    1.0,
                    N_("Errors below delta are squared, above it linear."),
                    minimum=0.0,
                    exclusive_minimum=True,
                ),
                REDUCTION,
            ),
            N_("Squared for small errors, absolute for large ones."),
            ("regression",),
        ),
        ComponentType(
            "SmoothL1Loss",
            (P("beta", "float", 1.0, N_("Threshold between the squared and the linear part."), minimum=0.0), REDUCTION),
            N_("Huber loss scaled by 1/beta."),
            ("regression",),
        ),
        ComponentType(
            "KLDivLoss",
            (
                P(
                    "reduction",
                    "choice",
                    "batchmean",
                    N_("How per-sample losses are combined."),
                    choices=("batchmean", "mean", "sum"),
                ),
            ),
            N_(
                "Kullback-Leibler divergence between the predicted and the target class distribution "
                "(log-softmax of the outputs against one-hot or smoothed targets)."
            ),
            ("classification",),
        ),
        ComponentType(
            "TripletMarginLoss",
            (
                P(
                    "margin",
                    "float",
                    1.0,
                    N_("How much closer than the negative the positive must be before a triplet stops counting."),
                    minimum=0.0,
                    maximum=1e6,
                    exclusive_minimum=True,
                ),
                P(
                    "p",
                    "float",
                    2.0,
                    N_("The norm of the distance: 2 is Euclidean, 1 the sum of absolute differences."),
                    minimum=1.0,
                    maximum=100.0,
                    advanced=True,
                ),
                P(
                    "swap",
                    "bool",
                    False,
                    N_("Also measure the negative against the positive and use the closer of the two."),
                    advanced=True,
                ),
                REDUCTION,
            ),
            N_(
                "Triplet loss: the model outputs an embedding; each sample (the anchor) is pulled towards "
                "a random sample of its class (the positive) and pushed from one of another class "
                "(the negative) until the gap is at least the margin."
            ),
            ("classification",),
        ),
    )
}

# Losses whose model outputs an embedding of any width instead of one score per class: their
# accuracy is that of a nearest-class-centroid classifier in the embedding space.
EMBEDDING_LOSSES = frozenset({"TripletMarginLoss"})

_LR = P(
    "lr",
    "float",
    0.01,
    N_("Learning rate: the step size of each update."),
    minimum=0.0,
    maximum=1e6,
    exclusive_minimum=True,
)
_WD = P(
    "weight_decay", "float", 0.0, N_("L2 penalty (weight decay) added by the optimizer."), minimum=0.0, maximum=10.0
)
_EPS = P("eps", "float", 1e-8, N_("Small constant for numerical stability."), minimum=1e-30, maximum=1.0, advanced=True)
_BETAS = P(
    "betas",
    "float_list",
    [0.9, 0.999],
    N_("Decay of the running means of the gradient (momentum) and of its square (each below 1)."),
    minimum=0.0,
    maximum=1.0,
    exclusive_maximum=True,
    length=2,
)

OPTIMIZERS: dict[str, ComponentType] = {
    c.name: c
    for c in (
        ComponentType(
            "SGD",
            (
                _LR,
                P(
                    "momentum",
                    "float",
                    0.0,
                    N_("Fraction of the previous update kept (0 = plain SGD)."),
                    minimum=0.0,
                    maximum=1.0,
                ),
                P("nesterov", "bool", False, N_("Look-ahead (Nesterov) momentum; needs momentum > 0.")),
                P("dampening", "float", 0.0, N_("Dampening for momentum."), minimum=0.0, maximum=1.0, advanced=True),
                _WD,
            ),
            N_("Stochastic gradient descent: w ← w − lr·g, optionally with (Nesterov) momentum."),
            rules=(_nesterov_needs_momentum,),
        ),
        ComponentType(
            "Adam",
            (
                P("lr", "float", 0.001, _LR.help, minimum=0.0, maximum=1e6, exclusive_minimum=True),
                _BETAS,
                _EPS,
                _WD,
                P("amsgrad", "bool", False, N_("Use the AMSGrad variant."), advanced=True),
            ),
            N_("Adaptive moments: per-parameter step sizes from running gradient statistics."),
        ),
        ComponentType(
            "AdamW",
            (
                P("lr", "float", 0.001, _LR.help, minimum=0.0, maximum=1e6, exclusive_minimum=True),
                _BETAS,
                _EPS,
                P("weight_decay", "float", 0.01, N_("Decoupled weight decay."), minimum=0.0, maximum=10.0),
                P("amsgrad", "bool", False, N_("Use the AMSGrad variant."), advanced=True),
            ),
            N_("Adam with decoupled weight decay: the usual choice for transformers."),
        ),
        ComponentType(
            "RMSprop",
            (
                _LR,
                P("alpha", "float", 0.99, N_("Smoothing of the squared-gradient average."), minimum=0.0, maximum=1.0),
                P("momentum", "float", 0.0, N_("Momentum factor."), minimum=0.0, maximum=1.0),
                P("centered", "bool", False, N_("Normalise by the gradient variance."), advanced=True),
                _EPS,
                _WD,
            ),
            N_("Divides the step by a running average of squared gradients."),
        ),
        ComponentType(
            "Adagrad",
            (_LR, P("lr_decay", "float", 0.0, N_("Learning-rate decay."), minimum=0.0, advanced=True), _EPS, _WD),
            N_("Per-parameter steps that shrink as squared gradients accumulate."),
        ),
        ComponentType(
            "Adadelta",
            (
                P("lr", "float", 1.0, _LR.help, minimum=0.0, maximum=1e6, exclusive_minimum=True),
                P("rho", "float", 0.9, N_("Decay of the running averages."), minimum=0.0, maximum=1.0),
                P("eps", "float", 1e-6, _EPS.help, minimum=1e-30, maximum=1.0, advanced=True),
                _WD,
            ),
            N_("Adagrad with a running window instead of an ever-growing sum."),
        ),
        ComponentType(
            "NAdam",
            (P("lr", "float", 0.002, _LR.help, minimum=0.0, maximum=1e6, exclusive_minimum=True), _BETAS, _EPS, _WD),
            N_("Adam with Nesterov momentum."),
        ),
        ComponentType(
            "RAdam",
            (P("lr", "float", 0.001, _LR.help, minimum=0.0, maximum=1e6, exclusive_minimum=True), _BETAS, _EPS, _WD),
            N_("Adam with a rectified variance term: a built-in warmup."),
        ),
    )
}

SCHEDULERS: dict[str, ComponentType] = {
    c.name: c
    for c in (
        ComponentType(
            "StepLR",
            (
                P("step_size", "int", 10, N_("Decay every this many intervals."), minimum=1),
                P(
                    "gamma",
                    "float",
                    0.1,
                    N_("Multiply the LR by this at each decay."),
                    minimum=0.0,
                    maximum=1.0,
                    exclusive_minimum=True,
                ),
            ),
            N_("Multiply the learning rate by gamma every step_size epochs."),
        ),
        ComponentType(
            "MultiStepLR",
            (
                P("milestones", "int_list", [30, 60], N_("Intervals at which to decay."), minimum=1),
                P(
                    "gamma",
                    "float",
                    0.1,
                    N_("Multiply the LR by this at each milestone."),
                    minimum=0.0,
                    maximum=1.0,
                    exclusive_minimum=True,
                ),
            ),
            N_("Multiply the learning rate by gamma at each milestone."),
        ),
        ComponentType(
            "ExponentialLR",
            (
                P(
                    "gamma",
                    "float",
                    0.95,
                    N_("Multiply the LR by this every interval."),
                    minimum=0.0,
                    maximum=1.0,
                    exclusive_minimum=True,
                ),
            ),
            N_("Multiply the learning rate by gamma after every interval."),
        ),
        ComponentType(
            "CosineAnnealingLR",
            (
                P("T_max", "int", 50, N_("Intervals of one half cosine."), minimum=1),
                P("eta_min", "float", 0.0, N_("Lowest learning rate."), minimum=0.0),
            ),
            N_("Follow half a cosine from the initial LR down to eta_min."),
        ),
        ComponentType(
            "CosineAnnealingWarmRestarts",
            (
                P("T_0", "int", 10, N_("Intervals until the first restart."), minimum=1),
                P("T_mult", "int", 1, N_("Each cycle is this many times longer."), minimum=1),
                P("eta_min", "float", 0.0, N_("Lowest learning rate."), minimum=0.0),
            ),
            N_("Cosine decay that restarts at the initial LR (SGDR)."),
        ),
        ComponentType(
            "OneCycleLR",
            (
                P("max_lr", "float", 0.1, N_("Peak learning rate."), minimum=0.0, exclusive_minimum=True),
                P("pct_start", "float", 0.3, N_("Share of the run spent warming up."), minimum=0.0, maximum=1.0),
                P("anneal_strategy", "choice", "cos", N_("Shape of the ramps."), choices=("cos", "linear")),
                P("div_factor", "float", 25.0, N_("Initial LR = max_lr / div_factor."), minimum=1.0, advanced=True),
                P("final_div_factor", "float", 1e4, N_("Final LR = initial / this."), minimum=1.0, advanced=True),
            ),
            N_("Warm up to max_lr, then anneal far below the start (one cycle per run)."),
        ),
        ComponentType(
            "ReduceLROnPlateau",
            (
                P("mode", "choice", "min", N_("Lower is better (loss) or higher (accuracy)."), choices=("min", "max")),
                P(
                    "factor",
                    "float",
                    0.1,
                    N_("Multiply the LR by this on a plateau (below 1)."),
                    minimum=0.0,
                    maximum=1.0,
                    exclusive_minimum=True,
                    exclusive_maximum=True,
                ),
                P("patience", "int", 10, N_("Epochs without improvement to wait."), minimum=0),
                P("threshold", "float", 1e-4, N_("Smallest change that counts."), minimum=0.0, advanced=True),
                P("min_lr", "float", 0.0, N_("Never go below this."), minimum=0.0),
            ),
            N_("Lower the learning rate when the validation loss stops improving."),
        ),
    )
}


# The weight initialisations of `model.init` (`playground.core.graph.init`), in the inspector's order.
INIT_SCHEMES: dict[str, str] = {
    "default": N_("PyTorch's own initialisation of each layer."),
    "kaiming": N_("He (Kaiming) normal: keeps ReLU networks' signals at a steady size."),
    "xavier": N_("Glorot (Xavier) uniform: suits Tanh and Sigmoid networks."),
    "zeros": N_("Every weight zero: all units of a layer learn the same thing (try it to see why not)."),
}


def init_help(scheme: str) -> str:
    """The help of the weight initialisation `scheme` in the current language ('' for an unknown one)."""
    text = INIT_SCHEMES.get(scheme, "")
    return _(text) if text else ""


def has_momentum(optimizer: str) -> bool:
    """Whether the optimizer keeps a momentum (or beta1) that OneCycleLR may cycle; Adagrad and
    Adadelta have none, and torch refuses to cycle what is not there."""
    declared = OPTIMIZERS.get(optimizer)
    return declared is not None and any(param.name in ("momentum", "betas") for param in declared.params)
