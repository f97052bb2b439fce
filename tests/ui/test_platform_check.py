"""Before Qt starts, `playground` says why a window cannot open and how to fix it (exit 1), instead
of Qt aborting the process with a core dump."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from playground.ui.platform_check import parse_ldd, platform_problem

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 check is Linux's")

LDD = """\
\tlinux-vdso.so.1 (0x00007ffc)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
"""


def test_ldd_output_gives_the_missing_libraries_once_each():
    assert parse_ldd(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert parse_ldd("") == []


def test_missing_libraries_are_named_with_the_packages_that_bring_them():
    problem = platform_problem({"DISPLAY": ":0"}, missing=["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in problem
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in problem
    assert "libxcb-cursor0" in problem  # the whole list as the README gives it
    assert "playground snapshot" in problem and "QT_QPA_PLATFORM=offscreen" in problem
    assert platform_problem({"DISPLAY": ":0"}, missing=[]) is None


def test_no_display_is_said_and_other_platforms_are_left_to_qt():
    problem = platform_problem({})
    assert "no display" in problem and "xvfb-run" in problem and "QT_QPA_PLATFORM=offscreen" in problem
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert platform_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert platform_problem({"QT_QPA_PLATFORM": "xcb"}) is not None  # asked for X11 with no display


def test_the_app_without_a_display_exits_1_with_the_message_not_an_abort(tmp_path):
    env = {
        key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "playground"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "no display" in result.stderr and "playground snapshot" in result.stderr
