"""Property tests: random valid graphs build and run with the inferred shapes; random broken
documents only ever raise the format's own error."""

from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import torch
from hypothesis import given
from hypothesis import strategies as st

from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict
from playground.core.graph import build_model, check_experiment
from tests.core.factories import document, resnet_block_document, xor_document

ACTIVATIONS = ["ReLU", "LeakyReLU", "ELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Softplus", "Identity"]


class GraphDraw:
    """Grows a random valid graph while tracking the (per-sample) shape at its tip."""

    def __init__(self, draw, shape: tuple[int, ...]):
        self.draw = draw
        self.shape = shape
        self.nodes = [{"id": "input", "type": "Input"}]
        self.edges: list[list[str]] = []
        self.tip = "input"

    def add(self, kind: str, params: dict | None = None, shape: tuple[int, ...] | None = None) -> str:
        node_id = f"n{len(self.nodes)}"
        self.nodes.append({"id": node_id, "type": kind, "params": params or {}})
        self.edges.append([self.tip, node_id])
        self.tip = node_id
        if shape is not None:
            self.shape = shape
        return node_id

    def residual(self, body) -> None:
        """body() adds shape-preserving layers; then Add(tip_before, tip_after)."""
        start = self.tip
        body()
        end = self.tip
        node_id = f"n{len(self.nodes)}"
        self.nodes.append({"id": node_id, "type": "Add", "params": {}})
        self.edges += [[end, node_id], [start, node_id]]
        self.tip = node_id

    def activation(self) -> None:
        self.add(self.draw(st.sampled_from(ACTIVATIONS)))

    def image_layer(self) -> None:
        channels, height, width = self.shape
        choice = self.draw(st.sampled_from(["conv", "conv", "pool", "bn", "act", "drop", "convT", "res", "dw"]))
        if choice == "conv":
            kernel = self.draw(st.integers(1, 3))
            padding = self.draw(st.integers(0, kernel // 2 + 1))
            stride = self.draw(st.integers(1, 2))
            if kernel > min(height, width) + 2 * padding:
                return
            out = self.draw(st.integers(1, 6))
            size = lambda n: (n + 2 * padding - kernel) // stride + 1  # noqa: E731
            self.add(
                "Conv2d",
                {"out_channels": out, "kernel_size": kernel, "padding": padding, "stride": stride},
                (out, size(height), size(width)),
            )
        elif choice == "dw":
            self.add("Conv2d", {"out_channels": channels, "kernel_size": 1, "groups": channels})
        elif choice == "pool" and min(height, width) >= 2:
            kind = self.draw(st.sampled_from(["MaxPool2d", "AvgPool2d"]))
            self.add(kind, {"kernel_size": 2}, (channels, height // 2, width // 2))
        elif choice == "bn":
            self.add("BatchNorm2d")
        elif choice == "act":
            self.activation()
        elif choice == "drop":
            self.add("Dropout2d", {"p": 0.1})
        elif choice == "convT" and max(height, width) <= 16:
            out = self.draw(st.integers(1, 4))
            self.add(
                "ConvTranspose2d", {"out_channels": out, "kernel_size": 2, "stride": 2}, (out, height * 2, width * 2)
            )
        elif choice == "res":
            self.residual(
                lambda: (
                    self.add("Conv2d", {"out_channels": channels, "kernel_size": 3, "padding": 1}),
                    self.add("BatchNorm2d"),
                    self.activation(),
                )
            )

    def sequence_layer(self) -> None:
        steps, features = self.shape
        choice = self.draw(st.sampled_from(["rnn", "linear", "attn", "encoder", "norm", "pos", "act", "conv1d"]))
        if choice == "rnn":
            kind = self.draw(st.sampled_from(["RNN", "LSTM", "GRU"]))
            hidden = self.draw(st.integers(1, 8))
            both = self.draw(st.booleans())
            self.add(kind, {"hidden_size": hidden, "bidirectional": both}, (steps, hidden * (2 if both else 1)))
        elif choice == "linear":
            out = self.draw(st.sampled_from([2, 4, 6, 8]))
            self.add("Linear", {"out_features": out}, (steps, out))
        elif choice == "attn" and features % 2 == 0:
            self.add("MultiheadAttention", {"num_heads": 2})
        elif choice == "encoder" and features % 2 == 0:
            self.add("TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 8, "dropout": 0.0})
        elif choice == "norm":
            self.add("LayerNorm")
        elif choice == "pos" and features % 2 == 0:
            self.add("PositionalEncoding")
        elif choice == "act":
            self.activation()

    def feature_layer(self) -> None:
        (features,) = self.shape
        choice = self.draw(st.sampled_from(["linear", "linear", "act", "bn", "ln", "drop", "res", "concat"]))
        if choice == "linear":
            out = self.draw(st.integers(1, 12))
            self.add("Linear", {"out_features": out}, (out,))
        elif choice == "act":
            self.activation()
        elif choice == "bn":
            self.add("BatchNorm1d")
        elif choice == "ln":
            self.add("LayerNorm")
        elif choice == "drop":
            self.add("Dropout", {"p": 0.2})
        elif choice == "res":
            self.residual(lambda: (self.add("Linear", {"out_features": features}), self.activation()))
        elif choice == "concat":
            start = self.tip
            out = self.draw(st.integers(1, 5))
            branch = self.add("Linear", {"out_features": out})
            node_id = f"n{len(self.nodes)}"
            self.nodes.append({"id": node_id, "type": "Concat", "params": {"dim": 1}})
            self.edges += [[start, node_id], [branch, node_id]]
            self.tip = node_id
            self.shape = (features + out,)


FACTS = {
    "digits": SimpleNamespace(
        task="classification",
        modality="image",
        input_shape=(1, 8, 8),
        input_dtype="float32",
        num_classes=10,
        target_dim=None,
        vocab_size=None,
    ),
    "sine": SimpleNamespace(
        task="regression",
        modality="sequence",
        input_shape=(12, 1),
        input_dtype="float32",
        num_classes=None,
        target_dim=1,
        vocab_size=None,
    ),
    "majority": SimpleNamespace(
        task="classification",
        modality="tokens",
        input_shape=(10,),
        input_dtype="int64",
        num_classes=6,
        target_dim=None,
        vocab_size=6,
    ),
    "iris": SimpleNamespace(
        task="classification",
        modality="features",
        input_shape=(4,),
        input_dtype="float32",
        num_classes=3,
        target_dim=None,
        vocab_size=None,
    ),
}


@st.composite
def valid_graphs(draw):
    dataset = draw(st.sampled_from(sorted(FACTS)))
    facts = FACTS[dataset]
    graph = GraphDraw(draw, tuple(facts.input_shape))
    if dataset == "digits":
        for _ in range(draw(st.integers(0, 5))):
            graph.image_layer()
        graph.add("Flatten", shape=(graph.shape[0] * graph.shape[1] * graph.shape[2],))
    elif dataset in ("sine", "majority"):
        if dataset == "majority":
            graph.add("Embedding", {"embedding_dim": draw(st.sampled_from([4, 6]))}, (facts.input_shape[0], 4))
            graph.shape = (facts.input_shape[0], graph.nodes[-1]["params"]["embedding_dim"])
        for _ in range(draw(st.integers(0, 4))):
            graph.sequence_layer()
        graph.add("SequencePool", {"mode": draw(st.sampled_from(["last", "mean", "max"]))}, (graph.shape[1],))
    for _ in range(draw(st.integers(0, 4))):
        graph.feature_layer()
    outputs = facts.num_classes or facts.target_dim
    graph.add("Linear", {"out_features": outputs}, (outputs,))
    loss = "MSELoss" if facts.task == "regression" else "CrossEntropyLoss"
    return dataset, graph, document(graph.nodes, graph.edges, dataset=dataset, loss=loss)


@given(valid_graphs())
def test_random_valid_graphs_build_and_run_with_inferred_shapes(case):
    dataset, graph, doc = case
    facts = FACTS[dataset]
    experiment = experiment_from_dict(doc)
    report = check_experiment(experiment, facts)
    assert report.valid, [str(e) for e in report.errors]
    model = build_model(experiment, facts, report)
    seen: dict[str, tuple[int, ...]] = {}
    for node_id, _, module in model.layers():
        module.register_forward_hook(
            lambda _m, _i, out, node_id=node_id: seen.__setitem__(
                node_id, tuple((out[0] if isinstance(out, tuple) else out).shape)
            )
        )
    if facts.input_dtype == "int64":
        x = torch.randint(0, facts.vocab_size, (3, *facts.input_shape))
    else:
        x = torch.randn(3, *facts.input_shape)
    model.eval()
    with torch.no_grad():
        out = model(x)
    assert tuple(out.shape) == (3, *report.output_shape().shape)
    for node_id, shape in seen.items():
        assert shape == (3, *report.nodes[node_id].output.shape), node_id
    assert sum(p.numel() for p in model.parameters()) == report.total_params


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


@st.composite
def broken_documents(draw):
    base = copy.deepcopy(draw(st.sampled_from([xor_document(), resnet_block_document()])))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(base) if p]
        path = draw(st.sampled_from(paths))
        parent = base
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON_VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(JSON_VALUES)
        else:
            parent.append(draw(JSON_VALUES))
    return base


@given(broken_documents())
def test_random_broken_documents_raise_only_experiment_errors(doc):
    try:
        experiment = experiment_from_dict(json.loads(json.dumps(doc)))
    except ExperimentError as exc:
        assert exc.problems and all(problem.message for problem in exc.problems)
        return
    # Still a valid file: checking its graph never raises either.
    facts = (
        FACTS["digits"]
        if experiment.data.dataset == "digits"
        else SimpleNamespace(
            task="classification",
            modality="points",
            input_shape=(2,),
            input_dtype="float32",
            num_classes=2,
            target_dim=None,
            vocab_size=None,
        )
    )
    check_experiment(experiment, facts)
