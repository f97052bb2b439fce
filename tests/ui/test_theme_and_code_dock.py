"""Issue 12: the dark theme's toolbar icons and check boxes must show, and the Code dock's caption
must never be cut mid-word ("— updatec")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton

from playground.ui import theme

PRESETS = Path(__file__).resolve().parents[2] / "presets"
MIN_CONTRAST = 3.0  # WCAG's minimum for icons and control outlines


def luminance(color: QColor) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def average_opaque_color(pixmap: QPixmap) -> QColor:
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)
    total = [0, 0, 0]
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() >= 128:
                total = [
                    total[0] + pixel.red(),
                    total[1] + pixel.green(),
                    total[2] + pixel.blue(),
                ]
                count += 1
    assert count, "the icon has no opaque pixels"
    return QColor(*(round(value / count) for value in total))


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def toolbar_background(toolbar) -> QColor:
    """The bar's colour where no button is: its empty right end, half-way down."""
    return toolbar.grab().toImage().pixelColor(toolbar.width() - 4, toolbar.height() // 2)


def assert_toolbar_icons_show(window) -> None:
    """Each icon's glyph, and each icon-only button as painted, stands out from the toolbar."""
    toolbar = window.training_toolbar
    settle()
    background = toolbar_background(toolbar)
    checked = 0
    for action in toolbar.actions():
        button = toolbar.widgetForAction(action)
        if button is None or action.icon().isNull():
            continue
        mode = QIcon.Mode.Normal if action.isEnabled() else QIcon.Mode.Disabled
        glyph = average_opaque_color(action.icon().pixmap(button.iconSize(), 1.0, mode))
        assert contrast(glyph, background) >= MIN_CONTRAST, (
            action.text(),
            glyph.name(),
            background.name(),
        )
        checked += 1
    assert checked >= 5  # Train, Step, Step Epoch, Stop, Reset
    # as painted: with the text hidden, every button still shows a glyph that stands out
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    settle()
    try:
        image = toolbar.grab().toImage()
        for action in toolbar.actions():
            button = toolbar.widgetForAction(action)
            if button is None or action.icon().isNull():
                continue
            area = button.geometry()
            visible = sum(
                contrast(image.pixelColor(x, y), background) >= MIN_CONTRAST
                for y in range(area.top(), area.bottom() + 1)
                for x in range(area.left(), area.right() + 1)
            )
            assert visible >= 20, (action.text(), visible)
    finally:
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)


@pytest.mark.parametrize("name", theme.THEMES)
def test_toolbar_icons_contrast_with_the_toolbar(make_window, name):
    theme.apply_theme(name)
    window = make_window(persistent=False)
    assert_toolbar_icons_show(window)


@pytest.mark.parametrize(("first", "then"), [("light", "dark"), ("dark", "light")])
def test_toolbar_icons_follow_a_theme_change(make_window, first, then):
    theme.apply_theme(first)
    window = make_window(persistent=False)
    settle()
    window.set_theme(then)
    assert theme.current_theme() == then
    assert_toolbar_icons_show(window)


def indicator_rect(check: QCheckBox) -> QRect:
    option = QStyleOptionButton()
    check.initStyleOption(option)
    return check.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, check)


@pytest.mark.parametrize("name", theme.THEMES)
def test_unchecked_check_boxes_have_a_visible_outline(make_window, name):
    theme.apply_theme(name)
    window = make_window(persistent=False)
    window.resize(1400, 900)
    settle()
    boxes = [  # unchecked, and on screen: not scrolled out of the inspector's view
        box
        for box in window.inspector.settings.findChildren(QCheckBox)
        if box.isVisible() and not box.isChecked() and box.visibleRegion().contains(indicator_rect(box))
    ]
    assert boxes, "the settings inspector shows unchecked feature boxes (x1², sin x1, ...)"
    image = window.grab().toImage()
    for box in boxes[:3]:
        rect = indicator_rect(box).translated(box.mapTo(window, QPoint(0, 0)))
        middle = rect.center()
        # the window's own pixels just above the box
        background = image.pixelColor(middle.x(), rect.top() - 2)
        for border in (
            image.pixelColor(rect.left(), middle.y()),
            image.pixelColor(middle.x(), rect.top()),
        ):
            assert contrast(border, background) >= MIN_CONTRAST, (
                box.text(),
                border.name(),
                background.name(),
            )


def assert_caption_readable(caption) -> str:
    """The caption fits its label and is the full text, a shorter text that ends at a word's end,
    or a text elided with "…" (with the full text as its tooltip); returns what it shows."""
    text, width = caption.text(), caption.contentsRect().width()
    assert caption.fontMetrics().horizontalAdvance(text) <= width, (width, text)
    full = caption.full_text()
    if text == full:
        assert caption.toolTip() == ""
        return text
    assert caption.toolTip() == full  # the whole caption is a hover away
    if full.startswith(text):
        # a shorter text stops at a word's end ("— updatec" did not)
        assert full[len(text)] == " ", (width, text)
    else:
        assert text.endswith("…"), (width, text)
    return text


def shown_texts_at(window, widths: list[int]) -> dict[int, str]:
    """What the Code dock's caption shows with the dock floating at each width."""
    dock = window.docks["code"]
    dock.setFloating(True)
    dock.show()
    shown: dict[int, str] = {}
    for width in widths:
        dock.resize(width, 500)
        settle()
        assert abs(dock.width() - width) <= 2, (width, dock.width())
        shown[width] = assert_caption_readable(window.code_view.caption)
    return shown


@pytest.mark.parametrize("size", [(1400, 900), (1024, 700)])
def test_code_caption_fits_the_docked_code_panel(make_window, size):
    window = make_window(persistent=False)
    window.resize(*size)
    window.docks["code"].raise_()
    settle()
    window.flush_views()
    settle()
    shown = assert_caption_readable(window.code_view.caption)
    assert shown.startswith("class XORNeedsAHiddenLayer(nn.Module)")


# the offscreen platform warns when a floating dock is raised
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_code_caption_is_never_cut_mid_word(make_window):
    window = make_window(persistent=False)
    window.flush_views()
    shown = shown_texts_at(window, [200, 230, 260, 300, 340, 378, 420, 480, 560, 800])
    full = window.code_view.caption.full_text()
    assert full == "class XORNeedsAHiddenLayer(nn.Module) — updated as you edit"
    # narrow docks shorten it, wide ones show it all
    assert shown[200] != full and shown[800] == full


# the offscreen platform warns when a floating dock is raised
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_code_caption_of_a_long_class_name_elides_with_an_ellipsis(make_window, tmp_path):
    data = json.loads((PRESETS / "xor.json").read_text(encoding="utf-8"))
    data["name"] = "A very long experiment name about two interleaved spirals"
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    window = make_window(persistent=False)
    assert window.open_file(path)
    window.flush_views()
    shown = shown_texts_at(window, [200, 1400])
    assert window.code_view.caption.full_text().startswith(
        "class AVeryLongExperimentNameAboutTwoInterleavedSpirals(nn.Module)"
    )
    assert shown[200].startswith("class AVery") and shown[200].endswith("…")
    assert shown[1400] == window.code_view.caption.full_text()
