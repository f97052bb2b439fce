"""The Lesson panel shows and edits the lesson in the window's language, switched live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from playground.core.document import ExperimentDocument
from playground.core.experiment import experiment_from_dict, experiment_to_json, load_experiment
from playground.ui import i18n
from playground.ui.panels.lesson_view import LessonView

PRESETS = Path(__file__).resolve().parents[2] / "presets"
ENGLISH_TRY = "Try it"
CHINESE_TRY = "动手试试"


@pytest.fixture(autouse=True)
def english_afterwards():
    """Every test ends in English, whatever it switched to (the language is process-wide)."""
    yield
    i18n.set_language("en")


@pytest.fixture
def lesson(qtbot):
    """A Lesson panel on the XOR preset, with its own undo stack."""

    def make(experiment=None) -> LessonView:
        document = ExperimentDocument(experiment or load_experiment(PRESETS / "xor.json"))
        view = LessonView(document, QUndoStack())
        qtbot.addWidget(view)
        view.resize(420, 600)
        view.show()
        return view

    return make


def shown(view: LessonView) -> str:
    return view.browser.toPlainText()


def edit(view: LessonView, text: str) -> None:
    """Open Edit, replace the text as a user would, and leave Edit (which commits)."""
    view.edit_button.click()
    assert view.editing()
    view.source.selectAll()
    view.source.insertPlainText(text)
    view.edit_button.click()
    assert not view.editing()


def test_the_window_lesson_switches_language_live(make_window):
    window = make_window()
    lesson = window.lesson_view
    assert "XOR needs a hidden layer" in shown(lesson) and ENGLISH_TRY in shown(lesson)
    i18n.set_language("zh_CN")
    assert "XOR 需要隐藏层" in shown(lesson) and CHINESE_TRY in shown(lesson)
    assert ENGLISH_TRY not in shown(lesson)
    i18n.set_language("en")
    assert "XOR needs a hidden layer" in shown(lesson) and ENGLISH_TRY in shown(lesson)
    assert CHINESE_TRY not in shown(lesson)


def test_editing_in_chinese_changes_only_the_chinese_lesson_and_undoes(lesson):
    view = lesson()
    experiment = view.document.experiment
    english = experiment.description
    chinese = experiment.translations["zh_CN"].description
    i18n.set_language("zh_CN")
    view.edit_button.click()
    assert view.source.toPlainText() == chinese  # the editor holds the Chinese text
    assert view.language_label.isVisible() and view.language_label.text() == "简体中文"
    view.edit_button.click()
    edit(view, "# 新的课程\n\n试试**这个**。")
    assert experiment.translations["zh_CN"].description == "# 新的课程\n\n试试**这个**。"
    assert experiment.description == english
    assert "试试这个。" in shown(view)
    assert view.undo_stack.count() == 1
    view.undo_stack.undo()
    assert experiment.translations["zh_CN"].description == chinese
    assert experiment.description == english
    assert CHINESE_TRY in shown(view)
    view.undo_stack.redo()
    i18n.set_language("en")
    assert ENGLISH_TRY in shown(view) and "新的课程" not in shown(view)


def test_editing_in_english_still_edits_the_default_lesson(lesson):
    view = lesson()
    experiment = view.document.experiment
    chinese = experiment.translations["zh_CN"].description
    edit(view, "# New lesson\n\nTry **this**.")
    assert experiment.description == "# New lesson\n\nTry **this**."
    assert experiment.translations["zh_CN"].description == chinese
    i18n.set_language("zh_CN")
    assert CHINESE_TRY in shown(view)


def untranslated(tmp_path: Path, translations: dict | None = None):
    """The XOR preset as a v1 file without translations (or with the given ones, as v2)."""
    document = json.loads((PRESETS / "xor.json").read_text(encoding="utf-8"))
    document.pop("translations")
    document["version"] = 1
    if translations is not None:
        document.update(version=2, translations=translations)
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return load_experiment(path)


def test_a_lesson_without_chinese_shows_its_english_text_in_chinese(lesson, tmp_path):
    view = lesson(untranslated(tmp_path))
    i18n.set_language("zh_CN")
    assert ENGLISH_TRY in shown(view) and "XOR needs a hidden layer" in shown(view)
    other = lesson(untranslated(tmp_path, {"de": {"description": "# Eine Lektion\n\nProbier es aus."}}))
    assert ENGLISH_TRY in shown(other) and "Eine Lektion" not in shown(other)


def test_a_first_chinese_edit_creates_the_translation_and_undo_removes_it(lesson, tmp_path):
    view = lesson(untranslated(tmp_path))
    experiment = view.document.experiment
    english = experiment.description
    saved = experiment_to_json(experiment)
    i18n.set_language("zh_CN")
    view.edit_button.click()
    assert view.source.toPlainText() == english  # the text to translate
    view.edit_button.click()
    assert view.undo_stack.count() == 0  # looking at it copies nothing into a translation
    assert experiment.translations == {}
    edit(view, "# 翻译的课程\n\n正文。")
    assert experiment.translations["zh_CN"].description == "# 翻译的课程\n\n正文。"
    assert experiment.description == english
    assert "正文。" in shown(view)
    view.undo_stack.undo()
    assert "zh_CN" not in experiment.translations
    assert experiment_to_json(experiment) == saved
    assert ENGLISH_TRY in shown(view)


def test_switching_language_while_editing_keeps_the_edit_in_its_language(lesson):
    view = lesson()
    experiment = view.document.experiment
    english = experiment.description
    i18n.set_language("zh_CN")
    view.edit_button.click()
    view.source.selectAll()
    view.source.insertPlainText("# 写到一半的课程")
    i18n.set_language("en")
    assert experiment.translations["zh_CN"].description == "# 写到一半的课程"
    assert experiment.description == english
    assert view.editing() and view.source.toPlainText() == english
    assert view.language_label.text() == "English"
    view.edit_button.click()
    assert experiment.description == english and view.undo_stack.count() == 1


def test_chinese_edits_merge_per_language(lesson):
    """Two Edit sessions in one language are one undo step (as in English); another language's
    edit is a step of its own."""
    view = lesson(experiment_from_dict(json.loads((PRESETS / "spiral.json").read_text(encoding="utf-8"))))
    i18n.set_language("zh_CN")
    edit(view, "# 一")
    edit(view, "# 二")
    assert view.undo_stack.count() == 1
    i18n.set_language("en")
    edit(view, "# One")
    assert view.undo_stack.count() == 2
    view.undo_stack.undo()
    view.undo_stack.undo()
    assert view.document.experiment.translations["zh_CN"].description.startswith("# 螺旋")
    assert view.document.experiment.description.startswith("# Spiral")
