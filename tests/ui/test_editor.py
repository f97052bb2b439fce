"""The canvas driven with real events: drop, connect, delete, move, undo, zoom, rename, fixes."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPalette
from PySide6.QtWidgets import QApplication

from playground.core.experiment import experiment_to_json
from playground.ui.editor import LayerPalette
from playground.ui.editor.commands import AddNodeCommand, RemoveEdgeCommand, SetNodeParamsCommand
from playground.ui.editor.node_item import NODE_HEIGHT, NODE_WIDTH
from playground.ui.editor.scene import GRID
from tests.core.factories import resnet_block_document, xor_document
from tests.ui.editor_helpers import (
    at_unit_zoom,
    click,
    drop_mime,
    make_editor,
    mouse_drag,
    send_mouse,
    viewport_point,
    wheel,
)


def test_palette_drop_adds_the_layer_at_the_drop_point(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    palette = LayerPalette()
    qtbot.addWidget(palette)
    at_unit_zoom(editor)
    viewport = editor.view().viewport()
    target = QPoint(viewport.width() // 2, viewport.height() - 120)
    scene_point = editor.view().mapToScene(target)
    mime = palette.tree.mimeData([palette.item_for("ReLU")])  # exactly what the palette's drag carries

    assert drop_mime(viewport, target, mime)

    assert document.has_node("relu") and stack.count() == 1
    item = editor.scene().node_item("relu")
    assert item.sceneBoundingRect().contains(scene_point)
    x, y = document.experiment.node("relu").pos
    assert x % GRID == 0 and y % GRID == 0
    assert editor.selected_node_ids() == ["relu"]


def test_drop_of_foreign_data_is_refused(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    palette = LayerPalette()
    qtbot.addWidget(palette)
    mime = palette.mime_data("NoSuchLayer")
    assert not drop_mime(editor.view().viewport(), QPoint(50, 50), mime)
    assert stack.count() == 0


def test_connecting_ports_by_mouse_adds_an_edge_and_a_cycle_is_refused(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    stack.push(AddNodeCommand(document, "ReLU", (760.0, 0.0)))
    at_unit_zoom(editor, "logits")
    scene = editor.scene()
    viewport = editor.view().viewport()
    logits, relu = scene.node_item("logits"), scene.node_item("relu")

    mouse_drag(
        viewport,
        viewport_point(editor, logits.output_port.scenePos()),
        viewport_point(editor, relu.input_port.scenePos()),
    )
    assert ("logits", "relu") in document.edges()
    assert stack.count() == 2 and scene.edge_item("logits", "relu") is not None

    messages = []
    editor.status_message.connect(messages.append)
    at_unit_zoom(editor, "act")
    before = experiment_to_json(document.experiment)
    hidden = scene.node_item("hidden")
    mouse_drag(
        viewport,
        viewport_point(editor, relu.output_port.scenePos()),
        viewport_point(editor, hidden.input_port.scenePos()),
    )
    assert experiment_to_json(document.experiment) == before
    assert any("cycle" in message for message in messages), messages
    assert not [item for item in scene.items() if type(item).__name__ == "ConnectionLine"]


def test_dragging_an_edge_off_an_input_disconnects_it(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor, "logits")
    logits = editor.scene().node_item("logits")
    viewport = editor.view().viewport()
    start = viewport_point(editor, logits.input_port.scenePos())
    mouse_drag(viewport, start, start + QPoint(0, 200))
    assert ("act", "logits") not in document.edges() and stack.count() == 1
    stack.undo()
    assert ("act", "logits") in document.edges()
    assert editor.scene().edge_item("act", "logits").isVisible()


def test_delete_key_removes_node_and_edges_and_undo_restores_exactly(qtbot):
    editor, document, stack = make_editor(qtbot, resnet_block_document())
    original = experiment_to_json(document.experiment)
    at_unit_zoom(editor, "conv2")
    view = editor.view()
    conv2 = editor.scene().node_item("conv2")
    click(view.viewport(), viewport_point(editor, conv2.sceneBoundingRect().center()))
    assert editor.selected_node_ids() == ["conv2"]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)

    assert not document.has_node("conv2")
    assert not [edge for edge in document.edges() if "conv2" in edge]
    assert editor.scene().node_item("conv2") is None and editor.scene().edge_item("relu1", "conv2") is None
    edited = experiment_to_json(document.experiment)
    stack.undo()
    assert experiment_to_json(document.experiment) == original
    assert editor.scene().edge_item("conv2", "bn2") is not None
    stack.redo()
    assert experiment_to_json(document.experiment) == edited


def test_backspace_deletes_a_selected_edge(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    editor.scene().edge_item("hidden", "act").setSelected(True)
    editor.view().setFocus()
    qtbot.keyClick(editor.view(), Qt.Key.Key_Backspace)
    assert ("hidden", "act") not in document.edges() and document.has_node("act")
    assert stack.count() == 1


def test_multi_delete_is_one_undo_step(qtbot):
    editor, document, stack = make_editor(qtbot, resnet_block_document())
    original = experiment_to_json(document.experiment)
    editor.select_nodes(["bn1", "shortcut", "fc"])
    editor.delete_selection()
    assert stack.count() == 1 and not document.has_node("shortcut")
    stack.undo()
    assert experiment_to_json(document.experiment) == original


def test_moving_a_node_by_mouse_is_one_snapped_undo_step(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    original = experiment_to_json(document.experiment)
    at_unit_zoom(editor, "hidden")
    item = editor.scene().node_item("hidden")
    start = viewport_point(editor, item.mapToScene(QPointF(NODE_WIDTH / 2, NODE_HEIGHT - 10)))
    mouse_drag(editor.view().viewport(), start, start + QPoint(67, 43), steps=8)

    assert stack.count() == 1
    x, y = document.experiment.node("hidden").pos
    assert x % GRID == 0 and y % GRID == 0
    assert (item.pos().x(), item.pos().y()) == (x, y)
    edge = editor.scene().edge_item("input", "hidden")
    assert edge.boundingRect().contains(item.input_anchor())
    stack.undo()
    assert experiment_to_json(document.experiment) == original  # the file had no positions


def test_rubber_band_selects_nodes_and_selection_is_signalled(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor)
    seen = []
    editor.selection_changed.connect(seen.append)
    scene = editor.scene()
    top_left = scene.node_item("input").sceneBoundingRect().topLeft() - QPointF(20, 20)
    bottom_right = scene.node_item("hidden").sceneBoundingRect().bottomRight() + QPointF(10, 20)
    mouse_drag(editor.view().viewport(), viewport_point(editor, top_left), viewport_point(editor, bottom_right))
    assert editor.selected_node_ids() == ["input", "hidden"]
    assert seen and seen[-1] == ["input", "hidden"]
    assert stack.count() == 0


def test_ctrl_click_extends_the_selection(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor)
    viewport = editor.view().viewport()
    for node_id, modifiers in (
        ("hidden", Qt.KeyboardModifier.NoModifier),
        ("logits", Qt.KeyboardModifier.ControlModifier),
    ):
        center = editor.scene().node_item(node_id).sceneBoundingRect().center()
        click(viewport, viewport_point(editor, center), modifiers)
    assert editor.selected_node_ids() == ["hidden", "logits"]


def test_wheel_zooms_around_the_mouse(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor)
    view = editor.view()
    pos = QPoint(300, 200)
    under = view.mapToScene(pos)
    wheel(view.viewport(), pos, 2)
    assert view.zoom() > 1.2
    assert (view.mapFromScene(under) - pos).manhattanLength() <= 2
    wheel(view.viewport(), pos, -4)
    assert view.zoom() < 1.0
    editor.zoom_in()
    editor.fit_to_view()
    assert view.visible_scene_rect().contains(editor.scene().nodes_rect())


def test_middle_drag_pans_the_view(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor)
    view = editor.view()
    center_before = view.center_point()
    mouse_drag(view.viewport(), QPoint(400, 300), QPoint(300, 250), button=Qt.MouseButton.MiddleButton)
    moved = view.center_point() - center_before
    assert abs(moved.x() - 100) <= 2 and abs(moved.y() - 50) <= 2
    assert stack.count() == 0


def test_space_drag_pans_instead_of_selecting(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor)
    view = editor.view()
    view.setFocus()
    qtbot.keyPress(view, Qt.Key.Key_Space)
    before = view.center_point()
    mouse_drag(view.viewport(), QPoint(400, 300), QPoint(340, 300))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    assert abs((view.center_point() - before).x() - 60) <= 2
    assert editor.selected_node_ids() == []


def test_rename_inline_and_invalid_names_are_refused(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    messages = []
    editor.status_message.connect(messages.append)
    editor.select_nodes(["hidden"])
    editor.view().setFocus()
    qtbot.keyClick(editor.view(), Qt.Key.Key_F2)
    line = editor.view().inline_editor
    assert line is not None and line.text() == "hidden"
    line.setText("fc1")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert document.has_node("fc1") and ("input", "fc1") in document.edges()
    assert editor.scene().node_item("fc1") is not None and editor.selected_node_ids() == ["fc1"]
    assert stack.count() == 1

    assert not editor.rename_node("fc1", "2nd")
    assert not editor.rename_node("fc1", "act")
    assert document.has_node("fc1") and stack.count() == 1
    assert len(messages) == 2 and "already exists" in messages[1]


def test_a_refused_name_is_explained_at_the_field_which_stays_open(qtbot):
    """The reason shows right under the rename field (not only in the status bar), the field stays
    open to correct it, typing clears the reason, and Escape keeps the old name."""
    editor, document, stack = make_editor(qtbot, xor_document())
    editor.select_nodes(["hidden"])
    editor.view().setFocus()
    qtbot.keyClick(editor.view(), Qt.Key.Key_F2)
    line = editor.view().inline_editor
    line.setText("act")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert editor.view().inline_editor is line and line.isVisible()
    assert "already exists" in line.problem()
    label = line.error_label
    assert label.isVisible() and label.geometry().top() >= line.geometry().bottom()
    assert editor.view().viewport().rect().contains(label.geometry().topLeft())
    qtbot.keyClicks(line, "ivation")
    assert line.problem() is None
    line.setText("2nd")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert line.problem() and stack.count() == 0
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert document.has_node("hidden") and stack.count() == 0
    qtbot.waitUntil(lambda: editor.view().inline_editor is None, timeout=2000)


def test_double_click_on_a_card_opens_the_rename_field(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor, "act")
    center = viewport_point(editor, editor.scene().node_item("act").sceneBoundingRect().center())
    viewport = editor.view().viewport()
    send_mouse(viewport, QMouseEvent.Type.MouseButtonPress, center)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, center)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonDblClick, center)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, center)
    line = editor.view().inline_editor
    assert line is not None and line.text() == "act"
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert stack.count() == 0


def test_auto_arrange_is_one_undo_step(qtbot):
    editor, document, stack = make_editor(qtbot, resnet_block_document("left_to_right"))
    original = experiment_to_json(document.experiment)
    shown = {item.node_id: (item.pos().x(), item.pos().y()) for item in editor.scene().node_items()}
    assert all(node.pos is None for node in document.experiment.model.nodes)  # display-only layout
    editor.auto_arrange()
    assert stack.count() == 1
    positions = {node.id: node.pos for node in document.experiment.model.nodes}
    assert positions == shown
    rects = [item.sceneBoundingRect() for item in editor.scene().node_items()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    # the main branch stays on one row; the shortcut sits below it
    assert len({positions[n][1] for n in ("input", "conv1", "bn1", "relu1", "conv2", "add", "fc")}) == 1
    assert positions["shortcut"][1] > positions["conv1"][1]
    stack.undo()
    assert experiment_to_json(document.experiment) == original


def test_an_invalid_node_is_marked_and_its_fix_is_one_undo_step(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    stack.push(SetNodeParamsCommand(document, "logits", {"out_features": 3}, "out_features"))
    item = editor.scene().node_item("logits")
    assert item.invalid
    assert "out_features" in item.toolTip() and "2 classes" in item.toolTip()
    assert not editor.scene().node_item("hidden").invalid

    menu = editor.node_menu("logits")
    fixes = [action for action in menu.actions() if action.objectName() == "fixAction"]
    assert fixes and "out_features" in fixes[0].text()
    fixes[0].trigger()
    assert not editor.scene().node_item("logits").invalid and document.report().valid
    assert stack.count() == 2
    stack.undo()
    assert editor.scene().node_item("logits").invalid


def test_insert_fix_places_the_new_card_without_overlap(qtbot):
    editor, document, stack = make_editor(qtbot, resnet_block_document())
    editor.auto_arrange()
    stack.push(RemoveEdgeCommand(document, "pool", "flatten"))
    editor.select_nodes(["flatten"])
    editor.delete_selection()
    from playground.ui.editor.commands import AddEdgeCommand

    stack.push(AddEdgeCommand(document, "pool", "fc"))
    assert editor.scene().node_item("fc").invalid
    (fix,) = editor.scene().node_item("fc").content.fixes
    assert fix.layer_type == "Flatten"
    editor.apply_fix(fix)
    assert document.report().valid
    rects = [item.sceneBoundingRect() for item in editor.scene().node_items()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])


def test_edge_context_menu_deletes_the_edge(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    menu = editor.edge_menu("act", "logits")
    menu.actions()[0].trigger()
    assert ("act", "logits") not in document.edges()


def test_node_menu_offers_rename_duplicate_make_block_look_inside_delete(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    editor.select_nodes(["act"])
    texts = [action.text() for action in editor.node_menu("act").actions() if not action.isSeparator()]
    assert texts == ["Rename…", "Duplicate", "Make Block…", "Look Inside", "Delete"]
    editor.select_nodes(["input"])  # the Input cannot be inside a block: not offered
    texts = [action.text() for action in editor.node_menu("input").actions() if not action.isSeparator()]
    assert texts == ["Rename…", "Duplicate", "Look Inside", "Delete"]
    canvas = [action.text() for action in editor.canvas_menu().actions() if not action.isSeparator()]
    assert canvas == ["Paste", "Select All", "Auto-arrange", "Layout Direction", "Fit Graph in View"]


def test_a_warning_marks_the_card_without_making_it_invalid(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    editor.select_nodes(["logits"])
    editor.add_layer_after_selection("Softmax")
    item = editor.scene().node_item("softmax")
    assert item.has_warning and not item.invalid
    assert "log-softmax" in item.toolTip()


def test_read_only_refuses_edits_with_the_reason(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    palette = LayerPalette()
    qtbot.addWidget(palette)
    messages = []
    editor.status_message.connect(messages.append)
    editor.set_read_only(True, "Stop training to edit the network")
    editor.select_nodes(["act"])
    editor.delete_selection()
    editor.add_layer_after_selection("ReLU")
    assert not drop_mime(editor.view().viewport(), QPoint(100, 100), palette.mime_data("ReLU"))
    at_unit_zoom(editor, "act")
    item = editor.scene().node_item("act")
    start = viewport_point(editor, item.sceneBoundingRect().center())
    mouse_drag(editor.view().viewport(), start, start + QPoint(80, 80))
    assert stack.count() == 0 and document.experiment.node("act").pos is None
    assert messages and all(message == "Stop training to edit the network" for message in messages)
    editor.set_read_only(False)
    editor.delete_selection()
    assert not document.has_node("act")


def test_edges_carry_shape_labels_and_follow_edits(qtbot):
    editor, document, stack = make_editor(qtbot, resnet_block_document())
    scene = editor.scene()
    assert scene.edge_item("pool", "flatten").label == "(N, 16, 1, 1)"
    assert scene.node_item("conv2").content.params == "2,320 params"
    assert scene.node_item("conv2").content.shape == "(N, 16, 8, 8)"
    stack.push(SetNodeParamsCommand(document, "conv2", {"out_channels": 8, "kernel_size": 3, "padding": 1}))
    assert scene.edge_item("conv2", "bn2").label == "(N, 8, 8, 8)"
    assert scene.node_item("add").invalid  # 8 channels + 16 channels cannot be added
    # the long shortcut edge is routed around the main branch, not behind its cards
    shortcut = scene.edge_item("shortcut", "add")
    for node_id in ("bn1", "relu1", "conv2", "bn2"):
        item = scene.node_item(node_id)
        card = item.mapRectToScene(item.card_rect())
        assert not any(card.contains(shortcut.path().pointAtPercent(t / 100)) for t in range(101)), node_id


def test_dark_palette_is_followed(qtbot):
    editor, document, stack = make_editor(qtbot, xor_document())
    light = editor.scene().colors().background.lightness()
    palette = QPalette(editor.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    editor.setPalette(palette)
    QApplication.processEvents()
    colors = editor.scene().colors()
    assert colors.dark and colors.background.lightness() < light
    editor.grab()  # paints every item with the dark colours


def test_presets_and_factories_render(qtbot):
    from pathlib import Path

    from playground.core.experiment import experiment_to_dict, load_experiment

    presets = sorted(Path(__file__).resolve().parents[2].joinpath("presets").glob("*.json"))
    documents = [experiment_to_dict(load_experiment(path)) for path in presets] + [resnet_block_document()]
    for data in documents:
        editor, document, stack = make_editor(qtbot, data, size=(900, 500))
        editor.fit_to_view()
        image = editor.grab().toImage()
        assert not image.isNull()
        assert len(editor.scene().node_items()) == len(document.experiment.model.nodes)
        assert len(editor.scene().edge_items()) == len(document.edges())


def test_adding_after_a_branch_keeps_the_concat_input_order(qtbot):
    from tests.core.factories import document

    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "a", "type": "Linear", "params": {"out_features": 3}},
        {"id": "b", "type": "Linear", "params": {"out_features": 5}},
        {"id": "cat", "type": "Concat"},
        {"id": "out", "type": "Linear", "params": {"out_features": 2}},
    ]
    edges = [["input", "a"], ["input", "b"], ["a", "cat"], ["b", "cat"], ["cat", "out"]]
    editor, doc, stack = make_editor(qtbot, document(nodes, edges))
    original = experiment_to_json(doc.experiment)
    editor.select_nodes(["a"])
    assert editor.add_layer_after_selection("ReLU") == "relu"
    assert [source for source, target in doc.edges() if target == "cat"] == ["relu", "b"]
    assert doc.report().valid and stack.count() == 1
    stack.undo()
    assert experiment_to_json(doc.experiment) == original


def test_a_card_lights_up_while_the_mouse_is_over_it(qtbot):
    editor, _document, _stack = make_editor(qtbot, xor_document())
    at_unit_zoom(editor)
    scene = editor.scene()
    card = scene.node_item(editor.document.experiment.node_ids()[0])
    viewport = editor.view().viewport()
    over = viewport_point(editor, card.sceneBoundingRect().center())
    send_mouse(viewport, QMouseEvent.Type.MouseMove, over, button=Qt.MouseButton.NoButton)
    assert card._hovered
    away = viewport_point(editor, scene.nodes_rect().bottomRight() + QPointF(200, 200))
    send_mouse(viewport, QMouseEvent.Type.MouseMove, away, button=Qt.MouseButton.NoButton)
    assert not card._hovered


def test_the_drag_hint_shows_on_a_new_experiment_and_goes_with_the_first_layer(qtbot):
    from playground.core.presets import empty_experiment

    editor, document, stack = make_editor(qtbot, empty_experiment().model_dump(mode="json"))
    view = editor.view()
    assert view.wants_hint()  # only the input: the hint says what to do next
    before = view.viewport().grab().toImage()
    palette = LayerPalette()
    qtbot.addWidget(palette)
    viewport = view.viewport()
    mime = palette.tree.mimeData([palette.item_for("Linear")])
    assert drop_mime(viewport, QPoint(viewport.width() // 4, viewport.height() // 4), mime)
    assert not view.wants_hint()
    after = view.viewport().grab().toImage()
    hint_row = int(viewport.height() * 0.72)  # where the hint's text sat, under the input card
    row_before = [before.pixelColor(x, hint_row).lightness() for x in range(0, viewport.width(), 3)]
    row_after = [after.pixelColor(x, hint_row).lightness() for x in range(0, viewport.width(), 3)]
    assert row_before != row_after  # the whole viewport was repainted without the text
