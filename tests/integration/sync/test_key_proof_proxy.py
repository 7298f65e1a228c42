"""A man in the middle on loopback, between the desktop and a real server process
(plain http, as a Bimtek room's training server, or an office proxy that breaks TLS):
it relays everything, but rewrites the server's key answer. Handing back the pinned
key without the proof of this request's nonce, or putting its own box key beside it,
is refused at the login and at the sync run; relayed honestly, both go on."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from silon_desktop.domain.errors import ErrorCode
from sync import credentials, sealed
from sync.client.login import ServerKeyChanged, login
from sync.client.state import SERVER_BOX_KEY, SERVER_KEY, get_state
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import HttpClient
from tests.unit.sync.harness import PASSWORD

#: How the proxy treats ``GET /v1/server-key``: relayed as is; answered with the
#: answer it recorded for an earlier nonce; with a box key of its own; with the
#: proof of an earlier answer (the key and box key as they are). ``region``: the
#: keys relayed as they are, the login answer moved to another region.
MODES = ("relay", "replay", "box", "proof")


class KeyProxy:
    """A threaded HTTP/1.1 relay on 127.0.0.1 that rewrites the server's key answer."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.mode = "relay"
        self.recorded: dict[str, Any] | None = None
        self.rewritten = 0
        self.faked = 0  # answers made up here (fake)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy.relay(self)

            def do_POST(self) -> None:
                proxy.relay(self)

            def log_message(self, *_args: Any) -> None:
                pass  # the test's output stays the test's

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def relay(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host",)}
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            upstream.request(handler.command, handler.path, body=body, headers=headers)
            answer = upstream.getresponse()
            status, content = answer.status, answer.read()
            out = {k: v for k, v in answer.getheaders() if k.lower() in ("content-type",)}
            encoding = answer.getheader("Content-Encoding")
        finally:
            upstream.close()
        if handler.path.startswith("/v1/server-key") and status == 200 and not encoding:
            content = self.rewrite(content)
        if handler.path.startswith("/v1/auth/login") and self.mode == "region" and status == 200:
            self.rewritten += 1
            content = json.dumps({**json.loads(content), "region": "51.01"}).encode("utf-8")
        handler.send_response(status)
        for name, value in out.items():
            handler.send_header(name, value)
        if encoding:
            handler.send_header("Content-Encoding", encoding)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    def fake(self, handler: BaseHTTPRequestHandler, status: int, answer: dict) -> None:
        """Answer ``handler`` with ``answer`` as JSON, the server never asked."""
        content = json.dumps(answer).encode("utf-8")
        self.faked += 1
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    def rewrite(self, content: bytes) -> bytes:
        answer = json.loads(content)
        if self.mode in ("relay", "region"):
            self.recorded = dict(answer)
            return content
        assert self.recorded is not None, "relay once before rewriting"
        self.rewritten += 1
        if self.mode == "replay":
            answer = dict(self.recorded)
        elif self.mode == "box":
            answer["box_key"] = sealed.public_b64(sealed.generate_key())
        elif self.mode == "proof":
            answer["proof"] = self.recorded["proof"]
        return json.dumps(answer).encode("utf-8")


@pytest.fixture
def proxy(server: ServerProcess) -> Iterator[KeyProxy]:
    made = KeyProxy(server.port)
    yield made
    made.close()


def _pins(client: HttpClient) -> tuple[str, str]:
    with client.db.session(readonly=True) as session:
        conn = session.connection()
        return get_state(conn, SERVER_KEY), get_state(conn, SERVER_BOX_KEY)


def _login(client: HttpClient) -> Any:
    return login(
        client.db,
        client.settings,
        client.folder,
        client.username,
        PASSWORD,
        transport=client.transport,
    )


@pytest.mark.parametrize("mode", [m for m in MODES if m != "relay"])
def test_a_man_in_the_middle_rewriting_the_key_answer_is_refused_at_login_and_sync(
    server: ServerProcess,
    http_client: Callable[..., HttpClient],
    proxy: KeyProxy,
    region: str,
    mode: str,
) -> None:
    a = http_client("a", proxy.url)
    assert _login(a).online  # through the proxy, relaying honestly: pinned
    served = server.request("GET", "/v1/server-key").json()
    pinned = _pins(a)
    assert pinned == (served["public_key"], served["box_key"])
    assert a.sync().complete
    token = credentials.TokenStore(a.settings.server_url, a.username).get()

    proxy.mode = mode
    with pytest.raises(ServerKeyChanged) as refused:
        _login(a)
    assert refused.value.code is ErrorCode.LOGIN_SERVER_KEY_UNPROVEN
    assert proxy.url in refused.value.message
    assert credentials.TokenStore(a.settings.server_url, a.username).get() == token
    mine = a.repo.create(
        "election", {"name": "Uji", "kind": "bupati", "region_code": region}, region
    )
    report = a.sync()
    assert report.failure is not None
    assert report.failure.error.code is ErrorCode.SYNC_SERVER_KEY_UNPROVEN
    assert not report.pushed and not report.pulled
    assert _pins(a) == pinned
    assert proxy.rewritten == 2  # the login's key answer and the sync run's first request

    proxy.mode = "relay"  # the honest path goes on
    assert _login(a).online
    assert a.sync().complete
    stored = server.request("GET", f"/v1/records/election/{mine}", token=server.admin_token)  # type: ignore[attr-defined]
    assert stored.status_code == 200, stored.text  # sent once the answer is proved again
    assert _pins(a) == pinned


def test_a_login_answer_changed_on_the_way_is_refused_and_nothing_is_kept(
    server: ServerProcess, http_client: Callable[..., HttpClient], proxy: KeyProxy
) -> None:
    """The keys relayed as they are (they prove themselves), the login answer's region
    changed: the answer is not the pinned key's word, so nothing of it is kept."""
    a = http_client("a", proxy.url)
    assert _login(a).online
    pinned = _pins(a)
    token = credentials.TokenStore(a.settings.server_url, a.username).get()
    proxy.mode = "region"
    with pytest.raises(ServerKeyChanged) as refused:
        _login(a)
    assert refused.value.code is ErrorCode.LOGIN_SERVER_KEY_UNPROVEN
    assert proxy.rewritten == 1
    assert credentials.TokenStore(a.settings.server_url, a.username).get() == token
    assert _pins(a) == pinned
    proxy.mode = "relay"
    assert _login(a).online
