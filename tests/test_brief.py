"""简报: its content (ui.brief) from the seed and the demo, the workbook, and the real PDF read
back with pypdfium2 (text, A4 pages, embedded CJK font, chart images), and the CLI."""

from __future__ import annotations

import doctest
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from openpyxl import load_workbook

from etl import labels, queries
from tests.support import cli
from tests.support.databases import DEPARTMENT
from ui import brief, printing

NOW = datetime(2026, 3, 5, 14, 7)
A4_POINTS = (595.28, 841.89)
needs_pdf = pytest.mark.skipif(
    printing.missing_requirement() is not None,
    reason="no Chromium or CJK font (scripts/install-browser installs both)",
)


@pytest.fixture(scope="module")
def seed_con(seed_db_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with queries.connect(seed_db_file) as con:
        yield con


@pytest.fixture(scope="module")
def demo_con(demo_db_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with queries.connect(demo_db_file) as con:
        yield con


def test_doctests() -> None:
    assert doctest.testmod(printing).failed == 0


def test_department_brief_of_the_seed(seed_con: duckdb.DuckDBPyConnection) -> None:
    content = brief.department_brief(seed_con, DEPARTMENT, 2020, NOW)
    assert content.title == f"预算简报：{DEPARTMENT} 2020 年度"
    assert content.demo is None
    assert "预算调整率（基本支出）64.32%：调整幅度超过 30%：需说明原因" in content.flags
    assert "在职人员控制率212.50%：在职人数超过编制数" in content.flags
    assert content.summary[0].startswith("合计：年初预算 585.31，调整后预算 1,150.47")
    headings = [h for h, _, _ in content.sections]
    assert headings[:3] == ["预算执行", "较上年", "“三公”经费与人员编制"]
    assert len(content.figures) == 1  # one year: the three-phase chart, no history
    key = content.sections[2][1]
    assert key["数值"].tolist()[:4] == [
        queries.key_figures_by_year(seed_con, DEPARTMENT)["three_public_budget_wan"][0],
        queries.key_figures_by_year(seed_con, DEPARTMENT)["three_public_actual_wan"][0],
        8,
        17,
    ]
    assert content.file_name("pdf", NOW) == f"预算透视_{DEPARTMENT}_2020_简报_20260305.pdf"


def test_year_brief_of_the_demo_is_labelled_demo(demo_con: duckdb.DuckDBPyConnection) -> None:
    content = brief.year_brief(demo_con, 2023, NOW)
    assert content.demo is not None and "示例数据" in content.demo
    headings = [h for h, _, _ in content.sections]
    assert headings == [
        "全部部门合计",
        "较上年（2022 年度）",
        "调整幅度最大的部门",
        "执行率最低的部门",
        "超过限值的指标",
    ]
    adjustments = content.sections[2][1]
    sizes = [abs(v) for v in adjustments["调整额（万元）"]]
    assert sizes == sorted(sizes, reverse=True)
    assert len(content.figures) == 2


def test_no_such_report(seed_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(brief.NoReport):
        brief.department_brief(seed_con, DEPARTMENT, 1999)
    with pytest.raises(brief.NoReport):
        brief.year_brief(seed_con, 1999)


def test_workbook_has_the_brief_sheet_by_sheet(demo_con: duckdb.DuckDBPyConnection) -> None:
    content = brief.year_brief(demo_con, 2023, NOW)
    book = load_workbook(io.BytesIO(brief.workbook_bytes(content)))
    assert book.sheetnames[0] == "概要"
    assert book.sheetnames[1:] == [h for h, t, _ in content.sections if not t.empty]
    first = [c.value for c in book["概要"]["A"]]
    assert "示例数据" in first[0]  # above everything, on the first sheet
    assert content.title in first
    totals = book["全部部门合计"]
    assert isinstance(totals["B2"].value, float) and totals["B2"].number_format == "#,##0.00"


@pytest.fixture(scope="module")
def seed_pdf(seed_con: duckdb.DuckDBPyConnection) -> bytes:
    if printing.missing_requirement():
        pytest.skip(printing.missing_requirement() or "")
    return printing.brief_pdf(brief.department_brief(seed_con, DEPARTMENT, 2020, NOW))


@pytest.fixture(scope="module")
def demo_pdf(demo_con: duckdb.DuckDBPyConnection) -> bytes:
    if printing.missing_requirement():
        pytest.skip(printing.missing_requirement() or "")
    return printing.brief_pdf(brief.year_brief(demo_con, 2023, NOW))


def read_pdf(data: bytes) -> tuple[list[tuple[float, float]], str, int]:
    """Page sizes (points), all text, and how many images the pages hold."""
    document = pdfium.PdfDocument(data)
    try:
        sizes, texts, images = [], [], 0
        for page in document:
            sizes.append(page.get_size())
            texts.append(page.get_textpage().get_text_range())
            images += len(list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))
        return sizes, "\n".join(texts), images
    finally:
        document.close()


@needs_pdf
@pytest.mark.parametrize("which", ["seed_pdf", "demo_pdf"], ids=["部门年度", "全部部门"])
def test_pdf_is_one_or_two_a4_pages_with_text_font_and_charts(
    which: str, request: pytest.FixtureRequest
) -> None:
    data: bytes = request.getfixturevalue(which)
    sizes, text, images = read_pdf(data)
    assert 1 <= len(sizes) <= 2
    assert all(s == pytest.approx(A4_POINTS, abs=0.1) for s in sizes)
    assert images == (1 if which == "seed_pdf" else 2)  # each chart, as an image
    # The CJK font is embedded (a subset), so the text reads the same on any machine.
    assert re.search(rb"/FontFile[23]? ", data) and b"NotoSansCJK" in data
    assert labels.ATTENTION in text and "万元" in text
    if which == "seed_pdf":
        assert f"预算简报：{DEPARTMENT} 2020 年度" in text
        assert "1,150.47" in text and "64.32%" in text and "农村公路养护、建设费" in text
    else:
        assert "预算简报：2023 年度全部部门" in text and "示例数据" in text
        assert "调整幅度最大的部门" in text and "执行率最低的部门" in text


def test_without_a_browser_the_pdf_says_what_is_missing(
    seed_con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert printing.missing_requirement() == labels.NO_BROWSER
    with pytest.raises(printing.BriefUnavailable, match="Chromium"):
        printing.brief_pdf(brief.department_brief(seed_con, DEPARTMENT, 2020))


def test_without_a_cjk_font_the_pdf_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BUDGET_LENS_CJK_FONT", str(tmp_path / "none.ttc"))
    if printing.find_browser() is not None:
        assert printing.missing_requirement() == labels.NO_CJK_FONT


def test_cli_writes_the_workbook_and_refuses_unknown_reports(
    seed_db_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "简报.xlsx"
    done = cli.run(
        "brief",
        "--db",
        str(seed_db_file),
        "--department",
        DEPARTMENT,
        "--year",
        "2020",
        "--out",
        str(out),
    )
    assert done.returncode == 0 and str(out) in done.stdout
    assert load_workbook(out).sheetnames[0] == "概要"
    done = cli.run("brief", "--db", str(seed_db_file), "--year", "1999", "--out", str(out))
    assert done.returncode == 1 and "没有 1999 年度的报告" in done.stderr
    done = cli.run("brief", "--db", str(seed_db_file), "--year", "2020", "--out", "x.doc")
    assert done.returncode == 2


@needs_pdf
def test_cli_writes_the_pdf(seed_db_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    done = cli.run("brief", "--db", str(seed_db_file), "--year", "2020", "--out", str(out))
    assert done.returncode == 0 and "页" in done.stdout
    sizes, text, _ = read_pdf(out.read_bytes())
    assert len(sizes) <= 2 and "预算简报：2020 年度全部部门" in text
