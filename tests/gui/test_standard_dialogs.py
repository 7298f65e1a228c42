"""Qt's own dialogs speak the interface language: Ya/Tidak/Batal and an Indonesian file
dialog in the Indonesian interface, Yes/No/Cancel in the English one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from silon_desktop.ui import i18n

Button = QMessageBox.StandardButton


def _words(widget: Any) -> str:
    return str(widget.text()).replace("&", "")


@pytest.fixture
def indonesian(qapp: Any) -> Iterator[None]:
    translators = i18n.install_translators(qapp, "id")
    assert translators, "no Indonesian catalogue for Qt's own words was loaded"
    yield
    i18n.remove_translators(qapp, translators)


def test_message_box_buttons_read_ya_tidak_batal(qtbot: QtBot, indonesian: None) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Hapus",
        "Hapus data ini?",
        Button.Yes | Button.No | Button.Cancel | Button.Save | Button.Ok | Button.Close,
    )
    qtbot.addWidget(box)
    words = {b: _words(box.button(b)) for b in (Button.Yes, Button.No, Button.Cancel)}
    assert words == {Button.Yes: "Ya", Button.No: "Tidak", Button.Cancel: "Batal"}
    assert (_words(box.button(Button.Save)), _words(box.button(Button.Close))) == (
        "Simpan",
        "Tutup",
    )
    assert _words(box.button(Button.Ok)) == "OK"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert _words(buttons.button(QDialogButtonBox.StandardButton.Cancel)) == "Batal"


def test_the_programs_own_question_asks_ya_or_tidak(
    qtbot: QtBot, indonesian: None, window: Any, seeded: dict[str, str]
) -> None:
    """Deleting a candidate asks with QMessageBox.question: the buttons the operator sees."""
    window.open_record("pair", seeded["pair"])
    candidates = window.pair_page.candidates
    assert candidates.list.count() == 1
    seen: list[list[str]] = []

    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(sorted(_words(b) for b in box.findChildren(QPushButton) if b.isVisible()))
        box.button(Button.No).click()

    QTimer.singleShot(0, answer_no)
    candidates.delete_current()
    assert seen == [["Tidak", "Ya"]]
    assert candidates.list.count() == 1  # "Tidak" keeps the candidate


def test_file_dialog_labels_are_indonesian(qtbot: QtBot, indonesian: None) -> None:
    dialog = QFileDialog(None, "Simpan daftar masalah")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    labels = {label.objectName(): _words(label) for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"] == "Cari di:"
    assert labels["fileNameLabel"] == "Nama berkas:"
    assert labels["fileTypeLabel"] == "Jenis berkas:"
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    assert sorted(_words(b) for b in box.buttons()) == ["Batal", "Simpan"]


def test_english_interface_keeps_qt_english(qtbot: QtBot, qapp: Any) -> None:
    translators = i18n.install_translators(qapp, "en")
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "Delete", "?", Button.Yes | Button.No)
        qtbot.addWidget(box)
        assert (_words(box.button(Button.Yes)), _words(box.button(Button.No))) == ("Yes", "No")
    finally:
        i18n.remove_translators(qapp, translators)


def test_no_display_gives_an_indonesian_hint_instead_of_qts_reinstall_advice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from silon_desktop.app import no_display_message

    monkeypatch.setattr("sys.platform", "linux")
    message = no_display_message({})
    assert message is not None
    assert "tidak memiliki layar" in message and "xvfb-run -a silon-desktop" in message
    assert "reinstall" not in message.lower()
    assert no_display_message({"DISPLAY": ":1"}) is None
    assert no_display_message({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_enter_on_the_delete_question_keeps_the_record(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """*Hapus* then Enter (a reflex after every form's Enter): "Ya" was the default and
    the candidate was deleted, with no Ctrl+Z and no restore for it. No is the default."""
    window.open_record("pair", seeded["pair"])
    candidates = window.pair_page.candidates
    assert candidates.list.count() == 1
    defaults: list[Any] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        defaults.append(box.standardButton(box.defaultButton()))
        QTest.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, press_enter)
    candidates.delete_current()
    assert defaults == [Button.No]
    assert candidates.list.count() == 1
    assert not window.backend.get("candidate", candidates.current_id())["deleted"]
