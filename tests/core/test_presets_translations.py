"""Every lesson preset exists in English and Simplified Chinese, and a lesson without a text in
the reader's language shows its default text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from playground.core import i18n
from playground.core.document import ExperimentDocument
from playground.core.experiment import experiment_from_dict, experiment_to_json, load_experiment
from playground.core.presets import LESSON_ORDER, list_presets
from tests.core.factories import xor_document

PRESETS = sorted((Path(__file__).resolve().parents[2] / "presets").glob("*.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")
LESSON = "# A lesson\n\nThe English text of a lesson, long enough to read as one. " * 3


@pytest.fixture(autouse=True)
def english_afterwards():
    """Whatever a test switches to, the next one starts in English."""
    yield
    i18n.set_language("en")


def markdown_structure(text: str) -> dict[str, object]:
    """What a translation keeps of the original: headings, bold, list items, code, paragraphs."""
    return {
        "headings": re.findall(r"^(#+) ", text, re.M),
        "bold": text.count("**"),
        "list items": re.findall(r"^(\d+\.|-) ", text, re.M),
        "code": sorted(re.findall(r"`[^`]+`", text)),
        "paragraphs": text.count("\n\n"),
    }


def test_every_preset_has_its_place_in_the_course():
    """Each lesson file is named in the course order (the File menu's order), and each name there has its file."""
    assert sorted(path.stem for path in PRESETS) == sorted(LESSON_ORDER)


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_preset_has_a_chinese_name_and_lesson(path):
    experiment = load_experiment(path)
    chinese = experiment.translations["zh_CN"]
    assert chinese.name.strip() and CJK.search(chinese.name)
    assert len(chinese.description) > 200 and chinese.description.startswith("# ")
    assert len(CJK.findall(chinese.description)) > 100  # written in Chinese, not a copy of the English
    assert markdown_structure(chinese.description) == markdown_structure(experiment.description)
    assert experiment.localized_name("zh_CN") == chinese.name
    assert experiment.localized_description("zh_CN") == chinese.description
    assert experiment.localized_description("en") == experiment.description
    assert not CJK.search(experiment.description + experiment.name)  # the default text stays English


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_chinese_lesson_names_other_presets_by_their_chinese_names(path):
    """A lesson that points to another preset ("open *XOR needs a hidden layer*") names it as the
    Chinese preset menu does."""
    names = {preset.localized_name("zh_CN") for preset in list_presets()}
    chinese = load_experiment(path).translations["zh_CN"].description
    for mentioned in re.findall(r"预设 \*([^*]+)\*|\*([^*]+)\*(?:预设)", chinese):
        title = next(part for part in mentioned if part)
        assert any(name.startswith(title) or title in name for name in names), title


def test_preset_list_names_each_lesson_in_the_current_language():
    presets = list_presets()
    assert len(presets) == len(PRESETS)
    xor = next(preset for preset in presets if preset.path.stem == "xor")
    assert xor.localized_name() == "XOR needs a hidden layer" == xor.name
    assert xor.localized_name("zh_CN") == "XOR 需要隐藏层"
    i18n.set_language("zh_CN")
    assert xor.localized_name() == "XOR 需要隐藏层"
    assert all(CJK.search(preset.localized_name()) for preset in presets)
    assert xor.localized_name("en") == "XOR needs a hidden layer"


def test_preset_list_without_translations_uses_the_default_name(tmp_path):
    document = xor_document()
    document["name"] = "Plain lesson"
    (tmp_path / "plain.json").write_text(json.dumps(document), encoding="utf-8")
    document["translations"] = {"zh_CN": "not an entry"}  # malformed: the menu still lists the file
    (tmp_path / "odd.json").write_text(json.dumps(document), encoding="utf-8")
    presets = list_presets(tmp_path)
    assert [preset.localized_name("zh_CN") for preset in presets] == ["Plain lesson", "Plain lesson"]


def test_a_v1_file_without_translations_opens_and_shows_its_default_text_in_chinese(tmp_path):
    document = xor_document()
    assert document["version"] == 1
    document.update(name="XOR, version 1", description=LESSON)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    experiment = load_experiment(path)
    assert experiment.translations == {}
    assert experiment.localized_name("zh_CN") == "XOR, version 1"
    assert experiment.localized_description("zh_CN") == LESSON
    assert "translations" not in json.loads(experiment_to_json(experiment))  # saved as it was


def test_translations_without_chinese_show_the_default_text():
    document = xor_document()
    document.update(version=2, name="Default name", description=LESSON)
    document["translations"] = {"de": {"name": "Deutscher Name", "description": "# Eine Lektion"}}
    experiment = experiment_from_dict(document)
    assert experiment.localized_name("zh_CN") == "Default name"
    assert experiment.localized_description("zh_CN") == LESSON
    assert experiment.localized_description("de") == "# Eine Lektion"


def test_document_sets_and_removes_a_translated_lesson():
    experiment = experiment_from_dict({**xor_document(), "description": LESSON})
    document = ExperimentDocument(experiment)
    fields: list[str] = []
    document.settings_changed.connect(fields.append)
    assert document.set_translated_text("zh_CN", "description", "# 课程") == ""
    assert experiment.translations["zh_CN"].description == "# 课程"
    assert experiment.description == LESSON
    assert json.loads(experiment_to_json(experiment))["translations"] == {"zh_CN": {"description": "# 课程"}}
    assert document.set_translated_text("zh_CN", "description", "") == "# 课程"
    assert "zh_CN" not in experiment.translations  # undoing a first translation leaves no trace
    assert fields == ["description", "description"]
    with pytest.raises(ValueError):
        document.set_translated_text("not a language", "description", "x")
