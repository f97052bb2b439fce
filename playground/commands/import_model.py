"""`playground import MODEL.onnx -o EXPERIMENT.json`: an ONNX model as an experiment to edit and train.

Writes EXPERIMENT.json and the model's weights beside it (EXPERIMENT.safetensors, with its
sidecar EXPERIMENT.weights.json); the experiment starts from those weights. Exit status 0 with
a summary, 1 with a message when the file cannot be imported (the unsupported operators named;
nothing is written), 2 for usage errors. Without -o the experiment is named after MODEL, in the
current folder, and never replaces a file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from playground.commands.outputs import unnamed_output_exists
from playground.core.errors import PlaygroundError
from playground.core.i18n import _

COMMAND = "import"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=_("import an ONNX model as an experiment whose graph you can edit"),
        description=_(
            "Import an ONNX model: its operators become layers of the palette with their parameters, "
            "and its weights are saved beside the experiment (<name>.safetensors), which starts from "
            "them. A model with an operator the playground has no layer for is refused, naming it; "
            'nothing is written. Needs pip install "nn-playground[onnx]".'
        ),
    )
    parser.add_argument("file", metavar="MODEL", help=_("the ONNX model (.onnx)"))
    parser.add_argument(
        "-o",
        "--output",
        metavar="EXPERIMENT",
        dest="output",
        help=_(
            "the experiment file to write (default: MODEL's name with .json, in the current folder, "
            "which must not exist yet)"
        ),
    )


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    output = Path(args.output) if args.output else Path.cwd() / (source.stem + ".json")
    if output.suffix != ".json":
        print(_("error: the experiment file must end in .json, got {path}").format(path=output), file=sys.stderr)
        return 1
    if unnamed_output_exists(output, named=args.output is not None):
        return 1

    from playground.core.importers.onnx_model import import_onnx, save_import  # lazy: torch and onnx

    try:
        imported = import_onnx(source)
        experiment_path, weights_path = save_import(imported, output)
    except PlaygroundError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    layers = len(imported.experiment.model.nodes) - 1
    params = imported.parameter_count
    print(
        _("imported {source}: {layers} layers, {params} parameters, training on {dataset}").format(
            source=source.name, layers=layers, params=f"{params:,}", dataset=imported.experiment.data.dataset
        )
    )
    print(
        _("the graph computes what the file computes (largest difference on a test batch: {difference:.1e})").format(
            difference=imported.difference
        )
    )
    print(_("wrote {experiment} and {weights}").format(experiment=experiment_path, weights=weights_path))
    for note in imported.notes:
        print(_("note: {note}").format(note=note))
    return 0
