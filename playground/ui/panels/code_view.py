"""The live code view: the experiment's model as a PyTorch `nn.Module` class, highlighted.

The source comes from the Python exporter (the same generator the export writes, so what the
student reads is what they get). Updates are throttled: many edits in quick succession (a drag,
typing digits) re-render once, shortly after the last one.
"""

from __future__ import annotations

import re
import textwrap
from typing import cast

from PySide6.QtCore import QCoreApplication, QEvent, QRegularExpression, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QGuiApplication,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from playground.core.catalogue import TensorSpec
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import Experiment
from playground.core.export import class_name_for, python_code
from playground.core.graph import GraphReport
from playground.ui import theme
from playground.ui.subscriptions import Subscriptions
from playground.ui.throttle import Throttle

THROTTLE_MS = 120
LONG_LINE = 1_000  # code with a longer line (a huge experiment name) wraps: one unwrapped line that long
#                    is laid out and painted whole on every repaint
CAPTION_NAME_CHARS = 80


def tr(text: str) -> str:
    return QCoreApplication.translate("CodeView", text)


def model_code(experiment: Experiment, report: GraphReport) -> str:
    """Imports, any playground module classes, and the model class, as the Python export writes them."""
    class_name = python_code.class_name_for(experiment.name)
    parts = python_code.model_source_parts(experiment, report, class_name)
    body = "\n\n".join(part.rstrip("\n") + "\n" for part in parts)
    imports = ["import torch"]
    if re.search(r"\bmath\.", body):
        imports.insert(0, "import math")
    if re.search(r"\bF\.", body):
        imports.append("import torch.nn.functional as F")
    imports.append("from torch import nn")
    # only a valid report comes here: it has an input node, with its shape
    input_spec = cast(TensorSpec, report.nodes[cast(str, report.input_id)].output)
    usage = f"\n\nmodel = {class_name}()\n# outputs = model(inputs)  # inputs: {input_spec.text()}\n"
    return "\n".join(imports) + "\n\n\n" + body + usage


def problems_code(document: ExperimentDocument) -> str:
    """What the view shows while the graph cannot be turned into code: the problems, as comments."""

    def comment(text: str, first: str = "# ", rest: str = "# ") -> list[str]:
        return textwrap.wrap(text, 76, initial_indent=first, subsequent_indent=rest) or [first.rstrip()]

    lines = comment(
        QCoreApplication.translate("CodeView", "The model is not valid yet, so there is no code to show.")
    ) + ["#"]
    if document.report_error:
        lines += comment(QCoreApplication.translate("CodeView", "The dataset cannot be loaded:"))
        for line in document.report_error.splitlines():
            lines += comment(line, "#   ", "#   ")
    report = document.report()
    if report is not None:
        if report.errors:
            lines += comment(
                QCoreApplication.translate(
                    "CodeView", "Fix these problems (the inspector and the summary show them too):"
                )
            )
            for issue in report.errors:
                where = f"{issue.node}: " if issue.node else ""
                lines += comment(f"{where}{issue.message}", "#   - ", "#     ")
        elif report.output_id is None:
            lines.append("# " + QCoreApplication.translate("CodeView", "The model has no single output node."))
    return "\n".join(lines) + "\n"


class PythonHighlighter(QSyntaxHighlighter):
    """Enough Python highlighting for generated model code: keywords, names, numbers, strings, comments."""

    KEYWORDS = (
        "and as assert break class continue def del elif else except finally for from global if import "
        "in is lambda nonlocal not or pass raise return try while with yield"
    ).split()
    BUILTINS = ("self True False None super print len range int float list tuple dict isinstance").split()

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._rules: list[tuple[QRegularExpression, QTextCharFormat, int]] = []
        self._string_format = QTextCharFormat()
        self.set_theme(theme.current_theme())

    def set_theme(self, name: str) -> None:
        colors = theme.colors(name)

        def fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
            char_format = QTextCharFormat()
            char_format.setForeground(QColor(color))
            if bold:
                char_format.setFontWeight(700)
            char_format.setFontItalic(italic)
            return char_format

        keyword = fmt(colors.keyword, bold=True)
        self._string_format = fmt(colors.string)
        self._rules = [
            (QRegularExpression(r"\b(" + "|".join(self.KEYWORDS) + r")\b"), keyword, 0),
            (QRegularExpression(r"\b(" + "|".join(self.BUILTINS) + r")\b"), fmt(colors.builtin), 0),
            (QRegularExpression(r"\b(nn|torch|F|math)\b"), fmt(colors.builtin), 0),
            (QRegularExpression(r"\b[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\b"), fmt(colors.number), 0),
            (QRegularExpression(r"\b(?:def|class)\s+([A-Za-z_][A-Za-z0-9_]*)"), fmt(colors.definition, bold=True), 1),
            (QRegularExpression(r"^\s*@[A-Za-z_.]+"), fmt(colors.decorator), 0),
            (QRegularExpression(r"\"[^\"\\]*(\\.[^\"\\]*)*\"|'[^'\\]*(\\.[^'\\]*)*'"), self._string_format, 0),
            (QRegularExpression(r"#[^\n]*"), fmt(colors.comment, italic=True), 0),
        ]
        self._triple = QRegularExpression(r'"""')
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        for pattern, char_format, group in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(group), match.capturedLength(group), char_format)
        self._highlight_docstrings(text)

    def _highlight_docstrings(self, text: str) -> None:
        """Triple-quoted strings may span blocks: block state 1 means "inside one"."""
        self.setCurrentBlockState(0)
        if self.previousBlockState() == 1:
            start, skip = 0, 0
        else:
            match = self._triple.match(text)
            start, skip = (match.capturedStart() if match.hasMatch() else -1), 3
        while start >= 0:
            end = self._triple.match(text, start + skip)
            if not end.hasMatch():
                self.setCurrentBlockState(1)
                self.setFormat(start, len(text) - start, self._string_format)
                return
            length = end.capturedEnd() - start
            self.setFormat(start, length, self._string_format)
            following = self._triple.match(text, start + length)
            start, skip = (following.capturedStart() if following.hasMatch() else -1), 3


class CaptionLabel(QLabel):
    """One line that is never cut mid-word: the first of its texts that fits whole is shown, else
    the last one elided with "…"; the full text is the tooltip whenever less is shown.

    A plain QLabel with an ignored width just clips ("— updatec" in a narrow dock)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices: list[str] = []

    def set_texts(self, *choices: str) -> None:
        """`choices` from the most to the least informative (the first one is the full text)."""
        self._choices = [choice for choice in choices if choice] or [""]
        self._fit()

    def full_text(self) -> str:
        return self._choices[0] if self._choices else ""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()  # the same width holds more or less text now

    def _fit(self) -> None:
        if not self._choices:
            return
        metrics = self.fontMetrics()
        width = max(0, self.contentsRect().width())
        shown = next((text for text in self._choices if metrics.horizontalAdvance(text) <= width), None)
        if shown is None:
            shown = metrics.elidedText(self._choices[-1], Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            self.setText(shown)
        self.setToolTip("" if shown == self._choices[0] else self._choices[0])


class CodeView(QWidget):
    """Read-only, highlighted model source, refreshed shortly after the document changes."""

    code_updated = Signal()

    def __init__(self, document: ExperimentDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 4, 4)
        self.caption = CaptionLabel(self)
        self.caption.setMinimumWidth(40)  # long class names must not widen the dock
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.caption, 1)
        self.copy_button = QToolButton(self)
        self.copy_button.setText(QCoreApplication.translate("CodeView", "Copy"))
        self.copy_button.setToolTip(QCoreApplication.translate("CodeView", "Copy the code to the clipboard"))
        self.copy_button.setAutoRaise(True)
        self.copy_button.clicked.connect(self._on_copy)
        bar.addWidget(self.copy_button)
        layout.addLayout(bar)
        self.editor = QPlainTextEdit(self)
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.editor.setFont(font)
        self.editor.setTabStopDistance(4 * self.editor.fontMetrics().horizontalAdvance(" "))
        layout.addWidget(self.editor, 1)
        self.highlighter = PythonHighlighter(self.editor.document())
        theme.notifier().changed.connect(self.highlighter.set_theme)
        self.valid = False
        self._shown_class: str | None = None
        self._throttle = Throttle(self, THROTTLE_MS, self.refresh)
        Subscriptions(self).connect(document.changed, self._throttle.request)
        self.refresh()

    def is_pending(self) -> bool:
        return self._throttle.is_pending()

    def flush(self) -> None:
        """Render now if an update is waiting (snapshots and tests)."""
        self._throttle.flush()

    def text(self) -> str:
        return self.editor.toPlainText()

    def refresh(self) -> None:
        self._throttle.cancel()
        report = self.document.report()
        text: str
        if report is not None and report.valid:
            try:
                text = model_code(self.document.experiment, report)
                self.valid = True
            except Exception as exc:  # a generator bug must not break the window; show it instead
                text = (
                    "# "
                    + QCoreApplication.translate("CodeView", "The code cannot be generated: {error}").format(error=exc)
                    + "\n"
                )
                self.valid = False
        else:
            text = problems_code(self.document)
            self.valid = False
        class_name = class_name_for(self.document.experiment.name)
        if text != self.editor.toPlainText():
            bar = self.editor.verticalScrollBar()
            position = bar.value()
            self._set_wrapping(any(len(line) > LONG_LINE for line in text.splitlines()))
            self.editor.setPlainText(text)
            if self.valid and class_name != self._shown_class:
                self._scroll_to(f"class {class_name}(")  # another model: start at its class
            else:
                bar.setValue(min(position, bar.maximum()))  # the same model edited: keep the reader's place
        self._shown_class = class_name if self.valid else None
        if self.valid:
            shown = class_name if len(class_name) <= CAPTION_NAME_CHARS else class_name[:CAPTION_NAME_CHARS] + "…"
            signature = QCoreApplication.translate("CodeView", "class {name}(nn.Module)").format(name=shown)
            self.caption.set_texts(
                QCoreApplication.translate("CodeView", "{signature} — updated as you edit").format(signature=signature),
                signature,
            )
        else:
            self.caption.set_texts(QCoreApplication.translate("CodeView", "No code while the model has problems"))
        self.code_updated.emit()

    def _set_wrapping(self, wrap: bool) -> None:
        """Code reads best unwrapped; a line of thousands of characters wraps anywhere instead."""
        if wrap:
            self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            self.editor.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        else:
            self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

    def _scroll_to(self, text: str) -> None:
        block = self.editor.document().find(text)
        bar = self.editor.verticalScrollBar()
        if block.isNull():
            bar.setValue(0)
            return
        line = block.block().firstLineNumber()
        bar.setValue(min(max(0, line - 2), bar.maximum()) if line > 12 else 0)

    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.editor.toPlainText())
