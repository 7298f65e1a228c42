"""USB bundles in the application: export, server import and export, import back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.conftest import PASSWORD


def _status(qtbot: QtBot, window: Any) -> str:
    with qtbot.waitSignal(window.sync.statusChanged, timeout=15_000):
        window.sync.refresh_status()
    return str(window.sync_status.pending_label.text())


def test_bundle_round_trip_in_the_application_brings_the_waiting_count_to_zero(
    qtbot: QtBot, window: Any, live_server: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    backend = window.backend
    backend.settings.server_url = live_server.url
    assert (login := backend.login("op3214", PASSWORD)).ok and login.online
    backend.settings.server_url = "http://127.0.0.1:9"  # the office has no connection now
    assert _status(qtbot, window) == "Belum terkirim: 33"

    stick = tmp_path / "flashdisk" / "perubahan.silon"
    stick.parent.mkdir()
    with qtbot.waitSignal(window.bundles.exported, timeout=30_000) as out:
        window.bundles.export_to(stick)
    assert out.args[0].count == 33 and stick.stat().st_size > 0
    assert _status(qtbot, window) == "Belum terkirim: 33"  # left, not yet answered

    done = live_server.cli("bundle", "import", str(stick))
    assert "33 diterapkan" in done.stdout, done.stdout
    back = tmp_path / "flashdisk" / "dari-server.silon"
    live_server.cli("bundle", "export", "--scope", "32.14", "--output", str(back))

    with qtbot.waitSignal(window.bundles.contentsRead, timeout=30_000) as read:
        window.bundles.inspect(back)
    contents, text = read.args
    assert contents.kind == "feed" and contents.answers_for_me == 33
    lines = text.splitlines()
    assert lines[0] == "Berkas: dari-server.silon"
    assert lines[1].startswith("Bundel dari server untuk wilayah ")
    assert lines[2].startswith("Dibuat: ") and dt.date.today().strftime("%d-%m-%Y") in lines[2]
    supporters = contents.by_entity["supporter"]
    assert f"{supporters} pendukung" in lines[3] and "1 pasangan calon" in lines[3]
    pair = backend.get("pair", seeded["pair"])
    assert (
        lines[4] == f"Pasangan calon: {pair['number']}. {pair['head_name']} - {pair['deputy_name']}"
    )
    assert lines[5] == ("Jawaban server atas 33 perubahan dari komputer ini yang menunggu dikirim.")
    box = window.bundles.confirm
    assert box is not None and box.isVisible()
    assert _status(qtbot, window) == "Belum terkirim: 33"  # nothing imported before the yes

    impor = next(b for b in box.buttons() if b.text() == "Impor")
    with qtbot.waitSignal(window.bundles.imported, timeout=30_000) as imported:
        impor.click()
    assert imported.args[0].answered == 33
    assert _status(qtbot, window) == "Belum terkirim: 0"
    assert "33 perubahan Anda dinyatakan terkirim" in window.statusBar().currentMessage()


def test_a_wrong_file_is_refused_with_a_clear_message(
    qtbot: QtBot, window: Any, tmp_path: Path
) -> None:
    wrong = tmp_path / "daftar-dukungan.xlsx"
    wrong.write_bytes(b"PK\x03\x04 not a bundle")
    with qtbot.waitSignal(window.bundles.failed, timeout=15_000) as refused:
        window.bundles.inspect(wrong)
    assert refused.args[0] == "Berkas daftar-dukungan.xlsx bukan bundel sinkronisasi Silon."
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert [b.text() for b in boxes] == [
        "Berkas daftar-dukungan.xlsx bukan bundel sinkronisasi Silon."
    ]


def test_the_sync_menu_offers_the_bundle_actions(window: Any) -> None:
    menus = {m.title(): m for m in (a.menu() for a in window.menuBar().actions()) if m}
    texts = [a.text() for a in menus["&Sinkronisasi"].actions()]
    assert "&Ekspor perubahan ke flashdisk..." in texts
    assert "&Impor bundel dari server..." in texts


def test_save_paths_open_in_documents_with_the_pair_and_the_date(tmp_path: Path) -> None:
    from silon_desktop.ui.save_paths import default_save_path, documents_folder

    when = dt.datetime(2024, 8, 17, 9, 5)
    pair = {"number": 2, "head_name": "Budi Santoso", "deputy_name": "Siti"}
    assert default_save_path("b11", pair, folder=tmp_path, when=when) == (
        tmp_path / "B.1.1-KWK-paslon-2-budi-santoso-2024-08-17.xlsx"
    )
    assert default_save_path("bundle", who="op3214", folder=tmp_path, when=when).name == (
        "bundel-perubahan-op3214-2024-08-17-0905.silon"
    )
    assert (
        default_save_path(
            "problems_xlsx", pair, extra="Daftar Dukungan (final)", folder=tmp_path, when=when
        ).name
        == "daftar-masalah-impor-paslon-2-budi-santoso-Daftar-Dukungan-final-2024-08-17.xlsx"
    )
    assert default_save_path("recap", None, when=when).parent == documents_folder()
    assert documents_folder().is_dir()


def test_report_save_dialogs_propose_documents_with_the_pair_and_the_date(
    window: Any, seeded: dict[str, str], monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from silon_desktop.ui.save_paths import documents_folder

    window.reload_tree(select=("pair", seeded["pair"]))
    asked: list[str] = []

    def save_as(_parent: Any, _title: str, default: str, _pattern: str) -> tuple[str, str]:
        asked.append(default)
        return "", ""  # the operator cancels: nothing is written

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    from PySide6.QtWidgets import QMessageBox

    # the B.1.1 list and the results for the LO warn of personal data first (issue #14)
    warned: list[str] = []

    def go_on(box: QMessageBox) -> QMessageBox.StandardButton:
        warned.append(box.text())
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", go_on)
    for kind in ("recap", "b11", "b2", "verification_xlsx"):
        window.ask_report(kind)
    assert len(warned) == 2 and all("data pribadi" in text for text in warned)
    assert "LO" in warned[1] and "NIK" in warned[1]
    today = dt.date.today().isoformat()
    assert [Path(a).parent for a in asked] == [documents_folder()] * 4
    assert [Path(a).name for a in asked] == [
        f"rekapitulasi-dukungan-paslon-1-ahmad-subagja-{today}.pdf",
        f"B.1.1-KWK-paslon-1-ahmad-subagja-{today}.xlsx",
        f"B.2-KWK-paslon-1-ahmad-subagja-{today}.xlsx",
        f"hasil-verifikasi-paslon-1-ahmad-subagja-{today}.xlsx",
    ]


def test_a_cancelled_export_writes_and_marks_nothing(
    backend: Any, seeded: dict[str, str], tmp_path: Path
) -> None:
    import threading

    import pytest

    cancel = threading.Event()
    cancel.set()
    before = backend.sync_status()
    with pytest.raises(Exception, match="dibatalkan") as refused:
        backend.export_bundle(tmp_path / "x.silon", cancel)
    assert refused.value.message == "Ekspor bundel dibatalkan; tidak ada yang ditulis."
    assert not (tmp_path / "x.silon").exists()
    assert backend.sync_status().pending == before.pending > 0


def test_exporting_a_bundle_warns_of_personal_data_and_batal_writes_nothing(
    window: Any, seeded: dict[str, str], monkeypatch: Any, tmp_path: Path
) -> None:
    """Issue #14: a USB bundle holds citizens' personal data; the operator is told so
    before the file dialog, and Batal on the warning writes nothing."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Ok])
    warned: list[str] = []

    def exec_box(box: QMessageBox) -> QMessageBox.StandardButton:
        warned.append(box.text())
        return next(answers)

    asked: list[str] = []

    def save_as(_parent: Any, title: str, _default: str, _pattern: str) -> tuple[str, str]:
        asked.append(title)
        return "", ""  # then the operator closes the file dialog

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    waiting = window.backend.sync_status().pending
    assert waiting > 0

    window.bundles.ask_export()  # Batal on the warning: no file dialog, no file
    assert len(warned) == 1 and asked == []
    assert "data pribadi" in warned[0] and "NIK" in warned[0] and "disegel" in warned[0]
    assert list(tmp_path.glob("*.silon")) == []
    window.bundles.ask_export()  # OK: the file dialog comes
    assert len(warned) == 2 and len(asked) == 1
    assert window.backend.sync_status().pending == waiting  # nothing was marked
