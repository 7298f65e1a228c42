"""A new supporter's values as SQLite stores them.

:class:`~silon_desktop.storage.bulk.SupporterBulkWriter` inserts new supporters with
values already in storage form (dates ``YYYY-MM-DD``, booleans 0/1, lists as JSON
text), the forms SQLAlchemy's column types would give them, so ORM reads see the same
thing. :class:`StoredForm` is that conversion for one writer's fields, from a row's
values as a tuple: an import's validating process
(:mod:`silon_desktop.importers.parallel`) sends each row as such a tuple, and the
importing process converts it without first making it a dict again (a million rows'
dicts and conversions were about a tenth of that process's CPU).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

#: JSON as the supporter table's JSON columns store it (SQLAlchemy's own encoding).
ENCODE = json.JSONEncoder(check_circular=False, ensure_ascii=False, separators=(", ", ": ")).encode

#: How a field is stored: as it is, a date as ISO text, a flag as 0/1, a list as JSON.
PLAIN, DATE, FLAG, JSON = 0, 1, 2, 3


def new_effective(check_reasons: Sequence[str]) -> tuple[str, str]:
    """The effective status and reasons of a NEW record: nobody verified it yet, so
    no status, with the automatic check's reasons (a forecast, not a verdict)."""
    return "", ",".join(check_reasons)


class StoredForm:
    """Turns a row's values into a new supporter's stored values: :attr:`fields` in
    order, then the effective status and reasons.

    Args:
        kinds: each field's :data:`PLAIN`, :data:`DATE`, :data:`FLAG` or :data:`JSON`.
        constants: fields with the same value in every row (the round a file is
            handed in), taken from here instead of the row.
    """

    def __init__(
        self, kinds: Mapping[str, int], constants: Mapping[str, Any] | None = None
    ) -> None:
        self.kinds = dict(kinds)
        self.constants = dict(constants or {})
        #: The stored fields in the order of the values made (as in ``kinds``).
        self.fields = tuple(self.kinds)
        #: The fields a row brings (all but the constants), in the order
        #: :meth:`__call__` takes their values.
        self.given = tuple(name for name in self.fields if name not in self.constants)
        #: A row's given values (a tuple) from the row as a mapping.
        self.get: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            itemgetter(*self.given) if len(self.given) > 1 else _one(*self.given)
        )
        # The constants, stored once and placed into each row's list (in increasing
        # position), then the positions of the given values to convert.
        self._placed = [
            (i, _stored(self.kinds[name], self.constants[name]))
            for i, name in enumerate(self.fields)
            if name in self.constants
        ]
        at = {
            kind: [
                i
                for i, name in enumerate(self.fields)
                if name not in self.constants and self.kinds[name] == kind
            ]
            for kind in _KINDS
        }
        self._dates, self._flags, self._lists = at[DATE], at[FLAG], at[JSON]
        # The effective status and reasons come from the check's reasons (a given
        # value; or a constant, or none: then the same for every row).
        self._reasons = self.given.index("check_reasons") if "check_reasons" in self.given else -1
        self._effective = new_effective(self.constants.get("check_reasons") or ())
        self._memo: dict[tuple[str, ...], str] = {}

    def __call__(self, given: Sequence[Any]) -> tuple[Any, ...]:
        """The stored values of a row whose :attr:`given` values are ``given``."""
        values: list[Any] = [*given]
        for at, value in self._placed:
            values.insert(at, value)
        for at in self._dates:
            date = values[at]
            if date is not None:
                values[at] = date.isoformat()
        for at in self._flags:
            values[at] = 1 if values[at] else 0
        memo = self._memo
        for at in self._lists:
            key = tuple(values[at])
            text = memo.get(key)
            if text is None:
                text = memo[key] = ENCODE(list(key))
            values[at] = text
        values += new_effective(given[self._reasons]) if self._reasons >= 0 else self._effective
        return tuple(values)

    def of_row(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The stored values of a row given as a mapping (field name -> value)."""
        return self(self.get(row))


_KINDS = (PLAIN, DATE, FLAG, JSON)


def _stored(kind: int, value: Any) -> Any:
    """One value in storage form (a constant's, converted once)."""
    if kind == DATE:
        return None if value is None else value.isoformat()
    if kind == FLAG:
        return 1 if value else 0
    if kind == JSON:
        return ENCODE(list(value))
    return value


def _one(*names: str) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """``itemgetter`` of one name (or none) that still gives a tuple."""
    return lambda row: tuple(row[name] for name in names)
