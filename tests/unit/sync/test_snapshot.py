"""Scope snapshots: a fresh client's first pull, the USB-stick file, and refusals."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from sync import snapshot as fmt
from sync.client.state import CURSOR_KEY, get_state
from tests.unit.sync.harness import SCOPE, Client, seed_pair, supporter_values


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    from sync.server import snapshots

    monkeypatch.setattr(fmt, "PART_RECORDS", 7)  # several parts from a few records
    monkeypatch.setattr(snapshots, "STALE_RECORDS", 0)  # rebuilt after any change


def _cursor(client: Client) -> str:
    with client.db.session(readonly=True) as session:
        return get_state(session.connection(), CURSOR_KEY)


def _seeded(make_client: Callable[..., Client], count: int = 20) -> tuple[Client, str]:
    a = make_client("a")
    pair = seed_pair(a)
    for n in range(count):
        a.repo.create("supporter", supporter_values(pair, n), SCOPE)
    assert a.sync().complete
    return a, pair


def _learn_key(client: Client) -> None:
    assert client.engine().run(stages=("push",)).complete  # saves the server key


def test_a_fresh_client_installs_the_snapshot_then_pulls_only_the_feed_after_it(
    make_client: Callable[..., Client],
) -> None:
    a, pair = _seeded(make_client)
    b = make_client("b")
    _learn_key(b)
    b.transport.sent.clear()
    report = b.sync()
    assert report.complete
    assert b.records() == a.records()
    paths = [path for _m, path, _q in b.transport.sent]
    assert paths[0] == "/v1/snapshot"
    parts = [p for p in paths if p.startswith("/v1/snapshot/")]
    assert len(parts) == 4  # 2 + 20 records in parts of 7
    feed = [q for _m, path, q in b.transport.sent if path == "/v1/feed"]
    assert feed and all(int(q["after"]) >= 22 for q in feed)  # from the snapshot's cursor
    # What changes later arrives through the feed after that cursor.
    sid = a.repo.create("supporter", supporter_values(pair, 99), SCOPE)
    assert a.sync().complete
    b.transport.sent.clear()
    assert b.sync().complete
    assert not [p for _m, p, _q in b.transport.sent if p.startswith("/v1/snapshot")]
    assert b.repo.get("supporter", sid) is not None
    assert b.records() == a.records()


def test_a_tampered_part_is_refused_and_nothing_is_kept(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(make_client)
    b = make_client("b")
    _learn_key(b)
    real = b.transport.call

    def tamper(method: str, path: str, *args: object, **kwargs: object) -> object:
        answer = real(method, path, *args, **kwargs)  # type: ignore[arg-type]
        if path.endswith("/2") and isinstance(answer, dict):
            answer["entities"][0]["rows"][0][1] = "32.15"  # another scope
        return answer

    monkeypatch.setattr(b.transport, "call", tamper)
    report = b.sync()
    assert not report.complete and report.error_kind == "error"
    assert b.records() == {}  # parts 0 and 1 were applied, then rolled back
    assert _cursor(b) == ""


def test_a_cancelled_install_keeps_nothing_and_the_next_run_completes(
    make_client: Callable[..., Client],
) -> None:
    a, _pair = _seeded(make_client)
    b = make_client("b")
    _learn_key(b)
    cancel = threading.Event()

    def progress(step: object) -> None:
        cancel.set()  # after the first part

    report = b.engine().run(progress, cancel)
    assert report.cancelled
    assert b.records() == {} and _cursor(b) == ""
    assert b.sync().complete
    assert b.records() == a.records()


def test_a_snapshot_is_served_again_until_its_scope_changed_enough(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.server import snapshots

    a, pair = _seeded(make_client, 3)
    b = make_client("b")
    first = b.transport.call("GET", "/v1/snapshot")
    assert b.transport.call("GET", "/v1/snapshot")["snapshot_id"] == first["snapshot_id"]
    monkeypatch.setattr(snapshots, "STALE_RECORDS", 2)
    a.repo.create("supporter", supporter_values(pair, 3), SCOPE)
    assert a.sync().complete
    assert b.transport.call("GET", "/v1/snapshot")["snapshot_id"] == first["snapshot_id"]
    for n in range(4, 6):
        a.repo.create("supporter", supporter_values(pair, n), SCOPE)
    assert a.sync().complete
    second = b.transport.call("GET", "/v1/snapshot")
    assert second["snapshot_id"] != first["snapshot_id"]
    assert int(second["cursor"]) > int(first["cursor"]) and second["count"] == first["count"] + 3
    from sync.transport import ServerRefused

    with pytest.raises(ServerRefused) as gone:
        b.transport.call("GET", f"/v1/snapshot/{first['snapshot_id']}/0")
    assert gone.value.status == 410


def _export(a: Client, path: Path, scope: str = SCOPE) -> dict[str, object]:
    from sync.server.roles import Actor, Role
    from sync.server.snapshots import export

    return export(a.server.app.state.server, Actor("admin", Role.KABKOTA, scope, "x"), path)


def test_a_snapshot_file_installs_offline_and_moves_the_cursor_of_the_same_scope(
    make_client: Callable[..., Client], fast_dir: Path
) -> None:
    from sync.client.snapshots import install_file

    a, _pair = _seeded(make_client)
    path = fast_dir / "stick" / "32.14.snap"
    path.parent.mkdir()
    manifest = _export(a, path)
    assert manifest["count"] == 22 and len(manifest["parts"]) == 4  # type: ignore[arg-type]
    assert not list(path.parent.glob(".snapshot-*"))  # the spool file is gone
    b = make_client("b")
    _learn_key(b)
    result = install_file(b.db, path, account_scope=SCOPE)
    assert (result.count, result.cursor_moved) == (22, True)
    assert b.records() == a.records()
    assert _cursor(b) == manifest["cursor"]
    b.transport.sent.clear()
    assert b.sync().complete  # online later: the feed after the file's cursor only
    assert not [p for _m, p, _q in b.transport.sent if p.startswith("/v1/snapshot")]


def test_a_snapshot_of_another_scope_is_applied_without_moving_the_cursor(
    make_client: Callable[..., Client], fast_dir: Path
) -> None:
    from sync.client.snapshots import install_file

    a, _pair = _seeded(make_client, 3)
    path = fast_dir / "part.snap"
    _export(a, path)
    b = make_client("b")
    _learn_key(b)
    result = install_file(b.db, path, account_scope="32.*")  # a province account
    assert result.count == 5 and not result.cursor_moved
    assert _cursor(b) == ""


@pytest.mark.parametrize("damage", ["truncate", "flip", "other_key", "not_gzip"])
def test_a_damaged_or_foreign_snapshot_file_is_refused_and_changes_nothing(
    make_client: Callable[..., Client], fast_dir: Path, damage: str
) -> None:
    from sync import signing
    from sync.client.snapshots import install_file

    a, _pair = _seeded(make_client)
    path = fast_dir / "s.snap"
    _export(a, path)
    raw = gzip.decompress(path.read_bytes())
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    elif damage == "flip":
        path.write_bytes(gzip.compress(raw.replace(b"3214000000000005", b"3214000000000006")))
    elif damage == "other_key":
        lines = raw.split(b"\n")
        body = fmt.check_manifest(
            __import__("orjson").loads(lines[0]), a.server.public_key
        )  # well formed; now re-signed by a stranger
        stranger = signing.generate_private_key()
        forged = fmt.seal_manifest(
            stranger,
            snapshot_id=body.snapshot_id,
            created_at="",
            scope=body.scope,
            cursor=body.cursor,
            parts=list(body.parts),
        )
        path.write_bytes(gzip.compress(b"\n".join([signing.canonical_json(forged), *lines[1:]])))
    else:
        path.write_bytes(raw)
    b = make_client("b")
    _learn_key(b)
    with pytest.raises(fmt.SnapshotError):
        install_file(b.db, path, account_scope=SCOPE)
    assert b.records() == {} and _cursor(b) == ""


def test_what_a_client_pushed_comes_back_without_being_written_again(
    make_client: Callable[..., Client],
) -> None:
    from sqlalchemy import select

    from silon_desktop.storage.models import Supporter

    a = make_client("a")
    pair = seed_pair(a)
    for n in range(10):
        a.repo.create("supporter", supporter_values(pair, n), SCOPE)
    assert a.engine().run(stages=("push",)).complete

    def rows() -> dict[str, tuple[int, object]]:
        with a.db.session(readonly=True) as session:
            found = session.execute(select(Supporter.id, Supporter.version, Supporter.updated_at))
            return {str(i): (int(v), u) for i, v, u in found}

    before = rows()
    assert all(version == 1 for version, _ in before.values())
    a.transport.sent.clear()
    assert a.engine().run(stages=("pull",)).complete
    (query,) = [q for _m, p, q in a.transport.sent if p == "/v1/feed"]
    page = a.transport.call("GET", "/v1/feed", params=query)
    assert {r[0] for b in page["entities"] for r in b["rows"]} == set(before)  # they came back
    assert rows() == before  # same versions, rows not rewritten
    assert a.records() == a.server.records()
