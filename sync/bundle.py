"""Sync bundles: signed, gzip-compressed files that carry sync data on a USB stick.

Plain Python, shared by client and server (no I/O, no storage). Two kinds:

**Outbox bundle** (``"format": "silon-bundle-1"``): a device's pending
mutations, signed by the DEVICE key (the Ed25519 key the device registered with
the server at login as ``public_key``). The server's reader is
:mod:`sync.server.bundles` (``silon-server bundle import FILE`` and
``POST /v1/bundles``); it applies the mutations through the same push path as
the bundle's user with ``bundle_id`` as the batch id. Mutation ids are the
idempotency keys, so importing a bundle twice, or pushing the same mutations
online later, applies nothing twice. Object (gzip of its canonical JSON)::

    {"format": "silon-bundle-1", "bundle_id", "device_id", "user", "created_at",
     "mutations": [Mutation.to_wire(), ...], "public_key", "signature"}

**Feed bundle** (``"format": "silon-feed-bundle-1"``): server records for a
scope, signed by the SERVER key (the key of ``GET /v1/server-key``, which the
client saves at its first sync or login). The client applies it through the
same apply path as a feed page. Object::

    {"format": "silon-feed-bundle-1", "bundle_id", "created_at", "scope",
     "after": "<cursor the export started from>",
     "page": encode_feed_page(FeedPage(records, cursor, has_more=False, server_time)),
     "answers": [MutationResult.to_wire(), ...],
     "public_key", "key_id", "signature"}

``answers`` (optional; older bundles lack it) are the server's stored answers
to the mutations that changed the bundle's records: a device that sent its
changes by USB (outbox bundle, ``silon-server bundle import``) takes the answers
to ITS waiting mutations from the feed bundle as it would take a push answer
(acknowledged, conflict or rejected), so nothing stays "waiting" after a full
round trip. Ids this device never sent are ignored.

The client moves its feed cursor to ``page.cursor`` only when ``after`` is not
beyond its own cursor (otherwise the records are applied and the cursor kept).

In both, ``signature`` is :func:`sync.signing.sign` of the object without
``signature`` (canonical JSON). A reader refuses a file, changing nothing, when
it is not gzip or is cut short (gzip's length and CRC trailer catch a
truncation), is not JSON, has an unknown format, a signature that does not
verify, or a signer key other than the one expected.
"""

from __future__ import annotations

import gzip
import zlib
from typing import Any

from silon_desktop.domain.errors import DetailedError, ErrorCode
from sync import signing
from sync.protocol import FeedPage, Mutation, encode_feed_page

OUTBOX_FORMAT = "silon-bundle-1"
FEED_FORMAT = "silon-feed-bundle-1"
MAX_BUNDLE_BYTES = 512 * 1024 * 1024
#: inflated over compressed size a bundle may reach: the canonical JSON of mutations
#: and records compresses 5 to 10 times; a gzip bomb compresses a thousand times
MAX_BUNDLE_RATIO = 40
#: a small bundle may inflate past the ratio up to this many bytes
RATIO_FLOOR_BYTES = 1024 * 1024


def inflated_limit(compressed_bytes: int, ceiling: int = MAX_BUNDLE_BYTES) -> int:
    """How many bytes a bundle of ``compressed_bytes`` may inflate to (at most ``ceiling``).

    Issue #14: a 300 KB gzip bundle took 680 MB before it was refused; with this
    bound it is refused after about 13 MB.
    """
    return min(ceiling, MAX_BUNDLE_RATIO * compressed_bytes + RATIO_FLOOR_BYTES)


class BundleError(DetailedError):
    """A bundle was refused; nothing was changed (``code``: why, ``detail``: for the log)."""


def _seal(body: dict[str, Any], key: signing.Ed25519PrivateKey) -> bytes:
    body["public_key"] = signing.public_key_b64(key)
    body["signature"] = signing.sign(key, body)
    return gzip.compress(signing.canonical_json(body), compresslevel=6)


def encode_outbox_bundle(
    key: signing.Ed25519PrivateKey,
    bundle_id: str,
    device_id: str,
    user: str,
    mutations: list[Mutation],
    created_at: str,
) -> bytes:
    """A signed outbox bundle (see the module docstring)."""
    body: dict[str, Any] = {
        "format": OUTBOX_FORMAT,
        "bundle_id": bundle_id,
        "device_id": device_id,
        "user": user,
        "created_at": created_at,
        "mutations": [m.to_wire() for m in mutations],
    }
    return _seal(body, key)


def encode_feed_bundle(
    key: signing.Ed25519PrivateKey,
    bundle_id: str,
    scope: str,
    after: str,
    page: FeedPage,
    created_at: str,
    answers: list[dict[str, Any]] | None = None,
) -> bytes:
    """A feed bundle signed by the server key (see the module docstring)."""
    body: dict[str, Any] = {
        "format": FEED_FORMAT,
        "bundle_id": bundle_id,
        "created_at": created_at,
        "scope": scope,
        "after": after,
        "page": encode_feed_page(page),
        "key_id": signing.key_id(key),
    }
    if answers:
        body["answers"] = answers
    return _seal(body, key)


def decode_bundle(
    data: bytes, *, expected_format: str | None = None, trusted_key: str | None = None
) -> dict[str, Any]:
    """Check and open a bundle file's bytes.

    Args:
        data: the file's bytes.
        expected_format: refuse other formats (``OUTBOX_FORMAT`` / ``FEED_FORMAT``).
        trusted_key: the base64 public key the signer must have. Without it only
            the bundle's own key is checked (integrity, not origin).

    Raises:
        BundleError: truncated, tampered, wrong format or wrong signer.
    """
    if data[:2] != b"\x1f\x8b":
        raise BundleError(ErrorCode.BUNDLE_NOT_BUNDLE, "not gzip")
    limit = inflated_limit(len(data))
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        raw = inflater.decompress(data, limit + 1)  # never more than the limit in memory
        if len(raw) > limit or inflater.unconsumed_tail:
            raise BundleError(
                ErrorCode.BUNDLE_INFLATES_TOO_FAR,
                "inflates past the limit",
                limit=f"{limit:,}",
                size=f"{len(data):,}",
            )
        if not inflater.eof:
            raise BundleError(ErrorCode.BUNDLE_TRUNCATED, "gzip not ended")
    except zlib.error as exc:
        raise BundleError(ErrorCode.BUNDLE_DAMAGED, str(exc)) from exc
    import json

    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BundleError(ErrorCode.BUNDLE_UNREADABLE, str(exc)) from exc
    if not isinstance(body, dict) or body.get("format") not in (OUTBOX_FORMAT, FEED_FORMAT):
        raise BundleError(ErrorCode.BUNDLE_UNKNOWN_KIND, "format")
    if expected_format is not None and body["format"] != expected_format:
        raise BundleError(ErrorCode.BUNDLE_WRONG_KIND, f"{body['format']} != {expected_format}")
    public = body.get("public_key")
    signature = body.get("signature")
    if not isinstance(public, str) or not isinstance(signature, str):
        raise BundleError(ErrorCode.BUNDLE_UNSIGNED, "unsigned")
    if trusted_key is not None and public != trusted_key:
        raise BundleError(ErrorCode.BUNDLE_UNTRUSTED_KEY, "untrusted key")
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    if not signing.verify(public, unsigned, signature):
        raise BundleError(ErrorCode.BUNDLE_BAD_SIGNATURE, "bad signature")
    return body
