"""Every dataset an experiment may name, in palette order, with the function that loads it."""

from __future__ import annotations

from playground.core.data import bundled, csv_file, image_folder, npz_file, sequences, toys
from playground.core.data.assemble import Builder
from playground.core.data.types import DatasetType
from playground.core.i18n import _

_ENTRIES: tuple[tuple[DatasetType, Builder], ...] = (
    *toys.ENTRIES,
    *bundled.ENTRIES,
    *sequences.ENTRIES,
    csv_file.ENTRY,
    npz_file.ENTRY,
    image_folder.ENTRY,
)

DATASET_TYPES: dict[str, DatasetType] = {declared.name: declared for declared, _build in _ENTRIES}
BUILDERS: dict[str, Builder] = {declared.name: build for declared, build in _ENTRIES}

# Class and feature names of the built-in datasets that are English words.
_WORD_LABELS = frozenset((*sequences.WAVE_NAMES, *bundled.IRIS_LABELS, *toys.OUTLIER_LABELS))


def label_text(label: str) -> str:
    """A class or feature name in the current language where a built-in dataset declares it as an
    English word ("sine", "sepal length (cm)"); any other name (the user's own data) as it is.

    `DatasetInfo` keeps the English names: they travel to workers, runs and exported code."""
    return _(label) if label in _WORD_LABELS else label
