"""What a learner should know about each activation, beside its catalogue entry.

The facts a course's comparison table gives: output range, whether the output is zero-centred, how
badly the gradient vanishes, whether units can die, what a call costs, and the pros and cons. The
formula and the constructor defaults are the catalogue entry's own (`LAYERS[name]`), not copies.
The texts are English; the ``*_text`` accessors give them in the current language. The order is the
order of their history (Sigmoid first), which is the order the Compare tab shows them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from playground.core.catalogue import LAYERS
from playground.core.i18n import N_, _

# The words of the graded columns: the fields keep the English word (a key), these say it.
LEVELS: dict[str, str] = {
    "severe": N_("severe"),
    "mild": N_("mild"),
    "none": N_("none"),
    "yes": N_("yes"),
    "no": N_("no"),
    "rare": N_("rare"),
    "cheap": N_("cheap"),
    "moderate": N_("moderate"),
    "expensive": N_("expensive"),
}


def level_text(level: str) -> str:
    """A graded word ("severe", "cheap", ...) in the current language."""
    return _(LEVELS.get(level, level))


@dataclass(frozen=True)
class ActivationFacts:
    name: str  # the catalogue's (and torch.nn's) name
    derivative: str  # formula of f'(x)
    output_range: str
    zero_centred: bool
    vanishing_gradient: str  # "severe", "mild", "none"
    dead_neurons: str  # "yes", "no", "rare"
    cost: str  # "cheap", "moderate", "expensive"
    pros: tuple[str, ...]
    cons: tuple[str, ...]

    @property
    def vanishing_gradient_text(self) -> str:
        """How badly the gradient vanishes, in the current language."""
        return level_text(self.vanishing_gradient)

    @property
    def dead_neurons_text(self) -> str:
        """Whether units can die, in the current language."""
        return level_text(self.dead_neurons)

    @property
    def cost_text(self) -> str:
        """What a call costs, in the current language."""
        return level_text(self.cost)

    @property
    def pros_text(self) -> tuple[str, ...]:
        """The pros in the current language."""
        return tuple(_(pro) for pro in self.pros)

    @property
    def cons_text(self) -> tuple[str, ...]:
        """The cons in the current language."""
        return tuple(_(con) for con in self.cons)

    @property
    def formula(self) -> str:
        return LAYERS[self.name].formula

    @property
    def params(self) -> Mapping[str, float]:
        """The numeric constructor parameters and their defaults (the panel's sliders)."""
        return {spec.name: float(spec.default) for spec in LAYERS[self.name].params if spec.kind == "float"}


ACTIVATION_FACTS: dict[str, ActivationFacts] = {
    facts.name: facts
    for facts in (
        ActivationFacts(
            "Sigmoid",
            "σ'(x) = σ(x)·(1 − σ(x)) ≤ 0.25",
            "(0, 1)",
            zero_centred=False,
            vanishing_gradient="severe",
            dead_neurons="no",
            cost="moderate",
            pros=(N_("Output reads as a probability (binary classification output)."), N_("Smooth everywhere.")),
            cons=(
                N_("Severe vanishing gradient: the derivative is at most 0.25 and ~0 for |x| > 5."),
                N_("Output is not zero-centred, so the next layer's weight updates zig-zag."),
                N_("Needs an exponential."),
            ),
        ),
        ActivationFacts(
            "Tanh",
            "tanh'(x) = 1 − tanh²(x) ≤ 1",
            "(−1, 1)",
            zero_centred=True,
            vanishing_gradient="mild",
            dead_neurons="no",
            cost="moderate",
            pros=(
                N_("Zero-centred output (symmetric, unlike Sigmoid)."),
                N_("Derivative up to 1: gradients vanish less."),
            ),
            cons=(
                N_("Still saturates for large |x|: deep stacks still lose their gradient."),
                N_("Needs exponentials."),
            ),
        ),
        ActivationFacts(
            "ReLU",
            "f'(x) = 1 if x > 0 else 0",
            "[0, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="yes",
            cost="cheap",
            pros=(
                N_("No vanishing gradient for positive inputs (derivative exactly 1)."),
                N_("Very cheap: a comparison."),
                N_("The most widely used default."),
            ),
            cons=(
                N_("Dead neurons: a unit whose input stays negative gets zero gradient and never recovers."),
                N_("Output is not zero-centred."),
            ),
        ),
        ActivationFacts(
            "LeakyReLU",
            "f'(x) = 1 if x > 0 else α",
            "(−∞, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="no",
            cost="cheap",
            pros=(
                N_("Fixes ReLU's dead neurons: negative inputs keep a small slope α (usually 0.01)."),
                N_("As cheap as ReLU."),
            ),
            cons=(N_("α is one more hyper-parameter."), N_("Mostly positive output (not zero-centred).")),
        ),
        ActivationFacts(
            "ELU",
            "f'(x) = 1 if x > 0 else f(x) + α",
            "(−α, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="no",
            cost="moderate",
            pros=(
                N_("Negative outputs push the mean activation towards zero."),
                N_("No dead neurons; smooth for x < 0."),
            ),
            cons=(N_("Needs an exponential for negative inputs."),),
        ),
        ActivationFacts(
            "GELU",
            "f'(x) = Φ(x) + x·φ(x)",
            "[≈ −0.17, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="rare",
            cost="expensive",
            pros=(
                N_("Smooth non-linearity: the Transformer default (BERT, GPT)."),
                N_("Small negative inputs still pass a little gradient."),
            ),
            cons=(N_("Costs more than ReLU (Gaussian CDF or its tanh approximation)."),),
        ),
        ActivationFacts(
            "SiLU",
            "f'(x) = σ(x)·(1 + x·(1 − σ(x)))",
            "[≈ −0.28, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="rare",
            cost="moderate",
            pros=(N_("Self-gated and smooth; often beats ReLU in deep networks."),),
            cons=(N_("Needs an exponential; non-monotonic (a small dip below zero)."),),
        ),
        ActivationFacts(
            "Mish",
            "f'(x) = tanh(sp(x)) + x·σ(x)·(1 − tanh²(sp(x)))",
            "[≈ −0.31, +∞)",
            zero_centred=False,
            vanishing_gradient="none",
            dead_neurons="rare",
            cost="expensive",
            pros=(N_("Smooth like Swish; good results in some vision networks."),),
            cons=(N_("The most expensive here: exponential, logarithm and tanh."),),
        ),
        ActivationFacts(
            "Softplus",
            "f'(x) = σ(βx)",
            "(0, +∞)",
            zero_centred=False,
            vanishing_gradient="mild",
            dead_neurons="no",
            cost="moderate",
            pros=(N_("A smooth ReLU: the gradient never becomes exactly zero."),),
            cons=(N_("Always positive (not zero-centred)."), N_("Derivative is a sigmoid: it saturates for x ≪ 0.")),
        ),
    )
}
