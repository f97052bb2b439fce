"""Pruning a trained model with `torch.nn.utils.prune`: the smallest weights (unstructured, L1, over
all pruned layers together) or whole units (structured, L2 norm of each output unit of a Linear
layer or each filter of a Conv layer, per layer).

Pruning works in place and keeps torch's masks (`weight = weight_orig * weight_mask`, recomputed
before every forward), so a fine-tuning step after it cannot bring a pruned weight back;
`make_permanent` folds the masks into plain weights for measuring and exporting.

Which layers: Linear, Conv1d, Conv2d and ConvTranspose2d (their `weight`), and RNN, LSTM and GRU
(their input and recurrent weight matrices, every layer and direction), by their exact type.
Subclasses are left alone on purpose: `MultiheadAttention`'s output projection is one, and the
attention reads its weight directly instead of calling it, so a mask there would never be
re-applied. Structured pruning removes units of Linear and filters of Conv1d/Conv2d layers only,
and spares the model's output layer (its units are the model's outputs: the classes); when a unit
goes, its bias goes too, so the unit is silent rather than a constant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import torch
from torch import nn
from torch.nn.utils import prune

from playground.core.errors import PlaygroundError
from playground.core.i18n import _

PruneMethod = Literal["unstructured", "structured"]
PRUNE_METHODS: tuple[PruneMethod, ...] = ("unstructured", "structured")
RECURRENT_TYPES: tuple[type[nn.Module], ...] = (nn.RNN, nn.LSTM, nn.GRU)
PRUNED_TYPES: tuple[type[nn.Module], ...] = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d, *RECURRENT_TYPES)
UNIT_TYPES: tuple[type[nn.Module], ...] = (nn.Linear, nn.Conv1d, nn.Conv2d)  # structured: output dim 0
MAX_SHARE = 0.99  # pruning every weight leaves nothing to measure
STRUCTURED_NORM = 2  # the L2 norm of a unit's weights ranks the units (Ln-structured, n = 2)


class PruningError(PlaygroundError):
    """A model that has nothing to prune, or a share outside 0 … 0.99."""


@dataclass(frozen=True)
class PrunableLayer:
    """A layer pruning can touch: its module path, type, weight count and output units."""

    name: str  # the module's path in the model ("fc1", "encoder.linear1")
    layer_type: str  # "Linear", "Conv2d", "LSTM", ...
    parameters: tuple[str, ...]  # the weight tensors pruned ("weight"; "weight_ih_l0", "weight_hh_l0", ...)
    weights: int  # elements of those tensors
    units: int  # output units (Linear), filters (Conv) or hidden units (recurrent)
    structured: bool  # whether structured pruning removes its units
    output: bool = False  # the model's output layer (never pruned by units)


@dataclass(frozen=True)
class LayerPruning:
    """What pruning did to one layer: weights zeroed by the mask and units removed."""

    name: str
    weights: int
    zeroed: int
    units: int
    units_removed: int


@dataclass(frozen=True)
class PruneOutcome:
    """The targeted weights of a pruning and how many of them the masks zero."""

    method: PruneMethod
    share: float
    targeted: int  # weights in the layers this method prunes
    zeroed: int  # of them, the masked ones
    layers: tuple[LayerPruning, ...]

    @property
    def sparsity(self) -> float:
        """Zeroed share of the targeted weights."""
        return self.zeroed / self.targeted if self.targeted else 0.0


def _is_pruned_type(module: nn.Module) -> bool:
    return type(module) in PRUNED_TYPES


def _weight_names(module: nn.Module) -> tuple[str, ...]:
    """The weight tensors pruning touches in `module` (pruned or not yet)."""
    if isinstance(module, RECURRENT_TYPES):
        return tuple(
            name
            for name in cast(list[str], module._flat_weights_names)  # noqa: SLF001 - torch's list of an RNN's tensors
            if name.startswith("weight_")
        )
    return ("weight",)


def _tensor(module: nn.Module, name: str) -> torch.Tensor:
    """A weight as the forward uses it (a pruned one: original times mask)."""
    return cast(torch.Tensor, getattr(module, name))


def _units(module: nn.Module) -> int:
    if isinstance(module, RECURRENT_TYPES):
        return int(cast(int, module.hidden_size))
    if isinstance(module, nn.ConvTranspose2d):
        return int(module.out_channels)
    return int(_tensor(module, "weight").shape[0])


def output_layer(model: nn.Module, sample: torch.Tensor) -> str | None:
    """The prunable layer that runs last in a forward pass of `sample` (its units are the outputs)."""
    order: list[str] = []
    handles = []
    for name, module in model.named_modules():
        if _is_pruned_type(module):
            handles.append(module.register_forward_hook(lambda _m, _i, _o, name=name: order.append(name)))
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            model(sample)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return order[-1] if order else None


def prunable_layers(model: nn.Module, output: str | None = None) -> list[PrunableLayer]:
    """The layers pruning can touch, in module order; `output`: the output layer's name."""
    layers = []
    for name, module in model.named_modules():
        if not _is_pruned_type(module):
            continue
        names = _weight_names(module)
        layers.append(
            PrunableLayer(
                name=name,
                layer_type=type(module).__name__,
                parameters=names,
                weights=sum(int(_tensor(module, weight).numel()) for weight in names),
                units=_units(module),
                structured=type(module) in UNIT_TYPES and name != output,
                output=name == output,
            )
        )
    return layers


def check_share(share: float) -> float:
    """`share` as a float in 0 … MAX_SHARE, else a PruningError."""
    value = float(share)
    if not 0.0 <= value <= MAX_SHARE:
        raise PruningError(
            _("the share to prune must be between 0 and {most} %, got {share:g} %").format(
                most=round(MAX_SHARE * 100), share=value * 100
            )
        )
    return value


def targeted_layers(layers: Sequence[PrunableLayer], method: PruneMethod) -> list[PrunableLayer]:
    """The layers `method` prunes (structured: those with units to remove)."""
    return [layer for layer in layers if method == "unstructured" or layer.structured]


def prune_model(model: nn.Module, method: PruneMethod, share: float, layers: Sequence[PrunableLayer]) -> PruneOutcome:
    """Prune `share` of the targeted weights of `model` in place, keeping torch's masks.

    Unstructured: the round(share · n) weights of smallest magnitude over all `layers` together
    (global L1). Structured: in each layer with units, the round(share · units) units of smallest
    L2 norm, weight rows and their biases. A model pruned before is pruned again on top."""
    share = check_share(share)
    targets = targeted_layers(layers, method)
    if not targets:
        raise PruningError(nothing_to_prune_message(method, layers))
    modules = dict(model.named_modules())
    if method == "unstructured":
        prune.global_unstructured(
            [(modules[layer.name], weight) for layer in targets for weight in layer.parameters],
            pruning_method=prune.L1Unstructured,
            amount=share,
        )
    else:
        for layer in targets:
            module = modules[layer.name]
            prune.ln_structured(module, "weight", amount=share, n=STRUCTURED_NORM, dim=0)  # type: ignore[no-untyped-call]
            if getattr(module, "bias", None) is not None:
                mask = cast(torch.Tensor, module.weight_mask)
                alive = mask.reshape(mask.shape[0], -1).any(dim=1).to(mask.dtype)
                prune.custom_from_mask(module, "bias", alive)  # type: ignore[no-untyped-call]
    return describe_pruning(model, method, share, targets)


def describe_pruning(
    model: nn.Module, method: PruneMethod, share: float, targets: Sequence[PrunableLayer]
) -> PruneOutcome:
    """Count the masked weights and removed units of `targets` (masks or plain zeros)."""
    modules = dict(model.named_modules())
    rows = []
    for layer in targets:
        module = modules[layer.name]
        zeroed = removed = 0
        for weight in layer.parameters:
            mask = getattr(module, f"{weight}_mask", None)
            kept = cast(torch.Tensor, mask) if mask is not None else (_tensor(module, weight) != 0)
            zeroed += int((kept == 0).sum())
            if type(module) in UNIT_TYPES:
                removed += int((kept.reshape(kept.shape[0], -1) == 0).all(dim=1).sum())
        rows.append(LayerPruning(layer.name, layer.weights, zeroed, layer.units, removed))
    return PruneOutcome(
        method=method,
        share=share,
        targeted=sum(row.weights for row in rows),
        zeroed=sum(row.zeroed for row in rows),
        layers=tuple(rows),
    )


def make_permanent(model: nn.Module) -> nn.Module:
    """Fold every pruning mask of `model` into its plain weights (in place; returns `model`)."""
    for module in model.modules():
        for name, _mask in list(module.named_buffers(recurse=False)):
            if name.endswith("_mask") and hasattr(module, name[: -len("_mask")] + "_orig"):
                prune.remove(module, name[: -len("_mask")])  # type: ignore[no-untyped-call]
    return model


def nothing_to_prune_message(method: PruneMethod, layers: Sequence[PrunableLayer]) -> str:
    """Why `method` finds nothing to prune, naming the layer types it covers."""
    if method == "structured" and layers:
        return _(
            "Structured pruning removes whole units of Linear layers and whole filters of Conv1d/Conv2d "
            "layers, never those of the output layer (they are the model's outputs); this model has no "
            "other such layer. Try unstructured pruning."
        )
    return _("Pruning covers Linear, Conv1d, Conv2d, ConvTranspose2d, RNN, LSTM and GRU layers; this model has none.")
