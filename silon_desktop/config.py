"""Operator settings (server address, CA bundle, language), kept as JSON in the data folder.

Never holds a secret: passwords and tokens live in the OS keyring only.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_SERVER = "http://127.0.0.1:8765"
#: Minutes without input before the window locks (``silon_desktop.ui.idle_lock``).
IDLE_LOCK_MINUTES = 15


@dataclass(slots=True)
class Settings:
    server_url: str = DEFAULT_SERVER
    ca_bundle: str = ""  # path to a custom CA bundle; empty = system trust store
    language: str = "id"  # "id" (default) or "en"
    username: str = ""
    device_id: str = ""
    backup_keep: int = 10
    idle_lock_minutes: int = IDLE_LOCK_MINUTES

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self, path: Path) -> None:
        """Write atomically: a power cut leaves the old file or the new one."""
        from sync.privacy import private_folder, write_private

        private_folder(path.parent)
        write_private(path, json.dumps(asdict(self), indent=2).encode("utf-8"))

    def ensure_device_id(self, path: Path | None = None) -> str:
        """This installation's device id, made on first use (and saved to ``path``).

        The one place a device id is made; plain Python, so the start-up reads it
        before the login without loading the sync client.
        """
        if not self.device_id:
            self.device_id = str(uuid.uuid4())
            if path is not None:
                self.save(path)
        return self.device_id
