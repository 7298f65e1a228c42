"""The server engine: failed statements never carry their parameters into messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sync.server.db import database_url, make_engine


def test_a_failed_statement_does_not_show_its_parameters(tmp_path: Path) -> None:
    engine = make_engine(database_url(tmp_path, None))
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
            conn.execute(
                text("INSERT INTO no_such_table (secret) VALUES (:s)"),
                {"s": "argon2-hash-of-a-password"},
            )
    finally:
        engine.dispose()
    message = str(caught.value)
    assert "no_such_table" in message  # the statement is still named
    assert "argon2-hash-of-a-password" not in message
