"""The headless commands given what operators really type: exit 2 and an
Indonesian sentence naming the problem, never a traceback (run as a process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from silon_desktop.storage.db import open_database
from silon_desktop.storage.models import Supporter
from tests.fixtures import seed_election
from tests.unit.importers.sheets import HEADER, supporter_rows, write_xlsx


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "silon_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def _assert_clean_exit_2(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "baik.xlsx", supporter_rows(3))


VALID = ("--region", "32.14", "--reference-date", "2024-05-12")


@pytest.mark.parametrize(
    ("report", "words"),
    [
        ("tidak-ada/r.json", ("tidak-ada", "tidak ada")),
        (".", ("folder",)),
    ],
)
def test_validate_an_unwritable_report_path_exits_2_before_reading(
    tmp_path: Path, good: Path, report: str, words: tuple[str, ...]
) -> None:
    done = _cli("validate", str(good), *VALID, "--report", report, cwd=tmp_path)
    _assert_clean_exit_2(done, *words)


def test_validate_save_mapping_into_a_folder_exits_2(tmp_path: Path, good: Path) -> None:
    done = _cli("validate", str(good), *VALID, "--save-mapping", str(tmp_path))
    _assert_clean_exit_2(done, "folder")


def test_template_into_a_missing_folder_exits_2(tmp_path: Path) -> None:
    done = _cli("validate", "--template", str(tmp_path / "hilang" / "t.xlsx"))
    _assert_clean_exit_2(done, "hilang")


def test_validate_a_bad_mapping_file_names_the_mapping_not_the_list(
    tmp_path: Path, good: Path
) -> None:
    _assert_clean_exit_2(
        _cli("validate", str(good), *VALID, "--mapping", str(tmp_path / "nope.json")),
        "pemetaan kolom",
        "nope.json tidak ditemukan",
    )
    not_json = tmp_path / "peta.json"
    not_json.write_bytes(good.read_bytes())
    done = _cli("validate", str(good), *VALID, "--mapping", str(not_json))
    _assert_clean_exit_2(done, "peta.json bukan pemetaan kolom")
    assert "baik.xlsx" not in done.stderr


@pytest.mark.parametrize("region", ["nonsense", "99.99", "32.14.01"])
def test_validate_a_nonsense_region_names_the_option_in_indonesian(good: Path, region: str) -> None:
    done = _cli("validate", str(good), "--region", region)
    _assert_clean_exit_2(done, "--region", "bukan kode wilayah", "32.14")
    assert "baik.xlsx" not in done.stderr  # the file is fine: do not blame it


def test_validate_an_unknown_rule_set_names_the_option(good: Path) -> None:
    _assert_clean_exit_2(
        _cli("validate", str(good), *VALID, "--rule-set", "bogus"), "--rule-set", "tidak dikenal"
    )


def test_validate_an_impossible_reference_date(good: Path) -> None:
    done = _cli("validate", str(good), "--region", "32.14", "--reference-date", "2024-02-30")
    _assert_clean_exit_2(done, "2024-02-30", "bukan tanggal")


def test_validate_a_folder_as_file(tmp_path: Path) -> None:
    folder = tmp_path / "daftar.xlsx"
    folder.mkdir()
    _assert_clean_exit_2(_cli("validate", str(folder), *VALID), "daftar.xlsx adalah folder")


def test_validate_a_list_without_a_nik_column_says_which_column(tmp_path: Path) -> None:
    rows = [[row[0], *row[2:]] for row in supporter_rows(3)]
    path = write_xlsx(tmp_path / "tanpa-nik.xlsx", rows, [h for h in HEADER if h != "NIK"])
    done = _cli("validate", str(path), *VALID)
    _assert_clean_exit_2(done, "tanpa-nik.xlsx", "kolom NIK tidak ada")


def test_import_with_an_unwritable_report_writes_nothing(tmp_path: Path, good: Path) -> None:
    data = tmp_path / "data"
    db = open_database(data / "silon.db")
    seed_election(db)
    done = _cli(
        "import", str(good), "--pair", "p1", "--data-dir", str(data),
        "--report", str(tmp_path / "tidak-ada" / "r.json"),
    )  # fmt: skip
    _assert_clean_exit_2(done, "tidak-ada")
    with db.session(readonly=True) as session:
        assert session.query(Supporter).count() == 0
    db.close()
