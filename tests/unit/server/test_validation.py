"""Pushed values: dates only in their wire form YYYY-MM-DD."""

from __future__ import annotations

import pytest

from sync.protocol import Mutation, Op, RejectCode
from sync.server.validation import Rejection, check_mutation


def _supporter(**changes: object) -> Mutation:
    return Mutation(
        "m1", "supporter", "r1", "32.14", Op.UPSERT, 0, {k: (None, v) for k, v in changes.items()}
    )


@pytest.mark.parametrize("value", ["20240101", "2024-W01-1", "2024-1-01", "2024-01-01T00:00"])
def test_a_date_not_written_yyyy_mm_dd_is_rejected(value: str) -> None:
    with pytest.raises(Rejection) as caught:
        check_mutation(_supporter(birth_date=value))
    assert (caught.value.code, caught.value.field) == (RejectCode.BAD_TYPE, "birth_date")


def test_wire_dates_and_datetimes_pass() -> None:
    check_mutation(_supporter(birth_date="1990-12-31", admin_at="2024-05-12T03:04:05.678Z"))
    with pytest.raises(Rejection):
        check_mutation(_supporter(birth_date="2024-02-30"))
