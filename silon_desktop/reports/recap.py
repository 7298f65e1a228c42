"""Figures of one pair's support: counts, threshold, spread, by kecamatan and desa.

The one source of the numbers printed in the B.2-KWK export, the PDF recap and
the berita acara, so they always agree with each other. Plain data classes,
computed with a handful of GROUP BY queries (fast on a million rows: the
supporter table is indexed by pair and area).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Table, func, select

from silon_desktop.domain.codes import ElectionKind
from silon_desktop.domain.labels import ELECTION_KIND_LABELS_ID
from silon_desktop.domain.regions import RegionTable, default_table
from silon_desktop.domain.rules import rule_set_for
from silon_desktop.storage.db import read_only
from silon_desktop.storage.models import Election, Pair, Supporter, SyncState

STATUSES = ("MS", "BMS", "TMS")

_SUPPORTER: Table = Supporter.__table__  # type: ignore[assignment]
_PAIR: Table = Pair.__table__  # type: ignore[assignment]
_ELECTION: Table = Election.__table__  # type: ignore[assignment]


class PairNotFound(LookupError):
    def __init__(self, pair_id: str) -> None:
        self.pair_id = pair_id
        super().__init__(f"pair {pair_id!r} not in the local database")


#: The sync state key naming the training server practice data came from
#: (:data:`sync.client.training.TRAINING_ID`).
PRACTICE_STATE_KEY = "training_server_id"
#: The mark every printout of practice data carries.
PRACTICE_MARK = "LATIHAN - DATA LATIHAN, BUKAN DATA SUNGGUHAN"


@dataclass(slots=True)
class AreaCount:
    """Supporters of one area by status; ``unchecked`` have no status yet."""

    code: str
    name: str
    parent: str = ""
    ms: int = 0
    bms: int = 0
    tms: int = 0
    unchecked: int = 0

    @property
    def total(self) -> int:
        return self.ms + self.bms + self.tms + self.unchecked

    def add(self, status: str, count: int) -> None:
        if status == "MS":
            self.ms += count
        elif status == "BMS":
            self.bms += count
        elif status == "TMS":
            self.tms += count
        else:
            self.unchecked += count


@dataclass(slots=True)
class PairRecap:
    """The recap of one pair (rekapitulasi dukungan)."""

    pair_id: str
    pair_number: int | None
    head_name: str
    deputy_name: str
    election_name: str
    election_kind: str
    region_code: str
    region_name: str
    rule_set: str
    dpt: int | None
    subregion_count: int | None
    totals: AreaCount
    #: kecamatan (bupati/walikota) or kab/kota (gubernur), in code order
    areas: list[AreaCount] = field(default_factory=list)
    #: kelurahan/desa, in code order (``parent`` is the kecamatan code)
    desa: list[AreaCount] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    required: int | None = None
    spread_required: int | None = None
    generated_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0)
    )
    #: practice data from a training server: every printout says LATIHAN
    practice: bool = False

    @property
    def spread_level(self) -> str:
        """``"kecamatan"`` or ``"kabkota"``: the areas the spread is counted over."""
        return "kabkota" if self.election_kind == ElectionKind.GUBERNUR.value else "kecamatan"

    @property
    def spread_met(self) -> int:
        """Areas with at least one MS supporter."""
        return sum(1 for area in self.areas if area.code and area.ms > 0)

    @property
    def meets_threshold(self) -> bool | None:
        return None if self.required is None else self.totals.ms >= self.required

    @property
    def meets_spread(self) -> bool | None:
        return None if self.spread_required is None else self.spread_met >= self.spread_required

    @property
    def shortfall(self) -> int:
        """MS supporters still missing to reach the threshold (0 when met or unknown)."""
        return max(0, (self.required or 0) - self.totals.ms)

    @property
    def pair_label(self) -> str:
        names = " - ".join(n for n in (self.head_name, self.deputy_name) if n)
        number = f"Nomor {self.pair_number}: " if self.pair_number else ""
        return f"{number}{names}" if names else self.pair_id

    @property
    def election_label(self) -> str:
        if self.election_name:
            return self.election_name
        kind = ELECTION_KIND_LABELS_ID.get(ElectionKind(self.election_kind), self.election_kind)
        return f"{kind} {self.region_name}".strip()


def pair_recap(engine: Engine, pair_id: str) -> PairRecap:
    """Count a pair's supporters by status, area and reason.

    Raises:
        PairNotFound: no such pair.
    """
    with read_only(engine).connect() as conn:
        info = (
            conn.execute(
                select(
                    _PAIR,
                    _ELECTION.c.name.label("election_name"),
                    _ELECTION.c.kind,
                    _ELECTION.c.region_code,
                    _ELECTION.c.rule_set.label("rule_set_id"),
                    _ELECTION.c.dpt,
                    _ELECTION.c.subregion_count,
                )
                .join(_ELECTION, _ELECTION.c.id == _PAIR.c.election_id)
                .where(_PAIR.c.id == pair_id)
            )
            .mappings()
            .first()
        )
        if info is None:
            raise PairNotFound(pair_id)
        provincial = info["kind"] == ElectionKind.GUBERNUR.value
        area_col = _SUPPORTER.c.kabkota_code if provincial else _SUPPORTER.c.kecamatan_code
        live = (_SUPPORTER.c.pair_id == pair_id, _SUPPORTER.c.deleted.is_(False))
        grouped = conn.execute(
            select(
                area_col,
                _SUPPORTER.c.desa_code,
                _SUPPORTER.c.kecamatan_code,
                _SUPPORTER.c.effective_status,
                func.count(),
            )
            .where(*live)
            .group_by(
                area_col,
                _SUPPORTER.c.kecamatan_code,
                _SUPPORTER.c.desa_code,
                _SUPPORTER.c.effective_status,
            )
        ).all()
        reason_rows = conn.execute(
            select(_SUPPORTER.c.effective_reasons, func.count())
            .where(*live, _SUPPORTER.c.effective_reasons != "")
            .group_by(_SUPPORTER.c.effective_reasons)
        ).all()
        practice = conn.execute(
            select(SyncState.value).where(SyncState.key == PRACTICE_STATE_KEY)
        ).scalar_one_or_none()
    recap = _build(dict(info), grouped, reason_rows, provincial)
    recap.practice = bool(practice)
    return recap


def _build(
    info: Mapping[str, Any], grouped: Sequence[Any], reason_rows: Sequence[Any], provincial: bool
) -> PairRecap:
    data = dict(info)
    regions = default_table()
    rules = rule_set_for(data["rule_set_id"] or None)
    region_code = data["region_code"] or data["scope"]
    totals = AreaCount("", "Jumlah")
    areas: dict[str, AreaCount] = {}
    desa: dict[str, AreaCount] = {}
    for area_code, desa_code, kec_code, status, count in grouped:
        area_code, n = area_code or "", int(count)
        totals.add(status, n)
        area = areas.get(area_code)
        if area is None:
            area = areas[area_code] = AreaCount(area_code, _name(regions, area_code))
        area.add(status, n)
        desa_code = desa_code or ""
        key = f"{kec_code or ''}|{desa_code}"
        item = desa.get(key)
        if item is None:
            item = desa[key] = AreaCount(desa_code, _name(regions, desa_code), kec_code or "")
        item.add(status, n)
    reasons: dict[str, int] = {}
    for text, count in reason_rows:
        for code in str(text).split(","):
            if code:
                reasons[code] = reasons.get(code, 0) + int(count)
    for child in regions.children(region_code):
        if child.code not in areas:
            areas[child.code] = AreaCount(child.code, child.name)
    dpt = data["dpt"]
    subregions = data["subregion_count"] or len(regions.children(region_code)) or None
    return PairRecap(
        pair_id=data["id"],
        pair_number=data["number"],
        head_name=data["head_name"],
        deputy_name=data["deputy_name"],
        election_name=data["election_name"],
        election_kind=data["kind"],
        region_code=region_code,
        region_name=regions.name(region_code) or region_code,
        rule_set=rules.id,
        dpt=dpt,
        subregion_count=subregions,
        totals=totals,
        areas=sorted(areas.values(), key=lambda a: (a.code == "", a.code)),
        desa=sorted(desa.values(), key=lambda a: (a.parent == "", a.parent, a.code)),
        reasons=dict(sorted(reasons.items())),
        required=rules.support_threshold(data["kind"], dpt) if dpt else None,
        spread_required=rules.spread_required(subregions) if subregions else None,
    )


def _name(regions: RegionTable, code: str) -> str:
    if not code:
        return "(tanpa wilayah)"
    return regions.name(code) or code
