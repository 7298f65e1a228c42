"""Withdrawing a supporter with a reason, and merging a duplicate, on the supporters page."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from silon_desktop.ui.history_dialog import HistoryDialog
from silon_desktop.ui.withdraw_dialog import MergeDialog, RestoreDialog, WithdrawDialog
from tests.gui.test_verification import open_supporters


def test_withdraw_the_current_supporter_with_a_reason(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = window.backend
    page = open_supporters(window, seeded)
    total = page.model.rowCount()
    page.table.selectRow(2)
    target = page.current_supporter_id()
    name = backend.get("supporter", target)["name"]
    seen: list[WithdrawDialog] = []

    def fill(dialog: WithdrawDialog) -> int:
        seen.append(dialog)
        codes = [dialog.reason.itemData(i) for i in range(dialog.reason.count())]
        assert "ganda" not in codes  # a merge sets it, with the kept row
        dialog.reason.setCurrentIndex(codes.index("ditarik_pendukung"))
        dialog.note.setText("surat penarikan 3 Juni")
        return WithdrawDialog.DialogCode.Accepted

    monkeypatch.setattr(WithdrawDialog, "exec", fill)
    assert page.withdraw_button.text() == "Ta&rik dukungan..."
    with qtbot.waitSignal(page.changed):
        page.withdraw_button.click()
    assert seen and name in seen[0].findChildren(type(page.counts_label))[0].text()
    record = backend.get("supporter", target)
    assert record["deleted"] and record["withdrawn_reason"] == "ditarik_pendukung"
    assert page.model.rowCount() == total - 1
    assert page.model.position_of(target) is None
    assert page.form.record_id is None  # the panel no longer shows the withdrawn row

    history = HistoryDialog(backend, "supporter", target, window)
    qtbot.addWidget(history)
    last = history.journal_table.rowCount() - 1
    assert history.journal_table.item(last, 2).text() == "dihapus / ditarik"
    assert history.journal_table.item(last, 3).text() == (
        "Alasan penarikan: Pendukung menarik dukungannya (surat penarikan 3 Juni)"
    )


def test_cancel_withdraws_nothing(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_supporters(window, seeded)
    page.table.selectRow(0)
    target = page.current_supporter_id()
    monkeypatch.setattr(WithdrawDialog, "exec", lambda _d: WithdrawDialog.DialogCode.Rejected)
    assert page.withdraw_current() is False
    assert window.backend.get("supporter", target)["deleted"] is False


def test_merge_two_rows_of_one_person_keeps_the_chosen_one(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = window.backend
    first = backend.get("supporter", seeded["first_supporter"])
    election = backend.get("election", seeded["election"])
    copy, _error = backend.create(
        "supporter",
        {
            **{k: first[k] for k in ("pair_id", "nik", "name", "sex", "marital_status")},
            **{k: first[k] for k in ("occupation", "desa_code", "kecamatan_code", "kabkota_code")},
            "address": "JL. MELATI 4",
            "has_id_scan": True,
        },
        first["scope"],
    )
    backend.recheck_supporter(copy, election)
    page = open_supporters(window, seeded)
    page.refresh()
    rows = [page.model.position_of(first["id"]), page.model.position_of(copy)]
    assert None not in rows
    selection = page.table.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    chosen: list[MergeDialog] = []

    def keep_first_with_the_copys_address(dialog: MergeDialog) -> int:
        chosen.append(dialog)
        assert list(dialog.choosers) == ["address"]
        first_index = 0 if dialog.rows[0]["id"] == first["id"] else 1
        dialog.keep_buttons[first_index].setChecked(True)
        dialog.choosers["address"].setCurrentIndex(1 - first_index)  # the copy's address
        return MergeDialog.DialogCode.Accepted

    monkeypatch.setattr(MergeDialog, "exec", keep_first_with_the_copys_address)
    with qtbot.waitSignal(page.changed):
        page.merge_button.click()
    assert chosen
    kept, gone = backend.get("supporter", first["id"]), backend.get("supporter", copy)
    assert kept["deleted"] is False and kept["address"] == "JL. MELATI 4"
    assert gone["deleted"] is True and gone["withdrawn_reason"] == "ganda"
    assert gone["duplicate_of"] == first["id"]
    assert "DUPLICATE_IDENTICAL" not in kept["check_reasons"]
    assert "DUPLICATE_POTENTIAL" not in kept["check_reasons"]
    assert page.model.position_of(copy) is None


def test_merge_asks_for_exactly_two_rows(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    page = open_supporters(window, seeded)
    page.table.selectRow(0)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    assert page.merge_selected() is False
    assert told and "tepat dua baris" in told[0]


def test_the_scan_flag_is_set_for_a_selection_and_the_check_follows(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    backend = window.backend
    page = open_supporters(window, seeded)
    ids = [page.model.row_at(i).id for i in (0, 1)]
    election = backend.get("election", seeded["election"])
    for record_id in ids:
        backend.update("supporter", record_id, {"has_id_scan": False})
        backend.recheck_supporter(record_id, election)
    assert "NO_ID_SCAN" in backend.get("supporter", ids[0])["check_reasons"]
    page.refresh()
    selection = page.table.selectionModel()
    selection.clearSelection()
    for row in (page.model.position_of(i) for i in ids):
        selection.select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    asked: list[str] = []

    def answer(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box.text())
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", answer)
    page.scan_button.click()
    assert asked == ["Tandai 2 pendukung yang dipilih: pindaian KTP-el/pernyataan ada?"]
    for record_id in ids:
        record = backend.get("supporter", record_id)
        assert record["has_id_scan"] is True and "NO_ID_SCAN" not in record["check_reasons"]


def test_a_withdrawn_supporter_is_restored_from_the_list_after_a_question(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from silon_desktop.ui.withdraw_dialog import RestoreDialog

    backend = window.backend
    page = open_supporters(window, seeded)
    total = page.model.rowCount()
    page.table.selectRow(1)
    target = page.current_supporter_id()
    name = backend.get("supporter", target)["name"]
    election = backend.get("election", seeded["election"])
    assert backend.withdraw_supporter(target, "salah_input", "klik keliru", election) is None
    page.model.refresh()
    assert page.model.rowCount() == total - 1
    answers: list[QMessageBox.StandardButton] = []
    asked: list[tuple[str, QMessageBox.StandardButton]] = []

    def answer(box: QMessageBox) -> int:
        asked.append((box.text(), box.defaultButton() and box.standardButton(box.defaultButton())))
        return int(answers.pop(0))

    monkeypatch.setattr(QMessageBox, "exec", answer)
    shown: list[RestoreDialog] = []

    def pick(dialog: RestoreDialog) -> int:
        shown.append(dialog)
        assert page.restore_button.text() == "P&ulihkan..."
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 1).text() == name
        assert dialog.table.item(0, 2).text() == "Salah input (klik keliru)"
        assert not dialog.restore_button.isEnabled()  # nothing chosen yet
        dialog.table.selectRow(0)
        answers.append(QMessageBox.StandardButton.No)  # the operator says No first
        assert dialog.restore_selected() is False
        assert backend.get("supporter", target)["deleted"] is True
        answers.append(QMessageBox.StandardButton.Yes)
        assert dialog.restore_selected() is True
        assert dialog.table.rowCount() == 0 and dialog.empty.isVisibleTo(dialog)
        return 0

    monkeypatch.setattr(RestoreDialog, "exec", pick)
    with qtbot.waitSignal(page.changed):
        page.restore_button.click()
    assert shown and len(asked) == 2
    assert name in asked[0][0] and asked[0][1] == QMessageBox.StandardButton.No  # default No
    record = backend.get("supporter", target)
    assert record["deleted"] is False and not record["withdrawn_reason"]
    assert page.model.rowCount() == total
    assert page.current_supporter_id() == target  # the restored row is selected

    history = HistoryDialog(backend, "supporter", target, window)
    qtbot.addWidget(history)
    rows = history.journal_table.rowCount()
    actions = [history.journal_table.item(i, 2).text() for i in range(rows)]
    restored = actions.index("dipulihkan")
    assert actions[restored - 1] == "dihapus / ditarik"
    assert history.journal_table.item(restored, 3).text() == (
        "Alasan penarikan: Salah input (klik keliru)"
    )


def test_enter_in_the_merge_dialog_merges_nothing(qtbot: QtBot) -> None:
    """The merge withdraws one row and rewrites the other's fields: like *Tarik* it is
    confirmed with its button, and Enter (while choosing values from the keyboard)
    answers *Batal*. Enter was *Gabungkan*."""
    first = {"id": "a", "nik": "3214010101900001", "name": "SITI", "address": "JL. A"}
    second = {"id": "b", "nik": "3214010101900001", "name": "SITI", "address": "JL. B"}
    dialog = MergeDialog(first, second, "a", ["address"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.choosers["address"].setFocus()
    QTest.keyClick(dialog.choosers["address"], Qt.Key.Key_Down)
    QTest.keyClick(dialog.choosers["address"], Qt.Key.Key_Return)
    assert dialog.result() != MergeDialog.DialogCode.Accepted


def test_enter_in_the_withdraw_dialog_withdraws_nothing(qtbot: QtBot) -> None:
    """ "confirm with *Tarik* (Cancel is the default)": Enter in the note answered Tarik."""
    dialog = WithdrawDialog({"id": "a", "nik": "3214010101900001", "name": "SITI"})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.note.setFocus()
    QTest.keyClicks(dialog.note, "surat tanggal 1")
    QTest.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.result() != WithdrawDialog.DialogCode.Accepted


def test_a_withdrawn_supporter_whose_data_retention_erased_is_not_a_blank_line(
    qtbot: QtBot,
) -> None:
    """After a complete sync, retention erases a withdrawn supporter's personal data
    on this computer (the server keeps it). The restore list showed such a supporter
    as a line of dashes nobody could recognise; it now says what happened, and that a
    restore brings the data back at the sync."""
    rows = [
        {"id": "a", "nik": "", "name": "", "withdrawn_reason": "WRONG_ENTRY"},
        {"id": "b", "nik": "3214010101900001", "name": "SITI", "withdrawn_reason": "WRONG_ENTRY"},
    ]
    dialog = RestoreDialog(rows, lambda _rid: "")
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 1).text().startswith("(data pribadi sudah dihapus")
    assert dialog.table.item(1, 1).text() == "SITI"
