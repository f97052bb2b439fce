"""The X-ray's formulas as structured terms (symbols, numbers, operators), never pre-rendered text.

A formula is a flat sequence of tokens read left to right ("z₁ = w₁₁·a₁ + b₁ = 0.53·1.00 + 0.10 =
0.63"); the window decides how each token looks (italic symbols, subscripts, a highlighted result),
so the same trace renders as rich text, plain text or anything else. Captions are `Words`: an
English template marked with `N_` plus its values, translated when shown, so a window that switches
language shows the new language without recomputing the trace.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from playground.core.i18n import _

MINUS = "\u2212"  # the typographic minus sign numbers are written with


@dataclass(frozen=True)
class Words:
    """A caption: an English template (marked with `N_` where it is declared) and its values."""

    template: str
    values: tuple[tuple[str, str | int | float], ...] = ()

    def text(self) -> str:
        """The caption in the current language, its values filled in."""
        return _(self.template).format(**dict(self.values)) if self.values else _(self.template)


@dataclass(frozen=True)
class Sym:
    """A symbol such as w₁₂ (base "w", sub "12"), δ₃ or η; `sup` is a superscript (a sample index)."""

    base: str
    sub: str = ""
    sup: str = ""


@dataclass(frozen=True)
class Num:
    """A number plugged into a formula; `result` marks the value the formula computes."""

    value: float
    result: bool = False


@dataclass(frozen=True)
class Op:
    """An operator or a function name: "=", "+", "·", "(", ")", "/", "Σ", "tanh", "√", "…"."""

    text: str


@dataclass(frozen=True)
class Text:
    """Words inside a formula (a condition such as "if z > 0")."""

    words: Words


Token = Sym | Num | Op | Text

FormulaKind = Literal[
    "weighted_sum",
    "activation",
    "dropout",
    "probability",
    "sample_loss",
    "batch_loss",
    "penalty",
    "output_delta",
    "upstream",
    "derivative",
    "delta",
    "weight_gradient",
    "bias_gradient",
    "sample_share",
    "clipping",
    "decay",
    "velocity",
    "first_moment",
    "second_moment",
    "first_corrected",
    "second_corrected",
    "step",
    "new_value",
    "statistic",
]


@dataclass(frozen=True)
class Formula:
    """One equation with its numbers, the unit it is about (0-based, None: the layer or the loss)
    and, for a parameter's formulas, the parameter: ("weight", (unit, input)) or ("bias", (unit,))."""

    kind: FormulaKind
    tokens: tuple[Token, ...]
    value: float
    caption: Words | None = None
    unit: int | None = None
    parameter: tuple[Literal["weight", "bias"], tuple[int, ...]] | None = None
    tags: tuple[str, ...] = field(default=())

    def plain(self) -> str:
        """The formula as one line of plain text (logs, tests, tooltips)."""
        return plain_text(self.tokens)


def subscript(text: str | int) -> str:
    """Digits as Unicode subscripts (w₁₂); other characters unchanged."""
    return str(text).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def format_number(value: float, digits: int = 4) -> str:
    """A number as the formulas show it: `digits` significant digits, a true minus sign, scientific
    notation only for very small or very large magnitudes."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return ("" if value > 0 else MINUS) + "∞"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if 1e-4 <= magnitude < 1e5:
        decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
        text = f"{magnitude:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        mantissa, exponent = f"{magnitude:.{digits - 1}e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    return (MINUS if value < 0 else "") + text.replace("-", MINUS)


def plain_text(tokens: Iterable[Token]) -> str:
    """Tokens joined as plain text: negative numbers after an operator in parentheses."""
    items = list(tokens)
    parts: list[str] = []
    previous: Token | None = None
    for token in items:
        if isinstance(token, Sym):
            text = token.base + subscript(token.sub) + (f"^{token.sup}" if token.sup else "")
        elif isinstance(token, Num):
            text = format_number(token.value)
            if token.value < 0 and isinstance(previous, (Num, Sym, Op)) and not _opens(previous):
                text = f"({text})"
        elif isinstance(token, Op):
            text = token.text
        else:
            text = token.words.text()
        parts.append(text)
        previous = token
    return _join(parts, items)


def _opens(token: Token) -> bool:
    """Whether a negative number after this token needs no parentheses (after "=" or "(")."""
    return isinstance(token, Op) and token.text in ("=", "(", "←", "[")


SPACED = frozenset({"=", "+", MINUS, "←", "≈", "if", "else"})


FUNCTIONS = frozenset({"log", "sign", "Σₙ", "Σₖ", "Σᵢ"})


def is_unary(tokens: list[Token], index: int) -> bool:
    """Whether the minus at `index` is a sign (at the start, after "=", "(", "←", "[")."""
    return index == 0 or _opens(tokens[index - 1])


def _join(parts: list[str], tokens: list[Token]) -> str:
    out = ""
    for index, (part, token) in enumerate(zip(parts, tokens)):
        spaced = isinstance(token, Op) and token.text in SPACED or isinstance(token, Text)
        unary = isinstance(token, Op) and token.text == MINUS and is_unary(tokens, index)
        if index and spaced and not out.endswith(" "):
            out += " "
        out += part
        if spaced and not unary and index < len(parts) - 1 or isinstance(token, Op) and token.text in FUNCTIONS:
            out += " "
    return out
