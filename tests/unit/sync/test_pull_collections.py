"""The pull stage runs the cyclic garbage collector less often (silon_desktop.gc_tuning).

A first sync's snapshot parts and feed pages make millions of short-lived lists and
values that no cycle holds: with the default threshold the collector walked them
again and again (about 5% of a 1,048,577-record first sync's CPU, 1.4 s of 19)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.gc_tuning import BULK_GC_THRESHOLD, fewer_collections
from sync.client.apply import Applier
from tests.unit.sync.harness import Client, seed_pair, supporter_values


@pytest.fixture
def default_threshold() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The collector's first threshold as each page or part was applied."""
    found: list[int] = []
    real = Applier.feed_page

    def watched(self: Applier, conn: Any, page: dict[str, Any]) -> Any:
        found.append(gc.get_threshold()[0])
        return real(self, conn, page)

    monkeypatch.setattr(Applier, "feed_page", watched)
    return found


def test_pages_are_applied_with_fewer_collections_and_the_threshold_comes_back(
    make_client: Callable[..., Client],
    seen: list[int],
    default_threshold: tuple[int, int, int],
) -> None:
    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    for n in range(30):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    assert a.sync().complete
    assert b.sync().complete  # the first pull: the snapshot, then the feed
    assert seen and set(seen) == {BULK_GC_THRESHOLD}
    assert gc.get_threshold() == default_threshold


def test_nested_and_failing_uses_restore_the_first_callers_threshold(
    default_threshold: tuple[int, int, int],
) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        with fewer_collections():
            assert gc.get_threshold()[0] == BULK_GC_THRESHOLD
        assert gc.get_threshold()[0] == BULK_GC_THRESHOLD  # the outer one still runs
        raise RuntimeError("a page refused")
    assert gc.get_threshold() == default_threshold


def test_a_snapshot_file_from_a_stick_is_installed_with_fewer_collections(
    make_client: Callable[..., Client],
    fast_dir: Path,
    seen: list[int],
    default_threshold: tuple[int, int, int],
) -> None:
    from sync.client.snapshots import install_file
    from tests.unit.sync.test_snapshot import _export, _learn_key, seeded

    a, _pair = seeded(make_client, 5)
    path = fast_dir / "32.14.snap"
    _export(a, path)
    b = make_client("b")
    _learn_key(b)
    assert install_file(b.db, path, account_scope="32.14").count == 7
    assert seen and set(seen) == {BULK_GC_THRESHOLD}
    assert gc.get_threshold() == default_threshold
