"""RowTable.indices_of: the rows of each NIK, found as a plain scan of nik() finds them."""

from __future__ import annotations

import random

from silon_desktop.importers.report import RowTable


def _plain(table: RowTable, niks: set[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index in range(len(table)):
        nik = table.nik(index)
        if nik in niks:
            found.setdefault(nik, []).append(index)
    return found


def test_indices_of_every_kind_of_nik_match_a_plain_scan() -> None:
    rng = random.Random(7)
    kinds = [
        "3214012801550002",  # stored as a number
        "3214012801550003",
        "0214012801550002",  # a leading zero: kept as text
        "32140128015500",  # short
        "",  # none
        "３２１４０１２８０１５５０００２",  # full-width digits: text, never the number above
        "32.14.01.2801550002",
    ]
    table = RowTable()
    for row in range(2000):
        nik = rng.choice(kinds) if row % 3 == 0 else f"3214{rng.randrange(10**12):012d}"
        table.add(row + 2, nik, "MS", [], [], 0, None)
    for wanted in (set(kinds), {kinds[0]}, {kinds[5]}, {table.nik(17), "9999999999999999"}):
        assert table.indices_of(wanted) == _plain(table, wanted)
    assert table.indices_of(set()) == {}
