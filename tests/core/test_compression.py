"""The Compression Lab's engine on small trained models: pruning zeroes exactly the share asked for
(unstructured: round(s·n) of the targeted weights; structured: whole rows and filters), fine-tuning
trains for real and keeps pruned weights at zero, dynamic INT8 agrees with the float model and is
smaller, and the export holds the zeros."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file

from playground.core.compression import (
    CompressionLab,
    PruningError,
    QuantizationError,
    count_parameters,
    prunable_layers,
    prune_model,
)
from playground.core.compression.prune import make_permanent
from playground.core.errors import PlaygroundError
from playground.core.experiment.io import experiment_from_dict
from playground.core.export.weights import load_weights, sidecar_path
from playground.core.training.engine import Trainer, TrainerOptions
from tests.core.factories import chain

# Dynamic INT8 on a small digits MLP: how close the quantised model must stay to the float one.
MIN_SAME_PREDICTION = 0.98  # share of test samples with the same argmax
MAX_LOGIT_DIFFERENCE = 0.5  # largest absolute difference of one logit (logits here span about ±20)


@pytest.fixture(scope="module", autouse=True)
def one_thread_for_the_module():
    """Tiny models train fastest on one thread (see tests/core/conftest.py's one_torch_thread)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _trained(document: dict, epochs: int = 3) -> tuple[object, Trainer]:
    document["training"].update(epochs=epochs, device="cpu", batch_size=32)
    experiment = experiment_from_dict(document)
    trainer = Trainer(experiment, options=TrainerOptions(diagnostics=False))
    summary = trainer.run()
    return summary, trainer


def _lab(trainer: Trainer) -> CompressionLab:
    return CompressionLab(trainer.experiment, trainer.model.state_dict(), dataset=trainer.dataset)


@pytest.fixture(scope="module")
def mlp():
    """A digits MLP (64 → 64 → 10) trained 3 epochs, its run's summary and its lab."""
    summary, trainer = _trained(
        chain(
            ("flatten", "Flatten", {}),
            ("hidden", "Linear", {"out_features": 64}),
            ("act", "ReLU", {}),
            ("logits", "Linear", {"out_features": 10}),
            dataset="digits",
        )
    )
    return summary, _lab(trainer)


@pytest.fixture(scope="module")
def cnn():
    """A digits CNN (8 filters 3×3, pooling, a Linear head) trained 2 epochs, and its lab."""
    summary, trainer = _trained(
        chain(
            ("conv", "Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}),
            ("relu", "ReLU", {}),
            ("pool", "MaxPool2d", {"kernel_size": 2}),
            ("flatten", "Flatten", {}),
            ("logits", "Linear", {"out_features": 10}),
            dataset="digits",
        ),
        epochs=2,
    )
    return summary, _lab(trainer)


def _targeted_weights(weights: dict[str, torch.Tensor], names: list[str]) -> torch.Tensor:
    return torch.cat([weights[f"{name}.weight"].reshape(-1) for name in names])


def test_the_unpruned_model_scores_what_the_training_reported(mlp):
    summary, lab = mlp
    original = lab.original()
    assert lab.split == "test" and lab.metric_name == "accuracy"
    assert original.evaluation.accuracy == pytest.approx(summary.test_accuracy, abs=1e-12)
    assert original.evaluation.loss == pytest.approx(summary.test_loss, rel=1e-6)
    assert original.parameters.total == 64 * 64 + 64 + 64 * 10 + 10
    assert original.size_bytes > 4 * original.parameters.total  # float32 weights, plus the file's framing


@pytest.mark.parametrize("share", [0.5, 0.8, 0.9])
def test_unstructured_pruning_zeroes_exactly_round_s_n_of_the_targeted_weights(mlp, share):
    _summary, lab = mlp
    result = lab.prune("unstructured", share)
    names = [layer.name for layer in lab.targets("unstructured")]
    assert names == ["hidden", "logits"]  # every Linear: the smallest weights of all of them together
    state = lab.weights(result)
    weights = _targeted_weights(state, names)
    n = weights.numel()
    assert int((weights == 0).sum()) == round(share * n) == result.pruning.zeroed
    assert result.pruning.targeted == n
    original = lab.weights(lab.original())
    kept = weights != 0
    assert torch.equal(weights[kept], _targeted_weights(original, names)[kept])  # the rest untouched
    assert torch.equal(state["hidden.bias"], original["hidden.bias"])  # biases are not targeted
    assert result.parameters.nonzero == result.parameters.total - round(share * n)
    print(
        f"unstructured {share:.0%}: accuracy {result.evaluation.accuracy:.3f} (unpruned {lab.original().evaluation.accuracy:.3f})"
    )


@pytest.mark.parametrize("share", [0.25, 0.5, 0.75])
def test_structured_pruning_zeroes_whole_units_and_spares_the_output_layer(mlp, share):
    _summary, lab = mlp
    result = lab.prune("structured", share)
    assert [layer.name for layer in lab.targets("structured")] == ["hidden"]  # logits: the outputs
    state = lab.weights(result)
    rows = state["hidden.weight"]
    dead = (rows == 0).all(dim=1)
    assert int(dead.sum()) == round(share * 64)
    assert not (rows[~dead] == 0).any()  # the other units keep every weight
    assert (state["hidden.bias"][dead] == 0).all()  # a removed unit is silent, not a constant
    assert torch.equal(state["logits.weight"], lab.weights(lab.original())["logits.weight"])
    assert result.pruning.layers[0].units_removed == round(share * 64)


def test_structured_pruning_of_a_cnn_removes_whole_filters(cnn):
    _summary, lab = cnn
    result = lab.prune("structured", 0.5)
    state = lab.weights(result)
    filters = state["conv.weight"]  # (8, 1, 3, 3)
    dead = (filters.reshape(8, -1) == 0).all(dim=1)
    assert int(dead.sum()) == 4
    assert (state["conv.bias"][dead] == 0).all()
    unstructured = lab.prune("unstructured", 0.9)
    n = sum(layer.weights for layer in lab.targets("unstructured"))
    assert unstructured.pruning.zeroed == round(0.9 * n)
    print(
        f"cnn: structured 50 % accuracy {result.evaluation.accuracy:.3f}, unstructured 90 % {unstructured.evaluation.accuracy:.3f}, unpruned {lab.original().evaluation.accuracy:.3f}"
    )


def test_fine_tuning_trains_and_keeps_the_pruned_weights_zero(mlp):
    _summary, lab = mlp
    pruned = lab.prune("unstructured", 0.8)
    tuned = lab.fine_tune("unstructured", 0.8, epochs=1)
    assert tuned.kind == "fine-tuned" and tuned.fine_tune_epochs == 1
    pruned_state, tuned_state = lab.weights(pruned), lab.weights(tuned)
    for name in ("hidden.weight", "logits.weight"):
        zero_before = pruned_state[name] == 0
        after = tuned_state[name]
        assert (after[zero_before] == 0).all()  # the masks held through every optimizer step
        assert not torch.equal(after[~zero_before], pruned_state[name][~zero_before])  # it really trained
    assert tuned.pruning.zeroed >= pruned.pruning.zeroed
    assert pruned.weights is None and tuned.weights is not None  # a pruned row's weights are made again on demand
    assert set(tuned_state) == set(lab.weights(lab.original()))  # plain weights again: loadable by the app's model
    print(f"fine-tuned 80 %: accuracy {pruned.evaluation.accuracy:.3f} → {tuned.evaluation.accuracy:.3f}")


def test_dynamic_int8_agrees_with_the_float_model_and_is_smaller(mlp):
    _summary, lab = mlp
    comparison = lab.quantize()
    after = comparison.after
    assert comparison.plan.layers == ("hidden", "logits")
    assert after.kind == "quantized" and not after.exportable
    agreement = after.agreement
    assert agreement.same_prediction >= MIN_SAME_PREDICTION
    assert agreement.max_abs_difference <= MAX_LOGIT_DIFFERENCE
    assert after.size_bytes < comparison.before.size_bytes
    assert 0.5 < comparison.size_reduction < 0.9  # INT8 weights are a quarter of float32 ones, plus scales
    assert abs(after.evaluation.accuracy - comparison.before.evaluation.accuracy) <= 1 - MIN_SAME_PREDICTION
    assert after.parameters.total == comparison.before.parameters.total
    print(
        f"INT8: size {comparison.before.size_bytes} → {after.size_bytes} bytes ({comparison.size_reduction:.1%} smaller), accuracy {comparison.before.evaluation.accuracy:.3f} → {after.evaluation.accuracy:.3f}, {agreement.same_prediction:.1%} same argmax, "
        f"max |Δlogit| {agreement.max_abs_difference:.4f}, time per batch {comparison.before.timing.seconds:.3g} → {after.timing.seconds:.3g} s"
    )


def test_a_model_without_linear_or_recurrent_layers_is_told_what_quantisation_covers():
    _summary, trainer = _trained(
        chain(("conv", "Conv2d", {"out_channels": 10, "kernel_size": 8}), ("flatten", "Flatten", {}), dataset="digits"),
        epochs=1,
    )
    lab = _lab(trainer)
    assert lab.plan.layers == ()
    with pytest.raises(QuantizationError) as raised:
        lab.quantize()
    message = str(raised.value)
    assert "Linear, LSTM, GRU" in message and "Conv2d" in message
    with pytest.raises(PruningError, match="output layer"):  # its one Conv2d is the output layer
        lab.prune("structured", 0.5)
    assert lab.prune("unstructured", 0.5).pruning.zeroed == round(0.5 * 10 * 64)


def test_export_writes_safetensors_whose_tensors_hold_the_zeros(mlp, tmp_path):
    _summary, lab = mlp
    result = lab.prune("unstructured", 0.9)
    path = tmp_path / "pruned.safetensors"
    lab.export(result, path)
    tensors = load_file(str(path))
    assert set(tensors) == set(lab.weights(result))
    zeros = sum(int((tensors[f"{name}.weight"] == 0).sum()) for name in ("hidden", "logits"))
    assert zeros == result.pruning.zeroed
    loaded, experiment = load_weights(path)  # the app's loader: tensors and the experiment they fit
    assert experiment is not None and experiment.model == lab.experiment.model
    assert torch.equal(loaded["hidden.weight"], lab.weights(result)["hidden.weight"])
    with pytest.raises(PlaygroundError):  # an INT8 row has no safetensors form
        lab.export(lab.quantize().after, tmp_path / "int8.safetensors")
    assert not (tmp_path / "int8.safetensors").exists()


def test_export_never_replaces_a_file_the_user_did_not_name(mlp, tmp_path):
    _summary, lab = mlp
    foreign = sidecar_path(tmp_path / "notes.safetensors")
    foreign.write_text(json.dumps({"mine": True}), encoding="utf-8")
    with pytest.raises(PlaygroundError):
        lab.export(lab.prune("unstructured", 0.5), tmp_path / "notes.safetensors")
    assert json.loads(foreign.read_text(encoding="utf-8")) == {"mine": True}


def test_prune_model_keeps_masks_until_made_permanent_and_checks_the_share(mlp):
    _summary, lab = mlp
    model, outcome = lab.pruned_model("unstructured", 0.5)
    assert hasattr(model.hidden, "weight_mask")  # torch's mask: a training step cannot revive a weight
    assert count_parameters(model).nonzero == lab.original().parameters.total - outcome.zeroed
    make_permanent(model)
    assert not hasattr(model.hidden, "weight_mask") and "hidden.weight" in model.state_dict()
    with pytest.raises(PruningError):
        prune_model(model, "unstructured", 1.0, prunable_layers(model))
    with pytest.raises(PruningError):
        lab.prune("unstructured", -0.1)


def test_a_regression_model_is_measured_by_r2():
    _summary, trainer = _trained(
        chain(
            ("hidden", "Linear", {"out_features": 16}),
            ("act", "Tanh", {}),
            ("out", "Linear", {"out_features": 1}),
            dataset="plane",
            loss="MSELoss",
        ),
        epochs=2,
    )
    lab = _lab(trainer)
    assert lab.metric_name == "r2"
    original = lab.original()
    assert original.metric("r2") == original.evaluation.r2 is not None and original.evaluation.mae is not None
    quantized = lab.quantize().after
    assert quantized.agreement.same_prediction is None  # nothing to compare by class
    assert quantized.agreement.max_abs_difference < 0.1


def test_an_lstm_is_pruned_in_its_weight_matrices_and_stays_pruned_through_fine_tuning():
    _summary, trainer = _trained(
        chain(
            ("lstm", "LSTM", {"hidden_size": 8}),
            ("last", "SequencePool", {"mode": "last"}),
            ("out", "Linear", {"out_features": 1}),
            dataset="sine",
            data_params={"samples": 300, "window": 10},
            loss="MSELoss",
        ),
        epochs=1,
    )
    lab = _lab(trainer)
    (lstm, head) = lab.targets("unstructured")
    assert lstm.parameters == ("weight_ih_l0", "weight_hh_l0") and head.name == "out"
    names = [f"lstm.{name}" for name in lstm.parameters] + ["out.weight"]
    pruned = lab.prune("unstructured", 0.5)
    n = lstm.weights + head.weights
    pruned_state = lab.weights(pruned)
    assert sum(int((pruned_state[name] == 0).sum()) for name in names) == round(0.5 * n)
    tuned = lab.fine_tune("unstructured", 0.5, epochs=1)
    tuned_state = lab.weights(tuned)
    for name in names:
        assert (tuned_state[name][pruned_state[name] == 0] == 0).all()
    with pytest.raises(PruningError, match="output layer"):  # an LSTM has no units pruning removes; out is the output
        lab.prune("structured", 0.5)
    assert lab.quantize().plan.layers == ("lstm", "out")
