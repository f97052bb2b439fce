"""Look inside one node of the student's own model: what it outputs for one sample, and why.

`InsideProbe.look(model, request)` runs two passes on a copy of the weights (the view thread's
shadow, or a model rebuilt from a time-machine snapshot), never on the model being trained:

1. The chosen sample and a fixed batch of the view's split go through the model with a tap on every
   node (the generated forward's assignments, so nodes without a module, such as a slice or a
   mean, are probed too). The probed node's value is replaced by a leaf tensor, so one backward pass
   of the batch's loss gives the gradient of the loss with respect to that node's output.
2. For image data, the gradient of the predicted class's score with respect to the sample's pixels:
   the saliency map.

What it reports depends on the node: feature maps and filters of a convolution (and the receptive
field of its units), the attention weights of each head, the hidden state and the gates of a
recurrent layer over time, and for every node the distribution of its outputs and gradients with
its dead and saturated units. No Qt here: this runs in the training worker or a window thread.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from torch import nn

from playground.core.graph.blocks import expand_blocks
from playground.core.graph.inference import check_experiment
from playground.core.i18n import _
from playground.core.runs.probes import _Budget, _split
from playground.core.runs.records import Histogram, ProbeRequest, ProbeResult, ReceptiveField

PROBE_BATCH = 128  # samples of the view's split behind the histograms and the gradients
HISTOGRAM_BINS = 40
MAX_FILTERS = 64  # filters and feature maps shown at most
PROBE_INTERVAL = 1 / 8  # seconds between probes while training, before the cost limit
CONV_TYPES = frozenset({"Conv1d", "Conv2d"})
POOL_TYPES = frozenset({"MaxPool2d", "AvgPool2d"})
ATTENTION_TYPES = frozenset({"MultiheadAttention", "TransformerEncoderLayer"})
RECURRENT_TYPES = frozenset({"RNN", "LSTM", "GRU"})
GATE_NAMES = {"LSTM": ("input", "forget", "cell", "output"), "GRU": ("reset", "update", "new")}
# outputs within this share of an end of the activation's range count as saturated
SATURATION = {"Sigmoid": (0.0, 1.0), "Tanh": (-1.0, 1.0), "Hardtanh": (-1.0, 1.0), "Hardsigmoid": (0.0, 1.0)}
SATURATED_MARGIN = 0.02
SATURATED_SHARE = 0.95  # a unit is saturated when this share of its outputs is near an end


# ---- tapping every node of the generated forward ----------------------------------------------------


def tapped_forward(model: Any) -> Callable[[Any, torch.Tensor, Callable[[str, Any], Any]], Any]:
    """The model's generated forward with `tap(name, value)` called on every node's value (the
    value it returns is what the rest of the model sees)."""
    tree = ast.parse(model.forward_code)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    function.args.args.append(ast.arg(arg="__tap__"))
    body: list[ast.stmt] = []
    for statement in function.body:
        body.append(statement)
        if isinstance(statement, ast.Assign):
            target = statement.targets[0]
            if isinstance(target, ast.Tuple):
                target = target.elts[0]
            if isinstance(target, ast.Name) and target.id != "_":
                call = ast.Call(
                    func=ast.Name("__tap__", ast.Load()),
                    args=[ast.Constant(target.id), ast.Name(target.id, ast.Load())],
                    keywords=[],
                )
                body.append(ast.Assign(targets=[ast.Name(target.id, ast.Store())], value=call))
    function.body = body
    ast.fix_missing_locations(tree)
    namespace: dict[str, Any] = {"torch": torch}
    exec(compile(tree, "<playground probed forward>", "exec"), namespace)  # noqa: S102
    forward: Callable[[Any, torch.Tensor, Callable[[str, Any], Any]], Any] = namespace["forward"]
    return forward


@contextmanager
def _eval_mode(model: nn.Module) -> Iterator[None]:
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


@contextmanager
def _attention_weights(module: nn.Module | None, store: list[torch.Tensor]) -> Iterator[None]:
    """Make a MultiheadAttention return its per-head weights (the model's forward asks for none)."""
    if module is None:
        yield
        return

    def ask(
        _module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return args, {**kwargs, "need_weights": True, "average_attn_weights": False}

    def keep(_module: nn.Module, _args: tuple[Any, ...], output: Any) -> None:
        if isinstance(output, tuple) and len(output) > 1 and output[1] is not None:
            store.append(output[1].detach().float().cpu())

    handles = [module.register_forward_pre_hook(ask, with_kwargs=True), module.register_forward_hook(keep)]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


@contextmanager
def _inputs_of(module: nn.Module | None, store: list[torch.Tensor]) -> Iterator[None]:
    if module is None:
        yield
        return

    def keep(_module: nn.Module, args: tuple[Any, ...]) -> None:
        store.append(args[0].detach())

    handle = module.register_forward_pre_hook(keep)
    try:
        yield
    finally:
        handle.remove()


# ---- recurrent gates ------------------------------------------------------------------------------


@torch.no_grad()
def recurrent_gates(module: Any, x: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """The top layer's gate activations and hidden state over time, forward direction, for one
    sequence `x` (T, F): recomputed from the weights with the textbook equations, so the gates
    the window shows are those the layer used (the tests compare the hidden state to torch's).

    Returns (gates (G, T, H), hidden (T, H))."""
    kind = type(module).__name__
    layers = int(module.num_layers)
    directions = 2 if module.bidirectional else 1
    hidden_size = int(module.hidden_size)
    sequence = x.double()
    gates_over_time: list[torch.Tensor] = []
    hidden_over_time: list[torch.Tensor] = []
    for layer in range(layers):
        outputs = []
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            w_ih = getattr(module, "weight_ih" + suffix).double()
            w_hh = getattr(module, "weight_hh" + suffix).double()
            b_ih = getattr(module, "bias_ih" + suffix, None)
            b_hh = getattr(module, "bias_hh" + suffix, None)
            b_ih = b_ih.double() if b_ih is not None else torch.zeros(w_ih.shape[0], dtype=torch.float64)
            b_hh = b_hh.double() if b_hh is not None else torch.zeros(w_hh.shape[0], dtype=torch.float64)
            steps = sequence if direction == 0 else sequence.flip(0)
            h = torch.zeros(hidden_size, dtype=torch.float64)
            c = torch.zeros(hidden_size, dtype=torch.float64)
            hs, gs = [], []
            for x_t in steps:
                if kind == "LSTM":
                    z = w_ih @ x_t + b_ih + w_hh @ h + b_hh
                    i, f, g, o = z.chunk(4)
                    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                    c = f * c + i * g
                    h = o * torch.tanh(c)
                    gs.append(torch.stack([i, f, g, o]))
                elif kind == "GRU":
                    gi, gh = w_ih @ x_t + b_ih, w_hh @ h + b_hh
                    ir, iz, in_ = gi.chunk(3)
                    hr, hz, hn = gh.chunk(3)
                    r, u = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
                    n = torch.tanh(in_ + r * hn)
                    h = (1 - u) * n + u * h
                    gs.append(torch.stack([r, u, n]))
                else:
                    nonlinearity = torch.tanh if module.nonlinearity == "tanh" else torch.relu
                    h = nonlinearity(w_ih @ x_t + b_ih + w_hh @ h + b_hh)
                hs.append(h)
            out = torch.stack(hs)
            if direction:
                out = out.flip(0)
            outputs.append(out)
            if direction == 0 and layer == layers - 1:
                hidden_over_time = hs
                gates_over_time = gs
        sequence = torch.cat(outputs, dim=-1)
    hidden = torch.stack(hidden_over_time).float().numpy()
    if not gates_over_time:
        return np.zeros((0, *hidden.shape), dtype=np.float32), hidden
    gates = torch.stack(gates_over_time).permute(1, 0, 2).float().numpy()  # (G, T, H)
    return gates, hidden


# ---- receptive fields ------------------------------------------------------------------------------


def _pair(value: Any) -> tuple[float, float]:
    if isinstance(value, (tuple, list)):
        return float(value[0]), float(value[-1])
    return float(value), float(value)


def receptive_fields(experiment: Any, report: Any) -> dict[str, ReceptiveField]:
    """The receptive field of every node whose output is still an image (C, H, W), from the
    geometry of the convolutions and poolings between it and the input. A node fed by several
    (a residual Add, a Concat) sees as far as its widest input."""
    input_node = report.input_id
    input_report = report.nodes.get(input_node) if input_node is not None else None
    dims: tuple[int, ...] = ()
    if input_report is not None and input_report.output is not None:
        dims = tuple(input_report.output.shape)
    if len(dims) != 3:
        return {}
    size = (int(dims[1]), int(dims[2]))
    types = {node.id: node.type for node in expand_blocks(experiment).experiment.model.nodes}
    fields_: dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
        input_node: ((1.0, 1.0), (1.0, 1.0), (0.0, 0.0))
    }
    out: dict[str, ReceptiveField] = {}
    for node_id in report.order:
        if node_id == input_node:
            continue
        node_report = report.nodes.get(node_id)
        if node_report is None or node_report.output is None or len(node_report.output.shape) != 3:
            continue
        feeding = [fields_[s] for s in report.incoming.get(node_id, []) if s in fields_]
        if not feeding:
            continue
        r_in, j_in, start_in = max(feeding, key=lambda f: f[0][0] * f[0][1])
        kind = types.get(node_id, "")
        if kind in CONV_TYPES | POOL_TYPES:
            kwargs = node_report.kwargs
            kernel = _pair(kwargs.get("kernel_size", 1))
            stride = _pair(kwargs.get("stride") or (kernel if kind in POOL_TYPES else 1))
            dilation = _pair(kwargs.get("dilation", 1))
            padding_value = kwargs.get("padding", 0)
            if padding_value == "same":
                padding = ((kernel[0] - 1) / 2 * dilation[0], (kernel[1] - 1) / 2 * dilation[1])
            else:
                padding = _pair(0 if isinstance(padding_value, str) else padding_value)
            r_out = (
                r_in[0] + (kernel[0] - 1) * dilation[0] * j_in[0],
                r_in[1] + (kernel[1] - 1) * dilation[1] * j_in[1],
            )
            start_out = (
                start_in[0] + ((kernel[0] - 1) / 2 * dilation[0] - padding[0]) * j_in[0],
                start_in[1] + ((kernel[1] - 1) / 2 * dilation[1] - padding[1]) * j_in[1],
            )
            fields_[node_id] = (r_out, (j_in[0] * stride[0], j_in[1] * stride[1]), start_out)
        elif kind.startswith("Adaptive"):  # each output unit pools a share of the whole input
            rows, columns = node_report.output.shape[1], node_report.output.shape[2]
            jump = (size[0] / rows, size[1] / columns)
            fields_[node_id] = ((float(size[0]), float(size[1])), jump, ((size[0] - 1) / 2, (size[1] - 1) / 2))
        else:
            fields_[node_id] = (r_in, j_in, start_in)
        r, j, start = fields_[node_id]
        out[node_id] = ReceptiveField(size=r, jump=j, start=start, input_size=size)
    return out


# ---- the probe --------------------------------------------------------------------------------------


def describe_probe_failure(exc: BaseException) -> str:
    """A look inside that failed, in words: the user's mistakes as they are, the rest with its type."""
    if isinstance(exc, (KeyError, ValueError)) and exc.args:
        return str(exc.args[0])
    return f"{type(exc).__name__}: {exc}"


def _unit_axis(value: torch.Tensor, node_type: str) -> int:
    """The axis of a batch tensor that holds the node's units: channels for images and 1-D signals
    (N, C, ...), the last one for sequences (N, T, F) and feature rows (N, F)."""
    if value.dim() >= 4 or (value.dim() == 3 and node_type in CONV_TYPES | {"BatchNorm1d", "MaxPool1d"}):
        return 1
    return value.dim() - 1


def _per_unit(values: np.ndarray, axis: int) -> np.ndarray:
    """(batch, ...) -> (units, everything else) with the unit axis first."""
    moved = np.moveaxis(values, axis, 0)
    return moved.reshape(moved.shape[0], -1)


def _scalar(value: Any) -> int | float | None:
    if value is None:
        return None
    array = np.asarray(value).reshape(-1)
    if array.size == 0:
        return None
    item = array[0].item()
    return int(item) if isinstance(item, (int, np.integer)) else float(item)


class InsideProbe:
    """Looks inside nodes of one experiment's model on one dataset (the worker keeps one per run)."""

    def __init__(self, dataset: Any, experiment: Any, loss: Any, device: torch.device) -> None:
        self.dataset = dataset
        self.experiment = experiment
        self.loss = loss
        self.device = device
        self.info = dataset.info
        self.split, x, y = _split(dataset)
        self.x, self.y = x, y
        self.batch_x, self.batch_y = x[:PROBE_BATCH], y[:PROBE_BATCH]
        # the built model's nodes: a block's layers by their flat names (`res1_conv1`)
        self.node_types = {node.id: node.type for node in expand_blocks(experiment).experiment.model.nodes}
        self.fields = receptive_fields(experiment, check_experiment(experiment, dataset.info))
        self.budget = _Budget(PROBE_INTERVAL)
        self._forward: Any = None

    @property
    def sample_count(self) -> int:
        return int(self.x.shape[0])

    def due(self) -> bool:
        return self.budget.due()

    def look(self, model: nn.Module, request: ProbeRequest, step: int = 0, epoch: int = 0) -> ProbeResult:
        """What `request.node` does with the sample, on `model`'s current weights (eval mode)."""
        started = time.perf_counter()
        try:
            result = self._look(model, request)
        finally:
            self.budget.spent(started, time.perf_counter())
        result.step, result.epoch, result.seconds = step, epoch, time.perf_counter() - started
        return result

    def _sample(self, request: ProbeRequest) -> tuple[torch.Tensor, Any, int]:
        if request.custom is not None:
            custom = torch.as_tensor(np.asarray(request.custom)).to(self.x.dtype)
            if tuple(custom.shape) != tuple(self.x.shape[1:]):
                raise ValueError(
                    _("the drawn input has shape {shape} but the data's samples have {expected}").format(
                        shape=tuple(custom.shape), expected=tuple(self.x.shape[1:])
                    )
                )
            return custom, None, -1
        index = min(max(int(request.sample), 0), self.sample_count - 1)
        return self.x[index], self.y[index], index

    def _look(self, model: nn.Module, request: ProbeRequest) -> ProbeResult:
        node, node_type = request.node, self.node_types.get(request.node)
        if node_type is None:
            raise KeyError(_("the model has no node '{node}'").format(node=node))
        if self._forward is None:
            self._forward = tapped_forward(model)
        sample_x, sample_y, index = self._sample(request)
        x = torch.cat([sample_x.unsqueeze(0), self.batch_x]).to(self.device)
        y = self.batch_y.to(self.device)
        modules = dict(model.named_children())
        module = modules.get(node)
        attention_module = None
        if node_type == "MultiheadAttention":
            attention_module = module
        elif node_type == "TransformerEncoderLayer" and module is not None:
            attention_module = getattr(module, "self_attn", None)
        recurrent_module = module if node_type in RECURRENT_TYPES else None

        captured: dict[str, torch.Tensor] = {}

        def tap(name: str, value: Any) -> Any:
            if name == node and isinstance(value, torch.Tensor):
                leaf = value.detach().requires_grad_(value.is_floating_point())
                captured[name] = leaf
                return leaf
            return value

        attention: list[torch.Tensor] = []
        recurrent_inputs: list[torch.Tensor] = []
        notes: list[str] = []
        with _eval_mode(model), torch.enable_grad():
            with _attention_weights(attention_module, attention), _inputs_of(recurrent_module, recurrent_inputs):
                outputs = self._forward(model, x, tap)
            value = captured.get(node)
            if node == getattr(model, "input_id", None):
                value = x.detach().float()
            if value is None:
                raise KeyError(_("node '{node}' has no value of its own in the model").format(node=node))
            gradient = None
            if value.requires_grad and y.shape[0]:
                loss = self.loss(outputs[1:], y)
                if loss.requires_grad:
                    (grad,) = torch.autograd.grad(loss, value, allow_unused=True)
                    gradient = grad
        out = value.detach().float().cpu()
        axis = _unit_axis(out, node_type)
        batch_values = out[1:].numpy() if out.shape[0] > 1 else out.numpy()
        per_unit = _per_unit(batch_values, axis)
        units = int(per_unit.shape[0])
        dead = np.all(per_unit == 0, axis=1)
        saturated = np.zeros(units, dtype=bool)
        if node_type in SATURATION:
            low, high = SATURATION[node_type]
            margin = SATURATED_MARGIN * (high - low)
            near = (per_unit <= low + margin) | (per_unit >= high - margin)
            saturated = near.mean(axis=1) >= SATURATED_SHARE
        gradients = None
        if gradient is not None:
            gradients = Histogram.of(gradient[1:].detach().float().cpu().numpy().reshape(-1))
        predicted, confidence = self._prediction(outputs[:1].detach().float().cpu())
        result = ProbeResult(
            node=node,
            node_type=node_type,
            sample=index,
            split=self.split,
            samples=self.sample_count,
            batch=int(self.batch_x.shape[0]),
            shape=tuple(int(d) for d in out.shape[1:]),
            sample_input=sample_x.detach().float().cpu().numpy().copy(),
            tokens=not sample_x.is_floating_point(),
            sample_output=out[0].numpy().copy(),
            target=_scalar(None if sample_y is None else sample_y.cpu().numpy()),
            predicted=predicted,
            confidence=confidence,
            outputs=Histogram.of(batch_values.reshape(-1)),
            gradients=gradients,
            units=units,
            dead=dead,
            saturated=saturated,
            mean_output=per_unit.mean(axis=1).astype(np.float32),
            notes=notes,
        )
        if node_type in CONV_TYPES and out.dim() >= 3:
            result.feature_maps = out[0, :MAX_FILTERS].numpy().copy()
            weight = getattr(module, "weight", None)
            if isinstance(weight, torch.Tensor):
                result.filters = weight.detach().float().cpu()[:MAX_FILTERS].numpy().copy()
        if node in self.fields:
            result.receptive_field = self.fields[node]
            if result.feature_maps is None and out.dim() == 4:
                result.feature_maps = out[0, :MAX_FILTERS].numpy().copy()
        if attention:
            weights = attention[0]
            result.attention = weights[0].numpy().copy() if weights.dim() == 4 else weights[:1].numpy().copy()
        if recurrent_module is not None and recurrent_inputs:
            sequence = recurrent_inputs[0][0].detach().cpu()
            if sequence.dim() == 2:
                gates, hidden = recurrent_gates(recurrent_module, sequence)
                result.hidden = hidden
                if gates.shape[0]:
                    result.gates = gates
                    result.gate_names = GATE_NAMES[node_type]
        scores = not getattr(self.loss, "embedding", False)  # an embedding has no predicted class
        if self.info.modality == "image" and sample_x.is_floating_point() and scores:
            result.saliency = self._saliency(model, sample_x)
        return result

    def _prediction(self, output: torch.Tensor) -> tuple[int | float | None, float | None]:
        if getattr(self.loss, "embedding", False):
            return None, None  # an embedding has no class scores: its class comes from other samples
        if self.info.task == "classification":
            flat = output.reshape(1, -1)
            if flat.shape[1] == 1:
                p1 = float(torch.sigmoid(flat[0, 0]))
                return (1, p1) if p1 >= 0.5 else (0, 1 - p1)
            probabilities = torch.softmax(flat, dim=-1)[0]
            confidence, predicted = probabilities.max(dim=-1)
            return int(predicted), float(confidence)
        value = output.reshape(-1)
        return (float(value[0]) if value.numel() else None), None

    def _saliency(self, model: nn.Module, sample_x: torch.Tensor) -> np.ndarray | None:
        """|∂ score of the predicted class / ∂ pixel|, the largest over the colour channels."""
        x = sample_x.unsqueeze(0).to(self.device).detach().float().requires_grad_(True)
        with _eval_mode(model), torch.enable_grad():
            output = model(x).reshape(1, -1)
            score = output[0, int(output[0].argmax())] if output.shape[1] > 1 else output[0, 0]
            (grad,) = torch.autograd.grad(score, x)
        saliency = grad[0].abs()
        if saliency.dim() == 3:
            saliency = saliency.amax(dim=0)
        result = saliency.float().cpu().numpy()
        return result if np.all(np.isfinite(result)) else np.nan_to_num(result)


def probe_nodes(experiment: Any) -> list[str]:
    """The nodes a probe can look inside, in the graph's order (every node but the input; a block's
    layers by their flat names)."""
    return [node.id for node in expand_blocks(experiment).experiment.model.nodes if node.type != "Input"]
