"""The candidate form: the NIK against birth date and sex (a warning the operator
confirms), one Ctrl+Z per operator action, and the pair's composition (one head, one
deputy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

#: a woman born 5 August 1980 (day + 40) in Kec. Purwakarta (32.14.01)
WOMAN_1980 = "3214014508800001"


def _candidates(window: Any, seeded: dict[str, str]) -> Any:
    window.open_record("pair", seeded["pair"])
    window.pair_page.setCurrentIndex(1)
    return window.pair_page.candidates


def _enter(widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def _answers(form: Any, monkeypatch: pytest.MonkeyPatch, *replies: bool) -> list[str]:
    asked: list[str] = []
    queue = list(replies)

    def ask(_title: str, text: str) -> bool:
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(form, "ask_confirm", ask)
    return asked


def test_one_enter_on_a_nik_is_one_ctrl_z(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    candidates = _candidates(window, seeded)
    form = candidates.form
    record_id = candidates.current_id()
    assert form.values.get("birth_date") in (None, "") and not form.values.get("sex")
    before = form.undo_stack.count()
    _enter(form.widgets["nik"], WOMAN_1980)
    saved = window.backend.get("candidate", record_id)
    assert (saved["nik"], saved["birth_date"], saved["sex"]) == (
        WOMAN_1980,
        dt.date(1980, 8, 5),
        "P",
    )
    assert form.undo_stack.count() == before + 1  # NIK, birth date and sex: one step
    QTest.keyClick(form.widgets["nik"], Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    undone = window.backend.get("candidate", record_id)
    assert not undone["nik"] and undone["birth_date"] is None and not undone["sex"]
    assert form.widgets["nik"].text() == "" and form.widgets["birth_date"].text() == ""


@pytest.mark.parametrize(
    "typed",
    ["3214 0145 0880 0001", "32.14.01.450880.0001", "3214-0145-0880-0001", " 3214014508800001"],
)
def test_a_nik_typed_or_pasted_in_groups_is_saved_as_its_16_digits(
    qtbot: QtBot, window: Any, seeded: dict[str, str], typed: str
) -> None:
    """A NIK copied from a KTP scan or a letter in groups was cut at 16 characters
    and taken literally: its last digits lost and the field marked wrong."""
    candidates = _candidates(window, seeded)
    form = candidates.form
    record_id = candidates.current_id()
    _enter(form.widgets["nik"], typed)
    saved = window.backend.get("candidate", record_id)
    assert (saved["nik"], saved["birth_date"], saved["sex"]) == (
        WOMAN_1980,
        dt.date(1980, 8, 5),
        "P",
    )
    assert form.errors["nik"].isHidden()
    assert form.widgets["nik"].text() == WOMAN_1980
    # pasted whole, as the clipboard gives it
    form.widgets["nik"].setFocus()
    form.widgets["nik"].selectAll()
    form.widgets["nik"].insert(typed)
    assert form.widgets["nik"].text() == typed


def test_a_nik_against_the_saved_birth_date_and_sex_asks_first(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = _candidates(window, seeded)
    form = candidates.form
    record_id = candidates.current_id()
    _enter(form.widgets["birth_date"], "01-01-1970")
    form.widgets["sex"].setCurrentIndex(form.widgets["sex"].findData("L"))
    form.widgets["sex"].activated.emit(form.widgets["sex"].currentIndex())
    assert window.backend.get("candidate", record_id)["sex"] == "L"

    asked = _answers(form, monkeypatch, False, False)  # keep what was entered
    _enter(form.widgets["nik"], WOMAN_1980)
    kept = window.backend.get("candidate", record_id)
    assert kept["nik"] == WOMAN_1980
    assert (kept["birth_date"], kept["sex"]) == (dt.date(1970, 1, 1), "L")  # not overwritten
    assert len(asked) == 2 and "05-08-1980" in asked[0] and "Perempuan" in asked[1]
    assert "Tidak sesuai NIK" in form.errors["birth_date"].text()
    assert not form.errors["sex"].isHidden()

    # Typing a birth date against the NIK asks again; "Tidak" keeps the saved one.
    asked = _answers(form, monkeypatch, False)
    _enter(form.widgets["birth_date"], "02-02-1972")
    assert window.backend.get("candidate", record_id)["birth_date"] == dt.date(1970, 1, 1)
    assert form.widgets["birth_date"].text() == "01-01-1970"
    assert "02-02-1972" in asked[0]
    # "Ya" takes the NIK's.
    asked = _answers(form, monkeypatch, True)
    _enter(form.widgets["birth_date"], "05-08-1980")
    assert asked == []  # agrees with the NIK: nothing to ask
    assert window.backend.get("candidate", record_id)["birth_date"] == dt.date(1980, 8, 5)


def test_the_pair_has_one_head_and_one_deputy(
    qtbot: QtBot, window: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = _candidates(window, seeded)
    assert candidates.list.count() == 1  # the head of the sample pair
    assert candidates.add() is not None  # the deputy
    deputy = candidates.current_id()
    assert window.backend.get("candidate", deputy)["role"] == "wakil"
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    assert candidates.add() is None  # a third candidate: refused, said why
    assert candidates.list.count() == 2
    assert warned and "sudah lengkap" in warned[0]
    # The deputy cannot become a second head.
    role = candidates.form.widgets["role"]
    role.setCurrentIndex(role.findData("kepala"))
    role.activated.emit(role.currentIndex())
    assert window.backend.get("candidate", deputy)["role"] == "wakil"
    assert "sudah punya calon kepala daerah: AHMAD SUBAGJA" in candidates.form.errors["role"].text()


def test_a_person_already_a_candidate_of_the_election_is_refused(
    window: Any, seeded: dict[str, str]
) -> None:
    # The head of pair 1 was saved again as the deputy of pair 2 (and as the head's own
    # deputy): one person stands in one pair of one Pilkada.
    backend = window.backend
    head = backend.list("candidate", pair_id=seeded["pair"])[0]
    assert backend.update("candidate", head["id"], {"nik": WOMAN_1980}) is None
    scope = backend.get("pair", seeded["pair"])["scope"]
    other, _error = backend.create(
        "pair", {"election_id": seeded["election"], "number": 2, "head_name": "BUDI"}, scope
    )
    window.reload_tree()
    window.open_record("pair", other)
    candidates = window.pair_page.candidates
    added = candidates.add()
    assert added is not None
    form = candidates.form
    _enter(form.widgets["nik"], WOMAN_1980)
    assert backend.get("candidate", added)["nik"] == ""
    assert form.errors["nik"].text() == (
        "NIK ini sudah tercatat untuk AHMAD SUBAGJA, calon kepala daerah pasangan "
        "1. AHMAD SUBAGJA - SITI NURHALIZA pada pemilihan ini: satu orang hanya dapat "
        "dicalonkan dalam satu pasangan."
    )
    # The same pair: the head's NIK is not the deputy's either.
    window.open_record("pair", seeded["pair"])
    deputy = candidates.add()
    assert deputy is not None
    _enter(form.widgets["nik"], WOMAN_1980)
    assert backend.get("candidate", deputy)["nik"] == ""
    assert "sudah tercatat untuk AHMAD SUBAGJA" in form.errors["nik"].text()
    # Its own NIK again is no conflict.
    window.open_record("pair", other)
    candidates.list.setCurrentRow(0)
    _enter(form.widgets["nik"], "3214010101800001")
    assert backend.get("candidate", candidates.current_id())["nik"] == "3214010101800001"


def test_a_pair_without_candidates_shows_no_other_pair_s_documents_or_age(
    window: Any, seeded: dict[str, str]
) -> None:
    # The documents and the age note stayed those of the candidate shown before: opened
    # after pair 1, pair 2 (no candidate yet) listed pair 1's head's documents, and
    # "Tambah dokumen syarat" added one to that head.
    backend = window.backend
    head = backend.list("candidate", pair_id=seeded["pair"])[0]
    assert (
        backend.update("election", seeded["election"], {"penetapan_date": dt.date(2024, 9, 22)})
        is None
    )
    assert backend.update("candidate", head["id"], {"birth_date": dt.date(2000, 1, 1)}) is None
    scope = backend.get("pair", seeded["pair"])["scope"]
    backend.create("document", {"candidate_id": head["id"], "kind": "ijazah"}, scope)
    other, _error = backend.create("pair", {"election_id": seeded["election"], "number": 2}, scope)
    window.reload_tree()
    page = window.pair_page
    window.open_record("pair", seeded["pair"])
    assert page.documents.list.count() == 1
    assert "kurang dari syarat" in page.age_note.text()
    window.open_record("pair", other)
    assert page.candidates.list.count() == 0
    assert page.documents.list.count() == 0
    assert page.documents.add() is None
    assert len(backend.list("document", candidate_id=head["id"])) == 1
    assert "kurang dari syarat" not in page.age_note.text()
