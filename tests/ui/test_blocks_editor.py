"""Blocks on the canvas: Edit ▸ Make Block turns the selection into one card with the block's output
shape and parameter count; a double-click expands it in place; each is one undo step; the inspector
repeats it ×N; Update Block changes every card of the block."""

from __future__ import annotations

from PySide6.QtGui import QMouseEvent

from playground.core.experiment import experiment_from_dict, experiment_to_json
from playground.core.experiment.schema import BLOCK_TYPE
from playground.core.graph.blocks import instances_of
from tests.core.factories import deep_mlp_document
from tests.core.test_export import resnet_doc
from tests.ui.editor_helpers import at_unit_zoom, make_editor, send_mouse, viewport_point

RES_LAYERS = ["conv1", "bn1", "relu1", "conv2", "bn2", "shortcut", "shortcut_bn", "add"]


def test_make_block_shows_one_card_with_the_block_output_and_undo_restores_exactly(make_window, qtbot):
    window = make_window(experiment_from_dict(resnet_doc()), persistent=False)
    document, editor = window.document, window.editor
    before = experiment_to_json(document.experiment)
    params_before = document.report().total_params
    editor.select_nodes(RES_LAYERS)
    messages: list[str] = []
    editor.status_message.connect(messages.append)

    assert editor.blocks.make("res") == "res"

    assert [item.node_id for item in editor.scene().node_items()].count("res") == 1
    assert not any(editor.scene().node_item(layer) for layer in RES_LAYERS)
    card = editor.scene().node_item("res")
    assert card.content.layer_type == "res" and card.content.shape == "(N, 8, 4, 4)"
    assert card.content.params == f"{document.report().blocks['res'].params:,} params"
    assert "Conv2d → BatchNorm2d" in card.toolTip()
    assert document.report().total_params == params_before
    assert editor.selected_node_ids() == ["res"]
    assert "Block res made of 8 layers" in messages[-1]
    # the inspector shows the block and its sums
    inspector = window.inspector.node
    assert "Block res" in inspector.type_label.text()
    assert "(N, 8, 4, 4)" in inspector.facts_label.text()

    window.undo_stack.undo()
    assert experiment_to_json(document.experiment) == before
    window.undo_stack.redo()
    assert document.experiment.node("res").type == BLOCK_TYPE


def test_double_click_on_a_block_card_expands_it_in_place(qtbot):
    editor, document, stack = make_editor(qtbot, resnet_doc())
    editor.select_nodes(RES_LAYERS)
    editor.blocks.make("res")
    made = experiment_to_json(document.experiment)
    at_unit_zoom(editor, "res")
    center = viewport_point(editor, editor.scene().node_item("res").sceneBoundingRect().center())
    viewport = editor.view().viewport()
    send_mouse(viewport, QMouseEvent.Type.MouseButtonPress, center)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, center)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonDblClick, center)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, center)

    assert editor.scene().node_item("res") is None
    assert sorted(editor.selected_node_ids()) == sorted(RES_LAYERS)
    assert document.experiment.model.blocks == {}
    assert editor.view().inline_editor is None  # no rename field: a block opens instead
    stack.undo()
    assert experiment_to_json(document.experiment) == made


def test_repeat_in_the_inspector_multiplies_the_card_and_update_block_changes_every_use(make_window, qtbot):
    window = make_window(experiment_from_dict(deep_mlp_document()), persistent=False)
    document, editor = window.document, window.editor
    editor.select_nodes(["fc", "act"])
    editor.blocks.make("layer")
    one = document.report().blocks["layer"].params
    form = window.inspector.node._form
    form.editors["repeat"].spin.setValue(3)  # as the arrows or a typed 3 + Enter do
    assert document.experiment.node("layer").params["repeat"] == 3
    assert document.report().blocks["layer"].params == 3 * one
    assert editor.scene().node_item("layer").content.layer_type == "layer ×3"

    # expand, edit one layer, save it back: the block's definition (every use) changes
    window.undo_stack.undo()  # back to ×1
    ids = editor.blocks.expand("layer")
    assert "layer" not in document.experiment.model.blocks  # no other use: the definition went with it
    window.undo_stack.undo()
    # a second card of the same block
    twice = document.snapshot()
    twice.model.nodes.append(twice.node("layer").model_copy(update={"id": "layer_b", "pos": (600.0, 0.0)}))
    twice.model.edges = [e for e in twice.model.edges if e != ("layer", "out")] + [
        ("layer", "layer_b"),
        ("layer_b", "out"),
    ]
    document.replace(twice, in_place=True)
    ids = editor.blocks.expand("layer_b")
    fc = next(i for i in ids if document.experiment.node(i).type == "Linear")
    changed = dict(document.experiment.node(fc).params, out_features=16, bias=False)
    document.set_node_params(fc, changed)
    editor.select_nodes(ids)
    editor.blocks.update("layer")
    assert len(instances_of(document.experiment, "layer")) == 2
    assert document.report().blocks["layer"].params == 16 * 16  # the other card lost its bias too


def test_a_template_dragged_from_the_palette_lands_as_a_block_at_the_drop_point(qtbot):
    from PySide6.QtCore import QPoint

    from playground.ui.editor.palette import TEMPLATE_PREFIX, LayerPalette
    from tests.ui.editor_helpers import drop_mime

    editor, document, stack = make_editor(qtbot, resnet_doc())
    palette = LayerPalette()
    qtbot.addWidget(palette)
    assert "resnet_basic" in palette.visible_templates() and len(palette.visible_templates()) == 9
    palette.set_filter("bottleneck")
    assert palette.visible_templates() == ["resnet_bottleneck"] and palette.visible_layers() == []
    palette.set_filter("")
    at_unit_zoom(editor)
    viewport = editor.view().viewport()
    target = QPoint(viewport.width() // 2, viewport.height() - 80)
    scene_point = editor.view().mapToScene(target)
    mime = palette.tree.mimeData([palette.item_for(TEMPLATE_PREFIX + "vgg_block")])

    assert drop_mime(viewport, target, mime)

    (instance,) = editor.selected_node_ids()
    assert document.experiment.node(instance).type == BLOCK_TYPE and stack.count() == 1
    assert "vgg_block" in document.experiment.model.blocks
    assert editor.scene().node_item(instance).sceneBoundingRect().contains(scene_point)
    stack.undo()
    assert "vgg_block" not in document.experiment.model.blocks and not document.has_node(instance)


def test_a_template_added_after_the_selected_layer_is_sized_for_what_it_reads(make_window, qtbot):
    window = make_window(experiment_from_dict(resnet_doc()), persistent=False)
    document, editor = window.document, window.editor
    editor.select_nodes(["relu2"])  # (N, 8, 4, 4) here
    window.palette_widget.layer_activated.emit("template:resnet_basic")  # a double-click on the item

    (instance,) = editor.selected_node_ids()
    assert ("relu2", instance) in document.edges() and (instance, "pool") in document.edges()
    report = document.report()
    assert report.valid and report.blocks[instance].output.shape == (8, 4, 4)
    assert editor.scene().node_item(instance).content.shape == "(N, 8, 4, 4)"

    editor.select_nodes(["fc"])  # a vector: an image block cannot go here
    messages: list[str] = []
    editor.status_message.connect(messages.append)
    window.palette_widget.layer_activated.emit("template:resnet_basic")
    assert "reads images" in messages[-1] and "(N, 10)" in messages[-1]
    assert editor.selected_node_ids() == ["fc"]
