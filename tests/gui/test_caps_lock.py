"""A password typed with Caps Lock on is warned about under the field (the heuristic:
a letter whose case disagrees with Shift means Caps Lock is on)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.services.access import Access, LoginGate
from silon_desktop.ui.login_dialog import LoginDialog
from silon_desktop.ui.workers import JobRunner

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _dialog(qtbot: QtBot, tmp_path: Path) -> LoginDialog:
    folder = paths.resolve(tmp_path / "kantor").ensure()
    gate = LoginGate(Access(folder, Settings(username="op1")))
    dialog = LoginDialog(gate, JobRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_login_password_warns_while_caps_lock_is_on(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path)
    warning = dialog.caps_lock
    assert not warning.isVisible()
    QTest.keyClick(dialog.password, "a")  # lower case, no Shift: Caps Lock off
    assert not warning.isVisible()
    QTest.keyClick(dialog.password, "B")  # upper case without Shift: on
    assert warning.isVisible()
    assert warning.text() == "Caps Lock menyala"
    QTest.keyClick(dialog.password, "7")  # not a letter: says nothing either way
    assert warning.isVisible()
    QTest.keyClick(dialog.password, "C", SHIFT)  # upper case with Shift: off again
    assert not warning.isVisible()
    QTest.keyClick(dialog.password, "d", SHIFT)  # lower case with Shift: on
    assert warning.isVisible()
    QTest.keyClick(dialog.password, "e")
    assert not warning.isVisible()
    assert dialog.password.text() == "aB7Cde"  # the field still gets every key
