"""Checks of pushed values: known entity and fields, types, and the value domains of
:mod:`sync.protocol` (choices, lengths, ranges, characters, file names).

A failed check becomes a ``rejected`` result naming the field; it never raises
past the push handler.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from sync.merge import DELETED_FIELD
from sync.protocol import (
    ENTITIES,
    HOSTILE_CHARS,
    LINE_CHARS,
    MAX_LIST,
    MAX_TEXT,
    PATH_CHARS,
    WITHDRAWAL_FIELDS,
    FieldSpec,
    FieldType,
    Mutation,
    Op,
    RejectCode,
    decode_value,
)
from sync.server.roles import SCOPE_RE

_HOSTILE = re.compile(f"[{HOSTILE_CHARS}]")
_HOSTILE_LINE = re.compile(f"[{HOSTILE_CHARS}{LINE_CHARS}]")
_SPECS: dict[str, dict[str, FieldSpec]] = {
    name: {f.name: f for f in spec.fields} for name, spec in ENTITIES.items()
}


class Rejection(Exception):
    def __init__(self, code: RejectCode, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def check_mutation(m: Mutation, *, domains: bool = True) -> None:
    """Raise :class:`Rejection` for the first thing wrong with ``m``'s content.

    ``domains`` False checks types only (the bench's baseline without the rules).
    """
    checkers = (_CHECKERS if domains else _TYPE_CHECKERS).get(m.entity)
    if checkers is None:
        raise Rejection(RejectCode.UNKNOWN_ENTITY, "entity", f"unknown entity {m.entity!r}")
    if not SCOPE_RE.fullmatch(m.scope):
        raise Rejection(RejectCode.BAD_VALUE, "scope", f"scope {m.scope!r} is not a region code")
    if m.op is Op.UPSERT and _all_fine(m.changes, (_FAST if domains else _TYPE_FAST)[m.entity]):
        return
    check_changes(m, checkers)


def check_changes(m: Mutation, checkers: dict[str, Checker]) -> None:
    """The checks of ``m``'s changes one field after another, in order (the reference:
    :func:`check_mutation` skips them when its fast path finds nothing wrong)."""
    for name, (old, new) in m.changes.items():
        if m.op is Op.DELETE and name not in WITHDRAWAL_FIELDS:
            continue  # a base value only (see sync.protocol.WITHDRAWAL_FIELDS)
        if m.op is Op.RESTORE:
            continue  # a restore sets nothing: whatever it carries is ignored
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
            # A base value need not be in today's domain (it may predate it), but it is
            # kept in the conflict history that reaches clients: types and characters.
            _TYPE_CHECKERS[m.entity][name](name, old)


Checker = Callable[[str, Any], None]


def _shown(value: str) -> str:
    """A refused value safe to echo: hostile characters escaped, at most 40 characters.

    It may be personal data sent in the wrong field (a NIK as a reason code): the
    answer goes to the sender and the databases only, never to a log line, here or on
    the desktop (tests/unit/sync/test_refusal_not_logged.py).
    """
    text = _HOSTILE_LINE.sub(lambda c: f"\\u{ord(c.group()):04x}", value[:40])
    return text + ("..." if len(value) > 40 else "")


def _text_checker(spec: FieldSpec | None) -> Checker:
    longest = spec.max_len if spec is not None and spec.max_len else MAX_TEXT
    bad = _HOSTILE if spec is not None and spec.multiline else _HOSTILE_LINE
    choices = spec.choices if spec is not None else None
    filename = spec is not None and spec.filename

    def check(name: str, value: Any) -> None:
        if type(value) is not str:
            raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected text")
        if len(value) > longest:
            raise Rejection(RejectCode.TOO_LONG, name, f"{name}: longer than {longest} characters")
        found = bad.search(value)
        if found is not None:
            raise Rejection(
                RejectCode.BAD_CHARS,
                name,
                f"{name}: character U+{ord(found.group()):04X} is not allowed",
            )
        if choices is not None and value not in choices:
            allowed = ", ".join(sorted(c for c in choices if c))
            raise Rejection(
                RejectCode.BAD_VALUE, name, f"{name}: {_shown(value)!r} is not one of {allowed}"
            )
        if filename and (value in (".", "..") or any(c in PATH_CHARS for c in value)):
            raise Rejection(
                RejectCode.BAD_VALUE, name, f"{name}: a file name without a folder or path"
            )

    return check


def _plain_text(name: str, value: Any) -> None:
    """Text of any field: its type, the protocol's longest text, no hostile characters."""
    if type(value) is not str:
        raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected text")
    if len(value) > MAX_TEXT:
        raise Rejection(RejectCode.TOO_LONG, name, f"{name}: longer than {MAX_TEXT} characters")
    found = _HOSTILE.search(value)
    if found is not None:
        raise Rejection(
            RejectCode.BAD_CHARS,
            name,
            f"{name}: character U+{ord(found.group()):04X} is not allowed",
        )


def _int_checker(spec: FieldSpec | None) -> Checker:
    low = spec.min if spec is not None and spec.min is not None else -(2**53)
    high = spec.max if spec is not None and spec.max is not None else 2**53

    def check(name: str, value: Any) -> None:
        if type(value) is float and value.is_integer():
            # JSON integers past 64 bits arrive as floats: a range error, not a type error.
            raise Rejection(
                RejectCode.BAD_VALUE, name, f"{name}: number out of range ({low} to {high})"
            )
        if type(value) is not int:
            raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected a whole number")
        if not low <= value <= high:
            raise Rejection(
                RejectCode.BAD_VALUE, name, f"{name}: number out of range ({low} to {high})"
            )

    return check


def _bool(name: str, value: Any) -> None:
    if type(value) is not bool:
        raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected true or false")


def _list_checker(item: Checker) -> Checker:
    def check(name: str, value: Any) -> None:
        if type(value) is not list:
            raise Rejection(RejectCode.BAD_TYPE, name, f"{name}: expected a list of text")
        if len(value) > MAX_LIST:
            raise Rejection(RejectCode.TOO_LONG, name, f"{name}: more than {MAX_LIST} items")
        for one in value:
            item(name, one)

    return check


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


def _checker(spec: FieldSpec, *, domains: bool) -> Checker:
    if spec.type is FieldType.STR:
        return _text_checker(spec) if domains else _plain_text
    if spec.type is FieldType.INT:
        return _int_checker(spec if domains else None)
    if spec.type is FieldType.BOOL:
        return _bool
    if spec.type is FieldType.LIST:
        return _list_checker(_text_checker(None) if domains else _plain_text)
    return _decoded(spec)


#: Per entity, a checker for every field a client may write: types and value domains.
_CHECKERS: dict[str, dict[str, Checker]] = {
    name: {f.name: _checker(f, domains=True) for f in spec.fields if not f.server_owned}
    for name, spec in ENTITIES.items()
}
#: Types, lengths and characters only (base values, and the bench's baseline).
_TYPE_CHECKERS: dict[str, dict[str, Checker]] = {
    name: {f.name: _checker(f, domains=False) for f in spec.fields if not f.server_owned}
    for name, spec in ENTITIES.items()
}


# --- the fast path ---------------------------------------------------------------
#
# The checks above call one checker per field: for a supporter create about 35
# calls, each searching its text for hostile characters. The fast path below only
# ever says "everything is fine": free text is checked for its type and length in
# the loop and for hostile characters in ONE search over all of it at the end, a
# value of a fixed choice list by one set lookup, anything else by its checker.
# Whenever it has any doubt, the checks above run from the start, so a refusal
# names the same field with the same code and message as before.


@dataclass(frozen=True, slots=True)
class _Fast:
    """How the fast path checks one field."""

    kind: FieldType
    #: The field's checker of a new value.
    check: Checker
    #: Its checker of a base (old) value: types and characters.
    base: Checker
    #: Free text: its longest length (type and hostile characters checked apart); else -1.
    free: int = -1
    #: Free text searched with the multi-line pattern (line breaks allowed).
    multiline: bool = False
    #: Texts that pass every check of the field (its choices, each checked once).
    known: frozenset[str] = frozenset()


def _passes(check: Checker, name: str, value: Any) -> bool:
    try:
        check(name, value)
    except Rejection:
        return False
    return True


def _fast(entity: str, spec: FieldSpec, *, domains: bool) -> _Fast:
    check = (_CHECKERS if domains else _TYPE_CHECKERS)[entity][spec.name]
    base = _TYPE_CHECKERS[entity][spec.name]
    if spec.type is not FieldType.STR:
        return _Fast(spec.type, check, base)
    if not domains:  # _plain_text
        return _Fast(spec.type, check, base, free=MAX_TEXT, multiline=True)
    if spec.choices is not None or spec.filename:
        known = frozenset(c for c in spec.choices or () if _passes(check, spec.name, c))
        return _Fast(spec.type, check, base, known=known)
    longest = spec.max_len or MAX_TEXT
    return _Fast(spec.type, check, base, free=longest, multiline=spec.multiline)


def _fast_table(*, domains: bool) -> dict[str, dict[str, _Fast]]:
    return {
        name: {f.name: _fast(name, f, domains=domains) for f in spec.fields if not f.server_owned}
        for name, spec in ENTITIES.items()
    }


_FAST = _fast_table(domains=True)
_TYPE_FAST = _fast_table(domains=False)
_STR, _BOOL = FieldType.STR, FieldType.BOOL


def _all_fine(changes: dict[str, Any], table: dict[str, _Fast]) -> bool:
    """True only when the checks above find nothing wrong with an upsert's changes."""
    line: list[str] = []  # free text of one-line fields
    multi: list[str] = []  # free text of multi-line fields
    for name, (old, new) in changes.items():
        fast = table.get(name)
        if fast is None:
            return False
        if new is not None:
            kind = type(new)
            if kind is str and fast.kind is _STR:
                if new in fast.known:
                    pass
                elif len(new) <= fast.free:
                    (multi if fast.multiline else line).append(new)
                else:
                    return False
            elif kind is bool and fast.kind is _BOOL:
                pass
            elif not _passes(fast.check, name, new):
                return False
        if old is not None and not _passes(fast.base, name, old):
            return False
    if line and _HOSTILE_LINE.search("".join(line)) is not None:
        return False
    return not (multi and _HOSTILE.search("".join(multi)) is not None)


# --- columns ---------------------------------------------------------------------
#
# A push of supporter creates names the same 33 fields in the same order thousands
# of times. :func:`check_mutations` checks such upserts a field at a time over the
# whole group (a column of values: its types as one set, its lengths by one max, its
# free text by one search, its choices by one set inclusion), every step a C loop.
# Like the fast path it only ever says "all of these are fine": a column in any
# doubt sends the group's mutations to :func:`check_mutation`, one by one.

#: Fewest upserts of one entity naming the same fields that are checked as columns.
COLUMNS_FROM = 8

_OLD, _NEW = itemgetter(0), itemgetter(1)
_NONE = type(None)
_STR_ONLY = frozenset({str})
_BOOL_ONLY = frozenset({bool})
_LIST_ONLY = frozenset({list})
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(?:\n\d{4}-\d{2}-\d{2})*")
_DATE_KINDS = (FieldType.DATE, FieldType.DATETIME)


def check_mutations(mutations: Sequence[Mutation], *, domains: bool = True) -> dict[str, Rejection]:
    """The refusal of every mutation :func:`check_mutation` refuses, by mutation id
    (the answers are its own: groups found fine as columns skip only its walk).

    Only the first mutation of an id is judged: the push answers a later one under
    the same id from the first (a repeat) or refuses it as a reuse, so its content
    must never stand for the first's."""
    table = _FAST if domains else _TYPE_FAST
    groups: dict[tuple[str, tuple[str, ...]], list[Mutation]] = {}
    for m in mutations:
        if m.op is Op.UPSERT and m.changes:
            groups.setdefault((m.entity, tuple(m.changes)), []).append(m)
    fine: set[int] = set()
    for (entity, names), group in groups.items():
        fasts = table.get(entity)
        if len(group) >= COLUMNS_FROM and fasts is not None and _columns_fine(fasts, names, group):
            fine.update(map(id, group))
    scopes: dict[str, bool] = {}
    out: dict[str, Rejection] = {}
    judged: set[str] = set()
    for m in mutations:
        if m.id in judged:
            continue
        judged.add(m.id)
        if id(m) in fine:
            known = scopes.get(m.scope)
            if known is None:
                known = scopes[m.scope] = SCOPE_RE.fullmatch(m.scope) is not None
            if known:
                continue
        try:
            check_mutation(m, domains=domains)
        except Rejection as r:
            out[m.id] = r
    return out


def _columns_fine(table: dict[str, _Fast], names: tuple[str, ...], group: list[Mutation]) -> bool:
    """True only when every upsert of ``group`` (all naming ``names`` in that order)
    passes the checks: no base values, every new value fine."""
    fasts: list[_Fast] = []
    for name in names:
        fast = table.get(name)
        if fast is None:
            return False
        fasts.append(fast)
    width = len(names)
    try:  # every change's old and new value, in order
        flat = list(chain.from_iterable(chain.from_iterable(m.changes.values() for m in group)))
    except TypeError:
        return False
    if len(flat) != 2 * width * len(group):
        return False  # not all pairs (parse_mutation lets none through)
    olds = flat[0::2]
    if olds.count(None) != len(olds):
        return False  # base values: the one-by-one checks
    news = flat[1::2]
    line: list[str] = []  # free text of one-line fields, each column joined
    multi: list[str] = []
    for j, fast in enumerate(fasts):
        if not _column_fine(fast, names[j], news[j::width], line, multi):
            return False
    return _harmless("".join(line), _HOSTILE_LINE) and _harmless("".join(multi), _HOSTILE)


def _harmless(text: str, hostile: re.Pattern[str]) -> bool:
    """No ``hostile`` character in ``text``. ASCII text that is all printable (0x20 to
    0x7e: no control character, tab, line break or DEL, everything either pattern
    refuses in ASCII) is told by two string flags and one C loop, without the search."""
    if text.isascii() and text.isprintable():
        return True
    return hostile.search(text) is None


def _column_fine(
    fast: _Fast, name: str, column: list[Any], line: list[str], multi: list[str]
) -> bool:
    """True only when every value of one field's column passes its checks (free
    text: but the hostile characters, searched for in ``line`` or ``multi`` after)."""
    kinds = set(map(type, column))
    if _NONE in kinds:
        kinds.discard(_NONE)
        column = [v for v in column if v is not None]
        if not column:
            return True
    kind = fast.kind
    if kind is _STR:
        if kinds != _STR_ONLY:
            return False
        if fast.known:
            return fast.known.issuperset(column)
        if fast.free < 0 or max(map(len, column)) > fast.free:
            return False
        (multi if fast.multiline else line).append("".join(column))
        return True
    if kind is _BOOL:
        return kinds == _BOOL_ONLY
    if kind is FieldType.LIST and kinds == _LIST_ONLY and not any(column):
        return True  # all empty
    if kind in _DATE_KINDS and kinds == _STR_ONLY and max(map(len, column)) <= 40:
        try:
            if kind is FieldType.DATE:
                if _DATES.fullmatch("\n".join(column)) is None:
                    return False
                for _ in map(dt.date.fromisoformat, column):
                    pass
            else:
                texts = map(str.replace, column, repeat("Z"), repeat("+00:00"))
                for _ in map(dt.datetime.fromisoformat, texts):
                    pass
        except (ValueError, TypeError):
            return False
        return True
    check = fast.check
    return all(_passes(check, name, v) for v in column)
