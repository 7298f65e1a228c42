"""Automatic garbage collection paused while pushes are parsed and applied."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from sync.server import gcpause


@pytest.fixture(autouse=True)
def _collection_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_collection_is_off_while_any_push_is_inside_and_on_after_the_last() -> None:
    inside = threading.Event()
    leave = threading.Event()

    def other_push() -> None:
        with gcpause.paused():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other_push)
    thread.start()
    assert inside.wait(10)
    assert not gc.isenabled()
    assert gcpause.run(gc.isenabled) is False  # a second push meanwhile
    assert not gc.isenabled()  # the first is still inside
    leave.set()
    thread.join(10)
    assert gc.isenabled()


def test_an_error_inside_still_ends_the_pause() -> None:
    with pytest.raises(ZeroDivisionError), gcpause.paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_collection_switched_off_elsewhere_stays_off() -> None:
    gc.disable()
    gcpause.run(lambda: None)
    assert not gc.isenabled()


def test_young_objects_piling_up_under_overlapping_pushes_are_collected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gcpause, "YOUNG_LIMIT", 1000)
    with gcpause.paused():
        with gcpause.paused():
            kept = [[] for _ in range(5000)]  # noqa: F841 - young objects alive
            assert gc.get_count()[0] > 1000
        assert gc.get_count()[0] < 1000  # collected on the way out
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_small_push_runs_without_a_pause() -> None:
    assert gcpause.run(gc.isenabled, 1000) is True
    assert gcpause.run(gc.isenabled, gcpause.LARGE_BODY) is False
    assert gc.isenabled()
