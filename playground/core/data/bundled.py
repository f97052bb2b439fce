"""Real datasets shipped with the app: UCI digits (8x8), a 5,000-image MNIST subset and iris.

The files are compressed .npz of uint8 made by ``resources/datasets/make_bundled.py``; see
``resources/datasets/LICENSES.md`` for their sources and licences. Nothing is downloaded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.data.assemble import Builder, RawData
from playground.core.data.types import DatasetType
from playground.core.errors import DatasetError
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P
from playground.core.resources import resource_path

DIGIT_NAMES = tuple(str(d) for d in range(10))
# The English words iris.npz names its species and measurements with, marked for translation
# (label_text() says them in the current language; the file keeps the English).
IRIS_LABELS = (
    N_("setosa"),
    N_("versicolor"),
    N_("virginica"),
    N_("sepal length (cm)"),
    N_("sepal width (cm)"),
    N_("petal length (cm)"),
    N_("petal width (cm)"),
)


def read_bundled(file_name: str) -> dict[str, np.ndarray]:
    """All arrays of a bundled .npz file (never pickled objects)."""
    path = resource_path("datasets", file_name)
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except FileNotFoundError as exc:
        raise DatasetError(
            _("bundled dataset file {path} is missing: reinstall the playground or restore resources/datasets").format(
                path=path
            )
        ) from exc
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DatasetError(
            _("bundled dataset file {path} is damaged ({reason}): reinstall the playground").format(
                path=path, reason=exc
            )
        ) from exc


def _balanced_subset(labels: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` indices drawn at random with the classes as equal as possible (MNIST's file is sorted)."""
    order = rng.permutation(len(labels))
    rank = np.empty(len(labels), np.int64)
    for label in np.unique(labels):
        members = order[labels[order] == label]
        rank[members] = np.arange(len(members))
    position = np.empty(len(labels), np.int64)
    position[order] = np.arange(len(labels))
    chosen = np.lexsort((position, rank))[:count]  # round robin over classes, random within each
    return np.sort(chosen)


def _images(file_name: str) -> Builder:
    def build(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
        arrays = read_bundled(file_name)
        x, y = arrays["x"], arrays["y"].astype(np.int64)
        if "samples" in params and params["samples"] < len(x):
            keep = _balanced_subset(y, params["samples"], rng)
            x, y = x[keep], y[keep]
        return RawData(
            x=x[:, None, :, :].astype(np.float32),
            y=y,
            task="classification",
            modality="image",
            class_names=tuple(str(name) for name in arrays["class_names"]),
            scaling="scalar",
        )

    return build


def _autoencoder(file_name: str) -> Builder:
    """The images of a bundled set as an autoencoder's data: each target is the image itself
    (flattened, standardised as the input is), the digits kept as labels to colour the codes by."""
    images = _images(file_name)

    def build(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
        raw = images(params, rng, base_dir)
        return RawData(
            x=raw.x,
            y=raw.x.reshape(len(raw.x), -1),  # only its shape is read: assemble() sets the targets
            task="regression",
            modality="image",
            scaling="scalar",
            target_is_input=True,
            labels=raw.y,
            label_names=raw.class_names,
        )

    return build


def _iris(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    arrays = read_bundled("iris.npz")
    return RawData(
        x=arrays["x"].astype(np.float64) * float(arrays["x_scale"]),
        y=arrays["y"].astype(np.int64),
        task="classification",
        modality="features",
        class_names=tuple(str(name) for name in arrays["class_names"]),
        feature_names=tuple(str(name) for name in arrays["feature_names"]),
        scaling="per_feature",
    )


# How many of the bundled 5,000 MNIST images to use (the classifier and the autoencoder read the same file).
_MNIST_SAMPLES = P(
    "samples", "int", 5000, N_("Use this many images (balanced over the digits)."), minimum=100, maximum=5000
)


ENTRIES: tuple[tuple[DatasetType, Builder], ...] = (
    (
        DatasetType(
            "digits",
            N_("Digits 8×8"),
            N_("1,797 handwritten digits as 8×8 grey images (UCI): small enough to train a CNN in seconds."),
            (),
            N_("Real data"),
        ),
        _images("digits.npz"),
    ),
    (
        DatasetType(
            "mnist",
            N_("MNIST (5,000)"),
            N_(
                "5,000 handwritten digits as 28×28 grey images, 500 of each: the classic CNN benchmark, "
                "in a size that trains on a laptop."
            ),
            (_MNIST_SAMPLES,),
            N_("Real data"),
        ),
        _images("mnist_5k.npz"),
    ),
    (
        DatasetType(
            "digits_autoencoder",
            N_("Digits 8×8, rebuilt"),
            N_(
                "The 1,797 UCI digits with each image as its own target (64 pixel values): for an "
                "autoencoder, which squeezes the image through a few numbers and rebuilds it."
            ),
            (),
            N_("Real data"),
        ),
        _autoencoder("digits.npz"),
    ),
    (
        DatasetType(
            "mnist_autoencoder",
            N_("MNIST (5,000), rebuilt"),
            N_(
                "The 5,000 MNIST digits with each image as its own target (784 pixel values): for an "
                "autoencoder, which squeezes the image through a few numbers and rebuilds it."
            ),
            (_MNIST_SAMPLES,),
            N_("Real data"),
        ),
        _autoencoder("mnist_5k.npz"),
    ),
    (
        DatasetType(
            "iris",
            N_("Iris flowers"),
            N_("150 iris flowers, 4 measurements each, 3 species: a first tabular classifier."),
            (),
            N_("Real data"),
        ),
        _iris,
    ),
)
