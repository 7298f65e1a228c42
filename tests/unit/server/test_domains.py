"""Value domains, the server's own supporter check, server flags as new versions and
bundles applied all or nothing (issue #16), on an in-process server state."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from silon_desktop.domain import codes
from sync import signing
from sync.protocol import ENTITIES, Mutation, MutationResult, Op
from sync.server import auth
from sync.server.accounts import add_user
from sync.server.bundles import import_bundle, read_bundle, write_bundle
from sync.server.db import read_tx, write_tx
from sync.server.errors import ApiError
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import records, supporter_checks
from sync.server.state import ServerState
from tests.unit.server.support import create, fresh_state

RI = Actor("ri", Role.KPU_RI, "", "dev-ri")
SCOPE = "32.14"


@pytest.fixture(scope="module")
def state() -> Iterator[ServerState]:
    with fresh_state() as server:
        yield server


def push(state: ServerState, *mutations: Mutation, actor: Actor = RI) -> list[MutationResult]:
    return apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), list(mutations))


@pytest.fixture(scope="module")
def pair(state: ServerState) -> tuple[str, str]:
    election = create(
        "election",
        {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE, "support_end": "2099-12-31"},
    )
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    assert [r.status for r in push(state, election, pair)] == ["applied", "applied"]
    return election.record_id, pair.record_id


@pytest.mark.parametrize(
    ("entity", "field", "value", "code"),
    [
        ("supporter", "sex", "Q", "BAD_VALUE"),
        ("election", "kind", "emperor", "BAD_VALUE"),
        ("pair", "status", "approved-by-hacker", "BAD_VALUE"),
        ("pair", "route", "jalur-belakang", "BAD_VALUE"),
        ("document", "kind", "surat_sakti", "BAD_VALUE"),
        ("document", "status", "dipalsukan", "BAD_VALUE"),
        ("document", "filename", "../../../../etc/passwd", "BAD_VALUE"),
        ("document", "filename", "C:\\Windows\\win.ini", "BAD_VALUE"),
        ("document", "filename", "..", "BAD_VALUE"),
        ("party", "seats", -1, "BAD_VALUE"),
        ("party", "votes", -5, "BAD_VALUE"),
        ("election", "dpt", -100, "BAD_VALUE"),
        ("election", "year", 1800, "BAD_VALUE"),
        ("election", "year", -2024, "BAD_VALUE"),
        ("supporter", "name", "SITI\x85AMINAH", "BAD_CHARS"),
        ("supporter", "name", "SITI\x9bAMINAH", "BAD_CHARS"),
        ("supporter", "name", "SITI \u202eHANIMA", "BAD_CHARS"),
        ("supporter", "address", "JL. MERDEKA\u2066 NO. 1", "BAD_CHARS"),
        ("supporter", "name", "SITI\nAMINAH", "BAD_CHARS"),
        ("supporter", "check_reasons", ["NIK_FORMAT\u202e"], "BAD_CHARS"),
        ("supporter", "name", "A" * 201, "TOO_LONG"),
        ("supporter", "admin_status", "SAH", "BAD_VALUE"),
        ("supporter", "field_method", "telepati", "BAD_VALUE"),
    ],
)
def test_values_outside_the_protocols_domain_are_refused(
    state: ServerState, entity: str, field: str, value: Any, code: str
) -> None:
    (result,) = push(state, create(entity, {field: value}))
    assert (result.status, result.code, result.field) == ("rejected", code, field)
    assert field in (result.message or "")


def test_multi_line_fields_keep_line_breaks_and_a_plain_file_name_passes(
    state: ServerState, pair: tuple[str, str]
) -> None:
    supporter = create("supporter", {"pair_id": pair[1], "address": "JL. MERDEKA\nRT 1"})
    election = create("election", {"name": "Pilkada", "kind": "bupati", "year": 2024})
    assert [r.status for r in push(state, supporter, election)] == ["applied", "applied"]


@pytest.mark.parametrize("value", [2**53 + 1, 2**63 - 1, 2**31])
def test_integers_out_of_range_are_said_to_be_out_of_range(state: ServerState, value: int) -> None:
    (result,) = push(state, create("election", {"dpt": value}))
    assert (result.code, result.field) == ("BAD_VALUE", "dpt")
    assert "out of range" in (result.message or "")


def test_an_integer_past_64_bits_is_out_of_range_not_a_type_error(state: ServerState) -> None:
    # orjson reads JSON integers past 64 bits as floats: still the number the client sent.
    value = orjson.loads(b"18446744073709551616")
    (result,) = push(state, create("party", {"votes": value}))
    assert (result.code, result.field) == ("BAD_VALUE", "votes")
    assert "out of range" in (result.message or "")


def test_the_desktops_enums_are_the_protocols_choices() -> None:
    """One definition: the desktop's code enums name exactly the protocol's values."""
    pairs = {
        ("election", "kind"): codes.ElectionKind,
        ("pair", "route"): codes.Route,
        ("pair", "status"): codes.PairStatus,
        ("candidate", "role"): codes.CandidateRole,
        ("candidate", "sex"): codes.Sex,
        ("supporter", "marital_status"): codes.MaritalStatus,
        ("supporter", "admin_status"): codes.Status,
        ("supporter", "field_method"): codes.FieldMethod,
        ("document", "kind"): codes.DocumentKind,
        ("document", "status"): codes.DocumentStatus,
    }
    for (entity, field), enum in pairs.items():
        choices = ENTITIES[entity].spec(field).choices or frozenset()
        assert choices - {""} == {str(m.value) for m in enum}, (entity, field)


def test_the_server_keeps_its_own_verdict_and_marks_a_milder_forecast(
    state: ServerState, pair: tuple[str, str]
) -> None:
    good = {
        "pair_id": pair[1],
        "nik": "3214015505900001",
        "name": "SITI AMINAH",
        "birth_place": "PURWAKARTA",
        "birth_date": "1990-05-15",
        "sex": "P",
        "marital_status": "S",
        "occupation": "WIRASWASTA",
        "address": "JL. MERDEKA NO. 1",
        "rt": "001",
        "rw": "002",
        "desa_code": "32.14.01.2001",
        "kecamatan_code": "32.14.01",
        "kabkota_code": SCOPE,
        "has_id_scan": True,
        "check_status": "MS",
        "check_reasons": [],
    }
    honest = create("supporter", good)
    # A forged forecast: no ID scan and a NIK of the wrong shape, filed as MS.
    forged = create("supporter", {**good, "nik": "12345", "has_id_scan": False, "name": "PALSU"})
    assert [r.status for r in push(state, honest, forged)] == ["applied", "applied"]
    with read_tx(state.engine) as conn:
        rows = {
            r.record_id: r
            for r in conn.execute(
                select(supporter_checks).where(
                    supporter_checks.c.record_id.in_([honest.record_id, forged.record_id])
                )
            )
        }
    assert rows[honest.record_id].status == "MS" and not rows[honest.record_id].disagrees
    assert rows[forged.record_id].status != "MS" and rows[forged.record_id].disagrees
    reasons = orjson.loads(rows[forged.record_id].reasons)
    assert "NO_ID_SCAN" in reasons and "NIK_FORMAT" in reasons
    assert rows[forged.record_id].client_status == "MS"


def test_the_verdict_is_of_the_record_as_written_when_the_batch_changes_it_again(
    state: ServerState, pair: tuple[str, str]
) -> None:
    """The check made before the write lock is reused only for the record exactly as
    it was checked: a second mutation of the same supporter in the batch (its ID scan
    taken back) is checked again as written."""
    good = {
        "pair_id": pair[1],
        "nik": "3214015505900002",
        "name": "SITI AMINAH",
        "birth_place": "PURWAKARTA",
        "birth_date": "1990-05-15",
        "sex": "P",
        "marital_status": "S",
        "occupation": "WIRASWASTA",
        "address": "JL. MERDEKA NO. 2",
        "rt": "001",
        "rw": "002",
        "desa_code": "32.14.01.2001",
        "kecamatan_code": "32.14.01",
        "kabkota_code": SCOPE,
        "has_id_scan": True,
        "check_status": "MS",
        "check_reasons": [],
    }
    made = create("supporter", good)
    taken_back = Mutation(
        str(uuid.uuid4()),
        "supporter",
        made.record_id,
        SCOPE,
        Op.UPSERT,
        1,
        {"has_id_scan": (True, False)},
    )
    assert [r.status for r in push(state, made, taken_back)] == ["applied", "applied"]
    with read_tx(state.engine) as conn:
        row = conn.execute(
            select(supporter_checks).where(supporter_checks.c.record_id == made.record_id)
        ).one()
    assert row.status != "MS" and "NO_ID_SCAN" in orjson.loads(row.reasons)
    assert row.disagrees  # the client still says MS


def test_a_duplicate_flag_set_in_the_creating_push_is_a_newer_version(
    state: ServerState, pair: tuple[str, str]
) -> None:
    election_id, first_pair = pair
    other = create("pair", {"election_id": election_id, "number": 2})
    one = create("supporter", {"pair_id": first_pair, "nik": "3214015505900099"})
    two = create("supporter", {"pair_id": other.record_id, "nik": "3214015505900099"})
    results = push(state, other, one, two)
    assert [r.version for r in results] == [1, 1, 1]
    with read_tx(state.engine) as conn:
        stored = {
            r.id: (r.version, orjson.loads(r.fields)["external_duplicate"])
            for r in conn.execute(
                select(records).where(records.c.id.in_([one.record_id, two.record_id]))
            )
        }
    # The acknowledged version 1 never holds the flag: the flag is version 2.
    assert stored == {one.record_id: (2, True), two.record_id: (2, True)}


# --- bundles ---------------------------------------------------------------------------


def _device(state: ServerState, username: str, device: str) -> signing.Ed25519PrivateKey:
    key = signing.generate_private_key()
    auth.login(
        state.engine,
        state.config,
        username,
        "rahasia-uji-123",
        device,
        signing.public_key_b64(key),
    )
    return key


def _wire(m: Mutation) -> dict[str, Any]:
    return m.to_wire()


def test_a_bundle_is_applied_all_or_nothing(state: ServerState, pair: tuple[str, str]) -> None:
    add_user(state.engine, state.config, "t", "usb3214", "rahasia-uji-123", Role.KABKOTA, SCOPE)
    key = _device(state, "usb3214", "usb-laptop")
    foreign = create("election", {"name": "Kota lain"}, scope="32.15")
    assert push(state, foreign)[0].status == "applied"
    supporters = [create("supporter", {"pair_id": pair[1], "name": f"P{i}"}) for i in range(2100)]
    # The last mutation names a record of another region under the bundle's own scope.
    sneaky = Mutation(str(uuid.uuid4()), "election", foreign.record_id, SCOPE, Op.UPSERT, 1, {})
    raw = write_bundle(
        key, str(uuid.uuid4()), "usb-laptop", "usb3214", [_wire(m) for m in [*supporters, sneaky]]
    )
    with pytest.raises(ApiError) as refused:
        import_bundle(state, raw, None)
    assert refused.value.status == 403
    ids = [m.record_id for m in supporters[:2000]]
    with read_tx(state.engine) as conn:
        kept = conn.execute(
            select(func.count()).select_from(records).where(records.c.id.in_(ids[:900]))
        ).scalar_one()
    assert kept == 0  # the first 2,000 were not committed as a slice without a receipt
    raw = write_bundle(
        key, str(uuid.uuid4()), "usb-laptop", "usb3214", [_wire(m) for m in supporters]
    )
    out = import_bundle(state, raw, None)
    assert len(out["receipt"]["body"]["results"]) == 2100
    assert {r["status"] for r in out["results"]} == {"applied"}


def test_bytes_after_a_bundles_gzip_stream_are_refused() -> None:
    key = signing.generate_private_key()
    raw = write_bundle(key, "b1", "dev", "user", [])
    read_bundle(raw)  # the bundle itself is fine
    with pytest.raises(ApiError) as refused:
        read_bundle(raw + b"PAYLOAD")
    assert (refused.value.status, refused.value.code) == (400, "bad_gzip")
    with pytest.raises(ApiError):
        read_bundle(raw + gzip.compress(b"{}"))


def test_another_users_login_on_the_same_device_never_rebinds_its_key(
    state: ServerState,
) -> None:
    add_user(state.engine, state.config, "t", "owner1", "rahasia-uji-123", Role.KABKOTA, SCOPE)
    add_user(state.engine, state.config, "t", "other1", "rahasia-uji-123", Role.KABKOTA, SCOPE)
    key = _device(state, "owner1", "shared-laptop")
    _device(state, "other1", "shared-laptop")  # another user, another key, same device id
    raw = write_bundle(key, str(uuid.uuid4()), "shared-laptop", "owner1", [])
    assert import_bundle(state, raw, None)["results"] == []


def test_user_names_are_unique_without_regard_to_case(state: ServerState) -> None:
    add_user(state.engine, state.config, "t", "casey", "rahasia-uji-123", Role.KABKOTA, SCOPE)
    with pytest.raises(ApiError) as taken:
        add_user(state.engine, state.config, "t", "CaSeY", "rahasia-uji-123", Role.KABKOTA, SCOPE)
    assert (taken.value.status, taken.value.code) == (409, "user_exists")


def test_every_checked_field_or_some_left_out_give_the_same_verdicts(
    state: ServerState, pair: tuple[str, str]
) -> None:
    """A create naming every checked field, and a stored supporter whose fields lack
    one (written before that field existed), are checked as any other."""
    full = {
        "pair_id": pair[1],
        "nik": "3214015505900003",
        "name": "SITI AMINAH",
        "birth_place": "PURWAKARTA",
        "birth_date": "1990-05-15",
        "sex": "P",
        "marital_status": "S",
        "occupation": "WIRASWASTA",
        "address": "JL. MERDEKA NO. 3",
        "rt": "001",
        "rw": "002",
        "desa_code": "32.14.01.2001",
        "kecamatan_code": "32.14.01",
        "kabkota_code": SCOPE,
        "has_id_scan": True,
        "nik_from_number": False,
        "check_status": "MS",
        "check_reasons": [],
    }
    made = create("supporter", full)
    assert [r.status for r in push(state, made)] == ["applied"]
    with read_tx(state.engine) as conn:
        row = conn.execute(
            select(supporter_checks).where(supporter_checks.c.record_id == made.record_id)
        ).one()
    assert row.status == "MS" and not row.disagrees
    with write_tx(state.engine) as conn:
        stored = orjson.loads(
            conn.execute(select(records.c.fields).where(records.c.id == made.record_id)).scalar()
        )
        del stored["nik_from_number"]
        conn.execute(
            records.update()
            .where(records.c.id == made.record_id)
            .values(fields=orjson.dumps(stored).decode())
        )
    taken_back = Mutation(
        str(uuid.uuid4()),
        "supporter",
        made.record_id,
        SCOPE,
        Op.UPSERT,
        1,
        {"has_id_scan": (True, False)},
    )
    assert [r.status for r in push(state, taken_back)] == ["applied"]
    with read_tx(state.engine) as conn:
        row = conn.execute(
            select(supporter_checks).where(supporter_checks.c.record_id == made.record_id)
        ).one()
    assert row.status != "MS" and "NO_ID_SCAN" in orjson.loads(row.reasons)


def test_a_pair_moved_to_another_election_takes_its_supporters_duplicate_flags_along(
    state: ServerState,
) -> None:
    """DUPLICATE_EXTERNAL: one NIK backing two pairs of ONE election. A pair moved to
    another election (KPU RI or the province corrects where it was entered) kept its
    supporters indexed under the old election: they stayed flagged against the old
    election's pair (and that pair's supporter with them), and were not flagged against
    a pair of the new election backed by the same NIK."""
    nik = "3214015505900042"

    def election(name: str) -> Mutation:
        return create(
            "election",
            {"name": name, "kind": "bupati", "region_code": SCOPE, "support_end": "2099-12-31"},
        )

    old, new = election("Pilbup lama"), election("Pilbup baru")
    stay = create("pair", {"election_id": old.record_id, "number": 1})
    moving = create("pair", {"election_id": old.record_id, "number": 2})
    there = create("pair", {"election_id": new.record_id, "number": 1})
    a = create("supporter", {"pair_id": stay.record_id, "nik": nik})
    b = create("supporter", {"pair_id": moving.record_id, "nik": nik})
    c = create("supporter", {"pair_id": there.record_id, "nik": nik})
    results = push(state, old, new, stay, moving, there, a, b, c)
    assert all(r.status == "applied" for r in results), results

    def flags() -> dict[str, bool]:
        with read_tx(state.engine) as conn:
            rows = conn.execute(
                select(records).where(records.c.id.in_([a.record_id, b.record_id, c.record_id]))
            )
            found = {r.id: bool(orjson.loads(r.fields)["external_duplicate"]) for r in rows}
        return {"a": found[a.record_id], "b": found[b.record_id], "c": found[c.record_id]}

    assert flags() == {"a": True, "b": True, "c": False}
    move = Mutation(
        str(uuid.uuid4()),
        "pair",
        moving.record_id,
        SCOPE,
        Op.UPSERT,
        1,
        {"election_id": (old.record_id, new.record_id)},
    )
    assert push(state, move)[0].status == "applied"
    assert flags() == {"a": False, "b": True, "c": True}
