"""Representation learning: what an autoencoder rebuilds, and where samples land in a learned space.

- `ReconstructionStrip`: test images, each above the autoencoder's reconstruction of it (in as
  many rows of pairs as show them largest), both on the originals' grey scale, so a blurry or
  wrong reconstruction shows as one;
- `CodeScatter`: one point per test sample in a 2-D code or embedding, coloured by its class,
  with a legend. The autoencoder's 2-unit bottleneck and the triplet-loss embedding share it;
- `ReconstructionView`: the strip above the scatter of codes (the scatter only for a 2-unit code).

The worker computes the reconstructions and codes (`TaskProbe`); these widgets only draw them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from playground.core.runs.records import Prediction, ViewSetup
from playground.ui import theme
from playground.ui.plots.image_grid import PaintedImages, SplitTaskView, to_qimages
from playground.ui.plots.style import (
    CLASS_COLORS,
    PlotCanvas,
    export_scene,
    legend_row,
    points,
    style_plot,
)


def _shared_scale(originals: np.ndarray, rebuilt: np.ndarray | None) -> list[QImage]:
    """Originals then reconstructions as QImages on the originals' grey scale (a reconstruction
    brighter or darker than any original pixel is clipped, not rescaled)."""
    originals = np.asarray(originals, dtype=np.float32)
    if rebuilt is None:
        return to_qimages(originals)
    finite = originals[np.isfinite(originals)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    rebuilt = np.clip(np.nan_to_num(np.asarray(rebuilt, dtype=np.float32), nan=low), low, high)
    return to_qimages(np.concatenate([originals, rebuilt.reshape(originals.shape)]))


class ReconstructionStrip(PaintedImages):
    """Test images, each above what the model rebuilds of it, with the digit under each pair and
    the mean squared error of the images shown in the title."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QSize(240, 150), parent)
        self.setObjectName("reconstructionStrip")
        self._originals = np.zeros((0, 1, 1, 1), dtype=np.float32)
        self._rebuilt: np.ndarray | None = None
        self._labels: np.ndarray = np.zeros(0, dtype=np.int64)
        self._images: list[QImage] = []

    # ---- feeding -------------------------------------------------------------------------------
    def set_originals(self, images: np.ndarray, labels: np.ndarray | None, class_names: Sequence[str]) -> None:
        self._originals = np.asarray(images, dtype=np.float32)
        self._labels = np.zeros(0, dtype=np.int64) if labels is None else np.asarray(labels, np.int64).reshape(-1)
        self._names = [str(name) for name in class_names]
        self._rebuilt = None
        self._images = _shared_scale(self._originals, None) if len(self._originals) else []
        self.update()

    def set_reconstructions(self, rebuilt: np.ndarray | None) -> None:
        if rebuilt is None or len(rebuilt) != len(self._originals):
            return
        self._rebuilt = np.asarray(rebuilt, dtype=np.float32).reshape(self._originals.shape)
        self._images = _shared_scale(self._originals, self._rebuilt)
        self.update()

    # ---- reading back ----------------------------------------------------------------------------
    def originals(self) -> np.ndarray:
        return self._originals

    def reconstructions(self) -> np.ndarray | None:
        return self._rebuilt

    def error(self) -> float | None:
        """Mean squared error of the reconstructions shown (in the standardised pixel units)."""
        if self._rebuilt is None or not self._originals.size:
            return None
        return float(np.mean((self._rebuilt - self._originals) ** 2))

    # ---- painting --------------------------------------------------------------------------------
    def _title(self) -> str:
        error = self.error()
        if error is None:
            return QCoreApplication.translate("Plots", "Test images and their reconstructions")
        return QCoreApplication.translate("Plots", "Rebuilt test images · MSE {error:.3f}").format(error=error)

    def layout_for(self, n: int, width: float, height: float, label_width: float) -> tuple[int, int, float]:
        """Columns, rows of pairs (an original above its reconstruction, a caption below) and the
        cell size that show n pairs largest in width × height."""
        caption = points(14.0)
        best = (n, 1, 0.0)
        for columns in range(1, n + 1):
            rows = -(-n // columns)
            cell = min((width - label_width - 8) / columns, (height - rows * caption) / (2 * rows))
            if cell > best[2]:
                best = (columns, rows, cell)
        return best[0], best[1], max(8.0, best[2])

    def _paint(self) -> None:
        colors = theme.colors()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(colors.plot_background))
        foreground = QColor(colors.plot_foreground)
        painter.setPen(foreground)
        painter.setFont(self._title_font())
        top = self._title_height()
        title = painter.fontMetrics().elidedText(self._title(), Qt.TextElideMode.ElideRight, max(20, self.width() - 8))
        painter.drawText(QRectF(0, 4, self.width(), top - 6), Qt.AlignmentFlag.AlignCenter, title)
        n = len(self._originals)
        if not n or not self._images:
            painter.end()
            return
        names = (QCoreApplication.translate("Plots", "original"), QCoreApplication.translate("Plots", "rebuilt"))
        small = QFont(self.font())
        small.setPointSizeF(points(9.0))
        painter.setFont(small)
        label_width = max(painter.fontMetrics().horizontalAdvance(name) for name in names) + 8.0
        caption = points(14.0)
        columns, rows, cell = self.layout_for(n, self.width(), self.height() - top - 4, label_width)
        left = label_width + max(0.0, (self.width() - label_width - columns * cell) / 2)  # the block centred
        originals, rebuilt = self._images[:n], self._images[n:]
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        for row in range(rows):
            y = top + row * (2 * cell + caption)
            for line, name in enumerate(names):
                painter.setPen(foreground)
                box = QRectF(0, y + line * cell, left - 6, cell)
                painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            for column in range(columns):
                index = row * columns + column
                if index >= n:
                    break
                x = left + column * cell
                painter.drawImage(QRectF(x + 2, y + 2, cell - 4, cell - 4), originals[index])
                if index < len(rebuilt):
                    painter.drawImage(QRectF(x + 2, y + cell + 2, cell - 4, cell - 4), rebuilt[index])
                if index < len(self._labels):
                    label = int(self._labels[index])
                    text = self._name(label)
                    box = QRectF(x, y + 2 * cell, cell, caption)
                    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()


class CodeScatter(QWidget):
    """One point per test sample in a 2-D code or embedding, coloured by class, with a legend
    under the plot (it never covers a point)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codeScatter")
        self._labels = np.zeros(0, dtype=np.int64)
        self._names: list[str] = []
        self._codes: np.ndarray | None = None
        self._pending: np.ndarray | None = None
        self.canvas = PlotCanvas(self)
        self.plot: pg.PlotItem = self.canvas.ci.addPlot(row=0, col=0)
        self.points = pg.ScatterPlotItem(size=6, pen=None)
        self.plot.addItem(self.points)
        self.legend = legend_row([], columns=5)
        self.canvas.ci.addItem(self.legend, row=1, col=0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        theme.notifier().changed.connect(self._on_theme_changed)

    def configure(self, setup: ViewSetup) -> None:
        """A new run: the classes of the points, their names, and what the two axes are (an
        embedding's, for `setup.kind` "embedding"; else an autoencoder's codes)."""
        embedding = setup.kind == "embedding"
        self._labels = np.zeros(0, dtype=np.int64) if setup.code_labels is None else np.asarray(setup.code_labels)
        self._labels = self._labels.astype(np.int64).reshape(-1)
        self._names = [str(name) for name in setup.class_names or ()]
        self._codes = self._pending = None
        self.points.setData([], [])
        node = setup.code_node or ""
        projected = setup.code_units > 2
        if embedding:
            title = QCoreApplication.translate("Plots", "Embedding of the test samples ('{node}')").format(node=node)
            shorter = (
                QCoreApplication.translate("Plots", "Embedding of the test samples"),
                QCoreApplication.translate("Plots", "Embedding"),
            )
        else:
            title = QCoreApplication.translate("Plots", "Codes of the test images ('{node}')").format(node=node)
            shorter = (
                QCoreApplication.translate("Plots", "Codes of the test images"),
                QCoreApplication.translate("Plots", "Codes"),
            )
        if projected:
            axes = (
                QCoreApplication.translate("Plots", "principal axis 1"),
                QCoreApplication.translate("Plots", "principal axis 2"),
            )
        else:
            axes = (QCoreApplication.translate("Plots", "unit 1"), QCoreApplication.translate("Plots", "unit 2"))
        style_plot(self.plot, title=title, bottom=axes[0], left=axes[1], short_titles=shorter)
        self.legend.clear()
        for index in np.unique(self._labels).tolist():
            name = self._names[index] if 0 <= index < len(self._names) else str(index)
            sample = pg.ScatterPlotItem(size=9, brush=CLASS_COLORS[index % len(CLASS_COLORS)], pen=None)
            self.legend.addItem(sample, name)

    def set_predictions(self, prediction: Prediction) -> None:
        self.set_codes(prediction.codes)

    def set_codes(self, codes: np.ndarray | None) -> None:
        if codes is not None:
            self._pending = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)

    def refresh(self) -> None:
        if self._pending is None:
            return
        self._codes, self._pending = self._pending, None
        self._draw()

    def _draw(self) -> None:
        codes = self._codes
        if codes is None or codes.shape[1] < 2:
            return
        n = min(len(codes), len(self._labels)) if len(self._labels) else len(codes)
        x, y = codes[:n, 0], codes[:n, 1]
        keep = np.isfinite(x) & np.isfinite(y)
        if len(self._labels):
            cache = {k: pg.mkBrush(CLASS_COLORS[k % len(CLASS_COLORS)]) for k in np.unique(self._labels[:n]).tolist()}
            brushes = [cache[int(label)] for label in self._labels[:n][keep]]
            self.points.setData(x=x[keep], y=y[keep], brush=brushes)
        else:
            self.points.setData(x=x[keep], y=y[keep], brush=pg.mkBrush(CLASS_COLORS[1]))

    def _on_theme_changed(self, _name: str) -> None:
        self._draw()

    # ---- reading back ----------------------------------------------------------------------------
    def point_count(self) -> int:
        return int(len(self.points.data))

    def point_positions(self) -> np.ndarray:
        return (
            np.column_stack([self.points.data["x"], self.points.data["y"]])
            if len(self.points.data)
            else np.zeros((0, 2))
        )

    def point_colors(self) -> list[str]:
        """The colour of every point drawn, as "#rrggbb" (in the order of the test samples)."""
        return [brush.color().name() for brush in self.points.data["brush"]]

    def legend_names(self) -> list[str]:
        return [label.text for _sample, label in self.legend.items]

    def paint_seconds(self) -> float:
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_scene(self.canvas, path)


class ReconstructionView(SplitTaskView):
    """An autoencoder's task view: the reconstructions above the scatter of its 2-unit codes (the
    scatter is hidden when the bottleneck is wider: there is no plane to draw)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reconstructionView")
        self.strip = ReconstructionStrip(self)
        self.scatter = CodeScatter(self)
        self._stack(self.strip, self.scatter, (3, 5))

    def configure(self, setup: ViewSetup) -> None:
        images = np.asarray(setup.images) if setup.images is not None else np.zeros((0, 1, 1, 1), np.float32)
        self.strip.set_originals(images, setup.labels, list(setup.class_names or ()))
        self._pending = None
        with_codes = setup.code_node is not None and setup.code_labels is not None
        self.scatter.setVisible(with_codes)
        if with_codes:
            self.scatter.configure(setup)

    def show_prediction(self, prediction: Prediction) -> None:
        self.strip.set_reconstructions(prediction.reconstructions)
        if not self.scatter.isHidden():
            self.scatter.set_codes(prediction.codes)
            self.scatter.refresh()

    def paint_seconds(self) -> float:
        return self.strip.paint_seconds() + (0.0 if self.scatter.isHidden() else self.scatter.paint_seconds())
