"""A race of k contenders against the same k runs one after another (not a test).

For each case, k variants of one experiment (activations swapped, or optimizers) train for the
same epochs on the same data, in the same process:

- sequential: k plain `Trainer.run()` calls one after another (each with the same initial weights
  the race gives its contender, diagnostics off, default event throttling);
- race: one `Race` of the k contenders in lock-step (threads taking turns, per-step events,
  2-D boundary thumbnails when the data is 2-D, as the GUI runs it).

Runs alternate (sequential, race, sequential, ...) so warm-up and noise hit both alike. Prints
total training samples per second of both and their ratio race / sequential; the target is >= 0.9.

    python benchmarks/bench_race.py [--threads N] [--repeats R] [--quick]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from playground.core.compare.race import (  # noqa: E402
    Race,
    RaceOptions,
    activation_contenders,
    optimizer_contenders,
)
from playground.core.data import load_dataset  # noqa: E402
from playground.core.experiment import load_experiment  # noqa: E402
from playground.core.graph import build_model  # noqa: E402
from playground.core.training import Trainer, TrainerOptions  # noqa: E402

PRESETS = Path(__file__).resolve().parents[1] / "presets"


def _xor_activations(epochs: int):
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.epochs = epochs
    return experiment, activation_contenders(experiment, ["ReLU", "Tanh", "Sigmoid", "GELU"])


def _spiral_optimizers(epochs: int):
    experiment = load_experiment(PRESETS / "spiral.json")
    experiment.training.epochs = epochs
    return experiment, optimizer_contenders(experiment, [("SGD", 0.1), ("Momentum", 0.05), ("Adam", 0.01),
                                                         ("RMSprop", 0.005)])


def _mnist_activations(epochs: int):
    experiment = load_experiment(PRESETS / "mlp_mnist.json")
    experiment.training.epochs = epochs
    return experiment, activation_contenders(experiment, ["ReLU", "Tanh", "GELU"])


CASES = {
    "XOR 2-4-2, 4 activations, batch 16": (_xor_activations, 30, 8),
    "spiral MLP, 4 optimizers": (_spiral_optimizers, 20, 5),
    "MNIST MLP, 3 activations": (_mnist_activations, 2, 1),
}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _sequential(experiment, contenders, dataset, epochs: int, threads: int) -> tuple[int, float, float]:
    """Build and run each contender in turn; the clock covers the same work as the race's."""
    samples = 0
    options = TrainerOptions(diagnostics=False, num_threads=threads)
    cpu = _cpu_seconds()
    started = time.perf_counter()
    torch.manual_seed(experiment.training.seed)
    base = build_model(experiment, dataset.info).state_dict()
    for contender in contenders:
        torch.manual_seed(experiment.training.seed)
        model = build_model(contender.experiment, dataset.info)
        model.load_state_dict(base)
        trainer = Trainer(contender.experiment, model=model, dataset=dataset, options=options, epochs=epochs,
                          observer=lambda event: None)
        summary = trainer.run()
        samples += int(round(summary.samples_per_second * summary.seconds))
    return samples, time.perf_counter() - started, _cpu_seconds() - cpu


def _race(experiment, contenders, dataset, epochs: int, threads: int) -> tuple[int, float, float]:
    events = []
    cpu = _cpu_seconds()
    started = time.perf_counter()
    race = Race(experiment, contenders, RaceOptions(epochs=epochs, num_threads=threads), observer=events.append,
                dataset=dataset)
    race.run()
    seconds = time.perf_counter() - started
    assert race.status == "completed", race.status
    return sum(run.samples for run in race.runs), seconds, _cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=max(1, (torch.get_num_threads() or 2) - 1))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="fewer epochs and one repeat (a smoke run)")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    print(f"torch {torch.__version__}, {args.threads} training thread(s), {repeats} repeat(s)")
    print("ratio = race samples/s ÷ sequential samples/s, the median over back-to-back pairs (the order")
    print("alternates); 'cpu' is the same ratio in process CPU time, which other programs' load hardly moves.")
    print(f"{'case':38s} {'sequential/s':>13s} {'race/s':>9s} {'ratio':>6s} {'cpu':>6s}")
    worst = []
    for name, (factory, epochs, quick_epochs) in CASES.items():
        epochs = quick_epochs if args.quick else epochs
        experiment, contenders = factory(epochs)
        experiment.training.device = "cpu"
        for contender in contenders:
            contender.experiment.training.device = "cpu"
        dataset = load_dataset(experiment.data)
        _sequential(experiment, contenders[:1], dataset, 1, args.threads)  # warm-up of both
        _race(experiment, contenders, dataset, 1, args.threads)
        seq_rates, race_rates, ratios, cpu_ratios = [], [], [], []
        for index in range(repeats):
            order = (_sequential, _race) if index % 2 == 0 else (_race, _sequential)
            results = {}
            for function in order:
                results[function] = function(experiment, contenders, dataset, epochs, args.threads)
            seq_samples, seq_seconds, seq_cpu = results[_sequential]
            race_samples, race_seconds, race_cpu = results[_race]
            seq_rates.append(seq_samples / seq_seconds)
            race_rates.append(race_samples / race_seconds)
            ratios.append(race_rates[-1] / seq_rates[-1])
            cpu_ratios.append((race_samples / race_cpu) / (seq_samples / seq_cpu))
        ratio, cpu_ratio = statistics.median(ratios), statistics.median(cpu_ratios)
        worst.append(ratio)
        print(f"{name:38s} {statistics.median(seq_rates):13,.0f} {statistics.median(race_rates):9,.0f} "
              f"{ratio:6.2f} {cpu_ratio:6.2f}")
    print(f"worst ratio {min(worst):.2f} (target >= 0.90)")


if __name__ == "__main__":
    main()
