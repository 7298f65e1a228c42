"""The election's rules on every write (issue #16): parent kinds, stage deadlines
on creates, updates and moves, and an election's administered fields by level."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from sync.protocol import Mutation, MutationResult, Op
from sync.server.db import read_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import audit as audit_log
from sync.server.schema import records as records_table
from sync.server.schema import unpack_json
from sync.server.state import ServerState
from tests.unit.server.support import create, fresh_state

RI = Actor("ri", Role.KPU_RI, "", "dev-ri")
PROVINCE = Actor("prov32", Role.PROVINCE, "32", "dev-prov")
KAB = Actor("op3214", Role.KABKOTA, "32.14", "dev-kab")
SCOPE = "32.14"


@pytest.fixture(scope="module")
def state() -> Iterator[ServerState]:
    with fresh_state() as server:
        yield server


def change(m: Mutation, version: int, changes: dict[str, tuple[Any, Any]]) -> Mutation:
    return Mutation(str(uuid.uuid4()), m.entity, m.record_id, m.scope, Op.UPSERT, version, changes)


def push(state: ServerState, actor: Actor, *mutations: Mutation) -> list[MutationResult]:
    return apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), list(mutations))


def one(state: ServerState, actor: Actor, m: Mutation) -> MutationResult:
    (result,) = push(state, actor, m)
    return result


def tree(
    state: ServerState, support_end: str = "2099-12-31", verfak_end: str = "2099-12-31"
) -> dict[str, Mutation]:
    election = create("election", {"name": "Pilbup", "kind": "bupati"})
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    candidate = create("candidate", {"pair_id": pair.record_id, "role": "kepala"})
    supporter = create("supporter", {"pair_id": pair.record_id, "name": "A"})
    results = push(state, RI, election, pair, candidate, supporter)
    assert [r.status for r in results] == ["applied"] * 4, results
    dates = {"support_end": (None, support_end), "verfak_end": (None, verfak_end)}
    assert one(state, RI, change(election, 1, dates)).status == "applied"
    return {"election": election, "pair": pair, "candidate": candidate, "supporter": supporter}


@pytest.mark.parametrize(
    ("entity", "field", "wrong"),
    [
        ("supporter", "pair_id", "candidate"),
        ("supporter", "pair_id", "election"),
        ("candidate", "pair_id", "election"),
        ("pair", "election_id", "pair"),
        ("document", "candidate_id", "pair"),
        ("party", "pair_id", "supporter"),
    ],
)
def test_a_parent_of_the_wrong_kind_is_refused(
    state: ServerState, entity: str, field: str, wrong: str
) -> None:
    records = tree(state)
    result = one(state, RI, create(entity, {field: records[wrong].record_id}))
    assert result.status == "rejected"
    assert (result.code, result.field) == ("PARENT_MISSING", field)
    assert f"names a {wrong}" in (result.message or "")


def test_a_supporter_moved_by_an_update_to_a_candidate_is_refused(state: ServerState) -> None:
    records = tree(state)
    s = records["supporter"]
    moved = change(s, 1, {"pair_id": (records["pair"].record_id, records["candidate"].record_id)})
    assert one(state, RI, moved).code == "PARENT_MISSING"


def test_a_supporter_under_a_candidate_cannot_dodge_the_deadline(state: ServerState) -> None:
    # The deadline is found through the pair: a candidate as "pair" skipped it before.
    closed = tree(state, support_end="2000-01-31")
    late = create("supporter", {"pair_id": closed["candidate"].record_id, "name": "B"})
    assert one(state, RI, late).status == "rejected"


def test_moving_a_supporter_to_a_closed_pair_is_refused(state: ServerState) -> None:
    open_tree = tree(state)
    closed = tree(state, support_end="2000-01-31")
    s = open_tree["supporter"]
    moved = change(s, 1, {"pair_id": (open_tree["pair"].record_id, closed["pair"].record_id)})
    result = one(state, RI, moved)
    assert (result.status, result.code, result.field) == (
        "rejected",
        "DEADLINE_PASSED",
        "support_end",
    )
    # An ordinary edit of the same supporter still goes through.
    assert one(state, RI, change(s, 1, {"name": ("A", "A2")})).status == "applied"


def test_field_verification_on_create_is_refused_after_verfak_end(state: ServerState) -> None:
    # A correction round's row (its arrival open: no correction_end), the stages in order.
    closed = tree(state, support_end="2000-01-01", verfak_end="2000-01-31")
    late = create(
        "supporter",
        {
            "pair_id": closed["pair"].record_id,
            "name": "C",
            "round": "correction_1",
            "field_status": "MS",
        },
    )
    result = one(state, RI, late)
    assert (result.code, result.field) == ("DEADLINE_PASSED", "verfak_end")


def test_supporters_created_in_one_batch_follow_its_earlier_changes(state: ServerState) -> None:
    # The creates' verdicts are kept per pair within a batch: a change of the election
    # or the pair earlier in the same batch decides the creates after it.
    records = tree(state)
    election, pair = records["election"], records["pair"]
    pair_id = pair.record_id
    batch = [
        create("supporter", {"pair_id": pair_id, "name": "D1"}),
        create(
            "supporter",
            {"pair_id": pair_id, "name": "D2", "admin_status": "MS", "field_status": "MS"},
        ),
        change(election, 2, {"support_end": ("2099-12-31", "2000-01-31")}),
        create("supporter", {"pair_id": pair_id, "name": "D3"}),
        create("supporter", {"pair_id": pair_id, "name": "D4", "round": "correction_1"}),
        change(election, 3, {"correction_end": (None, "2000-02-28")}),
        create("supporter", {"pair_id": pair_id, "name": "D5", "round": "correction_1"}),
        Mutation(str(uuid.uuid4()), "pair", pair_id, SCOPE, Op.DELETE, 1, {}),
        create("supporter", {"pair_id": pair_id, "name": "D6", "round": "correction_1"}),
    ]
    got = [(r.status, r.code, r.field) for r in push(state, RI, *batch)]
    assert got == [
        ("applied", "", ""),
        ("applied", "", ""),
        ("applied", "", ""),
        ("rejected", "DEADLINE_PASSED", "support_end"),
        ("applied", "", ""),
        ("applied", "", ""),
        ("rejected", "DEADLINE_PASSED", "correction_end"),
        ("applied", "", ""),
        ("rejected", "PARENT_MISSING", "pair_id"),
    ]


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("support_end", "2024-08-01", "2099-12-31"),
        ("verfak_end", "2024-09-01", "2099-12-31"),
        ("dpt", 1000, 10),
        ("rule_set", "pilkada-2024", "longgar"),
        ("subregion_count", 10, 1),
        # The decree's figures the recap and the public pages publish over the computation.
        ("official_threshold", 90_563, 1),
        ("official_spread", 6, 1),
        ("official_party_votes", 120_000, 1),
        # What the election is: a bupati election made a governor's took the governor's
        # DPT tiers, spread over kab/kota and minimum age 30; its region decides where
        # supporters must live.
        ("kind", "bupati", "gubernur"),
        ("region_code", "32.14", "32.15"),
        # Its Pilkada: moved to another year and back, a person stood in two pairs of
        # one Pilkada; cleared, the election was a Pilkada of its own.
        ("year", 2024, 2029),
        ("year", 2024, None),
    ],
)
def test_a_kabkota_cannot_change_its_own_elections_administered_fields(
    state: ServerState, name: str, old: Any, new: Any
) -> None:
    election = create("election", {"name": "Pilbup", "kind": "bupati", name: old})
    assert one(state, KAB, election).status == "applied"  # it may fill them once
    result = one(state, KAB, change(election, 1, {name: (old, new)}))
    assert (result.status, result.code, result.field) == ("rejected", "READ_ONLY", name)
    # Its name is its own to edit.
    assert one(state, KAB, change(election, 1, {"name": ("Pilbup", "Pilbup X")})).status == (
        "applied"
    )


@pytest.mark.parametrize("name", ["official_threshold", "dpt", "support_end", "rule_set"])
def test_a_kabkota_fills_no_empty_field_of_an_election_made_above_it(
    state: ServerState, name: str
) -> None:
    """The fields an election's administering level sets are that level's, set or not,
    on an election it made (KPU RI for a kab/kota's): a kab/kota filled an empty
    decree threshold or DPT of KPU RI's election (the recap and the public pages
    publish them), since the server did not know who made the election. On the
    election it entered itself a kab/kota still fills them while empty."""
    values = {"official_threshold": 1, "dpt": 10, "support_end": "2099-12-31"}
    value = values.get(name, "pilkada-2020")
    above = create("election", {"name": "Pilbup", "kind": "bupati"})
    assert one(state, RI, above).status == "applied"
    refused = one(state, KAB, change(above, 1, {name: (None, value)}))
    assert (refused.status, refused.code, refused.field) == ("rejected", "READ_ONLY", name)
    assert stored(state, above.record_id)[0] == 1
    assert one(state, KAB, change(above, 1, {"name": ("Pilbup", "Pilbup X")})).status == ("applied")
    assert one(state, RI, change(above, 2, {name: (None, value)})).status == "applied"
    own = create("election", {"name": "Pilbup", "kind": "bupati"})
    assert one(state, KAB, own).status == "applied"
    assert one(state, KAB, change(own, 1, {name: (None, value)})).status == "applied"


def test_a_kabkota_deletes_no_election_made_above_it(state: ServerState) -> None:
    """An election KPU RI made is not a kab/kota's draft, even with none of its
    administered fields set yet: a kab/kota deleted it (and with it its public page
    and the place its pairs are entered under)."""
    above = create("election", {"name": "Pilbup", "kind": "bupati"})
    assert one(state, RI, above).status == "applied"
    gone = Mutation(str(uuid.uuid4()), "election", above.record_id, SCOPE, Op.DELETE, 1, {})
    refused = one(state, KAB, gone)
    assert (refused.status, refused.code, refused.field) == ("rejected", "READ_ONLY", "kind")
    assert stored(state, above.record_id)[:2] == (1, False)


def test_a_kabkota_writes_no_field_of_its_provinces_election(state: ServerState) -> None:
    """A governor election is the province's (DOMAIN.md "Levels"): a kab/kota's write
    of it, an empty field's too, is refused before any rule (403); the province's own
    is applied."""
    from sync.server.errors import ApiError

    election = create("election", {"name": "Pilgub", "kind": "gubernur"}, scope="32")
    assert one(state, PROVINCE, election).status == "applied"
    with pytest.raises(ApiError) as refused:
        one(state, KAB, change(election, 1, {"official_threshold": (None, 1)}))
    assert refused.value.status == 403
    done = one(state, PROVINCE, change(election, 1, {"official_threshold": (None, 2_321_469)}))
    assert done.status == "applied"


def test_an_elections_region_is_its_scope(state: ServerState) -> None:
    """The scope is the region of the record's election (docs/PROTOCOL.md). A kab/kota
    made an election of its scope named as another province's governor election
    (published as theirs on the public pages, its supporters checked against that
    province), or moved its own election's region to another kab/kota."""
    foreign = create("election", {"name": "Pilgub", "kind": "gubernur", "region_code": "33"})
    refused = one(state, KAB, foreign)
    assert (refused.status, refused.code, refused.field) == (
        "rejected",
        "SCOPE_MISMATCH",
        "region_code",
    )
    draft = create("election", {"name": "Pilbup", "kind": "bupati"})
    assert one(state, KAB, draft).status == "applied"
    moved = one(state, KAB, change(draft, 1, {"region_code": (None, "32.15")}))
    assert (moved.status, moved.code, moved.field) == ("rejected", "SCOPE_MISMATCH", "region_code")
    assert one(state, RI, change(draft, 1, {"region_code": (None, "32")})).code == "SCOPE_MISMATCH"
    assert stored(state, draft.record_id)[0] == 1
    # Its own region (or none: the scope's) is fine.
    assert one(state, KAB, change(draft, 1, {"region_code": (None, SCOPE)})).status == "applied"


def test_an_elections_kind_is_of_its_scopes_level(state: ServerState) -> None:
    """A governor election is the province's (DOMAIN.md "Levels"). A kab/kota made its
    own election a governor's, whose DPT tiers, spread over kab/kota and minimum age
    (30) the recap then used, and a province a bupati election of its scope; the
    desktop refuses such a kind (region_kind_mismatch), the server took it."""
    governor = one(state, KAB, create("election", {"name": "Pilgub", "kind": "gubernur"}))
    assert (governor.status, governor.code, governor.field) == ("rejected", "BAD_VALUE", "kind")
    bupati = create("election", {"name": "Pilbup", "kind": "bupati"}, scope="32")
    refused = one(state, PROVINCE, bupati)
    assert (refused.status, refused.code, refused.field) == ("rejected", "BAD_VALUE", "kind")
    own = create("election", {"name": "Pilbup", "kind": "bupati"})
    assert one(state, KAB, own).status == "applied"
    changed = one(state, RI, change(own, 1, {"kind": ("bupati", "gubernur")}))
    assert (changed.status, changed.code, changed.field) == ("rejected", "BAD_VALUE", "kind")
    assert stored(state, own.record_id)[2]["kind"] == "bupati"
    province = create("election", {"name": "Pilgub", "kind": "gubernur"}, scope="32")
    assert one(state, PROVINCE, province).status == "applied"


def test_a_kabkota_writes_only_supporters_whose_kecamatan_and_desa_are_its_own(
    state: ServerState,
) -> None:
    """A kab/kota verifies the supporters of a governor pair living in its area (DOMAIN.md
    "Levels"). Only the kab/kota code was held to it: a kab/kota could enter, or keep
    in its share by its kab/kota code, a supporter whose kecamatan and desa are
    another kab/kota's, counted in its own recap and never seen by the KPU where the
    person lives."""
    election = create("election", {"name": "Pilgub", "kind": "gubernur"}, scope="32")
    pair = create("pair", {"election_id": election.record_id, "number": 1}, scope="32")
    assert [r.status for r in push(state, PROVINCE, election, pair)] == ["applied"] * 2
    elsewhere = {"kecamatan_code": "32.15.01", "desa_code": "32.15.01.2001"}
    mine = {"pair_id": pair.record_id, "name": "A", "kabkota_code": SCOPE}
    made = one(state, KAB, create("supporter", {**mine, **elsewhere}, scope="32"))
    assert (made.status, made.code, made.field) == ("rejected", "SCOPE_MISMATCH", "kecamatan_code")
    own = create("supporter", {**mine, "kecamatan_code": "32.14.01"}, scope="32")
    assert one(state, KAB, own).status == "applied"
    desa = one(state, KAB, change(own, 1, {"desa_code": (None, "32.15.01.2001")}))
    assert (desa.status, desa.code, desa.field) == ("rejected", "SCOPE_MISMATCH", "desa_code")
    assert one(state, KAB, change(own, 1, {"desa_code": (None, "32.14.01.2001")})).status == (
        "applied"
    )
    # The province writes where its supporters live, anywhere in it.
    moved = change(own, 2, {"kecamatan_code": ("32.14.01", "32.15.01")})
    assert one(state, PROVINCE, moved).status == "applied"


def test_the_province_sets_a_governor_elections_figures_and_it_is_audited(
    state: ServerState,
) -> None:
    election = create("election", {"name": "Pilgub", "kind": "gubernur", "dpt": 100}, scope="32")
    assert one(state, PROVINCE, election).status == "applied"
    result = one(state, PROVINCE, change(election, 1, {"dpt": (100, 200)}))
    assert result.status == "applied"
    with read_tx(state.engine) as conn:
        rows = conn.execute(
            select(audit_log).where(audit_log.c.record_id == election.record_id)
        ).all()
    changes = [(r.action, orjson.loads(r.after or "null")) for r in rows]
    assert ("update", {"dpt": 200}) in changes
    # KPU RI corrects the dates of a kab/kota election once set.
    bupati = create("election", {"name": "Pilbup", "kind": "bupati", "support_end": "2024-08-01"})
    assert one(state, KAB, bupati).status == "applied"
    fix = change(bupati, 1, {"support_end": ("2024-08-01", "2024-08-05")})
    assert one(state, RI, fix).status == "applied"


@pytest.mark.parametrize(
    ("scope", "fields", "refused"),
    [
        # a governor on a kabupaten
        ("32.14", {"kind": "gubernur", "region_code": "32.14"}, ("BAD_VALUE", "region_code")),
        ("32.14", {"kind": "gubernur"}, ("BAD_VALUE", "kind")),  # no region code: the scope's
        ("32.73", {"kind": "bupati", "region_code": "32.73"}, ("BAD_VALUE", "region_code")),
        # Jakarta Pusat: no election held
        ("31.71", {"kind": "walikota", "region_code": "31.71"}, ("BAD_VALUE", "region_code")),
        # a province above the scope, another kab/kota
        ("32.14", {"kind": "gubernur", "region_code": "32"}, ("SCOPE_MISMATCH", "region_code")),
        ("32.14", {"kind": "bupati", "region_code": "33.01"}, ("SCOPE_MISMATCH", "region_code")),
    ],
)
def test_an_election_whose_kind_or_region_contradicts_its_scope_is_refused(
    state: ServerState, scope: str, fields: dict[str, Any], refused: tuple[str, str]
) -> None:
    # The desktop refuses these (domain.records); a client that skips its checks had them
    # applied, and the public page published a governor's thresholds over one kabupaten.
    result = one(state, RI, create("election", {"name": "Pilkada", **fields}, scope=scope))
    assert (result.status, result.code, result.field) == ("rejected", *refused)
    fine = create("election", {"name": "Pilbup", "kind": "bupati", "region_code": "32.14"})
    assert one(state, KAB, fine).status == "applied"
    result = one(state, RI, change(fine, 1, {"kind": ("bupati", "walikota")}))
    assert (result.status, result.code, result.field) == ("rejected", "BAD_VALUE", "kind")
    governor = create("election", {"name": "Pilgub", "kind": "gubernur"}, scope="32")
    assert one(state, PROVINCE, governor).status == "applied"


@pytest.mark.parametrize(
    "nik", ["1234", "3214016213800001", "3214010101800000", "32140101018O0001"]
)
def test_a_candidate_nik_the_desktop_refuses_is_refused(state: ServerState, nik: str) -> None:
    # Not 16 digits, a 62nd day of the month, sequence 0000, a letter O: the desktop
    # refuses a candidate with such a NIK (domain.records), the server stored it.
    records = tree(state)
    pair = records["pair"].record_id
    result = one(state, KAB, create("candidate", {"pair_id": pair, "role": "wakil", "nik": nik}))
    assert (result.status, result.code, result.field) == ("rejected", "BAD_VALUE", "nik")
    fine = create("candidate", {"pair_id": pair, "role": "wakil", "nik": "3214014508800001"})
    assert one(state, KAB, fine).status == "applied"
    result = one(state, KAB, change(fine, 1, {"nik": ("3214014508800001", "3214014508800000")}))
    assert (result.status, result.code, result.field) == ("rejected", "BAD_VALUE", "nik")
    assert one(state, KAB, change(fine, 1, {"nik": ("3214014508800001", "")})).status == ("applied")


def test_a_party_nominates_one_pair_per_election(state: ServerState) -> None:
    # PKPU 10/2024 Pasal 11 ayat 4: a party may not support two pairs in the same election.
    records = tree(state)
    election = records["election"].record_id
    first = records["pair"].record_id
    second = create("pair", {"election_id": election, "number": 2, "route": "partai"})
    assert one(state, KAB, second).status == "applied"
    golkar = create("party", {"pair_id": first, "party_name": "Partai Golkar", "seats": 8})
    assert one(state, KAB, golkar).status == "applied"
    again = one(
        state, KAB, create("party", {"pair_id": second.record_id, "party_name": "PARTAI  golkar"})
    )
    assert again.status == "rejected"
    assert (again.code, again.field) == ("PARTY_TAKEN", "party_name")
    assert "pair 1" in again.message
    # a renamed row is caught too, and the same pair may list its party once more
    pdip = create("party", {"pair_id": second.record_id, "party_name": "PDI Perjuangan"})
    assert one(state, KAB, pdip).status == "applied"
    renamed = one(state, KAB, change(pdip, 1, {"party_name": ("PDI Perjuangan", "Partai Golkar")}))
    assert (renamed.status, renamed.code) == ("rejected", "PARTY_TAKEN")
    assert (
        one(state, KAB, create("party", {"pair_id": first, "party_name": "Partai Golkar"})).status
        == "applied"
    )
    # another election of the same scope is free to take the party
    other = create("election", {"name": "Pilbup lain", "kind": "bupati"})
    other_pair = create("pair", {"election_id": other.record_id, "number": 1})
    assert [r.status for r in push(state, RI, other, other_pair)] == ["applied"] * 2
    free = create("party", {"pair_id": other_pair.record_id, "party_name": "Partai Golkar"})
    assert one(state, KAB, free).status == "applied"


def stored(state: ServerState, record_id: str) -> tuple[int, bool, dict[str, Any]]:
    """(version, deleted, fields) of a stored record."""
    with read_tx(state.engine) as conn:
        row = conn.execute(
            select(records_table.c.version, records_table.c.deleted, records_table.c.fields).where(
                records_table.c.id == record_id
            )
        ).one()
    return int(row.version), bool(row.deleted), orjson.loads(unpack_json(row.fields))


def test_a_kabkota_cannot_move_its_pair_to_an_election_of_its_own(state: ServerState) -> None:
    # The review's bypass: a new election with the kab/kota's own dates, the pair moved
    # into it, late supporters added, the pair moved back.
    closed = tree(state, support_end="2000-01-31", verfak_end="2000-02-28")
    pair = closed["pair"]
    own = create("election", {"name": "Pilbup", "kind": "bupati", "support_end": "2099-12-31"})
    assert one(state, KAB, own).status == "applied"
    old, new = closed["election"].record_id, own.record_id
    result = one(state, KAB, change(pair, 1, {"election_id": (old, new)}))
    assert (result.status, result.code, result.field) == ("rejected", "READ_ONLY", "election_id")
    assert stored(state, pair.record_id)[0] == 1
    assert stored(state, pair.record_id)[2]["election_id"] == old
    late = create("supporter", {"pair_id": pair.record_id, "name": "E"})
    assert one(state, KAB, late).code == "DEADLINE_PASSED"
    # Its other fields stay the kab/kota's to edit; KPU RI moves the pair.
    assert one(state, KAB, change(pair, 1, {"number": (1, 2)})).status == "applied"
    assert one(state, RI, change(pair, 2, {"election_id": (old, new)})).status == "applied"
    assert stored(state, pair.record_id)[2]["election_id"] == new


def test_a_pair_moved_into_an_election_where_its_party_nominates_is_refused(
    state: ServerState,
) -> None:
    first, second = tree(state), tree(state)
    taken = create("party", {"pair_id": first["pair"].record_id, "party_name": "Partai X"})
    mine = create("party", {"pair_id": second["pair"].record_id, "party_name": "PARTAI  x"})
    assert [r.status for r in push(state, RI, taken, mine)] == ["applied"] * 2
    pair = second["pair"]
    target, origin = first["election"].record_id, second["election"].record_id
    result = one(state, RI, change(pair, 1, {"election_id": (origin, target)}))
    assert (result.status, result.code, result.field) == ("rejected", "PARTY_TAKEN", "election_id")
    assert "pair 1" in (result.message or "")
    assert stored(state, pair.record_id)[:2] == (1, False)
    assert stored(state, pair.record_id)[2]["election_id"] == origin
    # Without that party the pair moves.
    gone = Mutation(str(uuid.uuid4()), "party", mine.record_id, SCOPE, Op.DELETE, 1, {})
    assert one(state, RI, gone).status == "applied"
    assert one(state, RI, change(pair, 1, {"election_id": (origin, target)})).status == "applied"


def test_a_kabkota_cannot_delete_an_election_with_administered_fields_set(
    state: ServerState,
) -> None:
    records = tree(state)
    election = records["election"]

    def delete(m: Mutation, version: int) -> Mutation:
        return Mutation(str(uuid.uuid4()), "election", m.record_id, SCOPE, Op.DELETE, version, {})

    result = one(state, KAB, delete(election, 2))
    assert (result.status, result.code, result.field) == ("rejected", "READ_ONLY", "support_end")
    assert stored(state, election.record_id)[:2] == (2, False)
    # Its own draft, with nothing administered set, stays its own to delete.
    draft = create("election", {"name": "Draf", "kind": "bupati"})
    assert one(state, KAB, draft).status == "applied"
    assert one(state, KAB, delete(draft, 1)).status == "applied"
    assert stored(state, draft.record_id)[:2] == (2, True)
    # KPU RI deletes it, once its pair is gone (the same batch will do).
    pair = Mutation(str(uuid.uuid4()), "pair", records["pair"].record_id, SCOPE, Op.DELETE, 1, {})
    assert [r.status for r in push(state, RI, pair, delete(election, 2))] == ["applied"] * 2
    assert stored(state, election.record_id)[:2] == (3, True)


def test_an_election_is_not_deleted_while_it_has_live_pairs(state: ServerState) -> None:
    """Deleting an election left its pairs live under a tombstone: their supporters kept
    the DUPLICATE_EXTERNAL flags the election's NIK groups gave them (only a pair's
    delete or move takes a supporter out of its group), as BMS in every count, and the
    NIK check read them through the index while the public pages showed no election.
    A pair's delete clears its supporters' flags (``duplicates._regroup_pairs``): the
    pairs go first, then the election."""
    records = tree(state)
    election, first = records["election"], records["pair"]
    second = create("pair", {"election_id": election.record_id, "number": 2})
    nik = "3214014101900001"
    backers = [
        create("supporter", {"pair_id": p.record_id, "name": "B", "nik": nik})
        for p in (first, second)
    ]
    assert [r.status for r in push(state, RI, second, *backers)] == ["applied"] * 3
    assert [stored(state, b.record_id)[2]["external_duplicate"] for b in backers] == [True, True]

    def delete(entity: str, record_id: str) -> Mutation:
        version = stored(state, record_id)[0]
        return Mutation(str(uuid.uuid4()), entity, record_id, SCOPE, Op.DELETE, version, {})

    refused = one(state, RI, delete("election", election.record_id))
    assert (refused.status, refused.code, refused.field) == ("rejected", "BAD_VALUE", "_deleted")
    assert "2 live pairs" in refused.message
    assert stored(state, election.record_id)[1] is False
    # One pair deleted before it in the same batch is not enough; both are.
    partly = push(
        state, RI, delete("pair", first.record_id), delete("election", election.record_id)
    )
    assert [(r.status, r.code) for r in partly] == [("applied", ""), ("rejected", "BAD_VALUE")]
    emptied = push(
        state, RI, delete("pair", second.record_id), delete("election", election.record_id)
    )
    assert [r.status for r in emptied] == ["applied"] * 2
    assert stored(state, election.record_id)[1] is True
    assert [stored(state, b.record_id)[2]["external_duplicate"] for b in backers] == [False, False]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # The status its reasons give under the election's rules (pilkada-2024).
        ({"admin_status": "MS", "admin_reasons": ["UNDERAGE"]}, "admin_status"),
        ({"admin_status": "TMS", "admin_reasons": []}, "admin_status"),
        ({"admin_status": "BMS", "admin_reasons": ["UNDERAGE"]}, "admin_status"),
        ({"admin_status": "TMS", "admin_reasons": ["MISSING_FIELD"]}, "admin_status"),
        ({"admin_status": "", "admin_reasons": ["UNDERAGE"]}, "admin_status"),
        ({"admin_status": "TMS", "admin_reasons": ["WHATEVER"]}, "admin_reasons"),
        # Field verification ends in MS or TMS.
        ({"field_status": "BMS", "field_reasons": ["MISSING_FIELD"]}, "field_status"),
    ],
)
def test_a_verdict_the_desktops_rules_never_give_is_refused(
    state: ServerState, changes: dict[str, Any], field: str
) -> None:
    records = tree(state)
    supporter = records["supporter"]
    refused = one(state, KAB, change(supporter, 1, {k: (None, v) for k, v in changes.items()}))
    assert (refused.status, refused.code, refused.field) == ("rejected", "BAD_VALUE", field)
    assert stored(state, supporter.record_id)[0] == 1  # nothing written
    # Created with such a verdict, the supporter is refused too.
    fresh = create("supporter", {"pair_id": records["pair"].record_id, **changes})
    made = one(state, KAB, fresh)
    assert (made.status, made.code, made.field) == ("rejected", "BAD_VALUE", field)


def test_the_verdicts_the_desktop_gives_are_applied(state: ServerState) -> None:
    records = tree(state)
    supporter = records["supporter"]
    given = [
        {"admin_status": ("", "BMS"), "admin_reasons": ([], ["MISSING_FIELD", "NO_ID_SCAN"])},
        {"admin_status": ("BMS", "TMS"), "admin_reasons": (None, ["MISSING_FIELD", "UNDERAGE"])},
        {"admin_status": ("TMS", "MS"), "admin_reasons": (None, [])},
        {"field_status": ("", "TMS"), "field_reasons": ([], ["NOT_FOUND"])},
        {"field_status": ("TMS", ""), "field_reasons": (None, [])},  # an undo: not verified
        {"name": ("A", "B")},  # a change beside the verdict: not checked again
    ]
    for version, changes in enumerate(given, start=1):
        assert one(state, KAB, change(supporter, version, changes)).status == "applied"
    fields = stored(state, supporter.record_id)[2]
    assert (fields["admin_status"], fields["field_status"], fields["name"]) == ("MS", "", "B")


def test_a_correction_rounds_row_is_verified_ms_or_tms_only(state: ServerState) -> None:
    """After the verification of a correction round only MS and TMS remain (DOMAIN.md):
    BMS is refused for its rows, as the desktop refuses it, and the rule set decides
    which status a reason gives (NO_ID_SCAN: BMS in 2024, TMS in 2020)."""
    records = tree(state)
    pair = records["pair"].record_id
    late = create("supporter", {"pair_id": pair, "round": "correction_1"})
    assert one(state, KAB, late).status == "applied"
    bms = {"admin_status": (None, "BMS"), "admin_reasons": (None, ["MISSING_FIELD"])}
    refused = one(state, KAB, change(late, 1, bms))
    assert (refused.status, refused.code, refused.field) == (
        "rejected",
        "BAD_VALUE",
        "admin_status",
    )
    tms = {"admin_status": (None, "TMS"), "admin_reasons": (None, ["UNDERAGE"])}
    assert one(state, KAB, change(late, 1, tms)).status == "applied"
    # A submission row may still be BMS.
    submitted = records["supporter"]
    assert one(state, KAB, change(submitted, 1, bms)).status == "applied"
    # Under the 2020 rules a missing ID card scan is TMS, under 2024's BMS.
    election = records["election"]
    older = {"rule_set": ("pilkada-2024", "pilkada-2020")}
    assert one(state, RI, change(election, 2, older)).status == "applied"
    scan = {"admin_status": (None, "BMS"), "admin_reasons": (None, ["NO_ID_SCAN"])}
    refused = one(state, KAB, change(submitted, 2, scan))
    assert (refused.code, refused.field) == ("BAD_VALUE", "admin_status")
    scan["admin_status"] = (None, "TMS")
    assert one(state, KAB, change(submitted, 2, scan)).status == "applied"


def test_a_fixable_reason_is_tms_where_no_bms_remains(state: ServerState) -> None:
    """A correction round's row without its ID card scan is TMS with NO_ID_SCAN (it was
    refused as BMS and as TMS alike: no verdict carried its reason), as is a supporter
    found in the field to be an ASN; BMS stays refused there, and a submission row's
    reason still gives BMS."""
    records = tree(state)
    pair = records["pair"].record_id
    late = create("supporter", {"pair_id": pair, "round": "correction_1"})
    assert one(state, KAB, late).status == "applied"
    tms = {"admin_status": (None, "TMS"), "admin_reasons": (None, ["NO_ID_SCAN"])}
    assert one(state, KAB, change(late, 1, tms)).status == "applied"
    assert stored(state, late.record_id)[2]["admin_status"] == "TMS"
    submitted = records["supporter"]
    refused = one(state, KAB, change(submitted, 1, tms))
    assert (refused.code, refused.field) == ("BAD_VALUE", "admin_status")
    ms = {"admin_status": (None, "MS"), "admin_reasons": (None, [])}
    assert one(state, KAB, change(submitted, 1, ms)).status == "applied"
    field = {"field_status": (None, "TMS"), "field_reasons": (None, ["BANNED_OCCUPATION"])}
    assert one(state, KAB, change(submitted, 2, field)).status == "applied"
    assert stored(state, submitted.record_id)[2]["field_status"] == "TMS"


def test_a_field_verdict_is_for_a_row_ms_in_the_administrative_verification(
    state: ServerState,
) -> None:
    records = tree(state)
    supporter = records["supporter"]  # not verified yet
    field = {"field_status": (None, "TMS"), "field_reasons": (None, ["NOT_FOUND"])}
    refused = one(state, KAB, change(supporter, 1, field))
    assert (refused.status, refused.code, refused.field) == (
        "rejected",
        "BAD_VALUE",
        "field_status",
    )
    tms = {"admin_status": (None, "TMS"), "admin_reasons": (None, ["UNDERAGE"])}
    assert one(state, KAB, change(supporter, 1, tms)).status == "applied"
    refused = one(state, KAB, change(supporter, 2, field))  # TMS there: not visited
    assert (refused.code, refused.field) == ("BAD_VALUE", "field_status")
    ms = {"admin_status": ("TMS", "MS"), "admin_reasons": (["UNDERAGE"], [])}
    assert one(state, KAB, change(supporter, 2, ms)).status == "applied"
    assert one(state, KAB, change(supporter, 3, field)).status == "applied"
    assert stored(state, supporter.record_id)[2]["field_status"] == "TMS"


def test_a_supporters_round_is_the_one_it_arrived_in(state: ServerState) -> None:
    """Each row belongs to the round it was submitted in (DOMAIN.md); the desktop never
    changes it (importers.store.INSERT_ONLY_FIELDS). The server applied a change of
    ``round``: a submission row relabelled correction_1 counted as a correction's new
    supporter, and a correction round's TMS row relabelled submission could be BMS
    again. Now refused (READ_ONLY, field round) for any level; "" and "submission" are
    one round (an older client's blank)."""
    records = tree(state)
    supporter = records["supporter"]  # created without a round: the submission
    for actor in (KAB, RI):
        moved = one(state, actor, change(supporter, 1, {"round": (None, "correction_1")}))
        assert (moved.status, moved.code, moved.field) == ("rejected", "READ_ONLY", "round")
    assert stored(state, supporter.record_id)[0] == 1
    same = one(state, KAB, change(supporter, 1, {"round": (None, "submission")}))
    assert same.status == "applied"
    late = create("supporter", {"pair_id": records["pair"].record_id, "round": "correction_1"})
    assert one(state, KAB, late).status == "applied"
    back = one(state, RI, change(late, 1, {"round": ("correction_1", "")}))
    assert (back.status, back.code, back.field) == ("rejected", "READ_ONLY", "round")
    assert stored(state, late.record_id)[2]["round"] == "correction_1"


def test_a_supporter_arrives_only_in_a_round_of_its_elections_rules(state: ServerState) -> None:
    """The 2020 rules have one correction round: a supporter of a second one was
    stored (the import command and older wizards wrote it), a row no recap of that
    election counts. A round the rules have is taken, in one batch with the refused."""
    records = tree(state)
    election = records["election"]
    assert one(state, RI, change(election, 2, {"rule_set": (None, "pilkada-2020")})).status == (
        "applied"
    )
    pair = records["pair"].record_id
    second = create("supporter", {"pair_id": pair, "name": "B", "round": "correction_2"})
    first = create("supporter", {"pair_id": pair, "name": "C", "round": "correction_1"})
    refused, applied = push(state, KAB, second, first)
    assert (refused.status, refused.code, refused.field) == ("rejected", "BAD_VALUE", "round")
    assert applied.status == "applied"
    back = change(election, 3, {"rule_set": ("pilkada-2020", "pilkada-2024")})
    assert one(state, RI, back).status == "applied"
    again = create("supporter", {"pair_id": pair, "name": "B", "round": "correction_2"})
    assert one(state, KAB, again).status == "applied"


def test_a_pair_has_one_head_and_one_deputy(state: ServerState) -> None:
    # Two PCs, each offline, each entered the head of one pair: the server stored both,
    # and the public page showed one of them. The second is refused (the desktop's form
    # refuses it too, but only the server sees both PCs' rows).
    records = tree(state)
    pair = records["pair"].record_id
    again = one(state, KAB, create("candidate", {"pair_id": pair, "role": "kepala"}))
    assert (again.status, again.code, again.field) == ("rejected", "ROLE_TAKEN", "role")
    deputy = create("candidate", {"pair_id": pair, "role": "wakil"})
    assert one(state, KAB, deputy).status == "applied"
    # the deputy made head, or a head of another pair moved in, is caught too
    made_head = one(state, KAB, change(deputy, 1, {"role": ("wakil", "kepala")}))
    assert (made_head.status, made_head.code) == ("rejected", "ROLE_TAKEN")
    other = tree(state)["candidate"]
    moved = one(state, RI, change(other, 1, {"pair_id": (other.changes["pair_id"][1], pair)}))
    assert (moved.status, moved.code, moved.field) == ("rejected", "ROLE_TAKEN", "role")
    # a deputy withdrawn frees the role
    gone = Mutation(str(uuid.uuid4()), "candidate", deputy.record_id, SCOPE, Op.DELETE, 1)
    assert one(state, KAB, gone).status == "applied"
    assert one(state, KAB, create("candidate", {"pair_id": pair, "role": "wakil"})).status == (
        "applied"
    )


def test_an_elections_stage_dates_out_of_order_are_refused(state: ServerState) -> None:
    """An election's stages follow one another (domain.records STAGE_DATE_RANKS): the
    desktop refuses a stage date before an earlier stage's (stage_order); the server
    stored such dates from any client, and its deadlines then followed them."""
    early = {"support_end": "2024-05-12", "vermin_end": "2024-05-11"}
    made = one(state, RI, create("election", {"name": "Pilbup", "kind": "bupati", **early}))
    assert (made.status, made.code, made.field) == ("rejected", "BAD_VALUE", "vermin_end")
    assert "12-05-2024" in made.message
    election = create("election", {"name": "Pilbup", "kind": "bupati", "support_end": "2024-05-12"})
    assert one(state, RI, election).status == "applied"
    moved = one(state, RI, change(election, 1, {"penetapan_date": (None, "2024-05-01")}))
    assert (moved.status, moved.code, moved.field) == ("rejected", "BAD_VALUE", "penetapan_date")
    assert stored(state, election.record_id)[0] == 1
    # Dates of one rank either way round, and in order, are fine.
    fine = {"vermin_end": (None, "2024-05-29"), "verfak_end": (None, "2024-06-10")}
    fine["correction_end"] = (None, "2024-06-05")
    assert one(state, RI, change(election, 1, fine)).status == "applied"
    later = {"correction_end": ("2024-06-05", "2024-06-20")}
    assert one(state, RI, change(election, 2, later)).status == "applied"


def test_an_administrative_verdict_on_a_submission_row_is_refused_after_vermin_end(
    state: ServerState,
) -> None:
    """``vermin_end`` ends the administrative verification of the submission (stage
    ``vermin``: its rows only); the server took an administrative verdict on a
    submission row after it, as it refuses a field verdict after ``verfak_end``. A
    correction round's rows have their own verification, which no date of the election
    closes: their verdicts are still taken."""
    records = tree(state, support_end="2000-01-01", verfak_end="2099-12-31")
    election, supporter = records["election"], records["supporter"]
    assert one(state, RI, change(election, 2, {"vermin_end": (None, "2000-01-15")})).status == (
        "applied"
    )
    tms = {"admin_status": (None, "TMS"), "admin_reasons": (None, ["UNDERAGE"])}
    for actor in (KAB, RI):
        late = one(state, actor, change(supporter, 1, tms))
        assert (late.status, late.code, late.field) == (
            "rejected",
            "DEADLINE_PASSED",
            "vermin_end",
        )
        assert "2000-01-15" in late.message
    assert stored(state, supporter.record_id)[0] == 1
    # Other fields of the row are still edited; a correction row is still verified.
    assert one(state, KAB, change(supporter, 1, {"name": ("A", "A2")})).status == "applied"
    fix = create("supporter", {"pair_id": records["pair"].record_id, "round": "correction_1"})
    assert one(state, KAB, fix).status == "applied"
    assert one(state, KAB, change(fix, 1, tms)).status == "applied"


def test_one_person_stands_in_one_pair_of_one_pilkada(state: ServerState) -> None:
    """A candidate's NIK in a second pair of the same election, or of another election
    of the same year, is refused (CANDIDATE_TAKEN naming nik): the desktop refuses it
    before saving (``candidate_elsewhere``), the server stored it from any client, and
    it alone sees the elections of other regions."""
    nik = "3215016002900003"
    election = create("election", {"name": "Pilbup", "kind": "bupati", "year": 2024})
    first = create("pair", {"election_id": election.record_id, "number": 1})
    second = create("pair", {"election_id": election.record_id, "number": 2})
    head = create("candidate", {"pair_id": first.record_id, "role": "kepala", "nik": nik})
    results = push(state, RI, election, first, second, head)
    assert [r.status for r in results] == ["applied"] * 4
    again = create("candidate", {"pair_id": second.record_id, "role": "wakil", "nik": nik})
    refused = one(state, KAB, again)
    assert (refused.status, refused.code, refused.field) == ("rejected", "CANDIDATE_TAKEN", "nik")
    assert "pair 2" not in refused.message and "pair 1" in refused.message
    # A governor election of the same year, in the province's scope, and a change of NIK.
    governor = create("election", {"name": "Pilgub", "kind": "gubernur", "year": 2024}, scope="32")
    pair = create("pair", {"election_id": governor.record_id, "number": 1}, scope="32")
    deputy = create("candidate", {"pair_id": pair.record_id, "role": "wakil"}, scope="32")
    assert [r.status for r in push(state, PROVINCE, governor, pair, deputy)] == ["applied"] * 3
    renamed = one(state, PROVINCE, change(deputy, 1, {"nik": (None, nik)}))
    assert (renamed.status, renamed.code, renamed.field) == ("rejected", "CANDIDATE_TAKEN", "nik")
    assert stored(state, deputy.record_id)[0] == 1
    # Another year's election is another Pilkada; a withdrawn candidate frees the NIK.
    older = create("election", {"name": "Pilbup 2020", "kind": "bupati", "year": 2020})
    old_pair = create("pair", {"election_id": older.record_id, "number": 1})
    old_head = create("candidate", {"pair_id": old_pair.record_id, "role": "kepala", "nik": nik})
    assert [r.status for r in push(state, RI, older, old_pair, old_head)] == ["applied"] * 3
    gone = Mutation(str(uuid.uuid4()), "candidate", head.record_id, SCOPE, Op.DELETE, 1, {})
    assert one(state, KAB, gone).status == "applied"
    assert one(state, PROVINCE, change(deputy, 1, {"nik": (None, nik)})).status == "applied"


def test_a_pair_with_an_underage_candidate_is_not_confirmed(state: ServerState) -> None:
    """A candidate is at least 25 (bupati, walikota) or 30 (governor) on the date of
    penetapan (DOMAIN.md; the rule set's minimum): a pair with a younger candidate was
    set *ditetapkan* (confirmed), on the server as on the desktop, the age only a note.
    Refused (BAD_VALUE naming status) where the penetapan date and the birth date are
    known; a pair is still submitted, and confirmed once its candidates are old enough."""
    election = create(
        "election",
        {"name": "Pilbup", "kind": "bupati", "year": 2024, "penetapan_date": "2024-09-22"},
    )
    pair = create("pair", {"election_id": election.record_id, "number": 1, "status": "diajukan"})
    head = create(
        "candidate", {"pair_id": pair.record_id, "role": "kepala", "birth_date": "1980-01-01"}
    )
    deputy = create(
        "candidate", {"pair_id": pair.record_id, "role": "wakil", "birth_date": "1999-09-23"}
    )
    assert [r.status for r in push(state, RI, election, pair, head, deputy)] == ["applied"] * 4
    confirmed = {"status": ("diajukan", "ditetapkan")}
    refused = one(state, KAB, change(pair, 1, confirmed))
    assert (refused.status, refused.code, refused.field) == ("rejected", "BAD_VALUE", "status")
    assert "wakil" in refused.message and "24" in refused.message and "25" in refused.message
    # Created confirmed with its young candidate in one batch: refused too.
    made = create("pair", {"election_id": election.record_id, "number": 2})
    young = create(
        "candidate", {"pair_id": made.record_id, "role": "kepala", "birth_date": "2000-01-01"}
    )
    again = change(made, 1, confirmed)
    assert [r.status for r in push(state, KAB, made, young, again)] == [
        "applied",
        "applied",
        "rejected",
    ]
    # The deputy born a day earlier is 25 on the day of penetapan.
    older = {"birth_date": ("1999-09-23", "1999-09-22")}
    assert one(state, KAB, change(deputy, 1, older)).status == "applied"
    assert one(state, KAB, change(pair, 1, confirmed)).status == "applied"


def test_no_write_leaves_a_confirmed_pair_with_an_underage_candidate(state: ServerState) -> None:
    """The age rule fired only when a pair's status was written: a young candidate
    created in, or moved into, a pair already *ditetapkan*, a candidate's birth date
    changed, or the election's penetapan date or kind changed under its confirmed pairs,
    left a confirmed pair with an under-age candidate. Each is refused now (BAD_VALUE
    naming the field written); the same writes that keep the candidates old enough pass.
    (A change of kind is checked too, but its region allows one kind, of one minimum.)"""
    election = create(
        "election",
        {"name": "Pilbup", "kind": "bupati", "year": 2031, "penetapan_date": "2031-09-22"},
    )
    pair = create("pair", {"election_id": election.record_id, "number": 1, "status": "diajukan"})
    other = create("pair", {"election_id": election.record_id, "number": 2})
    head = create(
        "candidate", {"pair_id": pair.record_id, "role": "kepala", "birth_date": "2001-01-01"}
    )
    results = push(state, RI, election, pair, other, head)
    assert [r.status for r in results] == ["applied"] * 4
    confirmed = {"status": ("diajukan", "ditetapkan")}
    assert one(state, RI, change(pair, 1, confirmed)).status == "applied"

    def refused(actor: Actor, m: Mutation, field: str) -> None:
        result = one(state, actor, m)
        assert (result.status, result.code, result.field) == ("rejected", "BAD_VALUE", field)
        assert "25" in result.message

    young = {"pair_id": pair.record_id, "role": "wakil", "birth_date": "2010-01-01"}
    refused(KAB, create("candidate", young), "pair_id")
    moved = create("candidate", {**young, "pair_id": other.record_id})
    assert one(state, KAB, moved).status == "applied"
    refused(KAB, change(moved, 1, {"pair_id": (other.record_id, pair.record_id)}), "pair_id")
    refused(KAB, change(head, 1, {"birth_date": ("2001-01-01", "2010-01-01")}), "birth_date")
    refused(
        RI,
        change(election, 1, {"penetapan_date": ("2031-09-22", "2020-09-22")}),
        ("penetapan_date"),
    )
    assert stored(state, head.record_id)[0] == 1
    assert stored(state, election.record_id)[0] == 1
    # Old enough, the same writes pass.
    assert one(
        state, KAB, change(head, 1, {"birth_date": ("2001-01-01", "2000-01-01")})
    ).status == ("applied")
    later = {"penetapan_date": ("2031-09-22", "2032-09-22")}
    assert one(state, RI, change(election, 1, later)).status == "applied"


def test_a_pair_moved_to_another_election_keeps_one_pilkada_and_the_age_rule(
    state: ServerState,
) -> None:
    """A pair moved to another election (KPU RI) was not checked against that election:
    its candidate's NIK, which a pair of the target election (or of its year) already
    has, was stored (one Pilkada: CANDIDATE_TAKEN, now naming election_id), and so was a
    confirmed pair whose candidate is under age on the target's penetapan date
    (BAD_VALUE naming election_id)."""
    nik = "3215016002900009"
    target = create(
        "election",
        {"name": "Pilbup", "kind": "bupati", "year": 2033, "penetapan_date": "2033-09-22"},
    )
    origin = create("election", {"name": "Pilbup lama", "kind": "bupati", "year": 2032})
    there = create("pair", {"election_id": target.record_id, "number": 1})
    taken = create("candidate", {"pair_id": there.record_id, "role": "kepala", "nik": nik})
    pair = create("pair", {"election_id": origin.record_id, "number": 2})
    head = create("candidate", {"pair_id": pair.record_id, "role": "kepala", "nik": nik})
    results = push(state, RI, target, origin, there, taken, pair, head)
    assert [r.status for r in results] == ["applied"] * 6
    move = {"election_id": (origin.record_id, target.record_id)}
    result = one(state, RI, change(pair, 1, move))
    assert (result.status, result.code, result.field) == (
        "rejected",
        "CANDIDATE_TAKEN",
        "election_id",
    )
    assert "pair 1" in result.message
    assert stored(state, pair.record_id)[2]["election_id"] == origin.record_id
    # Another person, but confirmed and 24 on the target's penetapan date.
    other = {"nik": (nik, "3215014101090001"), "birth_date": (None, "2009-01-01")}
    assert one(state, RI, change(head, 1, other)).status == "applied"
    assert one(state, RI, change(pair, 1, {"status": (None, "ditetapkan")})).status == "applied"
    result = one(state, RI, change(pair, 2, move))
    assert (result.status, result.code, result.field) == ("rejected", "BAD_VALUE", "election_id")
    assert stored(state, pair.record_id)[0] == 2


def test_an_elections_year_changed_keeps_one_person_in_one_pair_of_one_pilkada(
    state: ServerState,
) -> None:
    """An election's year decides which elections are one Pilkada with it, but a write
    of the year was not checked against them: a kab/kota moved its own election to
    another year, entered the province's governor candidate in one of its pairs (then
    another Pilkada) and moved the year back, and the person stood in two pairs of one
    Pilkada. The year that would do so is refused (CANDIDATE_TAKEN naming year). (A
    kab/kota no longer changes its election's year once set, READ_ONLY: KPU RI, which
    administers it, is held to the same rule.)"""
    nik = "3215016002900011"
    governor = create("election", {"name": "Pilgub", "kind": "gubernur", "year": 2041}, scope="32")
    gov_pair = create("pair", {"election_id": governor.record_id, "number": 1}, scope="32")
    gov_head = create(
        "candidate", {"pair_id": gov_pair.record_id, "role": "kepala", "nik": nik}, scope="32"
    )
    assert [r.status for r in push(state, PROVINCE, governor, gov_pair, gov_head)] == [
        "applied"
    ] * 3
    own = create("election", {"name": "Pilbup", "kind": "bupati", "year": 2041})
    pair = create("pair", {"election_id": own.record_id, "number": 1})
    assert [r.status for r in push(state, KAB, own, pair)] == ["applied"] * 2
    head = create("candidate", {"pair_id": pair.record_id, "role": "kepala", "nik": nik})
    refused = one(state, KAB, head)
    assert (refused.status, refused.code, refused.field) == ("rejected", "CANDIDATE_TAKEN", "nik")
    assert one(state, KAB, change(own, 1, {"year": (2041, 2042)})).code == "READ_ONLY"
    assert one(state, RI, change(own, 1, {"year": (2041, 2042)})).status == "applied"
    head = create("candidate", {"pair_id": pair.record_id, "role": "kepala", "nik": nik})
    assert one(state, KAB, head).status == "applied"
    back = one(state, RI, change(own, 2, {"year": (2042, 2041)}))
    assert (back.status, back.code, back.field) == ("rejected", "CANDIDATE_TAKEN", "year")
    assert "pair 1" in back.message and "Pilgub" in back.message
    assert stored(state, own.record_id)[2]["year"] == 2042
    # A year no other election of the person holds is taken.
    assert one(state, RI, change(own, 2, {"year": (2042, 2043)})).status == "applied"


@pytest.mark.parametrize(
    ("actor", "scope", "expected"),
    [
        (RI, "32.14", True),
        (RI, "32", True),
        (PROVINCE, "32", True),
        # A bupati's election: the province reads it and never writes it (403), so it
        # does not set its figures either; only KPU RI changes them once set.
        (PROVINCE, "32.14", False),
        (PROVINCE, "33", False),
        (KAB, "32.14", False),
        (Actor("bw", Role.BAWASLU, "", "dev-bw"), "32.14", False),
        # A trainer administers on a training server only, where it writes at all.
        (Actor("tr", Role.TRAINER, "", "dev-tr"), "32.14", False),
        (Actor("tr", Role.TRAINER, "", "dev-tr", training_server=True), "32.14", True),
    ],
    ids=lambda v: v.username if isinstance(v, Actor) else str(v),
)
def test_only_a_level_that_writes_an_elections_scope_administers_it(
    actor: Actor, scope: str, expected: bool
) -> None:
    from sync.server.rules import administers

    assert administers(actor, scope) is expected
    if expected:
        assert actor.can_write(scope, "election")


def test_an_undone_verdict_keeps_the_name_of_the_officer_who_gave_it(state: ServerState) -> None:
    """``admin_by``/``field_by``/``withdrawn_by`` say whose verdict (or withdrawal) the
    row holds, not who pushed it (the audit log says that): undoing one's verdict puts
    back a colleague's, with the colleague's name (``services.verification.undo``), so
    the server neither refuses nor renames a value that is not the pusher's."""
    supporter = tree(state)["supporter"]
    colleague = Actor("op3214b", Role.KABKOTA, SCOPE, "dev-kab-b")
    ms = {"admin_status": "MS", "admin_reasons": [], "admin_by": "op3214"}
    first = change(supporter, 1, {k: (None, v) for k, v in ms.items()})
    assert one(state, KAB, first).status == "applied"
    tms = {"admin_status": "TMS", "admin_reasons": ["UNDERAGE"], "admin_by": "op3214b"}
    mine = change(supporter, 2, {k: (ms[k], v) for k, v in tms.items()})
    assert one(state, colleague, mine).status == "applied"
    undone = change(supporter, 3, {k: (v, ms[k]) for k, v in tms.items()})
    assert one(state, colleague, undone).status == "applied"
    assert stored(state, supporter.record_id)[2]["admin_by"] == "op3214"
    with read_tx(state.engine) as conn:
        last = conn.execute(
            select(audit_log.c.username, audit_log.c.after)
            .where(audit_log.c.record_id == supporter.record_id)
            .order_by(audit_log.c.id.desc())
            .limit(1)
        ).one()
    assert last.username == "op3214b" and orjson.loads(last.after)["admin_by"] == "op3214"
