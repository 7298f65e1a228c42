"""Regressions found by walking through the application as an operator and a Bimtek trainer."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from silon_desktop.services import SyncSummary
from silon_desktop.ui import i18n
from silon_desktop.ui.supporters_model import STATUS_COLUMN


def test_status_bar_messages_have_room_beside_the_sync_status(
    window: Any, seeded: dict[str, str]
) -> None:
    # The sync widget took every pixel (stretch 1): "Diagnostik disalin", sync errors and
    # "Rekapitulasi disimpan" were shown in a zero-wide area nobody could read.
    window.resize(1366, 740)
    window.copy_diagnostics()
    bar = window.statusBar()
    assert bar.currentMessage() == "Diagnostik disalin ke papan klip."
    free = bar.width() - window.sync_status.width() - window.user_label.width()
    assert free > bar.fontMetrics().horizontalAdvance(bar.currentMessage())


def test_pending_count_follows_a_local_edit_at_once(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    window.open_record("pair", seeded["pair"])
    with qtbot.waitSignal(window.sync.statusChanged, timeout=5000) as first:
        window.sync.refresh_status()
    before = first.args[0].pending
    with qtbot.waitSignal(
        window.sync.statusChanged, timeout=5000, check_params_cb=lambda s: s.pending > before
    ):
        assert window.pair_page.candidates.add() is not None  # a new record: one more change
    assert window.sync_status.pending_label.text() == f"Belum terkirim: {before + 1}"


def test_sync_resumes_when_the_server_returns_with_changes_cut_off_mid_sync(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Server killed mid-sync: the batch stays "sent" (pending 0, sent 1000). When the
    # server answers again the run must start by itself, at once.
    controller = window.sync
    runs: list[bool] = []
    monkeypatch.setattr(controller, "sync_now", lambda: runs.append(True) or True)
    controller.timer.start()
    controller._status(SyncSummary(0, 1000, 0, "", None, False))
    assert runs == []
    controller._status(SyncSummary(0, 1000, 0, "", None, True))
    assert runs == [True]
    controller._status(SyncSummary(0, 0, 0, "", None, True))  # nothing waits: no run
    assert runs == [True]


def test_history_and_conflicts_name_every_field_in_words() -> None:
    from silon_desktop.ui.labels import field_label
    from sync.protocol import ENTITIES

    raw = [f for e in ENTITIES.values() for f in e.field_names if field_label(f) == f]
    assert raw == []
    assert field_label("occupation") == "Pekerjaan"


def test_a_date_conflict_shows_dd_mm_yyyy_and_its_new_value_box_is_accepted(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conflict on a birth date: the dialog shows the dates as every form does, and
    *Nilai baru* with the box as filled in (the operator's own date, perhaps retouched)
    is taken; it was refused as "tidak valid" (an ISO date the box cannot read)."""
    from PySide6.QtWidgets import QMessageBox

    from silon_desktop.storage.models import Conflict

    backend = window.backend
    candidate = backend.list("candidate", pair_id=seeded["pair"])[0]["id"]
    with backend.db.session() as session:  # what a push answered with a conflict stores
        session.add(
            Conflict(
                entity="candidate",
                record_id=candidate,
                field="birth_date",
                base="1975-01-01",
                mine="1975-02-01",
                theirs="1975-03-01",
                server_version=1,
            )
        )
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dialog = window.show_conflicts()
    qtbot.addWidget(dialog)
    shown = [dialog.table.item(0, column).text() for column in (2, 3, 4)]
    assert shown == ["01-01-1975", "01-02-1975", "01-03-1975"]
    dialog.choose(0, "edited")
    assert dialog.table.cellWidget(0, 6).text() == "01-02-1975"
    dialog.apply()
    assert warnings == []
    assert backend.conflicts() == []
    assert backend.get("candidate", candidate)["birth_date"].isoformat() == "1975-02-01"


def _two_name_conflicts(backend: Any, pair_id: str) -> None:
    """What a push answered with conflicts on the pair's deputy and head names stores."""
    from silon_desktop.storage.models import Conflict

    with backend.db.session() as session:
        for name, base, mine, theirs in (
            ("deputy_name", "SITI", "SITI A", "SITI B"),
            ("head_name", "AHMAD", "AHMAD X", "AHMAD Y"),
        ):
            session.add(
                Conflict(
                    entity="pair",
                    record_id=pair_id,
                    field=name,
                    base=base,
                    mine=mine,
                    theirs=theirs,
                    server_version=1,
                )
            )


def test_enter_in_a_new_value_box_resolves_no_conflict(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Two conflicts; the operator types a new value for the first and presses Enter,
    as in every form. Enter was "Terapkan pilihan" (the dialog's default button): both
    were resolved, the second as "Server" without being looked at."""
    backend = window.backend
    _two_name_conflicts(backend, seeded["pair"])
    dialog = window.show_conflicts()
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    dialog.choose(0, "edited")
    edit = dialog.table.cellWidget(0, 6)
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "SITI AMINAH")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert len(backend.conflicts()) == 2
    dialog.choose(1, "mine")
    with qtbot.waitSignal(dialog.resolved) as resolved:
        QTest.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert resolved.args == [2]
    pair = backend.get("pair", seeded["pair"])
    assert (pair["deputy_name"], pair["head_name"]) == ("SITI AMINAH", "AHMAD X")


def test_a_new_value_for_an_edit_against_a_delete_is_refused_in_words(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A supporter edited here was deleted on the server (*Dihapus*), beside another
    conflict. *Nilai baru* on it raised KeyError inside *Terapkan pilihan*: the other
    row was left unresolved and the dialog unchanged. Now it is refused with a message
    and the other choice is applied; the edit shows as its fields, not a Python dict."""
    from PySide6.QtWidgets import QMessageBox

    from silon_desktop.storage.models import Conflict

    backend = window.backend
    with backend.db.session() as session:
        session.add(
            Conflict(
                entity="supporter",
                record_id=seeded["first_supporter"],
                field="_deleted",
                base=False,
                mine={"address": "JL. MELATI 4"},
                theirs=True,
                server_version=2,
            )
        )
        session.add(
            Conflict(
                entity="pair",
                record_id=seeded["pair"],
                field="deputy_name",
                base="SITI",
                mine="SITI A",
                theirs="SITI B",
                server_version=1,
            )
        )
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dialog = window.show_conflicts()
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 3).text() == "Alamat: JL. MELATI 4"
    dialog.choose(0, "edited")
    dialog.choose(1, "mine")
    with qtbot.waitSignal(dialog.resolved) as resolved:
        dialog.apply()
    assert resolved.args == [1]
    assert len(warnings) == 1
    assert backend.get("pair", seeded["pair"])["deputy_name"] == "SITI A"
    assert dialog.table.rowCount() == 1  # the deleted supporter's conflict stays open


def test_typing_a_date_and_hostile_input_name_the_field_and_keep_the_saved_value(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    window.open_record("pair", seeded["pair"])
    form = window.pair_page.candidates.form
    saved = form.values.get("name")
    date = form.widgets["birth_date"]
    assert isinstance(date, QLineEdit)
    date.setFocus()
    QTest.keyClicks(date, "1")  # still typing: no red message yet
    assert form.errors["birth_date"].isHidden()
    date.clear()
    QTest.keyClicks(date, "31-02-1985")
    QTest.keyClick(date, Qt.Key.Key_Return)
    assert not form.errors["birth_date"].isHidden()
    assert form.status_label.text() == "Belum tersimpan: Tanggal lahir"

    name = form.widgets["name"]
    assert isinstance(name, QLineEdit)
    name.setText("BUDI\x07 SANTOSO")
    name.editingFinished.emit()
    assert form.errors["name"].text() == "Berisi karakter yang tidak diizinkan."
    assert form.status_label.text() == "Belum tersimpan: Nama lengkap"
    name.setText("X" * 5000)
    name.editingFinished.emit()
    assert "200" in form.errors["name"].text()
    record = window.backend.get("candidate", form.record_id)
    assert record["name"] == saved and record["birth_date"] is None


def test_region_picker_shows_the_start_of_each_name(qtbot: QtBot, backend: Any) -> None:
    from silon_desktop.ui.region_picker import RegionPicker

    picker = RegionPicker(backend.regions, 4)
    qtbot.addWidget(picker)
    picker.resize(330, 60)  # the supporter form's width at 1366x768
    picker.show()
    qtbot.waitExposed(picker)
    desa = backend.regions.children("32.14.01")[0]
    picker.set_code(desa.code)
    for combo in picker.combos:
        assert combo.lineEdit().cursorPosition() == 0
        assert combo.toolTip() == combo.currentText() != ""
    widths = [c.width() for c in picker.combos]
    assert max(widths) - min(widths) <= 2, widths


def test_candidate_and_document_lists_are_translated(
    qtbot: QtBot, qapp: Any, backend: Any, seeded: dict[str, str]
) -> None:
    translators = i18n.install_translators(qapp, "en")
    try:
        from silon_desktop.ui.main_window import MainWindow

        window = MainWindow(backend)
        qtbot.addWidget(window)
        window.open_record("pair", seeded["pair"])
        assert window.pair_page.candidates.list.item(0).text() == "Head: AHMAD SUBAGJA"
        window.pair_page.documents.add()
        assert window.pair_page.documents.list.item(0).text().endswith("— Not submitted")
        from sync.transport import Offline

        down = Offline("connection refused")
        window._sync_finished({"problem": down, "error": down.message, "error_kind": "offline"})
        assert window.statusBar().currentMessage().startswith("The server cannot be reached")
        # The last failed run's problem, as saved, is worded on screen in the same words.
        window.sync_status.show_status(SyncSummary(0, 0, 0, "", down, None))
        assert window.sync_status.last_label.toolTip().startswith("The server cannot be reached")
    finally:
        i18n.remove_translators(qapp, translators)


def test_every_interface_text_has_an_english_translation(tmp_path: Path) -> None:
    """lupdate over the UI finds no text without a translation (pdf_reports: official
    Indonesian documents, not translated)."""
    lupdate = shutil.which("pyside6-lupdate") or str(
        Path(i18n.lrelease_command()[0]).parent / "lupdate"  # type: ignore[index]
    )
    if not Path(lupdate).exists() and shutil.which(lupdate) is None:
        pytest.skip("lupdate not available")
    ts = tmp_path / "silon_en.ts"
    shutil.copy(i18n.i18n_dir() / "silon_en.ts", ts)
    ui = Path(i18n.__file__).parent
    sources = [str(p) for p in sorted(ui.glob("*.py")) if p.name != "pdf_reports.py"]
    subprocess.run([lupdate, *sources, "-ts", str(ts)], check=True, capture_output=True)
    missing = [
        m.findtext("source")
        for m in ET.parse(ts).getroot().iter("message")
        if m.find("translation") is not None and m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert missing == []


def test_status_column_is_on_screen_at_1366(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Measured once the page has its final layout: the splitter beside the form settles
    after the tab is shown, and measured at once the column looked on screen while the
    window showed it cut ("Sta") beside a tree fitting its pair's name."""
    window.resize(1366, 740)
    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    page.verify_mode.setChecked(True)
    qtbot.waitUntil(lambda: page.table.viewport().width() > 0)
    qtbot.wait(200)  # the events that lay the shown tab out
    header = page.table.horizontalHeader()
    status = STATUS_COLUMN
    assert page.model.headerData(status, Qt.Orientation.Horizontal) == "Status"
    right = header.sectionViewportPosition(status) + header.sectionSize(status)
    assert right <= page.table.viewport().width(), (right, page.table.viewport().width())
    # Each filter shows its whole placeholder or first entry.
    for combo in (page.kecamatan_filter, page.status_filter, page.reason_filter):
        assert combo.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText())
    assert page.nik_filter.width() > page.nik_filter.fontMetrics().horizontalAdvance("0" * 16)


def test_receipt_shows_words_not_codes(qtbot: QtBot, backend: Any, seeded: dict[str, str]) -> None:
    from silon_desktop.ui.history_dialog import HistoryDialog

    supporter = backend.list("supporter", pair_id=seeded["pair"])[0]
    backend.verify([supporter["id"]], "admin", ["NO_ID_SCAN"], "", {"rule_set": "pilkada-2024"})
    dialog = HistoryDialog(backend, "supporter", supporter["id"])
    qtbot.addWidget(dialog)
    text = dialog.receipt_html()
    assert "AHMAD SUBAGJA - SITI NURHALIZA" in text  # the pair, not its uuid
    assert "Tanpa KTP-el / tanda tangan" in text and "NO_ID_SCAN" not in text
    assert backend.region_name(supporter["kecamatan_code"]) in text
    assert "Laki-laki" in text  # sex L in words
    for raw in ("True", "False", "['", "effective_status", "scope", ">L<", ">P<"):
        assert raw not in text, raw


@pytest.mark.qt_log_ignore(  # the completer's popup on the offscreen platform
    "This plugin does not support raise", "This plugin does not support grabbing"
)
def test_region_picker_enter_takes_the_first_match_of_what_was_typed(
    qtbot: QtBot, backend: Any
) -> None:
    from silon_desktop.ui.region_picker import RegionPicker

    picker = RegionPicker(backend.regions, 4)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    province, kabkota, kecamatan, desa = picker.combos
    for combo, typed, code in (
        (province, "jawa bar", "32"),
        (kabkota, "purwak", "32.14"),
        (kecamatan, "campa", "32.14.02"),
    ):
        combo.setFocus()
        QTest.keyClicks(combo.lineEdit(), typed)
        QTest.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
        assert combo.currentData() == code, (typed, combo.currentText())
    first = desa.itemText(0).split(" (")[0]
    with qtbot.waitSignal(picker.codeChosen) as chosen:
        QTest.keyClicks(desa.lineEdit(), first.lower())
        QTest.keyClick(desa.lineEdit(), Qt.Key.Key_Return)
    assert chosen.args[0].startswith("32.14.02.")
    QTest.keyClicks(province.lineEdit(), "zzz")  # nothing matches: nothing chosen, no crash
    QTest.keyClick(province.lineEdit(), Qt.Key.Key_Return)


def _party_pair(backend: Any, seeded: dict[str, str], *parties: tuple[str, Any, int]) -> str:
    """A second pair of the sample election, nominated by ``(name, seats, votes)``
    parties (seats None: not entered)."""
    pair = backend.get("pair", seeded["pair"])
    other, _ = backend.create(
        "pair", {"election_id": pair["election_id"], "number": 2, "route": "partai"}, "32.14"
    )
    for name, seats, votes in parties:
        values = {"pair_id": other, "party_name": name, "votes": votes}
        if seats is not None:
            values["seats"] = seats
        backend.create("party", values, "32.14")
    return str(other)


def _shown_dashboard(qtbot: QtBot, window: Any, pair_id: str) -> Any:
    """The pair's dashboard, opened and shown."""
    window.open_record("pair", pair_id)
    board = window.pair_page.dashboard
    with qtbot.waitSignal(board.shown, timeout=10_000):
        window.pair_page.setCurrentWidget(board)
    return board


def test_dashboard_of_a_party_pair_counts_the_coalition_not_supporters(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    other = _party_pair(window.backend, seeded, ("PARTAI A", 6, 90_000), ("PARTAI B", 4, 61_500))
    board = _shown_dashboard(qtbot, window, other)
    text = board.summary.text()
    assert "diusung partai politik" in text and "<b>10</b> kursi" in text
    assert "<b>151.500</b> suara sah" in text
    assert "55.045" not in text and board.progress.isHidden() and board.table.rowCount() == 0
    assert "perhitungan" not in text  # the DPRD valid votes are not entered yet


def test_dashboard_of_a_party_pair_computes_the_mk_60_requirement_and_warns_on_the_decree(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    pair = backend.get("pair", seeded["pair"])
    other = _party_pair(backend, seeded, ("PARTAI A", None, 151_500))
    # Purwakarta's DPT 733,927: the 7.5% tier; the decree typed with another figure.
    assert (
        backend.update(
            "election",
            pair["election_id"],
            {"dprd_valid_votes": 2_000_000, "official_party_votes": 150_001},
        )
        is None
    )
    text = _shown_dashboard(qtbot, window, other).summary.text()
    assert "Syarat menurut perhitungan: <b>150.000</b> suara sah (7,5% dari" in text
    assert "), terpenuhi." in text
    assert "Keputusan KPU menetapkan 150.001 suara sah" in text and "memberi 150.000" in text


def test_dashboard_of_a_party_pair_before_mk_60_counts_parties_holding_seats(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    backend = window.backend
    pair = backend.get("pair", seeded["pair"])
    other = _party_pair(backend, seeded, ("PARTAI A", 0, 130_000), ("PARTAI B", 5, 20_000))
    totals = {"rule_set": "pilkada-2020", "dprd_seats": 50, "dprd_valid_votes": 500_000}
    assert backend.update("election", pair["election_id"], totals) is None
    text = _shown_dashboard(qtbot, window, other).summary.text()
    assert "Gabungan 1 partai: <b>5</b> kursi DPRD, <b>20.000</b> suara sah." in text
    assert "1 partai tanpa kursi DPRD tidak dihitung" in text
    assert "<b>125.000</b> suara sah (25% dari suara sah pemilu DPRD), belum." in text


def test_the_decree_figure_before_mk_60_leaves_the_seat_route_open(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    # Pilkada 2020: 20% of the seats OR 25% of the votes. A coalition with 10 of 50 seats
    # was told "Setelah Putusan MK 60/2024 syaratnya suara sah ... (belum)" from the
    # decree's vote figure alone.
    backend = window.backend
    pair = backend.get("pair", seeded["pair"])
    other = _party_pair(backend, seeded, ("PARTAI A", 10, 100_000))
    totals = {
        "rule_set": "pilkada-2020",
        "dprd_seats": 50,
        "dprd_valid_votes": 500_000,
        "official_party_votes": 125_000,
    }
    assert backend.update("election", pair["election_id"], totals) is None
    text = _shown_dashboard(qtbot, window, other).summary.text()
    assert "Setelah Putusan MK 60/2024" not in text
    assert (
        "Keputusan KPU menetapkan <b>125.000</b> suara sah, atau kursi DPRD sebanyak syarat "
        "di atas (terpenuhi)." in text
    )


def test_second_candidate_added_is_the_deputy(window: Any, seeded: dict[str, str]) -> None:
    window.open_record("pair", seeded["pair"])  # the sample pair has its head already
    candidates = window.pair_page.candidates
    added = candidates.add()
    assert window.backend.get("candidate", added)["role"] == "wakil"
    assert candidates.list.currentItem().text() == "Wakil: (baru)"


def test_typing_survives_a_sync_finishing_in_the_background(
    window: Any, seeded: dict[str, str]
) -> None:
    # The automatic sync (every 2 minutes while changes wait) reloads the navigation and
    # the forms when it ends: a half-typed field must keep what the operator typed.
    window.open_record("pair", seeded["pair"])
    form = window.pair_page.pair_form
    edit = form.widgets["deputy_name"]
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "SITI NURHALIZA, S.H")
    window._sync_finished({"pushed": 1, "pulled": 0, "error": "", "conflicts_new": 0})
    assert edit.text() == "SITI NURHALIZA, S.H"
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert window.backend.get("pair", seeded["pair"])["deputy_name"] == "SITI NURHALIZA, S.H"


def test_verifier_keeps_the_row_when_a_sync_finishes(window: Any, seeded: dict[str, str]) -> None:
    # The background sync used to re-open the pair: the table jumped to row 0 and the
    # verifier's next key marked a supporter already done.
    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    page.table.selectRow(5)
    before = page.current_supporter_id()
    window._sync_finished({"pushed": 1, "pulled": 0, "error": "", "conflicts_new": 0})
    assert page.table.currentIndex().row() == 5
    assert page.current_supporter_id() == before and page.form.record_id == before
    assert window.pair_page.currentWidget() is page


def test_cursor_follows_its_supporter_when_a_sync_brings_new_rows(
    window: Any, seeded: dict[str, str]
) -> None:
    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    page.table.selectRow(5)
    before = page.current_supporter_id()
    window.backend.create(  # sorted by NIK: lands before the current row
        "supporter", {"pair_id": seeded["pair"], "nik": "3214010101000001"}, "32.14"
    )
    page.refresh()
    assert page.model.rowCount() == 31
    assert page.current_supporter_id() == before
    assert page.table.currentIndex().row() == 6


def test_a_large_selection_is_verified_off_the_ui_thread(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    page.verify_mode.setChecked(True)
    monkeypatch.setattr(page, "BACKGROUND_ROWS", 10)
    monkeypatch.setattr(QMessageBox, "exec", lambda *_a: QMessageBox.StandardButton.Yes)
    page.table.selectAll()
    page.table.setFocus()
    with qtbot.waitSignal(page.verified, timeout=20_000) as done:
        QTest.keyClick(page.table, Qt.Key.Key_M)
        assert window.jobs.running("verify") is not None  # the key returned at once
        assert page.result_label.text() == "Menyimpan verifikasi 30 pendukung..."
    assert done.args == [30]
    statuses = {r["admin_status"] for r in window.backend.list("supporter", pair_id=seeded["pair"])}
    assert statuses == {"MS"}
    assert page.model.row_at(0).effective_status == "MS"  # the table shows it


def test_sync_progress_text_fits_in_the_status_bar(window: Any) -> None:
    status = window.sync_status
    status._started()
    status._progress("push", 250_000, 1_000_000)
    text = status.progress.text()
    assert text == "Kirim 250000/1000000"
    room = status.progress.minimumWidth()
    assert status.progress.fontMetrics().horizontalAdvance(text) + 16 <= room


def test_sigterm_closes_the_window_so_the_training_server_is_stopped(
    qtbot: QtBot, window: Any
) -> None:
    import os
    import signal

    from silon_desktop.app import close_on_terminate

    previous = signal.getsignal(signal.SIGTERM)
    try:
        timer = close_on_terminate(window)
        assert timer.isActive()
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_status_bar_says_not_logged_in_until_a_login(qtbot: QtBot, data_dir: Path) -> None:
    from silon_desktop import paths
    from silon_desktop.ui.main_window import MainWindow
    from tests.gui.sample_data import open_backend

    backend = open_backend(paths.resolve(data_dir / "fresh").ensure(), user="latih01")
    backend.session_scope = ""  # a name remembered in the settings, nobody logged in yet
    try:
        window = MainWindow(backend)
        qtbot.addWidget(window)
        assert window.user_label.text() == "Pengguna: (belum masuk)"
        backend.session_scope = "32.14"  # what a login (online or offline) sets
        window.update_user()
        assert window.user_label.text() == "Pengguna: latih01"
    finally:
        backend.db.engine.dispose()


def test_election_kind_cannot_contradict_its_region(window: Any, seeded: dict[str, str]) -> None:
    # A bupati election of Kab. Purwakarta (32.14) turned "gubernur" was saved, and the
    # dashboard then counted governor thresholds over Purwakarta's kecamatan.
    election_id = window.backend.get("pair", seeded["pair"])["election_id"]
    window.open_record("election", election_id)
    form = window.election_form
    assert not form.write_value("kind", "gubernur")
    assert "tidak sesuai dengan jenis pemilihan" in form.errors["kind"].text()
    assert window.backend.get("election", election_id)["kind"] == "bupati"
    assert form.write_value("name", "Pemilihan Bupati Purwakarta 2024 (latihan)")


def test_an_election_region_outside_the_election_s_own_area_is_refused(
    window: Any, seeded: dict[str, str]
) -> None:
    # Kab. Purwakarta's election moved to Kab. Cilacap (33.01) was saved here, then
    # refused by the server at the next sync and the edit undone.
    election_id = window.backend.get("pair", seeded["pair"])["election_id"]
    window.open_record("election", election_id)
    form = window.election_form
    assert not form.write_value("region_code", "33.01")
    assert form.errors["region_code"].text() == (
        "Wilayah: Wilayah pemilihan harus wilayah data ini (32.14)."
    )
    assert window.backend.get("election", election_id)["region_code"] == "32.14"


def test_a_stage_date_before_the_stage_it_follows_is_refused(
    window: Any, seeded: dict[str, str]
) -> None:
    import datetime as dt

    election_id = window.backend.get("pair", seeded["pair"])["election_id"]
    window.open_record("election", election_id)
    form = window.election_form
    assert form.write_value("support_end", dt.date(2024, 5, 12))
    assert not form.write_value("penetapan_date", dt.date(2023, 9, 22))  # the year mistyped
    assert form.errors["penetapan_date"].text() == (
        "Tanggal penetapan: Tidak boleh sebelum Batas penyerahan dukungan (12-05-2024): "
        "tahapan pemilihan berurutan."
    )
    assert window.backend.get("election", election_id)["penetapan_date"] is None
    assert form.write_value("penetapan_date", dt.date(2024, 9, 22))
    assert not form.write_value("support_end", dt.date(2024, 9, 30))  # the other way round
    assert "Tidak boleh sebelum Batas penyerahan dukungan (30-09-2024)" in (
        form.errors["support_end"].text()
    )


@pytest.mark.parametrize(
    ("scope", "kind"), [("32.14", "bupati"), ("32.73", "walikota"), ("32", "gubernur")]
)
def test_an_election_is_added_for_a_kota_or_province_account_too(
    window: Any, monkeypatch: pytest.MonkeyPatch, scope: str, kind: str
) -> None:
    # Every new election was a "bupati" election of the account's region: the account of
    # a kota (32.73) or of a province (32) was told "Tidak tersimpan" and could add none.
    from PySide6.QtWidgets import QMessageBox

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    window.backend.session_scope = scope
    election_id = window.add_election()
    assert warned == []
    assert election_id is not None
    election = window.backend.get("election", election_id)
    assert (election["kind"], election["region_code"]) == (kind, scope)


def test_candidate_age_is_checked_against_the_penetapan_date(
    window: Any, seeded: dict[str, str]
) -> None:
    import datetime as dt

    backend = window.backend
    election_id = backend.get("pair", seeded["pair"])["election_id"]
    window.open_record("pair", seeded["pair"])
    note = window.pair_page.age_note
    assert "setelah tanggal lahir dan tanggal penetapan" in note.text()
    assert backend.update("election", election_id, {"penetapan_date": dt.date(2024, 9, 22)}) is None
    window.open_record("pair", seeded["pair"])
    form = window.pair_page.candidates.form
    assert form.write_value("birth_date", dt.date(2000, 1, 1))
    assert note.text() == (
        "Usia pada tanggal penetapan: 24 tahun, kurang dari syarat paling rendah 25 tahun."
    )
    assert form.write_value("birth_date", dt.date(1999, 9, 22))  # 25 on the day itself
    assert note.text().endswith("25 tahun (paling rendah 25): memenuhi.")


def test_a_cancelled_sync_is_not_reported_as_finished(window: Any) -> None:
    window._sync_finished({"cancelled": True, "error": "", "complete": False, "remaining": 7})
    assert window.statusBar().currentMessage().startswith("Sinkronisasi dibatalkan.")


def test_history_of_a_record_from_the_server_says_where_it_came_from(
    qtbot: QtBot, backend: Any, seeded: dict[str, str]
) -> None:
    import sqlite3

    from silon_desktop.ui.history_dialog import HistoryDialog

    record = backend.list("supporter", pair_id=seeded["pair"])[0]
    backend.db.engine.dispose()
    with sqlite3.connect(backend.paths.database) as con:  # as if pulled: acked, no outbox
        con.execute("UPDATE supporter SET version = 3 WHERE id = ?", (record["id"],))
        con.execute("DELETE FROM outbox WHERE record_id = ?", (record["id"],))
    dialog = HistoryDialog(backend, "supporter", record["id"])
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert "diterima dari server" in dialog.heading.text()
    assert dialog.archive_notice.isHidden()


def test_history_with_a_damaged_archive_shows_what_it_has_and_says_it_is_incomplete(
    qtbot: QtBot, backend: Any, seeded: dict[str, str]
) -> None:
    """The archive of acknowledged changes damaged (a disk fault, a half-copied data
    folder): the dialog opened with a raw sqlite3 error before; now it lists what the
    working database keeps and says, naming the file, that older changes are missing."""
    from silon_desktop.ui.history_dialog import HistoryDialog

    record = backend.list("supporter", pair_id=seeded["pair"])[0]
    archive = backend.paths.database.with_name("outbox-archive.db")
    archive.write_bytes(b"rusak" * 2000)
    dialog = HistoryDialog(backend, "supporter", record["id"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() >= 1  # the record's own change, still in the outbox
    assert dialog.archive_notice.isVisible()
    notice = dialog.archive_notice.text()
    assert str(archive) in notice and "rusak" in notice and "TIDAK LENGKAP" in notice
    assert "diterima dari server" not in dialog.heading.text()  # not said as a whole
    # A new record's change names every field: a few are shown, the rest counted (the
    # whole list made the row taller than the table), all of them in its tooltip.
    fields = dialog.table.item(0, 1)
    assert fields.text().endswith("kolom lain") and fields.text().count(",") == 3
    assert fields.toolTip().count(",") > 10 and "NIK" in fields.toolTip()


def test_dashboard_of_a_kabkotas_share_of_a_governor_pair_states_no_verdict_of_its_own(
    qtbot: QtBot, window: Any
) -> None:
    """A kab/kota account's dashboard of a governor pair counts its share, as the recap,
    the B.2-KWK and the berita acara it prints: those give the province's requirement for
    reference and leave the verdict to the province's recap, while the dashboard said the
    pair was short of 2.321.466, that the correction must bring that many, and that the
    spread (1 of 27 kab/kota, its own) was not met."""
    backend = window.backend
    # The province's election and pair, as pulled from the server (a kab/kota account
    # writes neither: Services refuses it, WRITE_OUTSIDE_SHARE).
    election = backend.repo.create(
        "election",
        {
            "name": "Pemilihan Gubernur Jawa Barat 2024",
            "kind": "gubernur",
            "region_code": "32",
            "dpt": 35_714_901,
            "subregion_count": 27,
            "rule_set": "pilkada-2024",
        },
        "32",
    )
    pair = backend.repo.create("pair", {"election_id": election, "number": 1}, "32")
    for i in range(3):
        supporter, error = backend.create(
            "supporter",
            {
                "pair_id": pair,
                "nik": f"321401010180{i + 1:04d}",
                "name": f"PENDUKUNG {i}",
                "sex": "L",
                "marital_status": "S",
                "occupation": "PETANI/PEKEBUN",
                "desa_code": backend.regions.children("32.14.01")[0].code,
                "kecamatan_code": "32.14.01",
                "kabkota_code": "32.14",
                "has_id_scan": True,
            },
            "32",
        )
        assert supporter is not None, error
        backend.repo.update("supporter", supporter, {"admin_status": "MS"})
    assert backend.session_scope == "32.14"  # a kab/kota account
    board = _shown_dashboard(qtbot, window, pair)
    data = board.data
    assert data.recap.share and data.counts["MS"] == 3 and data.required == 2_321_469
    assert data.correction_needed == 0 and data.correction_areas == 0
    text = board.summary.text()
    assert "kurang" not in text and "masa perbaikan" not in text and "terpenuhi" not in text
    assert "rekapitulasi KPU Jawa Barat" in text
    assert "Bagian Kabupaten Purwakarta: <b>3</b> dukungan MS" in text
    spread = board.spread_label.text()
    assert "terpenuhi" not in spread and "rekapitulasi KPU Jawa Barat" in spread


def test_a_conflict_the_operator_did_not_choose_stays_open_with_its_edit(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Every row started on "Server", and *Terapkan pilihan* resolved them all: the
    operator who settled one conflict dropped this computer's edit of every other one
    without looking at it. A row not chosen now stays open, its edit kept."""
    backend = window.backend
    _two_name_conflicts(backend, seeded["pair"])
    dialog = window.show_conflicts()
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(r, 1).text(): r for r in range(2)}
    combo = dialog.table.cellWidget(rows["Nama calon kepala"], 5)
    assert combo.currentData() is None and combo.currentText() == "— pilih —"
    dialog.choose(rows["Nama calon wakil"], "theirs")
    with qtbot.waitSignal(dialog.resolved) as resolved:
        QTest.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert resolved.args == [1]
    (left,) = backend.conflicts()
    assert left["field"] == "head_name"
    assert dialog.table.rowCount() == 1
    assert backend.get("pair", seeded["pair"])["deputy_name"] == "SITI B"
