"""CSV and Excel snapshots of what a page shows: CSV as UTF-8 bytes with a BOM (so spreadsheets
read Chinese), an .xlsx workbook with numbers as numbers and text always text; exact decimals and
spreadsheet formulas neutralised in both; and the file name they download as."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from numbers import Number
from typing import Any

import pandas as pd

from etl.labels import AMOUNT_SUFFIX, MISSING, PERCENT_SUFFIX, POINTS_SUFFIX
from ui.tables import records

# OWASP "CSV injection": a cell starting with one of these may run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
# Characters an .xlsx cannot hold (XML 1.0): C0 controls other than tab, LF, CR.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel number formats by header: 万元 with separators and two decimals, percentages two decimals.
_AMOUNT_HEADERS = ("数值", "原值", "生效数值", "上年", "变动")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV bytes in utf-8-sig: amounts and percentages with two decimals, whole
    numbers without, 未识别 for figures not stated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in table.columns])
    writer.writerows([csv_cell(v) for v in row] for row in records(table))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(table: pd.DataFrame, sheet: str = "表格") -> bytes:
    """The table as an .xlsx workbook of one sheet: the rows and headers csv_bytes writes, 万元
    as numbers shown like 1,150.47, percentages like 64.32, text always text (never a formula),
    未识别 for figures not stated."""
    return workbook_bytes([(sheet, table)])


def workbook_bytes(sheets: list[tuple[str, pd.DataFrame]], notes: list[str] | None = None) -> bytes:
    """Tables as one .xlsx, a sheet each (names made Excel-safe); `notes`, when given, go one a
    line above the first sheet's table (a title, the 示例数据 warning)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.worksheets[0])  # the default sheet; each table gets its own
    for index, (name, table) in enumerate(sheets):
        ws = book.create_sheet(sheet_names([*(s.title for s in book.worksheets), name])[-1])
        if index == 0 and notes:
            for note in notes:
                _append(ws, [note])
            ws.append([])
        _append(ws, [str(c) for c in table.columns])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        formats = [_number_format(str(c)) for c in table.columns]
        for row in records(table):
            _append(ws, [xlsx_cell(v) for v in row], formats)
        for letter, header in zip(_letters(len(table.columns)), table.columns, strict=True):
            longest = max([len(str(header)), *(len(csv_cell(v)) for v in table[header][:200])])
            ws.column_dimensions[letter].width = min(60, 2 + longest * 1.7)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_cell(value: Any) -> Any:
    """One cell as the workbook holds it: a number stays a number, 未识别 for a figure not
    stated, anything else as text.

    >>> xlsx_cell(Decimal("349.400000")), xlsx_cell(None), xlsx_cell(38), xlsx_cell("=1+1")
    (Decimal('349.400000'), '未识别', 38, '=1+1')
    """
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal | int | float):
        return value
    if isinstance(value, Number) and hasattr(value, "item"):  # numpy scalars
        return value.item()
    return XML_ILLEGAL.sub(" ", str(value))


def sheet_names(names: list[str]) -> list[str]:
    """Excel-safe, unique sheet names of at most 31 characters, in order.

    >>> sheet_names(["a" * 40, "a" * 40, "x/y"])
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa~2', 'x_y']
    """
    out: list[str] = []
    for name in names:
        base = _SHEET_UNSAFE.sub("_", name).strip("'") or "sheet"
        candidate, n = base[:SHEET_NAME_MAX], 1
        while candidate.lower() in (o.lower() for o in out):
            n += 1
            suffix = f"~{n}"
            candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        out.append(candidate)
    return out


def _append(ws: Any, values: list[Any], formats: list[str | None] | None = None) -> None:
    """A row whose text cells stay text: openpyxl would store '=…' as a formula."""
    ws.append(values)
    for cell, number_format in zip(ws[ws.max_row], formats or [None] * len(values), strict=False):
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif number_format:
            cell.number_format = number_format


def _number_format(header: str) -> str | None:
    if header.endswith(AMOUNT_SUFFIX) or header in _AMOUNT_HEADERS:
        return "#,##0.00"
    if header.endswith((PERCENT_SUFFIX, POINTS_SUFFIX)):
        return "0.00"
    return None


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(i) for i in range(1, count + 1)]


def csv_cell(value: Any, *, exact: bool = False) -> str:
    """One cell as CSV text: numbers unquoted (a Decimal amount with two decimals, or `exact`),
    text that could run as a formula defused.

    >>> csv_cell(Decimal("349.400000")), csv_cell(Decimal("-0.09")), csv_cell(None)
    ('349.40', '-0.09', '未识别')
    >>> csv_cell(Decimal("0.012345"), exact=True), csv_cell(38)
    ('0.012345', '38')
    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-5"), csv_cell("业务工作经费")
    ("'=HYPERLINK(1)", '-5', '业务工作经费')
    """
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return decimal_text(value) if exact else f"{value:.2f}"
    if isinstance(value, Number):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def decimal_text(value: Decimal) -> str:
    """A Decimal in plain notation without trailing zeros: the exact figure, nothing added.

    >>> decimal_text(Decimal("349.400000")), decimal_text(Decimal("8.000000"))
    ('349.4', '8')
    """
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def file_name(
    department: str, year: int, view: str, today: date | None = None, suffix: str = "csv"
) -> str:
    """预算透视_{department}_{year}_{view}_{YYYYMMDD}.{suffix}, safe on every file system.

    >>> file_name("长沙市天心区交通运输局", 2020, "项目明细表", date(2021, 3, 5))
    '预算透视_长沙市天心区交通运输局_2020_项目明细表_20210305.csv'
    >>> file_name("X局", 2020, "总览表", date(2021, 3, 5), "xlsx")
    '预算透视_X局_2020_总览表_20210305.xlsx'
    """
    day = (today or date.today()).strftime("%Y%m%d")
    parts = [_UNSAFE_IN_FILE_NAME.sub("_", p).strip("._") for p in (department, view)]
    return f"预算透视_{parts[0]}_{year}_{parts[1]}_{day}.{suffix}"
