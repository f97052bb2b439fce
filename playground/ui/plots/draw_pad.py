"""Draw your own input with the mouse: a digit for a model trained on MNIST, say, to see what its
convolutions make of it. The drawing has the data's size and value range (the sample shown sets
both: its most common value is the background, its farthest value the ink)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.ui import theme

BRUSH_RADIUS = 1.3  # in pixels of the drawing


class DrawPad(QWidget):
    """A grid of `height` × `width` pixels, painted with a soft round brush while the mouse is down."""

    def __init__(self, height: int, width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawPad")
        self.ink = np.zeros((height, width), dtype=np.float32)  # 0 = background … 1 = full ink
        self.setMinimumSize(QSize(width * 6, height * 6))
        self.setCursor(Qt.CursorShape.CrossCursor)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        height, width = self.ink.shape
        return QSize(width * 10, height * 10)

    def clear(self) -> None:
        self.ink[:] = 0
        self.update()

    def _cell(self) -> float:
        height, width = self.ink.shape
        return min(self.width() / width, self.height() / height)

    def paint_at(self, position: QPointF) -> None:
        """Ink around `position` (widget coordinates), strongest at the centre."""
        cell = self._cell()
        height, width = self.ink.shape
        row, column = position.y() / cell, position.x() / cell
        rows = np.arange(height)[:, None] + 0.5
        columns = np.arange(width)[None, :] + 0.5
        distance = np.sqrt((rows - row) ** 2 + (columns - column) ** 2)
        stroke = np.clip(1.0 - (distance - BRUSH_RADIUS * 0.5) / BRUSH_RADIUS, 0.0, 1.0)
        np.maximum(self.ink, stroke.astype(np.float32), out=self.ink)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.paint_at(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.paint_at(event.position())

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        cell = self._cell()
        height, width = self.ink.shape
        background = QColor(theme.colors().plot_background)
        painter.fillRect(QRectF(0, 0, width * cell, height * cell), QColor(0, 0, 0))
        for row in range(height):
            for column in range(width):
                value = int(255 * float(self.ink[row, column]))
                if value:
                    painter.fillRect(
                        QRectF(column * cell, row * cell, cell + 0.5, cell + 0.5), QColor(value, value, value)
                    )
        painter.setPen(background)
        painter.drawRect(QRectF(0, 0, width * cell - 1, height * cell - 1))
        painter.end()


class DrawPadDialog(QDialog):
    """Draw an input shaped like `example` (C, H, W); `drawing()` gives it in the data's range."""

    def __init__(self, example: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Draw an Input"))
        self.example = np.asarray(example, dtype=np.float32)
        channels, height, width = self.example.shape
        self.pad = DrawPad(height, width, self)
        hint = QLabel(self.tr("Draw with the mouse (white ink on black), then press Look Inside."), self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        use = buttons.addButton(self.tr("Look Inside"), QDialogButtonBox.ButtonRole.AcceptRole)
        use.setObjectName("drawPadUse")
        clear = QPushButton(self.tr("Clear"), self)
        clear.clicked.connect(self.pad.clear)
        buttons.addButton(clear, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.pad, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(buttons)

    def drawing(self) -> np.ndarray:
        """The ink in the example's value range: its most common value is the background (the paper
        of a digit) and the value farthest from it the ink."""
        values, counts = np.unique(np.round(self.example, 4), return_counts=True)
        background = float(values[int(np.argmax(counts))])
        low, high = float(self.example.min()), float(self.example.max())
        ink = high if abs(high - background) >= abs(low - background) else low
        picture = background + self.pad.ink * (ink - background)
        return np.repeat(picture[None], self.example.shape[0], axis=0).astype(np.float32)
