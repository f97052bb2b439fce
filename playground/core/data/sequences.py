"""Generated sequence datasets for recurrent, attention and embedding models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from playground.core.data.assemble import Builder, RawData
from playground.core.data.types import DatasetType
from playground.core.i18n import N_
from playground.core.params import ParamSpec as P

SINE_PERIOD = 25.0  # steps per cycle: a window of 20 sees most of one period
WAVE_NAMES = (N_("sine"), N_("square"), N_("triangle"), N_("sawtooth"))  # class names: label_text() says them


def _sine(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    """Independent windows (random phase) so train and test windows never overlap."""
    n, window = params["samples"], params["window"]
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    steps = np.arange(window + 1) * (2 * np.pi / SINE_PERIOD)
    series = np.sin(phase + steps) + rng.normal(0, params["noise"], (n, window + 1))
    return RawData(
        x=series[:, :window, None],
        y=series[:, window:],  # the next value, horizon 1
        task="regression",
        modality="sequence",
        scaling="per_feature",
        scale_target_like_input=True,  # the target stays "the next value of the same series"
    )


def _wave(kind: int, cycle: np.ndarray) -> np.ndarray:
    """One period shape evaluated at `cycle` in [0, 1)."""
    if kind == 0:
        return np.sin(2 * np.pi * cycle)
    if kind == 1:
        return np.where(cycle < 0.5, 1.0, -1.0)
    if kind == 2:
        return 1 - 4 * np.abs(cycle - 0.5)
    return 2 * cycle - 1


def _waveforms(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    n, window = params["samples"], params["window"]
    labels = np.arange(n) % len(WAVE_NAMES)  # balanced; the split shuffles
    top_cycles = max(1.2, min(4.0, window / 6))  # at least ~6 samples per period
    cycles = rng.uniform(1.0, top_cycles, (n, 1))
    phase = rng.uniform(0, 1, (n, 1))
    amplitude = rng.uniform(0.7, 1.3, (n, 1))
    position = np.mod(phase + cycles * np.arange(window) / window, 1.0)
    series = np.empty((n, window))
    for kind in range(len(WAVE_NAMES)):
        rows = labels == kind
        series[rows] = _wave(kind, position[rows])
    series = amplitude * series + rng.normal(0, params["noise"], (n, window))
    return RawData(
        x=series[:, :, None],
        y=labels.astype(np.int64),
        task="classification",
        modality="sequence",
        class_names=WAVE_NAMES,
        scaling="per_feature",
    )


def _majority(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    n, vocab, length = params["samples"], params["vocab"], params["length"]
    tokens = rng.integers(0, vocab, (n, length), dtype=np.int64)
    counts = np.zeros((n, vocab), np.int64)
    np.add.at(counts, (np.repeat(np.arange(n), length), tokens.ravel()), 1)
    labels = counts.argmax(axis=1)  # argmax takes the first maximum: ties go to the smallest token
    return RawData(
        x=tokens,
        y=labels,
        task="classification",
        modality="tokens",
        class_names=tuple(str(t) for t in range(vocab)),
        vocab_size=vocab,
        scaling="none",
    )


def _symbol_names(count: int) -> tuple[str, ...]:
    return tuple(str(t) for t in range(count))


def _recall(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    """The first token is one of `symbols` values; `length` distractors follow, drawn from tokens of
    their own, so the answer can only come from memory of step 0."""
    n, symbols, length = params["samples"], params["symbols"], params["length"]
    first = rng.permutation(np.arange(n) % symbols)  # balanced classes
    distractors = rng.integers(symbols, 2 * symbols, (n, length), dtype=np.int64)
    return RawData(
        x=np.concatenate([first[:, None], distractors], axis=1).astype(np.int64),
        y=first.astype(np.int64),
        task="classification",
        modality="tokens",
        class_names=_symbol_names(symbols),
        vocab_size=2 * symbols,
        scaling="none",
    )


def _marked(params: dict[str, Any], rng: np.random.Generator, base_dir: Path | None) -> RawData:
    """Random values 0..V-1, one of them marked: written as the token V + value. The label is the
    marked token's value, so the answer sits at one position, anywhere in the sequence."""
    n, symbols, length = params["samples"], params["symbols"], params["length"]
    tokens = rng.integers(0, symbols, (n, length), dtype=np.int64)
    where = rng.integers(0, length, n)
    rows = np.arange(n)
    labels = tokens[rows, where].copy()
    tokens[rows, where] += symbols
    return RawData(
        x=tokens,
        y=labels,
        task="classification",
        modality="tokens",
        class_names=_symbol_names(symbols),
        vocab_size=2 * symbols,
        scaling="none",
    )


def marked_positions(tokens: np.ndarray, symbols: int) -> np.ndarray:
    """The marked position of each sequence of the marked-token dataset (tokens ≥ `symbols`)."""
    return np.asarray(np.argmax(np.asarray(tokens) >= symbols, axis=-1))


def _samples(default: int) -> P:
    return P(
        "samples",
        "int",
        default,
        N_("How many sequences to generate (all splits together)."),
        minimum=20,
        maximum=10000,
    )


def _noise(default: float) -> P:
    return P(
        "noise",
        "float",
        default,
        N_("Standard deviation of the Gaussian noise added to each value."),
        minimum=0.0,
        maximum=0.5,
    )


ENTRIES: tuple[tuple[DatasetType, Builder], ...] = (
    (
        DatasetType(
            "sine",
            N_("Sine: next value"),
            N_("Windows of a noisy sine wave; predict the value that comes next. A first RNN/LSTM task."),
            (
                _samples(1000),
                P("window", "int", 20, N_("Time steps per window (T)."), minimum=4, maximum=200),
                _noise(0.05),
            ),
            N_("Sequences"),
        ),
        _sine,
    ),
    (
        DatasetType(
            "waveforms",
            N_("Waveform shapes"),
            N_(
                "Tell sine, square, triangle and sawtooth waves apart, whatever their frequency and phase: "
                "suits a small Transformer or a 1-D CNN."
            ),
            (
                _samples(800),
                P("window", "int", 32, N_("Time steps per window (T)."), minimum=8, maximum=256),
                _noise(0.1),
            ),
            N_("Sequences"),
        ),
        _waveforms,
    ),
    (
        DatasetType(
            "majority",
            N_("Majority token"),
            N_(
                "Sequences of tokens; the label is the most frequent token (ties: the smallest). For an "
                "Embedding followed by an LSTM or attention."
            ),
            (
                _samples(1000),
                P("vocab", "int", 6, N_("Number of distinct tokens (V)."), minimum=2, maximum=50),
                P("length", "int", 12, N_("Tokens per sequence (T)."), minimum=2, maximum=200),
            ),
            N_("Sequences"),
        ),
        _majority,
    ),
    (
        DatasetType(
            "recall",
            N_("Long memory recall"),
            N_(
                "The first token is the answer; T distractor tokens follow. The model must keep the first "
                "token in memory for T steps: a plain RNN forgets as T grows, an LSTM or GRU remembers."
            ),
            (
                _samples(1000),
                P(
                    "symbols",
                    "int",
                    4,
                    N_("Number of values the first token can take (classes)."),
                    minimum=2,
                    maximum=10,
                ),
                P("length", "int", 20, N_("Distractor tokens after the first one (T)."), minimum=1, maximum=200),
            ),
            N_("Sequences"),
        ),
        _recall,
    ),
    (
        DatasetType(
            "marked",
            N_("Find the marked token"),
            N_(
                "Random tokens, one of them marked (the token V + value); the label is the marked token's "
                "value. The answer sits at one position, so attention learns to look there."
            ),
            (
                _samples(1000),
                P(
                    "symbols",
                    "int",
                    4,
                    N_("Number of values a token can take (V, the classes)."),
                    minimum=2,
                    maximum=20,
                ),
                P("length", "int", 10, N_("Tokens per sequence (T)."), minimum=2, maximum=200),
            ),
            N_("Sequences"),
        ),
        _marked,
    ),
)
