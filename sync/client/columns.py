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
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Connection, Table, bindparam, insert, select, update

from silon_desktop.storage.compiled import ManyStatement
from silon_desktop.storage.models import SYNCED_MODELS, Conflict
from silon_desktop.storage.records import row_to_wire
from silon_desktop.storage.types import aware_utc, storage_text
from sync.protocol import ENTITIES, FieldSpec, FieldType, Record, decode_value

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
    """
    kind = spec.type
    if kind is FieldType.STR or kind is FieldType.INT:
        return column_converter(spec, nullable)  # stored as they are
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
        self.inserts = ManyStatement(lambda: insert(table).values({n: bindparam(n) for n in names}))
        self.updates = ManyStatement(
            lambda: (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({n: bindparam(n) for n in names if n != "id"})
            )
        )

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
        self.inserts.run(conn, inserts)
        self.updates.run(conn, updates)

    def columnar_inserts(
        self,
        conn: Connection,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        now_text: str,
        derive: DeriveFn | None,
    ) -> list[tuple[Any, ...]]:
        """Insert parameter tuples straight from a columnar feed block's rows.

        Only for live records new to this machine with no local edit: the plain case
        of a large pull, done without building a record or a dict of values per row.
        """
        index = {c: i for i, c in enumerate(columns)}
        width = len(columns)
        converters = dict(self.fields)
        constants: dict[str, Any] = {"deleted": 0, "updated_at": now_text}
        plan: list[tuple[int, Converter]] = []
        for name in self.inserts.sql(conn)[1]:
            if name in converters:
                plan.append((index.get(name, -1), converters[name]))
            elif name in constants:
                plan.append((-1, _constant(constants[name])))
            elif name in self.derived:
                plan.append((width + self.derived.index(name), _same))
            else:  # id, scope, version
                plan.append((index[name], _same))
        build = _row_builder(plan)
        # The derive function reads a few columns: only those are handed to it.
        wanted = getattr(derive, "inputs", None)
        picks = (
            [(n, index[n]) for n in wanted if n in index]
            if wanted is not None
            else list(index.items())
        )
        out: list[tuple[Any, ...]] = []
        if not self.derived:
            return [build(row) for row in rows]
        for row in rows:
            extra = derive(self.entity, {n: row[i] for n, i in picks}) if derive else {}
            out.append(build([*row, *(extra.get(name, "") for name in self.derived)]))
        return out

    def insert_tuples(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        self.inserts.run_tuples(conn, rows)


def _same(value: Any) -> Any:
    return value


def _row_builder(
    plan: Sequence[tuple[int, Converter]],
) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """One function that builds an insert tuple from a columnar row (``plan``: the
    row index of each output value, -1 for none, and its converter).

    Generated once per feed block (as ``collections.namedtuple`` generates its
    class): a plain value of the column's common type (a string for a text
    column) is taken as it is, inline; anything else goes through its converter,
    which validates it. A million rows then cost one call each, not thirty.
    """
    scope: dict[str, Any] = {}
    parts: list[str] = []
    for k, (i, conv) in enumerate(plan):
        scope[f"c{k}"] = conv
        source = "None" if i < 0 else f"row[{i}]"
        plain = getattr(conv, "plain_type", None)
        if conv is _same:
            parts.append(source)
        elif plain is not None and i >= 0:
            scope[f"t{k}"], scope[f"b{k}"] = plain, getattr(conv, "blank", None)
            parts.append(f"(v if type(v := {source}) is t{k} else b{k} if v is None else c{k}(v))")
        else:
            parts.append(f"c{k}({source})")
    code = "def build(row):\n    return (" + ", ".join(parts) + ",)\n"
    exec(code, scope)  # noqa: S102 - the code is built above from column positions only
    build: Callable[[Sequence[Any]], tuple[Any, ...]] = scope["build"]
    return build


def _constant(value: Any) -> Converter:
    def constant(_ignored: Any) -> Any:
        return value

    return constant
