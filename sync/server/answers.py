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

from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from sync.protocol import MutationResult, ResultStatus
from sync.server.feed import scope_filter
from sync.server.roles import Actor
from sync.server.schema import users


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


def office_accounts(conn: Connection, reader: Actor) -> set[str]:
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
    """
    region = scope_filter(reader, users.c.region, None)
    query = select(users.c.username)
    rows = conn.execute(query if region is None else query.where(region))
    return {str(name) for name in rows.scalars()}
