"""Auto-arrange never puts a card on another, in either direction: for every preset, the arranged
cards (at their real size on the canvas) are pairwise apart, left to right and top-down (wrapped
into columns for a small view and for a large one)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from playground.core.experiment import load_experiment
from playground.ui.editor.node_item import NODE_HEIGHT, NODE_WIDTH
from playground.ui.editor.scene import arranged_positions
from tests.ui.training_helpers import PRESETS

LAYOUTS = {
    "left-to-right": ("left_to_right", (900.0, 700.0)),
    "top-down": ("top_down", (900.0, 700.0)),
    "top-down-small-view": ("top_down", (420.0, 380.0)),  # many wrapped columns
    "top-down-tall-view": ("top_down", (600.0, 5000.0)),  # no wrapping at all
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("path", sorted(PRESETS.glob("*.json")), ids=lambda path: path.stem)
def test_no_two_cards_overlap_after_auto_arrange(path, layout):
    experiment = load_experiment(path)
    direction, viewport = LAYOUTS[layout]
    positions = arranged_positions(experiment, direction, viewport)
    assert set(positions) == {node.id for node in experiment.model.nodes}
    boxes = {node_id: QRectF(x, y, NODE_WIDTH, NODE_HEIGHT) for node_id, (x, y) in positions.items()}
    ids = sorted(boxes)
    overlapping = [(a, b) for index, a in enumerate(ids) for b in ids[index + 1 :] if boxes[a].intersects(boxes[b])]
    assert not overlapping, overlapping


@pytest.mark.parametrize("path", sorted(PRESETS.glob("*.json")), ids=lambda path: path.stem)
def test_top_down_runs_down_the_page_each_edge_into_a_lower_card_or_the_next_column(path):
    experiment = load_experiment(path)
    positions = arranged_positions(experiment, "top_down", (900.0, 700.0))
    for source, target in experiment.model.edges:
        (sx, sy), (tx, ty) = positions[source], positions[target]
        assert ty > sy or tx > sx, (source, target)  # down, or on into a column further right


def test_the_inception_branches_run_down_side_by_side_lanes():
    from tests.core.test_presets_lessons_cnn import BRANCHES

    experiment = load_experiment(PRESETS / "inception_module.json")
    positions = arranged_positions(experiment, "top_down", (1000.0, 720.0))
    lanes = []
    for nodes in BRANCHES.values():
        xs = {positions[node][0] for node in nodes}
        assert len(xs) == 1, nodes  # a branch is one lane
        lanes.append(xs.pop())
    assert len(set(lanes)) == 4
    assert len({positions[node][1] for nodes in BRANCHES.values() for node in nodes[:1]}) == 1  # side by side
