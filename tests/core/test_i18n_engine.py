"""Training speaks the window's language: the engine's messages of a run's end, the diagnostics'
hints, checkpoint and worker errors come out in Simplified Chinese when it is set, and a run in a
spawned worker process (which has its own copy of the core's language) is told the language with
its request. English stays exactly as it was."""

from __future__ import annotations

import multiprocessing
import pickle
from typing import Any

import pytest
import torch
from torch import nn

from playground.core.compare.lr_range_test import lr_range_test
from playground.core.compare.race import Race, RaceOptions, optimizer_contenders
from playground.core.compare.race_worker import RaceShare
from playground.core.experiment import experiment_from_dict
from playground.core.i18n import set_language
from playground.core.runs.pool import WorkerPool
from playground.core.runs.records import RunFailed, RunFinished, RunRequest, RunUpdated
from playground.core.runs.worker import describe_exit
from playground.core.training import Trainer, TrainerOptions
from playground.core.training.checkpoint import CheckpointError, read_checkpoint
from playground.core.training.diagnostics import DiagnosticsProbe, diagnostic_hints
from playground.core.training.engine import divergence_message
from tests.core.factories import xor_document


@pytest.fixture
def chinese():
    """Simplified Chinese for the test, English again afterwards (whatever the test did)."""
    set_language("zh_CN")
    yield
    set_language("en")


@pytest.fixture(scope="module")
def pool():
    """One warm worker process for the module's runs (the pool does not start others)."""
    others = set(multiprocessing.active_children())  # another module's workers (tests share a process)
    workers = WorkerPool(keep_ready=1)
    workers.prestart()
    for worker in workers.idle():
        assert worker.wait_ready(), worker.failure
    workers.prestart = lambda: None  # type: ignore[method-assign]
    yield workers
    workers.shutdown(0.5)
    assert not set(multiprocessing.active_children()) - others


def xor(epochs: int = 1, lr: float | None = None) -> Any:
    document = xor_document()
    document["training"].update({"epochs": epochs, "device": "cpu"})
    experiment = experiment_from_dict(document)
    if lr is not None:  # SGD far above the catalogue's range: the run diverges in its first steps
        experiment.training.optimizer.type = "SGD"
        experiment.training.optimizer.params = {"lr": lr}
    return experiment


def deep_sigmoid_diagnostics() -> Any:
    """The diagnostics of one real batch through eight Linear + Sigmoid layers: the gradient that
    reaches the first layer is a tiny fraction of the last one's."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for _layer in range(8):
        layers += [nn.Linear(8, 8), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(8, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    probe = DiagnosticsProbe(model)
    probe.attach()
    loss = nn.functional.cross_entropy(model(torch.randn(32, 8)), torch.randint(0, 2, (32,)))
    loss.backward()
    probe.after_backward()
    optimizer.step()
    return probe.after_step()


# ---- messages made in this process ------------------------------------------------------------


def test_the_divergence_message_is_chinese_and_english_is_unchanged(chinese) -> None:
    exploded = divergence_message(3, 17, 1e6, 2.5e7, 0.69)
    assert exploded == (
        "损失在第 3 轮第 17 步爆炸到 2.5e+07（起始为 0.69）：学习率（1e+06）可能过高；请降低学习率或开启梯度裁剪。"
    )
    assert "NaN/inf" in divergence_message(1, 2, 0.5) and "第 1 轮第 2 步" in divergence_message(1, 2, 0.5)
    set_language("en")
    assert divergence_message(3, 17, 1e6, 2.5e7, 0.69) == (
        "The loss exploded to 2.5e+07 (it started at 0.69) at epoch 3 step 17: the learning rate (1e+06) is "
        "probably too high; lower it or turn on gradient clipping."
    )
    assert divergence_message(1, 2, 0.5) == (
        "The loss became NaN/inf at epoch 1 step 2: the learning rate (0.5) is probably too high; "
        "lower it or turn on gradient clipping."
    )


def test_vanishing_gradients_of_a_real_deep_sigmoid_network_are_explained_in_chinese(chinese) -> None:
    diagnostics = deep_sigmoid_diagnostics()
    assert diagnostics.grad_norm[0] / diagnostics.grad_norm[-1] < 1e-3  # the network really shows it
    hints = diagnostic_hints(diagnostics)
    vanishing = [hint for hint in hints if hint.startswith("梯度消失")]
    assert len(vanishing) == 1, hints
    assert "第一层（0）" in vanishing[0] and "ReLU 激活函数" in vanishing[0]  # a sigmoid network: try ReLU
    assert diagnostics.as_dict()["hints"] == hints  # what the window is sent
    set_language("en")
    english = diagnostic_hints(diagnostics)
    assert english[0].startswith("Vanishing gradients: the first layer (0) gets ")
    assert "Try ReLU activations, He initialisation" in english[0]


def test_a_run_of_the_engine_ends_with_chinese_messages(chinese) -> None:
    summary = Trainer(xor(epochs=2), options=TrainerOptions(num_threads=1)).run()
    assert summary.status == "completed" and summary.message == "训练完成。"
    trainer = Trainer(xor(epochs=1, lr=1e6), options=TrainerOptions(num_threads=1))
    diverged = trainer.run()
    assert diverged.status == "diverged" and trainer.divergence == "exploded"  # told apart without the words
    assert diverged.message.startswith("损失在第 1 轮第 ") and "爆炸到" in diverged.message
    assert "学习率（1e+06）可能过高" in diverged.message
    assert diverged.message.endswith(("已保留最后一组有限的权重。", "即最后一组有限的权重。"))
    assert " " not in diverged.message.split("。")[1][:1]  # the two sentences joined as Chinese joins them


def test_the_learning_rate_range_test_says_where_the_loss_exploded_in_chinese(chinese) -> None:
    result = lr_range_test(xor(), start_lr=1e-3, end_lr=1e7, steps=40)
    assert result.stopped_early
    assert result.message.startswith("学习率为 ") and result.message.endswith(
        ("时损失爆炸；扫描在此停止。", "NaN/inf。")
    )


def test_checkpoint_and_worker_errors_are_chinese(chinese, tmp_path) -> None:
    with pytest.raises(CheckpointError, match="没有这个检查点文件夹"):
        read_checkpoint(tmp_path / "nowhere")
    assert describe_exit(-9) == "训练进程意外停止（被终止，SIGKILL）：模型可能超出了本机内存的容量"
    set_language("en")
    assert describe_exit(-9) == (
        "the training process stopped unexpectedly (killed, SIGKILL): the model may be too large for "
        "this machine's memory"
    )


# ---- the language crosses to the worker --------------------------------------------------------


def test_requests_carry_the_language_they_were_made_in_and_still_pickle(chinese) -> None:
    experiment = xor()
    request = RunRequest(experiment)
    assert request.language == "zh_CN"
    assert pickle.loads(pickle.dumps(request)).language == "zh_CN"
    share = RaceShare(experiment, optimizer_contenders(experiment, [("SGD", 0.1)]), [0], [0], RaceOptions())
    assert share.language == "zh_CN"
    assert pickle.loads(pickle.dumps(share)).language == "zh_CN"
    set_language("en")
    assert RunRequest(experiment).language == "en"


def test_a_run_in_a_worker_process_reports_its_divergence_in_the_language_of_its_request(chinese, pool) -> None:
    worker = pool.acquire()
    try:
        worker.prepare_run()
        worker.submit(1, RunRequest(xor(epochs=1, lr=1e6), num_threads=1))
        while True:
            record = worker.receive(60.0)
            assert record is not None, "the worker went silent"
            if isinstance(record, RunUpdated):
                worker.control.acknowledged = True
            assert not isinstance(record, RunFailed), record.message
            if isinstance(record, RunFinished):
                break
    finally:
        pool.release(worker)
    summary = record.summary
    assert summary.status == "diverged"
    assert "可能过高；请降低学习率或开启梯度裁剪。" in summary.message, summary.message
    assert "learning rate" not in summary.message


def test_a_race_in_a_worker_process_reports_in_the_language_it_was_started_in(chinese, pool) -> None:
    experiment = xor(epochs=1)
    race = Race(experiment, optimizer_contenders(experiment, [("SGD", 1e6)]), RaceOptions(epochs=1))
    race.run(pool, workers=1)
    assert race.workers_used == 1  # it really trained in the worker process
    run = race.run_of(0)
    assert run.status == "diverged" and "学习率（1e+06）可能过高" in run.message, run.message
