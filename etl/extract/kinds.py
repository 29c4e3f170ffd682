"""Who, when and what: the document's department, fiscal year and kind.

Titles come in many orders: "2020年度长沙市天心区交通运输局整体支出绩效自评报告", "XX局2021年度部门决算
情况说明", "2023年XX决算编制说明" with "411001-XX局" on the next line, "部门整体支出绩效自评表（2021
年度）" with the unit in a field (预算部门、单位名称 / 单位名称 / 实施单位 / 主管部门), "关于XX局2022年度
部门整体支出绩效自评情况的报告", "XX局关于财政拨款“三公”经费2015年决算的情况说明". Web pages put chrome
before them (索引号 | 发布机构 | 标题 | …, 当前位置, 发布时间 / 来源), document sites a "《X.docx》由会员
分享" line, and a page may carry its document as an attachment (第四部分 附件, then the title).

The title is the first opening line that names a kind of document. The year is the fiscal year it
names, else a form's 评价年度 or its columns (2021年实际在职人数), else the year the first lines speak
of; never a publication date. The department is what is left of the title once the year and the
kind are taken away (on a form, the form's own field comes first), spelled in full when the first
lines write the same name longer (北京市朝阳区团结湖街道办事处 for 团结湖街道办事处); else a field;
else a guess from the text: the line after the title, the signature, a unit that opens a sentence,
the site's 发布机构. Each reading says where it came from, so a guess is shown as one.

Only the opening of the text is read (and its last lines for a signature): identify() runs once per
document and stays well under a tenth of a millisecond.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from etl.amounts import normalise
from etl.extract.fields import Field
from etl.extract.wording import RUN_TOGETHER_FIELDS, RUN_TOGETHER_NEXT
from etl.model import DocumentKind, Source

_QUOTE = "\"“”'‘’「」"
# Kind -> title pattern, first match wins: a 项目支出 form before a 部门整体 one, a 表 after a 报告
# ("…自评报告及评分表" is a report); a 部门预算 / 决算 "及“三公”经费" is the budget or the accounts
# with their 三公 part, else 三公 before 决算 ("“三公”经费支出决算情况说明").
KIND_RULES: tuple[tuple[DocumentKind, str], ...] = (
    ("basic_data_form", r"基础数据表|基础信息表"),
    # "部门整体支出及项目支出绩效评价报告": the department's report, with its projects'.
    ("self_evaluation_report", r"整体支出(?:绩效)?(?:及|和|与)项目支出绩效(?:自评|评价)"),
    (
        "project_evaluation",
        r"项目(?:支出)?(?:资金)?绩效(?:目标)?(?:单位)?自(?:评|我评价)"
        r"|项目(?:支出)?(?:部门)?(?:绩效)?评价(?:报告|表)|项目(?:支出)?(?:绩效)?自评(?:表|报告)"
        r"|专项资金绩效自评",
    ),
    (
        "self_evaluation_report",
        r"(?:整体支出|部门整体|单位整体)?绩效(?:自评|自我评价|评价)(?:情况)?(?:的)?报告"
        r"|绩效自评(?:情况)?(?:的)?(?:报告|说明)|整体支出绩效.{0,6}报告|自评报告"
        r"|整体支出绩效(?:自评|评价)情况(?!表)",
    ),
    (
        "self_evaluation_form",
        r"整体支出绩效(?:自评|评价|目标自评)表|(?:部门|单位)(?:整体)?绩效(?:自评|评价)表|自评表",
    ),
    ("budget", r"(?:部门|单位)预算(?:公开)?(?:及|和)"),
    ("final_accounts", r"(?:部门|单位)决算(?:公开)?(?:及|和)"),
    ("three_public", rf"[{_QUOTE}]?三公[{_QUOTE}]?\s*经费"),
    ("final_accounts", r"决算"),
    (
        "budget",
        r"预算(?:公开|编制|情况|说明|信息)|(?:部门|单位)预算(?!执行)"
        r"|一般公共预算(?:基本)?支出情况说明",  # a 预算 document's heading; a 决算 one says 决算
    ),
)
# One pattern, a group per rule: a title's matches say which rules it meets, the first rule wins.
# The characters a kind's wording starts with are looked ahead first: five times faster a search.
_ANY_KIND = re.compile(
    rf"(?=[基整项专绩自部单预决三一{_QUOTE}])(?:"
    + "|".join(f"({pattern})" for _, pattern in KIND_RULES)
    + ")"
)
_FORMS = ("self_evaluation_form", "basic_data_form", "project_evaluation")

_YEAR = re.compile(r"(?=[12])(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度|年|度)?")
_CHINESE_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_CHINESE_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=年)")
# "411001-", "[906017]": a unit code before the name.
_UNIT_CODE = re.compile(r"^[\[【(]?\d{3,}[\]】)]?\s*[-—_－:、.]?\s*")
# A unit's name ends like a unit: 局, 委员会, 中心, 学校, 医院, 人民政府, 街道办事处, 镇 …
_UNIT_END = (
    r"局|委|办|院|中心|所|站|队|处|会|馆|校|园|社|部|厅|政府|办事处|公司|集团|团|庭|室|场|台|署"
    r"|监狱|街道|委员会|联合会|协会|党校|幼儿园|医院|学院|大学|中学|小学|机关|法院|检察院|政协|人大"
    r"|常委会|宣传部|组织部|统战部|基金会|总工会|妇联|团委|科协|文联|残联|侨联|红十字会|中队|大队|支队"
    r"|镇|乡"
)
_UNIT_ENDS = tuple(_UNIT_END.split("|"))
_FOUR_DIGITS = re.compile(r"\d{4}")
_NOT_IN_NAME = re.compile(r"[\d,.;:|]")
_PARENTHESES = re.compile(r"\([^)]*\)")
_DATE_AFTER_YEAR = re.compile(r"\d{1,2}月|[-./]\d")
# Any characters but a sentence's or a table's: a name is never "单位:万元" or "…，…".
_NAME_CHARS = re.compile(r"[^\s,.;:|、。“”\"《》]+")
# A place alone ("施甸县", "岳阳市"): on a county's own 三公 table it is the unit, but "岳阳县…部门
# “三公”经费预算情况表" is the county's template for any of its departments.
_PLACE = r"[^\W\d_省市县区旗盟]{1,6}(?:自治区|自治州|自治县|省|市|州|盟|县|区|旗)"
_AREA = re.compile(rf"(?:{_PLACE})+")
_PLACE_CHAIN = re.compile(rf"(?:{_PLACE})*")
_PLACE_START = re.compile(_PLACE)
_PLACE_CHARS = str.maketrans("", "", "省市州县区")
_TOWN = re.compile(r"[^省市州县区]{2,6}(?:镇|乡|街道)$")
# Words that open a sentence, never a name: "按照北京市…", "本局负责…".
_NOT_A_NAME = re.compile(
    r"^(?:按照|根据|依照|参照|关于|经过|对于|为了|通过|结合|围绕|落实|年"
    r"|[本我该][局院委办所站校处队馆园会厅部县市区镇乡省]"
    r"|[本我该](?:单位|部门|中心|机关)|全(?:局|县|市|区|镇|乡|省)|各(?:级|单位|部门|乡镇))"
)

# Web-page chrome: "索引号 | … | 发布机构 | …", "当前位置：首页 > …", "发布时间：… 来源：…", a document
# site's "《X.docx》由会员分享".
_CHROME_LABEL = re.compile(
    r"(?:索引号|发布机构|发布日期|发布时间|文号|发文字号|时效性|有效性|来源|信息来源|浏览|发文机关|分类"
    r"|主题分类|体裁分类|公开目录|成文日期|当前位置|您现在的位置|您的位置|欢迎|编辑\s*[:：]|作者"
    r"|公开时间)"
)


def _chrome(text: str) -> bool:
    return "由会员分享" in text or "上搜索" in text or bool(_CHROME_LABEL.match(text))


_PUBLISHER = re.compile(r"(?:发布机构|发文机关|来源)\s*[\]】]?\s*[:：|]\s*(?P<name>[^\s|]+)")
_TITLE_LABEL = re.compile(r"^标题\s*[|:：]\s*")
_ATTACHMENT = re.compile(r"^(?:第[一二三四五六七八九十]+部分\s*)?附件\s*\d*\s*[:：.]?$")
_NUMBERING = re.compile(r"^\d{1,2}、")
_FILE_SUFFIX = re.compile(r"\.(?:docx?|pdf|xlsx?|wps)\b")
# A form label that ends a run-together title: "…自评表(2021年)项目名称初中公用经费…".
_FORM_LABEL = re.compile(rf"{RUN_TOGETHER_NEXT}|评价部门名称|单位名称")
# Sentences, table rows and score rows are no title: "…详见部门决算公开表。", "预算编制(10 分)".
_SENTENCE = re.compile(r"(?=[。,;%\d])(?:[。,;%]|\d\.\d|\d\s*分\s*\))")
# A heading that names the document's kind ends like one: "…情况说明", "…预算情况:".
_HEADING = re.compile(
    r"(?m)^[ \t|#*\-—=·•\[\]【】\u3000]*([^\n]{2,38}(?:说明|情况|报告|公开)[:：]?)\s*$"
)
# The year on its own line after a title: "（2021年度）", "2019年度)".
_YEAR_LINE = re.compile(r"[(]?(?:19|20)\d{2}\s*年?度?[)]?")
_DECORATION = " \t|#*-—=·•[]【】\u3000\r"
_LINE = re.compile(rf"(?m)^[{re.escape(_DECORATION)}]*([^\n]*[^{re.escape(_DECORATION)}\n])")
# What a title says around the unit's name: its wrapping, the kind's leftovers, 盖章 and 本级.
_NAME_SUFFIXES = (
    "部门", "单位", "整体", "支出", "本级", "财政拨款", "绩效", "评价", "自评", "项目", "预算", "决算",
    "及所属单位", "盖章", "公章", "的", "关于", "年度", "年", "(", "()",
)  # fmt: skip
_NAME_PREFIXES = ("关于", "情况", "说明", "公开", "编制", "报告", "的", "表", "年度", ")", "()")
# Around a name: spaces, cell bars, brackets and punctuation; never "=" or "-", which a name may
# start with (a name that would run as a spreadsheet formula is the export's to defuse).
_STRIP = " \t|·•[]【】\u3000\r:：、,《》" + _QUOTE
_WRAPPING = re.compile(r"\((?:汇总|本级|盖章|公章|修改)\)")


@dataclass(frozen=True)
class Identity:
    """The document's department, year and kind, with where each came from."""

    department: str | None = None
    year: int | None = None
    kind: DocumentKind | None = None
    department_source: Source | None = None
    kind_source: Source | None = None
    # "title" or "field" (read), "text" (a guess from the first lines, the signature or the site's
    # 发布机构, which the user confirms), "" (not found). The same for the year.
    department_from: str = ""
    year_from: str = ""


def document_kind(title: str) -> DocumentKind | None:
    """The kind a title names, or None.

    >>> document_kind("关于天心区交通运输局2020年度整体支出绩效自评情况的报告")
    'self_evaluation_report'
    >>> document_kind("2021年度“三公”经费支出决算情况说明")
    'three_public'
    >>> document_kind("梧州市第三中学2023年单位预算及“三公”经费预算情况说明")
    'budget'
    """
    return _kind(_clean(title))


@lru_cache(maxsize=32)  # a document asks about its title line more than once
def _kind(clean: str) -> DocumentKind | None:
    rules = [match.lastindex or 0 for match in _ANY_KIND.finditer(clean)]
    return KIND_RULES[min(rules) - 1][0] if rules else None


def identify(original: str, fields: list[Field] | None = None) -> Identity:
    """Department, year and kind from the title (which may wrap over two lines), the form's
    fields, the first lines and the signature; each with where it was read."""
    head = normalise(original[:1500])  # length-preserving: offsets hold in the original
    lines = _lines(head, 16)
    at = _title(head, lines)
    kind: DocumentKind | None = None
    kind_source = None
    title = _TitleParts()
    if at is not None:
        start, end = at
        kind_source = Source(original[start:end], start, end, start, end)
        title = _title_parts(head, start, end)
        kind = title.kind
    else:
        heading = _heading(head)
        if heading is not None:
            start, end = heading
            kind = _kind(_squash(head[start:end]))
            kind_source = Source(original[start:end], start, end, start, end)
    units = _fields(head, lines[:6], fields or [])
    if kind == "self_evaluation_form" and units.get("project") and not title.says_whole:
        kind = "project_evaluation"  # "暖通改造经费 绩效自评表" with a 项目名称 field
    year, year_from = _year(head, lines, at, title, kind)
    department, department_source, department_from = _department(
        original, head, lines, at, title, units, kind
    )
    return Identity(
        department, year, kind, department_source, kind_source, department_from, year_from
    )


# --- lines and the title -------------------------------------------------------------------------


def _lines(head: str, count: int) -> list[tuple[int, int]]:
    """The spans of the first non-empty lines, without decoration (" |", "#", "【", spaces)."""
    lines: list[tuple[int, int]] = []
    for line in _LINE.finditer(head):
        lines.append(line.span(1))
        if len(lines) == count:
            break
    return lines


def _clean(text: str) -> str:
    """A title's text without spaces, full-width forms or Chinese year digits (二〇二一)."""
    return _squash(normalise(text))


def _squash(text: str) -> str:
    """A normalised text without spaces or Chinese year digits."""
    title = "".join(text.split())
    if "〇" in title or "零" in title or "○" in title or "一九" in title:
        return _CHINESE_YEAR.sub(lambda m: m.group().translate(_CHINESE_DIGITS), title)
    return title


def _candidate(head: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """The part of a line that can be a title: after a 标题 label, before the form a run-together
    line goes on with; None for chrome, sentences and table rows."""
    start, end = span
    text = head[start:end]
    if _chrome(text):
        return None
    label = _TITLE_LABEL.match(text)
    if label:
        start += label.end()
        text = text[label.end() :].split("|")[0].rstrip(_DECORATION)
        end = start + len(text)
    match = _ANY_KIND.search(text) if len(text) > 40 else None
    if match:
        # "1、XX项目支出绩效自评表(2021年)项目名称…": the title stops where the form begins.
        form = _FORM_LABEL.search(text, match.end())
        cut = form.start() if form else min(len(text), match.end() + 12)
        end = start + cut
        text = text[:cut]
    if len(text) > 80 or _SENTENCE.search(text):
        return None
    return start, end


def _title(head: str, lines: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The title: the first opening line that names a kind of document (or does once joined with
    the next: "…部门整体支出绩" / "效自评报告"), with the line before it when that holds the unit or
    the year ("临江县档案馆" / "2021年度部门整体支出绩效自评报告") and the line after it when that is
    the year, or the unit with the year ("部门决算情况说明" / "重庆市垫江县信访办公室　2021年度"). An
    attachment announced after it ("第四部分 附件", then its title) is the document."""
    found = _first_title(head, lines, 0, 12)
    if found is None:
        return None
    index, (start, end), last = found
    # The page's own title, then "附件" and the title of the document the page carries.
    for following in range(last + 1, min(last + 3, len(lines) - 1)):
        text = head[slice(*lines[following])]
        if _ATTACHMENT.match(text):
            attached = _first_title(head, lines, following + 1, following + 2)
            if attached is not None:
                index, (start, end), last = attached
            break
        if not _chrome(text):
            break
    if index > 0:
        lo, hi = lines[index - 1]
        previous = head[lo:hi]
        if (
            _candidate(head, (lo, hi)) is not None
            and not _ANY_KIND.search(_squash(previous))
            and not _ATTACHMENT.match(previous)
            and end - lo <= 80
            and (_fiscal_year(_squash(previous)) or _unit_line(previous))
        ):
            start = lo
    if last + 1 < len(lines) and not _YEAR.search(head[start:end]):
        lo, hi = lines[last + 1]
        line = _squash(head[lo:hi])
        if _YEAR_LINE.fullmatch(line) or (
            len(line) <= 40
            and not _ANY_KIND.search(line)
            and (year := _YEAR.search(line))
            and _unit_line(line[: year.start()] + line[year.end() :])
        ):
            end = hi
    return start, end


def _first_title(
    head: str, lines: list[tuple[int, int]], first: int, last: int
) -> tuple[int, tuple[int, int], int] | None:
    """(index, span, index of its last line) of the first title among lines[first:last]."""
    for index in range(first, min(last, len(lines))):
        start, end = lines[index]
        if _ANY_KIND.search(_squash(head[start:end])):
            span = _candidate(head, (start, end))
            if span is not None and _kind(_squash(head[slice(*span)])):
                return index, span, index
        if index + 1 < len(lines) and len(_squash(head[start:end])) <= 40:
            # Neither half names a kind, the two do: "…部门整体支出绩" / "效自评报告".
            after = lines[index + 1][1]
            joined = _candidate(head, (start, after)) if _kind(_squash(head[start:after])) else None
            if (
                joined
                and "\n" in head[slice(*joined)]
                and not _ATTACHMENT.match(head[start:end])
                and not _kind(_squash(head[slice(*lines[index + 1])]))
            ):
                return index, joined, index + 1
    return None


def _heading(head: str) -> tuple[int, int] | None:
    """A heading that names the kind, in a document that starts without a title (an excerpt:
    "六、一般公共预算基本支出情况说明", "一、财政拨款安排的行政经费及“三公”经费预算情况:")."""
    for heading in _HEADING.finditer(head):
        span = _candidate(head, heading.span(1))
        if span and _kind(_squash(head[slice(*span)])):
            return span
    return None


def _unit_line(text: str) -> bool:
    return _looks_like_unit(_unit_text(text))


def _unit_text(text: str) -> str:
    return _UNIT_CODE.sub("", _squash(text)).strip(_STRIP)


def _looks_like_unit(name: str) -> bool:
    return (
        2 <= len(name) <= 40
        and name.endswith(_UNIT_ENDS)
        and bool(_NAME_CHARS.fullmatch(name))
        and not _NOT_A_NAME.match(name)
        and not _FOUR_DIGITS.search(name)
    )


# --- the title's parts -------------------------------------------------------------------------


@dataclass(frozen=True)
class _TitleParts:
    kind: DocumentKind | None = None
    year: int | None = None
    name: str | None = None
    name_span: tuple[int, int] | None = None
    area: bool = False  # the name is a place alone ("施甸县")
    says_whole: bool = False  # the title speaks of 部门 / 单位 / 整体 (a template for any unit)


def _title_parts(head: str, start: int, end: int) -> _TitleParts:
    """Kind, year and unit of a title."""
    text = _squash(head[start:end])
    text = _FILE_SUFFIX.sub("", _NUMBERING.sub("", text))
    kind = _kind(text)
    year, name = _split_title(text)
    says_whole = "部门" in text or "单位" in text or "整体" in text
    area = bool(name and _AREA.fullmatch(name))
    if area and says_whole:
        name = None  # "岳阳县2017年度部门“三公”经费预算情况表"
    span = None
    if name:
        at = head.find(name, start, end)
        span = (at, at + len(name)) if at >= 0 else (start, end)
    return _TitleParts(kind, year, name, span, area and name is not None, says_whole)


def _split_title(text: str) -> tuple[int | None, str | None]:
    """(year, department) from a cleaned title; either may be None.

    >>> _split_title("2023年度青神县发展和改革局部门整体支出绩效自评报告")
    (2023, '青神县发展和改革局')
    >>> _split_title("411001-长沙市天心区交通运输局2021年度部门决算情况说明")
    (2021, '长沙市天心区交通运输局')
    >>> _split_title("部门整体支出绩效自评表(2021年度)")
    (2021, None)
    >>> _split_title("大英文学艺术界联合会关于财政拨款“三公”经费2015年决算的情况说明")
    (2015, '大英文学艺术界联合会')
    """
    year_match = _fiscal_year(text)
    year = int(year_match[1]) if year_match else None
    kind = _ANY_KIND.search(text)
    cut = kind.start() if kind else len(text)
    head, tail = text[:cut], text[kind.end() :] if kind else ""
    if year_match and year_match.start() < cut:
        before, after = head[: year_match.start()], head[year_match.end() :]
        before = _name_part(before)
        # The name stands before the year ("XX局2021年度…") or after it ("2020年度XX局…").
        head = before if _looks_like_unit(before) or _AREA.fullmatch(before) else after
    name = _name_part(head)
    if not name:
        # "部门决算情况说明重庆市垫江县信访办公室2021年度": the unit after the kind.
        if year_match and year_match.start() >= cut:
            tail = tail.replace(year_match.group(), "")
        name = _name_part(_PARENTHESES.sub("", tail))
    ok = _looks_like_unit(name) or bool(_AREA.fullmatch(name))
    return year, (name if ok else None)


def _name_part(text: str) -> str:
    """A title fragment without the title's wrapping around the unit's name."""
    if "关于" in text:
        before, _, after = text.partition("关于")
        text = before or after  # "XX局关于…", "关于XX局…"
    text = _UNIT_CODE.sub("", _WRAPPING.sub("", text).strip(_STRIP))
    while text.endswith(_NAME_SUFFIXES) or text.startswith(_NAME_PREFIXES):
        for suffix in _NAME_SUFFIXES:
            if text.endswith(suffix):
                text = text[: -len(suffix)].rstrip(_STRIP)
        for prefix in _NAME_PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :].lstrip(_STRIP)
    return text


def _fiscal_year(text: str) -> re.Match[str] | None:
    """The year a title reports on: 2021年度 before a bare 2021年, never a date (2019年06月18日)."""
    best: re.Match[str] | None = None
    for match in _YEAR.finditer(text):
        following = text[match.end() : match.end() + 3]
        if following[:1].isdigit() or _DATE_AFTER_YEAR.match(following):
            continue  # a date
        if best is None or (match.group().endswith("年度") and not best.group().endswith("年度")):
            best = match
    return best


# --- the year ----------------------------------------------------------------------------------

_YEAR_FIELD = re.compile(r"(?:评价年度|所属年度|年度)\s*[:：]\s*((?:19|20)\d{2})")
_STAFF_YEAR = re.compile(r"((?:19|20)\d{2})\s*年实际在职人数")
_COLUMN_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:预算数|决算数)")
_YEAR_OF = re.compile(r"((?:19|20)\d{2})\s*年度")
# A year the body speaks of: "2021年，…", "2023 年本年…"; not a date, not a comparison (较2014年).
_BODY_YEAR = re.compile(
    r"(?=[12])(?<![\d较比与同上于至截])((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)"
)


def _year(
    head: str,
    lines: list[tuple[int, int]],
    at: tuple[int, int] | None,
    title: _TitleParts,
    kind: DocumentKind | None,
) -> tuple[int | None, str]:
    """The fiscal year and where it was read: the title's, a form's 评价年度 or its columns
    (2021年实际在职人数 / 2021年决算数), a 2021年度 near the title, else the year the first lines
    speak of most."""
    if title.year is not None:
        return title.year, "title"
    opening = [head[s:e] for s, e in lines if not _chrome(head[s:e])]
    for text in opening:
        if "年度" in text and (found := _YEAR_FIELD.search(text)):
            return int(found[1]), "field"
    if "实际在职人数" in head and (found := _STAFF_YEAR.search(head, 0, 1200)):
        return int(found[1]), "field"
    if kind == "basic_data_form":
        years = [int(y) for y in _COLUMN_YEAR.findall(head, 0, 1200)]
        if years:
            return max(years), "field"  # 上年决算数 / 本年预算数 / 本年决算数
    for text in opening[:8]:
        if "年度" in text and (found := _YEAR_OF.search(text)):
            return int(found[1]), "text"
    body = head[: 1500 if at is None else max(1500, at[1] + 1000)]
    counts = Counter(int(y) for y in _BODY_YEAR.findall(body))
    if counts:
        return counts.most_common(1)[0][0], "text"  # ties: the first named
    return None, ""


# --- the department ----------------------------------------------------------------------------

_MONEY_UNIT = re.compile(r"(?:人民币)?(?:亿元|万元|元|人|个)")
_AMOUNT_UNIT = re.compile(r"\s*(?:金额)?单位\s*[:：].*$")
_SEAL = re.compile(r"(?:\([盖公]章\)|\(汇总\)|\(本级\)|本级|盖章)$")
_BARE_LABEL = re.compile(r"^(?:单位|部门)\s*[:：]?$")
_RUN_FIELD = re.compile(
    r"(?P<label>" + "|".join(label for label, _ in RUN_TOGETHER_FIELDS) + r")[:：]?"
    rf"(?P<name>[^\W\d_][\w()]{{1,38}}?(?:{_UNIT_END}))(?={RUN_TOGETHER_NEXT})"
)
_RUN_FIELD_OF = {label.replace("、?", ""): name for label, name in RUN_TOGETHER_FIELDS}
_PREDICATE = re.compile(
    r"是|为|系|负责|承担|属|设|内设|下设|围绕|坚持|主要|项目支出|部门整体支出|本年度|核定|现有|共有"
    r"|实有|成立|位于|始建|认真|紧紧|全面|深入|财政拨款"
)
_LEADING_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?\s*[,:]?\s*")
_DATE_LINE = re.compile(
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
)

_Found = tuple[str, Source, str]


def _fields(
    head: str, lines: list[tuple[int, int]], fields: list[Field]
) -> dict[str, tuple[str, Source]]:
    """The first usable value of each field (implementer, supervisor, unit, project): a form's own
    cells, else a run-together form's labels."""
    found: dict[str, tuple[str, Source]] = {}
    for field in fields:
        if field.name in found:
            if len(found) == 4:
                break
            continue
        if field.name == "project":
            lo, hi = field.value.start, field.value.end
            found["project"] = (field.value.text, Source(head[lo:hi], lo, hi, lo, hi))
            continue
        value = _field_value(field.value.text, bare=bool(_BARE_LABEL.match(field.label.text)))
        if value:
            at = head.find(value, field.value.start, field.value.end + 1)
            lo, hi = (at, at + len(value)) if at >= 0 else (field.value.start, field.value.end)
            sentence = head[field.label.start : field.value.end]
            found[field.name] = (
                value,
                Source(sentence, field.label.start, field.value.end, lo, hi),
            )
    if not (found.keys() & {"implementer", "unit"}):
        # A run-together form is a long line: "…自评表单位名称襄阳市中心医院填报日期…".
        for start, end in lines:
            if end - start < 40:
                continue
            for match in _RUN_FIELD.finditer(head, start, end):
                name = _RUN_FIELD_OF.get(match["label"].replace("、", ""), "unit")
                value = match["name"]
                if name not in found and _looks_like_unit(value):
                    lo, hi = match.span("name")
                    found[name] = (value, Source(match.group(), match.start(), match.end(), lo, hi))
    return found


def _field_value(text: str, bare: bool) -> str | None:
    """A field's unit name, or None: "XX局 单位:万元" is XX局; "单位：万元" is the amounts' unit."""
    value = _AMOUNT_UNIT.sub("", _squash(text))
    value = _SEAL.sub("", _UNIT_CODE.sub("", value).strip(_STRIP)).strip(_STRIP)
    if not value or _MONEY_UNIT.fullmatch(value):
        return None
    if _looks_like_unit(value):
        return value
    # A field that can only hold the unit may name it as the unit writes itself; a bare 单位: may
    # hold anything ("单位：" / "指标说明及").
    if not bare and 2 <= len(value) <= 30 and not _NOT_IN_NAME.search(value):
        return value
    return None


def _department(
    original: str,
    head: str,
    lines: list[tuple[int, int]],
    at: tuple[int, int] | None,
    title: _TitleParts,
    units: dict[str, tuple[str, Source]],
    kind: DocumentKind | None,
) -> _Found | tuple[None, None, str]:
    """The unit, its source and where it was read. On a form the form's own field comes first (a
    项目支出绩效自评表's 实施单位, else its 主管部门); elsewhere the title, then a field."""
    from_title: _Found | None = None
    if title.name and title.name_span and not title.area:
        lo, hi = title.name_span
        start, end = at or (lo, hi)
        from_title = (title.name, Source(original[start:end], start, end, lo, hi), "title")
    field: _Found | None = None
    order = ("implementer", "unit") if kind == "project_evaluation" else ("unit", "implementer")
    for name in order:
        if name in units:
            value, source = units[name]
            field = (value, _in_original(original, source), "field")
            break
    supervisor = None
    if kind == "project_evaluation" and "supervisor" in units:
        value, source = units["supervisor"]
        supervisor = (value, _in_original(original, source), "field")
    ranked = (field, from_title) if kind in _FORMS else (from_title, field)
    found = next((f for f in ranked if f is not None), None) or supervisor
    if found is not None:
        if found is from_title:
            found = _in_full(original, head, lines, at, found, units)
        return found
    if title.area and title.name and title.name_span:
        lo, hi = title.name_span
        start, end = at or (lo, hi)
        return title.name, Source(original[start:end], start, end, lo, hi), "title"
    guess = _guess(original, head, lines, at)
    return guess if guess is not None else (None, None, "")


def _in_original(original: str, source: Source) -> Source:
    start, end = source.sentence_start, source.sentence_end
    return Source(original[start:end], start, end, source.value_start, source.value_end)


def _in_full(
    original: str,
    head: str,
    lines: list[tuple[int, int]],
    at: tuple[int, int] | None,
    found: _Found,
    units: dict[str, tuple[str, Source]],
) -> _Found:
    """The title's name as the form's field writes it in full ("贵州省黔南州平塘县财政局" for
    平塘县财政局), or the first lines when the title left its place out ("北京市朝阳区团结湖街道办事处"
    for 团结湖街道办事处, "大英县文学艺术界联合会" for 大英文学艺术界联合会); a town's government
    ("西畴县西洒镇人民政府" for 文山州西畴县西洒镇). A name that starts with its place ("天心区交通运输局")
    is the title's, whatever the lines add (长沙市): a department named two ways is an alias."""
    name, _, origin = found
    town = _TOWN.search(name)
    government = town and town.group() + ("办事处" if name.endswith("街道") else "人民政府")
    after = at[1] if at else 0
    texts = [
        (s.value_start, original[s.value_start : s.value_end], True)
        for field, (_, s) in units.items()
        if field in ("unit", "implementer")
    ]
    placeless = not _PLACE_START.match(name)
    texts += [(s, head[s:e], placeless) for s, e in lines if s >= after][:5]
    for offset, text, longer in texts:
        full = _fuller(text, name, longer, government or None)
        if full is not None:
            lo, hi = full
            source = Source(text, offset, offset + len(text), offset + lo, offset + hi)
            return text[lo:hi], source, origin
    return found


def _fuller(text: str, name: str, longer: bool, government: str | None) -> tuple[int, int] | None:
    """The span of a fuller spelling of `name` in `text`: (when `longer`) places before it
    (随州市 + 曾都区…) or the place characters it left out (大英 for 大英县); its town's 人民政府."""
    pos = text.find(name) if longer else -1
    if pos >= 0:
        while pos >= 0:
            start = _name_start(text, pos)
            if (
                start < pos
                and _PLACE_CHAIN.fullmatch(text, start, pos)
                and not _NOT_A_NAME.match(text, start)
            ):
                return start, pos + len(name)
            pos = text.find(name, pos + len(name))
    elif longer and len(name) >= 5 and (pos := text.find(name[-3:])) >= 0:
        squeezed = name.translate(_PLACE_CHARS)
        end = pos + 3
        start = _name_start(text, pos)
        if end - start > len(name) and text[start:end].translate(_PLACE_CHARS) == squeezed:
            return start, end
    if government and (pos := text.find(government)) >= 0:
        start = _name_start(text, pos)
        if _PLACE_CHAIN.fullmatch(text, start, pos) and not _NOT_A_NAME.match(text, start):
            return start, pos + len(government)
    return None


def _name_start(text: str, pos: int) -> int:
    """Where the name that reaches `pos` starts: after punctuation, a digit, or 年 / 的 / 在 …
    ("2021年北京市…", "…的北京市…")."""
    start = pos
    while start > 0 and pos - start < 30 and _is_name_char(text[start - 1]):
        start -= 1
    return start


def _is_name_char(char: str) -> bool:
    return (
        char.isalnum() and not char.isdigit() and char not in "年的在对由于是为"
    ) or char in "()"


def _guess(
    original: str, head: str, lines: list[tuple[int, int]], at: tuple[int, int] | None
) -> _Found | None:
    """A unit the text names outside title and fields: on the line after the title ("411001-XX局"),
    in the signature (the unit, then the date), opening a sentence of the first lines ("2021年，
    政协南县委员会项目支出…"), or the site's 发布机构 / 来源."""
    after = at[1] if at else 0
    body = [(s, e) for s, e in lines if s >= after and not _chrome(head[s:e])]
    if at is not None and body:
        start, end = body[0]
        text = _unit_text(head[start:end])
        if _looks_like_unit(text):
            return text, Source(original[start:end], start, end, start, end), "text"
    signature = _signature(original)
    if signature is not None:
        return signature
    for start, end in body[:10]:
        name_at = _opening_unit(head, start, end)
        if name_at is not None:
            return head[slice(*name_at)], Source(original[start:end], start, end, *name_at), "text"
    for start, end in lines:
        line = head[start:end]
        if "来源" not in line and "发布机构" not in line and "发文机关" not in line:
            continue
        publisher = _PUBLISHER.search(head, start, end)
        if publisher and _looks_like_unit(name := _squash(publisher["name"])):
            lo, hi = publisher.span("name")
            return name, Source(original[start:end], start, end, lo, hi), "text"
    return None


def _opening_unit(head: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a unit that opens a line (or follows its year: "2021年，政协南县委员会项目支出…")
    and does something: "…围绕", "…负责", "…项目支出"."""
    if year := _LEADING_YEAR.match(head, start, end):
        start = year.end()
    # Five characters at least: "县财政局是…" names the bureau too shortly to be its name.
    for predicate in _PREDICATE.finditer(head, start + 5, min(end, start + 32)):
        name = head[start : predicate.start()]
        if name.endswith(_UNIT_ENDS) and _looks_like_unit(name):
            return start, predicate.start()
    return None


def _signature(original: str) -> _Found | None:
    """The unit that signs the document: its last lines are the unit's name, then the date."""
    tail_start = max(0, len(original) - 200)
    tail = normalise(original[tail_start:])
    lines = [(s + tail_start, e + tail_start) for s, e in _lines_back(tail)]
    for (start, end), (date_start, date_end) in pairwise(lines):
        if _DATE_LINE.fullmatch(_squash(tail[date_start - tail_start : date_end - tail_start])):
            text = _unit_text(tail[start - tail_start : end - tail_start])
            if _looks_like_unit(text) and len(text) >= 4:
                return text, Source(original[start:end], start, end, start, end), "text"
    return None


def _lines_back(tail: str) -> list[tuple[int, int]]:
    """The spans of the last three non-empty lines of `tail`, in order."""
    return _lines(tail, 64)[-3:]
