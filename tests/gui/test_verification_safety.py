"""Verification that cannot slip: Shift/Caps Lock keys, no type-ahead, a bulk verdict
that asks with No as default, runs with progress and is undone in one step, flags
that stay true after an edit, duplicates of hand-typed NIKs, and forms that follow
a pulled change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from silon_desktop.services.changes import Changes
from silon_desktop.storage.models import Election, Supporter
from silon_desktop.ui.supporters_model import STATUS_COLUMN
from tests.gui.test_verification import open_supporters


def press(
    widget: Any, key: Qt.Key, text: str, modifiers: Any = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key press as the keyboard sends it (Caps Lock: "M" without Shift)."""
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text))
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, key, modifiers, text))


def test_shift_m_and_caps_lock_m_give_ms_and_move_one_row(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    page = open_supporters(window, seeded)
    table = page.table
    page.verify_mode.setChecked(True)
    table.setFocus()
    table.selectRow(0)
    ids = [page.model.row_at(i).id for i in range(3)]
    press(table, Qt.Key.Key_M, "M", Qt.KeyboardModifier.ShiftModifier)  # Shift+M
    assert table.currentIndex().row() == 1
    press(table, Qt.Key.Key_M, "M")  # Caps Lock on: capital M, no Shift
    assert table.currentIndex().row() == 2
    for record_id in ids[:2]:
        record = window.backend.get("supporter", record_id)
        assert (record["admin_status"], record["effective_status"]) == ("MS", "MS"), record
    assert window.backend.get("supporter", ids[2])["admin_status"] == ""
    # No type-ahead: a letter that is no verdict key neither jumps nor marks anyone.
    press(table, Qt.Key.Key_P, "P")
    press(table, Qt.Key.Key_P, "p")
    assert table.currentIndex().row() == 2
    assert window.backend.get("supporter", ids[2])["admin_status"] == ""
    # Ctrl+Z undoes the last verdict only.
    QTest.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.backend.get("supporter", ids[1])["admin_status"] == ""
    assert window.backend.get("supporter", ids[0])["admin_status"] == "MS"
    # N jumps to the next row nobody verified.
    table.selectRow(0)
    press(table, Qt.Key.Key_N, "n")
    assert table.currentIndex().row() == 1


def test_bulk_verdict_defaults_to_no_runs_with_progress_and_one_ctrl_z_undoes_it(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_supporters(window, seeded)
    page.BACKGROUND_ROWS = 5  # 30 rows: the worker-thread path with its progress dialog
    table = page.table
    page.verify_mode.setChecked(True)
    table.setFocus()
    asked: list[tuple[str, Any]] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def exec_(box: QMessageBox) -> Any:
        asked.append((box.text(), box.defaultButton() is box.button(QMessageBox.StandardButton.No)))
        return answers[len(asked) - 1]

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    QTest.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(table, Qt.Key.Key_7)  # the operator's "Enter" would answer the default: No
    assert asked[0][0].startswith("Tandai 30 pendukung yang dipilih: Pekerjaan dilarang")
    assert asked[0][1], "the default answer must be No"
    ids = [page.model.row_at(i).id for i in range(30)]
    assert all(window.backend.get("supporter", i)["admin_status"] == "" for i in ids)
    with qtbot.waitSignal(page.verified, timeout=20_000) as marked:
        QTest.keyClick(table, Qt.Key.Key_7)
    assert marked.args == [30]
    assert all(
        window.backend.get("supporter", i)["admin_reasons"] == ["BANNED_OCCUPATION"] for i in ids
    )
    assert page._progress is None  # the progress dialog closed with the job
    QTest.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all(window.backend.get("supporter", i)["admin_status"] == "" for i in ids)
    assert not page.verdict_undo.canUndo()


def test_a_cancelled_bulk_verdict_saves_nothing(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    import threading

    backend = window.backend
    ids = [r["id"] for r in backend.list("supporter", pair_id=seeded["pair"])]
    cancel = threading.Event()
    cancel.set()
    result = backend.verify(ids, "admin", [], "", {"rule_set": "pilkada-2024"}, cancel=cancel)
    assert result.cancelled and result.count == 0
    assert all(backend.get("supporter", i)["admin_status"] == "" for i in ids)


def test_imported_row_with_a_scan_stays_ms_after_an_address_edit(
    qtbot: QtBot, window: Any, tmp_path: Path
) -> None:
    from silon_desktop.importers.store import import_file
    from tests.fixtures import seed_election
    from tests.unit.importers.sheets import supporter_rows, write_xlsx

    backend = window.backend
    seed_election(backend.db, name="Pemilihan Bupati Purwakarta", number=1, head_name="ASEP")
    import_file(
        backend.db, write_xlsx(tmp_path / "s.xlsx", supporter_rows(4)), "p1", assume_id_scan=True
    )
    window.reload_tree()
    window.open_record("pair", "p1")
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    page.table.selectRow(0)
    record_id = page.form.record_id
    before = backend.get("supporter", record_id)
    assert before["has_id_scan"] and before["check_status"] == "MS"
    address = page.form.widgets["address"]
    address.setFocus()
    address.clear()
    QTest.keyClicks(address, "JL. BARU NO. 5")
    QTest.keyClick(address, Qt.Key.Key_Return)
    after = backend.get("supporter", record_id)
    assert after["address"] == "JL. BARU NO. 5"
    assert after["has_id_scan"] and after["check_status"] == "MS", after["check_reasons"]
    assert "NO_ID_SCAN" not in after["check_reasons"]
    # The flag can be set per row on the form too.
    assert "has_id_scan" in page.form.widgets


def test_a_hand_typed_nik_already_in_the_pair_is_flagged(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    page = open_supporters(window, seeded)
    existing = backend.get("supporter", seeded["first_supporter"])
    QTest.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    record_id = page.form.record_id
    nik = page.form.widgets["nik"]
    QTest.keyClicks(nik, existing["nik"])
    QTest.keyClick(nik, Qt.Key.Key_Return)
    typed = backend.get("supporter", record_id)
    assert "DUPLICATE_POTENTIAL" in typed["check_reasons"], typed["check_reasons"]
    assert "DUPLICATE_POTENTIAL" in backend.get("supporter", existing["id"])["check_reasons"]
    # Editing another field keeps the flag while it is still true.
    name = page.form.widgets["name"]
    name.setFocus()
    QTest.keyClicks(name, "ORANG LAIN")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert "DUPLICATE_POTENTIAL" in backend.get("supporter", record_id)["check_reasons"]


def test_after_a_pulled_change_the_open_form_shows_the_new_value(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    page = open_supporters(window, seeded)
    page.table.selectRow(0)
    record_id = page.form.record_id
    assert record_id == page.model.row_at(0).id
    # What a pull does: the server's value written into the local row.
    with backend.db.session() as session:
        session.execute(
            update(Supporter).where(Supporter.id == record_id).values(address="ALAMAT DARI SERVER")
        )
    window._after_data_change(Changes.of("supporter"))
    assert page.form.widgets["address"].text() == "ALAMAT DARI SERVER"
    # Undo never writes an older value over it.
    page.form.undo_stack.undo()
    assert backend.get("supporter", record_id)["address"] == "ALAMAT DARI SERVER"


def test_the_detail_panel_clears_when_the_pair_changes(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    page = open_supporters(window, seeded)
    page.table.selectRow(0)
    assert page.form.record_id is not None
    page.set_pair(None, {}, "")
    assert page.form.record_id is None and not page.form.isEnabled()


def test_dashboard_warns_where_the_decree_differs_and_a_party_pair_has_no_supporters_tab(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    error = backend.update(  # Kota Depok 2024: the decree says 90,563, the law's rounding 90,564
        "election",
        seeded["election"],
        {"dpt": 1_393_282, "subregion_count": 11, "official_threshold": 90_563},
    )
    assert error is None, error
    window.reload_tree()
    window.open_record("pair", seeded["pair"])
    page = window.pair_page
    with qtbot.waitSignal(page.dashboard.shown, timeout=10_000) as shown:
        page.setCurrentWidget(page.dashboard)
    assert shown.args[0].required == 90_563
    text = page.dashboard.summary.text()
    assert "keputusan KPU menetapkan syarat dukungan 90.563" in text
    assert "undang-undang 90.564" in text
    assert page.isTabVisible(page.indexOf(page.supporters))
    backend.update("pair", seeded["pair"], {"route": "partai"})
    window.open_record("pair", seeded["pair"])
    assert not page.isTabVisible(page.indexOf(page.supporters))


def test_a_party_pair_names_the_other_pair_its_party_already_nominates(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    backend.update("pair", seeded["pair"], {"route": "partai"})
    scope = backend.get("pair", seeded["pair"])["scope"]
    other, _error = backend.create(
        "pair",
        {"election_id": seeded["election"], "number": 2, "route": "partai", "head_name": "BUDI"},
        scope,
    )
    backend.create("party", {"pair_id": seeded["pair"], "party_name": "Partai Golkar"}, scope)
    backend.create("party", {"pair_id": other, "party_name": "Partai Golkar"}, scope)
    window.reload_tree()
    window.open_record("pair", other)
    page = window.pair_page
    with qtbot.waitSignal(page.dashboard.shown, timeout=10_000):
        page.setCurrentWidget(page.dashboard)
    text = page.dashboard.summary.text()
    assert (
        "Partai Golkar juga tercatat mengusung pasangan 1. AHMAD SUBAGJA - SITI NURHALIZA" in text
    )
    assert "PKPU 10/2024 Pasal 11 ayat 4" in text
    assert not page.isTabVisible(page.indexOf(page.supporters))


def test_a_party_already_nominating_another_pair_is_refused_before_it_is_saved(
    window: Any, seeded: dict[str, str]
) -> None:
    # PKPU 10/2024 Pasal 11 ayat 4: the form saved the second pair's "PARTAI GOLKAR", the
    # server refused it at the next sync (PARTY_TAKEN) and the operator's edit was undone.
    backend = window.backend
    backend.update("pair", seeded["pair"], {"route": "partai"})
    scope = backend.get("pair", seeded["pair"])["scope"]
    other, _error = backend.create(
        "pair",
        {"election_id": seeded["election"], "number": 2, "route": "partai", "head_name": "BUDI"},
        scope,
    )
    backend.create("party", {"pair_id": seeded["pair"], "party_name": "Partai Golkar"}, scope)
    window.reload_tree()
    window.open_record("pair", other)
    parties = window.pair_page.parties
    added = parties.add()
    assert added is not None
    assert not parties.form.write_value("party_name", "PARTAI  golkar")
    assert parties.form.errors["party_name"].text() == (
        "Partai Golkar sudah mengusung pasangan 1. AHMAD SUBAGJA - SITI NURHALIZA pada "
        "pemilihan ini: satu partai hanya mengusung satu pasangan (PKPU 10/2024 Pasal 11 ayat 4)."
    )
    assert backend.get("party", added)["party_name"] == ""
    assert parties.form.write_value("party_name", "PKB")
    assert parties.form.write_value("party_name", "PKB Baru")  # its own name: no conflict


@pytest.mark.parametrize("background", [False, True])
def test_a_sync_finishing_while_the_bulk_question_is_open_never_moves_the_verdict(
    qtbot: QtBot,
    window: Any,
    seeded: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    background: bool,
) -> None:
    """The operator selects three supporters and presses M; while *Tandai 3 pendukung*
    is asked, a sync brings a supporter that sorts first. Yes marks the three chosen
    people, never the newcomer now standing on their row numbers."""
    backend = window.backend
    page = open_supporters(window, seeded)
    if background:
        page.BACKGROUND_ROWS = 2  # the worker-thread path with its progress dialog
    table = page.table
    page.verify_mode.setChecked(True)
    table.setFocus()
    table.selectRow(0)
    for row in (1, 2):
        table.selectionModel().select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    chosen = [page.model.row_at(row).id for row in (0, 1, 2)]

    def sync_then_yes(_box: QMessageBox) -> Any:
        # what a pull writes, then what the window does when the sync has finished
        backend.repo.create(
            "supporter",
            {"pair_id": seeded["pair"], "nik": "1101010101900001", "name": "DARI SERVER"},
            "32.14",
        )
        window._after_data_change(Changes.of("supporter"))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", sync_then_yes)
    with qtbot.waitSignal(page.verified, timeout=20_000):
        press(table, Qt.Key.Key_M, "m")
    marked = {
        r["id"] for r in backend.list("supporter", pair_id=seeded["pair"]) if r["admin_status"]
    }
    assert marked == set(chosen)


def test_ctrl_z_after_a_change_pulled_during_a_running_sync_leaves_it_and_does_not_crash(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A sync's pull commits a new address of the supporter open in the form while the
    sync still runs (the window is told only when it has finished); the operator's
    Ctrl+Z then must neither write the older address back nor bring the program down
    (the undo stack was cleared while it ran the undo: a segmentation fault)."""
    backend = window.backend
    page = open_supporters(window, seeded)
    page.table.selectRow(0)
    record_id = page.form.record_id
    address = page.form.widgets["address"]
    address.setFocus()
    address.setText("JL. MERDEKA 1")
    QTest.keyClick(address, Qt.Key.Key_Return)
    assert backend.get("supporter", record_id)["address"] == "JL. MERDEKA 1"
    with backend.db.session() as session:  # the pull, on the sync's thread
        session.execute(
            update(Supporter).where(Supporter.id == record_id).values(address="DARI SERVER")
        )
    QTest.keyClick(address, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: address.text() == "DARI SERVER")
    assert backend.get("supporter", record_id)["address"] == "DARI SERVER"
    assert not page.form.undo_stack.canUndo()  # the steps made on the old value are gone
    QTest.keyClick(address, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert backend.get("supporter", record_id)["address"] == "DARI SERVER"


def test_the_scan_button_shows_its_flag_in_the_open_form_and_a_later_choice_is_saved(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """*KTP-el/pernyataan ada* on the row open in the form: the form shows *Ada*, and
    choosing *Tidak ada* there afterwards is saved (it was taken for no change)."""
    backend = window.backend
    page = open_supporters(window, seeded)
    page.table.selectionModel().setCurrentIndex(  # not selectRow: a Ctrl left held toggles
        page.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    record_id = page.form.record_id
    combo = page.form.widgets["has_id_scan"]
    combo.setCurrentIndex(combo.findData(False))
    combo.activated.emit(combo.currentIndex())
    assert backend.get("supporter", record_id)["has_id_scan"] is False
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Yes)
    assert page.mark_id_scan(True) == 1
    assert backend.get("supporter", record_id)["has_id_scan"] is True
    assert combo.currentData() is True
    combo.setCurrentIndex(combo.findData(False))
    combo.activated.emit(combo.currentIndex())
    assert backend.get("supporter", record_id)["has_id_scan"] is False


def test_a_pulled_change_of_the_field_being_typed_is_never_overwritten_unasked(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The operator is typing an address when a sync brings a colleague's new address
    of the same supporter: the typing stays, the new value is named under the field,
    and Enter asks before writing over it (No keeps the colleague's value)."""
    backend = window.backend
    page = open_supporters(window, seeded)
    record_id = page.form.record_id
    address = page.form.widgets["address"]
    asked: list[str] = []
    answers = [False, True]
    page.form.ask_confirm = lambda _title, text: (asked.append(text), answers[len(asked) - 1])[1]

    def pull(value: str) -> None:
        with backend.db.session() as session:
            session.execute(
                update(Supporter).where(Supporter.id == record_id).values(address=value)
            )
        window._after_data_change(Changes.of("supporter"))

    address.setFocus()
    QTest.keyClicks(address, "JL. KETIKAN SAYA")
    pull("DARI SERVER")
    assert address.text() == "JL. KETIKAN SAYA"  # the typing is kept
    notice = page.form.errors["address"]
    assert not notice.isHidden() and "DARI SERVER" in notice.text()
    QTest.keyClick(address, Qt.Key.Key_Return)
    assert len(asked) == 1 and "DARI SERVER" in asked[0] and "JL. KETIKAN SAYA" in asked[0]
    assert backend.get("supporter", record_id)["address"] == "DARI SERVER"
    assert address.text() == "DARI SERVER"
    # Typing again over a newer pulled value: Yes writes the operator's text.
    address.setFocus()
    address.selectAll()
    QTest.keyClicks(address, "JL. KETIKAN KEDUA")
    pull("DARI SERVER LAGI")
    QTest.keyClick(address, Qt.Key.Key_Return)
    assert len(asked) == 2
    assert backend.get("supporter", record_id)["address"] == "JL. KETIKAN KEDUA"
    # A field the pull did not change is saved as ever, without a question.
    name = page.form.widgets["name"]
    name.setFocus()
    name.selectAll()
    QTest.keyClicks(name, "NAMA BARU")
    pull("JL. KETIKAN KEDUA")  # the same address: nothing changed under the name
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert len(asked) == 2
    assert backend.get("supporter", record_id)["name"] == "NAMA BARU"


def test_a_selection_follows_its_supporters_when_a_sync_reorders_the_table(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows 0-2 selected (cursor on row 0); a sync changes row 1's NIK so it sorts last
    and the rows below move up. The selection stays on the three people chosen, so the
    next key marks them and nobody else."""
    backend = window.backend
    page = open_supporters(window, seeded)
    table = page.table
    page.verify_mode.setChecked(True)
    table.setFocus()
    table.selectionModel().setCurrentIndex(
        page.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    table.selectionModel().select(
        QItemSelection(page.model.index(1, 0), page.model.index(2, 0)),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    chosen = {page.model.row_at(row).id for row in (0, 1, 2)}
    moved = page.model.row_at(1).id
    with backend.db.session() as session:  # the pull
        session.execute(
            update(Supporter).where(Supporter.id == moved).values(nik="9999999999999999")
        )
    window._after_data_change(Changes.of("supporter"))
    shown = {page.model.row_at(i.row()).id for i in table.selectionModel().selectedRows()}
    assert shown == chosen
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.verified, timeout=20_000):
        press(table, Qt.Key.Key_M, "m")
    marked = {
        r["id"] for r in backend.list("supporter", pair_id=seeded["pair"]) if r["admin_status"]
    }
    assert marked == chosen


def test_a_verdict_follows_the_rule_set_a_sync_brought_while_the_pair_is_open(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The province sets the election's rule set to pilkada-2020 while the operator is
    verifying its pair: the next key ``3`` (no ID card scan) gives TMS as the 2020 rules
    say, not BMS by the rules of the election as it was when the pair was opened."""
    backend = window.backend
    page = open_supporters(window, seeded)
    table = page.table
    page.verify_mode.setChecked(True)
    table.setFocus()
    first = page.model.row_at(table.currentIndex().row()).id
    with backend.db.session() as session:  # the pull
        session.execute(
            update(Election)
            .where(Election.id == seeded["election"])
            .values(rule_set="pilkada-2020")
        )
    window._after_data_change(Changes.all())
    press(table, Qt.Key.Key_3, "3")
    record = backend.get("supporter", first)
    assert (record["admin_status"], record["admin_reasons"]) == ("TMS", ["NO_ID_SCAN"])


def _at_row(page: Any, row: int) -> None:
    page.table.selectionModel().setCurrentIndex(
        page.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_keys_under_the_unverified_filter_go_down_the_list_not_back_to_its_top(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Filtered on *Belum diverifikasi*, M on row 5 marks that supporter and moves to
    row 6; it jumped to row 0, so the next key marked the first supporter of the list."""
    backend = window.backend
    page = open_supporters(window, seeded)
    table = page.table
    page.status_filter.setCurrentIndex(page.status_filter.findData("-"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 30)
    page.verify_mode.setChecked(True)
    table.setFocus()
    _at_row(page, 5)
    people = [page.model.row_at(row).id for row in range(30)]
    press(table, Qt.Key.Key_M, "m")
    assert page.current_supporter_id() == people[6]
    press(table, Qt.Key.Key_M, "m")
    marked = {
        r["id"] for r in backend.list("supporter", pair_id=seeded["pair"]) if r["admin_status"]
    }
    assert marked == {people[5], people[6]}


def test_a_verdict_under_a_sort_by_status_shows_on_its_own_row_only(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Sorted by status, a verdict moves the supporter's place in the query: its new
    values were written over the row then cached there, so that row showed one person
    and carried another's id (the next key on it marked someone else)."""
    backend = window.backend
    page = open_supporters(window, seeded)
    table = page.table
    table.sortByColumn(STATUS_COLUMN, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.rowCount() == 30)
    page.verify_mode.setChecked(True)
    table.setFocus()
    _at_row(page, 5)
    verified = page.model.row_at(5).id
    press(table, Qt.Key.Key_M, "m")
    for row in range(page.model.rowCount()):
        shown = page.model.row_at(row)
        record = backend.get("supporter", shown.id)
        assert (shown.nik, shown.effective_status) == (record["nik"], record["effective_status"])
    assert page.model.row_at(5).id == verified
    assert page.model.data(page.model.index(5, STATUS_COLUMN)) == "MS"


def test_the_supporters_tab_follows_the_route_chosen_in_the_open_pair(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """*Jalur: Partai politik* chosen in the pair's form hides *Pendukung* at once (it
    stayed until the pair was opened again); Ctrl+Z brings it back."""
    window.open_record("pair", seeded["pair"])
    page = window.pair_page
    form = page.pair_form
    route = form.widgets["route"]
    route.setCurrentIndex(route.findData("partai"))
    route.activated.emit(route.currentIndex())
    assert window.backend.get("pair", seeded["pair"])["route"] == "partai"
    assert not page.isTabVisible(page.indexOf(page.supporters))
    form.undo_stack.undo()
    assert window.backend.get("pair", seeded["pair"])["route"] == "perseorangan"
    assert page.isTabVisible(page.indexOf(page.supporters))


def test_a_field_a_running_sync_changed_is_not_written_over_unasked(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A sync's pull commits a colleague's address of the supporter open in the form;
    the window hears of it only when the sync has finished. The operator's Enter on
    an address typed meanwhile asks first (No keeps the colleague's address)."""
    backend = window.backend
    page = open_supporters(window, seeded)
    record_id = page.form.record_id
    asked: list[str] = []
    page.form.ask_confirm = lambda _title, text: bool(asked.append(text))
    with backend.db.session() as session:  # the pull, on the sync's thread
        session.execute(
            update(Supporter).where(Supporter.id == record_id).values(address="DARI SERVER")
        )
    address = page.form.widgets["address"]
    address.setFocus()
    QTest.keyClicks(address, "JL. KETIKAN SAYA")
    QTest.keyClick(address, Qt.Key.Key_Return)
    assert len(asked) == 1 and "DARI SERVER" in asked[0]
    assert backend.get("supporter", record_id)["address"] == "DARI SERVER"
    assert address.text() == "DARI SERVER"


def test_a_verdict_key_on_a_row_a_running_sync_changed_shows_it_first(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A colleague's TMS on the supporter under the cursor arrives by a sync still
    running (the table still shows it unverified): M does not write MS over it unseen;
    the row shows TMS and the next M, pressed knowingly, is saved."""
    backend = window.backend
    page = open_supporters(window, seeded)
    table = page.table
    page.verify_mode.setChecked(True)
    table.setFocus()
    _at_row(page, 2)
    record_id = page.current_supporter_id()
    with backend.db.session() as session:  # the pull, on the sync's thread
        session.execute(
            update(Supporter)
            .where(Supporter.id == record_id)
            .values(
                admin_status="TMS",
                admin_reasons=["DECEASED"],
                admin_by="rekan",
                effective_status="TMS",
                effective_reasons="DECEASED",
                version=Supporter.version + 1,
            )
        )
    press(table, Qt.Key.Key_M, "m")
    record = backend.get("supporter", record_id)
    assert (record["admin_status"], record["admin_by"]) == ("TMS", "rekan")
    assert page.current_supporter_id() == record_id  # the cursor stays to show it
    assert page.model.data(page.model.index(2, STATUS_COLUMN)) == "TMS"
    press(table, Qt.Key.Key_M, "m")
    assert backend.get("supporter", record_id)["admin_status"] == "MS"


def test_the_place_filter_shown_is_the_one_the_table_keeps_after_coming_back(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A kecamatan chosen in the filter, then the election opened and the pair again:
    the list said *Semua kecamatan* while the table still showed that kecamatan only."""
    page = open_supporters(window, seeded)
    qtbot.waitUntil(lambda: page.model.rowCount() == 30)
    page.kecamatan_filter.setCurrentIndex(1)
    kecamatan = page.kecamatan_filter.currentData()
    qtbot.waitUntil(lambda: page.model.rowCount() < 30)
    page.desa_filter.setCurrentIndex(1)
    desa = page.desa_filter.currentData()
    window.open_record("election", seeded["election"])
    window.open_record("pair", seeded["pair"])
    shown = (page.kecamatan_filter.currentData(), page.desa_filter.currentData())
    kept = page.model.current_filter()
    assert shown == (kept.kecamatan_code, kept.desa_code) == (kecamatan, desa)


def test_a_corrected_nik_never_replaces_a_supporters_saved_sex_unasked(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """ "typing a valid 16-digit NIK fills in the birth date and sex when they are still
    empty": on a supporter (sex L from the B.1-KWK form) a woman's NIK replaced the sex
    silently, erasing what NIK_MISMATCH is there to catch. It asks, as on a candidate;
    Tidak keeps L, marked under the field; the empty birth date is filled in."""
    backend = window.backend
    page = open_supporters(window, seeded)
    record_id = page.form.record_id
    assert backend.get("supporter", record_id)["sex"] == "L"
    asked: list[str] = []
    page.form.ask_confirm = lambda _title, text: bool(asked.append(text))
    nik = page.form.widgets["nik"]
    nik.setFocus()
    nik.selectAll()
    QTest.keyClicks(nik, "3214015708990003")  # a woman born 17 August 1999
    QTest.keyClick(nik, Qt.Key.Key_Return)
    record = backend.get("supporter", record_id)
    assert record["nik"] == "3214015708990003"
    assert record["sex"] == "L" and record["birth_date"].isoformat() == "1999-08-17"
    assert len(asked) == 1 and "Perempuan" in asked[0]
    assert "Tidak sesuai NIK" in page.form.errors["sex"].text()


def test_the_counts_of_the_pair_left_never_show_under_the_next_pair(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The status counts of a large pair are still being made when the operator opens
    another pair: arriving last, they were shown (MS, BMS, ..., Jumlah) for that pair."""
    from tests.gui.sample_data import second_pair_with_a_slow_first

    second, release = second_pair_with_a_slow_first(window, seeded, "status_counts")
    page = open_supporters(window, seeded)  # counting the first pair: held
    window.open_record("pair", second)
    shown: list[dict[str, int]] = []
    page.countsShown.connect(shown.append)
    release.set()
    qtbot.waitUntil(lambda: any(c.get("total") == 0 for c in shown), timeout=10_000)
    assert all(c.get("total") == 0 for c in shown), shown
    assert "Jumlah <b>0</b>" in page.counts_label.text()


def test_a_refused_verdict_keeps_the_cursor_on_its_row(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Field verification of a supporter not MS in the administrative verification is
    refused (a warning); the cursor moved on anyway, so the row was left behind
    unverified and the next key went to the next person. It stays, to be given an
    allowed verdict."""
    page = open_supporters(window, seeded)
    table = page.table
    page.verify_stage.setCurrentIndex(page.verify_stage.findData("field"))
    page.verify_mode.setChecked(True)
    table.setFocus()
    _at_row(page, 0)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    press(table, Qt.Key.Key_M, "m")
    assert len(warned) == 1
    assert table.currentIndex().row() == 0


def test_ctrl_z_of_a_first_desa_takes_its_kecamatan_back_too(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A supporter typed in by hand gets its first desa (the kecamatan and kab/kota
    follow); Ctrl+Z emptied the desa but left the kecamatan, so the supporter stayed
    counted (spread, filter) in a kecamatan the operator had undone."""
    backend = window.backend
    page = open_supporters(window, seeded)
    QTest.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    record_id = page.form.record_id
    before = backend.get("supporter", record_id)
    places = ("desa_code", "kecamatan_code", "kabkota_code")
    kecamatan = backend.regions.children("32.14")[2].code
    desa = backend.regions.children(kecamatan)[0].code
    page.form.widgets["desa_code"].codeChosen.emit(desa)
    chosen = backend.get("supporter", record_id)
    assert [chosen[k] for k in places] == [desa, kecamatan, "32.14"]
    page.form.undo_stack.undo()
    undone = backend.get("supporter", record_id)
    assert [undone[k] for k in places] == [before[k] for k in places]


def test_a_bulk_verdict_leaves_rows_with_a_citizens_objection_for_a_look_of_their_own(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A citizen's objection is resolved by the verdict on its row: a bulk verdict that
    took the flagged rows along would close them unread. They are left out, the
    operator is told how many and why, and a verdict on one of them alone is saved."""
    page = open_supporters(window, seeded)
    backend = window.backend
    table = page.table
    ids = [page.model.row_at(i).id for i in range(30)]
    flagged = ids[3:5]
    with backend.db.session() as session:  # what the pull of the server's flag writes
        session.execute(
            update(Supporter).where(Supporter.id.in_(flagged)).values(public_objection=True)
        )
    page.verify_mode.setChecked(True)
    table.setFocus()
    asked: list[str] = []

    def answer(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box.text())
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", answer)
    QTest.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(page.verified) as marked:
        press(table, Qt.Key.Key_M, "m")
    assert marked.args == [28]
    # The question counts the rows that get the verdict and names the ones left out.
    assert len(asked) == 1 and asked[0].startswith("Tandai 28 pendukung yang dipilih")
    assert "2 pendukung lain yang dipilih punya tanggapan masyarakat dan dilewati" in asked[0]
    assert [backend.get("supporter", i)["admin_status"] for i in flagged] == ["", ""]
    assert all(backend.get("supporter", i)["admin_status"] == "MS" for i in ids if i not in flagged)
    assert page.result_label.text().startswith("2 pendukung dengan tanggapan masyarakat dilewati")
    # One row alone: the operator's own look at that objection.
    table.selectRow(3)
    press(table, Qt.Key.Key_7, "7")
    assert backend.get("supporter", flagged[0])["admin_reasons"] == ["BANNED_OCCUPATION"]
