"""TensorBoard's smoothing, in one place: an exponential moving average with the start-up bias
removed. The live loss curve, the run history, race curves and the LR range test all use it.

s_t = w·s_{t-1} + (1-w)·x_t, reported as s_t / (1 - w^n) over the n finite values so far;
non-finite values are skipped (they would poison every later point) and come out as NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

MAX_WEIGHT = 0.999  # a weight of 1 would never move


class DebiasedEma:
    """The streaming form: feed values as they arrive; the state carries over between calls."""

    def __init__(self, weight: float = 0.6) -> None:
        self.weight = float(min(max(weight, 0.0), MAX_WEIGHT))
        self.reset()

    def reset(self) -> None:
        self._state = 0.0
        self._count = 0

    def feed(self, values: np.ndarray | Sequence[float]) -> np.ndarray:
        data = np.asarray(values, dtype=np.float64)
        out = np.empty(data.size, dtype=np.float64)
        w = self.weight
        state, count = self._state, self._count
        for i, value in enumerate(data.tolist()):
            if not math.isfinite(value):
                out[i] = math.nan
                continue
            state = w * state + (1.0 - w) * value
            count += 1
            out[i] = state / (1.0 - w**count) if w > 0 else value
        self._state, self._count = state, count
        return out

    def push(self, value: float) -> float:
        """One value in, its smoothed value out (NaN for a non-finite value)."""
        return float(self.feed([value])[0])


def smooth_ema(values: Sequence[float] | np.ndarray, weight: float) -> np.ndarray:
    """The whole series smoothed at once (a copy when `weight` is 0)."""
    return DebiasedEma(weight).feed(values)
