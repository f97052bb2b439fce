"""How much memory this machine has, asked without Qt or extra packages, and sizes in words.

Loaders (and anything else that is about to allocate a lot) compare their estimate with
`usable_memory_bytes()` and refuse early with a message that says both figures, instead of
failing with MemoryError halfway, or being killed by the operating system.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

from playground.core.i18n import _

FALLBACK_BYTES = 8 * 1024**3  # assumed when the platform does not say (a typical laptop)
_MEMINFO = Path("/proc/meminfo")


def machine_memory_bytes() -> int:
    """Physical memory of this machine in bytes; `FALLBACK_BYTES` when the platform does not say."""
    total = _sysconf_total() or _windows_status()[0]
    return total if total else FALLBACK_BYTES


def available_memory_bytes() -> int | None:
    """Bytes that can be allocated now without swapping (Linux MemAvailable, Windows), else None."""
    available = _meminfo_available()
    if available is None:
        available = _windows_status()[1]
    return available


def usable_memory_bytes() -> int:
    """What a new allocation may use: the memory available now, else the machine's total."""
    available = available_memory_bytes()
    total = machine_memory_bytes()
    return min(available, total) if available is not None else total


def describe_machine_memory() -> str:
    """'23 GB' or '23 GB, 5 GB of it free' (when little is free), for messages."""
    total = machine_memory_bytes()
    usable = usable_memory_bytes()
    if usable >= total * 0.9:
        return format_bytes(total)
    return _("{total}, {free} of it free").format(total=format_bytes(total), free=format_bytes(usable))


def format_bytes(n: int | float) -> str:
    """A size in decimal units, whole numbers from 10 up: '512 bytes', '3.2 MB', '1,204 GB' (never TB)."""
    n = max(0.0, float(n))
    if n < 999.5:
        return _("{count} bytes").format(count=f"{n:.0f}")
    for unit, size in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        value = n / size
        if value < 999.5 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 9.95 else f"{value:,.0f} {unit}"
    raise AssertionError("unreachable")


def _sysconf_total() -> int | None:
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows) or no such name
        return None
    return pages * page_size if pages > 0 and page_size > 0 else None


def _meminfo_available() -> int | None:
    try:
        text = _MEMINFO.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            fields = line.split()
            if len(fields) >= 2 and fields[1].isdigit():
                return int(fields[1]) * (1024 if fields[2:3] == ["kB"] else 1)
    return None


class _MemoryStatus(ctypes.Structure):
    _fields_ = [
        ("dwLength", ctypes.c_ulong),
        ("dwMemoryLoad", ctypes.c_ulong),
        ("ullTotalPhys", ctypes.c_ulonglong),
        ("ullAvailPhys", ctypes.c_ulonglong),
        ("ullTotalPageFile", ctypes.c_ulonglong),
        ("ullAvailPageFile", ctypes.c_ulonglong),
        ("ullTotalVirtual", ctypes.c_ulonglong),
        ("ullAvailVirtual", ctypes.c_ulonglong),
        ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
    ]


def _windows_status() -> tuple[int | None, int | None]:
    """(total, available) from GlobalMemoryStatusEx on Windows; (None, None) elsewhere."""
    if sys.platform != "win32":
        return None, None
    status = _MemoryStatus()
    status.dwLength = ctypes.sizeof(_MemoryStatus)
    try:
        if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return None, None
    except (AttributeError, OSError):
        return None, None
    return int(status.ullTotalPhys) or None, int(status.ullAvailPhys) or None
