"""Dynamic INT8 quantisation (`torch.ao.quantization.quantize_dynamic`): the weights of Linear,
LSTM and GRU layers are stored as 8-bit integers with one scale per tensor, and activations are
quantised on the fly, batch by batch; every other layer stays float32. It needs no calibration
data, which is why it suits a model that has just been trained.

Linear layers inside a TransformerEncoderLayer stay float: its fused inference path reads their
float weights directly. `MultiheadAttention`'s own projection is never converted (torch declares
it non-quantisable). The quantised model runs on the CPU only.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass

import torch
from torch import nn

from playground.core.errors import PlaygroundError
from playground.core.i18n import _

QUANTIZED_TYPES: tuple[type[nn.Module], ...] = (nn.Linear, nn.LSTM, nn.GRU)
QUANTIZED_TYPE_NAMES: tuple[str, ...] = tuple(kind.__name__ for kind in QUANTIZED_TYPES)
_FUSED_PARENTS: tuple[type[nn.Module], ...] = (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)


class QuantizationError(PlaygroundError):
    """A model with no layer dynamic quantisation converts, or a torch without a quantised engine."""


@dataclass(frozen=True)
class QuantizationPlan:
    """The layers dynamic quantisation converts, and those of a covered type it leaves float (why)."""

    layers: tuple[str, ...]  # module paths
    layer_types: tuple[str, ...]  # their types, in the same order
    kept_float: tuple[tuple[str, str], ...]  # (module path, reason)


def quantization_plan(model: nn.Module) -> QuantizationPlan:
    """Which layers of `model` `quantize_int8` converts (exact types: subclasses are not covered)."""
    names: list[str] = []
    types: list[str] = []
    kept: list[tuple[str, str]] = []
    fused: set[str] = set()
    for name, module in model.named_modules():
        if isinstance(module, _FUSED_PARENTS):
            fused.add(name)
        if type(module) not in QUANTIZED_TYPES:
            continue
        parent = name.rpartition(".")[0]
        if parent in fused:
            kept.append((name, _("inside a Transformer layer, whose fused path needs float weights")))
            continue
        names.append(name)
        types.append(type(module).__name__)
    return QuantizationPlan(tuple(names), tuple(types), tuple(kept))


def nothing_to_quantize_message(layer_types: list[str]) -> str:
    """Why a model cannot be quantised dynamically, naming the types it covers and the model's."""
    covered = ", ".join(QUANTIZED_TYPE_NAMES)
    present = ", ".join(dict.fromkeys(layer_types)) or _("none with weights")
    return _(
        "Dynamic quantisation converts {covered} layers to INT8; this model has no layer it can convert "
        "(its layers: {present}). Pruning still works on it."
    ).format(covered=covered, present=present)


def engine_problem() -> str | None:
    """Why this torch cannot run quantised layers, or None when it can."""
    engines = [engine for engine in torch.backends.quantized.supported_engines if engine != "none"]
    if not engines:
        return _("this build of PyTorch has no quantised engine (fbgemm, x86 or qnnpack)")
    return None


def quantize_int8(model: nn.Module, plan: QuantizationPlan | None = None) -> nn.Module:
    """A dynamically quantised copy of `model` (on the CPU, in eval mode); `model` is unchanged.

    QuantizationError when it has no layer to convert or torch cannot run quantised layers."""
    plan = plan or quantization_plan(model)
    if not plan.layers:
        layer_types = [
            type(module).__name__ for module in model.modules() if any(True for _ in module.parameters(False))
        ]
        raise QuantizationError(nothing_to_quantize_message(layer_types))
    problem = engine_problem()
    if problem is not None:
        raise QuantizationError(_("Cannot quantise: {problem}.").format(problem=problem))
    source = copy.deepcopy(model).cpu().eval()
    qconfig = torch.ao.quantization.default_dynamic_qconfig
    with warnings.catch_warnings():  # torch announces the move of eager quantisation to torchao
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantized: nn.Module = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            source, {name: qconfig for name in plan.layers}, dtype=torch.qint8, inplace=True
        )
    return quantized
