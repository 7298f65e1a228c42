"""What a recap says of how its pair's data stood with the server: per pair, what
waits and what conflicts, and when the last complete sync was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from silon_desktop.reports.recap import pair_recap
from tests.unit.sync.harness import SCOPE, Client, seed_pair, seeded, supporter_values


def test_a_recap_counts_what_of_its_pair_waits_and_conflicts(
    make_client: Callable[..., Client],
) -> None:
    a, pair = seeded(make_client, 3)
    standing = pair_recap(a.db.engine, pair).standing
    assert standing is not None and standing.confirmed
    assert standing.last_sync is not None
    assert abs(dt.datetime.now(dt.UTC) - standing.last_sync) < dt.timedelta(minutes=5)

    # An edit of another pair's supporter waits too: not this pair's figures.
    other = a.repo.create(
        "pair", {"election_id": _election_of(a, pair), "number": 2, "head_name": "B"}, SCOPE
    )
    a.repo.create("supporter", supporter_values(other, 7), SCOPE)
    assert pair_recap(a.db.engine, pair).standing.confirmed  # type: ignore[union-attr]
    other_standing = pair_recap(a.db.engine, other).standing
    assert other_standing is not None and other_standing.waiting == 2  # the pair, its supporter

    # This pair's supporter edited, and the election's DPT: two edits wait.
    (first, *_rest) = [rid for (e, rid) in a.records() if e == "supporter"]
    a.repo.update("supporter", first, {"address": "Jalan Baru"})
    a.repo.update("election", _election_of(a, pair), {"dpt": 1000})
    standing = pair_recap(a.db.engine, pair).standing
    assert standing is not None and (standing.waiting, standing.conflicts) == (2, 0)
    assert not standing.confirmed
    assert a.sync().complete
    assert pair_recap(a.db.engine, pair).standing.confirmed  # type: ignore[union-attr]

    # A conflict on one of the pair's supporters (another office changed it first).
    b = make_client("b")
    assert b.sync().complete
    b.repo.update("supporter", first, {"name": "Nama Dari B"})
    assert b.sync().complete
    a.repo.update("supporter", first, {"name": "Nama Dari A"})
    assert a.sync().conflicts_new == 1
    standing = pair_recap(a.db.engine, pair).standing
    assert standing is not None and (standing.waiting, standing.conflicts) == (0, 1)
    assert not standing.confirmed


def test_a_fresh_computer_that_never_synced_says_so(make_client: Callable[..., Client]) -> None:
    a = make_client("a")
    pair = seed_pair(a)
    with a.db.engine.begin() as conn:  # as on a computer that only imported
        conn.exec_driver_sql("DELETE FROM sync_state WHERE key = 'last_success_at'")
    standing = pair_recap(a.db.engine, pair).standing
    assert standing is not None and standing.last_sync is None and not standing.confirmed


def _election_of(client: Client, pair: str) -> str:
    record = client.repo.get("pair", pair)
    assert record is not None
    return str(record["election_id"])
