"""Start the REAL sync server as a subprocess on loopback, for integration tests.

Usage (any test may use it)::

    from tests.integration.server_process import ServerProcess

    with ServerProcess.start(tmp_path / "server") as server:
        server.add_user("op3214", "rahasia-3214", role="kabkota", region="32.14")
        token = server.login("op3214", "rahasia-3214")   # bearer token
        server.url                                       # "http://127.0.0.1:PORT"

(``tests/integration/server/conftest.py`` shows fixtures built on it: a
session-wide server with accounts of every role and a seeded election.)

- ``ServerProcess.start(data_dir, *, database_url=None, env=None, port=None,
  training=False, timeout=30)``: runs ``python -m sync.server serve`` with a free
  port and waits until ``GET /v1/health`` answers (raises ``RuntimeError`` with
  the server's log if it does not). ``env`` adds environment variables
  (``SILON_SERVER_NOW``, ``SILON_TOKEN_TTL_SECONDS``, ``SILON_LOCKOUT_*``...).
- ``add_user(username, password, role="kabkota", region="32.14")`` runs
  ``silon-server user add`` against the same database (the server may be running).
- ``login(username, password, device_id="test-device", public_key=None) -> str``.
- ``request(method, path, token=None, json=None, **kw) -> requests.Response``.
- ``cli(*args) -> subprocess.CompletedProcess``: any ``silon-server`` command on the
  same database (``--data-dir``/``--database-url`` appended).
- ``stop()`` (also on leaving the ``with``): SIGTERM, then SIGKILL after 10 s.
  ``kill()``: SIGKILL at once (crash tests). ``restart()``: start again, same port.
- ``log_text()``: what the server printed so far.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """A ``silon-server serve`` subprocess on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
        training: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.extra_env = dict(env or {})
        self.port = port or free_port()
        self.training = training
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_path = self.data_dir / f"server-{self.port}.log"

    # --- life cycle -------------------------------------------------------------

    @classmethod
    def start(
        cls,
        data_dir: Path,
        *,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
        training: bool = False,
        timeout: float = 30,
    ) -> ServerProcess:
        server = cls(data_dir, database_url=database_url, env=env, port=port, training=training)
        server._launch(timeout)
        return server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _db_args(self) -> list[str]:
        if self.database_url:
            return ["--database-url", self.database_url]
        return ["--data-dir", str(self.data_dir)]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.extra_env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        return env

    def _launch(self, timeout: float) -> None:
        cmd = [
            PYTHON,
            "-m",
            "sync.server",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *self._db_args(),
        ]
        if self.training:
            cmd.append("--training")
        log = self._log_path.open("ab")
        self.proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=self._env(), cwd=ROOT
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                if requests.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not answer /v1/health in {timeout} s:\n{self.log_text()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def restart(self, timeout: float = 30) -> None:
        self.stop()
        self._launch(timeout)

    def log_text(self) -> str:
        try:
            return self._log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- administration and calls -------------------------------------------------

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``silon-server ARGS --data-dir/--database-url ...`` on this server's database."""
        cmd = [PYTHON, "-m", "sync.server", *args, *self._db_args()]
        result = subprocess.run(
            cmd, capture_output=True, text=True, env=self._env(), cwd=ROOT, timeout=120
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def add_user(
        self, username: str, password: str, role: str = "kabkota", region: str = "32.14"
    ) -> None:
        self.cli(
            "user", "add", username, "--role", role, "--region", region, "--password", password
        )

    def request(
        self, method: str, path: str, token: str | None = None, json: Any = None, **kw: Any
    ) -> requests.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(
            method, self.url + path, json=json, headers=headers, timeout=kw.pop("timeout", 60), **kw
        )

    def login(
        self,
        username: str,
        password: str,
        device_id: str = "test-device",
        public_key: str | None = None,
    ) -> str:
        body: dict[str, Any] = {"username": username, "password": password, "device_id": device_id}
        if public_key:
            body["public_key"] = public_key
        r = self.request("POST", "/v1/auth/login", json=body)
        if r.status_code != 200:
            raise RuntimeError(f"login {username} -> {r.status_code} {r.text}")
        return str(r.json()["token"])
