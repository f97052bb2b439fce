"""Let the core read JPEG and BMP (and PNG) through Qt, which ships those image readers.

The core has its own PNG decoder and no Qt; the app calls `register_qt_image_decoder()` once at
start-up so image folders of photos load too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from playground.core.data.images import register_image_decoder
from playground.core.errors import DatasetError

QT_SUFFIXES = (".jpg", ".jpeg", ".bmp", ".png")


def decode_with_qt(path: Path) -> np.ndarray:
    """Read an image with QImage; uint8 (H, W, 1) for grey images, (H, W, 3) or (H, W, 4) otherwise."""
    image = QImage(str(path))
    if image.isNull():
        raise DatasetError(f"cannot read image {path}: the file is damaged or not a supported image; re-save it")
    if image.isGrayscale() and not image.hasAlphaChannel():
        image, channels = image.convertToFormat(QImage.Format.Format_Grayscale8), 1
    elif image.hasAlphaChannel():
        image, channels = image.convertToFormat(QImage.Format.Format_RGBA8888), 4
    else:
        image, channels = image.convertToFormat(QImage.Format.Format_RGB888), 3
    width, height, line = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=line * height)
    # Scan lines are padded to 4 bytes: cut each to its pixels, and copy before QImage goes away.
    return buffer.reshape(height, line)[:, : width * channels].reshape(height, width, channels).copy()


def register_qt_image_decoder() -> None:
    """Route .jpg/.jpeg/.bmp/.png files of image folders through Qt's image readers."""
    register_image_decoder(QT_SUFFIXES, decode_with_qt)
