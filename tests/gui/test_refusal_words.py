"""Every refusal the server gives a delete, and the server's answers to a password
change, read as their own Indonesian sentence naming the field or record, never the
generic "isian tidak diterima server" / "Server menolak permintaan.".

The refusals are the real server's (``apply_batch`` in-process, as
tests/unit/server/test_rules.py drives it); the history reads them as
``record_history`` does (``sync.receipts._refusal`` of the stored answer)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from silon_desktop.ui.labels import field_label, refusal_label
from sync.protocol import Mutation, MutationResult, Op
from sync.receipts import _refusal
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.state import ServerState
from tests.unit.server.support import create, fresh_state

RI = Actor("ri", Role.KPU_RI, "", "dev-ri")
KAB = Actor("op3214", Role.KABKOTA, "32.14", "dev-kab")
SCOPE = "32.14"
GENERIC = "isian tidak diterima server"


@pytest.fixture(scope="module")
def state() -> Iterator[ServerState]:
    with fresh_state() as server:
        yield server


def push(state: ServerState, actor: Actor, *mutations: Mutation) -> list[MutationResult]:
    return apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), list(mutations))


def made(state: ServerState, actor: Actor, *mutations: Mutation) -> None:
    assert [r.status for r in push(state, actor, *mutations)] == ["applied"] * len(mutations)


def delete(
    m: Mutation,
    version: int,
    *,
    entity: str = "",
    scope: str = SCOPE,
    changes: dict[str, tuple[Any, Any]] | None = None,
    mutation_id: str = "",
) -> Mutation:
    return Mutation(
        mutation_id or str(uuid.uuid4()),
        entity or m.entity,
        m.record_id,
        scope,
        Op.DELETE,
        version,
        changes or {},
    )


def election_with_a_pair(state: ServerState) -> tuple[Mutation, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    made(state, RI, election, pair)
    return election, pair


def supporter(state: ServerState) -> Mutation:
    _election, pair = election_with_a_pair(state)
    backer = create("supporter", {"pair_id": pair.record_id, "name": "A"})
    made(state, RI, backer)
    return backer


def live_pairs(state: ServerState) -> tuple[Actor, Mutation]:
    election, _pair = election_with_a_pair(state)
    return RI, delete(election, 1)


def made_above(state: ServerState) -> tuple[Actor, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    made(state, RI, election)
    return KAB, delete(election, 1)


def administered_set(state: ServerState) -> tuple[Actor, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    made(state, KAB, election)  # its own draft, until KPU RI sets a date of it
    dates = Mutation(
        str(uuid.uuid4()), "election", election.record_id, SCOPE, Op.UPSERT, 1,
        {"support_end": (None, "2099-12-31")},
    )  # fmt: skip
    made(state, RI, dates)
    return KAB, delete(election, 2)


def newer_version(state: ServerState) -> tuple[Actor, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    made(state, RI, election)
    return RI, delete(election, 9)


def other_scope(state: ServerState) -> tuple[Actor, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    made(state, RI, election)
    return RI, delete(election, 1, scope="32.15")


def other_entity(state: ServerState) -> tuple[Actor, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    made(state, RI, election)
    return RI, delete(election, 1, entity="document")


def reused_id(state: ServerState) -> tuple[Actor, Mutation]:
    first = create("election", {"name": "Pilbup", "kind": "bupati"})
    made(state, RI, first)
    second = create("election", {"name": "Pilbup 2", "kind": "bupati"})
    made(state, RI, second)
    return RI, delete(second, 1, mutation_id=first.id)


def bad_scope(state: ServerState) -> tuple[Actor, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    return RI, delete(election, 1, scope="32-14")


def unknown_entity(state: ServerState) -> tuple[Actor, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    return RI, delete(election, 1, entity="kandidat")


def withdrawal(name: str, value: Any) -> Callable[[ServerState], tuple[Actor, Mutation]]:
    def case(state: ServerState) -> tuple[Actor, Mutation]:
        return RI, delete(supporter(state), 1, changes={name: (None, value)})

    return case


CASES = {
    "live pairs": (
        live_pairs, ("BAD_VALUE", "_deleted"),
        "pemilihan ini masih punya pasangan calon: hapus atau pindahkan pasangan calonnya "
        "dulu, lalu hapus pemilihannya",
    ),
    "made above": (
        made_above, ("READ_ONLY", "kind"),
        "pemilihan ini dibuat dan dikelola KPU RI: hanya KPU RI yang dapat menghapusnya",
    ),
    "administered set": (
        administered_set, ("READ_ONLY", "support_end"),
        f"{field_label('support_end')} pemilihan ini sudah diisi KPU RI: hanya KPU RI yang "
        "dapat menghapusnya",
    ),
    "newer version": (
        newer_version, ("BAD_VERSION", "base_version"),
        "versi data di komputer ini tidak cocok dengan versi di server: sinkronkan dulu, "
        "lalu ulangi",
    ),
    "other scope": (
        other_scope, ("SCOPE_MISMATCH", "scope"),
        "wilayah data ini berbeda dengan yang tercatat di server: wilayah data tidak dapat "
        "diubah",
    ),
    "other entity": (
        other_entity, ("BAD_VALUE", "entity"),
        "nomor data ini sudah dipakai data jenis lain di server",
    ),
    "reused id": (
        reused_id, ("BAD_VALUE", "id"),
        "nomor perubahan ini sudah dipakai untuk data lain di server",
    ),
    "bad scope": (bad_scope, ("BAD_VALUE", "scope"), "kode wilayah data ini tidak sah"),
    "unknown entity": (
        unknown_entity, ("UNKNOWN_ENTITY", "entity"), "jenis data ini tidak dikenal server"
    ),
    "withdrawal reason": (
        withdrawal("withdrawn_reason", "BUKAN_ALASAN"), ("BAD_VALUE", "withdrawn_reason"),
        f"nilai isiannya tidak sah ({field_label('withdrawn_reason')})",
    ),
    "withdrawal time": (
        withdrawal("withdrawn_at", "kemarin"), ("BAD_TYPE", "withdrawn_at"),
        f"bentuk isiannya tidak sesuai ({field_label('withdrawn_at')})",
    ),
    "withdrawal note too long": (
        withdrawal("withdrawn_note", "x" * 501), ("TOO_LONG", "withdrawn_note"),
        f"isiannya terlalu panjang ({field_label('withdrawn_note')})",
    ),
    "withdrawal by control characters": (
        withdrawal("withdrawn_by", "op\x07"), ("BAD_CHARS", "withdrawn_by"),
        f"isiannya memuat karakter yang tidak boleh ({field_label('withdrawn_by')})",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_refusal_of_a_delete_reads_as_its_own_sentence(
    qapp: Any, state: ServerState, case: str
) -> None:
    make, expected_refusal, words = CASES[case]
    actor, gone = make(state)
    (result,) = push(state, actor, gone)
    assert result.status == "rejected", result
    refusal = _refusal("rejected", result.to_wire())
    assert refusal == expected_refusal, result
    assert refusal_label(*refusal, "delete") == words
    assert GENERIC not in words
