"""Issue 5's flows in the real app, in headless Chromium (Debian's): upload with preview and
confirm, replace with a corrected version, restore the old one, correct a figure by hand,
download a snapshot, and open shared URLs on every page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from etl.load import load_documents
from tests.support.browser import TIMEOUT, choose, no_traceback, overview_shows, see, upload
from tests.support.live_app import CHROMIUM, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "reports" / "2020-tianxin-transport-bureau.txt"
DEPARTMENT = "长沙市天心区交通运输局"
SEED_BYTES = SEED.read_bytes()
# The same report with the basic adjusted budget restated: a corrected version of 2020.
V2_BYTES = SEED_BYTES.decode().replace("预算调整数为801.07万元", "预算调整数为802.07万元").encode()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on a database with the schema and no report yet."""
    db = tmp_path_factory.mktemp("flows") / "budget.duckdb"
    load_documents([], db)
    with running_app(db) as url:
        yield url, db


def test_upload_replace_restore_correct_and_snapshot(
    app: tuple[str, Path], page: object, tmp_path: Path
) -> None:
    url, _ = app
    # 1. Upload a report and a broken file: a preview first, nothing loaded yet.
    page.goto(f"{url}/import_reports")
    see(page, "上传报告")
    upload(
        page,
        "import_files_0",
        ("天心区2020.txt", SEED_BYTES, "text/plain"),
        ("损坏.pdf", b"%PDF-1.7 cut off", "application/pdf"),
    )
    see(page, "基本支出：年初预算 487.51 · 调整后预算 801.07 · 实际支出 801.07 万元")
    see(page, "损坏.pdf：")
    see(page, "识别出的数字与原文句子")
    no_traceback(page)
    page.goto(f"{url}/")
    see(page, "还没有载入报告")  # previewed, not loaded

    # 2. Confirm: progress, then the figures on the pages.
    page.goto(f"{url}/import_reports")
    upload(page, "import_files_0", ("天心区2020.txt", SEED_BYTES, "text/plain"))
    see(page, "调整后预算 801.07")
    page.get_by_role("button", name=re.compile("确认载入")).click()
    see(page, "载入报告：1 个成功，0 个失败")
    overview_shows(page, url, "801.07", "1,150.47", "64.32%")
    page.goto(f"{url}/projects?department={quote(DEPARTMENT)}&year=2020")
    see(page, "农村公路养护、建设费")

    # 3. Replace it with a corrected version of the same department-year.
    page.goto(f"{url}/import_reports")
    upload(page, "import_files_0", ("天心区2020-更正版.txt", V2_BYTES, "text/plain"))
    see(page, "已有当前版本 天心区2020.txt")
    page.get_by_text("替换为新版本", exact=False).first.click()
    page.get_by_role("button", name=re.compile("确认载入")).click()
    see(page, "已替换当前版本")
    overview_shows(page, url, "802.07")

    # 4. Restore the old version on 版本.
    page.goto(f"{url}/versions?department={quote(DEPARTMENT)}&year=2020")
    see(page, "天心区2020-更正版.txt")
    old = hashlib.sha256(SEED_BYTES).hexdigest()
    see(page, f"哈希 {old[:12]}")
    page.locator(f".st-key-restore_{old[:16]} button").click()
    see(page, "已恢复为")
    overview_shows(page, url, "801.07")

    # 5. Correct a figure by hand on 数据核对.
    page.goto(f"{url}/audit?department={quote(DEPARTMENT)}&year=2020")
    see(page, "更正数字")
    choose(page, "correction_figure", re.compile("基本支出 · 实际支出"))
    page.locator(".st-key-correction_value input").fill("800.5")
    page.locator(".st-key-correction_reason input").fill("与 2020 年部门决算表核对")
    page.get_by_role("button", name=re.compile("保存更正")).click()
    see(page, "已保存更正")
    see(page, "更正记录")
    overview_shows(page, url, "800.50", "已更正")

    # 6. Download the 数据快照 zip and check what it holds.
    page.goto(f"{url}/snapshot")
    see(page, "快照包含的来源文件")
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=re.compile("CSV 压缩包")).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.startswith("预算透视_数据快照_") and target.suffix == ".zip"
    archive = zipfile.ZipFile(target)
    manifest = json.loads(archive.read("manifest.json"))
    sources = {s["file_name"]: s for s in manifest["sources"]}
    assert set(sources) == {"天心区2020.txt", "天心区2020-更正版.txt"}
    assert sources["天心区2020.txt"]["sha256"] == old
    assert sources["天心区2020.txt"]["is_current"] is True
    assert sources["天心区2020-更正版.txt"]["sha256"] == hashlib.sha256(V2_BYTES).hexdigest()
    rows = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert rows["documents"] == 2 and rows["corrections"] == 1 and rows["current_documents"] == 1
    for entry in manifest["tables"]:
        assert archive.read(entry["file"]).startswith(b"\xef\xbb\xbf"), entry["file"]
    phases = list(
        csv.DictReader(io.StringIO(archive.read("views/budget_phases.csv").decode("utf-8-sig")))
    )
    basic = next(p for p in phases if p["section"] == "basic")
    assert (basic["department"], basic["actual_wan"], basic["actual_corrected"]) == (
        DEPARTMENT,
        "800.5",
        "True",
    )


NAMELESS_BYTES = (
    SEED_BYTES.decode()
    .replace("长沙市天心区交通运输局", "")
    .replace("天心区交通运输局", "")
    .encode()
)
# A 项目支出绩效自评表 as Word: the unit in a field, the projects' phases in the form's cells.
PROJECT_FORM = (
    ROOT / "tests" / "corpus" / "dev" / "documents" / "2022-yunxian-mzj-project-docx.docx"
)
PROJECT_UNIT = "临沧市云县民政局"
CANGYUAN = "中国共产党沧源佤族自治县纪律检查委员会"
PROJECT_PDF = PROJECT_FORM.parent / "2024-cangyuan-xjw-project-pdf.pdf"  # the same kind as PDF


def test_a_document_naming_no_department_and_a_project_form_load_from_the_browser(
    app: tuple[str, Path], page: object
) -> None:
    url, _ = app
    page.goto(f"{url}/import_reports")
    see(page, "上传报告")
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    upload(
        page,
        "import_files_0",
        ("无名.txt", NAMELESS_BYTES, "text/plain"),
        ("云县民政局项目自评表.docx", PROJECT_FORM.read_bytes(), docx),
        ("沧源县纪委项目自评表.pdf", PROJECT_PDF.read_bytes(), "application/pdf"),
    )
    see(page, "部门需确认")
    see(page, "未能识别部门名称")
    see(page, "项目支出绩效自评表")  # the form's kind, in its preview's title
    key = hashlib.sha256(NAMELESS_BYTES).hexdigest()[:16]
    field = page.locator(f".st-key-import_department_{key} input")
    field.fill("天心区测试局")
    field.press("Enter")
    see(page, "确认载入（3 个文件）")
    no_traceback(page)
    page.get_by_role("button", name=re.compile("确认载入")).click()
    see(page, "载入报告：3 个成功，0 个失败")
    page.goto(f"{url}/projects?department={quote(PROJECT_UNIT)}&year=2022")
    see(page, "城乡居民最低生活保障资金")
    see(page, "各项目预算与执行（万元）")
    see(page, "项目支出绩效自评表")
    page.goto(f"{url}/projects?department={quote(CANGYUAN)}&year=2024")
    see(page, "纪检监察办案业务经费")
    page.goto(f"{url}/?department={quote('天心区测试局')}&year=2020")
    see(page, "部门：用户填写")
    see(page, "801.07")
    no_traceback(page)


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("", "总览"),
        ("adjustments", "预算调整"),
        ("fund_sources", "资金来源"),
        ("projects", "项目明细"),
        ("audit", "数据核对"),
        ("import_reports", "上传报告"),
        ("versions", "版本列表"),
        ("snapshot", "快照包含的来源文件"),
    ],
    ids=[
        "overview",
        "adjustments",
        "fund_sources",
        "projects",
        "audit",
        "import",
        "versions",
        "snapshot",
    ],
)
def test_a_shared_url_opens_that_view(
    app: tuple[str, Path], page: object, path: str, marker: str
) -> None:
    url, db = app
    other_year = SEED_BYTES.decode().replace("2020", "2019").encode()
    load_documents([("2019.txt", other_year), ("2020.txt", SEED_BYTES)], db)
    page.goto(f"{url}/{path}?department={quote(DEPARTMENT)}&year=2019")
    see(page, marker)
    # The sidebar's selectors show the department and year from the URL.
    playwright.expect(page.locator(".st-key-year input")).to_have_value("2019 年", timeout=TIMEOUT)
    playwright.expect(page.locator(".st-key-department input")).to_have_value(DEPARTMENT)
    no_traceback(page)
    page.wait_for_function("() => window.location.search.includes('year=2019')", timeout=TIMEOUT)
    assert f"/{path}" in page.url and "year=2019" in page.url
