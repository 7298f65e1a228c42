"""Sync bundles: signed, compressed files that carry sync data on a USB stick.

Two kinds, one format (shared by client and server; plain Python, no I/O here):

- ``outbox``: a device's pending mutations, signed by the DEVICE key (Ed25519,
  registered with the server at login as ``public_key``). Imported at the server
  (``silon-server bundle import FILE`` or ``POST /v1/bundles``) or on a connected
  client (``silon-desktop bundle import FILE``), it goes through the same
  idempotent push path: mutation ids are the idempotency keys, so importing a
  bundle twice, or pushing its mutations online later, applies nothing twice.
- ``feed``: server records for a scope, signed by the SERVER key (the key of
  ``GET /v1/server-key``, which the client saves at its first sync). Imported by
  an offline client through the same apply path as a feed page.

File layout (bytes)::

    SILON-BUNDLE 1\\n
    <header: canonical JSON object, one line>\\n
    <payload: gzip of the canonical JSON payload>

Header fields: ``format`` (1), ``kind`` (``outbox`` | ``feed``), ``created_at``
(ISO 8601 UTC), ``signer`` (``device`` | ``server``), ``device_id`` (outbox),
``username``, ``scope``, ``count`` (mutations or records), ``public_key``
(base64 Ed25519 of the signer), ``key_id``, ``payload_sha256`` (hex of the
gzip bytes), ``payload_bytes`` (their length) and ``signature``: the signer's
:func:`sync.signing.sign` of the header object WITHOUT ``signature`` (it covers
the payload through its hash). A reader refuses the file, changing nothing,
when the magic line is wrong, the header is not JSON, the payload is shorter or
longer than ``payload_bytes`` (truncated), its hash differs, the signature does
not verify, the key is not the one expected (device registered for the user /
the server's key), or the payload does not decode.

Payloads:

- outbox: ``{"mutations": [Mutation.to_wire(), ...]}`` in outbox order;
- feed: ``{"after": "<cursor the export started from>", "page":
  encode_feed_page(FeedPage(records, cursor, has_more=False, server_time))}``.
  A client sets its cursor to the page's ``cursor`` only when ``after`` is not
  beyond its own cursor (else it applies the records but keeps its cursor).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from sync import signing

MAGIC = b"SILON-BUNDLE 1\n"
FORMAT = 1
KINDS = ("outbox", "feed")
MAX_HEADER_BYTES = 64 * 1024


class BundleError(Exception):
    """A bundle was refused; nothing was changed. ``message`` is for the operator."""

    def __init__(self, message: str, detail: str = "") -> None:
        self.message = message
        self.detail = detail
        super().__init__(f"{message} ({detail})" if detail else message)


@dataclass(frozen=True, slots=True)
class Bundle:
    header: dict[str, Any]
    payload: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.header["kind"])


def encode_bundle(
    kind: str,
    payload: dict[str, Any],
    key: signing.Ed25519PrivateKey,
    *,
    signer: str,
    created_at: str,
    count: int,
    device_id: str = "",
    username: str = "",
    scope: str = "",
) -> bytes:
    """The bytes of a signed bundle (see the module docstring)."""
    if kind not in KINDS:
        raise ValueError(f"unknown bundle kind {kind!r}")
    body = gzip.compress(signing.canonical_json(payload), compresslevel=6)
    public = signing.public_key_b64(key)
    header: dict[str, Any] = {
        "format": FORMAT,
        "kind": kind,
        "created_at": created_at,
        "signer": signer,
        "device_id": device_id,
        "username": username,
        "scope": scope,
        "count": count,
        "public_key": public,
        "key_id": signing.key_id(public),
        "payload_sha256": hashlib.sha256(body).hexdigest(),
        "payload_bytes": len(body),
    }
    header["signature"] = signing.sign(key, header)
    return MAGIC + signing.canonical_json(header) + b"\n" + body


def read_header(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The header and the raw payload bytes, checked for shape only (not the signature).

    Raises:
        BundleError: not a bundle, or a damaged header.
    """
    if not data.startswith(MAGIC):
        raise BundleError("Berkas ini bukan bundel sinkronisasi Silon.", "bad magic line")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER_BYTES)
    if end < 0:
        raise BundleError("Bundel rusak atau terpotong.", "header line missing")
    try:
        header = json.loads(data[len(MAGIC) : end])
    except ValueError as exc:
        raise BundleError("Bundel rusak: kepala berkas tidak terbaca.", str(exc)) from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BundleError("Versi bundel tidak dikenal.", f"format {header!r:.80}")
    if header.get("kind") not in KINDS:
        raise BundleError("Jenis bundel tidak dikenal.", str(header.get("kind")))
    return header, data[end + 1 :]


def decode_bundle(
    data: bytes, *, expected_kind: str | None = None, trusted_key: str | None = None
) -> Bundle:
    """Check and open a bundle.

    Args:
        data: the file's bytes.
        expected_kind: refuse other kinds.
        trusted_key: the base64 public key the signer must have (the server's key
            for a feed bundle, the registered device key for an outbox bundle).
            Without it only the bundle's own key is checked (integrity, not origin).

    Raises:
        BundleError: truncated, tampered, wrong kind or wrong signer; nothing was read.
    """
    header, body = read_header(data)
    if expected_kind is not None and header["kind"] != expected_kind:
        raise BundleError(
            f"Bundel ini berjenis '{header['kind']}', bukan '{expected_kind}'.", "wrong kind"
        )
    if len(body) != header.get("payload_bytes"):
        raise BundleError(
            "Bundel terpotong atau rusak (ukuran tidak sesuai). Salin ulang berkasnya.",
            f"{len(body)} bytes, header says {header.get('payload_bytes')}",
        )
    if hashlib.sha256(body).hexdigest() != header.get("payload_sha256"):
        raise BundleError("Isi bundel telah berubah (tidak sesuai tanda tangan).", "sha256")
    unsigned = {k: v for k, v in header.items() if k != "signature"}
    public = str(header.get("public_key") or "")
    if trusted_key is not None and public != trusted_key:
        raise BundleError("Bundel ditandatangani oleh kunci yang tidak dikenal.", "untrusted key")
    if not signing.verify(public, unsigned, str(header.get("signature") or "")):
        raise BundleError("Tanda tangan bundel tidak sah; bundel ditolak.", "bad signature")
    try:
        payload = json.loads(gzip.decompress(body))
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise BundleError("Isi bundel tidak dapat dibaca.", str(exc)) from exc
    if not isinstance(payload, dict):
        raise BundleError("Isi bundel tidak dapat dibaca.", "payload is not an object")
    return Bundle(header, payload)
