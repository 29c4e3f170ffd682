"""Issue 16's review in the real app, in headless Chromium (Debian's): a reviewer goes from 待办 to a
department-year, marks its findings, sends it back (退回), downloads the 问题清单 as Word and Excel,
and sees the status on 待办 and 总览."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from etl.load import load_paths
from tests.support import department_year as dy
from tests.support.browser import TIMEOUT, choose, no_traceback, see
from tests.support.live_app import CHROMIUM, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on the test department-year's five documents (two cross-document disagreements,
    and the seed's basic sum off by 0.09)."""
    folder = tmp_path_factory.mktemp("review")
    db = folder / "budget.duckdb"
    results = load_paths(list(dy.full_year(folder / "in").values()), db)
    assert all(r.ok for r in results), [r.message for r in results]
    with running_app(db) as url:
        yield url, db


def idle(page: object) -> None:
    """Wait until the app has finished its run (its 'running' indicator gone)."""
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=TIMEOUT)


def mark(page: object, finding: str, rule: str, disposition: str, note: str) -> None:
    """Mark the finding whose text has `finding` on 数据核对; wait for the page to say it saved
    it (the message names the rule: an earlier message may still be on screen)."""
    idle(page)
    number = finding_number(page, finding)
    page.locator(f".st-key-finding_disposition_{number}:not([data-stale=true])").get_by_text(
        disposition
    ).click()
    page.locator(f".st-key-finding_note_{number}:not([data-stale=true]) input").fill(note)
    page.locator(f".st-key-finding_submit_{number}:not([data-stale=true]) button").click()
    see(page, f"{rule} 标为“{disposition}”")
    idle(page)


def finding_number(page: object, text: str) -> int:
    """The number of the finding form whose text contains `text`."""
    page.locator(".st-key-review_submit:not([data-stale=true])").wait_for(
        timeout=TIMEOUT
    )  # the forms are all shown
    for number in range(1, 10):
        form = page.locator(f".st-key-finding_submit_{number}:not([data-stale=true])")
        if form.count() == 0:
            break
        container = page.locator("[data-testid='stForm']:not([data-stale=true])").filter(has=form)
        if text in container.inner_text():
            return number
    raise AssertionError(f"no finding mentions {text}")


def download(page: object, name: re.Pattern[str], target: Path) -> Path:
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=name).click()
    path = target / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_a_reviewer_sends_a_department_year_back_with_its_question_list(
    app: tuple[str, Path], page: object, tmp_path: Path
) -> None:
    import docx
    import openpyxl

    url, _ = app
    # 1. 待办: the department-year waits, with its four open findings.
    page.goto(f"{url}/todo")
    see(page, "尚未审核完的部门年度")
    see(page, "待审核 1 个部门年度")
    no_traceback(page)

    # 2. Open it on 数据核对.
    choose(page, "todo_open", re.compile("待处理 4 项"))
    page.get_by_role("button", name=re.compile("打开数据核对")).click()
    page.wait_for_url(re.compile(r"/audit"), timeout=TIMEOUT)
    see(page, "审核状态：待审核 · 待处理的核对发现 4 项")

    # 3. Mark the findings: two questions for the department, one explained.
    mark(page, "三公经费实际支出", "决算与自评的“三公”经费一致", "确认问题",
         "请说明决算与自评报告的差异")  # fmt: skip
    mark(page, "执法工作经费", "项目金额与其项目支出绩效自评表一致", "确认问题",
         "请核实执法工作经费的实际支出")  # fmt: skip
    mark(page, "相差 0.09 万元", "人员经费 + 公用经费 = 基本支出", "已说明", "尾数差异")
    see(page, "待处理的核对发现 3 项")  # the explained one no longer counts

    # 4. Send it back.
    idle(page)
    page.locator(".st-key-review_status").get_by_text("已退回").click()
    page.locator(".st-key-review_notes textarea").fill("请于五个工作日内答复")
    page.locator(".st-key-review_submit button").click()
    see(page, f"{dy.DEPARTMENT} {dy.YEAR} 年：已退回")
    see(page, "审核状态：已退回（")
    no_traceback(page)

    # 5. The 问题清单, as Word and as Excel.
    word = download(page, re.compile("下载问题清单（Word）"), tmp_path)
    assert word.suffix == ".docx" and "问题清单" in word.name
    document = docx.Document(str(word))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "审核意见：请于五个工作日内答复" in text
    assert "问题 1：决算与自评的“三公”经费一致" in text
    assert "问题 2：项目金额与其项目支出绩效自评表一致" in text
    assert "尾数差异" not in text
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["“三公”经费实际支出", "5.30 万元", "部门决算《final.txt》",
            "2020年“三公”经费支出5.30万元"] in cells  # fmt: skip
    sheet = download(page, re.compile("下载问题清单（Excel）"), tmp_path)
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.read_bytes())).active.iter_rows(
        values_only=True))  # fmt: skip
    assert any(r[3] == "请核实执法工作经费的实际支出" and r[5] == 60.68 for r in rows)

    # 6. The status everywhere: 待办 no longer lists it, 总览 says it was sent back.
    page.goto(f"{url}/todo")
    see(page, "没有待审核的部门年度")
    see(page, "已退回 1 个部门年度")
    page.goto(f"{url}/?department={quote(dy.DEPARTMENT)}&year=2020")
    see(page, "审核状态：已退回（")
    no_traceback(page)
    page.screenshot(path=str(tmp_path / "overview.png"))
