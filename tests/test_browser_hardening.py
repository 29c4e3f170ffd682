"""Issue 7 in the real app, in headless Chromium (Debian's): hostile department and project names
are shown as literal text on every page (no dialog, no injected element, the text visible), and on
导入 a bad file shows its error and a good one then loads, with no traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from etl.load import load_documents, load_paths
from tests.support.apptest import DATA_PAGES, PAGES
from tests.support.browser import no_traceback, overview_shows, see, upload
from tests.support.hostile import HOSTILE_DEPARTMENT, HOSTILE_OTHER, make_hostile
from tests.support.live_app import CHROMIUM, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
ENCRYPTED = ROOT / "tests" / "fixtures" / "bad" / "encrypted.pdf"


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, list[str]]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page, dialogs
    context.close()


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile_browser")
    other = folder / "2020-yuhua.txt"
    other.write_text(SEED.read_text("utf-8").replace("天心区", "雨花区"), "utf-8")
    db = folder / "budget.duckdb"
    results = load_paths([SEED, other], db)
    assert all(r.ok for r in results)
    make_hostile(db)
    with running_app(db) as url:
        yield url


# Pages without the report header (the sidebar selector's value is not page text).
NO_HEADER = ("pages/comparison.py", "pages/summary.py", "pages/todo.py", *DATA_PAGES)
INJECTED = "script:not([src]):has-text('alert'), img[src='x'], [onerror], a[href*='evil'], [*|href*='evil']"


@pytest.mark.parametrize("department", [HOSTILE_DEPARTMENT, HOSTILE_OTHER], ids=["script", "img"])
def test_hostile_names_are_literal_in_the_browser(
    hostile_app: str, page: tuple[object, list[str]], department: str
) -> None:
    browser_page, dialogs = page
    for path in PAGES:
        stem = Path(path).stem
        route = "" if stem == "overview" else stem
        browser_page.goto(f"{hostile_app}/{route}?department={quote(department)}&year=2020")
        browser_page.locator("[data-testid='stMain']").first.wait_for(timeout=60_000)
        if path not in NO_HEADER:
            see(browser_page, department)  # the report header: literal text, visible
        browser_page.wait_for_timeout(2500)  # let the page and its charts finish drawing
        no_traceback(browser_page)
        assert browser_page.locator(INJECTED).count() == 0, (
            path,
            browser_page.locator(INJECTED).first.evaluate("e => e.outerHTML"),
        )
    assert dialogs == []


def test_projects_page_shows_hostile_project_names_as_text(
    hostile_app: str, page: tuple[object, list[str]]
) -> None:
    browser_page, dialogs = page
    browser_page.goto(f"{hostile_app}/projects?department={quote(HOSTILE_DEPARTMENT)}&year=2020")
    see(browser_page, '<a href="http://evil">链接</a>')  # a chart label or table cell, as typed
    browser_page.wait_for_timeout(1500)
    assert browser_page.locator(INJECTED).count() == 0
    assert dialogs == []


def test_import_a_bad_file_then_a_good_one(tmp_path: Path, page: tuple[object, list[str]]) -> None:
    db = tmp_path / "budget.duckdb"
    load_documents([], db)
    browser_page, _ = page
    with running_app(db) as url:
        browser_page.goto(f"{url}/import_reports")
        see(browser_page, "上传报告")
        upload(
            browser_page, "import_files_0", ("加密.pdf", ENCRYPTED.read_bytes(), "application/pdf")
        )
        see(browser_page, "加密.pdf：PDF 已加密（需要密码）")
        no_traceback(browser_page)
        browser_page.goto(f"{url}/import_reports")
        upload(browser_page, "import_files_0", ("天心区2020.txt", SEED.read_bytes(), "text/plain"))
        see(browser_page, "调整后预算 801.07")
        browser_page.get_by_role("button", name=re.compile("确认载入")).click()
        see(browser_page, "载入报告：1 个成功，0 个失败")
        no_traceback(browser_page)
        overview_shows(browser_page, url, "801.07", "1,150.47")
        no_traceback(browser_page)
