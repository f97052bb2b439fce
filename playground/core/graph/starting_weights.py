"""Starting weights: an experiment's model begins from a weights file instead of its seeded draw.

An imported ONNX model names its weights in ``model.weights``. Every tensor whose name and shape
fit the built model is loaded; the others (a layer the learner added or resized since) keep the
seeded initialisation, and the run says which. A file that is missing, unreadable or fits
nothing at all is an `ExperimentError` on ``model.weights`` that says how to fix it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from playground.core.errors import ExperimentError, PlaygroundError, Problem
from playground.core.experiment.schema import Experiment
from playground.core.i18n import _

FIELD = "model.weights"


@dataclass(frozen=True)
class StartingWeights:
    """What a model took from its weights file."""

    path: Path
    loaded: tuple[str, ...]  # state-dict names taken from the file
    fresh: tuple[str, ...]  # state-dict names that kept the seeded initialisation

    def describe(self) -> str:
        """One line for the run's status: the file, how much of the model it gave, what stayed fresh."""
        if not self.fresh:
            return _("started from the weights in {file}").format(file=self.path.name)
        shown = ", ".join(self.fresh[:4]) + (", …" if len(self.fresh) > 4 else "")
        return _("started from the weights in {file}: {loaded} of {total} tensors (seeded: {fresh})").format(
            file=self.path.name, loaded=len(self.loaded), total=len(self.loaded) + len(self.fresh), fresh=shown
        )


def weights_path(experiment: Experiment, base_dir: str | os.PathLike[str] | None) -> Path | None:
    """The starting-weights file, resolved against the experiment's folder; None when it has none."""
    name = experiment.model.weights
    if name is None:
        return None
    path = Path(name)
    return path if path.is_absolute() or base_dir is None else Path(base_dir) / path


def _problem(message: str) -> ExperimentError:
    return ExperimentError(Problem(FIELD, message))


def read_starting_weights(experiment: Experiment, base_dir: str | os.PathLike[str] | None) -> dict[str, torch.Tensor]:
    """The tensors of the starting-weights file ({} when the experiment has none)."""
    from playground.core.export.weights import load_weights  # lazy: the exporters are not needed to train

    path = weights_path(experiment, base_dir)
    if path is None:
        return {}
    if not path.is_file():
        raise _problem(
            _(
                "the starting weights {path} were not found: put the file back beside the experiment, or "
                "click Use Seeded beside Starting weights (the Inspector with nothing selected, under Model)"
            ).format(path=path)
        )
    try:
        tensors, _sidecar = load_weights(path)
    except PlaygroundError as exc:
        raise _problem(str(exc)) from None
    return tensors


def apply_starting_weights(
    model: nn.Module, experiment: Experiment, base_dir: str | os.PathLike[str] | None
) -> StartingWeights | None:
    """Load the fitting tensors of the experiment's starting weights into `model` (None: it has none)."""
    path = weights_path(experiment, base_dir)
    if path is None:
        return None
    tensors = read_starting_weights(experiment, base_dir)
    state = model.state_dict()
    fitting = {
        key: value for key, value in tensors.items() if key in state and tuple(value.shape) == tuple(state[key].shape)
    }
    if state and not fitting:
        raise _problem(
            _(
                "none of the starting weights in {file} fit this graph (it changed since they were saved): "
                "click Use Seeded beside Starting weights (the Inspector with nothing selected, under Model)"
            ).format(file=path.name)
        )
    with torch.no_grad():
        for key, value in fitting.items():
            state[key].copy_(value.to(state[key].dtype))
    loaded = tuple(key for key in state if key in fitting)
    fresh = tuple(key for key in state if key not in fitting)
    return StartingWeights(path, loaded, fresh)
