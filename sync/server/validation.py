"""Checks of pushed values: known entity and fields, types, sizes, characters.

A failed check becomes a ``rejected`` result naming the field; it never raises
past the push handler.
"""

from __future__ import annotations

import re
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
    specs = _SPECS.get(m.entity)
    if specs is None:
        raise Rejection(RejectCode.UNKNOWN_ENTITY, "entity", f"unknown entity {m.entity!r}")
    if not SCOPE_RE.fullmatch(m.scope):
        raise Rejection(RejectCode.BAD_VALUE, "scope", f"scope {m.scope!r} is not a region code")
    if m.op is Op.DELETE:
        return
    for name, (old, new) in m.changes.items():
        spec = specs.get(name)
        if spec is None:
            code = RejectCode.SERVER_OWNED if name == DELETED_FIELD else RejectCode.UNKNOWN_FIELD
            raise Rejection(code, name, f"{m.entity} has no field {name!r}")
        if spec.server_owned:
            raise Rejection(RejectCode.SERVER_OWNED, name, f"only the server writes {name}")
        _check_value(spec, new)
        _check_value(spec, old)


def _check_value(spec: FieldSpec, value: Any) -> None:
    if value is None:
        return
    try:
        decode_value(spec, value)
    except (ValueError, TypeError) as exc:
        raise Rejection(RejectCode.BAD_TYPE, spec.name, str(exc)) from exc
    if spec.type is FieldType.STR:
        _check_text(spec.name, value)
    elif spec.type is FieldType.LIST:
        if len(value) > MAX_LIST:
            raise Rejection(
                RejectCode.TOO_LONG, spec.name, f"{spec.name}: more than {MAX_LIST} items"
            )
        for item in value:
            _check_text(spec.name, item)
    elif spec.type is FieldType.INT and not -(2**53) <= value <= 2**53:
        raise Rejection(RejectCode.BAD_VALUE, spec.name, f"{spec.name}: number out of range")
    elif spec.type in (FieldType.DATE, FieldType.DATETIME) and len(value) > 40:
        raise Rejection(RejectCode.TOO_LONG, spec.name, f"{spec.name}: not a date")


def _check_text(name: str, value: str) -> None:
    if len(value) > MAX_TEXT:
        raise Rejection(RejectCode.TOO_LONG, name, f"{name}: longer than {MAX_TEXT} characters")
    if _CONTROL.search(value):
        raise Rejection(RejectCode.BAD_CHARS, name, f"{name}: control characters are not allowed")
