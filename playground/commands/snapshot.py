"""`playground snapshot FILE -o OUT.png [--size WxH] [--theme light|dark] [--epochs N] [--probe NODE]
[--race]`: the window as a PNG.

Renders the main window with the experiment open, offscreen when there is no display, and
writes the picture (the README screenshots are made this way). Exit 0 on success, 1 when the
file cannot be read or the PNG cannot be written, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import logging
import re
from typing import Any

from playground.commands.train import bounded_int
from playground.core.errors import PlaygroundError
from playground.core.i18n import _
from playground.core.params import MAX_EPOCHS


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(_("expected WIDTHxHEIGHT such as 1400x900, got {text!r}").format(text=text))
    width, height = int(match.group(1)), int(match.group(2))
    if not (640 <= width <= 7680 and 400 <= height <= 4320):
        raise argparse.ArgumentTypeError(
            _("size must be between 640x400 and 7680x4320, got {width}x{height}").format(width=width, height=height)
        )
    return width, height


def add_window_arguments(parser: argparse.ArgumentParser) -> None:
    """--size and --theme: the offscreen window a command draws with (snapshot, report)."""
    parser.add_argument(
        "--size",
        type=parse_size,
        default=(1400, 900),
        metavar="WxH",
        help=_("window size in pixels (default 1400x900)"),
    )
    parser.add_argument("--theme", choices=("light", "dark"), default="light", help=_("colour theme (default light)"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help=_("the experiment file (.json)"))
    parser.add_argument("-o", "--output", required=True, metavar="OUT.png", help=_("where to write the PNG"))
    add_window_arguments(parser)
    parser.add_argument(
        "--epochs",
        type=bounded_int(1, MAX_EPOCHS),
        default=None,
        metavar="N",
        help=_("train N epochs in the window before the picture (the live views then show a real run)"),
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="NODE",
        help=_("select this node first, so the inspector shows it (repeatable)"),
    )
    parser.add_argument(
        "--probe",
        default=None,
        metavar="NODE",
        help=_("show the Training tab with the look inside this node (with --epochs: as it trained)"),
    )
    parser.add_argument(
        "--race",
        action="store_true",
        help=_("race the lesson's variants and show Compare ▸ Lesson race (with --epochs: N epochs each)"),
    )


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "snapshot",
        help=_("render the main window with an experiment to a PNG (offscreen)"),
        description=_("Open the main window with FILE, render it offscreen at the given size and write a PNG."),
    )
    add_arguments(parser)


def options_from(args: argparse.Namespace):
    from playground.ui.snapshot import SnapshotOptions  # lazy: saves ~2 s (torch) for --help; the window may be absent

    return SnapshotOptions(
        size=tuple(args.size),
        theme=args.theme,
        select=list(args.select or []),
        epochs=getattr(args, "epochs", None),
        probe=getattr(args, "probe", None),
        race=bool(getattr(args, "race", False)),
    )


def run(args: argparse.Namespace) -> int:
    from playground.core.experiment import load_experiment  # lazy: saves ~2 s (torch) for `playground --help`

    experiment = load_experiment(args.file)  # a broken file fails here, before any window is made
    ids = experiment.node_ids()
    unknown = [node for node in args.select or [] if node not in set(ids)]
    nodes = ", ".join(ids[:12]) + (", …" if len(ids) > 12 else "")
    if unknown:
        raise PlaygroundError(
            _("--select {node}: {file} has no node with that id (its nodes: {nodes})").format(
                node=unknown[0], file=args.file, nodes=nodes
            )
        )
    probe = getattr(args, "probe", None)
    if probe is not None and (probe not in set(ids) or experiment.node(probe).type == "Input"):
        raise PlaygroundError(
            _("--probe {node}: {file} has no node with that id to look inside (its nodes: {nodes})").format(
                node=probe, file=args.file, nodes=nodes
            )
        )
    if getattr(args, "race", False) and (experiment.lesson is None or not experiment.lesson.variants):
        raise PlaygroundError(
            _("--race: {file} declares no lesson variants to race (see lesson.variants in the README)").format(
                file=args.file
            )
        )
    from playground.ui.snapshot import (  # lazy: saves ~2 s (torch) for --help; the window may be absent
        use_offscreen_if_headless,
        write_snapshot,
    )

    use_offscreen_if_headless()
    # A run that fails is reported as this command's error message; its traceback is not for the user.
    log = logging.getLogger("playground")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        width, height = write_snapshot(args.file, args.output, options_from(args))
    finally:
        log.setLevel(level)
    print(_("wrote {path} ({width}x{height})").format(path=args.output, width=width, height=height))
    return 0
