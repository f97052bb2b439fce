"""The parameters of a block instance node: which block it uses and how many times in a row."""

from __future__ import annotations

from playground.core.i18n import N_
from playground.core.params import ParamSpec

MAX_REPEAT = 16

BLOCK_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "block", "str", "", N_("The block this card stands for (its definition is shared by every card using it).")
    ),
    ParamSpec(
        "repeat",
        "int",
        1,
        N_("How many copies of the block run one after another (each with its own weights)."),
        minimum=1,
        maximum=MAX_REPEAT,
    ),
)
