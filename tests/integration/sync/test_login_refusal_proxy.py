"""A man in the middle on loopback, between the desktop and a real server process
(plain http, as a Bimtek room's, or an office proxy that breaks TLS), answering the
login ``401 bad_credentials`` himself while the operator types the password that opens
the data here: without the pinned key's proof over this login's nonce (none, one of
his own key, or the real server's proof of an earlier login) the desktop erases
nothing and says the refusal could not be proven. The real server's refusal (the
account disabled by the administrator, the password changed elsewhere), relayed
honestly, still locks the PC."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from silon_desktop.storage.keyfile import KeyFile
from sync import signing
from sync.protocol import login_refused_body
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import add_user
from tests.integration.sync.test_commands import _edits, cli
from tests.integration.sync.test_key_proof_proxy import KeyProxy
from tests.integration.sync.test_revocation import _nothing_on_disk_opens
from tests.integration.sync.test_revoked_proxy import _opens_offline
from tests.unit.sync.harness import PASSWORD


class RefusingProxy(KeyProxy):
    """Relays everything, but in mode ``unsigned``, ``forged`` or ``replayed`` answers
    ``POST /v1/auth/login`` ``401 bad_credentials`` itself: without a proof, with a
    proof of the right message signed by a key of its own, or with the proof the real
    server gave the last refusal it relayed (another login's nonce)."""

    def __init__(self, upstream_port: int) -> None:
        super().__init__(upstream_port)
        self.last_proof = ""

    def relay(self, handler: BaseHTTPRequestHandler) -> None:
        is_login = handler.command == "POST" and handler.path.startswith("/v1/auth/login")
        if self.mode not in ("unsigned", "forged", "replayed") or not is_login:
            super().relay(handler)
            return
        length = int(handler.headers.get("Content-Length") or 0)
        sent = json.loads(handler.rfile.read(length)) if length else {}
        answer = {"error": "bad_credentials", "message": "wrong user name or password"}
        if self.mode == "forged":
            nonce = handler.path.partition("nonce=")[2].split("&")[0]
            from urllib.parse import unquote

            body = login_refused_body(unquote(nonce), sent["username"], "bad_credentials")
            answer["proof"] = signing.sign(signing.generate_private_key(), body)
        elif self.mode == "replayed":
            answer["proof"] = self.last_proof
        self.fake(handler, 401, answer)


@pytest.fixture
def proxy(server: ServerProcess) -> Iterator[RefusingProxy]:
    made = RefusingProxy(server.port)
    yield made
    made.close()


@pytest.mark.parametrize("mode", ["unsigned", "forged", "replayed"])
def test_a_faked_login_refusal_with_the_right_password_locks_nothing(
    server: ServerProcess, proxy: RefusingProxy, region: str, fast_dir: Path, mode: str
) -> None:
    user = f"lf{mode[0]}{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / f"kantor-{mode}"
    done = cli(data, "--server", proxy.url, "login", "--user", user)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = _edits(data, region, 2)
    wraps = KeyFile.load(data)
    assert user in wraps.password
    if mode == "replayed":  # the real server's signed refusal of a wrong password
        import requests

        wrong = requests.post(
            f"{server.url}/v1/auth/login",
            params={"nonce": "ZWFybGllci1ub25jZS0xMjM0NTY="},
            json={"username": user, "password": "bukan-sandinya-1", "device_id": "pc-x"},
            timeout=30,
        )
        assert wrong.status_code == 401, wrong.text
        proxy.last_proof = wrong.json()["proof"]

    proxy.mode = mode
    refused = cli(data, "login", "--user", user)
    assert proxy.faked == 1
    said = refused.stdout + refused.stderr
    assert refused.returncode == 1, said
    assert "tidak dapat dipastikan" in said and "tidak ada yang diubah" in said, said
    kept = KeyFile.load(data)
    assert kept.password.keys() == wraps.password.keys()  # nothing erased
    assert kept.unwrap_password(user, PASSWORD) is not None
    _opens_offline(data, user)

    proxy.mode = "relay"  # the honest path goes on: logged in, every edit reaches the server
    done = cli(data, "login", "--user", user)
    assert done.returncode == 0, done.stdout + done.stderr
    done = cli(data, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    for record in ids:
        got = server.request("GET", f"/v1/records/supporter/{record}", token=server.admin_token)  # type: ignore[attr-defined]
        assert got.status_code == 200, got.text


@pytest.mark.parametrize("change", ["disable", "reset-password"])
def test_the_real_servers_login_refusal_relayed_still_locks(
    server: ServerProcess,
    proxy: RefusingProxy,
    region: str,
    fast_dir: Path,
    change: str,
) -> None:
    user = f"lh{change[0]}{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / f"kantor-honest-{change}"
    assert cli(data, "--server", proxy.url, "login", "--user", user).returncode == 0
    _edits(data, region, 1)
    if change == "disable":  # the administrator, on the server
        server.cli("user", "disable", user)
    else:
        server.cli("user", "reset-password", user, "--password", "baru-rahasia-1")
    done = cli(data, "login", "--user", user)  # the password kept here
    said = done.stdout + done.stderr
    assert done.returncode == 4, said
    assert "tidak dapat dipastikan" not in said, said
    _nothing_on_disk_opens(data, user)
