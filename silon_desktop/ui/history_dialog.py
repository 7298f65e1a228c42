"""The sync history of one record, and a printable receipt as proof of filing."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.services import Services
from silon_desktop.ui.labels import (
    entity_label,
    error_text,
    field_label,
    reason_label,
    refusal_label,
    status_label,
    sync_state_label,
    withdrawal_reason_label,
    yes_no,
)
from silon_desktop.ui.practice_mark import PREFIX
from silon_desktop.ui.save_paths import documents_folder, personal_data_box
from silon_desktop.ui.workers import file_error
from sync.protocol import ENTITIES

_REGION_FIELDS = ("region_code", "desa_code", "kecamatan_code", "kabkota_code")
_REASON_FIELDS = ("check_reasons", "admin_reasons", "field_reasons")
_STATUS_FIELDS = ("check_status", "admin_status", "field_status")
#: Fields named in a row of the journey table (the rest are counted; its tooltip lists all).
FIELDS_SHOWN = 4


def _why(error: OSError) -> str:
    """Why a file was not written, in the operator's words."""
    return error_text(file_error(error))


#: Records whose receipt prints a person's data (NIK, name, birth date, address).
PERSONAL_ENTITIES = frozenset({"supporter", "candidate"})


def _local(moment: Any) -> str:
    if not isinstance(moment, dt.datetime):
        return str(moment or "")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%d-%m-%Y %H:%M:%S")


def _server_time(text: str) -> str:
    try:
        return _local(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


def _journal_fields(entry: dict[str, Any]) -> str:
    """The fields of a journal line; a withdrawal shows its reason and note."""
    changes = entry.get("changes") or {}
    reason = changes.get("withdrawn_reason")
    if entry.get("action") == "delete" and reason:
        note = (changes.get("withdrawn_note") or [None, ""])[1]
        text = field_label("withdrawn_reason") + ": " + withdrawal_reason_label(str(reason[1]))
        return text + (f" ({note})" if note else "")
    if entry.get("action") == "restore" and reason:  # the withdrawal it undid
        note = (changes.get("withdrawn_note") or ["", None])[0]
        text = field_label("withdrawn_reason") + ": " + withdrawal_reason_label(str(reason[0]))
        return text + (f" ({note})" if note else "")
    return ", ".join(field_label(f) for f in sorted(changes))


class HistoryDialog(QDialog):
    """Saved locally, pushed, acknowledged (with the receipt), conflicts: for one record."""

    def __init__(
        self, backend: Services, entity: str, record_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.entity = entity
        self.record_id = record_id
        self.setWindowTitle(self.tr("Riwayat sinkronisasi"))
        self.resize(1100, 600)
        record = backend.get(entity, record_id) or {}
        name = record.get("name") or record.get("head_name") or record.get("party_name") or ""
        self.heading = QLabel(
            f"<b>{html.escape(entity_label(entity))}</b> {html.escape(str(name))}<br>"
            + self.tr("Id: %1 — versi server: %2")
            .replace("%1", record_id)
            .replace("%2", str(record.get("version", 0)))
        )
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Disimpan di komputer ini"),
                self.tr("Kolom"),
                self.tr("Status"),
                self.tr("Dikirim (batch)"),
                self.tr("Diterima server"),
                self.tr("Tanda terima"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton(
            self.tr("Cetak tanda terima (PDF)"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button.clicked.connect(self._ask_and_print)
        close = buttons.addButton(self.tr("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.journal_table = self._small_table(
            "journalTable",
            [self.tr("Waktu"), self.tr("Operator"), self.tr("Perubahan"), self.tr("Kolom")],
        )
        self.conflict_table = self._small_table(
            "conflictHistoryTable",
            [
                self.tr("Terdeteksi"),
                self.tr("Kolom"),
                self.tr("Milik saya"),
                self.tr("Server"),
                self.tr("Penyelesaian"),
            ],
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(QLabel(self.tr("<b>Perjalanan ke server</b>")))
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(self.tr("<b>Perubahan di komputer ini</b>")))
        layout.addWidget(self.journal_table, 1)
        layout.addWidget(QLabel(self.tr("<b>Konflik</b>")))
        layout.addWidget(self.conflict_table, 1)
        layout.addWidget(buttons)
        found = backend.history(entity, record_id)
        self.entries = found.entries
        self.archive_notice = QLabel()
        self.archive_notice.setObjectName("archiveNotice")
        self.archive_notice.setWordWrap(True)
        self.archive_notice.setStyleSheet("color: #a61b1b;")
        if found.archive_problem is not None:
            self.archive_notice.setText(
                self._archive_text(found.archive_problem, str(found.archive_file))
            )
        self.archive_notice.setVisible(found.archive_problem is not None)
        layout.insertWidget(2, self.archive_notice)
        if not self.entries and int(record.get("version") or 0) > 0 and not found.archive_problem:
            # Nothing sent from here: say where the record came from, not an empty table.
            self.heading.setText(
                self.heading.text()
                + "<br>"
                + self.tr(
                    "Data ini diterima dari server (dimasukkan di komputer lain); "
                    "belum ada perubahan dari komputer ini."
                )
            )
        self._fill()
        self._fill_journal(backend.journal(entity, record_id))
        self._fill_conflicts(backend.conflict_history(entity, record_id))

    def _fields_text(self, names: list[str]) -> str:
        """A change's field labels, the first few: a new record names every field,
        and the whole list made its row taller than the table (its tooltip has all)."""
        if len(names) <= FIELDS_SHOWN:
            return ", ".join(names)
        return (
            self.tr("%1 dan %2 kolom lain")
            .replace("%1", ", ".join(names[:FIELDS_SHOWN]))
            .replace("%2", str(len(names) - FIELDS_SHOWN))
        )

    def _archive_text(self, problem: CodedError, path: str) -> str:
        """The operator's words for an archive that could not be read: which file,
        what is missing from the list, and that nothing else is touched."""
        damaged = problem.code is ErrorCode.DB_CORRUPT
        return (
            self.tr(
                "Arsip perubahan yang sudah diterima server (berkas %1) %2. Daftar di bawah "
                "TIDAK LENGKAP: perubahan lama yang sudah diterima server dan tanda terimanya "
                "tidak ditampilkan. Data dan perubahan yang belum terkirim tidak terpengaruh; "
                "server tetap menyimpan riwayat lengkapnya. Simpan salinan berkas itu dan "
                "hubungi admin KPU."
            )
            .replace("%1", path)
            .replace("%2", self.tr("rusak") if damaged else self.tr("tidak dapat dibaca"))
        )

    def _small_table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return table

    def _fill_journal(self, rows: list[dict[str, Any]]) -> None:
        actions = {
            "create": self.tr("dibuat"),
            "update": self.tr("diubah"),
            "delete": self.tr("dihapus / ditarik"),
            "restore": self.tr("dipulihkan"),
        }
        self.journal_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [
                _local(r.get("at")),
                str(r.get("user") or "-"),
                actions.get(str(r.get("action")), str(r.get("action"))),
                _journal_fields(r),
            ]
            for column, text in enumerate(cells):
                self.journal_table.setItem(i, column, QTableWidgetItem(text))

    def _fill_conflicts(self, rows: list[dict[str, Any]]) -> None:
        from silon_desktop.ui.conflicts_dialog import show_value

        choices = {
            "mine": self.tr("milik saya"),
            "theirs": self.tr("server"),
            "edited": self.tr("nilai baru"),
        }
        self.conflict_table.setRowCount(len(rows))
        for i, c in enumerate(rows):
            entity, name = str(c.get("entity")), str(c.get("field"))
            if c.get("resolved_at"):
                outcome = (
                    self.tr("%1: %2 (%3)")
                    .replace("%1", choices.get(str(c.get("resolution")), str(c.get("resolution"))))
                    .replace("%2", show_value(c.get("resolved_value"), entity, name))
                    .replace("%3", _local(c.get("resolved_at")))
                )
            else:
                outcome = self.tr("belum diselesaikan")
            cells = [
                _local(c.get("detected_at")),
                field_label(str(c.get("field"))),
                show_value(c.get("mine"), entity, name),
                show_value(c.get("theirs"), entity, name),
                outcome,
            ]
            for column, text in enumerate(cells):
                self.conflict_table.setItem(i, column, QTableWidgetItem(text))

    def _fill(self) -> None:
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            names = [field_label(f) for f in e.fields]
            receipt = ""
            if e.server_time:
                receipt = _server_time(e.server_time) + (
                    " — " + self.tr("tertanda sah") if e.receipt_verified else ""
                )
            cells = [
                _local(e.saved_at),
                self._fields_text(names) or e.op,
                (
                    f"{sync_state_label(e.state)}: {refusal_label(*e.refusal, e.op)}"
                    if e.refusal
                    else sync_state_label(e.state)
                ),
                f"{_local(e.sent_at)} ({(e.batch_id or '')[:8]})" if e.sent_at else "",
                (
                    self.tr("%1, versi %2")
                    .replace("%1", _local(e.acked_at))
                    .replace("%2", str(e.server_version))
                    if e.acked_at
                    else ""
                ),
                receipt,
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.item(row, 1).setToolTip(", ".join(names))  # the whole list
        self.table.resizeRowsToContents()
        acked = any(e.state == "acked" for e in self.entries)
        self.print_button.setEnabled(acked)

    def _receipt_value(self, name: str, value: Any) -> str:
        """A field's value as the operator reads it (names, not codes; dd-mm-yyyy)."""
        if isinstance(value, bool):
            return yes_no(value)
        choices = self._choices.get(name)
        if choices and str(value) in choices:
            return choices[str(value)]
        if name in _REASON_FIELDS and isinstance(value, list):
            return "; ".join(reason_label(str(code)) for code in value)
        if name in _STATUS_FIELDS:
            return status_label(str(value))
        if name in _REGION_FIELDS:
            return f"{self.backend.region_name(str(value))} ({value})"
        if isinstance(value, dt.datetime):
            return _local(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
        if isinstance(value, dt.date):
            return value.strftime("%d-%m-%Y")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if name.endswith("_id"):
            parent = self.backend.get(name.removesuffix("_id"), str(value)) or {}
            label = parent.get("name") or " - ".join(
                str(parent[k]) for k in ("head_name", "deputy_name") if parent.get(k)
            )
            return str(label or value)
        return str(value)

    @property
    def _choices(self) -> dict[str, dict[str, str]]:
        """The words of the record's coded fields, as its form offers them (sex L -> Laki-laki)."""
        from silon_desktop.ui import forms

        makers = {
            "election": forms.election_fields,
            "pair": forms.pair_fields,
            "candidate": forms.candidate_fields,
            "supporter": forms.supporter_fields,
            "document": forms.document_fields,
        }
        maker = makers.get(self.entity)
        fields = maker() if maker else []
        return {f.name: dict(f.choices) for f in fields if f.kind == "choice"}

    def receipt_html(self) -> str:
        record = self.backend.get(self.entity, self.record_id) or {}
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    e.mutation_id,
                    _local(e.saved_at),
                    e.batch_id or "",
                    _local(e.acked_at),
                    e.server_version if e.server_version is not None else "",
                    e.server_time,
                    self.tr("sah") if e.receipt_verified else self.tr("belum diperiksa"),
                )
            )
            + "</tr>"
            for e in self.entries
            if e.state == "acked"
        )
        names = ENTITIES[self.entity].field_names if self.entity in ENTITIES else tuple(record)
        shown = [
            (field_label(k), self._receipt_value(k, record[k]))
            for k in names
            if k in record and record[k] not in (None, "", [])
        ]
        shown.append((self.tr("Id data"), str(record.get("id") or self.record_id)))
        shown.append((self.tr("Versi server"), str(record.get("version", 0))))
        fields = "".join(
            f"<tr><td>{html.escape(label)}</td><td>{html.escape(value)}</td></tr>"
            for label, value in shown
        )
        return (
            f"<h2>{self.tr('Tanda terima penyerahan data')}</h2>"
            f"<p>{self.tr('Silon Desktop — bukti bahwa server telah menerima data berikut.')}</p>"
            f"<table border='1' cellpadding='3'>{fields}</table><br>"
            f"<table border='1' cellpadding='3'><tr><th>{self.tr('Mutasi')}</th>"
            f"<th>{self.tr('Disimpan')}</th><th>{self.tr('Batch')}</th>"
            f"<th>{self.tr('Diterima')}</th><th>{self.tr('Versi')}</th>"
            f"<th>{self.tr('Waktu server')}</th><th>{self.tr('Tanda tangan')}</th></tr>{rows}</table>"
            f"<p>{self.tr('Operator')}: {html.escape(self.backend.user)} — "
            f"{self.tr('dicetak')} {dt.datetime.now().strftime('%d-%m-%Y %H:%M')}</p>"
        )

    def _confirm_personal_data(self) -> bool:
        """The warning every file of a person's data asks first; True: go on."""
        box = personal_data_box(
            self,
            self.tr("Data pribadi"),
            self.tr(
                "Tanda terima ini berisi data pribadi (NIK, nama, tanggal lahir, alamat). "
                "Simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat "
                "membukanya (bukan folder bersama atau flashdisk orang lain), dan hapus "
                "berkasnya bila tidak diperlukan lagi (UU PDP 27/2022)."
            ),
        )
        return bool(box.exec() == QMessageBox.StandardButton.Ok)

    def print_receipt(self, path: Path) -> Path:
        """Write the receipt as a PDF file, whole or not at all.

        Raises:
            OSError: the file cannot be written there (a ``QPdfWriter`` on the path
                itself only logged that, made no file and raised nothing).
        """
        from silon_desktop.ui.pdf_reports import write_html_pdf

        return write_html_pdf(
            self.receipt_html(), path, self.tr("Tanda terima"), practice=self.backend.practice
        )

    def _ask_and_print(self) -> None:
        if self.entity in PERSONAL_ENTITIES and not self._confirm_personal_data():
            return
        mark = f"{PREFIX}-" if self.backend.practice else ""
        default = documents_folder() / f"{mark}tanda-terima-{self.record_id[:8]}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Simpan tanda terima"), str(default), "PDF (*.pdf)"
        )
        if not chosen:
            return
        try:
            self.print_receipt(Path(chosen))
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("Tanda terima tidak tersimpan"),
                self.tr("Tanda terima tidak dapat disimpan di %1: %2")
                .replace("%1", chosen)
                .replace("%2", _why(error)),
            )
