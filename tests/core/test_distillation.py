"""Knowledge distillation: the course's loss, the teacher the engine prepares, the checks.

The course writes L = α·CE(z_s, y) + (1 − α)·τ²·KL(p_τ^t ‖ p_τ^s): α weights the hard labels.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict, experiment_to_dict
from playground.core.experiment.schema import FORMAT_VERSION
from playground.core.export.weights import export_weights
from playground.core.training import StateEvent, StepEvent, Trainer, TrainerOptions, distillation
from playground.core.training.distillation import DistillationObjective, distillation_loss
from tests.core.factories import chain

pytestmark = pytest.mark.usefixtures("one_torch_thread")

OPTIONS = TrainerOptions(diagnostics=False)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test prepares its own teachers (a teacher kept from another test would hide the work)."""
    distillation.clear_teacher_cache()
    yield
    distillation.clear_teacher_cache()


def _circle(**training: Any) -> dict[str, Any]:
    doc = chain(
        ("fc1", "Linear", {"out_features": 16}),
        ("act1", "ReLU", {}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="circle",
        data_params={"samples": 120, "noise": 0.2},
    )
    doc["version"] = FORMAT_VERSION
    doc["training"]["epochs"] = 3
    doc["training"]["device"] = "cpu"
    doc["training"].update(training)
    return doc


def _teacher_doc(dropout: float = 0.0, epochs: int = 4) -> dict[str, Any]:
    layers: list[tuple[str, str, dict[str, Any]]] = [("fc1", "Linear", {"out_features": 32}), ("act1", "ReLU", {})]
    if dropout:
        layers.append(("drop1", "Dropout", {"p": dropout}))
    layers.append(("logits", "Linear", {"out_features": 2}))
    doc = chain(*layers, dataset="circle", data_params={"samples": 120, "noise": 0.2})
    doc["version"] = FORMAT_VERSION
    doc["name"] = "Test teacher"
    doc["training"]["epochs"] = epochs
    doc["training"]["device"] = "cpu"
    return doc


def _write(folder: Path, name: str, doc: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _student(folder: Path, teacher: dict[str, Any] | None = None, **spec: Any) -> Any:
    _write(folder, "teacher.json", teacher if teacher is not None else _teacher_doc())
    settings = {"teacher": "teacher.json", "temperature": 4.0, "alpha": 0.3, **spec}
    return experiment_from_dict(_circle(distillation=settings))


# ---- the loss ------------------------------------------------------------------------------------
STUDENT = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [-1.5, 1.0, 0.0], [0.0, 0.0, 0.0]])
TEACHER = torch.tensor([[3.0, 0.0, 1.0], [-2.0, 0.5, 4.0], [0.5, 2.5, -1.0], [1.0, -1.0, 0.3]])
LABELS = torch.tensor([0, 2, 1, 2])


def _by_hand(tau: float, alpha: float) -> float:
    """The course's formula written out with numpy, sample by sample."""
    student, teacher, labels = STUDENT.double().numpy(), TEACHER.double().numpy(), LABELS.numpy()

    def softmax(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max())
        return e / e.sum()

    ce = np.mean([-math.log(softmax(z)[y]) for z, y in zip(student, labels)])
    kl = np.mean(
        [
            float(np.sum(softmax(t / tau) * np.log(softmax(t / tau) / softmax(s / tau))))
            for s, t in zip(student, teacher)
        ]
    )
    return float(alpha * ce + (1 - alpha) * tau**2 * kl)


@pytest.mark.parametrize(("tau", "alpha"), [(4.0, 0.3), (1.0, 0.5), (2.5, 0.9), (10.0, 0.0)])
def test_loss_is_the_course_formula(tau: float, alpha: float) -> None:
    value = distillation_loss(STUDENT, TEACHER, LABELS, tau, alpha)
    assert float(value) == pytest.approx(_by_hand(tau, alpha), rel=1e-5)


def test_alpha_one_is_plain_cross_entropy_and_alpha_zero_ignores_the_labels() -> None:
    # the course weights the hard labels with α: α = 1 is training on labels alone
    assert float(distillation_loss(STUDENT, TEACHER, LABELS, 4.0, 1.0)) == pytest.approx(
        float(F.cross_entropy(STUDENT, LABELS)), rel=1e-6
    )
    other_labels = torch.tensor([1, 0, 0, 1])
    assert float(distillation_loss(STUDENT, TEACHER, LABELS, 4.0, 0.0)) == float(
        distillation_loss(STUDENT, TEACHER, other_labels, 4.0, 0.0)
    )


@pytest.mark.parametrize("tau", [1.0, 2.0, 5.0])
def test_soft_term_is_scaled_by_tau_squared(tau: float) -> None:
    kl = F.kl_div(F.log_softmax(STUDENT / tau, -1), F.softmax(TEACHER / tau, -1), reduction="batchmean")
    soft = distillation_loss(STUDENT, TEACHER, LABELS, tau, 0.0)
    assert float(soft) == pytest.approx(tau**2 * float(kl), rel=1e-5)
    # τ² keeps the soft gradients on one scale as τ grows: without it they shrink about as 1/τ²
    student = STUDENT.clone().requires_grad_(True)
    distillation_loss(student, TEACHER, LABELS, tau, 0.0).backward()
    assert student.grad is not None and float(student.grad.abs().sum()) > 0.05


def test_the_teacher_gets_no_gradient() -> None:
    teacher = TEACHER.clone().requires_grad_(True)
    distillation_loss(STUDENT.clone().requires_grad_(True), teacher, LABELS, 4.0, 0.3).backward()
    assert teacher.grad is None


# ---- the teacher the engine prepares -------------------------------------------------------------
def _messages(events: list[Any]) -> list[str]:
    return [event.message for event in events if isinstance(event, StateEvent) and event.state == "teacher"]


def test_teacher_is_trained_first_and_says_so(tmp_path: Path) -> None:
    events: list[Any] = []
    trainer = Trainer(_student(tmp_path), base_dir=tmp_path, observer=events.append, options=OPTIONS)
    summary = trainer.run()
    assert summary.status == "completed"
    messages = _messages(events)
    assert messages[0].startswith("Training the teacher (Test teacher) for 4 epochs")
    assert [m for m in messages if "epoch 4 of 4" in m]
    assert "the student learns from it now" in messages[-1]
    # every teacher message comes before the student's first step
    first_step = next(i for i, e in enumerate(events) if isinstance(e, StepEvent))
    last_teacher = max(i for i, e in enumerate(events) if isinstance(e, StateEvent) and e.state == "teacher")
    assert last_teacher < first_step
    assert trainer.distillation is not None and trainer.distillation.teacher.summary is not None
    assert trainer.distillation.teacher.summary.epochs == 4


def test_teacher_logits_are_computed_once_in_eval_mode(tmp_path: Path, monkeypatch) -> None:
    calls: list[bool] = []
    original = distillation.teacher_logits

    def counted(model: torch.nn.Module, x: torch.Tensor, chunk: int = distillation.LOGIT_CHUNK) -> torch.Tensor:
        result = original(model, x, chunk)
        calls.append(model.training)
        return result

    monkeypatch.setattr(distillation, "teacher_logits", counted)
    trainer = Trainer(_student(tmp_path, _teacher_doc(dropout=0.5)), base_dir=tmp_path, options=OPTIONS)
    trainer.begin()
    objective = trainer.distillation
    assert objective is not None and not objective.per_batch
    forwards: list[int] = []
    objective.teacher.model.register_forward_hook(lambda *_: forwards.append(1))
    trainer.train_steps()
    trainer.finish()
    assert calls == [False]  # once for the whole run, and in eval mode
    assert forwards == []  # the batches take rows of those logits: no teacher forward while the student trains
    # eval mode: the dropout teacher gives the same logits every time (in training mode it would not)
    teacher = objective.teacher.model
    with torch.no_grad():
        again = teacher(trainer.x_train)
    assert torch.equal(objective.logits, again)
    teacher.train()
    with torch.no_grad():
        assert not torch.equal(objective.logits, teacher(trainer.x_train))


def _stepping(experiment, tmp_path: Path) -> tuple[Trainer, list[StepEvent], torch.nn.Module]:
    """A trainer that records every step's event, and a copy of its model before the first step."""
    steps: list[StepEvent] = []
    options = TrainerOptions(diagnostics=False, max_step_events_per_second=0.0)
    trainer = Trainer(
        experiment,
        base_dir=tmp_path,
        observer=lambda e: steps.append(e) if isinstance(e, StepEvent) else None,
        options=options,
    )
    return trainer, steps, copy.deepcopy(trainer.model)


def test_each_batch_learns_from_its_own_rows_of_the_teacher_logits(tmp_path: Path) -> None:
    """The first step's loss is the formula on the first batch of the seeded order, computed by hand."""
    experiment = _student(tmp_path)
    trainer, steps, initial = _stepping(experiment, tmp_path)
    trainer.begin()
    assert trainer.distillation is not None
    logits = trainer.distillation.logits.clone()
    trainer.train_steps(1)
    trainer.finish()
    order = torch.randperm(trainer.train_samples, generator=torch.Generator().manual_seed(experiment.training.seed))
    batch = order[: trainer.batch_size]
    with torch.no_grad():
        expected = distillation_loss(initial(trainer.x_train[batch]), logits[batch], trainer.y_train[batch], 4.0, 0.3)
    assert steps[0].train_loss == pytest.approx(float(expected), rel=1e-6)


def test_full_batch_learns_from_all_the_teacher_logits(tmp_path: Path) -> None:
    experiment = _student(tmp_path)
    experiment.training.batch_size = "full"
    trainer, steps, initial = _stepping(experiment, tmp_path)
    trainer.begin()
    assert trainer.distillation is not None
    trainer.train_steps(1)
    trainer.finish()
    with torch.no_grad():
        expected = distillation_loss(initial(trainer.x_train), trainer.distillation.logits, trainer.y_train, 4.0, 0.3)
    assert steps[0].train_loss == pytest.approx(float(expected), rel=1e-6)


def test_alpha_one_trains_exactly_as_labels_alone(tmp_path: Path) -> None:
    """The teacher's training before the student changes nothing of the student's numbers."""
    distilled = Trainer(_student(tmp_path, alpha=1.0), base_dir=tmp_path, options=OPTIONS).run()
    plain = Trainer(experiment_from_dict(_circle()), options=OPTIONS).run()
    assert distilled.history == plain.history
    assert distilled.test_accuracy == plain.test_accuracy


def test_a_prepared_teacher_is_kept_for_the_next_run_until_its_file_changes(tmp_path: Path) -> None:
    first: list[Any] = []
    Trainer(_student(tmp_path), base_dir=tmp_path, observer=first.append, options=OPTIONS).run()
    second: list[Any] = []
    Trainer(_student(tmp_path), base_dir=tmp_path, observer=second.append, options=OPTIONS).run()
    assert any("epoch 1 of 4" in m for m in _messages(first))
    assert _messages(second) == []  # the same teacher, data and epochs: not trained again
    third: list[Any] = []
    Trainer(_student(tmp_path, _teacher_doc(epochs=2)), base_dir=tmp_path, observer=third.append, options=OPTIONS).run()
    assert any("epoch 2 of 2" in m for m in _messages(third))


def test_teacher_epochs_overrides_the_teacher_files_own(tmp_path: Path) -> None:
    events: list[Any] = []
    trainer = Trainer(_student(tmp_path, teacher_epochs=2), base_dir=tmp_path, observer=events.append, options=OPTIONS)
    trainer.run()
    assert trainer.distillation is not None and trainer.distillation.teacher.summary is not None
    assert trainer.distillation.teacher.summary.epochs == 2


def test_teacher_weights_are_loaded_instead_of_training(tmp_path: Path) -> None:
    teacher_experiment = experiment_from_dict(_teacher_doc())
    teacher = Trainer(teacher_experiment, options=OPTIONS)
    teacher.run()
    export_weights(teacher.model, tmp_path / "teacher.safetensors", teacher_experiment)
    events: list[Any] = []
    trainer = Trainer(
        _student(tmp_path, teacher_weights="teacher.safetensors"),
        base_dir=tmp_path,
        observer=events.append,
        options=OPTIONS,
    )
    trainer.begin()
    assert _messages(events) == ["Loaded the teacher's weights from teacher.safetensors."]
    assert trainer.distillation is not None and trainer.distillation.teacher.summary is None
    teacher.model.eval()
    with torch.no_grad():
        assert torch.equal(trainer.distillation.logits, teacher.model(trainer.x_train))
    trainer.finish()


def test_weights_of_another_model_are_refused_with_the_path_and_the_fix(tmp_path: Path) -> None:
    other = experiment_from_dict(_circle())
    export_weights(Trainer(other, options=OPTIONS).model, tmp_path / "other.safetensors", other)
    trainer = Trainer(_student(tmp_path, teacher_weights="other.safetensors"), base_dir=tmp_path, options=OPTIONS)
    with pytest.raises(ExperimentError) as caught:
        trainer.run()
    problem = caught.value.problems[0]
    assert problem.path == "training.distillation.teacher_weights"
    assert "other.safetensors" in problem.message and "do not fit the teacher's model" in problem.message
    assert not trainer._begun  # noqa: SLF001 - a failed start leaves the trainer ready for another


def test_stop_during_the_teachers_training_ends_the_run_before_the_student_trains(tmp_path: Path) -> None:
    events: list[Any] = []
    trainer: Trainer | None = None

    def observe(event: Any) -> None:
        events.append(event)
        if isinstance(event, StateEvent) and event.state == "teacher" and "epoch 1 of" in event.message:
            assert trainer is not None
            trainer.control.stop()  # the window's Stop, while the teacher trains

    trainer = Trainer(_student(tmp_path, _teacher_doc(epochs=50)), base_dir=tmp_path, observer=observe, options=OPTIONS)
    summary = trainer.run()
    assert summary.status == "stopped"
    assert "teacher" in summary.message
    assert summary.steps == 0 and trainer.step == 0
    assert not any("epoch 2 of 50" in m for m in _messages(events))
    assert trainer.distillation is None
    assert not any(isinstance(e, StepEvent) for e in events)


def test_pause_during_the_teachers_training_is_reported_as_the_runs(tmp_path: Path) -> None:
    events: list[Any] = []
    trainer: Trainer | None = None

    def observe(event: Any) -> None:
        events.append(event)
        assert trainer is not None
        if isinstance(event, StateEvent) and event.state == "teacher" and "epoch 1 of" in event.message:
            trainer.control.pause()
        elif isinstance(event, StateEvent) and event.state == "paused":
            trainer.control.resume()

    trainer = Trainer(_student(tmp_path), base_dir=tmp_path, observer=observe, options=OPTIONS)
    assert trainer.run().status == "completed"
    states = [e.state for e in events if isinstance(e, StateEvent)]
    paused = states.index("paused")
    assert "running" in states[paused:]
    assert states[paused + 1 :].count("teacher") >= 1  # paused while the teacher trained, which went on


def test_with_augmentation_the_teacher_sees_every_augmented_batch(tmp_path: Path) -> None:
    doc = _circle(distillation={"teacher": "teacher.json", "temperature": 4.0, "alpha": 0.3})
    doc["data"]["augmentation"] = {"jitter": 0.1}
    teacher = _teacher_doc()
    teacher["data"]["augmentation"] = {"jitter": 0.1}  # augmentation is no part of "the same data"
    _write(tmp_path, "teacher.json", teacher)
    trainer = Trainer(experiment_from_dict(doc), base_dir=tmp_path, options=OPTIONS)
    seen: list[torch.Tensor] = []
    trainer.begin()
    assert trainer.distillation is not None and trainer.distillation.per_batch
    trainer.distillation.teacher.model.register_forward_hook(lambda _m, inputs, _o: seen.append(inputs[0].clone()))
    trainer.train_steps(2)
    trainer.finish()
    assert len(seen) == 2
    first = seen[0]
    # the teacher saw a changed batch: no row of it is a row of the training split
    distances = torch.cdist(first, trainer.x_train).min(dim=1).values
    assert bool((distances > 0).all())


def test_the_objective_takes_rows_or_asks_the_teacher() -> None:
    spec = experiment_from_dict(_circle(distillation={"teacher": "t.json"})).training.distillation
    assert spec is not None
    model = torch.nn.Linear(3, 3)
    prepared = distillation.PreparedTeacher(model, TEACHER, None, Path("t.json"))
    rows = DistillationObjective(spec, prepared)
    idx = torch.tensor([2, 0])
    expected = distillation_loss(STUDENT[:2], TEACHER[idx], LABELS[:2], spec.temperature, spec.alpha)
    assert torch.equal(rows(STUDENT[:2], LABELS[:2], idx, torch.zeros(2, 3)), expected)
    asking = DistillationObjective(spec, prepared, per_batch=True)
    inputs = torch.randn(2, 3)
    with torch.no_grad():
        asked = distillation_loss(STUDENT[:2], model(inputs), LABELS[:2], spec.temperature, spec.alpha)
    assert torch.equal(asking(STUDENT[:2], LABELS[:2], idx, inputs), asked)


# ---- the format and its checks -------------------------------------------------------------------
def test_distillation_is_saved_only_when_set() -> None:
    assert "distillation" not in experiment_to_dict(experiment_from_dict(_circle()))["training"]
    settings = {"teacher": "teacher.json", "temperature": 2.0, "alpha": 0.5}
    saved = experiment_to_dict(experiment_from_dict(_circle(distillation=settings)))["training"]["distillation"]
    assert saved == settings
    again = experiment_from_dict(_circle(distillation=saved))
    assert again.training.distillation is not None and again.training.distillation.teacher_weights is None


@pytest.mark.parametrize(
    ("settings", "path"),
    [
        ({"teacher": "t.json", "temperature": 0.0}, "training.distillation.temperature"),
        ({"teacher": "t.json", "alpha": 1.5}, "training.distillation.alpha"),
        ({"teacher": ""}, "training.distillation.teacher"),
        ({"teacher": "t.json", "tau": 4}, "training.distillation.tau"),
    ],
)
def test_the_format_refuses_settings_out_of_range(settings: dict[str, Any], path: str) -> None:
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict(_circle(distillation=settings))
    assert [problem.path for problem in caught.value.problems] == [path]


def _problems(experiment: Any, folder: Path) -> list[Any]:
    with pytest.raises(ExperimentError) as caught:
        Trainer(experiment, base_dir=folder, options=OPTIONS)
    return caught.value.problems


def test_a_missing_teacher_is_named_with_the_fix(tmp_path: Path) -> None:
    experiment = experiment_from_dict(_circle(distillation={"teacher": "no_such_teacher.json"}))
    (problem,) = _problems(experiment, tmp_path)
    assert problem.path == "training.distillation.teacher"
    assert "no_such_teacher.json was not found" in problem.message and str(tmp_path) in problem.message
    assert "relative to this experiment's folder" in problem.message


def test_an_unreadable_teacher_is_named_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "teacher.json").write_text("{not json", encoding="utf-8")
    experiment = experiment_from_dict(_circle(distillation={"teacher": "teacher.json"}))
    (problem,) = _problems(experiment, tmp_path)
    assert problem.path == "training.distillation.teacher"
    assert str(tmp_path / "teacher.json") in problem.message
    assert "cannot be read as an experiment" in problem.message and "fix that file" in problem.message


def test_a_teacher_of_other_data_is_refused(tmp_path: Path) -> None:
    teacher = _teacher_doc()
    teacher["data"]["split"] = {"train": 0.5, "val": 0.25, "test": 0.25}
    teacher["data"]["params"]["noise"] = 0.3
    (problem,) = _problems(_student(tmp_path, teacher), tmp_path)
    assert problem.path == "training.distillation.teacher"
    assert "trained on other data (data.params, data.split differ)" in problem.message
    assert "give both the same data section" in problem.message


def test_distillation_is_for_classification_with_cross_entropy(tmp_path: Path) -> None:
    doc = chain(("fc", "Linear", {"out_features": 1}), dataset="outliers", loss="MSELoss")
    doc["version"] = FORMAT_VERSION
    doc["training"]["distillation"] = {"teacher": "teacher.json"}
    _write(tmp_path, "teacher.json", _teacher_doc())
    problems = _problems(experiment_from_dict(doc), tmp_path)
    paths = {problem.path: problem.message for problem in problems}
    assert "needs a classification dataset" in paths["training.distillation"]
    assert "set the loss to CrossEntropyLoss (it is MSELoss)" in paths["training.loss.type"]


def test_a_teacher_that_is_itself_distilled_is_refused(tmp_path: Path) -> None:
    teacher = _teacher_doc()
    teacher["training"]["distillation"] = {"teacher": "teacher.json"}
    (problem,) = _problems(_student(tmp_path, teacher), tmp_path)
    assert "is itself distilled" in problem.message


def test_missing_teacher_weights_are_named(tmp_path: Path) -> None:
    (problem,) = _problems(_student(tmp_path, teacher_weights="gone.safetensors"), tmp_path)
    assert problem.path == "training.distillation.teacher_weights"
    assert "gone.safetensors were not found" in problem.message and "remove teacher_weights" in problem.message


def test_a_bundled_preset_is_found_by_its_file_name_from_anywhere(tmp_path: Path) -> None:
    preset = json.loads(
        (Path(__file__).resolve().parents[2] / "presets" / "distillation_teacher_circle.json").read_text("utf-8")
    )
    doc = _circle(distillation={"teacher": "distillation_teacher_circle.json"})
    doc["data"] = preset["data"]
    found = distillation.check_distillation(experiment_from_dict(doc), None, "classification")
    assert found.path.name == "distillation_teacher_circle.json" and found.path.is_file()


# ---- export --------------------------------------------------------------------------------------
def test_the_python_export_refuses_distillation_with_what_to_do(tmp_path: Path) -> None:
    from playground.core.errors import ExportError
    from playground.core.export import export

    experiment = _student(tmp_path)
    with pytest.raises(ExportError) as caught:
        export(experiment, "python", tmp_path / "student.py", base_dir=tmp_path)
    message = str(caught.value)
    assert "knowledge distillation (training.distillation) is not exported yet" in message
    assert "remove training.distillation" in message
    assert not (tmp_path / "student.py").exists() and not (tmp_path / "student_data.npz").exists()
    # the student model itself exports as ever: distillation changes how it trains, not what it is
    result = export(experiment, "safetensors", tmp_path / "student.safetensors", base_dir=tmp_path)
    assert result.path.is_file()
