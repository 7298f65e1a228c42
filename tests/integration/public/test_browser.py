"""The public pages in a real browser: Playwright for Python driving Debian's Chromium.

At phone sizes (320x640, 360x740) and desktop size (1280x900): the election page, a pair
page, the NIK check (listed, not listed, wrong birth date), an objection filed,
seen by the operator's desktop after a sync (sync client + the supporters table
model), resolved there, and its outcome seen by the citizen.

Screenshots go to a temporary folder; with ``SILON_UPDATE_SCREENSHOTS=1`` they
replace docs/screenshots/public-*.png (shown in the README).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.public.conftest import PublicWorld, start_public_world
from tests.integration.sync.conftest import HttpClient

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
#: The narrowest phones still common (720 pixels at 2.25 device pixels per CSS pixel).
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublicWorld]:
    server, w = start_public_world(tmp_path_factory.mktemp("browser"), n_supporters=30)
    # Kecamatan names (the region table an operator fills with `silon-server region add`).
    with sqlite3.connect(server.data_dir / "server.sqlite3") as conn:
        conn.executemany(
            "INSERT INTO regions (code, name) VALUES (?, ?)",
            [("32.14.01", "PURWAKARTA"), ("32.14.02", "CAMPAKA"), ("32.14.03", "JATILUHUR")],
        )
    with server:
        yield w


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shots")


def snap(page: Any, shots: Path, name: str) -> None:
    path = shots / f"public-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("SILON_UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / path.name)


def no_sideways_scroll(page: Any) -> bool:
    width = page.evaluate("document.documentElement.scrollWidth")
    return bool(width <= page.viewport_size["width"])


@pytest.mark.parametrize("size", ["narrow", "phone", "desktop"])
def test_election_and_pair_pages(world: PublicWorld, browser: Any, shots: Path, size: str) -> None:
    page = browser.new_page(viewport={"narrow": NARROW, "phone": PHONE}.get(size, DESKTOP))
    try:
        page.goto(world.server.url + "/publik/")
        page.click("text=Pemilihan Bupati Purwakarta 2024")
        assert page.inner_text("h1") == "Pemilihan Bupati Purwakarta 2024"
        assert "9 Mei 2024" in page.inner_text("table.stages")
        assert page.inner_text("#threshold") == "55.045"
        assert no_sideways_scroll(page)
        snap(page, shots, f"election-{size}")
        page.click("text=ASEP SUNANDAR")
        assert page.inner_text("#route") == "Perseorangan"
        assert page.locator("table.docs tbody tr").count() == 11
        assert page.locator("section.round svg.chart rect").count() >= 3
        assert page.inner_text("#ms-total") == "12"  # 30 rows cycling MS, MS, BMS, TMS, ""
        assert "CAMPAKA" in page.inner_text("section.round table")  # kecamatan by name
        assert no_sideways_scroll(page)
        snap(page, shots, f"pair-{size}")
        page.click("a.lang")
        assert "Requirement documents" in page.inner_text("main")
        page.goto(world.server.url + "/publik/")
        assert "Elections" in page.inner_text("h1")  # the cookie keeps English
        page.click("a.lang")
    finally:
        page.close()


def _check(page: Any, url: str, nik: str, birth: str) -> str:
    page.goto(url + "/publik/cek")
    page.fill("input[name=nik]", nik)
    page.fill("input[name=birth_date]", birth)
    page.click("form.check button")
    return str(page.get_attribute("#check-result", "data-outcome"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_nik_check_listed_not_listed_wrong_birth_date(
    world: PublicWorld, browser: Any, shots: Path, size: str
) -> None:
    _rid, nik, birth, name, address, _s = world.seed.supporters[0]
    page = browser.new_page(viewport=PHONE if size == "phone" else DESKTOP)
    try:
        assert _check(page, world.server.url, nik, birth) == "listed"
        text = page.inner_text("#check-result")
        assert "Memenuhi syarat (MS)" in text and name not in page.content()
        assert address not in page.content()
        assert no_sideways_scroll(page)
        snap(page, shots, f"check-listed-{size}")
        assert _check(page, world.server.url, "3299999999999999", birth) == "none"
        none_absent = page.inner_text("#check-result")
        snap(page, shots, f"check-none-{size}")
        assert _check(page, world.server.url, nik, "1901-01-01") == "none"
        # A wrong birth date reads exactly as an absent NIK.
        assert page.inner_text("#check-result") == none_absent
        assert no_sideways_scroll(page)
    finally:
        page.close()


def test_objection_reaches_the_desktop_and_the_outcome_the_citizen(
    world: PublicWorld, browser: Any, shots: Path, tmp_path: Path, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    from silon_desktop.storage.supporter_queries import SupporterFilter, SupporterQuery
    from silon_desktop.ui.supporters_model import SupportersModel

    w = world
    rid, nik, birth, _n, _a, _s = next(r for r in w.seed.supporters if r[5] == "")
    page = browser.new_page(viewport=PHONE)
    desk = HttpClient(tmp_path / "desk", w.server.url, "op3214", w.token)
    try:
        assert _check(page, w.server.url, nik, birth) == "listed"
        page.fill("form.object input[name=contact]", "warga@example.org")
        page.click("form.object button")
        # The answer is the next page: waited for (is_visible does not wait, and on a
        # loaded CI machine the form's answer had not arrived yet when it looked).
        page.wait_for_selector("#object-filed", state="visible")
        assert page.is_visible("#object-filed")
        assert page.get_attribute("p.objection", "data-objection") == "open"
        snap(page, shots, "objection-filed-phone")

        desk.sync()
        model = SupportersModel(
            lambda pair, flt, sort: SupporterQuery(desk.db.engine, pair, flt, sort, live_only=True)
        )
        model.set_pair(w.seed.independent_id)
        model.set_filter(SupporterFilter(objection=True))
        assert model.rowCount() == 1
        assert model.data(model.index(0, 0), 256) == rid  # Qt.UserRole: the record id
        status_col = next(i for i in range(model.columnCount()) if "\N{BLACK FLAG}" in str(
            model.data(model.index(0, i))
        ))  # fmt: skip
        assert model.headerData(status_col, Qt.Orientation.Horizontal) == "Status"
        # The operator clarifies and keeps the supporter (MS).
        desk.repo.update("supporter", rid, {"admin_status": "MS"})
        desk.sync()
        desk.sync()
        model.refresh()
        assert model.rowCount() == 0

        page.goto(w.server.url + "/publik/cek?lang=en")
        assert _check(page, w.server.url, nik, birth) == "listed"
        assert page.get_attribute("p.objection", "data-objection") == "resolved"
        assert page.inner_text("b.outcome") == "Meets requirements (MS)"
        snap(page, shots, "objection-outcome-phone")
        page.goto(w.server.url + "/publik/?lang=id")
    finally:
        desk.close()
        page.close()
