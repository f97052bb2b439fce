"""The Training tab's time machine: scrub a run back to any kept epoch, and fork from there.

The run's worker keeps a weight snapshot at every chosen epoch and sends it with the updates
(`RunLog.timeline`). Scrubbing the `TimelineBar` to epoch k recomputes, off the GUI thread
(`ReplayRunner`), what the task view (decision boundary, predictions, confusion matrix), the
network view and the look inside a node showed at epoch k, and draws a line at that moment on the
loss and learning-rate plots. While the bar is not live, the live views' new data waits here and
comes back with Live. Once a run has ended, a look inside another node is answered the same way,
from the snapshot shown. Fork and Rewind are only asked for (`fork_wanted`): the window owns the
document, so it applies the new settings and starts the branch.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from playground.core.runs.records import ProbeRequest, RunUpdate
from playground.ui.training.replay_thread import ReplayRunner
from playground.ui.training.timeline_bar import TimelineBar


class TimeMachine(QObject):
    """Scrubbing and forking for one training panel (its views, its controller's runs)."""

    fork_wanted = Signal(int, bool)  # the epoch to fork from, and whether it is a rewind (epoch 0)
    replayed = Signal(int)  # the views show this kept epoch now (after a scrub)

    def __init__(self, panel: Any) -> None:
        super().__init__(panel)
        self.panel = panel
        self.bar = TimelineBar(panel)
        self.bar.setObjectName("timelineBar")
        self.replayer = ReplayRunner(self)
        self.replayer.answered.connect(self._on_answered)
        self._shown: int | None = None  # the kept epoch the views show; None: live
        self._live: dict[str, Any] = {}  # the latest live data of the views a scrub replaces
        self.bar.epoch_chosen.connect(self._on_epoch_chosen)
        self.bar.live_chosen.connect(self._on_live_chosen)
        self.bar.fork_requested.connect(lambda epoch: self.fork_wanted.emit(int(epoch), False))
        self.bar.rewind_requested.connect(lambda: self.fork_wanted.emit(0, True))

    @property
    def record(self) -> Any:
        return self.panel.controller.record

    def shown_epoch(self) -> int | None:
        """The kept epoch the views show (None: the live run, or its end)."""
        return self._shown

    # ---- the run ------------------------------------------------------------------------------------
    def reset(self) -> None:
        """A new run (or none): live, no kept epochs yet."""
        self._shown = None
        self._live = {}
        self.bar.set_epochs([], 0)
        self.bar.set_live()
        self._set_cursor(None)

    def take(self, update: RunUpdate) -> RunUpdate:
        """The update as the views should draw it: while scrubbed, the live task, network and probe
        data are kept aside (and come back with Live)."""
        for key in ("prediction", "neurons", "probe"):
            value = getattr(update, key)
            if value is not None:
                self._live[key] = value
        if update.snapshots and self.record.timeline is not None:
            latest = update.progress.epoch if update.progress is not None else 0
            self.bar.set_epochs(self.record.timeline.epochs(), max(latest, self.record.timeline.epochs()[-1]))
        if self._shown is None:
            return update
        held = RunUpdate(progress=update.progress, steps=update.steps, epochs=update.epochs)
        held.diagnostics, held.lr_changes, held.probe_error = update.diagnostics, update.lr_changes, update.probe_error
        return held

    # ---- scrubbing ------------------------------------------------------------------------------------
    def _snapshot(self, epoch: int) -> Any:
        timeline = self.record.timeline
        if timeline is None:
            return None
        snapshot = timeline.get(epoch)
        return snapshot if snapshot is not None else (timeline.latest() if epoch < 0 else None)

    def _ask(self, snapshot: Any, views: bool, probe: ProbeRequest | None) -> None:
        log = self.record
        experiment = log.experiment
        if experiment is None or snapshot is None:
            return
        base_dir = self.panel.controller.document.base_dir()
        self.replayer.ask(
            experiment, str(base_dir) if base_dir is not None else None, snapshot, views, probe, snapshot.epoch
        )

    def _probe_request(self) -> ProbeRequest | None:
        view = self.panel.probe_view
        return view.request() if view.is_looking() else None

    def _on_epoch_chosen(self, epoch: int) -> None:
        snapshot = self._snapshot(epoch)
        if snapshot is None:
            return
        self._shown = epoch
        batches = max(1, self.record.setup.batches_per_epoch if self.record.setup is not None else 1)
        self._set_cursor((float(snapshot.step), float(snapshot.step) / batches))
        self._ask(snapshot, True, self._probe_request())

    def _on_live_chosen(self) -> None:
        self._shown = None
        self._set_cursor(None)
        panel = self.panel
        if "prediction" in self._live:
            panel.task_view.set_prediction(self._live["prediction"])
        if "neurons" in self._live:
            panel.network_view.set_maps(self._live["neurons"])
        if "probe" in self._live:
            panel.probe_view.set_result(self._live["probe"])
        elif not panel.controller.bridge.is_active():
            self.look_again(self._probe_request())
        panel.mark_changed("task", "network", "inside")

    def look_again(self, request: ProbeRequest | None) -> bool:
        """Answer a look inside from the snapshot shown (or, after a run, its last one); False when
        the worker answers it (a live run) or there is no snapshot to answer from."""
        if request is None:
            return False
        live_run = self.panel.controller.bridge.is_active() and self._shown is None
        if live_run:
            return False
        snapshot = self._snapshot(self._shown if self._shown is not None else -1)
        if snapshot is None:
            return False
        self._ask(snapshot, False, request)
        return True

    def _on_answered(self, answer: Any) -> None:
        self.replayer.take_answer_number(answer.number)
        panel = self.panel
        shown = self._shown
        if shown is not None and answer.epoch != shown:
            return  # an epoch scrubbed past
        if answer.error:
            panel.probe_view.set_error(
                QCoreApplication.translate("TimeMachine", "Epoch {epoch} could not be shown again: {error}").format(
                    epoch=answer.epoch, error=answer.error
                )
            )
        views = answer.views
        if views is not None and shown is not None:
            if views.prediction is not None:
                panel.task_view.set_prediction(views.prediction)
            if views.neurons is not None:
                panel.network_view.set_maps(views.neurons)
        if answer.probe is not None:
            panel.probe_view.set_result(answer.probe)
        panel.mark_changed("task", "network", "inside")
        if shown is not None:
            self.replayed.emit(shown)

    def _set_cursor(self, at: tuple[float, float] | None) -> None:
        panel = self.panel
        step, epoch_x = at if at is not None else (None, None)
        panel.loss_plot.set_time_cursor(step, epoch_x)
        panel.lr_plot.set_time_cursor(step, epoch_x)

    def shutdown(self) -> None:
        self.replayer.shutdown()
