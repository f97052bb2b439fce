"""Pay torch's one-time optimizer set-up before the user needs it.

The first `torch.optim` optimizer a process constructs imports `torch._dynamo` (about 1.5 s):
the window's schedule designer and range test build one, so the window does this once, in a
background thread, after it has shown.
"""

from __future__ import annotations

import threading

import torch

_started = threading.Event()


def warm_optimizers() -> None:
    """Construct a throw-away optimizer (idempotent; safe from any thread)."""
    parameter = torch.nn.Parameter(torch.zeros(1))
    torch.optim.SGD([parameter], lr=0.1)


def warm_optimizers_in_background() -> threading.Thread | None:
    """`warm_optimizers` in a daemon thread, once per process; the thread, or None if already done."""
    if _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=warm_optimizers, name="warm-optimizers", daemon=True)
    thread.start()
    return thread
