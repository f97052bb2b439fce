"""Guards against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 releases `None` once too often on every call of a void C++ method; on Python
3.11 (where None is not immortal) a long session then aborts with "deallocating None". The
project pins PySide6 below 6.12; this test fails loudly if a broken binding comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPlainTextEdit


def test_void_calls_keep_none_alive(qapp):
    editor = QPlainTextEdit()
    before = sys.getrefcount(None)
    for _ in range(2000):
        editor.setReadOnly(True)
    assert sys.getrefcount(None) - before > -100, "this PySide6 build over-releases None: pin another version"
