"""Auto-arrange never puts a card on another: for every preset, the arranged cards (at their real
size on the canvas) are pairwise apart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from playground.core.experiment import load_experiment
from playground.ui.editor.node_item import NODE_HEIGHT, NODE_WIDTH
from playground.ui.editor.scene import arranged_positions
from tests.ui.training_helpers import PRESETS


@pytest.mark.parametrize("path", sorted(PRESETS.glob("*.json")), ids=lambda path: path.stem)
def test_no_two_cards_overlap_after_auto_arrange(path):
    experiment = load_experiment(path)
    positions = arranged_positions(experiment)
    assert set(positions) == {node.id for node in experiment.model.nodes}
    boxes = {node_id: QRectF(x, y, NODE_WIDTH, NODE_HEIGHT) for node_id, (x, y) in positions.items()}
    ids = sorted(boxes)
    overlapping = [(a, b) for index, a in enumerate(ids) for b in ids[index + 1 :] if boxes[a].intersects(boxes[b])]
    assert not overlapping, overlapping
