"""A fault-injecting HTTP proxy on loopback, between a client and a real server.

One request per connection (the proxy asks the server to close after each
answer), and for each request one fault, drawn at random with the given
weights (seeded) or taken from a script:

- ``ok``: relayed as is;
- ``drop``: the connection is closed before the request reaches the server;
- ``lost``: the server gets and applies the request, the answer is never sent;
- ``delay``: relayed after ``delay_s`` seconds (beyond a short read timeout it
  becomes a client timeout);
- ``truncate``: only the first part of the answer is sent, then the connection closes;
- ``bad_gateway``: a 502 answer without reaching the server.

Usage::

    with FaultProxy(upstream_port, weights={"ok": 5, "drop": 1, ...}, seed=1) as proxy:
        url = proxy.url
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter
from types import TracebackType

FAULTS = ("ok", "drop", "lost", "delay", "truncate", "bad_gateway")
_BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\n"
    b"Content-Length: 26\r\nConnection: close\r\n\r\n"
    b'{"error":"bad_gateway_xx"}'
)


class FaultProxy:
    """A threaded TCP proxy that understands just enough HTTP/1.1 to cut it up."""

    def __init__(
        self,
        upstream_port: int,
        *,
        weights: dict[str, float] | None = None,
        seed: int = 0,
        delay_s: float = 0.3,
        script: list[str] | None = None,
    ) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.weights = weights or {"ok": 1.0}
        self.delay_s = delay_s
        self.script = list(script or [])
        self.counts: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="faultproxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _next_fault(self) -> str:
        with self._lock:
            if self.script:
                fault = self.script.pop(0)
            else:
                names = list(self.weights)
                fault = self._random.choices(names, [self.weights[n] for n in names])[0]
            self.counts[fault] += 1
            return fault

    def _accept(self) -> None:
        self._server.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _addr = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(30)
            try:
                request = _read_request(client)
            except OSError:
                return
            if request is None:
                return
            fault = self._next_fault()
            if fault == "drop":
                return
            if fault == "bad_gateway":
                client.sendall(_BAD_GATEWAY)
                return
            try:
                answer = self._forward(request)
            except OSError:
                return  # server down: the client sees a closed connection
            if fault == "lost":
                return
            if fault == "delay":
                time.sleep(self.delay_s)
            if fault == "truncate":
                answer = answer[: max(1, len(answer) // 2)]
            try:
                client.sendall(answer)
            except OSError:
                pass

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=60) as upstream:
            upstream.sendall(request)
            chunks = []
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                chunks.append(data)
            return b"".join(chunks)

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _read_request(sock: socket.socket) -> bytes | None:
    """One HTTP request, with ``Connection: close`` forced, or None at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name = line.split(b":", 1)[0].strip().lower()
        if name == b"content-length":
            length = int(line.split(b":", 1)[1])
        if name in (b"connection", b"keep-alive"):
            continue
        kept.append(line)
    kept.append(b"Connection: close")
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return b"\r\n".join(kept) + b"\r\n\r\n" + body
