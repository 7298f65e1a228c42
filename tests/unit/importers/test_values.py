"""Cell values as people type them: dates, sex, marital status, NIK cells, hostile text."""

from __future__ import annotations

import datetime as dt

import pytest

from silon_desktop.importers.values import (
    clean_text,
    nik_from_cell,
    parse_date,
    parse_marital,
    parse_sex,
)

REF = dt.date(2024, 5, 12)
AUG17 = dt.date(1985, 8, 17)


@pytest.mark.parametrize(
    "cell",
    [
        "17-08-1985",
        "17/08/1985",
        "17.08.1985",
        "1985-08-17",
        "17 Agustus 1985",
        "17 agustus 1985",
        "17-Agu-1985",
        "17 Agt 1985",
        "17 August 1985",
        "17-08-85",
        "17081985",
        "1985-08-17T00:00:00",
        "1985-08-17 00:00:00",
        31276.0,  # Excel serial number
        31276,
        "31276",
        dt.datetime(1985, 8, 17, 0, 0),
        AUG17,
        " 17 - 08 - 1985 ",
    ],
)
def test_dates_in_every_common_form(cell: object) -> None:
    assert parse_date(cell, REF) == AUG17


@pytest.mark.parametrize(
    "cell", ["17/08/1985 0:00", "17-08-1985 00:00:00", "17/08/1985 00.00", "17 Agustus 1985 0:00"]
)
def test_a_day_with_the_midnight_a_spreadsheet_wrote_after_it_is_that_day(cell: str) -> None:
    """A date-and-time cell saved as text by Excel ("17/08/1985 0:00", as a CSV export
    writes it) was unreadable unless it began with the year."""
    assert parse_date(cell, REF) == AUG17


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("17 Mrt 1985", dt.date(1985, 3, 17)),
        ("17-Mrt-85", dt.date(1985, 3, 17)),
        ("17 Agus 1985", AUG17),
        ("17 Pebr 1985", dt.date(1985, 2, 17)),
        ("17 Febr. 1985", dt.date(1985, 2, 17)),
    ],
)
def test_dates_with_the_other_indonesian_month_abbreviations(cell: str, day: dt.date) -> None:
    """ "Mrt" (Maret), "Agus", "Pebr"/"Febr" are Indonesian abbreviations beside "Mar",
    "Agt", "Peb": each left the date unreadable and the row a missing field (BMS)."""
    assert parse_date(cell, REF) == day


@pytest.mark.parametrize(
    "cell",
    [
        "Sabtu, 17 Agustus 1985",  # Excel's long date in the Indonesian locale, saved as text
        "SABTU, 17 AGUSTUS 1985",
        "Sabtu 17-08-1985",
        "sabtu,17/08/1985",
        "Saturday, 17 August 1985",
        "Sabtu, 17 Agustus 1985 0:00",
    ],
)
def test_a_date_written_after_its_day_of_the_week_is_read(cell: str) -> None:
    """A birth date with its weekday in front ("Sabtu, 17 Agustus 1985": Excel's long
    date format in the Indonesian locale, as a CSV export writes it) was unreadable,
    and the row a missing field (BMS) for a date written out in full."""
    assert parse_date(cell, REF) == AUG17


@pytest.mark.parametrize(
    "cell", ["Senin, 17 Agustus 1985", "Minggu 17-08-1985", "Kemarin, 17-08-1985"]
)
def test_a_weekday_that_is_not_the_dates_leaves_it_unread(cell: str) -> None:
    """17 August 1985 was a Saturday: a row naming another day says two things, and
    neither is taken for the other."""
    assert parse_date(cell, REF) is None


@pytest.mark.parametrize(
    "cell", ["", None, "31-02-1990", "kemarin", "17-13-1985", "00-00-0000", 10**9, True, "1e5"]
)
def test_unreadable_dates_give_none(cell: object) -> None:
    assert parse_date(cell, REF) is None


@pytest.mark.parametrize("cell", [1985, 1985.0, "1985", " 1985 ", 2001])
def test_a_birth_year_alone_is_no_date(cell: object) -> None:
    """Only the year typed was read as an Excel serial number: 1985 became 7 June 1905,
    stored as the birth date and reported as disagreeing with the NIK instead of
    unreadable."""
    assert parse_date(cell, REF) is None


def test_two_digit_years_never_land_after_the_reference_date() -> None:
    assert parse_date("01-01-10", REF) == dt.date(2010, 1, 1)
    assert parse_date("01-01-30", REF) == dt.date(1930, 1, 1)
    # The year of the reference date itself: its month and day decide (REF: 12 May 2024).
    assert parse_date("12-05-24", REF) == dt.date(2024, 5, 12)
    assert parse_date("13-05-24", REF) == dt.date(1924, 5, 13)
    assert parse_date("15-12-24", REF) == dt.date(1924, 12, 15)  # not a birth to come
    assert parse_date("15 Desember 24", REF) == dt.date(1924, 12, 15)
    assert parse_date("5 Januari 24", REF) == dt.date(2024, 1, 5)


@pytest.mark.parametrize(
    ("cell", "sex"),
    [
        ("L", "L"),
        ("l", "L"),
        ("Laki-laki", "L"),
        ("LAKI LAKI", "L"),
        ("pria", "L"),
        ("P", "P"),
        ("Perempuan", "P"),
        ("WANITA", "P"),
        (" p ", "P"),
        ("X", None),
        ("", None),
    ],
)
def test_sex_as_letters_or_words(cell: str, sex: str | None) -> None:
    assert parse_sex(cell) == sex


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("B", "B"),
        ("Belum Kawin", "B"),
        ("S", "S"),
        ("Kawin", "S"),
        ("Sudah Menikah", "S"),
        ("P", "P"),
        ("Cerai Hidup", "P"),
        ("janda", "P"),
        ("KAWIN TERCATAT", "S"),
        ("Kawin Belum Tercatat", "S"),
        ("CERAI HIDUP TERCATAT", "P"),
        ("Cerai Hidup Belum Tercatat", "P"),
        ("BELUM NIKAH", "B"),
        ("?", None),
    ],
)
def test_marital_status_as_codes_or_words(cell: str, status: str | None) -> None:
    assert parse_marital(cell) == status


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("Blm Kawin", "B"),
        ("BLM. KAWIN", "B"),
        ("Blm Menikah", "B"),
        ("TK", "B"),
        ("Sdh Kawin", "S"),
        ("SDH MENIKAH", "S"),
        ("Cerai Hdp", "P"),
        ("Cerai Mt", "P"),
        ("CH", "P"),
        ("CM", "P"),
    ],
)
def test_marital_status_in_the_usual_abbreviations(cell: str, status: str) -> None:
    """Lists abbreviate the status ("Blm Kawin", "Sdh Kawin", "Cerai Hdp", "CH", "CM"
    and so on): each was unreadable, and the row a missing field (BMS)."""
    assert parse_marital(cell) == status


def test_nik_from_a_number_cell_is_flagged() -> None:
    assert nik_from_cell(3214011708850001.0) == ("3214011708850001", True)
    assert nik_from_cell(3214011708850001) == ("3214011708850001", True)
    assert nik_from_cell("3214011708850001") == ("3214011708850001", False)
    assert nik_from_cell("'3214011708850001") == ("3214011708850001", False)
    assert nik_from_cell("3214 0117 0885 0001") == ("3214011708850001", False)
    # A number cell turned into text on the way (a CSV written from a float column):
    # the ".0" is not a 17th digit, and the 16 digits came through whole.
    assert nik_from_cell("3214011708850002.0") == ("3214011708850002", False)
    assert nik_from_cell(" '3214011708850002.0' ") == ("3214011708850002", False)
    assert nik_from_cell("'BUKAN NIK") == ("BUKAN NIK", False)  # kept as read, for the list
    # Excel keeps 15 significant digits: the 16th became 0, and the flag says so.
    assert nik_from_cell(3.21401170885e15) == ("3214011708850000", True)


def test_hostile_text_is_cleaned() -> None:
    rtl = "Budi\u202egnp.exe"
    assert clean_text(rtl) == ("Budignp.exe", False)
    assert clean_text("A\x00B\x07C\tD\r\nE") == ("ABC D E", False)
    assert clean_text("x" * 1000, 200) == ("x" * 200, True)
    assert clean_text("  banyak    spasi  ") == ("banyak spasi", False)
    assert clean_text("=cmd|' /C calc'!A0") == ("=cmd|' /C calc'!A0", False)  # kept as text
    assert clean_text(3.0) == ("3", False)
    assert clean_text(None) == ("", False)
