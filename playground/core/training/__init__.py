"""The Qt-free training engine: losses, optimizers, schedules, metrics, diagnostics, checkpoints.

`Trainer` trains an experiment in the calling thread and reports plain events to a callback;
the GUI's worker thread and the `playground train` command both drive it.
"""

from __future__ import annotations

from playground.core.training.checkpoint import CheckpointError, read_checkpoint, save_checkpoint
from playground.core.training.control import TrainingControl
from playground.core.training.diagnostics import Diagnostics
from playground.core.training.engine import Trainer, TrainerOptions
from playground.core.training.events import EpochEvent, Event, StateEvent, StepEvent, Summary
from playground.core.training.losses import FocalLoss, build_loss, default_loss_for_task
from playground.core.training.metrics import SplitMetrics, confusion_matrix, evaluate
from playground.core.training.optimizers import build_optimizer
from playground.core.training.schedules import LRController, build_scheduler, lr_schedule, steps_per_epoch

__all__ = [
    "CheckpointError",
    "Diagnostics",
    "EpochEvent",
    "Event",
    "FocalLoss",
    "LRController",
    "SplitMetrics",
    "StateEvent",
    "StepEvent",
    "Summary",
    "Trainer",
    "TrainerOptions",
    "TrainingControl",
    "build_loss",
    "build_optimizer",
    "build_scheduler",
    "confusion_matrix",
    "default_loss_for_task",
    "evaluate",
    "lr_schedule",
    "read_checkpoint",
    "save_checkpoint",
    "steps_per_epoch",
]
