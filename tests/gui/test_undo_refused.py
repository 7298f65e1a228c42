"""An undo that is refused leaves the undo stack where it was: the step it could not
undo is still the next one Ctrl+Z undoes. The stack moved back one step anyway, so the
next Ctrl+Z went past the refused step to the one before it (a field: nothing happened,
the record no longer held that step's value; a verdict: the earlier verdict was undone
and the refused one stayed for good)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from silon_desktop.domain.errors import CodedError, ErrorCode
from tests.gui.test_verification import open_supporters


def _refuse_once(monkeypatch: pytest.MonkeyPatch, backend: Any, method: str, refusal: Any) -> None:
    real = getattr(backend, method)
    calls: list[int] = []

    def once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return refusal if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(backend, method, once)


def test_a_refused_undo_of_a_field_is_the_next_undo_again(
    window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a, **_k: QMessageBox.StandardButton.Ok)
    backend = window.backend
    window.open_record("election", seeded["election"])
    form = window.election_form
    assert form.write_value("name", "Pilbup A") and form.write_value("name", "Pilbup B")
    assert form.undo_stack.index() == 2
    _refuse_once(monkeypatch, backend, "update", CodedError(ErrorCode.DB_LOCKED))
    form.undo_stack.undo()  # refused: nothing undone
    assert backend.get("election", seeded["election"])["name"] == "Pilbup B"
    assert form.undo_stack.index() == 2 and form.undo_stack.canUndo()
    form.undo_stack.undo()
    assert backend.get("election", seeded["election"])["name"] == "Pilbup A"
    form.undo_stack.undo()
    assert backend.get("election", seeded["election"])["name"] == "Pemilihan Bupati Purwakarta 2024"


def test_a_refused_undo_of_a_verdict_is_the_next_undo_again(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from silon_desktop.services.results import VerifyResult

    monkeypatch.setattr(QMessageBox, "warning", lambda *_a, **_k: QMessageBox.StandardButton.Ok)
    backend = window.backend
    page = open_supporters(window, seeded)
    first, second = (page.model.row_at(i).id for i in range(2))
    assert page.verify_ids([first], "") == 1
    assert page.verify_ids([second], "BANNED_OCCUPATION") == 1
    refused = VerifyResult(error=CodedError(ErrorCode.DB_LOCKED))
    _refuse_once(monkeypatch, backend, "undo_verify", refused)
    page.undo_verdict()  # refused: nothing undone
    assert backend.get("supporter", second)["admin_reasons"] == ["BANNED_OCCUPATION"]
    assert page.verdict_undo.index() == 2
    page.undo_verdict()
    assert backend.get("supporter", second)["admin_status"] == ""
    assert backend.get("supporter", first)["admin_status"] == "MS"
    page.undo_verdict()
    assert backend.get("supporter", first)["admin_status"] == ""


def test_a_verdicts_undo_the_server_refused_is_undone_next(
    window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The undo was saved here, the server refused it and the sync put the verdict back:
    the step is the next Ctrl+Z again. The stack had moved below it, and the next Ctrl+Z
    undid the verdict before it, leaving the refused one for good."""
    backend = window.backend
    page = open_supporters(window, seeded)
    first, second = (page.model.row_at(i).id for i in range(2))
    assert page.verify_ids([first], "") == 1
    assert page.verify_ids([second], "BANNED_OCCUPATION") == 1
    verdict = {k: v for k, v in backend.get("supporter", second).items() if k.startswith("admin_")}
    page.undo_verdict()  # saved here...
    assert backend.get("supporter", second)["admin_status"] == ""
    backend.repo.update("supporter", second, verdict)  # ...refused: the sync puts it back
    page.refresh()  # what the window does after the sync
    page.undo_verdict()
    assert backend.get("supporter", second)["admin_status"] == ""
    assert backend.get("supporter", first)["admin_status"] == "MS"
