"""USB bundles on the client: export the outbox, import outbox or feed bundles.

- :func:`export_outbox` writes every mutation still waiting for the server
  (pending or sent) into a signed outbox bundle. The rows are first marked
  ``via_bundle`` (one transaction, before the file is written) so later edits
  never coalesce into a mutation that has left the machine; they stay waiting
  and are pushed again when the machine is online (the server answers repeats
  from its store, nothing is applied twice).
- :func:`import_bundle` opens a file, checks it completely (gzip trailer,
  signature, signer) before touching the database, then:

  * an outbox bundle (another office's stick, on a connected machine): its
    mutations join this outbox as ``pending`` with the same ids and go through
    the normal push at the next sync;
  * a feed bundle (signed by the server key saved here): its records are
    applied through the same apply path as a feed page, with the cursor, in one
    transaction.
"""

from __future__ import annotations

import errno
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from silon_desktop.storage import outbox
from sync import credentials
from sync.bundle import FEED_FORMAT, OUTBOX_FORMAT, BundleError, decode_bundle, encode_outbox_bundle
from sync.client.apply import apply_connection, apply_records
from sync.client.columns import DeriveFn
from sync.client.state import SERVER_KEY, feed_start, get_state, save_cursor
from sync.protocol import Mutation, decode_feed_page, utc_now_iso

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database


@dataclass(frozen=True, slots=True)
class BundleResult:
    kind: str  # outbox | feed
    count: int  # mutations exported / queued, or records applied
    already_known: int = 0
    cursor_moved: bool = False


def export_outbox(db: Database, settings: Settings, data_dir: Path, path: Path) -> BundleResult:
    """Write the waiting outbox to ``path`` as a bundle signed with the device key.

    Raises:
        BundleError: the file could not be written (the outbox stays waiting).
    """
    key = credentials.device_key(settings.device_id, data_dir)
    with db.engine.begin() as conn:
        mutations = outbox.export_waiting(conn, path.name)
    data = encode_outbox_bundle(
        key, str(uuid.uuid4()), settings.device_id, settings.username, mutations, utc_now_iso()
    )
    _write_atomic(path, data)
    return BundleResult("outbox", len(mutations))


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all.

    Raises:
        BundleError: the file could not be written (stick full, removed, read-only).
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            message = "Ruang pada flashdisk atau disk tujuan penuh; bundel tidak ditulis."
        else:
            message = f"Bundel tidak dapat ditulis ke {path}: periksa flashdisk atau foldernya."
        raise BundleError(message, str(exc)) from exc


def import_bundle(db: Database, path: Path, *, derive: DeriveFn | None = None) -> BundleResult:
    """Check and import a bundle file (outbox or feed).

    Raises:
        BundleError: the file is refused; the database is unchanged.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError("Berkas bundel tidak dapat dibaca.", str(exc)) from exc
    body = decode_bundle(data)
    if body["format"] == OUTBOX_FORMAT:
        return _import_outbox(db, body, path.name)
    assert body["format"] == FEED_FORMAT
    with db.session(readonly=True) as session:
        server_key = get_state(session.connection(), SERVER_KEY)
    if not server_key:
        raise BundleError(
            "Kunci server belum dikenal di komputer ini; masuk (login) ke server sekali "
            "atau sinkronkan secara daring terlebih dahulu.",
            "no server key",
        )
    body = decode_bundle(data, expected_format=FEED_FORMAT, trusted_key=server_key)
    return _import_feed(db, body, derive)


def _import_outbox(db: Database, body: dict[str, object], name: str) -> BundleResult:
    try:
        raw = body["mutations"]
        assert isinstance(raw, list)
        mutations = [Mutation.from_wire(m) for m in raw]
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise BundleError("Isi bundel tidak sesuai format.", repr(exc)) from exc
    with db.engine.begin() as conn:
        fresh, known = outbox.take_in(conn, mutations, name)
    return BundleResult("outbox", fresh, already_known=known)


def _import_feed(db: Database, body: dict[str, object], derive: DeriveFn | None) -> BundleResult:
    try:
        page_raw = body["page"]
        assert isinstance(page_raw, dict)
        page = decode_feed_page(page_raw)
        after = int(str(body.get("after") or "0"))
        cursor = int(page.cursor)
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise BundleError("Isi bundel tidak sesuai format.", repr(exc)) from exc
    with apply_connection(db) as conn:
        stats = apply_records(conn, page.records, derive=derive)
        mine = int(feed_start(conn) or "0")
        moved = after <= mine < cursor
        if moved:
            save_cursor(conn, str(cursor))
    return BundleResult("feed", stats.inserted + stats.updated, cursor_moved=moved)
