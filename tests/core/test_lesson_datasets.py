"""The datasets the lessons need: long memory recall, the marked token, a curve with outliers and
imbalanced blobs. Each says what it promises (the recall answer is the first token, the marked
token holds the answer, the share of outliers and of the rare class is the one asked for), has the
shapes the model builder reads, and is the same for the same seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.data import DATASET_TYPES, clear_cache, load_dataset
from playground.core.data.sequences import marked_positions
from playground.core.data.toys import CURVE_RANGE, CURVES, OUTLIER_JUMP, class_counts
from playground.core.experiment.schema import DataSpec, Split
from playground.core.runs.probes import CURVE_RESOLUTION, TaskProbe, choose_kind

NEW = ("recall", "marked", "outliers", "imbalanced")


def spec(dataset: str, seed: int = 0, **params: object) -> DataSpec:
    return DataSpec(dataset=dataset, params=params, split=Split(train=0.7, val=0.15, test=0.15), seed=seed)


def everything(data) -> tuple[torch.Tensor, torch.Tensor]:
    """All samples of the three splits, inputs and targets."""
    return torch.cat([data.x_train, data.x_val, data.x_test]), torch.cat([data.y_train, data.y_val, data.y_test])


def test_the_lesson_datasets_are_declared_with_translatable_help() -> None:
    for name in NEW:
        declared = DATASET_TYPES[name]
        assert declared.title and declared.help and declared.params
    assert {p.name for p in DATASET_TYPES["recall"].params} >= {"length", "symbols", "samples"}
    assert {p.name for p in DATASET_TYPES["outliers"].params} >= {"outliers", "noise", "curve"}
    assert {p.name for p in DATASET_TYPES["imbalanced"].params} >= {"minority", "classes", "features"}


@pytest.mark.parametrize("name", NEW)
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(name: str) -> None:
    first = load_dataset(spec(name, seed=3))
    x1, y1 = everything(first)
    clear_cache()  # generated again, not the cached tensors
    x2, y2 = everything(load_dataset(spec(name, seed=3)))
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    x3, _ = everything(load_dataset(spec(name, seed=4)))
    assert not torch.equal(x1, x3)


def test_recall_answer_is_the_first_token_after_length_distractors() -> None:
    data = load_dataset(spec("recall", samples=400, symbols=5, length=33))
    info = data.info
    assert info.modality == "tokens" and info.input_shape == (34,) and info.num_classes == 5
    assert info.vocab_size == 10
    x, y = everything(data)
    assert torch.equal(y, x[:, 0])  # the label is the first token
    assert int(x[:, 1:].min()) >= 5 and int(x.max()) < 10  # the distractors are tokens of their own
    assert torch.bincount(y, minlength=5).tolist() == [80] * 5  # balanced: chance is 1 in 5
    assert load_dataset(spec("recall", length=7)).info.input_shape == (8,)


def test_the_marked_tokens_value_is_the_answer_and_sits_at_a_random_position() -> None:
    data = load_dataset(spec("marked", samples=600, symbols=6, length=12))
    info = data.info
    assert info.input_shape == (12,) and info.num_classes == 6 and info.vocab_size == 12
    x, y = everything(data)
    marked = x >= 6
    assert marked.sum(dim=1).tolist() == [1] * 600  # exactly one marked token per sequence
    positions = torch.from_numpy(marked_positions(x.numpy(), 6))
    assert torch.equal(x[torch.arange(600), positions] - 6, y)  # its value is the label
    assert len(set(positions.tolist())) == 12  # anywhere in the sequence
    assert torch.bincount(y, minlength=6).min() > 50


@pytest.mark.parametrize("curve", sorted(CURVES))
def test_outliers_are_the_share_asked_for_and_lie_far_above_the_clean_curve(curve: str) -> None:
    data = load_dataset(spec("outliers", samples=400, noise=0.1, outliers=0.2, curve=curve))
    info = data.info
    assert info.task == "regression" and info.input_shape == (1,) and info.target_dim == 1
    assert info.feature_names == ("x",) and info.label_names == ("inlier", "outlier")
    raw = np.concatenate([data.points_train, data.points_val, data.points_test]).reshape(-1)
    y = everything(data)[1].numpy().reshape(-1)
    flags = np.concatenate([data.labels_train, data.labels_val, data.labels_test])
    assert flags.sum() == 80  # 20 % of 400
    assert CURVE_RANGE[0] <= raw.min() and raw.max() <= CURVE_RANGE[1]
    residual = y - CURVES[curve](raw)
    assert np.all(residual[flags == 1] > OUTLIER_JUMP[0] - 0.5)  # all above the curve, far
    assert np.abs(residual[flags == 0]).max() < 0.5  # the others within the noise
    standardised = everything(data)[0].numpy().reshape(-1)
    assert abs(standardised[: len(data.x_train)].mean()) < 1e-5  # x is standardised like any input
    assert load_dataset(spec("outliers", outliers=0.0)).labels_train.sum() == 0


def test_imbalanced_blobs_have_the_minority_share_asked_for() -> None:
    data = load_dataset(spec("imbalanced", samples=1000, minority=0.08))
    _x, y = everything(data)
    assert torch.bincount(y, minlength=2).tolist() == [920, 80]
    assert data.info.input_shape == (2,) and data.points_train.shape[1] == 2
    several = load_dataset(spec("imbalanced", samples=1000, classes=4, minority=0.3))
    counts = torch.bincount(everything(several)[1], minlength=4).tolist()
    assert counts == [700, 100, 100, 100]  # the rare classes share the minority
    assert class_counts(10, 5, 0.01) == [6, 1, 1, 1, 1]  # every class keeps a sample


def test_a_curve_with_outliers_gets_the_fitted_curve_view_in_raw_x() -> None:
    data = load_dataset(spec("outliers"))
    assert choose_kind(data) == "curve"
    assert choose_kind(load_dataset(spec("plane"))) == "boundary"  # 2-D regression keeps its surface
    probe = TaskProbe(data, torch.device("cpu"))
    setup = probe.setup()
    assert setup.curve_x is not None and len(setup.curve_x) == CURVE_RESOLUTION
    assert setup.curve_x.min() < data.points_train.min() and setup.curve_x.max() > data.points_train.max()
    np.testing.assert_allclose(setup.points_train, data.points_train.reshape(-1), atol=1e-5)
    assert not setup.curve_standardised and setup.feature_names == ["x"]
    assert setup.labels is not None and setup.labels.sum() == data.labels_train.sum()
    assert setup.class_names == ["inlier", "outlier"]
    # a model that returns its input shows the standardised x: the curve's x is mapped as training was
    prediction = probe.predict(torch.nn.Identity())
    raw = data.points_train.reshape(-1).astype(np.float64)
    expected = (setup.curve_x - raw.mean()) / raw.std()
    np.testing.assert_allclose(prediction.predicted, expected, rtol=1e-4, atol=1e-4)
