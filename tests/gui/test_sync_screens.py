"""Log in, sync with a REAL server process and resolve a conflict, as an operator does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from silon_desktop import paths
from tests.gui.conftest import PASSWORD
from tests.gui.sample_data import open_backend, seed_small


def log_in_with_dialog(qtbot: QtBot, window: Any, password: str) -> Any:
    from silon_desktop.ui.login_dialog import LoginDialog

    dialog = LoginDialog(window.backend, window.jobs, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.clear()
    QTest.keyClicks(dialog.username, "op3214")
    QTest.keyClicks(dialog.password, password)
    return dialog


def test_login_online_then_offline(
    qtbot: QtBot, window: Any, live_server: Any, memory_keyring: Any
) -> None:
    backend = window.backend
    backend.settings.server_url = live_server.url
    dialog = log_in_with_dialog(qtbot, window, "salah")
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as refused:
        QTest.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.result_ is None
    assert refused.args[0] == dialog.message.text() != ""

    dialog.password.clear()
    QTest.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.loggedIn, timeout=20_000) as done:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    result = done.args[0]
    assert result.online and result.scope == "32.14"
    assert backend.user == "op3214"
    assert any(PASSWORD not in v and v for v in memory_keyring.secrets.values())
    assert PASSWORD not in Path(backend.paths.settings).read_text()

    # Next start: the token in the keyring resumes the session without a password.
    again = open_backend(backend.paths, user="")
    again.settings.username = "op3214"
    again.settings.server_url = live_server.url
    assert again.resume_session() and again.user == "op3214"
    again.db.engine.dispose()

    # No connection: the verifier kept after the online login lets the operator in.
    backend.settings.server_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    offline = log_in_with_dialog(qtbot, window, PASSWORD)
    with qtbot.waitSignal(offline.loggedIn, timeout=20_000) as done:
        QTest.mouseClick(offline.offline_button, Qt.MouseButton.LeftButton)
    assert done.args[0].ok and not done.args[0].online


def test_expired_session_asks_for_the_password_again(
    qtbot: QtBot, window: Any, live_server: Any, seeded: dict[str, str]
) -> None:
    from silon_desktop.ui.login_dialog import LoginDialog

    backend = window.backend
    backend.settings.server_url = live_server.url
    backend._token = "expired-or-revoked"
    with qtbot.waitSignal(window.sync.syncFinished, timeout=30_000) as finished:
        window.sync.sync_now()
    assert finished.args[0]["error_kind"] == "auth"
    dialogs = [d for d in window.findChildren(LoginDialog) if d.isVisible()]
    assert len(dialogs) == 1
    # The next automatic sync, while the operator has not answered yet: still one dialog
    # (a second one was stacked over the first every two minutes).
    with qtbot.waitSignal(window.sync.syncFinished, timeout=30_000) as again:
        window.sync.sync_now()
    assert again.args[0]["error_kind"] == "auth"
    assert [d for d in window.findChildren(LoginDialog) if d.isVisible()] == dialogs
    waiting = backend.sync_status()
    assert waiting.pending + waiting.sent == 33  # nothing lost; re-sent after login


def test_keyring_missing_shows_a_notice(qtbot: QtBot, window: Any) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    from silon_desktop.ui.login_dialog import LoginDialog

    dialog = LoginDialog(window.backend, window.jobs, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keyring_notice.isVisible()
    assert "setiap kali" in dialog.keyring_notice.text()


def test_status_bar_follows_a_real_sync(
    qtbot: QtBot, window: Any, live_server: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    backend = window.backend
    backend.settings.server_url = live_server.url
    assert (login := backend.login("op3214", PASSWORD)).ok and login.online
    bar = window.sync_status
    with qtbot.waitSignal(window.sync.statusChanged, timeout=10_000):
        window.sync.refresh_status()
    assert bar.pending_label.text() == "Belum terkirim: 33"
    assert bar.last_label.text() == "Sinkron terakhir: -"

    with qtbot.waitSignal(window.sync.syncStarted):
        QTest.keyClick(window, Qt.Key.Key_F5)
    assert bar.progress.isVisible() and bar.cancel_button.isVisible()
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
        pass
    report = finished.args[0]
    assert report["complete"], (report["error"], report["error_kind"], report)
    assert report["pushed"] == 33
    with qtbot.waitSignal(window.sync.statusChanged, timeout=10_000):
        pass
    assert bar.pending_label.text() == "Belum terkirim: 0"
    assert bar.online_label.text() == "● Daring"
    assert bar.last_label.text() != "Sinkron terakhir: -"
    assert not bar.progress.isVisible()

    # Every record shows its way to the server, and a receipt prints as proof of filing.
    window.open_record("pair", seeded["pair"])
    window.pair_page.setCurrentWidget(window.pair_page.pair_form)
    dialog = window.show_history()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "Diterima server"
    assert "versi 1" in dialog.table.item(0, 4).text()
    assert dialog.table.item(0, 5).text().endswith("tertanda sah")
    assert dialog.journal_table.item(0, 1).text() == "operator"  # who made the edit
    assert dialog.print_button.isEnabled()
    pdf = dialog.print_receipt(tmp_path / "tanda-terima.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Tanda terima penyerahan data" in dialog.receipt_html()


def test_a_sync_says_when_it_set_a_damaged_archive_aside(
    qtbot: QtBot, window: Any, live_server: Any, seeded: dict[str, str]
) -> None:
    """The archive of accepted changes damaged between two syncs: retention after the
    second sets it aside and starts a new one (it failed at every sync before, the
    outbox growing), and a box over the window says so, naming the file."""
    backend = window.backend
    backend.settings.server_url = live_server.url
    assert (login := backend.login("op3214", PASSWORD)).ok and login.online
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as first:
        window.sync.sync_now()
    assert first.args[0]["complete"] and first.args[0]["archive_set_aside"] == ""
    archive = backend.paths.database.with_name("outbox-archive.db")
    assert archive.exists()  # the first sync's accepted changes went there
    archive.write_bytes(b"rusak" * 2000)
    backend.update("pair", seeded["pair"], {"deputy_name": "SITI AMINAH"})
    backend.update("pair", seeded["pair"], {"deputy_name": "SITI AMINAH, S.H."})
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as second:
        window.sync.sync_now()
    report = second.args[0]
    (aside,) = archive.parent.glob("outbox-archive.rusak-*.db")
    assert report["complete"] and report["archive_set_aside"] == aside.name
    assert aside.read_bytes() == b"rusak" * 2000
    boxes = [b for b in window.findChildren(QMessageBox, "archiveSetAside") if b.isVisible()]
    assert len(boxes) == 1  # said once
    text = boxes[0].text()
    assert f"disisihkan apa adanya sebagai {aside.name}" in text and "admin KPU" in text
    boxes[0].accept()
    assert backend.sync_status().pending == 0
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as third:
        window.sync.sync_now()
    assert third.args[0]["archive_set_aside"] == ""  # the new archive is whole
    assert not [b for b in window.findChildren(QMessageBox, "archiveSetAside") if b.isVisible()]


def test_edits_the_server_refuses_are_told_when_the_sync_ends(
    qtbot: QtBot, window: Any, live_server: Any
) -> None:
    """A refused edit is put back as the server holds it (sync.client.push); the run
    ended with "Sinkronisasi selesai." and no word of it, so the operator believed
    the edit kept. A kab/kota changing the DPT of its election once set (READ_ONLY),
    written below the services' own check (as an edit made before the figure
    arrived from above is)."""
    backend = window.backend
    backend.settings.server_url = live_server.url
    assert (login := backend.login("op3214", PASSWORD)).ok and login.online
    ids = seed_small(backend, supporters=0)
    assert backend.run_sync(lambda _p: None, _event())["complete"]
    assert backend.repo.update("election", ids["election"], {"dpt": 1000}) is not None
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
        window.sync.sync_now()
    assert finished.args[0]["rejected"] == 1
    message = window.statusBar().currentMessage()
    assert "1 perubahan ditolak server" in message, message
    assert (backend.get("election", ids["election"]) or {})["dpt"] == 733927  # put back
    # The record's history says why, in words: "Ditolak server" alone named no reason.
    from silon_desktop.ui.history_dialog import HistoryDialog

    dialog = HistoryDialog(backend, "election", ids["election"], window)
    qtbot.addWidget(dialog)
    states = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert "Ditolak server: diisi oleh KPU di atas akun ini (DPT)" in states, states


def test_resolve_a_conflict_field_by_field(
    qtbot: QtBot, window: Any, live_server: Any, tmp_path: Path
) -> None:
    mine = window.backend
    mine.settings.server_url = live_server.url
    assert (login := mine.login("op3214", PASSWORD)).ok and login.online
    ids = seed_small(mine, supporters=0)
    assert mine.run_sync(lambda _p: None, _event())["complete"]

    # A colleague on another PC changes the same pair and syncs first.
    theirs = open_backend(paths.resolve(tmp_path / "colleague").ensure(), user="op3214")
    theirs.settings.server_url = live_server.url
    assert (login := theirs.login("op3214", PASSWORD)).ok and login.online
    assert theirs.run_sync(lambda _p: None, _event())["complete"]
    theirs.update("pair", ids["pair"], {"deputy_name": "SITI AMINAH", "number": 2})
    assert theirs.run_sync(lambda _p: None, _event())["complete"]

    window.open_record("pair", ids["pair"])
    form = window.pair_page.pair_form
    for name, text in (("deputy_name", "SITI NURHALIZA, S.H."), ("number", "5")):
        edit = form.widgets[name]
        edit.setFocus()
        edit.selectAll()
        QTest.keyClicks(edit, text)
        QTest.keyClick(edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
        window.sync.sync_now()
    assert finished.args[0]["conflicts_open"] == 2
    with qtbot.waitSignal(window.sync.statusChanged, timeout=10_000):
        pass
    assert window.sync_status.conflicts_button.text() == "Konflik: 2"
    mine.update("pair", ids["pair"], {"number": 7})  # typed again before resolving

    dialog = window.show_conflicts()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    rows = {dialog.table.item(r, 1).text(): r for r in range(2)}
    deputy = rows["Nama calon wakil"]
    assert [dialog.table.item(deputy, c).text() for c in (2, 3, 4)] == [
        "SITI NURHALIZA",
        "SITI NURHALIZA, S.H.",
        "SITI AMINAH",
    ]
    # "Milik saya" of the number is the later edit, and the dialog says so.
    assert dialog.table.item(rows["Nomor urut"], 3).text() == "7 (diubah lagi di komputer ini)"
    dialog.choose(deputy, "edited", "SITI AMINAH NURHALIZA")
    dialog.choose(rows["Nomor urut"], "theirs")
    with qtbot.waitSignal(dialog.resolved) as resolved:
        QTest.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert resolved.args == [2]
    assert dialog.table.rowCount() == 0
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
        window.sync.sync_now()
    assert finished.args[0]["complete"] and finished.args[0]["conflicts_open"] == 0
    assert theirs.run_sync(lambda _p: None, _event())["complete"]
    agreed = theirs.get("pair", ids["pair"])
    assert (agreed["deputy_name"], agreed["number"]) == ("SITI AMINAH NURHALIZA", 2)
    theirs.db.engine.dispose()


def _event() -> Any:
    import threading

    return threading.Event()


@pytest.fixture(autouse=True)
def _no_periodic_checks(window: Any) -> None:
    window.sync.timer.stop()


def test_a_refused_delete_of_an_election_is_told_in_words(
    qtbot: QtBot, window: Any, live_server: Any
) -> None:
    """A kab/kota's delete of an election whose figures KPU RI set is refused
    (``READ_ONLY`` naming the first set field, ``rules.check_delete``): the history
    read "diisi oleh KPU di atas akun ini (DPT)", an edit's words, though nothing was
    edited; it now says the election is KPU RI's to delete, naming the field (written
    below the services' own checks, as an older copy's delete is)."""
    from silon_desktop.ui.history_dialog import HistoryDialog

    backend = window.backend
    backend.settings.server_url = live_server.url
    assert (login := backend.login("op3214", PASSWORD)).ok and login.online
    ids = seed_small(backend, supporters=0)
    assert backend.run_sync(lambda _p: None, _event())["complete"]
    assert backend.repo.delete("election", ids["election"]) is not None
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
        window.sync.sync_now()
    assert finished.args[0]["rejected"] == 1
    dialog = HistoryDialog(backend, "election", ids["election"], window)
    qtbot.addWidget(dialog)
    states = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    refused = [s for s in states if s.startswith("Ditolak server: ")]
    assert len(refused) == 1, states
    assert refused[0].endswith(
        "pemilihan ini sudah diisi KPU RI: hanya KPU RI yang dapat menghapusnya"
    ), refused
