"""Controlled comparisons: activation curves, optimizer paths on 2-D surfaces, races of one
experiment's variants in lock-step, the learning-rate range test and the session's run history.

Qt-free like the rest of the core; the panels in `playground.ui.compare` draw what these compute.
"""

from __future__ import annotations

from playground.core.catalogue.activation_facts import ActivationFacts
from playground.core.compare.activations import ACTIVATIONS, activation_curves
from playground.core.compare.history import RunHistory, RunRecord
from playground.core.compare.lr_range_test import LRRangeResult, lr_range_test, suggest_lr
from playground.core.compare.optimizer_paths import OPTIMIZERS, PathResult, run_path, run_paths
from playground.core.compare.race import (
    Contender,
    Race,
    RaceOptions,
    activation_contenders,
    optimizer_contenders,
    schedule_contenders,
)
from playground.core.compare.surfaces import SURFACES, Surface
from playground.core.smoothing import smooth_ema

__all__ = [
    "ACTIVATIONS",
    "ActivationFacts",
    "Contender",
    "LRRangeResult",
    "OPTIMIZERS",
    "PathResult",
    "Race",
    "RaceOptions",
    "RunHistory",
    "RunRecord",
    "SURFACES",
    "Surface",
    "activation_contenders",
    "activation_curves",
    "lr_range_test",
    "optimizer_contenders",
    "run_path",
    "run_paths",
    "schedule_contenders",
    "smooth_ema",
    "suggest_lr",
]
