"""Logging in to an encrypted data folder (issue #14): the first login converts a plain
database, offline login only with limits, revocation locks the data.

The server is the real app in-process (tests/unit/sync/harness.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.services.access import Access, AccessRefused, Session
from silon_desktop.storage import backup, cipher, keyfile
from silon_desktop.storage.db import open_database
from sync import credentials
from sync.client import SyncEngine
from sync.server import models
from sync.server.accounts import change_user
from tests.unit.sync.harness import PASSWORD, AsgiTransport, InProcessServer, make_server

NIK = "3214015708990003"
#: nothing listens there: the offline button's reachability check fails fast
NOWHERE = "http://127.0.0.1:9"


def _access(folder: paths.AppPaths) -> Access:
    return Access(folder, Settings(server_url=NOWHERE, device_id="pc-1", username="op1"))


@contextlib.contextmanager
def _training_room(tmp_path: Path, desks: int = 0) -> Iterator[AsgiTransport]:
    """A Bimtek room's training server in this process (its practice accounts seeded for
    ``desks`` desks, none for 0), and a transport to it."""
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import migrate
    from sync.server.training import seed

    (tmp_path / "latihan").mkdir()
    url = f"sqlite:///{tmp_path / 'latihan' / 'server.db'}"
    migrate(url)
    room = create_app(ServerConfig(database_url=url, training=True))
    if desks:
        seed(room.state.server, desks, 20)
    transport = AsgiTransport(room)
    try:
        yield transport
    finally:
        transport.close()
        room.state.server.engine.dispose()


def _online(access: Access, server: InProcessServer, password: str = PASSWORD) -> object:
    transport = AsgiTransport(server.app)
    try:
        return access.login("op1", password, transport=transport)
    finally:
        transport.close()


def _offline(access: Access, server: InProcessServer, password: str = PASSWORD) -> object:
    transport = AsgiTransport(server.app)
    transport.offline = True  # the server cannot be reached
    try:
        return access.login("op1", password, transport=transport)
    finally:
        transport.close()


def _files(folder: paths.AppPaths) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.data.rglob("*") if p.is_file()}


def _plant_plain(folder: paths.AppPaths) -> None:
    db = open_database(folder.database)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE planted (nik TEXT)")
        conn.execute(text("INSERT INTO planted VALUES (:n)"), {"n": NIK})
    db.engine.dispose()
    backup.make_backup(folder.database, folder.backups, 5, reason="manual")
    (folder.backups / "silon-20260101-000000-000000-auto.partial").write_bytes(
        folder.database.read_bytes()
    )


def test_the_first_login_encrypts_a_plain_folder_and_removes_every_plain_copy(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    _plant_plain(folder)
    assert any(NIK.encode() in content for content in _files(folder).values())
    session = _online(_access(folder), server)
    assert isinstance(session, Session), session
    with session.db.session(readonly=True) as s:
        assert s.execute(text("SELECT nik FROM planted")).scalar_one() == NIK
    session.db.close()
    for path, content in _files(folder).items():
        assert NIK.encode() not in content, path
        assert not content.startswith(b"SQLite format 3"), path
    assert not cipher.is_plain(folder.database)
    made = backup.list_backups(folder.backups)
    assert {b.reason for b in made} >= {"manual", "before-encryption"}
    assert all(backup.verify(b.path, session.db.key) for b in made)
    assert not list(folder.backups.glob("*.partial"))


def test_offline_login_needs_the_password_and_backs_off_across_restarts(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    first = _online(_access(folder), server)
    assert isinstance(first, Session)
    first.db.close()
    ok = _offline(_access(folder), server)
    assert isinstance(ok, Session) and not ok.outcome.online
    ok.db.close()
    for _ in range(keyfile.OFFLINE_FREE_ATTEMPTS):
        wrong = _offline(_access(folder), server, "salah-sekali")
        assert not isinstance(wrong, Session)
        assert wrong.error is not None and wrong.error.code is ErrorCode.LOGIN_OFFLINE_REFUSED
    # a new Access (a restart) still waits, even for the right password
    waiting = _offline(_access(folder), server)
    assert not isinstance(waiting, Session)
    assert waiting.error is not None and waiting.error.code is ErrorCode.LOGIN_OFFLINE_WAIT
    # the server answering again: an online login lifts the wait
    again = _online(_access(folder), server)
    assert isinstance(again, Session)
    again.db.close()


def test_offline_login_expires_after_the_days_the_server_set(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    server.config.offline_days = 2
    first = _online(_access(folder), server)
    assert isinstance(first, Session)
    first.db.close()
    state = keyfile.KeyFile.load(folder.data).offline["op1"]
    assert state.expires_at == pytest.approx(keyfile.now() + 2 * 86400, abs=60)
    key, _ = _access(folder).unlock_with_password("op1", PASSWORD, now=state.expires_at - 60)
    assert cipher.opens_with(folder.database, key)
    with pytest.raises(AccessRefused) as refused:
        _access(folder).unlock_with_password("op1", PASSWORD, now=state.expires_at + 1)
    assert refused.value.code is ErrorCode.LOGIN_OFFLINE_EXPIRED


def test_offline_is_refused_while_the_server_answers(
    server: InProcessServer, folder: paths.AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    access = _access(folder)
    monkeypatch.setattr(access, "_server_answers", lambda: True)
    result = access.login("op1", PASSWORD, offline=True)
    assert not isinstance(result, Session)
    assert result.error is not None and result.error.code is ErrorCode.LOGIN_ONLINE_REQUIRED


def _nothing_opens(folder: paths.AppPaths, password: str) -> None:
    """What remains on disk does not give the data key."""
    kf = keyfile.KeyFile.load(folder.data)
    assert kf.unwrap_password("op1", password) is None
    assert kf.keyring is None
    assert credentials.data_key_secret(folder.data) is None
    with pytest.raises(AccessRefused) as refused:
        _access(folder).unlock_with_password("op1", password)
    assert refused.value.code is ErrorCode.LOGIN_LOCKED


def test_a_disabled_account_locks_the_pc_at_its_next_sync_until_a_valid_online_login(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    access = _access(folder)
    session = _online(access, server)
    assert isinstance(session, Session) and session.token
    backend = Services(folder, access.settings, session.db, access=access)
    backend.start_session(session)
    change_user(server.engine, server.config, None, "op1", models.UserChange(active=False))
    transport = AsgiTransport(server.app)
    transport.set_token(session.token)
    report = SyncEngine(session.db, access.settings, transport).run()
    transport.close()
    assert report.error_kind == "revoked"
    backend.lock()
    assert credentials.TokenStore(NOWHERE, "op1").get() is None
    _nothing_opens(folder, PASSWORD)
    offline = _offline(_access(folder), server)
    assert not isinstance(offline, Session)
    assert offline.error is not None and offline.error.code is ErrorCode.LOGIN_LOCKED
    refused = _online(_access(folder), server)  # still disabled: refused online too
    assert not isinstance(refused, Session)
    # enabled again: the server's secret for (op1, pc-1) opens the data once more
    change_user(server.engine, server.config, None, "op1", models.UserChange(active=True))
    back = _online(_access(folder), server)
    assert isinstance(back, Session), back
    back.db.close()


def test_a_lost_key_file_is_named_and_no_new_key_is_made_for_the_encrypted_data(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """``silon.key`` gone (deleted, not copied with the folder) beside an encrypted
    database: the online login made a new data key, saved it, and then said the data
    "cannot be opened with the account ." (no name). Now it names the missing file
    and the folder, and writes nothing: the key file brought back still opens it."""
    session = _online(_access(folder), server)
    assert isinstance(session, Session)
    session.db.close()
    key_file = folder.data / keyfile.KEY_FILE
    kept = key_file.read_bytes()
    key_file.unlink()
    credentials.clear_data_key_secret(folder.data)  # the keyring's copy gone too
    before = _files(folder)
    refused = _online(_access(folder), server)
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_KEY_FILE_MISSING
    assert "silon.key" in refused.error.message and str(folder.data) in refused.error.message
    assert _files(folder) == before and not key_file.exists()
    key_file.write_bytes(kept)  # brought back from a copy of the folder
    back = _online(_access(folder), server)
    assert isinstance(back, Session), back
    back.db.close()


def _synced_once(access: Access, server: InProcessServer) -> tuple[Session, Services]:
    """An online login with the application's services started on it."""
    session = _online(access, server)
    assert isinstance(session, Session) and session.token
    backend = Services(access.paths, access.settings, session.db, access=access)
    backend.start_session(session)
    return session, backend


def _next_sync(session: Session, access: Access, server: InProcessServer) -> str:
    transport = AsgiTransport(server.app)
    transport.set_token(session.token)
    report = SyncEngine(session.db, access.settings, transport).run()
    transport.close()
    return str(report.error_kind or "")


def test_an_account_moved_to_another_kabkota_no_longer_opens_the_data_it_left(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """An operator of 32.14 moved to 32.15 by the administrator: its sessions only
    ended, so the next online login opened the PC's database of 32.14's citizens again
    for an account that may no longer read them. Now the PC locks at its next contact
    and no later login opens that data for this account (a colleague of 32.14 still
    can: their own wraps); the new region is worked on in a data folder of its own."""
    access = _access(folder)
    session, backend = _synced_once(access, server)
    change_user(server.engine, server.config, None, "op1", models.UserChange(region="32.15"))
    assert _next_sync(session, access, server) == "revoked"
    backend.lock()
    _nothing_opens(folder, PASSWORD)
    again = _online(_access(folder), server)  # the right password, online, in 32.15 now
    assert not isinstance(again, Session)
    assert again.error is not None and again.error.code is ErrorCode.LOGIN_NO_DATA_KEY


def test_a_login_of_an_account_moved_away_does_not_open_the_data_it_left(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """The PC never synced after the move (closed, or its token already gone): the
    next login is a fresh online one, which the server accepts. The password's own
    wrap here would open 32.14's data for the account now of 32.15; it is refused,
    naming both regions, and the PC locked as for a revocation."""
    session = _online(_access(folder), server)
    assert isinstance(session, Session)
    session.db.close()
    change_user(server.engine, server.config, None, "op1", models.UserChange(region="32.15"))
    moved = _online(_access(folder), server)
    assert not isinstance(moved, Session)
    assert moved.error is not None and moved.error.code is ErrorCode.LOGIN_REGION_LEFT
    assert "32.14" in moved.error.message and "32.15" in moved.error.message
    _nothing_opens(folder, PASSWORD)


def test_an_account_that_reads_more_than_before_keeps_opening_its_data(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """A kab/kota operator made the province's (32.14 to 32): it reads all it read
    before, so its sessions only end and the next login opens the data as before."""
    access = _access(folder)
    session, backend = _synced_once(access, server)
    change_user(
        server.engine,
        server.config,
        None,
        "op1",
        models.UserChange(role="province", region="32"),
    )
    assert _next_sync(session, access, server) == "auth"
    session.db.close()
    back = _online(_access(folder), server)
    assert isinstance(back, Session), back
    back.db.close()


def test_a_login_refused_for_a_reserved_name_locks_the_pc(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """An account named as the server's own writers (made by an older server, renamed
    here by hand) is refused at every login (403 ``reserved_username``). The PC kept
    opening its data offline with the password until the offline days ran out; it
    locks now, as for a disabled account, and the refusal keeps its own words."""
    from sync.server.schema import tokens, users

    session = _online(_access(folder), server)
    assert isinstance(session, Session)
    session.db.close()
    with server.engine.begin() as conn:
        conn.execute(users.update().where(users.c.username == "op1").values(username="admin"))
        conn.execute(tokens.update().values(username="admin"))
    reserved = Access(folder, Settings(server_url=NOWHERE, device_id="pc-1", username="admin"))
    kf = keyfile.KeyFile.load(folder.data)  # the PC knows the account by that name
    key = kf.unwrap_password("op1", PASSWORD)
    assert key is not None
    kf.wrap_password("admin", PASSWORD, key)
    kf.offline["admin"] = kf.offline.pop("op1")
    kf.save()
    assert keyfile.KeyFile.load(folder.data).unwrap_password("admin", PASSWORD) == key
    transport = AsgiTransport(server.app)
    refused = reserved.login("admin", PASSWORD, transport=transport)
    transport.close()
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_RESERVED_NAME
    kf = keyfile.KeyFile.load(folder.data)
    assert kf.unwrap_password("admin", PASSWORD) is None and kf.keyring is None
    offline = Access(folder, reserved.settings)
    with pytest.raises(AccessRefused) as locked:
        offline.unlock_with_password("admin", PASSWORD)
    assert locked.value.code is ErrorCode.LOGIN_LOCKED


def test_a_password_changed_on_the_server_locks_the_pc_and_the_new_one_opens_it(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    session = _online(_access(folder), server)
    assert isinstance(session, Session)
    session.db.close()
    change_user(
        server.engine, server.config, None, "op1", models.UserChange(password="baru-rahasia-9")
    )
    old = _online(_access(folder), server)  # the old password: refused, and it locks
    assert not isinstance(old, Session) and old.online
    _nothing_opens(folder, PASSWORD)
    new = _online(_access(folder), server, "baru-rahasia-9")
    assert isinstance(new, Session), new
    new.db.close()
    assert _access(folder).unlock_with_password("op1", "baru-rahasia-9")[0] == new.db.key


class _RefusingLogin(AsgiTransport):
    """The in-process server behind a man in the middle who answers the login ``401
    bad_credentials`` himself: unsigned, signed by a key of his own over the request's
    nonce, or with a proof the real server gave another login (``replayed``)."""

    def __init__(self, app: Any, mode: str, replayed: str = "") -> None:
        super().__init__(app)
        self.mode = mode
        self.replayed = replayed

    def call(self, method: str, path: str, body: Any = None, params: Any = None, **kw: Any) -> Any:
        import orjson

        from sync import signing
        from sync.protocol import login_refused_body
        from sync.transport import decode_answer

        if path != "/v1/auth/login":
            return super().call(method, path, body, params, **kw)
        answer: dict[str, Any] = {"error": "bad_credentials", "message": "wrong"}
        if self.mode == "forged":
            own = signing.generate_private_key()
            nonce = str((params or {}).get("nonce") or "")
            answer["proof"] = signing.sign(own, login_refused_body(nonce, "op1", "bad_credentials"))
        elif self.mode == "replayed":
            answer["proof"] = self.replayed
        return decode_answer(401, "", None, orjson.dumps(answer))


@pytest.mark.parametrize("mode", ["unsigned", "forged", "replayed"])
def test_a_login_refusal_not_signed_by_the_pinned_key_locks_nothing(
    server: InProcessServer, folder: paths.AppPaths, mode: str
) -> None:
    """Anyone on the path (a Bimtek room's plain http, an office proxy breaking TLS) can
    answer a login ``401``: with the password that opens the data here, only the pinned
    key's proof over this login's nonce locks the PC; without it nothing is erased and
    the operator is told the refusal could not be proven."""
    session = _online(_access(folder), server)
    assert isinstance(session, Session)
    session.db.close()
    replayed = ""
    if mode == "replayed":  # the real server's signed refusal of an earlier login
        transport = AsgiTransport(server.app)
        refused = _access(folder).login("op1", "bukan-sandinya-1", transport=transport)
        transport.close()
        assert not isinstance(refused, Session)
        assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_WRONG_CREDENTIALS
        from sync.client.login import LoginFailed

        assert isinstance(refused.error, LoginFailed) and refused.error.login_refusal
        replayed = refused.error.login_refusal.proof
        assert replayed
    before = keyfile.KeyFile.load(folder.data)
    token = credentials.TokenStore(NOWHERE, "op1").get()
    transport = _RefusingLogin(server.app, mode, replayed)
    try:
        faked = _access(folder).login("op1", PASSWORD, transport=transport)
    finally:
        transport.close()
    assert not isinstance(faked, Session) and faked.online
    assert faked.error is not None and faked.error.code is ErrorCode.LOGIN_REFUSAL_UNPROVEN
    assert "tidak ada yang diubah" in faked.error.message
    kept = keyfile.KeyFile.load(folder.data)
    assert kept.password.keys() == before.password.keys() and kept.keyring is not None
    assert credentials.TokenStore(NOWHERE, "op1").get() == token
    assert not _access(folder).locked()
    key, _ = _access(folder).unlock_with_password("op1", PASSWORD)
    assert cipher.opens_with(folder.database, key)
    again = _online(_access(folder), server)  # the real server lets it in
    assert isinstance(again, Session), again
    again.db.close()


def test_logout_forgets_the_token_and_the_keyring_key(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    access = _access(folder)
    session = _online(access, server)
    assert isinstance(session, Session)
    assert access.resume() is not None  # token and keyring key: the session resumes
    access.logout("op1", session.db)
    assert credentials.TokenStore(NOWHERE, "op1").get() is None
    assert access.resume() is None
    key, _ = _access(folder).unlock_with_password("op1", PASSWORD)  # the password still works
    assert cipher.opens_with(folder.database, key)


def test_an_idle_lock_asks_the_password_again_and_keeps_the_token(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """The window locked after a time without input: a restart must not carry on
    without the password (the keyring's key of the data is forgotten), while the
    token stays for the sync after the password, and the password opens the data."""
    access = _access(folder)
    session = _online(access, server)
    assert isinstance(session, Session)
    assert access.resume() is not None
    access.idle_lock("op1", session.db)
    assert credentials.data_key_secret(folder.data) is None
    assert credentials.TokenStore(NOWHERE, "op1").get() == session.token
    assert access.resume() is None  # a restart asks the password
    key, _ = _access(folder).unlock_with_password("op1", PASSWORD)
    assert cipher.opens_with(folder.database, key)


def test_a_training_servers_account_does_not_open_the_real_data_here(
    server: InProcessServer, folder: paths.AppPaths, tmp_path: Path
) -> None:
    """An office PC pointed at the Bimtek room's server, a practice account typed: the
    keyring's key opens this folder for any account the server accepts, so the real data
    opened as ``latih01`` and its published password wrapped the real data key."""
    from sync.server.training import PASSWORD as PRACTICE

    session = _online(_access(folder), server)  # the operator's own login: real data
    assert isinstance(session, Session)
    session.db.close()
    with _training_room(tmp_path, desks=2) as transport:
        refused = _access(folder).login("latih01", PRACTICE, transport=transport)
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_NO_DATA_KEY
    assert "latih01" not in keyfile.KeyFile.load(folder.data).password
    assert not keyfile.KeyFile.load(folder.data).practice  # a real folder: never started over
    own = _online(_access(folder), server)  # the operator's login still opens it
    assert isinstance(own, Session)
    own.db.close()


def test_a_training_folder_opens_for_another_practice_account_with_fresh_practice_data(
    folder: paths.AppPaths, tmp_path: Path
) -> None:
    """Training mode's folder on a laptop the room shares: the practice data opened only
    for the account that made it (its password's wrap), so the afternoon group's trainee,
    or the trainer (whose password every ``training reset`` makes anew), was refused with
    LOGIN_NO_DATA_KEY and the laptop was of no use. Practice data is disposable: the
    folder starts over with a new data key, and says so; the training server's own
    folder inside is left alone."""
    from sync.server.training import PASSWORD as PRACTICE

    folder.training_server.mkdir()  # made by training mode
    (folder.training_server / "server.db").write_bytes(b"the local training server's")
    with _training_room(tmp_path, desks=2) as transport:
        first = _access(folder).login("latih01", PRACTICE, transport=transport)
        assert isinstance(first, Session) and getattr(first, "notice", None) is None
        with first.db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE planted (nik TEXT)")
        first.db.close()
        old = keyfile.KeyFile.load(folder.data).unwrap_password("latih01", PRACTICE)
        second = _access(folder).login("latih02", PRACTICE, transport=transport)
    assert isinstance(second, Session), second.error
    try:
        assert second.notice is not None
        assert second.notice.code is ErrorCode.PRACTICE_STARTED_OVER
        assert "LATIHAN" in second.notice.message and "latih02" in second.notice.message
        assert second.db.key != old
        with second.db.engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "planted" not in tables  # the earlier account's practice data is gone
    finally:
        second.db.close()
    assert set(keyfile.KeyFile.load(folder.data).password) == {"latih02"}
    assert keyfile.KeyFile.load(folder.data).practice  # training mode made it
    assert (folder.training_server / "server.db").read_bytes() == b"the local training server's"


def test_a_room_laptops_own_folder_opens_for_another_practice_account(
    folder: paths.AppPaths, tmp_path: Path
) -> None:
    """A room laptop set up with ``--data-dir ... --server <training server>`` (not
    training mode's folder): nothing readable without the data key said its data was
    practice data, so the next trainee was refused with LOGIN_NO_DATA_KEY. Its first
    login with the training server writes the practice flag in ``silon.key``, and the
    folder starts over for another practice account as training mode's does."""
    from sync.server.training import PASSWORD as PRACTICE

    assert not folder.practice  # not training mode's folder
    with _training_room(tmp_path, desks=2) as transport:
        first = _access(folder).login("latih01", PRACTICE, transport=transport)
        assert isinstance(first, Session) and first.notice is None
        with first.db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE planted (nik TEXT)")
        first.db.close()
        assert keyfile.KeyFile.load(folder.data).practice
        second = _access(folder).login("latih02", PRACTICE, transport=transport)
    assert isinstance(second, Session), second.error
    try:
        assert second.notice is not None
        assert second.notice.code is ErrorCode.PRACTICE_STARTED_OVER
        with second.db.engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "planted" not in tables
    finally:
        second.db.close()
    kf = keyfile.KeyFile.load(folder.data)
    assert set(kf.password) == {"latih02"} and kf.practice


def test_a_room_laptops_folder_from_before_the_flag_learns_it_at_its_next_login(
    folder: paths.AppPaths, tmp_path: Path
) -> None:
    """A room laptop's folder practice-synced by an earlier version (its database marked,
    ``silon.key`` without the flag): its own account's next login writes the flag."""
    import json

    from sync.server.training import PASSWORD as PRACTICE

    with _training_room(tmp_path, desks=2) as transport:
        first = _access(folder).login("latih01", PRACTICE, transport=transport)
        assert isinstance(first, Session)
        first.db.close()
        path = keyfile.KeyFile.path_in(folder.data)
        old = json.loads(path.read_text(encoding="utf-8"))
        del old["practice"]  # the earlier version's file
        path.write_text(json.dumps(old), encoding="utf-8")
        assert not keyfile.KeyFile.load(folder.data).practice  # read as before
        again = _access(folder).login("latih01", PRACTICE, transport=transport)
        assert isinstance(again, Session)
        again.db.close()
        assert keyfile.KeyFile.load(folder.data).practice
        second = _access(folder).login("latih02", PRACTICE, transport=transport)
    assert isinstance(second, Session), second.error
    second.db.close()


def test_a_training_server_refusing_the_operators_password_does_not_lock_the_pc(
    server: InProcessServer, folder: paths.AppPaths, tmp_path: Path
) -> None:
    """The room's training server knows no office account: its refusal says nothing of the
    real server's (a changed password, a disabled account), so the data here stays open."""
    session = _online(_access(folder), server)
    assert isinstance(session, Session)
    session.db.close()
    with _training_room(tmp_path) as transport:
        refused = _access(folder).login("op1", PASSWORD, transport=transport)
    assert not isinstance(refused, Session) and refused.error is not None
    assert refused.error.code is not ErrorCode.ACCESS_REVOKED
    assert not _access(folder).locked()
    key, _ = _access(folder).unlock_with_password("op1", PASSWORD)
    assert cipher.opens_with(folder.database, key)


def test_a_login_to_a_server_with_another_signing_key_is_refused_and_keeps_the_pin(
    server: InProcessServer, folder: paths.AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.client.state import SERVER_KEY, get_state

    first = _online(_access(folder), server)
    assert isinstance(first, Session), first
    first.db.close()
    pinned = server.public_key
    server.sign_with_another_key(monkeypatch)
    access = _access(folder)
    key_file = _files(folder)[folder.data / keyfile.KEY_FILE]
    refused = _online(access, server)
    assert not isinstance(refused, Session)
    assert refused.online and refused.error is not None  # type: ignore[attr-defined]
    assert refused.error.code is ErrorCode.LOGIN_SERVER_KEY_CHANGED  # type: ignore[attr-defined]
    # that server's secret does not wrap the data key here, nor does anything else change
    assert _files(folder)[folder.data / keyfile.KEY_FILE] == key_file
    session = _offline(access, server)  # the data here still opens as before
    assert isinstance(session, Session), session
    with session.db.session(readonly=True) as s:
        assert get_state(s.connection(), SERVER_KEY) == pinned
    session.db.close()


def test_a_server_with_another_signing_key_cannot_lock_the_data_by_moving_the_account(
    server: InProcessServer, folder: paths.AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:

    first = _online(_access(folder), server)
    assert isinstance(first, Session), first
    first.db.close()
    server.sign_with_another_key(monkeypatch)
    change_user(server.engine, server.config, None, "op1", models.UserChange(region="32.15"))
    access = _access(folder)
    refused = _online(access, server)
    assert not isinstance(refused, Session)
    assert refused.error.code is ErrorCode.LOGIN_SERVER_KEY_CHANGED  # type: ignore[attr-defined]
    assert not access.locked()
    session = _offline(access, server)  # its word locked nothing: the password still opens
    assert isinstance(session, Session), session
    session.db.close()


def test_a_session_resumed_from_the_keyring_keeps_the_accounts_level(
    tmp_path: Path, folder: paths.AppPaths
) -> None:
    """The next start resumes the last session without a login: it knew neither the
    account's role nor its region, so the window wrote as KPU RI would (a Bawaslu
    account edited, a kab/kota its province's records), until the server undid it."""
    srv = make_server(tmp_path / "server-bawaslu")
    try:
        srv.add_user("op1", role="bawaslu", region="32.14")
        session = _online(_access(folder), srv)
        assert isinstance(session, Session)
        session.db.close()
    finally:
        srv.close()
    resumed = _access(folder).resume()
    assert resumed is not None
    try:
        assert (resumed.outcome.role, resumed.outcome.scope) == ("bawaslu", "32.14")
        services = Services(folder, Settings(username="op1", device_id="pc-1"), resumed.db)
        services.start_session(resumed)
        assert services.read_only and services.session_scope == "32.14"
    finally:
        resumed.db.close()


def test_a_server_that_withholds_its_signing_key_cannot_lock_the_data_by_moving_the_account(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """A key that cannot be read is no key compared: the login is refused as for
    another key, before the server's word wraps or locks anything."""
    from sync.transport import ServerRefused

    first = _online(_access(folder), server)
    assert isinstance(first, Session), first
    first.db.close()
    change_user(server.engine, server.config, None, "op1", models.UserChange(region="32.15"))
    access = _access(folder)
    key_file = _files(folder)[folder.data / keyfile.KEY_FILE]
    transport = AsgiTransport(server.app)
    plain_call = transport.call

    def withheld(method: str, path: str, *args: Any, **kw: Any) -> Any:
        if path == "/v1/server-key":
            raise ServerRefused("withheld", status=404)
        return plain_call(method, path, *args, **kw)

    transport.call = withheld  # type: ignore[method-assign]
    try:
        refused = access.login("op1", PASSWORD, transport=transport)
    finally:
        transport.close()
    assert not isinstance(refused, Session)
    assert refused.error.code is ErrorCode.LOGIN_SERVER_KEY_UNCHECKED  # type: ignore[attr-defined]
    assert not access.locked()
    assert _files(folder)[folder.data / keyfile.KEY_FILE] == key_file
    session = _offline(access, server)  # its word locked nothing: the password still opens
    assert isinstance(session, Session), session
    session.db.close()


def test_a_login_answer_moved_to_another_region_on_the_way_cannot_lock_the_data(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """A man in the middle relays the server's keys as they are (they prove themselves)
    and changes the region in the login answer: the data here would lock as for an
    account that left its region. The answer is not the server key's word: refused."""
    first = _online(_access(folder), server)
    assert isinstance(first, Session), first
    first.db.close()
    access = _access(folder)
    before = _files(folder)
    transport = AsgiTransport(server.app)
    plain_call = transport.call

    def moved(method: str, path: str, *args: Any, **kw: Any) -> Any:
        answer = plain_call(method, path, *args, **kw)
        if path == "/v1/auth/login":
            answer["region"] = "32.15"
        return answer

    transport.call = moved  # type: ignore[method-assign]
    try:
        refused = access.login("op1", PASSWORD, transport=transport)
    finally:
        transport.close()
    assert not isinstance(refused, Session)
    assert refused.error.code is ErrorCode.LOGIN_SERVER_KEY_UNPROVEN  # type: ignore[attr-defined]
    assert not access.locked()
    assert _files(folder)[folder.data / keyfile.KEY_FILE] == before[folder.data / keyfile.KEY_FILE]
    session = _offline(access, server)  # its word locked nothing: the password still opens
    assert isinstance(session, Session), session
    session.db.close()


def test_a_first_login_to_a_server_with_another_key_does_not_wrap_a_new_data_key_with_its_secret(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """A plain folder of an older version (or of ``snapshot import --server-key``) with
    a server key pinned and no key file yet: the login to another server is refused,
    and that server's secret opens nothing here (a stolen PC and that secret would
    otherwise give the data key)."""
    from sync import signing
    from sync.client.state import SERVER_KEY, set_state

    db = open_database(folder.database)
    with db.engine.begin() as conn:
        set_state(conn, SERVER_KEY, signing.public_key_b64(signing.generate_private_key()))
    db.engine.dispose()
    refused = _online(_access(folder), server)
    assert not isinstance(refused, Session)
    assert refused.error.code is ErrorCode.LOGIN_SERVER_KEY_CHANGED  # type: ignore[attr-defined]
    kf = keyfile.KeyFile.load(folder.data)
    assert kf.server == {} and kf.keyring is None
    assert "op1" not in kf.offline  # nothing that server said of the account is kept


def test_a_login_while_the_keyring_cannot_be_read_says_so_and_keeps_the_device_key(
    server: InProcessServer, folder: paths.AppPaths, memory_keyring: Any
) -> None:
    """A keyring read that failed at a login made a new device key over the one the
    server knows (the office's USB bundles refused until its next online login): the
    login now says the password store could not be read, and nothing is replaced."""
    access = _access(folder)
    session = _online(access, server)
    assert isinstance(session, Session)
    session.db.close()
    kept = memory_keyring.secrets[(credentials.DEVICE_SERVICE, "pc-1")]
    memory_keyring.unreadable = True
    refused = _online(_access(folder), server)
    assert not isinstance(refused, Session) and not refused.ok  # type: ignore[attr-defined]
    assert refused.error.code is ErrorCode.KEYRING_UNREADABLE  # type: ignore[attr-defined]
    assert memory_keyring.secrets[(credentials.DEVICE_SERVICE, "pc-1")] == kept
    assert not (folder.data / credentials.DEVICE_KEY_FILE).exists()
    memory_keyring.unreadable = False
    again = _online(_access(folder), server)
    assert isinstance(again, Session)
    again.db.close()
    assert memory_keyring.secrets[(credentials.DEVICE_SERVICE, "pc-1")] == kept


@pytest.mark.parametrize("leaving", ["logout", "idle_lock"])
def test_leaving_while_the_keyring_refuses_asks_the_password_at_the_next_start(
    server: InProcessServer,
    folder: paths.AppPaths,
    memory_keyring: Any,
    monkeypatch: pytest.MonkeyPatch,
    leaving: str,
) -> None:
    """A logout or an idle lock while the keyring was locked left the data key's secret
    (and the token) in it, the errors ignored: once the keyring opened again, the next
    start resumed the session without the password, on a computer the operator had
    logged out of."""
    import keyring.errors

    def locked(*_args: object) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    access = _access(folder)
    session = _online(access, server)
    assert isinstance(session, Session)
    memory_keyring.unreadable = True
    monkeypatch.setattr(memory_keyring, "delete_password", locked)
    getattr(access, leaving)("op1", session.db)
    memory_keyring.unreadable = False  # the keyring opens again before the next start
    assert _access(folder).resume() is None  # the password is asked
    key, _ = _access(folder).unlock_with_password("op1", PASSWORD)  # and still opens it
    assert cipher.opens_with(folder.database, key)


def test_a_logout_while_the_keyring_cannot_be_read_still_revokes_the_token(
    server: InProcessServer,
    folder: paths.AppPaths,
    memory_keyring: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The logout read the token back from the keyring to revoke it: a keyring that
    could not be read then (locked) left the session valid at the server, though the
    program held the token in memory all along."""
    from sync.client.api import ServerApi
    from sync.transport import AuthExpired

    access = _access(folder)
    session = _online(access, server)
    assert isinstance(session, Session) and session.token
    backend = Services(folder, access.settings, session.db, access=access)
    backend.start_session(session)
    monkeypatch.setattr(
        "sync.client.login.make_transport", lambda *_a, **_k: AsgiTransport(server.app)
    )
    memory_keyring.unreadable = True
    backend.logout()
    transport = AsgiTransport(server.app)
    transport.set_token(session.token)
    try:
        with pytest.raises(AuthExpired):
            ServerApi(transport).feed_raw("", 1)
    finally:
        transport.close()


def test_a_first_login_at_a_training_server_pins_nothing_on_rows_typed_here(
    tmp_path: Path,
) -> None:
    """The first pin of a login marks practice data as its first sync would; where that
    sync is refused (rows typed here that no server has seen), the training server's key
    was pinned anyway, and the real server was refused afterwards as "another server".
    Nothing is pinned or marked then; an empty folder is marked and pinned as before."""
    from silon_desktop.storage.repository import Repository
    from sync.client.api import ServerKeys
    from sync.client.login import checked_server_key, server_login
    from sync.client.state import SERVER_KEY, get_state
    from sync.client.training import is_practice
    from sync.server.training import PASSWORD as PRACTICE
    from tests.unit.sync.harness import SCOPE

    settings = Settings(server_url="http://latihan", device_id="pc-1", username="latih01")
    typed = open_database(tmp_path / "typed.db")
    empty = open_database(tmp_path / "empty.db")
    try:
        Repository(typed, device_id="pc-1", user="op1").create(
            "election", {"name": "Pilkada", "kind": "bupati"}, SCOPE
        )
        with _training_room(tmp_path, desks=1) as transport:
            answer = server_login(settings, tmp_path, "latih01", PRACTICE, transport)
            assert checked_server_key(typed, settings, transport, answer) == ServerKeys()
            assert checked_server_key(empty, settings, transport, answer).public_key != ""
        with typed.session(readonly=True) as session:
            assert get_state(session.connection(), SERVER_KEY) == ""
        assert not is_practice(typed) and is_practice(empty)
    finally:
        typed.close()
        empty.close()


def test_a_practice_login_does_not_encrypt_a_plain_folder_holding_rows_typed_here(
    server: InProcessServer, folder: paths.AppPaths, tmp_path: Path
) -> None:
    """A folder from before encryption (a plain database, no ``silon.key``) holding rows
    an operator typed offline, its first login a practice account of a training server:
    the folder was encrypted with a new key wrapped by the practice password alone, and
    the real operator's login then met LOGIN_NO_DATA_KEY. The practice login is refused
    in Indonesian and the folder left as it was, for its operator's login to convert."""
    from silon_desktop.storage.repository import Repository
    from sync.server.training import PASSWORD as PRACTICE
    from tests.unit.sync.harness import SCOPE

    plain = open_database(folder.database)
    Repository(plain, device_id="pc-1", user="op1").create(
        "election", {"name": "Pilkada Kantor", "kind": "bupati"}, SCOPE
    )
    plain.close()
    before = folder.database.read_bytes()
    with _training_room(tmp_path, desks=1) as transport:
        refused = _access(folder).login("latih01", PRACTICE, transport=transport)
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_PRACTICE_REAL_DATA
    assert "latih01" in refused.error.message and "--data-dir" in refused.error.message
    assert folder.database.read_bytes() == before  # neither converted nor migrated
    assert not keyfile.KeyFile.exists(folder.data)  # no key wrapped by the practice password
    own = _online(_access(folder), server)  # the operator's own first login converts it
    assert isinstance(own, Session), own
    with own.db.session(readonly=True) as s:
        assert s.execute(text("SELECT name FROM election")).scalar_one() == "Pilkada Kantor"
    own.db.close()


def test_a_practice_login_does_not_encrypt_plain_backups_holding_real_data(
    server: InProcessServer, folder: paths.AppPaths, tmp_path: Path
) -> None:
    """A folder from before encryption whose plain database is gone (deleted by hand to
    start afresh) and whose plain backups hold an operator's rows: only the database was
    looked at, so a practice account's first login made a new key wrapped by the
    practice password alone (printed on every desk's card) and encrypted the backups
    with it, citizens' data then open to any trainee, locked for its operator. The
    practice login is refused and the backups left as they were; the operator's own
    login converts them."""
    from silon_desktop.storage.repository import Repository
    from sync.server.training import PASSWORD as PRACTICE
    from tests.unit.sync.harness import SCOPE

    plain = open_database(folder.database)
    Repository(plain, device_id="pc-1", user="op1").create(
        "election", {"name": "Pilkada Kantor", "kind": "bupati"}, SCOPE
    )
    plain.close()
    backup.make_backup(folder.database, folder.backups, 5, reason="manual")
    for suffix in ("", "-wal", "-shm"):
        folder.database.with_name(folder.database.name + suffix).unlink(missing_ok=True)
    before = {p: p.read_bytes() for p in folder.backups.iterdir()}
    with _training_room(tmp_path, desks=1) as transport:
        refused = _access(folder).login("latih01", PRACTICE, transport=transport)
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_PRACTICE_REAL_DATA
    assert {p: p.read_bytes() for p in folder.backups.iterdir()} == before  # not converted
    assert not keyfile.KeyFile.exists(folder.data) and not folder.database.exists()
    own = _online(_access(folder), server)
    assert isinstance(own, Session), own
    own.db.close()
    (kept,) = backup.list_backups(folder.backups)
    assert not cipher.is_plain(kept.path) and backup.verify(kept.path, own.db.key)


def _damage(path: Path) -> bytes:
    """Break the plain SQLite file ``path`` (its schema page and second half); its
    bytes after."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2 :] = bytes(len(data) - len(data) // 2)
    data[120:400] = b"\x07" * 280
    path.write_bytes(bytes(data))
    assert cipher.is_plain(path) and not backup.verify(path)
    return bytes(data)


def _sealed_content(path: Path, key: bytes) -> bytes:
    conn = cipher.connect(path, key)
    try:
        return b"".join(
            row[0] for row in conn.execute("SELECT content FROM sealed_file ORDER BY part")
        )
    finally:
        conn.close()


@pytest.mark.parametrize("stopped", [False, True])
def test_a_damaged_plain_backup_is_kept_encrypted_and_no_longer_stops_every_login(
    server: InProcessServer,
    folder: paths.AppPaths,
    monkeypatch: pytest.MonkeyPatch,
    stopped: bool,
) -> None:
    """A plain backup SQLite cannot read whole (a damaged disk, a copy cut short) failed
    its conversion: every login raised, the operator locked out of the data and the plain
    copy left on the disk. Its bytes are now kept whole in an encrypted file beside it
    (``<name>.sealed``, read back and compared before the plain file goes) and the login
    goes on; stopped midway, the plain file stays as it was and the next login finishes."""
    import os

    _plant_plain(folder)
    (damaged,) = backup.list_backups(folder.backups)
    content = _damage(damaged.path)
    sealed = damaged.path.with_name(damaged.path.name + ".sealed")
    if stopped:
        real = os.replace

        def cut(src: Any, dst: Any) -> None:
            if str(dst).endswith(".sealed"):
                raise OSError("killed")
            real(src, dst)

        monkeypatch.setattr(os, "replace", cut)
        with pytest.raises(OSError, match="killed"):
            _online(_access(folder), server)
        monkeypatch.undo()
        assert damaged.path.read_bytes() == content and not sealed.exists()
    session = _online(_access(folder), server)
    assert isinstance(session, Session), session
    session.db.close()
    assert not damaged.path.exists()
    assert _sealed_content(sealed, session.db.key) == content
    for path, data in _files(folder).items():
        assert not data.startswith(b"SQLite format 3"), path
        assert NIK.encode() not in data, path
    again = _online(_access(folder), server)
    assert isinstance(again, Session), again
    again.db.close()
