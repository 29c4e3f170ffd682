"""Who and when: the document's department and year, from its title and first lines."""

from __future__ import annotations

import re

from etl.amounts import normalise
from etl.extract.layout import strip_span
from etl.model import Source

_TITLE_RE = re.compile(
    r"(?P<before>[^\d]*?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<after>.*?)"
    r"(?:部门|单位)?(?:整体)?(?:支出)?(?:绩效)?(?:自评|自我评价|评价)(?:的)?(?:报告|表)"
)
_UNIT_LINE = re.compile(
    r"(?:填报|报送)?(?:部门|单位)(?:\(单位\))?(?:名称)?(?:\(盖章\))?\s*[:]\s*(?P<name>\S+)"
)
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_TITLE_NOISE = re.compile(r"^(?:关于|[《\"“])|[》\"”]$")


def extract_department_year(original: str) -> tuple[str | None, int | None, Source | None]:
    """Department and year from the title, which may wrap over the first lines.

    "2020年度长沙市天心区交通运输局整体支出绩效自评报告", "XX局2021年度部门整体支出绩效自评报告",
    or a title without the department and a "单位名称：XX局" line below it.
    """
    lines: list[tuple[int, int]] = []
    pos = 0
    while len(lines) < 6 and pos < len(original):
        end = original.find("\n", pos)
        end = len(original) if end == -1 else end
        lo, hi = strip_span(original, pos, end)
        if hi > lo:
            lines.append((lo, hi))
        pos = end + 1
    for count, (_, hi) in enumerate(lines[:4], start=1):
        raw = "".join(original[a:b] for a, b in lines[:count])
        if "报告" not in raw and "表" not in raw:
            continue  # the title has not ended yet
        joined = title_text(raw)
        match = _TITLE_RE.search(joined)
        if match:
            department = _TITLE_NOISE.sub("", (match["after"] or match["before"]).strip()) or None
            start = lines[0][0]
            if department is None:
                for lo, line_end in lines[count:]:
                    unit = _UNIT_LINE.search(normalise(original[lo:line_end]))
                    if unit:
                        department = unit["name"]
                        start, hi = lo, line_end
                        break
            sentence = original[start:hi]
            return department, int(match["year"]), Source(sentence, start, hi, start, hi)
    return None, None, None


def title_text(title: str) -> str:
    title = re.sub(r"\s+", "", normalise(title))
    return _CHINESE_YEAR.sub(lambda m: m.group().translate(_CHINESE_DIGITS), title)
