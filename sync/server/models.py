"""Request and response schemas: validation of requests and the OpenAPI description."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import MAX_BATCH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

READ_RULES_TEXT = (
    "the version of the server's read rules and what the account reads under them "
    "(sync.server.roles.Actor.read_rules); a desktop whose cursor was moved under another "
    "value pulls again from the beginning"
)

Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Text = Annotated[str, Field(max_length=256)]
#: A new password: the one rule for an account made, reset or changed by its owner.
NewPassword = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    error: str = Field(description="stable machine code, e.g. token_expired, forbidden, locked")
    message: str
    reason: str | None = Field(
        default=None,
        description="(401 revoked) account_disabled, password_changed, device_revoked...",
    )
    proof: str | None = Field(
        default=None,
        description="(401 revoked) the server key's signature over"
        ' {"domain": "silon-revoked-v1", "token_sha256", "reason"}'
        " (sync.protocol.revoked_body); (a login's 401 bad_credentials or 403"
        " reserved_username, asked with ?nonce=) its signature over"
        ' {"domain": "silon-login-refused-v1", "nonce", "username", "reason": <error>}'
        " (sync.protocol.login_refused_body): the desktop locks its data only when it"
        " verifies",
    )


class Health(BaseModel):
    status: Literal["ok"]
    protocol: int
    server_time: str
    training: bool


class ServerKey(BaseModel):
    algorithm: Literal["Ed25519"]
    public_key: str = Field(description="raw 32-byte public key, base64")
    key_id: str
    box_key: str = Field(
        default="", description="raw 32-byte X25519 public key bundles are sealed to, base64"
    )
    proof: str = Field(
        default="",
        description=(
            "with ?nonce=: the Ed25519 signature (base64) by public_key of the canonical JSON"
            ' {"domain": "silon-server-key-v1", "nonce", "public_key", "key_id", "box_key"}'
            ' (sync.protocol.key_proof_body); "" without a nonce'
        ),
    )


class LoginRequest(Strict):
    username: Name
    password: Annotated[str, Field(min_length=1, max_length=256)]
    device_id: Id
    public_key: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description="the device's Ed25519 public key (base64), verifies bundles"
    )


class LoginResponse(BaseModel):
    token: str
    username: str
    role: str
    region: str
    expires_at: float = Field(description="seconds since the epoch (server clock)")
    device_secret: str = Field(
        default="", description="this (user, device)'s secret (base64): wraps its data key"
    )
    offline_days: float = Field(
        default=0, description="days the desktop may log in offline after this login"
    )
    read_rules: str = Field(default="", description=READ_RULES_TEXT)
    proof: str = Field(
        default="",
        description=(
            "with ?nonce=: the Ed25519 signature (base64) by the server key of the canonical"
            ' JSON {"domain": "silon-login-v1", "nonce", "username", "device_id", "role",'
            ' "region", "read_rules", "offline_days", "token_sha256", "device_secret_sha256"}'
            ' (sync.protocol.login_proof_body); "" without a nonce'
        ),
    )


class Me(BaseModel):
    username: str
    role: str
    region: str
    device_id: str


class Ok(BaseModel):
    ok: bool


class PasswordChange(Strict):
    current_password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)]
    new_password: NewPassword


class PasswordChanged(BaseModel):
    ok: bool
    sessions_ended: int = Field(
        description="other sessions of the account ended (401 revoked at their next call)"
    )


class MutationIn(Strict):
    id: Id
    entity: Annotated[str, Field(min_length=1, max_length=32)]
    record_id: Id
    scope: Annotated[str, Field(min_length=1, max_length=16)]
    op: Literal["upsert", "delete", "restore"]
    base_version: Annotated[int, Field(ge=0, le=2**31)]
    changes: dict[Annotated[str, Field(max_length=64)], tuple[Any, Any]] = Field(
        default_factory=dict, description="field -> [old, new]"
    )
    created_at: Text = ""


class PushRequest(Strict):
    batch_id: Id
    device_id: Id
    mutations: Annotated[list[MutationIn], Field(max_length=MAX_BATCH)]


class RecordOut(BaseModel):
    entity: str
    id: str
    scope: str
    version: int
    deleted: bool
    fields: dict[str, Any]


class ResultOut(BaseModel):
    mutation_id: str
    status: Literal["applied", "merged", "conflict", "rejected"]
    version: int
    record: RecordOut | None = None
    conflicts: dict[str, dict[str, Any]] | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None


class ReceiptBody(BaseModel):
    batch_id: str
    server_time: str
    username: str
    device_id: str
    key_id: str
    results: list[list[Any]] = Field(description="[mutation_id, status, version] per mutation")


class Receipt(BaseModel):
    body: ReceiptBody
    signature: str = Field(description="Ed25519 signature of the canonical JSON of body, base64")
    key_id: str


class PushResponse(BaseModel):
    batch_id: str
    server_time: str
    results: list[ResultOut]
    receipt: Receipt


class EntityBlock(BaseModel):
    entity: str
    columns: list[str]
    rows: list[list[Any]]


class FeedPageOut(BaseModel):
    cursor: str
    has_more: bool
    server_time: str
    read_rules: str = Field(default="", description=READ_RULES_TEXT)
    entities: list[EntityBlock]


class SnapshotPart(BaseModel):
    records: int
    sha256: str = Field(description="hex SHA-256 of the part's JSON bytes")


class SnapshotManifest(BaseModel):
    format: Literal["silon-snapshot-1"]
    snapshot_id: str
    created_at: str
    scope: str = Field(description='the region read, "*" for everything')
    cursor: str = Field(description="feed position the snapshot is complete up to")
    count: int
    parts: list[SnapshotPart]
    key_id: str
    public_key: str
    signature: str = Field(description="Ed25519 signature of the manifest without it, base64")


class ConflictOut(BaseModel):
    id: int
    mutation_id: str
    entity: str
    record_id: str
    scope: str
    #: The record's area when the conflict was made ("" but for a governor
    #: election's supporter: its kab/kota then).
    area: str = ""
    username: str
    device_id: str
    at: float
    base_version: int
    server_version: int
    fields: dict[str, dict[str, Any]]


class ConflictList(BaseModel):
    conflicts: list[ConflictOut]
    cursor: int
    has_more: bool


class ObjectionContactOut(BaseModel):
    id: str
    filed_at: float
    contact: str = Field(description='the citizen\'s phone or e-mail ("" when none was left)')


class ObjectionContactList(BaseModel):
    """The open objections against one supporter, for the office that verifies it."""

    record_id: str
    objections: list[ObjectionContactOut]


class UserOut(BaseModel):
    username: str
    role: str
    region: str
    active: bool


class UserList(BaseModel):
    users: list[UserOut]


class UserCreate(Strict):
    username: Name
    password: NewPassword
    role: Literal["kpu_ri", "province", "kabkota", "bawaslu", "trainer"]
    region: Annotated[str, Field(max_length=16)] = ""


class UserChange(Strict):
    role: Literal["kpu_ri", "province", "kabkota", "bawaslu", "trainer"] | None = None
    region: Annotated[str, Field(max_length=16)] | None = None
    active: bool | None = None
    password: NewPassword | None = None


class BundleIn(Strict):
    format: Literal["silon-bundle-1"] = "silon-bundle-1"
    bundle_id: Id
    device_id: Id
    user: Name
    created_at: Text = ""
    mutations: Annotated[list[MutationIn], Field(max_length=100_000)]
    public_key: Annotated[str, Field(max_length=64)]
    signature: Annotated[str, Field(max_length=128)]


class BundleResponse(BaseModel):
    bundle_id: str
    results: list[ResultOut]
    receipt: Receipt


class CheckOut(BaseModel):
    record_id: str
    scope: str
    status: str = Field(description="the server's automatic check: MS | BMS | TMS")
    reasons: list[str]
    client_status: str = Field(description="the forecast the client filed (check_status)")
    disagrees: bool = Field(description="the client's forecast is milder than the server's")


class CheckList(BaseModel):
    checks: list[CheckOut]
    cursor: str
    has_more: bool
