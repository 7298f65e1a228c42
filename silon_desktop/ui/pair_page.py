"""A pair's page: its data, candidates with their documents, parties, supporters, dashboard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.domain.errors import CodedError
from silon_desktop.services import Services
from silon_desktop.ui.child_list_widget import ChildListWidget
from silon_desktop.ui.dashboard_widget import DashboardWidget
from silon_desktop.ui.forms import candidate_fields, document_fields, pair_fields, party_fields
from silon_desktop.ui.labels import document_label, error_text
from silon_desktop.ui.record_form import RecordForm
from silon_desktop.ui.save_paths import documents_folder
from silon_desktop.ui.supporters_page import SupportersPage
from silon_desktop.ui.workers import Job, JobRunner


class PairPage(QTabWidget):
    """A pair's tabs: data, candidates (with documents), parties, supporters, dashboard.

    Signals:
        documentAttached(str): an attachment ended: "" when saved, else why not.
    """

    documentAttached = Signal(str)

    def __init__(self, backend: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = jobs
        self.documentAttached.connect(self._attach_refused)
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
        # A pair is one head and one deputy: a third candidate or a second Wakil is refused,
        # and a birth date or sex against the NIK is saved only when the operator confirms.
        self.candidates.refuse_add = self._pair_complete
        self.candidates.form.checks["role"] = self._role_taken
        self.candidates.form.confirm_nik_mismatch = True
        self.candidates.form.checks["nik"] = self._nik_taken
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
        # One pair per party (PKPU 10/2024 Pasal 11 ayat 4): refused here, not at the sync.
        self.parties.form.checks["party_name"] = self._party_taken
        self.supporters = SupportersPage(backend, jobs)
        self.dashboard = DashboardWidget(backend, jobs)
        self.addTab(self.pair_form, self.tr("&Pasangan"))
        self.addTab(candidate_box, self.tr("&Calon"))
        self.addTab(self.parties, self.tr("Partai p&engusung"))
        self.addTab(self.supporters, self.tr("Pendu&kung"))
        self.addTab(self.dashboard, self.tr("Dasb&or"))
        self.candidates.currentRecordChanged.connect(self._candidate_changed)
        self.candidates.currentRecordChanged.connect(lambda _e, _i: self._check_age())
        self.candidates.form.saved.connect(lambda _e, _i: self._check_age())
        self.currentChanged.connect(self._tab_changed)
        self.pair_form.valueSaved.connect(
            lambda name, _value: (
                self._show_route(self.pair_form.values) if name == "route" else None
            )
        )
        self.pair_id: str | None = None
        self.election: dict[str, Any] = {}
        self.scope = ""

    def _pair_complete(self, candidates: list[dict[str, Any]]) -> str | None:
        live = [c for c in candidates if not c.get("deleted")]
        if len(live) < 2:
            return None
        return self.tr(
            "Pasangan calon sudah lengkap: satu calon kepala daerah dan satu calon wakil. "
            "Ubah data calon yang ada, atau hapus dulu yang salah."
        )

    def _role_taken(self, role: Any) -> str | None:
        if not role or self.pair_id is None:
            return None
        current = self.candidates.current_id()
        for other in self.backend.list("candidate", pair_id=self.pair_id):
            if (
                other.get("id") != current
                and not other.get("deleted")
                and other.get("role") == role
            ):
                which = (
                    self.tr("calon kepala daerah") if role == "kepala" else self.tr("calon wakil")
                )
                return (
                    self.tr(
                        "Pasangan ini sudah punya %1: %2. Satu pasangan: satu kepala, satu wakil."
                    )
                    .replace("%1", which)
                    .replace("%2", str(other.get("name") or self.tr("(tanpa nama)")))
                )
        return None

    def _party_taken(self, name: Any) -> str | None:
        if not name or self.pair_id is None:
            return None
        taken = self.backend.party_taken(self.pair_id, str(name))
        if taken is None:
            return None
        return (
            self.tr(
                "%1 sudah mengusung pasangan %2 pada pemilihan ini: satu partai hanya "
                "mengusung satu pasangan (PKPU 10/2024 Pasal 11 ayat 4)."
            )
            .replace("%1", taken[0])
            .replace("%2", taken[1])
        )

    def _nik_taken(self, nik: Any) -> str | None:
        """One person stands in one pair of one Pilkada (this election or another of its
        year), as head or deputy."""
        current = self.candidates.current_id()
        if not nik or current is None:
            return None
        found = self.backend.candidate_elsewhere(current, str(nik))
        if found is None:
            return None
        name, role, pair, election = found
        which = self.tr("calon kepala daerah") if role == "kepala" else self.tr("calon wakil")
        return (
            self.tr(
                "NIK ini sudah tercatat untuk %1, %2 pasangan %3 pada %4: satu orang hanya "
                "dapat dicalonkan dalam satu pasangan."
            )
            .replace("%1", name or self.tr("(tanpa nama)"))
            .replace("%2", which)
            .replace("%3", pair)
            .replace("%4", election or self.tr("pemilihan ini"))
        )

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
        self.attach_button.setEnabled(not self.backend.read_only)
        self.candidates.set_parent_record(pair_id, self.scope, role="kepala")
        self.parties.set_parent_record(pair_id, self.scope)
        self.supporters.set_pair(pair_id, election, self.scope)
        self._show_route(pair)
        self.dashboard.pair_id = pair_id
        if self.currentWidget() is self.dashboard:
            self.dashboard.refresh()

    def _show_route(self, pair: dict[str, Any]) -> None:
        """A pair nominated by parties has no supporters tab (also right after its
        route was changed in the form, undone, or changed by a sync)."""
        self.setTabVisible(
            self.indexOf(self.supporters), str(pair.get("route") or "perseorangan") != "partai"
        )

    def refresh_in_place(self) -> None:
        """Re-read the open pair after a sync; cursors and half-typed fields stay.

        (The supporters table is refreshed by the window; its model keeps positions.)
        """
        if self.pair_id is None:
            return
        self.election = self.backend.get("election", self.election.get("id")) or self.election
        # The verdicts and checks of the supporters follow the election's rules and dates
        # as they now are (the province may have changed them).
        self.supporters.election = self.election
        self.pair_form.load(self.pair_id)
        self._show_route(self.pair_form.values)
        self.candidates.reload()
        self.parties.reload()
        if self.currentWidget() is self.dashboard:
            self.dashboard.refresh()

    def attach_file(self, source: Path) -> Job | None:
        """Copy a scanned requirement document beside the database and record it.

        Hashing and copying run as a background job (a scan can be large); the file
        keeps its content hash and size, so the server (and a later check) can tell
        whether it is the same document. ``documentAttached`` says how it ended.
        """
        document_id = self.documents.current_id()
        if document_id is None:
            message = self.tr("Pilih atau tambahkan dokumen syarat dulu.")
            self.documentAttached.emit(message)
            return None
        backend = self.backend
        job = self.jobs.start(
            lambda _p, _c: backend.attach_document(document_id, source), "attach-document"
        )
        job.finished.connect(lambda error: self._attached(document_id, error))
        job.failed.connect(self.documentAttached.emit)
        return job

    def _attached(self, document_id: str, error: object) -> None:
        if isinstance(error, CodedError):
            self.documentAttached.emit(error_text(error))
            return
        self.documents.reload(select=document_id)
        self.documents.changed.emit()
        self.documentAttached.emit("")

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Berkas dokumen"),
            str(documents_folder()),
            "PDF/JPG/PNG (*.pdf *.jpg *.jpeg *.png);;*",
        )
        if chosen:
            self.attach_file(Path(chosen))

    def _attach_refused(self, message: str) -> None:
        if message:
            QMessageBox.warning(self, self.tr("Tidak tersimpan"), message)

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
        self.documents.set_parent_record(
            candidate_id or None, self.scope, kind="ijazah", status="belum"
        )

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
