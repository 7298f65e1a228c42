"""The election's rules on every write: parent kinds, stage deadlines, field rights.

Called by the push engine (:mod:`sync.server.push`) for every create and every
change, after the content checks of :mod:`sync.server.validation`:

- a parent field names a record of the right kind (a supporter's ``pair_id``
  a pair, a pair's ``election_id`` an election, a document's ``candidate_id``
  a candidate ...);
- a write that touches a dated stage is refused after it closes by the server
  clock: new supporters and supporters moved to another pair after
  ``support_end`` (``correction_end`` for rows of a correction round), field
  verification after ``verfak_end``, the administrative verdicts of the submission's
  rows after ``vermin_end`` (the domain's :func:`verdict_end`);
- an election's region is its scope, and its kind fits that region
  (:func:`check_region`, the domain's rule); its stage dates follow one another
  (:func:`check_stage_order`, the domain's rule);
- a candidate's NIK is well formed (:func:`check_candidate_nik`, the domain's rule),
  and stands in one pair of one Pilkada, also when its pair moves to another election
  or its election to another year
  (:func:`check_candidate_once`, the domain's :func:`one_pilkada`): ``CANDIDATE_TAKEN``;
- a pair has one head and one deputy: a second live candidate of a role in a pair
  is refused (``ROLE_TAKEN``; :func:`check_role_once`);
- no write (a pair's status or election, a candidate's pair or birth date, an
  election's penetapan date, kind or rule set) leaves a pair confirmed
  (``ditetapkan``) with a candidate under the minimum age on the date of penetapan
  (:func:`check_pair_confirmed`, the domain's rule);
- a party nominates one pair per election (PKPU 10/2024 Pasal 11 ayat 4):
  a second pair's party row of the same name is refused (``PARTY_TAKEN``);
- an election's administered fields (stage dates, DPT, number of sub-regions,
  rule set, and its kind and region) are set by the level that administers it:
  KPU RI, or the province for its governor election (the scope it writes; a
  bupati's or walikota's election is KPU RI's: :func:`administers`). A kab/kota account
  may fill them while they are empty on an election it entered itself (the server
  records which: ``schema.kabkota_elections``), never on one made above it, never
  change them once set, nor delete the election then, nor one made above it
  (:func:`check_delete`). Moving a pair to another
  election is that level's too (its stages and DPT are the election's): a kab/kota
  could otherwise move a pair to an election of its own making, past the deadlines
  set above it, and back;
- an election is deleted only once it has no live pair (:func:`check_delete`): its
  pairs' supporters would keep the double-support flags its NIK groups gave them;
- a person's verdict on a supporter is one the desktop's rules give
  (:func:`check_verdicts`): its status the one its reasons give under the
  election's rule set, BMS only where a correction can still follow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from silon_desktop.domain.codes import ReasonCode, Status
from silon_desktop.domain.records import STAGE_DATE_RANKS, one_pilkada, validate_record
from silon_desktop.domain.rules import (
    UNDERAGE_FIELDS,
    Round,
    RuleSet,
    UnknownRuleSetError,
    rule_set_for,
    underage_candidate,
    verdict_end,
)
from sync.merge import DELETED_FIELD
from sync.protocol import (
    ELECTION_ADMINISTERED,
    ELECTION_IDENTITY,
    ENTITIES,
    RejectCode,
    election_field_refused,
    party_key,
)
from sync.server.batch import Batch, Rec
from sync.server.roles import Actor, Role
from sync.server.validation import Rejection

#: Election fields set by the level that administers the election (docs/PROTOCOL.md).
ADMINISTERED = ELECTION_ADMINISTERED
#: What an election is (its kind and region): read-only once set to a level below
#: the one that administers it, as :data:`ADMINISTERED`; no bar to deleting a draft
#: (:func:`check_delete`) that has no live pair.
IDENTITY = ELECTION_IDENTITY


def check_parent(batch: Batch, rec: Rec) -> Rec | None:
    """The parent record of ``rec``: it must exist, in the same scope, of the right kind.

    Raises:
        Rejection: ``PARENT_MISSING`` naming the parent field.
    """
    spec = ENTITIES[rec.entity]
    if spec.parent_field is None:
        return None
    value = rec.fields.get(spec.parent_field)
    parent = batch.state.get(value) if isinstance(value, str) and value else None
    if parent is None or parent.deleted or parent.scope != rec.scope:
        raise Rejection(
            RejectCode.PARENT_MISSING, spec.parent_field, f"{spec.parent_field} names no record"
        )
    if spec.parent_entity is not None and parent.entity != spec.parent_entity:
        raise Rejection(
            RejectCode.PARENT_MISSING,
            spec.parent_field,
            f"{spec.parent_field} names a {parent.entity}, not a {spec.parent_entity}",
        )
    return parent


def check_create(batch: Batch, rec: Rec, changes: dict[str, Any]) -> None:
    """Every rule of a create: :func:`check_parent`, :func:`check_stages`,
    :func:`check_rights` and :func:`check_record`, in that order.

    A supporter's verdict depends only on its pair, scope, round (its deadline, and
    whether its rules have it) and whether it fills a verification field, given the batch's pairs and
    elections: it is made once per such key and batch (a push creates thousands of
    supporters of one pair), and forgotten whenever the batch writes a record of
    another kind (:func:`sync.server.batch.touch`).

    Raises:
        Rejection: the first rule refused.
    """
    if rec.entity != "supporter":
        _create_rules(batch, rec, changes)
        return
    fields = rec.fields
    arrival = str(fields.get("round") or "")  # its deadlines, and a round its rules have
    key = (
        fields.get("pair_id"),
        rec.scope,
        arrival,
        not _VERIFICATION.isdisjoint(changes),
        not _ADMIN_VERDICT.isdisjoint(changes),
    )
    try:
        refusal = batch.create_rules[key]
    except TypeError:  # a pair id that is not hashable names no pair
        _create_rules(batch, rec, changes)
        return
    except KeyError:
        try:
            _create_rules(batch, rec, changes)
        except Rejection as r:
            batch.create_rules[key] = (r.code, r.field, r.message)
            raise
        refusal = batch.create_rules[key] = None
    if refusal is not None:
        raise Rejection(*refusal)
    check_verdicts(batch, rec, changes)  # each supporter's own: not made once per key


def _create_rules(batch: Batch, rec: Rec, changes: dict[str, Any]) -> None:
    check_parent(batch, rec)
    check_stages(batch, rec, changes, created=True)
    check_rights(batch.actor, rec, None, changes)
    check_record(batch, rec, changes)


def check_record(batch: Batch, rec: Rec, changed: Iterable[str]) -> None:
    """The rules of a record as it stands after a write (a create's or a change's,
    ``changed`` naming the fields written): its region, its stage dates, one pair per
    party, one candidate per role, a well-formed NIK standing in one pair of one
    Pilkada, and a confirmed pair's candidates' age. The one list a create
    (:func:`_create_rules`) and a change (``push._write_fields``) both check.

    Raises:
        Rejection: the first rule refused.
    """
    check_region(rec, changed)
    check_stage_order(rec, changed)
    check_party_once(batch, rec, changed)
    check_role_once(batch, rec, changed)
    check_candidate_nik(rec, changed)
    check_candidate_once(batch, rec, changed)
    check_pair_confirmed(batch, rec, changed)


def check_candidate_nik(rec: Rec, changed: Iterable[str]) -> None:
    """A candidate's NIK, when given, is one the desktop saves: 16 digits with a real
    birth date and a sequence from 0001 (the domain's rule; its region is not checked,
    a person keeps the code of first registration).

    Raises:
        Rejection: ``BAD_VALUE`` naming ``nik`` (the value itself is never echoed).
    """
    if rec.entity != "candidate" or rec.deleted:
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    nik = rec.fields.get("nik")
    if "nik" not in names or not isinstance(nik, str) or not nik:
        return
    if validate_record("candidate", {"nik": nik}):
        raise Rejection(
            RejectCode.BAD_VALUE,
            "nik",
            "nik: not a valid NIK (16 digits, a real birth date, a sequence from 0001)",
        )


def check_role_once(batch: Batch, rec: Rec, changed: Iterable[str]) -> None:
    """A pair has one head (``kepala``) and one deputy (``wakil``): a candidate given a
    role, or moved to a pair, where another live candidate holds that role is refused.
    The desktop's form refuses it too; only the server sees two offices' rows. The
    live candidates of the scope are in the batch state (``push._load_candidates``).

    Raises:
        Rejection: ``ROLE_TAKEN`` naming ``role``.
    """
    if rec.entity != "candidate" or rec.deleted:
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    role, pair_id = rec.fields.get("role"), rec.fields.get("pair_id")
    if ("role" not in names and "pair_id" not in names) or not role or not pair_id:
        return
    for other in batch.state.values():
        if (
            other.entity == "candidate"
            and not other.deleted
            and other.id != rec.id
            and other.scope == rec.scope
            and other.fields.get("pair_id") == pair_id
            and other.fields.get("role") == role
        ):
            raise Rejection(
                RejectCode.ROLE_TAKEN, "role", f"the pair already has a candidate as {role}"
            )


def check_candidate_once(batch: Batch, rec: Rec, changed: Iterable[str]) -> None:
    """One person stands in one pair of one Pilkada: a candidate's NIK is refused when a
    live candidate of another live pair (or of the same pair) of its election, or of an
    election of the same year anywhere, has it (the domain's :func:`one_pilkada`, as the
    desktop asks it before saving). Checked when a candidate's NIK or pair is written,
    when a pair moves to another election (each of its candidates against that
    election), and when an election's year is written (each candidate of its live
    pairs against the elections of the new year: a kab/kota moved its election to
    another year, entered there a person standing in the province's governor election,
    and moved the year back); those candidates, their pairs and elections are in the
    batch state (``push._load_candidates``).

    Raises:
        Rejection: ``CANDIDATE_TAKEN`` naming ``nik`` (``election_id`` for a pair's
            move, ``year`` for an election's); the message names the other pair and its
            election (never the person).
    """
    if rec.entity == "election":
        names = changed if isinstance(changed, _SETS) else set(changed)
        if rec.deleted or "year" not in names:
            return
        for pair in list(batch.state.values()):
            if (
                pair.entity == "pair"
                and not pair.deleted
                and pair.fields.get("election_id") == rec.id
            ):
                for row in _children(batch, pair, "candidate"):
                    _nik_taken(batch, row, rec, "year")
        return
    _held_once(batch, rec, changed, "candidate", "nik", _nik_taken)


def _nik_taken(batch: Batch, rec: Rec, mine: Rec, field: str) -> None:
    """Refuse the write of ``field`` when a live candidate of another live pair (or of
    ``rec``'s pair), of an election one Pilkada with ``mine``, has ``rec``'s NIK."""
    nik = rec.fields.get("nik")
    if not isinstance(nik, str) or not nik:
        return
    for other in list(batch.state.values()):
        if (
            other.entity != "candidate"
            or other.deleted
            or other.id == rec.id
            or other.fields.get("nik") != nik
        ):
            continue
        pair = batch.state.get(str(other.fields.get("pair_id") or ""))
        held = _election_of(batch, other)
        if pair is None or pair.deleted or held is None or held.deleted:
            continue
        if not one_pilkada({"id": mine.id, **mine.fields}, {"id": held.id, **held.fields}):
            continue
        raise Rejection(
            RejectCode.CANDIDATE_TAKEN,
            field,
            f"this person already stands in pair {_pair_named(pair)}"
            f" of {str(held.fields.get('name') or held.id)[:80]}",
        )


def _pair_named(pair: Rec) -> str:
    """How a refusal names another pair: its number, else its id (never a person)."""
    number = pair.fields.get("number")
    return str(number if number is not None else pair.id)


def check_pair_confirmed(batch: Batch, rec: Rec, changed: Iterable[str]) -> None:
    """No write leaves a pair *ditetapkan* (confirmed) with a candidate younger on its
    election's penetapan date than the rule set's minimum (DOMAIN.md: 30 for governor
    and deputy, 25 for bupati/walikota and deputy): the domain's
    :func:`underage_candidate`, as the desktop asks it before saving. Checked on a
    pair's ``status`` or ``election_id``, a candidate's ``pair_id`` or ``birth_date``
    (in a confirmed pair), and an election's ``penetapan_date``, ``kind`` or
    ``rule_set`` (over its confirmed pairs). Where the age cannot be counted (no
    penetapan date or birth date) nothing is refused. The pairs and candidates
    concerned are in the batch state (``push._load_candidates``).

    Raises:
        Rejection: ``BAD_VALUE`` naming the field written.
    """
    if rec.deleted or rec.entity not in UNDERAGE_FIELDS:
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    field = next((f for f in UNDERAGE_FIELDS[rec.entity] if f in names), None)
    if field is None:
        return
    if rec.entity == "candidate":
        pair = batch.state.get(str(rec.fields.get("pair_id") or ""))
        if pair is not None and pair.entity == "pair" and _confirmed(pair):
            _refuse_underage(_election_of(batch, rec), [rec], field)
        return
    if rec.entity == "pair":
        if _confirmed(rec):
            election = batch.state.get(str(rec.fields.get("election_id") or ""))
            _refuse_underage(election, _children(batch, rec, "candidate"), field)
        return
    for pair in list(batch.state.values()):
        if pair.entity == "pair" and pair.fields.get("election_id") == rec.id and _confirmed(pair):
            _refuse_underage(rec, _children(batch, pair, "candidate"), field)


def _confirmed(pair: Rec) -> bool:
    return not pair.deleted and pair.fields.get("status") == "ditetapkan"


def _children(batch: Batch, pair: Rec, entity: str) -> list[Rec]:
    """The live rows of ``entity`` (candidates, parties) of ``pair`` in the batch state."""
    return [
        c
        for c in list(batch.state.values())
        if c.entity == entity
        and not c.deleted
        and c.scope == pair.scope
        and c.fields.get("pair_id") == pair.id
    ]


def _moved_to(batch: Batch, pair: Rec) -> Rec | None:
    """The election ``pair`` is moved to by this write (its ``election_id``), when the
    batch state holds it."""
    target = batch.state.get(str(pair.fields.get("election_id") or ""))
    return target if target is not None and target.entity == "election" else None


def _refuse_underage(election: Rec | None, candidates: Iterable[Rec], field: str) -> None:
    """Refuse the write of ``field`` when one of ``candidates`` of a confirmed pair of
    ``election`` (as it stands after the write) is under the minimum age."""
    if election is None or election.entity != "election":
        return
    rules = _rules_of(election)
    penetapan = _date_of(election.fields.get("penetapan_date"))
    if rules is None or penetapan is None:
        return
    births = [
        (str(c.fields.get("role") or ""), _date_of(c.fields.get("birth_date"))) for c in candidates
    ]
    found = underage_candidate(rules, str(election.fields.get("kind") or ""), penetapan, births)
    if found is not None:
        role, age, minimum = found
        raise Rejection(
            RejectCode.BAD_VALUE,
            field,
            f"{field}: the {role or 'candidate'} of a ditetapkan pair is {age} on the"
            f" penetapan date {penetapan.isoformat()}, under the minimum age {minimum}",
        )


def _date_of(value: Any) -> dt.date | None:
    """A stored date (ISO text, checked before it was stored), None when empty."""
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def check_party_once(batch: Batch, rec: Rec, changed: Iterable[str]) -> None:
    """A party supports one pair per election (PKPU 10/2024 Pasal 11 ayat 4).

    Checked when a party row names a party or a pair, and when a pair moves to
    another election (each of its parties against the pairs of that election).
    The live party rows of the scope and their pairs are in the batch state
    (``push._load_parents``).

    Raises:
        Rejection: ``PARTY_TAKEN`` naming ``party_name`` (``election_id`` for a
            pair's move); the message names the other pair.
    """
    _held_once(batch, rec, changed, "party", "party_name", _party_taken)


def _held_once(
    batch: Batch,
    rec: Rec,
    changed: Iterable[str],
    entity: str,
    field: str,
    taken: Callable[[Batch, Rec, Rec, str], None],
) -> None:
    """The shape of a "one pair per ... in an election" rule: ``taken(batch, row,
    election, field_written)`` refuses a row of ``entity`` whose ``field`` another pair
    of the election holds. Asked of such a row when its ``field`` or pair is written,
    and of each of a pair's rows when the pair moves to another election (naming
    ``election_id``)."""
    if rec.deleted:
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    if rec.entity == "pair" and "election_id" in names:
        target = _moved_to(batch, rec)
        if target is not None:
            for row in _children(batch, rec, entity):
                taken(batch, row, target, "election_id")
        return
    if rec.entity != entity or (field not in names and "pair_id" not in names):
        return
    election = _election_of(batch, rec)
    if election is not None:
        taken(batch, rec, election, field)


def _party_taken(batch: Batch, rec: Rec, election: Rec, field_name: str) -> None:
    """Refuse ``rec`` (a party row) when another pair of ``election`` lists its party."""
    key = party_key(rec.fields.get("party_name"))
    if not key:
        return
    for other in batch.state.values():
        if (
            other.entity != "party"
            or other.deleted
            or other.id == rec.id
            or other.scope != rec.scope
            or party_key(other.fields.get("party_name")) != key
            or other.fields.get("pair_id") == rec.fields.get("pair_id")
        ):
            continue
        pair = batch.state.get(str(other.fields.get("pair_id") or ""))
        if pair is None or pair.deleted or _election_of(batch, other) is not election:
            continue
        raise Rejection(
            RejectCode.PARTY_TAKEN,
            field_name,
            f"{rec.fields.get('party_name')} already nominates pair "
            f"{_pair_named(pair)} of this election",
        )


def _election_of(batch: Batch, rec: Rec) -> Rec | None:
    pair = batch.state.get(str(rec.fields.get("pair_id") or ""))
    if pair is None or pair.entity != "pair":
        return None
    election = batch.state.get(str(pair.fields.get("election_id") or ""))
    return election if election is not None and election.entity == "election" else None


def _closed(batch: Batch, election: Rec | None, end_field: str) -> str | None:
    """The end date of a stage that closed before the server's today, else None."""
    end = election.fields.get(end_field) if election is not None else None
    if not end:
        return None
    key = (str(end), batch.today)
    closed = _CLOSED.get(key)
    if closed is None:
        closed = _CLOSED[key] = batch.today > dt.date.fromisoformat(str(end))
        if len(_CLOSED) > 4096:
            _CLOSED.clear()
    return str(end) if closed else None


#: (end date text, today) -> closed; a batch asks for the same few dates thousands of times.
_CLOSED: dict[tuple[str, dt.date], bool] = {}


#: A supporter's field verification fields (``field_*``): closed after ``verfak_end``.
_VERIFICATION: frozenset[str] = frozenset(
    f.name for f in ENTITIES["supporter"].fields if f.name.startswith("field_")
)
#: Its administrative verification fields (``admin_*``): closed by :func:`verdict_end`.
_ADMIN_VERDICT: frozenset[str] = frozenset(
    f.name for f in ENTITIES["supporter"].fields if f.name.startswith("admin_")
)
#: Each verification's fields and its name in the refusal.
_VERDICT_STAGES = (
    ("admin", _ADMIN_VERDICT, "administrative verification"),
    ("field", _VERIFICATION, "field verification"),
)


_SETS = (dict, set, frozenset)  # containers whose ``in`` is a lookup


def check_stages(batch: Batch, rec: Rec, changed: Iterable[str], *, created: bool) -> None:
    """Refuse a supporter write that touches a stage closed by the server clock.

    Raises:
        Rejection: ``DEADLINE_PASSED`` naming the stage's end field.
    """
    if rec.entity != "supporter":
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    election = _election_of(batch, rec)
    if created or "pair_id" in names:
        arrival = str(rec.fields.get("round") or "") or Round.SUBMISSION.value
        rules = _rule_set(batch, rec)
        if rules is not None and arrival not in rules.arrival_rounds:
            # Under the 2020 rules there is no second correction: no recap counts it.
            raise Rejection(
                RejectCode.BAD_VALUE,
                "round",
                f"the election's rules ({rules.id}) have no round {arrival[:16]}",
            )
        correction = arrival.startswith("correction")
        stage = "correction_end" if correction else "support_end"
        end = _closed(batch, election, stage)
        if end:
            what = "new supporters" if created else "moving a supporter to another pair"
            raise Rejection(
                RejectCode.DEADLINE_PASSED,
                stage,
                f"{what} closed after {end} (server date {batch.today.isoformat()})",
            )
    for stage, stage_fields, what in _VERDICT_STAGES:
        if stage_fields.isdisjoint(names):
            continue
        end_field = verdict_end(stage, str(rec.fields.get("round") or ""))
        end = _closed(batch, election, end_field) if end_field else None
        if end_field and end:
            raise Rejection(
                RejectCode.DEADLINE_PASSED,
                end_field,
                f"{what} closed after {end} (server date {batch.today.isoformat()})",
            )


def check_round(rec: Rec, before: dict[str, Any], changed: Iterable[str]) -> None:
    """Refuse a change of the round a supporter arrived in.

    Each row belongs to the round it was submitted in (DOMAIN.md): the desktop writes
    ``round`` on the create only (``importers.store.INSERT_ONLY_FIELDS``). A submission
    row relabelled as a correction's would count as a new supporter of the
    correction, a correction row relabelled as the submission's could be BMS again.
    ``""`` (an older client's) and ``submission`` are one round.

    Raises:
        Rejection: ``READ_ONLY`` naming ``round``.
    """
    if rec.entity != "supporter":
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    if "round" not in names:
        return
    old = str(before.get("round") or "") or "submission"
    new = str(rec.fields.get("round") or "") or "submission"
    if old != new:
        raise Rejection(
            RejectCode.READ_ONLY,
            "round",
            f"a supporter stays in the round it arrived in ({old})",
        )


def administers(actor: Actor, scope: str) -> bool:
    """Whether ``actor`` sets the administered fields of an election in ``scope``: a
    level above the kab/kota that writes the scope (:meth:`Actor.can_write`): KPU RI
    anywhere, a province its own scope (its governor election), a trainer on a
    training server. A kab/kota writes its own election but only fills them while
    empty (:func:`check_rights`).

    It said yes to a province for its kab/kota's elections too, and to a trainer on a
    real server, where neither writes at all (403 before any rule): an arm no write
    ever reached, which claimed a right :meth:`Actor.can_write` does not give."""
    return actor.role is not Role.KABKOTA and actor.can_write(scope, "election")


def check_rights(
    actor: Actor, rec: Rec, before: dict[str, Any] | None, changed: Iterable[str]
) -> None:
    """Refuse a change of an election's administered field by a level below.

    ``before`` is the stored fields (None for a new record): an empty field may
    be filled by the kab/kota on an election it entered itself
    (:attr:`Rec.kabkota_made`), a set one changed only above it. On an election
    the level above made, the fields are that level's, set or not: filling an
    empty DPT or decree threshold of KPU RI's election was a kab/kota's deciding
    what its pair needs.

    A pair's ``election_id`` is changed (the pair moved) only by that level too.

    Raises:
        Rejection: ``READ_ONLY`` naming the field.
    """
    if rec.entity not in ("election", "pair") or administers(actor, rec.scope):
        return
    if rec.entity == "pair":
        if before is not None and "election_id" in changed:
            raise Rejection(
                RejectCode.READ_ONLY,
                "election_id",
                "only KPU RI, which administers a kab/kota's election, moves its pair",
            )
        return
    if before is None:  # a new election is the kab/kota's own (``made_by_kabkota``)
        return
    for name in changed:
        why = election_field_refused(name, before.get(name), rec.kabkota_made)
        if why == "made_above":
            raise Rejection(
                RejectCode.READ_ONLY,
                name,
                f"{name} is KPU RI's to set: it made this election, which it administers",
            )
        if why is not None:
            raise Rejection(
                RejectCode.READ_ONLY,
                name,
                f"{name} is set by KPU RI, which administers a kab/kota's election",
            )


def check_region(rec: Rec, changed: Iterable[str]) -> None:
    """Refuse an election whose ``region_code`` is not its scope, or whose kind does not
    fit its region: the one rule of an election's region, the domain's as the desktop
    applies it before a save (``domain.records``: a governor's on a province, a bupati's
    on a kabupaten, a walikota's on a kota, none in Jakarta's administrative kota and
    kabupaten).

    The scope is the region of the record's election (docs/PROTOCOL.md): it decides
    who reads and writes the election, while the region code decides where its
    supporters must live, which sub-regions its spread counts and what the public
    pages call it. Apart, a kab/kota's election could name another kab/kota or a
    province (and be published as theirs) while only that kab/kota writes it. Empty
    is the scope's (as the desktop and the public pages read it). The kind decides
    the threshold's DPT tiers, the spread's sub-regions and the minimum age: a
    kab/kota's election made a governor's took the governor's.

    Raises:
        Rejection: ``SCOPE_MISMATCH`` naming ``region_code``; ``BAD_VALUE`` naming
            ``region_code`` when it is written, else ``kind``.
    """
    if rec.entity != "election" or rec.deleted:
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    if "kind" not in names and "region_code" not in names:
        return
    region = str(rec.fields.get("region_code") or "")
    if region and region != rec.scope:
        raise Rejection(
            RejectCode.SCOPE_MISMATCH,
            "region_code",
            f"an election of scope {rec.scope} is of region {rec.scope}, not {region[:16]}",
        )
    region = region or rec.scope
    kind = str(rec.fields.get("kind") or "")
    values = {"kind": kind, "region_code": region} if kind else {"region_code": region}
    for error in validate_record("election", values):
        raise Rejection(
            RejectCode.BAD_VALUE,
            "region_code" if "region_code" in names else "kind",
            f"{error.field}: {error.code} ({kind[:16] or 'no kind'} election, region {region})",
        )


#: An election's stage dates, in the domain's order (``domain.records.STAGE_DATE_RANKS``).
_STAGE_DATES: frozenset[str] = frozenset(name for rank in STAGE_DATE_RANKS for name in rank)


def check_stage_order(rec: Rec, changed: Iterable[str]) -> None:
    """Refuse an election whose stage dates are out of order, when one of them is
    written: the domain's rule as the desktop applies it before a save
    (``domain.records``, ``stage_order``: no stage date before a date of an earlier
    stage; dates not entered are skipped). The deadlines the server enforces follow
    these dates: a support end after the end of the administrative verification kept
    the submission open past it.

    Raises:
        Rejection: ``BAD_VALUE`` naming the date the domain finds too early.
    """
    if rec.entity != "election" or rec.deleted:
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    if _STAGE_DATES.isdisjoint(names):
        return
    dates: dict[str, Any] = {}
    for name in _STAGE_DATES:
        value = rec.fields.get(name)
        if isinstance(value, str) and value:
            dates[name] = dt.date.fromisoformat(value)  # checked as YYYY-MM-DD before
    for error in validate_record("election", dates):
        raise Rejection(
            RejectCode.BAD_VALUE,
            error.field,
            f"{error.field}: not before {error.detail}: the election's stages follow one another",
        )


def check_delete(batch: Batch, rec: Rec) -> None:
    """Refuse the deletion of an election with a set administered field by a level
    below, and of an election that still has live pairs.

    A kab/kota may not change such a field once set (:func:`check_rights`);
    deleting the election would drop them all at once, and with them its
    public page and the deadlines and DPT its pairs are held to. The stored
    record does not say which level set a field, so any set field is enough:
    the kab/kota asks KPU RI, as it does to change a date (the one level above
    that writes a kab/kota's election: :func:`administers`). An election the
    kab/kota entered itself (:attr:`Rec.kabkota_made`) whose administered fields
    are all empty is its own draft and stays deletable; one made above it is never
    its draft.

    An election deleted under live pairs left them live under a tombstone: their
    supporters kept the DUPLICATE_EXTERNAL flags its NIK groups gave them (a pair's
    delete or move takes its supporters out of the groups, ``duplicates``; an
    election's did not), counted BMS, and the NIK index still named them. Its pairs
    are deleted (or moved) first, in an earlier batch or earlier in the same one;
    the live pairs of the scope are in the batch state (``push._load_parents``).
    A pair itself is deleted with its supporters, candidates and parties live: a
    pair may hold a million supporters, and each rule that reads them skips a
    deleted pair's rows.

    Raises:
        Rejection: ``READ_ONLY`` naming the first set field, else ``kind`` (an
            election made above); ``BAD_VALUE`` naming ``_deleted`` (the delete's
            pseudo-field, ``sync.merge.DELETED_FIELD``) with the number of live pairs.
    """
    if rec.entity != "election":
        return
    if not administers(batch.actor, rec.scope):
        for name in sorted(ADMINISTERED):
            value = rec.fields.get(name)
            if value is not None and value != "":
                raise Rejection(
                    RejectCode.READ_ONLY,
                    name,
                    f"{name} is set: the election is deleted by KPU RI, which administers it",
                )
        if not rec.kabkota_made:
            raise Rejection(
                RejectCode.READ_ONLY,
                "kind",
                "the election is deleted by KPU RI, which made it and administers it",
            )
    live = sum(
        1
        for pair in list(batch.state.values())
        if pair.entity == "pair"
        and not pair.deleted
        and pair.scope == rec.scope
        and pair.fields.get("election_id") == rec.id
    )
    if live:
        raise Rejection(
            RejectCode.BAD_VALUE,
            DELETED_FIELD,
            f"the election still has {live} live pair{'s' if live > 1 else ''}:"
            " delete or move them first",
        )


#: A person's verdicts on a supporter: (stage, status field, reasons field).
_VERDICTS = (("admin", "admin_status", "admin_reasons"), ("field", "field_status", "field_reasons"))
#: Writes that touch a verdict: its fields, and the round that decides its choices.
_VERDICT_FIELDS: frozenset[str] = frozenset(
    {"round"} | {name for _stage, *names in _VERDICTS for name in names}
)
_REASON_CODES: frozenset[str] = frozenset(ReasonCode)


def check_verdicts(batch: Batch, rec: Rec, changed: Iterable[str]) -> None:
    """Refuse a person's verdict on a supporter that the desktop's rules never give.

    The rules are the domain's, not written again here (what the desktop's
    verification does: ``services.verification.status_for`` and ``check_choice``):
    the status is the one the reasons give under the election's rule set
    (:meth:`RuleSet.verdict_status`: MS without a reason, else the worst, a BMS
    reason giving TMS where BMS is no choice; DOMAIN.md: "Each BMS/TMS carries one
    or more reason codes"), and BMS only where the rule
    set offers it (:meth:`RuleSet.verdict_choices` of the row's round: after the
    verification of a correction round only MS and TMS remain;
    :meth:`RuleSet.field_verdict_choices`), and a field verdict only on a row MS in
    the administrative verification (as the recap's field stage counts them). A
    status of "" (not verified yet) with no reason is always allowed. Under a rule set this server does not know, the
    checks that need none are still made (known codes, MS exactly without a reason,
    no BMS after a correction round or in field verification). Only a write that
    touches a verdict (or the round) is checked: a verdict given under an earlier
    rule set stays as it was while other fields change.

    Raises:
        Rejection: ``BAD_VALUE`` naming the status or reasons field.
    """
    if rec.entity != "supporter":
        return
    names = changed if isinstance(changed, _SETS) else set(changed)
    if _VERDICT_FIELDS.isdisjoint(names):
        return
    fields = rec.fields
    for stage, status_name, reasons_name in _VERDICTS:
        if status_name not in names and reasons_name not in names and "round" not in names:
            continue
        status = fields.get(status_name) or ""
        reasons = fields.get(reasons_name) or []
        if status or reasons:
            _check_verdict(batch, rec, stage, (status_name, str(status)), (reasons_name, reasons))


def _check_verdict(
    batch: Batch, rec: Rec, stage: str, status: tuple[str, str], reasons: tuple[str, list[Any]]
) -> None:
    status_name, value = status
    reasons_name, codes = reasons
    for code in codes:
        if not isinstance(code, str) or code not in _REASON_CODES:
            raise Rejection(
                RejectCode.BAD_VALUE, reasons_name, f"unknown reason code {str(code)[:40]!r}"
            )
    if not value:
        raise Rejection(RejectCode.BAD_VALUE, status_name, "reasons without a status")
    rule_set = _rule_set(batch, rec)
    if not codes:
        expected = {Status.MS.value}
    elif rule_set is not None:
        # Where no BMS remains (field verification, a correction round's row), a
        # reason that is BMS gives TMS: the verdict keeps its reason.
        choices = (
            rule_set.field_verdict_choices()
            if stage == "field"
            else rule_set.verdict_choices(str(rec.fields.get("round") or ""))
        )
        expected = {rule_set.verdict_status(codes, choices).value}
    else:
        expected = {Status.BMS.value, Status.TMS.value}
    if value not in expected:
        given = ", ".join(codes) or "no reason"
        raise Rejection(
            RejectCode.BAD_VALUE,
            status_name,
            f"status {value} does not follow from its reasons ({given}):"
            f" the election's rules give {' or '.join(sorted(expected))}",
        )
    if stage == "field" and rec.fields.get("admin_status") != Status.MS.value:
        raise Rejection(
            RejectCode.BAD_VALUE,
            status_name,
            "field verification is for supporters MS in the administrative verification",
        )
    if value != Status.BMS.value:
        return
    rules = rule_set or rule_set_for(None)  # the choices depend on the round alone
    if stage == "field":
        if Status.BMS not in rules.field_verdict_choices():
            raise Rejection(
                RejectCode.BAD_VALUE, status_name, "field verification ends in MS or TMS"
            )
        return
    arrival = str(rec.fields.get("round") or "")
    if Status.BMS not in rules.verdict_choices(arrival):
        raise Rejection(
            RejectCode.BAD_VALUE,
            status_name,
            "after the verification of a correction round only MS or TMS remain",
        )


def _rule_set(batch: Batch, rec: Rec) -> RuleSet | None:
    """The rule set of ``rec``'s election; None when this server does not know it."""
    return _rules_of(_election_of(batch, rec))


def _rules_of(election: Rec | None) -> RuleSet | None:
    """The rule set of ``election`` (the default without one); None when unknown."""
    name = election.fields.get("rule_set") if election is not None else None
    try:
        return rule_set_for(str(name) if name else None)
    except UnknownRuleSetError:
        return None
