"""Objection flooding: the NIK encodes the birth date, so anyone holding a leaked NIK
list passes the check and can file "Saya tidak mendukung". Filed again right after
each answer, the same rows were flagged again and the office's verification never
ended. Once answered, a row takes a new objection only after
``objections.quiet_seconds`` (30 days); the refused filing gets a page that says it
was answered and sends the citizen to the KPU office."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from sync.protocol import Mutation, Op
from sync.server.app import create_app
from sync.server.config import Clock, ServerConfig
from sync.server.db import database_url, migrate, read_tx
from sync.server.public import objections
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import public_objections, records
from tests.public_seed import SCOPE, Seed, seed, verdict

ADMIN = Actor("admin", Role.KPU_RI, "", "test")
START = dt.datetime(2024, 5, 6, tzinfo=dt.UTC)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Any, Seed]]:
    url = database_url(tmp_path, None)
    migrate(url)
    app = create_app(ServerConfig(database_url=url))
    app.state.server.config.clock = Clock(START)
    s = seed(6)
    _push(app, s.mutations)
    try:
        yield app, s
    finally:
        app.state.server.engine.dispose()


def _push(app: Any, mutations: list[Mutation]) -> None:
    state = app.state.server
    done = apply_batch(state.engine, state.config, ADMIN, str(uuid.uuid4()), mutations)
    assert {r.status.value for r in done} == {"applied"}, done


def _post(
    app: Any, path: str, form: dict[str, str], client: str = "192.0.2.1"
) -> tuple[int, str, dict[str, str]]:
    """``(status, body, headers)`` of a form POSTed to the app in process from ``client``."""
    body = urlencode(form).encode()
    sent: list[Any] = []
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
             "query_string": b"", "client": (client, 1), "server": ("test", 80),
             "headers": [(b"content-type", b"application/x-www-form-urlencoded"),
                         (b"content-length", str(len(body)).encode())],
             "scheme": "http", "http_version": "1.1", "root_path": "", "app": app}  # fmt: skip

    async def receive() -> Any:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {k.decode(): v.decode() for k, v in sent[0].get("headers", [])}
    return int(sent[0]["status"]), text.decode("utf-8"), headers


def _object(
    app: Any, s: Seed, index: int, lang: str = "id", client: str = "192.0.2.1"
) -> tuple[int, str]:
    _rid, nik, birth, *_ = s.supporters[index]
    form = {"nik": nik, "birth_date": birth, "pair_id": s.independent_id, "lang": lang}
    status, page, _headers = _post(app, "/publik/keberatan", form, client)
    return status, page


def _check(app: Any, s: Seed, index: int) -> str:
    _rid, nik, birth, *_ = s.supporters[index]
    status, page, _headers = _post(app, "/publik/cek", {"nik": nik, "birth_date": birth})
    assert status == 200
    return page


def _answer(app: Any, rid: str) -> None:
    """The operator's verdict on the flagged row (made knowing of the objection)."""
    with read_tx(app.state.server.engine) as conn:
        version = conn.execute(select(records.c.version).where(records.c.id == rid)).scalar_one()
    changes = {k: (None, v) for k, v in verdict("MS").items()}
    _push(app, [Mutation(str(uuid.uuid4()), "supporter", rid, SCOPE, Op.UPSERT, version, changes)])


def _statuses(app: Any, rid: str) -> list[str]:
    with read_tx(app.state.server.engine) as conn:
        rows = conn.execute(
            select(public_objections.c.status)
            .where(public_objections.c.record_id == rid)
            .order_by(public_objections.c.filed_at)
        )
        return [str(r.status) for r in rows]


def test_an_answered_row_refuses_a_new_objection_with_a_page_that_sends_to_the_office(
    world: tuple[Any, Seed],
) -> None:
    app, s = world
    rid = s.supporters[0][0]
    status, page = _object(app, s, 0)  # the citizen's first objection: unaffected
    assert status == 200 and 'id="object-filed"' in page
    assert _statuses(app, rid) == ["open"]
    _answer(app, rid)
    assert _statuses(app, rid) == ["resolved"]
    # The page no longer offers the form for that row.
    assert 'action="/publik/keberatan"' not in _check(app, s, 0)
    # Filed again (a script, past the page): refused, nothing flagged.
    status, page = _object(app, s, 0)
    assert status == 409
    assert 'id="object-answered"' in page and 'id="object-filed"' not in page
    assert "sudah ditindaklanjuti" in page and "kantor KPU kabupaten/kota" in page
    assert 'data-objection="resolved"' in page  # the answer the check already shows
    assert _statuses(app, rid) == ["resolved"]
    with read_tx(app.state.server.engine) as conn:
        flagged = conn.execute(select(records.c.fields).where(records.c.id == rid)).scalar_one()
    assert '"public_objection":false' in flagged.replace(" ", "")
    status, page = _object(app, s, 0, lang="en")
    assert status == 409 and "already followed up" in page and "KPU office" in page
    # Another row is still taken.
    status, page = _object(app, s, 1)
    assert status == 200 and 'id="object-filed"' in page
    assert _statuses(app, s.supporters[1][0]) == ["open"]


def test_the_pause_after_an_answer_ends_after_its_days(world: tuple[Any, Seed]) -> None:
    app, s = world
    rid = s.supporters[0][0]
    assert _object(app, s, 0)[0] == 200
    _answer(app, rid)
    quiet = dt.timedelta(seconds=objections.quiet_seconds())
    assert quiet == dt.timedelta(days=objections.QUIET_DAYS)
    app.state.server.config.clock = Clock(START + quiet - dt.timedelta(minutes=1))
    assert _object(app, s, 0)[0] == 409
    app.state.server.config.clock = Clock(START + quiet + dt.timedelta(minutes=1))
    # The page offers the form again, and the objection is taken.
    assert 'action="/publik/keberatan"' in _check(app, s, 0)
    status, page = _object(app, s, 0)
    assert status == 200 and 'id="object-filed"' in page
    assert _statuses(app, rid) == ["resolved", "open"]


def test_the_pause_is_set_in_days_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SILON_PUBLIC_OBJECTION_QUIET_DAYS", "7")
    assert objections.quiet_seconds() == 7 * 86400
    assert not objections.may_file_again(1000.0, 1000.0 + 7 * 86400 - 1)
    assert objections.may_file_again(1000.0, 1000.0 + 7 * 86400)
    assert objections.may_file_again(None, 0.0)


def test_one_source_files_a_few_objections_an_hour(
    world: tuple[Any, Seed], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many rows flagged from one address (a script walking a leaked list) meet a cap
    on objections filed per source, well under the checks' own limit; a refused
    filing is told when to come back, and other sources are not counted with it."""
    app, s = world
    monkeypatch.setenv("SILON_PUBLIC_OBJECTIONS_PER_SOURCE", "2")
    monkeypatch.setenv("SILON_PUBLIC_OBJECTIONS_WINDOW_SECONDS", "3600")
    assert _object(app, s, 0)[0] == 200
    assert _object(app, s, 1)[0] == 200
    _rid, nik, birth, *_ = s.supporters[2]
    form = {"nik": nik, "birth_date": birth, "pair_id": s.independent_id}
    status, page, headers = _post(app, "/publik/keberatan", form)
    assert status == 429 and 'id="object-filed"' not in page
    assert 3590 <= int(headers["retry-after"]) <= 3600
    assert _statuses(app, s.supporters[2][0]) == []
    assert _object(app, s, 2, client="198.51.100.7")[0] == 200  # another citizen
    app.state.server.config.clock = Clock(START + dt.timedelta(seconds=3601))
    assert _object(app, s, 3)[0] == 200  # the window over


def test_a_row_with_an_open_objection_answers_a_second_filing_with_a_page_saying_so(
    world: tuple[Any, Seed],
) -> None:
    # Filed again while the first is open (a second tab, the back button, someone else
    # holding the NIK): the page was the check's answer alone, with no word about the
    # filing just sent, so the citizen could not tell whether it was received.
    app, s = world
    rid = s.supporters[0][0]
    status, page = _object(app, s, 0)
    assert status == 200 and 'id="object-filed"' in page
    status, page = _object(app, s, 0)
    assert status == 409
    assert 'id="object-already-open"' in page and 'id="object-filed"' not in page
    assert "Tanggapan atas dukungan ini sudah diterima dan sedang ditindaklanjuti" in page
    assert 'data-objection="open"' in page
    status, page = _object(app, s, 0, lang="en")
    assert status == 409 and 'id="object-already-open"' in page
    assert "An objection against this support was already received" in page
    assert _statuses(app, rid) == ["open"]  # one objection, nothing new flagged


def test_a_row_withdrawn_while_the_citizen_files_gets_a_page_saying_so(
    world: tuple[Any, Seed],
) -> None:
    # The row was there when the form was shown and gone (withdrawn, deleted) when the
    # objection arrived: the page was the check's answer alone, no word about the filing.
    app, s = world
    rid = s.supporters[0][0]
    state = app.state.server
    with state.engine.begin() as conn:  # the race: the record gone, its public copy not yet
        conn.execute(records.update().where(records.c.id == rid).values(deleted=True))
    status, page = _object(app, s, 0)
    assert status == 409
    assert 'id="object-gone"' in page and 'id="object-filed"' not in page
    assert "sudah tidak tercatat" in page
    status, page = _object(app, s, 0, lang="en")
    assert status == 409 and "is no longer on record" in page
    assert _statuses(app, rid) == []  # nothing recorded
