"""The stored answer of an applied mutation (``applied_mutations.result``).

A repeated mutation gets the answer it got the first time, word for word. Since
issue 19 the stored text leaves out what the row holds already or what follows
from it: the mutation id (the row's key), and for the common answer "applied at
version N" everything but N, so that answer is stored as the bare number (a
million pushed supporters stored 70 characters each, now one). Any other answer
(merged, conflict, rejected) is its JSON without the mutation id. Rows written
before hold the whole answer as JSON; both forms read back as the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from sync.protocol import MutationResult, ResultStatus
from sync.server.feed import scope_filter
from sync.server.roles import Actor
from sync.server.schema import applied_batches, meta, users


def stored_text(result: MutationResult) -> str:
    """What ``applied_mutations.result`` holds for ``result``."""
    if (
        result.status is ResultStatus.APPLIED
        and result.record is None
        and not result.conflicts
        and not result.code
    ):  # the wire answer would be id, status and version only (once per pushed mutation)
        return str(int(result.version))
    wire = result.to_wire()
    del wire["mutation_id"]
    return orjson.dumps(wire).decode("utf-8")


def answer(mutation_id: str, text: str | bytes) -> dict[str, Any]:
    """The wire answer (:meth:`MutationResult.to_wire`) a stored text stands for."""
    stored = orjson.loads(text)
    if isinstance(stored, int):
        return {"mutation_id": mutation_id, "status": str(ResultStatus.APPLIED), "version": stored}
    return {"mutation_id": mutation_id, **{k: v for k, v in stored.items() if k != "mutation_id"}}


def stored_result(mutation_id: str, text: str | bytes) -> MutationResult:
    """The :class:`MutationResult` a stored text stands for."""
    return MutationResult.from_wire(answer(mutation_id, text))


#: What a bare answer keeps (:func:`bare_answer`): nothing of the record's values.
_BARE_KEYS = ("mutation_id", "status", "version", "code")


def bare_answer(found: dict[str, Any]) -> dict[str, Any]:
    """An answer without the record, the conflicting values or the message (which may
    quote a value): for a reader who may no longer read the record, or who did not
    push the mutation (``sync.server.bundles.answer_readers``)."""
    return {key: found[key] for key in _BARE_KEYS if key in found}


#: ``meta`` key of the regions accounts were moved from (:func:`note_move`), as JSON
#: ``{username: [[the last applied_batches.id before the move, the region left], ...]}``
#: in the order of the moves. Kept beside the batches, not in them: no migration, and a
#: handful of rows for the few accounts ever moved.
MOVES_KEY = "account_moves"


def note_move(conn: Connection, username: str, region_left: str) -> None:
    """Remember that ``username`` leaves ``region_left`` now (in the transaction that
    moves it, which holds the write lock: no push is under way), so that the answers
    it was given there stay that region's (:class:`Office`)."""
    mark = conn.execute(select(func.max(applied_batches.c.id))).scalar_one_or_none() or 0
    moves = _moves(conn)
    moves.setdefault(username, []).append([int(mark), region_left])
    conn.execute(meta.delete().where(meta.c.key == MOVES_KEY))
    conn.execute(meta.insert().values(key=MOVES_KEY, value=orjson.dumps(moves)))


def _moves(conn: Connection) -> dict[str, list[list[Any]]]:
    raw = conn.execute(select(meta.c.value).where(meta.c.key == MOVES_KEY)).scalar_one_or_none()
    return orjson.loads(raw) if raw else {}


def _in_office(reader: Actor, region: str) -> bool:
    """Whether an account of ``region`` is of ``reader``'s office: the rule of
    :func:`office_accounts`' query (``scope_filter`` of the region, no area), in Python."""
    prefix = reader.read_prefix()
    if prefix is None:
        return True
    own, exact = prefix
    if exact:
        return region == own
    return own == "" or region == own or region.startswith(own + ".")


@dataclass(frozen=True, slots=True)
class Office:
    """Whose stored answers a reader is given whole (:func:`office_accounts`)."""

    reader: Actor
    #: The accounts of the reader's office now.
    accounts: frozenset[str]
    #: The regions accounts were moved from (:data:`MOVES_KEY`).
    moves: dict[str, list[list[Any]]]

    def whole(self, pusher: str, batch: int) -> bool:
        """Whether the answer to a mutation ``pusher`` pushed in ``batch``
        (``applied_batches.id``) is the reader's office's: the pusher was of it then.

        An account moved to another region leaves the answers it was given in the old
        one there: they followed its current region, so a 32.14 operator moved to
        32.15 took 32.14's answers (a merged record as it lay in 32.14, a refusal
        quoting a value) to 32.15's operators and to itself, and 32.14's were given
        them bare."""
        for mark, region in self.moves.get(pusher, ()):
            if batch <= int(mark):  # pushed before this move: in the region it left
                return _in_office(self.reader, str(region))
        return pusher in self.accounts


def office_accounts(conn: Connection, reader: Actor) -> Office:
    """The accounts whose stored answers ``reader`` is given whole: every account of
    its office's region or below it (a kab/kota's own accounts; a province's and its
    kab/kota's; KPU RI's all). Any other's are bare (:func:`bare_answer`): in a feed
    bundle (``sync.server.bundles.answers_for``) and to a repeat pushed under another
    office's mutation id (``sync.server.push``).

    An answer is for the device that pushed the mutation: another office needs only
    to know that the id is answered. A refusal carries no record, so nothing else
    says whether its message (which may quote the value refused, or name another
    pair and election) was written on a record the reader read then: a supporter
    32.14 was refused on, moved to 32.15 since, took 32.14's refused value to 32.15.
    An office's other accounts read them whole: its operators share a computer's
    database (``silon_desktop.storage.keyfile``: a wrap per user), so a bundle sealed
    to one answers another's waiting mutation as a push would.

    The office is the one the pusher was of when it pushed: an account moved since
    left its answers in the region it left (:meth:`Office.whole`).
    """
    region = scope_filter(reader, users.c.region, None)
    query = select(users.c.username)
    rows = conn.execute(query if region is None else query.where(region))
    return Office(reader, frozenset(str(name) for name in rows.scalars()), _moves(conn))
