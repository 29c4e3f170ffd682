"""Every keyword and label the extractor reads, as data: the one vocabulary of the genre.

Phase words (年初预算数 …), government levels (中央 / 省级 …), 三公经费, staffing words, and the
row and column vocabulary of the standard forms. Readers build their patterns from these.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Keyword -> slot item. One alternation, so at each position the longest wording wins
# (调整预算数 before 预算数, 实际支出数 before 支出数).
PHASE_WORDINGS: tuple[tuple[str, str], ...] = (
    ("年初批复预算数", "initial"),
    ("年初批复预算", "initial"),
    ("年初预算数", "initial"),
    ("年初预算", "initial"),
    ("调整后预算数", "adjusted"),
    ("调整后预算", "adjusted"),
    ("调整预算数", "adjusted"),
    ("预算调整数", "adjusted"),
    ("全年预算数", "adjusted"),
    ("全年预算", "adjusted"),
    ("调整为", "adjusted"),  # "年初预算500.00万元，年中调整为515.00万元"
    ("预算数", "initial"),
    ("实际支出数", "actual"),
    ("实际支出", "actual"),
    ("全年执行数", "actual"),
    ("预算执行数", "actual"),
    ("全年支出", "actual"),
    ("决算总支出", "actual"),
    ("支出合计", "actual"),
    ("支出总额", "actual"),
    ("总支出", "actual"),
    ("决算数", "actual"),
    ("执行数", "actual"),
    ("支出数", "actual"),
    ("工资福利支出", "personnel"),
    ("人员经费", "personnel"),
    ("日常公用经费", "public"),
    ("公用经费", "public"),
)
PHASE_OF = dict(PHASE_WORDINGS)
# The department's total spend ("决算总支出1,568.32万元，其中：基本支出…"): never a section's own
# figure, but the phase its split into 基本支出 / 项目支出 takes.
TOTAL_WORDINGS = frozenset({"决算总支出", "支出合计", "支出总额", "总支出"})

# Each alternative starts with a plain character, so the regex engine can skip to candidates.
THREE_PUBLIC_RE = re.compile(
    r"三公[\"“”'‘’「」]?(?:经费)?"
    r"|因公出国\(境\)费[、和及与,]\s*公务用车购置及运行(?:维护)?费[、和及与,]\s*公务接待费"
)


# Government level -> contract key. Single-character levels only count before 财政 (市财政资金),
# so 市区下达 or 辖区 are never read as a level.
LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("中央", "central"),
    ("省级", "provincial"),
    ("省本级", "provincial"),
    ("省(?=财政)", "provincial"),
    ("市级", "city"),
    ("市本级", "city"),
    ("市(?=财政)", "city"),
    ("区县级", "district"),
    (r"县\(市、区\)级", "district"),
    ("区级", "district"),
    ("县级", "district"),
    ("区本级", "district"),
    ("县本级", "district"),
    ("区(?=财政)", "district"),
    ("县(?=财政)", "district"),
    ("本级", "district"),
    ("其他", "other"),
)
# One group, not one per level: seventeen named groups make the scan thirty times slower.
LEVEL_GROUP = "|".join(pattern for pattern, _ in LEVEL_WORDS)
# "市级财政资金" "中央财政补助资金" "省级专项资金" "县级配套资金" "中央财政" "区级资金"
FUND_TAIL = (
    r"(?:财政(?:专项|配套|补助|转移支付)?(?:资金|拨款|投入)?"
    r"|(?:专项|配套|补助|转移支付){0,2}(?:补助资金|资金|拨款|投入|补助))"
)
# "资金来源为中央1,000万元、省级500万元": a level right before its amount needs no 资金.
FUND_RE = re.compile(f"(?P<level>{LEVEL_GROUP})(?:{FUND_TAIL}|(?=[为:]?\\s*\\d))")
FUND_CELL = re.compile(f"(?P<level>{LEVEL_GROUP}){FUND_TAIL}?")

LEVEL_BY_FIRST = {"中": "central", "省": "provincial", "市": "city", "其": "other"}


def level_of(match: re.Match[str]) -> str:
    """The contract key of a matched level: 区级 / 县级 / 县(市、区)级 / 本级 are all district."""
    return LEVEL_BY_FIRST.get(match["level"][0], "district")


# Column header -> kind. Order matters: 预算执行数 is an actual, 调整后预算 an adjusted.
_SKIP_COLUMN = re.compile(
    r"率|%|占|增减|增长|下降|减少|变动|差额|差异|同比|上年|去年|比较|对比|偏差"
)
_COLUMN_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"序号|编号"), "serial", ""),
    (re.compile(r"调整|全年预算|预算调整"), "phase", "adjusted"),
    (re.compile(r"实际支出|决算|执行数|支出数|实际数|实际|完成数"), "phase", "actual"),
    (re.compile(r"年初|预算数|预算$|预算\(|批复"), "phase", "initial"),
    (re.compile(r"编制"), "staff", "authorized"),
    (re.compile(r"实有|在职"), "staff", "actual"),
    (re.compile(r"用途|内容|说明|备注|绩效目标"), "purpose", ""),
    (re.compile(r"名称|项目|科目|来源|级次|类别|单位|类型"), "label", ""),
    (re.compile(r"金额|资金|数额|万元|元|合计"), "amount", ""),
)


@lru_cache(maxsize=4096)
def column_kind(header: str, year: int | None) -> tuple[str, str]:
    """What a column holds, from its header: ("phase", item), ("staff", item), ("amount", "")..."""
    if _SKIP_COLUMN.search(header):
        return "skip", ""
    stated = re.search(r"((?:19|20)\d{2})\s*年", header)
    if stated and year is not None and int(stated[1]) != year:
        return "skip", ""  # "2020年决算数" in a 2021 report: a comparison column
    section = row_kind(header)
    if section[0] in ("section", "basic_part", "three_public", "total"):
        return section  # a transposed table: sections as columns
    if section[0] == "three_public_part":
        return "skip", ""
    for pattern, kind, item in _COLUMN_RULES:
        if pattern.search(header):
            return kind, item
    return "other", ""


_ROW_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+\s*(?:、|\.(?!\d))|[①-⑳])\s*"
)
_ROW_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"三公"), "three_public", "total"),
    (re.compile(r"因公出国|公务用车|公务接待"), "three_public_part", ""),
    (re.compile(r"^基本支出(?:合计|小计)?$"), "section", "basic"),
    (re.compile(r"^项目支出(?:合计|小计)?$"), "section", "project"),
    (re.compile(r"^(?:人员经费|工资福利支出)$"), "basic_part", "personnel"),
    (re.compile(r"^(?:日常)?公用经费$"), "basic_part", "public"),
    (re.compile(r"^(?:合计|总计|小计|总额|支出合计|总支出)$"), "total", ""),
    (re.compile(r"^(?:行政|事业|工勤|参公)(?:编制|人员)"), "staff_part", ""),
    (re.compile(r"^(?:编制人数|编制数|核定编制(?:数|人数)?)$"), "staff", "authorized"),
    (re.compile(r"^(?:实有(?:在职)?人(?:员|数)|在职人(?:员|数))$"), "staff", "actual"),
)


def row_label(label: str) -> str:
    label = _ROW_NUMBERING.sub("", label)
    label = re.sub(r"^其中\s*[:]?\s*", "", label)
    return re.sub(r"\((?:亿元|万元|元|人)\)$", "", label).strip(" :")


@lru_cache(maxsize=4096)
def row_kind(label: str) -> tuple[str, str]:
    """What a row label (or a transposed column header) names: a section, a phase, a level..."""
    clean = row_label(label)
    for pattern, kind, item in _ROW_RULES:
        if pattern.search(clean):
            return kind, item
    phase = PHASE_OF.get(clean)
    if phase in ("initial", "adjusted", "actual"):
        return "phase", phase
    level = FUND_CELL.fullmatch(clean)
    if level:
        return "fund", level_of(level)
    return "name", clean
