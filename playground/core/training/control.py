"""Run control across threads and processes: pause, resume, stop, step one batch or one epoch, set the LR.

The window calls the request methods; the trainer calls `at_step_boundary()` before every batch.
All of it lives in one small array of numbers (`multiprocessing.RawArray` when the trainer is in a
worker process, a plain list in a thread), so the same object steers a run anywhere, and the hot
loop pays one comparison while nothing is asked.

No locks: each number has one writer. The window only writes its requests (the pause flag, the
stop flag, counters of batch and epoch steps asked for, the new LR and its sequence number); the
trainer only writes what it has done (counters of the same). A request is anything the trainer
has not seen yet, so none is lost, and a worker that dies can never leave the window waiting on
a lock it held. While paused, the trainer waits in short sleeps.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, MutableSequence
from typing import Any

from playground.core.i18n import _

# The slots of the shared array.
_REQUESTS = 0  # window: incremented by every request (the hot loop's one comparison)
_PAUSED = 1  # window: 1 while paused
_STOP = 2  # window: 1 once a stop was asked for
_BATCHES_ASKED = 3  # window: batches asked for while paused (cumulative)
_EPOCHS_ASKED = 4  # window: "to the end of the epoch" asked (cumulative)
_LR = 5  # window: the learning rate last asked for
_LR_ASKED = 6  # window: how many times an LR was asked for
_BATCHES_DONE = 7  # trainer: batches it ran of those asked
_EPOCHS_DONE = 8  # trainer: epoch ends it reached of those asked
_LR_TAKEN = 9  # trainer: LR requests it has applied
_ACKNOWLEDGED = 10  # window sets 1 when it has taken the last update; the trainer 0 when it sends one
_PREDICTION_WANTED = 11  # window sets 1 when it has drawn the last prediction; the trainer 0 when it makes one
SLOTS = 12
PAUSE_POLL_SECONDS = 0.005


class TrainingControl:
    """Requests from the window, honoured by the trainer at the next step boundary."""

    def __init__(self, state: MutableSequence[float] | None = None, reset: bool = True) -> None:
        """`state`: numbers shared with the other side (a worker process rebuilds its control from
        the window's array and passes `reset=False`, so it never clears what the window asked)."""
        self._state: MutableSequence[float] = state if state is not None else [0.0] * SLOTS
        self._seen = 0.0  # the trainer's copy of _REQUESTS after its last look
        self._waiting = False  # trainer: paused, or stepping, so every boundary needs a look
        # the trainer's side, set by whoever runs it: messages from the window that are not numbers
        # (what to look inside), and work to do while a paused run waits (answer those messages)
        self.mailbox: Callable[[], list[Any]] | None = None
        self.while_paused: Callable[[], None] | None = None
        if reset or state is None:
            self.reset()

    @classmethod
    def shared(cls, context: Any = None) -> TrainingControl:
        """A control whose numbers live in shared memory, for a trainer in another process
        (pass `state` to the process; it rebuilds the control with `TrainingControl(state)`)."""
        context = context or multiprocessing.get_context("spawn")
        return cls(context.RawArray("d", SLOTS))

    @property
    def state(self) -> MutableSequence[float]:
        return self._state

    def reset(self) -> None:
        """A fresh run: nothing asked, the window ready for updates and predictions."""
        state = self._state
        for index in range(SLOTS):
            state[index] = 0.0
        state[_ACKNOWLEDGED] = 1.0
        state[_PREDICTION_WANTED] = 1.0
        self._seen = 0.0
        self._waiting = False

    def begin_run(self) -> None:
        """The trainer's side of a new run (the window has reset the numbers): look at everything."""
        self._seen = 0.0
        self._waiting = False

    # ---- requests (the window) ---------------------------------------------------------------
    def _ask(self) -> None:
        self._state[_REQUESTS] += 1.0

    def pause(self) -> None:
        state = self._state
        state[_BATCHES_ASKED] = state[_BATCHES_DONE]  # forget steps asked for earlier
        state[_EPOCHS_ASKED] = state[_EPOCHS_DONE]
        state[_PAUSED] = 1.0
        self._ask()

    def resume(self) -> None:
        state = self._state
        state[_BATCHES_ASKED] = state[_BATCHES_DONE]
        state[_EPOCHS_ASKED] = state[_EPOCHS_DONE]
        state[_PAUSED] = 0.0
        self._ask()

    def stop(self) -> None:
        self._state[_STOP] = 1.0
        self._ask()

    def step_batch(self) -> None:
        """Run exactly one more batch, then pause (pauses a running run after its next batch)."""
        state = self._state
        state[_PAUSED] = 1.0
        state[_BATCHES_ASKED] = max(state[_BATCHES_ASKED], state[_BATCHES_DONE]) + 1.0
        self._ask()

    def step_epoch(self) -> None:
        """Run to the end of the current epoch, then pause."""
        state = self._state
        state[_PAUSED] = 1.0
        state[_EPOCHS_ASKED] = state[_EPOCHS_DONE] + 1.0
        self._ask()

    def set_lr(self, value: float) -> None:
        if not value > 0:
            raise ValueError(_("learning rate must be positive, got {value}").format(value=repr(value)))
        state = self._state
        state[_LR] = float(value)
        state[_LR_ASKED] += 1.0
        self._ask()

    @property
    def paused(self) -> bool:
        return self._state[_PAUSED] != 0.0

    @property
    def stop_requested(self) -> bool:
        return self._state[_STOP] != 0.0

    # ---- the handshake that paces updates ----------------------------------------------------
    @property
    def acknowledged(self) -> bool:
        return self._state[_ACKNOWLEDGED] != 0.0

    @acknowledged.setter
    def acknowledged(self, value: bool) -> None:
        self._state[_ACKNOWLEDGED] = 1.0 if value else 0.0

    @property
    def prediction_wanted(self) -> bool:
        return self._state[_PREDICTION_WANTED] != 0.0

    @prediction_wanted.setter
    def prediction_wanted(self, value: bool) -> None:
        self._state[_PREDICTION_WANTED] = 1.0 if value else 0.0

    # ---- the trainer --------------------------------------------------------------------------
    def messages(self) -> list[Any]:
        """What the window sent since the last look (never blocks; empty without a mailbox)."""
        return self.mailbox() if self.mailbox is not None else []

    @property
    def _attention(self) -> bool:
        """The hot loop's check: a request the trainer has not seen, or a pause it is stepping in."""
        return self._waiting or self._state[_REQUESTS] != self._seen

    needs_attention = _attention

    def take_lr(self) -> float | None:
        state = self._state
        if state[_LR_ASKED] == state[_LR_TAKEN]:
            return None
        state[_LR_TAKEN] = state[_LR_ASKED]
        return float(state[_LR])

    def at_step_boundary(self, on_pause: Callable[[bool], None] | None = None) -> bool:
        """Wait while paused; return False when the run must stop.

        `on_pause(True)` is called (in the trainer's thread) when the run starts waiting and
        `on_pause(False)` when it goes on, so observers can show the state.
        """
        state = self._state
        waited = False
        while True:
            self._seen = state[_REQUESTS]
            if state[_STOP]:
                return False
            if not state[_PAUSED] or state[_EPOCHS_ASKED] > state[_EPOCHS_DONE]:
                break
            if state[_BATCHES_ASKED] > state[_BATCHES_DONE]:
                state[_BATCHES_DONE] += 1.0
                break
            if not waited:
                waited = True
                if on_pause is not None:
                    on_pause(True)
                continue
            if self.while_paused is not None:
                self.while_paused()
            time.sleep(PAUSE_POLL_SECONDS)
        self._waiting = bool(state[_PAUSED]) or state[_LR_ASKED] != state[_LR_TAKEN]
        if waited and on_pause is not None:
            on_pause(False)
        return True

    def at_epoch_end(self) -> None:
        """An epoch finished: a `step_epoch` request is fulfilled (the run pauses next)."""
        state = self._state
        if state[_EPOCHS_ASKED] > state[_EPOCHS_DONE]:
            state[_EPOCHS_DONE] = state[_EPOCHS_ASKED]
            self._waiting = True
