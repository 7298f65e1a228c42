"""Opening the local SQLite database: durable settings, migrations, sessions.

Every connection is set up the same way (an engine ``connect`` event):

- ``journal_mode=WAL``: readers never block the writer, and a crash leaves the
  last committed state;
- ``synchronous=FULL``: a commit is on disk when it returns (power cuts are
  common in the offices);
- ``foreign_keys=ON`` and ``busy_timeout`` (10 s): a second writer waits
  instead of failing at once.

The driver's own implicit transactions are switched off and every transaction
starts with an explicit ``BEGIN IMMEDIATE`` (write sessions: the write lock is
taken up front, so a read-then-write never fails half-way on a lock) or
``BEGIN`` (read-only sessions: a consistent snapshot, no lock).

Threads: a :class:`Database` may be shared by threads, a session may not. Each
thread (UI, sync worker, import worker) opens its own ``with db.session():``
and passes ids or plain values to the others, never ORM objects.

Schema: :func:`open_database` brings the file to the newest schema with the
Alembic migrations shipped in ``storage/migrations`` (one transaction: the
upgrade happens completely or not at all). A brand-new file is created straight
from the models and stamped with the head revision (the migrations and the
models are checked to agree by a test), which keeps start-up fast.

Encryption: given the folder's data key, the file is a SQLCipher 4 database
(``storage/cipher.py``): every connection is keyed before anything else runs,
and the settings above apply unchanged. Without a key the file is plain SQLite
(tests of the storage layer, and a folder from before encryption until its
first login converts it).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.storage.checkpoints import AUTOCHECKPOINT_PAGES, Checkpointer
from silon_desktop.storage.cipher import PAGE_SIZE, connect_any, is_connection
from silon_desktop.storage.errors import (
    CorruptDatabase,
    StoreEnvironmentError,
    environment_error,
    filesystem_error,
)
from silon_desktop.storage.integrity import watch_commits
from silon_desktop.storage.models import Base
from sync.privacy import FOLDER_MODE, open_private

log = logging.getLogger(__name__)

#: The newest migration; a unit test checks it equals the migrations' head.
HEAD_REVISION = "0014"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
_READONLY_OPTION = "silon_readonly"


class SchemaTooNew(StoreEnvironmentError):
    default_code = ErrorCode.DB_SCHEMA_TOO_NEW


class Database:
    """An open local database.

    Attributes:
        path: the database file.
        engine: the SQLAlchemy engine (for Core statements such as bulk inserts;
            its transactions start with ``BEGIN IMMEDIATE`` too).
    """

    def __init__(self, path: Path, engine: Engine, key: bytes | None = None) -> None:
        self.path = path
        self.engine = engine
        #: the data key of an encrypted file (None: plain SQLite); backups use it too
        self.key = key
        self._write = sessionmaker(bind=engine, expire_on_commit=False)
        self._read = sessionmaker(bind=read_only(engine), expire_on_commit=False)
        #: copies a bulk commit's pages into the file off the writer's path
        self.checkpointer = Checkpointer(
            lambda: connect_any(path, key, timeout=BUSY_TIMEOUT_MS / 1000), path
        )

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A session for this thread: commits at the end, rolls back on error.

        Args:
            readonly: take a snapshot without the write lock; anything written
                in it is discarded. For queries, e.g. paging a table while an
                import runs.

        Raises:
            StoreEnvironmentError: the database is locked, the disk full, the
                file damaged; the transaction was rolled back.
        """
        session = (self._read if readonly else self._write)()
        try:
            yield session
            if not readonly:
                session.commit()
            # a read-only session just closes: the pool rolls its snapshot back,
            # and the loaded objects stay readable (detached, not expired)
        except BaseException as error:
            session.rollback()
            problem = environment_error(error)
            if problem is not None:
                raise problem from error
            raise
        finally:
            session.close()

    @contextmanager
    def bulk_connection(self) -> Iterator[Connection]:
        """A connection for one large write (an import, a snapshot installed; the
        caller begins its transaction): its commit leaves the WAL's checkpoint to a
        background thread (:mod:`silon_desktop.storage.checkpoints`) instead of
        copying every page it wrote into the file before returning. Not for commits
        that follow each other (feed pages): the copy never catches up with them."""
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA wal_autocheckpoint = 0")
            try:
                yield conn
            finally:
                raw.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
        self.checkpointer.soon()

    def schema_revision(self) -> str | None:
        """The Alembic revision the file is at (None for an empty file)."""
        with read_only(self.engine).connect() as conn:
            return _current_revision(conn)

    def close(self) -> None:
        """Let SQLite refresh its planner statistics, then close every connection
        (a background checkpoint under way ends first; the last connection's close
        copies what is left)."""
        self.checkpointer.stop()
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA optimize")
        except Exception as error:  # noqa: BLE001 (closing must not fail on a busy file)
            log.debug("PRAGMA optimize skipped: %s", error)
        self.engine.dispose()


def create_sqlite_engine(path: str | Path, key: bytes | None = None) -> Engine:
    """An engine on ``path`` with the durable per-connection settings above.

    Args:
        key: the data key of a SQLCipher file (None: plain SQLite).
    """
    if key is None:
        engine = create_engine(
            f"sqlite:///{Path(path)}",
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
            # A failed statement's text reaches logs and the helpdesk's diagnostics:
            # its bound values (NIKs, names, birth dates) must not (issue #14).
            hide_parameters=True,
        )
    else:
        from sqlalchemy.pool import QueuePool

        from silon_desktop.storage import cipher

        file, data_key = str(Path(path)), key
        engine = create_engine(
            f"sqlite:///{file}",
            module=cipher.dbapi(),
            # the creator keys each connection before SQLAlchemy runs anything on it
            creator=lambda: cipher.connect(file, data_key, timeout=BUSY_TIMEOUT_MS / 1000),
            poolclass=QueuePool,
            # the most recently used connection first: its cache holds decrypted pages
            pool_use_lifo=True,
            hide_parameters=True,
        )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def read_only(engine: Engine) -> Engine:
    """``engine`` with transactions begun by a plain ``BEGIN``: a snapshot, no write lock.

    For long reads on a bare engine (reports counting or exporting a million
    rows): they neither wait for nor hold up a writer such as an import or a sync.
    """
    return engine.execution_options(**{_READONLY_OPTION: True})


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    assert is_connection(dbapi_connection)
    # Transactions are begun explicitly in _on_begin, not by the driver.
    dbapi_connection.isolation_level = None
    # busy_timeout is set by the driver from connect_args["timeout"].
    cursor = dbapi_connection.cursor()
    try:
        if isinstance(dbapi_connection, sqlite3.Connection):
            # A new plain file's pages: as an encrypted one's (cipher.PAGE_SIZE, where
            # SQLCipher takes it instead). An existing file keeps its own.
            cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        # A new file gives the pages it frees back to the disk on demand (retention
        # runs PRAGMA incremental_vacuum after moving acknowledged mutations out).
        # Only a file without tables takes it, and only before WAL mode is set; for
        # an existing file it changes nothing.
        cursor.execute("PRAGMA auto_vacuum = INCREMENTAL")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            log.warning("SQLite refused WAL mode (got %s)", mode)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # SQLite's own temporary files (an index build's sorter, a large ORDER BY, a
        # temp table) stay in memory, on a plain file as on an encrypted one
        # (cipher.apply_key): by default they go to the system's temp folder, and an
        # index built on a plain folder's supporters (an import before the first
        # login) wrote their NIKs and names there, unlinked but on disk.
        cursor.execute("PRAGMA temp_store = MEMORY")
    finally:
        cursor.close()


def _on_begin(conn: Connection) -> None:
    readonly = bool(conn.get_execution_options().get(_READONLY_OPTION))
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def open_database(
    path: str | Path,
    *,
    migrate: bool = True,
    backups: Path | None = None,
    key: bytes | None = None,
) -> Database:
    """Open (creating it if needed) the database at ``path``, at the newest schema.

    Args:
        path: the database file; its folder is created if missing.
        migrate: bring an older file up to :data:`HEAD_REVISION` (tests turn
            this off to look at an old file as it is).
        backups: the backups folder; when given, an older file is backed up
            (reason ``before-<head>``) before it is upgraded.
        key: the folder's data key: the file is SQLCipher-encrypted with it
            (None: plain SQLite).

    Raises:
        CorruptDatabase: the file is not a (Silon) SQLite database.
        SchemaTooNew: the file was written by a newer program.
        StoreEnvironmentError: locked, unreadable, disk full, its folder
            cannot be created.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        if not path.exists():  # SQLite gives its -wal and -shm files the database's mode
            open_private(path, "ab").close()
    except OSError as error:
        raise filesystem_error(error) from error
    engine = create_sqlite_engine(path, key)
    watch_commits(engine, path)  # a lost WAL is told at the next start
    try:
        if migrate:
            _bring_to_head(engine, backups, key)
    except BaseException as error:
        engine.dispose()
        problem = environment_error(error)
        if problem is not None:
            raise problem from error
        raise
    return Database(path, engine, key)


def _bring_to_head(engine: Engine, backups: Path | None, key: bytes | None = None) -> None:
    with read_only(engine).connect() as conn:
        revision = _current_revision(conn)
        has_tables = bool(inspect(conn).get_table_names())
    if revision == HEAD_REVISION:
        return
    if revision is None and not has_tables and _create_fresh(engine):
        return
    with read_only(engine).connect() as conn:
        revision = _current_revision(conn)
    if revision == HEAD_REVISION:
        return  # another process created it meanwhile
    if revision is None:
        raise CorruptDatabase(detail="no schema revision: not a Silon Desktop database")
    log.info("upgrading the local database from revision %s to %s", revision, HEAD_REVISION)
    if backups is not None:
        from silon_desktop.storage.backup import make_backup

        make_backup(
            Path(engine.url.database or ""),
            backups,
            None,
            reason=f"before-{HEAD_REVISION}",
            key=key,
        )
    migrate(engine, "head")


def _current_revision(conn: Connection) -> str | None:
    try:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])
    finally:
        conn.rollback()


def _create_fresh(engine: Engine) -> bool:
    """A new file: the tables straight from the models, stamped at the head revision.

    Returns:
        False when another process created tables first (under the write lock).
    """
    with engine.begin() as conn:
        if inspect(conn).get_table_names():
            return False
        Base.metadata.create_all(conn)
        conn.exec_driver_sql(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
        conn.execute(text("INSERT INTO alembic_version VALUES (:rev)"), {"rev": HEAD_REVISION})
    return True


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic ``Config`` on the shipped migrations (optionally bound to a connection)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` in one transaction.

    Foreign keys are off during the upgrade (batch migrations copy tables) and
    checked afterwards; any violation rolls the whole upgrade back.

    Raises:
        SchemaTooNew: the file is at a revision this program does not know.
        CorruptDatabase: the upgraded data breaks a foreign key.
    """
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    with engine.connect() as conn:
        current = _current_revision(conn)
        script = ScriptDirectory.from_config(alembic_config())
        if current is not None:
            try:
                script.get_revision(current)
            except CommandError as error:
                raise SchemaTooNew(detail=f"revision {current}") from error
        raw = conn.connection.driver_connection
        assert raw is not None and is_connection(raw)
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise CorruptDatabase(detail=f"foreign keys broken after upgrade: {broken[:3]}")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
