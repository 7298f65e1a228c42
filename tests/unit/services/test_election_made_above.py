"""A KPU kab/kota fills the empty administered fields (DPT, decree figures, stage dates,
rule set ...) of an election it entered itself, never of one the province or KPU RI
made: the server refuses the fill (READ_ONLY, ``rules.check_rights``). The desktop did
not know who made an election, so it saved such a fill, and the server refused it at
the next sync: days of work at an office with no connection. The server now sends the
server-owned ``made_by_kabkota`` with each election, and the desktop refuses the fill
before saving, by the same rule (``sync.protocol.election_field_refused``); an election
from a server that does not send it is left to the server, as before."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.storage import outbox
from sync.client.apply import Applier, apply_connection
from sync.protocol import FeedPage, Record, encode_feed_page

_EMPTY = {"dpt": None, "official_threshold": None, "support_end": None, "rule_set": ""}


def _pulled(services: Services, made_by_kabkota: bool | None) -> str:
    """An election of the account's kab/kota pulled from the server, its
    administered fields empty; ``made_by_kabkota`` None: a server that does not send it."""
    fields = {"name": "Pilbup Purwakarta", "kind": "bupati", "region_code": "32.14", **_EMPTY}
    if made_by_kabkota is not None:
        fields["made_by_kabkota"] = made_by_kabkota
    record_id = str(uuid.uuid4())
    page = encode_feed_page(
        FeedPage([Record("election", record_id, "32.14", 3, False, fields)], "9", False)
    )
    with apply_connection(services.db) as conn:
        Applier().feed_page(conn, page)
    return record_id


def _waiting(services: Services) -> int:
    with services.db.session(readonly=True) as session:
        return int(outbox.waiting_count(session.connection()))


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("dpt", 733_927, "DPT"),
        ("official_threshold", 45_000, None),
        ("support_end", dt.date(2024, 5, 12), None),
        ("rule_set", "pilkada-2024", None),
    ],
)
def test_a_fill_of_an_election_made_above_is_refused_before_saving(
    services: Services, field: str, value: object, label: str | None
) -> None:
    assert services.session_scope == "32.14"
    election = _pulled(services, made_by_kabkota=False)
    assert (services.get("election", election) or {})["made_by_kabkota"] is False
    before = _waiting(services)
    error = services.update("election", election, {field: value})
    assert error is not None and error.code is ErrorCode.ELECTION_MADE_ABOVE
    assert "diisi oleh KPU di atas akun ini" in error.message
    if label:
        assert f"'{label}'" in error.message
    stored = services.get("election", election) or {}
    assert stored[field] in (None, ""), stored[field]
    assert _waiting(services) == before  # nothing queued for the server
    # The fields the kab/kota writes on it are still its own.
    assert services.update("election", election, {"name": "Pilbup Purwakarta 2024"}) is None


def test_a_fill_of_its_own_election_is_saved(services: Services) -> None:
    election = _pulled(services, made_by_kabkota=True)
    assert services.update("election", election, {"dpt": 733_927}) is None
    assert (services.get("election", election) or {})["dpt"] == 733_927


def test_a_fill_is_left_to_the_server_when_it_does_not_say_who_made_the_election(
    services: Services,
) -> None:
    election = _pulled(services, made_by_kabkota=None)
    assert (services.get("election", election) or {})["made_by_kabkota"] is None
    before = _waiting(services)
    assert services.update("election", election, {"dpt": 733_927}) is None
    assert _waiting(services) == before + 1


def test_the_province_fills_the_election_it_made(services: Services) -> None:
    services.session_scope = "32"
    fields = {"name": "Pilgub Jabar", "kind": "gubernur", "region_code": "32", "dpt": None}
    record_id = str(uuid.uuid4())
    rec = Record("election", record_id, "32", 1, False, {**fields, "made_by_kabkota": False})
    with apply_connection(services.db) as conn:
        Applier().feed_page(conn, encode_feed_page(FeedPage([rec], "9", False)))
    assert services.update("election", record_id, {"dpt": 35_000_000}) is None
