"""Datasets: 2-D toys, bundled real data, generated sequences and the user's own files.

Everything is offline: generated on the fly or read from ``resources/datasets``. Each dataset is
split by a seeded permutation and standardised with statistics of its train part only.
"""

from __future__ import annotations

from playground.core.data.catalogue import DATASET_TYPES
from playground.core.data.images import decode_image, register_image_decoder
from playground.core.data.loading import clear_cache, describe_dataset, load_dataset, validate_dataset_params
from playground.core.data.types import Dataset, DatasetInfo, DatasetType

__all__ = [
    "DATASET_TYPES",
    "Dataset",
    "DatasetInfo",
    "DatasetType",
    "clear_cache",
    "decode_image",
    "describe_dataset",
    "load_dataset",
    "register_image_decoder",
    "validate_dataset_params",
]
