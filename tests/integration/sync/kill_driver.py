"""Sync client processes for the SIGKILL test, forked from a zygote that imported once.

``python -m tests.integration.sync.kill_driver`` prints ``ZYGOTE`` when its imports
are done, then reads lines ``FOLDER URL TOKEN USER BATCH PAGE`` on stdin. For each
it forks a child process that opens the client database, prints ``READY PID`` and
runs one sync with fixed batch and page sizes. The next line ``KILL`` makes the
zygote send SIGKILL to that child (still running, or finished and not yet reaped,
so its pid cannot have been reused), reap it and print ``EXIT PID STATUS``.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from silon_desktop.config import Settings
from silon_desktop.storage.db import open_database
from sync.client import SyncEngine
from sync.transport import AdaptiveBatch, HttpTransport


def child(folder: Path, url: str, token: str, user: str, batch: int, page: int) -> int:
    db = open_database(folder / "silon.db")
    engine = SyncEngine(
        db,
        Settings(server_url=url, username=user, device_id=f"dev-{user}"),
        HttpTransport(url, token=token),
        batch=AdaptiveBatch(start=batch, minimum=batch, maximum=batch),
        pages=AdaptiveBatch(start=page, minimum=page, maximum=page),
    )
    print(f"READY {os.getpid()}", flush=True)
    return 0 if engine.run().complete else 1


def main() -> int:
    print("ZYGOTE", flush=True)
    for line in sys.stdin:
        folder, url, token, user, batch, page = line.split()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = child(Path(folder), url, token, user, int(batch), int(page))
            finally:
                os._exit(code)
        command = sys.stdin.readline().strip()
        assert command == "KILL", command
        os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
        print(f"EXIT {pid} {status}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
