"""The run history: overlay any finished runs, smooth them, compare their settings and results.

Runs come from races (one per contender) and from single trainings the main window reports.
A run forked from another (the training time machine) says so in its "forked from" column
("⑂ from <parent> @ epoch k"; "↳" where no font draws the fork), and its curves start at the
epoch it was forked from.
The table is sortable; double-click a name to rename it. The plot exports as PNG/SVG, the table
as CSV; "Save in experiment" stores the runs in the experiment file (undoable), so the
comparison reopens with it.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 - registers the PNG/SVG exporters
from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QPainter, QUndoStack
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.compare.history import RunHistory, RunRecord
from playground.core.document import ExperimentDocument
from playground.core.errors import PlaygroundError
from playground.core.jsonio import atomic_write_text
from playground.ui import theme
from playground.ui.compare.commands import SetComparisonCommand
from playground.ui.compare.common import (
    CompareTab,
    color_for,
    color_icon,
    format_number,
    log_safe,
    make_curve,
    set_curve,
    style_plot_item,
)


def metric_titles() -> dict[str, str]:
    """The plotted metrics' titles, in the current language."""
    return {
        "train_loss": QCoreApplication.translate("HistoryPanel", "Training loss per epoch"),
        "val_loss": QCoreApplication.translate("HistoryPanel", "Validation loss per epoch"),
        "val_accuracy": QCoreApplication.translate("HistoryPanel", "Validation accuracy per epoch"),
        "val_mae": QCoreApplication.translate("HistoryPanel", "Validation MAE per epoch"),
        "val_r2": QCoreApplication.translate("HistoryPanel", "Validation R² per epoch"),
        "lr": QCoreApplication.translate("HistoryPanel", "Learning rate per epoch"),
        "step_loss": QCoreApplication.translate("HistoryPanel", "Training loss per step"),
        "step_lr": QCoreApplication.translate("HistoryPanel", "Learning rate per step"),
    }


def metric_axis_labels() -> dict[str, str]:
    """The plotted metrics' axis labels (the titles without "per epoch"), in the current language."""
    return {
        "train_loss": QCoreApplication.translate("HistoryPanel", "Training loss"),
        "val_loss": QCoreApplication.translate("HistoryPanel", "Validation loss"),
        "val_accuracy": QCoreApplication.translate("HistoryPanel", "Validation accuracy"),
        "val_mae": QCoreApplication.translate("HistoryPanel", "Validation MAE"),
        "val_r2": QCoreApplication.translate("HistoryPanel", "Validation R²"),
        "lr": QCoreApplication.translate("HistoryPanel", "Learning rate"),
        "step_loss": QCoreApplication.translate("HistoryPanel", "Training loss"),
        "step_lr": QCoreApplication.translate("HistoryPanel", "Learning rate"),
    }


def column_titles() -> dict[str, str]:
    """The table's column headers, in the current language."""
    return {
        "name": QCoreApplication.translate("HistoryPanel", "run"),
        "branch": QCoreApplication.translate("HistoryPanel", "forked from"),
        "group": QCoreApplication.translate("HistoryPanel", "comparison"),
        "status": QCoreApplication.translate("HistoryPanel", "status"),
        "epochs": QCoreApplication.translate("HistoryPanel", "epochs"),
        "dataset": QCoreApplication.translate("HistoryPanel", "dataset"),
        "layers": QCoreApplication.translate("HistoryPanel", "layers"),
        "activation": QCoreApplication.translate("HistoryPanel", "activation"),
        "optimizer": QCoreApplication.translate("HistoryPanel", "optimizer"),
        "lr": QCoreApplication.translate("HistoryPanel", "lr"),
        "schedule": QCoreApplication.translate("HistoryPanel", "schedule"),
        "batch_size": QCoreApplication.translate("HistoryPanel", "batch"),
        "seed": QCoreApplication.translate("HistoryPanel", "seed"),
        "seeds": QCoreApplication.translate("HistoryPanel", "seeds"),
        "train_loss": QCoreApplication.translate("HistoryPanel", "train loss"),
        "val_loss": QCoreApplication.translate("HistoryPanel", "val loss"),
        "val_accuracy": QCoreApplication.translate("HistoryPanel", "val acc."),
        "test_loss": QCoreApplication.translate("HistoryPanel", "test loss"),
        "test_accuracy": QCoreApplication.translate("HistoryPanel", "test acc."),
        "val_mae": QCoreApplication.translate("HistoryPanel", "val MAE"),
        "val_r2": QCoreApplication.translate("HistoryPanel", "val R²"),
        "test_mae": QCoreApplication.translate("HistoryPanel", "test MAE"),
        "test_r2": QCoreApplication.translate("HistoryPanel", "test R²"),
        "seconds": QCoreApplication.translate("HistoryPanel", "seconds"),
    }


FORK_MARK = "⑂"  # U+2442 OCR FORK: a branch of a run
FORK_MARK_FALLBACK = "↳"  # where no installed font draws the fork (many Linux desktops)


@functools.cache
def fork_mark() -> str:
    """The branch mark the table shows: the fork when some installed font has it (Qt falls back
    to that font), else an arrow every font draws, never a box."""
    code = ord(FORK_MARK)
    if QFontMetrics(QApplication.font()).inFontUcs4(code):
        return FORK_MARK
    families = QFontDatabase.families()
    return FORK_MARK if any(QFontMetrics(QFont(family)).inFontUcs4(code) for family in families) else FORK_MARK_FALLBACK


class _SortItem(QTableWidgetItem):
    """Numbers sort by value, text by text; empty cells last."""

    def __lt__(self, other: QTableWidgetItem) -> bool:  # noqa: D105
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if mine is None:
            return False
        if theirs is None:
            return True
        if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            return float(mine) < float(theirs)
        return str(mine) < str(theirs)


class HistoryPanel(CompareTab):
    def __init__(
        self,
        document: ExperimentDocument,
        undo_stack: QUndoStack | None = None,
        history: RunHistory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(document, undo_stack, history, parent)
        self.hidden: set[str] = set()  # ids of runs not drawn
        self._colors: dict[str, str] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._bands: dict[str, tuple] = {}
        self._filling = False
        self.columns: list[str] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.metric_combo = QComboBox(self)
        self.metric_combo.setMinimumWidth(220)
        self.smoothing = QSlider(Qt.Orientation.Horizontal, self)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(0)
        self.smoothing.setMaximumWidth(160)
        self.smoothing.setToolTip(self.tr("Exponential moving average, debiased (as in TensorBoard)."))
        self.smoothing_label = QLabel(self)
        self.log_y = QCheckBox(self.tr("log scale"), self)
        self.bands = QCheckBox(self.tr("± std bands"), self)
        self.bands.setChecked(True)
        bar.addWidget(QLabel(self.tr("Show"), self))
        bar.addWidget(self.metric_combo)
        bar.addWidget(QLabel(self.tr("smoothing"), self))
        bar.addWidget(self.smoothing)
        bar.addWidget(self.smoothing_label)
        bar.addWidget(self.log_y)
        bar.addWidget(self.bands)
        bar.addStretch(1)
        self.rename_button = QPushButton(self.tr("Rename"), self)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.export_plot_button = QPushButton(self.tr("Export plot…"), self)
        self.export_csv_button = QPushButton(self.tr("Export table…"), self)
        self.save_button = QPushButton(self.tr("Save in experiment"), self)
        self.save_button.setToolTip(
            self.tr("Keep these runs in the experiment file (undoable); they come back when the file is opened.")
        )
        self.load_button = QPushButton(self.tr("Load from experiment"), self)
        layout.addLayout(bar)
        # the actions on a row of their own: one row of everything needed a 1,250-pixel window
        actions = QHBoxLayout()
        for button in (
            self.rename_button,
            self.delete_button,
            self.export_plot_button,
            self.export_csv_button,
            self.save_button,
            self.load_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        # plot and legend side by side in one scene, so PNG/SVG exports carry the legend
        self.canvas = pg.GraphicsLayoutWidget(splitter)
        self.canvas.setBackground(theme.colors().plot_background)
        self.canvas.setMinimumHeight(260)
        self.plot_item = self.canvas.addPlot(row=0, col=0)
        style_plot_item(self.plot_item, "", self.tr("epoch"), "", legend=False)
        self.legend = pg.LegendItem(labelTextSize="11pt", labelTextColor=theme.colors().plot_foreground, verSpacing=-4)
        self.canvas.addItem(self.legend, row=0, col=1)
        self.canvas.ci.layout.setColumnStretchFactor(0, 5)
        self.canvas.ci.layout.setColumnMaximumWidth(1, 300)
        self.table = QTableWidget(0, 0, splitter)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSortingEnabled(True)
        splitter.addWidget(self.canvas)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 300])
        self.empty_hint = QLabel(
            self.tr(
                "Finished runs appear here: race some activations, optimizers or schedules, or train the experiment."
            ),
            self,
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        layout.addWidget(self.empty_hint)

        self.history.changed.connect(self.refresh)
        self.metric_combo.currentIndexChanged.connect(lambda _i: self.redraw())
        self.smoothing.valueChanged.connect(lambda _v: self.redraw())
        self.log_y.toggled.connect(self._on_log_y)
        self.bands.toggled.connect(lambda _on: self.redraw())
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.rename_button.clicked.connect(self._on_rename)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_plot_button.clicked.connect(self._on_export_plot)
        self.export_csv_button.clicked.connect(self._on_export_csv)
        self.save_button.clicked.connect(self.save_into_experiment)
        self.load_button.clicked.connect(self.load_from_experiment)
        document.reset.connect(self._on_document_reset)
        self.refresh()

    # ---- reading -------------------------------------------------------------------------------
    def current_metric(self) -> str:
        """The metric the plot shows (not `metric`: that name is QWidget's, which Qt calls to paint)."""
        return self.metric_combo.currentData() or "train_loss"

    def visible_ids(self) -> list[str]:
        return [record_id for record_id in self.history.ids() if record_id not in self.hidden]

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        ids = []
        for row in rows:
            item = self.table.item(row, 0)
            if item is not None:
                ids.append(item.data(Qt.ItemDataRole.UserRole + 1))
        return ids

    def branch_label(self, record_id: str) -> str:
        """'⑂ from <parent name> @ epoch k' for a run forked from another, '' for any other run."""
        record = self.history.get(record_id)
        if not record.is_branch:
            return ""
        parent = self.history.parent_of(record)
        if parent is None:
            return self.tr("{mark} from a removed run @ epoch {epoch}").format(
                mark=fork_mark(), epoch=record.fork_epoch
            )
        return self.tr("{mark} from {parent} @ epoch {epoch}").format(
            mark=fork_mark(), parent=parent.name, epoch=record.fork_epoch
        )

    def color_of(self, record_id: str) -> str:
        if record_id not in self._colors:
            self._colors[record_id] = color_for(len(self._colors))
        return self._colors[record_id]

    # ---- refresh -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild the metric list and the table, then redraw (after any history change)."""
        ids = set(self.history.ids())
        self.hidden &= ids
        for record_id in list(self._curves):
            if record_id not in ids:
                self._remove_curve(record_id)
        current = self.current_metric()
        names = self.history.metric_names()
        titles = metric_titles()
        ordered = [n for n in titles if n in names] + [n for n in names if n not in titles]
        self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        for name in ordered:
            self.metric_combo.addItem(titles.get(name, name), name)
        index = self.metric_combo.findData(current)
        self.metric_combo.setCurrentIndex(index if index >= 0 else 0)
        self.metric_combo.blockSignals(False)
        self._fill_table()
        empty = len(self.history) == 0
        self.empty_hint.setVisible(empty)
        self.redraw()
        self._update_buttons()

    def _fill_table(self) -> None:
        self._filling = True
        try:
            self.columns = self.history.table_columns()
            rows = self.history.table_rows()
            self.table.setSortingEnabled(False)
            self.table.clear()
            self.table.setColumnCount(len(self.columns))
            self.table.setHorizontalHeaderLabels([column_titles().get(c, c.replace("_", " ")) for c in self.columns])
            self.table.setRowCount(len(rows))
            for row, values in enumerate(rows):
                record_id = values["id"]
                for column, key in enumerate(self.columns):
                    value = values.get(key)
                    if key == "name":
                        item = _SortItem(color_icon(self.color_of(record_id)), str(value))
                        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
                        item.setCheckState(
                            Qt.CheckState.Unchecked if record_id in self.hidden else Qt.CheckState.Checked
                        )
                        item.setData(Qt.ItemDataRole.UserRole, str(value))
                        tip = self.tr("Tick to draw this run; double-click to rename it.")
                        branch = self.branch_label(record_id)
                        item.setToolTip(tip + "\n" + branch if branch else tip)
                    elif key == "branch":
                        text = self.branch_label(record_id)
                        item = _SortItem(text)
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                        item.setData(Qt.ItemDataRole.UserRole, text or None)
                        if text:
                            item.setToolTip(
                                self.tr(
                                    "Forked from that run: the same weights, optimizer state and batches up to that "
                                    "epoch, other settings after it. Its curves start there."
                                )
                            )
                    else:
                        text = (
                            format_number(value)
                            if isinstance(value, (int, float)) and not isinstance(value, bool)
                            else ("—" if value is None else str(value))
                        )
                        item = _SortItem(text)
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                        sort_value = value if not isinstance(value, float) or math.isfinite(value) else None
                        item.setData(Qt.ItemDataRole.UserRole, sort_value)
                        if isinstance(value, (int, float)) and not isinstance(value, bool):
                            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    item.setData(Qt.ItemDataRole.UserRole + 1, record_id)
                    self.table.setItem(row, column, item)
            self.table.setSortingEnabled(True)
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        finally:
            self._filling = False

    def _remove_curve(self, record_id: str) -> None:
        plot = self.plot_item
        curve = self._curves.pop(record_id, None)
        if curve is not None:
            plot.removeItem(curve)
        band = self._bands.pop(record_id, None)
        if band is not None:
            for item in band:
                plot.removeItem(item)

    def redraw(self) -> None:
        metric = self.current_metric()
        weight = self.smoothing.value() / 100.0
        self.smoothing_label.setText(f"{weight:.2f}")
        plot = self.plot_item
        self.legend.clear()
        colors = theme.colors()
        x_label = self.tr("step") if metric.startswith("step_") else self.tr("epoch")
        plot.setLabel("bottom", x_label, color=colors.plot_foreground, size="12pt")
        plot.setLabel(
            "left",
            metric_axis_labels().get(metric, metric),
            color=colors.plot_foreground,
            size="12pt",
        )
        plot.setTitle(metric_titles().get(metric, metric), size="13pt", color=colors.plot_foreground)
        shown = set(self.visible_ids())
        overlays = {
            record.id: (record, x, y, spread) for record, x, y, spread in self.history.overlay(metric, smoothing=weight)
        }
        for record in self.history:
            curve = self._curves.get(record.id)
            entry = overlays.get(record.id)
            if entry is None or record.id not in shown:
                if curve is not None:
                    curve.setData([], [])
                band = self._bands.get(record.id)
                if band is not None:
                    band[0].setData([], [])
                    band[1].setData([], [])
                continue
            color = self.color_of(record.id)
            if curve is None:
                # after ten runs the colours repeat: the second round is dashed, the third dotted
                round_ = (list(self._colors).index(record.id) // 10) % 3
                style = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)[round_]
                curve = make_curve(plot, color, style=style)
                self._curves[record.id] = curve
            _, x, y, spread = entry
            values = log_safe(y) if self.log_y.isChecked() else y
            set_curve(curve, x, values)
            label = record.name + (f" ({record.group})" if self._ambiguous(record) else "")
            self.legend.addItem(curve, label if len(label) <= 34 else label[:33] + "…")
            if spread is not None and self.bands.isChecked() and len(spread) == len(y):
                band = self._bands.get(record.id)
                if band is None:
                    upper = pg.PlotDataItem([], [], pen=pg.mkPen(None), connect="finite")
                    lower = pg.PlotDataItem([], [], pen=pg.mkPen(None), connect="finite")
                    fill_color = QColor(color)
                    fill_color.setAlpha(50)
                    fill = pg.FillBetweenItem(upper, lower, brush=pg.mkBrush(fill_color))
                    plot.addItem(fill)
                    band = self._bands[record.id] = (upper, lower, fill)
                top, bottom = y + spread, y - spread
                if self.log_y.isChecked():
                    top, bottom = log_safe(top), log_safe(bottom)
                set_curve(band[0], x, top)
                set_curve(band[1], x, bottom)
            elif record.id in self._bands:
                self._bands[record.id][0].setData([], [])
                self._bands[record.id][1].setData([], [])

    def _ambiguous(self, record: RunRecord) -> bool:
        return sum(1 for other in self.history if other.name == record.name) > 1

    def drawn_curve_count(self) -> int:
        return sum(
            1
            for curve in self._curves.values()
            if curve.getOriginalDataset()[0] is not None and len(curve.getOriginalDataset()[0])
        )

    def _on_log_y(self, on: bool) -> None:
        self.plot_item.setLogMode(x=False, y=on)
        self.redraw()

    # ---- editing -------------------------------------------------------------------------------
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != self.columns.index("name"):
            return
        record_id = item.data(Qt.ItemDataRole.UserRole + 1)
        hidden = item.checkState() != Qt.CheckState.Checked
        changed_visibility = hidden != (record_id in self.hidden)
        if hidden:
            self.hidden.add(record_id)
        else:
            self.hidden.discard(record_id)
        name = item.text().strip()
        if name and name != self.history.get(record_id).name:
            self.history.rename(record_id, name)  # refreshes everything
        elif changed_visibility:
            self.redraw()

    def _on_rename(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole + 1) == ids[0]:
                self.table.editItem(item)
                break

    def rename(self, record_id: str, name: str) -> None:
        self.history.rename(record_id, name)

    def delete_selected(self) -> int:
        ids = self.selected_ids()
        for record_id in ids:
            self.history.remove(record_id)
        return len(ids)

    def set_visible(self, record_id: str, visible: bool) -> None:
        if visible:
            self.hidden.discard(record_id)
        else:
            self.hidden.add(record_id)
        self._fill_table()
        self.redraw()

    def _update_buttons(self) -> None:
        has_selection = bool(self.selected_ids())
        self.rename_button.setEnabled(has_selection)
        self.delete_button.setEnabled(has_selection)
        has_runs = len(self.history) > 0
        for button in (self.export_plot_button, self.export_csv_button, self.save_button):
            button.setEnabled(has_runs)
        self.load_button.setEnabled(self.document.experiment.comparison is not None)

    # ---- export --------------------------------------------------------------------------------
    def export_plot(self, path: str | Path) -> Path:
        """Write the plot as PNG (at twice the screen size) or SVG, by the file's suffix."""
        path = Path(path)
        scene = self.canvas.scene()
        if path.suffix.lower() == ".svg":
            # Qt's own SVG writer: pyqtgraph 0.14's SVGExporter cannot parse Qt 6.12's path syntax
            source = QRectF(self.canvas.rect())
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(QSize(int(source.width()), int(source.height())))
            generator.setViewBox(source)
            generator.setTitle(self.plot_item.titleLabel.text or "comparison")
            painter = QPainter(generator)
            try:
                self.canvas.render(painter, source, self.canvas.rect())
            finally:
                painter.end()
            if not path.exists():
                raise OSError(f"could not write {path}")
        else:
            exporter = pg.exporters.ImageExporter(scene)
            exporter.parameters()["width"] = max(800, int(self.canvas.width() * 2))
            exporter.export(str(path))
        return path

    def export_table_csv(self, path: str | Path) -> Path:
        path = Path(path)
        atomic_write_text(path, self.history.table_csv())
        return path

    def _on_export_plot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export plot"), "comparison.png", self.tr("PNG image (*.png);;SVG drawing (*.svg)")
        )
        if path:
            try:
                self.export_plot(path)
                self.status_message.emit(self.tr("Plot saved to {path}").format(path=path))
            except Exception as exc:  # noqa: BLE001 - reported, never swallowed
                QMessageBox.warning(self, self.tr("Export plot"), str(exc))

    def _on_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export table"), "runs.csv", self.tr("CSV table (*.csv)"))
        if path:
            try:
                self.export_table_csv(path)
                self.status_message.emit(self.tr("Table saved to {path}").format(path=path))
            except OSError as exc:
                QMessageBox.warning(self, self.tr("Export table"), str(exc))

    # ---- the experiment file -------------------------------------------------------------------
    def save_into_experiment(self) -> None:
        """Store this experiment's drawn runs (all of its runs when none is drawn) in it, undoably.
        Runs of other experiments of the session stay in the history but never go into this file."""
        own = {record.id for record in self.history if record.experiment == self.document.session_id}
        drawn = [run_id for run_id in self.visible_ids() if run_id in own]
        ids = drawn or [run_id for run_id in self.history.ids() if run_id in own]
        comparison = self.history.to_comparison(self.document.experiment.name, ids) if ids else None
        if self.undo_stack is not None:
            self.undo_stack.push(SetComparisonCommand(self.document, comparison))
        else:
            self.document.set_comparison(comparison)
        self._update_buttons()
        others = len(self.history) - len(own)
        text = self.tr("{n} run(s) will be saved with the experiment.").format(n=len(ids))
        if others:
            text += " " + self.tr("{m} run(s) of other experiments stay in the history only.").format(m=others)
        self.status_message.emit(text)

    def load_from_experiment(self) -> list[str]:
        """Add the runs saved in the experiment (those not already in the history)."""
        comparison = self.document.experiment.comparison
        if comparison is None:
            return []
        known = {(record.name, record.created, record.group) for record in self.history}
        records = []
        for saved in comparison.runs:
            if (saved.name, saved.created, saved.group) in known:
                continue
            try:
                record = RunRecord.from_saved(saved)
            except (PlaygroundError, ValueError) as exc:
                self.status_message.emit(str(exc))
                continue
            record.experiment = self.document.session_id  # a file's runs are its own
            records.append(record)
        return self.history.extend(records)  # one redraw for all of them

    def _on_document_reset(self) -> None:
        self.load_from_experiment()
        self._update_buttons()
