"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash (not stored again in
the entry since revision 0009: it is the hash of the entry before) followed by the
entry (id, at, who, device, action, entity, record, and its ``state`` when it
has one, as canonical JSON, then the before and after JSON texts). Changing,
removing or reordering any entry breaks the chain at that entry, and
:func:`verify` names it. Appends happen inside :func:`sync.server.db.write_tx`,
so ids and hashes follow commit order.

**The log does not copy the records** (issue 19: at 1.2M supporters the copies
took 940 MB). An entry about a record carries ``state``: the SHA-256 of the
record as it stood after that change (:func:`state_digest` of its fields,
version, tombstone flag, entity and scope), which the ``records`` table already holds. A create
keeps only that digest (no ``after``); a delete keeps the old values of what it
changed (the withdrawal's fields), as an update keeps the old and new values of
its changed fields. So the chain proves every change, the ``records`` table holds
the content, and :func:`verify` checks that each record is still the state its
last entry names: an edited row in ``records`` is found as surely as an edited
entry. An earlier state is the current one with the later entries' ``before``
values put back, checked against that entry's digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from sync.server.db import bulk_insert_values
from sync.server.roles import area_of
from sync.server.schema import audit, records

GENESIS = "0" * 64

#: Who the log names for writes that no account made: the command-line
#: administrator (``silon-server``; the training seed too), the server itself
#: (duplicate flags, objections resolved) and a citizen (a public objection).
RESERVED_USERNAMES: frozenset[str] = frozenset({"admin", "server", "publik"})
#: The devices the log names for them: the command line, the public web pages,
#: the training seed.
RESERVED_DEVICE_IDS: frozenset[str] = frozenset({"admin-cli", "web", "training-seed"})


def reserved_username(name: str) -> bool:
    """Whether no account may take ``name`` (any case): the log would read its
    entries as the administrator's, the server's or a citizen's."""
    return name.lower() in RESERVED_USERNAMES


def reserved_device_id(device_id: str) -> bool:
    """Whether no login may name its device ``device_id`` (any case), for the same reason."""
    return device_id.lower() in RESERVED_DEVICE_IDS


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
    #: :func:`state_digest` of the record after this change ("" for entries about no record).
    state: str = ""


def _dumps(value: Any) -> str:
    if value is None:  # a create's before and after
        return "null"
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def state_digest(
    fields: dict[str, Any], version: int, deleted: bool, entity: str = "", scope: str = ""
) -> str:
    """The SHA-256 hex digest of a record's state (fields, version, tombstone flag,
    and where it lives: its entity and scope) as canonical JSON: what an audit
    entry's ``state`` names.

    The scope decides who reads the record (a feed, a snapshot, a USB bundle): a
    record moved to another region behind the log must not check. Entries written
    before the scope was digested named ``{"deleted", "fields", "version"}`` only
    (``entity`` and ``scope`` left out here); :func:`names_state` accepts either."""
    body: dict[str, Any] = {"deleted": bool(deleted), "fields": fields, "version": int(version)}
    if entity or scope:
        body["entity"], body["scope"] = entity, scope
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def names_state(
    state: bytes,
    fields: dict[str, Any],
    version: int,
    deleted: bool,
    entity: str,
    scope: str,
) -> bool:
    """Whether an entry's ``state`` (its bytes) names this record: its digest with the
    entity and scope, or, for an entry written before they were digested, without.
    (A digest with them never equals one without: a record moved to another scope
    checks against neither.)"""
    if bytes.fromhex(state_digest(fields, version, deleted, entity, scope)) == state:
        return True
    return bytes.fromhex(state_digest(fields, version, deleted)) == state


def entry_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The chain hash of one audit row (``before``/``after`` as stored JSON text).

    SHA-256 over the previous hash, the canonical JSON of the entry's other
    columns, and the stored ``before`` and ``after`` JSON texts, separated by the
    byte 0x1e (which JSON text never contains unescaped).
    """
    return _chain_digest(
        prev_hash,
        int(row["id"]),
        row["at"],
        row["username"],
        row["device_id"],
        row["action"],
        row["entity"],
        row["record_id"],
        row.get("state") or "",
        str(row["before"]),
        str(row["after"]),
    ).hex()


_SEPARATOR = b"\x1e"


def _chain_digest(
    prev_hash: str,
    ident: int,
    at: str,
    username: str,
    device_id: str,
    action: str,
    entity: str,
    record_id: str,
    state: str,
    before: str,
    after: str,
) -> bytes:
    """:func:`entry_hash` as its 32 bytes. The head is made with its keys in sorted
    order, which is the canonical JSON (sorted keys) without orjson sorting them."""
    head = {
        "action": action,
        "at": at,
        "device_id": device_id,
        "entity": entity,
        "id": ident,
        "record_id": record_id,
        "state": state,
        "username": username,
    }
    if not state:  # entries from before the state column hash as they did
        del head["state"]  # the other keys keep their (sorted) order
    return hashlib.sha256(
        b"".join(
            (
                prev_hash.encode("ascii"),
                orjson.dumps(head),
                _SEPARATOR,
                before.encode("utf-8"),
                _SEPARATOR,
                after.encode("utf-8"),
            )
        )
    ).digest()


#: The columns of an audit row as :func:`append` makes it (hash and state as stored:
#: their bytes, schema.Digest).
_COLUMNS = (
    "id",
    "at",
    "username",
    "device_id",
    "action",
    "entity",
    "record_id",
    "before",
    "after",
    "hash",
    "state",
)


def append(conn: Connection, entries: Iterable[AuditEntry]) -> int:
    """Append entries to the chain (caller holds the write lock). Returns how many."""
    last = conn.execute(
        select(audit.c.id, audit.c.hash).order_by(audit.c.id.desc()).limit(1)
    ).first()
    next_id, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    rows: list[tuple[Any, ...]] = []
    for e in entries:
        before, after = _dumps(e.before), _dumps(e.after)
        digest = _chain_digest(
            prev,
            next_id,
            e.at,
            e.username,
            e.device_id,
            e.action,
            e.entity,
            e.record_id,
            e.state,
            before,
            after,
        )
        prev = digest.hex()
        rows.append(
            (
                next_id,
                e.at,
                e.username,
                e.device_id,
                e.action,
                e.entity,
                e.record_id,
                before,
                after,
                digest,
                bytes.fromhex(e.state),
            )
        )
        next_id += 1
    bulk_insert_values(conn, audit, _COLUMNS, rows)
    return len(rows)


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""
    #: ``(id, hash)`` of the last entry checked (0 and GENESIS when empty).
    head: tuple[int, str] = (0, GENESIS)
    #: Records found to be the state their last entry names.
    records_checked: int = 0
    #: The record found wrong when no entry is to blame: one no entry names at all.
    record_id: str = ""


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
    #: record id -> (id of its last entry with a state, that state as bytes)
    last_state: dict[str, tuple[int, bytes]] = {}
    #: record ids named by entries without a state (written before the state column)
    stateless: set[str] = set()
    while True:
        rows = conn.execute(
            select(audit).where(audit.c.id > last_id).order_by(audit.c.id).limit(chunk)
        ).mappings()
        batch = list(rows)
        if not batch:
            if pending:
                reason = "anchored entry missing (log cut short)"
                return VerifyResult(False, checked, min(pending), reason, (last_id, prev))
            broken = _check_records(conn, last_state, stateless, chunk)
            if isinstance(broken, VerifyResult):
                broken.checked, broken.head = checked, (last_id, prev)
                return broken
            return VerifyResult(
                ok=True, checked=checked, head=(last_id, prev), records_checked=broken
            )
        for row in batch:
            rid = int(row["id"])
            if rid != expected_id:
                return VerifyResult(False, checked, expected_id, "entry missing")
            if entry_hash(prev, dict(row)) != row["hash"]:
                return VerifyResult(False, checked, rid, "content does not match its hash")
            prev = str(row["hash"])
            if row["state"]:
                last_state[str(row["record_id"])] = (rid, bytes.fromhex(str(row["state"])))
            elif row["record_id"]:
                stateless.add(str(row["record_id"]))
            if rid in pending and pending.pop(rid) != prev:
                reason = "hash differs from the anchor (chain rewritten)"
                return VerifyResult(False, checked, rid, reason, (rid, prev))
            expected_id += 1
            checked += 1
            last_id = rid


def _check_records(
    conn: Connection, last_state: dict[str, tuple[int, bytes]], stateless: set[str], chunk: int
) -> VerifyResult | int:
    """Every record against the state its last entry names; how many were checked, or
    the failure naming that entry. Records named only by entries without a state
    (written before entries carried one) are not checked; a record no entry names at
    all was written past the log (every write appends an entry naming its record),
    and is the failure, naming that record."""
    checked = 0
    after = ""
    while True:
        rows = conn.execute(
            select(
                records.c.id,
                records.c.fields,
                records.c.version,
                records.c.deleted,
                records.c.entity,
                records.c.scope,
                records.c.area,
            )
            .where(records.c.id > after)
            .order_by(records.c.id)
            .limit(chunk)
        ).all()
        if not rows:
            break
        for rid, text, version, deleted, entity, scope, area in rows:
            named = last_state.pop(str(rid), None)
            if named is None:
                if str(rid) in stateless:
                    continue
                reason = f"record {rid} is named by no audit entry"
                return VerifyResult(False, 0, None, reason, record_id=str(rid))
            fields = orjson.loads(text)
            where = (str(entity), str(scope))
            if not names_state(named[1], fields, int(version), bool(deleted), *where):
                return VerifyResult(
                    False, 0, named[0], f"record {rid} is not the state this entry names"
                )
            if area != area_of(str(entity), str(scope), fields):
                # the area decides which kab/kota reads a province's supporter
                reason = f"record {rid}: its area is not the one its fields give"
                return VerifyResult(False, 0, named[0], reason)
            checked += 1
        after = str(rows[-1][0])
    if last_state:
        entry, _state = min(last_state.values())
        return VerifyResult(False, 0, entry, "the record this entry names is missing")
    return checked


@dataclass(frozen=True, slots=True)
class State:
    """A record as it stood after one audit entry (:func:`history`)."""

    entry_id: int
    action: str
    fields: dict[str, Any]
    version: int
    deleted: bool


#: Entries that name a record without changing it.
_UNCHANGED = frozenset({"conflict"})


def history(conn: Connection, record_id: str) -> list[State]:
    """Every state of a record, oldest first, rebuilt from the ``records`` row and the
    ``before`` values of its entries, each checked against its entry's digest.

    Raises:
        ValueError: a rebuilt state is not the one its entry names (the record or
            an entry was changed), or the record is missing.
    """
    row = conn.execute(
        select(
            records.c.fields,
            records.c.version,
            records.c.deleted,
            records.c.entity,
            records.c.scope,
        ).where(records.c.id == record_id)
    ).first()
    if row is None:
        raise ValueError(f"record {record_id} is missing")
    fields: dict[str, Any] = orjson.loads(row.fields)
    version, deleted = int(row.version), bool(row.deleted)
    where = (str(row.entity), str(row.scope))
    entries = conn.execute(
        select(audit.c.id, audit.c.action, audit.c.before, audit.c.state)
        .where(audit.c.record_id == record_id, audit.c.state != "")
        .order_by(audit.c.id.desc())
    ).all()
    states: list[State] = []
    for entry_id, action, before, state in entries:
        if not names_state(bytes.fromhex(str(state)), fields, version, deleted, *where):
            raise ValueError(f"entry {entry_id}: record {record_id} is not the state it names")
        states.append(State(int(entry_id), str(action), dict(fields), version, deleted))
        if action in _UNCHANGED or action == "create":
            continue
        old = orjson.loads(before)
        if isinstance(old, dict):
            fields.update(old)
        if action == "delete":
            deleted = False
        elif action == "restore":  # a withdrawal undone: before it, the tombstone
            deleted = True
        version -= 1
    states.reverse()
    return states
