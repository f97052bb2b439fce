"""Edit ▸ Find Layer… (Ctrl+F): a field over the canvas that finds a card by its id or its type.

Typing completes from the graph's ids and layer types; Enter selects the first card whose id is
the text, or else whose id or type contains it (case-insensitively), and scrolls it into view.
Escape closes the field.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget


def matching_nodes(text: str, nodes: list[tuple[str, str]]) -> list[str]:
    """The ids of `nodes` ((id, type) pairs, in graph order) that `text` finds: an exact id
    first, then ids and types that contain it, case-insensitively."""
    wanted = text.strip().lower()
    if not wanted:
        return []
    exact = [node_id for node_id, _ in nodes if node_id.lower() == wanted]
    partial = [
        node_id
        for node_id, layer_type in nodes
        if node_id not in exact and (wanted in node_id.lower() or wanted in layer_type.lower())
    ]
    return exact + partial


class FindBar(QLineEdit):
    """The find field; `found` carries the ids the text finds (empty when none)."""

    found = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findLayer")
        self.setPlaceholderText(self.tr("Find a layer by name or type"))
        self.setClearButtonEnabled(True)
        self._nodes: list[tuple[str, str]] = []
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self.returnPressed.connect(self._on_return)
        self.hide()

    def open(self, nodes: list[tuple[str, str]]) -> None:
        """Show the field over the canvas's top-right corner, ready for typing."""
        self._nodes = list(nodes)
        self._model.setStringList(sorted({node_id for node_id, _ in nodes} | {kind for _, kind in nodes}))
        parent = self.parentWidget()
        width = min(320, max(180, (parent.width() if parent else 320) // 3))
        self.resize(width, self.sizeHint().height())
        if parent is not None:
            self.move(parent.width() - width - 12, 8)
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def _on_return(self) -> None:
        self.found.emit(matching_nodes(self.text(), self._nodes))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            event.accept()
            return
        super().keyPressEvent(event)
