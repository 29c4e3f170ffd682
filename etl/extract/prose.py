"""Figures in sentences: the amount written after a keyword, and whether the words before it
make it a comparison or another year's figure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from etl.amounts import NUMBER, to_wan
from etl.model import Figure

# Between a keyword and its figure the genre writes 为 / 是 / 共 / 合计 / ： or nothing.
# A short gloss in parentheses may stand there too: "项目支出(专项工作经费支出)2897260元".
FILLER = r"(?:为|是|共|合计|共计|总计|达|了|人民币|金额|安排|:|\s|\([^()。,;]{1,12}\)){0,4}"
# 万 alone abbreviates 万元 ("年初预算为9.0万"), but 9.0万人次 / 2.9万平方米 are counts.
UNIT_AFTER = (
    r"亿元|万元|亿(?![人次户台件个平方米公里吨份辆])|万(?![人次户台件个平方米公里吨份辆])|元"
)
AMOUNT_AFTER = re.compile(
    rf"{FILLER}(?P<number>{NUMBER})[ \t]*(?P<unit>{UNIT_AFTER})?(?![.,]?\d|\s*%|\s*‰)"
)
# A number without a unit is read (with the sentence's unit) only when nothing follows it: never
# "12个" / "3次" / "11.1公里".
_UNITLESS_END = frozenset(",，。;；、)）]】/")
# A figure written after these is a prior-year or comparison number, not this year's:
# "上年实际支出", "比年初预算数增加", "较2020年决算数", "同期支出数".
_COMPARISON_BEFORE = re.compile(
    r"(?:上年|去年|上一年|前一年|同期|同比|较|(?<!占)比(?!例|重))[^,;。:]{0,8}$"
)
_YEAR_BEFORE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?[^,;。:\d]{0,10}$")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    unit_stated: bool
    start: int
    end: int


def amount_after(text: str, pos: int, limit: int, unit_hint: str | None) -> Amount | None:
    """The amount written right after `pos` (before `limit`), in 万元."""
    match = AMOUNT_AFTER.match(text, pos, limit)
    if not match:
        return None
    unit = match["unit"]
    if unit is None:
        following = text[match.end() : limit].lstrip(" ")
        if unit_hint is None or (following and following[0] not in _UNITLESS_END):
            return None
        unit = unit_hint
    return Amount(
        to_wan(match["number"], unit), bool(match["unit"]), match.start("number"), match.end()
    )


def is_comparison(text: str, start: int, pos: int, year: int | None) -> bool:
    """Whether the words before `pos` (from `start`) make the figure a prior-year one."""
    window = text[max(start, pos - 16) : pos]
    return bool(_COMPARISON_BEFORE.search(window)) or year_differs(text, start, pos, year)


def year_differs(text: str, start: int, pos: int, year: int | None) -> bool:
    """Whether a year other than the report's stands right before `pos` (2020年决算数 in 2021)."""
    if year is None:
        return False
    stated = _YEAR_BEFORE.search(text, max(start, pos - 16), pos)
    return stated is not None and int(stated[1]) != year


# A reading under another year's label is kept only when nothing else states that figure.
OTHER_YEAR_NOTE = "所标年份与报告年度不同，仅在报告未另行说明时采用"


def other_year(figure: Figure) -> Figure:
    return replace(figure, confidence=min(figure.confidence, 0.5), note=OTHER_YEAR_NOTE)


def drop_other_years(readings: list[Figure]) -> list[Figure]:
    stated = {(f.section, f.item) for f in readings if f.note != OTHER_YEAR_NOTE}
    return [f for f in readings if f.note != OTHER_YEAR_NOTE or (f.section, f.item) not in stated]
