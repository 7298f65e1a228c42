"""Verification mode: an operator marks supporters from the keyboard, one row after another."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from silon_desktop.storage.supporter_queries import SupporterFilter
from silon_desktop.ui.supporters_model import STATUS_COLUMN


def open_supporters(window: Any, seeded: dict[str, str]) -> Any:
    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    return page


def test_verify_supporters_with_keys(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = window.backend
    page = open_supporters(window, seeded)
    table = page.table
    page.verify_mode.setChecked(True)
    assert page.legend.isVisible()
    table.setFocus()
    ids = [page.model.row_at(i).id for i in range(6)]

    QTest.keyClick(table, Qt.Key.Key_M)  # row 0: MS, cursor moves to row 1
    assert table.currentIndex().row() == 1
    QTest.keyClick(table, Qt.Key.Key_3)  # row 1: no ID card scan (BMS in the 2024 rules)
    QTest.keyClick(table, Qt.Key.Key_Return)  # row 2: skipped
    assert table.currentIndex().row() == 3

    first, second, skipped = (backend.get("supporter", i) for i in ids[:3])
    assert (first["admin_status"], first["effective_status"]) == ("MS", "MS")
    assert first["admin_by"] == "operator" and first["admin_at"] is not None
    assert second["admin_status"] == "BMS" and second["admin_reasons"] == ["NO_ID_SCAN"]
    assert skipped["admin_status"] == ""
    assert page.model.data(page.model.index(1, STATUS_COLUMN)) == "BMS"

    # Bulk: select rows 3..5 and mark them all deceased (TMS), after a confirmation.
    asked: list[str] = []

    def answer(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box.text().split("\n")[0])
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", answer)
    selection = table.selectionModel()
    for row in (3, 4, 5):
        selection.select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    QTest.keyClick(table, Qt.Key.Key_0)  # refused: nothing changes
    assert asked == ["Tandai 3 pendukung yang dipilih: Meninggal dunia?"]
    assert backend.get("supporter", ids[3])["admin_status"] == ""
    with qtbot.waitSignal(page.verified) as marked:
        QTest.keyClick(table, Qt.Key.Key_0)
    assert marked.args == [3]
    assert table.currentIndex().row() == 3  # the cursor stays; the verdict beside it is new
    assert page.result_label.text().startswith("Status akhir: TMS"), page.result_label.text()
    for record_id in ids[3:6]:
        record = backend.get("supporter", record_id)
        assert record["admin_status"] == "TMS", record
        assert record["admin_reasons"] == ["DECEASED"]

    # Field verification, met by video call.
    page.verify_stage.setCurrentIndex(page.verify_stage.findData("field"))
    page.verify_method.setCurrentIndex(page.verify_method.findData("video"))
    table.selectRow(0)
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_F)  # not found after three visits
    record = backend.get("supporter", ids[0])
    assert (record["field_status"], record["field_method"]) == ("TMS", "video")
    assert record["field_reasons"] == ["NOT_FOUND"]
    assert record["effective_status"] == "TMS"  # field verification outranks vermin
    assert table.currentIndex().row() == 1
    table.selectRow(0)  # who/when/how is shown beside the table
    assert "Verfak: TMS (Panggilan video" in page.result_label.text()
    assert "oleh operator" in page.result_label.text()

    # The counts always on screen follow, counted off the UI thread.
    with qtbot.waitSignal(
        page.countsShown, timeout=5000, check_params_cb=lambda c: c.get("TMS") == 4
    ) as shown:
        page.refresh_counts()
    counts = shown.args[0]
    assert (counts["MS"], counts["BMS"], counts["TMS"]) == (0, 1, 4)
    assert "TMS <b>4</b>" in page.counts_label.text()


def test_filters_narrow_the_table(qtbot: QtBot, window: Any, seeded: dict[str, str]) -> None:
    page = open_supporters(window, seeded)
    nik = page.model.row_at(7).nik
    QTest.keyClicks(page.nik_filter, nik[:12])
    qtbot.waitUntil(lambda: page.model.current_filter().nik_prefix == nik[:12], timeout=3000)
    assert page.model.rowCount() >= 1
    assert all(page.model.row_at(i).nik.startswith(nik[:12]) for i in range(page.model.rowCount()))
    page.nik_filter.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 30, timeout=3000)
    page.kecamatan_filter.setCurrentIndex(1)
    kec = page.kecamatan_filter.currentData()
    assert page.model.rowCount() > 0
    assert {page.model.row_at(i).kecamatan_code for i in range(page.model.rowCount())} == {kec}
    page.model.set_filter(SupporterFilter(name="PENDUKUNG 00"))
    assert page.model.rowCount() == 10
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert page.model.row_at(0).name == "PENDUKUNG 009"


def test_the_round_filter_shows_the_rows_of_one_round(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A filter by the round a row was handed in (*Semua tahap*, *Penyerahan dukungan*,
    *Perbaikan I*, *Perbaikan II*) beside the others; *Bersihkan* of the filters
    clears it too."""
    import sqlalchemy as sa

    from silon_desktop.storage.models import Supporter

    backend = window.backend
    late = [row["id"] for row in backend.list("supporter", pair_id=seeded["pair"])[:4]]
    with backend.db.engine.begin() as conn:
        conn.execute(
            sa.update(Supporter).where(Supporter.id.in_(late)).values(round="correction_1")
        )
    page = open_supporters(window, seeded)
    combo = page.round_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Semua tahap",
        "Penyerahan dukungan",
        "Perbaikan I",
        "Perbaikan II",
    ]
    combo.setCurrentIndex(combo.findData("correction_1"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=3000)
    assert {page.model.row_at(i).id for i in range(4)} == set(late)
    combo.setCurrentIndex(combo.findData("submission"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 26, timeout=3000)
    combo.setCurrentIndex(combo.findData("correction_2"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=3000)
    page.clear_filters()
    assert combo.currentIndex() == 0 and page.model.current_filter() == SupporterFilter()
    qtbot.waitUntil(lambda: page.model.rowCount() == 30, timeout=3000)


def test_the_status_counts_beside_a_filter_say_they_are_the_whole_pair_s(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Beside a kecamatan filter, "MS 0 BMS 0 TMS 0 ... Jumlah 30 ... Ditampilkan 7"
    read as the kecamatan's figures while only "Ditampilkan" followed the filter: the
    counts of the whole pair now say so, apart from the rows shown."""
    from PySide6.QtGui import QTextDocument

    page = open_supporters(window, seeded)
    with qtbot.waitSignal(page.countsShown, timeout=5000):
        page.refresh_counts()
    page.kecamatan_filter.setCurrentIndex(1)
    shown = page.model.rowCount()
    assert 0 < shown < 30
    document = QTextDocument()
    document.setHtml(page.counts_label.text())
    text = " ".join(document.toPlainText().split())
    assert text.startswith(f"Ditampilkan {shown} ")  # what the filter shows, first
    whole = text.split("Seluruh pasangan:", 1)  # then the pair's figures, labelled
    assert len(whole) == 2 and "Ditampilkan" not in whole[1]
    assert "MS" not in whole[0] and "Jumlah 30" in whole[1]
    assert "seluruh pasangan" in page.counts_label.toolTip()


def test_a_whole_nik_typed_or_pasted_in_groups_finds_that_supporter(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A NIK copied from a letter or a spreadsheet in groups ("3214 0101 ...", with dots
    or dashes): the filter took 16 characters, separators included, so its last digits
    were cut off and the table showed every supporter sharing the first 13."""
    page = open_supporters(window, seeded)
    nik = page.model.row_at(7).nik
    for separator in (" ", ".", "-"):
        grouped = separator.join((nik[:4], nik[4:8], nik[8:12], nik[12:]))
        page.nik_filter.clear()
        QTest.keyClicks(page.nik_filter, grouped)
        assert page.nik_filter.text() == grouped
        qtbot.waitUntil(lambda: page.model.current_filter().nik_prefix == nik, timeout=3000)
        assert [page.model.row_at(i).nik for i in range(page.model.rowCount())] == [nik]
    page.nik_filter.clear()
    page.nik_filter.insert(f" {nik[:6]} {nik[6:]} ")  # pasted, spaces around
    qtbot.waitUntil(lambda: page.model.current_filter().nik_prefix == nik, timeout=3000)
    assert page.model.rowCount() == 1


def test_tab_leaves_the_supporters_table_for_the_supporters_form(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """From the keyboard, the table was a trap: Tab walked its cells (a table nobody
    edits in), so the form beside it was out of reach without the mouse. Tab now goes
    from the table to the form's first field, Shift+Tab back; a row stays selected."""
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    page = open_supporters(window, seeded)
    table = page.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.selectRow(2)
    record_id = page.current_supporter_id()
    QTest.keyClick(table, Qt.Key.Key_Tab)
    nik = page.form.widgets["nik"]
    assert QApplication.focusWidget() is nik
    assert page.form.record_id == record_id
    QTest.keyClick(nik, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is table and page.current_supporter_id() == record_id


def test_supporter_typed_in_by_hand_is_checked_by_the_domain(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    page = open_supporters(window, seeded)
    QTest.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    form = page.form
    record_id = form.record_id
    assert record_id and page.model.rowCount() == 31
    assert page.current_supporter_id() == record_id  # the new row is selected
    nik = form.widgets["nik"]
    QTest.keyClicks(nik, "3214015708990003")  # a woman born 17 August 1999
    QTest.keyClick(nik, Qt.Key.Key_Return)
    for name, text in (("name", "SITI KHODIJAH"), ("occupation", "KEPALA DESA")):
        form.widgets[name].setFocus()
        QTest.keyClicks(form.widgets[name], text)
        QTest.keyClick(form.widgets[name], Qt.Key.Key_Return)
    record = backend.get("supporter", record_id)
    assert record["birth_date"].isoformat() == "1999-08-17" and record["sex"] == "P"
    assert record["check_status"] == "BMS"
    assert {"BANNED_OCCUPATION", "NO_ID_SCAN", "MISSING_FIELD"} <= set(record["check_reasons"])
    assert "Pekerjaan dilarang" in page.result_label.text()


def test_a_supporter_added_after_the_submission_asks_its_correction_round(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``support_end`` a supporter added by hand was a submission row, which the
    server refuses then (the typed supporter undone at the next sync). *Tambah
    pendukung* now asks the correction round it is handed in (Batal adds nothing)."""
    import datetime as dt

    from PySide6.QtWidgets import QInputDialog

    backend = window.backend
    backend.update("election", seeded["election"], {"support_end": dt.date(2024, 5, 12)})
    page = open_supporters(window, seeded)
    asked: list[list[str]] = []

    def answer(_parent: Any, _title: str, _text: str, items: list[str], *_a: Any) -> Any:
        asked.append(list(items))
        return items[1], True  # the operator picks Perbaikan II

    monkeypatch.setattr(QInputDialog, "getItem", answer)
    QTest.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert asked == [["Perbaikan I", "Perbaikan II"]]
    record = backend.get("supporter", page.form.record_id)
    assert record is not None and record["round"] == "correction_2"
    assert page.model.rowCount() == 31
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a: ("", False))  # Batal
    QTest.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 31  # nothing added
