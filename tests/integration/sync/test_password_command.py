"""``silon-desktop password``: an operator changes their own password without the
window (``POST /v1/me/password`` through ``Access.change_password``), on a terminal:
the current password and the new one twice, never echoed. The server then takes only
the new one, and the data here opens with it (and no longer with the old)."""

from __future__ import annotations

from pathlib import Path

import requests

from silon_desktop.storage.keyfile import KeyFile
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import add_user
from tests.integration.sync.test_commands import _edits, cli, cli_on_a_terminal
from tests.unit.sync.harness import PASSWORD

NEW = "sandi-baru-rahasia-7"


def _server_takes(server: ServerProcess, user: str, password: str) -> bool:
    answer = requests.post(
        f"{server.url}/v1/auth/login",
        json={"username": user, "password": password, "device_id": "pc-cek"},
        timeout=30,
    )
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def test_an_operator_changes_the_password_on_the_command_line(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"pw{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor"
    assert cli(data, "--server", server.url, "login", "--user", user).returncode == 0
    _edits(data, region, 1)

    # the new one typed differently the second time: nothing asked of the server
    code, printed = cli_on_a_terminal(data, "password", answers=[PASSWORD, NEW, NEW + "x"])
    assert code == 2, printed
    assert "tidak sama" in printed, printed
    assert _server_takes(server, user, PASSWORD)

    # a wrong current password: the server refuses, nothing changes here
    code, printed = cli_on_a_terminal(data, "password", answers=["bukan-sandinya-1", NEW, NEW])
    assert code == 4, printed
    assert NEW not in printed and "bukan-sandinya-1" not in printed  # never echoed
    assert KeyFile.load(data).unwrap_password(user, PASSWORD) is not None
    assert _server_takes(server, user, PASSWORD)

    code, printed = cli_on_a_terminal(data, "password", answers=[PASSWORD, NEW, NEW])
    assert code == 0, printed
    assert printed.count("sandi") >= 3  # the three prompts
    assert PASSWORD not in printed and NEW not in printed  # never echoed
    assert "diganti" in printed, printed
    assert _server_takes(server, user, NEW) and not _server_takes(server, user, PASSWORD)
    kf = KeyFile.load(data)
    assert kf.unwrap_password(user, NEW) is not None
    assert kf.unwrap_password(user, PASSWORD) is None and not kf.pending
    for line in (data / "logs").rglob("*") if (data / "logs").exists() else []:
        if line.is_file():
            text = line.read_text(errors="replace")
            assert NEW not in text and PASSWORD not in text
    # the new password opens the data here and logs in; the old one does neither
    assert cli(data, "status", password=NEW).returncode == 0
    assert cli(data, "login", "--user", user, password=NEW).returncode == 0
    assert cli(data, "login", "--user", user, password=PASSWORD).returncode == 4


def test_the_password_command_without_a_connection_changes_nothing(
    server: ServerProcess, region: str, fast_dir: Path
) -> None:
    user = f"po{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor-luring"
    assert cli(data, "--server", server.url, "login", "--user", user).returncode == 0
    before = (data / "silon.key").read_bytes()
    code, printed = cli_on_a_terminal(
        data, "--server", "http://127.0.0.1:9", "password", answers=[PASSWORD, NEW, NEW]
    )
    assert code == 3, printed
    assert (data / "silon.key").read_bytes() == before
    assert _server_takes(server, user, PASSWORD)
