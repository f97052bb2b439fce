"""`playground sweep FILE --set PATH=V1,V2 ... --seeds N`: train a grid of settings times seeds.

Each run trains in one of `--workers` local processes (or, with `--ray ADDRESS`, as a Ray task on
that cluster) and is written to OUT/results.jsonl as it ends; OUT/results.csv holds every row at
the end. Running the same command again continues: finished runs are not repeated. A progress
bar with the time left goes to standard error; at the end a table gives each combination's mean
± standard deviation over the seeds. Exit status 0 when every run trained, 1 when the experiment
or a setting cannot be used or a run failed, 2 for usage errors, 130 when interrupted (the runs
finished so far are kept).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from playground.core.errors import PlaygroundError
from playground.core.i18n import _

MAX_WORKERS = 256


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help=_("train a grid of settings times seeds and tabulate the results"),
        description=_(
            "Train every combination of the --set values, each with --seeds seeds, in worker processes "
            "(or on a Ray cluster with --ray). Rows go to OUT/results.jsonl as runs end and to "
            "OUT/results.csv; run the same command again to finish an interrupted sweep."
        ),
    )
    parser.add_argument("file", metavar="FILE", help=_("the experiment file (.json)"))
    parser.add_argument(
        "--set",
        dest="axes",
        action="append",
        default=[],
        metavar="PATH=V1,V2",
        help=_("a setting and its values, e.g. training.optimizer.params.lr=0.001,0.01 (repeatable)"),
    )
    parser.add_argument("--seeds", type=int, default=1, metavar="N", help=_("seeds per combination (default 1)"))
    parser.add_argument("--epochs", type=int, metavar="N", help=_("epochs of every run (default: the experiment's)"))
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=_("local worker processes (default: the number of CPU cores)"),
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help=_("the folder for the results (default: FILE's name + _sweep, in the current folder)"),
    )
    parser.add_argument(
        "--tensorboard",
        metavar="DIR",
        help=_("write each run's TensorBoard logs into a folder of its own in DIR"),
    )
    parser.add_argument(
        "--ray",
        metavar="ADDRESS",
        help=_('run on the Ray cluster at ADDRESS ("auto": the one this machine belongs to); needs the cluster extra'),
    )


def _bar(done: int, total: int, width: int = 28) -> str:
    filled = round(width * done / total) if total else width
    return "█" * filled + "·" * (width - filled)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


class _ProgressLine:
    """The progress bar on standard error (redrawn in place on a terminal, a line per run otherwise)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, progress: Any, row: Any) -> None:
        eta = _("time left {eta}").format(eta=_duration(progress.eta)) if progress.eta is not None else ""
        resumed = _("{count} done before").format(count=progress.resumed) if progress.resumed else ""
        parts = [f"{_bar(progress.done, progress.total)} {progress.done}/{progress.total}", resumed, eta]
        if row is not None and row.status == "failed":
            parts.append(_("a run failed: {message}").format(message=row.message))
        text = "  ".join(part for part in parts if part)
        if self.tty:
            sys.stderr.write("\r\x1b[2K" + text)
            if progress.done == progress.total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from playground.core.experiment import load_experiment  # lazy: torch
    from playground.core.sweeps.grid import SweepError, grid, parse_axis, run_experiment
    from playground.core.sweeps.runner import SweepResults, run_locally, run_on_ray

    source = Path(args.file)
    out = Path(args.out) if args.out else Path.cwd() / (source.stem + "_sweep")
    workers = args.workers or os.cpu_count() or 1
    if not 1 <= workers <= MAX_WORKERS:
        print(_("error: --workers must be between 1 and {limit}").format(limit=MAX_WORKERS), file=sys.stderr)
        return 2
    try:
        base = load_experiment(source)
        if args.epochs is not None:
            base.training.epochs = args.epochs
        axes = [parse_axis(text) for text in args.axes]
        runs = grid(axes, args.seeds, first_seed=base.training.seed)
        for one in runs:  # every setting is checked before anything trains
            run_experiment(base, one)
        results = SweepResults(out)
        print(
            _("sweep of {runs} runs ({combinations} combinations × {seeds} seeds) into {out}").format(
                runs=len(runs), combinations=len(runs) // args.seeds, seeds=args.seeds, out=out
            )
        )
        progress = _ProgressLine()
        tensorboard = str(Path(args.tensorboard).resolve()) if args.tensorboard else None
        if tensorboard is not None:
            from playground.core.training.tensorboard import require_tensorboard

            require_tensorboard()
        if args.ray:
            rows = run_on_ray(args.ray, base, runs, results, str(source.parent), progress, tensorboard_dir=tensorboard)
        else:
            rows = run_locally(base, runs, results, str(source.parent), workers, progress, tensorboard)
        csv_path = results.write_csv(runs)
    except KeyboardInterrupt:
        print(_("interrupted: the finished runs are kept; run the same command to go on"), file=sys.stderr)
        return 130
    except (SweepError, PlaygroundError) as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    _print_table(rows)
    print(_("wrote {csv} and {jsonl}").format(csv=csv_path, jsonl=results.jsonl))
    failed = [row for row in rows if row.status == "failed"]
    return 1 if failed else 0


def _print_table(rows: list[Any]) -> None:
    from playground.core.sweeps.runner import summarise

    summaries = summarise(rows)
    if not summaries:
        return
    metric = next(
        (name for name in ("val_accuracy", "val_r2", "val_loss", "train_loss") if name in summaries[0].mean), None
    )
    if metric is None:
        return
    best_first = metric in ("val_accuracy", "val_r2")
    ordered = sorted(summaries, key=lambda s: s.mean.get(metric, float("nan")), reverse=best_first)
    for summary in ordered:
        settings = "  ".join(f"{path}={value}" for path, value in summary.settings.items()) or _("(the experiment)")
        mean, std = summary.mean[metric], summary.std[metric]
        shown = f"{mean:.2%} ± {std:.2%}" if metric == "val_accuracy" else f"{mean:.4f} ± {std:.4f}"
        print(f"{metric} {shown}  ({summary.runs})  {settings}")
