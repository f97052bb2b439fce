"""Make the README's screenshots: real windows, real data, real training (offscreen).

    python docs/make_screenshots.py

Writes PNGs into docs/screenshots/. The single-window pictures use `playground snapshot`'s own
code; the comparison picture runs a real activation race in the Compare tab; the live pictures
are taken in the middle of a run in the real window (training in its worker process).
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
# the same windows in Simplified Chinese (`--lang zh_CN`): the network editor and the Training tab
CHINESE_WINDOWS = [
    ("network_zh_CN.png", "cnn_mnist.json", "light", None, ("conv",)),
    ("training_spiral_zh_CN_dark.png", "spiral.json", "dark", 150, ()),
]


def chinese_windows() -> None:
    for name, preset, theme_name, epochs, select in CHINESE_WINDOWS:
        options = SnapshotOptions(size=(1400, 900), theme=theme_name, epochs=epochs, select=select, language="zh_CN")
        write_snapshot(PRESETS / preset, OUT / name, options)
        print(f"wrote {OUT / name}")


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


def speed_case():
    """TensorFlow Playground's speed case (spiral, 2-8-8-2 tanh): small enough for the weights as lines."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_gui_training import tf_playground_case

    return tf_playground_case()


def mid_run(
    out: Path,
    experiment,
    path: Path | None,
    theme_name: str,
    size: tuple[int, int],
    share: float,
    hover: tuple[int, int] | None = None,
) -> None:
    """The Training tab of the real window while the run is under way (the training worker
    process, every live view on), once `share` of its epochs are done; `hover` puts the mouse on
    a unit of the network view."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from playground.ui import theme
    from playground.ui.app import create_application
    from playground.ui.main_window import MainWindow
    from playground.ui.training import workers

    def wait(s: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(s * 1000), loop.quit)
        loop.exec()

    app = create_application()
    theme.apply_theme(theme_name, app)
    pool = workers.pool()
    pool.prestart()
    for worker in pool.idle():
        worker.wait_ready()
    window = MainWindow(experiment, path, persistent=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.resize(*size)
    window.show()
    window.workspace.setCurrentIndex(1)
    wait(0.3)
    window.training.start()
    deadline = time.monotonic() + 120
    epochs = experiment.training.epochs
    while time.monotonic() < deadline:
        progress = window.training.progress
        if progress is not None and progress.epoch >= share * epochs:
            break
        wait(0.02)
    if hover is not None:
        view = window.training_panel.network_view
        unit = view.unit_items(hover[0])[hover[1]]
        centre = view.canvas.mapFromScene(unit.rect.center())
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QMouseEvent

        event = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            QPointF(centre),
            QPointF(centre),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        app.sendEvent(view.canvas.viewport(), event)
        wait(0.15)
    window.grab().save(str(out))
    window.close_discarding()
    theme.apply_theme("light", app)
    print(f"wrote {out}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, preset, theme_name, epochs, select in WINDOWS:
        options = SnapshotOptions(size=(1400, 900), theme=theme_name, epochs=epochs, select=select)
        write_snapshot(PRESETS / preset, OUT / name, options)
        print(f"wrote {OUT / name}")
    chinese_windows()
    compare_race(OUT / "compare_activations.png")
    from playground.core.experiment import load_experiment

    spiral = PRESETS / "spiral.json"
    mid_run(OUT / "training_spiral_live.png", load_experiment(spiral), spiral, "light", (1400, 900), 0.6)
    mid_run(OUT / "training_network_dark.png", speed_case(), None, "dark", (1400, 900), 0.5, hover=(2, 3))


if __name__ == "__main__":
    main()
