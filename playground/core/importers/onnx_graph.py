"""ONNX operators read back as catalogue layers: one small reader per operator.

`read_graph` walks an ONNX graph in its (topological) order. Each operator either becomes a
layer (``Gemm`` → Linear, ``Conv`` → Conv2d, ``BatchNormalization`` → BatchNorm2d, ...) with
its parameters and weights, disappears into its neighbour (``Identity``, the bias ``Add`` after
a ``MatMul``), or is shape arithmetic on constants (``Shape`` → ``Concat`` → ``Reshape``'s
target), which is evaluated with the ONNX reference implementation. Anything else is collected
by name, so that the caller can refuse the whole file at once: nothing is half-imported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.core.experiment.schema import BLOCK_INPUT, unique_node_id
from playground.core.i18n import _

_NOT_IDS = frozenset({"input", BLOCK_INPUT})  # the Input node's own id; a block's input
# The batch dimension in a `Shape` result: 0 means "copy the input's size" to `Reshape`.
BATCH_PLACEHOLDER = 0
# Shape arithmetic that the reference evaluator runs when every input is known.
FOLDABLE = frozenset(
    {
        "Cast",
        "CastLike",
        "Concat",
        "ConstantOfShape",
        "Div",
        "Equal",
        "Expand",
        "Gather",
        "Mul",
        "Range",
        "Reshape",
        "Slice",
        "Squeeze",
        "Sub",
        "Add",
        "Unsqueeze",
        "Where",
    }
)


class Unsupported(Exception):
    """One operator that has no layer here; `label` names it as the refusal lists it."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


Axes = tuple[tuple[str, ...], ...]  # each axis of a tensor as the labels of the layer-output axes in it
ONE = "1"  # the label of an axis of size 1 that no layer output has (it may come and go)


def plain_axes(rank: int) -> Axes:
    """The axes of a layer's output as the layer gives it: batch first, then its own axes in order."""
    return (("N",), *((f"a{index}",) for index in range(1, rank)))


def normal_axes(axes: Axes) -> Axes:
    """`axes` without size-1 labels: two tensors that differ only by those hold the same numbers."""
    kept = (tuple(label for label in axis if label != ONE) for axis in axes)
    return tuple(axis for axis in kept if axis)


@dataclass
class Layer:
    """One node of the graph to be: catalogue type, parameters, inputs and weights by state-dict name."""

    id: str
    type: str
    params: dict[str, Any]
    inputs: list[str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    axes: Axes | None = None  # the output's axes when labelled otherwise than `plain_axes` (recurrent layers)


@dataclass
class Activation:
    """A tensor computed by the network: the layer that makes it, its per-sample shape, and where
    it is the layer's output with its axes moved (transposed, merged), how (`axes`; None: as made)."""

    layer: str
    shape: tuple[int | None, ...] | None  # None where ONNX shape inference did not say
    axes: Axes | None = None


@dataclass
class GraphReader:
    """The state of the walk: layers so far, what each ONNX tensor is, what could not be read."""

    shapes: dict[str, tuple[int | None, ...]]  # per-sample shapes from ONNX shape inference
    full: dict[str, tuple[int | None, ...]] = field(default_factory=dict)  # with the batch axis (None)
    layers: list[Layer] = field(default_factory=list)
    values: dict[str, Activation | np.ndarray] = field(default_factory=dict)
    unsupported: dict[str, int] = field(default_factory=dict)  # label → how many times
    consumers: dict[str, int] = field(default_factory=dict)  # tensor → how many nodes read it
    hint: str | None = None  # the name of the module that made the node being read, where the file says
    _taken: set[str] = field(default_factory=set)

    # --- reading inputs ---------------------------------------------------------------------
    def const(self, name: str) -> np.ndarray | None:
        value = self.values.get(name) if name else None
        return value if isinstance(value, np.ndarray) else None

    def activation(self, name: str, op: str) -> Activation:
        """The activation `name` as its layer made it (a layer reads nothing else)."""
        value = self.values.get(name)
        if not isinstance(value, Activation):
            raise Unsupported(_("{op} (on constants only)").format(op=op))
        if value.axes is not None:
            raise Unsupported(_("{op} (on a tensor with its axes moved)").format(op=op))
        return value

    def layer_axes(self, layer_id: str, rank: int) -> Axes:
        """The axes of `layer_id`'s output, as the layer makes it (of `rank` axes, batch included)."""
        made = self.layer(layer_id).axes
        return made if made is not None else plain_axes(rank)

    def moved(self, name: str) -> tuple[Activation, Axes]:
        """The activation `name` and its axes, whether moved or as made (the full shape must be known)."""
        value = self.values.get(name)
        full = self.full.get(name)
        if not isinstance(value, Activation) or full is None:
            raise Unsupported(_("an operator on a tensor of unknown shape"))
        return value, value.axes if value.axes is not None else self.layer_axes(value.layer, len(full))

    def place(self, output: str, layer_id: str, axes: Axes, full: tuple[int | None, ...] | None = None) -> None:
        """`output` is `layer_id`'s output with its axes as `axes` (as made again, when they match);
        `full`: its shape, where ONNX shape inference could not tell it."""
        known = self.full.get(output)
        if full is not None and (known is None or len(known) != len(full) or None in known[1:]):
            self.full[output] = full
            if full and full[0] is None:
                self.shapes[output] = full[1:]
        made = self.layer_axes(layer_id, len(axes))
        as_made = normal_axes(axes) == normal_axes(made) and len(axes) == len(made)
        self.values[output] = Activation(layer_id, self.shapes.get(output), None if as_made else axes)

    def weight(self, name: str, op: str) -> np.ndarray:
        value = self.const(name)
        if value is None:
            raise Unsupported(_("{op} (weights computed by the network)").format(op=op))
        return value.astype(np.float32)

    def shape_of(self, name: str) -> tuple[int | None, ...] | None:
        value = self.values.get(name)
        if isinstance(value, Activation) and value.shape is not None:
            return value.shape
        return self.shapes.get(name)

    # --- writing layers ---------------------------------------------------------------------
    def add(self, op_name: str, base: str, layer_type: str, params: dict[str, Any], inputs: list[str]) -> Layer:
        """A new layer fed by the activations `inputs` (ONNX tensor names)."""
        return self.add_after([self.activation(name, op_name).layer for name in inputs], base, layer_type, params)

    def add_after(self, sources: list[str], base: str, layer_type: str, params: dict[str, Any]) -> Layer:
        """A new layer fed by the outputs of the layers `sources`."""
        layer = Layer(self._new_id(self.hint or base), layer_type, params, list(sources))
        self.layers.append(layer)
        return layer

    def produce(self, output: str, layer: Layer) -> None:
        self.values[output] = Activation(layer.id, self.shapes.get(output))

    def layer(self, layer_id: str) -> Layer:
        return next(layer for layer in self.layers if layer.id == layer_id)

    def _new_id(self, base: str) -> str:
        candidate = unique_node_id(base or "layer", self._taken | _NOT_IDS, limit=40)
        self._taken.add(candidate)
        return candidate


def decimal(value: Any) -> float:
    """An ONNX float attribute (stored as float32) as the decimal a person typed: 0.001, not 0.0010000000475."""
    return float(f"{float(value):.7g}")


def weight_base(reader: GraphReader, name: str, fallback: str) -> str:
    """A layer id from its weight's name (``fc1.weight`` → ``fc1``), else `fallback`."""
    if reader.const(name) is not None and "." in name:
        return name.rsplit(".", 1)[0].split(".")[-1]
    return fallback


def attrs(node: Any) -> dict[str, Any]:
    """The node's attributes as Python values."""
    import onnx  # lazy: the `onnx` extra

    return {attr.name: onnx.helper.get_attribute_value(attr) for attr in node.attribute}


def _pair(values: list[int], name: str, op: str) -> int | list[int]:
    if len(values) != 2:
        raise Unsupported(_("{op} (a {rank}-D {name})").format(op=op, rank=len(values), name=name))
    return values[0] if values[0] == values[1] else list(values)


def _symmetric_pads(pads: list[int], op: str) -> list[int]:
    half = len(pads) // 2
    if pads[:half] != pads[half:]:
        raise Unsupported(_("{op} (uneven padding)").format(op=op))
    return pads[:half]


def _spatial(node: Any, op: str, kernel: list[int]) -> dict[str, Any]:
    """kernel_size, stride, padding and dilation of a Conv/pool node, catalogue-style."""
    a = attrs(node)
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET", b"VALID", "VALID"):
        raise Unsupported(_("{op} (auto_pad {mode})").format(op=op, mode=a["auto_pad"]))
    rank = len(kernel)
    stride = list(a.get("strides", [1] * rank))
    pads = _symmetric_pads(list(a.get("pads", [0] * 2 * rank)), op)
    dilation = list(a.get("dilations", [1] * rank))
    if rank == 1:
        return {"kernel_size": kernel[0], "stride": stride[0], "padding": pads[0], "dilation": dilation[0]}
    return {
        "kernel_size": _pair(kernel, "kernel", op),
        "stride": _pair(stride, "stride", op),
        "padding": _pair(pads, "padding", op),
        "dilation": _pair(dilation, "dilation", op),
    }


# --- operator readers --------------------------------------------------------------------------


def _gemm(reader: GraphReader, node: Any) -> None:
    a = attrs(node)
    if a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
        raise Unsupported(_("Gemm (scaled or transposed input)"))
    weight = reader.weight(node.input[1], "Gemm")
    weight = weight if a.get("transB", 0) else weight.T
    bias = reader.weight(node.input[2], "Gemm") if len(node.input) > 2 and node.input[2] else None
    if bias is not None and bias.shape != (weight.shape[0],):
        raise Unsupported(_("Gemm (a bias that is not one value per output)"))
    layer = reader.add(
        "Gemm",
        weight_base(reader, node.input[1], "linear"),
        "Linear",
        {"out_features": int(weight.shape[0]), "bias": bias is not None},
        [node.input[0]],
    )
    layer.tensors["weight"] = np.ascontiguousarray(weight)
    if bias is not None:
        layer.tensors["bias"] = bias
    reader.produce(node.output[0], layer)


def _matmul(reader: GraphReader, node: Any) -> None:
    weight = reader.weight(node.input[1], "MatMul")
    if weight.ndim != 2:
        raise Unsupported(_("MatMul (with a {rank}-D weight)").format(rank=weight.ndim))
    layer = reader.add(
        "MatMul",
        weight_base(reader, node.input[1], "linear"),
        "Linear",
        {"out_features": int(weight.shape[1]), "bias": False},
        [node.input[0]],
    )
    layer.tensors["weight"] = np.ascontiguousarray(weight.T)
    reader.produce(node.output[0], layer)


def _add(reader: GraphReader, node: Any) -> None:
    left, right = (reader.values.get(name) for name in node.input[:2])
    if isinstance(left, Activation) and isinstance(right, Activation):
        layer = reader.add("Add", "add", "Add", {}, list(node.input[:2]))
        reader.produce(node.output[0], layer)
        return
    index = 0 if isinstance(left, Activation) else 1
    activation, constant = reader.values.get(node.input[index]), reader.values.get(node.input[1 - index])
    if not isinstance(activation, Activation) or not isinstance(constant, np.ndarray):
        raise Unsupported("Add")
    source = reader.layer(activation.layer)
    bias = constant.astype(np.float32).reshape(-1)
    fits = (
        source.type == "Linear"
        and not source.params["bias"]
        and bias.shape == (source.params["out_features"],)
        and reader.consumers.get(node.input[index], 0) == 1
    )
    if not fits:
        raise Unsupported(_("Add (of a constant that is not a layer's bias)"))
    source.params["bias"] = True
    source.tensors["bias"] = bias
    reader.values[node.output[0]] = Activation(source.id, reader.shapes.get(node.output[0]))


def _mul(reader: GraphReader, node: Any) -> None:
    """x · sigmoid(x), as exporters write SiLU, becomes one SiLU layer."""
    values = [reader.values.get(name) for name in node.input[:2]]
    if not all(isinstance(value, Activation) for value in values):
        raise Unsupported(_("Mul (by a constant)"))
    for gate_index in (0, 1):
        gate, other = values[gate_index], values[1 - gate_index]
        assert isinstance(gate, Activation) and isinstance(other, Activation)
        sigmoid = reader.layer(gate.layer)
        if (
            sigmoid.type == "Sigmoid"
            and sigmoid.inputs == [other.layer]
            and reader.consumers.get(node.input[gate_index], 0) == 1
        ):
            sigmoid.type = "SiLU"
            reader.values[node.output[0]] = Activation(sigmoid.id, reader.shapes.get(node.output[0]))
            return
    raise Unsupported(_("Mul (of two tensors)"))


def _mul_or_scale(reader: GraphReader, node: Any) -> None:
    if reader.const(node.input[1]) is not None:
        _scale_by_one(reader, node)
    else:
        _mul(reader, node)


def _conv(reader: GraphReader, node: Any) -> None:
    weight = reader.weight(node.input[1], "Conv")
    kernel = list(weight.shape[2:])
    if len(kernel) not in (1, 2):
        raise Unsupported(_("Conv (a {rank}-D kernel)").format(rank=len(kernel)))
    params = _spatial(node, "Conv", kernel)
    params["out_channels"] = int(weight.shape[0])
    params["groups"] = int(attrs(node).get("group", 1))
    bias = reader.weight(node.input[2], "Conv") if len(node.input) > 2 and node.input[2] else None
    params["bias"] = bias is not None
    kind = "Conv1d" if len(kernel) == 1 else "Conv2d"
    layer = reader.add("Conv", weight_base(reader, node.input[1], "conv"), kind, params, [node.input[0]])
    layer.tensors["weight"] = weight
    if bias is not None:
        layer.tensors["bias"] = bias
    reader.produce(node.output[0], layer)


def _conv_transpose(reader: GraphReader, node: Any) -> None:
    weight = reader.weight(node.input[1], "ConvTranspose")
    kernel = list(weight.shape[2:])
    if len(kernel) != 2:
        raise Unsupported(_("ConvTranspose (a {rank}-D kernel)").format(rank=len(kernel)))
    a = attrs(node)
    if "output_shape" in a or list(a.get("dilations", [1, 1])) != [1, 1]:
        raise Unsupported(_("ConvTranspose (output_shape or dilation)"))
    spatial = _spatial(node, "ConvTranspose", kernel)
    groups = int(a.get("group", 1))
    bias = reader.weight(node.input[2], "ConvTranspose") if len(node.input) > 2 and node.input[2] else None
    params = {
        "out_channels": int(weight.shape[1]) * groups,
        "kernel_size": spatial["kernel_size"],
        "stride": spatial["stride"],
        "padding": spatial["padding"],
        "output_padding": _pair(list(a.get("output_padding", [0, 0])), "output_padding", "ConvTranspose"),
        "groups": groups,
        "bias": bias is not None,
    }
    layer = reader.add(
        "ConvTranspose", weight_base(reader, node.input[1], "deconv"), "ConvTranspose2d", params, [node.input[0]]
    )
    layer.tensors["weight"] = weight
    if bias is not None:
        layer.tensors["bias"] = bias
    reader.produce(node.output[0], layer)


def _pool(layer_type: str, op: str) -> Callable[[GraphReader, Any], None]:
    def read(reader: GraphReader, node: Any) -> None:
        a = attrs(node)
        kernel = list(a.get("kernel_shape", []))
        if len(kernel) != 2:
            raise Unsupported(_("{op} (a {rank}-D window)").format(op=op, rank=len(kernel)))
        if a.get("ceil_mode", 0) or len(node.output) > 1 and node.output[1]:
            raise Unsupported(_("{op} (ceil mode or indices)").format(op=op))
        spatial = _spatial(node, op, kernel)
        if spatial["dilation"] != 1:
            raise Unsupported(_("{op} (dilated)").format(op=op))
        padded = spatial["padding"] != 0
        if op == "AveragePool" and padded and not a.get("count_include_pad", 0):
            raise Unsupported(_("AveragePool (padding left out of the average)"))
        stride = None if spatial["stride"] == spatial["kernel_size"] else spatial["stride"]  # None: the window's size
        params = {"kernel_size": spatial["kernel_size"], "stride": stride, "padding": spatial["padding"]}
        layer = reader.add(op, layer_type.lower(), layer_type, params, [node.input[0]])
        reader.produce(node.output[0], layer)

    return read


def _global_average(reader: GraphReader, node: Any) -> None:
    shape = reader.shape_of(node.input[0])
    if shape is not None and len(shape) != 3:
        raise Unsupported(_("GlobalAveragePool (not of images)"))
    layer = reader.add(node.op_type, "pool", "AdaptiveAvgPool2d", {"output_size": 1}, [node.input[0]])
    reader.produce(node.output[0], layer)


def _reduce_mean(reader: GraphReader, node: Any) -> None:
    a = attrs(node)
    axes = a.get("axes")
    if axes is None and len(node.input) > 1:
        constant = reader.const(node.input[1])
        axes = None if constant is None else [int(v) for v in constant.reshape(-1)]
    shape = reader.shape_of(node.input[0])
    rank = None if shape is None else len(shape) + 1
    normalised = sorted(axis % rank for axis in axes) if axes is not None and rank is not None else None
    if rank != 4 or normalised != [2, 3] or not a.get("keepdims", 1):
        raise Unsupported(_("ReduceMean (other than the mean over an image)"))
    layer = reader.add("ReduceMean", "pool", "AdaptiveAvgPool2d", {"output_size": 1}, [node.input[0]])
    reader.produce(node.output[0], layer)


def _batch_norm(reader: GraphReader, node: Any) -> None:
    a = attrs(node)
    if a.get("training_mode", 0) or len([name for name in node.output if name]) > 1:
        raise Unsupported(_("BatchNormalization (in training mode)"))
    scale, bias, mean, var = (reader.weight(name, "BatchNormalization") for name in node.input[1:5])
    shape = reader.shape_of(node.input[0])
    kind = "BatchNorm2d" if shape is not None and len(shape) == 3 else "BatchNorm1d"
    params = {"eps": decimal(a.get("epsilon", 1e-5)), "momentum": decimal(1.0 - decimal(a.get("momentum", 0.9)))}
    layer = reader.add("BatchNormalization", weight_base(reader, node.input[1], "bn"), kind, params, [node.input[0]])
    layer.tensors.update(
        weight=scale, bias=bias, running_mean=mean, running_var=var, num_batches_tracked=np.array(0, dtype=np.int64)
    )
    reader.produce(node.output[0], layer)


def _layer_norm(reader: GraphReader, node: Any) -> None:
    a = attrs(node)
    shape = reader.shape_of(node.input[0])
    axis = int(a.get("axis", -1))
    if shape is None or axis not in (-1, len(shape)):
        raise Unsupported(_("LayerNormalization (over more than the last axis)"))
    scale = reader.weight(node.input[1], "LayerNormalization")
    bias = reader.weight(node.input[2], "LayerNormalization") if len(node.input) > 2 and node.input[2] else None
    layer = reader.add(
        "LayerNormalization",
        weight_base(reader, node.input[1], "norm"),
        "LayerNorm",
        {"eps": decimal(a.get("epsilon", 1e-5)), "elementwise_affine": True},
        [node.input[0]],
    )
    layer.tensors["weight"] = scale
    layer.tensors["bias"] = bias if bias is not None else np.zeros_like(scale)
    reader.produce(node.output[0], layer)


def _activation(layer_type: str, params: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Any:
    def read(reader: GraphReader, node: Any) -> None:
        values = params(attrs(node)) if params is not None else {}
        layer = reader.add(node.op_type, layer_type.lower(), layer_type, values, [node.input[0]])
        reader.produce(node.output[0], layer)

    return read


def _gelu_params(a: dict[str, Any]) -> dict[str, Any]:
    mode = a.get("approximate", b"none")
    return {"approximate": mode.decode() if isinstance(mode, bytes) else str(mode)}


def _softmax(reader: GraphReader, node: Any) -> None:
    shape = reader.shape_of(node.input[0])
    axis = int(attrs(node).get("axis", -1))
    if shape is None or axis not in (-1, len(shape)):
        raise Unsupported(_("Softmax (over another axis than the last)"))
    layer = reader.add("Softmax", "softmax", "Softmax", {}, [node.input[0]])
    reader.produce(node.output[0], layer)


def _flatten(reader: GraphReader, node: Any) -> None:
    if int(attrs(node).get("axis", 1)) != 1:
        raise Unsupported(_("Flatten (from another axis than 1)"))
    layer = reader.add("Flatten", "flatten", "Flatten", {}, [node.input[0]])
    reader.produce(node.output[0], layer)


def _reshape(reader: GraphReader, node: Any) -> None:
    if reader.const(node.input[0]) is not None:
        fold(reader, node)
        return
    source = reader.shape_of(node.input[0])
    target = reader.const(node.input[1])
    if source is None or None in source or target is None:
        raise Unsupported(_("Reshape (to a shape only known at run time)"))
    per_sample = _per_sample_target([int(v) for v in target.reshape(-1)], tuple(int(d or 0) for d in source))
    if per_sample is None:
        raise Unsupported(_("Reshape (that mixes samples of the batch)"))
    if per_sample == tuple(source):
        reader.values[node.output[0]] = reader.activation(node.input[0], "Reshape")
        return
    if len(per_sample) == 1:
        layer = reader.add("Reshape", "flatten", "Flatten", {}, [node.input[0]])
    elif len(source) == 1:
        layer = reader.add("Reshape", "unflatten", "Unflatten", {"unflattened_size": list(per_sample)}, [node.input[0]])
    else:
        raise Unsupported(_("Reshape (between two multi-axis shapes)"))
    reader.produce(node.output[0], layer)


def _per_sample_target(target: list[int], source: tuple[int, ...]) -> tuple[int, ...] | None:
    """The per-sample shape a Reshape asks for, when its first axis keeps the batch; else None."""
    if not target or target[0] not in (BATCH_PLACEHOLDER, -1) and target[0] <= 0:
        return None
    numel = math.prod(source)
    rest = [source[index] if value == 0 and index < len(source) else value for index, value in enumerate(target[1:])]
    if rest.count(-1) > 1 or (target[0] == -1 and -1 in rest):
        return None
    known = math.prod(value for value in rest if value != -1)
    if -1 in rest:
        if known == 0 or numel % known:
            return None
        rest[rest.index(-1)] = numel // known
    return tuple(rest) if math.prod(rest) == numel else None


@dataclass(frozen=True)
class _Above:
    """``x > threshold`` on an activation: the condition of the linear branch PyTorch's Softplus adds."""

    source: str
    threshold: float


def _cast_like(reader: GraphReader, node: Any) -> None:
    """A constant cast to the type of the network's values (float32, the only one layers use)."""
    value = reader.const(node.input[0])
    if value is None:
        raise Unsupported(_("CastLike (of the network's values)"))
    reader.values[node.output[0]] = value.astype(np.float32)


def _scale_by_one(reader: GraphReader, node: Any) -> None:
    """Multiplying or dividing by 1 (Softplus with beta 1 writes both): the tensor itself."""
    value, factor = reader.values.get(node.input[0]), reader.const(node.input[1])
    if not isinstance(value, Activation) or factor is None or factor.size != 1 or float(factor) != 1.0:
        raise Unsupported(_("{op} (by a constant other than 1)").format(op=node.op_type))
    reader.values[node.output[0]] = value


def _greater(reader: GraphReader, node: Any) -> None:
    threshold = reader.const(node.input[1])
    if not isinstance(reader.values.get(node.input[0]), Activation) or threshold is None or threshold.size != 1:
        raise Unsupported(_("Greater (other than Softplus's threshold)"))
    reader.values[node.output[0]] = _Above(node.input[0], float(threshold))  # type: ignore[assignment]


def _where(reader: GraphReader, node: Any) -> None:
    """where(x > 20, x, softplus(x)): PyTorch's Softplus (beta 1, threshold 20) is the Softplus layer."""
    condition = reader.values.get(node.input[0])
    chosen, otherwise = reader.values.get(node.input[1]), reader.values.get(node.input[2])
    if (
        isinstance(condition, _Above)
        and condition.threshold == 20.0
        and chosen is reader.values.get(condition.source)
        and isinstance(chosen, Activation)
        and isinstance(otherwise, Activation)
        and reader.layer(otherwise.layer).type == "Softplus"
        and reader.layer(otherwise.layer).inputs == [chosen.layer]
    ):
        reader.values[node.output[0]] = otherwise
        return
    raise Unsupported(_("Where (other than Softplus's threshold)"))


def _passthrough(reader: GraphReader, node: Any) -> None:
    value = reader.values.get(node.input[0])
    if value is None:
        raise Unsupported(node.op_type)
    reader.values[node.output[0]] = value


def _dropout(reader: GraphReader, node: Any) -> None:
    if reader.const(node.input[0]) is not None:
        reader.values[node.output[0]] = reader.values[node.input[0]]
        return
    ratio = reader.const(node.input[1]) if len(node.input) > 1 and node.input[1] else None
    p = decimal(ratio if ratio is not None else attrs(node).get("ratio", 0.5))
    layer = reader.add("Dropout", "dropout", "Dropout", {"p": p}, [node.input[0]])
    reader.produce(node.output[0], layer)


def _concat(reader: GraphReader, node: Any) -> None:
    if all(isinstance(reader.values.get(name), np.ndarray) for name in node.input):
        fold(reader, node)
        return
    shape = reader.shape_of(node.input[0])
    axis = int(attrs(node).get("axis", 1))
    if shape is not None and axis < 0:
        axis += len(shape) + 1
    if axis < 1:
        raise Unsupported(_("Concat (along the batch)"))
    layer = reader.add("Concat", "concat", "Concat", {"dim": axis}, list(node.input))
    reader.produce(node.output[0], layer)


def _gather(reader: GraphReader, node: Any) -> None:
    table, indices = reader.values.get(node.input[0]), reader.values.get(node.input[1])
    if isinstance(table, np.ndarray) and isinstance(indices, np.ndarray):
        fold(reader, node)
        return
    if not (isinstance(table, np.ndarray) and isinstance(indices, Activation)) or attrs(node).get("axis", 0):
        raise Unsupported(_("Gather (other than an embedding lookup)"))
    if table.ndim != 2:
        raise Unsupported(_("Gather (of a {rank}-D table)").format(rank=table.ndim))
    layer = reader.add(
        "Gather",
        weight_base(reader, node.input[0], "embedding"),
        "Embedding",
        {"embedding_dim": int(table.shape[1])},
        [node.input[1]],
    )
    layer.tensors["weight"] = table.astype(np.float32)
    reader.produce(node.output[0], layer)


def _shape(reader: GraphReader, node: Any) -> None:
    value = reader.values.get(node.input[0])
    if isinstance(value, np.ndarray):
        fold(reader, node)
        return
    dims = reader.full.get(node.input[0])
    if dims is None or dims.count(None) > 1:
        raise Unsupported(_("Shape (of a tensor of unknown size)"))
    a = attrs(node)
    full = np.array([BATCH_PLACEHOLDER if dim is None else dim for dim in dims], dtype=np.int64)
    reader.values[node.output[0]] = full[a.get("start", 0) : a.get("end", len(full))]


def _constant(reader: GraphReader, node: Any) -> None:
    import onnx  # lazy: the `onnx` extra

    a = node.attribute[0]
    if a.name == "value":
        reader.values[node.output[0]] = onnx.numpy_helper.to_array(a.t)
    elif a.name in ("value_float", "value_int"):
        reader.values[node.output[0]] = np.array(onnx.helper.get_attribute_value(a))
    elif a.name in ("value_floats", "value_ints"):
        reader.values[node.output[0]] = np.array(onnx.helper.get_attribute_value(a))
    else:
        raise Unsupported(_("Constant ({kind})").format(kind=a.name))


def fold(reader: GraphReader, node: Any) -> None:
    """Run a node whose inputs are all constants with the ONNX reference implementation."""
    from onnx.reference import ReferenceEvaluator  # lazy: the `onnx` extra

    inputs = {name: reader.values.get(name) for name in node.input if name}
    if not all(isinstance(value, np.ndarray) for value in inputs.values()):
        raise Unsupported(_("{op} (on the network's values)").format(op=node.op_type))
    try:
        results = ReferenceEvaluator(node).run(None, inputs)
    except Exception as exc:  # noqa: BLE001 - the reference evaluator raises many kinds
        raise Unsupported(_("{op} (could not be evaluated: {reason})").format(op=node.op_type, reason=exc)) from None
    for name, value in zip(node.output, results, strict=False):
        if name:
            reader.values[name] = np.asarray(value)


def _foldable_or(read: Callable[[GraphReader, Any], None]) -> Callable[[GraphReader, Any], None]:
    """`read`, unless every input is a constant: then the node is evaluated."""

    def dispatch(reader: GraphReader, node: Any) -> None:
        if node.input and all(isinstance(reader.values.get(name), np.ndarray) for name in node.input if name):
            fold(reader, node)
        else:
            read(reader, node)

    return dispatch


def _fold_only(reader: GraphReader, node: Any) -> None:
    fold(reader, node)


READERS: dict[str, Callable[[GraphReader, Any], None]] = {
    "Gemm": _gemm,
    "MatMul": _foldable_or(_matmul),
    "Add": _foldable_or(_add),
    "Mul": _foldable_or(_mul_or_scale),
    "Div": _foldable_or(_scale_by_one),
    "CastLike": _foldable_or(_cast_like),
    "Greater": _foldable_or(_greater),
    "Where": _foldable_or(_where),
    "Conv": _conv,
    "ConvTranspose": _conv_transpose,
    "MaxPool": _pool("MaxPool2d", "MaxPool"),
    "AveragePool": _pool("AvgPool2d", "AveragePool"),
    "GlobalAveragePool": _global_average,
    "ReduceMean": _reduce_mean,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "Relu": _activation("ReLU"),
    "Sigmoid": _activation("Sigmoid"),
    "Tanh": _activation("Tanh"),
    "LeakyRelu": _activation("LeakyReLU", lambda a: {"negative_slope": decimal(a.get("alpha", 0.01))}),
    "Elu": _activation("ELU", lambda a: {"alpha": decimal(a.get("alpha", 1.0))}),
    "Gelu": _activation("GELU", _gelu_params),
    "Mish": _activation("Mish"),
    "Softplus": _activation("Softplus"),
    "Softmax": _softmax,
    "Flatten": _foldable_or(_flatten),
    "Reshape": _reshape,
    "Identity": _passthrough,
    "Dropout": _dropout,
    "Concat": _concat,
    "Gather": _gather,
    "Shape": _shape,
    "Constant": _constant,
    **{
        op: _fold_only
        for op in FOLDABLE
        if op not in ("Add", "CastLike", "Concat", "Div", "Gather", "Mul", "Reshape", "Where")
    },
}
