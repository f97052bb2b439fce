"""Every preset is a valid, canonical experiment whose graph checks clean against its dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.core.data import describe_dataset
from playground.core.experiment import experiment_to_json, load_experiment
from playground.core.graph import check_experiment

PRESETS = sorted((Path(__file__).resolve().parents[2] / "presets").glob("*.json"))


def test_the_lesson_presets_exist():
    names = {path.stem for path in PRESETS}
    assert {"and_gate", "xor", "spiral"} <= names


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_preset_is_valid_canonical_and_has_a_lesson(path):
    experiment = load_experiment(path)
    report = check_experiment(experiment, describe_dataset(experiment.data))
    assert report.valid, [str(issue) for issue in report.issues]
    assert not report.warnings
    assert len(experiment.description) > 200 and experiment.description.startswith("# ")
    assert path.read_text(encoding="utf-8") == experiment_to_json(experiment), "re-save the preset canonically"


def test_playground_check_exits_0_on_every_preset(capsys):
    from playground.cli import main

    for path in PRESETS:
        assert main(["check", str(path)]) == 0, path.name
        assert "total" in capsys.readouterr().out
