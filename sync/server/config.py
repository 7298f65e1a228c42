"""Server settings, read once at start from arguments and environment variables.

Environment variables (all optional; tests use them to drive a real process):

- ``SILON_SERVER_NOW``: ISO 8601 start time of the server clock. The clock then
  runs forward from it in real time. Stage deadlines use this clock, never the
  client's.
- ``SILON_TOKEN_TTL_SECONDS``: token lifetime (default 12 hours).
- ``SILON_LOCKOUT_FAILURES`` / ``SILON_LOCKOUT_WINDOW_SECONDS`` /
  ``SILON_LOCKOUT_SECONDS``: failed logins allowed within the window before the
  name is locked, and for how long (default 5 within 900 s, locked 900 s).
- ``SILON_SOURCE_FAILURES``: failed logins (on any accounts) from one address
  within the window before that address is refused for ``SILON_LOCKOUT_SECONDS``
  (default 50). The ``SILON_LOCKOUT_*`` limits apply per (account, address): an
  account is never locked for everyone.
- ``SILON_READ_TIMEOUT_SECONDS``: a request body must arrive within this many
  seconds between chunks (default 30), else ``408``.
- ``SILON_MAX_BODY_BYTES``: largest request body, before and after gzip
  (default 64 MiB).
- ``SILON_OFFLINE_DAYS``: days a desktop may log in offline after its last online
  login (default 7; 0 allows no offline login). Sent in every login answer;
  ``silon-server serve --offline-days N`` sets it too.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field

from silon_desktop.domain.rules import WIB  # stage deadlines: calendar days in WIB (UTC+7)


class Clock:
    """The server clock: real time, optionally shifted to start at a given instant."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._offset = 0.0
        if start is not None:
            if start.tzinfo is None:
                start = start.replace(tzinfo=dt.UTC)
            self._offset = start.timestamp() - time.time()

    def time(self) -> float:
        """Seconds since the epoch by the server clock."""
        return time.time() + self._offset

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time(), dt.UTC)

    def iso(self) -> str:
        return self.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def today_wib(self) -> dt.date:
        return self.now().astimezone(WIB).date()


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def clock_from_env() -> Clock:
    raw = os.environ.get("SILON_SERVER_NOW")
    if not raw:
        return Clock()
    return Clock(dt.datetime.fromisoformat(raw.replace("Z", "+00:00")))


@dataclass(slots=True)
class ServerConfig:
    database_url: str
    training: bool = False
    clock: Clock = field(default_factory=clock_from_env)
    token_ttl: float = field(default_factory=lambda: _env_float("SILON_TOKEN_TTL_SECONDS", 43200))
    lockout_failures: int = field(
        default_factory=lambda: int(_env_float("SILON_LOCKOUT_FAILURES", 5))
    )
    lockout_window: float = field(
        default_factory=lambda: _env_float("SILON_LOCKOUT_WINDOW_SECONDS", 900)
    )
    lockout_seconds: float = field(default_factory=lambda: _env_float("SILON_LOCKOUT_SECONDS", 900))
    source_failures: int = field(
        default_factory=lambda: int(_env_float("SILON_SOURCE_FAILURES", 50))
    )
    read_timeout: float = field(
        default_factory=lambda: _env_float("SILON_READ_TIMEOUT_SECONDS", 30)
    )
    max_body_bytes: int = field(
        default_factory=lambda: int(_env_float("SILON_MAX_BODY_BYTES", 64 * 1024 * 1024))
    )
    offline_days: float = field(default_factory=lambda: _env_float("SILON_OFFLINE_DAYS", 7))
    #: The election's rules and value domains on every write. Switched off only by
    #: tests/bench/bench_server.py (``SILON_BENCH_NO_RULE_CHECKS=1``) to measure their cost.
    rule_checks: bool = field(
        default_factory=lambda: os.environ.get("SILON_BENCH_NO_RULE_CHECKS") != "1"
    )
