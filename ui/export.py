"""CSV snapshots of what a page shows: UTF-8 bytes with a BOM (so spreadsheets read Chinese),
exact decimals, spreadsheet formulas neutralised; and the file name they download as."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from numbers import Number
from typing import Any

import pandas as pd

from etl.labels import MISSING
from ui.tables import records

# OWASP "CSV injection": a cell starting with one of these may run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV bytes in utf-8-sig: amounts and percentages with two decimals, whole
    numbers without, 未识别 for figures not stated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in table.columns])
    writer.writerows([csv_cell(v) for v in row] for row in records(table))
    return buffer.getvalue().encode("utf-8-sig")


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


def file_name(department: str, year: int, view: str, today: date | None = None) -> str:
    """预算透视_{department}_{year}_{view}_{YYYYMMDD}.csv, safe on every file system.

    >>> file_name("长沙市天心区交通运输局", 2020, "项目明细表", date(2021, 3, 5))
    '预算透视_长沙市天心区交通运输局_2020_项目明细表_20210305.csv'
    """
    day = (today or date.today()).strftime("%Y%m%d")
    parts = [_UNSAFE_IN_FILE_NAME.sub("_", p).strip("._") for p in (department, view)]
    return f"预算透视_{parts[0]}_{year}_{parts[1]}_{day}.csv"
