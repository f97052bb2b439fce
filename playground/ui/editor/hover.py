"""Highlight on hover, shared by the canvas items (cards, ports, edges)."""

from __future__ import annotations

from typing import Any


class HoverHighlight:
    """Mixin (before the Qt base) for a QGraphicsItem drawn highlighted while the mouse is over it:
    the item calls `setAcceptHoverEvents(True)` and its `paint()` reads `_hovered`."""

    _hovered = False

    def hoverEnterEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._hovered = True
        self.update()  # type: ignore[attr-defined]

    def hoverLeaveEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._hovered = False
        self.update()  # type: ignore[attr-defined]
