"""The server's tables (SQLAlchemy Core). Alembic migrations mirror them."""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

# --- Packed JSON text (issue 19: a record's fields took 780 of its 2,100 bytes) ---

#: The preset dictionary of :data:`PACKED_V1`: the records' field names in the wire
#: order with their empty values, so a record's names cost a few bytes. Part of the
#: stored format: NEVER edit it (a changed dictionary needs a new format byte).
PACK_DICTIONARY_V1 = (
    '{"mutation_id":"","status":"applied","version":1,"conflicts":{}}'
    '{"name":null,"kind":null,"region_code":null,"year":null,"dpt":null,"subregion_count"'
    ':null,"rule_set":null,"support_start":null,"support_end":null,"vermin_end":null,"cor'
    'rection_end":null,"verfak_end":null,"registration_date":null,"penetapan_date":null,"'
    'official_threshold":null,"official_spread":null,"official_party_votes":null,"dprd_se'
    'ats":null,"dprd_valid_votes":null}'
    '{"election_id":null,"number":null,"route":null,"head_name":null,"deputy_name":null,"'
    'status":null}'
    '{"pair_id":null,"role":null,"nik":null,"name":null,"sex":null,"birth_place":null,"bi'
    'rth_date":null,"address":null,"education":null,"occupation":null,"marital_status":nu'
    "ll}"
    '{"candidate_id":null,"kind":null,"filename":null,"sha256":null,"size":null,"status":'
    'null,"note":null}'
    '{"pair_id":null,"party_name":null,"seats":null,"votes":null}'
    '{"pair_id":"","nik":"","name":"","birth_place":"","birth_date":"","sex":"","marital_'
    'status":"","occupation":"","address":"","rt":"","rw":"","desa_code":"","kecamatan_co'
    'de":"","kabkota_code":"","has_id_scan":false,"nik_from_number":false,"check_status":'
    '"","check_reasons":[],"admin_status":"","admin_reasons":[],"admin_by":"","admin_at":'
    '"","field_status":"","field_reasons":[],"field_method":"","field_by":"","field_at":"'
    '","round":"","withdrawn_reason":"","withdrawn_note":"","withdrawn_by":"","withdrawn_'
    'at":"","duplicate_of":"","external_duplicate":false,"public_objection":false}'
    '{"pair_id":null,"nik":null,"name":null,"birth_place":null,"birth_date":null,"sex":nu'
    'll,"marital_status":null,"occupation":null,"address":null,"rt":null,"rw":null,"desa_'
    'code":null,"kecamatan_code":null,"kabkota_code":null,"has_id_scan":null,"nik_from_nu'
    'mber":null,"check_status":null,"check_reasons":null,"admin_status":null,"admin_reaso'
    'ns":null,"admin_by":null,"admin_at":null,"field_status":null,"field_reasons":null,"f'
    'ield_method":null,"field_by":null,"field_at":null,"round":null,"withdrawn_reason":nu'
    'll,"withdrawn_note":null,"withdrawn_by":null,"withdrawn_at":null,"duplicate_of":null'
    ',"external_duplicate":null,"public_objection":null}'
    '"MS","BMS","TMS","submission","correction_1","correction_2",["NO_ID_SCAN"],'
).encode("ascii")
#: First byte of a packed value: raw DEFLATE (4 KB window) with the dictionary above.
#: A value whose first byte is ``{`` or ``[`` is plain JSON text (rows written
#: before revision 0007).
PACKED_V1 = b"\x01"
_WBITS = -12


#: A compressor and a decompressor primed with the dictionary; each value is packed
#: or unpacked by a copy (the copy skips loading the dictionary again).
_PACKER = zlib.compressobj(6, zlib.DEFLATED, _WBITS, 5, zlib.Z_DEFAULT_STRATEGY, PACK_DICTIONARY_V1)


_UNPACKER = zlib.decompressobj(_WBITS, PACK_DICTIONARY_V1)


def pack_json(text: str | bytes) -> bytes:
    """JSON text (or its UTF-8 bytes, as orjson makes them) as stored in a
    :class:`PackedJSON` column (about 12 us of CPU for a supporter's 780 characters;
    unpacking about 3 us, less than parsing it)."""
    packer = _PACKER.copy()
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return PACKED_V1 + packer.compress(data) + packer.flush()


def unpack_json(value: str | bytes | memoryview) -> str:
    """The JSON text of a stored :class:`PackedJSON` value (packed or plain)."""
    if isinstance(value, str):
        return value
    data = bytes(value)
    if data[:1] != PACKED_V1:
        return data.decode("utf-8")
    unpacker = _UNPACKER.copy()
    return (unpacker.decompress(data[1:]) + unpacker.flush()).decode("utf-8")


class PackedJSON(TypeDecorator[str]):
    """JSON text, stored packed (:func:`pack_json`); read back as the same text.

    Statements built on the table pack and unpack on their own; a plain DB-API
    statement reads the stored bytes and must call :func:`unpack_json`
    (:func:`sync.server.db.bulk_insert` packs). Bytes given to a write are taken as
    already packed. The canonical form the audit digests (``audit.state_digest``) is
    the parsed JSON, which packing does not change."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None or isinstance(value, bytes):
            return value
        return pack_json(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else unpack_json(value)


class Digest(TypeDecorator[str]):
    """A hex digest stored as its bytes (revision 0010: the audit log's SHA-256
    ``hash`` and ``state`` took 64 characters each; 0012: ``records.origin``); read back as the same hex text,
    "" as the empty value. A plain DB-API statement reads the bytes (``bytes.hex()``)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None or isinstance(value, bytes):
            return value
        return bytes.fromhex(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else bytes(value).hex()


users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    #: Region code the account is bound to; "" means the whole country.
    Column("region", String(16), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", Float, nullable=False),
)
#: Names are unique without regard to case ("Op3214" cannot join "op3214").
Index("ix_users_username_lower", func.lower(users.c.username), unique=True)

#: Failed logins per user name (known or not, so lockout does not reveal accounts).
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", Float, nullable=False),
    Column("locked_until", Float, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("device_id", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    #: Why the token was revoked (``password_changed``, ``account_disabled``,
    #: ``device_revoked``, ``scope_changed``): the desktop then locks its data (401
    #: ``revoked``).
    Column("revoked", String(32), nullable=True),
)

#: The secret of a (user, device), returned at every successful login: the desktop
#: wraps its data key with it, so a locked PC opens again only after an online login.
#: Kept across password changes; deleted when the device is revoked.
device_secrets = Table(
    "device_secrets",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("device_id", String(64), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

#: A device's key per (user, device): another user's login on the same device
#: registers its own key and never rebinds this one.
device_keys = Table(
    "device_keys",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("device_id", String(64), primary_key=True),
    #: Base64 raw Ed25519 public key of the device (verifies its USB bundles).
    Column("public_key", String(64), nullable=True),
    Column("registered_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("entity", String(32), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False),
    #: Feed position of the record's latest change (assigned in commit order).
    Column("seq", BigInteger, nullable=False),
    #: The record's fields as JSON text, stored packed (revision 0007).
    Column("fields", PackedJSON, nullable=False),
    Column("updated_at", Float, nullable=False),
    #: The kab/kota a supporter of a governor election lives in (its kabkota_code):
    #: that KPU kab/kota reads and verifies it. "" for every other record.
    Column("area", String(16), nullable=False, server_default=""),
    #: Who already holds this version: a digest of ``username/device_id/run`` (8
    #: bytes, read as 16 hex characters; text before revision 0012) when it was
    #: written by that device's own push in that sync run (the push answer gave it the
    #: version; see sync.server.batch.origin_of), "" when the
    #: server changed it after (a duplicate flag, an objection), a bundle or the CLI
    #: wrote it. A feed asked with ``skip_own`` leaves out the caller's own rows.
    Column("origin", Digest, nullable=False),
    Index("ix_records_seq", "seq", unique=True),
    Index("ix_records_scope_seq", "scope", "seq"),
)

#: The kab/kota areas a supporter of a governor election has left (a province or
#: KPU RI changed its kabkota_code) and not come back to: the old area's KPU
#: kab/kota may no longer read it, so its feed brings it once as a tombstone with
#: no fields (sync.server.feed). ``seq`` and ``version`` are the record's at the
#: move; the row goes when the record comes back to that area (revision 0015).
departures = Table(
    "departures",
    metadata,
    Column("record_id", String(64), nullable=False),
    Column("area", String(16), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("record_id", "area", name="departures_pkey"),
    Index("ix_departures_area_seq", "area", "seq"),
)

#: The elections a KPU kab/kota entered itself (created by a kab/kota account; the
#: account named): it fills their administered fields while empty
#: (``sync.server.rules.check_rights``). Any other election was made by the level
#: that administers it (KPU RI, the province, a trainer on a training server), whose
#: those fields are, set or not: a kab/kota filled the empty DPT or decree threshold
#: of KPU RI's election (revision 0019).
kabkota_elections = Table(
    "kabkota_elections",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
)

#: One row per push that applied mutations: its batch id and caller, which every
#: mutation of it repeated before revision 0011 (about 45 bytes each).
applied_batches = Table(
    "applied_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(64), nullable=False),
    Column("username", String(64), nullable=False),
)

applied_mutations = Table(
    "applied_mutations",
    metadata,
    Column("mutation_id", String(64), primary_key=True),
    #: ``applied_batches.id`` of the push that applied it.
    Column("batch", Integer, nullable=False),
    Column("record_id", String(64), nullable=False),
    #: The MutationResult as JSON text, returned again for a repeat.
    Column("result", Text, nullable=False),
    Column("applied_at", Float, nullable=False),
    sqlite_with_rowid=False,  # one B-tree keyed by the random mutation id, not two
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mutation_id", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("record_id", String(64), nullable=False, index=True),
    Column("scope", String(16), nullable=False),
    Column("username", String(64), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("server_version", Integer, nullable=False),
    #: ``{field: {"base", "mine", "theirs"}}`` as JSON text: the losing proposal.
    Column("fields", Text, nullable=False),
    #: The record's area when the conflict was made (``records.area``: the kab/kota a
    #: governor election's supporter lived in, "" for every other record): its KPU
    #: kab/kota reads the conflict, the one the record moves to later does not
    #: (revision 0018; a conflict follows its record's current area no more).
    Column("area", String(16), nullable=False, server_default=""),
    Index("ix_conflicts_scope_id", "scope", "id"),
)

audit = Table(
    "audit",
    metadata,
    #: On SQLite the table's rowid (revision 0009: no second B-tree for the key).
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("at", String(32), nullable=False),
    Column("username", String(64), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Column("hash", Digest, nullable=False),
    #: SHA-256 of the record after this change (sync.server.audit.state_digest);
    #: "" for entries about no record and for those written before this column.
    Column("state", Digest, nullable=False),
)

#: One row per live supporter with a NIK: finds one NIK backing several pairs.
#: Keyed by NIK first (revision 0008): the push looks up (NIK, election), the public
#: NIK check a NIK alone, both in the one B-tree (an index on the NIK took 110 bytes
#: per supporter more).
nik_index = Table(
    "nik_index",
    metadata,
    Column("election_id", String(64), nullable=False),
    Column("nik", String(32), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("pair_id", String(64), nullable=False),
    Column("flagged", Boolean, nullable=False),
    PrimaryKeyConstraint("nik", "election_id", "record_id", name="nik_index_pkey"),
    sqlite_with_rowid=False,  # one B-tree
)

#: The server's own automatic check of each live supporter (sync.server.checks),
#: beside the client's forecast; ``disagrees`` when the client filed a milder status.
supporter_checks = Table(
    "supporter_checks",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column("scope", String(16), nullable=False),
    Column("area", String(16), nullable=False),
    Column("status", String(3), nullable=False),
    #: The reason codes as a JSON list.
    Column("reasons", Text, nullable=False),
    Column("client_status", String(3), nullable=False),
    Column("disagrees", Boolean, nullable=False),
    Column("checked_at", Float, nullable=False),
    Index("ix_supporter_checks_scope", "scope", "record_id"),
    sqlite_with_rowid=False,  # one B-tree keyed by the record (revision 0008)
)

regions = Table(
    "regions",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(128), nullable=False),
)

#: Server settings and the signing key (shared by every server process).
meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)


# --- The public pages (sync/server/public): figures kept current by every push ---

#: Supporters per pair, round, kecamatan (or kab/kota) and human verdict; updated
#: in the push transaction by deltas, never scanned per request.
public_figures = Table(
    "public_figures",
    metadata,
    Column("pair_id", String(64), primary_key=True),
    Column("round", String(16), primary_key=True),
    Column("subregion", String(16), primary_key=True),
    Column("submitted", Integer, nullable=False),
    Column("ms", Integer, nullable=False),
    Column("bms", Integer, nullable=False),
    Column("tms", Integer, nullable=False),
    Column("pending", Integer, nullable=False),
)

#: The public fields of elections, pairs, candidates (role only), documents and
#: parties: what the public pages show, without a scan of ``records``.
public_records = Table(
    "public_records",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("entity", String(32), nullable=False),
    Column("fields", Text, nullable=False),
)

#: One row (id 1): ``version`` grows with every change the public pages show;
#: ``structure`` only when elections, pairs or documents change.
public_state = Table(
    "public_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
    Column("structure", BigInteger, nullable=False),
    Column("updated_at", Float, nullable=False),
)

#: Objections filed by citizens ("Saya tidak mendukung") against a supporter row.
public_objections = Table(
    "public_objections",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("record_id", String(64), nullable=False, index=True),
    Column("pair_id", String(64), nullable=False, index=True),
    Column("filed_at", Float, nullable=False),
    #: Optional phone or e-mail for the follow-up (personal data: never shown or logged).
    Column("contact", String(256), nullable=False),
    Column("status", String(16), nullable=False),  # open | resolved
    #: The human verdict that resolved it (MS | BMS | TMS) and its reasons.
    Column("outcome", String(16), nullable=False),
    Column("outcome_reasons", Text, nullable=False),
    Column("resolved_at", Float, nullable=True),
    #: The supporter's version that set its flag (filing, or the objection opened
    #: again): a pushed verdict made on this version or later was made knowing of the
    #: objection, and only such a verdict resolves it (revision 0017; null for an
    #: objection filed before it: see ``objections.resolve_in_batch``).
    Column("flag_version", Integer, nullable=True),
)

#: Request counters of the NIK check per source and per NIK (keyed hashes).
public_limits = Table(
    "public_limits",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("window_start", Float, nullable=False),
    Column("count", Integer, nullable=False),
)
