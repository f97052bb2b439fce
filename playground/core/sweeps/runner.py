"""Running a sweep: each run trains in a worker process (or a Ray task) and becomes one result row.

`train_run` is the whole of one run, a plain function of plain data, so that a process pool and
Ray call the same thing and give the same rows: the experiment document, the run and the base
folder go in, a `SweepRow` as a dict comes out. Every run is seeded, so a row depends only on
its settings and seed, wherever it ran.

`SweepResults` keeps the rows in ``results.jsonl`` (a line appended and flushed as each run ends,
so an interrupted sweep loses at most the runs in flight) and writes ``results.csv`` from them. A
sweep started again in the same folder skips the runs whose key is already there.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from playground.core.errors import PlaygroundError
from playground.core.experiment.io import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import Experiment
from playground.core.i18n import _
from playground.core.safe_files import atomic_write_text
from playground.core.sweeps.grid import SweepError, SweepRun, run_experiment
from playground.core.training.events import FINAL_METRICS

RESULTS_JSONL = "results.jsonl"
RESULTS_CSV = "results.csv"
SWEEP_FORMAT = "nn-playground.sweep-row"


@dataclass
class SweepRow:
    """One finished run: what it varied, its seed, its final metrics and how long it took."""

    key: str
    settings: dict[str, Any]
    seed: int
    status: str
    metrics: dict[str, float | None]
    epochs: int
    seconds: float
    message: str = ""
    format: str = field(default=SWEEP_FORMAT)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "key": self.key,
            "settings": self.settings,
            "seed": self.seed,
            "status": self.status,
            "metrics": self.metrics,
            "epochs": self.epochs,
            "seconds": round(self.seconds, 3),
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> SweepRow:
        return cls(
            key=str(record["key"]),
            settings=dict(record["settings"]),
            seed=int(record["seed"]),
            status=str(record["status"]),
            metrics={str(k): (None if v is None else float(v)) for k, v in dict(record["metrics"]).items()},
            epochs=int(record.get("epochs", 0)),
            seconds=float(record.get("seconds", 0.0)),
            message=str(record.get("message", "")),
        )


def run_name(run: SweepRun) -> str:
    """A folder name that says what the run varied: ``lr=0.01,batch_size=16,seed=0``."""
    parts = [f"{path.rsplit('.', 1)[-1]}={value}" for path, value in run.settings] + [f"seed={run.seed}"]
    return "".join(ch if ch.isalnum() or ch in "=,.-_" else "_" for ch in ",".join(parts))[:200]


def train_run(
    document: dict[str, Any],
    run: SweepRun,
    base_dir: str | None,
    threads: int = 1,
    tensorboard_dir: str | None = None,
) -> dict[str, Any]:
    """Train one run of the sweep to its end; the row as a dict (plain data for any worker).
    With `tensorboard_dir`, the run's TensorBoard logs go to a folder of its own in it."""
    import torch

    from playground.core.training.engine import Trainer, TrainerOptions

    torch.set_num_threads(max(1, threads))
    base = experiment_from_dict(document)
    started = time.perf_counter()
    try:
        experiment = run_experiment(base, run)
        options = TrainerOptions(diagnostics=False, max_step_events_per_second=0.0, num_threads=threads)
        trainer = Trainer(experiment, base_dir=base_dir, options=options)
        if tensorboard_dir is not None:
            from playground.core.export.common import example_input
            from playground.core.training.tensorboard import TensorBoardLog

            log = TensorBoardLog(
                Path(tensorboard_dir) / run_name(run), trainer.model, example_input(trainer.dataset.info)
            )
            trainer.observer = log.on_event
        summary = trainer.run()
    except PlaygroundError as exc:
        return SweepRow(run.key, run.settings_dict(), run.seed, "failed", {}, 0, 0.0, str(exc)).as_dict()
    metrics = {name: _finite(getattr(summary, name, None)) for name in FINAL_METRICS}
    metrics = {name: value for name, value in metrics.items() if value is not None or name in _ALWAYS}
    row = SweepRow(
        run.key,
        run.settings_dict(),
        run.seed,
        str(summary.status),
        metrics,
        int(summary.epochs),
        time.perf_counter() - started,
        summary.message or "",
    )
    return row.as_dict()


_ALWAYS = frozenset({"train_loss", "val_loss", "test_loss"})


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class SweepResults:
    """The rows of a sweep in its folder: read on start, one line added as each run ends."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.jsonl = self.folder / RESULTS_JSONL
        self.csv = self.folder / RESULTS_CSV
        self.rows: dict[str, SweepRow] = {}
        lines = self.jsonl.read_text(encoding="utf-8").splitlines() if self.jsonl.is_file() else []
        if lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if record.get("format") != SWEEP_FORMAT:
                        raise ValueError("not a sweep row")
                    row = SweepRow.from_dict(record)
                except (ValueError, KeyError, TypeError):
                    if number == len(lines):
                        continue  # a line cut short by an interrupt: that run is done again
                    raise SweepError(
                        _("{path} line {line} is not a sweep result: move it away or choose another --out").format(
                            path=self.jsonl, line=number
                        )
                    ) from None
                self.rows[row.key] = row

    def done(self, run: SweepRun) -> bool:
        return run.key in self.rows

    def add(self, record: dict[str, Any]) -> SweepRow:
        """Keep a finished run: appended to the JSON Lines file at once (flushed to disk)."""
        row = SweepRow.from_dict(record)
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.jsonl, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row.as_dict()) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.rows[row.key] = row
        return row

    def ordered(self, runs: Iterable[SweepRun]) -> list[SweepRow]:
        """The rows of `runs` that are done, in the grid's order."""
        return [self.rows[run.key] for run in runs if run.key in self.rows]

    def write_csv(self, runs: Iterable[SweepRun]) -> Path:
        """``results.csv``: a column per setting, the seed, every metric, status and seconds."""
        rows = self.ordered(runs)
        settings = list(dict.fromkeys(path for row in rows for path in row.settings))
        metrics = [name for name in FINAL_METRICS if any(name in row.metrics for row in rows)]
        lines: list[list[Any]] = [[*settings, "seed", *metrics, "epochs", "status", "seconds"]]
        for row in rows:
            lines.append(
                [
                    *(_cell(row.settings.get(path)) for path in settings),
                    row.seed,
                    *("" if row.metrics.get(name) is None else f"{row.metrics[name]:.6g}" for name in metrics),
                    row.epochs,
                    row.status,
                    f"{row.seconds:.2f}",
                ]
            )
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(lines)
        atomic_write_text(self.csv, text.getvalue())
        return self.csv


def _cell(value: Any) -> Any:
    """A setting as a CSV cell: numbers and text as they are, anything else as JSON."""
    plain = isinstance(value, (int, float, str)) and not isinstance(value, bool)
    return value if plain else json.dumps(value)


@dataclass(frozen=True)
class Progress:
    """How far the sweep is: runs done (this time and before), in all, and the time left."""

    done: int
    total: int
    resumed: int
    elapsed: float
    eta: float | None


def run_locally(
    base: Experiment,
    runs: list[SweepRun],
    results: SweepResults,
    base_dir: str | None,
    workers: int,
    on_progress: Callable[[Progress, SweepRow | None], None] | None = None,
    tensorboard_dir: str | None = None,
) -> list[SweepRow]:
    """Train the runs not done yet in `workers` spawned processes; every row as it finishes."""
    todo = [run for run in runs if not results.done(run)]
    if not todo:
        return _gather(runs, results, todo, iter(()), on_progress)
    document = experiment_to_dict(base)
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=get_context("spawn")) as pool:
        return _gather(runs, results, todo, _as_finished(pool, document, todo, base_dir, tensorboard_dir), on_progress)


def _gather(
    runs: list[SweepRun],
    results: SweepResults,
    todo: list[SweepRun],
    records: Iterator[dict[str, Any]],
    on_progress: Callable[[Progress, SweepRow | None], None] | None,
) -> list[SweepRow]:
    """Keep each finished run's row as `records` yields it, reporting the progress and the time left
    (from the pace so far); every row of the sweep, in the grid's order."""
    resumed = len(runs) - len(todo)
    started = time.perf_counter()
    if on_progress is not None:
        on_progress(Progress(resumed, len(runs), resumed, 0.0, None), None)
    for finished, record in enumerate(records, start=1):
        row = results.add(record)
        if on_progress is not None:
            elapsed = time.perf_counter() - started
            eta = elapsed / finished * (len(todo) - finished)
            on_progress(Progress(resumed + finished, len(runs), resumed, elapsed, eta), row)
    return results.ordered(runs)


def _as_finished(
    pool: ProcessPoolExecutor,
    document: dict[str, Any],
    todo: list[SweepRun],
    base_dir: str | None,
    tensorboard_dir: str | None,
) -> Iterator[dict[str, Any]]:
    pending: set[Future[dict[str, Any]]] = {
        pool.submit(train_run, document, run, base_dir, 1, tensorboard_dir) for run in todo
    }
    try:
        while pending:
            ready, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in ready:
                yield future.result()
    finally:
        for future in pending:
            future.cancel()


def run_on_ray(
    address: str,
    base: Experiment,
    runs: list[SweepRun],
    results: SweepResults,
    base_dir: str | None,
    on_progress: Callable[[Progress, SweepRow | None], None] | None = None,
    init: Callable[[], Any] | None = None,
    tensorboard_dir: str | None = None,
) -> list[SweepRow]:
    """The same runs as Ray tasks on the cluster at `address` (``auto``: the one this machine is in)."""
    try:
        import ray
    except ImportError:
        raise SweepError(_('--ray needs Ray, which is not installed: pip install "nn-playground[cluster]"')) from None
    if not ray.is_initialized():
        (init or (lambda: ray.init(address=address, log_to_driver=False)))()
    task = ray.remote(num_cpus=1)(train_run)
    todo = [run for run in runs if not results.done(run)]
    document = experiment_to_dict(base)

    def finished() -> Iterator[dict[str, Any]]:
        pending = [task.remote(document, run, base_dir, 1, tensorboard_dir) for run in todo]
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                yield ray.get(ref)

    return _gather(runs, results, todo, finished(), on_progress)


@dataclass(frozen=True)
class SettingSummary:
    """The runs of one combination of settings: each metric's mean and standard deviation over seeds."""

    settings: dict[str, Any]
    runs: int
    mean: dict[str, float]
    std: dict[str, float]


def summarise(rows: list[SweepRow]) -> list[SettingSummary]:
    """One summary per combination of settings, in the order the combinations first appear."""
    groups: dict[str, list[SweepRow]] = {}
    for row in rows:
        groups.setdefault(json.dumps(row.settings, sort_keys=True, default=str), []).append(row)
    summaries = []
    for members in groups.values():
        mean: dict[str, float] = {}
        std: dict[str, float] = {}
        for name in FINAL_METRICS:
            values = [float(value) for row in members if (value := row.metrics.get(name)) is not None]
            if not values:
                continue
            centre = sum(values) / len(values)
            mean[name] = centre
            spread = sum((v - centre) ** 2 for v in values) / (len(values) - 1) if len(values) > 1 else 0.0
            std[name] = math.sqrt(spread)
        summaries.append(SettingSummary(members[0].settings, len(members), mean, std))
    return summaries
