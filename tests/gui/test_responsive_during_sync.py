"""Nothing in the UI waits for the network or the database while sync runs.

A loopback proxy I control sits between the client and a REAL server and holds
the push request (a stalled server). While sync is stuck there, a QTimer keeps
firing on time, the operator types and saves a field, filters the supporters,
and no HTTP call is ever made from the UI thread.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import PASSWORD


class StallingProxy:
    """TCP relay to ``upstream``; while ``stall`` is set, a push request is held back."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stall = threading.Event()
        self.stalled = threading.Event()
        self.released = threading.Event()
        self.sockets: list[socket.socket] = []
        self.accepting = threading.Thread(target=self._accept, daemon=True)
        self.accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def release(self) -> None:
        self.stall.clear()
        self.released.set()

    def close(self) -> None:
        self.release()
        # close() alone leaves accept() blocked on Linux; shutdown wakes it (OSError)
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            s.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, requests: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if requests and self.stall.is_set() and b"/v1/push" in chunk:
                    self.stalled.set()
                    self.released.wait(60)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            target.close()


@pytest.fixture
def proxy(live_server: Any) -> Iterator[StallingProxy]:
    relay = StallingProxy(live_server.port)
    yield relay
    relay.close()
    relay.accepting.join(5)
    assert not relay.accepting.is_alive(), "the relay still accepts into the next tests"


def test_ui_answers_while_the_server_stalls(
    qtbot: QtBot,
    window: Any,
    seeded: dict[str, str],
    proxy: StallingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sync.transport import HttpTransport

    window.sync.timer.stop()
    backend = window.backend
    backend.settings.server_url = proxy.url
    assert (login := backend.login("op3214", PASSWORD)).ok and login.online
    ui_thread = threading.current_thread()
    calls_on_ui_thread: list[str] = []
    original_call = HttpTransport.call

    def watched_call(self: Any, method: str, path: str, *args: Any, **kw: Any) -> Any:
        if threading.current_thread() is ui_thread:
            calls_on_ui_thread.append(f"{method} {path}")
        return original_call(self, method, path, *args, **kw)

    monkeypatch.setattr(HttpTransport, "call", watched_call)
    window.open_record("pair", seeded["pair"])

    proxy.stall.set()
    window.sync.sync_now()
    qtbot.waitUntil(proxy.stalled.is_set, timeout=15_000)
    assert window.sync.is_running()
    assert window.sync_status.progress.isVisible()

    # The event loop keeps turning: a 20 ms timer fires on time, 15 times over.
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 15, timeout=3000)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 0.25, gaps

    # The operator keeps working: a field is typed and saved at once.
    form = window.pair_page.pair_form
    edit = form.widgets["deputy_name"]
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "WAKIL SELAMA SINKRON")
    started = time.monotonic()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert time.monotonic() - started < 1.0
    assert "Tersimpan" in form.status_label.text()
    assert backend.get("pair", seeded["pair"])["deputy_name"] == "WAKIL SELAMA SINKRON"
    supporters = window.pair_page.supporters
    window.pair_page.setCurrentWidget(supporters)
    supporters.status_filter.setCurrentIndex(supporters.status_filter.findData("-"))
    assert supporters.model.rowCount() == 30
    with qtbot.waitSignal(window.sync.statusChanged, timeout=5000):
        window.sync.refresh_status()  # read on a worker too
    assert window.sync.is_running(), "sync is still held by the stalled server"

    # Cancel: the run stops at the next step boundary, keeping what was done.
    QTest.mouseClick(window.sync_status.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
        proxy.release()
    assert finished.args[0]["cancelled"], finished.args[0]
    assert not window.sync_status.progress.isVisible()
    assert backend.sync_status().pending >= 1  # the edit made meanwhile waits

    with qtbot.waitSignal(window.sync.syncFinished, timeout=60_000) as finished:
        window.sync.sync_now()
    assert finished.args[0]["complete"], finished.args[0]
    assert calls_on_ui_thread == []
    assert backend.sync_status().pending == 0
