"""The session's run history: every finished run (single or race contender) with its curves.

Records keep numpy arrays for plotting; `to_saved`/`from_saved` convert them to the experiment
format's `comparison.runs` entries (plain lists, non-finite values as null), so a comparison can
be saved into the experiment file and reopened. Qt-free: change events are psygnal signals.

A run can be a branch of another: forked from epoch k of run R (`branch_of` = R's id,
`fork_epoch` = k; k = 0: rewound to R's initial weights). Its curves hold the whole line, R's
first k epochs included (what the forked trainer's history holds), and `curve` draws them from
epoch k on, so overlaid with R the branch leaves R's curve where it was forked. The file format's
saved runs have no place for the branch (nor for run ids), so a saved branch reopens as a plain run.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from psygnal import Signal
from pydantic import ValidationError

from playground.core.compare.race import describe_settings, mean_std
from playground.core.csv_text import csv_text
from playground.core.errors import ExperimentError, Problem
from playground.core.experiment.io import validation_problems
from playground.core.experiment.schema import Comparison, Experiment, SavedRun, SettingValue
from playground.core.i18n import _
from playground.core.jsonio import atomic_write_text
from playground.core.smoothing import smooth_ema
from playground.core.training.events import FINAL_METRICS

NOT_CURVES = frozenset({"epoch", "step", "event", "seconds", "samples_per_second", "improved"})  # row bookkeeping
MAX_SAVED_STEPS = 1000  # per-step curves are thinned to at most this many points in files


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _round(value: Any) -> float | None:
    """JSON-safe: 6 significant digits, non-finite as None."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return float(f"{number:.6g}")


def _as_array(values: Iterable[Any] | None) -> np.ndarray:
    if values is None:
        return np.array([], dtype=np.float64)
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def thin(steps: np.ndarray, *curves: np.ndarray, max_points: int = MAX_SAVED_STEPS) -> tuple[np.ndarray, ...]:
    """At most `max_points` points: consecutive buckets become their last step and mean values."""
    steps = np.asarray(steps)
    if steps.size <= max_points:
        return (steps, *curves)
    edges = np.linspace(0, steps.size, max_points + 1).astype(int)
    new_steps = steps[edges[1:] - 1]
    thinned = []
    for curve in curves:
        if curve.size != steps.size:
            thinned.append(curve)
            continue
        with np.errstate(all="ignore"):
            values = np.array(
                [
                    np.nanmean(curve[a:b]) if np.isfinite(curve[a:b]).any() else np.nan
                    for a, b in zip(edges[:-1], edges[1:])
                ]
            )
        thinned.append(values)
    return (new_steps, *thinned)


@dataclass
class RunRecord:
    """One finished run: what it was, how it went (curves) and where it ended (final metrics)."""

    name: str
    kind: str = "run"  # "run" (a single training) or "race" (a race contender, possibly over seeds)
    group: str = ""
    status: str = ""
    created: str = field(default_factory=_now)
    repeats: int = 1
    settings: dict[str, Any] = field(default_factory=dict)
    final: dict[str, float | None] = field(default_factory=dict)
    epoch_metrics: dict[str, np.ndarray] = field(default_factory=dict)
    epoch_std: dict[str, np.ndarray] = field(default_factory=dict)
    steps: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    step_loss: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float64))
    step_lr: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float64))
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    experiment: str = ""  # the document's session_id the run belongs to (not saved: a file's runs are its own)
    branch_of: str | None = None  # the id of the run this one was forked from (not saved: see the module)
    fork_epoch: int | None = None  # the parent's epoch the fork started after (0: its initial weights)

    # ---- reading -----------------------------------------------------------------------------
    @property
    def epochs(self) -> int:
        return max((len(v) for v in self.epoch_metrics.values()), default=0)

    @property
    def is_branch(self) -> bool:
        """Forked from another run of the history (`branch_of`, at `fork_epoch`)."""
        return self.branch_of is not None and self.fork_epoch is not None

    def metric_names(self) -> list[str]:
        names = list(self.epoch_metrics)
        if self.steps.size and "step_loss" not in names:
            names.append("step_loss")
        return names

    def curve(self, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """x (epoch numbers, or step numbers for "step_loss"/"step_lr"), y, and the spread or None."""
        if metric == "step_loss":
            return self.steps.astype(np.float64), self.step_loss, None
        if metric == "step_lr":
            return self.steps.astype(np.float64), self.step_lr, None
        values = self.epoch_metrics.get(metric)
        if values is None:
            return np.array([]), np.array([]), None
        x = np.arange(1, len(values) + 1, dtype=np.float64)
        spread = self.epoch_std.get(metric)
        if self.is_branch and self.fork_epoch:  # from the fork point on: the epochs before are the parent's
            start = min(int(self.fork_epoch), len(values)) - 1
            return x[start:], values[start:], spread[start:] if spread is not None else None
        return x, values, spread

    # ---- building ----------------------------------------------------------------------------
    @classmethod
    def from_training(
        cls,
        name: str,
        history: Sequence[Mapping[str, float | None]],
        summary: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
        steps: Sequence[int] | None = None,
        step_loss: Sequence[float] | None = None,
        step_lr: Sequence[float] | None = None,
        group: str = "",
        branch_of: str | None = None,
        fork_epoch: int | None = None,
    ) -> RunRecord:
        """A single run from the engine's epoch history (`Summary.history`) and summary dict; a
        fork names its parent's id and the epoch it was forked from (`history`: the whole line)."""
        summary = dict(summary or {})
        names: list[str] = []
        for row in history:
            for key, value in row.items():
                if key not in names and key not in NOT_CURVES and (value is None or isinstance(value, (int, float))):
                    names.append(key)
        metrics = {key: _as_array(row.get(key) for row in history) for key in names}
        final = {key: _round(summary.get(key)) for key in FINAL_METRICS if summary.get(key) is not None}
        if summary.get("seconds") is not None:
            final["seconds"] = _round(summary["seconds"])
        return cls(
            name=name,
            kind="run",
            group=group,
            status=str(summary.get("status", "")),
            settings=dict(settings or {}),
            final=final,
            epoch_metrics=metrics,
            steps=np.asarray(steps if steps is not None else [], dtype=np.int64),
            step_loss=_as_array(step_loss),
            step_lr=_as_array(step_lr),
            branch_of=branch_of,
            fork_epoch=None if fork_epoch is None else int(fork_epoch),
        )

    @classmethod
    def from_race(cls, race: Any, contender: int, group: str = "") -> RunRecord:
        """One race contender; over several seeds the curves are the mean and `epoch_std` the spread."""
        runs = [run for run in race.runs if run.contender == contender]
        spec = race.contenders[contender]
        names: list[str] = []
        for run in runs:
            for row in run.epochs:
                for key in row:
                    if key not in names:
                        names.append(key)
        metrics, spread = {}, {}
        for key in names:
            mean, std = mean_std([run.epoch_metric(key) for run in runs])
            metrics[key] = mean
            if len(runs) > 1:
                spread[key] = std
        step_runs = [run for run in runs if run.steps]
        if step_runs:
            longest = max(step_runs, key=lambda run: len(run.steps))
            steps = np.asarray(longest.steps, dtype=np.int64)
            loss, _spread = mean_std([np.asarray(run.losses) for run in step_runs])
            lrs, _spread = mean_std([np.asarray(run.lrs) for run in step_runs])
        else:
            steps, loss, lrs = np.array([], dtype=np.int64), np.array([]), np.array([])
        final: dict[str, float | None] = {}
        for key in FINAL_METRICS:
            values = [run.summary.get(key) for run in runs if run.summary.get(key) is not None]
            if values:
                final[key] = _round(float(np.mean(values)))
                if len(runs) > 1:
                    final[f"{key}_std"] = _round(float(np.std(values)))
        statuses = sorted({run.status for run in runs})
        settings = dict(spec.settings)
        settings = {**describe_settings(spec.experiment), **settings}
        if len(runs) > 1:
            settings.pop("seed", None)
            settings["seeds"] = ", ".join(str(run.seed) for run in runs)
        else:
            settings["seed"] = runs[0].seed if runs else settings.get("seed")
        return cls(
            name=spec.label,
            kind="race",
            group=group,
            status="/".join(statuses),
            repeats=len(runs),
            settings=settings,
            final=final,
            epoch_metrics=metrics,
            epoch_std=spread,
            steps=steps,
            step_loss=loss,
            step_lr=lrs,
        )

    # ---- the file format ---------------------------------------------------------------------
    def to_saved(self, max_points: int = MAX_SAVED_STEPS) -> SavedRun:
        steps, loss, lrs = self.steps, self.step_loss, self.step_lr
        if steps.size:
            steps, loss, lrs = thin(steps, loss, lrs, max_points=max_points)
        settings: dict[str, SettingValue] = {}
        for key, value in self.settings.items():
            if isinstance(value, float):
                settings[key] = _round(value)
            elif value is None or isinstance(value, (str, int, bool)):
                settings[key] = value
            else:
                settings[key] = str(value)
        return SavedRun(
            name=self.name,
            kind="race" if self.kind == "race" else "run",
            group=self.group,
            status=self.status,
            created=self.created,
            repeats=max(1, int(self.repeats)),
            settings=settings,
            final={key: _round(value) for key, value in self.final.items()},
            epoch_metrics={key: [_round(v) for v in values] for key, values in self.epoch_metrics.items()},
            epoch_std={
                key: [_round(v) for v in values] for key, values in self.epoch_std.items() if key in self.epoch_metrics
            },
            steps=[int(s) for s in steps],
            step_loss=[_round(v) for v in loss] if loss.size == steps.size else [],
            step_lr=[_round(v) for v in lrs] if lrs.size == steps.size else [],
        )

    @classmethod
    def from_saved(cls, saved: SavedRun) -> RunRecord:
        return cls(
            name=saved.name,
            kind=saved.kind,
            group=saved.group,
            status=saved.status,
            created=saved.created or _now(),
            repeats=saved.repeats,
            settings=dict(saved.settings),
            final=dict(saved.final),
            epoch_metrics={key: _as_array(values) for key, values in saved.epoch_metrics.items()},
            epoch_std={key: _as_array(values) for key, values in saved.epoch_std.items()},
            steps=np.asarray(saved.steps, dtype=np.int64),
            step_loss=_as_array(saved.step_loss),
            step_lr=_as_array(saved.step_lr),
        )


class RunHistory:
    """The runs of this session, in the order they finished; the panels subscribe to its events."""

    run_added = Signal(str)  # record id
    run_removed = Signal(str)
    run_renamed = Signal(str, str)  # record id, new name
    changed = Signal()  # after any change

    def __init__(self) -> None:
        self._records: list[RunRecord] = []

    # ---- reading -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(list(self._records))

    @property
    def records(self) -> list[RunRecord]:
        return list(self._records)

    def ids(self) -> list[str]:
        return [record.id for record in self._records]

    def get(self, record_id: str) -> RunRecord:
        for record in self._records:
            if record.id == record_id:
                return record
        raise KeyError(record_id)

    def parent_of(self, record: RunRecord) -> RunRecord | None:
        """The run a branch was forked from, while it is in the history (None: not a branch, or removed)."""
        if not record.is_branch:
            return None
        return next((other for other in self._records if other.id == record.branch_of), None)

    def branches_of(self, record_id: str) -> list[RunRecord]:
        """The runs forked from `record_id`, in the order they finished."""
        return [record for record in self._records if record.is_branch and record.branch_of == record_id]

    def branch_text(self, record: RunRecord) -> str:
        """'⑂ from <parent> @ epoch k' for a branch (the CSV table's words), '' for any other run."""
        if not record.is_branch:
            return ""
        parent = self.parent_of(record)
        if parent is None:
            return _("⑂ from a removed run @ epoch {epoch}").format(epoch=record.fork_epoch)
        return _("⑂ from {parent} @ epoch {epoch}").format(parent=parent.name, epoch=record.fork_epoch)

    # ---- editing -----------------------------------------------------------------------------
    def add(self, record: RunRecord) -> str:
        record_id = self._append(record)
        self.changed.emit()
        return record_id

    def extend(self, records: Iterable[RunRecord]) -> list[str]:
        """Add several runs with one `changed`: a file of 30 runs redraws the history once, not 30 times."""
        ids = [self._append(record) for record in records]
        if ids:
            self.changed.emit()
        return ids

    def _append(self, record: RunRecord) -> str:
        while any(existing.id == record.id for existing in self._records):
            record.id = uuid.uuid4().hex[:10]
        self._records.append(record)
        self.run_added.emit(record.id)
        return record.id

    def rename(self, record_id: str, name: str) -> str:
        record = self.get(record_id)
        old, record.name = record.name, str(name)
        self.run_renamed.emit(record_id, record.name)
        self.changed.emit()
        return old

    def remove(self, record_id: str) -> RunRecord:
        record = self.get(record_id)
        self._records.remove(record)
        self.run_removed.emit(record_id)
        self.changed.emit()
        return record

    def clear(self) -> None:
        for record_id in self.ids():
            self.remove(record_id)

    # ---- tables and overlays -----------------------------------------------------------------
    def table_columns(self, ids: Sequence[str] | None = None) -> list[str]:
        """name, group, status, then every setting and final metric any of the runs has."""
        records = self._select(ids)
        columns = ["name", "group", "status", "epochs"]
        if any(record.is_branch for record in records):
            columns.insert(1, "branch")
        for record in records:
            for key in record.settings:
                if key not in columns:
                    columns.append(key)
        finals = []
        for record in records:
            for key in record.final:
                if key not in finals and key not in columns:
                    finals.append(key)
        order = {name: index for index, name in enumerate(FINAL_METRICS)}
        finals.sort(key=lambda key: (order.get(key.removesuffix("_std"), 99), key))
        return columns + finals

    def table_rows(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        rows = []
        for record in self._select(ids):
            row: dict[str, Any] = {"id": record.id, "name": record.name, "group": record.group, "status": record.status}
            row.update(record.settings)
            row.update(record.final)
            row["epochs"] = record.epochs  # the epochs trained, whatever the settings said
            if record.is_branch:
                row["branch"] = self.branch_text(record)
            rows.append(row)
        return rows

    def overlay(
        self, metric: str, ids: Sequence[str] | None = None, smoothing: float = 0.0
    ) -> list[tuple[RunRecord, np.ndarray, np.ndarray, np.ndarray | None]]:
        """(record, x, y smoothed, spread) for each selected run that has `metric`."""
        out = []
        for record in self._select(ids):
            x, y, spread = record.curve(metric)
            if x.size == 0:
                continue
            out.append((record, x, smooth_ema(y, smoothing) if smoothing else y, spread))
        return out

    def metric_names(self, ids: Sequence[str] | None = None) -> list[str]:
        names: list[str] = []
        for record in self._select(ids):
            for name in record.metric_names():
                if name not in names:
                    names.append(name)
        return names

    def _select(self, ids: Sequence[str] | None) -> list[RunRecord]:
        if ids is None:
            return list(self._records)
        wanted = set(ids)
        return [record for record in self._records if record.id in wanted]

    # ---- export ------------------------------------------------------------------------------
    def table_csv(self, ids: Sequence[str] | None = None) -> str:
        columns = self.table_columns(ids)
        rows = (["" if row.get(c) is None else _csv_value(row.get(c)) for c in columns] for row in self.table_rows(ids))
        return csv_text(columns, rows)

    def curves_csv(self, ids: Sequence[str] | None = None) -> str:
        """Long format: run, epoch, metric, value (and std) — one row per point."""
        rows = []
        for record in self._select(ids):
            for metric, values in record.epoch_metrics.items():
                spread = record.epoch_std.get(metric)
                for index, value in enumerate(values):
                    std = spread[index] if spread is not None and index < len(spread) else None
                    rows.append([record.name, index + 1, metric, _csv_value(value), _csv_value(std)])
        return csv_text(["run", "epoch", "metric", "value", "std"], rows)

    def write_table_csv(self, path: str | os.PathLike[str], ids: Sequence[str] | None = None) -> None:
        atomic_write_text(Path(path), self.table_csv(ids))

    # ---- saving with the experiment -------------------------------------------------------------
    def to_comparison(self, title: str = "", ids: Sequence[str] | None = None) -> Comparison:
        return Comparison(title=title, runs=[record.to_saved() for record in self._select(ids)])

    def load_comparison(self, comparison: Comparison | None, replace: bool = True) -> list[str]:
        """Add the saved runs (replacing the current ones unless `replace` is False)."""
        if replace:
            self.clear()
        if comparison is None:
            return []
        return self.extend(RunRecord.from_saved(saved) for saved in comparison.runs)

    def save_into(self, experiment: Experiment, title: str = "", ids: Sequence[str] | None = None) -> Experiment:
        """Set `experiment.comparison` to these runs (None when there are none); returns the experiment."""
        experiment.comparison = self.to_comparison(title, ids) if self._select(ids) else None
        return experiment

    def to_dict(self, title: str = "") -> dict[str, Any]:
        """Plain JSON-safe data (the file format's `comparison` object)."""
        return self.to_comparison(title).model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Any, source: str | None = None) -> RunHistory:
        """The runs of a `comparison` object (parsed JSON); raises ExperimentError naming each problem."""
        if not isinstance(data, Mapping):
            raise ExperimentError(
                Problem("comparison", _("must be an object, got {type}").format(type=type(data).__name__)), source
            )
        try:
            comparison = Comparison.model_validate_json(json.dumps(dict(data), allow_nan=False), strict=True)
        except ValidationError as exc:
            raise ExperimentError(validation_problems(exc, "comparison"), source) from None
        except (TypeError, ValueError, RecursionError) as exc:
            raise ExperimentError(
                Problem("comparison", _("cannot be read: {reason}").format(reason=exc)), source
            ) from None
        history = cls()
        history.load_comparison(comparison)
        return history


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return "" if not math.isfinite(number) else f"{number:.6g}"
    return value
