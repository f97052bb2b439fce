"""Connections from a widget to the document's (psygnal) events that end when the widget goes.

psygnal holds a lambda strongly, so a lambda connected to the document outlives the widget it
calls into (and then calls a deleted Qt object). A `Subscriptions` belongs to one QObject: every
connection made through it is undone when that object is destroyed, or by `disconnect_all()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject


class Subscriptions:
    """The connections of `owner`; all disconnected when it is destroyed."""

    def __init__(self, owner: QObject) -> None:
        self._pairs: list[tuple[Any, Callable[..., Any]]] = []
        pairs = self._pairs  # the destroyed handler must not keep `self` (or the owner) alive
        owner.destroyed.connect(lambda *_: _disconnect(pairs))

    def connect(self, signal: Any, slot: Callable[..., Any]) -> Callable[..., Any]:
        """`signal.connect(slot)`, remembered; returns the slot."""
        signal.connect(slot)
        self._pairs.append((signal, slot))
        return slot

    def disconnect_all(self) -> None:
        _disconnect(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


def _disconnect(pairs: list[tuple[Any, Callable[..., Any]]]) -> None:
    while pairs:
        signal, slot = pairs.pop()
        try:
            signal.disconnect(slot)
        except (
            ValueError,
            RuntimeError,
            TypeError,
            SystemError,
        ):  # already gone (SystemError: a Qt receiver deleted first)
            pass
