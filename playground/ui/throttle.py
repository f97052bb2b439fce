"""A refresh that many edits in a row make only once: the Code and Summary panels redraw a short
while after the last change of a burst (a drag, a typed number), not on every one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """`request()` schedules `refresh` after `interval_ms`; further requests meanwhile merge into it."""

    def __init__(self, parent: QObject, interval_ms: int, refresh: Callable[[], None]) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(refresh)
        self._refresh = refresh

    def request(self, *_: object) -> None:
        self._timer.start()

    def is_pending(self) -> bool:
        return self._timer.isActive()

    def cancel(self) -> None:
        """The refresh is happening now by other means (it calls this first)."""
        self._timer.stop()

    def flush(self) -> None:
        """Refresh now if one is waiting (snapshots and tests)."""
        if self._timer.isActive():
            self._timer.stop()
            self._refresh()
