"""Conversions between local rows, Python values and wire records.

- :func:`check_values`: the store's own guard on values coming from the
  operator (types, column lengths, control characters), before the domain's
  rules; refuses with :class:`ValidationError` naming the field.
- :func:`row_to_wire`: a row's fields as wire values (``sync.protocol`` codecs).
  The other way, server records into local rows, is the sync client's apply
  stage (``sync.client.apply``, conversions in ``sync.client.columns``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table

from silon_desktop.storage.errors import ValidationError
from silon_desktop.storage.models import LOCAL_COLUMNS, SYNCED_MODELS, SyncedMixin
from silon_desktop.storage.types import aware_utc
from sync.protocol import (
    ENTITIES,
    EntitySpec,
    FieldSpec,
    FieldType,
    JsonValue,
    encode_value,
)

#: C0 and C1 control characters (tab and line breaks allowed: multi-line
#: addresses; the domain is stricter per field) and lone surrogates, which
#: cannot even be stored as UTF-8.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: Longest text of a column without a declared length.
_MAX_TEXT = 10_000
_MAX_INT = 2**63 - 1
_MAX_LIST_ITEMS = 64
_MAX_LIST_ITEM_LEN = 64
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A scope is the region of an election: a province ("32") or a kab/kota ("32.14").
_SCOPE = re.compile(r"\d{2}(\.\d{2})?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def entity_spec(entity: object) -> EntitySpec:
    """The protocol spec of ``entity``; ValidationError when there is no such entity."""
    if not isinstance(entity, str) or entity not in ENTITIES:
        raise ValidationError(str(entity)[:40], "unknown_entity")
    return ENTITIES[entity]


def model_for(entity: str) -> type[SyncedMixin]:
    entity_spec(entity)
    return SYNCED_MODELS[entity]


def new_row(entity: str, **columns: Any) -> SyncedMixin:
    """A new (transient) row of ``entity`` with the given column values."""
    model: Any = model_for(entity)
    row: SyncedMixin = model(**columns)
    return row


def table_for(entity: str) -> Table:
    table: Table = model_for(entity).__table__  # type: ignore[attr-defined]
    return table


def check_scope(scope: object) -> str:
    if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
        raise ValidationError("scope", "invalid_value")
    return scope


def check_record_id(record_id: object) -> str:
    if not isinstance(record_id, str) or not _UUID.fullmatch(record_id):
        raise ValidationError("id", "invalid_value")
    return record_id.lower()


def check_values(entity: str, values: object) -> dict[str, Any]:
    """The operator's values for ``entity`` checked and normalised to column values.

    Accepts Python values (``date``, ``datetime``, ``list[str]``) and, for dates
    and datetimes, their ISO text. Text ``None`` becomes ``""``, list ``None``
    becomes ``[]``.

    Raises:
        ValidationError: the first field at fault (unknown, server-owned, wrong
            type, too long, control characters, invalid date).
    """
    spec = entity_spec(entity)
    if not isinstance(values, Mapping):
        raise ValidationError(entity, "wrong_type")
    table = table_for(entity)
    checked: dict[str, Any] = {}
    for name, value in values.items():
        field = _field(spec, name)
        checked[field.name] = _check(field, value, _length(table, field.name))
    return checked


def _field(spec: EntitySpec, name: object) -> FieldSpec:
    if not isinstance(name, str):
        raise ValidationError(repr(name)[:40], "unknown_field")
    if name in LOCAL_COLUMNS:
        raise ValidationError(name, "read_only")
    try:
        field = spec.spec(name)
    except KeyError:
        raise ValidationError(name[:40], "unknown_field") from None
    if field.server_owned:
        raise ValidationError(name, "read_only")
    return field


def _length(table: Table, name: str) -> int | None:
    length = getattr(table.c[name].type, "length", None)
    return int(length) if length else None


def _check(field: FieldSpec, value: Any, length: int | None) -> Any:
    kind = field.type
    if kind is FieldType.STR:
        return _check_text(field.name, "" if value is None else value, length)
    if kind is FieldType.INT:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(field.name, "wrong_type")
        if abs(value) > _MAX_INT:
            raise ValidationError(field.name, "out_of_range")
        return value
    if kind is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValidationError(field.name, "wrong_type")
        return value
    if kind is FieldType.DATE:
        return _check_date(field.name, value)
    if kind is FieldType.DATETIME:
        return _check_datetime(field.name, value)
    return _check_list(field.name, [] if value is None else value)


def _check_text(name: str, value: Any, length: int | None) -> str:
    if not isinstance(value, str):
        raise ValidationError(name, "wrong_type")
    if len(value) > (length or _MAX_TEXT):
        raise ValidationError(name, "too_long")
    if _CONTROL.search(value):
        raise ValidationError(name, "control_chars")
    return value


def _check_date(name: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ValidationError(name, "wrong_type")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValidationError(name, "wrong_type")
    if not _ISO_DATE.fullmatch(value):
        raise ValidationError(name, "invalid_date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(name, "invalid_date") from None


def _check_datetime(name: str, value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) > 40:
            raise ValidationError(name, "invalid_date")
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(name, "invalid_date") from None
    if not isinstance(value, dt.datetime):
        raise ValidationError(name, "wrong_type")
    return aware_utc(value)


def _check_list(name: str, value: Any) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise ValidationError(name, "wrong_type")
    if len(value) > _MAX_LIST_ITEMS:
        raise ValidationError(name, "too_long")
    return [_check_text(name, item, _MAX_LIST_ITEM_LEN) for item in value]


def row_to_dict(row: SyncedMixin) -> dict[str, Any]:
    """Every column of a row as Python values (lists copied)."""
    table: Table = row.__table__  # type: ignore[attr-defined]
    out: dict[str, Any] = {}
    for column in table.columns:
        value = getattr(row, column.key)
        out[column.key] = list(value) if isinstance(value, list) else value
    return out


def row_to_wire(entity: str, row: SyncedMixin | Mapping[str, Any]) -> dict[str, JsonValue]:
    """The wire fields of a row (an ORM object or a mapping of column values)."""
    spec = entity_spec(entity)
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    return {f.name: encode_value(f, get(f.name)) for f in spec.fields}
