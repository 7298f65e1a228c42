"""Practice data says LATIHAN: on the main window (title and banner), on every dialog's
title, on PDF and XLSX printouts; after a training server reset the laptop offers to
start over and then holds no practice data."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from silon_desktop import paths
from silon_desktop.reports.recap import PRACTICE_MARK, pair_recap
from silon_desktop.reports.xlsx_export import export_b2, export_b11
from silon_desktop.storage.models import Supporter
from silon_desktop.ui.pdf_reports import write_recap_pdf
from sync.client.state import set_state
from sync.client.training import TRAINING_ID
from tests.gui.sample_data import open_backend, seed_small


def _practice(backend: Any) -> None:
    with backend.db.engine.begin() as conn:
        set_state(conn, TRAINING_ID, "a-training-server")


@pytest.fixture
def backend(tmp_path: Path) -> Any:
    made = open_backend(paths.resolve(tmp_path / "client").ensure())
    yield made
    made.db.close()


def test_main_window_and_dialogs_say_latihan_only_for_practice_data(
    qtbot: QtBot, backend: Any
) -> None:
    from silon_desktop.ui.main_window import MainWindow

    window = MainWindow(backend)
    qtbot.addWidget(window)
    window.show()
    assert "LATIHAN" not in window.windowTitle() and not window.practice_banner.isVisible()
    _practice(backend)
    window.update_practice_mark()
    assert window.windowTitle().startswith("LATIHAN")
    assert window.practice_banner.isVisible() and "LATIHAN" in window.practice_banner.text()
    dialog = QDialog(window)
    dialog.setWindowTitle("Pengaturan")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "LATIHAN - Pengaturan"
    dialog.close()
    window.close()


def test_printouts_of_practice_data_say_latihan(qtbot: QtBot, backend: Any, tmp_path: Path) -> None:
    ids = seed_small(backend, supporters=5)
    real = pair_recap(backend.db.engine, ids["pair"])
    assert not real.practice
    write_recap_pdf(real, tmp_path / "real.pdf")
    assert "LATIHAN" not in pypdf.PdfReader(tmp_path / "real.pdf").pages[0].extract_text()
    _practice(backend)
    recap = pair_recap(backend.db.engine, ids["pair"])
    assert recap.practice
    write_recap_pdf(recap, tmp_path / "latihan.pdf")
    reader = pypdf.PdfReader(tmp_path / "latihan.pdf")
    assert "LATIHAN" in reader.pages[0].extract_text()
    assert str(reader.metadata.title).startswith("LATIHAN")  # type: ignore[union-attr]
    export_b2(recap, tmp_path / "b2.xlsx")
    export_b11(backend.db.engine, ids["pair"], tmp_path / "b11.xlsx")
    for name in ("b2.xlsx", "b11.xlsx"):
        with zipfile.ZipFile(tmp_path / name) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = (
                book.read("xl/sharedStrings.xml").decode()
                if "xl/sharedStrings.xml" in book.namelist()
                else ""
            )
        assert "LATIHAN" in sheet + strings, name  # the cell, and the printed page header
        assert "<oddHeader>" in sheet and "LATIHAN" in sheet.split("<oddHeader>")[1]


def test_the_files_practice_data_is_saved_to_are_named_latihan(
    qtbot: QtBot, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A USB bundle is sealed (nothing in it can say LATIHAN to a person) and every
    export of practice data left the room named like a real office's
    ("bundel-perubahan-latih01-...silon", "B.2-KWK-paslon-1-...xlsx"): on a stick or in
    a shared folder nothing told it apart. The proposed names now start with LATIHAN."""
    from PySide6.QtWidgets import QFileDialog

    from silon_desktop.ui.main_window import MainWindow

    ids = seed_small(backend, supporters=3)  # waiting edits: a bundle to export
    _practice(backend)
    window = MainWindow(backend)
    qtbot.addWidget(window)
    window.reload_tree(select=("pair", ids["pair"]))
    proposed: list[str] = []

    def save_as(_parent: Any, _title: str, default: str, _pattern: str) -> tuple[str, str]:
        proposed.append(Path(default).name)
        return "", ""  # cancelled: nothing written

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(window.bundles, "confirm_personal_data", lambda _count: True)
    window.bundles.ask_export()
    window.reports.ask("b2")
    window.reports.ask("recap")
    assert len(proposed) == 3 and all(name.startswith("LATIHAN-") for name in proposed), proposed
    window.close()


def test_the_list_of_bms_and_tms_of_practice_data_says_latihan(
    qtbot: QtBot, backend: Any, tmp_path: Path
) -> None:
    """The verification's list handed back to the pair, as XLSX and as PDF."""
    from silon_desktop.ui.pdf_reports import write_problem_list_pdf

    ids = seed_small(backend, supporters=5)

    def printed(name: str) -> str:
        problems = backend.verification_problems(ids["pair"])
        backend.write_problems_xlsx(problems, tmp_path / f"{name}.xlsx")
        write_problem_list_pdf(problems, tmp_path / f"{name}.pdf")
        with zipfile.ZipFile(tmp_path / f"{name}.xlsx") as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
        reader = pypdf.PdfReader(tmp_path / f"{name}.pdf")
        return sheet + strings + reader.pages[0].extract_text() + str(reader.metadata.title)

    assert "LATIHAN" not in printed("real")
    _practice(backend)
    marked = printed("latihan")
    assert marked.count("LATIHAN") >= 4  # the cell, the page header, the band, the title
    assert "<oddHeader>" in marked and "LATIHAN" in marked.split("<oddHeader>")[1]


def test_the_import_problem_list_of_practice_data_says_latihan(
    backend: Any, tmp_path: Path
) -> None:
    """The import's problem list for the LO, written while practising an import."""
    from silon_desktop.importers.pipeline import ImportOptions, validate_file
    from tests.unit.importers.sheets import REFERENCE, REGION, supporter_rows, write_xlsx

    rows = supporter_rows(2)
    rows[1][5] = "X"  # sex neither L nor P
    source = write_xlsx(tmp_path / "dukungan.xlsx", rows)
    report = validate_file(source, ImportOptions(REGION, REFERENCE, assume_id_scan=True))
    assert not backend.imports.problem_list(report).practice
    _practice(backend)
    problems = backend.imports.problem_list(report)
    assert problems.practice and problems.lines
    backend.write_problems_xlsx(problems, tmp_path / "masalah.xlsx")
    with zipfile.ZipFile(tmp_path / "masalah.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<oddHeader>" in sheet and "LATIHAN" in sheet.split("<oddHeader>")[1]


def test_the_receipt_of_practice_data_says_latihan(
    qtbot: QtBot, backend: Any, tmp_path: Path
) -> None:
    """The receipt says a server received the data: from a training server, LATIHAN."""
    from silon_desktop.ui.history_dialog import HistoryDialog

    ids = seed_small(backend, supporters=1)
    supporter = backend.list("supporter", pair_id=ids["pair"])[0]
    dialog = HistoryDialog(backend, "supporter", supporter["id"])
    qtbot.addWidget(dialog)
    dialog.print_receipt(tmp_path / "real.pdf")
    assert "LATIHAN" not in pypdf.PdfReader(tmp_path / "real.pdf").pages[0].extract_text()
    _practice(backend)
    dialog.print_receipt(tmp_path / "latihan.pdf")
    reader = pypdf.PdfReader(tmp_path / "latihan.pdf")
    assert PRACTICE_MARK in " ".join(reader.pages[0].extract_text().split())
    assert str(reader.metadata.title).startswith("LATIHAN")  # type: ignore[union-attr]


def test_after_a_reset_the_laptop_offers_to_start_over(
    qtbot: QtBot, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silon_desktop.ui.main_window import MainWindow

    seed_small(backend, supporters=5)
    _practice(backend)
    _accepted(backend)  # the training server has them
    window = MainWindow(backend)
    qtbot.addWidget(window)
    asked: list[str] = []

    def answer(_parent: Any, title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    monkeypatch.setattr(window.sync, "sync_now", lambda: None)
    report = {"error": "reset", "error_kind": "practice_reset", "complete": False}
    window._sync_finished(report)
    assert asked and "diatur ulang" in asked[0]
    with backend.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Supporter)).scalar_one() == 0
    # still practice data (a room laptop's folder says so by its data alone): LATIHAN
    # stays on until the next sync remembers the new server, and after
    assert backend.practice
    assert not window.practice_banner.isHidden()
    assert window.practice_mark.active
    assert window.tree.topLevelItemCount() == 0
    window.close()


def _accepted(backend: Any) -> None:
    """The rows made here as a server's answer leaves them: accepted (acked)."""
    with backend.db.engine.begin() as conn:
        conn.execute(text("UPDATE outbox SET state = 'acked'"))


def test_a_reset_keeps_rows_typed_here_that_no_server_has_seen(
    qtbot: QtBot, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A room laptop's folder made practice data by an earlier version while it held
    rows typed offline: Yes to the reset's offer deleted them. The window says why it
    keeps them (in Indonesian) and deletes nothing."""
    from silon_desktop.ui.main_window import MainWindow

    seed_small(backend, supporters=5)
    _practice(backend)
    window = MainWindow(backend)
    qtbot.addWidget(window)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warned.append(text))
    monkeypatch.setattr(window.sync, "sync_now", lambda: None)
    window._sync_finished({"error": "reset", "error_kind": "practice_reset", "complete": False})
    assert warned and "tidak dihapus" in warned[0]
    with backend.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Supporter)).scalar_one() == 5
    window.close()


def test_data_pulled_from_a_real_server_is_not_synced_with_a_training_server(
    backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An office PC pointed at the room's training server (its address typed in the
    settings): the data here came from the real server, so nothing is pushed to the
    training server, nothing pulled from it, and the data does not become practice data
    (which a "start over" would delete)."""
    from silon_desktop.domain.errors import ErrorCode
    from sync.client.state import CURSOR_KEY

    seed_small(backend, supporters=3)
    with backend.db.engine.begin() as conn:
        set_state(conn, CURSOR_KEY, "1234")  # pulled from the real server before
    outcome = _synced_with_a_training_room(backend, monkeypatch)
    assert outcome["problem"].code is ErrorCode.PRACTICE_SERVER_REAL_DATA
    assert outcome["error_kind"] != "practice_reset"  # no offer to delete the data here
    assert not backend.practice
    with backend.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Supporter)).scalar_one() == 3


def test_rows_typed_here_never_synced_do_not_become_practice_data_at_a_training_server(
    backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ordinary folder whose rows were typed here and never reached any server (no
    feed position), its first sync pointed at the room's training server: the rows were
    pushed there and the folder became practice data, which a "start over" deletes.
    They may be real citizens' data: the sync stops, nothing is sent, and it is said."""
    from silon_desktop.domain.errors import ErrorCode
    from sync.client.training import practice_id

    seed_small(backend, supporters=3)  # typed here, waiting for a server
    outcome = _synced_with_a_training_room(backend, monkeypatch)
    assert outcome["problem"].code is ErrorCode.PRACTICE_SERVER_UNSENT_DATA
    assert "tidak dikirim" in outcome["problem"].message
    assert not backend.practice and practice_id(backend.db) == ""
    with backend.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Supporter)).scalar_one() == 3


def test_practice_data_is_not_synced_with_a_real_server(
    backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A training laptop later pointed at the real server: its practice supporters and
    waiting practice edits are not pushed there, and no real data is pulled into data
    marked LATIHAN (which a "start over" would delete)."""

    seed_small(backend, supporters=3)
    _practice(backend)
    outcome = _synced_with_a_real_server(backend, monkeypatch)
    assert outcome["error_kind"] != "practice_reset" and backend.practice


def _synced_with_a_real_server(backend: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``backend``'s sync run against a server that is no training server (its
    ``/v1/training`` answers 404): the run's outcome, once it is checked to have asked
    only that and to refuse with PRACTICE_DATA_REAL_SERVER."""
    import threading

    from silon_desktop.domain.errors import ErrorCode
    from sync.transport import ServerRefused

    asked: list[str] = []

    class RealServer:
        def call(self, method: str, path: str, **_kw: Any) -> Any:
            asked.append(path)
            if path == "/v1/training":
                raise ServerRefused("HTTP 404: Not Found", status=404)
            raise AssertionError(f"{method} {path}: practice data reached the real server")

        def close(self) -> None:
            pass

    monkeypatch.setattr(backend, "_transport", RealServer)
    outcome = backend.run_sync(lambda _p: None, threading.Event())
    assert asked == ["/v1/training"]
    assert outcome["problem"].code is ErrorCode.PRACTICE_DATA_REAL_SERVER
    return outcome


def test_a_training_folder_is_not_synced_with_a_real_server_before_it_knows_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A training mode folder whose data does not yet name its training server (before its
    first sync, after a start over) pointed at a real server (``--training sync --server``,
    the address typed in the settings): the check read only the database's mark, so its
    practice rows went to the real server, and the real region's citizens came into a
    folder whose every window and printout says LATIHAN."""

    folder = paths.resolve(tmp_path / "latihan").ensure()
    folder.training_server.mkdir()  # made by training mode
    made = open_backend(folder)
    try:
        seed_small(made, supporters=3)  # typed in before any sync
        _synced_with_a_real_server(made, monkeypatch)
    finally:
        made.db.close()


def test_start_over_refuses_real_data(backend: Any) -> None:
    seed_small(backend, supporters=3)
    with pytest.raises(ValueError, match="not practice data"):
        backend.start_over_practice()
    with backend.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Supporter)).scalar_one() == 3


def test_training_mode_keeps_practice_data_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SILON_DATA_DIR", str(tmp_path / "real"))
    real = paths.resolve(None)
    practice = paths.resolve_training(None)
    assert practice.data != real.data and real.data not in practice.data.parents
    assert practice.data.name == "real-latihan"
    monkeypatch.delenv("SILON_DATA_DIR")
    assert paths.resolve_training(None).data != paths.resolve(None).data
    assert paths.resolve_training(tmp_path / "x").data == (tmp_path / "x").resolve()
    assert PRACTICE_MARK.startswith("LATIHAN")


def test_the_practice_mark_speaks_english_too(qtbot: QtBot, qapp: Any) -> None:
    from silon_desktop.ui import i18n, practice_mark

    assert practice_mark.banner().text().startswith("LATIHAN:")
    translators = i18n.install_translators(qapp, "en")
    try:
        assert practice_mark.banner().text().startswith("PRACTICE (LATIHAN)")
    finally:
        i18n.remove_translators(qapp, translators)


def test_training_mode_refuses_a_folder_of_real_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--training --data-dir`` naming the operator's real folder: no training server in
    it, no practice login on its data, its server address left as it was."""
    import argparse

    from silon_desktop import app
    from silon_desktop.config import Settings
    from silon_desktop.storage import keyfile
    from silon_desktop.storage.db import open_database

    real = paths.resolve(tmp_path / "kantor").ensure()
    key = keyfile.new_data_key()
    kf = keyfile.KeyFile.load(real.data)
    kf.wrap_password("op3214", "rahasia-3214", key)
    kf.save()
    open_database(real.database, key=key).close()
    Settings(server_url="https://silon.kpu.go.id", username="op3214").save(real.settings)
    started: list[Path] = []

    class Server:
        url, username, password = "http://127.0.0.1:8765", "latih01", "bimtek2024"

        def __init__(self, data_dir: Path) -> None:
            started.append(data_dir)

        def start(self) -> Any:
            return self

        def stop(self) -> None:
            pass

    monkeypatch.setattr(app, "TrainingServer", Server)
    monkeypatch.setattr(app, "setup_logging", lambda *_a: None)
    monkeypatch.setattr(app, "_run_qt", lambda *_a: 0)
    args = argparse.Namespace(
        training=True, data_dir=str(real.data), verbose=False, lang=None, server=None
    )
    assert app.main(args) == 3
    assert not started and not (real.data / "training-server").exists()
    assert Settings.load(real.settings).server_url == "https://silon.kpu.go.id"
    assert "bukan data latihan" in capsys.readouterr().err
    # A folder made by training mode (its server folder beside the data) still opens.
    practice = paths.resolve(tmp_path / "latihan").ensure()
    (practice.data / "training-server").mkdir()
    open_database(practice.database, key=key).close()
    assert app.main(argparse.Namespace(**{**vars(args), "data_dir": str(practice.data)})) == 0
    assert started == [practice.data / "training-server"]


def test_training_mode_says_latihan_before_the_first_sync(qtbot: QtBot, tmp_path: Path) -> None:
    """``tasks.py run`` (``--training``): the practice account logs in to the room's
    training server and the window opens. It said LATIHAN only once the first sync had
    remembered the training server, so the window (and a recap printed meanwhile) looked
    like real data until then, and for good when that sync failed."""
    from silon_desktop.config import Settings
    from silon_desktop.services import Services
    from silon_desktop.services.access import Access, Session
    from silon_desktop.ui.main_window import MainWindow
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import migrate
    from sync.server.snapshot_builder import detach
    from sync.server.training import PASSWORD as PRACTICE
    from sync.server.training import seed
    from tests.unit.sync.harness import AsgiTransport

    (tmp_path / "room").mkdir()
    url = f"sqlite:///{tmp_path / 'room' / 'server.db'}"
    migrate(url)
    room = create_app(ServerConfig(database_url=url, training=True))
    seed(room.state.server, 2, 20)
    folder = paths.resolve(tmp_path / "latihan").ensure()
    settings = Settings(server_url="http://127.0.0.1:9", device_id="laptop-1")
    transport = AsgiTransport(room)
    try:
        session = Access(folder, settings).login("latih01", PRACTICE, transport=transport)
    finally:
        transport.close()
        detach(room.state.server.engine)  # what the server's shutdown does
        room.state.server.engine.dispose()
    assert isinstance(session, Session), session
    backend = Services(folder, settings, session.db)
    backend.start_session(session)
    try:
        window = MainWindow(backend)
        qtbot.addWidget(window)
        window.show()
        assert window.windowTitle().startswith("LATIHAN")
        assert window.practice_banner.isVisible()
        window.close()
    finally:
        session.db.close()
    # the room's snapshot builder (started by the login) must not go on reading the
    # room's database in the tests that follow
    assert "snapshot-builder" not in [t.name for t in threading.enumerate()]


def test_a_training_folder_says_latihan_whatever_its_sync_state(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Training mode's folder (its training server's folder inside) holds practice data
    only. After a "start over" (a reset training server) the data here forgot the server
    until the next sync remembered the new one: the window dropped LATIHAN meanwhile."""
    from silon_desktop.ui.main_window import MainWindow

    folder = paths.resolve(tmp_path / "latihan").ensure()
    folder.training_server.mkdir()
    made = open_backend(folder)
    try:
        seed_small(made, supporters=1)
        _practice(made)
        made.start_over_practice()
        assert made.practice
        window = MainWindow(made)
        qtbot.addWidget(window)
        window.show()
        assert window.windowTitle().startswith("LATIHAN") and window.practice_banner.isVisible()
        window.close()
    finally:
        made.db.close()


def test_printouts_of_a_training_folder_say_latihan_whatever_its_sync_state(
    tmp_path: Path,
) -> None:
    """Before its first sync, or after a "start over", the data here does not know its
    training server (the database's mark): the window said LATIHAN (the folder is
    training mode's), but the recap, the B.2-KWK, the B.1.1-KWK and the problem lists
    read only the database's mark and printed practice data as if it were real."""
    from silon_desktop.importers.pipeline import ImportOptions, validate_file
    from tests.unit.importers.sheets import REFERENCE, REGION, supporter_rows, write_xlsx

    folder = paths.resolve(tmp_path / "latihan").ensure()
    folder.training_server.mkdir()
    made = open_backend(folder)
    try:
        ids = seed_small(made, supporters=5)  # typed in before any sync
        assert made.recap(ids["pair"]).practice
        assert made.verification_problems(ids["pair"]).practice
        rows = supporter_rows(2)
        rows[1][5] = "X"  # sex neither L nor P
        source = write_xlsx(tmp_path / "dukungan.xlsx", rows)
        report = validate_file(source, ImportOptions(REGION, REFERENCE, assume_id_scan=True))
        assert made.imports.problem_list(report).practice
        made.export_b2(ids["pair"], tmp_path / "b2.xlsx")
        made.export_b11(ids["pair"], tmp_path / "b11.xlsx")
        for name in ("b2.xlsx", "b11.xlsx"):
            with zipfile.ZipFile(tmp_path / name) as book:
                sheet = book.read("xl/worksheets/sheet1.xml").decode()
            assert "<oddHeader>" in sheet and "LATIHAN" in sheet.split("<oddHeader>")[1], name
    finally:
        made.db.close()


def _synced_with_a_training_room(backend: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A sync run against a Bimtek room's training server that answers only what it
    is (``/v1/training``): any other request reaching it fails the test."""
    import threading

    asked: list[str] = []

    class TrainingRoom:
        def call(self, method: str, path: str, **_kw: Any) -> Any:
            asked.append(path)
            if path == "/v1/training":
                return {"training_id": "a-training-server"}
            raise AssertionError(f"{method} {path} reached the training server")

        def close(self) -> None:
            pass

    monkeypatch.setattr(backend, "_transport", TrainingRoom)
    outcome = backend.run_sync(lambda _p: None, threading.Event())
    assert asked == ["/v1/training"]
    return outcome
