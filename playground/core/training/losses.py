"""Loss functions: build the torch loss an experiment names and adapt targets to it.

Datasets give classification targets as class indices (int64, shape (N,)) and regression
targets as float32 (N, D). Some losses want something else (BCE wants float probabilities,
KL divergence wants log-probabilities against a distribution), so each loss is wrapped in a
`LossAdapter` that converts outputs and targets once, in one place, for training and evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from playground.core.catalogue.training import DEFAULT_LOSS, LOSSES
from playground.core.errors import ExperimentError, Problem
from playground.core.i18n import _
from playground.core.params import resolved
from playground.core.training.requirements import loss_problems


def default_loss_for_task(task: str) -> str:
    """The loss a new experiment gets for a dataset's task (cross-entropy or mean squared error)."""
    return DEFAULT_LOSS.get(task, "MSELoss")


class FocalLoss(nn.Module):
    """Focal loss (Lin et al. 2017): cross-entropy scaled by (1 - p_t)^gamma.

    Easy, confidently right examples contribute almost nothing, so training concentrates on
    hard and rare ones. With one output per sample it is the sigmoid (binary) form; with K
    outputs the softmax form. `alpha` weights class 1 (and 1 - alpha class 0) for two classes
    and scales every term when there are more.
    """

    def __init__(self, gamma: float = 2.0, alpha: float | None = None, reduction: str = "mean") -> None:
        super().__init__()
        self.gamma = float(gamma)
        self.alpha = None if alpha is None else float(alpha)
        self.reduction = reduction

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if logits.dim() == 1 or logits.shape[-1] == 1:
            logits = logits.reshape(-1)
            target_f = target.reshape(-1).to(logits.dtype)
            ce = F.binary_cross_entropy_with_logits(logits, target_f, reduction="none")
            prob = torch.sigmoid(logits)
            p_t = prob * target_f + (1 - prob) * (1 - target_f)
            is_one: torch.Tensor | None = target_f
        else:
            ce = F.cross_entropy(logits, target, reduction="none")
            p_t = torch.exp(-ce)
            is_one = (target == 1).to(logits.dtype) if logits.shape[-1] == 2 else None
        loss = (1 - p_t).pow(self.gamma) * ce
        if self.alpha is not None:
            if is_one is None:
                loss = self.alpha * loss
            else:
                loss = (self.alpha * is_one + (1 - self.alpha) * (1 - is_one)) * loss
        if self.reduction == "sum":
            return loss.sum()
        return loss.mean()


class LossAdapter:
    """A torch loss plus the conversions between the model output, the dataset target and it.

    `kind` says which family the loss belongs to, so metrics know how to read outputs (argmax,
    sign of a single logit, or values).
    """

    def __init__(self, name: str, loss: nn.Module, task: str, num_classes: int | None) -> None:
        self.name = name
        self.loss = loss
        self.task = task
        self.num_classes = num_classes

    def __call__(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        value: torch.Tensor = self.loss(*self.prepare(outputs, targets))
        return value

    @property
    def passthrough(self) -> bool:
        """True when model outputs and dataset targets go to the torch loss unchanged, so the hot
        loop may call the torch loss directly."""
        return self.name in ("CrossEntropyLoss", "FocalLoss")

    def prepare(self, outputs: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Reshape/convert so that `self.loss(outputs, targets)` is what the name promises."""
        name = self.name
        if name == "BCEWithLogitsLoss":
            if outputs.dim() == 2 and outputs.shape[1] > 1 and targets.dim() == 1:
                targets = F.one_hot(targets, outputs.shape[1]).to(outputs.dtype)
            else:
                targets = targets.reshape(outputs.shape).to(outputs.dtype)
            return outputs, targets
        if name == "KLDivLoss":
            log_probs = F.log_softmax(outputs, dim=-1)
            if targets.dim() == 1:
                targets = F.one_hot(targets, outputs.shape[-1]).to(outputs.dtype)
            return log_probs, targets
        if self.task == "regression" and targets.dim() == 2 and outputs.dim() == 1:
            outputs = outputs.unsqueeze(1)
        return outputs, targets

    def predictions(self, outputs: torch.Tensor) -> torch.Tensor:
        """Class indices predicted by classification outputs."""
        if outputs.dim() == 1 or outputs.shape[-1] == 1:
            return (outputs.reshape(-1) > 0).long()
        return outputs.argmax(dim=-1)


def _loss_problem(message: str) -> ExperimentError:
    return ExperimentError(Problem("training.loss", message))


def build_loss(name: str, params: Mapping[str, Any] | None, task: str, num_classes: int | None = None) -> LossAdapter:
    """Construct the named loss with its declared defaults filled in."""
    if name not in LOSSES:
        known = ", ".join(LOSSES)
        raise _loss_problem(_("unknown loss {name} (known: {known})").format(name=repr(name), known=known))
    spec = LOSSES[name]
    problems = loss_problems(name, params, task, num_classes)
    if problems:
        raise ExperimentError([Problem(path, message) for path, message in problems])
    kwargs = resolved(spec.params, params)
    if name == "CrossEntropyLoss":
        weight = kwargs.pop("weight")
        if weight is not None:
            kwargs["weight"] = torch.tensor(weight, dtype=torch.float32)
        loss: nn.Module = nn.CrossEntropyLoss(**kwargs)
    elif name == "BCEWithLogitsLoss":
        pos_weight = kwargs.pop("pos_weight")
        if pos_weight is not None:
            kwargs["pos_weight"] = torch.tensor([pos_weight], dtype=torch.float32)
        loss = nn.BCEWithLogitsLoss(**kwargs)
    elif name == "FocalLoss":
        loss = FocalLoss(**kwargs)
    else:
        loss = getattr(nn, name)(**kwargs)
    return LossAdapter(name, loss, task, num_classes)
