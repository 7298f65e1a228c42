"""The server's proof of a refused login (``sync.protocol.login_refused_body``): what is
signed, that the refusals the desktop locks on carry it (a wrong password, a disabled
or removed account, a reserved name) while a throttled login does not, and that the
desktop takes it for the pinned key's word about its own request (nonce, user name,
reason) and for nothing else."""

from __future__ import annotations

import pytest

from sync import signing
from sync.client.api import ServerApi
from sync.protocol import (
    KEY_PROOF_DOMAIN,
    LOGIN_PROOF_DOMAIN,
    LOGIN_REFUSED_DOMAIN,
    REVOKED_DOMAIN,
    login_refused_body,
)
from sync.server.accounts import change_user
from sync.server.models import UserChange
from sync.transport import AuthExpired, Forbidden, LoginRefusal, TransportError
from tests.unit.sync.harness import PASSWORD, AsgiTransport, InProcessServer


def test_the_signed_message_is_domain_separated_and_names_the_request() -> None:
    body = login_refused_body("bm9uY2UtMTIzNDU2Nzg5MA==", "op1", "bad_credentials")
    assert body == {
        "domain": "silon-login-refused-v1",
        "nonce": "bm9uY2UtMTIzNDU2Nzg5MA==",
        "username": "op1",
        "reason": "bad_credentials",
    }
    assert signing.canonical_json(body) == (
        b'{"domain":"silon-login-refused-v1","nonce":"bm9uY2UtMTIzNDU2Nzg5MA==",'
        b'"reason":"bad_credentials","username":"op1"}'
    )
    assert LOGIN_REFUSED_DOMAIN not in (KEY_PROOF_DOMAIN, LOGIN_PROOF_DOMAIN, REVOKED_DOMAIN)


def test_a_refusal_is_proven_by_the_pinned_key_for_this_request_and_only_so() -> None:
    key = signing.generate_private_key()
    pinned = signing.public_key_b64(key)
    proof = signing.sign(key, login_refused_body("n-1", "op1", "bad_credentials"))
    refusal = LoginRefusal("n-1", "op1", "bad_credentials", proof)
    assert refusal.proven(pinned)
    assert not LoginRefusal("n-2", "op1", "bad_credentials", proof).proven(pinned)  # replayed
    assert not LoginRefusal("n-1", "op2", "bad_credentials", proof).proven(pinned)
    assert not LoginRefusal("n-1", "op1", "reserved_username", proof).proven(pinned)
    assert not LoginRefusal("n-1", "op1", "bad_credentials", "").proven(pinned)  # unsigned
    assert not LoginRefusal("", "op1", "bad_credentials", proof).proven(pinned)
    assert not refusal.proven("")  # nothing pinned: nobody's word
    assert not refusal.proven(None)
    assert not refusal.proven(signing.public_key_b64(signing.generate_private_key()))
    # the same key's signature of another domain (a revocation's) is not one
    other = {**login_refused_body("n-1", "op1", "bad_credentials"), "domain": REVOKED_DOMAIN}
    assert not LoginRefusal("n-1", "op1", "bad_credentials", signing.sign(key, other)).proven(
        pinned
    )


def _refused(server: InProcessServer, username: str, password: str) -> TransportError:
    transport = AsgiTransport(server.app)
    try:
        with pytest.raises(TransportError) as refused:
            ServerApi(transport).login(username, password, "pc-9", None)
    finally:
        transport.close()
    return refused.value


def test_the_server_signs_the_refusals_the_desktop_locks_on(server: InProcessServer) -> None:
    server.add_user("op9")
    wrong = _refused(server, "op9", "bukan-sandinya-1")
    assert isinstance(wrong, AuthExpired)
    assert wrong.login_refusal is not None and wrong.login_refusal.reason == "bad_credentials"
    assert wrong.login_refusal.username == "op9" and wrong.login_refusal.nonce
    assert wrong.login_refusal.proven(server.public_key)

    change_user(server.engine, server.config, None, "op9", UserChange(active=False))
    disabled = _refused(server, "op9", PASSWORD)  # the right password, the account disabled
    assert disabled.login_refusal is not None
    assert disabled.login_refusal.proven(server.public_key)
    assert _refused(server, "nobody", PASSWORD).login_refusal.proven(server.public_key)  # type: ignore[union-attr]

    server.add_user("op8")
    from sync.server.schema import users

    with server.engine.begin() as conn:  # a name an older server let through
        conn.execute(users.update().where(users.c.username == "op8").values(username="admin"))
    reserved = _refused(server, "admin", PASSWORD)
    assert isinstance(reserved, Forbidden)
    assert reserved.login_refusal is not None
    assert reserved.login_refusal.reason == "reserved_username"
    assert reserved.login_refusal.proven(server.public_key)


def test_a_throttled_login_carries_no_proof(server: InProcessServer) -> None:
    """Too many wrong passwords: the ``429`` is no refusal of the account; nothing signs it
    (the desktop never locks on it)."""
    server.add_user("op7")
    for _ in range(server.config.lockout_failures + 2):
        error = _refused(server, "op7", "bukan-sandinya-1")
        if error.status == 429:
            break
        assert error.login_refusal is not None  # a wrong password: signed
    else:
        pytest.fail("never throttled")
    assert error.login_refusal is None
    throttled = _refused(server, "op7", PASSWORD)  # the right one too, while throttled
    assert throttled.status == 429 and throttled.login_refusal is None
