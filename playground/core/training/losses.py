"""Loss functions: build the torch loss an experiment names and adapt targets to it.

Datasets give classification targets as class indices (int64, shape (N,)) and regression
targets as float32 (N, D). Some losses want something else (BCE wants float probabilities,
KL divergence wants log-probabilities against a distribution), so each loss is wrapped in a
`LossAdapter` that converts outputs and targets once, in one place, for training and evaluation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from playground.core.catalogue.training import DEFAULT_LOSS, EMBEDDING_LOSSES, LOSSES
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


class BatchTripletLoss(nn.Module):
    """Triplet margin loss over triplets drawn inside each batch from the class labels.

    The model outputs an embedding (N, D). Every sample whose class has another member in the
    batch, and which has a sample of another class beside it, is an anchor: it gets a random
    positive (another sample of its class) and a random negative (a sample of another class), and
    pays max(0, d(anchor, positive) - d(anchor, negative) + margin) (`F.triplet_margin_loss`). A
    batch without a valid triplet costs exactly zero.

    The draws are seeded by the batch itself (its labels and the embeddings' bits) and `seed`, not
    by a random stream: the same run draws the same triplets every time, and an evaluation or a
    live view computing this loss on the side never shifts the triplets training draws next.
    """

    def __init__(
        self, margin: float = 1.0, p: float = 2.0, swap: bool = False, reduction: str = "mean", seed: int = 0
    ) -> None:
        super().__init__()
        self.margin = float(margin)
        self.p = float(p)
        self.swap = bool(swap)
        self.reduction = reduction
        self.seed = int(seed)

    @staticmethod
    def sample_triplets(
        labels: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(anchors, positives, negatives): index tensors (on the CPU) of one triplet per valid anchor."""
        labels = labels.reshape(-1).long().cpu()
        n = labels.numel()
        _, classes, counts = torch.unique(labels, return_inverse=True, return_counts=True)
        order = torch.argsort(classes, stable=True)  # the batch's indices grouped by class
        starts = torch.cumsum(counts, 0) - counts  # where each class's group begins in `order`
        rank = torch.empty(n, dtype=torch.long)
        rank[order] = torch.arange(n) - starts[classes[order]]  # each sample's place in its group
        size = counts[classes]
        anchors = torch.nonzero((size >= 2) & (size < n)).reshape(-1)
        draws = torch.rand(2, n, generator=generator, dtype=torch.float64)[:, anchors]
        group, start, own = size[anchors], starts[classes[anchors]], rank[anchors]
        pick = torch.minimum((draws[0] * (group - 1)).long(), group - 2)  # one of the others ...
        pick = pick + (pick >= own).long()  # ... skipping the anchor itself
        other = torch.minimum((draws[1] * (n - group)).long(), n - group - 1)  # outside the group
        other = other + (other >= start).long() * group
        return anchors, order[start + pick], order[other]

    def batch_seed(self, embeddings: torch.Tensor, labels: torch.Tensor) -> int:
        """A seed made from the batch's bits (without overflow: every term stays below 2**53)."""
        bits = embeddings.detach().float().cpu().contiguous().view(torch.int32).reshape(-1).long()
        values = torch.cat([bits, labels.detach().reshape(-1).long().cpu()]).remainder(65521)
        weights = torch.arange(values.numel()).remainder(65519) + 1
        return int((values * weights).sum()) * 1000003 + self.seed

    def forward(self, embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        embeddings = embeddings.reshape(embeddings.shape[0], -1)
        generator = torch.Generator().manual_seed(self.batch_seed(embeddings, labels) % 2**62)
        anchors, positives, negatives = (
            index.to(embeddings.device) for index in self.sample_triplets(labels, generator)
        )
        if anchors.numel() == 0:
            return embeddings[:0].sum()  # zero, still part of the graph (no NaN, no triplet)
        return F.triplet_margin_loss(
            embeddings[anchors],
            embeddings[positives],
            embeddings[negatives],
            margin=self.margin,
            p=self.p,
            swap=self.swap,
            reduction=self.reduction,
        )


def nearest_centroid_predictions(
    embeddings: torch.Tensor, labels: torch.Tensor, num_classes: int | None = None
) -> torch.Tensor:
    """The class of each sample by the nearest class centroid (Euclidean) of the *other* samples.

    Leave-one-out: a sample's own class centroid is taken without it, so no sample is classified
    with its own label; a class with no other member cannot be chosen.
    """
    e = embeddings.detach().reshape(embeddings.shape[0], -1).double()
    y = labels.reshape(-1).long().to(e.device)
    n = e.shape[0]
    k = max(int(num_classes or 0), int(y.max()) + 1 if n else 1)
    sums = torch.zeros(k, e.shape[1], dtype=e.dtype, device=e.device).index_add_(0, y, e)
    counts = torch.bincount(y, minlength=k).to(e.dtype)
    centroids = sums / counts.clamp_min(1).unsqueeze(1)
    distances = ((e.unsqueeze(1) - centroids.unsqueeze(0)) ** 2).sum(dim=2)
    distances[:, counts == 0] = math.inf
    others = counts[y] - 1
    own = (sums[y] - e) / others.clamp_min(1).unsqueeze(1)
    own_distance = ((e - own) ** 2).sum(dim=1)
    distances[torch.arange(n, device=e.device), y] = torch.where(others > 0, own_distance, math.inf)
    return distances.argmin(dim=1)


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

    @property
    def embedding(self) -> bool:
        """True when the model outputs an embedding (triplet loss), not one score per class."""
        return self.name in EMBEDDING_LOSSES

    def predictions(self, outputs: torch.Tensor, targets: torch.Tensor | None = None) -> torch.Tensor:
        """Class indices predicted by classification outputs. An embedding has no class scores: its
        classes are those of the nearest centroid of the other samples, so it needs `targets`."""
        if self.embedding:
            if targets is None:
                raise ValueError(f"{self.name} outputs an embedding: its predictions need the samples' labels")
            return nearest_centroid_predictions(outputs, targets, self.num_classes)
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
    elif name == "TripletMarginLoss":
        loss = BatchTripletLoss(**kwargs)
    else:
        loss = getattr(nn, name)(**kwargs)
    return LossAdapter(name, loss, task, num_classes)
