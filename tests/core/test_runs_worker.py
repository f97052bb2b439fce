"""The training worker, as a spawned process and as a thread: it trains what it is sent and reports
typed records, it is steered through shared memory, it is reused from run to run, a worker that
dies is described in plain words, and shutting the pool down leaves no child process."""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Any

import pytest

from playground.core.experiment import experiment_from_dict
from playground.core.runs.pool import WorkerPool
from playground.core.runs.records import (
    ProbeChanged,
    ProbeRequest,
    RunFailed,
    RunFinished,
    RunPrepared,
    RunRequest,
    RunStateChanged,
    RunUpdated,
)
from playground.core.runs.worker import WorkerDied, WorkerProcess, describe_exit
from playground.core.training import Trainer, TrainerOptions
from tests.core.factories import xor_document

KINDS = [pytest.param(False, id="process"), pytest.param(True, id="thread")]


def xor(epochs: int = 3) -> Any:
    document = xor_document()
    document["training"].update({"epochs": epochs, "device": "cpu"})
    return experiment_from_dict(document)


def collect(
    worker: WorkerProcess, run_id: int, until: tuple[type, ...] = (RunFinished, RunFailed), on_record: Any = None
) -> list[Any]:
    """Records of one run until it ends (acknowledging updates as the window would)."""
    records: list[Any] = []
    while True:
        record = worker.receive(30.0)
        assert record is not None, "the worker went silent"
        records.append(record)
        if isinstance(record, RunUpdated):
            worker.control.acknowledged = True
        if on_record is not None:
            on_record(record)
        if isinstance(record, until):
            return records


@pytest.fixture(scope="module")
def workers():
    """One warm worker of each kind for the whole module (starting one costs seconds)."""
    started = {kind: WorkerProcess(in_process=kind).start() for kind in (False, True)}
    for worker in started.values():
        assert worker.wait_ready()
    yield started
    for worker in started.values():
        worker.close()


@pytest.mark.parametrize("in_process", KINDS)
def test_a_worker_trains_a_request_like_the_engine_and_is_reused(workers, in_process: bool) -> None:
    worker = workers[in_process]
    experiment = xor(epochs=3)
    headless = Trainer(experiment, options=TrainerOptions(num_threads=1)).run()
    for run_id in (1, 2):  # the same warm worker, twice
        worker.prepare_run()
        worker.submit(run_id, RunRequest(experiment, epochs=3, num_threads=1))
        records = collect(worker, run_id)
        assert isinstance(records[0], RunPrepared) and records[0].setup.view.kind == "boundary"
        assert records[0].setup.process == ("thread" if in_process else "process")
        finished = records[-1]
        assert isinstance(finished, RunFinished) and finished.summary.status == "completed"
        assert finished.summary.history == headless.history  # bit for bit the engine's run
        epochs = [row for record in records if isinstance(record, RunUpdated) for row in record.update.epochs]
        assert [row.epoch for row in epochs] == [1, 2, 3]
        assert all(record.run == run_id for record in records)


@pytest.mark.parametrize("in_process", KINDS)
def test_a_worker_is_steered_through_shared_memory(workers, in_process: bool) -> None:
    worker = workers[in_process]
    worker.prepare_run()
    worker.submit(7, RunRequest(xor(epochs=100_000), num_threads=1, start_paused=True, first_batches=1))
    collect(worker, 7, until=(RunStateChanged,))  # paused after one batch
    steps: list[int] = []

    def follow(record: Any) -> None:
        if isinstance(record, RunUpdated) and record.update.steps is not None:
            steps.extend(int(step) for step in record.update.steps.step)
        if isinstance(record, RunStateChanged) and record.state == "paused" and steps[-1:] == [2]:
            worker.control.set_lr(0.5)
            worker.control.resume()
        if isinstance(record, RunUpdated) and steps and steps[-1] > 50:
            worker.control.stop()

    worker.control.step_batch()
    records = collect(worker, 7, on_record=follow)
    assert records[-1].summary.status == "stopped"
    assert steps[:2] == [1, 2]
    changes = [change for record in records if isinstance(record, RunUpdated) for change in record.update.lr_changes]
    assert changes and changes[0].lr == 0.5


def test_a_stop_asked_before_the_request_arrives_is_honoured(workers) -> None:
    worker = workers[False]
    worker.prepare_run()
    worker.control.stop()  # pressed while the worker was still warming up
    worker.submit(8, RunRequest(xor(), num_threads=1))
    records = collect(worker, 8)
    assert records[-1].summary.status == "stopped" and records[-1].summary.steps == 0


def test_a_killed_worker_is_described_and_the_pool_gives_a_fresh_one() -> None:
    pool = WorkerPool(keep_ready=1)
    worker = pool.acquire()
    assert worker.wait_ready()
    worker.prepare_run()
    worker.submit(1, RunRequest(xor(epochs=100_000), num_threads=1))
    while not isinstance(worker.receive(30.0), RunUpdated):
        pass
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(WorkerDied, match=r"stopped unexpectedly \(killed, SIGKILL\): the model may be too large"):
        while True:
            worker.receive(1.0)
    pool.discard(worker)
    fresh = pool.acquire()
    assert fresh is not worker and fresh.wait_ready()
    fresh.prepare_run()
    fresh.submit(2, RunRequest(xor(), num_threads=1))
    assert collect(fresh, 2)[-1].summary.status == "completed"
    pool.release(fresh)
    started = {worker.pid, fresh.pid} | {idle.pid for idle in pool.idle()}
    pool.shutdown()
    assert not [child for child in multiprocessing.active_children() if child.pid in started]


def test_exit_codes_are_put_in_words() -> None:
    assert "exit code 3" in describe_exit(3)
    assert "crashed (SIGSEGV" in describe_exit(-signal.SIGSEGV)
    assert "stopped answering" in describe_exit(None)


def test_a_request_that_cannot_train_fails_with_its_message(workers) -> None:
    document = xor_document()
    document["data"] = {"dataset": "csv", "params": {"path": "/nowhere/data.csv"}}
    worker = workers[True]
    worker.prepare_run()
    worker.submit(9, RunRequest(experiment_from_dict(document)))
    failed = collect(worker, 9)[-1]
    assert isinstance(failed, RunFailed) and "CSV file not found" in failed.message


def test_running_out_of_memory_is_said_as_what_to_do():
    from playground.core.runs.session import describe_failure

    text = describe_failure(MemoryError("Unable to allocate 40.0 GiB"))
    assert text.startswith("the training ran out of memory") and "smaller batch size" in text


def _probes(records: list[Any]) -> list[Any]:
    return [r.update.probe for r in records if isinstance(r, RunUpdated) and r.update.probe is not None]


@pytest.mark.parametrize("in_process", KINDS)
def test_a_run_looks_inside_the_node_asked_for_and_switches_when_told(workers, in_process: bool) -> None:
    worker = workers[in_process]
    worker.prepare_run()
    worker.submit(21, RunRequest(xor(epochs=40), probe=ProbeRequest("hidden", sample=2), num_threads=1))
    switched: list[bool] = []

    def switch(record: Any) -> None:
        if isinstance(record, RunUpdated) and record.update.probe is not None and not switched:
            switched.append(worker.tell(ProbeChanged(ProbeRequest("act", sample=3))))

    records = collect(worker, 21, on_record=switch)
    assert isinstance(records[-1], RunFinished)
    probes = _probes(records)
    assert probes[0].node == "hidden" and probes[0].sample == 2 and probes[0].shape == (4,)
    assert probes[-1].node == "act" and probes[-1].sample == 3  # the last look is the one asked for last
    assert probes[-1].epoch == 40  # and it was taken on the final weights


@pytest.mark.parametrize("in_process", KINDS)
def test_a_paused_run_answers_a_new_look_and_a_run_nobody_looks_into_probes_nothing(workers, in_process) -> None:
    worker = workers[in_process]
    worker.prepare_run()
    worker.submit(22, RunRequest(xor(epochs=5), start_paused=True, num_threads=1))
    records = collect(worker, 22, until=(RunStateChanged,))
    while records[-1].state != "paused":
        records += collect(worker, 22, until=(RunStateChanged,))
    assert not _probes(records)
    worker.tell(ProbeChanged(ProbeRequest("logits", sample=1)))
    answered = collect(worker, 22, until=(RunUpdated,))
    while answered[-1].update.probe is None:
        answered += collect(worker, 22, until=(RunUpdated,))
    assert answered[-1].update.probe.node == "logits" and answered[-1].update.probe.step == 0
    worker.tell(ProbeChanged(ProbeRequest("nowhere")))
    failed = collect(worker, 22, until=(RunUpdated,))
    while failed[-1].update.probe_error is None:
        failed += collect(worker, 22, until=(RunUpdated,))
    assert "nowhere" in failed[-1].update.probe_error
    worker.tell(ProbeChanged(None))
    worker.control.resume()
    rest = collect(worker, 22)
    assert isinstance(rest[-1], RunFinished) and not _probes(rest)  # nobody looks: no probe
    worker.submit(23, RunRequest(xor(epochs=1), num_threads=1))  # a late message never confuses the next run
    assert isinstance(collect(worker, 23)[-1], RunFinished)
