"""XLSX exports: the B.1.1-KWK list of supporters and the B.2-KWK recap.

Plain xlsxwriter, no Qt. The supporter list streams from the database in pages
into xlsxwriter's constant-memory mode, so a million rows never sit in memory.
Every text cell passes :func:`~silon_desktop.reports.sanitize.safe_cell`:
formula injection in a name or an address is written as harmless text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, select

from silon_desktop.domain.codes import Status
from silon_desktop.domain.labels import STATUS_LABELS_ID, reason_label_id, round_label_id
from silon_desktop.domain.regions import default_table
from silon_desktop.domain.rules import rule_set_for
from silon_desktop.domain.supporters import PERSON_FIELDS
from silon_desktop.domain.text import group_thousands
from silon_desktop.reports.recap import PRACTICE_MARK, PairRecap, pair_recap
from silon_desktop.reports.sanitize import safe_cell
from silon_desktop.storage.db import read_only
from silon_desktop.storage.models import Supporter
from silon_desktop.storage.supporter_queries import counted_status
from sync.privacy import scratch_folder, written_whole

_SUPPORTER: Table = Supporter.__table__  # type: ignore[assignment]
_PAGE = 5000

B11_HEADER = (
    "NO",
    "NIK",
    "NAMA",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "JENIS KELAMIN",
    "STATUS PERKAWINAN",
    "PEKERJAAN",
    "ALAMAT",
    "RT",
    "RW",
    "DESA/KELURAHAN",
    "KECAMATAN",
    "KABUPATEN/KOTA",
    "TAHAP",
    "PERKIRAAN OTOMATIS",
    "STATUS",
    "KETERANGAN",
)
_COLUMNS = (
    "nik",
    *PERSON_FIELDS,
    "kabkota_code",
    "round",
    "check_status",
    "effective_status",
    "effective_reasons",
)


def reason_text(reasons: str) -> str:
    """``"NIK_FORMAT,NO_ID_SCAN"`` as Indonesian labels joined by "; "."""
    return "; ".join(reason_label_id(code) for code in reasons.split(",") if code)


def export_b11(
    engine: Engine,
    pair_id: str,
    target: str | Path,
    progress: Callable[[int], None] | None = None,
    *,
    tmp_root: Path | None = None,
    practice: bool = False,
) -> int:
    """Write the pair's supporters with status and reasons (Model B.1.1-KWK), marked
    LATIHAN for practice data (the database's mark, or ``practice``: a training folder's).

    xlsxwriter's scratch files (every row, NIKs and names) go to a private folder
    under ``tmp_root`` (default: ``tmp`` beside the database file, i.e. the data
    folder's), never to the system's temp folder, and are removed when the export
    ends or fails (or, after a killed export, at the next start).

    Returns:
        The number of supporters written.

    Raises:
        OSError: the file cannot be written there.
    """
    recap = pair_recap(engine, pair_id)
    recap.practice = recap.practice or practice
    # Fail before the work (and before xlsxwriter's temporary files, which a
    # failing close leaves open) when the file cannot be written there; never half
    # a list, and an earlier file of that name kept until the new one is whole.
    with written_whole(Path(target)) as partial:
        with scratch_folder(tmp_root or _tmp_beside(engine, Path(target))) as scratch:
            return _write_b11(engine, pair_id, partial, progress, recap, scratch)


def _tmp_beside(engine: Engine, target: Path) -> Path:
    """The data folder's ``tmp`` (beside the database file), else beside ``target``."""
    database = engine.url.database
    if database and database != ":memory:":
        return Path(database).parent / "tmp"
    return target.parent


def _write_b11(
    engine: Engine,
    pair_id: str,
    target: str | Path,
    progress: Callable[[int], None] | None,
    recap: PairRecap,
    scratch: Path,
) -> int:
    import xlsxwriter

    names = _RegionNames()
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "tmpdir": str(scratch)})
    sheet = book.add_worksheet("B.1.1-KWK")
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    _title(sheet, bold, "MODEL B.1.1-KWK PERSEORANGAN: DAFTAR NAMA PENDUKUNG", recap)
    header_row = 4
    for col, title in enumerate(B11_HEADER):
        sheet.write_string(header_row, col, title, head)
    sheet.freeze_panes(header_row + 1, 0)
    for col, width in enumerate(
        (6, 19, 28, 16, 12, 8, 10, 18, 30, 5, 5, 20, 18, 18, 12, 12, 8, 40)
    ):
        sheet.set_column(col, col, width)
    # The status as the recap above counts it (no BMS where the verdict offers none).
    counted = counted_status(rule_set_for(recap.rule_set or None)).label("effective_status")
    columns = [counted if c == "effective_status" else _SUPPORTER.c[c] for c in _COLUMNS]
    query = (
        select(*columns)
        .where(_SUPPORTER.c.pair_id == pair_id, _SUPPORTER.c.deleted.is_(False))
        .order_by(_SUPPORTER.c.kecamatan_code, _SUPPORTER.c.desa_code, _SUPPORTER.c.name)
    )
    count = 0
    with read_only(engine).connect() as conn:
        result = conn.execution_options(yield_per=_PAGE).execute(query)
        for row in result:
            count += 1
            _write_supporter(sheet, header_row + count, count, row, names)
            if progress is not None and count % _PAGE == 0:
                progress(count)
    book.close()
    return count


def _write_supporter(sheet: Any, r: int, number: int, row: Any, names: _RegionNames) -> None:
    birth = row.birth_date
    values = (
        row.nik,
        row.name,
        row.birth_place,
        birth.strftime("%d-%m-%Y") if isinstance(birth, dt.date) else "",
        row.sex,
        row.marital_status,
        row.occupation,
        row.address,
        row.rt,
        row.rw,
        names.get(row.desa_code),
        names.get(row.kecamatan_code),
        names.get(row.kabkota_code),
        round_label_id(row.round or ""),
        row.check_status or "-",
        # A person's verdict; "-" while nobody verified the row.
        row.effective_status or "-",
        reason_text(row.effective_reasons or ""),
    )
    sheet.write_number(r, 0, number)
    for col, value in enumerate(values, start=1):
        sheet.write_string(r, col, safe_cell(value))


def export_b2(recap: PairRecap, target: str | Path) -> Path:
    """Write the recap of counts and spread by kecamatan (or kab/kota) and desa (B.2-KWK),
    whole or not at all (an earlier file of that name kept until then)."""
    path = Path(target)
    with written_whole(path) as partial:
        _write_b2(recap, partial)
    return path


def _write_b2(recap: PairRecap, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    number = book.add_format({"border": 1, "num_format": ID_NUMBER})
    cell = book.add_format({"border": 1})
    total = book.add_format({"bold": True, "border": 1, "num_format": ID_NUMBER})
    figure = book.add_format({"num_format": ID_NUMBER})
    sheet = book.add_worksheet("B.2-KWK")
    _title(sheet, bold, "MODEL B.2-KWK PERSEORANGAN: REKAPITULASI DUKUNGAN", recap)
    r = 4
    for label, value, note in _summary(recap):
        sheet.write_string(r, 0, label, bold)
        if isinstance(value, int):
            sheet.write_number(r, 2, value, figure)  # a number Excel can add up
        elif value:
            sheet.write_string(r, 2, safe_cell(value))
        if note:
            sheet.write_string(r, 3, safe_cell(note))
        r += 1
    r += 1
    level = "KABUPATEN/KOTA" if recap.spread_level == "kabkota" else "KECAMATAN"
    columns = ("NO", "KODE", level, "MS", "BMS", "TMS", "BELUM DIVERIFIKASI", "JUMLAH", "SEBARAN")
    sheet.write_row(r, 0, columns, head)
    for i, area in enumerate(recap.areas, start=1):
        r += 1
        sheet.write_number(r, 0, i, number)
        sheet.write_string(r, 1, area.code, cell)
        sheet.write_string(r, 2, safe_cell(area.name), cell)
        for col, value in enumerate((area.ms, area.bms, area.tms, area.unchecked, area.total), 3):
            sheet.write_number(r, col, value, number)
        sheet.write_string(r, 8, "Ya" if area.ms and recap.in_spread(area) else "-", cell)
    r += 1
    t = recap.totals
    sheet.write_string(r, 2, "JUMLAH", total)
    for col, value in enumerate((t.ms, t.bms, t.tms, t.unchecked, t.total), 3):
        sheet.write_number(r, col, value, total)
    sheet.write_string(r, 8, str(recap.spread_met), total)
    for col, width in enumerate((5, 16, 28, 10, 10, 10, 12, 10, 10)):
        sheet.set_column(col, col, width)

    desa = book.add_worksheet("Per Desa")
    if recap.practice:
        desa.set_header(f"&C&B{PRACTICE_MARK}")
    desa.write_row(
        0,
        0,
        (
            "NO",
            "KECAMATAN",
            "KODE DESA",
            "DESA/KELURAHAN",
            "MS",
            "BMS",
            "TMS",
            "BELUM DIVERIFIKASI",
            "JUMLAH",
        ),
        head,
    )
    names = _RegionNames()
    for i, item in enumerate(recap.desa, start=1):
        desa.write_number(i, 0, i, number)
        desa.write_string(i, 1, safe_cell(names.get(item.parent)), cell)
        desa.write_string(i, 2, item.code, cell)
        desa.write_string(i, 3, safe_cell(item.name), cell)
        for col, value in enumerate((item.ms, item.bms, item.tms, item.unchecked, item.total), 4):
            desa.write_number(i, col, value, number)
    last = len(recap.desa) + 1
    desa.write_string(last, 3, "JUMLAH", total)
    for col, value in enumerate((t.ms, t.bms, t.tms, t.unchecked, t.total), 4):
        desa.write_number(last, col, value, total)
    for col, width in enumerate((5, 22, 16, 28, 10, 10, 10, 12, 10)):
        desa.set_column(col, col, width)
    book.close()


#: Excel number format showing 55.045 whatever the language of the reader's Excel
#: (",", Excel's own separator, would follow the PC's settings: 55,045 on an English one)
ID_NUMBER = '[>=1000000]#"."###"."###;[>=1000]#"."###;0'

#: (label, the figure as a number, or a text where it is no number; what it means)
SummaryLine = tuple[str, int | str | None, str]


def _summary(recap: PairRecap) -> list[SummaryLine]:
    level = "kab/kota" if recap.spread_level == "kabkota" else "kecamatan"
    forecast = "perkiraan pemeriksaan otomatis (bukan hasil verifikasi)"
    lines: list[SummaryLine] = [
        ("Jumlah pendukung", recap.totals.total, ""),
        (f"Memenuhi syarat ({STATUS_LABELS_ID[Status.MS]})", recap.totals.ms, ""),
        ("Belum memenuhi syarat", recap.totals.bms, ""),
        ("Tidak memenuhi syarat", recap.totals.tms, ""),
        ("Belum diverifikasi", recap.totals.unchecked, ""),
        ("Perkiraan MS", recap.forecast.ms, forecast),
        ("Perkiraan BMS", recap.forecast.bms, forecast),
        ("Perkiraan TMS", recap.forecast.tms, forecast),
    ]
    if recap.stage_title:
        lines.insert(0, ("Tahap", recap.stage_title, ""))
    if recap.share:
        # A kab/kota's share of a governor pair: the province's recap decides.
        decided = f"tingkat provinsi: ditetapkan dalam rekapitulasi KPU {recap.region_name}"
        lines.insert(0, ("Dukungan yang direkap", recap.share_code, recap.share_name))
        lines.append(("Syarat minimal dukungan", recap.required, decided))
        lines.append(("Syarat sebaran (kab/kota)", recap.spread_required, decided))
        return _standing_lines(recap, lines)
    if recap.required is not None:
        verdict = (
            "terpenuhi" if recap.meets_threshold else f"kurang {group_thousands(recap.shortfall)}"
        )
        lines.append(("Syarat minimal dukungan", recap.required, verdict))
    correction = _correction_line(recap)
    if correction:
        lines.append(("Syarat masa perbaikan", *correction))
    if recap.spread_required is not None:
        verdict = "terpenuhi" if recap.meets_spread else "belum terpenuhi"
        lines.append(
            (
                "Syarat sebaran",
                recap.spread_met,
                f"{level} dengan dukungan MS, dari {recap.subregion_count}; "
                f"minimal {recap.spread_required} ({verdict})",
            )
        )
    return _standing_lines(recap, lines)


def _standing_lines(recap: PairRecap, lines: list[SummaryLine]) -> list[SummaryLine]:
    """``lines`` with how the counted data stood with the server, when known."""
    if recap.standing is not None:
        standing = recap.standing
        lines.append(("Perubahan belum diterima server", standing.waiting, standing.words()))
        lines.append(("Konflik belum diselesaikan", standing.conflicts, ""))
    return lines


def _correction_line(recap: PairRecap) -> tuple[int, str] | None:
    """What the correction round must bring: the number of supporters and, in the
    dashboard's words, what they must be (None when nothing is missing or the
    threshold is unknown)."""
    need = recap.correction
    if need is None or not (need.supporters or need.areas):
        return None
    level = "kab/kota" if recap.spread_level == "kabkota" else "kecamatan"
    if not need.new_supporters_only:
        return need.supporters, "dukungan (dua kali kekurangan)"
    text = "dukungan paling sedikit, dari pendukung baru"
    if need.areas:
        text += f", tersebar di paling sedikit {need.areas} {level} lagi"
    return need.supporters, text


def _title(sheet: Any, bold: Any, title: str, recap: PairRecap) -> None:
    if recap.practice:  # on the sheet and on every printed page
        sheet.set_header(f"&C&B{PRACTICE_MARK}")
        sheet.write_string(3, 0, PRACTICE_MARK, bold)
    sheet.write_string(0, 0, title, bold)
    sheet.write_string(1, 0, safe_cell(recap.election_label))
    sheet.write_string(2, 0, safe_cell(f"Bakal pasangan calon: {recap.pair_label}"))


class _RegionNames:
    """Region names by code, remembered (a list has few distinct areas)."""

    def __init__(self) -> None:
        self._table = default_table()
        self._names: dict[str, str] = {"": ""}

    def get(self, code: str | None) -> str:
        key = code or ""
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self._table.name(key) or key
        return name
