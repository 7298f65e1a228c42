"""A stage of a sync run as an object with a status the engine and the status bar read.

Each stage (:class:`~sync.client.report.StageName`) keeps its last
:class:`~sync.client.report.StageStatus` in memory and in ``sync_state``
(``stage.<name>``), so the status bar shows what the last run did even after a
restart, and a stage left ``running`` says the process stopped while it ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync.client.report import StageName, StageState, StageStatus
from sync.client.state import set_stage

if TYPE_CHECKING:
    from silon_desktop.storage.db import Database


class Stage:
    """Base of the stages: a name, a database and the stage's status.

    Args:
        name: which stage this is.
        db: the local database (where the status is saved).
    """

    def __init__(self, name: StageName, db: Database) -> None:
        self.name = name
        self.db = db
        self.status = StageStatus()

    @property
    def running(self) -> bool:
        return self.status.state is StageState.RUNNING

    def mark(self, state: StageState, detail: str = "") -> None:
        """Set and save the stage's state (one small transaction)."""
        with self.db.engine.begin() as conn:
            self.status = set_stage(conn, self.name, state, detail)
