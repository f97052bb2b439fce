"""How the checks scale with hostile sizes (not a test): work must grow with the input, not its square.

    python benchmarks/bench_hostile_sizes.py [--repeats R]

For chains of 100 and 2,000 nodes (the most a file may hold; 20,000 are refused at once), and for
the same chains closed into a cycle, times reading the document and `check_experiment`, and prints
the 2,000 ÷ 100 ratio: linear work gives about 20, square work about 400 (the first version took
79 s for a 20,000-node chain). Also times the strict JSON reader (duplicate keys, unusable numbers,
depth, each with its path) against plain `json.loads` on the 2,000-node file, and opening that file
in the window (with --window).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.core.data import describe_dataset  # noqa: E402
from playground.core.errors import ExperimentError  # noqa: E402
from playground.core.experiment import experiment_from_dict  # noqa: E402
from playground.core.experiment.schema import MAX_NODES  # noqa: E402
from playground.core.graph import check_experiment  # noqa: E402
from playground.core.jsonio import parse_json_text  # noqa: E402


def chain(length: int, cycle: bool) -> dict[str, Any]:
    nodes = [{"id": "input", "type": "Input"}]
    nodes += [{"id": f"relu{i}", "type": "ReLU"} for i in range(length)]
    nodes.append({"id": "logits", "type": "Linear", "params": {"out_features": 2}})
    edges = [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]
    if cycle:
        edges.append([f"relu{length - 1}", "relu1"])
    return {
        "format": "nn-playground.experiment",
        "version": 1,
        "data": {"dataset": "xor"},
        "model": {"nodes": nodes, "edges": edges},
        "training": {"loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam"}},
    }


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


def refuse(document: dict[str, Any]) -> None:
    try:
        experiment_from_dict(document)
    except ExperimentError:
        return
    raise AssertionError("a file above the size limit was accepted")


def window_times(small_size: int, large_size: int) -> None:
    """Seconds to open each chain in a real (offscreen) main window."""
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from playground.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(persistent=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for size in (small_size, large_size):
            path = Path(folder) / f"chain{size}.json"
            path.write_text(json.dumps(chain(size, False)), encoding="utf-8")
            started = time.perf_counter()
            window.open_file(path)
            window.flush_views()
            app.processEvents()
            seconds.append(time.perf_counter() - started)
    window.close_discarding()
    print(f"{'open in the window':<34}{seconds[0]:>13.3f}s{seconds[1]:>13.3f}s{seconds[1] / seconds[0]:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--window", action="store_true", help="also time opening the files in the window")
    args = parser.parse_args()
    describe_dataset(experiment_from_dict(chain(1, False)).data)  # warm the dataset cache
    small_size, large_size = 100 - 2, MAX_NODES - 2
    print(f"{'case':<34}{'100 nodes':>14}{'2,000 nodes':>14}{'ratio':>8}")
    for cycle in (False, True):
        small = check_seconds(chain(small_size, cycle), args.repeats)
        large = check_seconds(chain(large_size, cycle), args.repeats)
        label = "read + check, a cycle" if cycle else "read + check, a chain"
        print(f"{label:<34}{small:>13.3f}s{large:>13.3f}s{large / small:>8.1f}")
    text = json.dumps(chain(large_size, False))
    plain = best_of(args.repeats, lambda: json.loads(text))
    strict = best_of(args.repeats, lambda: parse_json_text(text))
    print(
        f"strict JSON reader ÷ json.loads on {len(text) / 1e6:.2f} MB: {strict / plain:.2f} "
        f"({strict * 1000:.0f} ms against {plain * 1000:.0f} ms)"
    )
    refused = best_of(args.repeats, lambda: refuse(chain(20_000, False)))
    print(f"a 20,000-node file refused in {refused * 1000:.0f} ms")
    if args.window:
        window_times(small_size, large_size)


if __name__ == "__main__":
    main()
