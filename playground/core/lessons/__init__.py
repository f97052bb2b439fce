"""What a lesson asks of the student beyond its text: goals checked while training
(`goals`) and challenge mode with its leaderboard (`challenge`). Qt-free."""

from playground.core.lessons.challenge import (
    Standing,
    attempt_entry,
    attempt_score,
    format_score,
    parameter_count,
    ranked,
    standing,
    with_entry,
)
from playground.core.lessons.goals import (
    QUANTITIES,
    GoalState,
    GoalTracker,
    Measurement,
    epoch_measurement,
    final_measurement,
    variant_results,
)

__all__ = [
    "QUANTITIES",
    "GoalState",
    "GoalTracker",
    "Measurement",
    "Standing",
    "attempt_entry",
    "attempt_score",
    "epoch_measurement",
    "final_measurement",
    "format_score",
    "parameter_count",
    "ranked",
    "standing",
    "variant_results",
    "with_entry",
]
