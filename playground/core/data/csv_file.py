"""Load the user's CSV file: a header row, numeric feature columns and one target column."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Literal

import numpy as np

from playground.core.data.assemble import RawData
from playground.core.data.types import DatasetType
from playground.core.data.user_files import TASK_PARAM, interpret_target, resolve_user_path
from playground.core.errors import DatasetError
from playground.core.params import ParamSpec as P


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row; the delimiter (, ; or tab) is guessed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8 CSV"
        ) from exc
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(c in first_line for c in ",;\t") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise DatasetError(f"{path}, line {reader.line_num}: {exc}; check the quoting") from exc
    return rows


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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
        if not _is_number(cell) or not np.isfinite(float(cell)):
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
    if all(_is_number(name) for name in rows[0][1]):
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
        raise DatasetError(
            f"{path.name} has no column {target!r} (data.params.target); columns: {', '.join(header)}"
        )
    features = [name for name in header if name != target]
    if not features:
        raise DatasetError(f"{path.name} has only the target column {target!r}; it needs feature columns too")
    lines = [line for line, _ in data]
    columns = list(zip(*(cells for _, cells in data)))
    x = np.stack(
        [_numeric_column(list(columns[header.index(name)]), lines, name, path) for name in features], axis=1
    )
    targets, task, class_names = _target(list(columns[header.index(target)]), lines, params["task"], target, path)
    return RawData(
        x=x, y=targets, task=task, modality="features", class_names=class_names,
        feature_names=tuple(features), scaling="per_feature",
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
    numeric = all(_is_number(cell) for cell in cells)
    values = np.array(cells, dtype=np.float64) if numeric else np.array(cells, dtype=str)
    return interpret_target(values, task, f"{path.name}: target column {column!r}")


ENTRY = (
    DatasetType(
        "csv", "CSV file",
        "Your own table: a header row, numeric feature columns and one target column (numbers or class "
        "names).",
        (
            P("path", "str", "", "The CSV file; a relative path starts at the experiment's folder."),
            P("target", "str", "", "The column to predict; empty = the last column."),
            TASK_PARAM,
        ),
        "Your data",
    ),
    load_csv,
)
