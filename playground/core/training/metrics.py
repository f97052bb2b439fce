"""Evaluation metrics: loss, accuracy, MAE, R² and the confusion matrix, as plain floats/arrays.

Evaluation runs the model in eval mode without autograd over a split in large chunks, so
validating every epoch costs little next to training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.core.training.losses import LossAdapter

EVAL_CHUNK = 4096  # samples per forward pass during evaluation


@dataclass
class SplitMetrics:
    """Metrics of one split: classification fills accuracy, regression mae and r2."""

    loss: float
    accuracy: float | None = None
    mae: float | None = None
    r2: float | None = None
    confusion: np.ndarray | None = None  # (K, K) counts, rows true class, columns predicted

    def as_dict(self, prefix: str) -> dict[str, float | None]:
        out: dict[str, float | None] = {f"{prefix}_loss": self.loss}
        if self.accuracy is not None:
            out[f"{prefix}_accuracy"] = self.accuracy
        if self.mae is not None:
            out[f"{prefix}_mae"] = self.mae
        if self.r2 is not None:
            out[f"{prefix}_r2"] = self.r2
        return out


def confusion_matrix(true: torch.Tensor, predicted: torch.Tensor, num_classes: int) -> np.ndarray:
    """(K, K) int64 counts; rows are the true class, columns the predicted one."""
    index = true.reshape(-1).long() * num_classes + predicted.reshape(-1).long()
    counts = torch.bincount(index.cpu(), minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).numpy().astype(np.int64)


def r2_score(outputs: torch.Tensor, targets: torch.Tensor, pooled: bool = False) -> float:
    """Coefficient of determination, averaged uniformly over output columns (as scikit-learn);
    `pooled`: the share of the columns' total variance explained (scikit-learn's
    "variance_weighted"), for columns in one unit such as an image's pixels, where the uniform
    average would be ruled by border pixels that hardly ever change."""
    y = targets.double().reshape(targets.shape[0], -1)
    p = outputs.double().reshape(y.shape)
    ss_res = ((y - p) ** 2).sum(dim=0)
    ss_tot = ((y - y.mean(dim=0)) ** 2).sum(dim=0)
    if pooled:
        ss_res, ss_tot = ss_res.sum().reshape(1), ss_tot.sum().reshape(1)
    scores = torch.where(ss_tot > 0, 1 - ss_res / ss_tot.clamp_min(1e-300), torch.where(ss_res == 0, 1.0, 0.0).double())
    return float(scores.mean())


def predict(model: nn.Module, x: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Model outputs for all of `x`, computed in chunks without autograd, in eval mode."""
    was_training = model.training
    model.eval()
    outputs = []
    with torch.inference_mode():
        for start in range(0, x.shape[0], EVAL_CHUNK):
            chunk = x[start : start + EVAL_CHUNK]
            if chunk.device != device:
                chunk = chunk.to(device, non_blocking=True)
            outputs.append(model(chunk))
    model.train(was_training)
    return torch.cat(outputs) if len(outputs) > 1 else outputs[0]


def evaluate(
    model: nn.Module,
    loss: LossAdapter,
    x: torch.Tensor,
    y: torch.Tensor,
    device: torch.device,
    *,
    with_confusion: bool = False,
) -> SplitMetrics | None:
    """Loss and task metrics of `model` on (x, y); None for an empty split."""
    if x.shape[0] == 0:
        return None
    outputs = predict(model, x, device)
    targets = y.to(device) if y.device != device else y
    with torch.inference_mode():
        value = float(loss(outputs, targets))
        if loss.task == "classification":
            predicted = loss.predictions(outputs, targets)  # an embedding's: nearest centroid of the others
            accuracy = float((predicted == targets.reshape(-1)).double().mean())
            confusion = None
            if with_confusion and loss.num_classes:
                confusion = confusion_matrix(targets, predicted, loss.num_classes)
            return SplitMetrics(value, accuracy=accuracy, confusion=confusion)
        prepared, prepared_targets = loss.prepare(outputs, targets)
        mae = float((prepared.double() - prepared_targets.double()).abs().mean())
        return SplitMetrics(value, mae=mae, r2=r2_score(prepared, prepared_targets, pooled=_rebuilds(x, y)))


def _rebuilds(x: torch.Tensor, y: torch.Tensor) -> bool:
    """True when every target is its sample's own input (an autoencoder's data), one row each."""
    if not x.is_floating_point() or y.dim() != 2 or y.shape[1] < 2 or x[0].numel() != y.shape[1]:
        return False
    return bool(torch.equal(x.reshape(x.shape[0], -1).to(y.device), y))


def finite_or_none(value: float | None) -> float | None:
    """JSON never holds NaN: non-finite numbers become null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
