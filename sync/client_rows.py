"""Server records as rows in SQLite storage form, for the bulk apply path.

Pulling a hundred thousand supporters is bound by per-row work in Python, so the
plain case of a page (records with no local edit waiting) skips SQLAlchemy's
per-parameter processing: values are converted once into what SQLAlchemy itself
would store (dates ``YYYY-MM-DD``, datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``
naive UTC, booleans 0/1, lists as JSON text) and written with the DBAPI
``executemany`` of a statement compiled by SQLAlchemy from the table (bound
parameters only; no SQL is built from strings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Table, bindparam, insert, update

from sync.protocol import ENTITIES, FieldSpec, FieldType, Record

#: SQLAlchemy's storage format of DateTime on SQLite.
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
RECORD_COLUMNS = ("id", "scope", "version", "deleted", "updated_at")

Converter = Callable[[Any], Any]
DeriveFn = Callable[[str, dict[str, Any]], dict[str, Any]]


def storage_text(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime(DATETIME_FORMAT)


def _wrong(spec: FieldSpec, value: Any) -> ValueError:
    return ValueError(f"{spec.name}: unexpected value {value!r:.40}")


def storage_converter(spec: FieldSpec, nullable: bool) -> Converter:
    """Wire value -> stored value of one field (raises ValueError on a wrong type).

    One plain function call per value: this runs millions of times in a large pull.
    """
    kind = spec.type
    if kind is FieldType.STR or kind is FieldType.INT:
        wanted: type = str if kind is FieldType.STR else int
        blank = None if nullable or kind is FieldType.INT else ""

        def plain(v: Any) -> Any:
            if v is None:
                return blank
            if type(v) is wanted:
                return v
            raise _wrong(spec, v)

        return plain
    if kind is FieldType.BOOL:
        empty = None if nullable else 0

        def boolean(v: Any) -> Any:
            if v is None:
                return empty
            if type(v) is bool:
                return int(v)
            raise _wrong(spec, v)

        return boolean
    if kind is FieldType.LIST:
        nothing = None if nullable else "[]"

        def listing(v: Any) -> Any:
            if v is None:
                return nothing
            if type(v) is list:
                return orjson.dumps(v).decode() if v else "[]"
            raise _wrong(spec, v)

        return listing
    if kind is FieldType.DATE:
        return lambda v: None if v is None else dt.date.fromisoformat(v).isoformat()
    return lambda v: (
        None if v is None else storage_text(dt.datetime.fromisoformat(v.replace("Z", "+00:00")))
    )


class BulkRows:
    """Insert and update statements of one entity's table, and rows for them.

    Args:
        conn: the connection (for its dialect).
        table: the entity's table.
        entity: the entity name.
        derived: local derived columns the ``derive`` function fills.
    """

    def __init__(self, conn: Connection, table: Table, entity: str, derived: Sequence[str]) -> None:
        spec = ENTITIES[entity]
        self.entity = entity
        self.fields = [
            (f.name, storage_converter(f, bool(table.c[f.name].nullable))) for f in spec.fields
        ]
        self.derived = tuple(derived)
        names = [*RECORD_COLUMNS, *(n for n, _ in self.fields), *self.derived]
        ins = insert(table).values({n: bindparam(n) for n in names}).compile(dialect=conn.dialect)
        self.insert_sql = str(ins)
        self.insert_order = list(ins.positiontup or [])
        upd = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({n: bindparam(n) for n in names if n != "id"})
            .compile(dialect=conn.dialect)
        )
        self.update_sql = str(upd)
        self.update_order = list(upd.positiontup or [])

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
        if inserts:
            order = self.insert_order
            conn.exec_driver_sql(self.insert_sql, [tuple(r[k] for k in order) for r in inserts])
        if updates:
            order = self.update_order
            conn.exec_driver_sql(self.update_sql, [tuple(r[k] for k in order) for r in updates])

    def columnar_inserts(
        self,
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
        for name in self.insert_order:
            if name in converters:
                plan.append((index.get(name, -1), converters[name]))
            elif name in constants:
                plan.append((-1, _constant(constants[name])))
            elif name in self.derived:
                plan.append((width + self.derived.index(name), _same))
            else:  # id, scope, version
                plan.append((index[name], _same))
        out: list[tuple[Any, ...]] = []
        for row in rows:
            full = list(row)
            if self.derived:
                extra = derive(self.entity, dict(zip(columns, row, strict=True))) if derive else {}
                full += [extra.get(name, "") for name in self.derived]
            out.append(tuple([conv(full[i] if i >= 0 else None) for i, conv in plan]))
        return out

    def insert_tuples(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            conn.exec_driver_sql(self.insert_sql, rows)


_compiled: dict[str, tuple[str, list[str]]] = {}


def execute_many(
    conn: Connection, key: str, build: Callable[[], Any], rows: list[dict[str, Any]]
) -> None:
    """DBAPI executemany of a statement SQLAlchemy compiles once (cached by ``key``);
    ``rows`` hold storage-form values by bind parameter name."""
    if not rows:
        return
    found = _compiled.get(key)
    if found is None:
        compiled = build().compile(dialect=conn.dialect)
        found = _compiled[key] = (str(compiled), list(compiled.positiontup or []))
    sql, order = found
    conn.exec_driver_sql(sql, [tuple(r[k] for k in order) for r in rows])


def _same(value: Any) -> Any:
    return value


def _constant(value: Any) -> Converter:
    def constant(_ignored: Any) -> Any:
        return value

    return constant
