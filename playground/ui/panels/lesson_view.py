"""The lesson: the experiment's Markdown description, rendered; an Edit toggle lets a teacher change it."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QFontDatabase, QTextCursor, QTextFormat, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.document import ExperimentDocument
from playground.ui.editor.commands import SetTextCommand


def tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("LessonView", text)


class LessonView(QWidget):
    """Rendered Markdown; Edit switches to the source, and leaving Edit commits one undoable change."""

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 4, 4)
        bar.addStretch(1)
        self.edit_button = QToolButton(self)
        self.edit_button.setText(tr("Edit"))
        self.edit_button.setCheckable(True)
        self.edit_button.setAutoRaise(True)
        self.edit_button.setToolTip(tr("Edit the lesson text (Markdown); click again to see it rendered"))
        self.edit_button.toggled.connect(self._on_edit_toggled)
        bar.addWidget(self.edit_button)
        layout.addLayout(bar)
        self.stack = QStackedWidget(self)
        self.browser = QTextBrowser(self.stack)
        self.browser.setOpenExternalLinks(True)
        self.browser.document().setDocumentMargin(12)
        self.source = QPlainTextEdit(self.stack)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.source.setPlaceholderText(tr("Write the lesson in Markdown: # headings, **bold**, *italic*, lists …"))
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.source)
        layout.addWidget(self.stack, 1)
        document.settings_changed.connect(self._on_settings_changed)
        document.reset.connect(lambda: self.refresh(update_source=not self.edit_button.isChecked()))
        self.refresh()

    def markdown(self) -> str:
        return self.document.experiment.description

    def refresh(self, update_source: bool = True) -> None:
        text = self.document.experiment.description
        if text.strip():
            self.browser.setMarkdown(text)
        else:
            self.browser.setMarkdown(tr("*This experiment has no lesson text yet.* Click **Edit** to write one: "
                                        "what to try, what to watch for, what it teaches."))
        self._tame_headings()
        if update_source and self.source.toPlainText() != text:
            with QSignalBlocker(self.source):
                self.source.setPlainText(text)

    HEADING_SCALE = {1: 1.45, 2: 1.25, 3: 1.1}

    def _tame_headings(self) -> None:
        """Markdown headings default to huge sizes; a narrow dock reads better with modest ones."""
        document = self.browser.document()
        base = self.browser.font().pointSizeF()
        if base <= 0:
            base = 10.0
        block = document.begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                size = base * self.HEADING_SCALE.get(level, 1.0)
                pieces = []  # collected first: changing formats while iterating would split fragments
                fragments = block.begin()
                while not fragments.atEnd():
                    fragment = fragments.fragment()
                    pieces.append((fragment.position(), fragment.length(), fragment.charFormat()))
                    fragments += 1
                for position, length, char_format in pieces:
                    char_format.clearProperty(QTextFormat.Property.FontSizeAdjustment)  # it would win over the size
                    char_format.setFontPointSize(size)
                    cursor = QTextCursor(document)
                    cursor.setPosition(position)
                    cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(char_format)
            block = block.next()

    def _on_settings_changed(self, field: str) -> None:
        if field == "description":
            self.refresh()

    def _on_edit_toggled(self, editing: bool) -> None:
        if editing:
            self.source.setPlainText(self.document.experiment.description)
            self.stack.setCurrentWidget(self.source)
            self.source.setFocus(Qt.FocusReason.OtherFocusReason)
            self.edit_button.setText(tr("Done"))
            return
        self.commit()
        self.stack.setCurrentWidget(self.browser)
        self.edit_button.setText(tr("Edit"))

    def commit(self) -> None:
        """Push the edited text as one undo step (called when leaving Edit, and before saving)."""
        if not self.edit_button.isChecked() and self.stack.currentWidget() is self.browser:
            return
        text = self.source.toPlainText()
        if text != self.document.experiment.description:
            self.undo_stack.push(SetTextCommand(self.document, "description", text))
