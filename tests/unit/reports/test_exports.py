"""Recap figures, the B.1.1-KWK and B.2-KWK exports, and the import templates."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import python_calamine

from silon_desktop.importers.pipeline import ImportOptions, validate_file
from silon_desktop.importers.store import import_file
from silon_desktop.reports.recap import PairNotFound, pair_recap
from silon_desktop.reports.sanitize import safe_cell
from silon_desktop.reports.templates import TEMPLATE_HEADER, save_template
from silon_desktop.reports.xlsx_export import export_b2, export_b11
from silon_desktop.storage.db import Database, open_database
from tests.fixtures import seed_election, verify_as_forecast
from tests.unit.importers.sheets import REFERENCE, REGION, supporter_rows, write_csv, write_xlsx


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    seed_election(
        database,
        name="Pemilihan Bupati dan Wakil Bupati Purwakarta 2024",
        number=1,
        head_name="Asep",
        deputy_name="Euis",
    )
    yield database
    database.close()


def read(path: Path, sheet: str) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def imported(db: Database, tmp_path: Path) -> list[list[object]]:
    rows = supporter_rows(12)
    rows[0][1] = "123"  # TMS
    rows[1][2] = "=cmd|' /C calc'!A0"  # formula injection in the name
    rows[2][8] = "@SUM(1+1)*cmd|' /C notepad'!A0"  # and in the address
    rows[3][7] = "PNS"  # BMS
    import_file(db, write_xlsx(tmp_path / "in.xlsx", rows), "p1", assume_id_scan=True)
    verify_as_forecast(db)  # a person confirms every forecast
    return rows


def test_an_import_alone_is_a_forecast_and_counts_no_verdict(db: Database, tmp_path: Path) -> None:
    rows = supporter_rows(12)
    rows[0][1] = "123"
    rows[3][7] = "PNS"
    import_file(db, write_xlsx(tmp_path / "in.xlsx", rows), "p1", assume_id_scan=True)
    recap = pair_recap(db.engine, "p1")
    assert (recap.totals.ms, recap.totals.bms, recap.totals.tms) == (0, 0, 0)
    assert recap.totals.unchecked == 12 and recap.shortfall == 55_045
    assert (recap.forecast.ms, recap.forecast.bms, recap.forecast.tms) == (10, 1, 1)
    assert recap.reasons == {}  # the forecast's reasons are no verdict's
    assert recap.spread_met == 0


def test_the_decree_figures_are_used_and_a_difference_is_told(db: Database) -> None:
    from sqlalchemy import update

    from silon_desktop.storage.models import Election

    with db.session() as session:  # Kota Depok 2024 as the KPU decree states it
        session.execute(
            update(Election).values(
                kind="walikota",
                dpt=1_393_282,
                subregion_count=11,
                official_threshold=90_563,
                official_spread=6,
                official_party_votes=70_746,
            )
        )
    recap = pair_recap(db.engine, "p1")
    assert (recap.required, recap.computed_required) == (90_563, 90_564)
    assert recap.spread_required == recap.computed_spread_required == 6
    assert recap.figure_differences == [("threshold", 90_563, 90_564)]
    assert recap.official_party_votes == 70_746
    with db.session() as session:
        session.execute(update(Election).values(official_threshold=None))
    again = pair_recap(db.engine, "p1")
    assert again.required == 90_564 and again.figure_differences == []


def test_recap_counts_threshold_and_spread(db: Database, tmp_path: Path) -> None:
    imported(db, tmp_path)
    recap = pair_recap(db.engine, "p1")
    assert (recap.totals.ms, recap.totals.bms, recap.totals.tms) == (10, 1, 1)
    assert recap.required == 55_045  # Purwakarta, DPT 733,927 (DOMAIN.md)
    assert recap.spread_required == 9  # 17 kecamatan
    assert recap.spread_met == 4  # the generator spreads over four kecamatan
    assert recap.meets_threshold is False and recap.shortfall == 55_045 - 10
    assert len([a for a in recap.areas if a.code]) == 17  # every kecamatan listed
    purwakarta = next(a for a in recap.areas if a.code == "32.14.01")
    assert purwakarta.name == "Purwakarta" and purwakarta.total == 3
    assert sum(d.total for d in recap.desa) == 12
    assert recap.reasons == {"BANNED_OCCUPATION": 1, "NIK_FORMAT": 1}
    assert "Asep" in recap.pair_label and "Purwakarta" in recap.election_label
    with pytest.raises(PairNotFound):
        pair_recap(db.engine, "nope")


def test_b11_export_lists_everyone_with_reasons_and_neutral_formulas(
    db: Database, tmp_path: Path
) -> None:
    rows = imported(db, tmp_path)
    out = tmp_path / "b11.xlsx"
    assert export_b11(db.engine, "p1", out) == 12
    cells = read(out, "B.1.1-KWK")
    header = cells[4]
    assert header[1] == "NIK" and header[-2] == "STATUS" and header[-1] == "KETERANGAN"
    body = [r for r in cells[5:] if r[0] != ""]
    assert len(body) == 12
    by_nik = {r[1]: r for r in body}
    assert by_nik["123"][-2] == "TMS" and "NIK tidak sesuai format" in str(by_nik["123"][-1])
    assert by_nik[rows[1][1]][2] == "'=cmd|' /C calc'!A0"
    assert str(by_nik[rows[2][1]][8]).startswith("'@SUM")
    for row in body:
        for value in row[1:]:
            assert not str(value).startswith(("=", "+", "@")), row
    # The export can be imported again: same people, same verdicts.
    again = validate_file(out, ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert again.total == 12


def test_reports_read_while_a_writer_holds_the_lock(db: Database, tmp_path: Path) -> None:
    imported(db, tmp_path)
    writer = sqlite3.connect(db.path, timeout=0.1, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # an import or a sync holding the write lock
        assert pair_recap(db.engine, "p1").totals.total == 12
        assert export_b11(db.engine, "p1", tmp_path / "b11.xlsx") == 12
        writer.execute("COMMIT")
    finally:
        writer.close()


def test_b2_export_counts_by_kecamatan_and_desa(db: Database, tmp_path: Path) -> None:
    imported(db, tmp_path)
    out = export_b2(pair_recap(db.engine, "p1"), tmp_path / "b2.xlsx")
    cells = read(out, "B.2-KWK")
    text = "\n".join(" | ".join(str(c) for c in row) for row in cells)
    assert "REKAPITULASI DUKUNGAN" in text
    # The summary's figures are numbers (Excel can add them up), their meaning beside them.
    assert "Syarat minimal dukungan |  | 55045.0 | kurang 55.035" in text
    assert (
        "Syarat sebaran |  | 4.0 | kecamatan dengan dukungan MS, dari 17; minimal 9 "
        "(belum terpenuhi)" in text
    )
    assert (
        "Syarat masa perbaikan |  | 55035.0 | dukungan paling sedikit, dari pendukung baru,"
        " tersebar di paling sedikit 5 kecamatan lagi" in text
    )
    total = next(r for r in cells if r[2] == "JUMLAH")
    assert total[3:8] == [10.0, 1.0, 1.0, 0.0, 12.0]
    desa = read(out, "Per Desa")
    assert sum(float(r[8]) for r in desa[1:] if r[0] != "") == 12
    # Imported here and never synced: the recap says the server has none of it yet.
    assert (
        "Perubahan belum diterima server |  | 12.0 | PERHATIAN: 12 perubahan data dukungan pasangan"
        " calon ini di komputer ini belum diterima server." in text
    )
    assert "Konflik belum diselesaikan |  | 0.0 | " in text


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+62 812", "'+62 812"),
        ("-5", "-5"),
        ("@cmd", "'@cmd"),
        ("\uff1dcmd", "'\uff1dcmd"),
        ("Budi\u202e", "Budi"),
        ("Asep", "Asep"),
    ],
)
def test_safe_cell(value: str, safe: str) -> None:
    assert safe_cell(value) == safe


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_templates_are_recognised_by_the_importer(tmp_path: Path, suffix: str) -> None:
    template = save_template(tmp_path / f"templat{suffix}")
    if suffix == ".xlsx":
        cells = read(template, "B.1-KWK")
        assert tuple(cells[0]) == TEMPLATE_HEADER
    filled = [[*row, ""] for row in supporter_rows(3)]
    path = (
        write_xlsx(tmp_path / "isi.xlsx", filled, TEMPLATE_HEADER)
        if suffix == ".xlsx"
        else write_csv(tmp_path / "isi.csv", filled, TEMPLATE_HEADER)
    )
    report = validate_file(path, ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert report.counts()["MS"] == 3
    assert len(report.mapping.columns) == 13  # every template column but NO


def test_shipped_templates_match_the_generator() -> None:
    shipped = Path(__file__).resolve().parents[3] / "resources" / "templates"
    cells = read(shipped / "B1-KWK-Perseorangan.xlsx", "B.1-KWK")
    assert tuple(cells[0]) == TEMPLATE_HEADER
    first = (shipped / "B1-KWK-Perseorangan.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert tuple(first.split(",")) == TEMPLATE_HEADER


def test_b2_summary_adds_up_and_the_desa_sheet_has_its_total(db: Database, tmp_path: Path) -> None:
    imported(db, tmp_path)
    out = export_b2(pair_recap(db.engine, "p1"), tmp_path / "b2.xlsx")
    summary = {r[0]: r[2] for r in read(out, "B.2-KWK")[4:10] if r and r[0]}
    assert summary["Belum diverifikasi"] == 0.0  # MS + BMS + TMS + unchecked = Jumlah pendukung
    assert summary["Jumlah pendukung"] == 12.0
    assert all(isinstance(summary[k], float) for k in summary if k != "Tahap")
    desa = read(out, "Per Desa")
    total = next(r for r in desa if r[3] == "JUMLAH")
    assert total[4:9] == [10.0, 1.0, 1.0, 0.0, 12.0]


def test_b2_of_a_2020_pair_asks_twice_the_shortfall_as_the_dashboard(
    db: Database, tmp_path: Path
) -> None:
    imported(db, tmp_path)
    recap = dataclasses.replace(pair_recap(db.engine, "p1"), rule_set="pilkada-2020")
    assert recap.correction is not None and recap.correction.supporters == 2 * 55_035
    out = export_b2(recap, tmp_path / "b2.xlsx")
    summary = {r[0]: (r[2], r[3]) for r in read(out, "B.2-KWK") if r and r[0]}
    assert summary["Syarat masa perbaikan"] == (110_070.0, "dukungan (dua kali kekurangan)")


def test_b2_numbers_are_shown_the_indonesian_way(db: Database, tmp_path: Path) -> None:
    """Numbers, not text, with a format that shows 55.045 in any Excel (not 55,045)."""
    import zipfile

    imported(db, tmp_path)
    out = export_b2(pair_recap(db.engine, "p1"), tmp_path / "b2.xlsx")
    with zipfile.ZipFile(out) as book:
        styles = book.read("xl/styles.xml").decode()
    assert 'formatCode="[&gt;=1000000]#&quot;.&quot;###&quot;.&quot;###;' in styles
    cells = read(out, "B.2-KWK")
    required = next(r for r in cells if r[0] == "Syarat minimal dukungan")
    assert required[2] == 55045.0


def test_a_stages_berita_acara_counts_an_external_duplicate_as_the_recap_does(
    db: Database, tmp_path: Path
) -> None:
    """A supporter whose NIK also backs another pair (the server's flag) is not MS on the
    dashboard, B.2 and the public pages: the vermin and verfak berita acara leave it out
    of MS too (they counted its raw MS verdict beside a total of MS that left it out);
    BMS in the vermin, TMS once met in the field (where no BMS remains)."""
    from sqlalchemy import select

    from silon_desktop.storage.derived import refresh_derived
    from silon_desktop.storage.models import Supporter

    rows = supporter_rows(12)
    import_file(db, write_xlsx(tmp_path / "in.xlsx", rows), "p1", assume_id_scan=True)
    verify_as_forecast(db)
    before = pair_recap(db.engine, "p1").totals
    with db.session() as session:
        flagged = session.scalars(
            select(Supporter).where(Supporter.admin_status == "MS").order_by(Supporter.nik)
        ).first()
        assert flagged is not None
        flagged.external_duplicate = True  # as a pull applies the server's flag
        flagged.field_status = "MS"  # and met in the field
        refresh_derived(session, "supporter", flagged)
    whole = pair_recap(db.engine, "p1")
    # Met in the field, where no BMS remains: TMS (DUPLICATE_EXTERNAL) as in verfak I.
    assert (whole.totals.ms, whole.totals.bms, whole.totals.tms) == (
        before.ms - 1,
        before.bms,
        before.tms + 1,
    )
    for stage in ("vermin", "verfak_1"):
        recap = pair_recap(db.engine, "p1", stage)
        counted = recap.totals
        assert counted.ms <= whole.totals.ms, stage
        assert counted.bms + counted.tms >= 1, stage
        assert recap.reasons.get("DUPLICATE_EXTERNAL") == 1, stage
    vermin = pair_recap(db.engine, "p1", "vermin").totals
    # The office's minutes: the same MS; the flagged row BMS there (fixable then).
    assert (vermin.ms, vermin.bms, vermin.tms) == (
        whole.totals.ms,
        whole.totals.bms + 1,
        whole.totals.tms - 1,
    )
    verfak = pair_recap(db.engine, "p1", "verfak_1").totals
    # The one row met in the field: field verification ends in MS or TMS, so TMS.
    assert (verfak.ms, verfak.bms, verfak.tms) == (0, 0, 1)


@pytest.mark.parametrize("kind", ["b11", "b2"])
def test_a_full_disk_keeps_the_earlier_export_of_that_name(
    db: Database, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The B.1.1-KWK or B.2-KWK made again under the same name (the save dialog's
    default: the pair and the day) on a disk that fills up while the file is written:
    the B.1.1 export truncated the earlier file before it started and removed it on
    failure; the B.2 left a cut file in its place. Both told the operator nothing was
    saved. Now the earlier file stays as it was and nothing of the failed one is left."""
    import errno

    import xlsxwriter

    imported(db, tmp_path)
    target = tmp_path / f"{kind}-paslon-1-2024-08-17.xlsx"

    def export() -> None:
        if kind == "b11":
            export_b11(db.engine, "p1", target)
        else:
            export_b2(pair_recap(db.engine, "p1"), target)

    export()
    earlier = target.read_bytes()

    real_close = xlsxwriter.Workbook.close

    def fills_up(book: xlsxwriter.Workbook) -> None:
        real_close(book)
        with open(book.filename, "rb+") as handle:
            handle.truncate(100)  # the zip cut where the disk filled up
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", fills_up)
    with pytest.raises(OSError):
        export()
    assert target.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.glob(f"{kind}-*")) == [target.name]


def test_a_stages_recap_lists_the_reasons_of_that_stages_verdicts(
    db: Database, tmp_path: Path
) -> None:
    """The administrative verification's recap counts each row by its administrative
    verdict, and lists the reasons of those verdicts: a supporter MS there and found
    TMS in the field (NOT_FOUND) is no reason of the administrative verification (its
    recap listed NOT_FOUND beside a count in which that row was MS), and the field
    verification's recap lists the field's reasons."""
    from sqlalchemy import select

    from silon_desktop.storage.derived import refresh_derived
    from silon_desktop.storage.models import Supporter

    imported(db, tmp_path)
    vermin_before = pair_recap(db.engine, "p1", "vermin")
    assert "NOT_FOUND" not in vermin_before.reasons
    with db.session() as session:
        met = session.scalars(
            select(Supporter).where(Supporter.admin_status == "MS").order_by(Supporter.nik)
        ).first()
        assert met is not None
        met.field_status, met.field_reasons = "TMS", ["NOT_FOUND"]  # not met in the field
        refresh_derived(session, "supporter", met)
    vermin = pair_recap(db.engine, "p1", "vermin")
    assert vermin.totals.ms == vermin_before.totals.ms  # still MS in that stage
    assert vermin.reasons == vermin_before.reasons
    verfak = pair_recap(db.engine, "p1", "verfak_1")
    assert (verfak.totals.ms, verfak.totals.tms) == (0, 1)
    assert verfak.reasons == {"NOT_FOUND": 1}
    # The recap of every round lists the reasons of the verdicts that count.
    assert pair_recap(db.engine, "p1").reasons.get("NOT_FOUND") == 1


def test_a_kabkotas_share_of_a_governor_pair_is_recapped_without_a_verdict_of_its_own(
    db: Database, tmp_path: Path
) -> None:
    """The B.2-KWK of a kab/kota account on a governor pair: its share, with the
    province's requirement said to be decided by the province's recap; it printed
    "kurang" and a correction computed from the share alone. A share is only ever
    a governor pair's: a bupati pair's recap is whole whoever asks."""
    from sqlalchemy import update

    from silon_desktop.storage.models import Election

    imported(db, tmp_path)
    assert not pair_recap(db.engine, "p1", share="32.14").share  # a bupati election
    with db.session() as session:
        session.execute(
            update(Election)
            .where(Election.id == "e1")
            .values(
                kind="gubernur",
                region_code="32",
                name="Pemilihan Gubernur Jawa Barat 2024",
                dpt=35_714_901,
                subregion_count=27,
            )
        )
    share = pair_recap(db.engine, "p1", share="32.14")
    assert share.share and (share.share_code, share.share_name) == ("32.14", "Kabupaten Purwakarta")
    assert share.required == 2_321_469 and share.totals.ms == pair_recap(db.engine, "p1").totals.ms
    out = export_b2(share, tmp_path / "b2.xlsx")
    text = "\n".join(" | ".join(str(c) for c in row) for row in read(out, "B.2-KWK"))
    assert "Dukungan yang direkap |  | 32.14 | Kabupaten Purwakarta" in text
    assert (
        "Syarat minimal dukungan |  | 2321469.0 | tingkat provinsi: ditetapkan dalam "
        "rekapitulasi KPU Jawa Barat" in text
    )
    assert "kurang" not in text and "Syarat masa perbaikan" not in text
    whole = export_b2(pair_recap(db.engine, "p1"), tmp_path / "b2-provinsi.xlsx")
    assert "kurang 2.321" in "\n".join(
        " | ".join(str(c) for c in row) for row in read(whole, "B.2-KWK")
    )


def test_an_ms_supporter_living_outside_the_region_adds_no_area_to_the_spread(
    db: Database, tmp_path: Path
) -> None:
    """The spread is a majority of the election's own kecamatan (17 in Purwakarta): an MS
    supporter whose kecamatan lies in another kab/kota (a verdict given over the check's
    OUTSIDE_REGION, or codes a sync brought) made an 18th area and counted towards it, on
    the recap, its berita acara and the B.2-KWK."""
    from sqlalchemy import select

    from silon_desktop.storage.derived import refresh_derived
    from silon_desktop.storage.models import Supporter

    imported(db, tmp_path)  # 12 rows over 4 kecamatan, 10 of them MS
    assert pair_recap(db.engine, "p1").spread_met == 4
    with db.session() as session:
        moved = session.scalars(
            select(Supporter)
            .where(Supporter.admin_status == "MS", Supporter.kecamatan_code == "32.14.01")
            .order_by(Supporter.nik)
        ).first()
        assert moved is not None
        # Kec. Lembang of Kab. Bandung Barat (32.17): the row's other MS neighbours in
        # Purwakarta (32.14.01) keep that kecamatan in the spread.
        moved.kecamatan_code, moved.desa_code, moved.kabkota_code = (
            "32.17.01",
            "32.17.01.2001",
            "32.17",
        )
        refresh_derived(session, "supporter", moved)
    recap = pair_recap(db.engine, "p1")
    assert recap.totals.ms == 10  # the person's verdict still counts
    outside = next(a for a in recap.areas if a.code == "32.17.01")
    assert outside.ms == 1  # listed where it lives
    assert recap.spread_met == 4 and recap.correction is not None
    assert recap.correction.areas == 9 - 4
    assert pair_recap(db.engine, "p1", "vermin").spread_met == 4
    out = export_b2(recap, tmp_path / "b2.xlsx")
    rows = read(out, "B.2-KWK")
    assert next(r for r in rows if r[1] == "32.17.01")[8] == "-"
    assert next(r for r in rows if r[2] == "JUMLAH")[8] == "4"


@pytest.mark.parametrize(
    ("rule_set", "stage", "after"),
    [
        ("pilkada-2024", "vermin", True),
        ("pilkada-2024", "verfak_1", True),
        ("pilkada-2024", "vermin_correction_2", False),
        ("pilkada-2024", "verfak_2", False),
        ("pilkada-2024", "recap", False),
        ("pilkada-2020", "verfak", True),
        ("pilkada-2020", "vermin_correction_1", False),
        ("pilkada-2020", "verfak_correction_1", False),
    ],
)
def test_a_stages_recap_asks_a_correction_only_where_a_correction_round_follows(
    db: Database, tmp_path: Path, rule_set: str, stage: str, after: bool
) -> None:
    """The berita acara of a stage prints what the correction round must bring; after
    the last correction round's stages there is none left (the pair is short, and
    that is the verdict): the minutes of 2024's verfak II or 2020's verification of
    the correction asked for 'dua kali kekurangan' in a round that no longer comes."""
    from sqlalchemy import update

    from silon_desktop.storage.models import Election

    imported(db, tmp_path)
    with db.session() as session:
        session.execute(update(Election).values(rule_set=rule_set))
    recap = pair_recap(db.engine, "p1", stage)
    assert recap.shortfall == 55_045 - 10 and recap.meets_threshold is False
    assert (recap.correction is not None) is after
    if after:
        assert recap.correction is not None and recap.correction.supporters > 0
    # The recap of every round (the dashboard's) still tells what a correction needs.
    assert pair_recap(db.engine, "p1").correction is not None


def _correction_rows(db: Database, tmp_path: Path, arrival: str, count: int = 4) -> list[str]:
    """``count`` supporters handed in in the correction round ``arrival``, each given
    the verdict the check forecast (MS); their ids, by NIK."""
    from sqlalchemy import select

    from silon_desktop.storage.models import Supporter

    rows = supporter_rows(count, seed=9, start_sequence=500 + 100 * int(arrival[-1]))
    path = write_xlsx(tmp_path / f"{arrival}.xlsx", rows)
    import_file(db, path, "p1", assume_id_scan=True, round=arrival)
    verify_as_forecast(db, where={"round": arrival})
    with db.session(readonly=True) as session:
        return list(
            session.scalars(
                select(Supporter.id).where(Supporter.round == arrival).order_by(Supporter.nik)
            )
        )


def test_a_correction_rounds_external_duplicate_is_tms_in_its_berita_acara(
    db: Database, tmp_path: Path
) -> None:
    """A correction round's supporter is verified for the last time in that round's
    administrative verification: only MS and TMS remain, and a reason the rules make
    BMS gives TMS (RuleSet.verdict_status). One whose NIK also backs another pair (the
    server's DUPLICATE_EXTERNAL) was 'BMS 1' in BA.VERMIN of correction I."""
    from silon_desktop.storage.derived import refresh_derived
    from silon_desktop.storage.models import Supporter

    imported(db, tmp_path)
    late = _correction_rows(db, tmp_path, "correction_1")
    with db.session() as session:
        flagged = session.get(Supporter, late[0])
        assert flagged is not None and flagged.admin_status == "MS"
        flagged.external_duplicate = True  # as a pull applies the server's flag
        refresh_derived(session, "supporter", flagged)
    recap = pair_recap(db.engine, "p1", "vermin_correction_1")
    assert (recap.totals.ms, recap.totals.bms, recap.totals.tms) == (3, 0, 1)
    assert recap.reasons == {"DUPLICATE_EXTERNAL": 1}
    # A submission's row flagged so is still BMS in its vermin (fixable in a correction).
    assert pair_recap(db.engine, "p1", "vermin").totals.bms == 1


def test_the_recap_of_every_stage_counts_a_bms_left_from_the_submission_as_tms(
    db: Database, tmp_path: Path
) -> None:
    """After the verification of a correction round only MS and TMS remain (DOMAIN.md):
    a submission's supporter left BMS (a PNS, BANNED_OCCUPATION in 2024) that no
    correction made MS is TMS in the plenary's recap of every stage. It printed
    'Belum memenuhi syarat (BMS) 1' in the minutes of the final recap."""
    imported(db, tmp_path)  # 10 MS, 1 BMS (BANNED_OCCUPATION), 1 TMS (NIK_FORMAT)
    final = pair_recap(db.engine, "p1", "recap")
    assert (final.totals.ms, final.totals.bms, final.totals.tms) == (10, 0, 2)
    assert final.reasons == {"BANNED_OCCUPATION": 1, "NIK_FORMAT": 1}  # still its reason
    assert sum(a.bms for a in final.areas) == sum(d.bms for d in final.desa) == 0
    assert sum(a.tms for a in final.areas) == sum(d.tms for d in final.desa) == 2
    # The administrative verification's own minutes still show the BMS it gave.
    vermin = pair_recap(db.engine, "p1", "vermin").totals
    assert (vermin.ms, vermin.bms, vermin.tms) == (10, 1, 1)


def test_a_stages_threshold_counts_no_row_of_a_later_round(db: Database, tmp_path: Path) -> None:
    """Each row belongs to the round it was submitted in (DOMAIN.md): the minutes of the
    administrative verification measure the threshold by the MS so far, and the
    correction they ask for by what is missing then. Printed again after correction I
    was verified, BA.VERMIN counted correction I's 4 MS too: 'Jumlah MS seluruh tahap
    sampai kini 14' and a shortfall of 55.031 instead of 10 and 55.035."""
    imported(db, tmp_path)  # 10 MS in the submission
    _correction_rows(db, tmp_path, "correction_1")  # 4 MS in correction I
    _correction_rows(db, tmp_path, "correction_2", 3)  # 3 MS in correction II
    vermin = pair_recap(db.engine, "p1", "vermin")
    assert vermin.ms_total == 10 and vermin.shortfall == 55_045 - 10
    assert vermin.correction is not None and vermin.correction.supporters == 55_035
    assert pair_recap(db.engine, "p1", "vermin_correction_1").ms_total == 14
    assert pair_recap(db.engine, "p1", "vermin_correction_2").ms_total == 17
    assert pair_recap(db.engine, "p1", "recap").ms_total == 17
    assert pair_recap(db.engine, "p1").ms_total == 17


def test_a_stages_threshold_counts_no_verdict_of_a_later_stage(
    db: Database, tmp_path: Path
) -> None:
    """The minutes of a stage measure the threshold by the verdicts given by then: a
    supporter MS in the administrative verification and not found in the field later
    (NOT_FOUND) is MS in BA.VERMIN. Printed again after field verification I, BA.VERMIN
    said 'Memenuhi syarat (MS) 10' beside 'Jumlah MS seluruh tahap sampai kini 9' and a
    shortfall of 55.036, where the vermin had found 10 MS and a shortfall of 55.035."""
    from sqlalchemy import select

    from silon_desktop.storage.derived import refresh_derived
    from silon_desktop.storage.models import Supporter

    imported(db, tmp_path)  # 10 MS in the submission's administrative verification
    with db.session() as session:
        met = session.scalars(
            select(Supporter).where(Supporter.admin_status == "MS").order_by(Supporter.nik)
        ).first()
        assert met is not None
        met.field_status, met.field_reasons = "TMS", ["NOT_FOUND"]
        refresh_derived(session, "supporter", met)
    vermin = pair_recap(db.engine, "p1", "vermin")
    assert (vermin.totals.ms, vermin.ms_total, vermin.shortfall) == (10, 10, 55_035)
    assert vermin.correction is not None and vermin.correction.supporters == 55_035
    assert vermin.spread_met == 4
    # From field verification I on, that verdict counts.
    assert pair_recap(db.engine, "p1", "verfak_1").ms_total == 9
    assert pair_recap(db.engine, "p1", "recap").ms_total == 9
    assert pair_recap(db.engine, "p1").ms_total == 9
