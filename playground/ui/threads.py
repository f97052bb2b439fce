"""A registry of the app's worker threads, so tests and shutdown can see every one of them.

QThreads created without a QObject parent are invisible to `findChildren`; every worker
thread the app starts is registered here (weakly) by `track`.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QThread

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def track(thread: QThread) -> QThread:
    _THREADS.add(thread)
    return thread


def running_threads() -> list[QThread]:
    """Tracked threads that are still running (deleted C++ objects are skipped)."""
    running = []
    for thread in list(_THREADS):
        try:
            if thread.isRunning():
                running.append(thread)
        except RuntimeError:  # the C++ object is already gone
            continue
    return running
