"""An independent pair's requirement: the support threshold and the spread.

One decision, made here for the desktop's recap (the berita acara an operator
signs) and the server's public pages and open data alike, so the two never
disagree:

- a figure is the KPU decree's where one is entered (``official_threshold``,
  ``official_spread``): what the recap and the public pages count against;
- else the law's computation under the election's rule set, from the DPT
  (threshold) or from the number of sub-regions (spread): the election's
  ``subregion_count`` where entered, else the children of its region in the
  region table (the kecamatan of a kab/kota, the kab/kota of a province);
- else None: not known, never "met".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from silon_desktop.domain.regions import RegionTable, default_table
from silon_desktop.domain.rules import RuleSet

#: Where a figure comes from (the open data's ``*_source``).
DECREE = "decree"
COMPUTED = "computed"


@dataclass(frozen=True, slots=True)
class Requirement:
    """The threshold and spread that count, where each comes from, and the
    computation beside the decree (a difference is worth a look: the recap's
    ``figure_differences``)."""

    threshold: int | None
    spread: int | None
    threshold_source: str | None
    spread_source: str | None
    computed_threshold: int | None
    computed_spread: int | None
    #: The sub-regions the spread is a majority of (None: not known).
    subregions: int | None


def count_of(value: Any) -> int | None:
    """A positive whole number, else None (not entered)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def subregions_of(
    subregion_count: Any, region_code: str | None, regions: RegionTable | None = None
) -> int | None:
    """The number of sub-regions of an election: entered, else its region's children."""
    entered = count_of(subregion_count)
    if entered is not None or not region_code:
        return entered
    return len((regions or default_table()).children(region_code)) or None


def spread_area(code: str | None, region_code: str | None) -> bool:
    """Whether an area code (a supporter's kecamatan, or its kab/kota in a governor
    election) is a sub-region of the election's region, one the spread is a majority
    of: directly below ``region_code`` (any area code where the region is not known).
    A supporter living in another kab/kota (or province) adds no area to the spread."""
    if not code:
        return False
    if not region_code:
        return True
    return code.startswith(region_code + ".") and code.count(".") == region_code.count(".") + 1


def requirement(
    rules: RuleSet | None,
    election: Any,
    regions: RegionTable | None = None,
) -> Requirement:
    """The requirement of ``election`` (a mapping of its fields) under ``rules``
    (None: a rule set this program does not know: nothing is computed, and only the
    decree's figures are known).

    Raises:
        ValueError: the election's kind is not one the rule set knows.
    """
    dpt = count_of(election.get("dpt"))
    subregions = subregions_of(
        election.get("subregion_count"), election.get("region_code"), regions
    )
    threshold = (
        rules.support_threshold(str(election.get("kind") or ""), dpt)
        if rules is not None and dpt
        else None
    )
    spread = rules.spread_required(subregions) if rules is not None and subregions else None
    official = count_of(election.get("official_threshold"))
    official_spread = count_of(election.get("official_spread"))
    return Requirement(
        threshold=official or threshold,
        spread=official_spread or spread,
        threshold_source=DECREE if official else COMPUTED if threshold is not None else None,
        spread_source=DECREE if official_spread else COMPUTED if spread is not None else None,
        computed_threshold=threshold,
        computed_spread=spread,
        subregions=subregions,
    )
