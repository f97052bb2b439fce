"""Before Qt starts: can it open a window on this machine?

Qt aborts the process (exit 134, a core dump) when it cannot load its platform plugin, with a
message that names one missing library at best. On Linux this checks first, without starting Qt:
is there a display at all, and does the X11 (xcb) plugin find every shared library it links to
(`ldd` on the plugin and on Qt's xcb library)? If not, `playground` prints what is missing and the
Debian/Ubuntu packages that provide it, and exits with 1.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# shared library -> the Debian/Ubuntu package that ships it (what Qt 6's xcb plugin links to)
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
# the README's package line: everything the window needs on a fresh Debian/Ubuntu machine
README_PACKAGES = (
    "libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 "
    "libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 "
    "libxcb-xinerama0 libxcb-xkb1"
)
HEADLESS_HINT = (
    "Without a window, `playground snapshot FILE -o shot.png` renders one to a PNG, "
    "QT_QPA_PLATFORM=offscreen runs the app without a display, and `playground check`, "
    "`train` and `export` need none."
)


def parse_ldd(text: str) -> list[str]:
    """The libraries `ldd` reports as "not found", in order, once each."""
    missing: list[str] = []
    for line in text.splitlines():
        name, _, rest = line.strip().partition("=>")
        name = name.strip()
        if rest.strip() == "not found" and name and name not in missing:
            missing.append(name)
    return missing


def xcb_files() -> list[Path]:
    """Qt's X11 platform plugin and the library it is built on, in the installed PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return []
    qt = Path(spec.origin).parent / "Qt"
    return [
        path
        for path in [qt / "plugins" / "platforms" / "libqxcb.so", *sorted(qt.glob("lib/libQt6XcbQpa.so*"))]
        if path.is_file()
    ]


def missing_xcb_libraries() -> list[str]:
    """Shared libraries the xcb plugin needs and cannot find (empty when `ldd` is not there)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    missing: list[str] = []
    for path in xcb_files():
        try:
            result = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        for name in parse_ldd(result.stdout):
            if name not in missing:
                missing.append(name)
    return missing


def missing_libraries_message(missing: list[str]) -> str:
    packages = sorted({DEBIAN_PACKAGES[name] for name in missing if name in DEBIAN_PACKAGES})
    lines = [
        f"The window cannot start: Qt's X11 (xcb) platform needs libraries this machine does not have: "
        f"{', '.join(missing)}."
    ]
    if packages:
        lines.append(f"On Debian or Ubuntu: sudo apt-get install {' '.join(packages)}")
    lines.append(f"(Everything the window needs there: sudo apt-get install {README_PACKAGES})")
    lines.append(HEADLESS_HINT)
    return "\n".join(lines)


def platform_problem(environ: Mapping[str, str] | None = None, missing: list[str] | None = None) -> str | None:
    """Why Qt could not open a window here, in plain words with the fix; None if it should.

    Only Linux's X11 path is checked: another platform (offscreen, wayland, vnc, ...) chosen with
    QT_QPA_PLATFORM, or a Wayland session, is left to Qt. `missing` replaces the `ldd` check (tests).
    """
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform and platform != "xcb":
        return None
    if not platform and environ.get("WAYLAND_DISPLAY"):
        return None
    if not environ.get("DISPLAY"):
        return (
            "There is no display to open the window on (DISPLAY is not set). Run `playground` on a desktop, "
            "or under a virtual one (`xvfb-run playground`). " + HEADLESS_HINT
        )
    missing = missing_xcb_libraries() if missing is None else missing
    return missing_libraries_message(missing) if missing else None
