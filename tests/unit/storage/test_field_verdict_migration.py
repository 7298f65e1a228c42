"""Revision 0013: a field verdict counts only while the row is MS administratively.

A file at 0012 holding a supporter re-checked away from MS after its field
verification (its stored status still the field verdict's) upgrades with the
administrative verdict counted, and the other rows as they were.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from silon_desktop.storage.db import HEAD_REVISION, create_sqlite_engine, migrate, open_database

NOW = "2024-05-01 08:00:00.000000"
PAIR = "22222222-2222-4222-8222-222222222222"
#: id, admin status, admin reasons, field status, field reasons, stored status, reasons
ROWS = [
    ("rechecked", "TMS", '["UNDERAGE"]', "MS", "[]", "MS", ""),
    ("field-tms", "MS", "[]", "TMS", '["NOT_FOUND"]', "TMS", "NOT_FOUND"),
    ("admin-only", "BMS", '["NO_ID_SCAN"]', "", "[]", "BMS", "NO_ID_SCAN"),
]


def _make_0012_database(path: Path) -> None:
    engine = create_sqlite_engine(path, None)
    migrate(engine, "0012")
    engine.dispose()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO election (id, scope, version, deleted, updated_at, name, kind,"
            " region_code, rule_set) VALUES ('e', '32.14', 1, 0, ?, 'Pilkada', 'bupati',"
            " '32.14', 'pilkada-2024')",
            (NOW,),
        )
        conn.execute(
            "INSERT INTO pair (id, scope, version, deleted, updated_at, election_id, number,"
            " route, head_name, deputy_name, status) VALUES (?, '32.14', 1, 0, ?, 'e', 1,"
            " 'perseorangan', 'Asep', 'Ujang', 'draft')",
            (PAIR, NOW),
        )
        (key,) = conn.execute("SELECT key FROM pair_key WHERE pair_id = ?", (PAIR,)).fetchone()
        for n, (record_id, admin, admin_r, field, field_r, status, reasons) in enumerate(ROWS):
            conn.execute(
                "INSERT INTO supporter (id, scope, version, deleted, updated_at, pair_id, nik,"
                " name, birth_place, sex, marital_status, occupation, address, rt, rw,"
                " desa_code, kecamatan_code, kabkota_code, has_id_scan, nik_from_number,"
                " check_status, check_reasons, admin_status, admin_reasons, admin_by,"
                " field_status, field_reasons, field_method, field_by, external_duplicate,"
                " round, effective_status, effective_reasons) VALUES (?, '32.14', 1, 0, ?, ?,"
                " ?, 'Nama', '', 'P', 'S', '', '', '', '', '32.14.01.2001', '32.14.01', '32.14',"
                " 1, 0, 'MS', '[]', ?, ?, '', ?, ?, '', '', 0, 'submission', ?, ?)",
                (
                    record_id,
                    NOW,
                    key,
                    f"32140101019000{n:02d}",
                    admin,
                    admin_r,
                    field,
                    field_r,
                    status,
                    reasons,
                ),
            )
    conn.close()


def test_0012_file_counts_the_admin_verdict_of_a_row_no_longer_admin_ms(tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    _make_0012_database(path)
    db = open_database(path)
    assert db.schema_revision() == HEAD_REVISION
    db.close()
    conn = sqlite3.connect(path)
    try:
        found = dict(
            (r[0], (r[1], r[2]))
            for r in conn.execute("SELECT id, effective_status, effective_reasons FROM supporter")
        )
        kept = conn.execute("SELECT field_status FROM supporter WHERE id = 'rechecked'").fetchone()
    finally:
        conn.close()
    assert found == {
        "rechecked": ("TMS", "UNDERAGE"),  # was MS: the field verdict of an MS row
        "field-tms": ("TMS", "NOT_FOUND"),
        "admin-only": ("BMS", "NO_ID_SCAN"),
    }
    assert kept == ("MS",)  # the field verdict itself is kept
