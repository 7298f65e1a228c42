"""Bundles sealed to their recipient: X25519 ECDH, HKDF-SHA256 and AES-256-GCM.

A signed bundle (``sync.bundle``) proves who wrote it; sealing it keeps it from
anyone but its recipient (a lost USB stick with 199,999 names is then unreadable).
The sender makes a fresh X25519 key pair for every file, agrees a secret with the
recipient's X25519 public key, derives an AES-256-GCM key from it with HKDF-SHA256,
and encrypts the whole signed bundle. A sealed file is::

    b"SILON-SEALED-1\\n" + HEADER + b"\\n" + CIPHERTEXT

``HEADER`` is canonical JSON ``{"format": "silon-sealed-1", "recipient": KEY_ID,
"ephemeral_key": B64, "nonce": B64}`` (``KEY_ID``: :func:`sync.signing.key_id` style
digest of the recipient's public key). The AES-GCM key is
``HKDF(SHA-256, length=32, salt=ephemeral_public || recipient_public,
info=b"silon-sealed-1").derive(X25519(ephemeral_private, recipient_public))``;
the associated data is everything before the ciphertext, so the header cannot be
changed. The recipient opens it with its private key; a wrong key or any changed
byte fails the GCM tag and nothing is read. Plain Python over ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

__all__ = [
    "FORMAT",
    "device_box_key",
    "MAGIC",
    "SealedError",
    "X25519PrivateKey",
    "generate_key",
    "is_sealed",
    "key_id",
    "load_private",
    "open_sealed",
    "private_bytes",
    "public_b64",
    "recipient_of",
    "seal",
]
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from silon_desktop.domain.errors import DetailedError, ErrorCode

MAGIC = b"SILON-SEALED-1\n"
FORMAT = "silon-sealed-1"
_INFO = b"silon-sealed-1"
_MAX_HEADER = 4096


class SealedError(DetailedError):
    """A sealed file could not be opened (``code``: why, ``detail``: for the log)."""


def generate_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def device_box_key(device_secret: str) -> X25519PrivateKey:
    """The X25519 key feed bundles for one (user, device) are sealed to.

    Derived with HKDF-SHA256 from the secret the server keeps for that user and
    device and returns at each of its online logins (``device_secrets``): the
    server computes the public half to seal a feed bundle for the device, the
    desktop keeps the private half (in its encrypted database) to open it. A
    revoked device's secret is deleted: nothing more can be sealed to it.
    """
    raw = base64.b64decode(device_secret)
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"silon-device-box-1"
    ).derive(raw)
    return X25519PrivateKey.from_private_bytes(derived)


def private_bytes(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def load_private(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)


def public_b64(key: X25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def key_id(public: str) -> str:
    """A short name of a base64 X25519 public key (the first 16 hex of its SHA-256)."""
    return hashlib.sha256(base64.b64decode(public)).hexdigest()[:16]


def is_sealed(data: bytes) -> bool:
    return data.startswith(MAGIC)


def recipient_of(data: bytes) -> str:
    """The :func:`key_id` a sealed file names as its recipient ("" when unreadable)."""
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    try:
        header = json.loads(data[len(MAGIC) : end]) if is_sealed(data) and end > 0 else {}
    except ValueError:
        return ""
    return str(header.get("recipient") or "") if isinstance(header, dict) else ""


def seal(plain: bytes, recipient_public: str) -> bytes:
    """``plain`` encrypted so that only the holder of ``recipient_public``'s key reads it."""
    recipient_raw = base64.b64decode(recipient_public)
    recipient = X25519PublicKey.from_public_bytes(recipient_raw)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    nonce = os.urandom(12)
    header = _canonical(
        {
            "format": FORMAT,
            "recipient": key_id(recipient_public),
            "ephemeral_key": base64.b64encode(ephemeral_raw).decode("ascii"),
            "nonce": base64.b64encode(nonce).decode("ascii"),
        }
    )
    prefix = MAGIC + header + b"\n"
    key = _derive(ephemeral.exchange(recipient), ephemeral_raw, recipient_raw)
    return prefix + AESGCM(key).encrypt(nonce, plain, prefix)


def open_sealed(data: bytes, private: X25519PrivateKey) -> bytes:
    """The plain bytes of a sealed file.

    Raises:
        SealedError: not sealed, sealed to another key, or changed/cut short.
    """
    if not is_sealed(data):
        raise SealedError(ErrorCode.SEALED_NOT_SEALED, "no magic")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    if end < 0:
        raise SealedError(ErrorCode.SEALED_DAMAGED, "header")
    prefix = data[: end + 1]
    try:
        header: dict[str, Any] = json.loads(data[len(MAGIC) : end])
        ephemeral_raw = base64.b64decode(header["ephemeral_key"], validate=True)
        nonce = base64.b64decode(header["nonce"], validate=True)
        ephemeral = X25519PublicKey.from_public_bytes(ephemeral_raw)
    except (ValueError, KeyError, TypeError) as exc:
        raise SealedError(ErrorCode.SEALED_DAMAGED, repr(exc)) from exc
    mine = public_b64(private)
    if header.get("format") != FORMAT or header.get("recipient") != key_id(mine):
        raise SealedError(ErrorCode.SEALED_OTHER_RECIPIENT, "recipient")
    key = _derive(private.exchange(ephemeral), ephemeral_raw, base64.b64decode(mine))
    try:
        return AESGCM(key).decrypt(nonce, data[end + 1 :], prefix)
    except InvalidTag as exc:
        raise SealedError(ErrorCode.SEALED_CHANGED, "tag") from exc


def _derive(shared: bytes, ephemeral_raw: bytes, recipient_raw: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral_raw + recipient_raw, info=_INFO
    ).derive(shared)


def _canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode("ascii")
