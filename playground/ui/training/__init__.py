"""Live training in the GUI: the bridge to the training worker, the run's state and controls, and the
training panel.

    controller = TrainingController(document, parent=window, set_editing_blocked=editor.set_read_only)
    panel = TrainingPanel(controller)

See `controller.py` for the rest of the wiring (toolbar actions, status widgets, shutdown).
"""

from playground.ui.training.bridge import RunRequest, RunUpdate, TrainingBridge
from playground.ui.training.controller import STATES, TrainingController
from playground.ui.training.panel import TrainingPanel, TrainingToolBar
from playground.ui.training.run_state import TrainingRun

__all__ = [
    "RunRequest",
    "RunUpdate",
    "STATES",
    "TrainingBridge",
    "TrainingController",
    "TrainingPanel",
    "TrainingRun",
    "TrainingToolBar",
]
