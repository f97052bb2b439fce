"""Compare ▸ Sweep: the results of `playground sweep`, as a sortable table and parallel coordinates.

"Open Sweep Results…" reads a sweep's folder (its ``results.jsonl``); the table has one row per
combination of settings with each metric's mean ± standard deviation over the seeds (a click on
a header sorts by the mean), and the plot draws every combination as a line across one axis per
setting and one for the chosen metric, coloured from worst to best.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.errors import PlaygroundError
from playground.core.sweeps.parallel import parallel_coordinates
from playground.core.sweeps.runner import RESULTS_JSONL, SettingSummary, SweepResults, summarise
from playground.core.training.events import FINAL_METRICS
from playground.ui import theme
from playground.ui.compare.common import restyle_plots

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _SortedItem(QTableWidgetItem):
    """A cell that sorts by the number behind it (a mean), not by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            return float(mine) < float(theirs)
        return super().__lt__(other)


def _shown(name: str, value: float) -> str:
    return f"{value:.2%}" if name.endswith("accuracy") else f"{value:.4g}"


class SweepPanel(QWidget):
    """The Sweep tab: open a sweep's folder, read its table and its parallel coordinates."""

    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepPanel")
        self.summaries: list[SettingSummary] = []
        self.folder: Path | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open Sweep Results…"), self)
        self.open_button.setToolTip(self.tr("A folder written by playground sweep (it holds results.jsonl)"))
        self.open_button.clicked.connect(lambda: self.open_folder())
        bar.addWidget(self.open_button)
        self.metric_combo = QComboBox(self)
        self.metric_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.metric_combo.setToolTip(self.tr("The metric the plot shows and the lines are coloured by"))
        self.metric_combo.currentIndexChanged.connect(self._draw_plot)
        bar.addWidget(QLabel(self.tr("Metric"), self))
        bar.addWidget(self.metric_combo)
        self.info = QLabel(
            self.tr("No sweep open. Run one with playground sweep FILE --set PATH=V1,V2 --seeds N."), self
        )
        self.info.setWordWrap(True)
        bar.addWidget(self.info, 1)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableWidget(0, 0, splitter)
        self.table.setObjectName("sweepTable")
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.plot = pg.PlotWidget(splitter)
        self.plot.setObjectName("sweepParallelCoordinates")
        self.plot.setMenuEnabled(False)
        self.plot.hideAxis("left")
        self.plot.setMouseEnabled(x=False, y=False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.plot)
        self.plot.setMinimumHeight(220)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 600])  # the plot gets the larger share (kept in proportion on resize)
        layout.addWidget(splitter, 1)
        restyle_plots(self)
        theme.notifier().changed.connect(self._on_theme_changed)

    def _on_theme_changed(self, *_args: object) -> None:
        restyle_plots(self)
        self._draw_plot()

    def open_folder(self, folder: str | Path | None = None) -> bool:
        """Show the sweep in `folder` (or ask for one); a folder without results says so."""
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(
                self, self.tr("Open Sweep Results"), str(self.folder or Path.home())
            )
            if not chosen:
                return False
            folder = chosen
        folder = Path(folder)
        if not (folder / RESULTS_JSONL).is_file():
            self.info.setText(
                self.tr("{folder} holds no {file}: choose the folder playground sweep wrote").format(
                    folder=folder, file=RESULTS_JSONL
                )
            )
            return False
        try:
            rows = list(SweepResults(folder).rows.values())
        except PlaygroundError as exc:
            self.info.setText(str(exc))
            return False
        self.folder = folder
        self.summaries = summarise(rows)
        seeds = max((summary.runs for summary in self.summaries), default=0)
        self.info.setText(
            self.tr("{folder}: {runs} runs, {combinations} combinations, up to {seeds} seeds each").format(
                folder=folder, runs=len(rows), combinations=len(self.summaries), seeds=seeds
            )
        )
        self._fill_table()
        metrics = [name for name in FINAL_METRICS if any(name in s.mean for s in self.summaries)]
        self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        for name in metrics:
            self.metric_combo.addItem(name, name)
        preferred = next(
            (m for m in ("val_accuracy", "val_r2", "val_loss") if m in metrics), metrics[0] if metrics else None
        )
        if preferred is not None:
            self.metric_combo.setCurrentIndex(metrics.index(preferred))
        self.metric_combo.blockSignals(False)
        self._draw_plot()
        return True

    def _fill_table(self) -> None:
        settings = list(dict.fromkeys(name for summary in self.summaries for name in summary.settings))
        metrics = [name for name in FINAL_METRICS if any(name in s.mean for s in self.summaries)]
        self.table.setSortingEnabled(False)
        self.table.clear()
        self.table.setColumnCount(len(settings) + 1 + len(metrics))
        self.table.setHorizontalHeaderLabels(
            [*settings, self.tr("runs"), *(self.tr("{metric} (mean ± std)").format(metric=m) for m in metrics)]
        )
        self.table.setRowCount(len(self.summaries))
        for row, summary in enumerate(self.summaries):
            cells: list[tuple[str, Any]] = [
                (str(summary.settings.get(name, "")), summary.settings.get(name)) for name in settings
            ]
            cells.append((str(summary.runs), summary.runs))
            for name in metrics:
                if name in summary.mean:
                    text = f"{_shown(name, summary.mean[name])} ± {_shown(name, summary.std[name])}"
                    cells.append((text, summary.mean[name]))
                else:
                    cells.append(("", None))
            for column, (text, value) in enumerate(cells):
                item = _SortedItem(text)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    item.setData(SORT_ROLE, float(value))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()

    def _draw_plot(self) -> None:
        self.plot.clear()
        metric = self.metric_combo.currentData()
        if not self.summaries or metric is None:
            return
        picture = parallel_coordinates(self.summaries, metric)
        count = len(picture.axes)
        colormap = pg.colormap.get("viridis")
        scores = picture.scores
        low, high = (min(scores), max(scores)) if scores else (0.0, 1.0)
        for line, score in zip(picture.lines, scores, strict=True):
            share = (score - low) / (high - low) if high > low else 0.5
            better = share if metric.endswith(("accuracy", "r2")) else 1.0 - share
            color = colormap.map(better, mode="qcolor")
            self.plot.plot(list(range(count)), list(line), pen=pg.mkPen(color, width=2.5))
        foreground = theme.colors().plot_foreground
        for index, axis in enumerate(picture.axes):
            self.plot.plot([index, index], [0, 1], pen=pg.mkPen("#888888", width=1))
            title = pg.TextItem(axis.name, anchor=(0.5, 1.2), color=foreground)
            title.setPos(index, 1.0)
            self.plot.addItem(title)
            for position, label in axis.ticks:
                text = pg.TextItem(label, anchor=(-0.25, 0.5), color=foreground)  # clear of the lines
                text.setPos(index, position)
                self.plot.addItem(text)
        self.plot.setXRange(-0.3, count - 0.4)
        self.plot.setYRange(-0.06, 1.16)
        self.plot.getAxis("bottom").setTicks([[(i, "") for i in range(count)]])
