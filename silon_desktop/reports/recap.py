"""Figures of one pair's support: counts, threshold, spread, by kecamatan and desa.

The one source of the numbers printed in the B.2-KWK export, the PDF recap and
the berita acara, so they always agree with each other. Plain data classes,
computed with a handful of GROUP BY queries (fast on a million rows: the
supporter table is indexed by pair and area).

Only verdicts given by a person count (MS, BMS, TMS); a row no person verified
is "belum diverifikasi". The automatic check's forecast is counted beside them
(``forecast``), never in their place. A recap of a stage (``stage="vermin"``,
``"vermin_correction_1"``, ``"verfak_1"`` ...) counts the rows of the rounds that
stage handles, with the verdict of that stage: the administrative verdict for
an administrative verification, the field verdict (of rows MS in the
administrative verification) for a field verification, and for the recap of every
stage the verdict that counts last, where no BMS remains.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Engine, Table, and_, case, false, func, or_, select

from silon_desktop.domain.codes import ElectionKind, Status
from silon_desktop.domain.labels import ELECTION_KIND_LABELS_ID
from silon_desktop.domain.regions import RegionTable, default_table
from silon_desktop.domain.requirement import requirement, spread_area
from silon_desktop.domain.rules import (
    CorrectionRequirement,
    Round,
    RuleSet,
    Stage,
    StageKind,
    rule_set_for,
)
from silon_desktop.domain.supporters import effective_status
from silon_desktop.domain.text import group_thousands, long_date_id
from silon_desktop.storage import outbox
from silon_desktop.storage.db import read_only
from silon_desktop.storage.models import (
    LAST_SYNC_STATE_KEY,
    Conflict,
    Election,
    Pair,
    Supporter,
    SyncState,
)
from silon_desktop.storage.supporter_queries import counted_status

STATUSES = ("MS", "BMS", "TMS")

_SUPPORTER: Table = Supporter.__table__  # type: ignore[assignment]
_PAIR: Table = Pair.__table__  # type: ignore[assignment]
_ELECTION: Table = Election.__table__  # type: ignore[assignment]
_CONFLICT: Table = Conflict.__table__  # type: ignore[assignment]


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


@dataclass(frozen=True, slots=True)
class SyncStanding:
    """How the pair's data on this computer stood with the server when it was counted.

    A berita acara is signed in a plenary over figures the province and the public
    read from the server: figures that hold edits the server has not acknowledged
    (or conflicts nobody resolved) are this computer's alone, and the printout says so.
    """

    #: Edits of the pair, its election or its supporters not yet acknowledged.
    waiting: int
    #: Conflicts on those records not yet resolved.
    conflicts: int
    #: The last complete sync (UTC); None: never.
    last_sync: dt.datetime | None

    @property
    def confirmed(self) -> bool:
        """Whether the server had every edit counted here at the last complete sync."""
        return self.last_sync is not None and self.waiting == 0 and self.conflicts == 0

    def words(self) -> str:
        """The standing in the printouts' Indonesian (recap and berita acara PDFs,
        B.2-KWK), and in the question asked before a berita acara is made."""
        if self.confirmed and self.last_sync is not None:
            when = self.last_sync.astimezone()
            return (
                "Semua perubahan data dukungan pasangan calon ini di komputer ini telah diterima "
                f"server (sinkronisasi terakhir {long_date_id(when.day, when.month, when.year)}"
                f" pukul {when:%H:%M})."
            )
        if self.last_sync is None and not self.waiting and not self.conflicts:
            return (
                "PERHATIAN: data di komputer ini belum pernah disinkronkan dengan server; "
                "angka di atas belum tentu sama dengan data di server."
            )
        problems = []
        if self.waiting:
            problems.append(
                f"{group_thousands(self.waiting)} perubahan data dukungan pasangan calon ini di "
                "komputer ini belum diterima server"
            )
        if self.conflicts:
            problems.append(f"{group_thousands(self.conflicts)} konflik belum diselesaikan")
        return (
            f"PERHATIAN: {' dan '.join(problems)}. Angka di atas belum tentu sama dengan "
            "data di server: sinkronkan, lalu cetak ulang sebelum ditandatangani."
        )


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
    #: The stage reported ("" = every round, the verdict that counts last).
    stage_id: str = ""
    stage_title: str = ""
    #: The automatic check's forecast of the same rows (not a verification).
    forecast: AreaCount = field(default_factory=lambda: AreaCount("", "Perkiraan"))
    #: MS verdicts over every round up to the stage's (a later round's rows are
    #: not yet there) as they stood at that stage (a later stage's verdict is not
    #: yet given), and the areas holding one (the threshold and spread are met by
    #: those rounds together); None: as ``totals``.
    ms_all_rounds: int | None = None
    spread_met_all_rounds: int | None = None
    #: What the law's computation gives (``required``/``spread_required`` are
    #: the KPU decree's figures where entered, else these).
    computed_required: int | None = None
    computed_spread_required: int | None = None
    #: The decree's party vote threshold (None: not entered).
    official_party_votes: int | None = None
    #: Rows counted here by their field verdict (the administrative one MS): the
    #: figures are those of field verification too, not of the office's alone.
    field_counted: int = 0
    generated_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0)
    )
    #: practice data from a training server: every printout says LATIHAN
    practice: bool = False
    #: how the counted data stood with the server (None: not asked)
    standing: SyncStanding | None = None
    #: The kab/kota whose share of a governor pair's supporters this recap counts
    #: (its KPU verifies and recaps them; the province's plenary decides the
    #: threshold and spread), and its name; "" for a whole pair.
    share_code: str = ""
    share_name: str = ""

    @property
    def share(self) -> bool:
        """Whether this recap is one kab/kota's share of a governor pair: an official
        report of it states no verdict, shortfall or correction of its own (the
        threshold and spread are met by the whole province; DOMAIN.md, Levels)."""
        return bool(self.share_code)

    @property
    def spread_level(self) -> str:
        """``"kecamatan"`` or ``"kabkota"``: the areas the spread is counted over."""
        return "kabkota" if self.election_kind == ElectionKind.GUBERNUR.value else "kecamatan"

    @property
    def spread_met(self) -> int:
        """Areas of the election's region with at least one MS supporter (in every
        round so far; :meth:`in_spread`)."""
        if self.spread_met_all_rounds is not None:
            return self.spread_met_all_rounds
        return sum(1 for area in self.areas if area.ms > 0 and self.in_spread(area))

    def in_spread(self, area: AreaCount) -> bool:
        """Whether ``area`` is one the spread counts: a sub-region of the election's
        region (an MS supporter living elsewhere is listed, and adds no area)."""
        return spread_area(area.code, self.region_code)

    @property
    def ms_total(self) -> int:
        """MS supporters of every round so far (what the threshold is met by)."""
        return self.totals.ms if self.ms_all_rounds is None else self.ms_all_rounds

    @property
    def meets_threshold(self) -> bool | None:
        return None if self.required is None else self.ms_total >= self.required

    @property
    def meets_spread(self) -> bool | None:
        return None if self.spread_required is None else self.spread_met >= self.spread_required

    @property
    def shortfall(self) -> int:
        """MS supporters still missing to reach the threshold (0 when met or unknown)."""
        return max(0, (self.required or 0) - self.ms_total)

    @property
    def correction(self) -> CorrectionRequirement | None:
        """What the next correction round must bring under the pair's rule set
        (2024: at least the shortfall and the missing spread, new supporters
        only; 2020: twice the shortfall); None when the threshold is unknown.

        The one computation the dashboard, the PDF recap and B.2-KWK print. None
        too for a kab/kota's share of a governor pair (:attr:`share`): the province's
        recap decides what the pair must bring, not one kab/kota's part of it; and for
        a recap of a stage no correction round follows (:meth:`RuleSet.correction_follows`).
        """
        if self.required is None or self.share:
            return None
        rules = rule_set_for(self.rule_set or None)
        if self.stage_id and not rules.correction_follows(self.stage_id):
            return None
        spread_required = self.spread_required or 0
        return rules.correction_requirement(
            self.required,
            min(self.ms_total, self.required),
            spread_required,
            min(self.spread_met, spread_required),
        )

    @property
    def figure_differences(self) -> list[tuple[str, int, int]]:
        """``(what, decree's figure, computed figure)`` where the KPU decree's
        figure differs from the law's computation (worth a warning)."""
        found = []
        pairs = (
            ("threshold", self.required, self.computed_required),
            ("spread", self.spread_required, self.computed_spread_required),
        )
        for what, official, computed in pairs:
            if official is not None and computed is not None and official != computed:
                found.append((what, official, computed))
        return found

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


def pair_recap(
    engine: Engine, pair_id: str, stage: str | None = None, *, share: str = ""
) -> PairRecap:
    """Count a pair's supporters by verdict, area and reason.

    Args:
        stage: a stage id of the election's rule set: count the rows of its
            rounds with its verdict (see the module doc); None: every row, by
            the verdict that counts last.
        share: the kab/kota of a kab/kota account (``domain.levels.account_kabkota``):
            a governor pair's recap is then that kab/kota's share
            (:attr:`PairRecap.share`), counted from the rows here as always; any
            other pair's recap is whole whoever asks.

    Raises:
        PairNotFound: no such pair.
        KeyError: the rule set has no such stage.
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
                    _ELECTION.c.official_threshold,
                    _ELECTION.c.official_spread,
                    _ELECTION.c.official_party_votes,
                )
                .join(_ELECTION, _ELECTION.c.id == _PAIR.c.election_id)
                .where(_PAIR.c.id == pair_id)
            )
            .mappings()
            .first()
        )
        if info is None:
            raise PairNotFound(pair_id)
        rules = rule_set_for(info["rule_set_id"] or None)
        chosen = rules.stage(stage) if stage else None
        provincial = info["kind"] == ElectionKind.GUBERNUR.value
        area_col = _SUPPORTER.c.kabkota_code if provincial else _SUPPORTER.c.kecamatan_code
        live = [_SUPPORTER.c.pair_id == pair_id, _SUPPORTER.c.deleted.is_(False)]
        # The status that counts, as it counts (no BMS where its verdict offers none).
        verdict: Any = counted_status(rules)
        if chosen is not None:
            live.append(_of_rounds(chosen.rounds))
            if chosen.kind is StageKind.ADMIN:
                # A correction round's verification is its rows' last: no BMS remains.
                choices = {c for r in chosen.rounds for c in rules.verdict_choices(r)}
                verdict = _with_external_duplicates(_SUPPORTER.c.admin_status, rules, choices)
            elif chosen.kind is StageKind.FIELD:
                # Field verification ends in MS or TMS: no BMS remains either.
                verdict = _with_external_duplicates(
                    _SUPPORTER.c.field_status, rules, rules.field_verdict_choices()
                )
                live.append(_SUPPORTER.c.admin_status == "MS")
            elif chosen.kind is StageKind.RECAP:
                verdict = _after_every_round(verdict, rules)
        grouped = conn.execute(
            select(
                area_col,
                _SUPPORTER.c.desa_code,
                _SUPPORTER.c.kecamatan_code,
                verdict,
                func.count(),
            )
            .where(*live)
            .group_by(
                area_col,
                _SUPPORTER.c.kecamatan_code,
                _SUPPORTER.c.desa_code,
                verdict,
            )
        ).all()
        reason_rows: Sequence[Any]
        if chosen is not None and chosen.kind in (StageKind.ADMIN, StageKind.FIELD):
            reason_rows = _stage_reasons(conn, live, chosen.kind, rules)
        else:
            reason_rows = conn.execute(
                select(_SUPPORTER.c.effective_reasons, func.count())
                .where(*live, verdict != "", _SUPPORTER.c.effective_reasons != "")
                .group_by(_SUPPORTER.c.effective_reasons)
            ).all()
        practice = conn.execute(
            select(SyncState.value).where(SyncState.key == PRACTICE_STATE_KEY)
        ).scalar_one_or_none()
        # Beside the forecast, in the same pass: the rows whose field verdict counts
        # (:func:`field_verdict_counts`), which the recap's title then names.
        field_counts = and_(_SUPPORTER.c.admin_status == "MS", _SUPPORTER.c.field_status != "")
        forecast_rows = conn.execute(
            select(
                _SUPPORTER.c.check_status,
                func.count(),
                func.sum(case((field_counts, 1), else_=0)),
            )
            .where(*live)
            .group_by(_SUPPORTER.c.check_status)
        ).all()
        every_round: tuple[int, int] | None = None
        if chosen is not None:
            # The areas the spread counts (:func:`spread_area`): kecamatan (kab/kota)
            # of the election's region; codes are stored dotted, at their own level.
            region = str(info["region_code"] or info["scope"])
            inside = case((area_col.startswith(region + "."), area_col), else_=None)
            ms, areas = conn.execute(
                select(func.count(), func.count(func.distinct(inside))).where(
                    _SUPPORTER.c.pair_id == pair_id,
                    _SUPPORTER.c.deleted.is_(False),
                    _ms_by(chosen, rules),
                )
            ).one()
            every_round = (int(ms), int(areas))
        standing = _standing(conn, pair_id, str(info["election_id"]))
    recap = _build(dict(info), grouped, reason_rows, provincial)
    recap.practice = bool(practice)
    recap.standing = standing
    if share and provincial:
        recap.share_code = share
        recap.share_name = _name(default_table(), share)
    for status, count, field_counted in forecast_rows:
        recap.forecast.add(status, int(count))
        recap.field_counted += int(field_counted or 0)
    if chosen is not None:
        recap.stage_id, recap.stage_title = chosen.id, chosen.title
    if every_round is not None:
        recap.ms_all_rounds, recap.spread_met_all_rounds = every_round
    return recap


def _standing(conn: Any, pair_id: str, election_id: str) -> SyncStanding:
    """:class:`SyncStanding` of a pair, read in the recap's own transaction.

    What waits (or conflicts) is read first and matched to the pair's supporters by
    their key: the cost follows what waits, not the pair's size (a join would let
    SQLite start from the pair's million supporters for the conflicts).
    """
    own = (pair_id, election_id)
    queue = outbox.outbox_t
    waiting_states = [s.value for s in outbox.WAITING]
    waiting = int(
        conn.execute(
            select(func.count())
            .select_from(queue.join(_SUPPORTER, _SUPPORTER.c.id == queue.c.record_id))
            .where(queue.c.state.in_(waiting_states), _SUPPORTER.c.pair_id == pair_id)
        ).scalar_one()
    ) + int(
        conn.execute(
            select(func.count())
            .select_from(queue)
            .where(queue.c.state.in_(waiting_states), queue.c.record_id.in_(own))
        ).scalar_one()
    )
    open_by_record = dict(
        conn.execute(
            select(_CONFLICT.c.record_id, func.count())
            .where(_CONFLICT.c.resolved_at.is_(None))
            .group_by(_CONFLICT.c.record_id)
        ).all()
    )
    records = sorted(set(open_by_record) - set(own))
    ours = {record_id for record_id in own if record_id in open_by_record}
    for start in range(0, len(records), 500):
        ours.update(
            conn.execute(
                select(_SUPPORTER.c.id).where(
                    _SUPPORTER.c.id.in_(records[start : start + 500]),
                    _SUPPORTER.c.pair_id == pair_id,
                )
            ).scalars()
        )
    conflicts = sum(int(open_by_record[record_id]) for record_id in ours)
    stamp = conn.execute(
        select(SyncState.value).where(SyncState.key == LAST_SYNC_STATE_KEY)
    ).scalar_one_or_none()
    last_sync = None
    if stamp:
        try:
            last_sync = dt.datetime.fromisoformat(str(stamp)).replace(tzinfo=dt.UTC)
        except ValueError:
            last_sync = None
    return SyncStanding(waiting, conflicts, last_sync)


def _stage_reasons(
    conn: Any, live: list[Any], kind: StageKind, rules: RuleSet
) -> list[tuple[str, int]]:
    """``(reasons as "A,B", count)`` of the verdicts of one verification stage: the
    administrative verdict's reasons for an administrative verification, the field
    verdict's for a field verification (``effective_reasons`` are those of the verdict
    that counts last: a row MS in the office and not met in the field gave the
    office's recap NOT_FOUND), with DUPLICATE_EXTERNAL as :func:`effective_status`
    adds it, for the rows the stage's verdict column counts."""
    field = kind is StageKind.FIELD
    status_col = _SUPPORTER.c.field_status if field else _SUPPORTER.c.admin_status
    reasons_col = _SUPPORTER.c.field_reasons if field else _SUPPORTER.c.admin_reasons
    rows = conn.execute(
        select(status_col, reasons_col, _SUPPORTER.c.external_duplicate, func.count())
        .where(*live, status_col != "")
        .group_by(status_col, reasons_col, _SUPPORTER.c.external_duplicate)
    ).all()
    out: list[tuple[str, int]] = []
    for status, reasons, external, count in rows:
        codes = [str(c) for c in _as_list(reasons)]
        admin: tuple[str, list[str]] = ("MS", []) if field else (str(status), codes)
        visit: tuple[str, list[str]] = (str(status), codes) if field else ("", [])
        counted, sorted_codes = effective_status("", (), *admin, *visit, bool(external), rules)
        if counted and sorted_codes:
            out.append((",".join(sorted_codes), int(count)))
    return out


def _as_list(value: Any) -> list[Any]:
    """A JSON list column as read (a list, or its text where the driver left it)."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value:
        found = json.loads(value)
        return found if isinstance(found, list) else []
    return []


def _with_external_duplicates(
    verdict: Any, rules: RuleSet, choices: Collection[Status] = tuple(Status)
) -> Any:
    """A stage's verdict column as it counts: a supporter whose NIK also backs another
    pair is at least what the rule set makes of DUPLICATE_EXTERNAL, as everywhere else
    (dashboard, B.2, the public figures), and TMS where BMS is none of the stage's
    ``choices`` (:meth:`RuleSet.status_within`: the verification of a correction
    round's rows). The mapping is the domain's own (:func:`effective_status`, asked
    for each verdict), written as one ``CASE``."""
    changed = {
        str(status): str(
            rules.status_within(
                Status(effective_status("", (), str(status), (), "", (), True, rules)[0]),
                choices,
            )
        )
        for status in Status
    }
    whens = [
        (and_(_SUPPORTER.c.external_duplicate.is_(True), verdict == old), new)
        for old, new in changed.items()
        if new != old
    ]
    return case(*whens, else_=verdict) if whens else verdict


def _ms_by(stage: Stage, rules: RuleSet) -> ColumnElement[bool]:
    """Rows MS when the stage's minutes are made: of the rounds handed in by then
    (:meth:`RuleSet.rounds_until`: a later round's rows are not yet there), by the
    verdict that counted then: the field verdict of a round the field verification
    has visited by then (``effective_status``), else the administrative one, counted
    as the stage counts it (a later field verdict is not yet given)."""
    arrived = rules.rounds_until(stage.id)
    visited = rules.rounds_visited_by(stage.id)
    ms_now = _SUPPORTER.c.effective_status == "MS"
    if set(arrived) <= set(visited):
        return and_(ms_now, _of_rounds(arrived))
    not_visited = tuple(r for r in arrived if r not in visited)
    ms_then = _with_external_duplicates(_SUPPORTER.c.admin_status, rules) == "MS"
    return or_(
        and_(ms_now, _of_rounds(visited)) if visited else false(),
        and_(ms_then, _of_rounds(not_visited)),
    )


def _after_every_round(verdict: Any, rules: RuleSet) -> Any:
    """The verdict that counts last, as the recap of every stage counts it: after the
    verification of the correction rounds only MS and TMS remain (DOMAIN.md), so a
    row still BMS (a submission's supporter no correction made MS) is TMS, with its
    reasons (:meth:`RuleSet.status_within`). Counted so, not stored: the row's verdict
    stays what its verifier gave."""
    final = (Status.MS, Status.TMS)
    whens = [
        (verdict == status.value, rules.status_within(status, final).value)
        for status in Status
        if rules.status_within(status, final) is not status
    ]
    return case(*whens, else_=verdict)


def _of_rounds(rounds: tuple[Round, ...]) -> ColumnElement[bool]:
    """Rows that arrived in one of ``rounds`` (an empty round is the submission)."""
    col = _SUPPORTER.c.round
    wanted = [r.value for r in rounds]
    if Round.SUBMISSION in rounds:
        return or_(col.in_(wanted), col == "")
    return col.in_(wanted)


def stages_of(rule_set_id: str | None) -> tuple[Stage, ...]:
    """The stages a recap or berita acara can be made of (verification stages and the recap)."""
    rules = rule_set_for(rule_set_id or None)
    kinds = (StageKind.ADMIN, StageKind.FIELD, StageKind.RECAP)
    return tuple(s for s in rules.stages if s.kind in kinds)


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
    need = requirement(rules, {**data, "region_code": region_code}, regions)
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
        dpt=data["dpt"],
        subregion_count=need.subregions,
        totals=totals,
        areas=sorted(areas.values(), key=lambda a: (a.code == "", a.code)),
        desa=sorted(desa.values(), key=lambda a: (a.parent == "", a.parent, a.code)),
        reasons=dict(sorted(reasons.items())),
        required=need.threshold,
        spread_required=need.spread,
        computed_required=need.computed_threshold,
        computed_spread_required=need.computed_spread,
        official_party_votes=data.get("official_party_votes") or None,
    )


def _name(regions: RegionTable, code: str) -> str:
    if not code:
        return "(tanpa wilayah)"
    return regions.name(code) or code
