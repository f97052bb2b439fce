"""The training-dynamics lessons tell the story their text tells (fixed seeds, CPU).

Measured with the presets' seeds (torch CPU, one thread) and asserted with a margin:

- gradient_descent_variants, 20 epochs (training loss of the last epoch, test accuracy, steps,
  mean |loss change| from one step to the next): full batch 0.46, 90 %, 20 steps, 0.009 (falls
  at every step); mini-batch (32) 0.33, 93 %, 100 steps, 0.08; one sample 0.11, 97 %, 2,800 steps,
  0.34 (its epoch means rise in 4 of 19 epochs). Full batch at learning rate 0.5: 0.32.
- exploding_gradients_clipping: the plain stack's first-epoch gradient norms 2.6e4 to 1.5e5 per
  layer, about 1,000 times its weights' norms (the "Exploding gradients" hint), validation loss
  6.2e16 after epoch 1, diverged in epoch 2 (loss 6.8e16); clipped (norm 1): epoch-1 gradients 80 to 320, training loss 56 → 0.006,
  test 100 %; LayerNorm: gradient norms at most 0.55 (0.04 at the end), loss 0.93 → 0.03, test 100 %. Xavier init: 100 %.
- initialisation_symmetry, 40 epochs: zeros: every hidden unit of a layer has exactly the same
  incoming weights and bias (spread 0), test 51 %, validation 71 %; PyTorch default: test 93 %.
- initialisation_he_deep_relu: spread over the training samples of each Linear layer's output at
  the start: default 0.55 → 4e-5 (output), He 0.28 to 1.12, Xavier 0.31 → 0.011; default's
  first-epoch gradient of fc1 3.9e-4 times the last layer's (a "Vanishing gradients" hint); after 30
  epochs test accuracy default 42 % (loss 0.693 throughout), He 90 %, Xavier 63 %.
- normalisation_batch_layer, 15 epochs: none 56 % (loss 0.69), BatchNorm 94 %, LayerNorm 94 %;
  batch size 2 (learning rate 0.002): BatchNorm 69 % (training loss 0.71), LayerNorm 97 %.
- early_stopping_best_weights: best validation loss 0.25 at epoch 15, stopped at epoch 25,
  restored: test 97 % (test loss 0.17); all 150 epochs: validation loss 1.06, test 87 % (0.40).
- lr_schedules_cnn, 15 epochs (last training loss, validation loss, test accuracy): constant 0.3:
  0.03, 0.24, 96 %; step decay 0.001, 0.081, 96 %; cosine with warmup 0.001, 0.076, 96 %; reduce
  on plateau 0.002, 0.083, 96 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from playground.core.compare.race import Contender, ContenderRun, Race, RaceOptions, variant_contenders
from playground.core.compare.race_worker import contender_models
from playground.core.data import load_dataset
from playground.core.experiment import Experiment, load_experiment
from playground.core.training import EpochEvent, Summary, Trainer, TrainerOptions
from playground.core.training.diagnostics import EXPLODING_GRADIENT, Diagnostics, diagnostic_hints

PRESET_DIR = Path(__file__).resolve().parents[2] / "presets"


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """These small models train about ten times faster on one thread than on two on a busy
    machine (thread hand-offs cost more than the matrix products); put the count back after."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def lesson(stem: str) -> Experiment:
    experiment = load_experiment(PRESET_DIR / f"{stem}.json")
    experiment.training.device = "cpu"
    return experiment


def race(stem: str, **options: Any) -> tuple[list[Contender], Race]:
    """The lesson's race as the Compare tab runs it (here in this thread)."""
    experiment = lesson(stem)
    contenders = variant_contenders(experiment)
    contest = Race(experiment, contenders, RaceOptions(boundary_resolution=0, **options))
    contest.run()
    return contenders, contest


def by_label(contenders: list[Contender], contest: Race) -> dict[str, ContenderRun]:
    return {contender.label: contest.run_of(index) for index, contender in enumerate(contenders)}


def train_variants(
    stem: str, wanted: set[str] | None = None, diagnostics: bool = False
) -> dict[str, tuple[Summary, list[EpochEvent]]]:
    """Each (wanted) variant trained on its own from the initial weights the race gives it."""
    experiment = lesson(stem)
    contenders = variant_contenders(experiment)
    dataset = load_dataset(experiment.data)
    indices = [i for i, c in enumerate(contenders) if wanted is None or c.label in wanted]
    models, _shared = contender_models(experiment, contenders, experiment.training.seed, dataset.info, indices)
    options = TrainerOptions(diagnostics=diagnostics, diagnostics_per_second=0)
    results = {}
    for index in indices:
        events: list[EpochEvent] = []
        trainer = Trainer(
            contenders[index].experiment,
            model=models[index],
            dataset=dataset,
            options=options,
            observer=lambda e, kept=events: kept.append(e) if isinstance(e, EpochEvent) else None,
        )
        results[contenders[index].label] = (trainer.run(), events)
    return results


# ---- gradient descent: full batch, mini-batch, one sample ------------------------------------------
def test_one_sample_goes_furthest_per_epoch_and_full_batch_is_smoothest() -> None:
    runs = by_label(*race("gradient_descent_variants"))
    full, mini, single = runs["Full batch"], runs["Mini-batch (32)"], runs["One sample (1)"]
    assert [len(run.steps) for run in (full, mini, single)] == [20, 100, 2800]
    last = {name: run.epoch_metric("train_loss")[-1] for name, run in runs.items()}
    assert last["One sample (1)"] < 0.2 < last["Mini-batch (32)"] < 0.4 < last["Full batch"]
    assert single.summary["test_accuracy"] >= full.summary["test_accuracy"]

    def jitter(run: ContenderRun) -> float:
        return float(np.abs(np.diff(run.losses)).mean())

    assert np.all(np.diff(full.losses) < 0), "the exact gradient lowers the loss at every step"
    assert jitter(single) > 3 * jitter(mini) > 3 * jitter(full)
    assert np.any(np.diff(single.epoch_metric("train_loss")) > 0), "even its epoch means rise now and then"
    assert np.all(np.diff(full.epoch_metric("train_loss")) < 0)


# ---- exploding gradients ------------------------------------------------------------------------
def test_the_plain_stack_explodes_while_clipping_and_layernorm_train() -> None:
    results = train_variants("exploding_gradients_clipping", diagnostics=True)
    plain, plain_events = results["Plain"]
    assert plain.status == "diverged"
    first = plain_events[0].diagnostics
    assert first is not None
    assert first.grad_norm.min() > 1e4, "every layer's gradient is huge"
    assert np.all(first.grad_norm > 100 * first.weight_norm)
    assert any(hint.startswith("Exploding gradients") for hint in first.hints)
    assert plain_events[0].val_loss > 1e10

    clipped, clipped_events = results["Gradient clipping (norm 1)"]
    assert clipped.status == "completed" and clipped.test_accuracy >= 0.95
    assert clipped_events[0].train_loss > 10 > 0.05 > clipped_events[-1].train_loss  # starts high, lands
    normed, normed_events = results["LayerNorm after every layer"]
    assert normed.status == "completed" and normed.test_accuracy >= 0.95
    assert max(float(e.diagnostics.grad_norm.max()) for e in normed_events if e.diagnostics is not None) < 1.0
    for events in (clipped_events, normed_events):
        last = events[-1].diagnostics
        assert last is not None and not any(hint.startswith("Exploding") for hint in last.hints)


def diagnostics(grad_norm: list[float], weight_norm: list[float]) -> Diagnostics:
    count = len(grad_norm)
    return Diagnostics(
        layers=[f"fc{i + 1}" for i in range(count)],
        grad_norm=np.array(grad_norm),
        weight_norm=np.array(weight_norm),
        update_ratio=np.full(count, 1e-3),
    )


def test_the_exploding_hint_reads_gradients_far_larger_than_their_weights() -> None:
    # the same huge gradient in every layer: the first/last ratio is 1, the size gives it away
    hints = diagnostic_hints(diagnostics([8e4, 6e4, 5e4], [75.0, 65.0, 43.0]))
    exploding = [hint for hint in hints if hint.startswith("Exploding gradients")]
    assert len(exploding) == 1 and "fc3" in exploding[0] and "1163 times" in exploding[0]
    # healthy runs of the presets stay below 2 times their weights
    assert not diagnostic_hints(diagnostics([3.0, 2.0, 1.0], [1.5, 2.0, 4.0]))
    # zero weights (the symmetry lesson) with ordinary gradients are no explosion
    assert not diagnostic_hints(diagnostics([0.5, 0.2, 0.1], [0.0, 0.0, 0.0]))
    just_below = diagnostics([EXPLODING_GRADIENT * 0.99, 1.0, 1.0], [1.0, 1.0, 1.0])
    assert not any("Exploding" in hint for hint in diagnostic_hints(just_below))
    # the first/last ratio fired already: one exploding hint, not two
    both = diagnostic_hints(diagnostics([1e6, 1e3, 1.0], [1.0, 1.0, 1.0]))
    assert sum(hint.startswith("Exploding gradients") for hint in both) == 1


# ---- initialisation ------------------------------------------------------------------------------
def test_zero_initialisation_keeps_every_hidden_unit_identical() -> None:
    contenders, contest = race("initialisation_symmetry", keep_final_weights=True)
    runs = by_label(contenders, contest)
    index = [c.label for c in contenders].index("Random (PyTorch default)")
    assert contest.shared_weights[index][0] == 0, "another initialisation gets its own initial weights"
    zeros = runs["All zeros"]
    assert zeros.final_weights is not None
    for layer in ("fc1", "fc2"):
        weight, bias = zeros.final_weights[f"{layer}.weight"], zeros.final_weights[f"{layer}.bias"]
        assert np.abs(weight).max() > 0.1, "the units learned something ..."
        np.testing.assert_allclose(weight, np.broadcast_to(weight[:1], weight.shape), rtol=0, atol=1e-6)
        np.testing.assert_allclose(bias, np.full_like(bias, bias[0]), rtol=0, atol=1e-6)  # ... all the same
    random = runs["Random (PyTorch default)"].final_weights
    assert random is not None and np.ptp(random["fc1.weight"], axis=0).min() > 0.1
    assert zeros.summary["test_accuracy"] <= 0.6 and zeros.epoch_metric("val_accuracy")[-1] <= 0.8
    assert runs["Random (PyTorch default)"].summary["test_accuracy"] >= 0.85


def layer_spread(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    """Each Linear layer's output spread over the samples (std per unit, averaged over units)."""
    outputs: list[torch.Tensor] = []
    hooks = [
        module.register_forward_hook(lambda _m, _i, out: outputs.append(out.detach()))
        for module in model.modules()
        if isinstance(module, torch.nn.Linear)
    ]
    with torch.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    return np.array([float(out.std(dim=0).mean()) for out in outputs])


def test_he_initialisation_keeps_the_signal_of_a_deep_relu_network() -> None:
    experiment = lesson("initialisation_he_deep_relu")
    contenders = variant_contenders(experiment)
    dataset = load_dataset(experiment.data)
    models, _shared = contender_models(experiment, contenders, experiment.training.seed, dataset.info)
    spread = {c.label: layer_spread(models[i], dataset.x_train) for i, c in enumerate(contenders)}
    default, he, xavier = spread["PyTorch default"], spread["He (Kaiming)"], spread["Xavier (Glorot)"]
    assert default[-1] < 1e-3 * default[0], "the default start shrinks the signal ~2.4x per layer"
    assert np.all(np.diff(default) < 0)
    assert 0.15 < he.min() and he.max() < 2.0
    assert xavier[-1] < 0.1 * xavier[0]

    _summary, events = train_variants("initialisation_he_deep_relu", {"PyTorch default"}, diagnostics=True)[
        "PyTorch default"
    ]
    first = events[0].diagnostics
    assert first is not None and first.grad_norm[0] < 1e-3 * first.grad_norm[-1]
    assert any(hint.startswith("Vanishing gradients") for hint in first.hints)

    runs = by_label(*race("initialisation_he_deep_relu"))
    assert runs["PyTorch default"].summary["test_accuracy"] <= 0.6
    assert runs["PyTorch default"].epoch_metric("train_loss").min() > 0.68, "stuck at a coin toss"
    assert runs["He (Kaiming)"].summary["test_accuracy"] >= 0.85
    assert runs["Xavier (Glorot)"].summary["test_accuracy"] < runs["He (Kaiming)"].summary["test_accuracy"]


# ---- normalisation -------------------------------------------------------------------------------
def test_batchnorm_and_layernorm_rescue_the_deep_network() -> None:
    results = train_variants("normalisation_batch_layer", {"No normalisation", "BatchNorm", "LayerNorm"})
    plain, events = results["No normalisation"]
    assert plain.test_accuracy <= 0.6 and min(e.train_loss for e in events) > 0.68
    assert results["BatchNorm"][0].test_accuracy >= 0.9
    assert results["LayerNorm"][0].test_accuracy >= 0.9


@pytest.mark.slow
def test_batchnorm_struggles_with_batches_of_two_where_layernorm_does_not() -> None:
    results = train_variants("normalisation_batch_layer", {"BatchNorm, batch size 2", "LayerNorm, batch size 2"})
    batchnorm, events = results["BatchNorm, batch size 2"]
    assert batchnorm.test_accuracy <= 0.8 and events[-1].train_loss > 0.6
    layernorm, events = results["LayerNorm, batch size 2"]
    assert layernorm.test_accuracy >= 0.9 and events[-1].train_loss < 0.3


# ---- early stopping and the best weights -------------------------------------------------------------
def test_early_stopping_stops_after_the_turn_and_restores_the_best_epoch() -> None:
    results = train_variants("early_stopping_best_weights")
    stopped, events = results["Early stopping (patience 10)"]
    val = np.array([e.val_loss for e in events])
    assert stopped.status == "early_stopped"
    assert 10 <= stopped.best_epoch <= 25 and stopped.epochs == stopped.best_epoch + 10 < 40
    assert stopped.best_epoch == int(np.argmin(val)) + 1 and stopped.restored_best
    assert stopped.val_loss == pytest.approx(val.min(), abs=1e-5), "the restored weights are the best epoch's"
    full, full_events = results["All 150 epochs"]
    assert full.status == "completed" and full.epochs == 150
    assert full_events[-1].val_loss > 3 * val.min(), "training on, the validation loss climbs"
    assert stopped.test_loss < 0.6 * full.test_loss and stopped.test_accuracy >= 0.9
    assert stopped.test_accuracy > full.test_accuracy


# ---- learning-rate schedules -------------------------------------------------------------------------
def test_schedules_settle_where_a_constant_high_rate_keeps_bouncing() -> None:
    runs = by_label(*race("lr_schedules_cnn"))
    constant = runs["Constant"]
    for name in ("Cosine with warmup", "Step decay", "Reduce on plateau"):
        scheduled = runs[name]
        assert scheduled.epoch_metric("train_loss")[-1] < 0.1 * constant.epoch_metric("train_loss")[-1], name
        assert scheduled.epoch_metric("val_loss")[-1] < 0.5 * constant.epoch_metric("val_loss")[-1], name
    for run in runs.values():
        assert run.summary["test_accuracy"] >= 0.93
    # the race records every variant's learning rate per step (the Training tab plots the base's)
    cosine = np.array(runs["Cosine with warmup"].lrs)
    assert cosine[0] == pytest.approx(0.3 / 31) and int(np.argmax(cosine)) == 30 and cosine[-1] < 1e-3
    assert np.all(np.diff(cosine[:31]) > 0) and np.all(np.diff(cosine[31:]) <= 0)
    step = runs["Step decay"].epoch_metric("lr")
    np.testing.assert_allclose(step[[0, 5, 10]], [0.3, 0.09, 0.027])
    plateau = runs["Reduce on plateau"].epoch_metric("lr")
    assert np.sum(np.diff(plateau) < 0) >= 3 and plateau[-1] < 0.01
    assert np.all(constant.epoch_metric("lr") == 0.3)
