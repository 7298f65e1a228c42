"""Local synced tables and the conversion between wire values and their columns.

Shared by the apply path (:mod:`sync.client_apply`), the rebase of pending local
edits (:mod:`sync.client_rebase`), the push answers and conflict resolution.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, select

from silon_desktop.storage.models import SYNCED_MODELS, Conflict, OutboxMutation
from sync.client_rows import Converter
from sync.protocol import ENTITIES, FieldSpec, FieldType, Record, decode_value, encode_value

outbox_t: Table = OutboxMutation.__table__  # type: ignore[assignment]
conflict_t: Table = Conflict.__table__  # type: ignore[assignment]


def table_of(entity: str) -> Table:
    return SYNCED_MODELS[entity].__table__  # type: ignore[attr-defined, no-any-return]


def to_column(spec: FieldSpec, value: Any, nullable: bool) -> Any:
    """A wire value as the value stored in the local column."""
    if value is None and not nullable:
        return _BLANKS[spec.type]
    decoded = decode_value(spec, value)
    if isinstance(decoded, dt.datetime) and decoded.tzinfo is not None:
        decoded = decoded.astimezone(dt.UTC).replace(tzinfo=None)
    return decoded


def to_wire(spec: FieldSpec, value: Any) -> Any:
    """A local column value as its wire value."""
    return encode_value(spec, value)


_BLANKS: dict[FieldType, Any] = {
    FieldType.STR: "",
    FieldType.INT: 0,
    FieldType.BOOL: False,
    FieldType.LIST: [],
    FieldType.DATE: None,
    FieldType.DATETIME: None,
}


def _converter(spec: FieldSpec, nullable: bool) -> Converter:
    """A fast wire -> column conversion for one field (the common types pass through)."""
    blank = None if nullable else _BLANKS[spec.type]
    plain = {FieldType.STR: str, FieldType.BOOL: bool, FieldType.LIST: list, FieldType.INT: int}
    wanted = plain.get(spec.type)
    if wanted is not None:

        def passthrough(value: Any) -> Any:
            if value is None:
                return blank
            if type(value) is wanted:
                return value
            return to_column(spec, value, nullable)  # validates, raises ValueError

        return passthrough
    if spec.type is FieldType.DATE:

        def date(value: Any) -> Any:
            return blank if value is None else dt.date.fromisoformat(value)

        return date

    def other(value: Any) -> Any:
        return blank if value is None else to_column(spec, value, nullable)

    return other


class _Columns:
    """Per-entity conversion of wire fields to column values (cached)."""

    _cache: dict[str, list[tuple[str, FieldSpec, bool]]] = {}
    _converters: dict[str, list[tuple[str, Converter]]] = {}

    @classmethod
    def of(cls, entity: str) -> list[tuple[str, FieldSpec, bool]]:
        cols = cls._cache.get(entity)
        if cols is None:
            table = table_of(entity)
            cols = [(f.name, f, bool(table.c[f.name].nullable)) for f in ENTITIES[entity].fields]
            cls._cache[entity] = cols
        return cols

    @classmethod
    def converters(cls, entity: str) -> list[tuple[str, Converter]]:
        convs = cls._converters.get(entity)
        if convs is None:
            convs = [(n, _converter(spec, nullable)) for n, spec, nullable in cls.of(entity)]
            cls._converters[entity] = convs
        return convs


def record_values(rec: Record, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Column values of a record's fields (all of them, or only ``names``)."""
    fields = rec.fields
    if names is None:
        return {name: conv(fields.get(name)) for name, conv in _Columns.converters(rec.entity)}
    wanted = set(names)
    return {
        name: conv(fields.get(name))
        for name, conv in _Columns.converters(rec.entity)
        if name in wanted
    }


def local_wire(conn: Connection, entity: str, record_id: str) -> dict[str, Any] | None:
    """A local record's fields in wire form (None when unknown)."""
    table = table_of(entity)
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None:
        return None
    return {name: to_wire(spec, row[name]) for name, spec, _ in _Columns.of(entity)}
