"""Push bodies are checked by hand for speed: same rules as the OpenAPI schema."""

from __future__ import annotations

import json

import pytest

from sync.protocol import Op
from sync.server import parsing
from sync.server.errors import ApiError
from sync.server.parsing import parse_mutation, parse_push

GOOD = {
    "id": "m1",
    "entity": "supporter",
    "record_id": "r1",
    "scope": "32.14",
    "op": "upsert",
    "base_version": 0,
    "changes": {"name": [None, "SITI"]},
}


def _body(**mutation: object) -> bytes:
    return json.dumps(
        {"batch_id": "b1", "device_id": "d1", "mutations": [{**GOOD, **mutation}]}
    ).encode()


def test_a_good_body_parses() -> None:
    batch, device, [m] = parse_push(_body())
    assert (batch, device, m.op) == ("b1", "d1", Op.UPSERT)
    assert {k: tuple(v) for k, v in m.changes.items()} == {"name": (None, "SITI")}


@pytest.mark.parametrize(
    ("mutation", "where"),
    [
        ({"base_version": "0"}, "mutations.0.base_version"),
        ({"base_version": -1}, "mutations.0.base_version"),
        ({"op": "drop"}, "mutations.0.op"),
        ({"id": "has space"}, "mutations.0.id"),
        ({"changes": {"name": ["only one"]}}, "mutations.0.changes.name"),
        ({"changes": []}, "mutations.0.changes"),
        ({"extra": 1}, "mutations.0.extra"),
        ({"scope": "x" * 40}, "mutations.0.scope"),
    ],
)
def test_bad_bodies_answer_422_naming_the_key(mutation: dict, where: str) -> None:
    with pytest.raises(ApiError) as err:
        parse_push(_body(**mutation))
    assert err.value.status == 422 and err.value.message.startswith(where + ":")


def test_not_json_is_400_and_missing_keys_are_named() -> None:
    with pytest.raises(ApiError) as err:
        parse_push(b'{"batch_id": "b1", "dev')
    assert err.value.status == 400 and err.value.code == "bad_json"
    with pytest.raises(ApiError) as err:
        parse_push(b'{"batch_id": "b1", "mutations": []}')
    assert err.value.message.startswith("device_id:")
    with pytest.raises(ApiError):
        parse_push(
            json.dumps({"batch_id": "b", "device_id": "d", "mutations": [GOOD] * 2001}).encode()
        )


@pytest.mark.parametrize("field", ["id", "record_id"])
def test_an_id_with_a_trailing_newline_is_refused(field: str) -> None:
    # re's "$" also matches before a final newline: "r1\n" must not pass as an id.
    with pytest.raises(ApiError) as err:
        parse_push(_body(**{field: "r1\n"}))
    assert err.value.status == 422


def test_a_batch_or_device_id_with_a_trailing_newline_is_refused() -> None:
    body = json.dumps({"batch_id": "b1\n", "device_id": "d1", "mutations": []}).encode()
    with pytest.raises(ApiError):
        parse_push(body)


VARIANTS: list[dict[str, object]] = [
    {},
    {"changes": None},
    {"changes": {}},
    {"created_at": "2026-01-01T00:00:00Z"},
    {"created_at": None},
    {"created_at": "x" * 257},
    {"op": "delete", "base_version": 3},
    {"op": "restore", "base_version": 2**31},
    {"base_version": 2**31 + 1},
    {"base_version": True},
    {"op": ["upsert"]},
    {"entity": ""},
    {"entity": "e" * 33},
    {"scope": ""},
    {"record_id": "x" * 65},
    {"changes": {"n" * 65: [None, 1]}},
    {"changes": {"a": [None, 1], "b": [None]}},
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_usual_path_accepts_and_refuses_what_the_careful_one_does(variant: dict) -> None:
    """parse_push reads a batch by a quick path and only on a failure by the careful
    one, which names the mistake: both give the same mutations and the same refusals."""
    data = {**GOOD, **variant}
    try:
        careful = parse_mutation(data, "mutations.0")
    except ApiError as refused:
        with pytest.raises(ApiError) as err:
            parse_push(_body(**variant))
        assert err.value.message == refused.message
        assert parsing._usual(data) is None
    else:
        [quick] = parse_push(_body(**variant))[2]
        assert quick == careful == parsing._usual(data)
