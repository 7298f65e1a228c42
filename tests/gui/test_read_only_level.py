"""A Bawaslu account reads, never writes: the window shows its forms read-only and its
edit actions disabled, and says why in Indonesian. Every form and button was open to
it; the server refused the edits at the next sync and the PC undid them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot


def _window(qtbot: QtBot, backend: Any, role: str) -> Any:
    from silon_desktop.ui.main_window import MainWindow

    backend.session_role = role
    win = MainWindow(backend)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def bawaslu(qtbot: QtBot, backend: Any, seeded: dict[str, str]) -> Iterator[Any]:
    win = _window(qtbot, backend, "bawaslu")
    yield win
    win.close()


def _forms(win: Any) -> list[Any]:
    page = win.pair_page
    return [
        win.election_form,
        page.pair_form,
        page.candidates.form,
        page.documents.form,
        page.parties.form,
        page.supporters.form,
    ]


def test_a_bawaslu_window_is_read_only_and_says_why(
    qtbot: QtBot, bawaslu: Any, seeded: dict[str, str]
) -> None:
    win, page = bawaslu, bawaslu.pair_page
    assert win.read_only_banner.isVisible() and "Bawaslu" in win.read_only_banner.text()
    for action in (win.add_election_action, win.add_pair_action, win.import_action):
        assert not action.isEnabled(), action.text()
    win.open_record("election", seeded["election"])
    win.open_record("pair", seeded["pair"])
    page.setCurrentWidget(page.supporters)
    page.supporters.table.selectRow(0)
    for form in _forms(win):
        for name, widget in form.widgets.items():
            if isinstance(widget, QLineEdit):
                assert widget.isReadOnly(), (form.entity, name)
            else:
                assert not widget.isEnabled(), (form.entity, name)
        assert not form.undo_button.isVisible()
    for child in (page.candidates, page.documents, page.parties):
        assert not child.add_button.isEnabled() and not child.delete_button.isEnabled()
    supporters = page.supporters
    for button in (
        supporters.add_button,
        supporters.withdraw_button,
        supporters.restore_button,
        supporters.merge_button,
        supporters.scan_button,
        page.attach_button,
    ):
        assert not button.isEnabled(), button.text()
    assert not supporters.verify_box.isEnabled()
    # Typing into a field saves nothing.
    name = page.pair_form.widgets["head_name"]
    name.setFocus()
    qtbot.keyClicks(name, "X")
    name.editingFinished.emit()
    assert (win.backend.get("pair", seeded["pair"]) or {})["head_name"] == "AHMAD SUBAGJA"


def test_a_kpu_window_stays_editable(qtbot: QtBot, backend: Any, seeded: dict[str, str]) -> None:
    win = _window(qtbot, backend, "kabkota")
    try:
        assert not win.read_only_banner.isVisible()
        assert win.add_pair_action.isEnabled() and win.import_action.isEnabled()
        win.open_record("pair", seeded["pair"])
        page = win.pair_page
        assert not page.pair_form.widgets["head_name"].isReadOnly()
        route = page.pair_form.widgets["route"]
        assert isinstance(route, QComboBox) and route.isEnabled()
        assert page.candidates.add_button.isEnabled() and page.attach_button.isEnabled()
        assert page.supporters.add_button.isEnabled() and page.supporters.verify_box.isEnabled()
    finally:
        win.close()


def test_a_refused_delete_is_said(
    qtbot: QtBot, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KPU kab/kota reads its province's governor pair but deletes none of its
    candidates: the delete was refused without a word, the candidate simply stayed."""
    from PySide6.QtWidgets import QMessageBox

    election = backend.repo.create(
        "election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"}, "32"
    )
    pair = backend.repo.create("pair", {"election_id": election, "number": 1}, "32")
    backend.repo.create("candidate", {"pair_id": pair, "role": "kepala", "name": "BUDI"}, "32")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: said.append(text))
    win = _window(qtbot, backend, "kabkota")
    try:
        win.open_record("pair", pair)
        candidates = win.pair_page.candidates
        candidates.delete_current()
        assert len(backend.list("candidate", pair_id=pair)) == 1
        assert said and "32.14" in said[0]
    finally:
        win.close()


def test_a_kabkota_sees_the_fields_of_an_election_made_above_read_only(
    qtbot: QtBot, backend: Any
) -> None:
    """An election the province or KPU RI made (the server says so: ``made_by_kabkota``
    false) has its DPT, dates, rule set and decree figures filled by that level, empty
    or not: the form shows them read-only, saying who fills them; its name stays the
    kab/kota's. Its own election's empty fields stay open."""
    import uuid

    from sync.client.apply import Applier, apply_connection
    from sync.protocol import FeedPage, Record, encode_feed_page

    ids = {made: str(uuid.uuid4()) for made in (False, True)}
    records = [
        Record("election", rid, "32.14", 2, False, {
            "name": "Pilbup", "kind": "bupati", "region_code": "32.14", "made_by_kabkota": made,
        })
        for made, rid in ids.items()
    ]  # fmt: skip
    with apply_connection(backend.db) as conn:
        Applier().feed_page(conn, encode_feed_page(FeedPage(records, "9", False)))
    assert backend.session_scope == "32.14"
    win = _window(qtbot, backend, "kabkota")
    try:
        win.open_record("election", ids[False])
        form = win.election_form
        dpt = form.widgets["dpt"]
        assert isinstance(dpt, QLineEdit) and dpt.isReadOnly()
        assert "KPU Provinsi atau KPU RI" in dpt.toolTip()
        assert not form.widgets["name"].isReadOnly() and not form.widgets["name"].toolTip()
        win.open_record("election", ids[True])
        assert not form.widgets["dpt"].isReadOnly() and not form.widgets["dpt"].toolTip()
    finally:
        win.close()
