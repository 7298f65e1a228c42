"""Headless commands and the data key (issue #14): on an encrypted folder every command
that opens the local database (self-check with its lost-changes check, export,
retention, backup and restore) opens it with the data key from ``SILON_PASSWORD``,
and refuses, saying so, without it; in a folder where nobody has logged in, no
command makes a plain database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from silon_desktop import cli, paths
from silon_desktop.config import Settings
from silon_desktop.importers.store import import_file
from silon_desktop.storage import backup, cipher, keyfile
from silon_desktop.storage.db import open_database
from tests.fixtures import PAIR_ID, seed_election
from tests.integrity_helpers import edits_then_killed
from tests.unit.importers.sheets import supporter_rows, write_csv

USER = "op1"
PASSWORD = "sandi-benar-1"
SUPPORTERS = 40
NOWHERE = "http://127.0.0.1:9"
NEEDED = "isi kata sandi di variabel SILON_PASSWORD"


def _logged_in_before(data: Path) -> tuple[paths.AppPaths, bytes]:
    """A folder whose operator logged in online before: encrypted data, a password wrap."""
    app_paths = paths.resolve(data).ensure()
    key = keyfile.new_data_key()
    kf = keyfile.KeyFile.load(app_paths.data)
    kf.wrap_password(USER, PASSWORD, key)
    kf.state(USER).expires_at = keyfile.now() + 86400
    kf.save()
    Settings(server_url=NOWHERE, username=USER, device_id="pc-1").save(app_paths.settings)
    return app_paths, key


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[paths.AppPaths, bytes]:
    """An encrypted folder with one pair of 40 supporters; no password in the environment."""
    monkeypatch.delenv("SILON_PASSWORD", raising=False)
    app_paths, key = _logged_in_before(tmp_path / "kantor")
    db = open_database(app_paths.database, key=key)
    try:
        seed_election(db)
        sheet = write_csv(tmp_path / "daftar.csv", supporter_rows(SUPPORTERS))
        import_file(db, sheet, PAIR_ID, assume_id_scan=True)
    finally:
        db.close()
    assert not cipher.is_plain(app_paths.database)
    return app_paths, key


def _main(app_paths: paths.AppPaths, *args: str) -> int:
    return cli.main(["--data-dir", str(app_paths.data), *args])


def test_export_opens_the_encrypted_data_with_the_password_and_refuses_without(
    office: tuple[paths.AppPaths, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app_paths, _key = office
    out = tmp_path / "B11.xlsx"
    assert _main(app_paths, "export", "--pair", PAIR_ID, "--b11", str(out)) == 2
    assert NEEDED in capsys.readouterr().err
    assert not out.exists()  # nothing written without the key

    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    assert _main(app_paths, "export", "--pair", PAIR_ID, "--b11", str(out)) == 0
    printed = capsys.readouterr().out
    assert f"({SUPPORTERS} pendukung)" in printed  # the full check passed with the key
    assert out.stat().st_size > 0


def test_retention_opens_the_encrypted_data_with_the_password_and_refuses_without(
    office: tuple[paths.AppPaths, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app_paths, _key = office
    assert _main(app_paths, "retention", "--dry-run") == 4
    assert NEEDED in capsys.readouterr().err
    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    assert _main(app_paths, "retention") == 0
    assert "pendukung yang terhapus telah dikosongkan" in capsys.readouterr().out
    assert not cipher.is_plain(app_paths.database)


def test_backup_and_restore_use_the_data_key(
    office: tuple[paths.AppPaths, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app_paths, key = office
    assert _main(app_paths, "backup") == 4
    assert NEEDED in capsys.readouterr().err
    assert backup.list_backups(app_paths.backups) == []

    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    assert _main(app_paths, "backup") == 0
    capsys.readouterr()
    made = backup.list_backups(app_paths.backups)
    assert len(made) == 1 and not cipher.is_plain(made[0].path)  # encrypted alike
    assert backup.verify(made[0].path, key)
    with pytest.raises(sqlite3.DatabaseError):  # unreadable without the key
        sqlite3.connect(made[0].path).execute("SELECT count(*) FROM supporter").fetchone()

    assert _main(app_paths, "backup", "--restore", made[0].path.name) == 0
    assert "dipulihkan" in capsys.readouterr().out
    db = open_database(app_paths.database, key=key)
    try:
        with db.engine.connect() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM supporter").scalar()
    finally:
        db.close()
    assert count == SUPPORTERS


def test_self_check_checks_the_encrypted_data_with_the_password(
    office: tuple[paths.AppPaths, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app_paths, _key = office
    check = ["--self-check", "--server", NOWHERE, "--lang", "en"]
    assert _main(app_paths, *check) == 0
    assert "is encrypted; its content is checked after a login" in capsys.readouterr().out
    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    assert _main(app_paths, *check) == 0
    assert "integrity check passed" in capsys.readouterr().out  # the full check, keyed


def test_self_check_finds_changes_lost_from_an_encrypted_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crash, then the WAL deleted: the lost-changes check reads the encrypted
    database and its commit marker with the key."""
    app_paths, key = _logged_in_before(tmp_path / "kantor")
    edits_then_killed(app_paths.database, edits=20, key=key)
    wal = app_paths.database.with_name(app_paths.database.name + "-wal")
    assert wal.stat().st_size > 0
    wal.unlink()
    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    code = _main(app_paths, "--self-check", "--server", NOWHERE)
    out = capsys.readouterr().out
    assert code == 1, out
    assert "Perubahan terakhir hilang" in out.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{sheet}", "--pair", PAIR_ID],
        ["status"],
        ["sync"],
        ["bundle", "export", "{out}"],
        ["snapshot", "import", "{sheet}"],
        ["backup", "--restore", "{sheet}"],
        ["retention"],
        ["export", "--pair", PAIR_ID, "--b11", "{out}"],
    ],
    ids=lambda c: "-".join(c[:2]).strip("-{}"),
)
def test_a_folder_never_logged_in_gets_no_plain_database(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)  # a password alone is no login
    data = tmp_path / "baru"
    sheet = write_csv(tmp_path / "daftar.csv", supporter_rows(3))
    out = tmp_path / "keluar.xlsx"
    argv = [part.format(sheet=sheet, out=out) for part in command]
    code = cli.main(["--data-dir", str(data), "--server", NOWHERE, *argv])
    err = capsys.readouterr().err
    assert code != 0
    assert "Belum ada" in err, err  # said in Indonesian: log in first / no database yet
    assert not (data / "silon.db").exists()
    assert not out.exists()


def test_export_of_a_training_folder_says_latihan_before_its_first_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``silon-desktop --training export`` (a training mode folder whose data does not yet
    know its training server: before the first sync, after a start over): the B.1.1-KWK
    and the B.2-KWK were written without LATIHAN, as if the practice data were real; the
    window and its Data menu already marked them (Services.practice)."""
    import zipfile

    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    app_paths, key = _logged_in_before(tmp_path / "latihan")
    app_paths.training_server.mkdir()  # made by training mode
    db = open_database(app_paths.database, key=key)
    try:
        seed_election(db)
        sheet = write_csv(tmp_path / "daftar.csv", supporter_rows(3))
        import_file(db, sheet, PAIR_ID, assume_id_scan=True)
    finally:
        db.close()
    b11, b2 = tmp_path / "B11.xlsx", tmp_path / "B2.xlsx"
    args = ["export", "--pair", PAIR_ID, "--b11", str(b11), "--b2", str(b2)]
    assert _main(app_paths, *args) == 0
    for made in (b11, b2):
        with zipfile.ZipFile(made) as book:
            sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
        assert "<oddHeader>" in sheet_xml, made.name
        assert "LATIHAN" in sheet_xml.split("<oddHeader>")[1], made.name


def test_a_kabkotas_headless_b2_of_a_governor_pair_is_its_share_as_in_the_window(
    office: tuple[paths.AppPaths, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``silon-desktop export --b2`` on a kab/kota account's PC: the B.2-KWK of its
    province's governor pair judged the share alone against the province's threshold
    ("kurang" nearly all of it, and a correction to collect), where the window's
    B.2-KWK of the same data says the requirement is decided in the province's recap
    (``Services.recap``, the account's share)."""
    from sqlalchemy import update

    from silon_desktop.storage.models import Election
    from tests.unit.reports.test_exports import read

    monkeypatch.setenv("SILON_PASSWORD", PASSWORD)
    app_paths, key = office
    kf = keyfile.KeyFile.load(app_paths.data)
    kf.state(USER).role, kf.state(USER).scope = "kabkota", "32.14"
    kf.save()
    db = open_database(app_paths.database, key=key)
    try:
        with db.session() as session:
            session.execute(
                update(Election).values(kind="gubernur", region_code="32", dpt=35_714_901)
            )
    finally:
        db.close()
    out = tmp_path / "B2.xlsx"
    assert _main(app_paths, "export", "--pair", PAIR_ID, "--b2", str(out)) == 0
    text = "\n".join(" | ".join(str(c) for c in row) for row in read(out, "B.2-KWK"))
    assert "tingkat provinsi: ditetapkan dalam rekapitulasi KPU" in text
    assert "kurang" not in text
