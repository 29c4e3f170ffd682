"""Hand-entry template: row-by-row validation, CSV/GBK/Excel input, canonical form, the template."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from etl import manual
from etl.manual import Issue, read_template

DEPARTMENT = "长沙市天心区交通运输局"
HEADER = "部门,年度,类别,指标,数值,单位,用途,说明"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join([header, *rows]).encode(encoding)


def messages(issues: list[Issue]) -> list[str]:
    return [i.message() for i in issues]


def test_a_filled_template_becomes_one_entry_per_department_year() -> None:
    data = csv_bytes(
        f"{DEPARTMENT},2019,基本支出,年初预算,487.51,万元,,据部门决算表",
        ',,基本支出,调整后预算,"1,801.07",,,',
        ",,人员编制,编制人数,8,人,,",
        ",,资金来源,市级,1489200,元,,",
        ",,项目明细,党建经费,2.8,万元,党员教育,",
        ",,三公经费,实际支出,,万元,,",  # left blank: not stated, not imported
        f"{DEPARTMENT},2018,项目支出,实际支出,0.5,亿元,,",
    )
    entries, issues = read_template("录入.csv", data)
    assert issues == []
    assert [e.label for e in entries] == [f"{DEPARTMENT} 2019 年", f"{DEPARTMENT} 2018 年"]
    rows = {(r.section, r.item): r for r in entries[0].rows}
    assert rows[("basic", "initial")].value_wan == Decimal("487.51")
    assert rows[("basic", "initial")].note == "据部门决算表"
    assert rows[("basic", "adjusted")].value_wan == Decimal("1801.07")
    assert rows[("staffing", "authorized")].value_wan == Decimal(8)
    assert rows[("fund_sources", "city")].value_wan == Decimal("148.92")
    assert rows[("projects", "党建经费")].purpose == "党员教育"
    assert ("three_public", "actual") not in rows
    assert entries[1].rows[0].value_wan == Decimal(5000)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (f"{DEPARTMENT},2019,基本支出,年初预算,abc,,,", "第 2 行 · 数值：“abc”不是数字"),
        (f"{DEPARTMENT},2019,基本支出,年初预算,-5,,,", "第 2 行 · 数值：数值不能为负数"),
        (f"{DEPARTMENT},二〇一九,基本支出,年初预算,5,,,", "第 2 行 · 年度：“二〇一九”不是年份"),
        (f"{DEPARTMENT},2019,基本,年初预算,5,,,", "第 2 行 · 类别：“基本”不是可用的类别"),
        (
            f"{DEPARTMENT},2019,基本支出,预算总额,5,,,",
            "第 2 行 · 指标：“预算总额”不是基本支出的指标",
        ),
        (f"{DEPARTMENT},2019,项目明细,,5,,,", "第 2 行 · 指标：请填写项目名称"),
        (f"{DEPARTMENT},2019,基本支出,年初预算,5,美元,,", "第 2 行 · 单位：“美元”不是可用的单位"),
        (f"{DEPARTMENT},2019,人员编制,编制人数,8.5,人,,", "第 2 行 · 数值：人数应为整数"),
        (f"{DEPARTMENT},2019,基本支出,年初预算,0.0000001,,,", "第 2 行 · 数值：小数位过多"),
        (",2019,基本支出,年初预算,5,,,", "第 2 行 · 部门：第一行数据必须填写部门"),
    ],
    ids=[
        "not-a-number",
        "negative",
        "chinese-year",
        "unknown-section",
        "unknown-item",
        "project-without-name",
        "unknown-unit",
        "fractional-persons",
        "beyond-the-fen",
        "first-row-without-department",
    ],
)
def test_each_problem_names_row_column_and_what_is_wrong(row: str, expected: str) -> None:
    entries, issues = read_template("录入.csv", csv_bytes(row))
    assert entries == []
    assert len(issues) == 1
    assert messages(issues)[0].startswith(expected)


def test_every_bad_row_is_reported() -> None:
    data = csv_bytes(
        f"{DEPARTMENT},2019,基本支出,年初预算,1,,,",
        ",,基本支出,年初预算,2,,,",
        ",,基本支出,实际支出,x,,,",
    )
    _, issues = read_template("录入.csv", data)
    assert messages(issues) == [
        "第 3 行 · 指标：与第 2 行重复：同一部门、年度、类别、指标只能填一行",
        "第 4 行 · 数值：“x”不是数字（只填数字，单位写在“单位”列）",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "文件为空"),
        ("部门,年度,数值\n天心区,2019,5".encode(), "表头缺少 类别、指标 列"),
        (HEADER.encode(), "没有填写任何数值"),
        (b"%PDF-1.7 ...", "这是 PDF 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "旧版 Excel"),
        (b"\x81\x00\xff\xfe" * 16, "无法识别的文件"),
    ],
    ids=["empty", "missing-columns", "header-only", "pdf", "old-xls", "binary"],
)
def test_files_that_are_not_a_template(data: bytes, expected: str) -> None:
    entries, issues = read_template("录入.csv", data)
    assert entries == []
    assert expected in messages(issues)[0]


def test_english_keys_gbk_and_tabs_are_accepted() -> None:
    header = "department\tyear\tsection\titem\tvalue"
    data = csv_bytes(f"{DEPARTMENT}\t2019\tbasic\tinitial\t12.5", header=header, encoding="gbk")
    entries, issues = read_template("录入.txt", data)
    assert issues == []
    assert entries[0].rows[0].value_wan == Decimal("12.5")


def test_the_template_round_trips_through_csv_and_excel() -> None:
    csv_template = manual.template_csv(DEPARTMENT, 2019)
    assert csv_template.startswith(b"\xef\xbb\xbf")
    text = csv_template.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    assert f"{DEPARTMENT},2019,基本支出,年初预算,,万元" in text
    # An untouched template holds no figure.
    assert messages(read_template("模板.csv", csv_template)[1]) == [
        "没有填写任何数值：请在“数值”列填写数字"
    ]

    book = openpyxl.load_workbook(io.BytesIO(manual.template_xlsx(DEPARTMENT, 2019)))
    assert book.sheetnames == ["填报", "填写说明"]
    sheet = book["填报"]
    assert [c.value for c in sheet[1]] == HEADER.split(",")
    sheet["E2"] = 487.51  # typed as a number in Excel
    sheet["E4"] = "1,150.47"
    buffer = io.BytesIO()
    book.save(buffer)
    entries, issues = read_template("模板.xlsx", buffer.getvalue())
    assert issues == []
    assert [(r.row, r.item, r.value_wan) for r in entries[0].rows] == [
        (2, "initial", Decimal("487.51")),
        (4, "actual", Decimal("1150.47")),
    ]
    guide = [row[1] for row in book["填写说明"].iter_rows(values_only=True) if row]
    assert {"department", "year", "section", "item", "value"} <= set(guide)


def test_excel_with_entities_or_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "b">]><workbook/>')
    assert "DTD" in messages(read_template("x.xlsx", buffer.getvalue())[1])[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "Word 文档" in messages(read_template("x.xlsx", buffer.getvalue())[1])[0]


def test_a_formula_like_department_stays_text() -> None:
    template = manual.template_csv("=HYPERLINK(1)", 2019).decode("utf-8-sig")
    assert "'=HYPERLINK(1),2019" in template
    data = csv_bytes("'=HYPERLINK(1),2019,基本支出,年初预算,5,,,")
    assert read_template("x.csv", data)[0][0].department == "=HYPERLINK(1)"


def test_canonical_form_is_the_same_for_csv_and_excel_and_reads_back() -> None:
    from_csv = read_template("a.csv", csv_bytes(f"{DEPARTMENT},2019,基本支出,年初预算,487.510,,,"))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([DEPARTMENT, 2019, "基本支出", "年初预算", 487.51])
    buffer = io.BytesIO()
    book.save(buffer)
    from_xlsx = read_template("b.xlsx", buffer.getvalue())
    canonical = manual.canonical_bytes(from_csv[0][0])
    assert canonical == manual.canonical_bytes(from_xlsx[0][0])
    again, issues = read_template("c.csv", canonical)
    assert issues == [] and again[0].rows[0].value_wan == Decimal("487.51")


def test_an_entry_becomes_a_report_marked_manual_with_checks() -> None:
    entries, _ = read_template(
        "a.csv",
        csv_bytes(
            f"{DEPARTMENT},2019,基本支出,实际支出,100,,,决算表",
            ",,基本支出,人员经费,60,,,",
            ",,基本支出,公用经费,30,,,",
        ),
    )
    report = manual.entry_report(entries[0])
    assert (report.department, report.year) == (DEPARTMENT, 2019)
    figure = report.figures[("basic", "actual")]
    assert figure.wording == "手工录入" and figure.note == "决算表"
    assert figure.source.sentence == "手工录入：基本支出 实际支出 100 万元（决算表）"
    failed = {c.rule for c in report.checks if not c.passed}
    assert "personnel_public_sum" in failed  # 60 + 30 ≠ 100: hand entry is checked too


def test_readme_documents_every_template_column() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for column in manual.COLUMNS:
        assert f"| {column.label} | `{column.key}` |" in readme
    for section in manual.SECTIONS:
        assert f"`{section}`" in readme
