"""Fast bulk upsert of supporters, each write with its outbox mutation.

The importer hands rows of one pair in batches; :class:`SupporterBulkWriter`
writes them with Core ``executemany`` on the caller's connection, so the whole
import is one transaction (commit at the end, or roll back on cancel and the
database is exactly as before). New supporters' create mutations are made by
SQLite itself, one ``INSERT ... SELECT`` per batch; their ``changes`` is a
marker naming the fields, whose values are read from the record when the
mutation leaves the device (:mod:`silon_desktop.storage.record_changes`), so
the outbox does not hold every supporter a second time.

Matching: a row updates the pair's existing, not deleted supporter with the
same NIK; the k-th row of a file with a given NIK updates the k-th such record
(in insertion order), so re-importing a corrected file, duplicates included,
updates instead of adding. Other rows are created.

Outbox: the rows follow the format of :mod:`silon_desktop.storage.outbox`
(the shape of :func:`~silon_desktop.storage.outbox.outbox_row`): a create
writes ``{field: [null, new]}`` for every field it sets; an update writes the
changed fields only, through :func:`~silon_desktop.storage.outbox.coalesce_updates`
(the repository's coalescing: merged into the record's open pending mutation
when there is one); an update that changes nothing writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Integer,
    Table,
    Text,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.sql.expression import Executable

from silon_desktop.domain.rules import Round
from silon_desktop.storage import record_changes
from silon_desktop.storage.compiled import ManyStatement
from silon_desktop.storage.models import OutboxMutation, Supporter, pair_keys, utcnow
from silon_desktop.storage.outbox import State, coalesce_updates, encode_changes
from silon_desktop.storage.stored_form import DATE, ENCODE, FLAG, PLAIN, StoredForm, new_effective
from silon_desktop.storage.stored_form import JSON as JSON_KIND
from silon_desktop.storage.types import UtcDateTime, storage_text
from sync.protocol import ENTITIES, Op

_SUPPORTER: Table = Supporter.__table__  # type: ignore[assignment]
_OUTBOX: Table = OutboxMutation.__table__  # type: ignore[assignment]
_SPEC = ENTITIES["supporter"]
_CHUNK = 400  # values per IN (...) clause, under SQLite's variable limit
_ROWID: ColumnElement[int] = literal_column("supporter.rowid")

#: Columns an effective-status function may want from an existing record.
_EFFECTIVE_INPUTS = (
    "admin_status",
    "admin_reasons",
    "field_status",
    "field_reasons",
    "external_duplicate",
)

#: Fields the bulk writer may set; anything else in a row is refused.
WRITABLE: frozenset[str] = frozenset(_SPEC.client_fields) - {"pair_id"}

#: (check_status, check_reasons, existing record) -> (effective_status, "A,B") of a
#: record a row updates (a new record's is :func:`~silon_desktop.storage.stored_form.new_effective`).
EffectiveFn = Callable[[str, Sequence[str], Mapping[str, Any]], tuple[str, str]]


def check_only_effective(
    check_status: str, check_reasons: Sequence[str], existing: Mapping[str, Any]
) -> tuple[str, str]:
    """The effective status when only the automatic check is known: none (the
    check is a forecast, not a verification), with the forecast's reasons."""
    return new_effective(check_reasons)


@dataclass(slots=True)
class BulkStats:
    """What a bulk write did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: BulkStats) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


class SupporterBulkWriter:
    """Upserts the supporters of one pair on one connection, batch by batch.

    Args:
        conn: a connection inside the caller's transaction.
        pair_id: the pair every row belongs to.
        scope: the pair's scope (region code of its election).
        fields: the fields the rows carry (a subset of :data:`WRITABLE`); on an
            update only these are compared and written.
        effective: computes the local effective status of a record a row updates
            (by default the check's own; the importer passes the domain's rule); a
            new record has none yet (nobody verified it), with the check's reasons.
        insert_only: fields of ``fields`` written when a row is created and left
            as they are when a row updates a record (the round a row arrived in).
    """

    def __init__(
        self,
        conn: Connection,
        pair_id: str,
        scope: str,
        fields: Iterable[str],
        effective: EffectiveFn = check_only_effective,
        insert_only: Iterable[str] = (),
    ) -> None:
        self.conn = conn
        self.pair_id = pair_id
        self.scope = scope
        self.fields = tuple(fields)
        unknown = set(self.fields) - WRITABLE
        if unknown:
            raise ValueError(f"fields not writable in bulk: {sorted(unknown)}")
        kept = frozenset(insert_only)
        self._update_fields = tuple(name for name in self.fields if name not in kept)
        self.effective = effective
        self._seen: dict[str, int] = {}
        self._known_any: bool | None = None
        self._after_rowid = 0
        #: Rows match only records of this round (:meth:`within_round`), or any.
        self._round: str | None = None
        self._ids = _TimeOrderedIds()
        (key,) = pair_keys(conn, [pair_id]).values()
        self._rows = _CreateRows(key, scope, self.fields)
        self._rows.prepare(conn)
        self._update = (
            update(_SUPPORTER)
            .where(_SUPPORTER.c.id == bindparam("_id"))
            .values(
                {
                    name: bindparam(name)
                    for name in (
                        *self._update_fields,
                        "effective_status",
                        "effective_reasons",
                        "updated_at",
                    )
                }
            )
        )

    def write(self, rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], BulkStats]:
        """Upsert one batch; returns the record id of every row (in order) and counts.

        Each row maps field names to Python values (dates as ``date``, reasons as
        lists); it must carry every field of ``fields``.
        """
        now = utcnow()
        stamp = storage_text(now)
        existing = self._existing([str(row["nik"]) for row in rows])
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        changed: dict[str, tuple[int, dict[str, list[Any]]]] = {}
        ids: list[str] = []
        stats = BulkStats()
        fresh_ids = iter(self._ids.take(len(rows)))
        for row in rows:
            nik = str(row["nik"])
            matches = existing.get(nik, ())
            if self._known_any is False:
                occurrence = 0  # the pair had no rows: nothing to match, nothing to count
            else:
                occurrence = self._seen.get(nik, 0)
                self._seen[nik] = occurrence + 1
            if occurrence < len(matches):
                record = matches[occurrence]
                ids.append(record["id"])
                diff = self._diff(record, row)
                if not diff:
                    stats.unchanged += 1
                    continue
                updates.append(self._update_params(record, row, now))
                changed[record["id"]] = (int(record["version"]), diff)
                stats.updated += 1
            else:
                record_id = next(fresh_ids)
                ids.append(record_id)
                inserts.append(self._rows.create(record_id, row, stamp))
                stats.inserted += 1
        if inserts:
            self._rows.insert(self.conn, inserts)
        if updates:
            self.conn.execute(self._update, updates)
        coalesce_updates(self.conn, "supporter", self.scope, changed, now)
        return ids, stats

    def stored_form(self, constants: Mapping[str, Any]) -> StoredForm:
        """Converts rows for :meth:`insert_stored`: each a tuple of the values of its
        ``given`` fields (the writer's fields but ``constants``, which have one value
        for every row)."""
        return StoredForm(self._rows.form.kinds, constants)

    def insert_stored(self, rows: Sequence[Sequence[Any]], form: StoredForm) -> BulkStats:
        """Create one new record per row, each the tuple of ``form.given`` values
        (after :meth:`add_only`, where nothing is matched): what :meth:`write` does
        with the same rows as dicts, without making them dicts.

        Raises:
            RuntimeError: the writer matches rows by NIK (not :meth:`add_only`).
        """
        if self._known_any is not False:
            raise RuntimeError("stored rows are only inserted by an add-only writer")
        if rows:
            stamp = storage_text(utcnow())
            place = self._rows.place
            inserts = [
                place(record_id, stamp, form(row))
                for record_id, row in zip(self._ids.take(len(rows)), rows, strict=True)
            ]
            self._rows.insert(self.conn, inserts)
        return BulkStats(inserted=len(rows))

    def add_only(self, after_rowid: int) -> None:
        """Every row becomes a new record (a further part of the pair's list):
        nothing is matched by NIK, and :meth:`records_by_nik` finds only records
        after ``after_rowid`` (the pair's last rowid before this import)."""
        self._known_any = False
        self._after_rowid = after_rowid

    def within_round(self, arrival: str) -> None:
        """Rows match by NIK only the pair's records of round ``arrival`` (a corrected
        list replacing that round's import): a row whose NIK only another round holds
        is a new record of this one, as each row belongs to the round it was submitted
        in (DOMAIN.md) and the replacement's preview counts it (``importers.replace``)."""
        self._round = arrival

    def records_at(self, rowids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The pair's live records with these rowids, by rowid (for :meth:`rewrite_many`;
        a rowid with no live record of the pair is left out). A few queries for
        thousands of rowids."""
        wanted = sorted(set(rowids))
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found.update(
                (int(record.pop("_rowid")), record)
                for record in self._records(_ROWID.in_(chunk), after=0, rowid=True)
            )
        return found

    def records_by_nik(self, niks: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The pair's live records with these NIKs, by NIK, each NIK's in insertion
        order (``[n]``: the record a file's n-th row with that NIK matched); rows this
        writer wrote count."""
        self._known_any = True  # rows written by this writer count
        return self._existing(list(niks))

    def rewrite_many(self, changes: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> int:
        """Update known records, each ``(record, row)`` with ``row`` (each record at
        most once; the outbox coalesced; a record whose values are the same is left
        alone): one
        ``executemany`` of the updates and one coalescing of their outbox entries,
        instead of a statement or three per record (an import's late duplicate flags:
        942 records of a 1.2M-row file took 1.7 s one by one). Returns how many changed."""
        now = utcnow()
        params: list[dict[str, Any]] = []
        changed: dict[str, tuple[int, dict[str, list[Any]]]] = {}
        for record, row in changes:
            diff = self._diff(record, row)
            if diff:
                params.append(self._update_params(record, row, now))
                changed[record["id"]] = (int(record["version"]), diff)
        if params:
            self.conn.execute(self._update, params)
            coalesce_updates(self.conn, "supporter", self.scope, changed, now)
        return len(params)

    # -- rows ------------------------------------------------------------------------

    def _update_params(
        self, record: Mapping[str, Any], row: Mapping[str, Any], now: dt.datetime
    ) -> dict[str, Any]:
        values = {name: row[name] for name in self._update_fields}
        status, reasons = self.effective(
            str(row.get("check_status", "")), list(row.get("check_reasons", ())), record
        )
        values.update(
            _id=record["id"], effective_status=status, effective_reasons=reasons, updated_at=now
        )
        return values

    def _diff(self, record: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, list[Any]]:
        changes: dict[str, tuple[Any, Any]] = {}
        for name in self._update_fields:
            old, new = record[name], row[name]
            if isinstance(old, list) or isinstance(new, list | tuple):
                if list(old or ()) != list(new or ()):
                    changes[name] = (old, new)
            elif old != new:
                changes[name] = (old, new)
        return encode_changes("supporter", changes)

    # -- queries ---------------------------------------------------------------------

    def _existing(self, niks: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The pair's live records with these NIKs, in insertion order, by NIK."""
        wanted = sorted(set(niks))
        found: dict[str, list[dict[str, Any]]] = {}
        if not self._has_any():
            return found
        in_round = None if self._round is None else of_round(self._round)
        for start in range(0, len(wanted), _CHUNK):
            condition: ColumnElement[bool] = _SUPPORTER.c.nik.in_(wanted[start : start + _CHUNK])
            if in_round is not None:
                condition = condition & in_round
            for record in self._records(condition):
                found.setdefault(record["nik"], []).append(record)
        return found

    def _records(
        self, condition: ColumnElement[bool], after: int | None = None, rowid: bool = False
    ) -> list[dict[str, Any]]:
        """The pair's live records matching ``condition`` with a rowid above ``after``
        (default: :meth:`add_only`'s), by NIK then insertion order (``rowid``: with
        their rowid as ``_rowid``)."""
        columns: list[ColumnElement[Any]] = [
            _SUPPORTER.c[name] for name in ("id", "version", "nik", *self.fields)
        ]
        columns += [_SUPPORTER.c[name] for name in _EFFECTIVE_INPUTS if name not in self.fields]
        if rowid:
            columns.append(_ROWID.label("_rowid"))
        query = (
            select(*columns)
            .where(
                _SUPPORTER.c.pair_id == self.pair_id,
                condition,
                _SUPPORTER.c.deleted.is_(False),
                _ROWID > (self._after_rowid if after is None else after),
            )
            .order_by(_SUPPORTER.c.nik, _ROWID)
        )
        return [dict(record) for record in self.conn.execute(query).mappings()]

    def _has_any(self) -> bool:
        known = self._known_any
        if known is None:
            first = self.conn.execute(
                select(_SUPPORTER.c.id).where(_SUPPORTER.c.pair_id == self.pair_id).limit(1)
            ).first()
            known = first is not None
            self._known_any = known
        return known


def of_round(arrival: str) -> ColumnElement[bool]:
    """Supporters that arrived in round ``arrival`` (rows of files older than rounds,
    with no round, are the submission's)."""
    same: ColumnElement[bool] = _SUPPORTER.c.round == arrival
    if arrival == Round.SUBMISSION.value:
        same = or_(same, _SUPPORTER.c.round == "")
    return same


class _TimeOrderedIds:
    """UUIDs of version 7 (RFC 9562): a millisecond timestamp, a sequence, random bits.

    Ids made in order sort in order, so the primary-key and outbox indexes grow at
    their right edge instead of taking a random page per row: a large import
    writes far fewer index pages. Still unique across devices (62 random bits per
    id on top of the time).
    """

    def __init__(self) -> None:
        self._last_ms = 0

    def take(self, count: int) -> list[str]:
        start = max(int(time.time() * 1000), self._last_ms + 1)
        self._last_ms = start + count // 4096
        pool = os.urandom(8 * count).hex()
        ids: list[str] = []
        append = ids.append
        for first in range(0, count, 4096):  # 4096 sequence numbers per millisecond
            head = f"{start + (first >> 12):012x}"
            head = f"{head[:8]}-{head[8:]}-"
            for i in range(first, min(count, first + 4096)):
                at = 16 * i
                append(
                    f"{head}{_SEQUENCE[i & 0xFFF]}-{_VARIANT[pool[at]]}{pool[at + 1 : at + 4]}"
                    f"-{pool[at + 4 : at + 16]}"
                )
        return ids


#: "7" (the version) and the sequence number, for each of 4096 ids in a millisecond.
_SEQUENCE = [f"7{seq:03x}" for seq in range(4096)]
#: A random hex digit -> the variant digit (binary 10xx) keeping its two low bits.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


class _CreateRows:
    """New supporters and their create mutations, a batch at a time.

    Supporters: one ``executemany`` that binds only what differs per row (id,
    stamp, the fields, the effective status); the columns that are the same for
    every row of the writer (pair, scope, version, defaults) are literals that
    SQLAlchemy renders into the statement when it compiles it (once per writer).
    Values are stored exactly as the column types store them (dates
    ``YYYY-MM-DD``, datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``, booleans 0/1, JSON
    as text), so ORM reads see the same thing.

    Mutations: one ``INSERT ... SELECT`` per batch over the supporters the batch
    just inserted (rowid above the largest before it, in rowid order = row order).
    Each ``changes`` is the same short marker (``{"$record": [null, MASK]}``); read
    as a mutation it becomes, byte for byte, what :data:`~silon_desktop.storage.stored_form.ENCODE` writes for
    ``{"pair_id": [null, pair], field: [null, new], ...}`` (a test compares them).
    No Python work per mutation. The mutation id is a
    version 7 UUID: the record id's time, sequence and variant with 48 fresh
    random bits, so it also sorts in creation order.

    Both statements are SQLAlchemy constructs compiled once (:class:`ManyStatement`).
    """

    def __init__(self, pair_key: int, scope: str, fields: Sequence[str]) -> None:
        """``pair_key``: the pair's local number (``models.pair_keys``), the stored value."""
        self.plan = [(name, _kind(_SUPPORTER.c[name])) for name in fields]
        #: A row's stored values but its id and stamp.
        self.form = StoredForm(dict(self.plan))
        bound = ["id", "updated_at", *fields, "effective_status", "effective_reasons"]
        constants: dict[str, Any] = {
            c.name: _stored_default(c) for c in _SUPPORTER.columns if c.name not in bound
        }
        constants.update(pair_id=pair_key, scope=scope, version=0, deleted=0)
        values: dict[str, Any] = {name: bindparam(name, None) for name in bound}
        values.update({name: _constant(name, value) for name, value in constants.items()})
        self.supporters = ManyStatement(lambda: insert(_SUPPORTER).values(values), literals=True)
        self.outbox = ManyStatement(lambda: self._mutations(scope), literals=True)
        self.bound = bound
        self.order: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None
        #: Where the NIK lies in a row made by :meth:`create` (set by prepare()).
        self.nik_at: int | None = None

    def _mutations(self, scope: str) -> Executable:
        """``INSERT INTO outbox (...) SELECT ... FROM supporter WHERE rowid > :after``.

        Each create's ``changes`` is a marker (:mod:`~silon_desktop.storage.record_changes`):
        its values are read from the record when it leaves the device, not copied here.
        """
        fields = ("pair_id", *(name for name, _ in self.plan))
        changes = _text(record_changes.ENCODE(record_changes.marker("supporter", fields)))
        record_id = type_coerce(_SUPPORTER.c.id, Text)
        selected: dict[str, ColumnElement[Any]] = {
            "mutation_id": func.substr(record_id, _number(1), _number(24)).op("||")(
                func.lower(func.hex(func.randomblob(_number(6))))
            ),
            "entity": _text("supporter"),
            "record_id": record_id,
            "scope": _text(scope),
            "op": _text(Op.UPSERT.value),
            "base_version": _number(0),
            "changes": changes,
            "state": _text(State.PENDING.value),
            "created_at": type_coerce(_SUPPORTER.c.updated_at, Text),
            "updated_at": type_coerce(_SUPPORTER.c.updated_at, Text),
        }
        columns = [c.name for c in _OUTBOX.columns if c.name != "seq"]
        query = (
            select(*[selected.get(name, null()) for name in columns])
            .where(_ROWID > bindparam("after", None))
            .order_by(_ROWID)
        )
        return insert(_OUTBOX).from_select(columns, query)

    def create(self, record_id: str, row: Mapping[str, Any], stamp: str) -> tuple[Any, ...]:
        """The bound values of one new supporter, in the statement's order."""
        return self.place(record_id, stamp, self.form.of_row(row))

    def place(self, record_id: str, stamp: str, stored: tuple[Any, ...]) -> tuple[Any, ...]:
        """The bound values of one new supporter from its stored values (a
        :class:`StoredForm`'s, for this writer's fields)."""
        assert self.order is not None  # set by prepare() when the writer is made
        return self.order((record_id, stamp, *stored))

    def prepare(self, conn: Connection) -> None:
        """Learn the compiled statement's parameter order (once)."""
        if self.order is None:
            _, names = self.supporters.sql(conn)
            position = [self.bound.index(name) for name in names]
            self.nik_at = names.index("nik") if "nik" in names else None
            if position == list(range(len(self.bound))):
                self.order = _same
            else:
                self.order = operator.itemgetter(*position)

    def insert(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """Insert the supporters made by :meth:`create` and one create mutation each,
        in NIK order (rows of one NIK as they came: a sort that keeps ties in order).

        Why in NIK order: an import into a pair with no supporters, and a snapshot
        installed into a fresh client, build the table's indexes after the rows, each
        by one sort over the table in the order the rows were inserted (rowid order;
        the snapshot's records come in the feed's order, which is this one). SQLite
        sorts them in memory by merging linked lists, and lists already in order are
        merged in the order they lie in memory. Two encrypted clients that installed
        a million supporters (bench_scale's file, whose rows go round-robin over the
        kecamatan), the four indexes built again on each: 8.8 s in all with each 2,000
        rows in NIK order, against 10.9 s as the file had them (NIK 1.7 against 2.4 s,
        kecamatan 2.2 against 2.7 s, desa 2.3 against 3.4 s: a NIK's first six digits
        name its kecamatan; names 2.4-2.7 s either way). Nothing reads a pair's rows in
        rowid order but to break ties, and the k-th row of a NIK stays the k-th record
        of that NIK, which a later re-import of the corrected file matches by."""
        if self.nik_at is not None:
            # A new list: a failed sort would leave a list half sorted (ties too).
            with contextlib.suppress(TypeError):  # NIKs not all text: as they came
                rows = sorted(rows, key=operator.itemgetter(self.nik_at))
        last = conn.execute(select(func.max(_ROWID)).select_from(_SUPPORTER)).scalar()
        self.supporters.run_tuples(conn, rows)
        self.outbox.run(conn, [{"after": last or 0}])


def _text(value: str) -> ColumnElement[str]:
    """A constant text, rendered into the statement by SQLAlchemy when compiled."""
    constant: ColumnElement[str] = literal(value, Text, literal_execute=True)
    return constant


def _number(value: int) -> ColumnElement[int]:
    """A constant number, rendered into the statement by SQLAlchemy when compiled."""
    constant: ColumnElement[int] = literal(value, Integer, literal_execute=True)
    return constant


def _constant(name: str, value: Any) -> ColumnElement[Any]:
    """A column's constant value in storage form, rendered into the statement."""
    if value is None:
        nothing: ColumnElement[Any] = null()
        return nothing
    kind = Text if isinstance(value, str) else Integer
    return bindparam(f"_const_{name}", value, type_=kind, literal_execute=True)


def _same(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return values


def _kind(column: Any) -> int:
    type_ = column.type
    if isinstance(type_, UtcDateTime | DateTime):
        raise ValueError(f"bulk writes of datetime column {column.name} are not supported")
    if isinstance(type_, Date):
        return DATE
    if isinstance(type_, Boolean):
        return FLAG
    if isinstance(type_, JSON):
        return JSON_KIND
    return PLAIN


def _stored_default(column: Any) -> Any:
    """The column's Python-side default as SQLite stores it (None without one)."""
    default = column.default
    if default is None:
        return None
    value = default.arg({}) if default.is_callable else default.arg
    if isinstance(column.type, JSON):
        return ENCODE(value)
    if isinstance(column.type, Boolean):
        return 1 if value else 0
    if isinstance(value, dt.datetime | dt.date):
        return None  # set per row
    return value
