"""TensorBoard logs of a run: what `tensorboard --logdir DIR` shows of it.

A `TensorBoardLog` is an observer of the engine (``observer=log.on_event``) that writes, through
``torch.utils.tensorboard`` (the optional `tensorboard` extra):
- scalars: the loss of every step (``loss/train_step``), each epoch's training and validation loss,
  accuracy or MAE and R², the learning rate, and the test metrics at the end;
- per-layer histograms of the weights and of the last step's gradients, every epoch;
- the model graph, traced once on an example batch.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from typing import Any

import torch
from torch import nn

from playground.core.errors import PlaygroundError
from playground.core.i18n import _
from playground.core.training.events import EpochEvent, StepEvent, Summary

EXTRA_HINT = 'pip install "nn-playground[tensorboard]"'
# epoch metric → TensorBoard tag
EPOCH_TAGS = {
    "train_loss": "loss/train",
    "val_loss": "loss/val",
    "val_accuracy": "accuracy/val",
    "val_mae": "mae/val",
    "val_r2": "r2/val",
    "lr": "learning_rate",
}
TEST_TAGS = {"test_loss": "loss/test", "test_accuracy": "accuracy/test", "test_mae": "mae/test", "test_r2": "r2/test"}


def require_tensorboard() -> None:
    if importlib.util.find_spec("tensorboard") is None:
        raise PlaygroundError(
            _("TensorBoard logs need the tensorboard package, which is not installed: {hint}").format(hint=EXTRA_HINT)
        )


class TensorBoardLog:
    """Writes one run's scalars, histograms and graph into `log_dir` (an event file per run)."""

    def __init__(self, log_dir: str | os.PathLike[str], model: nn.Module, example: torch.Tensor | None = None) -> None:
        require_tensorboard()
        from torch.utils.tensorboard import SummaryWriter  # lazy: the `tensorboard` extra

        try:
            self.writer = SummaryWriter(log_dir=str(log_dir))
        except OSError as exc:
            raise PlaygroundError(
                _("cannot write TensorBoard logs to {path}: {reason}").format(path=log_dir, reason=exc.strerror or exc)
            ) from None
        self.model = model
        if example is not None:
            self._graph(example)

    def _graph(self, example: torch.Tensor) -> None:
        """The model graph; a model the tracer cannot follow is left out (the scalars matter more)."""
        device = next((p.device for p in self.model.parameters()), torch.device("cpu"))
        was_training = self.model.training
        try:
            self.model.eval()
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # add_graph traces with torch.jit
                self.writer.add_graph(self.model, example.to(device))
        except Exception:  # noqa: BLE001 - torch.jit.trace raises many kinds for models it cannot trace
            pass
        finally:
            self.model.train(was_training)

    def on_event(self, event: Any) -> None:
        if isinstance(event, StepEvent):
            self.writer.add_scalar("loss/train_step", event.train_loss, event.step)
            self.writer.add_scalar("learning_rate/step", event.lr, event.step)
        elif isinstance(event, EpochEvent):
            for name, value in event.metrics().items():
                if value is not None and name in EPOCH_TAGS:
                    self.writer.add_scalar(EPOCH_TAGS[name], value, event.epoch)
            self._histograms(event.epoch)
        elif isinstance(event, Summary):
            for name, tag in TEST_TAGS.items():
                value = getattr(event, name, None)
                if value is not None:
                    self.writer.add_scalar(tag, value, event.epochs)
            self.close()

    def _histograms(self, epoch: int) -> None:
        for name, parameter in self.model.named_parameters():
            layer = name.replace(".", "/")
            self.writer.add_histogram(f"weights/{layer}", parameter.detach().float().cpu(), epoch)
            if parameter.grad is not None:
                self.writer.add_histogram(f"gradients/{layer}", parameter.grad.detach().float().cpu(), epoch)

    def close(self) -> None:
        self.writer.flush()
        self.writer.close()


def chained(*observers: Any) -> Any:
    """One observer that passes each event to every one of `observers` (None ones left out)."""
    present = [observer for observer in observers if observer is not None]

    def observe(event: Any) -> None:
        for observer in present:
            observer(event)

    return observe
