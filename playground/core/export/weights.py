"""Weights as safetensors plus a JSON sidecar that holds the experiment they belong to.

Never pickle: the tensors go to ``<name>.safetensors`` (``safetensors.torch``), everything else
to ``<name>.json``. Loading reads JSON and safetensors only, so it cannot execute code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from playground.core.errors import ExportError
from playground.core.experiment.io import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import Experiment
from playground.core.export.common import ExportResult, write_atomically
from playground.core.jsonio import canonical_json, read_json_file

WEIGHTS_FORMAT = "nn-playground.weights"
WEIGHTS_VERSION = 1


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    return Path(path).with_suffix(".json")


def export_weights(
    model: nn.Module | dict[str, torch.Tensor],
    path: str | os.PathLike[str],
    experiment: Experiment | None = None,
) -> ExportResult:
    """Write the model's state dict to `path` (.safetensors) and a JSON sidecar beside it."""
    path = Path(path)
    if path.suffix != ".safetensors":
        raise ExportError(f"cannot save weights to {path}: the file name must end in .safetensors")
    state = model.state_dict() if isinstance(model, nn.Module) else model
    tensors = {key: value.detach().cpu().contiguous().clone() for key, value in state.items()}
    sidecar = sidecar_path(path)
    meta: dict[str, Any] = {
        "format": WEIGHTS_FORMAT,
        "version": WEIGHTS_VERSION,
        "weights": path.name,
        "tensors": {key: {"shape": list(value.shape), "dtype": str(value.dtype).replace("torch.", "")}
                    for key, value in tensors.items()},
        "experiment": experiment_to_dict(experiment) if experiment is not None else None,
    }
    text = canonical_json(meta)
    write_atomically(path, lambda tmp: save_file(tensors, str(tmp), metadata={"format": WEIGHTS_FORMAT}))
    write_atomically(sidecar, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))
    return ExportResult("safetensors", path, (sidecar,))


def load_weights(path: str | os.PathLike[str]) -> tuple[dict[str, torch.Tensor], Experiment | None]:
    """The tensors of a weights file and the experiment of its sidecar (None when there is none)."""
    path = Path(path)
    try:
        tensors = load_file(str(path))
    except (OSError, ValueError, RuntimeError) as exc:  # safetensors reports corrupt files as these
        raise ExportError(f"cannot read weights from {path}: {exc}") from None
    sidecar = sidecar_path(path)
    experiment = None
    if sidecar.exists():
        meta = read_json_file(sidecar)
        if isinstance(meta, dict) and meta.get("experiment") is not None:
            experiment = experiment_from_dict(meta["experiment"], str(sidecar))
    return tensors, experiment
