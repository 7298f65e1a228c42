"""The supporters page's buttons from the keyboard: each main one has an Alt letter
(its underlined mnemonic) that no menu, tab or other button of the window uses, and
that fires from the table or from a field being typed in without typing anything."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar, QWidget
from pytestqt.qtbot import QtBot

KEYS = {
    "add_button": Qt.Key.Key_T,
    "withdraw_button": Qt.Key.Key_R,
    "restore_button": Qt.Key.Key_U,
    "merge_button": Qt.Key.Key_G,
    "scan_button": Qt.Key.Key_A,
}


def _page(window: Any, seeded: dict[str, str]) -> Any:
    window.activateWindow()
    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    return page


def _mnemonics(window: QWidget) -> list[str]:
    """The Alt letters of everything on screen in the window."""
    texts: list[str] = []
    for button in window.findChildren(QAbstractButton):
        if button.isVisible():
            texts.append(button.text())
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            texts += [bar.tabText(i) for i in range(bar.count()) if bar.isTabEnabled(i)]
    for bar in window.findChildren(QMenuBar):
        texts += [action.text() for action in bar.actions()]
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None:
            texts.append(label.text())
    for box in window.findChildren(QGroupBox):
        if box.isVisible() and box.isCheckable():
            texts.append(box.title())
    return [m.lower() for t in texts for m in re.findall(r"(?<!&)&([^&\s])", t)]


def test_the_main_buttons_have_alt_letters_no_one_else_uses(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    page = _page(window, seeded)
    page.verify_mode.setChecked(True)
    used = _mnemonics(window)
    for name, key in KEYS.items():
        letter = chr(int(key)).lower()
        button = getattr(page, name)
        assert f"&{letter}" in button.text().lower(), name
        assert used.count(letter) == 1, (name, letter, used)


def test_an_alt_letter_presses_its_button_from_the_table_or_a_field(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """Alt+T from the name filter adds a supporter as the button does, and types no T;
    a plain T typed there stays text and presses nothing."""
    page = _page(window, seeded)
    pressed: list[str] = []
    for name in KEYS:
        button = getattr(page, name)
        button.clicked.disconnect()  # what each does is tested elsewhere; not its dialogs
        button.clicked.connect(lambda _on=False, n=name: pressed.append(n))
    page.name_filter.setFocus()
    QTest.keyClicks(page.name_filter, "tar")
    assert page.name_filter.text() == "tar" and pressed == []
    for name, key in KEYS.items():
        QTest.keyClick(page.name_filter, key, Qt.KeyboardModifier.AltModifier)
        # a mnemonic clicks as the mouse does, the button shown down for a moment
        qtbot.waitUntil(lambda n=name: pressed[-1:] == [n], timeout=2000)
    assert page.name_filter.text() == "tar"
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(pressed) == len(KEYS) + 1, timeout=2000)
    assert pressed[-1] == "add_button"


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_alt_letter_is_taken_twice_on_any_page_of_a_pair(
    qtbot: QtBot, qapp: Any, backend: Any, seeded: dict[str, str], language: str
) -> None:
    """Alt and a letter opens one thing. A letter taken twice (the tabs "Pasangan" and
    "Partai pengusung" both on P, "Pendukung" on the Data menu's D, "Dasbor" on the
    File menu's B) only moves the focus between the two on each press, in either
    language of the interface, on every tab of a pair, with the verify buttons or not."""
    from silon_desktop.ui import i18n
    from silon_desktop.ui.main_window import MainWindow

    translators = i18n.install_translators(qapp, language) if language != "id" else []
    try:
        window = MainWindow(backend)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.open_record("pair", seeded["pair"])
        tabs = window.pair_page
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            for verifying in (False, True):
                tabs.supporters.verify_mode.setChecked(verifying)
                used = _mnemonics(window)
                twice = sorted({letter for letter in used if used.count(letter) > 1})
                assert twice == [], (language, tabs.tabText(index), verifying, used)
        window.close()
    finally:
        i18n.remove_translators(qapp, translators)
