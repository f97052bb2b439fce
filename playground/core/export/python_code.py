"""Export an experiment as one standalone, readable PyTorch file plus its data (`.npz`).

The file holds the model as a plain `nn.Module` class (named layers in graph order, `forward`
written out by the same generator the app compiles, so they cannot drift), the playground's own
module classes it needs (copied from their source), the weight initialisation if the experiment
chose one, and a training script with the experiment's loss, optimizer, schedule, epochs, batch
size, seed, L1 penalty, gradient clipping, early stopping, keep-best and data augmentation. It
imports only torch and numpy, and reproduces the app's run: same initial weights, same batch
order, same augmented batches.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import itertools
import keyword
import math
import os
import re
import shlex
import textwrap
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch
from torch import nn

from playground.core.catalogue import LAYERS, TensorSpec, modules
from playground.core.catalogue.augmentations import active_settings
from playground.core.catalogue.training import EMBEDDING_LOSSES, LOSSES, SCHEDULERS, has_momentum
from playground.core.data import augment as augment_module
from playground.core.data import load_dataset
from playground.core.errors import ExportError, PlaygroundError
from playground.core.experiment.schema import BLOCK_INPUT, Experiment
from playground.core.export.common import (
    ExportResult,
    checked_report,
    prepared_model,
    write_atomically,
)
from playground.core.graph import GraphReport
from playground.core.graph import init as init_module
from playground.core.graph.blocks import BlockExpansion, block_order, expand_blocks
from playground.core.graph.codegen import INPUT_VARIABLE, forward_lines
from playground.core.i18n import _
from playground.core.params import ParamSpec, resolved
from playground.core.safe_files import refuse_foreign_file
from playground.core.training.losses import BatchTripletLoss, FocalLoss, nearest_centroid_predictions
from playground.core.training.optimizers import optimizer_kwargs

LINE_LIMIT = 100
INDENT = "    "
DATA_ARRAYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")
# The model class's name while the file is drafted to see which names it uses; class_name_for never
# gives a name that starts with "_", so the draft's own names cannot hide the real choice.
_PLACEHOLDER_CLASS = "_PlaceholderModelClass"


# ---- escaping: every piece of text that is not ours goes through one of these -------------------


def _is_plain(char: str) -> bool:
    """Safe raw in a string, docstring or comment: printable (no line break, control, surrogate...) or a space."""
    return char.isprintable() or unicodedata.category(char) == "Zs"


def _escape_char(char: str) -> str:
    """The backslash escape that stands for one character in a (non-raw) Python string."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _docstring_text(text: str) -> str:
    """`text` (the user's: a name, a description, a file name) made harmless in a docstring or comment.

    Backslashes are doubled and every unprintable character (newlines, `\\r`, NUL, U+2028, lone
    surrogates, ...) becomes an escape, so the text cannot end a comment, break the file's
    encoding, or form an escape of its own. A double quote is escaped where it could help close
    the docstring: beside another quote or at either end of the text (its neighbour is unknown).
    """
    out = []
    for index, char in enumerate(text):
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            near = index in (0, len(text) - 1) or '"' in (text[index - 1], text[index + 1])
            out.append('\\"' if near else '"')
        else:
            out.append(char if _is_plain(char) else _escape_char(char))
    return "".join(out)


def _string_literal(text: str) -> str:
    """A double-quoted Python string literal whose value is exactly `text`, whatever it holds."""
    body = "".join(
        "\\\\" if char == "\\" else '\\"' if char == '"' else char if _is_plain(char) else _escape_char(char)
        for char in text
    )
    return f'"{body}"'


def _comment(text: str) -> str:
    """A `# ...` comment that stays one comment whatever `text` holds."""
    return "# " + _docstring_text(text)


# ---- the model class's name -------------------------------------------------------------------------


def _names_in(source: str) -> frozenset[str]:
    """Every name `source` binds or reads: variables, functions, classes, arguments and imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names)


@functools.cache
def _fixed_names() -> frozenset[str]:
    """Names no model class may take: keywords, builtins, and every name the generator's pieces use.

    Found by parsing the pieces (copied classes, helper functions, imports, and the training
    script of an experiment with every option on), so a new piece needs no list kept by hand; it
    keeps `class_name_for(name)` (the live code view) and the export's choice the same.
    """
    pieces = [
        _all_imports(),
        _LOAD_DATA,
        _WARMUP,
        _IMPROVED,
        init_source(),
        _focal_loss_source(),
        _triplet_loss_source(),
        augmentation_source(),
        *(inspect.getsource(cls) for cls in _playground_module_classes()),
    ]
    for task in ("classification", "regression"):
        pieces += _training_part(_richest_experiment(), _PLACEHOLDER_CLASS, task, 1, True, True, "data.npz")
    used = set().union(*(_names_in(textwrap.dedent(piece)) for piece in pieces))
    return frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins)) | used


def _playground_module_classes() -> list[type]:
    """Every class whose source an export may copy for a layer (see `catalogue.modules`)."""
    return [cls for _, cls in inspect.getmembers(modules, inspect.isclass) if cls.__module__ == modules.__name__]


def _richest_experiment() -> Experiment:
    """An experiment with every training option on: its script holds every name a script can hold."""
    return Experiment.model_validate(
        {
            "data": {"dataset": "xor", "augmentation": {"jitter": 0.1}},
            "model": {},
            "training": {
                "loss": {"type": "FocalLoss"},
                "optimizer": {"type": "SGD"},
                "scheduler": {"type": "StepLR", "params": {"step_size": 1}, "warmup_steps": 1},
                "l1": 0.1,
                "gradient_clipping": {},
                "early_stopping": {},
                "keep_best": {},
            },
        }
    )


def class_name_for(name: str, taken: Collection[str] = frozenset()) -> str:
    """A CamelCase class name from the experiment's name ("XOR needs a hidden layer" → XORNeedsAHiddenLayer).

    Never a keyword, a builtin, a name of the exported file's pieces, or one of `taken` (the names
    the export at hand uses): then "Model" is appended, and a number after it if need be.
    """
    words = re.findall(r"[A-Za-z0-9]+", name)
    text = "".join(word[:1].upper() + word[1:] for word in words) or "Model"
    if text[0].isdigit():
        text = "Model" + text
    reserved = _fixed_names() | frozenset(taken)
    candidates = itertools.chain([text, text + "Model"], (f"{text}Model{n}" for n in itertools.count(2)))
    return next(candidate for candidate in candidates if candidate not in reserved)


# ---- what a node id must not be ----------------------------------------------------------------------


def names_used_by_generated_code() -> frozenset[str]:
    """Names a node id must not take, read from torch and the layer templates (for the schema).

    An id becomes `self.<id>` and a local name in forward(): as an attribute of nn.Module it is
    hidden by it (`self.eval(x)` calls Module.eval), and as a name forward() reads it hides that
    (`torch = ...` before a Concat's `torch.cat`). Other module-level names of the file are safe.
    """
    module_attributes = set(dir(nn.Module)) | set(vars(nn.Module()))
    return frozenset(module_attributes | _forward_names() | {"self", INPUT_VARIABLE})


def _forward_names() -> set[str]:
    """Every name a layer's forward line uses besides its own output and inputs, for all choices."""
    mine = {"out_", "in_a", "in_b"}
    names: set[str] = set()
    for layer in LAYERS.values():
        for params in _param_variants(layer.params):
            line = layer.forward("out_", ["in_a", "in_b"], "out_", params)
            names |= _names_in(line) - mine
    return names


def _param_variants(specs: Iterable[ParamSpec]) -> list[dict[str, Any]]:
    """The defaults, and the defaults with each choice of each choice parameter."""
    specs = tuple(specs)
    default = resolved(specs, {})
    return [
        default,
        *({**default, spec.name: choice} for spec in specs if spec.kind == "choice" for choice in spec.choices),
    ]


# ---- small rendering helpers ---------------------------------------------------------------------


def py_literal(value: Any) -> str:
    """Python source for a constructor argument (strings in double quotes, tuples kept)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        return _string_literal(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, tuple):
        inner = ", ".join(py_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    return repr(value)


def call_source(owner: str, args: list[str], prefix: str, indent: str) -> list[str]:
    """`prefix owner(args)`, wrapped over lines when it would be longer than LINE_LIMIT."""
    line = f"{indent}{prefix}{owner}({', '.join(args)})"
    if len(line) <= LINE_LIMIT or not args:
        return [line]
    inner = indent + INDENT
    joined = inner + ", ".join(args)
    if len(joined) <= LINE_LIMIT:
        return [f"{indent}{prefix}{owner}(", joined, f"{indent})"]
    return [f"{indent}{prefix}{owner}(", *(f"{inner}{arg}," for arg in args), f"{indent})"]


def kwargs_source(kwargs: Mapping[str, Any]) -> list[str]:
    return [f"{key}={py_literal(value)}" for key, value in kwargs.items()]


def _section(title: str) -> str:
    """A comment line that starts a part of the file."""
    return f"# ---- {title} ".ljust(LINE_LIMIT - 1, "-")


def _wrapped(text: str, width: int, indent: str = "") -> list[str]:
    """`text` wrapped at spaces, each line escaped for a docstring (wrapping first: no escape is cut)."""
    lines = textwrap.wrap(text, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    return [_docstring_text(line) for line in lines] or [""]


def _docstring(text: str, indent: str) -> list[str]:
    """A docstring's lines: one line when it fits, else wrapped with the closing quotes alone."""
    one = f'{indent}"""{_docstring_text(text)}"""'
    if len(one) <= LINE_LIMIT:
        return [one]
    wrapped = _wrapped(text, LINE_LIMIT - len(indent) - 3)
    return [f'{indent}"""{wrapped[0]}', *(indent + line for line in wrapped[1:]), f'{indent}"""']


def _first_paragraph(description: str, width: int = 92) -> list[str]:
    """The description's first paragraph as wrapped lines (not yet escaped)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", description.strip()) if p.strip()]
    if not paragraphs:
        return []
    return textwrap.wrap(" ".join(paragraphs[0].split()), width, break_long_words=False, break_on_hyphens=False)


# ---- the pieces of the file ------------------------------------------------------------------------


def _module_classes(experiment: Experiment, report: GraphReport) -> list[type]:
    """Playground module classes (no torch.nn class of their own) the graph uses, in first-use order."""
    classes: list[type] = []
    experiment = expand_blocks(experiment).experiment
    for node_id in report.order:
        layer = LAYERS[experiment.node(node_id).type]
        if not layer.has_module or layer.torch_class is not None:
            continue
        with torch.device("meta"):
            module = layer.build(report.nodes[node_id].kwargs)
        if type(module) not in classes:
            classes.append(type(module))
    return classes


def model_source_parts(experiment: Experiment, report: GraphReport, class_name: str) -> list[str]:
    """The model half of the export: playground module classes, the init function, the model class.

    The live code view shows exactly these pieces, so what a student reads is what they export.
    """
    parts: list[str] = []
    for index, cls in enumerate(_module_classes(experiment, report)):
        head = _section("A playground layer with no torch.nn class of its own") + "\n\n" if index == 0 else ""
        parts.append(head + inspect.getsource(cls).rstrip() + "\n")
    if experiment.model.init != "default":
        parts.append(init_source())
    expansion = expand_blocks(experiment)
    blocks = BlockClasses(experiment, expansion, report, taken={class_name})
    for index, source in enumerate(blocks.sources()):
        head = _section("The blocks: each one a module of its own, used by the model below") + "\n\n"
        parts.append((head if index == 0 else "") + source)
    parts.append(_section("The model") + "\n\n" + model_class_source(experiment, report, class_name, blocks))
    return parts


def _constructor_owner(experiment: Experiment, report: GraphReport, node_id: str) -> str:
    layer = LAYERS[experiment.node(node_id).type]
    if layer.torch_class is not None:
        return f"nn.{layer.torch_class}"
    with torch.device("meta"):
        return type(layer.build(report.nodes[node_id].kwargs)).__name__


def _render_global(value: Any) -> str:
    """A module-level constant the copied init function uses (a tuple of names or of nn classes)."""
    if isinstance(value, tuple) and value and all(isinstance(v, type) for v in value):
        names = []
        for cls in value:
            name = cls.__name__
            if getattr(nn, name, None) is not cls:
                raise ExportError(f"cannot export the weight initialisation: {cls!r} is not in torch.nn")
            names.append(f"nn.{name}")
        return "(" + ", ".join(names) + ")"
    return py_literal(value)


def init_source() -> str:
    """The app's `apply_init` with the module constants it reads, copied verbatim."""
    function = init_module.apply_init
    lines = []
    for name in function.__code__.co_names:
        if name in ("nn", "torch") or not hasattr(init_module, name):
            continue
        value = getattr(init_module, name)
        if isinstance(value, ModuleType) or callable(value):
            continue
        lines.append(f"{name} = {_render_global(value)}")
    head = _section("Weight initialisation, as the playground applies it")
    return head + "\n\n" + "\n".join(lines) + "\n\n\n" + inspect.getsource(function).rstrip() + "\n"


def _shape_of(report: GraphReport, node_id: str | None) -> TensorSpec:
    """A node's inferred output; exports run on checked reports, where every node in use has one."""
    spec = report.nodes[node_id].output if node_id is not None else None
    if spec is None:
        raise ExportError(f"cannot export: node {node_id!r} has no inferred shape")
    return spec


def _layer_lines(
    experiment: Experiment,
    report: GraphReport,
    node_id: str,
    attribute: str,
    body: str,
    arguments: Mapping[str, str] | None = None,
) -> list[str]:
    """The comment and constructor call of one layer: ``self.<attribute> = nn.X(...)``; `arguments`
    names the constructor's own parameters that replace a literal (a block's varying sizes)."""
    node = report.nodes[node_id]
    in_shape = _shape_of(report, report.input_id).text()
    source = ", ".join(spec.text() for spec in node.inputs) or in_shape
    plural = "" if node.params == 1 else "s"
    output = _shape_of(report, node_id).text()
    lines = [body + _comment(f"{attribute}: {source} -> {output}, {node.params:,} parameter{plural}")]
    owner = _constructor_owner(experiment, report, node_id)
    given = arguments or {}
    args = [f"{key}={given[key]}" if key in given else f"{key}={py_literal(v)}" for key, v in node.kwargs.items()]
    lines.extend(call_source(owner, args, f"self.{attribute} = ", body))
    return lines


def _forward_body(lines: list[str], code: list[str], shapes: list[str], body: str) -> None:
    """Forward lines, each with its output shape as a comment, aligned."""
    width = max((len(line) for line in code[:-1]), default=0)
    width = min(width, LINE_LIMIT - len(body) - 20)
    for line, shape in zip(code, shapes):
        lines.append(f"{body}{line.ljust(width)}  {_comment(shape)}")
    lines.append(f"{body}{code[-1]}")


def model_class_source(
    experiment: Experiment, report: GraphReport, class_name: str, blocks: BlockClasses | None = None
) -> str:
    """The readable `nn.Module` class: named layers in graph order and `forward` written out."""
    blocks = blocks or BlockClasses(experiment, expand_blocks(experiment), report, taken={class_name})
    flat = blocks.expansion.experiment
    in_shape = _shape_of(report, report.input_id).text()
    out_shape = _shape_of(report, report.output_id).text()
    summary = (
        f"{experiment.name}: input {in_shape} -> output {out_shape}, {report.total_params:,} trainable parameters."
    )
    lines = [f"class {class_name}(nn.Module):"]
    lines.append(f'{INDENT}"""' + "\n".join(_wrapped(summary, LINE_LIMIT - 8, INDENT)))
    lines.append("")
    lines.append(f"{INDENT}Each layer is named after its node in the playground; forward() runs them in")
    lines.append(f"{INDENT}graph order. Shapes are written with N for the batch size.")
    lines.append(f'{INDENT}"""')
    lines.append("")
    lines.append(f"{INDENT}def __init__(self):")
    body = INDENT * 2
    lines.append(f"{body}super().__init__()")
    steps = blocks.top_steps()
    for node_id in steps:
        if node_id in blocks.expansion.members:
            lines.extend(blocks.instance_lines(node_id, body))
        elif LAYERS[flat.node(node_id).type].has_module:
            lines.extend(_layer_lines(flat, report, node_id, node_id, body))
    if experiment.model.init != "default":
        lines.append(f"{body}# the experiment's weight initialisation (applied after the layers are made)")
        lines.append(f"{body}apply_init(self, {py_literal(experiment.model.init)})")
    lines.append("")
    lines.append(f"{INDENT}def forward(self, {INPUT_VARIABLE}):")
    lines.append(body + _comment(f"{INPUT_VARIABLE}: {in_shape}"))
    code, shapes = blocks.top_forward(steps)
    _forward_body(lines, code, shapes, body)
    return "\n".join(lines) + "\n"


class BlockClasses:
    """The exported classes of a graph's blocks: one `nn.Module` per block, whose constructor
    takes the sizes that differ between its uses (a block's first copy may read 1 channel, the
    next 16), and the lines that make and call each instance in the model class."""

    def __init__(self, experiment: Experiment, expansion: BlockExpansion, report: GraphReport, taken: set[str]):
        self.experiment = experiment
        self.expansion = expansion
        self.report = report
        self.names: dict[str, str] = {}  # block -> class name
        self.varying: dict[str, dict[str, list[str]]] = {}  # block -> layer -> constructor arguments that vary
        self.copies = {instance: self._copies_of(instance) for instance in self._instances()}
        used = list(dict.fromkeys(self._block(i) for i in self._instances()))
        for block in used:
            self.names[block] = class_name_for(f"{block} block", taken | set(self.names.values()))
            self.varying[block] = self._varying(block)

    def _instances(self) -> list[str]:
        return [node_id for node_id in self.expansion.top_order if node_id in self.expansion.members]

    def _block(self, instance: str) -> str:
        return str(self.experiment.node(instance).params["block"])

    def _copies_of(self, instance: str) -> list[dict[str, str]]:
        """Per copy: layer id -> flat id."""
        copies: dict[int, dict[str, str]] = {}
        for flat_id in self.expansion.members[instance]:
            where = self.expansion.origin[flat_id]
            copies.setdefault(where.copy, {})[where.inner] = flat_id
        return [copies[index] for index in sorted(copies)]

    def _varying(self, block: str) -> dict[str, list[str]]:
        seen: dict[str, dict[str, set[str]]] = {}
        for instance in self._instances():
            if self._block(instance) != block:
                continue
            for copy in self.copies[instance]:
                for inner, flat_id in copy.items():
                    for key, value in self.report.nodes[flat_id].kwargs.items():
                        seen.setdefault(inner, {}).setdefault(key, set()).add(py_literal(value))
        return {inner: [k for k, values in keys.items() if len(values) > 1] for inner, keys in seen.items()}

    def sources(self) -> list[str]:
        return [self._class_source(block) for block in self.names]

    def _class_source(self, block: str) -> str:
        spec = self.experiment.model.blocks[block]
        flat = self.expansion.experiment
        instance = next(i for i in self._instances() if self._block(i) == block)
        first = self.copies[instance][0]
        arguments = [f"{inner}_{key}" for inner in block_order(spec) for key in self.varying[block].get(inner, [])]
        lines = [f"class {self.names[block]}(nn.Module):"]
        text = spec.description or f"The block '{block}' of the playground graph, as one module."
        lines.extend(_docstring(text, INDENT))
        lines.append("")
        lines.append(f"{INDENT}def __init__(self{''.join(', ' + a for a in arguments)}):")
        body = INDENT * 2
        lines.append(f"{body}super().__init__()")
        for inner in block_order(spec):
            flat_id = first[inner]
            if not LAYERS[flat.node(flat_id).type].has_module:
                continue
            given = {key: f"{inner}_{key}" for key in self.varying[block].get(inner, [])}
            lines.extend(_layer_lines(flat, self.report, flat_id, inner, body, given))
        lines.append("")
        lines.append(f"{INDENT}def forward(self, {INPUT_VARIABLE}):")
        incoming: dict[str, list[str]] = {}
        for source, target in spec.edges:
            incoming.setdefault(target, []).append(INPUT_VARIABLE if source == BLOCK_INPUT else source)
        code: list[str] = []
        shapes: list[str] = []
        for inner in block_order(spec):
            node = next(n for n in spec.nodes if n.id == inner)
            layer = LAYERS[node.type]
            code.append(layer.forward(inner, incoming.get(inner, []), inner, resolved(layer.params, node.params)))
            shapes.append(_shape_of(self.report, first[inner]).text())
        code.append(f"return {spec.output}")
        _forward_body(lines, code, shapes, body)
        return "\n".join(lines) + "\n"

    def instance_lines(self, instance: str, body: str) -> list[str]:
        block = self._block(instance)
        card = self.report.blocks[instance]
        plural = "" if card.params == 1 else "s"
        copies = self.copies[instance]
        count = f" x{len(copies)}" if len(copies) > 1 else ""
        output = card.output.text() if card.output is not None else "?"
        source = ", ".join(spec.text() for spec in card.inputs)
        lines = [
            body
            + _comment(f"{instance}: block {block}{count}: {source} -> {output}, {card.params:,} parameter{plural}")
        ]
        calls = []
        for copy in copies:
            args = [
                f"{inner}_{key}={py_literal(self.report.nodes[copy[inner]].kwargs[key])}"
                for inner in block_order(self.experiment.model.blocks[block])
                for key in self.varying[block].get(inner, [])
            ]
            calls.append(f"{self.names[block]}({', '.join(args)})")
        if len(calls) == 1:
            lines.append(f"{body}self.{instance} = {calls[0]}")
        else:
            lines.append(f"{body}self.{instance} = nn.Sequential(")
            lines.extend(f"{body}{INDENT}{call}," for call in calls)
            lines.append(f"{body})")
        return lines

    def top_steps(self) -> list[str]:
        """The unexpanded graph's nodes that take part, in the order the model runs them."""
        if self.expansion.trivial:
            return list(self.report.order)
        taking_part = set(self.report.order)
        return [
            node_id
            for node_id in self.expansion.top_order
            if node_id in taking_part or node_id in self.expansion.members
        ]

    def top_forward(self, steps: list[str]) -> tuple[list[str], list[str]]:
        """The model's forward lines over `steps` (instances called as one) and their shapes."""
        if self.expansion.trivial:
            code = forward_lines(self.experiment, self.report)
            runs = [node_id for node_id in self.report.order if node_id != self.report.input_id]
            return code, [_shape_of(self.report, node_id).text() for node_id in runs]
        incoming: dict[str, list[str]] = {}
        for source, target in self.experiment.model.edges:
            incoming.setdefault(target, []).append(source)
        names = {self.report.input_id: INPUT_VARIABLE}
        code, shapes = [], []
        for node_id in steps:
            if node_id == self.report.input_id:
                continue
            ins = [str(names[source]) for source in incoming.get(node_id, [])]
            names[node_id] = node_id
            if node_id in self.expansion.members:
                code.append(f"{node_id} = self.{node_id}({ins[0]})")
                output = self.report.blocks[node_id].output
                shapes.append(output.text() if output is not None else "?")
                continue
            node = self.experiment.node(node_id)
            layer = LAYERS[node.type]
            code.append(layer.forward(node_id, ins, node_id, resolved(layer.params, node.params)))
            shapes.append(_shape_of(self.report, node_id).text())
        code.append(f"return {names[self.report.output_id]}")
        return code, shapes

    def script_key(self, key: str) -> str:
        """The exported class's name for a state-dict key of the app's flat model."""
        module, _, rest = key.partition(".")
        where = self.expansion.origin.get(module)
        if where is None:
            return key
        repeat = len(self.copies[where.instance])
        prefix = where.instance if repeat == 1 else f"{where.instance}.{where.copy - 1}"
        return f"{prefix}.{where.inner}.{rest}"


def _focal_loss_source() -> str:
    """The engine's FocalLoss class, copied verbatim so the export trains with the same loss."""
    return inspect.getsource(FocalLoss)


def _triplet_loss_source() -> str:
    """The engine's triplet loss and its nearest-centroid accuracy, copied verbatim: the script
    draws the same triplets and measures the embedding as the app does."""
    pieces = (BatchTripletLoss, nearest_centroid_predictions)
    return "\n\n".join(inspect.getsource(piece).rstrip() + "\n" for piece in pieces)


def loss_source(experiment: Experiment, outputs: int) -> str:
    """`make_loss(device)`: the experiment's loss, with the target conversions it needs."""
    spec = experiment.training.loss
    kwargs = {k: v for k, v in resolved(LOSSES[spec.type].params, spec.params).items() if v is not None}
    args = []
    for key, value in kwargs.items():
        if key in ("weight", "pos_weight"):
            values = value if isinstance(value, list) else [value]
            args.append(f"{key}=torch.tensor({py_literal([float(v) for v in values])}, device=device)")
        else:
            args.append(f"{key}={py_literal(value)}")
    owner = {"FocalLoss": "FocalLoss", "TripletMarginLoss": "BatchTripletLoss"}.get(spec.type, f"nn.{spec.type}")
    help_line = LOSSES[spec.type].help
    lines = ["def make_loss(device):", *_docstring(f"{spec.type}: {help_line}", INDENT)]
    lines.extend(call_source(owner, args, "criterion = ", INDENT))
    if spec.type == "BCEWithLogitsLoss":
        lines.append("")
        lines.append(f"{INDENT}def loss(outputs, targets):")
        if outputs == 1:
            lines.append(f"{INDENT * 2}# one output per sample: the class index (0 or 1) becomes a float target")
            lines.append(f"{INDENT * 2}return criterion(outputs, targets.reshape(outputs.shape).to(outputs.dtype))")
        else:
            lines.append(f"{INDENT * 2}# one output per class: the class index becomes a one-hot row")
            lines.append(
                f"{INDENT * 2}return criterion(outputs, F.one_hot(targets, outputs.shape[1]).to(outputs.dtype))"
            )
        lines.append("")
        lines.append(f"{INDENT}return loss")
    elif spec.type == "KLDivLoss":
        lines.append("")
        lines.append(f"{INDENT}def loss(outputs, targets):")
        lines.append(f"{INDENT * 2}# compare the predicted distribution (log-probabilities) with one-hot targets")
        lines.append(f"{INDENT * 2}log_probs = F.log_softmax(outputs, dim=-1)")
        lines.append(
            f"{INDENT * 2}return criterion(log_probs, F.one_hot(targets, outputs.shape[-1]).to(outputs.dtype))"
        )
        lines.append("")
        lines.append(f"{INDENT}return loss")
    else:
        lines.append(f"{INDENT}return criterion")
    return "\n".join(lines) + "\n"


def optimizer_source(experiment: Experiment) -> str:
    spec = experiment.training.optimizer
    kwargs = optimizer_kwargs(spec.type, spec.params)
    lines = ["def make_optimizer(model):", f'{INDENT}"""The experiment\'s optimizer over all trainable parameters."""']
    lines.extend(
        call_source(f"torch.optim.{spec.type}", ["model.parameters()", *kwargs_source(kwargs)], "return ", INDENT)
    )
    return "\n".join(lines) + "\n"


def scheduler_source(experiment: Experiment) -> str | None:
    spec = experiment.training.scheduler
    if spec is None:
        return None
    kwargs = resolved(SCHEDULERS[spec.type].params, spec.params)
    args = ["optimizer", *kwargs_source(kwargs)]
    if spec.type == "OneCycleLR":
        total = "epochs * steps_per_epoch" if spec.interval == "step" else "epochs"
        args.append(f"total_steps=max(1, {total})")
        if not has_momentum(experiment.training.optimizer.type):
            args.append("cycle_momentum=False")  # this optimizer has no momentum to cycle
    when = (
        "once per epoch on the validation metric"
        if spec.type == "ReduceLROnPlateau"
        else "after every optimizer step"
        if spec.interval == "step"
        else "after every epoch"
    )
    lines = [
        "def make_scheduler(optimizer, steps_per_epoch, epochs):",
        *_docstring(f"{spec.type}, stepped {when}. {SCHEDULERS[spec.type].help}", INDENT),
    ]
    lines.extend(call_source(f"torch.optim.lr_scheduler.{spec.type}", args, "return ", INDENT))
    return "\n".join(lines) + "\n"


def evaluate_source(task: str, outputs: int, embedding: bool = False) -> str:
    if task == "classification":
        predicted = (
            "nearest_centroid_predictions(outputs, y)  # an embedding: the nearest class centroid of the others"
            if embedding
            else "(outputs.reshape(-1) > 0).long()  # one output: its sign decides the class"
            if outputs == 1
            else "outputs.argmax(dim=1)"
        )
        metrics = [
            f"{INDENT}predicted = {predicted}",
            f'{INDENT}return {{"loss": loss_fn(outputs, y).item(), "accuracy": (predicted == y).float().mean().item()}}',
        ]
        what = "Loss and accuracy"
    else:
        metrics = [
            f"{INDENT}error = outputs - y",
            f"{INDENT}explained = 1 - (error**2).sum(dim=0) / ((y - y.mean(dim=0)) ** 2).sum(dim=0).clamp_min(1e-12)",
            f"{INDENT}return {{",
            f'{INDENT * 2}"loss": loss_fn(outputs, y).item(),',
            f'{INDENT * 2}"mae": error.abs().mean().item(),  # mean absolute error',
            f'{INDENT * 2}"r2": explained.mean().item(),  # share of the variance explained',
            f"{INDENT}}}",
        ]
        what = "Loss, mean absolute error and R²"
    lines = [
        "@torch.no_grad()",
        "def evaluate(model, loss_fn, x, y, chunk=4096):",
        f'{INDENT}"""{what} on one split, in eval mode (no dropout; BatchNorm uses its running averages)."""',
        f"{INDENT}model.eval()",
        f"{INDENT}outputs = torch.cat([model(x[i : i + chunk]) for i in range(0, len(x), chunk)])",
        *metrics,
    ]
    return "\n".join(lines) + "\n"


def _augmentation(experiment: Experiment) -> dict[str, Any]:
    """The augmentations the experiment switches on, by field (empty: none)."""
    augmentation = experiment.data.augmentation
    return active_settings(augmentation.model_dump()) if augmentation is not None else {}


def augmentation_source() -> str:
    """The engine's batch augmentation, copied verbatim: the script augments as the app does."""
    functions = (augment_module.augment_seed, augment_module.shift_and_rotate, augment_module.augment_batch)
    head = _section("Data augmentation of the training batches, as the playground applies it")
    return head + "\n\n" + "\n\n".join(inspect.getsource(function).rstrip() + "\n" for function in functions)


_LOAD_DATA = '''def load_data(path, device):
    """The playground's train/validation/test split, already standardised with train statistics."""
    with np.load(path) as arrays:
        return {name: torch.from_numpy(arrays[name]).to(device) for name in arrays.files}
'''

_WARMUP = '''def warmup_factor(step):
    """Linear warmup: optimizer step t (from 0) uses (t + 1) / (WARMUP_STEPS + 1) of the learning rate."""
    return (step + 1) / (WARMUP_STEPS + 1) if step < WARMUP_STEPS else 1.0
'''

_IMPROVED = '''def improved(value, best, maximise, min_delta=0.0):
    """True when `value` beats `best` by more than min_delta (higher or lower is better)."""
    if not math.isfinite(value):
        return False
    if best is None:
        return True
    return value > best + min_delta if maximise else value < best - min_delta
'''


def _metric_text(task: str, prefix: str, variable: str) -> str:
    if task == "classification":
        return f"{prefix} loss {{{variable}['loss']:.4f}}  {prefix} accuracy {{{variable}['accuracy']:.1%}}"
    return f"{prefix} loss {{{variable}['loss']:.4f}}  {prefix} MAE {{{variable}['mae']:.4f}}"


def _device_default(device: str) -> str:
    """The script's default device, as the experiment's "device" setting picks it in the app."""
    if device == "auto":
        return '"cuda" if torch.cuda.is_available() else "cpu"'
    return repr(device).replace("'", '"')


DISTRIBUTED = '''def start_distributed(device_name):
    """Under torchrun (WORLD_SIZE > 1) join the other processes: gloo on the CPU, nccl on GPUs, one
    GPU per process. Returns (rank, world size, device); one process alone trains as before."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return 0, 1, torch.device(device_name)
    cuda = device_name.startswith("cuda") and torch.cuda.is_available()
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if cuda:
        torch.cuda.set_device(local)
    dist.init_process_group("nccl" if cuda else "gloo")
    return dist.get_rank(), world, torch.device("cuda", local) if cuda else torch.device("cpu")


def summed_over_processes(values, world, device):
    """`values` (numbers) summed over every process: how metrics are reduced across ranks."""
    if world == 1:
        return values
    total = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(total)
    return total.tolist()


def my_share(inputs, targets, rank, world):
    """This process's part of a batch, as a DistributedSampler deals it (every world-th sample from the
    rank on, padded to equal parts), so that the processes together take the batch one process
    would and DistributedDataParallel averages their gradients. A batch smaller than the number
    of processes is taken whole by each."""
    if world == 1 or len(targets) < world:
        return inputs, targets
    share = list(DistributedSampler(range(len(targets)), num_replicas=world, rank=rank, shuffle=False))
    return inputs[share], targets[share]


'''


PICK_THREADS = '''def pick_threads(model):
    """One CPU thread for a small model (splitting its tiny steps over threads only slows them
    down), else torch's default: the rule the playground trains with."""
    convolutions = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
    if any(isinstance(module, convolutions) for module in model.modules()):
        return torch.get_num_threads()
    if sum(p.numel() for p in model.parameters()) > 1_000_000:
        return torch.get_num_threads()
    return 1
'''


def main_source(
    experiment: Experiment, class_name: str, task: str, has_val: bool, has_test: bool, starts_from_file: bool = False
) -> str:
    """`main()`: argument parsing, the training loop and the final test evaluation (`starts_from_file`:
    the model starts from the START_FILE weights, as an imported model does in the app)."""
    training = experiment.training
    scheduler = training.scheduler
    plateau = scheduler is not None and scheduler.type == "ReduceLROnPlateau"
    i1, i2, i3, i4 = INDENT, INDENT * 2, INDENT * 3, INDENT * 4
    maximised = {"val_accuracy", "val_r2"}
    keep_best = training.keep_best if training.keep_best is not None and training.keep_best.restore else None
    monitored = training.early_stopping is not None or keep_best is not None
    lines = [
        "def main():",
        f"{i1}parser = argparse.ArgumentParser(",
        f'{i2}description="Train {class_name}, exported from Neural Network Playground."',
        f"{i1})",
        f'{i1}parser.add_argument("--epochs", type=int, default=EPOCHS, help="number of epochs (default: %(default)s)")',
        f'{i1}parser.add_argument("--data", type=Path, default=Path(__file__).with_name(DATA_FILE),',
        f'{i1}                    help="the .npz file with x_train, y_train, x_val, y_val, x_test, y_test")',
        (
            f'{i1}parser.add_argument("--weights", type=Path, default=Path(__file__).with_name(START_FILE),\n'
            f'{i1}                    help="start from these weights (default: the playground\'s starting weights)")'
            if starts_from_file
            else f'{i1}parser.add_argument("--weights", type=Path, help="start from these weights (a file written by --save)")'
        ),
        f'{i1}parser.add_argument("--save", type=Path, help="save the trained weights to this file")',
        f'{i1}parser.add_argument("--device", default={_device_default(training.device)},',
        f'{i1}                    help="cpu or cuda (default: %(default)s, as the experiment asks)")',
        f'{i1}parser.add_argument("--threads", type=int, help="CPU threads (default: 1 for a small model, '
        f"else torch's default)\")",
        f"{i1}args = parser.parse_args()",
        f"{i1}rank, world, device = start_distributed(args.device)  # one process, or one of torchrun's",
        f"{i1}if rank != 0:",
        f'{i2}sys.stdout = open(os.devnull, "w")  # the first process reports for all of them',
        "",
        f"{i1}data = load_data(args.data, device)",
        f'{i1}x_train, y_train = data["x_train"], data["y_train"]',
        "",
        f"{i1}torch.manual_seed(SEED)  # the same initial weights and dropout masks as in the playground",
        f"{i1}model = {class_name}().to(device)",
        f"{i1}if args.weights is not None:",
        f"{i2}model.load_state_dict(torch.load(args.weights, map_location=device, weights_only=True))",
        f"{i1}print(model)",
        f'{i1}print(f"{{sum(p.numel() for p in model.parameters() if p.requires_grad):,}} trainable parameters")',
        f'{i1}if device.type == "cpu":',
        f"{i2}threads = args.threads or pick_threads(model)",
        f"{i2}torch.set_num_threads(threads)",
        f"{i2}print(f\"training with {{threads}} CPU thread{{'s' if threads != 1 else ''}}\")",
        "",
        f"{i1}net = model  # what the training steps call: the model, or its DDP wrapper",
        f"{i1}if world > 1:",
        f'{i2}if device.type == "cuda":',
        f"{i3}net = nn.SyncBatchNorm.convert_sync_batchnorm(model)  # batch statistics over every GPU",
        f'{i2}net = DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None)',
        f'{i2}print(f"training on {{world}} processes ({{dist.get_backend()}}), each on its share of every batch")',
        f"{i1}loss_fn = make_loss(device)",
        f"{i1}optimizer = make_optimizer(model)",
        f"{i1}n = len(x_train)",
        f"{i1}batch_size = n if BATCH_SIZE is None else min(BATCH_SIZE, n)",
    ]
    warmup = scheduler is not None and scheduler.warmup_steps > 0
    if scheduler is not None:
        lines.append(f"{i1}steps_per_epoch = math.ceil(n / batch_size)")
        lines.append(f"{i1}scheduler = make_scheduler(optimizer, steps_per_epoch, args.epochs)")
    if training.l1:
        lines.append(
            f"{i1}weights = [p for p in model.parameters() if p.requires_grad and p.dim() > 1]  # L1 penalises these"
        )
    lines.append(f"{i1}shuffle = torch.Generator().manual_seed(SEED)  # the order of the batches, as in the playground")
    augmented = bool(_augmentation(experiment))
    if augmented:
        lines.append(f"{i1}augmenter = torch.Generator(device=device)  # the random changes of the training batches")
    if warmup:
        lines.append(f"{i1}step = 0  # optimizer steps so far")
    if keep_best is not None:
        lines.append(f"{i1}best_value, best_epoch, best_weights = None, None, None  # keep the best epoch's weights")
    if training.early_stopping is not None:
        lines.append(f"{i1}stop_best, epochs_without_improvement = None, 0  # early stopping")
    lines.append(f"{i1}last_epoch = 0")
    lines += [
        "",
        f"{i1}for epoch in range(1, args.epochs + 1):",
        f"{i2}model.train()",
        f"{i2}if batch_size < n:",
        f"{i3}order = torch.randperm(n, generator=shuffle).to(device)  # a new shuffle every epoch",
        f"{i2}else:",
        f"{i3}order = torch.arange(n, device=device)  # full batch: the whole training set at once",
        f"{i2}loss_sum, seen = 0.0, 0",
    ]
    if augmented:
        lines += [
            f"{i2}for index, start in enumerate(range(0, n, batch_size)):",
            f"{i3}batch = order[start : start + batch_size]",
            f"{i3}inputs, targets = x_train[batch], y_train[batch]",
            f"{i3}# data augmentation: a changed copy of the batch, drawn from (seed, epoch, batch)",
            f"{i3}augmenter.manual_seed(augment_seed(SEED, epoch, index))",
            f"{i3}inputs = augment_batch(inputs, augmenter, **AUGMENTATION)",
            f"{i3}inputs, targets = my_share(inputs, targets, rank, world)",
        ]
    else:
        lines += [
            f"{i2}for start in range(0, n, batch_size):",
            f"{i3}batch = order[start : start + batch_size]",
            f"{i3}inputs, targets = my_share(x_train[batch], y_train[batch], rank, world)",
        ]
    lines += [
        f"{i3}optimizer.zero_grad()",
        f"{i3}loss = loss_fn(net(inputs), targets)",
    ]
    if training.l1:
        lines.append(f"{i3}total = loss + L1 * sum(w.abs().sum() for w in weights)  # L1 regularisation")
    else:
        lines.append(f"{i3}total = loss")
    lines += [
        f"{i3}diverged = not math.isfinite(total.item())",
        f"{i3}if world > 1:  # every process stops together",
        f"{i4}diverged = summed_over_processes([float(diverged)], world, device)[0] > 0",
        f"{i3}if diverged:",
        f'{i4}print(f"The loss became NaN/inf at epoch {{epoch}}: the learning rate is probably too high.")',
        f"{i4}return",
        f"{i3}total.backward()",
    ]
    clipping = training.gradient_clipping
    if clipping is not None:
        if clipping.mode == "norm":
            lines.append(f"{i3}# gradient clipping: scale all gradients down when their total norm is too large")
            lines.append(
                f"{i3}torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm={py_literal(clipping.max_value)})"
            )
        else:
            lines.append(f"{i3}# gradient clipping: cut every gradient value to the range ±{clipping.max_value:g}")
            lines.append(
                f"{i3}torch.nn.utils.clip_grad_value_(model.parameters(), clip_value={py_literal(clipping.max_value)})"
            )
    if warmup:
        lines += [
            f"{i3}# linear warmup: this step uses a share of the learning rate, restored right after",
            f'{i3}planned = [group["lr"] for group in optimizer.param_groups]',
            f"{i3}for group in optimizer.param_groups:",
            f'{i4}group["lr"] *= warmup_factor(step)',
            f"{i3}optimizer.step()",
            f"{i3}for group, lr in zip(optimizer.param_groups, planned):",
            f'{i4}group["lr"] = lr',
        ]
        lines.append(f"{i3}step += 1")
    else:
        lines.append(f"{i3}optimizer.step()")
    if scheduler is not None and scheduler.interval == "step" and not plateau:
        lines.append(f"{i3}scheduler.step()")
    lines += [
        f"{i3}if world == 1 or len(batch) >= world or rank == 0:  # a batch every process took counts once",
        f"{i4}loss_sum, seen = loss_sum + loss.item() * len(targets), seen + len(targets)",
        f"{i2}loss_sum, seen = summed_over_processes([loss_sum, seen], world, device)",
        f"{i2}train_loss = loss_sum / seen",
        f"{i2}last_epoch = epoch",
    ]
    if has_val:
        lines.append(f'{i2}val = evaluate(model, loss_fn, data["x_val"], data["y_val"])')
        lines.append(f'{i2}print(f"epoch {{epoch:3d}}  train loss {{train_loss:.4f}}  "')
        lines.append(f'{i2}      f"{_metric_text(task, "val", "val")}")')
    else:
        lines.append(f'{i2}print(f"epoch {{epoch:3d}}  train loss {{train_loss:.4f}}")')
    if scheduler is not None:
        if plateau:
            mode = resolved(SCHEDULERS["ReduceLROnPlateau"].params, scheduler.params)["mode"]
            if not has_val:
                metric = "train_loss"
            elif mode == "max":
                metric = 'val["accuracy"]' if task == "classification" else 'val["r2"]'
            else:
                metric = 'val["loss"]'
            lines.append(f"{i2}scheduler.step({metric})  # lower the learning rate when this stops improving")
        elif scheduler.interval == "epoch":
            lines.append(f"{i2}scheduler.step()")
    if monitored:
        if has_val:
            lines.append(
                f'{i2}metrics = {{"train_loss": train_loss, **{{"val_" + key: value for key, value in val.items()}}}}'
            )
        else:
            lines.append(f'{i2}metrics = {{"train_loss": train_loss}}')
    if keep_best is not None:
        monitor = keep_best.monitor
        lines += [
            f"{i2}# remember the weights of the best epoch so far (by {monitor})",
            f'{i2}if improved(metrics["{monitor}"], best_value, maximise={monitor in maximised}):',
            f'{i3}best_value, best_epoch = metrics["{monitor}"], epoch',
            f"{i3}best_weights = copy.deepcopy(model.state_dict())",
        ]
    if training.early_stopping is not None:
        stop = training.early_stopping
        lines += [
            f"{i2}# early stopping: give up when {stop.monitor} has not improved for PATIENCE epochs",
            f'{i2}if improved(metrics["{stop.monitor}"], stop_best, maximise={stop.monitor in maximised}, '
            f"min_delta=MIN_DELTA):",
            f'{i3}stop_best, epochs_without_improvement = metrics["{stop.monitor}"], 0',
            f"{i2}else:",
            f"{i3}epochs_without_improvement += 1",
            f"{i2}if epochs_without_improvement >= PATIENCE:",
            f'{i3}print(f"early stopping: {stop.monitor} has not improved for {{PATIENCE}} epochs")',
            f"{i3}break",
        ]
    lines.append("")
    if keep_best is not None:
        monitor = keep_best.monitor
        lines += [
            f"{i1}if best_weights is not None and best_epoch != last_epoch:",
            f"{i2}model.load_state_dict(best_weights)",
            f'{i2}print(f"restored the best weights (epoch {{best_epoch}}, {monitor} {{best_value:.4f}})")',
        ]
    if has_test:
        lines.append(f'{i1}test = evaluate(model, loss_fn, data["x_test"], data["y_test"])')
        lines.append(f'{i1}print(f"{_metric_text(task, "test", "test")}")')
    lines += [
        f"{i1}if args.save is not None and rank == 0:  # one file, written by the first process",
        f"{i2}torch.save({{k: v.cpu() for k, v in model.state_dict().items()}}, args.save)  # loads anywhere",
        f'{i2}print(f"saved the weights to {{args.save}}")',
    ]
    return "\n".join(lines) + "\n"


def _header(experiment: Experiment, file_name: str, data_name: str, weights_name: str | None) -> str:
    """The module docstring; every line is escaped, as names and file names may hold anything."""
    training = experiment.training
    title = experiment.name or "Untitled experiment"
    lines = [f"{title}: a PyTorch model and its training script, exported from Neural Network Playground."]
    about = _first_paragraph(experiment.description)
    if about:
        lines += ["", *about]
    run = f"python {shlex.quote(file_name)}"
    lines += [
        "",
        "Run it with plain PyTorch and NumPy (the playground is not needed):",
        "",
        f"    {run}              # train for {training.epochs} epochs, as in the experiment",
        f"    {run} --epochs 5   # choose the number of epochs",
        f"    {run} --help       # all options",
        f"    torchrun --nproc_per_node=2 {shlex.quote(file_name)}   # the same training shared by 2 processes (DDP);",
        "        # across machines, torchrun's --nnodes, --node_rank and --rdzv_endpoint; GPUs: one per process",
    ]
    if weights_name:
        lines.append(f"    {run} --weights {shlex.quote(weights_name)} --epochs 0   # test the trained weights")
    about_data = (
        f"The data comes from {data_name} beside this file: the playground's train/validation/test split "
        f'of the "{experiment.data.dataset}" dataset, already standardised with statistics of the '
        f"training part only. The seed gives the same initial weights and batch order as in the app, so "
        f"the losses printed here match the app's."
    )
    if _augmentation(experiment):
        about_data += (
            " The training batches are augmented as in the app (the same random changes, drawn from the "
            "seed, the epoch and the batch); the validation and test data never are."
        )
    lines += ["", *textwrap.wrap(about_data, 92, break_long_words=False, break_on_hyphens=False)]
    escaped = [_docstring_text(line) for line in lines]
    return '"""' + "\n".join(escaped) + '\n"""\n'


# The imports a file may need besides Path, numpy, torch and nn: the name each binds → its line.
_OPTIONAL_IMPORTS = {
    "argparse": "import argparse",
    "copy": "import copy",
    "math": "import math",
    "os": "import os",
    "sys": "import sys",
    "dist": "import torch.distributed as dist",
    "F": "import torch.nn.functional as F",
    "DistributedDataParallel": "from torch.nn.parallel import DistributedDataParallel",
    "DistributedSampler": "from torch.utils.data import DistributedSampler",
}


def _import_block(wanted: Collection[str]) -> str:
    lines = [_OPTIONAL_IMPORTS[name] for name in ("argparse", "copy", "math", "os", "sys") if name in wanted]
    lines += ["from pathlib import Path", "", "import numpy as np", "import torch"]
    lines += [_OPTIONAL_IMPORTS[name] for name in ("dist", "F") if name in wanted]
    lines.append("from torch import nn")
    lines += [_OPTIONAL_IMPORTS[name] for name in ("DistributedDataParallel", "DistributedSampler") if name in wanted]
    return "\n".join(lines) + "\n"


def _imports(body: str) -> str:
    """The imports `body` reads; it is parsed, so a word in a docstring or comment imports nothing."""
    read = {node.id for node in ast.walk(ast.parse(body)) if isinstance(node, ast.Name)}
    return _import_block(read & set(_OPTIONAL_IMPORTS))


def _all_imports() -> str:
    return _import_block(set(_OPTIONAL_IMPORTS))


def _starts_from_weights(experiment: Experiment) -> bool:
    """The experiment's model starts from a weights file (an imported model): so does the script."""
    return experiment.model.weights is not None


def _settings(experiment: Experiment, data_name: str, start_name: str | None = None) -> str:
    training = experiment.training
    batch = training.batch_size
    lines = [
        _section("Training, with the experiment's settings"),
        "",
        f"DATA_FILE = {py_literal(data_name)}  # the data, written beside this file by the playground",
        *(
            [f"START_FILE = {py_literal(start_name)}  # the starting weights, as in the playground"]
            if start_name
            else []
        ),
        f"EPOCHS = {training.epochs}",
        f"BATCH_SIZE = {'None  # the whole training set in every step (full batch)' if batch == 'full' else batch}",
        f"SEED = {training.seed}",
    ]
    if training.l1:
        lines.append(f"L1 = {py_literal(training.l1)}  # strength of the L1 penalty on the weights")
    augmentation = _augmentation(experiment)
    if augmentation:
        values = ", ".join(f"{_string_literal(name)}: {py_literal(value)}" for name, value in augmentation.items())
        lines.append("# random changes of every training batch (never of the validation or test data)")
        lines.append(f"AUGMENTATION = {{{values}}}")
    if training.scheduler is not None and training.scheduler.warmup_steps > 0:
        lines.append(f"WARMUP_STEPS = {training.scheduler.warmup_steps}  # optimizer steps of linear warmup")
    if training.early_stopping is not None:
        lines.append(f"PATIENCE = {training.early_stopping.patience}  # epochs without improvement before stopping")
        lines.append(f"MIN_DELTA = {py_literal(training.early_stopping.min_delta)}  # smallest change that counts")
    return "\n".join(lines) + "\n"


def python_source(
    experiment: Experiment,
    report: GraphReport,
    facts: Any,
    *,
    file_name: str = "model.py",
    data_name: str = "model_data.npz",
    weights_name: str | None = None,
    start_name: str | None = None,
    has_val: bool | None = None,
    has_test: bool | None = None,
) -> str:
    """The whole exported file as text (the graph must be valid)."""
    if not report.valid:
        raise ExportError("cannot export: the model graph is not valid")
    if experiment.training.distillation is not None:  # the teacher and its training are not written out yet
        raise ExportError(
            _(
                "cannot export the training script: knowledge distillation (training.distillation) is not "
                "exported yet. Export the student model as ONNX, PT2 or safetensors, or remove "
                "training.distillation to export a script that trains on the labels alone."
            )
        )
    sizes = tuple(getattr(facts, "sizes", (1, 1, 1)))
    has_val = sizes[1] > 0 if has_val is None else has_val
    has_test = sizes[2] > 0 if has_test is None else has_test
    pieces = functools.partial(
        _file_text, experiment, report, facts.task, has_val, has_test, file_name, data_name, weights_name, start_name
    )
    draft = _checked(pieces, _PLACEHOLDER_CLASS)
    # the class takes a name the file does not use otherwise (SEED, main, np, True, Exception...)
    return _checked(pieces, class_name_for(experiment.name, _names_in(draft)))


def _file_text(
    experiment: Experiment,
    report: GraphReport,
    task: str,
    has_val: bool,
    has_test: bool,
    file_name: str,
    data_name: str,
    weights_name: str | None,
    start_name: str | None,
    class_name: str,
) -> str:
    outputs = _shape_of(report, report.output_id).shape[-1]
    model_part = model_source_parts(experiment, report, class_name)
    training_part = _training_part(experiment, class_name, task, outputs, has_val, has_test, data_name, start_name)
    body = "\n".join(_join_top_level(model_part + training_part))
    return _header(experiment, file_name, data_name, weights_name) + "\n" + _imports(body) + "\n\n" + body


def _training_part(
    experiment: Experiment,
    class_name: str,
    task: str,
    outputs: int,
    has_val: bool,
    has_test: bool,
    data_name: str,
    start_name: str | None = None,
) -> list[str]:
    """The training half of the file: settings, loss, optimizer, schedule, helpers and main()."""
    training = experiment.training
    part: list[str] = [_settings(experiment, data_name, start_name)]
    if training.loss.type == "FocalLoss":
        part.append(_focal_loss_source().rstrip() + "\n")
    if training.loss.type in EMBEDDING_LOSSES:
        part.append(_triplet_loss_source())
    if _augmentation(experiment):
        part.append(augmentation_source())
    part.append(_LOAD_DATA)
    part.append(loss_source(experiment, outputs))
    part.append(optimizer_source(experiment))
    scheduler_text = scheduler_source(experiment)
    if scheduler_text:
        part.append(scheduler_text)
    if training.scheduler is not None and training.scheduler.warmup_steps > 0:
        part.append(_WARMUP)
    if training.early_stopping is not None or (training.keep_best is not None and training.keep_best.restore):
        part.append(_IMPROVED)
    part.append(evaluate_source(task, outputs, training.loss.type in EMBEDDING_LOSSES))
    part.append(DISTRIBUTED)
    part.append(PICK_THREADS)
    part.append(main_source(experiment, class_name, task, has_val, has_test, start_name is not None))
    part.append(
        'if __name__ == "__main__":\n    main()\n    if dist.is_initialized():\n        dist.destroy_process_group()\n'
    )
    return part


def _checked(pieces: Callable[[str], str], class_name: str) -> str:
    """The file for `class_name`, checked to compile and to be writable as UTF-8 (else the generator has a bug)."""
    try:
        text = pieces(class_name)
        text.encode("utf-8")
        compile(text, "<exported model>", "exec")
    except (SyntaxError, ValueError) as exc:  # pragma: no cover - a bug in the generator, not the user's doing
        raise ExportError(f"internal error: the generated Python does not compile ({exc})") from None
    return text


def _join_top_level(parts: list[str]) -> list[str]:
    """Top-level blocks separated by two blank lines, as PEP 8 has it."""
    lines: list[str] = []
    for index, part in enumerate(parts):
        if index:
            lines += ["", ""]
        lines.extend(part.rstrip("\n").split("\n"))
    lines.append("")
    return lines


# ---- the export itself ---------------------------------------------------------------------------------


def _data_arrays(dataset: Any) -> dict[str, np.ndarray]:
    arrays = {}
    for name in DATA_ARRAYS:
        tensor = getattr(dataset, name)
        arrays[name] = np.ascontiguousarray(tensor.detach().cpu().numpy())
    return arrays


def export_python(
    experiment: Experiment,
    out_path: str | os.PathLike[str],
    base_dir: str | os.PathLike[str] | None = None,
    *,
    model: nn.Module | None = None,
    state_dict: Mapping[str, torch.Tensor] | None = None,
) -> ExportResult:
    """Write `out_path` (a `.py` file) and `<stem>_data.npz` beside it.

    With `model` or `state_dict` (trained weights), also writes `<stem>_weights.pt` (a plain
    tensor dict, loadable with ``torch.load(..., weights_only=True)``) for the script's --weights.
    """
    out_path = Path(out_path)
    try:
        dataset = load_dataset(experiment.data, base_dir=base_dir)
    except PlaygroundError as exc:
        raise ExportError(f"cannot export: the dataset cannot be loaded: {exc}") from None
    facts = dataset.info
    report = checked_report(experiment, facts)

    weights: dict[str, torch.Tensor] | None = None
    if model is not None:
        weights = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    if state_dict is not None:
        weights = {k: v.detach().cpu().clone() for k, v in state_dict.items()}
    starting = weights is None and _starts_from_weights(experiment)
    if starting:  # the script starts where the app starts
        weights = dict(prepared_model(experiment, facts, report, base_dir=base_dir).state_dict())
    if weights is not None:
        _check_weights(experiment, facts, report, weights)
        blocks = BlockClasses(experiment, expand_blocks(experiment), report, taken=set())
        weights = {blocks.script_key(key): value for key, value in weights.items()}

    stem = out_path.stem
    data_path = out_path.with_name(f"{stem}_data.npz")
    weights_path = out_path.with_name(f"{stem}_weights.pt") if weights is not None else None
    source = python_source(
        experiment,
        report,
        facts,
        file_name=out_path.name,
        data_name=data_path.name,
        weights_name=weights_path.name if weights_path and not starting else None,
        start_name=weights_path.name if weights_path and starting else None,
        has_val=int(dataset.x_val.shape[0]) > 0,
        has_test=int(dataset.x_test.shape[0]) > 0,
    )
    arrays = _data_arrays(dataset)

    def write_data(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            # allow_pickle is numpy's default, spelled out so mypy does not match **arrays against it
            np.savez(handle, allow_pickle=True, **arrays)

    def write_source(tmp: Path) -> None:
        tmp.write_text(source, encoding="utf-8", newline="\n")

    refuse_foreign_file(data_path, is_exported_data, "the exported script's data")
    if weights_path is not None:
        refuse_foreign_file(weights_path, is_exported_weights, "the exported script's weights")
    write_atomically(data_path, write_data)
    extra = [data_path]
    if weights_path is not None:
        write_atomically(weights_path, lambda tmp: torch.save(weights, tmp))
        extra.append(weights_path)
    write_atomically(out_path, write_source)
    return ExportResult("python", out_path, tuple(extra))


def is_exported_data(path: Path) -> bool:
    """An earlier export's data file: an .npz holding exactly the six split arrays."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return names == {f"{name}.npy" for name in DATA_ARRAYS}


def is_exported_weights(path: Path) -> bool:
    """An earlier export's weights: a plain tensor dict that loads without pickle."""
    try:
        loaded = torch.load(path, weights_only=True, map_location="cpu")
    except Exception:  # noqa: BLE001 - any file that is not such a dict is not ours
        return False
    return isinstance(loaded, dict) and all(
        isinstance(key, str) and isinstance(value, torch.Tensor) for key, value in loaded.items()
    )


def _check_weights(experiment: Experiment, facts: Any, report: GraphReport, weights: dict[str, torch.Tensor]) -> None:
    """Refuse trained weights that do not fit the exported class (a stale model after an edit)."""
    fresh = prepared_model(experiment, facts, report, starting_weights=False)  # only the shapes are read
    expected = {k: tuple(v.shape) for k, v in fresh.state_dict().items()}
    given = {k: tuple(v.shape) for k, v in weights.items()}
    if expected != given:
        missing = sorted(set(expected) - set(given))
        unexpected = sorted(set(given) - set(expected))
        wrong = sorted(k for k in set(expected) & set(given) if expected[k] != given[k])
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing[:5]))
        if unexpected:
            parts.append("unexpected " + ", ".join(unexpected[:5]))
        if wrong:
            parts.append("other shapes for " + ", ".join(wrong[:5]))
        raise ExportError("cannot export: the weights do not fit this model (" + "; ".join(parts) + ")")
