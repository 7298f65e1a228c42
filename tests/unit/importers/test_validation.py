"""Every mistake people make in B.1-KWK lists, row by row, with the codes the report gives."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import IO

import pytest

from silon_desktop.importers.pipeline import ImportOptions, validate_file
from silon_desktop.importers.report import ImportReport
from tests.unit.importers.sheets import HEADER, REFERENCE, REGION, supporter_rows, write_xlsx

N = 16


def mistakes(tmp_path: Path) -> Path:
    rows = supporter_rows(N)
    rows[0][1] = "32140117088"  # 0: too short
    rows[1][1] = "999901" + rows[1][1][6:]  # 1: unknown region in digits 1-6
    rows[2][5] = "P" if rows[2][5] == "L" else "L"  # 2: sex disagrees with the NIK
    rows[3][2] = ""  # 3: no name
    rows[4][4] = "31-02-1990"  # 4: impossible date
    rows[5][4] = "01-01-2010"  # 5: underage and never married (NIK disagrees too)
    rows[5][6] = "Belum Kawin"
    rows[6][12], rows[6][11] = "Coblong", "Dago"  # 6: a Bandung address
    rows[7][7] = "PNS"  # 7: banned occupation
    rows[9] = list(rows[8])  # 8, 9: identical rows
    rows[9][0] = 10
    rows[11] = list(rows[10])  # 10, 11: same NIK, different name
    rows[11][0], rows[11][2] = 12, "Orang Lain"
    rows[12][12] = "Purwakrta"  # 12: misspelt kecamatan, still matched
    rows[13][5], rows[13][6] = ("Laki-laki" if rows[13][5] == "L" else "Perempuan"), "Kawin"
    rows[14][4] = rows[14][4].replace("-", "/")  # 14: dd/mm/yyyy
    rows[15][12] = "Kecamatan Entah Berantah"  # 15: a kecamatan that exists nowhere
    return write_xlsx(tmp_path / "mistakes.xlsx", rows, title_rows=1)


def test_every_mistake_gets_its_code_and_good_rows_stay_good(tmp_path: Path) -> None:
    report = validate_file(
        mistakes(tmp_path), ImportOptions(REGION, REFERENCE, assume_id_scan=True)
    )
    codes = [r.codes for r in report.rows]
    assert [r.row for r in report.rows] == list(range(3, 3 + N))  # header is row 2
    assert codes[0] == ["NIK_FORMAT"]
    assert codes[1] == ["NIK_REGION"]
    assert codes[2] == ["NIK_MISMATCH"]
    assert codes[3] == ["MISSING_FIELD"] and report.rows[3].notes == ["empty:name"]
    # A date that does not exist is said so (not "unreadable", not "empty"), with the cell.
    assert codes[4] == ["MISSING_FIELD"] and report.rows[4].notes == ["impossible:birth_date"]
    assert report.rows[4].read == {"birth_date": "31-02-1990"}
    assert "UNDERAGE" in codes[5]
    assert codes[6] == ["OUTSIDE_REGION"]
    assert codes[7] == ["BANNED_OCCUPATION"]
    assert codes[8] == [] and codes[9] == ["DUPLICATE_IDENTICAL"]
    assert codes[10] == ["DUPLICATE_POTENTIAL"] and codes[11] == ["DUPLICATE_POTENTIAL"]
    # Which row a duplicate repeats, in the sheet's numbers (each of a pair names the other).
    dup = [r.duplicate_of for r in report.rows]
    assert dup[9] == report.rows[8].row and dup[8] == 0
    assert dup[11] == report.rows[10].row and dup[10] == report.rows[11].row
    assert [i for i, d in enumerate(dup) if d] == [9, 10, 11]
    assert codes[12] == [] and codes[13] == [] and codes[14] == []
    assert codes[15] == ["MISSING_FIELD"] and report.rows[15].notes == ["unmatched:kecamatan"]
    assert all(not r.notes for i, r in enumerate(report.rows) if i not in (3, 4, 15))
    statuses = [r.status for r in report.rows]
    assert statuses[0] == "TMS" and statuses[6] == "TMS" and statuses[9] == "TMS"
    assert statuses[2] == "BMS" and statuses[10] == "BMS" and statuses[7] == "BMS"
    assert report.counts() == {"MS": 4, "BMS": 8, "TMS": 4}
    assert sum(report.counts().values()) == N  # nothing dropped

    fuzzy = [m for m in report.places if m.text == "Purwakrta"]
    assert fuzzy and fuzzy[0].code == "32.14.01" and 80 <= fuzzy[0].score < 100
    summary = "\n".join(report.summary_lines())
    assert "'Purwakrta' -> 32.14.01 Purwakarta" in summary
    assert "TMS: 4" in summary and "NIK tidak sesuai format: 1" in summary


def test_without_scans_every_row_is_no_id_scan(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", supporter_rows(3))
    report = validate_file(path, ImportOptions(REGION, REFERENCE))
    assert all(r.codes == ["NO_ID_SCAN"] and r.status == "BMS" for r in report.rows)


def test_json_report_one_object_per_row(tmp_path: Path) -> None:
    report = validate_file(
        mistakes(tmp_path), ImportOptions(REGION, REFERENCE, assume_id_scan=True)
    )
    out = io.StringIO()
    report.write_json(out)
    data = json.loads(out.getvalue())
    assert len(data) == N
    assert data[0] == {"row": 3, "nik": "32140117088", "status": "TMS", "codes": ["NIK_FORMAT"]}
    assert all({"row", "nik", "status", "codes"} <= set(item) for item in data)


def test_a_json_report_that_cannot_be_finished_keeps_the_earlier_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``validate --report`` again under the same name on a disk that fills up while the
    rows are written: the earlier report was truncated first and a cut JSON left in
    its place. Now it stays as it was, and no partial file is left beside it."""
    import errno

    report = validate_file(
        mistakes(tmp_path), ImportOptions(REGION, REFERENCE, assume_id_scan=True)
    )
    target = tmp_path / "laporan.json"
    report.write_json(target)
    earlier = target.read_bytes()
    real_dump = ImportReport._dump

    def fills_up(self: ImportReport, handle: IO[str]) -> None:
        whole = io.StringIO()
        real_dump(self, whole)
        handle.write(whole.getvalue()[:50])  # where the disk filled up
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ImportReport, "_dump", fills_up)
    with pytest.raises(OSError):
        report.write_json(target)
    assert target.read_bytes() == earlier and json.loads(earlier)
    assert sorted(p.name for p in tmp_path.glob("laporan*")) == ["laporan.json"]


def test_potential_duplicate_across_batches_updates_the_first_row(tmp_path: Path) -> None:
    rows = supporter_rows(7)
    rows[6] = list(rows[0])
    rows[6][2] = "Nama Berbeda"
    path = write_xlsx(tmp_path / "d.xlsx", rows)
    seen: list[tuple[int, list[str]]] = []

    def batch(items: object) -> None:
        seen.extend((i.row, list(i.values["check_reasons"])) for i in items)  # type: ignore[attr-defined]

    report = validate_file(
        path, ImportOptions(REGION, REFERENCE, assume_id_scan=True, batch_size=2), on_batch=batch
    )
    assert report.rows[0].codes == ["DUPLICATE_POTENTIAL"]
    assert report.rows[6].codes == ["DUPLICATE_POTENTIAL"]
    assert report.late_updates == {0: "DUPLICATE_POTENTIAL"}  # row 0 had already been handed out
    assert seen[0] == (2, [])


def test_governor_election_matches_kab_kota_inside_the_province(tmp_path: Path) -> None:
    header = [*HEADER, "KABUPATEN/KOTA"]
    rows = [[*row, "Kab. Purwakarta"] for row in supporter_rows(3)]
    rows[1][11], rows[1][12], rows[1][13] = "Dago", "Coblong", "KOTA BANDUNG"
    rows[1][1] = "327302" + rows[1][1][6:]  # a NIK first registered in Coblong
    rows[2][11], rows[2][12], rows[2][13] = "Menteng", "Menteng", "Kota Adm. Jakarta Pusat"
    path = write_xlsx(tmp_path / "gub.xlsx", rows, header)
    report = validate_file(path, ImportOptions("32", REFERENCE, assume_id_scan=True))
    assert [r.codes for r in report.rows] == [[], [], ["OUTSIDE_REGION"]]
    matched = {(m.level, m.text): m.code for m in report.places}
    assert matched[(2, "Kab. Purwakarta")] == "32.14"
    assert matched[(2, "KOTA BANDUNG")] == "32.73"
    assert matched[(3, "Coblong")].startswith("32.73.")


def test_a_desa_of_another_kecamatan_is_not_guessed(tmp_path: Path) -> None:
    rows = supporter_rows(2)
    rows[0][11], rows[0][12] = "Cijaya", "Purwakarta"  # Cijaya lies in Campaka
    report = validate_file(
        write_xlsx(tmp_path / "x.xlsx", rows), ImportOptions(REGION, REFERENCE, assume_id_scan=True)
    )
    assert report.rows[0].codes == ["MISSING_FIELD"]
    assert report.rows[0].notes == ["unmatched:desa"]
    shown = [m for m in report.places if m.text == "Cijaya"]
    assert len(shown) == 1 and shown[0].code == "" and shown[0].parent == "32.14.01"


def test_a_row_gets_the_same_verdict_among_many_as_alone(tmp_path: Path) -> None:
    # The checks remember verdicts, place tests and NIK dates across rows: a
    # row's status, codes and notes must not depend on the rows before it.
    rows = supporter_rows(24)
    rows[1][4] = "31-02-1990"  # unreadable date
    rows[2][12] = "Kecamatan Entah Berantah"  # unmatched place
    rows[3][5], rows[3][4] = "X", "31-02-1990"  # two unreadable values
    rows[4][1] = rows[4][1][:6] + "310290" + rows[4][1][12:]  # impossible NIK date
    rows[5][1] = rows[0][1][:12] + "0042"  # the date digits of row 0, another person
    rows[6][1] = "999901" + rows[6][1][6:]  # unknown region, MISSING_FIELD from the place
    rows[6][11] = "Entah"
    rows[7][12], rows[7][11] = "Coblong", "Dago"  # outside the region
    rows[8][2] = ""  # missing name (the domain's MISSING_FIELD, not the reader's)
    rows[9][2], rows[9][4] = "", "31-02-1990"  # both kinds of MISSING_FIELD
    rows[10][1] = rows[10][1][:6] + "010124" + rows[10][1][12:]  # a baby by the NIK
    rows[11][7] = "PNS"
    rows[12][1] = " " + rows[12][1][:8] + "." + rows[12][1][8:]
    options = ImportOptions(REGION, REFERENCE, batch_size=5)
    together = validate_file(write_xlsx(tmp_path / "all.xlsx", rows), options)
    for i, row in enumerate(rows):
        alone = validate_file(write_xlsx(tmp_path / f"{i}.xlsx", [row]), options)
        one, many = alone.rows[0], together.rows[i]
        assert (one.nik, one.status, one.codes, one.notes) == (
            many.nik,
            many.status,
            many.codes,
            many.notes,
        ), i


def test_a_kecamatan_name_shared_by_two_kabupaten_is_told_apart_by_the_desa_or_not_guessed(
    tmp_path: Path,
) -> None:
    # A governor election's list without a KABUPATEN/KOTA column: "Plered" and
    # "Campaka" are kecamatan of both Purwakarta and another kabupaten of Jawa Barat.
    rows = supporter_rows(4)
    rows[0][11], rows[0][12] = "Citeko", "Plered"  # only Plered (Purwakarta) has Citeko
    rows[1][11], rows[1][12] = "Cirende", "Campaka"  # only Campaka (Purwakarta) has Cirende
    rows[2][11], rows[2][12] = "Campaka", "Campaka"  # both Campaka have a desa Campaka
    rows[3][11], rows[3][12] = "Sukamaju", ""  # a desa name in many kecamatan, none written
    path = write_xlsx(tmp_path / "gub.xlsx", rows)
    report = validate_file(path, ImportOptions("32", REFERENCE, assume_id_scan=True))
    assert [r.codes for r in report.rows[:2]] == [[], []]
    assert report.rows[2].codes == ["MISSING_FIELD"]
    assert report.rows[2].notes == ["ambiguous:kecamatan"]
    assert report.rows[3].codes == ["MISSING_FIELD"]
    assert report.rows[3].notes == ["ambiguous:desa"]
    shown = {m.text: m for m in report.places}
    assert shown["Plered (desa Citeko)"].code == "32.14.04"
    assert shown["Campaka (desa Cirende)"].code == "32.14.02"
    ambiguous = shown["Campaka (desa Campaka)"]
    assert ambiguous.code == "" and "32.03.15" in ambiguous.name and "32.14.02" in ambiguous.name
    assert "ambigu: " in "\n".join(report.summary_lines())


def test_a_kabupaten_list_keeps_matching_kecamatan_names_inside_it(tmp_path: Path) -> None:
    rows = supporter_rows(2)
    rows[0][11], rows[0][12] = "Campaka", "Campaka"
    rows[1][11], rows[1][12] = "Cirende", ""  # unique inside Purwakarta: its kecamatan follows
    path = write_xlsx(tmp_path / "kab.xlsx", rows)
    report = validate_file(path, ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert [(r.codes, r.notes) for r in report.rows] == [([], []), ([], [])]


def test_dukcapils_marital_statuses_are_read(tmp_path: Path) -> None:
    """Lists copied from Dukcapil data write the status as the KTP-el and KK do since
    2019 ("KAWIN TERCATAT", "KAWIN BELUM TERCATAT", "CERAI HIDUP TERCATAT" ...). They
    were unreadable: MISSING_FIELD (BMS) for every married supporter, and a supporter
    under 17 "BELUM NIKAH" lost UNDERAGE (DOMAIN.md: "under 17 at the reference date
    and never married"), while one married at 16 was no MS."""
    import datetime as dt

    from silon_desktop.domain.nik import build_nik

    rows = supporter_rows(7)
    words = [
        "KAWIN TERCATAT",
        "Kawin Belum Tercatat",
        "CERAI HIDUP TERCATAT",
        "CERAI HIDUP BELUM TERCATAT",
        "CERAI MATI TERCATAT",
    ]
    for row, word in zip(rows, words, strict=False):
        row[6] = word
    teen = dt.date(REFERENCE.year - 16, 1, 15)  # 16 at the reference date
    for i, word in ((5, "BELUM NIKAH"), (6, "KAWIN TERCATAT")):
        rows[i][1] = build_nik("32.14.01", teen, rows[i][5], 9000 + i)
        rows[i][4] = teen.strftime("%d-%m-%Y")
        rows[i][6] = word
    report = validate_file(
        write_xlsx(tmp_path / "dukcapil.xlsx", rows),
        ImportOptions(REGION, REFERENCE, assume_id_scan=True),
    )
    codes = [r.codes for r in report.rows]
    assert codes[:5] == [[]] * 5
    assert codes[5] == ["UNDERAGE"]
    assert codes[6] == []  # married: may support under 17


def test_a_kabkota_name_of_a_kabupaten_and_a_kota_follows_the_kecamatan(tmp_path: Path) -> None:
    """A governor election's list naming the kab/kota "BOGOR" (Kabupaten Bogor and
    Kota Bogor alike) and the kecamatan Bogor Tengah (Kota Bogor): the row's kab/kota
    code was Kabupaten Bogor's beside Bogor Tengah's kecamatan code, so the recap
    counted the supporter in Kabupaten Bogor's spread and the public pages (which group
    kecamatan by their kab/kota) in Kota Bogor's (DOMAIN.md: "supporters in more than
    half of the kab/kota (governor)"). A row whose kab/kota name fits one kab/kota
    only ("KAB. BOGOR") and whose kecamatan lies in another is not guessed: the
    kecamatan is unmatched (MISSING_FIELD), as a desa of another kecamatan is."""
    from silon_desktop.importers.places import PlaceMatcher

    matcher = PlaceMatcher("32")
    place = matcher.place("BOGOR", "Bogor Tengah", "Paledang")
    assert (place.kabkota_code, place.kecamatan_code, place.desa_code) == (
        "32.71",
        "32.71.03",
        "32.71.03.1002",
    )
    assert (place.unmatched, place.ambiguous) == ((), ())
    # A bare name without a kecamatan that tells stays the kabupaten, as before.
    assert matcher.place("BOGOR", "Cibinong", "").kabkota_code == "32.01"
    assert matcher.place("BOGOR", "", "").kabkota_code == "32.01"
    contradicted = matcher.place("KAB. BOGOR", "Bogor Tengah", "Paledang")
    assert contradicted.kabkota_code == "32.01"
    assert contradicted.kecamatan_code == "" and contradicted.desa_code == ""
    assert contradicted.unmatched == ("kecamatan", "desa")

    header = [*HEADER, "KABUPATEN/KOTA"]
    rows = [[*row, "Kab. Purwakarta"] for row in supporter_rows(2)]
    rows[0][11], rows[0][12], rows[0][13] = "Paledang", "Bogor Tengah", "BOGOR"
    rows[1][11], rows[1][12], rows[1][13] = "Paledang", "Bogor Tengah", "KAB. BOGOR"
    path = write_xlsx(tmp_path / "gub.xlsx", rows, header)
    report = validate_file(path, ImportOptions("32", REFERENCE, assume_id_scan=True))
    assert [(r.codes, r.notes) for r in report.rows] == [
        ([], []),
        (["MISSING_FIELD"], ["unmatched:kecamatan", "unmatched:desa"]),
    ]
