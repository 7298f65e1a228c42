"""The window locks itself when nobody has used it for a while.

An office PC of a KPU kab/kota is shared, and an operator called away leaves the
supporters' names, NIKs and addresses on screen, and the data open to whoever sits
down next. After :attr:`Settings.idle_lock_minutes` without a key, a click, a wheel
turn or a touch anywhere in the application, the window locks (see
:meth:`MainWindow.lock`): what is being typed is saved, the data closes and the
login dialog asks for the password again. A training folder's practice data is not
locked.

The activity is watched by one event filter on the application (every window and
dialog, a few microseconds per event); a timer checks the time of the last input
(not restarted by every event, which a scroll sends by the hundred).
"""

from __future__ import annotations

from time import monotonic

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

#: The events that are a person at the PC. Mouse moves count: an operator reading a
#: long list moves the mouse, and the window does not lock under their hand.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.ShortcutOverride,
    }
)
#: The longest time between two checks of the last input, in seconds.
CHECK_S = 15.0
#: The bounds of the setting, in minutes: a lock in under a minute interrupts work,
#: and beyond four hours it protects nothing.
MIN_MINUTES = 1
MAX_MINUTES = 240


def lock_minutes(value: object) -> int:
    """The setting as a number of minutes within the bounds (a hand-edited settings
    file may hold anything: the default is used for what is not a number)."""
    from silon_desktop.config import IDLE_LOCK_MINUTES

    try:
        minutes = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        minutes = IDLE_LOCK_MINUTES
    return min(max(minutes, MIN_MINUTES), MAX_MINUTES)


class IdleWatch(QObject):
    """Emits :attr:`expired` once when no input reached the application for
    ``minutes``; :meth:`stop` ends the watch."""

    expired = Signal()

    def __init__(self, minutes: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._limit_s = 60.0 * lock_minutes(minutes)
        self.last_input = monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self._set_interval()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def set_minutes(self, minutes: object) -> None:
        """A new limit from the settings; the time since the last input still counts."""
        self._limit_s = 60.0 * lock_minutes(minutes)
        self._set_interval()

    def _set_interval(self) -> None:
        # Checked often enough to lock within a few seconds of the limit.
        self._timer.setInterval(max(1, int(min(self._limit_s / 4, CHECK_S) * 1000)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in ACTIVITY:
            self.last_input = monotonic()
        return False

    def _check(self) -> None:
        if monotonic() - self.last_input >= self._limit_s:
            self.stop()
            self.expired.emit()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
