"""The public open data (pemilihan.json, dukungan.csv, dukungan.xlsx) as the public
opens it: in Excel on a Windows PC, under a stated reuse statement."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator

import orjson
import pytest

from sync.server.public import i18n, views
from sync.server.public.figures import COUNTS
from sync.server.public.pages import (
    CSV_COLUMNS,
    ELECTION_COLUMNS,
    PAIR_COLUMNS,
    Public,
    open_data_csv,
    open_data_xlsx,
)
from tests.open_data import as_csv_text, csv_rows, xlsx_rows
from tests.unit.server.support import fresh_state

#: An election name with letters outside ASCII, as operators type them.
NAME = "Pemilihan Wali Kota Baubau – Sulawesi Tenggara (Tjoet Nja’ Dhien, André)"


def _structure() -> views.Structure:
    return views.Structure(
        elections={"e": {"id": "e", "name": NAME, "kind": "walikota"}},
        pairs={"p": {"id": "p", "election_id": "e", "number": 1, "route": "perseorangan"}},
    )


def _figures() -> views.Figures:
    cell = {"submitted": 3, "ms": 2, "bms": 1, "tms": 0, "pending": 0}
    return {"p": {"submission": {"74.72.01": cell}}}


@pytest.fixture
def public() -> Iterator[Public]:
    with fresh_state() as server:
        yield Public(server)


def test_the_csv_begins_with_a_utf8_bom_so_excel_reads_its_names() -> None:
    """Excel on Windows (what KPU offices and journalists open a CSV with) reads a CSV
    without a byte-order mark in the PC's ANSI code page (Windows-1252): "Baubau –"
    showed as "Baubau â€“". With the UTF-8 BOM it reads UTF-8, as it does the desktop's
    own CSV templates (``reports.templates``). A reader that decodes ``utf-8-sig`` (or
    pandas) sees the same columns as before."""
    raw = open_data_csv(_structure(), _figures())
    assert raw.startswith(codecs.BOM_UTF8)
    assert raw.count(codecs.BOM_UTF8) == 1  # once, not before every row
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1][1] == NAME and rows[1][CSV_COLUMNS.index("ms")] == "2"
    # What Excel would have shown without the mark: the name broken.
    assert raw[3:].decode("cp1252", "replace") != raw[3:].decode("utf-8")


def test_the_open_data_says_it_may_be_reused_with_attribution(public: Public) -> None:
    """The JSON and every public page say under which terms the data is given: public
    information (UU 14/2008), reusable with attribution to KPU."""
    doc = orjson.loads(public.open_data_json(public.stamp()))
    assert doc["license"] == i18n.STRINGS["open_data_license"]["id"]
    assert "UU 14/2008" in doc["license"] and "KPU" in doc["license"]
    for lang in i18n.LANGS:
        page = public.check_page(lang).decode("utf-8")
        assert f'<p id="license">{i18n.STRINGS["open_data_license"][lang]}</p>' in page


def test_a_training_servers_csv_marks_every_row_latihan_and_still_parses() -> None:
    """A Bimtek room's figures bear a real kabupaten's name: each row of its CSV says
    LATIHAN in a first column (a comment line would be read as the header by
    ``csv.DictReader`` and Excel alike, and a row copied out of the sheet would lose
    it), and every reader still parses the file as a table of equal rows."""
    real = open_data_csv(_structure(), _figures())
    practice = open_data_csv(_structure(), _figures(), practice=True)
    header, *rows = list(csv.reader(io.StringIO(practice.decode("utf-8-sig"))))
    assert header == ["latihan", *CSV_COLUMNS]
    assert rows and all(row[0] == "LATIHAN" and len(row) == len(header) for row in rows)
    by_name = list(csv.DictReader(io.StringIO(practice.decode("utf-8-sig"))))
    assert [(r["latihan"], r["election_name"], r["ms"]) for r in by_name] == [
        ("LATIHAN", NAME, "2")
    ]
    # The real server's columns are as they were.
    assert next(csv.reader(io.StringIO(real.decode("utf-8-sig")))) == list(CSV_COLUMNS)


def test_a_training_servers_json_says_practice(public: Public) -> None:
    """The JSON of a training server says ``practice: true`` with the pages' LATIHAN
    sentence beside it; a real server's says ``practice: false``."""
    real = orjson.loads(public.open_data_json(public.stamp()))
    assert real["practice"] is False and "practice_notice" not in real
    public.state.config.training = True
    doc = orjson.loads(public.open_data_json(public.stamp()))
    assert doc["practice"] is True
    assert doc["practice_notice"] == i18n.STRINGS["practice_banner"]["id"]


def _many() -> tuple[views.Structure, views.Figures]:
    """Two elections, one of a province (sub-regions are kab/kota codes such as
    ``32.14``), pairs with and without a number, names a spreadsheet would take for a
    formula, ids of digits only (a NIK-like string with a leading zero)."""
    structure = views.Structure(
        elections={
            "0032140000000001": {"id": "0032140000000001", "name": NAME, "kind": "walikota"},
            "g": {"id": "g", "name": '=HYPERLINK("x")', "kind": "gubernur", "region_code": "32"},
        },
        pairs={
            "p": {"id": "p", "election_id": "0032140000000001", "number": 1},
            "3214011501900001": {"id": "3214011501900001", "election_id": "g", "number": None},
        },
    )
    cell = {"submitted": 1234567, "ms": 2, "bms": 1, "tms": 0, "pending": 1234564}
    figures: views.Figures = {
        "p": {"submission": {"74.72.01": cell}, "correction_1": {"": cell}},
        "3214011501900001": {"submission": {"32.14": cell, "32.01": cell}},
    }
    return structure, figures


def test_the_xlsx_holds_the_csvs_rows_with_codes_as_text_and_counts_as_numbers() -> None:
    """dukungan.xlsx is for the Excel dukungan.csv fails (one set to Indonesian reads
    ``;`` as the list separator: the CSV lands in one column). Read back by
    python-calamine it gives exactly the CSV's rows: the same header and values, the
    codes and digit-only ids as text (``32.14`` never a number 32.14, a leading zero
    kept), the counts as numbers a sheet adds up, a formula-like name as the CSV's
    neutral text."""
    structure, figures = _many()
    csv_table = csv_rows(open_data_csv(structure, figures))
    sheet = xlsx_rows(open_data_xlsx(structure, figures, 1714964400.0))
    assert len(csv_table) == 5 and as_csv_text(sheet) == csv_table
    header, *rows = sheet
    assert header == list(CSV_COLUMNS)
    counts = [CSV_COLUMNS.index(n) for n in COUNTS]
    number = CSV_COLUMNS.index("pair_number")
    for row in rows:
        assert all(isinstance(row[i], float | int) for i in counts), row
        texts = [v for i, v in enumerate(row) if i not in counts and i != number]
        assert all(isinstance(v, str) for v in texts), row
        assert row[number] in (1, "")  # a pair without a number: an empty cell
    codes = {row[CSV_COLUMNS.index("subregion_code")] for row in rows}
    assert codes == {"74.72.01", "", "32.14", "32.01"}
    ids = {row[0] for row in rows} | {row[CSV_COLUMNS.index("pair_id")] for row in rows}
    assert {"0032140000000001", "3214011501900001"} <= ids
    assert '\'=HYPERLINK("x")' in {row[1] for row in rows}


def test_a_training_servers_xlsx_marks_every_row_latihan_and_each_server_builds_its_bytes() -> None:
    """A Bimtek room's workbook has the CSV's ``latihan`` column (LATIHAN on every row)
    and LATIHAN on every printed page; a real server's has neither. The workbook's
    date is the figures' last change, never the time it was built: two server
    processes answer the same stamp (one ETag) with the same bytes."""
    structure, figures = _many()
    practice = open_data_xlsx(structure, figures, 1714964400.0, practice=True)
    header, *rows = xlsx_rows(practice)
    assert header == ["latihan", *CSV_COLUMNS]
    assert rows and {(row[0], len(row)) for row in rows} == {("LATIHAN", len(header))}
    assert as_csv_text([header, *rows]) == csv_rows(
        open_data_csv(structure, figures, practice=True)
    )
    with zipfile.ZipFile(io.BytesIO(practice)) as book:
        assert "&amp;C&amp;BLATIHAN" in book.read("xl/worksheets/sheet1.xml").decode()
        assert "2024-05-06T03:00:00Z" in book.read("docProps/core.xml").decode()
    real = open_data_xlsx(structure, figures, 1714964400.0)
    assert "LATIHAN" not in str(xlsx_rows(real))
    with zipfile.ZipFile(io.BytesIO(real)) as book:
        assert "LATIHAN" not in book.read("xl/worksheets/sheet1.xml").decode()


def test_the_xlsx_adds_the_pairs_names_and_the_elections_thresholds_the_csv_leaves_to_the_json() -> (
    None
):
    """The CSV names a pair by its id and number alone: a journalist in Excel had to
    read the JSON for who the pair is. The workbook's ``pasangan`` sheet has one row
    per pair with its names, totals and standing, ``pemilihan`` one per election with
    its threshold and stages: the JSON's values (yes/no as booleans, null as an
    empty cell, a name that looks like a formula as the CSV's neutral text)."""
    structure, figures = _many()
    structure.pairs["p"].update(head_name="@ANDI", deputy_name="BUDI", status="diajukan")
    structure.elections["0032140000000001"].update(dpt=733927, support_start="2024-05-05")
    body = open_data_xlsx(structure, figures, 1714964400.0, objections={"p": (2, 1)})
    doc = {e["id"]: e for e in views.open_data(structure, figures, {"p": (2, 1)})}
    header, *pairs = xlsx_rows(body, "pasangan")
    assert header == list(PAIR_COLUMNS) and len(pairs) == 2
    by_id = {row[header.index("pair_id")]: dict(zip(header, row, strict=True)) for row in pairs}
    p = by_id["p"]
    assert (p["head_name"], p["deputy_name"], p["status"]) == ("'@ANDI", "BUDI", "diajukan")
    assert (p["election_name"], p["pair_number"]) == (NAME, 1)
    json_pair = doc["0032140000000001"]["pairs"][0]
    assert {n: p[n] for n in COUNTS} == json_pair["support"]["totals"]
    assert (p["objections_open"], p["objections_resolved"]) == (2, 1)
    assert p["threshold_met"] is json_pair["support"]["threshold_met"] is False
    assert by_id["3214011501900001"]["pair_number"] == ""  # the JSON's null
    header, *elections = xlsx_rows(body, "pemilihan")
    assert header == list(ELECTION_COLUMNS) and len(elections) == 2
    e = next(dict(zip(header, r, strict=True)) for r in elections if r[0] == "0032140000000001")
    assert (e["election_name"], e["dpt"], e["support_start"]) == (NAME, 733927, "2024-05-05")
    assert e["threshold"] == doc["0032140000000001"]["threshold"] and e["threshold"] > 0
    assert isinstance(e["threshold"], float | int) and e["kind"] == "walikota"
    practice = open_data_xlsx(structure, figures, 1714964400.0, practice=True)
    for sheet in ("pasangan", "pemilihan"):
        head, *rows = xlsx_rows(practice, sheet)
        assert head[0] == "latihan" and {r[0] for r in rows} == {"LATIHAN"}, sheet
