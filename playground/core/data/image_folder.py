"""Load the user's folder of images: one subfolder per class, every image resized to size×size."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import numpy as np

from playground.core import memory
from playground.core.data.assemble import RawData
from playground.core.data.images import IMAGE_SUFFIXES, MAX_IMAGE_BYTES, decode_image
from playground.core.data.types import DatasetType
from playground.core.data.user_files import resolve_user_path
from playground.core.errors import DatasetError
from playground.core.i18n import N_, _, ngettext
from playground.core.params import ParamSpec as P

_LUMA = np.array([0.299, 0.587, 0.114])
_BAND_PIXELS = 500_000  # prepare() converts big images to float this many pixels at a time


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_"))


def class_folders(root: Path) -> list[Path]:
    """The class subfolders in sorted order (their names are the class names)."""
    folders = sorted((p for p in root.iterdir() if p.is_dir() and _visible(p)), key=lambda p: p.name)
    if len(folders) < 2:
        loose = [p.name for p in root.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES]
        if loose:
            message = _(
                "{root} needs one subfolder per class, at least two (found {found}) (it holds {loose} images "
                "directly; move them into class folders): e.g. {name}/cat/*.png and {name}/dog/*.png"
            )
        else:
            message = _(
                "{root} needs one subfolder per class, at least two (found {found}): e.g. "
                "{name}/cat/*.png and {name}/dog/*.png"
            )
        raise DatasetError(message.format(root=root, found=len(folders), loose=len(loose), name=root.name))
    return folders


def _image_files(folder: Path) -> list[Path]:
    files = sorted(
        (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and _visible(p)),
        key=lambda p: str(p.relative_to(folder)),
    )
    if not files:
        raise DatasetError(
            _("class folder {folder} holds no images (.png, .jpg, ...); add some or remove it").format(folder=folder)
        )
    return files


def to_channels(image: np.ndarray, grayscale: bool) -> np.ndarray:
    """uint8 (H, W, 1-4) -> float (H, W, 1 or 3) in 0..255; transparency is laid over white."""
    pixels = image.astype(np.float64)
    if pixels.shape[2] in (2, 4):
        colour, alpha = pixels[:, :, :-1], pixels[:, :, -1:] / 255.0
        pixels = colour * alpha + 255.0 * (1 - alpha)
    if grayscale:
        return pixels if pixels.shape[2] == 1 else (pixels @ _LUMA)[:, :, None]
    return np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels


def resize(image: np.ndarray, size: int) -> np.ndarray:
    """(H, W, C) -> (size, size, C): box-average big reductions first, then bilinear."""
    height, width = image.shape[:2]
    factor_y, factor_x = max(1, height // size), max(1, width // size)
    if factor_y > 1 or factor_x > 1:  # averaging first avoids the aliasing of plain bilinear
        height, width = height // factor_y * factor_y, width // factor_x * factor_x
        image = (
            image[:height, :width]
            .reshape(height // factor_y, factor_y, width // factor_x, factor_x, -1)
            .mean(axis=(1, 3))
        )
        height, width = image.shape[:2]
    if (height, width) == (size, size):
        return image

    def axis(source: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        centres = np.clip((np.arange(size) + 0.5) * source / size - 0.5, 0, source - 1)
        low = np.floor(centres).astype(np.int64)
        high = np.minimum(low + 1, source - 1)
        return low, high, centres - low

    y0, y1, wy = axis(height)
    x0, x1, wx = axis(width)
    rows = image[y0] * (1 - wy)[:, None, None] + image[y1] * wy[:, None, None]
    return cast(np.ndarray, rows[:, x0] * (1 - wx)[None, :, None] + rows[:, x1] * wx[None, :, None])


def prepare(image: np.ndarray, size: int, grayscale: bool) -> np.ndarray:
    """to_channels() then resize(), a band of rows at a time for a big image.

    The same numbers as resize(to_channels(image)) (each box of the reduction lies inside one band),
    but a 16-megapixel photo never exists whole as float64, which would cost up to 1.4 GB.
    """
    height, width = image.shape[:2]
    factor_y, factor_x = max(1, height // size), max(1, width // size)
    if height * width <= _BAND_PIXELS or (factor_y == 1 and factor_x == 1):
        return resize(to_channels(image, grayscale), size)
    height, width = height // factor_y * factor_y, width // factor_x * factor_x
    image = image[:height, :width]  # the rows and columns resize() leaves out of its boxes
    band = factor_y * max(1, _BAND_PIXELS // (factor_y * width))
    reduced = [
        _box_average(to_channels(image[top : top + band], grayscale), factor_y, factor_x)
        for top in range(0, height, band)
    ]
    return resize(np.concatenate(reduced), size)  # now less than 2×size: only the bilinear step is left


def _box_average(image: np.ndarray, factor_y: int, factor_x: int) -> np.ndarray:
    height, width = image.shape[:2]
    return cast(
        np.ndarray, image.reshape(height // factor_y, factor_y, width // factor_x, factor_x, -1).mean(axis=(1, 3))
    )


def bytes_needed(images: int, channels: int, size: int) -> int:
    """About the peak memory of an image folder: the float32 images twice (the list, then the stacked
    array), or in assemble() the array, the train part and a float64 temporary; plus one image being
    decoded."""
    values = images * channels * size * size
    return values * 16 + MAX_IMAGE_BYTES


def _check_memory(root: Path, count: int, size: int, grayscale: bool) -> None:
    channels = 1 if grayscale else 3
    need = bytes_needed(count, channels, size)
    if need <= memory.usable_memory_bytes():
        return
    images = ngettext(
        "{folder}: {count:,} images of {size} × {size} pixels × {channels} channel",
        "{folder}: {count:,} images of {size} × {size} pixels × {channels} channels",
        channels,
    ).format(folder=root.name, count=count, size=size, channels=channels)
    if grayscale:
        advice = _(
            "{images}; loading and standardising them needs about {need}, this machine has {memory}: "
            "use fewer images, or a smaller size"
        )
    else:
        advice = _(
            "{images}; loading and standardising them needs about {need}, this machine has {memory}: "
            "use fewer images, or a smaller size or grayscale"
        )
    raise DatasetError(
        advice.format(images=images, need=memory.format_bytes(need), memory=memory.describe_machine_memory())
    )


def load_image_folder(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    root = resolve_user_path(params["path"], base_dir, _("image folder"), want_dir=True)
    size, grayscale = params["size"], params["grayscale"]
    folders = class_folders(root)
    files = [(label, file) for label, folder in enumerate(folders) for file in _image_files(folder)]
    _check_memory(root, len(files), size, grayscale)  # before decoding a single image
    images = [prepare(decode_image(file), size, grayscale).astype(np.float32) for _label, file in files]
    x = np.stack(images).transpose(0, 3, 1, 2)  # (N, C, H, W)
    return RawData(
        x=x,
        y=np.array([label for label, _file in files], np.int64),
        task="classification",
        modality="image",
        class_names=tuple(folder.name for folder in folders),
        scaling="scalar",
        source=root.name,
    )


ENTRY = (
    DatasetType(
        "image_folder",
        N_("Image folder"),
        N_(
            "Your own pictures, one subfolder per class (the folder names become the class names); every "
            "image is resized to size×size."
        ),
        (
            P("path", "str", "", N_("The folder that holds one subfolder per class.")),
            P("size", "int", 28, N_("Images are resized to size×size pixels."), minimum=4, maximum=256),
            P("grayscale", "bool", True, N_("Convert to one grey channel (otherwise three RGB channels).")),
        ),
        N_("Your data"),
    ),
    load_image_folder,
)
