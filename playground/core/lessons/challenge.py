"""Challenge mode: the teacher's constraints (a parameter budget, an epoch budget, the layer types
allowed), how an experiment stands against them, and the leaderboard of the attempts that kept to
them, ranked by the challenge's score.

The parameter count is the shape inference's (`check_experiment`, what the Summary panel shows),
so the standing can be shown while the student edits, before any run.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from playground.core.catalogue import LAYERS
from playground.core.errors import PlaygroundError, Problem
from playground.core.experiment.schema import (
    MAX_LEADERBOARD,
    MAX_SETTING_TEXT,
    Challenge,
    Experiment,
    LeaderboardEntry,
    Lesson,
    SettingValue,
)
from playground.core.graph.inference import TargetFacts, check_experiment
from playground.core.i18n import _
from playground.core.lessons.goals import QUANTITIES, format_quantity, quantity_label
from playground.core.training.events import Summary

ALWAYS_ALLOWED = frozenset({"Input"})  # every model starts with one
COUNTED_STATUSES = frozenset({"completed", "early_stopped"})  # runs that finished (not stopped, not diverged)


def parameter_count(experiment: Experiment, facts: TargetFacts) -> int | None:
    """Trainable parameters of the model, as shape inference counts them; None while the graph has
    errors (its count would be a guess)."""
    try:
        report = check_experiment(experiment, facts)
    except PlaygroundError:
        return None
    return report.total_params if report.valid else None


def layer_types(experiment: Experiment) -> list[str]:
    """The layer types the model uses (the Input left out), in the order they first appear."""
    return list(dict.fromkeys(node.type for node in experiment.model.nodes if node.type not in ALWAYS_ALLOWED))


@dataclass(frozen=True)
class Standing:
    """How an experiment keeps to a challenge; None for a constraint the challenge does not set
    (or a parameter count not known: a graph with errors)."""

    parameters: int | None
    parameters_ok: bool | None
    epochs: int
    epochs_ok: bool | None
    layers: tuple[str, ...]
    not_allowed: tuple[str, ...]
    layers_ok: bool | None

    @property
    def ok(self) -> bool:
        """Every constraint the challenge sets is kept (an unknown parameter count is not)."""
        return self.parameters_ok is not False and self.epochs_ok is not False and self.layers_ok is not False

    def problems(self, challenge: Challenge) -> list[str]:
        """What breaks the challenge, in the current language (empty when it is kept)."""
        found = []
        if self.parameters_ok is False:
            if self.parameters is None:
                found.append(_("the parameter count is not known: fix the graph's problems first"))
            else:
                found.append(
                    _("{count} parameters (at most {limit})").format(
                        count=f"{self.parameters:,}", limit=f"{challenge.max_parameters:,}"
                    )
                )
        if self.epochs_ok is False:
            found.append(_("{count} epochs (at most {limit})").format(count=self.epochs, limit=challenge.max_epochs))
        if self.layers_ok is False:
            found.append(_("layers not allowed: {names}").format(names=", ".join(self.not_allowed)))
        return found


def standing(challenge: Challenge, experiment: Experiment, parameters: int | None) -> Standing:
    """Where `experiment` (with `parameters`, see `parameter_count`) stands against `challenge`;
    the epochs are those it is set to train."""
    epochs = experiment.training.epochs
    used = tuple(layer_types(experiment))
    allowed = set(challenge.allowed_layers) | ALWAYS_ALLOWED
    not_allowed = tuple(name for name in used if name not in allowed) if challenge.allowed_layers else ()
    return Standing(
        parameters=parameters,
        parameters_ok=None
        if challenge.max_parameters is None
        else parameters is not None and parameters <= challenge.max_parameters,
        epochs=epochs,
        epochs_ok=None if challenge.max_epochs is None else epochs <= challenge.max_epochs,
        layers=used,
        not_allowed=not_allowed,
        layers_ok=None if not challenge.allowed_layers else not not_allowed,
    )


# ---- attempts and the leaderboard -------------------------------------------------------------------
def attempt_score(challenge: Challenge, summary: Summary) -> float | None:
    """The run's score for the challenge (its `score` quantity), or None: a run that did not
    finish (stopped, diverged) or did not report that number (a classification score of a
    regression run) does not count."""
    if summary.status not in COUNTED_STATUSES:
        return None
    value = getattr(summary, challenge.score, None)
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def format_score(challenge: Challenge, score: float) -> str:
    """The score as read: "96.7 % test accuracy", in the current language."""
    return _("{value} {quantity}").format(
        value=format_quantity(challenge.score, score), quantity=quantity_label(challenge.score)
    )


def attempt_settings(experiment: Experiment, parameters: int | None, summary: Summary) -> dict[str, SettingValue]:
    """What the leaderboard keeps of an attempt: its size, epochs, layers and optimizer."""
    training = experiment.training
    lr = training.optimizer.params.get("lr")
    layers = ", ".join(layer_types(experiment))
    if len(layers) > MAX_SETTING_TEXT:
        layers = layers[: MAX_SETTING_TEXT - 1] + "…"
    return {
        "parameters": parameters,
        "epochs": summary.epochs,
        "layers": layers,
        "optimizer": training.optimizer.type,
        "lr": float(lr) if isinstance(lr, (int, float)) and not isinstance(lr, bool) else None,
        "batch_size": training.batch_size,
    }


def attempt_entry(
    challenge: Challenge,
    experiment: Experiment,
    parameters: int | None,
    summary: Summary,
    name: str,
    date: str | None = None,
) -> LeaderboardEntry | None:
    """The leaderboard entry of a run (`experiment`: the settings it trained with), or None when
    it does not count: it broke a constraint, did not finish, or has no score."""
    score = attempt_score(challenge, summary)
    if score is None or not standing(challenge, experiment, parameters).ok:
        return None
    if challenge.max_epochs is not None and summary.epochs > challenge.max_epochs:
        return None
    return LeaderboardEntry(
        name=clean_name(name),
        score=score,
        date=date or _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        settings=attempt_settings(experiment, parameters, summary),
    )


def clean_name(name: str) -> str:
    """A name as the leaderboard keeps it: one line, at most 80 characters, never empty."""
    text = " ".join(name.split())[:80]
    return text or _("Anonymous")


def _rank_key(challenge: Challenge, entry: LeaderboardEntry) -> tuple[float, float, str]:
    better_high = QUANTITIES[challenge.score].higher_is_better
    parameters = entry.settings.get("parameters")
    size = float(parameters) if isinstance(parameters, (int, float)) else float("inf")
    return (-entry.score if better_high else entry.score, size, entry.date)


def ranked(challenge: Challenge, entries: Sequence[LeaderboardEntry]) -> list[LeaderboardEntry]:
    """The entries, the best score first; on a tie the smaller model, then the earlier attempt."""
    return sorted(entries, key=lambda entry: _rank_key(challenge, entry))


def with_entry(lesson: Lesson, entry: LeaderboardEntry) -> Lesson:
    """A copy of `lesson` whose leaderboard has `entry` in its place (the best first), keeping the
    best MAX_LEADERBOARD entries. The lesson needs a challenge (ValueError otherwise)."""
    if lesson.challenge is None:
        raise ValueError("the lesson sets no challenge")
    board = ranked(lesson.challenge, [*lesson.leaderboard, entry])[:MAX_LEADERBOARD]
    return lesson.model_copy(update={"leaderboard": board}, deep=True)


def challenge_problems(lesson: Lesson, path: str = "lesson") -> list[Problem]:
    """Meaning the schema cannot check: the allowed layers must be layer types the palette has."""
    if lesson.challenge is None:
        return []
    return [
        Problem(
            f"{path}.challenge.allowed_layers[{index}]",
            _("unknown layer type {type!r} (available: {available})").format(type=name, available=", ".join(LAYERS)),
        )
        for index, name in enumerate(lesson.challenge.allowed_layers)
        if name not in LAYERS
    ]
