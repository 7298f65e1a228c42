"""The main window: navigation (election > pairs), the pair's pages, sync in the status bar."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.codes import ElectionKind
from silon_desktop.domain.errors import CodedError
from silon_desktop.domain.records import election_kind_of
from silon_desktop.services import Changes, Services
from silon_desktop.services.imports import IMPORT_CHANGES
from silon_desktop.ui import practice_mark
from silon_desktop.ui.bundle_actions import BundleActions
from silon_desktop.ui.conflicts_dialog import ConflictsDialog
from silon_desktop.ui.forms import (
    election_fields,
)
from silon_desktop.ui.history_dialog import HistoryDialog
from silon_desktop.ui.idle_lock import IdleWatch
from silon_desktop.ui.integrity_notice import IntegrityNotice
from silon_desktop.ui.labels import error_text
from silon_desktop.ui.navigation import NavigationTree
from silon_desktop.ui.pair_page import PairPage
from silon_desktop.ui.record_form import RecordForm
from silon_desktop.ui.report_actions import ReportActions
from silon_desktop.ui.settings_dialog import SettingsDialog
from silon_desktop.ui.sync_status_widget import SyncController, SyncStatusWidget
from silon_desktop.ui.workers import JobRunner

log = logging.getLogger(__name__)


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
    #: the session ended: "logout" (the operator), "locked" (revoked by the server) or
    #: "idle" (nobody used the window for a while, see silon_desktop.ui.idle_lock)
    ended = Signal(str)

    def __init__(self, backend: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = JobRunner(self)
        self._session_started = False
        #: why the window closed for the login dialog to come back (None: quit)
        self.ended_by: str | None = None
        #: why the window locks while a running import finishes (see lock), or None
        self._locking: str | None = None
        #: locks the window after a time without input (started with the session)
        self.idle_watch: IdleWatch | None = None
        #: the labels of the fields whose typing a lock could not save (see lock)
        self.unsaved_at_lock: list[str] = []
        #: the login dialog asked over the window, while it is open (see ask_login)
        self._login_dialog: Any = None
        self.setWindowTitle(self.tr("Silon Desktop"))
        self.resize(1366, 740)

        self.tree = NavigationTree()
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
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.practice_banner = practice_mark.banner()
        column.addWidget(self.practice_banner)
        self.read_only_banner = QLabel(
            self.tr(
                "Akun Bawaslu: hanya melihat data. Bawaslu mengawasi pencalonan dan tidak "
                "mengubah datanya, jadi formulir dan tombol ubah tidak aktif."
            )
        )
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(
            "QLabel#readOnlyBanner{background:#fff4ce;color:#5c4400;padding:6px;}"
        )
        self.read_only_banner.setVisible(False)
        column.addWidget(self.read_only_banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.practice_mark = practice_mark.PracticeMark(self)

        self.reports = ReportActions(self, backend, self.jobs)
        self.reports.reportWritten.connect(self.reportWritten)
        self.bundles = BundleActions(self, backend, self.jobs)
        self.sync = SyncController(backend, self.jobs, self)
        self.sync_status = SyncStatusWidget(self.sync)
        # No stretch: the space left of the permanent widgets is where the status bar
        # shows its messages (sync errors, "diagnostics copied", recap written).
        self.statusBar().addPermanentWidget(self.sync_status)
        self.user_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self.integrity = IntegrityNotice(self, backend)
        self.sync_status.conflictsClicked.connect(self.show_conflicts)
        self.sync.syncFinished.connect(self._sync_finished)
        # "Belum terkirim" right after a bundle left or came back, not at the next poll.
        self.bundles.exported.connect(lambda _r: self.sync.refresh_status())
        self.bundles.imported.connect(lambda _r: self._after_data_change(Changes.all()))
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
        self.update_practice_mark()
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
        self.addAction(self.integrity.restore_action)
        file_menu.addAction(self.integrity.restore_action)
        file_menu.addSeparator()
        self.password_action = action(
            self.tr("Ganti &kata sandi..."), self.show_password_change, name="changePassword"
        )
        file_menu.addAction(self.password_action)
        self.logout_action = action(self.tr("Keluar &akun"), self.logout, name="logoutAction")
        file_menu.addAction(self.logout_action)
        file_menu.addAction(
            action(self.tr("&Keluar"), self.quit_asked, QKeySequence.StandardKey.Quit, "quit")
        )
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
        self.verification_xlsx_action = action(
            self.tr("Hasil verifikasi untuk LO (XLS&X)..."),
            lambda: self.ask_report("verification_xlsx"),
            name="verificationXlsx",
        )
        self.verification_pdf_action = action(
            self.tr("Hasil verifikasi untuk LO (P&DF)..."),
            lambda: self.ask_report("verification_pdf"),
            name="verificationPdf",
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
            self.verification_xlsx_action,
            self.verification_pdf_action,
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
        sync_menu.addSeparator()
        self.export_bundle_action = action(
            self.tr("&Ekspor perubahan ke flashdisk..."),
            self.bundles.ask_export,
            name="exportBundle",
        )
        self.import_bundle_action = action(
            self.tr("&Impor bundel dari server..."), self.bundles.ask_import, name="importBundle"
        )
        sync_menu.addAction(self.export_bundle_action)
        sync_menu.addAction(self.import_bundle_action)

    # -- navigation ----------------------------------------------------------------

    def reload_tree(self, select: tuple[str, str] | None = None) -> None:
        """Rebuild the navigation; ``select`` opens a record.

        Without ``select`` (after a sync, an import, a resolved conflict) the record on
        screen stays open and is refreshed in place: the supporters table keeps its
        cursor (a verifier's next key must not land on row 0) and forms keep what is
        being typed.
        """
        previous = self.tree.current_key()
        current = select or previous
        elections = [
            (e, self.backend.list("pair", election_id=e["id"]))
            for e in self.backend.list("election")
        ]
        chosen = self.tree.fill(elections, current)
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
        return self.tree.current_key()

    def _navigate(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        if item is None:
            self.stack.setCurrentWidget(self.welcome)
            return
        entity, record_id = NavigationTree.key_of(item)
        if entity == "election":
            self.election_form.load(record_id)
            self.stack.setCurrentWidget(self.election_form)
        else:
            parent = item.parent()
            election_id = NavigationTree.key_of(parent)[1] if parent else ""
            election = self.backend.get("election", election_id) or {}
            self.pair_page.set_pair(record_id, election)
            self.stack.setCurrentWidget(self.pair_page)
        self.navigated.emit(entity, record_id)

    def _relabel_current(self) -> None:
        key = self.tree.current_key()
        if key is not None:
            self.tree.relabel_current(self.backend.get(key[0], key[1]) or {})

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
        # The account's region decides the kind: a kota elects a walikota, a province
        # a governor (a kind against the region is refused).
        kind = election_kind_of(scope) or ElectionKind.BUPATI
        record_id, error = self.backend.create(
            "election",
            {"region_code": scope, "kind": str(kind), "rule_set": "pilkada-2024"},
            scope,
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
            election_id = NavigationTree.key_of(parent)[1] if parent else ""
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

    def current_pair(self) -> str | None:
        """The pair on screen (or the current record's pair), if any."""
        return self._current_pair()

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

        wizard = ImportWizard(
            self.backend.imports,
            pair_id,
            self,
            pair=self.backend.get("pair", pair_id),
            rounds=self.backend.new_supporter_rounds(pair_id),
            offered=self.backend.arrival_rounds(pair_id),
        )
        wizard.imported.connect(lambda _report: self._after_data_change(IMPORT_CHANGES))
        wizard.open()
        return wizard

    def ask_report(self, kind: str) -> None:
        """Ask where to save a report of the current pair, then make it."""
        self.reports.ask(kind)

    def save_report(self, kind: str, pair_id: str, target: Path) -> Any:
        """Make a report on a worker thread (see :class:`ReportActions`)."""
        return self.reports.save(kind, pair_id, target)

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
            if self.idle_watch is not None:
                self.idle_watch.set_minutes(self.backend.settings.idle_lock_minutes)
            self.sync.refresh_status(check_online=True)

    def show_password_change(self) -> QDialog:
        """Berkas > Ganti kata sandi: the account's own password, at the server and in
        what opens the data here (password_dialog.py)."""
        from silon_desktop.ui.password_dialog import PasswordDialog

        dialog = PasswordDialog(self.backend, self.jobs, self)
        dialog.changed.connect(self._password_changed)
        dialog.revoked.connect(self.lock)
        dialog.open()
        return dialog

    def _password_changed(self, ended: int) -> None:
        text = self.tr("Kata sandi diganti; mulai sekarang masuk dengan kata sandi baru.")
        if ended:
            text += " " + self.tr("%1 sesi lain akun ini diakhiri.").replace("%1", str(ended))
        self.statusBar().showMessage(text, 30_000)

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
        self._show_read_only()

    def _show_read_only(self) -> None:
        """An account that only reads (Bawaslu): said on top, its add and import actions
        off (its forms and buttons follow ``backend.read_only`` as they load)."""
        read_only = self.backend.read_only
        self.read_only_banner.setVisible(read_only)
        for act in (self.add_election_action, self.add_pair_action, self.import_action):
            act.setEnabled(not read_only)

    def update_practice_mark(self) -> None:
        """LATIHAN banner and window titles while the data here is practice data."""
        practice = self.backend.practice
        self.practice_banner.setVisible(practice)
        self.practice_mark.set_active(practice)
        if practice:
            self.setWindowTitle(practice_mark.marked(self.tr("Silon Desktop")))

    def logout(self) -> None:
        """Log out: the token is forgotten (and revoked at the server when it answers),
        the window closes and the login dialog comes back."""
        self.logout_action.setEnabled(False)
        self._save_typing()
        self.sync.stop()
        job = self.jobs.start(lambda _p, _c: self.backend.logout(), "logout")
        job.finished.connect(lambda _result: self._end("logout"))
        job.failed.connect(lambda _message: self._end("logout"))

    def lock(self, why: str = "locked") -> None:
        """Close the data and the window until a login. ``why``: "locked", the server
        revoked access (what opens the data here is erased); "idle", nobody used the
        window for a while (the password is asked again).

        An import running then is the operator's work too (one transaction, which
        closing its wizard rolls back): the window and the other dialogs are hidden
        at once, the import finishes, and the lock follows (ImportWizard.finish_before_lock).
        A revocation told meanwhile outranks an idle lock.
        """
        if self.ended_by is not None:
            return
        if self._locking is not None:
            if why == "locked":
                self._locking = why
            return
        from silon_desktop.ui.import_wizard import ImportWizard

        self._locking = why
        if self.idle_watch is not None:
            self.idle_watch.stop()
        self._save_typing()
        # A value a form refused (a date that does not exist) cannot be kept: the login
        # dialog names its fields (app._ended_text).
        self.unsaved_at_lock = [
            label for form in self.findChildren(RecordForm) for label in form.unsaved_labels()
        ]
        self.sync.stop()
        running = [w for w in self.findChildren(ImportWizard) if w.importing()]
        if not running:
            self._lock_now()
            return
        self._close_dialogs(keep=running[0])
        self.hide()
        running[0].finish_before_lock(self._lock_now, why)

    def _lock_now(self) -> None:
        why = self._locking or "locked"
        # The window's jobs stop first (cancelled and waited for: a sync's sent edits stay
        # received, a report is not half written), so that none goes on using the data
        # the lock closes.
        self.jobs.stop_all()
        if why == "idle":
            self.backend.idle_lock()
        else:
            self.backend.lock()
        self._end(why)

    def _save_typing(self) -> None:
        """Save what is typed in a form and not yet accepted, before the data closes
        (a lock or a logout closes the database before the window's widgets would
        lose their focus, and that edit was lost): the focused field loses its focus
        now, which saves it as leaving the field does."""
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()

    def _end(self, why: str) -> None:
        self.ended_by = why
        self.ended.emit(why)
        self._close_dialogs()
        self.close()

    def _close_dialogs(self, keep: QDialog | None = None) -> None:
        """A dialog open over the window (a record's history, the conflicts, a message)
        is a window of its own: closing this one left it on screen, with the data it
        shows, and the application waiting for it instead of asking for a login."""
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and dialog is not keep:
                dialog.reject()

    def _sync_finished(self, report: object) -> None:
        if isinstance(report, dict) and report.get("error_kind") == "revoked":
            self.lock()
            return
        if isinstance(report, dict) and report.get("error_kind") == "practice_reset":
            if practice_mark.offer_start_over(self, self.backend):
                self._after_data_change(Changes.all())
                self.sync.sync_now()
            return
        if isinstance(report, dict) and report.get("error_kind") == "auth":
            self.ask_login()
        if isinstance(report, dict):
            problem = report.get("problem")
            if isinstance(problem, CodedError):
                # The same words the command line prints, translated (domain.wording).
                self.statusBar().showMessage(error_text(problem), 30_000)
            elif report.get("cancelled"):
                self.statusBar().showMessage(
                    self.tr(
                        "Sinkronisasi dibatalkan. Yang sudah terkirim tetap diterima server; "
                        "sisanya menunggu sinkronisasi berikutnya."
                    ),
                    15_000,
                )
            elif report.get("rejected"):
                # Each refused edit was put back as the server holds it: said, not
                # left for the operator to find in a record's history.
                self.statusBar().showMessage(
                    self.tr(
                        "Sinkronisasi selesai: %1 perubahan ditolak server dan dikembalikan "
                        "seperti di server (lihat Riwayat data yang diubah)."
                    ).replace("%1", str(report["rejected"])),
                    30_000,
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
            if report.get("archive_set_aside"):
                self.integrity.say_archive_set_aside(str(report["archive_set_aside"]))
        changes = report.get("changes") if isinstance(report, dict) else None
        self._after_data_change(changes if isinstance(changes, Changes) else Changes.all())

    def _after_data_change(self, changes: Changes) -> None:
        """Redraw what ``changes`` touched: the navigation only when elections or pairs
        changed, else the record on screen in place."""
        if changes.sync_state:  # a first sync with a training server: LATIHAN from now on
            self.update_practice_mark()
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
        """The login dialog over the window (session expired, or at start without a token).

        One at a time: the automatic sync fails again while the operator has not
        answered yet, and must not stack a second dialog over the first."""
        from silon_desktop.ui.login_dialog import LoginDialog

        if self._login_dialog is not None and self._login_dialog.isVisible():
            self._login_dialog.raise_()
            return self._login_dialog
        dialog = LoginDialog(self.backend, self.jobs, self)
        dialog.loggedIn.connect(self._logged_in)
        self._login_dialog = dialog
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
        if not self.backend.practice:  # practice data: no citizen's data to guard
            self.idle_watch = IdleWatch(self.backend.settings.idle_lock_minutes, self)
            self.idle_watch.expired.connect(lambda: self.lock("idle"))
        self.jobs.start(lambda _p, _c: self._preload_regions(), "regions")

    def _preload_regions(self) -> int:
        """Load the region table (and its desa index) before the first picker needs it."""
        regions = self.backend.regions
        provinces = regions.children(None)
        if provinces:
            regions.children(provinces[0].code + ".01.01")
        return len(provinces)

    def quit_asked(self) -> bool:
        """The operator closes the program (Berkas > Keluar, Ctrl+Q, the window's close
        button): what is being typed is saved first; a value that cannot be saved (a
        date that does not exist, a refused NIK) is not dropped without asking.
        Returns whether the window closed."""
        if not self._may_close():
            return False
        return self.close()

    def _may_close(self) -> bool:
        self._save_typing()
        unsaved = {
            label: form for form in self.findChildren(RecordForm) for label in form.unsaved_labels()
        }
        if not unsaved:
            return True
        if self.confirm_discard(list(unsaved)):
            return True
        form = next(iter(unsaved.values()))
        field = form.widgets.get(form.unsaved_names()[0])
        if field is not None and field.isVisible():
            field.setFocus()  # back where the operator was typing
        return False

    def confirm_discard(self, labels: list[str]) -> bool:
        """Ask whether to close over typing that was not saved ("Tidak" by default);
        tests replace this."""
        answer = QMessageBox.question(
            self,
            self.tr("Isian belum tersimpan"),
            self.tr(
                "Isian %1 belum tersimpan karena isinya belum benar (lihat pesan di bawah "
                "kolomnya). Tutup Silon Desktop dan buang isian itu?"
            ).replace("%1", ", ".join(labels)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        # The window's own close button (spontaneous) asks as Keluar does; a close by
        # the program (a lock, a logout, a terminate signal) does not stop to ask.
        if event.spontaneous() and self.ended_by is None and not self._may_close():
            event.ignore()
            return
        if self.idle_watch is not None:
            self.idle_watch.stop()
        self.sync.stop()
        self.sync.cancel()
        self.jobs.stop_all()
        super().closeEvent(event)
