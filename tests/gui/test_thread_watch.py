"""The GUI suite's guard against QThreads left running."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.qt_threads import ThreadWatch, check_no_dangling_threads


def test_a_thread_left_running_fails_the_test_and_names_where_it_started(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silon_desktop.ui.workers import Job

    watch = ThreadWatch()
    watch.install(monkeypatch)
    release = threading.Event()
    job = Job(lambda _p, _c: release.wait(10), "held")
    job.start()
    with pytest.raises(AssertionError) as caught:
        check_no_dangling_threads(watch)  # what the autouse fixture runs after each test
    assert "job-held from" in str(caught.value) and "test_thread_watch.py" in str(caught.value)
    release.set()
    qtbot.waitUntil(lambda: not job.is_running(), timeout=5_000)
    check_no_dangling_threads(watch)  # nothing left: no failure


def test_a_job_waited_for_passes(qtbot: QtBot, _no_dangling_qthreads: Any) -> None:
    from silon_desktop.ui.workers import Job

    job = Job(lambda _p, _c: 42, "quick")
    with qtbot.waitSignal(job.finished, timeout=5_000) as done:
        job.start()
    assert done.args == [42]
    assert _no_dangling_qthreads.running() == []


def test_a_program_thread_left_running_fails_the_test(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """A Python thread of the program's own (the WAL checkpoint of a database nobody
    closed) goes on with that test's files while the next tests run."""
    from silon_desktop.storage.checkpoints import Checkpointer

    watch = ThreadWatch()
    watch.install(monkeypatch)
    busy = Checkpointer(lambda: None, tmp_path / "x.db")
    busy._idle.clear()  # a checkpoint under way: wait_idle blocks until it ends
    thread = threading.Thread(target=busy.wait_idle, args=(10,), name="silon-checkpoint")
    thread.start()
    with pytest.raises(AssertionError) as caught:
        check_no_dangling_threads(watch)
    assert "silon-checkpoint (a Python thread of silon_desktop.storage.checkpoints)" in str(
        caught.value
    )
    busy._idle.set()
    thread.join(5)
    check_no_dangling_threads(watch)
