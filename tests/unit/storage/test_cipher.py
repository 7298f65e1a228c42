"""Encryption at rest: SQLCipher files, encrypted backups, conversion of a plain file,
and the key file that wraps the data key."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from silon_desktop.storage import backup, cipher, keyfile
from silon_desktop.storage.db import open_database
from silon_desktop.storage.errors import StoreEnvironmentError

SECRET = "3214015708990003 SITI AMINAH"


def _write_secret(db_path: Path, key: bytes | None) -> None:
    db = open_database(db_path, key=key)
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS note (body TEXT)")
            conn.execute(text("INSERT INTO note VALUES (:b)"), {"b": SECRET})
    finally:
        db.engine.dispose()


def _bytes_under(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_encrypted_database_holds_no_readable_text_and_needs_its_key(tmp_path: Path) -> None:
    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    db = open_database(path, key=key)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (body TEXT)")
        conn.execute(text("INSERT INTO note VALUES (:b)"), {"b": SECRET})
    # the WAL is still there (not checkpointed): it must be encrypted too
    files = _bytes_under(tmp_path)
    assert any(p.name.endswith("-wal") for p in files)
    for p, content in files.items():
        assert SECRET.encode() not in content, p
        assert b"SQLite format 3" not in content, p
    db.engine.dispose()
    assert not cipher.is_plain(path)
    assert cipher.opens_with(path, key)
    assert not cipher.opens_with(path, keyfile.new_data_key())
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()
    with pytest.raises(StoreEnvironmentError):
        open_database(path, key=keyfile.new_data_key())
    again = open_database(path, key=key)
    with again.session(readonly=True) as session:
        assert session.execute(text("SELECT body FROM note")).scalar_one() == SECRET
    again.close()


def test_temporary_files_of_an_encrypted_database_stay_in_memory(tmp_path: Path) -> None:
    """SQLCipher does not encrypt SQLite's temporary files (an index build's sorter):
    every connection of the engine keeps them in memory, never in the temp folder."""
    key = keyfile.new_data_key()
    db = open_database(tmp_path / "silon.db", key=key)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA temp_store").scalar_one() == 2
    finally:
        db.close()
    raw = cipher.connect(tmp_path / "silon.db", key)  # backups' and checks' connections
    try:
        assert raw.execute("PRAGMA temp_store").fetchone()[0] == 2
    finally:
        raw.close()


def test_a_new_encrypted_file_gets_the_schema_and_migrations_run(tmp_path: Path) -> None:
    key = keyfile.new_data_key()
    db = open_database(tmp_path / "silon.db", key=key)
    from silon_desktop.storage.db import HEAD_REVISION

    assert db.schema_revision() == HEAD_REVISION
    assert db.key == key
    with db.engine.connect() as conn:  # freed pages can go back to the disk (retention)
        assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() == 2
    db.close()


def test_backups_of_an_encrypted_database_are_encrypted_with_the_same_key(tmp_path: Path) -> None:
    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    _write_secret(path, key)
    made = backup.make_backup(path, tmp_path / "backups", 3, reason="manual", key=key)
    content = made.path.read_bytes()
    assert SECRET.encode() not in content and b"SQLite format 3" not in content
    assert backup.verify(made.path, key)
    assert not backup.verify(made.path)  # useless without the key
    assert not backup.verify(made.path, keyfile.new_data_key())
    # a restore brings it back, still encrypted, readable with the key
    _write_secret(path, key)
    backup.restore(made.path, path, tmp_path / "backups", key=key)
    db = open_database(path, key=key)
    with db.session(readonly=True) as session:
        assert session.execute(text("SELECT count(*) FROM note")).scalar_one() == 1
    db.close()
    assert not cipher.is_plain(path)


def test_a_plain_database_is_converted_and_its_plain_copies_removed(tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    _write_secret(path, None)
    plain = open_database(path)  # a reader keeps the WAL around
    plain.engine.dispose()
    assert cipher.is_plain(path)
    key = keyfile.new_data_key()
    cipher.encrypt_plain(path, key)
    for p, content in _bytes_under(tmp_path).items():
        assert SECRET.encode() not in content, p
    assert not path.with_name("silon.db.encrypting").exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    db = open_database(path, key=key)
    with db.session(readonly=True) as session:
        assert session.execute(text("SELECT body FROM note")).scalar_one() == SECRET
        assert session.execute(text("PRAGMA auto_vacuum")).scalar_one() == 2  # the new file's
    db.close()


def test_a_failed_conversion_leaves_the_plain_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    _write_secret(path, None)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        cipher.encrypt_plain(path, b"short")
    assert path.read_bytes() == before
    assert not path.with_name("silon.db.encrypting").exists()


def test_the_key_file_unwraps_only_with_the_right_secret_and_is_owner_only(
    tmp_path: Path,
) -> None:
    data_key = keyfile.new_data_key()
    kf = keyfile.KeyFile.load(tmp_path)
    assert kf.empty
    kf.wrap_password("op1", "rahasia-benar", data_key)
    kf.wrap_server("op1", b"s" * 32, data_key)
    kf.wrap_keyring(b"k" * 32, data_key)
    kf.save()
    assert stat.S_IMODE(kf.path.stat().st_mode) == 0o600
    assert data_key.hex() not in kf.path.read_text()
    loaded = keyfile.KeyFile.load(tmp_path)
    assert loaded.unwrap_password("op1", "rahasia-benar") == data_key
    assert loaded.unwrap_password("op1", "rahasia-salah") is None
    assert loaded.unwrap_password("op2", "rahasia-benar") is None
    assert loaded.unwrap_server("op1", b"s" * 32) == data_key
    assert loaded.unwrap_server("op1", b"t" * 32) is None
    assert loaded.unwrap_keyring(b"k" * 32) == data_key
    loaded.lock()
    loaded.save()
    locked = keyfile.KeyFile.load(tmp_path)
    assert locked.unwrap_password("op1", "rahasia-benar") is None
    assert locked.unwrap_keyring(b"k" * 32) is None
    assert locked.unwrap_server("op1", b"s" * 32) == data_key  # only the server reopens it


def test_offline_failures_back_off_and_survive_a_restart(tmp_path: Path) -> None:
    kf = keyfile.KeyFile.load(tmp_path)
    state = kf.state("op1")
    for _ in range(keyfile.OFFLINE_FREE_ATTEMPTS):
        state.failed(1000.0)
    assert state.wait_s(1000.0) == keyfile.OFFLINE_BACKOFF_S
    state.failed(1000.0)
    assert state.wait_s(1000.0) == 2 * keyfile.OFFLINE_BACKOFF_S
    kf.save()
    again = keyfile.KeyFile.load(tmp_path).state("op1")
    assert again.failures == keyfile.OFFLINE_FREE_ATTEMPTS + 1
    assert again.wait_s(1000.0) == 2 * keyfile.OFFLINE_BACKOFF_S


def test_a_damaged_key_file_is_told(tmp_path: Path) -> None:
    keyfile.KeyFile.path_in(tmp_path).write_text("{not json", encoding="utf-8")
    with pytest.raises(keyfile.KeyFileError):
        keyfile.KeyFile.load(tmp_path)
