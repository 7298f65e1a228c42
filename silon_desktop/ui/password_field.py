"""What every password field has: a warning under it while Caps Lock is on."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit


class CapsLockWarning(QLabel):
    """ "Caps Lock menyala" under a password field, shown while Caps Lock seems on.

    Qt cannot read the Caps Lock state portably, so each letter typed in the field
    tells it: an upper-case letter without Shift, or a lower-case one with Shift,
    means Caps Lock is on; a letter whose case agrees with Shift means it is off.
    Other keys leave the warning as it is. The field gets every key as before.

    Args:
        field: the password field watched; put this label right under it.
    """

    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field.parentWidget())
        self.setText(self.tr("Caps Lock menyala"))
        self.setObjectName("capsLockWarning")
        self.setStyleSheet("color: #8a5a00;")
        self.setVisible(False)
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            text = event.text()
            if len(text) == 1 and text.lower() != text.upper():
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.setVisible(text.isupper() != shift)
        return False
