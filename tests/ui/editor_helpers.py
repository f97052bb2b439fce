"""Helpers for driving the graph editor with real mouse, wheel and drag-and-drop events."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QTransform,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QWidget

from playground.core.document import ExperimentDocument
from playground.core.experiment import experiment_from_dict
from playground.ui.editor import GraphEditor

LEFT = Qt.MouseButton.LeftButton
NO_BUTTON = Qt.MouseButton.NoButton


def make_editor(qtbot, document_dict: dict, size=(1100, 650)) -> tuple[GraphEditor, ExperimentDocument, QUndoStack]:
    document = ExperimentDocument(experiment_from_dict(document_dict))
    stack = QUndoStack()
    editor = GraphEditor(document, stack)
    qtbot.addWidget(editor)
    editor.resize(*size)
    editor.show()
    qtbot.waitExposed(editor)
    for _ in range(3):  # let the first automatic "fit" run now, not in the middle of a test
        QApplication.processEvents()
    stack.setParent(editor)  # as in the window: the stack lives and dies with its editor
    return editor, document, stack


def at_unit_zoom(editor: GraphEditor, center_on: str | None = None) -> None:
    """Scale 1, centred on a node (or the graph), so every port is on screen and easy to hit."""
    view = editor.view()
    view.setTransform(QTransform())
    rect = editor.scene().nodes_rect()
    if center_on:
        rect = editor.scene().node_item(center_on).sceneBoundingRect()
    view.centerOn(rect.center())
    QApplication.processEvents()


def viewport_point(editor: GraphEditor, scene_point: QPointF) -> QPoint:
    return editor.view().mapFromScene(scene_point)


def send_mouse(
    widget: QWidget, kind, pos: QPoint, button=LEFT, buttons=None, modifiers=Qt.KeyboardModifier.NoModifier
) -> None:
    if buttons is None:
        buttons = NO_BUTTON if kind == QMouseEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def mouse_drag(widget: QWidget, start: QPoint, end: QPoint, steps: int = 6, button=LEFT) -> None:
    """Press at `start`, move in steps with the button held, release at `end`."""
    send_mouse(widget, QMouseEvent.Type.MouseMove, start, NO_BUTTON, NO_BUTTON)
    send_mouse(widget, QMouseEvent.Type.MouseButtonPress, start, button)
    for i in range(1, steps + 1):
        point = start + (end - start) * i / steps
        send_mouse(widget, QMouseEvent.Type.MouseMove, point, NO_BUTTON, button)
    send_mouse(widget, QMouseEvent.Type.MouseButtonRelease, end, button, NO_BUTTON)
    QApplication.processEvents()


def click(widget: QWidget, pos: QPoint, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    send_mouse(widget, QMouseEvent.Type.MouseButtonPress, pos, LEFT, modifiers=modifiers)
    send_mouse(widget, QMouseEvent.Type.MouseButtonRelease, pos, LEFT, modifiers=modifiers)


def wheel(widget: QWidget, pos: QPoint, steps: int) -> None:
    event = QWheelEvent(
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        NO_BUTTON,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def drop_mime(widget: QWidget, pos: QPoint, mime: QMimeData) -> bool:
    """Deliver drag-enter, drag-move and drop at `pos`, as a real drag would; True if accepted."""
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(pos), action, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(QPoint(pos), action, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, move)
    drop = QDropEvent(QPointF(pos), action, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()
