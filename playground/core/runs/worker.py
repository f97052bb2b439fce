"""The training worker: a process (or, where child processes are not allowed, a thread) that trains.

Why a process: painting in the window holds the GIL, so a training thread and the views starve
each other; a process gives training its own interpreter and core. The worker is started with the
`spawn` method (a process that has started Qt is never forked), warms up (imports torch and the
engine, builds a first optimizer, which pulls in torch's compiler) and then serves one
`RunRequest` after another, so a Train press takes effect at once.

`WorkerProcess` is the window's side: it starts the worker, sends it requests, receives its typed
records (`playground.core.runs.records`), steers it through a `TrainingControl` in shared memory,
and ends it. A worker that dies (killed, out of memory, a crash in native code) is noticed at the
next `receive` and described in plain words. The same class runs the same `serve` loop in a
thread when `in_process` is set; both are tested. No Qt here.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

import torch

from playground.core.i18n import _
from playground.core.runs.records import RunRequest
from playground.core.training.control import TrainingControl

START_SECONDS = 120.0  # at most this long to start and warm up (a cold disk, a busy machine)


@dataclass
class WorkerReady:
    pid: int


@dataclass
class Quit:
    """Ends the worker's loop."""


class WorkerDied(Exception):
    """The worker ended without being asked to; the message says how, in words a user understands."""


def warm_up() -> None:
    """Import what a run needs and build a first optimizer (torch imports its compiler then, which
    takes seconds the first time): the first Train press should not wait for any of it."""
    import playground.core.data  # noqa: F401  # lazy: this is the worker's warm-up
    import playground.core.graph  # noqa: F401  # lazy: this is the worker's warm-up
    import playground.core.runs.probes  # noqa: F401  # lazy: this is the worker's warm-up
    from playground.core.training import engine  # noqa: F401  # lazy: this is the worker's warm-up

    parameter = torch.nn.Parameter(torch.zeros(2))
    optimizer = torch.optim.Adam([parameter], lr=1e-3)
    parameter.grad = torch.zeros(2)
    optimizer.step()


def run_job(run_id: int, request: Any, control: TrainingControl, send: Any, process: str) -> None:
    """Carry out one request in the worker: a `RunRequest` trains one run (`RunSession`); other
    kinds of work (a race's share of contenders) register their runner in `JOBS`."""
    runner = JOBS.get(type(request))
    if runner is None:
        raise TypeError(f"the training worker cannot run a {type(request).__name__}")
    runner(run_id, request, control, send, process)


def _train_one(run_id: int, request: RunRequest, control: TrainingControl, send: Any, process: str) -> None:
    from playground.core.runs.session import RunSession  # lazy: keeps the run session out of the window's start-up

    RunSession(run_id, request, control, send, process).run()


JOBS: dict[type, Any] = {RunRequest: _train_one}


class Mailbox:
    """The worker's side of messages the window sends during a run (they share the run's pipe):
    everything waiting, without blocking."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def __call__(self) -> list[Any]:
        messages = []
        try:
            while self._connection.poll(0):
                messages.append(self._connection.recv())
        except (EOFError, OSError):
            pass
        return messages


def serve(connection: Any, state: Any, process: str = "process") -> None:
    """The worker's loop: warm up, then carry out each request that arrives, until told to quit or
    until the window's end of the connection is gone (the window closed or died)."""
    if process == "process":
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the window's to handle
    control = TrainingControl(state, reset=False)
    control.mailbox = Mailbox(connection)
    try:
        warm_up()
        connection.send(WorkerReady(os.getpid()))
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                return
            if isinstance(message, Quit) or message is None:
                return
            if not isinstance(message, tuple):
                continue  # meant for a run that has ended (what to look inside): nothing to do
            run_id, request = message
            control.begin_run()
            run_job(run_id, request, control, connection.send, process)
    except (BrokenPipeError, EOFError, OSError):
        return  # the window went away mid-run: nobody to report to
    finally:
        try:
            connection.close()
        except OSError:
            pass


def describe_exit(exitcode: int | None) -> str:
    """How a worker process ended, and the likely reason, for the window's message."""
    if exitcode is None:
        return _("the training process stopped answering")
    if exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = _("signal {number}").format(number=number)
        if number == getattr(signal, "SIGKILL", 9):
            return _(
                "the training process stopped unexpectedly (killed, {signal}): the model may be too large for "
                "this machine's memory"
            ).format(signal=name)
        if number == getattr(signal, "SIGSEGV", 11):
            return _("the training process crashed ({signal}, in native code)").format(signal=name)
        return _("the training process stopped unexpectedly ({signal})").format(signal=name)
    return _("the training process stopped unexpectedly (exit code {code})").format(code=exitcode)


class WorkerProcess:
    """The window's handle on one worker (a spawned process, or a thread with `in_process`)."""

    def __init__(self, in_process: bool = False) -> None:
        self.in_process = in_process
        self._context = multiprocessing.get_context("spawn")
        self.control = TrainingControl.shared(self._context) if not in_process else TrainingControl()
        self._connection: Any = None
        self._runner: Any = None  # the Process, or the Thread
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._reading = threading.Lock()  # one thread at a time reads the worker's greeting
        self.pid: int | None = None
        self.killed = False  # ended by `kill()` (a stop that did not take effect)
        self.failure: str | None = None  # set when it could not start

    # ---- life ----------------------------------------------------------------------------------
    def start(self) -> WorkerProcess:
        """Start it (returns at once; `wait_ready` waits for the warm-up)."""
        with self._lock:
            if self._runner is not None:
                return self
            parent, child = self._context.Pipe(duplex=True)
            self._connection = parent
            if self.in_process:
                runner: Any = threading.Thread(
                    target=serve, args=(child, self.control.state, "thread"), name="training-worker", daemon=True
                )
            else:
                runner = self._context.Process(
                    target=serve,
                    args=(child, self.control.state, "process"),
                    name="nn-playground-training",
                    daemon=True,
                )
            runner.start()
            if not self.in_process:
                child.close()  # the child has its own copy; the parent's would hide the child's death
            self.pid = runner.pid if not self.in_process else os.getpid()
            self._runner = runner
        return self

    def wait_ready(self, timeout: float = START_SECONDS) -> bool:
        """Block until the worker has warmed up; False when it did not within `timeout` (and
        `failure` set when it ended). Several threads may wait at once; one of them reads."""
        if self._ready.is_set():
            return True
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._ready.is_set():
            if not self._reading.acquire(timeout=0.05):
                continue  # another thread is reading the greeting
            try:
                if not self._ready.is_set() and self._connection.poll(0.05):
                    message = self._connection.recv()
                    if isinstance(message, WorkerReady):
                        self.pid = message.pid
                        self._ready.set()
            except (EOFError, OSError):
                break
            finally:
                self._reading.release()
            if not self.is_alive():
                break
        if self._ready.is_set():
            return True
        if not self.is_alive():
            self.failure = describe_exit(self.exitcode())
        return False

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def is_alive(self) -> bool:
        return self._runner is not None and self._runner.is_alive()

    def exitcode(self) -> int | None:
        return None if self.in_process or self._runner is None else self._runner.exitcode

    def kill(self) -> None:
        """End it now (a stop that did not take effect). A thread cannot be ended: it is left to
        finish on its own and never used again."""
        self.killed = True
        if self._runner is None:
            return
        if not self.in_process:
            self._runner.kill()
            self._runner.join(5)
        self._close_connection()

    def close(self, timeout: float = 2.0) -> None:
        """Ask it to quit, and end it if it does not (the window closing)."""
        if self._runner is None:
            return
        try:
            self._connection.send(Quit())
        except (OSError, ValueError, BrokenPipeError):
            pass
        self._runner.join(timeout)
        if self._runner.is_alive() and not self.in_process:
            self._runner.kill()
            self._runner.join(5)
        self._close_connection()

    def _close_connection(self) -> None:
        try:
            if self._connection is not None:
                self._connection.close()
        except OSError:
            pass

    # ---- runs ----------------------------------------------------------------------------------
    def submit(self, run_id: int, request: Any) -> None:
        """Send one run (the worker must be ready). Requests made on `control` since the run was
        prepared (`prepare_run`) stay: a stop pressed while the worker warmed up is honoured."""
        try:
            self._connection.send((run_id, request))
        except (OSError, ValueError, BrokenPipeError) as exc:
            raise WorkerDied(self._death_message()) from exc

    def tell(self, message: Any) -> bool:
        """Send the run under way a message it reads between two steps (what to look inside);
        False when the worker is gone (the run's end is reported by `receive`)."""
        try:
            self._connection.send(message)
        except (OSError, ValueError, BrokenPipeError, AttributeError):
            return False
        return True

    def prepare_run(self) -> None:
        """Clear the controls for a new run (before anyone can steer it)."""
        self.control.reset()

    def receive(self, timeout: float) -> Any:
        """The next record from the worker, or None after `timeout` seconds; WorkerDied when it ended."""
        try:
            if self._connection.poll(timeout):
                return self._connection.recv()
        except (EOFError, OSError, ValueError) as exc:
            raise WorkerDied(self._death_message()) from exc
        if not self.is_alive():
            try:
                if self._connection.poll(0):  # what it sent before it ended
                    return self._connection.recv()
            except (EOFError, OSError, ValueError):
                pass
            raise WorkerDied(self._death_message())
        return None

    def _death_message(self) -> str:
        if self._runner is not None and not self.in_process:
            self._runner.join(1)
        return describe_exit(self.exitcode())
