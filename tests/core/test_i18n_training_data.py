"""The training catalogue, the activation facts and the datasets speak Simplified Chinese with zh_CN:
their help (declared at import time, translated where shown) and the loaders' error messages
(translated where they are made). English stays exactly as it was."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.core.catalogue.activation_facts import ACTIVATION_FACTS, LEVELS
from playground.core.catalogue.training import INIT_SCHEMES, LOSSES, OPTIMIZERS, SCHEDULERS, init_help
from playground.core.data import DATASET_TYPES, label_text, load_dataset
from playground.core.data.bundled import IRIS_LABELS
from playground.core.data.sequences import WAVE_NAMES
from playground.core.data.validation import validate_dataset_params
from playground.core.errors import DatasetError
from playground.core.experiment.schema import DataSpec
from playground.core.i18n import _, set_language

_HAN = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str) -> bool:
    return bool(_HAN.search(text))


@pytest.fixture
def zh() -> Iterator[None]:
    set_language("zh_CN")
    yield
    set_language("en")


def csv_error(path: Path) -> str:
    with pytest.raises(DatasetError) as caught:
        load_dataset(DataSpec(dataset="csv", params={"path": str(path)}))
    return str(caught.value)


def declared_texts() -> list[str]:
    """Every help, title, group and word the three catalogues declare for display."""
    texts: list[str] = []
    for table in (LOSSES, OPTIMIZERS, SCHEDULERS):
        for component in table.values():
            texts.append(component.help)
            texts += [spec.help for spec in component.params]
    texts += list(INIT_SCHEMES.values())
    for facts in ACTIVATION_FACTS.values():
        texts += [*facts.pros, *facts.cons]
        texts += [LEVELS[facts.vanishing_gradient], LEVELS[facts.dead_neurons], LEVELS[facts.cost]]
    for dataset in DATASET_TYPES.values():
        texts += [dataset.title, dataset.help, dataset.group]
        texts += [spec.help for spec in dataset.params]
    texts += [*WAVE_NAMES, *IRIS_LABELS]
    return texts


def test_optimizer_loss_and_scheduler_help_in_chinese(zh):
    assert OPTIMIZERS["Adam"].help_text == "自适应矩估计：根据梯度的滑动统计量为每个参数确定步长。"
    assert LOSSES["CrossEntropyLoss"].help_text.startswith("Softmax + 负对数似然")
    assert "gamma" in SCHEDULERS["StepLR"].help_text and chinese(SCHEDULERS["StepLR"].help_text)
    lr = next(spec for spec in OPTIMIZERS["SGD"].params if spec.name == "lr")
    assert lr.help_text == "学习率：每次更新的步长。"
    assert chinese(init_help("kaiming"))


def test_activation_facts_in_chinese(zh):
    relu = ACTIVATION_FACTS["ReLU"]
    assert relu.pros_text[0] == "正输入没有梯度消失（导数恰好为 1）。"
    assert all(chinese(con) for con in relu.cons_text)
    assert (relu.vanishing_gradient_text, relu.dead_neurons_text, relu.cost_text) == ("无", "有", "低")
    assert ACTIVATION_FACTS["Sigmoid"].vanishing_gradient_text == "严重"


def test_dataset_title_help_and_group_in_chinese(zh):
    xor = DATASET_TYPES["xor"]
    assert chinese(xor.help_text) and "x1·x2" in xor.help_text
    assert xor.group_text == "二维玩具数据"
    assert DATASET_TYPES["csv"].title_text == "CSV 文件"
    assert label_text("sine") == "正弦波"
    assert label_text("my own class") == "my own class"  # the user's names stay as they are


def test_csv_loader_errors_in_chinese(zh, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert csv_error(empty) == "empty.csv 是空的：需要一个表头行和若干数据行"
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,label\n1,2,x\n3,4\n", encoding="utf-8")
    assert csv_error(ragged) == "ragged.csv，第 3 行：有 2 个值，但表头有 3 列"
    assert csv_error(tmp_path / "gone.csv").startswith("找不到CSV 文件：")


def test_validation_messages_in_chinese(zh):
    _clean, problems = validate_dataset_params("no_such_data", {}, "data.params")
    assert problems[0][0] == "data.dataset"
    assert problems[0][1].startswith("未知的数据集 'no_such_data'（可用：circle, xor,")
    [(parameter, message)] = OPTIMIZERS["SGD"].rule_problems({"nesterov": True})
    assert parameter == "nesterov" and message.startswith("Nesterov 动量要求 momentum 大于 0")


def test_english_is_unchanged(tmp_path):
    set_language("en")
    assert OPTIMIZERS["Adam"].help_text == OPTIMIZERS["Adam"].help
    assert ACTIVATION_FACTS["ReLU"].cost_text == "cheap"
    assert DATASET_TYPES["xor"].group_text == "2-D toy"
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert csv_error(empty) == "empty.csv is empty: it needs a header row and data rows"


@pytest.mark.parametrize("text", sorted(set(declared_texts())))
def test_every_declared_text_has_a_translation(zh, text):
    translated = _(text)
    assert translated != text and chinese(translated), f"no Chinese for {text!r}"
