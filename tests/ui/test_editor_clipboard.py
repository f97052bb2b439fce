"""Copy, cut, paste and duplicate: fresh ids, internal edges kept, one undo step each."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QGuiApplication

from playground.core.experiment import experiment_to_json
from playground.ui.editor.clipboard import NODES_MIME_TYPE, Fragment
from tests.core.factories import resnet_block_document, xor_document
from tests.ui.editor_helpers import make_editor


def test_copy_paste_creates_unique_ids_with_internal_edges(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    original = experiment_to_json(document.experiment)
    editor.select_nodes(["hidden", "act"])
    editor.copy()
    assert QGuiApplication.clipboard().mimeData().hasFormat(NODES_MIME_TYPE)

    first = editor.paste()
    second = editor.paste()
    assert first == ["hidden_2", "act_2"] and second == ["hidden_3", "act_3"]
    assert ("hidden_2", "act_2") in document.edges() and ("hidden_3", "act_3") in document.edges()
    assert not [edge for edge in document.edges() if edge[1] == "hidden_2"]  # only internal edges travel
    assert editor.selected_node_ids() == ["hidden_3", "act_3"]
    ids = document.experiment.node_ids()
    assert len(ids) == len(set(ids)) == 8
    positions = [tuple(node.pos) for node in document.experiment.model.nodes if node.pos is not None]
    assert len(positions) == len(set(positions))  # pasted copies do not land on each other
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert experiment_to_json(document.experiment) == original


def test_cut_removes_and_paste_brings_back(qtbot):
    editor, document, stack = make_editor(qtbot, resnet_block_document())
    editor.select_nodes(["conv2", "bn2"])
    editor.cut()
    assert not document.has_node("conv2") and stack.count() == 1
    pasted = editor.paste()
    assert pasted == ["conv2", "bn2"]  # the ids are free again
    assert ("conv2", "bn2") in document.edges()
    assert document.experiment.node("conv2").params == {"out_channels": 16, "kernel_size": 3, "padding": 1}


def test_duplicate_leaves_the_clipboard_alone(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    QGuiApplication.clipboard().clear()
    editor.select_nodes(["act"])
    assert editor.duplicate() == ["act_2"]
    assert editor.duplicate() == ["act_3"]
    assert not editor.can_paste() or not QGuiApplication.clipboard().mimeData().hasFormat(NODES_MIME_TYPE)
    assert stack.count() == 2
    item, copy = editor.scene().node_item("act_2"), editor.scene().node_item("act_3")
    assert (
        not item.sceneBoundingRect().intersects(editor.scene().node_item("act").sceneBoundingRect())
        or item.pos() != editor.scene().node_item("act").pos()
    )
    assert copy.pos() != item.pos()


def test_hostile_clipboard_content_is_ignored(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    before = experiment_to_json(document.experiment)
    for payload in (
        b"not json",
        b'{"format": "other"}',
        b'{"format": "nn-playground.fragment", "nodes": 5}',
        b'{"format": "nn-playground.fragment", "nodes": [{"id": "1x", "type": "ReLU"},'
        b' {"id": "ok", "type": "NoSuchLayer"}, {"id": "fine", "type": "ReLU", "evil": 1}]}',
    ):
        mime = QMimeData()
        mime.setData(NODES_MIME_TYPE, QByteArray(payload))
        QGuiApplication.clipboard().setMimeData(mime)
        assert editor.paste() == []
    assert experiment_to_json(document.experiment) == before and stack.count() == 0


def test_fragment_round_trip_drops_dangling_edges():
    text = (
        '{"format": "nn-playground.fragment", "version": 1, "nodes": [{"id": "a", "type": "ReLU", "pos": [0, 0]},'
        ' {"id": "b", "type": "Tanh"}], "edges": [["a", "b"], ["a", "zzz"], ["b", "b"]]}'
    )
    fragment = Fragment.from_json(text)
    assert [node.id for node in fragment.nodes] == ["a", "b"] and fragment.edges == [("a", "b")]
    assert Fragment.from_json(fragment.to_json()).nodes == fragment.nodes


def test_a_paste_from_the_canvas_menu_lands_where_the_menu_opened(qtbot):
    from PySide6.QtCore import QPointF

    from playground.ui.editor.scene import snap

    editor, document, stack = make_editor(qtbot, xor_document())
    editor.select_nodes(["hidden", "act"])
    editor.copy()
    far = QPointF(2000.0, 1500.0)  # empty canvas, far from the originals
    new_ids = editor.paste_at(far)
    positions = [document.experiment.node(node_id).pos for node_id in new_ids]
    assert min(x for x, _ in positions) == snap(far.x(), far.y())[0]
    assert min(y for _, y in positions) == snap(far.x(), far.y())[1]
    rect = editor.view().visible_scene_rect()
    assert all(rect.contains(editor.scene().node_item(node_id).sceneBoundingRect().center()) for node_id in new_ids)


def test_ctrl_v_with_the_mouse_over_the_canvas_pastes_a_copy_under_it(qtbot):
    from PySide6.QtCore import QPoint

    from playground.ui.editor.scene import snap
    from tests.ui.editor_helpers import at_unit_zoom

    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor)
    editor.select_nodes(["hidden"])
    editor.copy()  # the original stays: its spot is taken
    viewport = editor.view().viewport()
    target = QPoint(viewport.width() - 200, viewport.height() - 150)
    qtbot.mouseMove(viewport, target)
    qtbot.waitUntil(viewport.underMouse, timeout=2000)
    (new_id,) = editor.paste()
    scene_point = editor.view().mapToScene(target)
    assert document.experiment.node(new_id).pos == snap(scene_point.x(), scene_point.y())
