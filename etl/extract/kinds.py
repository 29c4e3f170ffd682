"""Who, when and what: the document's department, fiscal year and kind.

Titles come in many orders: "2020年度长沙市天心区交通运输局整体支出绩效自评报告", "XX局2021年度部门决算
情况说明", "2023年XX决算编制说明" with "411001-XX局" on the next line, "部门整体支出绩效自评表（2021
年度）" with the unit in a field (预算部门、单位名称 / 单位名称 / 实施单位 / 主管部门), "关于XX局2022年度
部门整体支出绩效自评情况的报告". The title is the first of the document's opening lines that names a
kind of document; the year is the fiscal year it names (never a publication date); the department
is what is left of the title once the year and the kind are taken away, else a form field, else
a unit named on the line after the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.amounts import normalise
from etl.extract.tables import Field
from etl.model import DocumentKind, Source

# Kind -> title pattern, first match wins: 三公 before 决算 ("“三公”经费支出决算情况说明"), a 项目支出
# form before a 部门整体 one, a 表 before a 报告 ("…自评报告及评分表" is a report).
KIND_RULES: tuple[tuple[DocumentKind, str], ...] = (
    ("basic_data_form", r"基础数据表|基础信息表"),
    (
        "project_evaluation",
        r"项目(?:支出)?(?:资金)?绩效(?:单位)?自(?:评|我评价)|项目(?:支出)?绩效评价(?:报告|表)"
        r"|项目(?:支出)?(?:绩效)?自评(?:表|报告)|专项资金绩效自评",
    ),
    (
        "self_evaluation_report",
        r"(?:整体支出|部门整体|单位整体)?绩效(?:自评|自我评价|评价)(?:情况)?(?:的)?报告"
        r"|绩效自评(?:情况)?(?:的)?(?:报告|说明)|整体支出绩效.{0,6}报告",
    ),
    (
        "self_evaluation_form",
        r"整体支出绩效(?:自评|评价|目标自评)表|(?:部门|单位)(?:整体)?绩效(?:自评|评价)表"
        r"|绩效自评表",
    ),
    ("three_public", r"三公[\"“”'‘’「」]?\s*经费"),
    ("final_accounts", r"决算"),
    ("budget", r"预算(?:公开|编制|情况|说明|信息)|(?:部门|单位)预算(?!执行)"),
)
_KIND_RULES = tuple((kind, re.compile(pattern)) for kind, pattern in KIND_RULES)
# What a title says beside the unit's name and the year: the kind and its usual wrapping.
_TITLE_WORDS = re.compile(
    r"^(?:关于|[《\"“])|[》\"”]$|的?(?:报告|说明|公开|情况|表|自评|评价|编制|附件\d*)$"
    r"|(?:部门|单位)(?:整体)?(?:支出)?(?:绩效)?$|(?:本级|及所属单位|\(盖章\))$"
)
_KIND_PHRASE = re.compile(
    r"(?:部门|单位)?(?:整体)?(?:支出)?(?:项目)?(?:支出)?(?:资金)?(?:预算)?(?:绩效)?"
    r"(?:自评|自我评价|评价|目标)?(?:情况)?(?:的)?(?:基础数据表|报告|表|说明)?$"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度|年|度)?")
_CHINESE_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_CHINESE_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=年)")
# "411001-", "[906017]", "部门编码：411001": a unit code before the name.
_UNIT_CODE = re.compile(r"^[\[【(（]?\d{3,}[\]】)）]?\s*[-—_－:：、.]?\s*")
# A unit's name ends like a unit: 局, 委员会, 中心, 学校, 医院, 人民政府, 街道办事处 …
_UNIT_END = re.compile(
    r"(?:局|委|办|院|中心|所|站|队|处|会|馆|校|园|社|部|厅|政府|办事处|公司|集团|团|庭|室|场|台|署"
    r"|监狱|街道|委员会|联合会|协会|党校|幼儿园|医院|学院|大学|中学|小学|机关|法院|检察院|政协|人大"
    r"|常委会|宣传部|组织部|统战部|基金会|总工会|妇联|团委|科协|文联|残联|侨联|红十字会|中队|大队|支队)$"
)
# Web page chrome before a title: "- 发布机构：X", "索引号：…", "来源：财务科 2019-07-09".
_CHROME = re.compile(r"^[-·•\s]*(?:索引号|发布机构|发布日期|文号|时效性|来源|浏览|发文机关|分类)")
_PUBLISHER = re.compile(r"^[-·•\s]*(?:发布机构|发文机关|来源)\s*[:：]\s*(?P<name>\S+)")
_DECORATION = " \t|#*-—=·•"


@dataclass(frozen=True)
class Identity:
    """The document's department, year and kind, with where each came from."""

    department: str | None = None
    year: int | None = None
    kind: DocumentKind | None = None
    department_source: Source | None = None
    kind_source: Source | None = None
    # "title" or "field" (read), "text" (a unit named near the title or the site's 发布机构: a
    # guess the user confirms), "" (not found).
    department_from: str = ""


def document_kind(title: str) -> DocumentKind | None:
    """The kind a title names, or None.

    >>> document_kind("关于天心区交通运输局2020年度整体支出绩效自评情况的报告")
    'self_evaluation_report'
    >>> document_kind("2021年度“三公”经费支出决算情况说明")
    'three_public'
    """
    clean = "".join(normalise(title).split())
    return next((kind for kind, pattern in _KIND_RULES if pattern.search(clean)), None)


def identify(original: str, fields: list[Field] | None = None) -> Identity:
    """Department, year and kind from the title (which may wrap over two lines), the form's
    fields and the lines after the title."""
    lines = _opening_lines(original)
    title_at = _title(original, lines)
    kind: DocumentKind | None = None
    kind_source = department_source = None
    department: str | None = None
    department_from = ""
    year: int | None = None
    if title_at is not None:
        start, end = title_at
        title = original[start:end]
        kind = document_kind(title)
        kind_source = Source(title, start, end, start, end)
        year, department = _title_parts(title)
        if department:
            department_source, department_from = kind_source, "title"
    if year is None:
        year = _year_nearby(original, lines, title_at)
    if department is None:
        department, department_source, department_from = _unit_elsewhere(
            original, lines, title_at, fields or [], kind
        )
    return Identity(department, year, kind, department_source, kind_source, department_from)


def _opening_lines(original: str, count: int = 14) -> list[tuple[int, int]]:
    """The spans of the first non-empty lines, without decoration (" |", "#", spaces)."""
    lines: list[tuple[int, int]] = []
    pos = 0
    while len(lines) < count and pos < len(original):
        end = original.find("\n", pos)
        end = len(original) if end == -1 else end
        lo, hi = pos, end
        while lo < hi and original[lo] in _DECORATION + "\u3000\r":
            lo += 1
        while hi > lo and original[hi - 1] in _DECORATION + "\u3000\r":
            hi -= 1
        if hi > lo:
            lines.append((lo, hi))
        pos = end + 1
    return lines


def _title(original: str, lines: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The title: the first opening line that names a kind of document, joined with the line
    before it when that holds the unit or the year ("临江县档案馆" / "2021年度部门整体支出绩效自评
    报告") and with the line after it when that is only the year ("（2021年度）")."""
    for index, (start, end) in enumerate(lines[:10]):
        text = original[start:end]
        if _CHROME.match(text) or len(text) > 80 or not document_kind(text):
            continue
        if index > 0:
            lo, hi = lines[index - 1]
            previous = original[lo:hi]
            if (
                not document_kind(previous)
                and not _CHROME.match(previous)
                and len(original[lo:end]) <= 80
                and (_YEAR.search(normalise(previous)) or _looks_like_unit(_unit_text(previous)))
            ):
                start = lo
        if index + 1 < len(lines) and not _YEAR.search(normalise(text)):
            lo, hi = lines[index + 1]
            if re.fullmatch(r"[(（]?(?:19|20)\d{2}\s*年?度?[)）]?", _clean(original[lo:hi])):
                end = hi
        return start, end
    return None


def _unit_text(text: str) -> str:
    return _UNIT_CODE.sub("", _clean(text))


def _clean(text: str) -> str:
    title = "".join(normalise(text).split())
    return _CHINESE_YEAR.sub(lambda m: m.group().translate(_CHINESE_DIGITS), title)


def _title_parts(title: str) -> tuple[int | None, str | None]:
    """(year, department) from a title; either may be None.

    >>> _title_parts("２０２３年度青神县发展和改革局部门整体支出绩效自评报告")
    (2023, '青神县发展和改革局')
    >>> _title_parts("411001-长沙市天心区交通运输局2021年度部门决算情况说明")
    (2021, '长沙市天心区交通运输局')
    >>> _title_parts("部门整体支出绩效自评表（2021年度）")
    (2021, None)
    """
    text = _clean(title)
    year_match = _fiscal_year(text)
    year = int(year_match[1]) if year_match else None
    name = text
    if year_match:
        before, after = text[: year_match.start()], text[year_match.end() :]
        before = _UNIT_CODE.sub("", _strip_title(before))
        # The name stands before the year ("XX局2021年度…") or after it ("2020年度XX局…").
        name = before if _looks_like_unit(before) else _strip_title(after)
    else:
        name = _strip_title(text)
    name = _UNIT_CODE.sub("", name).strip(_DECORATION + ":：、,()（）")
    return year, (name if _looks_like_unit(name) else None)


def _fiscal_year(text: str) -> re.Match[str] | None:
    """The year a title reports on: 2021年度 before a bare 2021年, never a date (2019年06月18日)."""
    best: re.Match[str] | None = None
    for match in _YEAR.finditer(text):
        following = text[match.end() : match.end() + 3]
        if (
            re.match(r"\d{1,2}月|[-./]\d", following)
            or text[match.end() : match.end() + 1].isdigit()
        ):
            continue  # a date
        if best is None or (match.group().endswith("年度") and not best.group().endswith("年度")):
            best = match
    return best


def _strip_title(text: str) -> str:
    """A title fragment without the kind of document and its wrapping."""
    previous = None
    text = re.sub(r"[(（][^)）]*年度?[)）]|[(（]\d{4}[)）]", "", text)
    while previous != text:
        previous = text
        for _, pattern in _KIND_RULES:
            match = pattern.search(text)
            if match:
                text = text[: match.start()] + text[match.end() :]
                break
        text = _KIND_PHRASE.sub("", text)
        text = _TITLE_WORDS.sub("", text)
        text = text.strip(_DECORATION + ":：、,()（）")
    return text


def _looks_like_unit(name: str) -> bool:
    return 2 <= len(name) <= 40 and bool(_UNIT_END.search(name)) and not re.search(r"\d{4}", name)


def _year_nearby(
    original: str, lines: list[tuple[int, int]], title_at: tuple[int, int] | None
) -> int | None:
    """A fiscal year named near the title (a form's "（2021年度）" line, "评价年度：2021")."""
    for start, end in lines[:8]:
        text = _clean(original[start:end])
        if _CHROME.match(text):
            continue
        match = re.search(
            r"((?:19|20)\d{2})\s*年度|(?:年度|评价年度|所属年度)[:：]\s*((?:19|20)\d{2})", text
        )
        if match:
            return int(match[1] or match[2])
    return None


_MONEY_UNIT = re.compile(r"(?:人民币)?(?:亿元|万元|元|人)")
_FIELD_ORDER = {
    "project_evaluation": ("implementer", "supervisor", "unit"),
}


def _unit_elsewhere(
    original: str,
    lines: list[tuple[int, int]],
    title_at: tuple[int, int] | None,
    fields: list[Field],
    kind: DocumentKind | None,
) -> tuple[str | None, Source | None, str]:
    """The unit from a form field, else the line after the title, else the site's 发布机构."""
    order = _FIELD_ORDER.get(kind or "", ("unit", "implementer", "supervisor"))
    for name in order:
        for found in fields:
            if found.name != name:
                continue
            value = _unit_text(found.value.text).strip(_DECORATION + ":：")
            value = re.sub(r"(?:\(盖章\)|本级)$", "", value)
            if _MONEY_UNIT.fullmatch(value):
                continue  # "单位：万元" is the unit of the amounts, not the department
            if _looks_like_unit(value) or (
                name == "unit" and 2 <= len(value) <= 30 and not re.search(r"\d", value)
            ):
                start, end = found.label.start, found.value.end
                return (
                    value,
                    Source(original[start:end], start, end, found.value.start, found.value.end),
                    "field",
                )
    after = title_at[1] if title_at else 0
    for start, end in lines:
        if start < after:
            continue
        text = _unit_text(original[start:end])
        if _looks_like_unit(text):
            return text, Source(original[start:end], start, end, start, end), "text"
        break
    for start, end in lines:
        publisher = _PUBLISHER.match(original[start:end])
        if publisher and _looks_like_unit(_clean(publisher["name"])):
            at = start + publisher.start("name")
            return (
                _clean(publisher["name"]),
                Source(original[start:end], start, end, at, at + len(publisher["name"])),
                "text",
            )
    return None, None, ""
