"""The experiment document: schema, validation, migration, loading and saving."""

from playground.core.experiment.io import (
    copy_experiment,
    experiment_from_dict,
    experiment_from_json,
    experiment_to_dict,
    experiment_to_json,
    load_experiment,
    save_experiment,
)
from playground.core.experiment.schema import (
    FORMAT_ID,
    FORMAT_VERSION,
    ComponentSpec,
    DataSpec,
    Experiment,
    ModelSpec,
    NodeSpec,
    SchedulerSpec,
    Split,
    TrainingSpec,
)

__all__ = [
    "FORMAT_ID",
    "FORMAT_VERSION",
    "ComponentSpec",
    "DataSpec",
    "Experiment",
    "ModelSpec",
    "NodeSpec",
    "SchedulerSpec",
    "Split",
    "TrainingSpec",
    "copy_experiment",
    "experiment_from_dict",
    "experiment_from_json",
    "experiment_to_dict",
    "experiment_to_json",
    "load_experiment",
    "save_experiment",
]
