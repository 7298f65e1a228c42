"""A man in the middle on loopback, between the desktop and a real server process
(plain http, as a Bimtek room's, or an office proxy that breaks TLS), answering ``401
revoked`` to every authenticated request: without the pinned key's proof (or with one
of its own key) the desktop stops the sync and asks for an online login, but erases
nothing: the password still opens the data offline. The real server's revocation,
relayed honestly, still locks the data at once."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from silon_desktop import paths
from silon_desktop.config import Settings
from silon_desktop.services.access import Access, Session
from silon_desktop.storage.keyfile import KeyFile
from sync import signing
from sync.protocol import revoked_body, token_sha256
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import add_user
from tests.integration.sync.test_commands import _edits, cli
from tests.integration.sync.test_key_proof_proxy import KeyProxy
from tests.integration.sync.test_revocation import NOWHERE, _nothing_on_disk_opens
from tests.unit.sync.harness import PASSWORD


class RevokingProxy(KeyProxy):
    """Relays everything, but in mode ``unsigned`` or ``forged`` answers every request
    that carries a bearer token ``401 revoked`` itself: without a proof, or with a
    proof of the right message signed by a key of its own."""

    def __init__(self, upstream_port: int) -> None:
        super().__init__(upstream_port)

    def relay(self, handler: BaseHTTPRequestHandler) -> None:
        bearer = handler.headers.get("Authorization", "")
        if self.mode not in ("unsigned", "forged") or not bearer.startswith("Bearer "):
            super().relay(handler)
            return
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        reason = "account_disabled"
        answer = {"error": "revoked", "message": "access revoked", "reason": reason}
        if self.mode == "forged":
            own = signing.generate_private_key()
            body = revoked_body(token_sha256(bearer.removeprefix("Bearer ")), reason)
            answer["proof"] = signing.sign(own, body)
        self.fake(handler, 401, answer)


@pytest.fixture
def proxy(server: ServerProcess) -> Iterator[RevokingProxy]:
    made = RevokingProxy(server.port)
    yield made
    made.close()


def _opens_offline(data: Path, user: str) -> None:
    """The password still opens the data with the server out of reach."""
    access = Access(paths.resolve(data).ensure(), Settings(server_url=NOWHERE, device_id="x"))
    session = access.login(user, PASSWORD)
    assert isinstance(session, Session), session
    assert not session.outcome.online
    session.db.close()


@pytest.mark.parametrize("mode", ["unsigned", "forged"])
def test_a_revocation_not_signed_by_the_pinned_key_erases_nothing(
    server: ServerProcess, proxy: RevokingProxy, region: str, fast_dir: Path, mode: str
) -> None:
    user = f"rx{mode[0]}{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / f"kantor-{mode}"
    done = cli(data, "--server", proxy.url, "login", "--user", user)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = _edits(data, region, 2)
    wraps = KeyFile.load(data)
    assert user in wraps.password

    proxy.mode = mode
    refused = cli(data, "sync")
    assert proxy.faked >= 1
    assert refused.returncode == 4, refused.stdout + refused.stderr  # log in again
    said = refused.stderr
    assert "tidak ditandatangani" in said and "tidak dikunci" in said, said
    assert "Masuk lagi secara daring" in said, said
    kept = KeyFile.load(data)
    assert kept.password.keys() == wraps.password.keys()  # nothing erased
    assert kept.unwrap_password(user, PASSWORD) is not None
    _opens_offline(data, user)

    proxy.mode = "relay"  # the honest path goes on: every edit reaches the server
    done = cli(data, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    for record in ids:
        got = server.request("GET", f"/v1/records/supporter/{record}", token=server.admin_token)  # type: ignore[attr-defined]
        assert got.status_code == 200, got.text


def test_the_real_servers_revocation_relayed_still_locks_at_once(
    server: ServerProcess, proxy: RevokingProxy, region: str, fast_dir: Path
) -> None:
    user = f"rh{region.replace('.', '')}"
    add_user(server, user, region)
    data = fast_dir / "kantor-honest"
    assert cli(data, "--server", proxy.url, "login", "--user", user).returncode == 0
    _edits(data, region, 1)
    server.cli("user", "disable", user)  # the administrator, on the server
    done = cli(data, "sync")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "dicabut" in done.stderr and "tidak dikunci" not in done.stderr
    _nothing_on_disk_opens(data, user)
