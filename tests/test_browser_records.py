"""One department-year from all its documents in the real app, in headless Chromium (Debian's):
upload the 自评报告, 预算, 决算 and two project forms (tests/support/department_year), open 总览
from the button the load offers, see where each number came from, then see the documents'
disagreement on 数据核对."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from etl.load import load_documents
from tests.support import department_year as dy
from tests.support.browser import no_traceback, see, upload
from tests.support.live_app import CHROMIUM, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a database with the schema and no report yet."""
    db = tmp_path_factory.mktemp("records") / "budget.duckdb"
    load_documents([], db)
    with running_app(db) as url:
        yield url


def test_load_a_department_year_and_see_its_sources_and_disagreements(
    app: str, page: object, tmp_path: Path
) -> None:
    files = dy.full_year(tmp_path / "in")
    seed = dy.SEED.name
    # 1. Upload its five documents: each preview says which department-year it joins.
    page.goto(f"{app}/import_reports")
    see(page, "上传报告")
    upload(
        page,
        "import_files_0",
        *[(path.name, path.read_bytes(), "text/plain") for path in files.values()],
    )
    see(page, "budget.txt → 长沙市天心区交通运输局 · 2020 年度 · 部门预算")
    see(page, "enforcement.txt → 长沙市天心区交通运输局 · 2020 年度 · 项目支出绩效自评表")
    page.get_by_role("button", name=re.compile("确认载入")).click()
    see(page, "载入报告：5 个成功，0 个失败")

    # 2. The load offers its department-year's 总览: the merge, the 来源 lines, the expander.
    page.get_by_role(
        "button", name=re.compile("打开 长沙市天心区交通运输局 2020 年度的总览")
    ).click()
    see(page, "本部门年度由 5 份文件合成")
    see(page, "实际支出取自部门决算《final.txt》")
    see(page, "年初预算取自部门预算《budget.txt》")
    page.get_by_text("数字取自哪份文件").first.click()
    see(page, "每个数字按“数据核对”页列出的优先顺序取自一份文件")
    no_traceback(page)

    # 3. 数据核对: the 三公 figure the two documents state differently, and the findings.
    page.goto(f"{app}/audit?department={quote(dy.DEPARTMENT)}&year=2020")
    see(page, "各文件所列数字")
    see(page, "“三公”经费实际支出：采用部门决算《final.txt》的 5.30 万元")
    see(page, f"部门整体支出绩效自评报告《{seed}》为 5.26 万元")
    see(page, "文件之间的核对")
    see(page, "项目“执法工作经费”")
    no_traceback(page)
