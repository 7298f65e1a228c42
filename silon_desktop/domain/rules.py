"""Rule sets of an election: every number that changes between elections.

Shares are kept in basis points (1/100 of a percent: 750 = 7.5%) and all
arithmetic is on integers, so rounding is exact: the support threshold is
rounded up (733,927 x 7.5% = 55,044.525 -> 55,045).

Which reason code makes a supporter BMS (fixable in the correction round) or TMS
(final) is part of the rule set. In ``pilkada-2024`` (PKPU 8/2024) a missing ID
card scan and a banned occupation became BMS; in ``pilkada-2020`` they were TMS.
The other choices, the same in both:

- BMS: the person may well be a valid supporter whose data needs fixing or a
  decision: NIK_MISMATCH, NIK_PRECISION (a lost last digit), MISSING_FIELD,
  NIK_REGION (an unknown kecamatan may be a typo or a code retired after the NIK
  was issued: checked against the ID scan), DUPLICATE_POTENTIAL (an operator
  decides which row is the person), DUPLICATE_EXTERNAL (clarified in field
  verification: the person chooses one pair).
- TMS: the person cannot count: NIK_FORMAT (no valid identity), UNDERAGE,
  OUTSIDE_REGION, NOT_IN_DPT, DUPLICATE_IDENTICAL (the copy; the kept row is
  judged on its own), DECEASED, NOT_FOUND, DENIES_SUPPORT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from silon_desktop.domain.codes import ElectionKind, ReasonCode, Status

_BP = 10_000  # basis points in a whole


class UnknownRuleSetError(ValueError):
    """An election names a rule set this program does not know."""


#: Stage deadlines are calendar days in Western Indonesia Time (UTC+7): the server's
#: clock (``sync.server.config``) and the desktop's own reckoning before a write.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def today_wib(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Western Indonesia Time."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(WIB).date()


class Round(StrEnum):
    """The round a supporter row arrived in (wire field ``round`` of a supporter)."""

    SUBMISSION = "submission"  # penyerahan dukungan
    CORRECTION_1 = "correction_1"  # perbaikan (the only one in 2020)
    CORRECTION_2 = "correction_2"  # perbaikan kedua (2024)


def verdict_end(stage: str, arrival: Round | str) -> str | None:
    """The election's date (a field name) after which a person's verdict of ``stage``
    (``admin`` or ``field``) on a row that arrived in round ``arrival`` is closed, or
    None where no date of the election closes it.

    The field verification ends at ``verfak_end`` (the election has one date for every
    round's). ``vermin_end`` ends the administrative verification of the submission
    (stage ``vermin``, whose rows are the submission's); a correction round's rows have
    their own administrative verification (``vermin_correction_1``, ``_2``), which no
    stage date of the election closes. The desktop refuses such a verdict before it is
    saved, the server refuses it (``DEADLINE_PASSED``, naming the date).
    """
    if stage == "field":
        return "verfak_end"
    if str(arrival or Round.SUBMISSION) == Round.SUBMISSION.value:
        return "vermin_end"
    return None


class StageKind(StrEnum):
    """What happens in a stage of the nomination of an independent pair."""

    SUBMISSION = "submission"  # the pair hands supporters in
    ADMIN = "admin"  # verifikasi administrasi (by KPU kab/kota operators)
    CORRECTION = "correction"  # the pair hands in more supporters
    FIELD = "field"  # verifikasi faktual (PPS, door to door)
    RECAP = "recap"  # rekapitulasi in plenary meetings


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a rule set, in order.

    ``rounds`` are the arrival rounds whose rows the stage handles: the
    administrative verification of correction 1 looks at rows that arrived in
    correction 1; field verification 1 of 2024 visits the rows of the
    submission and of correction 1.
    """

    id: str
    kind: StageKind
    rounds: tuple[Round, ...]
    title: str


class CorrectionRule(StrEnum):
    """How much the correction round must bring."""

    #: Pilkada 2020: twice the shortfall (Pandeglang, Gunungkidul 2020).
    DOUBLE_SHORTFALL = "double_shortfall"
    #: Pilkada 2024 (PKPU 8/2024 Pasal 77(2)): at least the shortfall and the
    #: missing spread, from new supporters only.
    SHORTFALL_AND_SPREAD = "shortfall_and_spread"


@dataclass(frozen=True, slots=True)
class CorrectionRequirement:
    """What a pair must add in a correction round.

    ``supporters``: at least this many supporters; ``areas``: supporters in at
    least this many more kecamatan (or kab/kota) without an MS supporter yet;
    ``new_supporters_only``: supporters already submitted do not count.
    """

    supporters: int
    areas: int
    new_supporters_only: bool

    @property
    def needed(self) -> bool:
        return self.supporters > 0 or self.areas > 0


@dataclass(frozen=True, slots=True)
class Tier:
    """A DPT band: up to ``up_to`` voters (inclusive; None = no limit), ``basis_points`` share."""

    up_to: int | None
    basis_points: int


@dataclass(frozen=True, slots=True)
class PartyRule:
    """What a party coalition needs to nominate a pair.

    Before MK 60/2024: ``seat_share`` of DPRD seats or ``vote_share`` of valid
    votes, counting only parties holding seats. After: a share of valid votes by
    the same DPT tiers as independents (``votes_by_dpt_tier``), and parties
    without seats may nominate.
    """

    seat_share: int | None  # basis points, or None when seats do not count
    vote_share: int | None  # basis points, or None when the DPT tiers apply
    votes_by_dpt_tier: bool
    seats_needed_to_nominate: bool


@dataclass(frozen=True, slots=True)
class PartyStanding:
    """One nominating party's result in the last DPRD election of the region."""

    seats: int
    votes: int


@dataclass(frozen=True, slots=True)
class PartyThreshold:
    """What a coalition must reach: seats (None when seats do not count) or votes."""

    seats: int | None
    votes: int


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one election cycle, keyed by ``id`` (e.g. ``"pilkada-2024"``)."""

    id: str
    title: str
    governor_tiers: tuple[Tier, ...]
    regency_tiers: tuple[Tier, ...]  # bupati and walikota
    correction_rule: CorrectionRule
    #: The stages, in order (see :class:`Stage`).
    stages: tuple[Stage, ...]
    party: PartyRule
    min_age_governor: int
    min_age_regency: int
    supporter_min_age: int
    #: Whoever is or was married may support below ``supporter_min_age``.
    married_may_support_underage: bool
    bms_codes: frozenset[ReasonCode]
    tms_codes: frozenset[ReasonCode]
    #: Supporter fields that must not be empty (B.1-KWK Perseorangan).
    supporter_required_fields: tuple[str, ...]
    #: Further required fields in a governor election.
    governor_required_fields: tuple[str, ...]

    def tiers(self, kind: ElectionKind | str) -> tuple[Tier, ...]:
        return self.governor_tiers if ElectionKind(kind).is_provincial else self.regency_tiers

    def tier_for(self, kind: ElectionKind | str, dpt: int) -> Tier:
        """The DPT band ``dpt`` falls in."""
        _check_count("dpt", dpt)
        for tier in self.tiers(kind):
            if tier.up_to is None or dpt <= tier.up_to:
                return tier
        raise AssertionError(f"rule set {self.id} has no open-ended top tier")

    def support_threshold(self, kind: ElectionKind | str, dpt: int) -> int:
        """Supporters an independent pair needs: the tier's share of DPT, rounded up."""
        return _ceil_share(dpt, self.tier_for(kind, dpt).basis_points)

    def spread_required(self, subregions: int) -> int:
        """Kecamatan (or kab/kota) that must have supporters: more than half."""
        _check_count("subregions", subregions)
        return subregions // 2 + 1 if subregions else 0

    def correction_requirement(
        self, required: int, ms_count: int, spread_required: int = 0, spread_met: int = 0
    ) -> CorrectionRequirement:
        """What the next correction round must bring, given the MS supporters and
        the areas with an MS supporter verified so far.

        2024 (PKPU 8/2024 Pasal 77(2)): at least the shortfall and the missing
        spread, new supporters only (Kab. Sukoharjo: 50,894 required, 22,895 MS
        -> at least 27,999). 2020: twice the shortfall (Pandeglang 2020).
        """
        for name, value in (
            ("required", required),
            ("ms_count", ms_count),
            ("spread_required", spread_required),
            ("spread_met", spread_met),
        ):
            _check_count(name, value)
        shortfall = max(0, required - ms_count)
        areas = max(0, spread_required - spread_met)
        # Supporters in N more areas are at least N supporters, even where the count
        # itself is met (it asked "at least 0 supporters ... in 5 more kecamatan").
        if self.correction_rule is CorrectionRule.DOUBLE_SHORTFALL:
            return CorrectionRequirement(max(2 * shortfall, areas), areas, False)
        return CorrectionRequirement(max(shortfall, areas), areas, new_supporters_only=True)

    def correction_shortfall(self, required: int, ms_count: int) -> int:
        """Supporters to add in the correction round (see :meth:`correction_requirement`)."""
        return self.correction_requirement(required, ms_count).supporters

    @property
    def arrival_rounds(self) -> tuple[Round, ...]:
        """The rounds supporter rows can arrive in, in order."""
        return self.rounds_until(self.stages[-1].id)

    def rounds_until(self, stage_id: str) -> tuple[Round, ...]:
        """The rounds supporter rows have arrived in by the stage ``stage_id``, in
        order: what its minutes measure the threshold and spread by (each row belongs
        to the round it was submitted in; a later round's rows are not yet there).

        Raises:
            KeyError: the rule set has no such stage.
        """
        return self._rounds_by(stage_id, StageKind.SUBMISSION, StageKind.CORRECTION)

    def rounds_visited_by(self, stage_id: str) -> tuple[Round, ...]:
        """The rounds whose rows a field verification has visited by the stage
        ``stage_id`` (itself included), in order: from then on their field verdict
        is the one that counts; before, their administrative verdict.

        Raises:
            KeyError: the rule set has no such stage.
        """
        return self._rounds_by(stage_id, StageKind.FIELD)

    def _rounds_by(self, stage_id: str, *kinds: StageKind) -> tuple[Round, ...]:
        """The rounds of the stages of ``kinds`` up to ``stage_id`` (itself included)."""
        until = self.stages[: self.stages.index(self.stage(stage_id)) + 1]
        seen: list[Round] = []
        for stage in until:
            if stage.kind in kinds:
                seen.extend(r for r in stage.rounds if r not in seen)
        return tuple(seen)

    def late_rounds(
        self, support_end: dt.date | None, verfak_end: dt.date | None, today: dt.date
    ) -> list[Round]:
        """The rounds a supporter row written ``today`` may arrive in, the likeliest
        first: [] while the submission is open (or its end is not entered): the row is
        the submission's. After ``support_end`` a new row can only be a correction's
        (the server refuses a submission row then, and the row would be undone): this
        rule set's correction rounds, the second first once the field verification
        (``verfak_end``) is over. One answer for a row typed by hand and an imported list.
        """
        if support_end is None or today <= support_end:
            return []
        rounds: list[Round] = [r for r in self.arrival_rounds if r is not Round.SUBMISSION]
        if verfak_end is not None and today > verfak_end:
            rounds.reverse()
        return rounds

    def correction_follows(self, stage_id: str) -> bool:
        """Whether a correction round comes after the stage ``stage_id``: after the
        last one's stages (2024: its verification and verfak II, the recap; 2020: the
        verification of the correction) a pair short of the threshold has no round
        left to bring more in.

        Raises:
            KeyError: the rule set has no such stage.
        """
        later = self.stages[self.stages.index(self.stage(stage_id)) + 1 :]
        return any(stage.kind is StageKind.CORRECTION for stage in later)

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(f"rule set {self.id} has no stage {stage_id!r}")

    def verdict_choices(self, arrival: Round | str) -> tuple[Status, ...]:
        """The verdicts a person may give a row of this arrival round.

        A row that arrived in a correction round is verified for the last time
        in the administrative verification of that round: after it no BMS
        remains, so only MS and TMS are offered.
        """
        if Round(arrival or Round.SUBMISSION) is Round.SUBMISSION:
            return (Status.MS, Status.BMS, Status.TMS)
        return (Status.MS, Status.TMS)

    def field_verdict_choices(self) -> tuple[Status, ...]:
        """Field verification ends in MS or TMS (a supporter not met is TMS)."""
        return (Status.MS, Status.TMS)

    def verdict_status(
        self, codes: Iterable[ReasonCode | str], choices: Iterable[Status]
    ) -> Status:
        """The status of a person's verdict with these reasons, where ``choices``
        (:meth:`verdict_choices`, :meth:`field_verdict_choices`) may remain.

        The reasons decide (:meth:`status_for`), except that a reason the rule set
        makes BMS gives TMS where BMS is no choice: after the verification of a
        correction round and in field verification only MS and TMS remain, and the
        verdict still carries its reason (a correction round's supporter without an
        ID card scan is TMS with NO_ID_SCAN).
        """
        return self.status_within(self.status_for(codes), choices)

    def status_within(self, status: Status, choices: Iterable[Status]) -> Status:
        """``status`` where only ``choices`` remain: a BMS is TMS where BMS is no
        choice (after the verification of a correction round only MS and TMS remain;
        DOMAIN.md), whatever made it BMS (a person's reasons, :meth:`verdict_status`;
        the server's DUPLICATE_EXTERNAL flag, counted by the recap)."""
        if status is Status.BMS and Status.BMS not in tuple(choices):
            return Status.TMS
        return status

    def party_threshold(
        self, kind: ElectionKind | str, *, total_seats: int, total_valid_votes: int, dpt: int
    ) -> PartyThreshold:
        """Seats or valid votes a coalition needs (each rounded up)."""
        rule = self.party
        seats = _ceil_share(total_seats, rule.seat_share) if rule.seat_share is not None else None
        if rule.votes_by_dpt_tier:
            share = self.tier_for(kind, dpt).basis_points
        else:
            share = rule.vote_share or 0
        return PartyThreshold(seats, _ceil_share(total_valid_votes, share))

    def party_eligible(
        self,
        kind: ElectionKind | str,
        parties: Iterable[PartyStanding],
        *,
        total_seats: int,
        total_valid_votes: int,
        dpt: int,
    ) -> bool:
        """Whether a coalition may nominate a pair."""
        counted = [p for p in parties if p.seats > 0 or not self.party.seats_needed_to_nominate]
        if not counted:
            return False
        need = self.party_threshold(
            kind, total_seats=total_seats, total_valid_votes=total_valid_votes, dpt=dpt
        )
        if need.seats is not None and sum(p.seats for p in counted) >= need.seats:
            return True
        return sum(p.votes for p in counted) >= need.votes

    def min_candidate_age(self, kind: ElectionKind | str) -> int:
        return self.min_age_governor if ElectionKind(kind).is_provincial else self.min_age_regency

    def candidate_age_ok(
        self, kind: ElectionKind | str, birth_date: dt.date, penetapan_date: dt.date
    ) -> bool:
        """Whether a candidate is old enough on the date of penetapan."""
        return age_on(birth_date, penetapan_date) >= self.min_candidate_age(kind)

    def status_of(self, code: ReasonCode | str) -> Status:
        """BMS or TMS: what one reason gives."""
        reason = ReasonCode(code)
        if reason in self.tms_codes:
            return Status.TMS
        if reason in self.bms_codes:
            return Status.BMS
        raise AssertionError(f"rule set {self.id} does not classify {reason}")

    def status_for(self, codes: Iterable[ReasonCode | str]) -> Status:
        """The status a set of reasons gives: MS without any, else the worst one."""
        worst = Status.MS
        for code in codes:
            status = self.status_of(code)
            if status is Status.TMS:
                return status
            worst = status
        return worst


def underage_candidate(
    rule_set: RuleSet,
    kind: ElectionKind | str,
    penetapan_date: dt.date | None,
    candidates: Iterable[tuple[str, dt.date | None]],
) -> tuple[str, int, int] | None:
    """``(role, age, minimum)`` of the first of ``candidates`` (role, birth date) younger
    on the date of penetapan than the rule set's minimum for the election's kind: such
    a pair is not confirmed (*ditetapkan*). None when all are old enough, and where the
    age cannot be counted: no penetapan date or kind, a candidate without a birth date.
    The desktop's check before a pair is set *ditetapkan* and the server's both ask this.
    """
    if penetapan_date is None or kind not in _KINDS:
        return None
    minimum = rule_set.min_candidate_age(kind)
    for role, birth in candidates:
        if birth is not None and not rule_set.candidate_age_ok(kind, birth, penetapan_date):
            return role, age_on(birth, penetapan_date), minimum
    return None


_KINDS = frozenset(str(k) for k in ElectionKind)

#: The fields, by entity, whose write may leave a pair *ditetapkan* with a candidate
#: under age (:func:`underage_candidate`), in the order a refusal names the first one
#: written: a pair's status or election, a candidate's pair or birth date, an
#: election's penetapan date, kind or rule set. The desktop's check before saving and
#: the server's ask on these writes.
UNDERAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "pair": ("status", "election_id"),
    "candidate": ("pair_id", "birth_date"),
    "election": ("penetapan_date", "kind", "rule_set"),
}


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Age in whole years on a date (a 29 February birthday counts from 1 March)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


def _ceil_share(amount: int, basis_points: int) -> int:
    _check_count("amount", amount)
    return -(-amount * basis_points // _BP)


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")


GOVERNOR_TIERS = (
    Tier(2_000_000, 1000),
    Tier(6_000_000, 850),
    Tier(12_000_000, 750),
    Tier(None, 650),
)
REGENCY_TIERS = (
    Tier(250_000, 1000),
    Tier(500_000, 850),
    Tier(1_000_000, 750),
    Tier(None, 650),
)
_ALWAYS_TMS = frozenset(
    {
        ReasonCode.NIK_FORMAT,
        ReasonCode.UNDERAGE,
        ReasonCode.OUTSIDE_REGION,
        ReasonCode.NOT_IN_DPT,
        ReasonCode.DUPLICATE_IDENTICAL,
        ReasonCode.DECEASED,
        ReasonCode.NOT_FOUND,
        ReasonCode.DENIES_SUPPORT,
    }
)
_ALWAYS_BMS = frozenset(
    {
        ReasonCode.NIK_REGION,
        ReasonCode.NIK_MISMATCH,
        ReasonCode.NIK_PRECISION,
        ReasonCode.MISSING_FIELD,
        ReasonCode.DUPLICATE_POTENTIAL,
        ReasonCode.DUPLICATE_EXTERNAL,
    }
)
_BMS_SINCE_2024 = frozenset({ReasonCode.NO_ID_SCAN, ReasonCode.BANNED_OCCUPATION})
_SUPPORTER_REQUIRED = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "marital_status",
    "occupation",
    "address",
    "desa_code",
    "kecamatan_code",
)

_S, _C1, _C2 = Round.SUBMISSION, Round.CORRECTION_1, Round.CORRECTION_2

#: PKPU 8/2024: two correction rounds, field verification as a census after each.
STAGES_2024 = (
    Stage("submission", StageKind.SUBMISSION, (_S,), "Penyerahan dukungan"),
    Stage("vermin", StageKind.ADMIN, (_S,), "Verifikasi administrasi"),
    Stage("correction_1", StageKind.CORRECTION, (_C1,), "Perbaikan dukungan I"),
    Stage("vermin_correction_1", StageKind.ADMIN, (_C1,), "Verifikasi administrasi perbaikan I"),
    Stage("verfak_1", StageKind.FIELD, (_S, _C1), "Verifikasi faktual I"),
    Stage("correction_2", StageKind.CORRECTION, (_C2,), "Perbaikan dukungan II"),
    Stage("vermin_correction_2", StageKind.ADMIN, (_C2,), "Verifikasi administrasi perbaikan II"),
    Stage("verfak_2", StageKind.FIELD, (_C2,), "Verifikasi faktual II"),
    Stage("recap", StageKind.RECAP, (_S, _C1, _C2), "Verifikasi seluruh tahap"),
)
#: PKPU 3/2017 as amended for 2020: vermin, field verification, one correction
#: (twice the shortfall) with its own administrative and field verification.
STAGES_2020 = (
    Stage("submission", StageKind.SUBMISSION, (_S,), "Penyerahan dukungan"),
    Stage("vermin", StageKind.ADMIN, (_S,), "Verifikasi administrasi"),
    Stage("verfak", StageKind.FIELD, (_S,), "Verifikasi faktual"),
    Stage("correction_1", StageKind.CORRECTION, (_C1,), "Perbaikan dukungan"),
    Stage("vermin_correction_1", StageKind.ADMIN, (_C1,), "Verifikasi administrasi perbaikan"),
    Stage("verfak_correction_1", StageKind.FIELD, (_C1,), "Verifikasi faktual perbaikan"),
    Stage("recap", StageKind.RECAP, (_S, _C1), "Verifikasi seluruh tahap"),
)

PILKADA_2024 = RuleSet(
    id="pilkada-2024",
    title="Pilkada 2024 (PKPU 8/2024, after MK 60/PUU-XXII/2024)",
    governor_tiers=GOVERNOR_TIERS,
    regency_tiers=REGENCY_TIERS,
    correction_rule=CorrectionRule.SHORTFALL_AND_SPREAD,
    stages=STAGES_2024,
    party=PartyRule(
        seat_share=None, vote_share=None, votes_by_dpt_tier=True, seats_needed_to_nominate=False
    ),
    min_age_governor=30,
    min_age_regency=25,
    supporter_min_age=17,
    married_may_support_underage=True,
    bms_codes=_ALWAYS_BMS | _BMS_SINCE_2024,
    tms_codes=_ALWAYS_TMS,
    supporter_required_fields=_SUPPORTER_REQUIRED,
    governor_required_fields=("kabkota_code",),
)

PILKADA_2020 = RuleSet(
    id="pilkada-2020",
    title="Pilkada 2020 (UU 10/2016 Pasal 40, before MK 60/PUU-XXII/2024)",
    governor_tiers=GOVERNOR_TIERS,
    regency_tiers=REGENCY_TIERS,
    correction_rule=CorrectionRule.DOUBLE_SHORTFALL,
    stages=STAGES_2020,
    party=PartyRule(
        seat_share=2000, vote_share=2500, votes_by_dpt_tier=False, seats_needed_to_nominate=True
    ),
    min_age_governor=30,
    min_age_regency=25,
    supporter_min_age=17,
    married_may_support_underage=True,
    bms_codes=_ALWAYS_BMS,
    tms_codes=_ALWAYS_TMS | _BMS_SINCE_2024,
    supporter_required_fields=_SUPPORTER_REQUIRED,
    governor_required_fields=("kabkota_code",),
)

RULE_SETS: dict[str, RuleSet] = {r.id: r for r in (PILKADA_2024, PILKADA_2020)}
DEFAULT_RULE_SET_ID = PILKADA_2024.id


def rule_set_for(rule_set_id: str | None) -> RuleSet:
    """The rule set with this id; empty or None gives the default (pilkada-2024).

    Raises:
        UnknownRuleSetError: no rule set has this id.
    """
    if not rule_set_id:
        return RULE_SETS[DEFAULT_RULE_SET_ID]
    try:
        return RULE_SETS[rule_set_id]
    except KeyError:
        known = ", ".join(sorted(RULE_SETS))
        raise UnknownRuleSetError(f"unknown rule set {rule_set_id!r} (known: {known})") from None


def _rules(rule_set: RuleSet | None) -> RuleSet:
    return rule_set or RULE_SETS[DEFAULT_RULE_SET_ID]


def support_threshold(kind: ElectionKind | str, dpt: int, rule_set: RuleSet | None = None) -> int:
    """Supporters an independent pair needs (rounded up); see :meth:`RuleSet.support_threshold`."""
    return _rules(rule_set).support_threshold(kind, dpt)


def spread_required(subregions: int, rule_set: RuleSet | None = None) -> int:
    """floor(n/2)+1 kecamatan or kab/kota: 17 -> 9, 27 -> 14, 40 -> 21, 6 -> 4."""
    return _rules(rule_set).spread_required(subregions)


def correction_shortfall(required: int, ms_count: int, rule_set: RuleSet | None = None) -> int:
    """Supporters to add in the correction round (2024: the gap; 2020: twice the gap)."""
    return _rules(rule_set).correction_shortfall(required, ms_count)


def party_threshold(
    kind: ElectionKind | str,
    *,
    total_seats: int,
    total_valid_votes: int,
    dpt: int,
    rule_set: RuleSet | None = None,
) -> PartyThreshold:
    return _rules(rule_set).party_threshold(
        kind, total_seats=total_seats, total_valid_votes=total_valid_votes, dpt=dpt
    )


def party_eligible(
    kind: ElectionKind | str,
    parties: Iterable[PartyStanding],
    *,
    total_seats: int,
    total_valid_votes: int,
    dpt: int,
    rule_set: RuleSet | None = None,
) -> bool:
    return _rules(rule_set).party_eligible(
        kind, parties, total_seats=total_seats, total_valid_votes=total_valid_votes, dpt=dpt
    )


def candidate_age_ok(
    kind: ElectionKind | str,
    birth_date: dt.date,
    penetapan_date: dt.date,
    rule_set: RuleSet | None = None,
) -> bool:
    return _rules(rule_set).candidate_age_ok(kind, birth_date, penetapan_date)


def status_for(codes: Iterable[ReasonCode | str], rule_set: RuleSet | None = None) -> Status:
    """MS without reasons, else the worst status any reason gives."""
    return _rules(rule_set).status_for(codes)
