"""The model summary: one row per node (type, output shape, parameters, multiply-adds), a total, and
every problem and warning of the graph. Invalid nodes are red with their message."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.document import ExperimentDocument
from playground.core.graph.summary import summary_rows
from playground.ui import theme
from playground.ui.subscriptions import Subscriptions
from playground.ui.throttle import Throttle

THROTTLE_MS = 60
COLUMNS = ("node", "type", "output shape", "parameters", "multiply-adds")


def tr(text: str) -> str:
    return QCoreApplication.translate("SummaryView", text)


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


class _SummaryTable(QTableWidget):
    """Columns as wide as their contents (shapes are never elided); spare width goes to the shapes."""

    SPARE_COLUMN = 2

    def content_widths(self) -> list[int]:
        header = self.horizontalHeader()
        return [
            max(self.sizeHintForColumn(column), header.sectionSizeHint(column)) + 6
            for column in range(self.columnCount())
        ]

    def preferred_width(self) -> int:
        """Width that shows every column whole, with room for a vertical scroll bar."""
        return sum(self.content_widths()) + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth() + 8

    def fit_columns(self) -> None:
        header = self.horizontalHeader()
        widths = self.content_widths()
        spare = self.viewport().width() - sum(widths)
        if spare > 0:
            widths[self.SPARE_COLUMN] += spare
        for column, width in enumerate(widths):
            header.resizeSection(column, width)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_columns()


class SummaryView(QWidget):
    """Table of nodes plus the list of problems; double-click a row to select that node."""

    node_activated = Signal(str)

    def __init__(self, document: ExperimentDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter)
        self.table = _SummaryTable(0, len(COLUMNS), splitter)
        headers = [
            (
                QCoreApplication.translate("SummaryView", "Node"),
                QCoreApplication.translate("SummaryView", "The node's id"),
            ),
            (
                QCoreApplication.translate("SummaryView", "Type"),
                QCoreApplication.translate("SummaryView", "The layer type"),
            ),
            (
                QCoreApplication.translate("SummaryView", "Output"),
                QCoreApplication.translate("SummaryView", "Output shape; N is the batch size"),
            ),
            (
                QCoreApplication.translate("SummaryView", "Params"),
                QCoreApplication.translate("SummaryView", "Trainable parameters"),
            ),
            (
                QCoreApplication.translate("SummaryView", "MACs"),
                QCoreApplication.translate(
                    "SummaryView", "Multiply-accumulate operations per sample (a measure of compute)"
                ),
            ),
        ]
        for column, (text, tip) in enumerate(headers):
            header_item = QTableWidgetItem(text)
            header_item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, header_item)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized by fit_columns
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.itemDoubleClicked.connect(self._on_double_clicked)
        problems = QWidget(splitter)
        problems_layout = QVBoxLayout(problems)
        problems_layout.setContentsMargins(0, 4, 0, 0)
        problems_layout.setSpacing(2)
        self.problems_title = QLabel(problems)
        self.problems_title.setWordWrap(True)
        problems_layout.addWidget(self.problems_title)
        self.problems = QListWidget(problems)
        self.problems.setWordWrap(True)
        self.problems.itemDoubleClicked.connect(self._on_problem_double_clicked)
        problems_layout.addWidget(self.problems, 1)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self._throttle = Throttle(self, THROTTLE_MS, self.refresh)
        Subscriptions(self).connect(document.changed, self._throttle.request)
        theme.notifier().changed.connect(self._on_theme_changed)
        self.refresh()

    def _on_theme_changed(self, _name: str) -> None:
        self.refresh()

    def is_pending(self) -> bool:
        return self._throttle.is_pending()

    def flush(self) -> None:
        """Render now if an update is waiting (snapshots and tests)."""
        self._throttle.flush()

    # ---- reading rows (tests and the status bar use these) -----------------------------------------
    def row_of(self, node_id: str) -> int:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == node_id:
                return row
        return -1

    def is_row_invalid(self, node_id: str) -> bool:
        row = self.row_of(node_id)
        item = self.table.item(row, 0) if row >= 0 else None  # `row_of` finds only rows with an item
        return item is not None and bool(item.data(Qt.ItemDataRole.UserRole + 1))

    def refresh(self) -> None:
        self._throttle.cancel()
        colors = theme.colors()
        error_brush = QBrush(QColor(colors.error))
        experiment = self.document.experiment
        report = self.document.report()
        rows = summary_rows(experiment, report)
        errors_by_node: dict[str, list[str]] = {}
        if report is not None:
            for issue in report.errors:
                if issue.node:
                    errors_by_node.setdefault(issue.node, []).append(issue.message)
        self.table.setRowCount(len(rows) + 1)
        for row, entry in enumerate(rows):
            node_id = entry.card
            node_report = entry.report
            output = node_report.output if node_report is not None else None
            kind = (
                QCoreApplication.translate("SummaryView", "Block {name}").format(name=entry.block)
                if entry.block
                else entry.type
            )
            values = [
                ("    " * entry.depth) + entry.node_id,
                kind,
                output.text() if output is not None else "?",
                _count(node_report.params) if node_report is not None and output is not None else "—",
                _count(node_report.macs) if node_report is not None and output is not None else "—",
            ]
            problems = errors_by_node.get(node_id, []) if entry.depth == 0 else []
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 2:
                    item.setFont(QFont("monospace"))
                if problems:
                    item.setForeground(error_brush)
                    item.setToolTip("\n".join(problems))
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, node_id)
                    item.setData(Qt.ItemDataRole.UserRole + 1, bool(problems))
                self.table.setItem(row, column, item)
        total_row = len(rows)
        total_font = QFont(self.table.font())
        total_font.setBold(True)
        totals = [
            QCoreApplication.translate("SummaryView", "Total"),
            "",
            "",
            _count(report.total_params) if report is not None else "—",
            _count(report.total_macs) if report is not None else "—",
        ]
        for column, value in enumerate(totals):
            item = QTableWidgetItem(value)
            item.setFont(total_font)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if column >= 3:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(total_row, column, item)
        self.table.fit_columns()
        self._fill_problems(report)

    def _fill_problems(self, report) -> None:
        colors = theme.colors()
        self.problems.clear()
        entries: list[tuple[str, str | None, str]] = []  # (kind, node, text)
        if self.document.report_error:
            entries.append(
                (
                    "error",
                    None,
                    QCoreApplication.translate("SummaryView", "Dataset: {error}").format(
                        error=self.document.report_error
                    ),
                )
            )
        if report is not None:
            for issue in report.errors:
                entries.append(("error", issue.node, f"{issue.node}: {issue.message}" if issue.node else issue.message))
            for issue in report.warnings:
                entries.append(
                    ("warning", issue.node, f"{issue.node}: {issue.message}" if issue.node else issue.message)
                )
        errors = sum(1 for kind, _, _ in entries if kind == "error")
        warnings = len(entries) - errors
        if not entries:
            text = QCoreApplication.translate("SummaryView", "No problems: every shape fits.")
            if report is not None and report.valid and report.output_id is not None:
                text += " " + QCoreApplication.translate("SummaryView", "Model output: {shape}.").format(
                    shape=report.nodes[report.output_id].output.text()
                )
            self.problems_title.setText(f"<span style='color:{colors.ok}'>✓ {html.escape(text)}</span>")
            self.problems.hide()
            return
        parts = []
        if errors:
            parts.append(
                (
                    QCoreApplication.translate("SummaryView", "1 problem")
                    if errors == 1
                    else QCoreApplication.translate("SummaryView", "{count} problems")
                ).format(count=errors)
            )
        if warnings:
            parts.append(
                (
                    QCoreApplication.translate("SummaryView", "1 warning")
                    if warnings == 1
                    else QCoreApplication.translate("SummaryView", "{count} warnings")
                ).format(count=warnings)
            )
        self.problems_title.setText(" · ".join(parts))
        self.problems.show()
        for kind, node, text in entries:
            item = QListWidgetItem(("✖ " if kind == "error" else "⚠ ") + text)
            item.setForeground(QBrush(QColor(colors.error if kind == "error" else colors.warning)))
            item.setData(Qt.ItemDataRole.UserRole, node)
            self.problems.addItem(item)

    def _on_double_clicked(self, item: QTableWidgetItem) -> None:
        node_item = self.table.item(item.row(), 0)
        node_id = node_item.data(Qt.ItemDataRole.UserRole) if node_item is not None else None
        if node_id:
            self.node_activated.emit(node_id)

    def _on_problem_double_clicked(self, item: QListWidgetItem) -> None:
        node_id = item.data(Qt.ItemDataRole.UserRole)
        if node_id:
            self.node_activated.emit(node_id)
