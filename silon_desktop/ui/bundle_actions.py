"""USB bundles from the Sinkronisasi menu: export what waits, import what arrived.

The operator picks a file (Documents by default, with a name that says the office
and the date); the work runs on a worker thread with a progress dialog. Before an
import the bundle is opened and checked on the worker and its contents are shown
(how many changes of which kind, for which pairs, made when and by whom); nothing
is imported until the operator confirms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressDialog

from silon_desktop.services import Services
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.save_paths import default_save_path, documents_folder, personal_data_box
from silon_desktop.ui.workers import Job, JobRunner

#: The order kinds of data are listed in.
_ENTITY_ORDER = ("election", "pair", "candidate", "document", "party", "supporter")


class BundleActions(QObject):
    """Export and import of USB bundles for the main window.

    Signals:
        exported(object): the export's result (``BundleResult``).
        contentsRead(object, str): a bundle's contents and their account in words,
            before the operator confirms the import.
        imported(object): the import's result (``BundleResult``).
        failed(str): the operator's message when a bundle was refused or not written.
    """

    exported = Signal(object)
    contentsRead = Signal(object, str)
    imported = Signal(object)
    failed = Signal(str)

    def __init__(self, window: Any, backend: Services, jobs: JobRunner) -> None:
        super().__init__(window)
        self.window: QMainWindow = window
        self.backend = backend
        self.jobs = jobs
        self.progress: QProgressDialog | None = None
        self.confirm: QMessageBox | None = None

    # -- export ------------------------------------------------------------------------

    def ask_export(self) -> None:
        """Ask where to write the waiting changes, then write them."""
        waiting = self.backend.sync_status()
        count = waiting.pending + waiting.sent
        if count == 0:
            QMessageBox.information(
                self.window,
                self.tr("Ekspor perubahan"),
                self.tr("Tidak ada perubahan yang menunggu dikirim."),
            )
            return
        if not self.confirm_personal_data(count):
            return
        default = default_save_path(
            "bundle", who=self.backend.user or "kantor", practice=self.backend.practice
        )
        chosen, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("Ekspor %1 perubahan ke flashdisk").replace("%1", format_count(count)),
            str(default),
            self.tr("Bundel Silon (*.silon)"),
        )
        if chosen:
            self.export_to(Path(chosen))

    def confirm_personal_data(self, count: int) -> bool:
        """The personal-data warning before a bundle is written; True to go on."""
        text = self.tr(
            "Bundel ini berisi data pribadi warga (NIK, nama, tanggal lahir, alamat) "
            "dari %1 perubahan. Isinya disegel untuk server (hanya server yang dapat "
            "membacanya), tetapi simpan hanya di flashdisk yang Anda pegang sendiri, "
            "serahkan hanya ke komputer yang tersambung atau ke petugas server, dan "
            "hapus berkasnya setelah sampai (UU PDP 27/2022)."
        ).replace("%1", format_count(count))
        box = personal_data_box(self.window, self.tr("Data pribadi"), text)
        return bool(box.exec() == QMessageBox.StandardButton.Ok)

    def export_to(self, target: Path) -> Job:
        """Write the waiting changes to ``target`` on a worker thread."""
        backend = self.backend
        job = self.jobs.start(lambda _p, cancel: backend.export_bundle(target, cancel), "bundle")
        self._show_progress(job, self.tr("Menulis bundel ke %1...").replace("%1", target.name))
        job.finished.connect(lambda result: self._exported(result, target))
        job.failed.connect(self._failed)
        return job

    def _exported(self, result: Any, target: Path) -> None:
        text = (
            self.tr(
                "%1 perubahan diekspor ke %2.\n\nBawa berkas ini ke komputer yang tersambung "
                "atau ke petugas server. Perubahan tetap terhitung menunggu dikirim sampai "
                "bundel balasan dari server diimpor atau komputer ini tersinkron daring."
            )
            .replace("%1", format_count(result.count))
            .replace("%2", str(target))
        )
        self.window.statusBar().showMessage(text.split("\n")[0], 15_000)
        self.exported.emit(result)
        self._inform(self.tr("Bundel tersimpan"), text)

    # -- import ------------------------------------------------------------------------

    def ask_import(self) -> None:
        """Ask for a bundle file, show what it holds, import it when confirmed."""
        chosen, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("Impor bundel dari server"),
            str(documents_folder()),
            self.tr("Bundel Silon (*.silon *.gz);;Semua berkas (*)"),
        )
        if chosen:
            self.inspect(Path(chosen))

    def inspect(self, path: Path) -> Job:
        """Open and check ``path`` on a worker thread, then ask the operator to confirm."""
        backend = self.backend
        job = self.jobs.start(lambda _p, _c: backend.bundle_contents(path), "bundle")
        self._show_progress(job, self.tr("Memeriksa bundel %1...").replace("%1", path.name))
        job.finished.connect(lambda contents: self._ask_confirm(path, contents))
        job.failed.connect(self._failed)
        return job

    def describe(self, contents: Any, path: Path) -> str:
        """The account of a bundle shown before it is imported."""
        if contents.kind == "feed":
            origin = self.tr("Bundel dari server untuk wilayah %1").replace(
                "%1", self.backend.region_name(contents.scope) or contents.scope
            )
        else:
            origin = (
                self.tr("Bundel perubahan dari perangkat %1 (pengguna %2)")
                .replace("%1", contents.device_id)
                .replace("%2", contents.user)
            )
        lines = [
            self.tr("Berkas: %1").replace("%1", path.name),
            origin,
            self.tr("Dibuat: %1").replace("%1", _when(contents.created_at)),
            self.tr("Isi: %1").replace("%1", self._kinds(contents.by_entity) or "-"),
        ]
        if contents.pairs:
            unknown = self.tr("(belum dikenal di komputer ini)")
            names = [label or unknown for label in contents.pairs.values()]
            lines.append(self.tr("Pasangan calon: %1").replace("%1", "; ".join(sorted(names))))
        if contents.kind == "feed":
            lines.append(
                self.tr(
                    "Jawaban server atas %1 perubahan dari komputer ini yang menunggu dikirim."
                ).replace("%1", format_count(contents.answers_for_me))
            )
        return "\n".join(lines)

    def _kinds(self, by_entity: dict[str, int]) -> str:
        words = {
            "election": self.tr("pemilihan"),
            "pair": self.tr("pasangan calon"),
            "candidate": self.tr("calon"),
            "document": self.tr("dokumen"),
            "party": self.tr("partai pengusung"),
            "supporter": self.tr("pendukung"),
        }
        known = [e for e in _ENTITY_ORDER if e in by_entity]
        known += sorted(e for e in by_entity if e not in _ENTITY_ORDER)
        return ", ".join(f"{format_count(by_entity[e])} {words.get(e, e)}" for e in known)

    def _ask_confirm(self, path: Path, contents: Any) -> None:
        text = self.describe(contents, path)
        self.contentsRead.emit(contents, text)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Impor bundel?"),
            text + "\n\n" + self.tr("Impor bundel ini sekarang?"),
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        yes = box.addButton(self.tr("Impor"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Batal"), QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("bundleConfirm")
        box.buttonClicked.connect(lambda button: self.import_from(path) if button is yes else None)
        self.confirm = box
        box.open()

    def import_from(self, path: Path) -> Job:
        """Import ``path`` on a worker thread (after the operator confirmed)."""
        backend = self.backend
        job = self.jobs.start(lambda _p, _c: backend.import_bundle(path), "bundle")
        self._show_progress(job, self.tr("Mengimpor bundel %1...").replace("%1", path.name))
        job.finished.connect(self._imported)
        job.failed.connect(self._failed)
        return job

    def _imported(self, result: Any) -> None:
        if result.kind == "feed":
            text = (
                self.tr("%1 data dari server diterapkan; %2 perubahan Anda dinyatakan terkirim.")
                .replace("%1", format_count(result.count))
                .replace("%2", format_count(result.answered))
            )
        else:
            text = (
                self.tr("%1 perubahan diantrekan untuk dikirim (%2 sudah ada sebelumnya).")
                .replace("%1", format_count(result.count))
                .replace("%2", format_count(result.already_known))
            )
        self.window.statusBar().showMessage(text, 15_000)
        self.imported.emit(result)

    # -- shared ------------------------------------------------------------------------

    def _show_progress(self, job: Job, label: str) -> None:
        dialog = QProgressDialog(label, self.tr("Batal"), 0, 0, self.window)
        dialog.setWindowTitle(self.tr("Bundel USB"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(job.cancel)
        job.done.connect(dialog.close)
        job.done.connect(dialog.deleteLater)
        self.progress = dialog

    def _failed(self, message: str) -> None:
        self.window.statusBar().clearMessage()
        self.failed.emit(message)
        self._inform(self.tr("Bundel tidak diproses"), message, QMessageBox.Icon.Warning)

    def _inform(
        self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information
    ) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _when(iso: str) -> str:
    """An ISO time as the operator reads it (local time, dd-mm-yyyy HH:MM)."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso or "-"
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d-%m-%Y %H:%M")
