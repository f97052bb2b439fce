"""The convolution lessons tell their stories: the sizes, receptive fields, parameter counts and
multiply-adds (MACs) they teach are what the shape checker, `receptive_fields` and the summary
compute, worked out here by hand from the course's formulas, and each trains to a measured target.

Measured with the presets' seeds (torch 2.13 CPU, 2 threads), the targets leave a margin:
convolution_arithmetic 4 epochs test accuracy 0.935 (variants: no padding 0.925, stride 1 0.951,
no dilation 0.939); lenet5_mnist 8 epochs 0.943 (ReLU + max pooling 0.956), 4 epochs 0.932 (0.944);
vgg_two_3x3_vs_5x5 10 epochs 0.941 (one 5×5: 0.967); inception_module 10 epochs 0.974;
mobilenet_depthwise_separable 10 epochs 0.959 (standard convolution: 0.974).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from playground.core.compare.race import variant_contenders
from playground.core.data import describe_dataset
from playground.core.experiment import Experiment, load_experiment
from playground.core.graph import check_experiment
from playground.core.graph.inference import GraphReport
from playground.core.runs.inside import receptive_fields
from playground.core.training import Summary, Trainer

PRESET_DIR = Path(__file__).resolve().parents[2] / "presets"

torch.set_num_threads(2)


def load(stem: str) -> Experiment:
    experiment = load_experiment(PRESET_DIR / f"{stem}.json")
    experiment.training.device = "cpu"
    return experiment


def report_of(experiment: Experiment) -> GraphReport:
    report = check_experiment(experiment, describe_dataset(experiment.data))
    assert report.valid, [str(issue) for issue in report.issues]
    return report


def variants(stem: str) -> dict[str, Experiment]:
    """The lesson's variants by their English names, as the Lesson race builds them."""
    contenders = variant_contenders(load(stem))
    for contender in contenders:
        contender.experiment.training.device = "cpu"
    return {contender.label: contender.experiment for contender in contenders}


def train(experiment: Experiment, epochs: int) -> Summary:
    summary = Trainer(experiment, epochs=epochs).run()
    assert summary.status == "completed", summary.message
    return summary


def conv_out(size: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """The course's formula: out = ⌊(in + 2p − d·(k − 1) − 1)/s⌋ + 1."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def spatial(report: GraphReport, node: str) -> tuple[int, ...]:
    output = report.nodes[node].output
    assert output is not None
    return tuple(output.shape)


# ---- convolution arithmetic -------------------------------------------------------------------
# Per variant, (output size, receptive field, jump) of each convolution, worked out by hand on the
# 28×28 input with r_out = r_in + (k − 1)·d·j_in and j_out = j_in·s.
ARITHMETIC = {
    "As built": {"conv_pad": (28, 5, 1), "conv_stride": (14, 7, 2), "conv_dilated": (10, 15, 2)},
    "No padding": {"conv_pad": (24, 5, 1), "conv_stride": (12, 7, 2), "conv_dilated": (8, 15, 2)},
    "Stride 1": {"conv_pad": (28, 5, 1), "conv_stride": (28, 7, 1), "conv_dilated": (24, 11, 1)},
    "No dilation": {"conv_pad": (28, 5, 1), "conv_stride": (14, 7, 2), "conv_dilated": (12, 11, 2)},
}


def test_convolution_arithmetic_sizes_and_receptive_fields_follow_the_formulas() -> None:
    experiments = variants("convolution_arithmetic")
    assert list(experiments) == list(ARITHMETIC)
    for name, expected in ARITHMETIC.items():
        experiment = experiments[name]
        report = report_of(experiment)
        fields = receptive_fields(experiment, report)
        size = 28
        for node_id, (out, field, jump) in expected.items():
            params = experiment.node(node_id).params
            by_formula = conv_out(
                size,
                params["kernel_size"],
                params.get("stride", 1),
                params.get("padding", 0),
                params.get("dilation", 1),
            )
            assert by_formula == out, (name, node_id)
            assert spatial(report, node_id) == (8, out, out), (name, node_id)
            assert fields[node_id].size == (field, field), (name, node_id)
            assert fields[node_id].jump == (jump, jump), (name, node_id)
            size = out
        last = expected["conv_dilated"][0]
        assert report.nodes["logits"].params == 8 * last * last * 10 + 10, name  # only the last layer grows
    base = experiments["As built"]
    field = receptive_fields(base, report_of(base))["conv_dilated"]
    # the unit the probe view frames first (the map's centre, 5, 5) sees 15×15 pixels in the middle
    assert field.box(5, 5) == (7, 7, 21, 21)
    assert report_of(experiments["Stride 1"]).nodes["logits"].params == 46_090  # 8·24·24 inputs


@pytest.mark.slow
def test_convolution_arithmetic_trains() -> None:
    assert train(load("convolution_arithmetic"), 4).test_accuracy >= 0.9


# ---- LeNet-5 ----------------------------------------------------------------------------------
def test_lenet5_has_the_textbook_shapes_and_sixty_thousand_weights() -> None:
    report = report_of(load("lenet5_mnist"))
    assert spatial(report, "c1") == (6, 28, 28)  # 5×5 with padding 2 keeps 28
    assert spatial(report, "s2") == (6, 14, 14)
    assert spatial(report, "c3") == (16, 10, 10)  # 14 − 5 + 1
    assert spatial(report, "s4") == (16, 5, 5)
    assert spatial(report, "flatten") == (400,)
    params = {node: report.nodes[node].params for node in ("c1", "c3", "f5", "f6", "logits")}
    assert params == {
        "c1": 6 * (25 + 1),
        "c3": 16 * (6 * 25 + 1),
        "f5": 400 * 120 + 120,
        "f6": 120 * 84 + 84,
        "logits": 84 * 10 + 10,
    }
    assert report.total_params == 61_706
    assert report.nodes["c1"].macs == 6 * 28 * 28 * 25 == 117_600
    assert report.nodes["c3"].macs == 16 * 10 * 10 * 6 * 25 == 240_000
    assert report.total_macs == 416_520


@pytest.mark.slow
def test_lenet5_reaches_its_target_with_tanh_and_with_relu() -> None:
    experiments = variants("lenet5_mnist")
    assert [node.type for node in experiments["ReLU + max pooling"].model.nodes if node.id in ("act1", "s2")] == [
        "ReLU",
        "MaxPool2d",
    ]
    for name, experiment in experiments.items():
        assert train(experiment, 4).test_accuracy >= 0.9, name


# ---- VGG: two 3×3 against one 5×5 -------------------------------------------------------------
def test_two_3x3_convolutions_see_as_far_as_one_5x5_with_fewer_parameters() -> None:
    experiments = variants("vgg_two_3x3_vs_5x5")
    stack, single = experiments["Two 3×3 convolutions"], experiments["One 5×5 convolution"]
    channels = stack.node("conv_a").params["out_channels"]
    assert channels == 16
    stack_report, single_report = report_of(stack), report_of(single)
    stack_params = stack_report.nodes["conv_a"].params + stack_report.nodes["conv_b"].params
    assert stack_params == 2 * (9 * channels**2 + channels) == 4_640
    assert single_report.nodes["conv_a"].params == 25 * channels**2 + channels == 6_416
    assert single_report.nodes["conv_b"].params == 0  # the Identity left in the second one's place
    assert (stack_report.total_params, single_report.total_params) == (7_242, 9_018)  # the race lists these
    assert stack_report.nodes["conv_a"].macs + stack_report.nodes["conv_b"].macs == 2 * 64 * 9 * channels**2
    assert single_report.nodes["conv_a"].macs == 64 * 25 * channels**2
    stack_fields, single_fields = receptive_fields(stack, stack_report), receptive_fields(single, single_report)
    assert stack_fields["conv_a"].size == (3, 3)
    assert stack_fields["conv_b"].size == (5, 5)  # 1 (the 1×1 stem) + 2 + 2
    assert single_fields["conv_b"].size == single_fields["conv_a"].size == (5, 5)
    assert spatial(stack_report, "relu_b") == spatial(single_report, "relu_b") == (16, 8, 8)


@pytest.mark.slow
def test_both_vgg_variants_learn_the_digits() -> None:
    for name, experiment in variants("vgg_two_3x3_vs_5x5").items():
        assert train(experiment, 10).test_accuracy >= 0.9, name


# ---- Inception --------------------------------------------------------------------------------
BRANCHES = {
    "b1_conv": ("b1_conv",),
    "b3_conv": ("b3_reduce", "b3_relu", "b3_conv"),
    "b5_conv": ("b5_reduce", "b5_relu", "b5_conv"),
    "bp_conv": ("bp_pool", "bp_conv"),
}


def test_inception_branches_keep_the_size_and_concat_stacks_their_channels() -> None:
    experiment = load("inception_module")
    report = report_of(experiment)
    for last in BRANCHES:
        assert spatial(report, last) == (8, 8, 8), last
    assert report.incoming["concat"] == list(BRANCHES)
    assert spatial(report, "concat") == (32, 8, 8)  # 8 + 8 + 8 + 8 channels
    fields = receptive_fields(experiment, report)
    sizes = {last: fields[last].size[0] for last in BRANCHES}
    assert sizes == {"b1_conv": 3, "b3_conv": 5, "b5_conv": 7, "bp_conv": 5}  # the 3×3 stem adds 2 to each
    assert fields["concat"].size == (7, 7)  # as far as its widest branch
    # the 1×1 bottleneck: 16 → 4 → 8 channels instead of a 5×5 straight from 16 to 8
    bottleneck = report.nodes["b5_reduce"].params + report.nodes["b5_conv"].params
    assert bottleneck == (16 * 4 + 4) + (25 * 4 * 8 + 8) == 876
    assert 25 * 16 * 8 + 8 == 3_208  # the figure the lesson compares it with


def test_the_inception_module_is_laid_out_by_the_canvas_top_down() -> None:
    experiment = load("inception_module")  # a deep image model: the canvas arranges it top-down
    assert experiment.model.direction == "auto" and all(node.pos is None for node in experiment.model.nodes)


@pytest.mark.slow
def test_inception_module_learns_the_digits() -> None:
    assert train(load("inception_module"), 10).test_accuracy >= 0.94


# ---- MobileNet: depthwise separable against a standard convolution ----------------------------
def test_summary_counts_multiply_adds_of_conv_depthwise_conv_and_linear_by_hand() -> None:
    experiments = variants("mobilenet_depthwise_separable")
    separable = report_of(experiments["Depthwise separable"])
    standard = report_of(experiments["Standard convolution"])
    c, positions = 32, 8 * 8
    # a standard 3×3 conv from 1 to C channels (the stem): H·W·C_out·C_in·k²
    assert separable.nodes["stem"].macs == positions * c * 1 * 9 == 18_432
    # depthwise (groups = C): one 3×3 filter per channel
    assert separable.nodes["depthwise"].params == 9 * c + c == 320
    assert separable.nodes["depthwise"].macs == positions * 9 * c == 18_432
    # pointwise 1×1
    assert separable.nodes["pointwise"].params == c * c + c == 1_056
    assert separable.nodes["pointwise"].macs == positions * c * c == 65_536
    # the standard 3×3 convolution in the block's place
    assert standard.nodes["depthwise"].params == 9 * c * c + c == 9_248
    assert standard.nodes["depthwise"].macs == positions * 9 * c * c == 589_824
    assert standard.nodes["pointwise"].params == 0 and standard.nodes["pointwise"].macs is None  # Identity
    # a Linear layer: in·out multiply-adds, in·out + out parameters
    for report in (separable, standard):
        assert report.nodes["logits"].params == 512 * 10 + 10
        assert report.nodes["logits"].macs == 512 * 10
    block = separable.nodes["depthwise"].macs + separable.nodes["pointwise"].macs
    assert block == 83_968
    assert block / standard.nodes["depthwise"].macs == pytest.approx(1 / c + 1 / 9)
    assert (separable.total_params, standard.total_params) == (6_826, 14_698)


@pytest.mark.slow
def test_the_separable_block_learns_almost_as_well_as_the_standard_convolution() -> None:
    results = {
        name: train(experiment, 10).test_accuracy
        for name, experiment in variants("mobilenet_depthwise_separable").items()
    }
    assert results["Depthwise separable"] >= 0.93
    assert results["Standard convolution"] >= 0.94
