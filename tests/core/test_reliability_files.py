"""No command loses a file: exports never replace a file the user did not name, saves keep
permissions and symbolic links, killed saves leave nothing behind, outputs are checked before
training, and every loader raises the project's own errors."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.cli import main
from playground.core.compare.history import RunHistory, RunRecord
from playground.core.csv_text import csv_text, spreadsheet_safe
from playground.core.errors import ExperimentError, ExportError, PlaygroundError
from playground.core.experiment import experiment_from_dict, load_experiment, save_experiment
from playground.core.export import export_weights, load_weights
from playground.core.jsonio import parse_json_text
from playground.core.safe_files import atomic_write_text, remove_stale_temps
from tests.core.factories import xor_document

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def experiment_file(tmp_path: Path) -> Path:
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(xor_document()), encoding="utf-8")
    return path


# ---- exports never replace a file the user did not name ---------------------------------------------


def test_safetensors_export_without_o_in_the_experiments_folder_keeps_the_experiment(
    experiment_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(experiment_file.parent)
    before = experiment_file.read_bytes()
    assert main(["export", "exp.json", "--format", "safetensors"]) == 0
    assert experiment_file.read_bytes() == before
    assert (experiment_file.parent / "exp.safetensors").is_file()
    assert (experiment_file.parent / "exp.weights.json").is_file()
    tensors, experiment = load_weights(experiment_file.parent / "exp.safetensors")
    assert experiment is not None and experiment.name == "Test experiment" and tensors


def test_an_export_without_o_never_replaces_an_existing_file(
    experiment_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(experiment_file.parent)
    mine = experiment_file.parent / "exp.py"
    mine.write_text("# my own script\n", encoding="utf-8")
    assert main(["export", "exp.json", "--format", "python"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "# my own script\n"
    assert main(["export", "exp.json", "--format", "python", "-o", "exp.py"]) == 0  # named: replaced
    assert "class " in mine.read_text(encoding="utf-8")


def test_a_weights_sidecar_never_replaces_a_users_json_file(experiment_file: Path) -> None:
    experiment = load_experiment(experiment_file)
    users = experiment_file.parent / "model.weights.json"
    users.write_text('{"mine": true}\n', encoding="utf-8")
    with pytest.raises(PlaygroundError, match="was not written by the playground"):
        export_weights({"w": torch.zeros(2)}, experiment_file.parent / "model.safetensors", experiment)
    assert users.read_text(encoding="utf-8") == '{"mine": true}\n'
    assert not (experiment_file.parent / "model.safetensors").exists()
    users.unlink()
    export_weights({"w": torch.zeros(2)}, experiment_file.parent / "model.safetensors", experiment)
    export_weights({"w": torch.ones(2)}, experiment_file.parent / "model.safetensors", experiment)  # ours: replaced
    tensors, _ = load_weights(experiment_file.parent / "model.safetensors")
    assert torch.equal(tensors["w"], torch.ones(2))


@pytest.mark.parametrize(
    "content", [b"", b"not safetensors at all", b"\xff" * 64, b'{"a": 1}', (8).to_bytes(8, "little") + b'{"x":{}}']
)
def test_load_weights_raises_the_projects_error_for_any_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "w.safetensors"
    path.write_bytes(content)
    with pytest.raises(ExportError, match="cannot read weights"):
        load_weights(path)
    with pytest.raises(ExportError, match="file not found"):
        load_weights(tmp_path / "missing.safetensors")


# ---- saves keep permissions, write through links, clean up after killed saves ----------------------------


def test_saving_keeps_the_files_mode_and_gives_new_files_the_umask_default(experiment_file: Path) -> None:
    experiment = load_experiment(experiment_file)
    os.chmod(experiment_file, 0o640)
    save_experiment(experiment, experiment_file)
    assert stat.S_IMODE(experiment_file.stat().st_mode) == 0o640
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = experiment_file.parent / "fresh.json"
    save_experiment(experiment, fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_saving_through_a_symbolic_link_changes_its_target_and_keeps_the_link(experiment_file: Path) -> None:
    experiment = load_experiment(experiment_file)
    experiment.name = "Edited through the link"
    link = experiment_file.parent / "link.json"
    link.symlink_to(experiment_file.name)
    save_experiment(experiment, link)
    assert link.is_symlink()
    assert load_experiment(experiment_file).name == "Edited through the link"


_KILLED_SAVE = """
import sys, time
from pathlib import Path
from playground.core.safe_files import atomic_write

def slow(temporary: Path) -> None:
    temporary.write_bytes(b"x" * 1_000_000)
    print("writing", flush=True)
    time.sleep(60)

atomic_write(sys.argv[1], slow)
"""


def test_the_temporary_file_of_a_killed_save_is_removed_by_the_next_save(experiment_file: Path) -> None:
    target = experiment_file.parent / "lesson.json"
    save_experiment(load_experiment(experiment_file), target)
    before = target.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_SAVE, str(target)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    leftovers = [p for p in target.parent.iterdir() if p.name.startswith(".lesson.json.")]
    assert leftovers and target.read_bytes() == before  # killed mid-save: old file intact, temp left
    (target.parent / ".lesson.json.k2j4h5g6.tmp").write_bytes(b"older version's leftover")
    save_experiment(load_experiment(experiment_file), target)
    assert [p for p in target.parent.iterdir() if p.name.startswith(".lesson.json.")] == []


def test_a_save_in_progress_in_another_living_process_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    parent = os.getppid()  # alive for the whole test
    busy = tmp_path / f".a.json.{parent}-abc123.tmp"
    busy.write_text("in progress", encoding="utf-8")
    assert remove_stale_temps(target) == []
    atomic_write_text(target, "{}\n")
    assert busy.exists()


def test_a_missing_folder_is_named_not_a_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        atomic_write_text(tmp_path / "nowhere" / "x.json", "{}")
    assert caught.value.filename == str(tmp_path / "nowhere" / "x.json")
    assert "does not exist" in str(caught.value)


# ---- train checks its output paths before training -------------------------------------------------------


@pytest.mark.parametrize("option", ["--save-weights", "--metrics-out"])
def test_train_refuses_an_output_in_a_missing_folder_before_training(
    experiment_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    target = tmp_path / "no" / "such" / "out.file"
    assert main(["train", str(experiment_file), "--epochs", "50", option, str(target)]) == 1
    captured = capsys.readouterr()
    assert "epoch" not in captured.out  # not a single epoch was trained
    assert str(target) in captured.err and "does not exist" in captured.err and ".tmp" not in captured.err


def test_train_refuses_a_checkpoint_path_that_is_a_file(
    experiment_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", str(experiment_file), "--checkpoint", str(experiment_file)]) == 1
    assert "is a file" in capsys.readouterr().err


def test_train_refuses_to_write_metrics_over_the_experiment(
    experiment_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = experiment_file.read_bytes()
    assert main(["train", str(experiment_file), "--metrics-out", str(experiment_file)]) == 1
    assert experiment_file.read_bytes() == before


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--epochs", "999999999999999999999"),
        ("--epochs", "0"),
        ("--epochs", "-1"),
        ("--epochs", "100001"),
        ("--epochs", "1e3"),
        ("--epochs", "five"),
        ("--seed", "2147483648"),
        ("--seed", "-1"),
        ("--threads", "100000"),
    ],
)
def test_train_refuses_numbers_out_of_range(experiment_file: Path, option: str, value: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["train", str(experiment_file), option, value])
    assert caught.value.code == 2


_TRAIN_AND_WAIT = """
import sys, time
from playground.cli import main
from playground.core.training.engine import Trainer

finish = Trainer._summarise

def slowly(self, *args, **kwargs):  # the run is stopping: give the user time to press Ctrl-C again
    print("stopping", flush=True)
    time.sleep(20)
    return finish(self, *args, **kwargs)

Trainer._summarise = slowly
sys.exit(main(["train", sys.argv[1], "--epochs", "100000"]))
"""


def test_a_second_ctrl_c_ends_train_with_status_130_and_no_traceback(experiment_file: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _TRAIN_AND_WAIT, str(experiment_file)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None

    def wait_for(start: str) -> None:
        line = "?"
        while line and not line.startswith(start):
            line = child.stdout.readline()
        assert line, f"the run ended before printing {start!r}"

    wait_for("epoch ")  # an epoch finished: the Ctrl-C handler is in place
    child.send_signal(signal.SIGINT)
    wait_for("stopping")
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in err and "interrupted" in err


_SLOW_SHUTDOWN = """
import atexit, sys, time
from playground.cli import main

def shutting_down():  # torch and Qt take a while to shut down; a user presses Ctrl-C meanwhile
    print("exiting", flush=True)
    time.sleep(20)

atexit.register(shutting_down)
sys.argv = ["playground", "check", sys.argv[1]]
sys.exit(main())
"""


def test_a_ctrl_c_while_the_command_shuts_down_ends_with_status_130(experiment_file: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _SLOW_SHUTDOWN, str(experiment_file)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = "?"
    while line and not line.startswith("exiting"):
        line = child.stdout.readline()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130 and "Traceback" not in err


# ---- JSON: duplicate keys, unusable numbers and deep nesting, each with its path ---------------------------


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (
            '{"training": {"optimizer": {"params": {"lr": 0.1, "lr": 0.2}}}}',
            "training.optimizer.params.lr",
            "more than once",
        ),
        ('{"model": {}, "model": {}}', "model", "more than once"),
        ('{"training": {"optimizer": {"params": {"lr": 1e999}}}}', "training.optimizer.params.lr", "infinity"),
        ('{"data": {"seed": ' + "7" * 5000 + "}}", "data.seed", "5,000 digits"),
        (
            '{"model": {"nodes": [{"params": {"size": ' + "[" * 100 + "]" * 100 + "}}]}}",
            "model.nodes[0].params.size",
            "nested more than",
        ),
        ('{"a": [1, NaN]}', "a[1]", "NaN"),
    ],
)
def test_json_problems_are_refused_with_their_path(text: str, path: str, words: str) -> None:
    with pytest.raises(ExperimentError) as caught:
        parse_json_text(text, "exp.json")
    problem = caught.value.problems[0]
    assert problem.path.startswith(path) and words in problem.message


def test_json_nested_beyond_the_parsers_limit_gives_a_line_and_column() -> None:
    with pytest.raises(ExperimentError, match=r"nested more than \d+ levels deep \(at line 2, column"):
        parse_json_text('{"a":\n' + "[" * 50_000 + "]" * 50_000 + "}")


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
        max_leaves=20,
    )
)
def test_the_strict_reader_returns_what_json_holds(value: object) -> None:
    assert parse_json_text(json.dumps(value)) == value


def test_an_experiment_with_a_duplicated_key_does_not_load(experiment_file: Path) -> None:
    text = experiment_file.read_text(encoding="utf-8").replace('"epochs": 5', '"epochs": 5, "epochs": 6')
    experiment_file.write_text(text, encoding="utf-8")
    with pytest.raises(ExperimentError, match=r"training\.epochs: this key appears more than once"):
        load_experiment(experiment_file)


# ---- the run history: its loader and its CSV ----------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        [],
        "runs",
        {"runs": "x"},
        {"runs": [{"name": 3}]},
        {"runs": [{}]},
        {"title": "t", "runs": [{"name": "a", "final": {"x": "y"}}]},
        {"extra": 1},
    ],
)
def test_the_run_history_loader_raises_the_projects_error(data: object) -> None:
    with pytest.raises(ExperimentError, match="comparison"):
        RunHistory.from_dict(data)  # type: ignore[arg-type]


def test_history_csv_cells_are_not_spreadsheet_formulas() -> None:
    history = RunHistory()
    history.add(
        RunRecord.from_training(
            '=HYPERLINK("http://x","click")', [{"train_loss": -0.5}], {"status": "completed"}, {"optimizer": "@SUM(A1)"}
        )
    )
    for text in (history.table_csv(), history.curves_csv()):
        rows = text.splitlines()
        assert any("'=HYPERLINK" in row for row in rows)
        assert not any(cell.startswith(("=", "@", '"=')) for row in rows for cell in row.split(","))
    assert "-0.5" in history.curves_csv()  # numbers stay numbers


@given(st.text(max_size=20))
def test_spreadsheet_safe_text_never_starts_a_formula(text: str) -> None:
    safe = spreadsheet_safe(text)
    try:
        float(text)
        number = True
    except ValueError:
        number = False
    assert number or not safe.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert csv_text(["name"], [[text]]).count("\n") >= 2


def test_a_valid_experiment_document_survives_the_strict_reader(experiment_file: Path) -> None:
    document = parse_json_text(experiment_file.read_text(encoding="utf-8"))
    assert experiment_from_dict(document).name == "Test experiment"
