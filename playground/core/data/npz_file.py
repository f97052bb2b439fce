"""Load the user's NumPy archive: arrays ``x`` (inputs, any shape) and ``y`` (targets).

Optional arrays ``feature_names`` and ``class_names`` (strings) name the columns and the classes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.data.assemble import RawData
from playground.core.data.types import DatasetType, Modality
from playground.core.data.user_files import TASK_PARAM, interpret_target, resolve_user_path
from playground.core.errors import DatasetError
from playground.core.params import ParamSpec as P

_MODALITY_BY_NDIM: dict[int, Modality] = {2: "features", 3: "sequence"}  # 4 and more: image


def _read(path: Path) -> dict[str, np.ndarray]:
    """The arrays we use, read without pickle; messages say how to save the file instead."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(6)
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if magic.startswith(b"\x93NUMPY"):
        raise DatasetError(
            f"{path.name} holds a single array (.npy); save x and y together with numpy.savez(path, x=..., y=...)"
        )
    if not magic.startswith(b"PK"):
        raise DatasetError(f"{path.name} is not an .npz archive; save it with numpy.savez(path, x=..., y=...)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [name for name in ("x", "y") if name not in archive.files]
            if missing:
                raise DatasetError(
                    f"{path.name} has no array {missing[0]!r} (it has: {', '.join(archive.files) or 'none'}); "
                    "save inputs as x and targets as y: numpy.savez(path, x=..., y=...)"
                )
            return {name: archive[name] for name in ("x", "y", "feature_names", "class_names") if name in archive.files}
    except DatasetError:
        raise
    except ValueError as exc:  # object arrays need pickle, which we never load
        raise DatasetError(
            f"{path.name} cannot be read safely ({exc}); store plain numeric or string arrays, no Python objects"
        ) from exc
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DatasetError(f"{path.name} is not a readable .npz archive ({exc}); save it with numpy.savez") from exc


def load_npz(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    path = resolve_user_path(params["path"], base_dir, "NumPy .npz file")
    arrays = _read(path)
    x, y = arrays["x"], arrays["y"]
    if x.dtype.kind not in "biuf":
        raise DatasetError(f"{path.name}: array 'x' has dtype {x.dtype}; inputs must be numbers")
    if x.ndim == 0 or len(x) == 0:
        raise DatasetError(f"{path.name}: array 'x' is empty; it needs one row per sample")
    if x.ndim == 1:
        x = x[:, None]
    if y.ndim == 0 or len(y) != len(x):
        raise DatasetError(
            f"{path.name}: x has {len(x)} samples but y has {len(y) if y.ndim else 0}; they must match"
        )
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise DatasetError(f"{path.name}: array 'x' contains NaN or infinite values; fill or drop them")
    if y.dtype.kind not in "biufUS":
        raise DatasetError(f"{path.name}: array 'y' has dtype {y.dtype}; targets must be numbers or strings")
    if y.ndim == 2 and y.shape[1] == 1 and y.dtype.kind in "US":
        y = y[:, 0]
    if "class_names" in arrays and params["task"] != "regression":
        class_names = _given_class_names(arrays["class_names"], y, path)
        targets, task = y.astype(np.int64).reshape(-1), "classification"
    else:
        targets, task, class_names = interpret_target(y, params["task"], f"{path.name}: array 'y'")
    modality: Modality = _MODALITY_BY_NDIM.get(x.ndim, "image")
    return RawData(
        x=x.astype(np.float32 if modality == "image" else np.float64),  # images can be large
        y=targets,
        task=task,
        modality=modality,
        class_names=class_names,
        feature_names=_feature_names(arrays, x, path) if modality == "features" else (),
        scaling="scalar" if modality == "image" else "per_feature",
    )


def _given_class_names(names: np.ndarray, y: np.ndarray, path: Path) -> tuple[str, ...]:
    """With ``class_names`` present, y holds indices into it."""
    if y.dtype.kind not in "biu" or y.ndim != 1:
        raise DatasetError(f"{path.name}: with class_names given, y must hold integer class indices (N,)")
    if y.min() < 0 or y.max() >= len(names):
        raise DatasetError(
            f"{path.name}: y holds class {int(y.max()) if y.max() >= len(names) else int(y.min())}, but "
            f"class_names lists {len(names)} classes (indices 0..{len(names) - 1})"
        )
    return tuple(str(name) for name in names.reshape(-1))


def _feature_names(arrays: dict[str, np.ndarray], x: np.ndarray, path: Path) -> tuple[str, ...]:
    names = arrays.get("feature_names")
    if names is None:
        return tuple(f"x{i + 1}" for i in range(x.shape[1]))
    if names.reshape(-1).shape[0] != x.shape[1]:
        raise DatasetError(
            f"{path.name}: feature_names lists {names.size} names but x has {x.shape[1]} columns"
        )
    return tuple(str(name) for name in names.reshape(-1))


ENTRY = (
    DatasetType(
        "npz", "NumPy arrays (.npz)",
        "Your own arrays saved with numpy.savez(path, x=inputs, y=targets): (N, F) features, (N, T, F) "
        "sequences or (N, C, H, W) images.",
        (
            P("path", "str", "", "The .npz file; a relative path starts at the experiment's folder."),
            TASK_PARAM,
        ),
        "Your data",
    ),
    load_npz,
)
