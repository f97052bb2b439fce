"""Graph → shapes → torch module: inference, fixes, the builder and its forward generator."""

from playground.core.graph.builder import GraphError, GraphModule, build_model
from playground.core.graph.fixes import apply_fix, insert_before
from playground.core.graph.inference import GraphIssue, GraphReport, NodeReport, check_experiment
from playground.core.graph.init import INIT_CHOICES, apply_init

__all__ = [
    "GraphError",
    "GraphIssue",
    "GraphModule",
    "GraphReport",
    "INIT_CHOICES",
    "NodeReport",
    "apply_fix",
    "apply_init",
    "build_model",
    "check_experiment",
    "insert_before",
]
