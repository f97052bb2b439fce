"""ONNX's recurrent operators (LSTM, GRU, RNN) read back as catalogue layers, with the axis moves around them.

ONNX runs a recurrent layer sequence-first and gives its output as (time, direction, batch,
hidden); exporters of batch-first models wrap it in Transpose, Squeeze and Reshape nodes. Those
are followed as labelled axes (`onnx_graph.Axes`): when they bring the tensor back to the layer's
own batch-first output, the next layer reads it; anything else is refused. ``Gather`` of the last
time step and a mean or max over time become a SequencePool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from playground.core.i18n import _
from playground.core.importers import onnx_graph as graph
from playground.core.importers.onnx_graph import (
    ONE,
    Axes,
    GraphReader,
    Unsupported,
    attrs,
    fold,
    normal_axes,
)

# the torch order of each operator's gate blocks, as indices of the ONNX blocks
_GATES = {"LSTM": (0, 2, 3, 1), "GRU": (1, 0, 2), "RNN": (0,)}  # ONNX iofc → torch ifgo; zrh → rzn
_DEFAULT_ACTIVATIONS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"]}


def _reordered(weights: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
    blocks = np.split(weights, len(order), axis=0)
    return np.ascontiguousarray(np.concatenate([blocks[index] for index in order], axis=0))


def _zero_state(reader: GraphReader, name: str, op: str) -> None:
    """An initial state must be absent or zeros (torch's default, the only one a layer here has)."""
    if not name:
        return
    value = reader.const(name)
    if value is None or np.any(value != 0):
        raise Unsupported(_("{op} (with an initial state)").format(op=op))


def _activation_names(a: dict[str, Any]) -> list[str]:
    return [name.decode() if isinstance(name, bytes) else str(name) for name in a.get("activations", [])]


def _recurrent(reader: GraphReader, node: Any) -> None:
    op = node.op_type
    a = attrs(node)
    if a.get("clip") is not None or a.get("input_forget", 0) or len(node.input) > 4 and node.input[4]:
        raise Unsupported(_("{op} (clipped, coupled or of varying length)").format(op=op))
    params: dict[str, Any] = {"hidden_size": int(a["hidden_size"])}
    activations = _activation_names(a)
    if op == "RNN":
        nonlinearity = {"Tanh": "tanh", "Relu": "relu"}.get(activations[0] if activations else "Tanh")
        if nonlinearity is None or len(set(activations)) > 1:
            raise Unsupported(_("RNN (with the {name} activation)").format(name=", ".join(activations)))
        params["nonlinearity"] = nonlinearity
    elif activations and activations[: len(_DEFAULT_ACTIVATIONS[op])] != _DEFAULT_ACTIVATIONS[op]:
        raise Unsupported(_("{op} (with other activations)").format(op=op))
    if op == "GRU" and not a.get("linear_before_reset", 0):
        raise Unsupported(_("GRU (resetting before the linear map, unlike PyTorch)"))
    for index in (5, 6):
        _zero_state(reader, node.input[index] if len(node.input) > index else "", op)
    if any(name for name in node.output[1:]) and any(reader.consumers.get(name, 0) for name in node.output[1:]):
        raise Unsupported(_("{op} (its final state read)").format(op=op))
    direction = a.get("direction", b"forward")
    direction = direction.decode() if isinstance(direction, bytes) else str(direction)
    if direction not in ("forward", "bidirectional"):
        raise Unsupported(_("{op} (run backwards only)").format(op=op))
    params["bidirectional"] = direction == "bidirectional"

    batch_first = bool(a.get("layout", 0))
    source, axes = reader.moved(node.input[0])
    wanted = reader.layer_axes(source.layer, 3)
    if not batch_first:
        wanted = (wanted[1], wanted[0], wanted[2])
    if normal_axes(axes) != normal_axes(wanted):
        raise Unsupported(_("{op} (on a tensor with its axes in another order)").format(op=op))

    tensors = _torch_weights(reader, node, op, params["hidden_size"], 2 if params["bidirectional"] else 1)
    layer = reader.add_after([source.layer], op.lower(), op, params)
    layer.tensors.update(tensors)
    directions = ("D",) if params["bidirectional"] else (ONE,)
    layer.axes = (("N",), ("T",), ("D", "H") if params["bidirectional"] else ("H",))
    made: Axes = (("T",), directions, ("N",), ("H",))
    steps = reader.full[node.input[0]][0 if not batch_first else 1]
    count = 2 if params["bidirectional"] else 1
    full: tuple[int | None, ...] = (steps, count, None, params["hidden_size"])
    if batch_first:
        made = (("N",), ("T",), directions, ("H",))
        full = (None, steps, count, params["hidden_size"])
    reader.place(node.output[0], layer.id, made, full)


def _torch_weights(reader: GraphReader, node: Any, op: str, hidden: int, directions: int) -> dict[str, np.ndarray]:
    """ONNX's W, R and B as torch's weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (and _reverse)."""
    order = _GATES[op]
    w = reader.weight(node.input[1], op)
    r = reader.weight(node.input[2], op)
    gates = len(order) * hidden
    b = reader.weight(node.input[3], op) if len(node.input) > 3 and node.input[3] else np.zeros((directions, 2 * gates))
    if (
        w.shape[:2] != (directions, gates)
        or r.shape != (directions, gates, hidden)
        or b.shape != (directions, 2 * gates)
    ):
        raise Unsupported(_("{op} (weights of unexpected shapes)").format(op=op))
    tensors: dict[str, np.ndarray] = {}
    for index in range(directions):
        suffix = "_l0" + ("_reverse" if index else "")
        tensors["weight_ih" + suffix] = _reordered(w[index], order)
        tensors["weight_hh" + suffix] = _reordered(r[index], order)
        tensors["bias_ih" + suffix] = _reordered(b[index, :gates].astype(np.float32), order)
        tensors["bias_hh" + suffix] = _reordered(b[index, gates:].astype(np.float32), order)
    return tensors


# --- moving axes ---------------------------------------------------------------------------------


def _transpose(reader: GraphReader, node: Any) -> None:
    if reader.const(node.input[0]) is not None:
        fold(reader, node)
        return
    source, axes = reader.moved(node.input[0])
    full = reader.full[node.input[0]]
    perm = list(attrs(node).get("perm", reversed(range(len(axes)))))
    reader.place(node.output[0], source.layer, tuple(axes[i] for i in perm), tuple(full[i] for i in perm))


def _squeeze_axes(reader: GraphReader, node: Any, rank: int) -> list[int]:
    listed = attrs(node).get("axes")
    if listed is None and len(node.input) > 1 and node.input[1]:
        constant = reader.const(node.input[1])
        listed = None if constant is None else [int(v) for v in constant.reshape(-1)]
    if listed is None:
        raise Unsupported(_("Squeeze (of every size-1 axis)"))
    return sorted(int(axis) % rank for axis in listed)


def _squeeze(reader: GraphReader, node: Any) -> None:
    if reader.const(node.input[0]) is not None:
        fold(reader, node)
        return
    source, axes = reader.moved(node.input[0])
    full = reader.full[node.input[0]]
    dropped = _squeeze_axes(reader, node, len(axes))
    if any(full[index] != 1 or normal_axes((axes[index],)) for index in dropped):
        raise Unsupported(_("Squeeze (of an axis a layer made)"))
    kept = [index for index in range(len(axes)) if index not in dropped]
    reader.place(node.output[0], source.layer, tuple(axes[i] for i in kept), tuple(full[i] for i in kept))


def _merge_reshape(reader: GraphReader, node: Any) -> bool:
    """A Reshape that only merges neighbouring axes (not the batch's) of a tensor with moved axes."""
    value = reader.values.get(node.input[0])
    if not isinstance(value, graph.Activation) or value.axes is None:
        return False
    source, axes = reader.moved(node.input[0])
    full = reader.full[node.input[0]]
    target = reader.const(node.input[1])
    if target is None:
        raise Unsupported(_("Reshape (to a shape only known at run time)"))
    merged: list[tuple[str, ...]] = []
    sizes: list[int | None] = []
    index = 0
    for position, size in enumerate(int(v) for v in target.reshape(-1)):
        batch_here = index < len(axes) and full[index] is None
        if (size == 0 and position == index < len(axes)) or (size == -1 and batch_here):
            # 0: the input's own size; -1: what is left, the batch's size here
            merged.append(axes[index])
            sizes.append(full[index])
            index += 1
            continue
        group: list[tuple[str, ...]] = []
        product = 1
        while index < len(axes) and (product < size or not group) and full[index] is not None:
            group.append(axes[index])
            product *= int(full[index] or 0)
            index += 1
        if product != size:
            raise Unsupported(_("Reshape (of a tensor with its axes moved)"))
        merged.append(tuple(label for axis in group for label in axis))
        sizes.append(size)
    while index < len(axes) and full[index] == 1:  # trailing size-1 axes fold into the last one
        merged[-1] = merged[-1] + axes[index]
        index += 1
    if index != len(axes):
        raise Unsupported(_("Reshape (of a tensor with its axes moved)"))
    reader.place(node.output[0], source.layer, tuple(merged), tuple(sizes))
    return True


# --- over time -----------------------------------------------------------------------------------


def _sequence(reader: GraphReader, name: str, op: str) -> int:
    """The number of time steps of a (batch, time, features) activation read over time."""
    shape = reader.activation(name, op).shape
    if shape is None or len(shape) != 2 or shape[0] is None:
        raise Unsupported(_("{op} (other than over the time steps of a sequence)").format(op=op))
    return int(shape[0])


def _gather_step(reader: GraphReader, node: Any) -> bool:
    """``x[:, -1]`` (Gather of the last step along axis 1) as a SequencePool of mode last."""
    if int(attrs(node).get("axis", 0)) != 1:
        return False
    index = reader.const(node.input[1])
    steps = _sequence(reader, node.input[0], "Gather")
    if index is None or index.size != 1 or index.ndim != 0 or int(index) % steps != steps - 1:
        raise Unsupported(_("Gather (of a time step other than the last)"))
    layer = reader.add("Gather", "last", "SequencePool", {"mode": "last"}, [node.input[0]])
    reader.produce(node.output[0], layer)
    return True


def _over_time(mode: str) -> Callable[[GraphReader, Any], None]:
    def read(reader: GraphReader, node: Any) -> None:
        a = attrs(node)
        axes = a.get("axes")
        if axes is None and len(node.input) > 1 and node.input[1]:
            constant = reader.const(node.input[1])
            axes = None if constant is None else [int(v) for v in constant.reshape(-1)]
        _sequence(reader, node.input[0], node.op_type)
        if axes is None or [int(axis) % 3 for axis in axes] != [1] or a.get("keepdims", 1):
            raise Unsupported(_("{op} (other than over the time steps of a sequence)").format(op=node.op_type))
        layer = reader.add(node.op_type, mode, "SequencePool", {"mode": mode}, [node.input[0]])
        reader.produce(node.output[0], layer)

    return read


def _reduce_mean(reader: GraphReader, node: Any) -> None:
    """ReduceMean over an image's two axes (a global average pool) or over a sequence's time steps."""
    shape = reader.shape_of(node.input[0])
    if isinstance(reader.values.get(node.input[0]), np.ndarray):
        fold(reader, node)
    elif shape is not None and len(shape) == 2:
        _over_time("mean")(reader, node)
    else:
        graph.READERS["ReduceMean"](reader, node)


def _gather(reader: GraphReader, node: Any) -> None:
    value = reader.values.get(node.input[0])
    if not (isinstance(value, graph.Activation) and _gather_step(reader, node)):
        graph.READERS["Gather"](reader, node)


def _reshape(reader: GraphReader, node: Any) -> None:
    if not _merge_reshape(reader, node):
        graph.READERS["Reshape"](reader, node)


# every reader: the graph's, with these for sequences and moved axes
READERS: dict[str, Callable[[GraphReader, Any], None]] = {
    **graph.READERS,
    "LSTM": _recurrent,
    "GRU": _recurrent,
    "RNN": _recurrent,
    "Transpose": _transpose,
    "Squeeze": _squeeze,
    "ReduceMax": _over_time("max"),
    "ReduceMean": _reduce_mean,
    "Gather": _gather,
    "Reshape": _reshape,
}
