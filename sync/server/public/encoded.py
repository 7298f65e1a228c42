"""Public answers as ready bytes: a cached page in both encodings, and its headers.

A cached page is kept plain and gzip-compressed (compressed once, when it is
built), each variant with an ETag of its own: the gzip variant's tag is the plain
one with ``-gz`` inside the quotes, so a client that stored one variant never gets
a 304 for the other. The routed answer (:func:`response`) and the fast lane
(:mod:`sync.server.public.lane`) send the same headers from :func:`headers`.
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from starlette.responses import Response

HTML = b"text/html; charset=utf-8"
JSON = b"application/json"
CSV = b"text/csv; charset=utf-8"
XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Bodies shorter than this are sent plain (as the app's GZipMiddleware does).
GZIP_MIN_BYTES = 512
#: The app's GZipMiddleware level.
GZIP_LEVEL = 6

#: ``frame-ancestors 'none'``: no other site may show a public page (the NIK check or
#: the objection form) inside a frame of its own (``default-src`` does not cover it).
CSP = (
    b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    b"frame-ancestors 'none'"
)

#: The headers of every public HTML page (cached or not), after the per-answer ones.
PAGE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-cache"),
    (b"vary", b"Cookie, Accept-Encoding"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CSP),
)

#: The headers of an answer that no cache may keep (the NIK check): no-store.
NO_STORE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"vary", b"Cookie, Accept-Encoding"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CSP),
    (b"pragma", b"no-cache"),
    (b"referrer-policy", b"no-referrer"),
)

#: Open data (JSON, CSV): no language, so no cookie in Vary.
DATA_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-cache"),
    (b"vary", b"Accept-Encoding"),
)

CSV_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    *DATA_HEADERS,
    (b"content-disposition", b'inline; filename="dukungan.csv"'),
)

#: A workbook no browser shows: saved under its name.
XLSX_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    *DATA_HEADERS,
    (b"content-disposition", b'attachment; filename="dukungan.xlsx"'),
)


def compress(body: bytes) -> bytes | None:
    """``body`` gzip-compressed (the same bytes every time), or None when too short."""
    if len(body) < GZIP_MIN_BYTES:
        return None
    return gzip.compress(body, GZIP_LEVEL, mtime=0)


def accepts_gzip(header: bytes | str | None) -> bool:
    """Whether an ``Accept-Encoding`` value lets the answer be gzip-compressed: the rule
    of the app's GZipMiddleware ("gzip" anywhere in it), so the routed and the fast
    lane answer every client alike."""
    if not header:
        return False
    if isinstance(header, str):
        return "gzip" in header
    return b"gzip" in header


@dataclass(frozen=True, slots=True)
class Page:
    """A cached page: plain bytes and tag, and (bodies of 512 bytes or more) the gzip
    bytes and their tag."""

    body: bytes
    tag: bytes  # quoted, as sent
    gz: bytes | None
    gz_tag: bytes
    #: When its content last changed (seconds since the epoch), or None: undated.
    modified_at: float | None = None

    @classmethod
    def of(cls, body: bytes, tag: bytes, modified_at: float | None = None) -> Page:
        """``body`` with its plain ``tag`` (``"..."``); the gzip variant made here."""
        return cls(body, tag, compress(body), tag[:-1] + b'-gz"', modified_at)

    def last_modified(self, now: float | None = None) -> bytes | None:
        """The ``Last-Modified`` to send (an HTTP date, whole seconds), or None.

        None while the second of the last change is still running: a date names a whole
        second, so a copy sent at 10:00:00.3 and a change at 10:00:00.7 would both be
        dated 10:00:00, and a client asking ``If-Modified-Since: 10:00:00`` later would be
        told, wrongly, that its copy is current. A date is sent only once no further
        change can fall in its second; until then the ETag alone serves."""
        if self.modified_at is None:
            return None
        if int(time.time() if now is None else now) <= int(self.modified_at):
            return None
        return formatdate(int(self.modified_at), usegmt=True).encode("ascii")

    def variant(self, gzip_ok: bool) -> tuple[bytes, bytes, bool]:
        """``(bytes, tag, compressed)`` for a client that accepts gzip or not."""
        if gzip_ok and self.gz is not None:
            return self.gz, self.gz_tag, True
        return self.body, self.tag, False


def not_modified(header: str | bytes | None, tag: bytes) -> bool:
    """Whether an ``If-None-Match`` value names ``tag`` (or is ``*``)."""
    if not header:
        return False
    raw = header.encode("latin-1") if isinstance(header, str) else header
    if raw == tag:  # the usual case: the client sends back the one tag it holds
        return True
    return any(t.strip() in (tag, b"*", b"W/" + tag) for t in raw.split(b","))


def unmodified_since(header: str | bytes | None, modified: bytes | None) -> bool:
    """Whether an ``If-Modified-Since`` value is no earlier than the page's
    ``Last-Modified`` (RFC 9110 13.1.3: the page is then not modified). False for a page
    without a date and for a value that is no HTTP date (ignored). The caller asks only
    for a GET or HEAD without ``If-None-Match`` (which takes precedence)."""
    if not header or modified is None:
        return False
    text = header.decode("latin-1") if isinstance(header, bytes) else header
    try:
        since = parsedate_to_datetime(text)
        last = parsedate_to_datetime(modified.decode("ascii"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if since.tzinfo is None or last.tzinfo is None:  # not an HTTP date (no GMT)
        return False
    return last <= since


def headers(
    content_type: bytes,
    length: int | None,
    extra: tuple[tuple[bytes, bytes], ...],
    tag: bytes | None = None,
    compressed: bool = False,
    modified: bytes | None = None,
) -> list[tuple[bytes, bytes]]:
    """The raw headers of an answer (the same list from either lane); ``length`` None:
    a 304, which names no length."""
    out = [(b"content-type", content_type)]
    if length is not None:
        out.append((b"content-length", str(length).encode("ascii")))
    if tag is not None:
        out.append((b"etag", tag))
    if modified is not None:
        out.append((b"last-modified", modified))
    if compressed:
        out.append((b"content-encoding", b"gzip"))
    out.extend(extra)
    return out


def cached_answer(
    page: Page,
    content_type: bytes,
    extra: tuple[tuple[bytes, bytes], ...],
    accept_encoding: bytes | str | None,
    if_none_match: bytes | str | None,
    if_modified_since: bytes | str | None = None,
) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """``(status, body, headers)`` of a cached page (asked by GET or HEAD): 304 without
    a body when the client holds the variant it would get (``If-None-Match``), or, when
    it sends no ``If-None-Match``, a copy no older than the page's ``Last-Modified``
    (``If-Modified-Since``, RFC 9110 13.1.3); else that variant."""
    body, tag, compressed = page.variant(accepts_gzip(accept_encoding))
    modified = page.last_modified()
    if (
        not_modified(if_none_match, tag)
        if if_none_match
        else unmodified_since(if_modified_since, modified)
    ):
        return 304, b"", headers(content_type, None, extra, tag, compressed, modified)
    return 200, body, headers(content_type, len(body), extra, tag, compressed, modified)


def fresh_answer(
    page: bytes,
    content_type: bytes,
    extra: tuple[tuple[bytes, bytes], ...],
    accept_encoding: bytes | str | None,
) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """``(body, headers)`` of a page built for one request (no ETag), gzip-compressed
    when the client accepts it and it is long enough."""
    gz = compress(page) if accepts_gzip(accept_encoding) else None
    body = page if gz is None else gz
    return body, headers(content_type, len(body), extra, compressed=gz is not None)


class RawResponse(Response):
    """A response with its headers as given (the app's GZipMiddleware leaves a body
    with Content-Encoding alone)."""

    def __init__(self, status: int, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status
        self.body = body
        self.background = None
        self.raw_headers = raw_headers


async def send_raw(
    send: Any, status: int, body: bytes, raw_headers: list[tuple[bytes, bytes]]
) -> None:
    """Send one whole answer on an ASGI ``send``."""
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
