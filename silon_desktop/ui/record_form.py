"""A keyboard-first form over one record: validation as you type, autosave, undo.

Every accepted field edit is written at once through the repository (row and
outbox mutation in one transaction); "Tersimpan" is shown only after that
commit returned. Undo writes the previous value back as a new edit, so the undo
itself is synced like any other change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.nik import clean_nik
from silon_desktop.services import Services
from silon_desktop.ui.labels import error_text, field_error_message, reason_label
from silon_desktop.ui.region_picker import RegionPicker
from silon_desktop.ui.undo_stack import UndoStack


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One field of a form.

    Attributes:
        name: the record field.
        label: the operator's label (already translated).
        kind: text, int, date, choice, nik or region.
        choices: (value, label) pairs for a choice.
        region_level: for a region field, the level picked (2 kab/kota ... 4 desa).
    """

    name: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    region_level: int = 4


def parse_date(text: str) -> dt.date | None:
    """``dd-mm-yyyy`` (also with / or .) to a date; raises ValueError when impossible."""
    text = text.strip()
    if not text:
        return None
    for sep in "/.":
        text = text.replace(sep, "-")
    day, month, year = (int(p) for p in text.split("-"))
    return dt.date(year, month, day)


def format_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value).strftime("%d-%m-%Y")
        except ValueError:
            return value
    return ""


class _EditCommand(QUndoCommand):
    """One saved field edit; undo saves the old value back as a new edit."""

    def __init__(self, form: RecordForm, name: str, old: Any, new: Any, label: str) -> None:
        super().__init__(label)
        self.form, self.name, self.old, self.new = form, name, old, new
        self._first = True

    def redo(self) -> None:
        if self._first:  # already written when the edit was accepted
            self._first = False
            return
        # Only over the value its undo wrote: the stack puts a refused undo back on its
        # step by a redo, which must never write over what a sync brought meanwhile.
        current = self.form.backend.get(self.form.entity, self.form.record_id)
        if current is not None and current.get(self.name) != self.old:
            return
        self.form.write_value(self.name, self.new, record_undo=False)

    def undo(self) -> None:
        # Only while the record still holds this edit's value: a sync or a conflict
        # resolution that changed the field since is never reverted.
        current = self.form.backend.get(self.form.entity, self.form.record_id)
        if current is not None and current.get(self.name) != self.new:
            # Shown once this undo has returned: re-reading the record clears the undo
            # stack, and a stack cleared while it runs one of its commands crashes.
            QTimer.singleShot(0, self.form, self.form.refresh_if_changed)
            return
        if not self.form.write_value(self.name, self.old, record_undo=False):
            self.form.undo_stack.refuse()  # refused (said under the field): still undoable


class RecordForm(QWidget):
    """Edits one record of ``entity``; each accepted field is saved at once.

    Signals:
        saved(str, str): entity and record id after a committed write.
        valueSaved(str, object): field name and value after a committed write.
        loaded(): a record (or none) was shown (:meth:`load`).
    """

    saved = Signal(str, str)
    valueSaved = Signal(str, object)
    loaded = Signal()

    def __init__(
        self,
        backend: Services,
        entity: str,
        fields: list[FieldDef],
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.entity = entity
        self.fields = {f.name: f for f in fields}
        self.record_id: str | None = None
        self.values: dict[str, Any] = {}
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.undo_stack = UndoStack(self)
        self._loading = False
        #: warn before a birth date or sex that contradicts the NIK is saved (candidates,
        #: supporters)
        self.confirm_nik_mismatch = False
        #: extra checks of a field's value beyond the domain's: name -> message or None
        self.checks: dict[str, Callable[[Any], str | None]] = {}
        #: fields being typed whose saved value a sync (or a resolution) changed meanwhile:
        #: the typing is saved over the new value only when the operator says so
        self._changed_under: set[str] = set()

        layout = QVBoxLayout(self)
        if title:
            heading = QLabel(f"<b>{title}</b>")
            layout.addWidget(heading)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for f in fields:
            widget = self._make_widget(f)
            error = QLabel()
            error.setObjectName(f"error_{f.name}")
            error.setStyleSheet("color: #b00020;")
            error.setWordWrap(True)
            error.hide()
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(widget)
            box.addWidget(error)
            form.addRow(f.label, box)
            self.widgets[f.name] = widget
            self.errors[f.name] = error
        layout.addLayout(form)
        bottom = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("saveStatus")
        self.undo_button = QPushButton(self.tr("Urungkan (Ctrl+Z)"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.undo_button)
        layout.addLayout(bottom)
        layout.addStretch(1)
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo_stack.undo)

    # -- loading -------------------------------------------------------------

    def load(self, record_id: str | None) -> None:
        """Show a record (None: an empty, disabled form).

        Reloading the record already shown (after a sync or an import) keeps what the
        operator is typing and has not saved yet, with its message; where the saved
        value of that field changed meanwhile, the new value is named under it and the
        typing is saved over it only when the operator confirms.
        """
        left: dict[str, str] = {}
        if self.record_id is not None and record_id != self.record_id:
            self._save_typing()
            left = self._unsaved_texts()  # refused: said below, not dropped unseen
        typing = self._unsaved_texts() if record_id and record_id == self.record_id else {}
        status = self.status_label.text() if typing else self._left_words(left)
        before = self.values
        self.record_id = record_id
        self.undo_stack.clear()
        self.values = (self.backend.get(self.entity, record_id) or {}) if record_id else {}
        self._changed_under &= set(typing)
        self._changed_under |= {n for n in typing if self.values.get(n) != before.get(n)}
        self._loading = True
        try:
            for name, widget in self.widgets.items():
                if name in self._changed_under:
                    self._show_error(name, self._changed_words(name))
                if name in typing:
                    continue
                self._set_widget(name, widget, self.values.get(name))
                self.errors[name].hide()
        finally:
            self._loading = False
        self.setEnabled(record_id is not None)
        self._show_read_only()
        self.status_label.setText(status)
        self.loaded.emit()

    def _show_read_only(self) -> None:
        """An account that only reads (Bawaslu) sees the fields, can select and copy
        their text, and types nothing (its writes are refused by the services too).
        A KPU kab/kota's fields of an election the province or KPU RI made (their
        level fills them, empty or not: ``Services.fields_made_above``) are read-only
        the same way, with a tooltip saying who fills them."""
        read_only = self.backend.read_only
        above = self.backend.fields_made_above(self.entity, self.values)
        tip = self.tr("Diisi oleh KPU Provinsi atau KPU RI, yang membuat pemilihan ini.")
        for name, widget in self.widgets.items():
            locked = read_only or name in above
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(locked)
            else:
                widget.setEnabled(not locked)
            widget.setToolTip(tip if name in above else "")
        self.undo_button.setVisible(not read_only)

    def _left_words(self, left: dict[str, str]) -> str:
        """What the record left behind held typed and could not save (a value refused,
        or the record deleted meanwhile by a sync)."""
        if not left:
            return ""
        typed = ", ".join(f'{self.fields[name].label} "{text}"' for name, text in left.items())
        return self.tr("Isian pada data sebelumnya tidak tersimpan: %1").replace("%1", typed)

    def _save_typing(self) -> None:
        """Save what was typed and not yet accepted to the record it was typed on,
        before another record is shown: a shortcut that opens another record (Ctrl+Shift+P)
        moves no focus, so no editingFinished saved it."""
        for name, text in self._unsaved_texts().items():
            self._commit_text(name, text)

    def refresh_if_changed(self) -> bool:
        """Re-read the record shown; when a sync or a conflict resolution changed
        it, show the new values (and forget the undo steps made on the old ones).
        Returns whether it changed."""
        if self.record_id is None:
            return False
        fresh = self.backend.get(self.entity, self.record_id) or {}
        if all(fresh.get(n) == self.values.get(n) for n in self.widgets):
            self.values.update(fresh)
            self._show_read_only()  # who made an election may arrive with a sync
            return False
        self.load(self.record_id if fresh and not fresh.get("deleted") else None)
        return True

    def unsaved_names(self) -> list[str]:
        """The fields whose typing is not saved (a value refused, or not yet accepted)."""
        if self.record_id is None:
            return []
        return list(self._unsaved_texts())

    def unsaved_labels(self) -> list[str]:
        """The labels of :meth:`unsaved_names`."""
        return [self.fields[name].label for name in self.unsaved_names()]

    def _unsaved_texts(self) -> dict[str, str]:
        """Text fields whose text is not the saved value (typed, not yet accepted); a
        text that reads as the saved value (spaces around it, "7-8-1980") is saved."""
        return {
            name: widget.text()
            for name, widget in self.widgets.items()
            if isinstance(widget, QLineEdit)
            and widget.text() != self._shown(name)
            and not self._unchanged(name, widget.text())
        }

    def _shown(self, name: str) -> str:
        value = self.values.get(name)
        if self.fields[name].kind == "date":
            return format_date(value)
        return "" if value is None else str(value)

    # -- saving --------------------------------------------------------------

    def write_value(self, name: str, value: Any, *, record_undo: bool = True) -> bool:
        """Validate and save one field; True when committed."""
        if self.record_id is None:
            return False
        old = self.values.get(name)
        if value == old:
            return True
        message = self._problem(name, value)
        if message:
            self._refused(name, message)
            return False
        error = self.backend.update(self.entity, self.record_id, {name: value})
        if error is not None:
            self._refused(name, error_text(error))
            return False
        self.values[name] = value
        self._changed_under.discard(name)
        self.errors[name].hide()
        if record_undo:
            self.undo_stack.push(_EditCommand(self, name, old, value, self.fields[name].label))
        else:
            self._show_value(name, value)
        now = dt.datetime.now().strftime("%H:%M:%S")
        self.status_label.setText(self.tr("Tersimpan %1").replace("%1", now))
        self.valueSaved.emit(name, value)
        self.saved.emit(self.entity, self.record_id)
        return True

    # -- widgets -------------------------------------------------------------

    def _make_widget(self, f: FieldDef) -> QWidget:
        if f.kind == "choice":
            combo = QComboBox()
            combo.setObjectName(f"field_{f.name}")
            for value, label in f.choices:
                combo.addItem(label, value)
            combo.activated.connect(lambda _i, n=f.name, c=combo: self._commit(n, c.currentData()))
            return combo
        if f.kind == "region":
            picker = RegionPicker(self.backend.regions, f.region_level)
            picker.setObjectName(f"field_{f.name}")
            picker.codeChosen.connect(lambda code, n=f.name: self._commit(n, code))
            return picker
        edit = QLineEdit()
        edit.setObjectName(f"field_{f.name}")
        if f.kind == "date":
            edit.setPlaceholderText(self.tr("hh-bb-tttt"))
        if f.kind == "nik":
            # Room for a NIK written in groups ("3214 0101 ...", dots, dashes), as the
            # supporters' NIK filter: it is saved as its digits (clean_nik), and 16
            # characters cut a grouped NIK's last digits off.
            edit.setMaxLength(32)
            edit.setPlaceholderText(self.tr("16 digit"))
        edit.installEventFilter(self)
        edit.textEdited.connect(lambda text, n=f.name: self._check(n, text))
        edit.editingFinished.connect(lambda n=f.name, e=edit: self._commit_text(n, e.text()))
        # After Enter has saved (editingFinished, above): on to the next field, once the
        # event loop is back (a confirmation the save asked has then been answered).
        edit.returnPressed.connect(
            lambda n=f.name, e=edit: QTimer.singleShot(0, e, lambda: self._next_after_enter(n, e))
        )
        return edit

    def _next_after_enter(self, name: str, edit: QLineEdit) -> None:
        """Enter in a field saved it: the focus moves on to the next field, as Tab
        does, so a record is typed field after field without the mouse. A value that
        was refused (its message under the field) or not saved keeps the focus there."""
        if not edit.hasFocus() or self.record_id is None or name not in self.widgets:
            return
        if name in self._unsaved_texts() or not self.errors[name].isHidden():
            return
        self.focusNextChild()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Z in an unchanged field undoes the last saved change of the form; Esc
        in a field being typed puts its saved value back (nothing is saved).

        While the operator is typing, the field's own undo applies as usual.
        """
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QLineEdit)
        ):
            name = watched.objectName().removeprefix("field_")
            if name not in self.fields:
                return super().eventFilter(watched, event)
            if event.matches(QKeySequence.StandardKey.Undo) and self._unchanged(
                name, watched.text()
            ):
                self.undo_stack.undo()
                return True
            if (
                event.key() == Qt.Key.Key_Escape
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and watched.text() != self._shown(name)
            ):
                self._discard_typing(name)
                return True
        return super().eventFilter(watched, event)

    def _discard_typing(self, name: str) -> None:
        """Esc: the field shows its saved value again, and so do the birth date and sex
        a NIK being typed filled in."""
        names = [name] + (["birth_date", "sex"] if self.fields[name].kind == "nik" else [])
        for each in names:
            if each in self.widgets:
                self._show_value(each, self.values.get(each))
                if each in self._changed_under:
                    self._show_error(each, self._changed_words(each))
                else:
                    self.errors[each].hide()
        self.status_label.setText("")

    def _unchanged(self, name: str, text: str) -> bool:
        value, problem = self._convert(name, text)
        return problem is None and value == self.values.get(name)

    def _show_value(self, name: str, value: Any) -> None:
        """Show ``value`` in the field's widget without it counting as an edit."""
        self._loading = True
        try:
            self._set_widget(name, self.widgets[name], value)
        finally:
            self._loading = False

    def _set_widget(self, name: str, widget: QWidget, value: Any) -> None:
        kind = self.fields[name].kind
        if isinstance(widget, QComboBox):
            index = widget.findData(value if value is not None else "")
            widget.setCurrentIndex(max(index, 0) if index >= 0 or widget.count() else -1)
        elif isinstance(widget, RegionPicker):
            widget.set_code(str(value or ""))
        elif isinstance(widget, QLineEdit):
            if kind == "date":
                widget.setText(format_date(value))
            else:
                widget.setText("" if value is None else str(value))

    def _convert(self, name: str, text: str) -> tuple[Any, str | None]:
        kind = self.fields[name].kind
        text = text.strip()
        if kind == "int":
            if not text:
                return None, None
            if not text.isdigit():
                return None, self.tr("Isi dengan angka.")
            return int(text), None
        if kind == "date":
            try:
                return parse_date(text), None
            except ValueError:
                return None, self.tr("Tanggal tidak valid; tulis hh-bb-tttt, mis. 17-08-1980.")
        if kind == "nik":
            return clean_nik(text), None  # its separators and quotes dropped
        return text, None

    def _check(self, name: str, text: str) -> None:
        """Validation as you type: show the domain's message, save nothing yet."""
        if self._loading:
            return
        if self.fields[name].kind == "date" and len(text.strip()) < 8:
            self.errors[name].hide()  # still typing: "1" is not yet a wrong date
            self.status_label.setText(self.tr("Mengetik..."))
            return
        value, problem = self._convert(name, text)
        if problem is None:
            problem = self._problem(name, value)
        if problem is None and self.fields[name].kind == "nik":
            problem = self._nik_feedback(value)
        if problem:
            self._show_error(name, problem)
        elif name in self._changed_under:
            self._show_error(name, self._changed_words(name))
        else:
            self.errors[name].hide()
        self.status_label.setText(self.tr("Mengetik..."))

    def _problem(self, name: str, value: Any) -> str | None:
        """The domain's problem with one field's value, in words (None when fine)."""
        check = self.checks.get(name)
        own = check(value) if check is not None else None
        if own:
            return own
        problem = self.backend.validate(self.entity, {name: value}).get(name)
        if problem is None:
            return None
        return field_error_message(problem.field, problem.code, problem.message_id, problem.detail)

    def _nik_feedback(self, text: str) -> str | None:
        digits = text.strip()
        if len(digits) < 16:
            return None
        parsed = self.backend.parse_nik(digits)
        if parsed["reasons"]:
            return "; ".join(reason_label(code) for code in parsed["reasons"])
        self._fill_from_nik(parsed)
        return None

    def _fill_from_nik(self, parsed: dict[str, Any]) -> None:
        """The NIK gives the birth date and the sex: fill in the empty ones (saved with the
        NIK); one already saved and different is never overwritten, only marked."""
        birth, sex = parsed.get("birth_date"), parsed.get("sex")
        if "birth_date" in self.widgets and birth is not None:
            edit = self.widgets["birth_date"]
            if isinstance(edit, QLineEdit):
                if not self.values.get("birth_date") or not self.confirm_nik_mismatch:
                    edit.setText(format_date(birth))
                elif self.values.get("birth_date") != birth:
                    self._show_error("birth_date", self._mismatch_words("birth_date", birth))
        if "sex" in self.widgets and sex:
            combo = self.widgets["sex"]
            if isinstance(combo, QComboBox):
                if not self.values.get("sex") or not self.confirm_nik_mismatch:
                    combo.setCurrentIndex(max(combo.findData(sex), 0))
                elif self.values.get("sex") != sex:
                    self._show_error("sex", self._mismatch_words("sex", sex))

    def _mismatch_words(self, name: str, from_nik: Any) -> str:
        return self.tr("Tidak sesuai NIK (menurut NIK: %1).").replace(
            "%1", self._words_of(name, from_nik)
        )

    def _words_of(self, name: str, value: Any) -> str:
        if name == "birth_date":
            return format_date(value)
        return next((label for v, label in self.fields[name].choices if v == value), str(value))

    def _nik_says(self) -> dict[str, Any]:
        """The birth date and sex the saved NIK gives ({} when there is no valid NIK)."""
        nik = str(self.values.get("nik") or "")
        if len(nik) != 16:
            return {}
        parsed = self.backend.parse_nik(nik)
        if parsed["reasons"]:
            return {}
        return {k: parsed.get(k) for k in ("birth_date", "sex") if parsed.get(k)}

    def ask_confirm(self, title: str, text: str) -> bool:
        """Ask the operator (Ya/Tidak, "Tidak" by default); tests replace this."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _confirmed_against_nik(self, name: str, value: Any) -> bool:
        """A birth date or sex that contradicts the NIK is saved only when confirmed."""
        if not self.confirm_nik_mismatch or name not in ("birth_date", "sex") or not value:
            return True
        expected = self._nik_says().get(name)
        if expected is None or expected == value:
            return True
        label = self.fields[name].label
        if self.ask_confirm(
            self.tr("Tidak sesuai NIK"),
            self.tr("%1 %2 tidak sesuai NIK (menurut NIK: %3). Tetap simpan?")
            .replace("%1", label)
            .replace("%2", self._words_of(name, value))
            .replace("%3", self._words_of(name, expected)),
        ):
            self._show_error(name, self._mismatch_words(name, expected))
            return True
        self._show_value(name, self.values.get(name))
        return False

    def _commit_text(self, name: str, text: str) -> None:
        if self._loading or self.record_id is None:
            return
        value, problem = self._convert(name, text)
        if problem:
            self._refused(name, problem)
            return
        if value != self.values.get(name):
            self._saw_latest(name)
        if name in self._changed_under and not self._typed_over_sync(name, value):
            return
        if self.fields[name].kind == "nik":
            self._commit_nik(name, value)
            return
        if self._confirmed_against_nik(name, value):
            self.write_value(name, value)

    def _commit_nik(self, name: str, value: Any) -> None:
        """Enter on a NIK: the NIK and what it fills in are one action (one Ctrl+Z)."""
        if value == self.values.get(name):
            return
        problem = self._problem(name, value)
        if problem:
            self._refused(name, problem)
            return
        self.undo_stack.beginMacro(self.fields[name].label)  # the edits below: one step
        try:
            if self.write_value(name, value):
                self._show_value(name, value)  # its digits, as saved (no groups)
                self._save_nik_derived()
        finally:
            self.undo_stack.endMacro()

    def _save_nik_derived(self) -> None:
        says = self._nik_says()
        for derived in ("birth_date", "sex"):
            widget = self.widgets.get(derived)
            saved = self.values.get(derived)
            if self.confirm_nik_mismatch and saved and derived in says and saved != says[derived]:
                self._offer_nik_value(derived, says[derived])
                continue
            if isinstance(widget, QLineEdit):
                value, problem = self._convert(derived, widget.text())
                if problem is None:
                    self.write_value(derived, value)
            elif isinstance(widget, QComboBox):
                self.write_value(derived, widget.currentData())

    def _offer_nik_value(self, name: str, from_nik: Any) -> None:
        """A saved birth date or sex differs from the new NIK: replace it only if asked."""
        label = self.fields[name].label
        if self.ask_confirm(
            self.tr("Tidak sesuai NIK"),
            self.tr("%1 tersimpan %2, menurut NIK %3. Ganti dengan data dari NIK?")
            .replace("%1", label)
            .replace("%2", self._words_of(name, self.values.get(name)))
            .replace("%3", self._words_of(name, from_nik)),
        ):
            self.write_value(name, from_nik)
            return
        self._show_error(name, self._mismatch_words(name, from_nik))

    def _changed_words(self, name: str) -> str:
        return self.tr("Diubah oleh sinkronisasi menjadi %1 sejak ditampilkan.").replace(
            "%1", self._quoted(name, self.values.get(name))
        )

    def _quoted(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return self.tr("(kosong)")
        shown = format_date(value) if self.fields[name].kind == "date" else None
        return f'"{shown or self._words_of(name, value)}"'

    def _typed_over_sync(self, name: str, value: Any) -> bool:
        """The field's saved value changed (a sync) while the operator typed: save the
        typing over it only when confirmed; else show the new value. True: save."""
        self._changed_under.discard(name)
        self.errors[name].hide()
        if value == self.values.get(name):
            return True
        if self.ask_confirm(
            self.tr("Diubah oleh sinkronisasi"),
            self.tr(
                "%1 diubah oleh sinkronisasi menjadi %2 sejak ditampilkan. "
                "Simpan isian Anda %3 menggantikannya?"
            )
            .replace("%1", self.fields[name].label)
            .replace("%2", self._quoted(name, self.values.get(name)))
            .replace("%3", self._quoted(name, value)),
        ):
            return True
        self._show_value(name, self.values.get(name))
        self.status_label.setText("")
        return False

    def _commit(self, name: str, value: Any) -> None:
        if self._loading:
            return
        if value != self.values.get(name):
            self._saw_latest(name)
        if name in self._changed_under and not self._typed_over_sync(name, value):
            return
        if self._confirmed_against_nik(name, value):
            self.write_value(name, value)

    def _saw_latest(self, name: str) -> None:
        """Before an edit is saved: did a sync change the field since the form showed it?
        (A pull commits while the sync runs; the form is re-read only when it has
        finished.) Such a field is saved over only when the operator confirms."""
        if self.record_id is None or name in self._changed_under:
            return
        current = self.backend.get(self.entity, self.record_id)
        if current is not None and current.get(name) != self.values.get(name):
            self.values[name] = current.get(name)
            self._changed_under.add(name)

    def _show_error(self, name: str, message: str) -> None:
        self.errors[name].setText(message)
        self.errors[name].show()

    def _refused(self, name: str, message: str) -> None:
        """An edit that was not saved: the message under the field and the field's name below."""
        self._show_error(name, message)
        self.status_label.setText(
            self.tr("Belum tersimpan: %1").replace("%1", self.fields[name].label)
        )
