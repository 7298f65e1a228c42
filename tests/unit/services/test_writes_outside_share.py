"""What a level may not write is refused on the desktop before it is saved, as the
server refuses it. A KPU kab/kota reads its province's governor election, pair,
candidates and documents but writes only its own scope and the supporters living in
it (DOMAIN.md "Levels"; ``sync.server.roles.Actor.can_write``); a province writes its
own scope only. The desktop saved such an edit and said so; the server refused the
batch (403), and the PC put the record back at the next sync: the saved edit was lost
away from the form it was made in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.storage import outbox
from tests.gui.sample_data import open_backend


@pytest.fixture
def services(data_dir: Path) -> Iterator[Services]:
    s = open_backend(paths.resolve(data_dir).ensure())
    yield s
    s.db.engine.dispose()


def _waiting(services: Services) -> int:
    with services.db.session(readonly=True) as session:
        return int(outbox.waiting_count(session.connection()))


def test_a_kabkota_cannot_save_what_its_province_writes(services: Services) -> None:
    assert services.session_scope == "32.14"
    election = services.repo.create(
        "election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"}, "32"
    )
    pair = services.repo.create("pair", {"election_id": election, "number": 1}, "32")
    mine = services.repo.create("supporter", {"pair_id": pair, "kabkota_code": "32.14"}, "32")
    before = _waiting(services)
    error = services.update("pair", pair, {"head_name": "BUDI"})
    assert error is not None and error.code is ErrorCode.WRITE_OUTSIDE_SHARE
    assert "32.14" in error.message
    assert (services.get("pair", pair) or {})["head_name"] in ("", None)
    made, error = services.create("candidate", {"pair_id": pair, "role": "kepala"}, "32")
    assert made is None and error is not None and error.code is ErrorCode.WRITE_OUTSIDE_SHARE
    assert services.delete("election", election) is not None
    # Its supporter is its own to edit, but not to move to another kab/kota.
    moved = services.update("supporter", mine, {"kabkota_code": "32.15"})
    assert moved is not None and moved.code is ErrorCode.WRITE_OUTSIDE_SHARE
    elsewhere = services.update("supporter", mine, {"desa_code": "32.15.01.2001"})
    assert elsewhere is not None and elsewhere.code is ErrorCode.WRITE_OUTSIDE_SHARE
    assert _waiting(services) == before
    assert services.update("supporter", mine, {"desa_code": "32.14.01.2001"}) is None
    assert services.update("supporter", mine, {"name": "SITI"}) is None
    assert (services.get("supporter", mine) or {})["name"] == "SITI"


def test_a_province_cannot_save_a_kabkotas_records(services: Services) -> None:
    services.session_scope = "32"
    election = services.repo.create("election", {"name": "Pilbup", "kind": "bupati"}, "32.14")
    error = services.update("election", election, {"name": "Pilbup Purwakarta"})
    assert error is not None and error.code is ErrorCode.WRITE_OUTSIDE_SHARE
    own = services.repo.create("election", {"name": "Pilgub", "kind": "gubernur"}, "32")
    assert services.update("election", own, {"name": "Pilgub Jabar"}) is None
