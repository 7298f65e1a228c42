"""What a level may not write is refused on the desktop before it is saved, as the
server refuses it. A KPU kab/kota reads its province's governor election, pair,
candidates and documents but writes only its own scope and the supporters living in
it (DOMAIN.md "Levels"; ``sync.server.roles.Actor.can_write``); a province writes its
own scope only. The desktop saved such an edit and said so; the server refused the
batch (403), and the PC put the record back at the next sync: the saved edit was lost
away from the form it was made in."""

from __future__ import annotations

from pathlib import Path

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.storage import outbox
from sync.protocol import MutationResult, ResultStatus
from tests.gui.sample_data import seed_small


def _synced(services: Services) -> None:
    """Everything waiting is pushed and applied (the server holds what the PC holds)."""
    with services.db.session() as session:
        _batch, claimed = outbox.claim_batch(session, 1000)
        applied = [MutationResult(c.wire["id"], ResultStatus.APPLIED, version=1) for c in claimed]
        outbox.record_answers(session, [(r, r.to_wire()) for r in applied])


def _waiting(services: Services) -> int:
    with services.db.session(readonly=True) as session:
        return int(outbox.waiting_count(session.connection()))


def test_a_kabkota_cannot_save_what_its_province_writes(services: Services) -> None:
    assert services.session_scope == "32.14"
    election = services.repo.create(
        "election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"}, "32"
    )
    pair = services.repo.create("pair", {"election_id": election, "number": 1}, "32")
    mine = services.repo.create("supporter", {"pair_id": pair, "kabkota_code": "32.14"}, "32")
    before = _waiting(services)
    error = services.update("pair", pair, {"head_name": "BUDI"})
    assert error is not None and error.code is ErrorCode.WRITE_OUTSIDE_SHARE
    assert "32.14" in error.message
    assert (services.get("pair", pair) or {})["head_name"] in ("", None)
    made, error = services.create("candidate", {"pair_id": pair, "role": "kepala"}, "32")
    assert made is None and error is not None and error.code is ErrorCode.WRITE_OUTSIDE_SHARE
    assert services.delete("election", election) is not None
    # Its supporter is its own to edit, but not to move to another kab/kota.
    moved = services.update("supporter", mine, {"kabkota_code": "32.15"})
    assert moved is not None and moved.code is ErrorCode.WRITE_OUTSIDE_SHARE
    elsewhere = services.update("supporter", mine, {"desa_code": "32.15.01.2001"})
    assert elsewhere is not None and elsewhere.code is ErrorCode.WRITE_OUTSIDE_SHARE
    assert _waiting(services) == before
    assert services.update("supporter", mine, {"desa_code": "32.14.01.2001"}) is None
    assert services.update("supporter", mine, {"name": "SITI"}) is None
    assert (services.get("supporter", mine) or {})["name"] == "SITI"


def test_a_province_cannot_save_a_kabkotas_records(services: Services) -> None:
    services.session_scope = "32"
    election = services.repo.create("election", {"name": "Pilbup", "kind": "bupati"}, "32.14")
    error = services.update("election", election, {"name": "Pilbup Purwakarta"})
    assert error is not None and error.code is ErrorCode.WRITE_OUTSIDE_SHARE
    own = services.repo.create("election", {"name": "Pilgub", "kind": "gubernur"}, "32")
    assert services.update("election", own, {"name": "Pilgub Jabar"}) is None


def test_a_kabkota_cannot_save_a_change_of_its_elections_fields_set_above(
    services: Services,
) -> None:
    """Once set, an election's dates, DPT, decree figures, kind and region are the
    administering level's (the server answers READ_ONLY); a kab/kota fills them only
    while empty. The change was saved, then undone at the next sync."""
    ids = seed_small(services, supporters=0)  # DPT 733,927 set, no stage dates yet
    _synced(services)
    error = services.update("election", ids["election"], {"dpt": 1000})
    assert error is not None and error.code is ErrorCode.ELECTION_FIELD_SET_ABOVE
    assert "DPT" in error.message
    assert (services.get("election", ids["election"]) or {})["dpt"] == 733927
    import datetime as dt

    assert (
        services.update("election", ids["election"], {"support_end": dt.date(2024, 5, 12)}) is None
    )
    _synced(services)
    moved = services.update("election", ids["election"], {"support_end": dt.date(2024, 6, 1)})
    assert moved is not None and moved.code is ErrorCode.ELECTION_FIELD_SET_ABOVE
    assert services.update("election", ids["election"], {"name": "Pilbup 2024"}) is None
    year = services.update("election", ids["election"], {"year": 2029})  # its Pilkada
    assert year is not None and year.code is ErrorCode.ELECTION_FIELD_SET_ABOVE
    # A figure the server has not seen yet (the draft not synced) is still the
    # kab/kota's own to correct: the server will take it as the first value.
    draft, error = services.create("election", {"kind": "bupati", "dpt": 73_392}, "32.14")
    assert draft is not None, error
    assert services.update("election", draft, {"dpt": 733_927}) is None
    services.session_scope = ""  # KPU RI's account
    assert services.update("election", ids["election"], {"dpt": 1000}) is None


def test_a_kabkota_importing_a_governor_pairs_whole_list_stores_its_share_only(
    services: Services, tmp_path: Path
) -> None:
    """A kab/kota importing its province pair's whole list stored every kab/kota's rows;
    the server refused the others' (403) and the PC undid them at the next sync. They
    are left out at the import, and the report says which and why."""
    from tests.unit.importers.sheets import HEADER, supporter_rows, write_xlsx

    election = services.repo.create(
        "election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"}, "32"
    )
    pair = services.repo.create("pair", {"election_id": election, "number": 1}, "32")
    rows = [[*row, "Kab. Purwakarta"] for row in supporter_rows(6)]
    for row in rows[1], rows[4]:
        row[11], row[12], row[13] = "Dago", "Coblong", "KOTA BANDUNG"
        row[1] = "327302" + str(row[1])[6:]
    path = write_xlsx(tmp_path / "gub.xlsx", rows, [*HEADER, "KABUPATEN/KOTA"])
    mapping, _ = services.imports.preview(path)
    before = _waiting(services)
    report = services.imports.import_file(path, pair, mapping, assume_id_scan=True)
    stored = services.list("supporter", pair_id=pair)
    assert len(stored) == 4 and {s["kabkota_code"] for s in stored} == {"32.14"}
    assert _waiting(services) == before + 4
    assert report.outside_share == [3, 6]  # spreadsheet rows (the header is row 1)
    assert report.total == 4 and report.counts()["MS"] == 4
    assert report.stored == {"inserted": 4, "updated": 0, "unchanged": 0}
    assert any(
        "2 baris di luar wilayah" in line and "3, 6" in line for line in report.summary_lines()
    )
    problems = services.imports.problem_list(report)
    assert any("2 baris di luar wilayah" in line for line in problems.subtitle)


def test_a_province_cannot_withdraw_restore_or_merge_a_kabkotas_supporters(
    services: Services,
) -> None:
    """A province reads its kab/kotas' elections and may press *Tarik*, *Pulihkan* or
    *Gabungkan* on their supporters; the server refuses the batch (403) and the PC put
    the rows back at the next sync. The desktop has no delete of an election or pair
    (only of a pair's candidates, documents and parties, refused so already)."""
    services.session_scope = "32"
    election = services.repo.create("election", {"name": "Pilbup", "kind": "bupati"}, "32.14")
    pair = services.repo.create("pair", {"election_id": election, "number": 1}, "32.14")
    a, b, gone = (
        services.repo.create("supporter", {"pair_id": pair, "name": name}, "32.14")
        for name in ("A", "B", "C")
    )
    services.repo.delete("supporter", gone, {"withdrawn_reason": "salah_input"})
    record = services.get("election", election) or {}
    before = _waiting(services)
    refused = [
        services.merge_supporters(a, b, {"name": "B"}, record),
        services.withdraw_supporter(a, "salah_input", "", record),
        services.restore_supporter(gone, record),
    ]
    assert [e.code if e else None for e in refused] == [ErrorCode.WRITE_OUTSIDE_SHARE] * 3
    assert _waiting(services) == before
    assert not (services.get("supporter", a) or {}).get("deleted")
    assert not (services.get("supporter", b) or {}).get("deleted")
    assert (services.get("supporter", gone) or {}).get("deleted")
    # Its own governor election's supporter it withdraws as before.
    own = services.repo.create("election", {"name": "Pilgub", "kind": "gubernur"}, "32")
    own_pair = services.repo.create("pair", {"election_id": own, "number": 1}, "32")
    mine = services.repo.create("supporter", {"pair_id": own_pair, "name": "D"}, "32")
    assert (
        services.withdraw_supporter(mine, "salah_input", "", services.get("election", own) or {})
        is None
    )
    assert (services.get("supporter", mine) or {}).get("deleted")
