"""Data augmentation: random changes to each training batch, on the training device.

The engine calls `augment_batch` on every training batch right after taking it from the
training split (validation and test data are never touched, and neither is the training split:
each call makes new tensors). The random numbers come from a generator of their own, seeded per
batch from the run's seed, the epoch and the batch's position (`augment_seed`): a run and its
repeat with the same seed see the same augmented batches, a resumed or forked run continues with
the very batches the original would have seen, and no other random stream (the batch order,
dropout) shifts when augmentation is switched on.

The code exporter copies `augment_seed`, `shift_and_rotate` and `augment_batch` verbatim into the
exported script (they read nothing but torch, math and their arguments), so the script trains
on the same augmented batches as the app. Which augmentations exist is declared in
`playground.core.catalogue.augmentations`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - the name the exported script uses

from playground.core.catalogue.augmentations import active_settings


def augment_seed(seed: int, epoch: int, batch: int) -> int:
    """The seed of the augmentation of one batch: batch `batch` (from 0) of epoch `epoch` (from 1)."""
    return ((seed * 1_000_003 + epoch) * 1_000_003 + batch) % (2**63)


def shift_and_rotate(images: torch.Tensor, generator: torch.Generator, padding: int, degrees: float) -> torch.Tensor:
    """Shift each image by up to `padding` whole pixels in x and y (a random crop of the image
    padded with its edge pixels) and rotate it by up to ±`degrees`, in one resampling."""
    n, height, width = images.shape[0], images.shape[-2], images.shape[-1]
    device, dtype = images.device, images.dtype
    flat = images.reshape(n, -1, height, width)
    if padding:
        shift = torch.randint(-padding, padding + 1, (n, 2), generator=generator, device=device).to(dtype)
    else:
        shift = torch.zeros(n, 2, device=device, dtype=dtype)
    if degrees:
        angle = (torch.rand(n, generator=generator, device=device, dtype=dtype) * 2 - 1) * math.radians(degrees)
    else:
        angle = torch.zeros(n, device=device, dtype=dtype)
    cos, sin = angle.cos(), angle.sin()
    # where each output pixel is read from, in the [-1, 1] coordinates of grid_sample (rotation in
    # pixel units, so a non-square image turns without being sheared)
    theta = torch.stack(
        [
            torch.stack([cos, -sin * height / width, 2 * shift[:, 0] / width], dim=1),
            torch.stack([sin * width / height, cos, 2 * shift[:, 1] / height], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(flat.shape), align_corners=False)
    moved = F.grid_sample(flat, grid, mode="bilinear", padding_mode="border", align_corners=False)
    return moved.reshape(images.shape)


def augment_batch(
    x: torch.Tensor,
    generator: torch.Generator,
    flip: bool = False,
    crop_padding: int = 0,
    rotation: float = 0.0,
    noise: float = 0.0,
    jitter: float = 0.0,
) -> torch.Tensor:
    """A randomly changed copy of the training batch `x` (`x` itself is left as it is).

    Images (N, C, H, W): mirrored left-right with probability 1/2 (`flip`), shifted by up to
    `crop_padding` pixels and rotated by up to ±`rotation` degrees, plus Gaussian pixel noise of
    std `noise`. Points and feature rows (N, F): Gaussian noise of std `jitter` on every input.
    """
    n, device = x.shape[0], x.device
    if flip:
        mirrored = torch.rand(n, generator=generator, device=device) < 0.5
        x = torch.where(mirrored.reshape(n, *([1] * (x.dim() - 1))), x.flip(-1), x)
    if crop_padding or rotation:
        x = shift_and_rotate(x, generator, crop_padding, rotation)
    if noise:
        x = x + noise * torch.randn(x.shape, generator=generator, device=device, dtype=x.dtype)
    if jitter:
        x = x + jitter * torch.randn(x.shape, generator=generator, device=device, dtype=x.dtype)
    return x


class BatchAugmenter:
    """Augments the training batches of one run: a generator on the training device, reseeded for
    every batch, so the batches depend on (seed, epoch, batch) alone."""

    def __init__(self, settings: Mapping[str, Any], seed: int, device: torch.device) -> None:
        self.settings = active_settings(settings)
        self.seed = int(seed)
        self.generator = torch.Generator(device=device)

    def __call__(self, x: torch.Tensor, epoch: int, batch: int) -> torch.Tensor:
        """Batch `batch` (from 0) of epoch `epoch` (from 1), augmented."""
        self.generator.manual_seed(augment_seed(self.seed, epoch, batch))
        return augment_batch(x, self.generator, **self.settings)


def batch_augmenter(augmentation: Any, seed: int, device: torch.device) -> BatchAugmenter | None:
    """The augmenter for a run with ``data.augmentation`` = `augmentation` (None: no augmentation,
    so runs without it take no extra step)."""
    if augmentation is None or not augmentation.is_active():
        return None
    return BatchAugmenter(augmentation.model_dump(), seed, device)


def preview(samples: torch.Tensor, settings: Mapping[str, Any], seed: int, copies: int, first: int = 0) -> torch.Tensor:
    """`copies` augmented versions of each sample, as training could see them: (copies, N, ...).

    Copy k is drawn as batch `first` + k of an epoch 0 that training never runs (epochs count
    from 1), so a preview never shows a batch of the run itself, and `first` gives new draws."""
    active = active_settings(settings)
    generator = torch.Generator(device=samples.device)
    versions = []
    for copy in range(copies):
        generator.manual_seed(augment_seed(int(seed), 0, first + copy))
        versions.append(augment_batch(samples, generator, **active))
    return torch.stack(versions) if versions else samples.new_zeros((0, *samples.shape))
