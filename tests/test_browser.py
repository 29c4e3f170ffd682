"""The real app in headless Chromium (Debian's): every page renders the seed, a CSV downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.live_app import CHROMIUM, running_app

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


# Every page by its URL as the first request a freshly started server gets (Streamlit then runs
# pages/<name>.py on its own: ui/frame.py's page routes itself) against the same page reached by
# clicking its link: the same title, selectors, banner and navigation.


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from etl import demo

    folder = tmp_path_factory.mktemp("first_request")
    results = demo.build(folder / "demo.duckdb", folder / "reports")
    assert all(r.ok for r in results)
    return folder / "demo.duckdb"


def framing(page: object) -> dict[str, object]:
    """What frames the page once its script has finished: title, selectors, banner, navigation."""
    page.locator("[data-test-script-state='notRunning']").wait_for(timeout=60_000)
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)  # a rerun the finished run asked for (a URL update) settles
    page.locator("[data-test-script-state='notRunning']").wait_for(timeout=60_000)
    return {
        "title": page.get_by_test_id("stMainBlockContainer").locator("h1").first.inner_text(),
        "department": page.locator(".st-key-department input").input_value(),
        "year": page.locator(".st-key-year input").input_value(),
        "banner": [
            text
            for text in page.locator("[data-testid='stAlert']").all_inner_texts()
            if "示例数据" in text
        ],
        "navigation": page.get_by_test_id("stSidebarNavItems").locator("a").all_inner_texts(),
        "errors": page.locator("[data-testid='stException']").count(),
    }


def test_every_page_by_its_url_as_the_first_request_after_a_restart(
    demo_db: Path, page: object
) -> None:
    from ui.frame import PAGES

    query = f"?department={quote('示例市示例区教育局')}&year=2022"
    clicked = {}
    with running_app(demo_db) as url:
        page.goto(f"{url}/{query}")
        framing(page)
        for _, title in PAGES:
            page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title).click()
            clicked[title] = framing(page)
    assert clicked["总览"]["navigation"] == [title for _, title in PAGES]
    for path, title in PAGES:
        slug = "" if title == "总览" else Path(path).stem
        with running_app(demo_db) as url:  # a new server: this request is its first
            page.goto(f"{url}/{slug}{query}")
            first = framing(page)
        assert first == clicked[title], title
        assert first["banner"] and first["errors"] == 0
        assert (first["department"], first["year"]) == ("示例市示例区教育局", "2022 年")


def test_brief_pdf_downloads_and_looks_like_the_pages(
    app_url: str, page: object, tmp_path: Path
) -> None:
    """简报: the PDF a user downloads is A4 with the seed's figures, and as a picture (shown in
    the browser, as a reader opens it) it carries the three-phase chart in the pages' colours."""
    import base64

    import pypdfium2 as pdfium
    from PIL import Image

    from ui import charts

    page.goto(f"{app_url}/brief")
    page.get_by_text("预算简报：长沙市天心区交通运输局 2020 年度").first.wait_for(timeout=30_000)
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="下载 PDF 简报").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.startswith("预算透视_长沙市天心区交通运输局_2020_简报_")
    assert target.suffix == ".pdf"
    document = pdfium.PdfDocument(target.read_bytes())
    try:
        assert 1 <= len(document) <= 2
        first = document[0]
        assert first.get_size() == pytest.approx((595.28, 841.89), abs=0.1)
        assert "1,150.47" in first.get_textpage().get_text_range()
        buffer = io.BytesIO()
        first.render(scale=1.5).to_pil().save(buffer, format="PNG")
    finally:
        document.close()
    picture = base64.b64encode(buffer.getvalue()).decode()
    page.set_content(f'<img id="brief" src="data:image/png;base64,{picture}">')
    shot = Image.open(io.BytesIO(page.locator("#brief").screenshot())).convert("RGB")
    colours = {
        shot.getpixel((x, y)) for x in range(0, shot.width, 3) for y in range(0, shot.height, 3)
    }

    def seen(hex_colour: str) -> bool:
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return any(all(abs(a - b) <= 8 for a, b in zip(c, rgb, strict=True)) for c in colours)

    assert all(seen(charts.PHASE_COLOURS[p]) for p in ("initial", "adjusted", "actual"))
    assert seen(charts.FLAG_COLOUR)  # 需关注, in the flag colour
