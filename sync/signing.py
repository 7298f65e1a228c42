"""Ed25519 signatures over canonical JSON: receipts (server) and bundles (client).

Canonical JSON is UTF-8 with sorted keys, no insignificant whitespace and
non-ASCII characters kept as they are (``json.dumps(obj, sort_keys=True,
separators=(",", ":"), ensure_ascii=False)``). Keys and signatures travel as
standard base64 text. Only JSON types may be signed (no floats needed: times
are ISO 8601 text).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "canonical_json",
    "generate_private_key",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_key_to_pem",
    "public_key_b64",
    "sign",
    "verify",
]


def canonical_json(obj: Any) -> bytes:
    """The one byte form of ``obj`` that is signed and verified."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key as base64 text."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from its base64 text (as :func:`public_key_b64` writes it).

    Raises:
        ValueError: the text is not a base64 Ed25519 public key.
    """
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("public key is not base64") from exc
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey | str) -> str:
    """A short stable name of a public key: the first 16 hex digits of its SHA-256."""
    import hashlib

    text = key if isinstance(key, str) else public_key_b64(key)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, obj: Any) -> str:
    """The base64 signature of the canonical JSON of ``obj``."""
    return base64.b64encode(key.sign(canonical_json(obj))).decode("ascii")


def verify(public_key: Ed25519PublicKey | str, obj: Any, signature: str) -> bool:
    """Whether ``signature`` is the key's signature of the canonical JSON of ``obj``.

    An object too deeply nested to encode (JSON parsers accept deeper nesting
    than the encoder) is never signed, so it does not verify.
    """
    try:
        public = load_public_key(public_key) if isinstance(public_key, str) else public_key
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
        public.verify(raw, canonical_json(obj))
    except (InvalidSignature, ValueError, binascii.Error, UnicodeEncodeError, RecursionError):
        return False
    return True
