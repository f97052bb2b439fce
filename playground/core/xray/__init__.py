"""The Backprop X-ray: one frozen training step of the experiment's model, in numbers (no Qt).

`prepare_xray` computes the trace (`XrayTrace`) of the first training step; `build_stages` turns it
into the stepper's stages for one sample; `XraySession.check_gradient` compares autograd with a
finite difference.
"""

from playground.core.xray.formulas import (
    Formula,
    Num,
    Op,
    Sym,
    Text,
    Token,
    Words,
    format_number,
    plain_text,
    subscript,
)
from playground.core.xray.stages import PHASES, Phase, Stage, build_stages, phase_name
from playground.core.xray.trace import (
    DenseLayer,
    GradientCheck,
    LayerStatistics,
    ParameterRef,
    XrayError,
    XraySession,
    XrayTrace,
    prepare_xray,
)

__all__ = [
    "PHASES",
    "DenseLayer",
    "Formula",
    "GradientCheck",
    "LayerStatistics",
    "Num",
    "Op",
    "ParameterRef",
    "Phase",
    "Stage",
    "Sym",
    "Text",
    "Token",
    "Words",
    "XrayError",
    "XraySession",
    "XrayTrace",
    "build_stages",
    "format_number",
    "phase_name",
    "plain_text",
    "prepare_xray",
    "subscript",
]
