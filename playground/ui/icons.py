"""Icons that follow the palette: glyphs painted in the palette's text colour when they are drawn.

Qt's built-in standard icons (play, pause, stop, reload...) are black pixmaps: invisible on the
dark theme's grey toolbar. A `PaletteIcon` keeps only the glyph's shape (its alpha) and paints it
in the application palette's ButtonText colour at paint time, so an icon made once re-tints by
itself when `theme.apply_theme` changes the palette (widgets repaint on the palette change).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)

# The standard pixmaps that are one-colour glyphs (safe to paint in the text colour); message-box
# icons, folders and the like keep their own colours.
GLYPHS = frozenset(
    {
        "SP_MediaPlay",
        "SP_MediaPause",
        "SP_MediaStop",
        "SP_MediaSeekForward",
        "SP_MediaSeekBackward",
        "SP_MediaSkipForward",
        "SP_MediaSkipBackward",
        "SP_MediaVolume",
        "SP_MediaVolumeMuted",
        "SP_BrowserReload",
        "SP_BrowserStop",
        "SP_ArrowUp",
        "SP_ArrowDown",
        "SP_ArrowLeft",
        "SP_ArrowRight",
        "SP_ArrowBack",
        "SP_ArrowForward",
    }
)


def glyph_color(mode: QIcon.Mode) -> QColor:
    """The application palette's colour for a glyph in `mode` (disabled: the dimmed text)."""
    palette = QGuiApplication.palette()
    group, role = QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText
    if mode == QIcon.Mode.Disabled:
        group = QPalette.ColorGroup.Disabled
    elif mode == QIcon.Mode.Selected:
        role = QPalette.ColorRole.HighlightedText
    return palette.color(group, role)


def tinted(pixmap: QPixmap, color: QColor) -> QPixmap:
    """`pixmap`'s shape (its alpha) filled with `color`."""
    result = QPixmap(pixmap.size())
    result.setDevicePixelRatio(pixmap.devicePixelRatio())
    result.fill(QColor(0, 0, 0, 0))
    painter = QPainter(result)
    painter.drawPixmap(0, 0, pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(result.rect(), color)
    painter.end()
    return result


class PaletteIconEngine(QIconEngine):
    """Paints `source`'s glyph in the current palette colour (looked up on every paint, cached)."""

    def __init__(self, source: QIcon) -> None:
        super().__init__()
        self._source = QIcon(source)
        self._cache: dict[tuple[int, int, float, QIcon.Mode, QIcon.State, int], QPixmap] = {}

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        color = glyph_color(mode)
        key = (size.width(), size.height(), scale, mode, state, color.rgba())
        pixmap = self._cache.get(key)
        if pixmap is None:
            source = self._source.pixmap(size, scale, QIcon.Mode.Normal, state)
            pixmap = tinted(source, color) if not source.isNull() else source
            if len(self._cache) > 32:  # sizes x modes x themes: a handful in practice
                self._cache.clear()
            self._cache[key] = pixmap
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return self._source.actualSize(size, QIcon.Mode.Normal, state)

    def availableSizes(self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off) -> list[QSize]:
        return self._source.availableSizes(QIcon.Mode.Normal, state)

    def isNull(self) -> bool:
        return self._source.isNull()

    def key(self) -> str:
        return "PaletteIconEngine"

    def clone(self) -> QIconEngine:
        return PaletteIconEngine(self._source)


def palette_icon(source: QIcon) -> QIcon:
    """`source` as a glyph that is drawn in the palette's text colour (re-tinted on theme changes)."""
    if source.isNull():
        return source
    return QIcon(PaletteIconEngine(source))
