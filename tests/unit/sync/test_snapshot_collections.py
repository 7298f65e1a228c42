"""A snapshot is installed with the cyclic garbage collector run less often
(silon_desktop.gc_tuning); the feed's pages are not.

A first sync's snapshot parts make millions of short-lived lists and values that no
cycle holds: with the default threshold the collector walked them again and again
(about 5% of a 1,048,577-record first sync's CPU, 1.4 s of 19). The feed's pages
left garbage only the collector frees (with fewer collections a feed-only first sync
of the same list peaked at 307 MB against 195 MB): its lookups' statements, now
without reference cycles holding ids."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.gc_tuning import BULK_GC_THRESHOLD, fewer_collections
from sync.client.apply import Applier
from tests.unit.sync.harness import Client, seeded, supporter_values


@pytest.fixture
def default_threshold() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """``(what, threshold)``: the collector's first threshold as each snapshot part
    (applied while a snapshot is installed) or feed page (any other time) was
    applied. Both come in the same block form: the desktop asks the feed for the
    snapshot's compact layout."""
    from sync.client import snapshots

    found: list[tuple[str, int]] = []
    installing: list[bool] = []
    real_page, real_install = Applier.feed_page, snapshots._install

    def watched(self: Applier, conn: Any, page: dict[str, Any]) -> Any:
        found.append(("part" if installing else "page", gc.get_threshold()[0]))
        return real_page(self, conn, page)

    def install(*args: Any, **kwargs: Any) -> Any:
        installing.append(True)
        try:
            return real_install(*args, **kwargs)
        finally:
            installing.pop()

    monkeypatch.setattr(Applier, "feed_page", watched)
    monkeypatch.setattr(snapshots, "_install", install)
    return found


def test_parts_are_installed_with_fewer_collections_and_feed_pages_are_not(
    make_client: Callable[..., Client],
    seen: list[tuple[str, int]],
    default_threshold: tuple[int, int, int],
) -> None:
    a, pair = seeded(make_client, 30)
    b = make_client("b")
    assert b.sync().complete  # the first pull: the snapshot, then the feed
    parts = {threshold for what, threshold in seen if what == "part"}
    pages = {threshold for what, threshold in seen if what == "page"}
    assert parts == {BULK_GC_THRESHOLD} and pages == {default_threshold[0]}
    a.repo.create("supporter", supporter_values(pair, 99), "32.14")
    assert a.sync().complete
    seen.clear()
    assert b.sync().pulled == 1  # a later pull: the feed alone
    assert seen == [("page", default_threshold[0])]
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
    seen: list[tuple[str, int]],
    default_threshold: tuple[int, int, int],
) -> None:
    from sync.client.snapshots import install_file
    from tests.unit.sync.test_snapshot import _on_a_stick

    path = fast_dir / "32.14.snap"
    _a, b = _on_a_stick(make_client, path, 5)
    seen.clear()  # what logging in applied
    assert install_file(b.db, path, account_scope="32.14").count == 7
    assert seen and set(seen) == {("part", BULK_GC_THRESHOLD)}
    assert gc.get_threshold() == default_threshold


def test_the_feed_leaves_no_ids_in_reference_cycles(make_client: Callable[..., Client]) -> None:
    """The feed's pages looked their records up with a statement built per chunk of
    500 ids: SQLAlchemy's bind parameters of such a statement form reference cycles,
    which held the ids until the cyclic collector ran (a million-record feed sync
    peaked 110 MB higher when it ran rarely). Now one statement binds them."""
    from sync.client import SyncEngine

    a, _pair = seeded(make_client, 1200)
    ids = {record_id for entity, record_id in a.records() if entity == "supporter"}
    b = make_client("b")
    assert b.engine().run(stages=("push",)).complete  # logged in, nothing pulled yet
    gc.collect()
    gc.disable()
    try:
        report = SyncEngine(b.db, b.settings, b.transport, snapshots=False).run(stages=("pull",))
        assert report.pulled == len(ids) + 2
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        holding = [o for o in gc.garbage if type(o) is list and any(x in ids for x in o[:3])]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert holding == []
