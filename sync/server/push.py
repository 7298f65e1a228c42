"""Applying a pushed batch: exactly once, merged by field, in one transaction.

The whole batch runs in one write transaction (:meth:`sync.server.db.GroupCommit.run`):
repeats are looked up, records loaded with one query per kind, every mutation
processed in memory in order, and all writes (records with new feed sequence
numbers, the duplicate-NIK index, stored results, conflicts, audit entries)
issued as bulk statements before one commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from itertools import count
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Engine, String, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from silon_desktop.domain.rules import UNDERAGE_FIELDS
from sync import merge
from sync.protocol import (
    ENTITIES,
    WITHDRAWAL_FIELDS,
    Mutation,
    MutationResult,
    Op,
    RejectCode,
    ResultStatus,
)
from sync.server import audit, rules, snapshot_builder, stages
from sync.server.answers import (
    answer,
    bare_answer,
    office_accounts,
    stored_result,
    stored_text,
)
from sync.server.auth import check_session
from sync.server.batch import Batch, Rec, among, audit_entry, load, touch
from sync.server.checks import precheck, update_checks
from sync.server.config import ServerConfig
from sync.server.db import bulk_insert_values, group_commit, stamp
from sync.server.duplicates import update_duplicates
from sync.server.errors import ApiError, forbidden
from sync.server.public.hooks import on_batch as update_public
from sync.server.roles import NO_AREA, Actor, Role, area_of
from sync.server.schema import (
    applied_batches,
    applied_mutations,
    conflicts,
    departures,
    kabkota_elections,
    pack_json,
    public_records,
    records,
)
from sync.server.validation import Rejection, check_mutations

log = logging.getLogger(__name__)

_FIRST = itemgetter(0)
#: The columns of an applied_mutations row as :func:`_write` makes it.
_ANSWER_COLUMNS = ("mutation_id", "batch", "record_id", "result", "applied_at")
#: The columns of a records row as :func:`_write` makes it (the feed sequence last).
_RECORD_COLUMNS = (
    "id",
    "entity",
    "scope",
    "version",
    "deleted",
    "fields",
    "updated_at",
    "area",
    "origin",
    "seq",
)
#: Statements every push runs, built once: SQLAlchemy then makes each one's cache key
#: once, not per push (a per-request cost that small batches pay in full).
_NEW_BATCH = (
    applied_batches.insert()
    .values(batch_id=bindparam("batch_id"), username=bindparam("username"))
    .returning(applied_batches.c.id)
)
_LAST_SEQ = select(func.coalesce(func.max(records.c.seq), 0))
#: The same row's keys for the update statement (its id as the bound ``b_id``).
_UPDATE_KEYS = ("b_id", *_RECORD_COLUMNS[1:])

#: A new record's fields before its changes: null, server-owned flags false.
_BLANK: dict[str, dict[str, Any]] = {
    name: {f.name: (False if f.server_owned else None) for f in spec.fields}
    for name, spec in ENTITIES.items()
}


def apply_batch(
    engine: Engine,
    config: ServerConfig,
    actor: Actor,
    batch_id: str,
    mutations: list[Mutation],
    *,
    origin: str = "",
    session: str | None = None,
    recheck: Callable[[Connection], None] | None = None,
) -> list[MutationResult]:
    """Apply a batch for ``actor``; return one result per mutation, in order.

    ``origin``: the device that receives the answer (:func:`sync.server.batch.origin_of`)
    when it is the pusher itself; records it wrote are then left out of its own
    feed (``skip_own``). "" for bundles and the CLI, whose answers reach no device.
    ``session``: the bearer token ``actor`` was authenticated by, checked again once
    the batch holds its write locks (:func:`sync.server.auth.check_session`): the
    pusher's, or the caller's of a bundle sent over HTTP; None for the CLI.
    ``recheck``: more checks of the caller run there too (a bundle's signing account:
    :func:`sync.server.bundles.check_signer`); what it raises refuses the batch.

    Raises:
        ApiError: 403 when any mutation addresses a scope the caller may not
            write, 401 when ``session`` was revoked meanwhile (nothing is applied).
    """
    check_scopes(actor, mutations)
    # Content checks need no database: done before taking the write lock, so they
    # overlap with another batch's commit.
    invalid = check_mutations(mutations, domains=config.rule_checks)
    valid = [m for m in mutations if m.id not in invalid]
    early = precheck(engine, valid, config.clock.today_wib()) if config.rule_checks else {}

    def work(conn: Connection) -> list[MutationResult]:
        # Made here: a run again after a lost race (_run_raced) starts from nothing.
        batch = Batch(
            actor=actor,
            batch_id=batch_id,
            now=config.clock.time(),
            iso=config.clock.iso(),
            today=config.clock.today_wib(),
            rule_checks=config.rule_checks,
            origin=origin,
        )
        if session is not None:
            check_session(conn, session)
        if recheck is not None:
            recheck(conn)
        stored = _stored_results(conn, mutations, actor)
        todo = [m for m in mutations if m.id not in stored]
        load(conn, batch, (m.record_id for m in mutations))
        for m in mutations:
            rec = batch.state.get(m.record_id)
            if (
                rec is not None
                and rec.exists
                and not actor.can_write(rec.scope, rec.entity, rec.area)
            ):
                raise forbidden(m.id)
        _load_parents(conn, batch, todo)
        seen: dict[str, tuple[str, MutationResult]] = {}
        for m in mutations:
            if m.id in stored:
                record_id, found = stored[m.id]
                batch.results.append(found if record_id == m.record_id else _reused(m.id))
            elif m.id in seen:
                # A repeat within the batch gets the first answer; the id used again for
                # another record is refused, as across batches (_stored_results): that
                # record was never written, so it must not read as saved.
                record_id, first = seen[m.id]
                batch.results.append(first if record_id == m.record_id else _reused(m.id))
            else:
                result = _apply_one(batch, m, invalid.get(m.id))
                seen[m.id] = (m.record_id, result)
                batch.results.append(result)
                batch.fresh.append((m, result))
        update_duplicates(conn, batch)
        if batch.rule_checks:
            update_checks(conn, batch, early)
        update_public(conn, batch)
        _attach_records(batch)
        _write(conn, batch)
        return batch.results

    # Queued pushes are committed together, each in its own savepoint (db.GroupCommit);
    # on PostgreSQL each runs alone holding only its scopes' locks.
    results = _run_raced(engine, work, {m.scope for m in mutations})
    # Committed: its scope's snapshot is prepared in the background.
    snapshot_builder.pushed(engine, actor)
    return results


#: How many times a push that lost a race for a key (:func:`_run_raced`) is run.
RACE_TRIES = 3
#: PostgreSQL's SQLSTATE of a unique violation.
_UNIQUE_VIOLATION = "23505"


def _run_raced(
    engine: Engine, work: Callable[[Connection], list[MutationResult]], scopes: set[str]
) -> list[MutationResult]:
    """``work`` in a push transaction (:meth:`sync.server.db.GroupCommit.run`), run
    again when it lost a race for a unique key.

    On PostgreSQL pushes of different scopes run at once, each holding only its
    scopes' locks, and read the stored answers and records before either commits.
    Two naming the same mutation id (or creating the same record id) in two scopes
    then both inserted it, and the later one failed on the key (an HTTP 500). Its
    transaction is undone; run again, it sees the other's commit and answers as one
    after the other would: the id is taken (``BAD_VALUE`` ``id``), the record's scope
    never changes (``SCOPE_MISMATCH``). Exactly once holds: nothing of the failed
    run was kept. SQLite serialises its writers: no such race there.

    Raises:
        ApiError: 503 ``busy`` (the client sends the batch again after a second)
            when it still loses after :data:`RACE_TRIES` runs: nothing was kept.
        IntegrityError: another integrity error (a bug).
    """
    attempt = 1
    while True:
        try:
            return group_commit(engine).run(engine, work, scopes=scopes)
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) != _UNIQUE_VIOLATION:
                raise
            if attempt == RACE_TRIES:
                log.warning("push lost a race for a key %d times; answered busy", attempt)
                raise ApiError(503, "busy", "server busy, retry later", retry_after=1) from exc
        log.info("push lost a race for a key to a concurrent push; running it again")
        attempt += 1


def check_scopes(actor: Actor, mutations: Iterable[Mutation]) -> None:
    """Refuse the whole batch when any mutation addresses a scope ``actor`` may not write.

    Raises:
        ApiError: 403 naming the first such mutation.
    """
    for m in mutations:
        if not actor.can_write(m.scope, m.entity):
            raise forbidden(m.id)


#: The stored answers of mutation ids, with their pushers (:func:`_stored_results`).
_STORED = select(
    applied_mutations.c.mutation_id,
    applied_mutations.c.record_id,
    applied_mutations.c.result,
    applied_batches.c.username,
    applied_mutations.c.batch,
).select_from(
    applied_mutations.join(applied_batches, applied_batches.c.id == applied_mutations.c.batch)
)
#: SQLite: :data:`_STORED` of the ids of one bound JSON array (as
#: :func:`sync.server.batch.among` binds them), built once (every push runs it).
_STORED_SQLITE = _STORED.where(
    applied_mutations.c.mutation_id.in_(
        select(func.json_each(bindparam("ids", type_=String)).table_valued("value").c.value)
    )
)


def _stored_results(
    conn: Connection, mutations: list[Mutation], actor: Actor
) -> dict[str, tuple[str, MutationResult]]:
    """Stored answers of the batch's mutation ids seen before: ``{id: (the record it
    was used for, its answer)}``, bare (:func:`~sync.server.answers.bare_answer`)
    when an account outside ``actor``'s office pushed it (``office_accounts``, as a
    feed bundle answers): 32.15's bundle names 32.14's mutation ids on a supporter
    moved to 32.15, and pushed again under one by 32.15 (which writes it now) the
    answer gave 32.14's losing values, merged record or refused value.

    A mutation naming another record under such an id is not a repeat: the caller
    refuses it (:func:`_reused`), and the other record's answer is never shown.
    """
    wanted = sorted({m.id for m in mutations})
    out: dict[str, tuple[str, MutationResult]] = {}
    found: list[Any] = []
    if wanted and conn.dialect.name == "sqlite":
        found.extend(conn.execute(_STORED_SQLITE, {"ids": orjson.dumps(wanted).decode("utf-8")}))
    else:
        for condition in among(conn, applied_mutations.c.mutation_id, wanted):
            found.extend(conn.execute(_STORED.where(condition)))
    ours = office_accounts(conn, actor) if found else None
    for mid, record_id, result, pusher, batch in found:
        if ours is not None and ours.whole(pusher, batch):
            out[mid] = (str(record_id), stored_result(mid, result))
        else:
            bare = bare_answer(answer(mid, result))
            out[mid] = (str(record_id), MutationResult.from_wire(bare))
    return out


def _reused(mutation_id: str) -> MutationResult:
    """The answer to a mutation id already used for another record (nothing applied;
    the other record's answer is never shown)."""
    return MutationResult(
        mutation_id,
        ResultStatus.REJECTED,
        code=str(RejectCode.BAD_VALUE),
        field="id",
        message="this mutation id was already used for another record",
    )


def _parent_id(entity: str, fields: dict[str, Any]) -> str | None:
    parent = ENTITIES[entity].parent_field
    value = fields.get(parent) if parent else None
    return value if isinstance(value, str) and value else None


def _load_parents(conn: Connection, batch: Batch, todo: list[Mutation]) -> None:
    """Load parents of the batch's records, and elections of supporters' pairs."""
    wanted: set[str] = set()
    for m in todo:
        if m.entity not in ENTITIES:
            continue
        parent = ENTITIES[m.entity].parent_field
        if parent and parent in m.changes:
            value = m.changes[parent][1]
            if isinstance(value, str):
                wanted.add(value)
        rec = batch.state.get(m.record_id)
        if rec is not None:
            pid = _parent_id(rec.entity, rec.fields)
            if pid:
                wanted.add(pid)
    load(conn, batch, wanted)
    _load_parties(
        conn,
        batch,
        {
            m.scope
            for m in todo
            if m.entity == "party" or (m.entity == "pair" and "election_id" in m.changes)
        },
    )
    # An election's delete counts its live pairs (rules.check_delete).
    _load_live(
        conn, batch, "pair", {m.scope for m in todo if m.entity == "election" and m.op is Op.DELETE}
    )
    _load_live(
        conn,
        batch,
        "candidate",
        {m.scope for m in todo if m.entity == "candidate" and not _ROLE.isdisjoint(m.changes)},
    )
    elections = {
        str(r.fields.get("election_id"))
        for r in batch.state.values()
        if r.entity == "pair" and r.fields.get("election_id")
    }
    load(conn, batch, elections)
    _load_candidates(conn, batch, todo)


def _load_candidates(conn: Connection, batch: Batch, todo: list[Mutation]) -> None:
    """When the batch writes a candidate's NIK or pair, a pair's election or an
    election's year: the live candidates of every election its elections are one
    Pilkada with (the same, or of the same year, the new one included), with their
    pairs and elections (``rules.check_candidate_once``);
    when it writes a pair's status or election, that pair's candidates, and when it
    writes an election's penetapan date, kind or rule set, its pairs and their
    candidates (``rules.check_pair_confirmed``). They are found in ``public_records``
    (elections, pairs and candidates without a scan of ``records``); a batch that
    writes none of these (a supporters' push) reads nothing here."""
    writes_nik = any(
        (m.entity == "candidate" and ("nik" in m.changes or "pair_id" in m.changes))
        or (m.entity == "pair" and "election_id" in m.changes)
        or (m.entity == "election" and "year" in m.changes)
        for m in todo
    )
    confirming = {
        m.record_id for m in todo if m.entity == "pair" and not _AGED["pair"].isdisjoint(m.changes)
    }
    dated = {
        m.record_id
        for m in todo
        if m.entity == "election" and not _AGED["election"].isdisjoint(m.changes)
    }
    if not writes_nik and not confirming and not dated:
        return
    mine = {r.id for r in batch.state.values() if r.entity == "election"}
    years = {r.fields.get("year") for r in batch.state.values() if r.entity == "election"}
    years.update(
        m.changes["year"][1] for m in todo if m.entity == "election" and "year" in m.changes
    )
    years.discard(None)
    rows = conn.execute(
        select(public_records.c.id, public_records.c.entity, public_records.c.fields).where(
            public_records.c.entity.in_(("candidate", "election", "pair"))
        )
    )
    elections: set[str] = set()
    pairs: dict[str, str] = {}
    candidates: dict[str, str] = {}
    for rid, entity, text in rows:
        fields = orjson.loads(text)
        if entity == "election":
            if writes_nik and (rid in mine or fields.get("year") in years):
                elections.add(rid)
        elif entity == "pair":
            pairs[rid] = str(fields.get("election_id") or "")
        else:
            candidates[rid] = str(fields.get("pair_id") or "")
    # A pair not yet submitted has no public copy (figures.published) but its
    # candidates do: its election is read from the record itself, by key.
    unlisted = sorted({p for p in candidates.values() if p and p not in pairs})
    for condition in among(conn, records.c.id, unlisted):
        for rid, deleted, text in conn.execute(
            select(records.c.id, records.c.deleted, records.c.fields).where(
                condition, records.c.entity == "pair"
            )
        ):
            if not deleted:
                pairs[str(rid)] = str(orjson.loads(text).get("election_id") or "")
    wanted_pairs = {p for p, e in pairs.items() if e in elections}
    confirming.update(p for p, e in pairs.items() if e in dated)
    wanted = {c for c, p in candidates.items() if p in wanted_pairs or p in confirming}
    load(conn, batch, elections | wanted_pairs | confirming | wanted)


#: The fields whose write a confirmed pair's age rule checks, by entity
#: (``rules.check_pair_confirmed``): a pair's loads its candidates, an election's its
#: pairs and theirs.
_AGED = {entity: frozenset(names) for entity, names in UNDERAGE_FIELDS.items()}

#: A candidate's fields that make it hold a role in a pair (``rules.check_role_once``).
_ROLE = frozenset({"role", "pair_id"})


def _load_live(conn: Connection, batch: Batch, entity: str, scopes: set[str]) -> None:
    """The live rows of ``entity`` in ``scopes`` (a few per pair: parties, candidates)."""
    if not scopes:
        return
    rows = conn.execute(
        select(records.c.id).where(
            records.c.entity == entity,
            records.c.scope.in_(sorted(scopes)),
            records.c.deleted.is_(False),
        )
    )
    load(conn, batch, [str(r[0]) for r in rows])


def _load_parties(conn: Connection, batch: Batch, scopes: set[str]) -> None:
    """The live party rows of ``scopes`` and their pairs (one pair per party)."""
    if not scopes:
        return
    _load_live(conn, batch, "party", scopes)
    load(
        conn,
        batch,
        [
            str(r.fields.get("pair_id"))
            for r in batch.state.values()
            if r.entity == "party" and r.fields.get("pair_id")
        ],
    )


def _reject(m: Mutation, code: RejectCode, field_name: str, message: str) -> MutationResult:
    return MutationResult(
        m.id, ResultStatus.REJECTED, code=str(code), field=field_name, message=message
    )


def _apply_one(batch: Batch, m: Mutation, invalid: Rejection | None) -> MutationResult:
    try:
        if invalid is not None:
            raise invalid
        rec = batch.state.get(m.record_id)
        if rec is not None:
            if rec.entity != m.entity:
                raise Rejection(
                    RejectCode.BAD_VALUE, "entity", "record id belongs to another entity"
                )
            if rec.scope != m.scope:
                raise Rejection(
                    RejectCode.SCOPE_MISMATCH, "scope", "a record's scope never changes"
                )
        if m.op is Op.DELETE:
            return _delete(batch, m, rec)
        if m.op is Op.RESTORE:
            return _restore(batch, m, rec)
        return _upsert(batch, m, rec)
    except Rejection as r:
        return _reject(m, r.code, r.field, r.message)


def _create(batch: Batch, m: Mutation) -> MutationResult:
    if m.base_version != 0:
        raise Rejection(RejectCode.BAD_VERSION, "base_version", "the server has no such record")
    fields = _BLANK[m.entity].copy()
    changes = m.changes
    # A plain loop: measured cheaper than update(zip(names, map(itemgetter(1), pairs))).
    for name, (_old, new) in changes.items():
        fields[name] = new
    rec = Rec(m.entity, m.record_id, m.scope, 1, False, fields, exists=False)
    rec.kabkota_made = m.entity == "election" and batch.actor.role is Role.KABKOTA
    if m.entity == "election":  # server-owned: the desktop tells its rights by it
        fields["made_by_kabkota"] = rec.kabkota_made
    _check_area(batch, rec)
    _check_living(batch, rec, changes)
    if batch.rule_checks:
        rules.check_create(batch, rec, changes)
    else:
        _check_parent_exists(batch, rec)
    batch.state[rec.id] = rec
    touch(batch, rec)
    # The fields are not copied: the entry's state digest names them (sync.server.audit).
    batch.audit_entries.append(audit_entry(batch, "create", rec, None, None))
    return MutationResult(m.id, ResultStatus.APPLIED, version=1)


def _check_area(batch: Batch, rec: Rec) -> None:
    """A kab/kota writing its province's supporter keeps it in its own kab/kota."""
    actor = batch.actor
    if rec.scope == actor.region or actor.can_write(rec.scope, rec.entity, rec.area):
        return
    raise Rejection(
        RejectCode.SCOPE_MISMATCH,
        "kabkota_code",
        f"a kab/kota account writes only supporters living in {actor.region}",
    )


#: Where a supporter lives below its kab/kota (``kabkota_code``: its area).
_LIVING = ("kecamatan_code", "desa_code")


def _check_living(batch: Batch, rec: Rec, changed: dict[str, Any]) -> None:
    """A kab/kota writing its province's supporter keeps its kecamatan and desa in its
    own kab/kota too (the area is the kab/kota code alone): otherwise it could enter,
    or keep in its share, a person living in another kab/kota, whose KPU never sees it."""
    actor = batch.actor
    if actor.role is not Role.KABKOTA or rec.entity != "supporter" or rec.scope == actor.region:
        return
    if not any(name in changed for name in (*_LIVING, "kabkota_code")):
        return
    for name in _LIVING:
        code = rec.fields.get(name)
        if isinstance(code, str) and code and not code.startswith(actor.region + "."):
            raise Rejection(
                RejectCode.SCOPE_MISMATCH,
                name,
                f"a kab/kota account writes only supporters living in {actor.region}",
            )


def _check_parent_exists(batch: Batch, rec: Rec) -> None:
    """The check before the rules (the bench's baseline): the parent exists in the scope."""
    parent_field = ENTITIES[rec.entity].parent_field
    if parent_field is None:
        return
    pid = _parent_id(rec.entity, rec.fields)
    parent = batch.state.get(pid) if pid else None
    if parent is None or parent.deleted or parent.scope != rec.scope:
        raise Rejection(RejectCode.PARENT_MISSING, parent_field, f"{parent_field} names no record")


def _upsert(batch: Batch, m: Mutation, rec: Rec | None) -> MutationResult:
    if rec is None:
        return _create(batch, m)
    if m.base_version > rec.version:
        raise Rejection(RejectCode.BAD_VERSION, "base_version", "newer than the server's version")
    if rec.deleted:
        losing = {merge.DELETED_FIELD: merge.FieldConflict(base=False, mine=False, theirs=True)}
        return _conflict(batch, m, rec, losing)
    if m.base_version == rec.version:
        wanted = {name: new for name, (_old, new) in m.changes.items()}
        _write_fields(batch, m, rec, wanted, "update")
        return MutationResult(m.id, ResultStatus.APPLIED, version=rec.version)
    merged = merge.merge_fields(m.changes, rec.fields)
    _write_fields(batch, m, rec, merged.applied, "merge")
    if merged.clean:
        return MutationResult(m.id, ResultStatus.MERGED, version=rec.version)
    return _conflict(batch, m, rec, merged.conflicts)


def _write_fields(batch: Batch, m: Mutation, rec: Rec, values: dict[str, Any], action: str) -> None:
    changed = {k: v for k, v in values.items() if not merge.same_value(rec.fields.get(k), v)}
    if not changed:
        return
    candidate = dict(rec.fields)
    candidate.update(changed)
    probe = Rec(rec.entity, rec.id, rec.scope, rec.version, rec.deleted, candidate)
    probe.kabkota_made = rec.kabkota_made
    _check_area(batch, probe)
    _check_living(batch, probe, changed)
    if batch.rule_checks:
        if ENTITIES[rec.entity].parent_field in changed:
            rules.check_parent(batch, probe)
        rules.check_stages(batch, probe, changed, created=False)
        rules.check_round(probe, rec.fields, changed)
        rules.check_rights(batch.actor, probe, rec.fields, changed)
        rules.check_record(batch, probe, changed)
        rules.check_verdicts(batch, probe, changed)
    elif ENTITIES[rec.entity].parent_field in changed:
        _check_parent_exists(batch, probe)
    before = {k: rec.fields.get(k) for k in changed}
    rec.fields = candidate
    rec.version += 1
    touch(batch, rec)
    batch.audit_entries.append(audit_entry(batch, action, rec, before, changed))


def _conflict(
    batch: Batch,
    m: Mutation,
    rec: Rec,
    losing: dict[str, merge.FieldConflict],
) -> MutationResult:
    wire = {name: c.to_wire() for name, c in losing.items()}
    batch.conflict_rows.append(
        {
            "mutation_id": m.id,
            "entity": rec.entity,
            "record_id": rec.id,
            "scope": rec.scope,
            "area": rec.area,
            "username": batch.actor.username,
            "device_id": batch.actor.device_id,
            "at": batch.now,
            "base_version": m.base_version,
            "server_version": rec.version,
            "fields": orjson.dumps(wire).decode("utf-8"),
        }
    )
    batch.audit_entries.append(audit_entry(batch, "conflict", rec, None, wire))
    return MutationResult(m.id, ResultStatus.CONFLICT, version=rec.version, conflicts=wire)


def _delete(batch: Batch, m: Mutation, rec: Rec | None) -> MutationResult:
    if rec is None or rec.deleted:
        return MutationResult(m.id, ResultStatus.APPLIED, version=rec.version if rec else 0)
    if m.base_version > rec.version:
        raise Rejection(RejectCode.BAD_VERSION, "base_version", "newer than the server's version")
    if batch.rule_checks:
        rules.check_delete(batch, rec)
    base_fields = {k: old for k, (old, _new) in m.changes.items()} or None
    losing = merge.merge_delete(base_fields, rec.fields, m.base_version, rec.version)
    if losing is not None:
        return _conflict(batch, m, rec, {merge.DELETED_FIELD: losing})
    # The tombstone keeps its fields (the history) and takes the withdrawal's
    # reason, who, when and kept duplicate from the delete's changes.
    withdrawal = {n: new for n, (_old, new) in m.changes.items() if n in WITHDRAWAL_FIELDS}
    before = {k: rec.fields.get(k) for k in withdrawal}  # what the tombstone changed
    rec.fields = {**rec.fields, **withdrawal}
    rec.deleted = True
    rec.version += 1
    touch(batch, rec)
    batch.audit_entries.append(
        audit_entry(batch, "delete", rec, before or None, withdrawal or None)
    )
    return MutationResult(m.id, ResultStatus.APPLIED, version=rec.version)


def _restore(batch: Batch, m: Mutation, rec: Rec | None) -> MutationResult:
    """A withdrawal undone: the tombstone is live again with its fields as they were,
    the withdrawal fields blank; the audit line holds the withdrawal it undid."""
    if m.entity != "supporter":
        raise Rejection(RejectCode.BAD_VALUE, "op", "only a withdrawn supporter is restored")
    if rec is None:
        raise Rejection(RejectCode.BAD_VERSION, "base_version", "the server has no such record")
    if not rec.deleted:
        return MutationResult(m.id, ResultStatus.APPLIED, version=rec.version)
    if m.base_version > rec.version:
        raise Rejection(RejectCode.BAD_VERSION, "base_version", "newer than the server's version")
    _check_area(batch, rec)
    if ENTITIES[rec.entity].parent_field:
        _check_parent_exists(batch, rec)
    withdrawal = {n: rec.fields.get(n) for n in WITHDRAWAL_FIELDS if n in rec.fields}
    blank = {n: _BLANK[rec.entity][n] for n in withdrawal}
    rec.fields = {**rec.fields, **blank}
    rec.deleted = False
    rec.version += 1
    touch(batch, rec)
    batch.audit_entries.append(
        audit_entry(batch, "restore", rec, withdrawal or None, blank or None)
    )
    return MutationResult(m.id, ResultStatus.APPLIED, version=rec.version)


def _attach_records(batch: Batch) -> None:
    """Merged and conflicting results carry the server record (after the batch)."""
    for _m, result in batch.fresh:
        if result.status in (ResultStatus.MERGED, ResultStatus.CONFLICT):
            rec = batch.state.get(_m.record_id)
            if rec is not None:
                result.record = rec.to_record()


# --- writing -------------------------------------------------------------------


def write_repair(conn: Connection, batch: Batch) -> None:
    """Write the server's own changes in ``batch`` (a one-off repair, no mutation):
    the public copies, then the records with new feed sequences and their audit
    entries, as a push writes them."""
    update_public(conn, batch)
    _write(conn, batch)


def _write(conn: Connection, batch: Batch) -> None:
    """Write the batch. What needs no feed sequence or audit id is written first;
    the rest after :func:`stamp` (on PostgreSQL the commit order lock, held until
    commit: the less done under it, the more pushes run in parallel)."""
    started = time.perf_counter()
    if batch.fresh:
        pushed = conn.execute(
            _NEW_BATCH, {"batch_id": batch.batch_id, "username": batch.actor.username}
        ).scalar_one()
        now = batch.now
        answers = [(m.id, pushed, m.record_id, stored_text(r), now) for m, r in batch.fresh]
        # In key order: the table is one B-tree by mutation id (schema.applied_mutations).
        answers.sort(key=_FIRST)
        bulk_insert_values(conn, applied_mutations, _ANSWER_COLUMNS, answers)
    if batch.conflict_rows:
        conn.execute(conflicts.insert(), batch.conflict_rows)
    entered = [
        {"record_id": rid, "username": batch.actor.username}
        for rid in dict.fromkeys(batch.order)
        if batch.state[rid].kabkota_made and not batch.state[rid].exists
    ]
    if entered:
        conn.execute(kabkota_elections.insert(), entered)
    # A record changed several times takes the place of its last change.
    ordered = list(dict.fromkeys(reversed(batch.order)))[::-1]
    origin = bytes.fromhex(batch.origin)  # as stored (schema.Digest): no conversion per row
    now = batch.now
    state = batch.state
    # Rows of _RECORD_COLUMNS but the feed sequence (numbered under the lock below),
    # in feed order; their fields packed here (bytes are stored as they are).
    rows: list[tuple[Any, ...]] = []
    existed: list[bool] = []
    for rid in ordered:
        rec = state[rid]
        rows.append(
            (
                rid,
                rec.entity,
                rec.scope,
                rec.version,
                rec.deleted,
                pack_json(orjson.dumps(rec.fields)),
                now,
                rec.area,
                b"" if rec.by_server else origin,
            )
        )
        existed.append(rec.exists)
    stages.since("write.prepare", started)
    stamp(conn)  # feed sequences and audit ids in commit order (sync.server.db)
    started = time.perf_counter()
    last_seq = conn.execute(_LAST_SEQ).scalar_one()
    stages.since("write.feed_seq", started)
    numbered = [(*row, seq) for row, seq in zip(rows, count(int(last_seq) + 1))]
    if any(existed):
        inserts = [row for row, old in zip(numbered, existed, strict=True) if not old]
        updates = [row for row, old in zip(numbered, existed, strict=True) if old]
    else:
        inserts, updates = numbered, []
    bulk_insert_values(conn, records, _RECORD_COLUMNS, inserts)
    if updates:
        # New seqs are all above the old maximum, so the unique index holds row by row.
        conn.execute(
            update(records)
            .where(records.c.id == bindparam("b_id"))
            .values(
                version=bindparam("version"),
                deleted=bindparam("deleted"),
                seq=bindparam("seq"),
                fields=bindparam("fields"),
                updated_at=bindparam("updated_at"),
                area=bindparam("area"),
                origin=bindparam("origin"),
            ),
            [dict(zip(_UPDATE_KEYS, row, strict=True)) for row in updates],
        )
    if updates:
        _write_departures(conn, [state[row[0]] for row in updates], updates)
    stages.since("write.records", started)
    with stages.timed("write.audit"):
        audit.append(conn, batch.audit_entries)


def _write_departures(conn: Connection, recs: list[Rec], rows: list[tuple[Any, ...]]) -> None:
    """Keep ``departures`` right for stored records whose area this batch changed: the
    area left is recorded at the record's new feed position (its KPU kab/kota's feed
    then brings a tombstone of it), the area arrived in is no longer a departure (its
    feed brings the whole record). See :data:`sync.server.schema.departures`."""
    left: list[dict[str, Any]] = []
    gone: list[dict[str, Any]] = []
    for rec, row in zip(recs, rows, strict=True):
        if rec.orig is None:
            continue
        before, after = area_of(rec.entity, rec.scope, rec.orig), rec.area
        if before == after:
            continue
        seq = row[-1]
        for area in (before, after):
            if area not in ("", NO_AREA):
                gone.append({"b_id": rec.id, "b_area": area})
        if before not in ("", NO_AREA):
            left.append(
                {
                    "record_id": rec.id,
                    "area": before,
                    "entity": rec.entity,
                    "scope": rec.scope,
                    "version": rec.version,
                    "seq": seq,
                }
            )
    if gone:
        conn.execute(
            delete(departures).where(
                departures.c.record_id == bindparam("b_id"),
                departures.c.area == bindparam("b_area"),
            ),
            gone,
        )
    if left:
        conn.execute(departures.insert(), left)
