"""Shared test settings: hypothesis profiles sized for a 2-core CI machine."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("dev", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---- a clean exit after a GUI session ------------------------------------------------------------
# After every test has run and the summary is printed, Python's own teardown destroys the remaining
# Qt/pyqtgraph wrappers in arbitrary order, and PySide6 can crash there (a segfault in
# ~QGraphicsWidget), turning a green run red. Nothing is left to do at that point, so the process
# leaves with pytest's exit status without that teardown (pyqtgraph's `pg.exit()` does the same).
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session, exitstatus):
    _EXIT_STATUS.append(int(exitstatus))


def pytest_unconfigure(config):
    import sys

    if "PySide6.QtWidgets" in sys.modules and _EXIT_STATUS and not hasattr(config, "workerinput"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])
