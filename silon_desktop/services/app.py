"""The application's services as the UI sees them: one object, plain data in and out.

Widgets call this and nothing below it: writes go through the storage
repository (row + outbox in one transaction), reads of the big supporter table
through ``storage.supporter_queries``, sync through ``sync.client``, secrets
through ``sync.credentials``. No SQL, no HTTP and no Qt here, so every method can
run on a worker thread (each call opens its own session). Words for the operator
are chosen by the UI: what comes back is data, codes and :class:`Changes`.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import linecache
import logging
import os
import platform
import threading
import uuid
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from silon_desktop import __version__
from silon_desktop.config import Settings
from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.domain.levels import account_kabkota, read_only, writable
from silon_desktop.domain.records import FieldError, one_pilkada, validate_record
from silon_desktop.domain.regions import RegionTable, default_table
from silon_desktop.domain.rules import rule_set_for
from silon_desktop.paths import AppPaths
from silon_desktop.services.changes import Changes
from silon_desktop.services.results import (
    Dashboard,
    LoginOutcome,
    StartHealth,
    SyncOutcome,
    SyncSummary,
    VerifyResult,
)
from silon_desktop.services.tables import SupporterFilter, SupporterQuery, SupporterSort
from silon_desktop.storage.db import Database
from silon_desktop.storage.repository import Repository
from sync.protocol import HEALTH_PATH

if TYPE_CHECKING:
    # Imported where first used: a process that only opens the table loads neither
    # the login's cryptography, argon2 and keyring nor the transport's requests,
    # nor the recap and the problem list of the reports.
    from silon_desktop.domain.problem_list import ProblemList
    from silon_desktop.reports.recap import PairRecap
    from silon_desktop.services.access import Access, Session
    from silon_desktop.services.imports import ImportService
    from sync.client.bundles import BundleContents, BundleResult
    from sync.receipts import RecordHistoryRead
    from sync.transport import HttpTransport

log = logging.getLogger(__name__)


def forget_module_sources() -> None:
    """Drop the source text of the imported modules that ``linecache`` holds.

    PySide6's import hook (shiboken's ``__feature__`` support) reads the source of
    every module imported after it with ``inspect.getsource``, to see whether the
    module names PySide6, and ``linecache`` keeps each text for the life of the
    process: about 8.5 MB of the table's process, more than the region table's
    names. Once the data is open the program's modules are loaded, so the services
    drop them then (a traceback reads the lines it shows again from the file).
    """
    linecache.clearcache()


Record = dict[str, Any]


class Services:
    """Services for the UI; safe to call from any thread (one session per call).

    Args:
        paths: the data folders.
        settings: operator settings (saved with :meth:`save_settings`).
        db: the open local database.
    """

    def __init__(
        self, paths: AppPaths, settings: Settings, db: Database, access: Access | None = None
    ) -> None:
        self.paths = paths
        self.settings = settings
        self.db = db
        #: logging in to the (encrypted) data folder; None: a plain database (tests)
        self.access = access
        self.user = settings.username
        self.online: bool | None = None
        #: region code of the logged-in account (the scope of new elections)
        self.session_scope = ""
        #: role of the logged-in account ("bawaslu" writes nothing: :attr:`read_only`)
        self.session_role = ""
        self._regions: RegionTable | None = None
        self._repo: Repository | None = None
        self._lock = threading.Lock()
        self._token: str | None = None
        self._imports: ImportService | None = None
        forget_module_sources()

    # -- plumbing --------------------------------------------------------------------

    @property
    def imports(self) -> ImportService:
        """Reading and importing files (made at first use: the importers load then)."""
        with self._lock:
            if self._imports is None:
                from silon_desktop.services.imports import ImportService

                self._imports = ImportService(
                    self.db,
                    user=lambda: self.user,
                    tmp_root=self.paths.tmp,
                    account_scope=lambda: self.session_scope,
                    refusal=self._may_write,
                    practice=lambda: self.practice,
                )
            return self._imports

    @property
    def regions(self) -> RegionTable:
        if self._regions is None:
            self._regions = default_table()
        return self._regions

    @property
    def repo(self) -> Repository:
        with self._lock:
            if self._repo is None or self._repo.user != self.user:
                self._repo = Repository(self.db, self.settings.device_id, user=self.user)
            return self._repo

    @property
    def read_only(self) -> bool:
        """Whether the logged-in account's level writes nothing (Bawaslu): every write
        is refused before it is saved (:meth:`_may_write`), the UI shows it read-only."""
        return read_only(self.session_role)

    def _may_write(self) -> CodedError | None:
        """Why this account saves nothing at all (``ACCOUNT_READ_ONLY``), or None: the
        server refuses every write of a level that only reads, and the PC would undo it
        at the next sync."""
        return CodedError(ErrorCode.ACCOUNT_READ_ONLY) if self.read_only else None

    def save_settings(self) -> None:
        self.settings.save(self.paths.settings)

    def region_name(self, code: str) -> str:
        name = self.regions.name(code) if code else None
        return str(name) if name else code

    # -- records -----------------------------------------------------------------------

    def get(self, entity: str, record_id: str | None) -> Record | None:
        if not record_id:
            return None
        record = self.repo.get(entity, record_id)
        return dict(record) if record is not None else None

    def list(self, entity: str, **filters: Any) -> builtins.list[Record]:
        return [dict(r) for r in self.repo.list(entity, **filters)]

    def create(
        self, entity: str, values: Record, scope: str
    ) -> tuple[str | None, CodedError | None]:
        """Create a record; (id, None) or (None, why not).

        A supporter a kab/kota account adds to its province's pair (a governor
        election) is of its kab/kota until a desa says otherwise: the server refuses a
        kab/kota's supporter of no kab/kota (``SCOPE_MISMATCH``), and a refused create
        is undone here, with what was typed since.
        """
        own = account_kabkota(self.session_scope)
        if (
            entity == "supporter"
            and own
            and scope == own.split(".")[0]
            and not values.get("kabkota_code")
        ):
            values = {**values, "kabkota_code": own}
        refused = self._outside_share(entity, scope, values, values)
        if refused is None:
            refused = self._underage(entity, values, values)
        if refused is not None:
            return None, refused
        try:
            return str(self.repo.create(entity, values, scope)), None
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return None, self._problem(error)

    def update(self, entity: str, record_id: str, values: Record) -> CodedError | None:
        """Save fields of a record; None when committed, else why not."""
        current = self.repo.get(entity, record_id)
        if current is not None:
            after = {**current, **values}
            refused = self._outside_share(entity, str(current["scope"]), after, values)
            if refused is None and entity == "election":
                refused = self._set_above(current, values)
            if refused is None:  # as the server: only the fields this save changes
                written = {k: v for k, v in values.items() if current.get(k) != v}
                refused = self._underage(entity, after, written)
            if refused is not None:
                return refused
        try:
            self.repo.update(entity, record_id, values)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    def delete(self, entity: str, record_id: str) -> CodedError | None:
        current = self.repo.get(entity, record_id)
        if current is not None:
            refused = self._outside_share(entity, str(current["scope"]), current, ())
            if refused is not None:
                return refused
        try:
            self.repo.delete(entity, record_id)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    def _outside_share(
        self, entity: str, scope: str, fields: Record, changed: Collection[str]
    ) -> CodedError | None:
        """Why the server will refuse this account's write of a record of ``scope``
        (``fields``: the record after the write; ``changed``: the fields it sets), or
        None: what the server allows a level (:func:`writable`), told before saving (a
        refused write is undone at the next sync)."""
        if writable(self.session_scope, entity, scope, fields, changed, self.session_role):
            return None
        return self._may_write() or CodedError(
            ErrorCode.WRITE_OUTSIDE_SHARE, region=self.session_scope
        )

    def fields_made_above(self, entity: str, record: Record) -> frozenset[str]:
        """The fields of ``record`` this account fills on no condition: for a KPU
        kab/kota, an election's administered fields and identity when the province or
        KPU RI made the election (its ``made_by_kabkota`` false, as the server sent
        it); the form shows them read-only (the save refuses them too,
        :meth:`_set_above`). Empty when not known (an older server)."""
        from sync.protocol import ENTITIES, election_field_refused

        if entity != "election" or not account_kabkota(self.session_scope):
            return frozenset()
        made = record.get("made_by_kabkota")
        names = ENTITIES["election"].client_fields
        return frozenset(n for n in names if election_field_refused(n, None, made) == "made_above")

    def _set_above(self, current: Record, values: Record) -> CodedError | None:
        """Why the server will refuse a kab/kota account's write of an election's field
        the administering level sets (READ_ONLY), or None: the fields it administers and
        what the election is (its kind, region and year; the kind and region also have
        one right value for its scope, which the domain's own check holds them to,
        ``domain.records``). The server's one rule (``sync.protocol``
        :func:`election_field_refused`): on an election the province or KPU RI made
        (``made_by_kabkota`` false, as the server sent it) not even an empty one is
        filled; on its own, one set is not changed. Not known (an older server): only
        the set one is refused here, and the server decides the rest."""
        from silon_desktop.domain.labels import FIELD_LABELS_ID
        from silon_desktop.storage.outbox import waiting_fields
        from sync.protocol import election_field_refused

        if not account_kabkota(self.session_scope):
            return None
        with self.db.session(readonly=True) as session:
            # A value still waiting here was never the server's: correcting it is fine.
            unsent = waiting_fields(session.connection(), str(current["id"]))
        made = current.get("made_by_kabkota")
        for name, value in values.items():
            old = current.get(name)
            if old == value:
                continue
            why = election_field_refused(name, old, made)
            if why == "made_above":
                label = FIELD_LABELS_ID.get(name, name)
                return CodedError(ErrorCode.ELECTION_MADE_ABOVE, field=label)
            if why is not None and name not in unsent:
                label = FIELD_LABELS_ID.get(name, name)
                return CodedError(ErrorCode.ELECTION_FIELD_SET_ABOVE, field=label)
        return None

    def _underage(self, entity: str, after: Record, values: Record) -> CodedError | None:
        """Why saving ``values`` (``after``: the record as it will stand) leaves a pair
        *ditetapkan* with a candidate younger on the election's penetapan date than
        its rule set's minimum, naming the field saved (the domain's rule and its
        ``UNDERAGE_FIELDS``; the server's too: BAD_VALUE), or None (also where the age
        cannot be counted): a pair's status or election, a candidate's pair or birth
        date, an election's penetapan date, kind or rule set."""
        from silon_desktop.domain.labels import FIELD_LABELS_ID
        from silon_desktop.domain.rules import UNDERAGE_FIELDS

        field = next((f for f in UNDERAGE_FIELDS.get(entity, ()) if f in values), None)
        if field is None:
            return None
        label = FIELD_LABELS_ID.get(field, field)
        if entity == "candidate":
            pair = self.get("pair", str(after.get("pair_id") or "")) or {}
            if pair.get("status") != "ditetapkan":
                return None
            return self._too_young(self._election_of(pair), [after], label)
        if not after.get("id"):  # a new pair or election has no candidates yet
            return None
        if entity == "pair":
            if after.get("status") != "ditetapkan":
                return None
            return self._too_young(self._election_of(after), self._candidates(after), label)
        for pair in self.list("pair", election_id=after["id"]):
            if pair.get("status") == "ditetapkan":
                refused = self._too_young(after, self._candidates(pair), label)
                if refused is not None:
                    return refused
        return None

    def _candidates(self, pair: Record) -> builtins.list[Record]:
        return self.list("candidate", pair_id=pair.get("id"))

    def _too_young(
        self, election: Record, candidates: builtins.list[Record], label: str
    ) -> CodedError | None:
        """``PAIR_CANDIDATE_UNDERAGE`` naming ``label`` when one of ``candidates`` of a
        confirmed pair of ``election`` is under the minimum age, else None."""
        from silon_desktop.domain.labels import ROLE_LABELS_ID
        from silon_desktop.domain.rules import UnknownRuleSetError, underage_candidate

        fixed = election.get("penetapan_date")
        if not isinstance(fixed, dt.date):
            return None
        births = [
            (str(c.get("role") or ""), b if isinstance(b := c.get("birth_date"), dt.date) else None)
            for c in candidates
        ]
        try:
            rules = rule_set_for(election.get("rule_set") or None)
        except UnknownRuleSetError:  # a newer server's rules: its own check decides
            return None
        found = underage_candidate(rules, str(election.get("kind") or ""), fixed, births)
        if found is None:
            return None
        role, age, minimum = found
        roles = {str(k): v for k, v in ROLE_LABELS_ID.items()}
        return CodedError(
            ErrorCode.PAIR_CANDIDATE_UNDERAGE,
            field=label,
            role=roles.get(role, role),
            age=str(age),
            minimum=str(minimum),
            date=fixed.strftime("%d-%m-%Y"),
        )

    def validate(self, entity: str, values: Record) -> dict[str, FieldError]:
        """Field -> the first problem the domain finds with it (the UI words it)."""
        out: dict[str, FieldError] = {}
        for problem in validate_record(entity, values):
            if problem.field in values and problem.field not in out:
                out[problem.field] = problem
        return out

    def parse_nik(self, text: str) -> Record:
        """Reason codes, birth date and sex a NIK gives (the UI words the reasons)."""
        from silon_desktop.domain.nik import parse_nik

        result = parse_nik(text)
        return {
            "reasons": [str(r) for r in result.reasons],
            "birth_date": result.birth_date,
            "sex": str(result.sex) if result.sex else "",
        }

    def _problem(self, error: BaseException) -> CodedError:
        """A refusal as a coded error (the UI words it); anything else is a bug, logged."""
        if isinstance(error, CodedError):
            return error
        log.exception("unexpected error while saving", exc_info=error)
        return CodedError(ErrorCode.UNEXPECTED, detail=f"{type(error).__name__}: {error}")

    def attach_document(self, document_id: str, source: Path) -> CodedError | None:
        """Copy a scanned requirement document into the data folder and record its name,
        SHA-256 and size (slow for a big scan: a job). None when saved, else why not.

        Raises:
            OSError: the scan cannot be read or the copy cannot be written.
        """
        from sync.privacy import open_private, private_folder

        refused = self._may_write()
        if refused is not None:
            return refused
        folder = private_folder(self.paths.documents)
        digest, size = hashlib.sha256(), 0
        partial = folder / f".{uuid.uuid4().hex}.part"
        try:
            with source.open("rb") as scan, open_private(partial) as copy:
                for chunk in iter(lambda: scan.read(1 << 20), b""):
                    digest.update(chunk)
                    copy.write(chunk)
                    size += len(chunk)
            stored = f"{digest.hexdigest()[:16]}-{source.name}"
            os.replace(partial, folder / stored)
        finally:
            partial.unlink(missing_ok=True)
        values = {"filename": stored, "sha256": digest.hexdigest(), "size": size, "status": "ada"}
        return self.update("document", document_id, values)

    # -- supporter table -------------------------------------------------------------

    def supporter_query(
        self, pair_id: str, flt: SupporterFilter, sort: SupporterSort
    ) -> SupporterQuery:
        """Live supporters of a pair under a filter and a sort, read block by block."""
        return SupporterQuery(self.db.engine, pair_id, flt, sort, live_only=True)

    # -- verification ----------------------------------------------------------------

    def status_for(self, reasons: builtins.list[str], election: Record) -> str:
        if not reasons:
            return "MS"
        return str(rule_set_for(election.get("rule_set") or None).status_for(reasons))

    def objections_among(self, ids: builtins.list[str]) -> int:
        """How many of ``ids`` carry a citizen's open objection: a verdict on several
        rows leaves them out (:meth:`verify`), and the question before it says so."""
        from silon_desktop.services import verification

        return len(verification.with_objection(self.db, ids))

    def verify(
        self,
        ids: builtins.list[str],
        stage: str,
        reasons: builtins.list[str],
        method: str,
        election: Record,
        *,
        progress: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> VerifyResult:
        """Record a person's administrative (``admin``) or field (``field``) verdict
        on supporters: one transaction, undone as one step (``result.undo``).

        A verdict on several rows leaves out those with a citizen's open objection
        (``result.objections_skipped``): the verdict resolves the objection, so each
        needs one of its own, given after clarification."""
        from silon_desktop.domain.rules import today_wib
        from silon_desktop.services import verification

        rules = rule_set_for(election.get("rule_set") or None)
        result = VerifyResult(error=self._may_write())
        if result.error is not None:
            return result
        if len(ids) > 1:
            held = verification.with_objection(self.db, ids)
            ids = [i for i in ids if i not in held]
            result.objections_skipped = len(held)
        try:
            verification.check_open(self.db, election, ids, stage, today_wib())
            # Each row's status: a reason that is BMS gives TMS where no BMS remains
            # (field verification, a correction round's row).
            statuses = verification.statuses_for(self.db, ids, stage, reasons, rules)
            groups: dict[str, builtins.list[str]] = {}
            for record_id in ids:
                groups.setdefault(statuses[record_id], []).append(record_id)
            for status, members in groups.items():
                verification.check_choice(self.db, members, stage, status, rules)
            status = statuses[ids[0]] if ids else verification.status_for(reasons, rules)
            values = verification.verdict_values(stage, status, reasons, self.user, method)
            status_field = "field_status" if stage == "field" else "admin_status"
            others = {i: {status_field: s} for i, s in statuses.items() if s != status}
            step = verification.verify(
                self.repo, ids, values, progress=progress, cancel=cancel, per_record=others
            )
        except Exception as error:  # noqa: BLE001 - shown to the operator
            result.error = self._problem(error)
            return result
        result.cancelled = step.cancelled
        result.count = step.count
        result.undo = step.undo
        self._fill_rows(result, ids)
        return result

    def undo_verify(
        self,
        step: Any,
        *,
        progress: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> VerifyResult:
        """Undo one verification step; fields changed since (a sync, a conflict
        resolution) are left as they are (``result.skipped`` counts such records)."""
        from silon_desktop.domain.rules import today_wib
        from silon_desktop.services import verification

        result = VerifyResult(error=self._may_write())
        if result.error is not None:
            return result
        try:
            verification.check_undo_open(self.repo, step, today_wib())
            done = verification.undo(self.repo, step, progress=progress, cancel=cancel)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            result.error = self._problem(error)
            return result
        result.count, result.skipped, result.cancelled = done.count, done.skipped, done.cancelled
        self._fill_rows(result, [entry[0] for entry in step.entries])
        return result

    def verdict_put_back(self, step: Any) -> bool:
        """Whether an undone verification step holds again: its undo was refused by the
        server and the sync put the verdicts back (the step can be undone again)."""
        from silon_desktop.services import verification

        return verification.holds(self.repo, step)

    def _fill_rows(self, result: VerifyResult, ids: builtins.list[str]) -> None:
        """The records after a small step (a large one: the table re-reads)."""
        if result.cancelled or len(ids) > 200:
            return
        for record_id in ids:
            record = self.get("supporter", record_id)
            if record is not None:
                result.rows[record_id] = record

    def recheck_supporter(
        self, record_id: str, election: Record, old_nik: str | None = None
    ) -> CodedError | None:
        """Run the automatic check (the forecast) on a supporter typed or edited by
        hand, and on the rows of its pair sharing its NIK (duplicates recomputed).
        Returns why a write was refused, or None."""
        from silon_desktop.services import verification

        refused = self._may_write()
        if refused is not None:
            return refused

        try:
            verification.recheck(self.repo, self.db, record_id, election, old_nik=old_nik)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    def set_id_scan(
        self, ids: builtins.list[str], present: bool, election: Record
    ) -> CodedError | None:
        """Set the ID card scan / identity statement flag of the selected supporters
        (one transaction), then run their automatic check again (NO_ID_SCAN)."""
        from silon_desktop.services import verification

        refused = self._may_write()
        if refused is not None:
            return refused

        try:
            self.repo.update_many("supporter", [(i, {"has_id_scan": present}) for i in ids])
            for record_id in ids:
                verification.recheck(self.repo, self.db, record_id, election)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    # -- withdrawal and merge ---------------------------------------------------------

    def withdraw_supporter(
        self, record_id: str, reason: str, note: str, election: Record
    ) -> CodedError | None:
        """Withdraw a supporter with a reason (a tombstone; its history stays).
        None when saved, else why not."""
        from silon_desktop.services import withdrawal

        refused = self._may_write() or self._supporter_outside_share(record_id)
        if refused is not None:
            return refused

        try:
            values = withdrawal.withdrawal_values(reason, self.user, note)
            withdrawal.withdraw(self.repo, self.db, election, record_id, values)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    def restore_supporter(self, record_id: str, election: Record) -> CodedError | None:
        """Undo a supporter's withdrawal (the same row live again; the journal and the
        server's audit log keep what was undone). None when saved, else why not."""
        from silon_desktop.services import withdrawal

        refused = self._may_write() or self._supporter_outside_share(record_id)
        if refused is not None:
            return refused

        try:
            withdrawal.restore(self.repo, self.db, election, record_id)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    def _supporter_outside_share(
        self, record_id: str, values: Record | None = None
    ) -> CodedError | None:
        """Why the server will refuse this account's withdrawal, restoring or merge of
        a supporter (``values``: the fields a merge sets on the row it keeps), or None:
        a delete or restore is a write of the record (``push.check_scopes``, the
        restore's area check), as an edit is (:meth:`_outside_share`). A province
        reads its kab/kotas' elections and could withdraw their supporters: the server
        refused the batch and the next sync put the rows back."""
        current = self.repo.get("supporter", record_id)
        if current is None:
            return None  # the withdrawal's own RecordNotFound says so
        changed = values or {}
        after = {**current, **changed}
        return self._outside_share("supporter", str(current["scope"]), after, changed)

    def may_write_supporter(self, record_id: str) -> bool:
        """Whether this account may write the supporter (verify, withdraw, follow up
        an objection): not a reading level (Bawaslu), and within its share."""
        return self._may_write() is None and self._supporter_outside_share(record_id) is None

    def withdrawn_supporters(self, pair_id: str) -> builtins.list[Record]:
        """The withdrawn supporters of a pair, last withdrawn first."""
        from silon_desktop.services import withdrawal

        return withdrawal.withdrawn(self.db, pair_id)

    def merge_plan(self, first_id: str, second_id: str) -> tuple[str, builtins.list[str]]:
        """Which of two rows to keep by default (the better verified) and the
        person's fields on which they differ."""
        from silon_desktop.services import withdrawal

        a, b = self.get("supporter", first_id) or {}, self.get("supporter", second_id) or {}
        if not a or not b:
            return first_id, []
        return withdrawal.better_verified(a, b), withdrawal.differences(a, b)

    def merge_supporters(
        self, keep_id: str, drop_id: str, values: Record, election: Record
    ) -> CodedError | None:
        """Keep one row of a duplicate (with ``values`` taken from the other) and
        withdraw the other as ``ganda`` of it, in one step. None when saved."""
        from silon_desktop.services import withdrawal

        refused = (
            self._may_write()
            or self._supporter_outside_share(keep_id, values)
            or self._supporter_outside_share(drop_id)
        )
        if refused is not None:
            return refused

        try:
            withdrawal.merge(self.repo, self.db, election, keep_id, drop_id, values, self.user)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    # -- reports -----------------------------------------------------------------------

    def _election_of(self, pair: Record) -> Record:
        """The election of ``pair`` (``{}`` when it is not here)."""
        return self.get("election", str(pair.get("election_id") or "")) or {}

    def arrival_rounds(self, pair_id: str) -> builtins.list[str]:
        """The rounds a supporter row of the pair can arrive in, in order (its
        election's rule set: the 2020 rules have one correction round)."""
        pair = self.get("pair", pair_id) or {}
        election = self._election_of(pair)
        return [r.value for r in rule_set_for(election.get("rule_set") or None).arrival_rounds]

    def new_supporter_rounds(
        self, pair_id: str, today: dt.date | None = None
    ) -> builtins.list[str]:
        """The rounds a supporter added by hand today may arrive in, the likeliest
        first (:meth:`RuleSet.late_rounds`): [] while the submission is open."""
        from silon_desktop.domain.rules import today_wib

        pair = self.get("pair", pair_id) or {}
        election = self._election_of(pair)
        end, field_end = election.get("support_end"), election.get("verfak_end")
        rounds = rule_set_for(election.get("rule_set") or None).late_rounds(
            end if isinstance(end, dt.date) else None,
            field_end if isinstance(field_end, dt.date) else None,
            today or today_wib(),
        )
        return [r.value for r in rounds]

    def recap(self, pair_id: str, stage: str | None = None) -> PairRecap:
        """The pair's verification recap, of one stage or of all, for an official
        report (recap or berita acara PDF; slow: a job).

        Raises:
            CorruptDatabase: the full integrity check failed: no counts are given
                from a damaged file (the UI offers a restore).
        """
        from silon_desktop.reports.recap import pair_recap

        self.require_intact()
        share = account_kabkota(self.session_scope)
        recap = pair_recap(self.db.engine, pair_id, stage, share=share)
        recap.practice = self.practice  # a training folder's too, before any sync
        return recap

    def export_b11(
        self, pair_id: str, target: Path, progress: Callable[[int], None] | None = None
    ) -> int:
        """Write the pair's supporters to an XLSX list (B.1.1-KWK; slow: a job);
        returns how many were written. Refused (CorruptDatabase) on a damaged file."""
        from silon_desktop.reports.xlsx_export import export_b11

        self.require_intact()
        return export_b11(
            self.db.engine,
            pair_id,
            target,
            progress,
            tmp_root=self.paths.tmp,
            practice=self.practice,
        )

    def export_b2(self, pair_id: str, target: Path) -> Path:
        """Write the pair's recap of counts and spread to XLSX (B.2-KWK; slow: a job).
        Refused (CorruptDatabase) on a damaged file."""
        from silon_desktop.reports.xlsx_export import export_b2

        return export_b2(self.recap(pair_id), target)

    def pair_label(self, pair_id: str) -> str:
        """ "1. HEAD - DEPUTY" as the navigation shows a pair ("" for none)."""
        return pair_label(self.get("pair", pair_id) or {})

    def verification_problems(self, pair_id: str) -> ProblemList:
        """The pair's supporters found BMS or TMS with verdict and reasons (slow: a job)."""
        import dataclasses

        from silon_desktop.reports.problem_list import verification_problems

        problems = verification_problems(self.db.engine, pair_id, self.pair_label(pair_id))
        return dataclasses.replace(problems, practice=self.practice)

    def write_problems_xlsx(self, problems: ProblemList, target: Path) -> Path:
        """Write a problem list (import or verification) as XLSX (a job)."""
        return self.imports.write_problems_xlsx(problems, target)

    # -- integrity and backups -------------------------------------------------------

    def require_intact(self) -> None:
        """The full integrity check before an official export or report.

        Raises:
            CorruptDatabase: the database is damaged (its message is for the operator).
        """
        from silon_desktop.storage.integrity import require_intact

        require_intact(self.db.path, self.db.key)

    def start_checks(self, lost: Any = None, *, backup: bool = True) -> StartHealth:
        """What the start tells the operator (worker thread: the quick check reads the
        whole file): damage (``PRAGMA quick_check``), lost committed changes (``lost``:
        :meth:`lost_changes` taken before anything was committed), the automatic
        backup when due (``backup``; not of a damaged file) and whether the last
        backup failed, and the backups a restore could bring back."""
        from silon_desktop.storage import backup as backups
        from silon_desktop.storage import integrity

        health = integrity.check(self.db.path, key=self.db.key)
        backups.clean_partials(self.paths.backups)  # what a killed backup left
        kept = None
        if health.ok and backup:
            self.backup_if_due()
            kept = self.retain()  # after the backup: what the server has leaves this PC
        failure = backups.last_failure(self.db.path)
        return StartHealth(
            damaged=list(health.problems),
            lost=int(lost.missing) if lost is not None else 0,
            backup_failed=failure.message if failure is not None else "",
            backups=self.backup_names(),
            archive_set_aside=_set_aside_name(kept),
        )

    def retain(self) -> Any:
        """Retention (UU PDP Art. 43-44, ``storage.retention``): acknowledged mutations to
        the archive, deleted supporters' personal fields blanked. Never fails the caller
        (a failure is logged; the data stays as it was). Returns the report or None."""
        from silon_desktop.storage import retention
        from silon_desktop.storage.errors import StoreEnvironmentError

        try:
            return retention.apply(self.db, measure=False)
        except (OSError, StoreEnvironmentError) as error:
            log.warning("retention skipped: %s", getattr(error, "code", type(error).__name__))
            return None

    def backup_names(self) -> builtins.list[str]:
        """The backups' file names, newest first."""
        from silon_desktop.storage.backup import list_backups

        return [b.path.name for b in list_backups(self.paths.backups)]

    def lost_changes(self) -> Any:
        """Committed changes the database no longer holds (a lost WAL), or None.
        Call at start, before anything is committed."""
        from silon_desktop.storage.integrity import lost_changes

        return lost_changes(self.db.path, self.db.key)

    def backup_if_due(self) -> str:
        """An automatic backup when due; returns "" or why it failed (for the operator).
        The failure is also kept for ``--self-check``."""
        from silon_desktop.storage import backup
        from silon_desktop.storage.errors import StoreEnvironmentError

        try:
            backup.backup_if_due(
                self.db.path, self.paths.backups, self.settings.backup_keep, key=self.db.key
            )
        except (OSError, StoreEnvironmentError) as error:
            log.error("automatic backup failed: %s", getattr(error, "code", type(error).__name__))
            return str(getattr(error, "message", "") or error)
        return ""

    def restore_backup(self, name: str) -> str:
        """Close the database and bring back the backup ``name`` (from
        :class:`StartHealth`'s list); the program must then be started again.
        Returns the name the replaced file was kept as ("" when none).

        Raises:
            CorruptDatabase: the backup is damaged (nothing was changed).
            DatabaseLocked: another program still has the database open.
        """
        from silon_desktop.storage import backup

        self.db.close()
        folder = self.paths.backups
        previous = backup.restore(folder / name, self.db.path, folder, self.db.key)
        return previous.path.name if previous is not None else ""

    def status_counts(self, pair_id: str) -> dict[str, int]:
        from silon_desktop.storage.supporter_queries import objection_count, status_counts

        counts = status_counts(self.db.engine, pair_id)
        counts["objection"] = objection_count(self.db.engine, pair_id)  # citizens' objections
        return counts

    def dashboard(self, pair_id: str) -> Dashboard:
        """The recap the PDF prints, with the correction shortfall and the coalition
        of a party-nominated pair (slow: a job)."""
        from silon_desktop.reports.recap import pair_recap

        recap = pair_recap(self.db.engine, pair_id, share=account_kabkota(self.session_scope))
        pair = self.get("pair", pair_id) or {}
        correction = recap.correction
        number = f"{recap.pair_number}. " if recap.pair_number else ""  # as in the navigation
        names = " - ".join(n for n in (recap.head_name, recap.deputy_name) if n)
        route = str(pair.get("route") or "perseorangan")
        parties = self.list("party", pair_id=pair_id) if route == "partai" else []
        taken = self._parties_of_other_pairs(pair, parties)
        election = self._election_of(pair)
        need = party_requirement(election, parties) if route == "partai" else None
        counted = counted_parties(election, parties)
        seats = sum(int(p.get("seats") or 0) for p in counted)
        votes = sum(int(p.get("votes") or 0) for p in counted)
        seat_route = seat_rule(election)
        official = int(election.get("official_party_votes") or 0)
        # The decree states the votes; where the rule set lets seats nominate (before
        # MK 60/2024), the seats computed from the DPRD still open the other route.
        seats_needed = need[1] if need and seat_route else None
        decree_met = (
            votes >= official or (seats_needed is not None and seats >= seats_needed)
            if official and route == "partai"
            else None
        )
        return Dashboard(
            party_need_votes=need[0] if need else None,
            party_need_seats=need[1] if need else None,
            party_vote_share=need[2] if need else 0,
            party_eligible=need[3] if need else None,
            recap=recap,
            pair_label=(number + names).strip(),
            correction_needed=correction.supporters if correction else 0,
            correction_areas=correction.areas if correction else 0,
            correction_new_only=bool(correction and correction.new_supporters_only),
            route=route,
            party_count=len(counted),
            party_seats=seats,
            party_votes=votes,
            party_seat_rule=seat_route,
            party_decree_met=decree_met,
            party_without_seats=len(parties) - len(counted),
            party_taken=taken,
            own_area=own_area(recap.election_kind, self.session_scope),
        )

    def _parties_of_other_pairs(
        self, pair: Record, parties: builtins.list[Record]
    ) -> tuple[tuple[str, str], ...]:
        """(party, other pair) where a party of this pair also nominates another
        pair of the election (PKPU 10/2024 Pasal 11(4): one pair per party)."""
        from sync.protocol import party_key

        mine = {party_key(p.get("party_name")): str(p.get("party_name")) for p in parties}
        mine.pop("", None)
        if not mine:
            return ()
        found = []
        for other, party in self._parties_of_the_other_pairs(pair):
            key = party_key(party.get("party_name"))
            if key in mine:
                found.append((mine[key], pair_label(other) or str(other["id"])))
        return tuple(found)

    def party_taken(self, pair_id: str, party_name: str) -> tuple[str, str] | None:
        """``(the party as the other pair names it, that pair's label)`` where another
        pair of ``pair_id``'s election lists ``party_name`` (case and spaces ignored):
        one pair per party (PKPU 10/2024 Pasal 11 ayat 4), the server refuses the
        second (PARTY_TAKEN). None when no other pair lists it."""
        from sync.protocol import party_key

        key = party_key(party_name)
        pair = self.get("pair", pair_id)
        if not key or pair is None:
            return None
        for other, party in self._parties_of_the_other_pairs(pair):
            if party_key(party.get("party_name")) == key:
                return str(party.get("party_name")), pair_label(other) or str(other["id"])
        return None

    def candidate_elsewhere(self, candidate_id: str, nik: str) -> tuple[str, str, str, str] | None:
        """Another candidate with ``nik`` in a live pair of this candidate's election, or
        of an election of the same year (one Pilkada): ``(name, role, pair label, the
        other election's name, "" when it is this one)``. None when there is none: one
        person stands in one pair."""
        me = self.get("candidate", candidate_id)
        if not nik or me is None:
            return None
        pair = self.get("pair", str(me.get("pair_id") or "")) or {}
        election = self._election_of(pair)
        for other in self.list("candidate", nik=nik):
            theirs = self.get("pair", str(other.get("pair_id") or ""))
            if other["id"] == candidate_id or theirs is None or theirs.get("deleted"):
                continue
            held = self.get("election", str(theirs.get("election_id") or "")) or {}
            same = held.get("id") == election.get("id")
            if one_pilkada(election, held):
                label = pair_label(theirs) or str(theirs["id"])
                where = "" if same else str(held.get("name") or held.get("id"))
                return str(other.get("name") or ""), str(other.get("role") or ""), label, where
        return None

    def _parties_of_the_other_pairs(self, pair: Record) -> Iterator[tuple[Record, Record]]:
        """(other pair, one of its parties) for every other pair of ``pair``'s election."""
        for other in self.list("pair", election_id=pair.get("election_id")):
            if other["id"] == pair.get("id"):
                continue
            for party in self.list("party", pair_id=other["id"]):
                yield other, party

    # -- sync --------------------------------------------------------------------------

    def _transport(self) -> HttpTransport:
        from sync.client.login import make_transport

        return make_transport(self.settings, self._token or self._stored_token())

    def _stored_token(self) -> str | None:
        from sync.credentials import TokenStore

        if not self.user:
            return None
        return TokenStore(self.settings.server_url, self.user).get()

    def sync_status(self) -> SyncSummary:
        from sync.client import status

        s = status(self.db)
        return SyncSummary(
            pending=s.pending,
            sent=s.sent,
            conflicts=s.conflicts_open,
            last_success=s.last_success_at,
            last_problem=s.last_problem,
            online=self.online,
        )

    def check_online(self, timeout_s: float = 3.0) -> bool:
        """Ask the server's health endpoint (on a worker thread)."""
        from sync.transport import HttpTransport, RetryPolicy, TransportError

        transport = HttpTransport(
            self.settings.server_url,
            ca_bundle=self.settings.ca_bundle,
            connect_timeout_s=timeout_s,
            read_timeout_s=timeout_s,
            retry=RetryPolicy(attempts=1, max_total_s=timeout_s),
        )
        try:
            transport.call("GET", HEALTH_PATH, auth=False)
            online = True
        except TransportError:
            online = False
        finally:
            transport.close()
        self.online = online
        return online

    def run_sync(self, progress: Callable[[Any], None], cancel: threading.Event) -> SyncOutcome:
        """One sync run (worker thread); returns the report as plain data."""
        from sync.client import SyncEngine
        from sync.client.training import practice_problem, remember_practice

        transport = self._transport()
        try:
            # Practice data and a reset training server or a real one, or real data and
            # a training server: stop and say so.
            mismatch = practice_problem(self.db, transport, folder=self.paths.practice)
            if mismatch is not None:
                return _practice_refused(mismatch)
            remember_practice(self.db, self.paths.data)  # a first sync with a training server
            report = SyncEngine(self.db, self.settings, transport).run(progress, cancel)
        finally:
            transport.close()
        self.online = report.error_kind != "offline"
        kept = self.retain() if report.complete else None  # what the server has leaves
        wrote = report.pulled or report.conflicts_new or report.rejected
        return {
            "pushed": report.pushed,
            "pulled": report.pulled,
            "rejected": report.rejected,
            "conflicts_new": report.conflicts_new,
            "conflicts_open": report.conflicts_open,
            "remaining": report.remaining,
            "cancelled": report.cancelled,
            "problem": report.failure.error if report.failure else None,
            "error": report.error,
            "error_kind": report.error_kind,
            "complete": report.complete,
            "changes": Changes.all() if wrote else Changes(sync_state=True),
            "archive_set_aside": _set_aside_name(kept),
        }

    # -- USB bundles -------------------------------------------------------------------

    def export_bundle(self, target: Path, cancel: threading.Event | None = None) -> BundleResult:
        """Write every change waiting for the server to ``target``, signed with this
        device's key (a job). Nothing is marked or written once ``cancel`` is set.

        Raises:
            BundleError: the file could not be written, or the export was cancelled
                (the changes stay waiting).
        """
        from sync.bundle import BundleError
        from sync.client.bundles import export_outbox

        if cancel is not None and cancel.is_set():
            raise BundleError(ErrorCode.BUNDLE_EXPORT_CANCELLED, "cancelled")
        return export_outbox(self.db, self.settings, self.paths.data, target)

    def bundle_contents(self, path: Path) -> BundleContents:
        """Open and check a bundle file and say what it holds, importing nothing (a job).

        Raises:
            BundleError: the file is refused (damaged, tampered, unknown signer, a feed
                bundle of another region than the account's).
        """
        from sync.client.bundles import read_contents

        return read_contents(self.db, path, user=self.user)

    def import_bundle(self, path: Path) -> BundleResult:
        """Import a bundle: a feed bundle from the server (its records applied, the
        answers to this machine's waiting changes recorded) or another office's
        outbox bundle (queued for the next sync). A job.

        Raises:
            BundleError: the file is refused; nothing changed.
        """
        from sync.client.bundles import import_bundle

        return import_bundle(self.db, path, user=self.user)

    @property
    def practice(self) -> bool:
        """Whether the data here is practice data (LATIHAN on every window): training
        mode's folder, or data that came from a training server."""
        from sync.client.training import is_practice

        return self.paths.practice or is_practice(self.db)

    def start_over_practice(self) -> None:
        """Delete the practice data here (after a training server reset).

        Raises:
            ValueError: the data here is not practice data.
            CodedError: ``PRACTICE_UNSENT_KEPT`` rows typed here that no server has
                seen (nothing deleted).
        """
        from sync.client.training import start_over

        start_over(self.db, folder=self.paths.practice)

    def conflicts(self) -> builtins.list[Record]:
        from sync.client import open_conflicts

        return open_conflicts(self.db)

    def resolve(self, conflict_id: int, choice: str, value: Any = None) -> CodedError | None:
        """Resolve one field conflict; None when done, else why not."""
        from sync.client.resolve import resolve_conflict

        refused = self._may_write()
        if refused is not None:
            return refused

        try:
            resolve_conflict(self.db, conflict_id, choice, value)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._problem(error)
        return None

    def history(self, entity: str, record_id: str) -> RecordHistoryRead:
        """A record's way to the server; with what the working database keeps and
        the reason when the archive of acknowledged changes cannot be read."""
        from sync.receipts import read_history

        return read_history(self.db, entity, record_id)

    def conflict_history(self, entity: str, record_id: str) -> builtins.list[Record]:
        """Every conflict of a record, open and resolved (nothing is dropped)."""
        from sync.client.resolve import conflict_history

        return conflict_history(self.db, entity, record_id)

    def journal(self, entity: str, record_id: str) -> builtins.list[Record]:
        """Each local edit as made: who, when, which fields."""
        return [dict(r) for r in self.repo.history(entity, record_id)]

    # -- login -------------------------------------------------------------------------

    def keyring_available(self) -> bool:
        from sync.credentials import keyring_available

        return keyring_available()

    def login(
        self,
        username: str,
        password: str,
        *,
        offline: bool = False,
        progress: Callable[[Any], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> LoginOutcome:
        """Log in at the server, or against the local verifier when the server cannot be
        reached (or ``offline``): ``sync.client.login.login``, the path the command
        line takes too. Worker thread. ``progress``/``cancel``: unused (the database
        is open already: nothing to convert)."""
        del progress, cancel
        from sync.client.login import LoginFailed, login
        from sync.transport import TransportError

        if self.access is not None:
            return self._login_with_access(self.access, username, password, offline)
        try:
            answer = login(
                self.db, self.settings, self.paths.data, username, password, offline=offline
            )
        except LoginFailed as error:
            answered = error.code is not ErrorCode.LOGIN_OFFLINE_REFUSED
            self.online = answered if not offline else self.online
            return LoginOutcome(False, answered, error)
        except TransportError as error:  # refused for another reason (locked out...)
            self.online = True
            return LoginOutcome(False, True, error)
        if answer.online:
            self.online = True
        elif not offline:
            self.online = False
        self._set_user(answer.username)
        self.session_scope = answer.region
        self.session_role = answer.role
        self._token = self._stored_token()
        keyring = answer.token_in_keyring if answer.online else self.keyring_available()
        return LoginOutcome(True, answer.online, None, keyring, answer.role, answer.region)

    def _login_with_access(
        self, access: Access, username: str, password: str, offline: bool
    ) -> LoginOutcome:
        """A login again over the open window (session expired): the same checks as the
        first one; the database stays open (the key it opens with is unchanged)."""
        from silon_desktop.services.access import Session

        result = access.login(username, password, offline=offline, reuse=self.db)
        self.online = access.online
        if not isinstance(result, Session):
            return result
        self.start_session(result)
        return result.outcome

    def start_session(self, session: Session) -> None:
        """Work as the user of a successful login (the first one, before the window)."""
        self._set_user(session.username)
        self.session_scope = session.outcome.scope or self.session_scope
        self.session_role = session.outcome.role or self.session_role
        self._token = session.token or self._stored_token()
        if session.outcome.online:
            self.online = True

    def logout(self) -> None:
        """Forget the token (revoked at the server when it answers). Worker thread."""
        if self.access is not None:
            self.access.logout(self.user, token=self._token)
        else:
            from sync.client.login import logout

            logout(self.settings, self._transport(), self._token)
        self._token = None

    def change_password(self, current: str, new: str) -> int:
        """Change the logged-in account's own password at the server, and what opens the
        data here with it (:meth:`Access.change_password`). Worker thread. Returns how
        many other sessions of the account the server ended.

        Raises:
            CodedError: the fields refused (:func:`new_password_problem`), no connection,
                a wrong current password, the access revoked (``ACCESS_REVOKED``: the
                caller locks), or another refusal of the server.
        """
        from silon_desktop.services.access import Access, new_password_problem

        problem = new_password_problem(current, new, new)
        if problem is not None:
            raise problem
        if not self.check_online():  # one quick try: the change's own retries take a minute
            raise CodedError(ErrorCode.PASSWORD_CHANGE_OFFLINE)
        access = self.access or Access(self.paths, self.settings)
        transport = self._transport()
        try:
            return access.change_password(self.user, current, new, transport=transport, db=self.db)
        finally:
            transport.close()

    def objection_contacts(self, record_id: str) -> builtins.list[str]:
        """The contacts citizens left with the open objections against a supporter, read
        from the server for the follow-up (``GET /v1/objections``, audited there). Worker
        thread. Kept nowhere here: not in the database, not in a log line.

        Raises:
            CodedError: ``OBJECTION_CONTACT_OFFLINE`` (the server does not answer).
            TransportError: the server's refusal (another office's row: 403).
        """
        from sync.client.api import ServerApi

        if not self.check_online():
            raise CodedError(ErrorCode.OBJECTION_CONTACT_OFFLINE)
        transport = self._transport()
        try:
            return ServerApi(transport).objection_contacts(record_id)
        finally:
            transport.close()

    def idle_lock(self) -> None:
        """Nobody used the window for a while: the password is asked again (see
        :meth:`Access.idle_lock`); the database is closed."""
        if self.access is not None:
            self.access.idle_lock(self.user, self.db)

    def lock(self) -> None:
        """The server revoked this account or device: erase the token, the keyring's
        key and the wraps but the server's; the database is closed."""
        if self.access is not None:
            self.access.lock(self.user, self.db)
        self._token = None

    def resume_session(self) -> bool:
        """Carry on as the last user when the keyring still holds their token.

        Without a keyring (or without a token) the operator must log in again.
        """
        if not self.settings.username or not self.keyring_available():
            return False
        self.user = self.settings.username
        token = self._stored_token()
        if not token:
            self.user = ""
            return False
        self._token = token
        return True

    def _set_user(self, username: str) -> None:
        self.user = username
        self.settings.username = username
        self.save_settings()

    # -- diagnostics -------------------------------------------------------------------

    def diagnostics(self, qt_version: str = "", log_lines: int = 40) -> str:
        """Version, paths, database figures, sync status and the log's tail; never secrets."""
        from silon_desktop.storage.supporter_queries import database_stats

        lines = [
            f"Silon Desktop {__version__}",
            f"Python {platform.python_version()} on {platform.platform()}",
            f"Qt {qt_version}",
            f"data: {self.paths.data}",
            f"database: {self.paths.database}",
            f"logs: {self.paths.log_file}",
            f"server: {self.settings.server_url}",
            f"ca_bundle: {self.settings.ca_bundle or '-'}",
            f"language: {self.settings.language}",
            f"user: {self.user or '-'}",
            f"device: {self.settings.device_id or '-'}",
        ]
        try:
            size = self.paths.database.stat().st_size
            lines.append(f"database size: {size:,} bytes")
            for table, n in database_stats(self.db.engine).items():
                lines.append(f"  {table}: {n:,}")
            lines.append(_archive_line(self.paths.database))
            s = self.sync_status()
            last_error = s.last_problem.message if s.last_problem is not None else "-"
            lines.append(
                f"sync: pending={s.pending} sent={s.sent} conflicts={s.conflicts} "
                f"last_success={s.last_success or '-'} last_error={last_error}"
            )
        except Exception as error:  # noqa: BLE001 - diagnostics must not fail
            lines.append(f"(database figures unavailable: {error})")
        lines.append(f"online: {self.online}")
        lines.append("--- log ---")
        try:
            text = self.paths.log_file.read_text(encoding="utf-8", errors="replace")
            lines.extend(text.splitlines()[-log_lines:])
        except OSError:
            lines.append("(no log file)")
        return "\n".join(_scrub(line) for line in lines)


def _set_aside_name(kept: Any) -> str:
    """The file a retention report (or None) set a damaged archive aside as, or ""."""
    return kept.set_aside[-1].name if kept is not None and kept.set_aside else ""


def _archive_line(database: Path) -> str:
    """The diagnostics line of the outbox archive: its size, whether it can be read,
    and the damaged archives set aside beside it (retention then started a new one)."""
    from silon_desktop.storage.outbox import archive_path, archive_problem, damaged_archives

    path = archive_path(database)
    aside = damaged_archives(database)
    found = f"; DAMAGED, set aside: {', '.join(p.name for p in aside)}" if aside else ""
    if not path.exists():
        return f"archive: none yet{found}"
    problem = archive_problem(database)
    state = "readable" if problem is None else f"CANNOT BE READ ({problem.code})"
    return f"archive: {path.name} {path.stat().st_size:,} bytes, {state}{found}"


def _scrub(line: str) -> str:
    """Drop anything that looks like a secret from a diagnostics line, and mask NIKs
    and SQL parameters (the text is pasted into a helpdesk ticket)."""
    from sync.privacy import redact

    lowered = line.lower()
    for word in ("token", "password", "sandi", "authorization", "bearer"):
        if word in lowered:
            return "(line hidden: may contain a secret)"
    return redact(line)


def _practice_refused(code: ErrorCode) -> SyncOutcome:
    """The outcome of a sync refused by :func:`sync.client.training.practice_problem`:
    the training server was reset (the operator is offered to start over), or practice
    and real data met the other kind of server (said, nothing else)."""
    from silon_desktop.domain.wording import say

    reset = code is ErrorCode.PRACTICE_SERVER_RESET
    return {
        "problem": CodedError(code),
        "pushed": 0,
        "pulled": 0,
        "rejected": 0,
        "conflicts_new": 0,
        "conflicts_open": 0,
        "remaining": 0,
        "cancelled": False,
        "error": say(code),
        "error_kind": "practice_reset" if reset else "error",
        "complete": False,
        "changes": Changes(sync_state=True),
        "archive_set_aside": "",
    }


def pair_label(pair: Record) -> str:
    """ "1. HEAD - DEPUTY" for a pair record ("" for an empty one)."""
    names = " - ".join(str(n) for n in (pair.get("head_name"), pair.get("deputy_name")) if n)
    number = f"{pair['number']}. " if pair.get("number") else ""
    return (number + names).strip()


def own_area(election_kind: str, session_scope: str) -> str:
    """The kab/kota whose part of a governor election a kab/kota account works on
    (docs/PROTOCOL.md, Levels); "" for every other election or account."""
    return account_kabkota(session_scope) if election_kind == "gubernur" else ""


def seat_rule(election: Record) -> bool:
    """Whether the election's rule set lets a coalition nominate by its DPRD seats
    (before MK 60/2024: 20% of the seats or 25% of the votes)."""
    from silon_desktop.domain.rules import UnknownRuleSetError, rule_set_for

    try:
        return rule_set_for(election.get("rule_set") or None).party.seat_share is not None
    except UnknownRuleSetError:
        return False


def counted_parties(election: Record, parties: builtins.list[Record]) -> builtins.list[Record]:
    """The parties of a coalition whose seats and votes count under the election's rule
    set: before MK 60/2024 only those holding DPRD seats may nominate (all of them under
    a rule set this program does not know)."""
    from silon_desktop.domain.rules import UnknownRuleSetError, rule_set_for

    try:
        rules = rule_set_for(election.get("rule_set") or None)
    except UnknownRuleSetError:
        return parties
    if not rules.party.seats_needed_to_nominate:
        return parties
    return [p for p in parties if int(p.get("seats") or 0) > 0]


def party_requirement(
    election: Record, parties: builtins.list[Record]
) -> tuple[int, int | None, int, bool] | None:
    """``(valid votes needed, seats needed or None, vote share in basis points,
    eligible)`` of a party coalition, computed from the election's last DPRD election
    by its rule set (after MK 60/2024: the DPT tier's share of ``dprd_valid_votes``,
    parties without seats counted); None when the totals or the DPT are not entered."""
    from silon_desktop.domain.rules import PartyStanding, rule_set_for

    total_votes = election.get("dprd_valid_votes")
    dpt = election.get("dpt")
    kind = election.get("kind")
    if not total_votes or not dpt or not kind:
        return None
    rules = rule_set_for(election.get("rule_set") or None)
    seats_total = int(election.get("dprd_seats") or 0)
    need = rules.party_threshold(
        kind, total_seats=seats_total, total_valid_votes=int(total_votes), dpt=int(dpt)
    )
    if rules.party.seat_share is not None and not seats_total:
        need = type(need)(None, need.votes)  # seats not entered: votes alone
    share = (
        rules.tier_for(kind, int(dpt)).basis_points
        if rules.party.votes_by_dpt_tier
        else int(rules.party.vote_share or 0)
    )
    standing = [PartyStanding(int(p.get("seats") or 0), int(p.get("votes") or 0)) for p in parties]
    if need.seats is None and rules.party.seat_share is not None:
        # A seat rule whose seat total is not entered: judged on the votes alone.
        counted = [x for x in standing if x.seats > 0 or not rules.party.seats_needed_to_nominate]
        eligible = bool(counted) and sum(x.votes for x in counted) >= need.votes
    else:
        eligible = rules.party_eligible(
            kind, standing, total_seats=seats_total, total_valid_votes=int(total_votes),
            dpt=int(dpt),
        )  # fmt: skip
    return need.votes, need.seats, share, eligible
