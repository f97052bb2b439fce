"""The views' predictions, computed beside the training instead of inside it.

A decision boundary is a forward pass over a 100 × 100 grid: for a small MLP that is four steps'
worth of work, so 30 boundaries a second inside the training loop would cost it a fifth of its
speed. Here a second thread of the worker owns a *shadow* copy of the model: between two steps
the training thread copies the current weights into it (microseconds for the models these views
draw) and hands over what is wanted; the shadow then runs the probes while training goes on
(PyTorch releases the GIL inside its kernels, so on a machine with a spare core the two run side
by side). The training model is never put in eval mode, never hooked, never waited on.

Only one job is under way at a time; `offer` while one runs does nothing, so a slow view simply
gets fewer pictures. `now` computes synchronously (the first picture, a pause, the end of the run).
"""

from __future__ import annotations

import copy
import logging
import threading
from typing import Any

import torch
from torch import nn

from playground.core.runs.inside import describe_probe_failure

log = logging.getLogger(__name__)


class ViewThread:
    """Runs the task probe and the neuron probe on a shadow of `model`, one job at a time."""

    def __init__(self, model: nn.Module, task_probe: Any = None, neuron_probe: Any = None) -> None:
        self.task_probe = task_probe
        self.neuron_probe = neuron_probe
        self.inside_probe: Any = None  # an InsideProbe, set when the window looks inside a node
        self._model = model
        self._shadow = copy.deepcopy(model)
        self._shadow.eval()
        for parameter in self._shadow.parameters():
            parameter.requires_grad_(False)
        self._pairs = list(zip(self._tensors(self._shadow), self._tensors(model)))
        self.position = (0, 0)  # (step, epoch) of the weights last copied, set by the training thread
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._job: tuple[bool, bool, Any] | None = None  # (prediction, neurons, probe request) of the job waiting
        self._busy = False
        self._closed = False
        self._prediction: Any = None
        self._neurons: Any = None
        self._inside: Any = None
        self.inside_failure: str | None = None  # a look inside that raised (that request is dropped)
        self.failure: str | None = None  # a probe that raised: it is switched off, training goes on
        self._thread = threading.Thread(target=self._serve, name="view-predictions", daemon=True)
        self._thread.start()

    @staticmethod
    def _tensors(model: nn.Module) -> list[torch.Tensor]:
        return [*model.parameters(), *model.buffers()]

    # ---- the training thread -------------------------------------------------------------------
    def idle(self) -> bool:
        return not self._busy

    def offer(self, prediction: bool, neurons: bool, inside: Any = None) -> bool:
        """Start a job on the current weights if none is under way; False if one is. `inside`: a
        ProbeRequest to answer with the inside probe (None: no look inside this time)."""
        prediction = prediction and self.task_probe is not None
        neurons = neurons and self.neuron_probe is not None
        inside = inside if self.inside_probe is not None else None
        if self._busy or not (prediction or neurons or inside is not None):
            return False
        self._copy_weights()
        with self._lock:
            self._busy = True
            self._job = (prediction, neurons, inside)
            self._wake.notify()
        return True

    def now(self, prediction: bool = True, neurons: bool = True, inside: Any = None) -> None:
        """Wait for the job under way, then compute on the current weights in this thread."""
        self._wait_idle()
        self._copy_weights()
        self._compute(
            prediction and self.task_probe is not None,
            neurons and self.neuron_probe is not None,
            inside if self.inside_probe is not None else None,
        )

    def take(self) -> tuple[Any, Any]:
        """The latest finished (prediction, neuron maps), each None if there is no new one."""
        with self._lock:
            prediction, neurons = self._prediction, self._neurons
            self._prediction = self._neurons = None
        return prediction, neurons

    def take_inside(self) -> Any:
        """The latest finished look inside a node (a ProbeResult), None if there is no new one."""
        with self._lock:
            inside, self._inside = self._inside, None
        return inside

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout=10)

    def _copy_weights(self) -> None:
        with torch.no_grad():
            for shadow, live in self._pairs:
                shadow.copy_(live)

    def _wait_idle(self) -> None:
        with self._lock:
            while self._busy and not self._closed:
                self._wake.wait(0.05)

    # ---- the view thread -----------------------------------------------------------------------
    def _serve(self) -> None:
        while True:
            with self._lock:
                while self._job is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                job, self._job = self._job, None
            try:
                if job is not None:
                    self._compute(*job)
            finally:
                with self._lock:
                    self._busy = False
                    self._wake.notify_all()

    def _compute(self, prediction: bool, neurons: bool, inside: Any = None) -> None:
        result_prediction = result_neurons = result_inside = None
        if inside is not None and self.inside_probe is not None:
            try:
                result_inside = self.inside_probe.look(self._shadow, inside, *self.position)
            except Exception as exc:  # noqa: BLE001 - a look inside must never end the run
                log.warning("looking inside a node failed", exc_info=True)
                self.inside_failure = describe_probe_failure(exc)
        try:
            if prediction and self.task_probe is not None:
                result_prediction = self.task_probe.predict(self._shadow)
            if neurons and self.neuron_probe is not None:
                result_neurons = self.neuron_probe.maps(self._shadow)
        except Exception as exc:  # noqa: BLE001 - a view must never end the run
            log.warning("a live view's prediction failed; that view stops updating", exc_info=True)
            self.failure = f"{type(exc).__name__}: {exc}"
            self.task_probe = self.neuron_probe = None
        with self._lock:
            if result_prediction is not None:
                self._prediction = result_prediction
            if result_neurons is not None:
                self._neurons = result_neurons
            if result_inside is not None:
                self._inside = result_inside
