"""Snapshots prepared before they are asked for and kept current after pushes (#19)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sync import snapshot as fmt
from sync.server import snapshot_builder, snapshots
from sync.server.roles import Actor, Role
from tests.unit.sync.harness import SCOPE, Client, seed_pair, seeded, supporter_values

READER = Actor("op2", Role.KABKOTA, SCOPE, "dev-b")


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "PART_RECORDS", 7)  # several parts from a few records
    monkeypatch.setattr(snapshot_builder, "QUIET_S", 0.0)  # build right after a push


def _builder(client: Client) -> snapshot_builder.SnapshotBuilder:
    builder: snapshot_builder.SnapshotBuilder = client.server.app.state.snapshot_builder
    return builder


def _prepared(client: Client) -> snapshots.Built:
    assert _builder(client).wait_idle(60)
    built: snapshots.Built | None = client.server.app.state.snapshots.peek(
        READER, layout=fmt.CLIENT_LAYOUT
    )
    assert built is not None
    return built


def _server_cursor(client: Client) -> int:
    from sqlalchemy import func, select

    from sync.server.schema import records

    with client.server.engine.connect() as conn:
        return int(conn.execute(select(func.max(records.c.seq))).scalar_one())


def _no_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("built on request")

    monkeypatch.setattr(snapshots, "build", refuse)


def test_a_snapshot_is_prepared_after_a_push_and_served_without_building(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _pair = seeded(make_client, 20)
    prepared = _prepared(a)
    assert prepared.count == 22 and prepared.cursor == _server_cursor(a)
    b = make_client("b")
    assert b.engine().run(stages=("push",)).complete  # learns the server key
    _no_builds(monkeypatch)
    b.transport.sent.clear()
    assert b.sync().complete
    manifests = [q for _m, p, q in b.transport.sent if p == "/v1/snapshot"]
    assert manifests == [{"layout": "compact"}]
    parts = [p for _m, p, _q in b.transport.sent if p.startswith("/v1/snapshot/")]
    assert parts == [f"/v1/snapshot/{prepared.manifest['snapshot_id']}/{n}" for n in range(4)]
    # A client installing the prepared snapshot holds exactly the server's records.
    assert b.records() == b.server.records() == a.records()


def test_the_prepared_snapshot_is_kept_current_rebuilding_only_changed_parts(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, pair = seeded(make_client, 26)  # 28 records: four whole parts of 7
    first = _prepared(a)
    assert [s.records for s in first.spans] == [7, 7, 7, 7]
    # One supporter of the third part changed, two new ones.
    third = fmt.check_part(
        fmt.check_manifest(first.manifest, a.server.public_key),
        2,
        __import__("gzip").decompress(first.parts[2]),
    )
    changed = third["entities"][-1]["rows"][0][0]
    a.repo.update("supporter", changed, {"name": "NAMA BARU"})
    new_ids = [a.repo.create("supporter", supporter_values(pair, n), SCOPE) for n in (90, 91)]
    assert a.sync().complete
    second = _prepared(a)
    assert second.manifest["snapshot_id"] != first.manifest["snapshot_id"]
    assert second.cursor == _server_cursor(a) and second.count == 30
    # Parts whose records did not change are the very same bytes; the rest rebuilt.
    assert [s.records for s in second.spans] == [7, 7, 6, 7, 3]
    kept = [0, 1, 3]
    assert all(second.parts[n] is first.parts[n] for n in kept)
    assert [second.spans[n] for n in kept] == [first.spans[n] for n in kept]
    b = make_client("b")
    assert b.engine().run(stages=("push",)).complete
    _no_builds(monkeypatch)
    b.transport.sent.clear()
    assert b.sync().complete
    assert b.records() == b.server.records() == a.records()
    assert b.repo.get("supporter", changed)["name"] == "NAMA BARU"  # type: ignore[index]
    assert all(b.repo.get("supporter", sid) is not None for sid in new_ids)
    # Everything came in the snapshot: the feed after its cursor had nothing.
    assert b.sync().pulled == 0


def test_an_updated_snapshot_holds_each_record_once_as_a_fresh_build_does(
    make_client: Callable[..., Client],
) -> None:
    a, pair = seeded(make_client, 30)
    state = a.server.app.state.server
    previous = snapshots.build(state, READER, layout=fmt.CLIENT_LAYOUT)
    late = list(_records(previous))[16:]  # feed order: the records after the first two parts
    for sid in late[::3]:
        a.repo.update("supporter", sid, {"name": "DIGANTI"})
    for sid in late[1::5]:
        a.repo.delete("supporter", sid)
    for n in range(40, 50):
        a.repo.create("supporter", supporter_values(pair, n), SCOPE)
    assert a.sync().complete
    updated = snapshots.build(state, READER, layout=fmt.CLIENT_LAYOUT, previous=previous)
    fresh = snapshots.build(state, READER, layout=fmt.CLIENT_LAYOUT)
    assert _records(updated) == _records(fresh)
    assert updated.count == fresh.count == len(_records(fresh))
    assert updated.cursor == fresh.cursor
    assert updated.parts[:2] == previous.parts[:2]  # the untouched parts kept
    assert updated.spans[:2] == previous.spans[:2]


def _records(built: snapshots.Built) -> dict[str, tuple[Any, ...]]:
    import gzip

    manifest = fmt.check_manifest(built.manifest, built.manifest["public_key"])
    out: dict[str, tuple[Any, ...]] = {}
    for index, blob in enumerate(built.parts):
        page = fmt.check_part(manifest, index, gzip.decompress(blob))
        for block in page["entities"]:
            for row in block["rows"]:
                assert row[0] not in out  # every record once
                out[row[0]] = tuple(row)
    return out


def test_a_push_of_a_server_without_a_builder_prepares_nothing(
    make_client: Callable[..., Client],
) -> None:
    a, _pair = seeded(make_client, 3)
    builder = _builder(a)
    snapshot_builder.detach(a.server.engine)
    snapshot_builder.pushed(a.server.engine, READER)  # no builder: nothing happens
    assert builder.wait_idle(0)


def test_a_download_started_before_the_snapshot_was_replaced_completes(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The builder replaces snapshots after pushes: a client fetching the parts of the
    one it started keeps them (a replaced snapshot stays downloadable a while)."""
    a, pair = seeded(make_client, 20)
    first = _prepared(a)
    b = make_client("b")
    assert b.engine().run(stages=("push",)).complete
    real = b.transport.call
    replaced: list[str] = []

    def push_meanwhile(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        answer = real(method, path, *args, **kwargs)
        if path.endswith("/1") and not replaced:  # halfway: another office pushes
            a.repo.create("supporter", supporter_values(pair, 77), SCOPE)
            assert a.sync().complete
            replaced.append(_prepared(a).manifest["snapshot_id"])
        return answer

    monkeypatch.setattr(b.transport, "call", push_meanwhile)
    b.transport.sent.clear()
    assert b.sync().complete
    assert replaced and replaced[0] != first.manifest["snapshot_id"]
    parts = [p for _m, p, _q in b.transport.sent if p.startswith("/v1/snapshot/")]
    assert parts == [f"/v1/snapshot/{first.manifest['snapshot_id']}/{n}" for n in range(4)]
    assert b.records() == b.server.records()  # the new supporter came by the feed


def test_a_small_last_part_is_read_again_only_with_at_least_as_many_new_records(
    make_client: Callable[..., Client],
) -> None:
    """Parts grow by doubling: builds after many small pushes neither leave a part
    per push nor encode the same tail again each time."""
    a, pair = seeded(make_client, 12)  # 14 records: two whole parts of 7
    state = a.server.app.state.server
    built = [snapshots.build(state, READER, layout=fmt.CLIENT_LAYOUT)]
    for n, new in enumerate((2, 1, 2)):
        for k in range(new):
            a.repo.create("supporter", supporter_values(pair, 50 + 10 * n + k), SCOPE)
        assert a.sync().complete
        built.append(snapshots.build(state, READER, layout=fmt.CLIENT_LAYOUT, previous=built[-1]))
    assert [[s.records for s in b.spans] for b in built] == [
        [7, 7],
        [7, 7, 2],
        [7, 7, 2, 1],  # 2 records in the last part, 1 new: kept as it was
        [7, 7, 2, 3],  # 1 record in the last part, 2 new: read again with them
    ]
    assert built[3].parts[2] is built[2].parts[2] is built[1].parts[2]
    assert _records(built[3]) == _records(snapshots.build(state, READER, layout=fmt.CLIENT_LAYOUT))


def test_every_write_moves_the_record_past_the_feed_head(
    make_client: Callable[..., Client],
) -> None:
    """What the incremental rebuild relies on (sync/server/snapshots.py): a record's
    ``seq`` only moves forward, past every other record's, whenever the server writes
    it, so a part whose span no longer holds it is known to have lost it."""
    from sqlalchemy import select

    from sync.server.schema import records

    a = make_client("a")
    pair = seed_pair(a)
    ids = [a.repo.create("supporter", supporter_values(pair, n), SCOPE) for n in range(3)]
    assert a.sync().complete

    def seq_of(record_id: str) -> int:
        with a.server.engine.connect() as conn:
            stmt = select(records.c.seq).where(records.c.id == record_id)
            return int(conn.execute(stmt).scalar_one())

    target = ids[0]
    for write in (
        lambda: a.repo.update("supporter", target, {"address": "Alamat baru"}),
        lambda: a.repo.delete("supporter", target),
        lambda: a.repo.restore("supporter", target),
    ):
        head = _server_cursor(a)
        assert seq_of(target) < head  # older than the newest record
        write()
        assert a.sync().complete
        assert seq_of(target) == _server_cursor(a) > head
        # and the next write goes to another record, so the target is behind again
        a.repo.update("supporter", ids[1], {"address": f"Alamat {head}"})
        assert a.sync().complete
