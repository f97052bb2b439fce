"""Typed parameter declarations shared by layers, datasets, losses, optimizers and schedulers.

One `ParamSpec` says everything the format validator, the inspector's editors, the code
exporter and the help cards need to know about one constructor argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from playground.core.i18n import _

# Every integer of an experiment is at most this (a 32-bit int): the window's editors and torch's
# arguments take it, and no count or seed of a lesson needs more.
INT_MAX = 2**31 - 1
MAX_EPOCHS = 100_000  # epochs of one run
# Real numbers go into 32-bit float arithmetic (whose largest value is about 3.4e38); a setting
# beyond this would overflow there, so none may be larger in size.
FLOAT_LIMIT = 1e30
_INT_KINDS = ("int", "int_or_pair", "int_list", "shape")

ParamKind = Literal[
    "int",  # a whole number
    "float",  # a real number
    "bool",
    "choice",  # one string out of `choices`
    "str",  # free text (a column name, a path)
    "int_or_pair",  # kernel_size=3 or [3, 5]
    "int_list",  # MultiStepLR milestones
    "float_list",  # class weights
    "shape",  # a list of positive ints (a reshape target)
    "multi_choice",  # a list of distinct strings out of `choices` (feature columns)
]


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: its type, default, bounds and a one-line help text."""

    name: str
    kind: ParamKind
    default: Any = None
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False  # torch refuses the bound itself (Adam's betas of 1.0)
    choices: tuple[str, ...] = ()
    optional: bool = False  # None is an accepted value
    advanced: bool = False  # hidden behind "more" in the inspector
    length: int | None = None  # fixed length of a list parameter (Adam's betas: 2)

    @property
    def help_text(self) -> str:
        """The help in the current language."""
        return _(self.help)

    def describe_range(self) -> str:
        """Human phrase for the accepted values (in the current language), used in messages and tooltips."""
        if self.kind in ("choice", "multi_choice"):
            return _("one of {choices}").format(choices=", ".join(repr(c) for c in self.choices))
        if self.kind == "bool":
            return _("true or false")
        low, high = self.minimum, self.maximum
        if self.kind in _INT_KINDS:
            noun = _("an integer") if self.kind == "int" else _("a positive integer or a pair")
            if self.kind == "int" and low == 1 and high is None:
                return _("a positive integer")
            if self.kind == "int" and low == 0 and high is None:
                return _("a non-negative integer")
            if self.kind in ("int_list", "shape"):
                noun = _("a list of integers")
        else:
            noun = _("a number")
        if low is not None and high is not None:
            if self.exclusive_minimum or self.exclusive_maximum:
                left = ">" if self.exclusive_minimum else "≥"
                right = "<" if self.exclusive_maximum else "≤"
                return _("{noun} {left} {low} and {right} {high}").format(
                    noun=noun, left=left, low=_fmt(low), right=right, high=_fmt(high)
                )
            return _("{noun} between {low} and {high}").format(noun=noun, low=_fmt(low), high=_fmt(high))
        if low is not None:
            sign = ">" if self.exclusive_minimum else "≥"
            return _("{noun} {sign} {bound}").format(noun=noun, sign=sign, bound=_fmt(low))
        if high is not None:
            sign = "<" if self.exclusive_maximum else "≤"
            return _("{noun} {sign} {bound}").format(noun=noun, sign=sign, bound=_fmt(high))
        return noun

    def upper_bound(self) -> float | None:
        """The declared maximum; integers without one stop at INT_MAX, numbers at FLOAT_LIMIT."""
        if self.maximum is None and self.kind in _INT_KINDS:
            return INT_MAX
        if self.maximum is None and self.kind in ("float", "float_list"):
            return FLOAT_LIMIT
        return self.maximum

    def lower_bound(self) -> float | None:
        """The declared minimum; numbers without one stop at -FLOAT_LIMIT."""
        if self.minimum is None and self.kind in ("float", "float_list"):
            return -FLOAT_LIMIT
        return self.minimum


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


class ParamError(ValueError):
    """A single invalid value; the caller adds the JSON path."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) and math.isfinite(value)


def shown_value(value: Any, limit: int = 60) -> str:
    """`repr(value)`, cut short: a message quotes a value, never a megabyte of it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_bounds(spec: ParamSpec, value: float, shown: Any) -> None:
    high, low = spec.upper_bound(), spec.lower_bound()
    too_low = low is not None and (value <= low if spec.exclusive_minimum else value < low)
    too_high = high is not None and (value >= high if spec.exclusive_maximum else value > high)
    if not (too_low or too_high):
        return
    integer = spec.kind != "float" and spec.kind != "float_list"
    got = shown_value(shown)
    if spec.exclusive_maximum and too_high:
        wanted = spec.describe_range()
    elif not integer and spec.minimum is not None and spec.maximum is not None:
        wanted = spec.describe_range()
    elif too_low and integer and spec.minimum == 1:
        wanted = _("a positive integer")
    elif too_low and integer and spec.minimum == 0:
        wanted = _("a non-negative integer")
    elif too_low and low is not None:
        sign = ">" if spec.exclusive_minimum else "≥"
        raise ParamError(_("must be {sign} {bound}, got {value}").format(sign=sign, bound=_fmt(low), value=got))
    elif high is not None:
        raise ParamError(_("must be at most {bound}, got {value}").format(bound=_fmt(high), value=got))
    else:
        wanted = spec.describe_range()
    raise ParamError(_("must be {wanted}, got {value}").format(wanted=wanted, value=got))


def _outside_range(spec: ParamSpec, shown: str) -> ParamError:
    """ "must be <the accepted values>, got <shown>"."""
    return ParamError(_("must be {wanted}, got {value}").format(wanted=spec.describe_range(), value=shown))


def coerce_value(spec: ParamSpec, value: Any) -> Any:
    """Return the normalised value or raise ParamError with a message that says what is wrong."""
    if value is None:
        if spec.optional:
            return None
        raise _outside_range(spec, "null")
    kind = spec.kind
    if kind == "int":
        if not _is_int(value):
            raise _outside_range(spec, shown_value(value))
        _check_bounds(spec, value, value)
        return int(value)
    if kind == "float":
        if not _is_number(value):
            raise _outside_range(spec, shown_value(value))
        _check_bounds(spec, float(value), value)
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ParamError(_("must be true or false, got {value}").format(value=shown_value(value)))
        return value
    if kind == "choice":
        if value not in spec.choices:
            raise _outside_range(spec, shown_value(value))
        return value
    if kind == "multi_choice":
        if not isinstance(value, (list, tuple)) or not value or not all(v in spec.choices for v in value):
            raise ParamError(
                _("must be a non-empty list of one of {choices}, got {value}").format(
                    choices=", ".join(repr(c) for c in spec.choices), value=shown_value(value)
                )
            )
        if len(set(value)) != len(value):
            raise ParamError(_("must not repeat an entry, got {value}").format(value=shown_value(value)))
        return list(value)
    if kind == "str":
        if not isinstance(value, str):
            raise ParamError(_("must be a string, got {value}").format(value=shown_value(value)))
        return value
    if kind == "int_or_pair":
        items = [value] if _is_int(value) else value
        if not isinstance(items, (list, tuple)) or len(items) not in (1, 2) or not all(_is_int(v) for v in items):
            raise ParamError(
                _("must be an integer or a pair of integers, got {value}").format(value=shown_value(value))
            )
        for item in items:
            _check_bounds(spec, item, value)
        return int(items[0]) if len(items) == 1 or items[0] == items[1] else [int(v) for v in items]
    if kind in ("int_list", "shape"):
        if not isinstance(value, (list, tuple)) or not all(_is_int(v) for v in value):
            raise ParamError(_("must be a list of integers, got {value}").format(value=shown_value(value)))
        if kind == "shape" and (not value or any(v < 1 and v != -1 for v in value)):
            raise ParamError(
                _("must be a non-empty list of positive integers (one may be -1), got {value}").format(
                    value=shown_value(value)
                )
            )
        for item in value:
            if kind == "int_list" or item != -1:
                _check_bounds(spec, item, value)
        return [int(v) for v in value]
    if kind == "float_list":
        if not isinstance(value, (list, tuple)) or not all(_is_number(v) for v in value):
            raise ParamError(_("must be a list of numbers, got {value}").format(value=shown_value(value)))
        if spec.length is not None and len(value) != spec.length:
            raise ParamError(
                _("must be a list of {count} numbers, got {value}").format(count=spec.length, value=shown_value(value))
            )
        for item in value:
            _check_bounds(spec, float(item), value)
        return [float(v) for v in value]
    raise AssertionError(f"unknown parameter kind {kind!r}")


def validate_params(
    specs: Iterable[ParamSpec], params: Mapping[str, Any] | None, path: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Check `params` against `specs`.

    Returns the normalised params (only the keys given, in declaration order) and a list of
    (json_path, message) problems: unknown keys and invalid values.
    """
    specs = tuple(specs)
    by_name = {spec.name: spec for spec in specs}
    problems: list[tuple[str, str]] = []
    clean: dict[str, Any] = {}
    if params is None:
        return clean, problems
    if not isinstance(params, Mapping):
        return clean, [(path, _("must be an object, got {value}").format(value=shown_value(params)))]
    for key in params:
        if key not in by_name:
            allowed = ", ".join(by_name) or _("none")
            problems.append((f"{path}.{key}", _("unknown parameter (allowed: {allowed})").format(allowed=allowed)))
    for spec in specs:
        if spec.name in params:
            try:
                clean[spec.name] = coerce_value(spec, params[spec.name])
            except ParamError as exc:
                problems.append((f"{path}.{spec.name}", str(exc)))
    return clean, problems


def resolved(specs: Iterable[ParamSpec], params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The given params with every missing one filled by its default."""
    params = params or {}
    return {spec.name: params.get(spec.name, spec.default) for spec in specs}


@dataclass(frozen=True)
class Declared:
    """Base for catalogue entries of losses, optimizers, schedulers and datasets."""

    name: str
    params: tuple[ParamSpec, ...] = field(default_factory=tuple)
    help: str = ""
