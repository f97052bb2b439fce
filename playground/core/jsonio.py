"""Strict JSON reading and canonical, atomic JSON writing.

Canonical means: two-space indentation, keys in the order the caller built them, small objects and
lists below the top two levels on one line (a node, an edge, a params object), no NaN or Infinity
ever. Presets then diff cleanly: one changed node is one changed line.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

from playground.core.errors import ExperimentError, Problem
from playground.core.i18n import N_, _
from playground.core.safe_files import atomic_write_text as atomic_write_text  # re-exported for text files

_INLINE_LIMIT = 100  # characters: longer scalar lists are broken over lines


MAX_JSON_DEPTH = 64  # objects and lists inside each other; real files need fewer than ten
MAX_INT_DIGITS = 100  # far beyond any count or seed; Python refuses more than 4,300 anyway
_MAX_REPORTED = 20  # problems listed from one file
_HUGE_INT = 10**MAX_INT_DIGITS


class _Rejected:
    """A JSON number Python cannot use as written, kept in the tree so its path can be named."""

    __slots__ = ("text", "why")

    def __init__(self, text: str, why: str) -> None:
        self.text, self.why = text, why


def _parse_float(text: str) -> float | _Rejected:
    value = float(text)
    if math.isfinite(value):
        return value
    return _Rejected(text, _("is too large for a number (it overflows to infinity); use a finite number"))


def _parse_int(text: str) -> int | _Rejected:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Rejected(
            f"{text[:12]}…", _("is an integer of {count} digits; use a much smaller number").format(count=f"{digits:,}")
        )
    return int(text)


def _unusable(value: Any) -> _Rejected | None:
    """A number (parsed without hooks) that the playground cannot use, as a rejection."""
    if isinstance(value, _Rejected):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return _Rejected(
            "1e309" if value > 0 else "-1e309",
            _("or another number that large overflows to infinity; use a finite number"),
        )
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _HUGE_INT:
        return _parse_int(str(value))  # type: ignore[return-value]
    return None


def _parse_constant(name: str) -> _Rejected:
    return _Rejected(name, _("is not allowed in experiment files (use a finite number or null)"))


def _path_of(link: Any) -> str:
    """The JSON path of a (parent link, key) chain: ``model.nodes[2].params``."""
    keys: list[str | int] = []
    while link is not None:
        link, key = link
        keys.append(key)
    path = ""
    for key in reversed(keys):
        path = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
    return path


def _tree_problems(tree: Any, duplicates: dict[int, list[str]], max_depth: int) -> list[Problem]:
    """Duplicate keys, unusable numbers and excessive nesting, with their JSON paths.

    Paths are built only for what is reported: the walk itself touches each value once."""
    problems: list[Problem] = []
    containers = (dict, list)
    stack: list[tuple[Any, int, Any]] = [(tree, 0, None)] if type(tree) in containers else []
    while stack and len(problems) < _MAX_REPORTED:
        value, depth, link = stack.pop()
        if depth >= max_depth:
            problems.append(
                Problem(
                    _path_of(link),
                    _("is nested more than {depth} levels deep; this is not a file the playground writes").format(
                        depth=max_depth
                    ),
                )
            )
            continue
        if type(value) is dict:
            if duplicates and id(value) in duplicates:
                problems.extend(
                    Problem(
                        _path_of((link, key)),
                        _("this key appears more than once in the same object; keep only one of them"),
                    )
                    for key in duplicates[id(value)]
                )
            items: Any = value.items()
        else:
            items = enumerate(value)
        children = []
        for key, item in items:
            if type(item) in containers:
                children.append((item, depth + 1, (link, key)))
            else:
                rejected = _unusable(item)
                if rejected is not None:
                    problems.append(Problem(_path_of((link, key)), f"{rejected.text} {rejected.why}"))
        stack.extend(reversed(children))
    if not isinstance(tree, containers):
        rejected = _unusable(tree)
        if rejected is not None:
            problems.append(Problem("", f"{rejected.text} {rejected.why}"))
    return problems


# The json module's reasons for refusing a text (English there), in the current language.
_JSON_REASONS = (
    N_("Expecting value"),
    N_("Expecting ',' delimiter"),
    N_("Expecting ':' delimiter"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Unterminated string starting at"),
    N_("Invalid control character at"),
    N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"),
    N_("Extra data"),
    N_("Illegal trailing comma before end of object"),
    N_("Illegal trailing comma before end of array"),
)


def _json_reason(reason: str) -> str:
    return _(reason) if reason in _JSON_REASONS else reason


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_at(text: str, max_depth: int) -> tuple[int, int] | None:
    """(line, column) where nesting first exceeds `max_depth`, found without the recursive parser."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                offset = match.start()
                line = text.count("\n", 0, offset) + 1
                return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
        elif token in "]}":
            depth -= 1
    return None


def parse_json_text(text: str, source: str | None = None, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON strictly: malformed input with its line and column; duplicate keys, numbers that
    overflow (1e999, NaN, 5,000-digit integers) and nesting deeper than `max_depth` with their
    JSON path. Every failure is an ExperimentError."""
    try:
        return _parse(text, source, max_depth, careful=False)
    except _NumberTooLong:  # Python refuses such an integer mid-parse: parse again, slowly, to find it
        return _parse(text, source, max_depth, careful=True)


class _NumberTooLong(Exception):
    pass


def _parse(text: str, source: str | None, max_depth: int, careful: bool) -> Any:
    duplicates: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            duplicates[id(obj)] = [key for key, _value in items if key in seen or seen.add(key)]  # type: ignore[func-returns-value]
        return obj

    hooks: dict[str, Any] = {"parse_int": _parse_int, "parse_float": _parse_float} if careful else {}
    try:
        tree = json.loads(text, object_pairs_hook=pairs, parse_constant=_parse_constant, **hooks)
    except json.JSONDecodeError as exc:
        raise ExperimentError(
            Problem(
                "",
                _("not valid JSON at line {line}, column {column}: {reason}").format(
                    line=exc.lineno, column=exc.colno, reason=_json_reason(exc.msg)
                ),
            ),
            source,
        ) from None
    except RecursionError:
        where = _too_deep_at(text, max_depth)
        message = (
            _(
                "JSON is nested more than {depth} levels deep (at line {line}, column {column}); "
                "this is not a file the playground writes"
            ).format(depth=max_depth, line=where[0], column=where[1])
            if where
            else _("JSON is nested more than {depth} levels deep; this is not a file the playground writes").format(
                depth=max_depth
            )
        )
        raise ExperimentError(Problem("", message), source) from None
    except ValueError as exc:
        if not careful and "digits" in str(exc):
            raise _NumberTooLong from None
        raise ExperimentError(Problem("", _("not valid JSON: {reason}").format(reason=exc)), source) from None
    problems = _tree_problems(tree, duplicates, max_depth)
    if problems:
        raise ExperimentError(problems, source)
    return tree


def read_json_file(path: str | os.PathLike[str]) -> Any:
    """Read and parse a JSON file; every failure becomes an ExperimentError naming the file."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExperimentError(_("file not found"), source) from None
    except IsADirectoryError:
        raise ExperimentError(_("is a folder, not an experiment file"), source) from None
    except OSError as exc:
        raise ExperimentError(_("cannot be read: {reason}").format(reason=exc.strerror or exc), source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExperimentError(
            _("is not UTF-8 text (byte {offset}); is it really an experiment file?").format(offset=exc.start), source
        ) from None
    return parse_json_text(text, source)


def _check_finite(value: Any, path: str = "") -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{path or 'value'}: {value} cannot be written to JSON")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_finite(item, f"{path}[{index}]")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, (list, tuple)):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _encode(value: Any, indent: int) -> str:
    pad = "  " * indent
    inner = "  " * (indent + 1)
    if indent >= 2 and isinstance(value, (dict, list, tuple)) and _depth(value) <= 2:
        flat = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
        if len(flat) + len(pad) <= _INLINE_LIMIT:
            return flat  # a node, an edge or a small params object stays on one line
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_encode(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(_is_scalar(v) for v in value):
            flat = "[" + ", ".join(json.dumps(v, ensure_ascii=False, allow_nan=False) for v in value) + "]"
            if len(flat) <= _INLINE_LIMIT:
                return flat
        items = [inner + _encode(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """Render `value` canonically (ends with a newline). Raises ValueError on NaN/Infinity."""
    _check_finite(value)
    return _encode(value, 0) + "\n"


def write_json_file(path: str | os.PathLike[str], value: Any) -> None:
    """Canonical JSON, written atomically (see `playground.core.safe_files`)."""
    atomic_write_text(path, canonical_json(value))
