"""Two levels on a real server process (issue #16): a governor election of province
32 with two kab/kota. Each KPU kab/kota reads the election, pair and candidates,
pulls and verifies only the supporters living in it, and cannot see the other's;
the province sees all, and its recap is the sum of the two."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.config import Settings
from silon_desktop.storage.repository import Repository
from tests.fixtures import open_data
from tests.integration.server.conftest import (
    PASSWORD,
    World,
    _start_world,
    governor_election,
    mutation,
)
from tests.integration.server_process import ROOT
from tests.public_seed import verdict

PROVINCE = "32"


@pytest.fixture(scope="module")
def levels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    server, world = _start_world(Path(tmp_path_factory.mktemp("levels")))
    with server:
        prov = world.clients["prov32"]
        election, pair = governor_election(PROVINCE)
        head = mutation(
            "candidate", {"pair_id": pair["record_id"], "role": "kepala"}, scope=PROVINCE
        )
        supporters: dict[str, list[str]] = {"32.14": [], "32.15": [], "": []}
        rows = []
        for area, count in (("32.14", 3), ("32.15", 2), ("", 1)):
            for i in range(count):
                nik = f"{area.replace('.', '') or '3201'}01550590{i:04d}"
                row = mutation(
                    "supporter",
                    {
                        "pair_id": pair["record_id"],
                        "nik": nik,
                        "name": f"PENDUKUNG {area} {i}",
                        "kabkota_code": area,
                    },
                    scope=PROVINCE,
                )
                supporters[area].append(row["record_id"])
                rows.append(row)
        results = prov.push_ok(election, pair, head, *rows)
        assert {r["status"] for r in results} == {"applied"}, results
        yield {
            "world": world,
            "election": election["record_id"],
            "pair": pair["record_id"],
            "candidate": head["record_id"],
            "supporters": supporters,
        }


def _province_rows(world: World, name: str) -> list[dict[str, Any]]:
    return [r for r in world.clients[name].feed_all() if r["scope"] == PROVINCE]


def test_a_kabkotas_first_sync_holds_only_its_part(levels: dict[str, Any]) -> None:
    world = levels["world"]
    for name, area in (("op3214", "32.14"), ("op3215", "32.15")):
        rows = world.clients[name].feed_all()  # from cursor 0: what a first sync reads
        assert {r["scope"] for r in rows} <= {area, PROVINCE}
        ids = {r["id"] for r in rows}
        assert {levels["election"], levels["pair"], levels["candidate"]} <= ids
        theirs = {r["id"] for r in rows if r["entity"] == "supporter"}
        assert theirs == set(levels["supporters"][area])
    # The province reads every supporter, also the one of no kab/kota.
    everyone = {r["id"] for r in _province_rows(world, "prov32") if r["entity"] == "supporter"}
    assert everyone == {i for ids in levels["supporters"].values() for i in ids}


def test_each_kabkota_verifies_its_own_and_cannot_touch_the_others(
    levels: dict[str, Any],
) -> None:
    world = levels["world"]
    verdicts = {"32.14": ["MS", "MS", "TMS"], "32.15": ["MS", "BMS"]}
    for name, area in (("op3214", "32.14"), ("op3215", "32.15")):
        client = world.clients[name]
        changes = [
            mutation(
                "supporter",
                {**verdict(status), "admin_by": name},
                scope=PROVINCE,
                record_id=rid,
                base_version=1,
            )
            for rid, status in zip(levels["supporters"][area], verdicts[area], strict=True)
        ]
        assert {r["status"] for r in client.push_ok(*changes)} == {"applied"}
    op3214 = world.clients["op3214"]
    other = levels["supporters"]["32.15"][0]
    # Verifying the other kab/kota's supporter is refused like any foreign record.
    touch = mutation("supporter", verdict("TMS"), scope=PROVINCE, record_id=other, base_version=2)
    assert op3214.push(touch).status_code == 403
    assert op3214.get(f"/v1/records/supporter/{other}").status_code == 403
    # Moving one's own supporter to the other kab/kota is refused too.
    own = levels["supporters"]["32.14"][0]
    move = mutation(
        "supporter",
        {"kabkota_code": "32.15"},
        scope=PROVINCE,
        record_id=own,
        base_version=2,
        olds={"kabkota_code": "32.14"},
    )
    result = op3214.push_ok(move)[0]
    assert (result["status"], result["code"], result["field"]) == (
        "rejected",
        "SCOPE_MISMATCH",
        "kabkota_code",
    )
    # A kab/kota never writes the governor election's pair.
    rename = mutation(
        "pair", {"head_name": "X"}, scope=PROVINCE, record_id=levels["pair"], base_version=1
    )
    assert op3214.push(rename).status_code == 403
    # The province's recap by kab/kota is the sum of what each kab/kota verified.
    recap = Counter(
        (r["fields"]["kabkota_code"], r["fields"]["admin_status"])
        for r in _province_rows(world, "prov32")
        if r["entity"] == "supporter" and r["fields"].get("admin_status")
    )
    parts: Counter[tuple[str, str]] = Counter()
    for name in ("op3214", "op3215"):
        parts.update(
            (r["fields"]["kabkota_code"], r["fields"]["admin_status"])
            for r in _province_rows(world, name)
            if r["entity"] == "supporter" and r["fields"].get("admin_status")
        )
    assert recap == parts
    assert recap[("32.14", "MS")] == 2 and recap[("32.15", "MS")] == 1
    assert sum(recap.values()) == 5


def test_a_kabkotas_bawaslu_reads_what_its_kpu_reads_and_writes_nothing(
    levels: dict[str, Any],
) -> None:
    """Bawaslu supervises the verification its kab/kota's KPU does: it reads the
    governor election and the share of its supporters living there, read-only."""
    world = levels["world"]
    watcher = world.clients["bawaslu3214"]
    seen = {r["id"] for r in watcher.feed_all()}
    assert seen == {r["id"] for r in world.clients["op3214"].feed_all()}
    assert {levels["election"], levels["pair"], levels["candidate"]} <= seen
    own, other = levels["supporters"]["32.14"][0], levels["supporters"]["32.15"][0]
    assert own in seen and other not in seen
    assert watcher.get(f"/v1/records/supporter/{own}").status_code == 200
    assert watcher.get(f"/v1/records/supporter/{other}").status_code == 403
    touch = mutation("supporter", verdict("TMS"), scope=PROVINCE, record_id=own, base_version=2)
    assert watcher.push(touch).status_code == 403


def _checks(client: Any) -> dict[str, dict[str, Any]]:
    """Every row of ``GET /v1/checks`` for ``client``, paged by its cursor."""
    out: dict[str, dict[str, Any]] = {}
    after = ""
    while True:
        r = client.get("/v1/checks", after=after, limit=2)
        assert r.status_code == 200, r.text
        body = r.json()
        out.update((c["record_id"], c) for c in body["checks"])
        after = body["cursor"]
        if not body["has_more"]:
            return out


def _snapshot_supporters(client: Any) -> set[str]:
    """The live supporters of ``client``'s snapshot (``GET /v1/snapshot`` and its parts)."""
    from sync.protocol import decode_feed_page

    r = client.get("/v1/snapshot")
    assert r.status_code == 200, r.text
    manifest = r.json()
    out: set[str] = set()
    for n in range(len(manifest["parts"])):
        part = client.get(f"/v1/snapshot/{manifest['snapshot_id']}/{n}")
        assert part.status_code == 200, part.text
        page = decode_feed_page(part.json())
        out |= {x.id for x in page.records if x.entity == "supporter" and not x.deleted}
    return out


def test_the_server_checks_and_records_give_each_level_what_its_feed_gives(
    levels: dict[str, Any],
) -> None:
    """``GET /v1/checks``, ``/v1/records`` and ``/v1/snapshot`` by level: a KPU kab/kota and its
    Bawaslu the supporters living in it, the province all of its own, KPU RI all, a
    trainer nothing outside a training server; each exactly the feed's supporters,
    and no other kab/kota's row, NIK or name in the answer."""
    world = levels["world"]
    ri = world.clients["ri"]
    body = {"username": "pelatih32", "password": PASSWORD, "role": "trainer", "region": "32"}
    made = world.server.request("POST", "/v1/users", world.server.login("ri", PASSWORD), json=body)
    assert made.status_code in (201, 409), made.text
    trainer = world.client("pelatih32", device_id="pelatih-device")
    everything = _checks(ri)
    governor = {rid for ids in levels["supporters"].values() for rid in ids}
    assert governor <= set(everything)  # the server checked every supporter
    supporters = {r["id"]: r for r in ri.feed_all() if r["entity"] == "supporter"}
    for name, area in (
        ("op3214", "32.14"),
        ("op3215", "32.15"),
        ("bawaslu3214", "32.14"),
        ("prov32", None),
        ("ri", None),
        ("pelatih32", None),
    ):
        client = trainer if name == "pelatih32" else world.clients[name]
        fed = {r["id"] for r in client.feed_all() if r["entity"] == "supporter"}
        got = _checks(client)
        assert set(got) == fed & set(everything), name
        if area is not None:
            assert {rid for rid in governor if rid in got} == {
                rid for rid in governor if supporters[rid]["fields"]["kabkota_code"] == area
            }
        if name == "pelatih32":  # not a training server: nothing
            assert not got and not fed
        assert _snapshot_supporters(client) == {
            r["id"] for r in client.feed_all() if r["entity"] == "supporter" and not r["deleted"]
        }, name
        for rid in governor:
            r = client.get(f"/v1/records/supporter/{rid}")
            assert r.status_code == (200 if rid in fed else 403), (name, rid, r.status_code)
            if rid not in fed:  # nothing of another area's person in any answer
                fields = supporters[rid]["fields"]
                for path in ("/v1/checks", "/v1/conflicts"):
                    text = client.get(path, limit=1000).text
                    assert rid not in text and fields["nik"] not in text, (name, path)
                    assert fields["name"] not in text, (name, path)


def test_a_kabkota_and_its_bawaslu_read_the_conflicts_of_their_share(
    levels: dict[str, Any],
) -> None:
    """A kab/kota verifies its share of the governor election's supporters: the
    conflicts on them, its own included, are in its conflict log, not another's."""
    world = levels["world"]
    prov, op3214 = world.clients["prov32"], world.clients["op3214"]
    person = mutation(
        "supporter",
        {"pair_id": levels["pair"], "name": "SEMULA", "kabkota_code": "32.14"},
        scope=PROVINCE,
    )
    rid = person["record_id"]
    prov.push_ok(person)
    edit = {"record_id": rid, "base_version": 1, "olds": {"name": "SEMULA"}}
    prov.push_ok(mutation("supporter", {"name": "PROVINSI"}, scope=PROVINCE, **edit))
    [mine] = op3214.push_ok(mutation("supporter", {"name": "KABKOTA"}, scope=PROVINCE, **edit))
    assert mine["status"] == "conflict"

    def logged(name: str) -> list[str]:
        r = world.clients[name].get("/v1/conflicts", record_id=rid)
        assert r.status_code == 200, r.text
        return [c["record_id"] for c in r.json()["conflicts"]]

    assert logged("op3214") == [rid]
    assert logged("bawaslu3214") == [rid]
    assert logged("prov32") == [rid]
    assert logged("op3215") == []


def test_an_account_moved_to_another_kabkota_leaves_its_old_answers_behind(
    levels: dict[str, Any],
) -> None:
    """A KPU 32.14 operator's answers stay 32.14's when the account is moved to 32.15
    (``silon-server user role``). A supporter it verified in 32.14, moved to 32.15
    since: a repeat of its old mutation id, pushed now by the moved account or by
    32.15, is answered bare (status, version, code), not with the record as it lay in
    32.14 (its name and verdict there). 32.14 still reads the answers given in it whole."""
    world = levels["world"]
    server, prov = world.server, world.clients["prov32"]
    body = {"username": "pindah3214", "password": PASSWORD, "role": "kabkota", "region": "32.14"}
    made = server.request("POST", "/v1/users", server.login("ri", PASSWORD), json=body)
    assert made.status_code == 201, made.text
    mover = world.client("pindah3214", device_id="pindah-device")

    def merged_check(name: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """A supporter of 32.14 renamed by the province, then verified by the operator
        from its first version: merged, answered with the whole record."""
        person = mutation(
            "supporter",
            {"pair_id": levels["pair"], "name": name, "kabkota_code": "32.14"},
            scope=PROVINCE,
        )
        rid = person["record_id"]
        prov.push_ok(person)
        edit = {"scope": PROVINCE, "record_id": rid, "base_version": 1}
        prov.push_ok(mutation("supporter", {"name": name + " X"}, olds={"name": name}, **edit))
        checked = mutation("supporter", {**verdict("MS"), "admin_by": "pindah3214"}, **edit)
        [first] = mover.push_ok(checked)
        assert first["status"] == "merged" and first["record"]["fields"]["name"] == name + " X"
        return rid, checked, first

    gone, gone_check, gone_first = merged_check("RAHASIA PINDAH")
    kept, kept_check, kept_first = merged_check("RAHASIA TETAP")
    prov.push_ok(
        mutation(
            "supporter",
            {"kabkota_code": "32.15", "name": "SEKARANG"},
            scope=PROVINCE,
            record_id=gone,
            base_version=3,
            olds={"kabkota_code": "32.14", "name": "RAHASIA PINDAH X"},
        )
    )
    server.cli("user", "role", "pindah3214", "kabkota", "--region", "32.15")
    moved = world.client("pindah3214", device_id="pindah-device")
    assert moved.get(f"/v1/records/supporter/{gone}").status_code == 200
    bare = {"mutation_id", "status", "version", "code"}
    for client in (moved, world.clients["op3215"]):
        [again] = client.push_ok(gone_check)
        assert set(again) <= bare, (client.username, again)
        assert (again["status"], again["version"]) == ("merged", gone_first["version"])
        assert "RAHASIA" not in str(again)
    # The office it pushed in reads what it read: the answers given there whole.
    assert world.clients["op3214"].push_ok(kept_check) == [kept_first]


def test_a_kabkota_adds_supporters_of_its_own_area_only(levels: dict[str, Any]) -> None:
    op3215 = levels["world"].clients["op3215"]
    mine = mutation(
        "supporter",
        {"pair_id": levels["pair"], "name": "BARU", "kabkota_code": "32.15"},
        scope=PROVINCE,
    )
    stray = mutation(
        "supporter",
        {"pair_id": levels["pair"], "name": "LIAR", "kabkota_code": "32.14"},
        scope=PROVINCE,
    )
    results = op3215.push_ok(mine, stray)
    assert results[0]["status"] == "applied"
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "SCOPE_MISMATCH")


def test_the_desktops_first_sync_of_a_kabkota_holds_only_its_part(
    levels: dict[str, Any], tmp_path: Path
) -> None:
    """The real headless client (silon-desktop login + sync) of KPU 32.15."""
    server = levels["world"].server
    data = tmp_path / "kpu3215"
    env = {k: v for k, v in os.environ.items() if k != "SILON_PASSWORD"}
    env.update(SILON_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "silon_desktop", "--data-dir", str(data), *args]
        return subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
        )

    done = cli("--server", server.url, "login", "--user", "op3215")
    assert done.returncode == 0, done.stdout + done.stderr
    done = cli("sync")
    assert done.returncode == 0, done.stdout + done.stderr
    settings = Settings.load(data / "settings.json")
    db = open_data(data)
    try:
        repo = Repository(db, settings.device_id, settings.username)
        supporters = {r["id"] for r in repo.list("supporter")}
        elections = {r["id"] for r in repo.list("election")}
        candidates = {r["id"] for r in repo.list("candidate")}
    finally:
        db.close()
    assert levels["election"] in elections and levels["candidate"] in candidates
    theirs = set(levels["supporters"]["32.15"])
    assert theirs <= supporters
    others = set(levels["supporters"]["32.14"]) | set(levels["supporters"][""])
    assert not supporters & others


def test_a_bawaslu_desktop_synced_under_the_old_read_rules_gets_its_share_at_its_next_sync(
    levels: dict[str, Any], tmp_path: Path
) -> None:
    """A kab/kota's Bawaslu read none of the governor election before 82635f7; its
    desktop's cursor is past those records. The server announces its read rules: the
    desktop, having moved its cursor under none, pulls again from the beginning and
    gets the election and the supporters living in its kab/kota, and no others."""
    from sync.client.state import CURSOR_KEY, FEED_RULES_KEY, SERVER_RULES_KEY, get_state
    from sync.server.roles import Actor, Role

    server = levels["world"].server
    data = tmp_path / "bawaslu3214"
    env = {k: v for k, v in os.environ.items() if k != "SILON_PASSWORD"}
    env.update(SILON_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))

    def cli(*args: str) -> None:
        command = [sys.executable, "-m", "silon_desktop", "--data-dir", str(data), *args]
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def province_rows() -> dict[str, set[str]]:
        db = open_data(data)
        try:
            repo = Repository(db, settings.device_id, settings.username)
            return {
                entity: {r["id"] for r in repo.list(entity) if r["scope"] == PROVINCE}
                for entity in ("election", "pair", "supporter")
            }
        finally:
            db.close()

    cli("--server", server.url, "login", "--user", "bawaslu3214")
    cli("sync")
    settings = Settings.load(data / "settings.json")
    # As the desktop stood when the server read by the old rules: none of the
    # province's records, a cursor past them, no read rules saved.
    db = open_data(data)
    try:
        with db.engine.begin() as conn:
            cursor = get_state(conn, CURSOR_KEY)
            # what the login said, kept by the snapshot
            announced = Actor("bawaslu3214", Role.BAWASLU, "32.14", "").read_rules
            assert get_state(conn, FEED_RULES_KEY) == announced
            for table in ("supporter", "candidate", "pair", "election"):
                conn.exec_driver_sql(f"DELETE FROM {table} WHERE scope = ?", (PROVINCE,))  # noqa: S608
            conn.exec_driver_sql(
                "DELETE FROM sync_state WHERE key IN (?, ?)", (FEED_RULES_KEY, SERVER_RULES_KEY)
            )
    finally:
        db.close()
    assert cursor and not any(province_rows().values())

    cli("sync")
    rows = province_rows()
    assert rows["election"] == {levels["election"]} and rows["pair"] == {levels["pair"]}
    assert set(levels["supporters"]["32.14"]) <= rows["supporter"]
    others = set(levels["supporters"]["32.15"]) | set(levels["supporters"][""])
    assert not rows["supporter"] & others
