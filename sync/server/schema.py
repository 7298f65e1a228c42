"""The server's tables (SQLAlchemy Core). Alembic migrations mirror them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
)

metadata = MetaData()

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
    #: ``device_revoked``): the desktop then locks its data (401 ``revoked``).
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
    #: The record's fields as JSON text.
    Column("fields", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    #: The kab/kota a supporter of a governor election lives in (its kabkota_code):
    #: that KPU kab/kota reads and verifies it. "" for every other record.
    Column("area", String(16), nullable=False, server_default=""),
    #: Who already holds this version: ``username/device_id/run`` when it was written
    #: by that device's own push in that sync run (the push answer gave it the
    #: version; see sync.server.batch.origin_of), "" when the
    #: server changed it after (a duplicate flag, an objection), a bundle or the CLI
    #: wrote it. A feed asked with ``skip_own`` leaves out the caller's own rows.
    Column("origin", String(160), nullable=False, server_default=""),
    Index("ix_records_seq", "seq", unique=True),
    Index("ix_records_scope_seq", "scope", "seq"),
)

applied_mutations = Table(
    "applied_mutations",
    metadata,
    Column("mutation_id", String(64), primary_key=True),
    Column("batch_id", String(64), nullable=False),
    Column("username", String(64), nullable=False),
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
    Index("ix_conflicts_scope_id", "scope", "id"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("username", String(64), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    #: SHA-256 of the record after this change (sync.server.audit.state_digest);
    #: "" for entries about no record and for those written before this column.
    Column("state", String(64), nullable=False, server_default=""),
)

#: One row per live supporter with a NIK: finds one NIK backing several pairs.
nik_index = Table(
    "nik_index",
    metadata,
    Column("election_id", String(64), primary_key=True),
    Column("nik", String(32), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    Column("pair_id", String(64), nullable=False),
    Column("flagged", Boolean, nullable=False),
    Index("ix_nik_index_nik", "nik"),  # the public NIK check looks up by NIK alone
    sqlite_with_rowid=False,  # one B-tree, looked up by (election, NIK)
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
)

#: Request counters of the NIK check per source and per NIK (keyed hashes).
public_limits = Table(
    "public_limits",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("window_start", Float, nullable=False),
    Column("count", Integer, nullable=False),
)
