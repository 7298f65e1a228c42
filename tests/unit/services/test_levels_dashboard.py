"""A kab/kota's part of a governor election on the dashboard (issue #16, levels)."""

from __future__ import annotations

from silon_desktop.reports.recap import AreaCount, PairRecap
from silon_desktop.services import Dashboard
from silon_desktop.services.app import own_area


def _recap(areas: list[AreaCount], required: int | None) -> PairRecap:
    totals = AreaCount("", "Jumlah", ms=sum(a.ms for a in areas))
    return PairRecap(
        pair_id="p",
        pair_number=1,
        head_name="A",
        deputy_name="B",
        election_name="Pilgub",
        election_kind="gubernur",
        region_code="32",
        region_name="Jawa Barat",
        rule_set="pilkada-2024",
        dpt=1000,
        subregion_count=27,
        totals=totals,
        areas=areas,
        required=required,
    )


def test_only_a_kabkota_account_on_a_governor_election_has_a_part() -> None:
    assert own_area("gubernur", "32.14") == "32.14"
    assert own_area("gubernur", "32") == ""  # the province sees the whole roll-up
    assert own_area("bupati", "32.14") == ""
    assert own_area("gubernur", "") == ""


def test_the_part_is_the_kabkotas_ms_share_of_the_provinces_target() -> None:
    areas = [AreaCount("32.14", "Purwakarta", ms=30), AreaCount("32.15", "Karawang", ms=10)]
    mine = Dashboard(_recap(areas, 200), "1. A - B", 0, own_area="32.14")
    assert mine.own_part is areas[0]
    assert mine.own_share_percent == 15.0
    province = Dashboard(_recap(areas, 200), "1. A - B", 0)
    assert province.own_part is None and province.own_share_percent is None
    # A kab/kota with no supporters yet still has its (empty) part.
    empty = Dashboard(_recap(areas, 200), "1. A - B", 0, own_area="32.16")
    assert empty.own_part is not None and empty.own_part.ms == 0
    assert empty.own_share_percent == 0.0
