"""The requirement of an independent pair: one decision for the recap and the public pages."""

from __future__ import annotations

import pytest

from silon_desktop.domain.requirement import COMPUTED, DECREE, requirement, subregions_of
from silon_desktop.domain.rules import PILKADA_2024


def test_the_number_of_subregions_is_entered_else_the_region_tables() -> None:
    assert subregions_of(20, "32.14") == 20
    assert subregions_of(None, "32.14") == 17  # Kab. Purwakarta's kecamatan
    assert subregions_of(0, "32") == 27  # Jawa Barat's kab/kota
    assert subregions_of("", "31") == 6  # DKI Jakarta
    assert subregions_of(None, "") is None and subregions_of(None, None) is None
    assert subregions_of(None, "99.99") is None  # no such region: not known
    assert subregions_of(True, "32.14") == 17  # not a number


def test_decree_over_computation_over_nothing() -> None:
    bupati = {"kind": "bupati", "region_code": "32.14", "dpt": 733_927}
    need = requirement(PILKADA_2024, bupati)
    assert (need.threshold, need.threshold_source) == (55_045, COMPUTED)
    assert (need.spread, need.spread_source, need.subregions) == (9, COMPUTED, 17)
    decree = requirement(
        PILKADA_2024, {**bupati, "official_threshold": 55_044, "official_spread": 9}
    )
    assert (decree.threshold, decree.threshold_source) == (55_044, DECREE)
    assert (decree.spread, decree.spread_source) == (9, DECREE)
    assert (decree.computed_threshold, decree.computed_spread) == (55_045, 9)
    unknown = requirement(PILKADA_2024, {"kind": "bupati", "region_code": ""})
    assert (unknown.threshold, unknown.spread) == (None, None)
    assert (unknown.threshold_source, unknown.spread_source) == (None, None)


def test_a_kind_the_rule_set_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError):
        requirement(PILKADA_2024, {"kind": "presiden", "region_code": "32.14", "dpt": 10})
