"""A hand-edited or hostile checkpoint gives one CheckpointError and changes nothing; a save deletes
only its own previous tensor file and never writes over a checkpoint.json it did not write."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import load_file, save_file

from playground.cli import main
from playground.core.experiment import experiment_from_dict
from playground.core.training import CheckpointError, StepEvent, Trainer, TrainerOptions, TrainingControl
from playground.core.training.checkpoint import MANIFEST, check_checkpoint_target, decode_state
from tests.core.factories import chain

torch.set_num_threads(1)

BATCHES = 5  # 100 spiral samples, 70 for training, batches of 16


def document(epochs: int = 3, **training: Any) -> dict[str, Any]:
    doc = chain(
        ("fc1", "Linear", {"out_features": 4}),
        ("act1", "ReLU", {}),
        ("drop", "Dropout", {"p": 0.2}),
        ("logits", "Linear", {"out_features": 2}),
        dataset="spiral",
        data_params={"samples": 100, "noise": 0.1},
    )
    doc["training"].update(
        {
            "epochs": epochs,
            "batch_size": 16,
            "device": "cpu",
            "optimizer": {"type": "Adam", "params": {"lr": 0.01}},
            "scheduler": {"type": "StepLR", "params": {"step_size": 2, "gamma": 0.5}, "warmup_steps": 3},
            "keep_best": {"monitor": "val_loss", "restore": False},
            "early_stopping": {"monitor": "val_loss", "patience": 50},
            **training,
        }
    )
    return doc


def trainer(epochs: int = 3, **training: Any) -> Trainer:
    return Trainer(experiment_from_dict(document(epochs, **training)), options=TrainerOptions(diagnostics=False))


def train_and_stop(folder: Path, stop_at: int | None, epochs: int = 3, **training: Any) -> Trainer:
    """Train with checkpoints into `folder`, stopping after optimizer step `stop_at` (None: to the end)."""
    control = TrainingControl()

    def observer(event: Any) -> None:
        if stop_at is not None and isinstance(event, StepEvent) and event.step == stop_at:
            control.stop()

    run = Trainer(
        experiment_from_dict(document(epochs, **training)),
        control=control,
        observer=observer,
        options=TrainerOptions(checkpoint_dir=folder, max_step_events_per_second=0, diagnostics=False),
    )
    run.run()
    return run


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkpoint stopped in the middle of epoch 2 (epoch 1 done, 2 batches of epoch 2)."""
    folder = tmp_path_factory.mktemp("saved")
    run = train_and_stop(folder, stop_at=BATCHES + 2)
    assert (run.epoch, run.batch) == (1, 2)
    return folder


@pytest.fixture()
def folder(saved: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ckpt"
    shutil.copytree(saved, target)
    return target


# ---- helpers: edit a checkpoint, compare trainers -------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def write_manifest(folder: Path, manifest: Any) -> None:
    (folder / MANIFEST).write_text(dump(manifest), encoding="utf-8")


class Deep:
    """A list nested `depth` levels deep, written as text (json.dumps itself would recurse)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"


def dump(value: Any) -> str:
    text = json.dumps(value, allow_nan=False, default=lambda o: f"@@deep{o.depth}@@")
    return re.sub(r'"@@deep(\d+)@@"', lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)


def edit_state(folder: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    manifest = read_manifest(folder)
    change(manifest["state"])
    write_manifest(folder, manifest)


def set_at(tree: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


def edit_tensor(folder: Path, path: tuple[Any, ...], change: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Replace the tensor at `path` of the state in the tensor file, keeping the manifest's hash right."""
    manifest = read_manifest(folder)
    node = manifest["state"]
    for key in path:
        node = node[key]
    tensor_file = folder / manifest["tensors"]
    tensors = load_file(str(tensor_file))
    tensors[node["__tensor__"]] = change(tensors[node["__tensor__"]]).contiguous()
    save_file(tensors, str(tensor_file))
    manifest["sha256"] = hashlib.sha256(tensor_file.read_bytes()).hexdigest()
    write_manifest(folder, manifest)


ADAM_STATE = ("optimizer", "state", "__dict__", 0, 1)  # parameter 0 (fc1.weight): {"step", "exp_avg", ...}


def snapshot(run: Trainer) -> dict[str, Any]:
    return copy.deepcopy(run.state_dict())


def assert_same(a: Any, b: Any, where: str = "state") -> None:
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{index}]")
    else:
        assert a == b or (a != a and b != b), where


def refused(folder: Path, pattern: str, run: Trainer | None = None) -> str:
    """Loading `folder` raises one CheckpointError matching `pattern`, naming the folder, and
    leaves the trainer exactly as it was; returns the message."""
    run = run or trainer()
    before = snapshot(run)
    with pytest.raises(CheckpointError, match=pattern) as caught:
        run.load_checkpoint(folder)
    assert_same(snapshot(run), before)
    message = str(caught.value)
    assert str(folder) in message and "Traceback" not in message
    return message


# ---- the state's structure ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, pattern",
    [
        (lambda s: s.pop("model"), r"state lacks model"),
        (lambda s: s.update(model=[1, 2]), r"state\.model must be an object of tensors, not a list"),
        (lambda s: s.update(model={"fc1.weight": 3}), r"weights do not fit this model \(lacks fc1\.bias\)"),
        (lambda s: s["model"].update(extra={"__float__": "inf"}), r"weights do not fit this model \(has extra"),
        (lambda s: s.pop("loop"), r"state lacks loop"),
        (lambda s: s.update(evil=1), r"state has unknown entries evil"),
        (lambda s: s["rng"].update(torch=[1, 2, 3]), r"state\.rng\.torch must be a tensor, not a list"),
        (lambda s: s["rng"].update(generator="seed"), r"state\.rng\.generator must be a tensor, not a string"),
        (lambda s: s["rng"].update(epoch_start=None), r"stopped mid-epoch but lacks the batch order"),
        (lambda s: s["rng"].update(cuda=[5]), r"state\.rng\.cuda must be null or a list of byte tensors"),
        (lambda s: s["rng"].pop("generator"), r"state\.rng lacks generator"),
    ],
)
def test_missing_or_mistyped_parts_of_the_state_are_refused(folder, change, pattern):
    edit_state(folder, change)
    refused(folder, pattern)


@pytest.mark.parametrize(
    "path, change, pattern",
    [
        (
            ("rng", "torch"),
            lambda t: t.float(),
            r"state\.rng\.torch is a torch\.float32 tensor, this run needs torch\.uint8",
        ),
        (("rng", "torch"), lambda t: t[:100], r"state\.rng\.torch has shape \[100\], this run needs \[5056\]"),
        (("rng", "torch"), torch.zeros_like, r"state\.rng\.torch is not a valid random-generator state"),
        (("rng", "generator"), lambda t: t.to(torch.int64), r"state\.rng\.generator is a torch\.int64 tensor"),
        (("rng", "epoch_start"), lambda t: t[:-1], r"state\.rng\.epoch_start has shape \[5055\]"),
    ],
)
def test_random_generator_states_of_the_wrong_dtype_size_or_content_are_refused(folder, path, change, pattern):
    edit_tensor(folder, path, change)
    refused(folder, pattern)


@pytest.mark.parametrize("depth", [40, 600, 5000, 200_000])
def test_nesting_of_any_depth_is_refused_without_a_recursion_error(folder, depth):
    edit_state(folder, lambda s: s.update(history=Deep(depth)))
    refused(folder, r"nested (more than \d+ levels|too) deep")  # ours, or the JSON reader's


def test_decode_state_bounds_the_depth_of_a_tree_it_is_given_directly():
    tree: Any = 0
    for _ in range(5000):
        tree = [tree]
    with pytest.raises(CheckpointError, match="nested more than"):
        decode_state(tree, {})


@pytest.mark.parametrize(
    "change, pattern",
    [
        (
            lambda s: set_at(s, ("model", "fc1.bias"), {"__tensor__": s["model"]["fc1.weight"]["__tensor__"]}),
            r"uses tensor 't0' twice",
        ),
        (lambda s: set_at(s, ("model", "fc1.bias"), {"__tensor__": ["t1"]}), r"the tensor file lacks \['t1'\]"),
        (lambda s: set_at(s, ("model", "fc1.bias"), {"__tensor__": "t999"}), r"the tensor file lacks 't999'"),
        (lambda s: set_at(s, ("optimizer", "state"), {"__dict__": [[[0], {}]]}), r"bad or repeated key \[0\]"),
        (lambda s: set_at(s, ("optimizer", "state"), {"__dict__": [[0, {}], [0, {}]]}), r"bad or repeated key 0"),
        (
            lambda s: set_at(s, ("optimizer", "state"), {"__dict__": [[{"__float__": "nan"}, {}]]}),
            r"bad or repeated key nan",
        ),
        (lambda s: set_at(s, ("loop",), {"__evil__": 1}), r"unknown entry '__evil__'"),
        (lambda s: set_at(s, ("loop", "loss_sum"), {"__float__": 5}), r"bad special number 5"),
    ],
)
def test_state_trees_with_broken_references_or_markers_are_refused(folder, change, pattern):
    edit_state(folder, change)
    refused(folder, pattern)


# ---- the loop position ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, pattern",
    [
        ("epoch", -1, r"state\.loop\.epoch: input should be greater than or equal to 0 \(got -1\)"),
        ("epoch", 1.0, r"state\.loop\.epoch: input should be a valid integer \(got 1\.0\)"),
        ("batch", BATCHES, r"stopped after batch 5 of an epoch, but an epoch of this run has 5 batches"),
        ("batch", True, r"state\.loop\.batch: input should be a valid integer \(got True\)"),
        ("step", -1, r"state\.loop\.step: input should be greater than or equal to 0"),
        ("step", 2, r"state\.loop\.step is 2, but 1 finished epochs and 2 batches take at least 3 steps"),
        ("samples", -5, r"state\.loop\.samples: input should be greater than or equal to 0"),
        ("samples", 10_000, r"state\.loop\.samples is 10000, more than the 70 training samples"),
        ("samples", 31, r"counts 31 samples after 2 batches, which does not fit batches of 16"),
        ("samples", "32", r"state\.loop\.samples: input should be a valid integer \(got '32'\)"),
        ("loss_sum", "0.5", r"state\.loop\.loss_sum: input should be a valid number \(got '0\.5'\)"),
        ("loss_sum", {"__float__": "nan"}, r"state\.loop\.loss_sum: input should be a finite number"),
        ("elapsed", -1.0, r"state\.loop\.elapsed: input should be greater than or equal to 0"),
        ("samples_seen", 1.5, r"state\.loop\.samples_seen: input should be a valid integer"),
        ("first_loss", {"__float__": "inf"}, r"state\.loop\.first_loss: input should be a finite number"),
        ("extra", 1, r"state\.loop\.extra: extra inputs are not permitted"),
    ],
)
def test_a_loop_position_outside_the_run_is_refused(folder, field, value, pattern):
    edit_state(folder, lambda s: s["loop"].update({field: value}))
    refused(folder, pattern)


def test_a_checkpoint_past_the_runs_epochs_is_refused(folder):
    refused(
        folder,
        r"the checkpoint is at epoch 2 but this run has 1 epochs; ask for at least 2 epochs",
        run=trainer(epochs=1),
    )


# ---- the manifest -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "version, pattern",
    [
        ("2", r"the checkpoint version must be an integer, not '2'"),
        (True, r"the checkpoint version must be an integer, not True"),
        (1.0, r"the checkpoint version must be an integer, not 1\.0"),
        (None, r"the checkpoint version must be an integer, not None"),
        (2, r"checkpoint version 2 is newer than this playground reads \(1\); update the playground"),
        (0, r"there is no checkpoint version 0"),
    ],
)
def test_the_version_must_be_a_known_integer(folder, version, pattern):
    manifest = read_manifest(folder)
    manifest["version"] = version
    write_manifest(folder, manifest)
    refused(folder, pattern)


@pytest.mark.parametrize(
    "field, value, pattern",
    [
        ("tensors", 5, r"tensors: input should be a valid string \(got 5\)"),
        ("tensors", "../state-x.safetensors", r"tensors: string should match pattern"),
        ("tensors", "checkpoint.json", r"tensors: string should match pattern"),
        ("sha256", 5, r"sha256: input should be a valid string \(got 5\)"),
        ("sha256", "ABC", r"sha256: string should match pattern"),
        ("graph", None, r"graph: input should be an object"),
        ("graph", {"nodes": [{"id": "x"}], "edges": []}, r"graph\.nodes\.0\.type: field required"),
        ("meta", [], r"meta: input should be an object"),
        ("state", [], r"state: input should be an object"),
        ("optimizer", 3, r"optimizer: input should be a valid string"),
        ("evil", 1, r"evil: extra inputs are not permitted"),
    ],
)
def test_manifest_fields_of_the_wrong_type_are_refused(folder, field, value, pattern):
    manifest = read_manifest(folder)
    manifest[field] = value
    write_manifest(folder, manifest)
    refused(folder, pattern)


def test_a_missing_manifest_field_is_named(folder):
    manifest = read_manifest(folder)
    del manifest["graph"]
    write_manifest(folder, manifest)
    refused(folder, r"checkpoint\.json: graph: field required; the checkpoint was edited or damaged")


# ---- non-finite values ------------------------------------------------------------------------------


def test_nan_weights_are_refused_at_load_as_a_diverged_run_not_a_learning_rate(folder):
    edit_tensor(folder, ("model", "fc1.weight"), lambda t: torch.full_like(t, float("nan")))
    message = refused(folder, "NaN")
    assert message == (
        f"{folder / MANIFEST}: the checkpoint's weights contain NaN or infinite values (fc1.weight): "
        f"it was saved from a diverged run; train from scratch"
    )


@pytest.mark.parametrize(
    "path, pattern",
    [
        (("model", "logits.bias"), r"the checkpoint's weights contain NaN or infinite values \(logits\.bias\)"),
        (
            (*ADAM_STATE, "exp_avg"),
            r"the checkpoint's optimizer state contains NaN or infinite values "
            r"\(state\.optimizer\.state\[0\]\.exp_avg\)",
        ),
        (
            ("keep_best", "state", "fc1.bias"),
            r"the checkpoint's best weights contain NaN or infinite values \(fc1\.bias\)",
        ),
    ],
)
def test_infinite_values_anywhere_in_the_tensors_are_refused(folder, path, pattern):
    def poison(t: torch.Tensor) -> torch.Tensor:
        t = t.clone()
        t.view(-1)[0] = float("inf")
        return t

    edit_tensor(folder, path, poison)
    refused(folder, pattern + r": it was saved from a diverged run; train from scratch")


# ---- the optimizer, the LR controller, history, trackers ------------------------------------------


def _group(s: dict[str, Any]) -> dict[str, Any]:
    return s["optimizer"]["param_groups"][0]


@pytest.mark.parametrize(
    "change, pattern",
    [
        (
            lambda s: s["optimizer"]["param_groups"].append(copy.deepcopy(_group(s))),
            r"state\.optimizer\.param_groups must be a list of 1 groups",
        ),
        (
            lambda s: s["optimizer"].update(param_groups={}),
            r"state\.optimizer\.param_groups must be a list of 1 groups",
        ),
        (
            lambda s: _group(s).update(params=[0, 1, 2]),
            r"param_groups\[0\]\.params does not list this optimizer's parameters",
        ),
        (lambda s: _group(s).update(lr="fast"), r"param_groups\[0\]\.lr must be a number, not a string"),
        (lambda s: _group(s).update(lr=-0.1), r"param_groups\[0\]\.lr must not be negative"),
        (lambda s: _group(s).update(amsgrad=True), r"param_groups\[0\]\.amsgrad must be false"),
        (lambda s: _group(s).update(betas=[0.9, 0.99]), r"param_groups\[0\]\.betas must be a list of 2 items"),
        (lambda s: _group(s).update(foreach="yes"), r"param_groups\[0\]\.foreach must be null"),
        (lambda s: _group(s).update(evil=1), r"param_groups\[0\] has unknown settings evil"),
        (lambda s: s["optimizer"].update(state=[]), r"state\.optimizer\.state must be an object, not a list"),
        (lambda s: s["optimizer"]["state"]["__dict__"].append([9, {}]), r"has a state for parameter 9"),
        (
            lambda s: s["optimizer"]["state"]["__dict__"][0][1].pop("exp_avg_sq"),
            r"state\.optimizer\.state\[0\] lacks exp_avg_sq",
        ),
        (
            lambda s: s["optimizer"]["state"]["__dict__"][0][1].update(exp_avg=0.0),
            r"state\.optimizer\.state\[0\]\.exp_avg must be a tensor, not a number",
        ),
        (lambda s: s["optimizer"].pop("param_groups"), r"state\.optimizer lacks param_groups"),
    ],
)
def test_an_optimizer_state_that_does_not_fit_is_refused(folder, change, pattern):
    edit_state(folder, change)
    refused(folder, pattern)


@pytest.mark.parametrize(
    "key, change, pattern",
    [
        (
            "exp_avg",
            lambda t: torch.zeros(3, 3),
            r"the checkpoint's optimizer state does not fit this model "
            r"\(state\.optimizer\.state\[0\]\.exp_avg has shape \[3, 3\], "
            r"this run needs \[4, 2\]\)",
        ),
        ("exp_avg_sq", lambda t: t.double(), r"exp_avg_sq is a torch\.float64 tensor, this run needs torch\.float32"),
        ("step", lambda t: torch.tensor(-4.0), r"state\.optimizer\.state\[0\]\.step must not be negative"),
        ("step", lambda t: torch.zeros(2), r"state\.optimizer\.state\[0\]\.step has shape \[2\], this run needs \[\]"),
    ],
)
def test_optimizer_tensors_of_the_wrong_shape_dtype_or_sign_are_refused(folder, key, change, pattern):
    edit_tensor(folder, (*ADAM_STATE, key), change)
    refused(folder, pattern)


@pytest.mark.parametrize(
    "change, pattern",
    [
        (lambda s: s["lr"].update(step_count="7"), r"state\.lr\.step_count must be an integer, not a string"),
        (lambda s: s["lr"].update(step_count=3), r"state\.lr\.step_count is 3 but the run made 7 steps"),
        (lambda s: s["lr"].update(manual="yes"), r"state\.lr\.manual must be true or false"),
        (lambda s: s["lr"].update(inner={"foo": 1}), r"state\.lr\.inner lacks step_size"),
        (lambda s: s["lr"].update(inner=None), r"state\.lr\.inner must be an object, not null"),
        (lambda s: s["lr"]["inner"].update(gamma="half"), r"state\.lr\.inner\.gamma must be a number, not a string"),
        (
            lambda s: s["lr"]["inner"].update(base_lrs=[0.1, 0.2]),
            r"state\.lr\.inner\.base_lrs must be a list of 1 items",
        ),
        (lambda s: s["lr"]["inner"].update(last_epoch=-3), r"state\.lr\.inner\.last_epoch must not be negative"),
        (lambda s: s["lr"]["inner"].update(evil=1), r"state\.lr\.inner has unknown entries evil"),
        (lambda s: s.update(lr=[]), r"state\.lr must be an object, not a list"),
    ],
)
def test_a_learning_rate_controller_state_that_does_not_fit_is_refused(folder, change, pattern):
    edit_state(folder, change)
    refused(folder, pattern)


@pytest.mark.parametrize(
    "training, pattern",
    [
        ({"scheduler": None}, r"state\.lr\.inner must be null"),
        ({"scheduler": {"type": "ExponentialLR", "params": {}}}, r"state\.lr\.inner has unknown entries step_size"),
        (
            {"optimizer": {"type": "Adam", "params": {"lr": 0.01, "amsgrad": True}}},
            r"param_groups\[0\]\.amsgrad must be true",
        ),
    ],
)
def test_state_shaped_by_settings_the_experiment_changed_is_refused_saying_so(folder, training, pattern):
    what = "learning-rate schedule" if "scheduler" in training else "optimizer settings"
    refused(
        folder,
        f"{pattern}; the experiment's {what} may have changed since the checkpoint was saved",
        run=trainer(**training),
    )


@pytest.mark.parametrize(
    "history, pattern",
    [
        ([1], r"state\.history\[0\] must be an object of metrics, not a number"),
        ([{"train_loss": "low"}], r"state\.history\[0\]\.train_loss must be a number or null, not a string"),
        ([{"train_loss": True}], r"state\.history\[0\]\.train_loss must be a number or null, not true/false"),
        ([{"train_loss": [0.5]}], r"state\.history\[0\]\.train_loss must be a number or null, not a list"),
        ([{"__dict__": [[1, 0.5]]}], r"state\.history\[0\] has a metric named 1, not a string"),
        ([], r"state\.history has 0 rows for 1 completed epochs"),
        ({"train_loss": 1.0}, r"state\.history must be a list, not an object"),
    ],
)
def test_history_rows_that_are_not_mappings_of_numbers_are_refused(folder, history, pattern):
    edit_state(folder, lambda s: s.update(history=history))
    refused(folder, pattern)


@pytest.mark.parametrize(
    "change, pattern",
    [
        (lambda s: s.update(keep_best=[]), r"state\.keep_best must be an object, not a list"),
        (lambda s: s["keep_best"].update(tracker=[]), r"state\.keep_best\.tracker: input should be an object"),
        (lambda s: s["keep_best"].update(tracker=None), r"state\.keep_best\.tracker must be an object, not null"),
        (
            lambda s: s["keep_best"]["tracker"].update(best="low"),
            r"state\.keep_best\.tracker\.best: input should be a valid number",
        ),
        (lambda s: s["keep_best"]["tracker"].update(best_epoch=9), r"state\.keep_best\.tracker refers to epochs after"),
        (
            lambda s: s["keep_best"]["tracker"].update(best=None),
            r"must give both a best value and its epoch, or neither",
        ),
        (
            lambda s: s["keep_best"].update(state=[]),
            r"state\.keep_best\.state must be an object of tensors, not a list",
        ),
        (lambda s: s["keep_best"].pop("state"), r"state\.keep_best lacks state"),
        (lambda s: s.update(early_stopping={"best": 0.5}), r"state\.early_stopping\.best_epoch: field required"),
        (
            lambda s: s["early_stopping"].update(waited=-1),
            r"state\.early_stopping\.waited: input should be greater than",
        ),
        (
            lambda s: s["early_stopping"].update(waited=1.5),
            r"state\.early_stopping\.waited: input should be a valid integer",
        ),
        (lambda s: s["early_stopping"].update(evil=0), r"state\.early_stopping\.evil: extra inputs are not permitted"),
    ],
)
def test_keep_best_and_early_stopping_states_of_the_wrong_shape_are_refused(folder, change, pattern):
    edit_state(folder, change)
    refused(folder, pattern)


def test_best_weights_of_the_wrong_shape_are_refused(folder):
    edit_tensor(folder, ("keep_best", "state", "fc1.weight"), lambda t: torch.zeros(4, 3))
    refused(folder, r"best weights do not fit this model \(fc1\.weight has shape \[4, 3\], this run needs \[4, 2\]\)")


def test_a_trained_trainer_is_left_as_it_was_by_a_checkpoint_that_fails_at_its_last_part(folder):
    run = trainer()
    run.run()
    edit_state(folder, lambda s: s["early_stopping"].update(waited="x"))
    refused(folder, r"state\.early_stopping\.waited", run=run)


# ---- random edits -----------------------------------------------------------------------------------

LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)


def _with_markers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=6), children, max_size=4),
        st.builds(lambda v: {"__tensor__": v}, st.sampled_from(["t0", "t1", "t16", "t99"]) | children),
        st.builds(lambda v: {"__float__": v}, st.sampled_from(["nan", "inf", "-inf", "x"]) | children),
        st.builds(lambda v: {"__tuple__": v}, children),
        st.builds(lambda v: {"__dict__": v}, st.lists(st.lists(children, max_size=3), max_size=3) | children),
    )


TREES = st.recursive(LEAVES, _with_markers, max_leaves=12)
VALUES = TREES | st.integers(1, 3000).map(Deep)


def _paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            out += _paths(value, (*prefix, index))
    return out


@pytest.fixture(scope="module")
def playground(saved: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One trainer and one folder for all random examples (a refused load leaves the trainer as it was)."""
    folder = tmp_path_factory.mktemp("random") / "ckpt"
    shutil.copytree(saved, folder)
    run = trainer()
    return {"folder": folder, "manifest": read_manifest(folder), "trainer": run, "before": snapshot(run)}


def _load_edited(playground: dict[str, Any], manifest: Any) -> None:
    folder, run = playground["folder"], playground["trainer"]
    write_manifest(folder, manifest)
    try:
        run.load_checkpoint(folder)
    except CheckpointError as exc:
        assert str(folder) in str(exc)
        assert_same(snapshot(run), playground["before"])
    else:  # the edit happened to be harmless (a renamed experiment, say)
        playground["before"] = snapshot(run)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_anywhere_in_a_manifest_gives_a_checkpoint_error_and_changes_nothing(playground, data):
    manifest = copy.deepcopy(playground["manifest"])
    path = data.draw(st.sampled_from(_paths(manifest)), label="path")
    how = data.draw(st.sampled_from(["replace", "delete", "add"]), label="how")
    value = data.draw(VALUES, label="value")
    if not path:
        manifest = value
    else:
        parent = manifest
        for key in path[:-1]:
            parent = parent[key]
        if how == "delete":
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=8), label="key")] = value
        elif how == "add":
            parent.insert(path[-1], value)
        else:
            parent[path[-1]] = value
    _load_edited(playground, manifest)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    state=st.fixed_dictionaries(
        {},
        optional={
            key: VALUES for key in ("model", "optimizer", "lr", "rng", "loop", "history", "keep_best", "early_stopping")
        },
    )
)
def test_random_state_trees_give_a_checkpoint_error_and_change_nothing(playground, state):
    manifest = copy.deepcopy(playground["manifest"])
    manifest["state"] = {**manifest["state"], **state}
    _load_edited(playground, manifest)


def _materialised(tree: Any) -> Any:
    """The JSON value itself; a Deep one built by a loop (json.loads would recurse)."""
    if not isinstance(tree, Deep):
        return json.loads(dump(tree))
    value: Any = []
    for _ in range(tree.depth - 1):
        value = [value]
    return value


@settings(max_examples=60, deadline=None)
@given(tree=VALUES)
def test_decode_state_only_ever_raises_checkpoint_errors(tree):
    tensors = {"t0": torch.zeros(2), "t1": torch.ones(3)}
    try:
        decode_state(_materialised(tree), tensors)
    except CheckpointError:
        pass


# ---- legit checkpoints still load ---------------------------------------------------------------------

SCHEDULES = [
    None,
    {"type": "StepLR", "params": {"step_size": 2, "gamma": 0.5}, "interval": "step", "warmup_steps": 3},
    {"type": "MultiStepLR", "params": {"milestones": [1, 2]}},
    {"type": "ExponentialLR", "params": {}, "interval": "step"},
    {"type": "CosineAnnealingLR", "params": {"T_max": 3}},
    {"type": "CosineAnnealingWarmRestarts", "params": {"T_0": 2}, "interval": "step"},
    {"type": "OneCycleLR", "params": {"max_lr": 0.1}, "interval": "step"},
    {"type": "ReduceLROnPlateau", "params": {"patience": 0}},
]
OPTIMIZERS = [
    {"type": "SGD", "params": {"lr": 0.05, "momentum": 0.9, "nesterov": True}},
    {"type": "AdamW", "params": {"amsgrad": True}},
    {"type": "RMSprop", "params": {"centered": True, "momentum": 0.5}},
    {"type": "Adagrad", "params": {}},
    {"type": "Adadelta", "params": {}},
    {"type": "NAdam", "params": {}},
    {"type": "RAdam", "params": {}},
]


@pytest.mark.parametrize(
    "training",
    [{"scheduler": s} for s in SCHEDULES] + [{"optimizer": o} for o in OPTIMIZERS],
    ids=lambda t: (t.get("scheduler") or t.get("optimizer") or {"type": "none"})["type"],
)
def test_every_optimizer_and_schedule_resumes_mid_epoch_with_more_epochs(tmp_path, training):
    train_and_stop(tmp_path, stop_at=BATCHES + 3, **training)
    resumed = trainer(epochs=4, **training)
    resumed.load_checkpoint(tmp_path)
    assert (resumed.epoch, resumed.batch, resumed.step) == (1, 3, BATCHES + 3)
    assert resumed.run().status == "completed"


def test_a_mid_epoch_resume_still_gives_the_same_curve(folder):
    whole = trainer()
    reference = whole.run()
    resumed = trainer()
    resumed.load_checkpoint(folder)
    assert resumed.run().history == reference.history
    assert_same(resumed.model.state_dict(), whole.model.state_dict())


# ---- saving ---------------------------------------------------------------------------------------------


def test_a_save_deletes_only_the_tensor_file_its_previous_manifest_named(tmp_path):
    mine = tmp_path / "state-mine.safetensors"
    notes = tmp_path / "notes.txt"
    mine.write_bytes(b"a user's own file")
    notes.write_text("keep me", encoding="utf-8")
    run = trainer(epochs=2)
    run.save_checkpoint(tmp_path)
    first = read_manifest(tmp_path)["tensors"]
    run.save_checkpoint(tmp_path)
    second = read_manifest(tmp_path)["tensors"]
    assert first != second and not (tmp_path / first).exists() and (tmp_path / second).is_file()
    assert mine.read_bytes() == b"a user's own file" and notes.read_text(encoding="utf-8") == "keep me"


def test_a_previous_manifest_naming_another_file_does_not_make_a_save_delete_it(tmp_path):
    run = trainer(epochs=1)
    run.save_checkpoint(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me", encoding="utf-8")
    manifest = read_manifest(tmp_path)
    manifest["tensors"] = "notes.txt"
    write_manifest(tmp_path, manifest)
    run.save_checkpoint(tmp_path)
    assert notes.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    "content",
    ['{"my": "data"}\n', "[1, 2]", "not json at all", "", '{"format": "nn-playground.experiment", "version": 1}'],
)
def test_a_checkpoint_json_the_playground_did_not_write_is_never_overwritten(tmp_path, content):
    (tmp_path / MANIFEST).write_text(content, encoding="utf-8")
    with pytest.raises(
        CheckpointError,
        match=r"checkpoint\.json: exists and is not a playground checkpoint; "
        r"choose another checkpoint folder",
    ):
        check_checkpoint_target(tmp_path)
    run = Trainer(experiment_from_dict(document(epochs=1)), options=TrainerOptions(checkpoint_dir=tmp_path))
    with pytest.raises(CheckpointError, match="not a playground checkpoint"):
        run.run()
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == content
    assert not list(tmp_path.glob("*.safetensors"))


def test_check_checkpoint_target_accepts_new_and_own_folders_and_refuses_a_file(tmp_path):
    assert check_checkpoint_target(tmp_path / "new") is None
    assert check_checkpoint_target(tmp_path) is None
    trainer(epochs=1).save_checkpoint(tmp_path)
    assert check_checkpoint_target(tmp_path) == read_manifest(tmp_path)["tensors"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(CheckpointError, match="is a file, not a folder"):
        check_checkpoint_target(tmp_path / "file")


# ---- the command line -----------------------------------------------------------------------------------


@pytest.fixture()
def experiment_file(tmp_path: Path) -> Path:
    path = tmp_path / "spiral.json"
    path.write_text(json.dumps(document(epochs=2)), encoding="utf-8")
    return path


def test_train_refuses_a_foreign_checkpoint_json_before_training(experiment_file, tmp_path, capsys):
    target = tmp_path / "mine"
    target.mkdir()
    (target / MANIFEST).write_text('{"my": "data"}', encoding="utf-8")
    assert main(["train", str(experiment_file), "--checkpoint", str(target)]) == 1
    captured = capsys.readouterr()
    assert "is not a playground checkpoint" in captured.err and "epoch" not in captured.out
    assert (target / MANIFEST).read_text(encoding="utf-8") == '{"my": "data"}'


def test_train_resume_from_a_hostile_manifest_exits_1_with_one_message(experiment_file, folder, capsys):
    edit_state(folder, lambda s: s.update(history=Deep(600)))
    assert main(["train", str(experiment_file), "--resume", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "nested more than" in err and "Traceback" not in err
