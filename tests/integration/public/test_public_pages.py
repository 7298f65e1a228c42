"""The public pages of a real server process: elections, pairs, open data, signed audit head."""

from __future__ import annotations

import csv
import io
import time
import uuid
from email.utils import formatdate
from pathlib import Path

from sync import signing
from tests.integration.public.conftest import NOW, PASSWORD, PublicWorld
from tests.integration.server_process import ServerProcess
from tests.open_data import as_csv_text, csv_rows, xlsx_rows
from tests.public_seed import seed


def test_election_list_and_page_show_stages_threshold_and_pairs(public_world: PublicWorld) -> None:
    w = public_world
    index = w.get("/publik/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert "Pemilihan Bupati Purwakarta 2024" in index.text
    assert f"/publik/pemilihan/{w.seed.election_id}" in index.text
    page = w.get(f"/publik/pemilihan/{w.seed.election_id}")
    assert page.status_code == 200
    text = page.text
    for stage in ("Penyerahan dukungan", "5 Mei 2024", "9 Mei 2024", "Verifikasi faktual selesai"):
        assert stage in text
    assert 'id="threshold">55.045<' in text  # 7.5% of 733,927 rounded up
    assert f"/publik/pasangan/{w.seed.independent_id}" in text
    assert f"/publik/pasangan/{w.seed.party_pair_id}" in text
    assert w.get("/publik/pemilihan/no-such-election").status_code == 404


def test_server_root_leads_to_the_public_pages(public_world: PublicWorld) -> None:
    root = public_world.get("/", allow_redirects=False)
    assert root.status_code in (301, 302, 303, 307, 308)
    assert root.headers["location"] == "/publik/"
    assert "Pemilihan Bupati Purwakarta 2024" in public_world.get("/").text


def test_english_switch_by_query_then_cookie(public_world: PublicWorld) -> None:
    w = public_world
    r = w.get(f"/publik/pemilihan/{w.seed.election_id}", params={"lang": "en"})
    assert "Stages and dates" in r.text and "5 May 2024" in r.text
    assert r.cookies.get("silon_lang") == "en"
    again = w.get(f"/publik/pemilihan/{w.seed.election_id}", cookies={"silon_lang": "en"})
    assert "Stages and dates" in again.text
    assert "Tahapan dan jadwal" in w.get(f"/publik/pemilihan/{w.seed.election_id}").text
    # The switch is named in its own language, and says so (a screen reader reads it so).
    assert (
        '<a class="lang" href="?lang=en" lang="en" hreflang="en">English</a>'
        in w.get("/publik/").text
    )
    assert '<a class="lang" href="?lang=id" lang="id" hreflang="id">Bahasa Indonesia</a>' in (
        w.get("/publik/", params={"lang": "en"}).text
    )


def test_pair_page_documents_figures_table_and_chart(public_world: PublicWorld) -> None:
    w = public_world
    page = w.get(f"/publik/pasangan/{w.seed.independent_id}").text
    assert "Perseorangan" in page
    # Ijazah and SKCK are "sesuai" for both candidates: complete; the others missing.
    assert (
        "<td>Ijazah (paling rendah SLTA)</td><td>Sesuai</td><td>Sesuai</td><td>Lengkap</td>" in page
    )
    assert (
        "<td>NPWP</td><td>Belum diserahkan</td><td>Belum diserahkan</td><td>Belum lengkap</td>"
        in page
    )
    assert page.count("<svg") == 2  # the threshold bar and one chart per round
    assert 'id="ms-total">6<' in page  # 12 supporters cycling MS, MS, BMS, TMS, ""
    party = w.get(f"/publik/pasangan/{w.seed.party_pair_id}").text
    assert "<td>SKCK</td><td>Diserahkan, belum diperiksa</td>" in party
    assert "tidak memerlukan dukungan perseorangan" in party
    # The coalition's figures, grouped as the other counts are (123,456 votes).
    assert '<td>PARTAI CONTOH</td><td class="n">12</td><td class="n">123.456</td>' in party


def test_open_data_json_and_csv_agree_and_follow_pushes(public_world: PublicWorld) -> None:
    w = public_world
    doc = w.get("/publik/data/pemilihan.json").json()
    assert doc["schema"] == "silon-public-1"
    (election,) = doc["elections"]
    pair = next(p for p in election["pairs"] if p["id"] == w.seed.independent_id)
    before = pair["support"]["totals"]
    text = w.get("/publik/data/dukungan.csv").content.decode("utf-8-sig")  # Excel's BOM
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and "election_id" in rows[0]
    assert sum(int(r["ms"]) for r in rows) == before["ms"]
    assert sum(int(r["submitted"]) for r in rows) == before["submitted"]
    # A client holding the current bytes (ETag) gets 304 without them, page and data.
    pair_path = f"/publik/pasangan/{w.seed.independent_id}"
    tags = {}
    data = (
        "/publik/data/pemilihan.json",
        "/publik/data/dukungan.csv",
        "/publik/data/dukungan.xlsx",
    )
    for path in (pair_path, *data):
        first = w.get(path)
        tags[path] = first.headers["etag"]
        again = w.get(path, headers={"If-None-Match": tags[path]})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == tags[path]
    # A pending supporter verified MS moves the figures and the page at once.
    rid = next(r[0] for r in w.seed.supporters if r[5] == "")
    change = {
        "id": str(uuid.uuid4()),
        "entity": "supporter",
        "record_id": rid,
        "scope": "32.14",
        "op": "upsert",
        "base_version": 1,
        "changes": {"admin_status": ["", "MS"]},
    }
    assert w.push([change])[0]["status"] == "applied"
    after = next(
        p for p in w.get("/publik/data/pemilihan.json").json()["elections"][0]["pairs"]
        if p["id"] == w.seed.independent_id
    )["support"]["totals"]  # fmt: skip
    assert after["ms"] == before["ms"] + 1 and after["pending"] == before["pending"] - 1
    page = w.get(f"/publik/pasangan/{w.seed.independent_id}").text
    assert f'id="ms-total">{after["ms"]}<' in page
    # The old tag no longer matches: the new bytes, with a new tag.
    for path, tag in tags.items():
        fresh = w.get(path, headers={"If-None-Match": tag})
        assert fresh.status_code == 200 and fresh.content, path
        assert fresh.headers["etag"] != tag


def test_audit_head_is_signed_and_anchors_audit_verify(public_world: PublicWorld) -> None:
    w = public_world
    head = w.get("/publik/audit-head.json").json()
    key = w.get("/v1/server-key").json()
    assert head["public_key"] == key["public_key"]
    public_key = signing.load_public_key(key["public_key"])
    assert signing.verify(public_key, head["body"], head["signature"])
    forged = {**head["body"], "audit_id": head["body"]["audit_id"] + 1}
    assert not signing.verify(public_key, forged, head["signature"])
    page = w.get("/publik/").text
    assert head["anchor"] in page and head["signature"] in page
    done = w.server.cli("audit", "verify", "--anchor", head["anchor"])
    assert done.returncode == 0, done.stdout + done.stderr
    bad = head["anchor"][:-1] + ("0" if head["anchor"][-1] != "0" else "1")
    assert w.server.cli("audit", "verify", "--anchor", bad, check=False).returncode != 0


def test_a_wrong_public_address_answers_a_page_in_indonesian(public_world: PublicWorld) -> None:
    w = public_world
    for method, path in (("GET", "/publik/tidak-ada"), ("GET", "/publik/data/x.csv")):
        r = w.server.request(method, path)
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/html")
        assert '<html lang="id">' in r.text and "Halaman tidak ditemukan." in r.text
    english = w.get("/publik/tidak-ada", cookies={"silon_lang": "en"})
    assert english.status_code == 404 and "Page not found." in english.text
    wrong = w.server.request("POST", "/publik/")
    assert wrong.status_code == 405 and wrong.headers["content-type"].startswith("text/html")
    assert '<html lang="id">' in wrong.text and "Kembali" in wrong.text
    # The sync API keeps its JSON errors.
    api = w.server.request("GET", "/v1/tidak-ada")
    assert api.status_code == 404 and api.json()["error"] == "not_found"


def test_the_language_link_after_an_objection_leads_to_the_check_page(
    public_world: PublicWorld,
) -> None:
    w = public_world
    # The answer of POST /publik/keberatan links "?lang=en" to its own address.
    answer = w.server.request("POST", "/publik/keberatan", data={"nik": "1", "birth_date": "x"})
    assert 'href="?lang=en"' in answer.text
    r = w.get("/publik/keberatan", params={"lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in r.text and "<h1>Check your support</h1>" in r.text
    assert 'action="/publik/cek"' in r.text


def test_a_training_servers_public_pages_say_latihan(
    public_world: PublicWorld, tmp_path: Path
) -> None:
    # A Bimtek room's server listens on the LAN: its practice election (a real
    # kabupaten's name) must never pass for the real one on its public pages.
    with ServerProcess.start(tmp_path, env={"SILON_SERVER_NOW": NOW}, training=True) as server:
        server.add_user("op3214", PASSWORD, role="kabkota", region="32.14")
        practice = PublicWorld(server, server.login("op3214", PASSWORD), seed(3))
        practice.push([m.to_wire() for m in practice.seed.mutations])
        for path in (
            "/publik/",
            f"/publik/pemilihan/{practice.seed.election_id}",
            f"/publik/pasangan/{practice.seed.independent_id}",
            "/publik/cek",
            "/publik/tidak-ada",
        ):
            text = practice.get(path).text
            title = text.split("<title>", 1)[1].split("</title>", 1)[0]
            assert title.startswith("LATIHAN"), path
            assert 'id="practice"' in text and "bukan data pencalonan sebenarnya" in text, path
        english = practice.get("/publik/", params={"lang": "en"}).text
        assert "<title>PRACTICE" in english
        # Its open data too: the JSON says so in a field, the CSV in a first column
        # (built by the app, then answered by the fast lane from its cache).
        for _twice in range(2):
            doc = practice.get("/publik/data/pemilihan.json").json()
            assert doc["practice"] is True and doc["practice_notice"].startswith("LATIHAN")
            raw = practice.get("/publik/data/dukungan.csv").content.decode("utf-8-sig")
            header, *rows = list(csv.reader(io.StringIO(raw)))
            assert header[0] == "latihan" and rows
            assert {(row[0], len(row)) for row in rows} == {("LATIHAN", len(header))}
            sheet = xlsx_rows(practice.get("/publik/data/dukungan.xlsx").content)
            assert sheet[0] == header and as_csv_text(sheet) == [header, *rows]
    # A real server's pages say nothing of the kind.
    real = public_world.get("/publik/").text
    assert "LATIHAN" not in real and 'id="practice"' not in real
    doc = public_world.get("/publik/data/pemilihan.json").json()
    assert doc["practice"] is False and "practice_notice" not in doc
    raw = public_world.get("/publik/data/dukungan.csv").content.decode("utf-8-sig")
    assert "latihan" not in raw.splitlines()[0] and "LATIHAN" not in raw
    sheet = xlsx_rows(public_world.get("/publik/data/dukungan.xlsx").content)
    assert sheet[0][0] == "election_id" and "LATIHAN" not in str(sheet)


def test_head_answers_each_public_page_as_get_without_the_body(public_world: PublicWorld) -> None:
    # RFC 9110: a server answers HEAD wherever it answers GET (link checkers, `curl -I`,
    # a slow connection asking whether a download changed before fetching it).
    w = public_world
    for path in (
        "/publik/",
        f"/publik/pemilihan/{w.seed.election_id}",
        f"/publik/pasangan/{w.seed.independent_id}",
        "/publik/data/pemilihan.json",
        "/publik/data/dukungan.csv",
        "/publik/data/dukungan.xlsx",
        "/publik/cek",
        "/publik/static/public.css",
        "/publik/audit-head.json",
    ):
        for query in ({}, {"lang": "en"}):
            got = w.get(path, params=query)
            head = w.server.request("HEAD", path, params=query)
            assert head.status_code == 200, (path, query)
            assert head.content == b"", path
            assert head.headers["content-type"] == got.headers["content-type"], path
            assert head.headers.get("etag") == got.headers.get("etag"), path
    assert w.server.request("HEAD", "/publik/tidak-ada").status_code == 404


def test_the_open_data_csv_is_dated_by_its_last_change(public_world: PublicWorld) -> None:
    # The CSV (and the XLSX of its rows) holds no date of its own: its Last-Modified is the figures' last change
    # (the JSON's updated_at), which `curl -R` or wget keep as the saved file's date.
    w = public_world
    updated = w.get("/publik/data/pemilihan.json").json()["updated_at"]
    expected = formatdate(updated, usegmt=True)
    for path in ("/publik/data/dukungan.csv", "/publik/data/dukungan.xlsx"):
        for _twice in range(2):  # built by the app, then answered by the fast lane
            r = w.get(path)
            assert r.headers.get("last-modified") == expected, path
        assert w.server.request("HEAD", path).headers["last-modified"] == expected, path


def test_the_dated_open_data_answers_if_modified_since_with_304(
    public_world: PublicWorld,
) -> None:
    # The CSV and the XLSX send Last-Modified; a client (curl -z, wget -N, a cache) asks
    # again with If-Modified-Since and got the whole file again each time (RFC 9110 13.1.3).
    w = public_world
    updated = w.get("/publik/data/pemilihan.json").json()["updated_at"]
    # A date is sent once the second of the last change has passed (Page.last_modified).
    time.sleep(max(0.0, int(updated) + 1 - time.time()))
    same = formatdate(updated, usegmt=True)
    later = formatdate(updated + 3600, usegmt=True)
    earlier = formatdate(updated - 3600, usegmt=True)
    for path in ("/publik/data/dukungan.csv", "/publik/data/dukungan.xlsx"):
        for _twice in range(2):  # built by the app, then answered by the fast lane
            full = w.get(path)
            assert full.status_code == 200 and full.content, path
            for date in (same, later):
                for method in ("GET", "HEAD"):
                    r = w.server.request(method, path, headers={"If-Modified-Since": date})
                    assert r.status_code == 304 and r.content == b"", (path, method, date)
                    assert r.headers["etag"] == full.headers["etag"], path
                    assert r.headers["last-modified"] == same, path
            # Changed since the date the client holds: the whole file.
            r = w.get(path, headers={"If-Modified-Since": earlier})
            assert r.status_code == 200 and r.content == full.content, path
            # A date that does not parse is ignored.
            r = w.get(path, headers={"If-Modified-Since": "gestern"})
            assert r.status_code == 200 and r.content == full.content, path
            # If-None-Match takes precedence: a tag the client does not hold means the
            # file, whatever the date says; the tag it holds, 304.
            r = w.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": later})
            assert r.status_code == 200 and r.content == full.content, path
            r = w.get(
                path,
                headers={"If-None-Match": full.headers["etag"], "If-Modified-Since": earlier},
            )
            assert r.status_code == 304, path
    # A page without Last-Modified (the JSON, the HTML pages: their ETag alone) is whole.
    for path in ("/publik/data/pemilihan.json", f"/publik/pasangan/{w.seed.independent_id}"):
        r = w.get(path, headers={"If-Modified-Since": later})
        assert r.status_code == 200 and r.content and "last-modified" not in r.headers, path


def test_the_pair_page_names_each_kecamatan_from_the_shipped_region_table(
    public_world: PublicWorld,
) -> None:
    # The server's own region table is empty until an administrator adds names one by
    # one: the public saw bare codes (32.14.02) where the desktop's recap names places.
    page = public_world.get(f"/publik/pasangan/{public_world.seed.independent_id}").text
    table = page.split('<table class="figures">', 1)[1].split("</table>", 1)[0]
    for name in ("Purwakarta", "Campaka", "Jatiluhur"):
        assert f"<td>{name}</td>" in table
    assert "<td>32.14.02</td>" not in table


def test_the_open_data_xlsx_is_the_csvs_table_for_an_excel_set_to_indonesian(
    public_world: PublicWorld,
) -> None:
    # An Excel set to Indonesian (list separator ";") opens the comma-separated CSV in
    # one column: every page links the same table as a workbook, in both languages,
    # answered as a download with the CSV's rows (codes as text, counts as numbers).
    w = public_world
    for lang, hint in (("id", "Tabel yang sama dengan CSV"), ("en", "The same table as the CSV")):
        page = w.get("/publik/", params={"lang": lang}).text
        link = page.split('<a href="/publik/data/dukungan.xlsx"', 1)[1].split("</a>", 1)[0]
        assert 'id="open-data-xlsx"' in link and hint in link and "Excel (XLSX)" in link
    r = w.get("/publik/data/dukungan.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert r.headers["content-disposition"] == 'attachment; filename="dukungan.xlsx"'
    table = csv_rows(w.get("/publik/data/dukungan.csv").content)
    sheet = xlsx_rows(r.content)
    assert len(table) > 1 and as_csv_text(sheet) == table
    code = table[0].index("subregion_code")
    assert {row[code] for row in sheet[1:]} <= {row[code] for row in table[1:]}
    assert all(isinstance(row[code], str) for row in sheet[1:])
    assert all(isinstance(row[table[0].index("ms")], float | int) for row in sheet[1:])
