"""Export an experiment as one standalone, readable PyTorch file plus its data (`.npz`).

The file holds the model as a plain `nn.Module` class (named layers in graph order, `forward`
written out by the same generator the app compiles, so they cannot drift), the playground's own
module classes it needs (copied from their source), the weight initialisation if the experiment
chose one, and a training script with the experiment's loss, optimizer, schedule, epochs, batch
size, seed, L1 penalty, gradient clipping, early stopping and keep-best. It imports only torch
and numpy, and reproduces the app's run: same initial weights, same batch order.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any, Mapping

import numpy as np
import torch
from torch import nn

from playground.core.catalogue import LAYERS
from playground.core.catalogue.training import LOSSES, SCHEDULERS
from playground.core.errors import ExportError, PlaygroundError
from playground.core.experiment.schema import Experiment
from playground.core.export.common import (
    ExportResult,
    checked_report,
    prepared_model,
    write_atomically,
)
from playground.core.graph import GraphReport
from playground.core.graph import init as init_module
from playground.core.graph.codegen import INPUT_VARIABLE, forward_lines
from playground.core.params import resolved

LINE_LIMIT = 100
INDENT = "    "
DATA_ARRAYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")
# Names the exported file defines at module level; the model class must not take one of them.
_TAKEN_NAMES = frozenset({
    "FocalLoss", "PositionalEncoding", "Path", "F", "nn", "np", "torch", "math", "copy", "argparse",
})


# ---- small rendering helpers ---------------------------------------------------------------------

def class_name_for(name: str) -> str:
    """A CamelCase class name from the experiment's name ("XOR needs a hidden layer" → XORNeedsAHiddenLayer)."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    text = "".join(word[:1].upper() + word[1:] for word in words)
    if not text:
        return "Model"
    if text[0].isdigit():
        text = "Model" + text
    if text in _TAKEN_NAMES:
        text += "Model"
    return text


def py_literal(value: Any) -> str:
    """Python source for a constructor argument (strings in double quotes, tuples kept)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value)
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


def _docstring_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _section(title: str) -> str:
    """A comment line that starts a part of the file."""
    return f"# ---- {title} ".ljust(LINE_LIMIT - 1, "-")


def _docstring(text: str, indent: str) -> list[str]:
    """A docstring's lines: one line when it fits, else wrapped with the closing quotes alone."""
    text = _docstring_text(text)
    one = f'{indent}"""{text}"""'
    if len(one) <= LINE_LIMIT:
        return [one]
    wrapped = textwrap.wrap(text, LINE_LIMIT - len(indent) - 3)
    return [f'{indent}"""{wrapped[0]}', *(indent + line for line in wrapped[1:]), f'{indent}"""']


def _first_paragraph(description: str, width: int = 92) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", description.strip()) if p.strip()]
    if not paragraphs:
        return ""
    text = " ".join(paragraphs[0].split())
    return textwrap.fill(text, width=width)


# ---- the pieces of the file ------------------------------------------------------------------------

def _module_classes(experiment: Experiment, report: GraphReport) -> list[type]:
    """Playground module classes (no torch.nn class of their own) the graph uses, in first-use order."""
    classes: list[type] = []
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
    parts.append(_section("The model") + "\n\n" + model_class_source(experiment, report, class_name))
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
            if getattr(nn, cls.__name__, None) is not cls:
                raise ExportError(f"cannot export the weight initialisation: {cls!r} is not in torch.nn")
            names.append(f"nn.{cls.__name__}")
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


def model_class_source(experiment: Experiment, report: GraphReport, class_name: str) -> str:
    """The readable `nn.Module` class: named layers in graph order and `forward` written out."""
    nodes = report.nodes
    in_shape = nodes[report.input_id].output.text()
    out_shape = nodes[report.output_id].output.text()
    summary = (f"{_docstring_text(experiment.name)}: input {in_shape} -> output {out_shape}, "
               f"{report.total_params:,} trainable parameters.")
    lines = [f"class {class_name}(nn.Module):"]
    lines.append(f'{INDENT}"""{textwrap.fill(summary, LINE_LIMIT - 8, subsequent_indent=INDENT)}')
    lines.append("")
    lines.append(f"{INDENT}Each layer is named after its node in the playground; forward() runs them in")
    lines.append(f"{INDENT}graph order. Shapes are written with N for the batch size.")
    lines.append(f'{INDENT}"""')
    lines.append("")
    lines.append(f"{INDENT}def __init__(self):")
    body = INDENT * 2
    lines.append(f"{body}super().__init__()")
    for node_id in report.order:
        layer = LAYERS[experiment.node(node_id).type]
        if not layer.has_module:
            continue
        node = nodes[node_id]
        source = ", ".join(spec.text() for spec in node.inputs) or in_shape
        plural = "" if node.params == 1 else "s"
        lines.append(f"{body}# {node_id}: {source} -> {node.output.text()}, {node.params:,} parameter{plural}")
        owner = _constructor_owner(experiment, report, node_id)
        lines.extend(call_source(owner, kwargs_source(node.kwargs), f"self.{node_id} = ", body))
    if experiment.model.init != "default":
        lines.append(f"{body}# the experiment's weight initialisation (applied after the layers are made)")
        lines.append(f"{body}apply_init(self, {py_literal(experiment.model.init)})")
    lines.append("")
    lines.append(f"{INDENT}def forward(self, {INPUT_VARIABLE}):")
    steps = [node_id for node_id in report.order if node_id != report.input_id]
    code = forward_lines(experiment, report)
    lines.append(f"{body}# {INPUT_VARIABLE}: {in_shape}")
    width = max((len(line) for line in code[:-1]), default=0)
    width = min(width, LINE_LIMIT - len(body) - 20)
    for node_id, line in zip(steps, code):
        shape = nodes[node_id].output.text()
        lines.append(f"{body}{line.ljust(width)}  # {shape}")
    lines.append(f"{body}{code[-1]}")
    return "\n".join(lines) + "\n"


def _focal_loss_source() -> str:
    """The engine's FocalLoss class, copied verbatim so the export trains with the same loss."""
    from playground.core.training.losses import FocalLoss

    return inspect.getsource(FocalLoss)


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
    owner = "FocalLoss" if spec.type == "FocalLoss" else f"nn.{spec.type}"
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
            lines.append(f"{INDENT * 2}return criterion(outputs, F.one_hot(targets, outputs.shape[1]).to(outputs.dtype))")
        lines.append("")
        lines.append(f"{INDENT}return loss")
    elif spec.type == "KLDivLoss":
        lines.append("")
        lines.append(f"{INDENT}def loss(outputs, targets):")
        lines.append(f"{INDENT * 2}# compare the predicted distribution (log-probabilities) with one-hot targets")
        lines.append(f"{INDENT * 2}log_probs = F.log_softmax(outputs, dim=-1)")
        lines.append(f"{INDENT * 2}return criterion(log_probs, F.one_hot(targets, outputs.shape[-1]).to(outputs.dtype))")
        lines.append("")
        lines.append(f"{INDENT}return loss")
    else:
        lines.append(f"{INDENT}return criterion")
    return "\n".join(lines) + "\n"


def optimizer_source(experiment: Experiment) -> str:
    from playground.core.training.optimizers import optimizer_kwargs

    spec = experiment.training.optimizer
    kwargs = optimizer_kwargs(spec.type, spec.params)
    lines = ["def make_optimizer(model):", f'{INDENT}"""The experiment\'s optimizer over all trainable parameters."""']
    lines.extend(call_source(f"torch.optim.{spec.type}", ["model.parameters()", *kwargs_source(kwargs)],
                             "return ", INDENT))
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
    when = ("once per epoch on the validation metric" if spec.type == "ReduceLROnPlateau"
            else "after every optimizer step" if spec.interval == "step" else "after every epoch")
    lines = ["def make_scheduler(optimizer, steps_per_epoch, epochs):",
             *_docstring(f"{spec.type}, stepped {when}. {SCHEDULERS[spec.type].help}", INDENT)]
    lines.extend(call_source(f"torch.optim.lr_scheduler.{spec.type}", args, "return ", INDENT))
    return "\n".join(lines) + "\n"


def evaluate_source(task: str, outputs: int) -> str:
    if task == "classification":
        predicted = ("(outputs.reshape(-1) > 0).long()  # one output: its sign decides the class"
                     if outputs == 1 else "outputs.argmax(dim=1)")
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


def main_source(experiment: Experiment, class_name: str, task: str, has_val: bool, has_test: bool) -> str:
    """`main()`: argument parsing, the training loop and the final test evaluation."""
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
        f'{i1}parser.add_argument("--weights", type=Path, help="start from these weights (a file written by --save)")',
        f'{i1}parser.add_argument("--save", type=Path, help="save the trained weights to this file")',
        f'{i1}parser.add_argument("--device", default={_device_default(training.device)},',
        f'{i1}                    help="cpu or cuda (default: %(default)s, as the experiment asks)")',
        f"{i1}args = parser.parse_args()",
        f"{i1}device = torch.device(args.device)",
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
        "",
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
        lines.append(f"{i1}weights = [p for p in model.parameters() if p.requires_grad and p.dim() > 1]  # L1 penalises these")
    lines.append(f"{i1}shuffle = torch.Generator().manual_seed(SEED)  # the order of the batches, as in the playground")
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
        f"{i2}loss_sum = 0.0",
        f"{i2}for start in range(0, n, batch_size):",
        f"{i3}batch = order[start : start + batch_size]",
        f"{i3}inputs, targets = x_train[batch], y_train[batch]",
        f"{i3}optimizer.zero_grad()",
        f"{i3}loss = loss_fn(model(inputs), targets)",
    ]
    if training.l1:
        lines.append(f"{i3}total = loss + L1 * sum(w.abs().sum() for w in weights)  # L1 regularisation")
    else:
        lines.append(f"{i3}total = loss")
    lines += [
        f"{i3}if not math.isfinite(total.item()):",
        f'{i4}print(f"The loss became NaN/inf at epoch {{epoch}}: the learning rate is probably too high.")',
        f"{i4}return",
        f"{i3}total.backward()",
    ]
    clipping = training.gradient_clipping
    if clipping is not None:
        if clipping.mode == "norm":
            lines.append(f"{i3}# gradient clipping: scale all gradients down when their total norm is too large")
            lines.append(f"{i3}torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm={py_literal(clipping.max_value)})")
        else:
            lines.append(f"{i3}# gradient clipping: cut every gradient value to the range ±{clipping.max_value:g}")
            lines.append(f"{i3}torch.nn.utils.clip_grad_value_(model.parameters(), clip_value={py_literal(clipping.max_value)})")
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
        f"{i3}loss_sum += loss.item() * len(targets)",
        f"{i2}train_loss = loss_sum / n",
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
            lines.append(f'{i2}metrics = {{"train_loss": train_loss, **{{"val_" + key: value for key, value in val.items()}}}}')
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
        f"{i1}if args.save is not None:",
        f"{i2}torch.save({{k: v.cpu() for k, v in model.state_dict().items()}}, args.save)  # loads anywhere",
        f'{i2}print(f"saved the weights to {{args.save}}")',
    ]
    return "\n".join(lines) + "\n"


def _header(experiment: Experiment, file_name: str, data_name: str, weights_name: str | None) -> str:
    training = experiment.training
    title = _docstring_text(experiment.name or "Untitled experiment")
    lines = [f'"""{title}: a PyTorch model and its training script, exported from Neural Network Playground.']
    about = _first_paragraph(_docstring_text(experiment.description))
    if about:
        lines += ["", about]
    lines += [
        "",
        "Run it with plain PyTorch and NumPy (the playground is not needed):",
        "",
        f"    python {file_name}              # train for {training.epochs} epochs, as in the experiment",
        f"    python {file_name} --epochs 5   # choose the number of epochs",
        f"    python {file_name} --help       # all options",
    ]
    if weights_name:
        lines.append(f"    python {file_name} --weights {weights_name} --epochs 0   # test the trained weights")
    about_data = (
        f"The data comes from {data_name} beside this file: the playground's train/validation/test split "
        f"of the {json.dumps(experiment.data.dataset)} dataset, already standardised with statistics of the "
        f"training part only. The seed gives the same initial weights and batch order as in the app, so "
        f"the losses printed here match the app's."
    )
    lines += ["", textwrap.fill(_docstring_text(about_data), 92), '"""']
    return "\n".join(lines) + "\n"


def _imports(source_text: str) -> str:
    modules = []
    if "argparse." in source_text:
        modules.append("import argparse")
    if "copy." in source_text:
        modules.append("import copy")
    if "math." in source_text:
        modules.append("import math")
    lines = modules + ["from pathlib import Path", "", "import numpy as np", "import torch"]
    if re.search(r"\bF\.", source_text):
        lines.append("import torch.nn.functional as F")
    lines.append("from torch import nn")
    return "\n".join(lines) + "\n"


def _settings(experiment: Experiment, data_name: str) -> str:
    training = experiment.training
    batch = training.batch_size
    lines = [
        _section("Training, with the experiment's settings"),
        "",
        f"DATA_FILE = {py_literal(data_name)}  # the data, written beside this file by the playground",
        f"EPOCHS = {training.epochs}",
        f"BATCH_SIZE = {'None  # the whole training set in every step (full batch)' if batch == 'full' else batch}",
        f"SEED = {training.seed}",
    ]
    if training.l1:
        lines.append(f"L1 = {py_literal(training.l1)}  # strength of the L1 penalty on the weights")
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
    has_val: bool | None = None,
    has_test: bool | None = None,
) -> str:
    """The whole exported file as text (the graph must be valid)."""
    if not report.valid:
        raise ExportError("cannot export: the model graph is not valid")
    sizes = tuple(getattr(facts, "sizes", (1, 1, 1)))
    has_val = sizes[1] > 0 if has_val is None else has_val
    has_test = sizes[2] > 0 if has_test is None else has_test
    task = facts.task
    class_name = class_name_for(experiment.name)
    outputs = report.nodes[report.output_id].output.shape[-1]
    training = experiment.training

    model_part = model_source_parts(experiment, report, class_name)

    training_part: list[str] = [_settings(experiment, data_name)]
    if training.loss.type == "FocalLoss":
        training_part.append(_focal_loss_source().rstrip() + "\n")
    training_part.append(_LOAD_DATA)
    training_part.append(loss_source(experiment, outputs))
    training_part.append(optimizer_source(experiment))
    scheduler_text = scheduler_source(experiment)
    if scheduler_text:
        training_part.append(scheduler_text)
    if training.scheduler is not None and training.scheduler.warmup_steps > 0:
        training_part.append(_WARMUP)
    if training.early_stopping is not None or (training.keep_best is not None and training.keep_best.restore):
        training_part.append(_IMPROVED)
    training_part.append(evaluate_source(task, outputs))
    training_part.append(main_source(experiment, class_name, task, has_val, has_test))
    training_part.append('if __name__ == "__main__":\n    main()\n')

    body = "\n".join(_join_top_level(model_part + training_part))
    text = _header(experiment, file_name, data_name, weights_name) + "\n" + _imports(body) + "\n\n" + body
    try:
        compile(text, file_name, "exec")
    except SyntaxError as exc:  # pragma: no cover - a bug in the generator, not the user's doing
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
    from playground.core.data import load_dataset

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
    if weights is not None:
        _check_weights(experiment, facts, report, weights)

    stem = out_path.stem
    data_path = out_path.with_name(f"{stem}_data.npz")
    weights_path = out_path.with_name(f"{stem}_weights.pt") if weights is not None else None
    source = python_source(
        experiment, report, facts, file_name=out_path.name, data_name=data_path.name,
        weights_name=weights_path.name if weights_path else None,
        has_val=int(dataset.x_val.shape[0]) > 0, has_test=int(dataset.x_test.shape[0]) > 0,
    )
    arrays = _data_arrays(dataset)

    def write_data(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)

    def write_source(tmp: Path) -> None:
        tmp.write_text(source, encoding="utf-8", newline="\n")

    write_atomically(data_path, write_data)
    extra = [data_path]
    if weights_path is not None:
        write_atomically(weights_path, lambda tmp: torch.save(weights, tmp))
        extra.append(weights_path)
    write_atomically(out_path, write_source)
    return ExportResult("python", out_path, tuple(extra))


def _check_weights(experiment: Experiment, facts: Any, report: GraphReport, weights: dict[str, torch.Tensor]) -> None:
    """Refuse trained weights that do not fit the exported class (a stale model after an edit)."""
    fresh = prepared_model(experiment, facts, report)
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
