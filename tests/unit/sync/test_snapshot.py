"""Scope snapshots: a fresh client's first pull, the USB-stick file, and refusals."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.domain.errors import ErrorCode
from sync import signing
from sync import snapshot as fmt
from sync.client.apply import block_columns
from sync.client.state import CURSOR_KEY, get_state
from sync.transport import ServerRefused
from tests.unit.sync.harness import SCOPE, Client, seed_pair, seeded, supporter_values


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    from sync.server import snapshot_builder, snapshots

    monkeypatch.setattr(fmt, "PART_RECORDS", 7)  # several parts from a few records
    monkeypatch.setattr(snapshots, "STALE_RECORDS", 0)  # rebuilt after any change
    # Built on request only: what a request builds, and when, is what these test
    # (the builder of test_snapshot_builder.py prepares them after pushes).
    monkeypatch.setattr(snapshot_builder, "pushed", lambda engine, actor: None)


def _cursor(client: Client) -> str:
    with client.db.session(readonly=True) as session:
        return get_state(session.connection(), CURSOR_KEY)


def _learn_key(client: Client) -> None:
    """What a login keeps of the server: its key and the version of its read rules."""
    from sync.client.state import heard_read_rules
    from sync.server.roles import Actor, Role

    assert client.engine().run(stages=("push",)).complete  # saves the server key
    with client.db.engine.begin() as conn:
        heard_read_rules(conn, Actor(client.username, Role.KABKOTA, SCOPE, "").read_rules)


def test_a_fresh_client_installs_the_snapshot_then_pulls_only_the_feed_after_it(
    make_client: Callable[..., Client],
) -> None:
    a, pair = seeded(make_client, 20)
    b = make_client("b")
    _learn_key(b)
    b.transport.sent.clear()
    report = b.sync()
    assert report.complete
    assert b.records() == a.records()
    # Who made the election comes with it (a KPU kab/kota account made it).
    assert [e["made_by_kabkota"] for e in b.repo.list("election")] == [True]
    paths = [path for _m, path, _q in b.transport.sent if path != "/v1/server-key"]
    assert paths[0] == "/v1/snapshot"  # the first data asked (after the key check)
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
    seeded(make_client, 20)
    b = make_client("b")
    _learn_key(b)
    real = b.transport.call

    def tamper(method: str, path: str, *args: object, **kwargs: object) -> object:
        answer = real(method, path, *args, **kwargs)  # type: ignore[arg-type]
        if path.endswith("/2") and isinstance(answer, dict):
            # another scope: the column its records share, given once (compact layout)
            answer["entities"][0]["values"][1] = {"same": "32.15"}
        return answer

    monkeypatch.setattr(b.transport, "call", tamper)
    report = b.sync()
    assert not report.complete and report.error_kind == "error"
    assert b.records() == {}  # parts 0 and 1 were applied, then rolled back
    assert _cursor(b) == ""


def test_a_cancelled_install_keeps_nothing_and_the_next_run_completes(
    make_client: Callable[..., Client],
) -> None:
    a, _pair = seeded(make_client, 20)
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

    a, pair = seeded(make_client, 3)
    b = make_client("b")
    first = b.transport.call("GET", "/v1/snapshot")
    assert b.transport.call("GET", "/v1/snapshot")["snapshot_id"] == first["snapshot_id"]
    monkeypatch.setattr(snapshots, "STALE_RECORDS", 2)
    monkeypatch.setattr(snapshots, "RETIRED_S", 0.0)  # a replaced one is gone at once
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

    a, _pair = seeded(make_client, 20)
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


def _on_a_stick(
    make_client: Callable[..., Client], path: Path, supporters: int
) -> tuple[Client, Client]:
    """Client ``a`` seeded with ``supporters`` and its scope's snapshot written to
    ``path``; a fresh client ``b`` that knows the server key (the stick's two ends)."""
    a, _pair = seeded(make_client, supporters)
    _export(a, path)
    b = make_client("b")
    _learn_key(b)
    return a, b


def test_a_snapshot_of_another_scope_is_applied_without_moving_the_cursor(
    make_client: Callable[..., Client], fast_dir: Path
) -> None:
    from sync.client.snapshots import install_file

    path = fast_dir / "part.snap"
    _a, b = _on_a_stick(make_client, path, 3)
    result = install_file(b.db, path, account_scope="32.*")  # a province account
    assert result.count == 5 and not result.cursor_moved
    assert _cursor(b) == ""


@pytest.mark.parametrize("damage", ["truncate", "flip", "other_key", "not_gzip"])
def test_a_damaged_or_foreign_snapshot_file_is_refused_and_changes_nothing(
    make_client: Callable[..., Client], fast_dir: Path, damage: str
) -> None:
    from sync import signing
    from sync.client.snapshots import install_file

    a, _pair = seeded(make_client, 20)
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
    with pytest.raises(fmt.SnapshotError) as refused:
        install_file(b.db, path, account_scope=SCOPE)
    assert refused.value.params["name"] == "s.snap"  # which file on the stick
    assert b.records() == {} and _cursor(b) == ""


def test_the_snapshot_command_names_the_file_it_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """USB bundles are refused naming the file; a snapshot file was refused without it
    ("Snapshot ditolak: ..."), the operator left to guess which file on the stick."""
    import argparse

    from silon_desktop.commands import snapshot_cmd
    from silon_desktop.storage.db import open_database

    open_database(tmp_path / "silon.db").close()
    stick = tmp_path / "kantor-3214.snap"
    stick.write_bytes(b"bukan snapshot")
    key = signing.public_key_b64(signing.generate_private_key())
    args = argparse.Namespace(
        data_dir=str(tmp_path), server=None, verbose=False, file=stick, server_key=key
    )
    assert snapshot_cmd.run(args) == 2
    assert capsys.readouterr().err.startswith("Snapshot kantor-3214.snap ditolak: ")


def _page_ids(page: dict[str, Any]) -> set[str]:
    """The record ids of a feed page, in either layout (as the client reads them)."""
    ids: set[str] = set()
    for block in page["entities"]:
        columns = block_columns(block, len(block["columns"]))
        ids |= set(columns[block["columns"].index("id")])
    return ids


def test_what_a_client_pushed_in_this_run_is_not_downloaded_back(
    make_client: Callable[..., Client],
) -> None:
    a = make_client("a")
    pair = seed_pair(a)
    assert a.sync().complete
    mine = {a.repo.create("supporter", supporter_values(pair, n), SCOPE) for n in range(10)}
    b = make_client("b")
    assert b.sync().complete  # the pair reaches b
    theirs = b.repo.create("supporter", supporter_values(pair, 50), SCOPE)
    assert b.sync().complete
    a.transport.sent.clear()
    report = a.sync()  # push the ten, then pull: only b's supporter comes
    assert report.complete and report.pushed == 10
    pulled = set()
    for _m, path, query in list(a.transport.sent):
        if path == "/v1/feed":
            assert query["skip_own"]  # asked with this run's id
            page = a.transport.call("GET", "/v1/feed", params=query)
            pulled |= _page_ids(page)
    assert theirs in pulled
    assert not pulled & mine
    assert a.records() == a.server.records()


def test_own_pushes_of_an_earlier_run_still_come_from_the_feed(
    make_client: Callable[..., Client],
) -> None:
    """A database restored from a backup, or a pull cut short, still gets them."""
    from sync.client.state import save_cursor

    a = make_client("a")
    pair = seed_pair(a)
    mine = {a.repo.create("supporter", supporter_values(pair, n), SCOPE) for n in range(6)}
    assert a.engine().run(stages=("push",)).complete
    with a.db.session() as session:  # the cursor of a backup taken before those pushes
        save_cursor(session.connection(), "0")
    a.transport.sent.clear()
    assert a.engine().run(stages=("pull",)).complete  # another run: nothing skipped
    (query,) = [q for _m, p, q in a.transport.sent if p == "/v1/feed"]
    assert "skip_own" not in query
    page = a.transport.call("GET", "/v1/feed", params=query)
    assert mine <= _page_ids(page)
    assert a.records() == a.server.records()


def test_a_record_the_server_changed_after_the_push_still_comes_back(
    make_client: Callable[..., Client],
) -> None:
    """The server flags a NIK another pair already has: the pusher needs that version."""
    a = make_client("a")
    pair = seed_pair(a)
    election = a.repo.get("pair", pair)["election_id"]
    other = a.repo.create(
        "pair", {"election_id": election, "number": 2, "route": "perseorangan"}, SCOPE
    )
    a.repo.create("supporter", supporter_values(pair, 1), SCOPE)
    assert a.sync().complete
    twin = dict(supporter_values(other, 2), nik=supporter_values(pair, 1)["nik"])
    second = a.repo.create("supporter", twin, SCOPE)
    report = a.sync()  # pushed, flagged by the server in the same batch, pulled back
    assert report.complete and report.pushed == 1
    server = a.server.records()
    assert server[("supporter", second)]["external_duplicate"] is True
    assert a.records() == server


def test_parts_come_in_the_compact_layout_and_older_clients_get_theirs(
    make_client: Callable[..., Client],
) -> None:
    """Column layout (#19): the same records, a smaller wire. Compact: a column whose
    records all agree (the scope, a fresh list's blank verdicts) is given once. An
    older desktop asking for columns gets arrays, and rows go to whoever does not ask."""
    a, _pair = seeded(make_client, count=30)
    b = make_client("b")
    _learn_key(b)
    b.transport.sent.clear()
    assert b.sync().complete
    assert b.records() == a.records()
    (query,) = [q for _m, p, q in b.transport.sent if p == "/v1/snapshot"]
    assert query == {"layout": "compact"}

    def first_part(params: dict[str, str] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        manifest = b.transport.call("GET", "/v1/snapshot", params=params)
        part = b.transport.call("GET", f"/v1/snapshot/{manifest['snapshot_id']}/0")
        return manifest, part

    layouts = {
        "compact": first_part({"layout": "compact"}),
        "columns": first_part({"layout": "columns"}),
        "rows": first_part(None),
    }
    compact = layouts["compact"][1]["entities"][-1]
    names = compact["columns"]
    assert "rows" not in compact and len(compact["values"]) == len(names)
    given_once = {n for n, v in zip(names, compact["values"], strict=True) if isinstance(v, dict)}
    assert {"scope", "version", "deleted", "admin_status"} <= given_once
    assert not {"id", "nik", "name"} & given_once  # what differs stays an array
    assert compact["values"][names.index("scope")] == {"same": "32.14"}
    columns = layouts["columns"][1]["entities"][-1]
    assert all(len(column) == columns["count"] for column in columns["values"])
    assert "rows" in layouts["rows"][1]["entities"][-1]
    # The three layouts hold the same records.
    held = []
    for manifest, part in layouts.values():
        checked = fmt.check_part(
            fmt.check_manifest(manifest, b.server.public_key), 0, fmt.part_bytes(part)
        )
        held.append([list(r) for block in checked["entities"] for r in block["rows"]])
    first_records = layouts["compact"][0]["parts"][0]["records"]
    assert held[0] == held[1] == held[2] and len(held[0]) == first_records > 0


def test_a_client_asks_an_older_server_for_columns(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server from before the compact layout refuses the value (422): the client
    asks for columns and installs them as before."""
    a, _pair = seeded(make_client, count=12)
    b = make_client("b")
    _learn_key(b)
    real = b.transport.call

    def older(method: str, path: str, *args: object, **kwargs: object) -> object:
        if kwargs.get("params") == {"layout": "compact"}:
            raise ServerRefused("HTTP 422: layout", status=422)
        return real(method, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(b.transport, "call", older)
    b.transport.sent.clear()
    assert b.sync().complete
    assert b.records() == a.records()
    asked = [q for _m, p, q in b.transport.sent if p == "/v1/snapshot"]
    assert asked == [{"layout": "columns"}]


@pytest.mark.parametrize(
    "block",
    [
        {"values": [["a", "b"], ["32.14"]], "count": 2},  # a column shorter than the count
        {"values": [["a"], {"same": "32.14"}]},  # a value given once, and no count
        {"values": [["a"], {}], "count": 1},  # neither an array nor a value given once
        {"values": [["a"], "32.14"], "count": 1},
    ],
)
def test_a_column_part_whose_columns_disagree_with_its_count_is_refused(
    block: dict[str, Any],
) -> None:
    key = signing.generate_private_key()
    page = {
        "cursor": "3",
        "has_more": False,
        "entities": [{"entity": "supporter", "columns": ["id", "scope"], **block}],
    }
    data = fmt.part_bytes(page)
    body = fmt.seal_manifest(
        key, snapshot_id="s", created_at="", scope="32.14", cursor="3",
        parts=[(2, fmt.part_digest(data))],
    )  # fmt: skip
    manifest = fmt.check_manifest(body, signing.public_key_b64(key))
    for rows in (True, False):
        with pytest.raises(fmt.SnapshotError, match="tidak sesuai format"):
            fmt.check_part(manifest, 0, data, rows=rows)


def test_the_importing_computers_first_sync_fetches_no_snapshot_of_its_own_rows(
    make_client: Callable[..., Client],
) -> None:
    """Its first sync pushes the whole list, then would download it back (#19): the
    snapshot (mostly its own rows) is not fetched, the feed leaves its rows out."""
    a = make_client("a")
    _learn_key(a)  # logged in once: the server key is known, no cursor yet
    election = a.repo.create(
        "election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE}, SCOPE
    )
    pair = a.repo.create("pair", {"election_id": election, "number": 1}, SCOPE)
    for n in range(25):
        a.repo.create("supporter", supporter_values(pair, n), SCOPE)
    a.transport.sent.clear()
    report = a.sync()
    assert report.complete and report.pushed == 27
    paths = [p for _m, p, _q in a.transport.sent]
    assert "/v1/snapshot" in paths  # asked how large it is
    assert not [p for p in paths if p.startswith("/v1/snapshot/")]  # no part fetched
    feeds = [q for _m, p, q in a.transport.sent if p == "/v1/feed"]
    assert feeds and all(q.get("skip_own") for q in feeds)
    assert report.pulled == 0  # nothing came back
    assert _cursor(a) != ""
    assert a.records() == a.server.records()


def test_withdrawals_and_a_restore_round_trip_through_the_snapshot_and_the_feed(
    make_client: Callable[..., Client], fast_dir: Path
) -> None:
    """A device that knew the rows installs a later snapshot file: its tombstones
    carry the withdrawal fields, as the feed's do; a fresh client stores no
    tombstone of a row it never saw but gets the restored row; a restore and a
    withdrawal made after come to both by the feed."""
    import datetime as dt

    from silon_desktop.services import withdrawal
    from sync.client.snapshots import install_file

    a, pair = seeded(make_client, count=6)
    c = make_client("c")
    assert c.sync().complete  # knows every row
    ids = [rid for (entity, rid) in a.records() if entity == "supporter"]
    when = dt.datetime(2024, 6, 3, 9, 30)
    gone = {"withdrawn_reason": "ditarik_pendukung", "withdrawn_note": "surat 3 Juni",
            "withdrawn_by": a.username, "withdrawn_at": when}  # fmt: skip
    a.repo.delete("supporter", ids[0], gone)
    a.repo.delete("supporter", ids[1], {**gone, "withdrawn_reason": "ganda",
                                        "withdrawn_note": "", "duplicate_of": ids[2]})  # fmt: skip
    a.repo.delete("supporter", ids[3], {**gone, "withdrawn_reason": "salah_input"})
    assert a.sync().complete
    a.repo.restore("supporter", ids[3])  # the mistake undone
    assert a.sync().complete

    def withdrawn(client: Client, rid: str) -> tuple[object, ...] | None:
        r = client.repo.get("supporter", rid)
        if r is None:
            return None
        return (r["deleted"], r["withdrawn_reason"] or "", r["withdrawn_note"] or "",
                r["withdrawn_by"] or "", r["withdrawn_at"], r["duplicate_of"] or "")  # fmt: skip

    path = fast_dir / "stick" / "32.14.snap"
    path.parent.mkdir()
    _export(a, path)
    install_file(c.db, path, account_scope=SCOPE)
    for rid in (ids[0], ids[1], ids[3]):
        assert withdrawn(c, rid) == withdrawn(a, rid), rid
    assert withdrawn(c, ids[0]) == (True, "ditarik_pendukung", "surat 3 Juni", a.username,
                                    when.replace(tzinfo=dt.UTC), "")  # fmt: skip
    assert withdrawn(c, ids[1])[1::4] == ("ganda", ids[2])  # type: ignore[index]
    assert withdrawn(c, ids[3]) == (False, "", "", "", None, "")

    b = make_client("b")
    _learn_key(b)
    b.transport.sent.clear()
    assert b.sync().complete
    assert any(path == "/v1/snapshot" for _m, path, _q in b.transport.sent)
    assert withdrawn(b, ids[0]) is None and withdrawn(b, ids[1]) is None  # never seen here
    assert withdrawn(b, ids[3]) == (False, "", "", "", None, "")
    assert b.records() == a.records() == c.records()

    # After the snapshot, by the feed: the duplicate's withdrawal undone, another made.
    withdrawal.restore(a.repo, a.db, {}, ids[1])
    a.repo.delete("supporter", ids[4], gone)
    assert a.sync().complete
    for other in (b, c):
        assert other.sync().complete
        assert withdrawn(other, ids[1]) == (False, "", "", "", None, "")
        assert withdrawn(other, ids[4]) == withdrawn(a, ids[4])
        assert other.records() == a.records()
    assert withdrawn(c, ids[4])[:3] == (True, "ditarik_pendukung", "surat 3 Juni")  # type: ignore[index]


def test_a_decoded_part_is_checked_by_its_bytes_without_a_second_parse() -> None:
    """The client gets each part decoded by the transport: its byte form is digested
    and the same object is applied (a part of 100,000 records is no longer parsed
    twice); a changed value, a part past the manifest or a non-object is refused."""
    from sync import signing

    key = signing.generate_private_key()
    page = {"cursor": "3", "has_more": False, "server_time": "", "entities": []}
    sealed = fmt.seal_manifest(
        key,
        snapshot_id="s1",
        created_at="2026-12-05T00:00:00Z",
        scope="32.14",
        cursor="3",
        parts=[(0, fmt.part_digest(fmt.part_bytes(page)))],
    )
    manifest = fmt.check_manifest(sealed, signing.public_key_b64(key))
    assert fmt.check_decoded_part(manifest, 0, page) is page
    changed = {**page, "cursor": "4"}
    damaged, malformed = ErrorCode.SNAPSHOT_PART_DAMAGED, ErrorCode.SNAPSHOT_MALFORMED
    for index, part, code in ((0, changed, damaged), (1, page, damaged), (0, [page], malformed)):
        with pytest.raises(fmt.SnapshotError) as refused:
            fmt.check_decoded_part(manifest, index, part)
        assert refused.value.code is code


def test_a_part_is_no_larger_than_a_feed_page() -> None:
    """A client holds a part in Python objects while it applies it and fetches the
    next: parts the size of the largest feed page keep a million-record first sync
    under the client's memory bound (issue 19)."""
    from sync.server.feed import MAX_LIMIT

    assert 0 < fmt.PART_RECORDS <= MAX_LIMIT


def test_the_client_holds_the_part_it_applies_and_only_the_next_one(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts are fetched one ahead of the one being applied, never all at once: the
    client's memory does not grow with the scope's size."""
    from sync.client.apply import Applier

    a, _pair = seeded(make_client, 40)
    b = make_client("b")
    _learn_key(b)
    fetched: list[str] = []
    ahead: list[int] = []
    real_call, real_page = b.transport.call, Applier.feed_page

    def call(method: str, path: str, *args: object, **kwargs: object) -> object:
        if path.startswith("/v1/snapshot/"):
            fetched.append(path)
        return real_call(method, path, *args, **kwargs)  # type: ignore[arg-type]

    def feed_page(self: Applier, conn: object, page: dict[str, object]) -> object:
        ahead.append(len(fetched) - len(ahead) - 1)  # fetched beyond this part
        return real_page(self, conn, page)  # type: ignore[arg-type]

    monkeypatch.setattr(b.transport, "call", call)
    monkeypatch.setattr(Applier, "feed_page", feed_page)
    assert b.sync().complete
    assert b.records() == a.records()
    assert len(fetched) == 6  # 2 + 40 records in parts of 7
    assert ahead[: len(fetched)] and max(ahead[: len(fetched)]) <= 1


def test_a_part_takes_a_missing_field_as_null_and_a_tombstone_keeps_only_its_withdrawal() -> None:
    """The part's columns, made from the stored field texts: a record written before
    a field existed (its JSON lacks the key) gives None in that column, the other
    records their values, and a tombstone keeps only its withdrawal fields."""
    from collections import namedtuple

    import orjson

    from sync.protocol import ENTITIES, WITHDRAWAL_FIELDS
    from sync.server.feed import _columns

    names = ENTITIES["supporter"].field_names
    row = namedtuple("row", "seq id entity scope version deleted fields")
    wire = ["id", "scope", "version", "deleted", *names]
    full = {name: f"v-{name}" for name in names}
    older = {name: value for name, value in full.items() if name != "round"}
    withdrawn = {**full, "withdrawn_reason": "ganda"}
    group = [
        row(1, "a", "supporter", SCOPE, 1, False, orjson.dumps(full).decode()),
        row(2, "b", "supporter", SCOPE, 2, True, orjson.dumps(withdrawn).decode()),
    ]
    columns = dict(zip(wire, _columns("supporter", group), strict=True))
    assert columns["nik"] == ["v-nik", None]  # the tombstone: withdrawal fields only
    assert columns["withdrawn_reason"] == ["v-withdrawn_reason", "ganda"]
    assert all(columns[name][1] is not None for name in WITHDRAWAL_FIELDS if name in names)
    assert columns["deleted"] == [False, True]

    group.append(row(3, "c", "supporter", SCOPE, 1, False, orjson.dumps(older).decode()))
    columns = dict(zip(wire, _columns("supporter", group), strict=True))
    assert columns["round"] == ["v-round", None, None]
    assert columns["nik"] == ["v-nik", None, "v-nik"]


def test_blocks_of_one_array_per_record_are_what_a_bundle_carries(
    make_client: Callable[..., Client],
) -> None:
    """A feed page and a snapshot part are made by ``feed.record_blocks``; a bundle's
    page by ``protocol.encode_feed_page`` from the same rows: in the rows layout they
    agree block for block (parents first, tombstones with only their withdrawal
    fields), so a stick and the wire say the same."""
    from sync.protocol import encode_feed_page
    from sync.server.feed import read_feed, read_feed_rows, record_blocks
    from sync.server.roles import Actor, Role

    a, pair = seeded(make_client, 8)
    ids = [rid for entity, rid in a.records() if entity == "supporter"]
    a.repo.delete("supporter", ids[2], {"withdrawn_reason": "salah_input"})
    a.repo.update("supporter", ids[5], {"name": "NAMA BARU"})
    assert a.sync().complete
    reader = Actor("ri", Role.KPU_RI, "", "dev-x")
    for after, limit in ((0, 5000), (0, 3), (4, 4)):
        rows, cursor, more = read_feed_rows(a.server.engine, reader, after, limit)
        page = encode_feed_page(read_feed(a.server.engine, reader, after, limit, ""))
        assert record_blocks(rows, fmt.Layout.ROWS) == page["entities"]
        assert (cursor, more) == (page["cursor"], page["has_more"])
    whole = record_blocks(read_feed_rows(a.server.engine, reader, 0, 5000)[0], fmt.Layout.ROWS)
    assert [b["entity"] for b in whole] == ["election", "pair", "supporter"]
    [supporters] = [b for b in whole if b["entity"] == "supporter"]
    assert sum(row[3] for row in supporters["rows"]) == 1  # the one tombstone


@pytest.mark.parametrize(
    ("own", "scope", "held"),
    [
        ("*", "*", True),
        ("*", "32.14", True),
        ("32.*", "*", False),
        ("32.*", "32.*", True),
        ("32.*", "32", True),
        ("32.*", "32.14", True),
        ("32.*", "33.01", False),
        ("32.*", "3.*", False),
        ("3.*", "32.14", False),  # a prefix of digits is not a region above
        ("32.14", "32.14", True),
        ("32.14", "32.*", False),
        ("32.14", "32.15", False),
    ],
)
def test_one_rule_says_which_reach_holds_which(own: str, scope: str, held: bool) -> None:
    """Feed bundles (client) and an account moved to another level or region (server)
    ask the same question of the same labels."""
    assert fmt.covers(own, scope) is held


def test_the_client_and_the_server_label_an_accounts_reach_alike() -> None:
    from sync.client.snapshots import read_label
    from sync.server.accounts import _reads_within
    from sync.server.roles import Actor, Role
    from sync.server.snapshots import scope_label

    accounts = [
        (Role.KPU_RI, ""),
        (Role.PROVINCE, "32"),
        (Role.PROVINCE, "33"),
        (Role.KABKOTA, "32.14"),
        (Role.KABKOTA, "32.15"),
    ]
    for role, region in accounts:
        actor = Actor("op", role, region, "")
        assert read_label(role.value, region) == scope_label(actor)
    moved = {(b, a): _reads_within(Actor("op", *b, ""), *a) for b in accounts for a in accounts}
    assert moved[((Role.KABKOTA, "32.14"), (Role.PROVINCE, "32"))] is True
    assert moved[((Role.PROVINCE, "32"), (Role.KABKOTA, "32.14"))] is False
    assert moved[((Role.KABKOTA, "32.14"), (Role.KABKOTA, "32.15"))] is False
    assert moved[((Role.PROVINCE, "33"), (Role.KPU_RI, ""))] is True
    assert moved[((Role.KPU_RI, ""), (Role.PROVINCE, "32"))] is False
    assert all(moved[(b, b)] for b in accounts)


def test_a_snapshot_gone_twice_leaves_the_first_pull_to_the_feed(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several server processes behind a proxy that does not keep a client on one: the
    manifest comes from one, the parts are asked of another, which answers 410. The
    first sync failed after one retry, at every try; it now reads the feed."""
    from sync.client.api import ServerApi

    a, _pair = seeded(make_client, 10)
    b = make_client("b")
    _learn_key(b)
    asked: list[str] = []

    def gone(self: Any, snapshot_id: str, index: int) -> Any:
        asked.append(snapshot_id)
        raise ServerRefused(f"HTTP 410: {snapshot_id}", status=410)

    monkeypatch.setattr(ServerApi, "snapshot_part", gone)
    b.transport.sent.clear()
    report = b.sync()
    assert report.complete and not report.error
    assert len(asked) == 2  # the snapshot, then the one asked for again
    assert b.records() == a.records()
    feed = [q for _m, path, q in b.transport.sent if path == "/v1/feed"]
    assert feed and int(feed[0].get("after") or 0) == 0  # from the start: nothing was kept
