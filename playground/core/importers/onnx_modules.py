"""Layers that ONNX has no single operator for, recognised by the PyTorch module that made them.

PyTorch's exporter writes attention, a Transformer encoder layer or a plain RNN as dozens of
MatMul, Reshape and Softmax nodes, and records on every node which module it came from
(``pkg.torch.onnx.name_scopes`` and ``pkg.torch.onnx.class_hierarchy``). The nodes of one such
module become one catalogue layer: its sizes are read from the weights the nodes use, its
weights are put back in the module's own layout. The caller checks the result by running the
file and the graph on the same batch, so a misread module is refused, never imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.core.i18n import _
from playground.core.importers import onnx_graph as graph
from playground.core.importers.onnx_graph import GraphReader, Unsupported, attrs

SCOPES_KEY = "pkg.torch.onnx.name_scopes"
CLASSES_KEY = "pkg.torch.onnx.class_hierarchy"
# the module classes whose nodes are read together, by the catalogue type they become
COMPOSITE = {
    "torch.nn.modules.activation.MultiheadAttention": "MultiheadAttention",
    "torch.nn.modules.transformer.TransformerEncoderLayer": "TransformerEncoderLayer",
    "torch.nn.modules.rnn.RNN": "RNN",
    "playground.core.catalogue.modules.PositionalEncoding": "PositionalEncoding",
}
_NATIVE = {"RNN": "RNN"}  # a module exported as ONNX's own operator is read node by node


@dataclass
class Group:
    """The nodes (by position in the graph) that one module call became."""

    scope: str
    type: str
    nodes: list[int] = field(default_factory=list)

    @property
    def last(self) -> int:
        return self.nodes[-1]


def _metadata(node: Any) -> tuple[list[str], list[str]]:
    props = {prop.key: prop.value for prop in node.metadata_props}
    try:
        scopes = list(_listed(props.get(SCOPES_KEY, "")))
        classes = list(_listed(props.get(CLASSES_KEY, "")))
    except (SyntaxError, ValueError):
        return [], []
    return scopes, classes


def _listed(text: str) -> list[str]:
    import ast

    if not text:
        return []
    value = ast.literal_eval(text)  # a list of strings, written by the exporter; literals only
    return [str(item) for item in value] if isinstance(value, list) else []


def module_name(node: Any) -> str | None:
    """The attribute name of the innermost layer module that made `node` (``model.fc1`` → ``fc1``)."""
    scopes, classes = _metadata(node)
    for scope, cls in reversed(list(zip(scopes[:-1], classes[:-1], strict=False))):
        if cls.startswith(("torch.nn.modules.", "playground.core.catalogue.")) and scope:
            return scope.rsplit(".", 1)[-1]
    return None


def module_groups(nodes: list[Any]) -> dict[int, Group]:
    """Each grouped node's position → its group (the outermost composite module it lies in)."""
    groups: dict[str, Group] = {}
    for index, node in enumerate(nodes):
        scopes, classes = _metadata(node)
        for scope, cls in zip(scopes, classes, strict=False):
            kind = COMPOSITE.get(cls)
            if kind is not None:
                groups.setdefault(scope, Group(scope, kind)).nodes.append(index)
                break
    by_node: dict[int, Group] = {}
    for group in groups.values():
        native = _NATIVE.get(group.type)
        if native is not None and any(nodes[i].op_type == native for i in group.nodes):
            continue
        for index in group.nodes:
            by_node[index] = group
    return by_node


# --- reading a group -------------------------------------------------------------------------------


@dataclass
class _Linear:
    weight: np.ndarray  # (out, in), torch's layout
    bias: np.ndarray | None


class _GroupView:
    """The nodes of one group, with the constants they read (Constant nodes inside it evaluated)."""

    def __init__(self, reader: GraphReader, nodes: list[Any], all_nodes: list[Any]) -> None:
        self.reader = reader
        self.nodes = nodes
        self.all_nodes = all_nodes
        self.produced = {name for node in nodes for name in node.output if name}
        for node in nodes:
            if node.op_type == "Constant":
                graph.READERS["Constant"](reader, node)

    def const(self, name: str) -> np.ndarray | None:
        return self.reader.const(name)

    def ops(self) -> set[str]:
        return {node.op_type for node in self.nodes}

    def external_input(self, kind: str) -> str:
        names = []
        for node in self.nodes:
            for name in node.input:
                if name and name not in self.produced and isinstance(self.reader.values.get(name), graph.Activation):
                    if name not in names:
                        names.append(name)
        if len(names) != 1:
            raise Unsupported(_("{kind} (with {count} inputs)").format(kind=kind, count=len(names)))
        return str(names[0])

    def external_output(self, kind: str, graph_outputs: set[str]) -> str:
        inside = {id(node) for node in self.nodes}
        outside = {name for node in self.all_nodes if id(node) not in inside for name in node.input}
        names = [
            name
            for node in self.nodes
            for name in node.output
            if (name in outside or name in graph_outputs) and not isinstance(self.reader.values.get(name), np.ndarray)
        ]
        if len(names) != 1:
            raise Unsupported(_("{kind} (with {count} outputs)").format(kind=kind, count=len(names)))
        return str(names[0])

    def linears(self) -> list[_Linear]:
        """Every linear map in the group, in order: Gemm, or MatMul by a weight then Add of a bias."""
        found: list[_Linear] = []
        for node in self.nodes:
            if node.op_type == "Gemm":
                weight = self.const(node.input[1])
                if weight is None:
                    continue
                a = attrs(node)
                weight = weight if a.get("transB", 0) else weight.T
                bias = self.const(node.input[2]) if len(node.input) > 2 and node.input[2] else None
                found.append(_Linear(np.ascontiguousarray(weight, dtype=np.float32), _float(bias)))
            elif node.op_type == "MatMul":
                weight = self.const(node.input[1])
                if weight is None or weight.ndim != 2:
                    continue
                found.append(_Linear(np.ascontiguousarray(weight.T, dtype=np.float32), self._bias_after(node, weight)))
        return found

    def _bias_after(self, node: Any, weight: np.ndarray) -> np.ndarray | None:
        for other in self.nodes:
            if other.op_type == "Add" and node.output[0] in other.input:
                for name in other.input:
                    value = self.const(name)
                    if value is not None and value.reshape(-1).shape == (weight.shape[1],):
                        return _float(value.reshape(-1))
        return None

    def layer_norms(self) -> list[tuple[np.ndarray, np.ndarray, float, str]]:
        """(scale, bias, epsilon, input name) of every LayerNormalization, in order."""
        norms = []
        for node in self.nodes:
            if node.op_type == "LayerNormalization":
                scale = self.const(node.input[1])
                bias = self.const(node.input[2]) if len(node.input) > 2 and node.input[2] else None
                if scale is None:
                    raise Unsupported(_("LayerNormalization (with a computed scale)"))
                scale = np.ascontiguousarray(scale, dtype=np.float32)
                bias = np.ascontiguousarray(bias if bias is not None else np.zeros_like(scale), dtype=np.float32)
                norms.append((scale, bias, float(attrs(node).get("epsilon", 1e-5)), str(node.input[0])))
        return norms

    def heads(self, width: int) -> int:
        """The number of attention heads: the width split into equal parts by the group's reshapes."""
        parts = [width]
        for node in self.nodes:
            if node.op_type == "Reshape":
                target = self.const(node.input[1])
                if target is not None and target.size >= 3:
                    last = int(target.reshape(-1)[-1])
                    if 0 < last < width and width % last == 0:
                        parts.append(last)
        return width // min(parts)


def _float(value: np.ndarray | None) -> np.ndarray | None:
    return None if value is None else np.ascontiguousarray(value, dtype=np.float32)


def _attention_weights(kind: str, linears: list[_Linear], width: int) -> dict[str, np.ndarray]:
    in_proj, out_proj = linears[0], linears[1]
    if in_proj.weight.shape != (3 * width, width) or out_proj.weight.shape != (width, width):
        raise Unsupported(_("{kind} (with separate query, key and value inputs)").format(kind=kind))
    tensors = {"in_proj_weight": in_proj.weight, "out_proj.weight": out_proj.weight}
    tensors["in_proj_bias"] = in_proj.bias if in_proj.bias is not None else np.zeros(3 * width, np.float32)
    tensors["out_proj.bias"] = out_proj.bias if out_proj.bias is not None else np.zeros(width, np.float32)
    return tensors


def _width(reader: GraphReader, name: str, kind: str) -> int:
    """The features of the sequence `name` (its last axis as its layer makes it)."""
    value = reader.values.get(name)
    assert isinstance(value, graph.Activation)
    full = reader.full.get(name)
    if full is None or len(full) != 3:
        raise Unsupported(_("{kind} (not on a sequence)").format(kind=kind))
    axes = value.axes if value.axes is not None else graph.plain_axes(3)
    last = reader.layer_axes(value.layer, 3)[-1]
    for axis, size in zip(axes, full, strict=True):
        if graph.normal_axes((axis,)) == graph.normal_axes((last,)) and size is not None:
            return int(size)
    raise Unsupported(_("{kind} (not on a sequence)").format(kind=kind))


def _attention(view: _GroupView, source: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    width = _width(view.reader, source, "MultiheadAttention")
    linears = view.linears()
    if len(linears) != 2:
        raise Unsupported(_("MultiheadAttention (of an unexpected form)"))
    tensors = _attention_weights("MultiheadAttention", linears, width)
    return {"num_heads": view.heads(width), "dropout": 0.0, "bias": linears[0].bias is not None}, tensors


def _encoder(view: _GroupView, source: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    kind = "TransformerEncoderLayer"
    width = _width(view.reader, source, kind)
    linears, norms = view.linears(), view.layer_norms()
    if len(linears) != 4 or len(norms) != 2 or any(abs(eps - 1e-5) > 1e-12 for _s, _b, eps, _i in norms):
        raise Unsupported(_("TransformerEncoderLayer (of an unexpected form)"))
    ops = view.ops()
    activation = "gelu" if ops & {"Gelu", "Erf"} else "relu"
    if activation == "relu" and "Relu" not in ops:
        raise Unsupported(_("TransformerEncoderLayer (with another activation)"))
    tensors = {f"self_attn.{key}": value for key, value in _attention_weights(kind, linears, width).items()}
    for name, linear in (("linear1", linears[2]), ("linear2", linears[3])):
        tensors[f"{name}.weight"] = linear.weight
        tensors[f"{name}.bias"] = (
            linear.bias if linear.bias is not None else np.zeros(linear.weight.shape[0], np.float32)
        )
    for name, (scale, bias, _eps, _input) in zip(("norm1", "norm2"), norms, strict=True):
        tensors[f"{name}.weight"], tensors[f"{name}.bias"] = scale, bias
    params = {
        "nhead": view.heads(width),
        "dim_feedforward": int(linears[2].weight.shape[0]),
        "activation": activation,
        "norm_first": norms[0][3] == source,
    }
    return params, tensors


def _positional(view: _GroupView, source: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    _width(view.reader, source, "PositionalEncoding")
    if view.linears():
        raise Unsupported(_("PositionalEncoding (of an unexpected form)"))
    return {}, {}


def _unrolled_rnn(view: _GroupView, source: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    inputs = _width(view.reader, source, "RNN")
    matrices: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    for linear in view.linears():
        if not any(np.array_equal(linear.weight, m) for m in matrices):
            matrices.append(linear.weight)
        if linear.bias is not None and not any(np.array_equal(linear.bias, b) for b in biases):
            biases.append(linear.bias)
    biases += _added_vectors(view, {b.shape[0] for b in biases} | {m.shape[0] for m in matrices}, biases)
    if len(matrices) != 2:
        raise Unsupported(_("RNN (of more than one layer or direction)"))
    hidden = int(matrices[1].shape[0])
    w_ih, w_hh = matrices
    if w_ih.shape != (hidden, inputs) or w_hh.shape != (hidden, hidden) or len(biases) > 2:
        raise Unsupported(_("RNN (of an unexpected form)"))
    ops = view.ops()
    nonlinearity = "relu" if "Relu" in ops and "Tanh" not in ops else "tanh"
    zeros = np.zeros(hidden, np.float32)
    b_ih = biases[0] if biases else zeros
    b_hh = biases[1] if len(biases) > 1 else zeros
    tensors = {"weight_ih_l0": w_ih, "weight_hh_l0": w_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}
    return {"hidden_size": hidden, "nonlinearity": nonlinearity}, tensors


def _added_vectors(view: _GroupView, sizes: set[int], known: list[np.ndarray]) -> list[np.ndarray]:
    """Bias vectors added on their own (not right after a MatMul), each once."""
    found: list[np.ndarray] = []
    for node in view.nodes:
        if node.op_type != "Add":
            continue
        for name in node.input:
            value = view.const(name)
            if value is None or value.ndim != 1 or value.shape[0] not in sizes:
                continue
            vector = _float(value)
            assert vector is not None
            if not any(np.array_equal(vector, other) for other in (*known, *found)):
                found.append(vector)
    return found


_READERS: dict[str, Callable[[_GroupView, str], tuple[dict[str, Any], dict[str, np.ndarray]]]] = {
    "MultiheadAttention": _attention,
    "TransformerEncoderLayer": _encoder,
    "PositionalEncoding": _positional,
    "RNN": _unrolled_rnn,
}


def read_group(reader: GraphReader, group: Group, all_nodes: list[Any], graph_outputs: set[str]) -> None:
    """Read the nodes of `group` as one layer of its type (Unsupported when they do not fit one)."""
    nodes = [all_nodes[index] for index in group.nodes]
    view = _GroupView(reader, nodes, all_nodes)
    source = view.external_input(group.type)
    output = view.external_output(group.type, graph_outputs)
    params, tensors = _READERS[group.type](view, source)
    base = group.scope.rsplit(".", 1)[-1] or group.type.lower()
    layer = reader.add_after([reader.moved(source)[0].layer], base, group.type, params)
    layer.tensors.update(tensors)
    reader.produce(output, layer)
