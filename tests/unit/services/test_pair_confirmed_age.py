"""A pair is not set *ditetapkan* (confirmed) while one of its candidates is younger on
the election's penetapan date than the rule set's minimum (DOMAIN.md: 25 for a bupati
election). The pair page showed the age as a note only, and the status was saved; the
server refuses it too (BAD_VALUE, status), so the saved status was undone at the sync."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from tests.gui.sample_data import REGION, open_backend, seed_small


@pytest.fixture
def services(data_dir: Path) -> Iterator[Services]:
    s = open_backend(paths.resolve(data_dir).ensure())
    yield s
    s.db.engine.dispose()


def test_a_pair_with_an_underage_candidate_is_not_set_ditetapkan(services: Services) -> None:
    ids = seed_small(services, supporters=0)
    pair = ids["pair"]
    penetapan = {"penetapan_date": dt.date(2024, 9, 22)}
    assert services.update("election", ids["election"], penetapan) is None
    deputy = services.repo.create(
        "candidate",
        {"pair_id": pair, "role": "wakil", "name": "MUDA", "birth_date": dt.date(1999, 9, 23)},
        REGION,
    )
    refused = services.update("pair", pair, {"status": "ditetapkan"})
    assert refused is not None and refused.code is ErrorCode.PAIR_CANDIDATE_UNDERAGE
    assert "24 tahun" in refused.message and "25 tahun" in refused.message
    assert "'Status'" in refused.message and "22-09-2024" in refused.message
    assert (services.get("pair", pair) or {}).get("status") != "ditetapkan"
    # Submitted it may be; a day older, the deputy is 25 on the day and the pair confirmed.
    assert services.update("pair", pair, {"status": "diajukan"}) is None
    assert services.update("candidate", deputy, {"birth_date": dt.date(1999, 9, 22)}) is None
    assert services.update("pair", pair, {"status": "ditetapkan"}) is None
