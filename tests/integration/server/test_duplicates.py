"""DUPLICATE_EXTERNAL: one NIK backing two pairs of one election, flagged through the feed."""

from __future__ import annotations

from tests.integration.server.conftest import World, mutation

NIK = "3214014404850007"


def _flags(feed: list[dict], ids: set[str]) -> dict[str, tuple[bool, int]]:
    latest: dict[str, tuple[bool, int]] = {}
    for r in feed:
        if r["id"] in ids and not r["deleted"]:
            latest[r["id"]] = (r["fields"]["external_duplicate"], r["version"])
    return latest


def test_same_nik_in_two_pairs_is_flagged_on_both_and_cleared_again(world: World) -> None:
    op = world.client("op3214")
    _e, (pair1, pair2) = world.elections["32.14"]
    first = mutation("supporter", {"pair_id": pair1, "nik": NIK, "name": "DEWI"})
    op.push_ok(first)
    cursor = int(op.get("/v1/feed", after=0, limit=5000).json()["cursor"])
    second = mutation("supporter", {"pair_id": pair2, "nik": NIK, "name": "DEWI"})
    [result] = op.push_ok(second)
    assert (result["status"], result["version"]) == ("applied", 1)
    ids = {first["record_id"], second["record_id"]}
    # Both records come through the feed after the cursor, flagged, each as a version
    # of its own: the second's flag is newer than the version its push acknowledged.
    changed = op.feed_all(after=cursor)
    assert _flags(changed, ids) == {first["record_id"]: (True, 2), second["record_id"]: (True, 2)}
    # The operator fixes the NIK of the second: both flags clear, again through the feed.
    cursor = int(op.get("/v1/feed", after=cursor, limit=5000).json()["cursor"])
    fix = mutation(
        "supporter",
        {"nik": "3214014404850008"},
        record_id=second["record_id"],
        base_version=2,
        olds={"nik": NIK},
    )
    assert op.push_ok(fix)[0] == {"mutation_id": fix["id"], "status": "applied", "version": 3}
    assert _flags(op.feed_all(after=cursor), ids) == {
        first["record_id"]: (False, 3),
        second["record_id"]: (False, 4),
    }


def test_same_nik_twice_in_one_pair_or_across_elections_is_not_external(world: World) -> None:
    op, other = world.client("op3214"), world.client("op3215")
    _e, (pair1, _p2) = world.elections["32.14"]
    _e2, (pair_b, _q) = world.elections["32.15"]
    nik = "3214015101900011"
    a = mutation("supporter", {"pair_id": pair1, "nik": nik})
    b = mutation("supporter", {"pair_id": pair1, "nik": nik})
    c = mutation("supporter", {"pair_id": pair_b, "nik": nik}, scope="32.15")
    op.push_ok(a, b)
    other.push_ok(c)
    for client, m in ((op, a), (op, b), (other, c)):
        record = client.get(f"/v1/records/supporter/{m['record_id']}").json()
        assert record["fields"]["external_duplicate"] is False


def test_deleting_one_of_the_pair_clears_the_other(world: World) -> None:
    op = world.client("op3214")
    _e, (pair1, pair2) = world.elections["32.14"]
    nik = "3214015101900012"
    a = mutation("supporter", {"pair_id": pair1, "nik": nik})
    b = mutation("supporter", {"pair_id": pair2, "nik": nik})
    op.push_ok(a, b)
    rec_a = op.get(f"/v1/records/supporter/{a['record_id']}").json()
    assert rec_a["fields"]["external_duplicate"] is True
    delete = mutation("supporter", {}, record_id=b["record_id"], base_version=2, op="delete")
    assert op.push_ok(delete)[0]["status"] == "applied"
    rec_a = op.get(f"/v1/records/supporter/{a['record_id']}").json()
    assert rec_a["fields"]["external_duplicate"] is False


def test_a_pair_moved_to_another_election_takes_its_supporters_out_of_the_old_ones_groups(
    world: World,
) -> None:
    """KPU RI (or the province) moves a pair to another election: its supporters' NIKs
    back a pair of that election now, not of the old one. A flag the old election's
    other pair gave them is cleared, and moved back it is set again."""
    op, ri = world.client("op3214"), world.client("ri")
    election, (pair1, pair2) = world.elections["32.14"]
    nik = "3214015101900013"
    a = mutation("supporter", {"pair_id": pair1, "nik": nik})
    b = mutation("supporter", {"pair_id": pair2, "nik": nik})
    op.push_ok(a, b)

    def flags() -> list[bool]:
        return [
            op.get(f"/v1/records/supporter/{m['record_id']}").json()["fields"]["external_duplicate"]
            for m in (a, b)
        ]

    assert flags() == [True, True]
    other = mutation(
        "election", {"name": "Pemilihan ulang 32.14", "kind": "bupati", "region_code": "32.14"}
    )
    ri.push_ok(other)
    pair = ri.get(f"/v1/records/pair/{pair2}").json()
    move = mutation(
        "pair",
        {"election_id": other["record_id"]},
        record_id=pair2,
        base_version=pair["version"],
        olds={"election_id": election},
    )
    assert ri.push_ok(move)[0]["status"] == "applied"
    assert flags() == [False, False]
    back = mutation(
        "pair",
        {"election_id": election},
        record_id=pair2,
        base_version=pair["version"] + 1,
        olds={"election_id": other["record_id"]},
    )
    assert ri.push_ok(back)[0]["status"] == "applied"
    assert flags() == [True, True]


def test_deleting_a_pair_clears_the_flags_its_supporters_gave(world: World) -> None:
    """A pair entered twice by mistake and deleted: its supporters back no pair of the
    election any more, so the flags they gave the other pair's supporters (which made
    each of them count BMS) are cleared, and a citizen's check no longer lists them."""
    op, ri = world.client("op3214"), world.client("ri")
    election, _pairs = world.elections["32.14"]
    twin = mutation("pair", {"election_id": election, "number": 3, "route": "perseorangan"})
    kept = mutation("pair", {"election_id": election, "number": 4, "route": "perseorangan"})
    ri.push_ok(twin, kept)
    nik = "3214015101900014"
    a = mutation("supporter", {"pair_id": kept["record_id"], "nik": nik})
    b = mutation("supporter", {"pair_id": twin["record_id"], "nik": nik})
    op.push_ok(a, b)

    def flag(m: dict) -> bool:
        record = op.get(f"/v1/records/supporter/{m['record_id']}").json()
        return bool(record["fields"]["external_duplicate"])

    assert (flag(a), flag(b)) == (True, True)
    gone = mutation("pair", {}, record_id=twin["record_id"], base_version=1, op="delete")
    assert ri.push_ok(gone)[0]["status"] == "applied"
    assert (flag(a), flag(b)) == (False, False)
