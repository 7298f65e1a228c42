"""*Lihat kontak pelapor*: on a supporter row a citizen objected to ("ada tanggapan
masyarakat"), the office verifying it reads the phone or e-mail the citizen left, from
the server, in a small dialog; offline it says so. The contact is kept nowhere on the PC:
not in its database, not in its log.

Against a real server process with the public-test election (tests/integration/public)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.services import Services
from silon_desktop.services.access import Access, LoginGate
from silon_desktop.ui.supporters_page import SupportersPage
from silon_desktop.ui.workers import JobRunner
from tests.integration.public.conftest import PASSWORD, PublicWorld, start_public_world

CONTACT = "0812-7777-3214"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublicWorld]:
    server, w = start_public_world(tmp_path_factory.mktemp("contact"))
    with server:
        yield w


@pytest.fixture
def office(tmp_path: Path, world: PublicWorld) -> Iterator[tuple[Services, JobRunner]]:
    """The 32.14 operator logged in online and synced: the flagged row is on its PC."""
    folder = paths.resolve(tmp_path / "kantor").ensure()
    settings = Settings(server_url=world.server.url, device_id="pc-kantor", username="op3214")
    access = Access(folder, settings)
    gate = LoginGate(access)
    assert gate.login("op3214", PASSWORD).ok
    assert gate.session is not None
    backend = Services(folder, settings, gate.session.db, access=access)
    backend.start_session(gate.session)
    backend.run_sync(lambda _p: None, threading.Event())
    jobs = JobRunner()
    yield backend, jobs
    jobs.stop_all()
    backend.db.close()


def _page(qtbot: QtBot, backend: Services, jobs: JobRunner, w: PublicWorld) -> SupportersPage:
    page = SupportersPage(backend, jobs)
    qtbot.addWidget(page)
    page.show()
    pair = backend.get("pair", w.seed.independent_id)
    assert pair is not None
    election = backend.get("election", pair["election_id"])
    page.set_pair(w.seed.independent_id, election or {}, "32.14")
    return page


def _shown_box(qtbot: QtBot) -> QMessageBox:
    found: list[QMessageBox] = []

    def shown() -> bool:
        found[:] = [
            b
            for b in QApplication.topLevelWidgets()
            if isinstance(b, QMessageBox) and b.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=20_000)
    return found[0]


def test_the_office_reads_the_contact_online_and_keeps_it_nowhere(
    qtbot: QtBot, world: PublicWorld, office: tuple[Services, JobRunner]
) -> None:
    backend, jobs = office
    w = world
    rid, nik, birth, *_ = w.seed.supporters[4]
    plain, *_rest = w.seed.supporters[5]
    filed = w.server.request(
        "POST",
        "/publik/keberatan",
        data={
            "nik": nik,
            "birth_date": birth,
            "pair_id": w.seed.independent_id,
            "contact": CONTACT,
        },
    )
    assert filed.status_code == 200
    backend.run_sync(lambda _p: None, threading.Event())
    page = _page(qtbot, backend, jobs, w)
    page.form.load(plain)
    assert not page.contact_button.isVisible()  # no objection: nothing to follow up
    page.form.load(rid)
    assert page.contact_button.isVisible()
    # An account that only reads the row (Bawaslu) is not offered what it would be refused.
    backend.session_role, role = "bawaslu", backend.session_role
    page.form.load(plain)
    page.form.load(rid)
    assert not page.contact_button.isVisible()
    backend.session_role = role
    page.form.load(plain)
    page.form.load(rid)
    assert page.contact_button.isVisible()
    page.contact_button.click()
    box = _shown_box(qtbot)
    assert CONTACT in box.text(), box.text()
    box.close()
    qtbot.waitUntil(page.contact_button.isEnabled)
    # Offline: said so, nothing shown.
    backend.check_online = lambda timeout_s=3.0: False  # type: ignore[method-assign]
    page.contact_button.click()
    box = _shown_box(qtbot)
    assert "server tidak dapat dihubungi" in box.text() and CONTACT not in box.text()
    box.close()
    qtbot.waitUntil(page.contact_button.isEnabled)
    jobs.stop_all()
    backend.db.engine.dispose()
    kept = b"".join(
        f.read_bytes() for f in Path(backend.paths.data).rglob("*") if f.is_file()
    ) + b"".join(f.read_bytes() for f in Path(backend.paths.logs).rglob("*") if f.is_file())
    assert CONTACT.encode() not in kept
