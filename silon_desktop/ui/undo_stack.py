"""An undo stack that stays on a step whose undo was refused."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack


class UndoStack(QUndoStack):
    """A :class:`QUndoStack` whose :meth:`undo` moves back only when the step was undone.

    Qt's stack moves back one step whatever the command's ``undo`` did: a step whose
    undo saved nothing (refused by the domain or the services, or the record changed
    under it) was passed over, and the next Ctrl+Z undid the step before it. A command
    whose undo saved nothing calls :meth:`refuse`; the stack then stays on that step,
    and the next undo tries it again.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._refused = False

    def refuse(self) -> None:
        """Called by the command being undone: it undid nothing."""
        self._refused = True

    def undo(self) -> None:
        index = self.index()
        self._refused = False
        super().undo()
        if self._refused:
            self._refused = False
            # Back on the step (its redo finds the record still holding it: nothing is
            # written; a macro's children that were undone are written again).
            self.setIndex(index)
