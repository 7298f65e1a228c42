"""The main window: navigation from election to pair, the pair's pages, diagnostics."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot


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
    assert data.correction_needed == 2 * 55045
    assert "55.045" in window.pair_page.dashboard.summary.text()
    assert window.pair_page.dashboard.progress.text() == "MS 0 dari 55.045"
    assert data.pair_label == "1. AHMAD SUBAGJA - SITI NURHALIZA"  # as in the navigation


def test_copy_diagnostics_puts_figures_on_the_clipboard_without_secrets(
    window: Any, seeded: dict[str, str], memory_keyring: Any
) -> None:
    memory_keyring.set_password("silon-desktop", "x|operator", "token-secret-123")
    text = window.copy_diagnostics()
    assert QGuiApplication.clipboard().text() == text
    assert "supporter: 30" in text
    assert "pending=" in text
    assert "token-secret-123" not in text


def test_import_wizard_and_recap_pdf_from_the_menu(
    qtbot: QtBot, window: Any, seeded: dict[str, str], tmp_path: Any
) -> None:
    window.open_record("pair", seeded["pair"])
    wizard = window.show_import()
    qtbot.addWidget(wizard)
    assert wizard.pair_id == seeded["pair"] and wizard.isVisible()
    wizard.reject()
    with qtbot.waitSignal(window.recapWritten, timeout=10_000) as written:
        window.print_recap(seeded["pair"], tmp_path / "rekap.pdf")
    assert (tmp_path / "rekap.pdf").read_bytes().startswith(b"%PDF")
    assert written.args == [str(tmp_path / "rekap.pdf")]
