"""Create mutations that take their values from the record when they leave the device.

A bulk import used to copy every supporter's values into its create mutation:
the outbox held each row twice (about 820 bytes per supporter, more than the
row itself). Now the bulk writer (``storage.bulk``) stores a create as a
*marker*, ``{"$record": [null, MASK]}``: MASK says which fields the create sets
(bit i = ``ENTITIES[entity].client_fields[i]``); their values are read from the
record itself, in SQL, whenever the mutation is read as a mutation (claimed
for a push, exported to a bundle, compared with a server record):
``{field: [null, value]}`` for every field of the mask, byte for byte the text
the eager create had (SQLite's ``json_quote``; a test compares).

Why that is the same mutation: a create that has not left the device is
coalesced with every later edit of its record (``outbox.merge_changes``), so
what it would carry is exactly the record's current value of each field it
sets, with ``old = null``. Later edits of OTHER fields stay in the stored
changes beside the marker, as before, and are added to the expansion. Once
claimed, a mutation is answered by its id (the server keeps its answer), so a
resend after a crash may read newer values without changing what was filed;
the signed receipts name mutation ids and results, not values.

Readers that want field NAMES only (the record history, the archive of
acknowledged mutations, the fields a waiting mutation keeps on top) use
:func:`field_names`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Connection,
    DateTime,
    Table,
    Text,
    case,
    func,
    literal,
    select,
    type_coerce,
)

from silon_desktop.storage.models import PairRef, Supporter, pair_uuid
from silon_desktop.storage.types import UtcDateTime
from sync.protocol import ENTITIES

#: How the outbox's JSON column writes a value (SQLAlchemy's default ``json.dumps``).
ENCODE = json.JSONEncoder(check_circular=False, ensure_ascii=False, separators=(", ", ": ")).encode
#: The key of the marker in a create's ``changes``: never a field name.
MARKER = "$record"
#: Entities whose creates may be markers (the bulk writer's).
_TABLES: dict[str, Table] = {"supporter": Supporter.__table__}  # type: ignore[dict-item]
_CHUNK = 500  # ids per IN (...) clause


def mask_of(entity: str, fields: Iterable[str]) -> int:
    """The mask of these fields (each must be a client field of ``entity``)."""
    order = ENTITIES[entity].client_fields
    mask = 0
    for name in fields:
        mask |= 1 << order.index(name)
    return mask


def fields_of(entity: str, mask: int) -> tuple[str, ...]:
    """The fields a mask names, in the entity's client-field order."""
    order = ENTITIES[entity].client_fields
    return tuple(name for i, name in enumerate(order) if mask >> i & 1)


def marker(entity: str, fields: Iterable[str]) -> dict[str, list[Any]]:
    """The changes of a create whose values are read from the record."""
    return {MARKER: [None, mask_of(entity, fields)]}


def is_marked(changes_text: str | None) -> bool:
    """Whether a stored ``changes`` text holds a marker (a cheap text test)."""
    return bool(changes_text) and f'"{MARKER}"' in str(changes_text)


def field_names(entity: str, changes: Mapping[str, Any] | None) -> list[str]:
    """The fields a mutation's changes set, a marker's fields included."""
    names: list[str] = []
    for name, pair in (changes or {}).items():
        if name == MARKER:
            names += fields_of(entity, int(pair[1] or 0))
        else:
            names.append(name)
    return sorted(set(names))


@cache
def changes_sql(entity: str, mask: int) -> ColumnElement[str]:
    """SQL building ``{field: [null, value], ...}`` from the entity's row: the same
    text :data:`ENCODE` writes for those values in wire form."""
    table = _TABLES[entity]
    parts: list[ColumnElement[Any]] = []
    for name in fields_of(entity, mask):
        column = table.c[name]
        kind = column.type
        value: ColumnElement[Any]
        if isinstance(kind, UtcDateTime | DateTime):
            raise ValueError(f"{name}: datetime fields cannot be read into a create")
        if isinstance(kind, Boolean):
            value = case((column.is_(True), text_("true")), else_=text_("false"))
        elif isinstance(kind, PairRef):  # stored as the pair's local number
            value = func.json_quote(pair_uuid(column))
        elif isinstance(kind, JSON):
            # stored as ENCODE(value): the same text nested
            value = func.coalesce(type_coerce(column, Text), text_("null"))
        else:  # text, numbers, dates (stored as YYYY-MM-DD): json_quote
            value = func.json_quote(column)
        parts += [text_(("{" if not parts else "], ") + ENCODE(name) + ": [null, "), value]
    parts.append(text_("]}" if len(parts) else "{}"))
    changes = parts[0]
    for part in parts[1:]:
        changes = changes.op("||")(part)
    return changes


def text_(value: str) -> ColumnElement[str]:
    """A constant text, rendered into the statement by SQLAlchemy when compiled."""
    constant: ColumnElement[str] = literal(value, Text, literal_execute=True)
    return constant


def expand(conn: Connection, entity: str, items: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The full ``changes`` text of marked creates, read from their records.

    Args:
        items: ``(record id, stored changes text)`` of mutations with a marker.

    Returns:
        record id -> the changes text with every field of the marker read from the
        record (``[null, value]``) and the other stored changes kept; a record that
        is gone keeps its other stored changes only.
    """
    if not items:
        return {}
    table = _TABLES[entity]
    stored = {record_id: orjson.loads(text) for record_id, text in items}
    by_mask: dict[int, list[str]] = {}
    for record_id, changes in stored.items():
        by_mask.setdefault(int(changes[MARKER][1] or 0), []).append(record_id)
    out: dict[str, str] = {}
    for mask, ids in by_mask.items():
        expression = changes_sql(entity, mask)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for record_id, text in conn.execute(
                select(table.c.id, expression).where(table.c.id.in_(chunk))
            ):
                out[str(record_id)] = text
    for record_id, changes in stored.items():
        extra = {k: v for k, v in changes.items() if k != MARKER}
        text = out.get(record_id)
        if text is None:
            out[record_id] = ENCODE(extra)
        elif extra:
            full = orjson.loads(text)
            for name, pair in extra.items():
                full.setdefault(name, pair)  # a field of the marker: the record's value
            out[record_id] = ENCODE(full)
    return out
