"""`playground report FILE -o OUT.html [--epochs N]`: a run's report as one self-contained HTML file.

Opens the experiment in the window offscreen, trains it for N epochs (the experiment's own number
without --epochs), and writes what File ▸ Export Report… writes: the name and lesson text, the
network picture, the layer table, the curves, the final metrics and the task view (the decision
boundary, or the images with their confusion matrix), images inlined. Exit 0 on success, 1 when
the file cannot be read, the run cannot train or the report cannot be written, 2 for usage errors.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from playground.commands.outputs import unnamed_output_exists
from playground.commands.snapshot import add_window_arguments
from playground.commands.train import bounded_int
from playground.core.i18n import _
from playground.core.params import MAX_EPOCHS


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help=_("train an experiment and write its report as one HTML file"),
        description=_(
            "Train FILE in the window (offscreen) and write its report: name, lesson, network, layer "
            "table, curves, final metrics and the task view, as one self-contained HTML file."
        ),
    )
    parser.add_argument("file", metavar="FILE", help=_("the experiment file (.json)"))
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.html",
        help=_(
            "where to write the report (default: FILE's name with .html, in the current folder, which must not exist yet)"
        ),
    )
    parser.add_argument(
        "--epochs",
        type=bounded_int(1, MAX_EPOCHS),
        metavar="N",
        help=_("train N epochs before the report (default: the experiment's)"),
    )
    add_window_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from playground.core.errors import PlaygroundError
    from playground.core.experiment import load_experiment  # lazy: torch

    source = Path(args.file)
    output = Path(args.output) if args.output else Path.cwd() / (source.stem + ".html")
    if unnamed_output_exists(output, named=args.output is not None):
        return 1
    try:
        experiment = load_experiment(source)
        from playground.ui.report import export_report  # lazy: the window loads only to draw
        from playground.ui.snapshot import SnapshotOptions, render_window, use_offscreen_if_headless

        use_offscreen_if_headless()
        written: list[Path] = []
        options = SnapshotOptions(
            size=tuple(args.size),
            theme=args.theme,
            epochs=args.epochs or experiment.training.epochs,
            prepare=[lambda window, _options: written.append(export_report(window, output))],
        )
        render_window(experiment, source.resolve(), options)
    except (PlaygroundError, OSError) as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    print(_("wrote the report {path}").format(path=written[0]))
    return 0
