"""The inspector dock: the selected node's editor, or the experiment's settings when none is selected."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from playground.core.document import ExperimentDocument
from playground.ui.inspector.node_inspector import NodeInspector
from playground.ui.inspector.param_editors import ParamEditor, ParamForm, create_param_editor
from playground.ui.inspector.settings_inspector import SettingsInspector
from playground.ui.subscriptions import Subscriptions


def tr(text: str) -> str:
    return QCoreApplication.translate("Inspector", text)


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class InspectorPanel(QStackedWidget):
    """Switches between the settings, one node, and a note for a multiple selection."""

    status_message = Signal(str)

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.settings = SettingsInspector(document, undo_stack)
        self.node = NodeInspector(document, undo_stack)
        self.node.status_message.connect(self.status_message)
        self.multiple = QWidget()
        layout = QVBoxLayout(self.multiple)
        layout.setContentsMargins(12, 12, 12, 12)
        self.multiple_label = QLabel(self.multiple)
        self.multiple_label.setWordWrap(True)
        layout.addWidget(self.multiple_label)
        layout.addStretch(1)
        self.settings_page = _scrolled(self.settings)
        self.node_page = _scrolled(self.node)
        self.addWidget(self.settings_page)
        self.addWidget(self.node_page)
        self.addWidget(self.multiple)
        self._selection: list[str] = []
        Subscriptions(self).connect(document.node_removed, self._on_node_removed)
        document.node_renamed.connect(self._on_node_renamed)
        document.reset.connect(self._follow_document)

    def selection(self) -> list[str]:
        return list(self._selection)

    def set_selection(self, node_ids: list[str]) -> None:
        self._selection = [node_id for node_id in node_ids if self.document.has_node(node_id)]
        if len(self._selection) == 1:
            self.node.show_node(self._selection[0])
            self.setCurrentWidget(self.node_page)
        elif self._selection:
            self.multiple_label.setText(
                QCoreApplication.translate(
                    "Inspector",
                    "{count} layers selected: {ids}.\n\nSelect one layer to edit its parameters, or click the empty "
                    "canvas for the experiment's settings.",
                ).format(count=len(self._selection), ids=", ".join(self._selection))
            )
            self.setCurrentWidget(self.multiple)
        else:
            self.node.show_node(None)
            self.setCurrentWidget(self.settings_page)

    def _on_node_removed(self, _node_id: str) -> None:
        self._follow_document()

    def _on_node_renamed(self, old_id: str, new_id: str) -> None:
        self._selection = [new_id if node_id == old_id else node_id for node_id in self._selection]

    def _follow_document(self) -> None:
        self.set_selection(self._selection)


__all__ = ["InspectorPanel", "NodeInspector", "ParamEditor", "ParamForm", "SettingsInspector", "create_param_editor"]
