"""The public fast lane in the real app (in process, straight ASGI calls): cached pages
and the NIK check answered before routing with the same headers, bytes and 304s as the
routed answers; each encoding its own ETag; the language from the cookie; no personal
data in any answer.

Whether an answer came from the lane is seen from the app's side: a routed page asks
``Public.page`` for its bytes and a routed check reads its form through ``pages._form``;
the lanes do neither. ``?lang=`` always takes the routed way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from sync.server.app import create_app
from sync.server.config import Clock, ServerConfig
from sync.server.db import database_url, make_engine, migrate
from sync.server.public import pages
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.open_data import xlsx_text
from tests.public_seed import Seed, seed

NOW = dt.datetime(2024, 5, 6, 3, 0, tzinfo=dt.UTC)
GZ = [(b"accept-encoding", b"gzip, deflate, br")]

XLSX_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        values = [v for k, v in self.headers if k == name]
        return values[0] if values else None

    def text(self) -> str:
        """The body as text; a workbook's (deflated inside its zip) as its cells."""
        raw = gzip.decompress(self.body) if self.header(b"content-encoding") else self.body
        if self.header(b"content-type") == XLSX_TYPE:
            return xlsx_text(raw)
        return raw.decode("utf-8")

    def without_cookie(self) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in self.headers if k != b"set-cookie"]


@dataclass
class World:
    app: Any
    seed: Seed
    routed: list[str]  # what the routed endpoints did: "page" or "form"

    def call(
        self,
        method: str,
        path: str,
        headers: list[tuple[bytes, bytes]] | None = None,
        body: bytes = b"",
        query: bytes = b"",
    ) -> Answer:
        sent: list[dict[str, Any]] = []
        given = False

        async def receive() -> dict[str, Any]:
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        head = [(b"host", b"publik.test"), *(headers or [])]
        if body:
            head += [
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"content-length", str(len(body)).encode()),
            ]
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query, "root_path": "", "headers": head,
            "client": ("203.0.113.7", 40000), "server": ("127.0.0.1", 80),
        }  # fmt: skip
        asyncio.run(self.app(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return Answer(start["status"], list(start["headers"]), body_out)

    def routed_by(self, thunk: Any) -> tuple[Answer, list[str]]:
        """The answer of ``thunk()`` and what the routed endpoints did for it."""
        before = len(self.routed)
        answer = thunk()
        return answer, self.routed[before:]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("fast-lane")
    url = database_url(folder, None)
    migrate(url)
    config = ServerConfig(database_url=url)
    config.clock = Clock(NOW)
    engine = make_engine(url)
    s = seed(12)
    actor = Actor("seed", Role.KPU_RI, "", "seed")
    results = apply_batch(engine, config, actor, "seed", s.mutations)
    assert {r.status.value for r in results} == {"applied"}
    engine.dispose()
    app = create_app(config)
    routed: list[str] = []
    mp = pytest.MonkeyPatch()
    real_page, real_form = pages.Public.page, pages._form

    async def page(self: pages.Public, key: Any, build: Any) -> Any:
        routed.append("page")
        return await real_page(self, key, build)

    async def form(request: Any) -> dict[str, str]:
        routed.append("form")
        return await real_form(request)

    mp.setattr(pages.Public, "page", page)
    mp.setattr(pages, "_form", form)
    mp.setenv("SILON_PUBLIC_CHECKS_PER_SOURCE", "100000")
    mp.setenv("SILON_PUBLIC_CHECKS_PER_NIK", "100000")
    try:
        yield World(app, s, routed)
    finally:
        mp.undo()
        app.state.server.engine.dispose()


def _paths(w: World) -> list[tuple[str, bytes]]:
    """Every cached public path and its content type."""
    return [
        ("/publik/", b"text/html; charset=utf-8"),
        (f"/publik/pemilihan/{w.seed.election_id}", b"text/html; charset=utf-8"),
        (f"/publik/pasangan/{w.seed.independent_id}", b"text/html; charset=utf-8"),
        ("/publik/data/pemilihan.json", b"application/json"),
        ("/publik/data/dukungan.csv", b"text/csv; charset=utf-8"),
        ("/publik/data/dukungan.xlsx", XLSX_TYPE),
    ]


@pytest.mark.parametrize("accept", [[], GZ], ids=["plain", "gzip"])
def test_cached_pages_come_from_the_lane_with_the_routed_answers_bytes_and_headers(
    world: World, accept: list[tuple[bytes, bytes]]
) -> None:
    for path, content_type in _paths(world):
        # ?lang=id takes the routed way every time (it builds the page if needed).
        routed, did = world.routed_by(lambda p=path: world.call("GET", p, accept, query=b"lang=id"))
        assert did == ["page"], path
        fast, did = world.routed_by(lambda p=path: world.call("GET", p, accept))
        assert did == [], path  # the lane answered
        assert fast.status == routed.status == 200, path
        assert fast.body == routed.body and fast.headers == routed.without_cookie(), path
        assert fast.header(b"content-type") == content_type
        assert fast.header(b"content-length") == str(len(fast.body)).encode()
        assert fast.header(b"cache-control") == b"no-cache"
        assert b"Accept-Encoding" in (fast.header(b"vary") or b"")
        if content_type.startswith(b"text/html"):
            assert fast.header(b"vary") == b"Cookie, Accept-Encoding"
            assert fast.header(b"x-content-type-options") == b"nosniff"
            assert b"default-src 'none'" in (fast.header(b"content-security-policy") or b"")
            assert b"frame-ancestors 'none'" in (fast.header(b"content-security-policy") or b"")
        tag = fast.header(b"etag") or b""
        if accept:
            assert fast.header(b"content-encoding") == b"gzip", path
            assert tag.startswith(b'"') and tag.endswith(b'-gz"'), tag
        else:
            assert fast.header(b"content-encoding") is None, path
            assert tag.startswith(b'"') and tag.endswith(b'"') and b"-gz" not in tag, tag


def test_each_encoding_has_its_own_etag_and_304_names_the_variant_held(world: World) -> None:
    path = f"/publik/pemilihan/{world.seed.election_id}"
    world.call("GET", path)  # cached
    plain = world.call("GET", path)
    zipped = world.call("GET", path, GZ)
    plain_tag, gz_tag = plain.header(b"etag") or b"", zipped.header(b"etag") or b""
    assert gz_tag == plain_tag[:-1] + b'-gz"' and gz_tag != plain_tag
    assert gzip.decompress(zipped.body) == plain.body
    for query in (b"", b"lang=id"):  # the lane, then the routed way
        for accept, held, fresh in (
            ([], plain_tag, True),
            (GZ, gz_tag, True),
            (GZ, plain_tag, False),  # holds the plain bytes, would get gzip: not those
            ([], gz_tag, False),
            (GZ, b'"old", ' + gz_tag, True),
            (GZ, b"W/" + gz_tag, True),
        ):
            answer = world.call("GET", path, [*accept, (b"if-none-match", held)], query=query)
            if fresh:
                assert answer.status == 304 and answer.body == b"", (query, accept, held)
                assert answer.header(b"content-length") is None
                assert answer.header(b"etag") == (gz_tag if accept else plain_tag)
            else:
                assert answer.status == 200, (query, accept, held)
                assert answer.body == (zipped.body if accept else plain.body)


def test_language_from_the_query_then_the_cookie_in_the_lane(world: World) -> None:
    path = f"/publik/pemilihan/{world.seed.election_id}"
    switched, did = world.routed_by(lambda: world.call("GET", path, query=b"lang=en"))
    assert did == ["page"] and "Stages and dates" in switched.text()
    assert (switched.header(b"set-cookie") or b"").startswith(b"silon_lang=en;")
    for cookie in (b"silon_lang=en", b"theme=dark; silon_lang=en"):
        english, did = world.routed_by(lambda c=cookie: world.call("GET", path, [(b"cookie", c)]))
        assert did == [] and english.body == switched.body, cookie
        assert english.header(b"set-cookie") is None
    # Only the cookie of that name counts; anything else is Indonesian.
    for cookie in (b"xsilon_lang=en", b"silon_lang=fr", b"silon_lang_x=en"):
        answer, did = world.routed_by(lambda c=cookie: world.call("GET", path, [(b"cookie", c)]))
        assert did == [] and "Tahapan dan jadwal" in answer.text(), cookie


def _check(world: World, nik: str, birth: str, *, query: bytes = b"", **kw: Any) -> Answer:
    body = urlencode({"nik": nik, "birth_date": birth, **kw}).encode()
    return world.call("POST", "/publik/cek", GZ, body, query)


def _main(answer: Answer) -> str:
    return answer.text().split("<footer>")[0]


def test_the_check_in_the_lane_answers_as_the_routed_check(world: World) -> None:
    _rid, nik, birth, name, address, _status = world.seed.supporters[2]  # BMS
    for n, b in ((nik, birth), (nik, "1900-01-01"), ("3299999999999999", "1900-01-01"),
                 ("12345", birth)):  # fmt: skip
        fast, did = world.routed_by(lambda n=n, b=b: _check(world, n, b))
        assert did == []  # the lane answered
        routed, did = world.routed_by(lambda n=n, b=b: _check(world, n, b, query=b"lang=id"))
        assert did == ["form"]
        assert fast.status == routed.status and fast.without_cookie() == routed.without_cookie()
        assert fast.text() == routed.text()
        assert fast.header(b"cache-control") == b"no-store"
        assert fast.header(b"pragma") == b"no-cache"
        assert fast.header(b"referrer-policy") == b"no-referrer"
        assert b"frame-ancestors 'none'" in (fast.header(b"content-security-policy") or b"")
        assert fast.header(b"etag") is None
        assert fast.header(b"content-encoding") == b"gzip"
    listed = _check(world, nik, birth)
    assert listed.status == 200 and 'data-outcome="listed"' in listed.text()
    assert "Belum memenuhi syarat (BMS)" in listed.text()
    assert name not in listed.text() and address not in listed.text()
    wrong, absent = (
        _check(world, nik, "1900-01-01"),
        _check(world, "3299999999999999", "1990-01-01"),
    )
    assert wrong.status == absent.status == 200 and 'data-outcome="none"' in wrong.text()
    assert _main(wrong) == _main(absent) and wrong.headers == absent.headers
    english = _check(world, nik, birth, lang="en")
    assert "Not yet meeting (BMS)" in english.text()
    assert '<html lang="en">' in english.text()
    # A body over 4 KiB is no form, in either lane: the NIK is missing.
    big = urlencode({"nik": nik, "birth_date": birth, "pad": "x" * 5000}).encode()
    for query in (b"", b"lang=id"):
        answer = world.call("POST", "/publik/cek", GZ, big, query)
        assert answer.status == 400 and "NIK harus 16 angka" in answer.text(), query
    form, did = world.routed_by(lambda: world.call("GET", "/publik/cek"))
    assert did == [] and form.status == 200 and 'action="/publik/cek"' in form.text()
    assert form.header(b"cache-control") == b"no-store"


def test_no_lane_answer_holds_a_name_an_address_or_a_nik(world: World) -> None:
    secrets = {*world.seed.candidate_niks, "JL. CALON RAHASIA 9"}
    for _rid, nik, _birth, name, address, _s in world.seed.supporters:
        secrets |= {nik, name, address}
    texts = []
    for accept in ([], GZ):
        for path, _type in _paths(world):
            world.call("GET", path, accept)
            answer, did = world.routed_by(lambda p=path, a=accept: world.call("GET", p, a))
            assert did == []
            texts.append(answer.text() + repr(answer.headers))
    for _rid, nik, birth, _n, _a, _s in world.seed.supporters[:6]:
        for answer in (_check(world, nik, birth), _check(world, nik, "1900-01-01")):
            # The citizen's own NIK is echoed only inside the objection form's hidden field.
            texts.append(
                answer.text().replace(f'name="nik" value="{nik}"', "") + repr(answer.headers)
            )
    leaked = sorted(s for s in secrets for text in texts if s in text)
    assert leaked == []


def test_the_last_update_is_told_in_western_indonesia_time(world: World) -> None:
    """The figures' last update was printed as ``2024-05-06 03:00:01 UTC``: a citizen
    reads the time of the stage deadlines, WIB, in words of their language."""
    path = f"/publik/pemilihan/{world.seed.election_id}"
    indonesian = world.call("GET", path).text()
    assert re.search(r"6 Mei 2024 pukul 10\.00\.\d\d WIB", indonesian), indonesian[-800:]
    english = world.call("GET", path, query=b"lang=en").text()
    assert re.search(r"6 May 2024, 10:00:\d\d WIB \(UTC\+7\)", english)
    assert " UTC<" not in indonesian and " UTC<" not in english
