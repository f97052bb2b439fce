"""Load, validate and save experiment files (format v1, described in the README's "Experiment files").

Every failure is an `ExperimentError` whose problems name the JSON path and say what is wrong;
nothing else escapes, whatever the input. Saving is canonical and atomic.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from playground.core.errors import ExperimentError, Problem
from playground.core.experiment.migrate import migrate
from playground.core.experiment.schema import FORMAT_ID, Experiment, NodeSpec
from playground.core.experiment.validate import semantic_problems
from playground.core.i18n import N_, _
from playground.core.jsonio import atomic_write_text, canonical_json, parse_json_text, read_json_file

MAX_FILE_BYTES = 20 * 1024 * 1024


def _loc_to_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


# pydantic's own messages (after "Input should be" became "must be"), by their English text: the
# ones an experiment file meets. Others stay in pydantic's English.
_PYDANTIC_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"must be a valid string", N_("must be a valid string")),
        (r"must be a valid integer", N_("must be a valid integer")),
        (r"must be a valid number", N_("must be a valid number")),
        (r"must be a valid boolean", N_("must be a valid boolean")),
        (r"must be a finite number", N_("must be a finite number")),
        (r"must be an object", N_("must be an object")),
        (r"must be a valid array", N_("must be a valid array")),
        (r"must be a valid list", N_("must be a valid list")),
        (r"must be a valid dictionary", N_("must be a valid dictionary")),
        (r"must be greater than or equal to (?P<limit>\S+)", N_("must be greater than or equal to {limit}")),
        (r"must be greater than (?P<limit>\S+)", N_("must be greater than {limit}")),
        (r"must be less than or equal to (?P<limit>\S+)", N_("must be less than or equal to {limit}")),
        (r"must be less than (?P<limit>\S+)", N_("must be less than {limit}")),
        (r"must be (?P<expected>'[^']*'(?:, '[^']*')*) or (?P<last>'[^']*')", N_("must be {expected} or {last}")),
        (r"must be (?P<expected>'[^']*'|\d+)", N_("must be {expected}")),
        (
            r"\w+ should have at most (?P<limit>\d+) items? after validation, not (?P<count>\d+)",
            N_("must have at most {limit} items, not {count}"),
        ),
        (
            r"\w+ should have at least (?P<limit>\d+) items? after validation, not (?P<count>\d+)",
            N_("must have at least {limit} items, not {count}"),
        ),
    )
)


def _translated_pydantic(message: str) -> str:
    """pydantic's English `message` in the current language, where it is one of the known ones."""
    for pattern, template in _PYDANTIC_MESSAGES:
        match = pattern.fullmatch(message)
        if match is not None:
            translated = _(template)
            return translated.format(**match.groupdict()) if translated != template else message
    return message


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        return _('unknown key (check the spelling; the README\'s "Experiment files" section lists the keys)')
    if kind == "missing":
        return _("required key is missing")
    message = error["msg"]
    message = _translated_pydantic(message.replace("Input should be", "must be").replace("Value error, ", ""))
    if kind.endswith("_type") or kind in ("literal_error",) or kind.startswith(("greater", "less")):
        shown = json.dumps(given, ensure_ascii=False) if _jsonable(given) else repr(given)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message = _("{message}, got {value}").format(message=message, value=shown)
    return message


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def validation_problems(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """pydantic's errors as problems with JSON paths (below `prefix` when the document is a part)."""
    return [
        Problem(_loc_to_path((prefix, *error["loc"]) if prefix else tuple(error["loc"])), _describe(error))
        for error in exc.errors(include_url=False)
    ]


def _apply_normalised(experiment: Experiment, normalised: dict[str, dict[str, Any]]) -> None:
    """Store the checked parameter values (1 → 1.0 for a float, [3, 3] → 3) back in the document."""
    for path, params in normalised.items():
        if path == "data.params":
            experiment.data.params = params
        elif path.startswith("model.nodes["):
            index = int(path[len("model.nodes[") : path.index("]")])
            experiment.model.nodes[index].params = params
        elif path.startswith("model.blocks."):
            name, rest = path[len("model.blocks.") :].split(".nodes[", 1)
            experiment.model.blocks[name].nodes[int(rest[: rest.index("]")])].params = params
        elif path == "training.loss.params":
            experiment.training.loss.params = params
        elif path == "training.optimizer.params":
            experiment.training.optimizer.params = params
        elif path == "training.scheduler.params" and experiment.training.scheduler is not None:
            experiment.training.scheduler.params = params


def experiment_from_dict(document: Any, source: str | None = None) -> Experiment:
    """Validate a parsed JSON document (any value) into an Experiment, or raise ExperimentError."""
    if not isinstance(document, dict):
        raise ExperimentError(
            Problem("", _("an experiment file holds a JSON object, got {type}").format(type=type(document).__name__)),
            source,
        )
    if document.get("format") != FORMAT_ID:
        raise ExperimentError(
            Problem(
                "format",
                _(
                    "must be {expected!r}, got {value!r}: this is not a Neural Network Playground experiment file"
                ).format(expected=FORMAT_ID, value=document.get("format")),
            ),
            source,
        )
    document = migrate(document, source)
    try:
        experiment = Experiment.model_validate_json(json.dumps(document, allow_nan=False), strict=True)
    except ValidationError as exc:
        raise ExperimentError(validation_problems(exc), source) from None
    except (ValueError, RecursionError) as exc:
        raise ExperimentError(Problem("", _("cannot be read: {error}").format(error=exc)), source) from None
    problems, normalised = semantic_problems(experiment)
    if problems:
        raise ExperimentError(problems, source)
    _apply_normalised(experiment, normalised)
    return experiment


def experiment_from_json(text: str, source: str | None = None) -> Experiment:
    return experiment_from_dict(parse_json_text(text, source), source)


def load_experiment(path: str | os.PathLike[str]) -> Experiment:
    """Read, migrate and validate an experiment file; raises ExperimentError naming the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size > MAX_FILE_BYTES:
        raise ExperimentError(
            _("is {size} MB; experiment files are small JSON documents").format(size=size // 1_000_000), str(path)
        )
    return experiment_from_dict(read_json_file(path), str(path))


def experiment_to_dict(experiment: Experiment) -> dict[str, Any]:
    """The canonical document: keys in the format's order, optional keys left out when unset."""
    data = experiment.data
    document: dict[str, Any] = {
        "format": experiment.format,
        "version": experiment.version,
        "name": experiment.name,
        "description": experiment.description,
        **_translations_dict(experiment),
        "data": {
            "dataset": data.dataset,
            "params": dict(data.params),
            "split": {"train": data.split.train, "val": data.split.val, "test": data.split.test},
            "seed": data.seed,
        },
        "model": {
            "nodes": [_node_dict(node) for node in experiment.model.nodes],
            "edges": [[source, target] for source, target in experiment.model.edges],
        },
        "training": _training_dict(experiment),
    }
    if data.augmentation is not None and data.augmentation.is_active():
        document["data"]["augmentation"] = data.augmentation.model_dump(mode="json", exclude_defaults=True)
    if experiment.model.init != "default":
        document["model"]["init"] = experiment.model.init
    if experiment.model.direction != "auto":
        document["model"]["direction"] = experiment.model.direction
    if experiment.model.weights is not None:
        document["model"]["weights"] = experiment.model.weights
    if experiment.model.blocks:
        document["model"]["blocks"] = {
            name: {
                "nodes": [_node_dict(node) for node in block.nodes],
                "edges": [[source, target] for source, target in block.edges],
                "output": block.output,
                **({"description": block.description} if block.description else {}),
            }
            for name, block in experiment.model.blocks.items()
        }
    if experiment.classroom is not None and experiment.classroom.hides_anything():
        document["classroom"] = experiment.classroom.model_dump(mode="json", exclude_defaults=True)
    if experiment.lesson is not None and not experiment.lesson.is_empty():
        document["lesson"] = experiment.lesson.model_dump(mode="json", exclude_defaults=True)
    if experiment.comparison is not None:
        document["comparison"] = experiment.comparison.model_dump(mode="json")
    return document


def _translations_dict(experiment: Experiment) -> dict[str, Any]:
    """``{"translations": {...}}`` beside the default text, languages sorted, empty fields left out."""
    languages = {
        code: entry.model_dump(mode="json", exclude_defaults=True)
        for code, entry in sorted(experiment.translations.items())
        if entry.name or entry.description
    }
    return {"translations": languages} if languages else {}


def _node_dict(node: NodeSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": node.id, "type": node.type}
    if node.params:
        entry["params"] = dict(node.params)
    if node.pos is not None:
        entry["pos"] = [_round(node.pos[0]), _round(node.pos[1])]
    return entry


def _round(value: float) -> float | int:
    rounded = round(float(value), 1)
    return int(rounded) if rounded.is_integer() else rounded


def _training_dict(experiment: Experiment) -> dict[str, Any]:
    training = experiment.training
    result: dict[str, Any] = {
        "loss": {"type": training.loss.type, "params": dict(training.loss.params)},
        "optimizer": {"type": training.optimizer.type, "params": dict(training.optimizer.params)},
        "scheduler": None,
        "epochs": training.epochs,
        "batch_size": training.batch_size,
        "seed": training.seed,
        "device": training.device,
    }
    if training.scheduler is not None:
        scheduler = training.scheduler
        result["scheduler"] = {
            "type": scheduler.type,
            "params": dict(scheduler.params),
            "interval": scheduler.interval,
            "warmup_steps": scheduler.warmup_steps,
        }
    if training.l1:
        result["l1"] = training.l1
    for key in ("gradient_clipping", "early_stopping", "keep_best"):
        value = getattr(training, key)
        if value is not None:
            result[key] = value.model_dump()
    if training.distillation is not None:  # optional files left out when unset
        result["distillation"] = training.distillation.model_dump(exclude_none=True)
    return result


def experiment_to_json(experiment: Experiment) -> str:
    return canonical_json(experiment_to_dict(experiment))


def save_experiment(experiment: Experiment, path: str | os.PathLike[str]) -> None:
    """Write canonically and atomically. Raises ExperimentError (never leaves a half file)."""
    text = experiment_to_json(experiment)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ExperimentError(_("cannot be saved: {reason}").format(reason=exc.strerror or exc), str(path)) from None


def copy_experiment(experiment: Experiment) -> Experiment:
    """A deep, independent copy (the editor's undo stack and comparison runs use it)."""
    return experiment.model_copy(deep=True)
