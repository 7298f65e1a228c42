"""The HTTP transport against a scripted local HTTP server: retries, gzip, errors, TLS."""

from __future__ import annotations

import gzip
import json
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sync.transport import (
    AdaptiveBatch,
    AuthExpired,
    Forbidden,
    HttpTransport,
    Offline,
    RetryPolicy,
    ServerRefused,
    TimedOut,
    TlsFailed,
    encode_body,
)
from tests.tls import self_signed

FAST = RetryPolicy(attempts=4, max_total_s=5, initial_s=0.01, max_wait_s=0.05)


class Script:
    """Answers to give, in order: (status, headers, body bytes); the last one repeats."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], bytes]] = []
        self.seen: list[dict[str, Any]] = []
        self.delay_s = 0.0  # before each answer


@pytest.fixture
def scripted() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            script.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
            time.sleep(script.delay_s)
            status, headers, payload = (
                script.answers.pop(0) if len(script.answers) > 1 else script.answers[0]
            )
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", script
    server.shutdown()
    server.server_close()


def ok(body: Any) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def test_retries_5xx_and_429_then_succeeds(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(502, {}, b"bad gateway"), (429, {"Retry-After": "0"}, b"slow"), ok({"a": 1})]
    transport = HttpTransport(url, retry=FAST)
    assert transport.call("GET", "/v1/x") == {"a": 1}
    assert transport.stats.retries == 2 and len(script.seen) == 3


def test_gives_up_as_offline_after_the_attempts(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(503, {}, b"busy")]
    transport = HttpTransport(url, retry=FAST)
    with pytest.raises(Offline) as caught:
        transport.call("GET", "/v1/x")
    assert caught.value.status == 503 and len(script.seen) == FAST.attempts
    assert "tidak dapat dihubungi" in caught.value.message


def test_connection_refused_is_offline() -> None:
    transport = HttpTransport("http://127.0.0.1:9", retry=FAST)
    with pytest.raises(Offline):
        transport.call("GET", "/v1/health", auth=False)


def test_401_is_auth_expired_and_403_forbidden_without_retry(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(401, {}, b'{"error":"token_expired"}')]
    transport = HttpTransport(url, retry=FAST, token="t0k")
    with pytest.raises(AuthExpired) as caught:
        transport.call("GET", "/v1/feed")
    assert caught.value.message == "Silakan masuk lagi." and len(script.seen) == 1
    assert script.seen[0]["headers"]["Authorization"] == "Bearer t0k"
    script.answers = [(403, {}, b'{"error":"forbidden"}')]
    with pytest.raises(Forbidden) as refused:
        transport.call("GET", "/v1/feed")
    assert refused.value.message == "Akun ini tidak berhak melakukan tindakan tersebut."
    # an account an older server let take a name the audit log keeps
    script.answers = [(403, {}, b'{"error":"reserved_username","message":"..."}')]
    with pytest.raises(Forbidden) as reserved:
        transport.call("POST", "/v1/auth/login", {"u": 1}, auth=False)
    assert "Minta administrator membuat akun dengan nama lain" in reserved.value.message
    script.answers = [(422, {}, b'{"error":"invalid_request"}')]
    with pytest.raises(ServerRefused):
        transport.call("POST", "/v1/push", {"x": 1})


def test_long_retry_after_is_not_waited_for(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(429, {"Retry-After": "900"}, b'{"error":"locked"}')]
    with pytest.raises(ServerRefused, match="15 menit"):
        HttpTransport(url, retry=FAST).call("POST", "/v1/auth/login", {"u": 1}, auth=False)
    assert len(script.seen) == 1


def test_bodies_are_gzipped_both_ways(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    answer = json.dumps({"rows": ["x" * 50] * 100}).encode()
    script.answers = [(200, {"Content-Encoding": "gzip"}, gzip.compress(answer))]
    transport = HttpTransport(url, retry=FAST)
    body = {"mutations": [{"name": "Siti"}] * 200}
    assert transport.call("POST", "/v1/push", body) == json.loads(answer)
    sent = script.seen[0]
    assert sent["headers"]["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(sent["body"])) == body
    assert "gzip" in sent["headers"]["Accept-Encoding"]
    assert transport.stats.bytes_received < len(answer)  # counted as on the wire


def test_a_body_encoded_ahead_is_sent_as_it_was_encoded(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [ok({"ok": True}), ok({"ok": True})]
    transport = HttpTransport(url, retry=FAST)
    big = encode_body({"mutations": [{"name": "Siti"}] * 200})
    small = encode_body({"mutations": []})
    assert big.gzipped and not small.gzipped  # gzip from GZIP_MIN_BYTES on, as for any body
    transport.call("POST", "/v1/push", big)
    transport.call("POST", "/v1/push", small)
    first, second = script.seen
    assert first["body"] == big.data and first["headers"]["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(first["body"])) == big.value
    assert second["body"] == small.data and "Content-Encoding" not in second["headers"]
    assert json.loads(second["body"]) == {"mutations": []}


def test_truncated_answer_is_retried(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(200, {}, b'{"cut": tr'), ok({"whole": True})]
    assert HttpTransport(url, retry=FAST).call("GET", "/v1/x") == {"whole": True}


def test_tls_verification_stays_on_with_a_custom_ca_bundle(tmp_path: Any) -> None:
    bundle = tmp_path / "kpu-ca.pem"
    bundle.write_text("not a certificate")
    assert HttpTransport("https://silon.example", ca_bundle=str(bundle))._session.verify == str(
        bundle
    )
    assert HttpTransport("https://silon.example")._session.verify is True


def test_adaptive_batch_halves_on_timeout_and_grows_when_fast() -> None:
    sizer = AdaptiveBatch(start=400, minimum=50, maximum=1000, fast_s=1.0)
    assert sizer.record(5.0, timed_out=True) == 200
    assert sizer.record(5.0, timed_out=True) == 100
    assert sizer.record(0.2, timed_out=False) == 200
    for _ in range(5):
        sizer.record(0.1, timed_out=False)
    assert sizer.size == 1000
    for _ in range(10):
        sizer.record(9.0, timed_out=True)
    assert sizer.size == 50


def test_a_read_timeout_is_retried_unless_the_caller_would_rather_shrink(
    scripted: tuple[str, Script],
) -> None:
    url, script = scripted
    script.answers = [ok({"late": True})]
    script.delay_s = 0.3
    transport = HttpTransport(url, retry=FAST, read_timeout_s=0.1)
    with pytest.raises(TimedOut):
        transport.call("POST", "/v1/push", {"x": 1}, retry_timeouts=False)
    assert len(script.seen) == 1 and transport.stats.last_timed_out
    with pytest.raises(TimedOut):
        transport.call("POST", "/v1/push", {"x": 1})
    assert len(script.seen) == 1 + FAST.attempts


def test_an_untrusted_certificate_is_a_tls_message_without_retries(
    scripted: tuple[str, Script], tmp_path: Path
) -> None:
    url, script = scripted
    script.answers = [ok({"trusted": True})]
    cert_file, key_file = self_signed(tmp_path)
    https = ThreadingHTTPServer(("127.0.0.1", 0), _Relay)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    https.socket = context.wrap_socket(https.socket, server_side=True)
    https.target = url  # type: ignore[attr-defined]
    thread = threading.Thread(target=https.serve_forever, daemon=True)
    thread.start()
    address = f"https://127.0.0.1:{https.server_address[1]}"
    try:
        transport = HttpTransport(address, retry=FAST)
        with pytest.raises(TlsFailed) as refused:
            transport.call("GET", "/v1/x")
        assert "sertifikat" in refused.value.message
        assert transport.stats.requests == 1 and transport.stats.retries == 0
        # The office's own CA bundle makes the same server trusted.
        trusted = HttpTransport(address, ca_bundle=str(cert_file), retry=FAST)
        assert trusted.call("GET", "/v1/x") == {"trusted": True}
        with pytest.raises(TlsFailed, match="tidak ditemukan"):
            HttpTransport(address, ca_bundle=str(tmp_path / "none.pem")).call("GET", "/v1/x")
    finally:
        https.shutdown()
        https.server_close()


class _Relay(BaseHTTPRequestHandler):
    """Answers over TLS what the scripted plain-HTTP server answers."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        answer = HttpTransport(self.server.target).call("GET", self.path)  # type: ignore[attr-defined]
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def test_the_token_never_shows_in_a_repr() -> None:
    from sync.client.api import LoginAnswer

    transport = HttpTransport("https://silon.example", token="rahasia-token-xyz")
    answer = LoginAnswer("rahasia-token-xyz", "op1", "operator", "32.14", 0.0)
    assert "rahasia-token-xyz" not in repr(transport) + repr(answer)
    assert transport.token == answer.token == "rahasia-token-xyz"


def test_a_read_cut_off_is_a_link_fault_but_a_bug_is_not_passed_off_as_offline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import urllib3

    transport = HttpTransport("http://127.0.0.1:9", retry=FAST)

    def cut(*_args: object, **_kwargs: object) -> None:
        raise urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead")

    monkeypatch.setattr(transport._session, "request", cut)
    with pytest.raises(Offline):
        transport.call("GET", "/v1/x")
    assert transport.stats.retries == FAST.attempts - 1

    def bug(*_args: object, **_kwargs: object) -> None:
        raise TypeError("unexpected keyword")

    monkeypatch.setattr(transport._session, "request", bug)
    with pytest.raises(TypeError):
        transport.call("GET", "/v1/x")
