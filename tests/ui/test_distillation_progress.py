"""A distilled run trains its teacher first: the Training tab says so while it does, instead of a
silent 'training' with empty plots, and Stop ends it there."""

from __future__ import annotations

from tests.ui.training_helpers import open_host, preset, wait_for_state


def test_the_progress_line_names_the_teacher_while_it_trains_and_stop_ends_the_run(qtbot):
    host = open_host(qtbot, preset("knowledge_distillation.json", device="cpu"))
    host.controller.start(epochs=1)
    qtbot.waitUntil(lambda: "Training the teacher" in host.panel.run_label.text(), timeout=60_000)
    assert "epoch" in host.panel.run_label.text()
    host.controller.stop()
    wait_for_state(qtbot, host, "stopped", "finished")
    host.close()
