"""The supporters of a pair: filters, status counts, the million-row table, verification.

Verification mode works from the keyboard: ``M`` or ``1`` marks the current
supporter (or every selected one) MS, the digit and letter keys of the legend
give a reason (the election's rule set decides BMS or TMS), and the cursor moves
to the next row. Enter or Down moves on without a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.rules import Round
from silon_desktop.services import Services, VerifyResult
from silon_desktop.services.tables import SupporterFilter
from silon_desktop.ui.forms import supporter_fields
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.labels import (
    VERIFY_KEYS,
    error_text,
    method_label,
    reason_label,
    round_label,
    status_label,
)
from silon_desktop.ui.record_form import RecordForm
from silon_desktop.ui.supporters_model import SupportersModel
from silon_desktop.ui.undo_stack import UndoStack
from silon_desktop.ui.workers import JobRunner

REASON_CODES = (
    "NIK_FORMAT",
    "NIK_REGION",
    "NIK_MISMATCH",
    "NIK_PRECISION",
    "MISSING_FIELD",
    "UNDERAGE",
    "OUTSIDE_REGION",
    "NOT_IN_DPT",
    "BANNED_OCCUPATION",
    "NO_ID_SCAN",
    "DUPLICATE_IDENTICAL",
    "DUPLICATE_POTENTIAL",
    "DUPLICATE_EXTERNAL",
    "DECEASED",
    "NOT_FOUND",
    "DENIES_SUPPORT",
)


class _VerdictCommand(QUndoCommand):
    """One verdict step (one key or one bulk verdict); undo reverts it as one step
    where the records still hold what it wrote (never a later sync or resolution)."""

    def __init__(self, page: SupportersPage, step: Any, label: str) -> None:
        super().__init__(label)
        self.page, self.step = page, step
        self._first = True

    def redo(self) -> None:
        if self._first:  # written when the verdict was given
            self._first = False

    def undo(self) -> None:
        if not self.page._undo_step(self.step):
            self.page.verdict_undo.refuse()  # nothing undone: the next Ctrl+Z tries again


class SupportersPage(QWidget):
    """Filters, counts, table and verification for one pair's supporters.

    Signals:
        verified(int): number of supporters just marked.
        currentRecordChanged(str, str): "supporter" and the id under the cursor.
        countsShown(object): the status counts now on screen (a dict).
        changed(): a supporter was added, edited or verified (written to the database).
    """

    verified = Signal(int)
    changed = Signal()
    currentRecordChanged = Signal(str, str)
    countsShown = Signal(object)

    def __init__(self, backend: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = jobs
        self.pair_id: str | None = None
        self.election: dict[str, Any] = {}
        self.scope = ""
        #: the pair the running status-counts job counts
        self._counts_pair: str | None = None
        #: (pair, counter, done) of unfiltered tables waiting for the status counts' total
        self._total_waiters: list[tuple[str, Callable[[], int], Callable[[int], None]]] = []
        self.model = SupportersModel(
            backend.supporter_query,
            region_name=backend.region_name,
            reason_label=reason_label,
            count_in_background=self._count_in_background,
        )
        self._build_filters()
        self._build_table()
        self._build_verification()
        self.form = RecordForm(backend, "supporter", supporter_fields())
        # As on a candidate: a NIK never replaces a saved birth date or sex unasked (the
        # B.1-KWK form's values are what NIK_MISMATCH compares with the NIK).
        self.form.confirm_nik_mismatch = True
        self.form.valueSaved.connect(self._supporter_saved)
        # A citizen objected ("ada tanggapan masyarakat") and may have left a phone or
        # e-mail: read from the server on demand, shown, kept nowhere here.
        self.contact_button = QPushButton(self.tr("Lihat kontak pelapor"))
        self.contact_button.setObjectName("objectionContact")
        self.contact_button.setToolTip(
            self.tr(
                "Kontak yang ditinggalkan warga saat mengajukan tanggapan, untuk klarifikasi "
                "(perlu koneksi ke server; tidak disimpan di komputer ini)"
            )
        )
        self.contact_button.clicked.connect(self.show_objection_contact)
        self.contact_button.hide()
        self.form.loaded.connect(self._show_contact_button)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setObjectName("verificationResult")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.form, 1)
        side_layout.addWidget(self.contact_button)
        side_layout.addWidget(self.result_label)

        self.counts_label = QLabel()
        self.counts_label.setObjectName("statusCounts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        # wraps, or the counts and the buttons beside them make the window wider than
        # a 1366-pixel office screen
        self.counts_label.setWordWrap(True)
        self.counts_label.setToolTip(
            self.tr(
                "Ditampilkan: baris yang sesuai saringan. MS, BMS, TMS dan jumlah lainnya: "
                "seluruh pasangan, tanpa saringan."
            )
        )
        self.add_button = QPushButton(self.tr("&Tambah pendukung"))
        self.add_button.clicked.connect(self.add_supporter)
        self.withdraw_button = QPushButton(self.tr("Ta&rik dukungan..."))
        self.withdraw_button.setObjectName("withdrawSupporter")
        self.withdraw_button.setToolTip(
            self.tr("Tarik data pendukung yang dipilih, dengan alasannya (riwayat tetap disimpan)")
        )
        self.withdraw_button.clicked.connect(self.withdraw_current)
        self.restore_button = QPushButton(self.tr("P&ulihkan..."))
        self.restore_button.setObjectName("restoreWithdrawn")
        self.restore_button.setToolTip(
            self.tr("Pulihkan dukungan pasangan ini yang ditarik karena keliru")
        )
        self.restore_button.clicked.connect(self.restore_withdrawn)
        self.merge_button = QPushButton(self.tr("&Gabungkan ganda..."))
        self.merge_button.setObjectName("mergeDuplicates")
        self.merge_button.setToolTip(
            self.tr("Pilih dua baris data orang yang sama: satu dipertahankan, satu ditarik")
        )
        self.merge_button.clicked.connect(self.merge_selected)
        self.scan_button = QPushButton(self.tr("KTP-el/pernyataan &ada"))
        self.scan_button.setObjectName("markIdScan")
        self.scan_button.setToolTip(
            self.tr(
                "Tandai pindaian KTP-el atau surat pernyataan identitas ada, untuk baris terpilih"
            )
        )
        self.scan_button.clicked.connect(lambda: self.mark_id_scan(True))
        # Alt+T, Alt+R, Alt+U, Alt+G, Alt+A: letters no menu, tab or other button of the
        # window uses (menus Alt+B/D/S, tabs Alt+P/C/D/B), and an Alt key types nothing
        # into the field being typed in (tests/gui/test_supporter_buttons_keys.py).
        top = QHBoxLayout()
        top.addWidget(self.counts_label, 1)
        top.addWidget(self.scan_button)
        top.addWidget(self.merge_button)
        top.addWidget(self.withdraw_button)
        top.addWidget(self.restore_button)
        top.addWidget(self.add_button)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        # The form keeps room for a region name with its code at 1366x768.
        side.setMinimumWidth(400)
        splitter.setSizes([940, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self.filter_bar)
        layout.addLayout(top)
        layout.addWidget(self.verify_box)
        layout.addWidget(splitter, 1)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(400)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self._counts: dict[str, int] = {}
        self.model.countChanged.connect(self._show_counts)
        #: verdicts given here, each (one key, or one bulk verdict) undone as one step
        self.verdict_undo = UndoStack(self)
        undo = QShortcut(QKeySequence.StandardKey.Undo, self.table)
        undo.setContext(Qt.ShortcutContext.WidgetShortcut)
        undo.activated.connect(self.undo_verdict)
        self._progress: QProgressDialog | None = None
        self._shown_nik = ""  # the NIK of the form's record before an edit
        self._shown_desa = ""  # its desa before an edit
        #: per supporter, what each desa edit replaced: (desa, kecamatan, kab/kota) before
        self._places_before: dict[str, list[tuple[str, str, str]]] = {}

    # -- building ------------------------------------------------------------

    def _build_filters(self) -> None:
        self.nik_filter = QLineEdit()
        self.nik_filter.setObjectName("filterNik")
        self.nik_filter.setPlaceholderText(self.tr("NIK diawali..."))
        # Room for a NIK written in groups ("3214 0101 ...", dots, dashes): the filter
        # reads its digits only, and 16 characters cut a grouped NIK's last digits off.
        self.nik_filter.setMaxLength(32)
        self.name_filter = QLineEdit()
        self.name_filter.setObjectName("filterName")
        self.name_filter.setPlaceholderText(self.tr("Nama memuat..."))
        self.kecamatan_filter = QComboBox()
        self.kecamatan_filter.setObjectName("filterKecamatan")
        self.desa_filter = QComboBox()
        self.desa_filter.setObjectName("filterDesa")
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("filterStatus")
        self.status_filter.addItem(self.tr("Semua status"), "")
        for code in ("MS", "BMS", "TMS", "-"):
            self.status_filter.addItem(status_label(code), code)
        self.reason_filter = QComboBox()
        self.reason_filter.setObjectName("filterReason")
        self.reason_filter.addItem(self.tr("Semua alasan"), "")
        for code in REASON_CODES:
            self.reason_filter.addItem(reason_label(code), code)
        # The round a row was handed in (submission, correction 1 or 2).
        self.round_filter = QComboBox()
        self.round_filter.setObjectName("filterRound")
        self.round_filter.addItem(self.tr("Semua tahap"), "")
        for arrival in Round:
            self.round_filter.addItem(round_label(arrival.value), arrival.value)
        for edit in (self.nik_filter, self.name_filter):
            edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.kecamatan_filter.currentIndexChanged.connect(self._kecamatan_changed)
        for combo in (self.desa_filter, self.status_filter, self.reason_filter, self.round_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        # Rows a citizen objected to on the public pages (server-owned flag).
        self.objection_filter = QCheckBox(self.tr("Ada tanggapan masyarakat"))
        self.objection_filter.setObjectName("filterObjection")
        self.objection_filter.toggled.connect(lambda _on: self.apply_filter())
        # Sized by a few characters, not by the longest entry (a reason label is long):
        # every filter stays readable side by side at 1366 pixels.
        for combo, chars in (
            (self.kecamatan_filter, 14),
            (self.desa_filter, 14),
            (self.status_filter, 12),
            (self.reason_filter, 16),
            (self.round_filter, 12),
        ):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(chars)
        for edit in (self.nik_filter, self.name_filter):
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0" * 17))
        # Two rows: in one, the filters, the tree and the form did not fit 1366 pixels.
        self.filter_bar = QGridLayout()
        self.filter_bar.addWidget(QLabel(self.tr("Saring:")), 0, 0)
        for column, widget in enumerate((self.nik_filter, self.name_filter, self.status_filter), 1):
            self.filter_bar.addWidget(widget, 0, column)
        for column, widget in enumerate(
            (self.kecamatan_filter, self.desa_filter, self.reason_filter), 1
        ):
            self.filter_bar.addWidget(widget, 1, column)
        self.filter_bar.addWidget(self.objection_filter, 0, 4)
        self.filter_bar.addWidget(self.round_filter, 1, 4)
        for column in (1, 2, 3):
            self.filter_bar.setColumnStretch(column, 1)

    def _build_table(self) -> None:
        self.table = QTableView()
        self.table.setObjectName("supportersTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Nobody edits in a cell: Tab leaves the table (for the form beside it) instead
        # of walking its cells, which kept the keyboard from ever reaching the form.
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        # Row numbers would make the header ask for a label of every row after a
        # reset (hundreds of thousands of calls); the position is in the counts line.
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # NIK as wide as 16 digits; the status (what the verifier looks at) right after
        # the name, so it is on screen beside the form at 1366 pixels whatever the width
        # of the tree (a pair's long name widens it up to its maximum); a longer name or
        # place is elided: all of it is in the form beside.
        nik_width = self.table.fontMetrics().horizontalAdvance("0" * 16) + 14
        for column, width in enumerate((nik_width, 150, 60, 78, 34, 105, 100, 170, 90)):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            # never narrower than its header (1366x768: "Diverifikasi oleh" was cut)
            width = max(width, self.table.fontMetrics().horizontalAdvance(title) + 24)
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def _build_verification(self) -> None:
        self.verify_box = QGroupBox(self.tr("Verifikasi"))
        self.verify_mode = QCheckBox(self.tr("Mode verifikasi dengan tombol"))
        self.verify_mode.setObjectName("verifyMode")
        self.verify_stage = QComboBox()
        self.verify_stage.setObjectName("verifyStage")
        self.verify_stage.addItem(self.tr("Verifikasi administrasi"), "admin")
        self.verify_stage.addItem(self.tr("Verifikasi faktual"), "field")
        self.verify_method = QComboBox()
        self.verify_method.setObjectName("verifyMethod")
        for method in ("rumah", "lo", "kantor_pps", "video"):
            self.verify_method.addItem(method_label(method), method)
        self.verify_method.setEnabled(False)
        self.verify_stage.currentIndexChanged.connect(
            lambda _i: self.verify_method.setEnabled(self.verify_stage.currentData() == "field")
        )
        legend = "  ".join(
            f"<b>{key}</b> {reason_label(code) if code else 'MS'}"
            for key, code in VERIFY_KEYS
            if key != "1"
        )
        self.legend = QLabel(
            self.tr("Tombol:") + " " + legend + "  <b>Enter/↓</b> " + self.tr("lewati")
        )
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        row = QHBoxLayout()
        row.addWidget(self.verify_mode)
        row.addWidget(self.verify_stage)
        row.addWidget(self.verify_method)
        row.addStretch(1)
        box = QVBoxLayout(self.verify_box)
        box.setContentsMargins(6, 2, 6, 2)
        box.addLayout(row)
        box.addWidget(self.legend)
        self.legend.setVisible(False)
        self.verify_mode.toggled.connect(self._verify_mode_toggled)

    # -- what the window calls ---------------------------------------------------

    def set_pair(self, pair_id: str | None, election: dict[str, Any], scope: str) -> None:
        if pair_id != self.pair_id:
            # The detail panel must never show (and edit) a supporter of another pair.
            self.form.load(None)
            self.result_label.setText("")
            self.verdict_undo.clear()
        self.pair_id = pair_id
        self.election = election
        self.scope = scope
        self._fill_kecamatan(election.get("region_code") or scope)
        # The kecamatan and desa lists were filled again: they show the place filter the
        # table keeps (or none, and the table drops it), never "all" over a filtered table.
        self._show_place_filter(self.model.current_filter())
        # the counts first: an unfiltered table takes its row count from them
        self.refresh_counts()
        self.model.set_pair(pair_id, self._ui_filter())
        # An account that only reads (Bawaslu) adds, verifies and withdraws nothing.
        writes = not self.backend.read_only
        self.add_button.setEnabled(pair_id is not None and writes)
        for control in (
            self.withdraw_button,
            self.restore_button,
            self.merge_button,
            self.scan_button,
            self.verify_box,
        ):
            control.setEnabled(writes)
        if self.model.rowCount():
            self.table.selectRow(0)

    def _ui_filter(self) -> SupporterFilter:
        """The filter the filter bar shows."""
        return SupporterFilter(
            nik_prefix="".join(ch for ch in self.nik_filter.text() if ch.isdigit()),
            name=self.name_filter.text().strip(),
            kecamatan_code=self.kecamatan_filter.currentData() or "",
            desa_code=self.desa_filter.currentData() or "",
            status=self.status_filter.currentData() or "",
            reason=self.reason_filter.currentData() or "",
            objection=self.objection_filter.isChecked(),
            round=self.round_filter.currentData() or "",
        )

    def _show_place_filter(self, flt: SupporterFilter) -> None:
        """Select ``flt``'s kecamatan and desa in their lists where they are offered."""
        index = self.kecamatan_filter.findData(flt.kecamatan_code) if flt.kecamatan_code else -1
        if index <= 0:
            return
        self.kecamatan_filter.blockSignals(True)
        self.kecamatan_filter.setCurrentIndex(index)
        self.kecamatan_filter.blockSignals(False)
        self.desa_filter.blockSignals(True)
        for region in self.backend.regions.children(flt.kecamatan_code):
            self.desa_filter.addItem(region.name, region.code)
        self.desa_filter.setCurrentIndex(max(self.desa_filter.findData(flt.desa_code), 0))
        self.desa_filter.blockSignals(False)

    def apply_filter(self) -> None:
        flt = self._ui_filter()
        if flt != self.model.current_filter():
            self.model.set_filter(flt)
            if self.model.rowCount():
                self.table.selectRow(0)

    def refresh(self) -> None:
        """Re-read after a sync, a resolution or an import; the cursor stays on its
        supporter and the open form shows the record as it now is."""
        current = self.current_supporter_id()
        chosen = self._selected_ids()
        self.model.refresh()
        self.form.refresh_if_changed()
        self._undoable_again()
        if self.form.record_id:
            self.result_label.setText(self._result_text(self.form.values))
        if current and self.current_supporter_id() != current:  # rows came or went
            position = self.model.position_of(current)
            if position is not None:
                index = self.model.index(position, 0)
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
        if chosen != []:
            self._keep_selection(chosen)
        self.refresh_counts()

    #: a selection up to this size follows its supporters when a refresh moves rows;
    #: a larger one is reduced to the cursor's row
    FOLLOWED_SELECTION = 200

    def _selected_ids(self) -> list[str] | None:
        """The supporters of a selection of several rows ([] for one row or none; None
        when larger than :attr:`FOLLOWED_SELECTION`)."""
        rows = self.table.selectionModel().selectedRows()
        if len(rows) <= 1:
            return []
        if len(rows) > self.FOLLOWED_SELECTION:
            return None
        return self._verdict_ids(sorted(i.row() for i in rows))

    def _keep_selection(self, chosen: list[str] | None) -> None:
        """After a refresh the same row numbers may show other people: select the
        supporters chosen before (a verdict key must never reach someone else)."""
        if chosen is not None and sorted(self._selected_ids() or []) == sorted(chosen):
            return
        selection = QItemSelection()
        for record_id in chosen or []:
            position = self.model.position_of(record_id)
            if position is not None:
                index = self.model.index(position, 0)
                selection.select(index, index)
        current = self.table.currentIndex()
        if current.isValid():
            selection.select(current, current)
        self.table.selectionModel().select(
            selection,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _count_in_background(self, count: Callable[[], int], done: Callable[[int], None]) -> None:
        """The table's row count on a worker thread (the first rows show before it).

        Unfiltered, the table shows every live supporter of the pair: its count is
        the status counts' total, so it waits for them instead of scanning the
        pair's index a second time (on an encrypted database each scanned page is
        decrypted). Filtered, the filter's own COUNT runs."""
        pair = self.model.pair_id()
        if pair is not None and self.model.current_filter() == SupporterFilter():
            self._total_waiters.append((pair, count, done))
            if not (self.jobs.running("supporter-counts") and self._counts_pair == pair):
                self.refresh_counts()
            return
        self._own_count(count, done)

    def _own_count(self, count: Callable[[], int], done: Callable[[int], None]) -> None:
        job = self.jobs.start(lambda _p, _c: count(), "supporter-rowcount")
        job.finished.connect(done)

    def refresh_counts(self) -> None:
        """Status counts of the whole pair, counted in the background."""
        if self.pair_id is None:
            self._counts = {}
            self._show_counts(0)
            return
        if self.jobs.running("supporter-counts"):
            self._counts_timer.start()
            return
        pair_id = self._counts_pair = self.pair_id
        job = self.jobs.start(
            lambda _p, _c: self.backend.status_counts(pair_id), "supporter-counts"
        )
        job.finished.connect(lambda counts: self._counts_ready(counts, pair_id))
        job.failed.connect(lambda _message: self._counts_failed(pair_id))

    def add_supporter(self) -> None:
        if self.pair_id is None:
            return
        values: dict[str, Any] = {"pair_id": self.pair_id}
        rounds = self.backend.new_supporter_rounds(self.pair_id)
        if rounds:
            chosen = self._ask_round(rounds)
            if chosen is None:
                return  # Batal: nothing is added
            values["round"] = chosen
        record_id, error = self.backend.create("supporter", values, self.scope)
        if record_id is None:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(error))
            return
        self.clear_filters()
        self.model.refresh()
        position = self.model.position_of(record_id)
        if position is not None:
            self.table.selectRow(position)
        self.form.load(record_id)
        self._shown_nik = self._shown_desa = ""
        self.form.widgets["nik"].setFocus()
        self.refresh_counts()
        self.changed.emit()

    def _show_contact_button(self) -> None:
        """Offered on a flagged row to the office that follows it up: an account that
        only reads it (Bawaslu, a province on a kab/kota's election) would be refused."""
        record_id = self.form.record_id
        self.contact_button.setVisible(
            record_id is not None
            and bool(self.form.values.get("public_objection"))
            and self.backend.may_write_supporter(record_id)
        )

    def show_objection_contact(self) -> None:
        """Ask the server for the contacts of the open objections against the supporter
        shown and show them in a small dialog; nothing of it is written here."""
        record_id = self.form.record_id
        if record_id is None or self.jobs.running("objection-contact"):
            return
        self.contact_button.setEnabled(False)
        job = self.jobs.start(
            lambda _p, _c: self.backend.objection_contacts(record_id), "objection-contact"
        )
        job.finished.connect(self._contact_shown)
        job.failed.connect(self._contact_failed)

    def _contact_shown(self, contacts: object) -> None:
        self.contact_button.setEnabled(True)
        found = [str(c) for c in contacts] if isinstance(contacts, list) else []
        if not found:
            text = self.tr(
                "Tidak ada tanggapan terbuka untuk pendukung ini (sudah ditindaklanjuti)."
            )
        elif not any(found):
            text = self.tr("Warga tidak meninggalkan nomor telepon atau e-mail.")
        else:
            text = self.tr("Kontak pelapor: %1").replace("%1", "; ".join(c for c in found if c))
        box = QMessageBox(
            QMessageBox.Icon.Information, self.tr("Kontak pelapor"), text, parent=self
        )
        box.setObjectName("objectionContactDialog")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()

    def _contact_failed(self, message: str) -> None:
        self.contact_button.setEnabled(True)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Kontak pelapor"), message, parent=self)
        box.setObjectName("objectionContactDialog")
        box.open()  # not exec(): the page's events go on (a sync may end meanwhile)

    def _ask_round(self, rounds: list[str]) -> str | None:
        """The correction round a supporter added by hand after the submission period
        arrives in (a submission row would be refused by the server and undone);
        None on Batal."""
        from PySide6.QtWidgets import QInputDialog

        labels = [round_label(r) for r in rounds]
        chosen, ok = QInputDialog.getItem(
            self,
            self.tr("Tahap penyerahan"),
            self.tr(
                "Masa penyerahan dukungan sudah berakhir: pendukung yang ditambahkan "
                "sekarang diserahkan pada masa perbaikan. Tahap:"
            ),
            labels,
            0,
            False,
        )
        return rounds[labels.index(chosen)] if ok else None

    def withdraw_current(self) -> bool:
        """Ask why, then withdraw the current supporter (a tombstone with its reason)."""
        record_id = self.current_supporter_id()
        record = self.backend.get("supporter", record_id) if record_id else None
        if record is None:
            return False
        from silon_desktop.ui.withdraw_dialog import (
            WithdrawDialog,
        )  # at first use (the table's start)

        dialog = WithdrawDialog(record, self)
        if dialog.exec() != WithdrawDialog.DialogCode.Accepted:
            return False
        reason, note = dialog.choice()
        error = self.backend.withdraw_supporter(str(record["id"]), reason, note, self.election)
        if error is not None:
            QMessageBox.warning(self, self.tr("Tidak ditarik"), error_text(error))
            return False
        self._after_withdrawal()
        return True

    def restore_withdrawn(self) -> int:
        """List the pair's withdrawn supporters and restore the ones the operator
        picks (each asked, No by default); returns how many were restored."""
        pair = self.pair_id
        if not pair:
            return 0

        def restore(record_id: str) -> str:
            error = self.backend.restore_supporter(record_id, self.election)
            return "" if error is None else error_text(error)

        from silon_desktop.ui.withdraw_dialog import RestoreDialog

        dialog = RestoreDialog(self.backend.withdrawn_supporters(pair), restore, self)
        dialog.exec()
        if dialog.restored:
            self._after_withdrawal()
            position = self.model.position_of(dialog.restored[-1])
            if position is not None:
                self.table.selectRow(position)
        return len(dialog.restored)

    def merge_selected(self) -> bool:
        """Two selected rows of one person: keep one, withdraw the other as ``ganda``."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = self._verdict_ids(rows)
        if len(ids) != 2:
            QMessageBox.information(
                self,
                self.tr("Gabungkan ganda"),
                self.tr("Pilih tepat dua baris pendukung (Ctrl+klik) yang merupakan orang sama."),
            )
            return False
        first, second = (self.backend.get("supporter", i) for i in ids)
        if first is None or second is None:
            return False
        keep_id, fields = self.backend.merge_plan(ids[0], ids[1])
        from silon_desktop.ui.withdraw_dialog import MergeDialog

        dialog = MergeDialog(first, second, keep_id, fields, self)
        if dialog.exec() != MergeDialog.DialogCode.Accepted:
            return False
        keep, drop, values = dialog.choice()
        error = self.backend.merge_supporters(keep, drop, values, self.election)
        if error is not None:
            QMessageBox.warning(self, self.tr("Tidak digabungkan"), error_text(error))
            return False
        self._after_withdrawal()
        position = self.model.position_of(keep)
        if position is not None:
            self.table.selectRow(position)
        return True

    def mark_id_scan(self, present: bool) -> int:
        """Set the scan / identity statement flag on the selected rows (asked first,
        No by default); returns how many rows were marked."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = self._verdict_ids(rows)
        if not ids:
            return 0
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("KTP-el/pernyataan"),
            self.tr("Tandai %1 pendukung yang dipilih: pindaian KTP-el/pernyataan ada?").replace(
                "%1", format_count(len(ids))
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return 0
        error = self.backend.set_id_scan(ids, present, self.election)
        if error is not None:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(error))
            return 0
        self.model.refresh()
        # The supporter open in the form may be one of them: it shows the flag now, or
        # a later "Tidak ada" there would be taken for no change and not saved.
        if self.form.record_id in ids and self.form.refresh_if_changed():
            self.result_label.setText(self._result_text(self.form.values))
        self.refresh_counts()
        self.changed.emit()
        return len(ids)

    def _after_withdrawal(self) -> None:
        self.form.load(None)
        self.result_label.setText("")
        self.model.refresh()
        self.refresh_counts()
        self.changed.emit()

    def clear_filters(self) -> None:
        for edit in (self.nik_filter, self.name_filter):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        for combo in (
            self.kecamatan_filter,
            self.desa_filter,
            self.status_filter,
            self.reason_filter,
            self.round_filter,
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.objection_filter.blockSignals(True)
        self.objection_filter.setChecked(False)
        self.objection_filter.blockSignals(False)
        self.model.set_filter(SupporterFilter())

    def current_supporter_id(self) -> str | None:
        row = self.model.row_at(self.table.currentIndex().row())
        return row.id if row else None

    #: selections larger than this are written on a worker thread, with progress
    BACKGROUND_ROWS = 200

    def _verdict_ids(self, rows: list[int]) -> list[str]:
        return [r.id for r in (self.model.row_at(i) for i in rows) if r is not None]

    def verify_rows_in_background(self, rows: list[int], reason: str) -> Any:
        """Mark many rows on a worker thread with a progress dialog that can cancel
        (nothing is saved then). Emits ``verified`` when done. Returns the job
        (None when one is running)."""
        return self.verify_ids_in_background(self._verdict_ids(rows), reason)

    def verify_ids_in_background(self, ids: list[str], reason: str) -> Any:
        """:meth:`verify_rows_in_background` for the supporters ``ids``."""
        if self.jobs.running("verify"):
            return None
        stage = str(self.verify_stage.currentData())
        method = str(self.verify_method.currentData()) if stage == "field" else ""
        election = dict(self.election)
        job = self.jobs.start(
            lambda progress, cancel: self.backend.verify(
                ids,
                stage,
                [reason] if reason else [],
                method,
                election,
                progress=progress,
                cancel=cancel,
            ),
            "verify",
        )
        text = self.tr("Menyimpan verifikasi %1 pendukung...").replace("%1", format_count(len(ids)))
        self.result_label.setText(text)
        self._progress = QProgressDialog(text, self.tr("Batal"), 0, len(ids), self)
        self._progress.setObjectName("verifyProgress")
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(0)
        self._progress.canceled.connect(job.cancel)
        job.progress.connect(
            lambda done: self._progress.setValue(int(done)) if self._progress else None
        )
        job.finished.connect(self._verified_in_background)
        job.failed.connect(lambda message: QMessageBox.warning(self, self.tr("Gagal"), message))
        job.done.connect(self._close_progress)
        return job

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _verified_in_background(self, result: object) -> None:
        if not isinstance(result, VerifyResult):
            return
        if result.cancelled:
            self.result_label.setText(self.tr("Dibatalkan: tidak ada yang diubah."))
            return
        if result.error:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(result.error))
        self._push_undo(result)
        self.model.refresh()
        if self.form.record_id:
            self.form.refresh_if_changed()
        self._counts_timer.start()
        self.verified.emit(result.count)
        if result.count:
            self.changed.emit()
        self._row_changed(self.table.currentIndex())
        self._tell_objections_skipped(result)

    def verify_rows(self, rows: list[int], reason: str) -> int:
        """Mark ``rows`` MS (``reason`` "") or with a reason; returns how many were saved."""
        return self.verify_ids(self._verdict_ids(rows), reason)

    def verify_ids(self, ids: list[str], reason: str) -> int:
        """Mark the supporters ``ids`` MS (``reason`` "") or with a reason; returns how
        many were saved."""
        stage = str(self.verify_stage.currentData())
        method = str(self.verify_method.currentData()) if stage == "field" else ""
        result = self.backend.verify(ids, stage, [reason] if reason else [], method, self.election)
        if result.error:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(result.error))
            return 0
        self._push_undo(result)
        self._after_verdicts(result)
        self._tell_objections_skipped(result)
        return result.count

    def _tell_objections_skipped(self, result: VerifyResult) -> None:
        """A bulk verdict left out rows with a citizen's objection: say how many and why."""
        if result.objections_skipped:
            self.result_label.setText(
                self.tr(
                    "%1 pendukung dengan tanggapan masyarakat dilewati: verifikasi "
                    "sekaligus tidak menjawab tanggapan warga. Klarifikasi, lalu beri "
                    "verifikasinya satu per satu (filter Ada tanggapan masyarakat)."
                ).replace("%1", format_count(result.objections_skipped))
            )

    def _after_verdicts(self, result: VerifyResult) -> None:
        if self.form.record_id in result.rows:  # the verdict beside the table is fresh
            self.form.load(self.form.record_id)
        patched = 0
        # Patched where each row is on screen: a verdict under a status filter or sort
        # changes the record's place in the query, never the row the operator sees.
        shown = self.model.shown_positions(result.rows)
        for record_id, record in result.rows.items():
            position = shown.get(record_id)
            if position is not None:
                self.model.patch_row(position, record)
                patched += 1
        if len(result.rows) < result.count or patched < len(result.rows):
            self.model.refresh()
        self._counts_timer.start()
        self.verified.emit(result.count)
        if result.count:
            self.changed.emit()
        self._row_changed(self.table.currentIndex())

    def _push_undo(self, result: VerifyResult) -> None:
        if result.undo is not None and len(result.undo):
            label = self.tr("Verifikasi %1 pendukung").replace("%1", format_count(result.count))
            self.verdict_undo.push(_VerdictCommand(self, result.undo, label))

    def undo_verdict(self) -> None:
        """Ctrl+Z in the table: undo the last verdict (a bulk verdict as one step)."""
        if self.jobs.running("verify"):
            return
        if self.verdict_undo.canUndo():
            self.verdict_undo.undo()
        else:
            self.form.undo_stack.undo()

    def _undo_step(self, step: Any) -> bool:
        """Undo a verdict step; False when it was refused (nothing undone)."""
        result = self.backend.undo_verify(step)
        if result.error:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(result.error))
            return False
        if result.skipped:
            self.result_label.setText(
                self.tr(
                    "%1 pendukung telah berubah sejak itu (sinkronisasi) dan tidak diurungkan."
                ).replace("%1", format_count(result.skipped))
            )
        self._after_verdicts(result)
        return True

    def _undoable_again(self) -> None:
        """Verdict steps whose undo the server refused (the sync put them back) are below
        the stack's position again: the next Ctrl+Z undoes them, not the step before."""
        stack = self.verdict_undo
        while stack.index() < stack.count():
            command = stack.command(stack.index())
            if not isinstance(command, _VerdictCommand):
                return
            if not self.backend.verdict_put_back(command.step):
                return
            stack.redo()  # writes nothing: the records hold the step already

    def next_unverified(self) -> bool:
        """Move to the next row no person has verified yet (N); False when none follows."""
        start = self.table.currentIndex().row() + 1
        for index in range(max(start, 0), self.model.rowCount()):
            row = self.model.row_at(index)
            if row is not None and not row.effective_status:
                target = self.model.index(index, 0)
                self.table.selectionModel().setCurrentIndex(
                    target,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(target)
                return True
        self.result_label.setText(self.tr("Tidak ada lagi pendukung yang belum diverifikasi."))
        return False

    # -- events ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and self.verify_mode.isChecked()
            and isinstance(event, QKeyEvent)
        ):
            return self._verification_key(event)
        return super().eventFilter(watched, event)

    def _verification_key(self, event: QKeyEvent) -> bool:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._advance()
            return True
        text = event.text().upper()
        # Shift and Caps Lock give the same verdict as the plain key ("M" is shown
        # in capitals); Ctrl/Alt combinations stay the table's (Ctrl+A, Ctrl+Z).
        extra = event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier
        )
        if extra or not text or not text.isprintable():
            return False
        if text == "N":
            self.next_unverified()
            return True
        reason = next((code for key, code in VERIFY_KEYS if key == text), None)
        if reason is None:
            # No type-ahead in verification mode: a stray letter must not jump
            # to another person (the table's keyboardSearch).
            return True
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        current = self.table.currentIndex().row()
        if current < 0:
            return True
        if current not in rows or len(rows) <= 1:
            rows = [current]
        if self.jobs.running("verify"):
            return True  # a large selection is still being written
        # The people are named before the question: a sync finishing while it is open
        # re-reads the table, and the same row numbers may then show other supporters.
        ids = self._verdict_ids(rows)
        if len(ids) <= self.BACKGROUND_ROWS and self._verdicts_changed_since_shown(ids):
            return True  # shown first; the next key is given knowingly
        if len(ids) > 1 and not self._confirm_bulk(
            len(ids), reason, self.backend.objections_among(ids)
        ):
            return True
        if len(ids) > self.BACKGROUND_ROWS:
            self.verify_ids_in_background(ids, reason)
            return True
        saved = self.verify_ids(ids, reason)
        if len(ids) == 1 and saved:  # a refused verdict keeps the row for another key
            self._advance()
        return True

    def _verdicts_changed_since_shown(self, ids: list[str]) -> bool:
        """Did a sync change the verdict of any of these rows since the table showed it?
        (A pull commits while the sync runs; the table is re-read when it has finished.)
        Such rows are shown as they now are and no verdict is given by this key: a
        colleague's verdict is never written over unseen."""
        shown = self.model.shown_positions(ids)
        changed = 0
        for record_id, position in shown.items():
            row, record = self.model.row_at(position), self.backend.get("supporter", record_id)
            if row is None or record is None:
                continue
            reasons = record.get("effective_reasons") or ""
            if isinstance(reasons, list):
                reasons = ",".join(reasons)
            if (row.effective_status, row.effective_reasons) != (
                record.get("effective_status") or "",
                str(reasons),
            ):
                self.model.patch_row(position, record)
                changed += 1
        if not changed:
            return False
        if self.form.record_id in shown:
            self.form.refresh_if_changed()
        self.result_label.setText(
            self.tr(
                "Hasil verifikasi %1 pendukung baru berubah karena sinkronisasi (lihat "
                "tabel). Tekan tombolnya lagi untuk tetap mengubahnya."
            ).replace("%1", format_count(changed))
        )
        return True

    def _confirm_bulk(self, count: int, reason: str, held: int = 0) -> bool:
        """One key press on a selection changes many verdicts: ask first, with No
        as the default answer (Ctrl+A, 7, Enter must not overwrite everyone). The
        ``held`` rows with a citizen's objection are left out: the question says so
        and counts only the rows that get the verdict."""
        verdict = reason_label(reason) if reason else status_label("MS")
        text = (
            self.tr(
                "Tandai %1 pendukung yang dipilih: %2?\n\n"
                "Semua %1 pendukung itu mendapat hasil yang sama. Dapat diurungkan dengan Ctrl+Z."
            )
            .replace("%1", format_count(count - held))
            .replace("%2", verdict)
        )
        if held:
            text += "\n\n" + self.tr(
                "%1 pendukung lain yang dipilih punya tanggapan masyarakat dan dilewati: "
                "masing-masing perlu verifikasinya sendiri setelah klarifikasi."
            ).replace("%1", format_count(held))
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Verifikasi sekaligus"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("bulkVerdictConfirm")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _advance(self) -> None:
        current = self.table.currentIndex().row()
        if current + 1 < self.model.rowCount():
            index = self.model.index(current + 1, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def _verify_mode_toggled(self, on: bool) -> None:
        self.legend.setVisible(on)
        if on:
            self.table.setFocus()
            if self.table.currentIndex().row() < 0 and self.model.rowCount():
                self.table.selectRow(0)

    def _row_changed(self, current: Any, _previous: Any = None) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is None:
            self.result_label.setText("")
            return
        if self.form.record_id != row.id:
            self.form.load(row.id)
            self._shown_nik = str(self.form.values.get("nik") or "")
            self._shown_desa = str(self.form.values.get("desa_code") or "")
        self.result_label.setText(self._result_text(self.form.values))
        self.currentRecordChanged.emit("supporter", row.id)

    def _result_text(self, record: dict[str, Any]) -> str:
        def when(value: Any) -> str:
            if isinstance(value, dt.datetime):
                return value.strftime("%d-%m-%Y %H:%M")
            return str(value or "")

        lines = [
            self.tr("Status akhir: %1").replace(
                "%1", status_label(self.model.status_as_counted(record))
            )
        ]
        if record.get("admin_status"):
            lines.append(
                self.tr("Vermin: %1 oleh %2, %3")
                .replace("%1", str(record["admin_status"]))
                .replace("%2", str(record.get("admin_by") or "-"))
                .replace("%3", when(record.get("admin_at")))
            )
        if record.get("field_status"):
            lines.append(
                self.tr("Verfak: %1 (%2) oleh %3, %4")
                .replace("%1", str(record["field_status"]))
                .replace("%2", method_label(str(record.get("field_method") or "")))
                .replace("%3", str(record.get("field_by") or "-"))
                .replace("%4", when(record.get("field_at")))
            )
        reasons = record.get("effective_reasons") or ""
        if reasons:
            lines.append(", ".join(reason_label(c) for c in str(reasons).split(",") if c))
        return "\n".join(lines)

    def _supporter_saved(self, name: str, value: Any) -> None:
        record_id = self.form.record_id
        if record_id is None:
            return
        if name == "desa_code":
            self._follow_desa(record_id, str(value or ""))
        old_nik = self._shown_nik if name == "nik" else None
        self.backend.recheck_supporter(record_id, self.election, old_nik)
        record = self.backend.get("supporter", record_id)
        self._shown_nik = str((record or {}).get("nik") or "")
        current = self.table.currentIndex().row()
        row = self.model.row_at(current)
        if record is not None and row is not None and row.id == record_id:
            self.model.patch_row(current, record)
        if record is not None:
            self.result_label.setText(self._result_text(record))
            self._counts_timer.start()
        self.changed.emit()

    def _follow_desa(self, record_id: str, desa: str) -> None:
        """The kecamatan and kab/kota follow a desa just saved. Back to the desa an edit
        replaced (Ctrl+Z), they are what they were then: an undone first desa left the
        supporter counted in that desa's kecamatan."""
        before, self._shown_desa = self._shown_desa, desa
        history = self._places_before.setdefault(record_id, [])
        if history and history[-1][0] == desa and before != desa:
            _desa, kecamatan, kabkota = history.pop()
            places = {"kecamatan_code": kecamatan, "kabkota_code": kabkota}
        elif desa:
            record = self.backend.get("supporter", record_id) or {}
            history.append(
                (
                    before,
                    str(record.get("kecamatan_code") or ""),
                    str(record.get("kabkota_code") or ""),
                )
            )
            parts = desa.split(".")
            places = {"kecamatan_code": ".".join(parts[:3]), "kabkota_code": ".".join(parts[:2])}
        else:
            return
        self.backend.update("supporter", record_id, places)

    def _kecamatan_changed(self, _index: int) -> None:
        code = self.kecamatan_filter.currentData()
        self.desa_filter.blockSignals(True)
        self.desa_filter.clear()
        self.desa_filter.addItem(self.tr("Semua desa/kel."), "")
        if code:
            for region in self.backend.regions.children(code):
                self.desa_filter.addItem(region.name, region.code)
        self.desa_filter.blockSignals(False)
        self.apply_filter()

    def _fill_kecamatan(self, region_code: str) -> None:
        self.kecamatan_filter.blockSignals(True)
        self.kecamatan_filter.clear()
        self.kecamatan_filter.addItem(self.tr("Semua kecamatan"), "")
        if region_code and region_code.count(".") == 1:
            for region in self.backend.regions.children(region_code):
                self.kecamatan_filter.addItem(region.name, region.code)
        self.kecamatan_filter.blockSignals(False)
        self.desa_filter.blockSignals(True)
        self.desa_filter.clear()
        self.desa_filter.addItem(self.tr("Semua desa/kel."), "")
        self.desa_filter.blockSignals(False)

    def _counts_ready(self, counts: object, pair_id: str | None = None) -> None:
        if isinstance(counts, dict):
            self._serve_total(pair_id, int(counts.get("total", 0)))
        if pair_id is not None and pair_id != self.pair_id:
            return  # the counts of the pair left: this pair's own follow
        if isinstance(counts, dict):
            self._counts = counts
        self._show_counts(self.model.rowCount())
        self.countsShown.emit(dict(self._counts))

    def _serve_total(self, pair_id: str | None, total: int | None) -> None:
        """Give the status counts' total of ``pair_id`` to the tables waiting for it
        (None: the counts failed, each counts itself); waiters of a pair no longer
        shown are dropped (the model ignores a count of an earlier query anyway)."""
        waiting, self._total_waiters = self._total_waiters, []
        for pair, count, done in waiting:
            if pair != self.pair_id:
                continue
            if pair != pair_id:
                self._total_waiters.append((pair, count, done))  # its pair's counts follow
            elif total is None:
                self._own_count(count, done)
            else:
                done(total)

    def _counts_failed(self, pair_id: str) -> None:
        self._serve_total(pair_id, None)

    def _show_counts(self, shown: int) -> None:
        c = self._counts
        # The rows the filter shows first, apart from the counts of the whole pair: beside
        # a kecamatan filter, unlabelled counts read as the kecamatan's.
        parts = [
            self.tr("Ditampilkan") + f" <b>{format_count(shown)}</b> &nbsp;|",
            self.tr("Seluruh pasangan:"),
            f"<span style='background:#d8f0d8'>&nbsp;MS <b>{format_count(c.get('MS', 0))}</b>&nbsp;</span>",
            f"<span style='background:#fff0c0'>&nbsp;BMS <b>{format_count(c.get('BMS', 0))}</b>&nbsp;</span>",
            f"<span style='background:#f6d0d0'>&nbsp;TMS <b>{format_count(c.get('TMS', 0))}</b>&nbsp;</span>",
            self.tr("Belum diverifikasi") + f" <b>{format_count(c.get('-', 0))}</b>",
            self.tr("Jumlah") + f" <b>{format_count(c.get('total', 0))}</b>",
            self.tr("Tanggapan masyarakat") + f" <b>{format_count(c.get('objection', 0))}</b>",
        ]
        # each count whole on its line; the row wraps between counts on a narrow screen
        self.counts_label.setText(" &nbsp; ".join(f"<nobr>{part}</nobr>" for part in parts))
