"""Read image files without extra packages: a small PNG decoder plus a registry of decoders.

The core decodes PNG itself (zlib + numpy). The app registers a Qt-based decoder for JPEG/BMP
(and PNG) at start-up (``playground.ui.image_decoders``); the core never imports Qt.

A decoder takes a path and returns a uint8 array (H, W, C) with C = 1 (grey), 2 (grey + alpha),
3 (RGB) or 4 (RGBA), or raises DatasetError naming the file.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

import numpy as np

from playground.core.errors import DatasetError
from playground.core.i18n import N_, _
from playground.core.memory import format_bytes

ImageDecoder = Callable[[Path], np.ndarray]

# Suffixes we treat as images: files with other suffixes in an image folder are skipped.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> samples per pixel
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# What one image may cost: a training image is resized to at most 256×256, so even a 16-megapixel
# photo is generous; anything bigger (or a tiny file that declares a huge image) is refused before
# a byte is inflated, instead of allocating gigabytes.
MAX_IMAGE_PIXELS = 16_000_000
MAX_IMAGE_BYTES = 256_000_000  # the peak while decoding: file, inflated rows, unfiltered rows, samples
_COLOUR_NAMES = {0: N_("grey"), 2: "RGB", 3: N_("palette"), 4: N_("grey + alpha"), 6: "RGBA"}


def decode_png(path: Path) -> np.ndarray:
    """Decode a non-interlaced PNG (grey, grey+alpha, RGB, RGBA, palette) to uint8 (H, W, C)."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_IMAGE_BYTES // 2:  # the file and its joined image data are both held while decoding
            raise DatasetError(
                _(
                    "{path} is {size} on disk, more than one training image may use "
                    "({limit}); scale it down or re-save it compressed"
                ).format(path=path, size=format_bytes(size), limit=format_bytes(MAX_IMAGE_BYTES // 2))
            )
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DatasetError(
            _("cannot read image {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from exc
    return decode_png_bytes(data, str(path))


def decode_png_bytes(data: bytes, name: str = "image") -> np.ndarray:
    """Decode PNG bytes; `name` is used in messages."""
    if not data.startswith(_PNG_SIGNATURE):
        raise DatasetError(_("{name} is not a PNG file (wrong signature); re-save it as PNG").format(name=name))
    header, palette, alpha, idat = _read_chunks(data, name)
    width, height, depth, colour, interlace = header
    if interlace:
        raise DatasetError(
            _("{name} is an interlaced PNG, which is not supported; re-save it without interlacing").format(name=name)
        )
    _check_cost(header, alpha is not None, len(data), name)
    channels = _CHANNELS[colour]
    bits_per_pixel = channels * depth
    stride = (width * bits_per_pixel + 7) // 8
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(b"".join(idat), height * (stride + 1))
    except zlib.error as exc:
        raise DatasetError(
            _("{name} is corrupt (compressed data: {reason}); re-save the image").format(name=name, reason=exc)
        ) from exc
    if len(raw) < height * (stride + 1):
        raise DatasetError(
            _("{name} is truncated (image data ends early); re-save or re-copy the file").format(name=name)
        )
    rows = _unfilter(raw, height, stride, max(1, bits_per_pixel // 8), name)
    samples = _unpack(rows, width, channels, depth)
    if colour == 0 and depth < 8:
        samples = (samples.astype(np.uint16) * 255 // ((1 << depth) - 1)).astype(np.uint8)
    if colour == 3:
        return _apply_palette(samples[:, :, 0], palette, alpha, name)
    return samples


def decode_cost(header: tuple[int, int, int, int, int], palette_alpha: bool, file_bytes: int) -> int:
    """About the peak bytes decode_png_bytes() holds for this header: the file and its joined image
    data, the inflated and the unfiltered scanlines, and the sample arrays _unpack() and the
    palette make (8-bit samples are a view, no copy)."""
    width, height, depth, colour, _interlace = header
    channels = _CHANNELS[colour]
    pixels = width * height
    stride = (width * channels * depth + 7) // 8
    extra = 0
    if depth == 16:
        extra = pixels * channels
    elif depth < 8:  # unpackbits, the weighted bits and the sum, then grey's uint16 rescale
        extra = 3 * pixels * depth + pixels + (4 * pixels if colour == 0 else 0)
    if colour == 3:
        extra += pixels * (4 if palette_alpha else 3)
    return 2 * file_bytes + height * (stride + 1) + height * stride + extra


def _check_cost(header: tuple[int, int, int, int, int], palette_alpha: bool, file_bytes: int, name: str) -> None:
    """Refuse an image too big for training before inflating it (a few kB can declare gigabytes)."""
    width, height, depth, colour, _interlace = header
    _check_pixels(width, height, name)
    cost = decode_cost(header, palette_alpha, file_bytes)
    if cost > MAX_IMAGE_BYTES:
        raise DatasetError(
            _(
                "{name} is {width:,} × {height:,} pixels at {depth}-bit {colour}; decoding it needs about "
                "{cost}, more than the {limit} one training image may use: scale it down or save it as 8-bit"
            ).format(
                name=name,
                width=width,
                height=height,
                depth=depth,
                colour=_(_COLOUR_NAMES[colour]),
                cost=format_bytes(cost),
                limit=format_bytes(MAX_IMAGE_BYTES),
            )
        )


def _check_pixels(width: int, height: int, name: str) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise DatasetError(
            _(
                "{name} is {width:,} × {height:,} pixels, more than the {megapixels} megapixels "
                "one training image may have; scale it down (training uses at most 256 × 256 pixels)"
            ).format(name=name, width=width, height=height, megapixels=MAX_IMAGE_PIXELS // 1_000_000)
        )


def _read_chunks(
    data: bytes, name: str
) -> tuple[tuple[int, int, int, int, int], bytes | None, bytes | None, list[memoryview]]:
    """Walk the chunks, checking lengths and CRCs; returns the header, PLTE, tRNS and IDAT parts."""
    position = len(_PNG_SIGNATURE)
    view = memoryview(data)
    header: tuple[int, int, int, int, int] | None = None
    palette: bytes | None = None
    alpha: bytes | None = None
    idat: list[memoryview] = []
    while True:
        if position + 8 > len(data):
            raise DatasetError(_("{name} is truncated (no end chunk); re-save or re-copy the file").format(name=name))
        length, kind = struct.unpack(">I4s", view[position : position + 8])
        body = view[position + 8 : position + 8 + length]  # a view: big chunks are not copied
        crc = view[position + 8 + length : position + 12 + length]
        if len(body) < length or len(crc) < 4:
            raise DatasetError(
                _("{name} is truncated (inside a {chunk!r} chunk); re-save or re-copy the file").format(
                    name=name, chunk=kind.decode("latin-1")
                )
            )
        if zlib.crc32(body, zlib.crc32(kind)) != struct.unpack(">I", crc)[0]:
            raise DatasetError(
                _("{name} is corrupt (checksum of a {chunk!r} chunk); re-save the image").format(
                    name=name, chunk=kind.decode("latin-1")
                )
            )
        position += 12 + length
        if kind == b"IHDR":
            header = _parse_header(bytes(body), name)
        elif kind == b"PLTE":
            palette = bytes(body)
        elif kind == b"tRNS":
            alpha = bytes(body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        elif kind[:1].isupper():
            raise DatasetError(
                _("{name} uses an unknown critical PNG chunk {chunk!r}; re-save it as a plain PNG").format(
                    name=name, chunk=kind
                )
            )
    if header is None or not idat:
        raise DatasetError(_("{name} has no image header or no image data; re-save it as PNG").format(name=name))
    if header[3] == 3 and palette is None:
        raise DatasetError(_("{name} is a palette PNG without a palette; re-save it").format(name=name))
    return header, palette, alpha, idat


def _parse_header(body: bytes, name: str) -> tuple[int, int, int, int, int]:
    if len(body) != 13:
        raise DatasetError(_("{name} has a damaged PNG header; re-save it").format(name=name))
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if colour not in _CHANNELS or depth not in _DEPTHS[colour]:
        raise DatasetError(
            _("{name}: PNG colour type {colour} with bit depth {depth} is not supported; re-save as 8-bit PNG").format(
                name=name, colour=colour, depth=depth
            )
        )
    if compression != 0 or filtering != 0:
        raise DatasetError(
            _("{name} uses a non-standard PNG compression or filter method; re-save it").format(name=name)
        )
    if width == 0 or height == 0:
        raise DatasetError(
            _("{name} declares an image of {width}×{height} pixels; that is not a usable image").format(
                name=name, width=width, height=height
            )
        )
    return width, height, depth, colour, interlace


def _unfilter(raw: bytes, height: int, stride: int, bpp: int, name: str) -> np.ndarray:
    """Undo the per-row PNG filters (None, Sub, Up, Average, Paeth)."""
    scanlines = np.frombuffer(raw, np.uint8, height * (stride + 1)).reshape(height, stride + 1)
    out = np.empty((height, stride), np.uint8)
    previous = np.zeros(stride, np.uint8)
    for r in range(height):
        kind, line = scanlines[r, 0], scanlines[r, 1:]
        if kind == 0:
            row = line
        elif kind == 1:  # Sub: running sum along each byte of the pixel
            row = _sub(line, bpp)
        elif kind == 2:  # Up
            row = line + previous
        elif kind == 3:
            row = _average(line, previous, bpp)
        elif kind == 4:
            row = _paeth(line, previous, bpp)
        else:
            raise DatasetError(
                _("{name} is corrupt (unknown row filter {filter}); re-save the image").format(
                    name=name, filter=int(kind)
                )
            )
        out[r] = row
        previous = out[r]
    return out


def _sub(line: np.ndarray, bpp: int) -> np.ndarray:
    padded = np.zeros(-(-len(line) // bpp) * bpp, np.uint8)
    padded[: len(line)] = line
    return np.cumsum(padded.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)[: len(line)]


def _average(line: np.ndarray, previous: np.ndarray, bpp: int) -> np.ndarray:
    row = bytearray(line.tobytes())
    up = previous.tobytes()
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        row[i] = (row[i] + ((left + up[i]) >> 1)) & 0xFF
    return np.frombuffer(bytes(row), np.uint8)


def _paeth(line: np.ndarray, previous: np.ndarray, bpp: int) -> np.ndarray:
    row = bytearray(line.tobytes())
    up = previous.tobytes()
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = up[i]
        c = up[i - bpp] if i >= bpp else 0
        estimate = a + b - c
        pa, pb, pc = abs(estimate - a), abs(estimate - b), abs(estimate - c)
        predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        row[i] = (row[i] + predictor) & 0xFF
    return np.frombuffer(bytes(row), np.uint8)


def _unpack(rows: np.ndarray, width: int, channels: int, depth: int) -> np.ndarray:
    """Filtered-free scanlines -> uint8 samples (H, W, C); 16-bit keeps the high byte."""
    height = rows.shape[0]
    if depth == 8:
        return rows[:, : width * channels].reshape(height, width, channels)
    if depth == 16:
        return rows[:, : width * channels * 2].reshape(height, width, channels, 2)[..., 0].copy()
    bits = np.unpackbits(rows, axis=1)[:, : width * depth].reshape(height, width, depth)
    weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint8)
    return cast(np.ndarray, (bits * weights).sum(axis=2, dtype=np.uint8)[:, :, None])


def _apply_palette(indices: np.ndarray, palette: bytes | None, alpha: bytes | None, name: str) -> np.ndarray:
    colours = np.frombuffer(palette or b"", np.uint8)
    colours = colours[: len(colours) // 3 * 3].reshape(-1, 3)
    if indices.max(initial=0) >= len(colours):
        raise DatasetError(
            _("{name} is corrupt (a pixel refers past the end of the palette); re-save it").format(name=name)
        )
    if alpha is None:
        return cast(np.ndarray, colours[indices])
    opacity = np.full(len(colours), 255, np.uint8)
    given = np.frombuffer(alpha, np.uint8)[: len(colours)]
    opacity[: len(given)] = given
    return cast(np.ndarray, np.concatenate([colours, opacity[:, None]], axis=1)[indices])


_DECODERS: dict[str, ImageDecoder] = {".png": decode_png}


def register_image_decoder(suffixes: Iterable[str], function: ImageDecoder) -> None:
    """Use `function` for files with these suffixes (".jpg" or "jpg"; case does not matter)."""
    for suffix in suffixes:
        suffix = suffix.lower()
        _DECODERS[suffix if suffix.startswith(".") else "." + suffix] = function


def can_decode(path: Path) -> bool:
    return path.suffix.lower() in _DECODERS


def decode_image(path: Path) -> np.ndarray:
    """Decode any registered image type to uint8 (H, W, C); every failure is a DatasetError."""
    path = Path(path)
    decoder = _DECODERS.get(path.suffix.lower())
    if decoder is None:
        if path.suffix:
            message = _(
                "cannot read {path}: {suffix} images need the app's image reader; convert the "
                "images to PNG, or load the folder from the app (which reads JPEG and BMP)"
            )
        else:
            message = _(
                "cannot read {path}: this images need the app's image reader; convert the "
                "images to PNG, or load the folder from the app (which reads JPEG and BMP)"
            )
        raise DatasetError(message.format(path=path, suffix=path.suffix))
    try:
        image = decoder(path)
    except DatasetError:
        raise
    except Exception as exc:  # a third-party decoder's failure is still "this file is unreadable"
        raise DatasetError(_("cannot read image {path}: {reason}").format(path=path, reason=exc)) from exc
    image = np.asarray(image)
    if image.ndim == 2:
        image = image[:, :, None]
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (1, 2, 3, 4):
        raise DatasetError(
            _("cannot read image {path}: the decoder returned {dtype} {shape}").format(
                path=path, dtype=image.dtype, shape=image.shape
            )
        )
    _check_pixels(image.shape[1], image.shape[0], str(path))  # other decoders: before the float copies
    return image
