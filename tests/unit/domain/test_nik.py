"""NIK parsing: layout, +40 rule, impossible dates, sequence, region, century."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silon_desktop.domain.codes import ReasonCode, Sex
from silon_desktop.domain.nik import build_nik, clean_nik, nik_mismatch, parse_nik
from silon_desktop.domain.regions import default_table

REF = dt.date(2024, 8, 27)
KECAMATAN = sorted(default_table().kecamatan_codes())


def test_man_and_woman() -> None:
    man = parse_nik("3214010508900001", reference_date=REF)
    assert man.ok and man.reasons == ()
    assert man.birth_date == dt.date(1990, 8, 5)
    assert man.sex is Sex.L
    assert man.sequence == 1
    assert (man.province_code, man.kabkota_code, man.kecamatan_code) == ("32", "32.14", "32.14.01")
    woman = parse_nik("3214014508900002", reference_date=REF)
    assert woman.ok and woman.sex is Sex.P and woman.birth_date == dt.date(1990, 8, 5)


@pytest.mark.parametrize(
    "text",
    [
        "'3214010508900001",
        "3214 0105 0890 0001",
        " 32.14.01.050890.0001 ",
        '"3214010508900001"',
        "3214-0105-0890-0001",
        "3214010508900001.0",
        "\u20183214010508900001\u2019",
    ],
)
def test_tolerated_decoration(text: str) -> None:
    result = parse_nik(text, reference_date=REF)
    assert result.ok, text
    assert result.nik == "3214010508900001"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "321401050890001",  # 15 digits (a spreadsheet number lost one)
        "32140105089000011",
        "3214010508900O01",  # letter O
        "3.21401050890E+15",
        "３２１４０１０５０８９０００１",  # full-width digits are not ASCII digits
        "3214010008900001",  # day 00
        "3214013208900001",  # day 32 (neither a man's nor a woman's day)
        "3214014008900001",  # day 40
        "3214017208900001",  # day 72
        "3214010513900001",  # month 13
        "3214010500900001",  # month 00
        "3214013102900001",  # 31 February
        "3214012902230001",  # 29 February 2023
        "3214010508900000",  # sequence 0000
    ],
)
def test_format_errors(text: str) -> None:
    result = parse_nik(text, reference_date=REF)
    assert ReasonCode.NIK_FORMAT in result.reasons
    assert not result.ok


def test_impossible_date_gives_no_birth_date_or_sex() -> None:
    result = parse_nik("3214013102900001", reference_date=REF)
    assert result.birth_date is None and result.sex is None
    assert result.reasons == (ReasonCode.NIK_FORMAT,)


def test_leap_day_is_valid_in_a_leap_year() -> None:
    result = parse_nik("3214016902000001", reference_date=REF)
    assert result.ok and result.birth_date == dt.date(2000, 2, 29) and result.sex is Sex.P


def test_unknown_region() -> None:
    result = parse_nik("3299010508900001", reference_date=REF)
    assert result.reasons == (ReasonCode.NIK_REGION,)
    assert result.birth_date == dt.date(1990, 8, 5)
    both = parse_nik("3299010508900000", reference_date=REF)
    assert both.reasons == (ReasonCode.NIK_FORMAT, ReasonCode.NIK_REGION)


@pytest.mark.parametrize(
    ("nik", "old", "today"),
    [
        # Papua 2022: people registered before the split keep their codes.
        ("9109014508900001", "91.09.01", "94.04.01"),  # Mimika Baru, Mimika
        ("9101010508900002", "91.01.01", "93.01.01"),  # Merauke, Merauke
        ("9271021212850003", "92.71.02", "96.71.02"),  # Sorong Timur, Kota Sorong
    ],
)
def test_kecamatan_codes_retired_by_a_region_split_stay_valid(
    nik: str, old: str, today: str
) -> None:
    result = parse_nik(nik, reference_date=REF)
    assert result.ok, result.reasons
    assert result.kecamatan_code == old
    assert result.successor == today
    # The table only knows codes that once existed: 91.09.99 never did.
    unknown = parse_nik("9109990508900001", reference_date=REF)
    assert unknown.reasons == (ReasonCode.NIK_REGION,) and unknown.successor is None
    # A code in today's table is no retired one.
    assert parse_nik("9404010508900001", reference_date=REF).successor is None
    # The check can be turned off (a test region set without history).
    assert parse_nik(nik, reference_date=REF, retired_codes={}).reasons == (ReasonCode.NIK_REGION,)


def test_region_set_can_be_given() -> None:
    result = parse_nik("9999010508900001", reference_date=REF, kecamatan_codes={"999901"})
    assert result.ok


@pytest.mark.parametrize(
    ("yy", "expected_year"),
    [("24", 2024), ("07", 2007), ("25", 1925), ("90", 1990), ("00", 2000)],
)
def test_century_gives_a_plausible_age(yy: str, expected_year: int) -> None:
    result = parse_nik(f"3214010101{yy}0001", reference_date=REF)  # 1 January
    assert result.birth_date is not None
    assert result.birth_date.year == expected_year


def test_birth_date_after_reference_day_goes_to_the_previous_century() -> None:
    # 28 August 24 is the day after the reference date: born 1924, not tomorrow.
    assert parse_nik("3214012808240001", reference_date=REF).birth_date == dt.date(1924, 8, 28)
    assert parse_nik("3214012708240001", reference_date=REF).birth_date == dt.date(2024, 8, 27)


def test_default_reference_date_is_today() -> None:
    result = parse_nik("3214010101000001")
    assert result.birth_date is not None and result.birth_date <= dt.date.today()


def test_clean_nik() -> None:
    assert clean_nik(" '3214 0105.0890-0001 ") == "3214010508900001"
    assert clean_nik("abc") == "abc"
    assert clean_nik("3214010508900001") == "3214010508900001"
    assert clean_nik("\uff13\uff12 14") == "\uff13\uff1214"  # digits, but not ASCII ones
    assert clean_nik("") == ""


def test_the_same_digits_read_at_another_reference_date() -> None:
    # Birth dates are remembered per reference date: the century must follow it.
    nik = "3214012808240001"
    assert parse_nik(nik, reference_date=REF).birth_date == dt.date(1924, 8, 28)
    later = parse_nik(nik, reference_date=dt.date(2024, 9, 1))
    assert later.birth_date == dt.date(2024, 8, 28)
    assert parse_nik(nik, reference_date=REF).birth_date == dt.date(1924, 8, 28)


def test_mismatch() -> None:
    result = parse_nik("3214014508900001", reference_date=REF)
    assert not nik_mismatch(result, dt.date(1990, 8, 5), "P")
    assert not nik_mismatch(result, None, "")  # nothing stated, nothing to disagree with
    assert nik_mismatch(result, dt.date(1990, 8, 6), "P")
    assert nik_mismatch(result, dt.date(1990, 8, 5), "L")
    assert nik_mismatch(result, dt.date(1991, 8, 5), None)
    # The NIK has no century: 2090 is read as 1990 would be.
    assert not nik_mismatch(result, dt.date(1890, 8, 5), "P")
    bad = parse_nik("12", reference_date=REF)
    assert not nik_mismatch(bad, dt.date(1990, 8, 5), "L")


def test_build_nik_rejects_impossible_parts() -> None:
    with pytest.raises(ValueError, match="six digits"):
        build_nik("32.14", dt.date(1990, 1, 1), "L", 1)
    with pytest.raises(ValueError, match="sequence"):
        build_nik("32.14.01", dt.date(1990, 1, 1), "L", 0)
    with pytest.raises(ValueError):
        build_nik("32.14.01", dt.date(1990, 1, 1), "X", 1)


@settings(deadline=None)
@given(
    kecamatan=st.sampled_from(KECAMATAN),
    birth=st.dates(min_value=REF.replace(year=REF.year - 99), max_value=REF),
    sex=st.sampled_from([Sex.L, Sex.P]),
    sequence=st.integers(min_value=1, max_value=9999),
)
def test_round_trip(kecamatan: str, birth: dt.date, sex: Sex, sequence: int) -> None:
    nik = build_nik(kecamatan, birth, sex, sequence)
    result = parse_nik(nik, reference_date=REF)
    assert result.ok, (nik, result.reasons)
    assert result.birth_date == birth
    assert result.sex is sex
    assert result.sequence == sequence
    assert result.kecamatan_code.replace(".", "") == kecamatan
    assert not nik_mismatch(result, birth, sex)


@settings(deadline=None)
@given(st.text(max_size=40))
def test_never_raises_on_any_text(text: str) -> None:
    result = parse_nik(text, reference_date=REF)
    assert result.ok == (result.reasons == ())
    if result.ok:
        assert result.has_digits


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_sixteen_digits_parse_consistently(digits: str) -> None:
    result = parse_nik(digits, reference_date=REF)
    assert parse_nik(digits, reference_date=REF) == result  # remembered digits read the same
    assert parse_nik(f" {digits[:8]}.{digits[8:]} ", reference_date=REF) == result
    if result.birth_date is not None:
        assert result.birth_date <= REF
        assert REF.year - result.birth_date.year <= 100
    if ReasonCode.NIK_FORMAT not in result.reasons:
        assert result.birth_date is not None and result.sex is not None
