"""The verification's list to return to the pair, and the XLSX of any problem list.

- :func:`verification_problems`: one line per supporter found BMS or TMS, with
  the verdict and its reasons (plain Indonesian, the one wording table).
- :func:`write_problems_xlsx`: a :class:`~silon_desktop.domain.problem_list.ProblemList`
  (this one or the import's, ``importers/problems.py``) as an XLSX (xlsxwriter,
  as the other exports). The PDF is drawn by the UI (``ui/pdf_reports.py``).

Plain Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from silon_desktop.domain.codes import Status
from silon_desktop.domain.labels import STATUS_LABELS_ID
from silon_desktop.domain.problem_list import ProblemLine, ProblemList
from silon_desktop.reports.sanitize import safe_cell
from sync.privacy import scratch_folder, written_whole

VERIFICATION_HEADER = (
    "No",
    "NIK",
    "Nama",
    "Desa/Kelurahan",
    "Status",
    "Alasan",
)


def verification_problems(engine: Engine, pair_id: str, pair_label: str = "") -> ProblemList:
    """Every supporter of the pair found BMS or TMS, with its verdict and reasons."""
    from silon_desktop.domain.regions import default_table
    from silon_desktop.reports.recap import PRACTICE_STATE_KEY
    from silon_desktop.reports.xlsx_export import reason_text
    from silon_desktop.storage.db import read_only
    from silon_desktop.storage.derived import pair_rule_set
    from silon_desktop.storage.models import Supporter, SyncState
    from silon_desktop.storage.supporter_queries import counted_status

    table: Any = Supporter.__table__
    regions = default_table()
    lines: list[ProblemLine] = []
    counts = {Status.BMS.value: 0, Status.TMS.value: 0}
    with read_only(engine).connect() as conn:
        # The status as the dashboard and the minutes count it (no BMS where the
        # verdict that counts offers none): a BMS here is one a correction can fix.
        status = counted_status(pair_rule_set(conn, pair_id)).label("effective_status")
        query = (
            select(table.c.nik, table.c.name, table.c.desa_code, status, table.c.effective_reasons)
            .where(
                table.c.pair_id == pair_id,
                table.c.deleted.is_(False),
                table.c.effective_status.in_((Status.BMS.value, Status.TMS.value)),
            )
            .order_by(status, table.c.kecamatan_code, table.c.desa_code, table.c.name)
        )
        for n, row in enumerate(conn.execute(query), start=1):
            counts[row.effective_status] += 1
            lines.append(
                ProblemLine(
                    (
                        str(n),
                        row.nik or "",
                        row.name or "",
                        (regions.name(row.desa_code) if row.desa_code else "") or "",
                        _status(row.effective_status),
                        reason_text(_reasons(row.effective_reasons)) or "-",
                    )
                )
            )
        practice = conn.execute(
            select(SyncState.value).where(SyncState.key == PRACTICE_STATE_KEY)
        ).scalar_one_or_none()
    subtitle = [
        f"Pasangan calon: {pair_label or '-'}",
        f"Belum Memenuhi Syarat (BMS): {counts['BMS']}; Tidak Memenuhi Syarat (TMS): "
        f"{counts['TMS']}",
        "BMS dapat diperbaiki pada masa perbaikan; TMS tidak dihitung.",
    ]
    return ProblemList(
        "HASIL VERIFIKASI: PENDUKUNG BMS DAN TMS",
        subtitle,
        VERIFICATION_HEADER,
        lines,
        practice=bool(practice),
    )


def _reasons(value: Any) -> str:
    """Stored reasons (a list or a comma-separated text) as comma-separated codes."""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value or "")


def write_problems_xlsx(problems: ProblemList, target: str | Path, *, tmp_root: Path) -> Path:
    """Write a problem list to XLSX: title, subtitle lines, header, one line per problem.

    The file is the operator's only (``open_private``). xlsxwriter's scratch files
    (every NIK and name of the list) go to a private folder under ``tmp_root`` (the
    data folder's ``tmp``), never to the system's temp folder, and are removed when
    the file is written or fails (after a killed process: at the next start), as the
    B.1.1-KWK export's (:func:`~silon_desktop.reports.xlsx_export.export_b11`).

    Raises:
        OSError: the file cannot be written there (no half-written file is left).
    """
    path = Path(target)
    # Fails before the work when the folder is not writable; never half a list, and
    # an earlier file of that name kept until the new one is whole.
    with written_whole(path) as partial, scratch_folder(tmp_root) as scratch:
        _write_problems(problems, partial, scratch)
    return path


def _write_problems(problems: ProblemList, path: Path, scratch: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"tmpdir": str(scratch)})
    sheet = book.add_worksheet("Daftar masalah")
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, problems.title, bold)
    for i, text in enumerate(problems.subtitle, start=1):
        sheet.write_string(i, 0, safe_cell(text))
    top = len(problems.subtitle) + 2
    if problems.practice:  # on the sheet and on every printed page
        from silon_desktop.reports.recap import PRACTICE_MARK

        sheet.set_header(f"&C&B{PRACTICE_MARK}")
        sheet.write_string(top - 1, 0, PRACTICE_MARK, bold)
    sheet.write_row(top, 0, problems.header, head)
    sheet.freeze_panes(top + 1, 0)
    for r, line in enumerate(problems.lines, start=top + 1):
        for c, value in enumerate(line.cells):
            sheet.write_string(r, c, safe_cell(value), cell)
    for c, width in enumerate(_widths(problems.header)):
        sheet.set_column(c, c, width)
    book.close()


def _widths(header: Iterable[str]) -> list[int]:
    wide = {"Masalah": 60, "Alasan": 60, "Nama": 28, "Desa/Kelurahan": 22, "Nilai terbaca": 22}
    return [wide.get(h, 19 if h == "NIK" else 14) for h in header]


def _status(code: str) -> str:
    try:
        return f"{code} ({STATUS_LABELS_ID[Status(code)]})"
    except ValueError:
        return code
