"""Cek dukungan: is this NIK, with this birth date, listed as a supporter?

- Both the NIK and the birth date must match a live supporter row. The answer
  says only which pair of which election lists the person and the row's human
  verdict (and the outcome of an objection), never a name or an address.
- The same work is done whether the NIK is absent or the birth date is wrong:
  the lookup by NIK, a read of the candidate rows (or of none), and a keyed
  hash (HMAC-SHA-256 under a server secret) of the NIK and birth date compared
  in constant time against each row's. The answer is the same page either way.
- Rate limits per source address and per NIK, counted in a table shared by
  every server process (PostgreSQL: the server database; SQLite: a small side
  database in the data folder, so a running push's write lock never delays a
  check). Counters are keyed by hashes, never by the NIK or the address.
- Logs carry :func:`nik_hash`, never the NIK.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, bindparam, case, create_engine, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from sync.server.db import write_tx
from sync.server.public.figures import verdict
from sync.server.schema import (
    meta,
    nik_index,
    public_limits,
    public_objections,
    public_records,
    records,
)

log = logging.getLogger(__name__)

SECRET_NAME = "public_check_secret"
LIMITS_FILE = "public_limits.sqlite3"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True, slots=True)
class Limits:
    """Checks allowed per window, per source address and per NIK."""

    per_source: int = 30
    per_nik: int = 10
    window: float = 600.0

    @classmethod
    def from_env(cls) -> Limits:
        """``SILON_PUBLIC_CHECKS_PER_SOURCE`` / ``_PER_NIK`` / ``_WINDOW_SECONDS``."""
        return cls(
            _env_int("SILON_PUBLIC_CHECKS_PER_SOURCE", 30),
            _env_int("SILON_PUBLIC_CHECKS_PER_NIK", 10),
            float(_env_int("SILON_PUBLIC_CHECKS_WINDOW_SECONDS", 600)),
        )


def load_secret(engine: Engine) -> bytes:
    """The server's check secret (kept in ``meta``, shared by every process)."""
    with write_tx(engine) as conn:
        row = conn.execute(select(meta.c.value).where(meta.c.key == SECRET_NAME)).first()
        if row is not None:
            return bytes(row[0])
        value = secrets.token_bytes(32)
        conn.execute(meta.insert().values(key=SECRET_NAME, value=value))
        return value


def limits_engine(engine: Engine) -> Engine:
    """Where the rate-limit counters live (see the module docstring)."""
    if engine.dialect.name != "sqlite":
        return engine
    db_path = Path(str(engine.url.database))
    side = create_engine(
        f"sqlite:///{db_path.with_name(LIMITS_FILE)}",
        connect_args={"check_same_thread": False, "timeout": 30},
        hide_parameters=True,
    )

    @event.listens_for(side, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")  # counters, not records: speed first
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(side, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    public_limits.create(side, checkfirst=True)
    return side


@dataclass(frozen=True, slots=True)
class Match:
    """One supporter row the NIK and birth date match: public facts only."""

    record_id: str
    election_name: str
    pair_id: str
    pair_number: int
    head_name: str
    deputy_name: str
    status: str  # ms | bms | tms | pending (human verdict)
    objection: str  # "" | open | resolved
    outcome: str  # verdict that resolved the objection (MS | BMS | TMS) or ""
    outcome_reasons: tuple[str, ...]


class Checker:
    """The NIK check of one server process."""

    def __init__(self, engine: Engine, limits: Limits | None = None) -> None:
        self.engine = engine
        self.secret = load_secret(engine)
        self.limits = limits or Limits.from_env()
        self.limits_engine = limits_engine(engine)
        self._bump_stmt: Any = None

    # --- keyed hashes -------------------------------------------------------------

    def keyed(self, *parts: str) -> str:
        msg = "\x1f".join(parts).encode("utf-8")
        return hmac.new(self.secret, msg, hashlib.sha256).hexdigest()

    def nik_hash(self, nik: str) -> str:
        """What logs and counters carry instead of the NIK."""
        return self.keyed("nik", nik)[:24]

    # --- rate limits -------------------------------------------------------------

    def allow(self, source: str, nik: str, now: float) -> bool:
        """Count one check of ``nik`` from ``source``; False when either is over its limit."""
        keys = ("s:" + self.keyed("src", source)[:40], "n:" + self.nik_hash(nik))
        with self.limits_engine.begin() as conn:
            src, per_nik = (int(conn.execute(self._bump, {"k": k, "now": now,
                            "cut": now - self.limits.window}).scalar_one()) for k in keys)  # fmt: skip
        return src <= self.limits.per_source and per_nik <= self.limits.per_nik

    @property
    def _bump(self) -> Any:
        """Upsert of one counter: a new window starts when the stored one is over."""
        if self._bump_stmt is None:
            dialect = self.limits_engine.dialect.name
            ins: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
                public_limits
            )
            fresh = public_limits.c.window_start < bindparam("cut")
            self._bump_stmt = (
                ins.values(key=bindparam("k"), window_start=bindparam("now"), count=1)
                .on_conflict_do_update(
                    index_elements=[public_limits.c.key],
                    set_={
                        "count": case((fresh, 1), else_=public_limits.c.count + 1),
                        "window_start": case(
                            (fresh, ins.excluded.window_start), else_=public_limits.c.window_start
                        ),
                    },
                )
                .returning(public_limits.c.count)
            )
        return self._bump_stmt

    def check(self, source: str, nik: str, birth_date: str, now: float) -> list[Match] | None:
        """Count the check, then look up; None when a rate limit refuses it."""
        if not self.allow(source, nik, now):
            return None
        return self.lookup(nik, birth_date)

    # --- the check -------------------------------------------------------------------

    def lookup(self, nik: str, birth_date: str) -> list[Match]:
        """The supporter rows matching both ``nik`` and ``birth_date`` (same work if none)."""
        wanted = self.keyed("id", nik, birth_date)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(nik_index.c.record_id, nik_index.c.pair_id).where(nik_index.c.nik == nik)
            ).all()
            ids = [str(r[0]) for r in rows] or ["\x00none"]
            stored = {
                str(rid): orjson.loads(text)
                for rid, text in conn.execute(
                    select(records.c.id, records.c.fields).where(records.c.id.in_(ids))
                )
            }
            matched: list[tuple[str, dict[str, Any]]] = []
            for rid in ids:
                fields = stored.get(rid) or {"nik": "\x00", "birth_date": "\x00"}
                have = self.keyed("id", str(fields.get("nik")), str(fields.get("birth_date")))
                if hmac.compare_digest(have, wanted) and rid in stored:
                    matched.append((rid, fields))
            return self._describe(conn, matched)

    def _describe(self, conn: Connection, matched: list[tuple[str, dict[str, Any]]]) -> list[Match]:
        pair_ids = {str(f.get("pair_id")) for _r, f in matched}
        pairs = {
            rid: orjson.loads(text)
            for rid, text in conn.execute(
                select(public_records.c.id, public_records.c.fields).where(
                    public_records.c.id.in_(pair_ids or {"\x00none"})
                )
            )
        }
        election_ids = {str(p.get("election_id")) for p in pairs.values()}
        elections = {
            rid: orjson.loads(text)
            for rid, text in conn.execute(
                select(public_records.c.id, public_records.c.fields).where(
                    public_records.c.id.in_(election_ids or {"\x00none"})
                )
            )
        }
        objections: dict[str, Any] = {}
        for row in conn.execute(
            select(public_objections)
            .where(public_objections.c.record_id.in_([r for r, _f in matched] or ["\x00none"]))
            .order_by(public_objections.c.filed_at)
        ).mappings():
            objections[row["record_id"]] = row  # the latest objection of each row
        out = []
        for rid, fields in matched:
            pair = pairs.get(str(fields.get("pair_id")), {})
            election = elections.get(str(pair.get("election_id")), {})
            o = objections.get(rid)
            out.append(
                Match(
                    record_id=rid,
                    election_name=str(election.get("name") or ""),
                    pair_id=str(fields.get("pair_id")),
                    pair_number=int(pair.get("number") or 0),
                    head_name=str(pair.get("head_name") or ""),
                    deputy_name=str(pair.get("deputy_name") or ""),
                    status=verdict(fields),
                    objection=str(o["status"]) if o else "",
                    outcome=str(o["outcome"]) if o else "",
                    outcome_reasons=tuple(orjson.loads(o["outcome_reasons"])) if o else (),
                )
            )
        return sorted(out, key=lambda m: (m.election_name, m.pair_number))


def valid_nik(text: str) -> bool:
    return len(text) == 16 and text.isascii() and text.isdigit()


def valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
