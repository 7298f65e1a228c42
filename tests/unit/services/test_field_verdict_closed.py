"""A field verdict after the field verification closed (the election's ``verfak_end``,
a WIB calendar day) is refused on the desktop before it is saved, as the server refuses
every change of a ``field_*`` then (``DEADLINE_PASSED``, field ``verfak_end``). The
desktop saved it, said so, and the next sync put the row back: the operator's saved
verdicts were undone without a word on the screen where they were given."""

from __future__ import annotations

import datetime as dt

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from tests.gui.sample_data import seed_small


def test_a_field_verdict_after_verfak_end_is_refused_before_it_is_saved(
    services: Services,
) -> None:
    ids = seed_small(services, supporters=2)
    first = services.list("supporter", pair_id=ids["pair"])[0]["id"]
    open_election = services.get("election", ids["election"]) or {}
    assert services.verify([first], "admin", [], "", open_election).error is None
    assert (
        services.update("election", ids["election"], {"verfak_end": dt.date(2000, 1, 31)}) is None
    )
    election = services.get("election", ids["election"]) or {}
    result = services.verify([first], "field", [], "rumah", election)
    assert result.error is not None
    assert result.error.code is ErrorCode.VERDICT_FIELD_CLOSED
    assert "31-01-2000" in result.error.message
    row = services.get("supporter", first) or {}
    assert (row["field_status"], row["field_method"]) == ("", "")  # nothing saved
    # The administrative verification has no such date: it is still given.
    assert services.verify([first], "admin", ["UNDERAGE"], "", election).error is None


def test_undoing_a_field_verdict_after_verfak_end_is_refused_too(services: Services) -> None:
    ids = seed_small(services, supporters=2)
    first = services.list("supporter", pair_id=ids["pair"])[0]["id"]
    election = services.get("election", ids["election"]) or {}
    assert services.verify([first], "admin", [], "", election).error is None
    step = services.verify([first], "field", [], "rumah", election)
    assert step.error is None
    assert (
        services.update("election", ids["election"], {"verfak_end": dt.date(2000, 1, 31)}) is None
    )
    undone = services.undo_verify(step.undo)
    assert undone.error is not None and undone.error.code is ErrorCode.VERDICT_FIELD_CLOSED
    assert (services.get("supporter", first) or {})["field_status"] == "MS"
    # An administrative step is still undone.
    admin = services.verify([first], "admin", ["UNDERAGE"], "", election)
    assert services.undo_verify(admin.undo).error is None
