"""Hand entry (手工录入): a CSV/Excel template, one row per figure, validated row by row -> Reports.

A finance official fills in the template in Excel for a department-year whose report is missing
or unreadable. Every row names its department, year, 类别 (section) and 指标 (item) and gives one
value. Headers may be the Chinese labels or the English keys:

    部门 department · 年度 year · 类别 section · 指标 item · 数值 value · 单位 unit ·
    用途 purpose · 说明 note

A blank 部门 or 年度 repeats the row above; a row without a 数值 is not imported (a figure nobody
states stays NULL, never 0). Each department-year in the file becomes one document, stored in a
canonical CSV form whose hash identifies the version, so the same figures typed into .csv or .xlsx
are the same version and `python -m etl rebuild` re-reads exactly what was loaded.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from etl import config
from etl.amounts import normalise, to_wan
from etl.checks import check_report
from etl.model import FUND_LEVELS, Figure, FundSource, Project, Report, Source
from etl.readers import decoded

WORDING = "手工录入"
MAX_ROWS = 5000
MAX_XLSX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_XLSX_TOTAL_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    help: str
    required: bool


COLUMNS: tuple[Column, ...] = (
    Column("department", "部门", "部门全称，如 长沙市天心区交通运输局；留空表示与上一行相同", True),
    Column("year", "年度", "四位年份，如 2021；留空表示与上一行相同", True),
    Column(
        "section",
        "类别",
        "基本支出、项目支出、三公经费、人员编制、资金来源、项目明细（也可写英文代码）",
        True,
    ),
    Column("item", "指标", "见“可填指标”；项目明细行填项目名称", True),
    Column("value", "数值", "金额默认单位为万元，人员编制填人数；没有的数字留空，不要填 0", True),
    Column("unit", "单位", "万元（默认）、元 或 亿元；人员编制为 人", False),
    Column("purpose", "用途", "项目明细行：项目的用途（可不填）", False),
    Column("note", "说明", "数字的来源或依据，如“2021 年部门决算表”（可不填）", False),
)
_BY_NAME = {name: c for c in COLUMNS for name in (c.key, c.label)}

# (section key, label, aliases accepted in the 类别 column)
SECTIONS: dict[str, tuple[str, ...]] = {
    "basic": ("基本支出",),
    "project": ("项目支出",),
    "three_public": ("三公经费", "“三公”经费", '"三公"经费', "三公"),
    "staffing": ("人员编制", "人员", "编制"),
    "fund_sources": ("资金来源", "资金来源（按级次）", "项目资金来源"),
    "projects": ("项目明细", "项目", "项目清单"),
}
SECTION_LABELS = {key: names[0] for key, names in SECTIONS.items()}
# Items per section: key -> accepted names (the first is the template's).
ITEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "basic": {
        "initial": ("年初预算", "年初预算数"),
        "adjusted": ("调整后预算", "调整后预算数", "调整预算数", "全年预算数"),
        "actual": ("实际支出", "实际支出数", "决算数", "支出数"),
        "personnel": ("人员经费",),
        "public": ("公用经费", "日常公用经费"),
    },
    "project": {
        "initial": ("年初预算", "年初预算数"),
        "adjusted": ("调整后预算", "调整后预算数", "调整预算数", "全年预算数"),
        "actual": ("实际支出", "实际支出数", "决算数", "支出数"),
    },
    "three_public": {
        "budget": ("预算", "预算数", "年初预算"),
        "actual": ("实际支出", "实际支出数", "决算数", "支出数"),
    },
    "staffing": {
        "authorized": ("编制人数", "编制数"),
        "actual": ("实有在职人数", "在职人数", "实有人数"),
    },
    "fund_sources": {
        "central": ("中央",),
        "provincial": ("省级",),
        "city": ("市级",),
        "district": ("区（县）级", "区级", "县级", "区县级", "区(县)级", "本级"),
        "other": ("其他",),
    },
}
UNITS = {"万元": "万元", "万": "万元", "元": "元", "亿元": "亿元", "亿": "亿元"}
_MICRO = Decimal("0.000001")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_YEAR = re.compile(r"(\d{4})(?:\s*年(?:度)?)?")


@dataclass(frozen=True)
class Issue:
    """One validation problem: the spreadsheet row (header = row 1), the column and what is wrong."""

    row: int | None
    column: str | None
    problem: str

    def message(self) -> str:
        """The problem as one line, e.g. '第 5 行 · 数值：“abc”不是数字'."""
        where = [f"第 {self.row} 行" if self.row else "", self.column or ""]
        prefix = " · ".join(w for w in where if w)
        return f"{prefix}：{self.problem}" if prefix else self.problem


@dataclass(frozen=True)
class ManualRow:
    row: int  # the row in the file it came from (header = 1)
    section: str
    item: str  # a slot key, a fund level, or a project name
    value_wan: Decimal  # 万元, or persons for staffing
    purpose: str = ""
    note: str = ""


@dataclass
class ManualEntry:
    """One department-year typed into the template."""

    department: str
    year: int
    rows: list[ManualRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.department} {self.year} 年"


class TemplateError(Exception):
    """The file is not a readable template at all (not a table, wrong headers…)."""


# --- reading and validating -------------------------------------------------------------------


def read_template(name: str, data: bytes) -> tuple[list[ManualEntry], list[Issue]]:
    """The department-years typed into a filled-in template, and every problem found.

    When any issue is returned, nothing from the file should be loaded. The type is decided by
    content: an .xlsx workbook, else text (UTF-8 or GB18030, as Excel saves CSV on Chinese
    Windows) read as CSV.
    """
    try:
        rows = list(_table_rows(data))
    except TemplateError as exc:
        return [], [Issue(None, None, f"{name}：{exc}")]
    return _validate(rows)


def _table_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    if not data.strip():
        raise TemplateError("文件为空")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        yield from _xlsx_rows(data)
        return
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise TemplateError(
            "这是旧版 Excel 97-2003 (.xls) 文件：请在 Excel/WPS 中另存为 .xlsx 或 CSV"
        )
    if b"%PDF-" in data[:1024]:
        raise TemplateError("这是 PDF 文件，不是录入模板：报告请在“上传报告”处导入")
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if number > MAX_ROWS + 1:
            raise TemplateError(f"行数过多：一个模板最多 {MAX_ROWS} 行")
        yield number, list(row)


def _decode(data: bytes) -> str:
    text = decoded(data)
    if text is None:
        raise TemplateError(
            "无法识别的文件：既不是 Excel (.xlsx) 表格，也不是 UTF-8/GBK 编码的 CSV"
        )
    return text


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    _check_xlsx(data)
    import openpyxl  # loaded only when a workbook is read

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise TemplateError(f"Excel 文件已损坏或无法读取（{type(exc).__name__}）") from exc
    try:
        sheet = book[_ENTRY_SHEET] if _ENTRY_SHEET in book.sheetnames else book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise TemplateError(f"行数过多：一个模板最多 {MAX_ROWS} 行")
            yield number, list(row)
    finally:
        book.close()


def _check_xlsx(data: bytes) -> None:
    """Refuse what is not a workbook, a zip bomb, and XML with a DTD or entities."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TemplateError("Excel 文件已损坏或不完整：请重新保存后再导入") from exc
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            what = "Word 文档" if "word/document.xml" in names else "zip 压缩包"
            raise TemplateError(f"这是 {what}，不是 Excel 表格：请使用下载的录入模板")
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_XLSX_TOTAL_BYTES:
            raise TemplateError("Excel 文件解压后过大，拒绝读取")
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(info) as member:
                    content = member.read(MAX_XLSX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
                raise TemplateError(f"Excel 文件已损坏（{info.filename} 无法解压）") from exc
            if len(content) > MAX_XLSX_MEMBER_BYTES:
                raise TemplateError("Excel 文件解压后过大，拒绝读取")
            if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                raise TemplateError("Excel 文件包含 DTD/实体声明，出于安全原因拒绝读取")


def _validate(rows: Sequence[tuple[int, list[Any]]]) -> tuple[list[ManualEntry], list[Issue]]:
    issues: list[Issue] = []
    numbered = [(n, [_cell_text(c) for c in raw], raw) for n, raw in rows]
    body = [(n, texts, raw) for n, texts, raw in numbered if any(texts)]
    if not body:
        return [], [Issue(None, None, "文件中没有内容：请使用下载的录入模板填写")]
    header_row, header, _ = body[0]
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        column = _BY_NAME.get(_header_key(title))
        if column is not None and column.key not in positions:
            positions[column.key] = index
    missing = [c.label for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        return [], [
            Issue(
                header_row,
                None,
                f"表头缺少 {'、'.join(missing)} 列：第一行应为 "
                + "、".join(c.label for c in COLUMNS),
            )
        ]
    entries: dict[tuple[str, int], ManualEntry] = {}
    seen: dict[tuple[str, int, str, str], int] = {}
    department: str | None = None
    year: int | None = None
    # A bad 年度 is reported on its own row, not again on every row that repeats it.
    department_given = year_given = False
    for number, texts, raw in body[1:]:

        def cell(key: str, texts: list[str] = texts) -> str:
            index = positions.get(key)
            return texts[index] if index is not None and index < len(texts) else ""

        def raw_cell(key: str, raw: list[Any] = raw) -> Any:
            index = positions.get(key)
            return raw[index] if index is not None and index < len(raw) else None

        row_issues: list[Issue] = []

        def problem(
            key: str, text: str, number: int = number, out: list[Issue] = row_issues
        ) -> None:
            out.append(Issue(number, _BY_NAME[key].label, text))

        value_text = cell("value")
        if cell("department"):
            department, department_given = _clean_text(cell("department")), True
            if len(department) > 100:
                problem("department", "部门名称过长（最多 100 字）")
        elif department is None and not department_given and value_text:
            problem("department", "第一行数据必须填写部门（之后留空表示与上一行相同）")
        if cell("year"):
            year, year_given = _parse_year(raw_cell("year"), cell("year")), True
            if year is None:
                problem("year", f"“{cell('year')}”不是年份：应为四位数字，如 2021")
        elif year is None and not year_given and value_text:
            problem("year", "第一行数据必须填写年度（之后留空表示与上一行相同）")
        if not value_text:
            issues.extend(row_issues)
            continue  # a blank figure is not imported: the template lists every slot
        section = _lookup_section(cell("section"))
        if section is None:
            allowed = "、".join(SECTION_LABELS.values())
            problem(
                "section",
                f"“{cell('section')}”不是可用的类别（可填：{allowed}）"
                if cell("section")
                else f"请填写类别（{allowed}）",
            )
        item = _lookup_item(section, cell("item")) if section else None
        if section and item is None:
            if section == "projects":
                problem("item", "请填写项目名称")
            else:
                allowed = "、".join(names[0] for names in ITEMS[section].values())
                problem(
                    "item",
                    f"“{cell('item')}”不是{SECTION_LABELS[section]}的指标（可填：{allowed}）"
                    if cell("item")
                    else f"请填写指标（{allowed}）",
                )
        value = _parse_value(section, raw_cell("value"), value_text, cell("unit"), problem)
        if row_issues or department is None or year is None or section is None or item is None:
            issues.extend(row_issues)
            continue
        assert value is not None
        key = (department, year, section, item)
        if key in seen:
            problem("item", f"与第 {seen[key]} 行重复：同一部门、年度、类别、指标只能填一行")
            issues.extend(row_issues)
            continue
        seen[key] = number
        entry = entries.setdefault((department, year), ManualEntry(department, year))
        entry.rows.append(
            ManualRow(
                number,
                section,
                item,
                value,
                purpose=_clean_text(cell("purpose")),
                note=_clean_text(cell("note")),
            )
        )
    if not entries and not issues:
        issues.append(Issue(None, None, "没有填写任何数值：请在“数值”列填写数字"))
    return list(entries.values()), issues


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _clean_text(str(value))


def _clean_text(text: str) -> str:
    if text.startswith("'") and text[1:2] in _FORMULA_STARTS:
        text = text[1:]  # written by _defused
    return " ".join(_CONTROL.sub(" ", text).split())


def _header_key(title: str) -> str:
    """'部门 department', '部门（department）' and 'Department' all name one column."""
    text = normalise(title).strip().lower()
    for part in re.split(r"[\s()（）/]+", text):
        if part in _BY_NAME:
            return part
    return text


def _lookup_section(text: str) -> str | None:
    key = normalise(text).strip()
    for section, names in SECTIONS.items():
        if key == section or key in names or key.replace(" ", "") in names:
            return section
    return None


def _lookup_item(section: str, text: str) -> str | None:
    name = text.strip()
    if section == "projects":
        return name[:200] or None
    for item, names in ITEMS[section].items():
        if name == item or name in names or normalise(name) in (normalise(n) for n in names):
            return item
    return None


def _parse_year(raw: Any, text: str) -> int | None:
    if isinstance(raw, int | float) and float(raw).is_integer():
        year = int(raw)
    else:
        match = _YEAR.fullmatch(normalise(text).strip())
        if not match:
            return None
        year = int(match[1])
    return year if year in config.YEARS else None


def _parse_value(
    section: str | None, raw: Any, text: str, unit_text: str, problem: Any
) -> Decimal | None:
    if isinstance(raw, bool):
        problem("value", f"“{text}”不是数字")
        return None
    if isinstance(raw, int | float):
        number = Decimal(repr(float(raw))) if isinstance(raw, float) else Decimal(raw)
    else:
        cleaned = normalise(text).replace(",", "").replace("，", "").replace(" ", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            problem("value", f"“{text}”不是数字（只填数字，单位写在“单位”列）")
            return None
        if not number.is_finite():
            problem("value", f"“{text}”不是数字")
            return None
    if number < 0:
        problem("value", "数值不能为负数")
        return None
    unit = unit_text.strip()
    if section == "staffing":
        if unit not in ("", "人"):
            problem("unit", f"人员编制的单位应为 人，不是“{unit}”")
            return None
        if number != number.to_integral_value():
            problem("value", "人数应为整数")
            return None
        return number.quantize(Decimal(1))
    canonical_unit = UNITS.get(unit or "万元")
    if canonical_unit is None:
        problem("unit", f"“{unit}”不是可用的单位（可填：万元、元、亿元）")
        return None
    value = to_wan(str(number), canonical_unit)
    if value >= Decimal("1e12"):
        problem("value", "数值过大")
        return None
    if value != value.quantize(_MICRO):
        problem("value", "小数位过多：金额最多精确到分（0.000001 万元）")
        return None
    return value


# --- reports ----------------------------------------------------------------------------------


def entry_report(entry: ManualEntry) -> Report:
    """The entry as a Report marked 手工录入, with every check run on its figures."""
    report = Report(entry.department, entry.year, department_from="manual", year_from="manual")
    report.department_source = Source(
        f"{WORDING}：{entry.department} {entry.year} 年度", 0, 0, 0, 0
    )
    for row in entry.rows:
        source = Source(_sentence(row), 0, 0, 0, 0)
        if row.section == "fund_sources":
            report.fund_sources.append(
                FundSource(row.item, row.value_wan, ITEMS["fund_sources"][row.item][0], source)
            )
        elif row.section == "projects":
            report.projects.append(Project(row.item, row.value_wan, row.purpose, source))
        else:
            figure = Figure(
                row.section,
                row.item,
                row.value_wan,
                "人" if row.section == "staffing" else "万元",
                WORDING,
                source,
                note=row.note,
            )
            report.figures[(row.section, row.item)] = figure
            report.readings.append(figure)
    report.checks = check_report(report)
    return report


def _sentence(row: ManualRow) -> str:
    """What 数据核对 shows as the figure's source: the row as typed, in words."""
    unit = "人" if row.section == "staffing" else "万元"
    item = row.item if row.section == "projects" else item_label(row.section, row.item)
    text = f"{WORDING}：{SECTION_LABELS[row.section]} {item} {_plain(row.value_wan)} {unit}"
    return text + (f"（{row.note}）" if row.note else "")


def item_label(section: str, item: str) -> str:
    """The template's name for an item, e.g. ('basic', 'initial') -> 年初预算."""
    return ITEMS.get(section, {}).get(item, (item,))[0]


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


# --- canonical form and templates -------------------------------------------------------------

_ENTRY_SHEET = "填报"
_HELP_SHEET = "填写说明"


def canonical_bytes(entry: ManualEntry) -> bytes:
    """The entry as a template CSV (utf-8-sig, 万元): the version that is archived and hashed."""
    return _csv(
        [
            [
                entry.department,
                str(entry.year),
                SECTION_LABELS[row.section],
                row.item if row.section == "projects" else item_label(row.section, row.item),
                _plain(row.value_wan),
                "人" if row.section == "staffing" else "万元",
                row.purpose,
                row.note,
            ]
            for row in entry.rows
        ]
    )


def template_rows(department: str = "", year: int | None = None) -> list[list[str]]:
    """Every standard figure as a row with an empty 数值, plus blank fund-source and project rows."""
    rows: list[list[str]] = []
    year_text = str(year) if year else ""
    for section in ("basic", "project", "three_public", "staffing", "fund_sources"):
        for names in ITEMS[section].values():
            first = not rows
            rows.append(
                [
                    department if first else "",
                    year_text if first else "",
                    SECTION_LABELS[section],
                    names[0],
                    "",
                    "人" if section == "staffing" else "万元",
                    "",
                    "",
                ]
            )
    for _ in range(5):
        rows.append(["", "", SECTION_LABELS["projects"], "", "", "万元", "", ""])
    return rows


def template_csv(department: str = "", year: int | None = None) -> bytes:
    """The blank template as CSV (utf-8-sig, so Excel shows the Chinese headers)."""
    return _csv(template_rows(department, year))


def help_rows() -> list[list[str]]:
    """The 填写说明 sheet: each column with its English key, then the accepted 类别 and 指标."""
    rows = [["列", "英文键", "必填", "怎么填"]]
    rows += [[c.label, c.key, "是" if c.required else "否", c.help] for c in COLUMNS]
    rows += [[], ["类别", "英文代码", "可填指标（英文代码）"]]
    for section, label in SECTION_LABELS.items():
        if section == "projects":
            items = "项目名称（每个项目一行，可在“用途”列写用途）"
        else:
            items = "、".join(f"{names[0]}（{item}）" for item, names in ITEMS[section].items())
        rows.append([label, section, items])
    rows += [
        [],
        ["规则"],
        ["第一行是表头，可用中文或英文键；从第二行起每行一个数字。"],
        ["部门、年度留空表示与上一行相同；一个文件可以填多个部门或年度。"],
        ["没有的数字请留空，不要填 0：留空的行不会导入。"],
        ["导入时逐行检查，有任何问题时整份文件都不会导入，并列出行号、列名和问题。"],
    ]
    return rows


def template_xlsx(department: str = "", year: int | None = None) -> bytes:
    """The blank template as an Excel workbook: 填报 sheet plus a 填写说明 sheet."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _ENTRY_SHEET
    sheet.append([c.label for c in COLUMNS])
    for row in template_rows(department, year):
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":  # a department name starting with "=" stays text
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (34, 8, 12, 26, 14, 8, 30, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    for cells in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in cells:
            cell.number_format = "#,##0.00####"
    guide = book.create_sheet(_HELP_SHEET)
    for row in help_rows():
        guide.append(row)
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 14
    guide.column_dimensions["C"].width = 10
    guide.column_dimensions["D"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS])
    writer.writerows([_defused(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _defused(text: str) -> str:
    """Text that Excel would run as a formula gets a leading apostrophe (OWASP); read back as is.

    >>> _defused("=1+1"), _defused("-5"), _defused("天心区")
    ("'=1+1", '-5', '天心区')
    """
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


__all__ = [
    "COLUMNS",
    "FUND_LEVELS",
    "Issue",
    "ManualEntry",
    "ManualRow",
    "TemplateError",
    "canonical_bytes",
    "entry_report",
    "read_template",
    "template_csv",
    "template_xlsx",
]
