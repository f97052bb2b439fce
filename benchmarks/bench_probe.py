"""What looking inside a node and keeping the time machine's snapshots cost a run (not a test).

Each case trains the same experiment in a warm worker process several times, alternating:
plain (no look inside, no snapshots), with the look inside a node shown the whole run, and
with weight snapshots kept every epoch. Prints the samples per second of the plain run and each
variant's ratio to it; nobody looking must cost nothing, and looking should stay within the
probes' time budget (a few percent on one core, less with a core to spare).

    python benchmarks/bench_probe.py [--repeats R] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.core.experiment import experiment_from_dict, load_experiment  # noqa: E402
from playground.core.runs.records import ProbeRequest, RunFinished, RunRequest, RunUpdated  # noqa: E402
from playground.core.runs.worker import WorkerProcess  # noqa: E402

PRESETS = Path(__file__).resolve().parents[1] / "presets"


def _digits_cnn(epochs: int) -> Any:
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "conv", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 3, "padding": 1}},
        {"id": "relu", "type": "ReLU"},
        {"id": "flat", "type": "Flatten"},
        {"id": "out", "type": "Linear", "params": {"out_features": 10}},
    ]
    return experiment_from_dict(
        {
            "format": "nn-playground.experiment",
            "version": 2,
            "name": "digits CNN",
            "data": {"dataset": "digits", "params": {}, "split": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 0},
            "model": {"nodes": nodes, "edges": [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]},
            "training": {
                "loss": {"type": "CrossEntropyLoss"},
                "optimizer": {"type": "Adam", "params": {"lr": 0.003}},
                "epochs": epochs,
                "batch_size": 32,
                "seed": 0,
                "device": "cpu",
            },
        }
    )


def _spiral(epochs: int) -> Any:
    experiment = load_experiment(PRESETS / "spiral.json")
    experiment.training.epochs = epochs
    return experiment


CASES = {"digits CNN, look inside conv": (_digits_cnn, "conv"), "spiral MLP, look inside act2": (_spiral, "act2")}


def _rate(worker: WorkerProcess, run_id: int, request: RunRequest) -> float:
    worker.prepare_run()
    worker.submit(run_id, request)
    while True:
        record = worker.receive(120.0)
        if record is None:
            raise RuntimeError("the worker went silent")
        if isinstance(record, RunUpdated):
            worker.control.acknowledged = True
        if isinstance(record, RunFinished):
            return float(record.summary.samples_per_second or 0.0)
        if hasattr(record, "message") and type(record).__name__ == "RunFailed":
            raise RuntimeError(record.message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="fewer epochs and repeats")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    epochs = 3 if args.quick else 12
    worker = WorkerProcess().start()
    if not worker.wait_ready():
        print("the worker did not start:", worker.failure)
        return 1
    print("ratio = samples per second of the variant / of the plain run (same worker, alternating)")
    print(f"{'case':34s} {'plain samples/s':>16s} {'looking inside':>15s} {'snapshots':>10s}")
    run_id = 0
    try:
        for name, (make, node) in CASES.items():
            experiment = make(epochs)
            plain, inside, kept = [], [], []
            for _repeat in range(repeats):
                for kind, rates in (("plain", plain), ("inside", inside), ("snapshots", kept)):
                    run_id += 1
                    request = RunRequest(
                        experiment,
                        snapshots=kind == "snapshots",
                        probe=ProbeRequest(node, sample=0) if kind == "inside" else None,
                    )
                    rates.append(_rate(worker, run_id, request))
            base = statistics.median(plain)
            print(
                f"{name:34s} {base:16,.0f} {statistics.median(inside) / base:15.3f} "
                f"{statistics.median(kept) / base:10.3f}",
                flush=True,
            )
    finally:
        worker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
