"""The application's training workers: one pool, shared by every window, ended when the app quits.

Training runs in a worker process by default; `playground --in-process` (or the setting, or
``NN_PLAYGROUND_IN_PROCESS=1``) runs the same worker code in a thread instead, for places where
child processes are not allowed. A warm worker is started once the window is up (never before
it shows), unless ``NN_PLAYGROUND_WARM_WORKER=0`` (the tests: most of them never train).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication

from playground.core.runs.pool import WorkerPool

_pool: WorkerPool | None = None
_in_process: bool | None = None  # chosen at start-up (command line or setting); None: the environment's


def use_in_process(value: bool) -> None:
    """Train in a thread of this process instead of a worker process (before the first run)."""
    global _in_process, _pool
    _in_process = bool(value)
    if _pool is not None and _pool.in_process != _in_process:
        _pool.shutdown()
        _pool = None


def in_process() -> bool:
    if _in_process is not None:
        return _in_process
    return os.environ.get("NN_PLAYGROUND_IN_PROCESS", "") not in ("", "0")


def pool() -> WorkerPool:
    """The application's pool (created on first use; shut down when the application quits)."""
    global _pool
    if _pool is None:
        _pool = WorkerPool(in_process=in_process())
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(shutdown)
    return _pool


def warm_start() -> None:
    """Start a worker in the background so the first Train does not wait for it."""
    if os.environ.get("NN_PLAYGROUND_WARM_WORKER", "1") not in ("0", ""):
        pool().prestart()


def shutdown() -> None:
    """End every worker (the application quits; tests at the end)."""
    if _pool is not None:
        _pool.shutdown()
