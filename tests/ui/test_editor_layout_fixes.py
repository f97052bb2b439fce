"""Canvas layout fixes a first-time user asked for (issue 12, item 14).

- An edge is never drawn through a card it does not connect (presets and branchy graphs, after
  Auto-arrange).
- Duplicate and Paste put the copies on free canvas: never on the originals or on earlier copies.
- After a fix that inserts a card and moves others ("Insert Flatten"), the view follows them.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPathStroker, QTransform
from PySide6.QtWidgets import QApplication

from playground.core.experiment import experiment_to_dict, load_experiment
from playground.ui.editor import GraphEditor
from playground.ui.editor.commands import AddEdgeCommand, RemoveEdgeCommand
from tests.core.factories import document, resnet_block_document, xor_document
from tests.ui.editor_helpers import make_editor

PRESETS = sorted(Path(__file__).resolve().parents[2].joinpath("presets").glob("*.json"))


def drawn_line(edge) -> object:
    """The area the edge's line takes on screen (its path stroked at the drawn width)."""
    stroker = QPainterPathStroker()
    stroker.setWidth(2.0)
    return stroker.createStroke(edge.path())


def edges_through_cards(editor: GraphEditor, shape: bool) -> list[tuple[tuple[str, str], str]]:
    """(edge, card) pairs where the edge crosses a card that is neither its source nor its target.

    `shape` tests the edge's whole hit area (`shape()`, wider than the line) instead of the line.
    """
    scene = editor.scene()
    found = []
    for edge in scene.edge_items():
        area = edge.shape() if shape else drawn_line(edge)
        for card in scene.node_items():
            if card is not edge.source and card is not edge.target and area.intersects(card.sceneBoundingRect()):
                found.append((edge.key, card.node_id))
    return found


@pytest.mark.parametrize("preset", PRESETS, ids=lambda path: path.stem)
def test_no_edge_runs_through_a_card_in_any_preset_after_auto_arrange(qtbot, preset):
    editor, doc, _stack = make_editor(qtbot, experiment_to_dict(load_experiment(preset)))
    assert edges_through_cards(editor, shape=True) == []  # as opened
    editor.auto_arrange()
    QApplication.processEvents()
    assert len(editor.scene().edge_items()) == len(doc.edges())
    assert edges_through_cards(editor, shape=True) == []


def branchy_graph(seed: int, size: int) -> dict:
    """A graph of ReLUs and Adds whose Adds join random earlier nodes: long skips across rows."""
    rng = random.Random(seed)
    nodes = [{"id": "input", "type": "Input"}]
    edges: list[list[str]] = []
    for index in range(1, size):
        earlier = [node["id"] for node in nodes]
        if len(nodes) >= 2 and rng.random() < 0.3:
            a, b = rng.sample(earlier, 2)
            nodes.append({"id": f"add{index}", "type": "Add"})
            edges += [[a, f"add{index}"], [b, f"add{index}"]]
        else:
            source = nodes[-1]["id"] if rng.random() < 0.6 else rng.choice(earlier)
            nodes.append({"id": f"relu{index}", "type": "ReLU"})
            edges.append([source, f"relu{index}"])
    return document(nodes, edges)


def test_skip_edges_of_branchy_graphs_go_around_the_cards_between(qtbot):
    """Before the fix, more than a third of these graphs had a line drawn over a card."""
    crossed = {}
    for seed in range(24):
        editor, _doc, _stack = make_editor(qtbot, branchy_graph(seed, 4 + seed % 12))
        editor.auto_arrange()
        QApplication.processEvents()
        found = edges_through_cards(editor, shape=False)
        if found:
            crossed[seed] = found
        editor.close()
    assert crossed == {}


def test_an_edge_goes_around_a_card_the_user_drops_in_its_way(qtbot):
    nodes = [
        {"id": "input", "type": "Input", "pos": [0, 0]},
        {"id": "a", "type": "ReLU", "pos": [200, 0]},
        {"id": "b", "type": "ReLU", "pos": [400, 0]},
        {"id": "sum", "type": "Add", "pos": [600, 0]},
        # cards below the main row, where the shortcut input → sum would have gone round
        {"id": "blocker", "type": "ReLU", "pos": [300, 120]},
        {"id": "side", "type": "ReLU", "pos": [300, 240]},
    ]
    edges = [
        ["input", "a"],
        ["a", "b"],
        ["b", "sum"],
        ["input", "sum"],
        ["input", "blocker"],
        ["input", "side"],
    ]
    editor, _doc, _stack = make_editor(qtbot, document(nodes, edges))
    assert edges_through_cards(editor, shape=False) == []
    shortcut = editor.scene().edge_item("input", "sum")
    # it still ends at the Add's input
    assert shortcut.path().pointAtPercent(1.0).x() > 590


# ---- duplicate and paste --------------------------------------------------------------------


def card_rects(editor: GraphEditor) -> dict[str, QRectF]:
    return {item.node_id: item.sceneBoundingRect() for item in editor.scene().node_items()}


def overlapping(rects: dict[str, QRectF]) -> list[tuple[str, str]]:
    ids = sorted(rects)
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if rects[a].intersects(rects[b])]


def test_duplicating_twice_puts_each_copy_on_free_canvas_and_selects_it(qtbot):
    editor, _doc, stack = make_editor(qtbot, resnet_block_document("left_to_right"))
    editor.auto_arrange()
    editor.select_nodes(["conv1"])  # the shortcut's card sits right below it
    first = editor.duplicate()
    assert first == ["conv1_2"] and editor.selected_node_ids() == first
    assert overlapping(card_rects(editor)) == []
    second = editor.duplicate()
    assert second == ["conv1_3"] and editor.selected_node_ids() == second
    assert overlapping(card_rects(editor)) == []
    # each copy is near what it copied: in its column, a row or two away
    rects = card_rects(editor)
    for copy, original in (("conv1_2", "conv1"), ("conv1_3", "conv1_2")):
        assert rects[copy].left() == rects[original].left()
        assert abs(rects[copy].top() - rects[original].top()) <= 2 * 120
    view = editor.view()
    assert view.visible_scene_rect().contains(rects["conv1_3"])  # the copy is on screen
    assert stack.count() == 3


def test_duplicating_several_cards_keeps_their_edges_and_lands_clear_of_all(qtbot):
    editor, doc, _stack = make_editor(qtbot, resnet_block_document())
    editor.auto_arrange()
    editor.select_nodes(["conv1", "bn1", "relu1"])
    copies = editor.duplicate()
    again = editor.duplicate()
    assert sorted(editor.selected_node_ids()) == sorted(again)
    assert ("conv1_2", "bn1_2") in doc.edges() and ("bn1_3", "relu1_3") in doc.edges()
    assert len(copies) == len(again) == 3
    assert overlapping(card_rects(editor)) == []


def test_paste_twice_never_lands_on_the_originals_or_the_first_paste(qtbot):
    editor, _doc, _stack = make_editor(qtbot, xor_document())
    editor.select_nodes(["hidden", "act"])
    editor.copy()
    first = editor.paste()
    second = editor.paste()
    assert editor.selected_node_ids() == second and first != second
    assert overlapping(card_rects(editor)) == []


def test_paste_after_cut_puts_the_cards_back_where_they_were(qtbot):
    editor, _doc, _stack = make_editor(qtbot, xor_document())
    editor.auto_arrange()
    where = card_rects(editor)["act"]
    editor.select_nodes(["act"])
    editor.cut()
    assert editor.paste() == ["act"]
    assert card_rects(editor)["act"] == where


# ---- the view follows a fix that moves cards ----------------------------------------------------


def flatten_missing(qtbot, size: tuple[int, int]):
    """The ResNet block, arranged, with its Flatten deleted: 'fc' wants an 'Insert Flatten' fix."""
    editor, doc, stack = make_editor(qtbot, resnet_block_document("left_to_right"), size=size)
    editor.auto_arrange()
    stack.push(RemoveEdgeCommand(doc, "pool", "flatten"))
    editor.select_nodes(["flatten"])
    editor.delete_selection()
    stack.push(AddEdgeCommand(doc, "pool", "fc"))
    (fix,) = editor.scene().node_item("fc").content.fixes
    assert fix.layer_type == "Flatten"
    return editor, doc, fix


def look_at(editor: GraphEditor, node_id: str, zoom: float = 1.0) -> None:
    """The user zoomed to `zoom` and centred the card of `node_id` (to right-click it)."""
    view = editor.view()
    view.setTransform(QTransform.fromScale(zoom, zoom))
    view.centerOn(editor.scene().node_item(node_id).sceneBoundingRect().center())
    QApplication.processEvents()


def test_insert_flatten_scrolls_a_narrow_view_to_the_moved_output(qtbot):
    editor, doc, fix = flatten_missing(qtbot, size=(420, 400))
    look_at(editor, "fc")
    editor.apply_fix(fix)
    QApplication.processEvents()
    assert doc.report().valid
    created = [node_id for node_id in doc.experiment.node_ids() if doc.experiment.node(node_id).type == "Flatten"]
    assert len(created) == 1
    visible = editor.view().visible_scene_rect()
    for node_id in (created[0], "fc"):  # the inserted card and the card it pushed right
        assert visible.contains(editor.scene().node_item(node_id).sceneBoundingRect()), node_id


def test_insert_flatten_zooms_out_when_the_moved_cards_do_not_fit(qtbot):
    editor, doc, fix = flatten_missing(qtbot, size=(300, 300))
    look_at(editor, "fc", zoom=1.25)
    editor.apply_fix(fix)
    QApplication.processEvents()
    view = editor.view()
    assert view.zoom() < 1.25
    created = next(n.id for n in doc.experiment.model.nodes if n.type == "Flatten")
    visible = view.visible_scene_rect()
    for node_id in (created, "fc"):
        assert visible.contains(editor.scene().node_item(node_id).sceneBoundingRect()), node_id


def test_a_fix_whose_cards_are_on_screen_does_not_move_the_view(qtbot):
    editor, doc, fix = flatten_missing(qtbot, size=(1400, 700))
    look_at(editor, "pool", zoom=0.8)
    before = editor.view().visible_scene_rect()
    editor.apply_fix(fix)
    QApplication.processEvents()
    assert doc.report().valid
    assert editor.view().visible_scene_rect() == before
    assert editor.view().zoom() == pytest.approx(0.8)
