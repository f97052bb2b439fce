"""Checkpoints: safetensors + JSON, exact resumption, and refusal of a different graph."""

from __future__ import annotations

import json

import pytest
import torch

from playground.core.experiment import experiment_from_dict
from playground.core.training import CheckpointError, StepEvent, Trainer, TrainerOptions, TrainingControl
from playground.core.training.checkpoint import decode_state, encode_state
from tests.core.factories import chain

torch.set_num_threads(1)


def experiment(epochs: int = 6, hidden: int = 8, **training):
    document = chain(
        ("fc1", "Linear", {"out_features": hidden}),
        ("act1", "ReLU", {}),
        ("drop", "Dropout", {"p": 0.2}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="spiral",
        data_params={"samples": 200, "noise": 0.1},
    )
    document["training"].update(
        {
            "epochs": epochs,
            "batch_size": 16,
            "device": "cpu",
            "optimizer": {"type": "Adam", "params": {"lr": 0.01}},
            "scheduler": {"type": "StepLR", "params": {"step_size": 2, "gamma": 0.5}, "warmup_steps": 5},
            "keep_best": {"monitor": "val_loss", "restore": False},
            "early_stopping": {"monitor": "val_loss", "patience": 50},
            **training,
        }
    )
    return experiment_from_dict(document)


def weights(trainer):
    return {k: v.clone() for k, v in trainer.model.state_dict().items()}


def assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_resume_at_an_epoch_boundary_continues_the_same_curve(tmp_path):
    whole = Trainer(experiment())
    reference = whole.run()

    first = Trainer(experiment(), epochs=3, options=TrainerOptions(checkpoint_dir=tmp_path))
    first.run()
    files = sorted(p.suffix for p in tmp_path.iterdir())
    assert files == [".json", ".safetensors"]  # never a pickle

    resumed = Trainer(experiment())
    resumed.load_checkpoint(tmp_path)
    assert resumed.epoch == 3
    summary = resumed.run()
    assert summary.history == reference.history
    assert_same_weights(weights(resumed), weights(whole))


def test_resume_after_a_stop_in_the_middle_of_an_epoch_continues_the_same_curve(tmp_path):
    whole = Trainer(experiment(epochs=3))
    reference = whole.run()

    control = TrainingControl()

    def observer(event):
        if isinstance(event, StepEvent) and event.step == 13:  # epoch 2, batch 4
            control.stop()

    stopped = Trainer(
        experiment(epochs=3),
        control=control,
        observer=observer,
        options=TrainerOptions(checkpoint_dir=tmp_path, max_step_events_per_second=0),
    )
    assert stopped.run().status == "stopped"
    assert stopped.batch == 13 - stopped.batches_per_epoch

    resumed = Trainer(experiment(epochs=3))
    resumed.load_checkpoint(tmp_path)
    assert (resumed.epoch, resumed.step) == (1, 13)
    assert resumed.run().history == reference.history
    assert_same_weights(weights(resumed), weights(whole))


def test_a_checkpoint_of_another_graph_is_refused_with_what_differs(tmp_path):
    Trainer(experiment(epochs=1), options=TrainerOptions(checkpoint_dir=tmp_path)).run()
    other = Trainer(experiment(hidden=16))
    with pytest.raises(CheckpointError, match=r"different model graph.*'fc1' parameters changed"):
        other.load_checkpoint(tmp_path)
    adam_to_sgd = Trainer(experiment(optimizer={"type": "SGD", "params": {"lr": 0.1}}))
    with pytest.raises(CheckpointError, match="trained with Adam"):
        adam_to_sgd.load_checkpoint(tmp_path)


def test_damaged_or_missing_checkpoints_give_clear_errors(tmp_path):
    with pytest.raises(CheckpointError, match="no such checkpoint folder"):
        Trainer(experiment()).load_checkpoint(tmp_path / "missing")
    with pytest.raises(CheckpointError, match="checkpoint.json is missing"):
        Trainer(experiment()).load_checkpoint(tmp_path)
    Trainer(experiment(epochs=1), options=TrainerOptions(checkpoint_dir=tmp_path)).run()
    tensor_file = next(tmp_path.glob("*.safetensors"))
    tensor_file.write_bytes(tensor_file.read_bytes()[:100])
    with pytest.raises(CheckpointError, match="does not match the manifest"):
        Trainer(experiment()).load_checkpoint(tmp_path)
    (tmp_path / "checkpoint.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        Trainer(experiment()).load_checkpoint(tmp_path)
    (tmp_path / "checkpoint.json").write_text(json.dumps({"format": "nn-playground.checkpoint", "version": 99}))
    with pytest.raises(CheckpointError, match="newer"):
        Trainer(experiment()).load_checkpoint(tmp_path)


def test_state_trees_round_trip_through_json_and_tensors():
    state = {"a": (1, 2.5, float("inf")), "b": {0: torch.arange(3), "x": None}, "c": [True, "s", float("nan")]}
    tensors: dict[str, torch.Tensor] = {}
    tree = json.loads(json.dumps(encode_state(state, tensors), allow_nan=False))
    back = decode_state(tree, tensors)
    assert back["a"][:2] == (1, 2.5) and back["a"][2] == float("inf")
    assert torch.equal(back["b"][0], torch.arange(3)) and back["b"]["x"] is None
    assert back["c"][:2] == [True, "s"] and back["c"][2] != back["c"][2]
