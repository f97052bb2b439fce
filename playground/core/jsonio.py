"""Strict JSON reading and canonical, atomic JSON writing.

Canonical means: two-space indentation, keys in the order the caller built them, small objects and
lists below the top two levels on one line (a node, an edge, a params object), no NaN or Infinity
ever. Presets then diff cleanly: one changed node is one changed line.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from playground.core.errors import ExperimentError, Problem

_INLINE_LIMIT = 100  # characters: longer scalar lists are broken over lines


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in experiment files (use a finite number or null)")


def parse_json_text(text: str, source: str | None = None) -> Any:
    """Parse JSON, reporting malformed input with its line and column."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ExperimentError(
            Problem("", f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"), source
        ) from None
    except ValueError as exc:
        raise ExperimentError(Problem("", str(exc)), source) from None
    except RecursionError:
        raise ExperimentError(Problem("", "JSON is nested too deeply"), source) from None


def read_json_file(path: str | os.PathLike[str]) -> Any:
    """Read and parse a JSON file; every failure becomes an ExperimentError naming the file."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExperimentError("file not found", source) from None
    except IsADirectoryError:
        raise ExperimentError("is a folder, not an experiment file", source) from None
    except OSError as exc:
        raise ExperimentError(f"cannot be read: {exc.strerror or exc}", source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExperimentError(
            f"is not UTF-8 text (byte {exc.start}); is it really an experiment file?", source
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


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` so that the file is either the old one or the complete new one, never half."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise


def write_json_file(path: str | os.PathLike[str], value: Any) -> None:
    """Canonical JSON, written atomically."""
    atomic_write_text(path, canonical_json(value))
