"""The canvas view: zoom, pan, grid, drops from the palette and the inline rename field.

Zoom with the wheel (anchored under the mouse), pan with the middle button or with Space held
and the left button, Delete/Backspace delete the selection, F2 renames. Everything that edits
the experiment is passed on as a signal; the editor turns it into undo commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QLabel, QLineEdit, QWidget

from playground.core.catalogue import LAYERS
from playground.core.catalogue.templates import TEMPLATES
from playground.ui import theme
from playground.ui.editor.palette import LAYER_MIME_TYPE, TEMPLATE_PREFIX
from playground.ui.editor.scene import GRID, GraphScene

MIN_SCALE = 0.15
MAX_SCALE = 3.0
MAX_FIT_SCALE = 1.25  # a small graph is not blown up beyond this by "fit"
REVEAL_MARGIN = 30.0  # view pixels kept between a revealed card and the view's border
REVEAL_MIN_SCALE = 0.5  # `reveal` zooms out no further than this (cards still show their type and shape)


def fully_resolved(palette: QPalette) -> QPalette:
    """A copy with every role set explicitly: the scene resolves unset roles against the
    application palette, which would undo a theme set on the editor or its window."""
    result = QPalette()
    groups = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled)
    for role in QPalette.ColorRole:
        if role in (QPalette.ColorRole.NColorRoles, QPalette.ColorRole.NoRole):
            continue
        for group in groups:
            result.setBrush(group, role, palette.brush(group, role))
    return result


class InlineEditor(QLineEdit):
    """A line edit floating over the canvas: Enter commits, Escape cancels, leaving commits.

    With `validate`, a text it objects to is not committed on Enter: the field stays open, framed
    in red, with the reason right below it (not only in the status bar); leaving it then cancels.
    """

    def __init__(
        self,
        parent: QWidget,
        text: str,
        on_commit: Callable[[str], object],  # what it returns is not used
        validate: Callable[[str], str | None] | None = None,
    ):
        super().__init__(text, parent)
        self._on_commit = on_commit
        self._validate = validate
        self._done = False
        self.error_label = QLabel(parent)
        self.error_label.setObjectName("inlineError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.selectAll()
        self.returnPressed.connect(self.commit)
        self.textEdited.connect(lambda _text: self._show_problem(None))

    def problem(self) -> str | None:
        """The reason shown under the field, or None."""
        viewport = cast(QWidget, self.parentWidget())  # the editor always lies on the view's viewport
        return self.error_label.text() if self.error_label.isVisibleTo(viewport) else None

    def commit(self) -> None:
        if self._done:
            return
        text = self.text().strip()
        problem = self._validate(text) if self._validate is not None and text else None
        if problem:
            self._show_problem(problem)
            self.selectAll()
            return
        self._finish()
        self._on_commit(text)

    def cancel(self) -> None:
        if not self._done:
            self._finish()

    def _finish(self) -> None:
        self._done = True
        self.hide()
        self.error_label.hide()
        self.error_label.deleteLater()
        self.deleteLater()

    def _show_problem(self, problem: str | None) -> None:
        colors = theme.colors()
        if not problem:
            self.setStyleSheet("")
            self.error_label.hide()
            return
        self.setStyleSheet(f"QLineEdit {{ border: 2px solid {colors.error}; }}")
        label = self.error_label
        label.setText(problem)
        label.setStyleSheet(
            f"QLabel#inlineError {{ background: {colors.error_background}; color: {colors.text};"
            f" border: 1px solid {colors.error}; border-radius: 3px; padding: 3px 5px; }}"
        )
        width = max(self.width(), 220)
        label.setFixedWidth(width)
        label.adjustSize()
        parent = self.parentWidget()
        x = max(0, min(self.x(), parent.width() - width)) if parent is not None else self.x()
        label.move(x, self.geometry().bottom() + 3)
        label.show()
        label.raise_()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if not self._done and event.reason() != Qt.FocusReason.PopupFocusReason:
            if self.problem() is not None:
                self.cancel()  # leaving a name that was refused keeps the old one
            else:
                self.commit()
                if not self._done:  # refused on leaving: keep the old name, say why in the status bar
                    self.cancel()
                    self._on_commit(self.text().strip())


NUDGE_SHIFT_STEPS = 5  # grid steps of one Shift+arrow nudge
_ARROWS = {
    Qt.Key.Key_Left: (-1.0, 0.0),
    Qt.Key.Key_Right: (1.0, 0.0),
    Qt.Key.Key_Up: (0.0, -1.0),
    Qt.Key.Key_Down: (0.0, 1.0),
}


class GraphView(QGraphicsView):
    layer_dropped = Signal(str, QPointF)  # layer type, scene position of the drop
    delete_requested = Signal()
    rename_requested = Signal()  # F2
    nudge_requested = Signal(float, float)  # arrow keys: grid steps right and down (Shift: bigger steps)
    zoom_changed = Signal(float)

    def __init__(self, scene: GraphScene, parent: QWidget | None = None):
        super().__init__(scene, parent)
        self.setObjectName("graphView")
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPointF | None = None
        self._space_held = False
        self.inline_editor: InlineEditor | None = None
        self.empty_hint = self.tr("Drag layers here from the palette")
        self._hint_drawn = True  # the hint was painted last time (so a change repaints everything)
        scene.setPalette(fully_resolved(self.palette()))

    def graph_scene(self) -> GraphScene:
        scene = self.scene()
        assert isinstance(scene, GraphScene)
        return scene

    # ---- zoom ------------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Scale by `factor`, keeping the scene point under `anchor` (view coordinates) in place."""
        current = self.zoom()
        target = min(MAX_SCALE, max(MIN_SCALE, current * factor))
        if abs(target - current) < 1e-9:
            return
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        before = self.mapToScene(anchor.toPoint())
        factor = target / current
        self.scale(factor, factor)
        after = self.mapFromScene(before)
        delta = after - anchor.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + delta.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + delta.y())
        self.zoom_changed.emit(self.zoom())

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(1 / 1.25)

    def fit_to_view(self) -> None:
        """Show every card, with a margin; small graphs are not magnified beyond 125 %."""
        rect = self.graph_scene().nodes_rect()
        if rect.isEmpty():
            self.setTransform(QTransform())
            self.centerOn(0.0, 0.0)
            self.zoom_changed.emit(self.zoom())
            return
        rect = rect.adjusted(-40.0, -40.0, 40.0, 40.0)
        viewport = self.viewport().rect()
        scale = min(viewport.width() / rect.width(), viewport.height() / rect.height())
        scale = min(MAX_FIT_SCALE, max(MIN_SCALE, scale))
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom())

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            delta = event.pixelDelta().y()
        if delta:
            self.zoom_by(1.0015**delta, event.position())
        event.accept()

    # ---- pan -------------------------------------------------------------------------------
    def _start_pan(self, event: QMouseEvent) -> None:
        self._pan_from = event.position()
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space_held
        ):
            self._start_pan(event)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan_from = None
            self._update_cursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _update_cursor(self) -> None:
        if self._space_held:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.viewport().unsetCursor()

    # ---- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_held = True
                self.setDragMode(QGraphicsView.DragMode.NoDrag)
                self._update_cursor()
            event.accept()
            return
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and plain:
            self.delete_requested.emit()
            event.accept()
            return
        if key == Qt.Key.Key_F2:
            self.rename_requested.emit()
            event.accept()
            return
        step = _ARROWS.get(Qt.Key(key))
        shift_only = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.ShiftModifier
        if step is not None and (plain or shift_only) and self.graph_scene().selected_node_ids():
            factor = NUDGE_SHIFT_STEPS if shift_only else 1
            self.nudge_requested.emit(step[0] * factor, step[1] * factor)
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.graph_scene().clearSelection()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            self._update_cursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        if self._space_held:  # the Space release may go elsewhere
            self._space_held = False
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            self._update_cursor()
        super().focusOutEvent(event)

    # ---- drops from the palette ------------------------------------------------------------
    def _layer_in(self, event) -> str | None:
        mime = event.mimeData()
        if mime is None or not mime.hasFormat(LAYER_MIME_TYPE):
            return None
        name = bytes(mime.data(LAYER_MIME_TYPE).data()).decode("utf-8", "replace").strip()
        if name.startswith(TEMPLATE_PREFIX):
            return name if name[len(TEMPLATE_PREFIX) :] in TEMPLATES else None
        return name if name in LAYERS else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._layer_in(event) and not self.graph_scene().read_only:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            return
        event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._layer_in(event) and not self.graph_scene().read_only:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            return
        event.ignore()

    def dragLeaveEvent(self, event) -> None:
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        name = self._layer_in(event)
        if not name:
            event.ignore()
            return
        if self.graph_scene().refuse_if_read_only():
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.layer_dropped.emit(name, self.mapToScene(event.position().toPoint()))

    # ---- inline rename ---------------------------------------------------------------------
    def edit_inline(
        self,
        scene_rect: QRectF,
        text: str,
        on_commit: Callable[[str], object],  # what it returns is not used
        validate: Callable[[str], str | None] | None = None,
    ) -> InlineEditor:
        """Open a line edit over `scene_rect` (a card's id line); `on_commit(new_text)` on Enter,
        unless `validate(new_text)` gives a reason (shown under the field, which stays open)."""
        if self.inline_editor is not None:
            try:
                self.inline_editor.cancel()
            except RuntimeError:
                pass
        self.ensureVisible(scene_rect, 40, 40)
        rect = self.mapFromScene(scene_rect).boundingRect()
        editor = InlineEditor(self.viewport(), text, on_commit, validate)
        height = max(editor.sizeHint().height(), rect.height())
        editor.setGeometry(rect.left(), rect.center().y() - height // 2, max(rect.width(), 120), height)
        editor.show()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.inline_editor = editor
        editor.destroyed.connect(lambda *_: setattr(self, "inline_editor", None))
        return editor

    # ---- palette and painting --------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.graph_scene().setPalette(fully_resolved(self.palette()))
            self.viewport().update()
        super().changeEvent(event)

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:  # Qt passes a QRectF
        colors = self.graph_scene().colors()
        painter.fillRect(rect, colors.background)
        scale = self.zoom()
        step = GRID if scale * GRID >= 9 else GRID * 5
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        minor = QPen(colors.grid_minor, 0)
        major = QPen(colors.grid_major, 0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        x = left
        while x <= rect.right():
            painter.setPen(major if round(x / GRID) % 5 == 0 else minor)
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            x += step
        y = top
        while y <= rect.bottom():
            painter.setPen(major if round(y / GRID) % 5 == 0 else minor)
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            y += step

    def wants_hint(self) -> bool:
        """The canvas holds no layer yet (nothing, or only the input a new experiment starts with)."""
        return all(item.content.layer_type == "Input" for item in self.graph_scene().node_items())

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        shown = self.wants_hint()
        if shown != self._hint_drawn:
            # the hint comes or goes: repaint the whole viewport, or a partial update of the first
            # card's area would leave the rest of the text standing behind the new node
            self._hint_drawn = shown
            self.viewport().update()
        if not shown:
            return
        painter.save()
        painter.resetTransform()
        colors = self.graph_scene().colors()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        painter.setFont(font)
        color = QColor(colors.dim_text)
        painter.setPen(color)
        area = QRectF(self.viewport().rect())
        if self.graph_scene().node_items():  # under the input card, not over it
            area.setTop(area.top() + area.height() * 0.45)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_hint)
        painter.restore()

    def reveal(self, rect: QRectF, must: QRectF | None = None) -> None:
        """Scroll just enough that the scene `rect` is on screen; a view that shows it already
        does not move. When it is wider or taller than the view, zoom out until it fits (but not
        below `REVEAL_MIN_SCALE`); when even that cannot hold it, show `must` (the part that
        matters most) in the middle."""
        if rect.isEmpty():
            return
        margin = REVEAL_MARGIN / max(self.zoom(), 1e-6)
        if self.visible_scene_rect().contains(rect.adjusted(-margin, -margin, margin, margin)):
            return
        viewport = self.viewport().rect()
        scale = self.zoom()
        fit = min(
            (viewport.width() - 2 * REVEAL_MARGIN) / max(rect.width(), 1.0),
            (viewport.height() - 2 * REVEAL_MARGIN) / max(rect.height(), 1.0),
        )
        if fit < scale:
            scale = max(fit, min(scale, REVEAL_MIN_SCALE), MIN_SCALE)
            self.setTransform(QTransform.fromScale(scale, scale))
            self.zoom_changed.emit(scale)
        if fit >= scale:
            margin_px = int(REVEAL_MARGIN)
            self.ensureVisible(rect, margin_px, margin_px)
        else:
            self.centerOn((must if must is not None and not must.isEmpty() else rect).center())

    def center_point(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def map_to_viewport(self, scene_point: QPointF) -> QPoint:
        return self.mapFromScene(scene_point)
