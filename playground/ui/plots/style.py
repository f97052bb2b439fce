"""Shared look and plumbing of the live plots: colours, fonts, theme following, NaN-safe data,
growable series, the debiased EMA, and PNG/SVG export.

Every live view builds its pyqtgraph items once and later only calls `setData`/`setImage`;
the helpers here keep that cheap (amortised appends, finite masks) and keep the views readable
on a projector (larger tick and title fonts, colour-blind-safe palette).
"""

from __future__ import annotations

import html
import math
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import overload

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as exporters
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPen,
    QPixmapCache,
    QTextDocumentFragment,
    QTextOption,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsItem, QWidget

from playground.ui import theme


def tr(text: str) -> str:
    return QCoreApplication.translate("Plots", text)


# The plots' colours as the code names them; the first two class colours are TensorFlow
# Playground's orange and blue.
STANDARD_CLASS_COLORS = (
    "#f59322",
    "#0877bd",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
TRAIN_COLOR = "#1f77b4"
TRAIN_FAINT = (31, 119, 180, 70)
VAL_COLOR = "#e8710a"
LR_COLOR = "#7b3fbf"
REFERENCE_COLOR = "#8a8f98"
CURSOR_COLOR = "#d81b60"  # the time machine's line: the moment the views show

TICK_POINT_SIZE = 9
TITLE_POINT_SIZE = 11

# ---- colour-blind-safe colours ----------------------------------------------------------------
# While theme.color_blind_safe() is on, each colour on the left is shown as the one on the right:
# classes take Okabe & Ito's palette (orange and blue first, as in TensorFlow Playground), curves
# Paul Tol's vibrant and bright ones; red/green pairs become blue/orange/vermillion. Distinct
# colours stay distinct (one safe colour per colour), so a plot can be switched back and forth:
# the colour it shows always tells which one the code asked for.
SAFE_CLASS_COLORS = (
    "#e69f00",  # orange
    "#0072b2",  # blue
    "#009e73",  # bluish green
    "#d55e00",  # vermillion
    "#cc79a7",  # reddish purple
    "#56b4e9",  # sky blue
    "#f0e442",  # yellow
    "#7f7f7f",  # grey
    "#882255",  # wine
    "#44aa99",  # teal
)
SAFE_COLORS: dict[str, str] = {
    **{
        standard: safe
        for standard, safe in zip(STANDARD_CLASS_COLORS, SAFE_CLASS_COLORS, strict=True)
        if standard != safe
    },
    TRAIN_COLOR: "#0077bb",  # blue (also the Compare tab's first contender)
    VAL_COLOR: "#ee7733",  # orange (also "saturated" in the diagnostics)
    LR_COLOR: "#aa3377",  # purple
    "#c62828": "#cc3311",  # red: dead units, mistakes in the confusion matrix, a run's markers
    "#2e7d32": "#009988",  # green: the true values of a forecast, a diagnostics curve
    "#0b4f86": "#004488",  # dark blue: the loss plot's epoch dots
    "#ff7f0e": "#ddaa33",  # the Compare tab's fourth contender
}
_STANDARD_OF = {safe: standard for standard, safe in SAFE_COLORS.items()}
_HEX_IN_TEXT = re.compile(r"(?<![&\w])#[0-9a-fA-F]{6}\b")


def _shown_qcolor(value: QColor) -> QColor:
    """`value` in the palette shown now (alpha kept); it may be a standard or a safe colour."""
    name = value.name()
    standard = _STANDARD_OF.get(name, name)
    shown = SAFE_COLORS.get(standard, standard) if theme.color_blind_safe() else standard
    if shown == name:
        return value
    result = QColor(shown)
    result.setAlpha(value.alpha())
    return result


def color(value: str) -> str:
    """A plot colour ("#rrggbb") as shown now: its colour-blind-safe stand-in while that palette is on."""
    qcolor = QColor(value)
    if not qcolor.isValid():
        return value
    shown = _shown_qcolor(qcolor)
    return value if shown is qcolor else shown.name()


def recolor_text(text: str) -> str:
    """Rich text (a title that doubles as a legend) with its colours as shown now."""
    return _HEX_IN_TEXT.sub(lambda match: color(match.group(0)), text)


class _ClassColors(Sequence[str]):
    """The class colours shown now: read at use, so views that colour at paint or refresh time
    follow the colour-blind-safe switch by themselves."""

    def __len__(self) -> int:
        return len(STANDARD_CLASS_COLORS)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return tuple(color(value) for value in STANDARD_CLASS_COLORS[index])
        return color(STANDARD_CLASS_COLORS[index])


CLASS_COLORS: Sequence[str] = _ClassColors()


# ---- presenter scale ----------------------------------------------------------------------------
# Presenter mode (View ▸ Presenter Mode) shows the plots' fonts and curves larger for a projector.
# The helpers below make fonts and pens at the scale of the day; `refresh_plots` brings existing
# plots to a new scale or palette. What it set is remembered on each item (shown value, base
# value), so anything a view set since (at its base size) is told apart from what was scaled.
MIN_SCALE, MAX_SCALE = 0.5, 3.0
_scale = 1.0
_APPEARANCE = "_appearance"  # our attribute on pyqtgraph items: {slot: (shown, base)}
_made_pens: dict[tuple, float] = {}  # pens `pen()` made at the current scale: key -> base width


class _Appearance(QObject):
    """Emits `scale_changed(factor)` after the plot scale changed (views that lay out their own
    text listen), and brings the plots back to scale after a theme switch: views restyle their
    axes and titles on `theme.notifier().changed` with their base sizes."""

    scale_changed = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(refresh_plots)
        theme.notifier().changed.connect(self._on_theme_changed)

    def _on_theme_changed(self, _name: str) -> None:
        self._timer.start()  # after every view's own restyle (they run in this same emission)


_appearance: _Appearance | None = None


def appearance() -> _Appearance:
    global _appearance
    if _appearance is None:
        _appearance = _Appearance()
    return _appearance


def plot_scale() -> float:
    return _scale


def points(base: float) -> float:
    """A font size in points at the plot scale of the day."""
    return base * _scale


def _size_text(base: float) -> str:
    return f"{points(base):.4g}pt"


def _points_in(size: object) -> float | None:
    """12.0 for "12pt" (pyqtgraph's size option), None for anything else."""
    if isinstance(size, str) and size.endswith("pt"):
        try:
            return float(size[:-2])
        except ValueError:
            return None
    return None


def _remember(item: object, slot: str, shown: object, base: object) -> None:
    tags = getattr(item, _APPEARANCE, None)
    if tags is None:
        tags = {}
        setattr(item, _APPEARANCE, tags)
    tags[slot] = (shown, base)


def _base_behind(item: object, slot: str, current: object, otherwise: object) -> object:
    """The base value behind `current`: the one remembered if `current` is what was shown from it,
    else `otherwise` (a view set `current` itself since)."""
    shown, base = getattr(item, _APPEARANCE, {}).get(slot, (None, None))
    return base if shown == current and base is not None else otherwise


def set_plot_scale(factor: float) -> None:
    """Fonts and curve widths of every plot times `factor` (1.0: as designed); applied live."""
    global _scale
    factor = min(MAX_SCALE, max(MIN_SCALE, float(factor)))
    if abs(factor - _scale) < 1e-9:
        return
    _scale = factor
    refresh_plots()
    _made_pens.clear()  # pens made at the old scale are all in place now
    appearance().scale_changed.emit(factor)


def tick_font(points: float = TICK_POINT_SIZE) -> QFont:
    """A tick font of `points` (at the plot scale of the day)."""
    font = QFont()
    font.setPointSizeF(points * _scale)
    return font


class FittingTitle(pg.LabelItem):
    """A plot title that gives way in a narrow plot: it shows the longest of its variants that
    fits ("Accuracy: train / validation", then "Accuracy"), and the shortest cut short with "…"
    where none fits (a narrow column, or the presenter's larger font).

    pyqtgraph's title asks for its whole text as minimum width; side-by-side plots with long
    titles then force their canvas wider than its window, which cuts off the right of every
    plot, legend and axis in it."""

    def __init__(self, text: str = " ", parent: QGraphicsItem | None = None, **args: object) -> None:
        self._variants: list[str] = []
        self._widths: list[float] = []
        self._shown = ""
        self._busy = False
        super().__init__(text, parent=parent, **args)

    def set_variants(self, variants: Sequence[str], **args: object) -> None:
        """The texts to choose from, longest (preferred) first; style options as for setText."""
        self._variants = [text for text in variants if text] or [" "]
        self.opts.update(args)
        self._busy = True
        try:
            widths = []
            for text in self._variants:
                pg.LabelItem.setText(self, text)
                widths.append(self.itemRect().width())
        finally:
            self._busy = False
        self._widths = widths
        self._show(self._fitting(self.rect().width()))

    def setText(self, text: str, **args: object) -> None:
        """pyqtgraph's setText; the theme re-colours a title with the text it shows."""
        if self._busy:
            pg.LabelItem.setText(self, text, **args)
            return
        self.set_variants(self._variants if text in self._variants or text == self._shown else [text], **args)

    def shown_text(self) -> str:
        return self._shown

    def variants(self) -> list[str]:
        return list(self._variants)

    def _fitting(self, width: float) -> str:
        for text, needed in zip(self._variants, self._widths):
            if needed <= width + 0.5:
                return text
        return self._elided(width) if self._widths else self._variants[-1]

    def _plain_shortest(self) -> tuple[str, QFontMetrics, float]:
        """The shortest variant as plain text, the metrics of the title's font, and the room the
        label takes around its text."""
        plain = QTextDocumentFragment.fromHtml(self._variants[-1]).toPlainText()
        font = QFont(self.item.font())
        size = _points_in(self.opts.get("size"))
        if size is not None:
            font.setPointSizeF(size)
        font.setBold(bool(self.opts.get("bold")))
        metrics = QFontMetrics(font)
        return plain, metrics, max(0.0, self._widths[-1] - metrics.horizontalAdvance(plain))

    def _elided(self, width: float) -> str:
        plain, metrics, frame = self._plain_shortest()
        shown = metrics.elidedText(plain, Qt.TextElideMode.ElideRight, max(1, int(width - frame)))
        return html.escape(shown or "…")

    def _narrowest(self) -> float:
        """The least room the title asks for: its shortest variant's first letters and "…"."""
        plain, metrics, frame = self._plain_shortest()
        return min(self._widths[-1], metrics.horizontalAdvance(plain[:4] + "…") + frame)

    def _show(self, text: str) -> None:
        self._busy = True
        try:
            pg.LabelItem.setText(self, text)
            self._shown = text
        finally:
            self._busy = False

    def resizeEvent(self, ev: object) -> None:
        if not self._busy and self._widths:
            wanted = self._fitting(self.rect().width())
            if wanted != self._shown:
                self._show(wanted)  # lays itself out again
                return
        super().resizeEvent(ev)

    def updateMin(self) -> None:
        """As narrow as the shortest variant, as wide as the longest would like."""
        bounds = self.itemRect()
        narrowest = min(min(self._widths), self._narrowest()) if self._widths else bounds.width()
        widest = max(self._widths) if self._widths else bounds.width()
        self.setMinimumWidth(narrowest)
        self.setMinimumHeight(bounds.height())
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (narrowest, bounds.height()),
            Qt.SizeHint.PreferredSize: (widest, bounds.height()),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()


def fitting_title(plot: pg.PlotItem) -> FittingTitle:
    """The plot's title as a FittingTitle (put in place of pyqtgraph's own the first time)."""
    label = plot.titleLabel
    if isinstance(label, FittingTitle):
        return label
    title = FittingTitle(" ", parent=plot, **dict(label.opts))
    plot.layout.removeItem(label)
    scene = label.scene()
    if scene is not None:
        scene.removeItem(label)
    else:
        label.setParentItem(None)
    plot.layout.addItem(title, 0, 1)
    plot.titleLabel = title
    return title


def set_title(plot: pg.PlotItem, text: str, *shorter: str, points: float = TITLE_POINT_SIZE, bold: bool = True) -> None:
    """The plot's title; `shorter` variants (longest first) stand in when the plot is too narrow
    (a FittingTitle: a title never makes its plot wider than its window)."""
    text, shorter = recolor_text(text), tuple(recolor_text(variant) for variant in shorter)
    title = fitting_title(plot)
    size = _size_text(points)
    plot.setTitle(text, size=size, bold=bold, color=theme.colors().plot_foreground)
    title.set_variants([text, *shorter])
    _remember(title, "size", size, points)


class CountAxis(pg.AxisItem):
    """An axis of counts (steps, epochs): ticks and labels at whole numbers only.

    pyqtgraph ticks an empty 0…1 axis at 0.2, 0.4, … and a short run at every half step;
    "step 0.4" means nothing to a student."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        if self.logMode:
            return super().tickValues(minVal, maxVal, size)
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing is None or spacing < 1.0 - 1e-9:
                continue
            whole = [value for value in values if abs(value - round(value)) < 1e-6 * max(1.0, abs(value))]
            levels.append((spacing, whole))
        if not levels:  # a range of about one step: only its whole numbers
            low, high = sorted((minVal, maxVal))
            levels = [(1.0, [float(value) for value in range(math.ceil(low), math.floor(high) + 1)])]
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode:
            return super().tickStrings(values, scale, spacing)
        return [str(round(value * scale)) for value in values]


def count_axis(orientation: str = "bottom") -> CountAxis:
    return CountAxis(orientation=orientation)


class SpacedLabelAxis(pg.AxisItem):
    """Fixed tick labels (layer names) that leave out whichever would overlap a neighbour: the
    ticks stay, the first and the last label always show (moved inward at the axis ends, where
    pyqtgraph would drop them). pyqtgraph draws every fixed label, so ten layer names in a narrow
    plot printed on top of each other."""

    GAP = 6.0  # pixels between two labels
    EDGE = 14.0  # pixels an end label may reach past the end of the axis
    _collecting = False

    def boundingRect(self) -> QRectF:
        rect = super().boundingRect()
        reach = 1e4 if self._collecting else self.EDGE  # while collecting: every label, to place it ourselves
        if self.orientation in ("top", "bottom"):
            return rect.adjusted(-reach, 0, reach, 0)
        return rect.adjusted(0, -reach, 0, reach)

    def generateDrawSpecs(self, p: QPainter) -> object:
        self._collecting = True
        try:
            specs = super().generateDrawSpecs(p)
        finally:
            self._collecting = False
        if specs is None:
            return None
        axis_spec, tick_specs, text_specs = specs
        horizontal = self.orientation in ("top", "bottom")
        length = self.width() if horizontal else self.height()
        inside = [
            (_within(QRectF(rect), horizontal, -self.EDGE, length + self.EDGE), flags, text)
            for rect, flags, text in text_specs
        ]
        return axis_spec, tick_specs, spaced_labels(inside, horizontal, self.GAP)


def _within(rect: QRectF, horizontal: bool, low: float, high: float) -> QRectF:
    """`rect` moved along the axis to lie between low and high (as far as it fits)."""
    if horizontal:
        if rect.right() > high:
            rect.moveRight(high)
        if rect.left() < low:
            rect.moveLeft(low)
    else:
        if rect.bottom() > high:
            rect.moveBottom(high)
        if rect.top() < low:
            rect.moveTop(low)
    return rect


def spaced_labels(text_specs: list, horizontal: bool, gap: float) -> list:
    """The (rect, flags, text) specs of an axis without overlaps, first and last kept."""

    def start(rect: QRectF) -> float:
        return rect.left() if horizontal else rect.top()

    def end(rect: QRectF) -> float:
        return rect.right() if horizontal else rect.bottom()

    ordered = sorted(text_specs, key=lambda spec: start(spec[0]))
    kept: list = []
    for spec in ordered:
        if not kept or start(spec[0]) >= end(kept[-1][0]) + gap:
            kept.append(spec)
    if ordered and kept[-1] is not ordered[-1]:
        last = ordered[-1]
        while len(kept) > 1 and start(last[0]) < end(kept[-1][0]) + gap:
            kept.pop()
        if start(last[0]) >= end(kept[-1][0]) + gap:
            kept.append(last)
    return kept


def style_plot(
    plot: pg.PlotItem,
    *,
    title: str = "",
    left: str = "",
    bottom: str = "",
    grid: bool = True,
    short_titles: Sequence[str] = (),
    tick_points: int = TICK_POINT_SIZE,
    title_points: int = TITLE_POINT_SIZE,
    bold_title: bool = True,
    grid_alpha: float = 0.18,
) -> None:
    """Axis fonts/labels/grid for a plot item, in the current theme (`short_titles`: see set_title).
    The Training and Compare tabs both style their plots here (Compare's are a size larger)."""
    foreground = theme.colors().plot_foreground
    ensure_pixmap_cache()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        # Axes (with their grid lines) are redrawn from a pixmap unless their range changes:
        # without this every curve update repaints every tick label, the largest cost of a live plot.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        axis.setTickFont(tick_font(tick_points))
        _remember(axis, "tick", points(tick_points), tick_points)
        reserve_tick_space(axis)
        if axis.autoSIPrefix:
            axis.enableAutoSIPrefix(False)  # "loss (x0.001)" confuses students; plain numbers
        axis.autoSIPrefixScale = 1.0
        axis.labelUnitPrefix = ""
        axis.setPen(pg.mkPen(foreground))
        axis.setTextPen(pg.mkPen(foreground))
    label_size = _size_text(tick_points + 1)
    for name, text in (("left", left), ("bottom", bottom)):
        if text:
            plot.setLabel(name, text, **{"font-size": label_size, "color": foreground})
            _remember(plot.getAxis(name), "label", label_size, tick_points + 1)
    if title:
        set_title(plot, title, *short_titles, points=title_points, bold=bold_title)
    plot.showGrid(x=grid, y=grid, alpha=grid_alpha)
    plot.setMenuEnabled(False)


# Item caches live in QPixmapCache (10 MB by default). An axis with grid lines covers its whole
# plot, so a window of live plots needs several times that (four times on a HiDPI screen);
# once the cache is full, Qt silently drops axis pictures and every curve update redraws them.
PIXMAP_CACHE_KB = 96 * 1024


def ensure_pixmap_cache() -> None:
    if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
        QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)


# The widest tick label a live plot usually shows: its width is reserved from the start.
TYPICAL_TICK_LABEL = "0.0001"


def reserve_tick_space(axis: pg.AxisItem, *, afresh: bool = False) -> None:
    """Room for typical tick labels from the start, and an axis that grows but never shrinks.

    pyqtgraph fits an axis to its current labels: "0.5" → "0.25" → "1" resizes the axis, which
    moves the plot area, which redraws every axis and curve of the canvas, several passes per
    change. Live plots change their labels often, so a stable size saves most of those redraws
    and keeps the plots from twitching under a student's eyes. `afresh`: measured again for a
    new font (the presenter scale), smaller too."""
    metrics = QFontMetrics(axis.style.get("tickFont") or tick_font())
    axis.setStyle(autoReduceTextSpace=False)
    if axis.orientation in ("left", "right"):
        wanted = metrics.horizontalAdvance(TYPICAL_TICK_LABEL)
        axis.textWidth = wanted if afresh else max(axis.textWidth, wanted)
    else:
        axis.textHeight = metrics.height() if afresh else max(axis.textHeight, metrics.height())
    axis._adjustSize()  # noqa: SLF001 - pyqtgraph's own re-measure after a style change


def pixel_downsampling(curve: pg.PlotDataItem) -> None:
    """Downsample a dense per-step curve to one bin per pixel (two points with "peak"), not
    pyqtgraph's five: a thick line costs in proportion to its points, and more points than
    pixels look the same."""
    curve.opts["autoDownsampleFactor"] = 1.0


def colored(text: str, value: str) -> str:
    """A word of a plot title in a curve's colour: the title then doubles as the legend."""
    return f"<span style='color:{color(value)}'>{text}</span>"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_label(exponent: int) -> str:
    """10^e as plain text a student reads at a glance: 0.001 … 1000, else 10⁻⁶."""
    if -3 <= exponent <= 3:
        return f"{10.0**exponent:g}"
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def decade_ticks(plot: pg.PlotItem, low: float, high: float, axis: str = "left") -> None:
    """Fixed ticks on a log axis whose range is [low, high] in decades (log10 units): a labelled
    tick at powers of ten (every other one when there are many) and unlabelled 2…9 in between
    while the range is short. pyqtgraph's own log ticks label the 2…9 too and crowd small plots."""
    first, last = int(math.floor(low)), int(math.ceil(high))
    every = max(1, int(math.ceil((last - first + 1) / 5)))
    major = [(float(e), decade_label(e)) for e in range(first, last + 1) if (e - first) % every == 0]
    minor: list[tuple[float, str]] = []
    if last - first <= 4:
        minor = [(e + math.log10(m), "") for e in range(first, last) for m in range(2, 10)]
    ticks = [major, minor]
    item = plot.getAxis(axis)
    if item._tickLevels != ticks:  # noqa: SLF001 - setTicks always redraws the axis
        item.setTicks(ticks)


def legend_row(items: list[tuple[object, str]], columns: int) -> pg.LegendItem:
    """A legend as its own row of a GraphicsLayout, so it never covers data; its PlotCanvas gives
    it fewer columns where `columns` do not fit (see fit_legend_columns)."""
    colors = theme.colors()
    size = _size_text(TICK_POINT_SIZE)
    legend = pg.LegendItem(
        colCount=columns,
        labelTextSize=size,
        labelTextColor=colors.plot_foreground,
        horSpacing=18,
        verSpacing=-4,
    )
    _remember(legend, "size", size, TICK_POINT_SIZE)
    legend.preferred_columns = columns  # our own mark on the pyqtgraph item
    for item, name in items:
        legend.addItem(item, name)
    return legend


def fit_axis_label(axis: pg.AxisItem) -> None:
    """A vertical axis label longer than its plot is tall wraps onto more lines: in a short plot,
    or at the presenter's larger font, it ran over the plots above and below."""
    label = axis.label
    if axis.orientation not in ("left", "right") or label is None or not label.isVisible():
        return
    room = axis.size().height()
    plot = axis.parentItem()
    if isinstance(plot, pg.PlotItem):  # centred on the axis, it may reach over the title and the x axis
        centre = axis.pos().y() + room / 2
        room = 2 * min(centre, plot.size().height() - centre) - 4
    if room < 40:
        return
    document = label.document().clone()
    document.setTextWidth(-1)
    wanted = -1.0 if document.idealWidth() <= room else room
    if abs(label.textWidth() - wanted) > 0.5:
        option = label.document().defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # between words only, never inside one
        label.document().setDefaultTextOption(option)
        label.setTextWidth(wanted)
        axis._adjustSize()  # noqa: SLF001 - pyqtgraph's own re-measure (room for a second line)
        axis.resizeEvent()  # the label centred along the axis again


def fit_legend_columns(legend: pg.LegendItem, width: float) -> None:
    """A legend row in as many of its preferred columns as fit `width` (one at least): at the
    presenter's larger font two columns of entries can be wider than the plot."""
    preferred = getattr(legend, "preferred_columns", 0)
    if not preferred or not legend.items:
        return
    hint = Qt.SizeHint.PreferredSize
    entries = [
        sample.effectiveSizeHint(hint).width() + label.effectiveSizeHint(hint).width() for sample, label in legend.items
    ]
    spacing = legend.layout.horizontalSpacing()
    left, _top, right, _bottom = legend.layout.getContentsMargins()
    columns = 1
    for count in range(min(preferred, len(entries)), 1, -1):
        widths = [max(entries[column::count]) for column in range(count)]  # entries fill rows first
        if sum(widths) + spacing * (2 * count - 1) + left + right <= width:
            columns = count
            break
    if columns != legend.columnCount:
        legend.setColumnCount(columns)


def set_legend_size(legend: pg.LegendItem, points: float) -> None:
    """A legend's entries in `points` (at the presenter scale of the day), those added later too."""
    size = _size_text(points)
    legend.setLabelTextSize(size)
    for _sample, label in legend.items:
        label.setText(label.text, size=size)
    _remember(legend, "size", size, points)


def make_legend(plot: pg.PlotItem, columns: int = 1, corner: str = "top-right") -> pg.LegendItem:
    """A legend in a corner ("top-right", "bottom-right", "top-left", "bottom-left")."""
    colors = theme.colors()
    offset = (-8 if "right" in corner else 8, -8 if "bottom" in corner else 8)
    size = _size_text(TICK_POINT_SIZE)
    legend = plot.addLegend(offset=offset, colCount=columns, labelTextSize=size, labelTextColor=colors.plot_foreground)
    _remember(legend, "size", size, TICK_POINT_SIZE)
    background = QColor(colors.plot_background)
    background.setAlpha(215)
    legend.setBrush(pg.mkBrush(background))
    legend.setPen(pg.mkPen(REFERENCE_COLOR))
    return legend


class PaintCost:
    """A moving average of the CPU time a widget takes to paint (seconds), so the training panel
    can redraw expensive views less often on a slow machine and keep the training thread fed.

    CPU time of the GUI thread (`time.thread_time`), not wall time: while the GUI thread waits
    for the GIL the training thread runs, so that wait costs training nothing."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def add(self, seconds: float) -> None:
        self.seconds = seconds if self.seconds == 0.0 else 0.7 * self.seconds + 0.3 * seconds


class TimedPainting:
    """Mixin for a QWidget that draws itself in `_paint()`: paintEvent times it into `paint_cost`
    (create `self.paint_cost = PaintCost()` in `__init__`)."""

    paint_cost: PaintCost

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        started = time.thread_time()
        self._paint()
        self.paint_cost.add(time.thread_time() - started)

    def paint_seconds(self) -> float:
        return self.paint_cost.seconds

    def _paint(self) -> None:
        raise NotImplementedError


MIN_CANVAS = QSize(160, 120)


class PlotCanvas(pg.GraphicsLayoutWidget):
    """A GraphicsLayoutWidget in the current theme that follows later theme changes and measures
    its paint time (`paint_cost`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.paint_cost = PaintCost()
        self.setBackground(theme.colors().plot_background)
        self.ci.setContentsMargins(4, 4, 4, 4)
        self._set_minimum_size()
        theme.notifier().changed.connect(self._on_theme_changed)
        appearance().scale_changed.connect(self._set_minimum_size)  # and back after a theme switch
        # Qt grows a top-level graphics layout to its minimum size but never shrinks it back: once
        # wider than the view (say while a regression run showed two plots side by side), every
        # later run was cut off on the right. After each relayout the layout is fitted again.
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_layout)
        self.ci.installEventFilter(self)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The minimum size. A graphics view's own hint is its scene's size, i.e. the size it was
        last given: a column of plots that grew once (the presenter's larger fonts) then kept
        asking for that room, and the tab scrolled at 100 % ever after."""
        return self.minimumSize()

    def _set_minimum_size(self, *_args: object) -> None:
        """160 x 120 at 100 %. At the presenter's scale titles, axes and legends take more room:
        a canvas then asks for its layout's height, plus room to draw in, so its tab scrolls
        rather than squeezing the plots flat."""
        width, height = round(MIN_CANVAS.width() * _scale), round(MIN_CANVAS.height() * _scale)
        if _scale > 1.0 and hasattr(self, "ci"):
            plots = sum(1 for item in self.ci.items if isinstance(item, pg.PlotItem))
            needed = self.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height() + plots * MIN_CANVAS.height() / 2
            height = max(height, round(needed))
        if self.minimumSize() != QSize(width, height):
            self.setMinimumSize(QSize(width, height))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.ci and event.type() == QEvent.Type.LayoutRequest and not self._fit_timer.isActive():
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def fit_layout(self) -> None:
        """The layout as large as the view again (or its minimum size, if that is larger), with
        legend rows in as many columns as fit and y-axis labels that fit their plots."""
        if getattr(self, "closed", False) or not self.autoPixelRange:
            return
        left, _top, right, _bottom = self.ci.getContentsMargins()
        for item in list(self.ci.items):
            if isinstance(item, pg.LegendItem):
                fit_legend_columns(item, self.viewport().width() - left - right)
        if self.ci.geometry() != self.range:
            self.ci.setGeometry(self.range)
        for item in list(self.ci.items):
            if isinstance(item, pg.PlotItem):
                fit_axis_label(item.getAxis("left"))
        self._set_minimum_size()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        timer = getattr(self, "_fit_timer", None)  # None while pyqtgraph's __init__ sizes the view
        if timer is not None and not timer.isActive():
            timer.start()  # legend rows may take more or fewer columns

    def layout_overflow(self) -> float:
        """Pixels by which the layout is wider than the view (0: nothing is cut off)."""
        return max(0.0, self.ci.geometry().width() - self.viewport().width())

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        started = time.thread_time()
        super().paintEvent(event)
        self.paint_cost.add(time.thread_time() - started)

    def _on_theme_changed(self, _name: str) -> None:
        """Background, axes, axis labels, titles and legends take the new theme's colours."""
        colors = theme.colors()
        foreground = colors.plot_foreground
        self.setBackground(colors.plot_background)
        for item in self.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setPen(pg.mkPen(foreground))
                item.setTextPen(pg.mkPen(foreground))
                if item.labelText:
                    item.setLabel(
                        text=item.labelText, units=item.labelUnits or None, **dict(item.labelStyle, color=foreground)
                    )
            elif isinstance(item, pg.PlotItem) and item.titleLabel.text:
                item.titleLabel.setText(item.titleLabel.text, color=foreground)
            elif isinstance(item, pg.LegendItem):
                item.setLabelTextColor(foreground)
                for _sample, label in item.items:
                    label.setText(label.text, color=foreground)
                background = QColor(colors.plot_background)
                background.setAlpha(215)
                if item.opts.get("brush") is not None:
                    item.setBrush(pg.mkBrush(background))


# ---- data helpers ----------------------------------------------------------------------------
def finite_xy(x: np.ndarray, y: np.ndarray, *, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Only the points a plot can draw: finite (and > 0 for a log axis)."""
    mask = np.isfinite(x) & np.isfinite(y)
    if positive:
        mask &= y > 0
    if mask.all():
        return x, y
    return x[mask], y[mask]


def as_float(value: object) -> float:
    """None and anything non-numeric become NaN (plots skip NaN)."""
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def nice_ceiling(value: float) -> float:
    """The next 1-2-5 number at or above `value` (> 0), for axis limits that rarely move."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = step * 10.0**exponent
        if candidate >= value * (1 - 1e-9):
            return candidate
    return 10.0 ** (exponent + 1)


class StickyRange:
    """An axis range that only grows: live data then rarely moves the axis, so the axis picture
    stays cached and the numbers under a student's eyes stay put. `reset()` for a new run."""

    def __init__(self, low: float | None = None, high: float | None = None) -> None:
        self.initial = (low, high)
        self.reset()

    def reset(self) -> None:
        self.low, self.high = self.initial

    def include(self, low: float, high: float) -> bool:
        """Grow to include [low, high]; True when the range changed."""
        changed = False
        if math.isfinite(low) and (self.low is None or low < self.low):
            self.low, changed = low, True
        if math.isfinite(high) and (self.high is None or high > self.high):
            self.high, changed = high, True
        return changed

    def valid(self) -> bool:
        return self.low is not None and self.high is not None and self.high > self.low

    def bounds(self) -> tuple[float, float] | None:
        """(low, high) when `valid()`, else None (the ends as numbers, for the callers' types)."""
        if self.low is not None and self.high is not None and self.high > self.low:
            return self.low, self.high
        return None


def data_limits(*arrays: np.ndarray, positive: bool = False) -> tuple[float, float]:
    """Finite min and max over arrays (NaN, NaN when there is nothing to show)."""
    low, high = math.inf, -math.inf
    for values in arrays:
        if values is None or len(values) == 0:
            continue
        finite = values[np.isfinite(values)]
        if positive:
            finite = finite[finite > 0]
        if finite.size:
            low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    return (low, high) if low <= high else (math.nan, math.nan)


def auto_range_enabled(plot: pg.PlotItem) -> bool:
    """The user pressed pyqtgraph's auto-range ("A") button or zoomed to auto: do not override."""
    state = plot.getViewBox().autoRangeEnabled()
    return bool(state[0]) or bool(state[1])


class Series:
    """A growable float64 column with amortised O(1) appends and a zero-copy view of its data."""

    def __init__(self, capacity: int = 1024) -> None:
        self._data = np.empty(capacity, dtype=np.float64)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def extend(self, values: Iterable[float] | np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        needed = self._size + values.size
        if needed > self._data.size:
            grown = np.empty(max(needed, 2 * self._data.size), dtype=np.float64)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : needed] = values
        self._size = needed

    def append(self, value: float) -> None:
        self.extend((value,))

    def clear(self) -> None:
        self._size = 0

    @property
    def values(self) -> np.ndarray:
        return self._data[: self._size]


# ---- export ----------------------------------------------------------------------------------
def export_scene(widget: pg.GraphicsLayoutWidget, path: str | Path) -> None:
    """The whole scene of a GraphicsLayoutWidget as PNG (2x, crisp on slides) or SVG."""
    path = Path(path)
    item = widget.ci
    if path.suffix.lower() == ".svg":
        # pyqtgraph's SVGExporter cannot parse the path syntax Qt 6 writes; rendering the view
        # through QSvgGenerator gives the same vector picture.
        export_widget(widget, path)
        return
    exporter = exporters.ImageExporter(item)
    width = max(1, int(item.boundingRect().width() * 2))
    exporter.parameters()["width"] = width
    exporter.export(str(path))


def export_widget(widget: QWidget, path: str | Path) -> None:
    """Any widget as PNG (its own rendering, 2x) or SVG (vector, via QSvgGenerator)."""
    path = Path(path)
    if path.suffix.lower() == ".svg":
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(widget.size())
        generator.setViewBox(QRectF(0, 0, widget.width(), widget.height()))
        generator.setTitle(widget.windowTitle() or widget.objectName() or "plot")
        painter = QPainter(generator)
        try:
            QWidget.render(widget, painter, QPoint())  # QWidget's, also for a QGraphicsView
        finally:
            painter.end()
        return
    image = QImage(widget.size() * 2, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(2.0)
    image.fill(QColor(theme.colors().plot_background))
    painter = QPainter(image)
    try:
        QWidget.render(widget, painter, QPoint())  # QWidget's, also for a QGraphicsView
    finally:
        painter.end()
    if not image.save(str(path)):
        raise OSError(f"cannot write {path}")


def pen(value: str | Sequence[int], width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    """A curve's pen in the palette and at the presenter scale of the day."""
    made = pg.mkPen(color=_shown_qcolor(pg.mkColor(value)), width=width * _scale, style=style)
    if _scale != 1.0:
        _made_pens[_pen_key(made)] = width
    return made


def _pen_key(value: QPen) -> tuple:
    return (value.color().rgba(), round(value.widthF(), 4), value.style().value, value.isCosmetic())


class StyledCurve(pg.PlotDataItem):
    """A curve that shows whatever pen it is given in the palette and at the presenter scale of
    the day (views that set their pens again on every redraw need not know about either)."""

    _base_pen: QPen | None = None

    def setPen(self, *args: object, **kwargs: object) -> None:  # noqa: N802 - pyqtgraph's name
        self._base_pen = pg.mkPen(*args, **kwargs)
        super().setPen(_shown_pen(self._base_pen, self._base_pen.widthF()))

    def setSymbolBrush(self, *args: object, **kwargs: object) -> None:  # noqa: N802 - pyqtgraph's name
        super().setSymbolBrush(_shown_brush(pg.mkBrush(*args, **kwargs)))

    def restyle(self) -> None:
        self.setPen(self._base_pen if self._base_pen is not None else self.opts.get("pen"))
        brush = self.opts.get("symbolBrush")
        if brush is not None:
            self.setSymbolBrush(brush)


# ---- bringing existing plots to the scale and palette of the day ------------------------------
def _shown_pen(value: QPen, base_width: float) -> QPen:
    shown = QPen(value)
    shown.setColor(_shown_qcolor(value.color()))
    shown.setWidthF(base_width * _scale)
    return shown


def _shown_brush(value: QBrush) -> QBrush:
    if value.style() == Qt.BrushStyle.NoBrush:
        return value
    shown_color = _shown_qcolor(value.color())
    if shown_color is value.color() or shown_color == value.color():
        return value
    shown = QBrush(value)
    shown.setColor(shown_color)
    return shown


def _restyled_pen(item: object, current: object) -> QPen | None:
    """The pen `item` should show instead of `current` (None: it shows it already)."""
    if current is None:
        return None
    value = pg.mkPen(current)
    if value.style() == Qt.PenStyle.NoPen:
        return None
    key = _pen_key(value)
    width = _base_behind(item, "pen", key, _made_pens.get(key, value.widthF()))
    shown = _shown_pen(value, float(width))  # type: ignore[arg-type]
    _remember(item, "pen", _pen_key(shown), width)
    return None if _pen_key(shown) == key else shown


def _restyled_brush(current: object) -> QBrush | None:
    if current is None:
        return None
    value = pg.mkBrush(current)
    shown = _shown_brush(value)
    return None if shown is value else shown


def refresh_plots() -> None:
    """Every plot of the application in the palette and at the scale of the day: tick, label,
    title and legend fonts, curve widths, and the colours of curves, points, bars and titles.
    (Views that colour pictures themselves, like the decision boundary, follow `theme.notifier()`.)"""
    app = QApplication.instance()
    if app is None:
        return
    for window in QApplication.topLevelWidgets():
        try:
            views = [window, *window.findChildren(pg.GraphicsView)]
        except RuntimeError:  # a closing window already deleted by Qt
            continue
        for view in views:
            # pyqtgraph keeps its scene in `sceneObj`; reading it, not view.scene(), never reaches a
            # scene deleted with a closing window whose views Qt has not deleted yet
            scene = getattr(view, "sceneObj", None) if isinstance(view, pg.GraphicsView) else None
            if scene is not None:
                restyle_scene(scene)


def restyle_scene(scene: object) -> None:
    for item in scene.items():  # type: ignore[attr-defined]
        if isinstance(item, pg.AxisItem):
            _restyle_axis(item)
        elif isinstance(item, pg.PlotItem):
            _restyle_label(item.titleLabel)
        elif isinstance(item, pg.LegendItem):
            _restyle_legend(item)
        elif isinstance(item.parentItem(), pg.PlotDataItem):
            continue  # a curve's own line and symbols: the PlotDataItem has their style
        else:
            _restyle_data_item(item)


def _restyle_data_item(item: object) -> None:
    if isinstance(item, StyledCurve):
        item.restyle()
    elif isinstance(item, pg.PlotDataItem):
        if (shown := _restyled_pen(item, item.opts.get("pen"))) is not None:
            item.setPen(shown)
        if (brush := _restyled_brush(item.opts.get("symbolBrush"))) is not None:
            item.setSymbolBrush(brush)
        if (brush := _restyled_brush(item.opts.get("fillBrush"))) is not None:
            item.setFillBrush(brush)
    elif isinstance(item, pg.PlotCurveItem):
        if (shown := _restyled_pen(item, item.opts.get("pen"))) is not None:
            item.setPen(shown)
        if (brush := _restyled_brush(item.opts.get("brush"))) is not None:
            item.setBrush(brush)
    elif isinstance(item, pg.ScatterPlotItem):
        _restyle_scatter(item)
    elif isinstance(item, pg.BarGraphItem):
        if (brush := _restyled_brush(item.opts.get("brush"))) is not None:
            item.setOpts(brush=brush)
    elif isinstance(item, pg.InfiniteLine):
        if (shown := _restyled_pen(item, item.pen)) is not None:
            item.setPen(shown)
        label = getattr(item, "label", None)
        if label is not None and isinstance(getattr(label, "color", None), QColor):
            label_color = _shown_qcolor(label.color)
            if label_color is not label.color:
                label.setColor(label_color)
    elif isinstance(item, pg.FillBetweenItem):
        if (brush := _restyled_brush(item.brush())) is not None:
            item.setBrush(brush)


def _restyle_scatter(item: pg.ScatterPlotItem) -> None:
    """Points in the palette of the day: the default brush and each point's own."""
    default = _restyled_brush(item.opts.get("brush"))
    if default is not None:
        item.setBrush(default, update=False)
    brushes = item.data["brush"]
    if len(brushes) == 0:
        if default is not None:
            item.updateSpots()
        return
    cache: dict[int, QBrush] = {}
    changed = default is not None
    shown_brushes = []
    for brush in brushes:
        value = item.opts["brush"] if brush is None else brush
        key = value.color().rgba() if isinstance(value, QBrush) else id(value)
        if key not in cache:
            restyled = _restyled_brush(value)
            cache[key] = pg.mkBrush(value) if restyled is None else restyled
            changed = changed or restyled is not None
        shown_brushes.append(cache[key])
    if changed:
        item.setBrush(shown_brushes)


def _restyle_axis(axis: pg.AxisItem) -> None:
    font = axis.style.get("tickFont")
    if font is not None:
        current = font.pointSizeF()
        base = float(_base_behind(axis, "tick", current, current))  # type: ignore[arg-type]
        if abs(points(base) - current) > 1e-6:
            scaled = QFont(font)
            scaled.setPointSizeF(points(base))
            axis.setTickFont(scaled)
            reserve_tick_space(axis, afresh=True)
        _remember(axis, "tick", points(base), base)
    if axis.labelText:
        # "size" is what PlotItem.setTitle takes; some views pass it to setLabel too, where it is no
        # CSS (the label showed at the default size): it is taken as the "font-size" it meant.
        style = dict(axis.labelStyle)
        size = style.pop("font-size", None) or style.pop("size", None)
        current_points = _points_in(size)
        if current_points is None:
            return
        base = float(_base_behind(axis, "label", size, current_points))  # type: ignore[arg-type]
        shown = _size_text(base)
        if shown != axis.labelStyle.get("font-size") or "size" in axis.labelStyle:
            axis.setLabel(
                text=axis.labelText,
                units=axis.labelUnits or None,
                unitPrefix=axis.labelUnitPrefix or None,
                **dict(style, **{"font-size": shown}),
            )
        _remember(axis, "label", shown, base)


def _restyle_label(label: pg.LabelItem, size_option: str = "size") -> None:
    """A title (or legend entry): its size at the scale of the day, its colours in the palette."""
    if not label.text:
        return
    size = label.opts.get(size_option)
    current_points = _points_in(size)
    options: dict[str, object] = {}
    if current_points is not None:
        base = float(_base_behind(label, "size", size, current_points))  # type: ignore[arg-type]
        shown = _size_text(base)
        _remember(label, "size", shown, base)
        if shown != size:
            options["size"] = shown
    if isinstance(label, FittingTitle):
        variants = label.variants()
        recolored = [recolor_text(text) for text in variants]
        if options or recolored != variants:
            label.set_variants(recolored, **options)
        return
    text = recolor_text(label.text)
    if options or text != label.text:
        label.setText(text, **options)


def _restyle_legend(legend: pg.LegendItem) -> None:
    size = legend.opts.get("labelTextSize")
    current_points = _points_in(size)
    shown = size
    if current_points is not None:
        base = float(_base_behind(legend, "size", size, current_points))  # type: ignore[arg-type]
        shown = _size_text(base)
        _remember(legend, "size", shown, base)
        legend.opts["labelTextSize"] = shown  # for entries added later
    for sample, label in legend.items:
        item = getattr(sample, "item", None)
        if item is not None and item.scene() is None:  # stands only in the legend (not drawn elsewhere)
            _restyle_data_item(item)
        text = recolor_text(label.text)
        if text != label.text or label.opts.get("size") != shown:
            label.setText(text, size=shown)
        sample.update()
    if legend.parentLayoutItem() is None:  # anchored in a corner of its plot: sized by itself
        legend.updateSize()
    else:  # a row of a layout (legend_row): the layout places it, at its new size
        legend.layout.invalidate()
        legend.updateGeometry()
