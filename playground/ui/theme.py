"""Light and dark palettes for the whole app; pyqtgraph plots follow the chosen theme.

The Fusion style draws every widget from the QPalette, so one palette per theme keeps the docks,
the inspector and the canvas consistent on every platform. Views that paint their own colours
(the code highlighter, the summary's error rows, plots) ask `is_dark()` or `colors()`.

Two things Fusion does not take from the palette are fixed by `PlaygroundStyle`, a proxy over
Fusion: its standard icons are black pixmaps (now glyphs in the palette's text colour, see
icons.py), and its check box / radio outlines are the window colour darkened, nearly invisible on
a dark window (now a mix of the text and window colours: contrast >= 3 in both themes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from playground.ui.icons import GLYPHS, palette_icon

THEMES = ("light", "dark")
DEFAULT_THEME = "light"


@dataclass(frozen=True)
class ThemeColors:
    """Colours views paint with themselves (the palette covers ordinary widgets)."""

    name: str
    window: str
    base: str
    alternate_base: str
    text: str
    muted_text: str
    button: str
    highlight: str
    link: str
    error: str
    error_background: str
    warning: str
    ok: str
    plot_background: str
    plot_foreground: str
    # syntax highlighting of the code view
    keyword: str
    builtin: str
    string: str
    number: str
    comment: str
    definition: str
    decorator: str


LIGHT = ThemeColors(
    name="light",
    window="#f3f3f5",
    base="#ffffff",
    alternate_base="#f6f7f9",
    text="#1d1f23",
    muted_text="#646a73",
    button="#eceef1",
    highlight="#2f6fdb",
    link="#1f5fc4",
    error="#c62828",
    error_background="#fdecea",
    warning="#a15c00",
    ok="#2e7d32",
    plot_background="#ffffff",
    plot_foreground="#333333",
    keyword="#0033b3",
    builtin="#7a3e9d",
    string="#067d17",
    number="#1750eb",
    comment="#8c8c8c",
    definition="#00627a",
    decorator="#9e880d",
)

DARK = ThemeColors(
    name="dark",
    window="#2b2d31",
    base="#1e1f22",
    alternate_base="#26282c",
    text="#dfe1e5",
    muted_text="#9a9fa8",
    button="#393b40",
    highlight="#3574f0",
    link="#6ea6ff",
    error="#ff6b68",
    error_background="#4a2323",
    warning="#e0a040",
    ok="#6cc070",
    plot_background="#1e1f22",
    plot_foreground="#c8c8c8",
    keyword="#cf8e6d",
    builtin="#b389c5",
    string="#6aab73",
    number="#2aacb8",
    comment="#7a7e85",
    definition="#56a8f5",
    decorator="#b3ae60",
)

_COLORS = {"light": LIGHT, "dark": DARK}


class _ThemeNotifier(QObject):
    changed = Signal(str)  # also after the colour-blind-safe palette is switched


_notifier: _ThemeNotifier | None = None
_current = DEFAULT_THEME


def notifier() -> _ThemeNotifier:
    """Emits `changed(theme)` after `apply_theme`; views that paint their own colours listen."""
    global _notifier
    if _notifier is None:
        _notifier = _ThemeNotifier()
    return _notifier


def current_theme() -> str:
    return _current


def is_dark() -> bool:
    return _current == "dark"


def colors(theme: str | None = None) -> ThemeColors:
    return _COLORS.get(theme or _current, LIGHT)


def palette_for(theme: str) -> QPalette:
    c = colors(theme)
    palette = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    entries = {
        role.Window: c.window,
        role.WindowText: c.text,
        role.Base: c.base,
        role.AlternateBase: c.alternate_base,
        role.ToolTipBase: c.base,
        role.ToolTipText: c.text,
        role.PlaceholderText: c.muted_text,
        role.Text: c.text,
        role.Button: c.button,
        role.ButtonText: c.text,
        role.BrightText: "#ffffff",
        role.Highlight: c.highlight,
        role.HighlightedText: "#ffffff",
        role.Link: c.link,
        role.LinkVisited: c.link,
        role.Light: "#ffffff" if theme == "light" else "#4a4d52",
        role.Midlight: "#e2e4e8" if theme == "light" else "#3c3f44",
        role.Mid: "#c4c7cc" if theme == "light" else "#2f3136",
        role.Dark: "#9ea3aa" if theme == "light" else "#17181a",
        role.Shadow: "#6b6f75" if theme == "light" else "#0b0b0c",
    }
    for palette_role, value in entries.items():
        palette.setColor(palette_role, QColor(value))
    disabled = QColor(c.muted_text)
    for palette_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, palette_role, disabled)
    palette.setColor(group.Disabled, role.Base, QColor(c.window))
    return palette


INDICATOR_TEXT_SHARE = 0.55  # how much of the text colour an indicator outline mixes into the window


def indicator_border(palette: QPalette) -> QColor:
    """The outline of check boxes and radio buttons: between the text and the window colour, so it
    shows on a light and on a dark window alike (and dims with the text when disabled)."""
    text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    share = INDICATOR_TEXT_SHARE

    def mix(a: int, b: int) -> int:
        return round(share * a + (1 - share) * b)

    return QColor(mix(text.red(), window.red()), mix(text.green(), window.green()), mix(text.blue(), window.blue()))


class PlaygroundStyle(QProxyStyle):
    """Fusion with palette-coloured glyph icons and visible check box / radio outlines."""

    def standardIcon(
        self, standard_icon: QStyle.StandardPixmap, option: QStyleOption | None = None, widget: QWidget | None = None
    ) -> QIcon:
        icon = super().standardIcon(standard_icon, option, widget)
        return palette_icon(icon) if getattr(standard_icon, "name", None) in GLYPHS else icon

    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: QWidget | None = None
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        primitive = QStyle.PrimitiveElement
        if element not in (primitive.PE_IndicatorCheckBox, primitive.PE_IndicatorRadioButton):
            return
        state = option.state
        if state & QStyle.StateFlag.State_HasFocus and state & QStyle.StateFlag.State_KeyboardFocusChange:
            return  # Fusion's focus outline (the highlight colour) shows already
        # Fusion's own outline again, same geometry (qfusionstyle.cpp), in a colour that shows
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(indicator_border(option.palette)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = option.rect
        if element == primitive.PE_IndicatorCheckBox:
            painter.translate(0.5, 0.5)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        else:
            radius = (rect.width() + (rect.width() + 1) % 2) / 2.0 - 1
            painter.drawEllipse(QPointF(rect.center()) + QPointF(1, 1), radius, radius)
        painter.restore()


def _use_playground_style(app: QApplication) -> None:
    """Fusion (under `PlaygroundStyle`) draws everything from the palette; installed once."""
    if isinstance(app.style(), PlaygroundStyle):
        return
    if "fusion" in [key.lower() for key in QStyleFactory.keys()]:  # noqa: SIM118 - keys() is a Qt call
        app.setStyle(PlaygroundStyle("Fusion"))


# Colour-blind-safe colours (View ▸ Colour-blind-safe Colours): the plots' class and curve colours
# switch to a palette that stays distinct with the common colour-vision deficiencies (see
# plots/style.py for the colours). Views repaint through `notifier().changed`, as for a theme.
_color_blind_safe = False


def color_blind_safe() -> bool:
    return _color_blind_safe


def set_color_blind_safe(on: bool) -> None:
    """Switch the plots' palette; every view that paints its own colours re-reads them
    (`notifier().changed` with the current theme)."""
    global _color_blind_safe
    if bool(on) == _color_blind_safe:
        return
    _color_blind_safe = bool(on)
    notifier().changed.emit(_current)


def apply_theme(theme: str, app: QApplication | None = None) -> str:
    """Switch the whole application to `theme` ("light" or "dark"); returns the theme applied."""
    global _current
    theme = theme if theme in THEMES else DEFAULT_THEME
    app = app or cast("QApplication | None", QApplication.instance())  # a widgets app's instance
    if app is None:
        raise RuntimeError("apply_theme needs a QApplication")
    _use_playground_style(app)
    app.setPalette(palette_for(theme))
    _current = theme
    _follow_in_pyqtgraph(theme)
    notifier().changed.emit(theme)
    return theme


def _follow_in_pyqtgraph(theme: str) -> None:
    """New plots take these colours; existing plots listen to `notifier().changed`."""
    try:
        import pyqtgraph  # lazy: optional: the theme works without pyqtgraph
    except ImportError:  # pragma: no cover - pyqtgraph is a dependency
        return
    c = colors(theme)
    pyqtgraph.setConfigOption("background", c.plot_background)
    pyqtgraph.setConfigOption("foreground", c.plot_foreground)
    pyqtgraph.setConfigOption("antialias", True)
