"""Writers of one server process are served in the order they asked (bench_offices' tail)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sync.server.db import (
    FairLock,
    FairSemaphore,
    database_url,
    make_engine,
    write_tx,
    writer_queue,
)
from tests.unit.server.support import migrated


def _queue_up(lock: FairLock, n: int, order: list[int]) -> list[threading.Thread]:
    """Start ``n`` threads one after the other, each queued before the next starts."""
    threads = []
    for i in range(n):

        def take(i: int = i) -> None:
            with lock:
                order.append(i)

        t = threading.Thread(target=take)
        t.start()
        while lock.waiting < i + 1:  # this one is in the queue before the next one asks
            threading.Event().wait(0.001)
        threads.append(t)
    return threads


def test_the_lock_is_granted_in_the_order_it_was_asked_for() -> None:
    lock = FairLock()
    order: list[int] = []
    lock.acquire()
    threads = _queue_up(lock, 12, order)
    lock.release()
    for t in threads:
        t.join(10)
    assert order == list(range(12))
    # Free again: taken at once, and again after that.
    with lock:
        pass
    assert lock.waiting == 0


def test_a_newcomer_never_overtakes_a_waiting_writer() -> None:
    lock = FairLock()
    order: list[int] = []
    lock.acquire()
    threads = _queue_up(lock, 1, order)
    # The holder releases and asks again at once: the waiting thread goes first.
    lock.release()
    lock.acquire()
    order.append(99)
    lock.release()
    threads[0].join(10)
    assert order == [0, 99]


def test_write_transactions_of_one_engine_queue_in_arrival_order(tmp_path: Path) -> None:
    url = migrated(database_url(tmp_path, None))  # a copy of the migrated template
    engine = make_engine(url)
    order: list[int] = []
    try:
        queue = writer_queue(engine)
        assert writer_queue(engine) is queue  # one queue per engine
        with write_tx(engine) as conn:
            conn.execute(text("INSERT INTO regions (code, name) VALUES ('00', 'first')"))
            threads = []
            for i in range(6):

                def write(i: int = i) -> None:
                    with write_tx(engine) as c:
                        c.execute(
                            text("INSERT INTO regions (code, name) VALUES (:c, 'w')"),
                            {"c": f"w{i}"},
                        )
                        order.append(i)

                t = threading.Thread(target=write)
                t.start()
                while queue.waiting < i + 1:
                    threading.Event().wait(0.001)
                threads.append(t)
        for t in threads:
            t.join(30)
        assert order == list(range(6))
        # A failed writer releases the queue too (its transaction rolled back).
        with pytest.raises(IntegrityError), write_tx(engine) as conn:
            conn.execute(text("INSERT INTO regions (code, name) VALUES ('00', 'again')"))
        with write_tx(engine) as conn:
            names = conn.execute(text("SELECT count(*) FROM regions WHERE name = 'w'")).scalar()
        assert names == 6
    finally:
        engine.dispose()


def test_a_fair_semaphore_lets_n_in_and_the_rest_after_them() -> None:
    places = FairSemaphore(2)
    places.acquire()
    places.acquire()  # both places taken at once
    order: list[int] = []
    threads = []
    for i in range(6):

        def take(i: int = i) -> None:
            with places:
                order.append(i)

        t = threading.Thread(target=take)
        t.start()
        while len(places._waiters) < i + 1:  # queued before the next one asks
            threading.Event().wait(0.001)
        threads.append(t)
    assert order == []  # nobody got in while both places were held
    places.release()
    places.release()
    for t in threads:
        t.join(10)
    assert sorted(order) == list(range(6))
    # Free again: two at once, without waiting.
    places.acquire()
    places.acquire()
    places.release()
    places.release()
