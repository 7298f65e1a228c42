"""The public pages, open data and signed audit head (no login).

Each page's bytes are cached per process and language, keyed by the public
version (``public_state``) and the audit head: a request costs two primary-key
reads when nothing changed. Pushes move the version in their own transaction,
so every server process behind a load balancer serves the same figures. The stamp
itself is read at most every ``SILON_PUBLIC_STAMP_TTL_MS`` milliseconds (default
200) while this process commits nothing: a page may lag a write of ANOTHER process
by that long, never one of its own.

A page is built in the thread pool, never on the event loop, and once per stamp:
while one request builds the new version, the others get the previous bytes (a
running push moves the version with every batch). Every cached page carries an
ETag (stamp and page), and ``If-None-Match`` with it is answered 304 without a body;
so is ``If-Modified-Since`` no earlier than a dated page's ``Last-Modified`` (:data:`DATED`),
when no ``If-None-Match`` is sent (RFC 9110 13.1.3).
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import hashlib
import io
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from silon_desktop.reports.sanitize import safe_cell
from sync import signing
from sync.server.db import commits, read_tx
from sync.server.http import RECORD_ID_PATTERN, busy_response
from sync.server.public import encoded, i18n, objections, svg, views
from sync.server.public.check import Checker, Limited, Match, birth_date_iso, valid_nik
from sync.server.public.encoded import Page
from sync.server.public.figures import COUNTS

if TYPE_CHECKING:
    from sync.server.state import ServerState

log = logging.getLogger(__name__)

PREFIX = "/publik"
HTML = "text/html; charset=utf-8"
CSS = (resources.files("sync.server.public") / "static" / "public.css").read_bytes()

ENV = Environment(
    auto_reload=False,  # package templates: no stat() of the file per render
    loader=PackageLoader("sync.server.public", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a cached page depends on: the public version and the audit head."""

    version: int
    structure: int
    updated_at: float
    audit_id: int
    audit_hash: str


#: The stamp in one statement (one snapshot): the public state row and the audit head.
STAMP_SQL = (
    "SELECT (SELECT version FROM public_state WHERE id = 1),"
    " (SELECT structure FROM public_state WHERE id = 1),"
    " (SELECT updated_at FROM public_state WHERE id = 1),"
    " (SELECT id FROM audit ORDER BY id DESC LIMIT 1),"
    " (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)"
)


def read_stamp(engine: Engine) -> Stamp:
    """The current stamp: one statement on a pooled DB-API connection (~50 us on SQLite;
    the SQLAlchemy connection and transaction around it cost five times that).

    Raises:
        OperationalError: SQLAlchemy's, for the driver's own (a locked SQLite file, a
            lost PostgreSQL connection), which the app answers ``503 busy``
            (``sync.server.http``): the driver's went past it as a bare 500.
    """
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(STAMP_SQL)
        row = cur.fetchone()
        cur.close()
    except engine.dialect.loaded_dbapi.OperationalError as exc:
        raise OperationalError(None, None, exc) from exc
    finally:
        raw.close()
    version, structure, updated, audit_id, audit_hash = row if row else (None,) * 5
    return Stamp(
        int(version or 0),
        int(structure or 0),
        float(updated or 0.0),
        int(audit_id or 0),
        bytes(audit_hash).hex() if audit_hash else "0" * 64,  # stored as 32 bytes (0010)
    )


def etag(stamp: Stamp, key: tuple[str, ...]) -> bytes:
    """The ETag of ``key``'s plain page at ``stamp`` (equal bytes, equal tag; the gzip
    variant's is :attr:`Page.gz_tag`)."""
    digest = hashlib.blake2b(repr((key, stamp)).encode("utf-8"), digest_size=12).hexdigest()
    return f'"{digest}"'.encode("ascii")


class Public:
    """The public part of one server process: caches and rendering."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._lock = threading.Lock()
        self._pages: dict[tuple[str, ...], tuple[Stamp, Page]] = {}
        self._building: set[tuple[str, ...]] = set()
        self._head: tuple[int, dict[str, Any]] | None = None
        self._checker: Checker | None = None
        self._stamp: tuple[int, float, Stamp] | None = None
        #: The check page around its answer, per language: (stamp, before, after).
        self._shells: dict[str, tuple[Stamp, bytes, bytes]] = {}
        #: Check answers without matches: (lang, error, filed, checked) -> bytes.
        self._results: dict[tuple[str, str, bool, bool], bytes] = {}
        self.stamp_ttl = int(os.environ.get("SILON_PUBLIC_STAMP_TTL_MS", "200")) / 1000

    def checker(self) -> Checker:
        """The NIK check (its secret is read or made on first use)."""
        if self._checker is None:
            with self._lock:
                if self._checker is None:
                    self._checker = Checker(self.state.engine)
        return self._checker

    # --- data -----------------------------------------------------------------

    def stamp(self) -> Stamp:
        """The current stamp: read from the database when this process has committed
        since the last read, or that read is older than ``stamp_ttl`` (other
        processes' writes)."""
        epoch, now = commits(), time.monotonic()
        memo = self._stamp
        if memo is not None and memo[0] == epoch and now - memo[1] < self.stamp_ttl:
            return memo[2]
        stamp = read_stamp(self.state.engine)
        self._stamp = (epoch, now, stamp)  # epoch and time from BEFORE the read
        return stamp

    def signed_head(self, stamp: Stamp) -> dict[str, Any]:
        """The audit head, signed by the server key (``signing.verify`` checks it)."""
        memo = self._head
        if memo is not None and memo[0] == stamp.audit_id:
            return memo[1]
        body = {
            "audit_id": stamp.audit_id,
            "audit_hash": stamp.audit_hash,
            "key_id": self.state.key_id,
        }
        head = {
            "body": body,
            "signature": signing.sign(self.state.key, body),
            "public_key": self.state.public_key,
            "anchor": f"{stamp.audit_id}:{stamp.audit_hash}",
        }
        self._head = (stamp.audit_id, head)
        return head

    async def page(
        self, key: tuple[str, ...], build: Callable[[Stamp], bytes | None]
    ) -> Page | None:
        """The page of ``key`` for the current stamp, built once per stamp and process
        in the thread pool (None: no such page). While one request builds it, the
        others get the previous version's bytes."""
        stamp = self.stamp()
        hit = self._pages.get(key)
        if hit is not None and (hit[0] == stamp or key in self._building):
            return hit[1]
        self._building.add(key)  # the event loop's thread only: no lock
        try:
            made = await run_in_threadpool(_made_page, build, stamp, key)
        finally:
            self._building.discard(key)
        if made is None:
            return None
        current = self._pages.get(key)
        if current is None or current[0].version <= stamp.version:
            self._pages[key] = (stamp, made)
        return made

    def peek(self, key: tuple[str, ...]) -> Page | None:
        """The cached page of ``key`` if it is of the current stamp (or the previous
        one while a request builds the current), else None."""
        hit = self._pages.get(key)
        if hit is None:
            return None
        if key in self._building or hit[0] == self.stamp():
            return hit[1]
        return None

    def check_page(self, lang: str, **context: Any) -> bytes:
        """The check page with the answer of ``context`` (error, filed, checked,
        matches, nik, birth_date): the page around the answer is rendered once per
        stamp and language, an answer without matches once per process and kind
        (absent NIK and wrong birth date: the same bytes), a listed one each time."""
        stamp = self.stamp()
        shell = self._shells.get(lang)
        if shell is None or shell[0] != stamp:
            whole = self.render("check.html", lang, stamp, result=Markup(CHECK_SLOT))
            before, _slot, after = whole.partition(CHECK_SLOT.encode("ascii"))
            shell = (stamp, before, after)
            self._shells[lang] = shell
        matches = context.get("matches")
        if matches:
            result = self.render_result(lang, **context)
        else:
            key = (lang, str(context.get("error", "")), bool(context.get("filed")),
                   bool(context.get("checked")))  # fmt: skip
            cached = self._results.get(key)
            if cached is None:
                cached = self._results[key] = self.render_result(lang, **context)
            result = cached
        return shell[1] + result + shell[2]

    def render_result(self, lang: str, **context: Any) -> bytes:
        """The answer part of the check page (check_result.html)."""
        context.setdefault("matches", [])
        page = ENV.get_template("check_result.html").render(
            t=_translator(lang),
            lang=lang,
            reason=lambda code: i18n.reason(code, lang),
            prefix=PREFIX,
            **context,
        )
        return page.encode("utf-8")

    def data(self) -> tuple[views.Structure, views.Figures, dict[str, tuple[int, int]]]:
        with read_tx(self.state.engine) as conn:
            return views.load_all(conn)

    def open_data_json(self, stamp: Stamp) -> bytes:
        """pemilihan.json: the elections with their figures, the signed audit head, and
        the terms of reuse (``license``: public information under UU 14/2008, reusable
        with attribution to KPU; the exact licence is KPU's to state).

        ``practice`` says whether the figures are a training server's (a Bimtek room's
        practice election bears a real region's name): true there, with the pages'
        LATIHAN sentence as ``practice_notice``, so its figures never pass for real
        ones once the file leaves the page that says so."""
        structure, figures, objections = self.data()
        practice = self.state.config.training
        mark: dict[str, Any] = {"practice": practice}
        if practice:
            mark["practice_notice"] = i18n.STRINGS["practice_banner"][i18n.DEFAULT_LANG]
        doc = {
            "schema": "silon-public-1",
            **mark,
            "license": i18n.STRINGS["open_data_license"][i18n.DEFAULT_LANG],
            "updated_at": stamp.updated_at,
            "version": stamp.version,
            "audit_head": self.signed_head(stamp),
            "elections": views.open_data(structure, figures, objections),
        }
        return orjson.dumps(doc)

    def shown(self, entity: str, record_id: str) -> bool:
        """Whether the pages show ``record_id`` as an ``entity`` (a pair: of an election
        shown), by key reads alone: a page of an unknown id (which is never cached)
        must not cost every request a read of all public tables (:meth:`data`)."""
        if not RECORD_ID.fullmatch(record_id):  # no record has it (PostgreSQL refuses a NUL)
            return False
        with read_tx(self.state.engine) as conn:
            fields = views.public_fields(conn, entity, record_id)
            if fields is None or entity != "pair":
                return fields is not None
            election_id = str(fields.get("election_id") or "")
            return views.public_fields(conn, "election", election_id) is not None

    # --- rendering --------------------------------------------------------------

    def render(self, template: str, lang: str, stamp: Stamp, **context: Any) -> bytes:
        t = _translator(lang)
        updated = i18n.moment(stamp.updated_at, lang) if stamp.updated_at else t["never"]
        page = ENV.get_template(template).render(
            t=t,
            lang=lang,
            other_lang="en" if lang == "id" else "id",
            updated=updated,
            head=self.signed_head(stamp),
            date=lambda iso: i18n.long_date(iso, lang),
            num=lambda n: i18n.number(n, lang),
            reason=lambda code: i18n.reason(code, lang),
            prefix=PREFIX,
            # A training server's practice election bears a real region's name: every
            # page says LATIHAN, as the desktop's windows and printouts of it do.
            practice=self.state.config.training,
            **context,
        )
        return page.encode("utf-8")


RECORD_ID = re.compile(RECORD_ID_PATTERN)

#: Where the answer goes in the check page's shell (never in a text of its own).
CHECK_SLOT = "\x00check-result\x00"

_TRANSLATORS = {lang: i18n.translator(lang) for lang in i18n.LANGS}


def _translator(lang: str) -> dict[str, str]:
    """The page words of ``lang`` (made once per process; read only)."""
    return _TRANSLATORS.get(lang) or i18n.translator(lang)


def _made_page(
    build: Callable[[Stamp], bytes | None], stamp: Stamp, key: tuple[str, ...]
) -> Page | None:
    """``build``'s bytes as a cached page (plain and gzip, with their tags); in the
    thread pool."""
    body = build(stamp)
    if body is None:
        return None
    modified_at = stamp.updated_at if key[0] in DATED and stamp.updated_at else None
    return Page.of(body, etag(stamp, key), modified_at)


#: The pages dated by ``Last-Modified``: the CSV and the XLSX, whose content is the
#: figures and records as of ``public_state.updated_at`` (the JSON's ``updated_at``) and
#: which have no date of their own. The JSON (its ``updated_at``) and the HTML pages
#: (their footer) also hold the audit head, which moves without that date: they carry
#: the ETag alone.
DATED = ("csv", "xlsx")


def _lang(request: Request) -> str:
    return i18n.pick_lang(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))


def html(
    request: Request,
    body: bytes,
    status: int = 200,
    extra: tuple[tuple[bytes, bytes], ...] = encoded.PAGE_HEADERS,
) -> Response:
    """An HTML page built for this request, gzip-compressed when the client accepts it
    (the app's GZipMiddleware leaves the public pages alone); ``?lang=`` also sets the
    language cookie."""
    accept = request.headers.get("accept-encoding")
    sent, raw = encoded.fresh_answer(body, encoded.HTML, extra, accept)
    return _with_lang_cookie(request, encoded.RawResponse(status, sent, raw))


def cached(
    request: Request,
    page: Page,
    content_type: bytes = encoded.HTML,
    extra: tuple[tuple[bytes, bytes], ...] = encoded.PAGE_HEADERS,
) -> Response:
    """A cached page in the variant the client accepts, or 304 when it holds that
    variant (the same headers as the fast lane's); ``?lang=`` sets the cookie."""
    status, body, raw = encoded.cached_answer(
        page,
        content_type,
        extra,
        request.headers.get("accept-encoding"),
        request.headers.get("if-none-match"),
        request.headers.get("if-modified-since"),
    )
    return _with_lang_cookie(request, encoded.RawResponse(status, body, raw))


def _with_lang_cookie(request: Request, response: Response) -> Response:
    query = request.query_params.get("lang")
    if query in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, str(query), max_age=365 * 86400, samesite="lax")
    return response


def _election_context(
    structure: views.Structure,
    figures: views.Figures,
    objections: dict[str, tuple[int, int]],
    eid: str,
) -> dict[str, Any] | None:
    election = structure.elections.get(eid)
    if election is None:
        return None
    pairs = []
    for pid, p in sorted(
        ((k, v) for k, v in structure.pairs.items() if v.get("election_id") == eid),
        key=lambda kv: int(kv[1].get("number") or 0),
    ):
        support = views.pair_support(election, figures.get(pid, {}))
        docs = views.pair_documents(structure, pid)
        pairs.append(
            {
                "id": pid,
                "p": p,
                "support": support,
                "docs_complete": sum(1 for d in docs if d["complete"]),
                "docs_total": len(docs),
                "objections": objections.get(pid, (0, 0)),
            }
        )
    req = views.requirement(election)
    return {
        "e": election,
        "pairs": pairs,
        "stages": views.stages(election),
        "threshold": req.threshold,
        "threshold_source": req.threshold_source,
        "spread": req.spread,
        "spread_source": req.spread_source,
        "kabkota": views.by_kabkota(election),
    }


router = APIRouter(prefix=PREFIX, include_in_schema=False)
#: The methods of a page: HEAD wherever GET (RFC 9110; the server drops HEAD's body).
READ = ["GET", "HEAD"]
_made = threading.Lock()


def of(request: Request) -> Public:
    """The process's :class:`Public` of the app serving ``request`` (made on first use)."""
    return public_of(request.app.state)


def public_of(app_state: Any) -> Public:
    """The process's :class:`Public` of an app's ``state`` (made on first use)."""
    public: Public | None = getattr(app_state, "public", None)
    if public is None:
        with _made:
            public = getattr(app_state, "public", None)
            if public is None:
                public = app_state.public = Public(app_state.server)
    return public


#: The server's root, for a citizen who types only the address: the public pages.
root_router = APIRouter(include_in_schema=False)


@root_router.api_route("/", methods=READ)
async def root() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/", status_code=307)


@router.api_route("/static/public.css", methods=READ)
async def css() -> Response:
    return Response(CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


@router.api_route("", methods=READ)
@router.api_route("/", methods=READ)
async def index(request: Request) -> Response:
    public = of(request)
    lang = _lang(request)

    def build(stamp: Stamp) -> bytes:
        structure, _figures, _obj = public.data()
        elections = sorted(structure.elections.values(), key=lambda e: str(e.get("name")))
        counts = {
            eid: sum(1 for p in structure.pairs.values() if p.get("election_id") == eid)
            for eid in structure.elections
        }
        return public.render("index.html", lang, stamp, elections=elections, counts=counts)

    page = await public.page(("index", lang), build)
    return cached(request, page) if page else html(request, b"")


@router.api_route("/pemilihan/{election_id}", methods=READ)
async def election_page(request: Request, election_id: str) -> Response:
    public = of(request)
    lang = _lang(request)

    def build(stamp: Stamp) -> bytes | None:
        if not public.shown("election", election_id):
            return None
        context = _election_context(*public.data(), election_id)
        if context is None:
            return None
        return public.render("election.html", lang, stamp, **context)

    page = await public.page(("election", election_id[:64], lang), build)
    return _or_404(request, public, lang, page)


@router.api_route("/pasangan/{pair_id}", methods=READ)
async def pair_page(request: Request, pair_id: str) -> Response:
    public = of(request)
    state = public.state
    lang = _lang(request)

    def build(stamp: Stamp) -> bytes | None:
        if not public.shown("pair", pair_id):
            return None
        structure, figures, objections = public.data()
        pair = structure.pairs.get(pair_id)
        election = structure.elections.get(str(pair.get("election_id"))) if pair else None
        if pair is None or election is None:
            return None
        support = views.pair_support(election, figures.get(pair_id, {}))
        with read_tx(state.engine) as conn:
            names = views.region_names(conn, set(support["subregions"]))
        t = i18n.translator(lang)
        charts = [
            svg.stacked_bars(
                [
                    (names.get(code, code) if code else t["no_area"], cell)
                    for code, cell in r["subregions"].items()
                ],
                t["round_" + r["round"]] if "round_" + r["round"] in t else r["round"],
            )
            for r in support["rounds"]
        ]
        parties = [x for x in structure.parties if x.get("pair_id") == pair_id]
        return public.render(
            "pair.html",
            lang,
            stamp,
            e=election,
            p=pair,
            pair_id=pair_id,
            docs=views.pair_documents(structure, pair_id),
            held_twice=views.roles_held_twice(structure, pair_id),
            support=support,
            charts=charts,
            progress=svg.progress(
                support["totals"]["ms"], support["threshold"], t["ms_vs_threshold"]
            ),
            names=names,
            parties=parties,
            objections=objections.get(pair_id, (0, 0)),
        )

    page = await public.page(("pair", pair_id[:64], lang), build)
    return _or_404(request, public, lang, page)


@router.api_route("/data/pemilihan.json", methods=READ)
async def data_json(request: Request) -> Response:
    public = of(request)

    page = await public.page(("json",), public.open_data_json)
    if page is None:  # build never answers None
        raise RuntimeError("open data not built")
    return cached(request, page, encoded.JSON, encoded.DATA_HEADERS)


@router.api_route("/data/dukungan.csv", methods=READ)
async def data_csv(request: Request) -> Response:
    public = of(request)

    def build(stamp: Stamp) -> bytes:
        structure, figures, _objections = public.data()
        return open_data_csv(structure, figures, practice=public.state.config.training)

    page = await public.page(("csv",), build)
    if page is None:  # build never answers None
        raise RuntimeError("open data not built")
    return cached(request, page, encoded.CSV, encoded.CSV_HEADERS)


@router.api_route("/data/dukungan.xlsx", methods=READ)
async def data_xlsx(request: Request) -> Response:
    public = of(request)

    def build(stamp: Stamp) -> bytes:
        structure, figures, objections = public.data()
        training = public.state.config.training
        return open_data_xlsx(
            structure, figures, stamp.updated_at, objections=objections, practice=training
        )

    page = await public.page(("xlsx",), build)
    if page is None:  # build never answers None
        raise RuntimeError("open data not built")
    return cached(request, page, encoded.XLSX, encoded.XLSX_HEADERS)


@router.api_route("/audit-head.json", methods=READ)
async def audit_head(request: Request) -> Response:
    public = of(request)
    head = public.signed_head(public.stamp())
    return Response(
        orjson.dumps(head), media_type="application/json", headers={"Cache-Control": "no-cache"}
    )


def open_data_csv(
    structure: views.Structure, figures: views.Figures, *, practice: bool = False
) -> bytes:
    """dukungan.csv: one row per election, pair, round and sub-region (UTF-8, with a
    byte-order mark): the rows of :func:`open_data_rows`.

    The mark is for Excel on Windows, what KPU offices and journalists open a CSV
    with: without it Excel reads the file in the PC's ANSI code page (Windows-1252)
    and breaks every letter outside ASCII in a name ("Baubau –" as "Baubau â€“"); with
    it Excel reads UTF-8, as it does the desktop's own CSV templates. A program reads
    it as ``utf-8-sig`` (pandas and the desktop's importers skip the mark themselves).
    An Excel set to Indonesian (list separator ``;``) still puts each comma-separated
    row in one column: that reader has dukungan.xlsx (:func:`open_data_xlsx`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(open_data_rows(views.open_data(structure, figures, {}), practice=practice))
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


#: A cell of the open data tables: text, a count or number, a yes/no (the XLSX's
#: elections and pairs; never in the CSV), or nothing (the JSON's null: not known).
Cell = str | bool | int | float | None


def open_data_rows(
    elections: list[dict[str, Any]], *, practice: bool = False
) -> Iterator[list[Cell]]:
    """The open data table, header first: one row per election, pair, round and
    sub-region of ``elections`` (:func:`views.open_data`'s), in :data:`CSV_COLUMNS`.
    The one definition of what dukungan.csv and dukungan.xlsx's first sheet hold, so
    the two never differ in a column or a value.

    A training server's (``practice``) has a first column ``latihan`` that says
    ``LATIHAN`` on every row: a comment line would be read as the header by a CSV
    reader (and shown as a row by Excel), and a row copied out of the sheet keeps
    its mark. A real server's columns are :data:`CSV_COLUMNS`, as before.

    The public opens it in spreadsheets: every text cell goes through the desktop
    exports' own :func:`silon_desktop.reports.sanitize.safe_cell`, so a name an
    operator typed (or a code a client pushed) starting with ``=``, ``+``, ``-`` or
    ``@`` shows as text and never runs as a formula. Counts stay numbers (``int``),
    and the pair's number as pushed (an int, or None: an empty cell)."""
    mark = [PRACTICE_MARK] if practice else []
    yield [PRACTICE_COLUMN, *CSV_COLUMNS] if practice else list(CSV_COLUMNS)
    for e in elections:
        for p in e["pairs"]:
            for r in p["support"]["rounds"]:
                for s in r["subregions"]:
                    texts = (e["id"], e["name"], e["subregion_level"], p["id"])
                    yield [*mark, *map(safe_cell, texts), p["number"], safe_cell(r["round"]),
                           safe_cell(s["code"]), *(s[n] for n in COUNTS)]  # fmt: skip


def _table(
    columns: tuple[str, ...], records: Iterator[dict[str, Any]], practice: bool
) -> Iterator[list[Cell]]:
    """``columns`` as a header, then each record's values in that order (text through
    :func:`safe_cell`), with the CSV's ``latihan`` column on a training server."""
    mark: list[Cell] = [PRACTICE_MARK] if practice else []
    yield [PRACTICE_COLUMN, *columns] if practice else list(columns)
    for record in records:
        values = (record[c] for c in columns)
        yield [*mark, *(v if v is None or isinstance(v, int | float) else safe_cell(v)
                        for v in values)]  # fmt: skip


#: The XLSX's ``pemilihan`` sheet: one row per election, the JSON's fields that are
#: one value each (its stages as ``YYYY-MM-DD`` text, as in the JSON).
ELECTION_COLUMNS = (
    "election_id",
    "election_name",
    "kind",
    "region_code",
    "year",
    "dpt",
    "subregion_level",
    "subregions",
    "rule_set",
    "threshold",
    "threshold_source",
    "spread_required",
    "spread_source",
    "support_start",
    "support_end",
    *views.STAGE_FIELDS,
)

#: The XLSX's ``pasangan`` sheet: one row per pair, with the names the CSV leaves to
#: the JSON and its totals and standing (``threshold_met`` empty: not known yet).
PAIR_COLUMNS = (
    "election_id",
    "election_name",
    "pair_id",
    "pair_number",
    "route",
    "status",
    "head_name",
    "deputy_name",
    *COUNTS,
    "threshold_met",
    "spread_have",
    "spread_met",
    "objections_open",
    "objections_resolved",
)


def _elections(elections: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for e in elections:
        yield {**e, **e["stages"], "election_id": e["id"], "election_name": e["name"]}


def _pairs(elections: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for e in elections:
        for p in e["pairs"]:
            support = p["support"]
            yield {
                **p,
                **support["totals"],
                **{k: support[k] for k in ("threshold_met", "spread_have", "spread_met")},
                "election_id": e["id"],
                "election_name": e["name"],
                "pair_id": p["id"],
                "pair_number": p["number"],
                "objections_open": p["objections"]["open"],
                "objections_resolved": p["objections"]["resolved"],
            }


def open_data_xlsx(
    structure: views.Structure,
    figures: views.Figures,
    updated_at: float,
    *,
    objections: dict[str, tuple[int, int]] | None = None,
    practice: bool = False,
) -> bytes:
    """dukungan.xlsx: the rows of :func:`open_data_rows` (dukungan.csv's) as a workbook,
    for the Excel the CSV fails: one set to Indonesian, whose list separator is ``;``,
    puts each comma-separated row in one column when the CSV is opened by a double
    click (and a ``sep=`` first line would break every other CSV reader).

    Its first sheet, ``dukungan``, is the CSV's table; ``pasangan`` and ``pemilihan``
    add what the CSV leaves to the JSON (pair names, totals and standing; thresholds
    and stages), one row each, from the same :func:`views.open_data`. Text is written
    as text (a code such as ``32.14`` or a long digit string never becomes a number
    or a date), counts as numbers, yes/no as Excel's booleans, the JSON's null as an
    empty cell; the header rows bold and frozen with a filter. A training server's has the CSV's ``latihan`` column and LATIHAN
    in every printed page's header, as the desktop's practice reports have.

    Built in xlsxwriter's constant-memory mode (each row goes to a scratch file as it
    is written, strings inline): xlsxwriter holds one row, however many pairs the
    open data covers (the table itself is :func:`views.open_data`'s, as the CSV's);
    the scratch files hold public data only (the system's temp folder). The
    workbook's date is the figures' last change (``updated_at``), so
    every server process builds the same bytes for the same stamp (one ETag)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    created = datetime.fromtimestamp(updated_at, UTC)
    book.set_properties(
        {
            "title": "Data terbuka dukungan",
            "comments": i18n.STRINGS["open_data_license"][i18n.DEFAULT_LANG],
            "created": created,
        }
    )
    head = book.add_format({"bold": True})
    elections = views.open_data(structure, figures, objections or {})
    tables = (
        ("dukungan", open_data_rows(elections, practice=practice)),
        ("pasangan", _table(PAIR_COLUMNS, _pairs(elections), practice)),
        ("pemilihan", _table(ELECTION_COLUMNS, _elections(elections), practice)),
    )
    for name, rows in tables:
        sheet = book.add_worksheet(name)
        header = next(rows)
        sheet.write_row(0, 0, header, head)
        sheet.freeze_panes(1, 0)
        if practice:
            sheet.set_header(f"&C&B{PRACTICE_MARK}")
        last = 0
        for last, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(last, col, value)
                elif isinstance(value, bool):
                    sheet.write_boolean(last, col, value)
                elif value is not None:
                    sheet.write_number(last, col, value)
        sheet.autofilter(0, 0, last, len(header) - 1)
    book.close()
    return out.getvalue()


#: A training server's first CSV column, and what it says on every row.
PRACTICE_COLUMN = "latihan"
PRACTICE_MARK = i18n.STRINGS["practice"][i18n.DEFAULT_LANG]

#: The open data table's columns: dukungan.csv's and dukungan.xlsx's alike.
CSV_COLUMNS = (
    "election_id",
    "election_name",
    "subregion_level",
    "pair_id",
    "pair_number",
    "round",
    "subregion_code",
    *COUNTS,
)


def _or_404(request: Request, public: Public, lang: str, page: Page | None) -> Response:
    if page is not None:
        return cached(request, page)
    return error_page(request, public, lang, 404)


def error_page(
    request: Request,
    public: Public,
    lang: str,
    status: int,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The public error page (not_found.html) in the page language, with ``status``."""
    missing = public.render("not_found.html", lang, public.stamp(), status=status)
    response = html(request, missing, status=status)
    response.headers.update(headers or {})
    return response


def install_error_pages(app: Any) -> None:
    """Answer a wrong address or method under :data:`PREFIX` with the public error page
    (Indonesian, or the page language) where the app's handler (installed before this)
    answers the sync API's JSON: a citizen following a broken link sees a page in the
    language of the others, never ``{"error": "not_found"}``."""
    api_answer = app.exception_handlers[StarletteHTTPException]

    async def answer(request: Request, exc: Exception) -> Response:
        path = request.url.path
        public_path = path == PREFIX or path.startswith(PREFIX + "/")
        if not (
            isinstance(exc, StarletteHTTPException)
            and exc.status_code in (404, 405)
            and public_path
        ):
            answered: Response = await api_answer(request, exc)
            return answered
        try:
            return await run_in_threadpool(
                error_page, request, of(request), _lang(request), exc.status_code, exc.headers
            )
        except OperationalError as busy:  # the page's stamp unread: as any route says it
            return busy_response(busy)

    app.add_exception_handler(StarletteHTTPException, answer)


# --- Cek dukungan and objections ------------------------------------------------------


#: A public form's largest body (a longer one is read as no form at all).
FORM_MAX_BYTES = 4096


def form_fields(raw: bytes) -> dict[str, str]:
    """A urlencoded form's fields (first value each); a body over 4 KiB is no form."""
    if len(raw) > FORM_MAX_BYTES:
        return {}
    parsed = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=10)
    return {k: v[0].strip() for k, v in parsed.items() if v}


async def _form(request: Request) -> dict[str, str]:
    return form_fields(await request.body())


def _check_page(
    request: Request,
    public: Public,
    lang: str,
    status: int = 200,
    headers: tuple[tuple[bytes, bytes], ...] = encoded.NO_STORE_HEADERS,
    **context: Any,
) -> Response:
    return html(request, public.check_page(lang, **context), status, headers)


@dataclass(frozen=True, slots=True)
class Checked:
    """A submitted NIK check: ``error`` (an i18n key, "" when it was made), its
    ``matches`` (None when not made), the NIK's hash for the logs, and for a check a
    rate limit refused the seconds until it frees (``retry_after``, else 0)."""

    error: str
    matches: list[Match] | None
    nik_hash: str = ""
    retry_after: int = 0

    @property
    def status(self) -> int:
        """429 for a refused check, 400 for a bad NIK or date (or contact), else 200."""
        return 429 if self.retry_after else 400 if self.error else 200

    @property
    def headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The answer's headers: never stored, and a refused check's ``Retry-After``."""
        if not self.retry_after:
            return encoded.NO_STORE_HEADERS
        return (*encoded.NO_STORE_HEADERS, (b"retry-after", str(self.retry_after).encode()))


async def _run_check(public: Public, source: str, form: dict[str, str]) -> Checked:
    """A submitted NIK and birth date checked (or refused)."""
    nik, birth = form.get("nik", ""), birth_date_iso(form.get("birth_date", ""))
    if not valid_nik(nik):
        return Checked("check_bad_nik", None)
    if birth is None:
        return Checked("check_bad_date", None)
    form["birth_date"] = birth  # as read: the objection form and its lookup carry it so
    checker = public.checker()
    now = public.state.config.clock.time()
    # Counting, then the lookup (a refused check looks nothing up): on SQLite right here
    # (a few local reads and one write to the counters' own file, which only this
    # process writes: nothing to wait for; a thread trip would cost more than the
    # work), else in one trip to the checks' threads (network round trips).
    nik_hash = checker.nik_hash(nik)
    try:
        if checker.local:
            matches = checker.check(source, nik, birth, now)
        else:
            loop = asyncio.get_running_loop()
            matches = await loop.run_in_executor(_CHECKS, checker.check, source, nik, birth, now)
    except Limited as limited:
        log.warning("public check refused (rate limit): nik=%s", nik_hash)
        return Checked("check_limited", None, nik_hash, limited.retry_after)
    log.info("public check: nik=%s matches=%d", nik_hash, len(matches))
    return Checked("", matches, nik_hash)


async def answer_check(
    public: Public, source: str, cookie_lang: str | None, form: dict[str, str]
) -> tuple[int, bytes, tuple[tuple[bytes, bytes], ...]]:
    """``(status, page, headers)`` of a submitted check (the routed and the fast lane's)."""
    lang = i18n.pick_lang(form.get("lang"), cookie_lang)
    checked = await _run_check(public, source, form)
    matches = checked.matches
    page = public.check_page(
        lang,
        checked=True,
        error=checked.error,
        matches=matches or [],
        nik=form.get("nik", "") if matches else "",
        birth_date=form.get("birth_date", "") if matches else "",
    )
    return checked.status, page, checked.headers


#: The threads the NIK checks run on (database reads and the counters' writes).
_CHECKS = ThreadPoolExecutor(4, thread_name_prefix="public-check")


def _source(request: Request) -> str:
    return request.client.host if request.client else ""


@router.api_route("/cek", methods=READ)
async def check_form(request: Request) -> Response:
    return _check_page(request, of(request), _lang(request))


@router.post("/cek")
async def check(request: Request) -> Response:
    form = await _form(request)
    status, page, headers = await answer_check(
        of(request), _source(request), request.cookies.get(i18n.COOKIE), form
    )
    return html(request, page, status, headers)


@router.api_route("/keberatan", methods=READ)
async def objection_address(request: Request) -> Response:
    """The objection's answer page lives at ``/keberatan``: its language link
    (``?lang=``) and a reload of its address are GETs, which go to the check form
    (the objection is filed from a check's answer, with the NIK and birth date)."""
    lang = request.query_params.get("lang")
    query = f"?lang={lang}" if lang in i18n.LANGS else ""
    return RedirectResponse(f"{PREFIX}/cek{query}", status_code=303)


@router.post("/keberatan")
async def object_to_support(request: Request) -> Response:
    public = of(request)
    form = await _form(request)
    lang = i18n.pick_lang(form.get("lang"), request.cookies.get(i18n.COOKIE))
    contact = form.get("contact", "")
    source = _source(request)
    checked = await _run_check(public, source, form)
    error, matches, nik_hash = checked.error, checked.matches, checked.nik_hash
    if not error and not objections.valid_contact(contact):
        checked = Checked("object_bad_contact", matches, nik_hash)
        error = checked.error
    filed = answered = already_open = gone = False
    status = checked.status
    target = [m for m in matches or [] if m.pair_id == form.get("pair_id")]
    if not error and target:
        clock = public.state.config.clock
        wait = await run_in_threadpool(public.checker().objection_wait, source, clock.time())
        if wait:
            log.warning("public objection refused (rate limit): nik=%s", nik_hash)
            checked = Checked("check_limited", None, nik_hash, wait)
            return _check_page(
                request, public, lang, checked.status, checked.headers, checked=True,
                error=checked.error,
            )  # fmt: skip
        filing = await run_in_threadpool(
            objections.file,
            public.state.engine,
            target[0].record_id,
            target[0].pair_id,
            contact,
            clock.time(),
            clock.iso(),
        )
        filed = filing is objections.Filing.FILED
        if filed:
            log.info("public objection filed: nik=%s", nik_hash)
            matches = await run_in_threadpool(
                public.checker().lookup,
                form.get("nik", ""),
                form.get("birth_date", ""),
                clock.time(),
            )
        elif filing is objections.Filing.ANSWERED:
            # Answered lately: the page says so and where to go instead; the answer it
            # shows is the check's own (never when it was given).
            log.info("public objection refused (answered lately): nik=%s", nik_hash)
            answered, status = True, 409
        elif filing is objections.Filing.OPEN:
            # One is open for the row: this one is not recorded again, and the page
            # says so (the check's answer below shows it open).
            log.info("public objection not recorded (one open): nik=%s", nik_hash)
            already_open, status = True, 409
        elif filing is objections.Filing.GONE:
            # Withdrawn or deleted since the form was shown (its public copy not yet
            # rebuilt): nothing recorded, and the page says so.
            log.info("public objection not recorded (row gone): nik=%s", nik_hash)
            gone, status = True, 409
    return _check_page(
        request,
        public,
        lang,
        status=status,
        headers=checked.headers,
        checked=True,
        error=error,
        filed=filed,
        answered=answered,
        already_open=already_open,
        gone=gone,
        matches=matches or [],
        nik=form.get("nik", "") if matches else "",
        birth_date=form.get("birth_date", "") if matches else "",
    )
