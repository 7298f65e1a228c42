"""What a sync run tells its caller: stage statuses, progress, the report, error kinds.

Plain data only (no database, no network): the engine fills these, the command
line and the UI read them. A failure carries its kind (what the caller does next)
and the coded error that stopped the run; the UI and the command line choose its
words from the one table (``domain.wording``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from silon_desktop.domain.errors import CodedError, ErrorCode


class StageName(StrEnum):
    """The stages of a run, in order (``apply`` runs inside ``pull``, page by page)."""

    PUSH = "push"
    PULL = "pull"
    APPLY = "apply"
    RESOLVE = "resolve"


class StageState(StrEnum):
    IDLE = "idle"  # never ran on this machine
    RUNNING = "running"  # running now, or the process stopped while it ran
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class StageStatus:
    """A stage's last status: its state, when (UTC, ISO 8601) and a detail."""

    state: StageState = StageState.IDLE
    at: str = ""
    detail: str = ""

    def to_json(self) -> str:
        return json.dumps({"status": self.state.value, "at": self.at, "detail": self.detail})

    @classmethod
    def from_json(cls, text: str) -> StageStatus:
        """The status saved by :meth:`to_json` (idle when nothing was saved)."""
        if not text:
            return cls()
        data = json.loads(text)
        return cls(StageState(data["status"]), str(data.get("at", "")), str(data.get("detail", "")))


class ErrorKind(StrEnum):
    """Why a run stopped; the value is the code callers match on."""

    OFFLINE = "offline"  # the server cannot be reached
    AUTH = "auth"  # the session expired or was refused: log in again
    REVOKED = "revoked"  # the server revoked the account or device: lock the data
    LOCAL = "local"  # the local database is locked, the disk full...
    ERROR = "error"  # the server refused or answered something unreadable


@dataclass(frozen=True, slots=True)
class SyncFailure:
    """The error that stopped a run: its kind, the stage it stopped in, the coded error."""

    kind: ErrorKind
    stage: StageName | str
    error: CodedError

    @property
    def message(self) -> str:
        """The error's Indonesian words (the command line's and the log's)."""
        return self.error.message


class Cancelled(Exception):
    """The run was cancelled between two steps; everything done so far is kept."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress step for the UI or the command line.

    Attributes:
        stage: push, pull, apply or resolve.
        done: mutations pushed or records pulled so far in this stage.
        total: the total when known (push), else None.
    """

    stage: str
    done: int
    total: int | None


ProgressFn = Callable[[Progress], None]


@dataclass(slots=True)
class SyncReport:
    """What one run did.

    Attributes:
        failure: the error that stopped the run, if one did.
        stages: every stage's status at the end of the run.
        complete: every local mutation has an answer from the server (nothing
            pending or sent is left).
    """

    pushed: int = 0
    acked: int = 0
    rejected: int = 0
    conflicts_new: int = 0
    pulled: int = 0
    batches: int = 0
    receipts_unverified: int = 0
    remaining: int = 0
    conflicts_open: int = 0
    cancelled: bool = False
    failure: SyncFailure | None = None
    stages: dict[StageName, StageStatus] = field(default_factory=dict)

    def add(self, counts: SyncReport) -> None:
        """Add a stage's counts (pushed, acked, rejected, new conflicts, pulled, batches,
        unverified receipts) to this report."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(counts, name))

    @property
    def error(self) -> str:
        """The failure's message ("" when none)."""
        return self.failure.message if self.failure else ""

    @property
    def error_kind(self) -> str:
        """The failure's kind as its code ("" when none)."""
        return self.failure.kind.value if self.failure else ""

    @property
    def complete(self) -> bool:
        return self.failure is None and not self.cancelled and self.remaining == 0


#: the counters a stage adds to the run's report
_COUNTS = (
    "pushed",
    "acked",
    "rejected",
    "conflicts_new",
    "pulled",
    "batches",
    "receipts_unverified",
)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """The saved state of sync on this machine (``last_problem``: the coded error of
    the last run that failed, None once a run completes)."""

    pending: int
    sent: int
    conflicts_open: int
    last_success_at: str
    last_problem: CodedError | None
    cursor: str
    stages: dict[StageName, StageStatus] = field(default_factory=dict)

    @property
    def last_error(self) -> str:
        """The last problem's Indonesian words ("" when none)."""
        return self.last_problem.message if self.last_problem is not None else ""


def saved_problem(error: CodedError) -> str:
    """A coded error as saved in the sync state: its code and parameters, not words."""
    return json.dumps({"code": error.code.value, "params": dict(error.params)})


def read_problem(text: str) -> CodedError | None:
    """The coded error :func:`saved_problem` saved (None for nothing, or for a state
    saved by an older version as words: the next run saves it again)."""
    try:
        data = json.loads(text) if text else None
        return CodedError(ErrorCode(data["code"]), **data["params"]) if data else None
    except (ValueError, TypeError, KeyError):
        return None
