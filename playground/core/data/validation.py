"""Checking a dataset's parameters against its declaration: no loader, no torch, no experiment
module, so the experiment's validation imports it at the top."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playground.core.data.catalogue import DATASET_TYPES
from playground.core.i18n import _
from playground.core.params import validate_params


def validate_dataset_params(
    name: str, params: Mapping[str, Any] | None, path: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Check dataset params; `path` is the JSON path of the params object (``data.params``).

    An unknown dataset is reported at the sibling ``dataset`` key.
    """
    declared = DATASET_TYPES.get(name)
    if declared is None:
        name_path = path.rsplit(".", 1)[0] + ".dataset" if "." in path else "dataset"
        message = _("unknown dataset {name!r} (available: {names})").format(name=name, names=", ".join(DATASET_TYPES))
        return {}, [(name_path, message)]
    return validate_params(declared.params, params, path)
