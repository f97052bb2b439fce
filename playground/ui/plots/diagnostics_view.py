"""What happens inside the network, per layer: gradient norms (log scale), weight norms, the
update/weight ratio of a step, dead ReLU units and saturated Sigmoid/Tanh outputs — with the
engine's plain-language hints (vanishing or exploding gradients, dead ReLUs, saturation, a
learning rate that moves the weights too fast) spelled out underneath.

Each profile shows the latest epoch (solid) against the first one (dashed), so a student sees
both where the gradient dies and whether training changed it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from playground.core.training.diagnostics import Diagnostics
from playground.ui import theme
from playground.ui.i18n import language_events
from playground.ui.plots.style import (
    REFERENCE_COLOR,
    TRAIN_COLOR,
    PlotCanvas,
    SpacedLabelAxis,
    StickyRange,
    auto_range_enabled,
    data_limits,
    decade_ticks,
    export_widget,
    nice_ceiling,
    pen,
    style_plot,
)

HEALTHY_UPDATE_RATIO = 1e-3
DEAD_COLOR = "#c62828"
SATURATED_COLOR = "#e8710a"
FIRST_COLOR = REFERENCE_COLOR
MAX_LABEL = 9  # characters of a layer name on the x axis


def activation_title(short: bool = False) -> str:
    """The activation plot's two-coloured title, in the current language (`short`: for a narrow plot)."""
    dead = html.escape(
        QCoreApplication.translate("Plots", "Dead") if short else QCoreApplication.translate("Plots", "Dead ReLU")
    )
    saturated = html.escape(QCoreApplication.translate("Plots", "saturated"))
    return f"<span style='color:{DEAD_COLOR}'>{dead}</span> / <span style='color:{SATURATED_COLOR}'>{saturated}</span>"


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def short_names(names: Sequence[str]) -> list[str]:
    """Layer names as short axis labels: the distinctive end of a dotted name ("out_proj" for
    "encoder.self_attn.out_proj"), with as many parts as keep the labels apart. Cutting the
    start instead made every layer of a Transformer "encoder.…"."""
    parts = [name.split(".") for name in names]
    depth = 1
    while True:
        labels = [".".join(split[-depth:]) for split in parts]
        if len(set(labels)) == len(labels) or depth >= max((len(split) for split in parts), default=1):
            return [_short(label) for label in labels]
        depth += 1


def _ticks(names: Sequence[str]) -> list[list[tuple[int, str]]]:
    """Every layer's tick and label: the axis leaves out labels that would overlap (SpacedLabelAxis)."""
    return [list(enumerate(short_names(names)))]


def _layer_axis() -> dict[str, SpacedLabelAxis]:
    """Layer names on x that leave out whichever would overlap its neighbour in a narrow plot."""
    return {"bottom": SpacedLabelAxis(orientation="bottom")}


def _positive(values: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(values, dtype=np.float64)
    x = np.arange(y.size, dtype=np.float64)
    mask = np.isfinite(y) & (y > 0)
    return x[mask], y[mask]


class DiagnosticsView(QWidget):
    """Per-layer diagnostics of the latest epoch that had them, with hints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnosticsView")
        self._latest: Diagnostics | None = None
        self._first: Diagnostics | None = None
        self._dirty = False
        self._ranges = {"grad": StickyRange(), "ratio": StickyRange(), "weight": StickyRange()}
        self._layers_shown: list[str] | None = None
        self._activations_shown: list[str] | None = None

        self.canvas = PlotCanvas(self)
        ci = self.canvas.ci
        self.grad_plot: pg.PlotItem = ci.addPlot(row=0, col=0, axisItems=_layer_axis())
        self._columns = 2
        style_plot(
            self.grad_plot,
            title=QCoreApplication.translate("Plots", "Gradient norm"),
            left=QCoreApplication.translate("Plots", "‖gradient‖ (log)"),
        )
        self.grad_plot.setLogMode(y=True)
        self.grad_first = self.grad_plot.plot(
            pen=pen(FIRST_COLOR, 1.5, Qt.PenStyle.DashLine),
            symbol="o",
            symbolSize=5,
            symbolBrush=FIRST_COLOR,
            symbolPen=None,
            name=QCoreApplication.translate("Plots", "first epoch"),
        )
        self.grad_curve = self.grad_plot.plot(
            pen=pen(TRAIN_COLOR, 2.5),
            symbol="o",
            symbolSize=7,
            symbolBrush=TRAIN_COLOR,
            symbolPen=None,
            name=QCoreApplication.translate("Plots", "latest"),
        )

        self.ratio_plot: pg.PlotItem = ci.addPlot(row=0, col=1, axisItems=_layer_axis())
        style_plot(
            self.ratio_plot,
            title=QCoreApplication.translate("Plots", "Update ÷ weight"),
            left=QCoreApplication.translate("Plots", "‖Δw‖ / ‖w‖ (log)"),
        )
        self.ratio_plot.setLogMode(y=True)
        self.ratio_curve = self.ratio_plot.plot(
            pen=pen("#7b3fbf", 2.5), symbol="s", symbolSize=7, symbolBrush="#7b3fbf", symbolPen=None
        )
        self.ratio_reference = pg.InfiniteLine(
            pos=np.log10(HEALTHY_UPDATE_RATIO),
            angle=0,
            movable=False,
            pen=pen(REFERENCE_COLOR, 1.2, Qt.PenStyle.DashLine),
            label=QCoreApplication.translate("Plots", "typical ≈ 1e-3"),
            labelOpts={"position": 0.02, "color": REFERENCE_COLOR, "anchors": [(0, 1), (0, 1)]},
        )
        self.ratio_plot.addItem(self.ratio_reference)
        for plot in (self.grad_plot, self.ratio_plot):
            plot.disableAutoRange()

        self.weight_plot: pg.PlotItem = ci.addPlot(row=1, col=0, axisItems=_layer_axis())
        style_plot(
            self.weight_plot,
            title=QCoreApplication.translate("Plots", "Weight norm"),
            left=QCoreApplication.translate("Plots", "‖w‖"),
        )
        self.weight_plot.disableAutoRange()
        self.weight_first = self.weight_plot.plot(
            pen=pen(FIRST_COLOR, 1.5, Qt.PenStyle.DashLine),
            symbol="o",
            symbolSize=5,
            symbolBrush=FIRST_COLOR,
            symbolPen=None,
        )
        self.weight_curve = self.weight_plot.plot(
            pen=pen("#2e7d32", 2.5), symbol="o", symbolSize=7, symbolBrush="#2e7d32", symbolPen=None
        )

        self.activation_plot: pg.PlotItem = ci.addPlot(row=1, col=1, axisItems=_layer_axis())
        style_plot(
            self.activation_plot,
            title=activation_title(),
            short_titles=(activation_title(short=True),),
            left=QCoreApplication.translate("Plots", "share of units"),
        )
        self.activation_plot.setYRange(0, 1.0, padding=0.02)
        self.activation_plot.setLimits(yMin=-0.02, yMax=1.02)
        self.activation_plot.setMouseEnabled(x=False, y=False)
        self.dead_bars = pg.BarGraphItem(x=[], height=[], width=0.38, brush=DEAD_COLOR, pen=None)
        self.saturated_bars = pg.BarGraphItem(x=[], height=[], width=0.38, brush=SATURATED_COLOR, pen=None)
        self.activation_plot.addItem(self.dead_bars)
        self.activation_plot.addItem(self.saturated_bars)
        self.activation_plot.addItem(
            pg.InfiniteLine(pos=0.5, angle=0, movable=False, pen=pen(REFERENCE_COLOR, 1, Qt.PenStyle.DashLine))
        )
        self.no_activation_text = pg.TextItem(
            QCoreApplication.translate("Plots", "no ReLU, Sigmoid or Tanh layers"),
            color=REFERENCE_COLOR,
            anchor=(0.5, 0.5),
        )
        self.activation_plot.addItem(self.no_activation_text)
        self.no_activation_text.setPos(0.0, 0.75)
        self.no_activation_text.hide()

        self.caption = QLabel(
            QCoreApplication.translate(
                "Plots", "Layers from input (left) to output (right) · solid: latest epoch · dashed: first epoch"
            ),
            self,
        )
        self.caption.setObjectName("diagnosticsCaption")
        self.caption.setWordWrap(True)
        self.caption.setContentsMargins(8, 2, 8, 0)
        self.hints_label = QLabel(self)
        self.hints_label.setObjectName("diagnosticHints")
        self.hints_label.setWordWrap(True)
        self.hints_label.setTextFormat(Qt.TextFormat.RichText)
        self.hints_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hints_label.setContentsMargins(8, 4, 8, 6)
        self.hints_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A fixed-height, scrollable box: new hints must not resize the plots (a full relayout and
        # repaint of four plots each time a hint comes or goes).
        self.hints_area = QScrollArea(self)
        self.hints_area.setObjectName("diagnosticHintsArea")
        self.hints_area.setWidget(self.hints_label)
        self.hints_area.setWidgetResizable(True)
        self.hints_area.setFrameShape(QFrame.Shape.NoFrame)
        self.hints_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hints_area.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.hints_area)
        theme.notifier().changed.connect(self._on_theme_changed)
        language_events().changed.connect(self._on_language_changed)
        self.clear()

    # ---- layout ------------------------------------------------------------------------------------
    def _plots(self) -> tuple[pg.PlotItem, ...]:
        return (self.grad_plot, self.ratio_plot, self.weight_plot, self.activation_plot)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        width, height = event.size().width(), event.size().height()
        if width < 560:
            columns = 1
        elif width > 2.2 * height:
            columns = 4
        else:
            columns = 2
        self.arrange(columns)

    def arrange(self, columns: int) -> None:
        """The four plots in 1 (narrow column), 2 (2 × 2) or 4 (one row) columns."""
        if columns == self._columns:
            return
        self._columns = columns
        ci = self.canvas.ci
        for plot in self._plots():
            ci.removeItem(plot)
        for index, plot in enumerate(self._plots()):
            row, column = divmod(index, columns)
            ci.addItem(plot, row=row, col=column)

    # ---- feeding ---------------------------------------------------------------------------------
    def clear(self, keep_axes: bool = False) -> None:
        """No data. `keep_axes` (a new run about to report) leaves layer names and scales as they
        are: a re-run of the same model then redraws no axis; another model resets them."""
        self._latest = None
        self._first = None
        for curve in (self.grad_curve, self.grad_first, self.ratio_curve, self.weight_curve, self.weight_first):
            curve.setData([], [])
        self.dead_bars.setOpts(x=[], height=[])
        self.saturated_bars.setOpts(x=[], height=[])
        self.no_activation_text.hide()
        self._set_hints(None)
        self._dirty = False
        if keep_axes:
            return
        for sticky in self._ranges.values():
            sticky.reset()
        self._layers_shown = None
        self._activations_shown = None
        for plot in (self.grad_plot, self.ratio_plot):  # an empty, quiet frame until data comes
            plot.setYRange(-4, 0, padding=0.08)
            decade_ticks(plot, -4, 0)
        self.weight_plot.setYRange(0, 1, padding=0.02)
        for plot in (self.grad_plot, self.ratio_plot, self.weight_plot, self.activation_plot):
            plot.getAxis("bottom").setTicks([[]])
            plot.setXRange(-0.5, 2.5, padding=0)

    def set_diagnostics(self, diagnostics: Diagnostics) -> None:
        """One epoch's diagnostics (the first of a run stays, to compare with)."""
        if self._first is None:
            self._first = diagnostics
        self._latest = diagnostics
        self._dirty = True

    def refresh(self) -> None:
        if not self._dirty or self._latest is None:
            return
        self._dirty = False
        latest, first = self._latest, self._first
        layers = list(latest.layers)
        compare = first is not None and first is not latest and list(first.layers) == layers
        if layers != self._layers_shown:  # ticks and labels only when the model changes (a relayout)
            self._layers_shown = layers
            for sticky in self._ranges.values():
                sticky.reset()
            ticks = _ticks(layers)
            for plot in (self.grad_plot, self.ratio_plot, self.weight_plot):
                plot.getAxis("bottom").setTicks(ticks)
                plot.setXRange(-0.6, max(0, len(layers) - 1) + 0.6, padding=0)
                plot.disableAutoRange(axis="x")
        self.grad_curve.setData(*_positive(latest.grad_norm))
        self.ratio_curve.setData(*_positive(latest.update_ratio))
        weights = np.asarray(latest.weight_norm, dtype=np.float64)
        self.weight_curve.setData(np.arange(weights.size)[np.isfinite(weights)], weights[np.isfinite(weights)])
        if compare and first is not None:  # (compare says first is there)
            self.grad_first.setData(*_positive(first.grad_norm))
            first_weights = np.asarray(first.weight_norm, dtype=np.float64)
            keep = np.isfinite(first_weights)
            self.weight_first.setData(np.arange(first_weights.size)[keep], first_weights[keep])
        else:
            self.grad_first.setData([], [])
            self.weight_first.setData([], [])
        self._apply_ranges(latest, first if compare else None)
        self._refresh_activations(latest)
        hints = list(latest.hints)
        if self._hints_shown != hints:
            self._set_hints(hints)

    def _apply_ranges(self, latest: Diagnostics, first: Diagnostics | None) -> None:
        """y ranges that only grow (whole decades on the log axes): the axes seldom need redrawing."""

        def values(key: str) -> list[np.ndarray]:
            out = [np.asarray(getattr(latest, key), dtype=np.float64)]
            if first is not None:
                out.append(np.asarray(getattr(first, key), dtype=np.float64))
            return out

        for key, plot, name in (("grad_norm", self.grad_plot, "grad"), ("update_ratio", self.ratio_plot, "ratio")):
            low, high = data_limits(*values(key), positive=True)
            if key == "update_ratio":
                low, high = min(low, HEALTHY_UPDATE_RATIO), max(high, HEALTHY_UPDATE_RATIO)
            if math.isfinite(low):
                bottom = math.floor(math.log10(low))
                wanted = (bottom, max(math.ceil(math.log10(high)), bottom + 1))
                sticky = self._ranges[name]
                if sticky.include(*wanted) and not auto_range_enabled(plot):
                    plot.setYRange(sticky.low, sticky.high, padding=0.08)  # room for the end labels
                    if sticky.low is not None and sticky.high is not None:  # include() set both
                        decade_ticks(plot, sticky.low, sticky.high)
        low, high = data_limits(*values("weight_norm"))
        if math.isfinite(high):
            sticky = self._ranges["weight"]
            if sticky.include(0.0, nice_ceiling(high * 1.05)) and not auto_range_enabled(self.weight_plot):
                self.weight_plot.setYRange(sticky.low, sticky.high, padding=0.02)

    def _refresh_activations(self, latest: Diagnostics) -> None:
        dead = dict(latest.dead_fraction or {})
        saturated = dict(latest.saturated_fraction or {})
        names = list(dead) + [name for name in saturated if name not in dead]
        if not names:
            self.dead_bars.setOpts(x=[], height=[])
            self.saturated_bars.setOpts(x=[], height=[])
            self.no_activation_text.show()
            if self._activations_shown != []:
                self._activations_shown = []
                self.activation_plot.getAxis("bottom").setTicks([[]])
                self.activation_plot.setXRange(-1, 1, padding=0)
            return
        self.no_activation_text.hide()
        x = np.arange(len(names), dtype=np.float64)
        dead_height = np.array([dead.get(name, 0.0) for name in names], dtype=np.float64)
        saturated_height = np.array([saturated.get(name, 0.0) for name in names], dtype=np.float64)
        both = bool(dead) and bool(saturated)
        offset = 0.2 if both else 0.0
        width = 0.38 if both else 0.6
        self.dead_bars.setOpts(x=x - offset, height=np.nan_to_num(dead_height), width=width)
        self.saturated_bars.setOpts(x=x + offset, height=np.nan_to_num(saturated_height), width=width)
        if names != self._activations_shown:
            self._activations_shown = names
            self.activation_plot.getAxis("bottom").setTicks(_ticks(names))
            self.activation_plot.setXRange(-0.6, len(names) - 0.4, padding=0)

    def _set_hints(self, hints: list[str] | None) -> None:
        colors = theme.colors()
        if hints is None:
            text = (
                f"<span style='color:{colors.muted_text}'>"
                + html.escape(
                    QCoreApplication.translate(
                        "Plots",
                        "Diagnostics appear after the first epoch: per-layer gradients, weights "
                        "and activations, with a hint when something looks wrong.",
                    )
                )
                + "</span>"
            )
        elif not hints:
            text = (
                f"<span style='color:{colors.ok}'>✓ "
                + html.escape(
                    QCoreApplication.translate(
                        "Plots",
                        "No warning signs: gradients reach every layer, few units are dead or "
                        "saturated, and the steps are of a sensible size.",
                    )
                )
                + "</span>"
            )
        else:
            items = "".join(f"<li style='margin-bottom:3px'>{html.escape(hint)}</li>" for hint in hints)
            heading = QCoreApplication.translate("Plots", "What the diagnostics say")
            text = (
                f"<b style='color:{colors.warning}'>⚠ {html.escape(heading)}</b>"
                f"<ul style='margin-top:2px; margin-left:-16px'>{items}</ul>"
            )
        self._hints = list(hints or [])
        self._hints_shown = None if hints is None else list(hints)
        self.hints_label.setText(text)

    def _on_theme_changed(self, _name: str) -> None:
        self._set_hints(self._hints if self._latest is not None else None)

    def _on_language_changed(self, _language: str) -> None:
        """The hints are worded by the core when read: word them again in the new language."""
        self._set_hints(list(self._latest.hints) if self._latest is not None else None)

    # ---- reading back -------------------------------------------------------------------------------
    def hints(self) -> list[str]:
        return list(self._hints)

    def has_data(self) -> bool:
        return self._latest is not None

    def paint_seconds(self) -> float:
        return self.canvas.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        self.refresh()
        export_widget(self, path)
