"""The Compression Lab window (Train ▸ Compression Lab…): prune, fine-tune and quantise the last run's model."""

from playground.ui.compression.source import NoWeights, RunWeights, last_run_weights
from playground.ui.compression.window import CompressionWindow

__all__ = ["CompressionWindow", "NoWeights", "RunWeights", "last_run_weights"]
