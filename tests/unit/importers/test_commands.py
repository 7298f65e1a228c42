"""``silon-desktop validate`` and ``silon-desktop import``: headless, exit 0 or 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.cli import main
from silon_desktop.storage.db import open_database
from silon_desktop.storage.models import Election, Pair, Supporter
from tests.unit.importers.sheets import supporter_rows, write_xlsx


def test_validate_writes_one_object_per_row_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = supporter_rows(5)
    rows[2][1] = "12345"
    path = write_xlsx(tmp_path / "d.xlsx", rows, title_rows=2)
    out = tmp_path / "r.json"
    code = main(
        ["validate", str(path), "--region", "32.14", "--reference-date", "2024-05-12",
         "--report", str(out), "--assume-id-scans"]
    )  # fmt: skip
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["row"] for d in data] == [4, 5, 6, 7, 8]
    assert data[2] == {"row": 6, "nik": "12345", "status": "TMS", "codes": ["NIK_FORMAT"]}
    assert data[0]["status"] == "MS" and data[0]["codes"] == []
    printed = capsys.readouterr().out
    assert "MS: 4" in printed and "TMS: 1" in printed and "NIK tidak sesuai format: 1" in printed


def test_validate_an_unreadable_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", supporter_rows(20))
    cut = tmp_path / "potong.xlsx"
    cut.write_bytes(good.read_bytes()[:1000])
    assert main(["validate", str(cut), "--region", "32.14", "--report", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "potong.xlsx" in err and "terpotong" in err
    assert not (tmp_path / "x").exists()
    assert main(["validate", str(tmp_path / "hilang.xlsx"), "--region", "32.14"]) == 2
    assert "hilang.xlsx tidak ditemukan" in capsys.readouterr().err
    assert main(["validate", str(good), "--region", "99.99"]) == 2


def test_validate_runs_without_qt_or_a_database(tmp_path: Path) -> None:
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    script = (
        "import sys; from silon_desktop.cli import main; "
        f"rc = main(['validate', {str(photo)!r}, '--region', '32.14']); "
        "assert 'PySide6' not in sys.modules and 'sqlalchemy' not in sys.modules; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "foto.jpg bukan lembar kerja" in done.stderr


def test_import_command_stores_rows(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _election_and_pair(data_dir)
    db = open_database(data_dir / "silon.db")
    path = write_xlsx(tmp_path / "d.xlsx", supporter_rows(4))
    assert main(["--data-dir", str(data_dir), "import", str(path), "--pair", "p1"]) == 0
    assert "Disimpan: 4 baru" in capsys.readouterr().out
    again = ["import", str(path), "--pair", "p1", "--data-dir", str(data_dir)]
    assert main([*again, "--replace", "--yes"]) == 0
    assert "0 baru, 0 diperbarui, 4 tidak berubah" in capsys.readouterr().out
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 4
    db.close()
    assert main(["--data-dir", str(data_dir), "import", str(path), "--pair", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_import_command_imports_a_list_in_two_parts_keeping_every_row(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second part of a list, imported with no flag, adds its rows: a NIK of
    the first part is classified (ganda identik / potensi ganda), never overwritten."""
    _election_and_pair(data_dir)
    db = open_database(data_dir / "silon.db")
    rows = supporter_rows(12)
    first, second = rows[:6], rows[6:]
    other = list(first[1])
    other[2] = "Orang Lain"
    second += [list(first[0]), other]
    base = ["--data-dir", str(data_dir), "import", "--pair", "p1", "--assume-id-scans"]
    assert main([*base, str(write_xlsx(tmp_path / "1.xlsx", first))]) == 0
    capsys.readouterr()
    report = tmp_path / "2.json"
    assert main([*base, str(write_xlsx(tmp_path / "2.xlsx", second)), "--report", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "Disimpan: 8 baru, 0 diperbarui, 0 tidak berubah" in printed
    assert "NIK yang sudah ada di pasangan ini: 2 baris (ditandai ganda)" in printed
    rows_out = json.loads(report.read_text(encoding="utf-8"))
    assert [r["codes"] for r in rows_out[-2:]] == [["DUPLICATE_IDENTICAL"], ["DUPLICATE_POTENTIAL"]]
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 14  # every row of both parts
        names = {s.name for s in session.query(Supporter).filter_by(nik=str(first[1][1]))}
        reasons = [
            s.check_reasons for s in session.query(Supporter).filter_by(nik=str(first[1][1]))
        ]
    db.close()
    assert names == {str(first[1][2]), "Orang Lain"}
    assert reasons == [["DUPLICATE_POTENTIAL"], ["DUPLICATE_POTENTIAL"]]


def _election_and_pair(folder: Path, election: str = "e1", pair: str = "p1") -> None:
    """An election of 32.14 and one pair in it, in the data folder's database."""
    db = open_database(folder / "silon.db")
    with db.session() as session:
        session.add(Election(id=election, scope="32.14", kind="bupati", region_code="32.14"))
        session.flush()
        session.add(Pair(id=pair, scope="32.14", election_id=election))
    db.close()


def _schema(data_dir: Path) -> list[tuple[str, str]]:
    db = open_database(data_dir / "silon.db")
    try:
        with db.session(readonly=True) as session:
            rows = session.connection().exec_driver_sql(
                "SELECT name, sql FROM sqlite_master ORDER BY name"
            )
            return [(str(r[0]), str(r[1])) for r in rows]
    finally:
        db.close()


def test_ctrl_c_during_an_import_says_so_and_keeps_nothing(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl+C after rows were written inside the import's transaction: exit 130, one
    Indonesian sentence naming the file (no traceback), and the database as before:
    no supporter, no outbox entry, every index there."""
    from silon_desktop.storage.bulk import SupporterBulkWriter

    _election_and_pair(data_dir)
    before = _schema(data_dir)
    write = SupporterBulkWriter.insert_stored  # what a new list's rows go through

    def write_then_interrupt(self: Any, rows: Any, form: Any) -> Any:
        write(self, rows, form)  # the rows are in the transaction, then Ctrl+C
        raise KeyboardInterrupt

    monkeypatch.setattr(SupporterBulkWriter, "insert_stored", write_then_interrupt)
    path = write_xlsx(tmp_path / "dukungan.xlsx", supporter_rows(6))
    report = tmp_path / "r.json"
    args = ["--data-dir", str(data_dir), "import", str(path), "--pair", "p1"]
    assert main([*args, "--report", str(report)]) == 130
    err = capsys.readouterr().err
    assert "dukungan.xlsx: Impor dibatalkan; basis data tidak berubah. (Ctrl+C)" in err
    assert not report.exists()
    db = open_database(data_dir / "silon.db")
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 0
        waiting = session.connection().exec_driver_sql(
            "SELECT count(*) FROM outbox WHERE entity = 'supporter'"
        )
        assert waiting.scalar() == 0
    db.close()
    assert _schema(data_dir) == before
    monkeypatch.setattr(SupporterBulkWriter, "insert_stored", write)
    assert main(args) == 0  # and the same import runs afterwards: nothing left locked
    assert "Disimpan: 6 baru" in capsys.readouterr().out


def test_a_checking_process_that_died_gets_a_sentence_not_a_traceback(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A validating process killed (the system short of memory) or failing: exit 1,
    the file named, what was kept, and the error's type only."""
    from silon_desktop.importers import pipeline, store
    from silon_desktop.importers.parallel import ValidatorCrashed

    def died(*_args: Any, **_kwargs: Any) -> Any:
        raise ValidatorCrashed("worker exit code -9")

    _election_and_pair(data_dir)
    path = write_xlsx(tmp_path / "dukungan.xlsx", supporter_rows(3))
    monkeypatch.setattr(store, "import_file", died)
    assert main(["--data-dir", str(data_dir), "import", str(path), "--pair", "p1"]) == 1
    err = capsys.readouterr().err
    assert "dukungan.xlsx: pemeriksaan berhenti karena proses pemeriksa gagal" in err
    assert "worker exit code -9" in err and "Basis data tidak berubah." in err
    assert "Traceback" not in err
    monkeypatch.setattr(pipeline, "validate_file", died)
    report = tmp_path / "r.json"
    args = ["validate", str(path), "--region", "32.14", "--report", str(report)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "dukungan.xlsx: pemeriksaan berhenti" in err and "Tidak ada laporan yang ditulis." in err
    assert not report.exists()


def test_template_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--template", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").stat().st_size > 1000
    assert main(["validate", "--template", str(tmp_path / "t.pdf")]) == 2


def test_import_data_dir_after_the_subcommand(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "operator-b"
    _election_and_pair(other, "e2", "p2")
    path = write_xlsx(tmp_path / "d.xlsx", supporter_rows(2))
    assert main(["import", str(path), "--pair", "p2", "--data-dir", str(other)]) == 0
    assert "Disimpan: 2 baru" in capsys.readouterr().out
    assert not (data_dir / "silon.db").exists()  # SILON_DATA_DIR was not used


def test_export_writes_the_b11_list_and_b2_recap_of_an_imported_pair(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import python_calamine

    from tests.fixtures import seed_election

    db = open_database(data_dir / "silon.db")
    seed_election(db, name="Pemilihan Bupati Purwakarta")
    db.close()
    rows = supporter_rows(5)
    rows[4][7] = "PNS"  # BMS: banned occupation, its reason in the list
    assert main(["import", str(write_xlsx(tmp_path / "d.xlsx", rows)), "--pair", "p1"]) == 0
    capsys.readouterr()
    b11, b2 = tmp_path / "b11.xlsx", tmp_path / "b2.xlsx"
    assert main(["export", "--pair", "p1", "--b11", str(b11), "--b2", str(b2)]) == 0
    out = capsys.readouterr().out
    assert f"Daftar B.1.1-KWK disimpan: {b11} (5 pendukung)" in out and str(b2) in out
    assert f"berkas {b11} berisi data pribadi warga" in out  # the personal-data warning
    book = python_calamine.CalamineWorkbook.from_path(str(b11))
    listed = book.get_sheet_by_name("B.1.1-KWK").to_python()
    book.close()
    nik_rows = [r for r in listed if str(r[1]) in {row[1] for row in rows}]
    assert len(nik_rows) == 5
    assert any("BMS" in map(str, r) for r in nik_rows)
    book = python_calamine.CalamineWorkbook.from_path(str(b2))
    assert "B.2-KWK" in book.sheet_names
    book.close()


def test_export_refuses_before_writing_anything(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fixtures import seed_election

    assert main(["export", "--pair", "p1", "--b2", str(tmp_path / "b2.xlsx")]) == 2
    assert "Belum ada basis data lokal" in capsys.readouterr().err
    db = open_database(data_dir / "silon.db")
    seed_election(db)
    db.close()
    assert main(["export", "--pair", "p1"]) == 2
    assert "--b11" in capsys.readouterr().err
    assert main(["export", "--pair", "nope", "--b11", str(tmp_path / "b11.xlsx")]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["export", "--pair", "p1", "--b11", str(tmp_path / "gone" / "b11.xlsx")]) == 2
    assert "tidak ada" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == []


def test_a_list_imported_after_the_submission_arrives_in_the_running_correction_round(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no --round, a list imported after ``support_end`` was a submission list,
    which the server refuses then: every row was undone at the next sync. It now
    arrives in the correction round that is running, as a row typed by hand does, and
    the command says so; a round named by the operator is kept."""
    import datetime as dt

    db = open_database(data_dir / "silon.db")
    with db.session() as session:
        session.add(
            Election(
                id="e1",
                scope="32.14",
                kind="bupati",
                region_code="32.14",
                rule_set="pilkada-2024",
                support_end=dt.date(2024, 5, 12),
            )
        )
        session.flush()
        session.add(Pair(id="p1", scope="32.14", election_id="e1"))
    db.close()
    rows = supporter_rows(6)
    parts = [write_xlsx(tmp_path / f"d{i}.xlsx", rows[i * 2 : i * 2 + 2]) for i in range(3)]
    base = ["--data-dir", str(data_dir), "import"]
    assert main([*base, str(parts[0]), "--pair", "p1"]) == 0
    assert "tahap Perbaikan I" in capsys.readouterr().out
    assert main([*base, str(parts[1]), "--pair", "p1", "--round", "submission"]) == 0
    assert "Perbaikan" not in capsys.readouterr().out
    db = open_database(data_dir / "silon.db")
    with db.session() as session:
        election = session.get(Election, "e1")
        assert election is not None
        election.verfak_end = dt.date(2024, 6, 30)  # the field verification is over
    db.close()
    assert main([*base, str(parts[2]), "--pair", "p1"]) == 0
    assert "tahap Perbaikan II" in capsys.readouterr().out
    db = open_database(data_dir / "silon.db")
    with db.session(readonly=True) as session:
        arrived = sorted((s.nik, s.round) for s in session.query(Supporter))
    db.close()
    expected = [
        (str(row[1]), arrival)
        for row, arrival in zip(
            rows, ["correction_1"] * 2 + ["submission"] * 2 + ["correction_2"] * 2, strict=True
        )
    ]
    assert arrived == sorted(expected)


def test_a_round_the_elections_rules_do_not_have_is_refused_before_anything_is_stored(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--round correction_2`` under the 2020 rules (one correction round) was stored,
    then refused by the server at the next sync and undone: the whole list."""
    db = open_database(data_dir / "silon.db")
    with db.session() as session:
        session.add(
            Election(
                id="e1", scope="32.14", kind="bupati", region_code="32.14", rule_set="pilkada-2020"
            )
        )
        session.flush()
        session.add(Pair(id="p1", scope="32.14", election_id="e1"))
    db.close()
    path = write_xlsx(tmp_path / "d.xlsx", supporter_rows(3))
    base = ["--data-dir", str(data_dir), "import", str(path), "--pair", "p1"]
    assert main([*base, "--round", "correction_2"]) == 2
    err = capsys.readouterr().err
    assert "Tahap Perbaikan II tidak ada dalam aturan pemilihan ini" in err
    db = open_database(data_dir / "silon.db")
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 0
    db.close()
    assert main([*base, "--round", "correction_1"]) == 0


def _logged_in(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, username: str, role: str, scope: str
) -> bytes:
    """A data folder where ``username`` logged in online as ``role`` of ``scope`` (its
    level kept in the key file, as a login keeps it); the data key."""
    from silon_desktop.config import Settings
    from silon_desktop.storage import keyfile

    key = keyfile.new_data_key()
    kf = keyfile.KeyFile.load(data_dir)
    kf.wrap_password(username, "rahasia-op-1", key)
    state = kf.state(username)
    state.role, state.scope, state.expires_at = role, scope, keyfile.now() + 86400
    kf.save()
    Settings(username=username, device_id="pc-1").save(data_dir / "settings.json")
    monkeypatch.setenv("SILON_PASSWORD", "rahasia-op-1")
    return key


def test_a_kabkota_accounts_import_command_stores_its_share_of_a_province_list(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As in the wizard: the rows of other kab/kota of a governor pair's list are not
    stored (the server refuses them), and the summary says which."""
    from tests.unit.importers.sheets import HEADER

    key = _logged_in(data_dir, monkeypatch, "op", "kabkota", "32.14")
    db = open_database(data_dir / "silon.db", key=key)
    with db.session() as session:
        session.add(Election(id="e1", scope="32", kind="gubernur", region_code="32"))
        session.flush()
        session.add(Pair(id="p1", scope="32", election_id="e1"))
    db.close()
    rows = [[*row, "Kab. Purwakarta"] for row in supporter_rows(4)]
    rows[2][11], rows[2][12], rows[2][13] = "Dago", "Coblong", "KOTA BANDUNG"
    path = write_xlsx(tmp_path / "gub.xlsx", rows, [*HEADER, "KABUPATEN/KOTA"])
    assert main(["--data-dir", str(data_dir), "import", str(path), "--pair", "p1"]) == 0
    printed = capsys.readouterr().out
    assert "Disimpan: 3 baru" in printed
    assert "Tidak disimpan: 1 baris di luar wilayah Anda" in printed and "baris 4" in printed
    db = open_database(data_dir / "silon.db", key=key)
    with db.session(readonly=True) as session:
        assert {s.kabkota_code for s in session.query(Supporter)} == {"32.14"}
    db.close()


def test_a_bawaslu_account_imports_nothing_from_the_command_line(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The supervisor's account reads, never writes: ``silon-desktop import`` stored the
    list with its outbox mutations, which the server refused and the PC undid."""
    key = _logged_in(data_dir, monkeypatch, "bawaslu3214", "bawaslu", "32.14")
    db = open_database(data_dir / "silon.db", key=key)
    with db.session() as session:
        session.add(Election(id="e1", scope="32.14", kind="bupati", region_code="32.14"))
        session.flush()
        session.add(Pair(id="p1", scope="32.14", election_id="e1"))
    db.close()
    path = write_xlsx(tmp_path / "d.xlsx", supporter_rows(4))
    assert main(["--data-dir", str(data_dir), "import", str(path), "--pair", "p1"]) == 2
    assert "Bawaslu" in capsys.readouterr().err
    db = open_database(data_dir / "silon.db", key=key)
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 0
    db.close()
