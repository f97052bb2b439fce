"""`nn.Sequential(...)` source text turned into a chain of catalogue layers, without running it.

The text is parsed with `ast` and only read: it must be one ``nn.Sequential(...)`` call
(``torch.nn.Sequential``, ``Sequential``, or ``name = ...`` of one), whose arguments are literal
constructor calls of catalogue layers (``nn.Conv2d(1, 6, 5, padding=2)``) or nested
``nn.Sequential`` calls, whose arguments are literals (numbers, strings, booleans, None, tuples,
lists). Anything else (another function call, an attribute outside ``nn``, a name, an
expression) is refused with a message that names it. Positional arguments are bound with the
torch class's own signature; sizes the playground infers from the graph (``in_features``,
``in_channels``, ...) are left to it and reported when the text gives them.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass, field
from typing import Any

from torch import nn

from playground.core.catalogue import LAYERS
from playground.core.errors import PlaygroundError
from playground.core.i18n import _
from playground.core.params import ParamError, coerce_value

MAX_SOURCE = 100_000  # characters: far beyond any hand-written model, short of a pasted file
MAX_LAYERS = 500
_SEQUENTIAL = ("Sequential",)
_MODULE_PREFIXES = (("nn",), ("torch", "nn"))
# constructor arguments that shape inference fills from the layer's input
INFERRED = frozenset({"in_features", "in_channels", "num_features", "input_size", "embed_dim", "normalized_shape"})


class SourceRefused(PlaygroundError):
    """The text is not a literal `nn.Sequential` of catalogue layers; the message says where."""


@dataclass(frozen=True)
class SourceLayer:
    """One layer of the chain: its catalogue type and the parameters the text sets."""

    type: str
    params: dict[str, Any]
    line: int


@dataclass(frozen=True)
class SequentialSource:
    """The chain, first layer first, and notes on what the text gave that the playground infers."""

    layers: list[SourceLayer]
    notes: list[str] = field(default_factory=list)


def looks_like_sequential(text: str) -> bool:
    """Cheap test for a paste: does the text mention a Sequential at all?"""
    return "Sequential" in text[:MAX_SOURCE]


def parse_sequential(text: str) -> SequentialSource:
    """The layers of the one `nn.Sequential(...)` in `text`, or SourceRefused."""
    if len(text) > MAX_SOURCE:
        raise SourceRefused(_("the text is too long to be a model ({count} characters)").format(count=len(text)))
    try:
        tree = ast.parse(text.strip(), mode="exec")
    except SyntaxError as exc:
        raise SourceRefused(
            _("the text is not valid Python (line {line}: {reason})").format(line=exc.lineno, reason=exc.msg)
        ) from None
    body = tree.body
    if len(body) != 1:
        raise SourceRefused(
            _("paste one nn.Sequential(...) expression (the text has {count} statements)").format(count=len(body))
        )
    statement = body[0]
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        value: ast.expr = statement.value
    elif isinstance(statement, ast.Expr):
        value = statement.value
    else:
        raise SourceRefused(
            _("line {line}: only nn.Sequential(...), or name = nn.Sequential(...), can be pasted").format(
                line=statement.lineno
            )
        )
    if not (isinstance(value, ast.Call) and _callee(value.func) in _SEQUENTIAL):
        raise SourceRefused(_("line {line}: the text must be an nn.Sequential(...) call").format(line=value.lineno))
    layers: list[SourceLayer] = []
    notes: list[str] = []
    _read_sequential(value, layers, notes)
    if not layers:
        raise SourceRefused(_("the nn.Sequential holds no layers"))
    return SequentialSource(layers, notes)


def _callee(func: ast.expr) -> str | None:
    """`X` for ``nn.X``, ``torch.nn.X`` or a bare ``X``; None for anything else."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    parts.insert(0, func.id)
    *owner, name = parts
    if not owner or tuple(owner) in _MODULE_PREFIXES:
        return name
    return None


def _describe(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_sequential(call: ast.Call, layers: list[SourceLayer], notes: list[str]) -> None:
    if call.keywords:
        raise SourceRefused(
            _("line {line}: nn.Sequential takes its layers as positional arguments, not {name}=").format(
                line=call.lineno, name=call.keywords[0].arg
            )
        )
    for argument in call.args:
        if not isinstance(argument, ast.Call):
            raise SourceRefused(
                _("line {line}: {text} is not a layer: only constructor calls such as nn.ReLU() are read").format(
                    line=argument.lineno, text=_describe(argument)
                )
            )
        name = _callee(argument.func)
        if name in _SEQUENTIAL:
            _read_sequential(argument, layers, notes)
            continue
        layers.append(_read_layer(argument, name, notes))
        if len(layers) > MAX_LAYERS:
            raise SourceRefused(_("more than {count} layers").format(count=MAX_LAYERS))


def _read_layer(call: ast.Call, name: str | None, notes: list[str]) -> SourceLayer:
    line = call.lineno
    layer = LAYERS.get(name) if name else None
    if name is None or layer is None or layer.torch_class is None or name == "Input":
        available = ", ".join(sorted(n for n, t in LAYERS.items() if t.torch_class is not None))
        raise SourceRefused(
            _("line {line}: {text} is not a layer of the palette (available: {available})").format(
                line=line, text=_describe(call.func), available=available
            )
        )
    positional = [_literal(argument, line) for argument in call.args]
    keywords: dict[str, Any] = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            raise SourceRefused(
                _("line {line}: **{text} cannot be read").format(line=line, text=_describe(keyword.value))
            )
        keywords[keyword.arg] = _literal(keyword.value, line)
    signature = inspect.signature(getattr(nn, layer.torch_class).__init__)
    try:
        bound = signature.bind_partial(None, *positional, **keywords)  # None stands for self
    except TypeError as exc:
        raise SourceRefused(
            _("line {line}: {text}: {reason}").format(line=line, text=_describe(call), reason=exc)
        ) from None
    declared = {spec.name: spec for spec in layer.params}
    params: dict[str, Any] = {}
    for argument, value in list(bound.arguments.items())[1:]:
        spec = declared.get(argument)
        if spec is None:
            if argument in INFERRED:
                note = _("line {line}: {layer}'s {name}={value} is left to the playground (it follows from the graph)")
            else:
                note = _("line {line}: {layer}'s {name}={value} is not a setting of the playground's {layer}: left out")
            notes.append(note.format(line=line, layer=name, name=argument, value=value))
            continue
        try:
            params[argument] = coerce_value(spec, list(value) if isinstance(value, tuple) else value)
        except ParamError as exc:
            raise SourceRefused(
                _("line {line}: {layer}'s {name}: {reason}").format(line=line, layer=name, name=argument, reason=exc)
            ) from None
    return SourceLayer(name, params, line)


def _literal(node: ast.expr, line: int) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise SourceRefused(
            _("line {line}: {text} is not a literal value (numbers, strings, True/False/None, tuples, lists)").format(
                line=getattr(node, "lineno", line), text=_describe(node)
            )
        ) from None
