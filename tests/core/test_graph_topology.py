"""The graph query API: one place answers who feeds whom, what lies downstream, the run order,
cycles, and whether a new edge would loop back."""

from __future__ import annotations

from playground.core.experiment import experiment_from_dict
from playground.core.graph.layout import auto_layout
from playground.core.graph.topology import Topology
from tests.core.factories import resnet_block_document


def test_neighbours_reachability_and_order_of_a_residual_block():
    topology = Topology.of(experiment_from_dict(resnet_block_document()))
    assert topology.predecessors("add") == ["bn2", "shortcut"]  # the order a merge receives them
    assert topology.successors("input") == ["conv1", "shortcut"]
    assert topology.sources() == ["input"] and topology.sinks() == ["fc"]
    assert topology.downstream("shortcut") == {"shortcut", "add", "relu2", "pool", "flatten", "fc"}
    assert topology.upstream("add") >= {"input", "conv1", "bn2", "shortcut"}
    order, cyclic = topology.order()
    assert not cyclic and len(order) == 12
    assert all(order.index(a) < order.index(b) for a, b in topology.edges)
    assert topology.depths()["add"] == 6 and topology.depths()["shortcut"] == 1


def test_new_edges_that_would_loop_back_are_recognised():
    topology = Topology.from_edges("abcd", [("a", "b"), ("b", "c"), ("c", "d")])
    assert topology.would_cycle("d", "a") and topology.would_cycle("c", "b") and topology.would_cycle("b", "b")
    assert not topology.would_cycle("a", "d")
    assert topology.input_count("b") == 1 and topology.input_count("a") == 0


def test_cycles_are_found_and_described():
    topology = Topology.from_edges("abcde", [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d"), ("e", "e")])
    order, cyclic = topology.order()
    assert order == ["a"]
    assert set(cyclic) == {"b", "c", "e"}  # d only sits behind the cycle
    assert topology.cycle_text("b", set(cyclic)) == "b → c → b"
    assert topology.depths()["d"] >= 1  # a layout still gets a column for everything


def test_edges_to_unknown_nodes_are_left_out():
    topology = Topology.from_edges(["a", "b"], [("a", "b"), ("a", "ghost"), ("ghost", "b")])
    assert topology.successors("a") == ["b"] and topology.predecessors("b") == ["a"]
    assert topology.downstream("ghost") == set()


def test_the_layout_puts_each_node_after_its_inputs():
    experiment = experiment_from_dict(resnet_block_document())
    positions = auto_layout(experiment)
    for source, target in experiment.model.edges:
        assert positions[source][0] < positions[target][0]
