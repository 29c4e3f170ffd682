"""Projects: name, amount and purpose, from lists in sentences and from table rows."""

from __future__ import annotations

import re
from collections.abc import Iterator

from etl.amounts import NUMBER, to_wan
from etl.extract.layout import Sentence, clauses, strip_span, with_match
from etl.extract.prose import UNIT_AFTER, is_comparison
from etl.extract.tables import PREFERENCE, Table, best_per_row, table_source
from etl.extract.wording import FUND_RE
from etl.model import Project, Source

_PROJECT_WORD = re.compile("项目支出")
_LIST_START = re.compile(
    r"(?:其中|分别是|分别为|具体如下|具体为|主要包括|包括|明细如下|如下|主要用于|主要有"
    r"|主要项目|具体项目|项目明细)\s*[:]"
)
_ITEM_NUMBER = re.compile(r"\s*(?:\d+\s*(?:、|\.(?!\d))|\(\s*\d+\s*\)|[①-⑳])\s*")
# Where one numbered item ends and the next begins inside a line: "…；2、B…".
_NEXT_ITEM = re.compile(r"(?<=[;。\s])(?=\s*(?:\d+\s*(?:、|\.(?!\d))|\(\s*\d+\s*\)|[①-⑳]))")
_NAME_RE = re.compile(
    r"(?P<name>(?:(?:19|20)\d{2}年度?)?[^\d;,:。()]{2,40}?)\s*(?:项目名称)?[:为,]?\s*"
    r"(?=\d|(?:年初|调整|全年|实际|预算|决算|支出|执行))"
)
_ITEM_AMOUNT = re.compile(rf"(?P<number>{NUMBER})\s*(?P<unit>{UNIT_AFTER})(?![%\d])")
_NOT_A_PROJECT = re.compile(
    r"年初预算|调整预算|预算调整|调整后|全年预算|预算数|实际支出|支出数|决算|执行数|合计|总计|共计"
    r"|小计|结转|基本支出|项目支出|人员经费|公用经费|工资福利|三公|公务接待|公务用车|因公出国"
    r"|^其中"
)
_ITEM_PHASE = re.compile(
    r"(?P<initial>年初预算数|年初预算|预算数)|(?P<adjusted>调整后预算数|调整后预算|调整预算数|全年预算数|全年预算|预算调整数)"
    r"|(?P<actual>实际支出数|实际支出|决算数|支出数|执行数)"
)
_PURPOSE_START = re.compile(r"[,、:\s]*")


def extract_projects(
    text: str,
    original: str,
    sentences: list[Sentence],
    tables: list[Table] | None = None,
    year: int | None = None,
) -> list[Project]:
    """Projects with amount (万元) and purpose, in report order.

    Three list shapes: a sentence "其中：A x万元，用途；B y万元，用途" (or "A x万元、B y万元"), numbered
    lines "1、A x万元" / "（1）A：年初预算50万元，实际支出48.6万元，用于…" under the 项目支出
    heading, and table rows under a 项目名称 header. When an item gives several phases, the
    actual spend is its amount.
    """
    projects: list[tuple[int, Project]] = []
    # A list may also follow "项目支出年初预算数…" in a paragraph under a general heading.
    mentioned: dict[int, int] = {}
    for sentence in with_match(_PROJECT_WORD, text, sentences):
        mentioned.setdefault(sentence.paragraph, sentence.start)
    for sentence in sentences:
        if sentence.in_table or not (
            sentence.context == "project"
            or mentioned.get(sentence.paragraph, sentence.start) < sentence.start
        ):
            continue
        body = text[sentence.start : sentence.end]
        list_at = _LIST_START.search(body)
        if list_at:
            start = sentence.start + list_at.end()
            items = list(_list_items(text, start, sentence.end))
        elif _ITEM_NUMBER.match(body):
            items = list(_numbered_items(text, sentence.start, sentence.end))
        else:
            continue
        for i_start, i_end in items:
            project = _read_item(text, original, i_start, i_end, year)
            if project:
                projects.append((i_start, project))
    for table in tables or ():
        for value in best_per_row(v for v in table.values if v.kind == "project"):
            label, purpose = value.label, value.purpose_cell
            assert label is not None
            offset = max(label.text.find(value.key[1]), 0)
            name_start = label.start + offset
            projects.append(
                (
                    value.row.start,
                    Project(
                        name=original[name_start : name_start + len(value.key[1])],
                        amount_wan=value.value,
                        purpose=original[purpose.start : purpose.end] if purpose else "",
                        source=table_source(original, value),
                    ),
                )
            )
    projects.sort(key=lambda p: p[0])
    return [p for _, p in projects]


def _numbered_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for match in _NEXT_ITEM.finditer(text, start + 1, end):
        yield _strip_item(text, pos, match.start())
        pos = match.start()
    yield _strip_item(text, pos, end)


def _strip_item(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = strip_span(text, start, end)
    while end > start and text[end - 1] in ";,":
        end -= 1
    return start, end


def _list_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Items of "A x万元，用途；B y万元" or "A x万元、B y万元、C z万元".

    Clauses split at ；. A clause with several amounts and no phase words is a short list: it
    splits after each amount at 、 or ，.
    """
    for c_start, c_end in clauses(text, Sentence(start, end, 0, None)):
        amounts = list(_ITEM_AMOUNT.finditer(text, c_start, c_end))
        if len(amounts) > 1 and not _ITEM_PHASE.search(text, c_start, c_end):
            pos = c_start
            for amount in amounts[:-1]:
                split = amount.end()
                if split < c_end and text[split] in "、,":
                    yield _strip_item(text, pos, split)
                    pos = split + 1
            yield _strip_item(text, pos, c_end)
        else:
            yield _strip_item(text, c_start, c_end)


def _read_item(text: str, original: str, start: int, end: int, year: int | None) -> Project | None:
    number = _ITEM_NUMBER.match(text, start, end)
    pos = number.end() if number else start
    name_match = _NAME_RE.match(text, pos, end)
    if not name_match:
        return None
    name = name_match["name"].strip()
    # "党建经费项2.8万元": 项 is the report's counter word, not part of the name.
    name = re.sub(r"(?<=[费金])项$", "", name)
    if len(name) < 2 or _NOT_A_PROJECT.search(name) or FUND_RE.search(name):
        return None
    chosen: tuple[int, re.Match[str]] | None = None
    last_end = name_match.end()
    for amount in _ITEM_AMOUNT.finditer(text, name_match.end(), end):
        if is_comparison(text, name_match.end(), amount.start(), year):
            continue
        phase = _ITEM_PHASE.search(text, max(last_end, amount.start() - 12), amount.start())
        preference = PREFERENCE[phase.lastgroup or ""] if phase else 3
        if chosen is None or preference < chosen[0]:
            chosen = (preference, amount)
        last_end = amount.end()
        if not phase:
            break  # "A 16.65万元，用于…": the first plain amount is the item's
    if chosen is None:
        return None
    amount = chosen[1]
    lead = _PURPOSE_START.match(text, last_end, end)
    purpose_start = lead.end() if lead else last_end
    name_start = name_match.start("name") + (
        text.index(name, name_match.start("name")) - name_match.start("name")
    )
    return Project(
        name=original[name_start : name_start + len(name)],
        amount_wan=to_wan(amount["number"], amount["unit"]),
        purpose=original[purpose_start:end].strip(),
        # The list item, not the whole list, is this project's source.
        source=Source(original[start:end], start, end, amount.start("number"), amount.end()),
    )
