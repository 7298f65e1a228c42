"""Cek dukungan and "Saya tidak mendukung" against a real server and a real desktop client.

The citizen's NIK check (listed, not listed, wrong birth date: the same answer),
an objection filed, the flag reaching the operator's desktop through a sync
(filter and count of the supporters page queries), the operator's verdict, and
the outcome the citizen then sees.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.storage.supporter_queries import (
    SupporterFilter,
    SupporterQuery,
    objection_count,
)
from sync.server.db import SQLITE_NAME
from tests.integration.public.conftest import PASSWORD, PublicWorld, start_public_world
from tests.integration.sync.conftest import HttpClient
from tests.open_data import xlsx_text


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublicWorld]:
    server, w = start_public_world(
        tmp_path_factory.mktemp("objections"),
        env={"SILON_PUBLIC_CHECKS_PER_NIK": "6", "SILON_PUBLIC_CHECKS_PER_SOURCE": "1000"},
    )
    with server:
        yield w


def check(w: PublicWorld, nik: str, birth: str, **kw: Any) -> Any:
    return w.server.request("POST", "/publik/cek", data={"nik": nik, "birth_date": birth, **kw})


def _object(w: PublicWorld, nik: str, birth: str, **contact: str) -> Any:
    """File a citizen's objection against the independent pair's row of ``nik``."""
    data = {"nik": nik, "birth_date": birth, "pair_id": w.seed.independent_id, **contact}
    return w.server.request("POST", "/publik/keberatan", data=data)


def _contacts(w: PublicWorld) -> list[tuple[str, str]]:
    """(status, contact) of every objection in the server's database."""
    with sqlite3.connect(w.server.data_dir / SQLITE_NAME) as conn:
        return list(conn.execute("SELECT status, contact FROM public_objections"))


def _body(text: str) -> str:
    """The page without its footer (audit head changes with every write)."""
    return text.split("<footer>")[0]


def test_check_answers_listed_and_the_same_page_for_absent_or_wrong_birth_date(
    world: PublicWorld,
) -> None:
    rid, nik, birth, name, address, _status = world.seed.supporters[2]  # BMS
    listed = check(world, nik, birth)
    assert listed.status_code == 200
    assert listed.headers["cache-control"] == "no-store"
    assert 'data-outcome="listed"' in listed.text
    assert "Pemilihan Bupati Purwakarta 2024" in listed.text
    assert "Belum memenuhi syarat (BMS)" in listed.text
    assert name not in listed.text and address not in listed.text
    wrong_date = check(world, nik, "1900-01-01")
    absent = check(world, "3299999999999999", "1900-01-01")
    assert wrong_date.status_code == absent.status_code == 200
    assert 'data-outcome="none"' in wrong_date.text
    assert _body(wrong_date.text) == _body(absent.text)
    assert wrong_date.headers["cache-control"] == absent.headers["cache-control"] == "no-store"
    bad = check(world, "12345", birth)
    assert bad.status_code == 400 and "NIK harus 16 angka" in bad.text


def test_rate_limit_per_nik_then_refused_and_logs_carry_no_nik(world: PublicWorld) -> None:
    nik = "3214999999990001"
    codes = [check(world, nik, "1990-01-01").status_code for _ in range(7)]
    assert codes[:6] == [200] * 6 and codes[6] == 429
    assert "Terlalu banyak pemeriksaan" in check(world, nik, "1990-01-01").text
    assert nik not in world.server.log_text()
    assert "rate limit" in world.server.log_text()


def test_every_refused_check_says_when_to_come_back(world: PublicWorld) -> None:
    """A 429 carries ``Retry-After``: the seconds until the limit's window (600 s by
    default, counted from the NIK's first check) frees, so a browser, a proxy or a
    script waits that long instead of hammering on; none said when. The fast lane's
    check, the routed one (a ``?lang=`` sends it through the app) and the objection
    form answer it alike."""
    nik = "3214999999990002"
    first = [check(world, nik, "1990-01-01") for _ in range(6)]
    assert {r.status_code for r in first} == {200}
    assert all("retry-after" not in r.headers for r in first)
    lane = check(world, nik, "1990-01-01")
    routed = world.server.request(
        "POST", "/publik/cek?lang=en", data={"nik": nik, "birth_date": "1990-01-01"}
    )
    objection = _object(world, nik, "1990-01-01")
    for refused in (lane, routed, objection):
        assert refused.status_code == 429
        assert 540 < int(refused.headers["Retry-After"]) <= 600, refused.headers
        assert refused.headers["cache-control"] == "no-store"


def test_per_source_limit_counts_each_citizen_behind_the_reverse_proxy(tmp_path: Path) -> None:
    """Behind the proxy (127.0.0.1, trusted by default) each forwarded address has its own count."""
    server, w = start_public_world(tmp_path, env={"SILON_PUBLIC_CHECKS_PER_SOURCE": "2"})
    with server:

        def from_(address: str, i: int) -> int:
            nik = f"32149999999900{i:02d}"
            form = {"nik": nik, "birth_date": "1990-01-01"}
            headers = {"X-Forwarded-For": address}
            return w.server.request("POST", "/publik/cek", data=form, headers=headers).status_code

        assert [from_("203.0.113.7", i) for i in range(3)] == [200, 200, 429]
        assert from_("203.0.113.8", 3) == 200  # another citizen: not refused for the first


def test_objection_reaches_the_desktop_and_its_outcome_the_citizen(
    world: PublicWorld, tmp_path: Path
) -> None:
    w = world
    rid, nik, birth, _name, _address, _status = next(r for r in w.seed.supporters if r[5] == "")
    page = check(w, nik, birth).text
    assert 'name="object"' in page
    # Who will see the contact and why, before the citizen leaves one (both languages).
    assert "Hanya KPU yang memverifikasi dukungan ini yang dapat melihatnya" in page
    assert "Kontak dihapus setelah tanggapan Anda ditindaklanjuti." in page
    in_english = check(w, nik, birth, lang="en").text
    assert "Only the KPU office verifying this support can see it" in in_english
    filed = _object(w, nik, birth, contact="0812000111")
    assert filed.status_code == 200 and 'id="object-filed"' in filed.text
    assert 'data-objection="open"' in filed.text
    counts = w.get("/publik/data/pemilihan.json").json()["elections"][0]["pairs"]
    assert {p["id"]: p["objections"]["open"] for p in counts}[w.seed.independent_id] == 1
    assert _contacts(w) == [("open", "0812000111")]  # kept for the follow-up

    desk = HttpClient(tmp_path / "desk", w.server.url, "op3214", w.token)
    try:
        desk.sync()
        engine = desk.db.engine
        assert objection_count(engine, w.seed.independent_id) == 1
        flagged = SupporterQuery(
            engine, w.seed.independent_id, SupporterFilter(objection=True), live_only=True
        )
        rows = flagged.block(0)
        assert [r.id for r in rows] == [rid] and rows[0].public_objection
        # The operator clarifies: the person denies the support (TMS DENIES_SUPPORT).
        desk.repo.update(
            "supporter", rid, {"admin_status": "TMS", "admin_reasons": ["DENIES_SUPPORT"]}
        )
        desk.sync()
        desk.sync()  # the cleared flag comes back by the feed
        assert objection_count(engine, w.seed.independent_id) == 0
    finally:
        desk.close()
    outcome = check(w, nik, birth).text
    assert 'data-objection="resolved"' in outcome
    # The outcome in the citizen's words (the desktop's wording), never an internal code.
    assert re.search(
        r'class="outcome">Tidak memenuhi syarat \(TMS\)</b>: '
        r'<span class="reasons">Menyatakan tidak mendukung \(BA.5-KWK\)</span>',
        outcome,
    )
    assert "DENIES_SUPPORT" not in outcome
    assert _contacts(w) == [("resolved", "")]  # resolved: the contact is erased
    english = check(w, nik, birth, lang="en").text
    assert 'Does not meet (TMS)</b>: <span class="reasons">Denies support (BA.5-KWK)' in english
    pairs = w.get("/publik/data/pemilihan.json").json()["elections"][0]["pairs"]
    mine = next(p for p in pairs if p["id"] == w.seed.independent_id)
    assert mine["objections"] == {"open": 0, "resolved": 1}


def test_no_public_response_or_log_line_holds_a_name_address_or_nik(world: PublicWorld) -> None:
    """Every public page, open data file and check answer, and the server's log."""
    w = world
    secrets = {*w.seed.candidate_niks, "JL. CALON RAHASIA 9", "0812000111"}
    for _rid, nik, _birth, name, address, _s in w.seed.supporters:
        secrets |= {nik, name, address}
    texts = []
    for path in (
        "/publik/",
        "/publik/?lang=en",
        f"/publik/pemilihan/{w.seed.election_id}",
        f"/publik/pasangan/{w.seed.independent_id}",
        f"/publik/pasangan/{w.seed.party_pair_id}",
        "/publik/data/pemilihan.json",
        "/publik/data/dukungan.csv",
        "/publik/data/dukungan.xlsx",
        "/publik/audit-head.json",
        "/publik/cek",
        "/publik/no-such-page",
    ):
        r = w.get(path)
        # A workbook's text is deflated inside its zip: searched in its cells.
        body = xlsx_text(r.content) if path.endswith(".xlsx") else r.text
        texts.append(body + str(r.headers))
    for _rid, nik, birth, _n, _a, _s in w.seed.supporters[:6]:
        for answer in (check(w, nik, birth), check(w, nik, "1900-01-01")):
            # The citizen's own NIK is echoed only inside the objection form's hidden field.
            texts.append(answer.text.replace(f'name="nik" value="{nik}"', ""))
    # Refused input (a NIK one digit short, a bad date) and an objection filed with a
    # contact: the answers and the log lines they make.
    _rid, nik, birth, _n, _a, _s = w.seed.supporters[7]
    for answer in (check(w, nik[:15], birth), check(w, nik, "31-02-1990")):
        assert answer.status_code == 400
        texts.append(answer.text + str(answer.headers))
    filed = _object(w, nik, birth, contact="0812000111")
    assert filed.status_code == 200 and 'id="object-filed"' in filed.text
    texts.append(filed.text.replace(f'name="nik" value="{nik}"', "") + str(filed.headers))
    log = w.server.log_text()
    assert "public check" in log or "rate limit" in log  # the log does speak of checks
    leaked = sorted(s for s in secrets for text in [*texts, log] if s in text)
    assert leaked == []


def test_a_verdict_an_offline_pc_gave_before_the_objection_leaves_it_open(
    world: PublicWorld, tmp_path: Path
) -> None:
    """An office PC verifies a row while offline; meanwhile the citizen objects. When the
    PC syncs, its verdict is kept but the objection stays open (nobody looked at it): the
    citizen still sees it open and the operator now sees the flag. The operator's verdict
    given on the flagged row resolves it."""
    w = world
    rid, nik, birth, _name, _address, _status = [r for r in w.seed.supporters if r[5] == ""][1]
    desk = HttpClient(tmp_path / "desk", w.server.url, "op3214", w.token)
    try:
        desk.sync()
        engine = desk.db.engine
        others = objection_count(engine, w.seed.independent_id)  # other tests' rows
        # Offline: MS given before anybody objected (no sync follows yet).
        desk.repo.update("supporter", rid, {"admin_status": "MS", "admin_reasons": []})
        filed = _object(w, nik, birth)
        assert filed.status_code == 200 and 'data-objection="open"' in filed.text
        desk.sync()
        desk.sync()
        assert 'data-objection="open"' in check(w, nik, birth).text
        record = desk.repo.get("supporter", rid)
        assert record is not None and record["admin_status"] == "MS"
        assert record["public_objection"] is True
        assert objection_count(engine, w.seed.independent_id) == others + 1
        # Now the operator looks at it: the person denies the support.
        desk.repo.update(
            "supporter", rid, {"admin_status": "TMS", "admin_reasons": ["DENIES_SUPPORT"]}
        )
        desk.sync()
        desk.sync()
        assert objection_count(engine, w.seed.independent_id) == others
    finally:
        desk.close()
    outcome = check(w, nik, birth).text
    assert 'data-objection="resolved"' in outcome
    assert 'class="outcome">Tidak memenuhi syarat (TMS)</b>' in outcome


def test_the_operator_keeping_a_verdict_on_a_flagged_row_resolves_its_objection(
    world: PublicWorld, tmp_path: Path
) -> None:
    """The citizen objects against a row the operator had already found MS. After the
    clarification the support stands: the operator gives MS again on that row. Only
    its time changes (or nothing, within the same second), yet it is the verdict on
    the objection, so it resolves it: the desktop names the status it confirms."""
    from silon_desktop.services import verification

    w = world
    rid, nik, birth, _name, _address, _status = [r for r in w.seed.supporters if r[5] == "MS"][2]
    desk = HttpClient(tmp_path / "desk", w.server.url, "op3214", w.token)
    try:
        desk.sync()
        engine = desk.db.engine
        ms = verification.verdict_values("admin", "MS", [], "op3214")
        assert verification.verify(desk.repo, [rid], ms).count == 1
        desk.sync()
        others = objection_count(engine, w.seed.independent_id)  # other tests' rows
        filed = _object(w, nik, birth)
        assert filed.status_code == 200
        desk.sync()
        assert objection_count(engine, w.seed.independent_id) == others + 1
        assert verification.verify(desk.repo, [rid], ms).count == 1  # the same verdict again
        desk.sync()
        desk.sync()
        assert objection_count(engine, w.seed.independent_id) == others
    finally:
        desk.close()
    outcome = check(w, nik, birth).text
    assert 'data-objection="resolved"' in outcome
    assert 'class="outcome">Memenuhi syarat (MS)</b>' in outcome


def test_a_birth_date_typed_day_first_is_read_where_the_browser_has_no_date_picker(
    world: PublicWorld,
) -> None:
    # A browser without <input type="date"> (Opera Mini, old phones) shows a plain text
    # field: a citizen writes the date as Indonesians do, day first.
    _rid, nik, birth, *_ = world.seed.supporters[10]  # no other test of the module uses it
    year, month, day = birth.split("-")
    for typed in (f"{day}-{month}-{year}", f"{day}/{month}/{year}"):
        answer = check(world, nik, typed)
        assert answer.status_code == 200, typed
        assert 'data-outcome="listed"' in answer.text, typed
        # The objection form carries the date as the server reads it.
        assert f'name="birth_date" value="{birth}"' in answer.text
    assert check(world, nik, f"{day}-{month}-{year[2:]}").status_code == 400  # no century
    assert check(world, nik, f"{year}/{day}/{month}").status_code == 400


def test_the_contact_is_read_by_the_office_verifying_the_row_while_the_objection_is_open(
    world: PublicWorld, tmp_path: Path
) -> None:
    """``GET /v1/objections``: the kab/kota verifying the supporter reads the contact the
    citizen left; another kab/kota, its read-only Bawaslu and an anonymous caller are
    refused; once the objection is answered nothing is left to read. The read is in the
    audit log (who, which record), the contact in no log."""
    w = world
    rid, nik, birth, *_ = w.seed.supporters[11]  # no other test of the module uses it
    contact = "warga.keberatan@contoh.id"
    assert _object(w, nik, birth, contact=contact).status_code == 200
    w.server.add_user("op3215", PASSWORD, role="kabkota", region="32.15")
    w.server.add_user("bawaslu3214", PASSWORD, role="bawaslu", region="32.14")
    path = f"/v1/objections?record_id={rid}"
    read = w.server.request("GET", path, w.token)
    assert read.status_code == 200, read.text
    assert [o["contact"] for o in read.json()["objections"]] == [contact]
    for name in ("op3215", "bawaslu3214"):
        other = w.server.request("GET", path, w.server.login(name, PASSWORD))
        assert other.status_code == 403 and contact not in other.text, name
    assert w.server.request("GET", path).status_code == 401
    desk = HttpClient(tmp_path / "desk", w.server.url, "op3214", w.token)
    try:
        desk.sync()
        desk.repo.update(
            "supporter", rid, {"admin_status": "TMS", "admin_reasons": ["DENIES_SUPPORT"]}
        )
        desk.sync()
    finally:
        desk.close()
    answered = w.server.request("GET", path, w.token)
    assert answered.status_code == 200 and answered.json()["objections"] == []
    with sqlite3.connect(w.server.data_dir / SQLITE_NAME) as conn:
        reads = list(
            conn.execute(
                "SELECT username, record_id, after FROM audit WHERE action = ?",
                ("objection_contact_read",),
            )
        )
        everything = " ".join(str(r) for r in conn.execute("SELECT * FROM audit"))
    assert [(u, r) for u, r, _after in reads] == [("op3214", rid)]
    assert contact not in everything and contact not in w.server.log_text()
