"""Local synced tables and the one conversion of wire values to their columns.

:func:`to_column` is the rule: a wire null becomes the column's blank (None
when the column is nullable, else "" / 0 / False / []); anything else is
decoded by :func:`sync.protocol.decode_value` (ValueError when it does not fit),
datetimes aware in UTC (the column type stores them as naive UTC). :func:`column_converter` is the same rule
with the common types passed through without a call; :func:`storage_converter`
goes one step further, to the form SQLAlchemy's SQLite types store (dates
``YYYY-MM-DD``, datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``, booleans 0/1, lists
as JSON text), for the bulk apply path (:class:`BulkRows`), which runs
statements SQLAlchemy compiled once with the DBAPI ``executemany``: pulling a
hundred thousand supporters is bound by per-value work in Python.

The other direction, a local row's fields as wire values, is
:func:`silon_desktop.storage.records.row_to_wire` (:func:`local_wire`).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, Integer, Table, Text, bindparam, insert, null, select, update

from silon_desktop.domain.supporters import PERSON_FIELDS
from silon_desktop.storage.compiled import ManyStatement
from silon_desktop.storage.models import SYNCED_MODELS, Conflict, PairRef, pair_keys
from silon_desktop.storage.records import row_to_wire
from silon_desktop.storage.types import aware_utc, storage_text
from sync.protocol import ENTITIES, FieldSpec, FieldType, Record, decode_value
from sync.snapshot import SameColumn

conflict_t: Table = Conflict.__table__  # type: ignore[assignment]

RECORD_COLUMNS = ("id", "scope", "version", "deleted", "updated_at")

Converter = Callable[[Any], Any]
#: (entity, the row's column values) -> local derived columns to set.
DeriveFn = Callable[[str, dict[str, Any]], dict[str, Any]]


def table_of(entity: str) -> Table:
    return SYNCED_MODELS[entity].__table__  # type: ignore[attr-defined, no-any-return]


_BLANKS: dict[FieldType, Any] = {
    FieldType.STR: "",
    FieldType.INT: 0,
    FieldType.BOOL: False,
    FieldType.LIST: [],
    FieldType.DATE: None,
    FieldType.DATETIME: None,
}
#: Types whose decoded value is the wire value itself.
_PLAIN = {FieldType.STR: str, FieldType.BOOL: bool, FieldType.LIST: list, FieldType.INT: int}


def to_column(spec: FieldSpec, value: Any, nullable: bool) -> Any:
    """A wire value as the value of its local column.

    Raises:
        ValueError: the value does not fit the field's type.
    """
    if value is None:
        return None if nullable else _BLANKS[spec.type]
    try:
        decoded = decode_value(spec, value)
    except ValueError as exc:
        message = str(exc)
        raise ValueError(
            message if message.startswith(spec.name) else f"{spec.name}: {exc}"
        ) from exc
    return aware_utc(decoded) if isinstance(decoded, dt.datetime) else decoded


def column_converter(spec: FieldSpec, nullable: bool) -> Converter:
    """:func:`to_column` for one field, the common types passed through."""
    blank = None if nullable else _BLANKS[spec.type]
    wanted = _PLAIN.get(spec.type)
    if wanted is not None:

        def passthrough(value: Any) -> Any:
            if value is None:
                return blank
            if type(value) is wanted:
                return value
            return to_column(spec, value, nullable)  # validates, raises ValueError

        passthrough.plain_type = wanted  # type: ignore[attr-defined]  # (_row_builder)
        passthrough.blank = blank  # type: ignore[attr-defined]
        return passthrough
    if spec.type is FieldType.DATE:

        def date(value: Any) -> Any:
            if value is None:
                return blank
            try:
                return dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                return to_column(spec, value, nullable)  # names the field

        return date

    def other(value: Any) -> Any:
        return blank if value is None else to_column(spec, value, nullable)

    return other


def storage_converter(spec: FieldSpec, nullable: bool) -> Converter:
    """:func:`to_column` for one field, then the value as SQLite stores it.

    One plain function call per value: this runs millions of times in a large pull.
    The function carries ``kind`` (the field's type) and ``blank`` (what a null
    stores) for :func:`storage_column`, which converts a whole column at once.
    """
    kind = spec.type
    if kind is FieldType.STR or kind is FieldType.INT:
        conv = column_converter(spec, nullable)  # stored as they are
    else:
        conv = _storage_other(spec, nullable)
    conv.kind = kind  # type: ignore[attr-defined]
    conv.stored_blank = _stored_blank(kind, nullable)  # type: ignore[attr-defined]
    return conv


def _stored_blank(kind: FieldType, nullable: bool) -> Any:
    if nullable:
        return None
    if kind is FieldType.LIST:
        return "[]"
    if kind is FieldType.BOOL:
        return 0
    return _BLANKS[kind]


def _storage_other(spec: FieldSpec, nullable: bool) -> Converter:
    kind = spec.type
    column = column_converter(spec, nullable)
    if kind is FieldType.BOOL:
        empty = None if nullable else 0

        def boolean(v: Any) -> Any:
            if v is None:
                return empty
            if type(v) is bool:
                return int(v)
            return int(column(v))

        return boolean
    if kind is FieldType.LIST:
        nothing = None if nullable else "[]"

        def listing(v: Any) -> Any:
            if v is None:
                return nothing
            if type(v) is not list:
                v = column(v)
            return orjson.dumps(v).decode() if v else "[]"

        return listing
    if kind is FieldType.DATE:
        return lambda v: None if v is None else column(v).isoformat()
    return lambda v: None if v is None else storage_text(column(v))


_NONE = type(None)
#: Field types whose common wire value is bound as it is (a bool binds as 0/1).
_BOUND_AS_IS: dict[FieldType, type] = {
    FieldType.STR: str,
    FieldType.INT: int,
    FieldType.BOOL: bool,
}


def storage_column(conv: Converter, values: list[Any]) -> Sequence[Any]:
    """A whole column of wire values in storage form: ``conv`` (a
    :func:`storage_converter`) over every value, with the common cases done by a
    few passes in C (one ``type()`` per value) instead of a call per value.

    Raises:
        ValueError: a value does not fit the field's type (from ``conv``).
    """
    count = len(values)
    if type(values) is SameColumn:  # the compact layout's value given once: converted once
        return SameColumn(conv(values.value), count)
    kind = getattr(conv, "kind", None)
    nones = values.count(None)
    if kind is None:
        return list(map(conv, values))
    if nones == count:
        return [conv.stored_blank] * count  # type: ignore[attr-defined]
    kinds = set(map(type, values))
    kinds.discard(_NONE)
    blank = conv.stored_blank  # type: ignore[attr-defined]
    wanted = _BOUND_AS_IS.get(kind)
    if wanted is not None and kinds == {wanted}:
        if not nones or blank is None:
            return values
        return [blank if v is None else v for v in values]
    if kind is FieldType.LIST and kinds == {list}:
        if not nones and not any(values):
            return ["[]"] * count  # every list empty: the common case
        # Each list's JSON text by two maps in C (orjson writes "[]" for an empty
        # list, as the converter stores it), then the nulls put back where they were.
        texts = list(map(bytes.decode, map(orjson.dumps, values)))
        at = -1
        for _ in range(nones):
            at = values.index(None, at + 1)
            texts[at] = blank
        return texts
    if kind is FieldType.DATE and kinds == {str}:
        present = [v for v in values if v is not None] if nones else values
        if _iso_dates(present):
            return values  # already YYYY-MM-DD (a null stays null: dates are nullable)
    return list(map(conv, values))


#: A date text's characters 4 and 7: both "-" in YYYY-MM-DD.
_DASHES = itemgetter(4, 7)


def _iso_dates(texts: list[str]) -> bool:
    """Whether every text is a valid date written YYYY-MM-DD, by passes in C: ten
    characters with dashes at 4 and 7 (not the ISO week form "2024-W01-1", which
    ``date.fromisoformat`` also reads) that ``date.fromisoformat`` accepts; was a
    round trip through ``isoformat`` and a compare, twice the CPU."""
    if set(map(len, texts)) != {10} or set(map(_DASHES, texts)) != {("-", "-")}:
        return False
    try:
        deque(map(dt.date.fromisoformat, texts), maxlen=0)
    except ValueError:
        return False  # the converter names the field
    return True


@cache
def _fields(entity: str) -> tuple[tuple[str, FieldSpec, bool], ...]:
    """(name, spec, nullable) of each field of the entity (the schema is fixed)."""
    table = table_of(entity)
    return tuple((f.name, f, bool(table.c[f.name].nullable)) for f in ENTITIES[entity].fields)


@cache
def _converters(entity: str) -> tuple[tuple[str, Converter], ...]:
    return tuple(
        (name, column_converter(spec, nullable)) for name, spec, nullable in _fields(entity)
    )


def record_values(rec: Record, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Column values of a record's fields (all of them, or only ``names``)."""
    fields = rec.fields
    if names is None:
        return {name: conv(fields.get(name)) for name, conv in _converters(rec.entity)}
    wanted = set(names)
    return {
        name: conv(fields.get(name)) for name, conv in _converters(rec.entity) if name in wanted
    }


def local_wire(conn: Connection, entity: str, record_id: str) -> dict[str, Any] | None:
    """A local record's fields in wire form (None when unknown)."""
    table = table_of(entity)
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    return None if row is None else row_to_wire(entity, dict(row))


class BulkRows:
    """Insert and update statements of one entity's table, and rows for them.

    Args:
        table: the entity's table.
        entity: the entity name.
        derived: local derived columns the ``derive`` function fills.
    """

    def __init__(self, table: Table, entity: str, derived: Sequence[str]) -> None:
        self.entity = entity
        self.fields = [
            (name, storage_converter(spec, nullable)) for name, spec, nullable in _fields(entity)
        ]
        self.derived = tuple(derived)
        names = [*RECORD_COLUMNS, *(n for n, _ in self.fields), *self.derived]
        self.table, self.names = table, names
        #: Columns stored as a pair's local number (``models.PairRef``): the rows
        #: carry the number (:meth:`_pair_keys`), bound as it is.
        self.pair_refs = tuple(n for n in names if isinstance(table.c[n].type, PairRef))
        self.inserts = ManyStatement(
            lambda: insert(table).values({n: self._bind(n) for n in names})
        )
        self._folded: dict[tuple[tuple[str, Any], ...], ManyStatement] = {}
        self.updates = ManyStatement(
            lambda: (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({n: self._bind(n) for n in names if n != "id"})
            )
        )

    def _bind(self, name: str) -> Any:
        """The parameter of a column: the stored form (a pair's number, not its UUID)."""
        if name in self.pair_refs:
            return bindparam(name, None, type_=Integer)
        return bindparam(name, None)

    def _pair_keys(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Each row's pair UUIDs replaced by their local numbers (made where missing:
        a feed page may bring a supporter before its pair)."""
        for name in self.pair_refs:
            keys = pair_keys(conn, {str(row[name]) for row in rows})
            for row in rows:
                row[name] = keys[str(row[name])]

    def values(self, rec: Record, now_text: str, derive: DeriveFn | None) -> dict[str, Any]:
        fields = rec.fields
        out = {name: conv(fields.get(name)) for name, conv in self.fields}
        out.update(
            id=rec.id,
            _id=rec.id,
            scope=rec.scope,
            version=rec.version,
            deleted=0,
            updated_at=now_text,
        )
        extra = derive(self.entity, fields) if derive is not None else {}
        for name in self.derived:
            out[name] = extra.get(name, "")
        return out

    def write(
        self, conn: Connection, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]
    ) -> None:
        if self.pair_refs:
            self._pair_keys(conn, [*inserts, *updates])
        self.inserts.run(conn, inserts)
        self.updates.run(conn, updates)

    def insert_columns(
        self,
        conn: Connection,
        columns: Sequence[str],
        arrays: Sequence[list[Any]],
        now_text: str,
        derive: DeriveFn | None,
    ) -> int:
        """Insert a block given as one array per column (the snapshot's column
        layout, or a feed page's rows turned into columns): each column converted
        at once (:func:`storage_column`), the derived columns computed once per
        distinct input (:func:`derive_columns`), and one ``executemany`` over the
        columns zipped in C. No tuple, dict or call per row in Python.

        Only for live records new to this machine with no local edit waiting.

        Raises:
            ValueError: a value does not fit its column (nothing of the block is written).
        """
        index = {c: i for i, c in enumerate(columns)}
        count = len(arrays[index["id"]]) if arrays else 0
        if not count:
            return 0
        stored: dict[str, Any] = {}
        for name in ("id", "scope"):
            stored[name] = _checked(arrays[index[name]], str, name)
        stored["version"] = _checked(arrays[index["version"]], int, "version")
        stored["deleted"] = [0] * count
        stored["updated_at"] = [now_text] * count
        for name, conv in self.fields:
            i = index.get(name)
            if i is None:  # a column an older server does not send: its blank
                stored[name] = [conv(None)] * count
            else:
                stored[name] = storage_column(conv, arrays[i])
        if self.derived:
            made = derive_columns(derive, self.entity, columns, arrays, stored, self.derived)
            stored.update(zip(self.derived, made, strict=True))
        for name in self.pair_refs:  # the pair's UUID stored as its number
            column = stored[name]
            keys = pair_keys(conn, map(str, set(column)))
            if type(column) is SameColumn:
                stored[name] = SameColumn(keys[str(column.value)], count)
            else:
                stored[name] = list(map(keys.__getitem__, map(str, column)))
        constants = _constants(stored, count)
        self._insert_for(constants).run_columns(conn, stored)
        return count

    def _insert_for(self, constants: tuple[tuple[str, Any], ...]) -> ManyStatement:
        """The insert statement with these columns' one value written into its text
        (SQLAlchemy renders the literals): a value the whole block shares is bound
        once, not once per row (most of a supporter's 47 columns in a large pull:
        the pair, the blank verdicts, the withdrawal fields)."""
        found = self._folded.get(constants)
        if found is None:
            if len(self._folded) >= _FOLDED_KEPT:
                self._folded.clear()
            fixed = dict(constants)
            table, names = self.table, self.names

            def build() -> Any:
                values = {n: _literal(n, fixed[n]) if n in fixed else self._bind(n) for n in names}
                return insert(table).values(values)

            found = self._folded[constants] = ManyStatement(build, literals=True)
        return found


#: Insert statements kept per set of folded constants (a sync run sees a few).
_FOLDED_KEPT = 32
#: Never written into a statement's text: a person's own fields, and the columns
#: that differ between blocks anyway.
_NOT_FOLDED = frozenset({*PERSON_FIELDS, "id", "updated_at", "nik", "name"})
#: Fewest rows of a block for its shared values to be written into the statement.
_FOLD_MIN_ROWS = 50
_FOLDABLE = {str, int, bool, type(None)}


def _constants(stored: dict[str, Any], count: int) -> tuple[tuple[str, Any], ...]:
    """The columns whose every value in the block is the same (one C pass each),
    with that value; none for a small block."""
    if count < _FOLD_MIN_ROWS:
        return ()
    out = []
    for name, values in stored.items():
        if name in _NOT_FOLDED:
            continue
        if type(values) is SameColumn:  # known the same, no pass over it
            if type(values.value) in _FOLDABLE:
                out.append((name, values.value))
            continue
        first = values[0]
        if type(first) in _FOLDABLE and values.count(first) == count:
            out.append((name, first))
    return tuple(out)


def _literal(name: str, value: Any) -> Any:
    """A constant in storage form, rendered into the statement by SQLAlchemy."""
    if value is None:
        return null()
    if isinstance(value, str):
        return bindparam(f"_fold_{name}", value, type_=Text, literal_execute=True)
    return bindparam(f"_fold_{name}", int(value), type_=Integer, literal_execute=True)


def _checked(values: list[Any], wanted: type, name: str) -> list[Any]:
    """``values`` when every one is exactly of type ``wanted`` (not a bool for int)."""
    if type(values) is SameColumn:
        if type(values.value) is not wanted:
            raise ValueError(f"{name}: expected {wanted.__name__}")
        return values
    if set(map(type, values)) - {wanted}:
        raise ValueError(f"{name}: expected {wanted.__name__}")
    return values


def derive_columns(
    derive: DeriveFn | None,
    entity: str,
    columns: Sequence[str],
    arrays: Sequence[list[Any]],
    stored: dict[str, Any],
    derived: Sequence[str],
) -> list[list[Any]]:
    """The ``derived`` columns of a block, ``derive`` called once per distinct input.

    A derive function that names the columns it reads (``derive.inputs``) is
    called once for each distinct combination of their stored values (a million
    supporters have a few hundred); without ``inputs``, once per row.
    """
    count = len(arrays[0])
    if derive is None:
        return [[""] * count for _ in derived]
    wanted = getattr(derive, "inputs", None)
    picks = [n for n in (wanted if wanted is not None else columns) if n in columns]
    where = {n: columns.index(n) for n in picks}
    if wanted is None:
        rows = zip(*(arrays[where[n]] for n in picks), strict=True)
        answers = [derive(entity, dict(zip(picks, row, strict=True))) for row in rows]
        return [[a.get(name, "") for a in answers] for name in derived]

    def answer(row: int) -> tuple[Any, ...]:
        found = derive(entity, {n: arrays[where[n]][row] for n in picks})
        return tuple(found.get(name, "") for name in derived)

    # Only the inputs that differ within the block make the key (one C pass each):
    # in a large block most are the same for every row (a pair, blank verdicts).
    varying = [
        n
        for n in picks
        if type(stored[n]) is not SameColumn and stored[n].count(stored[n][0]) != count
    ]
    if not varying:
        return [[value] * count for value in answer(0)]
    keys: list[Any] = (
        stored[varying[0]]
        if len(varying) == 1
        else list(zip(*(stored[n] for n in varying), strict=True))
    )
    # The first row of each distinct key (the dict keeps the last write: reversed).
    first = dict(zip(reversed(keys), range(count - 1, -1, -1), strict=True))
    by_key = {key: answer(row) for key, row in first.items()}
    per_row = list(map(by_key.__getitem__, keys))
    return [list(map(itemgetter(k), per_row)) for k in range(len(derived))]
