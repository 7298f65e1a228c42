from __future__ import annotations

import datetime as dt

import pytest

from sync.protocol import (
    ENTITIES,
    Mutation,
    MutationResult,
    Op,
    Record,
    ResultStatus,
    decode_value,
    encode_value,
)


def test_mutation_round_trips_through_the_wire() -> None:
    m = Mutation(
        id="m1",
        entity="supporter",
        record_id="r1",
        scope="32.14",
        op=Op.UPSERT,
        base_version=2,
        changes={"name": ("A", "B"), "rt": (None, "001")},
    )
    assert Mutation.from_wire(m.to_wire()) == m


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", dt.date(1990, 5, 17)),
        ("admin_at", dt.datetime(2024, 8, 1, 10, 30, tzinfo=dt.UTC)),
        ("check_reasons", ["NIK_FORMAT", "UNDERAGE"]),
        ("has_id_scan", True),
        ("name", "Siti Aminah"),
    ],
)
def test_values_round_trip(field: str, value: object) -> None:
    spec = ENTITIES["supporter"].spec(field)
    assert decode_value(spec, encode_value(spec, value)) == value


def test_decode_refuses_wrong_types() -> None:
    with pytest.raises(ValueError, match="seats"):
        decode_value(ENTITIES["party"].spec("seats"), "lots")
    with pytest.raises(ValueError, match="has_id_scan"):
        decode_value(ENTITIES["supporter"].spec("has_id_scan"), "yes")


def test_only_the_server_writes_external_duplicate() -> None:
    assert "external_duplicate" not in ENTITIES["supporter"].client_fields


@pytest.mark.parametrize(
    "result",
    [
        MutationResult("m1", ResultStatus.APPLIED, version=3),
        MutationResult("m2", ResultStatus.APPLIED),
        MutationResult("m3", ResultStatus.REJECTED, code="X", field="nik", message="no"),
        MutationResult(
            "m4",
            ResultStatus.CONFLICT,
            version=5,
            record=Record("supporter", "r", "32.14", 5, False, {"name": "A"}),
            conflicts={"name": {"base": "B", "mine": "C", "theirs": "A"}},
        ),
        MutationResult("m5", ResultStatus.MERGED, version=2, code="Y"),
    ],
)
def test_a_result_comes_back_from_its_wire_form(result: MutationResult) -> None:
    assert MutationResult.from_wire(result.to_wire()) == result


def test_a_result_of_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError):
        MutationResult.from_wire({"mutation_id": "m", "status": "lost", "version": 1})
