"""Warm training workers, kept ready and reused from run to run.

`acquire()` hands out an idle warm worker at once when there is one (else a new one, starting);
`release()` takes it back after its run, and a fresh one is started in the background whenever
none is left ready, so the next Train takes effect at once. Races borrow several. `shutdown()`
ends them all (the application quitting): no child process outlives the window.
"""

from __future__ import annotations

import os
import threading

from playground.core.runs.worker import WorkerProcess


def race_workers() -> int:
    """Worker processes a race may use: all cores but one (the window's), at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


class WorkerPool:
    """Idle warm workers, all of one kind (processes, or threads with `in_process`)."""

    def __init__(self, in_process: bool = False, keep_ready: int = 1) -> None:
        self.in_process = in_process
        self.keep_ready = keep_ready
        self._idle: list[WorkerProcess] = []
        self._busy: list[WorkerProcess] = []
        self._lock = threading.Lock()
        self._closed = False

    def prestart(self) -> None:
        """Have `keep_ready` workers starting or ready in the background (returns at once)."""
        with self._lock:
            if self._closed:
                return
            missing = self.keep_ready - len(self._idle)
            for _ in range(max(0, missing)):
                worker = WorkerProcess(self.in_process).start()
                self._idle.append(worker)
                threading.Thread(target=worker.wait_ready, name="warm-worker", daemon=True).start()

    def acquire(self) -> WorkerProcess:
        """A worker for one run: an idle one (ready, or still warming up), else a new one starting."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool was shut down")
            while self._idle:
                worker = self._idle.pop(0)
                if worker.is_alive() and not worker.killed:
                    break
                worker.close(0.1)
            else:
                worker = WorkerProcess(self.in_process).start()
            self._busy.append(worker)
        return worker

    def release(self, worker: WorkerProcess) -> None:
        """The run is over: keep the worker ready for the next one, or end it if it is unusable."""
        with self._lock:
            if worker in self._busy:
                self._busy.remove(worker)
            usable = not self._closed and worker.is_alive() and not worker.killed and worker.failure is None
            keep = usable and len(self._idle) < self.keep_ready
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.close(0.5)
        self.prestart()

    def discard(self, worker: WorkerProcess) -> None:
        """End a worker that must not be used again (it did not stop, or it died)."""
        with self._lock:
            if worker in self._busy:
                self._busy.remove(worker)
        worker.kill()
        self.prestart()

    def busy(self) -> list[WorkerProcess]:
        with self._lock:
            return list(self._busy)

    def idle(self) -> list[WorkerProcess]:
        with self._lock:
            return list(self._idle)

    def shutdown(self, timeout: float = 2.0) -> None:
        """End every worker, idle and busy (the application quits); the pool can be opened again."""
        with self._lock:
            workers = self._idle + self._busy
            self._idle, self._busy = [], []
        for worker in workers:
            worker.close(timeout)

    def close(self) -> None:
        """Shut down for good: later acquires fail."""
        with self._lock:
            self._closed = True
        self.shutdown()
