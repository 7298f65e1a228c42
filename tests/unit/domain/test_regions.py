"""Region table: shipped data, counts, lookups by code and tolerant lookups by name."""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import pytest

from silon_desktop.domain.codes import RegionLevel
from silon_desktop.domain.regions import (
    RegionDataError,
    RegionTable,
    default_table,
    is_kecamatan_code,
    name_key,
    normalize_code,
    parent_of,
    within,
)
from silon_desktop.paths import resources_dir


@pytest.fixture(scope="module")
def table() -> RegionTable:
    return default_table()


def test_data_ships_with_licence_and_readme() -> None:
    folder = resources_dir() / "regions"
    for name in ("wilayah.json.gz", "desa.json.gz", "LICENSE-wilayah.txt", "README.md"):
        assert (folder / name).is_file(), name
    assert "MIT License" in (folder / "LICENSE-wilayah.txt").read_text()
    readme = (folder / "README.md").read_text()
    assert "300.2.2-2138" in readme
    assert "cahyadsn/wilayah" in readme


def test_counts_per_level(table: RegionTable) -> None:
    assert table.counts() == {
        RegionLevel.PROVINSI: 38,
        RegionLevel.KABKOTA: 514,
        RegionLevel.KECAMATAN: 7285,
        RegionLevel.DESA: 83762,
    }


def test_desa_level_loads_only_when_asked(tmp_path: Path) -> None:
    fresh = RegionTable()
    assert fresh.get("32.14") is not None
    assert fresh.is_kecamatan_code("321401")
    assert fresh.match_name("Purwakarta", 3, "32.14")
    assert not fresh.desa_loaded
    assert fresh.get("32.14.01.1001") is not None
    assert fresh.desa_loaded


def test_get_by_code_dotted_or_not(table: RegionTable) -> None:
    region = table.get("3214")
    assert region is not None
    assert (region.code, region.name, region.level, region.parent) == (
        "32.14",
        "Kabupaten Purwakarta",
        RegionLevel.KABKOTA,
        "32",
    )
    assert table.get("32.14.01") == table.get("321401")
    desa = table.get("3214011001")
    assert desa is not None and desa.level is RegionLevel.DESA and desa.parent == "32.14.01"
    assert table.name("32") == "Jawa Barat"
    assert table.get("32.99") is None
    assert table.get("not a code") is None
    assert table.get("") is None
    assert "32.14" in table and "32.99" not in table


def test_parent_children_and_levels(table: RegionTable) -> None:
    assert len(table.children()) == 38
    kecamatan = table.children("32.14")
    assert len(kecamatan) == 17  # Purwakarta: 17 kecamatan (DOMAIN.md)
    assert all(k.parent == "32.14" and k.level is RegionLevel.KECAMATAN for k in kecamatan)
    assert len(table.children("32")) == 27  # Jawa Barat: 27 kab/kota
    villages = table.children("32.14.01")
    assert villages and all(v.code.startswith("32.14.01.") for v in villages)
    parent = table.parent("32.14.01")
    assert parent is not None and parent.code == "32.14"
    assert table.parent("32") is None
    assert table.level("32.14.01") is RegionLevel.KECAMATAN
    assert table.children("garbage") == []


def test_code_helpers() -> None:
    assert normalize_code("3214011001") == "32.14.01.1001"
    assert normalize_code(" 32.14 ") == "32.14"
    assert normalize_code("32.1") is None
    assert normalize_code("321") is None
    assert normalize_code("32a4") is None
    assert parent_of("32.14.01") == "32.14"
    assert parent_of("32") is None
    assert within("32.14.01.1001", "32.14")
    assert within("32.14", "32.14")
    assert not within("32.141", "32.14")
    assert not within("33.14", "32")


def test_kecamatan_set_lookup(table: RegionTable) -> None:
    assert is_kecamatan_code("321401")
    assert not is_kecamatan_code("321499")
    assert not is_kecamatan_code("3214")
    assert table.is_kecamatan("32.14.01")
    assert table.is_kecamatan("321401")
    assert not table.is_kecamatan("32.14")
    assert len(table.kecamatan_codes()) == 7285


@pytest.mark.parametrize(
    ("raw", "level", "expected"),
    [
        ("KAB. S A D U", 2, ("SADU", "KAB")),
        ("Kota Adm. Jakarta Pusat", 2, ("JAKARTA PUSAT", "KOTA")),
        ("KABUPATEN ADMINISTRASI KEP. SERIBU", 2, ("KEPULAUAN SERIBU", "KAB")),
        ("kec. mula-mula", 3, ("MULA MULA", "")),
        ("Desa Ma'rang", 4, ("MARANG", "")),
        ("KOTA", 2, ("KOTA", "")),  # a bare prefix is kept as the name
        ("Ciamis  ", 3, ("CIAMIS", "")),
    ],
)
def test_name_key(raw: str, level: int, expected: tuple[str, str]) -> None:
    assert name_key(raw, level) == expected


def test_kpu_spellings_match_kemendagri(table: RegionTable) -> None:
    found = table.match_name("SIANJUR MULA MULA", RegionLevel.KECAMATAN)
    assert found[0].code == "12.17.06"
    assert found[0].name == "Sianjar Mula Mula"
    assert 80 <= found[0].score < 100
    sadu = table.match_name("S A D U", RegionLevel.KECAMATAN, parent="15.07")
    assert sadu[0].code == "15.07.05" and sadu[0].score == 100.0


def test_kapanewon_kemantren_and_distrik_name_a_kecamatan(table: RegionTable) -> None:
    # DI Yogyakarta says kapanewon (kemantren in the city); Papua says distrik.
    assert name_key("KAPANEWON WATES", 3) == ("WATES", "")
    temon = table.match_name("Kapanewon Temon", RegionLevel.KECAMATAN, parent="34.01")
    assert temon[0].code == "34.01.01" and temon[0].score == 100.0
    jetis = table.match_name("KEMANTREN JETIS", RegionLevel.KECAMATAN, parent="34.71")
    assert jetis[0].code == "34.71.02" and jetis[0].score == 100.0
    mimika = table.match_name("Distrik Mimika Baru", RegionLevel.KECAMATAN, parent="94.04")
    assert mimika[0].code == "94.04.01"


def test_match_within_parent_only(table: RegionTable) -> None:
    in_purwakarta = table.match_name("Cibinong", 4, parent="32.14")
    assert in_purwakarta and all(m.code.startswith("32.14.") for m in in_purwakarta)
    in_bogor = table.match_name("cibinong", 4, parent="32.01")
    assert {"32.01.01.1006", "32.01.11.2008"} <= {m.code for m in in_bogor if m.score == 100}
    assert table.match_name("Cibinong", 4, parent="33.99") == []


def test_kabupaten_and_kota_of_the_same_name(table: RegionTable) -> None:
    assert table.match_name("KOTA BOGOR", 2)[0].code == "32.71"
    assert table.match_name("KAB. BOGOR", 2)[0].code == "32.01"
    plain = table.match_name("BOGOR", 2, parent="32")
    assert [m.code for m in plain[:2]] == ["32.01", "32.71"]  # both offered, kabupaten first


def test_province_names_and_short_forms(table: RegionTable) -> None:
    assert table.match_name("jawa barat", 1)[0].code == "32"
    assert table.match_name("PROV. JAWA BARAT", 1)[0].code == "32"
    assert table.match_name("DKI Jakarta", 1)[0].code == "31"
    assert table.match_name("JATIM", 1)[0].code == "35"


def test_parenthesised_alternative_names(table: RegionTable) -> None:
    codes = {m.code for m in table.match_name("Misool Utara", 3) if m.score == 100}
    assert codes, "a name given in parentheses should match exactly"


def test_nothing_or_nonsense_matches_nothing(table: RegionTable) -> None:
    assert table.match_name("", 3) == []
    assert table.match_name("  ...  ", 3) == []
    assert table.match_name("QXZWVQXZWV", 3) == []


def test_thread_safe_lazy_load() -> None:
    fresh = RegionTable()
    results: list[int] = []

    def worker() -> None:
        results.append(len(fresh.children("32.14.01")))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and results[0] > 0


def test_missing_or_damaged_files_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RegionDataError, match="wilayah.json.gz"):
        RegionTable(tmp_path).get("32")
    (tmp_path / "wilayah.json.gz").write_bytes(gzip.compress(json.dumps([1, 2]).encode()))
    with pytest.raises(RegionDataError, match="not a code"):
        RegionTable(tmp_path).get("32")
    (tmp_path / "wilayah.json.gz").write_bytes(b"not gzip")
    with pytest.raises(RegionDataError):
        RegionTable(tmp_path).get("32")


def test_type_ahead(table: RegionTable) -> None:
    found = table.complete("purwa", 3, "32.14")
    assert found and found[0].code == "32.14.01" and found[0].name == "Purwakarta"
    assert all(r.code.startswith("32.14.") for r in found)
    kab = table.complete("kab. bog", 2)
    assert "32.01" in [r.code for r in kab]
    assert len(table.complete("a", 4, "32.14", limit=7)) == 7
    assert [r.code for r in table.complete("", 3, "32.14")][:2] == ["32.14.01", "32.14.02"]
    assert table.complete("", 3) == []
    assert len(table.complete("", 4, "32.14", limit=5)) == 5


def test_path(table: RegionTable) -> None:
    assert table.path("32.14.01") == "Purwakarta, Kabupaten Purwakarta, Jawa Barat"
    assert table.path("321401") == table.path("32.14.01")
    assert table.path("32.99") == ""
    assert table.path("junk") == ""
