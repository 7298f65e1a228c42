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
import operator
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
from sync.server.db import bulk_insert_values, read_tx
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
    settings = _Settings(state, today)
    for m in creates:
        changes = m.changes
        pair = changes.get("pair_id")
        key, ctx = settings.of(pair[1] if pair else None)
        if key is None or ctx is None:
            continue
        try:
            raw = tuple(map(_NEW, _GET_FIELDS(changes)))
        except KeyError:  # a create leaving fields out
            raw = tuple(map(_NEW, map(changes.get, _FIELDS, _UNSET)))
        out[m.record_id] = (key, raw, validate_supporter(_input(raw), ctx))
    return out


class _Settings:
    """The election key and check context of each pair, looked up once per batch."""

    def __init__(self, state: dict[str, Rec], today: dt.date) -> None:
        self._state = state
        self._today = today
        self._seen: dict[Any, tuple[Key | None, ValidationContext | None]] = {}

    def of(self, pair_id: Any) -> tuple[Key | None, ValidationContext | None]:
        try:
            return self._seen[pair_id]
        except KeyError:
            pass
        except TypeError:  # not hashable: names no pair
            return None, None
        key = _election_key(self._state, pair_id, self._today)
        found = self._seen[pair_id] = (key, _context(key) if key is not None else None)
        return found


_FIELDS = tuple(f.name for f in dataclasses.fields(SupporterInput))
#: The values of :data:`_FIELDS` as one tuple, in one call (KeyError when one is missing).
_GET_FIELDS = operator.itemgetter(*_FIELDS)


_NEW = operator.itemgetter(1)
#: A change pair for each field a create leaves out: its new value None.
_UNSET = ((None, None),) * len(_FIELDS)
#: Each input field's default (what None, an empty value, becomes), in :data:`_FIELDS` order.
_DEFAULTS: tuple[Any, ...] = tuple(f.default for f in dataclasses.fields(SupporterInput))
_BIRTH = _FIELDS.index("birth_date")
if dataclasses.MISSING in _DEFAULTS:
    raise TypeError("every SupporterInput field needs a plain default")


def _input(raw: tuple[Any, ...]) -> SupporterInput:
    """The check's input from the raw values of :data:`_FIELDS` (None: empty)."""
    args = [d if v is None else v for v, d in zip(raw, _DEFAULTS, strict=True)]
    birth = args[_BIRTH]
    if birth is not None:
        try:
            args[_BIRTH] = _date(birth) if isinstance(birth, str) and birth else None
        except ValueError:  # refused by the value checks; never stored
            args[_BIRTH] = None
    return SupporterInput(*args)


@functools.lru_cache(maxsize=65536)
def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def update_checks(conn: Connection, batch: Batch, pre: Verdicts | None = None) -> None:
    """Re-check every supporter the batch wrote; store the verdicts (deleted: dropped).

    ``pre``: verdicts made before the lock (:func:`precheck`), used when still valid.
    """
    pre = pre or {}
    rows: list[tuple[Any, ...]] = []
    gone: list[str] = []
    settings = _Settings(batch.state, batch.today)
    stored = _Stored()
    for rid in dict.fromkeys(batch.order):
        rec = batch.state[rid]
        if rec.entity != "supporter":
            continue
        if rec.exists:
            gone.append(rid)
        if rec.deleted:
            continue
        fields = rec.fields
        key, ctx = settings.of(fields.get("pair_id"))
        if key is None:
            continue
        # The record as checked before the lock (the same raw values give the same
        # input, so the same verdict): no second check, no second input built.
        try:
            raw = _GET_FIELDS(fields)
        except KeyError:  # a record stored before one of the fields existed
            raw = tuple(map(fields.get, _FIELDS))
        early = pre.get(rid)
        if early is not None and early[0] == key and early[1] == raw:
            verdict = early[2]
        else:
            if ctx is None:
                continue
            verdict = validate_supporter(_input(raw), ctx)
        client = str(fields.get("check_status") or "")
        status, reasons, milder = stored.of(verdict, client)
        rows.append(
            (
                rid,
                rec.scope,
                area_of(rec.entity, rec.scope, fields),
                status,
                reasons,
                client,
                milder,
                batch.now,
            )
        )
    for part in chunks(gone):
        conn.execute(supporter_checks.delete().where(supporter_checks.c.record_id.in_(part)))
    # In key order: the table is one B-tree by record id (see schema.supporter_checks).
    rows.sort(key=_FIRST)
    bulk_insert_values(conn, supporter_checks, _CHECK_COLUMNS, rows)


_FIRST = operator.itemgetter(0)
#: The columns of a supporter_checks row as :func:`update_checks` makes it.
_CHECK_COLUMNS = (
    "record_id",
    "scope",
    "area",
    "status",
    "reasons",
    "client_status",
    "disagrees",
    "checked_at",
)


class _Stored:
    """A verdict's stored columns, made once per verdict and client forecast in a batch
    (a batch's thousands of supporters share a handful of verdicts)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int, str], tuple[Verdict, tuple[str, str, bool]]] = {}

    def of(self, verdict: Verdict, client: str) -> tuple[str, str, bool]:
        """``(status, reasons as JSON, disagrees)`` of ``verdict`` against ``client``'s."""
        found = self._seen.get((id(verdict), client))
        if found is not None and found[0] is verdict:
            return found[1]
        # The client's forecast is milder than the server's: it would count a row
        # the rules refuse. (A stricter client forecast, e.g. from its DPT list or
        # duplicates the server does not see here, is no disagreement.)
        milder = client in _STATUSES and Status(client).severity < verdict.status.severity
        reasons = orjson.dumps([str(c) for c in verdict.codes]).decode()
        columns = (str(verdict.status), reasons, milder)
        self._seen[(id(verdict), client)] = (verdict, columns)
        return columns
