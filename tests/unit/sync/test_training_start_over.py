"""Starting over after a training server reset: the laptop returns to the starting state
of a fresh practice folder, its earlier session's history included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from silon_desktop.storage import retention
from silon_desktop.storage.db import open_database
from silon_desktop.storage.repository import Repository
from sync.client.state import set_state
from sync.client.training import TRAINING_ID, start_over
from sync.receipts import read_history
from tests.unit.storage.test_archived_receipts import acknowledged
from tests.unit.sync.harness import SCOPE, supporter_values


def test_start_over_leaves_no_history_of_the_earlier_session(tmp_path: Path) -> None:
    """The practice seed gives the same record ids at every reset; the edits of the
    earlier session that retention had moved to ``outbox-archive.db`` stayed there, so
    the new session's supporter showed, in its history (Ctrl+H), the verdicts and
    receipts of the group before (another trainee's work), and the archive kept growing
    session after session."""
    db = open_database(tmp_path / "silon.db")
    try:
        repo = Repository(db, device_id="dev", user="latih01")
        election = repo.create("election", {"name": "Latihan", "kind": "bupati"}, SCOPE)
        pair = repo.create("pair", {"election_id": election, "number": 1}, SCOPE)
        with db.engine.begin() as conn:
            set_state(conn, TRAINING_ID, "session-1")
        supporter = repo.create("supporter", supporter_values(pair, 0), SCOPE)
        acknowledged(db)
        repo.create("supporter", supporter_values(pair, 1), SCOPE)  # the newest row stays
        acknowledged(db)
        assert retention.apply(db).archived
        with db.engine.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM outbox WHERE record_id = :r"), {"r": supporter}
            ).scalar_one()
        assert left == 0 and read_history(db, "supporter", supporter).entries  # archived

        start_over(db)

        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 0
        found = read_history(db, "supporter", supporter)
        assert found.entries == [] and found.archive_problem is None
    finally:
        db.close()


class _Server:
    """A server answering ``GET /v1/training`` only: a training server's identity, or
    a real server's 404."""

    def __init__(self, identity: str) -> None:
        self.identity = identity

    def call(self, method: str, path: str, **_kw: Any) -> Any:
        from sync.transport import ServerRefused

        assert (method, path) == ("GET", "/v1/training"), path
        if not self.identity:
            raise ServerRefused("HTTP 404: Not Found", status=404)
        return {"training_id": self.identity}


def test_a_room_laptop_stays_practice_data_after_starting_over(tmp_path: Path) -> None:
    """A room laptop's folder (``--data-dir``, not training mode's) is practice data by
    its database's mark alone; starting over deleted the mark with the rows, so the
    window dropped LATIHAN (banner, titles, printouts) until a sync succeeded again,
    and the emptied folder, pointed at a real server meanwhile, was no longer refused
    it. It stays practice data, and its next sync remembers the reset server."""
    from silon_desktop.domain.errors import ErrorCode
    from sync.client.training import is_practice, practice_id, practice_problem

    db = open_database(tmp_path / "silon.db")
    try:
        with db.engine.begin() as conn:
            set_state(conn, TRAINING_ID, "session-1")
        start_over(db)
        assert is_practice(db)
        real = practice_problem(db, _Server(""))  # type: ignore[arg-type]
        assert real is ErrorCode.PRACTICE_DATA_REAL_SERVER
        assert practice_problem(db, _Server("session-2")) is None  # type: ignore[arg-type]
        assert practice_id(db) == "session-2"
        reset = practice_problem(db, _Server("session-3"))  # type: ignore[arg-type]
        assert reset is ErrorCode.PRACTICE_SERVER_RESET
    finally:
        db.close()


def test_a_first_sync_with_a_training_server_marks_the_key_file(tmp_path: Path) -> None:
    """The key file says a folder's data is practice data once its database does (its
    first sync with a training server): a login reads it before the data key opens
    anything. A folder of real data, or one without a key file, is left as it was."""
    from silon_desktop.storage.keyfile import KeyFile
    from sync.client.training import practice_problem, remember_practice

    KeyFile(KeyFile.path_in(tmp_path)).save()
    db = open_database(tmp_path / "silon.db")
    try:
        remember_practice(db, tmp_path)
        assert not KeyFile.load(tmp_path).practice  # real data so far
        assert practice_problem(db, _Server("session-1")) is None  # type: ignore[arg-type]
        remember_practice(db, tmp_path)
        assert KeyFile.load(tmp_path).practice
    finally:
        db.close()
    plain = tmp_path / "plain"
    plain.mkdir()
    db = open_database(plain / "silon.db")
    try:
        with db.engine.begin() as conn:
            set_state(conn, TRAINING_ID, "session-1")
        remember_practice(db, plain)
        assert not KeyFile.exists(plain)  # its first login writes the flag
    finally:
        db.close()


def test_rows_no_server_has_seen_are_never_started_over(tmp_path: Path) -> None:
    """An earlier version made a folder practice data at its first sync with a training
    server even when it held rows typed offline (real ones, maybe); at its next login
    this version wrote the practice flag in ``silon.key``, after which another practice
    account started the folder over and a reset's start over deleted those rows. While
    a record made here waits for a server that never had it, the flag is not written
    and a start over is refused in Indonesian; once a server has them, both go on."""
    import pytest

    from silon_desktop.domain.errors import CodedError, ErrorCode
    from silon_desktop.storage.keyfile import KeyFile
    from sync.client.training import remember_practice

    KeyFile(KeyFile.path_in(tmp_path)).save()
    db = open_database(tmp_path / "silon.db")
    try:
        repo = Repository(db, device_id="dev", user="op1")
        typed = repo.create("election", {"name": "Pilkada Kantor", "kind": "bupati"}, SCOPE)
        with db.engine.begin() as conn:
            set_state(conn, TRAINING_ID, "session-1")  # the earlier version's first sync
        remember_practice(db, tmp_path)
        assert not KeyFile.load(tmp_path).practice  # another practice account is refused
        with pytest.raises(CodedError) as refused:
            start_over(db)
        assert refused.value.code is ErrorCode.PRACTICE_UNSENT_KEPT
        assert "tidak dihapus" in refused.value.message
        assert repo.get("election", typed) is not None
        acknowledged(db)  # a server has them now
        remember_practice(db, tmp_path)
        assert KeyFile.load(tmp_path).practice
        start_over(db)
        assert repo.get("election", typed) is None
    finally:
        db.close()


def _pulled_and_changed_offline(make_client: Any, change: str) -> tuple[Any, str]:
    """Laptop b pulled from a real server a record a colleague (a) made, and made, waiting,
    its ``change`` of it ("edit" or "delete") offline; then an earlier version's first
    sync with a training server marked b's data practice data."""
    from silon_desktop.storage.keyfile import KeyFile

    a, b = make_client("a"), make_client("b")
    made = a.repo.create("election", {"name": "Pilkada Kantor", "kind": "bupati"}, SCOPE)
    assert a.sync().complete
    assert b.sync().complete and b.repo.get("election", made)["version"] >= 1
    KeyFile(KeyFile.path_in(b.folder)).save()
    if change == "edit":
        assert b.repo.update("election", made, {"name": "Pilkada Kantor (diperiksa)"})
    else:
        assert b.repo.delete("election", made)
    with b.db.engine.begin() as conn:
        set_state(conn, TRAINING_ID, "session-1")  # the earlier version's first sync
    return b, made


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_unsent_changes_of_pulled_records_are_never_started_over(
    make_client: Any, change: str
) -> None:
    """Only creations counted as rows no server has seen: an operator's edit or delete,
    made offline, of a record pulled from a real server, in a folder an earlier version
    made practice data, got the practice flag in ``silon.key`` (another practice
    account then deleted the folder), was started over by a reset's offer, and let a
    practice login convert a plain folder with the practice password. Every waiting
    change counts in a folder not made practice data by this version's checks."""
    from silon_desktop.domain.errors import CodedError, ErrorCode
    from silon_desktop.storage.keyfile import KeyFile
    from sync.client.training import holds_real_data, remember_practice

    b, pulled = _pulled_and_changed_offline(make_client, change)
    remember_practice(b.db, b.folder)
    assert not KeyFile.load(b.folder).practice
    with b.db.engine.connect() as conn:
        assert holds_real_data(conn)  # a practice login does not convert it
    with pytest.raises(CodedError) as refused:
        start_over(b.db)
    assert refused.value.code is ErrorCode.PRACTICE_UNSENT_KEPT
    with b.db.engine.connect() as conn:
        waiting = conn.execute(
            text("SELECT count(*) FROM outbox WHERE record_id = :r AND state = 'pending'"),
            {"r": pulled},
        ).scalar_one()
    assert waiting == 1
    acknowledged(b.db)  # the real server took the change
    start_over(b.db)
    assert b.repo.get("election", pulled) is None


def test_a_trainees_waiting_verdicts_on_practice_rows_stay_disposable(
    make_client: Any,
) -> None:
    """In a folder this version made practice data (its first sync with a training
    server found it empty), a trainee's edits of practice rows waiting at a reset are
    practice data: the reset's start over deletes them, and again after starting over."""
    from silon_desktop.storage.keyfile import KeyFile
    from sync.client.training import holds_real_data, practice_problem, remember_practice

    trainer, trainee = make_client("a"), make_client("b")
    KeyFile(KeyFile.path_in(trainee.folder)).save()
    for session in ("session-1", "session-2"):
        given = trainer.repo.create("election", {"name": session, "kind": "bupati"}, SCOPE)
        assert trainer.sync().complete
        assert practice_problem(trainee.db, _Server(session)) is None  # type: ignore[arg-type]
        assert trainee.sync().complete
        assert trainee.repo.update("election", given, {"name": f"{session} (diperiksa)"})
        remember_practice(trainee.db, trainee.folder)
        assert KeyFile.load(trainee.folder).practice
        with trainee.db.engine.connect() as conn:
            assert not holds_real_data(conn)
        start_over(trainee.db)
        assert trainee.repo.get("election", given) is None
