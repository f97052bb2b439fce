"""`playground record FILE -o RUN.gif [--epochs N]`: train and film the decision boundary and the loss.

Trains FILE headless, keeping every epoch's weights, then draws one frame per epoch (the boundary
over the plane beside the loss curve so far) and writes an animated GIF, or an MP4 where imageio's
ffmpeg is installed. For 2-D point datasets. Exit 0 on success, 1 when the file cannot be used, the
data has no boundary or the file cannot be written, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from playground.commands.outputs import unnamed_output_exists
from playground.commands.train import bounded_int
from playground.core.i18n import _
from playground.core.params import MAX_EPOCHS


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "record",
        help=_("train a 2-D experiment and film its decision boundary and loss as a GIF or MP4"),
        description=_(
            "Train FILE, keeping every epoch's weights, and write one frame per epoch (the decision boundary "
            "beside the loss curve) as an animated GIF, or an MP4 where imageio's ffmpeg is installed."
        ),
    )
    parser.add_argument("file", metavar="FILE", help=_("the experiment file (.json)"))
    parser.add_argument(
        "-o",
        "--output",
        metavar="RUN.gif",
        help=_(
            "the .gif or .mp4 to write (default: FILE's name with .gif, in the current folder, which must not exist yet)"
        ),
    )
    parser.add_argument(
        "--epochs", type=bounded_int(1, MAX_EPOCHS), metavar="N", help=_("train N epochs (default: the experiment's)")
    )
    parser.add_argument(
        "--seconds-per-frame", type=float, default=0.2, metavar="S", help=_("how long each frame shows (default 0.2)")
    )


def run(args: argparse.Namespace) -> int:
    from playground.core.data import load_dataset  # lazy: torch
    from playground.core.errors import PlaygroundError
    from playground.core.experiment import load_experiment
    from playground.core.runs.recording import recording_frames, require_pillow, write_recording
    from playground.core.runs.timeline import SnapshotStore
    from playground.core.training.engine import Trainer, TrainerOptions

    source = Path(args.file)
    output = Path(args.output) if args.output else Path.cwd() / (source.stem + ".gif")
    if unnamed_output_exists(output, named=args.output is not None):
        return 1
    if not 0.02 <= args.seconds_per_frame <= 10:
        print(_("error: --seconds-per-frame must be between 0.02 and 10"), file=sys.stderr)
        return 2
    try:
        require_pillow()
        experiment = load_experiment(source)
        if args.epochs is not None:
            experiment.training.epochs = args.epochs
        dataset = load_dataset(experiment.data, base_dir=source.parent)
        store = SnapshotStore(every=1)
        options = TrainerOptions(snapshots=store, diagnostics=False, num_threads="auto")
        summary = Trainer(experiment, dataset=dataset, base_dir=source.parent, options=options).run()
        frames = recording_frames(experiment, dataset, list(store), summary.history)
        written = write_recording(frames, output, args.seconds_per_frame)
    except (PlaygroundError, OSError) as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    print(_("wrote {path}: {frames} frames, one per kept epoch").format(path=written, frames=len(frames)))
    return 0
