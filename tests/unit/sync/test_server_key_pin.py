"""The server's signing key is pinned at the first online login; a later login to a
server with another key is refused, except a reset training server for practice data."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.domain.errors import ErrorCode
from sync import credentials
from sync.client import SyncEngine
from sync.client.login import ServerKeyChanged, login
from sync.client.state import CURSOR_KEY, SERVER_KEY, get_state, set_state
from sync.client.training import TRAINING_ID
from sync.transport import ServerRefused
from tests.unit.sync.harness import PASSWORD, SCOPE, Client, InProcessServer, seed_pair


class TrainingRoom:
    """The in-process server answering ``GET /v1/training`` as a training server does."""

    def __init__(self, inner: Any, training_id: str = "sesi-baru") -> None:
        self.inner = inner
        self.training_id = training_id

    def call(self, method: str, path: str, *args: Any, **kw: Any) -> Any:
        if path == "/v1/training":
            return {"training_id": self.training_id}
        return self.inner.call(method, path, *args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _pinned(client: Client) -> str:
    with client.db.session(readonly=True) as session:
        return get_state(session.connection(), SERVER_KEY)


def test_a_login_to_a_server_with_another_key_is_refused(
    make_client: Callable[..., Client], server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = make_client("a")
    login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    assert _pinned(a) == server.public_key
    token = credentials.TokenStore(a.settings.server_url, "op1").get()
    server.sign_with_another_key(monkeypatch)
    with pytest.raises(ServerKeyChanged) as refused:
        login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    assert refused.value.code is ErrorCode.LOGIN_SERVER_KEY_CHANGED
    assert "admin" in refused.value.message
    assert _pinned(a) != server.app.state.server.public_key  # the first key stays
    assert credentials.TokenStore(a.settings.server_url, "op1").get() == token


@pytest.mark.parametrize("synced", [True, False], ids=["synced", "never-synced"])
def test_practice_data_follows_a_reset_training_server_to_its_new_key(
    make_client: Callable[..., Client],
    server: InProcessServer,
    monkeypatch: pytest.MonkeyPatch,
    synced: bool,
) -> None:
    a = make_client("a")
    room = TrainingRoom(a.transport, "sesi-1")
    login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=room)  # type: ignore[arg-type]
    if synced:  # what the first sync with the training server keeps
        with a.db.engine.begin() as conn:
            set_state(conn, TRAINING_ID, "sesi-1")
            set_state(conn, CURSOR_KEY, "5")
    room.training_id = "sesi-2"  # silon-server training reset: a new id and a new key
    new = server.sign_with_another_key(monkeypatch)
    login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=room)  # type: ignore[arg-type]
    assert _pinned(a) == new


def test_real_data_does_not_follow_a_server_that_says_it_is_a_training_one(
    make_client: Callable[..., Client], server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = make_client("a")
    login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    with a.db.engine.begin() as conn:
        set_state(conn, CURSOR_KEY, "5")  # real data pulled from the real server
    server.sign_with_another_key(monkeypatch)
    with pytest.raises(ServerKeyChanged):
        login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=TrainingRoom(a.transport))  # type: ignore[arg-type]


def test_the_login_command_says_the_key_changed_and_exits_1_not_wrong_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from silon_desktop.commands import login_cmd
    from silon_desktop.services.access import Access
    from silon_desktop.services.results import LoginOutcome

    refusal = ServerKeyChanged(server="https://silon.kpu.go.id")
    monkeypatch.setattr(Access, "login", lambda *_a, **_k: LoginOutcome(False, True, refusal))
    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    args = argparse.Namespace(data_dir=str(tmp_path), server=None, verbose=False, user="op1")
    assert login_cmd.run(args) == 1  # 4 tells a script the password was wrong
    assert capsys.readouterr().err.strip() == refusal.message


def test_the_sync_command_logging_in_first_says_the_key_changed_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from silon_desktop.commands import sync_cmd
    from silon_desktop.config import Settings
    from silon_desktop.services.access import Access
    from silon_desktop.services.results import LoginOutcome
    from silon_desktop.storage.db import open_database

    open_database(tmp_path / "silon.db").close()  # an older version's plain database
    Settings(username="op1").save(tmp_path / "settings.json")
    refusal = ServerKeyChanged(server="https://silon.kpu.go.id")
    monkeypatch.setattr(Access, "login", lambda *_a, **_k: LoginOutcome(False, True, refusal))
    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    args = argparse.Namespace(data_dir=str(tmp_path), server=None, verbose=False, quiet=True)
    assert sync_cmd.run(args) == sync_cmd.EXIT_ERROR  # not "log in again" (4)
    said = capsys.readouterr().err
    assert refusal.message in said and "Silakan masuk lagi" not in said


def test_a_sync_with_a_server_that_changed_its_key_sends_and_takes_nothing(
    make_client: Callable[..., Client], server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session carried on with a saved token (no login: the app resumed, the sync
    command) meets a server with another key: the run stops before its push and pull."""
    a, b = make_client("a"), make_client("b")
    login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    pinned = _pinned(a)
    seed_pair(b)  # records a must not take from the server it finds next
    server.sign_with_another_key(monkeypatch)
    mine = a.repo.create(
        "election",
        {"name": "Pemilihan Uji", "kind": "bupati", "region_code": SCOPE, "year": 2024},
        SCOPE,
    )
    report = a.sync()
    assert report.failure is not None
    assert report.failure.error.code is ErrorCode.SYNC_SERVER_KEY_CHANGED
    assert "inproc://server" in report.error
    assert not report.pushed and not report.pulled
    assert [key for key in a.records() if key[0] == "pair"] == []
    assert ("election", mine) not in server.records()  # still waiting here
    assert a.engine().run().failure is not None  # every run, not the first only
    assert _pinned(a) == pinned


class KeyWithheld:
    """The server answers everything but its signing key (a proxy in between that
    hides it, so the key is never compared)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def call(self, method: str, path: str, *args: Any, **kw: Any) -> Any:
        if path == "/v1/server-key":
            raise ServerRefused("withheld", status=404)
        return self.inner.call(method, path, *args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_login_to_a_server_that_withholds_its_key_once_one_is_pinned_is_refused(
    make_client: Callable[..., Client], server: InProcessServer
) -> None:
    a = make_client("a")
    login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    token = credentials.TokenStore(a.settings.server_url, "op1").get()
    with pytest.raises(ServerKeyChanged) as refused:
        login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=KeyWithheld(a.transport))  # type: ignore[arg-type]
    assert refused.value.code is ErrorCode.LOGIN_SERVER_KEY_UNCHECKED
    assert "inproc://server" in refused.value.message
    assert credentials.TokenStore(a.settings.server_url, "op1").get() == token  # nothing kept
    assert _pinned(a) == server.public_key


def test_a_first_login_whose_key_cannot_be_read_still_stands(
    make_client: Callable[..., Client], server: InProcessServer
) -> None:
    """Nothing pinned yet: nothing to compare with (the first sync pins the key)."""
    a = make_client("a")
    result = login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=KeyWithheld(a.transport))  # type: ignore[arg-type]
    assert result.online and _pinned(a) == ""


class KeyRewritten:
    """A man in the middle that rewrites the server's key answer (``GET /v1/server-key``)
    with ``rewrite`` and relays everything else as it is."""

    def __init__(self, inner: Any, rewrite: Callable[[dict[str, Any]], None]) -> None:
        self.inner = inner
        self.rewrite = rewrite

    def call(self, method: str, path: str, *args: Any, **kw: Any) -> Any:
        answer = self.inner.call(method, path, *args, **kw)
        if path == "/v1/server-key":
            self.rewrite(answer)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _hands_back(pinned: str) -> Callable[[dict[str, Any]], None]:
    """Another server (it holds its own key and proves it) that answers the pinned key."""
    from sync import signing

    def rewrite(answer: dict[str, Any]) -> None:
        answer["public_key"] = pinned
        answer["key_id"] = signing.key_id(pinned)

    return rewrite


def _own_box_key(answer: dict[str, Any]) -> None:
    from sync import sealed

    answer["box_key"] = sealed.public_b64(sealed.generate_key())


def _no_proof(answer: dict[str, Any]) -> None:
    answer.pop("proof", None)


def _pinned_box(client: Client) -> str:
    from sync.client.state import SERVER_BOX_KEY

    with client.db.session(readonly=True) as session:
        return get_state(session.connection(), SERVER_BOX_KEY)


@pytest.mark.parametrize("rewrite", ["hands back the pinned key", "own box key", "no proof"])
def test_a_login_whose_key_answer_the_pinned_key_did_not_prove_is_refused(
    make_client: Callable[..., Client],
    server: InProcessServer,
    monkeypatch: pytest.MonkeyPatch,
    rewrite: str,
) -> None:
    """The pinned key handed back by another server, a box key put beside the real
    key, or the proof taken out: the answer is not the pinned key's word."""
    a = make_client("a")
    login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=a.transport)
    pinned, box = _pinned(a), _pinned_box(a)
    assert pinned == server.public_key and box
    token = credentials.TokenStore(a.settings.server_url, "op1").get()
    if rewrite == "hands back the pinned key":
        server.sign_with_another_key(monkeypatch)
    how = {"hands back the pinned key": _hands_back(pinned), "own box key": _own_box_key}
    mitm = KeyRewritten(a.transport, how.get(rewrite, _no_proof))
    with pytest.raises(ServerKeyChanged) as refused:
        login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=mitm)  # type: ignore[arg-type]
    assert refused.value.code is ErrorCode.LOGIN_SERVER_KEY_UNPROVEN
    assert "inproc://server" in refused.value.message
    assert credentials.TokenStore(a.settings.server_url, "op1").get() == token  # nothing kept
    assert (_pinned(a), _pinned_box(a)) == (pinned, box)
    report = SyncEngine(a.db, a.settings, mitm).run()  # type: ignore[arg-type]
    assert report.failure is not None
    assert report.failure.error.code is ErrorCode.SYNC_SERVER_KEY_UNPROVEN
    assert (_pinned(a), _pinned_box(a)) == (pinned, box)


def test_a_first_login_to_a_server_that_proves_no_key_stands_and_pins_nothing(
    make_client: Callable[..., Client], server: InProcessServer
) -> None:
    """An older server (no proof): nothing pinned yet, so nothing to refuse, and its
    unproved keys are not kept (receipts wait unverified, as for a key not read)."""
    a = make_client("a")
    plain = KeyRewritten(a.transport, _no_proof)
    result = login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=plain)  # type: ignore[arg-type]
    assert result.online and (_pinned(a), _pinned_box(a)) == ("", "")
    assert SyncEngine(a.db, a.settings, plain).run().failure is None  # type: ignore[arg-type]
    assert (_pinned(a), _pinned_box(a)) == ("", "")
    assert a.sync().failure is None  # the server proves its keys: pinned now
    assert (_pinned(a), _pinned_box(a)) == (
        server.public_key,
        server.app.state.server.box_public_key,
    )


def test_a_first_login_whose_box_key_was_swapped_is_refused_and_pins_nothing(
    make_client: Callable[..., Client], server: InProcessServer
) -> None:
    a = make_client("a")
    mitm = KeyRewritten(a.transport, _own_box_key)
    with pytest.raises(ServerKeyChanged) as refused:
        login(a.db, a.settings, a.folder, "op1", PASSWORD, transport=mitm)  # type: ignore[arg-type]
    assert refused.value.code is ErrorCode.LOGIN_SERVER_KEY_UNPROVEN
    assert (_pinned(a), _pinned_box(a)) == ("", "")
