"""The view of what the model does on its task, chosen by the dataset:

- 2-D points: the decision boundary (classification) or output surface (regression);
- images: test images with predictions and a confusion matrix;
- sequences with a value to forecast: forecast against the truth;
- one input column to one value (x → y): the training points and the fitted curve;
- an autoencoder's images: the reconstructions, and its 2-unit codes as a scatter by digit;
- an embedding (triplet loss): the test samples' embeddings as a scatter by class;
- anything else: the confusion matrix (classification) or predicted-vs-true (regression).

The training bridge decides the kind (it knows the dataset) and sends a plain `setup` dict once
per run and plain `prediction` dicts while training; this widget only routes them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from playground.core.runs.records import Prediction, ViewSetup
from playground.ui.plots.boundary_view import BoundaryView
from playground.ui.plots.code_views import CodeScatter, ReconstructionView
from playground.ui.plots.confusion_view import ConfusionMatrixView
from playground.ui.plots.curve_fit_view import CurveFitView
from playground.ui.plots.forecast_view import ForecastView
from playground.ui.plots.image_grid import ImageTaskView
from playground.ui.plots.style import (
    REFERENCE_COLOR,
    VAL_COLOR,
    PlotCanvas,
    export_scene,
    export_widget,
    pen,
    style_plot,
)

KINDS = ("none", "boundary", "images", "forecast", "confusion", "scatter", "curve", "reconstruction", "embedding")


class ScatterView(QWidget):
    """Regression on features: predicted against true values on the test split (y = x is perfect)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scatterView")
        self._truth = np.zeros(0)
        self._predicted: np.ndarray | None = None
        self.canvas = PlotCanvas(self)
        self.plot: pg.PlotItem = self.canvas.addPlot()
        style_plot(
            self.plot,
            title=QCoreApplication.translate("Plots", "Predicted vs true (test split)"),
            left=QCoreApplication.translate("Plots", "predicted"),
            bottom=QCoreApplication.translate("Plots", "true"),
        )
        self.diagonal = self.plot.plot(pen=pen(REFERENCE_COLOR, 1.2, Qt.PenStyle.DashLine))
        self.points = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(VAL_COLOR), pen=None)
        self.plot.addItem(self.points)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)

    def configure(self, setup: ViewSetup) -> None:
        self._truth = np.asarray(setup.truth, dtype=np.float64).reshape(-1)
        self._predicted = None
        finite = self._truth[np.isfinite(self._truth)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            self.diagonal.setData([low, high], [low, high])
        self.points.setData([], [])

    def set_predictions(self, prediction: Prediction) -> None:
        self._predicted = np.asarray(prediction.predicted, dtype=np.float64).reshape(-1)

    def refresh(self) -> None:
        if self._predicted is None:
            return
        n = min(len(self._predicted), len(self._truth))
        x, y = self._truth[:n], self._predicted[:n]
        keep = np.isfinite(x) & np.isfinite(y)
        self.points.setData(x[keep], y[keep])

    def paint_seconds(self) -> float:
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        export_scene(self.canvas, path)


class _ConfusionPage(ConfusionMatrixView):
    """The confusion matrix alone, for classification data that is neither points nor images."""

    _pending: np.ndarray | None = None

    def configure(self, setup: ViewSetup) -> None:
        self.set_classes(list(setup.class_names or ()), setup.split or QCoreApplication.translate("Plots", "test"))

    def set_predictions(self, prediction: Prediction) -> None:
        self._pending = prediction.confusion

    def refresh(self) -> None:
        pending = self._pending
        if pending is not None:
            self._pending = None
            self.set_matrix(pending)


class TaskView(QStackedWidget):
    """Routes the run's setup and predictions to the page for its kind of data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskView")
        self.placeholder = QLabel(
            QCoreApplication.translate(
                "Plots",
                "Press Train: this view then shows what the model does with its data — "
                "the decision boundary for 2-D points, predictions on test images, or a "
                "forecast for sequences.",
            ),
            self,
        )
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMargin(24)
        self.boundary = BoundaryView(self)
        self.images = ImageTaskView(self)
        self.forecast = ForecastView(self)
        self.confusion = _ConfusionPage(self)
        self.scatter = ScatterView(self)
        self.curve = CurveFitView(self)
        self.reconstruction = ReconstructionView(self)
        self.embedding = CodeScatter(self)  # the very scatter of the autoencoder's codes
        self._pages: dict[str, QWidget] = {
            "none": self.placeholder,
            "boundary": self.boundary,
            "images": self.images,
            "forecast": self.forecast,
            "confusion": self.confusion,
            "scatter": self.scatter,
            "curve": self.curve,
            "reconstruction": self.reconstruction,
            "embedding": self.embedding,
        }
        for page in self._pages.values():
            self.addWidget(page)
        self._kind = "none"

    def kind(self) -> str:
        return self._kind

    def page(self) -> QWidget:
        return self._pages[self._kind]

    def configure(self, setup: ViewSetup | None) -> None:
        kind = setup.kind if setup is not None else "none"
        if kind not in self._pages:
            kind = "none"
        self._kind = kind
        if kind != "none":
            self._pages[kind].configure(setup)  # type: ignore[attr-defined]
        self.setCurrentWidget(self._pages[kind])

    def clear(self) -> None:
        self.configure(None)

    def set_prediction(self, prediction: Prediction) -> None:
        if self._kind == "none":
            return
        page = self._pages[self._kind]
        if self._kind == "boundary":
            if prediction.values is not None:
                page.set_output(prediction.values)  # type: ignore[attr-defined]
        else:
            page.set_predictions(prediction)  # type: ignore[attr-defined]

    def refresh(self) -> None:
        if self._kind != "none":
            self._pages[self._kind].refresh()  # type: ignore[attr-defined]

    def paint_seconds(self) -> float:
        page = self._pages[self._kind]
        return page.paint_seconds() if hasattr(page, "paint_seconds") else 0.0

    def export(self, path: str | Path) -> None:
        page = self._pages[self._kind]
        if hasattr(page, "export"):
            page.export(path)
        else:
            export_widget(page, path)
