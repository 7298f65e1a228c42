"""Public figures kept by the push path: deltas match a full recount, only human verdicts count."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from sync.protocol import Mutation, Op
from sync.server import audit
from sync.server.config import Clock
from sync.server.db import read_tx, write_tx
from sync.server.public import figures, views
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import public_figures, public_records, public_state
from tests.public_seed import SCOPE, Seed, seed
from tests.unit.server.support import fresh_state

ADMIN = Actor("admin", Role.KPU_RI, "", "test")


@pytest.fixture
def state() -> Iterator[Any]:
    with fresh_state() as server:
        server.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
        yield server


def _figures(state: Any) -> views.Figures:
    with read_tx(state.engine) as conn:
        return views.load_figures(conn)


def _edit(rid: str, version: int, changes: dict[str, Any], op: Op = Op.UPSERT) -> Mutation:
    return Mutation(str(uuid.uuid4()), "supporter", rid, SCOPE, op, version, {
        k: (None, v) for k, v in changes.items()
    })  # fmt: skip


def _seeded(state: Any) -> Seed:
    s = seed(12)
    apply_batch(state.engine, state.config, ADMIN, "seed", s.mutations)
    return s


def test_counts_follow_human_verdicts_not_the_automatic_check(state: Any) -> None:
    s = _seeded(state)
    cells = _figures(state)[s.independent_id]["submission"]
    totals = {n: sum(c[n] for c in cells.values()) for n in figures.COUNTS}
    # Seed statuses cycle MS, MS, BMS, TMS, "" while check_status is MS for all.
    assert totals == {"submitted": 12, "ms": 6, "bms": 2, "tms": 2, "pending": 2}
    assert set(cells) == {"32.14.01", "32.14.02", "32.14.03"}
    assert s.party_pair_id not in _figures(state)


def test_edits_deletes_and_rounds_move_the_counts_and_match_a_recount(state: Any) -> None:
    s = _seeded(state)
    pending = [r for r in s.supporters if r[5] == ""]
    ms = [r for r in s.supporters if r[5] == "MS"]
    batch = [
        # A field verdict overrides the administrative one.
        _edit(pending[0][0], 1, {"admin_status": "MS", "field_status": "TMS"}),
        # The automatic forecast alone changes nothing.
        _edit(pending[1][0], 1, {"check_status": "TMS"}),
        # Moved to another kecamatan.
        _edit(ms[0][0], 1, {"kecamatan_code": "32.14.09"}),
        Mutation(str(uuid.uuid4()), "supporter", ms[1][0], SCOPE, Op.DELETE, 1),
    ]
    apply_batch(state.engine, state.config, ADMIN, "edits", batch)
    got = _figures(state)[s.independent_id]
    assert got["submission"]["32.14.09"] == {
        "submitted": 1, "ms": 1, "bms": 0, "tms": 0, "pending": 0
    }  # fmt: skip
    sub = {n: sum(c[n] for c in got["submission"].values()) for n in figures.COUNTS}
    assert sub == {"submitted": 11, "ms": 5, "bms": 2, "tms": 3, "pending": 1}
    with write_tx(state.engine) as conn:
        figures.rebuild(conn, 0.0)
    assert _figures(state)[s.independent_id] == got


def test_every_change_moves_the_version_and_public_records_hold_no_personal_fields(
    state: Any,
) -> None:
    s = _seeded(state)
    with read_tx(state.engine) as conn:
        before = conn.execute(select(public_state.c.version)).scalar_one()
        texts = [r.fields for r in conn.execute(select(public_records))]
    assert texts and not any("3214010101700001" in t or "RAHASIA" in t for t in texts)
    apply_batch(state.engine, state.config, ADMIN, "e", [_edit(s.supporters[0][0], 1, {"rt": "1"})])
    apply_batch(
        state.engine,
        state.config,
        ADMIN,
        "f",
        [_edit(s.supporters[0][0], 2, {"admin_status": "TMS"})],
    )
    with read_tx(state.engine) as conn:
        after = conn.execute(select(public_state.c.version)).scalar_one()
        rows = conn.execute(select(public_figures)).all()
    # Only the verdict change touches the figures; the rt edit leaves the version.
    assert after == before + 1
    assert sum(r.submitted for r in rows) == 12


def test_support_against_threshold_and_spread_by_kabkota_for_governors() -> None:
    election = {"kind": "gubernur", "dpt": 1000, "subregion_count": 4, "rule_set": "pilkada-2024"}
    cell = {"submitted": 60, "ms": 60, "bms": 0, "tms": 0, "pending": 0}
    support = views.pair_support(
        election, {"submission": {"32.14.01": cell, "32.14.02": cell, "32.15.01": cell}}
    )
    assert set(support["subregions"]) == {"32.14", "32.15"}
    assert support["subregions"]["32.14"]["ms"] == 120
    assert support["threshold"] == 100  # 10% of 1,000 voters
    assert support["threshold_met"] is True
    assert support["spread_required"] == 3 and support["spread_met"] is False


def test_the_round_field_is_used_when_present_else_submission() -> None:
    base = {"pair_id": "p", "kecamatan_code": "32.14.01", "admin_status": "MS"}
    moved = {**base, "round": "correction_1", "admin_status": "BMS"}
    changed = figures.collect(
        [
            ("supporter", "a", base, False, None, False),
            ("supporter", "b", moved, False, base, False),
            ("supporter", "c", base, True, base, False),  # deleted
        ]
    )
    # a counts (+1), b leaves for correction_1 (-1), c is deleted (-1).
    submission = changed.figures[("p", "submission", "32.14.01")]
    assert {k: v for k, v in submission.items() if v} == {"submitted": -1, "ms": -1}
    assert dict(changed.figures[("p", "correction_1", "32.14.01")]) == {"submitted": 1, "bms": 1}


def test_public_reason_words_are_the_desktops_own_in_both_languages() -> None:
    """The citizen reads a reason as the operator's screen and print say it (one wording)."""
    import re
    from pathlib import Path

    from silon_desktop.domain.codes import ReasonCode
    from silon_desktop.domain.labels import REASON_LABELS_ID
    from sync.server.public import i18n

    ts = (Path(__file__).resolve().parents[3] / "resources/i18n/silon_en.ts").read_text("utf-8")
    for code in ReasonCode:
        assert i18n.reason(code.value, "id") == REASON_LABELS_ID[code]
        found = re.search(
            rf"<source>{re.escape(REASON_LABELS_ID[code])}</source>\s*<translation>(.*?)</translation>",
            ts,
        )
        assert found, code
        assert i18n.reason(code.value, "en") == found.group(1).replace("&apos;", "'"), code
    assert i18n.reason("SOMETHING_NEWER", "id") == "Alasan lain (SOMETHING_NEWER)"
    assert i18n.reason("SOMETHING_NEWER", "en") == "Other reason (SOMETHING_NEWER)"


def test_a_restore_counts_the_supporter_again_and_is_refused_where_it_makes_no_sense(
    state: Any,
) -> None:
    s = _seeded(state)
    rid = s.supporters[0][0]

    def submitted() -> int:
        cells = _figures(state)[s.independent_id]["submission"]
        return sum(c["submitted"] for c in cells.values())

    gone = Mutation(str(uuid.uuid4()), "supporter", rid, SCOPE, Op.DELETE, 1, {
        "withdrawn_reason": ("", "salah_input")
    })  # fmt: skip
    (done,) = apply_batch(state.engine, state.config, ADMIN, "b1", [gone])
    assert done.status.value == "applied" and submitted() == 11
    (back,) = apply_batch(state.engine, state.config, ADMIN, "b2", [_edit(rid, 1, {}, Op.RESTORE)])
    assert (back.status.value, back.version) == ("applied", 3) and submitted() == 12
    # The audit log rebuilds every state: live, withdrawn, live again.
    with read_tx(state.engine) as conn:
        states = audit.history(conn, rid)
    assert [(st.action, st.deleted) for st in states][-2:] == [
        ("delete", True),
        ("restore", False),
    ]
    assert states[-2].fields["withdrawn_reason"] == "salah_input"
    # Restoring a live row again changes nothing.
    (again,) = apply_batch(state.engine, state.config, ADMIN, "b3", [_edit(rid, 3, {}, Op.RESTORE)])
    assert (again.status.value, again.version) == ("applied", 3) and submitted() == 12
    # Not a supporter, or no such record: refused.
    pair = Mutation(str(uuid.uuid4()), "pair", s.independent_id, SCOPE, Op.RESTORE, 1, {})
    unknown = _edit(str(uuid.uuid4()), 1, {}, Op.RESTORE)
    refused = apply_batch(state.engine, state.config, ADMIN, "b4", [pair, unknown])
    assert [(r.status.value, r.code) for r in refused] == [
        ("rejected", "BAD_VALUE"),
        ("rejected", "BAD_VERSION"),
    ]
