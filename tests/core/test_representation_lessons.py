"""Representation learning: the autoencoder's data (the target is the input), the triplet loss
(triplets drawn inside each batch, seeded by the batch), the nearest-centroid accuracy of an
embedding, the task probe's reconstructions and codes, and the two lessons trained to their targets.

Measured with the presets' seeds (torch 2.13 CPU; the same figures with 1 and 2 threads):

- autoencoder_digits, 30 epochs: test MSE 0.2645 (drawing the mean training image: 0.523; the
  best linear 2-number code, PCA: 0.372), pooled test R² 0.49; a 5-nearest-neighbour vote among
  the training images' 2-D codes names 80.7 % of the test digits (chance 10 %, PCA's codes
  61.1 %). Variants: a code of 8 numbers 0.1278, the linear autoencoder (Identity activations)
  0.3728, where PCA is.
- triplet_embedding, 20 epochs: nearest-centroid test accuracy 0.889 (untrained 0.322; a
  centroid classifier fitted on the training embeddings gets 0.885 on the test images). Variants:
  an 8-D embedding 0.952, margin 0.2 0.852.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from playground.core.compare.race import variant_contenders
from playground.core.data import load_dataset
from playground.core.experiment import experiment_from_dict, experiment_to_dict, load_experiment
from playground.core.experiment.schema import DataSpec
from playground.core.export import export_python
from playground.core.graph import build_model, check_experiment
from playground.core.runs.inside import InsideProbe, tapped_forward
from playground.core.runs.probes import TaskProbe, bottleneck, plane_of
from playground.core.runs.records import ProbeRequest
from playground.core.training import Summary, Trainer, build_loss
from playground.core.training.losses import BatchTripletLoss, nearest_centroid_predictions
from playground.core.training.metrics import evaluate, predict
from tests.core.test_export import assert_matches_engine, engine_history, import_file

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PRESETS = Path(__file__).resolve().parents[2] / "presets"
CPU = torch.device("cpu")


def preset(stem: str):
    experiment = load_experiment(PRESETS / f"{stem}.json")
    experiment.training.device = "cpu"
    return experiment


def trained(experiment) -> tuple[Trainer, Summary]:
    trainer = Trainer(experiment)
    summary = trainer.run()
    assert summary.status == "completed", summary.message
    return trainer, summary


# ---- the autoencoder's data ---------------------------------------------------------------------


def test_the_autoencoder_data_has_each_input_as_its_target_and_keeps_the_digits():
    rebuilt = load_dataset(DataSpec(dataset="digits_autoencoder"))
    digits = load_dataset(DataSpec(dataset="digits"))
    info = rebuilt.info
    assert (info.task, info.modality, info.target_dim, info.target_is_input) == ("regression", "image", 64, True)
    assert info.label_names == tuple(str(d) for d in range(10)) and info.num_classes is None
    for split in ("train", "val", "test"):
        x, y = getattr(rebuilt, f"x_{split}"), getattr(rebuilt, f"y_{split}")
        assert y.dtype == torch.float32 and torch.equal(y, x.reshape(len(x), 64))  # exactly what the model is fed
        assert y.data_ptr() != x.data_ptr()  # a copy: nothing that changes one changes the other
        # the same split and standardisation as the digits, whose classes are kept as labels
        assert torch.equal(x, getattr(digits, f"x_{split}"))
        assert np.array_equal(rebuilt.labels(split), getattr(digits, f"y_{split}").numpy())
    assert not digits.info.target_is_input and digits.info.label_names == () and digits.labels_test is None
    mnist = load_dataset(DataSpec(dataset="mnist_autoencoder", params={"samples": 200}))
    assert mnist.info.target_dim == 784 and torch.equal(mnist.y_test, mnist.x_test.reshape(-1, 784))


def test_the_code_is_the_node_called_code_or_else_the_narrowest():
    experiment = preset("autoencoder_digits")
    info = load_dataset(experiment.data).info
    assert bottleneck(experiment, info) == ("code", 2)
    document = json.loads(json.dumps(experiment_to_dict(experiment)).replace('"code"', '"middle"'))
    document["model"]["nodes"].insert(5, {"id": "squash", "type": "Tanh"})  # after middle: 2 values too
    document["model"]["edges"] = [
        ["middle", "squash"] if e == ["middle", "dec"] else e for e in document["model"]["edges"]
    ]
    document["model"]["edges"].append(["squash", "dec"])
    renamed = experiment_from_dict(document)
    assert bottleneck(renamed, info) == ("squash", 2)  # no node called code: the narrowest, the later of equals


# ---- the triplet loss ---------------------------------------------------------------------------


def test_triplets_are_drawn_from_the_labels_and_repeat_with_their_seed():
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 1, 0])  # class 2 has one sample
    anchors, positives, negatives = BatchTripletLoss.sample_triplets(labels, torch.Generator().manual_seed(1))
    assert anchors.tolist() == [i for i in range(len(labels)) if i != 5]  # every sample with a partner
    assert bool((labels[positives] == labels[anchors]).all()) and bool((positives != anchors).all())
    assert bool((labels[negatives] != labels[anchors]).all())
    again = BatchTripletLoss.sample_triplets(labels, torch.Generator().manual_seed(1))
    other = BatchTripletLoss.sample_triplets(labels, torch.Generator().manual_seed(2))
    assert all(torch.equal(a, b) for a, b in zip((anchors, positives, negatives), again))
    assert not all(torch.equal(a, b) for a, b in zip((positives, negatives), other[1:]))
    seen_positive, seen_negative = set(), set()
    for seed in range(300):  # every other member of the class, and every sample of another, comes up
        _, p, n = BatchTripletLoss.sample_triplets(labels, torch.Generator().manual_seed(seed))
        seen_positive.add(int(p[0]))
        seen_negative.add(int(n[0]))
    assert seen_positive == {1, 2, 11} and seen_negative == {3, 4, 5, 6, 7, 8, 9, 10}


def test_the_triplet_loss_is_the_margin_loss_of_its_triplets_and_zero_without_one():
    loss = build_loss("TripletMarginLoss", {"margin": 0.5}, "classification", 4)
    torch.manual_seed(0)
    embeddings = torch.randn(16, 3, requires_grad=True)
    labels = torch.randint(0, 4, (16,))
    value = loss(embeddings, labels)
    module = loss.loss
    assert isinstance(module, BatchTripletLoss)
    generator = torch.Generator().manual_seed(module.batch_seed(embeddings, labels) % 2**62)
    a, p, n = BatchTripletLoss.sample_triplets(labels, generator)
    expected = F.triplet_margin_loss(embeddings[a], embeddings[p], embeddings[n], margin=0.5)
    assert torch.isfinite(value) and float(value.detach()) > 0 and torch.equal(value, expected)
    state = torch.get_rng_state()
    assert torch.equal(loss(embeddings, labels), value)  # seeded by the batch: the same triplets again
    assert torch.equal(torch.get_rng_state(), state)  # and the global random stream is left alone
    value.backward()
    assert embeddings.grad is not None and torch.isfinite(embeddings.grad).all()
    for no_triplet in (torch.zeros(16, dtype=torch.long), torch.arange(16)):  # one class; all different
        embeddings.grad = None
        zero = loss(embeddings, no_triplet)
        zero.backward()
        assert float(zero.detach()) == 0.0 and not torch.isnan(zero) and embeddings.grad is not None
        assert not embeddings.grad.any()
    single = loss(torch.randn(1, 3, requires_grad=True), torch.tensor([2]))
    assert float(single.detach()) == 0.0


def test_an_embedding_model_checks_with_any_width_but_a_classifier_still_needs_one_score_per_class():
    experiment = preset("triplet_embedding")
    info = load_dataset(experiment.data).info
    assert check_experiment(experiment, info).valid
    experiment.nodes_by_id()["embedding"].params["out_features"] = 8
    assert check_experiment(experiment, info).valid
    experiment.training.loss.type, experiment.training.loss.params = "CrossEntropyLoss", {}
    report = check_experiment(experiment, info)
    assert not report.valid and "10 classes" in str(report.errors[0])


def test_the_nearest_centroid_accuracy_leaves_each_sample_out_of_its_own_class():
    # class 0 at 0 and 1; class 1 at 5, 6 and 2.9; class 2 alone at 100 (on a line)
    x = torch.tensor([[0.0], [1.0], [5.0], [6.0], [2.9], [100.0]])
    y = torch.tensor([0, 0, 1, 1, 1, 2])
    # 2.9: its class's centre without it is 5.5 (2.6 away), class 0's is 0.5 (2.4): class 0. With
    # itself in, class 1's centre would be 4.63 (1.73 away): the accuracy would count it right.
    # 100 is alone in its class: it cannot be its own centroid, and goes to class 1.
    assert nearest_centroid_predictions(x, y).tolist() == [0, 0, 1, 1, 0, 1]
    loss = build_loss("TripletMarginLoss", {}, "classification", 3)
    metrics = evaluate(nn.Identity(), loss, x, y, CPU, with_confusion=True)
    assert metrics is not None and metrics.accuracy == pytest.approx(4 / 6)
    assert metrics.confusion is not None and metrics.confusion.tolist() == [[2, 0, 0], [1, 2, 0], [0, 1, 0]]
    with pytest.raises(ValueError, match="labels"):
        loss.predictions(x)  # no argmax of an embedding


def test_an_embedding_wider_than_two_is_drawn_on_its_principal_axes():
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(50, 2)) * [3.0, 1.0]
    rotation, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    codes = plane @ rotation[:2] + 5.0  # a flat cloud in 8-D, shifted
    drawn = plane_of(codes)
    assert drawn.shape == (50, 2)
    distances = np.linalg.norm(plane[:, None] - plane[None], axis=-1)
    assert np.allclose(np.linalg.norm(drawn[:, None] - drawn[None], axis=-1), distances)  # nothing lost
    assert np.array_equal(plane_of(plane), plane)  # a 2-D code as it is


# ---- the lessons --------------------------------------------------------------------------------


def codes_of(model: nn.Module, x: torch.Tensor, node: str = "code") -> np.ndarray:
    taken: list[torch.Tensor] = []
    forward = tapped_forward(model)
    model.eval()
    with torch.no_grad():
        forward(model, x, lambda name, value: taken.append(value) or value if name == node else value)
    return taken[0].numpy()


def knn_accuracy(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray, test_labels: np.ndarray) -> float:
    """A vote among the 5 nearest training points."""
    nearest = np.argsort(((test[:, None] - train[None]) ** 2).sum(-1), axis=1)[:, :5]
    votes = np.array([np.bincount(train_labels[row], minlength=10).argmax() for row in nearest])
    return float((votes == test_labels).mean())


def pca_error(dataset) -> float:
    """Test MSE of the best linear code of 2 numbers (fitted on the training images)."""
    train, test = dataset.y_train.numpy().astype(np.float64), dataset.y_test.numpy().astype(np.float64)
    mean = train.mean(axis=0)
    axes = np.linalg.svd(train - mean, full_matrices=False)[2][:2]
    rebuilt = (test - mean) @ axes.T @ axes + mean
    return float(((rebuilt - test) ** 2).mean())


@pytest.mark.slow
def test_the_autoencoder_rebuilds_digits_through_two_numbers_whose_codes_separate_the_digits():
    experiment = preset("autoencoder_digits")
    trainer, summary = trained(experiment)
    data = trainer.dataset
    mean_image = float(((data.y_test - data.y_train.mean(dim=0)) ** 2).mean())
    linear = pca_error(data)
    assert summary.test_loss < 0.30 < linear < mean_image  # measured 0.265 < 0.372 < 0.523
    assert summary.test_r2 == pytest.approx(1 - summary.test_loss / float(data.y_test.var(dim=0).sum() / 64), abs=0.01)
    # the digits were never shown to the network, yet its 2-number codes group them
    accuracy = knn_accuracy(
        codes_of(trainer.model, data.x_train),
        data.labels("train"),
        codes_of(trainer.model, data.x_test),
        data.labels("test"),
    )
    assert accuracy > 0.70  # measured 0.807; chance is 0.10

    probe = TaskProbe(data, CPU, experiment=experiment)
    setup = probe.setup()
    assert (setup.kind, setup.code_node, setup.code_units) == ("reconstruction", "code", 2)
    assert setup.images is not None and setup.images.shape == (10, 1, 8, 8)
    assert setup.labels is not None and setup.labels.tolist() == list(range(10))  # one of each digit
    assert setup.code_labels is not None and np.array_equal(setup.code_labels, data.labels("test"))
    prediction = probe.predict(trainer.model)
    assert prediction is not None and prediction.reconstructions is not None and prediction.codes is not None
    shown = torch.from_numpy(setup.images)
    assert np.allclose(prediction.reconstructions, predict(trainer.model, shown, CPU).reshape(10, 1, 8, 8))
    assert np.allclose(prediction.codes, codes_of(trainer.model, data.x_test), atol=1e-6)

    losses = {c.label: trained(c.experiment)[1].test_loss for c in variant_contenders(experiment)[1:]}
    assert losses["Code of 8 numbers"] < 0.16  # measured 0.128
    assert summary.test_loss < losses["Linear, like PCA"] == pytest.approx(linear, abs=0.01)  # measured 0.373


@pytest.mark.slow
def test_the_triplet_loss_learns_a_plane_where_digits_cluster():
    experiment = preset("triplet_embedding")
    trainer = Trainer(experiment)
    untrained = trainer.evaluate("test")
    summary = trainer.run()
    assert summary.status == "completed", summary.message
    assert untrained is not None and untrained.accuracy is not None and untrained.accuracy < 0.45  # measured 0.322
    assert summary.test_accuracy >= 0.85  # measured 0.889
    # the figure is a real classifier's: centroids fitted on the training embeddings agree
    data = trainer.dataset
    train, test = predict(trainer.model, data.x_train, CPU), predict(trainer.model, data.x_test, CPU)
    centres = torch.stack([train[data.y_train == digit].mean(dim=0) for digit in range(10)])
    fitted = float((torch.cdist(test, centres).argmin(dim=1) == data.y_test).double().mean())
    assert fitted == pytest.approx(summary.test_accuracy, abs=0.03)  # measured 0.885

    probe = TaskProbe(data, CPU, experiment=experiment)
    setup = probe.setup()
    assert (setup.kind, setup.code_node, setup.code_units) == ("embedding", "embedding", 2)
    prediction = probe.predict(trainer.model)
    assert prediction is not None and prediction.codes is not None
    assert np.allclose(prediction.codes, test.numpy(), atol=1e-6)
    assert setup.code_labels is not None and np.array_equal(setup.code_labels, data.y_test.numpy())

    accuracy = {c.label: trained(c.experiment)[1].test_accuracy for c in variant_contenders(experiment)[1:]}
    assert accuracy["8-D embedding"] >= 0.92  # measured 0.952
    assert accuracy["Margin 0.2"] < summary.test_accuracy  # measured 0.852


def test_the_exported_script_trains_the_triplet_embedding_as_the_app(tmp_path, monkeypatch, capsys):
    experiment = preset("triplet_embedding")
    experiment.training.epochs = 2
    path = tmp_path / "triplet.py"
    export_python(experiment, path)
    module = import_file(path, "exported_triplet_embedding")
    monkeypatch.setattr(sys, "argv", [str(path)])
    module.main()
    out = capsys.readouterr().out
    assert "val accuracy" in out and "test accuracy" in out
    assert_matches_engine(out, engine_history(experiment, epochs=2))  # the same triplets, the same losses


def test_looking_inside_an_embedding_model_claims_no_predicted_class():
    experiment = preset("triplet_embedding")
    data = load_dataset(experiment.data)
    torch.manual_seed(0)
    model = build_model(experiment, data.info)
    loss = build_loss("TripletMarginLoss", {}, "classification", 10)
    result = InsideProbe(data, experiment, loss, CPU).look(model, ProbeRequest("embedding"))
    assert result.shape == (2,) and result.gradients is not None  # the triplet loss reaches the node
    assert result.predicted is None and result.confidence is None and result.saliency is None
    experiment.nodes_by_id()["embedding"].params["out_features"] = 10  # ten class scores instead
    scores = build_model(experiment, data.info)
    classifier = InsideProbe(data, experiment, build_loss("CrossEntropyLoss", {}, "classification", 10), CPU)
    assert classifier.look(scores, ProbeRequest("embedding")).predicted is not None  # the largest score's class
