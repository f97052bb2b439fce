"""Per-epoch training diagnostics that teach: gradient and weight norms, update/weight ratio,
dead ReLU units and saturated sigmoid/tanh units.

They are gathered on one batch per epoch (the last), with forward hooks attached only for that
batch and a handful of fused norm computations, so they are cheap enough to leave on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from playground.core.i18n import _

# "Saturated" means the activation's derivative is below 5 % of its peak.
SIGMOID_LOW, SIGMOID_HIGH = 0.0125, 0.9875  # s(1 - s) < 0.0125
TANH_LIMIT = 0.975  # 1 - t² < 0.05
SOLVED_ACCURACY = 0.95  # validation accuracy from which saturated units are no longer a warning sign
# A layer whose gradient is this many times the norm of its weights (or of 1, for tiny weights) is
# exploding: one step of an ordinary learning rate throws the weights far off. Healthy runs of the
# course's presets stay below 2.
EXPLODING_GRADIENT = 100.0
# Learning has stalled at guessing when the training loss of the last STALLED_EPOCHS epochs stayed
# within STALLED_SHARE of a guess's cross-entropy ln(C) (C classes: what every class at 1/C costs).
STALLED_EPOCHS = 5
STALLED_SHARE = 0.03


@dataclass
class Diagnostics:
    """One epoch's diagnostics as plain data (numpy arrays and floats), safe to hand to a GUI."""

    layers: list[str]  # modules that own parameters, in registration order
    grad_norm: np.ndarray  # L2 norm of each layer's gradient (before clipping)
    weight_norm: np.ndarray  # L2 norm of each layer's parameters after the step
    update_ratio: np.ndarray  # ‖Δw‖ / ‖w‖ of the step: ~1e-3 is healthy, ≫1e-2 too fast
    dead_fraction: dict[str, float] = field(default_factory=dict)  # ReLU: units zero for the whole batch
    saturated_fraction: dict[str, float] = field(default_factory=dict)  # Sigmoid/Tanh outputs near the flat ends
    epoch: int = 0  # the epoch they were gathered in (set by the run that reports them)
    accuracy: float | None = None  # the run's latest validation accuracy then (classification), if known
    recent_losses: list[float] = field(default_factory=list)  # the last epochs' training losses, oldest first
    guess_loss: float | None = None  # ln(C): the cross-entropy of a uniform guess over C classes, if that applies

    @property
    def hints(self) -> list[str]:
        """Plain-language readings of the numbers (computed on demand: most epochs nobody asks)."""
        return diagnostic_hints(self)

    def as_dict(self) -> dict[str, object]:
        return {
            "layers": list(self.layers),
            "grad_norm": [float(v) for v in self.grad_norm],
            "weight_norm": [float(v) for v in self.weight_norm],
            "update_ratio": [float(v) for v in self.update_ratio],
            "dead_fraction": dict(self.dead_fraction),
            "saturated_fraction": dict(self.saturated_fraction),
            "hints": list(self.hints),
            "epoch": self.epoch,
            "accuracy": self.accuracy,
            "recent_losses": list(self.recent_losses),
            "guess_loss": self.guess_loss,
        }


def _activation_kind(module: nn.Module) -> str | None:
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, nn.Tanh):
        return "tanh"
    return None


class DiagnosticsProbe:
    """Collects `Diagnostics` for one batch: `attach()` before its forward pass,
    `after_backward()` after backward, `after_step()` after the optimizer step.

    Every statistic stays a tensor until one `tolist()` at the end, and the norms are fused
    (`torch._foreach_norm`), so a probed batch costs a few dozen microseconds more than another.
    """

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.layers: list[str] = []
        self.params: list[torch.nn.Parameter] = []
        self._owner: list[int] = []  # layer index of each parameter
        for name, module in model.named_modules():
            own = [p for p in module.parameters(recurse=False) if p.requires_grad]
            if own:
                self.layers.append(name or type(module).__name__)
                self.params.extend(own)
                self._owner.extend([len(self.layers) - 1] * len(own))
        self.activations = [
            (name, module, kind)
            for name, module in model.named_modules()
            if (kind := _activation_kind(module)) is not None
        ]
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._activation_stats: list[tuple[str, str, torch.Tensor]] = []
        self._grad_norms: list[torch.Tensor] = []
        self._before: list[torch.Tensor] = []
        self._member: np.ndarray | None = None

    # ---- the batch protocol ----------------------------------------------------------------
    def attach(self) -> None:
        self._activation_stats = []
        for name, module, kind in self.activations:
            self._handles.append(module.register_forward_hook(self._make_hook(name, kind)))

    def _make_hook(self, name: str, kind: str) -> Callable[[nn.Module, object, torch.Tensor], None]:
        def hook(_module: nn.Module, _inputs: object, output: torch.Tensor) -> None:
            if not isinstance(output, torch.Tensor) or output.dim() == 0 or output.numel() == 0:
                return
            out = output.detach()
            if kind == "relu":
                alive = (out > 0).any(dim=0) if out.dim() > 1 else (out > 0).any().reshape(1)
                stat = 1.0 - torch.count_nonzero(alive) / alive.numel()
            elif kind == "sigmoid":
                stat = torch.count_nonzero((out - 0.5).abs() > (SIGMOID_HIGH - 0.5)) / out.numel()
            else:
                stat = torch.count_nonzero(out.abs() > TANH_LIMIT) / out.numel()
            self._activation_stats.append((name, kind, stat))

        return hook

    def detach(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def after_backward(self) -> None:
        """Gradient norms (before any clipping) and a copy of the weights before the step."""
        self.detach()
        if not self.params:
            return
        with torch.no_grad():
            grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.params]
            self._grad_norms = list(torch._foreach_norm(grads))
            self._before = [p.clone() for p in self.params]

    def after_step(self) -> Diagnostics:
        count, n = len(self.layers), len(self.params) if self._before else 0
        stats = [stat for _, _, stat in self._activation_stats]
        if n:
            with torch.no_grad():
                # now minus the update: same norm. The stub takes list[Tensor] (invariant), not a list of Parameters
                torch._foreach_sub_(self._before, self.params)  # type: ignore[arg-type]
                norms = list(torch._foreach_norm(self.params + self._before)) + self._grad_norms
            values = _to_floats(norms + stats)
            squares = np.square(np.asarray(values[: 3 * n], dtype=np.float64)).reshape(3, n)
            per_layer = np.sqrt(squares @ self._membership().T)  # rows: weight, update, gradient
            weight_norm, update_norm, grad_norm = per_layer
            update_ratio = update_norm / np.maximum(weight_norm, 1e-12)
        else:
            values = _to_floats(stats)
            weight_norm = update_ratio = grad_norm = np.zeros(count)
        dead: dict[str, float] = {}
        saturated: dict[str, float] = {}
        for (name, kind, _stat), value in zip(self._activation_stats, values[3 * n :]):
            (dead if kind == "relu" else saturated)[name] = value
        self._before, self._grad_norms, self._activation_stats = [], [], []
        return Diagnostics(list(self.layers), grad_norm, weight_norm, update_ratio, dead, saturated)

    def _membership(self) -> np.ndarray:
        """(layers, parameters) 0/1 matrix: which parameter belongs to which layer."""
        if self._member is None:
            self._member = np.zeros((len(self.layers), len(self.params)))
            self._member[self._owner, np.arange(len(self.params))] = 1.0
        return self._member


def _to_floats(scalars: list[torch.Tensor]) -> list[float]:
    """Many 0-d tensors to Python floats with one stack and one transfer."""
    if not scalars:
        return []
    if any(t.dtype != torch.float32 for t in scalars):
        scalars = [t.float() for t in scalars]
    return torch.stack(scalars).tolist()


def _exploding_hint(diag: Diagnostics) -> list[str]:
    """The hint for gradients that are huge in themselves: the norm of a layer's gradient far above
    the norm of its weights. Every layer may get the same huge gradient (a deep stack that
    amplifies its signal forwards and its gradient backwards), which the first/last ratio misses."""
    grads, weights = diag.grad_norm, diag.weight_norm
    if not len(grads) or len(weights) != len(grads) or not np.all(np.isfinite(grads)):
        return []
    scale = grads / np.maximum(np.nan_to_num(weights, nan=1.0, posinf=1.0), 1.0)
    worst = int(np.argmax(scale))
    if scale[worst] <= EXPLODING_GRADIENT:
        return []
    return [
        _(
            "Exploding gradients: the gradient of {layer} has norm {norm}, {ratio} times the norm of its "
            "weights, so one step can throw the weights far off. Try gradient clipping, normalisation "
            "layers (BatchNorm, LayerNorm), a smaller initialisation or a lower learning rate."
        ).format(layer=diag.layers[worst], norm=f"{float(grads[worst]):.1e}", ratio=f"{float(scale[worst]):.0f}")
    ]


def guess_loss(task: str, num_classes: int | None, loss_type: str, distilled: bool = False) -> float | None:
    """ln(C), what a uniform guess over C classes costs, where the training loss is a plain
    cross-entropy (a focal loss or a distillation term costs a guess something else)."""
    if task != "classification" or not num_classes or num_classes < 2 or loss_type != "CrossEntropyLoss":
        return None
    return None if distilled else math.log(num_classes)


def _stalled_hint(diag: Diagnostics) -> list[str]:
    """The hint for a network that does not learn at all: its training loss has stayed at what a
    uniform guess costs for several epochs, however healthy each layer's numbers look."""
    guess, losses = diag.guess_loss, diag.recent_losses[-STALLED_EPOCHS:]
    if guess is None or guess <= 0 or len(losses) < STALLED_EPOCHS or not all(map(math.isfinite, losses)):
        return []
    if max(abs(loss - guess) for loss in losses) > STALLED_SHARE * guess:
        return []
    return [
        _(
            "Not learning: for {epochs} epochs the training loss has stayed at {loss}, what guessing every "
            "class with the same probability costs (ln {classes} = {guess}). The signal or the gradient does "
            "not get through: try He initialisation, normalisation layers, a different learning rate or fewer "
            "layers."
        ).format(
            epochs=len(losses),
            loss=f"{losses[-1]:.3f}",
            classes=round(math.exp(guess)),
            guess=f"{guess:.3f}",
        )
    ]


def diagnostic_hints(diag: Diagnostics) -> list[str]:
    """Plain-language readings of the numbers, for the panel beside the plots (in the current language)."""
    hints: list[str] = _stalled_hint(diag)
    grads = diag.grad_norm
    exploding = False  # the first/last ratio said so already
    if len(grads) >= 3 and np.all(np.isfinite(grads)) and grads[-1] > 0:
        ratio = grads[0] / grads[-1]
        if ratio < 1e-3:
            uses_relu = bool(diag.dead_fraction) and not diag.saturated_fraction
            if uses_relu:
                hint = _(
                    "Vanishing gradients: the first layer ({layer}) gets {ratio} times the gradient of the last; "
                    "it barely learns. Try He initialisation, normalisation layers or residual connections."
                )
            else:
                hint = _(
                    "Vanishing gradients: the first layer ({layer}) gets {ratio} times the gradient of the last; "
                    "it barely learns. Try ReLU activations, He initialisation, normalisation layers or residual "
                    "connections."
                )
            hints.append(hint.format(layer=diag.layers[0], ratio=f"{ratio:.1e}"))
        elif ratio > 1e3:
            exploding = True
            hints.append(
                _(
                    "Exploding gradients: the first layer ({layer}) gets {ratio} times the gradient of the last. "
                    "Try gradient clipping or a lower learning rate."
                ).format(layer=diag.layers[0], ratio=f"{ratio:.1e}")
            )
    if not exploding:
        hints.extend(_exploding_hint(diag))
    for name, share in diag.dead_fraction.items():
        if share >= 0.5:
            hints.append(
                _(
                    "{share} of the units after {name} are dead (zero for every sample): try a lower "
                    "learning rate, LeakyReLU, or He initialisation."
                ).format(share=f"{share:.0%}", name=name)
            )
    solved = diag.accuracy is not None and diag.accuracy >= SOLVED_ACCURACY
    for name, share in diag.saturated_fraction.items():
        if share >= 0.5 and not solved:  # saturated units of a network that already solves its task are fine
            hints.append(
                _(
                    "{share} of the outputs of {name} are saturated (flat ends of the curve), so their "
                    "gradients are nearly zero: try ReLU, normalised inputs or smaller initial weights."
                ).format(share=f"{share:.0%}", name=name)
            )
    ratios = diag.update_ratio
    if len(ratios) and np.all(np.isfinite(ratios)) and float(np.max(ratios)) > 0.1:
        worst = diag.layers[int(np.argmax(ratios))]
        hints.append(
            _(
                "Each step changes the weights of {layer} by {share}: the learning "
                "rate is probably too high (about 0.1 % per step is typical)."
            ).format(layer=worst, share=f"{float(np.max(ratios)):.0%}")
        )
    return hints
