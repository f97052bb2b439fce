"""A sweep as parallel coordinates: one vertical axis per setting and one for the metric.

Each combination of settings is a line across the axes. A numeric setting is placed by value (on
a log scale when its values are positive and span more than a factor of ten, as learning rates
do); any other setting by the order of its values. The metric's axis runs from its worst to its
best value, so the best combinations end at the top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from playground.core.sweeps.runner import SettingSummary

HIGHER_IS_BETTER = frozenset({"val_accuracy", "test_accuracy", "val_r2", "test_r2"})


@dataclass(frozen=True)
class ParallelAxis:
    """One axis: its name, and the ticks as (position 0..1, label)."""

    name: str
    ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class ParallelCoordinates:
    axes: tuple[ParallelAxis, ...]  # the settings, then the metric
    lines: tuple[tuple[float, ...], ...]  # per combination: its position (0..1) on every axis
    scores: tuple[float, ...]  # per combination: the metric's mean (the line's colour)


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _placer(values: list[Any]) -> tuple[Any, tuple[tuple[float, str], ...]]:
    """How a setting's values map to 0..1, and the ticks of its axis."""
    distinct = list(dict.fromkeys(values))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in distinct)
    if numeric and len(distinct) > 1:
        low, high = min(distinct), max(distinct)
        logarithmic = low > 0 and high / low > 10

        def place(value: Any) -> float:
            if logarithmic:
                return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
            return float((value - low) / (high - low))

    else:
        order = {repr(value): index for index, value in enumerate(distinct)}

        def place(value: Any) -> float:
            return order[repr(value)] / max(1, len(distinct) - 1) if len(distinct) > 1 else 0.5

    ticks = tuple(sorted(((place(value), _label(value)) for value in distinct), key=lambda tick: tick[0]))
    return place, ticks


def parallel_coordinates(summaries: list[SettingSummary], metric: str) -> ParallelCoordinates:
    """The parallel-coordinates picture of `summaries` for `metric` (combinations without it are left out)."""
    kept = [summary for summary in summaries if metric in summary.mean]
    names = list(dict.fromkeys(name for summary in kept for name in summary.settings))
    placers = [_placer([summary.settings.get(name) for summary in kept]) for name in names]
    scores = [summary.mean[metric] for summary in kept]
    better_high = metric in HIGHER_IS_BETTER
    low, high = (min(scores), max(scores)) if scores else (0.0, 1.0)
    span = high - low

    def on_metric(score: float) -> float:
        share = (score - low) / span if span else 0.5
        return share if better_high else 1.0 - share

    metric_ticks = tuple(sorted(((on_metric(value), f"{value:.4g}") for value in {low, high}), key=lambda t: t[0]))
    axes = [ParallelAxis(name.rsplit(".", 1)[-1], ticks) for name, (_place, ticks) in zip(names, placers, strict=True)]
    axes.append(ParallelAxis(metric, metric_ticks))
    lines = tuple(
        (
            *(place(summary.settings.get(name)) for name, (place, _ticks) in zip(names, placers, strict=True)),
            on_metric(score),
        )
        for summary, score in zip(kept, scores, strict=True)
    )
    return ParallelCoordinates(tuple(axes), lines, tuple(scores))
