"""Engines, migrations and the write transaction of the server.

SQLite (one server process, the default) or PostgreSQL (several processes).
Every write that touches the change feed or the audit chain runs in
:func:`write_tx` or, for a push, in :meth:`GroupCommit.run`. Feed sequence
numbers and audit ids are given in commit order: a reader never sees sequence 6
before 5 is visible.

SQLite: ``BEGIN IMMEDIATE`` (the database write lock) held until commit; writers
are serialised, and a process's queued pushes are committed together
(:class:`GroupCommit`).

PostgreSQL (issue 19: one lock around every whole push made several processes
no faster than one): a push takes only the locks of the scopes it writes
(transaction-scoped advisory locks, :data:`SCOPE_LOCKS`), so pushes of different
kabupaten read, check and apply in parallel, in any process; pushes of one scope
still run one after the other, which keeps every read-modify-write of a record,
the exactly-once answers and the duplicate-NIK index (all within one scope: a
record's parent, pair and election share its scope) as they were. Only the
commit-order stamp is serialised: :func:`stamp` takes :data:`WRITE_LOCK` just
before the push gives its rows their feed sequences and its audit entries their
ids and chain hashes, and holds it until commit. Every other writer
(:func:`write_tx`: accounts, objections, keys...) takes :data:`ALL_SCOPES`
exclusively (pushes hold it shared) and then the stamp, so it runs alone as
before. Locks are always taken in the order all scopes, scopes (by key), stamp.

Within one process the writers first queue on a first-come, first-served lock
(:class:`FairLock`) and only then take a connection. SQLite's own wait for its
write lock is a busy handler that sleeps and polls: with a hundred offices
pushing at once an unlucky push kept losing the race and waited seconds while
others went through in a tenth of that (bench_offices: p50 134 ms, p99 2.9 s with
20 offices). The queue serves pushes in arrival order, and a waiting push holds
no pooled connection (feed reads keep theirs). PostgreSQL queues its advisory
locks itself.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import weakref
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, Table, create_engine, event, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from sync.privacy import private_folder
from sync.server import stages

log = logging.getLogger(__name__)

T = TypeVar("T")

#: PostgreSQL advisory lock keys. The stamp: feed sequences and audit ids are given
#: under it, held until commit.
WRITE_LOCK = 823_741
#: Held shared by every push, exclusively by every other writer (:func:`write_tx`).
ALL_SCOPES = 823_742
#: First key of a scope's lock (the second: :func:`scope_key` of the scope).
SCOPE_LOCKS = 823_743
#: ``Connection.info`` key: when this transaction took the stamp (stage timing only).
_STAMPED = "silon_stamped_at"
SQLITE_NAME = "server.sqlite3"
#: PostgreSQL: seconds a new connection may take. Without a limit a server that took
#: the connection and then said nothing (hung, or a firewall or proxy in between)
#: held the request, the command or the server's start for ever; it now fails as an
#: unreachable database does (503 busy, the command's "basis data tidak dapat dipakai").
PG_CONNECT_TIMEOUT_S = 10
#: PostgreSQL: TCP keepalives of every connection (libpq's parameters). A network
#: that drops (a cable, a NAT or firewall forgetting the flow) sends nothing back:
#: without them a pooled connection, or a request waiting on one, stayed open until
#: the kernel's default of two hours. A silent peer is now given up after about a
#: minute: probed after 30 s idle, every 10 s, 3 times; ``tcp_user_timeout`` (ms)
#: also ends a connection whose sent data goes unacknowledged that long, which the
#: probes (only sent on an idle connection) do not cover. The request then fails as
#: an unreachable database does (503 busy).
PG_KEEPALIVES: dict[str, int] = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}
#: SQLite: the size a write-ahead log is cut back to when it restarts (the
#: checkpoint size, 16,000 pages of 4 KB).
WAL_LIMIT_BYTES = 64 * 1024 * 1024


def database_url(data_dir: Path | None, url: str | None) -> str:
    """The SQLAlchemy URL from ``--database-url`` or ``--data-dir``."""
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    if data_dir is None:
        raise ValueError("give --data-dir or --database-url")
    private_folder(data_dir)
    return f"sqlite:///{(data_dir / SQLITE_NAME).resolve()}"


def make_engine(url: str) -> Engine:
    """An engine with the pragmas and begin behaviour the server relies on.

    Bound parameters are hidden from error messages: a failed statement is logged
    (the 503 handler), and its parameters may be password hashes or NIKs.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 60},
            hide_parameters=True,
        )
        _sqlite_setup(engine)
        return engine
    return create_engine(
        url,
        pool_size=8,
        max_overflow=8,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args=_connect_args(url),
    )


def _connect_args(url: str) -> dict[str, Any]:
    """The DB-API connection arguments of a server database URL (PostgreSQL: the
    connect timeout, :data:`PG_CONNECT_TIMEOUT_S`, and :data:`PG_KEEPALIVES`)."""
    if url.startswith("postgresql"):
        return {"connect_timeout": PG_CONNECT_TIMEOUT_S, **PG_KEEPALIVES}
    return {}


#: Parameter types that Python's sqlite3 module binds only after its adaptation
#: protocol, and their adapters (registered for the process: :func:`_sqlite_setup`).
#: Without an adapter every such value (the packed fields, digests and origins are
#: bytes; flags are bools) first failed two attribute lookups, one of them raising
#: and formatting an AttributeError: about 1.5 us per value, seven values per
#: pushed supporter. With one, sqlite3 finds it in its registry and calls it; the
#: stored values are the same (a bool was stored as the integer 0 or 1, bytes and
#: a memoryview as the blob of their bytes).
SQLITE_ADAPTERS: tuple[tuple[type[Any], Callable[[Any], Any]], ...] = (
    (bytes, bytes),
    (bool, int),
    (memoryview, bytes),
)


def _sqlite_setup(engine: Engine) -> None:
    for kind, adapter in SQLITE_ADAPTERS:
        sqlite3.register_adapter(kind, adapter)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA cache_size=-32768")  # 32 MiB per connection
        # Checkpoint less often: pages dirtied by many commits are copied back once.
        cur.execute("PRAGMA wal_autocheckpoint=16000")
        # A WAL that grew past the checkpoint size (a reader held it, so no
        # checkpoint could restart it) is cut back to that size when it restarts.
        cur.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
        # A sort or temporary table that outgrows the cache stays in memory: in a
        # temporary file it would lie in the system's temporary folder, outside the
        # data folder, and the rows it holds may be supporters' (records' packed
        # fields are compressed, not encrypted). As the desktop's connections do.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("write_lock"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


_commits = [0]


def commits() -> int:
    """How many :func:`write_tx` transactions this process has committed (a cache
    of anything written may be trusted while this number stays the same)."""
    return _commits[0]


class FairLock:
    """A lock granted in the order it was asked for (``threading.Lock`` promises no order).

    Not reentrant. The holder hands the lock straight to the longest waiter, so no
    newcomer can overtake a thread already waiting.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiters.append(turn)
        turn.wait()  # set by release(): the lock is ours, still marked held

    @property
    def waiting(self) -> int:
        """Threads queued behind the holder."""
        with self._mutex:
            return len(self._waiters)

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._held = False

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


class FairSemaphore:
    """Up to ``n`` holders at once, granted in the order asked (see :class:`FairLock`)."""

    def __init__(self, n: int) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._free = n

    def acquire(self) -> None:
        with self._mutex:
            if self._free and not self._waiters:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiters.append(turn)
        turn.wait()  # set by release(): a place handed over, still counted as taken

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._free += 1

    def __enter__(self) -> FairSemaphore:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


#: PostgreSQL: pushes of one process doing their work at once (each in its own
#: transaction, holding its scopes' locks). The work is mostly Python, one thread at
#: a time: with eight at once (every push slot) each took eight times as long while
#: holding its scope's lock, which the same kabupaten's pushes on the other
#: processes waited for (bench_offices, 4 processes). Two let one's database round
#: trips overlap another's Python. A push waiting for its scope's lock holds none.
PG_WORKERS = 2

_queues: weakref.WeakKeyDictionary[Engine, FairLock] = weakref.WeakKeyDictionary()
_workers: weakref.WeakKeyDictionary[Engine, FairSemaphore] = weakref.WeakKeyDictionary()
_queues_guard = threading.Lock()


def push_workers(engine: Engine) -> FairSemaphore:
    """The places for pushes at work on ``engine`` in this process (:data:`PG_WORKERS`)."""
    with _queues_guard:
        workers = _workers.get(engine)
        if workers is None:
            workers = _workers[engine] = FairSemaphore(PG_WORKERS)
        return workers


def writer_queue(engine: Engine) -> FairLock:
    """The in-process queue of :func:`write_tx` callers on ``engine``."""
    with _queues_guard:
        queue = _queues.get(engine)
        if queue is None:
            queue = _queues[engine] = FairLock()
        return queue


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the server-wide write lock until it commits.

    Callers in this process queue first come, first served (:class:`FairLock`);
    the database lock then orders them against other processes (on PostgreSQL
    :data:`ALL_SCOPES` exclusively, then the stamp: no push runs meanwhile).
    """
    with writer_queue(engine), engine.connect() as raw:
        conn = raw.execution_options(write_lock=True)
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ALL_SCOPES})
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
                yield conn
        finally:
            conn.info.pop(_STAMPED, None)
    _commits[0] += 1


def scope_key(scope: str) -> int:
    """The second key (a signed 32-bit int) of ``scope``'s advisory lock.

    Two scopes may share a key: they are then serialised with each other, no more.
    """
    return zlib.crc32(scope.encode("utf-8")) - 2**31


@contextmanager
def scoped_tx(engine: Engine, scopes: Iterable[str]) -> Iterator[Connection]:
    """PostgreSQL: a push's transaction, holding the locks of ``scopes`` until commit.

    :data:`ALL_SCOPES` shared, then each scope's lock in key order (one order for
    every transaction: no deadlock between them). The feed and the audit chain
    are written only after :func:`stamp`.
    """
    started = time.perf_counter()
    with engine.connect() as conn:
        conn.info.pop(_STAMPED, None)
        with conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": ALL_SCOPES})
            for key in sorted({scope_key(s) for s in scopes}):
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:n, :k)"), {"n": SCOPE_LOCKS, "k": key}
                )
            stages.since("group.lock_wait", started)
            held = time.perf_counter()
            yield conn
            committing = time.perf_counter()
        stages.since("group.commit", committing)
        stages.since("group.hold", held)
        stamped = conn.info.pop(_STAMPED, None)
        if stamped is not None:
            stages.since("stamp.hold", stamped)
    _commits[0] += 1


def stamp(conn: Connection) -> None:
    """Take the commit-order stamp before giving feed sequences and audit ids.

    PostgreSQL: :data:`WRITE_LOCK`, held until the transaction ends (a push in
    :func:`scoped_tx` takes it here; :func:`write_tx` holds it already). SQLite:
    nothing to do, the transaction holds the database write lock.
    """
    if conn.dialect.name != "postgresql":
        return
    started = time.perf_counter()
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
    stages.since("write.stamp_wait", started)
    conn.info[_STAMPED] = time.perf_counter()


class _Job:
    """One caller's work in a group commit."""

    __slots__ = ("error", "lead", "queued_at", "result", "wake", "work")

    def __init__(self, work: Callable[[Connection], Any]) -> None:
        self.work = work
        self.wake = threading.Event()
        self.lead = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.queued_at = 0.0


class GroupCommit:
    """Write transactions of one process committed together (group commit).

    With a hundred offices pushing at once a push mostly waits its turn, and every
    commit then waits for the disk (``synchronous=FULL``). Callers queue their
    work; one of them (the leader) takes the write lock, then everything queued by
    then, runs each piece in a SAVEPOINT of that ONE transaction in arrival order,
    and commits once; then it hands the lead to the first caller that queued
    meanwhile. A piece that raises is rolled back to its savepoint and its caller
    gets the exception; the others are committed. When the transaction itself
    fails, every caller of the group gets that error and none of their work is kept.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._queue: list[_Job] = []
        self._leading = False
        #: How many groups this process committed, and how many pieces they held.
        self.groups = 0
        self.pieces = 0

    @property
    def queued(self) -> int:
        """Pieces waiting for a group."""
        with self._mutex:
            return len(self._queue)

    def run(
        self,
        engine: Engine,
        work: Callable[[Connection], T],
        scopes: Iterable[str] | None = None,
    ) -> T:
        """Run ``work`` in a group's transaction; its result once that committed.

        ``scopes``: on PostgreSQL, the scopes ``work`` writes; it then runs in a
        transaction of its own holding only their locks (:func:`scoped_tx`), in
        parallel with other scopes' pushes (the database commits concurrent
        transactions together by itself), once it has one of this process's
        :data:`PG_WORKERS` places (taken after the scopes' locks, given back
        before the commit). ``work`` must call :func:`stamp` before
        it writes the feed or the audit chain. Ignored on SQLite.

        Raises:
            Exception: what ``work`` raised (its piece undone), or what made the
                group's transaction fail (nothing of the group kept).
        """
        started = time.perf_counter()
        if scopes is not None and engine.dialect.name == "postgresql":
            with scoped_tx(engine, scopes) as conn, push_workers(engine):
                stages.since("group.wait", started)
                working = time.perf_counter()
                result = work(conn)
                stages.since("group.work", working)
            return result
        job = _Job(work)
        job.queued_at = started
        with self._mutex:
            self._queue.append(job)
            lead = not self._leading
            self._leading = True
        if not lead:
            job.wake.wait()
            if not job.lead:
                return cast(T, self._outcome(job))
        try:
            self._commit(engine)
        finally:
            with self._mutex:
                if self._queue:
                    self._queue[0].lead = True
                    self._queue[0].wake.set()
                else:
                    self._leading = False
        return cast(T, self._outcome(job))

    @staticmethod
    def _outcome(job: _Job) -> Any:
        if job.error is not None:
            raise job.error
        return job.result

    def _commit(self, engine: Engine) -> None:
        group: list[_Job] = []
        started = time.perf_counter()
        try:
            with write_tx(engine) as conn:
                held = time.perf_counter()
                stages.since("group.lock_wait", started)
                with self._mutex:  # everyone who queued while the lock was awaited
                    group, self._queue = self._queue, []
                stages.note("group.pieces", len(group))
                for job in group:
                    working = time.perf_counter()
                    stages.since("group.wait", job.queued_at)
                    try:
                        with conn.begin_nested():
                            job.result = job.work(conn)
                    except Exception as exc:  # noqa: BLE001 - handed to its own caller
                        job.error = exc
                    stages.since("group.work", working)
                committing = time.perf_counter()
            stages.since("group.commit", committing)
            stages.since("group.hold", held)
            self.groups += 1
            self.pieces += len(group)
        except BaseException as exc:  # noqa: BLE001 - the transaction failed: none kept
            with self._mutex:
                if not group:
                    group, self._queue = self._queue, []
            for job in group:
                job.result, job.error = None, exc
        finally:
            for job in group:
                job.wake.set()


_groups: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()


def group_commit(engine: Engine) -> GroupCommit:
    """The group commit of ``engine`` in this process (see :class:`GroupCommit`)."""
    with _queues_guard:
        group = _groups.get(engine)
        if group is None:
            group = _groups[engine] = GroupCommit()
        return group


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read transaction (one consistent snapshot).

    PostgreSQL: REPEATABLE READ. Its default, READ COMMITTED, gives each statement
    a snapshot of its own: a reader of several statements saw what other processes
    committed between them (``audit verify`` walked the log, then found the records
    a push wrote meanwhile and reported the chain broken).
    """
    with engine.connect() as raw:
        conn = raw
        if raw.dialect.name == "postgresql":
            conn = raw.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def migrate(url: str) -> None:
    """Upgrade the server schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    script_location = str(resources.files("sync.server") / "migrations")
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = create_engine(
        url, poolclass=NullPool, hide_parameters=True, connect_args=_connect_args(url)
    )
    if url.startswith("sqlite"):
        _sqlite_setup(engine)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
    finally:
        engine.dispose()


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows with one DB-API ``executemany`` and no per-row SQLAlchemy work.

    The statement is built by SQLAlchemy (compiled for the dialect) once per table,
    columns and dialect (:func:`_insert_plan`); each row then becomes its parameter
    tuple by one ``itemgetter`` call, which dominates for thousands of rows.
    Every row has the keys of the first, in any order.
    """
    if not rows:
        return
    sql, order, convert = _insert_plan(conn.dialect, table, tuple(rows[0]))
    # Columns of a decorated type (the packed JSON of sync.server.schema) still
    # take their own conversion; a value already converted (packed bytes) is kept.
    for key, process in convert:
        if not all(type(r[key]) is bytes for r in rows):
            rows = [{**r, key: process(r[key])} for r in rows]
    if order is None:  # named parameters (psycopg): the rows themselves
        conn.exec_driver_sql(sql, rows)
        return
    get = itemgetter(*order)
    params = list(map(get, rows)) if len(order) > 1 else [(get(r),) for r in rows]
    conn.exec_driver_sql(sql, params)


def bulk_insert_values(
    conn: Connection, table: Table, keys: tuple[str, ...], values: list[tuple[Any, ...]]
) -> None:
    """:func:`bulk_insert` of rows given as tuples of the columns ``keys`` (no dict
    made per row). Columns of a decorated type are not converted: give them as stored.
    """
    if not values:
        return
    sql, order, _convert = _insert_plan(conn.dialect, table, keys)
    if order is None:  # named parameters (psycopg)
        conn.exec_driver_sql(sql, [dict(zip(keys, v, strict=True)) for v in values])
    elif order == keys:
        conn.exec_driver_sql(sql, values)
    else:
        conn.exec_driver_sql(sql, list(map(itemgetter(*map(keys.index, order)), values)))


_Plan = tuple[str, tuple[str, ...] | None, tuple[tuple[str, Callable[[Any], Any]], ...]]
_plans: dict[tuple[type[Dialect], str, Table, tuple[str, ...]], _Plan] = {}


def _insert_plan(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Plan:
    """The compiled ``INSERT`` of ``keys`` into ``table``: its SQL text, the order of
    its positional parameters (None: named), and the columns' bind conversions."""
    cache_key = (type(dialect), dialect.paramstyle, table, keys)
    found = _plans.get(cache_key)
    if found is not None:
        return found
    convert = tuple(
        (k, p)
        for k in keys
        if isinstance(table.c[k].type, TypeDecorator)
        and (p := table.c[k].type.bind_processor(dialect)) is not None
    )
    compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or keys) if compiled.positional else None
    plan: _Plan = (str(compiled), order, convert)
    _plans[cache_key] = plan
    return plan


def fold_wal(engine: Engine) -> None:
    """Close the pooled connections and, on SQLite, fold the write-ahead log into the
    database and empty it: called at a clean stop (a stopped server used to leave its
    WAL, up to the 64 MB checkpoint size, beside the database). Never raises: the WAL
    a failed checkpoint leaves is still valid, and SQLite folds it in at the next open."""
    engine.dispose()
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return
    try:
        con = sqlite3.connect(engine.url.database, timeout=5)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
    except sqlite3.Error as error:
        log.warning("write-ahead log not folded in at stop: %s", error)
