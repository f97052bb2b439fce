"""The drag-and-drop graph editor: scene, items, view, palette and undo commands."""

from playground.ui.editor.editor import GraphEditor
from playground.ui.editor.palette import LAYER_MIME_TYPE, LayerPalette
from playground.ui.editor.scene import GraphScene
from playground.ui.editor.view import GraphView

__all__ = ["GraphEditor", "GraphScene", "GraphView", "LAYER_MIME_TYPE", "LayerPalette"]
