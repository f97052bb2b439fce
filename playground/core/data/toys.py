"""The 2-D toy datasets of TensorFlow Playground (plus moons and imbalanced blobs), with its
feature columns, and a 1-D curve with outliers for comparing regression losses.

Coordinates lie roughly in [-6, 6] like TF Playground's; `noise` is its 0-50 % slider as a
fraction. Class 1 is TF Playground's "+1" (blue), class 0 its "-1" (orange).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.data.assemble import Builder, RawData
from playground.core.data.types import DatasetType
from playground.core.i18n import N_
from playground.core.params import ParamSpec as P

EXTENT = (-6.0, 6.0)

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_sq": lambda x1, x2: x1 * x1,
    "x2_sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}


def expand_features(xy: np.ndarray, features: tuple[str, ...] | list[str]) -> np.ndarray:
    """Raw (M, 2) coordinates -> the chosen feature columns (M, F), in the order given."""
    x1, x2 = xy[:, 0], xy[:, 1]
    return np.stack([FEATURES[name](x1, x2) for name in features], axis=1).astype(np.float64)


SAMPLES = P("samples", "int", 400, N_("How many points to generate (all splits together)."), minimum=10, maximum=5000)
NOISE = P(
    "noise",
    "float",
    0.0,
    N_("Scatter added to the points, as a fraction (TF Playground's 0-50 %)."),
    minimum=0.0,
    maximum=0.5,
)
FEATURE_PARAM = P(
    "features",
    "multi_choice",
    ["x1", "x2"],
    N_("Input columns computed from the coordinates (x1, x2, their squares, product and sines)."),
    choices=tuple(FEATURES),
)
CLASSES = P("classes", "int", 2, N_("Number of classes."), minimum=2, maximum=5)


def _counts(total: int, parts: int) -> list[int]:
    """Split `total` samples into `parts` near-equal class counts."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _circle(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    radius, noise = 5.0, params["noise"]
    n_in, n_out = _counts(params["samples"], 2)
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)])
    angle = rng.uniform(0, 2 * np.pi, n_in + n_out)
    xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-radius, radius, xy.shape) * noise
    # TF Playground labels by where the noisy point falls but plots the clean point.
    labels = (np.hypot(*(xy + jitter).T) < radius * 0.5).astype(np.int64)
    return xy, labels


def _xor(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n, noise, padding = params["samples"], params["noise"], 0.3
    xy = rng.uniform(-5, 5, (n, 2))
    xy += np.where(xy > 0, padding, -padding)
    jitter = rng.uniform(-5, 5, (n, 2)) * noise
    noisy = xy + jitter
    labels = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)
    return xy, labels


def _gauss(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    k = params["classes"]
    variance = 0.5 + params["noise"] / 0.5 * 3.5  # TF Playground: noise 0..50 % -> variance 0.5..4
    angles = np.pi / 4 + 2 * np.pi * np.arange(k) / k  # two classes: centres (2, 2) and (-2, -2)
    centres = 2 * np.sqrt(2) * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    labels = np.concatenate([np.full(c, i, np.int64) for i, c in enumerate(_counts(params["samples"], k))])
    if k == 2:
        labels = 1 - labels  # class 1 (TF's +1) is the blob at (2, 2)
        centres = centres[::-1]
    xy = centres[labels] + rng.normal(0, np.sqrt(variance), (len(labels), 2))
    return xy, labels


def _spiral(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    k, noise = params["classes"], params["noise"]
    xys, labels = [], []
    for arm, count in enumerate(_counts(params["samples"], k)):
        i = np.arange(count)
        r = i / max(count, 1) * 5
        t = 1.75 * i / max(count, 1) * 2 * np.pi + 2 * np.pi * arm / k
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + rng.uniform(-1, 1, (count, 2)) * noise
        xys.append(xy)
        labels.append(np.full(count, arm, np.int64))
    labels_all = np.concatenate(labels)
    if k == 2:
        labels_all = 1 - labels_all  # TF Playground: the arm starting at angle 0 is +1
    return np.concatenate(xys), labels_all


def _moons(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_upper, n_lower = _counts(params["samples"], 2)
    t_upper = rng.uniform(0, np.pi, n_upper)
    t_lower = rng.uniform(0, np.pi, n_lower)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    xy = np.concatenate([upper, lower]) + rng.normal(0, params["noise"], (n_upper + n_lower, 2))
    xy = (xy - [0.5, 0.25]) * 3.0  # centre the pair and scale it to the [-6, 6] canvas
    labels = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n_lower, np.int64)])
    return xy, labels


def _uniform_with_noise(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n, radius = params["samples"], 6.0
    xy = rng.uniform(-radius, radius, (n, 2))
    return xy, xy + rng.uniform(-radius, radius, (n, 2)) * params["noise"]


def _plane(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    xy, noisy = _uniform_with_noise(params, rng)
    return xy, ((noisy[:, 0] + noisy[:, 1]) / 10.0)[:, None]


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], float)


def _multi_gauss(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    xy, noisy = _uniform_with_noise(params, rng)
    distance = np.hypot(noisy[:, None, 0] - _BUMPS[:, 0], noisy[:, None, 1] - _BUMPS[:, 1])
    values = _BUMPS[:, 2] * np.clip(1 - distance / 2, 0, 1)  # each bump falls from ±1 to 0 at distance 2
    strongest = np.abs(values).argmax(axis=1)
    return xy, values[np.arange(len(xy)), strongest][:, None]


GATES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "nand": lambda a, b: 1 - (a & b),
    "nor": lambda a, b: 1 - (a | b),
    "xor": lambda a, b: a ^ b,
}
GATE = P("gate", "choice", "and", N_("The logic gate whose truth table labels the four corners."), choices=tuple(GATES))


def _logic(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around the four corners (±3, ±3) that stand for the inputs 0/1 of a gate."""
    bits = rng.integers(0, 2, (params["samples"], 2))
    xy = np.where(bits == 1, 3.0, -3.0) + rng.normal(0.0, 0.4 + 4.0 * params["noise"], bits.shape)
    labels = GATES[params["gate"]](bits[:, 0], bits[:, 1]).astype(np.int64)
    return xy, labels


def class_counts(total: int, classes: int, minority: float) -> list[int]:
    """Samples per class of the imbalanced blobs: the rare classes share `minority` of `total`
    (near-equal parts, at least one sample each where there are enough), class 0 has the rest."""
    rare = min(max(int(round(total * minority)), classes - 1), total - 1) if total >= classes else 0
    return [total - rare, *_counts(rare, classes - 1)]


def _imbalanced(params: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs like `gauss`, but class 0 has most of the points and the others are rare."""
    k = params["classes"]
    variance = 0.5 + params["noise"] / 0.5 * 3.5
    angles = np.pi + np.pi / 4 + 2 * np.pi * np.arange(k) / k  # two classes: class 0 at (-2, -2)
    centres = 2 * np.sqrt(2) * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    counts = class_counts(params["samples"], k, params["minority"])
    labels = rng.permutation(np.concatenate([np.full(c, i, np.int64) for i, c in enumerate(counts)]))
    xy = centres[labels] + rng.normal(0, np.sqrt(variance), (len(labels), 2))
    return xy, labels


CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sine": np.sin,
    "line": lambda x: 0.5 * x,
}
CURVE_RANGE = (-3.0, 3.0)  # x of the curve with outliers
OUTLIER_JUMP = (3.0, 6.0)  # how far above the curve an outlier lands
OUTLIER_LABELS = (N_("inlier"), N_("outlier"))  # kept per sample, so views can mark the outliers


def _outliers(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    """y = curve(x) + noise; a share of the points jumps far above the curve (one side only, as a
    faulty sensor would), so a loss that squares errors is pulled up towards them."""
    n = params["samples"]
    x = rng.uniform(*CURVE_RANGE, n)
    y = CURVES[params["curve"]](x) + rng.normal(0.0, params["noise"], n)
    count = min(n, int(round(n * params["outliers"])))
    chosen = rng.choice(n, count, replace=False)
    y[chosen] += rng.uniform(*OUTLIER_JUMP, count)
    flags = np.zeros(n, np.int64)
    flags[chosen] = 1
    return RawData(
        x=x[:, None],
        y=y[:, None].astype(np.float32),
        task="regression",
        modality="points",
        feature_names=("x",),
        points=x[:, None].astype(np.float32),
        labels=flags,
        label_names=OUTLIER_LABELS,
    )


def _builder(
    generate: Callable[[dict[str, Any], np.random.Generator], tuple[np.ndarray, np.ndarray]], classes: int | None
) -> Builder:
    """Wrap a point generator: apply the feature columns, name the classes."""

    def build(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
        xy, y = generate(params, rng)
        features = tuple(params["features"])
        regression = classes is None
        k: int = params.get("classes", classes) if classes is not None else 0
        return RawData(
            x=expand_features(xy, features),
            y=y.astype(np.float32) if regression else y,
            task="regression" if regression else "classification",
            modality="points",
            class_names=tuple(str(i) for i in range(k)),
            feature_names=features,
            points=xy.astype(np.float32),
            point_features=features,
            point_extent=EXTENT,
        )

    return build


def _declare(name: str, title: str, help_text: str, classes: bool = False) -> DatasetType:
    params = (SAMPLES, NOISE) + ((CLASSES,) if classes else ()) + (FEATURE_PARAM,)
    return DatasetType(name, title, help_text, params, N_("2-D toy"))


ENTRIES: tuple[tuple[DatasetType, Builder], ...] = (
    (
        _declare(
            "circle",
            N_("Circle"),
            N_(
                "One class inside a ring of the other: a straight line cannot separate "
                "them, but x1² and x2² (or a hidden layer) can."
            ),
        ),
        _builder(_circle, 2),
    ),
    (
        _declare(
            "xor",
            N_("XOR"),
            N_(
                "Class by the sign of x1·x2: the classic problem a single neuron cannot solve and one hidden layer can."
            ),
        ),
        _builder(_xor, 2),
    ),
    (
        _declare(
            "gauss",
            N_("Gaussian blobs"),
            N_(
                "Blobs of points around separate centres: nearly linearly "
                "separable, the easiest start. Noise widens the blobs until they overlap."
            ),
            classes=True,
        ),
        _builder(_gauss, 2),
    ),
    (
        _declare(
            "spiral",
            N_("Spiral"),
            N_("Interleaved spiral arms: needs several layers or sin features; the hardest of the toys."),
            classes=True,
        ),
        _builder(_spiral, 2),
    ),
    (
        _declare(
            "moons",
            N_("Two moons"),
            N_("Two interlocking half circles: a curved boundary that a small hidden layer learns."),
        ),
        _builder(_moons, 2),
    ),
    (
        DatasetType(
            "logic",
            N_("Logic gate"),
            N_(
                "Noisy copies of a two-input truth table (AND, OR, NAND, NOR, XOR): "
                "a single neuron learns AND and OR, a straight line never separates XOR."
            ),
            (P("samples", "int", 200, SAMPLES.help, minimum=4, maximum=5000), NOISE, GATE, FEATURE_PARAM),
            N_("2-D toy"),
        ),
        _builder(_logic, 2),
    ),
    (
        DatasetType(
            "imbalanced",
            N_("Imbalanced blobs"),
            N_(
                "Overlapping Gaussian blobs where class 0 has most of the points and the other classes are "
                "rare: accuracy looks fine while the rare class is missed."
            ),
            (
                SAMPLES,
                P("noise", "float", 0.2, NOISE.help, minimum=0.0, maximum=0.5),
                CLASSES,
                P(
                    "minority",
                    "float",
                    0.1,
                    N_("Share of the points in the rare classes, all together (the rest is class 0)."),
                    minimum=0.01,
                    maximum=0.5,
                ),
                FEATURE_PARAM,
            ),
            N_("2-D toy"),
        ),
        _builder(_imbalanced, 2),
    ),
    (
        _declare(
            "plane",
            N_("Plane (regression)"),
            N_("Predict (x1 + x2) / 10: a linear function that a single linear neuron fits."),
        ),
        _builder(_plane, None),
    ),
    (
        _declare(
            "multi_gauss",
            N_("Multi Gaussian (regression)"),
            N_("Predict the height of six positive and negative bumps: a non-linear surface."),
        ),
        _builder(_multi_gauss, None),
    ),
    (
        DatasetType(
            "outliers",
            N_("Curve with outliers (regression)"),
            N_(
                "Predict y from x on a sine (or a line), where a share of the points lies far above the "
                "curve: compare how MSE, MAE and Huber losses let the outliers pull the fit."
            ),
            (
                P("samples", "int", 200, SAMPLES.help, minimum=10, maximum=5000),
                P(
                    "noise",
                    "float",
                    0.1,
                    N_("Standard deviation of the Gaussian noise added to y."),
                    minimum=0.0,
                    maximum=1.0,
                ),
                P(
                    "outliers",
                    "float",
                    0.15,
                    N_("Share of the points moved far above the curve."),
                    minimum=0.0,
                    maximum=0.5,
                ),
                P("curve", "choice", "sine", N_("The clean curve: y = sin(x) or y = x / 2."), choices=tuple(CURVES)),
            ),
            N_("1-D toy"),
        ),
        _outliers,
    ),
)
