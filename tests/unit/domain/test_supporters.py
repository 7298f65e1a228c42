"""Supporter checks, duplicate classification and the effective status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silon_desktop.domain.codes import ReasonCode, Status
from silon_desktop.domain.nik import build_nik
from silon_desktop.domain.occupations import is_banned_occupation
from silon_desktop.domain.rules import PILKADA_2020, PILKADA_2024
from silon_desktop.domain.supporters import (
    DuplicateTracker,
    SupporterInput,
    ValidationContext,
    classify_duplicates,
    duplicate_key,
    effective_status,
    field_verdict_counts,
    join_reasons,
    sort_reasons,
    split_reasons,
    validate_supporter,
)

REF = dt.date(2024, 8, 27)
R = ReasonCode


def good(**changes: object) -> SupporterInput:
    row = SupporterInput(
        nik="3214014508900001",
        name="Siti Aminah",
        birth_place="Purwakarta",
        birth_date=dt.date(1990, 8, 5),
        sex="P",
        marital_status="S",
        occupation="Wiraswasta",
        address="Jl. Merdeka 1",
        rt="001",
        rw="002",
        desa_code="32.14.01.1001",
        kecamatan_code="32.14.01",
        kabkota_code="32.14",
        has_id_scan=True,
    )
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


@pytest.fixture
def ctx() -> ValidationContext:
    return ValidationContext("32.14", REF)


def codes(row: SupporterInput, ctx: ValidationContext) -> tuple[ReasonCode, ...]:
    return validate_supporter(row, ctx).codes


def test_a_good_row_is_ms(ctx: ValidationContext) -> None:
    verdict = validate_supporter(good(), ctx)
    assert verdict.status is Status.MS and verdict.codes == () and verdict.reasons_text == ""


def test_bad_nik(ctx: ValidationContext) -> None:
    assert codes(good(nik="321401450890001"), ctx) == (R.NIK_FORMAT,)
    assert codes(good(nik="3299014508900001"), ctx) == (R.NIK_REGION,)
    verdict = validate_supporter(good(nik="32140145089000"), ctx)
    assert verdict.status is Status.TMS


def test_nik_disagrees_with_row(ctx: ValidationContext) -> None:
    assert codes(good(sex="L"), ctx) == (R.NIK_MISMATCH,)
    assert codes(good(birth_date=dt.date(1990, 8, 6)), ctx) == (R.NIK_MISMATCH,)
    assert validate_supporter(good(sex="L"), ctx).status is Status.BMS


def test_nik_from_a_number_cell(ctx: ValidationContext) -> None:
    # Excel keeps 15 digits: a number-cell NIK ending in 0 may have lost its last
    # digit; one ending in another digit proves it was kept whole.
    assert codes(good(nik="3214014508900010", nik_from_number=True), ctx) == (R.NIK_PRECISION,)
    assert codes(good(nik="3214014508900001", nik_from_number=True), ctx) == ()
    assert codes(good(nik="3214014508900010"), ctx) == ()


def test_a_nik_of_a_kecamatan_retired_by_a_split_passes_with_a_note() -> None:
    papua = ValidationContext("94.04", REF)  # Kabupaten Mimika, Papua Tengah today
    row = good(
        nik="9109014508900001",
        desa_code="94.04.01.1001",
        kecamatan_code="94.04.01",
        kabkota_code="94.04",
    )
    verdict = validate_supporter(row, papua)
    assert verdict.codes == () and verdict.status is Status.MS
    assert verdict.notes == ("retired_region:91.09.01>94.04.01",)


def test_missing_fields_are_named(ctx: ValidationContext) -> None:
    verdict = validate_supporter(good(name="  ", birth_date=None, desa_code=""), ctx)
    assert verdict.codes == (R.MISSING_FIELD,)
    assert verdict.missing_fields == ("name", "birth_date", "desa_code")
    assert verdict.status is Status.BMS
    empty_nik = validate_supporter(good(nik=""), ctx)
    assert empty_nik.codes == (R.MISSING_FIELD,) and empty_nik.missing_fields == ("nik",)


def test_rt_rw_are_optional_but_kabkota_is_required_for_a_governor(ctx: ValidationContext) -> None:
    assert codes(good(rt="", rw="", kabkota_code=""), ctx) == ()
    governor = ValidationContext("32", REF)
    verdict = validate_supporter(good(kabkota_code=""), governor)
    assert verdict.missing_fields == ("kabkota_code",)


def test_underage_unless_ever_married(ctx: ValidationContext) -> None:
    born = dt.date(2007, 8, 28)  # 17 tomorrow
    nik = build_nik("32.14.01", born, "P", 7)
    young = good(nik=nik, birth_date=born, marital_status="B")
    assert codes(young, ctx) == (R.UNDERAGE,)
    assert validate_supporter(young, ctx).status is Status.TMS
    assert codes(good(nik=nik, birth_date=born, marital_status="S"), ctx) == ()
    assert codes(good(nik=nik, birth_date=born, marital_status="P"), ctx) == ()
    born17 = dt.date(2007, 8, 27)  # 17 today
    nik17 = build_nik("32.14.01", born17, "P", 7)
    assert codes(good(nik=nik17, birth_date=born17, marital_status="B"), ctx) == ()


def test_underage_from_the_nik_when_the_row_has_no_birth_date(ctx: ValidationContext) -> None:
    nik = build_nik("32.14.01", dt.date(2010, 1, 1), "L", 3)
    verdict = validate_supporter(good(nik=nik, birth_date=None, sex="L", marital_status="B"), ctx)
    assert verdict.codes == (R.MISSING_FIELD, R.UNDERAGE)


def test_outside_the_election_region(ctx: ValidationContext) -> None:
    outside = good(desa_code="32.01.01.1006", kecamatan_code="32.01.01", kabkota_code="32.01")
    assert codes(outside, ctx) == (R.OUTSIDE_REGION,)
    assert codes(good(desa_code="33.14.01.1001"), ctx) == (R.OUTSIDE_REGION,)
    assert codes(good(kecamatan_code="321401", desa_code="3214011001"), ctx) == ()
    assert codes(good(kabkota_code="32.141"), ctx) == (R.OUTSIDE_REGION,)
    # Registered elsewhere (NIK of Bogor) but living in Purwakarta is fine.
    moved = build_nik("32.01.01", dt.date(1990, 8, 5), "P", 9)
    assert codes(good(nik=moved), ctx) == ()
    governor = ValidationContext("32", REF)
    assert codes(outside, governor) == ()
    assert codes(good(kabkota_code="33.14"), governor) == (R.OUTSIDE_REGION,)


def test_dpt_only_when_loaded() -> None:
    with_dpt = ValidationContext("32.14", REF, dpt=frozenset({"3214014508900001"}))
    assert codes(good(), with_dpt) == ()
    assert codes(good(nik="'3214 0145 0890 0001"), with_dpt) == ()
    other = build_nik("32.14.01", dt.date(1990, 8, 5), "P", 2)
    assert codes(good(nik=other), with_dpt) == (R.NOT_IN_DPT,)
    assert validate_supporter(good(nik=other), with_dpt).status is Status.TMS


def test_id_scan_and_occupation_depend_on_the_rule_set(ctx: ValidationContext) -> None:
    row = good(has_id_scan=False, occupation="PNS")
    verdict = validate_supporter(row, ctx)
    assert verdict.codes == (R.BANNED_OCCUPATION, R.NO_ID_SCAN)
    assert verdict.status is Status.BMS
    old = ValidationContext("32.14", REF, rule_set=PILKADA_2020)
    assert validate_supporter(row, old).status is Status.TMS


def test_reasons_accumulate_in_canonical_order(ctx: ValidationContext) -> None:
    row = good(
        nik="3299014508900010",
        sex="L",
        nik_from_number=True,
        address="",
        desa_code="33.01.01.1001",
        occupation="anggota polri",
        has_id_scan=False,
    )
    verdict = validate_supporter(row, ctx)
    assert verdict.codes == (
        R.NIK_REGION,
        R.NIK_MISMATCH,
        R.NIK_PRECISION,
        R.MISSING_FIELD,
        R.OUTSIDE_REGION,
        R.BANNED_OCCUPATION,
        R.NO_ID_SCAN,
    )
    assert verdict.status is Status.TMS
    assert split_reasons(verdict.reasons_text) == verdict.codes


_PLACES = [
    ("32.14.01.1001", "32.14.01", "32.14"),
    ("", "", ""),
    ("33.01.01.1001", "32.14.01", "32.14"),
    ("3214011001", "321401", "3214"),
    ("", "32.01.01", ""),
    ("32.14.01.1001", "", "32.141"),
]


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_PLACES),
            st.sampled_from(["", "PNS", "Petani"]),
            st.booleans(),
            st.sampled_from(["", " ", "Siti"]),
            st.sampled_from(["3214014508900001", "3299014508900001", "32140145089", ""]),
        ),
        max_size=12,
    )
)
def test_a_context_judges_a_row_the_same_after_many_others(
    rows: list[tuple[tuple[str, str, str], str, bool, str, str]],
) -> None:
    # The context remembers verdicts and place checks: a row seen late must get
    # the verdict a fresh context gives it.
    shared = ValidationContext("32.14", REF)
    for (desa, kec, kab), occupation, scan, name, nik in rows:
        row = good(
            desa_code=desa,
            kecamatan_code=kec,
            kabkota_code=kab,
            occupation=occupation,
            has_id_scan=scan,
            name=name,
            nik=nik,
        )
        assert validate_supporter(row, shared) == validate_supporter(
            row, ValidationContext("32.14", REF)
        )


def test_context_refuses_a_desa_as_election_region() -> None:
    with pytest.raises(ValueError, match="province or kab/kota"):
        ValidationContext("32.14.01", REF)
    with pytest.raises(ValueError):
        ValidationContext("Purwakarta", REF)
    assert ValidationContext("3214", REF).region == "32.14"


def test_from_mapping() -> None:
    row = SupporterInput.from_mapping(
        {"nik": "1", "name": None, "has_id_scan": True, "pair_id": "x", "check_status": "MS"}
    )
    assert row.nik == "1" and row.name == "" and row.has_id_scan


@pytest.mark.parametrize(
    "text",
    [
        "PNS",
        "P N S",
        "p.n.s",
        "Guru PNS",
        "TNI",
        "TNI-AD",
        "Anggota TNI AD",
        "POLRI",
        "Polisi",
        "ASN",
        "Aparatur Sipil Negara",
        "Pegawai Negeri Sipil",
        "PPPK",
        "Anggota KPU",
        "Ketua PPK",
        "Anggota PPS",
        "KPPS",
        "Bawaslu",
        "Panwascam",
        "Kepala Desa",
        "KEPALADESA",
        "Kades",
        "Perangkat Desa",
        "Sekretaris Desa",
        "Kepala Dusun",
        "Kaur Keuangan",
        "Lurah",
        "Keuchik",
    ],
)
def test_banned_occupations(text: str) -> None:
    assert is_banned_occupation(text), text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Wiraswasta",
        "Petani",
        "Pedagang",
        "Ibu Rumah Tangga",
        "Karyawan Swasta",
        "Guru Honorer",
        "Pensiunan PNS",
        "Purnawirawan TNI",
        "Purn. Polri",
        "Mantan Kepala Desa",
        "Pelajar/Mahasiswa",
        "Nelayan",
        "Buruh Harian Lepas",
        "Sopir",
        "Tidak Bekerja",
    ],
)
def test_allowed_occupations(text: str) -> None:
    assert not is_banned_occupation(text), text


# -- duplicates -------------------------------------------------------------------


def test_identical_duplicates_keep_the_first() -> None:
    rows = [good(), good(), good(name="siti  AMINAH"), good(nik="3214014508900002")]
    assert classify_duplicates(rows) == {1: R.DUPLICATE_IDENTICAL, 2: R.DUPLICATE_IDENTICAL}


def test_differing_data_makes_all_potential() -> None:
    rows = [good(), good(name="Siti Aminah Binti Ahmad"), good(marital_status="P")]
    assert classify_duplicates(rows) == {
        0: R.DUPLICATE_POTENTIAL,
        1: R.DUPLICATE_POTENTIAL,
        2: R.DUPLICATE_POTENTIAL,
    }


def test_mixed_duplicates() -> None:
    rows = [
        good(),
        good(),
        good(birth_date=dt.date(1990, 8, 6)),
        good(birth_date=dt.date(1990, 8, 6)),
    ]
    assert classify_duplicates(rows) == {
        0: R.DUPLICATE_POTENTIAL,
        1: R.DUPLICATE_IDENTICAL,
        2: R.DUPLICATE_POTENTIAL,
        3: R.DUPLICATE_IDENTICAL,
    }


def test_nik_written_differently_is_the_same_nik() -> None:
    rows = [good(), good(nik="'3214 0145 0890 0001")]
    assert classify_duplicates(rows) == {1: R.DUPLICATE_IDENTICAL}
    # Leading zeros are part of a (bad) NIK.
    assert classify_duplicates([good(nik="0123"), good(nik="123")]) == {}


def test_rows_without_nik_are_not_duplicates() -> None:
    assert classify_duplicates([good(nik=""), good(nik=" ")]) == {}


def test_tracker_reports_changes_to_earlier_rows() -> None:
    tracker = DuplicateTracker()
    assert tracker.add(10, good()) == []
    assert tracker.add(11, good()) == [(11, R.DUPLICATE_IDENTICAL)]
    changes = tracker.add(12, good(name="Other"))
    assert changes == [(10, R.DUPLICATE_POTENTIAL), (12, R.DUPLICATE_POTENTIAL)]
    assert tracker.code_for(10) is R.DUPLICATE_POTENTIAL
    assert tracker.code_for(11) is R.DUPLICATE_IDENTICAL
    assert tracker.code_for(99) is None
    assert tracker.add(
        13,
        {
            "nik": "3214014508900001",
            "name": "Other",
            "birth_date": dt.date(1990, 8, 5),
            "marital_status": "S",
        },
    ) == [(13, R.DUPLICATE_IDENTICAL)]
    assert len(tracker) == 1
    with pytest.raises(ValueError, match="index"):
        tracker.add(-1, good())


@settings(deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["1", "2", "3"]), st.sampled_from(["A", "B"])), max_size=30)
)
def test_duplicates_against_a_brute_force_reference(pairs: list[tuple[str, str]]) -> None:
    rows = [good(nik=f"321401450890000{n}", name=name) for n, name in pairs]
    flags = classify_duplicates(rows)
    for i, (nik, name) in enumerate(pairs):
        same_nik = [j for j, (n, _) in enumerate(pairs) if n == nik]
        versions = {pairs[j][1] for j in same_nik}
        first_of_version = min(j for j in same_nik if pairs[j][1] == name)
        if len(same_nik) == 1:
            expected = None
        elif i != first_of_version:
            expected = R.DUPLICATE_IDENTICAL
        elif len(versions) > 1:
            expected = R.DUPLICATE_POTENTIAL
        else:
            expected = None
        assert flags.get(i) == expected, (i, pairs)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["3214014508900001", " 3214.0145.0890.0001", "32140145089000A", ""]),
            st.sampled_from(["Asep", "ASEP ", "asep  k", "Siti"]),
            st.sampled_from([dt.date(1990, 8, 5), dt.date(1990, 8, 6), "1990-08-05", None]),
            st.sampled_from(["B", " b", "S", ""]),
        ),
        max_size=30,
    )
)
def test_keys_taken_elsewhere_classify_as_the_fields(
    rows: list[tuple[str, str, object, str]],
) -> None:
    """A tracker fed :func:`duplicate_key` (as a worker process takes it) flags the rows
    a tracker fed the fields flags: names and statuses compared without case and
    spacing, a date never equal to its text."""
    by_fields, by_keys = DuplicateTracker(), DuplicateTracker()
    for index, (nik, name, born, marital) in enumerate(rows):
        expected = by_fields.add_fields(index, nik, name, born, marital)
        assert by_keys.add_key(index, *duplicate_key(nik, name, born, marital)) == expected
    assert by_keys.results() == by_fields.results()


def test_a_duplicate_key_is_the_same_in_every_process() -> None:
    import os
    import subprocess
    import sys

    code = (
        "import datetime as dt; from silon_desktop.domain.supporters import duplicate_key;"
        "print(duplicate_key('3214014508900001', 'Asep Kurnia', dt.date(1990, 8, 5), 'B'))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert seen == {
        f"{duplicate_key('3214014508900001', 'Asep Kurnia', dt.date(1990, 8, 5), 'B')}\n"
    }


def _reference_flags(rows: list[tuple[str, str]]) -> dict[int, ReasonCode]:
    """Duplicate flags by the rule itself: a dict of every version per NIK."""
    seen: dict[str, dict[str, int]] = {}
    flags: dict[int, ReasonCode] = {}
    for i, (nik, name) in enumerate(rows):
        key = nik.strip().upper()
        versions = seen.setdefault(key, {})
        if name in versions:
            flags[i] = R.DUPLICATE_IDENTICAL
        elif versions:
            if len(versions) == 1:
                flags[next(iter(versions.values()))] = R.DUPLICATE_POTENTIAL
            flags[i] = R.DUPLICATE_POTENTIAL
        versions.setdefault(name, i)
    return flags


@pytest.mark.parametrize("reserve", [0, 3_000, 50_000])
def test_tracker_arrays_grow_and_keep_every_nik(reserve: int) -> None:
    # Thousands of NIKs (the arrays double several times, or were reserved), some
    # repeated late, with numbers of 1 to 17 digits in the arrays and longer ones
    # or text beside them; leading zeros make another NIK.
    rng = random.Random(19)
    niks = [str(3214014508900000 + 7919 * i) for i in range(3_000)]
    niks += ["7", "0007", "12345678901234567", "99999999999999999", "123456789012345678"]
    niks += ["320101A", "1234567890123456789012"]
    rows = [(nik, "A") for nik in niks]
    rows += [(rng.choice(niks), rng.choice("AB")) for _ in range(2_000)]
    tracker = DuplicateTracker()
    tracker.reserve(reserve)
    flags: dict[int, ReasonCode] = {}
    for i, (nik, name) in enumerate(rows):
        for index, code in tracker.add(i, good(nik=nik, name=name)):
            flags[index] = code
    assert flags == tracker.results() == _reference_flags(rows)
    assert len(tracker) == len(niks)
    for i, nik in enumerate(niks):
        assert tracker.first_index(nik) == i
    assert tracker.first_index("3214014508900001") is None
    assert tracker.first_index("07") is None


def test_tracker_is_memory_lean() -> None:
    tracker = DuplicateTracker()
    n = 50_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        row = good()
        for i in range(n):
            row.nik = f"3214014508{i:06d}"
            tracker.add(i, row)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Arrays: 20 bytes a slot, at most 0.6 full (a dict of integers took ~135).
    assert used / n < 80, f"{used / n:.0f} bytes per distinct NIK"


# -- effective status -----------------------------------------------------------


def test_only_a_person_verdict_is_a_status_field_over_admin() -> None:
    # The automatic check is a forecast: a row nobody verified has no status,
    # only the forecast's reasons.
    assert effective_status("MS", [], "", [], "", [], False) == ("", ())
    assert effective_status("BMS", ["NO_ID_SCAN"], "", [], "", [], False) == ("", ("NO_ID_SCAN",))
    assert effective_status("BMS", ["NO_ID_SCAN"], "MS", [], "", [], False) == (Status.MS, ())
    assert effective_status("MS", [], "MS", [], "TMS", ["NOT_FOUND"], False) == (
        Status.TMS,
        ("NOT_FOUND",),
    )
    assert effective_status("", [], "", [], "", [], False) == ("", ())


def test_a_field_verdict_counts_only_while_the_row_is_admin_ms() -> None:
    # Re-checked documents took the row away from MS: the field verdict given to
    # the MS row no longer counts; the administrative verdict does.
    assert effective_status("MS", [], "TMS", ["UNDERAGE"], "MS", [], False) == (
        Status.TMS,
        ("UNDERAGE",),
    )
    assert effective_status("MS", [], "BMS", ["NO_ID_SCAN"], "TMS", ["NOT_FOUND"], False) == (
        Status.BMS,
        ("NO_ID_SCAN",),
    )
    # The administrative verdict withdrawn (not verified again yet): no status.
    assert effective_status("BMS", ["NO_ID_SCAN"], "", [], "MS", [], False) == (
        "",
        ("NO_ID_SCAN",),
    )
    assert field_verdict_counts("MS", "TMS") and not field_verdict_counts("MS", "")
    assert not field_verdict_counts("TMS", "MS") and not field_verdict_counts("", "MS")


def test_external_duplicate_adds_its_reason() -> None:
    status, reasons = effective_status("MS", [], "MS", [], "", [], True)
    assert status is Status.BMS and reasons == ("DUPLICATE_EXTERNAL",)
    status, reasons = effective_status("MS", [], "TMS", ["UNDERAGE"], "", [], True)
    assert status is Status.TMS and reasons == ("UNDERAGE", "DUPLICATE_EXTERNAL")
    # Not verified yet: the reason is shown, no status is made up.
    status, reasons = effective_status("MS", [], "", [], "", [], True, PILKADA_2024)
    assert status == "" and reasons == ("DUPLICATE_EXTERNAL",)


def test_reasons_are_sorted_and_unique() -> None:
    assert sort_reasons(["NO_ID_SCAN", "NIK_FORMAT", "NO_ID_SCAN"]) == ("NIK_FORMAT", "NO_ID_SCAN")
    assert sort_reasons(["ZZZ", "NIK_FORMAT"]) == ("NIK_FORMAT", "ZZZ")
    assert join_reasons([R.NO_ID_SCAN, R.UNDERAGE]) == "UNDERAGE,NO_ID_SCAN"
    assert split_reasons("") == ()


def test_context_for_an_election_record() -> None:
    election = {"region_code": "32.14", "rule_set": "pilkada-2020", "support_end": REF}
    ctx = ValidationContext.for_election(election)
    assert ctx.region == "32.14" and ctx.rule_set is PILKADA_2020
    assert ctx.reference_date == REF and ctx.adult_born_by == dt.date(2007, 8, 27)
    later = ValidationContext.for_election(election, reference_date=dt.date(2024, 11, 27))
    assert later.reference_date == dt.date(2024, 11, 27)
    today = ValidationContext.for_election({"region_code": "32", "rule_set": ""})
    assert today.rule_set is PILKADA_2024 and today.reference_date == dt.date.today()
    with pytest.raises(ValueError):
        ValidationContext.for_election({"region_code": "", "rule_set": "pilkada-2024"})
    with pytest.raises(ValueError, match="unknown rule set"):
        ValidationContext.for_election({"region_code": "32.14", "rule_set": "x"})


def test_rows_given_by_their_four_fields_classify_like_rows_given_whole() -> None:
    """A further part's earlier rows are read back as four fields (no input objects):
    the same flags as the same rows given whole, whatever their spacing or case."""
    born = dt.date(1980, 1, 2)
    rows = [
        ("3214010201800001", "Asep  Sunarya", born, "K"),
        ("3214010201800001", "ASEP SUNARYA", born, " k "),  # the same person
        ("3214010201800002", "Dewi", born, "B"),
        ("3214010201800002", "Dewi Lain", born, "B"),  # another version
        ("", "Tanpa NIK", None, ""),
        ("3214010201800003", "Ujang", None, "B"),
    ]
    whole, fields = DuplicateTracker(), DuplicateTracker()
    flagged_whole = [
        whole.add(i, {"nik": n, "name": a, "birth_date": b, "marital_status": m})
        for i, (n, a, b, m) in enumerate(rows)
    ]
    flagged_fields = [fields.add_fields(i, *row) for i, row in enumerate(rows)]
    assert flagged_fields == flagged_whole
    assert (
        fields.results()
        == whole.results()
        == {
            1: ReasonCode.DUPLICATE_IDENTICAL,
            2: ReasonCode.DUPLICATE_POTENTIAL,
            3: ReasonCode.DUPLICATE_POTENTIAL,
        }
    )
