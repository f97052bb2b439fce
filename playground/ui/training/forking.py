"""Fork a branch of the last run from one of its kept epochs (or rewind it to epoch 0).

The user changes the settings in the fork dialog; they become the document's settings (one undo
step), so the experiment stays the single source of truth and the branch trains what the window
shows. The branch needs the run's graph and data: edits to those since the run are refused with
what to do. A run under way is stopped first (it goes into the run history, as every run does).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from playground.core.experiment.identity import weights_fit
from playground.ui.editor.commands import SetTrainingCommand
from playground.ui.training.fork_dialog import ForkDialog

STOP_WAIT_SECONDS = 10.0


def _stop_and_wait(training: Any) -> None:
    if not training.is_active():
        return
    training.stop()
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while training.is_active() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def fork_last_run(
    parent: QWidget, training: Any, document: Any, undo_stack: Any, epoch: int, *, rewind: bool = False
) -> bool:
    """Ask for the branch's settings and start it; False when nothing was started."""
    _stop_and_wait(training)
    log = training.record
    snapshot = log.timeline.get(epoch) if log.timeline is not None else None
    if snapshot is None or log.experiment is None:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("Forking", "Fork"),
            QCoreApplication.translate(
                "Forking", "Epoch {epoch} of this run was not kept: choose a marked epoch."
            ).format(epoch=epoch),
        )
        return False
    current = document.experiment
    if not weights_fit(current, log.experiment):
        QMessageBox.information(
            parent,
            QCoreApplication.translate("Forking", "Fork"),
            QCoreApplication.translate(
                "Forking",
                "The model or the data changed since this run, so its weights no longer fit. Undo those edits "
                "to fork from it, or train the new model from the start.",
            ),
        )
        return False
    spec = ForkDialog.ask(parent, current.training, epoch, rewind=rewind)
    if spec is None:
        return False
    if spec != current.training:
        undo_stack.push(SetTrainingCommand(document, spec))
    return bool(training.start_fork(snapshot, log))
