"""The main window: navigation (election > pairs), the pair's pages, sync in the status bar."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.services import Changes, Services
from silon_desktop.services.imports import IMPORT_CHANGES
from silon_desktop.ui.child_list_widget import ChildListWidget
from silon_desktop.ui.conflicts_dialog import ConflictsDialog
from silon_desktop.ui.dashboard_widget import DashboardWidget
from silon_desktop.ui.forms import (
    candidate_fields,
    document_fields,
    election_fields,
    pair_fields,
    party_fields,
)
from silon_desktop.ui.history_dialog import HistoryDialog
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.labels import document_label, error_text
from silon_desktop.ui.record_form import RecordForm
from silon_desktop.ui.settings_dialog import SettingsDialog
from silon_desktop.ui.supporters_page import SupportersPage
from silon_desktop.ui.sync_status_widget import SyncController, SyncStatusWidget
from silon_desktop.ui.workers import JobRunner

log = logging.getLogger(__name__)

ROLE_ENTITY = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1


class PairPage(QTabWidget):
    """A pair's tabs: data, candidates (with documents), parties, supporters, dashboard."""

    def __init__(self, backend: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self._document_statuses = dict((f.name, f.choices) for f in document_fields())["status"]
        self.pair_form = RecordForm(backend, "pair", pair_fields(), self.tr("Bakal pasangan calon"))
        self.candidates = ChildListWidget(
            backend,
            "candidate",
            "pair_id",
            candidate_fields(),
            self._describe_candidate,
            self.tr("Tambah calon"),
        )
        self.documents = ChildListWidget(
            backend,
            "document",
            "candidate_id",
            document_fields(),
            self._describe_document,
            self.tr("Tambah dokumen syarat"),
        )
        # The head is usually entered first: the next candidate added is the deputy.
        self.candidates.defaults_for = lambda siblings: {
            "role": "wakil" if any(c.get("role") == "kepala" for c in siblings) else "kepala"
        }
        candidate_box = QSplitter(Qt.Orientation.Vertical)
        self.age_note = QLabel()
        self.age_note.setObjectName("candidateAgeNote")
        self.age_note.setWordWrap(True)
        people = QWidget()
        people_layout = QVBoxLayout(people)
        people_layout.setContentsMargins(0, 0, 0, 0)
        people_layout.addWidget(self.candidates, 1)
        people_layout.addWidget(self.age_note)
        candidate_box.addWidget(people)
        docs = QWidget()
        docs_layout = QVBoxLayout(docs)
        docs_layout.setContentsMargins(0, 0, 0, 0)
        docs_layout.addWidget(QLabel(self.tr("<b>Dokumen syarat calon</b>")))
        docs_layout.addWidget(self.documents)
        self.attach_button = QPushButton(self.tr("Lampirkan berkas dokumen..."))
        self.attach_button.setObjectName("attachDocument")
        self.attach_button.clicked.connect(self._choose_file)
        docs_layout.addWidget(self.attach_button)
        candidate_box.addWidget(docs)
        candidate_box.setSizes([420, 260])
        self.parties = ChildListWidget(
            backend,
            "party",
            "pair_id",
            party_fields(),
            lambda r: (
                (r.get("party_name") or self.tr("(baru)"))
                + " — "
                + self.tr("%1 kursi").replace("%1", str(r.get("seats") or 0))
            ),
            self.tr("Tambah partai"),
        )
        self.supporters = SupportersPage(backend, jobs)
        self.dashboard = DashboardWidget(backend, jobs)
        self.addTab(self.pair_form, self.tr("&Pasangan"))
        self.addTab(candidate_box, self.tr("&Calon"))
        self.addTab(self.parties, self.tr("Partai &pengusung"))
        self.addTab(self.supporters, self.tr("Pen&dukung"))
        self.addTab(self.dashboard, self.tr("Das&bor"))
        self.candidates.currentRecordChanged.connect(self._candidate_changed)
        self.candidates.currentRecordChanged.connect(lambda _e, _i: self._check_age())
        self.candidates.form.saved.connect(lambda _e, _i: self._check_age())
        self.currentChanged.connect(self._tab_changed)
        self.pair_id: str | None = None
        self.election: dict[str, Any] = {}
        self.scope = ""

    def _describe_candidate(self, r: dict[str, Any]) -> str:
        role = self.tr("Kepala") if r.get("role") == "kepala" else self.tr("Wakil")
        return f"{role}: {r.get('name') or self.tr('(baru)')}"

    def _describe_document(self, r: dict[str, Any]) -> str:
        status = next(
            (label for value, label in self._document_statuses if value == r.get("status")),
            str(r.get("status") or ""),
        )
        text = f"{document_label(str(r.get('kind') or ''))} — {status}"
        return text + (" " + self.tr("[berkas]") if r.get("filename") else "")

    def set_pair(self, pair_id: str, election: dict[str, Any]) -> None:
        pair = self.backend.get("pair", pair_id) or {}
        self.pair_id = pair_id
        self.election = election
        self.scope = str(pair.get("scope") or election.get("scope") or "")
        self.pair_form.load(pair_id)
        self.candidates.set_parent_record(pair_id, self.scope, role="kepala")
        self.parties.set_parent_record(pair_id, self.scope)
        self.supporters.set_pair(pair_id, election, self.scope)
        self.dashboard.pair_id = pair_id
        if self.currentWidget() is self.dashboard:
            self.dashboard.refresh()

    def refresh_in_place(self) -> None:
        """Re-read the open pair after a sync; cursors and half-typed fields stay.

        (The supporters table is refreshed by the window; its model keeps positions.)
        """
        if self.pair_id is None:
            return
        self.election = self.backend.get("election", self.election.get("id")) or self.election
        self.pair_form.load(self.pair_id)
        self.candidates.reload()
        self.parties.reload()
        if self.currentWidget() is self.dashboard:
            self.dashboard.refresh()

    def attach_file(self, source: Path) -> str | None:
        """Copy a scanned requirement document beside the database and record it.

        The file keeps its content hash and size, so the server (and a later
        check) can tell whether it is the same document. Returns an error message
        or None.
        """
        document_id = self.documents.current_id()
        if document_id is None:
            return self.tr("Pilih atau tambahkan dokumen syarat dulu.")
        data = source.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        folder = self.backend.paths.documents
        folder.mkdir(parents=True, exist_ok=True)
        stored = f"{digest[:16]}-{source.name}"
        (folder / stored).write_bytes(data)
        error = self.backend.update(
            "document",
            document_id,
            {"filename": stored, "sha256": digest, "size": len(data), "status": "ada"},
        )
        if error is None:
            self.documents.reload(select=document_id)
            self.documents.changed.emit()
            return None
        return error_text(error)

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Berkas dokumen"), "", "PDF/JPG/PNG (*.pdf *.jpg *.jpeg *.png);;*"
        )
        if chosen:
            error = self.attach_file(Path(chosen))
            if error:
                QMessageBox.warning(self, self.tr("Tidak tersimpan"), error)

    def _check_age(self) -> None:
        """The candidate's age on the penetapan date against the rule set's minimum."""
        from silon_desktop.domain.rules import age_on, rule_set_for

        values = self.candidates.form.values
        birth, fixed = values.get("birth_date"), self.election.get("penetapan_date")
        kind = str(self.election.get("kind") or "")
        if not (isinstance(birth, dt.date) and isinstance(fixed, dt.date) and kind):
            self.age_note.setText(
                self.tr("Usia calon diperiksa setelah tanggal lahir dan tanggal penetapan diisi.")
            )
            self.age_note.setStyleSheet("color: #666;")
            return
        rules = rule_set_for(self.election.get("rule_set") or None)
        age, minimum = age_on(birth, fixed), rules.min_candidate_age(kind)
        if rules.candidate_age_ok(kind, birth, fixed):
            text = self.tr("Usia pada tanggal penetapan: %1 tahun (paling rendah %2): memenuhi.")
            self.age_note.setStyleSheet("color: #1b7a1b;")
        else:
            text = self.tr(
                "Usia pada tanggal penetapan: %1 tahun, kurang dari syarat paling rendah %2 tahun."
            )
            self.age_note.setStyleSheet("color: #b00020; font-weight: bold;")
        self.age_note.setText(text.replace("%1", str(age)).replace("%2", str(minimum)))

    def _candidate_changed(self, _entity: str, candidate_id: str) -> None:
        self.documents.set_parent_record(candidate_id, self.scope, kind="ijazah", status="belum")

    def _tab_changed(self, _index: int) -> None:
        if self.currentWidget() is self.dashboard:
            self.dashboard.refresh()

    def current_record(self) -> tuple[str, str] | None:
        widget = self.currentWidget()
        if widget is self.supporters:
            sid = self.supporters.current_supporter_id()
            return ("supporter", sid) if sid else None
        if widget is self.parties and self.parties.current_id():
            return ("party", str(self.parties.current_id()))
        if widget is not self.pair_form and widget is not self.dashboard:
            if self.documents.list.hasFocus() and self.documents.current_id():
                return ("document", str(self.documents.current_id()))
            if self.candidates.current_id():
                return ("candidate", str(self.candidates.current_id()))
        return ("pair", self.pair_id) if self.pair_id else None


class MainWindow(QMainWindow):
    """Silon Desktop's main window.

    Args:
        backend: the application's services (database, repository, sync, login).

    Signals:
        navigated(str, str): entity and id of the record the navigation opened.
        reportWritten(str, str): a report just written: its kind (see
            :meth:`save_report`) and its path.
    """

    navigated = Signal(str, str)
    reportWritten = Signal(str, str)

    def __init__(self, backend: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = JobRunner(self)
        self._session_started = False
        self.setWindowTitle(self.tr("Silon Desktop"))
        self.resize(1366, 740)

        self.tree = QTreeWidget()
        self.tree.setObjectName("navigation")
        self.tree.setHeaderLabel(self.tr("Pemilihan dan pasangan calon"))
        self.tree.currentItemChanged.connect(self._navigate)
        self.election_form = RecordForm(
            backend, "election", election_fields(), self.tr("Pemilihan")
        )
        self.election_form.saved.connect(lambda _e, _i: self._relabel_current())
        self.pair_page = PairPage(backend, self.jobs)
        self.pair_page.pair_form.saved.connect(lambda _e, _i: self._relabel_current())
        self.welcome = QLabel(
            self.tr(
                "<h2>Selamat datang di Silon Desktop</h2>"
                "<p>Pilih pemilihan atau pasangan calon di kiri, atau tambahkan dengan "
                "menu <b>Data</b>.</p><p>Semua perubahan tersimpan di komputer ini lebih "
                "dulu lalu dikirim ke server saat sinkronisasi.</p>"
            )
        )
        self.welcome.setWordWrap(True)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.welcome.setMargin(20)
        self.stack = QStackedWidget()
        for page in (self.welcome, self.election_form, self.pair_page):
            self.stack.addWidget(page)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 1100])
        self.setCentralWidget(splitter)

        self.sync = SyncController(backend, self.jobs, self)
        self.sync_status = SyncStatusWidget(self.sync)
        # No stretch: the space left of the permanent widgets is where the status bar
        # shows its messages (sync errors, "diagnostics copied", recap written).
        self.statusBar().addPermanentWidget(self.sync_status)
        self.user_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self.sync_status.conflictsClicked.connect(self.show_conflicts)
        self.sync.syncFinished.connect(self._sync_finished)
        self.sync.syncFailed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        # Every local write changes "Belum terkirim": show it at once, not at the next poll.
        for edited in (
            self.election_form.saved,
            self.pair_page.pair_form.saved,
            self.pair_page.candidates.changed,
            self.pair_page.documents.changed,
            self.pair_page.parties.changed,
            self.pair_page.supporters.changed,
        ):
            edited.connect(lambda *_args: self.sync.refresh_soon())
        self._build_menus()
        self.update_user()
        self.reload_tree()

    # -- menus -------------------------------------------------------------------

    def _build_menus(self) -> None:
        def action(text: str, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            if name:
                act.setObjectName(name)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        file_menu = self.menuBar().addMenu(self.tr("&Berkas"))
        file_menu.addAction(action(self.tr("&Pengaturan..."), self.show_settings))
        self.diagnostics_action = action(
            self.tr("Salin &diagnostik"), self.copy_diagnostics, name="copyDiagnostics"
        )
        file_menu.addAction(self.diagnostics_action)
        file_menu.addSeparator()
        file_menu.addAction(action(self.tr("&Keluar"), self.close, QKeySequence.StandardKey.Quit))
        data_menu = self.menuBar().addMenu(self.tr("&Data"))
        self.add_election_action = action(
            self.tr("Tambah &pemilihan"), self.add_election, "Ctrl+Shift+E", "addElection"
        )
        self.add_pair_action = action(
            self.tr("Tambah pasangan &calon"), self.add_pair, "Ctrl+Shift+P", "addPair"
        )
        self.history_action = action(
            self.tr("&Riwayat sinkronisasi data ini"), self.show_history, "Ctrl+H", "history"
        )
        self.import_action = action(
            self.tr("&Impor daftar dukungan..."), self.show_import, "Ctrl+I", "importSupporters"
        )
        self.recap_action = action(
            self.tr("Cetak &rekapitulasi (PDF)..."),
            lambda: self.ask_report("recap"),
            "Ctrl+P",
            "printRecap",
        )
        self.minutes_action = action(
            self.tr("Cetak &berita acara (PDF)..."),
            lambda: self.ask_report("berita_acara"),
            name="printMinutes",
        )
        self.b11_action = action(
            self.tr("Ekspor daftar B.1.1-KWK (&XLSX)..."),
            lambda: self.ask_report("b11"),
            name="exportB11",
        )
        self.b2_action = action(
            self.tr("Ekspor rekap B.2-KWK (X&LSX)..."),
            lambda: self.ask_report("b2"),
            name="exportB2",
        )
        for act in (
            self.add_election_action,
            self.add_pair_action,
            self.import_action,
            None,
            self.recap_action,
            self.minutes_action,
            self.b11_action,
            self.b2_action,
            None,
            self.history_action,
        ):
            if act is None:
                data_menu.addSeparator()
            else:
                data_menu.addAction(act)
        sync_menu = self.menuBar().addMenu(self.tr("&Sinkronisasi"))
        sync_menu.addAction(action(self.tr("Sinkronkan &sekarang"), self.sync.sync_now, "F5"))
        sync_menu.addAction(action(self.tr("&Batalkan sinkronisasi"), self.sync.cancel))
        sync_menu.addAction(action(self.tr("&Konflik..."), self.show_conflicts, "Ctrl+K"))

    # -- navigation ----------------------------------------------------------------

    def reload_tree(self, select: tuple[str, str] | None = None) -> None:
        """Rebuild the navigation; ``select`` opens a record.

        Without ``select`` (after a sync, an import, a resolved conflict) the record on
        screen stays open and is refreshed in place: the supporters table keeps its
        cursor (a verifier's next key must not land on row 0) and forms keep what is
        being typed.
        """
        previous = self._current_key()
        current = select or previous
        self.tree.blockSignals(True)
        self.tree.clear()
        chosen: QTreeWidgetItem | None = None
        for election in self.backend.list("election"):
            top = QTreeWidgetItem([self._election_label(election)])
            top.setToolTip(0, top.text(0))
            top.setData(0, ROLE_ENTITY, "election")
            top.setData(0, ROLE_ID, election["id"])
            self.tree.addTopLevelItem(top)
            if current == ("election", election["id"]):
                chosen = top
            for pair in self.backend.list("pair", election_id=election["id"]):
                child = QTreeWidgetItem([self._pair_label(pair)])
                child.setToolTip(0, child.text(0))
                child.setData(0, ROLE_ENTITY, "pair")
                child.setData(0, ROLE_ID, pair["id"])
                top.addChild(child)
                if current == ("pair", pair["id"]):
                    chosen = child
            top.setExpanded(True)
        self.tree.blockSignals(False)
        if chosen is not None and select is None and current == previous:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(chosen)
            self.tree.blockSignals(False)
            self._refresh_in_place(current)
        elif chosen is not None:
            self.tree.setCurrentItem(chosen)

    def _refresh_in_place(self, key: tuple[str, str] | None) -> None:
        if key is None:
            return
        if key[0] == "election" and self.stack.currentWidget() is self.election_form:
            self.election_form.load(key[1])
        elif key[0] == "pair" and self.stack.currentWidget() is self.pair_page:
            self.pair_page.refresh_in_place()

    def open_record(self, entity: str, record_id: str) -> None:
        """Select a record in the navigation (what clicking it does)."""
        self.reload_tree(select=(entity, record_id))

    def _current_key(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return (str(item.data(0, ROLE_ENTITY)), str(item.data(0, ROLE_ID)))

    def _navigate(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        if item is None:
            self.stack.setCurrentWidget(self.welcome)
            return
        entity, record_id = str(item.data(0, ROLE_ENTITY)), str(item.data(0, ROLE_ID))
        if entity == "election":
            self.election_form.load(record_id)
            self.stack.setCurrentWidget(self.election_form)
        else:
            parent = item.parent()
            election_id = str(parent.data(0, ROLE_ID)) if parent else ""
            election = self.backend.get("election", election_id) or {}
            self.pair_page.set_pair(record_id, election)
            self.stack.setCurrentWidget(self.pair_page)
        self.navigated.emit(entity, record_id)

    def _relabel_current(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        entity, record_id = str(item.data(0, ROLE_ENTITY)), str(item.data(0, ROLE_ID))
        record = self.backend.get(entity, record_id) or {}
        label = self._election_label(record) if entity == "election" else self._pair_label(record)
        item.setText(0, label)
        item.setToolTip(0, label)

    def _election_label(self, e: dict[str, Any]) -> str:
        return str(e.get("name") or self.tr("(pemilihan baru)"))

    def _pair_label(self, p: dict[str, Any]) -> str:
        names = " - ".join(n for n in (p.get("head_name"), p.get("deputy_name")) if n)
        number = f"{p['number']}. " if p.get("number") else ""
        return number + (names or self.tr("(pasangan baru)"))

    # -- actions ---------------------------------------------------------------------

    def add_election(self) -> str | None:
        """A new election (draft, saved at once) with the form ready for typing."""
        scope = self._default_scope()
        if not scope:
            QMessageBox.information(
                self,
                self.tr("Wilayah belum diketahui"),
                self.tr("Masuk secara daring sekali agar wilayah akun Anda diketahui."),
            )
            return None
        record_id, error = self.backend.create(
            "election", {"region_code": scope, "rule_set": "pilkada-2024"}, scope
        )
        if record_id is None:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(error))
            return None
        self.reload_tree(select=("election", record_id))
        self.sync.refresh_soon()
        self.election_form.widgets["name"].setFocus()
        return record_id

    def add_pair(self) -> str | None:
        """A new pair in the current election, with the cursor in its form."""
        key = self._current_key()
        if key is None:
            QMessageBox.information(
                self, self.tr("Pilih pemilihan"), self.tr("Pilih pemilihan dulu.")
            )
            return None
        election_id = key[1]
        if key[0] == "pair":
            item = self.tree.currentItem()
            parent = item.parent() if item else None
            election_id = str(parent.data(0, ROLE_ID)) if parent else ""
        election = self.backend.get("election", election_id) or {}
        record_id, error = self.backend.create(
            "pair", {"election_id": election_id}, str(election.get("scope") or "")
        )
        if record_id is None:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), error_text(error))
            return None
        self.reload_tree(select=("pair", record_id))
        self.sync.refresh_soon()
        self.pair_page.setCurrentWidget(self.pair_page.pair_form)
        self.pair_page.pair_form.widgets["number"].setFocus()
        return record_id

    def _default_scope(self) -> str:
        """The logged-in account's region, else the region of the elections already here."""
        if self.backend.session_scope:
            return self.backend.session_scope
        elections = self.backend.list("election")
        return str(elections[0]["scope"]) if elections else ""

    def _current_pair(self) -> str | None:
        if self.stack.currentWidget() is self.pair_page and self.pair_page.pair_id:
            return self.pair_page.pair_id
        QMessageBox.information(
            self, self.tr("Pilih pasangan"), self.tr("Pilih pasangan calon dulu.")
        )
        return None

    def show_import(self) -> Any:
        """The spreadsheet import wizard for the current pair (it runs on its own thread)."""
        pair_id = self._current_pair()
        if pair_id is None:
            return None
        from silon_desktop.ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.backend.imports, pair_id, self)
        wizard.imported.connect(lambda _report: self._after_data_change(IMPORT_CHANGES))
        wizard.open()
        return wizard

    def _report_names(self) -> dict[str, tuple[str, str, str]]:
        """Kind -> (save dialog title, default file name, file filter)."""
        return {
            "recap": (self.tr("Simpan rekapitulasi"), "rekapitulasi-dukungan.pdf", "PDF (*.pdf)"),
            "berita_acara": (
                self.tr("Simpan berita acara"),
                "berita-acara-verifikasi-administrasi.pdf",
                "PDF (*.pdf)",
            ),
            "b11": (self.tr("Simpan daftar B.1.1-KWK"), "B.1.1-KWK.xlsx", "Excel (*.xlsx)"),
            "b2": (self.tr("Simpan rekap B.2-KWK"), "B.2-KWK.xlsx", "Excel (*.xlsx)"),
        }

    def ask_report(self, kind: str) -> None:
        """Ask where to save a report of the current pair, then make it."""
        pair_id = self._current_pair()
        if pair_id is None:
            return
        title, name, pattern = self._report_names()[kind]
        default = self.backend.paths.documents / name
        chosen, _ = QFileDialog.getSaveFileName(self, title, str(default), pattern)
        if chosen:
            self.save_report(kind, pair_id, Path(chosen))

    def save_report(self, kind: str, pair_id: str, target: Path) -> Any:
        """Make a report on a worker thread; emits ``reportWritten(kind, path)``.

        Kinds: ``recap`` (PDF, recap of administrative verification),
        ``berita_acara`` (PDF, minutes draft to sign), ``b11`` (XLSX, the
        supporters with status and reasons, Model B.1.1-KWK), ``b2`` (XLSX, counts
        and spread by area, Model B.2-KWK). PDFs are drawn on this thread (Qt's
        text layout), from figures counted on the worker.
        """
        backend = self.backend
        if kind in ("recap", "berita_acara"):
            job = self.jobs.start(lambda _p, _c: backend.recap(pair_id), f"report-{kind}")
            job.finished.connect(lambda recap: self._write_pdf(kind, recap, target))
        elif kind == "b11":
            job = self.jobs.start(
                lambda p, _c: backend.export_b11(pair_id, target, p), "report-b11"
            )
            job.progress.connect(
                lambda n: self.statusBar().showMessage(
                    self.tr("Mengekspor daftar B.1.1-KWK: %1 pendukung...").replace(
                        "%1", format_count(n)
                    )
                )
            )
            job.finished.connect(lambda count: self._report_done(kind, target, count))
        elif kind == "b2":
            job = self.jobs.start(lambda _p, _c: backend.export_b2(pair_id, target), "report-b2")
            job.finished.connect(lambda _path: self._report_done(kind, target, None))
        else:
            raise ValueError(f"unknown report: {kind}")
        job.failed.connect(self._report_failed)
        self.statusBar().showMessage(self.tr("Menyusun laporan..."))
        return job

    def _write_pdf(self, kind: str, recap: Any, target: Path) -> None:
        from silon_desktop.ui.pdf_reports import write_berita_acara_pdf, write_recap_pdf

        write = write_recap_pdf if kind == "recap" else write_berita_acara_pdf
        try:
            write(recap, target)
        except OSError as error:
            self._report_failed(str(error))
            return
        self._report_done(kind, target, None)

    def _report_done(self, kind: str, target: Path, count: int | None) -> None:
        messages = {
            "recap": self.tr("Rekapitulasi disimpan: %1"),
            "berita_acara": self.tr("Berita acara disimpan: %1"),
            "b11": self.tr("Daftar B.1.1-KWK disimpan: %1 (%2 pendukung)"),
            "b2": self.tr("Rekap B.2-KWK disimpan: %1"),
        }
        text = messages[kind].replace("%1", str(target)).replace("%2", format_count(count))
        self.statusBar().showMessage(text, 10_000)
        self.reportWritten.emit(kind, str(target))

    def _report_failed(self, message: str) -> None:
        self.statusBar().clearMessage()
        QMessageBox.warning(
            self,
            self.tr("Laporan tidak tersimpan"),
            self.tr("Laporan tidak dapat disimpan: %1").replace("%1", message),
        )

    def show_conflicts(self) -> ConflictsDialog:
        dialog = ConflictsDialog(self.backend, self)
        dialog.resolved.connect(lambda _n: self._after_data_change(Changes.all()))
        dialog.open()
        return dialog

    def show_history(self) -> HistoryDialog | None:
        key = self.current_record()
        if key is None:
            return None
        dialog = HistoryDialog(self.backend, key[0], key[1], self)
        dialog.open()
        return dialog

    def current_record(self) -> tuple[str, str] | None:
        if self.stack.currentWidget() is self.pair_page:
            return self.pair_page.current_record()
        return self._current_key()

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.backend.settings, self)
        if dialog.exec():
            self.backend.save_settings()
            self.sync.refresh_status(check_online=True)

    def copy_diagnostics(self) -> str:
        text = self.backend.diagnostics(qt_version=qVersion())
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage(self.tr("Diagnostik disalin ke papan klip."), 5000)
        return text

    def update_user(self) -> None:
        # The name remembered in the settings is not a login: say so until one happened.
        logged_in = self._session_started or bool(self.backend.session_scope)
        user = (self.backend.user if logged_in else "") or self.tr("(belum masuk)")
        self.user_label.setText(self.tr("Pengguna: %1").replace("%1", user))

    def _sync_finished(self, report: object) -> None:
        if isinstance(report, dict) and report.get("error_kind") == "auth":
            self.ask_login()
        if isinstance(report, dict):
            if report.get("error"):
                # The sync layer's sentence is Indonesian only: the two common cases in tr().
                known = {
                    "offline": self.tr(
                        "Server tidak dapat dihubungi. Data tetap aman tersimpan di komputer ini."
                    ),
                    "auth": self.tr("Sesi berakhir; silakan masuk lagi."),
                }
                text = known.get(str(report.get("error_kind")), str(report["error"]))
                self.statusBar().showMessage(text, 30_000)
            elif report.get("cancelled"):
                self.statusBar().showMessage(
                    self.tr(
                        "Sinkronisasi dibatalkan. Yang sudah terkirim tetap diterima server; "
                        "sisanya menunggu sinkronisasi berikutnya."
                    ),
                    15_000,
                )
            elif report.get("conflicts_new"):
                self.statusBar().showMessage(
                    self.tr("Sinkronisasi selesai dengan %1 konflik baru.").replace(
                        "%1", str(report["conflicts_new"])
                    ),
                    10_000,
                )
            else:
                self.statusBar().showMessage(self.tr("Sinkronisasi selesai."), 5000)
        changes = report.get("changes") if isinstance(report, dict) else None
        self._after_data_change(changes if isinstance(changes, Changes) else Changes.all())

    def _after_data_change(self, changes: Changes) -> None:
        """Redraw what ``changes`` touched: the navigation only when elections or pairs
        changed, else the record on screen in place."""
        if changes.navigation:
            self.reload_tree()
        elif not changes.empty:
            self._refresh_in_place(self._current_key())
        if self.stack.currentWidget() is self.pair_page and changes.touches("supporter"):
            self.pair_page.supporters.refresh()
        if changes.sync_state:
            self.sync.refresh_status()

    # -- life cycle --------------------------------------------------------------------

    def ask_login(self) -> Any:
        """The login dialog over the window (session expired, or at start without a token)."""
        from silon_desktop.ui.login_dialog import LoginDialog

        dialog = LoginDialog(self.backend, self.jobs, self)
        dialog.loggedIn.connect(self._logged_in)
        dialog.open()
        return dialog

    def _logged_in(self, result: Any) -> None:
        self.update_user()
        if getattr(result, "online", False):
            self.sync.sync_now()

    def start(self) -> None:
        """Begin periodic status checks and load the region table in the background."""
        self._session_started = True
        self.update_user()
        self.sync.start()
        self.jobs.start(lambda _p, _c: self._preload_regions(), "regions")

    def _preload_regions(self) -> int:
        """Load the region table (and its desa index) before the first picker needs it."""
        regions = self.backend.regions
        provinces = regions.children(None)
        if provinces:
            regions.children(provinces[0].code + ".01.01")
        return len(provinces)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync.stop()
        self.sync.cancel()
        self.jobs.stop_all()
        super().closeEvent(event)
