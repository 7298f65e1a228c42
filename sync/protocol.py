"""The wire format shared by the client and the server: the one source of truth.

Every synced record has a client-made UUID, a server ``version`` (0 before the
server first accepted it), a ``scope`` (the Kemendagri region code of the
election it belongs to: ``"32.14"`` for a kab/kota, ``"32"`` for a province)
and a ``deleted`` flag (tombstone). Its payload is a flat mapping of the fields
named below for its entity; values on the wire are JSON scalars: dates as
``YYYY-MM-DD``, datetimes as ISO 8601 UTC, lists as JSON arrays of strings.

See docs/PROTOCOL.md for endpoints, status codes and retry rules.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"

JsonValue = Any  # str | int | bool | None | list[str]


class FieldType(StrEnum):
    STR = "str"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    LIST = "list"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    #: Fields only the server writes (cross-scope checks); clients never push them.
    server_owned: bool = False


@dataclass(frozen=True, slots=True)
class EntitySpec:
    name: str
    #: Field naming the parent record, or None for a root entity.
    parent_field: str | None
    fields: tuple[FieldSpec, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def spec(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def client_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.server_owned)


S, I, B, D, T, L = (  # noqa: E741
    FieldType.STR,
    FieldType.INT,
    FieldType.BOOL,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.LIST,
)


def _fields(*pairs: tuple[str, FieldType]) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(n, t) for n, t in pairs)


ELECTION = EntitySpec(
    "election",
    None,
    _fields(
        ("name", S),
        ("kind", S),  # gubernur | bupati | walikota
        ("region_code", S),
        ("year", I),
        ("dpt", I),
        ("subregion_count", I),  # kecamatan (bupati/walikota) or kab/kota (gubernur)
        ("rule_set", S),  # id of the rule set, e.g. "pilkada-2024"
        ("support_start", D),
        ("support_end", D),  # last day to submit supporters
        ("vermin_end", D),  # administrative verification ends
        ("correction_end", D),
        ("verfak_end", D),  # field verification ends
        ("registration_date", D),
        ("penetapan_date", D),
    ),
)

PAIR = EntitySpec(
    "pair",
    "election_id",
    _fields(
        ("election_id", S),
        ("number", I),
        ("route", S),  # partai | perseorangan
        ("head_name", S),
        ("deputy_name", S),
        ("status", S),  # draft | diajukan | ditetapkan | ditolak
    ),
)

CANDIDATE = EntitySpec(
    "candidate",
    "pair_id",
    _fields(
        ("pair_id", S),
        ("role", S),  # kepala | wakil
        ("nik", S),
        ("name", S),
        ("sex", S),  # L | P
        ("birth_place", S),
        ("birth_date", D),
        ("address", S),
        ("education", S),
        ("occupation", S),
        ("marital_status", S),
    ),
)

DOCUMENT = EntitySpec(
    "document",
    "candidate_id",
    _fields(
        ("candidate_id", S),
        ("kind", S),  # ijazah | surat_sehat | skck | lhkpn | npwp | drh | pernyataan | ...
        ("filename", S),
        ("sha256", S),
        ("size", I),
        ("status", S),  # belum | ada | sesuai | tidak_sesuai
        ("note", S),
    ),
)

PARTY = EntitySpec(
    "party",
    "pair_id",
    _fields(
        ("pair_id", S),
        ("party_name", S),
        ("seats", I),
        ("votes", I),
    ),
)

SUPPORTER = EntitySpec(
    "supporter",
    "pair_id",
    (
        *_fields(
            ("pair_id", S),
            ("nik", S),
            ("name", S),
            ("birth_place", S),
            ("birth_date", D),
            ("sex", S),
            ("marital_status", S),  # B (belum) | S (sudah) | P (pernah)
            ("occupation", S),
            ("address", S),
            ("rt", S),
            ("rw", S),
            ("desa_code", S),
            ("kecamatan_code", S),
            ("kabkota_code", S),
            ("has_id_scan", B),
            ("nik_from_number", B),
            ("check_status", S),  # automatic validation: MS | BMS | TMS
            ("check_reasons", L),
            ("admin_status", S),  # verifikasi administrasi: MS | BMS | TMS | ""
            ("admin_reasons", L),
            ("admin_by", S),
            ("admin_at", T),
            ("field_status", S),  # verifikasi faktual
            ("field_reasons", L),
            ("field_method", S),  # rumah | lo | kantor_pps | video
            ("field_by", S),
            ("field_at", T),
        ),
        FieldSpec("external_duplicate", B, server_owned=True),
    ),
)

ENTITIES: dict[str, EntitySpec] = {
    e.name: e for e in (ELECTION, PAIR, CANDIDATE, DOCUMENT, PARTY, SUPPORTER)
}


class Op(StrEnum):
    UPSERT = "upsert"  # create (base_version 0) or update
    DELETE = "delete"  # tombstone


class ResultStatus(StrEnum):
    APPLIED = "applied"  # base version was current
    MERGED = "merged"  # stale base, every field merged cleanly
    CONFLICT = "conflict"  # stale base, some fields changed on both sides; server kept its values
    REJECTED = "rejected"  # refused (validation, deadline, scope); nothing changed


@dataclass(slots=True)
class Mutation:
    """One client edit: the unit of push, idempotent by ``id``.

    ``changes`` maps a field to ``(old, new)``: ``old`` is the value the edit was
    made on (the base), ``new`` the value the operator wants. For a create the
    old values are None and ``base_version`` is 0. A delete carries no changes.
    """

    id: str
    entity: str
    record_id: str
    scope: str
    op: Op
    base_version: int
    changes: dict[str, tuple[JsonValue, JsonValue]] = field(default_factory=dict)
    created_at: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity": self.entity,
            "record_id": self.record_id,
            "scope": self.scope,
            "op": str(self.op),
            "base_version": self.base_version,
            "changes": {k: [old, new] for k, (old, new) in self.changes.items()},
            "created_at": self.created_at,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Mutation:
        changes = {k: (v[0], v[1]) for k, v in dict(data.get("changes") or {}).items()}
        return cls(
            id=str(data["id"]),
            entity=str(data["entity"]),
            record_id=str(data["record_id"]),
            scope=str(data["scope"]),
            op=Op(data["op"]),
            base_version=int(data["base_version"]),
            changes=changes,
            created_at=str(data.get("created_at") or ""),
        )


@dataclass(slots=True)
class Record:
    """A record as the server holds it and the feed carries it."""

    entity: str
    id: str
    scope: str
    version: int
    deleted: bool
    fields: dict[str, JsonValue]

    def to_wire(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "id": self.id,
            "scope": self.scope,
            "version": self.version,
            "deleted": self.deleted,
            "fields": self.fields,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Record:
        return cls(
            entity=str(data["entity"]),
            id=str(data["id"]),
            scope=str(data["scope"]),
            version=int(data["version"]),
            deleted=bool(data["deleted"]),
            fields=dict(data.get("fields") or {}),
        )


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode_value(spec: FieldSpec, value: Any) -> JsonValue:
    """A Python value of the field's type as its JSON wire value."""
    if value is None:
        return None
    if spec.type is FieldType.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if spec.type is FieldType.DATETIME and isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if spec.type is FieldType.LIST:
        return [str(v) for v in value]
    return value


def decode_value(spec: FieldSpec, value: JsonValue) -> Any:
    """A JSON wire value as the Python value of the field's type.

    Raises:
        ValueError: the value does not fit the field's type.
    """
    if value is None:
        return None
    kind = spec.type
    if kind is FieldType.STR:
        if not isinstance(value, str):
            raise ValueError(f"{spec.name}: expected text")
        return value
    if kind is FieldType.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{spec.name}: expected a whole number")
        return value
    if kind is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{spec.name}: expected true or false")
        return value
    if kind is FieldType.DATE:
        return dt.date.fromisoformat(str(value))
    if kind is FieldType.DATETIME:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{spec.name}: expected a list of text")
    return list(value)
