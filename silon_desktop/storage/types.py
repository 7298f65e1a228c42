"""Column types of the local store.

:class:`UtcDateTime` is the one datetime column type: every moment is stored as
naive UTC (SQLAlchemy's ``DateTime`` text on SQLite, ``YYYY-MM-DD
HH:MM:SS.ffffff``, as it always was: no schema change) and read back aware, in
UTC. It takes an aware datetime in any zone (converted to UTC) or a naive one
(taken as UTC), so no caller converts by hand. :func:`storage_text` is the same
conversion for the bulk paths that hand SQLite its stored text directly.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Any

from sqlalchemy import DateTime, Dialect, LargeBinary
from sqlalchemy.types import TypeDecorator

#: SQLAlchemy's storage format of DateTime on SQLite.
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """The moment as naive UTC (a naive moment is taken as UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def aware_utc(moment: dt.datetime) -> dt.datetime:
    """The moment as an aware datetime in UTC (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def storage_text(moment: dt.datetime) -> str:
    """The moment as :class:`UtcDateTime` stores it on SQLite."""
    return naive_utc(moment).strftime(DATETIME_FORMAT)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment: stored as naive UTC, read back aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"a datetime is needed, not {type(value).__name__}")
        return naive_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        return aware_utc(moment)


#: First byte of a :class:`PackedJSON` value: zlib of the JSON text follows. Any other
#: first byte is the JSON text itself (rows written before revision 0011).
PACKED_V1 = b"\x01"


def pack_json(value: Any) -> bytes:
    """A JSON value as :class:`PackedJSON` stores it."""
    return PACKED_V1 + zlib.compress(json.dumps(value).encode("utf-8"), 6)


def unpack_json(stored: str | bytes | memoryview) -> Any:
    """The JSON value of a stored :class:`PackedJSON` value (packed or plain text)."""
    if isinstance(stored, str):
        return json.loads(stored)
    data = bytes(stored)
    if data[:1] == PACKED_V1:
        data = zlib.decompress(data[1:])
    return json.loads(data)


class PackedJSON(TypeDecorator[Any]):
    """A JSON value stored zlib-compressed (:func:`pack_json`), for a large value
    written once and rarely read: a receipt's body (revision 0011: the mutation ids
    of a 2,000-mutation batch are 112 KB of text, 28 KB compressed)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else pack_json(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else unpack_json(value)
