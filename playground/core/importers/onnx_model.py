"""An ONNX file turned into an experiment whose graph the editor can change, with its weights.

The file is read with ``onnx`` (the optional `onnx` extra), never executed. Its one input and
one output become the graph's Input node and its last layer; every operator between them is read
by `onnx_graph.READERS`. When any operator has no layer here, the whole file is refused with the
list of those operators (`OnnxRefused`): nothing is half-imported. The weights come back keyed
by the built model's state-dict names and are checked by building the model and loading them.

The experiment trains on the first bundled dataset whose samples have the model's input shape
(and, where one does, as many classes or targets as the model has outputs); the weights are
saved beside it by the caller and named in ``model.weights``, so a run starts from them.
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from playground.core.catalogue import LAYERS
from playground.core.errors import PlaygroundError
from playground.core.experiment.io import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import Experiment
from playground.core.i18n import _
from playground.core.importers.onnx_graph import Activation, GraphReader, Layer, Unsupported
from playground.core.importers.onnx_modules import module_groups, module_name, read_group
from playground.core.importers.onnx_recurrent import READERS

EXTRA_HINT = 'pip install "nn-playground[onnx]"'
MAX_ONNX_BYTES = 512 * 1024 * 1024  # far beyond a model a learner reads on the canvas
MAX_LAYERS = 500
VERIFY_BATCH = 4
VERIFY_TOLERANCE = 1e-4  # float32 rounding in a deep model stays far below this; a misread layer does not
_IMPORTED_MARK = "<checked>"  # where the description says how closely the graph matched the file
_ONNX_TO_DTYPE = {1: "float32", 7: "int64", 6: "int64"}  # TensorProto FLOAT, INT64, INT32


class OnnxRefused(PlaygroundError):
    """The file cannot become a graph; `unsupported` names the operators that have no layer here."""

    def __init__(self, message: str, unsupported: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.unsupported = unsupported


@dataclass(frozen=True)
class OnnxFacts:
    """What the builder needs to know of the data, read from the model's own input and output."""

    task: str
    input_shape: tuple[int, ...]
    input_dtype: str
    num_classes: int | None
    target_dim: int | None
    vocab_size: int | None


@dataclass(frozen=True)
class ImportedModel:
    """The experiment, its weights (by state-dict name) and notes on what the import decided."""

    experiment: Experiment
    weights: dict[str, torch.Tensor]
    facts: OnnxFacts
    notes: tuple[str, ...]
    difference: float  # the largest difference between the file's outputs and the graph's, on a test batch

    @property
    def parameter_count(self) -> int:
        """Trainable numbers (a batch norm's running statistics are not counted)."""
        buffers = ("running_mean", "running_var", "num_batches_tracked")
        return sum(int(value.numel()) for key, value in self.weights.items() if not key.endswith(buffers))


def require_onnx() -> None:
    if importlib.util.find_spec("onnx") is None:
        raise OnnxRefused(
            _("ONNX import needs the onnx package, which is not installed: {hint}").format(hint=EXTRA_HINT)
        )


def _load(path: Path) -> Any:
    import onnx  # lazy: the `onnx` extra

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise OnnxRefused(_("cannot import {path}: file not found").format(path=path)) from None
    except OSError as exc:
        raise OnnxRefused(_("cannot import {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    if size > MAX_ONNX_BYTES:
        raise OnnxRefused(
            _("cannot import {path}: the file is {size} MB, more than a model the canvas can show").format(
                path=path, size=size // (1024 * 1024)
            )
        )
    try:
        model = onnx.load(str(path), load_external_data=True)
        onnx.checker.check_model(model)
    except Exception as exc:  # noqa: BLE001 - protobuf and the checker raise many kinds
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OnnxRefused(
            _("cannot import {path}: it is not a valid ONNX model ({reason})").format(path=path, reason=reason[:300])
        ) from None
    try:
        return onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception:  # noqa: BLE001 - shape inference is a help, not a requirement
        return model


def _full_shapes(model: Any) -> dict[str, tuple[int | None, ...]]:
    """Every tensor's shape from ONNX shape inference (None: a size only known at run time, the batch's)."""
    shapes: dict[str, tuple[int | None, ...]] = {}
    for info in (*model.graph.value_info, *model.graph.input, *model.graph.output):
        tensor = info.type.tensor_type
        if not tensor.HasField("shape") or not tensor.shape.dim:
            continue
        shapes[info.name] = tuple(dim.dim_value if dim.HasField("dim_value") else None for dim in tensor.shape.dim)
    return shapes


def _graph_io(model: Any, path: Path) -> tuple[Any, Any]:
    initializers = {tensor.name for tensor in model.graph.initializer}
    inputs = [value for value in model.graph.input if value.name not in initializers]
    if len(inputs) != 1 or len(model.graph.output) != 1:
        raise OnnxRefused(
            _(
                "cannot import {path}: the playground reads models of one input and one output (this one has {inputs} and {outputs})"
            ).format(path=path, inputs=len(inputs), outputs=len(model.graph.output))
        )
    return inputs[0], model.graph.output[0]


def _input_facts(value: Any, path: Path) -> tuple[tuple[int, ...], str]:
    tensor = value.type.tensor_type
    dims = [dim.dim_value if dim.HasField("dim_value") else None for dim in tensor.shape.dim]
    dtype = _ONNX_TO_DTYPE.get(tensor.elem_type)
    if dtype is None or len(dims) < 2 or any(dim is None or dim <= 0 for dim in dims[1:]):
        raise OnnxRefused(
            _(
                "cannot import {path}: its input {name} must be float or integer, with a batch axis first and fixed sizes after it"
            ).format(path=path, name=value.name)
        )
    return tuple(int(dim) for dim in dims[1:] if dim is not None), dtype


def read_layers(model: Any, input_name: str, input_shape: tuple[int, ...]) -> GraphReader:
    """Walk the graph; raise OnnxRefused listing every operator without a layer."""
    import onnx  # lazy: the `onnx` extra

    full = _full_shapes(model)
    reader = GraphReader({name: dims[1:] for name, dims in full.items()}, full)  # shapes: per sample
    reader.shapes.setdefault(input_name, input_shape)
    reader.full.setdefault(input_name, (None, *input_shape))
    input_layer = Layer("input", "Input", {}, [])
    reader.layers.append(input_layer)
    reader.values[input_name] = Activation(input_layer.id, reader.shapes.get(input_name))
    for tensor in model.graph.initializer:
        reader.values[tensor.name] = onnx.numpy_helper.to_array(tensor)
    for node in model.graph.node:
        for name in node.input:
            reader.consumers[name] = reader.consumers.get(name, 0) + 1
    nodes = list(model.graph.node)
    groups = module_groups(nodes)
    outputs = {value.name for value in model.graph.output}
    for index, node in enumerate(nodes):
        group = groups.get(index)
        if group is not None:
            if node.op_type == "Constant":  # shared with other nodes (common constants are merged)
                READERS["Constant"](reader, node)
            if index == group.last:  # every input of the module's nodes is known by now
                reader.hint = None
                try:
                    read_group(reader, group, nodes, outputs)
                except Unsupported as exc:
                    reader.unsupported[exc.label] = reader.unsupported.get(exc.label, 0) + 1
            continue
        read = READERS.get(node.op_type) if node.domain in ("", "ai.onnx") else None
        reader.hint = module_name(node)
        if read is not None and any(name and name not in reader.values for name in node.input):
            continue  # fed by an operator already listed: that one is the cause
        try:
            if read is None:
                raise Unsupported(node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}::{node.op_type}")
            read(reader, node)
        except Unsupported as exc:
            reader.unsupported[exc.label] = reader.unsupported.get(exc.label, 0) + 1
    return reader


def _refusal(path: Path, unsupported: dict[str, int]) -> OnnxRefused:
    labels = sorted(unsupported)
    listed = ", ".join(f"{label} ×{unsupported[label]}" if unsupported[label] > 1 else label for label in labels)
    return OnnxRefused(
        _(
            "cannot import {path}: these operators have no layer in the playground: {operators}. "
            "Nothing was imported; export the model without them (or build those parts from the palette)."
        ).format(path=path, operators=listed),
        tuple(labels),
    )


def _output_layer(reader: GraphReader, output_name: str, path: Path) -> Layer:
    value = reader.values.get(output_name)
    if not isinstance(value, Activation) or value.axes is not None or value.layer == "input":
        raise OnnxRefused(_("cannot import {path}: its output is not computed by any layer").format(path=path))
    return reader.layer(value.layer)


def _reachable(reader: GraphReader, output: Layer) -> list[Layer]:
    """The layers the output depends on, in the file's order (dead branches are dropped)."""
    needed = {output.id}
    for layer in reversed(reader.layers):
        if layer.id in needed:
            needed.update(layer.inputs)
    return [layer for layer in reader.layers if layer.id in needed]


def _output_facts(
    shape: tuple[int | None, ...], input_shape: tuple[int, ...], dtype: str, vocab: int | None
) -> OnnxFacts:
    """The task and sizes the model's output (of per-sample `shape`) implies."""
    width = int(shape[-1]) if shape and shape[-1] else None
    classification = len(shape) == 1 and width is not None and width >= 2
    return OnnxFacts(
        task="classification" if classification else "regression",
        input_shape=input_shape,
        input_dtype=dtype,
        num_classes=width if classification else None,
        target_dim=None if classification else (math.prod(int(d or 1) for d in shape) if shape else 1),
        vocab_size=vocab,
    )


def _choose_dataset(facts: OnnxFacts) -> tuple[str, str | None]:
    """The first bundled dataset that fits the model (and a note when none fits it fully)."""
    from playground.core.data.catalogue import DATASET_TYPES
    from playground.core.data.loading import describe_dataset
    from playground.core.experiment.schema import DataSpec

    same_input: str | None = None
    for name in DATASET_TYPES:
        try:
            info = describe_dataset(DataSpec(dataset=name))
        except PlaygroundError:
            continue  # a dataset that needs the user's file
        if tuple(info.input_shape) != facts.input_shape or info.input_dtype != facts.input_dtype:
            continue
        outputs_fit = (info.task == facts.task == "classification" and info.num_classes == facts.num_classes) or (
            info.task == "regression" and info.target_dim == _width(facts)
        )
        vocab_fits = facts.vocab_size is None or (info.vocab_size or 0) <= facts.vocab_size
        if outputs_fit and vocab_fits:
            return name, None
        same_input = same_input or name
    shape = "(" + ", ".join(["N", *map(str, facts.input_shape)]) + ")"
    if same_input is not None:
        return same_input, _(
            "no bundled dataset has samples of shape {shape} and {outputs} outputs; the experiment uses {dataset}: "
            "change the last layer or choose your own data"
        ).format(shape=shape, outputs=_width(facts), dataset=same_input)
    return "npz", _(
        "no bundled dataset has samples of shape {shape}: choose a NumPy .npz file with samples of that shape in the Data tab"
    ).format(shape=shape)


def _width(facts: OnnxFacts) -> int | None:
    return facts.num_classes if facts.task == "classification" else facts.target_dim


def _experiment(path: Path, layers: list[Layer], facts: OnnxFacts, dataset: str, notes: list[str]) -> Experiment:
    from playground.core.presets import empty_experiment

    document = experiment_to_dict(empty_experiment())
    document["name"] = _("{name} (imported)").format(name=path.stem)[:120]
    lines = [_("Imported from the ONNX file {file}.").format(file=path.name) + " " + _IMPORTED_MARK]
    lines += [f"- {note}" for note in notes]
    document["description"] = "\n\n".join([f"# {document['name']}", "\n".join(lines)])
    document["data"] = {**document["data"], "dataset": dataset, "params": {}}
    document["model"] = {
        "nodes": [
            {"id": layer.id, "type": layer.type, **({"params": layer.params} if layer.params else {})}
            for layer in layers
        ],
        "edges": [[source, layer.id] for layer in layers for source in layer.inputs],
    }
    document["training"]["loss"] = {
        "type": "CrossEntropyLoss" if facts.task == "classification" else "MSELoss",
        "params": {},
    }
    return experiment_from_dict(document, str(path))


def _params_fit_catalogue(layers: list[Layer]) -> None:
    """Drop parameters that equal the catalogue default, so the file stays as short as a hand-made one."""
    for layer in layers:
        if layer.type == "Input":
            continue
        defaults = {spec.name: spec.default for spec in LAYERS[layer.type].params}
        layer.params = {name: value for name, value in layer.params.items() if defaults.get(name, object()) != value}


def _weights(
    experiment: Experiment, facts: OnnxFacts, layers: list[Layer], path: Path
) -> tuple[dict[str, torch.Tensor], torch.nn.Module]:
    """The tensors by the built model's state-dict names, and the model holding them; refused when
    they do not fit it."""
    from playground.core.graph.builder import build_model
    from playground.core.graph.inference import check_experiment

    report = check_experiment(experiment, facts)
    if report.errors:
        first = report.errors[0]
        raise OnnxRefused(
            _("cannot import {path}: the graph it gives does not check out ({node}: {reason})").format(
                path=path, node=first.node, reason=first.message
            )
        )
    model = build_model(experiment, facts, report)
    expected = model.state_dict()
    given = {f"{layer.id}.{name}": value for layer in layers for name, value in layer.tensors.items()}
    weights: dict[str, torch.Tensor] = {}
    for key, tensor in expected.items():
        value = given.get(key)
        if value is None or tuple(value.shape) != tuple(tensor.shape):
            raise OnnxRefused(
                _("cannot import {path}: the weight {name} does not fit the layer it belongs to").format(
                    path=path, name=key
                )
            )
        weights[key] = torch.from_numpy(np.array(value, copy=True)).to(tensor.dtype)
    model.load_state_dict(weights)
    return weights, model


def _test_batch(facts: OnnxFacts) -> np.ndarray:
    generator = np.random.default_rng(0)
    shape = (VERIFY_BATCH, *facts.input_shape)
    if facts.input_dtype == "int64":
        return generator.integers(0, max(2, facts.vocab_size or 2), size=shape, dtype=np.int64)
    return generator.standard_normal(shape).astype(np.float32)


def _file_outputs(model: Any, batch: np.ndarray) -> np.ndarray:
    """The file's own output for `batch`: ONNX Runtime where installed, else ONNX's reference evaluator."""
    name = _graph_io(model, Path("model"))[0].name
    if importlib.util.find_spec("onnxruntime") is not None:
        import onnxruntime  # lazy: part of the `onnx` extra

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = 1
        session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        outputs: list[Any] = session.run(None, {name: batch})
        return np.asarray(outputs[0])
    from onnx.reference import ReferenceEvaluator

    results: list[Any] = list(ReferenceEvaluator(model).run(None, {name: batch}))
    return np.asarray(results[0])


def _verified(model: Any, built: torch.nn.Module, facts: OnnxFacts, path: Path) -> float:
    """Run the file and the built graph on one test batch; refuse the import when they disagree."""
    batch = _test_batch(facts)
    try:
        expected = _file_outputs(model, batch)
    except Exception as exc:  # noqa: BLE001 - the runtimes raise many kinds for a model they cannot run
        reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise OnnxRefused(
            _("cannot import {path}: ONNX Runtime cannot run it ({reason})").format(path=path, reason=reason)
        ) from None
    built.eval()
    with torch.no_grad():
        got = built(torch.from_numpy(batch)).numpy()
    if got.shape != expected.shape:
        raise OnnxRefused(
            _("cannot import {path}: the graph read from it gives outputs of shape {got}, the file {expected}").format(
                path=path, got=got.shape, expected=expected.shape
            )
        )
    difference = float(np.max(np.abs(got - expected))) if got.size else 0.0
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    if not np.isfinite(difference) or difference > VERIFY_TOLERANCE * max(1.0, scale):
        raise OnnxRefused(
            _(
                "cannot import {path}: the graph read from it does not compute what the file computes "
                "(outputs differ by up to {difference:.3g}); nothing was imported"
            ).format(path=path, difference=difference)
        )
    return difference


def import_onnx(path: str | os.PathLike[str]) -> ImportedModel:
    """Read `path` into an experiment and its weights, or raise OnnxRefused (nothing half-done)."""
    require_onnx()
    path = Path(path)
    model = _load(path)
    input_value, output_value = _graph_io(model, path)
    input_shape, dtype = _input_facts(input_value, path)
    reader = read_layers(model, input_value.name, input_shape)
    if reader.unsupported:
        raise _refusal(path, reader.unsupported)
    layers = _reachable(reader, _output_layer(reader, output_value.name, path))
    if len(layers) > MAX_LAYERS:
        raise OnnxRefused(
            _("cannot import {path}: it has {count} layers, more than the canvas shows ({limit})").format(
                path=path, count=len(layers), limit=MAX_LAYERS
            )
        )
    vocab = next((int(layer.tensors["weight"].shape[0]) for layer in layers if layer.type == "Embedding"), None)
    facts = _output_facts(reader.shapes.get(output_value.name) or (), input_shape, dtype, vocab)
    dataset, dataset_note = _choose_dataset(facts)
    notes = [dataset_note] if dataset_note else []
    if layers[-1].type == "Softmax" and facts.task == "classification":
        notes.append(_("the model ends in Softmax; CrossEntropyLoss expects raw scores, so delete it before training"))
    _params_fit_catalogue(layers)
    experiment = _experiment(path, layers, facts, dataset, notes)
    weights, built = _weights(experiment, facts, layers, path)
    difference = _verified(model, built, facts, path)
    checked = _(
        "Checked on import: on a test batch, this graph with the file's weights gives the file's outputs "
        "(largest difference {difference:.1e})."
    ).format(difference=difference)
    experiment.description = experiment.description.replace(_IMPORTED_MARK, checked)
    return ImportedModel(experiment, weights, facts, tuple(notes), difference)


def weights_file_for(experiment_path: str | os.PathLike[str]) -> Path:
    """``lenet.json`` → ``lenet.safetensors``: where an import keeps its weights, beside the experiment."""
    path = Path(experiment_path)
    return path.with_suffix(".safetensors") if path.suffix == ".json" else path.with_name(path.name + ".safetensors")


def with_weights_file(imported: ImportedModel, experiment_path: str | os.PathLike[str]) -> Experiment:
    """The imported experiment naming its weights file (beside `experiment_path`) as its starting weights."""
    document = experiment_to_dict(imported.experiment)
    document["model"]["weights"] = weights_file_for(experiment_path).name
    return experiment_from_dict(document, str(experiment_path))


def write_weights(imported: ImportedModel, experiment_path: str | os.PathLike[str]) -> Path:
    """Write the weights beside `experiment_path` (replacing only an earlier weights file of the app)."""
    from playground.core.export.weights import export_weights, is_weights_file  # lazy: torch-heavy exporters
    from playground.core.safe_files import refuse_foreign_file

    target = weights_file_for(experiment_path)
    refuse_foreign_file(target, is_weights_file, _("the imported model's weights"))
    export_weights(imported.weights, target, with_weights_file(imported, experiment_path))
    return target


def save_import(imported: ImportedModel, experiment_path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write the experiment to `experiment_path` and its weights beside it; (experiment, weights)."""
    from playground.core.experiment.io import save_experiment

    experiment = with_weights_file(imported, experiment_path)
    weights = write_weights(imported, experiment_path)
    save_experiment(experiment, experiment_path)
    return Path(experiment_path), weights
