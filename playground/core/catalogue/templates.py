"""The template library: classic architectures as ready-made blocks for the palette.

A template builds its block for the shape it will read (one sample's shape, without the batch),
so that its sizes follow the graph it joins: a residual block keeps the channels it is given, a
Transformer block's MLP returns to the width of its input. With no shape (a block dropped on
empty canvas) it uses the sizes of the course's small examples. A template that cannot read a
shape says why (`TemplateRefused`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import BLOCK_INPUT, BlockSpec, NodeSpec
from playground.core.i18n import N_, _

Shape = tuple[int, ...]


class TemplateRefused(PlaygroundError):
    """The template does not fit the shape at that point of the graph; the message says why."""


@dataclass(frozen=True)
class Template:
    key: str
    title: str  # English; shown through the translation catalogue
    help: str
    reads: str  # what input it expects, for the refusal: "image", "sequence", "any"
    build_layers: Callable[[Shape | None], tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, str]], str]]

    @property
    def title_text(self) -> str:
        return _(self.title)

    @property
    def help_text(self) -> str:
        return _(self.help)

    def build(self, shape: Shape | None) -> BlockSpec:
        """The block for an input of `shape` (None: the default sizes)."""
        if shape is not None:
            self._check(shape)
        layers, edges, output = self.build_layers(shape)
        nodes = [NodeSpec(id=node_id, type=layer_type, params=params) for node_id, layer_type, params in layers]
        return BlockSpec(nodes=nodes, edges=edges, output=output, description=self.help)

    def _check(self, shape: Shape) -> None:
        shown = "(N, " + ", ".join(str(size) for size in shape) + ")"
        if self.reads == "image" and len(shape) != 3:
            raise TemplateRefused(
                _(
                    "{template} reads images (channels × height × width), but here the data is {shape}: "
                    "put it after an image layer"
                ).format(template=self.title_text, shape=shown)
            )
        if self.reads == "sequence" and len(shape) != 2:
            raise TemplateRefused(
                _(
                    "{template} reads sequences (steps × features), but here the data is {shape}: put it "
                    "after an Embedding or on sequence data"
                ).format(template=self.title_text, shape=shown)
            )


def _channels(shape: Shape | None, default: int) -> int:
    return int(shape[0]) if shape is not None and len(shape) == 3 else default


def _features(shape: Shape | None, default: int) -> int:
    return int(shape[-1]) if shape is not None else default


def _chain(*layers: tuple[str, str, dict[str, Any]]) -> list[tuple[str, str]]:
    ids = [layer[0] for layer in layers]
    return [(BLOCK_INPUT, ids[0]), *zip(ids, ids[1:])]


# ---- the templates ----------------------------------------------------------------------------------


def _lenet(shape: Shape | None) -> Any:
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("c1", "Conv2d", {"out_channels": 6, "kernel_size": 5, "padding": 2}),
        ("act1", "Tanh", {}),
        ("s2", "AvgPool2d", {"kernel_size": 2}),
        ("c3", "Conv2d", {"out_channels": 16, "kernel_size": 5}),
        ("act3", "Tanh", {}),
        ("s4", "AvgPool2d", {"kernel_size": 2}),
        ("flatten", "Flatten", {}),
        ("f5", "Linear", {"out_features": 120}),
        ("act5", "Tanh", {}),
        ("f6", "Linear", {"out_features": 84}),
        ("act6", "Tanh", {}),
    ]
    return layers, _chain(*layers), "act6"


def _vgg(shape: Shape | None) -> Any:
    width = min(512, max(16, 2 * _channels(shape, 8)))
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("conv_a", "Conv2d", {"out_channels": width, "kernel_size": 3, "padding": 1}),
        ("relu_a", "ReLU", {}),
        ("conv_b", "Conv2d", {"out_channels": width, "kernel_size": 3, "padding": 1}),
        ("relu_b", "ReLU", {}),
        ("pool", "MaxPool2d", {"kernel_size": 2}),
    ]
    return layers, _chain(*layers), "pool"


def _resnet_basic(shape: Shape | None) -> Any:
    width = _channels(shape, 16)
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("conv1", "Conv2d", {"out_channels": width, "kernel_size": 3, "padding": 1}),
        ("bn1", "BatchNorm2d", {}),
        ("relu1", "ReLU", {}),
        ("conv2", "Conv2d", {"out_channels": width, "kernel_size": 3, "padding": 1}),
        ("bn2", "BatchNorm2d", {}),
        ("add", "Add", {}),
        ("relu2", "ReLU", {}),
    ]
    edges = [*_chain(*layers[:5]), ("bn2", "add"), (BLOCK_INPUT, "add"), ("add", "relu2")]
    return layers, edges, "relu2"


def _resnet_bottleneck(shape: Shape | None) -> Any:
    width = _channels(shape, 32)
    inner = max(4, width // 4)
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("reduce", "Conv2d", {"out_channels": inner, "kernel_size": 1}),
        ("bn1", "BatchNorm2d", {}),
        ("relu1", "ReLU", {}),
        ("conv", "Conv2d", {"out_channels": inner, "kernel_size": 3, "padding": 1}),
        ("bn2", "BatchNorm2d", {}),
        ("relu2", "ReLU", {}),
        ("expand", "Conv2d", {"out_channels": width, "kernel_size": 1}),
        ("bn3", "BatchNorm2d", {}),
        ("add", "Add", {}),
        ("relu3", "ReLU", {}),
    ]
    edges = [*_chain(*layers[:8]), ("bn3", "add"), (BLOCK_INPUT, "add"), ("add", "relu3")]
    return layers, edges, "relu3"


def _inception(shape: Shape | None) -> Any:
    quarter = max(4, _channels(shape, 16) // 2)
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("b1_conv", "Conv2d", {"out_channels": quarter, "kernel_size": 1}),
        ("b3_reduce", "Conv2d", {"out_channels": max(2, quarter // 2), "kernel_size": 1}),
        ("b3_relu", "ReLU", {}),
        ("b3_conv", "Conv2d", {"out_channels": quarter, "kernel_size": 3, "padding": 1}),
        ("b5_reduce", "Conv2d", {"out_channels": max(2, quarter // 4), "kernel_size": 1}),
        ("b5_relu", "ReLU", {}),
        ("b5_conv", "Conv2d", {"out_channels": quarter, "kernel_size": 5, "padding": 2}),
        ("bp_pool", "MaxPool2d", {"kernel_size": 3, "stride": 1, "padding": 1}),
        ("bp_conv", "Conv2d", {"out_channels": quarter, "kernel_size": 1}),
        ("concat", "Concat", {"dim": 1}),
        ("relu", "ReLU", {}),
    ]
    edges = [
        (BLOCK_INPUT, "b1_conv"),
        (BLOCK_INPUT, "b3_reduce"),
        ("b3_reduce", "b3_relu"),
        ("b3_relu", "b3_conv"),
        (BLOCK_INPUT, "b5_reduce"),
        ("b5_reduce", "b5_relu"),
        ("b5_relu", "b5_conv"),
        (BLOCK_INPUT, "bp_pool"),
        ("bp_pool", "bp_conv"),
        ("b1_conv", "concat"),
        ("b3_conv", "concat"),
        ("b5_conv", "concat"),
        ("bp_conv", "concat"),
        ("concat", "relu"),
    ]
    return layers, edges, "relu"


def _mobilenet(shape: Shape | None) -> Any:
    channels = _channels(shape, 16)
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("depthwise", "Conv2d", {"out_channels": channels, "kernel_size": 3, "padding": 1, "groups": channels}),
        ("bn1", "BatchNorm2d", {}),
        ("relu1", "ReLU", {}),
        ("pointwise", "Conv2d", {"out_channels": min(512, 2 * channels), "kernel_size": 1}),
        ("bn2", "BatchNorm2d", {}),
        ("relu2", "ReLU", {}),
    ]
    return layers, _chain(*layers), "relu2"


def _heads(features: int) -> int:
    return next(heads for heads in (4, 2, 1) if features % heads == 0)


def _transformer(shape: Shape | None) -> Any:
    width = _features(shape, 32)
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("attention", "MultiheadAttention", {"num_heads": _heads(width)}),
        ("add1", "Add", {}),
        ("norm1", "LayerNorm", {}),
        ("mlp_in", "Linear", {"out_features": 2 * width}),
        ("gelu", "GELU", {}),
        ("mlp_out", "Linear", {"out_features": width}),
        ("add2", "Add", {}),
        ("norm2", "LayerNorm", {}),
    ]
    edges = [
        (BLOCK_INPUT, "attention"),
        ("attention", "add1"),
        (BLOCK_INPUT, "add1"),
        ("add1", "norm1"),
        ("norm1", "mlp_in"),
        ("mlp_in", "gelu"),
        ("gelu", "mlp_out"),
        ("mlp_out", "add2"),
        ("norm1", "add2"),
        ("add2", "norm2"),
    ]
    return layers, edges, "norm2"


def _lstm_classifier(shape: Shape | None) -> Any:
    layers: list[tuple[str, str, dict[str, Any]]] = [
        ("lstm", "LSTM", {"hidden_size": 32}),
        ("last", "SequencePool", {"mode": "last"}),
        ("hidden", "Linear", {"out_features": 32}),
        ("relu", "ReLU", {}),
    ]
    return layers, _chain(*layers), "relu"


def _autoencoder(shape: Shape | None) -> Any:
    size = 1
    for dimension in shape or (64,):
        size *= int(dimension)
    code = 8
    layers: list[tuple[str, str, dict[str, Any]]] = []
    if shape is not None and len(shape) > 1:
        layers.append(("flatten", "Flatten", {}))
    layers += [
        ("encode", "Linear", {"out_features": max(code * 2, min(128, size // 2))}),
        ("encode_act", "ReLU", {}),
        ("code", "Linear", {"out_features": code}),
        ("code_act", "ReLU", {}),
        ("decode", "Linear", {"out_features": max(code * 2, min(128, size // 2))}),
        ("decode_act", "ReLU", {}),
        ("rebuild", "Linear", {"out_features": size}),
    ]
    if shape is not None and len(shape) > 1:
        layers.append(("unflatten", "Unflatten", {"unflattened_size": list(shape)}))
    return layers, _chain(*layers), layers[-1][0]


TEMPLATES: dict[str, Template] = {
    template.key: template
    for template in (
        Template(
            "lenet5",
            N_("LeNet-5"),
            N_(
                "LeCun's 1998 digit reader: two 5×5 convolutions with average pooling, then fully connected "
                "layers of 120 and 84 units (add the output layer after it)."
            ),
            "image",
            _lenet,
        ),
        Template(
            "vgg_block",
            N_("VGG block"),
            N_("Two 3×3 convolutions and a 2×2 max-pool: VGG's unit, twice the channels of its input."),
            "image",
            _vgg,
        ),
        Template(
            "resnet_basic",
            N_("ResNet basic block"),
            N_(
                "Two 3×3 convolutions with BatchNorm, and the input added back (the shortcut): the block learns "
                "a correction. Keeps its input's channels."
            ),
            "image",
            _resnet_basic,
        ),
        Template(
            "resnet_bottleneck",
            N_("ResNet bottleneck"),
            N_(
                "1×1 convolution down to a quarter of the channels, 3×3 there, 1×1 back up, plus the shortcut: "
                "ResNet-50's block, cheap for wide inputs."
            ),
            "image",
            _resnet_bottleneck,
        ),
        Template(
            "inception",
            N_("Inception module"),
            N_(
                "1×1, 3×3 and 5×5 convolutions and a pooled branch side by side, their channels stacked: "
                "the network picks the filter size that helps."
            ),
            "image",
            _inception,
        ),
        Template(
            "mobilenet",
            N_("MobileNet block"),
            N_(
                "A depthwise 3×3 convolution (one filter per channel) and a pointwise 1×1: a convolution at a "
                "fraction of the parameters."
            ),
            "image",
            _mobilenet,
        ),
        Template(
            "transformer_encoder",
            N_("Transformer block"),
            N_(
                "Self-attention and a two-layer MLP, each added back to its input and normalised (LayerNorm): "
                "the unit of a Transformer. Keeps its input's width."
            ),
            "sequence",
            _transformer,
        ),
        Template(
            "lstm_classifier",
            N_("LSTM classifier"),
            N_("An LSTM reads the sequence; its last step feeds a hidden layer (add the output layer after it)."),
            "sequence",
            _lstm_classifier,
        ),
        Template(
            "autoencoder",
            N_("Autoencoder"),
            N_(
                "Squeezes its input through an 8-number code and rebuilds it at its own size: train it with "
                "MSE against the input."
            ),
            "any",
            _autoencoder,
        ),
    )
}
