"""The dashboard's charts (and the recap PDF's) plot the recap's own numbers."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import QRectF
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from silon_desktop.services import ProgressFigures
from silon_desktop.storage.models import Supporter
from silon_desktop.ui.charts import COLOURS, progress_layout, spread_layout
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.pdf_reports import CHART_WIDTH, write_recap_pdf


def _verify_some(backend: Any, pair: str) -> None:
    """Six supporters verified: four MS, one BMS, one TMS (the rest unchecked)."""
    with backend.db.session(readonly=True) as session:
        ids = session.scalars(
            select(Supporter.id).where(Supporter.pair_id == pair).order_by(Supporter.nik)
        ).all()
    verdicts = ["MS", "MS", "MS", "MS", "BMS", "TMS"]
    for record_id, status in zip(ids, verdicts, strict=False):
        values: dict[str, Any] = {"admin_status": status}
        if status != "MS":
            values["admin_reasons"] = ["NO_ID_SCAN"] if status == "BMS" else ["DECEASED"]
        backend.repo.update("supporter", record_id, values)


@pytest.fixture
def dashboard(qtbot: QtBot, window: Any, seeded: dict[str, str]) -> Any:
    _verify_some(window.backend, seeded["pair"])
    window.open_record("pair", seeded["pair"])
    widget = window.pair_page.dashboard
    with qtbot.waitSignal(widget.shown, timeout=10_000):
        window.pair_page.setCurrentWidget(widget)
    return widget


def test_the_charts_plot_the_recaps_figures(qtbot: QtBot, dashboard: Any) -> None:
    data = dashboard.data
    recap = data.recap
    progress = dashboard.progress_chart.figures
    assert (progress.ms, progress.required, progress.forecast_ms) == (
        recap.ms_total,
        recap.required,
        recap.forecast.ms,
    )
    assert progress.ms == data.counts["MS"] == 4
    assert progress.required == data.required and progress.required > progress.ms
    spread = dashboard.spread_chart.figures
    plotted = [(b.code, b.ms, b.bms, b.tms, b.unchecked) for b in spread.bars]
    assert plotted == [(a.code, a.ms, a.bms, a.tms, a.unchecked) for a in recap.areas]
    assert sum(b.ms for b in spread.bars) == 4 and sum(b.bms for b in spread.bars) == 1
    assert sum(b.total for b in spread.bars) == recap.totals.total == 30
    assert (spread.needed, spread.met) == (recap.spread_required, recap.spread_met)
    # the table beside the chart shows the very same numbers
    table = dashboard.table
    assert table.rowCount() == len(spread.bars)
    for row, bar in enumerate(spread.bars):
        assert table.item(row, 1).text() == format_count(bar.ms)
        assert table.item(row, 4).text() == format_count(bar.unchecked)


def test_bar_lengths_are_proportional_to_the_counts(qtbot: QtBot, dashboard: Any) -> None:
    progress = dashboard.progress_chart.figures
    rect = QRectF(0, 0, 800, 60)
    layout = progress_layout(progress, rect)
    assert layout.ms.width() / layout.track.width() == pytest.approx(progress.ms / progress.scale)
    assert layout.threshold_x == pytest.approx(progress.required / progress.scale * 800)
    spread = dashboard.spread_chart.figures
    rows = spread_layout(spread, QRectF(0, 0, 1000, 1000))
    per = None
    for row in rows:
        for key in ("ms", "bms", "tms", "unchecked"):
            count = getattr(row.bar, key)
            if count:
                ratio = row.parts[key].width() / count
                per = per or ratio
                assert ratio == pytest.approx(per)  # one scale for every bar
            else:
                assert row.parts[key].width() == 0


def test_the_widget_paints_the_ms_bar_where_the_layout_puts_it(
    qtbot: QtBot, dashboard: Any
) -> None:
    chart = dashboard.progress_chart
    chart.set_figures(ProgressFigures(ms=3000, required=5000, forecast_ms=3600))
    chart.resize(900, 64)
    layout = progress_layout(chart.figures, QRectF(chart.rect()).adjusted(4, 2, -4, -2))
    assert layout.ms.width() == pytest.approx(layout.track.width() * 0.6)
    image = chart.grab().toImage()
    ratio = image.devicePixelRatio()
    inside = layout.ms.center()
    colour = image.pixelColor(int(inside.x() * ratio), int(inside.y() * ratio))
    assert colour.name() == COLOURS["ms"].name()
    beyond = layout.track.right() - 2
    empty = image.pixelColor(int(beyond * ratio), int(layout.track.top() * ratio + 2))
    assert empty.name() == COLOURS["track"].name()


def test_the_recap_pdf_carries_both_charts(qtbot: QtBot, dashboard: Any, tmp_path: Path) -> None:
    out = write_recap_pdf(dashboard.data.recap, tmp_path / "rekap.pdf")
    reader = pypdf.PdfReader(out)
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))
    assert "Grafik" in text
    images = []
    for page in reader.pages:
        objects = page["/Resources"].get("/XObject") or {}
        for ref in objects.values():
            found = ref.get_object()
            if found.get("/Subtype") == "/Image":
                images.append((found["/Width"], found["/Height"]))
    assert len(images) == 2, images
    assert all(width == CHART_WIDTH for width, _height in images)


def test_a_met_count_with_a_missing_spread_still_asks_for_a_correction(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The threshold met, the spread not: the correction round is still needed, with
    at least one new supporter in each missing area (it said "terpenuhi" and nothing
    more, while B.2 asked "at least 0 supporters")."""
    backend = window.backend
    _verify_some(backend, seeded["pair"])  # four MS
    pair = backend.repo.get("pair", seeded["pair"])
    backend.repo.update("election", pair["election_id"], {"dpt": 40, "subregion_count": 17})
    window.open_record("pair", seeded["pair"])
    widget = window.pair_page.dashboard
    with qtbot.waitSignal(widget.shown, timeout=10_000):
        window.pair_page.setCurrentWidget(widget)
    recap = widget.data.recap
    assert recap.ms_total >= recap.required == 4  # 10% of 40 voters: met
    missing = recap.spread_required - recap.spread_met
    assert missing > 0 and recap.correction.supporters == missing == recap.correction.areas
    text = widget.summary.text()
    assert "<b>terpenuhi</b>" in text
    assert f"Sebaran yang masih kurang: <b>{missing}</b> wilayah" in text
    assert f"paling sedikit <b>{missing}</b> dukungan" in text


def test_a_slow_count_of_the_pair_left_never_shows_under_the_next_pair(
    qtbot: QtBot, window: Any, seeded: dict[str, str]
) -> None:
    """The dashboard of a large pair is still counting when the operator opens another
    pair's dashboard; the first count, arriving last, was drawn under the second pair."""
    from tests.gui.sample_data import second_pair_with_a_slow_first

    second, release = second_pair_with_a_slow_first(window, seeded, "dashboard")
    window.open_record("pair", seeded["pair"])
    page = window.pair_page
    page.setCurrentWidget(page.dashboard)  # counting the first pair: held
    with qtbot.waitSignal(page.dashboard.shown, timeout=10_000) as shown:
        window.open_record("pair", second)
    assert shown.args[0].pair_label.startswith("2")
    release.set()
    # the held count has finished (its result is handled before the job leaves the list)
    qtbot.waitUntil(lambda: not window.jobs.running("dashboard"), timeout=10_000)
    assert page.dashboard.data.pair_label.startswith("2")
    assert page.dashboard.title.text().startswith("<b>2")
