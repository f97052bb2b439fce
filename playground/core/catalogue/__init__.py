"""The layer catalogue: every layer type declared once, read by palette, inspector, builder,
code export and help cards. Adding a layer type means adding one entry to a `layers_*` module."""

from __future__ import annotations

from playground.core.catalogue import (
    layers_activation,
    layers_conv,
    layers_core,
    layers_merge,
    layers_norm,
    layers_sequence,
)
from playground.core.catalogue.layer_type import (
    CATEGORIES,
    Fix,
    InferContext,
    Inferred,
    LayerType,
    ShapeError,
    TensorSpec,
)

LAYERS: dict[str, LayerType] = {
    layer.name: layer
    for module in (layers_core, layers_conv, layers_norm, layers_sequence, layers_activation, layers_merge)
    for layer in module.LAYERS
}

ACTIVATIONS: tuple[str, ...] = tuple(name for name, layer in LAYERS.items() if layer.category == "Activations")


def layer_type(name: str) -> LayerType:
    """The declaration of `name`; KeyError names the known types."""
    try:
        return LAYERS[name]
    except KeyError:
        raise KeyError(f"unknown layer type {name!r}") from None


def layers_in_category(category: str) -> list[LayerType]:
    return [layer for layer in LAYERS.values() if layer.category == category]


__all__ = [
    "ACTIVATIONS",
    "CATEGORIES",
    "Fix",
    "InferContext",
    "Inferred",
    "LAYERS",
    "LayerType",
    "ShapeError",
    "TensorSpec",
    "layer_type",
    "layers_in_category",
]
