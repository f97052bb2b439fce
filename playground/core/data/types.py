"""The declared dataset types and the loaded dataset handed to the builder and the trainer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:  # the declarations load without torch (validating a file needs none)
    import torch

from playground.core.errors import DatasetError
from playground.core.i18n import _
from playground.core.params import ParamSpec

Task = Literal["classification", "regression"]
Modality = Literal["points", "features", "image", "sequence", "tokens"]
InputDtype = Literal["float32", "int64"]


@dataclass(frozen=True)
class DatasetType:
    """One dataset the experiment may name: what the format validator, palette and inspector read."""

    name: str  # "xor"
    title: str  # "XOR"
    help: str  # one or two sentences for the GUI
    params: tuple[ParamSpec, ...]
    group: str  # "2-D toy", "1-D toy", "Real data", "Sequences", "Your data"

    @property
    def title_text(self) -> str:
        """The title in the current language."""
        return _(self.title)

    @property
    def help_text(self) -> str:
        """The help in the current language."""
        return _(self.help)

    @property
    def group_text(self) -> str:
        """The group's name in the current language (`group` stays the English key)."""
        return _(self.group)


@dataclass(frozen=True)
class DatasetInfo:
    """What the model builder needs to know about a dataset without touching its tensors."""

    name: str
    task: Task
    modality: Modality
    input_shape: tuple[int, ...]  # per sample, no batch dimension
    input_dtype: InputDtype  # int64 only for token sequences
    num_classes: int | None  # classification only
    class_names: tuple[str, ...]  # () for regression
    target_dim: int | None  # regression: values per target; None for classification
    feature_names: tuple[str, ...]  # columns of points/features; () otherwise
    vocab_size: int | None  # tokens only
    sizes: tuple[int, int, int]  # (n_train, n_val, n_test)
    # an autoencoder's data: the target of each sample is its own (standardised) input, flattened
    target_is_input: bool = False
    # names of the per-sample labels a regression set keeps beside its targets (the digit of each
    # image an autoencoder rebuilds), so views can colour samples by them; () when there are none
    label_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointFeatures:
    """How raw 2-D coordinates become model inputs, so a grid can be pushed through the model.

    The same feature expansion and the same (train-fitted) standardisation as the dataset's rows.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    extent: tuple[float, float]

    def __call__(self, xy: np.ndarray) -> np.ndarray:
        from playground.core.data.toys import expand_features  # lazy: import cycle (types ↔ toys)

        standardised: np.ndarray = (expand_features(xy, self.features) - self.mean) / self.std
        return standardised.astype(np.float32)


@dataclass(eq=False)
class Dataset:
    """A loaded, split and standardised dataset.

    The tensors are shared through the load cache: callers must not modify them in place.
    """

    info: DatasetInfo
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    points_train: np.ndarray | None = None  # raw (N, 2) coordinates of the toy sets, for plotting
    points_val: np.ndarray | None = None
    points_test: np.ndarray | None = None
    point_features: PointFeatures | None = field(default=None, repr=False)
    # per-sample class labels (N,) int64 of a regression set that has them (`info.label_names`)
    labels_train: np.ndarray | None = None
    labels_val: np.ndarray | None = None
    labels_test: np.ndarray | None = None

    def labels(self, split: str) -> np.ndarray | None:
        """The class label of every sample of `split` ("train", "val", "test"): the targets of a
        classification set, the kept labels of a regression set that has them, else None."""
        if self.info.task == "classification":
            targets = getattr(self, f"y_{split}")
            return None if targets is None else targets.detach().cpu().numpy().reshape(-1).astype(np.int64)
        labels: np.ndarray | None = getattr(self, f"labels_{split}")
        return labels

    def features_for_points(self, xy: np.ndarray) -> torch.Tensor:
        """Raw (M, 2) coordinates -> model inputs (M, F), e.g. to draw the decision boundary."""
        if self.point_features is None:
            raise DatasetError(
                _(
                    "dataset {name!r} has no 2-D points; decision boundaries are drawn only for the 2-D toy datasets"
                ).format(name=self.info.name)
            )
        xy = np.asarray(xy, dtype=np.float64)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise DatasetError(
                _("features_for_points expects an (M, 2) array of coordinates, got {shape}").format(shape=xy.shape)
            )
        import torch  # lazy: saves ~2 s (torch) where data is only checked

        return torch.from_numpy(self.point_features(xy))

    def point_range(self) -> tuple[float, float]:
        """The coordinate extent to draw for the toy sets, e.g. (-6.0, 6.0)."""
        if self.point_features is None:
            raise DatasetError(_("dataset {name!r} has no 2-D points to draw").format(name=self.info.name))
        return self.point_features.extent

    def __repr__(self) -> str:
        return f"Dataset({self.info.name!r}, sizes={self.info.sizes}, input_shape={self.info.input_shape})"
