"""Datasets: 2-D toys, bundled real data, generated sequences and the user's own files.

Everything is offline: generated on the fly or read from ``resources/datasets``. Each dataset is
split by a seeded permutation and standardised with statistics of its train part only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.data.catalogue import DATASET_TYPES, label_text
from playground.core.data.images import decode_image, register_image_decoder
from playground.core.data.types import Dataset, DatasetInfo, DatasetType
from playground.core.data.validation import validate_dataset_params

if TYPE_CHECKING:
    from playground.core.data.loading import clear_cache, describe_dataset, load_dataset

_LOADING = ("clear_cache", "describe_dataset", "load_dataset")


def __getattr__(name: str) -> object:
    """The loading functions come from `loading` on first use: it imports the experiment format
    (and, through the catalogue, torch), which the declarations and their checks do not need."""
    if name in _LOADING:
        from playground.core.data import loading  # lazy: the loaders (and torch) come on first use

        return getattr(loading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DATASET_TYPES",
    "Dataset",
    "DatasetInfo",
    "DatasetType",
    "clear_cache",
    "decode_image",
    "describe_dataset",
    "label_text",
    "load_dataset",
    "register_image_decoder",
    "validate_dataset_params",
]
