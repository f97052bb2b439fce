"""Checkpoints without pickle: every tensor in one safetensors file, everything else in JSON.

A checkpoint folder holds ``checkpoint.json`` (format id, the model graph it was saved from, a
state tree in which tensors are references, the SHA-256 of the tensor file) and the tensor file
it names. The tensor file gets a fresh name each save and the JSON is replaced atomically last,
so a crash mid-save leaves the previous checkpoint intact.

Loading never executes code: JSON plus ``safetensors.torch.load_file``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import uuid
from pathlib import Path
from typing import Any, Mapping

import torch
from safetensors.torch import load_file, save_file

from playground.core.errors import PlaygroundError
from playground.core.experiment.schema import Experiment, ModelSpec
from playground.core.jsonio import atomic_write_text, parse_json_text

CHECKPOINT_FORMAT = "nn-playground.checkpoint"
CHECKPOINT_VERSION = 1
MANIFEST = "checkpoint.json"


class CheckpointError(PlaygroundError):
    """A checkpoint that cannot be written, read, or used with this experiment."""


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


def decode_state(value: Any, tensors: Mapping[str, torch.Tensor]) -> Any:
    """Inverse of `encode_state`; raises CheckpointError on anything unexpected."""
    if isinstance(value, list):
        return [decode_state(v, tensors) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "__tensor__":
                if inner not in tensors:
                    raise CheckpointError(f"the tensor file lacks {inner!r}")
                return tensors[inner]
            if key == "__float__":
                if inner not in ("nan", "inf", "-inf"):
                    raise CheckpointError(f"bad special number {inner!r}")
                return float(inner)
            if key == "__tuple__":
                return tuple(decode_state(v, tensors) for v in _as_list(inner))
            if key == "__dict__":
                pairs = _as_list(inner)
                out = {}
                for pair in pairs:
                    if not isinstance(pair, list) or len(pair) != 2:
                        raise CheckpointError("bad key/value pair in the state")
                    out[decode_state(pair[0], tensors)] = decode_state(pair[1], tensors)
                return out
        return {k: decode_state(v, tensors) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise CheckpointError(f"unexpected value in the state: {value!r}")


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise CheckpointError("malformed state tree")
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
        messages.append(f"node '{node_id}' ({saved_nodes[node_id]['type']}) is in the checkpoint but not in the experiment")
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


# ---- files --------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_checkpoint(directory: str | os.PathLike[str], experiment: Experiment, state: Mapping[str, Any],
                    meta: Mapping[str, Any] | None = None) -> Path:
    """Write `state` (a tree of tensors and plain values) for `experiment` into `directory`."""
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tensors: dict[str, torch.Tensor] = {}
        tree = encode_state(state, tensors)
        tensor_name = f"state-{uuid.uuid4().hex[:12]}.safetensors"
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
        for old in folder.glob("state-*.safetensors"):
            if old.name != tensor_name:
                old.unlink(missing_ok=True)
    except OSError as exc:
        raise CheckpointError(f"cannot write the checkpoint to {folder}: {exc.strerror or exc}") from None
    return folder


def read_checkpoint(directory: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, state) of a checkpoint folder; every failure is a CheckpointError."""
    folder = Path(directory)
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
    version = manifest.get("version")
    if not isinstance(version, int) or version > CHECKPOINT_VERSION:
        raise CheckpointError(
            f"{manifest_path}: checkpoint version {version!r} is newer than this playground reads "
            f"({CHECKPOINT_VERSION}); update the playground"
        )
    tensor_name = manifest.get("tensors")
    if not isinstance(tensor_name, str) or "/" in tensor_name or "\\" in tensor_name or tensor_name.startswith("."):
        raise CheckpointError(f"{manifest_path}: bad tensor file name")
    tensor_path = folder / tensor_name
    if not tensor_path.is_file():
        raise CheckpointError(f"{folder}: the tensor file {tensor_name} is missing")
    if _sha256(tensor_path) != manifest.get("sha256"):
        raise CheckpointError(f"{folder}: the tensor file does not match the manifest (damaged or half-written)")
    try:
        tensors = load_file(str(tensor_path))
    except Exception as exc:  # safetensors raises its own error types for corrupt files
        raise CheckpointError(f"{tensor_path}: cannot be read ({exc})") from None
    state = decode_state(manifest.get("state"), tensors)
    if not isinstance(state, dict):
        raise CheckpointError(f"{manifest_path}: the state is not an object")
    return manifest, state


def check_compatible(manifest: Mapping[str, Any], experiment: Experiment) -> None:
    """Refuse a checkpoint saved from another graph or optimizer, saying what differs."""
    saved = manifest.get("graph")
    current = graph_signature(experiment.model)
    if not isinstance(saved, dict):
        raise CheckpointError("the checkpoint does not record its model graph")
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
            f"the checkpoint was trained with {manifest.get('optimizer')}, the experiment uses "
            f"{experiment.training.optimizer.type}; its optimizer state cannot be continued"
        )
