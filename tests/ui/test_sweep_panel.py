"""Compare ▸ Sweep: a sweep's folder as a sortable table of mean ± std and parallel coordinates."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from playground.core.sweeps.runner import SweepResults, SweepRow


def _sweep(folder: Path) -> None:
    results = SweepResults(folder)
    for index, (lr, seed, accuracy) in enumerate(
        [(0.001, 0, 0.55), (0.001, 1, 0.65), (0.1, 0, 0.9), (0.1, 1, 0.94), (0.01, 0, 0.8), (0.01, 1, 0.7)]
    ):
        row = SweepRow(
            f"k{index}",
            {"training.optimizer.params.lr": lr},
            seed,
            "completed",
            {"val_accuracy": accuracy, "val_loss": 1 - accuracy},
            5,
            1.0,
        )
        results.add(row.as_dict())


def test_the_sweep_tab_tabulates_and_sorts_the_combinations(tmp_path: Path, make_window, qtbot) -> None:
    _sweep(tmp_path)
    window = make_window(persistent=False)
    panel = window.compare_panel.sweep
    assert panel.open_folder(tmp_path)
    table = panel.table
    assert table.rowCount() == 3 and "3 combinations" in panel.info.text()
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:2] == ["training.optimizer.params.lr", "runs"]
    column = headers.index("val_accuracy (mean ± std)")
    table.sortItems(column, Qt.SortOrder.DescendingOrder)
    assert table.item(0, 0).text() == "0.1" and table.item(0, column).text() == "92.00% ± 2.83%"
    assert table.item(2, 0).text() == "0.001"
    assert panel.metric_combo.currentData() == "val_accuracy"
    curves = [item for item in panel.plot.getPlotItem().listDataItems() if list(item.xData) == [0, 1]]
    assert len(curves) == 3  # one line per combination across the two axes


def test_a_folder_without_results_says_so(tmp_path: Path, make_window) -> None:
    window = make_window(persistent=False)
    panel = window.compare_panel.sweep
    assert not panel.open_folder(tmp_path)
    assert "results.jsonl" in panel.info.text()
    (tmp_path / "results.jsonl").write_text(json.dumps({"format": "something else"}) + "\n" + "{}\n")
    assert not panel.open_folder(tmp_path)
