"""Runs of the training engine outside the window: the typed records they report, the session
that trains one request, and the warm worker processes (or threads) that serve them."""

from playground.core.runs.records import (
    EpochRow,
    LrChange,
    NeuronMaps,
    Prediction,
    Progress,
    RunFailed,
    RunFinished,
    RunLog,
    RunPrepared,
    RunRequest,
    RunSetup,
    RunStateChanged,
    RunUpdate,
    RunUpdated,
    StepBatch,
    ViewSetup,
)

__all__ = [
    "EpochRow",
    "LrChange",
    "NeuronMaps",
    "Prediction",
    "Progress",
    "RunFailed",
    "RunFinished",
    "RunLog",
    "RunPrepared",
    "RunRequest",
    "RunSetup",
    "RunStateChanged",
    "RunUpdate",
    "RunUpdated",
    "StepBatch",
    "ViewSetup",
]
