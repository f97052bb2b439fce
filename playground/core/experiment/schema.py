"""The experiment document (format v1) as typed models.

The experiment object is the single source of truth: the editor changes it, the canvas mirrors
it, and the builder, shape checker, exporters and save function read it. These models check
structure (keys, types, ranges); `validate.py` checks meaning against the catalogues.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT_ID = "nn-playground.experiment"
FORMAT_VERSION = 1

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Names a node id may not take, because the id becomes an attribute of the nn.Module.
_RESERVED_IDS = frozenset(
    {
        "forward", "training", "eval", "train", "to", "cuda", "cpu", "parameters", "modules",
        "children", "state_dict", "load_state_dict", "apply", "zero_grad", "register_buffer",
        "register_module", "add_module", "named_parameters", "buffers", "half", "float", "double",
        "type", "extra_repr", "self", "torch", "nn", "F", "x", "init_weights", "dump_patches",
        "call_super_init", "requires_grad_", "share_memory", "get_submodule", "get_parameter",
    }
)

InitName = Literal["default", "kaiming", "xavier", "zeros"]
Monitor = Literal["val_loss", "val_accuracy", "val_mae", "val_r2", "train_loss"]


class Strict(BaseModel):
    """Base: unknown keys are errors; values are not silently converted."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=False)


class Split(Strict):
    train: float = Field(0.7, gt=0.0, lt=1.0)
    val: float = Field(0.15, ge=0.0, lt=1.0)
    test: float = Field(0.15, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _sums_to_one(self) -> "Split":
        total = self.train + self.val + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"train + val + test must add up to 1, got {total:g}")
        return self


class DataSpec(Strict):
    dataset: str
    params: dict[str, Any] = Field(default_factory=dict)
    split: Split = Field(default_factory=Split)
    seed: int = Field(0, ge=0)


class NodeSpec(Strict):
    id: str
    type: str
    params: dict[str, Any] = Field(default_factory=dict)
    pos: tuple[float, float] | None = None

    @field_validator("id")
    @classmethod
    def _id_is_identifier(cls, value: str) -> str:
        if not _IDENTIFIER.match(value) or keyword.iskeyword(value):
            raise ValueError(
                f"node id must be a Python-style name (letters, digits, underscore; not starting "
                f"with a digit), got {value!r}"
            )
        if value in _RESERVED_IDS or value.startswith("_"):
            raise ValueError(f"node id {value!r} is reserved; choose another name")
        return value


class ModelSpec(Strict):
    nodes: list[NodeSpec] = Field(default_factory=list)
    edges: list[tuple[str, str]] = Field(default_factory=list)
    init: InitName = "default"


class ComponentSpec(Strict):
    """A loss or an optimizer: a torch class name and its constructor arguments."""

    type: str
    params: dict[str, Any] = Field(default_factory=dict)


class SchedulerSpec(ComponentSpec):
    interval: Literal["epoch", "step"] = "epoch"
    warmup_steps: int = Field(0, ge=0)


class EarlyStopping(Strict):
    monitor: Monitor = "val_loss"
    patience: int = Field(10, ge=1)
    min_delta: float = Field(0.0, ge=0.0)


class KeepBest(Strict):
    monitor: Monitor = "val_loss"
    restore: bool = True


class GradientClipping(Strict):
    mode: Literal["norm", "value"] = "norm"
    max_value: float = Field(1.0, gt=0.0)


class TrainingSpec(Strict):
    loss: ComponentSpec
    optimizer: ComponentSpec
    scheduler: SchedulerSpec | None = None
    epochs: int = Field(20, ge=1, le=100_000)
    batch_size: int | Literal["full"] = 32
    seed: int = Field(0, ge=0)
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    l1: float = Field(0.0, ge=0.0)
    gradient_clipping: GradientClipping | None = None
    early_stopping: EarlyStopping | None = None
    keep_best: KeepBest | None = None

    @field_validator("batch_size")
    @classmethod
    def _positive_batch(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError(f"must be a positive integer or \"full\", got {value}")
        return value


Number = float | None  # a curve point; non-finite values are stored as null
SettingValue = str | int | float | bool | None


def _finite_or_none(values: list[float | None]) -> list[float | None]:
    for value in values:
        if value is not None and not math.isfinite(value):
            raise ValueError("numbers must be finite (store a missing or non-finite value as null)")
    return values


class SavedRun(Strict):
    """One finished run of a saved comparison: its settings, curves and final metrics.

    Curves are plain lists: `epoch_metrics` maps a metric ("train_loss", "val_accuracy", "lr", ...)
    to one value per epoch; races over several seeds add the spread in `epoch_std`; `steps`,
    `step_loss` and `step_lr` hold the per-step loss (possibly thinned out).
    """

    name: str
    kind: Literal["run", "race"] = "run"
    group: str = ""  # the race (or session) the run belongs to
    status: str = ""
    created: str = ""  # ISO 8601 time
    repeats: int = Field(1, ge=1)
    settings: dict[str, SettingValue] = Field(default_factory=dict)
    final: dict[str, Number] = Field(default_factory=dict)
    epoch_metrics: dict[str, list[Number]] = Field(default_factory=dict)
    epoch_std: dict[str, list[Number]] = Field(default_factory=dict)
    steps: list[int] = Field(default_factory=list)
    step_loss: list[Number] = Field(default_factory=list)
    step_lr: list[Number] = Field(default_factory=list)

    @field_validator("final", "settings")
    @classmethod
    def _finite_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        _finite_or_none([v for v in value.values() if isinstance(v, float)])
        return value

    @field_validator("epoch_metrics", "epoch_std")
    @classmethod
    def _finite_curves(cls, value: dict[str, list[Number]]) -> dict[str, list[Number]]:
        for curve in value.values():
            _finite_or_none(curve)
        return value

    @field_validator("step_loss", "step_lr")
    @classmethod
    def _finite_steps(cls, value: list[Number]) -> list[Number]:
        return _finite_or_none(value)

    @model_validator(mode="after")
    def _lengths_agree(self) -> "SavedRun":
        lengths = {len(curve) for curve in self.epoch_metrics.values()}
        if len(lengths) > 1:
            raise ValueError("every curve in epoch_metrics must have one value per epoch (lengths differ)")
        for name, curve in self.epoch_std.items():
            if name not in self.epoch_metrics or len(curve) != len(self.epoch_metrics[name]):
                raise ValueError(f"epoch_std.{name} must match epoch_metrics.{name} in length")
        for name in ("step_loss", "step_lr"):
            curve = getattr(self, name)
            if curve and len(curve) != len(self.steps):
                raise ValueError(f"{name} must have one value per entry of steps")
        return self


class Comparison(Strict):
    """Runs saved with the experiment so a comparison can be reopened (optional top-level key)."""

    title: str = ""
    runs: list[SavedRun] = Field(default_factory=list)


class Experiment(Strict):
    format: Literal["nn-playground.experiment"] = FORMAT_ID
    version: Literal[1] = FORMAT_VERSION
    name: str = "Untitled experiment"
    description: str = ""
    data: DataSpec
    model: ModelSpec
    training: TrainingSpec
    comparison: Comparison | None = None

    # ---- graph helpers used by the editor, builder and exporters -------------------------
    def node(self, node_id: str) -> NodeSpec:
        for node in self.model.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def node_ids(self) -> list[str]:
        return [node.id for node in self.model.nodes]

    def unique_id(self, base: str) -> str:
        """A node id not yet used, derived from `base` (``fc`` → ``fc``, ``fc_2``, ...)."""
        base = re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_").lower() or "node"
        if base[0].isdigit():
            base = "n_" + base
        taken = set(self.node_ids())
        if base not in taken and base not in _RESERVED_IDS and not keyword.iskeyword(base):
            return base
        index = 2
        while f"{base}_{index}" in taken:
            index += 1
        return f"{base}_{index}"
