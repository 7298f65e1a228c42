"""The supporters table shows its first rows before the rows are counted (issue #14:
on an encrypted database the COUNT of a million-row pair decrypts every page of the
pair's index): the count comes from a worker thread and the table grows to it.
Unfiltered, the table's count is the status counts' total: one scan of the pair."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import event

from silon_desktop.storage.supporter_queries import SupporterFilter
from silon_desktop.ui.supporters_page import SupportersPage
from silon_desktop.ui.workers import JobRunner
from tests.gui.sample_data import bulk_supporters, seed_small

ROWS = 450  # more than two blocks of 200


def _page(qtbot: QtBot, backend: Any) -> tuple[SupportersPage, JobRunner, str, dict[str, Any]]:
    ids = seed_small(backend, supporters=0)
    backend.db.engine.dispose()
    bulk_supporters(backend.db.path, ids["pair"], ROWS)
    jobs = JobRunner()
    page = SupportersPage(backend, jobs)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    election = backend.get("election", backend.list("election")[0]["id"])
    return page, jobs, ids["pair"], election


def _counts_on_the_ui_thread(backend: Any) -> list[str]:
    """COUNT statements run on the calling (UI) thread from now on."""
    import threading

    ui = threading.get_ident()
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "count(" in statement.lower() and threading.get_ident() == ui:
            seen.append(statement)

    event.listen(backend.db.engine, "before_cursor_execute", before)
    return seen


def _counts_anywhere(backend: Any) -> list[str]:
    """COUNT statements run on any thread from now on."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "count(" in statement.lower():
            seen.append(" ".join(statement.split()).lower())

    event.listen(backend.db.engine, "before_cursor_execute", before)
    return seen


def _jobs_started(jobs: JobRunner, monkeypatch: Any) -> list[str]:
    started: list[str] = []
    start = jobs.start

    def record(fn: Any, name: str) -> Any:
        started.append(name)
        return start(fn, name)

    monkeypatch.setattr(jobs, "start", record)
    return started


def _idle(qtbot: QtBot, jobs: JobRunner) -> None:
    qtbot.waitUntil(
        lambda: not jobs.running("supporter-rowcount") and not jobs.running("supporter-counts"),
        timeout=10_000,
    )
    qtbot.wait(50)  # their finished signals are delivered


def test_the_first_rows_show_before_the_count_which_follows_from_a_worker(
    qtbot: QtBot, backend: Any, monkeypatch: Any
) -> None:
    page, jobs, pair, election = _page(qtbot, backend)
    counted: list[int] = []
    page.model.countChanged.connect(counted.append)
    ui_counts = _counts_on_the_ui_thread(backend)
    every_count = _counts_anywhere(backend)
    started = _jobs_started(jobs, monkeypatch)

    page.set_pair(pair, election, "32.14")  # clicking the pair's supporters
    model = page.model
    assert model.rowCount() == 200  # the first block, shown at once
    assert model.data(model.index(0, 1))  # a name: the first rows are there
    assert ui_counts == []  # no COUNT before the first rows
    assert counted == []  # the count is not known yet

    qtbot.waitUntil(lambda: model.rowCount() == ROWS, timeout=10_000)
    assert counted[-1] == ROWS
    assert model.data(model.index(ROWS - 1, 1))  # the last row can be read
    assert ui_counts == []  # the count was made on the worker thread
    _idle(qtbot, jobs)
    # one scan of the pair's supporters: the status counts (and the objection flag's
    # index); the table's count is their total, no COUNT of its own
    assert started == ["supporter-counts"]
    scans = [s for s in every_count if "public_objection" not in s]
    assert len(scans) == 1 and "group by" in scans[0], every_count
    assert page._counts["total"] == ROWS  # the same figure on the counts line
    jobs.stop_all()


def test_a_filtered_table_counts_itself_and_cleared_takes_the_total_again(
    qtbot: QtBot, backend: Any, monkeypatch: Any
) -> None:
    page, jobs, pair, election = _page(qtbot, backend)
    page.set_pair(pair, election, "32.14")
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() == ROWS, timeout=10_000)
    _idle(qtbot, jobs)
    started = _jobs_started(jobs, monkeypatch)
    ms = backend.status_counts(pair)["MS"]
    assert ms > 200  # more than the first block: the filter's count is needed
    model.set_filter(SupporterFilter(status="MS"))
    qtbot.waitUntil(lambda: model.rowCount() == ms, timeout=10_000)
    assert started == ["supporter-rowcount"]  # the filter's own COUNT
    model.set_filter(SupporterFilter())
    assert model.rowCount() == 200  # the first block, then the total
    qtbot.waitUntil(lambda: model.rowCount() == ROWS, timeout=10_000)
    assert started == ["supporter-rowcount", "supporter-counts"]
    _idle(qtbot, jobs)
    jobs.stop_all()


def test_the_table_counts_itself_when_the_status_counts_fail(
    qtbot: QtBot, backend: Any, monkeypatch: Any
) -> None:
    page, jobs, pair, election = _page(qtbot, backend)

    def broken(_pair: str) -> dict[str, int]:
        raise OSError("disk I/O error")

    monkeypatch.setattr(backend, "status_counts", broken)
    page.set_pair(pair, election, "32.14")
    qtbot.waitUntil(lambda: page.model.rowCount() == ROWS, timeout=10_000)
    _idle(qtbot, jobs)
    jobs.stop_all()


def test_a_count_of_an_earlier_filter_is_not_applied_to_the_next(
    qtbot: QtBot, backend: Any
) -> None:
    page, jobs, pair, election = _page(qtbot, backend)
    page.set_pair(pair, election, "32.14")
    model = page.model
    # a narrower filter before the first count arrived: its rows fit in one block,
    # so they are counted from the block itself
    model.set_filter(SupporterFilter(nik_prefix="321401"))
    narrowed = model.rowCount()
    assert 0 < narrowed < 200
    _idle(qtbot, jobs)  # the first (pair-wide) count has arrived meanwhile
    assert model.rowCount() == narrowed  # the first pair-wide count did not resize it
    jobs.stop_all()


def test_a_small_pair_is_counted_from_its_first_block(qtbot: QtBot, backend: Any) -> None:
    ids = seed_small(backend, supporters=30)
    jobs = JobRunner()
    page = SupportersPage(backend, jobs)
    qtbot.addWidget(page)
    counted: list[int] = []
    page.model.countChanged.connect(counted.append)
    election = backend.get("election", backend.list("election")[0]["id"])
    page.set_pair(ids["pair"], election, "32.14")
    assert page.model.rowCount() == 30 and counted == [30]  # exact at once
    assert jobs.running("supporter-rowcount") is None  # no count needed at all
    jobs.stop_all()
