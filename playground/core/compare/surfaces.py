"""Classic 2-D test functions for watching optimizers move: each with a start, a view and its minima.

Every function is written with torch operations so autograd gives its gradient, and works on
numpy grids too (through `grid`) for the contour map.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

Function = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Surface:
    """A 2-D function f(x, y) with what a plot of it needs."""

    name: str  # key, e.g. "rosenbrock"
    title: str  # shown in the panel
    formula: str
    function: Function
    start: tuple[float, float]  # default start of every path
    view: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
    minima: tuple[tuple[float, float], ...]  # the (known) minima, global first
    lesson: str  # what this surface shows (English; the UI translates)
    steps: int = 300  # a sensible default path length
    learning_rates: tuple[tuple[str, float], ...] = ()  # optimizer key -> a learning rate that works here

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.function(x, y)

    def value(self, x: float, y: float) -> float:
        with torch.no_grad():
            return float(
                self.function(torch.tensor(float(x), dtype=torch.float64), torch.tensor(float(y), dtype=torch.float64))
            )

    @property
    def minimum_value(self) -> float:
        return min(self.value(x, y) for x, y in self.minima)

    def learning_rate(self, optimizer: str, default: float) -> float:
        return dict(self.learning_rates).get(optimizer, default)

    def grid(self, resolution: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """xs (nx), ys (ny) and z (ny, nx): f on a regular grid over the view box."""
        x_min, x_max, y_min, y_max = self.view
        xs = np.linspace(x_min, x_max, resolution)
        ys = np.linspace(y_min, y_max, resolution)
        gx, gy = np.meshgrid(xs, ys)
        with torch.no_grad():
            z = self.function(torch.from_numpy(gx), torch.from_numpy(gy)).numpy()
        return xs, ys, z


def log_levels(z: np.ndarray, count: int = 14, floor: float | None = None) -> np.ndarray:
    """Contour levels spaced evenly in log(f − f_min): dense near the minimum, sparse on the walls."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.array([])
    low = float(finite.min()) if floor is None else float(floor)
    span = float(finite.max()) - low
    if span <= 0:
        return np.array([low])
    return low + np.geomspace(span * 1e-4, span * 0.9, count)


def log_height(z: np.ndarray, floor: float | None = None) -> np.ndarray:
    """log10(1e-3·range + f − f_min): the colour scale of the map (finite everywhere)."""
    finite = z[np.isfinite(z)]
    low = float(finite.min()) if floor is None else float(floor)
    span = max(float(finite.max()) - low, 1e-12) if finite.size else 1.0
    out: np.ndarray = np.log10(
        np.clip(np.nan_to_num(z, nan=low + span, posinf=low + span) - low, 0.0, None) + 1e-3 * span
    )
    return out


def _rosenbrock(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _beale(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _saddle(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # A saddle at the origin between two valleys at (0, ±1): f = x² − y² + y⁴/2.
    return x**2 - y**2 + 0.5 * y**4


def _ill_conditioned(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # A long narrow valley: curvature 0.1 along x and 5 across (condition number 50).
    return 0.05 * x**2 + 2.5 * y**2


def _himmelblau(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


SURFACES: dict[str, Surface] = {
    surface.name: surface
    for surface in (
        Surface(
            "rosenbrock",
            "Rosenbrock (banana valley)",
            "f(x, y) = (1 − x)² + 100·(y − x²)²",
            _rosenbrock,
            start=(-1.5, 2.0),
            view=(-2.0, 2.0, -1.0, 3.0),
            minima=((1.0, 1.0),),
            lesson="Finding the curved valley is easy; following its nearly flat floor to (1, 1) is hard. "
            "Momentum and adaptive methods travel along the floor much faster than plain SGD.",
            steps=500,
            learning_rates=(
                ("SGD", 1e-3),
                ("Momentum", 5e-4),
                ("Nesterov", 5e-4),
                ("Adam", 0.05),
                ("AdamW", 0.05),
                ("RMSprop", 0.01),
                ("Adagrad", 0.5),
                ("NAdam", 0.05),
            ),
        ),
        Surface(
            "beale",
            "Beale",
            "f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
            _beale,
            start=(1.0, 1.4),
            view=(-4.5, 4.5, -4.5, 4.5),
            minima=((3.0, 0.5),),
            lesson="Flat plateaus and steep walls: a fixed step is too small on the plateau and too big "
            "on the walls. Adaptive methods rescale each direction.",
            steps=400,
            learning_rates=(
                ("SGD", 0.01),
                ("Momentum", 0.005),
                ("Nesterov", 0.005),
                ("Adam", 0.05),
                ("AdamW", 0.05),
                ("RMSprop", 0.01),
                ("Adagrad", 0.5),
                ("NAdam", 0.05),
            ),
        ),
        Surface(
            "saddle",
            "Saddle point",
            "f(x, y) = x² − y² + y⁴/2",
            _saddle,
            start=(-1.8, 0.001),
            view=(-2.0, 2.0, -1.6, 1.6),
            minima=((0.0, 1.0), (0.0, -1.0)),
            lesson="Starting almost exactly on the ridge, the gradient across it is tiny: plain SGD "
            "crawls to the saddle and waits there; momentum and Adam escape sooner.",
            steps=300,
            learning_rates=(
                ("SGD", 0.02),
                ("Momentum", 0.02),
                ("Nesterov", 0.02),
                ("Adam", 0.05),
                ("AdamW", 0.05),
                ("RMSprop", 0.01),
                ("Adagrad", 0.3),
                ("NAdam", 0.05),
            ),
        ),
        Surface(
            "ill_conditioned",
            "Ill-conditioned valley",
            "f(x, y) = 0.05·x² + 2.5·y²",
            _ill_conditioned,
            start=(-9.0, 1.5),
            view=(-10.0, 10.0, -3.0, 3.0),
            minima=((0.0, 0.0),),
            lesson="Curvature 50× larger across the valley than along it: SGD must keep its step small "
            "enough not to bounce across, so it crawls along. Momentum builds up speed along the "
            "valley; adaptive methods scale each axis.",
            steps=300,
            learning_rates=(
                ("SGD", 0.18),
                ("Momentum", 0.05),
                ("Nesterov", 0.05),
                ("Adam", 0.3),
                ("AdamW", 0.3),
                ("RMSprop", 0.05),
                ("Adagrad", 1.5),
                ("NAdam", 0.3),
            ),
        ),
        Surface(
            "himmelblau",
            "Himmelblau (four minima)",
            "f(x, y) = (x² + y − 11)² + (x + y² − 7)²",
            _himmelblau,
            start=(-0.3, -0.9),
            view=(-5.0, 5.0, -5.0, 5.0),
            minima=((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            lesson="Four equally good minima: from the same start, different optimizers (and learning "
            "rates) may end in different valleys.",
            steps=300,
            learning_rates=(
                ("SGD", 0.005),
                ("Momentum", 0.002),
                ("Nesterov", 0.002),
                ("Adam", 0.1),
                ("AdamW", 0.1),
                ("RMSprop", 0.05),
                ("Adagrad", 0.8),
                ("NAdam", 0.1),
            ),
        ),
    )
}


def nearest_minimum(surface: Surface, x: float, y: float) -> tuple[float, float]:
    return min(surface.minima, key=lambda m: math.hypot(m[0] - x, m[1] - y))
