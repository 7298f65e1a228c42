"""Checks of pushed values: known entity and fields, types, sizes, characters.

A failed check becomes a ``rejected`` result naming the field; it never raises
past the push handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sync.merge import DELETED_FIELD
from sync.protocol import (
    ENTITIES,
    MAX_LIST,
    MAX_TEXT,
    FieldSpec,
    FieldType,
    Mutation,
    Op,
    RejectCode,
    decode_value,
)
from sync.server.roles import SCOPE_RE

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPECS: dict[str, dict[str, FieldSpec]] = {
    name: {f.name: f for f in spec.fields} for name, spec in ENTITIES.items()
}


class Rejection(Exception):
    def __init__(self, code: RejectCode, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def check_mutation(m: Mutation) -> None:
    """Raise :class:`Rejection` for the first thing wrong with ``m``'s content."""
    checkers = _CHECKERS.get(m.entity)
    if checkers is None:
        raise Rejection(RejectCode.UNKNOWN_ENTITY, "entity", f"unknown entity {m.entity!r}")
    if not SCOPE_RE.fullmatch(m.scope):
        raise Rejection(RejectCode.BAD_VALUE, "scope", f"scope {m.scope!r} is not a region code")
    if m.op is Op.DELETE:
        return
    for name, (old, new) in m.changes.items():
        check = checkers.get(name)
        if check is None:
            spec = _SPECS[m.entity].get(name)
            if spec is not None and spec.server_owned:
                raise Rejection(RejectCode.SERVER_OWNED, name, f"only the server writes {name}")
            code = RejectCode.SERVER_OWNED if name == DELETED_FIELD else RejectCode.UNKNOWN_FIELD
            raise Rejection(code, name, f"{m.entity} has no field {name!r}")
        if new is not None:
            check(name, new)
        if old is not None:
            check(name, old)


Checker = Callable[[str, Any], None]


def _text(name: str, value: Any) -> None:
    if type(value) is not str:
        raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected text")
    if len(value) > MAX_TEXT:
        raise Rejection(RejectCode.TOO_LONG, name, f"{name}: longer than {MAX_TEXT} characters")
    if _CONTROL.search(value):
        raise Rejection(RejectCode.BAD_CHARS, name, f"{name}: control characters are not allowed")


def _int(name: str, value: Any) -> None:
    if type(value) is not int:
        raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected a whole number")
    if not -(2**53) <= value <= 2**53:
        raise Rejection(RejectCode.BAD_VALUE, name, f"{name}: number out of range")


def _bool(name: str, value: Any) -> None:
    if type(value) is not bool:
        raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected true or false")


def _list(name: str, value: Any) -> None:
    if type(value) is not list:
        raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected a list of text")
    if len(value) > MAX_LIST:
        raise Rejection(RejectCode.TOO_LONG, name, f"{name}: more than {MAX_LIST} items")
    for item in value:
        _text(name, item)


#: The wire form of a date; Python's fromisoformat also takes 20240101 and 2024-W01-1,
#: which would then be stored as sent and never compare equal to a client's value.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _decoded(spec: FieldSpec) -> Checker:
    def check(name: str, value: Any) -> None:
        if type(value) is not str or len(value) > 40:
            raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected an ISO 8601 date")
        if spec.type is FieldType.DATE and not _DATE.fullmatch(value):
            raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected a date as YYYY-MM-DD")
        try:
            decode_value(spec, value)
        except (ValueError, TypeError) as exc:
            raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: {exc}") from exc

    return check


def _checker(spec: FieldSpec) -> Checker:
    simple: dict[FieldType, Checker] = {
        FieldType.STR: _text,
        FieldType.INT: _int,
        FieldType.BOOL: _bool,
        FieldType.LIST: _list,
    }
    return simple.get(spec.type) or _decoded(spec)


#: Per entity, a checker for every field a client may write.
_CHECKERS: dict[str, dict[str, Checker]] = {
    name: {f.name: _checker(f) for f in spec.fields if not f.server_owned}
    for name, spec in ENTITIES.items()
}
