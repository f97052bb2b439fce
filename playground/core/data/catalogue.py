"""Every dataset an experiment may name, in palette order, with the function that loads it."""

from __future__ import annotations

from playground.core.data import bundled, csv_file, image_folder, npz_file, sequences, toys
from playground.core.data.assemble import Builder
from playground.core.data.types import DatasetType

_ENTRIES: tuple[tuple[DatasetType, Builder], ...] = (
    *toys.ENTRIES,
    *bundled.ENTRIES,
    *sequences.ENTRIES,
    csv_file.ENTRY,
    npz_file.ENTRY,
    image_folder.ENTRY,
)

DATASET_TYPES: dict[str, DatasetType] = {declared.name: declared for declared, _ in _ENTRIES}
BUILDERS: dict[str, Builder] = {declared.name: build for declared, build in _ENTRIES}
