"""A run forked from another (the training time machine) in the Compare tab's history: its row
says "⑂ from <parent> @ epoch k", and overlaid with its parent its curve starts at epoch k."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from playground.core.compare.history import RunHistory, RunRecord
from playground.core.document import ExperimentDocument
from playground.core.experiment import load_experiment
from playground.ui import theme
from playground.ui.compare import history_panel
from playground.ui.compare.history_panel import HistoryPanel, fork_mark

PRESETS = Path(__file__).resolve().parents[2] / "presets"
SHOTS = Path(os.environ.get("NN_PLAYGROUND_SHOTS", "/tmp/shots"))


def rows(losses: list[float]) -> list[dict[str, float | None]]:
    return [{"train_loss": loss, "val_loss": loss + 0.1, "lr": 0.01} for loss in losses]


@pytest.fixture
def panel(qtbot):
    document = ExperimentDocument(load_experiment(PRESETS / "xor.json"), PRESETS / "xor.json")
    history = RunHistory()
    widget = HistoryPanel(document, QUndoStack(), history)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    return widget


def add_runs(history: RunHistory) -> tuple[RunRecord, RunRecord]:
    parent = RunRecord.from_training("Adam 0.03", rows([0.9, 0.7, 0.5, 0.4, 0.35, 0.3]), {"status": "completed"})
    branch = RunRecord.from_training(
        "Adam 0.1",
        rows([0.9, 0.7, 0.5, 0.3, 0.2, 0.15, 0.12, 0.1]),
        {"status": "completed"},
        branch_of=parent.id,
        fork_epoch=3,
    )
    history.extend([parent, branch])
    return parent, branch


def item(panel: HistoryPanel, record_id: str, column: str):
    index = panel.columns.index(column)
    for row in range(panel.table.rowCount()):
        found = panel.table.item(row, index)
        if found is not None and found.data(Qt.ItemDataRole.UserRole + 1) == record_id:
            return found
    raise KeyError(record_id)


def cell(panel: HistoryPanel, record_id: str, column: str) -> str:
    return item(panel, record_id, column).text()


def test_a_branch_row_says_where_it_was_forked_from(panel):
    parent, branch = add_runs(panel.history)
    header = panel.table.horizontalHeaderItem(panel.columns.index("branch")).text()
    assert header == "forked from"
    assert cell(panel, branch.id, "branch") == f"{fork_mark()} from Adam 0.03 @ epoch 3"
    assert cell(panel, parent.id, "branch") == ""
    assert f"{fork_mark()} from Adam 0.03 @ epoch 3" in item(panel, branch.id, "name").toolTip()
    panel.history.rename(parent.id, "baseline")
    assert cell(panel, branch.id, "branch") == f"{fork_mark()} from baseline @ epoch 3"
    panel.history.remove(parent.id)
    assert cell(panel, branch.id, "branch") == f"{fork_mark()} from a removed run @ epoch 3"


def test_without_branches_there_is_no_forked_from_column(panel):
    panel.history.add(RunRecord.from_training("plain", rows([1.0, 0.5])))
    assert "branch" not in panel.columns


def test_overlaid_with_its_parent_a_branch_s_curve_starts_at_the_fork_epoch(panel):
    parent, branch = add_runs(panel.history)
    panel.redraw()
    x_parent, y_parent = panel._curves[parent.id].getOriginalDataset()
    x_branch, y_branch = panel._curves[branch.id].getOriginalDataset()
    assert list(x_parent) == [1, 2, 3, 4, 5, 6]
    assert list(x_branch) == [3, 4, 5, 6, 7, 8]
    assert y_branch[0] == y_parent[2]  # it leaves the parent's curve where it was forked
    assert np.allclose(y_branch, [0.5, 0.3, 0.2, 0.15, 0.12, 0.1])


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_branch_looks_right_in_both_themes(panel, qtbot, name):
    app = QApplication.instance()
    previous = theme.current_theme()
    theme.apply_theme(name, app)
    try:
        add_runs(panel.history)
        for width, height in ((1400, 900), (1024, 700)):
            panel.resize(width, height)
            qtbot.wait(20)
            SHOTS.mkdir(parents=True, exist_ok=True)
            panel.grab().save(str(SHOTS / f"history_branch_{name}_{width}.png"))
        column = panel.columns.index("branch")
        assert panel.table.columnWidth(column) >= panel.table.fontMetrics().horizontalAdvance(
            f"{fork_mark()} from Adam 0.03 @ epoch 3"
        )
    finally:
        theme.apply_theme(previous, app)


def test_the_mark_is_the_fork_where_a_font_draws_it_else_an_arrow(monkeypatch):
    from PySide6.QtGui import QFontMetrics

    fork_mark.cache_clear()
    try:
        monkeypatch.setattr(QFontMetrics, "inFontUcs4", lambda self, code: code == 0x2442)
        assert fork_mark() == "⑂"
        fork_mark.cache_clear()
        monkeypatch.setattr(QFontMetrics, "inFontUcs4", lambda self, code: False)
        assert fork_mark() == history_panel.FORK_MARK_FALLBACK == "↳"
    finally:
        fork_mark.cache_clear()
