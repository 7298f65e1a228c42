"""A process that writes to the local store until it is killed (for the SIGKILL test).

Usage: ``python writer.py DB_PATH PAIR_ID SEED`` (lines on stdout), or
``python writer.py --zygote``: a process that imports everything once, then for
each line ``DB_PATH PAIR_ID SEED FIFO`` on stdin forks a writer whose stdout is
the named pipe FIFO, and answers ``PID n``. A forked writer starts in
milliseconds instead of a second, so fifty kills take seconds.

Protocol on stdout, one line each, flushed:

- ``R``: the database is open;
- ``I {json}``: the next operation, before it starts;
- ``K``: that operation's transaction has COMMITTED.

Operations: create, update and delete of supporters through ``Repository``, and
``push``: the sync client's own outbox transitions, in one transaction: a
batch claimed (unanswered ``sent`` ones first, then ``pending``), and the
server's answers recorded for part of it (the rest stays ``sent``, as when the
answer is lost).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import uuid

from sqlalchemy import Connection, select

from silon_desktop.storage import outbox
from silon_desktop.storage.db import open_database
from silon_desktop.storage.models import Supporter
from silon_desktop.storage.repository import Repository
from sync.protocol import MutationResult, ResultStatus

SCOPE = "32.14"
NAMES = ("Siti Aminah", "Asep Saepudin", "Dewi Lestari", "Ujang Suherman", "Rina Marlina")
STREETS = ("Jl. Mawar", "Jl. Melati", "Gg. Kenanga", "Kp. Cibening")


def _emit(line: str) -> None:
    os.write(1, (line + "\n").encode())  # unbuffered: printed means written to the pipe


def _values(rng: random.Random) -> dict[str, object]:
    day = rng.randint(1, 28)
    female = rng.random() < 0.5
    nik = f"321401{day + 40 if female else day:02d}0{rng.randint(1, 9)}8{rng.randint(0, 9)}"
    nik += f"{rng.randint(1, 9999):04d}"
    return {
        "nik": nik,
        "name": rng.choice(NAMES),
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 200)}",
        "rt": f"{rng.randint(1, 20):03d}",
        "rw": f"{rng.randint(1, 9):03d}",
    }


def _edit(rng: random.Random) -> dict[str, object]:
    field = rng.choice(("name", "address", "rt", "rw"))
    full = _values(rng)
    changes = {field: full[field]}
    if rng.random() < 0.3:
        other = rng.choice(("name", "address"))
        changes[other] = full[other]
    return changes


def _push(conn: Connection, rng: random.Random) -> None:
    """Claim a batch as the push stage does; answer some of it as applied."""
    _, claimed = outbox.claim_batch(conn, 50)
    answered = [c for c in claimed if rng.random() < 0.5]
    results = [
        MutationResult(c.wire["id"], ResultStatus.APPLIED, version=c.wire["base_version"] + 1)
        for c in answered
    ]
    outbox.record_answers(conn, [(r, r.to_wire()) for r in results])


def write_until_killed(db_path: str, pair_id: str, seed: int) -> None:
    rng = random.Random(seed)
    db = open_database(db_path)
    with db.session() as session:
        live = list(session.scalars(select(Supporter.id).where(Supporter.deleted.is_(False))))
    repo = Repository(db, device_id="kill-test", user="operator")
    _emit("R")
    while True:
        roll = rng.random()
        if roll < 0.4 or not live:
            rid = str(uuid.uuid4())
            values = {"pair_id": pair_id, **_values(rng)}
            _emit("I " + json.dumps({"op": "create", "id": rid, "values": values}))
            repo.create("supporter", values, SCOPE, record_id=rid)
            live.append(rid)
        elif roll < 0.85:
            rid = rng.choice(live)
            values = _edit(rng)
            _emit("I " + json.dumps({"op": "update", "id": rid, "values": values}))
            repo.update("supporter", rid, values)
        elif roll < 0.93:
            rid = live.pop(rng.randrange(len(live)))
            _emit("I " + json.dumps({"op": "delete", "id": rid}))
            repo.delete("supporter", rid)
        else:
            _emit("I " + json.dumps({"op": "push"}))
            with db.engine.begin() as conn:
                _push(conn, rng)
        _emit("K")


def _warm_up() -> None:
    """One full cycle on a scratch database: lazy imports and mapper set-up happen
    here once, not in every forked writer."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        db = open_database(os.path.join(scratch, "warm.db"))
        repo = Repository(db, device_id="warm-up")
        election = repo.create("election", {"name": "x", "region_code": SCOPE}, SCOPE)
        pair = repo.create("pair", {"election_id": election}, SCOPE)
        rid = repo.create("supporter", {"pair_id": pair, **_values(random.Random(0))}, SCOPE)
        repo.update("supporter", rid, {"name": "y"})
        repo.delete("supporter", rid)
        with db.engine.begin() as conn:
            _push(conn, random.Random(0))
        db.close()


def zygote() -> None:
    _warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    for command in sys.stdin:
        db_path, pair_id, seed, fifo = command.split()
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.dup2(os.open(fifo, os.O_WRONLY), 1)
                write_until_killed(db_path, pair_id, int(seed))
            finally:
                os._exit(3)
        sys.stdout.write(f"PID {pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["--zygote"]:
        zygote()
    else:
        write_until_killed(sys.argv[1], sys.argv[2], int(sys.argv[3]))
