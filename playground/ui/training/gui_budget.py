"""A cap on how much of the GUI thread's time live redraws may take while a model trains.

PySide6 keeps the GIL for the whole of a C++ call made from Python, and a QGraphicsView paints
from pyqtgraph's Python `paintEvent`, so every millisecond the GUI thread spends drawing (Python
or C++) is a millisecond the training thread cannot run. Each view already measures its own
redraw cost, but the GUI thread also handles signals, lays out labels and composes the window;
only the thread's total CPU time tells what training really loses. `GuiTimeBudget` is a token
bucket over that total: time accrues at `share` of the wall clock (up to `burst`), everything
the GUI thread does spends it, and a redraw starts only while the balance is positive.
"""

from __future__ import annotations

import time
from typing import Callable

# At most this share of the wall clock for the GUI thread as a whole while training: about the
# throughput the window costs a training thread that needs the GIL for every step.
GUI_SHARE = 0.06
# Saved-up time a quiet GUI may spend at once (a redraw of several views after a pause).
GUI_BURST = 0.03
# The deepest debt kept: a GUI thread busy with other work (a flood of tiny epochs, a slow
# machine) must not owe so much that the views stay frozen long after the flood has passed.
GUI_MAX_DEBT = 0.1


class GuiTimeBudget:
    """Token bucket over the CPU time of the thread that calls it (the GUI thread)."""

    def __init__(self, share: float = GUI_SHARE, burst: float = GUI_BURST, max_debt: float = GUI_MAX_DEBT,
                 cpu_clock: Callable[[], float] = time.thread_time,
                 wall_clock: Callable[[], float] = time.monotonic) -> None:
        if share <= 0:
            raise ValueError("share must be positive")
        self.share = share
        self.burst = burst
        self.max_debt = max_debt
        self._cpu_clock = cpu_clock
        self._wall_clock = wall_clock
        self.reset()

    def reset(self) -> None:
        """Start full: the first redraw of a run is never held back."""
        self._cpu = self._cpu_clock()
        self._wall = self._wall_clock()
        self._balance = self.burst

    def _settle(self) -> None:
        cpu, wall = self._cpu_clock(), self._wall_clock()
        earned = self.share * max(0.0, wall - self._wall)
        balance = self._balance + earned - max(0.0, cpu - self._cpu)
        self._balance = min(self.burst, max(-self.max_debt, balance))
        self._cpu, self._wall = cpu, wall

    def balance(self) -> float:
        """Seconds of GUI time that may be spent now (negative: in debt)."""
        self._settle()
        return self._balance

    def available(self) -> bool:
        return self.balance() > 0.0

    def wait_seconds(self) -> float:
        """How long until the balance is positive again, if the GUI spent nothing meanwhile."""
        balance = self.balance()
        return 0.0 if balance > 0 else -balance / self.share
