"""A laptop's practice data and the training server it came from.

A training server answers ``GET /v1/training`` with its identity, made afresh
on every ``silon-server training reset``. The laptop remembers the identity of
the server its practice data came from; when the server answers with another
one, the practice data here belongs to an earlier session (its cursor, records
and waiting edits mean nothing to the new server), so the sync stops and the
operator is told, and offered to start over (:func:`start_over`). A real server
has no such endpoint (404): practice data is never synced with it, nor data pulled
from a real server with a training server (:func:`practice_problem`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.domain.wording import say
from silon_desktop.storage.db import Database
from silon_desktop.storage.outbox import remove_archive
from sync.client.state import CURSOR_KEY, get_state, set_state
from sync.transport import Transport, TransportError

log = logging.getLogger(__name__)

TRAINING_ID = "training_server_id"
#: What practice data names as its training server after :func:`start_over`: it is
#: still practice data (LATIHAN, never synced with a real server), and its next sync
#: with a training server remembers that server.
STARTED_OVER = "*"
#: Set with :data:`TRAINING_ID` where this version made the data practice data: by its
#: first sync with a training server, which found no feed position of another server and
#: (outside training mode's folder) no row here, or by :func:`start_over`. Every record
#: here then came from a training server or was typed as practice. A folder an earlier
#: version made practice data has no such mark: it may hold records pulled from a real
#: server, whose waiting edits are an operator's work (:func:`unseen_rows`).
CHECKED = "training_checked"
TRAINING_PATH = "/v1/training"
#: Tables a fresh start keeps: the schema version and the offline login verifiers.
_KEPT = frozenset({"alembic_version", "local_account"})

#: the words for a reset training server (the one table's, ``PRACTICE_SERVER_RESET``)
RESET_MESSAGE = say(ErrorCode.PRACTICE_SERVER_RESET)


def practice_id(db: Database) -> str:
    """The identity of the training server this laptop's data came from ("" if none)."""
    with db.session(readonly=True) as session:
        return get_state(session.connection(), TRAINING_ID)


def is_practice(db: Database) -> bool:
    """Whether this laptop's data comes from a training server (LATIHAN everywhere)."""
    return bool(practice_id(db))


def remember_practice(db: Database, data_dir: Path) -> None:
    """Once the data here is practice data, say so in the folder's key file too
    (``silon.key``, :attr:`KeyFile.practice`), where a login reads it before the data
    key opens anything: a room laptop's folder then starts over for another practice
    account rather than refusing it. A folder without a key file (a plain database
    not yet converted) is left alone: its first login writes the flag. Nor while rows
    no server has seen are here (:func:`unseen_rows`): an earlier version made a folder
    practice data at its first sync with a training server even with rows typed
    offline; flagged, another practice account would start it over and delete them."""
    from silon_desktop.storage.keyfile import KeyFile

    if not KeyFile.exists(data_dir) or not is_practice(db):
        return
    with db.engine.connect() as conn:
        if unseen_rows(conn):
            log.warning("practice data here holds rows no server has seen: no practice flag")
            return
    kf = KeyFile.load(data_dir)
    if not kf.practice:
        kf.practice = True
        kf.save()
        log.info("the key file of %s now says its data is practice data", data_dir)


def server_identity(transport: Transport) -> str | None:
    """The server's training identity; "" for a real server (it has no such page), None
    when it cannot say (offline, a refusal of another kind)."""
    try:
        answer: Any = transport.call("GET", TRAINING_PATH, auth=False)
    except TransportError as exc:
        log.debug("no training identity: %s", exc)
        return "" if exc.status == 404 else None
    if isinstance(answer, dict) and isinstance(answer.get("training_id"), str):
        return answer["training_id"] or None
    return None


def check_practice_server(db: Database, transport: Transport, *, folder: bool = False) -> str:
    """Compare the server's identity with the one the practice data came from.

    Returns:
        "" when the sync may go on (real data and a real server, the same training
        server, or a first sync, whose identity is remembered now); else the message
        for the operator (:func:`practice_problem`).
    """
    code = practice_problem(db, transport, folder=folder)
    return "" if code is None else say(code)


def practice_problem(
    db: Database, transport: Transport, *, folder: bool = False
) -> ErrorCode | None:
    """Why this sync must not go on, or None: ``PRACTICE_SERVER_RESET`` the training
    server was reset since this laptop last synced; ``PRACTICE_SERVER_REAL_DATA`` a
    training server met data pulled from another (real) server;
    ``PRACTICE_SERVER_UNSENT_DATA`` a training server met rows typed here that no server
    has seen (in a folder not known as practice data: they may be real citizens' data,
    and a first sync would have made them practice data, which a start over deletes);
    ``PRACTICE_DATA_REAL_SERVER`` a real server met practice data. Nothing of the one
    goes to the other. Refused rather than asked: a wrong yes would put citizens' data
    on a server whose accounts' passwords lie on every desk of the room.

    ``folder``: the data folder is training mode's (``AppPaths.practice``): its data is
    practice data even before it names its training server (before its first sync,
    after :func:`start_over`), so a real server is refused then too."""
    current = server_identity(transport)
    if current is None:
        return None  # cannot say: the sync itself meets what is wrong
    known = practice_id(db)
    if not current:
        if known or folder:
            log.warning("a real server met practice data: no sync")
            return ErrorCode.PRACTICE_DATA_REAL_SERVER
        return None
    if not known or known == STARTED_OVER:
        with db.engine.begin() as conn:
            if get_state(conn, CURSOR_KEY):
                log.warning("a training server met data pulled from another server: no sync")
                return ErrorCode.PRACTICE_SERVER_REAL_DATA
            if not known and not folder and _rows_here(conn):
                log.warning("a training server met rows typed here, never sent: no sync")
                return ErrorCode.PRACTICE_SERVER_UNSENT_DATA
            set_state(conn, TRAINING_ID, current)
            set_state(conn, CHECKED, "1")
        return None
    return None if known == current else ErrorCode.PRACTICE_SERVER_RESET


def holds_real_data(conn: Connection) -> bool:
    """Whether a database holds data a training server must not make practice data:
    not known as practice data (no training server named) and either pulled from a
    server (a feed position) or typed here (:func:`_rows_here`); or known as practice
    data by an earlier version's mark alone while a change made here waits
    (:func:`unseen_rows`)."""
    if get_state(conn, TRAINING_ID):
        # practice data by an earlier version's mark: real while an operator's change waits
        return not get_state(conn, CHECKED) and unseen_rows(conn)
    return bool(get_state(conn, CURSOR_KEY)) or _rows_here(conn)


def _rows_here(conn: Connection) -> bool:
    """Whether the database holds any record or any change made here (waiting, sent
    or exported): data that did not come from a training server."""
    from sqlalchemy import literal_column, select, table

    from sync.protocol import ENTITIES

    for name in ("outbox", *ENTITIES):
        if conn.execute(select(literal_column("1")).select_from(table(name)).limit(1)).first():
            return True
    return False


def unseen_rows(conn: Connection) -> bool:
    """Whether a change made here waits for a server that never accepted it (pending or
    sent): rows typed here, or an operator's edits and deletes of records pulled from a
    server. In data this version made practice data (:data:`CHECKED`), only a creation
    (base version 0) counts: a trainee's waiting verdicts on the practice rows a training
    server gave stay disposable. Elsewhere (an earlier version made the data practice data
    at its first sync with a training server, whatever it held) every waiting change
    counts: the records may have come from a real server, their edits an operator's work.
    """
    from sqlalchemy import select

    from silon_desktop.storage.outbox import WAITING, outbox_t

    query = select(outbox_t.c.seq).where(outbox_t.c.state.in_([s.value for s in WAITING]))
    if get_state(conn, CHECKED):
        query = query.where(outbox_t.c.base_version == 0)
    return conn.execute(query.limit(1)).first() is not None


def follows_resets(db: Database, transport: Transport) -> bool:
    """Whether the data here may follow this server to a new signing key: practice
    data meeting a training server (every reset makes the server a new key; the
    sync then says the session is over, :func:`practice_problem`). Real data never
    follows: a server claiming to be a training one is not trusted with it."""
    return is_practice(db) and bool(server_identity(transport))


def start_over(db: Database, *, folder: bool = False) -> None:
    """Delete every practice record, waiting edit, conflict and sync position here,
    and the archive of acknowledged edits (the next session's seed has the same record
    ids: their history would show the earlier group's work).

    Only for practice data (refused when this laptop never synced with a
    training server); offline login verifiers stay. The data stays marked as practice
    data (:data:`STARTED_OVER`): a room laptop's folder is practice data by this mark
    alone, and without it the window dropped LATIHAN until the next sync.

    Refused, too, while changes no server has accepted are here (:func:`unseen_rows`):
    they may be real data an earlier version made practice data at its first sync (rows
    typed here, an operator's edits and deletes of records pulled from a real server). Not in
    training mode's folder (``folder``: ``AppPaths.practice``), where everything typed
    is practice data (a real server is refused there).

    Raises:
        ValueError: the data here does not come from a training server.
        CodedError: ``PRACTICE_UNSENT_KEPT`` rows no server has seen (nothing deleted).
    """
    if not is_practice(db):
        raise ValueError("start over refused: this laptop's data is not practice data")
    with db.engine.begin() as conn:
        if not folder and unseen_rows(conn):
            log.warning("start over refused: rows no server has seen are here")
            raise CodedError(ErrorCode.PRACTICE_UNSENT_KEPT)
        schema = MetaData()
        schema.reflect(conn)
        for table in reversed(schema.sorted_tables):  # children before parents
            if table.name not in _KEPT:
                conn.execute(table.delete())
        set_state(conn, TRAINING_ID, STARTED_OVER)
        set_state(conn, CHECKED, "1")  # nothing is left but what the next session brings
    remove_archive(db.path)
    log.info("practice data deleted for a fresh start")
