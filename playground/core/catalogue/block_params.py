"""The parameters of a block instance node: which block it uses and how many times in a row."""

from __future__ import annotations

from playground.core.params import ParamSpec

MAX_REPEAT = 16

BLOCK_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("block", "str", "", "The block this node stands for (its definition is shared by every node using it)."),
    ParamSpec(
        "repeat",
        "int",
        1,
        "How many copies of the block run one after another (each with its own weights).",
        minimum=1,
        maximum=MAX_REPEAT,
    ),
)
