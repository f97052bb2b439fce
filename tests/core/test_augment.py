"""Data augmentation: reproducible for a seed, applied to training batches only (validation and test
data untouched), each augmentation doing what it says, exact across resume and fork, refused for a
kind of data it cannot change, saved only when set, and reproduced by the exported script."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from playground.core.data import load_dataset
from playground.core.data.augment import BatchAugmenter, augment_batch, augment_seed, preview
from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import Experiment
from playground.core.export import export_python
from playground.core.graph import check_experiment
from playground.core.runs.timeline import SnapshotStore
from playground.core.training import StepEvent, Trainer, TrainerOptions, TrainingControl
from tests.core.factories import chain
from tests.core.test_export import assert_matches_engine, engine_history, import_file

pytestmark = pytest.mark.usefixtures("one_torch_thread")

IMAGES = {"flip": True, "crop_padding": 1, "rotation": 10.0, "noise": 0.2}


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def digits(augmentation: dict[str, Any] | None = IMAGES, epochs: int = 3, **training: Any) -> Experiment:
    """A small CNN on a small share of the 8×8 digits, with dropout (the global RNG matters too)."""
    document = chain(
        ("conv", "Conv2d", {"out_channels": 4, "kernel_size": 3, "padding": 1}),
        ("relu", "ReLU", {}),
        ("pool", "MaxPool2d", {"kernel_size": 2}),
        ("flat", "Flatten", {}),
        ("drop", "Dropout", {"p": 0.2}),
        ("logits", "Linear", {"out_features": 10}),
        dataset="digits",
    )
    document["data"]["split"] = {"train": 0.2, "val": 0.4, "test": 0.4}
    if augmentation is not None:
        document["data"]["augmentation"] = augmentation
    document["training"].update({"epochs": epochs, "batch_size": 50, "device": "cpu", **training})
    return experiment_from_dict(document)


def points(augmentation: dict[str, Any] | None = None, **data: Any) -> Experiment:
    document = chain(
        ("hidden", "Linear", {"out_features": 8}),
        ("act", "Tanh", {}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="spiral",
        data_params={"samples": 130, "noise": 0.1},
    )
    if augmentation is not None:
        document["data"]["augmentation"] = augmentation
    document["data"].update(data)
    document["training"].update({"epochs": 4, "batch_size": 16, "device": "cpu"})
    return experiment_from_dict(document)


def losses(trainer: Trainer) -> list[tuple[float | None, ...]]:
    return [(row["train_loss"], row["val_loss"]) for row in trainer.run().history]


def quiet() -> TrainerOptions:
    return TrainerOptions(diagnostics=False, max_step_events_per_second=0.0)


# ---- the augmentations themselves -------------------------------------------------------------


def test_the_same_seed_gives_the_same_augmented_batches_and_another_seed_others() -> None:
    x = torch.randn(16, 1, 8, 8, generator=generator(0))
    first = BatchAugmenter(IMAGES, seed=3, device=torch.device("cpu"))
    again = BatchAugmenter(IMAGES, seed=3, device=torch.device("cpu"))
    assert torch.equal(first(x, epoch=2, batch=5), again(x, epoch=2, batch=5))
    assert torch.equal(first(x, epoch=2, batch=5), first(x, epoch=2, batch=5))  # no state carried between calls
    other_seed = BatchAugmenter(IMAGES, seed=4, device=torch.device("cpu"))
    assert not torch.equal(first(x, 2, 5), other_seed(x, 2, 5))
    assert not torch.equal(first(x, 2, 5), first(x, 3, 5))  # a new epoch, new changes
    assert not torch.equal(first(x, 2, 5), first(x, 2, 6))
    assert len({augment_seed(3, epoch, batch) for epoch in range(1, 50) for batch in range(200)}) == 49 * 200


def test_a_batch_is_augmented_into_a_new_tensor_and_itself_left_alone() -> None:
    x = torch.randn(8, 1, 8, 8, generator=generator(1))
    kept = x.clone()
    out = augment_batch(x, generator(2), **IMAGES)
    assert torch.equal(x, kept) and not torch.equal(out, x) and out.shape == x.shape


def test_flip_mirrors_each_image_left_to_right_or_leaves_it() -> None:
    x = torch.randn(64, 3, 5, 7, generator=generator(0))
    out = augment_batch(x, generator(1), flip=True)
    mirrored = [bool(torch.equal(out[i], x[i].flip(-1))) for i in range(len(x))]
    kept = [bool(torch.equal(out[i], x[i])) for i in range(len(x))]
    assert all(m != k for m, k in zip(mirrored, kept))  # each image one or the other
    assert 16 < sum(mirrored) < 48  # about half of them mirrored


def _shifted(image: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """`image` read at (row + dy, column + dx), the edge pixels repeated beyond the border."""
    height, width = image.shape[-2:]
    rows = (torch.arange(height) + dy).clamp(0, height - 1)
    columns = (torch.arange(width) + dx).clamp(0, width - 1)
    return image[..., rows, :][..., columns]


def test_crop_with_padding_shifts_each_image_by_whole_pixels_within_the_padding() -> None:
    x = torch.randn(40, 1, 9, 11, generator=generator(0))
    padding = 2
    out = augment_batch(x, generator(5), crop_padding=padding)
    seen = set()
    for image, moved in zip(x, out):
        shifts = [
            (dy, dx)
            for dy in range(-padding - 1, padding + 2)
            for dx in range(-padding - 1, padding + 2)
            if torch.allclose(moved, _shifted(image, dy, dx), atol=1e-4)
        ]
        assert len(shifts) == 1, shifts
        dy, dx = shifts[0]
        assert abs(dy) <= padding and abs(dx) <= padding
        seen.add((dy, dx))
    assert len(seen) > 5  # shifts vary from image to image


def test_rotation_turns_images_about_their_centre() -> None:
    rows, columns = torch.meshgrid(torch.arange(15.0) - 7, torch.arange(15.0) - 7, indexing="ij")
    blob = torch.exp(-(rows**2 + columns**2) / 8.0)[None, None].repeat(32, 1, 1, 1)  # round, centred
    bar = torch.zeros(32, 1, 15, 15)
    bar[:, :, 7, 9:] = 1.0  # a bar from the centre to the right
    turned_blob = augment_batch(blob, generator(0), rotation=90.0)
    turned_bar = augment_batch(bar, generator(0), rotation=90.0)
    assert torch.allclose(turned_blob, blob, atol=0.05)  # a round blob at the centre stays as it is
    moved = (turned_bar - bar).abs().sum(dim=(1, 2, 3))
    assert (moved > 1.0).float().mean() > 0.8  # the bar turns (by up to ±90°)
    assert torch.equal(augment_batch(bar, generator(0), rotation=0.0), bar)


def test_noise_and_jitter_have_the_asked_standard_deviation() -> None:
    images = torch.zeros(400, 1, 8, 8)
    noisy = augment_batch(images, generator(0), noise=0.3)
    assert float(noisy.std()) == pytest.approx(0.3, rel=0.03) and abs(float(noisy.mean())) < 0.01
    rows = torch.randn(5000, 2, generator=generator(1))
    jittered = augment_batch(rows, generator(2), jitter=0.1)
    assert float((jittered - rows).std()) == pytest.approx(0.1, rel=0.03)


def test_the_preview_draws_what_training_batches_get_without_being_one_of_them() -> None:
    x = torch.randn(4, 1, 8, 8, generator=generator(0))
    versions = preview(x, {**IMAGES, "jitter": 0.0}, seed=0, copies=6)
    assert versions.shape == (6, 4, 1, 8, 8)
    assert torch.equal(versions[2], augment_batch(x, generator(augment_seed(0, 0, 2)), **IMAGES))
    assert not torch.equal(versions[0], versions[1])
    assert torch.equal(preview(x, IMAGES, seed=0, copies=2, first=4)[1], versions[5])


# ---- training -----------------------------------------------------------------------------------


def test_two_runs_with_the_same_seed_have_the_same_losses_and_augmentation_changes_them() -> None:
    first = losses(Trainer(digits(), options=quiet()))
    assert first == losses(Trainer(digits(), options=quiet()))
    assert first != losses(Trainer(digits(seed=1), options=quiet()))
    plain = losses(Trainer(digits(None), options=quiet()))
    assert first != plain
    # augmentation has its own random stream: the first epoch's validation is after the same batches
    # in the same order, so only the changes to them differ
    assert first[0][0] != plain[0][0]


def test_training_leaves_the_training_validation_and_test_data_untouched() -> None:
    experiment = digits(epochs=2)
    dataset = load_dataset(experiment.data)
    before = {name: getattr(dataset, name).clone() for name in ("x_train", "x_val", "x_test")}
    trainer = Trainer(experiment, dataset=dataset, options=quiet())
    summary = trainer.run()
    for name, tensor in before.items():
        assert torch.equal(getattr(dataset, name), tensor), name
    # the validation loss is the model's on the untouched validation data
    model = trainer.model.eval()
    with torch.no_grad():
        loss = torch.nn.functional.cross_entropy(model(dataset.x_val), dataset.y_val)
    assert summary.history[-1]["val_loss"] == pytest.approx(float(loss), rel=1e-5)


def test_a_run_resumed_in_the_middle_of_an_epoch_sees_the_same_augmented_batches(tmp_path: Path) -> None:
    reference = Trainer(digits(), options=quiet()).run().history
    control = TrainingControl()

    def observer(event: Any) -> None:
        if isinstance(event, StepEvent) and event.step == 11:  # epoch 2, batch 3 of 8
            control.stop()

    stopped = Trainer(
        digits(),
        control=control,
        observer=observer,
        options=TrainerOptions(checkpoint_dir=tmp_path, diagnostics=False, max_step_events_per_second=0.0),
    )
    assert stopped.run().status == "stopped"
    resumed = Trainer(digits(), options=quiet())
    resumed.load_checkpoint(tmp_path)
    assert (resumed.epoch, resumed.batch) == (1, 11 - stopped.batches_per_epoch) == (1, 3)
    assert resumed.run().history == reference


def test_a_fork_from_a_snapshot_continues_with_the_same_augmented_batches() -> None:
    store = SnapshotStore()
    original = Trainer(digits(), options=TrainerOptions(diagnostics=False, snapshots=store))
    reference = original.run().history
    forked = Trainer(digits(), options=quiet())
    forked.fork_from(store.get(1))
    assert forked.run().history == reference


def test_a_fork_refuses_a_snapshot_of_the_other_augmentation() -> None:
    store = SnapshotStore()
    Trainer(digits(None, epochs=1), options=TrainerOptions(diagnostics=False, snapshots=store)).run()
    Trainer(digits(None, epochs=1), options=quiet()).fork_from(store.get(1))  # the same data: it fits
    with pytest.raises(Exception, match="other data"):
        Trainer(digits(epochs=1), options=quiet()).fork_from(store.get(1))


# ---- the format and the checks ------------------------------------------------------------------


def test_augmentation_is_saved_only_when_set_and_loads_back() -> None:
    saved = experiment_to_dict(digits({"rotation": 10, "crop_padding": 2}))
    assert saved["data"]["augmentation"] == {"crop_padding": 2, "rotation": 10.0}
    assert (
        experiment_from_dict(saved).data.augmentation == digits({"rotation": 10.0, "crop_padding": 2}).data.augmentation
    )
    assert "augmentation" not in experiment_to_dict(digits(None))["data"]
    assert "augmentation" not in experiment_to_dict(digits({"flip": False, "noise": 0.0}))["data"]  # all off: none


def test_out_of_range_and_unknown_augmentations_are_refused_with_their_path() -> None:
    document = experiment_to_dict(digits(None))
    for augmentation, path in (
        ({"rotation": 400.0}, "data.augmentation.rotation"),
        ({"crop_padding": -1}, "data.augmentation.crop_padding"),
        ({"noise": "lots"}, "data.augmentation.noise"),
        ({"cutout": 2}, "data.augmentation.cutout"),
    ):
        bad = copy.deepcopy(document)
        bad["data"]["augmentation"] = augmentation
        with pytest.raises(ExperimentError) as caught:
            experiment_from_dict(bad)
        assert [problem.path for problem in caught.value.problems] == [path]


def test_an_augmentation_of_another_kind_of_data_is_reported_and_refused() -> None:
    experiment = points({"flip": True, "jitter": 0.1})
    report = check_experiment(experiment, load_dataset(experiment.data).info)
    problems = {issue.path: issue.message for issue in report.errors}
    assert list(problems) == ["data.augmentation.flip"]
    assert (
        "changes images" in problems["data.augmentation.flip"] and "turn it off" in problems["data.augmentation.flip"]
    )
    with pytest.raises(ExperimentError, match="data.augmentation.flip"):
        Trainer(experiment)
    jitter_on_images = digits({"jitter": 0.1})
    report = check_experiment(jitter_on_images, load_dataset(jitter_on_images.data).info)
    assert [issue.path for issue in report.errors] == ["data.augmentation.jitter"]
    too_far = digits({"crop_padding": 3})  # 8×8 pictures: at most 2 pixels
    report = check_experiment(too_far, load_dataset(too_far.data).info)
    assert [issue.path for issue in report.errors] == ["data.augmentation.crop_padding"]
    assert "at most 2" in report.errors[0].message


def test_jitter_trains_points_reproducibly() -> None:
    first = losses(Trainer(points({"jitter": 0.2}), options=quiet()))
    assert first == losses(Trainer(points({"jitter": 0.2}), options=quiet()))
    assert first != losses(Trainer(points(), options=quiet()))


# ---- the exported script ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [lambda: digits(epochs=2), lambda: points({"jitter": 0.2})],
    ids=["images", "points"],
)
def test_the_exported_script_trains_on_the_same_augmented_batches(tmp_path: Path, make, monkeypatch, capsys) -> None:
    experiment = make()
    path = tmp_path / "augmented.py"
    export_python(experiment, path)
    source = path.read_text(encoding="utf-8")
    assert "AUGMENTATION = {" in source and "def augment_batch(" in source
    module = import_file(path, f"exported_augmented_{experiment.data.dataset}")
    monkeypatch.setattr(sys, "argv", [str(path)])
    module.main()
    assert_matches_engine(capsys.readouterr().out, engine_history(experiment, epochs=experiment.training.epochs))


def test_an_export_without_augmentation_has_none_of_its_code(tmp_path: Path) -> None:
    export_python(digits(None, epochs=1), tmp_path / "plain.py")
    source = (tmp_path / "plain.py").read_text(encoding="utf-8")
    assert "augment" not in source.lower()
