"""An operator changes its own password (``Services.change_password``,
``Access.change_password``): the server first, then what opens the data here, so that
after a restart the new password opens it offline and the old one does not, and no
stop in between locks the operator out.

The server is the real app in-process (tests/unit/sync/harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.services import Services
from silon_desktop.services.access import Access, Session, new_password_problem
from silon_desktop.storage import keyfile
from sync import credentials
from tests.unit.services.test_access import _access, _offline, _online
from tests.unit.sync.harness import PASSWORD, AsgiTransport, InProcessServer

NEW = "sandi-baru-3214"


def _working(folder: paths.AppPaths, server: InProcessServer) -> tuple[Session, Services]:
    access = _access(folder)
    session = _online(access, server)
    assert isinstance(session, Session) and session.token
    backend = Services(folder, access.settings, session.db, access=access)
    backend.start_session(session)
    return session, backend


def _change(
    backend: Services, server: InProcessServer, current: str, new: str, *faults: str
) -> int:
    """``backend.change_password`` over the in-process server (``faults``: the
    transport's, one per call: the reachability check, then the change)."""
    transport = AsgiTransport(server.app)
    transport.set_token(backend._token)
    transport.faults = list(faults)
    backend._transport = lambda: transport  # type: ignore[method-assign]
    backend.check_online = lambda timeout_s=3.0: True  # type: ignore[method-assign]
    return backend.change_password(current, new)


def _opens_offline(folder: paths.AppPaths, server: InProcessServer, password: str) -> bool:
    """A restart, then an offline login with ``password``: whether the data opens."""
    result = _offline(_access(folder), server, password)
    if isinstance(result, Session):
        result.db.close()
        return True
    return False


def test_after_a_restart_the_new_password_opens_the_data_offline_and_the_old_does_not(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    session, backend = _working(folder, server)
    assert _change(backend, server, PASSWORD, NEW) == 0
    assert credentials.verify_offline(session.db, "op1", NEW) is not None
    assert credentials.verify_offline(session.db, "op1", PASSWORD) is None
    session.db.close()
    assert keyfile.KeyFile.load(folder.data).pending == {}
    assert _opens_offline(folder, server, NEW)
    refused = _offline(_access(folder), server, PASSWORD)
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_OFFLINE_REFUSED
    online = _online(_access(folder), server, NEW)  # the server took it too
    assert isinstance(online, Session), online
    online.db.close()


def test_a_stop_between_the_servers_yes_and_the_rewrap_locks_nobody_out(
    server: InProcessServer, folder: paths.AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the server took the new password, before ``silon.key`` said so:
    both passwords open the data offline, and the next online login (the server knows
    only the new one) settles it."""

    class Killed(BaseException):
        pass

    def killed(_self: Access, _user: str) -> None:
        raise Killed()

    session, backend = _working(folder, server)
    monkeypatch.setattr(Access, "settle_password_change", killed)
    with pytest.raises(Killed):
        _change(backend, server, PASSWORD, NEW)
    monkeypatch.undo()
    session.db.close()
    assert set(keyfile.KeyFile.load(folder.data).pending) == {"op1"}
    assert _opens_offline(folder, server, NEW)
    assert _opens_offline(folder, server, PASSWORD)
    settled = _online(_access(folder), server, NEW)
    assert isinstance(settled, Session), settled
    settled.db.close()
    assert keyfile.KeyFile.load(folder.data).pending == {}
    assert _opens_offline(folder, server, NEW)
    assert not _opens_offline(folder, server, PASSWORD)


def test_a_lost_answer_keeps_both_until_the_next_online_login(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """The server changed the password, its answer never came: the operator is told it
    is not sure, and the new password opens the data, offline and online."""
    session, backend = _working(folder, server)
    with pytest.raises(CodedError) as unsure:
        _change(backend, server, PASSWORD, NEW, "", "response")
    assert unsure.value.code is ErrorCode.PASSWORD_CHANGE_UNSURE
    session.db.close()
    assert _opens_offline(folder, server, NEW)
    settled = _online(_access(folder), server, NEW)
    assert isinstance(settled, Session), settled
    settled.db.close()
    assert not _opens_offline(folder, server, PASSWORD)


def test_a_change_the_server_never_got_drops_the_new_password_and_locks_nothing(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """The request lost on its way: the new password, refused at the next online login,
    is forgotten here; that refusal is not taken for a revocation (the old one still
    opens the data, offline too)."""
    session, backend = _working(folder, server)
    with pytest.raises(CodedError) as unsure:
        _change(backend, server, PASSWORD, NEW, "", "request")
    assert unsure.value.code is ErrorCode.PASSWORD_CHANGE_UNSURE
    session.db.close()
    refused = _online(_access(folder), server, NEW)
    assert not isinstance(refused, Session)
    assert refused.error is not None and refused.error.code is ErrorCode.LOGIN_WRONG_CREDENTIALS
    assert keyfile.KeyFile.load(folder.data).pending == {}
    assert not _opens_offline(folder, server, NEW)
    assert _opens_offline(folder, server, PASSWORD)


def test_a_wrong_current_password_or_no_connection_changes_nothing_here(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    session, backend = _working(folder, server)
    key_file = keyfile.KeyFile.path_in(folder.data)
    before = key_file.read_bytes()
    with pytest.raises(CodedError) as offline:
        _change(backend, server, PASSWORD, NEW, "request")
    assert offline.value.code is ErrorCode.PASSWORD_CHANGE_OFFLINE
    assert key_file.read_bytes() == before  # nothing written before the server answers
    with pytest.raises(CodedError) as wrong:
        _change(backend, server, "bukan-sandinya", NEW)
    assert wrong.value.code is ErrorCode.PASSWORD_WRONG_CURRENT
    assert keyfile.KeyFile.load(folder.data).pending == {}
    assert credentials.verify_offline(session.db, "op1", PASSWORD) is not None
    session.db.close()
    assert not _opens_offline(folder, server, NEW)
    assert _opens_offline(folder, server, PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "repeated", "code"),
    [
        ("", NEW, NEW, ErrorCode.PASSWORD_CURRENT_EMPTY),
        (PASSWORD, "pendek", "pendek", ErrorCode.PASSWORD_TOO_SHORT),
        (PASSWORD, "x" * 257, "x" * 257, ErrorCode.PASSWORD_TOO_LONG),
        (PASSWORD, NEW, NEW + "!", ErrorCode.PASSWORD_MISMATCH),
        (PASSWORD, PASSWORD, PASSWORD, ErrorCode.PASSWORD_SAME),
    ],
)
def test_the_fields_are_refused_before_the_server_is_asked(
    current: str, new: str, repeated: str, code: ErrorCode
) -> None:
    problem = new_password_problem(current, new, repeated)
    assert problem is not None and problem.code is code
    assert new_password_problem(PASSWORD, NEW, NEW) is None


def test_an_account_revoked_meanwhile_is_told_as_a_revocation(
    server: InProcessServer, folder: paths.AppPaths
) -> None:
    """The change is a contact with the server like a sync: an account disabled since
    the login is answered ``ACCESS_REVOKED`` (the window then locks), and nothing of the
    new password is kept here."""
    from sync.server import models
    from sync.server.accounts import change_user

    session, backend = _working(folder, server)
    change_user(server.engine, server.config, None, "op1", models.UserChange(active=False))
    with pytest.raises(CodedError) as revoked:
        _change(backend, server, PASSWORD, NEW)
    assert revoked.value.code is ErrorCode.ACCESS_REVOKED
    assert keyfile.KeyFile.load(folder.data).pending == {}
    session.db.close()


def test_a_reset_by_an_administrator_meanwhile_is_told_as_such(
    server: InProcessServer, folder: paths.AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server answers 409 ``password_changed_meanwhile`` when an administrator reset
    the password while the current one was checked: the operator reads that, not "Server
    menolak permintaan.", and nothing of the new password is kept here."""
    from silon_desktop.domain.wording import say
    from sync.server import auth, models
    from sync.server.accounts import change_user

    real = auth.hash_password
    resets: list[str] = []

    def reset_meanwhile(password: str) -> str:
        if not resets:  # the administrator's reset, between the check and the write
            resets.append(password)
            change_user(
                server.engine, server.config, None, "op1", models.UserChange(password=NEW + "x")
            )
        return real(password)

    session, backend = _working(folder, server)
    monkeypatch.setattr(auth, "hash_password", reset_meanwhile)
    with pytest.raises(CodedError) as meanwhile:
        _change(backend, server, PASSWORD, NEW)
    assert resets, "the reset ran inside the change"
    assert meanwhile.value.code is ErrorCode.PASSWORD_CHANGED_MEANWHILE
    assert "administrator" in say(meanwhile.value.code)
    assert keyfile.KeyFile.load(folder.data).pending == {}
    session.db.close()


@pytest.mark.parametrize(
    ("current", "new", "code"),
    [
        (PASSWORD, "pendek", ErrorCode.PASSWORD_NEW_REFUSED),
        ("", NEW, ErrorCode.PASSWORD_CURRENT_REFUSED),
    ],
)
def test_a_field_the_server_refuses_is_named(
    server: InProcessServer, folder: paths.AppPaths, current: str, new: str, code: ErrorCode
) -> None:
    """A server whose rule for a password differs from this version's answers 422
    ``invalid_request`` naming the key (here this version's own check is passed by,
    as a stricter server's rule would be): the operator reads which field."""
    from silon_desktop.domain.wording import say
    from sync.transport import ServerRefused

    session, backend = _working(folder, server)
    transport = AsgiTransport(server.app)
    transport.set_token(backend._token)
    assert backend.access is not None
    with pytest.raises(ServerRefused) as refused:
        try:
            backend.access.change_password("op1", current, new, transport=transport, db=session.db)
        finally:
            transport.close()
    assert refused.value.status == 422
    assert refused.value.code is code
    field = "Kata sandi baru" if code is ErrorCode.PASSWORD_NEW_REFUSED else "Kata sandi sekarang"
    assert say(code).startswith(field + ":")
    assert keyfile.KeyFile.load(folder.data).pending == {}
    session.db.close()


def test_a_practice_account_keeps_the_password_on_its_desk_card(
    folder: paths.AppPaths, tmp_path: Path
) -> None:
    """A Bimtek room's laptops are shared and each desk card prints the practice
    password: a trainee who changed it locked the next group at that laptop out. A
    training server refuses the change (the trainer resets the room's passwords), the
    desktop says so in Indonesian, and the card's password still opens, here and there."""
    from sync.server.training import PASSWORD as PRACTICE
    from tests.unit.services.test_access import _training_room

    with _training_room(tmp_path, desks=1) as transport:
        access = _access(folder)
        session = access.login("latih01", PRACTICE, transport=transport)
        assert isinstance(session, Session), session
        backend = Services(folder, access.settings, session.db, access=access)
        backend.start_session(session)
        own = AsgiTransport(transport.app)  # the change closes its transport
        own.set_token(backend._token)
        backend._transport = lambda: own  # type: ignore[method-assign]
        backend.check_online = lambda timeout_s=3.0: True  # type: ignore[method-assign]
        with pytest.raises(CodedError) as refused:
            backend.change_password(PRACTICE, NEW)
        assert refused.value.code is ErrorCode.PASSWORD_PRACTICE
        assert "pelatih" in refused.value.message and "LATIHAN" in refused.value.message
        assert keyfile.KeyFile.load(folder.data).pending == {}
        assert credentials.verify_offline(session.db, "latih01", PRACTICE) is not None
        session.db.close()
        again = _access(folder).login("latih01", PRACTICE, transport=transport)
        assert isinstance(again, Session), again
        again.db.close()
