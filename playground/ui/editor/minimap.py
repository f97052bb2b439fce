"""A minimap of a large graph in the canvas's bottom-right corner: the whole graph, small, with a
frame where the canvas looks; a click or a drag on it moves the canvas there.

It is a second view of the same scene (nothing is drawn twice by hand), shown only while the
graph does not fit the canvas at its zoom.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from playground.ui import theme
from playground.ui.editor.scene import GraphScene
from playground.ui.editor.view import GraphView

SIZE = (220, 150)  # pixels
MARGIN = 12  # from the canvas's corner


class Minimap(QGraphicsView):
    """The overview; `follow()` places and scales it and shows it only when the graph is larger
    than what the canvas shows."""

    def __init__(self, main: GraphView, parent: QWidget | None = None) -> None:
        super().__init__(main.scene(), parent)
        self.setObjectName("minimap")
        self.main = main
        self.setInteractive(False)  # cards are not edited here
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHints(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QFrame.Shape.Box)
        self.setToolTip(self.tr("The whole graph: click or drag to move the canvas there"))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.resize(*SIZE)
        self.hide()
        self._pending = QTimer(self)  # scrolls, zooms and scene changes come in bursts: follow once per burst
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.follow)
        main.horizontalScrollBar().valueChanged.connect(self._schedule)
        main.verticalScrollBar().valueChanged.connect(self._schedule)
        main.zoom_changed.connect(self._schedule)
        main.scene().changed.connect(self._schedule)

    def graph_rect(self) -> QRectF:
        scene = self.main.scene()
        return scene.nodes_rect() if isinstance(scene, GraphScene) else QRectF()  # none while closing

    def needed(self) -> bool:
        """Whether the graph is larger than the canvas shows (then the map helps)."""
        rect = self.graph_rect()
        if rect.isEmpty():
            return False
        return not self.main.visible_scene_rect().contains(rect)

    def follow(self) -> None:
        """Place it in the canvas's corner, fit the graph in it, and show it when it is needed."""
        parent = self.parentWidget()
        if parent is not None:
            self.move(parent.width() - SIZE[0] - MARGIN, parent.height() - SIZE[1] - MARGIN)
        if not self.needed():
            self.hide()
            return
        rect = self.graph_rect()
        margin = max(rect.width(), rect.height()) * 0.04
        self.fitInView(rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio)
        self.show()
        self.raise_()
        self.viewport().update()

    def _schedule(self, *_: object) -> None:
        if not self._pending.isActive():
            self._pending.start()

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:  # noqa: N802 - Qt override
        """The frame of what the canvas shows."""
        color = QColor(theme.colors().highlight)
        pen = QPen(color, 2.0)
        pen.setCosmetic(True)  # two pixels at any scale
        painter.setPen(pen)
        fill = QColor(color)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.drawRect(self.main.visible_scene_rect())

    def _move_main(self, event: QMouseEvent) -> None:
        self.main.centerOn(self.mapToScene(event.position().toPoint()))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._move_main(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move_main(event)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override: the map itself never scrolls
        event.accept()
