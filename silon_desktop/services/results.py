"""Plain results the services hand to the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from silon_desktop.domain.errors import CodedError
from silon_desktop.services.changes import Changes

if TYPE_CHECKING:
    # The recap (SQLAlchemy, the models, the rules) loads with the first dashboard,
    # not with the login's outcome: the login dialog imports this module.
    from silon_desktop.domain.rules import Stage
    from silon_desktop.reports.recap import AreaCount, PairRecap

__all__ = [
    "AreaCount",
    "Dashboard",
    "LoginOutcome",
    "PairRecap",
    "SyncOutcome",
    "StartHealth",
    "SyncSummary",
    "VerifyResult",
    "stages_of",
]


def stages_of(rule_set_id: str | None) -> tuple[Stage, ...]:
    """The stages a recap or berita acara can be made of (:func:`reports.recap.stages_of`)."""
    from silon_desktop.reports import recap

    return recap.stages_of(rule_set_id)


def __getattr__(name: str) -> Any:
    """The recap's data classes, re-exported for the UI, imported at first use (PEP 562)."""
    if name in ("AreaCount", "PairRecap"):
        from silon_desktop.reports import recap

        return getattr(recap, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class StartHealth:
    """What the start found (``Services.start_checks``); the UI words it.

    Attributes:
        damaged: SQLite's lines naming damage in the database (empty: whole).
        lost: at least how many committed changes are gone (a lost WAL), or 0.
        backup_failed: why the last backup failed ("" when it did not).
        backups: the backups a restore could bring back, newest first (file names).
        archive_set_aside: the file a damaged outbox archive was set aside as by the
            start's retention ("" when none).
    """

    damaged: list[str] = field(default_factory=list)
    lost: int = 0
    backup_failed: str = ""
    backups: list[str] = field(default_factory=list)
    archive_set_aside: str = ""

    @property
    def restore_advised(self) -> bool:
        """Damage or lost changes: the operator is offered a restore."""
        return bool(self.damaged or self.lost)


@dataclass(slots=True)
class VerifyResult:
    """Records after a verification write (by id) and the first error, if any."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: CodedError | None = None
    #: records written (rows holds them only for a small step)
    count: int = 0
    #: what undoes this step (``services.verification.UndoStep``), None when nothing
    undo: Any = None
    cancelled: bool = False
    #: an undo left these records alone: they changed since (sync, resolution)
    skipped: int = 0
    #: a bulk verdict left these records alone: a citizen's objection is open on them
    objections_skipped: int = 0

    @property
    def changes(self) -> Changes:
        return Changes.of("supporter") if self.count or self.rows else Changes()


@dataclass(frozen=True, slots=True)
class SyncSummary:
    pending: int
    sent: int
    conflicts: int
    last_success: str
    #: the last failed run's coded error (the UI words it), None when the last run completed
    last_problem: CodedError | None
    online: bool | None  # None: not checked yet


class SyncOutcome(TypedDict):
    """One sync run as plain data (the status bar and the tests read these keys)."""

    pushed: int
    pulled: int
    #: edits the server refused this run (each put back as the server holds it)
    rejected: int
    conflicts_new: int
    conflicts_open: int
    remaining: int
    cancelled: bool
    #: the coded error that stopped the run (the UI words it), None when none
    problem: CodedError | None
    #: the same error's Indonesian words (the command line's and the log's), "" when none
    error: str
    error_kind: str
    complete: bool
    changes: Changes
    #: the file a damaged outbox archive was set aside as by this run's retention
    #: (``storage.retention``), "" when none: said in a box (``ui.integrity_notice``)
    archive_set_aside: str


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """A login attempt.

    Attributes:
        ok: logged in (``online``: at the server, else against the local verifier).
        online: the server answered (a refusal with ``online`` is a wrong password).
        error: why it failed: ``LOGIN_WRONG_CREDENTIALS``, ``LOGIN_OFFLINE_REFUSED``
            or the transport's code for another refusal (e.g. ``SERVER_BUSY``: locked out).
        keyring: the token is in the OS keyring (False: memory only).
    """

    ok: bool
    online: bool
    error: CodedError | None = None
    keyring: bool = True
    role: str = ""
    scope: str = ""


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One pair's support against its rule set: the recap the PDF prints, plus the
    party coalition of a party-nominated pair and the correction-round figure.

    Threshold, spread and counts are read from ``recap`` (``reports.recap``): the
    screen and the printed recap cannot disagree.
    """

    recap: PairRecap
    pair_label: str
    correction_needed: int
    #: kecamatan (or kab/kota) the correction must add (2024: the missing spread)
    correction_areas: int = 0
    #: the correction counts new supporters only (2024)
    correction_new_only: bool = False
    route: str = "perseorangan"  # "partai": nominated by parties, no supporters needed
    #: the parties that count (before MK 60/2024 those holding DPRD seats), their sums
    party_count: int = 0
    party_seats: int = 0
    party_votes: int = 0
    #: parties listed that do not count: without DPRD seats before MK 60/2024
    party_without_seats: int = 0
    #: the rule set lets a coalition nominate by its seats too (before MK 60/2024)
    party_seat_rule: bool = False
    #: the coalition meets the KPU decree's figure (its votes, or where seats count the
    #: seats computed); None: no decree figure entered
    party_decree_met: bool | None = None
    #: (party, the other pair it is recorded for): one pair per party is the rule
    #: (PKPU 10/2024 Pasal 11 ayat 4); the server refuses the second (PARTY_TAKEN)
    party_taken: tuple[tuple[str, str], ...] = ()
    #: The coalition's threshold computed from the election's last DPRD election
    #: (rule set: after MK 60/2024 a share of ``dprd_valid_votes`` by the DPT tiers;
    #: 2020: 20% of ``dprd_seats`` or 25% of the votes). None: totals not entered.
    party_need_votes: int | None = None
    party_need_seats: int | None = None
    #: the share of the valid votes that applies, in basis points (750 = 7.5%)
    party_vote_share: int = 0
    party_eligible: bool | None = None
    #: The kab/kota of the account when it works on its part of a governor election
    #: ("" otherwise): the province's target is shown with this kab/kota's share.
    own_area: str = ""

    @property
    def own_part(self) -> AreaCount | None:
        """This kab/kota's figures in a governor election's recap (None when not one)."""
        from silon_desktop.reports.recap import AreaCount

        if not self.own_area:
            return None
        for area in self.recap.areas:
            if area.code == self.own_area:
                return area
        return AreaCount(self.own_area, self.own_area)

    @property
    def own_share_percent(self) -> float | None:
        """This kab/kota's MS supporters as a share of the province's target (percent)."""
        part = self.own_part
        if part is None or not self.required:
            return None
        return round(100.0 * part.ms / self.required, 1)

    @property
    def election_label(self) -> str:
        return self.recap.election_label

    @property
    def level(self) -> str:
        """``"kecamatan"`` or ``"kabkota"``."""
        return self.recap.spread_level

    @property
    def counts(self) -> dict[str, int]:
        """A person's verdicts: MS, BMS, TMS, ``"-"`` (belum diverifikasi) and ``total``."""
        t = self.recap.totals
        return {"MS": t.ms, "BMS": t.bms, "TMS": t.tms, "-": t.unchecked, "total": t.total}

    @property
    def forecast(self) -> dict[str, int]:
        """The automatic check's forecast of the same rows (no verification)."""
        f = self.recap.forecast
        return {"MS": f.ms, "BMS": f.bms, "TMS": f.tms}

    @property
    def required(self) -> int | None:
        return self.recap.required

    @property
    def gap(self) -> int:
        return self.recap.shortfall

    @property
    def spread_needed(self) -> int | None:
        return self.recap.spread_required

    @property
    def subregion_total(self) -> int | None:
        return self.recap.subregion_count

    @property
    def subregions(self) -> list[AreaCount]:
        return self.recap.areas

    @property
    def subregions_met(self) -> int:
        return self.recap.spread_met

    @property
    def notes(self) -> list[str]:
        return ["no_dpt"] if self.recap.required is None else []
