"""USB bundles on the client: export the outbox, import outbox or feed bundles.

- :func:`export_outbox` writes every mutation still waiting for the server
  (pending or sent) into a signed outbox bundle. The rows are first marked
  ``via_bundle`` (one transaction, before the file is written) so later edits
  never coalesce into a mutation that has left the machine; they stay waiting
  and are pushed again when the machine is online (the server answers repeats
  from its store, nothing is applied twice).
- :func:`import_bundle` opens a file, checks it completely (gzip trailer,
  signature, signer) before touching the database, then:

  * an outbox bundle: only one signed by a key this machine trusts (its own
    device key, see :func:`trusted_signers`) and written for the operator who is
    logged in; its mutations join this outbox as ``pending`` with the same ids
    and go through the normal push at the next sync. Another device's or another
    person's bundle is refused and nothing is queued: pushing it would send
    someone else's changes as the local operator (issue #14). Such a bundle goes
    to the server itself (``silon-server bundle import``), which checks the
    device key that signed it;
  * a feed bundle (signed by the server key saved here) within what the account
    logged in here reads (another kab/kota's bundle is refused before anything is
    read into the database: its records are another office's citizens); its cursor,
    a position in the server's one sequence, becomes this machine's only when the
    bundle holds all the account reads (:func:`_reach`), or the next sync would
    never bring the changes it did not hold; the server's answers
    it carries to this device's waiting mutations are recorded as a push answer
    would be (acknowledged, conflict kept, rejection reverted), then its records
    are applied through the same apply path as a feed page, with the cursor, all
    in one transaction.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from silon_desktop.domain.errors import ErrorCode, naming_the_file
from silon_desktop.storage import outbox
from silon_desktop.storage.models import LAST_SYNC_STATE_KEY
from silon_desktop.storage.outbox import Claimed
from sync import credentials, sealed, signing
from sync.bundle import (
    FEED_FORMAT,
    MAX_BUNDLE_BYTES,
    OUTBOX_FORMAT,
    BundleError,
    decode_bundle,
    encode_outbox_bundle,
)
from sync.client.api import PushAnswer
from sync.client.apply import Applier, apply_connection, apply_records
from sync.client.columns import DeriveFn, table_of
from sync.client.push import record_answer
from sync.client.report import SyncReport
from sync.client.state import (
    SERVER_BOX_KEY,
    SERVER_KEY,
    STAMP_FORMAT,
    feed_start,
    get_state,
    save_cursor,
    set_state,
)
from sync.privacy import open_private
from sync.protocol import Mutation, MutationResult, decode_feed_page, utc_now_iso

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database


@dataclass(frozen=True, slots=True)
class TrustedSigners:
    """Who may have written an outbox bundle this machine queues as its own.

    Attributes:
        user: the operator logged in here; a bundle of another user is refused.
        public_keys: base64 Ed25519 public keys (this device's own).
    """

    user: str
    public_keys: frozenset[str]


def trusted_signers(settings: Settings, data_dir: Path) -> TrustedSigners:
    """This device's key and the logged-in operator: the only outbox bundles queued here."""
    key = credentials.device_key(settings.device_id, data_dir)
    return TrustedSigners(settings.username, frozenset({signing.public_key_b64(key)}))


@dataclass(frozen=True, slots=True)
class BundleResult:
    kind: str  # outbox | feed
    count: int  # mutations exported / queued, or records applied
    already_known: int = 0
    cursor_moved: bool = False
    #: Feed bundles: this device's waiting mutations the bundle answered.
    answered: int = 0


@dataclass(frozen=True, slots=True)
class BundleContents:
    """What a bundle file holds, read and checked before anything is imported."""

    kind: str  # outbox | feed
    created_at: str
    #: outbox: the device and user that exported it; feed: "" (the server).
    device_id: str
    user: str
    #: feed: the region code it covers.
    scope: str
    #: changes (outbox) or records (feed) per entity.
    by_entity: dict[str, int]
    #: the pairs the changes belong to, with a label where the bundle or this
    #: machine knows one (number and names), else "".
    pairs: dict[str, str]
    #: feed: answers to mutations this machine is still waiting on.
    answers_for_me: int = 0

    @property
    def count(self) -> int:
        return sum(self.by_entity.values())


def read_contents(db: Database, path: Path, *, user: str = "") -> BundleContents:
    """Open and check a bundle file (as :func:`import_bundle` would) without importing it.

    Raises:
        BundleError: the file is refused (damaged, tampered, unknown signer, a feed
            bundle of another region than ``user``'s), naming it.
    """
    with naming_the_file(path.name, BundleError):
        return _read_contents(db, path, user)


def _read_contents(db: Database, path: Path, user: str) -> BundleContents:
    body, _whole = _open_checked(db, path, user)
    if body["format"] == OUTBOX_FORMAT:
        try:
            mutations = [Mutation.from_wire(m) for m in body["mutations"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise BundleError(ErrorCode.BUNDLE_MALFORMED, repr(exc)) from exc
        items = [
            (m.entity, m.record_id, {k: v[1] for k, v in m.changes.items()}) for m in mutations
        ]
        answers = 0
    else:
        try:
            page = decode_feed_page(body["page"])
            ids = [str(a["mutation_id"]) for a in body.get("answers") or []]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BundleError(ErrorCode.BUNDLE_MALFORMED, repr(exc)) from exc
        items = [(r.entity, r.id, dict(r.fields)) for r in page.records]
        with db.engine.connect() as conn:
            answers = sum(len(outbox.waiting(conn, i)) for i in ids)
    by_entity: dict[str, int] = {}
    for entity, _id, _fields in items:
        by_entity[entity] = by_entity.get(entity, 0) + 1
    return BundleContents(
        kind="outbox" if body["format"] == OUTBOX_FORMAT else "feed",
        created_at=str(body.get("created_at") or ""),
        device_id=str(body.get("device_id") or ""),
        user=str(body.get("user") or ""),
        scope=str(body.get("scope") or "").removesuffix(".*"),  # a province's: its code
        by_entity=by_entity,
        pairs=_pairs_of(db, items),
        answers_for_me=answers,
    )


def _pairs_of(db: Database, items: list[tuple[str, str, dict[str, Any]]]) -> dict[str, str]:
    """The pairs touched by these changes, labelled from the bundle or this machine."""
    pairs: dict[str, str] = {}
    unknown: dict[str, list[str]] = {}
    for entity, record_id, fields in items:
        if entity == "pair":
            pairs[record_id] = _pair_label(fields) or pairs.get(record_id, "")
        elif fields.get("pair_id"):
            pairs.setdefault(str(fields["pair_id"]), "")
        elif entity in ("candidate", "document", "party", "supporter"):
            unknown.setdefault(entity, []).append(record_id)
    with db.engine.connect() as conn:
        for entity, ids in unknown.items():
            table = table_of(entity)
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    select(table.c.pair_id).where(table.c.id.in_(ids[start : start + 500]))
                ).scalars()
                for pair_id in rows:
                    pairs.setdefault(str(pair_id), "")
        pair_t = table_of("pair")
        missing = [p for p, label in pairs.items() if not label]
        for row in conn.execute(select(pair_t).where(pair_t.c.id.in_(missing))).mappings():
            pairs[str(row["id"])] = _pair_label(dict(row))
    return pairs


def _pair_label(fields: dict[str, Any]) -> str:
    names = " - ".join(str(n) for n in (fields.get("head_name"), fields.get("deputy_name")) if n)
    number = fields.get("number")
    return f"{number}. {names}".strip() if number else names


def export_outbox(db: Database, settings: Settings, data_dir: Path, path: Path) -> BundleResult:
    """Write the waiting outbox to ``path`` as a bundle signed with the device key and
    sealed to the server's box key (``sync.sealed``): only the server can read it.

    Raises:
        BundleError: the server's box key is not known here yet (log in or sync once
            while connected), or the file could not be written (the outbox stays waiting).
    """
    key = credentials.device_key(settings.device_id, data_dir)
    with db.session(readonly=True) as session:
        recipient = get_state(session.connection(), SERVER_BOX_KEY)
    if not recipient:
        raise BundleError(ErrorCode.BUNDLE_NO_BOX_KEY, "no server box key")
    with db.engine.begin() as conn:
        mutations = outbox.export_waiting(conn, path.name)
    data = encode_outbox_bundle(
        key, str(uuid.uuid4()), settings.device_id, settings.username, mutations, utc_now_iso()
    )
    _write_atomic(path, sealed.seal(data, recipient))
    return BundleResult("outbox", len(mutations))


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all.

    Raises:
        BundleError: the file could not be written (stick full, removed, read-only).
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open_private(tmp) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise BundleError(ErrorCode.BUNDLE_DISK_FULL, str(exc)) from exc
        raise BundleError(ErrorCode.BUNDLE_NOT_WRITTEN, str(exc), path=str(path)) from exc


def import_bundle(
    db: Database,
    path: Path,
    *,
    derive: DeriveFn | None = None,
    trusted: TrustedSigners | None = None,
    user: str = "",
) -> BundleResult:
    """Check and import a bundle file (outbox or feed).

    Args:
        trusted: whose outbox bundles may be queued here (:func:`trusted_signers`);
            None refuses every outbox bundle.
        user: the operator logged in here: a feed bundle of another region than
            the one of this account's last online login is refused, and only one of
            its whole read scope moves the cursor (:func:`_reach`; an account not
            known here refuses none and keeps its cursor).

    Raises:
        BundleError: the file is refused, naming it; the database is unchanged.
    """
    with naming_the_file(path.name, BundleError):
        body, whole = _open_checked(db, path, user or (trusted.user if trusted else ""))
        if body["format"] == OUTBOX_FORMAT:
            _check_signer(body, trusted)
            return _import_outbox(db, body, path.name)
        return _import_feed(db, body, derive, whole_scope=whole)


def _open_checked(db: Database, path: Path, user: str = "") -> tuple[dict[str, Any], bool]:
    """A bundle file's object, checked completely (feed bundles against the server key
    and against the region of ``user``'s account), and whether it is a feed bundle of
    that account's whole read scope (:func:`_reach`).

    Raises:
        BundleError: unreadable, too large, damaged, tampered, signed by an unknown key,
            or a feed bundle of another region.
    """
    data = _read_bundle_file(path)
    if sealed.is_sealed(data):
        data = _unseal_for_this_device(db, data, path)
    body = decode_bundle(data)
    if body["format"] == OUTBOX_FORMAT:
        return body, False
    assert body["format"] == FEED_FORMAT
    with db.session(readonly=True) as session:
        server_key = get_state(session.connection(), SERVER_KEY)
    if not server_key:
        raise BundleError(ErrorCode.BUNDLE_NO_SERVER_KEY, "no server key")
    try:
        checked = decode_bundle(data, expected_format=FEED_FORMAT, trusted_key=server_key)
    except BundleError as exc:
        if exc.code is not ErrorCode.BUNDLE_UNTRUSTED_KEY:
            raise
        # Another server's: most often a training room's stick on an office PC, or back.
        raise BundleError(ErrorCode.BUNDLE_OTHER_SERVER, exc.detail, name=path.name) from exc
    return checked, _reach(db, checked, path.name, user)


def _reach(db: Database, body: dict[str, Any], name: str, user: str) -> bool:
    """Whether a feed bundle is of the whole read scope of ``user``'s account (then,
    and only then, its cursor may become this machine's); refuse one of another region.

    The server writes a feed bundle for one scope (``--scope``): ``32.14`` a kab/kota,
    ``32.*`` a province with everything below it (a bundle of an older server says
    ``32``: that scope alone). Its cursor is a position in the server's one sequence of
    every region, so it continues this machine's feed only when the bundle holds all
    this account reads: a kab/kota's bundle on a province's or KPU RI's computer (its
    records are theirs to read) leaves their cursor where it was, or the next sync would
    never bring the other kab/kota's changes. Another region's bundle is refused: its
    records are another office's citizens. An account never logged in online here
    (its read scope unknown) takes the records and keeps its cursor, as a snapshot does.

    Raises:
        BundleError: ``BUNDLE_OTHER_REGION``, naming the file and both regions.
    """
    from sync.client.snapshots import account_scope
    from sync.snapshot import covers

    own = account_scope(db, user) if user else None
    scope = str(body.get("scope") or "")
    if own is None:
        return False
    if not covers(own, scope):
        raise BundleError(
            ErrorCode.BUNDLE_OTHER_REGION,
            f"feed bundle of {scope!r}, account reads {own!r}",
            name=name,
            scope=_region_words(scope),
            own=_region_words(own),
        )
    return scope == own


def _region_words(label: str) -> str:
    """A scope label as the refusal names it: ``32.*`` reads ``32``, ``*`` ``semua``."""
    if label == "*":
        return "semua wilayah"
    return label.removesuffix(".*") or "-"


def _unseal_for_this_device(db: Database, data: bytes, path: Path) -> bytes:
    """A feed bundle sealed to this device (``silon-server bundle export --user
    --device``) opened with its box key; anything sealed to another recipient (an
    outbox bundle sealed to the server, another device's feed) is refused.

    Raises:
        BundleError: not for this device, or changed/cut short.
    """
    import base64

    from sync.client.state import DEVICE_BOX_KEY

    with db.session(readonly=True) as session:
        mine = get_state(session.connection(), DEVICE_BOX_KEY)
        server_box = get_state(session.connection(), SERVER_BOX_KEY)
    if server_box and sealed.recipient_of(data) == sealed.key_id(server_box):
        raise BundleError(ErrorCode.BUNDLE_SEALED, "sealed to the server", name=path.name)
    try:
        if not mine:
            raise sealed.SealedError(ErrorCode.SEALED_OTHER_RECIPIENT, "recipient")
        return sealed.open_sealed(data, sealed.load_private(base64.b64decode(mine)))
    except sealed.SealedError as exc:
        if exc.detail != "recipient":
            raise BundleError(ErrorCode.BUNDLE_SEALED_DAMAGED, exc.detail, name=path.name) from exc
        raise BundleError(
            ErrorCode.BUNDLE_SEALED_OTHER, "sealed to another recipient", name=path.name
        ) from exc


def _read_bundle_file(path: Path) -> bytes:
    """The file's bytes; one larger than any bundle is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(
                ErrorCode.BUNDLE_FILE_TOO_LARGE, "file too large", name=path.name, size=f"{size:,}"
            )
        return path.read_bytes()
    except OSError as exc:
        raise BundleError(ErrorCode.BUNDLE_FILE_UNREADABLE, str(exc), name=path.name) from exc


def _check_signer(body: dict[str, object], trusted: TrustedSigners | None) -> None:
    """Refuse an outbox bundle not signed by this device for the operator logged in."""
    if trusted is None or body.get("public_key") not in trusted.public_keys:
        raise BundleError(ErrorCode.BUNDLE_OTHER_DEVICE, "untrusted signer")
    if body.get("user") != trusted.user:
        raise BundleError(ErrorCode.BUNDLE_OTHER_USER, "another user", user=str(body.get("user")))


def _import_outbox(db: Database, body: dict[str, object], name: str) -> BundleResult:
    try:
        raw = body["mutations"]
        assert isinstance(raw, list)
        mutations = [Mutation.from_wire(m) for m in raw]
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise BundleError(ErrorCode.BUNDLE_MALFORMED, repr(exc)) from exc
    with db.engine.begin() as conn:
        fresh, known = outbox.take_in(conn, mutations, name)
    return BundleResult("outbox", fresh, already_known=known)


def _import_feed(
    db: Database, body: dict[str, object], derive: DeriveFn | None, *, whole_scope: bool
) -> BundleResult:
    """Apply a checked feed bundle; its cursor becomes this machine's only when the
    bundle is of the account's whole read scope and continues its feed."""
    try:
        page_raw = body["page"]
        assert isinstance(page_raw, dict)
        page = decode_feed_page(page_raw)
        after = int(str(body.get("after") or "0"))
        cursor = int(page.cursor)
        raw_answers = body.get("answers") or []
        assert isinstance(raw_answers, list)
        answers = [(MutationResult.from_wire(a), a) for a in raw_answers]
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise BundleError(ErrorCode.BUNDLE_MALFORMED, repr(exc)) from exc
    with apply_connection(db) as conn:
        answered = _take_answers(conn, answers, derive)
        stats = apply_records(conn, page.records, derive=derive)
        mine = int(feed_start(conn) or "0")
        moved = whole_scope and after <= mine < cursor
        if moved:
            save_cursor(conn, str(cursor))
            if not outbox.any_waiting(conn):
                _synced_at(conn, str(body.get("created_at") or ""))
    return BundleResult(
        "feed", stats.inserted + stats.updated, cursor_moved=moved, answered=answered
    )


def _synced_at(conn: Connection, created_at: str) -> None:
    """A feed bundle that continues this device's feed and leaves nothing waiting is a
    complete sync by USB, as of the moment the server wrote it: the last complete sync
    (what the status and the printed recap name) moves there, never back."""
    try:
        made = dt.datetime.fromisoformat(created_at)
    except ValueError:
        return
    if made.tzinfo is not None:
        made = made.astimezone(dt.UTC).replace(tzinfo=None)
    stamp = made.strftime(STAMP_FORMAT)
    if stamp > get_state(conn, LAST_SYNC_STATE_KEY):
        set_state(conn, LAST_SYNC_STATE_KEY, stamp)


def _take_answers(
    conn: Connection,
    answers: list[tuple[MutationResult, dict[str, Any]]],
    derive: DeriveFn | None,
) -> int:
    """Record the answers to this device's waiting mutations as a push answer would be."""
    mine: list[Claimed] = []
    for result, _raw in answers:
        mine.extend(outbox.waiting(conn, result.mutation_id))
    if not mine:
        return 0
    known = {c.wire["id"] for c in mine}
    picked = [(r, raw) for r, raw in answers if r.mutation_id in known]
    answer = PushAnswer("bundle", [r for r, _ in picked], raw_results=[raw for _, raw in picked])
    record_answer(conn, answer, mine, "", SyncReport(), Applier(derive))
    return len(mine)
