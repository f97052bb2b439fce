"""A lesson's variants: settings changed by dotted paths (nodes by id), validated like a file,
saved with the lesson, and raced from the same initial weights unless the initialisation is what
a variant changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from playground.core.compare.race import Race, RaceOptions, variant_contenders
from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict, experiment_to_dict, load_experiment
from playground.core.experiment.overrides import parse_setting, with_changes
from playground.core.experiment.schema import FORMAT_VERSION, Lesson, Variant

PRESETS = Path(__file__).resolve().parents[2] / "presets"


@pytest.fixture
def xor():
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.device = "cpu"
    return experiment


def test_a_change_reaches_training_settings_and_a_node_by_its_id(xor):
    hidden = next(node.id for node in xor.model.nodes if node.type == "Linear")
    changed = with_changes(
        xor,
        {
            "training.batch_size": "full",
            "training.optimizer.params.lr": 0.5,
            f"model.nodes.{hidden}.params.out_features": 7,
            "training.gradient_clipping": {"mode": "value", "max_value": 0.5},
        },
    )
    assert changed.training.batch_size == "full"
    assert changed.training.optimizer.params["lr"] == 0.5
    assert changed.node(hidden).params["out_features"] == 7
    assert changed.training.gradient_clipping is not None and changed.training.gradient_clipping.mode == "value"
    assert xor.training.batch_size != "full" and xor.training.gradient_clipping is None  # the original untouched


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("model.nodes.nowhere.type", "ReLU", "no node 'nowhere'"),
        ("training.batch_size", 0, "training.batch_size"),
        ("lesson.variants", [], "not a setting a variant may change"),
        ("training.epochs.many", 3, "is not an object"),
    ],
)
def test_a_change_the_format_refuses_names_its_path(xor, path, value, words):
    with pytest.raises(ExperimentError) as caught:
        with_changes(xor, {path: value})
    assert words in str(caught.value)


def test_a_sweep_setting_splits_at_the_first_equals_sign():
    assert parse_setting("training.optimizer.params.lr=0.01") == ("training.optimizer.params.lr", "0.01")
    with pytest.raises(ExperimentError):
        parse_setting("training.batch_size")


def test_variants_are_saved_with_the_lesson_and_read_back(xor):
    xor.lesson = Lesson(
        variants=[
            Variant(name="Mini-batch", changes={}),
            Variant(name="Full batch", changes={"training.batch_size": "full"}, translations={"zh_CN": "全批量"}),
        ]
    )
    document = experiment_to_dict(xor)
    assert document["version"] == FORMAT_VERSION
    assert document["lesson"]["variants"][1] == {
        "name": "Full batch",
        "changes": {"training.batch_size": "full"},
        "translations": {"zh_CN": "全批量"},
    }
    again = experiment_from_dict(document)
    assert again.lesson == xor.lesson
    assert again.lesson.variants[1].localized_name("zh_CN") == "全批量"
    assert again.lesson.variants[0].localized_name("zh_CN") == "Mini-batch"


def test_two_variants_with_one_name_are_refused(xor):
    document = experiment_to_dict(xor)
    document["lesson"] = {"variants": [{"name": "A"}, {"name": "A", "changes": {"training.epochs": 2}}]}
    with pytest.raises(ExperimentError, match="two variants are called 'A'"):
        experiment_from_dict(document)


def test_a_version_2_file_opens_as_the_current_version(xor):
    document = experiment_to_dict(xor)
    document["version"] = 2
    assert experiment_from_dict(document).version == FORMAT_VERSION


def test_the_variants_race_from_the_same_weights_and_differ_in_what_they_change(xor):
    xor.lesson = Lesson(
        variants=[
            Variant(name="Mini-batch", changes={}),
            Variant(name="Full batch", changes={"training.batch_size": "full"}),
            Variant(name="Zero init", changes={"model.init": "zeros"}),
        ]
    )
    contenders = variant_contenders(xor)
    assert [c.label for c in contenders] == ["Mini-batch", "Full batch", "Zero init"]
    assert contenders[1].experiment.training.batch_size == "full"
    race = Race(xor, contenders, RaceOptions(epochs=2, keep_initial_weights=True, boundary_resolution=0))
    race.run()
    assert race.status == "completed"
    weights = [race.run_of(index, 0).initial_weights for index in range(3)]
    assert all(np.array_equal(weights[0][key], weights[1][key]) for key in weights[0])
    assert not all(np.array_equal(weights[0][key], weights[2][key]) for key in weights[0])  # its own init
    assert all(not value.any() for key, value in weights[2].items() if key.endswith("weight"))
    steps = [race.run_of(index, 0).epochs[-1] for index in range(2)]
    assert steps[0] != steps[1]  # one step per epoch against several: other curves
    assert variant_contenders(xor, ["Full batch"])[0].label == "Full batch"


def test_a_lesson_without_variants_has_nothing_to_race(xor):
    with pytest.raises(ValueError, match="no variants"):
        variant_contenders(xor)
