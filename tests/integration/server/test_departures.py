"""A supporter of a governor election moved to another kab/kota, on a real server
process with the real desktop (``silon-desktop login`` + ``sync``, ``bundle import``).

The old kab/kota's desktop may no longer hold the supporter: its next sync (or a feed
bundle on a USB stick) brings a departure, a tombstone with no personal data, and
the row is deleted there with its personal fields blanked; the new kab/kota's desktop
receives the whole record; moved back, the record comes back whole."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from silon_desktop.storage.models import RecordHistory, Supporter
from tests.fixtures import open_data
from tests.integration.server.conftest import (
    PASSWORD,
    World,
    _start_world,
    governor_election,
    mutation,
)
from tests.integration.server_process import ROOT

PROVINCE = "32"
#: The personal data of the supporters, searched for where it may not be.
PEOPLE = {
    "pindah": ("3214015505900001", "SITI RAHASIA PINDAH", "JL. KENANGA 7"),
    "tetap": ("3214015505900002", "AMINAH TETAP", "JL. MAWAR 3"),
    "usb": ("3214015505900003", "DEWI LEWAT USB", "JL. MELATI 9"),
    "kembali": ("3214015505900004", "SARI KEMBALI", "JL. ANGGREK 5"),
}


@pytest.fixture(scope="module")
def moves(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = Path(tmp_path_factory.mktemp("departures"))
    server, world = _start_world(folder)
    with server:
        election, pair = governor_election(PROVINCE)
        rows = {
            key: mutation(
                "supporter",
                {
                    "pair_id": pair["record_id"],
                    "nik": nik,
                    "name": name,
                    "address": address,
                    "birth_date": "1990-05-15",
                    "kabkota_code": "32.14",
                },
                scope=PROVINCE,
            )
            for key, (nik, name, address) in PEOPLE.items()
        }
        results = world.clients["prov32"].push_ok(election, pair, *rows.values())
        assert {r["status"] for r in results} == {"applied"}, results
        yield {
            "world": world,
            "folder": folder,
            "ids": {key: m["record_id"] for key, m in rows.items()},
            "versions": {key: 1 for key in rows},
        }


def _desktop(folder: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if k != "SILON_PASSWORD"}
    env.update(SILON_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))

    def cli(*args: str) -> None:
        command = [sys.executable, "-m", "silon_desktop", "--data-dir", str(folder), *args]
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
        )
        assert done.returncode == 0, done.stdout + done.stderr

    return cli


def _login(moves: dict[str, Any], name: str, office: str) -> Any:
    folder = moves["folder"] / office
    cli = _desktop(folder)
    if not (folder / "settings.json").exists():
        cli("--server", moves["world"].server.url, "login", "--user", name)
    return cli


def _rows(folder: Path) -> dict[str, dict[str, Any]]:
    """The local supporter rows (deleted ones too) by id, and every journal line."""
    db = open_data(folder, PASSWORD)
    try:
        with db.engine.connect() as conn:
            table = Supporter.__table__
            rows = conn.execute(select(table)).mappings().all()
            out = {str(r["id"]): dict(r) for r in rows}
            journal = conn.execute(select(RecordHistory.__table__.c.changes)).scalars().all()
            out["_journal"] = {"text": repr(journal)}
            return out
    finally:
        db.close()


def _move(moves: dict[str, Any], key: str, old: str, new: str) -> None:
    world: World = moves["world"]
    version = moves["versions"][key]
    change = mutation(
        "supporter",
        {"kabkota_code": new},
        scope=PROVINCE,
        record_id=moves["ids"][key],
        base_version=version,
        olds={"kabkota_code": old},
    )
    [result] = world.clients["prov32"].push_ok(change)
    assert result["status"] == "applied", result
    moves["versions"][key] = result["version"]


def _assert_gone(rows: dict[str, dict[str, Any]], record_id: str, key: str) -> None:
    """The row deleted, no personal field of it left, anywhere in the table or journal."""
    row = rows[record_id]
    assert row["deleted"] is True or row["deleted"] == 1
    assert (row["nik"], row["name"], row["address"], row["birth_date"]) == ("", "", "", None)
    nik, name, address = PEOPLE[key]
    text = repr(rows)
    assert nik not in text and name not in text and address not in text


def _assert_whole(rows: dict[str, dict[str, Any]], record_id: str, key: str, area: str) -> None:
    row = rows[record_id]
    assert not row["deleted"]
    assert (row["nik"], row["name"], row["kabkota_code"]) == (*PEOPLE[key][:2], area)


def test_a_moved_supporter_leaves_the_old_kabkota_and_reaches_the_new(
    moves: dict[str, Any],
) -> None:
    ids = moves["ids"]
    old, new = _login(moves, "op3214", "kpu3214"), _login(moves, "op3215", "kpu3215")
    old("sync")
    new("sync")
    before = _rows(moves["folder"] / "kpu3214")
    _assert_whole(before, ids["pindah"], "pindah", "32.14")
    assert ids["pindah"] not in _rows(moves["folder"] / "kpu3215")

    _move(moves, "pindah", "32.14", "32.15")
    old("sync")
    new("sync")
    here = _rows(moves["folder"] / "kpu3214")
    _assert_gone(here, ids["pindah"], "pindah")
    _assert_whole(here, ids["tetap"], "tetap", "32.14")  # the others stay as they were
    _assert_whole(_rows(moves["folder"] / "kpu3215"), ids["pindah"], "pindah", "32.15")
    # The server refuses the old kab/kota the record, as before.
    op3214 = moves["world"].clients["op3214"]
    assert op3214.get(f"/v1/records/supporter/{ids['pindah']}").status_code == 403


def test_a_supporter_moved_back_comes_back_whole(moves: dict[str, Any]) -> None:
    ids = moves["ids"]
    old, new = _login(moves, "op3214", "kpu3214"), _login(moves, "op3215", "kpu3215")
    old("sync")
    _move(moves, "kembali", "32.14", "32.15")
    old("sync")
    new("sync")
    _assert_gone(_rows(moves["folder"] / "kpu3214"), ids["kembali"], "kembali")
    _move(moves, "kembali", "32.15", "32.14")
    old("sync")
    new("sync")
    _assert_whole(_rows(moves["folder"] / "kpu3214"), ids["kembali"], "kembali", "32.14")
    _assert_gone(_rows(moves["folder"] / "kpu3215"), ids["kembali"], "kembali")


def test_a_feed_bundle_for_the_old_kabkota_carries_the_departure(
    moves: dict[str, Any], tmp_path: Path
) -> None:
    """An office with no connection: it synced once, then takes its feed on a USB stick."""
    ids = moves["ids"]
    offline = _login(moves, "op3214", "kantor3214")
    offline("sync")
    _assert_whole(_rows(moves["folder"] / "kantor3214"), ids["usb"], "usb", "32.14")
    _move(moves, "usb", "32.14", "32.15")
    stick = tmp_path / "umpan-3214.silon"
    server = moves["world"].server
    server.cli("bundle", "export", "--scope", "32.14", "--output", str(stick))
    carried = gzip.decompress(stick.read_bytes()).decode("utf-8")
    assert ids["usb"] in carried
    for value in PEOPLE["usb"]:
        assert value not in carried
    offline("bundle", "import", str(stick))
    _assert_gone(_rows(moves["folder"] / "kantor3214"), ids["usb"], "usb")
