"""CSV export: bytes a spreadsheet opens with Chinese intact, exact decimals, no formulas."""

from __future__ import annotations

import doctest
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from etl import queries
from tests.support.databases import DEPARTMENT
from ui import export, tables

BOM = b"\xef\xbb\xbf"


def read_back(data: bytes) -> pd.DataFrame:
    """The CSV as a spreadsheet user's script would read it: every cell as text."""
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def phases(seed_db_file: Path) -> pd.DataFrame:
    with queries.connect(seed_db_file) as con:
        return tables.phase_table(queries.budget_phases(con, DEPARTMENT, 2020), include_total=True)


def test_doctests() -> None:
    assert doctest.testmod(export).failed == 0


def test_starts_with_the_utf8_bom(phases: pd.DataFrame) -> None:
    data = export.csv_bytes(phases)
    assert data.startswith(BOM) and not data.startswith(BOM * 2)
    assert data[len(BOM) :].decode("utf-8").startswith("类别,年初预算（万元）")


def test_round_trip_keeps_rows_columns_and_chinese(phases: pd.DataFrame) -> None:
    back = read_back(export.csv_bytes(phases))
    assert back.columns.tolist() == phases.columns.tolist()
    assert back["类别"].tolist() == ["基本支出", "项目支出", "合计"]
    assert back["调整后预算（万元）"].tolist() == ["801.07", "349.40", "1150.47"]  # two decimals
    assert back["调整率（%）"].tolist() == ["64.32", "257.26", "96.56"]


def test_amounts_are_exact_decimals(phases: pd.DataFrame) -> None:
    back = pd.read_csv(
        io.BytesIO(export.csv_bytes(phases)),
        encoding="utf-8-sig",
        converters={"实际支出（万元）": Decimal},
    )
    assert back["实际支出（万元）"].tolist() == [
        Decimal("801.07"),
        Decimal("349.4"),
        Decimal("1150.47"),
    ]
    assert sum(back["实际支出（万元）"][:2]) == back["实际支出（万元）"][2]  # no float drift


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (Decimal("801.070000"), "801.07"),
        (Decimal("-0.090000"), "-0.09"),
        (Decimal("8.000000"), "8.00"),
        (Decimal("0.000000"), "0.00"),
        (Decimal("1E+3"), "1000.00"),
        (5, "5"),
        (0.7, "0.7"),
        (None, "未识别"),
        (float("nan"), "未识别"),
        (pd.NA, "未识别"),
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+86 731", "'+86 731"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("\nLF", "'\nLF"),
        ("-0.09", "-0.09"),
        ("+5", "+5"),
        ("业务工作经费", "业务工作经费"),
        ("a=b", "a=b"),
    ],
    ids=lambda v: repr(v),
)
def test_csv_cell(cell: object, written: str) -> None:
    assert export.csv_cell(cell) == written


def test_formulas_are_neutralised_and_numbers_stay_numeric() -> None:
    table = pd.DataFrame(
        {
            "项目": ['=HYPERLINK("http://x")', "@SUM(1)", "党建经费"],
            "差额（万元）": [Decimal("-0.09"), Decimal("-251.6"), Decimal("2.8")],
        }
    )
    back = pd.read_csv(io.BytesIO(export.csv_bytes(table)), encoding="utf-8-sig")
    assert back["项目"].tolist() == ['\'=HYPERLINK("http://x")', "'@SUM(1)", "党建经费"]
    assert back["差额（万元）"].dtype == "float64"
    assert back["差额（万元）"].tolist() == [-0.09, -251.6, 2.8]


def test_unstated_figures_are_written_as_unrecognised_never_zero() -> None:
    table = pd.DataFrame({"实际支出（万元）": [Decimal("801.07"), None]})
    assert read_back(export.csv_bytes(table))["实际支出（万元）"].tolist() == ["801.07", "未识别"]


@pytest.mark.parametrize(
    ("department", "view", "expected"),
    [
        (DEPARTMENT, "项目明细表", "预算透视_长沙市天心区交通运输局_2020_项目明细表_20210305.csv"),
        ("某局/办公室", "核对结果", "预算透视_某局_办公室_2020_核对结果_20210305.csv"),
        ('a:b*c?"d"<e>|f', "数字 出处", "预算透视_a_b_c_d_e_f_2020_数字_出处_20210305.csv"),
    ],
    ids=["plain", "slash", "reserved-characters"],
)
def test_file_name(department: str, view: str, expected: str) -> None:
    assert export.file_name(department, 2020, view, date(2021, 3, 5)) == expected


def test_file_name_defaults_to_today() -> None:
    name = export.file_name(DEPARTMENT, 2020, "总览")
    assert name.endswith(f"_{date.today():%Y%m%d}.csv")


def read_workbook(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_workbook_holds_the_csv_rows_with_numbers_as_numbers(phases: pd.DataFrame) -> None:
    from openpyxl import load_workbook

    data = export.xlsx_bytes(phases, "预算调整表")
    rows = read_workbook(data)
    assert rows[0] == phases.columns.tolist()
    assert [r[0] for r in rows[1:]] == ["基本支出", "项目支出", "合计"]
    assert rows[1][1] == pytest.approx(487.51)  # a number, not text
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "预算调整表"
    assert sheet["B2"].number_format == "#,##0.00"  # 万元 with separators, two decimals
    assert sheet["F2"].number_format == "0.00"  # 调整率（%）
    for header in phases.columns[1:7]:  # the amounts and rates, as the CSV has them
        column = rows[0].index(header)
        assert [r[column] for r in rows[1:]] == [float(v) for v in phases[header]]


def test_workbook_text_never_becomes_a_formula_and_gaps_say_unrecognised() -> None:
    table = pd.DataFrame(
        {"项目": ['=HYPERLINK("http://x")', "党建\x01经费"], "金额（万元）": [None, Decimal("2.8")]}
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(table))).worksheets[0]
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "党建 经费"  # a control character an .xlsx cannot hold
    assert sheet["B2"].value == "未识别" and sheet["B3"].value == pytest.approx(2.8)


def test_workbook_of_several_sheets_with_notes_above_the_first() -> None:
    one = pd.DataFrame({"a": [1]})
    data = export.workbook_bytes([("x/y", one), ("x/y", one)], notes=["示例数据"])
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["x_y", "x_y~2"]
    assert [c.value for c in book.worksheets[0]["A"]] == ["示例数据", None, "a", 1]
