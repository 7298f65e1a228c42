"""Fast parsing of push bodies (orjson + hand-written checks).

Pydantic validation of 1,000 mutations costs more than applying them, so the
push path checks the same constraints as :class:`sync.server.models.MutationIn`
(which still describes the body in the OpenAPI document) by hand.
"""

from __future__ import annotations

import re
from typing import Any, cast

import orjson

from sync.protocol import MAX_BATCH, Mutation, Op
from sync.server.errors import ApiError

#: Matched with fullmatch: ``$`` alone would also accept a trailing newline.
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_KEYS = frozenset(
    {"id", "entity", "record_id", "scope", "op", "base_version", "changes", "created_at"}
)
_REQUIRED = ("id", "entity", "record_id", "scope", "op", "base_version")
_REQUIRED_SET = frozenset(_REQUIRED)
_ID_MATCH = _ID.fullmatch
_OPS = {"upsert": Op.UPSERT, "delete": Op.DELETE, "restore": Op.RESTORE}


def _bad(where: str, message: str) -> ApiError:
    return ApiError(422, "invalid_request", f"{where}: {message}")


def _id(value: Any, where: str) -> str:
    if type(value) is not str or not _ID.fullmatch(value):
        raise _bad(where, "expected an id of 1-64 letters, digits, _ . : -")
    return value


def _short(value: Any, where: str, longest: int, *, empty: bool = False) -> str:
    if type(value) is not str or len(value) > longest or (not empty and not value):
        raise _bad(where, f"expected text of at most {longest} characters")
    return value


def parse_json(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "bad_json", f"body is not valid JSON: {exc}") from exc


_LIST = frozenset({list})
_TWO = frozenset({2})


def _pairs(changes: dict[str, Any]) -> bool:
    """Every name at most 64 characters and every value a list of two (without a
    Python-level loop: a create carries some 35 fields)."""
    values = changes.values()
    return (
        max(map(len, changes)) <= 64
        and set(map(type, values)) == _LIST
        and set(map(len, values)) == _TWO
    )


def _usual(data: Any) -> Mutation | None:
    """A mutation that passes every check, read with as few steps as possible (one
    per pushed mutation); None when anything is off: :func:`parse_mutation` then
    names it. Accepts exactly what :func:`parse_mutation` accepts."""
    if type(data) is not dict:
        return None
    keys = data.keys()
    if not (keys <= _KEYS and keys >= _REQUIRED_SET):
        return None
    ident, entity, record_id, scope, op_name, base = (
        data["id"],
        data["entity"],
        data["record_id"],
        data["scope"],
        data["op"],
        data["base_version"],
    )
    created_at = data.get("created_at", "")
    changes = data.get("changes")
    if changes is None:
        changes = {}
    if (
        type(ident) is not str
        or type(record_id) is not str
        or type(entity) is not str
        or type(scope) is not str
        or type(op_name) is not str
        or type(base) is not int
        or type(created_at) is not str
        or type(changes) is not dict
        or not 0 <= base <= 2**31
        or not 0 < len(entity) <= 32
        or not 0 < len(scope) <= 16
        or len(created_at) > 256
        or (changes and not _pairs(changes))
        or _ID_MATCH(ident) is None
        or _ID_MATCH(record_id) is None
    ):
        return None
    op = _OPS.get(op_name)
    if op is None:
        return None
    return Mutation(ident, entity, record_id, scope, op, base, changes, created_at)


def parse_mutation(data: Any, where: str) -> Mutation:
    if type(data) is not dict:
        raise _bad(where, "expected an object")
    extra = data.keys() - _KEYS
    if extra:
        raise _bad(f"{where}.{sorted(extra)[0]}", "unknown key")
    for key in _REQUIRED:
        if key not in data:
            raise _bad(f"{where}.{key}", "field required")
    op = _OPS.get(data["op"]) if type(data["op"]) is str else None
    if op is None:
        raise _bad(f"{where}.op", "expected 'upsert', 'delete' or 'restore'")
    base = data["base_version"]
    if type(base) is not int or not 0 <= base <= 2**31:
        raise _bad(f"{where}.base_version", "expected a whole number from 0")
    changes = data.get("changes")
    if changes is None:
        changes = {}
    if type(changes) is not dict:
        raise _bad(f"{where}.changes", "expected an object of field: [old, new]")
    if changes and not _pairs(changes):
        for name, pair in changes.items():
            if len(name) > 64 or type(pair) is not list or len(pair) != 2:
                raise _bad(f"{where}.changes.{name[:64]}", "expected [old, new]")
    # The [old, new] lists are used as they are: they unpack like the tuples of the type.
    pairs: dict[str, tuple[Any, Any]] = changes
    return Mutation(
        id=_id(data["id"], f"{where}.id"),
        entity=_short(data["entity"], f"{where}.entity", 32),
        record_id=_id(data["record_id"], f"{where}.record_id"),
        scope=_short(data["scope"], f"{where}.scope", 16),
        op=op,
        base_version=base,
        changes=pairs,
        created_at=_short(data.get("created_at", ""), f"{where}.created_at", 256, empty=True),
    )


def parse_push(raw: bytes) -> tuple[str, str, list[Mutation]]:
    """``(batch_id, device_id, mutations)`` of a push body.

    Raises:
        ApiError: 400 not JSON; 422 naming the first wrong key.
    """
    data = parse_json(raw)
    if type(data) is not dict:
        raise _bad("body", "expected an object")
    extra = data.keys() - {"batch_id", "device_id", "mutations"}
    if extra:
        raise _bad(sorted(extra)[0], "unknown key")
    for key in ("batch_id", "device_id", "mutations"):
        if key not in data:
            raise _bad(key, "field required")
    items = data["mutations"]
    if type(items) is not list or len(items) > MAX_BATCH:
        raise _bad("mutations", f"expected a list of at most {MAX_BATCH} mutations")
    usual = list(map(_usual, items))
    if all(usual):
        mutations = cast(list[Mutation], usual)
    else:  # a None: the careful path names the first mistake
        mutations = [parse_mutation(m, f"mutations.{i}") for i, m in enumerate(items)]
    return _id(data["batch_id"], "batch_id"), _id(data["device_id"], "device_id"), mutations
