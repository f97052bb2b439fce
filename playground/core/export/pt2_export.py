"""Export the model with `torch.export` to a `.pt2` file (TorchScript is deprecated).

The exported program has a dynamic batch dimension when torch can prove the model allows it;
otherwise it is exported for the example batch size and the result says so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from playground.core.experiment.schema import Experiment
from playground.core.export.common import (
    EXAMPLE_BATCH,
    ExportResult,
    model_to_trace,
    quiet,
    trace_with_dynamic_batch,
    write_atomically,
)
from playground.core.i18n import _


def exported_program(model: nn.Module, example: torch.Tensor) -> tuple[torch.export.ExportedProgram, bool]:
    """`torch.export.export` in eval mode; (program, whether the batch dimension is dynamic)."""

    def trace(dynamic: bool) -> torch.export.ExportedProgram:
        if not dynamic:
            return torch.export.export(model, (example,))
        batch = torch.export.Dim("batch", min=1, max=1 << 20)
        return torch.export.export(model, (example,), dynamic_shapes=({0: batch},))

    return trace_with_dynamic_batch(model, trace, _("torch.export cannot export this model"))


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
    module, example = model_to_trace(experiment, base_dir, model, state_dict, facts)
    program, dynamic = exported_program(module, example)

    def write(tmp: Path) -> None:
        with quiet():
            torch.export.save(program, tmp)

    write_atomically(out_path, write)
    notes = (
        ()
        if dynamic
        else (_("fixed batch size {size} (this model does not allow a dynamic batch)").format(size=EXAMPLE_BATCH),)
    )
    return ExportResult("pt2", out_path, (), notes)
