"""Exports of an experiment's model: standalone Python, ONNX, `torch.export` (.pt2), safetensors.

Every export reads the experiment and builds the model as the app does (seeded), or takes a
trained model / state dict; each raises `ExportError` with a plain message when it cannot.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from playground.core.errors import ExportError
from playground.core.experiment.schema import Experiment
from playground.core.export.common import ExportResult, checked_report, dataset_facts, prepared_model
from playground.core.export.onnx_export import export_onnx
from playground.core.export.pt2_export import export_pt2
from playground.core.export.python_code import class_name_for, export_python, python_source
from playground.core.export.weights import export_weights, load_weights
from playground.core.export_formats import SUFFIXES, format_for_suffix

FORMATS: dict[str, str] = SUFFIXES  # format -> suffix (declared in playground.core.export_formats)


def export(
    experiment: Experiment,
    fmt: str,
    out_path: str | os.PathLike[str],
    base_dir: str | os.PathLike[str] | None = None,
    *,
    model: nn.Module | None = None,
    state_dict: Mapping[str, torch.Tensor] | None = None,
) -> ExportResult:
    """Export in format `fmt` (one of FORMATS) to `out_path`."""
    if fmt == "python":
        return export_python(experiment, out_path, base_dir, model=model, state_dict=state_dict)
    if fmt == "onnx":
        return export_onnx(experiment, out_path, base_dir, model=model, state_dict=state_dict)
    if fmt == "pt2":
        return export_pt2(experiment, out_path, base_dir, model=model, state_dict=state_dict)
    if fmt == "safetensors":
        return _export_initial_or_given_weights(experiment, out_path, base_dir, model, state_dict)
    raise ExportError(f"unknown export format {fmt!r} (choose one of {', '.join(FORMATS)})")


def _export_initial_or_given_weights(
    experiment: Experiment, out_path: Any, base_dir: Any, model: nn.Module | None, state_dict: Any
) -> ExportResult:
    facts = dataset_facts(experiment, base_dir)
    report = checked_report(experiment, facts)
    module = prepared_model(experiment, facts, report, model, state_dict, base_dir)
    return export_weights(module, out_path, experiment)


__all__ = [
    "FORMATS",
    "ExportError",
    "ExportResult",
    "class_name_for",
    "export",
    "export_onnx",
    "export_pt2",
    "export_python",
    "export_weights",
    "format_for_suffix",
    "load_weights",
    "python_source",
]
