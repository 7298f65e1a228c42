"""A pair is not set *ditetapkan* (confirmed) while one of its candidates is younger on
the election's penetapan date than the rule set's minimum (DOMAIN.md: 25 for a bupati
election). The pair page showed the age as a note only, and the status was saved; the
server refuses it too (BAD_VALUE, status), so the saved status was undone at the sync."""

from __future__ import annotations

import datetime as dt

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from tests.gui.sample_data import REGION, seed_small


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


def test_no_save_leaves_a_ditetapkan_pair_with_an_underage_candidate(services: Services) -> None:
    """The desktop asked the age rule only when a pair's status was set: a young
    candidate added to, or moved into, a pair already *ditetapkan*, a candidate's birth
    date, or the election's penetapan date changed under it, were saved, and the server
    (which refuses them too) undid them at the sync. Refused before saving now, naming
    the field saved."""
    ids = seed_small(services, supporters=0)
    pair = ids["pair"]
    assert services.update(
        "election", ids["election"], {"penetapan_date": dt.date(2024, 9, 22)}
    ) is (None)
    assert services.update("pair", pair, {"status": "ditetapkan"}) is None
    (head,) = services.list("candidate", pair_id=pair)

    def refused(error: object, label: str) -> None:
        assert error is not None
        assert getattr(error, "code", None) is ErrorCode.PAIR_CANDIDATE_UNDERAGE
        assert f"'{label}'" in str(getattr(error, "message", "")) and "25 tahun" in str(
            getattr(error, "message", "")
        )

    young = {"pair_id": pair, "role": "wakil", "name": "MUDA", "birth_date": dt.date(2010, 1, 1)}
    new_id, error = services.create("candidate", young, REGION)
    assert new_id is None
    refused(error, "Pasangan")
    other = services.repo.create("pair", {"election_id": ids["election"], "number": 2}, REGION)
    moved = services.repo.create("candidate", {**young, "pair_id": other}, REGION)
    refused(services.update("candidate", moved, {"pair_id": pair}), "Pasangan")
    refused(
        services.update("candidate", head["id"], {"birth_date": dt.date(2010, 1, 1)}),
        ("Tanggal lahir"),
    )
    assert services.update("candidate", head["id"], {"birth_date": dt.date(1990, 1, 1)}) is None
    early = {"penetapan_date": dt.date(2010, 9, 22)}
    refused(services.update("election", ids["election"], early), "Tanggal penetapan")
    assert services.get("election", ids["election"])["penetapan_date"] == dt.date(2024, 9, 22)
    assert services.get("candidate", moved)["pair_id"] == other
