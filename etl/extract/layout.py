"""Layout: a text as sentences (with the section their heading puts them in), clauses and
table-row lines; provenance spans of sentences."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from etl.amounts import NUMBER, UNIT
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
    headings: list[tuple[int, int]]  # the headings' spans, in order


SPACES = " \t\u3000\xa0"

# 一、 （一） 1、 1. (1) ① 第一部分 第二章: numbering styles are mixed even inside one report.
HEADING_NUMBER = re.compile(
    r"\s*(?:第[一二三四五六七八九十\d]+(?:部分|章|节)|[一二三四五六七八九十]+\s*[、.]"
    r"|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*(?:、|[.．](?!\d))|\d+(?:\.\d+)+\s*(?=[^\d\s.%])"
    r"|[①-⑳])"
)
HAS_AMOUNT = re.compile(rf"(?:{NUMBER})\s*(?:{UNIT})")
# A head count ("学校现有编制21人", "事业编制3名"): a line stating one is a sentence, not a heading.
HAS_COUNT = re.compile(r"\d\s*[人名](?!次)")
# A bare section name on its own line is a heading too: "基本支出" / "项目支出执行情况".
_BARE_HEADING = re.compile(
    r"[\"“”']?(?:基本支出|项目支出|三公[\"“”']?经费(?:支出)?|[\"“”']三公[\"“”']经费)"
    r"(?:预算)?(?:执行)?(?:情况|明细|分析)?$"
)


# A sentence: a run between 。！？ and line ends, without the spaces around it.
_SENTENCE_SPAN = re.compile(r"[^。!?！？\s](?:[^。!?！？\n]*[^。!?！？\s])?")


def split_sentences(
    text: str, table_lines: set[int] | frozenset[int] = frozenset()
) -> list[Sentence]:
    """Sentences (split at 。！？ and line ends) with the section their heading puts them in.

    Headings are not sentences; they set the context of the sentences after them. A sentence on
    one of `table_lines` (the lines a table was read from) is marked in_table: prose readers
    leave it to the table reader.

    >>> [(s.context, s.in_table) for s in split_sentences("（一）基本支出\\n年初预算数为1万元。")]
    [('basic', False)]
    """
    sentences = Sentences()
    starts: list[int] = []
    headings: list[tuple[int, int]] = []
    context: str | None = None
    paragraph = last = 0
    count = text.count
    # A tuple made as Sentence(...) makes it, without namedtuple's Python-level __new__ call.
    new_sentence, append = tuple.__new__, sentences.append
    for match in _SENTENCE_SPAN.finditer(text):
        start, end = match.span()
        paragraph += count("\n", last, start)  # a sentence never spans a line end
        last = start
        in_table = paragraph in table_lines
        if end - start <= 40 and not in_table and is_heading(match.group()):
            context = heading_context(match.group())
            headings.append((start, end))
            continue
        append(new_sentence(Sentence, (start, end, paragraph, context, in_table)))
        starts.append(start)
    sentences.starts = starts
    sentences.headings = headings
    return sentences


@lru_cache(maxsize=4096)
def is_heading(body: str) -> bool:
    # Headings are short, carry no amount or head count and usually a number: 一、 （一） 1、 (1)
    # 第一部分. "2.学校现有编制21人,现有教职工21人" is short and numbered, but a sentence.
    if body[-1] in ",;:，；：。":
        return False
    number = HEADING_NUMBER.match(body)
    if not (
        number
        or body.endswith("情况")
        or _BARE_HEADING.match(body[number.end() if number else 0 :].strip())
    ):
        return False
    return not HAS_AMOUNT.search(body) and not HAS_COUNT.search(body)


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


def starts_of(sentences: list[Sentence]) -> list[int]:
    """The sentences' start offsets, in order, for bisecting: kept by split_sentences."""
    starts = getattr(sentences, "starts", None)
    if starts is None or len(starts) != len(sentences):
        starts = [s.start for s in sentences]
    return starts


def with_match(pattern: re.Pattern[str], text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The prose sentences holding a match of `pattern`, in order: one pass over the text.

    Most sentences of a report are narrative; finding keyword hits in the whole text first keeps
    the per-sentence work to the few that matter.
    """
    starts = starts_of(sentences)
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
