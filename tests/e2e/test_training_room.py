"""A Bimtek room end to end: a real training server process, three trainees on their own
laptops (desktop data folders, the real sync client over HTTP), the trainer's page.

latih01 and latih02 share desk 1 (one practice election, a pair each); latih03 sits
alone at desk 2 (another kab/kota). Each verifies planted rows of its own pair;
the trainer's page counts right and wrong against the key on the server; the two
colleagues meet on the conflict exercise and each sees a conflict; a reset gives
the server a new identity, and a laptop from before it is told so and starts over.
"""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from silon_desktop.config import Settings
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.repository import Repository
from sync.client import SyncEngine, open_conflicts
from sync.client.bundles import export_outbox
from sync.client.login import login
from sync.client.resolve import resolve_conflict
from sync.client.training import RESET_MESSAGE, check_practice_server, start_over
from sync.server.training_key import LESSON_CODES, Planted
from sync.transport import HttpTransport, RetryPolicy
from tests.integration.server_process import PYTHON, ROOT, free_port

pytestmark = pytest.mark.slow

RETRY = RetryPolicy(attempts=6, max_total_s=10.0, initial_s=0.05, max_wait_s=0.2)
PASSWORD = "bimtek2024"


@dataclass
class TrainingProcess:
    data_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.data_dir.parent / f"training-{self.port}.log"

    def command(self, *args: str) -> list[str]:
        return [PYTHON, "-m", "sync.server", "training", *args, "--data-dir", str(self.data_dir)]

    def start(self) -> TrainingProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = self.command("--host", "127.0.0.1", "--port", str(self.port))
        cmd += ["--trainees", "3", "--supporters", "24"]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if requests.get(f"{self.url}/v1/training", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(self.log.read_text())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)

    def printed(self, label: str) -> str:
        lines = [line for line in self.log.read_text().splitlines() if line.startswith(label)]
        return lines[-1][len(label) :].strip()

    def key(self) -> list[Planted]:
        """The answer key, read from the server's own database (read-only)."""
        db = sqlite3.connect(f"file:{self.data_dir / 'server.sqlite3'}?mode=ro", uri=True)
        try:
            (raw,) = db.execute("SELECT value FROM meta WHERE key = 'training_key'").fetchone()
        finally:
            db.close()
        return [Planted.from_json(item) for item in json.loads(raw)]


@dataclass
class Laptop:
    folder: Path
    url: str
    username: str
    settings: Settings = field(init=False)
    db: Database = field(init=False)
    transport: HttpTransport = field(init=False)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.settings = Settings(server_url=self.url, device_id=f"laptop-{self.username}")
        self.db = open_database(self.folder / "silon.db")
        self.transport = HttpTransport(self.url, retry=RETRY)
        login(
            self.db, self.settings, self.folder, self.username, PASSWORD, transport=self.transport
        )

    def sync(self) -> Any:
        problem = check_practice_server(self.db, self.transport)
        assert not problem, problem
        report = SyncEngine(self.db, self.settings, self.transport).run()
        assert report.error is None or not report.error, report.error
        return report

    def verdict(self, record_id: str, **values: Any) -> None:
        Repository(self.db, self.settings.device_id, self.username).update(
            "supporter", record_id, values
        )

    def supporters(self) -> dict[str, dict[str, Any]]:
        rows = Repository(self.db, self.settings.device_id, self.username).list("supporter")
        return {r["id"]: r for r in rows}

    def scopes(self) -> set[str]:
        with self.db.engine.connect() as conn:
            from sqlalchemy import text

            return {
                str(row[0])
                for table in ("election", "pair", "supporter")
                for row in conn.execute(text(f"SELECT DISTINCT scope FROM {table}"))  # noqa: S608
            }

    def close(self) -> None:
        self.transport.close()
        self.db.close()


def _row(page: str, trainee: str) -> tuple[int, int, int]:
    """Right, wrong, open of one trainee on the trainer's page."""
    found = re.search(
        rf'<td class="nama">{trainee}<br>.*?<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', page
    )
    assert found, page
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


@pytest.fixture
def room(tmp_path: Path) -> Iterator[tuple[TrainingProcess, dict[str, Laptop]]]:
    server = TrainingProcess(tmp_path / "server").start()
    laptops: dict[str, Laptop] = {}
    try:
        for name in ("latih01", "latih02", "latih03"):
            laptops[name] = Laptop(tmp_path / name, server.url, name)
        yield server, laptops
    finally:
        for laptop in laptops.values():
            laptop.close()
        server.stop()


def test_three_trainees_a_trainer_page_a_conflict_and_a_reset(
    room: tuple[TrainingProcess, dict[str, Laptop]], tmp_path: Path
) -> None:
    server, laptops = room
    one, two, three = laptops["latih01"], laptops["latih02"], laptops["latih03"]
    key = server.key()
    token = server.printed("Halaman pelatih:").split("kunci=")[1]
    for laptop in laptops.values():
        assert laptop.sync().pulled > 0
    # Each desk pulls its own practice election only: desk 1 shares one kab/kota.
    assert one.scopes() == two.scopes() and len(one.scopes()) == 1
    assert three.scopes().isdisjoint(one.scopes()) and len(three.scopes()) == 1
    assert {p.record_id for p in key if p.trainee == "latih03"} <= set(three.supporters())
    assert not {p.record_id for p in key if p.trainee == "latih03"} & set(one.supporters())

    def planted(trainee: str, lesson: str) -> list[Planted]:
        return [p for p in key if p.trainee == trainee and p.lesson == lesson]

    # latih01 records every lesson as the key says, the bundle lesson on a USB stick.
    for code in LESSON_CODES:
        for p in planted("latih01", code):
            if p.check in ("admin", "bundle"):
                one.verdict(
                    p.record_id, admin_status=p.status, admin_reasons=[p.reason] if p.reason else []
                )
            elif p.check == "field":
                one.verdict(
                    p.record_id,
                    field_status=p.status,
                    field_reasons=[p.reason],
                    field_method="rumah",
                )
    stick = tmp_path / "bundel-latih01.json.gz"
    export_outbox(one.db, one.settings, one.folder, stick)
    imported = requests.post(
        f"{server.url}/latihan/bundel", params={"kunci": token}, data=stick.read_bytes(), timeout=30
    )
    assert imported.status_code == 200, imported.text
    one.sync()
    # latih02: two right, two wrong (MS for an under-age and for a banned occupation).
    for code in ("nik_format", "luar_wilayah"):
        (p,) = planted("latih02", code)
        two.verdict(p.record_id, admin_status=p.status, admin_reasons=[p.reason])
    for code in ("di_bawah_umur", "pekerjaan"):
        (p,) = planted("latih02", code)
        two.verdict(p.record_id, admin_status="MS", admin_reasons=[])
    two.sync()
    # latih03 (alone at its desk): one right, one wrong.
    (p,) = planted("latih03", "kolom_kosong")
    three.verdict(p.record_id, admin_status=p.status, admin_reasons=[p.reason])
    (p,) = planted("latih03", "nik_tanggal")
    three.verdict(p.record_id, admin_status="TMS", admin_reasons=["NIK_FORMAT"])
    three.sync()

    # The conflict exercise: two shared rows of paslon 3; each colleague meets the other
    # on one of them (the list says RT 070; the card: 007 on the KTP, 008 on the family card).
    x, y = (p.record_id for p in planted("latih01", "konflik"))
    one.verdict(x, rt="007")
    one.sync()
    two.verdict(x, rt="008")  # two still holds x at the version before latih01's edit
    two.verdict(y, rt="007")
    two.sync()
    one.verdict(y, rt="008")  # one pulled before latih02 changed y
    one.sync()
    mine_one = [c for c in open_conflicts(one.db) if c["record_id"] == y]
    mine_two = [c for c in open_conflicts(two.db) if c["record_id"] == x]
    assert [c["field"] for c in mine_one] == ["rt"] and [c["field"] for c in mine_two] == ["rt"]
    # Both take the KTP's value: latih01 keeps the server's, latih02 too.
    resolve_conflict(one.db, mine_one[0]["id"], "theirs")
    resolve_conflict(two.db, mine_two[0]["id"], "theirs")
    one.sync()
    two.sync()
    assert one.supporters()[y]["rt"] == "007" and two.supporters()[x]["rt"] == "007"

    page = requests.get(f"{server.url}/latihan/pelatih", params={"kunci": token}, timeout=30)
    assert page.status_code == 200 and "LATIHAN" in page.text
    lessons = len(LESSON_CODES)
    assert _row(page.text, "latih01") == (lessons, 0, 0)
    assert _row(page.text, "latih02") == (3, 2, lessons - 5)  # + the conflict, settled right
    assert _row(page.text, "latih03") == (1, 1, lessons - 1 - 2)  # no colleague: 12 lessons
    assert requests.get(f"{server.url}/latihan/pelatih", timeout=30).status_code == 403
    sheet = requests.get(f"{server.url}/latihan/lembar", params={"kunci": token}, timeout=30)
    assert sheet.text.count('class="kartu"') == 4 and server.url in sheet.text

    # Reset: refused while the server runs (pid file), and by the port probe when the
    # pid file is gone; then done, with a new identity the laptops notice.
    reset = server.command("reset", "--port", str(server.port))
    refused = subprocess.run(reset, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert refused.returncode == 3 and "sedang berjalan" in refused.stdout
    (server.data_dir / "latihan.pid").unlink()
    refused = subprocess.run(reset, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert refused.returncode == 3 and f"menjawab di port {server.port}" in refused.stdout
    server.stop()
    done = subprocess.run(reset, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "dihapus" in done.stdout
    server.start()
    assert check_practice_server(three.db, three.transport) == RESET_MESSAGE
    start_over(three.db)
    assert not three.supporters()
    login(three.db, three.settings, three.folder, "latih03", PASSWORD, transport=three.transport)
    assert three.sync().pulled > 0
    assert {p.record_id for p in server.key() if p.trainee == "latih03"} <= set(three.supporters())
