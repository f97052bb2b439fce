"""Weight initialisation for the whole model: PyTorch's default, He, Xavier, or all zeros.

All zeros is there for the symmetry lesson: every unit of a layer then computes and learns the
same thing, and the network cannot learn.
"""

from __future__ import annotations

from torch import nn

INIT_CHOICES = ("default", "kaiming", "xavier", "zeros")
_INITIALISED = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d, nn.RNNBase, nn.MultiheadAttention)


def apply_init(model: nn.Module, scheme: str) -> None:
    """Re-initialise the weights of every Linear/Conv/recurrent/attention layer; biases become 0."""
    if scheme == "default":
        return
    if scheme not in INIT_CHOICES:
        raise ValueError(f"unknown initialisation {scheme!r}; choose one of {', '.join(INIT_CHOICES)}")
    for module in model.modules():
        if not isinstance(module, _INITIALISED):
            continue
        for parameter in module.parameters(recurse=False):
            if parameter.dim() < 2:
                nn.init.zeros_(parameter)
            elif scheme == "kaiming":
                nn.init.kaiming_normal_(parameter, nonlinearity="relu")
            elif scheme == "xavier":
                nn.init.xavier_uniform_(parameter)
            else:
                nn.init.zeros_(parameter)
