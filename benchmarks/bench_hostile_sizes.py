"""How the checks scale with hostile sizes (not a test): work must grow with the input, not its square.

    python benchmarks/bench_hostile_sizes.py [--repeats R]

For chains of 1,000 and 20,000 nodes, and for the same chains closed into a cycle, times reading
the document and `check_experiment`, and prints the 20,000 ÷ 1,000 ratio: linear work gives about
20, square work about 400 (the first version took 79 s for the 20,000-node chain). Also times the
strict JSON reader (duplicate keys, unusable numbers, depth, each with its path) against plain
`json.loads` on the same 20,000-node file: the price of the extra checks.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.core.data import describe_dataset  # noqa: E402
from playground.core.experiment import experiment_from_dict  # noqa: E402
from playground.core.graph import check_experiment  # noqa: E402
from playground.core.jsonio import parse_json_text  # noqa: E402


def chain(length: int, cycle: bool) -> dict[str, Any]:
    nodes = [{"id": "input", "type": "Input"}]
    nodes += [{"id": f"relu{i}", "type": "ReLU"} for i in range(length)]
    nodes.append({"id": "logits", "type": "Linear", "params": {"out_features": 2}})
    edges = [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]
    if cycle:
        edges.append([f"relu{length - 1}", "relu1"])
    return {"format": "nn-playground.experiment", "version": 1, "data": {"dataset": "xor"},
            "model": {"nodes": nodes, "edges": edges},
            "training": {"loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam"}}}


def best_of(repeats: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def check_seconds(document: dict[str, Any], repeats: int) -> float:
    def work() -> None:
        experiment = experiment_from_dict(document)
        check_experiment(experiment, describe_dataset(experiment.data))

    return best_of(repeats, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    describe_dataset(experiment_from_dict(chain(1, False)).data)  # warm the dataset cache
    print(f"{'case':<34}{'1,000 nodes':>14}{'20,000 nodes':>14}{'ratio':>8}")
    for cycle in (False, True):
        small = check_seconds(chain(1_000, cycle), args.repeats)
        large = check_seconds(chain(20_000, cycle), args.repeats)
        label = "read + check, a cycle" if cycle else "read + check, a chain"
        print(f"{label:<34}{small:>13.3f}s{large:>13.3f}s{large / small:>8.1f}")
    text = json.dumps(chain(20_000, False))
    plain = best_of(args.repeats, lambda: json.loads(text))
    strict = best_of(args.repeats, lambda: parse_json_text(text))
    print(f"strict JSON reader ÷ json.loads on {len(text) / 1e6:.1f} MB: {strict / plain:.2f} "
          f"({strict * 1000:.0f} ms against {plain * 1000:.0f} ms)")
    print(f"median of one 20,000-node check: {statistics.median([check_seconds(chain(20_000, False), 1)]):.2f}s")


if __name__ == "__main__":
    main()
