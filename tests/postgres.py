"""A scratch PostgreSQL database on 127.0.0.1:5432 (user postgres, trust auth) for one test."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest

PG = "postgresql://postgres@127.0.0.1:5432"


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """Create a database of its own, yield its URL, drop it after (its sessions ended).

    Skips the test when psycopg is missing or the server cannot be reached.
    """
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"silon_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
