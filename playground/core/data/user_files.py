"""What the loaders of user files share: finding the file and reading the target column."""

from __future__ import annotations

import errno
import hashlib
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from playground.core.data.assemble import suggested_divisor
from playground.core.errors import DatasetError
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P

MAX_AUTO_CLASSES = 20  # "auto": a whole-number target with at most this many values is a class label
MAX_CLASSES = 1000
_MAX_TARGET = float(np.sqrt(np.finfo(np.float32).max))  # larger targets make the squared error infinite

TASK_PARAM = P(
    "task",
    "choice",
    "auto",
    N_("classification or regression; auto = classification for text or at most 20 distinct whole numbers."),
    choices=("auto", "classification", "regression"),
)


def expand_user_path(raw: str, base_dir: Path | None) -> Path:
    """`raw` with ~ expanded, made absolute at `base_dir`; any path problem is a DatasetError."""
    if "\x00" in raw:  # the OS would raise ValueError at the first stat
        raise DatasetError(
            _(
                "data.params.path {path!r} contains a NUL character (\\0), which no file name can hold; retype the path"
            ).format(path=raw)
        )
    try:
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = (Path(base_dir) if base_dir is not None else Path.cwd()) / path
    except RuntimeError as exc:  # ~name of an unknown user, or no home folder at all
        head = re.split(r"[\\/]", raw.strip(), maxsplit=1)[0]
        if head == "~":
            message = _(
                "data.params.path {path!r} starts with {head}, but on this machine there is no home folder "
                "(HOME is not set); write the full path instead"
            )
        else:
            message = _(
                "data.params.path {path!r} starts with {head}, but on this machine there is no user {user!r}; "
                "write the full path instead"
            )
        raise DatasetError(message.format(path=raw, head=head, user=head[1:])) from exc
    except OSError as exc:  # the current folder was deleted
        raise DatasetError(
            _("data.params.path {path!r} cannot be used ({reason}); write the full path").format(
                path=raw, reason=exc.strerror or exc
            )
        ) from exc
    return path


def resolve_user_path(raw: str, base_dir: Path | None, what: str, want_dir: bool = False) -> Path:
    """The absolute path named by ``data.params.path``; relative paths start at `base_dir`."""
    if not raw.strip():
        raise DatasetError(_("data.params.path is empty: choose the {what} to load").format(what=what))
    path = expand_user_path(raw, base_dir)
    relative = not Path(raw).is_absolute() and not raw.startswith("~")
    where = ""
    if relative:
        where = _(" (data.params.path {path}, relative to {folder})").format(path=_short(repr(raw)), folder=base_dir)
    is_dir = _stat_is_dir(path, raw, what, where)
    if want_dir and not is_dir:
        raise DatasetError(
            _("{path} is a file, but data.params.path must name a folder for {what}").format(path=path, what=what)
        )
    if not want_dir and is_dir:
        raise DatasetError(
            _("{path} is a folder, but data.params.path must name a {what}").format(path=path, what=what)
        )
    return path


def _stat_is_dir(path: Path, raw: str, what: str, where: str) -> bool:
    """Whether `path` is a folder; a missing, unreachable or unnamable path is a DatasetError."""
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise DatasetError(
            _("{what} not found: {path}{where}; check data.params.path").format(
                what=what, path=_short(path), where=where
            )
        ) from exc
    except PermissionError as exc:
        raise DatasetError(
            _(
                "{what} {path} cannot be reached: permission denied{where}; check the permissions of the file "
                "and its folders, or choose another data.params.path"
            ).format(what=what, path=_short(path), where=where)
        ) from exc
    except OSError as exc:
        reasons = {
            errno.ENAMETOOLONG: N_(
                "the path in data.params.path, or one of its names, is too long for this system; shorten it"
            ),
            errno.ELOOP: N_("it is a loop of symbolic links; point data.params.path at the real file"),
        }
        known = reasons.get(exc.errno or 0)
        if known:
            reason = _(known)
        else:
            reason = _("{reason}; check data.params.path").format(reason=exc.strerror or exc)
        raise DatasetError(
            _("{what} {path} cannot be used{where}: {reason}").format(
                what=what, path=_short(path), where=where, reason=reason
            )
        ) from exc
    except ValueError as exc:  # a name the OS cannot represent
        raise DatasetError(
            _("data.params.path {path!r} is not a valid path ({reason}); retype it").format(path=raw, reason=exc)
        ) from exc


def _short(path: Path | str, limit: int = 120) -> str:
    """A path cut to `limit` characters, so a 5,000-character name does not flood the message."""
    text = str(path)
    return text if len(text) <= limit else f"{text[: limit // 2]}…{text[-limit // 2 :]}"


def fingerprint(path: Path) -> str:
    """Changes when the file or the files under a folder change, so the load cache never goes stale."""
    try:
        if path.is_dir():
            entries = sorted(
                (str(p.relative_to(path)), p.stat().st_mtime_ns, p.stat().st_size)
                for p in path.rglob("*")
                if p.is_file()
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
                _(
                    "{where} holds text (e.g. {example!r}), which cannot be a regression target: "
                    "choose task 'classification' or a numeric target"
                ).format(where=where, example=example)
            )
        names, labels = np.unique(values.astype(str), return_inverse=True)
        return _classes(labels, tuple(str(n) for n in names), where)

    numbers = values.astype(np.float64)
    if not np.all(np.isfinite(numbers)):
        raise DatasetError(_("{where} contains NaN or infinite values: remove or fill those rows").format(where=where))
    if task == "auto":
        whole = numbers.ndim == 1 and np.all(numbers == np.round(numbers))
        task = "classification" if whole and len(np.unique(numbers)) <= MAX_AUTO_CLASSES else "regression"
    if task == "regression":
        _check_target_size(numbers, where)
        return numbers.reshape(len(numbers), -1).astype(np.float32), "regression", ()
    if numbers.ndim != 1:
        raise DatasetError(
            _("{where} has shape {shape}; class labels must be one value per sample (N,)").format(
                where=where, shape=values.shape
            )
        )
    distinct, labels = np.unique(numbers, return_inverse=True)
    if len(distinct) > MAX_CLASSES:
        raise DatasetError(
            _("{where} has {count} distinct values, too many for classification: choose task 'regression'").format(
                where=where, count=len(distinct)
            )
        )
    return _classes(labels, tuple(_class_name(v) for v in distinct), where)


def _check_target_size(numbers: np.ndarray, where: str) -> None:
    """Refuse regression targets whose squared error overflows float32 (about 1.8e19) in training.

    Training would otherwise see an infinite loss at once and blame the learning rate.
    """
    largest = float(np.max(np.abs(numbers), initial=0.0))
    if largest > _MAX_TARGET:
        raise DatasetError(
            _(
                "{where} has values up to {largest:.3g}; their squared error overflows 32-bit floats in training, "
                "so rescale the target (e.g. divide by {divisor})"
            ).format(where=where, largest=largest, divisor=suggested_divisor(largest))
        )


def _classes(
    labels: np.ndarray, names: tuple[str, ...], where: str
) -> tuple[np.ndarray, Literal["classification"], tuple[str, ...]]:
    if not names:
        raise DatasetError(_("{where} is empty: the dataset has no samples").format(where=where))
    if len(names) < 2:
        raise DatasetError(
            _("{where} has only one class ({name!r}); classification needs at least two").format(
                where=where, name=names[0]
            )
        )
    return labels.astype(np.int64).reshape(-1), "classification", names
