"""Must show: a hostile or malformed value in any field is refused with a message
naming the field, and the database content is exactly unchanged."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.errors import ValidationError
from silon_desktop.storage.repository import Repository
from sync.protocol import ENTITIES, FieldType

from . import samples

TEN_MB = "x" * 10_000_000
HOSTILE_TEXT: list[Any] = [
    5,
    1.5,
    b"bytes",
    {"a": 1},
    ["x"],
    True,
    "nul\x00byte",
    "escape \x1b[2J",
    "bidi \u202eevil",
    "zero\u200bwidth",
    "lone \ud800 surrogate",
    TEN_MB,
]
HOSTILE: dict[FieldType, list[Any]] = {
    FieldType.STR: HOSTILE_TEXT,
    FieldType.INT: ["5", 1.5, True, 2**70, -1, TEN_MB, [1]],
    FieldType.BOOL: [1, "true", None, TEN_MB],
    FieldType.DATE: [
        "2024-02-30",
        "31/12/2024",
        20240101,
        dt.datetime(2024, 1, 1, 8, 0),
        dt.date(1, 1, 1),
        TEN_MB,
    ],
    FieldType.DATETIME: ["not a date", "2024-13-01T00:00:00Z", 5, dt.date(2024, 1, 1), TEN_MB],
    FieldType.LIST: ["MS", [1, 2], ["NUL\x00"], ["NOT_A_REASON"], ["x"] * 10_000, TEN_MB],
}
#: Unknown values of enumerated fields.
UNKNOWN_ENUM: dict[tuple[str, str], str] = {
    ("election", "kind"): "presiden",
    ("election", "rule_set"): "pilkada-1999",
    ("pair", "route"): "jalur_langit",
    ("pair", "status"): "menang",
    ("candidate", "role"): "raja",
    ("candidate", "sex"): "X",
    ("document", "kind"): "akta_tanah",
    ("document", "status"): "mungkin",
    ("supporter", "sex"): "W",
    ("supporter", "marital_status"): "Z",
    ("supporter", "check_status"): "OK",
    ("supporter", "admin_status"): "YES",
    ("supporter", "field_method"): "telepati",
}


def _cases() -> Iterator[tuple[str, str, Any]]:
    for entity, spec in ENTITIES.items():
        for field in spec.fields:
            if field.server_owned:
                continue
            for value in HOSTILE[field.type]:
                yield entity, field.name, value
            if (entity, field.name) in UNKNOWN_ENUM:
                yield entity, field.name, UNKNOWN_ENUM[(entity, field.name)]


CASES = list(_cases())


def _label(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 30 else f"{text[:20]}...len{len(text)}"


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Database, Repository, dict[str, str]]]:
    path = tmp_path_factory.mktemp("bad-input") / "silon.db"
    db = open_database(path)
    repo = Repository(db, device_id="dev-1")
    ids = samples.make_tree(repo)
    yield db, repo, ids
    db.close()


def _content(path: Path) -> str:
    """A digest of every table's rows (committed content, read by another connection)."""
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()


def _valid(entity: str, ids: dict[str, str]) -> dict[str, Any]:
    maker = {
        "election": lambda: samples.election_values(),
        "pair": lambda: samples.pair_values(ids["election"]),
        "candidate": lambda: samples.candidate_values(ids["pair"]),
        "document": lambda: samples.document_values(ids["candidate"]),
        "party": lambda: samples.party_values(ids["pair"]),
        "supporter": lambda: samples.supporter_values(ids["pair"]),
    }
    return dict(maker[entity]())


@pytest.mark.parametrize(
    ("entity", "field", "value"), CASES, ids=[f"{e}.{f}={_label(v)}" for e, f, v in CASES]
)
def test_hostile_value_is_refused_naming_the_field(
    world: tuple[Database, Repository, dict[str, str]], entity: str, field: str, value: Any
) -> None:
    db, repo, ids = world
    before = _content(db.path)
    with pytest.raises(ValidationError) as on_update:
        repo.update(entity, ids[entity], {field: value})
    with pytest.raises(ValidationError) as on_create:
        repo.create(entity, {**_valid(entity, ids), field: value}, samples.SCOPE)
    for caught in (on_update.value, on_create.value):
        assert caught.field == field
        assert caught.message and len(caught.message) < 300  # never echoes 10 MB back
    assert _content(db.path) == before


@pytest.mark.parametrize(
    "values",
    [
        {"no_such_field": "x"},
        {"external_duplicate": True},  # server-owned
        {"version": 99},
        {"id": "11111111-1111-4111-8111-111111111111"},
        {"deleted": True},
        {"effective_status": "MS"},
        {5: "x"},
    ],
    ids=repr,
)
def test_fields_the_operator_may_not_write(
    world: tuple[Database, Repository, dict[str, str]], values: dict[Any, Any]
) -> None:
    db, repo, ids = world
    before = _content(db.path)
    with pytest.raises(ValidationError) as caught:
        repo.update("supporter", ids["supporter"], values)
    assert caught.value.field == str(next(iter(values)))
    assert _content(db.path) == before


@pytest.mark.parametrize(
    ("scope", "record_id", "field"),
    [
        ("32.14.01.2001.9", None, "scope"),
        ("'; DROP TABLE supporter; --", None, "scope"),
        (samples.SCOPE, "not-a-uuid", "id"),
        (samples.SCOPE, "x" * 10_000_000, "id"),
    ],
)
def test_bad_scope_or_id_on_create(
    world: tuple[Database, Repository, dict[str, str]],
    scope: str,
    record_id: str | None,
    field: str,
) -> None:
    db, repo, ids = world
    before = _content(db.path)
    with pytest.raises(ValidationError) as caught:
        repo.create("supporter", _valid("supporter", ids), scope, record_id=record_id)
    assert caught.value.field == field
    assert _content(db.path) == before


def test_unknown_entity(world: tuple[Database, Repository, dict[str, str]]) -> None:
    _db, repo, _ids = world
    with pytest.raises(ValidationError):
        repo.create("supporter; DROP TABLE x", {}, samples.SCOPE)


def test_valid_samples_are_accepted(world: tuple[Database, Repository, dict[str, str]]) -> None:
    """The refusals above are about the values, not about the samples."""
    _db, repo, ids = world
    for entity in ENTITIES:
        new_id = repo.create(entity, _valid(entity, ids), samples.SCOPE)
        assert repo.get(entity, new_id) is not None
