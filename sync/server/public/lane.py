"""The public fast lane: the public pages answered before FastAPI's routing.

Two steps, each answering a few public paths itself and passing everything else on:

- :func:`answer_cached`, called by the app (``sync.server.app.App``) before anything
  else, Starlette's own middleware included: a GET of a public page whose bytes are
  cached for the current stamp is answered from those bytes, plain or gzip as the client
  accepts, with its ETag, or 304 when ``If-None-Match`` names that variant (or, without
  it, ``If-Modified-Since`` is no earlier than a dated page's ``Last-Modified``). A page
  not cached yet (or of an older stamp) goes through the app, which builds and
  caches it. ``?lang=`` always goes through (the app sets the language cookie).
- :class:`CheckLane` (inside the body middleware, so it gets a read, size-limited
  and inflated body): the NIK check (``POST /publik/cek``) and its empty form
  (``GET /publik/cek``), by the same :func:`pages.answer_check` as the routed
  endpoint: the same rate limits, page and headers (no-store).

What this saves is the routing and middleware of FastAPI (a tenth of a millisecond
and more per request); see README.md, "Benchmarks", bench_public.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import OperationalError
from starlette.requests import cookie_parser

from sync.server.http import busy_response
from sync.server.public import encoded, i18n, pages
from sync.server.public.pages import PREFIX, Public

_COOKIE = i18n.COOKIE.encode("ascii")


def _lang(cookie: bytes | None) -> str:
    """The page language of a request without ``?lang=``: the cookie's, or Indonesian."""
    if cookie is None or _COOKIE not in cookie:
        return i18n.DEFAULT_LANG
    return i18n.pick_lang(None, cookie_parser(cookie.decode("latin-1")).get(i18n.COOKIE))


def _key(
    path: str, lang: str
) -> tuple[tuple[str, ...], bytes, tuple[tuple[bytes, bytes], ...]] | None:
    """The cache key, content type and headers of a cached public GET path (None: not one)."""
    if path == PREFIX + "/" or path == PREFIX:
        return ("index", lang), encoded.HTML, encoded.PAGE_HEADERS
    rest = path[len(PREFIX) :]
    for head, name in (("/pemilihan/", "election"), ("/pasangan/", "pair")):
        if rest.startswith(head) and "/" not in rest[len(head) :]:
            return (name, rest[len(head) :][:64], lang), encoded.HTML, encoded.PAGE_HEADERS
    if rest == "/data/pemilihan.json":
        return ("json",), encoded.JSON, encoded.DATA_HEADERS
    if rest == "/data/dukungan.csv":
        return ("csv",), encoded.CSV, encoded.CSV_HEADERS
    if rest == "/data/dukungan.xlsx":
        return ("xlsx",), encoded.XLSX, encoded.XLSX_HEADERS
    return None


def _headers(scope: Any) -> tuple[bytes | None, bytes | None, bytes | None, bytes | None]:
    """``(cookie, accept-encoding, if-none-match, if-modified-since)`` of a request
    (None: not sent)."""
    cookie = accept = holds = since = None
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookie = value if cookie is None else cookie + b"; " + value
        elif name == b"accept-encoding":
            accept = value
        elif name == b"if-none-match":
            holds = value
        elif name == b"if-modified-since":
            since = value
    return cookie, accept, holds, since


async def answer_cached(state: Any, scope: Any, send: Any) -> bool:
    """Answer an HTTP request from the cached bytes if it is a GET (or HEAD) of a public page
    cached for the current stamp (True: answered; False: the app must). ``state`` is
    the app's (where :func:`pages.public_of` keeps the process's :class:`Public`)."""
    if (
        scope["method"] not in ("GET", "HEAD")  # HEAD: the same headers (uvicorn drops the body)
        or scope.get("query_string")
        or not scope["path"].startswith(PREFIX)
    ):
        return False
    public: Public | None = getattr(state, "public", None)
    if public is None:
        return False
    cookie, accept, holds, since = _headers(scope)
    found = _key(scope["path"], _lang(cookie))
    try:
        page = public.peek(found[0]) if found is not None else None
    except OperationalError:
        # The stamp unread (a busy database): the app answers, whose handler says
        # 503 busy; raised here, before any handler, it was uvicorn's bare 500.
        return False
    if found is None or page is None:
        return False
    status, body, raw = encoded.cached_answer(page, found[1], found[2], accept, holds, since)
    await encoded.send_raw(send, status, body, raw)
    return True


class CheckLane:
    """The NIK check and its form answered before routing (module docstring)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PREFIX + "/cek"
            or scope.get("query_string")
            or scope["method"] not in ("GET", "HEAD", "POST")
        ):
            await self.app(scope, receive, send)
            return
        public = pages.public_of(scope["app"].state)
        cookie, accept, _holds, _since = _headers(scope)
        lang = _lang(cookie)
        try:
            if scope["method"] != "POST":
                status, page, headers = 200, public.check_page(lang), encoded.NO_STORE_HEADERS
            else:
                raw_form = await _body(receive)
                if raw_form is None:  # the client left
                    return
                form = pages.form_fields(raw_form)
                client = scope.get("client")
                source = str(client[0]) if client else ""
                status, page, headers = await pages.answer_check(public, source, lang, form)
        except OperationalError as exc:  # as the app's handler answers it
            await busy_response(exc)(scope, receive, send)
            return
        body, raw = encoded.fresh_answer(page, encoded.HTML, headers, accept)
        await encoded.send_raw(send, status, body, raw)


async def _body(receive: Any) -> bytes | None:
    """The request body (already read and limited by the body middleware, as the routed
    endpoint gets it); None when the client disconnected."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
