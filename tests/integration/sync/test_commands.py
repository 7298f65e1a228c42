"""The headless commands against a real server process: login, sync, status, bundle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from silon_desktop.config import Settings
from silon_desktop.storage.repository import Repository
from tests.fixtures import open_data
from tests.integration.server_process import ROOT, ServerProcess
from tests.integration.sync.conftest import add_user, live, server_feed
from tests.unit.sync.harness import PASSWORD, supporter_values


def cli(
    data: Path, *args: str, password: str | None = PASSWORD
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SILON_PASSWORD"}
    if password:
        env["SILON_PASSWORD"] = password
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "silon_desktop", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def _edits(data: Path, region: str, n: int) -> list[str]:
    settings = Settings.load(data / "settings.json")
    db = open_data(data)
    try:
        repo = Repository(db, settings.device_id, settings.username)
        election = repo.create(
            "election", {"name": "Uji", "kind": "bupati", "region_code": region}, region
        )
        pair = repo.create("pair", {"election_id": election, "number": 1}, region)
        return [repo.create("supporter", supporter_values(pair, i), region) for i in range(n)]
    finally:
        db.close()


def test_login_sync_status_and_exit_codes(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"cli{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor"
    done = cli(data, "--server", server.url, "login", "--user", user)
    assert done.returncode == 0, done.stderr
    assert cli(data, "login", "--user", user, password="salah-sandi-1").returncode == 4
    ids = _edits(data, region, 5)
    status = json.loads(cli(data, "status", "--json").stdout)
    assert status["pending"] == 7 and status["conflicts_open"] == 0
    # A new process without a keyring has no token: "log in again", unless a password is given.
    assert cli(data, "sync", password=None).returncode == 4
    done = cli(data, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dikirim 7" in done.stdout
    status = json.loads(cli(data, "status", "--json").stdout)
    assert (status["pending"], status["sent"]) == (0, 0) and status["last_success_at"]
    token = server.login(user, PASSWORD, device_id="checker")
    assert {k[1] for k in live(server_feed(server, token)) if k[0] == "supporter"} == set(ids)
    offline = cli(data, "--server", "http://127.0.0.1:9", "sync")
    assert offline.returncode == 3, offline.stdout + offline.stderr


def test_bundle_export_imported_by_the_server_then_sync_applies_nothing_twice(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"usb{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor-usb"
    assert cli(data, "--server", server.url, "login", "--user", user).returncode == 0
    ids = _edits(data, region, 4)
    stick = fast_dir / "flashdisk.silon"
    # No keyring here: the device key registered at login is the 0600 file fallback.
    done = cli(data, "bundle", "export", str(stick))
    assert done.returncode == 0, done.stderr
    imported = server.cli("bundle", "import", str(stick), check=False)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    token = server.login(user, PASSWORD, device_id="checker")
    feed = server_feed(server, token)
    assert {k[1] for k in live(feed) if k[0] == "supporter"} == set(ids)
    versions = {r["id"]: r["version"] for r in feed}
    done = cli(data, "sync")  # the same mutations online: stored answers
    assert done.returncode == 0, done.stdout + done.stderr
    again = server_feed(server, token)
    assert {r["id"]: r["version"] for r in again} == versions
    damaged = fast_dir / "rusak.silon"
    damaged.write_bytes(stick.read_bytes()[:-10])
    refused = server.cli("bundle", "import", str(damaged), check=False)
    assert refused.returncode != 0  # the sealed file's tag does not verify
    # The office's own stick is sealed to the server: the desktop refuses to open it.
    refused = cli(data, "bundle", "import", str(stick))
    assert refused.returncode == 2 and "terenkripsi untuk server" in refused.stderr


def cli_on_a_terminal(
    data: Path, *args: str, answers: list[str], prompt: bytes = b"sandi"
) -> tuple[int, str]:
    """Run the command on a pseudo-terminal (as an operator does), answer each password
    prompt in turn (the n-th answer once ``prompt`` was printed n times), and return
    (exit status, everything it printed)."""
    import pty
    import select

    env = {k: v for k, v in os.environ.items() if k != "SILON_PASSWORD"}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "silon_desktop", "--data-dir", str(data), *args]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its stdin, stdout and stderr
        os.chdir(ROOT)
        os.execve(sys.executable, command, env)
    seen = b""
    answered = 0
    while True:
        ready, _, _ = select.select([fd], [], [], 120)
        if not ready:
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if answered < len(answers) and seen.count(prompt) > answered:
            os.write(fd, answers[answered].encode() + b"\n")
            answered += 1
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_sync_right_after_login_asks_for_the_password_on_a_terminal(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    """No keyring: `login`'s token died with its process; `sync` asks, never "log in again"."""
    user = f"tty{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor"
    assert cli(data, "--server", server.url, "login", "--user", user).returncode == 0
    _edits(data, region, 3)
    code, printed = cli_on_a_terminal(
        data, "sync", "--quiet", answers=[PASSWORD], prompt=b"Kata sandi"
    )
    assert f"Kata sandi {user}:" in printed
    assert code == 0, printed
    assert "dikirim 5" in printed and "Silakan masuk lagi" not in printed
    assert PASSWORD not in printed  # never echoed
