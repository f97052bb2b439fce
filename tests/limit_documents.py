"""Hypothesis strategies for experiment documents whose settings sit at the limits of what the
format accepts: every declared parameter (layers, data, loss, optimizer, schedule) drawn from its
bounds, its default and values just inside them, on top of the bundled presets.

Shared by the core property test (what `check` accepts builds, trains a step and exports) and the
window's (what `check` accepts opens in the window)."""

from __future__ import annotations

import copy
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from playground.core.catalogue import LAYERS
from playground.core.catalogue.training import LOSSES, OPTIMIZERS, SCHEDULERS
from playground.core.data.catalogue import DATASET_TYPES
from playground.core.params import INT_MAX, ParamSpec

PRESETS = Path(__file__).resolve().parents[1] / "presets"
# Presets whose data and model train one step in well under a second.
QUICK_PRESETS = (
    "and_gate",
    "xor",
    "spiral",
    "dropout_overfitting",
    "vanishing_gradients_relu",
    "lstm_sine",
    "transformer_sequence",
    "resnet_block_digits",
    "learning_rate_too_high",
)


@cache
def preset_text(name: str) -> str:
    return (PRESETS / f"{name}.json").read_text(encoding="utf-8")


def preset(name: str) -> dict[str, Any]:
    return json.loads(preset_text(name))


def _int_values(spec: ParamSpec, outside: bool) -> st.SearchStrategy[int]:
    low = int(spec.minimum) + (1 if spec.exclusive_minimum else 0) if spec.minimum is not None else -5
    high = spec.upper_bound()
    top = int(high) - (1 if spec.exclusive_maximum else 0) if high is not None else INT_MAX
    near = [
        value for value in (low, low + 1, 2, 3, spec.default, top) if isinstance(value, int) and low <= value <= top
    ]
    if outside:
        near += [top + 1, low - 1]
    return st.one_of(st.sampled_from(near), st.integers(low, min(top, low + 64)))


def _float_values(spec: ParamSpec, outside: bool) -> st.SearchStrategy[float]:
    low = spec.lower_bound()
    high = spec.upper_bound()
    assert low is not None and high is not None
    inner_low = math.nextafter(low, math.inf) if spec.exclusive_minimum else low
    inner_high = math.nextafter(high, -math.inf) if spec.exclusive_maximum else high
    edges = [
        inner_low,
        inner_high,
        math.nextafter(inner_low, math.inf),
        math.nextafter(inner_high, -math.inf),
        0.0,
        1.0,
        0.5,
        1e-8,
        1e-30,
    ]
    if isinstance(spec.default, (int, float)) and not isinstance(spec.default, bool):
        edges.append(float(spec.default))
    edges = [value for value in edges if inner_low <= value <= inner_high]
    if outside:
        edges += [low, high, 1e300, -1e300, 1e-300]
    return st.one_of(
        st.sampled_from(edges), st.floats(inner_low, min(inner_high, max(inner_low, 1e6)), allow_nan=False)
    )


def value_at_limits(spec: ParamSpec, outside: bool = False) -> st.SearchStrategy[Any]:
    """Values of one parameter at, next to and between its bounds (with `outside`, also past them)."""
    kind = spec.kind
    if kind == "int":
        values: st.SearchStrategy[Any] = _int_values(spec, outside)
    elif kind == "float":
        values = _float_values(spec, outside)
    elif kind == "bool":
        values = st.booleans()
    elif kind == "choice":
        values = st.sampled_from(spec.choices)
    elif kind == "multi_choice":
        values = st.lists(st.sampled_from(spec.choices), min_size=1, max_size=len(spec.choices), unique=True)
    elif kind == "int_or_pair":
        values = st.one_of(_int_values(spec, outside), st.lists(_int_values(spec, outside), min_size=2, max_size=2))
    elif kind == "int_list":
        values = st.lists(_int_values(spec, outside), max_size=4)
    elif kind == "float_list":
        size = spec.length if spec.length is not None else 2
        values = st.lists(_float_values(spec, outside), min_size=size, max_size=size)
    elif kind == "shape":
        values = st.lists(st.integers(-1, 8), min_size=1, max_size=3)
    else:  # free text: keep what the preset has
        return st.nothing()
    if spec.optional:
        values = st.one_of(st.none(), values)
    return values


def _params_at_limits(
    draw: Any, specs: tuple[ParamSpec, ...], current: dict[str, Any], outside: bool = False
) -> dict[str, Any]:
    params = dict(current)
    for spec in specs:
        if spec.kind == "str" or not draw(st.booleans()):
            continue
        params[spec.name] = draw(value_at_limits(spec, outside))
    return params


def _component(
    draw: Any, table: dict[str, Any], current: dict[str, Any] | None, outside: bool = False
) -> dict[str, Any]:
    if current is not None and draw(st.booleans()):
        name = current["type"]
        params = current.get("params", {})
    else:
        name = draw(st.sampled_from(sorted(table)))
        params = {}
    return {"type": name, "params": _params_at_limits(draw, table[name].params, params, outside)}


@st.composite
def documents_at_limits(draw: Any, presets: tuple[str, ...] = QUICK_PRESETS, outside: bool = False) -> dict[str, Any]:
    """A preset with some of its settings moved to their limits (with `outside`, sometimes past them)."""
    document = copy.deepcopy(preset(draw(st.sampled_from(presets))))
    for node in document["model"]["nodes"]:
        if node["type"] in LAYERS and draw(st.integers(0, 3)) == 0:
            node["params"] = _params_at_limits(draw, LAYERS[node["type"]].params, node.get("params", {}), outside)
    data = document["data"]
    if draw(st.booleans()):
        data["params"] = _params_at_limits(draw, DATASET_TYPES[data["dataset"]].params, data.get("params", {}), outside)
    if draw(st.integers(0, 3)) == 0:
        train = draw(st.sampled_from([0.05, 0.1, 0.5, 0.9, 0.98]))
        val = draw(st.sampled_from([0.0, 0.01, (1 - train) / 2]))
        data["split"] = {"train": train, "val": val, "test": round(1 - train - val, 12)}
    beyond = [INT_MAX + 1, 2**64] if outside else []
    data["seed"] = draw(st.sampled_from([data.get("seed", 0), 0, INT_MAX, *beyond]))
    training = document["training"]
    if draw(st.booleans()):
        training["loss"] = _component(draw, LOSSES, training.get("loss"), outside)
    if draw(st.booleans()):
        training["optimizer"] = _component(draw, OPTIMIZERS, training.get("optimizer"), outside)
    if draw(st.booleans()):
        if draw(st.booleans()):
            training["scheduler"] = None
        else:
            scheduler = _component(draw, SCHEDULERS, training.get("scheduler"), outside)
            scheduler["interval"] = draw(st.sampled_from(["epoch", "step"]))
            scheduler["warmup_steps"] = draw(st.sampled_from([0, 1, 3, INT_MAX]))
            training["scheduler"] = scheduler
    training["epochs"] = draw(st.sampled_from([1, 2, 3, training.get("epochs", 1)]))
    training["batch_size"] = draw(st.sampled_from([1, 2, 7, 64, 1000, "full", INT_MAX, training.get("batch_size", 32)]))
    training["seed"] = draw(st.sampled_from([0, 1, INT_MAX, *beyond]))
    training["device"] = draw(st.sampled_from(["auto", "cpu", "auto", *(["cuda"] if outside else [])]))
    if draw(st.integers(0, 3)) == 0:
        training["l1"] = draw(st.sampled_from([0.0, 1e-300, 1e-3, 10.0, *([1e300] if outside else [])]))
    if draw(st.integers(0, 3)) == 0:
        training["gradient_clipping"] = {
            "mode": draw(st.sampled_from(["norm", "value"])),
            "max_value": draw(st.sampled_from([1e-300, 1e-3, 1.0, 1e30, *([1e300] if outside else [])])),
        }
    monitors = st.sampled_from(["val_loss", "val_accuracy", "val_mae", "val_r2", "train_loss"])
    if draw(st.integers(0, 3)) == 0:
        training["early_stopping"] = {
            "monitor": draw(monitors),
            "patience": draw(st.sampled_from([1, 2, INT_MAX])),
            "min_delta": draw(st.sampled_from([0.0, 1e30])),
        }
    if draw(st.integers(0, 3)) == 0:
        training["keep_best"] = {"monitor": draw(monitors), "restore": draw(st.booleans())}
    return document
