"""The window speaks Simplified Chinese: built in it, switched to it live, and remembered."""

from __future__ import annotations

import re

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QGraphicsSimpleTextItem, QGroupBox, QLabel, QMenu, QWidget

from playground.core.experiment import experiment_from_dict
from playground.core.i18n import language as core_language
from playground.ui.app import take_language_option
from playground.ui.i18n import current_language, set_language
from playground.ui.panels.code_view import CaptionLabel
from playground.ui.settings import AppSettings
from tests.core.factories import chain

CJK = re.compile(r"[\u4e00-\u9fff]")


def _menu_titles(window) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def _group_titles(window) -> list[str]:
    return [box.title() for box in window.inspector.settings.group_boxes().values()]


def _shown_texts(window: QWidget) -> set[tuple[str, str]]:
    """Every static text a user reads: labels, buttons, group titles, menus, actions, dock titles
    (after the throttled views caught up, as they do within a frame or two)."""
    window.flush_views()
    texts: set[tuple[str, str]] = set()
    for widget in [window, *window.findChildren(QWidget)]:
        if isinstance(widget, CaptionLabel):  # elided to its width: the whole caption is what it says
            texts.add(("caption", widget.full_text()))
        elif isinstance(widget, QLabel | QAbstractButton) and widget.text():
            texts.add((type(widget).__name__, widget.text()))
        elif isinstance(widget, QGroupBox):
            texts.add(("group", widget.title()))
        elif isinstance(widget, QMenu):
            texts.add(("menu", widget.title()))
    texts.update(("dock", dock.windowTitle()) for dock in window.docks.values())
    for view in window.findChildren(pg.GraphicsView):  # plot titles (every variant), axes, legends
        for item in view.scene().items():
            if hasattr(item, "variants"):
                texts.add(("title", " | ".join(item.variants())))
            elif isinstance(item, pg.AxisItem) and item.labelText:
                texts.add(("axis", item.labelText))
            elif isinstance(item, pg.LabelItem) and item.text.strip():
                texts.add(("label", item.text))
            elif isinstance(item, QGraphicsSimpleTextItem) and item.text():
                texts.add(("text item", item.text()))
    for action in window.findChildren(QAction):
        if action.text() and not action.text().startswith(("&Undo", "&Redo", "撤销", "重做")):
            texts.add(("action", action.text()))
    return texts


def _conv_into_linear() -> dict:
    """Digits images straight from a Conv2d into a Linear layer: the missing-Flatten problem."""
    return chain(
        ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 3}),
        ("fc", "Linear", {"out_features": 10}),
        dataset="digits",
    )


def test_a_window_built_in_chinese_shows_chinese_menus_docks_and_inspector_groups(make_window):
    set_language("zh_CN")
    window = make_window(persistent=False)
    assert _menu_titles(window)[:3] == ["文件(&F)", "编辑(&E)", "视图(&V)"]
    assert all(CJK.search(title) for title in _menu_titles(window)), _menu_titles(window)
    assert all(CJK.search(dock.windowTitle()) for dock in window.docks.values())
    assert all(CJK.search(title) for title in _group_titles(window)), _group_titles(window)
    assert window.workspace.tabText(0) == "网络"


def test_view_language_switches_the_window_live_and_back(make_window):
    window = make_window(persistent=False)
    english_menus, english_groups = _menu_titles(window), _group_titles(window)
    english_texts = _shown_texts(window)
    window.action("language_zh_CN").trigger()
    assert current_language() == "zh_CN" and core_language() == "zh_CN"
    assert window.action("language_zh_CN").isChecked()
    assert _menu_titles(window)[:3] == ["文件(&F)", "编辑(&E)", "视图(&V)"]
    assert all(CJK.search(title) for title in _group_titles(window)), _group_titles(window)
    assert window.docks["inspector"].windowTitle() == "检查器"
    assert window.action("undo").text().startswith("撤销")
    window.action("language_en").trigger()
    assert _menu_titles(window) == english_menus
    assert _group_titles(window) == english_groups
    back = _shown_texts(window)
    assert back == english_texts, (sorted(back - english_texts), sorted(english_texts - back))
    assert window.action("undo").text().startswith("&Undo")


def test_a_live_switch_shows_what_a_window_built_in_chinese_shows(make_window):
    """Nothing the user reads is left in English by the live relabelling."""
    live = make_window(persistent=False)
    live.action("language_zh_CN").trigger()
    built = make_window(persistent=False)
    live_texts, built_texts = _shown_texts(live), _shown_texts(built)
    assert live_texts == built_texts, (sorted(live_texts - built_texts), sorted(built_texts - live_texts))


def test_the_problems_of_the_graph_are_told_again_in_the_new_language(make_window):
    window = make_window(experiment_from_dict(_conv_into_linear()), persistent=False)
    report = window.document.report()
    assert report is not None and report.errors
    assert not CJK.search(report.errors[0].message)
    window.action("language_zh_CN").trigger()
    report = window.document.report()
    assert report is not None and CJK.search(report.errors[0].message), report.errors[0].message
    assert CJK.search(window.model_status_text()), window.model_status_text()


def test_the_chosen_language_is_remembered_for_the_next_start(make_window):
    window = make_window(persistent=True)
    assert AppSettings().language() is None  # nothing chosen: the system's language
    window.action("language_zh_CN").trigger()
    assert AppSettings().language() == "zh_CN"
    window.action("language_en").trigger()
    assert AppSettings().language() == "en"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--lang", "zh_CN", "x.json"], ("zh_CN", ["x.json"])),
        (["--lang=zh_CN"], ("zh_CN", [])),
        (["x.json", "-style", "fusion"], (None, ["x.json", "-style", "fusion"])),
    ],
)
def test_the_app_takes_its_language_from_the_command_line(argv, expected):
    assert take_language_option(argv) == expected


def test_a_snapshot_can_be_made_in_chinese(qapp):
    from playground.core.presets import default_experiment
    from playground.ui.snapshot import SnapshotOptions, render_window

    seen: list[list[str]] = []
    options = SnapshotOptions(size=(1024, 700), language="zh_CN", prepare=[lambda w, _o: seen.append(_menu_titles(w))])
    image = render_window(default_experiment(), None, options)
    assert image.width() == 1024
    assert seen and seen[0][0] == "文件(&F)"
    assert core_language() == "en"  # the language in force before the snapshot is back
