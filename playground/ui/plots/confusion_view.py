"""A confusion matrix drawn with QPainter: rows are the true class, columns the predicted one.

Correct predictions (the diagonal) are shaded blue, mistakes red, each by its share of the row, and
every cell shows its count, so a class the model confuses with another stands out at a glance.
Colours follow the colour-blind-safe switch, text sizes the presenter scale (plots.style).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui import theme
from playground.ui.plots.style import PaintCost, TimedPainting, appearance, color, export_widget, points

CORRECT = "#0877bd"  # blue
WRONG = "#c62828"  # red


def _mix(base: QColor, color: QColor, share: float) -> QColor:
    share = float(min(1.0, max(0.0, share)))
    return QColor(
        int(base.red() + (color.red() - base.red()) * share),
        int(base.green() + (color.green() - base.green()) * share),
        int(base.blue() + (color.blue() - base.blue()) * share),
    )


class ConfusionMatrixView(TimedPainting, QWidget):
    """Counts per (true, predicted) class pair, with the overall accuracy in the title."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self._matrix: np.ndarray | None = None
        self._names: list[str] = []
        self._split = QCoreApplication.translate("Plots", "test")
        self.paint_cost = PaintCost()
        self.setMinimumSize(QSize(220, 220))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        theme.notifier().changed.connect(self._on_theme_changed)
        appearance().scale_changed.connect(self._on_scale_changed)

    def set_classes(self, names: Sequence[str], split: str | None = None) -> None:
        self._names = [str(name) for name in names]
        if split:
            self._split = split
        self._matrix = None
        self.update()

    def set_matrix(self, matrix: np.ndarray | None) -> None:
        self._matrix = None if matrix is None else np.asarray(matrix, dtype=np.int64)
        self.update()

    def matrix(self) -> np.ndarray | None:
        return self._matrix

    def _on_theme_changed(self, _name: str) -> None:
        self.update()

    def _on_scale_changed(self, _factor: float) -> None:
        self.update()

    def _font(self, base_points: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points(base_points))
        font.setBold(bold)
        return font

    def title_lines(self, metrics: QFontMetrics | None = None) -> list[str]:
        """The title, with the share correct after it, or under it when the view is too narrow."""
        if metrics is None:
            metrics = QFontMetrics(self._font(11, bold=True))
        matrix = self._matrix
        total = int(matrix.sum()) if matrix is not None else 0
        title = QCoreApplication.translate("Plots", "Confusion matrix ({split} split)").format(split=self._split)
        score = (
            QCoreApplication.translate("Plots", "{correct:.1%} of {total} correct").format(
                correct=np.trace(matrix) / total, total=total
            )
            if matrix is not None and total
            else ""
        )
        one_line = f"{title}: {score}" if score else title
        if metrics.horizontalAdvance(one_line) <= max(20, self.width() - 8):
            return [one_line]
        return [title, score] if score else [title]

    def _paint(self) -> None:
        colors = theme.colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(colors.plot_background))
        foreground = QColor(colors.plot_foreground)
        title_font = self._font(11, bold=True)
        label_font = self._font(9)
        matrix = self._matrix
        k = len(self._names) if matrix is None else matrix.shape[0]
        label_metrics = QFontMetrics(label_font)
        label_height = label_metrics.height()
        label_width = max([points(26.0)] + [label_metrics.horizontalAdvance(name[:6]) for name in self._names[:k]])
        painter.setFont(title_font)
        painter.setPen(foreground)
        metrics = painter.fontMetrics()
        room = max(20, self.width() - 8)
        lines = self.title_lines(metrics)
        line_height = metrics.height() + 2
        for row, text in enumerate(lines):  # too narrow for one line: the score goes under the title
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
            painter.drawText(
                QRectF(0, 4 + line_height * row, self.width(), line_height), Qt.AlignmentFlag.AlignCenter, text
            )
        if k == 0:
            painter.end()
            return
        # room for the class names and the axis titles, at the font size of the day
        top, right_margin = 10.0 + line_height * len(lines), 10.0
        left = label_width + label_height + 16.0
        bottom_margin = 6.0 + 2.0 * label_height
        size = max(10.0, min(self.width() - left - right_margin, self.height() - top - bottom_margin))
        cell = size / k
        x0 = left + (self.width() - left - right_margin - size) / 2
        y0 = top
        base = QColor(colors.plot_background)
        row_sums = matrix.sum(axis=1) if matrix is not None else np.zeros(k)
        correct, wrong = QColor(color(CORRECT)), QColor(color(WRONG))  # in the palette of the day
        cell_font = QFont(self.font())
        cell_font.setPointSizeF(max(6.0, min(points(11.0), cell * 0.28)))
        for i in range(k):
            for j in range(k):
                rect = QRectF(x0 + j * cell, y0 + i * cell, cell, cell)
                count = int(matrix[i, j]) if matrix is not None else 0
                share = count / row_sums[i] if matrix is not None and row_sums[i] else 0.0
                if i == j:
                    fill = _mix(base, correct, 0.15 + 0.85 * share if count else 0.0)
                else:
                    fill = _mix(base, wrong, min(1.0, 0.25 + 2.0 * share) if count else 0.0)
                painter.fillRect(rect, fill)
                painter.setPen(QPen(QColor(colors.muted_text), 0.5))
                painter.drawRect(rect)
                if matrix is not None and count and cell >= 14:
                    painter.setFont(cell_font)
                    dark = fill.lightnessF() < 0.55
                    painter.setPen(QColor("#ffffff") if dark else foreground)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        painter.setFont(label_font)
        painter.setPen(foreground)
        every = max(1, int(np.ceil(k / 20)))
        for index, name in enumerate(self._names[:k]):
            if index % every:
                continue
            painter.drawText(
                QRectF(x0 + index * cell, y0 + size + 2, cell, label_height), Qt.AlignmentFlag.AlignCenter, name[:6]
            )
            painter.drawText(
                QRectF(x0 - 4 - label_width, y0 + index * cell, label_width, cell),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name[:6],
            )
        painter.drawText(
            QRectF(x0, y0 + size + 2 + label_height, size, label_height),
            Qt.AlignmentFlag.AlignCenter,
            QCoreApplication.translate("Plots", "predicted class"),
        )
        painter.save()
        painter.translate(x0 - 4 - label_width - 4, y0 + size / 2)
        painter.rotate(-90)
        painter.drawText(
            QRectF(-size / 2, -label_height, size, label_height),
            Qt.AlignmentFlag.AlignCenter,
            QCoreApplication.translate("Plots", "true class"),
        )
        painter.restore()
        painter.end()

    def export(self, path: str | Path) -> None:
        export_widget(self, path)
