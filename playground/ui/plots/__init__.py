"""Live pyqtgraph views of a training run, fed plain data (floats, numpy arrays, dicts).

No widget here imports the training engine: the training bridge turns engine events into plain
data, and the training panel hands it to these views through small methods (`add_steps`,
`add_epochs`, `set_diagnostics`, `set_prediction`, ...) followed by `refresh()`.
"""

from playground.ui.plots.boundary_view import BoundaryView
from playground.ui.plots.confusion_view import ConfusionMatrixView
from playground.ui.plots.diagnostics_view import DiagnosticsView
from playground.ui.plots.forecast_view import ForecastView
from playground.ui.plots.image_grid import ImageGrid, ImageTaskView
from playground.ui.plots.loss_plot import LossPlot
from playground.ui.plots.lr_plot import LrPlot
from playground.ui.plots.network_view import NetworkView
from playground.ui.plots.task_view import ScatterView, TaskView

__all__ = [
    "BoundaryView",
    "ConfusionMatrixView",
    "DiagnosticsView",
    "ForecastView",
    "ImageGrid",
    "ImageTaskView",
    "LossPlot",
    "LrPlot",
    "NetworkView",
    "ScatterView",
    "TaskView",
]
