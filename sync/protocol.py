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

import base64
import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from operator import itemgetter
from typing import Any

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"
#: the server's unauthenticated health check (the client, the self-check and the
#: training-server launcher ask it; the server serves it)
HEALTH_PATH = f"{API_PREFIX}/health"
#: the server's keys, answered with a proof of its signing key (no auth)
SERVER_KEY_PATH = f"{API_PREFIX}/server-key"

#: What a key proof's signed object names itself (:func:`key_proof_body`): receipts,
#: bundles and snapshot manifests are other objects, so a proof is never one of them.
KEY_PROOF_DOMAIN = "silon-server-key-v1"
#: What a login answer's proof names itself (:func:`login_proof_body`).
LOGIN_PROOF_DOMAIN = "silon-login-v1"
#: What the proof of a ``401 revoked`` answer names itself (:func:`revoked_body`).
REVOKED_DOMAIN = "silon-revoked-v1"
#: What the proof of a refused login names itself (:func:`login_refused_body`).
LOGIN_REFUSED_DOMAIN = "silon-login-refused-v1"
#: The login refusals the server signs (``error`` of the answer), the ones the desktop
#: locks its data on when the typed password still opens it: a wrong password (changed
#: elsewhere), an account disabled or removed (all ``401 bad_credentials``), a name the
#: audit log keeps (``403 reserved_username``). A throttled login (429) or a server
#: fault (5xx) says nothing of the account and is never signed.
LOGIN_REFUSALS_SIGNED = ("bad_credentials", "reserved_username")
#: Random bytes of a key proof's nonce (sent as base64: 44 characters).
KEY_NONCE_BYTES = 32
#: The shortest and longest nonce the server signs over (base64 text).
KEY_NONCE_MIN = 16
KEY_NONCE_MAX = 64


JsonValue = Any  # str | int | bool | None | list[str]


def new_key_nonce() -> str:
    """A fresh random nonce for ``GET /v1/server-key?nonce=``: the answer's proof is
    then about this request, and one recorded earlier cannot be played back."""
    return base64.b64encode(secrets.token_bytes(KEY_NONCE_BYTES)).decode("ascii")


def key_proof_body(nonce: str, public_key: str, key_id: str, box_key: str) -> dict[str, str]:
    """What the server signs with its signing key (``sync.signing.sign``, canonical
    JSON) to answer ``GET /v1/server-key?nonce=``, and the client verifies against the
    key it pinned (or is about to pin).

    The box key is inside: the key bundles are sealed to the server is then the
    signing key's word, not the word of whoever relays the answer.
    """
    return {
        "domain": KEY_PROOF_DOMAIN,
        "nonce": nonce,
        "public_key": public_key,
        "key_id": key_id,
        "box_key": box_key,
    }


def login_proof_body(
    nonce: str,
    *,
    username: str,
    device_id: str,
    role: str,
    region: str,
    read_rules: str,
    offline_days: float,
    token: str,
    device_secret: str,
) -> dict[str, str]:
    """What the server signs with its signing key to answer ``POST /v1/auth/login?nonce=``:
    the answer's fields the desktop acts on (who logged in, what the account reads, how
    long it may log in offline; the region decides whether the data here still opens
    for it). The token and the device secret are in by their SHA-256 only: a secret
    never sits in a signed object. ``offline_days`` as text (no floats are signed).
    """
    return {
        "domain": LOGIN_PROOF_DOMAIN,
        "nonce": nonce,
        "username": username,
        "device_id": device_id,
        "role": role,
        "region": region,
        "read_rules": read_rules,
        "offline_days": repr(float(offline_days)),
        "token_sha256": token_sha256(token),
        "device_secret_sha256": hashlib.sha256(device_secret.encode("utf-8")).hexdigest(),
    }


def token_sha256(token: str) -> str:
    """A bearer token as a signed object names it: its SHA-256 in hex (a secret never
    sits in a signed object)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def revoked_body(token_hash: str, reason: str) -> dict[str, str]:
    """What the server signs with its signing key into the ``proof`` of a ``401
    revoked`` answer, and the desktop verifies against the key it pinned before it
    erases its wraps of the data key (the lock).

    Bound to the refused token (``token_hash``: :func:`token_sha256` of the bearer
    token presented): a proof recorded for another session, or another desktop, does
    not lock this one; the domain keeps it from being any other signed object. An
    error answer is otherwise not signed, so without this anyone on the path (a plain
    ``http`` Bimtek room, an office proxy breaking TLS) could lock an operator out
    of the data on the PC by answering ``401 revoked``.
    """
    return {"domain": REVOKED_DOMAIN, "token_sha256": token_hash, "reason": reason}


def login_refused_body(nonce: str, username: str, reason: str) -> dict[str, str]:
    """What the server signs with its signing key into the ``proof`` of its refusal of
    ``POST /v1/auth/login?nonce=`` (``reason``: the answer's ``error``, one of
    :data:`LOGIN_REFUSALS_SIGNED`), and the desktop verifies against the key it pinned
    before it erases its wraps of the data key (the lock of a password changed or an
    account disabled since).

    Bound to this request's fresh nonce and the user name it sent: the server's refusal
    of another login (a wrong password typed once) cannot be played back to lock the
    data when the right one is typed. An error answer is otherwise not signed, so
    without this anyone on the path could lock an operator out by answering ``401``.
    """
    return {"domain": LOGIN_REFUSED_DOMAIN, "nonce": nonce, "username": username, "reason": reason}


class FieldType(StrEnum):
    STR = "str"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    LIST = "list"


#: A new password's length, as the server takes it (an account made, reset, or changed by
#: its owner) and the desktop checks it before asking: long enough that a stolen key
#: file's argon2 wrap is not guessed in days, short enough to type.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256

#: Characters refused in every text field: C0/C1 controls (U+0085, U+009B ...),
#: invisible format characters, bidi embeddings, overrides and isolates (U+202E ...),
#: line/paragraph separators, BOM, lone surrogates and non-characters.
HOSTILE_CHARS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff"
)
#: Tab and line breaks: allowed only in multi-line fields (addresses, notes).
LINE_CHARS = "\t\n\r"
#: The largest whole number of any field (the databases' INTEGER columns).
MAX_INT = 2**31 - 1
#: Characters a file name never holds (it is a name, not a path).
PATH_CHARS = '/\\:*?"<>|'


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One synced field and its value domain (checked by the server and the desktop)."""

    name: str
    type: FieldType
    #: Fields only the server writes (cross-scope checks); clients never push them.
    server_owned: bool = False
    #: The values a text field may hold (``""`` listed when it may be blank); None: free text.
    choices: frozenset[str] | None = None
    #: The longest text, in characters (None: :data:`MAX_TEXT`).
    max_len: int | None = None
    #: Smallest and largest whole number (integers: 0 .. :data:`MAX_INT` by default).
    min: int | None = None
    max: int | None = None
    #: Text that may span lines (tab and line breaks allowed).
    multiline: bool = False
    #: A file name: no path separators, never ``.`` or ``..``.
    filename: bool = False


@dataclass(frozen=True, slots=True)
class EntitySpec:
    name: str
    #: Field naming the parent record, or None for a root entity.
    parent_field: str | None
    fields: tuple[FieldSpec, ...]
    #: The entity the parent field must name (a supporter's pair_id names a pair).
    parent_entity: str | None = None
    #: The fields' names, in order (made once: read for every record of a feed page
    #: and of a snapshot part).
    field_names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    #: The names of the fields a client writes (not server-owned), in order.
    client_fields: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_names", tuple(f.name for f in self.fields))
        names = tuple(f.name for f in self.fields if not f.server_owned)
        object.__setattr__(self, "client_fields", names)

    def spec(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")


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


def _choices(*values: str) -> frozenset[str]:
    return frozenset(values)


_STATUS = _choices("MS", "BMS", "TMS", "")
_SEX = _choices("L", "P", "")
_MARITAL = _choices("B", "S", "P", "")
#: Value domains by field name, the same for every entity holding the field
#: (``(entity, field)`` keys in :data:`_DOMAINS_BY_ENTITY` take precedence).
_DOMAINS: dict[str, dict[str, Any]] = {
    "name": {"max_len": 200},
    "region_code": {"max_len": 13},
    "rule_set": {"max_len": 40},
    "year": {"min": 2000, "max": 2100},
    "election_id": {"max_len": 36},
    "pair_id": {"max_len": 36},
    "candidate_id": {"max_len": 36},
    "route": {"max_len": 20, "choices": _choices("partai", "perseorangan")},
    "head_name": {"max_len": 200},
    "deputy_name": {"max_len": 200},
    "sex": {"max_len": 1, "choices": _SEX},
    "marital_status": {"max_len": 1, "choices": _MARITAL},
    "birth_place": {"max_len": 100},
    "address": {"max_len": 500, "multiline": True},
    "education": {"max_len": 40},
    "occupation": {"max_len": 100},
    "filename": {"max_len": 255, "filename": True},
    "sha256": {"max_len": 64},
    "note": {"max_len": 500, "multiline": True},
    "party_name": {"max_len": 100},
    "rt": {"max_len": 3},
    "rw": {"max_len": 3},
    "desa_code": {"max_len": 13},
    "kecamatan_code": {"max_len": 8},
    "kabkota_code": {"max_len": 5},
    "check_status": {"max_len": 3, "choices": _STATUS},
    "admin_status": {"max_len": 3, "choices": _STATUS},
    "field_status": {"max_len": 3, "choices": _STATUS},
    "admin_by": {"max_len": 64},
    "field_by": {"max_len": 64},
    "round": {
        "max_len": 16,
        "choices": _choices("submission", "correction_1", "correction_2", ""),
    },
    "withdrawn_reason": {
        "max_len": 20,
        "choices": _choices(
            "ganda", "ditarik_pendukung", "salah_input", "diganti_impor", "lainnya", ""
        ),
    },
    "withdrawn_note": {"max_len": 500, "multiline": True},
    "withdrawn_by": {"max_len": 64},
    "duplicate_of": {"max_len": 36},
    "field_method": {
        "max_len": 20,
        "choices": _choices("rumah", "lo", "kantor_pps", "video", ""),
    },
}
_DOMAINS_BY_ENTITY: dict[tuple[str, str], dict[str, Any]] = {
    ("election", "kind"): {"max_len": 20, "choices": _choices("gubernur", "bupati", "walikota")},
    ("pair", "status"): {
        "max_len": 20,
        "choices": _choices("draft", "diajukan", "ditetapkan", "ditolak"),
    },
    ("candidate", "role"): {"max_len": 10, "choices": _choices("kepala", "wakil")},
    ("candidate", "nik"): {"max_len": 16},
    ("supporter", "nik"): {"max_len": 32},
    ("document", "kind"): {
        "max_len": 40,
        "choices": _choices(
            "ijazah",
            "surat_sehat",
            "skck",
            "lhkpn",
            "npwp",
            "spt",
            "drh",
            "pernyataan",
            "ktp",
            "pas_foto",
            "pailit",
            "lainnya",
        ),
    },
    ("document", "status"): {
        "max_len": 20,
        "choices": _choices("belum", "ada", "sesuai", "tidak_sesuai"),
    },
}


def _with_domains(spec: EntitySpec) -> EntitySpec:
    """``spec`` with every field's value domain (from the tables above)."""

    def domain(f: FieldSpec) -> FieldSpec:
        if f.server_owned:
            return f
        extra = _DOMAINS_BY_ENTITY.get((spec.name, f.name))
        if extra is None:
            extra = {} if f.name in ("kind", "status", "role") else _DOMAINS.get(f.name, {})
        if f.type is FieldType.INT:
            extra = {"min": 0, "max": MAX_INT, **extra}
        return replace(f, **extra)

    return replace(spec, fields=tuple(domain(f) for f in spec.fields))


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
        # the figures the KPU decree states (keputusan KPU); may differ from the
        # computed ones (Kota Depok 2024: 90,563 announced, 90,564 by the law)
        ("official_threshold", I),
        ("official_spread", I),
        ("official_party_votes", I),
        # the last DPRD election of the region: its seats and its valid votes in all
        # (a party coalition's threshold is a share of them: after MK 60/2024 of the
        # valid votes, by the same DPT tiers as independents)
        ("dprd_seats", I),
        ("dprd_valid_votes", I),
    ),
)
#: Whether a KPU kab/kota entered the election itself (true) or the level above made
#: it (false: KPU RI or the province): set by the server on create, never by a client
#: (:func:`election_field_refused`). A record of a server before it has no such field:
#: not known (the desktop then leaves the refusal to the server).
ELECTION = replace(
    ELECTION, fields=(*ELECTION.fields, FieldSpec("made_by_kabkota", B, server_owned=True))
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
    parent_entity="election",
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
    parent_entity="pair",
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
    parent_entity="candidate",
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
    parent_entity="pair",
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
            # the round the row arrived in: submission | correction_1 | correction_2
            # ("" from older clients means submission)
            ("round", S),
            # withdrawal (the record's delete mutation carries them, see
            # WITHDRAWAL_FIELDS): why, a note, who, when, and the kept row of a
            # duplicate merged away ("ganda")
            ("withdrawn_reason", S),
            ("withdrawn_note", S),
            ("withdrawn_by", S),
            ("withdrawn_at", T),
            ("duplicate_of", S),
        ),
        FieldSpec("external_duplicate", B, server_owned=True),
        #: An open "Saya tidak mendukung" objection by the citizen (public pages).
        FieldSpec("public_objection", B, server_owned=True),
    ),
    parent_entity="pair",
)

ELECTION, PAIR, CANDIDATE, DOCUMENT, PARTY, SUPPORTER = (
    _with_domains(e) for e in (ELECTION, PAIR, CANDIDATE, DOCUMENT, PARTY, SUPPORTER)
)

ENTITIES: dict[str, EntitySpec] = {
    e.name: e for e in (ELECTION, PAIR, CANDIDATE, DOCUMENT, PARTY, SUPPORTER)
}

#: An election's fields set by the level that administers it (KPU RI, or the province
#: for its governor election): its stage dates, DPT, sub-regions, rule set, DPRD
#: figures and the decree's figures (which the recap and the public pages use over
#: the computed ones). A kab/kota account fills them while empty on an election it
#: entered itself (none on one made above it), never changes them once set (the server: ``sync.server.rules.check_rights``, READ_ONLY; the desktop
#: tells it before saving).
ELECTION_ADMINISTERED: frozenset[str] = frozenset(
    {f.name for f in ELECTION.fields if f.type is FieldType.DATE}
    | {"dpt", "subregion_count", "rule_set", "dprd_seats", "dprd_valid_votes"}
    | {"official_threshold", "official_spread", "official_party_votes"}
)
#: What an election is (its kind, region and year), which decide its threshold tiers,
#: spread, minimum age, the region its supporters must live in and its Pilkada (one
#: person stands in one pair of one Pilkada): held as :data:`ELECTION_ADMINISTERED`,
#: but no bar to deleting a kab/kota's own draft.
ELECTION_IDENTITY: frozenset[str] = frozenset({"kind", "region_code", "year"})


def election_field_refused(name: str, old: object, made_by_kabkota: bool | None) -> str | None:
    """Why a KPU kab/kota account may not write ``name`` of a stored election whose value
    is ``old`` (the one rule: the server's ``rules.check_rights`` and the desktop's save):
    ``"made_above"`` (an election KPU RI or the province made: its administered fields
    and identity are that level's, set or empty), ``"set"`` (set once, by any level),
    or None (another field, or an empty one on the kab/kota's own election).
    ``made_by_kabkota`` None (a server that does not say) refuses only a set field."""
    if name not in ELECTION_ADMINISTERED and name not in ELECTION_IDENTITY:
        return None
    if made_by_kabkota is False:
        return "made_above"
    if old is not None and old != "":
        return "set"
    return None


#: Fields a delete mutation may set (``changes``: ``[old, new]``) and a tombstone
#: keeps and carries in the feed: a withdrawn supporter's reason, note, who,
#: when and the row it duplicated. Every other field of a delete is only a base
#: value (its ``new`` is ignored) and tombstones carry it as null.
WITHDRAWAL_FIELDS: tuple[str, ...] = (
    "withdrawn_reason",
    "withdrawn_note",
    "withdrawn_by",
    "withdrawn_at",
    "duplicate_of",
)


def party_key(name: object) -> str:
    """A party's name as compared for "one pair per party": case and spaces ignored."""
    return " ".join(str(name or "").split()).casefold()


class Op(StrEnum):
    UPSERT = "upsert"  # create (base_version 0) or update
    DELETE = "delete"  # tombstone
    RESTORE = "restore"  # a tombstone live again (a withdrawal undone); no changes


class ResultStatus(StrEnum):
    APPLIED = "applied"  # base version was current
    MERGED = "merged"  # stale base, every field merged cleanly
    CONFLICT = "conflict"  # stale base, some fields changed on both sides; server kept its values
    REJECTED = "rejected"  # refused (validation, deadline, scope); nothing changed


#: Status text -> status (a dict lookup where an enum call would search).
_STATUSES: dict[Any, ResultStatus] = {status.value: status for status in ResultStatus}


@dataclass(slots=True)
class Mutation:
    """One client edit: the unit of push, idempotent by ``id``.

    ``changes`` maps a field to ``(old, new)``: ``old`` is the value the edit was
    made on (the base), ``new`` the value the operator wants. For a create the
    old values are None and ``base_version`` is 0. A delete carries base values
    and sets only the :data:`WITHDRAWAL_FIELDS` (a withdrawn supporter's reason).
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


# --- Push -------------------------------------------------------------------

#: Most mutations one push request may carry; larger outboxes go in several batches.
MAX_BATCH = 2000
#: Longest text value of any field (characters), and longest list.
MAX_TEXT = 2000
MAX_LIST = 50


class RejectCode(StrEnum):
    """Why a mutation was rejected (``result.code``); ``result.field`` names the field."""

    UNKNOWN_ENTITY = "UNKNOWN_ENTITY"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    SERVER_OWNED = "SERVER_OWNED"  # a field only the server writes
    BAD_TYPE = "BAD_TYPE"  # value does not decode as the field's type
    TOO_LONG = "TOO_LONG"
    BAD_CHARS = "BAD_CHARS"  # control characters in text
    BAD_VALUE = "BAD_VALUE"  # malformed change (not [old, new]), bad scope text
    BAD_VERSION = "BAD_VERSION"  # base_version newer than the server's
    SCOPE_MISMATCH = "SCOPE_MISMATCH"  # a record's scope never changes
    PARENT_MISSING = "PARENT_MISSING"  # parent record unknown or deleted
    DEADLINE_PASSED = "DEADLINE_PASSED"  # stage closed by the server clock
    READ_ONLY = "READ_ONLY"  # the field is set by a higher level (e.g. an election's dates)
    #: the party already nominates another pair of the election (PKPU 10/2024 Pasal 11(4))
    PARTY_TAKEN = "PARTY_TAKEN"
    #: the pair already has a candidate of that role (one head, one deputy per pair)
    ROLE_TAKEN = "ROLE_TAKEN"
    #: the candidate's NIK stands in another pair of the election or of its year (one Pilkada)
    CANDIDATE_TAKEN = "CANDIDATE_TAKEN"


@dataclass(slots=True)
class MutationResult:
    """The server's answer to one mutation (stored: a repeat returns it again)."""

    mutation_id: str
    status: ResultStatus
    version: int = 0
    #: The server record after the mutation (merged and conflict results only).
    record: Record | None = None
    #: Conflicting fields: ``{field: {"base": .., "mine": .., "theirs": ..}}``.
    conflicts: dict[str, dict[str, JsonValue]] = field(default_factory=dict)
    code: str = ""
    field: str = ""
    message: str = ""

    def to_wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mutation_id": self.mutation_id,
            "status": str(self.status),
            "version": self.version,
        }
        if self.record is not None:
            out["record"] = self.record.to_wire()
        if self.conflicts:
            out["conflicts"] = self.conflicts
        if self.code:
            out["code"] = self.code
            out["field"] = self.field
            out["message"] = self.message
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> MutationResult:
        status = _STATUSES.get(data["status"]) or ResultStatus(data["status"])
        if len(data) <= 3 and "version" in data:
            # The usual answer (applied: id, status, version), once per pushed
            # mutation: nothing else to read.
            return cls(str(data["mutation_id"]), status, int(data["version"] or 0))
        record = data.get("record")
        return cls(
            mutation_id=str(data["mutation_id"]),
            status=status,
            version=int(data.get("version") or 0),
            record=Record.from_wire(record) if record else None,
            conflicts=dict(data.get("conflicts") or {}),
            code=str(data.get("code") or ""),
            field=str(data.get("field") or ""),
            message=str(data.get("message") or ""),
        )


def push_request(batch_id: str, device_id: str, mutations: list[Mutation]) -> dict[str, Any]:
    """The JSON body of ``POST /v1/push``."""
    return {
        "batch_id": batch_id,
        "device_id": device_id,
        "mutations": [m.to_wire() for m in mutations],
    }


# --- Feed pages ---------------------------------------------------------------

#: Columns every entity block of a feed page starts with, before the entity's fields.
RECORD_COLUMNS = ("id", "scope", "version", "deleted")
#: Parent entities before children: the order blocks appear in a page.
ENTITY_ORDER = ("election", "pair", "candidate", "document", "party", "supporter")


@dataclass(slots=True)
class FeedPage:
    """One page of the change feed: records changed after ``after``, up to ``cursor``."""

    records: list[Record]
    cursor: str
    has_more: bool
    server_time: str = ""


#: Each entity's fields of a record's field dict, as one tuple in wire order (every
#: entity has several fields, so ``itemgetter`` gives a tuple): a feed page's live
#: records are turned into rows without a Python step per field.
_FIELD_GETTERS = {name: itemgetter(*spec.field_names) for name, spec in ENTITIES.items()}


def encode_feed_page(page: FeedPage) -> dict[str, Any]:
    """A feed page in the columnar wire form.

    One block per entity (parents first): the column names once, then one array
    per record. Tombstones carry null field values but the withdrawal fields
    (:data:`WITHDRAWAL_FIELDS`). A record appears at most once
    per page (its latest state).
    """
    blocks: dict[str, list[list[Any]]] = {}
    for rec in page.records:
        spec = ENTITIES[rec.entity]
        head: list[Any] = [rec.id, rec.scope, rec.version, rec.deleted]
        if rec.deleted:
            row = head + [
                rec.fields.get(name) if name in WITHDRAWAL_FIELDS else None
                for name in spec.field_names
            ]
        else:
            try:  # every field in one C call (a server record has them all)
                row = [*head, *_FIELD_GETTERS[rec.entity](rec.fields)]
            except KeyError:  # a record without some field: null for it
                row = head + [rec.fields.get(name) for name in spec.field_names]
        blocks.setdefault(rec.entity, []).append(row)
    entities = [
        {
            "entity": name,
            "columns": [*RECORD_COLUMNS, *ENTITIES[name].field_names],
            "rows": blocks[name],
        }
        for name in ENTITY_ORDER
        if name in blocks
    ]
    return {
        "cursor": page.cursor,
        "has_more": page.has_more,
        "server_time": page.server_time,
        "entities": entities,
    }


def decode_feed_page(data: Mapping[str, Any]) -> FeedPage:
    """A feed page from its columnar wire form (see :func:`encode_feed_page`).

    Columns are read by name, so a server may add columns an older client ignores.

    Raises:
        ValueError: the page is malformed.
    """
    records: list[Record] = []
    try:
        for block in data.get("entities") or []:
            entity = str(block["entity"])
            spec = ENTITIES.get(entity)
            if spec is None:
                continue  # an entity this client does not know yet
            columns = [str(c) for c in block["columns"]]
            index = {c: i for i, c in enumerate(columns)}
            wanted = [(n, index[n]) for n in spec.field_names if n in index]
            for row in block["rows"]:
                deleted = bool(row[index["deleted"]])
                records.append(
                    Record(
                        entity=entity,
                        id=str(row[index["id"]]),
                        scope=str(row[index["scope"]]),
                        version=int(row[index["version"]]),
                        deleted=deleted,
                        fields={
                            n: row[i]
                            for n, i in wanted
                            if not deleted or (n in WITHDRAWAL_FIELDS and row[i] is not None)
                        },
                    )
                )
        return FeedPage(
            records=records,
            cursor=str(data["cursor"]),
            has_more=bool(data["has_more"]),
            server_time=str(data.get("server_time") or ""),
        )
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"malformed feed page: {exc!r}") from exc


def gzip_json(obj: Any) -> bytes:
    """``obj`` as gzip-compressed compact JSON (request bodies, bundles)."""
    import gzip
    import json

    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=6)


def gunzip_json(data: bytes) -> Any:
    """The JSON value of gzip-compressed (or plain) JSON bytes.

    Raises:
        ValueError: not JSON, or not valid gzip.
    """
    import gzip
    import json

    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ValueError(f"bad gzip data: {exc}") from exc
    return json.loads(data)
