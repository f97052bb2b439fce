"""The knowledge-distillation lesson tells its story: a small student learns more from a trained
teacher's soft targets than from the labels alone.

`knowledge_distillation` is a 64×64 ReLU MLP (4,500 weights) on a noisy circle (400 points, noise
0.35) with only 120 training points; its teacher, `distillation_teacher_circle`, is a 128×128
network with dropout and weight decay (17,000 weights) trained first on the same 120 points
(200 full-batch epochs). Loss: L = α·CE(z_s, y) + (1 − α)·τ²·KL(p_τ^t ‖ p_τ^s), τ = 4, α = 0.1.

Measured on CPU (torch 2.13; 1 and 2 threads give the same numbers), 300 full-batch epochs,
test accuracy on the 200 test points:

    teacher (seed 0)              0.850   (validation 0.850, training points right 0.90)
    seed                          0      1      2      3      4     mean
    Distilled (τ = 4, α = 0.1)  0.860  0.860  0.865  0.865  0.860  0.862
    Labels only                 0.830  0.835  0.830  0.815  0.845  0.831
    No softening (τ = 1)        0.865  0.865                              (seeds 0, 1)

The distilled student wins for every seed (by 1.5 to 5 points) and ends level with its teacher.
The labels-only student memorises the noisy points: 0.99 of its training points right, its
validation loss lowest (0.29) at epoch 10 and 1.42 at the end; the distilled one gets 0.90 of
them right (it follows the teacher there) and ends at a validation loss of 0.41. With α = 0.3 the
gain is smaller (mean 0.851) and one seed in five loses, so the lesson uses 0.1; τ = 2 gives
0.861 and τ = 8 gives 0.865 (α = 0.3). τ = 1 does as well as τ = 4 here: on two classes the
teacher's verdict on the noisy points is what helps, and it needs no softening.

The teacher without its dropout (the teacher preset's "Try it"): training points right 0.99,
validation loss 0.95 at the end, test 0.845; its student (τ = 4, α = 0.1) 0.830 and 0.805
(seeds 0, 1): no better than labels alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from playground.core.compare.race import variant_contenders
from playground.core.experiment import load_experiment
from playground.core.training import Trainer, TrainerOptions, distillation

PRESET_DIR = Path(__file__).resolve().parents[2] / "presets"
OPTIONS = TrainerOptions(diagnostics=False)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module", autouse=True)
def one_teacher_for_the_module():
    """The teacher is trained once for the whole module (as a race's seeds share it)."""
    distillation.clear_teacher_cache()
    yield
    distillation.clear_teacher_cache()


def _weights(experiment) -> int:
    """Weights and biases of a chain of Linear layers on 2-D points."""
    widths = [2] + [node.params["out_features"] for node in experiment.model.nodes if node.type == "Linear"]
    return sum(a * b + b for a, b in zip(widths, widths[1:]))


def _race(seed: int, names: tuple[str, ...] = ("Distilled (τ = 4, α = 0.1)", "Labels only")) -> dict[str, Any]:
    experiment = load_experiment(PRESET_DIR / "knowledge_distillation.json")
    results = {}
    for contender in variant_contenders(experiment, names):
        run = contender.experiment
        run.training.device = "cpu"
        run.training.seed = seed
        trainer = Trainer(run, base_dir=PRESET_DIR, options=OPTIONS)
        summary = trainer.run()
        assert summary.status == "completed", summary.message
        results[contender.label] = (summary, trainer)
    return results


def test_the_lesson_races_the_distilled_student_against_labels_alone() -> None:
    experiment = load_experiment(PRESET_DIR / "knowledge_distillation.json")
    spec = experiment.training.distillation
    assert spec is not None and (spec.temperature, spec.alpha) == (4.0, 0.1)
    assert [c.label for c in variant_contenders(experiment)] == [
        "Distilled (τ = 4, α = 0.1)",
        "Labels only",
        "No softening (τ = 1)",
    ]
    teacher = load_experiment(PRESET_DIR / spec.teacher)
    assert teacher.data == experiment.data
    weights = {"student": _weights(experiment), "teacher": _weights(teacher)}
    assert weights["teacher"] > 3 * weights["student"]  # a bigger teacher, a small student


def test_the_distilled_student_beats_the_same_student_on_labels_alone() -> None:
    results = _race(seed=0)
    distilled, trainer = results["Distilled (τ = 4, α = 0.1)"]
    labels, _ = results["Labels only"]
    assert trainer.distillation is not None and trainer.distillation.teacher.summary is not None
    teacher = trainer.distillation.teacher.summary
    assert teacher.test_accuracy is not None and teacher.test_accuracy >= 0.83  # measured 0.850
    logits = trainer.distillation.teacher.logits
    assert float((logits.argmax(dim=1) == trainer.y_train).float().mean()) <= 0.93  # measured 0.90
    assert distilled.test_accuracy is not None and labels.test_accuracy is not None
    assert distilled.test_accuracy >= 0.85  # measured 0.860
    assert labels.test_accuracy <= 0.845  # measured 0.830
    assert distilled.test_accuracy - labels.test_accuracy >= 0.02  # measured 0.03
    # the labels-only student memorises the noisy points; the soft targets keep the student off them
    labels_trainer = results["Labels only"][1]
    assert labels_trainer.evaluate("train").accuracy >= 0.97  # measured 0.99
    assert trainer.evaluate("train").accuracy <= 0.93  # measured 0.90: it follows the teacher there
    assert labels.val_loss is not None and distilled.val_loss is not None
    assert labels.val_loss > 1.0 and distilled.val_loss < 0.6  # measured 1.42 and 0.41


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_gain_holds_for_other_seeds(seed: int) -> None:
    results = _race(seed)
    distilled, _ = results["Distilled (τ = 4, α = 0.1)"]
    labels, _ = results["Labels only"]
    assert distilled.test_accuracy is not None and labels.test_accuracy is not None
    assert distilled.test_accuracy >= 0.85  # measured 0.860 to 0.865
    assert distilled.test_accuracy > labels.test_accuracy  # measured by 1.5 to 5 points


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_without_softening_the_student_still_learns_from_the_teacher(seed: int) -> None:
    (unsoftened,) = (summary for summary, _ in _race(seed, ("No softening (τ = 1)",)).values())
    assert unsoftened.test_accuracy is not None and unsoftened.test_accuracy >= 0.85  # measured 0.865


@pytest.mark.slow
def test_a_teacher_without_dropout_has_little_to_teach(tmp_path: Path) -> None:
    document = json.loads((PRESET_DIR / "distillation_teacher_circle.json").read_text(encoding="utf-8"))
    nodes = [node for node in document["model"]["nodes"] if node["type"] != "Dropout"]
    document["model"]["nodes"] = nodes
    document["model"]["edges"] = [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]
    (tmp_path / "memorising_teacher.json").write_text(json.dumps(document), encoding="utf-8")
    experiment = load_experiment(PRESET_DIR / "knowledge_distillation.json")
    assert experiment.training.distillation is not None
    experiment.training.distillation.teacher = "memorising_teacher.json"
    experiment.training.device = "cpu"
    trainer = Trainer(experiment, base_dir=tmp_path, options=OPTIONS)
    student = trainer.run()
    assert trainer.distillation is not None
    teacher = trainer.distillation.teacher
    assert teacher.summary is not None and teacher.summary.val_loss is not None
    assert teacher.summary.val_loss > 0.8  # measured 0.95
    labels_right = (teacher.logits.argmax(dim=1) == trainer.y_train).float().mean()
    assert float(labels_right) >= 0.97  # measured 0.99: it memorised the noise
    assert student.test_accuracy is not None and student.test_accuracy <= 0.845  # measured 0.830
