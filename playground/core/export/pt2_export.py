"""Export the model with `torch.export` to a `.pt2` file (TorchScript is deprecated).

The exported program has a dynamic batch dimension when torch can prove the model allows it;
otherwise it is exported for the example batch size and the result says so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import torch
from torch import nn

from playground.core.errors import ExportError
from playground.core.experiment.schema import Experiment
from playground.core.export.common import (
    ExportResult,
    checked_report,
    dataset_facts,
    eval_mode,
    example_input,
    prepared_model,
    quiet,
    write_atomically,
)

EXAMPLE_BATCH = 4


def exported_program(model: nn.Module, example: torch.Tensor) -> tuple[torch.export.ExportedProgram, bool]:
    """`torch.export.export` in eval mode; (program, whether the batch dimension is dynamic)."""
    with eval_mode(model), quiet():
        batch = torch.export.Dim("batch", min=1, max=1 << 20)
        try:
            return torch.export.export(model, (example,), dynamic_shapes=({0: batch},)), True
        except Exception:  # noqa: BLE001 - any refusal of a dynamic batch: fall back to a fixed one
            pass
        try:
            return torch.export.export(model, (example,)), False
        except Exception as exc:  # noqa: BLE001 - torch.export raises many types; report plainly
            raise ExportError(f"torch.export cannot export this model: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}") from exc


def export_pt2(
    experiment: Experiment,
    out_path: str | os.PathLike[str],
    base_dir: str | os.PathLike[str] | None = None,
    *,
    model: nn.Module | None = None,
    state_dict: Mapping[str, torch.Tensor] | None = None,
    facts: Any | None = None,
) -> ExportResult:
    """Write the model (fresh seeded weights, or the given model/state_dict) as a `.pt2` program.

    Load it with ``torch.export.load(path).module()``.
    """
    out_path = Path(out_path)
    facts = facts if facts is not None else dataset_facts(experiment, base_dir)
    report = checked_report(experiment, facts)
    module = prepared_model(experiment, facts, report, model, state_dict)
    example = example_input(facts, EXAMPLE_BATCH)
    program, dynamic = exported_program(module, example)
    def write(tmp: Path) -> None:
        with quiet():
            torch.export.save(program, tmp)

    write_atomically(out_path, write)
    notes = () if dynamic else (f"fixed batch size {EXAMPLE_BATCH} (this model does not allow a dynamic batch)",)
    return ExportResult("pt2", out_path, (), notes)
