"""Training with the window open and every live view on, against the headless engine (not a test).

For each case the same experiment trains (a) headless: `Trainer.run()` in this process, and (b) in
the real main window at 1400 × 900 with the Training tab shown (every view visible; offscreen
unless a display is set), where training runs in the warm worker process and the views redraw
while a 10 ms QTimer probe measures how late the GUI thread serves it. Both use the same torch
thread count (all cores but one). Runs alternate so that warm-up and noise hit both alike; the
median of the paired ratios is reported.

    python benchmarks/bench_gui_training.py [--repeats R] [--quick] [--json]

Per case: samples/second headless and in the window, their ratio (target >= 0.95), redraws per
second of the loss curves and the decision boundary (target >= 25) and of the other views
(target >= 5), the event loop's lateness p99 (target <= 30 ms), and the time from pressing Train
to the first step arriving in the window (target <= 300 ms). `--json` prints one JSON object per
case on its own line (keys: case, headless_samples_per_second, window_samples_per_second, ratio,
loss_redraws_per_second, boundary_redraws_per_second, other_redraws_per_second, p99_ms, first_step_ms).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.core.experiment import Experiment, experiment_from_dict, load_experiment  # noqa: E402
from playground.core.runs.session import worker_threads  # noqa: E402
from playground.core.training import Trainer, TrainerOptions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBE_MS = 10
OTHER_VIEWS = ("lr", "diagnostics", "network")


def tf_playground_case() -> Experiment:
    """TensorFlow Playground's own speed case: spiral, 2-8-8-2 tanh, 250 training points, batch 10,
    SGD at 0.03."""
    nodes = [
        {"id": "input", "type": "Input"},
        {"id": "fc1", "type": "Linear", "params": {"out_features": 8}},
        {"id": "act1", "type": "Tanh"},
        {"id": "fc2", "type": "Linear", "params": {"out_features": 8}},
        {"id": "act2", "type": "Tanh"},
        {"id": "out", "type": "Linear", "params": {"out_features": 2}},
    ]
    return experiment_from_dict(
        {
            "format": "nn-playground.experiment",
            "version": 1,
            "name": "TensorFlow Playground speed case",
            "data": {
                "dataset": "spiral",
                "params": {"samples": 500, "noise": 0.0},
                "split": {"train": 0.5, "val": 0.25, "test": 0.25},
            },
            "model": {"nodes": nodes, "edges": [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]},
            "training": {
                "loss": {"type": "CrossEntropyLoss"},
                "optimizer": {"type": "SGD", "params": {"lr": 0.03}},
                "batch_size": 10,
                "epochs": 400,
                "device": "cpu",
            },
        }
    )


def cases(quick: bool) -> list[tuple[str, Experiment, Path | None]]:
    spiral = ROOT / "presets" / "spiral.json"
    digits = ROOT / "presets" / "resnet_block_digits.json"
    residual = load_experiment(digits)
    residual.training.epochs = max(residual.training.epochs, 40)  # ~3 s a run: steadier figures
    out = [
        ("spiral preset", load_experiment(spiral), spiral),
        ("digits residual block", residual, digits),
        ("TF Playground speed case", tf_playground_case(), None),
    ]
    return out[:2] if quick else out


def headless(experiment: Experiment, threads: int) -> float:
    return Trainer(experiment, options=TrainerOptions(num_threads=threads)).run().samples_per_second


class Window:
    """The real main window on one experiment, Training tab shown, at 1400 × 900."""

    def __init__(self, experiment: Experiment, path: Path | None) -> None:
        from playground.ui.main_window import MainWindow

        self.window = MainWindow(experiment, path, persistent=False)
        self.window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.window.resize(1400, 900)
        self.window.show()
        self.window.workspace.setCurrentIndex(1)  # the Training tab: every live view visible
        self.controller = self.window.training
        self.panel = self.window.training_panel

    def train(self, app: QApplication, timeout_s: float = 600.0) -> dict[str, Any]:
        """One run in the event loop: samples/s, redraws/s, probe lateness, first-step latency."""
        loop = QEventLoop()
        finished: list[Any] = []
        lateness: list[float] = []
        clock = QElapsedTimer()
        probe = QTimer()
        probe.setInterval(PROBE_MS)
        expected = [0.0]
        first_step: list[float] = []
        pressed = [0.0]

        def on_probe() -> None:
            now = clock.nsecsElapsed() / 1e6
            lateness.append(max(0.0, now - expected[0]))
            expected[0] = now + PROBE_MS

        def on_updated(update: Any) -> None:
            if not first_step and update.steps is not None and len(update.steps):
                first_step.append((time.perf_counter() - pressed[0]) * 1000)

        def on_finished(summary: Any) -> None:
            finished.append(summary)
            loop.quit()

        probe.timeout.connect(on_probe)
        self.controller.run_updated.connect(on_updated)
        self.controller.run_finished.connect(on_finished)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        pressed[0] = time.perf_counter()
        self.controller.start()
        clock.start()
        expected[0] = PROBE_MS
        probe.start()
        loop.exec()
        probe.stop()
        self.controller.run_updated.disconnect(on_updated)
        self.controller.run_finished.disconnect(on_finished)
        summary = finished[0]
        seconds = max(float(summary.seconds or 0.0), 1e-9)
        redraws = {key: self.panel.redraws[key] / seconds for key in self.panel.views}
        for _ in range(3):
            app.processEvents()
        return {
            "samples_per_second": float(summary.samples_per_second),
            "lateness": np.asarray(lateness),
            "redraws": redraws,
            "first_step_ms": first_step[0] if first_step else float("nan"),
        }

    def close(self) -> None:
        self.window.close_discarding()
        self.window.deleteLater()


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="spiral and digits only, 2 repeats")
    parser.add_argument("--json", action="store_true", help="one JSON object per case, nothing else")
    args = parser.parse_args()
    repeats = 2 if args.quick and args.repeats == 3 else args.repeats

    app = QApplication.instance() or QApplication(sys.argv)
    from playground.ui import theme
    from playground.ui.training import workers

    theme.apply_theme("light")
    threads = worker_threads()
    pool = workers.pool()
    pool.prestart()  # a warm worker, as the window keeps one ready
    for worker in pool.idle():
        worker.wait_ready()
    if not args.json:
        print(
            f"torch threads for training: {threads} (of {os.cpu_count()} cores); training in a worker "
            f"{'thread' if pool.in_process else 'process'}; probe every {PROBE_MS} ms; "
            f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '(default)')}; load average {_load()}"
        )
        print(
            f"{'case':26s} {'headless/s':>11s} {'window/s':>10s} {'ratio':>6s} {'spread':>10s} {'p99 ms':>7s} "
            f"{'loss/s':>7s} {'boundary/s':>10s} {'others/s':>9s} {'first step':>10s}"
        )
    for title, experiment, path in cases(args.quick):
        window = Window(experiment, path)
        headless(experiment, threads)  # warm-up: dataset cache, kernels, allocator
        window.train(app)
        bare, runs = [], []
        for _ in range(repeats):
            bare.append(headless(experiment, threads))
            runs.append(window.train(app))
        window.close()
        app.processEvents()
        ratios = [run["samples_per_second"] / b for run, b in zip(runs, bare)]
        lateness = np.concatenate([run["lateness"] for run in runs])
        others = [
            min(
                run["redraws"][key]
                for key in OTHER_VIEWS
                if key in run["redraws"] and (key != "network" or run["redraws"][key] > 0)
            )
            for run in runs
        ]
        result = {
            "case": title,
            "headless_samples_per_second": statistics.median(bare),
            "window_samples_per_second": statistics.median(run["samples_per_second"] for run in runs),
            "ratio": statistics.median(ratios),
            "loss_redraws_per_second": statistics.median(run["redraws"]["loss"] for run in runs),
            "boundary_redraws_per_second": statistics.median(run["redraws"]["task"] for run in runs),
            "other_redraws_per_second": statistics.median(others),
            "p99_ms": float(np.percentile(lateness, 99)) if lateness.size else float("nan"),
            "first_step_ms": statistics.median(run["first_step_ms"] for run in runs),
        }
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
            print(
                f"{title:26s} {result['headless_samples_per_second']:11,.0f} "
                f"{result['window_samples_per_second']:10,.0f} {result['ratio']:6.2f} {spread:>10s} "
                f"{result['p99_ms']:7.1f} {result['loss_redraws_per_second']:7.1f} "
                f"{result['boundary_redraws_per_second']:10.1f} {result['other_redraws_per_second']:9.1f} "
                f"{result['first_step_ms']:8.0f}ms",
                flush=True,
            )
    if not args.json:
        print(
            "targets: ratio >= 0.95, loss and boundary >= 25 redraws/s, others >= 5, p99 <= 30 ms, "
            f"first step <= 300 ms; load average {_load()}"
        )
    workers.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
