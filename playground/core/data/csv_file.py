"""Load the user's CSV file: a header row, numeric feature columns and one target column."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Literal

import numpy as np

from playground.core.csv_text import is_number
from playground.core.data.assemble import RawData
from playground.core.data.types import DatasetType
from playground.core.data.user_files import TASK_PARAM, interpret_target, resolve_user_path
from playground.core.errors import DatasetError
from playground.core.params import ParamSpec as P


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row; the delimiter (, ; or tab) is guessed.

    Quoting is read strictly: a quote left open would otherwise swallow the rest of the file into
    one value, and the file would look like it had one row (or one class) instead of a quoting error.
    """
    text = _read_text(path)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(c in first_line for c in ",;\t") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1  # the line the next row starts on
    try:
        for cells in reader:
            if any("\n" in cell for cell in cells):
                raise _spanning_quote(start, reader.line_num, path)
            if any(cell.strip() for cell in cells):
                rows.append((start, [cell.strip() for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _quoting_error(str(exc), text, start, reader.line_num, delimiter, path) from exc
    return rows


def _read_text(path: Path) -> str:
    """The file as text; binary or UTF-16 files (NUL bytes) are refused here, not as odd cells later."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8 CSV"
        ) from exc
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    nul = text.find("\x00")
    if nul >= 0:
        raise DatasetError(
            f"{path.name}, line {text.count(chr(10), 0, nul) + 1}: the file contains a NUL byte, so it is not "
            "plain text (perhaps UTF-16 or a binary file); save it as UTF-8 CSV"
        )
    return text


def _spanning_quote(start: int, end: int, path: Path) -> DatasetError:
    """A row whose quoted value runs over several lines: in a table of numbers that is a missing quote.

    A row can only run on past its first line through a quote opened on that line, so `start` is
    where the quote opens.
    """
    return DatasetError(
        f'{path.name}, line {start}: a quote (") opened here is closed only on line {end}, so lines {start} to '
        f"{end} are read as one value; check the quoting"
    )


def _quoting_error(reason: str, text: str, start: int, line: int, delimiter: str, path: Path) -> DatasetError:
    """The csv module's complaint as a message that points at the line to fix."""
    open_quote = _ends_inside_quote(_line(text, start), delimiter)
    if "unexpected end of data" in reason or ("field limit" in reason and open_quote):
        return DatasetError(f'{path.name}, line {start}: a quote (") is opened but never closed; check the quoting')
    if "field limit" in reason:
        return DatasetError(
            f"{path.name}, line {start}: a value is longer than {csv.field_size_limit():,} characters; check "
            "the delimiter and the quoting"
        )
    if "expected after" in reason:
        return DatasetError(
            f'{path.name}, line {line}: a closing quote (") is followed by more text in the same value (write '
            '"" for a quote inside a quoted value); check the quoting'
        )
    return DatasetError(f"{path.name}, line {line}: {reason}; check the quoting")


def _ends_inside_quote(line: str, delimiter: str) -> bool:
    """Whether a quoted value opened on `line` is still open at its end (csv rules: a quote opens a
    value only at the value's start, and "" inside a quoted value is a literal quote)."""
    quoted, at_value_start, position = False, True, 0
    while position < len(line):
        char = line[position]
        if quoted and char == '"':
            if line.startswith('"', position + 1):
                position += 1  # a doubled quote is a literal quote
            else:
                quoted = False
        elif not quoted:
            quoted = char == '"' and at_value_start
            at_value_start = char == delimiter
        position += 1
    return quoted


def _line(text: str, number: int) -> str:
    """Line `number` (1-based) of `text`, without its line end; '' past the end."""
    position = 0
    for _ in range(number - 1):
        position = text.find("\n", position) + 1
        if position == 0:
            return ""
    end = text.find("\n", position)
    return text[position:] if end < 0 else text[position:end]


def _numeric_column(cells: list[str], lines: list[int], column: str, path: Path) -> np.ndarray:
    """One feature column as float64, with a message naming the first bad cell."""
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        values = None
    if values is not None and np.all(np.isfinite(values)):
        return values
    for line, cell in zip(lines, cells):
        if cell == "":
            raise DatasetError(
                f"{path.name}, line {line}: column {column!r} is empty; fill in the missing value or delete the row"
            )
        if is_number(cell) and not np.isfinite(float(cell)):
            raise DatasetError(
                f"{path.name}, line {line}: column {column!r} holds {cell!r}, which is not a finite number (too "
                "large, infinite or NaN); fill in a real value or delete the row"
            )
        if '"' in cell and is_number(cell.replace('"', "")):
            raise DatasetError(
                f'{path.name}, line {line}: column {column!r} holds {cell!r}, a number with a stray quote ("); '
                "remove the quote or check the quoting"
            )
        if not is_number(cell):
            raise DatasetError(
                f"{path.name}: column {column!r} is not numeric (line {line} has {cell!r}); feature columns "
                "must hold numbers: remove the column or encode it as numbers"
            )
    raise AssertionError("unreachable")


def load_csv(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    path = resolve_user_path(params["path"], base_dir, "CSV file")
    rows = _read_rows(path)
    if not rows:
        raise DatasetError(f"{path.name} is empty: it needs a header row and data rows")
    header = [name or f"column {i + 1}" for i, name in enumerate(rows[0][1])]
    if all(is_number(name) for name in rows[0][1]):
        raise DatasetError(
            f"{path.name}: the first row looks like data ({', '.join(rows[0][1][:4])}, ...); add a header row "
            "with the column names"
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise DatasetError(f"{path.name}: column name {duplicates[0]!r} appears twice in the header; rename one")
    data = rows[1:]
    if not data:
        raise DatasetError(f"{path.name} has a header but no data rows")
    for line, cells in data:
        if len(cells) != len(header):
            raise DatasetError(
                f"{path.name}, line {line}: {len(cells)} values, but the header names {len(header)} columns"
            )
    target = params["target"] or header[-1]
    if target not in header:
        raise DatasetError(f"{path.name} has no column {target!r} (data.params.target); columns: {', '.join(header)}")
    features = [name for name in header if name != target]
    if not features:
        raise DatasetError(f"{path.name} has only the target column {target!r}; it needs feature columns too")
    lines = [line for line, _ in data]
    columns = list(zip(*(cells for _, cells in data)))
    x = np.stack([_numeric_column(list(columns[header.index(name)]), lines, name, path) for name in features], axis=1)
    targets, task, class_names = _target(list(columns[header.index(target)]), lines, params["task"], target, path)
    return RawData(
        x=x,
        y=targets,
        task=task,
        modality="features",
        class_names=class_names,
        feature_names=tuple(features),
        scaling="per_feature",
        source=path.name,
    )


def _target(
    cells: list[str], lines: list[int], task: str, column: str, path: Path
) -> tuple[np.ndarray, Literal["classification", "regression"], tuple[str, ...]]:
    """Numbers when every cell is a number, otherwise text labels."""
    for line, cell in zip(lines, cells):
        if cell == "":
            raise DatasetError(
                f"{path.name}, line {line}: the target {column!r} is empty; fill it in or delete the row"
            )
    numeric = all(is_number(cell) for cell in cells)
    values = np.array(cells, dtype=np.float64) if numeric else np.array(cells, dtype=str)
    return interpret_target(values, task, f"{path.name}: target column {column!r}")


ENTRY = (
    DatasetType(
        "csv",
        "CSV file",
        "Your own table: a header row, numeric feature columns and one target column (numbers or class names).",
        (
            P("path", "str", "", "The CSV file; a relative path starts at the experiment's folder."),
            P("target", "str", "", "The column to predict; empty = the last column."),
            TASK_PARAM,
        ),
        "Your data",
    ),
    load_csv,
)
