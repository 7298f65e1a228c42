"""Scope snapshots: a first sync in seconds, online or by USB stick.

Plain Python shared by client and server (no storage, no HTTP). A snapshot is
every record of one scope (tombstones included) as of one feed position, cut
into *parts* of at most :data:`PART_RECORDS` records. Each part is a feed page in
the columnar wire form (:func:`sync.protocol.encode_feed_page`, ``has_more``
false), so the client installs it through the same bulk apply path as a feed
page. A part's ``cursor`` is the feed position of the build that made it: the
server keeps the parts whose records did not change from one snapshot to the
next, so it can be older than the manifest's; only the manifest's counts.

The **manifest** names the parts and is signed by the SERVER key::

    {"format": "silon-snapshot-1", "snapshot_id", "created_at",
     "scope": "32.14" (exactly) | "32.*" (a region and below) | "*" (everything),
     "cursor": "<feed position the snapshot is complete up to>", "count",
     "parts": [{"records": n, "sha256": "<hex of the part's JSON bytes>"}, ...],
     "key_id", "public_key", "signature"}

``signature`` is :func:`sync.signing.sign` of the manifest without
``signature``. A part's bytes are ``orjson.dumps(page)``; its digest is taken
over those bytes (the HTTP client, which receives the decoded JSON, hashes
``orjson.dumps`` of it again: orjson writes the same bytes for what it read).

**Column layout** (``GET /v1/snapshot?layout=columns``): a part's entity block
carries ``"values"`` (one array per column, then ``"count"``) instead of ``"rows"``
(one array per record). The same records; gzip finds more to share in a column of
NIKs or names than across a record's mixed fields (about 43 bytes per supporter
against 59 by rows and 54 for gzip CSV). :func:`check_part` turns such a block
back into rows after checking the digest, so the apply path is the same. The
stick file and clients that do not ask keep the row layout.

**Compact layout** (``layout=compact``, what this client asks for,
:data:`CLIENT_LAYOUT`): the column layout, where a column whose records all hold
the same value is ``{"same": value}`` (a :class:`SameColumn` once checked). A fresh
list's part has 27 such columns of 39 (the pair, the blank verdicts...): parsed,
converted and bound once instead of 5,000 times. A 1,048,577-record encrypted first
sync (thirteenth session, py-spy): the parts' JSON parse fell from 8.6% of the
samples to 1.6%, the fetching thread's share from 16% to 10%; runs alternated
16.6 / 17.4 s (columns) against 16.5 / 16.4 s, peak 230 -> 218 MB. What is left
is SQLite's: the four index builds, the inserts and the commit.

Online: ``GET /v1/snapshot`` answers the manifest, ``GET
/v1/snapshot/{snapshot_id}/{n}`` part ``n`` (see docs/PROTOCOL.md). On a stick
(``silon-server snapshot export``): one gzip stream of lines, the manifest's
canonical JSON first, then each part's bytes, one per line (orjson never writes
a raw newline inside a value).

After installing every part (one transaction) the client's feed cursor is the
snapshot's ``cursor``; the feed after it brings what changed since.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson

from silon_desktop.domain.errors import DetailedError, ErrorCode
from sync import signing
from sync.privacy import open_private

FORMAT = "silon-snapshot-1"
#: Records per part: at most a feed page's (``sync.server.feed.MAX_LIMIT``), so
#: neither side holds much of a scope at once. A client holds the part it applies
#: and the next one, each decoded in Python objects (about 1.5 KB per supporter: 30
#: MB for 20,000). The twelfth session's 1,048,577-record encrypted first syncs
#: (client RSS sampled every 0.5 s, runs alternated): 20,000 per part 276 MB at
#: the peak, 22.5-22.9 s; 10,000 230-231 MB, 22.0-26.0 s; 5,000 218 MB, 23.6-26.4 s
#: (the peak is now the index builds' sort, about 78 MB, above the inserts' 140).
PART_RECORDS = 5_000
#: A line of a snapshot file longer than this is refused (a part is far smaller).
MAX_LINE_BYTES = 256 * 1024 * 1024


def scope_label(reads: tuple[str, bool] | None) -> str:
    """The label of what an account reads, as a manifest or a feed bundle writes its
    ``scope``: ``*`` (everything: ``reads`` None), ``32.*`` (a region and all below
    it: ``("32", False)``) or ``32.14`` (exactly that scope: ``("32.14", True)``)."""
    if reads is None:
        return "*"
    region, exact = reads
    if exact:
        return region
    return f"{region}.*" if region else "*"


def covers(own: str, scope: str) -> bool:
    """Whether the read scope labelled ``own`` holds every record of the scope
    labelled ``scope`` (a label of :func:`scope_label`, or a bare region ``32``).

    The one rule of which reach holds which: a feed bundle's region against the
    account's, an account moved to another level or region against what it read
    before (client and server alike)."""
    if own == "*":
        return True
    if scope == "*":
        return False
    if not own.endswith(".*"):
        return scope == own
    region = own[:-2]
    base = scope.removesuffix(".*")
    return base == region or base.startswith(region + ".")


class SnapshotError(DetailedError):
    """A snapshot was refused; nothing was changed (``code``: why, ``detail``: for the log)."""


def part_digest(data: bytes) -> str:
    """The SHA-256 hex digest a manifest names for a part's bytes."""
    return hashlib.sha256(data).hexdigest()


class Layout(StrEnum):
    """How a part's blocks carry their records (``GET /v1/snapshot?layout=``)."""

    ROWS = "rows"  # one array per record (the stick file; older clients)
    COLUMNS = "columns"  # one array per column
    COMPACT = "compact"  # COLUMNS, with a column whose records all agree given once


#: The layout this desktop asks for; the server's builder prepares snapshots in it.
CLIENT_LAYOUT = Layout.COMPACT
#: A compact block's entry for a column whose every record has the same value.
SAME = "same"


class SameColumn(list[Any]):
    """A column whose ``count`` records all hold ``value`` (a compact block's
    ``{"same": value}``): a list like any other column, and its one value at hand,
    so the client converts and binds it once."""

    __slots__ = ("value",)

    def __init__(self, value: Any, count: int) -> None:
        super().__init__([value] * count)
        self.value = value


def same_value(column: list[Any]) -> tuple[bool, Any]:
    """``(True, value)`` when every item of a non-empty column is ``value``, of one
    type (so ``0``, ``False`` and ``0.0``, equal in Python, never pass for each
    other), else ``(False, None)``; by passes in C."""
    if not column:
        return False, None
    first = column[0]
    if column.count(first) != len(column) or len(set(map(type, column))) != 1:
        return False, None
    return True, first


def _column_values(entry: Any, count: int) -> list[Any]:
    """A column-layout block's entry as a list: the array as it came, or a
    :class:`SameColumn` for ``{"same": value}`` (which needs the block's ``count``).

    Raises:
        ValueError: neither an array nor a well-formed ``{"same": value}``.
    """
    if isinstance(entry, list):  # an array, or a SameColumn already
        return entry
    if isinstance(entry, dict) and len(entry) == 1 and SAME in entry and count >= 0:
        return SameColumn(entry[SAME], count)
    raise ValueError("a column is neither an array nor a value given once")


def column_block(block: Mapping[str, Any]) -> list[list[Any]]:
    """A column-layout block's columns as lists (a :class:`SameColumn` for a value
    given once), one per name in its ``columns``, each of its ``count``.

    Raises:
        ValueError: an entry is malformed, or a column's length or the number of
            columns disagrees with the block.
    """
    count = int(block["count"]) if "count" in block else -1
    values = [
        _column_values(list(entry) if type(entry) is tuple else entry, count)
        for entry in block["values"]
    ]
    if count < 0:
        count = len(values[0]) if values else 0
    if len(values) != len(block["columns"]) or any(len(v) != count for v in values):
        raise ValueError("column lengths differ from the count")
    return values


def part_bytes(page: dict[str, Any]) -> bytes:
    """The byte form of a decoded part, as digested (see the module docstring)."""
    return orjson.dumps(page)


def seal_manifest(
    key: signing.Ed25519PrivateKey,
    *,
    snapshot_id: str,
    created_at: str,
    scope: str,
    cursor: str,
    parts: list[tuple[int, str]],
) -> dict[str, Any]:
    """A signed manifest for ``parts`` given as ``(records, sha256)``."""
    body: dict[str, Any] = {
        "format": FORMAT,
        "snapshot_id": snapshot_id,
        "created_at": created_at,
        "scope": scope,
        "cursor": cursor,
        "count": sum(n for n, _ in parts),
        "parts": [{"records": n, "sha256": digest} for n, digest in parts],
        "key_id": signing.key_id(key),
        "public_key": signing.public_key_b64(key),
    }
    body["signature"] = signing.sign(key, body)
    return body


@dataclass(frozen=True, slots=True)
class Manifest:
    snapshot_id: str
    scope: str
    cursor: str
    count: int
    parts: tuple[tuple[int, str], ...]  # (records, sha256) per part


def check_manifest(body: Any, trusted_key: str) -> Manifest:
    """The manifest, when it is well formed and signed by ``trusted_key``.

    Raises:
        SnapshotError: unknown format, malformed, unsigned or signed by another key.
    """
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise SnapshotError(ErrorCode.SNAPSHOT_NOT_SNAPSHOT, "format")
    signature = body.get("signature")
    if not isinstance(signature, str):
        raise SnapshotError(ErrorCode.SNAPSHOT_UNSIGNED, "unsigned")
    if body.get("public_key") != trusted_key:
        raise SnapshotError(ErrorCode.SNAPSHOT_UNTRUSTED_KEY, "untrusted key")
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    if not signing.verify(trusted_key, unsigned, signature):
        raise SnapshotError(ErrorCode.SNAPSHOT_BAD_SIGNATURE, "bad signature")
    try:
        parts = tuple((int(p["records"]), str(p["sha256"])) for p in body["parts"])
        manifest = Manifest(
            snapshot_id=str(body["snapshot_id"]),
            scope=str(body["scope"]),
            cursor=str(int(str(body["cursor"]))),
            count=int(body["count"]),
            parts=parts,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(ErrorCode.SNAPSHOT_MALFORMED, repr(exc)) from exc
    return manifest


def check_part(manifest: Manifest, index: int, data: bytes, *, rows: bool = True) -> dict[str, Any]:
    """Part ``index`` decoded, when its bytes are the ones the manifest names.

    Args:
        rows: turn column-layout blocks back into rows; False keeps them as they
            came (their ``count`` checked), for the client's install by columns.

    Raises:
        SnapshotError: the part was changed or cut short.
    """
    if index >= len(manifest.parts) or part_digest(data) != manifest.parts[index][1]:
        raise SnapshotError(ErrorCode.SNAPSHOT_PART_DAMAGED, f"part {index} digest")
    try:
        page = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SnapshotError(ErrorCode.SNAPSHOT_MALFORMED, str(exc)) from exc
    return _rows(page, index, rows)


def check_decoded_part(
    manifest: Manifest, index: int, page: Any, *, rows: bool = True
) -> dict[str, Any]:
    """Part ``index`` as the transport already decoded it, when its byte form
    (:func:`part_bytes`) is the one the manifest names: the same check as
    :func:`check_part` without parsing the part a second time (the client parsed
    each part twice: 75 ms of CPU per 20,000 supporters).

    Raises:
        SnapshotError: the part was changed or cut short.
    """
    if not isinstance(page, dict):
        raise SnapshotError(ErrorCode.SNAPSHOT_MALFORMED, f"part {index}")
    if index >= len(manifest.parts) or part_digest(part_bytes(page)) != manifest.parts[index][1]:
        raise SnapshotError(ErrorCode.SNAPSHOT_PART_DAMAGED, f"part {index} digest")
    return _rows(page, index, rows)


def _rows(page: Any, index: int, as_rows: bool = True) -> dict[str, Any]:
    """A checked part with its blocks in rows (a column-layout block turned back),
    or, without ``as_rows``, in the layout they came in (checked by
    :func:`column_block`: a column given once is then a :class:`SameColumn`)."""
    if not isinstance(page, dict):
        raise SnapshotError(ErrorCode.SNAPSHOT_MALFORMED, f"part {index}")
    try:
        for block in page.get("entities") or []:
            if "values" not in block:
                continue
            values = block["values"] = column_block(block)
            if as_rows:  # the column layout: back to one row per record
                del block["values"]
                block.pop("count", None)
                block["rows"] = list(zip(*values, strict=True)) if values else []
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SnapshotError(ErrorCode.SNAPSHOT_MALFORMED, f"part {index}: {exc!r}") from exc
    return page


def write_file(path: Path, manifest: dict[str, Any], parts: Iterator[bytes]) -> None:
    """Write a snapshot file (gzip of manifest line + part lines), whole or not at all.

    Raises:
        OSError: the file could not be written (nothing is left at ``path``).
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open_private(tmp) as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as gz:
            gz.write(signing.canonical_json(manifest) + b"\n")
            for data in parts:
                gz.write(data + b"\n")
        with open(tmp, "rb+") as handle:
            import os

            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_file(
    path: Path, trusted_key: str, *, rows: bool = True
) -> tuple[Manifest, Iterator[dict[str, Any]]]:
    """Open a snapshot file: its checked manifest and an iterator of checked parts.

    The parts are read one at a time (memory holds one part). A part that does not
    match the manifest, a missing part or a file cut short raises
    :class:`SnapshotError` from the iterator: install all parts in one transaction
    so that nothing is kept then. ``rows``: as :func:`check_part`.

    Raises:
        SnapshotError: not a snapshot file, or its manifest does not verify.
    """
    handle = gzip.GzipFile(path, "rb")
    try:
        first = handle.readline(MAX_LINE_BYTES)
        manifest = check_manifest(_json(first), trusted_key)
    except (OSError, EOFError, zlib.error) as exc:
        handle.close()
        raise SnapshotError(ErrorCode.SNAPSHOT_UNREADABLE, str(exc)) from exc
    except SnapshotError:
        handle.close()
        raise

    def parts() -> Iterator[dict[str, Any]]:
        with handle:
            try:
                for index in range(len(manifest.parts)):
                    line = handle.readline(MAX_LINE_BYTES)
                    if not line.endswith(b"\n"):
                        raise SnapshotError(ErrorCode.SNAPSHOT_TRUNCATED, f"part {index} missing")
                    yield check_part(manifest, index, line[:-1], rows=rows)
                if handle.read(1):
                    raise SnapshotError(ErrorCode.SNAPSHOT_TRAILING, "trailing")
            except (OSError, EOFError, zlib.error) as exc:
                raise SnapshotError(ErrorCode.SNAPSHOT_DAMAGED, str(exc)) from exc

    return manifest, parts()


def _json(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise SnapshotError(ErrorCode.SNAPSHOT_NOT_SNAPSHOT, "manifest not JSON") from exc
