"""A citizen's objection against a supporter row the operator then withdraws: the row
leaves the operator's list (the desktop counts only live rows' objections), so no
verdict can ever resolve it; the withdrawal is its follow-up."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from sync.protocol import Mutation, Op, ResultStatus
from sync.server import audit
from sync.server.config import Clock
from sync.server.db import read_tx
from sync.server.errors import ApiError
from sync.server.public import figures, objections
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import audit as audit_table
from sync.server.schema import public_objections, records
from tests.public_seed import SCOPE, seed
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import fresh_state

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")


@pytest.fixture
def state() -> Iterator[Any]:
    with fresh_state() as server:
        server.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
        yield server


def _record(state: Any, rid: str) -> tuple[int, dict[str, Any], bool]:
    with read_tx(state.engine) as conn:
        row = conn.execute(
            select(records.c.version, records.c.fields, records.c.deleted).where(
                records.c.id == rid
            )
        ).one()
    return int(row.version), dict(orjson.loads(row.fields)), bool(row.deleted)


@pytest.mark.parametrize("reason", ["ditarik_pendukung", "salah_input"])
def test_a_withdrawn_row_resolves_its_open_objection_and_forgets_the_contact(
    state: Any, reason: str
) -> None:
    s = seed(6)
    apply_batch(state.engine, state.config, OPERATOR, "seed", s.mutations)
    rid = s.supporters[0][0]
    filed = objections.file(
        state.engine, rid, s.independent_id, "0812000111", 1.7e9, "2024-05-06T00:00:00.000Z"
    )
    assert filed is objections.Filing.FILED
    version, _fields, _deleted = _record(state, rid)
    withdraw = Mutation(
        str(uuid.uuid4()), "supporter", rid, SCOPE, Op.DELETE, version,
        {"withdrawn_reason": ("", reason), "withdrawn_by": ("", "op3214")},
    )  # fmt: skip
    [result] = apply_batch(state.engine, state.config, OPERATOR, "w", [withdraw])
    assert result.status is ResultStatus.APPLIED
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(public_objections.c.status, public_objections.c.contact))
        assert [tuple(r) for r in rows] == [("resolved", "")]
        assert figures.objection_counts(conn)[s.independent_id] == (0, 1)
        assert audit.verify(conn).ok
    # The tombstone no longer carries the flag (a version of the server's own after
    # the withdrawal the pusher was answered).
    version, fields, deleted = _record(state, rid)
    assert deleted and fields[objections.FLAG] is False and version == result.version + 1
    # The withdrawal undone: the row counts again, and so does the objection (open,
    # flagged for the operator again; the contact stays erased).
    restore = Mutation(str(uuid.uuid4()), "supporter", rid, SCOPE, Op.RESTORE, version, {})
    [back] = apply_batch(state.engine, state.config, OPERATOR, "r", [restore])
    assert back.status is ResultStatus.APPLIED
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(public_objections.c.status, public_objections.c.contact))
        assert [tuple(r) for r in rows] == [("open", "")]
        assert figures.objection_counts(conn)[s.independent_id] == (1, 0)
        assert audit.verify(conn).ok
    version, fields, deleted = _record(state, rid)
    assert not deleted and fields[objections.FLAG] is True and version == back.version + 1


def _objections(state: Any) -> list[tuple[str, str]]:
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(public_objections.c.status, public_objections.c.outcome))
        return [(str(r.status), str(r.outcome)) for r in rows]


def _filed(state: Any, index: int) -> tuple[Any, str, int]:
    """The seed applied and an objection filed against supporter ``index``: the seed,
    the row's id and its version before the objection."""
    s = seed(6)
    apply_batch(state.engine, state.config, OPERATOR, "seed", s.mutations)
    rid = s.supporters[index][0]
    before, _fields, _deleted = _record(state, rid)
    assert (
        objections.file(state.engine, rid, s.independent_id, "", 1.7e9, "2024-05-06T00:00Z")
        is objections.Filing.FILED
    )
    return s, rid, before


def _push(state: Any, rid: str, base: int, changes: dict[str, Any]) -> Any:
    m = Mutation(str(uuid.uuid4()), "supporter", rid, SCOPE, Op.UPSERT, base, changes)
    [result] = apply_batch(state.engine, state.config, OPERATOR, str(uuid.uuid4()), [m])
    return result


def test_a_verdict_made_before_the_objection_leaves_it_open(state: Any) -> None:
    """An offline PC's verdict made on the row before the citizen objected (its base
    version is older than the flag's), pushed later, is applied but resolves nothing:
    nobody looked at the objection. The next verdict made on the flagged row does."""
    s, rid, before = _filed(state, 4)  # a row no person has verified yet
    stale = _push(state, rid, before, {"admin_status": ("", "MS"), "admin_reasons": ([], [])})
    assert stale.status is ResultStatus.MERGED
    assert _objections(state) == [("open", "")]
    version, fields, _deleted = _record(state, rid)
    assert fields["admin_status"] == "MS" and fields[objections.FLAG] is True
    assert stale.record is not None and stale.record.fields[objections.FLAG] is True
    # The operator now sees the flag, clarifies, and the person denies the support.
    known = _push(
        state, rid, version,
        {"admin_status": ("MS", "TMS"), "admin_reasons": ([], ["DENIES_SUPPORT"])},
    )  # fmt: skip
    assert known.status is ResultStatus.APPLIED
    assert _objections(state) == [("resolved", "TMS")]
    with read_tx(state.engine) as conn:
        assert figures.objection_counts(conn)[s.independent_id] == (0, 1)
        assert audit.verify(conn).ok


def test_a_verdict_timestamp_alone_leaves_it_open(state: Any) -> None:
    """A change of only the verdict's time is no verdict on the objection."""
    _s, rid, _before = _filed(state, 0)  # MS
    version, _fields, _deleted = _record(state, rid)
    at = _push(state, rid, version, {"admin_at": (None, "2024-05-06T08:00:00")})
    assert at.status is ResultStatus.APPLIED
    assert _objections(state) == [("open", "")]
    assert _record(state, rid)[1][objections.FLAG] is True


def test_an_objection_filed_before_its_flag_version_was_kept(state: Any) -> None:
    """An objection filed before revision 0017 has no flag version: the version stored
    before the push stands for it, so a stale verdict still resolves nothing and a
    verdict on the row as stored does."""
    _s, rid, before = _filed(state, 4)
    with state.engine.begin() as conn:
        conn.execute(public_objections.update().values(flag_version=None))
    stale = _push(state, rid, before, {"admin_status": ("", "MS"), "admin_reasons": ([], [])})
    assert stale.status is ResultStatus.MERGED
    assert _objections(state) == [("open", "")]
    version, _fields, _deleted = _record(state, rid)
    known = _push(state, rid, version, {"admin_status": ("MS", "TMS"),
                                        "admin_reasons": ([], ["DENIES_SUPPORT"])})  # fmt: skip
    assert known.status is ResultStatus.APPLIED
    assert _objections(state) == [("resolved", "TMS")]


def test_flag_version_column_up_and_down(url: str) -> None:
    """Revision 0017 adds ``public_objections.flag_version`` (null for objections
    filed before) and takes it away again."""
    alembic_to(url, "0016")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO public_objections (id, record_id, pair_id, filed_at, contact,"
                    " status, outcome, outcome_reasons) VALUES ('o1', 'r1', 'p1', 1.0, '',"
                    " 'open', '', '[]')"
                )
            )
        alembic_to(url, "0017")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT flag_version FROM public_objections")).all() == [
                (None,)
            ]
        alembic_to(url, "0016", down=True)
        with engine.connect() as conn:
            assert "flag_version" not in {
                c["name"] for c in inspect(conn).get_columns("public_objections")
            }
            assert conn.execute(text("SELECT id FROM public_objections")).all() == [("o1",)]
    finally:
        engine.dispose()


def test_a_verdict_confirmed_as_it_stands_resolves_it_and_a_refused_one_does_not(
    state: Any,
) -> None:
    """The support stands: the operator's desktop sends the status it keeps (MS, named
    though unchanged). Nothing of the row changes but the flag, cleared with a version
    of the server's own; the objection is resolved with MS. A refused mutation naming
    the same status resolves nothing."""
    _s, rid, _before = _filed(state, 0)  # MS
    version, _fields, _deleted = _record(state, rid)
    refused = _push(state, rid, version + 5, {"admin_status": ("MS", "MS")})
    assert refused.status is ResultStatus.REJECTED
    assert _objections(state) == [("open", "")]
    kept = _push(state, rid, version, {"admin_status": ("MS", "MS")})
    assert kept.status is ResultStatus.APPLIED and kept.version == version
    assert _objections(state) == [("resolved", "MS")]
    after, fields, _deleted = _record(state, rid)
    assert after == version + 1 and fields[objections.FLAG] is False
    with read_tx(state.engine) as conn:
        assert audit.verify(conn).ok


def test_the_office_verifying_the_supporter_reads_the_open_objections_contact_and_no_one_else(
    state: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The contact a citizen left is read by the office that verifies the row, while the
    objection is open; each read is audited without the contact; another kab/kota, a
    read-only Bawaslu, a trainer outside a training server and an unknown row are refused
    alike (403: nothing says whether the row exists); nothing of it reaches a log line."""
    caplog.set_level(logging.DEBUG)
    s = seed(6)
    apply_batch(state.engine, state.config, OPERATOR, "seed", s.mutations)
    rid = s.supporters[0][0]
    contact = "0812999000777"
    iso = "2024-05-06T01:00:00.000Z"
    assert (
        objections.file(state.engine, rid, s.independent_id, contact, 1.7e9, iso)
        is objections.Filing.FILED
    )
    [found] = objections.open_contacts(state.engine, OPERATOR, rid, iso)
    assert found["contact"] == contact and found["filed_at"] == 1.7e9
    kpu_ri = Actor("ri", Role.KPU_RI, "", "ri-1")
    assert [o["contact"] for o in objections.open_contacts(state.engine, kpu_ri, rid, iso)] == [
        contact
    ]
    for refused in (
        Actor("op3215", Role.KABKOTA, "32.15", "k-15"),
        Actor("bawaslu3214", Role.BAWASLU, SCOPE, "b-1"),  # reads the row, writes nothing
        Actor("pelatih", Role.TRAINER, "", "t-1"),  # a trainer on a real server
        Actor("prov32", Role.PROVINCE, "32", "p-1"),  # reads a bupati election, never writes it
    ):
        with pytest.raises(ApiError) as refusal:
            objections.open_contacts(state.engine, refused, rid, iso)
        assert refusal.value.status == 403, refused
    with pytest.raises(ApiError) as unknown:
        objections.open_contacts(state.engine, OPERATOR, str(uuid.uuid4()), iso)
    assert unknown.value.status == 403
    with read_tx(state.engine) as conn:
        reads = (
            conn.execute(
                select(audit_table).where(audit_table.c.action == "objection_contact_read")
            )
            .mappings()
            .all()
        )
        assert [(r["username"], r["device_id"], r["record_id"]) for r in reads] == [
            ("op3214", "laptop-1", rid),
            ("ri", "ri-1", rid),
        ]
        everything = conn.execute(select(audit_table)).mappings().all()
        assert not [e for e in everything if contact in str(dict(e))]
        assert audit.verify(conn).ok
    # Resolved (the person denies the support): the contact is gone, nothing to read.
    version, _fields, _deleted = _record(state, rid)
    done = _push(
        state,
        rid,
        version,
        {"admin_status": ("MS", "TMS"), "admin_reasons": ([], ["DENIES_SUPPORT"])},
    )
    assert done.status is ResultStatus.APPLIED
    assert objections.open_contacts(state.engine, OPERATOR, rid, iso) == []
    assert contact not in caplog.text
