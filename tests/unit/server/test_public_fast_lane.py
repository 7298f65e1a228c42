"""The public fast lane: cached pages answered before the app, everything else passed on."""

from __future__ import annotations

import asyncio
import gzip
import time
from email.utils import formatdate
from types import SimpleNamespace
from typing import Any

from sync.server.public.encoded import Page
from sync.server.public.lane import answer_cached


class Cache:
    def __init__(self, pages: dict[tuple[str, ...], bytes]) -> None:
        self.pages = pages
        self.asked: list[tuple[str, ...]] = []

    def peek(self, key: tuple[str, ...]) -> Page | None:
        self.asked.append(key)
        body = self.pages.get(key)
        return None if body is None else Page.of(body, b'"tag-' + key[0].encode() + b'"')


def _call(
    cache: Cache,
    path: str,
    query: bytes = b"",
    cookie: bytes = b"",
    holds: bytes = b"",
    accept: bytes = b"",
) -> tuple[list[Any], int]:
    passed = 0

    async def inner(_scope: Any, _receive: Any, send: Any) -> None:
        nonlocal passed
        passed += 1
        await send({"type": "http.response.start", "status": 299, "headers": []})

    app = SimpleNamespace(state=SimpleNamespace(public=cache))
    headers = [(b"cookie", cookie)] if cookie else []
    if holds:
        headers.append((b"if-none-match", holds))
    if accept:
        headers.append((b"accept-encoding", accept))
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query,
             "headers": headers, "app": app}  # fmt: skip
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def app() -> None:  # as sync.server.app.App calls the lane
        if not await answer_cached(scope["app"].state, scope, send):
            await inner(scope, None, send)

    asyncio.run(app())
    return sent, passed


def test_cached_pages_are_answered_and_the_rest_passed_on() -> None:
    cache = Cache(
        {("election", "e1", "id"): b"<html>id</html>", ("index", "en"): b"<html>en</html>"}
    )
    sent, passed = _call(cache, "/publik/pemilihan/e1")
    assert passed == 0 and sent[0]["status"] == 200 and sent[1]["body"] == b"<html>id</html>"
    headers = dict(sent[0]["headers"])
    assert headers[b"content-type"].startswith(b"text/html")
    assert headers[b"content-length"] == b"15" and headers[b"cache-control"] == b"no-cache"
    sent, passed = _call(cache, "/publik/", cookie=b"silon_lang=en")
    assert passed == 0 and sent[1]["body"] == b"<html>en</html>"
    # Not cached (or not of the current stamp), a query, another path: the app answers.
    for path, query in (
        ("/publik/pasangan/p1", b""),
        ("/publik/pemilihan/e1", b"lang=en"),
        ("/publik/cek", b""),
        ("/v1/health", b""),
    ):
        sent, passed = _call(cache, path, query)
        assert passed == 1 and sent[0]["status"] == 299, path
    assert ("pair", "p1", "id") in cache.asked


def test_a_client_holding_the_page_gets_304_without_the_body() -> None:
    cache = Cache({("election", "e1", "id"): b"<html>id</html>"})
    sent, passed = _call(cache, "/publik/pemilihan/e1")
    tag = dict(sent[0]["headers"])[b"etag"]
    assert tag == b'"tag-election"'
    sent, passed = _call(cache, "/publik/pemilihan/e1", holds=tag)
    assert passed == 0 and sent[0]["status"] == 304 and sent[1]["body"] == b""
    assert dict(sent[0]["headers"])[b"etag"] == tag
    # Another tag (the page changed since): the new bytes.
    sent, passed = _call(cache, "/publik/pemilihan/e1", holds=b'"old", "older"')
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"<html>id</html>"


def test_a_client_accepting_gzip_gets_the_gzip_bytes_under_their_own_tag() -> None:
    page = b"<html>" + b"Pemilihan Bupati " * 64 + b"</html>"
    cache = Cache({("election", "e1", "id"): page, ("index", "id"): b"<html>short</html>"})
    sent, passed = _call(cache, "/publik/pemilihan/e1", accept=b"gzip, deflate, br")
    headers = dict(sent[0]["headers"])
    assert passed == 0 and sent[0]["status"] == 200
    assert headers[b"content-encoding"] == b"gzip" and headers[b"etag"] == b'"tag-election-gz"'
    assert gzip.decompress(sent[1]["body"]) == page
    assert headers[b"content-length"] == str(len(sent[1]["body"])).encode()
    assert headers[b"vary"] == b"Cookie, Accept-Encoding"
    # The plain tag held, gzip accepted: the gzip bytes (not a 304 for other bytes).
    sent, _p = _call(cache, "/publik/pemilihan/e1", holds=b'"tag-election"', accept=b"gzip")
    assert sent[0]["status"] == 200 and gzip.decompress(sent[1]["body"]) == page
    sent, _p = _call(cache, "/publik/pemilihan/e1", holds=b'"tag-election-gz"', accept=b"gzip")
    assert sent[0]["status"] == 304 and sent[1]["body"] == b""
    assert b"content-length" not in dict(sent[0]["headers"])
    # The gzip tag held, gzip not accepted: the plain bytes.
    sent, _p = _call(cache, "/publik/pemilihan/e1", holds=b'"tag-election-gz"')
    assert sent[0]["status"] == 200 and sent[1]["body"] == page
    assert b"content-encoding" not in dict(sent[0]["headers"])
    # A page too short to compress is sent plain, under the plain tag.
    sent, _p = _call(cache, "/publik/", accept=b"gzip")
    headers = dict(sent[0]["headers"])
    assert sent[1]["body"] == b"<html>short</html>" and b"content-encoding" not in headers
    assert headers[b"etag"] == b'"tag-index"'


def test_a_dated_page_sends_its_date_only_once_no_change_can_share_its_second() -> None:
    # A date names a whole second: a copy sent at 10:00:00.3 and a change at 10:00:00.7
    # would both be dated 10:00:00, and a client holding the first would later be told
    # (If-Modified-Since: 10:00:00) that it is current. Within the change's second the
    # ETag alone serves, and no date can make a 304.
    changed = 1_765_000_000.4
    page = Page.of(b"a,b\n", b'"t"', changed)
    assert page.last_modified(changed + 0.5) is None
    assert page.last_modified(changed + 0.7) == b"Sat, 06 Dec 2025 05:46:40 GMT"
    assert Page.of(b"x", b'"u"').last_modified(changed + 10) is None
    # ...and the answer to a client naming that second is the whole page, not a 304.
    from sync.server.public import encoded

    running = Page.of(b"a,b\n", b'"t"', time.time() + 5)  # its second not yet over
    since = formatdate(time.time() + 5, usegmt=True)
    status, body, raw = encoded.cached_answer(running, b"text/csv", (), None, None, since)
    assert status == 200 and body == b"a,b\n"
    assert b"last-modified" not in dict(raw)
