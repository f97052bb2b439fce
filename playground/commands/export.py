"""`playground export FILE --format python|onnx|pt2|safetensors -o OUT`: export the model.

python: one standalone .py file (model class + training script) and its data beside it;
onnx: an .onnx file (needs the optional extra: pip install "nn-playground[onnx]");
pt2: a `torch.export` program; safetensors: the initial weights plus a JSON sidecar
(<name>.weights.json). Without -o the output is named after FILE and never replaces a file;
files written beside the output (data, sidecar) replace only earlier exports.
Exit status 0 with a one-line confirmation, 1 with a plain message, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from playground.commands.outputs import unnamed_output_exists
from playground.core.errors import PlaygroundError
from playground.core.export_formats import SUFFIXES, format_for_suffix
from playground.core.i18n import _


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help=_("export the model as Python code, ONNX, a torch.export program or weights"),
        description=_(
            "Export an experiment's model. python: a standalone .py file with the model class and a "
            "training script, plus its data (<name>_data.npz) beside it; onnx: an .onnx file (needs "
            'pip install "nn-playground[onnx]"); pt2: a torch.export program; safetensors: the initial '
            "weights and a JSON sidecar (<name>.weights.json). Files written beside OUT replace only earlier exports."
        ),
    )
    parser.add_argument("file", metavar="FILE", help=_("the experiment file (.json)"))
    parser.add_argument(
        "--format",
        "-f",
        choices=tuple(SUFFIXES),
        dest="format",
        help=_("what to write (default: from the suffix of OUT)"),
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        dest="output",
        help=_(
            "the file to write (default: FILE's name with the format's suffix, in the "
            "current folder, which must not exist yet)"
        ),
    )
    parser.set_defaults(export_parser=parser)


def _format_for(output: str | None) -> str | None:
    if output is None:
        return None
    return format_for_suffix(Path(output).suffix)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def run(args: argparse.Namespace) -> int:
    fmt = args.format or _format_for(args.output)
    if fmt is None:
        parser = getattr(args, "export_parser", None)
        message = _("choose a format with --format python|onnx|pt2|safetensors (or give OUT a known suffix)")
        if parser is not None:
            parser.error(message)  # exits with status 2
        print(_("error: {message}").format(message=message), file=sys.stderr)
        return 2
    source = Path(args.file)
    output = Path(args.output) if args.output else Path.cwd() / (source.stem + SUFFIXES[fmt])

    if _same_file(output, source):
        print(
            _("error: {path} is the experiment file itself; choose another name with -o").format(path=output),
            file=sys.stderr,
        )
        return 1
    if unnamed_output_exists(output, named=args.output is not None):
        return 1

    from playground.core.experiment import load_experiment  # lazy: saves ~2 s (torch) for `playground --help`
    from playground.core.export import export  # lazy: saves ~2 s (torch) for `playground --help`

    try:
        experiment = load_experiment(source)
        result = export(experiment, fmt, output, base_dir=source.parent)
    except PlaygroundError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    print(result.describe())
    return 0
