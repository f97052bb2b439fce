"""A lesson's goals tick exactly when their conditions hold, and not before; a run that ends
without them has missed them; a goal that beats a variant waits for the variant's race. Challenge
mode checks an experiment against the teacher's constraints and ranks the attempts that keep to
them. The lesson section round-trips through the file and its mistakes are named by path."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from playground.core import i18n
from playground.core.compare.history import RunRecord
from playground.core.data import describe_dataset
from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict, experiment_to_dict, experiment_to_json, load_experiment
from playground.core.experiment.identity import trains_the_same
from playground.core.experiment.schema import FORMAT_VERSION, Challenge, Goal, GoalCondition, LeaderboardEntry, Lesson
from playground.core.graph.builder import build_model
from playground.core.lessons.challenge import (
    attempt_entry,
    attempt_score,
    parameter_count,
    ranked,
    standing,
    with_entry,
)
from playground.core.lessons.goals import (
    QUANTITIES,
    GoalTracker,
    Measurement,
    epoch_measurement,
    final_measurement,
    variant_results,
)
from playground.core.training import EpochEvent, Summary, Trainer
from playground.core.training.diagnostics import Diagnostics
from tests.core.factories import xor_document

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def goal(*conditions: tuple[str, str, float | str], when: str = "any_epoch", text: str = "a goal") -> Goal:
    """A goal from (quantity, comparison, threshold) triples; a text threshold names a variant."""
    made = [
        GoalCondition(quantity=q, compare=c, variant=t)
        if isinstance(t, str)
        else GoalCondition(quantity=q, compare=c, value=t)
        for q, c, t in conditions
    ]
    return Goal(text=text, conditions=made, when=when)


def epoch(number: int, **values: float) -> Measurement:
    return Measurement(number, {"epochs": float(number), **values})


def statuses(tracker: GoalTracker) -> list[tuple[str, int | None]]:
    return [(state.status, state.epoch) for state in tracker.states()]


def summary(**values: object) -> Summary:
    fields = {"status": "completed", "message": "", "epochs": 3, "steps": 30, **values}
    return Summary(**fields)  # type: ignore[arg-type]


# ---- goals ------------------------------------------------------------------------------------------------
def test_a_goal_ticks_in_the_epoch_its_conditions_first_hold_and_not_before():
    accuracy = goal(("val_accuracy", "at_least", 0.95))
    tracker = GoalTracker([accuracy])
    assert statuses(tracker) == [("pending", None)]
    assert tracker.observe(epoch(1, val_accuracy=0.60)) == []
    assert tracker.observe(epoch(2, val_accuracy=0.9499)) == []  # just below: not yet
    assert statuses(tracker) == [("pending", None)]
    assert tracker.observe(epoch(3, val_accuracy=0.95)) == [0]  # "at least" includes the threshold
    assert statuses(tracker) == [("met", 3)]
    assert tracker.observe(epoch(4, val_accuracy=0.70)) == []  # a met goal stays met, at the epoch it was met
    assert statuses(tracker) == [("met", 3)]
    state = tracker.states()[0]
    assert state.conditions[0].value == 0.95 and state.conditions[0].holds


def test_every_condition_must_hold_at_once():
    small_and_good = goal(("val_accuracy", "at_least", 0.9), ("parameters", "at_most", 50))
    within = goal(("val_accuracy", "above", 0.8), ("epochs", "at_most", 2))
    tracker = GoalTracker([small_and_good, within])
    tracker.observe(epoch(1, val_accuracy=0.75, parameters=60))
    tracker.observe(epoch(2, val_accuracy=0.80, parameters=60))  # 0.80 is not above 0.80
    tracker.observe(epoch(3, val_accuracy=0.95, parameters=60))  # accurate, but too big and too late
    assert statuses(tracker) == [("pending", None), ("pending", None)]
    other = GoalTracker([small_and_good, within])
    other.observe(epoch(1, val_accuracy=0.85, parameters=48))
    other.observe(epoch(2, val_accuracy=0.92, parameters=48))
    assert statuses(other) == [("met", 2), ("met", 1)]  # 0.85 is above 0.8 in epoch 1


def test_comparisons_below_and_above_are_strict():
    tracker = GoalTracker([goal(("val_loss", "below", 0.5)), goal(("train_loss", "at_most", 0.5))])
    tracker.observe(epoch(1, val_loss=0.5, train_loss=0.5))
    assert statuses(tracker) == [("pending", None), ("met", 1)]
    tracker.observe(epoch(2, val_loss=0.4999, train_loss=0.4))
    assert statuses(tracker) == [("met", 2), ("met", 1)]


def test_a_run_that_ends_without_a_goal_has_missed_it_and_end_goals_wait_for_the_end():
    live = goal(("val_accuracy", "at_least", 0.99))
    at_end = goal(("val_accuracy", "at_least", 0.5), when="end")
    test_goal = goal(("test_accuracy", "at_least", 0.9), ("parameters", "at_most", 30))
    tracker = GoalTracker([live, at_end, test_goal])
    for number in (1, 2, 3):
        tracker.observe(epoch(number, val_accuracy=0.9, parameters=22))
    assert statuses(tracker) == [("pending", None)] * 3  # an end goal is not judged on an epoch
    assert not tracker.finished
    met = tracker.finish(final_measurement(summary(val_accuracy=0.9, test_accuracy=0.93), tracker.latest(), 22))
    assert met == [1, 2]
    assert tracker.finished
    assert statuses(tracker) == [("missed", None), ("met", 3), ("met", 3)]


def test_gradient_goals_read_the_first_and_last_layer_of_the_diagnostics():
    def diagnostics(first: float, last: float, at: int) -> Diagnostics:
        norms = np.array([first, 0.5, last])
        return Diagnostics(["fc1", "fc2", "logits"], norms, norms, norms, epoch=at)

    rows = [SimpleNamespace(epoch=n, train_loss=0.5, val_loss=0.6, val_accuracy=0.7) for n in (1, 2, 3)]
    healthy = goal(("first_grad_norm", "above", 1e-3), ("grad_ratio", "at_least", 0.01))
    tracker = GoalTracker([healthy, goal(("last_grad_norm", "at_most", 0.1))])
    tracker.observe(epoch_measurement(rows[0], diagnostics(1e-4, 1.0, 1)))  # vanishing: a 1e-4 ratio
    tracker.observe(epoch_measurement(rows[1], None))  # an epoch without diagnostics knows no gradients
    tracker.observe(epoch_measurement(rows[2], diagnostics(2e-3, 0.1, 2)))  # another epoch's: ignored
    assert statuses(tracker) == [("pending", None), ("pending", None)]
    assert tracker.states()[0].conditions[1].value == pytest.approx(1e-4)  # the latest known ratio
    tracker.observe(epoch_measurement(SimpleNamespace(epoch=4, train_loss=0.4), diagnostics(2e-3, 0.1, 4)))
    assert statuses(tracker) == [("met", 4), ("met", 4)]
    assert tracker.states()[0].conditions[1].value == pytest.approx(0.02)


def test_a_goal_that_beats_a_variant_waits_for_its_race_then_is_judged_over_the_run():
    beat = goal(("val_loss", "below", "No dropout"))
    tracker = GoalTracker([beat])
    for number, loss in ((1, 0.9), (2, 0.7), (3, 0.55)):
        tracker.observe(epoch(number, val_loss=loss))
    tracker.finish(final_measurement(summary(val_loss=0.55), tracker.latest()))
    state = tracker.states()[0]
    assert state.status == "pending" and state.waiting_for == ("No dropout",)  # not missed: not raced yet
    assert "race the variants first" in state.conditions[0].describe()
    assert tracker.set_variants({"Other": {"val_loss": 0.1}}) == []
    assert tracker.states()[0].waiting_for == ("No dropout",)
    assert tracker.set_variants({"No dropout": {"val_loss": 0.8}}) == [0]
    assert statuses(tracker) == [("met", 2)]  # 0.7 < 0.8 was the first epoch below it
    assert "what No dropout reached" in tracker.states()[0].conditions[0].describe()
    tracker.set_variants({"No dropout": {"val_loss": 0.3}})  # a better race of the variant: judged again
    assert statuses(tracker) == [("missed", None)]


def test_variant_results_come_from_the_races_in_the_run_history():
    document = xor_document()
    document["version"] = FORMAT_VERSION
    document["lesson"] = {
        "variants": [{"name": "No dropout", "changes": {}, "translations": {"zh_CN": "无 Dropout"}}],
        "goals": [
            {
                "text": "Beat it",
                "conditions": [{"quantity": "val_loss", "compare": "below", "variant": "No dropout"}],
            }
        ],
    }
    lesson = experiment_from_dict(document).lesson
    single_run = RunRecord(name="Run 1", settings={"lr": 0.01}, final={"val_loss": 0.1})
    raced_in_chinese = RunRecord(
        name="无 Dropout", kind="race", settings={"variant": "无 Dropout"}, final={"val_loss": 0.9}
    )
    assert variant_results(lesson, [single_run]) == {}
    assert variant_results(lesson, [single_run, raced_in_chinese]) == {"No dropout": {"val_loss": 0.9}}
    raced_again = RunRecord(name="No dropout", kind="race", settings={"variant": "No dropout"}, final={"val_loss": 0.7})
    assert variant_results(lesson, [raced_in_chinese, raced_again]) == {"No dropout": {"val_loss": 0.7}}


def test_a_real_run_ticks_its_goals_at_the_epochs_its_events_show(one_torch_thread):
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.device = "cpu"
    experiment.training.epochs = 12
    events: list[EpochEvent] = []
    result = Trainer(experiment, observer=lambda e: events.append(e) if isinstance(e, EpochEvent) else None).run()
    parameters = parameter_count(experiment, describe_dataset(experiment.data, None))
    facts = describe_dataset(experiment.data, None)
    assert parameters == 22 == sum(p.numel() for p in build_model(experiment, facts).parameters())
    target = sorted(e.val_accuracy for e in events)[len(events) // 2]  # reached about half-way
    tracker = GoalTracker([goal(("val_accuracy", "at_least", target)), goal(("parameters", "at_most", 21))])
    for event in events:
        tracker.observe(epoch_measurement(event, event.diagnostics, parameters))
    tracker.finish(final_measurement(result, tracker.latest(), parameters))
    first = next(e.epoch for e in events if e.val_accuracy >= target)
    assert statuses(tracker) == [("met", first), ("missed", None)]


def test_the_quantities_say_how_they_read():
    i18n.set_language("en")
    assert set(QUANTITIES) >= {"test_accuracy", "val_loss", "parameters", "epochs", "grad_ratio"}
    state = GoalTracker([goal(("val_accuracy", "at_least", 0.95), ("parameters", "at_most", 50))])
    state.observe(epoch(1, val_accuracy=0.9667, parameters=22))
    texts = [c.describe() for c in state.states()[0].conditions]
    assert texts == ["validation accuracy 96.67 % (needs ≥ 95 %)", "parameters 22 (needs ≤ 50)"]


def test_a_preview_shows_the_model_size_before_a_run_and_judges_nothing():
    tracker = GoalTracker([goal(("parameters", "at_most", 50)), goal(("val_accuracy", "at_least", 0.5))])
    states = tracker.states(Measurement(0, {"parameters": 22.0}))
    assert [state.status for state in states] == ["pending", "pending"]
    assert states[0].conditions[0].value == 22 and states[0].conditions[0].holds
    assert states[1].conditions[0].value is None


# ---- challenge -------------------------------------------------------------------------------------
def xor_experiment():
    document = xor_document()
    document["version"] = FORMAT_VERSION
    return experiment_from_dict(document)


def test_the_standing_checks_the_parameter_budget_the_epochs_and_the_layers():
    experiment = xor_experiment()  # Linear(4), Tanh, Linear(2): 22 parameters, 5 epochs
    parameters = parameter_count(experiment, describe_dataset(experiment.data, None))
    assert parameters == 22
    kept = standing(
        Challenge(max_parameters=22, max_epochs=5, allowed_layers=["Linear", "Tanh"]), experiment, parameters
    )
    assert kept.ok and kept.parameters_ok and kept.epochs_ok and kept.layers_ok
    assert kept.layers == ("Linear", "Tanh")
    broken = standing(
        Challenge(max_parameters=21, max_epochs=4, allowed_layers=["Linear", "ReLU"]), experiment, parameters
    )
    assert not broken.ok and broken.not_allowed == ("Tanh",)
    i18n.set_language("en")
    assert broken.problems(Challenge(max_parameters=21, max_epochs=4)) == [
        "22 parameters (at most 21)",
        "5 epochs (at most 4)",
        "layers not allowed: Tanh",
    ]
    free = standing(Challenge(), experiment, None)
    assert free.ok and free.parameters_ok is None and free.layers_ok is None
    assert not standing(Challenge(max_parameters=100), experiment, None).ok  # an unknown count does not pass


def test_an_attempt_counts_only_when_it_keeps_to_the_challenge_and_finished():
    experiment = xor_experiment()
    challenge = Challenge(max_parameters=30, allowed_layers=["Linear", "Tanh"])
    good = summary(test_accuracy=0.9, epochs=5)
    entry = attempt_entry(challenge, experiment, 22, good, "  Ada\nLovelace ", date="2025-01-01T10:00:00+00:00")
    assert entry is not None and entry.name == "Ada Lovelace" and entry.score == 0.9
    assert entry.settings == {
        "parameters": 22,
        "epochs": 5,
        "layers": "Linear, Tanh",
        "optimizer": "Adam",
        "lr": 0.01,
        "batch_size": 16,
    }
    assert attempt_entry(challenge, experiment, 31, good, "Big") is None
    assert attempt_entry(challenge, experiment, 22, summary(status="stopped", test_accuracy=0.9), "Quitter") is None
    assert attempt_entry(challenge, experiment, 22, summary(status="diverged"), "Boom") is None
    assert attempt_score(challenge, summary(test_accuracy=None)) is None
    assert attempt_score(Challenge(score="val_loss"), summary(val_loss=0.25)) == 0.25
    assert attempt_entry(challenge, experiment, 22, good, "   ").name == "Anonymous"


def test_the_leaderboard_keeps_the_best_first():
    lesson = Lesson(challenge=Challenge(max_parameters=50))

    def entry(name: str, score: float, parameters: int, date: str = "2025-01-01") -> LeaderboardEntry:
        return LeaderboardEntry(name=name, score=score, date=date, settings={"parameters": parameters})

    for made in (entry("b", 0.90, 40), entry("a", 0.95, 48), entry("c", 0.90, 22), entry("d", 0.90, 22, "2024-12-31")):
        lesson = with_entry(lesson, made)
    assert [e.name for e in lesson.leaderboard] == ["a", "d", "c", "b"]  # ties: smaller, then earlier
    losses = Challenge(score="val_loss")
    assert [e.name for e in ranked(losses, lesson.leaderboard)] == ["d", "c", "b", "a"]  # a loss: lower is better
    with pytest.raises(ValueError):
        with_entry(Lesson(), entry("x", 1.0, 1))


# ---- the file ----------------------------------------------------------------------------------------
LESSON = {
    "variants": [{"name": "No dropout", "changes": {"model.nodes.hidden.params.out_features": 8}}],
    "goals": [
        {
            "text": "Test accuracy ≥ 95 % with at most 22 parameters",
            "explanation": "Four hidden units are enough.",
            "conditions": [
                {"quantity": "test_accuracy", "compare": "at_least", "value": 0.95},
                {"quantity": "parameters", "compare": "at_most", "value": 22},
            ],
            "when": "end",
            "translations": {"zh_CN": {"text": "测试准确率 ≥ 95 %", "explanation": "四个隐藏单元就够了。"}},
        },
        {
            "text": "Beat the variant",
            "conditions": [{"quantity": "val_loss", "compare": "below", "variant": "No dropout"}],
        },
    ],
    "challenge": {"max_parameters": 50, "max_epochs": 60, "allowed_layers": ["Linear", "Tanh", "ReLU"]},
    "leaderboard": [
        {
            "name": "Ada",
            "score": 0.967,
            "date": "2025-01-01T10:00:00+01:00",
            "settings": {"parameters": 22, "layers": "Linear, Tanh", "lr": 0.03, "batch_size": "full"},
        }
    ],
}


def with_lesson(lesson: object) -> dict:
    document = xor_document()
    document["version"] = FORMAT_VERSION
    document["lesson"] = lesson
    return document


def test_the_lesson_section_round_trips_through_the_file():
    experiment = experiment_from_dict(with_lesson(LESSON))
    lesson = experiment.lesson
    assert lesson is not None and len(lesson.goals) == 2 and lesson.challenge.max_parameters == 50
    assert lesson.goals[0].localized_text("zh_CN") == "测试准确率 ≥ 95 %"
    assert lesson.goals[0].localized_explanation("zh_CN") == "四个隐藏单元就够了。"
    assert lesson.goals[1].localized_text("zh_CN") == "Beat the variant"  # no translation: the default
    saved = experiment_to_dict(experiment)
    assert saved["lesson"] == LESSON  # written as given: defaults left out, nothing added
    again = experiment_from_dict(saved)
    assert again.lesson == lesson
    assert experiment_to_json(again) == experiment_to_json(experiment)
    assert trains_the_same(experiment, again.model_copy(update={"lesson": None}))  # the lesson does not train


def test_a_lesson_with_nothing_in_it_is_not_written():
    experiment = experiment_from_dict(with_lesson({"goals": [], "leaderboard": []}))
    assert "lesson" not in experiment_to_dict(experiment)
    only_board = experiment_from_dict(with_lesson({"leaderboard": LESSON["leaderboard"]}))
    assert experiment_to_dict(only_board)["lesson"] == {"leaderboard": LESSON["leaderboard"]}


def problems(lesson: object) -> dict[str, str]:
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict(with_lesson(lesson))
    return {problem.path: problem.message for problem in caught.value.problems}


def test_mistakes_in_the_lesson_are_named_by_path_with_the_fix():
    i18n.set_language("en")
    found = problems(
        {
            "variants": [{"name": "No dropout", "changes": {}}],
            "goals": [
                {
                    "text": "Percent, not a fraction",
                    "conditions": [
                        {"quantity": "val_accuracy", "compare": "at_least", "value": 95},
                        {"quantity": "val_loss", "compare": "below", "variant": "No drop"},
                        {"quantity": "parameters", "compare": "at_most", "variant": "No dropout"},
                    ],
                }
            ],
            "challenge": {"allowed_layers": ["Linear", "Lineer"]},
        }
    )
    assert found["lesson.goals[0].conditions[0].value"].startswith(
        "val_accuracy is a fraction from 0 to 1: write 95 % as 0.95"
    )
    assert found["lesson.goals[0].conditions[1].variant"] == (
        "no variant is called 'No drop' (variants: 'No dropout'); name one of lesson.variants"
    )
    assert "compare parameters with a number" in found["lesson.goals[0].conditions[2].quantity"]
    assert found["lesson.challenge.allowed_layers[1]"].startswith(
        "unknown layer type 'Lineer' (available: Input, Linear"
    )
    assert len(found) == 4


def test_structural_mistakes_are_the_schemas():
    found = problems(
        {
            "goals": [
                {"text": "No threshold", "conditions": [{"quantity": "val_accuracy", "compare": "at_least"}]},
                {"text": "", "conditions": []},
                {"text": "Unknown", "conditions": [{"quantity": "speed", "compare": "at_least", "value": 1}]},
                {"text": "Bad compare", "conditions": [{"quantity": "val_loss", "compare": "≤", "value": 1}]},
            ],
            "challenge": {"max_parameters": 0},
            "leaderboard": [{"name": "", "score": 1.0}],
        }
    )
    assert "either a number" in found["lesson.goals[0].conditions[0]"]
    assert {"lesson.goals[1].text", "lesson.goals[1].conditions"} <= set(found)
    assert found["lesson.goals[2].conditions[0].quantity"].startswith("must be 'test_accuracy'")
    assert "lesson.goals[3].conditions[0].compare" in found
    assert "lesson.challenge.max_parameters" in found and "lesson.leaderboard[0].name" in found
    assert (
        "variants"
        in problems(
            {"goals": [{"text": "x", "conditions": [{"quantity": "val_loss", "compare": "below", "variant": "A"}]}]}
        )["lesson.goals[0].conditions[0].variant"]
    )


def test_the_document_replaces_the_lesson_and_says_so():
    from playground.core.document import ExperimentDocument

    document = ExperimentDocument(xor_experiment())
    fields: list[str] = []
    document.settings_changed.connect(fields.append)
    board = Lesson(challenge=Challenge(max_parameters=30))
    assert document.set_lesson(board) is None
    assert document.experiment.lesson == board and document.experiment.lesson is not board  # its own copy
    assert document.set_lesson(Lesson()) == board
    assert document.experiment.lesson is None  # an empty lesson is none
    assert fields == ["lesson", "lesson"]
