"""Import a supporter list into the local database: validate and store in one transaction.

The whole import is ONE transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): rows
and their outbox mutations are written batch by batch while the file is read,
and a cancel (or any error) rolls everything back, leaving the database exactly
as it was. SQLite in WAL mode lets the UI keep reading meanwhile.

Rows without a NIK cannot be matched on a re-import, so they stay in the
report only (status and reasons like every other row) and are not stored.

An import ADDS its rows as new records and never updates one: a list too
long for one sheet comes in parts, and a further part is just another import.
Its NIKs are checked for duplicates against every row already in the pair as
if the parts were one file: a row repeating an earlier part's supporter is
*ganda identik*, a NIK with differing data makes both rows *potensi ganda*
(the earlier row's forecast is rewritten, with its outbox change, in the same
transaction). Nothing already stored is overwritten by a row that happens to
share its NIK.

Only a corrected list, chosen as such, replaces rows (``replace=True``, see
:mod:`silon_desktop.importers.replace`; the command and the wizard show a
preview first): its rows update the pair's records with the same NIK, and the
rows of its round no longer in the file are withdrawn, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, func, literal_column, select

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.domain.labels import round_label_id
from silon_desktop.domain.rules import Round, UnknownRuleSetError, rule_set_for, today_wib
from silon_desktop.domain.supporters import PERSON_FIELDS
from silon_desktop.gc_tuning import fewer_collections
from silon_desktop.importers import checks
from silon_desktop.importers.columns import ColumnMapping
from silon_desktop.importers.parallel import ValidatingProcess, ValidatorCrashed
from silon_desktop.importers.parallel import wanted as validating_process_wanted
from silon_desktop.importers.pipeline import (
    BATCH_SIZE,
    ImportCancelled,
    ImportOptions,
    ProgressFn,
    ValidatedRow,
    validate_file,
    with_duplicate,
)
from silon_desktop.importers.replace import provenance, withdraw_missing
from silon_desktop.importers.report import ImportReport
from silon_desktop.storage import indexes
from silon_desktop.storage.bulk import BulkStats, EffectiveFn, SupporterBulkWriter, of_round
from silon_desktop.storage.db import Database
from silon_desktop.storage.derived import supporter_effective
from silon_desktop.storage.errors import environment_errors
from silon_desktop.storage.models import Election, Pair, Supporter

log = logging.getLogger(__name__)

#: The supporter fields an import writes (verification results are left alone).
IMPORT_FIELDS = (
    "nik",
    *PERSON_FIELDS,
    "kabkota_code",
    "nik_from_number",
    "check_status",
    "check_reasons",
    "round",
)
#: Written when an import creates a record, kept when it updates one: a row
#: keeps the round it first arrived in.
INSERT_ONLY_FIELDS = ("round",)

#: SQLite page cache during an import (KiB); the default 2 MB thrashes on index inserts.
IMPORT_CACHE_KIB = 32 * 1024

_PAIR: Table = Pair.__table__  # type: ignore[assignment]
_ELECTION: Table = Election.__table__  # type: ignore[assignment]
_SUPPORTER: Table = Supporter.__table__  # type: ignore[assignment]


class UnknownPair(CodedError, LookupError):
    """The pair id is not in the local database."""

    default_code = ErrorCode.IMPORT_UNKNOWN_PAIR

    def __init__(self, pair_id: str) -> None:
        self.pair_id = pair_id
        super().__init__(pair_id=pair_id)


class RoundNotInRules(CodedError, ValueError):
    """The round asked for is not one of the pair's election's rules (a second
    correction under the 2020 rules): the server refuses such rows."""

    default_code = ErrorCode.IMPORT_ROUND_NOT_IN_RULES

    def __init__(self, arrival: str, rules: str) -> None:
        super().__init__(round=round_label_id(arrival), rules=rules)


def _check_round(rule_set: str, arrival: str) -> None:
    """Refuse a round the election's rules do not have (one a newer program knows is
    left to the server, which knows its rules)."""
    try:
        rules = rule_set_for(rule_set or None)
    except UnknownRuleSetError:
        return
    if Round(arrival) not in rules.arrival_rounds:
        raise RoundNotInRules(arrival, rules.title)


@dataclass(frozen=True, slots=True)
class PairContext:
    """What an import needs to know about the pair and its election."""

    pair_id: str
    scope: str
    region: str
    rule_set: str
    reference_date: dt.date


def pair_context(conn: Connection, pair_id: str) -> PairContext:
    """The pair's scope, its election's region, rule set and reference date.

    The reference date (ages are counted at it) is the last day of submitting
    support, or today when the election has none yet.

    Raises:
        UnknownPair: no such pair.
    """
    row = conn.execute(
        select(
            _PAIR.c.scope,
            _ELECTION.c.region_code,
            _ELECTION.c.rule_set,
            _ELECTION.c.support_end,
        )
        .join(_ELECTION, _ELECTION.c.id == _PAIR.c.election_id)
        .where(_PAIR.c.id == pair_id)
    ).first()
    if row is None:
        raise UnknownPair(pair_id)
    region = row.region_code or row.scope
    return PairContext(pair_id, row.scope, region, row.rule_set, row.support_end or dt.date.today())


def default_round(conn: Connection, pair_id: str, today: dt.date | None = None) -> str:
    """The round a list imported ``today`` arrives in when the operator names none: the
    submission while it is open, else the rule set's likeliest correction round
    (:meth:`RuleSet.late_rounds`, as for a supporter added by hand).

    Raises:
        UnknownPair: no such pair.
    """
    row = conn.execute(
        select(_ELECTION.c.rule_set, _ELECTION.c.support_end, _ELECTION.c.verfak_end)
        .join(_PAIR, _ELECTION.c.id == _PAIR.c.election_id)
        .where(_PAIR.c.id == pair_id)
    ).first()
    if row is None:
        raise UnknownPair(pair_id)
    late = rule_set_for(row.rule_set or None).late_rounds(
        row.support_end, row.verfak_end, today or today_wib()
    )
    return (late[0] if late else Round.SUBMISSION).value


def import_file(
    database: Database,
    path: str | Path,
    pair_id: str,
    *,
    mapping: ColumnMapping | None = None,
    hints: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    batch_size: int = BATCH_SIZE,
    assume_id_scan: bool = False,
    round: str = Round.SUBMISSION.value,  # noqa: A002 - the wire field's name
    replace: bool = False,
    user: str = "",
    parallel: bool | None = None,
    account_scope: str = "",
) -> ImportReport:
    """Validate a supporter list and store its rows for ``pair_id``.

    Args:
        database: the open local database.
        path: the file (XLSX, XLS, ODS, CSV).
        pair_id: the pair the supporters support.
        mapping: the column mapping the operator confirmed (else detected).
        hints: header text -> field of a saved mapping, for detection.
        assume_id_scan: the ID card scans (or identity statements) came with the
            file: every row is stored with ``has_id_scan`` set (else NO_ID_SCAN,
            and the flag of a record already set by hand is left alone).
        round: the round the file is handed in (``submission``,
            ``correction_1``, ``correction_2``); stored on rows it creates.
        replace: a corrected list replacing the earlier import of this round:
            its rows update the pair's records with their NIK, and the pair's
            rows of the round whose NIK is not in the file are withdrawn
            (``importers.replace``), in the same transaction. Without it the
            rows are added, duplicates found across everything in the pair.
        user: who imports (recorded on rows a replacing import withdraws).
        account_scope: the region of the account importing ("": no limit): rows it
            may not write (a kab/kota importing its province pair's whole list: the
            other kab/kota's rows) are not stored, and listed in the report's
            ``outside_share`` (:attr:`ImportOptions.account_scope`).
        progress: ``(rows done, rows expected)``.
        cancel: set it to stop; the database is left as it was.
        parallel: read and validate the file in a process of its own while this
            one writes (:mod:`silon_desktop.importers.parallel`); None: when the
            file is large enough to gain from it.

    Raises:
        ImportFileError: the file cannot be read.
        ImportCancelled: cancelled; nothing was written.
        UnknownPair: the pair does not exist.
        RoundNotInRules: ``round`` is not a round of the election's rules.
    """
    # The commit leaves copying its pages into the file to a background thread
    # (Database.bulk_connection): 1.2M rows' commit took 4.0 s with the copy.
    with environment_errors(), database.bulk_connection() as conn, conn.begin():
        ctx = pair_context(conn, pair_id)
        arrival = Round(round).value
        _check_round(ctx.rule_set, arrival)
        opts = ImportOptions(
            ctx.region,
            ctx.reference_date,
            ctx.rule_set,
            mapping=mapping,
            hints=hints,
            batch_size=batch_size,
            assume_id_scan=assume_id_scan,
            # A further part's rows are classified against every earlier row of the
            # pair; a corrected list's against the other rounds' (its own round's rows
            # are the ones it replaces).
            earlier=lambda: _earlier_rows(conn, pair_id, besides=arrival if replace else None),
            account_scope=account_scope,
            pair_scope=ctx.scope,
        )
        fields = (*IMPORT_FIELDS, "has_id_scan") if assume_id_scan else IMPORT_FIELDS
        writer = SupporterBulkWriter(
            conn,
            pair_id,
            ctx.scope,
            fields,
            _effective_for(ctx.rule_set),
            insert_only=INSERT_ONLY_FIELDS,
        )
        if replace:
            writer.within_round(arrival)
        else:
            writer.add_only(_last_rowid(conn, pair_id))
        with _page_cache(conn, IMPORT_CACHE_KIB):
            with _indexes_built_after(conn):
                extra = (
                    {"round": arrival, "has_id_scan": True}
                    if assume_id_scan
                    else {"round": arrival}
                )
                # Only a replacement needs them: each NIK as often as the file holds it.
                niks: Counter[str] | None = Counter() if replace else None
                if parallel is None:
                    parallel = validating_process_wanted(path)
                read_and_write = _read_and_write_parallel if parallel else _read_and_write
                report, stats = read_and_write(path, opts, writer, progress, cancel, extra, niks)
            _apply_late_flags(conn, writer, report)
            checker = checks.RowChecker(
                ctx.region, ctx.reference_date, ctx.rule_set, assume_id_scan
            )
            _apply_earlier_flags(writer, report, checker)
        report.stored = {
            "inserted": stats.inserted,
            "updated": stats.updated,
            "unchanged": stats.unchanged,
        }
        if replace:
            if cancel is not None and cancel.is_set():
                raise ImportCancelled()
            report.stored["withdrawn"] = withdraw_missing(
                conn, database, pair_id, arrival, niks or Counter(), user, provenance(path)
            )
    log.info("imported %s for pair %s: %s", path, pair_id, report.stored)
    return report


def _read_and_write(
    path: str | Path,
    options: ImportOptions,
    writer: SupporterBulkWriter,
    progress: ProgressFn | None,
    cancel: threading.Event | None,
    extra: Mapping[str, Any],
    niks: Counter[str] | None,
) -> tuple[ImportReport, BulkStats]:
    """Validate the file and write each batch of rows as it is validated.

    One thread on purpose: a reading thread beside the writer was measured
    (100,000 rows) 0.3 to 0.9 s SLOWER than this, because ``executemany`` takes
    the GIL back for every row it binds and the two threads convoy on it.
    """
    stats = BulkStats()
    form = writer.stored_form(extra)

    def store(batch: Sequence[ValidatedRow]) -> None:
        rows = [item.values for item in batch if item.values["nik"]]
        if not rows:
            return
        if niks is None:  # an import that only adds: no matching, rows converted as tuples
            stats.add(writer.insert_stored(list(map(form.get, rows)), form))
            return
        for values in rows:
            values.update(extra)
        niks.update(str(values["nik"]) for values in rows)
        stats.add(writer.write(rows)[1])

    report = validate_file(path, options, on_batch=store, progress=progress, cancel=cancel)
    return report, stats


#: The fields of a row the validating process sends for a replacing import (the
#: import's constant fields, ``round`` and ``has_id_scan``, are added here).
_SENT_FIELDS = tuple(name for name in IMPORT_FIELDS if name not in ("round", "has_id_scan"))


def _read_and_write_parallel(
    path: str | Path,
    options: ImportOptions,
    writer: SupporterBulkWriter,
    progress: ProgressFn | None,
    cancel: threading.Event | None,
    extra: Mapping[str, Any],
    niks: Counter[str] | None,
) -> tuple[ImportReport, BulkStats]:
    """:func:`_read_and_write` with the reading and validation in a child process
    (:mod:`silon_desktop.importers.parallel`): this process only writes.

    The child sends each row with a NIK as the tuple of its values. Rows that only
    add records (every import but a replacing one) are converted as they came
    (``writer.stored_form``); a replacing import's rows are matched and compared
    with stored records, as dicts.
    """
    stats = BulkStats()
    form = writer.stored_form(extra)
    fields = form.given if niks is None else _SENT_FIELDS
    child = ValidatingProcess(path, options, fields)
    try:
        with fewer_collections():
            child.start()
            names = (*_SENT_FIELDS, *extra)
            constants = tuple(extra.values())
            for message in child.messages(cancel):
                if isinstance(message, ImportReport):
                    return message, stats
                sent, done, expected = message
                if sent:
                    if niks is None:  # an import that only adds
                        stats.add(writer.insert_stored(sent, form))
                    else:
                        rows = [
                            dict(zip(names, values + constants, strict=True)) for values in sent
                        ]
                        niks.update(str(values["nik"]) for values in rows)
                        stats.add(writer.write(rows)[1])
                if progress is not None and done >= 0:
                    progress(done, expected)
    finally:
        child.close()
    raise ValidatorCrashed("no report")


@contextmanager
def _page_cache(conn: Connection, kib: int) -> Iterator[None]:
    """A larger SQLite page cache while importing: index inserts stay in memory."""
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


@contextmanager
def _indexes_built_after(conn: Connection) -> Iterator[None]:
    """Into an EMPTY supporter table, build its secondary indexes after the rows
    (:func:`storage.indexes.built_after`: dropped first, built again with a small
    sort cache, all in the import's transaction).

    Only when the table is empty: the writer then never looks records up (nothing to
    match), and a rebuild costs no more than the rows just written.
    """
    if conn.execute(select(_SUPPORTER.c.id).limit(1)).first() is not None:
        yield
        return
    with indexes.built_after(conn, [_SUPPORTER.name]):
        yield


def _apply_late_flags(conn: Connection, writer: SupporterBulkWriter, report: ImportReport) -> None:
    """Rows found to be duplicates after they were stored get their final verdict."""
    if not report.late_updates:
        return
    wanted = sorted(report.late_updates)
    occurrences = _occurrences(report, set(wanted))
    found = writer.records_by_nik([report.rows.nik(index) for index in wanted])
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for index in wanted:
        result = report.rows[index]
        matches = found.get(result.nik, [])
        occurrence = occurrences[index]
        if occurrence >= len(matches):
            continue
        record = matches[occurrence]
        changes.append((record, _with_verdict(writer, record, result.status, result.codes)))
    writer.rewrite_many(changes)


_ROWID: ColumnElement[int] = literal_column("supporter.rowid")


def _last_rowid(conn: Connection, pair_id: str) -> int:
    """The pair's highest supporter rowid (0 when it has none)."""
    query = select(func.coalesce(func.max(_ROWID), 0)).where(_SUPPORTER.c.pair_id == pair_id)
    return int(conn.execute(query).scalar_one())


def _earlier_rows(
    conn: Connection, pair_id: str, besides: str | None = None
) -> Iterator[tuple[int, str, str, Any, str]]:
    """``(rowid, nik, name, birth_date, marital_status)`` of the pair's live supporters
    with a NIK (``besides``: but those of that round): what a further part's duplicates
    are found against (only the fields duplicates compare), as plain tuples."""
    conditions = [
        _SUPPORTER.c.pair_id == pair_id,
        _SUPPORTER.c.deleted.is_(False),
        _SUPPORTER.c.nik != "",
    ]
    if besides is not None:
        conditions.append(~of_round(besides))
    query = (
        select(
            _ROWID.label("rowid"),
            _SUPPORTER.c.nik,
            _SUPPORTER.c.name,
            _SUPPORTER.c.birth_date,
            _SUPPORTER.c.marital_status,
        )
        .where(*conditions)
        .order_by(_ROWID)
    )
    for rowid, nik, name, birth_date, marital in conn.execute(query):
        yield int(rowid), nik, name, birth_date, marital


def _apply_earlier_flags(
    writer: SupporterBulkWriter, report: ImportReport, checker: checks.RowChecker
) -> None:
    """Rows of earlier parts that this file made duplicates get their new forecast
    (``report.earlier_flagged``: how many changed)."""
    if not report.earlier_updates:
        return
    found = writer.records_at(list(report.earlier_updates))
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for rowid, code in sorted(report.earlier_updates.items()):
        record = found.get(rowid)
        if record is None:
            continue
        status, codes = checker.judge(with_duplicate(list(record["check_reasons"] or ()), code))
        changes.append((record, _with_verdict(writer, record, status, codes)))
    report.earlier_flagged = writer.rewrite_many(changes)


def _with_verdict(
    writer: SupporterBulkWriter, record: Mapping[str, Any], status: str, codes: Sequence[str]
) -> dict[str, Any]:
    """A stored record's fields with a new import verdict (for ``rewrite_many``)."""
    values: dict[str, Any] = {name: record[name] for name in writer.fields}
    values["check_status"] = status
    values["check_reasons"] = list(codes)
    return values


def _occurrences(report: ImportReport, wanted: set[int]) -> dict[int, int]:
    """For the wanted report indices: how many earlier rows carry the same NIK."""
    rows = report.rows
    found: dict[int, int] = {}
    for indices in rows.indices_of({rows.nik(i) for i in wanted}).values():
        for count, index in enumerate(indices):
            if index in wanted:
                found[index] = count
    return found


def _effective_for(rule_set: str) -> EffectiveFn:
    """The domain's effective status under the election's rule set, for a record a
    row updates."""

    def effective(
        check_status: str, check_reasons: Sequence[str], existing: Mapping[str, Any]
    ) -> tuple[str, str]:
        values = dict(existing)
        values["check_status"] = check_status
        values["check_reasons"] = list(check_reasons)
        return supporter_effective(values, rule_set)

    return effective
