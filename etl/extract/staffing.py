"""Staffing: authorized posts (编制) and staff actually employed (实有在职人员), as head counts."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from etl.extract.forms import Meaning
from etl.extract.layout import CLAUSE_END, Sentence, sentence_source, with_match
from etl.extract.prose import is_comparison, other_year, year_differs
from etl.extract.wording import (
    POST_KIND_BEFORE,
    STAFF_BARE,
    STAFF_BARE_AFTER,
    STAFF_BESIDES,
    STAFF_PARTS_OPEN,
    STAFF_RE,
)
from etl.model import Figure

# 编制人数为8人 / 核定编制12名 / 编制总数 15 名 / 核定编制1,126名 / 总编制为249个; never 60人次.
_COUNT_AFTER = re.compile(
    r"(?:为|是|共|有|达|共计|合计|:|\s){0,3}"
    r"(?P<count>\d{1,3}(?:,\d{3})+|\d+)\s*(?P<unit>人|名|个)(?![次员])"
)
# 个 counts posts only where the count ends its clause ("总编制为249个,其中…"), never "12个项目".
_CLAUSE_ENDS = frozenset(",;。、)")
# A part that follows these directly is unqualified ("其中：在职人员10人"), unlike "局机关在职113人".
_LIST_MARKS = frozenset(",;:、(")


class _Reading(NamedTuple):
    figure: Figure
    post_kind: str | None  # 行政 / 事业 … for "行政编制80人": the total only when alone
    start: int  # where the staffing word starts


def extract_staffing(
    text: str,
    original: str,
    sentences: list[Sentence],
    in_tables: list[Meaning] | None = None,
    year: int | None = None,
) -> list[Figure]:
    """Authorized posts (编制) and staff actually employed (实有在职人员), as head counts.

    Parts are never totals, and never added up: what 其中 / 包括 / 含 or a parenthesis lists after a
    total, and posts of two kinds or more (行政编制5人，事业编制3人). Posts of one kind alone
    (事业编制67人) are the department's posts, unless a total is stated too.
    """
    figures: list[Figure] = []
    for meaning in in_tables or ():
        if meaning.kind == "staffing" and (figure := meaning.figure(original)) is not None:
            figures.append(figure)
    readings: list[_Reading] = []
    for sentence in with_match(STAFF_RE, text, sentences):
        readings.extend(_read_sentence(text, original, sentence, year))
    # A total stated anywhere (in a table too) makes the posts of a kind parts of it.
    totals = {f.item for f in figures} | {r.figure.item for r in readings if not r.post_kind}
    post_kinds = {r.post_kind for r in readings if r.post_kind}
    for reading in readings:
        if reading.post_kind and (reading.figure.item in totals or len(post_kinds) > 1):
            continue
        figures.append(reading.figure)
    return figures


def _read_sentence(
    text: str, original: str, sentence: Sentence, year: int | None
) -> list[_Reading]:
    parts = _part_spans(text, sentence)
    found: list[_Reading] = []
    last_post: tuple[str | None, bool] = (None, False)  # the last 编制's kind, and if a part
    for match in STAFF_RE.finditer(text, sentence.start, sentence.end):
        item = "authorized" if match.group().startswith("编制") else "actual"
        start = match.start()
        if match.group() == "在职" and text[start - 2 : start] not in STAFF_BARE_AFTER:
            continue
        if is_comparison(text, sentence.start, start, None):
            continue
        counted = _count(text, sentence, match, item)
        if counted is None:
            continue
        count, confidence = counted
        part_of = next((open_at for open_at, end in parts if open_at < start < end), None)
        post_kind: str | None = None
        if item == "authorized":
            kind = POST_KIND_BEFORE.search(text, max(sentence.start, start - 6), start)
            post_kind = kind.group() if kind else None
            last_post = (post_kind, part_of is not None)
            if part_of is not None or STAFF_BESIDES.search(
                text, max(sentence.start, start - 8), start
            ):
                continue
        elif match.group() in STAFF_BARE and last_post[0]:
            # "行政编制20名，实有18名；事业编制10名，实有9名": the staff of that kind of post.
            if last_post[1]:
                continue
            post_kind = last_post[0]
        elif part_of is not None:
            if not _follows_list_mark(text, sentence.start, start):
                continue  # 局机关在职人员113人: one unit's staff
            owner = next((r for r in reversed(found) if r.start < part_of), None)
            if owner is not None and owner.figure.item == "actual":
                if "在职" in owner.figure.wording or "在编" in owner.figure.wording:
                    continue  # a part of the staff already counted
                # "实有人数11人，其中：在职人员10人，离休人员0人": the total counts retirees.
                found.remove(owner)
        figure = Figure(
            section="staffing",
            item=item,
            value=Decimal(count["count"].replace(",", "")),
            unit="人",
            wording=match.group(),
            source=sentence_source(original, sentence, count.start("count"), count.end("count")),
            confidence=0.8 if post_kind else confidence,
        )
        if year_differs(text, sentence.start, start, year):
            figure = other_year(figure)
        found.append(_Reading(figure, post_kind, start))
    return found


def _count(
    text: str, sentence: Sentence, match: re.Match[str], item: str
) -> tuple[re.Match[str], float] | None:
    """The head count after a staffing word, and how sure the reading is."""
    count = _COUNT_AFTER.match(text, match.end(), sentence.end)
    if count:
        if count["unit"] == "个":
            ends = count.end() == sentence.end or text[count.end()] in _CLAUSE_ENDS
            if item != "authorized" or not ends:
                return None
        return count, 1.0
    # A form's "编制人数 | 46 | 实有人数 | 44" is read by the table reader (tables._counted_pairs).
    return None


def _part_spans(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Where parts are listed: after 其中 / 包括 / 含 to the clause end, inside parentheses."""
    spans = []
    for opener in STAFF_PARTS_OPEN.finditer(text, sentence.start, sentence.end):
        if opener.group() == "(":
            close = text.find(")", opener.end(), sentence.end)
            spans.append((opener.start(), close if close != -1 else sentence.end))
        else:
            clause_end = CLAUSE_END.search(text, opener.end(), sentence.end)
            spans.append((opener.start(), clause_end.start() if clause_end else sentence.end))
    return spans


def _follows_list_mark(text: str, lo: int, pos: int) -> bool:
    """Whether the word at `pos` opens a list item: right after 其中 / 包括 / 含 or a mark.

    >>> _follows_list_mark("其中:在职人员10人", 0, 3), _follows_list_mark("局机关在职113人", 0, 3)
    (True, False)
    """
    at = pos - 1
    while at >= lo and text[at] in " \t":
        at -= 1
    if at < lo:
        return True
    return text[at] in _LIST_MARKS or text[at] == "含" or text[at - 1 : at + 1] in ("其中", "包括")
