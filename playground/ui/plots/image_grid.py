"""Image data: a grid of test images with the predicted and the true label (mistakes in red),
beside the confusion matrix of the whole test split.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QSplitter, QWidget

from playground.core.runs.records import Prediction, ViewSetup
from playground.ui import theme
from playground.ui.plots.confusion_view import ConfusionMatrixView
from playground.ui.plots.style import PaintCost, TimedPainting, appearance, color, export_widget, points

MISTAKE = "#c62828"  # red (its colour-blind-safe stand-in while that palette is on)
RIGHT = "#2e7d32"  # green (teal while the colour-blind-safe palette is on)


def to_qimages(images: np.ndarray) -> list[QImage]:
    """(N, H, W), (N, 1, H, W) or (N, 3, H, W) floats in any range -> 8-bit QImages (shared scale)."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[1] in (1, 3):
        images = np.moveaxis(images, 1, -1)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    finite = images[np.isfinite(images)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    scaled = np.clip((np.nan_to_num(images, nan=low) - low) / max(high - low, 1e-9) * 255.0, 0, 255)
    scaled = scaled.astype(np.uint8)
    out = []
    for picture in scaled:
        picture = np.ascontiguousarray(picture)
        if picture.ndim == 2:
            h, w = picture.shape
            image = QImage(picture.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        else:
            h, w, _ = picture.shape
            image = QImage(picture.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        out.append(image)
    return out


class PaintedImages(TimedPainting, QWidget):
    """A widget that paints test images under a title (the image grid, the reconstructions):
    repainted when the theme or the interface scale changes, with the plots' bold title and the
    dataset's class names."""

    def __init__(self, minimum: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self.paint_cost = PaintCost()
        self.setMinimumSize(minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        theme.notifier().changed.connect(self._on_appearance_changed)
        appearance().scale_changed.connect(self._on_appearance_changed)

    def _on_appearance_changed(self, *_: object) -> None:
        self.update()

    def _name(self, index: int) -> str:
        return self._names[index] if 0 <= index < len(self._names) else str(index)

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points(11))
        font.setBold(True)
        return font

    def _title_height(self) -> float:
        """The room above the images (28 px at 100 %; more for the presenter's larger title)."""
        return max(28.0, QFontMetrics(self._title_font()).height() + 10.0)


class ImageGrid(PaintedImages):
    """Painted grid of images with captions; a red frame and caption on every mistake."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QSize(240, 200), parent)
        self.setObjectName("imageGrid")
        self._images: list[QImage] = []
        self._true: np.ndarray = np.zeros(0, dtype=np.int64)
        self._predicted: np.ndarray | None = None
        self._confidence: np.ndarray | None = None

    def set_images(self, images: np.ndarray, labels: np.ndarray, class_names: Sequence[str]) -> None:
        self._images = to_qimages(images) if len(images) else []
        self._true = np.asarray(labels, dtype=np.int64).reshape(-1)
        self._names = [str(name) for name in class_names]
        self._predicted = None
        self._confidence = None
        self.update()

    def set_predictions(self, predicted: np.ndarray | None, confidence: np.ndarray | None = None) -> None:
        self._predicted = None if predicted is None else np.asarray(predicted, dtype=np.int64).reshape(-1)
        self._confidence = None if confidence is None else np.asarray(confidence, dtype=np.float64).reshape(-1)
        self.update()

    def predictions(self) -> np.ndarray | None:
        return self._predicted

    def mistakes(self) -> int:
        if self._predicted is None:
            return 0
        n = min(len(self._predicted), len(self._true))
        return int((self._predicted[:n] != self._true[:n]).sum())

    @staticmethod
    def _caption_height() -> float:
        return points(16.0)

    def _layout(self, n: int) -> tuple[int, int, float]:
        """Columns, rows and cell size that fit n cells (with a caption each) into the widget."""
        width, height = self.width(), self.height() - self._title_height()
        best = (1, n, 10.0)
        for columns in range(1, n + 1):
            rows = int(np.ceil(n / columns))
            cell = min(width / columns, height / rows - self._caption_height())
            if cell > best[2]:
                best = (columns, rows, cell)
        return best

    def _paint(self) -> None:
        colors = theme.colors()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(colors.plot_background))
        foreground = QColor(colors.plot_foreground)
        painter.setFont(self._title_font())
        top = self._title_height()
        painter.setPen(foreground)
        title = QCoreApplication.translate("Plots", "Test images and predictions")
        if self._predicted is not None:
            title = QCoreApplication.translate("Plots", "Test images: {mistakes} of {count} wrong").format(
                mistakes=self.mistakes(), count=len(self._images)
            )
        title = painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, max(20, self.width() - 8))
        painter.drawText(QRectF(0, 4, self.width(), top - 6), Qt.AlignmentFlag.AlignCenter, title)
        n = len(self._images)
        if not n:
            painter.end()
            return
        columns, _rows, cell = self._layout(n)
        cell = max(cell, 10.0)
        caption_height = self._caption_height()
        x_start = (self.width() - columns * cell) / 2
        caption_font = QFont(self.font())
        caption_font.setPointSizeF(max(7.0, min(points(10.0), cell * 0.16)))
        mistake = QColor(color(MISTAKE))
        dark_green = theme.is_dark() and not theme.color_blind_safe()  # the theme's own green reads better
        right = QColor(colors.ok) if dark_green else QColor(color(RIGHT))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        for index, image in enumerate(self._images):
            row, column = divmod(index, columns)
            x = x_start + column * cell
            y = top + row * (cell + caption_height)
            inner = QRectF(x + 3, y + 3, cell - 6, cell - 6)
            painter.drawImage(inner, image)
            truth = int(self._true[index]) if index < len(self._true) else -1
            if self._predicted is not None and index < len(self._predicted):
                predicted = int(self._predicted[index])
                wrong = predicted != truth
                if wrong:
                    painter.setPen(QPen(mistake, 3))
                    painter.drawRect(inner.adjusted(-1.5, -1.5, 1.5, 1.5))
                    text = QCoreApplication.translate("Plots", "{pred} (true {true})").format(
                        pred=self._name(predicted), true=self._name(truth)
                    )
                    painter.setPen(mistake)
                else:
                    text = "✓ " + self._name(predicted)
                    painter.setPen(right)
            else:
                text = QCoreApplication.translate("Plots", "true {true}").format(true=self._name(truth))
                painter.setPen(foreground)
            painter.setFont(_fitted(caption_font, text, cell - 2))  # a neighbour's caption is never overdrawn
            painter.drawText(QRectF(x, y + cell - 2, cell, caption_height), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()


def _fitted(font: QFont, text: str, width: float, smallest: float = 6.0) -> QFont:
    """`font`, made smaller until `text` fits `width` (down to `smallest` points)."""
    fitted = QFont(font)
    while QFontMetricsF(fitted).horizontalAdvance(text) > width and fitted.pointSizeF() - 0.5 >= smallest:
        fitted.setPointSizeF(fitted.pointSizeF() - 0.5)
    return fitted


class SplitTaskView(QWidget):
    """Two views of a task stacked in a vertical splitter. A prediction waits until `refresh`
    (the panel's frame timer) hands it to `show_prediction`, so a burst of updates draws once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._pending: Prediction | None = None

    def _stack(self, top: QWidget, bottom: QWidget, stretch: tuple[int, int] = (1, 1)) -> None:
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, stretch[0])
        self.splitter.setStretchFactor(1, stretch[1])

    def set_predictions(self, prediction: Prediction) -> None:
        self._pending = prediction

    def refresh(self) -> None:
        if self._pending is None:
            return
        prediction, self._pending = self._pending, None
        self.show_prediction(prediction)

    def show_prediction(self, prediction: Prediction) -> None:
        raise NotImplementedError

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_widget(self, path)


class ImageTaskView(SplitTaskView):
    """Test images with predictions (left) and the confusion matrix (right)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageTaskView")
        self.grid = ImageGrid(self)
        self.confusion = ConfusionMatrixView(self)
        self._stack(self.grid, self.confusion)

    def set_orientation(self, orientation: Qt.Orientation) -> None:
        self.splitter.setOrientation(orientation)

    def configure(self, setup: ViewSetup) -> None:
        names = list(setup.class_names or ())
        self.grid.set_images(np.asarray(setup.images), np.asarray(setup.labels), names)
        self.confusion.set_classes(names, setup.split or QCoreApplication.translate("Plots", "test"))

    def show_prediction(self, prediction: Prediction) -> None:
        self.grid.set_predictions(prediction.predicted, prediction.confidence)
        if prediction.confusion is not None:
            self.confusion.set_matrix(prediction.confusion)

    def paint_seconds(self) -> float:
        return self.grid.paint_seconds() + self.confusion.paint_seconds()
