"""Record validation: types, lengths, hostile characters, enums, NIKs, dates, ints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silon_desktop.domain.codes import ReasonCode
from silon_desktop.domain.labels import FIELD_LABELS_ID, REASON_LABELS_ID
from silon_desktop.domain.messages import MESSAGES_ID, describe, message
from silon_desktop.domain.records import (
    MAX_LENGTH,
    FieldError,
    election_kind_of,
    validate_record,
)
from sync.protocol import ENTITIES, FieldType

PAIR_ID = str(uuid.uuid4())


def codes(entity: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in validate_record(entity, values)]


def good_supporter() -> dict[str, Any]:
    return {
        "pair_id": PAIR_ID,
        "nik": "3214014508900001",
        "name": "Siti Aminah",
        "birth_place": "Purwakarta",
        "birth_date": dt.date(1990, 8, 5),
        "sex": "P",
        "marital_status": "S",
        "occupation": "Wiraswasta",
        "address": "Jl. Merdeka 1\nRT 1",
        "rt": "001",
        "rw": "002",
        "desa_code": "32.14.01.1001",
        "kecamatan_code": "32.14.01",
        "kabkota_code": "32.14",
        "has_id_scan": True,
        "nik_from_number": False,
        "check_status": "BMS",
        "check_reasons": ["NO_ID_SCAN"],
        "admin_status": "",
        "admin_reasons": [],
        "admin_by": "",
        "admin_at": None,
        "field_status": "",
        "field_reasons": [],
        "field_method": "video",
        "field_by": "pps01",
        "field_at": dt.datetime(2024, 7, 1, 10, 0, tzinfo=dt.UTC),
        "external_duplicate": False,
    }


def test_good_records_pass() -> None:
    assert validate_record("supporter", good_supporter()) == []
    assert (
        validate_record(
            "election",
            {
                "name": "Pemilihan Bupati Purwakarta 2024",
                "kind": "bupati",
                "region_code": "32.14",
                "year": 2024,
                "dpt": 733_927,
                "subregion_count": 17,
                "rule_set": "pilkada-2024",
                "support_start": dt.date(2024, 5, 5),
                "penetapan_date": None,
            },
        )
        == []
    )
    assert (
        validate_record(
            "candidate",
            {"pair_id": PAIR_ID, "role": "kepala", "nik": "3214010508900001", "sex": "L"},
        )
        == []
    )
    assert (
        validate_record(
            "document",
            {
                "kind": "skck",
                "filename": "skck budi.pdf",
                "sha256": "ab" * 32,
                "size": 10,
                "status": "ada",
            },
        )
        == []
    )
    assert validate_record("party", {"party_name": "Partai A", "seats": 0, "votes": 12}) == []
    assert (
        validate_record("pair", {"route": "perseorangan", "status": "draft", "number": None}) == []
    )


def test_every_entity_field_has_a_check() -> None:
    for entity, spec in ENTITIES.items():
        for f in spec.fields:
            if f.type is FieldType.STR:
                assert f.name in MAX_LENGTH[entity], (entity, f.name)


def test_limits_match_the_storage_models() -> None:
    models = pytest.importorskip("silon_desktop.storage.models")
    for entity, limits in MAX_LENGTH.items():
        table = models.SYNCED_MODELS[entity].__table__
        for name, limit in limits.items():
            column = table.c[name]
            if isinstance(column.type, models.PairRef):  # stored as the pair's local number
                column = models.pair_key_t.c.pair_id  # which maps the pair's id, held here
            assert column.type.length == limit, (entity, name)


def test_unknown_entity_and_field() -> None:
    assert codes("voter", {}) == [("", "unknown_entity")]
    assert codes("pair", {"colour": "red"}) == [("colour", "unknown_field")]


@pytest.mark.parametrize(
    ("entity", "field", "value"),
    [
        ("supporter", "name", 12),
        ("supporter", "has_id_scan", 1),
        ("supporter", "has_id_scan", "true"),
        ("supporter", "birth_date", "1990-08-05"),
        ("supporter", "birth_date", dt.datetime(1990, 8, 5)),
        ("supporter", "admin_at", dt.date(2024, 1, 1)),
        ("supporter", "check_reasons", "NO_ID_SCAN"),
        ("supporter", "check_reasons", [1]),
        ("election", "dpt", "733927"),
        ("election", "dpt", 1.5),
        ("election", "dpt", True),
    ],
)
def test_wrong_types(entity: str, field: str, value: Any) -> None:
    assert codes(entity, {field: value}) == [(field, "wrong_type")]


def test_null_only_where_the_column_is_nullable() -> None:
    assert codes("supporter", {"birth_date": None, "admin_at": None}) == []
    assert codes("election", {"dpt": None}) == []
    assert codes("supporter", {"name": None}) == [("name", "required")]
    assert codes("supporter", {"has_id_scan": None}) == [("has_id_scan", "required")]
    assert codes("supporter", {"check_reasons": None}) == [("check_reasons", "required")]


def test_too_long_names_the_limit() -> None:
    errors = validate_record("supporter", {"name": "A" * 201})
    assert errors == [FieldError("name", "too_long", "too_long", "200")]
    assert codes("supporter", {"name": "A" * 200}) == []
    assert codes("supporter", {"rt": "0001"}) == [("rt", "too_long")]


@pytest.mark.parametrize(
    "hostile",
    [
        "Budi\x00",
        "Budi\x1b[31m",
        "\u202eilahsiK",  # right-to-left override
        "Budi\u2066x\u2069",  # bidi isolates
        "Bu\u200bdi",  # zero-width space
        "\ufeffBudi",
        "Budi\x85",
        "Bu\ud800di",  # lone surrogate
        "Budi\u2028Santoso",
        "Budi\nSantoso",  # a line break in a one-line field
        "Budi\tSantoso",
    ],
)
def test_hostile_characters_are_refused(hostile: str) -> None:
    errors = validate_record("supporter", {"name": hostile})
    assert [(e.field, e.code) for e in errors] == [("name", "bad_character")]
    assert errors[0].detail.startswith("U+")


def test_line_breaks_allowed_in_addresses_and_notes_only() -> None:
    assert codes("supporter", {"address": "Jl. Merdeka\r\n\tRT 1"}) == []
    assert codes("document", {"note": "baris 1\nbaris 2"}) == []
    assert codes("supporter", {"address": "Jl.\x00"}) == [("address", "bad_character")]
    assert codes("supporter", {"address": "Jl.\u202e"}) == [("address", "bad_character")]


def test_ordinary_indonesian_text_passes() -> None:
    assert codes("supporter", {"name": "Ma'ruf Amin, S.H.", "birth_place": "Pematangsiantar"}) == []
    assert codes("supporter", {"name": "Dewi Sartika-Putri (Ibu)"}) == []
    assert codes("supporter", {"name": "Rénald Müller 李"}) == []


@pytest.mark.parametrize(
    ("entity", "field", "value"),
    [
        ("election", "kind", "presiden"),
        ("election", "rule_set", "pilkada-1999"),
        ("pair", "route", "independen"),
        ("pair", "status", "DRAFT"),
        ("candidate", "role", "ketua"),
        ("candidate", "sex", "X"),
        ("supporter", "sex", "l"),
        ("supporter", "marital_status", "K"),
        ("supporter", "check_status", "OK"),
        ("supporter", "field_method", "surat"),
        ("document", "kind", "akta"),
        ("document", "status", "valid"),
    ],
)
def test_enumerated_values(entity: str, field: str, value: str) -> None:
    errors = validate_record(entity, {field: value})
    assert [(e.field, e.code) for e in errors] == [(field, "not_allowed")]
    assert errors[0].detail  # lists the allowed values


def test_empty_is_allowed_where_a_value_may_be_unknown() -> None:
    assert codes("supporter", {"sex": "", "marital_status": "", "admin_status": ""}) == []
    assert codes("pair", {"route": ""}) == [("route", "not_allowed")]


def test_reason_lists() -> None:
    assert codes("supporter", {"admin_reasons": [c.value for c in ReasonCode]}) == []
    assert codes("supporter", {"admin_reasons": ["NO_ID_SCAN", "LAZY"]}) == [
        ("admin_reasons", "bad_reason")
    ]
    assert codes("supporter", {"admin_reasons": ["NO_ID_SCAN"] * 17}) == [
        ("admin_reasons", "too_many")
    ]
    assert codes("supporter", {"effective_reasons": "UNDERAGE,NO_ID_SCAN"}) == []
    assert codes("supporter", {"effective_reasons": "UNDERAGE,NOPE"}) == [
        ("effective_reasons", "bad_reason")
    ]


def test_candidate_nik_must_be_valid_supporter_nik_only_plausible() -> None:
    for bad in ("321401050890001", "3214010508900000", "3214013102900001", "'321401050890001"):
        assert codes("candidate", {"nik": bad}) == [("nik", "bad_nik")], bad
    assert codes("candidate", {"nik": ""}) == []
    # A NIK of a kecamatan code retired later is still a well-formed NIK.
    assert codes("candidate", {"nik": "3299010508900001"}) == []
    # Supporters: a wrong NIK is stored (the verdict flags it), junk is not.
    assert codes("supporter", {"nik": "321401050890001"}) == []
    assert codes("supporter", {"nik": "'3214 0105.0890-0001"}) == []
    assert codes("supporter", {"nik": "32140105089O0001"}) == [("nik", "bad_nik_characters")]
    assert codes("supporter", {"nik": "1" * 33}) == [("nik", "too_long")]


def test_region_codes() -> None:
    assert codes("supporter", {"desa_code": "", "kecamatan_code": "", "kabkota_code": ""}) == []
    assert codes("supporter", {"desa_code": "32.14.01"}) == [("desa_code", "bad_region_code")]
    assert codes("supporter", {"kecamatan_code": "321401"}) == [
        ("kecamatan_code", "bad_region_code")
    ]
    assert codes("supporter", {"kabkota_code": "32.1a"}) == [("kabkota_code", "bad_region_code")]
    assert codes("election", {"region_code": "32"}) == []
    assert codes("election", {"region_code": "32.14.01"}) == [("region_code", "bad_region_code")]


def test_election_region_matches_its_kind() -> None:
    assert codes("election", {"kind": "gubernur", "region_code": "32"}) == []
    assert codes("election", {"kind": "bupati", "region_code": "32.14"}) == []
    assert codes("election", {"kind": "walikota", "region_code": "32.71"}) == []
    assert codes("election", {"kind": "gubernur", "region_code": "32.14"}) == [
        ("region_code", "region_kind_mismatch")
    ]
    assert codes("election", {"kind": "walikota", "region_code": "32.14"}) == [
        ("region_code", "region_kind_mismatch")
    ]
    assert codes("election", {"kind": "bupati", "region_code": "32"}) == [
        ("region_code", "region_kind_mismatch")
    ]


def test_jakarta_s_administrative_cities_and_regency_hold_no_election() -> None:
    # The kota and the kabupaten administrasi of (D)KI Jakarta have no walikota or bupati
    # elected: a walikota election of Jakarta Pusat (31.71) was taken as any kota's.
    assert codes("election", {"kind": "gubernur", "region_code": "31"}) == []
    for kind, region in (("walikota", "31.71"), ("walikota", "31.75"), ("bupati", "31.01")):
        assert codes("election", {"kind": kind, "region_code": region}) == [
            ("region_code", "region_holds_no_election")
        ]
    error = validate_record("election", {"kind": "walikota", "region_code": "31.71"})[0]
    assert describe(error) == (
        "Wilayah: Kota dan kabupaten administrasi Jakarta tidak memilih wali kota atau "
        "bupati; di Jakarta hanya ada pemilihan gubernur (wilayah 31)."
    )
    assert election_kind_of("31.71") is None and election_kind_of("31") == "gubernur"


def test_an_election_region_is_its_scope() -> None:
    """An election's data belongs to the KPU that administers it: its region is its
    scope, as the server requires (SCOPE_MISMATCH otherwise)."""
    assert codes("election", {"region_code": "32.14", "scope": "32.14"}) == []
    for region, scope in (("33.01", "32.14"), ("32", "32.14"), ("32.14", "32")):
        assert codes("election", {"region_code": region, "scope": scope}) == [
            ("region_code", "region_scope_mismatch")
        ], (region, scope)


def test_stage_dates_follow_one_another() -> None:
    # A penetapan typed before the submission closed (a year typed wrong) was saved, and the
    # candidates' ages were judged on it.
    dates = {
        "support_start": dt.date(2024, 5, 8),
        "support_end": dt.date(2024, 5, 12),
        "vermin_end": dt.date(2024, 5, 29),
        "correction_end": dt.date(2024, 7, 21),
        "verfak_end": dt.date(2024, 6, 23),  # before the correction (2020's order) or after
        "registration_date": dt.date(2024, 8, 27),
        "penetapan_date": dt.date(2024, 9, 22),
    }
    assert codes("election", dates) == []
    assert codes("election", {**dates, "vermin_end": None, "registration_date": None}) == []
    wrong = {**dates, "penetapan_date": dt.date(2023, 9, 22)}
    assert codes("election", wrong) == [("penetapan_date", "stage_order")]
    error = validate_record("election", wrong)[0]
    assert describe(error) == (
        "Tanggal penetapan: Tidak boleh sebelum Tanggal pendaftaran (27-08-2024): "
        "tahapan pemilihan berurutan."
    )
    early = {"support_end": dt.date(2024, 5, 12), "vermin_end": dt.date(2024, 5, 11)}
    assert codes("election", early) == [("vermin_end", "stage_order")]


def test_numbers_and_dates_in_range() -> None:
    assert codes("party", {"seats": -1}) == [("seats", "negative")]
    assert codes("document", {"size": 2**31}) == [("size", "too_large")]
    assert codes("election", {"year": 1999}) == [("year", "out_of_range")]
    assert codes("supporter", {"birth_date": dt.date(1899, 12, 31)}) == [
        ("birth_date", "out_of_range")
    ]
    assert codes("supporter", {"birth_date": dt.date(1900, 1, 1)}) == []
    assert codes("supporter", {"admin_at": dt.datetime(1960, 1, 1)}) == [
        ("admin_at", "out_of_range")
    ]


def test_record_columns() -> None:
    assert codes("pair", {"id": PAIR_ID, "scope": "32.14", "version": 3, "deleted": False}) == []
    assert codes("pair", {"id": "1; DROP TABLE pair"}) == [("id", "bad_id")]
    assert codes("pair", {"id": PAIR_ID.upper()}) == [("id", "bad_id")]
    assert codes("pair", {"election_id": ""}) == [("election_id", "bad_id")]
    assert codes("pair", {"scope": "32.14.01"}) == [("scope", "bad_region_code")]
    assert codes("pair", {"version": -1}) == [("version", "negative")]
    assert codes("pair", {"version": None}) == [("version", "required")]
    assert codes("supporter", {"effective_status": "TMS"}) == []
    assert codes("pair", {"effective_status": "TMS"}) == [("effective_status", "unknown_field")]


def test_files_and_hashes() -> None:
    for name in ("../etc/passwd", "a/b.pdf", "c:\\x.pdf", "..", "a|b"):
        assert codes("document", {"filename": name}) == [("filename", "bad_filename")], name
    assert codes("document", {"sha256": "AB" * 32}) == [("sha256", "bad_hash")]
    assert codes("document", {"sha256": "ab" * 31}) == [("sha256", "bad_hash")]
    assert codes("document", {"sha256": ""}) == []


def test_rt_rw_digits() -> None:
    assert codes("supporter", {"rt": "00a"}) == [("rt", "digits_only")]
    assert codes("supporter", {"rw": ""}) == []


def test_every_error_has_an_indonesian_text() -> None:
    import re
    from pathlib import Path

    import silon_desktop.domain.records as records

    source = Path(records.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'_err\([^,]+, "([a-z_]+)"', source))
    assert used, "found no error codes in records.py"
    assert used <= set(MESSAGES_ID), used - set(MESSAGES_ID)


def test_messages() -> None:
    error = validate_record("supporter", {"name": "A" * 201})[0]
    assert message(error) == "Terlalu panjang (paling banyak 200 karakter)."
    assert describe(error).startswith("Nama: ")
    wrong = validate_record("supporter", {"birth_date": "kemarin"})[0]
    assert "tanggal" in message(wrong)


def test_labels_cover_every_code_and_field() -> None:
    assert set(REASON_LABELS_ID) == set(ReasonCode)
    for spec in ENTITIES.values():
        for name in spec.field_names:
            assert name in FIELD_LABELS_ID, name


@settings(deadline=None)
@given(st.text(max_size=300))
def test_any_text_either_passes_or_names_the_field(text: str) -> None:
    for error in validate_record("supporter", {"name": text, "address": text}):
        assert error.field in ("name", "address")
        assert error.message_id in MESSAGES_ID
