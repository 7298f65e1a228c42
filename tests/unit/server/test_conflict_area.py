"""A conflict is read in the kab/kota area it was made in, not the record's current
one: a supporter of a governor election moved from 32.14 to 32.15 took 32.14's
losing proposal (its values, user name and device) to 32.15's operators, through
``GET /v1/conflicts`` and a feed bundle's answers. Revision 0018 keeps the area on
each conflict, filling it for conflicts made before from the audit log. A merged
answer held the whole record as it was in 32.14: 32.15's feed bundle answers it bare."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from sync import sealed
from sync.bundle import decode_bundle
from sync.protocol import Mutation, Op
from sync.server.app import ServerState, open_state
from sync.server.auth import create_user
from sync.server.bundles import export_feed_bundle
from sync.server.config import ServerConfig
from sync.server.db import migrate
from sync.server.errors import ApiError
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.routes.records import read_conflicts
from sync.server.schema import conflicts, device_secrets
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)

PROVINCE = Actor("prov32", Role.PROVINCE, "32", "p-1")
OP3214 = Actor("op3214", Role.KABKOTA, "32.14", "k-14")
OP3215 = Actor("op3215", Role.KABKOTA, "32.15", "k-15")
SECRET = "NILAI RAHASIA 32.14"


@pytest.fixture
def state(url: str) -> Iterator[ServerState]:  # noqa: F811
    migrate(url)
    server = open_state(ServerConfig(database_url=url, rule_checks=False))
    # The pushers are accounts: a feed bundle answers whole its office's (answer_readers).
    with server.engine.begin() as conn:
        for actor in (PROVINCE, OP3214, OP3215):
            create_user(conn, actor.username, "sandi-uji-panjang", actor.role, actor.region, 0.0)
    try:
        yield server
    finally:
        server.engine.dispose()


def _push(state: ServerState, actor: Actor, *mutations: Mutation) -> list[str]:
    results = apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), list(mutations))
    return [r.status.value for r in results]


def _upsert(record_id: str, entity: str, base: int, changes: dict[str, Any]) -> Mutation:
    return Mutation(str(uuid.uuid4()), entity, record_id, "32", Op.UPSERT, base, changes)


def _governor_supporter_of_3214(state: ServerState) -> str:
    """A governor election's supporter living in 32.14, made and then renamed (version
    2) by the province: its id."""
    election, pair, person = (str(uuid.uuid4()) for _ in range(3))
    made = [
        _upsert(election, "election", 0, {"name": (None, "Pilgub"), "kind": (None, "gubernur")}),
        _upsert(pair, "pair", 0, {"election_id": (None, election), "number": (None, 1)}),
        _upsert(
            person,
            "supporter",
            0,
            {"pair_id": (None, pair), "name": (None, "A"), "kabkota_code": (None, "32.14")},
        ),
    ]
    assert _push(state, PROVINCE, *made) == ["applied"] * 3
    assert _push(state, PROVINCE, _upsert(person, "supporter", 1, {"name": ("A", "B")})) == [
        "applied"
    ]
    return person


def _moved_after_a_conflict(state: ServerState) -> tuple[str, str]:
    """A supporter of 32.14 on which 32.14's operator lost a conflict, then moved by the
    province to 32.15: (the supporter's id, the losing mutation's id)."""
    person = _governor_supporter_of_3214(state)
    losing = _upsert(person, "supporter", 1, {"name": ("A", SECRET)})
    assert _push(state, OP3214, losing) == ["conflict"]
    move = _upsert(person, "supporter", 2, {"kabkota_code": ("32.14", "32.15")})
    assert _push(state, PROVINCE, move) == ["applied"]
    return person, losing.id


def test_the_new_kabkota_does_not_read_the_old_ones_conflict(state: ServerState) -> None:
    person, _losing = _moved_after_a_conflict(state)
    theirs = read_conflicts(state.engine, OP3215, 0, 100, None)["conflicts"]
    assert theirs == []
    assert read_conflicts(state.engine, OP3215, 0, 100, person)["conflicts"] == []
    # The kab/kota it was made in still reads it, the province too.
    for actor in (OP3214, PROVINCE):
        [mine] = read_conflicts(state.engine, actor, 0, 100, None)["conflicts"]
        assert (mine["record_id"], mine["username"]) == (person, "op3214")
        assert mine["fields"]["name"]["mine"] == SECRET


def test_the_new_kabkotas_feed_bundle_carries_no_answer_of_the_old_ones_conflict(
    state: ServerState,
) -> None:
    person, losing = _moved_after_a_conflict(state)
    bundle = decode_bundle(export_feed_bundle(state, "32.15", 0)[0])
    assert person in {r["id"] for block in bundle["page"]["entities"] for r in _rows(block)}
    text = repr(bundle)
    assert SECRET not in text
    answers = {a["mutation_id"]: a for a in bundle["answers"]}
    assert answers[losing] == {"mutation_id": losing, "status": "conflict", "version": 2}
    # The province's bundle answers it whole (the old kab/kota's brings the record as
    # a departure, its answers bare as before).
    whole = decode_bundle(export_feed_bundle(state, "32", 0)[0])
    [kept] = [a for a in whole["answers"] if a["mutation_id"] == losing]
    assert kept["status"] == "conflict" and kept["conflicts"]["name"]["mine"] == SECRET


def _rows(block: dict[str, Any]) -> list[dict[str, Any]]:
    columns = block["columns"]
    return [dict(zip(columns, row, strict=True)) for row in block["rows"]]


def test_the_upgrade_gives_old_conflicts_the_area_they_were_made_in(url: str) -> None:  # noqa: F811
    migrate(url)
    state = open_state(ServerConfig(database_url=url, rule_checks=False))
    try:
        moved, _losing = _moved_after_a_conflict(state)
        stayed, _other = _moved_after_a_conflict(state)
        # The second supporter moves back: made in 32.14, in 32.14 again now.
        assert _push(
            state, PROVINCE, _upsert(stayed, "supporter", 3, {"kabkota_code": ("32.15", "32.14")})
        ) == ["applied"]
    finally:
        state.engine.dispose()
    alembic_to(url, "0017", down=True)
    alembic_to(url, "0018")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            areas = dict(conn.execute(select(conflicts.c.record_id, conflicts.c.area)).all())
        assert areas == {moved: "32.14", stayed: "32.14"}
    finally:
        engine.dispose()
    state = open_state(ServerConfig(database_url=url, rule_checks=False))
    try:
        assert read_conflicts(state.engine, OP3215, 0, 100, None)["conflicts"] == []
    finally:
        state.engine.dispose()


def _moved_after_a_merge(state: ServerState) -> tuple[str, str]:
    """A supporter of 32.14 whose operator's edit was merged (its answer holds the whole
    record as it then was: the verdict and who gave it), changed again by the province
    and moved to 32.15: (the supporter's id, the merged mutation's id)."""
    person = _governor_supporter_of_3214(state)
    verdict = {"admin_status": (None, "TMS"), "admin_by": (None, SECRET)}
    merged = _upsert(person, "supporter", 1, verdict)
    assert _push(state, OP3214, merged) == ["merged"]
    later = {"admin_status": ("TMS", "MS"), "admin_by": (SECRET, "prov32")}
    assert _push(state, PROVINCE, _upsert(person, "supporter", 3, later)) == ["applied"]
    move = _upsert(person, "supporter", 4, {"kabkota_code": ("32.14", "32.15")})
    assert _push(state, PROVINCE, move) == ["applied"]
    return person, merged.id


def test_the_new_kabkotas_feed_bundle_carries_no_record_of_the_old_ones_merge(
    state: ServerState,
) -> None:
    """A merged answer held the record as it was in 32.14 (the verdict given there and
    who gave it, since replaced): 32.15's bundle answers it bare, as a conflict."""
    person, merged = _moved_after_a_merge(state)
    bundle = decode_bundle(export_feed_bundle(state, "32.15", 0)[0])
    [row] = [r for block in bundle["page"]["entities"] for r in _rows(block) if r["id"] == person]
    assert row["admin_by"] == "prov32"
    assert SECRET not in repr(bundle)
    answers = {a["mutation_id"]: a for a in bundle["answers"]}
    assert answers[merged] == {"mutation_id": merged, "status": "merged", "version": 3}
    # The province reads it whole; so does 32.14, to which the record was then its own
    # (its tombstone blanks the row now: its answers are bare as a departure's).
    whole = decode_bundle(export_feed_bundle(state, "32", 0)[0])
    [kept] = [a for a in whole["answers"] if a["mutation_id"] == merged]
    assert kept["record"]["fields"]["admin_by"] == SECRET


def test_a_kabkota_push_never_answers_with_a_record_outside_its_area(state: ServerState) -> None:
    """The push's answers carry the record after the batch (merged, conflict): only the
    pusher's own, since a kab/kota can neither write a supporter of another kab/kota
    (refused whole) nor move its own there (``push._check_area``), even in a merge."""
    person, _merged = _moved_after_a_merge(state)
    with pytest.raises(ApiError) as refused:
        _push(state, OP3214, _upsert(person, "supporter", 3, {"name": ("B", "C")}))
    assert refused.value.status == 403
    back = _upsert(person, "supporter", 5, {"kabkota_code": ("32.15", "32.14")})
    assert _push(state, PROVINCE, back) == ["applied"]
    stale_move = _upsert(person, "supporter", 5, {"kabkota_code": ("32.14", "32.15")})
    [result] = apply_batch(state.engine, state.config, OP3214, str(uuid.uuid4()), [stale_move])
    assert (result.status.value, result.code, result.record) == ("rejected", "SCOPE_MISMATCH", None)


#: A value refused by its domain, quoted in the refusal (``validation._shown``): a
#: NIK typed as a withdrawal reason.
REFUSED = "3214010101900001"


def _moved_after_a_refusal(state: ServerState) -> tuple[str, str]:
    """A supporter of 32.14 on which 32.14's operator had a value refused (the refusal
    quotes it), then moved by the province to 32.15: (its id, the refused mutation's id)."""
    person = _governor_supporter_of_3214(state)
    refused = _upsert(person, "supporter", 2, {"withdrawn_reason": (None, REFUSED)})
    checking = dataclasses.replace(state.config, rule_checks=True)
    [result] = apply_batch(state.engine, checking, OP3214, str(uuid.uuid4()), [refused])
    assert (result.status.value, result.code) == ("rejected", "BAD_VALUE")
    assert REFUSED in result.message  # the pusher reads what it sent
    move = _upsert(person, "supporter", 2, {"kabkota_code": ("32.14", "32.15")})
    assert _push(state, PROVINCE, move) == ["applied"]
    return person, refused.id


def _sealed_to(state: ServerState, user: str, device: str, scope: str) -> dict[str, Any]:
    """The feed bundle of ``scope`` sealed to (user, device), opened as that device."""
    secret = base64.b64encode(device.encode().ljust(32, b"-")).decode()
    with state.engine.begin() as conn:
        conn.execute(
            device_secrets.insert().values(
                username=user, device_id=device, secret=secret, created_at=0.0
            )
        )
    data = export_feed_bundle(state, scope, 0, (user, device))[0]
    return decode_bundle(sealed.open_sealed(data, sealed.device_box_key(secret)))


def test_the_new_kabkotas_feed_bundle_carries_no_refusal_made_in_the_old_one(
    state: ServerState,
) -> None:
    """A refusal carries no record, so its answer could not say where it was made: a
    bundle answers whole only the mutations pushed by an account of its office (or
    one below it), sealed or not; the others bare."""
    person, refused = _moved_after_a_refusal(state)
    bare = {"mutation_id": refused, "status": "rejected", "version": 0, "code": "BAD_VALUE"}
    for bundle in (
        decode_bundle(export_feed_bundle(state, "32.15", 0)[0]),
        _sealed_to(state, "op3215", "k-15", "32.15"),
    ):
        assert person in {r["id"] for block in bundle["page"]["entities"] for r in _rows(block)}
        assert REFUSED not in repr(bundle)
        answers = {a["mutation_id"]: a for a in bundle["answers"]}
        assert answers[refused] == bare
    # The province's office reads its kab/kota's answers whole, sealed or not.
    for bundle in (
        decode_bundle(export_feed_bundle(state, "32", 0)[0]),
        _sealed_to(state, "prov32", "p-1", "32"),
    ):
        [kept] = [a for a in bundle["answers"] if a["mutation_id"] == refused]
        assert REFUSED in kept["message"]


def test_a_bundle_sealed_to_one_operator_answers_the_others_of_its_office_whole(
    state: ServerState,
) -> None:
    """Operators of one office share a computer's database: a bundle sealed to one
    answers another's waiting mutation as a push would (its refusal message)."""
    with state.engine.begin() as conn:
        create_user(conn, "op3214b", "sandi-uji-panjang", Role.KABKOTA, "32.14", 0.0)
    person = _governor_supporter_of_3214(state)
    refused = _upsert(person, "supporter", 2, {"withdrawn_reason": (None, REFUSED)})
    checking = dataclasses.replace(state.config, rule_checks=True)
    assert apply_batch(state.engine, checking, OP3214, str(uuid.uuid4()), [refused])[0].code
    bundle = _sealed_to(state, "op3214b", "k-14b", "32.14")
    [kept] = [a for a in bundle["answers"] if a["mutation_id"] == refused.id]
    assert REFUSED in kept["message"]


def test_a_repeat_from_another_office_is_answered_bare(state: ServerState) -> None:
    """32.15's bundle names, bare, the ids of 32.14's mutations on a supporter moved to
    32.15 (their answers are another office's): pushed again under such an id, by
    32.15 which now writes that supporter, the stored answer came back whole: 32.14's
    losing values, its merged record, its refused value. A repeat is answered whole
    only to an account of the pusher's office (``answers.office_accounts``), as a
    feed bundle's answers are; bare to any other, still applied once."""
    person, losing = _moved_after_a_conflict(state)
    _merged_person, merged = _moved_after_a_merge(state)
    refused_person, refused = _moved_after_a_refusal(state)
    for record_id, mutation_id, status in (
        (person, losing, "conflict"),
        (_merged_person, merged, "merged"),
        (refused_person, refused, "rejected"),
    ):
        again = Mutation(
            mutation_id, "supporter", record_id, "32", Op.UPSERT, 1, {"name": ("A", "C")}
        )
        [result] = apply_batch(state.engine, state.config, OP3215, str(uuid.uuid4()), [again])
        wire = result.to_wire()
        assert SECRET not in repr(wire) and REFUSED not in repr(wire)
        assert (result.record, result.conflicts, result.message) == (None, {}, "")
        assert wire["status"] == status
        # The province, above the pusher's office, still reads it whole (32.14 no
        # longer writes the supporter: its push is refused whole, as before).
        [whole] = apply_batch(state.engine, state.config, PROVINCE, str(uuid.uuid4()), [again])
        assert whole.record or whole.conflicts or REFUSED in whole.message


def test_an_account_moved_to_the_new_kabkota_brings_no_refusal_made_in_the_old_one(
    state: ServerState,
) -> None:
    """The office is the one the pusher was of when it pushed: 32.14's operator, moved
    to 32.15 after its refusal (``silon-server user role``), took the refusal (quoting
    the value refused) into 32.15's feed bundle whole, its office being 32.15's now."""
    from sync.server import accounts, models

    person, refused = _moved_after_a_refusal(state)
    change = models.UserChange(region="32.15")
    accounts.change_user(state.engine, state.config, None, OP3214.username, change)
    bare = {"mutation_id": refused, "status": "rejected", "version": 0, "code": "BAD_VALUE"}
    for bundle in (
        decode_bundle(export_feed_bundle(state, "32.15", 0)[0]),
        _sealed_to(state, "op3215", "k-15", "32.15"),
    ):
        assert person in {r["id"] for block in bundle["page"]["entities"] for r in _rows(block)}
        answers = {a["mutation_id"]: a for a in bundle["answers"]}
        assert answers[refused] == bare
    # The province, above the office it pushed in, reads it whole as before.
    [kept] = [
        a
        for a in decode_bundle(export_feed_bundle(state, "32", 0)[0])["answers"]
        if a["mutation_id"] == refused
    ]
    assert REFUSED in kept["message"]
