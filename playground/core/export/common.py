"""What every export shares: a checked graph, the model to export, an example input, safe writes.

Exports read the experiment (the one source of truth) and build the model exactly as the app
does: `torch.manual_seed(training.seed)` first, so an exported model without trained weights has
the same initial weights as the app's. The global RNG is left as it was (the GUI may be training).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import torch
from torch import nn

from playground.core.data import describe_dataset
from playground.core.errors import ExportError, PlaygroundError
from playground.core.experiment.schema import Experiment
from playground.core.graph import GraphReport, build_model, check_experiment
from playground.core.graph.starting_weights import apply_starting_weights
from playground.core.i18n import _
from playground.core.safe_files import atomic_write


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the main file, files written beside it, and notes for the user."""

    format: str
    path: Path
    extra_paths: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """One line for the command line and the status bar."""
        if self.extra_paths:
            text = _("exported {format} to {path} (with {files})").format(
                format=self.format, path=self.path, files=", ".join(p.name for p in self.extra_paths)
            )
        else:
            text = _("exported {format} to {path}").format(format=self.format, path=self.path)
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text


def dataset_facts(experiment: Experiment, base_dir: str | os.PathLike[str] | None = None) -> Any:
    """The dataset's `DatasetInfo` (shape inference needs it); a dataset problem becomes ExportError."""
    try:
        return describe_dataset(experiment.data, base_dir=base_dir)
    except PlaygroundError as exc:
        raise ExportError(_("cannot export: the dataset cannot be loaded: {reason}").format(reason=exc)) from None


def checked_report(experiment: Experiment, facts: Any) -> GraphReport:
    """The graph report, or ExportError listing every problem when the graph is not valid."""
    report = check_experiment(experiment, facts)
    if not report.valid:
        lines = [f"  - {issue.node or issue.path}: {issue.message}" for issue in report.errors]
        if not lines:
            lines = ["  - " + _("the model has no output node")]
        raise ExportError(_("cannot export: the experiment is not valid:") + "\n" + "\n".join(lines))
    return report


def prepared_model(
    experiment: Experiment,
    facts: Any,
    report: GraphReport,
    model: nn.Module | None = None,
    state_dict: Mapping[str, torch.Tensor] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    *,
    starting_weights: bool = True,
) -> nn.Module:
    """The model to export: `model` as given, or a fresh one built after seeding like the app
    (starting weights included).

    `state_dict` (trained weights) is loaded into the model either way. The caller's global RNG
    state is not disturbed.
    """
    if model is None:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(experiment.training.seed)
            model = build_model(experiment, facts, report)
        if state_dict is None and starting_weights:
            apply_starting_weights(model, experiment, base_dir)
    if state_dict is not None:
        try:
            model.load_state_dict(dict(state_dict))
        except (RuntimeError, KeyError, TypeError) as exc:
            raise ExportError(
                _("cannot export: the weights do not fit this model: {reason}").format(reason=exc)
            ) from None
    return model


def example_input(facts: Any, batch: int = 2) -> torch.Tensor:
    """A small batch of the dataset's input shape: random numbers, or token ids below the vocab size."""
    shape = (batch, *tuple(facts.input_shape))
    generator = torch.Generator().manual_seed(0)
    if getattr(facts, "input_dtype", "float32") == "int64":
        vocab = int(getattr(facts, "vocab_size", None) or 2)
        return torch.randint(0, vocab, shape, generator=generator, dtype=torch.int64)
    return torch.randn(shape, generator=generator)


EXAMPLE_BATCH = 4  # traced batch size; the exports ask for a dynamic batch dimension

Program = TypeVar("Program")


def model_to_trace(
    experiment: Experiment,
    base_dir: str | os.PathLike[str] | None,
    model: nn.Module | None,
    state_dict: Mapping[str, torch.Tensor] | None,
    facts: Any | None,
) -> tuple[nn.Module, torch.Tensor]:
    """What the ONNX and PT2 exports trace: the checked model (given, given weights, or fresh seeded
    ones) and an example batch of the dataset's input shape."""
    facts = facts if facts is not None else dataset_facts(experiment, base_dir)
    report = checked_report(experiment, facts)
    if model is not None and state_dict is None and not on_cpu(model):
        # Exports are traced on the CPU, where they will run; the app's model stays on its GPU.
        state_dict = {key: value.detach().cpu() for key, value in model.state_dict().items()}
        model = None
    module = prepared_model(experiment, facts, report, model, state_dict, base_dir)
    return module, example_input(facts, EXAMPLE_BATCH)


def on_cpu(model: nn.Module) -> bool:
    return all(t.device.type == "cpu" for t in itertools.chain(model.parameters(), model.buffers()))


def trace_with_dynamic_batch(model: nn.Module, trace: Callable[[bool], Program], failure: str) -> tuple[Program, bool]:
    """`trace(dynamic=True)` in eval mode, falling back to a fixed batch when the exporter refuses a
    dynamic one; (program, whether the batch is dynamic). A failure of both becomes an ExportError
    starting with `failure`."""
    with eval_mode(model), quiet():
        try:
            return trace(True), True
        except Exception:  # noqa: BLE001 - any refusal of a dynamic batch: fall back to a fixed one
            pass
        try:
            return trace(False), False
        except Exception as exc:  # noqa: BLE001 - exporters raise many types; report plainly
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise ExportError(f"{failure}: {type(exc).__name__}: {first}") from exc


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Exporters print progress, warnings and log lines; a one-line confirmation is all a user needs."""
    names = ("torch.onnx", "onnxscript", "torch.export", "torch._dynamo", "torch._export")
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


class eval_mode:
    """Put a model in eval mode for the block and restore its previous mode afterwards."""

    def __init__(self, model: nn.Module):
        self.model = model
        self.was_training = model.training

    def __enter__(self) -> nn.Module:
        self.model.eval()
        return self.model

    def __exit__(self, *exc: object) -> None:
        self.model.train(self.was_training)


def write_atomically(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call `write(temp_path)` for a temporary file beside `path`, then move it into place.

    The target is either the old file or the complete new one, never half a file (see
    `playground.core.safe_files`). OSError becomes ExportError naming the file.
    """
    try:
        return atomic_write(path, write)
    except OSError as exc:
        raise ExportError(
            _("cannot export to {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None
