"""What the loaders of user files share: finding the file and reading the target column."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

from playground.core.errors import DatasetError
from playground.core.params import ParamSpec as P

MAX_AUTO_CLASSES = 20  # "auto": a whole-number target with at most this many values is a class label
MAX_CLASSES = 1000

TASK_PARAM = P(
    "task", "choice", "auto",
    "classification or regression; auto = classification for text or at most 20 distinct whole numbers.",
    choices=("auto", "classification", "regression"),
)


def resolve_user_path(raw: str, base_dir: Path | None, what: str, want_dir: bool = False) -> Path:
    """The absolute path named by ``data.params.path``; relative paths start at `base_dir`."""
    if not raw.strip():
        raise DatasetError(f"data.params.path is empty: choose the {what} to load")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = (Path(base_dir) if base_dir is not None else Path.cwd()) / path
    where = f" (data.params.path {raw!r}, relative to {base_dir})" if not Path(raw).is_absolute() else ""
    if not path.exists():
        raise DatasetError(f"{what} not found: {path}{where}; check data.params.path")
    if want_dir and not path.is_dir():
        raise DatasetError(f"{path} is a file, but data.params.path must name a folder for {what}")
    if not want_dir and path.is_dir():
        raise DatasetError(f"{path} is a folder, but data.params.path must name a {what}")
    return path


def fingerprint(path: Path) -> str:
    """Changes when the file or the files under a folder change, so the load cache never goes stale."""
    try:
        if path.is_dir():
            entries = sorted(
                (str(p.relative_to(path)), p.stat().st_mtime_ns, p.stat().st_size)
                for p in path.rglob("*") if p.is_file()
            )
            return hashlib.sha1(repr(entries).encode()).hexdigest()
        stat = path.stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}"
    except (OSError, ValueError):  # unreadable or an invalid name: the loader reports it properly
        return "missing"


def _class_name(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def interpret_target(
    values: np.ndarray,
    task: str,
    where: str,
    text_samples: Sequence[str] | None = None,
) -> tuple[np.ndarray, Literal["classification", "regression"], tuple[str, ...]]:
    """Turn target values (numbers, or strings when `values` has a text dtype) into labels or targets.

    Returns (y, task, class_names): int64 class indices with sorted class names, or float32 (N, k)
    regression targets with no names. `where` names the column or array in messages.
    """
    if values.dtype.kind in "US":
        if task == "regression":
            example = next(iter(text_samples or values.tolist()), "")
            raise DatasetError(
                f"{where} holds text (e.g. {example!r}), which cannot be a regression target: "
                "choose task 'classification' or a numeric target"
            )
        names, labels = np.unique(values.astype(str), return_inverse=True)
        return _classes(labels, tuple(str(n) for n in names), where)

    numbers = values.astype(np.float64)
    if not np.all(np.isfinite(numbers)):
        raise DatasetError(f"{where} contains NaN or infinite values: remove or fill those rows")
    if task == "auto":
        whole = numbers.ndim == 1 and np.all(numbers == np.round(numbers))
        task = "classification" if whole and len(np.unique(numbers)) <= MAX_AUTO_CLASSES else "regression"
    if task == "regression":
        y = numbers.reshape(len(numbers), -1).astype(np.float32)
        return y, "regression", ()
    if numbers.ndim != 1:
        raise DatasetError(
            f"{where} has shape {values.shape}; class labels must be one value per sample (N,)"
        )
    distinct, labels = np.unique(numbers, return_inverse=True)
    if len(distinct) > MAX_CLASSES:
        raise DatasetError(
            f"{where} has {len(distinct)} distinct values, too many for classification: choose task 'regression'"
        )
    return _classes(labels, tuple(_class_name(v) for v in distinct), where)


def _classes(
    labels: np.ndarray, names: tuple[str, ...], where: str
) -> tuple[np.ndarray, Literal["classification"], tuple[str, ...]]:
    if not names:
        raise DatasetError(f"{where} is empty: the dataset has no samples")
    if len(names) < 2:
        raise DatasetError(f"{where} has only one class ({names[0]!r}); classification needs at least two")
    return labels.astype(np.int64).reshape(-1), "classification", names
