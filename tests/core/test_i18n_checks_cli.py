"""The shape check, the file format and the command line speak the user's language: Chinese with
zh_CN (from `set_language`, the locale or `--lang`), while JSON paths, node ids, layer types and
numbers stay as they are; English, the default, is unchanged."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playground import cli
from playground.cli import main
from playground.core.document import EditError, ExperimentDocument
from playground.core.errors import ExperimentError
from playground.core.experiment import experiment_from_dict, experiment_from_json
from playground.core.graph import apply_fix, check_experiment
from playground.core.i18n import language, set_language
from tests.core.factories import DIGITS, chain

ENGLISH_PROBLEM = (
    "the model output 'fc' is (N, 4, 6, 10) but the dataset has 10 classes, so the CrossEntropyLoss "
    "expects (N, 10): Linear 'fc' was fed (N, 4, 6, 6) and works on the last axis only; insert Flatten before 'fc'"
)
CHINESE_PROBLEM = (
    "模型输出 'fc' 的形状是 (N, 4, 6, 10)，但数据集有 10 个类别，所以 CrossEntropyLoss 期望 (N, 10)："
    "Linear 'fc' 的输入是 (N, 4, 6, 6)，而它只作用于最后一个维度；请在 'fc' 之前插入 Flatten"
)


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """Every test leaves the core in English, whatever it set."""
    yield
    set_language("en")


@pytest.fixture
def locale_is(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the environment's locale to one value of LANG, with nothing overriding it."""

    def set_locale(value: str) -> None:
        for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setenv("LANG", value)

    return set_locale


def conv_into_linear() -> dict[str, Any]:
    """Conv2d straight into a Linear: the missing-Flatten problem."""
    return chain(
        ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 3}),
        ("fc", "Linear", {"out_features": 10}),
        dataset="digits",
    )


def bad_file(folder: Path) -> Path:
    path = folder / "bad.json"
    path.write_text(json.dumps(conv_into_linear()), encoding="utf-8")
    return path


# ---- (1) the shape check and its fixes ------------------------------------------------------------


def test_missing_flatten_problem_and_fix_come_in_chinese_with_paths_and_ids_unchanged() -> None:
    set_language("zh_CN")
    experiment = experiment_from_dict(conv_into_linear())
    report = check_experiment(experiment, DIGITS)
    (error,) = report.errors
    assert error.message == CHINESE_PROBLEM
    assert (error.node, error.path) == ("fc", "model.nodes[2]")
    assert str(error) == f"model.nodes[2]: {CHINESE_PROBLEM}"
    (fix,) = error.fixes
    assert fix.label == "在 'fc' 之前插入 Flatten"
    assert (fix.kind, fix.node, fix.layer_type) == ("insert_before", "fc", "Flatten")
    assert apply_fix(experiment, fix) == "flatten"  # the translated fix still does its work
    assert check_experiment(experiment, DIGITS).valid


def test_the_same_check_is_english_by_default() -> None:
    (error,) = check_experiment(experiment_from_dict(conv_into_linear()), DIGITS).errors
    assert error.message == ENGLISH_PROBLEM
    assert error.fixes[0].label == "Insert Flatten before 'fc'"


def test_the_combined_flatten_fix_and_a_structure_problem_in_chinese() -> None:
    set_language("zh_CN")
    doc = chain(("conv1", "Conv2d", {"out_channels": 4}), ("fc1", "Linear", {"out_features": 16}), dataset="digits")
    (error,) = check_experiment(experiment_from_dict(doc), DIGITS).errors
    assert error.fixes[0].label == "在 'fc1' 之前插入 Flatten，并把它的 out_features 设为 10"
    doc["model"]["edges"].append(["input", "fc1"])  # two edges into a Linear
    (error,) = check_experiment(experiment_from_dict(doc), DIGITS).errors
    assert error.message == (
        "Linear 'fc1' 只接受一个输入，但有 2 条连线连入（conv1, input）：请先用 Add 或 Concat 合并它们"
    )


def test_document_refusals_in_chinese() -> None:
    set_language("zh_CN")
    document = ExperimentDocument(experiment_from_dict(conv_into_linear()))
    assert document.connection_problem("fc", "fc") == "一个层不能连向自己"
    assert document.connection_problem("fc", "conv1") == "把 'fc' 连到 'conv1' 会形成环"
    assert document.id_problem("conv1") == "已经有名为 'conv1' 的节点"
    assert document.id_problem("forward") == (
        "节点 id 'forward' 是构建出的模型自己要用的名称；请换一个名称（例如 forward_layer）"
    )
    with pytest.raises(EditError, match="没有名为 'nothing' 的节点"):
        document.remove_node("nothing")


def test_file_format_problems_in_chinese_with_json_paths_unchanged() -> None:
    set_language("zh_CN")
    doc = conv_into_linear()
    del doc["training"]["epochs"]
    doc["training"]["batch_size"] = "many"
    doc["model"]["nodes"][1]["type"] = "Conv9d"
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict(doc, "bad.json")
    problems = {problem.path: problem.message for problem in caught.value.problems}
    assert problems["training.batch_size.int"] == '必须是整数，实际为 "many"'
    assert problems["training.batch_size.literal['full']"] == "必须是 'full'，实际为 \"many\""
    assert str(caught.value).startswith("bad.json: 2 个问题：\n  - training.batch_size.int: ")
    doc = conv_into_linear()
    doc["model"]["nodes"][1]["type"] = "Conv9d"
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict(doc)
    (problem,) = caught.value.problems
    assert problem.path == "model.nodes[1].type"
    assert problem.message.startswith("未知的层类型 'Conv9d'（可用：Input, Linear")
    with pytest.raises(ExperimentError) as caught:
        experiment_from_json('{"format": 1,}', "x.json")
    assert str(caught.value) == "x.json: 第 1 行第 14 列不是有效的 JSON：此处应为用双引号括起的属性名"


def test_file_format_problems_stay_english_by_default() -> None:
    doc = conv_into_linear()
    doc["training"]["batch_size"] = "many"
    with pytest.raises(ExperimentError) as caught:
        experiment_from_dict(doc)
    messages = [problem.message for problem in caught.value.problems]
    assert messages == ['must be a valid integer, got "many"', "must be 'full', got \"many\""]
    with pytest.raises(ExperimentError) as caught:
        experiment_from_json('{"format": 1,}', "x.json")
    assert str(caught.value) == (
        "x.json: not valid JSON at line 1, column 14: Expecting property name enclosed in double quotes"
    )


# ---- (2) the command line follows the locale, or --lang -------------------------------------------


def test_check_follows_the_locale(tmp_path: Path, capsys: pytest.CaptureFixture[str], locale_is: Any) -> None:
    locale_is("zh_CN.UTF-8")
    path = bad_file(tmp_path)
    assert main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert f"{path}：1 个错误：\n  - fc (model.nodes[2]): {CHINESE_PROBLEM}\n" in err
    assert "      修复：在 'fc' 之前插入 Flatten\n" in err
    assert "节点" in out and "合计" in out and "数据集 digits：输入 (N, 1, 8, 8)，10 个类别" in out
    assert language() == "en"  # the caller's language again once the command is done


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "zh_CN", "check", "{file}"],
        ["--lang=zh_CN", "check", "{file}"],
        ["check", "--lang", "zh_CN", "{file}"],
        ["check", "{file}", "--lang", "zh-Hans"],
    ],
)
def test_lang_option_wins_over_the_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], locale_is: Any, argv: list[str]
) -> None:
    locale_is("C")
    path = bad_file(tmp_path)
    assert main([str(path) if arg == "{file}" else arg for arg in argv]) == 1
    assert CHINESE_PROBLEM in capsys.readouterr().err


def test_lang_en_wins_over_a_chinese_locale(tmp_path: Path, capsys: pytest.CaptureFixture[str], locale_is: Any) -> None:
    locale_is("zh_CN.UTF-8")
    assert main(["--lang", "en", "check", str(bad_file(tmp_path))]) == 1
    assert ENGLISH_PROBLEM in capsys.readouterr().err


def test_check_json_messages_follow_the_language_but_keys_do_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], locale_is: Any
) -> None:
    locale_is("zh_CN.UTF-8")
    assert main(["check", str(bad_file(tmp_path)), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    (error,) = result["errors"]
    assert error == {
        "node": "fc",
        "path": "model.nodes[2]",
        "message": CHINESE_PROBLEM,
        "fixes": ["在 'fc' 之前插入 Flatten"],
    }
    assert result["nodes"][2] == {"id": "fc", "type": "Linear", "output_shape": [None, 4, 6, 10], "params": 70}


def test_help_and_usage_errors_are_chinese(capsys: pytest.CaptureFixture[str], locale_is: Any) -> None:
    locale_is("zh_CN.UTF-8")
    original = argparse._  # type: ignore[attr-defined]
    with pytest.raises(SystemExit) as leaving:
        main(["check", "--help"])
    assert leaving.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：playground check [-h] [--json] FILE\n")
    assert "位置参数：\n  FILE        实验文件（.json）" in out
    assert "  -h, --help  显示此帮助信息并退出" in out
    with pytest.raises(SystemExit) as leaving:
        main(["check"])
    assert leaving.value.code == 2
    assert "playground check：错误：缺少以下必需参数：FILE" in capsys.readouterr().err
    assert argparse._ is original  # type: ignore[attr-defined]  # argparse is left as it was


def test_an_unknown_language_is_a_usage_error(capsys: pytest.CaptureFixture[str], locale_is: Any) -> None:
    locale_is("C")
    assert main(["--lang", "xx", "check", "f.json"]) == 2
    assert capsys.readouterr().err == "playground: error: unknown language 'xx' for --lang (available: en, zh_CN)\n"
    assert main(["check", "f.json", "--lang"]) == 2
    assert "--lang needs a language code (en, zh_CN)" in capsys.readouterr().err


def test_the_window_gets_lang_as_it_was_given(monkeypatch: pytest.MonkeyPatch, locale_is: Any) -> None:
    locale_is("C")
    seen: list[tuple[list[str], str]] = []
    monkeypatch.setattr(cli, "gui_main", lambda argv: seen.append((list(argv), language())) or 0)
    assert main(["--lang", "zh_CN"]) == 0
    assert main(["--lang", "zh_CN", "lesson.json"]) == 0
    assert main(["lesson.json", "--lang=zh_CN"]) == 0
    assert main([]) == 0
    assert seen == [
        (["--lang", "zh_CN"], "zh_CN"),
        (["--lang", "zh_CN", "lesson.json"], "zh_CN"),
        (["lesson.json", "--lang=zh_CN"], "zh_CN"),
        ([], "en"),
    ]


# ---- (3) English by default --------------------------------------------------------------------------


def test_english_output_is_unchanged_with_lang_c(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], locale_is: Any
) -> None:
    locale_is("C")
    path = bad_file(tmp_path)
    assert main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err == (
        f"{path}: 1 error:\n  - fc (model.nodes[2]): {ENGLISH_PROBLEM}\n      fix: Insert Flatten before 'fc'\n"
    )
    assert out == (
        f"Test experiment  ({path})\n"
        "dataset digits: input (N, 1, 8, 8), 10 classes, 1,257/270/270 train/val/test samples\n"
        "\n"
        "node   type    output         params\n"
        "------------------------------------\n"
        "input  Input   (N, 1, 8, 8)        0\n"
        "conv1  Conv2d  (N, 4, 6, 6)       40\n"
        "fc     Linear  (N, 4, 6, 10)      70\n"
        "------------------------------------\n"
        "total                            110\n"
    )
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert capsys.readouterr().out.startswith("usage: playground check [-h] [--json] FILE\n\nCheck an experiment file")


def test_train_and_export_report_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str], locale_is: Any) -> None:
    locale_is("zh_CN.UTF-8")
    path = bad_file(tmp_path)
    assert main(["train", str(path)]) == 1
    assert capsys.readouterr().err == f"错误：{path}：实验无效：\n  - model.nodes[2]: {CHINESE_PROBLEM}\n"
    with pytest.raises(SystemExit):
        main(["train", str(path), "--epochs", "0"])
    assert "playground train：错误：参数 --epochs：必须在 1 到 100,000 之间，实际为 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", str(path)])  # no format, and no OUT to guess it from
    assert "请用 --format python|onnx|pt2|safetensors 选择格式（或给 OUT 一个已知的后缀）" in capsys.readouterr().err
