"""Every main screen fits 1366x768: no table column narrower than its header, no box
narrower than what it shows, no pair name cut in the tree.

The walk covers every visible item view and input of each screen; a failure names the
screen, the widget and the text that does not fit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionHeader,
    QTableView,
    QTreeView,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

SIZE = (1366, 768)


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def _header_need(header: QHeaderView, text: str) -> int:
    """Width a header section needs to show ``text`` whole (Qt's own size hint for it)."""
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.text = text
    option.section = 0
    size = header.style().sizeFromContents(
        QStyle.ContentsType.CT_HeaderSection, option, header.fontMetrics().size(0, text), header
    )
    return size.width()


def _combo_need(combo: QComboBox) -> int:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    text = combo.currentText()
    content = combo.fontMetrics().size(0, text)
    return (
        combo.style()
        .sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, content, combo)
        .width()
    )


def cut_widgets(root: QWidget) -> list[str]:
    """What does not fit on ``root`` as it is laid out now."""
    problems: list[str] = []
    for view in root.findChildren(QAbstractItemView):
        if not view.isVisibleTo(root) or view.model() is None:
            continue
        if isinstance(view, QTableView):
            header = view.horizontalHeader()
        elif isinstance(view, QTreeView):
            header = view.header()
        else:
            continue
        model = view.model()
        for column in range(model.columnCount()):
            if header.isSectionHidden(column) or header.isHidden():
                continue
            text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            if not text:
                continue
            need = _header_need(header, text)
            if header.sectionSize(column) < need:
                problems.append(
                    f"{_name(view)}: column {text!r} is {header.sectionSize(column)} px, "
                    f"its header needs {need}"
                )
        if isinstance(view, QTreeWidget):
            problems += _cut_tree_items(view)
    for combo in root.findChildren(QComboBox):
        if not combo.isVisibleTo(root) or not combo.currentText():
            continue
        need = _combo_need(combo)
        if combo.width() < need:
            problems.append(
                f"{_name(combo)}: box is {combo.width()} px, {combo.currentText()!r} needs {need}"
            )
    for edit in root.findChildren(QLineEdit):
        if not edit.isVisibleTo(root) or isinstance(edit.parent(), QComboBox):
            continue
        text = edit.text() or edit.placeholderText()
        if not text or len(text) > 40:  # a long address scrolls in its box, as it should
            continue
        need = edit.fontMetrics().horizontalAdvance(text) + 12
        if edit.width() < need:
            problems.append(f"{_name(edit)}: box is {edit.width()} px, {text!r} needs {need}")
    return problems


def _cut_tree_items(tree: QTreeWidget) -> list[str]:
    problems = []
    width = tree.viewport().width()
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        stack += [item.child(i) for i in range(item.childCount())]
        rect = tree.visualItemRect(item)
        if rect.isNull():
            continue
        text = item.text(0)
        right = rect.left() + tree.fontMetrics().horizontalAdvance(text) + 8
        if right > width:
            problems.append(f"{_name(tree)}: {text!r} is cut ({right} px of {width})")
    return problems


@pytest.fixture
def screen(qtbot: QtBot, window: Any, seeded: dict[str, str]) -> Iterator[Any]:
    window.resize(*SIZE)
    window.open_record("pair", seeded["pair"])
    qtbot.wait(50)
    yield window


def _show(qtbot: QtBot, window: Any, page: QWidget) -> None:
    window.pair_page.setCurrentWidget(page)
    qtbot.wait(100)


def test_every_main_screen_fits_1366x768(qtbot: QtBot, screen: Any) -> None:
    window = screen
    assert (window.width(), window.height()) == SIZE
    pages = window.pair_page
    problems: dict[str, list[str]] = {}
    counts = pages.supporters.counts_label
    for index in range(pages.count()):
        page = pages.widget(index)
        if page is pages.dashboard:
            with qtbot.waitSignal(page.shown, timeout=10_000):
                _show(qtbot, window, page)
        else:
            _show(qtbot, window, page)
        if page is pages.supporters:
            page.model.refresh()
            page.verify_mode.setChecked(True)  # the key legend and the counts row shown
            page.refresh_counts()
            qtbot.waitUntil(lambda: "MS <b>" in counts.text(), timeout=10_000)
            qtbot.wait(100)
        found = cut_widgets(window)
        if window.minimumSizeHint().width() > SIZE[0] or window.width() != SIZE[0]:
            found.append(
                f"the window needs {window.minimumSizeHint().width()} px and is "
                f"{window.width()} px wide on a {SIZE[0]}-pixel screen"
            )
        if found:
            problems[pages.tabText(index)] = found
    window.tree.setCurrentItem(window.tree.topLevelItem(0))
    qtbot.wait(100)
    found = cut_widgets(window)
    if found:
        problems["Pemilihan"] = found
    assert not problems, "\n".join(f"{tab}: {p}" for tab, found in problems.items() for p in found)


def test_the_check_catches_a_cut_column(qtbot: QtBot, screen: Any) -> None:
    """The walk is no check that cannot fail: squeeze a column and it is named."""
    pages = screen.pair_page
    _show(qtbot, screen, pages.supporters)
    header = pages.supporters.table.horizontalHeader()
    status = [
        c
        for c in range(header.count())
        if pages.supporters.model.headerData(c, Qt.Orientation.Horizontal) == "Status"
    ][0]
    header.setSectionResizeMode(status, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(status, 12)
    assert any("'Status'" in p for p in cut_widgets(screen))


def test_status_column_is_whole_beside_a_long_pair_name(
    qtbot: QtBot, backend: Any, seeded: dict[str, str], window: Any
) -> None:
    """A pair's name of 120 characters widens the tree to its maximum; the supporters'
    Status column (what the verifier reads) stays whole on a 1366x768 screen, beside the
    form, measured once the shown tab is laid out (measured at once, a cut column
    passed)."""
    from silon_desktop.ui.navigation import MAX_WIDTH, pair_label

    head, deputy = "RADEN " + "A" * 50, "HAJI " + "B" * 53
    backend.repo.update("pair", seeded["pair"], {"head_name": head, "deputy_name": deputy})
    assert len(pair_label(backend.get("pair", seeded["pair"]))) == 120
    window.resize(*SIZE)
    window.reload_tree()
    window.open_record("pair", seeded["pair"])
    page = window.pair_page.supporters
    window.pair_page.setCurrentWidget(page)
    page.verify_mode.setChecked(True)  # the form beside the table
    qtbot.waitUntil(lambda: page.table.viewport().width() > 0)
    qtbot.wait(300)  # the events that lay the shown tab and the splitters out
    assert window.tree.width() >= MAX_WIDTH - 10  # the long name did widen the tree
    assert window.width() == SIZE[0]
    header = page.table.horizontalHeader()
    status = next(
        c
        for c in range(header.count())
        if page.model.headerData(c, Qt.Orientation.Horizontal) == "Status"
    )
    left = header.sectionViewportPosition(status)
    right = left + header.sectionSize(status)
    assert left >= 0 and right <= page.table.viewport().width(), (
        left,
        right,
        page.table.viewport().width(),
    )
    assert header.sectionSize(status) >= _header_need(header, "Status")
    # ... and the table itself within the window's 1366 pixels
    viewport_right = page.table.viewport().mapTo(window, page.table.viewport().rect().topRight())
    assert viewport_right.x() < SIZE[0]
    window.grab().save("/tmp/gui_window_long_name.png")
