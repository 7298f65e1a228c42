"""The server's own automatic check of supporters, kept beside the client's forecast.

A client files ``check_status``/``check_reasons`` (its forecast, made at entry).
The server re-runs the same check — the domain's :func:`validate_supporter`, one
implementation shared with the desktop — on every supporter a batch creates or
changes, and keeps its verdict in ``supporter_checks`` with a ``disagrees`` mark
when the client's forecast differs. ``GET /v1/checks`` lists them by scope, so a
forecast the server disagrees with is never filed unnoticed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from silon_desktop.domain.codes import Status
from silon_desktop.domain.rules import UnknownRuleSetError
from silon_desktop.domain.supporters import (
    SupporterInput,
    ValidationContext,
    Verdict,
    validate_supporter,
)
from sync.protocol import Mutation, Op
from sync.server.batch import Batch, Rec, chunks, load
from sync.server.db import bulk_insert, read_tx
from sync.server.roles import Actor, Role, area_of
from sync.server.schema import supporter_checks

_STATUSES = frozenset(str(s) for s in Status)
_NOBODY = Actor("", Role.BAWASLU, "", "")


#: (region code, reference date, rule set id) of an election: what its check needs.
Key = tuple[str, dt.date, str]


def _key(election: Rec | None, today: dt.date) -> Key | None:
    if election is None or election.entity != "election":
        return None
    fields = election.fields
    end = fields.get("support_end")
    reference = _date(end) if isinstance(end, str) and end else today
    rule_set = fields.get("rule_set")
    return (str(fields.get("region_code") or election.scope), reference, str(rule_set or ""))


@functools.lru_cache(maxsize=256)
def _context(key: Key) -> ValidationContext | None:
    """One context per election setting, kept across batches (its memos stay warm)."""
    from silon_desktop.domain.rules import rule_set_for

    region, reference, rule_set = key
    try:
        return ValidationContext(region, reference, rule_set_for(rule_set or None))
    except (ValueError, UnknownRuleSetError):
        return None


def _election_key(state: dict[str, Rec], pair_id: Any, today: dt.date) -> Key | None:
    pair = state.get(pair_id) if isinstance(pair_id, str) else None
    if pair is None or pair.entity != "pair":
        return None
    return _key(state.get(str(pair.fields.get("election_id") or "")), today)


#: record id -> (election key, the checked fields' raw values in :data:`_FIELDS` order,
#: verdict)
Verdicts = dict[str, tuple[Key, tuple[Any, ...], Verdict]]


def precheck(engine: Engine, mutations: list[Mutation], today: dt.date) -> Verdicts:
    """Verdicts of the supporters a batch creates, made BEFORE the write lock is taken
    (so the checks overlap another batch's commit); :func:`update_checks` uses one
    when the record and its election are still what was checked here."""
    creates = [
        m
        for m in mutations
        if m.entity == "supporter" and m.op is Op.UPSERT and m.base_version == 0
    ]
    if not creates:
        return {}
    state: dict[str, Rec] = {}
    with read_tx(engine) as conn:
        probe = Batch(actor=_NOBODY, batch_id="", now=0.0, iso="", today=today, state=state)
        load(conn, probe, (str(m.changes.get("pair_id", (None, ""))[1]) for m in creates))
        load(conn, probe, (str(r.fields.get("election_id") or "") for r in list(state.values())))
    out: Verdicts = {}
    for m in creates:
        changes = m.changes
        pair = changes.get("pair_id")
        key = _election_key(state, pair[1] if pair else None, today)
        ctx = _context(key) if key is not None else None
        if key is None or ctx is None:
            continue
        raw = tuple(None if (c := changes.get(n)) is None else c[1] for n in _FIELDS)
        out[m.record_id] = (key, raw, validate_supporter(_input(raw), ctx))
    return out


_FIELDS = tuple(f.name for f in dataclasses.fields(SupporterInput))


def _input(raw: tuple[Any, ...]) -> SupporterInput:
    """The check's input from the raw values of :data:`_FIELDS` (None: empty)."""
    values = {n: v for n, v in zip(_FIELDS, raw, strict=True) if v is not None}
    birth = values.get("birth_date")
    if birth is not None:
        try:
            values["birth_date"] = _date(birth) if isinstance(birth, str) and birth else None
        except ValueError:  # refused by the value checks; never stored
            values["birth_date"] = None
    return SupporterInput(**values)


@functools.lru_cache(maxsize=65536)
def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def update_checks(conn: Connection, batch: Batch, pre: Verdicts | None = None) -> None:
    """Re-check every supporter the batch wrote; store the verdicts (deleted: dropped).

    ``pre``: verdicts made before the lock (:func:`precheck`), used when still valid.
    """
    pre = pre or {}
    rows: list[dict[str, Any]] = []
    gone: list[str] = []
    for rid in dict.fromkeys(batch.order):
        rec = batch.state[rid]
        if rec.entity != "supporter":
            continue
        if rec.exists:
            gone.append(rid)
        if rec.deleted:
            continue
        key = _election_key(batch.state, rec.fields.get("pair_id"), batch.today)
        if key is None:
            continue
        # The record as checked before the lock (the same raw values give the same
        # input, so the same verdict): no second check, no second input built.
        raw = tuple(map(rec.fields.get, _FIELDS))
        early = pre.get(rid)
        if early is not None and early[0] == key and early[1] == raw:
            verdict = early[2]
        else:
            ctx = _context(key)
            if ctx is None:
                continue
            verdict = validate_supporter(_input(raw), ctx)
        status, reasons = str(verdict.status), [str(c) for c in verdict.codes]
        client = str(rec.fields.get("check_status") or "")
        # The client's forecast is milder than the server's: it would count a row
        # the rules refuse. (A stricter client forecast, e.g. from its DPT list or
        # duplicates the server does not see here, is no disagreement.)
        milder = client in _STATUSES and Status(client).severity < verdict.status.severity
        rows.append(
            {
                "record_id": rid,
                "scope": rec.scope,
                "area": area_of(rec.entity, rec.scope, rec.fields),
                "status": status,
                "reasons": orjson.dumps(reasons).decode(),
                "client_status": client,
                "disagrees": milder,
                "checked_at": batch.now,
            }
        )
    for part in chunks(gone):
        conn.execute(supporter_checks.delete().where(supporter_checks.c.record_id.in_(part)))
    bulk_insert(conn, supporter_checks, rows)
