"""What data augmentation does to the training samples, before any training: a grid of images
(each row a sample: the original, then augmented versions) or, for points and feature rows, a
scatter of the original samples and their jittered copies.

The versions come from `playground.core.data.augment.preview`, with the same code the training
batches go through, so what the student sees here is what the model is trained on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui import theme
from playground.ui.plots.style import CLASS_COLORS, appearance, points


def gray_images(images: np.ndarray, low: float, high: float) -> list[QImage]:
    """(N, C, H, W) floats -> 8-bit images on the scale low..high (so an augmented copy is drawn
    on its original's scale, and added noise shows as noise, not as a dimmer picture)."""
    array = np.asarray(images, dtype=np.float32)
    if array.ndim == 4 and array.shape[1] in (1, 3):
        array = np.moveaxis(array, 1, -1)
    elif array.ndim >= 4:  # other channel counts: their mean
        array = array.reshape(array.shape[0], -1, *array.shape[-2:]).mean(axis=1)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    scaled = np.clip((np.nan_to_num(array, nan=low) - low) / max(high - low, 1e-9) * 255.0, 0, 255).astype(np.uint8)
    out = []
    for picture in scaled:
        picture = np.ascontiguousarray(picture)
        if picture.ndim == 2:
            h, w = picture.shape
            out.append(QImage(picture.data, w, h, w, QImage.Format.Format_Grayscale8).copy())
        else:
            h, w, _ = picture.shape
            out.append(QImage(picture.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy())
    return out


class AugmentPreview(QWidget):
    """Painted preview: `set_images` for image data, `set_points` for points and feature rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("augmentPreview")
        self._rows: list[list[QImage]] = []  # per sample: the original, then its versions
        self._labels: list[str] = []
        self._points: np.ndarray | None = None  # (M, 2) originals
        self._jittered: np.ndarray | None = None  # (K, M, 2) copies
        self._point_classes: np.ndarray | None = None
        self._axes: tuple[str, str] = ("", "")
        self.setMinimumSize(QSize(320, 240))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        theme.notifier().changed.connect(self.update)
        appearance().scale_changed.connect(self.update)

    # ---- data ------------------------------------------------------------------------------------
    def set_images(self, originals: np.ndarray, versions: np.ndarray, labels: Sequence[str] = ()) -> None:
        """`originals` (N, C, H, W) and `versions` (K, N, C, H, W): one row per sample."""
        originals = np.asarray(originals, dtype=np.float32)
        versions = np.asarray(versions, dtype=np.float32)
        finite = originals[np.isfinite(originals)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        first = gray_images(originals, low, high)
        copies = [gray_images(version, low, high) for version in versions]
        self._rows = [[first[i], *(copy[i] for copy in copies)] for i in range(len(first))]
        self._labels = [str(label) for label in labels]
        self._points = self._jittered = self._point_classes = None
        self.update()

    def set_points(
        self, originals: np.ndarray, jittered: np.ndarray, classes: np.ndarray | None, axes: tuple[str, str]
    ) -> None:
        """`originals` (M, 2) and `jittered` (K, M, 2): the first two inputs of each sample."""
        self._points = np.asarray(originals, dtype=np.float64)
        self._jittered = np.asarray(jittered, dtype=np.float64)
        self._point_classes = None if classes is None else np.asarray(classes).reshape(-1)
        self._axes = axes
        self._rows, self._labels = [], []
        self.update()

    def grid_shape(self) -> tuple[int, int]:
        """(samples, pictures per sample) of the image grid; (0, 0) when it shows points."""
        return (len(self._rows), len(self._rows[0])) if self._rows else (0, 0)

    def point_counts(self) -> tuple[int, int]:
        """(original points, jittered points) of the scatter; (0, 0) when it shows images."""
        if self._points is None or self._jittered is None:
            return (0, 0)
        return (len(self._points), int(self._jittered.shape[0] * self._jittered.shape[1]))

    # ---- painting ---------------------------------------------------------------------------------
    def _caption_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points(9.5))
        return font

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        colors = theme.colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), QColor(colors.plot_background))
        if self._rows:
            self._paint_images(painter)
        elif self._points is not None:
            self._paint_points(painter)
        painter.end()

    def _paint_images(self, painter: QPainter) -> None:
        colors = theme.colors()
        foreground, muted = QColor(colors.plot_foreground), QColor(colors.muted_text)
        font = self._caption_font()
        painter.setFont(font)
        caption = QFontMetrics(font).height() + 6.0
        label_width = QFontMetrics(font).horizontalAdvance("00000") if self._labels else 0.0
        columns, rows = len(self._rows[0]), len(self._rows)
        gap = 10.0  # between the original and its versions
        cell = min(
            (self.width() - 16 - label_width - gap) / columns,
            (self.height() - 12 - caption) / rows,
        )
        cell = max(cell, 8.0)
        left = (self.width() - label_width - gap - columns * cell) / 2 + label_width
        top = 6 + caption + (self.height() - 12 - caption - rows * cell) / 2
        painter.setPen(foreground)
        painter.drawText(
            QRectF(left, top - caption, cell, caption),
            Qt.AlignmentFlag.AlignCenter,
            QCoreApplication.translate("AugmentPreview", "Original"),
        )
        painter.drawText(
            QRectF(left + cell + gap, top - caption, (columns - 1) * cell, caption),
            Qt.AlignmentFlag.AlignCenter,
            QCoreApplication.translate("AugmentPreview", "Augmented: {count} random versions").format(
                count=columns - 1
            ),
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        frame = QPen(muted, 1)
        for row, pictures in enumerate(self._rows):
            y = top + row * cell
            if row < len(self._labels):
                painter.setPen(foreground)
                painter.drawText(
                    QRectF(left - label_width - 4, y, label_width, cell),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    self._labels[row],
                )
            for column, picture in enumerate(pictures):
                x = left + column * cell + (gap if column else 0.0)
                inner = QRectF(x + 2, y + 2, cell - 4, cell - 4)
                painter.drawImage(inner, picture)
                painter.setPen(frame)
                painter.drawRect(inner)

    def _paint_points(self, painter: QPainter) -> None:
        assert self._points is not None and self._jittered is not None
        colors = theme.colors()
        foreground = QColor(colors.plot_foreground)
        font = self._caption_font()
        painter.setFont(font)
        metrics = QFontMetrics(font)
        legend = metrics.height() + 8.0
        margin = 12.0
        area = QRectF(margin + metrics.height(), margin + legend, self.width() - 2 * margin - metrics.height(), 0.0)
        area.setHeight(self.height() - area.top() - margin - metrics.height())
        everything = np.concatenate([self._points, self._jittered.reshape(-1, 2)])
        finite = everything[np.all(np.isfinite(everything), axis=1)]
        if not len(finite) or area.width() < 20 or area.height() < 20:
            return
        low, high = finite.min(axis=0), finite.max(axis=0)
        span = np.maximum(high - low, 1e-9)
        low, span = low - 0.05 * span, span * 1.1
        side = min(area.width(), area.height())  # the same scale on both axes: a circle stays round
        scale = side / float(max(span[0], span[1]))
        centre = (low + span / 2, QPointF(area.center()))

        def place(xy: np.ndarray) -> QPointF:
            return QPointF(
                centre[1].x() + (xy[0] - centre[0][0]) * scale, centre[1].y() - (xy[1] - centre[0][1]) * scale
            )

        painter.setPen(QPen(QColor(colors.muted_text), 1))
        painter.drawRect(area)
        classes = self._point_classes

        def class_color(index: int, alpha: int) -> QColor:
            value = int(classes[index]) if classes is not None and index < len(classes) else 1
            shade = QColor(CLASS_COLORS[value % len(CLASS_COLORS)])
            shade.setAlpha(alpha)
            return shade

        painter.setPen(Qt.PenStyle.NoPen)
        for copy in self._jittered:
            for index, xy in enumerate(copy):
                painter.setBrush(class_color(index, 110))
                painter.drawEllipse(place(xy), 2.2, 2.2)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for index, xy in enumerate(self._points):
            painter.setPen(QPen(class_color(index, 255), 1.6))
            painter.drawEllipse(place(xy), 4.5, 4.5)
        painter.setPen(foreground)
        text = QCoreApplication.translate(
            "AugmentPreview", "○ original samples   ● {count} jittered copies of each"
        ).format(count=len(self._jittered))
        painter.drawText(QRectF(0, margin / 2, self.width(), legend), Qt.AlignmentFlag.AlignCenter, text)
        x_name, y_name = self._axes
        painter.drawText(
            QRectF(area.left(), area.bottom() + 2, area.width(), metrics.height() + 4),
            Qt.AlignmentFlag.AlignCenter,
            x_name,
        )
        painter.save()
        painter.translate(area.left() - 4, area.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-area.height() / 2, -metrics.height(), area.height(), metrics.height()),
            Qt.AlignmentFlag.AlignCenter,
            y_name,
        )
        painter.restore()
