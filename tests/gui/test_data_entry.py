"""An operator enters an election, a pair and a candidate from the keyboard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from silon_desktop.ui.record_form import format_date as form_date


def type_and_enter(widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def test_enter_pair_and_candidate_from_the_keyboard(qtbot: QtBot, window: Any) -> None:
    backend = window.backend
    QTest.keyClick(
        window,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    elections = backend.list("election")
    assert len(elections) == 1, "Ctrl+Shift+E adds an election"
    form = window.election_form
    type_and_enter(form.widgets["name"], "Pilkada Purwakarta 2024")
    type_and_enter(form.widgets["dpt"], "733927")
    assert "Tersimpan" in form.status_label.text()
    election = backend.get("election", elections[0]["id"])
    assert election["name"] == "Pilkada Purwakarta 2024" and election["dpt"] == 733927
    assert window.tree.topLevelItem(0).text(0) == "Pilkada Purwakarta 2024"

    QTest.keyClick(
        window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    pairs = backend.list("pair")
    assert len(pairs) == 1
    pair_form = window.pair_page.pair_form
    type_and_enter(pair_form.widgets["number"], "3")
    type_and_enter(pair_form.widgets["head_name"], "DEDI MULYADI")
    type_and_enter(pair_form.widgets["deputy_name"], "RINA MARLINA")
    pair = backend.get("pair", pairs[0]["id"])
    assert (pair["number"], pair["head_name"], pair["deputy_name"]) == (
        3,
        "DEDI MULYADI",
        "RINA MARLINA",
    )

    # Validation as you type: letters in a number field are refused, nothing saved.
    number = pair_form.widgets["number"]
    type_and_enter(number, "x")
    assert not pair_form.errors["number"].isHidden()
    assert backend.get("pair", pair["id"])["number"] == 3

    # Undo of the last change writes the previous value back as a new edit.
    type_and_enter(pair_form.widgets["deputy_name"], "RINA M")
    QTest.keyClick(
        pair_form.widgets["deputy_name"], Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )
    assert backend.get("pair", pair["id"])["deputy_name"] == "RINA MARLINA"
    assert pair_form.widgets["deputy_name"].text() == "RINA MARLINA"

    window.pair_page.setCurrentIndex(1)
    candidates = window.pair_page.candidates
    QTest.mouseClick(candidates.add_button, Qt.MouseButton.LeftButton)
    assert candidates.list.count() == 1
    cform = candidates.form
    # A woman born 5 August 1980 (day + 40) in Kec. Purwakarta (32.14.01).
    nik = cform.widgets["nik"]
    nik.setFocus()
    QTest.keyClicks(nik, "3214014508800001")
    assert cform.widgets["birth_date"].text() == "05-08-1980"
    assert cform.widgets["sex"].currentData() == "P"
    QTest.keyClick(nik, Qt.Key.Key_Return)
    type_and_enter(cform.widgets["name"], "DEDI MULYADI")
    candidate = backend.get("candidate", candidates.current_id())
    assert candidate["nik"] == "3214014508800001"
    assert candidate["birth_date"] == dt.date(1980, 8, 5)
    assert candidate["sex"] == "P"
    assert candidate["name"] == "DEDI MULYADI"
    assert candidates.list.item(0).text().endswith("DEDI MULYADI")

    # A NIK with an impossible date is named as such while typing.
    type_and_enter(nik, "3214019913800001")
    assert not cform.errors["nik"].isHidden()
    assert backend.get("candidate", candidate["id"])["nik"] == "3214014508800001"
    # Every edit is in the outbox, waiting for sync.
    assert backend.sync_status().pending >= 3


def test_requirement_documents_and_parties(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Any
) -> None:
    import hashlib

    backend = window.backend
    window.open_record("pair", seeded["pair"])
    page = window.pair_page
    page.setCurrentIndex(1)
    documents = page.documents
    QTest.mouseClick(documents.add_button, Qt.MouseButton.LeftButton)
    assert documents.list.count() == 1
    kind = documents.form.widgets["kind"]
    kind.setCurrentIndex(kind.findData("skck"))
    kind.activated.emit(kind.currentIndex())
    scan = tmp_path / "skck.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of a police certificate")
    with qtbot.waitSignal(page.documentAttached, timeout=10_000) as attached:
        assert page.attach_file(scan) is not None  # a job: the UI thread does not wait
    assert attached.args == [""]  # saved, no refusal
    record = backend.get("document", documents.current_id())
    assert record["kind"] == "skck" and record["status"] == "ada"
    assert record["sha256"] == hashlib.sha256(scan.read_bytes()).hexdigest()
    assert record["size"] == scan.stat().st_size
    assert (backend.paths.documents / record["filename"]).read_bytes() == scan.read_bytes()
    assert documents.list.item(0).text().endswith("[berkas]")

    page.setCurrentWidget(page.parties)
    QTest.mouseClick(page.parties.add_button, Qt.MouseButton.LeftButton)
    type_and_enter(page.parties.form.widgets["party_name"], "PARTAI CONTOH")
    type_and_enter(page.parties.form.widgets["seats"], "9")
    party = backend.get("party", page.parties.current_id())
    assert (party["party_name"], party["seats"]) == ("PARTAI CONTOH", 9)


def typing_a_deputy_name(qtbot: QtBot, window: Any, pair_id: str, text: str) -> Any:
    """The pair's form open, ``text`` typed over its deputy's name and not accepted
    (no Enter, no Tab); the name's field, still focused."""
    window.activateWindow()
    window.open_record("pair", pair_id)
    form = window.pair_page.pair_form
    window.pair_page.setCurrentWidget(form)
    deputy = form.widgets["deputy_name"]
    deputy.setFocus()
    qtbot.waitUntil(deputy.hasFocus)
    deputy.selectAll()
    QTest.keyClicks(deputy, text)
    return deputy


def typing_a_date(qtbot: QtBot, window: Any, election_id: str, text: str) -> Any:
    """The election's form open, ``text`` typed over its penetapan date and not accepted;
    the date's field, still focused."""
    window.activateWindow()
    window.open_record("election", election_id)
    date = window.election_form.widgets["penetapan_date"]
    date.setFocus()
    qtbot.waitUntil(date.hasFocus)
    date.selectAll()
    QTest.keyClicks(date, text)
    return date


def importing_3000_rows(qtbot: QtBot, window: Any, pair_id: str, folder: Path) -> Any:
    """The import wizard of ``pair_id`` on a list of 3,000 supporters, at its mapping
    page: the next click on its import button starts a long import."""
    from tests.unit.importers.sheets import supporter_rows, write_xlsx

    window.open_record("pair", pair_id)
    wizard = window.show_import()
    qtbot.addWidget(wizard)
    wizard.path_edit.setText(str(write_xlsx(folder / "dukungan.xlsx", supporter_rows(3000))))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.PAGE_MAPPING, timeout=20_000)
    return wizard


def test_a_shortcut_that_opens_a_new_record_keeps_what_was_being_typed(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Typing in a form, then Ctrl+Shift+P (or Ctrl+Shift+E) without Enter or Tab: the
    shortcut moves no focus, and the typed text was dropped when the new record came
    into the same form. It is saved to the record it was typed on."""
    backend = window.backend
    deputy = typing_a_deputy_name(qtbot, window, seeded["pair"], "SITI AMINAH")
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(deputy, Qt.Key.Key_P, shift_ctrl)
    new_pair = window.pair_page.pair_id
    assert new_pair != seeded["pair"]
    assert backend.get("pair", seeded["pair"])["deputy_name"] == "SITI AMINAH"
    assert not backend.get("pair", new_pair)["deputy_name"]

    window.open_record("election", seeded["election"])
    name = window.election_form.widgets["name"]
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.selectAll()
    QTest.keyClicks(name, "PILBUP PURWAKARTA 2024")
    QTest.keyClick(name, Qt.Key.Key_E, shift_ctrl)
    new_election = window.tree.current_key()[1]
    assert new_election != seeded["election"]
    assert backend.get("election", seeded["election"])["name"] == "PILBUP PURWAKARTA 2024"
    assert not backend.get("election", new_election)["name"]


def test_esc_in_a_field_being_typed_puts_the_saved_value_back_and_saves_nothing(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Esc did nothing in a form: the mistyped name stayed in the field and was saved
    as soon as the operator moved on. Now Esc shows the saved value again (with the
    birth date and sex a NIK being typed filled in), and Esc in an unchanged field is
    left to the window."""
    backend = window.backend
    deputy = typing_a_deputy_name(qtbot, window, seeded["pair"], "SALAH KETIK")
    saved = backend.get("pair", seeded["pair"])["deputy_name"]
    QTest.keyClick(deputy, Qt.Key.Key_Escape)
    assert deputy.text() == saved and deputy.hasFocus()
    QTest.keyClick(deputy, Qt.Key.Key_Tab)
    assert backend.get("pair", seeded["pair"])["deputy_name"] == saved
    assert window.pair_page.pair_form.status_label.text() == ""

    window.pair_page.setCurrentWidget(window.pair_page.supporters)
    form = window.pair_page.supporters.form
    record = backend.get("supporter", form.record_id)
    nik, birth = form.widgets["nik"], form.widgets["birth_date"]
    nik.setFocus()
    qtbot.waitUntil(nik.hasFocus)
    nik.selectAll()
    QTest.keyClicks(nik, "3214015708990003")  # a woman born 17 August 1999
    assert birth.text() == "17-08-1999" or form.errors["birth_date"].isVisibleTo(form)
    QTest.keyClick(nik, Qt.Key.Key_Escape)
    assert nik.text() == record["nik"] and birth.text() != "17-08-1999"
    assert form.widgets["sex"].currentData() == (record["sex"] or "")
    assert not form.errors["nik"].isVisibleTo(form)
    assert not form.errors["birth_date"].isVisibleTo(form)
    QTest.keyClick(nik, Qt.Key.Key_Tab)
    assert backend.get("supporter", form.record_id) == record


def test_a_refused_value_left_behind_by_going_to_another_record_is_said(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """A birth date that does not exist typed for one supporter, then another row
    clicked: the form showed the other supporter and the typing was gone without a
    word (its message under the field went with it). The line under the form now
    names what was not saved; the other supporter is not touched."""
    from tests.gui.test_verification import open_supporters

    backend = window.backend
    window.activateWindow()
    page = open_supporters(window, seeded)
    form = page.form
    first = backend.get("supporter", form.record_id)
    date = form.widgets["birth_date"]
    date.setFocus()
    qtbot.waitUntil(date.hasFocus)
    date.selectAll()
    QTest.keyClicks(date, "31-02-1990")
    rect = page.table.visualRect(page.model.index(3, 1))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    other = backend.get("supporter", form.record_id)
    assert other["id"] != first["id"] and date.text() == form_date(other["birth_date"])
    assert form.status_label.text() == (
        'Isian pada data sebelumnya tidak tersimpan: Tanggal lahir "31-02-1990"'
    )
    assert backend.get("supporter", first["id"]) == first
    QTest.keyClicks(form.widgets["occupation"], "PETANI")
    QTest.keyClick(form.widgets["occupation"], Qt.Key.Key_Return)
    assert form.status_label.text().startswith("Tersimpan ")  # the next save says its own


def test_closing_the_window_over_a_value_that_cannot_be_saved_asks_first(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The operator typed a date that does not exist and closed the program (Ctrl+Q or
    the window's close button): the window closed and the typing was gone, without a
    word. Now a valid value typed is saved as before; a refused one is named and the
    window closes only when the operator says so ("Tidak" by default)."""
    from PySide6.QtGui import QAction, QCloseEvent

    class CloseButton(QCloseEvent):  # what the window manager's close button sends
        def spontaneous(self) -> bool:
            return True

    backend = window.backend
    asked: list[list[str]] = []
    window.confirm_discard = lambda labels: asked.append(labels) or False
    window.open_record("pair", seeded["pair"])
    window.pair_page.setCurrentWidget(window.pair_page.pair_form)
    for name, text in (("number", " 7 "), ("deputy_name", "SITI AMINAH  ")):
        type_and_enter(window.pair_page.pair_form.widgets[name], text)  # saved, stripped
    assert window.pair_page.pair_form.unsaved_labels() == []
    quit_action = next(a for a in window.findChildren(QAction) if a.text() == "&Keluar")
    assert quit_action.shortcut().matches(QKeySequence(QKeySequence.StandardKey.Quit))
    date = typing_a_date(qtbot, window, seeded["election"], "31-02-2024")
    quit_action.trigger()
    assert asked == [["Tanggal penetapan"]]
    assert window.isVisible() and date.text() == "31-02-2024" and date.hasFocus()
    closing = CloseButton()
    window.closeEvent(closing)
    assert not closing.isAccepted() and len(asked) == 2 and window.isVisible()
    date.selectAll()
    QTest.keyClicks(date, "27-09-2024")  # corrected: saved as the window closes
    window.closeEvent(CloseButton())
    assert len(asked) == 2
    assert backend.get("election", seeded["election"])["penetapan_date"] == dt.date(2024, 9, 27)
    window.show()
    date.setFocus()
    date.selectAll()
    QTest.keyClicks(date, "40-40-2024")
    window.confirm_discard = lambda labels: asked.append(labels) or True
    quit_action.trigger()
    assert len(asked) == 3 and not window.isVisible()
    assert backend.get("election", seeded["election"])["penetapan_date"] == dt.date(2024, 9, 27)


def test_what_is_being_typed_is_saved_before_a_lock_closes_the_data(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The server revokes access (a password changed by the administrator) while the
    operator types a name: the lock closed the database first, and the field's own
    save, when the closing window took its focus, came too late. The typed name is in
    the database before it closes (the new password opens it again)."""
    backend = window.backend
    typing_a_deputy_name(qtbot, window, seeded["pair"], "SITI AMINAH")
    at_lock: list[str] = []
    backend.lock = lambda: at_lock.append(backend.get("pair", seeded["pair"])["deputy_name"])
    window.lock()
    assert at_lock == ["SITI AMINAH"]


def test_a_lock_closes_the_dialogs_open_over_the_window(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The server revokes access while the operator reads a record's history (its
    journal shows the values saved): the window closed and the dialog stayed on
    screen with them, over the login dialog that could not come back (the
    application's loop waits for its last window)."""
    window.open_record("pair", seeded["pair"])
    window.pair_page.setCurrentWidget(window.pair_page.pair_form)
    history = window.show_history()
    qtbot.addWidget(history)
    conflicts = window.show_conflicts()
    qtbot.addWidget(conflicts)
    assert history.isVisible() and conflicts.isVisible()
    window.backend.lock = lambda: None
    window.lock()
    assert not window.isVisible()
    assert not history.isVisible() and not conflicts.isVisible()


def test_a_lock_during_an_import_hides_the_data_and_lets_the_import_finish(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    """The server revokes access while a list is imported: the lock closed the wizard,
    which cancelled the import (one transaction, rolled back), and the operator's
    import was gone with no word. Now the window and its data are hidden at once, the
    import finishes (its rows stored), and the lock follows."""
    from sqlalchemy import text

    backend = window.backend

    def supporters() -> int:
        with backend.db.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM supporter")).scalar_one())

    before = supporters()
    wizard = importing_3000_rows(qtbot, window, seeded["pair"], tmp_path)
    at_lock: list[int] = []
    backend.lock = lambda: at_lock.append(supporters())
    seen: dict[str, bool] = {}

    def lock_once(_progress: object) -> None:
        if not seen:
            window.lock()
            seen.update(window=window.isVisible(), wizard=wizard.isVisible())
        elif "dicabut oleh server" in wizard.progress_label.text():
            seen["said"] = True  # why it goes on, above the rows counted

    wizard.import_button.click()
    assert wizard.job is not None
    wizard.job.progress.connect(lock_once)
    qtbot.waitUntil(lambda: bool(at_lock), timeout=60_000)
    assert seen == {"window": False, "wizard": True, "said": True}  # data hidden, import on
    assert at_lock == [before + 3000]  # every row stored before the data closed
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert not window.isVisible() and window.ended_by == "locked"
    assert wizard.pages.currentIndex() != wizard.PAGE_RESULT  # its rows were not shown


def test_enter_saves_a_field_and_moves_on_a_refused_value_keeps_the_focus(
    qtbot: QtBot, window: Any
) -> None:
    """Keyboard-first entry: Enter saves the field and goes on to the next, as Tab
    does; a value the form refuses stays in its field with the message under it."""
    QTest.keyClick(
        window,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    form = window.election_form
    name = form.widgets["name"]
    type_and_enter(name, "Pilkada Purwakarta 2024")
    qtbot.waitUntil(lambda: not name.hasFocus(), timeout=2000)
    moved_to = window.focusWidget()
    assert moved_to is not name and form.isAncestorOf(moved_to)
    election = window.backend.list("election")[0]
    assert election["name"] == "Pilkada Purwakarta 2024"

    dpt = form.widgets["dpt"]
    type_and_enter(dpt, "tujuh ratus")
    qtbot.wait(50)
    assert dpt.hasFocus() and not form.errors["dpt"].isHidden()
    assert window.backend.get("election", election["id"])["dpt"] != "tujuh ratus"
    type_and_enter(dpt, "733927")
    qtbot.waitUntil(lambda: not dpt.hasFocus(), timeout=2000)
    assert window.backend.get("election", election["id"])["dpt"] == 733927
