"""The public pages, JSON and CSV count a supporter as the desktop's recap counts it
(:func:`silon_desktop.domain.supporters.counted_choices`), on a server as pushes leave
its stored figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from sync.protocol import Mutation, Op
from sync.server.app import create_app
from sync.server.config import Clock, ServerConfig
from sync.server.db import database_url, migrate
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.open_data import xlsx_text
from tests.public_seed import SCOPE, Seed, seed, verdict
from tests.unit.server.test_public_missing_pages import asgi_get

ADMIN = Actor("admin", Role.KPU_RI, "", "test")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    url = database_url(tmp_path, None)
    migrate(url)
    made = create_app(ServerConfig(database_url=url))
    made.state.server.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
    try:
        yield made
    finally:
        made.state.server.engine.dispose()


def get(app: Any, path: str) -> tuple[int, str]:
    """``(status, body)`` of a GET of ``path``, in process (a workbook: its cells)."""
    status, body = asgi_get(app, path)
    if path.endswith(".xlsx"):
        return status, xlsx_text(body)
    return status, body.decode("utf-8")


def push(app: Any, mutations: list[Mutation]) -> None:
    state = app.state.server
    done = apply_batch(state.engine, state.config, ADMIN, str(uuid.uuid4()), mutations)
    assert {r.status.value for r in done} == {"applied"}, done


def _edit(rid: str, version: int, changes: dict[str, Any]) -> Mutation:
    return Mutation(str(uuid.uuid4()), "supporter", rid, SCOPE, Op.UPSERT, version, {
        k: (None, v) for k, v in changes.items()
    })  # fmt: skip


def met_and_backing_another_pair(app: Any) -> Seed:
    """The seed (12 supporters: 6 MS, 2 BMS, 2 TMS, 2 pending), one MS row of it met in
    the field (MS) whose NIK then also backs the other pair (the server flags both)."""
    s = seed(12)
    push(app, s.mutations)
    rid, nik, birth, *_ = next(r for r in s.supporters if r[5] == "MS")
    push(app, [_edit(rid, 1, verdict("MS", "field"))])
    other = Mutation(str(uuid.uuid4()), "supporter", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        k: (None, v) for k, v in {
            "pair_id": s.party_pair_id, "nik": nik, "name": "WARGA LAIN", "birth_date": birth,
            "kecamatan_code": "32.14.01", "kabkota_code": SCOPE, **verdict("MS"),
        }.items()
    })  # fmt: skip
    push(app, [other])
    return s


#: The seed's counts with the row above TMS, as the desktop's dashboard and B.2-KWK count.
COUNTED = {"submitted": 12, "ms": 5, "bms": 2, "tms": 3, "pending": 2}


def page_totals(page: str) -> dict[str, int]:
    """The submission round's total row of the pair page's figures table."""
    section = page.split('id="round-submission"', 1)[1]
    foot = section.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    numbers = [int(n.replace(".", "")) for n in re.findall(r'class="n">([\d.]+)<', foot)]
    return dict(zip(("submitted", "ms", "bms", "tms", "pending"), numbers, strict=True))


def test_a_supporter_met_in_the_field_and_backing_another_pair_is_tms_on_every_public_view(
    app: Any,
) -> None:
    """Field verification ends in MS or TMS: the desktop counts such a row TMS (and the
    NIK check said "tms"), while the pair page, the JSON and the CSV published it BMS,
    stored in the submission round's cell with the round's real BMS."""
    s = met_and_backing_another_pair(app)
    status, page = get(app, f"/publik/pasangan/{s.independent_id}")
    assert status == 200
    assert page_totals(page) == COUNTED
    status, text = get(app, "/publik/data/pemilihan.json")
    (election,) = orjson.loads(text)["elections"]
    pair = next(p for p in election["pairs"] if p["id"] == s.independent_id)
    assert pair["support"]["totals"] == COUNTED
    assert pair["support"]["rounds"][0]["totals"] == COUNTED
    status, text = get(app, "/publik/data/dukungan.csv")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["pair_id"] == s.independent_id]
    assert {n: sum(int(r[n]) for r in rows) for n in COUNTED} == COUNTED


def test_a_pair_not_yet_submitted_is_on_no_public_view_until_it_is(app: Any) -> None:
    """A pair still in preparation ("draft", or no status yet: the desktop's default) has
    not reached KPU: the election page listed it as "Persiapan" with its names and
    figures, the open data published it, and the NIK check named it to its supporters.
    Hidden until it is submitted ("diajukan"; then "ditetapkan" or "ditolak", KPU's
    public decisions); its page answers 404 by key lookups as an unknown id does."""
    from sync.server.public.pages import public_of

    s = seed(3)
    push(app, s.mutations)
    pairs = [
        Mutation(
            str(uuid.uuid4()),
            "pair",
            str(uuid.uuid4()),
            SCOPE,
            Op.UPSERT,
            0,
            {
                k: (None, v)
                for k, v in {
                    "election_id": s.election_id,
                    "number": 3 + i,
                    "route": "perseorangan",
                    "head_name": f"CALON RAHASIA {i}",
                    "deputy_name": "WAKIL RAHASIA",
                    **status,
                }.items()
            },
        )  # fmt: skip
        for i, status in enumerate(({"status": "draft"}, {}))
    ]
    nik, birth = "3214011501900001", "1990-01-15"
    supporter = Mutation(str(uuid.uuid4()), "supporter", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        k: (None, v) for k, v in {
            "pair_id": pairs[0].record_id, "nik": nik, "birth_date": birth,
            "kecamatan_code": "32.14.01", "kabkota_code": SCOPE, **verdict("MS"),
        }.items()
    })  # fmt: skip
    push(app, [*pairs, supporter])
    hidden = [p.record_id for p in pairs]

    def shown() -> dict[str, bool]:
        views = {
            "election": get(app, f"/publik/pemilihan/{s.election_id}")[1],
            "index": get(app, "/publik/")[1],
            "json": get(app, "/publik/data/pemilihan.json")[1],
            "csv": get(app, "/publik/data/dukungan.csv")[1],
            "xlsx": get(app, "/publik/data/dukungan.xlsx")[1],
        }
        out = {name: "CALON RAHASIA" in text or hidden[0] in text for name, text in views.items()}
        out["index"] = "4 pasangan" in views["index"]
        out["page"] = get(app, f"/publik/pasangan/{hidden[0]}")[0] == 200
        out["check"] = bool(public_of(app.state).checker().lookup(nik, birth))
        return out

    assert shown() == dict.fromkeys(
        ("election", "index", "json", "csv", "xlsx", "page", "check"), False
    )
    assert "2 pasangan" in get(app, "/publik/")[1]
    assert get(app, f"/publik/pasangan/{hidden[1]}")[0] == 404
    assert get(app, f"/publik/pasangan/{s.independent_id}")[0] == 200
    submit = [
        Mutation(
            str(uuid.uuid4()), "pair", rid, SCOPE, Op.UPSERT, 1, {"status": (None, "diajukan")}
        )  # fmt: skip
        for rid in hidden
    ]
    push(app, submit)
    assert shown() == dict.fromkeys(
        ("election", "index", "json", "csv", "xlsx", "page", "check"), True
    )


def test_an_objection_resolved_on_such_a_row_has_the_outcome_its_status_counts(app: Any) -> None:
    """A citizen objects; the operator meets the supporter in the field (MS) while the NIK
    also backs another pair. The check page said "status TMS" and, for the objection,
    "resolved: BMS" (the shown verdict under the default rule set): the outcome is the
    counted status, with the reason that makes it so."""
    from sqlalchemy import select

    from sync.server.db import read_tx
    from sync.server.public import objections
    from sync.server.public.pages import public_of
    from sync.server.schema import records

    s = seed(6)
    push(app, s.mutations)
    rid, nik, birth, *_ = next(r for r in s.supporters if r[5] == "MS")
    other = Mutation(str(uuid.uuid4()), "supporter", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        k: (None, v) for k, v in {
            "pair_id": s.party_pair_id, "nik": nik, "birth_date": birth,
            "kecamatan_code": "32.14.01", "kabkota_code": SCOPE, **verdict("MS"),
        }.items()
    })  # fmt: skip
    push(app, [other])
    engine = app.state.server.engine
    assert (
        objections.file(engine, rid, s.independent_id, "", 1.7e9, "2024-05-06T00:00:00Z")
        is objections.Filing.FILED
    )
    with read_tx(engine) as conn:
        version = conn.execute(select(records.c.version).where(records.c.id == rid)).scalar_one()
    push(app, [_edit(rid, version, verdict("MS", "field"))])
    found = public_of(app.state).checker().lookup(nik, birth)  # both pairs list the NIK
    [match] = [m for m in found if m.pair_id == s.independent_id]
    assert (match.objection, match.status) == ("resolved", "tms")
    assert (match.outcome, match.outcome_reasons) == ("TMS", ("DUPLICATE_EXTERNAL",))


def test_a_round_this_program_does_not_know_is_counted_as_shown_never_a_crash() -> None:
    """The figures are rebuilt from every stored record at an upgrade (revision 0020):
    a supporter stored with a round the server's choices no longer hold (an older
    server's input) made the counted verdict raise, and with it the migration."""
    from sync.server.public import figures

    row = {"pair_id": "p", "kecamatan_code": "32.14.01", "admin_status": "BMS",
           "round": "correction_9"}  # fmt: skip
    changed = figures.collect([("supporter", "a", row, False, None, False, SCOPE)])
    assert dict(changed.figures[("p", "correction_9", "32.14.01")]) == {"submitted": 1, "bms": 1}
