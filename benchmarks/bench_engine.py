"""Engine throughput against a bare, hand-written PyTorch loop (not a test).

For each case both loops train the same model (same initial weights), on the same data, with
the same batch size, seed, optimizer and thread count, in the same process, alternating runs so
that warm-up and noise hit both alike. Both validate once per epoch, as a hand-written loop
that prints a validation loss would. The engine runs with diagnostics on (its default).

    python benchmarks/bench_engine.py [--threads N] [--repeats R] [--quick] [--device cuda]

Prints samples/second of both and their ratio (engine / bare); the target is >= 0.95.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from playground.core.data import load_dataset  # noqa: E402
from playground.core.experiment import experiment_from_dict  # noqa: E402
from playground.core.graph import build_model  # noqa: E402
from playground.core.training import Trainer, TrainerOptions  # noqa: E402


def _linear(node_id: str, out: int) -> dict[str, Any]:
    return {"id": node_id, "type": "Linear", "params": {"out_features": out}}


def _chain(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    nodes = [{"id": "input", "type": "Input"}] + nodes
    return {"nodes": nodes, "edges": [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]}


CASES: dict[str, dict[str, Any]] = {
    "spiral 2-8-8-2 tanh, batch 10": {
        "data": {"dataset": "spiral", "params": {"samples": 400, "noise": 0.1}},
        "model": _chain(
            [
                _linear("fc1", 8),
                {"id": "act1", "type": "Tanh"},
                _linear("fc2", 8),
                {"id": "act2", "type": "Tanh"},
                _linear("out", 2),
            ]
        ),
        "training": {
            "loss": {"type": "CrossEntropyLoss"},
            "optimizer": {"type": "SGD", "params": {"lr": 0.03}},
            "batch_size": 10,
            "epochs": 30,
        },
    },
    "digits MLP 64-128-10, batch 64": {
        "data": {"dataset": "digits"},
        "model": _chain(
            [{"id": "flat", "type": "Flatten"}, _linear("fc1", 128), {"id": "relu", "type": "ReLU"}, _linear("out", 10)]
        ),
        "training": {
            "loss": {"type": "CrossEntropyLoss"},
            "optimizer": {"type": "Adam", "params": {"lr": 0.001}},
            "batch_size": 64,
            "epochs": 6,
        },
    },
    "MNIST CNN conv16-pool-fc, batch 64": {
        "data": {"dataset": "mnist"},
        "model": _chain(
            [
                {"id": "conv", "type": "Conv2d", "params": {"out_channels": 16, "kernel_size": 3, "padding": 1}},
                {"id": "relu", "type": "ReLU"},
                {"id": "pool", "type": "MaxPool2d", "params": {"kernel_size": 2}},
                {"id": "flat", "type": "Flatten"},
                _linear("out", 10),
            ]
        ),
        "training": {
            "loss": {"type": "CrossEntropyLoss"},
            "optimizer": {"type": "Adam", "params": {"lr": 0.001}},
            "batch_size": 64,
            "epochs": 1,
        },
    },
}


def bare_loop(
    model: nn.Module, dataset: Any, batch_size: int, epochs: int, seed: int, make_optimizer: Any, device: str = "cpu"
) -> float:
    """The loop a tutorial would write (data on the device once); returns training samples per second."""
    x, y, x_val, y_val = (t.to(device) for t in (dataset.x_train, dataset.y_train, dataset.x_val, dataset.y_val))
    model = model.to(device)
    n = x.shape[0]
    criterion = nn.CrossEntropyLoss()
    optimizer = make_optimizer(model.parameters())
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model.train()
    started = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=generator).to(device)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            xb, yb = x[idx], y[idx]
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            out = model(x_val)
            _val_loss = criterion(out, y_val).item()
            _val_accuracy = (out.argmax(1) == y_val).float().mean().item()
        model.train()
    return n * epochs / (time.perf_counter() - started)


def engine_loop(experiment: Any, model: nn.Module, dataset: Any, threads: int, every_epoch: bool = False) -> float:
    options = TrainerOptions(
        diagnostics=True,
        num_threads=threads,
        diagnostics_per_second=0.0 if every_epoch else TrainerOptions.diagnostics_per_second,
    )
    trainer = Trainer(experiment, model=model, dataset=dataset, options=options, observer=lambda event: None)
    summary = trainer.run()
    return summary.samples_per_second


def run_case(
    name: str, document: dict[str, Any], threads: int, repeats: int, quick: bool, device: str = "cpu"
) -> tuple[float, float, float]:
    """(bare samples/s, engine/bare ratio, engine-with-diagnostics-every-epoch/bare ratio)."""
    document = copy.deepcopy(document)
    document.update(format="nn-playground.experiment", version=1)
    document["training"].update(seed=0, device=device)
    if quick:
        document["training"]["epochs"] = max(1, document["training"]["epochs"] // 4)
    experiment = experiment_from_dict(document)
    dataset = load_dataset(experiment.data)
    torch.manual_seed(0)
    initial = build_model(experiment, dataset.info)
    spec = experiment.training
    optimizer_class = getattr(torch.optim, spec.optimizer.type)

    def make_optimizer(parameters: Any) -> torch.optim.Optimizer:
        return optimizer_class(parameters, **spec.optimizer.params)

    batch = int(spec.batch_size)
    engine_rates, every_epoch_rates, bare_rates = [], [], []
    torch.set_num_threads(threads)
    # one untimed warm-up of each
    bare_loop(copy.deepcopy(initial), dataset, batch, 1, 0, make_optimizer, device)
    engine_loop(
        experiment.model_copy(update={"training": spec.model_copy(update={"epochs": 1})}),
        copy.deepcopy(initial),
        dataset,
        threads,
    )
    for _ in range(repeats):
        bare_rates.append(bare_loop(copy.deepcopy(initial), dataset, batch, spec.epochs, 0, make_optimizer, device))
        torch.set_num_threads(threads)
        engine_rates.append(engine_loop(experiment, copy.deepcopy(initial), dataset, threads))
        torch.set_num_threads(threads)
        every_epoch_rates.append(engine_loop(experiment, copy.deepcopy(initial), dataset, threads, every_epoch=True))
    # Ratios of adjacent runs, then their median: robust to a machine whose load drifts.
    ratio = statistics.median(e / b for e, b in zip(engine_rates, bare_rates))
    every_ratio = statistics.median(e / b for e, b in zip(every_epoch_rates, bare_rates))
    return statistics.median(bare_rates), ratio, every_ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="fewer epochs, for a smoke run")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (both loops keep the data on it)")
    args = parser.parse_args(argv)
    where = torch.cuda.get_device_name() if args.device == "cuda" else "CPU"
    print(f"torch {torch.__version__} on {where}, {args.threads} thread(s), median of {args.repeats} paired runs")
    print("ratio = engine / bare samples per second; 'every epoch' forces diagnostics on every epoch")
    print("(the default gathers them on every epoch's last batch, at most 20 times a second)")
    print(f"{'case':36s} {'bare samples/s':>15s} {'ratio':>6s} {'ratio, every epoch':>19s}")
    for name, document in CASES.items():
        bare, ratio, every_ratio = run_case(name, document, args.threads, args.repeats, args.quick, args.device)
        print(f"{name:36s} {bare:15,.0f} {ratio:6.3f} {every_ratio:19.3f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
