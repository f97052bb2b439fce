"""Recurrent and attention layers, Embedding, PositionalEncoding and SequencePool.

All sequence tensors are batch-first: (N, T, F). `SequencePool` is the playground's node that
turns a sequence (N, T, H) into one vector per sample (N, H): the last step, the mean or the max
over time; it sits between an LSTM/attention stack and the classifier head.
"""

from __future__ import annotations

from typing import Any

from playground.core.catalogue.checks import largest_divisor_at_most, require_sequence
from playground.core.catalogue.layer_type import Fix, InferContext, InferFn, Inferred, LayerType, MacsFn, TensorSpec
from playground.core.catalogue.modules import PositionalEncoding
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P

_HIDDEN = P("hidden_size", "int", 32, N_("Size of the hidden state (features per time step)."), minimum=1, maximum=4096)
_LAYERS = P("num_layers", "int", 1, N_("Stacked recurrent layers."), minimum=1, maximum=8)
_BIDIRECTIONAL = P("bidirectional", "bool", False, N_("Also read the sequence backwards; doubles the features."))
_DROPOUT = P("dropout", "float", 0.0, N_("Dropout between stacked layers."), minimum=0.0, maximum=0.99, advanced=True)


def _recurrent(kind: str) -> InferFn:
    def infer(ctx: InferContext) -> Inferred:
        x = require_sequence(ctx, kind)
        p = ctx.params
        kwargs: dict[str, Any] = {
            "input_size": x.shape[1],
            "hidden_size": p["hidden_size"],
            "num_layers": p["num_layers"],
        }
        if kind == "RNN":
            kwargs["nonlinearity"] = p["nonlinearity"]
        kwargs.update(
            batch_first=True, dropout=p["dropout"] if p["num_layers"] > 1 else 0.0, bidirectional=p["bidirectional"]
        )
        features = p["hidden_size"] * (2 if p["bidirectional"] else 1)
        return Inferred(TensorSpec((x.shape[0], features)), kwargs)

    return infer


def _recurrent_macs(gates: int) -> MacsFn:
    def macs(ctx: InferContext, inferred: Inferred) -> int:
        kw = inferred.kwargs
        directions = 2 if kw["bidirectional"] else 1
        steps = ctx.x.shape[0]
        hidden: int = kw["hidden_size"]
        inputs: int = kw["input_size"]
        layers: int = kw["num_layers"]
        first = gates * hidden * (inputs + hidden)
        later = gates * hidden * (hidden * directions + hidden)
        return steps * directions * (first + later * (layers - 1))

    return macs


def _recurrent_forward(out: str, ins: list[str], attr: str, params: dict[str, Any]) -> str:
    return f"{out}, _ = self.{attr}({ins[0]})"


def _heads_fix(ctx: InferContext, name: str, features: int) -> Fix:
    heads = largest_divisor_at_most(features, ctx.params[name])
    label = _("Set {param} of '{node}' to {value}").format(param=name, node=ctx.node_id, value=heads)
    return Fix("set_param", ctx.node_id, label, params={name: heads})


def _attention(ctx: InferContext) -> Inferred:
    x = require_sequence(ctx, "MultiheadAttention")
    features, heads = x.shape[1], ctx.params["num_heads"]
    if features % heads:
        raise ctx.fail(
            _(
                "MultiheadAttention '{node}': embed_dim {features} (from its input {shape}) must be divisible "
                "by num_heads={heads}"
            ).format(node=ctx.node_id, features=features, shape=x.text(), heads=heads),
            _heads_fix(ctx, "num_heads", features),
        )
    kwargs = {
        "embed_dim": features,
        "num_heads": heads,
        "dropout": ctx.params["dropout"],
        "bias": ctx.params["bias"],
        "batch_first": True,
    }
    return Inferred(x, kwargs)


def _attention_macs(ctx: InferContext, inferred: Inferred) -> int:
    steps, features = ctx.x.shape
    return 4 * steps * features * features + 2 * steps * steps * features


def _attention_forward(out: str, ins: list[str], attr: str, params: dict[str, Any]) -> str:
    x = ins[0]
    return f"{out}, _ = self.{attr}({x}, {x}, {x}, need_weights=False)"


def _encoder_layer(ctx: InferContext) -> Inferred:
    x = require_sequence(ctx, "TransformerEncoderLayer")
    features, heads = x.shape[1], ctx.params["nhead"]
    if features % heads:
        raise ctx.fail(
            _(
                "TransformerEncoderLayer '{node}': d_model {features} (from its input {shape}) must be "
                "divisible by nhead={heads}"
            ).format(node=ctx.node_id, features=features, shape=x.text(), heads=heads),
            _heads_fix(ctx, "nhead", features),
        )
    p = ctx.params
    kwargs = {
        "d_model": features,
        "nhead": heads,
        "dim_feedforward": p["dim_feedforward"],
        "dropout": p["dropout"],
        "activation": p["activation"],
        "batch_first": True,
        "norm_first": p["norm_first"],
    }
    return Inferred(x, kwargs)


def _embedding(ctx: InferContext) -> Inferred:
    x = ctx.x
    if x.dtype != "int64":
        raise ctx.fail(
            _(
                "Embedding '{node}' looks up token ids (whole numbers) but got real-valued {shape}: "
                "remove it, or use a token dataset such as 'majority'"
            ).format(node=ctx.node_id, shape=x.text())
        )
    vocab = x.vocab or 1
    return Inferred(
        TensorSpec(x.shape + (ctx.params["embedding_dim"],)),
        {"num_embeddings": vocab, "embedding_dim": ctx.params["embedding_dim"]},
    )


def _positional(ctx: InferContext) -> Inferred:
    x = require_sequence(ctx, "PositionalEncoding")
    if x.shape[1] % 2:
        raise ctx.fail(
            _("PositionalEncoding '{node}' needs an even number of features, got {shape}").format(
                node=ctx.node_id, shape=x.text()
            )
        )
    return Inferred(x, {"d_model": x.shape[1], "max_len": max(512, x.shape[0])})


def _sequence_pool(ctx: InferContext) -> Inferred:
    x = require_sequence(ctx, "SequencePool")
    return Inferred(TensorSpec((x.shape[1],)), {})


def _sequence_pool_forward(out: str, ins: list[str], attr: str, params: dict[str, Any]) -> str:
    mode = params["mode"]
    if mode == "last":
        return f"{out} = {ins[0]}[:, -1]"
    if mode == "mean":
        return f"{out} = {ins[0]}.mean(dim=1)"
    return f"{out} = {ins[0]}.amax(dim=1)"


_RNN_PARAMS = (_HIDDEN, _LAYERS, _BIDIRECTIONAL, _DROPOUT)

LAYERS = (
    LayerType(
        "RNN",
        "Recurrent & attention",
        N_("A simple recurrent layer: the hidden state is updated at every step."),
        _recurrent("RNN"),
        (
            _HIDDEN,
            _LAYERS,
            P("nonlinearity", "choice", "tanh", N_("Activation of the update."), choices=("tanh", "relu")),
            _BIDIRECTIONAL,
            _DROPOUT,
        ),
        torch_class="RNN",
        forward=_recurrent_forward,
        formula="hₜ = tanh(W·xₜ + U·hₜ₋₁ + b)",
        key_params=("hidden_size",),
        macs=_recurrent_macs(1),
        color="#8172b3",
    ),
    LayerType(
        "LSTM",
        "Recurrent & attention",
        N_("Long short-term memory: forget, input and output gates let gradients flow over long sequences."),
        _recurrent("LSTM"),
        _RNN_PARAMS,
        torch_class="LSTM",
        forward=_recurrent_forward,
        formula="cₜ = fₜ⊙cₜ₋₁ + iₜ⊙c̃ₜ,  hₜ = oₜ⊙tanh(cₜ)",
        key_params=("hidden_size",),
        macs=_recurrent_macs(4),
        color="#8172b3",
    ),
    LayerType(
        "GRU",
        "Recurrent & attention",
        N_("Gated recurrent unit: an LSTM with two gates and no cell state."),
        _recurrent("GRU"),
        _RNN_PARAMS,
        torch_class="GRU",
        forward=_recurrent_forward,
        formula="hₜ = (1 − zₜ)⊙hₜ₋₁ + zₜ⊙h̃ₜ",
        key_params=("hidden_size",),
        macs=_recurrent_macs(3),
        color="#8172b3",
    ),
    LayerType(
        "MultiheadAttention",
        "Recurrent & attention",
        N_("Self-attention: every step looks at every other step, weighted by query-key similarity."),
        _attention,
        (
            P(
                "num_heads",
                "int",
                2,
                N_("Parallel attention heads; must divide the feature size."),
                minimum=1,
                maximum=64,
            ),
            P(
                "dropout",
                "float",
                0.0,
                N_("Dropout on the attention weights."),
                minimum=0.0,
                maximum=0.99,
                advanced=True,
            ),
            P("bias", "bool", True, N_("Learn biases in the projections."), advanced=True),
        ),
        torch_class="MultiheadAttention",
        forward=_attention_forward,
        formula="Attention(Q, K, V) = softmax(QKᵀ/√d)·V",
        key_params=("num_heads",),
        macs=_attention_macs,
        color="#64b5cd",
    ),
    LayerType(
        "TransformerEncoderLayer",
        "Recurrent & attention",
        N_("Self-attention plus a feed-forward block, each with a residual connection and LayerNorm."),
        _encoder_layer,
        (
            P("nhead", "int", 2, N_("Attention heads; must divide the feature size."), minimum=1, maximum=64),
            P("dim_feedforward", "int", 64, N_("Width of the feed-forward block."), minimum=1, maximum=16384),
            P("dropout", "float", 0.1, N_("Dropout inside the block."), minimum=0.0, maximum=0.99),
            P("activation", "choice", "relu", N_("Activation of the feed-forward block."), choices=("relu", "gelu")),
            P("norm_first", "bool", False, N_("Normalise before each sub-block (pre-norm)."), advanced=True),
        ),
        torch_class="TransformerEncoderLayer",
        key_params=("nhead", "dim_feedforward"),
        color="#64b5cd",
    ),
    LayerType(
        "Embedding",
        "Recurrent & attention",
        N_("Looks up a learned vector for each token id: (N, T) → (N, T, D)."),
        _embedding,
        (P("embedding_dim", "int", 16, N_("Length of each token's vector."), minimum=1, maximum=4096),),
        torch_class="Embedding",
        key_params=("embedding_dim",),
        color="#64b5cd",
    ),
    LayerType(
        "PositionalEncoding",
        "Recurrent & attention",
        N_("Adds fixed sine/cosine signals that encode each step's position; attention alone is blind to order."),
        _positional,
        module_factory=lambda kw: PositionalEncoding(**kw),
        formula="PE(t, 2i) = sin(t/10000^(2i/d)),  PE(t, 2i+1) = cos(t/10000^(2i/d))",
        color="#64b5cd",
    ),
    LayerType(
        "SequencePool",
        "Recurrent & attention",
        N_(
            "Turns a sequence (N, T, H) into one vector per sample (N, H): the last step, the mean or the max "
            "over time. Put it between an LSTM/attention stack and the classifier."
        ),
        _sequence_pool,
        (P("mode", "choice", "last", N_("Which summary of the sequence to keep."), choices=("last", "mean", "max")),),
        forward=_sequence_pool_forward,
        has_module=False,
        key_params=("mode",),
        color="#64b5cd",
    ),
)
