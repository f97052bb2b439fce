"""Checkpoints without pickle: every tensor in one safetensors file, everything else in JSON.

A checkpoint folder holds ``checkpoint.json`` (format id, the model graph it was saved from, a
state tree in which tensors are references, the SHA-256 of the tensor file) and the tensor file
it names. The tensor file gets a fresh name each save and the JSON is replaced atomically last,
so a crash mid-save leaves the previous checkpoint intact. A save deletes only the tensor file the
previous manifest named, and never writes over a ``checkpoint.json`` the playground did not write.

Loading never executes code: JSON plus ``safetensors.torch.load_file``. A manifest is a file a user
can edit, so all of it is checked before any of it is used: its structure (`read_checkpoint`),
then every piece of the state against what the trainer needs (`check_state`, against a
`StateReference` built from the freshly made model and optimizer). Anything off is one
CheckpointError naming the file and the field; the trainer is changed only after all of it fits.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from safetensors.torch import load_file, save_file

from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import Experiment, ModelSpec
from playground.core.jsonio import atomic_write_text, parse_json_text

CHECKPOINT_FORMAT = "nn-playground.checkpoint"
CHECKPOINT_VERSION = 1
MANIFEST = "checkpoint.json"
MAX_DEPTH = 32  # objects/lists inside each other in a manifest; a real one needs about ten
_TENSOR_FILE = re.compile(r"state-[0-9A-Za-z_-]{1,64}\.safetensors")  # the names `save_checkpoint` gives
_MARKERS = ("__tensor__", "__float__", "__tuple__", "__dict__")
EDITED = "the checkpoint was edited or damaged after it was saved; restore it or train from scratch"
DIVERGED = "it was saved from a diverged run; train from scratch"


class CheckpointError(PlaygroundError):
    """A checkpoint that cannot be written, read, or used with this experiment."""


def unfit(where: str, problem: str) -> CheckpointError:
    """The error for one field of the state that is not what a saved checkpoint holds."""
    return CheckpointError(f"{where} {problem}; {EDITED}")


def settings_changed(exc: CheckpointError, what: str) -> CheckpointError:
    """The same problem, with the likelier cause for a part the experiment's settings shape."""
    message = str(exc)
    if not message.endswith(EDITED):
        return exc  # it already says what to do (NaN values, a model that changed shape)
    return CheckpointError(
        message.removesuffix(EDITED)
        + (
            f"the experiment's {what} may have changed since the checkpoint was saved (or the file was edited); "
            f"use the {what} it was saved with or train from scratch"
        )
    )


# ---- state trees <-> JSON + tensors ----------------------------------------------------------


def encode_state(value: Any, tensors: dict[str, torch.Tensor]) -> Any:
    """JSON-safe tree; tensors are moved into `tensors` and replaced by references."""
    if isinstance(value, torch.Tensor):
        key = f"t{len(tensors)}"
        tensors[key] = value.detach().cpu().contiguous().clone()
        return {"__tensor__": key}
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"__float__": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, tuple):
        return {"__tuple__": [encode_state(v, tensors) for v in value]}
    if isinstance(value, list):
        return [encode_state(v, tensors) for v in value]
    if isinstance(value, Mapping):
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: encode_state(v, tensors) for k, v in value.items()}
        return {"__dict__": [[encode_state(k, tensors), encode_state(v, tensors)] for k, v in value.items()]}
    raise CheckpointError(f"cannot store a value of type {type(value).__name__} in a checkpoint")


def check_depth(tree: Any, limit: int = MAX_DEPTH, where: str = "the state") -> None:
    """Refuse nesting deeper than `limit`, found without recursion (no RecursionError, any depth)."""
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            raise CheckpointError(f"{where} is nested more than {limit} levels deep; {EDITED}")
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def decode_state(value: Any, tensors: Mapping[str, torch.Tensor]) -> Any:
    """Inverse of `encode_state`; raises CheckpointError on anything `encode_state` does not write.

    Each tensor may be referenced once: two state entries sharing one tensor would update each
    other in place (an optimizer's two moment buffers, say)."""
    if isinstance(value, (dict, list)):
        check_depth(value)
    return _decode(value, tensors, set())


def _decode(value: Any, tensors: Mapping[str, torch.Tensor], used: set[str]) -> Any:
    if isinstance(value, list):
        return [_decode(v, tensors, used) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key in _MARKERS:
                return _decode_marker(key, inner, tensors, used)
        for key in value:
            if key.startswith("__"):
                raise CheckpointError(f"the state holds an unknown entry {key[:40]!r}; {EDITED}")
        return {k: _decode(v, tensors, used) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise CheckpointError(f"unexpected value in the state: {value!r:.60}")


def _decode_marker(key: str, inner: Any, tensors: Mapping[str, torch.Tensor], used: set[str]) -> Any:
    if key == "__tensor__":
        if not isinstance(inner, str) or inner not in tensors:
            raise CheckpointError(f"the tensor file lacks {inner!r:.60}; {EDITED}")
        if inner in used:
            raise CheckpointError(f"the state uses tensor {inner!r} twice; {EDITED}")
        used.add(inner)
        return tensors[inner]
    if key == "__float__":
        if not isinstance(inner, str) or inner not in ("nan", "inf", "-inf"):
            raise CheckpointError(f"bad special number {inner!r:.60}; {EDITED}")
        return float(inner)
    if key == "__tuple__":
        return tuple(_decode(v, tensors, used) for v in _as_list(inner))
    out: dict[Any, Any] = {}
    for pair in _as_list(inner):
        if not isinstance(pair, list) or len(pair) != 2:
            raise CheckpointError(f"bad key/value pair in the state; {EDITED}")
        item_key = _decode(pair[0], tensors, used)
        if not isinstance(item_key, (int, str)) or isinstance(item_key, bool) or item_key in out:
            raise CheckpointError(f"bad or repeated key {item_key!r:.60} in the state; {EDITED}")
        out[item_key] = _decode(pair[1], tensors, used)
    return out


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise CheckpointError(f"malformed state tree; {EDITED}")
    return value


# ---- the graph a checkpoint belongs to ----------------------------------------------------------


def graph_signature(model: ModelSpec) -> dict[str, Any]:
    """What must match for saved weights to fit: node ids, types, params and edges (not positions)."""
    return {
        "nodes": [{"id": n.id, "type": n.type, "params": n.params} for n in model.nodes],
        "edges": [list(edge) for edge in model.edges],
    }


def graph_differences(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Plain sentences naming what changed between two graph signatures."""
    messages: list[str] = []
    saved_nodes = {n["id"]: n for n in saved.get("nodes", [])}
    current_nodes = {n["id"]: n for n in current.get("nodes", [])}
    for node_id in saved_nodes.keys() - current_nodes.keys():
        messages.append(
            f"node '{node_id}' ({saved_nodes[node_id]['type']}) is in the checkpoint but not in the experiment"
        )
    for node_id in current_nodes.keys() - saved_nodes.keys():
        messages.append(f"node '{node_id}' ({current_nodes[node_id]['type']}) is new in the experiment")
    for node_id in saved_nodes.keys() & current_nodes.keys():
        before, after = saved_nodes[node_id], current_nodes[node_id]
        if before["type"] != after["type"]:
            messages.append(f"node '{node_id}' was {before['type']}, now {after['type']}")
        elif before.get("params", {}) != after.get("params", {}):
            messages.append(f"node '{node_id}' parameters changed from {before.get('params')} to {after.get('params')}")
    saved_edges = {tuple(e) for e in saved.get("edges", [])}
    current_edges = {tuple(e) for e in current.get("edges", [])}
    for a, b in sorted(saved_edges - current_edges):
        messages.append(f"edge {a} → {b} was removed")
    for a, b in sorted(current_edges - saved_edges):
        messages.append(f"edge {a} → {b} was added")
    return sorted(messages)


# ---- the manifest's structure -------------------------------------------------------------------


class StrictManifest(BaseModel):
    """Unknown keys are errors; values are not converted (no "2" for 2, no true for 1)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class _Node(StrictManifest):
    id: str
    type: str
    params: dict[str, Any]


class _Graph(StrictManifest):
    nodes: list[_Node]
    edges: list[Annotated[list[str], Field(min_length=2, max_length=2)]]


class _Manifest(StrictManifest):
    format: Literal["nn-playground.checkpoint"]
    version: int
    experiment: str
    graph: _Graph
    optimizer: str
    meta: dict[str, Any]
    tensors: str = Field(pattern="^" + _TENSOR_FILE.pattern + "$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    state: dict[str, Any]


def validation_problem(exc: ValidationError, prefix: str = "") -> str:
    """'loop.epoch must be ... (got -1)' for the first error pydantic found."""
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
    message = error["msg"][0].lower() + error["msg"][1:]
    if error["type"] in ("model_type", "dict_type"):  # not "... or instance of _Tracker"
        message = "input should be an object"
    shown = "" if error["type"] == "missing" else f" (got {error.get('input')!r:.60})"
    return f"{where or 'the manifest'}: {message}{shown}"


def _check_version(manifest: Mapping[str, Any], source: Path) -> None:
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        got = "it is missing" if "version" not in manifest else f"not {version!r:.40}"
        raise CheckpointError(f"{source}: the checkpoint version must be an integer, {got}; {EDITED}")
    if version > CHECKPOINT_VERSION:
        raise CheckpointError(
            f"{source}: checkpoint version {version!r} is newer than this playground reads "
            f"({CHECKPOINT_VERSION}); update the playground"
        )
    if version < 1:
        raise CheckpointError(f"{source}: there is no checkpoint version {version}; {EDITED}")


# ---- files --------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_checkpoint_target(directory: str | os.PathLike[str]) -> str | None:
    """Refuse a folder whose ``checkpoint.json`` the playground did not write (cheap: call it before
    training). Returns the tensor file the folder's current checkpoint names, the one a save may delete."""
    folder = Path(directory)
    path = folder / MANIFEST
    try:
        if folder.exists() and not folder.is_dir():
            raise CheckpointError(f"{folder}: is a file, not a folder; name a folder to keep the checkpoint in")
        if not (path.exists() or path.is_symlink()):
            return None
    except OSError as exc:
        raise CheckpointError(f"cannot write the checkpoint to {folder}: {exc.strerror or exc}") from None
    foreign = CheckpointError(
        f"{path}: exists and is not a playground checkpoint; choose another checkpoint folder "
        f"(the playground never overwrites a file it did not write)"
    )
    try:
        manifest = parse_json_text(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, PlaygroundError):
        raise foreign from None
    if not isinstance(manifest, dict) or manifest.get("format") != CHECKPOINT_FORMAT:
        raise foreign
    name = manifest.get("tensors")
    return name if isinstance(name, str) and _TENSOR_FILE.fullmatch(name) else None


def _new_tensor_name(folder: Path) -> str:
    while True:  # never reuse a name that is there, whoever put it there
        name = f"state-{uuid.uuid4().hex[:12]}.safetensors"
        if not (folder / name).exists():
            return name


def save_checkpoint(
    directory: str | os.PathLike[str],
    experiment: Experiment,
    state: Mapping[str, Any],
    meta: Mapping[str, Any] | None = None,
) -> Path:
    """Write `state` (a tree of tensors and plain values) for `experiment` into `directory`."""
    folder = Path(directory)
    previous = check_checkpoint_target(folder)
    tensor_path: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tensors: dict[str, torch.Tensor] = {}
        tree = encode_state(state, tensors)
        tensor_name = _new_tensor_name(folder)
        tensor_path = folder / tensor_name
        save_file(tensors, str(tensor_path))
        with tensor_path.open("rb") as handle:
            os.fsync(handle.fileno())
        manifest = {
            "format": CHECKPOINT_FORMAT,
            "version": CHECKPOINT_VERSION,
            "experiment": experiment.name,
            "graph": graph_signature(experiment.model),
            "optimizer": experiment.training.optimizer.type,
            "meta": dict(meta or {}),
            "tensors": tensor_name,
            "sha256": _sha256(tensor_path),
            "state": tree,
        }
        atomic_write_text(folder / MANIFEST, json.dumps(manifest, allow_nan=False) + "\n")
    except OSError as exc:
        if tensor_path is not None:  # ours and named by no manifest: nothing else would remove it
            _remove_quietly(tensor_path)
        raise CheckpointError(f"cannot write the checkpoint to {folder}: {exc.strerror or exc}") from None
    if previous is not None and previous != tensor_name:
        _remove_quietly(folder / previous)
    return folder


def _remove_quietly(path: Path) -> None:
    """Delete a tensor file of ours; one left behind wastes space but breaks nothing."""
    try:
        if path.is_file() and not path.is_symlink():
            path.unlink()
    except OSError:
        pass


def _read_manifest(folder: Path) -> dict[str, Any]:
    """The parsed manifest of `folder`, its whole structure checked."""
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: no such checkpoint folder")
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CheckpointError(f"{folder}: not a checkpoint folder ({MANIFEST} is missing)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{manifest_path}: cannot be read ({exc})") from None
    try:
        manifest = parse_json_text(text, str(manifest_path))
    except PlaygroundError as exc:
        raise CheckpointError(str(exc)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{manifest_path}: not a playground checkpoint")
    _check_version(manifest, manifest_path)
    try:
        check_depth(manifest, where="the manifest")
        _Manifest.model_validate(manifest)
    except CheckpointError as exc:
        raise CheckpointError(f"{manifest_path}: {exc}") from None
    except ValidationError as exc:
        raise CheckpointError(f"{manifest_path}: {validation_problem(exc)}; {EDITED}") from None
    return manifest


def read_checkpoint(directory: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, state) of a checkpoint folder; every failure is a CheckpointError."""
    folder = Path(directory)
    manifest = _read_manifest(folder)
    manifest_path = folder / MANIFEST
    tensor_path = folder / manifest["tensors"]
    if not tensor_path.is_file():
        raise CheckpointError(f"{folder}: the tensor file {manifest['tensors']} is missing")
    if _sha256(tensor_path) != manifest["sha256"]:
        raise CheckpointError(f"{folder}: the tensor file does not match the manifest (damaged or half-written)")
    try:
        tensors = load_file(str(tensor_path))
    except Exception as exc:  # safetensors raises its own error types for corrupt files
        raise CheckpointError(f"{tensor_path}: cannot be read ({exc})") from None
    try:
        state = decode_state(manifest["state"], tensors)
    except CheckpointError as exc:
        raise CheckpointError(f"{manifest_path}: {exc}") from None
    return manifest, state


def check_compatible(manifest: Mapping[str, Any], experiment: Experiment) -> None:
    """Refuse a checkpoint saved from another graph or optimizer, saying what differs."""
    saved = manifest.get("graph")
    current = graph_signature(experiment.model)
    if not isinstance(saved, Mapping):
        raise CheckpointError("the checkpoint does not record its model graph")
    try:
        _Graph.model_validate(saved)
    except ValidationError:
        raise CheckpointError("the checkpoint does not record its model graph") from None
    if saved != json.loads(json.dumps(current)):
        differences = graph_differences(saved, current)
        detail = "; ".join(differences[:8]) or "the graphs differ"
        if len(differences) > 8:
            detail += f"; and {len(differences) - 8} more"
        raise CheckpointError(
            f"the checkpoint was saved from a different model graph ({detail}); "
            f"train from scratch or open the experiment it was saved with"
        )
    if manifest.get("optimizer") != experiment.training.optimizer.type:
        raise CheckpointError(
            f"the checkpoint was trained with {str(manifest.get('optimizer'))[:60]}, the experiment uses "
            f"{experiment.training.optimizer.type}; its optimizer state cannot be continued"
        )
