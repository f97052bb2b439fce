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
from playground.core.i18n import N_, _
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
            _("{path} is not UTF-8 text ({reason} at byte {byte}): save it as UTF-8 CSV").format(
                path=path, reason=exc.reason, byte=exc.start
            )
        ) from exc
    except OSError as exc:
        raise DatasetError(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc
    nul = text.find("\x00")
    if nul >= 0:
        raise DatasetError(
            _(
                "{file}, line {line}: the file contains a NUL byte, so it is not "
                "plain text (perhaps UTF-16 or a binary file); save it as UTF-8 CSV"
            ).format(file=path.name, line=text.count(chr(10), 0, nul) + 1)
        )
    return text


def _spanning_quote(start: int, end: int, path: Path) -> DatasetError:
    """A row whose quoted value runs over several lines: in a table of numbers that is a missing quote.

    A row can only run on past its first line through a quote opened on that line, so `start` is
    where the quote opens.
    """
    return DatasetError(
        _(
            '{file}, line {start}: a quote (") opened here is closed only on line {end}, so lines {start} to '
            "{end} are read as one value; check the quoting"
        ).format(file=path.name, start=start, end=end)
    )


def _quoting_error(reason: str, text: str, start: int, line: int, delimiter: str, path: Path) -> DatasetError:
    """The csv module's complaint as a message that points at the line to fix."""
    open_quote = _ends_inside_quote(_line(text, start), delimiter)
    if "unexpected end of data" in reason or ("field limit" in reason and open_quote):
        return DatasetError(
            _('{file}, line {line}: a quote (") is opened but never closed; check the quoting').format(
                file=path.name, line=start
            )
        )
    if "field limit" in reason:
        return DatasetError(
            _(
                "{file}, line {line}: a value is longer than {limit:,} characters; check the delimiter and the quoting"
            ).format(file=path.name, line=start, limit=csv.field_size_limit())
        )
    if "expected after" in reason:
        return DatasetError(
            _(
                '{file}, line {line}: a closing quote (") is followed by more text in the same value (write '
                '"" for a quote inside a quoted value); check the quoting'
            ).format(file=path.name, line=line)
        )
    return DatasetError(
        _("{file}, line {line}: {reason}; check the quoting").format(file=path.name, line=line, reason=reason)
    )


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
    for _line_number in range(number - 1):
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
                _(
                    "{file}, line {line}: column {column!r} is empty; fill in the missing value or delete the row"
                ).format(file=path.name, line=line, column=column)
            )
        if is_number(cell) and not np.isfinite(float(cell)):
            raise DatasetError(
                _(
                    "{file}, line {line}: column {column!r} holds {cell!r}, which is not a finite number (too "
                    "large, infinite or NaN); fill in a real value or delete the row"
                ).format(file=path.name, line=line, column=column, cell=cell)
            )
        if '"' in cell and is_number(cell.replace('"', "")):
            raise DatasetError(
                _(
                    '{file}, line {line}: column {column!r} holds {cell!r}, a number with a stray quote ("); '
                    "remove the quote or check the quoting"
                ).format(file=path.name, line=line, column=column, cell=cell)
            )
        if not is_number(cell):
            raise DatasetError(
                _(
                    "{file}: column {column!r} is not numeric (line {line} has {cell!r}); feature columns "
                    "must hold numbers: remove the column or encode it as numbers"
                ).format(file=path.name, line=line, column=column, cell=cell)
            )
    raise AssertionError("unreachable")


def load_csv(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    path = resolve_user_path(params["path"], base_dir, _("CSV file"))
    rows = _read_rows(path)
    if not rows:
        raise DatasetError(_("{file} is empty: it needs a header row and data rows").format(file=path.name))
    # An unnamed column's name is data (feature names, the target option), so it stays English.
    header = [name or f"column {i + 1}" for i, name in enumerate(rows[0][1])]
    if all(is_number(name) for name in rows[0][1]):
        raise DatasetError(
            _("{file}: the first row looks like data ({cells}, ...); add a header row with the column names").format(
                file=path.name, cells=", ".join(rows[0][1][:4])
            )
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise DatasetError(
            _("{file}: column name {name!r} appears twice in the header; rename one").format(
                file=path.name, name=duplicates[0]
            )
        )
    data = rows[1:]
    if not data:
        raise DatasetError(_("{file} has a header but no data rows").format(file=path.name))
    for line, cells in data:
        if len(cells) != len(header):
            raise DatasetError(
                _("{file}, line {line}: {values} values, but the header names {columns} columns").format(
                    file=path.name, line=line, values=len(cells), columns=len(header)
                )
            )
    target = params["target"] or header[-1]
    if target not in header:
        raise DatasetError(
            _("{file} has no column {target!r} (data.params.target); columns: {columns}").format(
                file=path.name, target=target, columns=", ".join(header)
            )
        )
    features = [name for name in header if name != target]
    if not features:
        raise DatasetError(
            _("{file} has only the target column {target!r}; it needs feature columns too").format(
                file=path.name, target=target
            )
        )
    lines = [line for line, _cells in data]
    columns = list(zip(*(cells for _line, cells in data)))
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
                _("{file}, line {line}: the target {column!r} is empty; fill it in or delete the row").format(
                    file=path.name, line=line, column=column
                )
            )
    numeric = all(is_number(cell) for cell in cells)
    values = np.array(cells, dtype=np.float64) if numeric else np.array(cells, dtype=str)
    where = _("{file}: target column {column!r}").format(file=path.name, column=column)
    return interpret_target(values, task, where)


ENTRY = (
    DatasetType(
        "csv",
        N_("CSV file"),
        N_("Your own table: a header row, numeric feature columns and one target column (numbers or class names)."),
        (
            P("path", "str", "", N_("The CSV file; a relative path starts at the experiment's folder.")),
            P("target", "str", "", N_("The column to predict; empty = the last column.")),
            TASK_PARAM,
        ),
        N_("Your data"),
    ),
    load_csv,
)
