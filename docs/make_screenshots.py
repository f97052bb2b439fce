"""Make the README's screenshots: real windows, real data, real training (offscreen).

    python docs/make_screenshots.py

Writes PNGs into docs/screenshots/. The single-window pictures use `playground snapshot`'s own
code; the comparison picture runs a real activation race in the Compare tab.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from playground.ui.snapshot import SnapshotOptions, write_snapshot  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PRESETS = ROOT / "presets"

WINDOWS = [
    ("network_light.png", "xor.json", "light", None, ("hidden",)),
    ("resnet_dark.png", "resnet_block_digits.json", "dark", None, ()),
    ("training_spiral.png", "spiral.json", "light", 150, ()),
    ("training_cnn_mnist_dark.png", "cnn_mnist.json", "dark", 3, ()),
    ("training_vanishing_gradients.png", "vanishing_gradients_sigmoid.json", "light", 40, ()),
]


def compare_race(out: Path) -> None:
    """The Compare tab after a real race of four activations on XOR."""
    from PySide6.QtCore import Qt

    from playground.core.experiment import load_experiment
    from playground.ui.app import create_application
    from playground.ui.main_window import MainWindow

    app = create_application()
    experiment = load_experiment(PRESETS / "xor.json")
    experiment.training.epochs = 40
    window = MainWindow(experiment, PRESETS / "xor.json", persistent=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.resize(1400, 900)
    window.show()
    window.workspace.setCurrentIndex(2)
    section = window.compare_panel.activations.race
    window.compare_panel.activations.set_checked(["Sigmoid", "Tanh", "ReLU", "GELU"])
    finished = []
    section.race_finished.connect(lambda *args: finished.append(True))
    section.start()
    deadline = time.monotonic() + 300
    while not finished and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    window.grab().save(str(out))
    window.close_discarding()
    print(f"wrote {out}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, preset, theme_name, epochs, select in WINDOWS:
        options = SnapshotOptions(size=(1400, 900), theme=theme_name, epochs=epochs, select=select)
        write_snapshot(PRESETS / preset, OUT / name, options)
        print(f"wrote {OUT / name}")
    compare_race(OUT / "compare_activations.png")


if __name__ == "__main__":
    main()
