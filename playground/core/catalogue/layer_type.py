"""What a layer type declares: the one place palette, inspector, builder, exporter and help read.

A `LayerType` knows its parameters, how its output follows from its inputs (and which
constructor arguments, such as ``in_features``, follow from them), how to build the module and
how one line of ``forward`` looks in exported code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from playground.core.i18n import N_, _
from playground.core.params import ParamSpec

# The English names are the keys (a layer's `category`); `category_label` is what the palette shows.
CATEGORIES = (
    N_("Core"),
    N_("Convolution"),
    N_("Normalization"),
    N_("Recurrent & attention"),
    N_("Activations"),
    N_("Merge"),
)


def category_label(name: str) -> str:
    """The palette category `name` (an English key of `CATEGORIES`) in the current language."""
    return _(name)


@dataclass(frozen=True)
class TensorSpec:
    """A tensor's per-sample shape (no batch dimension) and its element type."""

    shape: tuple[int, ...]
    dtype: str = "float32"  # "float32" or "int64" (token ids)
    vocab: int | None = None  # number of distinct token ids, for int64 tensors

    @property
    def rank(self) -> int:
        return len(self.shape)

    def numel(self) -> int:
        return math.prod(self.shape)

    def text(self) -> str:
        """``(N, 1, 28, 28)``: the batch dimension written as N, as PyTorch users read shapes."""
        return "(" + ", ".join(["N", *map(str, self.shape)]) + ")"

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Fix:
    """A mechanical repair the editor can apply as one undoable step.

    kind "insert_before": insert a new node of `layer_type` with `params` in front of `node`.
    kind "set_param": set `params` (one or more name → value) on `node`.
    `also`: fixes applied after this one in the same step, so that one click leaves no second round
    (Flatten before a Linear output that also has the wrong number of outputs).
    """

    kind: str
    node: str
    label: str
    layer_type: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    also: tuple[Fix, ...] = ()


class ShapeError(Exception):
    """A node cannot accept its inputs; carries a message and optional fixes."""

    def __init__(self, message: str, fixes: tuple[Fix, ...] = ()):
        super().__init__(message)
        self.message = message
        self.fixes = fixes


@dataclass(frozen=True)
class Inferred:
    """Result of shape inference for one node."""

    output: TensorSpec
    kwargs: dict[str, Any]  # constructor arguments, inferred sizes included, in constructor order


InferFn = Callable[["InferContext"], Inferred]
ForwardFn = Callable[[str, list[str], str, dict[str, Any]], str]
MacsFn = Callable[["InferContext", Inferred], int]


@dataclass(frozen=True)
class InferContext:
    """Everything an infer rule may look at."""

    node_id: str
    inputs: tuple[TensorSpec, ...]
    params: dict[str, Any]  # all parameters, defaults filled in

    @property
    def x(self) -> TensorSpec:
        return self.inputs[0]

    def fail(self, message: str, *fixes: Fix) -> ShapeError:
        return ShapeError(message, tuple(fixes))


def default_forward(out: str, ins: list[str], attr: str, params: dict[str, Any]) -> str:
    return f"{out} = self.{attr}({ins[0]})"


@dataclass(frozen=True)
class LayerType:
    name: str
    category: str
    help: str
    infer: InferFn
    params: tuple[ParamSpec, ...] = ()
    torch_class: str | None = None  # name in torch.nn; None for playground-only nodes
    module_factory: Callable[[dict[str, Any]], nn.Module] | None = None  # playground modules
    min_inputs: int = 1
    max_inputs: int | None = 1
    forward: ForwardFn = default_forward
    formula: str = ""  # one line for help cards and tooltips
    key_params: tuple[str, ...] = ()  # shown on the canvas node
    macs: MacsFn | None = None
    has_module: bool = True  # False for Input/Add/Concat/SequencePool (written inline)
    color: str = "#5b8def"

    @property
    def help_text(self) -> str:
        """The help in the current language."""
        return _(self.help)

    @property
    def category_text(self) -> str:
        """The category in the current language (`category` stays the English key)."""
        return category_label(self.category)

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def build(self, kwargs: dict[str, Any]) -> nn.Module | None:
        """A fresh module from the inferred constructor arguments."""
        if not self.has_module:
            return None
        if self.module_factory is not None:
            return self.module_factory(kwargs)
        assert self.torch_class is not None
        module: nn.Module = getattr(nn, self.torch_class)(**kwargs)
        return module

    def constructor_code(self, kwargs: dict[str, Any]) -> str:
        """Source of the constructor call, e.g. ``nn.Linear(in_features=2, out_features=4)``."""
        args = ", ".join(f"{key}={_literal(value)}" for key, value in kwargs.items())
        owner = f"nn.{self.torch_class}" if self.torch_class else self.name
        return f"{owner}({args})"

    def count_parameters(self, kwargs: dict[str, Any]) -> int:
        """Trainable parameter count, from a module built on the meta device (no memory used)."""
        if not self.has_module:
            return 0
        return _count_parameters(self, tuple(sorted((k, _freeze(v)) for k, v in kwargs.items())))


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


_Frozen = tuple[tuple[str, Any], ...]  # constructor arguments as sorted, hashable (name, value) pairs
_PARAM_CACHE: dict[tuple[str, _Frozen], int] = {}


def _count_parameters(layer: LayerType, frozen: _Frozen) -> int:
    key = (layer.name, frozen)
    if key not in _PARAM_CACHE:
        kwargs = dict(frozen)
        with torch.device("meta"):
            module = layer.build(kwargs)
        _PARAM_CACHE[key] = sum(p.numel() for p in module.parameters() if p.requires_grad) if module else 0
        if len(_PARAM_CACHE) > 4096:
            _PARAM_CACHE.clear()
    return _PARAM_CACHE[key]


def _literal(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) else f"[{inner}]"
    return repr(value)
