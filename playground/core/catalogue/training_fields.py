"""The training fields of the experiment settings as parameters (epochs, batch size, seeds,
early stopping, clipping …), so the settings inspector gives them the same editors, ranges and
help as every layer parameter. Their help is translated where it is shown (`ParamSpec.help_text`)."""

from __future__ import annotations

from playground.core.catalogue.training import INIT_SCHEMES
from playground.core.i18n import N_
from playground.core.params import INT_MAX, ParamSpec

MONITORS = ("val_loss", "val_accuracy", "val_mae", "val_r2", "train_loss")
DEVICES = ("auto", "cpu", "cuda", "mps")

EPOCHS = ParamSpec("epochs", "int", 20, N_("How many passes over the training data."), minimum=1, maximum=100_000)
BATCH = ParamSpec("batch_size", "int", 32, N_("Samples per gradient step."), minimum=1, maximum=INT_MAX)
SEED = ParamSpec(
    "seed",
    "int",
    0,
    N_("Seed of the weight initialisation and the batch order: same seed, same run."),
    minimum=0,
    maximum=INT_MAX,
)
DATA_SEED = ParamSpec(
    "seed", "int", 0, N_("Seed of the generated points and of the train/val/test split."), minimum=0, maximum=INT_MAX
)
L1 = ParamSpec(
    "l1",
    "float",
    0.0,
    N_("L1 penalty: this times the sum of |weights| is added to the loss."),
    minimum=0.0,
    maximum=10.0,
)
DEVICE = ParamSpec(
    "device", "choice", "auto", N_("Where training runs; auto picks a GPU when there is one."), choices=DEVICES
)
CLIP_MODE = ParamSpec(
    "mode", "choice", "norm", N_("Clip the total gradient norm, or each value."), choices=("norm", "value")
)
CLIP_MAX = ParamSpec(
    "max_value",
    "float",
    1.0,
    N_("The largest gradient norm (or value) allowed."),
    minimum=0.0,
    maximum=1e6,
    exclusive_minimum=True,
)
MONITOR = ParamSpec("monitor", "choice", "val_loss", N_("The metric that decides."), choices=MONITORS)
PATIENCE = ParamSpec(
    "patience", "int", 10, N_("Epochs without improvement before stopping."), minimum=1, maximum=INT_MAX
)
MIN_DELTA = ParamSpec(
    "min_delta", "float", 0.0, N_("The smallest change that counts as an improvement."), minimum=0.0, maximum=1e6
)
RESTORE = ParamSpec("restore", "bool", True, N_("Put the best weights back when training ends."))
WARMUP = ParamSpec(
    "warmup_steps",
    "int",
    0,
    N_("Optimizer steps of linear learning-rate warmup (0 = none)."),
    minimum=0,
    maximum=INT_MAX,
)
INTERVAL = ParamSpec(
    "interval", "choice", "epoch", N_("Step the schedule after every epoch or every batch."), choices=("epoch", "step")
)
INIT = ParamSpec("init", "choice", "default", N_("How the weights start."), choices=tuple(INIT_SCHEMES))
# Knowledge distillation (`training.distillation`); the bounds are the format's.
TEACHER = ParamSpec(
    "teacher",
    "str",
    "",
    N_("The teacher: an experiment file (relative to this one's folder) or a bundled preset's file name."),
)
TEACHER_EPOCHS = ParamSpec(
    "teacher_epochs",
    "int",
    None,
    N_("Epochs the teacher trains before the student starts; unticked: the teacher's own number."),
    minimum=1,
    maximum=100_000,
    optional=True,
)
TEMPERATURE = ParamSpec(
    "temperature",
    "float",
    4.0,
    N_("τ: how much both networks' outputs are softened (softmax(z/τ)); higher shows more of the classes' likeness."),
    minimum=0.0,
    maximum=100.0,
    exclusive_minimum=True,
)
ALPHA = ParamSpec(
    "alpha",
    "float",
    0.5,
    N_("α: the weight of the labels' cross-entropy; 1 − α goes to matching the teacher (L = α·CE + (1 − α)·τ²·KL)."),
    minimum=0.0,
    maximum=1.0,
)
