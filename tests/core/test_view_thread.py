"""The view thread computes the live views on a copy of the weights: the same pictures as the probes
on the model itself, a training that gives exactly the numbers of one without views, and a probe
that fails switches itself off without touching the run."""

from __future__ import annotations

import threading
import time

import numpy as np
import torch

from playground.core.data import load_dataset
from playground.core.experiment import experiment_from_dict
from playground.core.runs.probes import NeuronProbe, TaskProbe
from playground.core.runs.view_thread import ViewThread
from playground.core.training import Trainer, TrainerOptions
from tests.core.factories import chain


def spiral_experiment(epochs: int = 3):
    doc = chain(
        ("fc1", "Linear", {"out_features": 8}),
        ("act1", "Tanh", {}),
        ("drop", "Dropout", {"p": 0.2}),
        ("fc2", "Linear", {"out_features": 8}),
        ("act2", "Tanh", {}),
        ("out", "Linear", {"out_features": 2}),
        dataset="spiral",
    )
    experiment = experiment_from_dict(doc)
    experiment.training.epochs = epochs
    return experiment


def wait_idle(views: ViewThread) -> None:
    deadline = time.monotonic() + 10
    while not views.idle():
        assert time.monotonic() < deadline, "the view thread never finished its job"
        time.sleep(0.001)


def test_pictures_from_the_shadow_equal_the_probes_on_the_model(one_torch_thread):
    experiment = spiral_experiment()
    dataset = load_dataset(experiment.data)
    trainer = Trainer(experiment, dataset=dataset, options=TrainerOptions(diagnostics=False))
    model = trainer.model
    views = ViewThread(
        model, TaskProbe(dataset, trainer.device), NeuronProbe(dataset, experiment, model, trainer.device)
    )
    try:
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.mul_(1.5)  # weights the copy made at start does not have
        assert views.offer(prediction=True, neurons=True)
        wait_idle(views)
        prediction, neurons = views.take()
        assert views.take() == (None, None)  # taken once
        reference = TaskProbe(dataset, trainer.device).predict(model)
        maps = NeuronProbe(dataset, experiment, model, trainer.device).maps(model)
        assert np.array_equal(prediction.values, reference.values)
        for ours, theirs in zip(neurons.maps, maps.maps):
            assert np.array_equal(ours, theirs)
        assert model.training  # the training model was never put in eval mode
    finally:
        views.close()
    assert not any(thread.name == "view-predictions" and thread.is_alive() for thread in threading.enumerate())


def test_a_run_with_views_beside_it_gives_the_numbers_of_one_without(one_torch_thread):
    def train(with_views: bool) -> tuple[list[float], list[np.ndarray]]:
        experiment = spiral_experiment()
        dataset = load_dataset(experiment.data)
        trainer = Trainer(
            experiment, dataset=dataset, options=TrainerOptions(diagnostics=False, max_step_events_per_second=0.0)
        )
        views = ViewThread(trainer.model, TaskProbe(dataset, trainer.device)) if with_views else None
        losses: list[float] = []

        def observe(event) -> None:
            if event.kind == "step":
                losses.append(event.train_loss)
                if views is not None and views.idle():
                    views.offer(prediction=True, neurons=False)

        trainer.observer = observe
        trainer.run()
        if views is not None:
            views.now()  # the last picture, waited for
            assert views.take()[0] is not None
            views.close()
        return losses, [p.detach().clone().numpy() for p in trainer.model.parameters()]

    plain_losses, plain_weights = train(False)
    losses, weights = train(True)
    assert losses == plain_losses  # dropout's RNG, the batches, every step: untouched
    assert all(np.array_equal(a, b) for a, b in zip(weights, plain_weights))


class BrokenProbe:
    def predict(self, model):
        raise RuntimeError("this view cannot be drawn")


def test_a_failing_probe_switches_itself_off(one_torch_thread):
    model = torch.nn.Linear(2, 2)
    views = ViewThread(model, BrokenProbe())
    try:
        assert views.offer(prediction=True, neurons=False)
        wait_idle(views)
        assert views.take() == (None, None)
        assert "this view cannot be drawn" in views.failure
        assert views.task_probe is None and not views.offer(prediction=True, neurons=False)  # nothing left to do
    finally:
        views.close()
