"""Must show: SIGKILL a writing process at random moments (50+ times); every
committed edit is there afterwards and the outbox is consistent with the rows.

The writer (store_helpers/writer.py) announces each operation (``I``) before it
starts and confirms it (``K``) after its COMMIT returned. Confirmed operations
must all be found; the one in flight when the kill came may be there or not,
but never half (the row without its mutation, or the reverse).
"""

from __future__ import annotations

import json
import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.storage.db import open_database
from silon_desktop.storage.models import OutboxMutation, RecordHistory
from silon_desktop.storage.records import row_to_wire
from silon_desktop.storage.repository import Repository
from sync.protocol import ENTITIES

WRITER = Path(__file__).parent / "store_helpers" / "writer.py"
KILLS = 50  # forked writers
SPAWNED_KILLS = 3  # writers started as fresh processes
SCOPE = "32.14"
TRACKED = ("nik", "name", "address", "rt", "rw", "pair_id")

Expected = dict[str, dict[str, Any] | None]  # record id -> tracked fields, None = deleted


def _setup(path: Path) -> str:
    db = open_database(path)
    repo = Repository(db, device_id="kill-test")
    election = repo.create(
        "election",
        {"name": "Pilkada Purwakarta 2024", "kind": "bupati", "region_code": SCOPE, "dpt": 733927},
        SCOPE,
    )
    pair = repo.create("pair", {"election_id": election, "head_name": "Asep"}, SCOPE)
    db.close()
    return pair


class Zygote:
    """The helper that forks writers (see store_helpers/writer.py)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), "--zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def spawn(self, path: Path, pair: str, seed: int, fifo: Path) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{path} {pair} {seed} {fifo}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().split()
        assert answer[:1] == ["PID"], answer
        return int(answer[1])

    def close(self) -> None:
        self.proc.communicate(timeout=10)  # closes its stdin: the zygote ends


def _read_until_killed(fd: int, kill: Callable[[], None], rng: random.Random) -> bytes:
    """Read the writer's lines; SIGKILL it at a random moment; drain what it printed."""
    early = rng.random() < 0.1  # sometimes while it is still opening the database
    kill_at = time.monotonic() + (rng.uniform(0.0, 0.05) if early else 10.0)
    out = bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while time.monotonic() < kill_at:
            if not sel.select(timeout=max(0.0, kill_at - time.monotonic())):
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not chunk and out:
                raise AssertionError("the writer stopped by itself: " + out.decode()[-500:])
            out += chunk
            if not chunk:
                time.sleep(0.001)  # the writer has not opened the pipe yet
            elif out.startswith(b"R\n") and kill_at - time.monotonic() > 5:
                kill_at = time.monotonic() + rng.uniform(0.0, 0.15)
    kill()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            time.sleep(0.001)
            continue
        if not chunk:
            return bytes(out)
        out += chunk


def _run_forked(zygote: Zygote, path: Path, pair: str, seed: int, rng: random.Random) -> list[str]:
    fifo = path.parent / f"writer-{seed}.fifo"
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        pid = zygote.spawn(path, pair, seed, fifo)

        def kill() -> None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                raise AssertionError("the writer died by itself (see its stderr)") from None
            while _alive(pid):  # the zygote reaps it: gone means exited, locks released
                time.sleep(0.001)

        out = _read_until_killed(fd, kill, rng)
    finally:
        os.close(fd)
        fifo.unlink()
    return out.decode().splitlines()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _run_spawned(path: Path, pair: str, seed: int, rng: random.Random) -> list[str]:
    """A writer as a fresh interpreter (slower start; a few of these besides the forks)."""
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), pair, str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)

    def kill() -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    out = _read_until_killed(proc.stdout.fileno(), kill, rng)
    assert proc.returncode == -signal.SIGKILL
    proc.communicate(timeout=10)
    return out.decode().splitlines()


def _parse(lines: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(confirmed operations, the operation in flight or None)."""
    done: list[dict[str, Any]] = []
    flying: dict[str, Any] | None = None
    for line in lines:
        if line.startswith("I "):
            assert flying is None
            flying = json.loads(line[2:])
        elif line == "K":
            assert flying is not None
            done.append(flying)
            flying = None
    return done, flying


def _apply(expected: Expected, op: dict[str, Any]) -> bool:
    """Apply a confirmed operation to the expected state; whether it wrote anything."""
    if op["op"] == "create":
        expected[op["id"]] = {k: op["values"].get(k) for k in TRACKED}
        return True
    if op["op"] == "update":
        current = expected[op["id"]]
        assert current is not None
        changed = any(current[k] != v for k, v in op["values"].items())
        current.update(op["values"])
        return changed
    if op["op"] == "delete":
        expected[op["id"]] = None
        return True
    return False  # a push writes no row and no journal line


def _state(path: Path) -> tuple[dict[str, dict[str, Any]], list[OutboxMutation], int]:
    from sqlalchemy import func, select

    from silon_desktop.storage.models import SYNCED_MODELS

    db = open_database(path)
    rows: dict[str, dict[str, Any]] = {}
    with db.session(readonly=True) as session:
        for entity, model in SYNCED_MODELS.items():
            for row in session.scalars(select(model)):
                rows[row.id] = {
                    "entity": entity,
                    "deleted": row.deleted,
                    "version": row.version,
                    "wire": row_to_wire(entity, row),
                }
        mutations = list(session.scalars(select(OutboxMutation).order_by(OutboxMutation.seq)))
        history = int(session.scalar(select(func.count()).select_from(RecordHistory)) or 0)
    db.close()
    return rows, mutations, history


def _matches(row: dict[str, Any] | None, want: dict[str, Any] | None) -> bool:
    if want is None:
        return row is None or row["deleted"]
    if row is None or row["deleted"]:
        return False
    return all(row["wire"][k] == v for k, v in want.items())


def _check_outbox(rows: dict[str, dict[str, Any]], mutations: list[OutboxMutation]) -> None:
    ids = [m.mutation_id for m in mutations]
    assert len(ids) == len(set(ids)), "duplicate mutation ids"
    by_record: dict[str, list[OutboxMutation]] = {}
    for m in mutations:
        assert m.record_id in rows, f"mutation {m.mutation_id} without its row"
        assert rows[m.record_id]["entity"] == m.entity
        by_record.setdefault(m.record_id, []).append(m)
    for rid, row in rows.items():
        chain = by_record.get(rid, [])
        open_ones = [m for m in chain if m.state == "pending" and m.sent_at is None]
        assert len(open_ones) <= 1 and (not open_ones or open_ones[-1] is chain[-1])
        if row["deleted"]:
            # a never-pushed create deleted again drops both; otherwise a tombstone is queued
            assert (not chain) or chain[-1].op == "delete", rid
            continue
        assert chain, f"live row {rid} without its create mutation"
        assert chain[0].op == "upsert" and chain[0].base_version == 0
        replayed: dict[str, Any] = {}
        for m in chain:
            assert m.op == "upsert"
            replayed.update({f: new for f, (_old, new) in m.changes.items()})
        spec = ENTITIES[row["entity"]]
        for field in spec.client_fields:
            assert row["wire"][field] == replayed.get(field), (rid, field)


@pytest.mark.slow
def test_sigkill_never_loses_a_committed_edit(tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    pair = _setup(path)
    rng = random.Random(20241127)
    expected: Expected = {}
    started = time.monotonic()
    zygote = Zygote()
    cut: list[bool] = []  # per kill inside an operation: whether it had committed
    try:
        writes = _kill_many(path, pair, zygote, rng, expected, cut)
    finally:
        zygote.close()
    elapsed = time.monotonic() - started
    assert writes > KILLS // 2  # the writers did real work between kills
    assert len(cut) > KILLS // 3  # many kills landed inside an operation
    print(
        f"{KILLS + SPAWNED_KILLS} kills, {writes} committed writes, {len(cut)} cut"
        f" mid-operation ({sum(cut)} of them after COMMIT), {elapsed:.1f}s"
    )


def _kill_many(
    path: Path,
    pair: str,
    zygote: Zygote,
    rng: random.Random,
    expected: Expected,
    cut: list[bool],
) -> int:
    writes = 0
    for kill in range(KILLS + SPAWNED_KILLS):
        seed = rng.randrange(1 << 30)
        if kill < KILLS:
            lines = _run_forked(zygote, path, pair, seed, rng)
        else:
            lines = _run_spawned(path, pair, seed, rng)
        done, flying = _parse(lines)
        writes += sum(_apply(expected, op) for op in done)
        rows, mutations, history = _state(path)
        if flying is not None and flying["op"] != "push":
            landed = _settle_in_flight(expected, flying, rows)
            writes += landed
            cut.append(bool(landed))
        for rid, want in expected.items():
            assert _matches(rows.get(rid), want), f"kill {kill}: lost edit of {rid}"
        supporters = {r for r, v in rows.items() if v["entity"] == "supporter"}
        assert supporters == set(expected), f"kill {kill}: unexpected rows"
        assert history == writes + 2, f"kill {kill}: journal"  # + the election and pair
        _check_outbox(rows, mutations)
    return writes


def _settle_in_flight(
    expected: Expected, flying: dict[str, Any], rows: dict[str, dict[str, Any]]
) -> int:
    """The operation cut by the kill is either wholly there or wholly absent."""
    after = {k: (dict(v) if v else v) for k, v in expected.items()}
    wrote = _apply(after, flying)
    rid = flying["id"]
    if _matches(rows.get(rid), after[rid]) and not _matches(rows.get(rid), expected.get(rid)):
        expected.clear()
        expected.update(after)  # it committed just before the kill
        return int(wrote)
    if flying["op"] == "create":
        assert rid not in rows, "half-written create"
    return 0
