"""The public pages' stamp: this process's writes are seen at once, another
process's within ``SILON_PUBLIC_STAMP_TTL_MS``; one build per stamp, the previous
bytes meanwhile."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from sync.server.cli import main
from sync.server.db import database_url, migrate, write_tx
from sync.server.public import figures
from sync.server.public.pages import Public, Stamp, read_stamp
from tests.unit.server.support import fresh_state


@pytest.fixture
def public() -> Iterator[Public]:
    with fresh_state() as server:
        yield Public(server)


def test_own_writes_are_seen_at_once_other_processes_after_the_ttl(public: Public) -> None:
    public.stamp_ttl = 3600.0  # the memo would outlive the test
    first = public.stamp()
    with write_tx(public.state.engine) as conn:  # a write of this process
        figures.bump(conn, 1.0)
    mine = public.stamp()
    assert mine.version == first.version + 1
    # Another process writes (its own engine: this process commits nothing).
    other = create_engine(public.state.engine.url)
    with other.begin() as conn:
        figures.bump(conn, 2.0)
    other.dispose()
    assert public.stamp() == mine  # within the TTL: the stamp read last
    public.stamp_ttl = 0.0
    assert public.stamp().version == mine.version + 1


def test_one_build_per_stamp_and_the_previous_page_meanwhile(public: Public) -> None:
    public.stamp_ttl = 0.0
    builds: list[int] = []
    release = threading.Event()

    def build(stamp: Stamp) -> bytes:
        builds.append(stamp.version)
        if len(builds) == 2:
            release.wait(30)  # the second build takes long
        return f"v{stamp.version}".encode()

    async def scenario() -> list[Any]:
        first = await public.page(("k",), build)
        with write_tx(public.state.engine) as conn:
            figures.bump(conn, 1.0)
        slow = asyncio.ensure_future(public.page(("k",), build))
        await asyncio.sleep(0)  # the slow request runs up to its build in the thread pool
        meanwhile = await public.page(("k",), build)  # no second build: the old bytes
        peeked = public.peek(("k",))
        release.set()
        rebuilt = await slow
        return [first, meanwhile, peeked, rebuilt, public.peek(("k",))]

    first, meanwhile, peeked, rebuilt, after = asyncio.run(scenario())
    assert first is not None and rebuilt is not None
    assert meanwhile == peeked == first
    assert rebuilt.body != first.body and rebuilt.tag != first.tag  # new bytes, new ETag
    assert after == rebuilt
    assert len(builds) == 2


def test_a_region_named_or_renamed_moves_the_public_version(tmp_path: Path) -> None:
    # The pair pages name kecamatan by the server's region table: cached by the public
    # version, they kept the old name (and their ETag, so browsers their copy) until a
    # push happened to move it.
    url = database_url(tmp_path, None)
    migrate(url)
    engine = create_engine(url)
    try:
        before = read_stamp(engine)
        assert main(["region", "add", "--data-dir", str(tmp_path), "32.14.01", "PURWAKARTA"]) == 0
        after = read_stamp(engine)
    finally:
        engine.dispose()
    assert after.version > before.version
