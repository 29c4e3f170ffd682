"""“三公”经费: its budget and actual, in the span of a sentence that names it, or in table rows."""

from __future__ import annotations

import re

from etl.extract.forms import Meaning, best
from etl.extract.layout import CLAUSE_END, HAS_AMOUNT, Sentence, sentence_source, with_match
from etl.extract.prose import amount_after, is_comparison, other_year
from etl.extract.wording import THREE_PUBLIC_RE
from etl.model import Figure


def three_public_spans(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans about 三公经费: its enclosing parentheses, or from the keyword to the clause end.

    "公用经费42.97万元(其中三公经费年初预算为9.0万，实际支出为5.26)": the parentheses.
    "…和公务接待费(以下简称"三公"经费)年初预算数为15万元": the parentheses hold no figure, so
    the span runs on to the clause end.
    """
    spans = []
    for match in THREE_PUBLIC_RE.finditer(text, sentence.start, sentence.end):
        clause_end = CLAUSE_END.search(text, match.end(), sentence.end)
        to_clause_end = clause_end.start() if clause_end else sentence.end
        open_at = text.rfind("(", sentence.start, match.start())
        if open_at != -1 and ")" not in text[open_at : match.start()]:
            close_at = text.find(")", match.end(), sentence.end)
            end = close_at + 1 if close_at != -1 else sentence.end
            if HAS_AMOUNT.search(text, open_at, end):
                spans.append((open_at, end))
            else:
                spans.append((open_at, max(end, to_clause_end)))
        else:
            spans.append((match.start(), to_clause_end))
    return spans


_THREE_PUBLIC_WORDINGS = re.compile(
    r"(?P<budget>年初预算数|年初预算|全年预算数|全年预算|预算数|预算安排|预算)"
    r"|(?P<actual>实际支出数|实际支出|决算数|支出数|执行数|实际|支出|决算|开支)"
)
# The three parts, each with its name's tail, so what follows the name is the part's own.
_THREE_PUBLIC_PART = re.compile(
    r"因公出国(?:\(境\))?(?:费用|费|经费)?"
    r"|公务用车(?:购置)?(?:及|和)?(?:运行)?(?:维护)?(?:费用|费|经费)?"
    r"|公务接待(?:费用|费|经费)?"
)
_PART_END = re.compile(r"[、,;。)]")
_DIGIT = re.compile(r"\d")
# Under a heading such as "“三公”经费、会议费和培训费支出情况", a sentence that names no 三公经费
# may name another item: "会议费支出2万元", "机关运行经费支出20万元".
_OTHER_ITEM = re.compile(r"费|资金")
_SUBLIST = re.compile(r"其中")
# A difference from the budget, not the budget: "实际支出超出预算0.26万元", "超预算0.45万元",
# "年中追加预算2万元".
_DIFFERENCE_BEFORE = re.compile(r"(?:超出|超过|超|低于|高于|少于|多于|节约|节省|结余|追加)$")
# "支出总额为4万元": the total's own word between the phase and its amount.
_TOTAL_AFTER = re.compile(r"总额|总数")
# The time a figure is stated for: "2020年“三公”经费支出决算5万元", "上年“三公”经费…，本年支出…".
_TIME = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年|(?P<prior>上年|去年|上一年|前一年)|(?P<this>本年|当年|今年)"
)
_TIME_REACH = 20  # how far before the name, in its clause, a time still dates it
# "财政拨款安排“三公”经费29万元" (a budget), "使用财政拨款支出“三公”经费4万元" (an actual).
_LEAD_ITEM = (("安排", "budget"), ("支出", "actual"), ("开支", "actual"))
_QUOTES = "\"“”'‘’「」"


def extract_three_public(
    text: str,
    original: str,
    sentences: list[Sentence],
    in_tables: list[Meaning] | None = None,
    year: int | None = None,
    *,
    naming: list[Sentence] | None = None,
) -> list[Figure]:
    """三公经费 budget and actual, read inside the span that names 三公经费, or in table rows.

    Reports often drop the unit on the second number ("年初预算为9.0万，实际支出为5.26"): it
    then takes the unit of the first. Only the first budget and the first actual of a span are
    the totals: what follows 其中 are its parts (公务接待费…). `naming` are the sentences
    naming 三公经费, when the caller has them already (extract_phases masks the same ones).
    """
    figures: list[Figure] = []
    named = with_match(THREE_PUBLIC_RE, text, sentences) if naming is None else naming
    under_heading = [s for s in sentences if s.context == "three_public" and not s.in_table]
    for sentence in sorted(set(named + under_heading)):
        spans = three_public_spans(text, sentence)
        if not spans and sentence.context == "three_public":
            spans = [(sentence.start, sentence.end)]  # under its heading: the parts end it
        for start, end in spans:
            unit_hint: str | None = None
            found: set[str] = set()
            keyword = THREE_PUBLIC_RE.search(text, start, end)
            named_at = keyword.start() if keyword else start
            after_name = keyword.end() if keyword else start
            sublist = _SUBLIST.search(text, after_name, end)
            stop = min(sublist.start() if sublist else end, _parts_start(text, after_name, end))
            name_time = _time_before(
                text,
                max(_clause_start(text, sentence.start, named_at), named_at - _TIME_REACH),
                named_at,
            )
            readings: list[tuple[str, str, int, int]] = []  # item, wording, where, amount from
            lead = _lead_item(text, sentence.start, named_at) if keyword else None
            if lead is not None:
                readings.append((lead[0], lead[1], named_at, _skip_quotes(text, after_name)))
            for match in _THREE_PUBLIC_WORDINGS.finditer(text, start, stop):
                if is_comparison(text, start, match.start(), None):
                    continue
                if _DIFFERENCE_BEFORE.search(text, max(start, match.start() - 2), match.start()):
                    continue
                if keyword is None and _OTHER_ITEM.search(
                    text, _clause_start(text, start, match.start()), match.start()
                ):
                    continue  # under the heading, "机关运行经费支出20万元" is another item's
                total = _TOTAL_AFTER.match(text, match.end(), stop)
                item = "budget" if match["budget"] else "actual"
                where = total.end() if total else match.end()
                readings.append((item, match.group(), match.start(), where))
            for item, wording, at, amount_from in readings:
                if item in found:
                    continue
                time = _time_before(text, _clause_start(text, start, at), at) or name_time
                if time == "prior":
                    continue  # 上年“三公”经费支出决算5万元
                amount = amount_after(text, amount_from, end, unit_hint)
                if amount is None:
                    continue
                unit_hint = "万元" if amount.unit_stated else unit_hint
                found.add(item)
                figure = Figure(
                    section="three_public",
                    item=item,
                    value=amount.value,
                    unit="万元",
                    wording=wording,
                    source=sentence_source(original, sentence, amount.start, amount.end),
                    confidence=1.0 if amount.unit_stated else 0.7,
                )
                elsewhere = (
                    time is not None and year is not None and time not in ("this", str(year))
                )
                figures.append(other_year(figure) if elsewhere else figure)
    # The budget is the 年初预算 (or 预算数) column before a full-year one.
    rank = {"initial": 0, "actual": 0, "adjusted": 1, "": 2}
    for meaning in best((m for m in in_tables or () if m.kind == "three_public"), rank):
        if (read := meaning.figure(original)) is not None:
            figures.append(read)
    return figures


def _parts_start(text: str, start: int, end: int) -> int:
    """Where the parts begin, each with its own figure ("因公出国(境)费支出决算0万元"), else `end`.

    A part named without a figure (a definition: "（因公出国(境)费、公务用车购置及运行维护费和公务
    接待费）") is no list of parts.

    >>> _parts_start("决算中,因公出国(境)费支出决算0万元", 0, 19)
    4
    >>> _parts_start("(因公出国(境)费、公务接待费)预算5万元", 0, 21)
    21
    """
    for part in _THREE_PUBLIC_PART.finditer(text, start, end):
        item_end = _PART_END.search(text, part.end(), end)
        if _DIGIT.search(text, part.end(), item_end.start() if item_end else end):
            return part.start()
    return end


def _time_before(text: str, start: int, pos: int) -> str | None:
    """The last time stated in text[start:pos]: a year ("2020"), "prior" (上年) or "this" (本年).

    >>> _time_before("上年三公经费支出5万元,本年支出4万元", 0, 15)
    'this'
    >>> _time_before("2020年三公经费支出", 0, 9)
    '2020'
    """
    times = list(_TIME.finditer(text, start, pos))
    if not times:
        return None
    last = times[-1]
    return last["year"] or ("prior" if last["prior"] else "this")


def _clause_start(text: str, start: int, pos: int) -> int:
    """Where the comma clause holding `pos` starts, not before `start`."""
    cut = max(text.rfind(",", start, pos), text.rfind(";", start, pos), text.rfind(":", start, pos))
    return cut + 1 if cut != -1 else start


def _lead_item(text: str, start: int, named_at: int) -> tuple[str, str] | None:
    """The item a verb right before the name gives its amount: 安排“三公”经费29万元 is a budget.

    >>> _lead_item("财政拨款安排“三公”经费29万元", 0, 7)
    ('budget', '安排')
    """
    lead = text[max(start, named_at - 4) : named_at].rstrip(_QUOTES + "的")
    return next(((item, word) for word, item in _LEAD_ITEM if lead.endswith(word)), None)


def _skip_quotes(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _QUOTES:
        pos += 1
    return pos
