"""An administrative verdict on a row of the submission after its administrative
verification closed (the election's ``vermin_end``, a WIB calendar day) is refused on
the desktop before it is saved, as the server refuses it (``DEADLINE_PASSED``, field
``vermin_end``; the domain's ``verdict_end`` says which date closes which verdict). The
desktop saved it and the next sync undid it. A correction round's rows have their own
verification, which no date of the election closes."""

from __future__ import annotations

import datetime as dt

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from tests.gui.sample_data import REGION, seed_small


def _close_vermin(services: Services, election_id: str) -> dict[str, object]:
    dates = {"support_end": dt.date(2000, 1, 1), "vermin_end": dt.date(2000, 1, 15)}
    assert services.update("election", election_id, dates) is None
    return services.get("election", election_id) or {}


def test_an_admin_verdict_on_a_submission_row_after_vermin_end_is_refused(
    services: Services,
) -> None:
    ids = seed_small(services, supporters=2)
    first = services.list("supporter", pair_id=ids["pair"])[0]["id"]
    late = services.repo.create(
        "supporter", {"pair_id": ids["pair"], "name": "BARU", "round": "correction_1"}, REGION
    )
    election = _close_vermin(services, ids["election"])
    result = services.verify([first, late], "admin", ["UNDERAGE"], "", election)
    assert result.error is not None
    assert result.error.code is ErrorCode.VERDICT_ADMIN_CLOSED
    assert "15-01-2000" in result.error.message and "1 pendukung" in result.error.message
    assert (services.get("supporter", first) or {})["admin_status"] == ""  # nothing saved
    assert (services.get("supporter", late) or {})["admin_status"] == ""
    # A correction round's row is still verified.
    assert services.verify([late], "admin", ["UNDERAGE"], "", election).error is None
    assert (services.get("supporter", late) or {})["admin_status"] == "TMS"


def test_undoing_an_admin_verdict_after_vermin_end_is_refused_too(services: Services) -> None:
    ids = seed_small(services, supporters=2)
    first = services.list("supporter", pair_id=ids["pair"])[0]["id"]
    election = services.get("election", ids["election"]) or {}
    step = services.verify([first], "admin", ["UNDERAGE"], "", election)
    assert step.error is None
    _close_vermin(services, ids["election"])
    undone = services.undo_verify(step.undo)
    assert undone.error is not None and undone.error.code is ErrorCode.VERDICT_ADMIN_CLOSED
    assert (services.get("supporter", first) or {})["admin_status"] == "TMS"
