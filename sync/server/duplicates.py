"""DUPLICATE_EXTERNAL: one NIK backing two or more pairs of one election.

``nik_index`` holds one row per live supporter with a NIK, keyed by (election,
NIK, record). After a batch, supporters whose entry changed are re-indexed and
the ``external_duplicate`` flag of every member of the groups concerned is set
to whether the group spans several pairs. Every flag change is a version bump
(also on a record the batch itself wrote), so it reaches clients through the feed.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from sync.server.batch import Batch, Rec, among, audit_entry, load, touch
from sync.server.db import bulk_insert_values
from sync.server.schema import nik_index, records


class _Keys:
    """Index keys of supporters, each pair's election looked up once per batch."""

    def __init__(self, batch: Batch) -> None:
        self._state = batch.state
        self._elections: dict[Any, str | None] = {}

    def of(self, fields: dict[str, Any], deleted: bool) -> tuple[str, str, str] | None:
        """``(election_id, nik, pair_id)`` of a live supporter with a NIK (given its state)."""
        nik = fields.get("nik")
        if deleted or not nik:
            return None
        pair_id = fields.get("pair_id")
        try:
            election = self._elections[pair_id]
        except KeyError:
            pair = self._state.get(str(pair_id or ""))
            # a deleted pair is no pair of its election: its supporters back none; nor
            # is a live one of an election deleted under it by a server before
            # rules.check_delete (the push loads every pair's election)
            found = pair.fields.get("election_id") if pair and not pair.deleted else None
            gone = self._state.get(str(found)) if found else None
            if gone is not None and gone.deleted:
                found = None
            election = self._elections[pair_id] = str(found) if found else None
        except TypeError:  # not hashable: names no pair
            return None
        if election is None:
            return None
        return election, str(nik), str(pair_id)


#: The columns of a nik_index row as :func:`update_duplicates` makes it, and its key.
_INDEX_COLUMNS = ("election_id", "nik", "record_id", "pair_id", "flagged")
_INDEX_KEY = itemgetter(1, 0, 2)


def update_duplicates(conn: Connection, batch: Batch) -> None:
    """Keep nik_index current and the external_duplicate flag true exactly when
    one NIK backs two or more pairs of one election.

    Only supporters whose (election, NIK, pair) entry changed are looked at, plus
    the other members of the NIK groups they left or joined.
    """
    old_rows: dict[str, tuple[str, str, str]] = {}
    new_rows: dict[str, tuple[str, str, str]] = {}
    keys = _Keys(batch)
    unkeyed: list[str] = []
    for rid in dict.fromkeys(batch.order):
        rec = batch.state[rid]
        if rec.entity != "supporter":
            continue
        old = keys.of(rec.orig, rec.orig_deleted) if rec.orig is not None else None
        new = keys.of(rec.fields, rec.deleted)
        if old is None and rec.orig is not None and not rec.orig_deleted and rec.orig.get("nik"):
            unkeyed.append(rid)
        if old == new:
            continue
        if old is not None:
            old_rows[rid] = old
        if new is not None:
            new_rows[rid] = new
    if unkeyed:
        _stored_rows(conn, batch, unkeyed, old_rows)
    _regroup_pairs(conn, batch, keys, old_rows, new_rows)
    changed = old_rows.keys() | new_rows.keys()
    if not changed:
        return
    members = _group_members(conn, old_rows, new_rows, changed)
    for rid, (e, n, p) in new_rows.items():
        current = bool(batch.state[rid].fields.get("external_duplicate"))
        members.setdefault((e, n), {})[rid] = (p, current)
    index_inserts: list[tuple[str, str, str, str, bool]] = []
    outside: list[dict[str, Any]] = []
    for (e, n), group in members.items():
        duplicate = len(group) > 1 and len({p for p, _f in group.values()}) > 1
        for rid, (p, current) in group.items():
            if rid in changed:
                index_inserts.append((e, n, rid, p, duplicate))
                if current != duplicate:
                    _set_flag(batch, batch.state[rid], duplicate)
            elif current != duplicate:
                outside.append({"e": e, "n": n, "rid": rid, "flag": duplicate})
    for rid in changed - new_rows.keys():
        if batch.state[rid].fields.get("external_duplicate"):
            _set_flag(batch, batch.state[rid], False)
    if old_rows:
        conn.execute(
            nik_index.delete().where(
                nik_index.c.election_id == bindparam("e"),
                nik_index.c.nik == bindparam("n"),
                nik_index.c.record_id == bindparam("rid"),
            ),
            [{"e": e, "n": n, "rid": rid} for rid, (e, n, _p) in old_rows.items()],
        )
    # In key order: the table is one B-tree by (nik, election, record).
    index_inserts.sort(key=_INDEX_KEY)
    bulk_insert_values(conn, nik_index, _INDEX_COLUMNS, index_inserts)
    if outside:
        load(conn, batch, (o["rid"] for o in outside))
        conn.execute(
            update(nik_index)
            .where(
                nik_index.c.election_id == bindparam("e"),
                nik_index.c.nik == bindparam("n"),
                nik_index.c.record_id == bindparam("rid"),
            )
            .values(flagged=bindparam("flag")),
            outside,
        )
        for o in outside:
            _set_flag(batch, batch.state[o["rid"]], bool(o["flag"]))


def _stored_rows(
    conn: Connection, batch: Batch, rids: list[str], old_rows: dict[str, tuple[str, str, str]]
) -> None:
    """The index rows of stored supporters whose old state gives no key (their pair
    was deleted before: a server older than this rule indexed them still), as their
    old keys, so the batch drops them."""
    wanted = set(rids)
    niks = sorted({str(batch.state[rid].orig.get("nik")) for rid in rids})  # type: ignore[union-attr]
    for condition in among(conn, nik_index.c.nik, niks):
        for r in conn.execute(select(nik_index).where(condition)):
            if r.record_id in wanted:
                old_rows[r.record_id] = (r.election_id, r.nik, r.pair_id)


def _regroup_pairs(
    conn: Connection,
    batch: Batch,
    keys: _Keys,
    old_rows: dict[str, tuple[str, str, str]],
    new_rows: dict[str, tuple[str, str, str]],
) -> None:
    """The stored supporters of every pair this batch moved to another election
    (a change of its ``election_id``, by the level that administers it) or deleted:
    their entries leave the old election's NIK groups, for the new one's or for none
    (a deleted pair's supporters back no pair).

    Their keys cannot be told from the records (the pair already names its new
    election, or is gone), so the old ones are the index's own rows, read by pair
    (a scan of the index: pairs move and go seldom).
    """
    moved = [
        rid
        for rid in dict.fromkeys(batch.order)
        if (pair := batch.state[rid]).entity == "pair"
        and pair.orig is not None
        and (
            pair.orig.get("election_id") != pair.fields.get("election_id")
            or (pair.deleted and not pair.orig_deleted)
        )
    ]
    if not moved:
        return
    stored: list[Any] = []
    for condition in among(conn, nik_index.c.pair_id, moved):
        stored.extend(conn.execute(select(nik_index).where(condition)))
    load(conn, batch, (r.record_id for r in stored))
    for r in stored:
        supporter = batch.state.get(r.record_id)
        if supporter is None:  # the index names only stored records
            continue
        old_rows[r.record_id] = (r.election_id, r.nik, r.pair_id)
        new = keys.of(supporter.fields, supporter.deleted)
        if new is None:
            new_rows.pop(r.record_id, None)
        else:
            new_rows[r.record_id] = new


def release_deleted_elections(conn: Connection, batch: Batch) -> int:
    """Take every deleted election's supporters out of its NIK groups and clear the
    DUPLICATE_EXTERNAL flags those groups gave them; the number of index rows dropped.

    A server before ``rules.check_delete`` deleted an election under live pairs: their
    supporters stayed indexed under it and kept their flags (BMS in every count). A
    deleted election now has no live pair, so each of its rows is such a leftover, and
    dropping them is what deleting each pair does (:func:`_regroup_pairs`): a group of
    one election holds only that election's pairs, so no other member's flag changes,
    and each flag cleared is a new version by the server (:func:`_set_flag`). The
    caller writes ``batch`` (a one-off repair: revision 0021).
    """
    deleted = [
        str(r[0])
        for r in conn.execute(
            select(records.c.id).where(records.c.entity == "election", records.c.deleted.is_(True))
        )
    ]
    stored: list[Any] = []
    for condition in among(conn, nik_index.c.election_id, deleted):
        stored.extend(conn.execute(select(nik_index).where(condition)))
    if not stored:
        return 0
    load(conn, batch, (r.record_id for r in stored))
    for r in stored:
        supporter = batch.state.get(r.record_id)
        if supporter is not None and supporter.fields.get("external_duplicate"):
            _set_flag(batch, supporter, False)
    for condition in among(conn, nik_index.c.election_id, deleted):
        conn.execute(nik_index.delete().where(condition))
    return len(stored)


def _group_members(
    conn: Connection,
    old_rows: dict[str, tuple[str, str, str]],
    new_rows: dict[str, tuple[str, str, str]],
    changed: set[str] | Any,
) -> dict[tuple[str, str], dict[str, tuple[str, bool]]]:
    """Stored members (not changed in this batch) of the NIK groups concerned:
    ``{(election, nik): {record_id: (pair_id, flagged)}}``."""
    by_election: dict[str, set[str]] = {}
    for e, n, _p in (*old_rows.values(), *new_rows.values()):
        by_election.setdefault(e, set()).add(n)
    members: dict[tuple[str, str], dict[str, tuple[str, bool]]] = {}
    for election_id, niks in by_election.items():
        for condition in among(conn, nik_index.c.nik, sorted(niks)):
            rows = conn.execute(
                select(nik_index).where(nik_index.c.election_id == election_id, condition)
            )
            for r in rows:
                if r.record_id not in changed:
                    group = members.setdefault((r.election_id, r.nik), {})
                    group[r.record_id] = (r.pair_id, bool(r.flagged))
    return members


def _set_flag(batch: Batch, rec: Rec, flag: bool) -> None:
    """Set the server's flag as a change of its own: always a new version, so a
    client whose push was acknowledged at the version before sees the flag in its
    feed (never a flag hidden inside a version it believes it already holds)."""
    before = {"external_duplicate": rec.fields.get("external_duplicate")}
    # A new dict: a record loaded for its flag alone shares its fields with ``rec.orig``,
    # which must keep the stored state (the public figures compare the two).
    rec.fields = {**rec.fields, "external_duplicate": flag}
    rec.version += 1
    touch(batch, rec, by_server=True)
    entry = audit_entry(batch, "flag_duplicate", rec, before, {"external_duplicate": flag})
    entry.username = "server"
    batch.audit_entries.append(entry)
