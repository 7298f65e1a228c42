"""A 2024 independent pair through every round, on a real server process: submission,
administrative verification, correction 1 and its verification, field verification 1,
correction 2 and its verification, field verification 2, and the recap the berita
acara prints. Two devices of the KPU kab/kota (the operator who enters the pair's
lists, the verifier) work through the server; only a person's verdicts count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from silon_desktop.domain.nik import build_nik
from silon_desktop.domain.regions import default_table
from silon_desktop.domain.rules import PILKADA_2024
from silon_desktop.reports.recap import pair_recap
from silon_desktop.services import verification
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import HttpClient, add_user, live, server_feed
from tests.unit.sync.harness import PASSWORD


def _supporters(
    client: HttpClient,
    pair: str,
    scope: str,
    kec: list[str],
    n: int,
    *,
    first: int,
    arrival: str,
) -> list[str]:
    ids = []
    for i in range(n):
        kecamatan = kec[i % len(kec)]
        desa = default_table().children(kecamatan)[0].code
        born = dt.date(1970, 1, 1) + dt.timedelta(days=97 * (first + i))
        ids.append(
            client.repo.create(
                "supporter",
                {
                    "pair_id": pair,
                    "nik": build_nik(kecamatan, born, "L", first + i),
                    "name": f"PENDUKUNG {first + i:03d}",
                    "birth_place": "KOTA",
                    "birth_date": born,
                    "sex": "L",
                    "marital_status": "S",
                    "occupation": "PETANI",
                    "address": "JL. DESA",
                    "desa_code": desa,
                    "kecamatan_code": kecamatan,
                    "kabkota_code": scope,
                    "has_id_scan": True,
                    "round": arrival,
                },
                scope,
            )
        )
    election = {
        "region_code": scope,
        "rule_set": "pilkada-2024",
        "support_end": dt.date(2024, 5, 12),
    }
    for record_id in ids:  # the automatic check, as the application runs it on entry
        assert verification.recheck(client.repo, client.db, record_id, election) is None
    return ids


def _verdict(
    client: HttpClient, ids: list[str], stage: str, reasons: list[str], method: str = ""
) -> None:
    rules = PILKADA_2024
    status = verification.status_for(reasons, rules)
    verification.check_choice(client.db, ids, stage, status, rules)
    values = verification.verdict_values(stage, status, reasons, client.username, method)
    assert verification.verify(client.repo, ids, values).count == len(ids)


def _sync_all(*clients: HttpClient) -> None:
    for _ in range(2):
        for client in clients:
            report = client.sync()
            assert not getattr(report, "errors", None), report


def test_a_2024_pair_through_every_round_to_the_recap_on_a_real_server(
    qtbot: QtBot, server: ServerProcess, fast_dir: Path, tmp_path: Path
) -> None:
    # A kabupaten of this test alone (the other tests of this server take
    # theirs from 51.01 upwards).
    region = "33.01"
    kec = [r.code for r in default_table().children(region)][:3]
    clients = []
    for name in ("op", "ver"):
        username = f"r{region.replace('.', '')}{name}"
        add_user(server, username, region)
        token = server.login(username, PASSWORD, device_id=f"dev-{username}")
        client = HttpClient(fast_dir / name, server.url, username, token)
        client.settings.device_id = f"dev-{username}"
        clients.append(client)
    operator, verifier = clients
    try:
        _all_rounds(operator, verifier, server, region, kec, tmp_path)
    finally:
        for client in clients:
            client.close()


def _all_rounds(
    operator: HttpClient,
    verifier: HttpClient,
    server: ServerProcess,
    region: str,
    kec: list[str],
    tmp_path: Path,
) -> None:
    election = operator.repo.create(
        "election",
        {
            "name": "Pemilihan Bupati Uji 2024",
            "kind": "bupati",
            "region_code": region,
            "year": 2024,
            "dpt": 60,  # 10%: 6 supporters needed
            "subregion_count": 3,  # spread: 2 kecamatan
            "rule_set": "pilkada-2024",
        },
        region,
    )
    pair = operator.repo.create(
        "pair",
        {"election_id": election, "number": 1, "route": "perseorangan", "head_name": "UJI"},
        region,
    )
    # Submission: 6 supporters in two kecamatan.
    submitted = _supporters(operator, pair, region, kec[:2], 6, first=1, arrival="submission")
    _sync_all(operator, verifier)

    # Administrative verification on the verifier's device: 3 MS, 2 BMS, 1 TMS.
    _verdict(verifier, submitted[:3], "admin", [])
    _verdict(verifier, submitted[3:5], "admin", ["NO_ID_SCAN"])
    _verdict(verifier, submitted[5:], "admin", ["UNDERAGE"])
    _sync_all(verifier, operator)
    vermin = pair_recap(operator.db.engine, pair, "vermin")
    assert (vermin.totals.ms, vermin.totals.bms, vermin.totals.tms) == (3, 2, 1)
    need = PILKADA_2024.correction_requirement(
        vermin.required or 0, vermin.ms_total, vermin.spread_required or 0, vermin.spread_met
    )
    assert (need.supporters, need.areas, need.new_supporters_only) == (3, 0, True)

    # Correction 1: three new supporters, in the third kecamatan.
    first_fix = _supporters(operator, pair, region, kec[2:], 3, first=20, arrival="correction_1")
    _sync_all(operator, verifier)
    # Its verification is the last for these rows: BMS is refused, MS or TMS only.
    with pytest.raises(verification.VerdictRefused):
        _verdict(verifier, first_fix[:1], "admin", ["NO_ID_SCAN"])
    _verdict(verifier, first_fix[:2], "admin", [])
    _verdict(verifier, first_fix[2:], "admin", ["NIK_FORMAT"])
    _sync_all(verifier, operator)
    assert pair_recap(operator.db.engine, pair, "vermin_correction_1").totals.ms == 2

    # Field verification 1: the administrative MS of the submission and correction 1.
    _verdict(verifier, submitted[:3] + first_fix[:1], "field", [], "rumah")
    _verdict(verifier, first_fix[1:2], "field", ["NOT_FOUND"], "lo")
    _sync_all(verifier, operator)
    verfak = pair_recap(operator.db.engine, pair, "verfak_1")
    assert (verfak.totals.ms, verfak.totals.tms, verfak.totals.total) == (4, 1, 5)
    assert verfak.ms_total == 4 and verfak.shortfall == 2

    # Correction 2: two more, verified MS in the office and in the field.
    second_fix = _supporters(operator, pair, region, kec, 2, first=40, arrival="correction_2")
    _sync_all(operator, verifier)
    _verdict(verifier, second_fix, "admin", [])
    _verdict(verifier, second_fix, "field", [], "video")
    _sync_all(verifier, operator)

    # The recap: both devices and the server agree; the pair meets threshold and spread.
    final = pair_recap(operator.db.engine, pair, "recap")
    assert pair_recap(verifier.db.engine, pair, "recap").totals == final.totals
    # After the correction rounds only MS and TMS remain: the submission's two BMS
    # (NO_ID_SCAN) that no correction made MS are TMS, with their reason.
    assert (final.totals.ms, final.totals.bms, final.totals.tms) == (6, 0, 5)
    assert final.totals.total == 11 and final.reasons.get("NO_ID_SCAN") == 2
    assert final.required == 6 and final.meets_threshold is True
    assert final.spread_met == 3 and final.meets_spread is True
    # The forecast said MS for all 11: it is shown beside, never counted.
    assert (final.forecast.ms, final.forecast.bms, final.forecast.tms) == (11, 0, 0)
    on_server = [
        f
        for (entity, _id), f in live(server_feed(server, verifier.token)).items()
        if entity == "supporter" and f["pair_id"] == pair
    ]
    assert sorted(f["round"] for f in on_server) == sorted(
        ["submission"] * 6 + ["correction_1"] * 3 + ["correction_2"] * 2
    )
    assert sum(1 for f in on_server if f["field_status"] == "MS") == 6
    assert all(f["admin_by"] == verifier.username for f in on_server)
    from silon_desktop.ui.pdf_reports import write_berita_acara_pdf

    out = write_berita_acara_pdf(final, tmp_path / "ba.pdf", day=dt.date(2024, 9, 20))
    import pypdf

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages)
    text = " ".join(text.replace("\ufb01", "fi").split())
    assert "REKAPITULASI HASIL VERIFIKASI SELURUH TAHAP DUKUNGAN" in text
    assert "Memenuhi syarat (MS) 6" in text and "Belum memenuhi syarat (BMS) 0" in text
    assert "dinyatakan MEMENUHI" in text
    # Both synced last: the berita acara says the server had every change it counts.
    assert final.standing is not None and final.standing.confirmed
    assert "telah diterima server (sinkronisasi terakhir" in text and "PERHATIAN" not in text
