"""One wording per reason code: the Alasan column, the recap PDF, the XLSX and the
validate command all say the same Indonesian words, and never the internal code."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pypdf
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from silon_desktop.domain.codes import ReasonCode
from silon_desktop.domain.labels import REASON_LABELS_ID, reason_label_id
from silon_desktop.reports.recap import pair_recap
from silon_desktop.reports.xlsx_export import reason_text
from silon_desktop.ui.labels import reason_label
from silon_desktop.ui.pdf_reports import write_recap_pdf
from tests.unit.importers.sheets import supporter_rows, write_xlsx

CODES = [code.value for code in ReasonCode]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_reason_has_one_wording_on_screen_and_in_print(qapp: Any) -> None:
    assert set(REASON_LABELS_ID) == set(ReasonCode)  # no code without words
    for code in CODES:
        screen = reason_label(code)
        assert screen == reason_label_id(code) == reason_text(code), code
        assert code not in screen
    assert reason_text("DENIES_SUPPORT,DECEASED") == (
        "Menyatakan tidak mendukung (BA.5-KWK); Meninggal dunia"
    )
    # A code this version does not know is still marked as a reason, the same everywhere.
    assert reason_label("FUTURE_CODE") == reason_label_id("FUTURE_CODE")
    assert reason_label_id("FUTURE_CODE") == "Alasan lain (FUTURE_CODE)"


def test_the_alasan_column_shows_words_not_codes(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    backend.repo.update(
        "supporter",
        seeded["first_supporter"],
        {
            "admin_status": "MS",  # field verification is of administratively MS rows
            "field_status": "TMS",
            "field_reasons": ["DENIES_SUPPORT"],
            "field_method": "rumah",
        },
    )
    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    model = page.model
    model.refresh()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    reasons_column = headers.index("Alasan")
    shown = [model.data(model.index(r, reasons_column)) for r in range(model.rowCount())]
    assert "Menyatakan tidak mendukung (BA.5-KWK)" in shown
    assert not [text for text in shown if any(code in text for code in CODES)]


def test_the_recap_pdf_prints_the_same_words(qapp: Any, backend: Any, tmp_path: Path) -> None:
    from tests.gui.sample_data import seed_small

    seeded = seed_small(backend, supporters=3)
    recap = pair_recap(backend.db.engine, seeded["pair"])
    every_reason = dataclasses.replace(recap, reasons={code: i + 1 for i, code in enumerate(CODES)})
    out = write_recap_pdf(every_reason, tmp_path / "rekap.pdf")
    text = unicodedata.normalize(
        "NFKC", "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    )
    for code in CODES:
        assert _squeeze(reason_label(code)) in _squeeze(text), code
        assert code not in text


def test_validate_prints_reason_words(tmp_path: Path) -> None:
    rows = supporter_rows(4)
    rows[0][1] = "123"  # a bad NIK
    path = write_xlsx(tmp_path / "d.xlsx", rows)
    run = subprocess.run(
        [sys.executable, "-m", "silon_desktop", "validate", str(path), "--region", "32.14"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "NIK tidak sesuai format: 1" in run.stdout
    assert "Tanpa KTP-el / tanda tangan: 4" in run.stdout
    assert not [code for code in CODES if code in run.stdout]
