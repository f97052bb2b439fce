"""The X-ray as a sequence of stages a stepper walks: forward node by node, the loss, backward
from the output, then the update; each stage names the canvas node it is about and carries its
formulas with the numbers of one chosen sample of the frozen batch plugged in.

Notation follows the course: unit j of a layer has zⱼ = Σᵢ wⱼᵢ·aᵢ + bⱼ and aⱼ = f(zⱼ);
δⱼ = ∂ℓ/∂zⱼ = f′(zⱼ)·Σₖ wₖⱼ·δₖ; ∂L/∂wⱼᵢ averages δⱼ·aᵢ over the batch as the loss's reduction
does. The first layer's inputs are written xᵢ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from playground.core.i18n import N_
from playground.core.xray.formulas import MINUS, Formula, FormulaKind, Num, Op, Sym, Text, Token, Words
from playground.core.xray.trace import DenseLayer, LayerStatistics, LossTrace, PostOp, XrayTrace
from playground.core.xray.updates import ParameterUpdate

Phase = Literal["forward", "loss", "backward", "update"]
PHASES: tuple[Phase, ...] = ("forward", "loss", "backward", "update")
PHASE_NAMES: dict[Phase, str] = {
    "forward": N_("Forward"),
    "loss": N_("Loss"),
    "backward": N_("Backward"),
    "update": N_("Update"),
}
MAX_SYMBOLIC_TERMS = 6  # a weighted sum with more inputs is written Σᵢ wⱼᵢ·aᵢ before its numbers
BATCH_TERMS = 3  # a batch average lists this many samples' terms, then "…" and the last one

FUNCTION_NAMES = {
    "ReLU": "ReLU",
    "LeakyReLU": "LeakyReLU",
    "ELU": "ELU",
    "GELU": "GELU",
    "SiLU": "SiLU",
    "Mish": "Mish",
    "Sigmoid": "σ",
    "Tanh": "tanh",
    "Softplus": "softplus",
    "Softmax": "softmax",
}


@dataclass(frozen=True)
class Stage:
    """One step of the stepper: a phase at one canvas node, with its formulas."""

    phase: Phase
    node_id: str
    title: Words
    formulas: tuple[Formula, ...]
    layer: int | None = None  # index into trace.layers ("units") or trace.statistics
    op: int | None = None  # index into that layer's ops when the node is an activation or dropout
    notes: tuple[Words, ...] = ()

    def units(self) -> list[int]:
        """The units this stage has formulas for, in order."""
        seen: list[int] = []
        for formula in self.formulas:
            if formula.unit is not None and formula.unit not in seen:
                seen.append(formula.unit)
        return seen

    def formulas_of(self, unit: int | None) -> list[Formula]:
        return [formula for formula in self.formulas if formula.unit == unit]


def phase_name(phase: Phase) -> Words:
    return Words(PHASE_NAMES[phase])


# ---- token helpers --------------------------------------------------------------------------------


def _index(*numbers: int) -> str:
    """1-based subscripts: "12" for (0, 1), "1,12" once an index has two digits."""
    parts = [str(n + 1) for n in numbers]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


def _eq() -> Op:
    return Op("=")


def _plus() -> Op:
    return Op("+")


def _dot() -> Op:
    return Op("·")


def _sum_of(items: Sequence[Sequence[Token]]) -> list[Token]:
    out: list[Token] = []
    for number, item in enumerate(items):
        if number:
            out.append(_plus())
        out += item
    return out


def _input_symbol(layer: DenseLayer, i: int) -> Sym:
    return Sym("x" if layer.index == 0 else "a", _index(i))


def _f(kind: FormulaKind, tokens: list[Token], value: float, **extra: object) -> Formula:
    return Formula(kind, tuple(tokens), float(value), **extra)  # type: ignore[arg-type]


def _batch_average(
    scale: float, values: np.ndarray, factors: list[tuple[np.ndarray, np.ndarray | None]]
) -> list[Token]:
    """(1/N)·(p₁ + p₂ + p₃ + … + p_N) with each product's numbers."""
    n = int(values.shape[0])
    shown = list(range(n)) if n <= BATCH_TERMS + 1 else [*range(BATCH_TERMS), n - 1]
    items: list[list[Token]] = []
    for position, sample in enumerate(shown):
        if n > BATCH_TERMS + 1 and position == BATCH_TERMS:
            items.append([Op("…")])
        term: list[Token] = []
        for first, second in factors:
            if term:
                term.append(_dot())
            term.append(Num(float(first[sample])))
            if second is not None:
                term += [_dot(), Num(float(second[sample]))]
        items.append(term)
    head: list[Token] = [] if scale == 1 else [Op(f"(1/{round(1 / scale)})"), _dot()]
    return [*head, Op("("), *_sum_of(items), Op(")")]


# ---- units view -----------------------------------------------------------------------------------


def build_stages(trace: XrayTrace, sample: int = 0) -> tuple[Stage, ...]:
    """The stepper's stages for one sample of the frozen batch (0-based)."""
    sample = max(0, min(int(sample), trace.batch.size - 1))
    if trace.kind == "statistics":
        return _statistics_stages(trace)
    stages: list[Stage] = []
    for layer in trace.layers:
        stages.append(_forward_linear(layer, sample))
        for number, op in enumerate(layer.ops):
            stages.append(_forward_op(layer, number, op, sample))
    stages.append(_loss_stage(trace, sample))
    for layer in reversed(trace.layers):
        for number in range(len(layer.ops) - 1, -1, -1):
            stages.append(_backward_op(trace, layer, number, sample))
        stages.append(_backward_linear(trace, layer, sample))
    for position, layer in enumerate(reversed(trace.layers)):
        stages.append(_update_stage(trace, layer, first=position == 0))
    return tuple(stages)


def _forward_linear(layer: DenseLayer, n: int) -> Stage:
    formulas = []
    for j in range(layer.units):
        symbolic: list[Token]
        if layer.fan_in <= MAX_SYMBOLIC_TERMS:
            symbolic = _sum_of([[Sym("w", _index(j, i)), _dot(), _input_symbol(layer, i)] for i in range(layer.fan_in)])
        else:
            symbolic = [Op("Σᵢ"), Sym("w", _index(j) + "ᵢ"), _dot(), Sym("x" if layer.index == 0 else "a", "ᵢ")]
        numbers = _sum_of(
            [[Num(float(layer.weight[j, i])), _dot(), Num(float(layer.inputs[n, i]))] for i in range(layer.fan_in)]
        )
        if layer.bias is not None:
            symbolic += [_plus(), Sym("b", _index(j))]
            numbers += [_plus(), Num(float(layer.bias[j]))]
        z = float(layer.z[n, j])
        tokens = [Sym("z", _index(j)), _eq(), *symbolic, _eq(), *numbers, _eq(), Num(z, True)]
        formulas.append(_f("weighted_sum", tokens, z, unit=j))
    title = Words(N_("Forward: weighted sums of {node}"), (("node", layer.node_id),))
    return Stage("forward", layer.node_id, title, tuple(formulas), layer.index)


def _activation_tokens(op: PostOp, argument: list[Token]) -> list[Token]:
    name = FUNCTION_NAMES.get(op.layer_type, op.layer_type)
    return [Op(name), Op("("), *argument, Op(")")]


def _forward_op(layer: DenseLayer, number: int, op: PostOp, n: int) -> Stage:
    formulas = []
    symbol_in = "z" if number == 0 else "a"
    for j in range(layer.units):
        z, a = float(op.inputs[n, j]), float(op.outputs[n, j])
        target = Sym("a", _index(j))
        if op.layer_type == "Dropout":
            assert op.derivative is not None
            scale = float(op.derivative[n, j])
            tokens: list[Token] = [
                target,
                _eq(),
                Sym(symbol_in, _index(j)),
                _dot(),
                Sym("m", _index(j)),
                Op("/"),
                Op("(1"),
                Op(MINUS),
                Sym("p"),
                Op(")"),
                _eq(),
                Num(z),
                _dot(),
                Num(scale),
                _eq(),
                Num(a, True),
            ]
            formulas.append(_f("dropout", tokens, a, unit=j))
        elif op.layer_type == "Softmax":
            tokens = [
                target,
                _eq(),
                Op("e^"),
                Sym(symbol_in, _index(j)),
                Op("/"),
                Op("Σₖ e^"),
                Sym(symbol_in, "k"),
                _eq(),
                Num(a, True),
            ]
            formulas.append(_f("activation", tokens, a, unit=j))
        elif op.layer_type in FUNCTION_NAMES:
            tokens = [
                target,
                _eq(),
                *_activation_tokens(op, [Sym(symbol_in, _index(j))]),
                _eq(),
                *_activation_tokens(op, [Num(z)]),
                _eq(),
                Num(a, True),
            ]
            formulas.append(_f("activation", tokens, a, unit=j))
        else:
            tokens = [target, _eq(), Sym(symbol_in, _index(j)), _eq(), Num(a, True)]
            formulas.append(_f("activation", tokens, a, unit=j))
    title = Words(N_("Forward: {kind} at {node}"), (("kind", op.layer_type), ("node", op.node_id)))
    notes: tuple[Words, ...] = ()
    if op.layer_type == "Dropout":
        notes = (Words(N_("mⱼ is 1 for a kept unit and 0 for a dropped one; p = {p}"), (("p", op.setting("p")),)),)
    return Stage("forward", op.node_id, title, tuple(formulas), layer.index, number, notes)


def _loss_stage(trace: XrayTrace, n: int) -> Stage:
    loss = trace.loss
    formulas = list(_sample_loss_formulas(loss, n))
    batch_tokens: list[Token] = [Sym("L"), _eq()]
    if loss.scale != 1:
        batch_tokens += [Op("(1/N)"), _dot()]
    batch_tokens += [
        Op("Σₙ"),
        Sym("ℓ", "n"),
        _eq(),
        *_batch_average(loss.scale, loss.per_sample, [(loss.per_sample, None)]),
        _eq(),
        Num(loss.value, True),
    ]
    formulas.append(
        _f(
            "batch_loss",
            batch_tokens,
            loss.value,
            caption=Words(N_("the loss of the batch ({count} samples)"), (("count", trace.batch.size),)),
        )
    )
    if trace.l1:
        tokens: list[Token] = [
            Sym("J"),
            _eq(),
            Sym("L"),
            _plus(),
            Sym("λ", "1"),
            _dot(),
            Op("Σ|w|"),
            _eq(),
            Num(loss.value),
            _plus(),
            Num(trace.l1),
            _dot(),
            Num(loss.penalty / trace.l1),
            _eq(),
            Num(loss.objective, True),
        ]
        formulas.append(
            _f(
                "penalty",
                tokens,
                loss.objective,
                caption=Words(N_("the objective: the loss plus the L1 penalty on the weights")),
            )
        )
    title = Words(N_("Loss: {name}"), (("name", loss.name),))
    return Stage("loss", trace.output_id, title, tuple(formulas))


def _sample_loss_formulas(loss: LossTrace, n: int) -> list[Formula]:
    out = loss.outputs[n]
    formulas: list[Formula] = []
    ell = float(loss.per_sample[n])
    if loss.name == "CrossEntropyLoss" and loss.probabilities is not None and loss.explained:
        p = loss.probabilities[n]
        exps: list[list[Token]] = [[Op("e^"), Num(float(v))] for v in out]
        for k in range(out.shape[0]):
            tokens: list[Token] = [
                Sym("p", _index(k)),
                _eq(),
                Op("e^"),
                Sym("z", _index(k)),
                Op("/"),
                Op("Σₖ e^"),
                Sym("z", "k"),
                _eq(),
                Op("e^"),
                Num(float(out[k])),
                Op("/"),
                Op("("),
                *_sum_of(exps),
                Op(")"),
                _eq(),
                Num(float(p[k]), True),
            ]
            formulas.append(_f("probability", tokens, float(p[k]), unit=k))
        target = int(loss.targets[n])
        if loss.setting("label_smoothing") == 0:
            tokens = [
                Sym("ℓ"),
                _eq(),
                Op(MINUS),
                Op("log"),
                Sym("p", _index(target)),
                _eq(),
                Op(MINUS),
                Op("log"),
                Op("("),
                Num(float(p[target])),
                Op(")"),
                _eq(),
                Num(ell, True),
            ]
        else:
            assert loss.smoothed is not None
            q = loss.smoothed[n]
            terms: list[list[Token]] = [
                [Num(float(q[k])), _dot(), Op("log"), Num(float(p[k]))] for k in range(out.shape[0])
            ]
            tokens = [
                Sym("ℓ"),
                _eq(),
                Op(MINUS),
                Op("Σₖ"),
                Sym("q", "k"),
                _dot(),
                Op("log"),
                Sym("p", "k"),
                _eq(),
                Op(MINUS),
                Op("("),
                *_sum_of(terms),
                Op(")"),
                _eq(),
                Num(ell, True),
            ]
        caption = Words(N_("this sample's loss; its class is {target}"), (("target", target + 1),))
        formulas.append(_f("sample_loss", tokens, ell, caption=caption))
        return formulas
    if loss.name == "BCEWithLogitsLoss" and loss.probabilities is not None:
        p = loss.probabilities[n]
        y = loss.targets.reshape(loss.outputs.shape)[n]
        for d in range(out.shape[0]):
            tokens = [
                Sym("p", _index(d) if out.shape[0] > 1 else ""),
                _eq(),
                Op("σ"),
                Op("("),
                Num(float(out[d])),
                Op(")"),
                _eq(),
                Num(float(p[d]), True),
            ]
            formulas.append(_f("probability", tokens, float(p[d]), unit=d))
        tokens = [
            Sym("ℓ"),
            _eq(),
            Op(MINUS),
            Op("["),
            Sym("y"),
            _dot(),
            Op("log"),
            Sym("p"),
            _plus(),
            Op("(1"),
            Op(MINUS),
            Sym("y"),
            Op(")"),
            _dot(),
            Op("log"),
            Op("(1"),
            Op(MINUS),
            Sym("p"),
            Op(")"),
            Op("]"),
        ]
        if out.shape[0] == 1:
            tokens += [
                _eq(),
                Op(MINUS),
                Op("["),
                Num(float(y[0])),
                _dot(),
                Op("log"),
                Num(float(p[0])),
                _plus(),
                Num(float(1 - y[0])),
                _dot(),
                Op("log"),
                Num(float(1 - p[0])),
                Op("]"),
            ]
        tokens += [_eq(), Num(ell, True)]
        formulas.append(_f("sample_loss", tokens, ell, caption=Words(N_("this sample's loss (binary cross-entropy)"))))
        return formulas
    if loss.name in ("MSELoss", "L1Loss") and loss.explained:
        y = loss.targets.reshape(loss.outputs.shape)[n]
        terms = []
        for d in range(out.shape[0]):
            inner: list[Token] = [Op("("), Num(float(out[d])), Op(MINUS), Num(float(y[d])), Op(")")]
            terms.append([*inner, Op("²")] if loss.name == "MSELoss" else [Op("|"), *inner[1:-1], Op("|")])
        head: list[Token] = (
            [Op("(ŷ"), Op(MINUS), Sym("y"), Op(")²")]
            if loss.name == "MSELoss"
            else [Op("|ŷ"), Op(MINUS), Sym("y"), Op("|")]
        )
        mean: list[Token] = (
            [Op("(1/"), Num(out.shape[0]), Op(")"), _dot()] if out.shape[0] > 1 and loss.reduction == "mean" else []
        )
        tokens = [Sym("ℓ"), _eq(), *mean, *head, _eq(), *mean, *_sum_of(terms), _eq(), Num(ell, True)]
        formulas.append(_f("sample_loss", tokens, ell, caption=Words(N_("this sample's loss"))))
        return formulas
    outputs = _sum_of([[Num(float(v))] for v in out])
    tokens = [Sym("ℓ"), _eq(), Op(loss.name), Op("("), *outputs, Op(")"), _eq(), Num(ell, True)]
    formulas.append(_f("sample_loss", tokens, ell, caption=Words(N_("this sample's loss"))))
    return formulas


def _output_gradient_tokens(loss: LossTrace, n: int, k: int, target: Sym) -> list[Token]:
    """∂ℓ/∂ŷₖ from the loss, with its numbers."""
    value = float(loss.output_delta[n, k])
    out = float(loss.outputs[n, k])
    if loss.explained and loss.name == "CrossEntropyLoss" and loss.probabilities is not None:
        q = loss.smoothed[n, k] if loss.smoothed is not None else 0.0
        return [
            target,
            _eq(),
            Sym("p", _index(k)),
            Op(MINUS),
            Sym("y" if loss.setting("label_smoothing") == 0 else "q", _index(k)),
            _eq(),
            Num(float(loss.probabilities[n, k])),
            Op(MINUS),
            Num(float(q)),
            _eq(),
            Num(value, True),
        ]
    if (
        loss.explained
        and loss.name == "BCEWithLogitsLoss"
        and loss.probabilities is not None
        and loss.outputs.shape[1] == 1
        and not loss.settings
    ):
        y = float(loss.targets.reshape(loss.outputs.shape)[n, k])
        return [
            target,
            _eq(),
            Op("σ"),
            Op("("),
            Sym("z"),
            Op(")"),
            Op(MINUS),
            Sym("y"),
            _eq(),
            Num(float(loss.probabilities[n, k])),
            Op(MINUS),
            Num(y),
            _eq(),
            Num(value, True),
        ]
    if loss.explained and loss.name == "MSELoss" and loss.outputs.shape[1] == 1:
        y = float(loss.targets.reshape(loss.outputs.shape)[n, k])
        return [
            target,
            _eq(),
            Num(2.0),
            _dot(),
            Op("(ŷ"),
            Op(MINUS),
            Sym("y"),
            Op(")"),
            _eq(),
            Num(2.0),
            _dot(),
            Op("("),
            Num(out),
            Op(MINUS),
            Num(y),
            Op(")"),
            _eq(),
            Num(value, True),
        ]
    return [target, _eq(), Op("∂ℓ/∂ŷ"), _eq(), Num(value, True)]


def _backward_op(trace: XrayTrace, layer: DenseLayer, number: int, n: int) -> Stage:
    op = layer.ops[number]
    last = number == len(layer.ops) - 1
    formulas: list[Formula] = []
    for j in range(layer.units):
        if last:
            formulas.append(_upstream_formula(trace, layer, j, n))
        if op.derivative is not None:
            formulas.append(_derivative_formula(op, number, j, n))
        else:  # softmax
            tokens: list[Token] = [
                Sym("∂ℓ/∂z", _index(j)),
                _eq(),
                Sym("a", _index(j)),
                _dot(),
                Op("("),
                Sym("∂ℓ/∂a", _index(j)),
                Op(MINUS),
                Op("Σₖ"),
                Sym("a", "k"),
                _dot(),
                Sym("∂ℓ/∂a", "k"),
                Op(")"),
                _eq(),
                Num(float(op.downstream[n, j]), True),
            ]
            formulas.append(_f("derivative", tokens, float(op.downstream[n, j]), unit=j))
    title = Words(N_("Backward: through {kind} at {node}"), (("kind", op.layer_type), ("node", op.node_id)))
    return Stage("backward", op.node_id, title, tuple(formulas), layer.index, number)


def _upstream_formula(trace: XrayTrace, layer: DenseLayer, j: int, n: int) -> Formula:
    """∂ℓ/∂aⱼ: from the loss for the output layer, else Σₖ wₖⱼ·δₖ of the next layer."""
    value = float(layer.upstream[n, j])
    target = Sym("∂ℓ/∂a", _index(j))
    if layer.is_output:
        return _f("upstream", _output_gradient_tokens(trace.loss, n, j, target), value, unit=j)
    following = trace.layers[layer.index + 1]
    terms: list[list[Token]] = [
        [Num(float(following.weight[k, j])), _dot(), Num(float(following.delta[n, k]))] for k in range(following.units)
    ]
    tokens: list[Token] = [
        target,
        _eq(),
        Op("Σₖ"),
        Sym("w", "k" + _index(j)),
        _dot(),
        Sym("δ", "k"),
        _eq(),
        *_sum_of(terms),
        _eq(),
        Num(value, True),
    ]
    caption = Words(N_("what unit {unit} passes back from {node}"), (("unit", j + 1), ("node", following.node_id)))
    return _f("upstream", tokens, value, unit=j, caption=caption)


def _derivative_formula(op: PostOp, number: int, j: int, n: int) -> Formula:
    assert op.derivative is not None
    d = float(op.derivative[n, j])
    z, a = float(op.inputs[n, j]), float(op.outputs[n, j])
    name = "z" if number == 0 else "a"
    head: list[Token] = [Op("f′"), Op("("), Sym(name, _index(j)), Op(")"), _eq()]
    kind = op.layer_type
    if kind == "Tanh":
        body: list[Token] = [
            Num(1.0),
            Op(MINUS),
            Sym("a", _index(j)),
            Op("²"),
            _eq(),
            Num(1.0),
            Op(MINUS),
            Num(a),
            Op("²"),
        ]
    elif kind == "Sigmoid":
        body = [
            Sym("a", _index(j)),
            _dot(),
            Op("(1"),
            Op(MINUS),
            Sym("a", _index(j)),
            Op(")"),
            _eq(),
            Num(a),
            _dot(),
            Op("("),
            Num(1.0),
            Op(MINUS),
            Num(a),
            Op(")"),
        ]
    elif kind in ("ReLU", "LeakyReLU"):
        condition = N_("because z > 0") if z > 0 else N_("because z ≤ 0")
        body = [Text(Words(condition))]
    elif kind == "Dropout":
        body = [Sym("m", _index(j)), Op("/"), Op("(1"), Op(MINUS), Sym("p"), Op(")")]
    else:
        body = [Op(f"{FUNCTION_NAMES.get(kind, kind)}′"), Op("("), Num(z), Op(")")]
    tokens = [*head, *body, _eq(), Num(d, True)]
    return _f("derivative", tokens, d, unit=j)


def _backward_linear(trace: XrayTrace, layer: DenseLayer, n: int) -> Stage:
    formulas: list[Formula] = []
    scale = trace.loss.scale
    for j in range(layer.units):
        delta = float(layer.delta[n, j])
        if not layer.ops and layer.is_output:
            tokens = _output_gradient_tokens(trace.loss, n, j, Sym("δ", _index(j)))
            caption = Words(N_("the output δ comes from the loss"))
        elif layer.derivative is not None:
            d, up = float(layer.derivative[n, j]), float(layer.upstream[n, j])
            sum_tokens: list[Token] = (
                [Sym("∂ℓ/∂a", _index(j))]
                if layer.is_output
                else [Op("Σₖ"), Sym("w", "k" + _index(j)), _dot(), Sym("δ", "k")]
            )
            tokens = [
                Sym("δ", _index(j)),
                _eq(),
                Op("f′"),
                Op("("),
                Sym("z", _index(j)),
                Op(")"),
                _dot(),
                *sum_tokens,
                _eq(),
                Num(d),
                _dot(),
                Num(up),
                _eq(),
                Num(delta, True),
            ]
            caption = Words(N_("the chain rule: δ = ∂ℓ/∂z"))
        else:
            tokens = [Sym("δ", _index(j)), _eq(), Sym("∂ℓ/∂z", _index(j)), _eq(), Num(delta, True)]
            caption = Words(N_("through the softmax"))
        formulas.append(_f("delta", tokens, delta, unit=j, caption=caption))
        for i in range(layer.fan_in):
            grad = float(layer.grad_weight[j, i])
            head: list[Token] = [Op("∂L/∂"), Sym("w", _index(j, i)), _eq()]
            if scale != 1:
                head += [Op("(1/N)"), _dot()]
            head += [Op("Σₙ"), Sym("δ", _index(j)), _dot(), _input_symbol(layer, i)]
            average = _batch_average(scale, layer.delta[:, j], [(layer.delta[:, j], layer.inputs[:, i])])
            tokens = [*head, _eq(), *average]
            if layer.penalty_grad_weight is not None:
                tokens += [_plus(), Sym("λ", "1"), _dot(), Op("sign"), Op("("), Sym("w"), Op(")")]
            tokens += [_eq(), Num(grad, True)]
            formulas.append(_f("weight_gradient", tokens, grad, unit=j, parameter=("weight", (j, i))))
        if layer.grad_bias is not None:
            grad = float(layer.grad_bias[j])
            head = [Op("∂L/∂"), Sym("b", _index(j)), _eq()]
            if scale != 1:
                head += [Op("(1/N)"), _dot()]
            head += [
                Op("Σₙ"),
                Sym("δ", _index(j)),
                _eq(),
                *_batch_average(scale, layer.delta[:, j], [(layer.delta[:, j], None)]),
            ]
            formulas.append(
                _f("bias_gradient", [*head, _eq(), Num(grad, True)], grad, unit=j, parameter=("bias", (j,)))
            )
    title = Words(N_("Backward: δ and gradients of {node}"), (("node", layer.node_id),))
    return Stage("backward", layer.node_id, title, tuple(formulas), layer.index)


def _update_formulas(
    trace: XrayTrace,
    update: ParameterUpdate,
    symbol: Sym,
    index: tuple[int, ...],
    unit: int,
    kind: Literal["weight", "bias"],
) -> list[Formula]:
    s = trace.optimizer
    out: list[Formula] = []
    parameter = (kind, index)

    def add(formula_kind: FormulaKind, tokens: list[Token], value: float) -> None:
        out.append(_f(formula_kind, tokens, value, unit=unit, parameter=parameter))

    g, w = float(update.gradient[index]), float(update.before[index])
    g_sym = Sym("g", symbol.sub)
    add("step", [g_sym, _eq(), Op("∂L/∂"), symbol, _eq(), Num(g, True)], g)
    if update.decayed is not None:
        gd = float(update.decayed[index])
        add(
            "decay",
            [
                g_sym,
                Op("←"),
                g_sym,
                _plus(),
                Sym("λ"),
                _dot(),
                symbol,
                _eq(),
                Num(g),
                _plus(),
                Num(s.weight_decay),
                _dot(),
                Num(w),
                _eq(),
                Num(gd, True),
            ],
            gd,
        )
        g = gd
    if not s.explained:
        step = float(update.step[index])
        add("step", [Op("Δ"), symbol, _eq(), Op(f"torch.optim.{s.name}"), _eq(), Num(step, True)], step)
    elif s.name == "SGD":
        direction: list[Token] = [g_sym]
        numbers: list[Token] = [Num(g)]
        if update.velocity is not None:
            v = float(update.velocity[index])
            add(
                "velocity",
                [
                    Sym("v", symbol.sub),
                    Op("←"),
                    Sym("μ"),
                    _dot(),
                    Sym("v", symbol.sub),
                    _plus(),
                    g_sym,
                    _eq(),
                    Num(s.momentum),
                    _dot(),
                    Num(0.0),
                    _plus(),
                    Num(g),
                    _eq(),
                    Num(v, True),
                ],
                v,
            )
            if s.nesterov:
                direction = [Op("("), g_sym, _plus(), Sym("μ"), _dot(), Sym("v", symbol.sub), Op(")")]
                numbers = [Op("("), Num(g), _plus(), Num(s.momentum), _dot(), Num(v), Op(")")]
            else:
                direction, numbers = [Sym("v", symbol.sub)], [Num(v)]
        step = float(update.step[index])
        add(
            "step",
            [
                Op("Δ"),
                symbol,
                _eq(),
                Op(MINUS),
                Sym("η"),
                _dot(),
                *direction,
                _eq(),
                Op(MINUS),
                Num(s.lr),
                _dot(),
                *numbers,
                _eq(),
                Num(step, True),
            ],
            step,
        )
    elif s.name in ("Adam", "AdamW"):
        assert update.first_moment is not None and update.second_moment is not None
        assert update.first_corrected is not None and update.second_corrected is not None
        m, v = float(update.first_moment[index]), float(update.second_moment[index])
        mh, vh = float(update.first_corrected[index]), float(update.second_corrected[index])
        sub = symbol.sub
        add(
            "first_moment",
            [
                Sym("m", sub),
                Op("←"),
                Sym("β", "1"),
                _dot(),
                Sym("m", sub),
                _plus(),
                Op("(1"),
                Op(MINUS),
                Sym("β", "1"),
                Op(")"),
                _dot(),
                g_sym,
                _eq(),
                Num(s.beta1),
                _dot(),
                Num(0.0),
                _plus(),
                Num(1 - s.beta1),
                _dot(),
                Num(g),
                _eq(),
                Num(m, True),
            ],
            m,
        )
        add(
            "second_moment",
            [
                Sym("v", sub),
                Op("←"),
                Sym("β", "2"),
                _dot(),
                Sym("v", sub),
                _plus(),
                Op("(1"),
                Op(MINUS),
                Sym("β", "2"),
                Op(")"),
                _dot(),
                g_sym,
                Op("²"),
                _eq(),
                Num(s.beta2),
                _dot(),
                Num(0.0),
                _plus(),
                Num(1 - s.beta2),
                _dot(),
                Num(g),
                Op("²"),
                _eq(),
                Num(v, True),
            ],
            v,
        )
        add(
            "first_corrected",
            [
                Sym("m̂", sub),
                _eq(),
                Sym("m", sub),
                Op("/"),
                Op("(1"),
                Op(MINUS),
                Sym("β", "1"),
                Op("¹)"),
                _eq(),
                Num(m),
                Op("/"),
                Num(1 - s.beta1),
                _eq(),
                Num(mh, True),
            ],
            mh,
        )
        add(
            "second_corrected",
            [
                Sym("v̂", sub),
                _eq(),
                Sym("v", sub),
                Op("/"),
                Op("(1"),
                Op(MINUS),
                Sym("β", "2"),
                Op("¹)"),
                _eq(),
                Num(v),
                Op("/"),
                Num(1 - s.beta2),
                _eq(),
                Num(vh, True),
            ],
            vh,
        )
        step = float(update.step[index])
        adam = float(step - (update.decay_step[index] if update.decay_step is not None else 0.0))
        tokens: list[Token] = [
            Op("Δ"),
            symbol,
            _eq(),
            Op(MINUS),
            Sym("η"),
            _dot(),
            Sym("m̂", sub),
            Op("/"),
            Op("(√"),
            Sym("v̂", sub),
            _plus(),
            Sym("ε"),
            Op(")"),
            _eq(),
            Op(MINUS),
            Num(s.lr),
            _dot(),
            Num(mh),
            Op("/"),
            Op("(√"),
            Num(vh),
            _plus(),
            Num(s.eps),
            Op(")"),
        ]
        if update.decay_step is not None:
            decay = float(update.decay_step[index])
            tokens += [
                _eq(),
                Num(adam),
                _plus(),
                Op("("),
                Op(MINUS),
                Sym("η"),
                _dot(),
                Sym("λ"),
                _dot(),
                symbol,
                Op(")"),
                _eq(),
                Num(adam),
                _plus(),
                Num(decay),
            ]
        tokens += [_eq(), Num(step, True)]
        add("step", tokens, step)
    else:  # RMSprop, Adagrad
        assert update.second_moment is not None and update.denominator is not None
        sq = float(update.second_moment[index])
        sub = symbol.sub
        if s.name == "RMSprop":
            add(
                "second_moment",
                [
                    Sym("s", sub),
                    Op("←"),
                    Sym("α"),
                    _dot(),
                    Sym("s", sub),
                    _plus(),
                    Op("(1"),
                    Op(MINUS),
                    Sym("α"),
                    Op(")"),
                    _dot(),
                    g_sym,
                    Op("²"),
                    _eq(),
                    Num(1 - s.alpha),
                    _dot(),
                    Num(g),
                    Op("²"),
                    _eq(),
                    Num(sq, True),
                ],
                sq,
            )
        else:
            add(
                "second_moment",
                [
                    Sym("G", sub),
                    Op("←"),
                    Sym("G", sub),
                    _plus(),
                    g_sym,
                    Op("²"),
                    _eq(),
                    Num(g),
                    Op("²"),
                    _eq(),
                    Num(sq, True),
                ],
                sq,
            )
        step = float(update.step[index])
        name = "s" if s.name == "RMSprop" else "G"
        add(
            "step",
            [
                Op("Δ"),
                symbol,
                _eq(),
                Op(MINUS),
                Sym("η"),
                _dot(),
                g_sym,
                Op("/"),
                Op("(√"),
                Sym(name, sub),
                _plus(),
                Sym("ε"),
                Op(")"),
                _eq(),
                Num(step, True),
            ],
            step,
        )
    after = float(update.after[index])
    add(
        "new_value",
        [
            symbol,
            Op("←"),
            symbol,
            _plus(),
            Op("Δ"),
            symbol,
            _eq(),
            Num(w),
            _plus(),
            Num(float(update.step[index])),
            _eq(),
            Num(after, True),
        ],
        after,
    )
    return out


def _update_stage(trace: XrayTrace, layer: DenseLayer, first: bool) -> Stage:
    formulas: list[Formula] = []
    if first and trace.clipping is not None:
        c = trace.clipping
        if c.mode == "norm":
            tokens: list[Token] = [
                Op("clip"),
                _eq(),
                Op("min(1,"),
                Num(c.max_value),
                Op("/"),
                Op("‖g‖)"),
                _eq(),
                Op("min(1,"),
                Num(c.max_value),
                Op("/"),
                Num(c.total_norm),
                Op(")"),
                _eq(),
                Num(c.factor, True),
            ]
            formulas.append(
                _f(
                    "clipping",
                    tokens,
                    c.factor,
                    caption=Words(N_("gradient clipping by norm: every gradient is multiplied by this")),
                )
            )
        else:
            tokens = [Op("g"), Op("←"), Op("clamp(g,"), Op(MINUS), Num(c.max_value), Op(","), Num(c.max_value), Op(")")]
            formulas.append(_f("clipping", tokens, c.max_value, caption=Words(N_("gradient clipping by value"))))
    for j in range(layer.units):
        for i in range(layer.fan_in):
            formulas += _update_formulas(trace, layer.weight_update, Sym("w", _index(j, i)), (j, i), j, "weight")
        if layer.bias_update is not None:
            formulas += _update_formulas(trace, layer.bias_update, Sym("b", _index(j)), (j,), j, "bias")
    title = Words(N_("Update: {optimizer} on {node}"), (("optimizer", trace.optimizer.name), ("node", layer.node_id)))
    notes = [Words(N_("learning rate η = {lr}"), (("lr", trace.optimizer.lr),))]
    if trace.optimizer.name in ("Adam", "AdamW"):
        notes.append(Words(N_("step 1: m and v start at 0, so m̂ = g and v̂ = g²")))
    if trace.optimizer.name == "SGD" and trace.optimizer.momentum:
        notes.append(Words(N_("step 1: the velocity starts at 0")))
    return Stage("update", layer.node_id, title, tuple(formulas), layer.index, None, tuple(notes))


# ---- statistics view ------------------------------------------------------------------------------


def _statistics_stages(trace: XrayTrace) -> tuple[Stage, ...]:
    stats = trace.statistics
    stages: list[Stage] = []
    for number, item in enumerate(stats):
        tokens: list[Token] = [
            Op("mean(a)"),
            _eq(),
            Num(item.activation_mean, True),
            Op(","),
            Op("std(a)"),
            _eq(),
            Num(item.activation_std, True),
        ]
        formula = _f("statistic", tokens, item.activation_mean)
        stages.append(
            Stage(
                "forward",
                item.node_id,
                Words(N_("Forward: {node} ({kind})"), (("node", item.node_id), ("kind", item.layer_type))),
                (formula,),
                number,
            )
        )
    loss = trace.loss
    loss_formulas = [_f("batch_loss", [Sym("L"), _eq(), Num(loss.value, True)], loss.value)]
    stages.append(
        Stage("loss", trace.output_id, Words(N_("Loss: {name}"), (("name", loss.name),)), tuple(loss_formulas))
    )
    with_parameters = [(number, item) for number, item in enumerate(stats) if item.gradient_norm is not None]
    for number, item in reversed(with_parameters):
        stages.append(
            Stage(
                "backward",
                item.node_id,
                Words(N_("Backward: gradient of {node}"), (("node", item.node_id),)),
                (_gradient_norm(item),),
                number,
            )
        )
    for number, item in reversed(with_parameters):
        stages.append(
            Stage(
                "update",
                item.node_id,
                Words(
                    N_("Update: {optimizer} on {node}"), (("optimizer", trace.optimizer.name), ("node", item.node_id))
                ),
                _update_norms(item),
                number,
            )
        )
    return tuple(stages)


def _gradient_norm(item: LayerStatistics) -> Formula:
    value = float(item.gradient_norm or 0.0)
    return _f("statistic", [Op("‖∂L/∂θ‖"), _eq(), Num(value, True)], value)


def _update_norms(item: LayerStatistics) -> tuple[Formula, ...]:
    update = float(item.update_norm or 0.0)
    ratio = item.update_ratio
    formulas = [_f("statistic", [Op("‖Δθ‖"), _eq(), Num(update, True)], update)]
    if ratio is not None:
        formulas.append(
            _f(
                "statistic",
                [
                    Op("‖Δθ‖/‖θ‖"),
                    _eq(),
                    Num(update),
                    Op("/"),
                    Num(float(item.weight_norm or 0.0)),
                    _eq(),
                    Num(ratio, True),
                ],
                ratio,
            )
        )
    return tuple(formulas)
