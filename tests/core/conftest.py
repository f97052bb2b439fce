"""Fixtures the core tests share."""

from __future__ import annotations

import pytest
import torch

from playground.core.data import images as image_module


@pytest.fixture
def one_torch_thread():
    """Tiny models: one thread is as fast, and much faster on a busy 2-core CI machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def restore_decoders():
    """Image decoders registered by a test are gone after it."""
    saved = dict(image_module._DECODERS)
    yield
    image_module._DECODERS.clear()
    image_module._DECODERS.update(saved)
