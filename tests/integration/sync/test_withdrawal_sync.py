"""A supporter withdrawn with a reason travels as a tombstone through a real server
process: the reason survives an unsent edit folded into the delete, the server keeps
the row and an audit line of the withdrawal, and another device pulls the reason."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine

from silon_desktop.domain.regions import default_table
from silon_desktop.reports.recap import pair_recap
from silon_desktop.services import withdrawal
from sync.server import audit
from sync.server.db import SQLITE_NAME
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import HttpClient
from tests.integration.sync.test_rounds_scenario import _supporters


def _server_audit(server: ServerProcess, record_id: str) -> list[tuple[str, dict, dict]]:
    path = Path(server.data_dir) / SQLITE_NAME
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT action, before, after FROM audit WHERE record_id = ? ORDER BY id", (record_id,)
        ).fetchall()
    finally:
        con.close()
    return [(a, json.loads(b or "null") or {}, json.loads(c or "null") or {}) for a, b, c in rows]


def test_a_withdrawal_travels_as_a_tombstone_with_its_reason(
    qtbot: QtBot,
    server: ServerProcess,
    region: str,
    http_client: Callable[..., HttpClient],
) -> None:
    operator, other = http_client("op"), http_client("ver")
    kec = [r.code for r in default_table().children(region)][:2]
    if not kec:
        pytest.skip(f"no kecamatan known for {region}")
    election = operator.repo.create(
        "election",
        {
            "name": "Uji",
            "kind": "bupati",
            "region_code": region,
            "year": 2024,
            "dpt": 60,
            "subregion_count": 2,
            "rule_set": "pilkada-2024",
        },
        region,
    )
    pair = operator.repo.create(
        "pair", {"election_id": election, "number": 1, "route": "perseorangan"}, region
    )
    ids = _supporters(operator, pair, region, kec, 3, first=1, arrival="submission")
    for client in (operator, other, operator):
        assert client.sync().failure is None
    target = ids[0]
    # An edit not sent yet, then the withdrawal: the delete keeps the reason.
    operator.repo.update("supporter", target, {"address": "JL. BARU"})
    values = withdrawal.withdrawal_values("ditarik_pendukung", operator.username, "surat 3 Juni")
    withdrawal.withdraw(operator.repo, operator.db, {"region_code": region}, target, values)
    assert operator.sync().failure is None
    assert other.sync().failure is None

    pulled = other.repo.get("supporter", target)
    assert pulled is not None and pulled["deleted"] is True
    assert (pulled["withdrawn_reason"], pulled["withdrawn_note"]) == (
        "ditarik_pendukung",
        "surat 3 Juni",
    )
    assert pulled["withdrawn_by"] == operator.username and pulled["withdrawn_at"] is not None
    assert pair_recap(other.db.engine, pair).totals.total == 2  # counts leave it out

    r = server.request("GET", f"/v1/records/supporter/{target}", token=other.token)
    assert r.status_code == 200, r.text
    kept = r.json()
    assert kept["deleted"] is True
    assert kept["fields"]["name"] == "PENDUKUNG 001"  # the tombstone keeps the row
    assert kept["fields"]["withdrawn_reason"] == "ditarik_pendukung"
    actions = _server_audit(server, target)
    assert [a for a, _b, _c in actions] == ["create", "delete"]
    _action, _before, after = actions[-1]
    assert after["withdrawn_reason"] == "ditarik_pendukung"
    assert after["withdrawn_note"] == "surat 3 Juni"
    # The audit keeps digests, not copies: the state before the withdrawal is rebuilt
    # from the row and the entries, each checked against its digest.
    engine = create_engine(f"sqlite:///{Path(server.data_dir) / SQLITE_NAME}")
    try:
        with engine.connect() as conn:
            created, deleted = audit.history(conn, target)
    finally:
        engine.dispose()
    assert (created.action, created.deleted) == ("create", False)
    assert created.fields["name"] == "PENDUKUNG 001"
    assert "withdrawn_reason" not in created.fields or not created.fields["withdrawn_reason"]
    assert (deleted.action, deleted.deleted) == ("delete", True)
    assert deleted.fields["withdrawn_reason"] == "ditarik_pendukung"


def _public_submitted(server: ServerProcess, pair: str) -> int:
    doc = server.request("GET", "/publik/data/pemilihan.json").json()
    pairs = [p for e in doc["elections"] for p in e["pairs"] if p["id"] == pair]
    return int(pairs[0]["support"]["totals"]["submitted"]) if pairs else -1


def test_a_withdrawal_undone_travels_as_a_restore_and_the_counts_follow(
    qtbot: QtBot,
    server: ServerProcess,
    region: str,
    http_client: Callable[..., HttpClient],
) -> None:
    operator, other = http_client("op"), http_client("ver")
    kec = [r.code for r in default_table().children(region)][:2]
    if not kec:
        pytest.skip(f"no kecamatan known for {region}")
    election = operator.repo.create(
        "election",
        {"name": "Uji pulih", "kind": "bupati", "region_code": region, "year": 2024,
         "dpt": 60, "subregion_count": 2, "rule_set": "pilkada-2024"},
        region,
    )  # fmt: skip
    pair = operator.repo.create(
        "pair",
        {"election_id": election, "number": 1, "route": "perseorangan", "status": "diajukan"},
        region,
    )  # submitted: a draft pair is on no public page
    ids = _supporters(operator, pair, region, kec, 3, first=1, arrival="submission")
    for client in (operator, other, operator):
        assert client.sync().failure is None
    target, waiting = ids[0], ids[1]
    scope = {"region_code": region}
    values = withdrawal.withdrawal_values("salah_input", operator.username)
    withdrawal.withdraw(operator.repo, operator.db, scope, target, values)
    assert operator.sync().failure is None
    assert other.sync().failure is None
    assert (other.repo.get("supporter", target) or {})["deleted"] is True
    assert _public_submitted(server, pair) == 2

    # The withdrawal was a mistake: restored on the operator's desktop and synced.
    withdrawal.restore(operator.repo, operator.db, scope, target)
    # Another row: an edit, a withdrawal and its restore all before any sync; the
    # edit folded into the withdrawal reaches the server, nothing else does.
    operator.repo.update("supporter", waiting, {"address": "JL. PULIH"})
    withdrawal.withdraw(operator.repo, operator.db, scope, waiting, values)
    withdrawal.restore(operator.repo, operator.db, scope, waiting)
    assert operator.sync().failure is None
    assert other.sync().failure is None

    pulled = other.repo.get("supporter", target) or {}
    assert pulled["deleted"] is False and pulled["name"] == "PENDUKUNG 001"
    assert pulled["withdrawn_reason"] in ("", None) and pulled["withdrawn_at"] is None
    assert pair_recap(other.db.engine, pair).totals.total == 3
    assert (other.repo.get("supporter", waiting) or {})["address"] == "JL. PULIH"
    assert _public_submitted(server, pair) == 3

    kept = server.request("GET", f"/v1/records/supporter/{target}", token=other.token).json()
    assert kept["deleted"] is False and kept["fields"]["withdrawn_reason"] in ("", None)
    actions = _server_audit(server, target)
    assert [a for a, _b, _c in actions][-2:] == ["delete", "restore"]
    _action, undone, _after = actions[-1]
    assert undone["withdrawn_reason"] == "salah_input"
    assert "restore" not in [a for a, _b, _c in _server_audit(server, waiting)]
