"""The editor's block commands: make a block of the selection, expand one in place, save an edited
selection back as a block (every instance follows). Each is one undo step; what cannot be done is
said in the status bar and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPointF
from PySide6.QtWidgets import QInputDialog, QLineEdit

from playground.core.catalogue.templates import TEMPLATES, TemplateRefused
from playground.core.experiment.schema import BLOCK_TYPE, Experiment
from playground.core.graph.block_edits import (
    BlockRefused,
    block_name_for,
    boundary,
    expand_block,
    insert_block,
    make_block,
    update_block,
)
from playground.core.graph.blocks import instances_of
from playground.ui.editor.commands import ReplaceExperimentCommand
from playground.ui.editor.node_item import NODE_HEIGHT, NODE_WIDTH
from playground.ui.editor.scene import snap

if TYPE_CHECKING:
    from playground.ui.editor.editor import GraphEditor


class BlockActions:
    """Block edits of one editor's document, through its undo stack."""

    def __init__(self, editor: GraphEditor):
        self.editor = editor

    @property
    def experiment(self) -> Experiment:
        return self.editor.document.experiment

    def _say(self, text: str) -> None:
        self.editor.status_message.emit(text)

    def _push(self, after: Experiment, text: str, select: list[str]) -> None:
        self.editor.undo_stack.push(ReplaceExperimentCommand(self.editor.document, after, text))
        self.editor.select_nodes(select)

    # ---- what the menus may offer -------------------------------------------------------------
    def can_make(self, ids: list[str]) -> bool:
        try:
            boundary(self.experiment, ids)
        except BlockRefused:
            return False
        return True

    def selected_instance(self) -> str | None:
        ids = self.editor.selected_node_ids()
        if len(ids) != 1:
            return None
        return ids[0] if self.experiment.node(ids[0]).type == BLOCK_TYPE else None

    # ---- the edits ----------------------------------------------------------------------------
    def make(self, name: str | None = None) -> str | None:
        """Replace the selected layers by one block card; asks for the block's name unless given."""
        if self.editor._refused():
            return None
        ids = self.editor.selected_node_ids()
        try:
            boundary(self.experiment, ids)
        except BlockRefused as exc:
            self._say(QCoreApplication.translate("BlockActions", "Cannot make a block: {reason}").format(reason=exc))
            return None
        if name is None:
            name = self._ask_name(block_name_for(self.experiment, "block"))
            if name is None:
                return None
        name = block_name_for(self.experiment, name) if name not in self.experiment.model.blocks else name
        try:
            after, instance = make_block(self.experiment, ids, name)
        except BlockRefused as exc:
            self._say(QCoreApplication.translate("BlockActions", "Cannot make a block: {reason}").format(reason=exc))
            return None
        self._push(
            after,
            QCoreApplication.translate("BlockActions", "Make block {name} ({count} layers)").format(
                name=name, count=len(ids)
            ),
            [instance],
        )
        self._say(
            QCoreApplication.translate(
                "BlockActions",
                "Block {name} made of {count} layers. Double-click it to expand it; set its repeat count in the "
                "inspector.",
            ).format(name=name, count=len(ids))
        )
        return instance

    def _ask_name(self, suggestion: str) -> str | None:
        text, accepted = QInputDialog.getText(
            self.editor,
            QCoreApplication.translate("BlockActions", "Make Block"),
            QCoreApplication.translate("BlockActions", "Name of the new block (used for its class in exported code):"),
            QLineEdit.EchoMode.Normal,
            suggestion,
        )
        return text.strip() or suggestion if accepted else None

    def expand(self, instance: str | None = None) -> list[str]:
        """Put a block card's layers (every copy) back on the canvas, selected."""
        instance = instance or self.selected_instance()
        if instance is None or self.editor._refused():
            return []
        try:
            after, ids = expand_block(self.experiment, instance, self.editor.scene().direction)
        except BlockRefused as exc:
            self._say(QCoreApplication.translate("BlockActions", "Cannot expand: {reason}").format(reason=exc))
            return []
        name = str(self.experiment.node(instance).params.get("block"))
        self._push(after, QCoreApplication.translate("BlockActions", "Expand block {name}").format(name=name), ids)
        if name in after.model.blocks:
            self._say(
                QCoreApplication.translate(
                    "BlockActions",
                    "Expanded. To change every use of {name}, edit these layers and choose Update Block ▸ {name}.",
                ).format(name=name)
            )
        return ids

    def insert_template(self, key: str, at: QPointF | None = None) -> str | None:
        """A template's block: dropped at `at`, or added after the selected layer, sized for the
        shape it reads there."""
        editor = self.editor
        template = TEMPLATES.get(key)
        if template is None or editor._refused():
            return None
        experiment = self.experiment
        anchor = None if at is not None else editor._anchor_node()
        shape = self._shape_after(anchor)
        try:
            block = template.build(shape)
        except TemplateRefused as exc:
            self._say(
                QCoreApplication.translate("BlockActions", "Cannot add the template: {reason}").format(reason=exc)
            )
            return None
        scene = editor.scene()
        if at is not None:
            pos = snap(at.x() - NODE_WIDTH / 2, at.y() - NODE_HEIGHT / 2)
        elif anchor is not None:
            ax, ay = scene.display_position(anchor)
            dx, dy = scene.downstream_step()
            pos = snap(ax + dx, ay + dy)
        else:
            center = editor.view().center_point()
            pos = snap(center.x() - NODE_WIDTH / 2, center.y() - NODE_HEIGHT / 2)
        name = block_name_for(experiment, key)
        after, instance = insert_block(experiment, name, block, pos, anchor)
        if anchor is not None and editor._occupied(pos):  # make room downstream, as adding a layer does
            for node_id, (_old, new) in editor._make_room(anchor, pos).items():
                after.node(node_id).pos = new
        self._push(
            after,
            QCoreApplication.translate("BlockActions", "Add template {name}").format(name=template.title_text),
            [instance],
        )
        self._say(
            QCoreApplication.translate(
                "BlockActions", "Added {name} as block {block}: double-click it to see and edit its layers."
            ).format(name=template.title_text, block=name)
        )
        return instance

    def _shape_after(self, anchor: str | None) -> tuple[int, ...] | None:
        """One sample's shape where a template joins the graph (None when unknown)."""
        report = self.editor.document.report()
        card = report.card(anchor) if report is not None and anchor is not None else None
        return tuple(card.output.shape) if card is not None and card.output is not None else None

    def update(self, name: str) -> str | None:
        """The selection becomes block `name` again, with what was edited: every instance changes."""
        if self.editor._refused():
            return None
        ids = self.editor.selected_node_ids()
        others = len(instances_of(self.experiment, name))
        try:
            after, instance = update_block(self.experiment, ids, name)
        except BlockRefused as exc:
            self._say(
                QCoreApplication.translate("BlockActions", "Cannot update the block: {reason}").format(reason=exc)
            )
            return None
        self._push(
            after, QCoreApplication.translate("BlockActions", "Update block {name}").format(name=name), [instance]
        )
        self._say(
            QCoreApplication.translate(
                "BlockActions", "Block {name} updated; {count} other uses changed with it."
            ).format(name=name, count=others)
        )
        return instance
