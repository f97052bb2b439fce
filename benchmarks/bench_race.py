"""A race of k contenders against the same k runs one after another (not a test).

For each case, k variants of one experiment (activations swapped, or optimizers) train for the
same epochs on the same data:

- sequential: k plain `Trainer.run()` calls one after another in this process (each with the same
  initial weights the race gives its contender, diagnostics off, default event throttling);
- race: one `Race` of the k contenders as the window runs it, `Race.run(pool)`: split over
  `race_workers()` warm worker processes (all cores but one, at least one), each training its
  share in lock-step turns through the steppable engine, with per-step events and 2-D boundary
  thumbnails relayed to this process;
- race here: the same race in this thread (`Race.run()`, the headless path).

Runs alternate (sequential, race, race here, then the reverse order, ...) so warm-up and noise hit
all alike. Prints the total training samples per second and the ratios race ÷ sequential (target
>= 0.95) and race here ÷ sequential, and how many worker processes the race used. The workers are
started and warmed before any clock runs (a race in the window finds them warm too).

    python benchmarks/bench_race.py [--threads N] [--repeats R] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import json
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
from playground.core.runs.pool import WorkerPool, race_workers  # noqa: E402
from playground.core.training import Trainer, TrainerOptions  # noqa: E402

PRESETS = Path(__file__).resolve().parents[1] / "presets"


def _xor_activations(epochs: int):
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.epochs = epochs
    return experiment, activation_contenders(experiment, ["ReLU", "Tanh", "Sigmoid", "GELU"])


def _spiral_optimizers(epochs: int):
    experiment = load_experiment(PRESETS / "spiral.json")
    experiment.training.epochs = epochs
    return experiment, optimizer_contenders(
        experiment, [("SGD", 0.1), ("Momentum", 0.05), ("Adam", 0.01), ("RMSprop", 0.005)]
    )


def _mnist_activations(epochs: int):
    experiment = load_experiment(PRESETS / "mlp_mnist.json")
    experiment.training.epochs = epochs
    return experiment, activation_contenders(experiment, ["ReLU", "Tanh", "GELU"])


CASES = {  # name: (factory, epochs, epochs with --quick)
    "XOR 2-4-2, 4 activations, batch 16": (_xor_activations, 30, 8),
    "spiral MLP, 4 optimizers": (_spiral_optimizers, 20, 5),
    "MNIST MLP, 3 activations": (_mnist_activations, 2, 1),
}


def _sequential(experiment, contenders, dataset, epochs: int, threads: int, pool) -> tuple[int, float, int]:
    """Build and run each contender in turn; the clock covers the same work as the race's."""
    samples = 0
    options = TrainerOptions(diagnostics=False, num_threads=threads)
    started = time.perf_counter()
    torch.manual_seed(experiment.training.seed)
    base = build_model(experiment, dataset.info).state_dict()
    for contender in contenders:
        torch.manual_seed(experiment.training.seed)
        model = build_model(contender.experiment, dataset.info)
        model.load_state_dict(base)
        trainer = Trainer(
            contender.experiment,
            model=model,
            dataset=dataset,
            options=options,
            epochs=epochs,
            observer=lambda event: None,
        )
        summary = trainer.run()
        samples += int(round(summary.samples_per_second * summary.seconds))
    return samples, time.perf_counter() - started, 0


def _race(experiment, contenders, dataset, epochs: int, threads: int, pool) -> tuple[int, float, int]:
    """The race on the pool's worker processes (they load the data themselves, from their cache)."""
    events = []
    started = time.perf_counter()
    race = Race(experiment, contenders, RaceOptions(epochs=epochs, num_threads=threads), observer=events.append)
    race.run(pool)
    seconds = time.perf_counter() - started
    assert race.status == "completed", race.status
    return sum(run.samples for run in race.runs), seconds, race.workers_used


def _race_here(experiment, contenders, dataset, epochs: int, threads: int, pool) -> tuple[int, float, int]:
    events = []
    started = time.perf_counter()
    race = Race(
        experiment, contenders, RaceOptions(epochs=epochs, num_threads=threads), observer=events.append, dataset=dataset
    )
    race.run()
    seconds = time.perf_counter() - started
    assert race.status == "completed", race.status
    return sum(run.samples for run in race.runs), seconds, 0


def _warm_pool(count: int) -> WorkerPool:
    """`count` warm worker processes that stay in the pool between races (a pool normally tops
    itself up to one idle worker as soon as one comes back; here the same ones serve every race)."""
    pool = WorkerPool(keep_ready=count)
    pool.prestart()
    for worker in pool.idle():
        if not worker.wait_ready():
            raise SystemExit(f"a worker process did not start: {worker.failure}")
    pool.prestart = lambda: None  # type: ignore[method-assign]
    return pool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=max(1, (torch.get_num_threads() or 2) - 1))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="fewer epochs and one repeat (a smoke run)")
    parser.add_argument("--json", action="store_true", help="one JSON object per case instead of the table")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    workers = race_workers()
    pool = _warm_pool(workers)
    if not args.json:
        print(
            f"torch {torch.__version__}, {args.threads} training thread(s), {repeats} repeat(s), "
            f"{workers} race worker process(es)"
        )
        print("ratio = race samples/s ÷ sequential samples/s, the median over back-to-back runs (the order")
        print("alternates); 'here' is the same race in this thread (the headless path).")
        print(f"{'case':38s} {'sequential/s':>13s} {'race/s':>9s} {'ratio':>6s} {'here':>6s} {'procs':>5s}")
    worst = []
    try:
        for name, (factory, epochs, quick_epochs) in CASES.items():
            epochs = quick_epochs if args.quick else epochs
            experiment, contenders = factory(epochs)
            experiment.training.device = "cpu"
            for contender in contenders:
                contender.experiment.training.device = "cpu"
            dataset = load_dataset(experiment.data)
            functions = (_sequential, _race, _race_here)
            for function in functions:  # warm-up of all three (the workers load and cache the data)
                function(
                    experiment,
                    contenders[:1] if function is _sequential else contenders,
                    dataset,
                    1,
                    args.threads,
                    pool,
                )
            rates: dict = {function: [] for function in functions}
            ratios, here_ratios, used = [], [], 0
            for index in range(repeats):
                order = functions if index % 2 == 0 else tuple(reversed(functions))
                results = {
                    function: function(experiment, contenders, dataset, epochs, args.threads, pool)
                    for function in order
                }
                for function, (samples, seconds, processes) in results.items():
                    rates[function].append(samples / seconds)
                    used = max(used, processes)
                ratios.append(rates[_race][-1] / rates[_sequential][-1])
                here_ratios.append(rates[_race_here][-1] / rates[_sequential][-1])
            ratio, here = statistics.median(ratios), statistics.median(here_ratios)
            worst.append(ratio)
            sequential_rate, race_rate = statistics.median(rates[_sequential]), statistics.median(rates[_race])
            if args.json:
                print(
                    json.dumps(
                        {
                            "case": name,
                            "epochs": epochs,
                            "contenders": len(contenders),
                            "repeats": repeats,
                            "threads": args.threads,
                            "worker_processes": used,
                            "sequential_samples_per_second": round(sequential_rate, 1),
                            "race_samples_per_second": round(race_rate, 1),
                            "race_here_samples_per_second": round(statistics.median(rates[_race_here]), 1),
                            "ratio": round(ratio, 4),
                            "ratio_here": round(here, 4),
                        }
                    )
                )
            else:
                print(f"{name:38s} {sequential_rate:13,.0f} {race_rate:9,.0f} {ratio:6.2f} {here:6.2f} {used:5d}")
    finally:
        pool.shutdown()
    if not args.json:
        print(f"worst ratio {min(worst):.2f} (target >= 0.95)")


if __name__ == "__main__":
    main()
