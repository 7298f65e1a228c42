"""ManyStatement.run_columns: rows given as columns, run on the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    create_engine,
    insert,
)
from sqlalchemy import select as sa_select

from silon_desktop.storage.compiled import ManyStatement

_meta = MetaData()
_items = Table(
    "items", _meta, Column("id", Integer, primary_key=True), Column("a", Text), Column("b", Text)
)


def _statement() -> ManyStatement:
    return ManyStatement(lambda: insert(_items).values(b=bindparam("b"), a=bindparam("a")))


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    _meta.create_all(engine)
    yield engine
    engine.dispose()


def test_rows_from_columns_each_value_in_its_column(engine: Engine) -> None:
    with engine.begin() as conn:
        changed = _statement().run_columns(
            # Given b first (the statement binds a, then b) and with a column it does not
            # bind: each value must still land in its own column.
            conn,
            {"unused": [1, 2], "b": ["b0", "b1", "b2"], "a": ["a0", "a1", None]},
        )
    assert changed == 3
    with engine.connect() as conn:
        rows = conn.execute(sa_select(_items.c.a, _items.c.b).order_by(_items.c.id)).all()
    assert [tuple(r) for r in rows] == [("a0", "b0"), ("a1", "b1"), (None, "b2")]


def test_runs_in_the_callers_transaction(engine: Engine) -> None:
    with engine.connect() as conn:
        with conn.begin() as tx:
            _statement().run_columns(conn, {"a": ["x"], "b": ["y"]})
            assert conn.execute(sa_select(_items.c.a)).scalars().all() == ["x"]
            tx.rollback()
        assert conn.execute(sa_select(_items.c.a)).scalars().all() == []


def test_columns_of_different_lengths_are_refused_and_nothing_written(engine: Engine) -> None:
    with engine.begin() as conn:
        with pytest.raises(ValueError):
            _statement().run_columns(conn, {"a": ["a0", "a1"], "b": ["b0"]})
        assert _statement().run_columns(conn, {"a": [], "b": []}) == 0
        assert conn.execute(sa_select(_items.c.id)).all() == []
