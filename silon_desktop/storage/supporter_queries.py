"""Paged, filtered and counted supporter queries for the million-row table and the dashboard.

Plain SQLAlchemy Core, no Qt: the UI's table model adapts :class:`SupporterQuery`
and never writes SQL itself.

Paging never OFFSET-scans the table rows: a block is found by keyset from a
neighbouring block already seen (``(sort key, rowid) > last key``), and only a
jump into unknown territory uses OFFSET, over the covering index alone and from
whichever end of the result is nearer, before the block's rows are read by
rowid. Opening a pair, filtering by a NIK prefix and jumping to the end each read
a few hundred index entries, whatever the size of the pair.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from sys import intern
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from silon_desktop.domain.codes import Status
from silon_desktop.domain.rules import Round, RuleSet
from silon_desktop.domain.supporters import counted_choices
from silon_desktop.storage.db import read_only
from silon_desktop.storage.derived import pair_rule_set
from silon_desktop.storage.models import Supporter

_T = Supporter.__table__
_ROWID = sa.literal_column("supporter.rowid", sa.Integer)

#: Columns the table may be sorted by; each leads an index on (pair_id, deleted,
#: column[, nik]) after the equality columns, so ordering live rows needs no
#: temporary sort (kecamatan and desa sort by NIK within, see ``SupporterSort``).
SORTABLE: tuple[str, ...] = ("nik", "name", "desa_code", "kecamatan_code", "effective_status")

STATUSES: tuple[str, ...] = ("MS", "BMS", "TMS")

#: The order of a sort by status, ascending: not yet verified, BMS, MS, TMS (the
#: stored statuses' own order in the index).
_STATUS_ORDER: tuple[str, ...] = ("", "BMS", "MS", "TMS")

#: Columns a table row carries (a summary; the form reads the whole record).
ROW_COLUMNS: tuple[str, ...] = (
    "id",
    "nik",
    "name",
    "birth_date",
    "sex",
    "desa_code",
    "kecamatan_code",
    "kabkota_code",
    "effective_status",
    "effective_reasons",
    "admin_by",
    "admin_at",
    "field_method",
    "version",
    "deleted",
    "public_objection",
)


@dataclass(frozen=True, slots=True)
class SupporterFilter:
    """What the operator narrowed the table to; empty strings mean no condition.

    Attributes:
        nik_prefix: the NIK starts with these digits.
        name: the name contains this text (in any case, with or without accents,
            apostrophes ignored).
        desa_code: exact kelurahan/desa code.
        kecamatan_code: exact kecamatan code.
        status: effective status (MS, BMS, TMS) or "-" for not yet checked.
        reason: a reason code among the effective reasons.
        objection: only rows a citizen objected to ("ada tanggapan masyarakat").
        round: the round the row was handed in (submission, correction_1,
            correction_2; a row stored without one is a submission row).
    """

    nik_prefix: str = ""
    name: str = ""
    desa_code: str = ""
    kecamatan_code: str = ""
    status: str = ""
    reason: str = ""
    objection: bool = False
    round: str = ""


@dataclass(frozen=True, slots=True)
class SupporterSort:
    column: str = "nik"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.column not in SORTABLE:
            raise ValueError(f"cannot sort supporters by {self.column!r}")

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns ordered by, before the rowid tie-breaker."""
        if self.column in _THEN_BY_NIK:
            return (self.column, "nik")
        return (self.column,)


@dataclass(frozen=True, slots=True)
class SupporterRow:
    """One table row as plain data (safe to hand across threads)."""

    rowid: int
    id: str
    nik: str
    name: str
    birth_date: dt.date | None
    sex: str
    desa_code: str
    kecamatan_code: str
    kabkota_code: str
    effective_status: str
    effective_reasons: str
    admin_by: str
    admin_at: dt.datetime | None
    field_method: str
    version: int
    deleted: bool = False
    #: A citizen's objection from the public pages is open (server-owned flag).
    public_objection: bool = False
    #: ``effective_status`` as it counts (:func:`counted_status`): what the table
    #: shows, as the counts above it and the dashboard count it ("" unverified); the
    #: sort by status orders by it too (:meth:`SupporterQuery._runs`).
    counted_status: str = ""

    @property
    def reasons(self) -> list[str]:
        return [r for r in self.effective_reasons.split(",") if r]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Apostrophes a name is typed or imported with (the keyboard's, Word's, a backtick):
#: the name filter ignores them on both sides, as ``domain.text.fold`` does, so
#: "nur'aini" and "nuraini" find a NUR'AINI imported with Word's right quote.
_APOSTROPHES = ("'", "`", "\u2018", "\u2019", "\u02bc")


def _without_apostrophes(value: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    for mark in _APOSTROPHES:
        value = sa.func.replace(value, mark, "", type_=sa.String)
    return value


def _letter_classes() -> dict[str, str]:
    """Each ASCII letter (upper case) -> every Latin letter written on it, in both
    cases ("E" -> "EeÈÉÊË...èéêë..."): a GLOB class matching it."""
    found: dict[str, set[str]] = {}
    for code in range(0x41, 0x250):
        letter = chr(code)
        base = unicodedata.normalize("NFKD", letter)[:1]
        if letter.isalpha() and base.isascii() and base.isalpha():
            found.setdefault(base.upper(), set()).add(letter)
    return {base: "".join(sorted(letters)) for base, letters in found.items()}


_LETTER_CLASSES = _letter_classes()


def _single_spaced(value: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """``value`` with each run of up to 32 spaces made one (each pass halves a run)."""
    for _ in range(5):
        value = sa.func.replace(value, "  ", " ", type_=sa.String)
    return value


def _name_contains(text: str) -> sa.ColumnElement[bool]:
    """The name holds ``text``, apostrophes left out, in any case, with or without
    accents ("andre" and "andré" find ANDRÉ), whatever runs of spaces either has
    ("siti aminah" finds a SITI  AMINAH kept from an older import or typed by hand).
    SQLite's LIKE folds ASCII letters only: a name with an apostrophe, a letter beyond
    ASCII or a double space (few) is matched again by a GLOB with a class per letter,
    which folds all of them, on the name with its spaces single; the others cost the
    LIKE and two or three cheap tests (a scan of the pair's rows, as before)."""
    typed = " ".join("".join(char for char in text if char not in _APOSTROPHES).split())
    pattern = []
    for char in typed:
        letters = _LETTER_CLASSES.get(unicodedata.normalize("NFKD", char)[:1].upper())
        if letters:
            pattern.append(f"[{letters}]")
        elif char in "*?[":
            pattern.append(f"[{char}]")  # GLOB's own characters, as themselves
        else:
            pattern.append(char)
    plain = _T.c.name.like(f"%{_escape_like(typed)}%", escape="\\")
    # A letter beyond ASCII (more bytes than characters) or an ASCII apostrophe: cheap
    # tests, where a GLOB of "any other character" took six times the LIKE's time.
    tests = [
        sa.func.length(sa.cast(_T.c.name, sa.LargeBinary)) != sa.func.length(_T.c.name),
        sa.func.instr(_T.c.name, "'") > 0,
        sa.func.instr(_T.c.name, "`") > 0,
    ]
    name = _without_apostrophes(_T.c.name)
    if " " in typed:  # only words typed apart meet a double space between them
        tests.append(sa.func.instr(_T.c.name, "  ") > 0)
        name = _single_spaced(name)
    unusual = sa.or_(*tests)
    folded = name.op("GLOB")(f"*{''.join(pattern)}*")
    return sa.or_(plain, sa.and_(unusual, folded))


def _conditions(
    pair_id: str, flt: SupporterFilter, live_only: bool = True, rules: RuleSet | None = None
) -> list[sa.ColumnElement[bool]]:
    cond: list[sa.ColumnElement[bool]] = [_T.c.pair_id == pair_id]
    if live_only:
        cond.append(_T.c.deleted.is_(False))
    if flt.nik_prefix:
        # A range, not LIKE: it uses the (pair_id, nik) index.
        cond.append(_T.c.nik >= flt.nik_prefix)
        cond.append(_T.c.nik < flt.nik_prefix + "\uffff")
    if flt.name:
        cond.append(_name_contains(flt.name))
    if flt.desa_code:
        cond.append(_T.c.desa_code == flt.desa_code)
    if flt.kecamatan_code:
        cond.append(_T.c.kecamatan_code == flt.kecamatan_code)
    if flt.status == "-":
        cond.append(_T.c.effective_status == "")
    elif flt.status and rules is not None:
        # As the status counts (status_counts): the stored statuses it may come from
        # first, so the (pair, deleted, effective_status) index still narrows the rows.
        cond.append(_T.c.effective_status.in_(_counted_from(rules, flt.status)))
        cond.append(counted_status(rules) == flt.status)
    elif flt.status:
        cond.append(_T.c.effective_status == flt.status)
    if flt.objection:
        cond.append(_T.c.public_objection.is_(True))
    if flt.round:
        # No index of its own: the pair's rows in the sort's index order, each row's
        # round read beside (as the name filter does); "" is a submission row.
        wanted = [flt.round, ""] if flt.round == Round.SUBMISSION.value else [flt.round]
        cond.append(_T.c.round.in_(wanted))
    if flt.reason:
        cond.append(
            (sa.literal(",") + _T.c.effective_reasons + sa.literal(",")).like(
                f"%,{_escape_like(flt.reason)},%", escape="\\"
            )
        )
    return cond


def _row(mapping: Any) -> SupporterRow:
    # The codes, statuses and names a page repeats row after row are interned: the
    # table's cached blocks then hold one string of each instead of one per row
    # (about 300 bytes a row; the model keeps up to 64 blocks of 200).
    return SupporterRow(
        rowid=int(mapping["rowid"]),
        id=mapping["id"],
        nik=mapping["nik"] or "",
        name=mapping["name"] or "",
        birth_date=mapping["birth_date"],
        sex=intern(mapping["sex"] or ""),
        desa_code=intern(mapping["desa_code"] or ""),
        kecamatan_code=intern(mapping["kecamatan_code"] or ""),
        kabkota_code=intern(mapping["kabkota_code"] or ""),
        effective_status=intern(mapping["effective_status"] or ""),
        effective_reasons=intern(mapping["effective_reasons"] or ""),
        admin_by=intern(mapping["admin_by"] or ""),
        admin_at=mapping["admin_at"],
        field_method=intern(mapping["field_method"] or ""),
        version=int(mapping["version"] or 0),
        deleted=bool(mapping["deleted"]),
        public_objection=bool(mapping["public_objection"]),
        counted_status=intern(mapping.get("counted_status") or mapping["effective_status"] or ""),
    )


#: A row's place in an order: its sort columns' values, then its rowid.
Key = tuple[Any, ...]

#: Sorts whose rows tie on whole regions break ties by NIK before the rowid: the
#: (pair_id, deleted, kecamatan_code/desa_code, nik) indexes give that order.
_THEN_BY_NIK = frozenset({"kecamatan_code", "desa_code"})


@dataclass(slots=True)
class _Block:
    rows: list[SupporterRow]
    first: Key
    last: Key


@dataclass(slots=True)
class SupporterQuery:
    """One pair's supporters under one filter and sort, read by position.

    Cheap to create; ``count()`` is cached until :meth:`invalidate`. Not thread
    safe: use one per thread (the UI thread's table model holds its own).

    ``live_only`` (what the supporters table uses) leaves tombstones (deleted
    supporters) out, as counts and the dashboard do: the supporter indexes are on
    (pair_id, deleted, column), so live rows are read, counted and ordered from
    the index alone. With ``live_only=False`` tombstones are included, but a sort
    then needs a temporary B-tree over the whole pair (seconds on a million rows):
    for small pairs and tests only.

    Args:
        engine: the local database engine.
        pair_id: the candidate pair.
        flt: the filter.
        sort: the order.
        block_size: rows read per block.
    """

    engine: Engine
    pair_id: str
    flt: SupporterFilter = field(default_factory=SupporterFilter)
    sort: SupporterSort = field(default_factory=SupporterSort)
    block_size: int = 200
    live_only: bool = False
    _count: int | None = None
    _keys: dict[int, tuple[Key, Key]] = field(default_factory=dict)
    #: The sort by status: the rows of each run (:meth:`_runs`), counted on a jump.
    _run_counts: list[int] = field(default_factory=list)
    #: The rule set of the pair's election, read once a status filter needs it.
    _rules: RuleSet | None = None

    def invalidate(self) -> None:
        """Forget counts and block keys (after an edit or a sync)."""
        self._count = None
        self._keys.clear()
        self._run_counts.clear()

    def count(self) -> int:
        if self._count is None:
            self._count = self.counter()()
        return self._count

    @property
    def known_count(self) -> int | None:
        """The row count when it was counted (or given), else None."""
        return self._count

    def set_count(self, count: int) -> None:
        """The row count counted elsewhere (:meth:`counter` on another thread)."""
        self._count = count

    def counter(self) -> Callable[[], int]:
        """A function that counts this query's rows, callable from any thread (it
        reads nothing of this object's state when called)."""
        engine = self.engine
        stmt = sa.select(sa.func.count()).select_from(_T).where(*self._where())

        def count() -> int:
            with read_only(engine).connect() as conn:
                return int(conn.execute(stmt).scalar_one())

        return count

    def block(self, index: int) -> list[SupporterRow]:
        """The rows of block ``index`` (positions ``index*block_size`` onwards).

        The first block needs no count: a table can show its first rows before
        the rows of a million-row pair are counted (each counted page costs a
        decryption on an encrypted database)."""
        start = index * self.block_size
        if self.sort.column == "effective_status":
            return self._status_block(index, start)
        if index == 0 and self._count is None:
            with read_only(self.engine).connect() as conn:
                stmt = sa.select(_ROWID).select_from(_T).where(*self._where())
                stmt = stmt.order_by(*self._order(False)).limit(self.block_size)
                rows = self._rows_by_rowid(conn, [int(r) for r in conn.execute(stmt).scalars()])
            if len(rows) < self.block_size:
                self._count = len(rows)  # all of them: the count is known for free
            if rows:
                self._keys[0] = (self._key(rows[0]), self._key(rows[-1]))
            return rows
        total = self.count()
        if start >= total:
            return []
        with read_only(self.engine).connect() as conn:
            rowids = self._block_rowids(conn, index, start, total)
            rows = self._rows_by_rowid(conn, rowids)
        if rows:
            self._keys[index] = (self._key(rows[0]), self._key(rows[-1]))
        return rows

    def position_of(self, record_id: str) -> int | None:
        """The row position of a record under this filter and sort, or None."""
        if self.sort.column == "effective_status":
            return self._status_position(record_id)
        with read_only(self.engine).connect() as conn:
            found = conn.execute(
                sa.select(*(_T.c[c] for c in self.sort.columns), _ROWID).where(
                    *self._where(), _T.c.id == record_id
                )
            ).first()
            if found is None:
                return None
            before = self._after_or_before((*found[:-1], int(found[-1])), after=False)
            stmt = sa.select(sa.func.count()).select_from(_T).where(*self._where(), before)
            return int(conn.execute(stmt).scalar_one())

    # -- internals -------------------------------------------------------

    @property
    def rules(self) -> RuleSet:
        """The rule set of the pair's election (read once): what a status counts as."""
        if self._rules is None:
            with read_only(self.engine).connect() as conn:
                self._rules = pair_rule_set(conn, self.pair_id)
        return self._rules

    def _where(self) -> list[sa.ColumnElement[bool]]:
        rules = self.rules if self.flt.status in STATUSES else None
        return _conditions(self.pair_id, self.flt, self.live_only, rules)

    def _key(self, row: SupporterRow) -> Key:
        return (*(getattr(row, c) for c in self.sort.columns), row.rowid)

    def _order(self, reverse: bool) -> list[sa.ColumnElement[Any]]:
        desc = self.sort.descending != reverse
        cols = [*(_T.c[c] for c in self.sort.columns), _ROWID]
        return [c.desc() if desc else c.asc() for c in cols]

    def _after_or_before(self, key: Key, *, after: bool) -> sa.ColumnElement[bool]:
        """Rows strictly after (or before) ``key`` in this query's order."""
        forward = after != self.sort.descending
        left = sa.tuple_(*(_T.c[c] for c in self.sort.columns), _ROWID)
        right = sa.tuple_(*(sa.literal(v) for v in key))
        return left > right if forward else left < right

    def _block_rowids(self, conn: Connection, index: int, start: int, total: int) -> list[int]:
        size = min(self.block_size, total - start)
        base = sa.select(_ROWID).select_from(_T).where(*self._where())
        if index - 1 in self._keys:
            stmt = base.where(self._after_or_before(self._keys[index - 1][1], after=True))
            stmt = stmt.order_by(*self._order(False)).limit(size)
            return [int(r) for r in conn.execute(stmt).scalars()]
        if index + 1 in self._keys:
            stmt = base.where(self._after_or_before(self._keys[index + 1][0], after=False))
            stmt = stmt.order_by(*self._order(True)).limit(size)
            return [int(r) for r in conn.execute(stmt).scalars()][::-1]
        if start <= total - start - size:
            stmt = base.order_by(*self._order(False)).limit(size).offset(start)
            return [int(r) for r in conn.execute(stmt).scalars()]
        from_end = total - start - size
        stmt = base.order_by(*self._order(True)).limit(size).offset(from_end)
        return [int(r) for r in conn.execute(stmt).scalars()][::-1]

    # -- the sort by status ------------------------------------------------------

    def _runs(self) -> list[list[sa.ColumnElement[bool]]]:
        """The sort by status as the table shows it (:func:`counted_status`: belum
        diverifikasi, BMS, MS, TMS; the reverse when descending), in runs: each run is
        one stored status of the (pair_id, deleted, effective_status) index, in rowid
        order, and where that stored status may count as another (a BMS that counts
        TMS), the rows of it that count as the run's status. A row stored BMS and
        counted TMS therefore comes among the TMS rows (before those stored TMS), not
        among the BMS ones: ordering by the ``CASE`` itself would sort the whole pair
        in a temporary B-tree, a run is read from the index a block at a time."""
        rules = self.rules
        counted = counted_status(rules)
        runs: list[list[sa.ColumnElement[bool]]] = []
        for shown in _STATUS_ORDER:
            for stored in _STATUS_ORDER:
                if stored != shown and (not shown or stored not in _counted_from(rules, shown)):
                    continue
                run = [_T.c.effective_status == stored]
                if stored and _may_count_as_another(rules, stored):
                    run.append(counted == shown)
                runs.append(run)
        return runs[::-1] if self.sort.descending else runs

    def _run_rows(
        self, conn: Connection, run: int, after: int | None, limit: int, *, backwards: bool = False
    ) -> list[Key]:
        """Up to ``limit`` keys (run, rowid) of run ``run`` in the sort's order (the
        reverse with ``backwards``), after (or before) the row ``after``."""
        forward = self.sort.descending == backwards
        stmt = sa.select(_ROWID).select_from(_T).where(*self._where(), *self._runs()[run])
        if after is not None:
            stmt = stmt.where(_ROWID > after if forward else _ROWID < after)
        stmt = stmt.order_by(_ROWID.asc() if forward else _ROWID.desc()).limit(limit)
        return [(run, int(r)) for r in conn.execute(stmt).scalars()]

    def _counts_of_runs(self, conn: Connection) -> list[int]:
        if not self._run_counts:
            runs = self._runs()
            self._run_counts[:] = [
                int(
                    conn.execute(
                        sa.select(sa.func.count()).select_from(_T).where(*self._where(), *run)
                    ).scalar_one()
                )
                for run in runs
            ]
            self._count = sum(self._run_counts)
        return self._run_counts

    def _status_keys(self, conn: Connection, index: int, start: int) -> list[Key]:
        size, runs = self.block_size, len(self._runs())
        keys: list[Key] = []
        if index == 0 or index - 1 in self._keys:
            run, after = self._keys[index - 1][1] if index else (0, None)
            for run in range(run, runs):  # noqa: B020 - on from the last key's run
                keys += self._run_rows(conn, run, after, size - len(keys))
                after = None
                if len(keys) >= size:
                    break
            return keys
        if index + 1 in self._keys:
            run, before = self._keys[index + 1][0]
            for run in range(run, -1, -1):  # noqa: B020
                keys += self._run_rows(conn, run, before, size - len(keys), backwards=True)
                before = None
                if len(keys) >= size:
                    break
            return keys[::-1]
        # A jump: the run holding ``start``, by the runs' counts, then OFFSET in it.
        offset = start
        for run, count in enumerate(self._counts_of_runs(conn)):
            if offset >= count:
                offset -= count
                continue
            stmt = sa.select(_ROWID).select_from(_T).where(*self._where(), *self._runs()[run])
            if offset < count - offset:
                order = _ROWID.desc() if self.sort.descending else _ROWID.asc()
                stmt = stmt.order_by(order).limit(size).offset(offset)
                keys = [(run, int(r)) for r in conn.execute(stmt).scalars()]
            else:  # nearer the run's end: read from there
                take = min(size, count - offset)
                order = _ROWID.asc() if self.sort.descending else _ROWID.desc()
                stmt = stmt.order_by(order).limit(take).offset(count - offset - take)
                keys = [(run, int(r)) for r in conn.execute(stmt).scalars()][::-1]
            for later in range(run + 1, len(self._run_counts)):
                if len(keys) >= size:
                    break
                keys += self._run_rows(conn, later, None, size - len(keys))
            return keys
        return []

    def _status_block(self, index: int, start: int) -> list[SupporterRow]:
        if index and self.count() <= start:
            return []
        with read_only(self.engine).connect() as conn:
            keys = self._status_keys(conn, index, start)
            rows = self._rows_by_rowid(conn, [rowid for _run, rowid in keys])
        if index == 0 and self._count is None and len(rows) < self.block_size:
            self._count = len(rows)  # all of them: the count is known for free
        if keys and len(rows) == len(keys):
            self._keys[index] = (keys[0], keys[-1])
        return rows

    def _status_position(self, record_id: str) -> int | None:
        with read_only(self.engine).connect() as conn:
            found = conn.execute(sa.select(_ROWID).where(*self._where(), _T.c.id == record_id))
            rowid = found.scalar()
            if rowid is None:
                return None
            counts = self._counts_of_runs(conn)
            for run, conditions in enumerate(self._runs()):
                mine = sa.select(_ROWID).where(_ROWID == rowid, *conditions)
                if conn.execute(mine).first() is None:
                    continue
                before = _ROWID > rowid if self.sort.descending else _ROWID < rowid
                stmt = sa.select(sa.func.count()).select_from(_T)
                stmt = stmt.where(*self._where(), *conditions, before)
                return sum(counts[:run]) + int(conn.execute(stmt).scalar_one())
        return None

    def _rows_by_rowid(self, conn: Connection, rowids: Sequence[int]) -> list[SupporterRow]:
        if not rowids:
            return []
        cols = [
            _ROWID.label("rowid"),
            *(_T.c[c] for c in ROW_COLUMNS),
            counted_status(self.rules).label("counted_status"),
        ]
        stmt = sa.select(*cols).where(_ROWID.in_(list(rowids)))
        by_rowid = {int(m["rowid"]): _row(m) for m in conn.execute(stmt).mappings()}
        return [by_rowid[r] for r in rowids if r in by_rowid]


def counted_status(rules: RuleSet) -> sa.ColumnElement[str]:
    """A supporter's ``effective_status`` as it counts: a BMS where the verdict that
    counts offers no BMS is TMS (:meth:`RuleSet.status_within`), counted so, never
    stored. A person never gives such a BMS (the desktop and the server refuse it);
    the server's DUPLICATE_EXTERNAL flag, which the rule set makes BMS, makes one of a
    row counted by its field verdict (field verification ends in MS or TMS) or of a
    correction round's row (its administrative verification is its last). The choices
    are the domain's (:func:`~silon_desktop.domain.supporters.counted_choices`, for a
    row whose field verdict counts and for one whose administrative verdict does, in
    each round), written as one ``CASE``."""
    field = sa.and_(_T.c.admin_status == Status.MS.value, _T.c.field_status != "")
    cases = []
    for arrival in Round:
        wanted = [arrival.value, ""] if arrival is Round.SUBMISSION else [arrival.value]
        rows = _T.c.round.in_(wanted)
        cases.append((sa.and_(field, rows), counted_choices("MS", "MS", arrival, rules)))
        cases.append((sa.and_(sa.not_(field), rows), counted_choices("", "", arrival, rules)))
    whens = [
        (sa.and_(_T.c.effective_status == status.value, where), counted.value)
        for status in Status
        for where, choices in cases
        if (counted := rules.status_within(status, choices)) is not status
    ]
    return sa.case(*whens, else_=_T.c.effective_status) if whens else _T.c.effective_status


def _choices(rules: RuleSet) -> list[tuple[Status, ...]]:
    """The choices of every verdict that may count (:func:`counted_status`)."""
    verdicts = (("MS", "MS"), ("", ""))  # the field verdict counts; the office's does
    return [counted_choices(a, f, r, rules) for r in Round for a, f in verdicts]


def _may_count_as_another(rules: RuleSet, stored: str) -> bool:
    """Whether a row stored ``stored`` may count as another status (a BMS as TMS)."""
    return any(rules.status_within(Status(stored), c).value != stored for c in _choices(rules))


def _counted_from(rules: RuleSet, status: str) -> list[str]:
    """The stored statuses a row counted ``status`` (:func:`counted_status`) may have."""
    return [
        s.value
        for s in Status
        if s.value == status
        or any(rules.status_within(s, c).value == status for c in _choices(rules))
    ]


def status_counts(engine: Engine, pair_id: str) -> dict[str, int]:
    """Supporters of a pair by the status that counts, as it counts
    (:func:`counted_status`, as on the dashboard and in the minutes): keys MS, BMS,
    TMS, "-" (unchecked), total.

    One pass over the (pair, deleted, effective_status) index: a row's other columns
    are read only where its stored status may count as another (BMS)."""
    stored = _T.c.effective_status
    with read_only(engine).connect() as conn:
        counted = counted_status(pair_rule_set(conn, pair_id))
        # Grouped in the index's order (no temporary B-tree); the rows that count as
        # another status are summed beside, per status they count as.
        moved = [
            sa.func.sum(sa.case((sa.and_(stored != status, counted == status), 1), else_=0))
            for status in STATUSES
        ]
        stmt = (
            sa.select(stored, sa.func.count(), *moved)
            .where(_T.c.pair_id == pair_id, _T.c.deleted.is_(False))
            .group_by(stored)
        )
        counts = dict.fromkeys((*STATUSES, "-"), 0)
        for status, n, *into in conn.execute(stmt):
            counts[status if status in STATUSES else "-"] += int(n) - sum(int(m) for m in into)
            for target, m in zip(STATUSES, into, strict=True):
                counts[target] += int(m)
    counts["total"] = sum(counts.values())
    return counts


def objection_count(engine: Engine, pair_id: str) -> int:
    """Live supporters of a pair with an open citizen's objection (index on the flag)."""
    stmt = sa.select(sa.func.count()).where(
        _T.c.pair_id == pair_id, _T.c.deleted.is_(False), _T.c.public_objection.is_(True)
    )
    with read_only(engine).connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def counts_by_subregion(engine: Engine, pair_id: str, level: str) -> dict[str, dict[str, int]]:
    """Supporters by kecamatan (``level="kecamatan"``) or kab/kota, then by status."""
    col = _T.c.kecamatan_code if level == "kecamatan" else _T.c.kabkota_code
    stmt = (
        sa.select(col, _T.c.effective_status, sa.func.count())
        .where(_T.c.pair_id == pair_id, _T.c.deleted.is_(False))
        .group_by(col, _T.c.effective_status)
    )
    out: dict[str, dict[str, int]] = {}
    with read_only(engine).connect() as conn:
        for code, status, n in conn.execute(stmt):
            bucket = out.setdefault(code or "", dict.fromkeys((*STATUSES, "-"), 0))
            bucket[status if status in STATUSES else "-"] += int(n)
    return out


def reason_counts(engine: Engine, pair_id: str) -> dict[str, int]:
    """How often each reason code appears among a pair's effective reasons."""
    stmt = (
        sa.select(_T.c.effective_reasons, sa.func.count())
        .where(_T.c.pair_id == pair_id, _T.c.deleted.is_(False), _T.c.effective_reasons != "")
        .group_by(_T.c.effective_reasons)
    )
    out: dict[str, int] = {}
    with read_only(engine).connect() as conn:
        for reasons, n in conn.execute(stmt):
            for code in str(reasons).split(","):
                if code:
                    out[code] = out.get(code, 0) + int(n)
    return out


def subregions_in_use(engine: Engine, pair_id: str, level: str) -> list[str]:
    """Distinct kecamatan (or kab/kota) codes among a pair's live supporters, for filter pickers."""
    col = _T.c.kecamatan_code if level == "kecamatan" else _T.c.kabkota_code
    stmt = (
        sa.select(col)
        .where(_T.c.pair_id == pair_id, _T.c.deleted.is_(False))
        .group_by(col)
        .order_by(col)
    )
    with read_only(engine).connect() as conn:
        return [str(c) for c in conn.execute(stmt).scalars() if c]


def database_stats(engine: Engine) -> dict[str, int]:
    """Rows per table of the local database, for the helpdesk's diagnostics."""
    from silon_desktop.storage.models import Base

    out: dict[str, int] = {}
    with read_only(engine).connect() as conn:
        for name, table in sorted(Base.metadata.tables.items()):
            out[name] = int(
                conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            )
    return out
