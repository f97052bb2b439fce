"""Runs races (and other long comparisons) out of the GUI's way.

A job runs in a QThread of its own. A race's contenders train in the application's training
workers (`playground.ui.training.workers.pool()`: worker processes, or threads with
``--in-process``): the race acquires the workers it needs (all cores but one, at most one per
run), splits its runs over them, relays their events from the job's thread and releases the
workers before it ends. Events go into a queue that a GUI-thread timer drains at most ~25 times a
second and emits as one batch, so a fast race cannot flood the event loop. Stop is cooperative:
each worker's `TrainingControl` ends its contenders at their next step (a worker process that
does not stop in time is ended); a worker that dies fails its own contenders, never the race.
Every thread is registered with `playground.ui.threads.track`.
"""

from __future__ import annotations

import collections
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from playground.core.compare.history import RunRecord
from playground.core.compare.race import Contender, Race, RaceError, RaceFinished, RaceOptions
from playground.core.experiment.schema import Experiment
from playground.ui.threads import track
from playground.ui.training import workers

DRAIN_INTERVAL_MS = 40  # at most 25 batches of events per second reach the widgets


class _Worker(QObject):
    """Lives in the worker thread; calls `job()` there and reports back."""

    done = Signal(object)  # the job's result
    failed = Signal(str)

    def __init__(self, job: Callable[[], Any]) -> None:
        super().__init__()
        self._job = job

    @Slot()
    def run(self) -> None:
        try:
            result = self._job()
        except RaceError as exc:  # already in plain words
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - reported to the GUI, never swallowed
            traceback.print_exc()
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.done.emit(result)


class ThreadRunner(QObject):
    """One job at a time in a fresh QThread, with queued plain-data progress events."""

    events = Signal(list)  # a batch of progress events, in order
    finished = Signal(object)  # the job's result (after the last `events` batch)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: collections.deque = collections.deque()
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_INTERVAL_MS)
        self._timer.timeout.connect(self._drain)

    # ---- for the job (any thread) --------------------------------------------------------------
    def post(self, event: Any) -> None:
        """Queue a progress event (thread-safe; called from worker threads)."""
        self._queue.append(event)

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # ---- for the GUI ----------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self._thread is not None

    def start_job(self, job: Callable[[], Any], on_stop: Callable[[], None] | None = None) -> None:
        if self._thread is not None:
            raise RuntimeError("a job is already running")
        self._stop.clear()
        self._on_stop = on_stop
        self._queue.clear()
        thread = track(QThread())
        thread.setObjectName("compare-worker")
        worker = _Worker(job)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        self._thread, self._worker = thread, worker
        thread.start()
        self._timer.start()
        self.running_changed.emit(True)

    def stop(self) -> None:
        """Ask the job to stop (returns at once; `finished` follows when it has)."""
        self._stop.set()
        callback = getattr(self, "_on_stop", None)
        if callback is not None and self._thread is not None:
            callback()

    def shutdown(self) -> None:
        """Stop and wait for the thread (window closing, tests)."""
        if self._thread is None:
            return
        self.stop()
        thread = self._thread
        thread.quit()
        thread.wait()
        # the worker's done/failed signal may still be queued: deliver it now
        QCoreApplication.sendPostedEvents(self)
        if self._thread is thread:
            self._finish_thread()
            self._drain()

    def _finish_thread(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        self._timer.stop()
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self.running_changed.emit(False)

    @Slot()
    def _drain(self) -> None:
        if not self._queue:
            return
        batch = []
        while self._queue:
            batch.append(self._queue.popleft())
        self.events.emit(batch)

    @Slot(object)
    def _on_done(self, result: Any) -> None:
        self._finish_thread()
        self._drain()
        self.finished.emit(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._finish_thread()
        self._drain()
        self.failed.emit(message)


class RaceRunner(ThreadRunner):
    """Runs one `Race` at a time on the application's training workers; `finished` carries the
    finished Race (its runs are complete, its workers back in the pool)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.race: Race | None = None

    def start(
        self, experiment: Experiment, contenders: Sequence[Contender], options: RaceOptions | None = None
    ) -> Race:
        race = Race(experiment, contenders, options, observer=self.post)
        self.race = race
        pool = workers.pool()

        def job() -> Race:
            race.run(pool)
            return race

        self.start_job(job, on_stop=race.stop)
        return race

    @staticmethod
    def records(race: Race, group: str) -> list[RunRecord]:
        """History records of a finished race, one per contender (mean over seeds)."""
        return [
            RunRecord.from_race(race, index, group)
            for index in range(len(race.contenders))
            if any(run.contender == index and run.epochs for run in race.runs)
        ]


__all__ = ["RaceFinished", "RaceRunner", "ThreadRunner"]
