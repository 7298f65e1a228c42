"""Field-level validation of synced records before they are stored or accepted.

``validate_record(entity, values)`` checks Python values (wire values decoded with
``sync.protocol.decode_value``) of any subset of an entity's fields, plus the
record columns ``id``, ``scope``, ``version``, ``deleted`` and the supporter's
local ``effective_status``/``effective_reasons``. It never changes a value: it
names every field that would be refused and why, with a stable ``message_id``
the UI translates (Indonesian defaults in :mod:`silon_desktop.domain.messages`).

A supporter row with a wrong NIK is still stored (its verdict says NIK_FORMAT);
only a candidate's NIK must be valid here.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from silon_desktop.domain.codes import (
    ElectionKind,
    ReasonCode,
    Status,
)
from silon_desktop.domain.labels import FIELD_LABELS_ID
from silon_desktop.domain.nik import parse_nik
from silon_desktop.domain.rules import RULE_SETS
from sync.protocol import ENTITIES, HOSTILE_CHARS, FieldType
from sync.protocol import MAX_INT as PROTOCOL_MAX_INT


@dataclass(frozen=True, slots=True)
class FieldError:
    """Why one field is refused.

    Attributes:
        field: the field name (``""`` for the record as a whole).
        code: the kind of problem, stable for programs (``"too_long"``...).
        message_id: key of the text to show (see ``messages.MESSAGES_ID``).
        detail: what the text needs: the limit, the allowed values, the bad character...
    """

    field: str
    code: str
    message_id: str
    detail: str = ""


def _err(name: str, code: str, detail: str = "") -> FieldError:
    return FieldError(name, code, code, detail)


# -- limits: the value domains of sync.protocol (the server checks the same), and
# silon_desktop/storage/models.py mirrors them (a test keeps them equal) ------------

MAX_LENGTH: dict[str, dict[str, int]] = {
    entity: {f.name: f.max_len for f in spec.fields if f.max_len}
    for entity, spec in ENTITIES.items()
}
MAX_LENGTH["supporter"].update({"effective_status": 3, "effective_reasons": 200})
#: Columns every synced record has, besides its entity's fields.
RECORD_COLUMNS: dict[str, FieldType] = {
    "id": FieldType.STR,
    "scope": FieldType.STR,
    "version": FieldType.INT,
    "deleted": FieldType.BOOL,
    "updated_at": FieldType.DATETIME,
}
SUPPORTER_LOCAL_COLUMNS: dict[str, FieldType] = {
    "effective_status": FieldType.STR,
    "effective_reasons": FieldType.STR,
}
#: Free text that may span lines (tabs and line breaks allowed).
MULTILINE_FIELDS = frozenset(
    {("candidate", "address"), ("supporter", "address"), ("document", "note")}
)
MAX_INT = PROTOCOL_MAX_INT  # the server's INTEGER columns
MAX_LIST_ITEMS = len(ReasonCode)
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
DATETIME_MIN, DATETIME_MAX = dt.datetime(1970, 1, 1), dt.datetime(2100, 12, 31, 23, 59, 59)

# C0/C1 controls, invisible format characters, bidi embeddings/overrides/isolates,
# line/paragraph separators, BOM, lone surrogates and non-characters (the protocol's list).
_HOSTILE = HOSTILE_CHARS
_BAD_CHAR = re.compile(f"[{_HOSTILE}]")
_BAD_CHAR_SINGLE_LINE = re.compile(f"[{_HOSTILE}\t\n\r]")


def _values_of(*enums: type[Any], empty: bool = False) -> frozenset[str]:
    allowed = {str(m.value) for e in enums for m in e}
    return frozenset(allowed | {""} if empty else allowed)


_STATUS_OR_EMPTY = _values_of(Status, empty=True)
#: The protocol's choices (sync.protocol FieldSpec.choices; codes.py names the same
#: values as enums, a test keeps them equal), the rule sets and the local status.
ALLOWED_VALUES: dict[tuple[str, str], frozenset[str]] = {
    (entity, f.name): f.choices
    for entity, spec in ENTITIES.items()
    for f in spec.fields
    if f.choices is not None
}
ALLOWED_VALUES[("election", "rule_set")] = frozenset(RULE_SETS)
ALLOWED_VALUES[("supporter", "effective_status")] = _STATUS_OR_EMPTY
_REASONS = _values_of(ReasonCode)
#: Region code fields: the number of code parts they must have (empty allowed).
REGION_LEVELS: dict[tuple[str, str], tuple[int, ...]] = {
    ("election", "region_code"): (1, 2),
    ("supporter", "desa_code"): (4,),
    ("supporter", "kecamatan_code"): (3,),
    ("supporter", "kabkota_code"): (2,),
}
_REGION_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")
_SCOPE_CODE = re.compile(r"\d{2}(?:\.\d{2})?")
_SUPPORTER_NIK = re.compile(r"[0-9 .\-'\"`\u2018\u2019]*")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DIGITS = re.compile(r"[0-9]*")


def validate_record(entity: str, values: Mapping[str, Any]) -> list[FieldError]:
    """Every refused field of ``values`` (an empty list when all is well).

    Args:
        entity: a name in ``sync.protocol.ENTITIES``.
        values: field -> Python value; any subset of the entity's fields and the
            record columns.
    """
    plans = _plans(entity)
    if plans is None:
        return [_err("", "unknown_entity", entity)]
    errors: list[FieldError] = []
    for name, value in values.items():
        plan = plans.get(name)
        if plan is None:
            errors.append(_err(str(name), "unknown_field"))
            continue
        if value is None:
            error = None if plan.nullable else _err(name, "required")
        elif plan.kind is FieldType.STR:
            error = _check_str(plan, name, value)
        else:
            error = _TYPE_CHECKS[plan.kind](entity, name, value)
        if error is not None:
            errors.append(error)
    if not errors:
        errors.extend(_cross_checks(entity, values))
    return errors


@dataclass(frozen=True, slots=True)
class _FieldPlan:
    """Everything needed to check one field, looked up once per entity."""

    kind: FieldType
    nullable: bool
    limit: int
    bad_chars: re.Pattern[str]
    allowed: frozenset[str] | None
    region_levels: tuple[int, ...] | None
    special: Callable[[str, str, str], FieldError | None] | None
    entity: str


_plan_cache: dict[str, dict[str, _FieldPlan]] = {}


def _plans(entity: str) -> dict[str, _FieldPlan] | None:
    plans = _plan_cache.get(entity)
    if plans is None:
        spec = ENTITIES.get(entity)
        if spec is None:
            return None
        types = {f.name: f.type for f in spec.fields}
        types.update(RECORD_COLUMNS)
        if entity == "supporter":
            types.update(SUPPORTER_LOCAL_COLUMNS)
        plans = {name: _plan(entity, name, kind) for name, kind in types.items()}
        _plan_cache[entity] = plans
    return plans


def _plan(entity: str, name: str, kind: FieldType) -> _FieldPlan:
    nullable = kind in (FieldType.INT, FieldType.DATE, FieldType.DATETIME) and name != "version"
    limit = {"id": 36, "scope": 13}.get(name) or MAX_LENGTH.get(entity, {}).get(name, 0)
    multiline = (entity, name) in MULTILINE_FIELDS
    return _FieldPlan(
        kind=kind,
        nullable=nullable,
        limit=limit,
        bad_chars=_BAD_CHAR if multiline else _BAD_CHAR_SINGLE_LINE,
        allowed=ALLOWED_VALUES.get((entity, name)),
        region_levels=REGION_LEVELS.get((entity, name)),
        special=_SPECIAL.get(name),
        entity=entity,
    )


def _check_str(plan: _FieldPlan, name: str, value: Any) -> FieldError | None:
    if not isinstance(value, str):
        return _err(name, "wrong_type", "text")
    if plan.limit and len(value) > plan.limit:
        return _err(name, "too_long", str(plan.limit))
    bad = plan.bad_chars.search(value)
    if bad is not None:
        return _err(name, "bad_character", f"U+{ord(bad.group()):04X}")
    allowed = plan.allowed
    if allowed is not None and value not in allowed:
        return _err(name, "not_allowed", ", ".join(sorted(v for v in allowed if v)))
    levels = plan.region_levels
    if levels is not None and value and not _is_region_code(value, levels):
        return _err(name, "bad_region_code", _REGION_EXAMPLES[levels[-1]])
    return plan.special(plan.entity, name, value) if plan.special else None


_REGION_EXAMPLES = {1: "32", 2: "32.14", 3: "32.14.01", 4: "32.14.01.2001"}


def _is_region_code(value: str, levels: tuple[int, ...]) -> bool:
    return bool(_REGION_CODE.fullmatch(value)) and value.count(".") + 1 in levels


def _check_int(entity: str, name: str, value: Any) -> FieldError | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return _err(name, "wrong_type", "integer")
    if value < 0:
        return _err(name, "negative")
    if value > MAX_INT:
        return _err(name, "too_large", str(MAX_INT))
    spec = ENTITIES[entity].spec(name) if name in _SYNCED_INTS.get(entity, ()) else None
    if spec is not None and spec.min and not spec.min <= value <= (spec.max or MAX_INT):
        return _err(name, "out_of_range", f"{spec.min}-{spec.max}")
    return None


_SYNCED_INTS: dict[str, frozenset[str]] = {
    entity: frozenset(f.name for f in spec.fields if f.type is FieldType.INT)
    for entity, spec in ENTITIES.items()
}


def _check_bool(entity: str, name: str, value: Any) -> FieldError | None:
    return None if isinstance(value, bool) else _err(name, "wrong_type", "boolean")


def _check_date(entity: str, name: str, value: Any) -> FieldError | None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        return _err(name, "wrong_type", "date")
    if not DATE_MIN <= value <= DATE_MAX:
        return _err(name, "out_of_range", f"{DATE_MIN.isoformat()}..{DATE_MAX.isoformat()}")
    return None


def _check_datetime(entity: str, name: str, value: Any) -> FieldError | None:
    if not isinstance(value, dt.datetime):
        return _err(name, "wrong_type", "datetime")
    naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if not DATETIME_MIN <= naive <= DATETIME_MAX:
        return _err(name, "out_of_range", f"{DATETIME_MIN.year}..{DATETIME_MAX.year}")
    return None


def _check_list(entity: str, name: str, value: Any) -> FieldError | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return _err(name, "wrong_type", "list")
    if len(value) > MAX_LIST_ITEMS:
        return _err(name, "too_many", str(MAX_LIST_ITEMS))
    if name.endswith("_reasons"):
        for item in value:
            if item not in _REASONS:
                return _err(name, "bad_reason", _printable(item))
    return None


def _printable(text: str) -> str:
    """A bad value safe to show: hostile characters escaped, at most 40 characters."""
    shown = _BAD_CHAR_SINGLE_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", text[:40])
    return shown + ("..." if len(text) > 40 else "")


_TYPE_CHECKS: dict[FieldType, Callable[[str, str, Any], FieldError | None]] = {
    FieldType.INT: _check_int,
    FieldType.BOOL: _check_bool,
    FieldType.DATE: _check_date,
    FieldType.DATETIME: _check_datetime,
    FieldType.LIST: _check_list,
}

# -- checks of particular fields (run after the generic text checks pass) ----------


def _check_nik(entity: str, name: str, value: str) -> FieldError | None:
    if entity == "supporter":
        ok = _SUPPORTER_NIK.fullmatch(value) is not None
        return None if ok else _err(name, "bad_nik_characters")
    if entity == "candidate" and value:
        result = parse_nik(value, kecamatan_codes=_ANY_REGION)
        if result.reasons or result.nik != value:
            return _err(name, "bad_nik")
    return None


class _AnyRegion:
    """Region check switched off: a candidate's NIK must be well formed only."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0


_ANY_REGION: Any = _AnyRegion()


def _check_uuid(entity: str, name: str, value: str) -> FieldError | None:
    try:
        ok = str(uuid.UUID(value)) == value
    except ValueError:
        ok = False
    return None if ok else _err(name, "bad_id")


def _check_scope(entity: str, name: str, value: str) -> FieldError | None:
    return None if _SCOPE_CODE.fullmatch(value) else _err(name, "bad_region_code", "32.14")


def _check_digits(entity: str, name: str, value: str) -> FieldError | None:
    return None if _DIGITS.fullmatch(value) else _err(name, "digits_only")


def _check_sha256(entity: str, name: str, value: str) -> FieldError | None:
    return None if not value or _HEX64.fullmatch(value) else _err(name, "bad_hash")


def _check_filename(entity: str, name: str, value: str) -> FieldError | None:
    bad = value in (".", "..") or any(c in value for c in '/\\:*?"<>|')
    return _err(name, "bad_filename") if bad else None


def _check_effective_reasons(entity: str, name: str, value: str) -> FieldError | None:
    for item in value.split(",") if value else ():
        if item not in _REASONS:
            return _err(name, "bad_reason", _printable(item))
    return None


_SPECIAL: dict[str, Callable[[str, str, str], FieldError | None]] = {
    "nik": _check_nik,
    "id": _check_uuid,
    "election_id": _check_uuid,
    "pair_id": _check_uuid,
    "candidate_id": _check_uuid,
    "scope": _check_scope,
    "rt": _check_digits,
    "rw": _check_digits,
    "sha256": _check_sha256,
    "filename": _check_filename,
    "effective_reasons": _check_effective_reasons,
}


#: The province whose kab/kota elect no head of their own: Jakarta's kota and kabupaten
#: administrasi (31.01, 31.71-31.75) are led by officials the governor appoints.
_NO_KABKOTA_ELECTIONS = frozenset({"31"})


def election_kind_of(region_code: str) -> ElectionKind | None:
    """The kind of election a region holds: gubernur in a province, bupati in a
    kabupaten (codes 01-69), walikota in a kota (71-99); None where none is held
    (Jakarta's administrative kota and kabupaten) and for a code of another level
    or shape."""
    parts = region_code.split(".")
    if not all(len(p) == 2 and p.isdigit() and p.isascii() for p in parts):
        return None
    if len(parts) == 1:
        return ElectionKind.GUBERNUR
    if len(parts) == 2 and parts[0] not in _NO_KABKOTA_ELECTIONS:
        return ElectionKind.WALIKOTA if int(parts[1]) >= 71 else ElectionKind.BUPATI
    return None


def one_pilkada(election: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Whether a person may stand in only one pair of the two elections (each with its
    ``id`` and ``year``): the same election, or two elections of the same year (one
    Pilkada, held at once). The desktop's check before a candidate's NIK is saved and
    the server's (``CANDIDATE_TAKEN``) both ask this."""
    if election.get("id") == other.get("id"):
        return True
    year = election.get("year")
    return bool(year) and year == other.get("year")


#: An election's stage dates in the order its stages follow one another. Dates of one
#: rank may fall either way round: field verification came before the correction in
#: 2020, after the first correction in 2024.
STAGE_DATE_RANKS: tuple[tuple[str, ...], ...] = (
    ("support_start",),
    ("support_end",),
    ("vermin_end",),
    ("correction_end", "verfak_end"),
    ("registration_date",),
    ("penetapan_date",),
)


def _cross_checks(entity: str, values: Mapping[str, Any]) -> list[FieldError]:
    if entity != "election":
        return []
    return _kind_and_region(values) + _stage_order(values)


def _stage_order(values: Mapping[str, Any]) -> list[FieldError]:
    """The first stage date before a date of an earlier stage (dates not entered skipped)."""
    latest: tuple[str, dt.date] | None = None  # the latest date of the earlier stages
    for rank in STAGE_DATE_RANKS:
        here = [(name, values[name]) for name in rank if isinstance(values.get(name), dt.date)]
        for name, value in here:
            if latest is not None and value < latest[1]:
                earlier = f"{FIELD_LABELS_ID[latest[0]]} ({latest[1]:%d-%m-%Y})"
                return [_err(name, "stage_order", earlier)]
        for name, value in here:
            if latest is None or value > latest[1]:
                latest = (name, value)
    return []


def _kind_and_region(values: Mapping[str, Any]) -> list[FieldError]:
    kind, region = values.get("kind"), values.get("region_code")
    scope = values.get("scope")
    # The scope is the region of the record's election (who reads and writes it): the
    # server refuses a region code naming another region (SCOPE_MISMATCH).
    if region and scope and region != scope:
        return [_err("region_code", "region_scope_mismatch", str(scope))]
    if not kind or not region:
        return []
    if region.count(".") == 1 and region.split(".")[0] in _NO_KABKOTA_ELECTIONS:
        return [_err("region_code", "region_holds_no_election", str(kind))]
    ok = election_kind_of(region) == kind
    return [] if ok else [_err("region_code", "region_kind_mismatch", str(kind))]
