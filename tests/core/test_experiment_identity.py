"""What a run depends on: positions, name, lesson and saved comparisons do not; the graph, its order,
the data and the training settings do."""

from __future__ import annotations

from playground.core.experiment import experiment_from_dict
from playground.core.experiment.identity import trains_the_same
from tests.core.factories import xor_document


def test_only_what_trains_counts():
    base = experiment_from_dict(xor_document())
    same = base.model_copy(deep=True)
    same.name, same.description = "Renamed", "A new lesson text"
    for index, node in enumerate(same.model.nodes):
        node.pos = (100.0 * index, 50.0)
    assert trains_the_same(base, same)
    changed_param = base.model_copy(deep=True)
    changed_param.model.nodes[1].params["out_features"] = 5
    reordered = base.model_copy(deep=True)
    reordered.model.nodes.reverse()  # initialisation follows the node order
    other_seed = base.model_copy(deep=True)
    other_seed.training.seed = 1
    other_data = base.model_copy(deep=True)
    other_data.data.params["noise"] = 0.3
    for changed in (changed_param, reordered, other_seed, other_data):
        assert not trains_the_same(base, changed)
    assert trains_the_same(None, None) and not trains_the_same(base, None)
