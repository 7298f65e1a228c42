"""Interleavings the convergence property once found, replayed step by step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from silon_desktop.storage.models import OutboxMutation
from tests.unit.sync import test_convergence_property
from tests.unit.sync.harness import ServerTemplate
from tests.unit.sync.test_convergence_property import (
    InProcessWorld,
    _acknowledged,
    _stable_id,
    check_converged,
)


class _Choices:
    """The conflict choices the property drew, in order."""

    def __init__(self, choices: list[str]) -> None:
        self.choices = list(choices)

    def draw(self, _strategy: Any) -> str:
        return self.choices.pop(0)


def test_an_edit_folded_into_a_withdrawal_is_not_acknowledged_with_it(
    server_template: ServerTemplate, fast_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """c renames a supporter, then withdraws it before syncing (the rename is folded
    into the delete and never sent); a renames it too and syncs; c's delete then
    meets a's version (a delete-against-edit conflict, resolved 'theirs').

    The delete told the server only the withdrawal, so c's rename is in no
    acknowledged mutation: before the fix the acked row still held it and the
    server's answer made it read as an acknowledged value that was then lost.
    (Hypothesis seed 114016901982943851593564525635579293526 found it.)
    """
    # settle() notes hypothesis events, which only exist inside a hypothesis test.
    monkeypatch.setattr(test_convergence_property, "event", lambda _text: None)
    world = InProcessWorld(server_template, fast_dir)
    try:
        world.setup()
        record = _stable_id(world.scope, 0)
        for step in [
            ("edit", "c", 0, "name", "dua"),
            ("delete", "c", 0),
            ("edit", "a", 0, "name", "satu"),
            ("sync", "a"),
        ]:
            world.run(step)
        world.settle(_Choices(["theirs"] * 8))  # type: ignore[arg-type]
        check_converged(world)
        with world.clients["c"].db.session(readonly=True) as session:
            (delete,) = session.execute(
                select(OutboxMutation).where(
                    OutboxMutation.record_id == record, OutboxMutation.op == "delete"
                )
            ).scalars()
            assert delete.state == "conflict"
            assert "name" not in delete.changes
        assert world.server_records()[("supporter", record)]["name"] == "satu"
        assert not [
            e for e in _acknowledged(world) if e["record"] == record and e["value"] == "dua"
        ]
    finally:
        world.close()
