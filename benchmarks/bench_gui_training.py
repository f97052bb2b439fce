"""Training throughput with the window open and every live view on, against the headless engine
(not a test).

For each case the same experiment trains (a) headless: `Trainer.run()` in the main thread, and
(b) in a window: `TrainingController` + `TrainingPanel` (all views visible, the "columns" layout
at 1400 × 900, offscreen unless a display is set), driven by the Qt event loop while a 10 ms
QTimer probe measures how late the GUI thread serves it. Both use the same torch thread count
(the worker's: all cores but one) and the engine's defaults (diagnostics on). Runs alternate so
that warm-up and noise hit both alike; the median of the paired ratios is reported.

    python benchmarks/bench_gui_training.py [--repeats R] [--epochs N] [--quick]

Prints samples/second of both, their ratio (window / headless; target >= 0.85) with the spread of
the paired ratios, the GUI event loop's lateness while training (p50 / p99 / max; target p99 <=
50 ms), and how often the loss and task views redrew (a live window must stay live).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from playground.core.document import ExperimentDocument  # noqa: E402
from playground.core.experiment import Experiment, experiment_from_dict, load_experiment  # noqa: E402
from playground.core.training import Trainer, TrainerOptions  # noqa: E402
from playground.ui.training import TrainingController, TrainingPanel  # noqa: E402
from playground.ui.training.bridge import MAX_UPDATES_PER_SECOND, worker_threads  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBE_MS = 10


def digits_mlp() -> Experiment:
    """A digits MLP, for when presets/ has no digits preset."""
    nodes = [{"id": "input", "type": "Input"}, {"id": "flat", "type": "Flatten"},
             {"id": "fc1", "type": "Linear", "params": {"out_features": 128}}, {"id": "relu", "type": "ReLU"},
             {"id": "out", "type": "Linear", "params": {"out_features": 10}}]
    return experiment_from_dict({
        "format": "nn-playground.experiment", "version": 1, "name": "digits MLP",
        "data": {"dataset": "digits"},
        "model": {"nodes": nodes, "edges": [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]},
        "training": {"loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam", "params": {"lr": 0.001}},
                     "batch_size": 64, "epochs": 20},
    })


def cases(quick: bool) -> list[tuple[str, Experiment, Path | None]]:
    out: list[tuple[str, Experiment, Path | None]] = []
    spiral = ROOT / "presets" / "spiral.json"
    out.append(("spiral preset (MLP 2-16-16-16-2 tanh, batch 16)", load_experiment(spiral), spiral))
    digits = ROOT / "presets" / "resnet_block_digits.json"
    if digits.exists():
        experiment = load_experiment(digits)
        experiment.training.epochs = max(experiment.training.epochs, 40)  # ~3 s a run: steadier figures
        out.append(("digits preset (residual CNN block, batch 64, 40 ep.)", experiment, digits))
    else:
        out.append(("digits MLP 64-128-10, batch 64", digits_mlp(), None))
    if not quick:
        for name, title in (("xor.json", "XOR preset (2-4-2 tanh, batch 16)"),
                            ("cnn_mnist.json", "MNIST CNN preset (batch 64)")):
            path = ROOT / "presets" / name
            if path.exists():
                out.append((title, load_experiment(path), path))
    return out


def headless(experiment: Experiment, threads: int) -> float:
    trainer = Trainer(experiment, options=TrainerOptions(num_threads=threads))
    return trainer.run().samples_per_second


class Window:
    """A host window with the training panel, shown at 1400 × 900, and its controller."""

    def __init__(self, experiment: Experiment, path: Path | None) -> None:
        self.window = QMainWindow()
        self.document = ExperimentDocument(experiment, path)
        self.controller = TrainingController(self.document, parent=self.window)
        self.panel = TrainingPanel(self.controller)
        self.window.setCentralWidget(self.panel)
        self.window.resize(1400, 900)
        self.window.show()

    def train(self, app: QApplication, timeout_s: float = 600.0) -> tuple[float, np.ndarray, dict[str, Any]]:
        """One run in the event loop; returns samples/s, probe lateness (ms) and the summary (with
        "redraws_per_second" of the loss and task views while it trained)."""
        loop = QEventLoop()
        summary: dict[str, Any] = {}
        lateness: list[float] = []
        clock = QElapsedTimer()
        probe = QTimer()
        probe.setInterval(PROBE_MS)
        expected = [0.0]

        def on_probe() -> None:
            now = clock.nsecsElapsed() / 1e6
            lateness.append(max(0.0, now - expected[0]))
            expected[0] = now + PROBE_MS

        def on_finished(result: dict[str, Any]) -> None:
            summary.update(result)
            loop.quit()

        probe.timeout.connect(on_probe)
        self.controller.run_finished.connect(on_finished)
        self.controller.state_changed.connect(lambda state: loop.quit() if state in ("idle",) else None)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        self.controller.start()
        clock.start()
        expected[0] = PROBE_MS
        probe.start()
        loop.exec()
        probe.stop()
        self.controller.run_finished.disconnect(on_finished)
        seconds = max(float(summary.get("seconds") or 0.0), 1e-9)
        summary["redraws_per_second"] = {key: self.panel.redraws[key] / seconds for key in ("loss", "task")}
        for _ in range(3):
            app.processEvents()
        return float(summary.get("samples_per_second", 0.0)), np.asarray(lateness), summary

    def close(self) -> None:
        self.controller.shutdown()
        self.window.close()
        self.window.deleteLater()


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=None, help="override the experiments' epochs")
    parser.add_argument("--quick", action="store_true", help="spiral and digits only, 2 repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick and args.repeats == 5 else args.repeats

    app = QApplication.instance() or QApplication(sys.argv)
    from playground.ui import theme

    theme.apply_theme("light")
    threads = worker_threads()
    print(f"torch threads for training: {threads} (of {os.cpu_count()} cores); "
          f"GUI updates <= {MAX_UPDATES_PER_SECOND:g}/s; probe every {PROBE_MS} ms; "
          f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '(default)')}; load average {_load()}")
    print(f"{'case':52s} {'headless/s':>11s} {'window/s':>10s} {'ratio':>6s} {'spread':>10s} {'p50 ms':>7s} "
          f"{'p99 ms':>7s} {'max ms':>7s} {'redraws/s loss, task':>21s}")
    worst_ratio, worst_p99 = np.inf, 0.0
    for title, experiment, path in cases(args.quick):
        if args.epochs:
            experiment.training.epochs = args.epochs
        window = Window(experiment, path)
        headless(experiment, threads)  # warm-up: dataset cache, kernels, allocator
        window.train(app)
        bare, gui, late, redraws = [], [], [], []
        for _ in range(repeats):
            bare.append(headless(experiment, threads))
            rate, lateness, summary = window.train(app)
            gui.append(rate)
            late.append(lateness)
            redraws.append(summary["redraws_per_second"])
        window.close()
        app.processEvents()
        all_late = np.concatenate(late) if late else np.zeros(1)
        # Ratios of adjacent runs, then their median: robust to a machine whose load drifts.
        ratios = [g / b for g, b in zip(gui, bare)]
        ratio = statistics.median(ratios)
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        loss_rate = statistics.median(r["loss"] for r in redraws)
        task_rate = statistics.median(r["task"] for r in redraws)
        p50, p99, top = (float(np.percentile(all_late, 50)), float(np.percentile(all_late, 99)),
                         float(all_late.max()))
        worst_ratio, worst_p99 = min(worst_ratio, ratio), max(worst_p99, p99)
        print(f"{title:52s} {statistics.median(bare):11,.0f} {statistics.median(gui):10,.0f} {ratio:6.2f} "
              f"{spread:>10s} {p50:7.1f} {p99:7.1f} {top:7.1f} {loss_rate:10.1f} {task_rate:10.1f}")
    print(f"worst ratio {worst_ratio:.2f} (target >= 0.85); worst p99 lateness {worst_p99:.1f} ms (target <= 50); "
          f"load average {_load()} (other processes on these cores lower the window's figures)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
