"""Load a dataset named by an experiment's ``data`` section, with a cache.

The same spec always gives bit-identical tensors, so the cache is safe and a re-run (or a
comparison of two models on the same data) does not regenerate or re-read anything. User files
enter the cache key with their modification time and size, so an edited file is read again.
"""

from __future__ import annotations

import functools
import json
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.data.assemble import assemble
from playground.core.data.catalogue import BUILDERS, DATASET_TYPES
from playground.core.data.types import Dataset, DatasetInfo
from playground.core.data.user_files import expand_user_path, fingerprint
from playground.core.data.validation import validate_dataset_params
from playground.core.errors import DatasetError
from playground.core.experiment.schema import DataSpec
from playground.core.i18n import _
from playground.core.memory import describe_machine_memory
from playground.core.params import resolved

_GENERATOR_STREAM = 0  # the split uses stream 1 (see assemble.py)


def _resolve(spec: DataSpec) -> dict[str, Any]:
    clean, problems = validate_dataset_params(spec.dataset, spec.params, "data.params")
    if problems:
        raise DatasetError("; ".join(f"{where}: {message}" for where, message in problems))
    return resolved(DATASET_TYPES[spec.dataset].params, clean)


def _user_file(params: dict[str, Any], base_dir: Path | None) -> str:
    """Fingerprint of the file a user dataset reads ('' for generated and bundled sets).

    Never raises: a path that cannot be used is reported by the loader itself, so that `load_dataset`
    and `describe_dataset` (``playground check``) give the same message.
    """
    raw = params.get("path")
    if not raw:
        return ""
    try:
        return fingerprint(expand_user_path(raw, base_dir))
    except DatasetError:
        return "invalid"


def load_dataset(spec: DataSpec, base_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """Build (or fetch from the cache) the dataset `spec` describes.

    `base_dir` is where relative paths of csv/npz/image_folder start (the experiment's folder).
    The returned tensors are shared with the cache: do not modify them in place.
    """
    params = _resolve(spec)
    folder = str(Path(base_dir).expanduser().resolve()) if base_dir is not None else ""
    key_params = json.dumps(params, sort_keys=True)
    split = (spec.split.train, spec.split.val, spec.split.test)
    return _load_cached(
        spec.dataset, key_params, split, spec.seed, folder, _user_file(params, Path(folder) if folder else None)
    )


@functools.lru_cache(maxsize=8)
def _load_cached(
    name: str, params_json: str, split: tuple[float, float, float], seed: int, folder: str, file_key: str
) -> Dataset:
    params = json.loads(params_json)
    rng = np.random.default_rng([seed, _GENERATOR_STREAM])
    base_dir = Path(folder) if folder else None
    try:
        return assemble(BUILDERS[name](params, rng, base_dir), name, split, seed)
    except DatasetError:
        raise
    except MemoryError as exc:
        raise _out_of_memory(name) from exc
    except RuntimeError as exc:  # torch reports a failed CPU allocation as RuntimeError
        if "allocate" not in str(exc):
            raise
        raise _out_of_memory(name) from exc
    except (OSError, ValueError, EOFError, zlib.error) as exc:  # last resort: say which dataset
        raise DatasetError(_("dataset {name!r} could not be loaded: {reason}").format(name=name, reason=exc)) from exc


def _out_of_memory(name: str) -> DatasetError:
    return DatasetError(
        _(
            "dataset {name!r} does not fit in memory (this machine has {memory}): use fewer "
            "or smaller samples, or close other programs"
        ).format(name=name, memory=describe_machine_memory())
    )


def describe_dataset(spec: DataSpec, base_dir: str | os.PathLike[str] | None = None) -> DatasetInfo:
    """The dataset's shapes, task and sizes (loads it through the cache; all built-in sets are fast)."""
    return load_dataset(spec, base_dir).info


def clear_cache() -> None:
    """Forget cached datasets (tests, or freeing memory)."""
    _load_cached.cache_clear()
