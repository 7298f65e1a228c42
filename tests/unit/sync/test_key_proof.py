"""The server's proofs (``GET /v1/server-key?nonce=``, ``POST /v1/auth/login?nonce=``):
what is signed, byte for byte, and that an answer is proved for its nonce only."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace

import pytest

from sync import signing
from sync.client.api import KeyUnproven, ServerApi, ServerKeys
from sync.protocol import (
    KEY_NONCE_BYTES,
    KEY_PROOF_DOMAIN,
    LOGIN_PROOF_DOMAIN,
    key_proof_body,
    login_proof_body,
    new_key_nonce,
)
from tests.unit.sync.harness import PASSWORD, AsgiTransport, InProcessServer


def test_the_signed_message_is_domain_separated_canonical_json_of_the_nonce_and_keys() -> None:
    body = key_proof_body("bm9uY2U=", "cHVi", "0123abcd", "Ym94")
    assert signing.canonical_json(body) == (
        b'{"box_key":"Ym94","domain":"silon-server-key-v1","key_id":"0123abcd",'
        b'"nonce":"bm9uY2U=","public_key":"cHVi"}'
    )
    assert KEY_PROOF_DOMAIN == "silon-server-key-v1"
    # a receipt body (batch_id, results ...) or a manifest never has these very keys
    assert set(body) == {"domain", "nonce", "public_key", "key_id", "box_key"}


def test_a_nonce_is_fresh_random_bytes_in_base64() -> None:
    nonces = {new_key_nonce() for _ in range(50)}
    assert len(nonces) == 50
    assert all(len(base64.b64decode(n, validate=True)) == KEY_NONCE_BYTES for n in nonces)


def test_a_proof_holds_for_its_nonce_and_keys_and_for_nothing_else() -> None:
    key = signing.generate_private_key()
    public = signing.public_key_b64(key)
    body = key_proof_body("bm9uY2UtMQ==", public, signing.key_id(key), "Ym94")
    proof = signing.sign(key, body)
    assert signing.verify(public, body, proof)
    for field, other in [("nonce", "bm9uY2UtMg=="), ("box_key", "b3RoZXI="), ("key_id", "x")]:
        assert not signing.verify(public, {**body, field: other}, proof), field
    assert not signing.verify(signing.public_key_b64(signing.generate_private_key()), body, proof)


def test_the_server_answers_a_proof_over_the_nonce_it_was_sent(server: InProcessServer) -> None:
    transport = AsgiTransport(server.app)
    try:
        state = server.app.state.server
        nonce = new_key_nonce()
        answer = transport.call("GET", "/v1/server-key", params={"nonce": nonce}, auth=False)
        body = key_proof_body(nonce, state.public_key, state.key_id, state.box_public_key)
        assert answer["box_key"] == state.box_public_key != ""
        assert signing.verify(state.public_key, body, answer["proof"])
        other = key_proof_body(
            new_key_nonce(), state.public_key, state.key_id, state.box_public_key
        )
        assert not signing.verify(state.public_key, other, answer["proof"])  # not replayable
        assert transport.call("GET", "/v1/server-key", auth=False)["proof"] == ""  # no nonce
        keys = ServerApi(transport).server_keys()
        assert keys == ServerKeys(state.public_key, state.box_public_key)
    finally:
        transport.close()


class Replayed:
    """A man in the middle answering every key request with one answer it recorded."""

    def __init__(self, recorded: dict[str, object]) -> None:
        self.recorded = recorded

    def call(self, *_args: object, **_kw: object) -> dict[str, object]:
        return dict(self.recorded)


def test_an_answer_recorded_for_another_nonce_is_not_a_proof(server: InProcessServer) -> None:
    transport = AsgiTransport(server.app)
    try:
        recorded = transport.call(
            "GET", "/v1/server-key", params={"nonce": new_key_nonce()}, auth=False
        )
    finally:
        transport.close()
    with pytest.raises(KeyUnproven) as unproven:
        ServerApi(Replayed(recorded)).server_keys()  # type: ignore[arg-type]
    assert not unproven.value.absent


@pytest.mark.parametrize("nonce", ["short", "x" * 65, "not base64 !"])
def test_the_server_refuses_a_nonce_it_would_not_sign(server: InProcessServer, nonce: str) -> None:
    from sync.transport import ServerRefused

    transport = AsgiTransport(server.app)
    try:
        with pytest.raises(ServerRefused) as refused:
            transport.call("GET", "/v1/server-key", params={"nonce": nonce}, auth=False)
    finally:
        transport.close()
    assert refused.value.status == 422


def test_the_login_proof_signs_the_fields_acted_on_and_only_digests_of_secrets() -> None:
    body = login_proof_body(
        "bm9uY2U=",
        username="op1",
        device_id="pc-1",
        role="kabkota",
        region="32.14",
        read_rules="1 32.14",
        offline_days=7,
        token="rahasia-token",
        device_secret="rahasia-perangkat",
    )
    assert body["domain"] == LOGIN_PROOF_DOMAIN == "silon-login-v1"
    assert body["offline_days"] == "7.0"  # as text: no float is signed
    assert body["token_sha256"] == hashlib.sha256(b"rahasia-token").hexdigest()
    assert "rahasia" not in signing.canonical_json(body).decode("utf-8")
    assert set(body) == {
        "domain",
        "nonce",
        "username",
        "device_id",
        "role",
        "region",
        "read_rules",
        "offline_days",
        "token_sha256",
        "device_secret_sha256",
    }


def test_a_login_answer_is_proved_as_it_was_sent_and_not_once_changed(
    server: InProcessServer,
) -> None:
    server.add_user("op9")
    transport = AsgiTransport(server.app)
    try:
        answer = ServerApi(transport).login("op9", PASSWORD, "pc-9", None)
    finally:
        transport.close()
    key = server.public_key
    assert answer.nonce and answer.proof and answer.proved_by(key)
    assert "proof" not in repr(answer) and answer.token not in repr(answer)
    changed = [
        replace(answer, region="32.15"),
        replace(answer, role="provinsi"),
        replace(answer, read_rules=""),
        replace(answer, offline_days=365.0),
        replace(answer, device_secret="AAAA"),
        replace(answer, device_id="pc-other"),
        replace(answer, nonce=new_key_nonce()),
        replace(answer, proof=""),
    ]
    assert not any(c.proved_by(key) for c in changed)
    assert not answer.proved_by(signing.public_key_b64(signing.generate_private_key()))
