"""Region pickers with type-ahead, province down to kelurahan/desa.

One editable combo box per level; each offers only the children of the level
above, and a completer matches any part of the name as the operator types
("cib" finds "CIBINONG"). Choosing the last level emits the region code.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QGridLayout, QWidget


class RegionPicker(QWidget):
    """Province > kab/kota > kecamatan > desa, each with type-ahead.

    Args:
        regions: the domain's ``RegionTable`` (``children(code)``, ``get(code)``).
        level: the deepest level to pick (2 kab/kota, 3 kecamatan, 4 desa).
        root: a region code the choice must stay within (e.g. the election's kab/kota).

    Signals:
        codeChosen(str): the code of a region at ``level`` the operator picked.
    """

    codeChosen = Signal(str)

    def __init__(
        self, regions: Any, level: int = 4, root: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.regions = regions
        self.level = level
        self.root = root
        self.combos: list[QComboBox] = []
        # One per row, as wide as the form: "Kabupaten Purwakarta (32.14)" and a desa's
        # name with its code are read whole at 1366x768 (two per row cut them).
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hints = [
            self.tr("Provinsi"),
            self.tr("Kab/Kota"),
            self.tr("Kecamatan"),
            self.tr("Desa/Kel."),
        ]
        for depth in range(level):
            combo = QComboBox()
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.lineEdit().setPlaceholderText(hints[depth])
            completer = QCompleter(combo.model(), combo)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            combo.setCompleter(completer)
            combo.setObjectName(f"region_level_{depth + 1}")
            # Not sized by the longest name of the list (the form would grow with it);
            # the whole name is also in the tooltip.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(lambda _i, d=depth: self._chosen(d))
            combo.currentIndexChanged.connect(lambda _i, c=combo: self._show_start(c))
            combo.lineEdit().returnPressed.connect(lambda c=combo: self._accept_typed(c))
            layout.addWidget(combo, depth, 0)
            self.combos.append(combo)
        layout.setColumnStretch(0, 1)
        self._fill(0, None)

    def code(self) -> str:
        """The deepest code chosen so far ("" when none)."""
        for combo in reversed(self.combos):
            data = combo.currentData()
            if data:
                return str(data)
        return ""

    def set_code(self, code: str) -> None:
        """Show ``code`` (and its parents) without emitting ``codeChosen``."""
        parts = code.split(".") if code else []
        self.blockSignals(True)
        try:
            for depth, combo in enumerate(self.combos):
                prefix = ".".join(parts[: depth + 1]) if depth < len(parts) else ""
                combo.blockSignals(True)
                index = combo.findData(prefix) if prefix else -1
                combo.setCurrentIndex(index)
                if index < 0:
                    combo.setEditText("")
                self._show_start(combo)
                combo.blockSignals(False)
                if depth + 1 < len(self.combos):
                    self._fill(depth + 1, prefix or None)
        finally:
            self.blockSignals(False)

    @staticmethod
    def _accept_typed(combo: QComboBox) -> None:
        """Enter after typing part of a name picks the first region the popup offered.

        The combo box itself only accepts the exact text of an entry, so "jawa bar" +
        Enter used to leave the level empty and the next typing piled onto it.
        """
        text = combo.lineEdit().text().strip()
        if not text or (combo.currentIndex() >= 0 and combo.currentText() == text):
            return
        completer = combo.completer()
        completer.setCompletionPrefix(text)
        if completer.completionCount() < 1:
            return
        index = combo.findText(completer.currentCompletion())
        if index >= 0:
            combo.setCurrentIndex(index)

    @staticmethod
    def _show_start(combo: QComboBox) -> None:
        edit = combo.lineEdit()
        if edit is not None:
            edit.setCursorPosition(0)
        combo.setToolTip(combo.currentText())

    def _fill(self, depth: int, parent_code: str | None) -> None:
        if depth >= len(self.combos):
            return
        combo = self.combos[depth]
        combo.blockSignals(True)
        combo.clear()
        if depth == 0 or parent_code:
            for region in self.regions.children(parent_code):
                if self.root and not (
                    region.code.startswith(self.root) or self.root.startswith(region.code)
                ):
                    continue
                combo.addItem(f"{region.name} ({region.code})", region.code)
        combo.setCurrentIndex(-1)
        combo.setEditText("")
        combo.blockSignals(False)
        for deeper in range(depth + 1, len(self.combos)):
            self.combos[deeper].blockSignals(True)
            self.combos[deeper].clear()
            self.combos[deeper].blockSignals(False)

    def _chosen(self, depth: int) -> None:
        code = self.combos[depth].currentData()
        if not code:
            return
        if depth + 1 < len(self.combos):
            self._fill(depth + 1, str(code))
            self.combos[depth + 1].setFocus()
        else:
            self.codeChosen.emit(str(code))
