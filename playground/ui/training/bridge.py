"""The one bridge between the training worker and the GUI thread.

`TrainingBridge` lives in the GUI thread. `start()` takes a warm worker from the application's
pool (`workers.pool()`: a worker process, or a thread with ``--in-process``) and a fresh QThread
(registered with `playground.ui.threads.track`) whose `RunPump` sends the worker the request and
receives its typed records (`playground.core.runs.records`), re-emitting them as Qt signals. No
widget is touched here.

Steering (pause, resume, step a batch or an epoch, set the LR, stop) writes to the worker's
`TrainingControl` in shared memory, which the trainer reads at the next step boundary. After each
update the bridge tells the worker it may send the next (`acknowledged`), so a busy window never
builds a queue. A stop that has not taken effect after `STOP_SECONDS` ends the worker process and
says so; a worker that dies is reported in plain words, and the next run gets a fresh one.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from playground.core.runs.records import (
    ProbeChanged,
    ProbeRequest,
    RunFailed,
    RunFinished,
    RunPrepared,
    RunRequest,
    RunStateChanged,
    RunUpdate,
    RunUpdated,
)
from playground.core.runs.worker import START_SECONDS, WorkerDied, WorkerProcess
from playground.core.training.events import Summary
from playground.ui import threads
from playground.ui.training import workers

log = logging.getLogger(__name__)

STOP_SECONDS = 2.0  # a stop not honoured by then (a step stuck in a huge layer) ends the worker
POLL_SECONDS = 0.05

__all__ = ["RunRequest", "RunUpdate", "TrainingBridge"]


class RunPump(QObject):
    """Lives in the run's QThread: starts the run on the worker and relays its records."""

    record = Signal(int, object)  # run id, a record (RunPrepared, RunUpdated, RunStateChanged)
    ended = Signal(int, str, object)  # run id, "finished" / "failed", the Summary or the message

    def __init__(self, run_id: int, request: RunRequest, worker: WorkerProcess) -> None:
        super().__init__()
        self.run_id = run_id
        self.request = request
        self.worker = worker
        self.stop_timed_out = False  # set by the bridge before it ends the worker

    @Slot()
    def run(self) -> None:
        try:
            self._relay()
        finally:
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def _relay(self) -> None:
        worker = self.worker
        deadline = time.monotonic() + START_SECONDS
        while not worker.wait_ready(POLL_SECONDS * 2):
            if worker.control.stop_requested:
                self.ended.emit(
                    self.run_id,
                    "finished",
                    Summary(status="stopped", epochs=0, steps=0, message="Stopped before training began."),
                )
                return
            if not worker.is_alive() or time.monotonic() > deadline:
                self.ended.emit(
                    self.run_id, "failed", _sentence(worker.failure or "the training process did not start in time")
                )
                return
        try:
            worker.submit(self.run_id, self.request)
            while True:
                message = worker.receive(POLL_SECONDS)
                if message is None or getattr(message, "run", self.run_id) != self.run_id:
                    continue
                if isinstance(message, RunFinished):
                    self.ended.emit(self.run_id, "finished", message.summary)
                    return
                if isinstance(message, RunFailed):
                    self.ended.emit(self.run_id, "failed", message.message)
                    return
                self.record.emit(self.run_id, message)
        except WorkerDied as died:
            if self.stop_timed_out:
                self.ended.emit(
                    self.run_id,
                    "finished",
                    Summary(
                        status="stopped",
                        epochs=0,
                        steps=0,
                        message=f"Stopped: the run did not stop within {STOP_SECONDS:g} s (a step in a very large "
                        f"layer?), so its training process was ended.",
                    ),
                )
            else:
                self.ended.emit(self.run_id, "failed", _sentence(str(died)))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class TrainingBridge(QObject):
    """GUI-thread side: starts and steers one run at a time and re-emits its records.

    Signals (all in the GUI thread, already filtered to the current run):
    `prepared(RunSetup)`, `updated(RunUpdate)`, `state_changed(state, message)` for
    "running"/"paused", `finished(Summary)` and `failed(message)` once the run's thread has ended.
    """

    prepared = Signal(object)
    updated = Signal(object)
    state_changed = Signal(str, str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run_id = 0
        self._thread: QThread | None = None
        self._pump: RunPump | None = None
        self._worker: WorkerProcess | None = None
        self._outcome: tuple[str, Any] | None = None
        self._stop_timer = QTimer(self)
        self._stop_timer.setSingleShot(True)
        self._stop_timer.timeout.connect(self._on_stop_timeout)

    # ---- starting and steering ------------------------------------------------------------------
    def is_active(self) -> bool:
        """A run exists (running, paused, or winding down)."""
        return self._thread is not None

    @property
    def worker(self) -> WorkerProcess | None:
        return self._worker

    def start(self, request: RunRequest) -> None:
        if self._thread is not None:
            raise RuntimeError("a training run is already active; stop it first")
        self._run_id += 1
        self._outcome = None
        worker = workers.pool().acquire()
        worker.prepare_run()
        pump = RunPump(self._run_id, request, worker)
        thread = threads.track(QThread())
        thread.setObjectName(f"training-{self._run_id}")
        pump.moveToThread(thread)
        pump.record.connect(self._on_record)
        pump.ended.connect(self._on_ended)
        thread.started.connect(pump.run)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._pump, self._worker = thread, pump, worker
        thread.start()

    def _control(self) -> Any:
        return self._worker.control if self._worker is not None and self._thread is not None else None

    def pause(self) -> None:
        if (control := self._control()) is not None:
            control.pause()

    def resume(self) -> None:
        if (control := self._control()) is not None:
            control.resume()

    def step_batch(self) -> None:
        if (control := self._control()) is not None:
            control.step_batch()

    def step_epoch(self) -> None:
        if (control := self._control()) is not None:
            control.step_epoch()

    def set_lr(self, value: float) -> None:
        if (control := self._control()) is not None:
            control.set_lr(value)

    def set_probe(self, request: ProbeRequest | None) -> None:
        """Look inside another node or sample (None: at nothing) from the next step on."""
        if self._worker is not None and self._thread is not None:
            self._worker.tell(ProbeChanged(request))

    def want_prediction(self) -> None:
        """The task view has drawn the last prediction: the worker may make the next one."""
        if (control := self._control()) is not None:
            control.prediction_wanted = True

    def stop(self) -> None:
        """Ask the run to stop at the next step boundary (returns at once; `finished` follows). A
        stop that has not taken effect after STOP_SECONDS ends the worker."""
        if (control := self._control()) is not None:
            control.stop()
            if not self._stop_timer.isActive():
                self._stop_timer.start(int(STOP_SECONDS * 1000))

    def _on_stop_timeout(self) -> None:
        worker, pump = self._worker, self._pump
        if worker is None or pump is None or self._thread is None:
            return
        if worker.in_process:
            log.warning("the training thread has not stopped after %.0f s; it is left to finish", STOP_SECONDS)
            return
        pump.stop_timed_out = True
        worker.kill()

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Stop and wait for the run to end (window closing); a worker that does not stop in time is
        ended. Later signals of that run are dropped. False if its thread could not be joined."""
        thread = self._thread
        if thread is None:
            return True
        self.stop()
        wait = min(timeout_ms, int(STOP_SECONDS * 1000))
        if not thread.wait(wait):
            if self._pump is not None:
                self._pump.stop_timed_out = True
            if self._worker is not None:
                self._worker.kill()
            if not thread.wait(max(1000, timeout_ms - wait)):
                log.error("the training thread did not end within %d ms", timeout_ms)
                return False
        self._run_id += 1  # anything still queued from that run is ignored
        self._release()
        return True

    # ---- the pump's signals (GUI thread) ------------------------------------------------------------
    def _on_record(self, run_id: int, record: object) -> None:
        if run_id != self._run_id:
            return
        if isinstance(record, RunUpdated):
            try:
                self.updated.emit(record.update)
            finally:
                if (control := self._control()) is not None:
                    control.acknowledged = True
        elif isinstance(record, RunPrepared):
            self.prepared.emit(record.setup)
        elif isinstance(record, RunStateChanged):
            self.state_changed.emit(record.state, record.message)

    def _on_ended(self, run_id: int, kind: str, value: object) -> None:
        if run_id == self._run_id:
            self._outcome = (kind, value)

    def _on_thread_finished(self) -> None:
        """The pump's thread has ended: only now is the run over (so 'finished' means no thread left)."""
        if self._thread is None:
            return  # shutdown() already released this run
        sender = self.sender()
        if sender is not None and sender is not self._thread:
            return  # a thread of an earlier run
        outcome = self._outcome
        self._release()
        if outcome is None:
            outcome = ("failed", "The training thread ended without a result.")
        if outcome[0] == "finished":
            self.finished.emit(outcome[1])
        else:
            self.failed.emit(outcome[1])

    def _release(self) -> None:
        thread, pump, worker = self._thread, self._pump, self._worker
        self._thread = self._pump = self._worker = None
        self._outcome = None
        self._stop_timer.stop()
        if worker is not None:
            if worker.killed or not worker.is_alive():
                workers.pool().discard(worker)
            else:
                workers.pool().release(worker)
        if pump is not None:
            pump.deleteLater()
        if thread is not None:
            thread.deleteLater()
