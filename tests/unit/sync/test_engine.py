"""The sync engine against the real server app (in-process)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from silon_desktop.domain.errors import ErrorCode
from sync.client import StageName, StageState, status
from sync.client.resolve import conflict_history, resolve_conflict
from sync.transport import Offline
from tests.sqlite_errors import SQLITE_FULL, sqlite_error
from tests.unit.sync.harness import Client, seed_pair, supporter_values


def test_push_then_pull_into_a_second_client(make_client: Callable[..., Client]) -> None:
    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    ids = [a.repo.create("supporter", supporter_values(pair, n), "32.14") for n in range(5)]
    report = a.sync()
    assert report.complete and report.acked == 5
    assert b.sync().complete
    assert b.records() == a.records()
    assert all(("supporter", i) in b.records() for i in ids)
    st = status(a.db)
    assert (st.pending, st.sent, st.conflicts_open) == (0, 0, 0)
    assert st.last_success_at


def _one_supporter(a: Client, b: Client) -> tuple[str, str]:
    pair = seed_pair(a)
    sid = a.repo.create("supporter", supporter_values(pair, 1), "32.14")
    assert a.sync().complete
    assert b.sync().complete
    return pair, sid


def _field_conflict(
    make_client: Callable[..., Client], field: str, theirs: str, mine: str
) -> tuple[Client, str, dict[str, Any]]:
    """Clients a and b edit one supporter's ``field``; a syncs first, so b gets a
    conflict (its ``mine`` against a's ``theirs``). Returns b, the supporter id and the
    conflict."""
    a, b = make_client("a"), make_client("b")
    _pair, sid = _one_supporter(a, b)
    a.repo.update("supporter", sid, {field: theirs})
    b.repo.update("supporter", sid, {field: mine})
    assert a.sync().complete
    assert b.sync().conflicts_new == 1
    (conflict,) = conflict_history(b.db)
    return b, sid, conflict


def test_server_conflict_is_kept_and_resolved_as_a_new_mutation(
    make_client: Callable[..., Client],
) -> None:
    a, b = make_client("a"), make_client("b")
    _pair, sid = _one_supporter(a, b)
    a.repo.update("supporter", sid, {"name": "Dari A", "address": "Alamat A"})
    b.repo.update("supporter", sid, {"name": "Dari B", "occupation": "Petani"})
    assert a.sync().complete
    report = b.sync()  # b's name loses on the server: conflict answered with the server record
    assert report.conflicts_new == 1 and report.conflicts_open == 1
    local = b.repo.get("supporter", sid)
    assert local is not None
    assert local["name"] == "Dari A" and local["address"] == "Alamat A"
    assert local["occupation"] == "Petani"  # the clean field merged
    (conflict,) = conflict_history(b.db)
    assert (conflict["base"], conflict["mine"], conflict["theirs"]) == (
        "Pendukung 1",
        "Dari B",
        "Dari A",
    )
    mutation = resolve_conflict(b.db, conflict["id"], "mine")
    assert mutation is not None
    assert b.sync().complete and status(b.db).conflicts_open == 0
    assert a.sync().complete
    assert a.records() == b.records()
    assert a.repo.get("supporter", sid)["name"] == "Dari B"  # type: ignore[index]
    (kept,) = conflict_history(b.db)  # resolved, still in history
    assert kept["resolution"] == "mine" and kept["resolution_mutation_id"] == mutation


def test_pulled_change_never_overwrites_a_pending_local_field(
    make_client: Callable[..., Client],
) -> None:
    a, b = make_client("a"), make_client("b")
    _pair, sid = _one_supporter(a, b)
    b.repo.update("supporter", sid, {"address": "Alamat B"})
    a.repo.update("supporter", sid, {"name": "Nama A", "address": "Alamat A"})
    assert a.sync().complete
    engine = b.engine()
    engine.pull.run(
        __import__("sync.client", fromlist=["SyncReport"]).SyncReport(),
        lambda p: None,
        __import__("threading").Event(),
    )
    local = b.repo.get("supporter", sid)
    assert local is not None
    assert local["name"] == "Nama A"  # not pending here: theirs
    assert local["address"] == "Alamat A"  # both changed: theirs shown, mine kept as conflict
    (conflict,) = conflict_history(b.db)
    assert conflict["mine"] == "Alamat B" and conflict["theirs"] == "Alamat A"
    assert status(b.db).pending == 0  # the conflicted field left the pending mutation
    resolve_conflict(b.db, conflict["id"], "edited", "Alamat gabungan")
    assert b.sync().complete and a.sync().complete
    assert a.repo.get("supporter", sid)["address"] == "Alamat gabungan"  # type: ignore[index]


def test_local_pending_field_stays_on_top_without_conflict(
    make_client: Callable[..., Client],
) -> None:
    a, b = make_client("a"), make_client("b")
    _pair, sid = _one_supporter(a, b)
    b.repo.update("supporter", sid, {"occupation": "Guru"})
    a.repo.update("supporter", sid, {"name": "Nama A"})
    assert a.sync().complete
    report = b.sync()
    assert report.complete and report.conflicts_new == 0
    assert a.sync().complete
    assert a.records() == b.records()
    got = a.repo.get("supporter", sid)
    assert got is not None and (got["name"], got["occupation"]) == ("Nama A", "Guru")


def test_stage_statuses_are_on_the_engine_the_report_and_the_saved_status(
    make_client: Callable[..., Client],
) -> None:
    from sync.client import ErrorKind

    a = make_client("a")
    pair = seed_pair(a)
    for n in range(2):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    engine = a.engine()
    assert {s.status.state for s in engine.stages.values()} == {StageState.IDLE}
    report = engine.run()
    assert report.complete and report.failure is None
    assert set(report.stages) == set(StageName)
    assert {s.state for s in report.stages.values()} == {StageState.DONE}
    assert report.stages == engine.statuses() == status(a.db).stages
    assert report.stages[StageName.PUSH].detail == "2 sent"
    a.repo.create("supporter", supporter_values(pair, 2), "32.14")
    a.transport.offline = True
    failed = a.engine().run()
    assert failed.failure is not None and failed.failure.kind is ErrorKind.OFFLINE
    assert (failed.error_kind, failed.failure.stage) == ("offline", StageName.PUSH)
    saved = status(a.db).stages
    assert saved[StageName.PUSH].state is StageState.FAILED
    assert saved[StageName.PULL].state is StageState.DONE  # as the last run left it


def test_lost_answer_is_resent_with_the_same_ids_and_applied_once(
    make_client: Callable[..., Client],
) -> None:
    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    for n in range(3):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    a.transport.faults = ["response"]  # the push was applied, its answer lost
    report = a.sync()
    assert not report.complete and report.error_kind == "offline"
    assert status(a.db).sent == 3
    a.restart()
    report = a.sync()
    assert report.complete and report.acked == 3
    assert b.sync().complete
    assert len([k for k in b.records() if k[0] == "supporter"]) == 3
    assert a.server.records() == b.records()


def test_receipts_are_verified_and_history_tells_when(make_client: Callable[..., Client]) -> None:
    from sync.receipts import record_history

    a = make_client("a")
    pair = seed_pair(a)
    sid = a.repo.create("supporter", supporter_values(pair, 7), "32.14")
    a.repo.update("supporter", sid, {"name": "Nama baru"})  # coalesced into the create
    assert a.sync().complete
    (entry,) = record_history(a.db, "supporter", sid)
    assert entry.state == "acked" and entry.receipt_verified
    assert entry.batch_id and entry.sent_at and entry.acked_at and entry.server_time
    assert entry.server_version == 1


def test_cancel_stops_between_batches_and_resumes(make_client: Callable[..., Client]) -> None:
    import threading

    from sync.transport import AdaptiveBatch

    a = make_client("a")
    pair = seed_pair(a)
    for n in range(60):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    engine = a.engine()
    engine.batch = AdaptiveBatch(start=25, minimum=25, maximum=25)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(p: object) -> None:
        seen.append(p.done)
        cancel.set()

    report = engine.run(progress, cancel)
    # The batch in flight when the cancel came is answered and recorded; no new one is sent.
    assert report.cancelled and not report.complete and seen == [25, 50]
    now = status(a.db)
    assert (now.pending, now.sent) == (10, 0)
    assert a.sync().complete and status(a.db).pending == 0


def test_the_next_batch_is_encoded_while_one_is_in_flight(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The push pipeline: batch n+1 is claimed and encoded before batch n's answer is
    read, so it leaves the moment that answer comes; every batch arrives once, in order."""
    import threading

    from sync.client import api as client_api
    from sync.transport import AdaptiveBatch

    a = make_client("a")
    pair = seed_pair(a)
    assert a.sync().complete
    for n in range(75):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    encoded: list[str] = []
    second_ready = threading.Event()
    real_encode = client_api.encode_body

    def encode(body: Any) -> Any:
        encoded.append(body["batch_id"])
        if len(encoded) == 2:
            second_ready.set()
        return real_encode(body)

    monkeypatch.setattr(client_api, "encode_body", encode)
    real_call = a.transport.call
    waited: list[bool] = []

    def call(method: str, path: str, body: Any = None, *args: Any, **kwargs: Any) -> Any:
        if path == "/v1/push" and not waited:
            # The first answer is held back until the second batch is encoded.
            waited.append(second_ready.wait(10))
        return real_call(method, path, body, *args, **kwargs)

    monkeypatch.setattr(a.transport, "call", call)
    a.transport.sent.clear()
    engine = a.engine()
    engine.batch = AdaptiveBatch(start=25, minimum=25, maximum=25)
    report = engine.run()
    assert report.complete and report.acked == 75
    assert waited == [True]
    pushed = [body["batch_id"] for _m, path, body in a.transport.sent if path == "/v1/push"]
    assert pushed == encoded and len(set(pushed)) == 3  # each batch sent once, in order
    assert status(a.db).pending == 0


def test_expired_token_asks_to_log_in_again(make_client: Callable[..., Client]) -> None:
    a = make_client("a")
    seed_pair(a)
    a.transport.set_token("not-a-valid-token")
    a.repo.create("election", {"name": "E2", "kind": "bupati", "region_code": "32.14"}, "32.14")
    report = a.sync()
    assert report.error_kind == "auth" and report.error == "Silakan masuk lagi."
    st = status(a.db)
    # Saved as the code, worded when read (the same words on screen and in print).
    assert st.last_problem is not None and st.last_problem.code is ErrorCode.AUTH_EXPIRED
    assert st.last_error == "Silakan masuk lagi."
    assert st.pending + st.sent == 1  # kept, sent again after the next login


def test_refused_edit_is_kept_with_its_reason_and_undone_locally(
    make_client: Callable[..., Client],
) -> None:
    from sync.receipts import record_history

    a = make_client("a")
    repo = a.repo
    election = repo.create(
        "election",
        {"name": "Lewat", "kind": "bupati", "region_code": "32.14", "support_end": "2000-01-31"},
        "32.14",
    )
    pair = repo.create("pair", {"election_id": election, "number": 1}, "32.14")
    assert a.sync().complete
    late = repo.create("supporter", supporter_values(pair, 1), "32.14")
    report = a.sync()
    assert report.rejected == 1 and report.remaining == 0
    (entry,) = record_history(a.db, "supporter", late)
    assert entry.state == "rejected"
    with a.db.session(readonly=True) as session:
        from silon_desktop.storage.models import OutboxMutation

        row = session.query(OutboxMutation).filter_by(record_id=late).one()
        assert row.result is not None and row.result["code"] == "DEADLINE_PASSED"
    assert ("supporter", late) not in a.records()  # the refused create is undone here
    assert a.records() == a.server.records()


def test_a_mutation_outside_the_scope_is_refused_alone(make_client: Callable[..., Client]) -> None:
    a = make_client("a")
    pair = seed_pair(a)
    good = [a.repo.create("supporter", supporter_values(pair, n), "32.14") for n in range(2)]
    other = a.repo.create(
        "election", {"name": "Kota lain", "kind": "walikota", "region_code": "32.73"}, "32.73"
    )
    good.append(a.repo.create("supporter", supporter_values(pair, 9), "32.14"))
    report = a.sync()  # the server refuses the batch (403) naming the out-of-scope mutation
    assert report.rejected == 1 and report.remaining == 0 and not report.error
    assert {rid for (e, rid) in a.server.records() if e == "supporter"} == set(good)
    assert ("election", other) not in a.records()


def test_every_field_type_survives_push_and_bulk_pull(make_client: Callable[..., Client]) -> None:
    import datetime as dt

    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    values = {
        **supporter_values(pair, 3),
        "birth_date": dt.date(1980, 2, 29),
        "has_id_scan": True,
        "check_status": "TMS",
        "check_reasons": ["NIK_FORMAT", "UNDERAGE"],
        "admin_at": dt.datetime(2024, 8, 20, 3, 4, 5, 123000, tzinfo=dt.UTC),
        "rt": "007",
    }
    sid = a.repo.create("supporter", values, "32.14")
    assert a.sync().complete and b.sync().complete
    got = b.repo.get("supporter", sid)
    assert got is not None
    for name, value in values.items():
        assert got[name] == value, name
    assert got["effective_status"] == a.repo.get("supporter", sid)["effective_status"]  # type: ignore[index]
    assert b.records() == a.records() == a.server.records()


def test_resolving_a_conflict_recomputes_the_supporter_effective_status(
    make_client: Callable[..., Client],
) -> None:
    from silon_desktop.storage.derived import supporter_effective

    b, sid, conflict = _field_conflict(make_client, "admin_status", "MS", "BMS")
    shown = b.repo.get("supporter", sid)
    assert shown is not None and shown["effective_status"] == "MS"  # theirs, derived on pull
    resolve_conflict(b.db, conflict["id"], "mine")
    local = b.repo.get("supporter", sid)
    assert local is not None and local["admin_status"] == "BMS"
    assert (local["effective_status"], local["effective_reasons"]) == supporter_effective(local)
    assert local["effective_status"] == "BMS"


def test_a_push_that_times_out_is_sent_again_in_half_size_batches(
    make_client: Callable[..., Client],
) -> None:
    from sync.client import SyncEngine
    from sync.transport import AdaptiveBatch

    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    assert a.sync().complete
    for n in range(120):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    a.transport.faults = ["timeout"]  # the server applies the first batch, answers too late
    a.transport.sent.clear()
    batch = AdaptiveBatch(start=100, minimum=25, maximum=100)
    report = SyncEngine(a.db, a.settings, a.transport, batch=batch).run()
    assert report.complete and report.acked == 120
    sizes = [len(body["mutations"]) for _m, path, body in a.transport.sent if path == "/v1/push"]
    assert sizes[:2] == [100, 50]  # the retry is already half the size
    assert sum(sizes[1:]) == 120  # every mutation again after the timeout, none lost
    assert b.sync().complete
    assert len([k for k in b.records() if k[0] == "supporter"]) == 120
    assert a.server.records() == b.records()


def test_a_full_disk_during_pull_is_said_to_the_operator_and_changes_nothing(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:

    from sqlalchemy.exc import OperationalError

    from silon_desktop.storage.errors import DiskFull
    from sync.client.state import CURSOR_KEY, get_state

    a, b = make_client("a"), make_client("b")
    seed_pair(a)
    assert a.sync().complete
    with b.db.session(readonly=True) as session:
        cursor = get_state(session.connection(), CURSOR_KEY)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT", {}, sqlite_error("database or disk is full", SQLITE_FULL))

    # one method for feed pages and the first pull's snapshot parts
    monkeypatch.setattr("sync.client.apply.Applier.feed_page", full)
    report = b.sync()
    assert (report.error, report.error_kind) == (DiskFull.default_message, "local")
    assert not report.complete
    assert report.stages[StageName.PULL].state is StageState.FAILED
    assert report.failure is not None and report.failure.stage == StageName.PULL
    with b.db.session(readonly=True) as session:
        assert get_state(session.connection(), CURSOR_KEY) == cursor
    monkeypatch.undo()
    assert b.sync().complete and b.records() == a.records()


def test_a_bug_in_the_engine_is_not_passed_off_as_the_environment(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import ProgrammingError

    a = make_client("a")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ProgrammingError("SELECT nope", {}, Exception("no such column: nope"))

    monkeypatch.setattr("sync.client.apply.Applier.feed_page", broken)
    with pytest.raises(ProgrammingError):
        a.sync()


def test_undoing_a_refused_edit_keeps_a_later_pending_edit_and_recomputes_the_status(
    make_client: Callable[..., Client],
) -> None:
    from silon_desktop.storage.derived import supporter_effective
    from silon_desktop.storage.outbox import claim_batch
    from sync.client.api import PushAnswer
    from sync.client.apply import apply_connection
    from sync.client.push import record_answer
    from sync.client.report import SyncReport
    from sync.protocol import MutationResult, ResultStatus

    a = make_client("a")
    pair = seed_pair(a)
    sid = a.repo.create("supporter", supporter_values(pair, 1), "32.14")
    assert a.sync().complete
    a.repo.update("supporter", sid, {"name": "Nama Ditolak", "admin_status": "BMS"})
    with apply_connection(a.db) as conn:
        batch_id, claimed = claim_batch(conn, 10)
    a.repo.update("supporter", sid, {"name": "Nama Terbaru"})  # typed while the push flies
    refused = MutationResult(claimed[0].wire["id"], ResultStatus.REJECTED, code="X", field="name")
    answer = PushAnswer(batch_id, [refused], raw_results=[refused.to_wire()])
    with apply_connection(a.db) as conn:
        record_answer(conn, answer, claimed, "", SyncReport())
    local = a.repo.get("supporter", sid)
    assert local is not None
    assert local["name"] == "Nama Terbaru"  # the pending edit stays on top
    assert local["admin_status"] == ""  # the refused change is undone
    assert (local["effective_status"], local["effective_reasons"]) == supporter_effective(local)
    assert status(a.db).pending == 1


def test_a_feed_page_that_times_out_is_asked_for_again_at_half_the_size(
    make_client: Callable[..., Client],
) -> None:
    from sync.client import SyncEngine
    from sync.transport import AdaptiveBatch

    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    for n in range(60):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    assert a.sync().complete
    assert b.engine().run(stages=("push",)).complete  # b learns the server key
    b.transport.faults = ["timeout"]  # the first feed page comes too late
    b.transport.sent.clear()
    pages = AdaptiveBatch(start=40, minimum=10, maximum=40)
    # Feed pages from the start (the snapshot path is tested in test_snapshot.py).
    report = SyncEngine(b.db, b.settings, b.transport, pages=pages, snapshots=False).run()
    assert report.complete
    limits = [q["limit"] for _m, path, q in b.transport.sent if path == "/v1/feed"]
    assert limits[:2] == [40, 20]
    assert b.records() == a.records()


def test_an_edited_resolution_is_checked_like_a_form_edit(
    make_client: Callable[..., Client],
) -> None:
    from sync.client.resolve import ConflictError

    b, _sid, conflict = _field_conflict(make_client, "nik", "3214000000000011", "3214000000000012")
    for bad in ("12AB", "Nama\x07"):
        with pytest.raises(ConflictError, match="NIK"):
            resolve_conflict(b.db, conflict["id"], "edited", bad)
    assert status(b.db).conflicts_open == 1 and status(b.db).pending == 0  # nothing written
    assert resolve_conflict(b.db, conflict["id"], "edited", "3214000000000013") is not None


def test_records_an_older_version_skipped_arrive_once_the_client_knows_their_entity(
    make_client: Callable[..., Client],
) -> None:
    from sync.client.state import CURSOR_KEY, FEED_ENTITIES_KEY, get_state, set_state
    from sync.protocol import ENTITIES

    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    for n in range(3):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    assert a.sync().complete and b.sync().complete and b.records() == a.records()
    with b.db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM supporter")
    assert b.sync().complete  # from the saved cursor: the rows do not come back
    assert not [key for key in b.records() if key[0] == "supporter"]

    # As if the cursor had been moved by a version that did not know supporters
    # (their feed blocks skipped): this version pulls from the beginning once.
    with b.db.engine.begin() as conn:
        cursor = get_state(conn, CURSOR_KEY)
        set_state(conn, FEED_ENTITIES_KEY, ",".join(sorted(set(ENTITIES) - {"supporter"})))
    assert b.sync().complete
    assert b.records() == a.records()
    with b.db.engine.begin() as conn:
        assert get_state(conn, FEED_ENTITIES_KEY) == ",".join(sorted(ENTITIES))
        assert get_state(conn, CURSOR_KEY) == cursor  # nothing new on the server since


class _AtOnce:
    """An executor whose submitted fetch is done when ``submit`` returns."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    def __enter__(self) -> _AtOnce:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the future
            future.set_exception(exc)
        return future


def _feed_pull(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch, count: int
) -> tuple[Client, Client, list[int]]:
    """a pushes ``count`` supporters; b (knowing the server key) is ready to pull the
    feed in pages of 10. Returns a, b and the list that counts b's apply transactions
    (one item per transaction, the pages it applied)."""
    from sync.client.apply import ApplyStage

    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    for n in range(count):
        a.repo.create("supporter", supporter_values(pair, n), "32.14")
    assert a.sync().complete
    assert b.engine().run(stages=("push",)).complete  # b learns the server key
    transactions: list[int] = []
    original = ApplyStage.transaction
    feed_page = b.engine().applier.feed_page.__func__  # type: ignore[attr-defined]

    def counted(self: ApplyStage) -> Any:
        transactions.append(0)
        return original(self)

    def counting_page(self: Any, conn: Any, page: Any) -> Any:
        transactions[-1] += 1
        return feed_page(self, conn, page)

    monkeypatch.setattr(ApplyStage, "transaction", counted)
    monkeypatch.setattr(type(b.engine().applier), "feed_page", counting_page)
    return a, b, transactions


def _pull_in_pages_of_10(b: Client) -> Any:
    from sync.client import SyncEngine
    from sync.transport import AdaptiveBatch

    pages = AdaptiveBatch(start=10, minimum=10, maximum=10)
    return SyncEngine(b.db, b.settings, b.transport, pages=pages, snapshots=False).run()


def test_pages_already_fetched_are_applied_in_one_transaction_with_the_last_cursor(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large pull applies the pages that are already here in one transaction (each
    commit wrote the index pages it touched again): 62 records in pages of 10, every
    fetch done at once, one transaction of all seven pages, and the cursor after the
    last saved with them."""
    import sync.client.pull as pull
    from sync.client.state import CURSOR_KEY, get_state

    a, b, transactions = _feed_pull(make_client, monkeypatch, 60)
    monkeypatch.setattr(pull, "ThreadPoolExecutor", _AtOnce)
    monkeypatch.setattr(pull, "GROUP_S", 60.0)
    report = _pull_in_pages_of_10(b)
    assert report.complete and report.pulled == 62
    assert transactions == [7]
    assert b.records() == a.records()
    with b.db.engine.connect() as conn:
        saved = get_state(conn, CURSOR_KEY)
    assert saved and int(saved) >= 62  # past every record pulled
    assert _pull_in_pages_of_10(b).pulled == 0  # nothing again from there


def test_the_pull_commits_before_waiting_for_a_page_and_after_group_s(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write transaction never waits for the network: a page not yet here ends
    it (each page of a slow link is its own), and so does GROUP_S."""
    import time

    import sync.client.pull as pull

    a, b, transactions = _feed_pull(make_client, monkeypatch, 25)
    fetch = pull.PullStage._fetch

    def slow(self: Any, cursor: str) -> Any:
        time.sleep(0.3)
        return fetch(self, cursor)

    monkeypatch.setattr(pull.PullStage, "_fetch", slow)
    assert _pull_in_pages_of_10(b).complete
    assert transactions == [1, 1, 1]  # 27 records: 10, 10, 7
    assert b.records() == a.records()

    c = make_client("c")
    assert c.engine().run(stages=("push",)).complete
    transactions.clear()
    monkeypatch.setattr(pull.PullStage, "_fetch", fetch)
    monkeypatch.setattr(pull, "ThreadPoolExecutor", _AtOnce)
    monkeypatch.setattr(pull, "GROUP_S", 0.0)  # every page ends its transaction
    assert _pull_in_pages_of_10(c).complete
    assert transactions == [1, 1, 1]
    assert c.records() == a.records()


def test_a_malformed_page_keeps_nothing_of_its_transaction_and_the_cursor_stays(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third page of a transaction is malformed: the two before it go with it (the
    cursor never runs ahead of the data, nor the data ahead of the cursor), the stage
    fails, and the next sync pulls everything."""
    import sync.client.pull as pull
    from sync.client.state import CURSOR_KEY, get_state

    a, b, transactions = _feed_pull(make_client, monkeypatch, 30)
    monkeypatch.setattr(pull, "ThreadPoolExecutor", _AtOnce)
    monkeypatch.setattr(pull, "GROUP_S", 60.0)
    applier_type = type(b.engine().applier)
    counting = applier_type.feed_page

    def third_is_bad(self: Any, conn: Any, page: Any) -> Any:
        if transactions[-1] == 2:
            transactions[-1] += 1
            raise ValueError("malformed feed page: test")
        return counting(self, conn, page)

    monkeypatch.setattr(applier_type, "feed_page", third_is_bad)
    report = _pull_in_pages_of_10(b)
    assert not report.complete
    assert not [key for key in b.records() if key[0] == "supporter"]
    with b.db.engine.connect() as conn:
        assert not get_state(conn, CURSOR_KEY)
    monkeypatch.setattr(applier_type, "feed_page", counting)
    assert _pull_in_pages_of_10(b).complete
    assert b.records() == a.records()


def test_the_feed_is_asked_in_the_compact_layout_and_an_older_servers_rows_still_apply(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.client import SyncEngine
    from sync.client.api import FEED

    a = make_client("a")
    pair = seed_pair(a)
    ids = [a.repo.create("supporter", supporter_values(pair, n), "32.14") for n in range(30)]
    a.repo.delete("supporter", ids[3], {"withdrawn_reason": "salah_input"})
    assert a.sync().complete
    expected = a.records()

    b = make_client("b")
    assert SyncEngine(b.db, b.settings, b.transport, snapshots=False).run(stages=("pull",)).complete
    asked = [params for _m, path, params in b.transport.sent if path == FEED]
    assert asked and all(params["layout"] == "compact" for params in asked)
    assert b.records() == expected

    # A server from before the layouts does not know the parameter: one array per record.
    c = make_client("c")
    call = c.transport.call
    layouts: list[set[str]] = []

    def older_server(
        method: str, path: str, body: Any = None, params: Any = None, **kw: Any
    ) -> Any:
        if path == FEED:
            params = {k: v for k, v in (params or {}).items() if k != "layout"}
        answer = call(method, path, body, params, **kw)
        if path == FEED:
            layouts.append(
                {"rows" if "rows" in block else "values" for block in answer["entities"]}
            )
        return answer

    monkeypatch.setattr(c.transport, "call", older_server)
    assert SyncEngine(c.db, c.settings, c.transport, snapshots=False).run(stages=("pull",)).complete
    assert layouts and set().union(*layouts) == {"rows"}
    assert c.records() == expected


def _refused_create_with_a_later_edit(
    make_client: Callable[..., Client],
) -> tuple[Client, str, str]:
    """A supporter whose create the server refuses (a status its reasons do not give)
    left the device before the operator's correction: the correction is a mutation of
    its own. Returns the client, the pair and the supporter."""
    a = make_client("a")
    pair = seed_pair(a)
    bad = {**supporter_values(pair, 4), "admin_status": "MS", "admin_reasons": ["UNDERAGE"]}
    sid = a.repo.create("supporter", bad, "32.14")
    a.transport.faults = ["request"]  # claimed and sent, never arrived
    assert not a.sync().complete
    assert status(a.db).sent == 1
    return a, pair, sid


def test_a_refused_create_keeps_the_correction_saved_after_it_left(
    make_client: Callable[..., Client],
) -> None:
    from sync.receipts import record_history

    a, _pair, sid = _refused_create_with_a_later_edit(make_client)
    a.repo.update("supporter", sid, {"admin_status": "TMS", "address": "Jalan Benar 4"})
    report = a.sync()  # the create, and the correction sent alone with it, refused
    assert report.rejected == 2 and report.complete and report.remaining == 0
    local = a.repo.get("supporter", sid)
    assert local is not None and not local["deleted"]
    assert (local["admin_status"], local["address"]) == ("TMS", "Jalan Benar 4")
    server = a.server.records()[("supporter", sid)]
    assert server == a.records()[("supporter", sid)]  # the corrected record, filed
    states = [entry.state for entry in record_history(a.db, "supporter", sid)]
    assert states.count("rejected") == 2 and states[-1] == "acked"


def test_a_refused_create_whose_correction_is_refused_too_is_undone(
    make_client: Callable[..., Client],
) -> None:
    a, _pair, sid = _refused_create_with_a_later_edit(make_client)
    a.repo.update("supporter", sid, {"address": "Jalan Lain 4"})  # not the cause
    report = a.sync()
    assert report.complete and report.remaining == 0
    assert ("supporter", sid) not in a.records()
    assert ("supporter", sid) not in a.server.records()
    assert status(a.db).pending + status(a.db).sent == 0


@pytest.mark.parametrize(("choice", "kept_name"), [("theirs", "Dari A"), ("mine", "Dari B lagi")])
def test_a_choice_after_a_later_local_edit_is_what_the_record_then_holds(
    make_client: Callable[..., Client], choice: str, kept_name: str
) -> None:
    """The field in conflict was edited again here before the conflict was resolved
    (the form showed the server's value and the operator typed over it). "Server" left
    that later edit on the record and sent it, while the history said the server's
    value was taken; "Milik saya" set the field back to the value of the conflict's
    time, over the operator's own newer edit, which the dialog never showed. Now the
    choice is what the record and the server hold, and "mine" is this computer's side
    as it is: the dialog lists the later edit (marked so) and choosing it keeps it."""
    from sync.client import open_conflicts

    a, b = make_client("a"), make_client("b")
    _pair, sid = _one_supporter(a, b)
    a.repo.update("supporter", sid, {"name": "Dari A"})
    b.repo.update("supporter", sid, {"name": "Dari B"})
    assert a.sync().complete
    assert b.sync().conflicts_new == 1
    (shown,) = open_conflicts(b.db)
    assert (shown["mine"], shown["mine_edited_since"]) == ("Dari B", False)
    b.repo.update("supporter", sid, {"name": "Dari B lagi"})
    (shown,) = open_conflicts(b.db)
    assert (shown["mine"], shown["mine_edited_since"]) == ("Dari B lagi", True)
    resolve_conflict(b.db, shown["id"], choice)
    assert b.repo.get("supporter", sid)["name"] == kept_name  # type: ignore[index]
    assert b.sync().complete and a.sync().complete
    assert a.repo.get("supporter", sid)["name"] == kept_name  # type: ignore[index]
    assert a.records() == b.records()
    (kept,) = conflict_history(b.db)
    assert (kept["resolution"], kept["resolved_value"]) == (choice, kept_name)


def test_a_full_connection_pool_is_answered_busy_not_as_a_server_error(
    make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every connection of the server's pool taken (a burst of offices on PostgreSQL):
    SQLAlchemy's pool timeout was answered 500, which the client does not retry as it
    retries a busy server; it is 503 busy with Retry-After, as a locked database is."""
    import sqlalchemy.exc

    from sync.server.routes import sync as routes

    def full(*_args: Any, **_kwargs: Any) -> Any:
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")

    client = make_client("a")
    monkeypatch.setattr(routes, "read_feed_rows", full)
    with pytest.raises(Offline) as busy:
        client.transport.call("GET", "/v1/feed", params={"after": 0})
    assert busy.value.status == 503


def test_a_cursor_moved_under_other_read_rules_pulls_again_from_the_beginning(
    make_client: Callable[..., Client],
) -> None:
    """The server's read rules widened (a kab/kota's Bawaslu came to read its part of
    the governor election): a cursor moved before holds none of the records now
    readable behind it, so the pull starts again from the beginning, once, leaving a
    pending local edit on top."""
    from sync.client.state import CURSOR_KEY, FEED_RULES_KEY, SERVER_RULES_KEY, get_state
    from sync.server.roles import Actor, Role

    a, b = make_client("a"), make_client("b")
    announced = Actor(b.username, Role.KABKOTA, "32.14", "").read_rules
    pair = seed_pair(a)
    ids = [a.repo.create("supporter", supporter_values(pair, n), "32.14") for n in range(3)]
    assert a.sync().complete and b.sync().complete and b.records() == a.records()
    with b.db.engine.begin() as conn:
        assert get_state(conn, FEED_RULES_KEY) == announced  # moved under the server's rules
        cursor = get_state(conn, CURSOR_KEY)
        # Records behind the cursor this desktop did not read then (a stand-in).
        conn.exec_driver_sql("DELETE FROM supporter WHERE id != ?", (ids[0],))
    b.repo.update("supporter", ids[0], {"address": "Alamat lokal"})
    pull = ("pull",)
    assert b.engine().run(stages=pull).failure is None  # same rules: from the saved cursor
    assert len([key for key in b.records() if key[0] == "supporter"]) == 1

    # As a desktop that moved its cursor before the server announced its rules.
    with b.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "DELETE FROM sync_state WHERE key IN (?, ?)", (FEED_RULES_KEY, SERVER_RULES_KEY)
        )
    assert b.engine().run(stages=pull).failure is None
    assert {key for key in b.records() if key[0] == "supporter"} == {
        ("supporter", sid) for sid in ids
    }
    assert b.records()[("supporter", ids[0])]["address"] == "Alamat lokal"
    assert status(b.db).pending == 1  # the local edit still waits to be pushed
    with b.db.engine.begin() as conn:
        assert get_state(conn, FEED_RULES_KEY) == get_state(conn, SERVER_RULES_KEY) == announced
        assert get_state(conn, CURSOR_KEY) == cursor  # nothing new on the server since
    b.transport.sent.clear()
    assert (
        b.engine().run(stages=pull).failure is None
    )  # once: the next pull goes on from the cursor
    feeds = [q for _m, path, q in b.transport.sent if path == "/v1/feed"]
    assert feeds and all(q.get("after") == cursor for q in feeds)


def test_an_account_moved_to_a_wider_reach_pulls_again_from_the_beginning(
    make_client: Callable[..., Client], server: Any, fast_dir: Any
) -> None:
    """A kab/kota operator made the province's account: its cursor is past the other
    kab/kota's records it may now read, so its next pull starts from the beginning."""
    from sync.server import models
    from sync.server.accounts import change_user
    from tests.unit.sync.harness import Client as Desktop

    b = make_client("b")
    server.add_user("op3215", region="32.15")
    other = Desktop("k", fast_dir / "k", server, "op3215")
    try:
        pair = seed_pair(other, "32.15")
    finally:
        other.close()
    assert b.sync().complete and ("pair", pair) not in b.records()
    move = models.UserChange(role="province", region="32")
    change_user(server.engine, server.config, None, b.username, move)
    b.token = ""  # the move ended its session: it logs in again
    b.restart()
    assert b.sync().complete
    assert ("pair", pair) in b.records()
