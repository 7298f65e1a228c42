"""The Bimtek seed's numbers fit its regions: each desk's DPT (hence the threshold the
trainee computes and the public page shows) and the kab/kota a practice outsider lives in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from silon_desktop.domain.regions import default_table
from silon_desktop.domain.requirement import requirement
from silon_desktop.domain.rules import rule_set_for
from sync.server import training
from sync.server.training_seed import build_practice, mejas

TODAY = dt.date(2026, 12, 5)
#: Enough desks to reach the kota of Jawa Barat and the next provinces.
ROOM = training.trainee_names(80)


def _records(practice: Any) -> dict[str, dict[str, Any]]:
    return {
        m.record_id: {
            "entity": m.entity,
            "scope": m.scope,
            **{k: v[1] for k, v in m.changes.items()},
        }
        for m in practice.mutations
    }


def _elections() -> dict[str, dict[str, Any]]:
    recs = _records(build_practice(TODAY, ROOM, 2))
    return {r["region_code"]: r for r in recs.values() if r["entity"] == "election"}


def test_each_desks_dpt_is_its_regions_figure_and_the_threshold_the_domains() -> None:
    """The seed gave every desk 400,000 + 10,000 x its number: Kab. Bogor (about 3.9
    million voters) got 410,000, Kota Banjar (about 150,000) 780,000 or so, so the
    threshold a trainee computed or read fitted no real region."""
    from sync.server.training_dpt import practice_dpt

    rules = rule_set_for("pilkada-2024")
    elections = _elections()
    assert len(elections) == len(mejas(ROOM)) == 40
    for region, election in elections.items():
        figure = practice_dpt(region)
        assert election["dpt"] == figure, region
        need = requirement(rules, election)
        assert need.threshold == rules.support_threshold(election["kind"], figure)
        assert need.subregions == len(default_table().children(region)), region


def test_a_big_kabupaten_and_a_small_kota_fall_in_the_bands_their_voters_give() -> None:
    rules = rule_set_for("pilkada-2024")
    elections = _elections()
    bogor, banjar, cimahi = elections["32.01"], elections["32.79"], elections["32.77"]
    assert bogor["kind"] == "bupati" and banjar["kind"] == "walikota"
    # Kab. Bogor: over a million voters, 6.5 %; Kota Banjar: up to 250,000, 10 %;
    # Kota Cimahi: 250,000 to 500,000, 8.5 %.
    assert bogor["dpt"] > 3_000_000
    assert rules.tier_for("bupati", bogor["dpt"]).basis_points == 650
    assert banjar["dpt"] <= 250_000
    assert rules.tier_for("walikota", banjar["dpt"]).basis_points == 1000
    assert 250_000 < cimahi["dpt"] <= 500_000
    assert rules.tier_for("walikota", cimahi["dpt"]).basis_points == 850
    thresholds = {rules.support_threshold(e["kind"], e["dpt"]) for e in elections.values()}
    assert len(thresholds) == len(elections)  # no two desks learn the same figure


def _outsiders() -> dict[str, dict[str, Any]]:
    """Each desk's "outside the region" row, by the desk's region."""
    practice = build_practice(TODAY, ROOM, 2)
    recs = _records(practice)
    rows = {p.record_id for p in practice.key if p.lesson == "luar_wilayah"}
    return {recs[r]["scope"]: recs[r] for r in rows}


def test_the_outside_the_region_supporter_lives_just_across_the_border() -> None:
    """The outsider came from the first other kab/kota of the province in the table:
    Kota Banjar's from Kabupaten Bogor, at the other end of Jawa Barat, and a desk
    beyond the first sixty regions from Purwakarta whatever its province."""
    from sync.server.training_dpt import PRACTICE_REGIONS, neighbour

    table = default_table()
    outsiders = _outsiders()
    assert len(outsiders) == len(mejas(ROOM))
    for region, row in outsiders.items():
        home = row["kabkota_code"]
        assert home == neighbour(region) != region
        assert home.split(".")[0] == region.split(".")[0]  # the same province
        assert row["kecamatan_code"].startswith(home + ".")
        assert row["nik"][:6] == row["kecamatan_code"].replace(".", "")
        assert table.parent(row["desa_code"]).code == row["kecamatan_code"]  # type: ignore[union-attr]
        assert row["check_reasons"] == ["OUTSIDE_REGION"], row["check_reasons"]
    # A kota's outsider comes from the kabupaten around it, and the reverse.
    assert outsiders["32.79"]["kabkota_code"] == "32.07"  # Kota Banjar: Kab. Ciamis
    assert outsiders["32.01"]["kabkota_code"] == "32.71"  # Kab. Bogor: Kota Bogor
    assert outsiders["36.74"]["kabkota_code"] == "36.03"  # Tangerang Selatan: Kab. Tangerang
    assert all(PRACTICE_REGIONS[r].neighbour in PRACTICE_REGIONS for r in PRACTICE_REGIONS)


def test_the_party_pairs_votes_fit_the_regions_electorate_and_nominate() -> None:
    """PARTAI A and B brought 180,000 and 95,000 valid votes to every desk, Kota Banjar's
    152,000 voters included, and no DPRD total was entered, so the coalition's
    requirement (the DPT tier's share of the DPRD valid votes) was never shown."""
    from silon_desktop.domain.rules import PartyStanding

    rules = rule_set_for("pilkada-2024")
    recs = _records(build_practice(TODAY, ROOM, 2))
    elections = {rid: r for rid, r in recs.items() if r["entity"] == "election"}
    pairs = {rid: r for rid, r in recs.items() if r["entity"] == "pair"}
    for election_id, election in elections.items():
        total = election["dprd_valid_votes"]
        assert 0 < total < election["dpt"], election["region_code"]
        party_pairs = [
            rid
            for rid, p in pairs.items()
            if p["election_id"] == election_id and p["route"] == "partai"
        ]
        assert len(party_pairs) == 1
        standing = [
            PartyStanding(r["seats"], r["votes"])
            for r in recs.values()
            if r["entity"] == "party" and r["pair_id"] == party_pairs[0]
        ]
        assert sum(s.votes for s in standing) <= total
        assert rules.party_eligible(
            election["kind"], standing, total_seats=0, total_valid_votes=total, dpt=election["dpt"]
        ), election["region_code"]
