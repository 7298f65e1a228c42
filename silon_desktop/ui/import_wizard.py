"""The import wizard: choose a supporter list, check the column mapping, import, read the report.

Pages: file -> mapping preview (detected columns, editable, sample rows) ->
progress (with cancel) -> result (counts, bad rows with their reasons, place
names as matched). Reading the preview and the import both run as jobs on
their own QThread (:mod:`silon_desktop.ui.workers`); the import opens its own
database connection in that thread, in ONE transaction, so cancel leaves the
database exactly as before. The UI never blocks.

Construct it with the import service (``Services.imports``) and the pair::

    ImportWizard(imports, pair_id, parent=None)

``imports`` may also be what :class:`~silon_desktop.services.imports.ImportService`
takes (the database file, an open database or a factory of one).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.labels import IMPORT_FIELD_LABELS_ID
from silon_desktop.domain.rules import Round
from silon_desktop.services.imports import (
    FIELDS,
    TEMPLATE_NAMES,
    ColumnMapping,
    DatabaseSource,
    ImportService,
    load_mapping,
    row_ranges,
    save_mapping,
)
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.labels import error_text, reason_label, round_label, status_label
from silon_desktop.ui.save_paths import default_save_path, documents_folder, personal_data_box
from silon_desktop.ui.workers import Job, file_error

log = logging.getLogger(__name__)

_BAD_ROWS_SHOWN = 5000
_SAMPLE_COLUMN_MAX = 220


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportWizard", text)


def field_label(name: str) -> str:
    """Indonesian name of an import field (what the mapping combo boxes show): the
    domain's one table (``IMPORT_FIELD_LABELS_ID``, also in the list of problems),
    translated here."""
    text = IMPORT_FIELD_LABELS_ID.get(name)
    return _t(text) if text else name


def note_label(note: str) -> str:
    """Words for a reader's note on a row (``unreadable:birth_date``), naming the field."""
    kind, _, name = note.partition(":")
    texts = {
        "unreadable": _t(QT_TRANSLATE_NOOP("ImportWizard", "%1 tidak terbaca")),
        "impossible": _t(QT_TRANSLATE_NOOP("ImportWizard", "%1 tidak ada di kalender")),
        "truncated": _t(QT_TRANSLATE_NOOP("ImportWizard", "%1 terlalu panjang, dipotong")),
        "unmatched": _t(QT_TRANSLATE_NOOP("ImportWizard", "%1 tidak ditemukan di wilayah")),
        "empty": _t(QT_TRANSLATE_NOOP("ImportWizard", "%1 kosong")),
        "retired_region": _t(
            QT_TRANSLATE_NOOP(
                "ImportWizard", "Kode kecamatan NIK dari sebelum pemekaran (lama>kini: %1), NIK sah"
            )
        ),
        "ambiguous": _t(
            QT_TRANSLATE_NOOP(
                "ImportWizard", "%1 ada di lebih dari satu wilayah (lengkapi wilayah di atasnya)"
            )
        ),
    }
    text = texts.get(kind)
    return text.replace("%1", field_label(name)) if text else note


def row_reasons(codes: list[str], notes: list[str], read: dict[str, str] | None = None) -> str:
    """A row's reasons and the reader's notes, in words, for the result table.

    "Data wajib kosong" is left out when the notes say the value is there but
    unusable (a date that does not exist, a place found nowhere): it is not empty.
    Notes about a value name it as read ("Tanggal lahir 31-02-1980 tidak ada...").
    """
    kinds = {n.partition(":")[0] for n in notes}
    unusable = bool(kinds & {"unreadable", "impossible", "unmatched", "ambiguous"})
    skip = "MISSING_FIELD" if unusable and "empty" not in kinds else ""
    words = [reason_label(code) for code in codes if code != skip]
    return "; ".join(words + [_with_value(note_label(n), n, read or {}) for n in notes])


def _with_value(text: str, note: str, read: dict[str, str]) -> str:
    """``text`` with the cell as read after the field's name, for notes about a value."""
    kind, _, name = note.partition(":")
    value = read.get(name, "")
    if not value or kind not in ("unreadable", "impossible", "unmatched", "ambiguous"):
        return text
    label = field_label(name)
    return text.replace(label, f"{label} {value}", 1) if text.startswith(label) else text


def duplicate_text(duplicate_of: int) -> str:
    """The row a duplicate repeats, for the result table ("" for none)."""
    if duplicate_of < 0:
        return _t(QT_TRANSLATE_NOOP("ImportWizard", "impor sebelumnya"))
    if duplicate_of == 0:
        return ""
    return _t(QT_TRANSLATE_NOOP("ImportWizard", "baris %1")).replace("%1", str(duplicate_of))


def read_values(read: dict[str, str] | None) -> str:
    """The cells as read of a row's problem fields ("Tanggal lahir: 31-02-1980")."""
    return "; ".join(f"{field_label(k)}: {v}" for k, v in (read or {}).items())


class ImportWizard(QDialog):
    """Import a supporter list into the local database for one pair.

    Args:
        imports: the import service (or a database for one).
        pair_id: the pair the supporters support.
        parent: the parent widget.
        rounds: the rounds a list imported today may arrive in, the likeliest first
            (``Services.new_supporter_rounds``; empty while the submission is open):
            the round the wizard starts on. After the submission period the server
            refuses new rows of the submission.
        offered: the rounds of the pair's rule set (``Services.arrival_rounds``: no
            second correction under the 2020 rules), in order; empty: every round.

    Signals:
        imported(object): the :class:`~silon_desktop.importers.report.ImportReport`
            after a successful import (the main window refreshes its tables).
    """

    imported = Signal(object)

    PAGE_FILE, PAGE_MAPPING, PAGE_PROGRESS, PAGE_RESULT = range(4)

    def __init__(
        self,
        imports: ImportService | DatabaseSource,
        pair_id: str,
        parent: QWidget | None = None,
        pair: dict[str, Any] | None = None,
        rounds: Sequence[str] = (),
        offered: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.imports = imports if isinstance(imports, ImportService) else ImportService(imports)
        self.pair_id = pair_id
        #: the pair's record (number, names): in the problem list and its file name
        self.pair = pair
        self._offered = tuple(offered) or tuple(r.value for r in Round)
        self.mapping: ColumnMapping | None = None
        #: header text -> field from a saved mapping, used when detecting columns
        self.hints: dict[str, str] | None = None
        self.report: Any = None
        self.job: Job | None = None
        self.cancel_requested = False
        #: the session is ending while the import runs (see finish_before_lock)
        #: why the import finishes with the window gone (MainWindow.lock), or ""
        self.ending = ""
        #: the operator said Yes to the replacement preview (``last_plan``)
        self.replace_confirmed = False
        self.last_plan: Any = None
        self.setWindowTitle(self.tr("Impor daftar dukungan"))
        self.resize(900, 600)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        if rounds:
            self.round_box.setCurrentIndex(max(0, self.round_box.findData(rounds[0])))
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._progress_page())
        self.pages.addWidget(self._result_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # -- pages -----------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Berkas XLSX, XLS, ODS atau CSV"))
        browse = QPushButton(self.tr("Pilih berkas..."))
        browse.clicked.connect(self._browse)
        template = QPushButton(self.tr("Unduh templat kosong..."))
        template.clicked.connect(self._save_template)
        load_mapping = QPushButton(self.tr("Pakai pemetaan tersimpan..."))
        load_mapping.clicked.connect(self._load_mapping)
        self.hints_label = QLabel()
        self.hints_label.setTextFormat(Qt.TextFormat.PlainText)
        self.scan_check = QCheckBox(self.tr("Pindaian KTP-el sudah diserahkan untuk semua baris"))
        # The round the list is handed in: rows it adds keep it (berita acara per round).
        self.round_box = QComboBox()
        self.round_box.setObjectName("importRound")
        for arrival in self._offered:
            self.round_box.addItem(round_label(arrival), arrival)
        # A list in several files, or a corrected file replacing the earlier import.
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("importKind")
        # Rows are added (NIKs already in the pair become duplicates): a first list
        # and a further part alike; only a corrected file, chosen here, replaces rows.
        self.kind_box.addItem(
            self.tr(
                "Daftar dukungan atau bagian berikutnya (baris ditambahkan, "
                "NIK yang sudah ada ditandai ganda)"
            ),
            "part",
        )
        self.kind_box.addItem(
            self.tr("File perbaikan: ganti impor sebelumnya (baris yang tidak ada lagi ditarik)"),
            "replace",
        )
        self.file_error = QLabel()
        self.file_error.setWordWrap(True)
        self.file_error.setTextFormat(Qt.TextFormat.PlainText)  # file and sheet names
        self.file_error.setStyleSheet("color: #b00020")
        self.next_button = QPushButton(self.tr("Lanjut"))
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.load_preview)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Pilih berkas daftar dukungan (Model B.1-KWK):")))
        layout.addLayout(row)
        layout.addWidget(self.scan_check)
        round_row = QHBoxLayout()
        round_row.addWidget(QLabel(self.tr("Tahap penyerahan:")))
        round_row.addWidget(self.round_box)
        round_row.addStretch(1)
        layout.addLayout(round_row)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel(self.tr("Jenis berkas:")))
        kind_row.addWidget(self.kind_box, 1)
        layout.addLayout(kind_row)
        layout.addWidget(self.hints_label)
        layout.addWidget(self.file_error)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(template)
        buttons.addWidget(load_mapping)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        self.mapping_info = QLabel()
        self.mapping_info.setWordWrap(True)
        self.mapping_info.setTextFormat(Qt.TextFormat.PlainText)  # the sheet's name
        self.mapping_form = QFormLayout()
        self.field_boxes: dict[str, QComboBox] = {}
        for name in FIELDS:
            box = QComboBox()
            # wide enough for "E: TANGGAL LAHIR (DD-MM-YYYY)"; else the choice is cut off
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(24)
            self.field_boxes[name] = box
            self.mapping_form.addRow(field_label(name), box)
        self.sample_table = QTableWidget()
        self.sample_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        save = QPushButton(self.tr("Simpan pemetaan..."))
        save.clicked.connect(self._save_mapping)
        back = QPushButton(self.tr("Kembali"))
        back.clicked.connect(lambda: self.pages.setCurrentIndex(self.PAGE_FILE))
        self.import_button = QPushButton(self.tr("Impor"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        form_box = QWidget()
        form_box.setLayout(self.mapping_form)
        body = QHBoxLayout()
        body.addWidget(form_box)
        body.addWidget(self.sample_table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addStretch(1)
        buttons.addWidget(back)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.mapping_info)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        return page

    def _progress_page(self) -> QWidget:
        page = QWidget()
        self.progress_label = QLabel(self.tr("Mengimpor..."))
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.cancel_button = QPushButton(self.tr("Batal"))
        self.cancel_button.clicked.connect(self.cancel_import)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_error = QLabel()
        self.result_error.setWordWrap(True)
        self.result_error.setTextFormat(Qt.TextFormat.PlainText)
        self.result_error.setStyleSheet("color: #b00020")
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextFormat(Qt.TextFormat.PlainText)
        self.bad_table = QTableWidget(0, 6)
        self.bad_table.setHorizontalHeaderLabels(
            [
                self.tr("Baris"),
                self.tr("NIK"),
                self.tr("Status"),
                self.tr("Alasan"),
                self.tr("Nilai terbaca"),
                self.tr("Sama dengan"),
            ]
        )
        header = self.bad_table.horizontalHeader()
        for column in (0, 1, 2, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.bad_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # the spreadsheet's row number is the first column: a second count confuses
        self.bad_table.verticalHeader().setVisible(False)
        self.places_table = QTableWidget(0, 3)
        self.places_table.setHorizontalHeaderLabels(
            [self.tr("Tertulis"), self.tr("Dicocokkan dengan"), self.tr("Skor")]
        )
        self.places_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.places_table.verticalHeader().setVisible(False)
        save = QPushButton(self.tr("Simpan laporan (JSON)..."))
        save.clicked.connect(self._save_report)
        self.save_problems_xlsx = QPushButton(self.tr("Daftar masalah untuk LO (XLSX)..."))
        self.save_problems_xlsx.clicked.connect(lambda: self.ask_problem_list("xlsx"))
        self.save_problems_pdf = QPushButton(self.tr("Daftar masalah untuk LO (PDF)..."))
        self.save_problems_pdf.clicked.connect(lambda: self.ask_problem_list("pdf"))
        close = QPushButton(self.tr("Tutup"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_problems_xlsx)
        buttons.addWidget(self.save_problems_pdf)
        buttons.addWidget(save)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(page)
        layout.addWidget(self.result_label)
        layout.addWidget(
            QLabel(self.tr("Baris yang belum/tidak memenuhi syarat atau perlu diperiksa:"))
        )
        layout.addWidget(self.bad_table, 3)
        layout.addWidget(QLabel(self.tr("Nama wilayah yang dicocokkan tidak persis:")))
        layout.addWidget(self.places_table, 1)
        layout.addWidget(self.result_error)
        layout.addWidget(self.saved_label)
        layout.addLayout(buttons)
        return page

    # -- file and preview ------------------------------------------------------------

    @Slot()
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Pilih daftar dukungan"),
            str(documents_folder()),
            self.tr("Lembar kerja (*.xlsx *.xlsm *.xls *.ods *.csv);;Semua berkas (*)"),
        )
        if path:
            self.path_edit.setText(path)

    @Slot()
    def _save_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Simpan templat"),
            str(documents_folder() / TEMPLATE_NAMES["xlsx"]),
            "XLSX (*.xlsx);;CSV (*.csv)",
        )
        if not path:
            return
        try:
            self.imports.save_template(path)
        except (OSError, ValueError) as error:
            self.file_error.setText(self._not_saved(path, error))

    @Slot()
    def _load_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Pakai pemetaan kolom"), str(documents_folder()), "JSON (*.json)"
        )
        if path:
            self.use_saved_mapping(path)

    def use_saved_mapping(self, path: str | Path) -> None:
        """Recognise the headers of a mapping saved earlier (same team, same layout)."""
        try:
            self.hints = load_mapping(path).header_hints()
        except OSError as error:
            self.file_error.setText(
                self.tr("Pemetaan tidak dapat dibaca: %1").replace(
                    "%1", f"{Path(path).name} ({error.strerror or error})"
                )
            )
            return
        except (ValueError, TypeError, AttributeError):
            self.file_error.setText(
                self.tr("%1 bukan berkas pemetaan kolom yang disimpan Silon.").replace(
                    "%1", Path(path).name
                )
            )
            return
        self.file_error.clear()
        self.hints_label.setText(self.tr("Memakai pemetaan: %1").replace("%1", Path(path).name))

    @Slot()
    def load_preview(self) -> None:
        """Read the file's header and first rows in the background, then show the mapping."""
        path = self.path_edit.text().strip()
        if not path:
            self.file_error.setText(self.tr("Pilih berkas terlebih dahulu."))
            return
        self.file_error.clear()
        self.next_button.setEnabled(False)

        hints = self.hints
        imports = self.imports

        def job(progress: Callable[[Any], None], cancel: threading.Event) -> Any:
            return imports.preview(path, hints)

        self._run(job, "import-preview", self._show_preview, self._preview_failed)

    @Slot(object)
    def _show_preview(self, result: tuple[ColumnMapping, list[tuple[int, list[Any]]]]) -> None:
        self.next_button.setEnabled(True)
        mapping, sample = result
        self.mapping = mapping
        width = max([len(cells) for _, cells in sample] + [max(mapping.labels, default=-1) + 1])
        headers = [self._column_title(mapping, col) for col in range(width)]
        for name, box in self.field_boxes.items():
            box.clear()
            box.addItem(self.tr("(tidak ada)"), -1)
            for col, title in enumerate(headers):
                box.addItem(title, col)
            box.setCurrentIndex(mapping.columns.get(name, -1) + 1)
        self.sample_table.setColumnCount(width)
        self.sample_table.setRowCount(len(sample))
        self.sample_table.setHorizontalHeaderLabels(headers)
        self.sample_table.setVerticalHeaderLabels([str(number) for number, _ in sample])
        for r, (_, cells) in enumerate(sample):
            for c, value in enumerate(cells):
                self.sample_table.setItem(r, c, QTableWidgetItem(str(value)))
        self.sample_table.resizeColumnsToContents()
        for col in range(width):  # a 400-character name must not push the rest away
            if self.sample_table.columnWidth(col) > _SAMPLE_COLUMN_MAX:
                self.sample_table.setColumnWidth(col, _SAMPLE_COLUMN_MAX)
        self.mapping_info.setText(
            self.tr("Lembar: %1 - baris judul: %2 - data mulai baris %3")
            .replace("%1", mapping.sheet)
            .replace("%2", ", ".join(map(str, mapping.header_rows)))
            .replace("%3", str(mapping.first_data_row))
        )
        self.pages.setCurrentIndex(self.PAGE_MAPPING)

    def _column_title(self, mapping: ColumnMapping, col: int) -> str:
        letter = _column_letter(col)
        label = mapping.labels.get(col, "")
        return f"{letter}: {label}" if label else letter

    @Slot(str)
    def _preview_failed(self, message: str) -> None:
        self.next_button.setEnabled(True)
        self.file_error.setText(message)

    def chosen_mapping(self) -> ColumnMapping:
        """The mapping as the operator left it in the combo boxes."""
        assert self.mapping is not None
        columns = {
            name: int(box.currentData())
            for name, box in self.field_boxes.items()
            if box.currentData() is not None and int(box.currentData()) >= 0
        }
        return ColumnMapping(
            self.mapping.sheet,
            list(self.mapping.header_rows),
            self.mapping.first_data_row,
            columns,
            dict(self.mapping.labels),
        )

    @Slot()
    def _save_mapping(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Simpan pemetaan kolom"),
            str(documents_folder() / "pemetaan-kolom.json"),
            "JSON (*.json)",
        )
        if not path:
            return
        try:
            save_mapping(self.chosen_mapping(), path)
        except OSError as error:
            self.mapping_info.setText(self._not_saved(path, error))

    # -- import ----------------------------------------------------------------------

    @Slot()
    def start_import(self) -> None:
        """Run the import on a worker thread with the chosen mapping."""
        mapping = self.chosen_mapping()
        missing = mapping.missing()
        if missing:
            self.mapping_info.setText(
                self.tr("Kolom wajib belum dipetakan: %1").replace(
                    "%1", ", ".join(field_label(m) for m in missing)
                )
            )
            return
        path = self.path_edit.text().strip()
        imports = self.imports
        pair_id = self.pair_id
        assume_scan = self.scan_check.isChecked()
        arrival = str(self.round_box.currentData())
        kind = str(self.kind_box.currentData())
        if kind == "replace" and not self.replace_confirmed:
            self._preview_replacement(path, mapping, assume_scan, arrival)
            return
        self.replace_confirmed = False
        self._show_progress(self.tr("Membaca dan memeriksa baris..."))

        def job(progress: Callable[[Any], None], cancel: threading.Event) -> Any:
            return imports.import_file(
                path,
                pair_id,
                mapping,
                progress=lambda done, total: progress((done, total)),
                cancel=cancel,
                assume_id_scan=assume_scan,
                round=arrival,
                replace=kind == "replace",
            )

        job_obj = self._run(job, "import", self._show_result, self._import_failed)
        job_obj.progress.connect(self._on_progress)

    def _show_progress(self, text: str) -> None:
        """The progress page for a job that can be cancelled (import or replacement preview)."""
        self.cancel_requested = False
        self.cancel_button.setEnabled(True)
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText(text)
        self.pages.setCurrentIndex(self.PAGE_PROGRESS)

    def _preview_replacement(
        self, path: str, mapping: ColumnMapping, assume_scan: bool, arrival: str
    ) -> None:
        """Read the corrected file and compare (a job), then ask before replacing."""
        imports, pair_id = self.imports, self.pair_id
        self._show_progress(self.tr("Membandingkan berkas perbaikan..."))

        def job(progress: Callable[[Any], None], cancel: threading.Event) -> Any:
            return imports.preview_replace(
                path,
                pair_id,
                mapping,
                progress=lambda done, total: progress((done, total)),
                cancel=cancel,
                assume_id_scan=assume_scan,
                round=arrival,
            )

        job_obj = self._run(job, "preview", self._confirm_replacement, self._import_failed)
        job_obj.progress.connect(self._on_progress)

    @Slot(object)
    def _confirm_replacement(self, plan: Any) -> None:
        """Show what will change; replace only on Yes (No is the default)."""
        examples = "\n".join(plan.lines()[1:])
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Ganti impor sebelumnya?"),
            self.tr(
                "Berkas perbaikan ini: %1 baru, %2 berubah, %3 tetap, %4 ditarik "
                "(tidak ada di berkas perbaikan; riwayatnya tetap disimpan)."
            )
            .replace("%1", format_count(plan.new))
            .replace("%2", format_count(plan.changed))
            .replace("%3", format_count(plan.unchanged))
            .replace("%4", format_count(plan.withdrawn)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmReplace")
        box.setInformativeText(examples)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.last_plan = plan
        if box.exec() != QMessageBox.StandardButton.Yes:
            self.pages.setCurrentIndex(self.PAGE_MAPPING)
            return
        self.replace_confirmed = True
        self.start_import()

    @Slot(object)
    def _on_progress(self, value: tuple[int, int]) -> None:
        done, total = value
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        counted = self.tr("%1 baris diperiksa").replace("%1", format_count(done))
        self.progress_label.setText(self._ending_note() + counted)

    def _ending_note(self) -> str:
        """Why the import goes on while the window is gone (a line), or ""."""
        if not self.ending:
            return ""
        if self.ending == "idle":
            return (
                self.tr(
                    "Jendela dikunci karena lama tidak digunakan. Impor diselesaikan dulu "
                    "agar tidak hilang; setelah itu masuk lagi dengan kata sandi Anda."
                )
                + "\n"
            )
        return (
            self.tr(
                "Akses ke data dicabut oleh server. Impor diselesaikan dulu agar tidak "
                "hilang; setelah itu data di komputer ini dikunci."
            )
            + "\n"
        )

    @Slot()
    def cancel_import(self) -> None:
        """Stop the import; the database stays as it was before."""
        if self.job is not None:
            self.cancel_requested = True
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(self.tr("Membatalkan..."))
            self.job.cancel()

    def importing(self) -> bool:
        """Whether an import is running (its rows are stored when it ends)."""
        return self.is_busy() and self.job is not None and self.job.name == "import"

    def finish_before_lock(self, then: Callable[[], None], why: str = "locked") -> None:
        """The window locks while the import runs (``why``: "locked", the server revoked
        access; "idle", nobody used it for a while): the import goes on to its end (one
        transaction: closing the wizard would roll it back and the operator's import
        would be gone), says why, shows nothing of its result (the rows it read), then
        ``then`` is called (the lock). The operator may still cancel it."""
        job = self.job
        if job is None or not self.importing():
            then()
            return
        self.ending = why
        self.progress_label.setText(self._ending_note().rstrip("\n"))
        job.done.connect(then)

    @Slot(str)
    def _import_failed(self, message: str) -> None:
        if self.ending:
            return
        if self.cancel_requested:
            message = self.tr("Impor dibatalkan. Basis data tidak berubah.")
        self.file_error.setText(message)
        self.result_label.setText(message)
        self.pages.setCurrentIndex(self.PAGE_FILE)

    @Slot(object)
    def _show_result(self, report: Any) -> None:
        self.report = report
        if self.ending:
            return  # stored; the data closes now (finish_before_lock)
        self.result_error.clear()
        counts = report.counts()
        stored = report.stored or {}
        lines = [
            self.tr("Berkas: %1").replace("%1", report.path.name),
            self.tr("Baris data: %1").replace("%1", format_count(report.total)),
            "  ".join(f"{status_label(s)}: {format_count(n)}" for s, n in counts.items()),
            self.tr("Disimpan: %1 baru, %2 diperbarui, %3 tidak berubah")
            .replace("%1", format_count(stored.get("inserted", 0)))
            .replace("%2", format_count(stored.get("updated", 0)))
            .replace("%3", format_count(stored.get("unchanged", 0))),
        ]
        unstored = report.rows_without_nik()
        if unstored:
            lines.append(
                self.tr("Tidak disimpan: %1 baris tanpa NIK (ada di daftar masalah)").replace(
                    "%1", format_count(unstored)
                )
            )
        outside = report.outside_share
        if outside:
            ranges, more = row_ranges(outside)
            if more:
                ranges = (
                    self.tr("%1 (dan %2 rentang lain)")
                    .replace("%1", ranges)
                    .replace("%2", format_count(more))
                )
            lines.append(
                self.tr(
                    "Tidak disimpan: %1 baris di luar wilayah Anda (kab/kota lain, atau "
                    "kab/kotanya tidak dikenali; tidak diperiksa dan tidak dihitung): baris %2"
                )
                .replace("%1", format_count(len(outside)))
                .replace("%2", ranges)
            )
        earlier = report.earlier_duplicates()
        if earlier:
            lines.append(
                self.tr("NIK yang sudah ada di pasangan ini: %1 baris (ditandai ganda)").replace(
                    "%1", format_count(earlier)
                )
            )
        if report.earlier_flagged:
            lines.append(
                self.tr("Baris lama di pasangan ini yang kini ditandai ganda: %1").replace(
                    "%1", format_count(report.earlier_flagged)
                )
            )
        if "withdrawn" in stored:
            lines.append(
                self.tr("Ditarik: %1 (tidak ada di berkas perbaikan)").replace(
                    "%1", format_count(stored["withdrawn"])
                )
            )
        all_bad = report.rows_to_review()
        bad = all_bad[:_BAD_ROWS_SHOWN]
        if len(all_bad) > len(bad):
            lines.append(
                self.tr(
                    "Ditampilkan %1 baris bermasalah pertama dari %2; simpan laporan untuk semua."
                )
                .replace("%1", format_count(len(bad)))
                .replace("%2", format_count(len(all_bad)))
            )
        if report.footer_rows:
            lines.append(
                self.tr(
                    "Baris di bawah daftar yang bukan pendukung (jumlah, tanda tangan) "
                    "tidak dihitung: baris %1"
                ).replace("%1", ", ".join(map(str, report.footer_rows)))
            )
        self.result_label.setText("\n".join(lines))
        self.bad_table.setRowCount(len(bad))
        for r, row in enumerate(bad):
            cells = (
                str(row.row),
                row.nik,
                row.status,
                row_reasons(row.codes, row.notes, row.read),
                read_values(row.read),
                duplicate_text(row.duplicate_of),
            )
            for c, value in enumerate(cells):
                self.bad_table.setItem(r, c, QTableWidgetItem(value))
        fuzzy = [m for m in report.places if m.score < 100]
        self.places_table.setRowCount(len(fuzzy))
        for r, match in enumerate(fuzzy):
            target = (
                f"{match.code} {match.name}"
                if match.code
                else match.name or self.tr("tidak ditemukan")
            )
            for c, value in enumerate((match.text, target, f"{match.score:.0f}")):
                self.places_table.setItem(r, c, QTableWidgetItem(value))
        self.pages.setCurrentIndex(self.PAGE_RESULT)
        self.imported.emit(report)

    def ask_problem_list(self, kind: str) -> None:
        """Ask where to save the LO's problem list (Documents, pair and date in the
        name), then write it."""
        if self.report is None:
            return
        if not self._confirm_personal_data(
            self.tr(
                "Daftar masalah impor berisi data pribadi warga (NIK dan nilai yang "
                "terbaca dari baris yang bermasalah, misalnya tanggal lahir). Serahkan "
                "hanya kepada LO pasangan calon ini, simpan hanya di folder yang Anda "
                "pilih dan hanya Anda yang dapat membukanya, dan hapus berkasnya bila "
                "tidak diperlukan lagi (UU PDP 27/2022)."
            )
        ):
            return
        default = default_save_path(
            f"problems_{kind}",
            self.pair,
            extra=Path(self.report.path).stem,
            practice=self.imports.practice_data(),
        )
        pattern = "Excel (*.xlsx)" if kind == "xlsx" else "PDF (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Simpan daftar masalah untuk LO"), str(default), pattern
        )
        if path:
            self.save_problem_list(Path(path))

    def save_problem_list(self, target: Path) -> Path | None:
        """Write the problem list to ``target`` (XLSX or PDF by its suffix)."""
        problems = self.imports.problem_list(self.report, self._pair_label())
        try:
            if target.suffix.lower() == ".pdf":
                from silon_desktop.ui.pdf_reports import write_problem_list_pdf

                write_problem_list_pdf(problems, target)
            else:
                self.imports.write_problems_xlsx(problems, target)
        except OSError as error:
            self.result_error.setText(self._not_saved(str(target), error))
            return None
        self.result_error.clear()
        self.saved_label.setText(self.tr("Daftar masalah disimpan: %1").replace("%1", str(target)))
        return target

    def _pair_label(self) -> str:
        pair = self.pair or {}
        names = " - ".join(str(n) for n in (pair.get("head_name"), pair.get("deputy_name")) if n)
        number = f"{pair['number']}. " if pair.get("number") else ""
        return (number + names).strip()

    def _confirm_personal_data(self, text: str) -> bool:
        """The personal-data warning before a file with citizens' data is saved."""
        box = personal_data_box(self, self.tr("Data pribadi"), text)
        return bool(box.exec() == QMessageBox.StandardButton.Ok)

    @Slot()
    def _save_report(self) -> None:
        if self.report is None:
            return
        if not self._confirm_personal_data(
            self.tr(
                "Laporan impor berisi data pribadi warga (NIK setiap baris dan masalahnya). "
                "Simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat "
                "membukanya, dan hapus berkasnya bila tidak diperlukan lagi (UU PDP "
                "27/2022)."
            )
        ):
            return
        default = default_save_path(
            "import_json",
            self.pair,
            extra=Path(self.report.path).stem,
            practice=self.imports.practice_data(),
        )
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Simpan laporan"), str(default), "JSON (*.json)"
        )
        if not path:
            return
        try:
            self.report.write_json(path)
        except OSError as error:
            self.result_error.setText(self._not_saved(path, error))
            return
        self.result_error.clear()

    def _not_saved(self, path: str, error: Exception) -> str:
        reason = error_text(file_error(error)) if isinstance(error, OSError) else str(error)
        return (
            self.tr("Tidak dapat menyimpan %1: %2")
            .replace("%1", Path(path).name)
            .replace("%2", reason)
        )

    # -- jobs ------------------------------------------------------------------------

    def _run(
        self,
        fn: Callable[[Callable[[Any], None], threading.Event], Any],
        name: str,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[str], None],
    ) -> Job:
        job = Job(fn, name, self)
        job.finished.connect(on_finished)
        job.failed.connect(on_failed)
        job.done.connect(self._job_done)
        self.job = job
        job.start()
        return job

    @Slot()
    def _job_done(self) -> None:
        # The job that ended (a replacement's preview starts the import from its
        # finished slot: self.job may already be the next one).
        ended = self.sender()
        if isinstance(ended, Job):
            ended.deleteLater()
            if self.job is ended:
                self.job = None
        elif self.job is not None:
            self.job.deleteLater()
            self.job = None

    def is_busy(self) -> bool:
        return self.job is not None and self.job.is_running()

    def done(self, result: int) -> None:  # noqa: D401 - QDialog override
        """Closing while a job runs cancels it and waits: no thread outlives the dialog."""
        if self.job is not None:
            self.cancel_requested = True
            self.job.wait(30_000)
        super().done(result)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
