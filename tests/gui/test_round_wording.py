"""One wording per round a supporter arrived in: the import wizard, the question of
*Tambah pendukung*, the B.1.1-KWK list's TAHAP column and the public pages say the
same words, from the domain's one table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import python_calamine
from pytestqt.qtbot import QtBot

from silon_desktop.domain.labels import ROUND_LABELS_ID, round_label_id
from silon_desktop.domain.rules import Round
from silon_desktop.importers.store import import_file
from silon_desktop.paths import resources_dir
from silon_desktop.reports.xlsx_export import export_b11
from silon_desktop.storage.db import open_database
from silon_desktop.ui.import_wizard import ImportWizard
from silon_desktop.ui.labels import round_label
from sync.server.public import i18n
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx


def test_every_round_has_one_wording_on_screen_in_print_and_in_public(qapp: Any) -> None:
    assert set(ROUND_LABELS_ID) == set(Round)
    ts = (resources_dir() / "i18n" / "silon_en.ts").read_text("utf-8")
    labels = ts[ts.index("<name>labels</name>") :]
    labels = labels[: labels.index("</context>")]
    for arrival in Round:
        words = ROUND_LABELS_ID[arrival]
        assert round_label(arrival.value) == round_label_id(arrival.value) == words
        public = i18n.STRINGS[f"round_{arrival.value}"]
        assert public["id"] == words
        english = re.search(
            rf"<source>{re.escape(words)}</source>\s*<translation>(.*?)</translation>", labels
        )
        assert english, arrival  # translated in the one context the screen reads
        assert public["en"] == english.group(1), arrival
    # A row without a round arrived in the submission; a newer program's round shows as is.
    assert round_label("") == round_label_id("") == ROUND_LABELS_ID[Round.SUBMISSION]
    assert round_label("correction_9") == round_label_id("correction_9") == "correction_9"


def test_the_wizard_and_the_b11_list_name_the_round_alike(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "silon.db"
    db = open_database(path)
    seed_election(db, head_name="Asep")
    wizard = ImportWizard(path, "p1")
    qtbot.addWidget(wizard)
    box = wizard.round_box
    offered = [(box.itemText(i), box.itemData(i)) for i in range(box.count())]
    assert offered == [(ROUND_LABELS_ID[r], r.value) for r in Round]

    rows = supporter_rows(2)
    import_file(db, write_xlsx(tmp_path / "perbaikan.xlsx", rows), "p1", round="correction_2")
    out = tmp_path / "b11.xlsx"
    assert export_b11(db.engine, "p1", out) == 2
    db.close()
    sheet = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("B.1.1-KWK")
    cells = sheet.to_python(skip_empty_area=False)
    column = list(cells[4]).index("TAHAP")
    body = [r for r in cells[5:] if r[0] != ""]
    assert [r[column] for r in body] == ["Perbaikan II", "Perbaikan II"]
