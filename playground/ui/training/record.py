"""Everything a run has reported so far, kept for CSV export (plain data, no Qt)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from playground.core.csv_text import csv_text
from playground.core.safe_files import atomic_write_text

EPOCH_COLUMNS = ("epoch", "step", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "train_mae",
                 "val_mae", "train_r2", "val_r2", "lr", "seconds", "samples_per_second")
STEP_COLUMNS = ("step", "epoch", "train_loss", "lr")


def _cell(value: Any) -> str:
    """CSV text of a value: empty for missing and non-finite numbers, never 'nan'."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return ""
    return repr(number) if number != int(number) or abs(number) >= 1e15 else str(int(number))


def write_csv_atomic(path: str | Path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a CSV file atomically, its text cells safe to open in a spreadsheet."""
    atomic_write_text(path, csv_text(header, ([_cell(value) for value in row] for row in rows)))


class RunRecord:
    """Per-epoch rows and per-step losses/LRs of the current run."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.setup: dict[str, Any] = {}
        self.epochs: list[dict[str, Any]] = []
        self._steps: list[dict[str, np.ndarray]] = []
        self.summary: dict[str, Any] | None = None

    def add_steps(self, steps: dict[str, np.ndarray] | None) -> None:
        if steps is not None and len(steps.get("step", ())):
            self._steps.append(steps)

    def add_epochs(self, rows: Iterable[dict[str, Any]]) -> None:
        self.epochs.extend(dict(row) for row in rows)

    def steps(self) -> dict[str, np.ndarray]:
        """All step data so far as arrays (concatenated on demand)."""
        keys = ("step", "epoch_x", "loss", "lr")
        if not self._steps:
            return {key: np.zeros(0) for key in keys}
        if len(self._steps) > 1:
            self._steps = [{key: np.concatenate([chunk[key] for chunk in self._steps]) for key in keys}]
        return dict(self._steps[0])

    def step_count(self) -> int:
        return sum(len(chunk["step"]) for chunk in self._steps)

    def is_empty(self) -> bool:
        return not self.epochs and not self._steps

    def write_epochs_csv(self, path: str | Path) -> None:
        write_csv_atomic(path, EPOCH_COLUMNS, ([row.get(column) for column in EPOCH_COLUMNS] for row in self.epochs))

    def write_steps_csv(self, path: str | Path) -> None:
        steps = self.steps()
        rows = zip(steps["step"].astype(np.int64).tolist(), steps["epoch_x"].tolist(), steps["loss"].tolist(),
                   steps["lr"].tolist())
        write_csv_atomic(path, STEP_COLUMNS, rows)
