"""The public fast lane: cached pages answered before routing, everything else passed on."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from sync.server.public.encoded import Page
from sync.server.public.lane import FastLane


class Cache:
    def __init__(self, pages: dict[tuple[str, ...], bytes]) -> None:
        self.pages = pages
        self.asked: list[tuple[str, ...]] = []

    def peek(self, key: tuple[str, ...]) -> Page | None:
        self.asked.append(key)
        body = self.pages.get(key)
        return None if body is None else Page.of(body, b'"tag-' + key[0].encode() + b'"')


def _call(
    cache: Cache, path: str, query: bytes = b"", cookie: bytes = b"", holds: bytes = b""
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
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query,
             "headers": headers, "app": app}  # fmt: skip
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(FastLane(inner)(scope, None, send))
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
