"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash followed by the
entry (id, at, who, device, action, entity, record as canonical JSON, then the
before and after JSON texts). Changing, removing or reordering any entry breaks the chain at
that entry, and :func:`verify` names it. Appends happen inside
:func:`sync.server.db.write_tx`, so ids and hashes follow commit order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from sync.server.db import bulk_insert
from sync.server.schema import audit

GENESIS = "0" * 64


@dataclass(slots=True)
class AuditEntry:
    at: str
    username: str
    device_id: str
    action: str
    entity: str = ""
    record_id: str = ""
    before: Any = None
    after: Any = None


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def entry_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The chain hash of one audit row (``before``/``after`` as stored JSON text).

    SHA-256 over the previous hash, the canonical JSON of the entry's other
    columns, and the stored ``before`` and ``after`` JSON texts, separated by the
    byte 0x1e (which JSON text never contains unescaped).
    """
    head = {
        "id": int(row["id"]),
        "at": row["at"],
        "username": row["username"],
        "device_id": row["device_id"],
        "action": row["action"],
        "entity": row["entity"],
        "record_id": row["record_id"],
    }
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(_dumps(head).encode("utf-8"))
    digest.update(b"\x1e")
    digest.update(str(row["before"]).encode("utf-8"))
    digest.update(b"\x1e")
    digest.update(str(row["after"]).encode("utf-8"))
    return digest.hexdigest()


def append(conn: Connection, entries: Iterable[AuditEntry]) -> int:
    """Append entries to the chain (caller holds the write lock). Returns how many."""
    last = conn.execute(
        select(audit.c.id, audit.c.hash).order_by(audit.c.id.desc()).limit(1)
    ).first()
    next_id, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    rows: list[dict[str, Any]] = []
    for e in entries:
        row: dict[str, Any] = {
            "id": next_id,
            "at": e.at,
            "username": e.username,
            "device_id": e.device_id,
            "action": e.action,
            "entity": e.entity,
            "record_id": e.record_id,
            "before": _dumps(e.before),
            "after": _dumps(e.after),
            "prev_hash": prev,
        }
        row["hash"] = prev = entry_hash(prev, row)
        rows.append(row)
        next_id += 1
    bulk_insert(conn, audit, rows)
    return len(rows)


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""
    #: ``(id, hash)`` of the last entry checked (0 and GENESIS when empty).
    head: tuple[int, str] = (0, GENESIS)


def parse_anchor(text: str) -> tuple[int, str]:
    """``ID:HASH`` (as printed by ``audit verify``) as ``(id, hash)``.

    Raises:
        ValueError: not of that form.
    """
    ident, _sep, digest = text.partition(":")
    if not ident.isdigit() or len(digest) != 64 or digest.strip("0123456789abcdef"):
        raise ValueError(f"anchor {text!r} is not ID:HASH (64 hex digits)")
    return int(ident), digest


def verify(
    conn: Connection, chunk: int = 5000, anchors: dict[int, str] | None = None
) -> VerifyResult:
    """Walk the chain in id order; stop at the first entry that does not check.

    The chain alone cannot show that its LAST entries were removed (what is left
    still checks), nor a chain recomputed from an edited entry on. ``anchors``
    maps ids to hashes of heads recorded earlier outside the database: each of
    those entries must still be there with that hash.
    """
    prev = GENESIS
    expected_id = 1
    checked = 0
    last_id = 0
    pending = dict(anchors or {})
    while True:
        rows = conn.execute(
            select(audit).where(audit.c.id > last_id).order_by(audit.c.id).limit(chunk)
        ).mappings()
        batch = list(rows)
        if not batch:
            if pending:
                reason = "anchored entry missing (log cut short)"
                return VerifyResult(False, checked, min(pending), reason, (last_id, prev))
            return VerifyResult(ok=True, checked=checked, head=(last_id, prev))
        for row in batch:
            rid = int(row["id"])
            if rid != expected_id:
                return VerifyResult(False, checked, expected_id, "entry missing")
            if row["prev_hash"] != prev:
                return VerifyResult(False, checked, rid, "previous hash does not match")
            if entry_hash(prev, dict(row)) != row["hash"]:
                return VerifyResult(False, checked, rid, "content does not match its hash")
            prev = str(row["hash"])
            if rid in pending and pending.pop(rid) != prev:
                reason = "hash differs from the anchor (chain rewritten)"
                return VerifyResult(False, checked, rid, reason, (rid, prev))
            expected_id += 1
            checked += 1
            last_id = rid
