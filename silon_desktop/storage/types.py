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
from typing import Any

from sqlalchemy import DateTime, Dialect
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
