"""Shared look of the comparison panels: colours, classroom-sized plots, NaN-safe curve updates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from playground.core.compare.history import RunHistory
from playground.ui import theme
from playground.ui.plots.style import CountAxis, StyledCurve, set_legend_size, set_title
from playground.ui.plots.style import color as shown_color
from playground.ui.plots.style import style_plot as shared_style

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from playground.core.document import ExperimentDocument

# Tableau 10: distinct on white and on dark backgrounds, and in a projector's washed-out colours.
CONTENDER_COLORS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
TICK_POINT_SIZE = 11
TITLE_POINTS = 13
LEGEND_POINTS = 11
LINE_WIDTH = 2.5


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


class CompareTab(QWidget):
    """A sub-tab of Compare: it reads the experiment document, applies what it suggests through the
    undo stack (one undoable step), and files its runs in the history all panels share."""

    status_message = Signal(str)

    def __init__(
        self,
        document: ExperimentDocument,
        undo_stack: QUndoStack | None = None,
        history: RunHistory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.history = history if history is not None else RunHistory()


def split_panel(panel: QWidget) -> tuple[QSplitter, QWidget, QHBoxLayout]:
    """The Compare panels' frame: a vertical splitter filling `panel`, with a top row to fill in
    (functions, surfaces or the schedule designer) above the race that each panel adds below."""
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(4, 4, 4, 4)
    splitter = QSplitter(Qt.Orientation.Vertical, panel)
    splitter.setChildrenCollapsible(False)
    layout.addWidget(splitter)
    top = QWidget(splitter)
    top_layout = QHBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    return splitter, top, top_layout


def color_for(index: int) -> str:
    """The contender's colour as shown now (its colour-blind-safe stand-in while that palette is on)."""
    return shown_color(CONTENDER_COLORS[index % len(CONTENDER_COLORS)])


def color_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def finite_xy(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays of equal length with ±inf turned into NaN (drawn as gaps with connect="finite")."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    n = min(xa.size, ya.size)
    xa, ya = xa[:n], ya[:n].copy()
    ya[~np.isfinite(ya)] = np.nan
    return xa, ya


def log_safe(y: np.ndarray) -> np.ndarray:
    """For log axes: non-positive values become NaN (gaps) instead of warnings."""
    out = np.asarray(y, dtype=np.float64).copy()
    out[~(out > 0)] = np.nan
    return out


def set_curve(curve: pg.PlotDataItem, x, y) -> None:
    """setData on an existing curve; empty or all-NaN data clears it without warnings."""
    xa, ya = finite_xy(x, y)
    if xa.size == 0 or not np.isfinite(ya).any():
        curve.setData([], [])
        return
    curve.setData(xa, ya)


def make_curve(
    plot: pg.PlotItem,
    color: str,
    name: str | None = None,
    width: float = LINE_WIDTH,
    style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    symbol: str | None = None,
    parametric: bool = False,
) -> pg.PlotDataItem:
    """A curve for setData updates; long series are clipped to the view and downsampled, except
    `parametric` ones (a path in the plane, x not increasing), which both would distort. Its pen
    follows the presenter scale and the palette (a StyledCurve)."""
    curve = StyledCurve(
        [],
        [],
        name=name,
        connect="finite",
        symbol=symbol,
        symbolBrush=shown_color(color) if symbol else None,
        symbolPen=None,
        symbolSize=7,
    )
    curve.setPen(color=color, width=width, style=style)
    if not parametric:
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")
    plot.addItem(curve)
    return curve


LEGEND_CORNERS = {"top-left": (10, 10), "top-right": (-10, 10), "bottom-right": (-10, -10), "bottom-left": (10, -10)}
OUTSIDE_LEGEND = "right"  # `legend=` value: a column right of the plot area, never over a curve
# pyqtgraph draws an axis label 5 px past the outer edge of its axis: with its plot's 1 px margin
# the bottom label of "learning rate (log)" was cut and ran into the controls under the plot.
LABEL_ROOM = 7


def style_plot(
    widget: pg.PlotWidget, title: str = "", x_label: str = "", y_label: str = "", legend: bool | str = True
) -> pg.PlotItem:
    """Large fonts, a grid, the theme's colours and (optionally) a legend: in a corner
    ("top-right", ...) or `OUTSIDE_LEGEND`, a column right of the plot area."""
    widget.setBackground(theme.colors().plot_background)
    plot = style_plot_item(widget.getPlotItem(), title, x_label, y_label, legend)
    if legend == OUTSIDE_LEGEND and widget.findChild(_LegendFitter) is None:
        _LegendFitter(widget)
    return plot


MIN_DATA_WIDTH = 240  # pixels of plot area an outside legend leaves, else it moves under the plot


class _LegendFitter(QObject):
    """Keeps a plot widget's outside legend where it fits whenever the widget is resized."""

    def __init__(self, widget: pg.PlotWidget) -> None:
        super().__init__(widget)
        self._widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Resize:
            fit_outside_legend(self._widget)
        return False


LEGEND_ROWS_BELOW = 2  # at most this many rows of legend under a plot (the plots are short)


def fit_outside_legend(widget: pg.PlotWidget) -> str:
    """Put an outside legend right of the plot area when that leaves the data `MIN_DATA_WIDTH`,
    else under the plot if it fits in `LEGEND_ROWS_BELOW` rows, else nowhere: a plot too small for
    both gives its data the room (the panel's list shows each curve's colour). Call it after
    changing the entries too. Returns where it went: "right", "below", "hidden" ("" without one)."""
    plot = widget.getPlotItem()
    legend = plot.legend
    if legend is None or legend.opts.get("offset") is not None:  # a corner legend stays in its corner
        return ""
    count = len(legend.items)
    entry = (
        max((label.effectiveSizeHint(Qt.SizeHint.MinimumSize).width() for _sample, label in legend.items), default=0.0)
        + 20
        + legend.layout.horizontalSpacing()
        + 8
    )
    room = widget.width() - plot.getAxis("left").width() - 12
    columns = max(1, int(room // max(entry, 1.0)))
    if room - entry >= MIN_DATA_WIDTH:
        place, cell, columns = "right", (2, 3), 1
    elif math.ceil(count / columns) <= LEGEND_ROWS_BELOW:
        place, cell = "below", (4, 1)
    else:
        place, cell, columns = "hidden", None, 1
    layout = plot.layout
    placed = getattr(legend, "_placed_at", None)
    if placed != cell:
        if placed is not None:
            layout.removeItem(legend)
        if cell is not None:
            layout.addItem(legend, *cell)
        legend._placed_at = cell  # our own mark on the pyqtgraph item
    legend.setVisible(cell is not None)
    if legend.columnCount != columns:
        entries = [(sample.item, label.text) for sample, label in legend.items]
        legend.clear()
        legend.columnCount = columns
        for item, name in entries:
            legend.addItem(item, name)
    return place


def set_plot_title(plot: pg.PlotItem, text: str, *shorter: str) -> None:
    """A compare plot's title; `shorter` variants (longest first) stand in when the plot is narrow."""
    set_title(plot, text, *shorter, points=TITLE_POINTS, bold=False)


def style_plot_item(
    plot: pg.PlotItem, title: str = "", x_label: str = "", y_label: str = "", legend: bool | str = True
) -> pg.PlotItem:
    """The Training tab's plot style (`plots.style.style_plot`) a size larger, plus the Compare
    plots' room for axis labels, clipping, downsampling and legend."""
    colors = theme.colors()
    shared_style(
        plot,
        title=title,
        left=y_label,
        bottom=x_label,
        tick_points=TICK_POINT_SIZE,
        title_points=TITLE_POINTS,
        bold_title=False,
        grid_alpha=0.25,
    )
    plot.setMenuEnabled(True)  # the compare plots keep pyqtgraph's menu (export, ranges)
    margins = plot.layout.getContentsMargins()
    plot.layout.setContentsMargins(
        max(margins[0], LABEL_ROOM) if y_label else margins[0],
        margins[1],
        margins[2],
        max(margins[3], LABEL_ROOM) if x_label else margins[3],
    )
    plot.setClipToView(True)
    plot.setDownsampling(auto=True, mode="peak")
    if legend == OUTSIDE_LEGEND and plot.legend is None:
        outside = pg.LegendItem(labelTextColor=colors.plot_foreground, verSpacing=-4)
        set_legend_size(outside, LEGEND_POINTS)
        plot.layout.addItem(outside, 2, 3)  # the view box's row, right of the (hidden) right axis
        outside._placed_at = (2, 3)  # see fit_outside_legend
        plot.legend = outside
    elif legend and plot.legend is None:
        corner = legend if isinstance(legend, str) else "top-right"
        background = QColor(colors.plot_background)
        background.setAlpha(150)  # the curves stay visible behind the legend
        legend_item = plot.addLegend(
            offset=LEGEND_CORNERS.get(corner, (-10, 10)),
            labelTextColor=colors.plot_foreground,
            brush=pg.mkBrush(background),
            verSpacing=-4,
        )
        set_legend_size(legend_item, LEGEND_POINTS)  # at the presenter scale of the day
    return plot


def make_plot(
    parent: QWidget | None,
    title: str = "",
    x_label: str = "",
    y_label: str = "",
    legend: bool | str = True,
    count_x: bool = False,
) -> pg.PlotWidget:
    """A plot widget; `count_x` for an x axis of steps or epochs (whole-number ticks only)."""
    widget = pg.PlotWidget(parent=parent, axisItems={"bottom": CountAxis(orientation="bottom")} if count_x else None)
    widget.setMinimumSize(220, 160)
    style_plot(widget, title, x_label, y_label, legend)
    return widget


def clear_legend(plot: pg.PlotItem) -> None:
    if plot.legend is not None:
        plot.legend.clear()


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setStyleSheet(f"color: {theme.colors().muted_text};")
    return label


def separator(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def format_number(value: float | None, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    number = float(value)
    if number != 0 and (abs(number) < 1e-3 or abs(number) >= 1e5):
        return f"{number:.{max(1, digits - 1)}e}"
    return f"{number:.{digits}g}"


def restyle_plots(root: QWidget) -> None:
    """Follow a theme switch: backgrounds, axes, titles, labels and legends of every plot under root."""
    colors = theme.colors()
    for view in root.findChildren(pg.GraphicsView):
        view.setBackground(colors.plot_background)
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            if isinstance(item, pg.PlotItem):
                _recolor_plot_item(item, colors)
            elif isinstance(item, pg.LegendItem):
                item.setLabelTextColor(colors.plot_foreground)  # for entries added later
                for _sample, label in item.items:  # and the ones shown (setLabelTextColor leaves them)
                    label.setText(label.text, color=colors.plot_foreground)


def _recolor_plot_item(plot: pg.PlotItem, colors) -> None:
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen(colors.plot_foreground))
        axis.setTextPen(pg.mkPen(colors.plot_foreground))
        if axis.labelText:
            plot.setLabel(side, axis.labelText, color=colors.plot_foreground, size=f"{TICK_POINT_SIZE + 1}pt")
    if plot.titleLabel.text:
        plot.setTitle(plot.titleLabel.text, size=f"{TITLE_POINTS}pt", color=colors.plot_foreground)
    if plot.legend is not None:
        plot.legend.setLabelTextColor(colors.plot_foreground)
        background = QColor(colors.plot_background)
        background.setAlpha(150)
        plot.legend.setBrush(pg.mkBrush(background))
