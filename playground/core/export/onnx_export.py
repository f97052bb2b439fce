"""Export the model to ONNX with `torch.onnx.export`'s dynamo path (needs the `onnx` extra).

`onnx` and `onnxscript` are an optional extra (``pip install "nn-playground[onnx]"``); without
them the export says so instead of failing with an import error. The batch dimension is dynamic
when the exporter accepts it; otherwise the model is exported for the example batch size.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from playground.core.errors import ExportError
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

EXTRA_HINT = 'pip install "nn-playground[onnx]"'
REQUIRED_PACKAGES = ("onnx", "onnxscript")


def missing_packages() -> list[str]:
    """The packages of the `onnx` extra that are not installed."""
    return [name for name in REQUIRED_PACKAGES if importlib.util.find_spec(name) is None]


def require_onnx() -> None:
    missing = missing_packages()
    if missing:
        raise ExportError(
            _("ONNX export needs {packages}, which are not installed: {hint}").format(
                packages=" and ".join(missing), hint=EXTRA_HINT
            )
        )


class _Wrapped(nn.Module):
    """The model one level down: a layer named like an attribute of torch.fx's GraphModule
    (``code``, ``graph``) would otherwise clash with it during the export's decomposition."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> Any:
        return self.model(x)


def _onnx_program(model: nn.Module, example: torch.Tensor, dynamic: bool) -> Any:
    kwargs: dict[str, Any] = {
        "dynamo": True,
        "input_names": ["x"],
        "output_names": ["y"],
        "verbose": False,
        "optimize": False,  # optimised below, keeping batch normalisation as its own operator
    }
    if dynamic:
        kwargs["dynamic_shapes"] = ({0: torch.export.Dim("batch", min=1, max=1 << 20)},)
    program = torch.onnx.export(_Wrapped(model), (example,), **kwargs)
    if program is not None:  # the dynamo exporter always returns one
        _optimize(program.model)
    return program


def _changes_the_graph(rule: Any) -> bool:
    """Rewrites that fold a batch norm into its neighbour or drop an all-zero bias: both leave out
    parameters the learner's graph has."""
    name = getattr(rule, "name", "") or ""
    return "BatchNorm" in name or "RemoveOptionalBias" in name


def _optimize(model: Any) -> None:
    """Fold constants and simplify like the exporter's own optimiser, but keep every layer and
    parameter: the file then shows (and imports back as) the graph the learner built."""
    from onnxscript import optimizer, rewriter  # lazy: the `onnx` extra

    default_rules = getattr(rewriter, "_DEFAULT_REWRITE_RULES", None)
    if default_rules is None:  # another onnxscript: its full optimiser (batch norms fused)
        optimizer.optimize(model)
        return
    rules = [rule for rule in default_rules if not _changes_the_graph(rule)]
    for _step in range(2):
        optimizer.fold_constants(model)
        rewriter.rewrite(model, pattern_rewrite_rules=rules)
        optimizer.remove_unused_nodes(model)


def onnx_program(model: nn.Module, example: torch.Tensor) -> tuple[Any, bool]:
    """The `torch.onnx.ONNXProgram` in eval mode; (program, whether the batch dimension is dynamic)."""
    require_onnx()
    return trace_with_dynamic_batch(
        model, lambda dynamic: _onnx_program(model, example, dynamic), _("ONNX export failed")
    )


def export_onnx(
    experiment: Experiment,
    out_path: str | os.PathLike[str],
    base_dir: str | os.PathLike[str] | None = None,
    *,
    model: nn.Module | None = None,
    state_dict: Mapping[str, torch.Tensor] | None = None,
    facts: Any | None = None,
) -> ExportResult:
    """Write the model (fresh seeded weights, or the given model/state_dict) as an `.onnx` file.

    The input is named ``x`` and the output ``y``; weights are stored inside the file.
    """
    require_onnx()
    out_path = Path(out_path)
    module, example = model_to_trace(experiment, base_dir, model, state_dict, facts)
    program, dynamic = onnx_program(module, example)

    def write(tmp: Path) -> None:
        with quiet():
            program.save(str(tmp), external_data=False)

    write_atomically(out_path, write)
    notes = (
        ()
        if dynamic
        else (_("fixed batch size {size} (the exporter refused a dynamic batch)").format(size=EXAMPLE_BATCH),)
    )
    return ExportResult("onnx", out_path, (), notes)
