"""Sync bundles: a client's signed mutations carried on a USB stick.

A bundle is gzip-compressed JSON (docs/PROTOCOL.md, "Bundles")::

    {"format": "silon-bundle-1", "bundle_id", "device_id", "user", "created_at",
     "mutations": [...], "public_key", "signature"}

``signature`` is the device key's Ed25519 signature of the canonical JSON of
the bundle without ``signature``. The key must be the one the device registered
at login, for the same user. The mutations then go through the same push path
(:func:`sync.server.push.apply_batch`) as that user, with ``bundle_id`` as the
batch id, so a bundle imported twice (or also pushed online) applies once.
"""

from __future__ import annotations

import gzip
import uuid
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from silon_desktop.domain.errors import ErrorCode
from sync import sealed, signing
from sync.bundle import inflated_limit
from sync.protocol import FeedPage, Mutation, Record
from sync.server import audit
from sync.server.answers import Office, answer, bare_answer, office_accounts
from sync.server.db import read_tx
from sync.server.errors import ApiError, forbidden
from sync.server.parsing import parse_json, parse_mutation
from sync.server.push import apply_batch, check_scopes
from sync.server.roles import Actor, Role, area_of
from sync.server.schema import (
    applied_batches,
    applied_mutations,
    conflicts,
    device_keys,
    users,
)
from sync.server.snapshots import scope_label

if TYPE_CHECKING:
    from sync.server.state import ServerState

MAX_BUNDLE_BYTES = 512 * 1024 * 1024
FORMAT = "silon-bundle-1"


@dataclass(slots=True)
class Bundle:
    bundle_id: str
    device_id: str
    user: str
    public_key: str
    signature: str
    mutations: list[Mutation]


_ENVELOPE = {
    "format",
    "bundle_id",
    "device_id",
    "user",
    "created_at",
    "mutations",
    "public_key",
    "signature",
}


def read_bundle(raw: bytes, max_bytes: int = MAX_BUNDLE_BYTES) -> tuple[dict[str, Any], Bundle]:
    """Parse a bundle file (gzip or plain JSON): the raw object and its checked form.

    Checked by hand like push bodies (a bundle may hold a million mutations).
    ``max_bytes`` bounds the inflated JSON (over HTTP: the request body limit, so
    a small gzip bomb cannot make the server hold hundreds of megabytes).

    Raises:
        ApiError: 400 unreadable, 413 inflates past ``max_bytes``, 422 not a bundle.
    """
    if raw[:2] == b"\x1f\x8b":
        try:
            limit = inflated_limit(len(raw), max_bytes)  # a gzip bomb stops here
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = inflater.decompress(raw, limit + 1)
            if len(raw) > limit or inflater.unconsumed_tail:
                raise ApiError(413, "too_large", f"bundle inflates past {limit} bytes")
            if not inflater.eof:
                raise ApiError(400, "bad_gzip", "bundle is cut short (gzip stream not ended)")
            if inflater.unused_data:
                raise ApiError(400, "bad_gzip", "bytes after the end of the bundle's gzip stream")
        except zlib.error as exc:
            raise ApiError(400, "bad_gzip", f"bundle is not valid gzip: {exc}") from exc
    data = parse_json(raw)
    if type(data) is not dict or data.get("format") != FORMAT:
        raise ApiError(422, "invalid_request", f"format: not a {FORMAT} bundle")
    extra = data.keys() - _ENVELOPE
    if extra:
        raise ApiError(422, "invalid_request", f"{sorted(extra)[0]}: unknown key")
    text: dict[str, str] = {}
    for key in ("bundle_id", "device_id", "user", "public_key", "signature"):
        value = data.get(key)
        if type(value) is not str or not 0 < len(value) <= 128:
            raise ApiError(422, "invalid_request", f"{key}: expected text")
        text[key] = value
    items = data.get("mutations")
    if type(items) is not list:
        raise ApiError(422, "invalid_request", "mutations: expected a list")
    mutations = [parse_mutation(m, f"mutations.{i}") for i, m in enumerate(items)]
    return data, Bundle(mutations=mutations, **text)


def verify_bundle(state: ServerState, data: dict[str, Any], bundle: Bundle) -> Actor:
    """Check the signature and the device key; return the user it applies as.

    The signature is checked on the object exactly as it was in the file.

    Raises:
        ApiError: 422 ``bad_signature`` / ``unknown_device`` / ``unknown_user``.
    """
    unsigned = {k: v for k, v in data.items() if k != "signature"}
    if not signing.verify(bundle.public_key, unsigned, bundle.signature):
        raise ApiError(422, "bad_signature", "the bundle's signature does not verify")
    with read_tx(state.engine) as conn:
        return _signer(conn, bundle, state.config.training)


def _signer(conn: Connection, bundle: Bundle, training: bool) -> Actor:
    """The account the bundle applies as: its user, active, with the bundle's key
    registered for its device (:func:`verify_bundle`, :func:`check_signer`).

    Raises:
        ApiError: 422 ``unknown_device`` / ``unknown_user``.
    """
    device = conn.execute(
        select(device_keys).where(
            device_keys.c.device_id == bundle.device_id,
            device_keys.c.username == bundle.user,
        )
    ).first()
    user = conn.execute(select(users).where(users.c.username == bundle.user)).first()
    # An account or device named as the log's own writers (admin, server, publik;
    # admin-cli, web, training-seed) by an older server no longer logs in: nor does
    # its bundle write under that name (sync.server.audit.RESERVED_USERNAMES).
    if user is None or not user.active or audit.reserved_username(bundle.user):
        raise ApiError(422, "unknown_user", f"bundle user {bundle.user!r} is not an active account")
    if audit.reserved_device_id(bundle.device_id):
        raise ApiError(
            422, "unknown_device", f"device id {bundle.device_id!r} is the server's own in the log"
        )
    if device is None or device.username != bundle.user or device.public_key != bundle.public_key:
        raise ApiError(
            422,
            "unknown_device",
            "the bundle's key is not the key this device registered at login for this user",
        )
    return Actor(
        username=str(user.username),
        role=Role(user.role),
        region=str(user.region),
        device_id=bundle.device_id,
        training_server=training,
    )


def check_signer(conn: Connection, bundle: Bundle, actor: Actor) -> None:
    """Check again, inside the import's write transaction holding its locks, that the
    bundle's signer is still ``actor`` (:func:`verify_bundle` made it), as
    :func:`sync.server.auth.check_session` does for the caller's session.

    An import may wait long after the bundle was verified (a large file, its turn
    behind the scope's other pushes): an account disabled, a device revoked or an
    account moved meanwhile, by any server process, was still written as the account
    it no longer is. A move to a wider reach keeps the device keys (the session only
    ends): the bundle, verified as the old role, is refused; imported again, it is
    verified as the account now is.

    Raises:
        ApiError: 422 ``unknown_user`` / ``unknown_device``; 409 ``account_changed``.
    """
    now = _signer(conn, bundle, actor.training_server)
    if (now.role, now.region) != (actor.role, actor.region):
        raise ApiError(
            409,
            "account_changed",
            f"bundle user {bundle.user!r} changed role or region during the import; import again",
        )


def import_bundle(
    state: ServerState,
    raw: bytes,
    caller: Actor | None,
    max_bytes: int = MAX_BUNDLE_BYTES,
    session: str | None = None,
) -> dict[str, Any]:
    """Verify and apply a bundle; ``caller`` None is the local administrator (CLI).

    Applied all or nothing: one transaction for every mutation of the bundle and
    one receipt (a refusal anywhere leaves nothing of it committed; mutation ids
    keep it exactly-once when an import is repeated). ``session``: the caller's
    bearer token, checked again once the bundle holds its write locks
    (:func:`sync.server.auth.check_session`); None for the CLI. The bundle's signer
    is checked again there too (:func:`check_signer`).
    """
    if sealed.is_sealed(raw):
        raw = _unseal(state, raw)
    data, bundle = read_bundle(raw, max_bytes)
    actor = verify_bundle(state, data, bundle)
    if caller is not None and caller.username != actor.username and not caller.reads_everything:
        raise forbidden()
    check_scopes(actor, bundle.mutations)
    results = apply_batch(
        state.engine,
        state.config,
        actor,
        bundle.bundle_id,
        bundle.mutations,
        session=session,
        recheck=lambda conn: check_signer(conn, bundle, actor),
    )
    _time, receipt = state.sign_receipt(bundle.bundle_id, actor, bundle.device_id, results)
    return {
        "bundle_id": bundle.bundle_id,
        "results": [r.to_wire() for r in results],
        "receipt": receipt,
    }


#: The operator's sentence (Indonesian) for each reason a bundle file is refused.
_REFUSALS = {
    "bad_gzip": "Berkas ini rusak atau terpotong (bukan bundel gzip yang utuh). Salin ulang "
    "berkasnya dari komputer pengirim.",
    "bad_json": "Berkas ini bukan bundel sinkronisasi Silon (isinya tidak terbaca).",
    "too_large": "Berkas ini terlalu besar untuk sebuah bundel sinkronisasi.",
    "invalid_request": "Berkas ini bukan bundel perubahan dari Silon Desktop (format tidak "
    "dikenal). Pilih berkas hasil menu Sinkronisasi > Ekspor perubahan ke flashdisk.",
    "bad_signature": "Tanda tangan bundel tidak cocok: isinya berubah setelah diekspor. "
    "Ekspor ulang dari komputer pengirim.",
    "unknown_device": "Bundel ditandatangani perangkat yang belum terdaftar untuk pengguna "
    "ini. Masuk (login) sekali dari komputer pengirim, lalu ekspor ulang.",
    "unknown_user": "Pengguna pengirim bundel tidak dikenal atau sudah dinonaktifkan.",
    "account_changed": "Peran atau wilayah pengguna pengirim bundel berubah selama impor. "
    "Impor ulang bundel ini.",
    "forbidden": "Bundel berisi perubahan di luar wilayah atau hak pengguna pengirimnya.",
}


#: The message (the wire's code stays ``bad_gzip``) of a whole bundle sealed to another
#: server's key: a training room's on the real server, or an office's on a training one.
SEALED_ELSEWHERE = "sealed bundle: sealed to another server's key"
_SEALED_ELSEWHERE_TEXT = (
    "Bundel ini utuh, tetapi disegel untuk server lain dan hanya dapat dibuka di sana "
    "(bundel laptop latihan Bimtek di server latihannya, bundel kantor di server "
    "sungguhan). Bawa bundel ini ke server tempat komputer pengirim masuk."
)


def refusal_text(exc: ApiError, name: str = "") -> str:
    """Why a bundle file was refused, for the operator (Indonesian, naming the file)."""
    reason = _REFUSALS.get(exc.code, "Bundel ditolak oleh server.")
    if exc.message == SEALED_ELSEWHERE:
        reason = _SEALED_ELSEWHERE_TEXT
    return f"Bundel {name} ditolak: {reason}" if name else f"Bundel ditolak: {reason}"


def export_feed_bundle(
    state: ServerState, scope: str, after: int, device: tuple[str, str] | None = None
) -> tuple[bytes, int, str]:
    """A feed bundle of one scope's records changed after ``after``, with the answers to
    the mutations that changed them, signed by the server key: ``32.14`` a kab/kota's
    records, ``32`` a province's with every kab/kota below it (what its office reads;
    the bundle then says ``32.*``: :func:`~sync.server.snapshots.scope_label`); with
    ``device`` (user, device id) sealed to that device's box key (``sync.sealed.device_box_key``), so
    only that desktop, logged in as that user, can read the stick.

    Returns:
        (the file's bytes, how many records, the cursor it carries).

    Raises:
        ValueError: the device never logged in here as that user, or was revoked.
    """
    recipient = _device_box_public(state, *device) if device is not None else None
    from sync.bundle import encode_feed_bundle
    from sync.server.feed import is_departure, read_feed

    # What an account of that office reads (a snapshot's export chooses alike): the
    # office's computer continues its feed from the bundle's cursor only then.
    role = Role.KABKOTA if "." in scope else Role.PROVINCE
    reader = Actor("admin", role, scope, "admin-cli")
    records: list[Record] = []
    cursor = str(after)
    while True:
        page = read_feed(state.engine, reader, int(cursor), 5000, state.config.clock.iso())
        records.extend(page.records)
        cursor = page.cursor
        if not page.has_more:
            break
    latest = {r.id: r for r in records}  # a record changed twice keeps its last state
    whole = FeedPage(list(latest.values()), cursor, False, state.config.clock.iso())
    # A departure (a supporter moved to another kab/kota) travels as its tombstone,
    # and the answers to its mutations as bare answers (status and version: a merged
    # one would hold the whole record, a conflict the values), so the office's own
    # edit is acknowledged and the tombstone blanks the row (not a conflict). So do
    # the answers to conflicts made in another kab/kota (a supporter moved here after
    # one): the losing proposal is that office's. So does any answer whose record lay in
    # another kab/kota then (a merge made there: answer_for).
    # Whole answers only to the mutations its office pushed (answers.office_accounts): a
    # refusal carries no record to say where it was made, and may quote the value
    # refused, 32.14's on a supporter moved to 32.15 since.
    departed = {rid for rid, r in latest.items() if is_departure(r)}
    with read_tx(state.engine) as conn:
        readers = office_accounts(conn, reader)
    answers = answers_for(
        state.engine,
        reader,
        latest,
        bare=departed,
        bare_mutations=foreign_conflicts(state.engine, reader),
        pushers=readers,
    )
    data = encode_feed_bundle(
        state.key,
        str(uuid.uuid4()),
        scope_label(reader),
        str(after),
        whole,
        state.config.clock.iso(),
        answers=answers,
    )
    if recipient is not None:
        data = sealed.seal(data, recipient)
    return data, len(latest), cursor


def _device_box_public(state: ServerState, username: str, device_id: str) -> str:
    """The public box key of (user, device), from the secret its logins received."""
    from sync.server.schema import device_secrets

    with read_tx(state.engine) as conn:
        secret = conn.execute(
            select(device_secrets.c.secret).where(
                device_secrets.c.username == username, device_secrets.c.device_id == device_id
            )
        ).scalar_one_or_none()
    if not secret:
        raise ValueError(
            f"perangkat {device_id} belum pernah masuk ke server ini sebagai {username} "
            "(atau sudah dicabut): bundel tidak dapat dienkripsi untuknya"
        )
    return sealed.public_b64(sealed.device_box_key(str(secret)))


def foreign_conflicts(engine: Engine, reader: Actor) -> set[str]:
    """The mutation ids of conflicts made in a kab/kota area ``reader`` does not read, on
    records of a scope it reads (its province's governor election): a supporter moved
    to its kab/kota after another kab/kota lost a conflict on it (``conflicts.area``)."""
    if not reader.reads_by_area:
        return set()
    with read_tx(engine) as conn:
        rows = conn.execute(
            select(conflicts.c.mutation_id).where(
                conflicts.c.scope == reader.province,
                conflicts.c.area.not_in(("", reader.region)),
            )
        )
        return {str(r.mutation_id) for r in rows}


def answers_for(
    engine: Engine,
    reader: Actor,
    record_ids: Iterable[str],
    bare: Collection[str] = (),
    bare_mutations: Collection[str] = (),
    pushers: Office | None = None,
) -> list[dict[str, Any]]:
    """The stored answers to every mutation that changed these records (a feed bundle's
    ``answers``: the sending device marks its own as delivered), as ``reader`` may
    read them (:func:`answer_for`).

    Args:
        bare: records whose answers carry only the mutation id, status, version and
            code (:func:`bare_answer`): none of the record's values.
        bare_mutations: mutations whose answers are bare so (:func:`foreign_conflicts`).
        pushers: whose answers may be whole (:func:`~sync.server.answers.office_accounts`:
            those its office pushed); another's are bare. None: every account's.
    """
    ids = list(record_ids)
    columns = (
        applied_mutations.c.mutation_id,
        applied_mutations.c.result,
        applied_mutations.c.record_id,
        applied_batches.c.username,
        applied_mutations.c.batch,
    )
    joined = applied_mutations.join(
        applied_batches, applied_batches.c.id == applied_mutations.c.batch
    )
    by_time = applied_mutations.c.applied_at

    def of(row: Any) -> dict[str, Any]:
        found = answer(row.mutation_id, row.result)
        if (
            row.record_id in bare
            or row.mutation_id in bare_mutations
            or (pushers is not None and not pushers.whole(row.username, row.batch))
        ):
            return bare_answer(found)
        return answer_for(reader, found)

    with read_tx(engine) as conn:
        if len(ids) <= _ANSWERS_BLOCK:
            rows = conn.execute(
                select(*columns)
                .select_from(joined)
                .where(applied_mutations.c.record_id.in_(ids))
                .order_by(by_time)
            )
            return [of(r) for r in rows]
        # No index by record id (one would cost about 50 bytes a mutation, issue 19):
        # each block of ids was a scan of the whole table; many ids take one scan,
        # kept by a set (streamed: on PostgreSQL a server-side cursor).
        wanted = set(ids)
        rows = conn.execution_options(stream_results=True, yield_per=5000).execute(
            select(*columns).select_from(joined).order_by(by_time)
        )
        return [of(r) for r in rows if r.record_id in wanted]


def answer_for(reader: Actor, found: dict[str, Any]) -> dict[str, Any]:
    """``found`` as ``reader`` may read it: bare when the record it carries (a merged or
    conflicting answer holds the whole record as that push left it) lay in a kab/kota
    area ``reader`` does not read. A supporter moved from 32.14 to 32.15 otherwise took
    to 32.15 the values it had in 32.14 (a verdict since replaced, who gave it) in the
    answer to a merge made there. The record as it is now reaches the reader by the
    feed; the answer then only tells a device of its own mutation."""
    record = found.get("record")
    if not isinstance(record, dict):
        return found
    scope, fields = str(record.get("scope", "")), record.get("fields") or {}
    if reader.can_read(scope, area_of(str(record.get("entity", "")), scope, fields)):
        return found
    return bare_answer(found)


#: Up to this many record ids, :func:`answers_for` asks for them by ``IN``.
_ANSWERS_BLOCK = 500


def _unseal(state: ServerState, raw: bytes) -> bytes:
    """The signed bundle inside a file sealed to this server's box key."""
    if state.box_key is None:
        raise ApiError(422, "invalid_request", "sealed bundle: this server has no box key")
    try:
        return sealed.open_sealed(raw, state.box_key)
    except sealed.SealedError as exc:
        if exc.code is ErrorCode.SEALED_OTHER_RECIPIENT:  # whole, but not for this server
            raise ApiError(400, "bad_gzip", SEALED_ELSEWHERE) from exc
        # a changed or cut file fails the tag: said like a damaged gzip stream
        raise ApiError(400, "bad_gzip", f"sealed bundle: {exc.detail}") from exc


def write_bundle(
    key: signing.Ed25519PrivateKey,
    bundle_id: str,
    device_id: str,
    user: str,
    mutations: list[dict[str, Any]],
    created_at: str = "",
) -> bytes:
    """A signed bundle file (used by tests and tools; the client has its own writer)."""
    body: dict[str, Any] = {
        "format": FORMAT,
        "bundle_id": bundle_id,
        "device_id": device_id,
        "user": user,
        "created_at": created_at,
        "mutations": mutations,
        "public_key": signing.public_key_b64(key),
    }
    body["signature"] = signing.sign(key, body)
    return gzip.compress(signing.canonical_json(body))
