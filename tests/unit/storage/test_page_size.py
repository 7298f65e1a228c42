"""New databases have 8 KiB pages (storage.cipher.PAGE_SIZE: a first sync of a million
supporters about 10% faster); a file made before keeps its 4 KiB pages, opens,
backs up and restores as before. SQLCipher cannot read the page size from an
encrypted file, so it is found by reading the schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from silon_desktop.storage import backup, cipher, keyfile
from silon_desktop.storage.db import open_database

NOT_A_DATABASE = 26


@pytest.fixture(autouse=True)
def new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """No page size remembered: each test opens its files as a new process would."""
    monkeypatch.setattr(cipher, "_PAGE_SIZES", {})


def _older_file(path: Path, key: bytes) -> None:
    """An encrypted database as the program made it before 8 KiB pages (4 KiB), with
    3,000 rows of a table of its own."""
    with pytest.MonkeyPatch.context() as older:
        older.setattr(cipher, "PAGE_SIZE", cipher.LEGACY_PAGE_SIZE)
        db = open_database(path, key=key)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE note (body TEXT)")
            conn.execute(
                text("INSERT INTO note VALUES (:body)"),
                [{"body": f"catatan {n}"} for n in range(3000)],
            )
        db.close()
    cipher._PAGE_SIZES.clear()  # a new process, the program as it is now


def _reads_as(path: Path, key: bytes, size: int) -> bool:
    """Whether a connection keyed for pages of ``size`` bytes reads the file."""
    try:
        conn = cipher.connect(path, key, page_size=size)  # its pragmas read the schema
    except cipher.dbapi().DatabaseError as error:
        assert error.sqlite_errorcode == NOT_A_DATABASE
        return False
    conn.close()
    return True


def _opened(path: Path, key: bytes) -> tuple[int, int]:
    """The rows of ``note`` and the page size, through the program's own connect."""
    conn = cipher.connect(path, key)
    try:
        return int(conn.execute("SELECT count(*) FROM note").fetchone()[0]), cipher.page_size(conn)
    finally:
        conn.close()


def test_a_new_database_has_8_kib_pages_encrypted_or_plain(tmp_path: Path) -> None:
    key = keyfile.new_data_key()
    db = open_database(tmp_path / "silon.db", key=key)
    with db.engine.connect() as conn:
        assert int(conn.exec_driver_sql("PRAGMA cipher_page_size").scalar_one()) == 8_192
    db.close()
    assert _reads_as(tmp_path / "silon.db", key, 8_192)
    assert not _reads_as(tmp_path / "silon.db", key, 4_096)
    plain = open_database(tmp_path / "plain" / "silon.db")
    with plain.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar_one() == 8_192
    plain.close()


def test_an_older_file_opens_keeps_its_pages_and_takes_the_schema(tmp_path: Path) -> None:
    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    _older_file(path, key)
    db = open_database(path, key=key)  # the migrations run on it
    with db.engine.begin() as conn:
        assert int(conn.exec_driver_sql("PRAGMA cipher_page_size").scalar_one()) == 4_096
        conn.execute(text("INSERT INTO note VALUES ('baru')"))
    db.close()
    assert _reads_as(path, key, 4_096) and not _reads_as(path, key, 8_192)
    assert cipher.opens_with(path, key)
    assert not cipher.opens_with(path, keyfile.new_data_key())  # a wrong key fails both


def test_rows_still_in_an_older_files_wal_are_read(tmp_path: Path) -> None:
    """A file whose newest pages are only in its WAL (the program stopped before the
    checkpoint): the page size is found there too."""
    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    _older_file(path, key)
    writer = cipher.connect(path, key, page_size=cipher.LEGACY_PAGE_SIZE)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO note VALUES ('hanya di WAL')")
        writer.commit()
        assert path.with_name("silon.db-wal").stat().st_size > 0
        reader = cipher.connect(path, key)
        try:
            found = reader.execute("SELECT count(*) FROM note WHERE body = 'hanya di WAL'")
            assert found.fetchone() == (1,)
            assert cipher.page_size(reader) == 4_096
        finally:
            reader.close()
    finally:
        writer.close()


def test_an_older_files_backup_keeps_its_pages_and_restores(tmp_path: Path) -> None:
    """The backup API copies page for page between SQLCipher files: a 4 KiB file copied
    into a new file of larger pages crashed the process (SQLCipher 4.19), or left a
    copy that no page size opens. A backup takes its source's page size, and restores
    like any other."""
    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    _older_file(path, key)
    made = backup.make_backup(path, tmp_path / "backups", 3, reason="manual", key=key)
    assert backup.verify(made.path, key)
    assert _reads_as(made.path, key, 4_096)
    conn = cipher.connect(path, key)
    conn.execute("DELETE FROM note")
    conn.commit()
    conn.close()
    backup.restore(made.path, path, tmp_path / "backups", key=key)
    assert _opened(path, key) == (3000, 4_096)
    new = tmp_path / "new" / "silon.db"
    db = open_database(new, key=key)
    db.close()
    made = backup.make_backup(new, tmp_path / "backups", 3, reason="manual", key=key)
    assert _reads_as(made.path, key, 8_192) and backup.verify(made.path, key)


def test_the_first_open_of_an_older_file_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Trying 8 KiB pages on a 4 KiB file fails SQLCipher's HMAC, which it prints on
    stderr ("hmac check failed"): alarming on an office PC's console for a file that is
    fine, so it is silenced for that try. A wrong key is still reported by SQLCipher."""
    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    _older_file(path, key)
    capfd.readouterr()
    conn = cipher.connect(path, key)
    conn.close()
    assert capfd.readouterr().err == ""
    with pytest.raises(cipher.dbapi().DatabaseError) as wrong:
        cipher.connect(path, keyfile.new_data_key())
    assert wrong.value.sqlite_errorcode == NOT_A_DATABASE
    assert "hmac check failed" in capfd.readouterr().err  # the deciding try keeps its lines
    conn = cipher.connect(path, key)  # SQLCipher's level is back where it was
    conn.close()
    probe = cipher.dbapi().connect(":memory:")
    assert probe.execute("PRAGMA cipher_log_level").fetchone() == ("WARN",)
    probe.close()


def test_an_older_plain_file_converts_to_8_kib_pages(tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA page_size = 4096")
    plain.execute("CREATE TABLE note (body TEXT)")
    plain.executemany("INSERT INTO note VALUES (?)", [(f"catatan {n}",) for n in range(3000)])
    plain.commit()
    plain.close()
    key = keyfile.new_data_key()
    cipher.encrypt_plain(path, key)
    assert _reads_as(path, key, 8_192)
    assert _opened(path, key) == (3000, 8_192)


def test_a_sqlcipher_without_log_levels_still_opens_an_older_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLCipher before 4.6 answers nothing to ``PRAGMA cipher_log_level``: the first
    try is then not silenced, and the file opens all the same."""
    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    _older_file(path, key)
    real = cipher.dbapi()

    class NoLevels:
        def execute(self, sql: str) -> Any:
            assert sql == "PRAGMA cipher_log_level"  # nothing set where nothing was read
            return real.connect(":memory:").execute("SELECT 1 WHERE 0")

        def close(self) -> None:
            pass

    class OlderModule:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def connect(self, name: str, **kwargs: Any) -> Any:
            return NoLevels() if name == ":memory:" else real.connect(name, **kwargs)

    monkeypatch.setattr(cipher, "dbapi", OlderModule)
    assert _opened(path, key) == (3000, 4_096)


def test_an_older_backup_restored_over_a_new_file_opens_quietly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The page size that opened a file is remembered and tried first: a restore
    replaces the file, perhaps by an older 4 KiB backup, and the program forgets it
    (else the 8 KiB try failed loudly, "hmac check failed" on the console)."""
    key = keyfile.new_data_key()
    older = tmp_path / "older" / "silon.db"
    older.parent.mkdir()
    _older_file(older, key)
    made = backup.make_backup(older, tmp_path / "backups", 3, reason="manual", key=key)
    path = tmp_path / "silon.db"
    open_database(path, key=key).close()  # a new 8 KiB file
    cipher.connect(path, key).close()  # opened again: remembered as such
    assert cipher._PAGE_SIZES[str(path)] == 8_192
    backup.restore(made.path, path, tmp_path / "backups", key=key)
    capfd.readouterr()
    assert _opened(path, key) == (3000, 4_096)
    assert "hmac check failed" not in capfd.readouterr().err
