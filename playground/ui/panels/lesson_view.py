"""The lesson: the experiment's Markdown description, rendered; an Edit toggle lets a teacher change it.

The lesson is shown and edited in the window's language: in English the default `description`,
in another language its entry in `translations` (the default text is shown, and offered for
editing, until that language has one). A live language switch shows the new language's text.

Any text must show at once, whatever its size: Qt lays out one enormous word (a pasted blob, a
data URL) in time that grows with the square of its length, so for display only the rendered text
is cut at `RENDER_LIMIT` characters (with a note saying how much more there is) and words longer
than `LONG_WORD` characters get invisible break opportunities. The stored text is never changed;
Edit shows all of it, wrapping anywhere when it holds such words.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QMimeData, QSignalBlocker, Qt
from PySide6.QtGui import QFontDatabase, QTextCursor, QTextFormat, QTextOption, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core import i18n as core_i18n
from playground.core.document import ExperimentDocument
from playground.ui import theme
from playground.ui.editor.commands import SetLocalizedTextCommand, stored_text
from playground.ui.i18n import language_events
from playground.ui.panels.lesson_goals import LessonGoalsView
from playground.ui.subscriptions import Subscriptions

RENDER_LIMIT = 50_000  # characters of Markdown rendered; a lesson is a few thousand
LONG_WORD = 400  # a longer run of characters without a space gets break opportunities ...
WORD_PIECE = 10  # ... every this many characters (so its lines end nearly flush, as with WrapAnywhere)
_LONG_WORD = re.compile(rf"\S{{{LONG_WORD + 1},}}")
ZERO_WIDTH_SPACE = "\u200b"


def tr(text: str) -> str:
    return QCoreApplication.translate("LessonView", text)


def has_long_words(text: str) -> bool:
    """Whether `text` holds a run of more than LONG_WORD characters without whitespace."""
    return _LONG_WORD.search(text) is not None


def break_long_words(text: str) -> str:
    """`text` with a zero-width space every WORD_PIECE characters inside words longer than LONG_WORD:
    the layout may wrap there (and stays fast); nothing visible changes."""

    def pieces(match: re.Match[str]) -> str:
        word = match.group(0)
        return ZERO_WIDTH_SPACE.join(word[i : i + WORD_PIECE] for i in range(0, len(word), WORD_PIECE))

    return _LONG_WORD.sub(pieces, text)


def displayed_markdown(text: str) -> str:
    """What the lesson view renders for the stored `text`: at most RENDER_LIMIT characters of it
    (cut at a paragraph break where there is one near), long words breakable, and a note when cut."""
    if len(text) > RENDER_LIMIT:
        cut = text.rfind("\n\n", RENDER_LIMIT - 5_000, RENDER_LIMIT)
        shown = text[: cut if cut > 0 else RENDER_LIMIT]
        hidden = len(text) - len(shown)
        if shown.count("```") % 2:  # cut inside a code block: close it, so the note is not code
            shown += "\n```"
        note = QCoreApplication.translate(
            "LessonView", "(the lesson continues; {count} characters not shown — open Edit to see all)"
        ).format(count=f"{hidden:,}")
        text = f"{shown}\n\n---\n\n*{note}*\n"
    return break_long_words(text)


def editable_description(document: ExperimentDocument, language: str) -> str:
    """The lesson text stored for `language` ("" where it has none): what an edit in it replaces."""
    return stored_text(document, "description", language)


class SetLessonTextCommand(SetLocalizedTextCommand):
    """Change the lesson text of one language (see `SetLocalizedTextCommand`)."""

    def __init__(
        self, document: ExperimentDocument, language: str, value: str, parent: QUndoCommand | None = None
    ) -> None:
        super().__init__(document, "description", language, value, parent)


class LessonBrowser(QTextBrowser):
    """The rendered lesson; copying leaves out the invisible break opportunities of long words."""

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt override
        data = super().createMimeDataFromSelection()
        if ZERO_WIDTH_SPACE in data.text():
            clean = QMimeData()
            clean.setText(data.text().replace(ZERO_WIDTH_SPACE, ""))
            if data.hasHtml():
                clean.setHtml(data.html().replace(ZERO_WIDTH_SPACE, ""))
            return clean
        return data


class LessonView(QWidget):
    """Rendered Markdown; Edit switches to the source, and leaving Edit commits one undoable change.
    Both follow the window's language (`language_events().changed`)."""

    def __init__(self, document: ExperimentDocument, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 4, 4)
        # in Edit: the language whose text is edited (its name in itself, as the Language menu shows it)
        self.language_label = QLabel(self)
        self.language_label.setObjectName("lessonLanguage")
        self.language_label.setText(core_i18n.LANGUAGES.get(core_i18n.language(), core_i18n.language()))
        self.language_label.hide()
        bar.addWidget(self.language_label)
        bar.addStretch(1)
        self.edit_button = QToolButton(self)
        self.edit_button.setCheckable(True)
        self.edit_button.setAutoRaise(True)
        self.edit_button.toggled.connect(self._on_edit_toggled)
        bar.addWidget(self.edit_button)
        layout.addLayout(bar)
        self.stack = QStackedWidget(self)
        self.browser = LessonBrowser(self.stack)
        self.browser.setOpenExternalLinks(True)
        self.browser.document().setDocumentMargin(12)
        self.source_page = QWidget(self.stack)
        source_layout = QVBoxLayout(self.source_page)
        source_layout.setContentsMargins(0, 0, 0, 0)
        source_layout.setSpacing(0)
        self.long_words_note = QLabel(self.source_page)
        self.long_words_note.setObjectName("lessonLongWordsNote")
        self.long_words_note.setWordWrap(True)
        self.long_words_note.setContentsMargins(8, 2, 8, 4)
        self.long_words_note.hide()
        self.source = QPlainTextEdit(self.source_page)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        source_layout.addWidget(self.long_words_note)
        source_layout.addWidget(self.source, 1)
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.source_page)
        # under the text: the lesson's goals and challenge (hidden when it has neither)
        self.goals = LessonGoalsView(document, undo_stack)
        self.goals_area = QScrollArea(self)
        self.goals_area.setObjectName("lessonGoalsArea")
        self.goals_area.setWidgetResizable(True)
        self.goals_area.setFrameShape(QFrame.Shape.NoFrame)
        self.goals_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.goals_area.setWidget(self.goals)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("lessonSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.goals_area)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)
        self._rendered: str | None = None  # the stored text the browser shows
        self._editing_language = core_i18n.language()  # the language the open editor's text is in
        self._shown_in_editor = ""  # what Edit showed on entry: leaving it unchanged edits nothing
        self._label_texts()
        self._apply_colors()
        theme.notifier().changed.connect(self._apply_colors)
        language_events().changed.connect(self._on_language_changed)
        document.settings_changed.connect(self._on_settings_changed)
        Subscriptions(self).connect(document.reset, self._on_document_reset)
        Subscriptions(self).connect(document.settings_changed, self._on_lesson_changed)
        self._show_goals_area()
        self.refresh()

    def follow_training(self, run: object, history: object = None) -> None:
        """Tick the goals from the window's training run (a `TrainingRun`); the variants' results
        come from the session's run history (`RunHistory`)."""
        self.goals.follow(run, history)

    def _show_goals_area(self, *_: object) -> None:
        """The goals' area only while the lesson has goals or a challenge."""
        self.goals_area.setVisible(self.goals.has_content())

    def _on_lesson_changed(self, field: str) -> None:
        if field == "lesson":
            self._show_goals_area()

    def language(self) -> str:
        """The language the lesson is shown (and edited) in: the window's."""
        return core_i18n.language()

    def markdown(self) -> str:
        """The lesson text shown: the current language's, else the default text."""
        return self.document.experiment.localized_description(self.language())

    def _label_texts(self) -> None:
        """Set the panel's own texts in the current language (at start and after a switch)."""
        self.edit_button.setText(
            QCoreApplication.translate("LessonView", "Done")
            if self.edit_button.isChecked()
            else QCoreApplication.translate("LessonView", "Edit")
        )
        self.edit_button.setToolTip(
            QCoreApplication.translate("LessonView", "Edit the lesson text (Markdown); click again to see it rendered")
        )
        self.long_words_note.setText(
            QCoreApplication.translate(
                "LessonView", "This lesson holds words of over {count} characters, so the editor wraps lines anywhere."
            ).format(count=LONG_WORD)
        )
        self.source.setPlaceholderText(
            QCoreApplication.translate(
                "LessonView", "Write the lesson in Markdown: # headings, **bold**, *italic*, lists …"
            )
        )
        shown = self._editing_language if self.editing() else core_i18n.language()  # the next edit's, until Edit
        self.language_label.setText(core_i18n.LANGUAGES.get(shown, shown))
        self.language_label.setToolTip(
            QCoreApplication.translate(
                "LessonView", "The lesson is edited in this language; the other languages keep their own text"
            )
        )

    def _apply_colors(self, *_: object) -> None:
        self.long_words_note.setStyleSheet(f"color: {theme.colors().muted_text};")

    def editing(self) -> bool:
        return self.edit_button.isChecked()

    def refresh(self, update_source: bool = True) -> None:
        text = self.markdown()
        if text != self._rendered:
            self._rendered = text
            if text.strip():
                self.browser.setMarkdown(displayed_markdown(text))
            else:
                self.browser.setMarkdown(
                    QCoreApplication.translate(
                        "LessonView",
                        "*This experiment has no lesson text yet.* Click **Edit** to write one: "
                        "what to try, what to watch for, what it teaches.",
                    )
                )
            self._tame_headings()
        # The source is only read in Edit mode, which fills it on entry: a hidden editor is left alone.
        if update_source and self.editing() and self.source.toPlainText() != text:
            self._set_source(text)
            self._shown_in_editor = text

    def _set_source(self, text: str) -> None:
        """Put `text` into the editor; words too long for word wrapping make it wrap anywhere."""
        long_words = has_long_words(text)
        self.source.setWordWrapMode(
            QTextOption.WrapMode.WrapAnywhere if long_words else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
        )
        self.long_words_note.setVisible(long_words)
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
        retouched = False
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
                    retouched = True
            block = block.next()
        if retouched:
            # Qt lays a long document out lazily; a format change during that leaves the blocks after
            # it unlaid (a long lesson lost its last paragraphs): lay the whole document out again.
            document.markContentsDirty(0, document.characterCount())

    def _on_document_reset(self) -> None:
        self._show_goals_area()
        self.refresh(update_source=not self.edit_button.isChecked())

    def _on_settings_changed(self, field: str) -> None:
        if field == "description":
            self.refresh()

    def _on_language_changed(self, language: str) -> None:
        """Show the lesson in `language`; an open editor keeps its edit, in the language it was
        made in, and goes on with the text of the new one."""
        if self.editing():
            self.commit()
            self._open_editor(language)
        self._label_texts()
        self._rendered = None  # the placeholder of an empty lesson is in the old language
        self.refresh(update_source=False)

    def _open_editor(self, language: str) -> None:
        """Fill the editor with the text shown in `language` (the default text where it has none)."""
        self._editing_language = language
        self._shown_in_editor = self.markdown()
        self._set_source(self._shown_in_editor)
        self.language_label.setText(core_i18n.LANGUAGES.get(language, language))

    def _on_edit_toggled(self, editing: bool) -> None:
        if editing:
            self._open_editor(self.language())
            self.language_label.show()
            self.stack.setCurrentWidget(self.source_page)
            self.source.setFocus(Qt.FocusReason.OtherFocusReason)
            self.edit_button.setText(QCoreApplication.translate("LessonView", "Done"))
            return
        self.commit()
        self.language_label.hide()
        self.stack.setCurrentWidget(self.browser)
        self.edit_button.setText(QCoreApplication.translate("LessonView", "Edit"))

    def commit(self) -> None:
        """Push the edited text as one undo step (called when leaving Edit, and before saving), as
        the text of the language the editor was opened in. Text left as shown changes nothing (so
        viewing the default text in another language does not copy it into a translation)."""
        if not self.edit_button.isChecked() and self.stack.currentWidget() is self.browser:
            return
        text = self.source.toPlainText()
        language = self._editing_language
        if text == self._shown_in_editor or text == editable_description(self.document, language):
            return
        self.undo_stack.push(SetLessonTextCommand(self.document, language, text))
        self._shown_in_editor = text
