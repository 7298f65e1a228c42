"""The main window: navigation from election to pair, the pair's pages, diagnostics."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.gui.test_integrity_notice import answer, click


def test_navigation_opens_election_then_pair_pages(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    window.reload_tree()
    top = window.tree.topLevelItem(0)
    assert top.text(0) == "Pemilihan Bupati Purwakarta 2024"
    window.tree.setCurrentItem(top)
    assert window.stack.currentWidget() is window.election_form
    assert window.election_form.widgets["name"].text() == "Pemilihan Bupati Purwakarta 2024"
    window.tree.setCurrentItem(top.child(0))
    assert window.stack.currentWidget() is window.pair_page
    assert top.child(0).text(0) == "1. AHMAD SUBAGJA - SITI NURHALIZA"
    assert window.pair_page.supporters.model.rowCount() == 30
    assert window.pair_page.candidates.list.count() == 1
    with qtbot.waitSignal(window.pair_page.dashboard.shown, timeout=10_000) as shown:
        window.pair_page.setCurrentWidget(window.pair_page.dashboard)
    data = shown.args[0]
    assert data.required == 55045  # Purwakarta, DPT 733,927 (DOMAIN.md)
    assert data.spread_needed == 9
    assert data.correction_needed == 55045  # 2024: the shortfall itself (PKPU 8/2024 Pasal 77(2))
    assert "55.045" in window.pair_page.dashboard.summary.text()
    assert window.pair_page.dashboard.progress.text() == "MS 0 dari 55.045"
    assert data.pair_label == "1. AHMAD SUBAGJA - SITI NURHALIZA"  # as in the navigation


def test_navigation_is_rebuilt_only_when_elections_or_pairs_changed(
    window: Any, seeded: dict[str, str]
) -> None:
    from PySide6.QtCore import Qt

    from silon_desktop.services import Changes
    from silon_desktop.services.imports import IMPORT_CHANGES

    marker = Qt.ItemDataRole.UserRole + 99
    window.reload_tree(select=("pair", seeded["pair"]))
    window.tree.topLevelItem(0).setData(0, marker, "drawn once")
    window.backend.create(
        "supporter", {"pair_id": seeded["pair"], "nik": "3214010508900009", "name": "BARU"}, "32.14"
    )
    window._after_data_change(IMPORT_CHANGES)  # supporters changed: the tree stays
    assert window.tree.topLevelItem(0).data(0, marker) == "drawn once"
    assert window.pair_page.supporters.model.rowCount() == 31  # the table is redrawn
    window._after_data_change(Changes.of("pair"))  # a pair changed: the tree is redrawn
    assert window.tree.topLevelItem(0).data(0, marker) is None
    assert window.stack.currentWidget() is window.pair_page  # the same pair stays open


def test_copy_diagnostics_puts_figures_on_the_clipboard_without_secrets(
    window: Any, seeded: dict[str, str], memory_keyring: Any
) -> None:
    memory_keyring.set_password("silon-desktop", "x|operator", "token-secret-123")
    text = window.copy_diagnostics()
    assert QGuiApplication.clipboard().text() == text
    assert "supporter: 30" in text
    assert "pending=" in text
    assert "token-secret-123" not in text
    assert "archive: none yet" in text  # nothing acknowledged was moved yet


def test_diagnostics_say_when_the_outbox_archive_cannot_be_read(
    window: Any, seeded: dict[str, str]
) -> None:
    """A damaged archive made retention fail at every sync, which only the log said;
    retention now sets it aside and starts a new one, and the diagnostics name it."""
    archive = window.backend.paths.database.with_name("outbox-archive.db")
    sqlite3.connect(archive).close()
    assert "archive: outbox-archive.db 0 bytes, readable" in window.copy_diagnostics()
    archive.write_bytes(b"rusak" * 2000)
    assert "archive: outbox-archive.db 10,000 bytes, CANNOT BE READ (db_corrupt)" in (
        window.copy_diagnostics()
    )
    # As retention leaves it (tests/unit/storage/test_archived_receipts.py): the damaged
    # file under a name of its own, a new archive in its place.
    aside = archive.with_name("outbox-archive.rusak-20261206-101500-123456.db")
    archive.rename(aside)
    sqlite3.connect(archive).close()
    assert (
        "archive: outbox-archive.db 0 bytes, readable; DAMAGED, set aside: "
        "outbox-archive.rusak-20261206-101500-123456.db"
    ) in window.copy_diagnostics()


def test_the_start_says_a_damaged_archive_it_set_aside_in_a_box(window: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    from silon_desktop.services.results import StartHealth

    name = "outbox-archive.rusak-20261206-101500-123456.db"
    window.integrity.show_health(StartHealth(archive_set_aside=name))
    (box,) = [b for b in window.findChildren(QMessageBox, "archiveSetAside") if b.isVisible()]
    assert f"disisihkan apa adanya sebagai {name}" in box.text()
    box.accept()
    window.integrity.show_health(StartHealth())  # nothing set aside: no box
    assert not [b for b in window.findChildren(QMessageBox, "archiveSetAside") if b.isVisible()]


def test_import_wizard_and_recap_pdf_from_the_menu(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Any
) -> None:
    window.open_record("pair", seeded["pair"])
    wizard = window.show_import()
    qtbot.addWidget(wizard)
    assert wizard.pair_id == seeded["pair"] and wizard.isVisible()
    wizard.reject()
    with qtbot.waitSignal(window.reportWritten, timeout=10_000) as written:
        window.save_report("recap", seeded["pair"], tmp_path / "rekap.pdf")
    assert (tmp_path / "rekap.pdf").read_bytes().startswith(b"%PDF")
    assert written.args == ["recap", str(tmp_path / "rekap.pdf")]


def test_a_list_imported_after_the_submission_is_a_correction_s_by_default(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The wizard's round stayed *Penyerahan dukungan* after ``support_end``: the
    server refuses new submission rows then, and every imported row was put back at
    the next sync. It now starts on the round a supporter added by hand gets."""
    import datetime as dt

    window.open_record("pair", seeded["pair"])
    wizard = window.show_import()
    qtbot.addWidget(wizard)
    assert wizard.round_box.currentData() == "submission"  # no end entered: still open
    wizard.reject()
    window.backend.update("election", seeded["election"], {"support_end": dt.date(2024, 5, 12)})
    wizard = window.show_import()
    qtbot.addWidget(wizard)
    assert wizard.round_box.currentData() == "correction_1"
    wizard.reject()


def test_every_report_of_the_pair_is_made_from_the_data_menu(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    import python_calamine
    from pypdf import PdfReader

    window.open_record("pair", seeded["pair"])
    data_menu = window.menuBar().actions()[1].menu()
    names = {a.objectName() for a in data_menu.actions()}
    assert {"printRecap", "printMinutes", "exportB11", "exportB2"} <= names
    files = {"recap": "rekap.pdf", "berita_acara": "ba.pdf", "b2": "b2.xlsx", "b11": "b11.xlsx"}
    seen: list[str] = []
    # Nothing was synced: the berita acara is made only once the operator says so.
    timer = answer([click("&Yes")], seen)
    for kind, name in files.items():
        with qtbot.waitSignal(window.reportWritten, timeout=20_000) as written:
            window.save_report(kind, seeded["pair"], tmp_path / name)
        assert written.args == [kind, str(tmp_path / name)]
    timer.stop()
    assert len(seen) == 1 and "belum diterima server" in seen[0]
    assert "(30 pendukung)" in window.statusBar().currentMessage()  # b11 came last
    with open(tmp_path / "ba.pdf", "rb") as pdf:
        minutes = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "BERITA ACARA" in minutes and "AHMAD SUBAGJA" in minutes
    assert "PERHATIAN:" in minutes and "belum diterima server" in minutes
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "b11.xlsx"))
    rows = book.get_sheet_by_name("B.1.1-KWK").to_python()
    book.close()
    assert sum(1 for r in rows if len(str(r[1])) == 16 and str(r[1]).isdigit()) == 30
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "b2.xlsx"))
    assert "B.2-KWK" in book.sheet_names
    book.close()


def test_a_berita_acara_of_figures_the_server_lacks_is_not_made_unless_confirmed(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    window.open_record("pair", seeded["pair"])
    written: list[Any] = []
    window.reportWritten.connect(lambda *args: written.append(args))
    seen: list[str] = []
    timer = answer([click("&No")], seen)  # Enter would say no as well: the default
    window.save_report("berita_acara", seeded["pair"], tmp_path / "ba.pdf")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Berita acara tidak dibuat.")
    timer.stop()
    assert seen and "perubahan data dukungan pasangan calon ini" in seen[0]
    assert written == [] and not (tmp_path / "ba.pdf").exists()
    recap = window.backend.recap(seeded["pair"])
    box = window.reports.unsynced_question(recap)
    assert box is not None and box.defaultButton().text() == "&No"


def test_a_report_that_cannot_be_saved_is_said_and_not_claimed(
    qtbot: QtBot,
    window: Any,
    seeded: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *_a: warned.append(text))
    written: list[Any] = []
    window.reportWritten.connect(lambda *args: written.append(args))
    for count, kind in enumerate(("recap", "b11"), start=1):
        window.save_report(kind, seeded["pair"], tmp_path / "gone" / f"{kind}.out")
        qtbot.waitUntil(lambda expected=count: len(warned) == expected, timeout=20_000)
    assert written == [] and all("tidak dapat disimpan" in text for text in warned)
    assert not (tmp_path / "gone").exists()


def test_the_wizard_offers_the_rounds_of_the_elections_rules(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The 2020 rules have one correction round: *Perbaikan II* was offered anyway, and
    a list imported in it belonged to a round no recap of that election counts."""

    def offered() -> list[str]:
        wizard = window.show_import()
        qtbot.addWidget(wizard)
        box = wizard.round_box
        values = [box.itemData(i) for i in range(box.count())]
        wizard.reject()
        return values

    window.open_record("pair", seeded["pair"])
    window.backend.update("election", seeded["election"], {"rule_set": "pilkada-2024"})
    assert offered() == ["submission", "correction_1", "correction_2"]
    window.backend.update("election", seeded["election"], {"rule_set": "pilkada-2020"})
    assert offered() == ["submission", "correction_1"]


def test_a_disk_full_while_a_report_is_written_is_said_in_the_operators_words(
    qtbot: QtBot,
    window: Any,
    seeded: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The disk fills up while the recap PDF or the B.1.1 list is written: the message
    was the system's English ("[Errno 28] No space left on device: '...partial'")."""
    import errno

    from PySide6.QtWidgets import QMessageBox

    from silon_desktop.ui import pdf_reports

    def fills_up(*_a: Any, **_k: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.partial"))

    monkeypatch.setattr(pdf_reports, "write_recap_pdf", fills_up)
    monkeypatch.setattr(window.backend, "export_b11", fills_up)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *_a: warned.append(text))
    for count, kind in enumerate(("recap", "b11"), start=1):
        window.save_report(kind, seeded["pair"], tmp_path / f"{kind}.out")
        qtbot.waitUntil(lambda expected=count: len(warned) == expected, timeout=20_000)
    for text, kind in zip(warned, ("recap", "b11"), strict=True):
        target = tmp_path / f"{kind}.out"
        assert text.startswith(f"Laporan {target} tidak dapat disimpan: Ruang disk penuh"), text
        assert "No space" not in text and "Errno" not in text


def test_a_report_its_folder_refuses_is_said_in_indonesian_naming_the_file(
    qtbot: QtBot,
    window: Any,
    seeded: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read-only folder (a shared or write-protected drive), or one removed meanwhile:
    the message was the system's English naming a scratch file ("[Errno 13] Permission
    denied: '.../.x.partial'"), not the report the operator chose (a full disk, above,
    did not name it either)."""
    import errno

    from PySide6.QtWidgets import QMessageBox

    from silon_desktop.ui import pdf_reports

    def denied(*_a: Any, **_k: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".x.partial"))

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *_a: warned.append(text))
    kept = tmp_path / "b2.xlsx"
    kept.write_bytes(b"last week's")
    targets = [
        ("recap", tmp_path / "gone" / "rekap.pdf"),  # no such folder: nothing mocked
        ("b11", tmp_path / "gone" / "b11.xlsx"),
        ("verification_pdf", tmp_path / "gone" / "lo.pdf"),
        ("verification_xlsx", tmp_path / "gone" / "lo.xlsx"),
    ]
    for count, (kind, target) in enumerate(targets, start=1):
        window.save_report(kind, seeded["pair"], target)
        qtbot.waitUntil(lambda expected=count: len(warned) == expected, timeout=20_000)
    monkeypatch.setattr(pdf_reports, "write_recap_pdf", denied)
    monkeypatch.setattr(window.backend, "export_b2", denied)
    targets += [("recap", tmp_path / "rekap.pdf"), ("b2", kept)]
    for count, (kind, target) in enumerate(targets[4:], start=5):
        window.save_report(kind, seeded["pair"], target)
        qtbot.waitUntil(lambda expected=count: len(warned) == expected, timeout=20_000)
    for text, (_kind, target) in zip(warned, targets, strict=True):
        assert text.startswith(
            f"Laporan {target} tidak dapat disimpan: Folder tujuan tidak ada atau tidak boleh"
        ), text
        assert "Errno" not in text and "partial" not in text and "denied" not in text
    assert kept.read_bytes() == b"last week's"
