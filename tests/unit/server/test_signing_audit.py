"""Signatures over canonical JSON, and the audit chain found broken where it was edited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, update

from sync import signing
from sync.server import audit
from sync.server.db import database_url, make_engine, migrate, read_tx, write_tx
from sync.server.schema import audit as audit_table


def test_canonical_json_is_independent_of_key_order_and_keeps_unicode() -> None:
    assert signing.canonical_json({"b": 1, "a": "ü"}) == '{"a":"ü","b":1}'.encode()
    assert signing.canonical_json({"a": "ü", "b": 1}) == signing.canonical_json({"b": 1, "a": "ü"})


def test_sign_and_verify_and_refuse_tampering_or_junk() -> None:
    key = signing.generate_private_key()
    public = signing.public_key_b64(key)
    body = {"batch_id": "b", "results": [["m1", "applied", 1]]}
    sig = signing.sign(key, body)
    assert signing.verify(public, body, sig)
    assert signing.verify(signing.load_public_key(public), dict(reversed(body.items())), sig)
    assert not signing.verify(public, {**body, "batch_id": "c"}, sig)
    other = signing.public_key_b64(signing.generate_private_key())
    assert not signing.verify(other, body, sig)
    assert not signing.verify("not base64!", body, sig)
    assert not signing.verify(public, body, "AAAA")
    assert signing.key_id(key) == signing.key_id(public) and len(signing.key_id(key)) == 16
    again = signing.load_private_key(signing.private_key_to_pem(key))
    assert signing.public_key_b64(again) == public
    with pytest.raises(ValueError):
        signing.load_public_key("AAAA")


def test_an_object_nested_too_deep_to_encode_does_not_verify() -> None:
    # orjson (the bundle parser) accepts 1,000 levels, json.dumps does not: a bundle
    # built like this once made POST /v1/bundles answer 500.
    import base64

    import orjson

    key = signing.generate_private_key()
    nested = orjson.loads("[" * 990 + "]" * 990)
    signature = base64.b64encode(bytes(64)).decode("ascii")
    assert not signing.verify(signing.public_key_b64(key), {"created_at": nested}, signature)


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = database_url(tmp_path, None)
    migrate(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


def _fill(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(count):
        with write_tx(engine) as conn:
            audit.append(
                conn,
                [
                    audit.AuditEntry(
                        f"2024-08-01T00:00:0{i}Z",
                        "op",
                        "dev",
                        "update",
                        "supporter",
                        f"r{i}",
                        {"rt": "001"},
                        {"rt": f"{i}"},
                    )
                ],
            )


def test_untouched_chain_verifies(engine) -> None:  # type: ignore[no-untyped-def]
    _fill(engine, 6)
    with read_tx(engine) as conn:
        result = audit.verify(conn)
    assert result.ok and result.checked == 6


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        (update(audit_table).where(audit_table.c.id == 3).values(after='{"rt":"999"}'), 3),
        (update(audit_table).where(audit_table.c.id == 2).values(username="mallory"), 2),
        (delete(audit_table).where(audit_table.c.id == 4), 4),
        (update(audit_table).where(audit_table.c.id == 5).values(hash="0" * 64), 5),
    ],
)
def test_first_broken_entry_is_named(engine, change, broken: int) -> None:  # type: ignore[no-untyped-def]
    _fill(engine, 6)
    with write_tx(engine) as conn:
        conn.execute(change)
    with read_tx(engine) as conn:
        result = audit.verify(conn)
    assert not result.ok and result.broken_id == broken
