"""The Backprop X-ray window (Train ▸ Backprop X-ray…): one training step, node by node."""

from playground.ui.xray.window import XrayWindow

__all__ = ["XrayWindow"]
