"""How long the window takes to open, against the floor of the libraries it stands on (not a test).

Each measurement is a fresh Python process, so every import is paid again:

- floor: import torch, PySide6 and pyqtgraph, create the QApplication, show an empty QMainWindow
  and let the event loop paint it;
- app: what `playground` does: create the application, apply the theme, build the main window on
  the default experiment, show it and let the event loop paint it.

Both time from the first line of the child to the first painted frame. Runs alternate so that disk
caches and noise hit both alike; medians are reported, with their ratio (target <= 1.5) and the
three slowest steps of one app start (cumulative time of the project's functions, from cProfile).

    python benchmarks/bench_startup.py [--repeats R] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR = r"""
import time
started = time.perf_counter()
import torch, pyqtgraph
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1400, 900)
window.show()
app.processEvents()
window.grab()
print(time.perf_counter() - started)
"""

APP = r"""
import time
started = time.perf_counter()
import os, sys
profile = os.environ.get("BENCH_PROFILE") == "1"
if profile:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
from playground.ui.app import create_application
app = create_application([])
from playground.ui import theme
from playground.ui.main_window import MainWindow
theme.apply_theme("light")
window = MainWindow(persistent=False)
window.show()
app.processEvents()
window.grab()
elapsed = time.perf_counter() - started
if profile:
    profiler.disable()
    import pstats
    stats = pstats.Stats(profiler).stats
    rows = []
    for (path, line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        is_entry = name == "<module>" or (name == "__init__" and path.endswith("main_window.py"))
        if "/playground/" in path and not is_entry:
            rows.append((cumulative, f"{Path(path).relative_to(ROOT)}:{line} {name}"))
    rows.sort(reverse=True)
    for cumulative, where in rows[:3]:
        print(f"STEP {cumulative:.2f} {where}")
window.close_discarding()
print(elapsed)
"""


def child(code: str, profile: bool = False) -> tuple[float, list[str]]:
    env = {**os.environ, "NN_PLAYGROUND_WARM_WORKER": "0"}
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    if profile:
        env["BENCH_PROFILE"] = "1"
    prelude = f"from pathlib import Path\nROOT = Path({str(ROOT)!r})\nimport sys\nsys.path.insert(0, str(ROOT))\n"
    out = (
        subprocess.run(
            [sys.executable, "-c", prelude + code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()
    )
    steps = [line[5:] for line in out if line.startswith("STEP ")]
    return float(out[-1]), steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    floors, apps = [], []
    child(FLOOR)  # warm the disk cache for both
    for _ in range(args.repeats):
        floors.append(child(FLOOR)[0])
        apps.append(child(APP)[0])
    _, steps = child(APP, profile=True)
    floor, app = statistics.median(floors), statistics.median(apps)
    result = {
        "floor_seconds": round(floor, 3),
        "app_seconds": round(app, 3),
        "ratio": round(app / floor, 2),
        "slowest_steps": steps,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"floor (torch + PySide6 + pyqtgraph + empty window): {floor:.2f} s  (runs: "
            + ", ".join(f"{v:.2f}" for v in floors)
            + ")"
        )
        print(
            f"app   (main window on the default experiment):       {app:.2f} s  (runs: "
            + ", ".join(f"{v:.2f}" for v in apps)
            + ")"
        )
        print(f"ratio {app / floor:.2f}  (target <= 1.5)")
        print("slowest steps of one app start (cumulative seconds, under cProfile):")
        for step in steps:
            print(f"  {step}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
