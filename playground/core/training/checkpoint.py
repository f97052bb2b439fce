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
from playground.core.i18n import N_, _
from playground.core.jsonio import atomic_write_text, parse_json_text

CHECKPOINT_FORMAT = "nn-playground.checkpoint"
CHECKPOINT_VERSION = 1
MANIFEST = "checkpoint.json"
MAX_DEPTH = 32  # objects/lists inside each other in a manifest; a real one needs about ten
_TENSOR_FILE = re.compile(r"state-[0-9A-Za-z_-]{1,64}\.safetensors")  # the names `save_checkpoint` gives
_MARKERS = ("__tensor__", "__float__", "__tuple__", "__dict__")
# The advice that ends a message; in English (translate with `edited()`, `_(DIVERGED)` where shown).
EDITED = N_("the checkpoint was edited or damaged after it was saved; restore it or train from scratch")
DIVERGED = N_("it was saved from a diverged run; train from scratch")


class CheckpointError(PlaygroundError):
    """A checkpoint that cannot be written, read, or used with this experiment."""


def edited() -> str:
    """`EDITED` in the current language."""
    return _(EDITED)


def unfit(where: str, problem: str) -> CheckpointError:
    """The error for one field of the state that is not what a saved checkpoint holds (`problem`
    in the current language, said of `where`: "must be a list, not an object")."""
    # TRANSLATORS: {where} is a field of the checkpoint (state.loop.step), {problem} what is wrong with it
    return CheckpointError(_("{where} {problem}; {advice}").format(where=where, problem=problem, advice=edited()))


def settings_changed(exc: CheckpointError, what: str) -> CheckpointError:
    """The same problem, with the likelier cause for a part the experiment's settings shape
    (`what`: an English name marked with N_, "optimizer settings")."""
    message = str(exc)
    advice = edited()
    if not message.endswith(advice):
        return exc  # it already says what to do (NaN values, a model that changed shape)
    return CheckpointError(
        message.removesuffix(advice)
        + _(
            "the experiment's {what} may have changed since the checkpoint was saved (or the file was edited); "
            "use the {what} it was saved with or train from scratch"
        ).format(what=_(what))
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
    raise CheckpointError(_("cannot store a value of type {type} in a checkpoint").format(type=type(value).__name__))


def check_depth(tree: Any, limit: int = MAX_DEPTH, where: str = N_("the state")) -> None:
    """Refuse nesting deeper than `limit`, found without recursion (no RecursionError, any depth).
    `where`: an English name marked with N_ ("the manifest"), translated in the message."""
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            raise CheckpointError(
                _("{where} is nested more than {limit} levels deep; {advice}").format(
                    where=_(where), limit=limit, advice=edited()
                )
            )
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
                raise CheckpointError(
                    _("the state holds an unknown entry {key}; {advice}").format(key=repr(key[:40]), advice=edited())
                )
        return {k: _decode(v, tensors, used) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise CheckpointError(_("unexpected value in the state: {value}").format(value=f"{value!r:.60}"))


def _decode_marker(key: str, inner: Any, tensors: Mapping[str, torch.Tensor], used: set[str]) -> Any:
    if key == "__tensor__":
        if not isinstance(inner, str) or inner not in tensors:
            raise CheckpointError(
                _("the tensor file lacks {name}; {advice}").format(name=f"{inner!r:.60}", advice=edited())
            )
        if inner in used:
            raise CheckpointError(
                _("the state uses tensor {name} twice; {advice}").format(name=repr(inner), advice=edited())
            )
        used.add(inner)
        return tensors[inner]
    if key == "__float__":
        if not isinstance(inner, str) or inner not in ("nan", "inf", "-inf"):
            raise CheckpointError(
                _("bad special number {value}; {advice}").format(value=f"{inner!r:.60}", advice=edited())
            )
        return float(inner)
    if key == "__tuple__":
        return tuple(_decode(v, tensors, used) for v in _as_list(inner))
    out: dict[Any, Any] = {}
    for pair in _as_list(inner):
        if not isinstance(pair, list) or len(pair) != 2:
            raise CheckpointError(_("bad key/value pair in the state; {advice}").format(advice=edited()))
        item_key = _decode(pair[0], tensors, used)
        if not isinstance(item_key, (int, str)) or isinstance(item_key, bool) or item_key in out:
            raise CheckpointError(
                _("bad or repeated key {key} in the state; {advice}").format(key=f"{item_key!r:.60}", advice=edited())
            )
        out[item_key] = _decode(pair[1], tensors, used)
    return out


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise CheckpointError(_("malformed state tree; {advice}").format(advice=edited()))
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
            _("node '{node}' ({type}) is in the checkpoint but not in the experiment").format(
                node=node_id, type=saved_nodes[node_id]["type"]
            )
        )
    for node_id in current_nodes.keys() - saved_nodes.keys():
        messages.append(
            _("node '{node}' ({type}) is new in the experiment").format(
                node=node_id, type=current_nodes[node_id]["type"]
            )
        )
    for node_id in saved_nodes.keys() & current_nodes.keys():
        before, after = saved_nodes[node_id], current_nodes[node_id]
        if before["type"] != after["type"]:
            messages.append(
                _("node '{node}' was {before}, now {after}").format(
                    node=node_id, before=before["type"], after=after["type"]
                )
            )
        elif before.get("params", {}) != after.get("params", {}):
            messages.append(
                _("node '{node}' parameters changed from {before} to {after}").format(
                    node=node_id, before=before.get("params"), after=after.get("params")
                )
            )
    saved_edges = {tuple(e) for e in saved.get("edges", [])}
    current_edges = {tuple(e) for e in current.get("edges", [])}
    for a, b in sorted(saved_edges - current_edges):
        messages.append(_("edge {source} → {target} was removed").format(source=a, target=b))
    for a, b in sorted(current_edges - saved_edges):
        messages.append(_("edge {source} → {target} was added").format(source=a, target=b))
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
        message = _("input should be an object")
    where = where or _("the manifest")
    if error["type"] == "missing":
        return f"{where}: {message}"
    # TRANSLATORS: {message} is pydantic's (English) description of what the value must be
    return _("{where}: {message} (got {value})").format(
        where=where, message=message, value=f"{error.get('input')!r:.60}"
    )


def _check_version(manifest: Mapping[str, Any], source: Path) -> None:
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        if "version" not in manifest:
            text = _("{source}: the checkpoint version must be an integer, it is missing; {advice}")
        else:
            text = _("{source}: the checkpoint version must be an integer, not {value}; {advice}")
        raise CheckpointError(text.format(source=source, value=f"{version!r:.40}", advice=edited()))
    if version > CHECKPOINT_VERSION:
        raise CheckpointError(
            _(
                "{source}: checkpoint version {version} is newer than this playground reads "
                "({supported}); update the playground"
            ).format(source=source, version=repr(version), supported=CHECKPOINT_VERSION)
        )
    if version < 1:
        raise CheckpointError(
            _("{source}: there is no checkpoint version {version}; {advice}").format(
                source=source, version=version, advice=edited()
            )
        )


# ---- files --------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (manifests name their tensor file's)."""
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
            raise CheckpointError(
                _("{folder}: is a file, not a folder; name a folder to keep the checkpoint in").format(folder=folder)
            )
        if not (path.exists() or path.is_symlink()):
            return None
    except OSError as exc:
        raise CheckpointError(_cannot_write(folder, exc)) from None
    foreign = CheckpointError(
        _(
            "{path}: exists and is not a playground checkpoint; choose another checkpoint folder "
            "(the playground never overwrites a file it did not write)"
        ).format(path=path)
    )
    return named_tensor_file(path, CHECKPOINT_FORMAT, _TENSOR_FILE, foreign)


def named_tensor_file(path: Path, file_format: str, names: re.Pattern[str], foreign: PlaygroundError) -> str | None:
    """The tensor file the manifest at `path` (of `file_format`) names, when it has a name the
    playground gives (`names`); raises `foreign` when the file there is not such a manifest, so a
    file the playground did not write is never replaced."""
    try:
        manifest = parse_json_text(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, PlaygroundError):
        raise foreign from None
    if not isinstance(manifest, dict) or manifest.get("format") != file_format:
        raise foreign
    name = manifest.get("tensors")
    return name if isinstance(name, str) and names.fullmatch(name) else None


def _cannot_write(folder: Path, exc: OSError) -> str:
    return _("cannot write the checkpoint to {folder}: {reason}").format(folder=folder, reason=exc.strerror or exc)


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
            "sha256": file_sha256(tensor_path),
            "state": tree,
        }
        atomic_write_text(folder / MANIFEST, json.dumps(manifest, allow_nan=False) + "\n")
    except OSError as exc:
        if tensor_path is not None:  # ours and named by no manifest: nothing else would remove it
            _remove_quietly(tensor_path)
        raise CheckpointError(_cannot_write(folder, exc)) from None
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


def _unreadable(path: Path, exc: Exception) -> str:
    return _("{path}: cannot be read ({reason})").format(path=path, reason=exc)


def _read_manifest(folder: Path) -> dict[str, Any]:
    """The parsed manifest of `folder`, its whole structure checked."""
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise CheckpointError(_("{folder}: no such checkpoint folder").format(folder=folder))
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CheckpointError(
            _("{folder}: not a checkpoint folder ({manifest} is missing)").format(folder=folder, manifest=MANIFEST)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(_unreadable(manifest_path, exc)) from None
    try:
        manifest = parse_json_text(text, str(manifest_path))
    except PlaygroundError as exc:
        raise CheckpointError(str(exc)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(_("{path}: not a playground checkpoint").format(path=manifest_path))
    _check_version(manifest, manifest_path)
    try:
        check_depth(manifest, where=N_("the manifest"))
        _Manifest.model_validate(manifest)
    except CheckpointError as exc:
        raise CheckpointError(f"{manifest_path}: {exc}") from None
    except ValidationError as exc:
        raise CheckpointError(f"{manifest_path}: {validation_problem(exc)}; {edited()}") from None
    return manifest


def read_checkpoint(directory: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, state) of a checkpoint folder; every failure is a CheckpointError."""
    folder = Path(directory)
    manifest = _read_manifest(folder)
    manifest_path = folder / MANIFEST
    tensor_path = folder / manifest["tensors"]
    if not tensor_path.is_file():
        raise CheckpointError(
            _("{folder}: the tensor file {name} is missing").format(folder=folder, name=manifest["tensors"])
        )
    if file_sha256(tensor_path) != manifest["sha256"]:
        raise CheckpointError(
            _("{folder}: the tensor file does not match the manifest (damaged or half-written)").format(folder=folder)
        )
    try:
        tensors = load_file(str(tensor_path))
    except Exception as exc:  # safetensors raises its own error types for corrupt files
        raise CheckpointError(_unreadable(tensor_path, exc)) from None
    try:
        state = decode_state(manifest["state"], tensors)
    except CheckpointError as exc:
        raise CheckpointError(f"{manifest_path}: {exc}") from None
    return manifest, state


def check_compatible(manifest: Mapping[str, Any], experiment: Experiment) -> None:
    """Refuse a checkpoint saved from another graph or optimizer, saying what differs."""
    saved = manifest.get("graph")
    current = graph_signature(experiment.model)
    no_graph = _("the checkpoint does not record its model graph")
    if not isinstance(saved, Mapping):
        raise CheckpointError(no_graph)
    try:
        _Graph.model_validate(saved)
    except ValidationError:
        raise CheckpointError(no_graph) from None
    if saved != json.loads(json.dumps(current)):
        differences = graph_differences(saved, current)
        detail = "; ".join(differences[:8]) or _("the graphs differ")
        if len(differences) > 8:
            detail = _("{differences}; and {count} more").format(differences=detail, count=len(differences) - 8)
        raise CheckpointError(
            _(
                "the checkpoint was saved from a different model graph ({detail}); "
                "train from scratch or open the experiment it was saved with"
            ).format(detail=detail)
        )
    if manifest.get("optimizer") != experiment.training.optimizer.type:
        raise CheckpointError(
            _(
                "the checkpoint was trained with {saved}, the experiment uses {current}; "
                "its optimizer state cannot be continued"
            ).format(saved=str(manifest.get("optimizer"))[:60], current=experiment.training.optimizer.type)
        )
