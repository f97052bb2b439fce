"""The inspector for one selected node: its id, its parameters, what it computes, and its problems.

Edits become undo commands on the window's stack; the editors follow the document's events, so
undo, redo and fixes show up here without the inspector ever writing to its own widgets twice.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.catalogue import LAYERS, Fix
from playground.core.catalogue.block_params import BLOCK_PARAMS
from playground.core.document import EditError, ExperimentDocument
from playground.core.experiment.schema import BLOCK_TYPE, NodeSpec
from playground.core.graph.blocks import instances_of, repeat_of
from playground.core.params import ParamSpec
from playground.ui import theme
from playground.ui.editor.commands import RenameNodeCommand, SetNodeParamsCommand, fix_command
from playground.ui.editor.node_item import BLOCK_COLOR
from playground.ui.inspector.param_editors import ParamForm


def tr(text: str) -> str:
    return QCoreApplication.translate("NodeInspector", text)


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setObjectName("sectionTitle")
    return label


def format_count(value: int | None) -> str:
    if value is None:
        return "—"
    return f"{value:,}"


class NodeInspector(QWidget):
    """Shows and edits one node; `node_id` is None when nothing is shown."""

    status_message = Signal(str)

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.node_id: str | None = None
        # How fix buttons apply a fix; the window routes them through the canvas (which also places
        # an inserted node nicely). Without one, the plain undoable fix command is pushed.
        self.fix_handler: Callable[[Fix], None] | None = None
        self._form: ParamForm | None = None
        self._form_type: str | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)

        header = QHBoxLayout()
        self.swatch = QLabel(self)
        self.swatch.setFixedSize(12, 12)
        header.addWidget(self.swatch)
        self.type_label = QLabel(self)
        font = self.type_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.type_label.setFont(font)
        self.type_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header.addWidget(self.type_label)
        header.addStretch(1)
        self.category_label = QLabel(self)
        self.category_label.setObjectName("muted")
        header.addWidget(self.category_label)
        layout.addLayout(header)

        id_form = QFormLayout()
        id_form.setContentsMargins(0, 0, 0, 0)
        self.id_edit = QLineEdit(self)
        self.id_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[A-Za-z_][A-Za-z0-9_]{0,63}"), self))
        self.id_edit.setToolTip(
            QCoreApplication.translate(
                "NodeInspector",
                "The node's name: the attribute of the nn.Module in the generated code. "
                "Letters, digits and underscores.",
            )
        )
        self.id_edit.editingFinished.connect(self._on_id_edited)
        id_label = QLabel(QCoreApplication.translate("NodeInspector", "id"), self)
        id_label.setBuddy(self.id_edit)
        id_form.addRow(id_label, self.id_edit)
        layout.addLayout(id_form)
        self.id_error = QLabel(self)
        self.id_error.setWordWrap(True)
        self.id_error.hide()
        layout.addWidget(self.id_error)

        # The problem and its fix buttons come first: below the parameters they fell off a short dock.
        self.problem_box = QFrame(self)
        self.problem_box.setObjectName("problemBox")
        problem_layout = QVBoxLayout(self.problem_box)
        problem_layout.setContentsMargins(8, 8, 8, 8)
        self.problem_label = QLabel(self.problem_box)
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        problem_layout.addWidget(self.problem_label)
        self.fix_buttons_layout = QVBoxLayout()
        self.fix_buttons_layout.setSpacing(4)
        problem_layout.addLayout(self.fix_buttons_layout)
        self.fix_buttons: list[QPushButton] = []
        layout.addWidget(self.problem_box)

        self.help_label = QLabel(self)
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.help_label)

        self.params_title = section_title(QCoreApplication.translate("NodeInspector", "Parameters"), self)
        layout.addWidget(self.params_title)
        self.form_holder = QVBoxLayout()
        self.form_holder.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form_holder)
        self.no_params = QLabel(
            QCoreApplication.translate("NodeInspector", "This layer has no parameters to set."), self
        )
        self.no_params.setObjectName("muted")
        layout.addWidget(self.no_params)

        layout.addWidget(section_title(QCoreApplication.translate("NodeInspector", "Shape and size"), self))
        self.facts_label = QLabel(self)
        self.facts_label.setWordWrap(True)
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.facts_label)

        self.warning_label = QLabel(self)
        self.warning_label.setWordWrap(True)
        layout.addWidget(self.warning_label)
        layout.addStretch(1)
        self._apply_colors()
        theme.notifier().changed.connect(self._apply_colors)

        document.node_changed.connect(self._on_node_changed)
        document.node_renamed.connect(self._on_node_renamed)
        document.node_removed.connect(self._on_node_removed)
        document.reset.connect(self._on_reset)
        document.changed.connect(self._refresh_facts)

    # ---- which node --------------------------------------------------------------------------
    def show_node(self, node_id: str | None) -> None:
        if node_id is not None and not self.document.has_node(node_id):
            node_id = None
        self.node_id = node_id
        self.id_error.hide()
        if node_id is None:
            return
        node = self.document.experiment.node(node_id)
        if node.type == BLOCK_TYPE:
            self._show_block(node)
        else:
            self._show_layer(node)
        self._show_params()
        self._refresh_facts()

    def _show_layer(self, node: NodeSpec) -> None:
        layer = LAYERS[node.type]
        self.type_label.setText(node.type)
        self.category_label.setText(layer.category_text)
        self.swatch.setStyleSheet(f"background: {layer.color}; border-radius: 3px;")
        self.id_edit.setText(node.id)
        help_html = html.escape(layer.help_text)
        if layer.formula:
            help_html += (
                f"<div style='margin-top:4px'><span style='font-family: monospace'>"
                f"{html.escape(layer.formula)}</span></div>"
            )
        if layer.torch_class:
            help_html += (
                f"<div style='margin-top:2px; color:{theme.colors().muted_text}'>torch.nn.{layer.torch_class}</div>"
            )
        self.help_label.setText(help_html)
        if self._form_type != node.type:
            self._rebuild_form(node.type, layer.params)

    def _show_block(self, node: NodeSpec) -> None:
        """A block card: which block (any defined one), how many copies, and its layers."""
        blocks = self.document.experiment.model.blocks
        name = str(node.params.get("block", ""))
        self.type_label.setText(QCoreApplication.translate("NodeInspector", "Block {name}").format(name=name))
        self.category_label.setText(QCoreApplication.translate("NodeInspector", "Block"))
        self.swatch.setStyleSheet(f"background: {BLOCK_COLOR}; border-radius: 3px;")
        self.id_edit.setText(node.id)
        block = blocks.get(name)
        chain = " → ".join(inner.type for inner in block.nodes) if block is not None else ""
        uses = len(instances_of(self.document.experiment, name))
        help_html = html.escape(
            QCoreApplication.translate(
                "NodeInspector",
                "A block of {count} layers, run {repeat} time(s) in a row, each copy with its own weights. "
                "{uses} card(s) use block {name} and share its layers: to change them all, double-click a card "
                "to expand it, edit the layers, and choose Update Block ▸ {name} from their menu.",
            ).format(count=len(block.nodes) if block else 0, repeat=repeat_of(node), uses=uses, name=name)
        )
        if chain:
            help_html += f"<div style='margin-top:4px; font-family: monospace'>{html.escape(chain)}</div>"
        self.help_label.setText(help_html)
        choices = tuple(blocks) or (name,)
        specs = tuple(
            replace(spec, kind="choice", default=name, choices=choices) if spec.name == "block" else spec
            for spec in BLOCK_PARAMS
        )
        form_key = f"{BLOCK_TYPE}:{','.join(choices)}"
        if self._form_type != form_key:
            self._rebuild_form(form_key, specs)

    def _rebuild_form(self, form_key: str, specs: tuple[ParamSpec, ...]) -> None:
        if self._form is not None:
            self._form.hide()
            self._form.deleteLater()
            self._form = None
        self._form_type = form_key
        if specs:
            self._form = ParamForm(specs, self)
            self._form.param_committed.connect(self._on_param_committed)
            self.form_holder.addWidget(self._form)
        self.no_params.setVisible(not specs)

    def _show_params(self) -> None:
        if self.node_id is None or self._form is None:
            return
        self._form.set_values(self.document.experiment.node(self.node_id).params)

    # ---- edits -------------------------------------------------------------------------------
    def _on_param_committed(self, name: str, value: Any) -> None:
        if self.node_id is None:
            return
        params = dict(self.document.experiment.node(self.node_id).params)
        params[name] = value
        self.undo_stack.push(SetNodeParamsCommand(self.document, self.node_id, params, name))

    def _on_id_edited(self) -> None:
        if self.node_id is None:
            return
        new_id = self.id_edit.text().strip()
        if new_id == self.node_id:
            self.id_error.hide()
            return
        if self.document.has_node(new_id):
            problem: str | None = QCoreApplication.translate(
                "NodeInspector", "A node called '{id}' already exists."
            ).format(id=new_id)
        else:
            problem = self.document.id_problem(new_id)
        if problem:
            self.id_error.setText(problem)
            self.id_error.show()
            self.id_edit.setText(self.node_id)
            return
        self.id_error.hide()
        try:
            self.undo_stack.push(RenameNodeCommand(self.document, self.node_id, new_id))
        except EditError as exc:  # pragma: no cover - checked above
            self.id_error.setText(str(exc))
            self.id_error.show()
            self.id_edit.setText(self.node_id)

    def _apply_fix(self, fix: Fix) -> None:
        if self.fix_handler is not None:
            self.fix_handler(fix)
        else:
            self.undo_stack.push(fix_command(self.document, fix))
        self.status_message.emit(QCoreApplication.translate("NodeInspector", "Applied: {fix}").format(fix=fix.label))

    # ---- document events -----------------------------------------------------------------------
    def _on_node_changed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self._show_params()

    def _on_node_renamed(self, old_id: str, new_id: str) -> None:
        if old_id == self.node_id:
            self.node_id = new_id
            self.id_edit.setText(new_id)

    def _on_node_removed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.node_id = None

    def _on_reset(self) -> None:
        if self.node_id is not None and self.document.has_node(self.node_id):
            self.show_node(self.node_id)
        else:
            self.node_id = None

    def _refresh_facts(self) -> None:
        if self.node_id is None or not self.document.has_node(self.node_id):
            return
        colors = theme.colors()
        report = self.document.report()
        for button in self.fix_buttons:
            button.deleteLater()
        self.fix_buttons = []
        if report is None:
            self.facts_label.setText(
                html.escape(QCoreApplication.translate("NodeInspector", "Shapes are unknown until the dataset loads."))
            )
            self.problem_label.setText(
                QCoreApplication.translate("NodeInspector", "Dataset problem: {error}").format(
                    error=self.document.report_error or ""
                )
            )
            self.problem_box.show()
            self.warning_label.hide()
            return
        node = report.card(self.node_id)
        rows = []
        if node is not None:
            inputs = ", ".join(spec.text() for spec in node.inputs) or ("—" if node.type != "Input" else "")
            if node.type != "Input":
                rows.append((QCoreApplication.translate("NodeInspector", "Input"), inputs))
            rows.append(
                (
                    QCoreApplication.translate("NodeInspector", "Output"),
                    node.output.text() if node.output is not None else "?",
                )
            )
            if node.output is not None and node.type != "Input":
                rows.append((QCoreApplication.translate("NodeInspector", "Parameters"), format_count(node.params)))
                rows.append((QCoreApplication.translate("NodeInspector", "Multiply-adds"), format_count(node.macs)))
        table = "".join(
            f"<tr><td style='color:{colors.muted_text}; padding-right:10px'>{html.escape(name)}</td>"
            f"<td style='font-family: monospace'>{html.escape(value)}</td></tr>"
            for name, value in rows
        )
        if self.node_id == report.output_id:
            is_output = QCoreApplication.translate("NodeInspector", "This is the model output.")
            table += f"<tr><td colspan='2' style='color:{colors.muted_text}'>{html.escape(is_output)}</td></tr>"
        self.facts_label.setText(f"<table cellspacing='0' cellpadding='1'>{table}</table>")
        errors = [issue for issue in report.errors if issue.node == self.node_id]
        if errors:
            self.problem_label.setText("\n\n".join(issue.message for issue in errors))
            for issue in errors:
                for fix in issue.fixes:
                    button = QPushButton(fix.label, self.problem_box)
                    button.setToolTip(QCoreApplication.translate("NodeInspector", "Apply this fix (one undoable step)"))
                    button.clicked.connect(lambda _checked=False, f=fix: self._apply_fix(f))
                    self.fix_buttons_layout.addWidget(button)
                    self.fix_buttons.append(button)
        self.problem_box.setVisible(bool(errors))
        warnings = [issue for issue in report.warnings if issue.node == self.node_id]
        self.warning_label.setText("\n".join("⚠ " + issue.message for issue in warnings))
        self.warning_label.setVisible(bool(warnings))

    def _apply_colors(self, *_: object) -> None:
        colors = theme.colors()
        self.problem_box.setStyleSheet(
            f"QFrame#problemBox {{ background: {colors.error_background}; border: 1px solid {colors.error};"
            f" border-radius: 4px; }} QFrame#problemBox QLabel {{ color: {colors.text}; }}"
        )
        self.id_error.setStyleSheet(f"color: {colors.error};")
        self.warning_label.setStyleSheet(f"color: {colors.warning};")
        self.category_label.setStyleSheet(f"color: {colors.muted_text};")
        self.no_params.setStyleSheet(f"color: {colors.muted_text};")
        if self.node_id is not None:
            self.show_node(self.node_id)
