"""Let go of the keyboard modifiers a simulated key press leaves held.

``QTest.keyClick(w, Qt.Key_Z, Ctrl)`` ends with the release of Ctrl, and that event
still carries Ctrl. For simulated events QApplication takes the modifiers of the
last key event as the keyboard's state (qapplication.cpp: "required in order to
support Qt Test synthesized events"), so ``QApplication.keyboardModifiers()`` says
Ctrl is held until the next key event, in whatever test comes next. Item views read
that state when a test selects through the API: ``QTableView.selectRow`` under a held
Ctrl toggles the row instead of selecting it. On a real keyboard the platform reports
the release; only tests need this.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def release_held_modifiers() -> None:
    """Leave the application with no modifier held (the GUI conftest runs it around
    every test)."""
    if QApplication.instance() is None:
        return
    if QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    target = QWidget()  # never shown: the release reaches no window of the test
    QTest.keyRelease(target, Qt.Key.Key_Control)  # a release that carries no modifier
    target.deleteLater()
