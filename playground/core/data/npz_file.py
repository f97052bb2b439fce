"""Load the user's NumPy archive: arrays ``x`` (inputs, any shape) and ``y`` (targets).

Optional arrays ``feature_names`` and ``class_names`` (strings) name the columns and the classes.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from playground.core import memory
from playground.core.data.assemble import RawData, suggested_divisor
from playground.core.data.types import DatasetType, Modality, Task
from playground.core.data.user_files import TASK_PARAM, interpret_target, resolve_user_path
from playground.core.errors import DatasetError
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P

_MODALITY_BY_NDIM: dict[int, Modality] = {2: "features", 3: "sequence"}  # 4 and more: image
_ARRAYS = ("x", "y", "feature_names", "class_names")
_ZIP_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError)
# RuntimeError: an encrypted member; NotImplementedError: a compression method zipfile lacks


@dataclass(frozen=True)
class _Header:
    """What a member's .npy header declares, read before any of its data."""

    member: str
    shape: tuple[int, ...]
    dtype: np.dtype

    @property
    def count(self) -> int:
        return math.prod(self.shape)  # a Python int: a forged shape cannot overflow it

    @property
    def nbytes(self) -> int:
        return self.count * self.dtype.itemsize


def _read(path: Path) -> dict[str, np.ndarray]:
    """The arrays we use, read without pickle; messages say how to save the file instead.

    Every header is read first, so an archive whose arrays would not fit in memory (or a zip bomb,
    whose tiny member declares a huge array) is refused before anything is allocated.
    """
    _check_signature(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _members(archive, path)
            headers = {name: _header(archive, member, name, path) for name, member in members.items()}
            _check_memory(headers, path)
            return {name: _array(archive, header, name, path) for name, header in headers.items()}
    except DatasetError:
        raise
    except _ZIP_ERRORS as exc:
        raise DatasetError(
            _("{file} is not a readable .npz archive ({reason}); save it with numpy.savez").format(
                file=path.name, reason=exc
            )
        ) from exc


def _check_signature(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            magic = handle.read(6)
    except OSError as exc:
        raise DatasetError(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc
    if magic.startswith(b"\x93NUMPY"):
        raise DatasetError(
            _("{file} holds a single array (.npy); save x and y together with numpy.savez(path, x=..., y=...)").format(
                file=path.name
            )
        )
    if not magic.startswith(b"PK"):
        raise DatasetError(
            _("{file} is not an .npz archive; save it with numpy.savez(path, x=..., y=...)").format(file=path.name)
        )


def _members(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Array name -> zip member, as numpy.load names them ("x.npy" or plain "x")."""
    names = archive.namelist()
    members = {name: f"{name}.npy" if f"{name}.npy" in names else name for name in _ARRAYS}
    members = {name: member for name, member in members.items() if member in names}
    missing = [name for name in ("x", "y") if name not in members]
    if missing:
        listed = ", ".join(name[:-4] if name.endswith(".npy") else name for name in names)
        raise DatasetError(
            _(
                "{file} has no array {array!r} (it has: {listed}); "
                "save inputs as x and targets as y: numpy.savez(path, x=..., y=...)"
            ).format(file=path.name, array=missing[0], listed=listed or _("none"))
        )
    return members


def _header(archive: zipfile.ZipFile, member: str, name: str, path: Path) -> _Header:
    """The shape and dtype a member declares; a member that is not a plain .npy array is refused."""
    with archive.open(member) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, _fortran, dtype = np.lib.format.read_array_header_1_0(stream)
            elif version in ((2, 0), (3, 0)):
                shape, _fortran, dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise ValueError(
                    _(".npy format version {major}.{minor} is unknown").format(major=version[0], minor=version[1])
                )
        except (ValueError, TypeError) as exc:
            raise DatasetError(
                _("{file}: {array!r} is not a NumPy array ({reason}); save it with numpy.savez").format(
                    file=path.name, array=name, reason=_first_line(exc)
                )
            ) from exc
    if dtype.hasobject:
        raise DatasetError(
            _(
                "{file}: array {array!r} holds Python objects, which cannot be read safely (that needs pickle); "
                "store plain numeric or string arrays, no Python objects"
            ).format(file=path.name, array=name)
        )
    if any(size < 0 for size in shape):
        raise DatasetError(
            _("{file}: array {array!r} declares the shape {shape}; save it again with numpy.savez").format(
                file=path.name, array=name, shape=shape
            )
        )
    return _Header(member, tuple(shape), dtype)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0]


def bytes_needed(headers: Mapping[str, _Header]) -> int:
    """About the peak memory of reading these arrays, converting x and standardising it in assemble().

    x is read as stored, copied to float32 (images) or float64 (the rest); assemble() then holds that
    copy, the train part and a float64 temporary while fitting mean/std, and later the standardised
    parts beside it. Targets get a few float64 and int64 copies.
    """
    x = headers["x"]
    work = 4 if len(x.shape) >= 4 else 8
    stored = sum(header.nbytes for header in headers.values())
    loading = stored + x.count * work
    assembling = x.count * (2 * work + 8)
    return max(loading, assembling) + headers["y"].count * 32


def _check_memory(headers: Mapping[str, _Header], path: Path) -> None:
    need = bytes_needed(headers)
    if need <= memory.usable_memory_bytes():
        return
    name, biggest = max(headers.items(), key=lambda item: item[1].nbytes)
    shape = " × ".join(f"{size:,}" for size in biggest.shape) or "1"
    raise DatasetError(
        _(
            "{file}: {array} is {shape} {dtype} values; loading and standardising it needs about "
            "{need}, this machine has {memory}: use fewer or smaller samples"
        ).format(
            file=path.name,
            array=name,
            shape=shape,
            dtype=biggest.dtype.name,
            need=memory.format_bytes(need),
            memory=memory.describe_machine_memory(),
        )
    )


def _array(archive: zipfile.ZipFile, header: _Header, name: str, path: Path) -> np.ndarray:
    try:
        with archive.open(header.member) as stream:
            return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError as exc:  # the data ends early or does not match its header
        raise DatasetError(
            _("{file}: array {array!r} is damaged ({reason}); save the file again with numpy.savez").format(
                file=path.name, array=name, reason=_first_line(exc)
            )
        ) from exc


def load_npz(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    path = resolve_user_path(params["path"], base_dir, _("NumPy .npz file"))
    arrays = _read(path)
    x, y = arrays["x"], arrays["y"]
    if x.dtype.kind not in "biuf":
        raise DatasetError(
            _("{file}: array 'x' has dtype {dtype}; inputs must be numbers").format(file=path.name, dtype=x.dtype)
        )
    if x.ndim == 0 or len(x) == 0:
        raise DatasetError(_("{file}: array 'x' is empty; it needs one row per sample").format(file=path.name))
    if x.ndim == 1:
        x = x[:, None]
    if y.ndim == 0 or len(y) != len(x):
        raise DatasetError(
            _("{file}: x has {inputs} samples but y has {targets}; they must match").format(
                file=path.name, inputs=len(x), targets=len(y) if y.ndim else 0
            )
        )
    modality: Modality = _MODALITY_BY_NDIM.get(x.ndim, "image")
    inputs = _as_float(x, np.float32 if modality == "image" else np.float64, path)  # images can be large
    if y.dtype.kind not in "biufUS":
        raise DatasetError(
            _("{file}: array 'y' has dtype {dtype}; targets must be numbers or strings").format(
                file=path.name, dtype=y.dtype
            )
        )
    if y.ndim == 2 and y.shape[1] == 1 and y.dtype.kind in "US":
        y = y[:, 0]
    task: Task
    if "class_names" in arrays and params["task"] != "regression":
        class_names = _given_class_names(arrays["class_names"], y, path)
        targets, task = y.astype(np.int64).reshape(-1), "classification"
    else:
        where = _("{file}: array 'y'").format(file=path.name)
        targets, task, class_names = interpret_target(y, params["task"], where)
    return RawData(
        x=inputs,
        y=targets,
        task=task,
        modality=modality,
        class_names=class_names,
        feature_names=_feature_names(arrays, x, path) if modality == "features" else (),
        scaling="scalar" if modality == "image" else "per_feature",
        source=path.name,
    )


def _as_float(x: np.ndarray, dtype: type[np.floating[Any]], path: Path) -> np.ndarray:
    """x as `dtype`; NaN, infinity, or a value beyond what `dtype` holds, is refused with its name."""
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below, with a message
        converted = x.astype(dtype)
    if np.all(np.isfinite(converted)):
        return converted
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise DatasetError(
            _("{file}: array 'x' contains NaN or infinite values; fill or drop them").format(file=path.name)
        )
    largest = float(np.max(np.abs(x)))
    raise DatasetError(
        _(
            "{file}: array 'x' has values up to {largest:.3g}, more than {dtype} can hold; "
            "rescale the data (e.g. divide by {divisor})"
        ).format(file=path.name, largest=largest, dtype=np.dtype(dtype).name, divisor=suggested_divisor(largest))
    )


def _given_class_names(names: np.ndarray, y: np.ndarray, path: Path) -> tuple[str, ...]:
    """With ``class_names`` present, y holds indices into it."""
    if y.dtype.kind not in "biu" or y.ndim != 1:
        raise DatasetError(
            _("{file}: with class_names given, y must hold integer class indices (N,)").format(file=path.name)
        )
    if y.min() < 0 or y.max() >= len(names):
        raise DatasetError(
            _("{file}: y holds class {label}, but class_names lists {count} classes (indices 0..{last})").format(
                file=path.name,
                label=int(y.max()) if y.max() >= len(names) else int(y.min()),
                count=len(names),
                last=len(names) - 1,
            )
        )
    return tuple(str(name) for name in names.reshape(-1))


def _feature_names(arrays: dict[str, np.ndarray], x: np.ndarray, path: Path) -> tuple[str, ...]:
    names = arrays.get("feature_names")
    if names is None:
        return tuple(f"x{i + 1}" for i in range(x.shape[1]))
    if names.reshape(-1).shape[0] != x.shape[1]:
        raise DatasetError(
            _("{file}: feature_names lists {count} names but x has {columns} columns").format(
                file=path.name, count=names.size, columns=x.shape[1]
            )
        )
    return tuple(str(name) for name in names.reshape(-1))


ENTRY = (
    DatasetType(
        "npz",
        N_("NumPy arrays (.npz)"),
        N_(
            "Your own arrays saved with numpy.savez(path, x=inputs, y=targets): (N, F) features, (N, T, F) "
            "sequences or (N, C, H, W) images."
        ),
        (
            P("path", "str", "", N_("The .npz file; a relative path starts at the experiment's folder.")),
            TASK_PARAM,
        ),
        N_("Your data"),
    ),
    load_npz,
)
