"""Shared look and plumbing of the live plots: colours, fonts, theme following, NaN-safe data,
growable series, the debiased EMA, and PNG/SVG export.

Every live view builds its pyqtgraph items once and later only calls `setData`/`setImage`;
the helpers here keep that cheap (amortised appends, finite masks) and keep the views readable
on a projector (larger tick and title fonts, colour-blind-safe palette).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

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
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPixmapCache
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QWidget

from playground.ui import theme


def tr(text: str) -> str:
    return QCoreApplication.translate("Plots", text)


# Okabe-Ito-like, colour-blind safe; the first two match TensorFlow Playground's orange/blue.
CLASS_COLORS = (
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

TICK_POINT_SIZE = 9
TITLE_POINT_SIZE = 11


def tick_font(points: int = TICK_POINT_SIZE) -> QFont:
    font = QFont()
    font.setPointSize(points)
    return font


class FittingTitle(pg.LabelItem):
    """A plot title that gives way in a narrow plot: it shows the longest of its variants that
    fits ("Accuracy: train / validation", then "Accuracy").

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
        self.set_variants(self._variants if text in self._variants else [text], **args)

    def shown_text(self) -> str:
        return self._shown

    def _fitting(self, width: float) -> str:
        for text, needed in zip(self._variants, self._widths):
            if needed <= width + 0.5:
                return text
        return self._variants[-1]

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
        narrowest = min(self._widths) if self._widths else bounds.width()
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


def set_title(plot: pg.PlotItem, text: str, *shorter: str, points: int = TITLE_POINT_SIZE, bold: bool = True) -> None:
    """The plot's title; `shorter` variants (longest first) stand in when the plot is too narrow."""
    if shorter:
        fitting_title(plot)
    plot.setTitle(text, size=f"{points}pt", bold=bold, color=theme.colors().plot_foreground)
    if shorter:
        plot.titleLabel.set_variants([text, *shorter])


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
        reserve_tick_space(axis)
        if axis.autoSIPrefix:
            axis.enableAutoSIPrefix(False)  # "loss (x0.001)" confuses students; plain numbers
        axis.autoSIPrefixScale = 1.0
        axis.labelUnitPrefix = ""
        axis.setPen(pg.mkPen(foreground))
        axis.setTextPen(pg.mkPen(foreground))
    if left:
        plot.setLabel("left", left, **{"font-size": f"{tick_points + 1}pt", "color": foreground})
    if bottom:
        plot.setLabel("bottom", bottom, **{"font-size": f"{tick_points + 1}pt", "color": foreground})
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


def reserve_tick_space(axis: pg.AxisItem) -> None:
    """Room for typical tick labels from the start, and an axis that grows but never shrinks.

    pyqtgraph fits an axis to its current labels: "0.5" → "0.25" → "1" resizes the axis, which
    moves the plot area, which redraws every axis and curve of the canvas, several passes per
    change. Live plots change their labels often, so a stable size saves most of those redraws
    and keeps the plots from twitching under a student's eyes."""
    metrics = QFontMetrics(tick_font())
    axis.setStyle(autoReduceTextSpace=False)
    if axis.orientation in ("left", "right"):
        axis.textWidth = max(axis.textWidth, metrics.horizontalAdvance(TYPICAL_TICK_LABEL))
    else:
        axis.textHeight = max(axis.textHeight, metrics.height())
    axis._adjustSize()  # noqa: SLF001 - pyqtgraph's own re-measure after a style change


def pixel_downsampling(curve: pg.PlotDataItem) -> None:
    """Downsample a dense per-step curve to one bin per pixel (two points with "peak"), not
    pyqtgraph's five: a thick line costs in proportion to its points, and more points than
    pixels look the same."""
    curve.opts["autoDownsampleFactor"] = 1.0


def colored(text: str, color: str) -> str:
    """A word of a plot title in a curve's colour: the title then doubles as the legend."""
    return f"<span style='color:{color}'>{text}</span>"


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
    """A legend as its own row of a GraphicsLayout, so it never covers data."""
    colors = theme.colors()
    legend = pg.LegendItem(
        colCount=columns,
        labelTextSize=f"{TICK_POINT_SIZE}pt",
        labelTextColor=colors.plot_foreground,
        horSpacing=18,
        verSpacing=-4,
    )
    for item, name in items:
        legend.addItem(item, name)
    return legend


def make_legend(plot: pg.PlotItem, columns: int = 1, corner: str = "top-right") -> pg.LegendItem:
    """A legend in a corner ("top-right", "bottom-right", "top-left", "bottom-left")."""
    colors = theme.colors()
    offset = (-8 if "right" in corner else 8, -8 if "bottom" in corner else 8)
    legend = plot.addLegend(
        offset=offset, colCount=columns, labelTextSize=f"{TICK_POINT_SIZE}pt", labelTextColor=colors.plot_foreground
    )
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


class PlotCanvas(pg.GraphicsLayoutWidget):
    """A GraphicsLayoutWidget in the current theme that follows later theme changes and measures
    its paint time (`paint_cost`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.paint_cost = PaintCost()
        self.setBackground(theme.colors().plot_background)
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.setMinimumSize(QSize(160, 120))
        theme.notifier().changed.connect(self._on_theme_changed)
        # Qt grows a top-level graphics layout to its minimum size but never shrinks it back: once
        # wider than the view (say while a regression run showed two plots side by side), every
        # later run was cut off on the right. After each relayout the layout is fitted again.
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_layout)
        self.ci.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.ci and event.type() == QEvent.Type.LayoutRequest and not self._fit_timer.isActive():
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def fit_layout(self) -> None:
        """The layout as large as the view again (or its minimum size, if that is larger)."""
        if getattr(self, "closed", False) or not self.autoPixelRange:
            return
        if self.ci.geometry() != self.range:
            self.ci.setGeometry(self.range)

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


def pen(color: str | Sequence[int], width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> object:
    return pg.mkPen(color=color, width=width, style=style)
