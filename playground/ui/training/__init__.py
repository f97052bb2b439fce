"""Live training in the GUI: the worker-thread bridge, the controller and the training panel.

    controller = TrainingController(document, parent=window, set_editing_blocked=editor.set_read_only)
    panel = TrainingPanel(controller)

See `controller.py` for the rest of the wiring (toolbar actions, status widgets, shutdown).
"""

from playground.ui.training.bridge import RunRequest, RunUpdate, TrainingBridge, TrainingWorker
from playground.ui.training.controller import STATES, TrainingController
from playground.ui.training.panel import TrainingPanel, TrainingToolBar

__all__ = ["RunRequest", "RunUpdate", "STATES", "TrainingBridge", "TrainingController", "TrainingPanel",
           "TrainingToolBar", "TrainingWorker"]
