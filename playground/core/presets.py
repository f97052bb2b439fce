"""The lesson presets shipped in `presets/`, in course order, and the experiment a new window
starts with. No Qt here: the window's File menu reads it, and so can anything else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.core import i18n
from playground.core.errors import ExperimentError
from playground.core.experiment import FORMAT_VERSION, Experiment, experiment_from_dict, load_experiment
from playground.core.resources import presets_dir

PRESETS_DIR = presets_dir()
DEFAULT_PRESET = "xor.json"


@dataclass(frozen=True)
class Preset:
    path: Path
    name: str  # the experiment's own name ("XOR needs a hidden layer")
    # the name in other languages ("zh_CN" -> "XOR 需要隐藏层"), from the file's `translations`
    names: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def localized_name(self, language: str | None = None) -> str:
        """The name the menu shows in `language` (None: the current one), else the default name,
        as `Experiment.localized_name` falls back (the window names an opened lesson so too)."""
        return self.names.get(language or i18n.language()) or self.name


# The course's order: each lesson builds on the ones before (presets not named here follow, by name).
LESSON_ORDER = (
    # first networks
    "and_gate",
    "xor",
    "spiral",
    # how training moves
    "gradient_descent_variants",
    "learning_rate_too_high",
    "vanishing_gradients_sigmoid",
    "vanishing_gradients_relu",
    "exploding_gradients_clipping",
    "initialisation_symmetry",
    "initialisation_he_deep_relu",
    "normalisation_batch_layer",
    # what training minimises
    "losses_outliers",
    "focal_loss_imbalanced",
    # generalisation
    "dropout_overfitting",
    "dropout_overfitting_regularized",
    "early_stopping_best_weights",
    # images
    "mlp_mnist",
    "cnn_mnist",
    "convolution_arithmetic",
    "lenet5_mnist",
    "vgg_two_3x3_vs_5x5",
    "inception_module",
    "resnet_block_digits",
    "mobilenet_depthwise_separable",
    "augmentation_mnist",
    "lr_schedules_cnn",
    # representations and smaller models
    "autoencoder_digits",
    "triplet_embedding",
    "distillation_teacher_circle",
    "knowledge_distillation",
    # sequences
    "lstm_sine",
    "rnn_lstm_gru_memory",
    "transformer_sequence",
    "attention_marked_token",
)


def list_presets(folder: Path | None = None) -> list[Preset]:
    """Every readable preset, in lesson order; unreadable files are skipped (the tests check them)."""
    folder = folder or PRESETS_DIR
    presets = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            name = document.get("name") or path.stem
        except (OSError, ValueError, AttributeError):
            continue
        presets.append(Preset(path, str(name), _translated_names(document.get("translations"))))

    def lesson_position(preset: Preset) -> tuple[int, str]:
        stem = preset.path.stem
        return (LESSON_ORDER.index(stem) if stem in LESSON_ORDER else len(LESSON_ORDER), preset.name.lower())

    return sorted(presets, key=lesson_position)


def _translated_names(translations: Any) -> dict[str, str]:
    """The non-empty names of a file's `translations` (read without validating the file, as the
    menu is built at start-up; a malformed entry is left out: opening the file reports it)."""
    if not isinstance(translations, dict):
        return {}
    return {
        str(code): entry["name"]
        for code, entry in translations.items()
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"]
    }


# Used only when the presets folder is missing (an unusual install): a small network on a 2-D dataset.
_FALLBACK = {
    "format": "nn-playground.experiment",
    "version": FORMAT_VERSION,
    "name": "XOR needs a hidden layer",
    "description": "# XOR needs a hidden layer\n\nNo straight line separates the XOR classes: a hidden layer of "
    "Tanh units bends the boundary. Train it and watch.",
    "data": {
        "dataset": "xor",
        "params": {"samples": 400, "noise": 0.1},
        "split": {"train": 0.7, "val": 0.15, "test": 0.15},
        "seed": 0,
    },
    "model": {
        "nodes": [
            {"id": "input", "type": "Input", "pos": [0, 0]},
            {"id": "hidden", "type": "Linear", "params": {"out_features": 4}, "pos": [180, 0]},
            {"id": "act", "type": "Tanh", "pos": [360, 0]},
            {"id": "logits", "type": "Linear", "params": {"out_features": 2}, "pos": [540, 0]},
        ],
        "edges": [["input", "hidden"], ["hidden", "act"], ["act", "logits"]],
    },
    "training": {
        "loss": {"type": "CrossEntropyLoss", "params": {}},
        "optimizer": {"type": "Adam", "params": {"lr": 0.03}},
        "scheduler": None,
        "epochs": 60,
        "batch_size": 16,
        "seed": 0,
        "device": "auto",
    },
}


def empty_experiment() -> Experiment:
    """What File ▸ New opens: an Input node on a 2-D dataset, the usual training settings, no lesson."""
    return experiment_from_dict(
        {
            "format": "nn-playground.experiment",
            "version": FORMAT_VERSION,
            "name": "Untitled experiment",
            "description": "",
            "data": {"dataset": "moons", "params": {}, "split": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 0},
            "model": {"nodes": [{"id": "input", "type": "Input", "pos": [0, 0]}], "edges": []},
            "training": {
                "loss": {"type": "CrossEntropyLoss", "params": {}},
                "optimizer": {"type": "Adam", "params": {"lr": 0.01}},
                "scheduler": None,
                "epochs": 50,
                "batch_size": 16,
                "seed": 0,
                "device": "auto",
            },
        },
        i18n._("a new experiment"),
    )


def default_experiment() -> Experiment:
    """What a bare launch opens: the XOR lesson, as an untitled experiment, ready to train."""
    try:
        return load_experiment(PRESETS_DIR / DEFAULT_PRESET)
    except ExperimentError:
        return experiment_from_dict(_FALLBACK, i18n._("built-in default"))
