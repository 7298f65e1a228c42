"""A sync client process for the SIGKILL test: ``python -m tests.integration.sync.kill_driver
FOLDER URL`` with ``SILON_TEST_TOKEN``, ``SILON_TEST_USER``, ``SILON_TEST_BATCH`` and
``SILON_TEST_PAGE`` in the environment. Prints ``READY`` once set up, then runs one sync."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import open_database
    from sync.client import SyncEngine
    from sync.transport import AdaptiveBatch, HttpTransport

    folder, url = Path(sys.argv[1]), sys.argv[2]
    user = os.environ["SILON_TEST_USER"]
    batch = int(os.environ.get("SILON_TEST_BATCH", "10"))
    page = int(os.environ.get("SILON_TEST_PAGE", "20"))
    db = open_database(folder / "silon.db")
    engine = SyncEngine(
        db,
        Settings(server_url=url, username=user, device_id=f"dev-{user}"),
        HttpTransport(url, token=os.environ["SILON_TEST_TOKEN"]),
        batch=AdaptiveBatch(start=batch, minimum=batch, maximum=batch),
        pages=AdaptiveBatch(start=page, minimum=page, maximum=page),
    )
    print("READY", flush=True)
    report = engine.run()
    print("DONE", report.complete, flush=True)
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
