"""The layer catalogue in Simplified Chinese: help cards, parameter help, categories, the accepted
values and the shape problems and fixes the infer rules make; English stays as it was."""

from __future__ import annotations

import pytest

from playground.core.catalogue import CATEGORIES, LAYERS
from playground.core.catalogue.layer_type import category_label
from playground.core.experiment import experiment_from_dict
from playground.core.graph import check_experiment
from playground.core.i18n import _, set_language
from playground.core.params import validate_params
from tests.core.factories import DIGITS, chain


def chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@pytest.fixture
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def only_error(doc):
    report = check_experiment(experiment_from_dict(doc), DIGITS)
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


def kernel_too_large():
    return chain(
        ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 11}),
        ("flat", "Flatten", {}),
        ("fc", "Linear", {"out_features": 10}),
        dataset="digits",
    )


def test_help_cards_and_parameter_help_are_chinese(zh):
    linear = LAYERS["Linear"]
    assert linear.help_text.startswith("全连接层")
    assert linear.help.startswith("Fully connected layer")  # the key stays English (exported code)
    assert LAYERS["Conv2d"].param("kernel_size").help_text == "每个卷积核的大小（k 或 [kh, kw]）。"
    assert LAYERS["Conv2d"].param("stride").describe_range() == "介于 1 和 16 之间的正整数或一对正整数"
    assert LAYERS["Conv2d"].category_text == "卷积" and LAYERS["Conv2d"].category == "Convolution"
    assert category_label("Recurrent & attention") == "循环与注意力"


def test_every_help_parameter_and_category_has_a_translation(zh):
    untranslated = [name for name in CATEGORIES if _(name) == name]
    for layer in LAYERS.values():
        if _(layer.help) == layer.help:
            untranslated.append(f"{layer.name}: {layer.help}")
        for spec in layer.params:
            if not spec.help or _(spec.help) == spec.help:
                untranslated.append(f"{layer.name}.{spec.name}: {spec.help}")
            if not chinese(spec.describe_range()):
                untranslated.append(f"{layer.name}.{spec.name} accepts {spec.describe_range()}")
    assert not untranslated, untranslated


def test_shape_problems_and_their_fixes_are_chinese(zh):
    error = only_error(kernel_too_large())
    assert error.message.startswith("'conv1'：卷积核 11×11 比它（填充后）的输入 (N, 1, 8, 8) 还大")
    assert error.fixes[0].label == "把 'conv1' 的 kernel_size 设为 8"

    image_into_unflatten = chain(("unflat", "Unflatten", {"unflattened_size": [1, 8, 8]}), dataset="digits")
    unflatten = only_error(image_into_unflatten)
    assert unflatten.message.startswith("Unflatten 'unflat' 把扁平向量 (N, F) 还原为指定形状")
    assert unflatten.fixes[0].label == "在 'unflat' 之前插入 Flatten"


def test_conv2d_on_a_vector_is_chinese(zh):
    """The message comes from the shared image check (checks.py), translated with the graph's messages."""
    error = only_error(chain(("flat", "Flatten", {}), ("conv", "Conv2d", {"out_channels": 2}), dataset="digits"))
    assert error.message.startswith("Conv2d 'conv'") and chinese(error.message)
    assert "(N, 64)" in error.message  # shapes stay in Latin script
    assert chinese(error.fixes[0].label) and "Unflatten" in error.fixes[0].label


def test_parameter_problems_are_chinese(zh):
    specs = LAYERS["Linear"].params
    _clean, problems = validate_params(specs, {"out_features": 0, "colour": 1}, "model.nodes[1].params")
    assert problems == [
        ("model.nodes[1].params.colour", "未知参数（允许的参数：out_features, bias）"),
        ("model.nodes[1].params.out_features", "必须是正整数，实际为 0"),
    ]
    _clean, problems = validate_params(LAYERS["GELU"].params, {"approximate": "fast"}, "p")
    assert problems == [("p.approximate", "必须是'none', 'tanh' 之一，实际为 'fast'")]


def test_english_is_unchanged():
    set_language("en")
    assert LAYERS["Linear"].help_text == LAYERS["Linear"].help
    assert LAYERS["Conv2d"].category_text == "Convolution"
    error = only_error(kernel_too_large())
    assert error.message == (
        "'conv1': kernel 11×11 is larger than its (padded) input (N, 1, 8, 8): use a smaller kernel_size, "
        "add padding, or remove a pooling layer before it"
    )
    assert error.fixes[0].label == "Set kernel_size of 'conv1' to 8"
    assert LAYERS["Conv2d"].param("stride").describe_range() == "a positive integer or a pair between 1 and 16"
    _clean, problems = validate_params(LAYERS["Linear"].params, {"out_features": 0}, "p")
    assert problems == [("p.out_features", "must be a positive integer, got 0")]
