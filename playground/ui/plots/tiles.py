"""Painted pieces of the look inside a node: a grid of heat-map tiles and a histogram.

Painting them with QPainter (rather than one pyqtgraph plot per tile) keeps sixteen feature maps,
eight filters or four attention heads one cheap widget each, crisp at any size and in the theme's
colours. The data arrives as numpy arrays; colours follow the network view: blue positive, orange
negative, on the plot background.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui import theme
from playground.ui.plots.boundary_view import _rgb
from playground.ui.plots.network_view import _indices, class_lut, diverging_lut, symmetric_scale
from playground.ui.plots.style import points

CAPTION_POINTS = 8.5
SEQUENTIAL_COLOR = "#0877bd"  # the boundary's blue: 0 is the background, the strongest value this


def heat_image(values: np.ndarray, *, signed: bool | None = None, scale: float | None = None) -> QImage:
    """(H, W) numbers -> an RGB QImage in the theme's map colours. `signed`: orange below zero,
    blue above (default: when the values have both signs); `scale`: the value drawn strongest
    (default: the largest magnitude), so tiles that share a scale can be compared."""
    values = np.asarray(values, dtype=np.float32)
    if values.ndim == 1:
        values = values[None, :]
    background = _rgb(theme.colors().plot_background)
    finite = values[np.isfinite(values)]
    if signed is None:
        signed = bool(finite.size and finite.min() < 0)
    peak = float(scale) if scale else float(symmetric_scale(values))
    if signed:
        lut = diverging_lut(background)
        index = _indices(values / peak, True)
    else:
        lut = class_lut(background, SEQUENTIAL_COLOR)
        low = float(finite.min()) if finite.size and scale is None else 0.0
        span = max(peak - low, 1e-9) if scale is None else max(peak, 1e-9)
        index = _indices((values - low) / span, False)
    rgb = np.ascontiguousarray(lut[index])
    height, width = values.shape
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def gray_image(values: np.ndarray) -> QImage:
    """An input image as it looks: (H, W) or (C, H, W), min to max."""
    from playground.ui.plots.image_grid import to_qimages  # noqa: PLC0415 - the task view's converter

    return to_qimages(np.asarray(values, dtype=np.float32)[None])[0]


@dataclass
class Tile:
    image: QImage
    caption: str = ""
    mark: bool = False  # framed in the warning colour (a dead or saturated unit)
    box: tuple[float, float, float, float] | None = None  # (top, left, bottom, right) in pixels, inclusive
    point: tuple[int, int] | None = None  # (row, column) of a chosen unit, framed
    row_labels: Sequence[str] = field(default_factory=tuple)
    column_labels: Sequence[str] = field(default_factory=tuple)


class TileGrid(QWidget):
    """Tiles in rows, each as large as the width allows (up to `max_tile` pixels); clicking a
    tile emits which one and where (as row and column of its pixels)."""

    tile_clicked = Signal(int, int, int)  # tile, row, column

    def __init__(
        self, parent: QWidget | None = None, max_tile: int = 96, min_tile: int = 28, max_height: int | None = None
    ) -> None:
        super().__init__(parent)
        self._tiles: list[Tile] = []
        self.max_tile = max_tile
        self.min_tile = min_tile
        self.max_height = max_height  # tall pictures (many units down) are squeezed to this
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        theme.notifier().changed.connect(self.update)

    def set_tiles(self, tiles: list[Tile]) -> None:
        self._tiles = tiles
        self.updateGeometry()
        self.update()

    def tiles(self) -> list[Tile]:
        return self._tiles

    # ---- geometry ------------------------------------------------------------------------------
    def _caption_height(self) -> float:
        return points(CAPTION_POINTS) * 1.9 if any(t.caption for t in self._tiles) else 0.0

    def _label_room(self) -> tuple[float, float]:
        left = max((len(label) for t in self._tiles for label in t.row_labels), default=0)
        top = 1 if any(t.column_labels for t in self._tiles) else 0
        return (left * points(CAPTION_POINTS) * 0.75 + (6 if left else 0), top * points(CAPTION_POINTS) * 1.8)

    def _layout(self, width: int) -> tuple[int, float, float]:
        """(columns, tile width, tile height) for the tiles in `width` pixels."""
        n = max(1, len(self._tiles))
        aspect = 1.0
        if self._tiles:
            image = self._tiles[0].image
            aspect = image.height() / max(1, image.width())
        left, _top = self._label_room()
        gap = 6.0
        widest = float(self.max_tile) * max(1.0, 1 / max(aspect, 1e-3))  # a wide tile (time across) may be wider
        columns = max(1, min(n, int((width + gap) // (widest + left + gap))))
        if columns < n:  # wrapped: the fewest rows, as full as can be
            rows = -(-n // columns)
            columns = -(-n // rows)
        tile_width = min(widest, (width - gap * (columns - 1)) / columns - left)
        while columns > 1 and tile_width < self.min_tile:
            columns -= 1
            tile_width = min(widest, (width - gap * (columns - 1)) / columns - left)
        tile_width = max(8.0, tile_width)
        tile_height = min(tile_width * aspect, float(self.max_height or 3 * self.max_tile))
        return columns, tile_width, tile_height

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        if not self._tiles:
            return 0
        columns, _w, tile_height = self._layout(width)
        rows = math.ceil(len(self._tiles) / columns)
        _left, top = self._label_room()
        return int(rows * (tile_height + self._caption_height() + top + 6))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = max(200, self.width())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.min_tile, self.heightForWidth(max(self.width(), self.min_tile)) if self._tiles else 0)

    def _cells(self) -> list[QRectF]:
        columns, tile_width, tile_height = self._layout(self.width())
        left, top = self._label_room()
        cell_height = tile_height + self._caption_height() + top + 6
        return [
            QRectF(
                (index % columns) * (tile_width + left + 6.0) + left,
                (index // columns) * cell_height + top,
                tile_width,
                tile_height,
            )
            for index in range(len(self._tiles))
        ]

    # ---- painting ------------------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        colors = theme.colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        font = QFont(self.font())
        font.setPointSizeF(points(CAPTION_POINTS))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        foreground = QColor(colors.plot_foreground)
        for tile, rect in zip(self._tiles, self._cells()):
            painter.drawImage(rect, tile.image)
            image_w, image_h = max(1, tile.image.width()), max(1, tile.image.height())
            sx, sy = rect.width() / image_w, rect.height() / image_h
            frame = QPen(QColor(colors.warning if tile.mark else colors.muted_text), 2.0 if tile.mark else 1.0)
            painter.setPen(frame)
            painter.drawRect(rect)
            if tile.box is not None:
                top_, left_, bottom, right = tile.box
                painter.setPen(QPen(QColor(colors.error), 2.0))
                painter.drawRect(
                    QRectF(
                        rect.left() + left_ * sx,
                        rect.top() + top_ * sy,
                        (right - left_ + 1) * sx,
                        (bottom - top_ + 1) * sy,
                    )
                )
            if tile.point is not None:
                row, column = tile.point
                painter.setPen(QPen(QColor(colors.error), 2.0))
                painter.drawRect(QRectF(rect.left() + column * sx, rect.top() + row * sy, sx, sy))
            painter.setPen(foreground)
            if tile.row_labels:
                step = rect.height() / max(1, len(tile.row_labels))
                if step >= metrics.height() * 0.8:
                    for i, label in enumerate(tile.row_labels):
                        painter.drawText(
                            QRectF(0, rect.top() + i * step, rect.left() - 4, step),
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                            label,
                        )
            if tile.column_labels:
                step = rect.width() / max(1, len(tile.column_labels))
                if step >= metrics.horizontalAdvance("00"):
                    for i, label in enumerate(tile.column_labels):
                        painter.drawText(
                            QRectF(rect.left() + i * step, rect.top() - metrics.height() - 2, step, metrics.height()),
                            Qt.AlignmentFlag.AlignCenter,
                            label,
                        )
            if tile.caption:
                caption = metrics.elidedText(tile.caption, Qt.TextElideMode.ElideRight, int(rect.width() + 4))
                painter.drawText(
                    QRectF(rect.left() - 2, rect.bottom() + 2, rect.width() + 4, self._caption_height()),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    caption,
                )
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        position = event.position()
        for index, rect in enumerate(self._cells()):
            if rect.contains(position):
                image = self._tiles[index].image
                column = int((position.x() - rect.left()) / rect.width() * image.width())
                row = int((position.y() - rect.top()) / rect.height() * image.height())
                self.tile_clicked.emit(index, min(row, image.height() - 1), min(column, image.width() - 1))
                event.accept()
                return
        super().mousePressEvent(event)

    def tile_centre(self, index: int) -> QPointF:
        """Where tile `index` is drawn (for tests that click it)."""
        return self._cells()[index].center()


class HistogramChart(QWidget):
    """Bars of a histogram with its range under them, and a title above."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts = np.zeros(0)
        self._edges = np.zeros(0)
        self._title = ""
        self._color = "#1f77b4"
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        theme.notifier().changed.connect(self.update)

    def set_histogram(self, counts: np.ndarray, edges: np.ndarray, title: str, color: str) -> None:
        self._counts, self._edges, self._title, self._color = np.asarray(counts), np.asarray(edges), title, color
        self.update()

    def title(self) -> str:
        return self._title

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(240, int(points(CAPTION_POINTS) * 11))

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        colors = theme.colors()
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(points(CAPTION_POINTS))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.fillRect(self.rect(), QColor(colors.plot_background))
        painter.setPen(QColor(colors.plot_foreground))
        title = metrics.elidedText(self._title, Qt.TextElideMode.ElideRight, self.width() - 8)
        painter.drawText(QRectF(4, 2, self.width() - 8, line + 2), Qt.AlignmentFlag.AlignLeft, title)
        area = QRectF(6, line + 8, self.width() - 12, self.height() - 2 * line - 16)
        counts = self._counts
        if counts.size and counts.max() > 0 and area.height() > 4:
            width = area.width() / counts.size
            peak = float(counts.max())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(self._color))
            for i, count in enumerate(counts):
                height = area.height() * float(count) / peak
                if height > 0:
                    painter.drawRect(
                        QRectF(area.left() + i * width, area.bottom() - height, max(1.0, width - 1), height)
                    )
            painter.setPen(QColor(colors.muted_text))
            painter.drawLine(area.bottomLeft(), area.bottomRight())
            low, high = float(self._edges[0]), float(self._edges[-1])
            painter.setPen(QColor(colors.plot_foreground))
            below = QRectF(area.left(), area.bottom() + 2, area.width(), line + 2)
            painter.drawText(below, Qt.AlignmentFlag.AlignLeft, f"{low:.3g}")
            painter.drawText(below, Qt.AlignmentFlag.AlignRight, f"{high:.3g}")
            if low < 0 < high:
                zero = area.left() + area.width() * (0 - low) / (high - low)
                painter.setPen(QPen(QColor(colors.muted_text), 1.0, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(zero, area.top()), QPointF(zero, area.bottom()))
                painter.drawText(QRectF(zero - 20, area.bottom() + 2, 40, line + 2), Qt.AlignmentFlag.AlignHCenter, "0")
        painter.end()
