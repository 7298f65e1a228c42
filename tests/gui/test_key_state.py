"""The GUI suite's guard against a modifier key a test leaves "held"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView
from pytestqt.qtbot import QtBot

from tests.qt_keys import release_held_modifiers


def test_ctrl_left_held_by_qtest_is_let_go_so_select_row_selects(qtbot: QtBot) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    QTest.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # what a test ending with Ctrl+Z leaves behind (Qt Test's own behaviour)
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.ControlModifier
    release_held_modifiers()  # what the autouse fixture runs around each test
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(QStandardItemModel(3, 2))
    table.selectRow(0)
    table.selectRow(0)  # under a held Ctrl the second call toggles the row off
    assert [i.row() for i in table.selectionModel().selectedRows()] == [0]
