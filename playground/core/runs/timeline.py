"""The training time machine: weight snapshots of a run, kept so a student can scrub back
through it, fork a new run from the middle, or rewind to the initial weights.

A `WeightSnapshot` is a frozen copy of `Trainer.state_dict()` at an epoch end (epoch 0: the
initial weights, before any step), in plain picklable data (numpy arrays, numbers, strings):
the weights, the optimizer state, the LR controller's state, every RNG state and the loop
position, plus the settings it was trained with. `Trainer.fork_from(snapshot)` continues from it
(bit for bit when the settings are unchanged); `replay_views` (`replay.py`) shows what the live
views showed at that epoch.

A `SnapshotStore` keeps one line of training: snapshots at a chosen interval within a memory
bound; over the bound, the older half of the snapshots is thinned (every other one goes), never
epoch 0 (the first) nor the latest. It saves to a JSON manifest and one safetensors file (the
checkpoint's encoding: no pickle, every tensor checked on load), atomically through
`safe_files`; a broken or edited file is a `SnapshotError` naming the file and the problem.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import torch
from pydantic import Field, ValidationError
from safetensors.torch import load_file, save_file

from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import DataSpec, TrainingSpec
from playground.core.i18n import N_, _
from playground.core.jsonio import parse_json_text
from playground.core.safe_files import atomic_write, atomic_write_text
from playground.core.training.checkpoint import (
    CheckpointError,
    StrictManifest,
    check_depth,
    decode_state,
    encode_state,
    file_sha256,
    named_tensor_file,
    validation_problem,
)

TIMELINE_FORMAT = "nn-playground.timeline"
TIMELINE_VERSION = 1
MANIFEST = "timeline.json"  # the manifest's name when the user names a folder
_TENSOR_FILE = re.compile(r"[0-9A-Za-z_.-]{0,80}timeline-[0-9a-f]{12}\.safetensors")  # names `save` gives

SMALL_MODEL = 100_000  # parameters: a model this small gets a snapshot every epoch
DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # what a store keeps by default, all snapshots together
_STATE_BYTES_PER_PARAMETER = 12  # float32 weights and up to two optimizer moments (Adam)

History = tuple[dict[str, float | None], ...]


class SnapshotError(PlaygroundError):
    """A snapshot or a saved timeline that cannot be read or does not fit the run asked of it."""


def default_interval(parameter_count: int, epochs: int, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Epochs between two kept snapshots: every epoch for small models; for big ones, as many
    epochs as make the whole run's snapshots (weights and optimizer moments) fit `max_bytes`."""
    parameters = max(0, int(parameter_count))
    if parameters <= SMALL_MODEL:
        return 1
    per_snapshot = parameters * _STATE_BYTES_PER_PARAMETER
    fitting = max(1, int(max_bytes) // per_snapshot)  # snapshots that fit, epoch 0 among them
    return max(1, math.ceil(max(1, int(epochs)) / max(1, fitting - 1)))


# ---- plain data <-> torch ---------------------------------------------------------------------


def _freeze(value: Any, sizes: list[int]) -> Any:
    """A deep copy of a state tree with every tensor a numpy array (its bytes added to `sizes`)."""
    if isinstance(value, torch.Tensor):
        tensor = value.detach()
        if tensor.dtype == torch.bfloat16:
            raise SnapshotError(_("cannot keep a snapshot of bfloat16 tensors"))
        array = tensor.cpu().numpy().copy()  # .copy(): a CPU tensor's numpy() shares its memory
        sizes.append(array.nbytes)
        return array
    if isinstance(value, Counter):  # MultiStepLR's milestones
        return Counter({k: _freeze(v, sizes) for k, v in value.items()})
    if isinstance(value, Mapping):
        return {k: _freeze(v, sizes) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(v, sizes) for v in value]
    if isinstance(value, tuple):
        return tuple(_freeze(v, sizes) for v in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise SnapshotError(_("cannot keep a value of type {type} in a snapshot").format(type=type(value).__name__))


def _thaw(value: Any) -> Any:
    """The state tree as torch wants it: fresh tensors (never sharing the snapshot's memory)."""
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value, copy=True))
    if isinstance(value, Counter):
        return Counter({k: _thaw(v) for k, v in value.items()})
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_thaw(v) for v in value)
    return value


# ---- one snapshot -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WeightSnapshot:
    """A run's whole state at the end of an epoch, as plain data (safe to pickle and ship).

    `history` holds the run's epoch rows up to `epoch` (shared with the trainer's rows, which
    are never changed once written); `lean()` drops it for shipping, and `Trainer.fork_from`
    then takes the rows from its caller."""

    epoch: int  # epochs completed; 0: the initial weights, before any step
    step: int  # optimizer steps completed
    model: dict[str, np.ndarray]  # the model's state dict
    optimizer: dict[str, Any]  # the optimizer's state dict (tensors as arrays)
    schedule: dict[str, Any]  # the LR controller's state dict
    rng: dict[str, Any]  # torch (dropout), cuda, generator (batch order), epoch_start
    loop: dict[str, Any]  # the loop position: epoch, batch, step, loss sums, counts
    keep_best: dict[str, Any] | None  # tracker and best weights, when the run keeps the best
    early_stopping: dict[str, Any] | None  # the early-stopping tracker, when the run has one
    history: History | None  # the epoch rows 1..epoch; None in a lean snapshot
    training: dict[str, Any]  # the TrainingSpec it trained with (JSON data)
    data: dict[str, Any]  # the DataSpec it trained on (JSON data)
    graph: dict[str, Any]  # the model graph's signature (checkpoint.graph_signature)
    epochs: int  # the run's planned epochs
    batches_per_epoch: int
    nbytes: int = 0  # bytes of all its arrays

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        *,
        training: dict[str, Any],
        data: dict[str, Any],
        graph: dict[str, Any],
        epochs: int,
        batches_per_epoch: int,
    ) -> WeightSnapshot:
        """Freeze a `Trainer.state_dict()` (copies every tensor; the trainer may go on at once)."""
        sizes: list[int] = []
        loop = dict(state["loop"])
        history = state.get("history")
        return cls(
            epoch=int(loop["epoch"]),
            step=int(loop["step"]),
            model=_freeze(state["model"], sizes),
            optimizer=_freeze(state["optimizer"], sizes),
            schedule=_freeze(state["lr"], sizes),
            rng=_freeze(state["rng"], sizes),
            loop=_freeze(loop, sizes),
            keep_best=_freeze(state.get("keep_best"), sizes),
            early_stopping=_freeze(state.get("early_stopping"), sizes),
            history=None if history is None else tuple(history),
            training=training,
            data=data,
            graph=graph,
            epochs=int(epochs),
            batches_per_epoch=int(batches_per_epoch),
            nbytes=sum(sizes),
        )

    @property
    def at_epoch_end(self) -> bool:
        """Taken between two epochs (not part-way through one)."""
        return int(self.loop.get("batch", 0)) == 0

    def state(self, history: Sequence[Mapping[str, float | None]] | None = None) -> dict[str, Any]:
        """A `Trainer.state_dict()`-shaped tree of fresh torch tensors (the rows from `history`
        when given, else the snapshot's own)."""
        rows = self.history if history is None else tuple(dict(row) for row in history[: self.epoch])
        if rows is None:
            raise SnapshotError(
                _("the snapshot of epoch {epoch} was sent without its history; pass the run's epoch rows").format(
                    epoch=self.epoch
                )
            )
        return {
            "model": _thaw(self.model),
            "optimizer": _thaw(self.optimizer),
            "lr": _thaw(self.schedule),
            "rng": _thaw(self.rng),
            "loop": dict(self.loop),
            "history": [dict(row) for row in rows],
            "keep_best": _thaw(self.keep_best),
            "early_stopping": _thaw(self.early_stopping),
        }

    def weights(self) -> dict[str, torch.Tensor]:
        """The model's state dict as fresh tensors."""
        return {name: torch.from_numpy(np.array(array, copy=True)) for name, array in self.model.items()}

    def lean(self) -> WeightSnapshot:
        """The same snapshot without its history rows (the receiver has them already)."""
        return replace(self, history=None)


# ---- the store ----------------------------------------------------------------------------------


@dataclass
class _Kept:
    snapshots: dict[int, WeightSnapshot] = field(default_factory=dict)  # by epoch, in epoch order
    nbytes: int = 0


class SnapshotStore:
    """The snapshots of one line of training, every `every` epochs, within `max_bytes`.

    `add` keeps what it is given (the trainer asks `wants(epoch)` first); adding an epoch at or
    before the latest one starts the line again from there (a rewind or a fork into the same
    store): the later snapshots go. Over the bound the oldest are thinned first, never the first
    (epoch 0) or the latest. Safe to use from two threads (the trainer adds, the session reads).
    """

    def __init__(self, every: int = 1, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if int(every) < 1:
            raise ValueError("every must be at least 1")
        self.every = int(every)
        self.max_bytes = max(0, int(max_bytes))
        self._kept = _Kept()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        with self._lock:
            return {"every": self.every, "max_bytes": self.max_bytes, "snapshots": list(self._kept.snapshots.values())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["every"], state["max_bytes"])  # type: ignore[misc]
        for snapshot in state["snapshots"]:
            self._kept.snapshots[snapshot.epoch] = snapshot
            self._kept.nbytes += snapshot.nbytes

    # ---- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._kept.snapshots)

    def __contains__(self, epoch: object) -> bool:
        return epoch in self._kept.snapshots

    def __iter__(self) -> Iterator[WeightSnapshot]:
        with self._lock:
            return iter(list(self._kept.snapshots.values()))

    def epochs(self) -> list[int]:
        """The kept epochs, ascending."""
        with self._lock:
            return list(self._kept.snapshots)

    @property
    def nbytes(self) -> int:
        """Bytes of all kept snapshots' arrays."""
        return self._kept.nbytes

    def latest(self) -> WeightSnapshot | None:
        with self._lock:
            snapshots = self._kept.snapshots
            return snapshots[next(reversed(snapshots))] if snapshots else None

    def get(self, epoch: int) -> WeightSnapshot | None:
        """The snapshot of exactly `epoch`, or None when that epoch is not kept."""
        return self._kept.snapshots.get(int(epoch))

    def at(self, epoch: int) -> WeightSnapshot:
        """The snapshot of `epoch` or, when that one is not kept, of the nearest earlier kept
        epoch: compare its `.epoch` with the one asked for. KeyError when none is at or before."""
        epoch = int(epoch)
        with self._lock:
            earlier = [kept for kept in self._kept.snapshots if kept <= epoch]
            if not earlier:
                raise KeyError(epoch)
            return self._kept.snapshots[earlier[-1]]

    def wants(self, epoch: int, last: bool = False) -> bool:
        """Whether the trainer should take a snapshot at the end of `epoch` (`last`: the run's final epoch)."""
        return last or int(epoch) % self.every == 0

    # ---- editing -------------------------------------------------------------------------------
    def add(self, snapshot: WeightSnapshot) -> None:
        """Keep `snapshot` (taken at an epoch end); thin the older ones when over the bound."""
        if not snapshot.at_epoch_end:
            raise ValueError("a store keeps snapshots taken at the end of an epoch")
        with self._lock:
            kept = self._kept
            first = next(iter(kept.snapshots.values()), None)
            if first is not None and first.graph is not snapshot.graph and first.graph != snapshot.graph:
                raise ValueError("a store keeps the snapshots of one model graph")
            for epoch in [e for e in kept.snapshots if e >= snapshot.epoch]:  # a new line from here
                kept.nbytes -= kept.snapshots.pop(epoch).nbytes
            kept.snapshots[snapshot.epoch] = snapshot
            kept.nbytes += snapshot.nbytes
            self._thin()

    def _thin(self) -> None:
        """Drop every other snapshot of the older half until within the bound (first and latest stay)."""
        kept = self._kept
        while kept.nbytes > self.max_bytes:
            epochs = list(kept.snapshots)
            inner = epochs[1:-1]  # never the first (epoch 0) nor the latest
            if not inner:
                return
            older = inner[: max(1, (len(inner) + 1) // 2)]
            doomed = older[::2] if len(older) > 1 else older
            for epoch in doomed:
                kept.nbytes -= kept.snapshots.pop(epoch).nbytes

    def clear(self) -> None:
        with self._lock:
            self._kept = _Kept()

    # ---- files ---------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], experiment_name: str = "") -> Path:
        """Write the store to `path`: a folder (gets ``timeline.json``) or a ``.json`` file; the
        tensors go to a safetensors file beside the manifest. Returns the manifest's path."""
        return save_timeline(self, path, experiment_name)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SnapshotStore:
        """Read a store `save` wrote (a folder or its manifest); SnapshotError on any problem."""
        return load_timeline(path)


# ---- saving and loading -------------------------------------------------------------------------


def _manifest_path(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == ".json" else target / MANIFEST


def _cannot_write(path: Path, exc: OSError) -> SnapshotError:
    return SnapshotError(
        _("cannot write the timeline to {path}: {reason}").format(path=path, reason=exc.strerror or exc)
    )


def _previous_tensor_file(manifest_path: Path) -> str | None:
    """The tensor file an earlier timeline manifest at `manifest_path` names (that save may delete
    it); refuses to replace a file there that is not a timeline the playground wrote."""
    if not (manifest_path.exists() or manifest_path.is_symlink()):
        return None
    foreign = SnapshotError(
        _(
            "{path}: exists and is not a saved timeline; choose another name "
            "(the playground never overwrites a file it did not write)"
        ).format(path=manifest_path)
    )
    return named_tensor_file(manifest_path, TIMELINE_FORMAT, _TENSOR_FILE, foreign)


def save_timeline(store: SnapshotStore, path: str | os.PathLike[str], experiment_name: str = "") -> Path:
    """See `SnapshotStore.save`. The tensor file gets a fresh name each save and the manifest is
    replaced last, atomically, so a save that dies half-way leaves the previous timeline whole."""
    manifest_path = _manifest_path(path)
    folder = manifest_path.parent
    snapshots = list(store)
    previous = _previous_tensor_file(manifest_path)
    longest = max((s.history for s in snapshots if s.history is not None), key=len, default=())
    tensors: dict[str, torch.Tensor] = {}
    entries = []
    for snapshot in snapshots:
        history: Any = None
        if snapshot.history is not None:
            shared = tuple(longest[: snapshot.epoch]) == snapshot.history
            history = snapshot.epoch if shared else encode_state(list(snapshot.history), {})
        entries.append(
            {
                "epoch": snapshot.epoch,
                "step": snapshot.step,
                "epochs": snapshot.epochs,
                "batches_per_epoch": snapshot.batches_per_epoch,
                "training": snapshot.training,
                "data": snapshot.data,
                "history": history,
                "state": encode_state(
                    {
                        "model": _thaw(snapshot.model),
                        "optimizer": _thaw(snapshot.optimizer),
                        "schedule": _thaw(snapshot.schedule),
                        "rng": _thaw(snapshot.rng),
                        "loop": snapshot.loop,
                        "keep_best": _thaw(snapshot.keep_best),
                        "early_stopping": _thaw(snapshot.early_stopping),
                    },
                    tensors,
                ),
            }
        )
    stem = manifest_path.stem if manifest_path.name != MANIFEST else ""
    tensor_name = f"{stem[:60]}{'-' if stem else ''}timeline-{uuid.uuid4().hex[:12]}.safetensors"
    tensor_name = (
        tensor_name if _TENSOR_FILE.fullmatch(tensor_name) else f"timeline-{uuid.uuid4().hex[:12]}.safetensors"
    )
    tensor_path = folder / tensor_name
    written = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(tensor_path, lambda temporary: save_file(tensors, str(temporary)))
        written = True
        manifest = {
            "format": TIMELINE_FORMAT,
            "version": TIMELINE_VERSION,
            "experiment": experiment_name,
            "graph": snapshots[0].graph if snapshots else {"nodes": [], "edges": []},
            "every": store.every,
            "max_bytes": store.max_bytes,
            "history": encode_state([dict(row) for row in longest], {}),
            "tensors": tensor_name,
            "sha256": file_sha256(tensor_path),
            "snapshots": entries,
        }
        text = json.dumps(manifest, allow_nan=False) + "\n"
        atomic_write_text(manifest_path, text)
    except (OSError, CheckpointError, ValueError) as exc:
        if written:
            tensor_path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(manifest_path, exc) from None
        raise SnapshotError(f"{manifest_path}: {exc}") from None
    if previous is not None and previous != tensor_name:
        stale = folder / previous
        try:
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()
        except OSError:
            pass  # a stale tensor file wastes space but breaks nothing
    return manifest_path


class _Entry(StrictManifest):
    epoch: int = Field(ge=0)
    step: int = Field(ge=0)
    epochs: int = Field(ge=1)
    batches_per_epoch: int = Field(ge=1)
    training: dict[str, Any]
    data: dict[str, Any]
    history: int | list[dict[str, Any]] | None
    state: dict[str, Any]


class _Graph(StrictManifest):
    nodes: list[dict[str, Any]]
    edges: list[Annotated[list[str], Field(min_length=2, max_length=2)]]


class _Manifest(StrictManifest):
    format: Literal["nn-playground.timeline"]
    version: int
    experiment: str
    graph: _Graph
    every: int = Field(ge=1)
    max_bytes: int = Field(ge=0)
    history: list[dict[str, Any]]
    tensors: str = Field(pattern="^" + _TENSOR_FILE.pattern + "$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    snapshots: list[_Entry]


EDITED = N_("the timeline was edited or damaged after it was saved; save it again from the run")


def _edited() -> str:
    return _(EDITED)


def _problem(where: str, problem: str) -> SnapshotError:
    # TRANSLATORS: {where} is a field of the saved timeline (snapshots[2].state.loop), {problem} what is wrong
    return SnapshotError(_("{where} {problem}; {advice}").format(where=where, problem=problem, advice=_edited()))


def load_timeline(path: str | os.PathLike[str]) -> SnapshotStore:
    """See `SnapshotStore.load`."""
    manifest_path = _manifest_path(path)
    try:
        return _load(manifest_path)
    except SnapshotError as exc:
        message = str(exc)
        raise SnapshotError(
            message if message.startswith(str(manifest_path)) else f"{manifest_path}: {message}"
        ) from None


def _load(manifest_path: Path) -> SnapshotStore:
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(_("no saved timeline here (the file is missing)")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(_("cannot be read ({reason})").format(reason=exc)) from None
    try:
        raw = parse_json_text(text, str(manifest_path))
    except PlaygroundError as exc:
        raise SnapshotError(str(exc)) from None
    if not isinstance(raw, dict) or raw.get("format") != TIMELINE_FORMAT:
        raise SnapshotError(_("not a saved timeline of the playground"))
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SnapshotError(_("the timeline version must be a positive integer; {advice}").format(advice=_edited()))
    if version > TIMELINE_VERSION:
        raise SnapshotError(
            _(
                "timeline version {version} is newer than this playground reads ({supported}); update the playground"
            ).format(version=version, supported=TIMELINE_VERSION)
        )
    try:
        check_depth(raw, limit=64, where=N_("the manifest"))
        manifest = _Manifest.model_validate(raw)
    except CheckpointError as exc:
        raise SnapshotError(str(exc)) from None
    except ValidationError as exc:
        raise SnapshotError(f"{validation_problem(exc)}; {_edited()}") from None
    tensor_path = manifest_path.parent / manifest.tensors
    if not tensor_path.is_file():
        raise SnapshotError(_("the tensor file {name} is missing").format(name=manifest.tensors))
    if file_sha256(tensor_path) != manifest.sha256:
        raise SnapshotError(_("the tensor file does not match the manifest (damaged or half-written)"))
    try:
        tensors = load_file(str(tensor_path))
    except Exception as exc:  # safetensors raises its own error types for corrupt files
        raise SnapshotError(_("{path}: cannot be read ({reason})").format(path=tensor_path, reason=exc)) from None
    try:
        states = decode_state([entry["state"] for entry in raw["snapshots"]], tensors)
        shared = decode_state(raw["history"], {})
    except CheckpointError as exc:
        raise SnapshotError(str(exc)) from None
    graph = raw["graph"]
    store = SnapshotStore(manifest.every, manifest.max_bytes)
    reference: dict[str, tuple[tuple[int, ...], torch.dtype]] | None = None
    previous = -1
    shared_rows = _checked_rows(shared, "history")
    for index, (entry, state) in enumerate(zip(manifest.snapshots, states)):
        where = f"snapshots[{index}]"
        if entry.epoch <= previous:
            raise _problem(f"{where}.epoch", _("must be larger than the epoch before it"))
        previous = entry.epoch
        state = _checked_snapshot_state(state, entry, where)
        try:
            TrainingSpec.model_validate(entry.training)
            DataSpec.model_validate(entry.data)
        except ValidationError as exc:
            raise SnapshotError(f"{validation_problem(exc, where)}; {_edited()}") from None
        model = state["model"]
        shapes = {name: (tuple(t.shape), t.dtype) for name, t in model.items()}
        if reference is None:
            reference = shapes
        elif shapes != reference:
            raise _problem(f"{where}.state.model", _("has other weights than the first snapshot"))
        history: History | None
        if entry.history is None:
            history = None
        elif isinstance(entry.history, int):
            if entry.history != entry.epoch or entry.history > len(shared_rows):
                raise _problem(f"{where}.history", _("does not match the epoch of the snapshot"))
            history = tuple(shared_rows[: entry.history])
        else:
            history = tuple(_checked_rows(decode_state(entry.history, {}), f"{where}.history"))
            if len(history) != entry.epoch:
                raise _problem(f"{where}.history", _("does not match the epoch of the snapshot"))
        snapshot = WeightSnapshot.from_state(
            {**state, "lr": state["schedule"], "history": history},
            training=entry.training,
            data=entry.data,
            graph=graph,
            epochs=entry.epochs,
            batches_per_epoch=entry.batches_per_epoch,
        )
        store._kept.snapshots[snapshot.epoch] = snapshot  # noqa: SLF001 - loading bypasses the bound
        store._kept.nbytes += snapshot.nbytes  # noqa: SLF001
    return store


_STATE_KEYS = ("model", "optimizer", "schedule", "rng", "loop", "keep_best", "early_stopping")
_LOOP_KEYS = ("epoch", "batch", "step", "loss_sum", "samples", "elapsed", "samples_seen", "first_loss")


def _checked_snapshot_state(state: Any, entry: _Entry, where: str) -> dict[str, Any]:
    """The structure a snapshot's state must have; whether it fits a run is checked on fork."""
    checked = _exact(state, _STATE_KEYS, f"{where}.state")
    model = checked["model"]
    if not isinstance(model, dict) or not model or not all(isinstance(t, torch.Tensor) for t in model.values()):
        raise _problem(f"{where}.state.model", _("must be an object of tensors"))
    for name, tensor in model.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise _problem(f"{where}.state.model.{name}", _("contains NaN or infinite values"))
    optimizer = _exact(checked["optimizer"], ("state", "param_groups"), f"{where}.state.optimizer")
    if not isinstance(optimizer["param_groups"], list) or not isinstance(optimizer["state"], dict):
        raise _problem(f"{where}.state.optimizer", _("must hold a list of param groups and a state object"))
    _exact(checked["schedule"], ("step_count", "manual", "inner"), f"{where}.state.schedule")
    rng = _exact(checked["rng"], ("torch", "cuda", "generator", "epoch_start"), f"{where}.state.rng")
    for key in ("torch", "generator"):
        _checked_generator(rng[key], f"{where}.state.rng.{key}")
    if rng["epoch_start"] is not None:
        raise _problem(f"{where}.state.rng.epoch_start", _("must be null: a snapshot is taken between two epochs"))
    loop = _exact(checked["loop"], _LOOP_KEYS, f"{where}.state.loop")
    for key in ("epoch", "batch", "step", "samples", "samples_seen"):
        if not isinstance(loop[key], int) or isinstance(loop[key], bool) or loop[key] < 0:
            raise _problem(f"{where}.state.loop.{key}", _("must be a whole number of at least 0"))
    for key in ("loss_sum", "elapsed", "first_loss"):
        value = loop[key]
        if not (value is None and key == "first_loss") and (
            not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value)
        ):
            raise _problem(f"{where}.state.loop.{key}", _("must be a finite number"))
    if loop["epoch"] != entry.epoch or loop["step"] != entry.step or loop["batch"] != 0:
        raise _problem(f"{where}.state.loop", _("does not match the epoch and step of the snapshot"))
    return checked


def _exact(value: Any, keys: Sequence[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _problem(where, _("must be an object"))
    if set(value) != set(keys):
        raise _problem(where, _("must have exactly the entries {names}").format(names=", ".join(keys)))
    return value


def _checked_generator(value: Any, where: str) -> None:
    reference = torch.Generator().get_state()
    if not isinstance(value, torch.Tensor) or value.dtype != reference.dtype or value.shape != reference.shape:
        raise _problem(where, _("is not a random-generator state"))
    try:
        torch.Generator().set_state(value)
    except (RuntimeError, TypeError, ValueError):
        raise _problem(where, _("is not a random-generator state")) from None


def _checked_rows(value: Any, where: str) -> list[dict[str, float | None]]:
    if not isinstance(value, list):
        raise _problem(where, _("must be a list of epoch rows"))
    rows: list[dict[str, float | None]] = []
    for index, row in enumerate(value):
        if not isinstance(row, dict) or not all(
            item is None or (isinstance(item, (int, float)) and not isinstance(item, bool)) for item in row.values()
        ):
            raise _problem(f"{where}[{index}]", _("must be an object of numbers"))
        rows.append({str(k): None if v is None else float(v) for k, v in row.items()})
    return rows
