"""The pair's reports from the Data menu: recap and minutes (PDF), B.1.1 and B.2 (XLSX).

Figures are counted on a worker thread (through the services); PDFs are drawn on
the UI thread (Qt's text layout).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from silon_desktop.services import Services
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.labels import error_text
from silon_desktop.ui.save_paths import default_save_path, personal_data_box
from silon_desktop.ui.workers import JobRunner, file_error, writing

#: reports that list citizens' personal data: warned about before they are saved
PERSONAL_REPORTS = frozenset({"b11", "verification_xlsx", "verification_pdf"})


class ReportActions(QObject):
    """Makes the current pair's reports for the main window.

    Signals:
        reportWritten(str, str): a report just written: its kind and its path.
    """

    reportWritten = Signal(str, str)

    def __init__(self, window: Any, backend: Services, jobs: JobRunner) -> None:
        super().__init__(window)
        self.window: QMainWindow = window
        self.backend = backend
        self.jobs = jobs

    def _report_names(self) -> dict[str, tuple[str, str]]:
        """Kind -> (save dialog title, file filter)."""
        return {
            "recap": (self.tr("Simpan rekapitulasi"), "PDF (*.pdf)"),
            "berita_acara": (self.tr("Simpan berita acara"), "PDF (*.pdf)"),
            "b11": (self.tr("Simpan daftar B.1.1-KWK"), "Excel (*.xlsx)"),
            "b2": (self.tr("Simpan rekap B.2-KWK"), "Excel (*.xlsx)"),
            "verification_xlsx": (
                self.tr("Simpan hasil verifikasi untuk LO"),
                "Excel (*.xlsx)",
            ),
            "verification_pdf": (self.tr("Simpan hasil verifikasi untuk LO"), "PDF (*.pdf)"),
        }

    def ask(self, kind: str) -> None:
        """Ask where to save a report of the current pair, then make it."""
        pair_id = self.window.current_pair()
        if pair_id is None:
            return
        title, pattern = self._report_names()[kind]
        stage: str | None = None
        if kind == "berita_acara":
            stage = self._ask_stage(pair_id)
            if stage is None:
                return
        if kind in PERSONAL_REPORTS and not self.confirm_personal_data(kind):
            return
        pair = self.backend.get("pair", pair_id)
        # In the Documents folder, never the program's data folder: the operator picks.
        default = default_save_path(
            kind, pair, extra=(stage or "").replace("_", "-"), practice=self.backend.practice
        )
        chosen, _ = QFileDialog.getSaveFileName(self.window, title, str(default), pattern)
        if chosen:
            self.save(kind, pair_id, Path(chosen), stage)

    def personal_data_warning(self, kind: str = "b11") -> QMessageBox:
        """The warning shown before a list with citizens' personal data is saved."""
        if kind in ("verification_xlsx", "verification_pdf"):
            text = self.tr(
                "Hasil verifikasi untuk LO berisi data pribadi warga (NIK dan nama "
                "pendukung yang BMS dan TMS, dengan desa/kelurahannya). Serahkan hanya "
                "kepada LO pasangan calon ini, simpan hanya di folder yang Anda pilih dan "
                "hanya Anda yang dapat membukanya (bukan folder bersama atau flashdisk "
                "orang lain), dan hapus berkasnya bila tidak diperlukan lagi (UU PDP "
                "27/2022)."
            )
        else:
            text = self.tr(
                "Daftar B.1.1-KWK berisi data pribadi warga (NIK, nama, tanggal lahir, "
                "alamat). Simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat "
                "membukanya (bukan folder bersama atau flashdisk orang lain), dan hapus "
                "berkasnya bila tidak diperlukan lagi (UU PDP 27/2022)."
            )
        return personal_data_box(self.window, self.tr("Data pribadi"), text)

    def confirm_personal_data(self, kind: str = "b11") -> bool:
        """Shows :meth:`personal_data_warning`; True when the operator goes on."""
        return self.personal_data_warning(kind).exec() == QMessageBox.StandardButton.Ok

    def _ask_stage(self, pair_id: str) -> str | None:
        """The verification stage a berita acara is made for (one per round)."""
        from PySide6.QtWidgets import QInputDialog

        from silon_desktop.services.results import stages_of

        pair = self.backend.get("pair", pair_id) or {}
        election = self.backend.get("election", str(pair.get("election_id") or "")) or {}
        stages = stages_of(election.get("rule_set"))
        titles = [s.title for s in stages]
        chosen, ok = QInputDialog.getItem(
            self.window,
            self.tr("Berita acara"),
            self.tr("Tahap yang direkapitulasi:"),
            titles,
            0,
            False,
        )
        if not ok:
            return None
        return stages[titles.index(chosen)].id

    def save(self, kind: str, pair_id: str, target: Path, stage: str | None = None) -> Any:
        """Make a report on a worker thread; emits ``reportWritten(kind, path)``.

        Kinds: ``recap`` (PDF, recap of administrative verification),
        ``berita_acara`` (PDF, minutes draft to sign), ``b11`` (XLSX, the
        supporters with status and reasons, Model B.1.1-KWK), ``b2`` (XLSX, counts
        and spread by area, Model B.2-KWK), ``verification_xlsx`` /
        ``verification_pdf`` (the BMS and TMS supporters with verdict and reasons,
        to return to the pair's LO). PDFs are drawn on this thread (Qt's
        text layout), from figures counted on the worker. ``stage``: the stage a
        berita acara reports (its rounds' verdicts by a person only).
        """
        backend = self.backend
        if kind in ("recap", "berita_acara"):
            job = self.jobs.start(lambda _p, _c: backend.recap(pair_id, stage), f"report-{kind}")
            job.finished.connect(lambda recap: self._write_pdf(kind, recap, target))
        elif kind == "b11":
            job = self.jobs.start(
                writing(lambda p, _c: backend.export_b11(pair_id, target, p)),
                "report-b11",
            )
            job.progress.connect(
                lambda n: self.window.statusBar().showMessage(
                    self.tr("Mengekspor daftar B.1.1-KWK: %1 pendukung...").replace(
                        "%1", format_count(n)
                    )
                )
            )
            job.finished.connect(lambda count: self._report_done(kind, target, count))
        elif kind == "b2":
            job = self.jobs.start(
                writing(lambda _p, _c: backend.export_b2(pair_id, target)), "report-b2"
            )
            job.finished.connect(lambda _path: self._report_done(kind, target, None))
        elif kind in ("verification_xlsx", "verification_pdf"):
            job = self.jobs.start(
                lambda _p, _c: backend.verification_problems(pair_id), f"report-{kind}"
            )
            job.finished.connect(lambda problems: self._write_problems(kind, problems, target))
        else:
            raise ValueError(f"unknown report: {kind}")
        job.failed.connect(lambda message: self._report_failed(target, message))
        self.window.statusBar().showMessage(self.tr("Menyusun laporan..."))
        return job

    def _write_pdf(self, kind: str, recap: Any, target: Path) -> None:
        from silon_desktop.ui.pdf_reports import write_berita_acara_pdf, write_recap_pdf

        if kind == "berita_acara" and not self.confirm_unsynced(recap):
            self.window.statusBar().showMessage(self.tr("Berita acara tidak dibuat."), 5000)
            return
        write = write_recap_pdf if kind == "recap" else write_berita_acara_pdf
        try:
            write(recap, target)
        except OSError as error:
            self._report_failed(target, error_text(file_error(error)))
            return
        self._report_done(kind, target, None)

    def unsynced_question(self, recap: Any) -> QMessageBox | None:
        """The question asked before a berita acara is made of figures the server
        does not have yet (None when it has them all)."""
        from silon_desktop.ui.pdf_reports import standing_text

        if recap.standing is None or recap.standing.confirmed:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Berita acara"),
            standing_text(recap)
            + "\n\n"
            + self.tr("Tetap buat berita acara? Peringatan ini ikut tercetak di dalamnya."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box

    def confirm_unsynced(self, recap: Any) -> bool:
        """True when the berita acara may be made (:meth:`unsynced_question`)."""
        box = self.unsynced_question(recap)
        return box is None or box.exec() == QMessageBox.StandardButton.Yes

    def _write_problems(self, kind: str, problems: Any, target: Path) -> None:
        """The BMS/TMS list: XLSX on a worker, PDF here (Qt's text layout)."""
        if kind == "verification_pdf":
            from silon_desktop.ui.pdf_reports import write_problem_list_pdf

            try:
                write_problem_list_pdf(problems, target)
            except OSError as error:
                self._report_failed(target, error_text(file_error(error)))
                return
            self._report_done(kind, target, len(problems.lines))
            return
        backend = self.backend
        job = self.jobs.start(
            writing(lambda _p, _c: backend.write_problems_xlsx(problems, target)),
            f"report-{kind}",
        )
        job.finished.connect(lambda _path: self._report_done(kind, target, len(problems.lines)))
        job.failed.connect(lambda message: self._report_failed(target, message))

    def _report_done(self, kind: str, target: Path, count: int | None) -> None:
        messages = {
            "recap": self.tr("Rekapitulasi disimpan: %1"),
            "berita_acara": self.tr("Berita acara disimpan: %1"),
            "b11": self.tr("Daftar B.1.1-KWK disimpan: %1 (%2 pendukung)"),
            "b2": self.tr("Rekap B.2-KWK disimpan: %1"),
            "verification_xlsx": self.tr("Hasil verifikasi untuk LO disimpan: %1 (%2 pendukung)"),
            "verification_pdf": self.tr("Hasil verifikasi untuk LO disimpan: %1 (%2 pendukung)"),
        }
        text = messages[kind].replace("%1", str(target)).replace("%2", format_count(count))
        self.window.statusBar().showMessage(text, 10_000)
        self.reportWritten.emit(kind, str(target))

    def _report_failed(self, target: Path, message: str) -> None:
        self.window.statusBar().clearMessage()
        QMessageBox.warning(
            self.window,
            self.tr("Laporan tidak tersimpan"),
            self.tr("Laporan %1 tidak dapat disimpan: %2")
            .replace("%1", str(target))
            .replace("%2", message),
        )
