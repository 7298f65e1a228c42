"""Rows read a column at a time (``RowParser.parse_many``) read exactly as one by one."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from silon_desktop.importers.columns import ColumnMapping
from silon_desktop.importers.rows import RowParser
from tests.unit.importers.sheets import supporter_rows

REF = dt.date(2024, 5, 12)
#: NO, NIK, NAMA, TEMPAT LAHIR, TANGGAL LAHIR, JK, STATUS, PEKERJAAN, ALAMAT, RT, RW, DESA, KEC
COLUMNS = {
    "nik": 1,
    "name": 2,
    "birth_place": 3,
    "birth_date": 4,
    "sex": 5,
    "marital_status": 6,
    "occupation": 7,
    "address": 8,
    "rt": 9,
    "rw": 10,
    "desa": 11,
    "kecamatan": 12,
}

#: Cells as people and spreadsheet programs give them, hostile ones included: the
#: cells a number equals (True == 1 == 1.0), text cut to fit, unreadable dates.
CELLS: list[Any] = [
    "",
    " ",
    None,
    True,
    False,
    0,
    1,
    1.0,
    0.0,
    3,
    12.0,
    31276,
    31276.0,
    "3214012801550002",
    "3214016408770003 ",
    "32140164087700031234567890123456789",
    3214012801550002,
    3214012801550002.0,
    "Siti Aminah",
    "  Siti  Aminah ",
    "Siti\tAminah",
    "Sïti Ämïnah",
    "X" * 250,
    "Jl. " + "Panjang " * 80,
    "Purwakarta",
    "Nagri Kidul",
    "Campaka",
    "28-01-1955",
    "31-02-1980",
    "17 Agustus 1985",
    "1985-08-17",
    "bukan tanggal",
    dt.date(1985, 8, 17),
    dt.datetime(1985, 8, 17, 0, 0),
    "L",
    "P",
    "Laki-laki",
    "X",
    "B",
    "S",
    "Kawin",
    "Petani",
    "001",
    "3",
    "12345",
    "RT 5",
    "\u202eevil",
]


def _spoiled_rows(rng: random.Random, count: int) -> list[list[Any]]:
    """Valid rows with a few cells spoiled, some cut short or made longer."""
    rows = []
    for base in supporter_rows(count, seed=rng.randrange(1000)):
        cells: list[Any] = [*base, "", ""][: rng.choice((15, 15, 15, 13, 11, 3))]
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            at = rng.randrange(15)
            if at < len(cells):
                cells[at] = rng.choice(CELLS)
        rows.append(cells)
    return rows


def _fields(parsed: Any) -> tuple[Any, ...]:
    return (
        parsed.row,
        parsed.nik_raw,
        [(k, v, type(v)) for k, v in parsed.values.items()],
        parsed.desa,
        parsed.kecamatan,
        parsed.kabkota,
        parsed.unreadable,
        parsed.truncated,
        parsed.impossible,
    )


@pytest.mark.parametrize("seed", range(20))
def test_a_batch_reads_as_its_rows_one_by_one(seed: int) -> None:
    rng = random.Random(seed)
    mapping = ColumnMapping("S", [1], 2, dict(COLUMNS))
    by_column, by_row = RowParser(mapping, REF), RowParser(mapping, REF)
    number = 2
    for _ in range(20):  # one parser over many batches: its memos carry over
        batch = _spoiled_rows(rng, rng.randrange(1, 60))
        numbered = [(number + i, cells) for i, cells in enumerate(batch)]
        number += len(batch)
        many = by_column.parse_many(numbered)
        one = [by_row.parse(n, cells) for n, cells in numbered]
        assert list(map(_fields, many)) == list(map(_fields, one))


def test_combined_columns_are_read_row_by_row() -> None:
    columns = {"nik": 0, "name": 1, "birth_place_date": 2, "rt_rw": 3}
    parser = RowParser(ColumnMapping("S", [1], 2, columns), REF)
    [parsed] = parser.parse_many([(2, ["3214012801550002", "Siti", "Bandung, 17-08-1985", "3/5"])])
    assert parsed.values["birth_place"] == "Bandung"
    assert parsed.values["birth_date"] == dt.date(1985, 8, 17)
    assert (parsed.values["rt"], parsed.values["rw"]) == ("003", "005")


def _combined(cell: Any, rt_rw: Any = "") -> Any:
    columns = {"nik": 0, "name": 1, "birth_place_date": 2, "rt_rw": 3}
    parser = RowParser(ColumnMapping("S", [1], 2, columns), REF)
    return parser.parse(2, ["3214012801550002", "Siti", cell, rt_rw])


@pytest.mark.parametrize(
    ("cell", "place", "date"),
    [
        ("Bandung 17-08-1985", "Bandung", dt.date(1985, 8, 17)),
        ("Bandung, 17-08-1985", "Bandung", dt.date(1985, 8, 17)),
        ("Bandung,17/08/1985", "Bandung", dt.date(1985, 8, 17)),
        ("BANDUNG 17 AGUSTUS 1985", "BANDUNG", dt.date(1985, 8, 17)),
        ("Kota Baru, Bandung 17-08-85", "Kota Baru, Bandung", dt.date(1985, 8, 17)),
        ("Tanjung Pinang 17 08 1985", "Tanjung Pinang", dt.date(1985, 8, 17)),
        # a place name with digits keeps them: the date is what ends the cell
        ("SP 3 17-08-1985", "SP 3", dt.date(1985, 8, 17)),
        ("Koto 2 17 Agustus 1985", "Koto 2", dt.date(1985, 8, 17)),
    ],
)
def test_a_combined_birth_cell_is_a_place_then_a_date(cell: str, place: str, date: dt.date) -> None:
    parsed = _combined(cell)
    assert (parsed.values["birth_place"], parsed.values["birth_date"]) == (place, date)
    assert parsed.unreadable == []


@pytest.mark.parametrize("cell", ["SP 2", "Blok 1 2 3", "Kampung 12", "Desa 31276"])
def test_a_place_ending_in_a_number_is_not_read_as_a_date(cell: str) -> None:
    parsed = _combined(cell)
    assert parsed.values["birth_date"] is None
    assert parsed.unreadable == ["birth_date"]


def test_a_combined_birth_cell_with_a_day_that_does_not_exist_names_it() -> None:
    parsed = _combined("Bandung 31-02-1985")
    assert parsed.values["birth_place"] == "Bandung"
    assert (parsed.unreadable, parsed.impossible) == (["birth_date"], ("birth_date",))


@pytest.mark.parametrize(
    "cell",
    [
        "003/005",
        "3/5",
        "RT 03/RW 05",
        "RT.03 RW.05",
        "RT 3 RW 5",
        "rt03/rw05",
        "RT/RW 003/005",
        "RT/RW: 3 / 5",
        "RW 05 RT 03",
        "003 005",
        "003-005",
    ],
)
def test_a_combined_rt_rw_cell_gives_both(cell: str) -> None:
    parsed = _combined("Bandung, 17-08-1985", cell)
    assert (parsed.values["rt"], parsed.values["rw"], parsed.truncated) == ("003", "005", [])


@pytest.mark.parametrize(("rt", "rw"), [("RT 3", "RW 5"), ("RT.003", "RW.005"), ("rt:3", "rw: 05")])
def test_an_rt_or_rw_cell_with_its_label_gives_the_number(rt: str, rw: str) -> None:
    columns = {"nik": 0, "name": 1, "rt": 2, "rw": 3}
    parser = RowParser(ColumnMapping("S", [1], 2, columns), REF)
    parsed = parser.parse(2, ["3214012801550002", "Siti", rt, rw])
    assert (parsed.values["rt"], parsed.values["rw"], parsed.truncated) == ("003", "005", [])
