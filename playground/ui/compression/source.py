"""The weights the Compression Lab works on: those of the last finished run, as the run ended.

The run's time machine keeps its weights at every kept epoch and always at its last one; a run
that restored its best weights ended with those (kept beside the last snapshot). A run under way,
none yet, a run that diverged, or one that kept no weights is a reason, said in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication

from playground.core.experiment.schema import Experiment


@dataclass(frozen=True)
class RunWeights:
    """A finished run's experiment and final weights (its state dict as arrays)."""

    experiment: Experiment
    weights: dict[str, np.ndarray]
    epoch: int  # the epoch the weights are from
    epochs: int  # epochs the run completed
    best_restored: bool  # the weights are the best epoch's, restored at the end


@dataclass(frozen=True)
class NoWeights:
    """Why there is nothing to compress yet."""

    title: str
    reason: str


def last_run_weights(training: Any) -> RunWeights | NoWeights:
    """The last finished run's weights from `training` (a TrainingRun), or why there are none."""
    first = QCoreApplication.translate("CompressionLab", "Train the model first")
    if training.is_active():
        return NoWeights(
            QCoreApplication.translate("CompressionLab", "Wait for the run to finish"),
            QCoreApplication.translate(
                "CompressionLab",
                "A run is under way. The Compression Lab works on a finished run's weights: they appear here when it ends.",
            ),
        )
    log = training.record
    summary = log.summary
    if summary is None or log.experiment is None:
        return NoWeights(
            first,
            QCoreApplication.translate(
                "CompressionLab",
                "The Compression Lab prunes and quantises the weights of a trained model, and this experiment "
                "has no finished run yet. Press Train and let it finish: the lab fills in when the run ends.",
            ),
        )
    if summary.status == "diverged":
        return NoWeights(
            first,
            QCoreApplication.translate(
                "CompressionLab",
                "The last run diverged, so its weights are not worth compressing. "
                "Train again (a smaller learning rate often helps).",
            ),
        )
    snapshot = log.timeline.latest() if log.timeline is not None else None
    if snapshot is None:
        return NoWeights(
            first,
            QCoreApplication.translate(
                "CompressionLab",
                "The last run kept no weights (it ended before its first epoch). Train for at least one epoch.",
            ),
        )
    weights = snapshot.model
    epoch = int(snapshot.epoch)
    restored = bool(summary.restored_best and summary.best_epoch is not None)
    if restored and snapshot.keep_best is not None and snapshot.keep_best.get("state") is not None:
        weights = snapshot.keep_best["state"]
        epoch = int(summary.best_epoch)
    else:
        restored = False
    if epoch == 0:
        return NoWeights(
            first,
            QCoreApplication.translate(
                "CompressionLab",
                "The last run stopped before it finished an epoch: its weights are the untrained ones.",
            ),
        )
    return RunWeights(log.experiment, dict(weights), epoch, int(summary.epochs), restored)
