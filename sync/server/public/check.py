"""Cek dukungan: is this NIK, with this birth date, listed as a supporter?

- Both the NIK and the birth date must match a live supporter row of a pair and
  an election the public pages show (neither deleted). The answer
  says only which pair of which election lists the person and the row's human
  verdict (and the outcome of an objection), never a name or an address.
- The same work is done whether the NIK is absent or the birth date is wrong:
  the lookup by NIK, a read of the candidate rows (or of none), and a keyed
  hash (HMAC-SHA-256 under a server secret) of the NIK and birth date compared
  in constant time against each row's. The answer is the same page either way.
- Rate limits per source address (an IPv6 one by its /64: :func:`source_key`) and
  per NIK, counted in a table shared by every server process (PostgreSQL: the server database; SQLite: a small side
  database in the data folder, so a running push's write lock never delays a
  check). Counters are keyed by hashes, never by the NIK or the address. A refused
  check is told the seconds until its limits free (:meth:`Checker.wait`), which the
  429 answer carries as ``Retry-After``.
- Logs carry :func:`nik_hash`, never the NIK.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import math
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from sync.server.db import write_tx
from sync.server.public import objections as objection_rules
from sync.server.public.figures import counted_verdict
from sync.server.public.views import rule_set_of
from sync.server.schema import (
    meta,
    public_limits,
    unpack_json,
)

log = logging.getLogger(__name__)

SECRET_NAME = "public_check_secret"
LIMITS_FILE = "public_limits.sqlite3"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True, slots=True)
class Limits:
    """Checks allowed per window, per source address and per NIK; and objections filed
    per source address in a window of their own (a citizen files one or two; a script
    walking a leaked NIK list files one per row, each flag a look for the office)."""

    per_source: int = 30
    per_nik: int = 10
    window: float = 600.0
    objections_per_source: int = 20
    objection_window: float = 3600.0

    @classmethod
    def from_env(cls) -> Limits:
        """``SILON_PUBLIC_CHECKS_PER_SOURCE`` / ``_PER_NIK`` / ``_WINDOW_SECONDS``,
        ``SILON_PUBLIC_OBJECTIONS_PER_SOURCE`` / ``_WINDOW_SECONDS``."""
        return cls(
            _env_int("SILON_PUBLIC_CHECKS_PER_SOURCE", 30),
            _env_int("SILON_PUBLIC_CHECKS_PER_NIK", 10),
            float(_env_int("SILON_PUBLIC_CHECKS_WINDOW_SECONDS", 600)),
            _env_int("SILON_PUBLIC_OBJECTIONS_PER_SOURCE", 20),
            float(_env_int("SILON_PUBLIC_OBJECTIONS_WINDOW_SECONDS", 3600)),
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


class Limited(Exception):
    """A check refused by a rate limit; ``retry_after``: the seconds until it frees."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


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
    #: Whether the page offers "Saya tidak mendukung": no objection yet, or the last one
    #: answered longer ago than ``objections.quiet_seconds`` (one open: no).
    may_object: bool = True


class Checker:
    """The NIK check of one server process."""

    def __init__(self, engine: Engine, limits: Limits | None = None) -> None:
        self.engine = engine
        self.secret = load_secret(engine)
        self.limits = limits or Limits.from_env()
        self.limits_engine = limits_engine(engine)
        self._qmark = engine.dialect.name == "sqlite"
        #: The check's statements are local file reads and a write to a file of this
        #: process alone (SQLite: one server process per data folder), so a check may
        #: run on the event loop; on PostgreSQL they are network round trips.
        self.local = engine.dialect.name == "sqlite"
        #: The DB-API drivers' ``OperationalError`` (a locked SQLite file, a lost
        #: PostgreSQL connection): the check's plain cursors raise the driver's own,
        #: which went past the handlers that answer SQLAlchemy's ``503 busy``
        #: (``sync.server.http.busy_response``, the fast lane's too) as a bare 500. It
        #: is raised again as SQLAlchemy's.
        self._busy: tuple[type[Exception], ...] = tuple(
            {e.dialect.loaded_dbapi.OperationalError for e in (engine, self.limits_engine)}
        )

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
        return self.wait(source, nik, now) == 0

    def wait(self, source: str, nik: str, now: float) -> int:
        """Count one check of ``nik`` from ``source``; the whole seconds (rounded up)
        until every limit it is over frees, 0 when neither is: what a refused check's
        ``Retry-After`` says. A counter over its limit frees when its window ends (its
        first check's time plus :attr:`Limits.window`)."""
        keys = ("s:" + self.keyed("src", source_key(source))[:40], "n:" + self.nik_hash(nik))
        try:
            counts = self._count(keys, now)
        except self._busy as exc:
            raise OperationalError(None, None, exc) from exc
        frees = [
            start + self.limits.window
            for (count, start), limit in zip(
                counts, (self.limits.per_source, self.limits.per_nik), strict=True
            )
            if count > limit
        ]
        return max(1, math.ceil(max(frees) - now)) if frees else 0

    def objection_wait(self, source: str, now: float) -> int:
        """Count one objection about to be filed from ``source``: the whole seconds
        until its limit frees (:attr:`Limits.objections_per_source` per
        :attr:`Limits.objection_window`), 0 when under it. One counter (a key upsert),
        as the checks' own; by the same :func:`source_key`."""
        key = "o:" + self.keyed("obj", source_key(source))[:40]
        window = self.limits.objection_window
        try:
            [(count, start)] = self._count((key,), now, window)
        except self._busy as exc:
            raise OperationalError(None, None, exc) from exc
        if count <= self.limits.objections_per_source:
            return 0
        return max(1, math.ceil(start + window - now))

    def _count(
        self, keys: tuple[str, ...], now: float, window: float | None = None
    ) -> list[tuple[int, float]]:
        """Count one under each of ``keys`` (a window of ``window`` seconds, the
        checks' by default): ``(count, window start)`` of each."""
        cut = now - (self.limits.window if window is None else window)
        sqlite = self.limits_engine.dialect.name == "sqlite"
        raw = self.limits_engine.raw_connection()
        try:
            cur = raw.cursor()
            if sqlite:
                cur.execute("BEGIN IMMEDIATE")
            try:
                counts = []
                for k in keys:
                    cur.execute(self._sql(BUMP_SQL), (k, now, cut, cut))
                    count, start = cur.fetchone()  # type: ignore[misc]
                    counts.append((int(count), float(start)))
            except BaseException:
                cur.execute("ROLLBACK") if sqlite else raw.rollback()
                raise
            cur.execute("COMMIT") if sqlite else raw.commit()
            cur.close()
        finally:
            raw.close()
        return counts

    def _sql(self, statement: str) -> str:
        """``statement`` (written with ``?``) in the driver's parameter style."""
        return statement if self._qmark else statement.replace("?", "%s")

    def check(self, source: str, nik: str, birth_date: str, now: float) -> list[Match]:
        """Count the check, then look up.

        Raises:
            Limited: a rate limit refuses it (nothing is looked up).
        """
        wait = self.wait(source, nik, now)
        if wait:
            raise Limited(wait)
        return self.lookup(nik, birth_date, now)

    # --- the check -------------------------------------------------------------------

    def lookup(self, nik: str, birth_date: str, now: float | None = None) -> list[Match]:
        """The supporter rows matching both ``nik`` and ``birth_date`` (same work if none).
        ``now``: the server clock's, for whether an answered objection's row takes a
        new one (:attr:`Match.may_object`; None: it does not).

        Plain statements on one pooled DB-API connection: built per call by the
        SQL expression layer they cost a check five times as much."""
        try:
            return self._lookup(nik, birth_date, now)
        except self._busy as exc:
            raise OperationalError(None, None, exc) from exc

    def _lookup(self, nik: str, birth_date: str, now: float | None) -> list[Match]:
        wanted = self.keyed("id", nik, birth_date)
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(self._sql(LOOKUP_SQL), (nik,))
            stored = {str(rid): orjson.loads(unpack_json(text)) for rid, text in cur.fetchall()}
            ids = list(stored) or ["\x00none"]
            matched: list[tuple[str, dict[str, Any]]] = []
            for rid in ids:
                fields = stored.get(rid) or {"nik": "\x00", "birth_date": "\x00"}
                have = self.keyed("id", str(fields.get("nik")), str(fields.get("birth_date")))
                if hmac.compare_digest(have, wanted) and rid in stored:
                    matched.append((rid, fields))
            found = self._describe(cur, matched, now)
            cur.close()
            return found
        finally:
            raw.close()

    def _rows(self, cur: Any, statement: str, ids: Iterable[str]) -> list[Any]:
        """``statement``'s rows with its ``IN ({})`` filled for ``ids`` (a dummy if none)."""
        values = sorted(set(ids)) or ["\x00none"]
        cur.execute(self._sql(statement.format(", ".join("?" * len(values)))), values)
        return list(cur.fetchall())

    def _describe(
        self, cur: Any, matched: list[tuple[str, dict[str, Any]]], now: float | None
    ) -> list[Match]:
        public_sql = "SELECT id, fields FROM public_records WHERE id IN ({})"
        pair_ids = {str(f.get("pair_id")) for _r, f in matched}
        pairs = {rid: orjson.loads(text) for rid, text in self._rows(cur, public_sql, pair_ids)}
        election_ids = {str(p.get("election_id")) for p in pairs.values()}
        elections = {
            rid: orjson.loads(text) for rid, text in self._rows(cur, public_sql, election_ids)
        }
        objections: dict[str, tuple[str, str, str, float | None]] = {}
        for rid, status, outcome, reasons, resolved_at in self._rows(
            cur,
            "SELECT record_id, status, outcome, outcome_reasons, resolved_at"
            " FROM public_objections WHERE record_id IN ({}) ORDER BY filed_at",
            (r for r, _f in matched),
        ):
            answered = None if resolved_at is None else float(resolved_at)
            objections[str(rid)] = (str(status), str(outcome), str(reasons), answered)  # latest
        out = []
        for rid, fields in matched:
            pair = pairs.get(str(fields.get("pair_id")))
            election = elections.get(str(pair.get("election_id"))) if pair else None
            if pair is None or election is None:
                # A pair (or its election) the public pages do not show, deleted: the
                # row backs no pair there, so it is not listed here either.
                continue
            o = objections.get(rid)
            out.append(
                Match(
                    record_id=rid,
                    election_name=str(election.get("name") or ""),
                    pair_id=str(fields.get("pair_id")),
                    pair_number=int(pair.get("number") or 0),
                    head_name=str(pair.get("head_name") or ""),
                    deputy_name=str(pair.get("deputy_name") or ""),
                    # As the pair's figures count it (the election's rule set).
                    status=counted_verdict(fields, rule_set_of(election)),
                    objection=o[0] if o else "",
                    outcome=o[1] if o else "",
                    outcome_reasons=tuple(orjson.loads(o[2])) if o else (),
                    may_object=o is None
                    or (
                        o[0] == "resolved"
                        and now is not None
                        and objection_rules.may_file_again(o[3], now)
                    ),
                )
            )
        return sorted(out, key=lambda m: (m.election_name, m.pair_number))


#: The supporter rows of a NIK: the index, then the records (one statement).
LOOKUP_SQL = (
    "SELECT r.id, r.fields FROM nik_index n JOIN records r ON r.id = n.record_id WHERE n.nik = ?"
)

#: One rate-limit counter counted (SQLite 3.35+ and PostgreSQL): a new window starts
#: when the stored one is over; it answers the count and the window's start.
#: Parameters: key, now, cut, cut.
BUMP_SQL = (
    "INSERT INTO public_limits (key, window_start, count) VALUES (?, ?, 1)"
    " ON CONFLICT (key) DO UPDATE SET"
    " count = CASE WHEN public_limits.window_start < ? THEN 1 ELSE public_limits.count + 1 END,"
    " window_start = CASE WHEN public_limits.window_start < ?"
    " THEN excluded.window_start ELSE public_limits.window_start END"
    " RETURNING count, window_start"
)


#: The prefix of an IPv6 address that names one subscriber: ISPs hand each a /64 (or
#: more), inside which a device picks any address it likes (privacy addresses).
IPV6_SUBSCRIBER_PREFIX = 64


def source_key(source: str) -> str:
    """What the per-source limit counts for a client address: an IPv4 address (also one
    written as IPv4-mapped IPv6) as it is, an IPv6 address by its /64 network, so a
    client never escapes the limit by taking a fresh address of its own network for
    each check; anything else (no address known) as it is."""
    try:
        address = ipaddress.ip_address(source)
    except ValueError:
        return source
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_SUBSCRIBER_PREFIX}", strict=False))
    return str(address)


def valid_nik(text: str) -> bool:
    return len(text) == 16 and text.isascii() and text.isdigit()


#: A birth date as a citizen types it: ``YYYY-MM-DD`` (what a date picker sends), or
#: day first (``DD-MM-YYYY``, ``DD/MM/YYYY``, ``DD.MM.YYYY``), as Indonesians write it
#: in the plain text field of a browser without a date picker.
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def birth_date_iso(text: str) -> str | None:
    """``text`` as an ISO date (``YYYY-MM-DD``), None when it names no date."""
    day_first = _DAY_FIRST.fullmatch(text)
    if day_first is not None:
        day, month, year = (int(part) for part in day_first.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    try:
        iso = dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None
    return iso if iso == text else None  # not a week date or the basic form
