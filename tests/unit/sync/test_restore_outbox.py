"""A restored backup's waiting mutations may have left the device after the backup
was taken: an edit made after the restore must still reach the server.

The server answers a mutation id it knows from its store and applies nothing new, so
an edit folded into such a mutation would be acknowledged and never applied; and a
withdrawal folded into a create the server already holds would drop both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from silon_desktop.storage import backup
from silon_desktop.storage.models import OutboxMutation
from tests.unit.sync.harness import Client, seed_pair, supporter_values


def _restore(client: Client, made: backup.BackupInfo) -> None:
    client.close()
    backup.restore(made.path, client.db.path, client.folder / "backups")
    client.open()


def _waiting(client: Client, record_id: str) -> list[OutboxMutation]:
    with client.db.session(readonly=True) as session:
        rows = session.scalars(
            select(OutboxMutation)
            .where(OutboxMutation.record_id == record_id)
            .order_by(OutboxMutation.seq)
        ).all()
        session.expunge_all()
        return list(rows)


def test_an_edit_after_restoring_a_backup_reaches_the_server(
    make_client: Callable[..., Any],
) -> None:
    a, b = make_client("a"), make_client("b")
    pair = seed_pair(a)
    sid = a.repo.create("supporter", supporter_values(pair, 1), "32.14")
    assert a.sync().complete
    a.repo.update("supporter", sid, {"name": "NAMA BARU"})  # waiting when backed up
    made = backup.make_backup(a.db.path, a.folder / "backups", reason="manual")
    assert a.sync().complete  # pushed and applied after the backup

    _restore(a, made)
    (waiting,) = [m for m in _waiting(a, sid) if m.state == "pending"]
    assert waiting.via_bundle == f"restored:{made.path.name}"
    a.repo.update("supporter", sid, {"address": "ALAMAT SESUDAH PULIH"})
    edits = [m for m in _waiting(a, sid) if m.state == "pending"]
    assert len(edits) == 2 and set(edits[1].changes) == {"address"}  # a mutation of its own

    report = a.sync()
    assert report.complete and report.rejected == 0
    server = a.server.records()[("supporter", sid)]
    assert (server["name"], server["address"]) == ("NAMA BARU", "ALAMAT SESUDAH PULIH")
    assert b.sync().complete
    assert b.records()[("supporter", sid)]["address"] == "ALAMAT SESUDAH PULIH"


def test_a_withdrawal_after_restoring_a_backup_reaches_the_server(
    make_client: Callable[..., Any],
) -> None:
    """A create waiting in the backup and pushed after it: withdrawn after the restore,
    the withdrawal is sent (it used to drop the create, the server keeping the record)."""
    a = make_client("a")
    pair = seed_pair(a)
    assert a.sync().complete
    sid = a.repo.create("supporter", supporter_values(pair, 2), "32.14")
    made = backup.make_backup(a.db.path, a.folder / "backups", reason="manual")
    assert a.sync().complete
    assert ("supporter", sid) in a.server.records()

    _restore(a, made)
    assert a.repo.delete("supporter", sid, {"withdrawn_reason": "salah_input"}) is not None
    assert a.sync().complete
    assert ("supporter", sid) not in a.server.records()  # withdrawn there too
