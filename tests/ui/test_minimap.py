"""The minimap appears when the graph is larger than the canvas shows, frames what the canvas
shows, and a click on it moves the canvas there; a graph that fits needs no map."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from playground.core.experiment import load_experiment
from tests.ui.editor_helpers import make_editor
from tests.ui.training_helpers import PRESETS


def test_a_large_graph_zoomed_in_gets_a_minimap_whose_click_moves_the_canvas(qtbot):
    experiment = load_experiment(PRESETS / "resnet_block_digits.json")
    editor, document, stack = make_editor(qtbot, experiment.model_dump(mode="json"))
    editor.fit_to_view()
    qtbot.wait(10)
    assert not editor.minimap.isVisible()  # the whole graph is on the canvas: no map
    view = editor.view()
    view.zoom_by(4.0)
    qtbot.waitUntil(editor.minimap.isVisible, timeout=2000)
    minimap = editor.minimap
    assert minimap.geometry().right() < editor.width() and minimap.geometry().bottom() < editor.height()
    graph = editor.scene().nodes_rect()
    shown = minimap.mapToScene(minimap.viewport().rect()).boundingRect()
    assert shown.contains(graph)  # the whole graph is in the map

    last = editor.scene().node_item(document.experiment.model.nodes[-1].id).sceneBoundingRect().center()
    assert not view.visible_scene_rect().contains(last)
    qtbot.mouseClick(minimap.viewport(), Qt.MouseButton.LeftButton, pos=minimap.mapFromScene(last))
    assert view.visible_scene_rect().contains(last)  # the canvas moved to where the map was clicked
    assert isinstance(minimap.mapFromScene(last), QPoint)
