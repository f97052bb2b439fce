"""Weights as safetensors plus a JSON sidecar that holds the experiment they belong to.

Never pickle: the tensors go to ``<name>.safetensors`` (``safetensors.torch``), everything else
to ``<name>.weights.json`` — a name of its own, so the sidecar can never replace the experiment
file ``<name>.json``. Loading reads JSON and safetensors only, so it cannot execute code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn

from playground.core.errors import ExportError, PlaygroundError
from playground.core.experiment.io import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import Experiment
from playground.core.export.common import ExportResult, write_atomically
from playground.core.i18n import _
from playground.core.jsonio import canonical_json, read_json_file
from playground.core.safe_files import refuse_foreign_file

WEIGHTS_FORMAT = "nn-playground.weights"
WEIGHTS_VERSION = 1


SIDECAR_SUFFIX = ".weights.json"


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """``model.safetensors`` → ``model.weights.json``."""
    path = Path(path)
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def _legacy_sidecar_path(path: Path) -> Path:
    return path.with_suffix(".json")  # earlier versions wrote the sidecar here


def is_weights_sidecar(path: Path) -> bool:
    """A JSON file this module wrote (an earlier export may be replaced, any other file not)."""
    try:
        meta = read_json_file(path)
    except PlaygroundError:
        return False
    return isinstance(meta, dict) and meta.get("format") == WEIGHTS_FORMAT


def is_weights_file(path: Path) -> bool:
    """A safetensors file the playground wrote (its metadata names the weights format)."""
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
    except Exception:  # noqa: BLE001 - safetensors raises its own types for files it cannot read
        return False
    return metadata.get("format") == WEIGHTS_FORMAT


def export_weights(
    model: nn.Module | dict[str, torch.Tensor],
    path: str | os.PathLike[str],
    experiment: Experiment | None = None,
) -> ExportResult:
    """Write the model's state dict to `path` (.safetensors) and a JSON sidecar beside it."""
    path = Path(path)
    if path.suffix != ".safetensors":
        raise ExportError(_("cannot save weights to {path}: the file name must end in .safetensors").format(path=path))
    state = model.state_dict() if isinstance(model, nn.Module) else model
    tensors = {key: value.detach().cpu().contiguous().clone() for key, value in state.items()}
    sidecar = sidecar_path(path)
    meta: dict[str, Any] = {
        "format": WEIGHTS_FORMAT,
        "version": WEIGHTS_VERSION,
        "weights": path.name,
        "tensors": {
            key: {"shape": list(value.shape), "dtype": str(value.dtype).replace("torch.", "")}
            for key, value in tensors.items()
        },
        "experiment": experiment_to_dict(experiment) if experiment is not None else None,
    }
    text = canonical_json(meta)
    refuse_foreign_file(sidecar, is_weights_sidecar, _("the weights' sidecar (the experiment they belong to)"))
    write_atomically(path, lambda tmp: save_file(tensors, str(tmp), metadata={"format": WEIGHTS_FORMAT}))
    write_atomically(sidecar, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))
    return ExportResult("safetensors", path, (sidecar,))


def load_weights(path: str | os.PathLike[str]) -> tuple[dict[str, torch.Tensor], Experiment | None]:
    """The tensors of a weights file and the experiment of its sidecar (None when there is none).

    Every failure is an ExportError (or the ExperimentError of an invalid sidecar), whatever the file holds.
    """
    path = Path(path)
    try:
        tensors = load_file(str(path))
    except FileNotFoundError:
        raise ExportError(_("cannot read weights from {path}: file not found").format(path=path)) from None
    except Exception as exc:  # noqa: BLE001 - safetensors raises SafetensorError, OSError, ValueError ...
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExportError(
            _("cannot read weights from {path}: it is not a readable safetensors file ({reason})").format(
                path=path, reason=reason
            )
        ) from None
    experiment = None
    for sidecar in (sidecar_path(path), _legacy_sidecar_path(path)):
        if sidecar.is_file() and is_weights_sidecar(sidecar):
            meta = read_json_file(sidecar)
            if meta.get("experiment") is not None:
                experiment = experiment_from_dict(meta["experiment"], str(sidecar))
            break
    return tensors, experiment
