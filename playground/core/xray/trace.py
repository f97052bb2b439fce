"""One training step of the experiment's own model, frozen and written out in numbers.

`prepare_xray(experiment)` builds a real `Trainer` (so the model, its initial weights, the data
split, the loss and the optimizer are exactly the ones Train would use), freezes the first batch
that trainer would train on, and computes the step:

* a chain of Linear layers with activations, dropout or flatten between them (`dense_units` in
  core/runs/probes.py), small enough to read unit by unit, is traced with explicit float64 maths:
  every unit's z = W·a + b and a = f(z), the loss, every δ = ∂ℓ/∂z by the chain rule, every
  ∂L/∂w = scale·Σₙ δ·a, and the optimizer's first step term by term (`updates.first_step`);
* any other model gets per-layer statistics of the same frozen step, measured on the real model
  and optimizer (activation mean/std, gradient norm, update norm, update/weight ratio).

Dropout draws its masks from the random state the trainer's first step would start from (the
state right after the model is built); the masks are read off a float64 copy of the model, and the
gradient check evaluates that copy with the same state, so all three agree on which units dropped.
Nothing here touches the caller's experiment, the global random state (it is restored) or Qt.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from playground.core.catalogue import ACTIVATIONS
from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import Experiment
from playground.core.graph.builder import GraphModule
from playground.core.graph.topology import Topology
from playground.core.i18n import N_, _
from playground.core.runs.probes import dense_units
from playground.core.training.engine import Trainer, TrainerOptions
from playground.core.training.losses import LossAdapter
from playground.core.training.optimizers import optimizer_kwargs
from playground.core.xray.formulas import Words
from playground.core.xray.updates import OptimizerSettings, ParameterUpdate, first_step

MAX_UNIT_PARAMETERS = 1000  # up to this many trainable parameters the X-ray shows every unit ...
MAX_UNITS_PER_LAYER = 32  # ... and as long as no layer (inputs included) is wider than this
EXPLAINED_LOSSES = frozenset(
    {"CrossEntropyLoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss"}
)
ELEMENTWISE = frozenset(ACTIVATIONS) - {"Softmax"}
PASS_THROUGH = frozenset({"Identity", "Flatten"})
FD_STEP = 1e-6  # the central difference's step (float64), relative to max(1, |w|)

TraceKind = Literal["units", "statistics"]


class XrayError(PlaygroundError):
    """The X-ray cannot be computed (the model does not build, the data does not load, ...)."""


@dataclass(frozen=True)
class FrozenBatch:
    """The mini-batch the X-ray freezes: the first one the trainer would train on."""

    indices: np.ndarray  # rows of the training split, in batch order
    inputs: np.ndarray  # float64, (N, ...) as the model receives them
    targets: np.ndarray  # class indices (N,) or float64 regression targets (N, D)
    full: bool  # the whole training split in order (batch size "full" or ≥ the split)

    @property
    def size(self) -> int:
        return int(self.indices.shape[0])


@dataclass(frozen=True)
class PostOp:
    """An activation, dropout or pass-through node after a Linear, on one batch (N, units)."""

    node_id: str
    layer_type: str
    inputs: np.ndarray
    outputs: np.ndarray
    derivative: np.ndarray | None  # ∂out/∂in elementwise (dropout: mask/(1−p)); None: Softmax
    upstream: np.ndarray  # ∂ℓ/∂out per sample
    downstream: np.ndarray  # ∂ℓ/∂in per sample
    settings: tuple[tuple[str, float], ...] = ()  # negative_slope, alpha, beta, p, ...

    def setting(self, name: str, default: float = 0.0) -> float:
        return dict(self.settings).get(name, default)


@dataclass(frozen=True)
class DenseLayer:
    """One Linear layer and the nodes after it up to the next Linear, forward and backward."""

    index: int
    node_id: str  # the Linear node on the canvas
    shown_id: str  # the node whose output is the layer's a (its activation, or the Linear)
    input_names: tuple[str, ...]  # what feeds it: x₁.. for the first layer, else the previous units
    inputs: np.ndarray  # a_in (N, fan_in)
    z: np.ndarray  # (N, units)
    ops: tuple[PostOp, ...]
    outputs: np.ndarray  # a (N, units): after every op
    upstream: np.ndarray  # ∂ℓ/∂a per sample: Σₖ wₖⱼ·δₖ of the next layer, or from the loss
    derivative: np.ndarray | None  # f′(z) elementwise over all ops (None if a Softmax is among them)
    delta: np.ndarray  # δ = ∂ℓ/∂z per sample (N, units)
    weight: np.ndarray  # (units, fan_in)
    bias: np.ndarray | None  # (units,)
    data_grad_weight: np.ndarray  # scale·Σₙ δ·a (the loss's part)
    data_grad_bias: np.ndarray | None
    penalty_grad_weight: np.ndarray | None  # λ₁·sign(w), when the experiment has L1
    weight_update: ParameterUpdate
    bias_update: ParameterUpdate | None
    is_output: bool

    @property
    def units(self) -> int:
        return int(self.weight.shape[0])

    @property
    def fan_in(self) -> int:
        return int(self.weight.shape[1])

    @property
    def grad_weight(self) -> np.ndarray:
        """∂L/∂W of the whole objective (loss + L1), before any clipping."""
        if self.penalty_grad_weight is None:
            return self.data_grad_weight
        total: np.ndarray = self.data_grad_weight + self.penalty_grad_weight
        return total

    @property
    def grad_bias(self) -> np.ndarray | None:
        return self.data_grad_bias


@dataclass(frozen=True)
class LossTrace:
    """The loss on the frozen batch: per-sample terms, the value, and ∂ℓ/∂ŷ per sample."""

    name: str
    reduction: str
    outputs: np.ndarray  # ŷ (N, D), float64
    targets: np.ndarray  # as the loss sees them: class indices (N,) or (N, D) floats
    probabilities: np.ndarray | None  # softmax (cross-entropy) or sigmoid (BCE) of ŷ
    smoothed: np.ndarray | None  # cross-entropy's target distribution q (label smoothing)
    per_sample: np.ndarray  # ℓₙ (N,), with L = scale·Σₙ ℓₙ
    value: float  # L, the loss alone
    penalty: float  # λ₁·Σ|w| (0 without L1)
    scale: float  # 1/N for a mean over the batch, 1 for a sum
    output_delta: np.ndarray  # ∂ℓₙ/∂ŷ per sample (N, D)
    explained: bool  # ∂ℓ/∂ŷ from the written-out formula (else from autograd of the loss alone)
    settings: tuple[tuple[str, float], ...] = ()  # label_smoothing, pos_weight, delta, beta

    @property
    def objective(self) -> float:
        return self.value + self.penalty

    def setting(self, name: str, default: float = 0.0) -> float:
        return dict(self.settings).get(name, default)


@dataclass(frozen=True)
class ClippingTrace:
    """Gradient clipping as the engine applies it before the optimizer step."""

    mode: Literal["norm", "value"]
    max_value: float
    total_norm: float  # ‖g‖ over all trainable parameters
    factor: float  # what the gradients were multiplied by ("norm" mode; 1 when not clipped)


@dataclass(frozen=True)
class LayerStatistics:
    """A layer of a large model on the frozen step (None where the layer has no parameters)."""

    node_id: str
    layer_type: str
    parameters: int
    activation_mean: float
    activation_std: float
    gradient_norm: float | None
    weight_norm: float | None
    update_norm: float | None

    @property
    def update_ratio(self) -> float | None:
        if self.update_norm is None or not self.weight_norm:
            return None
        return self.update_norm / self.weight_norm


@dataclass(frozen=True)
class ParameterRef:
    """One scalar parameter: the canvas node, its tensor's name in that node ("weight", "bias"), the index."""

    node_id: str
    name: str
    index: tuple[int, ...]


@dataclass(frozen=True)
class GradientCheck:
    """Autograd beside a central finite difference, both float64, for one parameter."""

    parameter: ParameterRef
    value: float  # the parameter itself
    autograd: float
    finite_difference: float
    step: float  # h in (L(w+h) − L(w−h)) / 2h
    xray: float | None  # the X-ray's chain-rule value (unit view)

    @property
    def relative_difference(self) -> float:
        """|a − f| / max(|a|, |f|, 1e-8): the floor keeps two near-zero gradients from looking apart."""
        return abs(self.autograd - self.finite_difference) / max(abs(self.autograd), abs(self.finite_difference), 1e-8)

    @property
    def agrees(self) -> bool:
        return self.relative_difference < 1e-3


@dataclass(frozen=True)
class XrayTrace:
    """Everything one frozen training step shows, as plain numbers."""

    kind: TraceKind
    batch: FrozenBatch
    loss: LossTrace
    optimizer: OptimizerSettings
    l1: float
    clipping: ClippingTrace | None
    layers: tuple[DenseLayer, ...]  # "units": input to output
    statistics: tuple[LayerStatistics, ...]  # "statistics": in graph order
    input_id: str
    output_id: str
    parameter_count: int
    reason: Words | None  # why a model gets statistics instead of units


class XraySession:
    """A computed trace plus what the gradient check needs (a float64 copy of the initial model)."""

    def __init__(
        self,
        trace: XrayTrace,
        reference: nn.Module,
        objective: Callable[[], torch.Tensor],
    ) -> None:
        self.trace = trace
        self._reference = reference
        self._objective = objective

    def parameters(self) -> list[ParameterRef]:
        """Parameters the check offers: every scalar of a unit-view model; for a large one, per
        tensor the first element and the one with the largest gradient."""
        refs: list[ParameterRef] = []
        if self.trace.kind == "units":
            for layer in self.trace.layers:
                for unit in range(layer.units):
                    refs += [ParameterRef(layer.node_id, "weight", (unit, i)) for i in range(layer.fan_in)]
                    if layer.bias is not None:
                        refs.append(ParameterRef(layer.node_id, "bias", (unit,)))
            return refs
        gradients = self._gradients()
        for full_name, parameter in self._named():
            node_id, _sep, name = full_name.partition(".")
            first = tuple(0 for _ in parameter.shape)
            refs.append(ParameterRef(node_id, name, first))
            grad = gradients.get(full_name)
            if grad is not None and grad.numel() > 1:
                flat = int(torch.argmax(grad.abs()).item())
                largest = tuple(int(i) for i in np.unravel_index(flat, tuple(parameter.shape)))
                if largest != first:
                    refs.append(ParameterRef(node_id, name, largest))
        return refs

    def _named(self) -> list[tuple[str, nn.Parameter]]:
        return [(name, p) for name, p in self._reference.named_parameters() if p.requires_grad]

    def _gradients(self) -> dict[str, torch.Tensor]:
        named = self._named()
        for _name, parameter in named:
            parameter.grad = None
        self._objective().backward()  # type: ignore[no-untyped-call]
        grads = {name: p.grad.detach().clone() for name, p in named if p.grad is not None}
        for _name, parameter in named:
            parameter.grad = None
        return grads

    def check_gradient(self, ref: ParameterRef) -> GradientCheck:
        """∂L/∂w by autograd and by a central difference on the same frozen batch (float64).

        Both are of the objective the engine minimises (the loss plus any L1 term), before clipping.
        """
        named = dict(self._named())
        key = f"{ref.node_id}.{ref.name}"
        if key not in named:
            raise XrayError(_("the model has no parameter {name}").format(name=key))
        parameter = named[key]
        try:
            value = float(parameter.detach()[ref.index].item())
        except IndexError as error:
            raise XrayError(
                _("the parameter {name} has no element {index}").format(name=key, index=ref.index)
            ) from error
        autograd = float(self._gradients()[key][ref.index].item())
        h = FD_STEP * max(1.0, abs(value))
        with torch.no_grad():
            parameter[ref.index] = value + h
            plus = float(self._objective().item())
            parameter[ref.index] = value - h
            minus = float(self._objective().item())
            parameter[ref.index] = value
        xray = None
        if self.trace.kind == "units":
            layer = next((item for item in self.trace.layers if item.node_id == ref.node_id), None)
            if layer is not None:
                grad = layer.grad_weight if ref.name == "weight" else layer.grad_bias
                if grad is not None:
                    xray = float(grad[ref.index])
        return GradientCheck(ref, value, autograd, (plus - minus) / (2 * h), h, xray)


# ---- building -----------------------------------------------------------------------------------


def prepare_xray(
    experiment: Experiment, base_dir: str | os.PathLike[str] | None = None, *, max_parameters: int = MAX_UNIT_PARAMETERS
) -> XraySession:
    """The X-ray of the experiment's first training step; raises XrayError naming what went wrong.

    The frozen batch is the first batch the trainer would use: with a batch size below the
    training split, the first `batch_size` rows of the epoch-1 permutation drawn from the
    training seed (exactly the engine's); otherwise the whole split in order.
    """
    spec = experiment.model_copy(deep=True)
    spec.training.device = "cpu"  # the explanation is float64 on the CPU, whatever the run uses
    with torch.random.fork_rng(devices=[]):
        try:
            trainer = Trainer(spec, base_dir=base_dir, options=TrainerOptions(diagnostics=False))
        except PlaygroundError as error:
            raise XrayError(str(error)) from error
        except (OSError, ValueError, RuntimeError, KeyError, TypeError) as error:
            raise XrayError(_("the model or its data could not be prepared: {error}").format(error=error)) from error
        rng_state = torch.get_rng_state()  # what the first step's dropout draws from
    batch, xb, yb = _first_batch(trainer)
    lr = float(trainer.optimizer.param_groups[0]["lr"])
    if trainer.lr_controller.per_step:
        lr *= trainer.lr_controller.warmup_factor(0)
    settings = OptimizerSettings.of(
        spec.training.optimizer.type, optimizer_kwargs(spec.training.optimizer.type, spec.training.optimizer.params), lr
    )
    reference = copy.deepcopy(trainer.model).double()
    reference.train()
    loss64 = LossAdapter(
        trainer.loss.name, copy.deepcopy(trainer.loss.loss).double(), trainer.loss.task, trainer.loss.num_classes
    )
    x64 = xb.double()
    y64 = yb if not torch.is_floating_point(yb) else yb.double()
    l1 = float(spec.training.l1)
    l1_weights = [p for p in reference.parameters() if p.requires_grad and p.dim() > 1]

    def outputs() -> torch.Tensor:
        with torch.random.fork_rng(devices=[]):
            torch.set_rng_state(rng_state)
            result: torch.Tensor = reference(x64)
        return result

    def objective() -> torch.Tensor:
        value = loss64(outputs(), y64)
        if l1:
            value = value + l1 * sum(w.abs().sum() for w in l1_weights)
        return value

    parameter_count = sum(int(p.numel()) for p in trainer.model.parameters() if p.requires_grad)
    units = dense_units(spec)
    chain = _chain(spec) if units is not None else None
    modules = dict(reference.named_modules())
    reason: Words | None = None
    if chain is None or units is None or not all(isinstance(modules.get(linear), nn.Linear) for linear, _ in units):
        reason = Words(
            N_("the model is not a chain of Linear layers with activations, dropout or flatten between them")
        )
    elif parameter_count > max_parameters:
        reason = Words(
            N_("{count} parameters: too many to show unit by unit (up to {limit})"),
            (("count", parameter_count), ("limit", max_parameters)),
        )
    elif _widest(modules, units) > MAX_UNITS_PER_LAYER:
        reason = Words(N_("a layer wider than {limit} units"), (("limit", MAX_UNITS_PER_LAYER),))
    with torch.no_grad():
        out64 = outputs()
    loss = _loss_trace(loss64, out64, y64, trainer.training.loss.params or {}, l1, l1_weights)
    info_names = tuple(getattr(trainer.dataset.info, "feature_names", ()) or ())
    if reason is None and chain is not None and units is not None:
        trace = _dense_trace(
            spec, trainer, reference, chain, units, x64, loss, settings, l1, batch, parameter_count, info_names, outputs
        )
    else:
        trace = _statistics_trace(spec, trainer, x64, xb, yb, rng_state, loss, settings, l1, batch, parameter_count)
        trace = XrayTrace(**{**trace.__dict__, "reason": reason})
    return XraySession(trace, reference, objective)


def _widest(modules: dict[str, nn.Module], units: list[tuple[str, str]]) -> int:
    widths = [0]
    for linear, _shown in units:
        module = modules[linear]
        if isinstance(module, nn.Linear):
            widths += [int(module.in_features), int(module.out_features)]
    return max(widths)


def _first_batch(trainer: Trainer) -> tuple[FrozenBatch, torch.Tensor, torch.Tensor]:
    n, size = trainer.train_samples, trainer.batch_size
    full = trainer.batches_per_epoch == 1 and size == n
    if full:
        indices = torch.arange(n)
    else:
        generator = torch.Generator().manual_seed(trainer.training.seed)  # the engine's batch-order generator
        indices = torch.randperm(n, generator=generator)[:size]
    xb, yb = trainer.x_train[indices], trainer.y_train[indices]
    targets = yb.detach().numpy().copy() if not torch.is_floating_point(yb) else yb.double().numpy().copy()
    batch = FrozenBatch(indices.numpy().copy(), xb.double().numpy().copy(), targets, full)
    return batch, xb, yb


def _chain(experiment: Experiment) -> list[str] | None:
    """The node ids after the Input, in order, of a single-path graph."""
    topology = Topology.of(experiment)
    inputs = [node.id for node in experiment.model.nodes if node.type == "Input"]
    if len(inputs) != 1:
        return None
    chain, current = [], inputs[0]
    while topology.successors(current):
        following = topology.successors(current)
        if len(following) != 1:
            return None
        current = following[0]
        chain.append(current)
    return chain


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().double().numpy().copy()


def _derivative(layer_type: str, module: nn.Module, z: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """f′(z) of an elementwise activation, written out (autograd only for GELU's tanh form)."""
    if layer_type == "ReLU":
        return (z > 0).double()
    if layer_type == "LeakyReLU":
        return torch.where(z > 0, torch.ones_like(z), torch.full_like(z, _attribute(module, "negative_slope")))
    if layer_type == "ELU":
        return torch.where(z > 0, torch.ones_like(z), _attribute(module, "alpha") * torch.exp(z))
    if layer_type == "Sigmoid":
        return a * (1 - a)
    if layer_type == "Tanh":
        return 1 - a * a
    if layer_type == "SiLU":
        s = torch.sigmoid(z)
        return s * (1 + z * (1 - s))
    if layer_type == "Softplus":
        beta, threshold = _attribute(module, "beta"), _attribute(module, "threshold")
        return torch.where(beta * z > threshold, torch.ones_like(z), torch.sigmoid(beta * z))
    if layer_type == "Mish":
        t = torch.tanh(nn.functional.softplus(z))
        return t + z * (1 - t * t) * torch.sigmoid(z)
    if layer_type == "GELU" and getattr(module, "approximate", "none") == "none":
        cdf = 0.5 * (1 + torch.erf(z / math.sqrt(2)))
        return cdf + z * torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    leaf = z.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(module(leaf).sum(), leaf)
    return grad.detach()


def _attribute(module: nn.Module, name: str) -> float:
    """A module's numeric setting (negative_slope, alpha, beta, delta, ...)."""
    value: Any = getattr(module, name)
    return float(value)


def _module_settings(layer_type: str, module: nn.Module) -> tuple[tuple[str, float], ...]:
    names = {"LeakyReLU": ("negative_slope",), "ELU": ("alpha",), "Softplus": ("beta", "threshold"), "Dropout": ("p",)}
    return tuple((name, float(getattr(module, name))) for name in names.get(layer_type, ()))


def _dropout_scales(
    reference: nn.Module, node_ids: list[str], outputs: Callable[[], torch.Tensor]
) -> dict[str, torch.Tensor]:
    """Each dropout node's mask/(1−p) on the frozen batch, read off the float64 model: the
    gradient of its output with respect to its input (exact, even where the input is 0)."""
    modules = dict(reference.named_modules())
    scales: dict[str, torch.Tensor] = {}
    hooks = []
    for node_id in node_ids:

        def hook(
            _module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor, key: str = node_id
        ) -> None:
            (grad,) = torch.autograd.grad(output, inputs[0], torch.ones_like(output), retain_graph=True)
            scales[key] = grad.detach().clone()

        hooks.append(modules[node_id].register_forward_hook(hook))
    try:
        if node_ids:
            outputs()
    finally:
        for handle in hooks:
            handle.remove()
    return scales


def _dense_trace(
    spec: Experiment,
    trainer: Trainer,
    reference: nn.Module,
    chain: list[str],
    units: list[tuple[str, str]],
    x64: torch.Tensor,
    loss: LossTrace,
    settings: OptimizerSettings,
    l1: float,
    batch: FrozenBatch,
    parameter_count: int,
    feature_names: tuple[str, ...],
    outputs: Callable[[], torch.Tensor],
) -> XrayTrace:
    nodes = spec.nodes_by_id()
    modules = dict(reference.named_modules())
    dropouts = [node_id for node_id in chain if nodes[node_id].type == "Dropout"]
    scales = _dropout_scales(reference, dropouts, outputs)
    linear_positions = [chain.index(linear) for linear, _shown in units]
    a = x64.reshape(x64.shape[0], -1)
    forward: list[dict[str, Any]] = []
    with torch.no_grad():
        for number, start in enumerate(linear_positions):
            end = linear_positions[number + 1] if number + 1 < len(linear_positions) else len(chain)
            linear = modules[chain[start]]
            assert isinstance(linear, nn.Linear)
            weight = linear.weight.detach().double()
            bias = linear.bias.detach().double() if linear.bias is not None else None
            z = a @ weight.T + (bias if bias is not None else 0.0)
            value = z
            ops: list[
                tuple[str, str, torch.Tensor, torch.Tensor, torch.Tensor | None, tuple[tuple[str, float], ...]]
            ] = []
            for node_id in chain[start + 1 : end]:
                layer_type, module = nodes[node_id].type, modules.get(node_id)
                if layer_type == "Dropout":
                    derivative: torch.Tensor | None = scales[node_id]
                    result = value * scales[node_id]
                elif layer_type in ELEMENTWISE and module is not None:
                    result = module(value)
                    derivative = _derivative(layer_type, module, value, result)
                elif layer_type == "Softmax" and module is not None:
                    result = torch.softmax(value, dim=-1)
                    derivative = None
                else:  # Identity, Flatten: (N, F) rows pass unchanged
                    result = value.reshape(value.shape[0], -1)
                    derivative = torch.ones_like(value)
                settings_ = _module_settings(layer_type, module) if module is not None else ()
                ops.append((node_id, layer_type, value, result, derivative, settings_))
                value = result
            forward.append({"a_in": a, "z": z, "ops": ops, "weight": weight, "bias": bias, "out": value})
            a = value
    # backward, output to input
    upstream = torch.from_numpy(loss.output_delta)
    penalties: list[np.ndarray | None] = []
    backward: list[dict[str, Any]] = [{} for _ in forward]
    for number in range(len(forward) - 1, -1, -1):
        item = forward[number]
        g = upstream
        traced_ops: list[PostOp] = []
        for node_id, layer_type, op_in, op_out, derivative, settings_ in reversed(item["ops"]):
            if derivative is None:  # softmax: J^T g = s ⊙ (g − Σ s·g)
                down = op_out * (g - (op_out * g).sum(dim=-1, keepdim=True))
            else:
                down = g * derivative
            traced_ops.append(
                PostOp(
                    node_id,
                    layer_type,
                    _numpy(op_in),
                    _numpy(op_out),
                    None if derivative is None else _numpy(derivative),
                    _numpy(g),
                    _numpy(down),
                    settings_,
                )
            )
            g = down
        delta = g
        grad_w = loss.scale * (delta.T @ item["a_in"])
        grad_b = loss.scale * delta.sum(dim=0) if item["bias"] is not None else None
        backward[number] = {
            "ops": tuple(reversed(traced_ops)),
            "upstream": upstream,
            "delta": delta,
            "grad_w": grad_w,
            "grad_b": grad_b,
        }
        upstream = delta @ item["weight"]
    for item in forward:
        penalties.append(_numpy(l1 * torch.sign(item["weight"])) if l1 else None)
    # the gradient the optimizer receives: + L1, then clipping over every trainable parameter
    received: list[tuple[np.ndarray, np.ndarray | None]] = []
    for number, item in enumerate(backward):
        grad_w = _numpy(item["grad_w"])
        penalty = penalties[number]
        received.append(
            (
                grad_w + penalty if penalty is not None else grad_w,
                None if item["grad_b"] is None else _numpy(item["grad_b"]),
            )
        )
    clipping, received = _clip(trainer, received)
    layers: list[DenseLayer] = []
    names = feature_names if len(feature_names) == forward[0]["a_in"].shape[1] else ()
    previous_names = names or tuple(f"x{i + 1}" for i in range(forward[0]["a_in"].shape[1]))
    for number, (item, back) in enumerate(zip(forward, backward)):
        weight_np = _numpy(item["weight"])
        bias_np = None if item["bias"] is None else _numpy(item["bias"])
        received_w, received_b = received[number]
        traced: tuple[PostOp, ...] = back["ops"]
        combined: np.ndarray | None = None
        if all(op.derivative is not None for op in traced):
            combined = np.ones_like(_numpy(item["z"]))
            for op in traced:
                assert op.derivative is not None
                combined = combined * op.derivative
        linear_id, shown_id = units[number]
        layers.append(
            DenseLayer(
                index=number,
                node_id=linear_id,
                shown_id=shown_id,
                input_names=previous_names,
                inputs=_numpy(item["a_in"]),
                z=_numpy(item["z"]),
                ops=traced,
                outputs=_numpy(item["out"]),
                upstream=_numpy(back["upstream"]),
                derivative=combined,
                delta=_numpy(back["delta"]),
                weight=weight_np,
                bias=bias_np,
                data_grad_weight=_numpy(back["grad_w"]),
                data_grad_bias=None if back["grad_b"] is None else _numpy(back["grad_b"]),
                penalty_grad_weight=penalties[number],
                weight_update=first_step(settings, weight_np, received_w),
                bias_update=None
                if bias_np is None or received_b is None
                else first_step(settings, bias_np, received_b),
                is_output=number == len(forward) - 1,
            )
        )
        previous_names = tuple(f"{linear_id}[{unit + 1}]" for unit in range(weight_np.shape[0]))
    return XrayTrace(
        kind="units",
        batch=batch,
        loss=loss,
        optimizer=settings,
        l1=l1,
        clipping=clipping,
        layers=tuple(layers),
        statistics=(),
        input_id=_input_id(spec),
        output_id=chain[-1],
        parameter_count=parameter_count,
        reason=None,
    )


def _input_id(spec: Experiment) -> str:
    return next((node.id for node in spec.model.nodes if node.type == "Input"), "")


def _clip(
    trainer: Trainer, grads: list[tuple[np.ndarray, np.ndarray | None]]
) -> tuple[ClippingTrace | None, list[tuple[np.ndarray, np.ndarray | None]]]:
    clipping = trainer.training.gradient_clipping
    if clipping is None:
        return None, grads
    arrays = [array for pair in grads for array in pair if array is not None]
    total = math.sqrt(sum(float((array * array).sum()) for array in arrays))
    if clipping.mode == "norm":
        factor = min(1.0, clipping.max_value / (total + 1e-6))  # torch's clip_grad_norm_
        clipped = [(w * factor, None if b is None else b * factor) for w, b in grads]
    else:
        factor = 1.0
        limit = clipping.max_value
        clipped = [(np.clip(w, -limit, limit), None if b is None else np.clip(b, -limit, limit)) for w, b in grads]
    return ClippingTrace(clipping.mode, float(clipping.max_value), total, factor), clipped


def _loss_trace(
    adapter: LossAdapter,
    outputs: torch.Tensor,
    targets: torch.Tensor,
    params: dict[str, Any],
    l1: float,
    l1_weights: list[nn.Parameter],
) -> LossTrace:
    """The loss on the frozen batch, ∂ℓ/∂ŷ written out for the common losses."""
    name = adapter.name
    module = adapter.loss
    reduction = str(getattr(module, "reduction", "mean"))
    out, tgt = adapter.prepare(outputs.detach(), targets)
    out = out.double() if name != "KLDivLoss" else outputs.detach().double()
    n = int(outputs.shape[0])
    scale = 1.0 if reduction == "sum" else 1.0 / n
    leaf = outputs.detach().clone().requires_grad_(True)
    value_t = adapter(leaf, targets)
    (autograd_delta,) = torch.autograd.grad(value_t, leaf)
    value = float(value_t.item())
    with torch.no_grad():
        penalty = float(l1 * sum(float(w.abs().sum()) for w in l1_weights)) if l1 else 0.0
    probabilities = smoothed = None
    settings: list[tuple[str, float]] = []
    explained = name in EXPLAINED_LOSSES and not (
        name == "CrossEntropyLoss" and getattr(module, "weight", None) is not None
    )
    y = out.reshape(n, -1)
    per_dim = 1.0 if reduction == "sum" else 1.0 / y.shape[1]  # mean over the outputs of a sample too
    if explained and name == "CrossEntropyLoss":
        smoothing = float(getattr(module, "label_smoothing", 0.0))
        settings.append(("label_smoothing", smoothing))
        classes = y.shape[1]
        p = torch.softmax(y, dim=1)
        q = (1 - smoothing) * nn.functional.one_hot(tgt.long(), classes).double() + smoothing / classes
        per_sample = -(q * torch.log_softmax(y, dim=1)).sum(dim=1)
        delta = p - q
        probabilities, smoothed = p, q
    elif explained and name == "BCEWithLogitsLoss":
        t = tgt.double().reshape(n, -1)
        pos = getattr(module, "pos_weight", None)
        pw = float(pos.reshape(-1)[0]) if pos is not None else 1.0
        if pos is not None:
            settings.append(("pos_weight", pw))
        p = torch.sigmoid(y)
        elements = pw * t * nn.functional.softplus(-y) + (1 - t) * nn.functional.softplus(y)
        per_sample = elements.sum(dim=1) * per_dim
        delta = (p * (pw * t + 1 - t) - pw * t) * per_dim
        probabilities = p
    elif explained:
        t = tgt.double().reshape(n, -1)
        r = y - t
        if name == "MSELoss":
            elements, grad = r * r, 2 * r
        elif name == "L1Loss":
            elements, grad = r.abs(), torch.sign(r)
        elif name == "HuberLoss":
            d = _attribute(module, "delta")
            settings.append(("delta", d))
            elements = torch.where(r.abs() < d, 0.5 * r * r, d * (r.abs() - 0.5 * d))
            grad = r.clamp(-d, d)
        else:  # SmoothL1Loss
            beta = _attribute(module, "beta")
            settings.append(("beta", beta))
            if beta == 0:
                elements, grad = r.abs(), torch.sign(r)
            else:
                elements = torch.where(r.abs() < beta, 0.5 * r * r / beta, r.abs() - 0.5 * beta)
                grad = torch.where(r.abs() < beta, r / beta, torch.sign(r))
        per_sample = elements.sum(dim=1) * per_dim
        delta = grad * per_dim
    else:
        per_sample = _per_sample_fallback(adapter, outputs, targets, n)
        delta = autograd_delta.reshape(n, -1) / scale
    return LossTrace(
        name=name,
        reduction=reduction,
        outputs=_numpy(outputs.reshape(n, -1)),
        targets=tgt.detach().numpy().copy() if not torch.is_floating_point(tgt) else _numpy(tgt),
        probabilities=None if probabilities is None else _numpy(probabilities),
        smoothed=None if smoothed is None else _numpy(smoothed),
        per_sample=_numpy(per_sample),
        value=value,
        penalty=penalty,
        scale=scale,
        output_delta=_numpy(delta.reshape(outputs.shape[0], -1)),
        explained=explained,
        settings=tuple(settings),
    )


def _per_sample_fallback(adapter: LossAdapter, outputs: torch.Tensor, targets: torch.Tensor, n: int) -> torch.Tensor:
    """ℓₙ of a loss the X-ray does not write out: torch's own with no reduction, summed per sample."""
    module = copy.deepcopy(adapter.loss)
    if hasattr(module, "reduction"):
        setattr(module, "reduction", "none")  # noqa: B010 - torch losses read it at call time
    try:
        with torch.no_grad():
            values = LossAdapter(adapter.name, module, adapter.task, adapter.num_classes)(outputs, targets)
        if values.dim() == 0:
            return torch.full((n,), float(values) / n, dtype=torch.float64)
        return values.double().reshape(n, -1).sum(dim=1)
    except (RuntimeError, ValueError):
        return torch.full((n,), float("nan"), dtype=torch.float64)


def _statistics_trace(
    spec: Experiment,
    trainer: Trainer,
    x64: torch.Tensor,
    xb: torch.Tensor,
    yb: torch.Tensor,
    rng_state: torch.Tensor,
    loss: LossTrace,
    settings: OptimizerSettings,
    l1: float,
    batch: FrozenBatch,
    parameter_count: int,
) -> XrayTrace:
    """Per-layer numbers of the frozen step, measured on the trainer's own model and optimizer
    (which the X-ray owns: nothing else trains them)."""
    model, optimizer = trainer.model, trainer.optimizer
    layers: list[tuple[str, str, nn.Module]] = [(n, type(m).__name__, m) for n, m in model.named_children()]
    if isinstance(model, GraphModule):
        layers = model.layers()
    captured: dict[str, tuple[float, float]] = {}
    hooks = []
    for node_id, _type, module in layers:

        def hook(_module: nn.Module, _inputs: Any, output: Any, key: str = node_id) -> None:
            tensor = output[0] if isinstance(output, (tuple, list)) else output
            if isinstance(tensor, torch.Tensor) and tensor.numel():
                values = tensor.detach().double()
                captured[key] = (float(values.mean()), float(values.std(unbiased=False)))

        hooks.append(module.register_forward_hook(hook))
    loss_fn = trainer.loss.loss if trainer.loss.passthrough else trainer.loss
    weights = [p for p in model.parameters() if p.requires_grad and p.dim() > 1]
    before = {id(p): p.detach().clone() for p in model.parameters()}
    with torch.random.fork_rng(devices=[]):
        torch.set_rng_state(rng_state)
        optimizer.zero_grad(set_to_none=True)
        try:
            value = loss_fn(model(xb), yb)
        finally:
            for handle in hooks:
                handle.remove()
        objective = value + l1 * sum(w.abs().sum() for w in weights) if l1 else value
        objective.backward()
    params = [p for p in model.parameters() if p.requires_grad]
    clipping_spec = trainer.training.gradient_clipping
    clipping = None
    if clipping_spec is not None:
        total = math.sqrt(sum(float(p.grad.double().pow(2).sum()) for p in params if p.grad is not None))
        if clipping_spec.mode == "norm":
            torch.nn.utils.clip_grad_norm_(params, clipping_spec.max_value)
            factor = min(1.0, clipping_spec.max_value / (total + 1e-6))
        else:
            torch.nn.utils.clip_grad_value_(params, clipping_spec.max_value)
            factor = 1.0
        clipping = ClippingTrace(clipping_spec.mode, float(clipping_spec.max_value), total, factor)
    gradients = {id(p): None if p.grad is None else p.grad.detach().double() for p in params}
    for group in optimizer.param_groups:
        group["lr"] = settings.lr
    optimizer.step()
    statistics = []
    for node_id, layer_type, module in layers:
        mean, std = captured.get(node_id, (math.nan, math.nan))
        own = [p for p in module.parameters() if p.requires_grad]
        if own:
            grad_sq = sum(float(g.pow(2).sum()) for p in own if (g := gradients.get(id(p))) is not None)
            weight_sq = sum(float(before[id(p)].double().pow(2).sum()) for p in own)
            update_sq = sum(float((p.detach().double() - before[id(p)].double()).pow(2).sum()) for p in own)
            statistics.append(
                LayerStatistics(
                    node_id,
                    layer_type,
                    sum(int(p.numel()) for p in own),
                    mean,
                    std,
                    math.sqrt(grad_sq),
                    math.sqrt(weight_sq),
                    math.sqrt(update_sq),
                )
            )
        else:
            statistics.append(LayerStatistics(node_id, layer_type, 0, mean, std, None, None, None))
    return XrayTrace(
        kind="statistics",
        batch=batch,
        loss=loss,
        optimizer=settings,
        l1=l1,
        clipping=clipping,
        layers=(),
        statistics=tuple(statistics),
        input_id=_input_id(spec),
        output_id=getattr(model, "output_id", "") or "",
        parameter_count=parameter_count,
        reason=None,
    )
