"""The counts an operator signs and every other view of them agree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from silon_desktop.importers.store import import_file
from silon_desktop.reports.recap import pair_recap
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.derived import refresh_derived
from silon_desktop.storage.models import Supporter
from tests.fixtures import seed_election, verify_as_forecast
from tests.unit.importers.sheets import supporter_rows, write_xlsx


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    seed_election(database)
    yield database
    database.close()


def _rows(db: Database, tmp_path: Path, arrival: str, count: int, seed: int) -> list[str]:
    rows = supporter_rows(count, seed=seed, start_sequence=100 * seed)
    import_file(
        db, write_xlsx(tmp_path / f"{arrival}.xlsx", rows), "p1", assume_id_scan=True, round=arrival
    )
    verify_as_forecast(db, where={"round": arrival})
    with db.session(readonly=True) as session:
        return list(
            session.scalars(
                select(Supporter.id).where(Supporter.round == arrival).order_by(Supporter.nik)
            )
        )


def _flag(db: Database, record_id: str, *, field: str = "") -> None:
    with db.session() as session:
        row = session.get(Supporter, record_id)
        assert row is not None and row.admin_status == "MS"
        row.external_duplicate = True  # as a pull applies the server's flag
        if field:
            row.field_status = field
        refresh_derived(session, "supporter", row)


def test_a_supporter_met_in_the_field_who_backs_another_pair_is_tms_in_the_verfak_minutes(
    db: Database, tmp_path: Path
) -> None:
    """Field verification ends in MS or TMS (DOMAIN.md): a supporter MS in the office and
    met in the field (MS) whose NIK also backs another pair (the server's
    DUPLICATE_EXTERNAL, which the rules make BMS) is TMS with that reason in BA of
    verfak I, as in the recap of every stage; the verfak minutes printed 'BMS 1'."""
    first = _rows(db, tmp_path, "submission", 6, 1)
    _flag(db, first[0], field="MS")
    verfak = pair_recap(db.engine, "p1", "verfak_1")
    assert (verfak.totals.ms, verfak.totals.bms, verfak.totals.tms) == (0, 0, 1)
    assert verfak.reasons == {"DUPLICATE_EXTERNAL": 1}
    assert sum(a.tms for a in verfak.areas) == sum(d.tms for d in verfak.desa) == 1
    final = pair_recap(db.engine, "p1", "recap").totals
    assert (final.ms, final.bms, final.tms) == (5, 0, 1)


def test_the_dashboard_and_b2_count_an_external_duplicate_as_the_minutes_do(
    db: Database, tmp_path: Path
) -> None:
    """A correction round's supporter (its vermin is its last: MS or TMS) and a
    supporter met in the field (MS or TMS), each MS but also backing another pair
    (DUPLICATE_EXTERNAL, BMS by the rules), are TMS in their berita acara and in the
    final recap: the dashboard and the B.2-KWK (the recap of every row) counted both
    BMS, so the same pair read 'BMS 2' beside signed minutes with 'BMS 0'."""
    from silon_desktop.reports.xlsx_export import export_b2
    from tests.unit.reports.test_exports import read

    first = _rows(db, tmp_path, "submission", 6, 1)
    late = _rows(db, tmp_path, "correction_1", 4, 2)
    _flag(db, first[0], field="MS")
    _flag(db, late[0])
    assert pair_recap(db.engine, "p1", "vermin_correction_1").totals.tms == 1
    assert pair_recap(db.engine, "p1", "verfak_1").totals.tms == 1
    final = pair_recap(db.engine, "p1", "recap").totals
    whole = pair_recap(db.engine, "p1")  # the dashboard's and the B.2-KWK's
    assert (whole.totals.ms, whole.totals.bms, whole.totals.tms) == (8, 0, 2)
    assert (final.ms, final.bms, final.tms) == (8, 0, 2)
    assert whole.reasons == {"DUPLICATE_EXTERNAL": 2}
    assert sum(a.tms for a in whole.areas) == sum(d.tms for d in whole.desa) == 2
    assert sum(a.bms for a in whole.areas) == sum(d.bms for d in whole.desa) == 0
    out = export_b2(whole, tmp_path / "b2.xlsx")
    desa = read(out, "Per Desa")
    total = next(r for r in desa if r[3] == "JUMLAH")
    assert total[4:9] == [8.0, 0.0, 2.0, 0.0, 10.0]
    # A submission's supporter flagged so and never met in the field is still BMS
    # (fixable in a correction) wherever it is counted before the final recap.
    _flag(db, first[1])
    assert pair_recap(db.engine, "p1").totals.bms == 1
    assert pair_recap(db.engine, "p1", "vermin").totals.bms == 2


def _public_support(db: Database) -> dict[str, Any]:
    """The public pages' support of ``p1``: the server's figures (per pair, round and
    kecamatan) of the same supporter rows, as a push applies them."""
    from collections import Counter

    from sync.server.public import figures, views

    wanted = ("pair_id", "round", "kecamatan_code", "kabkota_code", "admin_status")
    with db.session(readonly=True) as session:
        rows = [
            {
                **{name: getattr(s, name) for name in wanted},
                "field_status": s.field_status,
                "external_duplicate": s.external_duplicate,
            }
            for s in session.scalars(select(Supporter).where(Supporter.deleted.is_(False)))
        ]
    items = [("supporter", str(i), row, False, None, False, "32.14") for i, row in enumerate(rows)]
    cells: dict[str, dict[str, dict[str, int]]] = {}
    for (_pair, arrival, area), counts in figures.collect(items).figures.items():
        cell: Counter[str] = Counter({name: 0 for name in figures.COUNTS})
        cell.update(counts)
        cells.setdefault(arrival, {})[area] = dict(cell)
    election = {"kind": "bupati", "rule_set": "pilkada-2024", "region_code": "32.14",
                "dpt": 733_927, "subregion_count": 17}  # fmt: skip
    return views.pair_support(election, cells)


def test_the_public_pages_count_a_correction_rounds_external_duplicate_as_the_minutes_do(
    db: Database, tmp_path: Path
) -> None:
    """A correction round's supporter MS but also backing another pair is TMS in its
    berita acara (its vermin is its last: MS or TMS), on the dashboard and in the final
    recap; the public pair page and the open data published it BMS in that round."""
    _rows(db, tmp_path, "submission", 6, 1)
    late = _rows(db, tmp_path, "correction_1", 4, 2)
    _flag(db, late[0])
    vermin = pair_recap(db.engine, "p1", "vermin_correction_1").totals
    whole = pair_recap(db.engine, "p1").totals
    support = _public_support(db)
    by_round = {r["round"]: r["totals"] for r in support["rounds"]}
    counted = by_round["correction_1"]
    assert (counted["ms"], counted["bms"], counted["tms"]) == (vermin.ms, vermin.bms, vermin.tms)
    totals = support["totals"]
    assert (totals["ms"], totals["bms"], totals["tms"]) == (whole.ms, whole.bms, whole.tms)
    assert totals["submitted"] == whole.total == 10
    assert sum(c["tms"] for c in support["subregions"].values()) == 1


def test_the_public_pages_count_a_submission_rows_external_duplicate_as_the_dashboard_does(
    db: Database, tmp_path: Path
) -> None:
    """A submission's supporter met in the field (MS) and also backing another pair is
    TMS on the dashboard, in the B.2-KWK and in the minutes of verfak (field verification
    ends in MS or TMS); the public figures stored it in the submission round's cell with
    the round's real BMS and published it BMS. One never met in the field stays BMS
    (fixable in a correction) on both."""
    first = _rows(db, tmp_path, "submission", 6, 1)
    _flag(db, first[0], field="MS")
    _flag(db, first[1])
    whole = pair_recap(db.engine, "p1").totals
    assert (whole.ms, whole.bms, whole.tms) == (4, 1, 1)
    support = _public_support(db)
    (submission,) = support["rounds"]
    for counted in (submission["totals"], support["totals"]):
        assert (counted["ms"], counted["bms"], counted["tms"]) == (whole.ms, whole.bms, whole.tms)
    assert sum(c["tms"] for c in support["subregions"].values()) == 1


def test_the_public_spread_counts_a_kecamatan_code_as_the_desktops_recap_does(
    db: Database, tmp_path: Path
) -> None:
    """A kecamatan code stored undotted (``321401``: a client's input the server keeps,
    and the desktop's pull stores as it is) is no area of the spread in the recap the
    operator signs, which counts the codes below the election's region as written; the
    public pages read it as ``32.14.01`` and counted one kecamatan more."""
    first = _rows(db, tmp_path, "submission", 12, 1)
    with db.session() as session:
        row = session.get(Supporter, first[0])
        assert row is not None and row.admin_status == "MS"
        row.kecamatan_code = row.kecamatan_code.replace(".", "")
    desktop = pair_recap(db.engine, "p1")
    support = _public_support(db)
    assert support["spread_have"] == desktop.spread_met
    assert support["totals"]["ms"] == desktop.totals.ms


def _three_flagged(db: Database, tmp_path: Path) -> tuple[list[str], list[str], Any]:
    """Six submission rows and four of the first correction, three of them also backing
    another pair: one met in the field (MS), one of the correction, one never met in the
    field (BMS, fixable in a correction). Returns the ids of the submission's rows, of
    the correction's, and the whole recap's totals."""
    first = _rows(db, tmp_path, "submission", 6, 1)
    late = _rows(db, tmp_path, "correction_1", 4, 2)
    _flag(db, first[0], field="MS")
    _flag(db, late[0])
    _flag(db, first[1])
    return first, late, pair_recap(db.engine, "p1").totals


def test_the_supporters_status_counts_and_filter_count_as_the_dashboard_does(
    db: Database, tmp_path: Path
) -> None:
    """The counts above the supporters table and its status filter count a row whose
    verdict offers no BMS (a correction round's, one met in the field) TMS where the
    server's DUPLICATE_EXTERNAL flag made it BMS, as the dashboard and the minutes do;
    they said 'BMS 2' and listed both under BMS beside a dashboard with 'TMS 2'."""
    from silon_desktop.storage.supporter_queries import (
        SupporterFilter,
        SupporterQuery,
        status_counts,
    )

    first, late, whole = _three_flagged(db, tmp_path)
    counts = status_counts(db.engine, "p1")
    assert (counts["MS"], counts["BMS"], counts["TMS"]) == (whole.ms, whole.bms, whole.tms)
    assert (counts["BMS"], counts["TMS"], counts["total"]) == (1, 2, whole.total)
    for status in ("MS", "BMS", "TMS"):
        query = SupporterQuery(db.engine, "p1", SupporterFilter(status=status), live_only=True)
        assert query.count() == counts[status], status
    shown = SupporterQuery(db.engine, "p1", SupporterFilter(status="TMS"), live_only=True)
    assert {row.id for row in shown.block(0)} == {first[0], late[0]}


def test_the_bms_and_tms_list_for_the_pair_counts_as_the_minutes_do(
    db: Database, tmp_path: Path
) -> None:
    """The verification's BMS/TMS list returned to the pair's LO says 'BMS can be fixed
    in the correction round': it listed a correction round's supporter and one met in
    the field, each also backing another pair, as BMS ('BMS 2; TMS 0') where their
    berita acara, the dashboard and the final recap count them TMS."""
    from silon_desktop.reports.problem_list import verification_problems

    _first, _late, whole = _three_flagged(db, tmp_path)
    problems = verification_problems(db.engine, "p1")
    assert (
        f"Belum Memenuhi Syarat (BMS): {whole.bms}; Tidak Memenuhi Syarat (TMS): {whole.tms}"
        in (problems.subtitle)
    )
    statuses = [line.cells[4] for line in problems.lines]
    assert len(statuses) == whole.bms + whole.tms == 3
    assert len(set(statuses)) == 2 and statuses.count(statuses[0]) == 1  # BMS first, once


def test_the_b11_list_shows_each_supporters_status_as_its_counts_do(
    db: Database, tmp_path: Path
) -> None:
    """The B.1.1-KWK heads its list with the recap's counts and prints each supporter's
    status: a correction round's supporter and one met in the field, each also backing
    another pair, were printed BMS under a head counting them TMS."""
    from silon_desktop.reports.xlsx_export import B11_HEADER, export_b11
    from tests.unit.reports.test_exports import read

    _first, _late, whole = _three_flagged(db, tmp_path)
    out = tmp_path / "b11.xlsx"
    assert export_b11(db.engine, "p1", out) == whole.total
    column = B11_HEADER.index("STATUS")
    cells = [str(r[column]) for r in read(out, "B.1.1-KWK")[5:] if r and r[0]]
    printed = (cells.count("MS"), cells.count("BMS"), cells.count("TMS"))
    assert printed == (whole.ms, whole.bms, whole.tms) == (7, 1, 2)
