"""A lesson's goals, checked against what a run reports.

A goal is met the first time all its conditions hold at once: after an epoch (`when:
"any_epoch"`) or on the run's final numbers (`"end"`); a run that ends without meeting it has
missed it. A condition compares a measured quantity (`QUANTITIES`) with a number, or with what a
lesson variant reached in its race: until that result is known the goal waits ("race the variants
first") instead of being judged, and it is judged over the kept measurements once it is.

Measurements are plain numbers made from the run's events (`epoch_measurement` from an
`EpochEvent` or the window's `EpochRow` and the epoch's `Diagnostics`, `final_measurement` from
the `Summary`), so the same tracker serves the window, the command line and the tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from playground.core.errors import Problem
from playground.core.experiment.schema import Goal, GoalComparison, GoalCondition, GoalQuantity, Lesson
from playground.core.i18n import N_, _
from playground.core.training.diagnostics import Diagnostics
from playground.core.training.events import Summary

Known = Literal["epoch", "end", "always"]  # after every epoch / in the final numbers only / before the run
GoalStatus = Literal["pending", "met", "missed"]


@dataclass(frozen=True)
class QuantityInfo:
    """How a measured quantity reads: its name (translated where shown), when a run knows it, how
    it is shown, which way is better, the thresholds that make sense, and whether a variant's race
    reports it (so a goal may compare it with a variant)."""

    label: str
    known: Known
    percent: bool = False  # a fraction shown as a percentage
    higher_is_better: bool = True
    low: float = -math.inf
    high: float = math.inf
    raced: bool = False
    integer: bool = False


QUANTITIES: dict[GoalQuantity, QuantityInfo] = {
    "test_accuracy": QuantityInfo(N_("test accuracy"), "end", percent=True, raced=True, low=0.0, high=1.0),
    "val_accuracy": QuantityInfo(N_("validation accuracy"), "epoch", percent=True, raced=True, low=0.0, high=1.0),
    "train_accuracy": QuantityInfo(N_("training accuracy"), "epoch", percent=True, low=0.0, high=1.0),
    "test_loss": QuantityInfo(N_("test loss"), "end", higher_is_better=False, low=0.0, raced=True),
    "val_loss": QuantityInfo(N_("validation loss"), "epoch", higher_is_better=False, low=0.0, raced=True),
    "train_loss": QuantityInfo(N_("training loss"), "epoch", higher_is_better=False, low=0.0, raced=True),
    "test_r2": QuantityInfo(N_("test R²"), "end", high=1.0, raced=True),
    "val_r2": QuantityInfo(N_("validation R²"), "epoch", high=1.0, raced=True),
    "parameters": QuantityInfo(N_("parameters"), "always", higher_is_better=False, low=0.0, integer=True),
    "epochs": QuantityInfo(N_("epochs"), "epoch", higher_is_better=False, low=0.0, integer=True),
    "first_grad_norm": QuantityInfo(N_("first layer's gradient norm"), "epoch", low=0.0),
    "last_grad_norm": QuantityInfo(N_("last layer's gradient norm"), "epoch", low=0.0),
    "grad_ratio": QuantityInfo(N_("first / last layer's gradient norm"), "epoch", low=0.0),
}
assert set(QUANTITIES) == set(get_args(GoalQuantity)), "every quantity the format names is described here"

_EPOCH_METRICS: tuple[GoalQuantity, ...] = ("train_loss", "val_loss", "val_accuracy", "train_accuracy", "val_r2")
_FINAL_METRICS: tuple[GoalQuantity, ...] = (
    "train_loss",
    "val_loss",
    "val_accuracy",
    "val_r2",
    "test_loss",
    "test_accuracy",
    "test_r2",
)
_SIGNS: dict[GoalComparison, str] = {"at_least": "≥", "at_most": "≤", "above": ">", "below": "<"}


# ---- measurements ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Measurement:
    """What a run had shown at one point: the epochs done and the quantities known then."""

    epoch: int
    values: Mapping[str, float] = field(default_factory=dict)
    final: bool = False  # the run's end: its final numbers


def _finite(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def gradient_values(diagnostics: Diagnostics | None) -> dict[str, float]:
    """The first and last layer's gradient norms and their ratio (empty without diagnostics)."""
    if diagnostics is None or len(diagnostics.grad_norm) == 0:
        return {}
    first, last = _finite(diagnostics.grad_norm[0]), _finite(diagnostics.grad_norm[-1])
    values: dict[str, float] = {}
    if first is not None:
        values["first_grad_norm"] = first
    if last is not None:
        values["last_grad_norm"] = last
    if first is not None and last is not None and last > 0:
        values["grad_ratio"] = first / last
    return values


def epoch_measurement(row: Any, diagnostics: Diagnostics | None = None, parameters: int | None = None) -> Measurement:
    """After one epoch: `row` is an `EpochEvent` or an `EpochRow` (its `epoch` and metrics), with
    that epoch's diagnostics if it had them (others are ignored) and the model's parameter count."""
    epoch = int(row.epoch)
    values: dict[str, float] = {"epochs": float(epoch)}
    for name in _EPOCH_METRICS:
        value = _finite(getattr(row, name, None))
        if value is not None:
            values[name] = value
    if diagnostics is not None and diagnostics.epoch in (0, epoch):
        values.update(gradient_values(diagnostics))
    if parameters is not None:
        values["parameters"] = float(parameters)
    return Measurement(epoch, values)


def final_measurement(summary: Summary, last: Measurement | None = None, parameters: int | None = None) -> Measurement:
    """The run's end: the summary's final (and test) numbers; what only epochs report (training
    accuracy, gradient norms) as the last epoch had them."""
    values: dict[str, float] = dict(last.values) if last is not None else {}
    for name in _FINAL_METRICS:
        value = _finite(getattr(summary, name, None))
        if value is not None:
            values[name] = value
    values["epochs"] = float(summary.epochs)
    if parameters is not None:
        values["parameters"] = float(parameters)
    return Measurement(int(summary.epochs), values, final=True)


# ---- variants' results ---------------------------------------------------------------------------
VariantResults = Mapping[str, Mapping[str, float]]  # variant name -> quantity -> its final value


def variant_results(lesson: Lesson | None, records: Iterable[Any]) -> dict[str, dict[str, float]]:
    """What each lesson variant reached in the run history: `records` are `RunRecord`s; a race
    contender of a variant carries its name (in any of the lesson's languages) as
    ``settings["variant"]``. The latest record of a variant counts."""
    if lesson is None or not lesson.variants:
        return {}
    names: dict[str, str] = {}
    for variant in lesson.variants:
        for label in (*variant.translations.values(), variant.name):
            names.setdefault(label, variant.name)
        names[variant.name] = variant.name
    results: dict[str, dict[str, float]] = {}
    for record in records:
        raced = getattr(record, "settings", {}).get("variant")
        if not isinstance(raced, str) or raced not in names:
            continue
        final = getattr(record, "final", {})
        known: dict[str, float] = {}
        for key in _FINAL_METRICS:
            value = _finite(final.get(key))
            if value is not None:
                known[key] = value
        if known:
            results[names[raced]] = known
    return results


# ---- states --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConditionState:
    """One condition as last measured: the value, the threshold (None while a variant's result is
    unknown) and whether it holds."""

    condition: GoalCondition
    value: float | None
    threshold: float | None
    holds: bool

    def describe(self, variant_label: str | None = None) -> str:
        """The condition as read, "validation accuracy 96.7 % (needs ≥ 95 %)", in the current language; a variant is
        called `variant_label` (its name in the reader's language) where given."""
        return describe_condition(self.condition, self.value, self.threshold, variant_label)


@dataclass(frozen=True)
class GoalState:
    """Where a goal stands: pending, met (in `epoch`: the epoch its conditions first held; at the
    run's end for an end goal), or missed (the run ended without it). A goal whose variant has not
    raced yet stays pending, `waiting_for` naming the variants."""

    goal: Goal
    status: GoalStatus
    epoch: int | None = None
    conditions: tuple[ConditionState, ...] = ()
    waiting_for: tuple[str, ...] = ()


def _compare(value: float, compare: GoalComparison, threshold: float) -> bool:
    if compare == "at_least":
        return value >= threshold
    if compare == "at_most":
        return value <= threshold
    if compare == "above":
        return value > threshold
    return value < threshold


def _threshold(condition: GoalCondition, variants: VariantResults) -> float | None:
    if condition.variant is None:
        return condition.value
    return variants.get(condition.variant, {}).get(condition.quantity)


def condition_state(
    condition: GoalCondition, measurement: Measurement | None, variants: VariantResults
) -> ConditionState:
    value = measurement.values.get(condition.quantity) if measurement is not None else None
    threshold = _threshold(condition, variants)
    holds = value is not None and threshold is not None and _compare(value, condition.compare, threshold)
    return ConditionState(condition, value, threshold, holds)


def goal_holds(goal: Goal, measurement: Measurement, variants: VariantResults) -> bool:
    """All the goal's conditions hold in `measurement` (a quantity it does not know does not)."""
    return all(condition_state(condition, measurement, variants).holds for condition in goal.conditions)


def waiting_for(goal: Goal, variants: VariantResults) -> tuple[str, ...]:
    """The variants whose result the goal needs and the run history does not have yet."""
    names = [c.variant for c in goal.conditions if c.variant is not None and _threshold(c, variants) is None]
    return tuple(dict.fromkeys(names))


class GoalTracker:
    """The goals of one run, fed its measurements as they come (`observe` after each epoch,
    `finish` at its end). Met goals stay met; `set_variants` re-judges from the kept measurements."""

    def __init__(self, goals: Sequence[Goal], variants: VariantResults | None = None) -> None:
        self.goals = list(goals)
        self._variants: VariantResults = dict(variants or {})
        self._history: list[Measurement] = []
        self._final: Measurement | None = None
        self._met: dict[int, Measurement] = {}  # goal index -> the measurement that met it

    def reset(self) -> None:
        """A new run (or none): every goal pending again."""
        self._history.clear()
        self._final = None
        self._met.clear()

    @property
    def finished(self) -> bool:
        return self._final is not None

    def observe(self, measurement: Measurement) -> list[int]:
        """After an epoch; returns the indices of the goals it met."""
        self._history.append(measurement)
        return self._judge(measurement)

    def finish(self, measurement: Measurement) -> list[int]:
        """The run ended with these final numbers; returns the indices of the goals they met."""
        self._final = measurement
        return self._judge(measurement)

    def set_variants(self, variants: VariantResults) -> list[int]:
        """The variants' results changed (a race finished): judge again; the goals newly met."""
        variants = {name: dict(values) for name, values in variants.items()}
        if variants == self._variants:
            return []
        before = set(self._met)
        self._variants = variants
        self._met.clear()
        for measurement in self._history:
            self._judge(measurement)
        if self._final is not None:
            self._judge(self._final)
        return sorted(set(self._met) - before)

    def _judge(self, measurement: Measurement) -> list[int]:
        met = []
        for index, goal in enumerate(self.goals):
            if index in self._met or (goal.when == "end" and not measurement.final):
                continue
            if goal_holds(goal, measurement, self._variants):
                self._met[index] = measurement
                met.append(index)
        return met

    def latest(self) -> Measurement | None:
        return self._final or (self._history[-1] if self._history else None)

    def _latest_with(self, quantity: str, preview: Measurement | None = None) -> Measurement | None:
        """The latest measurement that knows `quantity` (gradients are not measured every epoch);
        else `preview`, when it knows it."""
        for measurement in ([self._final] if self._final is not None else []) + self._history[::-1]:
            if quantity in measurement.values:
                return measurement
        return preview if preview is not None and quantity in preview.values else None

    def states(self, preview: Measurement | None = None) -> list[GoalState]:
        """Every goal's state. `preview` shows values no run has measured yet (the model's
        parameter count before the first epoch); it judges nothing."""
        states = []
        for index, goal in enumerate(self.goals):
            met = self._met.get(index)
            if met is not None:
                conditions = tuple(condition_state(c, met, self._variants) for c in goal.conditions)
                states.append(GoalState(goal, "met", met.epoch, conditions))
                continue
            conditions = tuple(
                condition_state(c, self._latest_with(c.quantity, preview), self._variants) for c in goal.conditions
            )
            waiting = waiting_for(goal, self._variants)
            status: GoalStatus = "missed" if self._final is not None and not waiting else "pending"
            states.append(GoalState(goal, status, None, conditions, waiting))
        return states


# ---- text ------------------------------------------------------------------------------------------
def quantity_label(quantity: GoalQuantity) -> str:
    """The quantity's name in the current language ("validation accuracy")."""
    return _(QUANTITIES[quantity].label)


def format_quantity(quantity: GoalQuantity, value: float) -> str:
    """A value as the quantity is read: "96.7 %", "22", "0.0123"."""
    info = QUANTITIES[quantity]
    if info.percent:
        return f"{100 * value:.4g} %"
    if info.integer:
        return f"{int(round(value)):,}"
    return f"{value:.3g}"


def describe_condition(
    condition: GoalCondition, value: float | None, threshold: float | None, variant_label: str | None = None
) -> str:
    """A condition with its current value, in the current language: "validation accuracy 96.7 %
    (needs ≥ 95 %)"; with a variant: "... (needs < 0.91, what No dropout reached)"."""
    quantity = condition.quantity
    variant = variant_label or condition.variant
    sign = _SIGNS[condition.compare]
    shown = format_quantity(quantity, value) if value is not None else "—"
    if condition.variant is None:
        target = f"{sign} {format_quantity(quantity, threshold if threshold is not None else 0.0)}"
        return _("{quantity} {value} (needs {target})").format(
            quantity=quantity_label(quantity), value=shown, target=target
        )
    if threshold is None:
        return _("{quantity} {value} (needs {sign} what {variant} reaches: race the variants first)").format(
            quantity=quantity_label(quantity), value=shown, sign=sign, variant=variant
        )
    return _("{quantity} {value} (needs {sign} {threshold}, what {variant} reached)").format(
        quantity=quantity_label(quantity),
        value=shown,
        sign=sign,
        threshold=format_quantity(quantity, threshold),
        variant=variant,
    )


# ---- checks of the file ------------------------------------------------------------------------------
def goal_problems(lesson: Lesson, path: str = "lesson") -> list[Problem]:
    """What the schema cannot see in a lesson's goals: a variant that does not exist, a quantity a
    race does not report, a threshold outside the quantity's range (95 written for 0.95)."""
    problems: list[Problem] = []
    variants = [variant.name for variant in lesson.variants]
    for g, goal in enumerate(lesson.goals):
        for c, condition in enumerate(goal.conditions):
            where = f"{path}.goals[{g}].conditions[{c}]"
            info = QUANTITIES[condition.quantity]
            if condition.variant is not None:
                if not info.raced:
                    problems.append(
                        Problem(
                            f"{where}.quantity",
                            _(
                                "a variant's race reports losses, accuracies and R², not {quantity}: "
                                'compare {quantity} with a number ("value") instead'
                            ).format(quantity=condition.quantity),
                        )
                    )
                if condition.variant not in variants:
                    message = (
                        _("no variant is called {name!r} (variants: {names}); name one of {path}.variants").format(
                            name=condition.variant, names=", ".join(repr(name) for name in variants), path=path
                        )
                        if variants
                        else _(
                            "this lesson has no variants to compare with: add one to {path}.variants, "
                            'or give a number ("value") instead'
                        ).format(path=path)
                    )
                    problems.append(Problem(f"{where}.variant", message))
            value = condition.value
            if value is not None and not info.low <= value <= info.high:
                if info.percent:
                    message = _("{quantity} is a fraction from 0 to 1: write 95 % as 0.95, got {value}")
                elif math.isinf(info.low):
                    message = _("{quantity} is at most {high}, got {value}")
                else:
                    message = _("{quantity} is never negative, got {value}")
                problems.append(
                    Problem(
                        f"{where}.value",
                        message.format(quantity=condition.quantity, high=f"{info.high:g}", value=f"{value:g}"),
                    )
                )
    return problems
