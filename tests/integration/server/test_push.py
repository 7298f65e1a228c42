"""Push over HTTP against a real server process: exactly once, merge, conflicts, receipts."""

from __future__ import annotations

import gzip
import json
import uuid

from sync import signing
from tests.integration.server.conftest import World, mutation


def _supporter(world: World, scope: str = "32.14", pair: int = 0, **values: object) -> dict:
    _election, pairs = world.elections[scope]
    fields = {"pair_id": pairs[pair], "nik": "3214015505900001", "name": "SITI AMINAH", "rt": "001"}
    fields.update(values)  # type: ignore[arg-type]
    return mutation("supporter", fields, scope=scope)


def test_repeated_mutation_returns_the_stored_result_without_a_second_effect(world: World) -> None:
    op = world.client("op3214")
    create = _supporter(world, nik="3214016101900002")
    first = op.push_ok(create)[0]
    assert first["status"] == "applied" and first["version"] == 1
    edit = mutation(
        "supporter",
        {"name": "SITI A."},
        record_id=create["record_id"],
        base_version=1,
        olds={"name": "SITI AMINAH"},
    )
    assert op.push_ok(edit)[0]["version"] == 2
    # The same mutations again (a retry after a lost answer), in a new batch and in one batch.
    again = op.push_ok(create, edit)
    assert again[0] == first
    assert again[1]["status"] == "applied" and again[1]["version"] == 2
    record = op.get(f"/v1/records/supporter/{create['record_id']}").json()
    assert record["version"] == 2 and record["fields"]["name"] == "SITI A."
    feed = [r for r in op.feed_all() if r["id"] == create["record_id"]]
    assert len(feed) == 1 and feed[0]["version"] == 2


def test_stale_edit_of_other_fields_merges_cleanly(world: World) -> None:
    a, b = world.client("op3214", "laptop-a"), world.client("op3214", "laptop-b")
    create = _supporter(world, nik="3214015505900003", rt="001", rw="002")
    a.push_ok(create)
    rid = create["record_id"]
    # Both laptops edit version 1: a changes rt, b changes rw.
    assert (
        a.push_ok(
            mutation("supporter", {"rt": "009"}, record_id=rid, base_version=1, olds={"rt": "001"})
        )[0]["status"]
        == "applied"
    )
    result = b.push_ok(
        mutation("supporter", {"rw": "007"}, record_id=rid, base_version=1, olds={"rw": "002"})
    )[0]
    assert result["status"] == "merged"
    assert result["version"] == 3
    assert result["record"]["fields"]["rt"] == "009" and result["record"]["fields"]["rw"] == "007"
    assert "conflicts" not in result


def test_conflict_keeps_server_values_and_the_losing_proposal(world: World) -> None:
    a, b = world.client("op3214", "laptop-a"), world.client("op3214", "laptop-b")
    create = _supporter(world, nik="3214015505900004", name="BUDI", occupation="PETANI")
    a.push_ok(create)
    rid = create["record_id"]
    a.push_ok(
        mutation(
            "supporter",
            {"name": "BUDI SANTOSO"},
            record_id=rid,
            base_version=1,
            olds={"name": "BUDI"},
        )
    )
    stale = mutation(
        "supporter",
        {"name": "BUDIMAN", "occupation": "GURU"},
        record_id=rid,
        base_version=1,
        olds={"name": "BUDI", "occupation": "PETANI"},
    )
    result = b.push_ok(stale)[0]
    assert result["status"] == "conflict"
    assert result["conflicts"] == {
        "name": {"base": "BUDI", "mine": "BUDIMAN", "theirs": "BUDI SANTOSO"}
    }
    # The server keeps its value; the clean part (occupation) is applied.
    assert result["record"]["fields"]["name"] == "BUDI SANTOSO"
    assert result["record"]["fields"]["occupation"] == "GURU"
    history = b.get("/v1/conflicts", record_id=rid).json()["conflicts"]
    assert len(history) == 1
    kept = history[0]
    assert kept["mutation_id"] == stale["id"] and kept["device_id"] == "laptop-b"
    assert kept["fields"]["name"]["mine"] == "BUDIMAN"
    # The other kab/kota does not see this conflict.
    assert world.client("op3215").get("/v1/conflicts", record_id=rid).json()["conflicts"] == []


def test_delete_conflicts_with_a_newer_edit_and_tombstones_reach_the_feed(world: World) -> None:
    op = world.client("op3214")
    create = _supporter(world, nik="3214015505900005")
    op.push_ok(create)
    rid = create["record_id"]
    op.push_ok(
        mutation("supporter", {"rt": "005"}, record_id=rid, base_version=1, olds={"rt": "001"})
    )
    stale_delete = mutation("supporter", {}, record_id=rid, base_version=1, op="delete")
    assert op.push_ok(stale_delete)[0]["status"] == "conflict"
    delete = mutation("supporter", {}, record_id=rid, base_version=2, op="delete")
    assert op.push_ok(delete)[0] == {"mutation_id": delete["id"], "status": "applied", "version": 3}
    [tomb] = [r for r in op.feed_all() if r["id"] == rid]
    assert tomb["deleted"] is True and tomb["version"] == 3


def test_bad_values_are_rejected_naming_the_field(world: World) -> None:
    op = world.client("op3214")
    results = op.push_ok(
        _supporter(world, has_id_scan="ya"),
        _supporter(world, birth_date="31-12-1990"),
        _supporter(world, name="A" * 5000),
        _supporter(world, name="NUL\x00"),
        _supporter(world, external_duplicate=True),
        _supporter(world, shoe_size="42"),
        mutation("meeting", {"x": 1}),
        mutation("supporter", {"pair_id": str(uuid.uuid4())}),
        mutation("supporter", {"name": "X"}, base_version=7),
    )
    got = [(r["status"], r.get("code"), r.get("field")) for r in results]
    assert got == [
        ("rejected", "BAD_TYPE", "has_id_scan"),
        ("rejected", "BAD_TYPE", "birth_date"),
        ("rejected", "TOO_LONG", "name"),
        ("rejected", "BAD_CHARS", "name"),
        ("rejected", "SERVER_OWNED", "external_duplicate"),
        ("rejected", "UNKNOWN_FIELD", "shoe_size"),
        ("rejected", "UNKNOWN_ENTITY", "entity"),
        ("rejected", "PARENT_MISSING", "pair_id"),
        ("rejected", "BAD_VERSION", "base_version"),
    ]


def test_new_supporters_after_the_deadline_are_refused_by_the_server_clock(world: World) -> None:
    ri, op = world.client("ri"), world.client("op3214")
    election = mutation("election", {"name": "Lewat", "support_end": "2020-01-31"})
    pair = mutation("pair", {"election_id": election["record_id"]})
    ri.push_ok(election, pair)
    late = mutation("supporter", {"pair_id": pair["record_id"], "nik": "3214010101900009"})
    [result] = op.push_ok(late)
    assert result["status"] == "rejected"
    assert result["code"] == "DEADLINE_PASSED" and result["field"] == "support_end"


def test_receipt_is_signed_by_the_server_key(world: World) -> None:
    op = world.client("op3214")
    create = _supporter(world, nik="3214015505900006")
    r = op.push(create, batch_id="batch-receipt-1")
    assert r.status_code == 200
    receipt = r.json()["receipt"]
    key = world.server.request("GET", "/v1/server-key").json()
    assert receipt["key_id"] == key["key_id"]
    body = receipt["body"]
    assert body["batch_id"] == "batch-receipt-1" and body["username"] == "op3214"
    assert body["results"] == [[create["id"], "applied", 1]]
    assert signing.verify(key["public_key"], body, receipt["signature"])
    forged = dict(body, server_time="1999-01-01T00:00:00.000Z")
    assert not signing.verify(key["public_key"], forged, receipt["signature"])


def test_gzip_bodies_in_and_out_and_clear_4xx_for_bad_bodies(world: World) -> None:
    op = world.client("op3214")
    body = {
        "batch_id": "gz-1",
        "device_id": "d",
        "mutations": [_supporter(world) for _ in range(5)],
    }
    headers = {
        "Content-Encoding": "gzip",
        "Content-Type": "application/json",
        "Accept-Encoding": "gzip",
    }
    r = world.server.request(
        "POST", "/v1/push", op.token, data=gzip.compress(json.dumps(body).encode()), headers=headers
    )
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert r.json()["results"][0]["status"] == "applied"
    raw = json.dumps(body).encode()
    truncated = world.server.request(
        "POST", "/v1/push", op.token, data=raw[:-7], headers={"Content-Type": "application/json"}
    )
    assert truncated.status_code == 400 and truncated.json()["error"] == "bad_json"
    broken_gzip = world.server.request(
        "POST", "/v1/push", op.token, data=gzip.compress(raw)[:-9], headers=headers
    )
    assert broken_gzip.status_code == 400
    wrong_type = dict(body, mutations=[dict(body["mutations"][0], base_version="1")])
    r = world.server.request("POST", "/v1/push", op.token, json=wrong_type)
    assert r.status_code == 422 and "base_version" in r.json()["message"]
    bomb = gzip.compress(b"[" + b" " * (80 * 1024 * 1024) + b"]")
    r = world.server.request("POST", "/v1/push", op.token, data=bomb, headers=headers)
    assert r.status_code == 413


def test_a_push_answer_is_gzip_for_a_client_that_accepts_it_and_plain_otherwise(
    world: World,
) -> None:
    """The push route compresses its own answer (level 1, in the worker thread); the
    app's answer middleware passes it on as it is, and a client that does not accept
    gzip gets the same JSON plain."""
    op = world.client("op3214")
    answers = {}
    for offset, accept in ((100, "gzip"), (200, "identity")):
        niks = [f"3214016101900{offset + n:03d}" for n in range(20)]
        mutations = [_supporter(world, nik=nik) for nik in niks]
        body = {"batch_id": str(uuid.uuid4()), "device_id": op.device_id, "mutations": mutations}
        r = op.server.request(
            "POST",
            "/v1/push",
            op.token,
            json=body,
            headers={"Accept-Encoding": accept},
            stream=True,
        )
        raw = r.raw.read()
        assert r.status_code == 200
        if accept == "gzip":
            assert r.headers["Content-Encoding"] == "gzip"
            raw = gzip.decompress(raw)
        else:
            assert "Content-Encoding" not in r.headers
        answers[accept] = json.loads(raw)
    for answer in answers.values():
        assert [x["status"] for x in answer["results"]] == ["applied"] * 20
        assert len(answer["receipt"]["body"]["results"]) == 20
