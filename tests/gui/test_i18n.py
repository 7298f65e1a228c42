"""Indonesian by default; English through the compiled Qt translation."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from silon_desktop.ui import i18n
from silon_desktop.ui.labels import reason_label


def test_english_translation_compiles_and_applies(
    qtbot: QtBot, qapp: Any, backend: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "i18n"
    folder.mkdir()
    ts = folder / "silon_en.ts"
    shutil.copy(i18n.i18n_dir() / "silon_en.ts", ts)
    compiled = i18n.compile_translations(folder)
    assert compiled == [folder / "silon_en.qm"]
    stamp = compiled[0].stat().st_mtime
    os.utime(ts, (stamp + 10, stamp + 10))  # the .ts changed: the .qm is rebuilt at start
    i18n.compile_translations(folder)
    assert compiled[0].stat().st_mtime >= stamp

    assert reason_label("DECEASED") == "Meninggal dunia"
    translators = i18n.install_translators(qapp, "en")
    try:
        from silon_desktop.ui.main_window import MainWindow

        window = MainWindow(backend)
        qtbot.addWidget(window)
        menus = [a.text() for a in window.menuBar().actions()]
        assert menus == ["&File", "&Data", "&Sync"]
        assert window.sync_status.online_label.text() == "● Not connected yet"
        assert reason_label("DECEASED") == "Deceased"
    finally:
        i18n.remove_translators(qapp, translators)
    assert reason_label("DECEASED") == "Meninggal dunia"


def test_counts_are_grouped_as_the_interface_language_writes_them(
    qtbot: QtBot, qapp: Any, backend: Any, seeded: dict[str, str]
) -> None:
    from silon_desktop.ui.main_window import MainWindow

    assert i18n.format_count(1234567) == "1.234.567"
    translators = i18n.install_translators(qapp, "en")
    try:
        window = MainWindow(backend)
        qtbot.addWidget(window)
        window.reload_tree()
        window.tree.setCurrentItem(window.tree.topLevelItem(0).child(0))
        with qtbot.waitSignal(window.pair_page.dashboard.shown, timeout=10_000):
            window.pair_page.setCurrentWidget(window.pair_page.dashboard)
        assert "55,045" in window.pair_page.dashboard.progress.text()
        assert "55.045" not in window.pair_page.dashboard.summary.text()
    finally:
        i18n.remove_translators(qapp, translators)
    assert i18n.format_count(55045) == "55.045"
    assert i18n.format_count(None) == "-"


def test_error_words_come_from_the_one_table_translated_on_screen(qapp: Any) -> None:
    from silon_desktop.domain.errors import ErrorCode
    from silon_desktop.importers.errors import ImportFileError
    from silon_desktop.storage.errors import DiskFull
    from silon_desktop.ui.labels import error_text

    full, empty = DiskFull(detail="[Errno 28]"), ImportFileError("/x/daftar.xlsx", "empty")
    # Indonesian: the very words the command line prints (error.message).
    assert error_text(full) == full.message == DiskFull.default_message
    assert error_text(empty) == empty.message and "daftar.xlsx" in error_text(empty)
    assert error_text(None) == ""
    translators = i18n.install_translators(qapp, "en")
    try:
        assert error_text(full).startswith("The disk is full.")
        assert error_text(empty).startswith("File daftar.xlsx holds no data rows")
        assert empty.code is ErrorCode.IMPORT_EMPTY
    finally:
        i18n.remove_translators(qapp, translators)
    assert error_text(full) == full.message
