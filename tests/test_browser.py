"""The real app in headless Chromium (Debian's): every page renders the seed, a CSV downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_app import CHROMIUM, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A database path that does not exist yet: the app builds it from data/reports on first start.
    db = tmp_path_factory.mktemp("browser") / "budget.duckdb"
    with running_app(db) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("", ["801.07", "349.40", "1,150.47", "64.32%"], id="overview"),
        pytest.param("adjustments", ["调整 +313.56 万元", "257.26%"], id="adjustments"),
        pytest.param("fund_sources", ["148.92", "57.38%"], id="fund_sources"),
        pytest.param("projects", ["农村公路养护、建设费", "191.16"], id="projects"),
        pytest.param("audit", ["相差 0.09 万元", "数字出处"], id="audit"),
        pytest.param("summary", ["各年度项目资金来源", "年度前 20 大项目", "191.16"], id="summary"),
    ],
)
def test_page_renders_the_seed(app_url: str, page: object, path: str, expected: list[str]) -> None:
    page.goto(f"{app_url}/{path}")
    for text in expected:
        page.get_by_text(text, exact=False).first.wait_for(timeout=30_000)
    assert page.get_by_text("Traceback").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_sidebar_navigation_keeps_the_selection(app_url: str, page: object) -> None:
    page.goto(f"{app_url}/?department=长沙市天心区交通运输局&year=2020")
    page.get_by_text("801.07").first.wait_for(timeout=30_000)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="数据核对").click()
    page.get_by_text("相差 0.09 万元").first.wait_for(timeout=30_000)
    assert "/audit" in page.url
    assert "year=2020" in page.url


def test_csv_download_is_what_the_page_shows(app_url: str, page: object, tmp_path: Path) -> None:
    page.goto(f"{app_url}/projects")
    page.get_by_text("农村公路养护、建设费").first.wait_for(timeout=30_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert target.name.startswith("预算透视_长沙市天心区交通运输局_2020_")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 6
    amounts = {row[next(k for k in row if "项目" in k)]: row for row in rows}
    assert "农村公路养护、建设费" in amounts
    assert any("191.16" in value for value in amounts["农村公路养护、建设费"].values())
