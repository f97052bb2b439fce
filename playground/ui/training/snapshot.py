"""Train in the window before a picture is taken (`playground snapshot FILE -o OUT.png --epochs N`).

`train_for_snapshot(controller, panel, epochs)` starts a run of `epochs` epochs, processes events
until it has ended and every view shows its last data, and returns the run's summary. It plugs
into `playground.ui.snapshot.SnapshotOptions.prepare` as a callback the window provides.
"""

from __future__ import annotations

import time
from typing import cast

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from playground.core.training.events import Summary
from playground.ui.training.controller import TrainingController
from playground.ui.training.panel import TrainingPanel

ENDED = ("finished", "diverged", "stopped", "idle")


def train_for_snapshot(
    controller: TrainingController, panel: TrainingPanel | None, epochs: int, timeout_s: float = 600.0
) -> Summary | None:
    """Train `epochs` epochs in the event loop, then settle the views; the summary (None if the run
    could not start). On timeout the run is stopped and the picture shows it as far as it got."""
    app = cast(QCoreApplication, QApplication.instance())  # the window it trains in needs the app
    if not controller.start(epochs=max(1, int(epochs))):
        return None
    deadline = time.monotonic() + timeout_s
    while controller.state() not in ENDED and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    if controller.state() not in ENDED:
        controller.stop()
        while controller.state() not in ENDED and time.monotonic() < deadline + 10:
            app.processEvents()
            time.sleep(0.005)
    if panel is not None:
        panel.refresh_all()
    for _ in range(5):
        app.processEvents()
    return controller.record.summary
