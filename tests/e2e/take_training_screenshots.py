"""Screenshots of a training server's trainer page and account sheet (docs/screenshots/).

    .venv/bin/python tests/e2e/take_training_screenshots.py

Seeds a room of six trainees in a temporary folder, records some verdicts as the
trainees would (right and wrong), starts ``silon-server training`` on it and
photographs both pages with headless Chromium (``apt-get install chromium``).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"


def seed_room(data_dir: Path) -> None:
    from sqlalchemy import select

    from sync.protocol import Mutation, Op
    from sync.server import training
    from sync.server.app import create_app
    from sync.server.config import ServerConfig
    from sync.server.db import database_url, migrate, read_tx
    from sync.server.push import apply_batch
    from sync.server.roles import Actor, Role
    from sync.server.schema import records, users
    from sync.server.training_key import load_key

    url = database_url(data_dir, None)
    migrate(url)
    state = create_app(ServerConfig(database_url=url, training=True)).state.server
    training.seed(state, 6, 60)
    rng = random.Random(7)
    with read_tx(state.engine) as conn:
        key = load_key(conn)
        regions = dict(conn.execute(select(users.c.username, users.c.region)).all())
        versions = dict(conn.execute(select(records.c.id, records.c.version)).all())
    share = {"latih01": 1.0, "latih02": 0.8, "latih03": 0.6, "latih04": 0.4, "latih05": 0.3}
    for p in key:
        if p.check not in ("admin", "field") or rng.random() > share.get(p.trainee, 0.0):
            continue
        prefix = "field" if p.check == "field" else "admin"
        right = p.trainee == "latih01" or rng.random() < 0.75
        status = p.status if right else "MS"
        reasons = [p.reason] if right and p.reason else []
        changes = {f"{prefix}_status": (None, status), f"{prefix}_reasons": (None, reasons)}
        actor = Actor(p.trainee, Role.KABKOTA, regions[p.trainee], f"dev-{p.trainee}", True)
        m = Mutation(
            str(uuid.uuid4()), "supporter", p.record_id, regions[p.trainee], Op.UPSERT,
            versions[p.record_id], changes,
        )  # fmt: skip
        apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), [m])
    state.engine.dispose()


def shoot(url: str, target: Path, size: str) -> None:
    subprocess.run(
        [
            shutil.which("chromium") or "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={target}",
            f"--window-size={size}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "server"
        seed_room(data_dir)
        port = 18765
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "sync.server", "training", "--host", "127.0.0.1",
                 "--port", str(port), "--data-dir", str(data_dir)],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if requests.get(f"{base}/v1/training", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            token = next(
                line.split("kunci=")[1].strip()
                for line in log.read_text().splitlines()
                if line.startswith("Halaman pelatih:")
            )
            shoot(f"{base}/latihan/pelatih?kunci={token}", OUT / "07-trainer-view.png", "1500,560")
            shoot(f"{base}/latihan/lembar?kunci={token}", OUT / "08-account-sheet.png", "900,1100")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
