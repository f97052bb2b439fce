"""Thread-safe run control: pause, resume, stop, step one batch or one epoch, set the LR.

Another thread (the GUI) calls these methods; the training thread calls `at_step_boundary()`
before every batch. That call costs one attribute read while nothing is requested, so the hot
loop stays as fast as a bare PyTorch loop.
"""

from __future__ import annotations

import threading
from typing import Callable


class TrainingControl:
    """Requests from other threads, honoured by the trainer at the next step boundary."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._attention = False  # fast path flag: something is requested
        self._paused = False
        self._stop = False
        self._batches_allowed = 0  # while paused: batches to run before pausing again
        self._finish_epoch = False  # while paused: run to the end of the current epoch
        self._pending_lr: float | None = None

    # ---- requests (any thread) -------------------------------------------------------------
    def pause(self) -> None:
        with self._lock:
            self._paused = True
            self._batches_allowed = 0
            self._finish_epoch = False
            self._attention = True
            self._lock.notify_all()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            self._batches_allowed = 0
            self._finish_epoch = False
            self._lock.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._attention = True
            self._lock.notify_all()

    def step_batch(self) -> None:
        """Run exactly one more batch, then pause (pauses a running run after its next batch)."""
        with self._lock:
            self._paused = True
            self._batches_allowed += 1
            self._attention = True
            self._lock.notify_all()

    def step_epoch(self) -> None:
        """Run to the end of the current epoch, then pause."""
        with self._lock:
            self._paused = True
            self._finish_epoch = True
            self._attention = True
            self._lock.notify_all()

    def set_lr(self, value: float) -> None:
        if not value > 0:
            raise ValueError(f"learning rate must be positive, got {value!r}")
        with self._lock:
            self._pending_lr = float(value)
            self._attention = True
            self._lock.notify_all()

    @property
    def needs_attention(self) -> bool:
        """Cheap check for the hot loop: is anything requested at all?"""
        return self._attention

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stop_requested(self) -> bool:
        return self._stop

    # ---- the training thread ----------------------------------------------------------------
    def take_lr(self) -> float | None:
        with self._lock:
            value, self._pending_lr = self._pending_lr, None
            self._attention = self._paused or self._stop or self._finish_epoch
            return value

    def at_step_boundary(self, on_pause: Callable[[bool], None] | None = None) -> bool:
        """Block while paused; return False when the run must stop.

        `on_pause(True)` is called (in the training thread) when the run starts waiting and
        `on_pause(False)` when it goes on, so observers can show the state.
        """
        if not self._attention:
            return True
        with self._lock:
            waited = False
            while True:
                if self._stop:
                    return False
                if not self._paused or self._finish_epoch:
                    break
                if self._batches_allowed > 0:
                    self._batches_allowed -= 1
                    break
                if not waited and on_pause is not None:
                    waited = True
                    self._lock.release()
                    try:
                        on_pause(True)
                    finally:
                        self._lock.acquire()
                    continue
                waited = True
                self._lock.wait()
            self._attention = self._paused or self._stop or self._pending_lr is not None
        if waited and on_pause is not None:
            on_pause(False)
        return True

    def at_epoch_end(self) -> None:
        """An epoch finished: a `step_epoch` request is fulfilled (the run pauses next)."""
        if self._finish_epoch:
            with self._lock:
                self._finish_epoch = False
                self._attention = True
