"""The data augmentations an experiment may switch on, declared once.

Each one is a field of ``data.augmentation`` (see `schema.Augmentation`, which takes its bounds
from here), with the label, help and unit the inspector shows, the kinds of data it works on, and
the amount a checkbox switches on. The format validator, the run checks (`augmentation_problems`,
called from `training.requirements`), the inspector, the preview and the code exporter all read
these declarations; the tensors are changed by `playground.core.data.augment`. No torch here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from playground.core.i18n import N_, _
from playground.core.params import ParamSpec

IMAGES = ("image",)
VECTORS = ("points", "features")  # one row of numbers per sample

# The kinds of data by their `DatasetInfo.modality`, as a problem names them.
_MODALITY_WORDS = {
    "points": N_("2-D points"),
    "features": N_("feature columns"),
    "image": N_("images"),
    "sequence": N_("sequences"),
    "tokens": N_("token sequences"),
}


@dataclass(frozen=True)
class AugmentationKind:
    """One augmentation: its field (name, type, bounds, help), label, unit and the data it suits."""

    param: ParamSpec  # name = the field of data.augmentation; its default is "off"
    label: str  # the inspector's checkbox ("Rotate")
    modalities: tuple[str, ...]  # the DatasetInfo modalities it works on
    on_value: bool | int | float  # what ticking the checkbox sets
    unit: str = ""  # shown after the amount (" px", "°"); "" for an on/off augmentation

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def label_text(self) -> str:
        """The label in the current language."""
        return _(self.label)

    @property
    def help_text(self) -> str:
        """The help in the current language."""
        return self.param.help_text

    @property
    def unit_text(self) -> str:
        return _(self.unit) if self.unit else ""

    @property
    def has_amount(self) -> bool:
        """An amount beside the checkbox (every augmentation but the mirror)."""
        return self.param.kind != "bool"

    def applies_to(self, modality: str) -> bool:
        return modality in self.modalities


_KINDS = (
    AugmentationKind(
        ParamSpec(
            "flip",
            "bool",
            False,
            N_(
                "Mirror each training image left to right with probability 1/2. Only for pictures whose "
                "mirror image shows the same class (a shoe, a cat); a mirrored digit is no digit."
            ),
        ),
        N_("Mirror left-right"),
        IMAGES,
        True,
    ),
    AugmentationKind(
        ParamSpec(
            "crop_padding",
            "int",
            0,
            N_(
                "Random crop with padding: shift each training image by up to this many pixels up, down, "
                "left or right (the edge pixels fill the gap). 0 = off."
            ),
            minimum=0,
            maximum=16,
        ),
        N_("Shift (pad and crop)"),
        IMAGES,
        1,
        N_(" px"),
    ),
    AugmentationKind(
        ParamSpec(
            "rotation",
            "float",
            0.0,
            N_("Rotate each training image by a random angle of up to plus or minus this many degrees. 0 = off."),
            minimum=0.0,
            maximum=180.0,
        ),
        N_("Rotate"),
        IMAGES,
        15.0,
        N_("°"),
    ),
    AugmentationKind(
        ParamSpec(
            "noise",
            "float",
            0.0,
            N_(
                "Add Gaussian noise with this standard deviation to every pixel of a training image "
                "(the data is standardised: 1 is the pixels' own spread). 0 = off."
            ),
            minimum=0.0,
            maximum=2.0,
        ),
        N_("Pixel noise"),
        IMAGES,
        0.2,
    ),
    AugmentationKind(
        ParamSpec(
            "jitter",
            "float",
            0.0,
            N_(
                "Move each training sample a little: add Gaussian noise with this standard deviation to "
                "each of its inputs (the data is standardised: 1 is a column's own spread). 0 = off."
            ),
            minimum=0.0,
            maximum=2.0,
        ),
        N_("Jitter"),
        VECTORS,
        0.1,
    ),
)

AUGMENTATIONS: dict[str, AugmentationKind] = {kind.name: kind for kind in _KINDS}


def maximum(name: str) -> float:
    """The largest amount of augmentation `name` (the schema's bound)."""
    bound = AUGMENTATIONS[name].param.maximum
    if bound is None:  # pragma: no cover - every amount above declares one
        raise ValueError(name)
    return bound


def kinds_for(modality: str) -> list[AugmentationKind]:
    """The augmentations that work on data of `modality`, in the inspector's order."""
    return [kind for kind in _KINDS if kind.applies_to(modality)]


def active_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The augmentations switched on in `values` (a dumped ``data.augmentation``), by field."""
    return {name: values[name] for name in AUGMENTATIONS if values.get(name)}


def modality_text(modality: str) -> str:
    """The kind of data, as a problem names it, in the current language ("2-D points")."""
    word = _MODALITY_WORDS.get(modality)
    return _(word) if word else modality


def augmentation_problems(
    values: Mapping[str, Any], dataset: str, modality: str, input_shape: Sequence[int]
) -> list[tuple[str, str]]:
    """(JSON path, message) for every augmentation switched on that cannot work on this data: one
    for another kind of data, or a shift that moves the pictures out of view."""
    problems = []
    for name in active_settings(values):
        kind = AUGMENTATIONS[name]
        path = f"data.augmentation.{name}"
        if not kind.applies_to(modality):
            if kind.modalities == IMAGES:
                message = _(
                    "'{setting}' changes images, but the dataset {dataset!r} holds {kind}: turn it off "
                    "(Data ▸ Augmentation), or choose an image dataset"
                )
            else:
                message = _(
                    "'{setting}' moves points and feature values, but the dataset {dataset!r} holds {kind}: "
                    "turn it off (Data ▸ Augmentation); for images use pixel noise"
                )
            problems.append(
                (path, message.format(setting=kind.label_text, dataset=dataset, kind=modality_text(modality)))
            )
            continue
        if name == "crop_padding" and len(input_shape) >= 2:
            height, width = int(input_shape[-2]), int(input_shape[-1])
            limit = max(1, min(height, width) // 4)
            if int(values[name]) > limit:
                problems.append(
                    (
                        path,
                        _(
                            "shifting {height}×{width} images by up to {padding} pixels moves much of each "
                            "picture out of view: use at most {limit}"
                        ).format(height=height, width=width, padding=values[name], limit=limit),
                    )
                )
    return problems
