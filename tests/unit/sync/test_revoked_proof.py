"""The server's proof of a ``401 revoked`` (``sync.protocol.revoked_body``): what is
signed, that the server's answer carries it (the route's refusal and the body
middleware's alike), and that the desktop takes it for the pinned key's word about
the token it sent, and for nothing else."""

from __future__ import annotations

import hashlib

import pytest

from silon_desktop.domain.errors import ErrorCode
from sync import signing
from sync.client.api import ServerApi
from sync.protocol import (
    KEY_PROOF_DOMAIN,
    LOGIN_PROOF_DOMAIN,
    REVOKED_DOMAIN,
    revoked_body,
    token_sha256,
)
from sync.server.accounts import change_user
from sync.server.models import UserChange
from sync.transport import AuthExpired, Revoked, decode_answer
from tests.unit.sync.harness import PASSWORD, AsgiTransport, InProcessServer


def test_the_signed_message_is_domain_separated_and_names_the_token_by_its_digest() -> None:
    body = revoked_body(token_sha256("rahasia-token"), "account_disabled")
    assert body == {
        "domain": "silon-revoked-v1",
        "token_sha256": hashlib.sha256(b"rahasia-token").hexdigest(),
        "reason": "account_disabled",
    }
    assert signing.canonical_json(body) == (
        b'{"domain":"silon-revoked-v1","reason":"account_disabled","token_sha256":"'
        + hashlib.sha256(b"rahasia-token").hexdigest().encode()
        + b'"}'
    )
    assert REVOKED_DOMAIN not in (KEY_PROOF_DOMAIN, LOGIN_PROOF_DOMAIN)
    assert b"rahasia" not in signing.canonical_json(body)


def _revoked(answer: object, token: str | None = "tok-1") -> Revoked:
    import orjson

    with pytest.raises(Revoked) as refused:
        decode_answer(401, "", None, orjson.dumps(answer), f"Bearer {token}" if token else None)
    return refused.value


def test_a_revocation_is_proven_by_the_pinned_key_for_the_token_sent_and_only_so() -> None:
    key = signing.generate_private_key()
    pinned = signing.public_key_b64(key)
    proof = signing.sign(key, revoked_body(token_sha256("tok-1"), "device_revoked"))
    answer = {"error": "revoked", "message": "m", "reason": "device_revoked", "proof": proof}
    assert _revoked(answer).proven(pinned)
    assert not _revoked(answer, token="tok-2").proven(pinned)  # another session's proof
    assert not _revoked(answer, token=None).proven(pinned)  # no token sent: nothing to bind
    assert not _revoked(answer).proven("")  # nothing pinned: nobody's word
    assert not _revoked(answer).proven(signing.public_key_b64(signing.generate_private_key()))
    assert not _revoked({**answer, "reason": "password_changed"}).proven(pinned)
    assert not _revoked({k: v for k, v in answer.items() if k != "proof"}).proven(pinned)
    assert not _revoked({"error": "revoked", "message": "m"}).proven(pinned)  # older server
    assert not _revoked({**answer, "proof": 7}).proven(pinned)
    assert not _revoked({**answer, "reason": None}).proven(pinned)
    # a proof of another domain by the same key (a login answer's) is not one
    login_like = {**revoked_body(token_sha256("tok-1"), "device_revoked"), "domain": "x"}
    assert not _revoked({**answer, "proof": signing.sign(key, login_like)}).proven(pinned)


def _disabled_session(server: InProcessServer) -> tuple[AsgiTransport, str]:
    server.add_user("op9")
    transport = AsgiTransport(server.app)
    answer = ServerApi(transport).login("op9", PASSWORD, "pc-9", None)
    transport.set_token(answer.token)
    change_user(server.engine, server.config, None, "op9", UserChange(active=False))
    return transport, answer.token


def test_the_server_signs_its_revocation_over_the_refused_token(server: InProcessServer) -> None:
    transport, token = _disabled_session(server)
    try:
        with pytest.raises(Revoked) as refused:
            transport.call("GET", "/v1/feed", params={"after": ""})
    finally:
        transport.close()
    answer = refused.value.answer
    assert answer["reason"] == "account_disabled"
    body = revoked_body(token_sha256(token), "account_disabled")
    assert signing.verify(server.public_key, body, answer["proof"])
    assert refused.value.proven(server.public_key)


def test_the_body_middlewares_revocation_is_signed_too(server: InProcessServer) -> None:
    """A body over the anonymous limit has its token checked before the route: its
    ``401 revoked`` is answered there, and signed as the route's."""
    from sync.server.middleware import PUBLIC_MAX_BYTES

    transport, _token = _disabled_session(server)
    big = {"batch_id": "b", "device_id": "pc-9", "mutations": [], "pad": "x" * PUBLIC_MAX_BYTES}
    try:
        with pytest.raises(Revoked) as refused:
            transport.call("POST", "/v1/push", body=big)
    finally:
        transport.close()
    assert refused.value.answer["reason"] == "account_disabled"
    assert refused.value.proven(server.public_key)


def test_an_unproven_revocation_is_a_session_that_cannot_go_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the sync run and the password change make of a refusal
    (``sync.client.login.revocation_stands``): proven, the lock; not, log in again."""
    from sync.client import login

    key = signing.generate_private_key()
    monkeypatch.setattr(login, "_pinned_key", lambda _db: signing.public_key_b64(key))
    db = object()  # read only through _pinned_key
    proof = signing.sign(key, revoked_body(token_sha256("tok-1"), "account_disabled"))
    genuine = _revoked({"error": "revoked", "reason": "account_disabled", "proof": proof})
    assert login.revocation_stands(db, genuine) is genuine  # type: ignore[arg-type]
    unsigned = login.revocation_stands(db, _revoked({"error": "revoked", "message": "m"}))  # type: ignore[arg-type]
    assert isinstance(unsigned, AuthExpired) and not isinstance(unsigned, Revoked)
    assert unsigned.code is ErrorCode.SYNC_REVOKED_UNPROVEN
    assert "tidak dikunci" in unsigned.message
    other = AuthExpired("expired", status=401)
    assert login.revocation_stands(db, other) is other  # type: ignore[arg-type]
