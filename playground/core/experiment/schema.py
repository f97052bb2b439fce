"""The experiment document (format v4) as typed models.

The experiment object is the single source of truth: the editor changes it, the canvas mirrors
it, and the builder, shape checker, exporters and save function read it. These models check
structure (keys, types, ranges); `validate.py` checks meaning against the catalogues.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from playground.core.catalogue.augmentations import AUGMENTATIONS
from playground.core.catalogue.augmentations import maximum as augmentation_maximum
from playground.core.catalogue.block_params import MAX_REPEAT as MAX_REPEAT
from playground.core.i18n import _
from playground.core.params import FLOAT_LIMIT, INT_MAX, MAX_EPOCHS

FORMAT_ID: Final = "nn-playground.experiment"
FORMAT_VERSION: Final = 5  # 2: per-language lesson text, classroom controls; 3: the lesson section; 4: blocks;
# 5: starting weights (model.weights)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # used with fullmatch: no trailing newline slips through
MAX_ID_LENGTH = 64
# Far above any architecture of the course (a ResNet-50 has about 180 layers), and what the window
# opens in a few seconds; a bigger file is refused with a message instead of freezing it.
MAX_NODES = 2_000
MAX_EDGES = 8_000
# Names a node id may not take. Each id becomes an attribute of the built nn.Module (and of the
# exported class) and a local name in the generated forward(), so it must not be an attribute of
# nn.Module, of the playground's GraphModule, or a name the generated code uses. A test keeps this
# list complete against the installed torch.
_MODULE_ATTRIBUTES = frozenset(
    {
        "T_destination",
        "add_module",
        "apply",
        "bfloat16",
        "buffers",
        "call_super_init",
        "children",
        "compile",
        "cpu",
        "cuda",
        "double",
        "dump_patches",
        "eval",
        "extra_repr",
        "float",
        "forward",
        "get_buffer",
        "get_extra_state",
        "get_parameter",
        "get_submodule",
        "half",
        "ipu",
        "load_state_dict",
        "modules",
        "mtia",
        "named_buffers",
        "named_children",
        "named_modules",
        "named_parameters",
        "parameters",
        "register_backward_hook",
        "register_buffer",
        "register_forward_hook",
        "register_forward_pre_hook",
        "register_full_backward_hook",
        "register_full_backward_pre_hook",
        "register_load_state_dict_post_hook",
        "register_load_state_dict_pre_hook",
        "register_module",
        "register_parameter",
        "register_state_dict_post_hook",
        "register_state_dict_pre_hook",
        "requires_grad_",
        "set_extra_state",
        "set_submodule",
        "share_memory",
        "state_dict",
        "to",
        "to_empty",
        "train",
        "training",
        "type",
        "xpu",
        "zero_grad",
    }
)
_GRAPH_MODULE_ATTRIBUTES = frozenset({"layers", "node_order", "node_types", "input_id", "output_id", "forward_code"})
_GENERATED_CODE_NAMES = frozenset({"self", "torch", "nn", "F", "x", "init_weights", "super"})
RESERVED_IDS = _MODULE_ATTRIBUTES | _GRAPH_MODULE_ATTRIBUTES | _GENERATED_CODE_NAMES

InitName = Literal["default", "kaiming", "xavier", "zeros"]
Monitor = Literal["val_loss", "val_accuracy", "val_mae", "val_r2", "train_loss"]


class Strict(BaseModel):
    """Base: unknown keys are errors; values are not silently converted."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=False)


class Split(Strict):
    train: float = Field(default=0.7, gt=0.0, lt=1.0)
    val: float = Field(default=0.15, ge=0.0, lt=1.0)
    test: float = Field(default=0.15, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Split:
        total = self.train + self.val + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(_("train + val + test must add up to 1, got {total}").format(total=f"{total:g}"))
        return self


class Augmentation(Strict):
    """Random changes to every training batch, never to validation or test data (0 or false: off).

    The fields, their bounds, labels and help are declared in `catalogue.augmentations`; which
    ones suit the dataset is checked once its kind of data is known (`training.requirements`)."""

    flip: bool = False  # mirror images left-right, each with probability 1/2
    crop_padding: int = Field(default=0, ge=0, le=int(augmentation_maximum("crop_padding")))  # pixels
    rotation: float = Field(default=0.0, ge=0.0, le=augmentation_maximum("rotation"))  # degrees, ±
    noise: float = Field(default=0.0, ge=0.0, le=augmentation_maximum("noise"))  # pixel noise std
    jitter: float = Field(default=0.0, ge=0.0, le=augmentation_maximum("jitter"))  # points/features noise std

    def is_active(self) -> bool:
        """True when any augmentation is switched on."""
        return any(getattr(self, name) for name in AUGMENTATIONS)


class DataSpec(Strict):
    dataset: str
    params: dict[str, Any] = Field(default_factory=dict)
    split: Split = Field(default_factory=Split)
    seed: int = Field(default=0, ge=0, le=INT_MAX)
    augmentation: Augmentation | None = None  # of the training batches; None: none


class NodeSpec(Strict):
    id: str
    type: str
    params: dict[str, Any] = Field(default_factory=dict)
    pos: tuple[float, float] | None = None

    @field_validator("id")
    @classmethod
    def _id_is_identifier(cls, value: str) -> str:
        if len(value) > MAX_ID_LENGTH:
            raise ValueError(
                _("node id must be at most {limit} characters, got {count}").format(
                    limit=MAX_ID_LENGTH, count=len(value)
                )
            )
        if not _IDENTIFIER.fullmatch(value) or keyword.iskeyword(value):
            raise ValueError(
                _(
                    "node id must be a Python-style name (letters, digits, underscore; not starting "
                    "with a digit), got {id!r}"
                ).format(id=value)
            )
        if value in RESERVED_IDS or value.startswith("_"):
            raise ValueError(
                _(
                    "node id {id!r} is a name the built model uses itself; choose another name (for example {id}_layer)"
                ).format(id=value)
            )
        return value


def unique_node_id(base: str, taken: set[str], limit: int = MAX_ID_LENGTH - 8) -> str:
    """A valid node id derived from `base` and not in `taken` (``fc`` → ``fc``, ``fc_2``, ...):
    other characters become ``_``, a leading digit gets ``n_``, and a name the built model uses
    itself or a Python keyword is numbered like a taken one. `base` is cut to `limit` characters."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_").lower() or "node"
    if base[0].isdigit():
        base = "n_" + base
    base = base[:limit]
    candidate, index = base, 2
    while candidate in taken or candidate in RESERVED_IDS or keyword.iskeyword(candidate):
        candidate, index = f"{base}_{index}", index + 1
    return candidate


# A node of this type is an instance of a block: params {"block": name, "repeat": N}
BLOCK_TYPE: Final = "Block"
# In a block's edges, the source that stands for the block's input (a keyword: no node has this id)
BLOCK_INPUT: Final = "in"


class BlockSpec(Strict):
    """A reusable group of layers with one input and one output, shared by all its instances.

    Edges from `BLOCK_INPUT` carry the block's input to the nodes that read it; `output` is the
    node whose result leaves the block. Instances repeat it `repeat` times in sequence."""

    nodes: list[NodeSpec] = Field(default_factory=list)
    edges: list[tuple[str, str]] = Field(default_factory=list)
    output: str
    description: str = ""

    def node_ids(self) -> list[str]:
        return [node.id for node in self.nodes]


class ModelSpec(Strict):
    nodes: list[NodeSpec] = Field(default_factory=list)
    edges: list[tuple[str, str]] = Field(default_factory=list)
    init: InitName = "default"
    blocks: dict[str, BlockSpec] = Field(default_factory=dict)  # by name: an identifier
    # how the canvas lays the graph out; "auto": top-down for deep image models, else left to right
    direction: Literal["auto", "left_to_right", "top_down"] = "auto"
    # starting weights: a .safetensors file (relative to the experiment's folder) loaded over the
    # seeded initialisation wherever a tensor's name and shape fit (an imported ONNX model's weights)
    weights: str | None = Field(default=None, min_length=1, max_length=1000)

    @field_validator("weights")
    @classmethod
    def _weights_file(cls, value: str | None) -> str | None:
        if value is not None and not value.endswith(".safetensors"):
            raise ValueError(_("the starting weights must be a .safetensors file, got {name!r}").format(name=value))
        return value

    @field_validator("blocks")
    @classmethod
    def _block_names(cls, value: dict[str, BlockSpec]) -> dict[str, BlockSpec]:
        for name in value:
            if not _IDENTIFIER.fullmatch(name) or keyword.iskeyword(name) or len(name) > MAX_ID_LENGTH:
                raise ValueError(
                    _("block name must be a Python-style name (letters, digits, underscore), got {name!r}").format(
                        name=name
                    )
                )
        return value

    @field_validator("nodes", "edges")
    @classmethod
    def _not_too_many(cls, value: list[Any], info: Any) -> list[Any]:
        limit = MAX_NODES if info.field_name == "nodes" else MAX_EDGES
        if len(value) > limit:
            message = (
                _(
                    "at most {limit} nodes (this model has {count}); the canvas "
                    "shows networks a learner can read: build a smaller one"
                )
                if info.field_name == "nodes"
                else _(
                    "at most {limit} edges (this model has {count}); the canvas "
                    "shows networks a learner can read: build a smaller one"
                )
            )
            raise ValueError(message.format(limit=f"{limit:,}", count=f"{len(value):,}"))
        return value


class ComponentSpec(Strict):
    """A loss or an optimizer: a torch class name and its constructor arguments."""

    type: str
    params: dict[str, Any] = Field(default_factory=dict)


class SchedulerSpec(ComponentSpec):
    interval: Literal["epoch", "step"] = "epoch"
    warmup_steps: int = Field(default=0, ge=0, le=INT_MAX)


class EarlyStopping(Strict):
    monitor: Monitor = "val_loss"
    patience: int = Field(default=10, ge=1, le=INT_MAX)
    min_delta: float = Field(default=0.0, ge=0.0, le=FLOAT_LIMIT)


class KeepBest(Strict):
    monitor: Monitor = "val_loss"
    restore: bool = True


class GradientClipping(Strict):
    mode: Literal["norm", "value"] = "norm"
    max_value: float = Field(default=1.0, gt=0.0, le=FLOAT_LIMIT)


MAX_TEMPERATURE = 100.0  # far softer than any useful τ (the course uses 2 to 20)


class Distillation(Strict):
    """Knowledge distillation: train on a teacher's softened outputs as well as on the labels,
    with the course's loss L = α·CE(z_s, y) + (1 − α)·τ²·KL(p_τ^t ‖ p_τ^s), where p_τ = softmax(z/τ).

    `teacher` is an experiment file (relative to this experiment's folder, or a bundled preset's
    name) whose model is the teacher; it is trained first with its own settings for
    `teacher_epochs` epochs (None: its own number), or loaded from `teacher_weights` (a
    .safetensors file the app saved). What the files hold is checked when a run starts
    (`playground.core.training.distillation`)."""

    teacher: str = Field(min_length=1, max_length=1000)
    teacher_epochs: int | None = Field(default=None, ge=1, le=MAX_EPOCHS)
    teacher_weights: str | None = Field(default=None, min_length=1, max_length=1000)
    temperature: float = Field(default=4.0, gt=0.0, le=MAX_TEMPERATURE)  # τ
    alpha: float = Field(default=0.5, ge=0.0, le=1.0)  # the weight of the hard-label cross-entropy


class TrainingSpec(Strict):
    loss: ComponentSpec
    optimizer: ComponentSpec
    scheduler: SchedulerSpec | None = None
    epochs: int = Field(default=20, ge=1, le=MAX_EPOCHS)
    batch_size: int | Literal["full"] = 32
    seed: int = Field(default=0, ge=0, le=INT_MAX)
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    l1: float = Field(default=0.0, ge=0.0, le=10.0)  # TensorFlow Playground's range of regularisation rates
    gradient_clipping: GradientClipping | None = None
    early_stopping: EarlyStopping | None = None
    keep_best: KeepBest | None = None
    distillation: Distillation | None = None  # learn from a teacher's soft targets too; None: labels only

    @field_validator("batch_size")
    @classmethod
    def _positive_batch(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 1 <= value <= INT_MAX:
            raise ValueError(
                _('must be a positive integer up to {limit} or "full", got {value}').format(limit=INT_MAX, value=value)
            )
        return value


Number = float | None  # a curve point; non-finite values are stored as null
SettingValue = str | int | float | bool | None


def _finite_or_none(values: list[float | None]) -> list[float | None]:
    for value in values:
        if value is not None and not math.isfinite(value):
            raise ValueError(_("numbers must be finite (store a missing or non-finite value as null)"))
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
    repeats: int = Field(default=1, ge=1, le=INT_MAX)
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
    def _lengths_agree(self) -> SavedRun:
        lengths = {len(curve) for curve in self.epoch_metrics.values()}
        if len(lengths) > 1:
            raise ValueError(_("every curve in epoch_metrics must have one value per epoch (lengths differ)"))
        for name, curve in self.epoch_std.items():
            if name not in self.epoch_metrics or len(curve) != len(self.epoch_metrics[name]):
                raise ValueError(_("epoch_std.{name} must match epoch_metrics.{name} in length").format(name=name))
        for name in ("step_loss", "step_lr"):
            curve = getattr(self, name)
            if curve and len(curve) != len(self.steps):
                raise ValueError(_("{name} must have one value per entry of steps").format(name=name))
        return self


class Comparison(Strict):
    """Runs saved with the experiment so a comparison can be reopened (optional top-level key)."""

    title: str = ""
    runs: list[SavedRun] = Field(default_factory=list)


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Z][A-Za-z]{1,3})?")  # "zh_CN", "pt_BR", "de"


class LessonText(Strict):
    """The name and lesson text of an experiment in one more language; empty: the default's."""

    name: str = ""
    description: str = ""


class Classroom(Strict):
    """Controls a lesson hides from the student, by the window's names for them (unknown names
    are reported by the window and ignored). Empty lists: the whole window."""

    hidden_docks: list[str] = Field(default_factory=list)
    hidden_inspector_groups: list[str] = Field(default_factory=list)
    hidden_palette_categories: list[str] = Field(default_factory=list)
    hidden_actions: list[str] = Field(default_factory=list)

    def hides_anything(self) -> bool:
        return bool(
            self.hidden_docks or self.hidden_inspector_groups or self.hidden_palette_categories or self.hidden_actions
        )


MAX_VARIANTS = 8  # a race the Compare tab draws legibly side by side


class Variant(Strict):
    """One contender of a lesson's race: its name and the settings it changes, as dotted paths
    into the document (``"training.batch_size": "full"``; a node by its id:
    ``"model.nodes.rnn.type": "LSTM"``). See `playground.core.experiment.overrides`."""

    name: str = Field(min_length=1, max_length=80)
    changes: dict[str, Any] = Field(default_factory=dict)
    # the name in other languages, by language code ("zh_CN" -> "全批量")
    translations: dict[str, str] = Field(default_factory=dict)

    def localized_name(self, language: str) -> str:
        return self.translations.get(language) or self.name


# ---- goals and challenges -------------------------------------------------------------------
# What a goal can measure (the one list; `playground.core.lessons.goals.QUANTITIES` says, for each,
# when it is known, how it reads and which way is better): accuracies and R² as fractions.
GoalQuantity = Literal[
    "test_accuracy",
    "val_accuracy",
    "train_accuracy",
    "test_loss",
    "val_loss",
    "train_loss",
    "test_r2",
    "val_r2",
    "parameters",
    "epochs",
    "first_grad_norm",
    "last_grad_norm",
    "grad_ratio",
]
# "at_least" ≥, "at_most" ≤, "above" >, "below" <
GoalComparison = Literal["at_least", "at_most", "above", "below"]
MAX_GOALS = 12
MAX_CONDITIONS = 4
MAX_LEADERBOARD = 200  # entries kept, the best first
MAX_ENTRY_SETTINGS = 16
MAX_SETTING_TEXT = 200


def _language_keys(value: dict[str, Any]) -> dict[str, Any]:
    for code in value:
        if not LANGUAGE_CODE.fullmatch(code):
            raise ValueError(_("{code!r} is not a language code such as 'zh_CN'").format(code=code))
    return value


class GoalCondition(Strict):
    """One measured quantity compared with a threshold: a number (`value`), or what a lesson
    variant reached in its race (`variant`, by the variant's name)."""

    quantity: GoalQuantity
    compare: GoalComparison
    value: float | None = Field(default=None, ge=-FLOAT_LIMIT, le=FLOAT_LIMIT)
    variant: str | None = Field(default=None, min_length=1, max_length=80)

    @model_validator(mode="after")
    def _one_threshold(self) -> GoalCondition:
        if (self.value is None) == (self.variant is None):
            raise ValueError(
                _(
                    'give a condition either a number ("value": 0.95) or a variant to beat '
                    '("variant": "No dropout"), not both or neither'
                )
            )
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(_("numbers must be finite (store a missing or non-finite value as null)"))
        return self


class GoalText(Strict):
    """A goal's text and explanation in one more language; empty: the default's."""

    text: str = Field(default="", max_length=300)
    explanation: str = Field(default="", max_length=2000)


class Goal(Strict):
    """Something the student reaches: every condition holds at once ("test accuracy ≥ 95 % with
    at most 50 parameters" is two conditions). Checked after every epoch (`when: "any_epoch"`, met
    the first time they hold) or on the run's final numbers only (`"end"`). `explanation` is shown
    once the goal is met."""

    text: str = Field(min_length=1, max_length=300)
    explanation: str = Field(default="", max_length=2000)
    conditions: list[GoalCondition] = Field(min_length=1, max_length=MAX_CONDITIONS)
    when: Literal["any_epoch", "end"] = "any_epoch"
    translations: dict[str, GoalText] = Field(default_factory=dict)

    @field_validator("translations")
    @classmethod
    def _language_codes(cls, value: dict[str, GoalText]) -> dict[str, GoalText]:
        return _language_keys(value)

    def localized_text(self, language: str) -> str:
        entry = self.translations.get(language)
        return entry.text if entry is not None and entry.text else self.text

    def localized_explanation(self, language: str) -> str:
        entry = self.translations.get(language)
        return entry.explanation if entry is not None and entry.explanation else self.explanation


class Challenge(Strict):
    """The teacher's constraints; each finished run that keeps to them may join the leaderboard,
    ranked by `score` (accuracies and R²: higher is better; losses: lower). Unset: no limit."""

    max_parameters: int | None = Field(default=None, ge=1, le=INT_MAX)
    max_epochs: int | None = Field(default=None, ge=1, le=MAX_EPOCHS)
    # layer types a student may use (the Input is always allowed); empty: any
    allowed_layers: list[str] = Field(default_factory=list, max_length=100)
    score: Literal["test_accuracy", "val_accuracy", "test_loss", "val_loss", "test_r2", "val_r2"] = "test_accuracy"


class LeaderboardEntry(Strict):
    """One attempt that met the challenge: who, the score, when (ISO 8601) and with what."""

    name: str = Field(min_length=1, max_length=80)
    score: float = Field(ge=-FLOAT_LIMIT, le=FLOAT_LIMIT)
    date: str = Field(default="", max_length=40)
    settings: dict[str, SettingValue] = Field(default_factory=dict, max_length=MAX_ENTRY_SETTINGS)

    @field_validator("score")
    @classmethod
    def _finite_score(cls, value: float) -> float:
        _finite_or_none([value])
        return value

    @field_validator("settings")
    @classmethod
    def _short_settings(cls, value: dict[str, SettingValue]) -> dict[str, SettingValue]:
        _finite_or_none([v for v in value.values() if isinstance(v, float)])
        for key, setting in value.items():
            if len(key) > MAX_SETTING_TEXT or (isinstance(setting, str) and len(setting) > MAX_SETTING_TEXT):
                raise ValueError(
                    _("settings hold short texts (at most {limit} characters)").format(limit=MAX_SETTING_TEXT)
                )
        return value


class Lesson(Strict):
    """What a lesson adds to its experiment beyond the lesson text."""

    # the race the lesson is about ("full batch, mini-batch, one sample"), run from the Compare tab
    variants: list[Variant] = Field(default_factory=list, max_length=MAX_VARIANTS)
    # what to reach, ticked in the lesson dock while training
    goals: list[Goal] = Field(default_factory=list, max_length=MAX_GOALS)
    challenge: Challenge | None = None
    # the attempts that met the challenge, the best first (see `playground.core.lessons.challenge`)
    leaderboard: list[LeaderboardEntry] = Field(default_factory=list, max_length=MAX_LEADERBOARD)

    @field_validator("variants")
    @classmethod
    def _distinct_names(cls, value: list[Variant]) -> list[Variant]:
        names = [variant.name for variant in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(_("two variants are called {name!r}: give each its own name").format(name=name))
        return value

    def is_empty(self) -> bool:
        return not self.variants and not self.goals and self.challenge is None and not self.leaderboard


class Experiment(Strict):
    format: Literal["nn-playground.experiment"] = FORMAT_ID
    version: Literal[5] = FORMAT_VERSION
    name: str = "Untitled experiment"
    description: str = ""
    # the name and description in other languages, by language code ("zh_CN"); `name` and
    # `description` are the text for every language without an entry (see `localized_name`)
    translations: dict[str, LessonText] = Field(default_factory=dict)
    classroom: Classroom | None = None
    lesson: Lesson | None = None
    data: DataSpec
    model: ModelSpec
    training: TrainingSpec
    comparison: Comparison | None = None
    _node_index: dict[str, int] = PrivateAttr(default_factory=dict)  # id -> position, checked on use

    @field_validator("translations")
    @classmethod
    def _language_codes(cls, value: dict[str, LessonText]) -> dict[str, LessonText]:
        for code in value:
            if not LANGUAGE_CODE.fullmatch(code):
                raise ValueError(_("{code!r} is not a language code such as 'zh_CN'").format(code=code))
        return value

    # ---- the lesson in the reader's language ------------------------------------------------
    def localized_name(self, language: str) -> str:
        """The name in `language`; else the default name; else any language's (a lesson written
        only in Chinese still has a name in English)."""
        return self._localized(language, "name")

    def localized_description(self, language: str) -> str:
        """The lesson text in `language`, falling back as `localized_name` does."""
        return self._localized(language, "description")

    def _localized(self, language: str, field: Literal["name", "description"]) -> str:
        entry = self.translations.get(language)
        if entry is not None and getattr(entry, field):
            return str(getattr(entry, field))
        default = str(getattr(self, field))
        if default:
            return default
        return next((str(getattr(e, field)) for _, e in sorted(self.translations.items()) if getattr(e, field)), "")

    # ---- graph helpers used by the editor, builder and exporters -------------------------
    def node(self, node_id: str) -> NodeSpec:
        """The node with this id (KeyError if none). The positions of the ids are remembered and
        checked on every use, so a lookup is quick even in a big graph and never stale after edits."""
        nodes = self.model.nodes
        index = self._node_index.get(node_id)
        if index is None or index >= len(nodes) or nodes[index].id != node_id:
            self._node_index = {node.id: position for position, node in enumerate(nodes)}
            index = self._node_index.get(node_id)
            if index is None:
                raise KeyError(node_id)
        return nodes[index]

    def nodes_by_id(self) -> dict[str, NodeSpec]:
        """Every node by its id, for code that looks up many nodes (`node()` scans the list)."""
        return {node.id: node for node in self.model.nodes}

    def node_ids(self) -> list[str]:
        return [node.id for node in self.model.nodes]

    def unique_id(self, base: str) -> str:
        """A node id not yet used, derived from `base` (``fc`` → ``fc``, ``fc_2``, ...)."""
        return unique_node_id(base, set(self.node_ids()))
