"""Turn the raw arrays a loader produced into a split, standardised `Dataset`.

Every dataset goes through here, so the split and the standardisation behave the same everywhere:
a seeded permutation cut by the split fractions, then mean/std fitted on the train part only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from playground.core.data.types import Dataset, DatasetInfo, Modality, PointFeatures, Task
from playground.core.errors import DatasetError
from playground.core.i18n import _

if TYPE_CHECKING:  # torch is imported when a dataset is assembled, not when the catalogue loads:
    import torch  # checking a file (`playground check`, the window's validation) needs no torch

Scaling = Literal["per_feature", "scalar", "none"]
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_SPLIT_STREAM = 1  # the split uses its own random stream, independent of the data generator


@dataclass
class RawData:
    """All samples of a dataset before the split, as a loader returns them."""

    x: np.ndarray  # (N, ...) float or int64 tokens
    y: np.ndarray  # int64 (N,) for classification, float (N, k) for regression
    task: Task
    modality: Modality
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    vocab_size: int | None = None
    scaling: Scaling = "per_feature"
    points: np.ndarray | None = None  # raw 2-D coordinates (toy sets)
    point_features: tuple[str, ...] | None = None  # feature columns built from `points`
    point_extent: tuple[float, float] = (-6.0, 6.0)
    scale_target_like_input: bool = False  # next-value prediction: y lives in x's units
    source: str = ""  # the user's file name, for messages ("" for generated and bundled sets)
    # an autoencoder's data: each target is the sample's own standardised input, flattened (y is
    # then only counted, never read); regression only
    target_is_input: bool = False
    labels: np.ndarray | None = None  # int64 (N,) class of each sample, kept beside regression targets
    label_names: tuple[str, ...] = ()  # the names of those classes


def split_sizes(n: int, fractions: tuple[float, float, float], dataset: str) -> tuple[int, int, int]:
    """Sizes of train/val/test; val and test are rounded, train takes the rest."""
    n_val = int(math.floor(n * fractions[1] + 0.5))
    n_test = int(math.floor(n * fractions[2] + 0.5))
    n_train = n - n_val - n_test
    for part, size, fraction in zip(("train", "val", "test"), (n_train, n_val, n_test), fractions):
        if fraction > 0 and size <= 0:
            raise DatasetError(
                _(
                    "dataset {dataset!r} has only {n} samples, so the {part} part ({fraction:.0%}) would be "
                    "empty: use more samples or a larger {part} share in data.split"
                ).format(dataset=dataset, n=n, part=part, fraction=fraction)
            )
    return n_train, n_val, n_test


def split_indices(
    n: int, fractions: tuple[float, float, float], seed: int, dataset: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A seeded permutation cut into train/val/test index arrays."""
    n_train, n_val, _n_test = split_sizes(n, fractions, dataset)
    order = np.random.default_rng([seed, _SPLIT_STREAM]).permutation(n)
    return order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val :]


def _fit(x_train: np.ndarray, scaling: Scaling) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of the train part: per feature (last axis) or one scalar."""
    if scaling == "per_feature" and x_train.ndim >= 2:
        axes = tuple(range(x_train.ndim - 1))
    else:
        axes = tuple(range(x_train.ndim))
    # Accumulate in float64 without copying the array; train is never empty (split_sizes refuses it).
    mean = x_train.mean(axis=axes, dtype=np.float64)
    std = x_train.std(axis=axes, dtype=np.float64)
    std = np.where(std > 1e-8, std, 1.0)  # a constant column stays put instead of dividing by zero
    return np.asarray(mean), np.asarray(std)


def _tensor(array: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    import torch  # lazy: saves ~2 s (torch) where data is only checked

    return torch.from_numpy(np.ascontiguousarray(array)).to(dtype)


def assemble(raw: RawData, name: str, fractions: tuple[float, float, float], seed: int) -> Dataset:
    """Split, standardise and wrap `raw` as a `Dataset` with its `DatasetInfo`."""
    n = len(raw.x)
    if len(raw.y) != n:
        raise DatasetError(
            _("dataset {name!r}: {inputs} inputs but {targets} targets; they must match").format(
                name=name, inputs=n, targets=len(raw.y)
            )
        )
    parts = split_indices(n, fractions, seed, name)
    tokens = raw.modality == "tokens"
    scaling: Scaling = "none" if tokens else raw.scaling
    work = np.float32 if raw.x.dtype == np.float32 else np.float64  # big image sets stay float32
    x = raw.x if tokens else raw.x.astype(work, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked below, with a message
        mean, std = (np.zeros(()), np.ones(())) if scaling == "none" else _fit(x[parts[0]], scaling)
        shift, scale = mean.astype(work), std.astype(work)
        x_parts = [x[idx] if scaling == "none" else (x[idx] - shift) / scale for idx in parts]
        y_parts = [raw.y[idx] for idx in parts]
        if raw.task == "regression" and raw.scale_target_like_input:
            y_parts = [(y - mean) / std for y in y_parts]

    import torch  # lazy: saves ~2 s (torch) where data is only checked

    x_dtype = torch.int64 if tokens else torch.float32
    y_dtype = torch.int64 if raw.task == "classification" else torch.float32
    x_t = [_tensor(part, x_dtype) for part in x_parts]
    y_t = [_tensor(part, y_dtype) for part in y_parts]
    reconstructs = raw.target_is_input and raw.task == "regression" and not tokens
    if reconstructs:  # the very numbers the model is fed, one row per sample (copies: y never aliases x)
        y_t = [part.reshape(len(part), -1).clone() for part in x_t]
    if not tokens:
        _check_standardised(raw, name, x, (mean, std), x_t + (y_t if raw.scale_target_like_input else []))
    target_dim = int(np.prod(raw.y.shape[1:])) if raw.task == "regression" else None
    if reconstructs:
        target_dim = int(np.prod(raw.x.shape[1:]))
    if target_dim is not None:
        y_t = [y.reshape(len(y), target_dim) for y in y_t]
    sizes = tuple(len(idx) for idx in parts)
    info = DatasetInfo(
        name=name,
        task=raw.task,
        modality=raw.modality,
        input_shape=tuple(int(d) for d in raw.x.shape[1:]),
        input_dtype="int64" if tokens else "float32",
        num_classes=len(raw.class_names) if raw.task == "classification" else None,
        class_names=tuple(raw.class_names) if raw.task == "classification" else (),
        target_dim=target_dim,
        feature_names=tuple(raw.feature_names),
        vocab_size=raw.vocab_size if tokens else None,
        sizes=(sizes[0], sizes[1], sizes[2]),
        target_is_input=reconstructs,
        label_names=tuple(raw.label_names) if raw.labels is not None else (),
    )
    points = [None, None, None] if raw.points is None else [raw.points[idx].copy() for idx in parts]
    labels = [None, None, None]
    if raw.labels is not None:
        kept = np.asarray(raw.labels, dtype=np.int64).reshape(-1)
        if len(kept) != n:
            raise DatasetError(
                _("dataset {name!r}: {inputs} inputs but {labels} labels; they must match").format(
                    name=name, inputs=n, labels=len(kept)
                )
            )
        labels = [kept[idx].copy() for idx in parts]
    point_features = None
    if raw.points is not None and raw.point_features is not None:
        point_features = PointFeatures(tuple(raw.point_features), mean, std, raw.point_extent)
    return Dataset(
        info,
        x_t[0],
        y_t[0],
        x_t[1],
        y_t[1],
        x_t[2],
        y_t[2],
        points[0],
        points[1],
        points[2],
        point_features,
        labels[0],
        labels[1],
        labels[2],
    )


def _check_standardised(
    raw: RawData, name: str, x: np.ndarray, fitted: tuple[np.ndarray, np.ndarray], tensors: list[torch.Tensor]
) -> None:
    """Refuse data whose mean, spread or standardised values overflow (values near 1e308, say).

    Left alone, they become inf or NaN, and training would report a divergence and blame the
    learning rate instead of the data.
    """
    if all(np.all(np.isfinite(a)) for a in fitted) and all(bool(t.isfinite().all()) for t in tensors):
        return
    where, values = _culprit(raw, x, fitted)
    largest = float(np.max(np.abs(values), initial=0.0))
    source = raw.source if raw.source else _("dataset {name!r}").format(name=name)
    raise DatasetError(
        _(
            "{source}: {where} has values up to {largest:.3g}, too large to standardise; rescale the data "
            "(e.g. divide by {divisor})"
        ).format(source=source, where=where, largest=largest, divisor=suggested_divisor(largest))
    )


def _culprit(raw: RawData, x: np.ndarray, fitted: tuple[np.ndarray, np.ndarray]) -> tuple[str, np.ndarray]:
    """The column (per-feature scaling) whose statistics or values overflow, and its values."""
    mean, std = fitted
    if mean.ndim != 1:
        return "x", x
    columns = x.reshape(-1, mean.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        standardised = (columns - mean) / std
    bad = ~(np.isfinite(mean) & np.isfinite(std) & np.all(np.abs(standardised) < _FLOAT32_MAX, axis=0))
    column = int(np.argmax(bad))
    names = raw.feature_names if len(raw.feature_names) == mean.shape[0] else ()
    if names:
        label = _("column {name!r}").format(name=names[column])
    else:
        label = _("feature {number} of {count}").format(number=column + 1, count=mean.shape[0])
    return label, columns[:, column]


def suggested_divisor(largest: float) -> str:
    """A power of ten, as '1e300', that brings `largest` down to about 1e8 (at least 10)."""
    exponent = math.floor(math.log10(largest)) if largest > 0 and math.isfinite(largest) else 308
    return f"1e{max(1, exponent - 8)}"


Builder = Callable[[dict[str, Any], np.random.Generator, Path | None], RawData]
"""A loader: resolved params, the data generator's random stream, the folder for relative paths."""
