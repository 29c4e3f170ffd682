"""Layout: a text as sentences (with the section their heading puts them in), clauses and
table-row lines; provenance spans of sentences."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from etl.amounts import NUMBER, UNIT
from etl.extract.wording import column_kind
from etl.model import Source


class Sentence(NamedTuple):
    start: int
    end: int  # exclusive; the sentence's text is text[start:end]
    paragraph: int  # index of the line the sentence sits on
    context: str | None  # "basic" / "project" / "three_public" from the nearest heading, else None
    in_table: bool = False  # the line is a table row: read by the table reader, not as prose


class Sentences(list[Sentence]):
    """The sentences of a text, with their start offsets kept for bisecting (computed once)."""

    starts: list[int]


SPACES = " \t\u3000\xa0"

# 一、 （一） 1、 1. (1) ① 第一部分 第二章: numbering styles are mixed even inside one report.
_HEADING_NUMBER = re.compile(
    r"\s*(?:第[一二三四五六七八九十\d]+(?:部分|章|节)|[一二三四五六七八九十]+\s*[、.]"
    r"|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*(?:、|[.．](?!\d))|\d+(?:\.\d+)+\s*(?=[^\d\s.%])"
    r"|[①-⑳])"
)
HAS_AMOUNT = re.compile(rf"(?:{NUMBER})\s*(?:{UNIT})")
# A bare section name on its own line is a heading too: "基本支出" / "项目支出执行情况".
_BARE_HEADING = re.compile(
    r"[\"“”']?(?:基本支出|项目支出|三公[\"“”']?经费(?:支出)?|[\"“”']三公[\"“”']经费)"
    r"(?:预算)?(?:执行)?(?:情况|明细|分析)?$"
)


# A sentence: a run between 。！？ and line ends, without the spaces around it.
_SENTENCE_SPAN = re.compile(r"[^。!?！？\s](?:[^。!?！？\n]*[^。!?！？\s])?")


CELL_NUMBER = re.compile(rf"[-+]?(?P<number>{NUMBER})\s*(?P<unit>{UNIT}|人|名)?")
CELL_EMPTY = re.compile(r"[-—–/／]*|无|\s*")
CELL_PERCENT = re.compile(rf"[-+]?(?:{NUMBER})\s*[%‰]")


def is_number_cell(text: str) -> bool:
    return bool(CELL_NUMBER.fullmatch(text) or CELL_PERCENT.fullmatch(text))


def is_tab_row(line: str) -> bool:
    """A tab-separated row: two or more cells with text, and not a heading ("一、\t概况")."""
    cells = [cell for cell in line.split("\t") if cell.strip()]
    if len(cells) < 2:
        return False
    joined = "".join(cells)
    return not (len(joined) <= 30 and is_heading(joined))


def looks_like_row(line: str) -> bool:
    """A space-separated table row: a label then only numbers ("基本支出 487.51 801.07")."""
    if " " not in line:
        return False
    tokens = line.split()
    if len(tokens) < 2:
        return False
    numbers = [is_number_cell(t) or bool(CELL_EMPTY.fullmatch(t)) for t in tokens]
    first_number = numbers.index(True) if True in numbers else len(tokens)
    if first_number == len(tokens):
        # A header row: at least two column names and nothing else.
        named = sum(column_kind(t, None)[0] not in ("other", "label") for t in tokens)
        return named >= 2 and len(line) <= 80 and not re.search(r"[,;。]", line)
    label = "".join(tokens[:first_number])
    return (
        all(numbers[first_number:])
        and any(CELL_NUMBER.fullmatch(t) for t in tokens[first_number:])
        and len(label) <= 30
        and not re.search(r"[,;。]", label)
    )


def split_sentences(text: str) -> list[Sentence]:
    """Sentences (split at 。！？ and line ends) with the section their heading puts them in.

    Headings are not sentences; they set the context of the sentences after them. A line of
    tab-separated cells, or a label followed by numbers, is a table row (in_table).

    >>> [(s.context, s.in_table) for s in split_sentences("（一）基本支出\\n年初预算数为1万元。")]
    [('basic', False)]
    """
    table_rows: set[int] = set()
    if " " in text or "\t" in text:
        for index, line in enumerate(text.split("\n")):
            if " " in line or "\t" in line:
                row = line.strip(SPACES)
                if row and (is_tab_row(row) if "\t" in row else looks_like_row(row)):
                    table_rows.add(index)
    sentences = Sentences()
    starts: list[int] = []
    context: str | None = None
    paragraph = last = 0
    count = text.count
    for match in _SENTENCE_SPAN.finditer(text):
        start, end = match.span()
        paragraph += count("\n", last, start)  # a sentence never spans a line end
        last = start
        in_table = paragraph in table_rows
        if end - start <= 30 and not in_table and is_heading(match.group()):
            context = heading_context(match.group())
            continue
        sentences.append(Sentence(start, end, paragraph, context, in_table))
        starts.append(start)
    sentences.starts = starts
    return sentences


@lru_cache(maxsize=4096)
def is_heading(body: str) -> bool:
    # Headings are short, carry no amount and usually a number: 一、 （一） 1、 (1) 第一部分.
    if body[-1] in ",;:，；：。":
        return False
    number = _HEADING_NUMBER.match(body)
    if not (
        number
        or body.endswith("情况")
        or _BARE_HEADING.match(body[number.end() if number else 0 :].strip())
    ):
        return False
    return not HAS_AMOUNT.search(body)


def heading_context(body: str) -> str | None:
    if "三公" in body:
        return "three_public"
    if "基本支出" in body:
        return "basic"
    if "项目支出" in body or "项目资金" in body or "项目明细" in body:
        return "project"
    return None


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace at either end.

    >>> strip_span("  基本支出 ", 0, 7)
    (2, 6)
    """
    segment = text[start:end]
    body = segment.lstrip()
    start += len(segment) - len(body)
    return start, start + len(body.rstrip())


def sentence_source(original: str, sentence: Sentence, start: int, end: int) -> Source:
    return Source(original[sentence.start : sentence.end], sentence.start, sentence.end, start, end)


def clauses(text: str, sentence: Sentence) -> Iterator[tuple[int, int]]:
    start = sentence.start
    for match in CLAUSE_END.finditer(text, sentence.start, sentence.end):
        yield start, match.start()
        start = match.end()
    yield start, sentence.end


CLAUSE_END = re.compile(r"[;；]")


def with_match(pattern: re.Pattern[str], text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The prose sentences holding a match of `pattern`, in order: one pass over the text.

    Most sentences of a report are narrative; finding keyword hits in the whole text first keeps
    the per-sentence work to the few that matter.
    """
    starts = getattr(sentences, "starts", None)
    if starts is None or len(starts) != len(sentences):
        starts = [s.start for s in sentences]
    found: list[Sentence] = []
    last = -1
    for match in pattern.finditer(text):
        index = bisect_right(starts, match.start()) - 1
        if index > last and index >= 0:
            sentence = sentences[index]
            if match.start() < sentence.end and not sentence.in_table:
                found.append(sentence)
                last = index
    return found


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans blanked out (same length), in one pass."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append(" " * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
