"""Tables in any flattening: rows and columns rebuilt from the standard forms' own vocabulary.

Web pages and PDFs flatten a form in many ways: one row per line with tabs, pipes or spaces
between cells, one cell per line (`年初预算数 |`), cells with empty neighbours dropped, OCR text
whose cells run together (`年度资金总额238.93251.89251.89100.00%`). Whatever the flattening, a
form has a header of known column words (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 …) and
rows named by known labels (年度资金总额, 其中：财政资金, 基本支出, 三公经费 …), so the reader works on
the stream of cells rather than on lines:

1. every line is cut into cells (tabs, pipes, runs of spaces, a label glued to its numbers);
2. a header is a run of two or more column words; the cells after it are rows: a label, then
   its value cells (numbers, percentages, empty markers) until the next label;
3. a row with one value per column is read by position; a row with fewer (empty cells dropped)
   is aligned by what each column can hold (a percentage only in a rate column) and by the form's
   own arithmetic (rate = actual ÷ budget), and a value whose column is not certain is dropped;
4. a run of digits is split only when that arithmetic leaves exactly one split.

Every value keeps its row label, column label and the span of its cell text. Nothing here knows
what a section is: sections.py-style readers turn TableValues into figures.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import combinations
from typing import NamedTuple

from etl.amounts import NUMBER, to_wan
from etl.extract.wording import (
    HEADER_KINDS,
    RUN_TOGETHER_NEXT,
    column_kind,
    field_kind,
    row_kind,
    row_label,
)
from etl.model import Source

# --- cells ------------------------------------------------------------------------------------

CellKind = str  # "text" | "number" | "percent" | "empty"


class Cell(NamedTuple):  # a NamedTuple, not a dataclass: one is made for every line of a report
    """One cell of a flattened table: its text and span, and which line of the text it is on."""

    text: str
    start: int
    end: int
    line: int
    kind: CellKind = "text"
    unit: str | None = None  # a unit written in the cell itself (12.5万元, 3人)
    # A run of digits whose cells ran together: each way to cut it into numbers.
    splits: tuple[tuple[tuple[int, int], ...], ...] = ()

    @property
    def number(self) -> str:
        """The number as written, without unit, sign or percent; "" for other cells."""
        match = _NUMBER_IN_CELL.search(self.text)
        return match["number"] if match and self.kind in ("number", "percent") else ""


_NUMBER_IN_CELL = re.compile(rf"(?P<number>{NUMBER})")
_UNITS = r"亿元|万元|元|人|名|个"
_NUMBER_CELL = re.compile(rf"[-+]?(?:{NUMBER})\s*(?P<unit>{_UNITS})?")
_PERCENT_CELL = re.compile(rf"[-+]?(?:{NUMBER})\s*[%‰]")
_EMPTY_CELL = re.compile(r"[-—–/／\\*×xX]+|无|空|\s*")
# A run of numbers with no separator: digits, dots, commas, percent signs only.
_RUN = re.compile(r"(?:\d|[.,%])+")
# A label glued to the number after it: "年度资金总额238.93" (not "2023年度", "(10分)", "1、").
_GLUED = re.compile(
    rf"(?P<label>.*[^\d\s.,%(（:：、\-—年月日第]|.*[)）])(?P<number>(?:{NUMBER})(?:[\d.,%])*)$"
)
_CELL_SEPARATOR = re.compile(r" {2,}|\u3000+|\t")
# Numbers printed into one another ("12,350.0015,000.00"), as OCR text of a form has them.
_RAN_TOGETHER = re.compile(r"\d\.\d\d\d")
# Part of every _RAN_TOGETHER match, and starting with a literal the engine skips ahead to:
# six times faster on a sentence's 787.20 than the digit-first pattern.
_THREE_DECIMALS = re.compile(r"\.\d\d\d")


def _is_sentence_line(line: str) -> bool:
    """Whether a line is one cell of words (most lines of a report): no tab, pipe or run of
    spaces between words, and sentence punctuation with no numbers run together, or no digit
    at all (a heading). Plain substring tests first: this runs on every line."""
    if "\t" in line or "|" in line or "\u3000" in line or "  " in line:
        return False
    if "," in line or "。" in line or ";" in line:
        if "(B/A" in line:  # a form's 执行率（B/A）: its cells run together into one line
            return False
        return not ("." in line and _THREE_DECIMALS.search(line) and _RAN_TOGETHER.search(line))
    return " " not in line and not _DIGIT.search(line)


_DIGIT = re.compile(r"\d")


# What stands between two cells: a tab, a pipe, two spaces or more, or a line end.
_CELL_GAP = re.compile(r"[ \u3000\xa0]*(?:[\t|\n]|[ \u3000\xa0]{2})[ \t|\n\u3000\xa0]*")


def _kind(text: str) -> tuple[CellKind, str | None]:
    if _EMPTY_CELL.fullmatch(text):
        return "empty", None
    if _PERCENT_CELL.fullmatch(text):
        return "percent", None
    match = _NUMBER_CELL.fullmatch(text)
    if match:
        return "number", match["unit"]
    return "text", None


def line_cells(text: str, start: int, end: int, line: int) -> list[Cell]:
    """The cells of one line: split at tabs or pipes (empty cells kept), or at runs of spaces;
    a label is cut from numbers glued to it, and runs of digits get their possible splits.

    >>> [c.text for c in line_cells("基本支出\\t100\\t\\t108", 0, 15, 0)]
    ['基本支出', '100', '', '108']
    >>> [c.text for c in line_cells("| 总额 | 238.93 | 251.89 |", 0, 24, 0)]
    ['总额', '238.93', '251.89']
    >>> [(c.text, c.kind) for c in line_cells("年度资金总额238.93", 0, 12, 0)]
    [('年度资金总额', 'text'), ('238.93', 'number')]
    """
    # Headings and a form's header lines recur from report to report: a line's cells are cut
    # once, at offset 0, and moved to where the line stands. The cache keeps 1,024 bodies (a
    # genre's headings are a few dozen; a table row's body is long and rarely repeats).
    return [
        Cell(c.text, c.start + start, c.end + start, line, c.kind, c.unit, c.splits)
        for c in _body_cells(text[start:end])
    ]


@lru_cache(maxsize=1024)
def _body_cells(body: str) -> tuple[Cell, ...]:
    parts: list[tuple[int, int]] = []
    if "\t" in body:
        parts = _split_at(body, "\t")
    elif "|" in body:
        parts = _split_at(body, "|")
        # "| a | b |" and "a |": the empty parts outside the outer pipes are not cells.
        if len(parts) > 1 and not body[parts[0][0] : parts[0][1]].strip():
            parts = parts[1:]
        if len(parts) > 1 and not body[parts[-1][0] : parts[-1][1]].strip():
            parts = parts[:-1]
    else:
        # Spaces align the cells; the ones a line starts with only indent it.
        pos = len(body) - len(body.lstrip(" \u3000\xa0"))
        for match in _CELL_SEPARATOR.finditer(body, pos):
            parts.append((pos, match.start()))
            pos = match.end()
        parts.append((pos, len(body)))
    cells: list[Cell] = []
    for lo, hi in parts:
        segment = body[lo:hi]
        stripped = segment.strip(" \u3000\xa0")
        offset = lo + (len(segment) - len(segment.lstrip(" \u3000\xa0")))
        cells.extend(_cut(stripped, offset, 0))
    return tuple(cells)


def _split_at(body: str, separator: str) -> list[tuple[int, int]]:
    parts, pos = [], 0
    for index, char in enumerate(body):
        if char == separator:
            parts.append((pos, index))
            pos = index + 1
    parts.append((pos, len(body)))
    return parts


def _cut(segment: str, offset: int, line: int) -> Iterator[Cell]:
    """One separated segment as cells: "基本支出 100 110" (single spaces) or a glued label."""
    if not segment:
        yield Cell("", offset, offset, line, "empty")
        return
    kind, unit = _kind(segment)
    if kind != "text":
        yield Cell(segment, offset, offset + len(segment), line, kind, unit)
        return
    tokens = list(re.finditer(r"\S+", segment))
    if (
        sum(
            _kind(t.group())[0] == "text" and _is_column_word(Cell(t.group(), 0, 0, 0))
            for t in tokens
        )
        >= 2
    ):
        # "项目 年初预算数 调整预算数 实际支出数": a header with single spaces.
        for token in tokens:
            yield from _cut(token.group(), offset + token.start(), line)
        return
    if len(tokens) > 1 and any(_kind(t.group())[0] != "text" for t in tokens):
        # "其中： 人员经费 758.01 20.5%": the words before the first number are one label.
        label_end = 0
        for token in tokens:
            if _kind(token.group())[0] != "text" and not _glued_number(token.group()):
                break
            label_end = token.end()
        if label_end:
            yield from _cut_glued(segment[:label_end], offset, line)
        for token in tokens:
            if token.start() >= label_end:
                yield from _cut(token.group(), offset + token.start(), line)
        return
    yield from _cut_glued(segment, offset, line)


def _glued_number(token: str) -> bool:
    return bool(_GLUED.fullmatch(token))


def _cut_glued(segment: str, offset: int, line: int) -> Iterator[Cell]:
    if _form_like(segment):
        yield from _unglue(segment, offset, line)
        return
    glued = _GLUED.fullmatch(segment) if segment[-1:].isdigit() or segment[-1:] == "%" else None
    if glued and len(glued["label"]) <= 30 and not re.search(r"[。;；]", glued["label"]):
        label = glued["label"].rstrip(" :：")
        yield Cell(label, offset, offset + len(label), line)
        number_at = glued.start("number")
        yield from _number_run(glued["number"], offset + number_at, line)
        return
    if _RUN.fullmatch(segment):
        yield from _number_run(segment, offset, line)
        return
    yield Cell(segment, offset, offset + len(segment), line)


# OCR text of a form runs its cells together: "财政供养人员情况编制数2021年实际在职人数控制率",
# "三公经费12,350.0015,000.0011,826.501、公务用车购置和维护经费8,600.00…". A number in it is a
# run of digits that does not belong to a label: not a year (2021年), a list number (1、 2.), a
# score (10分) or a count (30000人次).
_DIGIT_RUN = re.compile(r"(?<![\d,.])\d[\d,.]*%?")
_LABEL_AFTER = frozenset("年月日个人名项次户分元万亿件台辆")  # 2021年, 10分, 30000人次
_LABEL_STARTS = frozenset({"项目", "人员", "个人", "年度", "年初", "分值"})  # …3,680.00项目支出
# The header words a glued header is cut into: 编制数, 2021年实际在职人数, 年初预算数（A）…
_HEADER_WORD = re.compile(
    r"(?:(?:19|20)\d{2}年度?|本年|上年)?"
    r"(?:年初预算数|年初预算|全年预算数|全年预算|调整后预算数|调整预算数|全年执行数|预算执行数|执行数"
    r"|实际支出数|实际支出|决算数|预算数|分值|权重|预算执行率|执行率|控制率|得分|编制数|编制人数"
    r"|实际在职人数|实有人数|在职人数)(?:\([A-Z/]{1,5}[)1]|\(\d+分\*执行率\))?"
)
_GLUED_HEADERS = re.compile(rf"(?:{_HEADER_WORD.pattern})\s?(?:{_HEADER_WORD.pattern})")
_UNIT_AMOUNT = re.compile(r"\d\s*(?:万元|亿元|元)")
_SENTENCE_MARK = re.compile(r"[。，,;；]")


def _form_like(segment: str) -> bool:
    """Whether a segment is a form's cells run together rather than a sentence: numbers that
    ran into one another, or several header words with no amount-with-unit and no sentence
    punctuation between them."""
    if any(len(tuple(_uniform(run, 2) or ())) > 1 for _, run in _glued_numbers(segment)):
        return True
    if "(B/A" in segment and _GLUED_HEADERS.search(segment):
        return (
            True  # "预算数(A)执行数(B)执行率(B/A)": header cells glued, whatever else the line says
        )
    return (
        len(_HEADER_WORD.findall(segment)) >= 2
        and not _UNIT_AMOUNT.search(segment)
        and not _SENTENCE_MARK.search(segment)
    )


def _unglue(segment: str, offset: int, line: int) -> Iterator[Cell]:
    """A run-together segment as cells: its numbers apart, and each label cut at header words."""
    pos = 0
    for at, run in _glued_numbers(segment):
        if at > pos:
            yield from _label_cells(segment, pos, at, offset, line)
        yield from _number_run(run, offset + at, line)
        pos = at + len(run)
    if pos < len(segment):
        yield from _label_cells(segment, pos, len(segment), offset, line)


def _glued_numbers(segment: str) -> Iterator[tuple[int, str]]:
    """(offset, run) of each number run in a run-together segment. A run ending in a list
    number ("11,826.501、公务用车…": 1、 opens the next label) gives that number back to the label;
    digits before 年 / 分 / 人次 … are the label's own."""
    # Digits inside a header word are the word's ("得分(20分*执行率)", OCR's "执行率(B/A1").
    in_words = [w.span() for w in _HEADER_WORD.finditer(segment) if any(map(str.isdigit, w[0]))]
    for match in _DIGIT_RUN.finditer(segment):
        run, end = match.group(), match.end()
        if any(a <= match.start() < b for a, b in in_words):
            continue
        if segment[match.start() - 1 : match.start()] == "(" and segment[end : end + 1] == ")":
            continue  # "(2)基本支出": a list number, the label's
        following = segment[end : end + 1]
        if following in _LABEL_AFTER and segment[end : end + 2] not in _LABEL_STARTS:
            continue
        if following in ("、", "．") or run.endswith("."):
            # "…826.501、" / "…826.502.": the digits after the last two decimals number the
            # next label.
            run = run.rstrip(".")
            tail = re.search(r"\.\d{2}(?=\d{1,2}$)", run)
            if tail:
                run = run[: tail.end()]
            elif "." not in run:
                continue  # "1、" alone: a list number
        if run:
            yield match.start(), run


_LIST_NUMBER = re.compile(r"\(\d{1,2}\)")
_GROUP_COLON = re.compile(r"[^\d\s:：(]{2,6}[:：]")


def _label_cells(segment: str, start: int, end: int, offset: int, line: int) -> Iterator[Cell]:
    """Words between numbers: cut before and after each header word it holds."""
    cuts = [start]
    for word in _HEADER_WORD.finditer(segment, start, end):
        cuts += [word.start(), word.end()]
    # A list number opens a row label, a colon closes a group's: "(2)其他资金资金结构:(1)基本支出".
    cuts += [m.start() for m in _LIST_NUMBER.finditer(segment, start, end) if m.start() > start]
    cuts += [m.end() for m in _GROUP_COLON.finditer(segment, start, end) if m.end() < end]
    cuts = [*sorted(cuts), end]
    for a, b in itertools.pairwise(cuts):
        text = segment[a:b].strip(" :：")
        if text:
            at = offset + a + segment[a:b].index(text)
            yield Cell(text, at, at + len(text), line, *_kind(text)[:1])


def _number_run(run: str, offset: int, line: int) -> Iterator[Cell]:
    """A run of digits: one number or percentage, or a run whose cells ran together."""
    kind, unit = _kind(run)
    if kind == "percent" and _WHOLE_RUN.fullmatch(run):
        # "10001000100%": whole amounts and their 执行率 run together, no rate of its own.
        splits = tuple(_whole_splits(run))
        if splits:
            yield Cell(run, offset, offset + len(run), line, "run", splits=splits)
            return
    if kind != "text":
        yield Cell(run, offset, offset + len(run), line, kind, unit)
        return
    splits = tuple(_splits(run))
    if not splits:
        yield Cell(run, offset, offset + len(run), line)  # not numbers after all: a label
        return
    yield Cell(run, offset, offset + len(run), line, "run", splits=splits)


def _splits(run: str) -> Iterator[tuple[tuple[int, int], ...]]:
    """The ways to cut a run into numbers written alike: every number with the same count of
    decimals (forms print 万元 with two), a percent sign ending a rate. Integers run together
    (scores, "1010") cannot be cut without guessing, so a run of them has no split.

    >>> [["238.93251.89100.00%"[a:b] for a, b in s] for s in _splits("238.93251.89100.00%")]
    [['238.93', '251.89', '100.00%']]
    >>> list(_splits("1010"))
    []
    """
    for decimals in (2, 1):
        pieces = _uniform(run, decimals)
        if pieces and len(pieces) > 1:
            yield pieces


# Whole numbers and a whole percentage run together: more digits than any rate has.
_WHOLE_RUN = re.compile(r"\d{5,15}%")


def _whole_splits(run: str) -> Iterator[tuple[tuple[int, int], ...]]:
    """Every way to cut whole amounts and a whole rate run together ("10001000100%") into two or
    three amounts and the rate, no piece with a leading zero: the row's arithmetic (rate = actual
    ÷ budget, 得分 = points × rate) then keeps the one cut it confirms, or none.

    >>> [["10001000100%"[a:b] for a, b in s] for s in _whole_splits("10001000100%")][:2]
    [['1000', '1000', '100%'], ['1000100', '0', '100%']]
    """
    digits = run[:-1]
    for rate_at in range(max(1, len(digits) - 3), len(digits)):
        rate = digits[rate_at:]
        if len(rate) > 1 and rate[0] == "0":
            continue
        amounts = digits[:rate_at]
        for count in (2, 3):
            for cuts in combinations(range(1, len(amounts)), count - 1):
                bounds = list(itertools.pairwise((0, *cuts, len(amounts))))
                if all(amounts[a] != "0" or b - a == 1 for a, b in bounds):
                    yield (*bounds, (rate_at, len(run)))


def _uniform(run: str, decimals: int) -> tuple[tuple[int, int], ...] | None:
    pieces: list[tuple[int, int]] = []
    pos = 0
    while pos < len(run):
        dot = run.find(".", pos)
        if dot == -1:
            if pieces and _WHOLE_RATE.fullmatch(run, pos):
                pieces.append((pos, len(run)))  # "…64.8100%": a whole percentage ends the run
                return tuple(pieces)
            return None
        end = dot + 1 + decimals
        if end > len(run) or not run[dot + 1 : end].isdigit():
            return None
        if end < len(run) and run[end] == "%":
            end += 1
        piece = run[pos:end]
        if not _PIECE.fullmatch(piece):
            return None
        pieces.append((pos, end))
        pos = end
    return tuple(pieces)


_PIECE = re.compile(r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)\.\d{1,2}%?")
_WHOLE_RATE = re.compile(r"[1-9]\d{1,2}%")


# --- columns and headers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a header: what it holds (column_kind) and the cell that names it."""

    kind: str
    item: str
    year: int | None
    cell: Cell
    unit: str | None = None  # 年初预算数（万元）
    points: Decimal = Decimal(100)  # a score column's most: 分值（10分）

    @property
    def holds_values(self) -> bool:
        return self.kind in HEADER_KINDS or self.kind in ("section", "basic_part", "three_public")


_UNIT_NOTE = re.compile(
    r"(?:单位|金额单位|计量单位)\s*[:：]?\s*(亿元|万元|元)|[(（](亿元|万元|元)[)）]"
)
_COLUMN_UNIT = re.compile(r"(亿元|万元|元)")


_POINTS = re.compile(r"(\d+)\s*分")


def _column(cell: Cell) -> Column:
    kind, item, year = column_kind(cell.text)
    unit = _COLUMN_UNIT.search(cell.text)
    points = _POINTS.search(cell.text) if kind == "score" else None
    return Column(
        kind,
        item,
        year,
        cell,
        unit[1] if unit else None,
        Decimal(points[1]) if points else Decimal(100),
    )


# A document's or a table's title is not a column header, though it names 预算 or 支出.
_TITLE_WORD = re.compile(r"报告|[表单]$|表[(（]|说明|公开")


def _is_column_word(cell: Cell) -> bool:
    if cell.kind != "text" or len(cell.text) > 24 or _PROSE.search(cell.text):
        return False
    kind = column_kind(cell.text)[0]
    if kind not in HEADER_KINDS or _TITLE_WORD.search(cell.text):
        return False
    # A phase header ends like one (年初预算数, 2021年决算数, 实际支出, 全年执行数（B）) or is a
    # wrapped fragment of one (年初 / 调整): an indicator's words (经费支出合规性, 严格执行相关制度规定)
    # name no column.
    return kind != "phase" or len(cell.text) <= 3 or bool(_PHASE_HEADER_END.search(cell.text))


_PHASE_HEADER_END = re.compile(
    r"(?:数|预算|支出|决算|执行|金额|额|合计)\s*(?:[(（][^()（）]{0,8}[)）])?$"
)


def _is_label_word(cell: Cell) -> bool:
    return (
        cell.kind == "text"
        and len(cell.text) <= 12
        and column_kind(cell.text)[0]
        in (
            "label",
            "serial",
        )
    )


# --- tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """A row: its label cells (the last names it) and its value cells by column index."""

    labels: tuple[Cell, ...]
    values: dict[int, Cell]
    start: int
    end: int

    @property
    def label(self) -> Cell | None:
        return self.labels[-1] if self.labels else None

    @property
    def lines(self) -> set[int]:
        return {c.line for c in self.labels} | {c.line for c in self.values.values()}

    @property
    def label_text(self) -> str:
        """The label as the form writes it; "其中：" on a line of its own joins the next label."""
        texts = [c.text for c in self.labels]
        if len(texts) > 1 and row_label(texts[-1]) and texts[-2].rstrip(":：") == "其中":
            return texts[-2] + texts[-1]
        return texts[-1] if texts else ""


@dataclass(frozen=True)
class TableValue:
    """One value cell with what names it: its row label, its column and the number it holds."""

    row: TableRow
    column: Column
    cell: Cell
    text: str  # the number as written (a part of the cell for a run-together cell)
    start: int
    end: int
    unit: str | None  # the cell's, the column's or the table's unit; None: never guess

    @property
    def label(self) -> str:
        return self.row.label_text

    def amount_wan(self) -> Decimal | None:
        """The value in 万元, or None when no unit is stated for it anywhere."""
        if self.unit is None or self.unit not in ("元", "万元", "亿元"):
            return None
        return to_wan(self.text.rstrip("%"), self.unit)

    def count(self) -> Decimal | None:
        """The value as a head count (a whole number), or None."""
        if "." in self.text or "%" in self.text:
            return None
        return Decimal(self.text.replace(",", ""))

    def source(self, original: str) -> Source:
        return Source(
            original[self.row.start : self.row.end],
            self.row.start,
            self.row.end,
            self.start,
            self.end,
            row_label=self.label,
            column_label=self.column.cell.text,
        )


@dataclass(frozen=True)
class Field:
    """A form field: 项目名称 / 实施单位 / 单位名称 … and the text after it."""

    name: str  # etl.extract.wording.FIELD_RULES: "project", "implementer", "supervisor", "unit"
    label: Cell
    value: Cell


@dataclass(frozen=True)
class Table:
    header: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    unit: str | None
    context: str  # the words just before the table (its title, 单位：万元 …)
    first_line: int
    last_line: int
    project: Field | None = None  # the 项目名称 of the form the table belongs to
    unit_note: str = ""  # how the unit was found when the document states none (UNIT_CONVENTION)

    def values(self) -> Iterator[TableValue]:
        """Every value cell, with the number it holds, in reading order."""
        for row in self.rows:
            for index, cell in sorted(row.values.items()):
                column = self.header[index]
                yield from _cell_values(row, column, cell, self.unit)


def _cell_values(
    row: TableRow, column: Column, cell: Cell, unit: str | None
) -> Iterator[TableValue]:
    if cell.kind not in ("number", "percent"):
        return
    match = _NUMBER_IN_CELL.search(cell.text)
    if not match:
        return
    text = match["number"] + ("%" if cell.kind == "percent" else "")
    stated = cell.unit or column.unit or unit
    yield TableValue(
        row, column, cell, text, cell.start + match.start(), cell.start + match.end(), stated
    )


@dataclass
class Layout:
    """The text's cells, line by line, with the tables and fields found in them."""

    lines: list[list[Cell]]
    tables: list[Table] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)

    @property
    def table_lines(self) -> set[int]:
        """Lines a table's header or rows were read from: prose readers leave them alone."""
        lines: set[int] = set()
        for table in self.tables:
            lines.update(c.cell.line for c in table.header)
            for row in table.rows:
                lines.update(row.lines)
        return lines


def read_tables(text: str) -> Layout:
    """The tables and form fields of a (normalised) text."""
    lines = _all_line_cells(text)
    layout = Layout(lines)
    stream = [cell for cells in lines for cell in cells]
    layout.fields = list(_fields(stream))
    if not any(cell.kind in _ROW_VALUE_KINDS for cell in stream):
        # Every table row, named value and head count holds a number cell: a report of prose
        # lines only (most of them) holds no table, and the passes looking for one are spared.
        return layout
    position = 0
    while position < len(stream):
        header_at = _find_header(stream, position)
        if header_at is None:
            break
        first, last, line_mode = header_at
        table, position = _read_table(stream, first, last, line_mode, lines, text, layout.fields)
        if table is not None:
            layout.tables.append(table)
    layout.tables.extend(_named_values(lines, layout.table_lines))
    layout.tables = [_unit_from_text(table, text) for table in layout.tables]
    layout.tables.extend(_counted_pairs(lines, layout.table_lines, text))
    return layout


# The kinds of cell a table row needs one of (_Rows.add); only a non-sentence line has them.
_ROW_VALUE_KINDS = frozenset({"number", "percent", "run"})


def _named_values(lines: list[list[Cell]], taken: set[int]) -> Iterator[Table]:
    """A form flattened one cell per line that names each value instead of heading columns:
    "基本支出 / 年初预算 / 262.60 / 实际支出 / 277.77 / 其中：人员经费 / 246.32 / 项目支出 / 年初预算 /
    520.00 / 实际支出 / 516.38 / 其中：A / 380.00 / 378.60". A section opens, each phase word names
    the number after it, a part of 基本支出 names its own, and an item under 项目支出 gives its
    numbers in the order the section named its phases. Each reading is a one-row table."""
    singles = [cells[0] for i, cells in enumerate(lines) if len(cells) == 1 and i not in taken]
    subject: Cell | None = None
    order: list[Column] = []
    index = 0
    while index < len(singles):
        cell = singles[index]
        kind = row_kind(cell.text)[0] if cell.kind == "text" else ""
        if subject is None and kind not in ("section", "three_public"):
            # Only a section opens a reading: the prose lines between forms need no look ahead.
            index += 1
            continue
        following = singles[index + 1 : index + 4]
        numbers = list(itertools.takewhile(lambda c: c.kind == "number", following))
        if kind in ("section", "three_public") and not numbers:
            subject, order = cell, []
        elif subject is not None and cell.kind == "text" and _HEADER_WORD.fullmatch(cell.text):
            column = _column(cell)
            if column.kind == "phase" and len(numbers) == 1:
                order.append(column)
                yield _one_row((subject,), (column,), numbers, cell)
                index += 1
        elif subject is not None and kind == "basic_part" and len(numbers) == 1:
            yield _one_row((cell,), (Column("amount", "", None, cell),), numbers, cell)
            index += 1
        elif subject is not None and kind == "name" and order and len(numbers) == len(order):
            # 项目支出's items, in the order of its 年初预算 / 实际支出.
            if row_kind(subject.text) == ("section", "project"):
                yield _one_row((subject, cell), tuple(order), numbers, cell)
            index += len(numbers)
        elif cell.kind == "text" and kind not in ("name", "fund_type", "basic_part"):
            subject = None if kind in ("total", "indicator") else subject
        index += 1


def _one_row(
    labels: tuple[Cell, ...], columns: tuple[Column, ...], values: list[Cell], at: Cell
) -> Table:
    row = TableRow(labels, dict(enumerate(values)), labels[-1].start, values[-1].end)
    return Table(columns, (row,), None, "", at.line, values[-1].line)


_STATED_AMOUNT = re.compile(rf"(?P<number>{NUMBER})\s*(?P<unit>亿元|万元|元)")


# The unit of a form whose document names no unit at all: read as 万元, and said so.
UNIT_CONVENTION = (
    "表格未注明金额单位，文件中的金额也只用万元：按绩效评价表的格式（两位小数）读作万元"
)
_ANY_UNIT = re.compile(r"亿元|万元|元|万\s*$", re.MULTILINE)


def _unit_from_text(table: Table, text: str) -> Table:
    """A table with no unit note of its own takes the unit the document's sentences give the
    same numbers ("实际支出4,035.17万元" above a table holding 4,035.17).

    A form in a document that names no unit but 万元 anywhere (or none at all), its amounts
    printed with two decimals as the forms print 万元 and none of them a size only 元 could be
    (100,000 or more), is read in 万元 — the forms' own convention (岳阳市部门整体支出绩效评价自评
    报告: 年初预算 262.60 …) — and each figure says so (UNIT_CONVENTION). A document that writes
    元 or 亿元 anywhere gets no such reading; whole numbers with no unit stay unread.
    """
    if table.unit is not None:
        return table
    values = [v for v in table.values() if "%" not in v.text and v.column.kind != "score"]
    decimals = {v.text for v in values if "." in v.text}
    units = {m["unit"] for m in _STATED_AMOUNT.finditer(text) if m["number"] in decimals}
    if len(units) == 1:
        return dataclasses.replace(table, unit=units.pop())
    money = [
        v
        for v in values
        if v.column.kind in ("phase", "amount", "section", "basic_part", "three_public")
    ]
    if (
        money
        and {unit.strip() for unit in _ANY_UNIT.findall(text)} <= {"万元", "万"}
        and all(_TWO_DECIMALS.fullmatch(v.text) for v in money)
        and all(Decimal(v.text.replace(",", "")) < 100000 for v in money)
    ):
        return dataclasses.replace(table, unit="万元", unit_note=UNIT_CONVENTION)
    return table


_TWO_DECIMALS = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}|\d+\.\d{2}")


def _counted_pairs(lines: list[list[Cell]], taken: set[int], text: str) -> Iterator[Table]:
    """Head counts written as a field and its value outside any table: "编制人数 | 32 | 实有人数
    | 30", one cell per line or side by side (a tab, a pipe or two spaces apart: "编制人数 32
    人员经费 100" is words, not cells). Each pair is a one-cell table of its own."""
    stream = [c for index, cells in enumerate(lines) if index not in taken for c in cells]
    for label, value in itertools.pairwise(stream):
        if (
            label.kind != "text"
            or value.kind != "number"
            or not value.text.isdigit()
            or row_kind(label.text)[0] != "staff"
            or not _CELL_GAP.fullmatch(text, label.end, value.start)
        ):
            continue
        column = Column("staff", row_kind(label.text)[1], None, label)
        row = TableRow((label,), {0: value}, label.start, value.end)
        yield Table((column,), (row,), None, "", label.line, value.line)


def _all_line_cells(text: str) -> list[list[Cell]]:
    lines: list[list[Cell]] = []
    heads: list[int] = []  # lines that are one _WORD_HEAD cell: the only ones a join starts at
    pos = 0
    # Cell(...) for a sentence line without namedtuple's Python-level __new__ call (the
    # defaults written out): made for nearly every line of a report.
    new_cell = tuple.__new__
    for index, line in enumerate(text.split("\n")):
        if not line:  # a blank line between paragraphs: about half of a report's lines
            lines.append([])
            pos += 1
            continue
        end = pos + len(line)
        body = line.rstrip("\r")
        stripped = body.strip(" \u3000\xa0")
        if stripped and _is_sentence_line(stripped):
            lo = body.index(stripped[0])
            at = pos + lo
            lines.append(
                [new_cell(Cell, (stripped, at, at + len(stripped), index, "text", None, ()))]
            )
            if stripped in _WORD_HEAD:
                heads.append(index)
        elif body.strip(" \u3000\xa0\t|"):
            cells = line_cells(text, pos, pos + len(body), index)
            lines.append(cells)
            if len(cells) == 1 and cells[0].text in _WORD_HEAD:
                heads.append(index)
        elif "|" in body:  # "|" alone: an empty cell of a form flattened one cell per line
            lines.append([Cell("", pos, pos, index, "empty")])
        else:
            lines.append([])
        pos = end + 1
    _join_wrapped_words(lines, heads)
    return lines


# A header word a narrow cell wrapped in two, one cell per line: "年初" / "预算数", "全年" / "执行数".
_WORD_HEAD = frozenset(
    {"年初", "全年", "调整后", "调整", "年度", "本年", "上年", "实际", "预算", "决算"}
)
_WORD_TAIL = frozenset(
    {"预算数", "预算", "执行数", "支出数", "决算数", "执行率", "支出", "执行", "在职人数", "完成数"}
)


def _join_wrapped_words(lines: list[list[Cell]], heads: list[int]) -> None:
    """Join a header word wrapped over two single-cell lines (blank lines between allowed).

    `heads` are the lines holding one _WORD_HEAD cell, in order: looking only at them spares a
    pass over every line of the report.
    """
    for index in heads:
        cells = lines[index]
        if not cells:
            continue  # the tail of the head word above it, joined to it
        following = index + 1
        while following < len(lines) and following - index <= 3 and not lines[following]:
            following += 1
        if following < len(lines) and len(lines[following]) == 1:
            tail = lines[following][0]
            if tail.text in _WORD_TAIL:
                head = cells[0]
                lines[index] = [Cell(head.text + tail.text, head.start, tail.end, head.line)]
                lines[following] = []


# A cell of prose: a long text, or one with sentence punctuation. It ends any table.
_PROSE = re.compile(r"[。；;]|[,，].*[,，]")


def _is_prose(cell: Cell) -> bool:
    return cell.kind == "text" and (len(cell.text) > 40 or bool(_PROSE.search(cell.text)))


def _find_header(stream: list[Cell], position: int) -> tuple[int, int, bool] | None:
    """The next header at or after `position`: (first, last) cell index and whether its rows
    come one per line.

    A header is two or more column words on one line (the line's other words before them name
    the row-label column; text columns such as 原因 after them belong to it), or, in a form
    flattened one cell per line, two or more column words on consecutive lines.
    """
    index = position
    while index < len(stream):
        cell = stream[index]
        if not _is_column_word(cell):
            index += 1
            continue
        line = cell.line
        start = index
        while start > position and stream[start - 1].line == line:
            start -= 1
        end = index
        while end + 1 < len(stream) and stream[end + 1].line == line:
            end += 1
        on_line = stream[start : end + 1]
        words = [i for i in range(start, end + 1) if _is_column_word(stream[i])]
        if _header_line(on_line):
            first = start
            while first < words[0] and (stream[first].kind != "text" or _is_prose(stream[first])):
                first += 1
            last = words[-1]
            while (
                last < end
                and stream[last + 1].kind in ("text", "empty")
                and (stream[last + 1].kind == "empty" or _column(stream[last + 1]).kind == "text")
            ):
                last += 1
            # Rows one per line when the header is the whole line; a header with its first
            # row after it on the same line (a PDF's text run) is read as a stream.
            return first, last, last == end and len(on_line) >= 2
        run_end = _header_run(stream, index, end)
        if run_end is not None:
            # Header words, then the first row's cells on the same line (a PDF's text run, OCR
            # text run together): the header is the run of words, its rows a stream.
            first = index - 1 if index > start and _is_corner(stream[index - 1]) else index
            return first, run_end, False
        if len(on_line) == 1:
            # One cell per line: two header words only a header holds (年初预算数, 分值 …), not
            # "项目支出 / 年初预算 / 520.00", a field list naming each value.
            last, probe = index, index + 1
            strong = int(_column(cell).kind in _STRONG)
            while probe < len(stream) and stream[probe].line - stream[probe - 1].line <= 4:
                following = stream[probe]
                if (
                    _is_column_word(following)
                    and _column(stream[last]).kind != "text"
                    and not _row_after_columns(stream[index : last + 1], following)
                ):
                    last, strong = probe, strong + int(_column(following).kind in _STRONG)
                elif following.kind == "empty" or (
                    following.kind == "text" and _column(following).kind == "text" and strong > 1
                ):
                    last = probe if following.kind == "text" else last
                else:
                    break
                probe += 1
            if strong >= 2:
                return index, last, False
        index = end + 1
    return None


def _read_table(
    stream: list[Cell],
    first: int,
    last: int,
    line_mode: bool,
    lines: list[list[Cell]],
    text: str,
    fields: list[Field],
) -> tuple[Table | None, int]:
    header_cells = stream[first : last + 1]
    wrapped = 0
    if line_mode:
        header_cells, wrapped = _merge_wrapped(header_cells, stream, last)
    columns = [_column(c) for c in header_cells]
    # The cells before the first column word name the rows: they are not value columns.
    lead = next((i for i, c in enumerate(columns) if c.holds_values), 0)
    if line_mode and lead == 0 and _labels_under_first(stream, last + 1 + wrapped, len(columns)):
        lead = 1  # "年度预算执行（万元） | 年初预算数 | …" over rows named in that first column
    corner, columns = header_cells[:lead], columns[lead:]
    while len(columns) > 1 and not columns[-1].cell.text:
        columns.pop()  # "| |||" after the last header cell: no column there
    serial = any(_column(c).kind == "serial" for c in corner)
    reader = _LineRows(columns, serial, len(corner)) if line_mode else _StreamRows(columns, serial)
    line_start = text.rfind("\n", 0, header_cells[0].start) + 1
    line_end = text.find("\n", header_cells[-1].end)
    header_text = text[line_start : line_end if line_end >= 0 else len(text)]
    if line_mode and "\t" not in header_text and "|" not in header_text:
        reader.place = functools.partial(_display_span, text)  # aligned by spaces: by position
    rows, position, last_line = reader.read(stream, last + 1 + wrapped)
    if not rows:
        return None, last + 1
    header_line = header_cells[0].line
    # The table's title: the two lines above it, from their last sentence on ("…。主要项目如下
    # （单位：万元）："), and the header's own corner cells.
    above = [cells for cells in lines[max(0, header_line - 8) : header_line] if cells][-2:]
    before = [" ".join(c.text for c in cells).rsplit("。", 1)[-1] for cells in above]
    context = " ".join([*before, *(c.text for c in corner)]).strip()
    # The unit may stand over the table, in a header cell, or under the corner label on the
    # first row's line ("项目资金" / "（万元）").
    first_labels = " ".join(c.text for c in rows[0].labels)
    # Run together, the words just before the header hold its unit: "…预算执行情况(万元)(10分)".
    before_header = [c.text for c in stream[max(0, first - 3) : first] if c.line == header_line]
    lead_in = " ".join(before_header)[-24:]
    unit_note = _UNIT_NOTE.search(
        " ".join([context, lead_in, *(c.text for c in header_cells), first_labels])
    )
    unit = (
        (unit_note[1] or unit_note[2]) if unit_note else _unit_in_text(text, header_cells[0].start)
    )
    project = next(
        (
            f
            for f in reversed(fields)
            if f.name == "project" and f.value.start < header_cells[0].start
        ),
        None,
    )
    table = Table(tuple(columns), tuple(rows), unit, context, header_line, last_line, project)
    return table, position


class _Rows:
    """Rows after a header: label cells, then value cells, until the table ends."""

    def __init__(self, columns: list[Column], serial: bool, lead: int = 0) -> None:
        self.columns = columns
        self.serial = serial
        self.lead = lead  # the header's row-label cells before its first value column
        self.text_column = any(c.kind == "text" for c in columns)
        self.rows: list[TableRow] = []
        self.last: tuple[list[Cell], list[Cell], int] | None = None  # the last row's cells
        # Where a cell stands across its line (display columns), for a table aligned by spaces.
        self.place: Callable[[Cell], tuple[int, int]] | None = None

    def _placed(self, cells: list[Cell]) -> dict[int, Cell]:
        """A row with cells left blank in a table aligned by spaces, each value under the one
        column its position overlaps ("一、支出合计 …… 250000" under 2017年预算数, not 2016年执行数);
        {} when positions do not tell, or the row is whole."""
        values = [c for c in cells if c.kind in ("number", "percent")]
        if self.place is None or len(values) != len(cells) or len(values) >= len(self.columns):
            return {}
        spans = [self.place(column.cell) for column in self.columns]
        placed: dict[int, Cell] = {}
        for value in values:
            x0, x1 = self.place(value)
            under = [i for i, (a, b) in enumerate(spans) if x0 < b + 2 and a - 2 < x1]
            if len(under) != 1 or under[0] in placed:
                return {}
            placed[under[0]] = value
        fits = all(_fits(cell, self.columns[i], False) for i, cell in placed.items())
        return placed if fits and _arithmetic(placed, self.columns) is not False else {}

    def add(self, labels: list[Cell], cells: list[Cell]) -> None:
        """A row of `cells` (values, and text cells in text columns) named by `labels`."""
        if not any(c.kind in ("number", "percent", "run") for c in cells):
            return
        while len(cells) > len(self.columns) and cells[-1].kind == "empty":
            cells = cells[:-1]  # "| |||" after the last cell: nothing in them
        start = labels[0].start if labels else cells[0].start
        self.last = (labels, cells, start)
        assigned = self._placed(cells) or _align(cells, self.columns)
        if assigned:
            self.rows.append(TableRow(tuple(labels), assigned, start, cells[-1].end))


class _LineRows(_Rows):
    """The header on one line: every following line is one row (tab, pipe or space rows)."""

    def read(self, stream: list[Cell], position: int) -> tuple[list[TableRow], int, int]:
        pending: list[Cell] = []
        last_line = stream[position - 1].line if position else 0
        while position < len(stream):
            line = stream[position].line
            end = position
            while end < len(stream) and stream[end].line == line:
                end += 1
            cells = stream[position:end]
            if line - last_line > 1:
                break  # an empty line ends the table
            if any(_is_prose(c) for c in cells[:1]) or _header_line(cells) or _holds_header(cells):
                break
            if (
                self.lead
                and cells[0].kind == "empty"
                and len(_without_trailing_empties(cells)) <= self.lead + len(self.columns)
                and any(c.kind in ("number", "percent", "run") for c in cells[self.lead :])
            ):
                # The row-label cells blank or merged (tab, pipe, Word rows): by position.
                labels = [c for c in cells[: self.lead] if c.kind == "text"]
                self.add(labels[-2:] or pending, cells[self.lead :])
                pending = []
                last_line, position = line, end
                continue
            if (
                self.lead
                and len(cells) == self.lead + len(self.columns)
                and cells[0].kind == "text"
                and all(c.kind in ("text", "empty") for c in cells[: self.lead])
                and any(c.kind in ("number", "percent", "run") for c in cells[self.lead :])
            ):
                # One cell under each header cell: "总分 | | | | | | 100 | 98.99".
                labels = [c for c in cells[: self.lead] if c.kind == "text"]
                self.add(labels[-2:], cells[self.lead :])
                pending = []
                last_line, position = line, end
                continue
            numbered = self.serial or (
                len(cells) > 2 and cells[0].kind == "number" and cells[1].kind == "text"
            )
            if numbered and cells[0].kind in ("number", "empty") and "." not in cells[0].text:
                cells = cells[1:]  # the row's 序号
            while cells and cells[0].kind == "empty":
                cells = cells[1:]  # the row-label columns left blank under a merged label
            labels = []
            while (
                cells
                and cells[0].kind in ("text", "empty")
                and (cells[0].kind == "text" or (len(cells) > 1 and cells[1].kind == "text"))
            ):
                cell = cells.pop(0)
                if cell.kind == "text":
                    labels.append(cell)
            if not any(c.kind in ("number", "percent", "run") for c in cells):
                if labels and len(labels) <= 2 and not any(field_kind(c.text) for c in labels):
                    pending = labels  # a label on a line of its own (a PDF's merged cell)
                elif labels:
                    break  # a line of words only: the table is over
                last_line, position = line, end
                continue
            before = _without_trailing_empties(self.last[1]) if self.last else []
            if (
                not labels
                and not pending
                and self.last
                and len(before) + len(_without_trailing_empties(cells)) <= len(self.columns)
            ):
                # A row wrapped onto the next line ("基本支出 | 985.19 | 914.97 |" / "10 | 10 |"):
                # its cells go on where the line before stopped.
                if self.rows and self.rows[-1].start == self.last[2]:
                    self.rows.pop()
                labels, cells = self.last[0], [*before, *cells]
            for group_labels, group in _side_by_side(labels or pending, cells, self.text_column):
                self.add(group_labels, group)
            pending = []
            last_line, position = line, end
        return self.rows, position, last_line


def _side_by_side(
    labels: list[Cell], cells: list[Cell], text_column: bool
) -> Iterator[tuple[list[Cell], list[Cell]]]:
    """A line holding two rows side by side ("其中：一般公共预算 | 4,802.30 | … | 其中：基本支出 |
    1,318.64 | …": a form's 按收入性质分 and 按支出性质分 blocks) as two rows under the same
    columns. Without a words column in the header, words after a row's numbers open the next."""
    start = 0
    for index in range(1, len(cells) - 1):
        cell, following = cells[index], cells[index + 1]
        if (
            not text_column
            and cell.kind == "text"
            and not _is_prose(cell)
            and following.kind in ("number", "percent", "run")
            and any(c.kind in ("number", "percent", "run") for c in cells[start:index])
        ):
            yield labels, cells[start:index]
            labels, start = [cell], index + 1
    yield labels, cells[start:]


def _display_span(text: str, cell: Cell) -> tuple[int, int]:
    """A cell's columns on its line as a monospaced page shows them: a CJK character two wide."""
    line_start = text.rfind("\n", 0, cell.start) + 1
    x0 = _width(text[line_start : cell.start])
    return x0, x0 + _width(cell.text)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _without_trailing_empties(cells: list[Cell]) -> list[Cell]:
    end = len(cells)
    while end and cells[end - 1].kind == "empty":
        end -= 1
    return cells[:end]


class _StreamRows(_Rows):
    """The header one cell per line: labels and values follow one cell at a time."""

    def read(self, stream: list[Cell], position: int) -> tuple[list[TableRow], int, int]:
        labels: list[Cell] = []
        cells: list[Cell] = []
        last_line = stream[position - 1].line if position else 0
        words = 0
        while position < len(stream):
            cell = stream[position]
            if cell.line - last_line > len(self.columns) + 2:  # blank lines: empty cells
                break
            if _is_new_header(stream, position):
                break
            if cell.kind == "text":
                if _is_prose(cell):
                    if cells and self.text_column:  # a long 原因 / 说明 cell of the row
                        cells.append(cell)
                        last_line = cell.line
                        position += 1
                        continue
                    break
                if field_kind(cell.text) is not None and not labels and not cells:
                    break  # a form field (项目名称, 单位名称): the form's next part
                if cells:
                    self.add(labels, cells)
                    labels, cells = [], []
                labels = [*labels[-1:], cell]
                words += 1
                if words > 6:
                    break  # words without figures: no longer a table
            elif cell.kind == "empty" and not cells and not labels:
                pass  # "控制率 |" then "|": the header's own empty cell, before any row
            else:
                cells.append(cell)
                words = 0
            last_line = cell.line
            position += 1
        if cells:
            self.add(labels, cells)
        return self.rows, position, last_line


# "单位：万元" may stand anywhere above a form (in its title block): the nearest one before it.
_UNIT_ANYWHERE = re.compile(r"(?:单位|金额单位)\s*[:：]\s*(亿元|万元|元)")


def _unit_in_text(text: str, before: int) -> str | None:
    found = None
    for match in _UNIT_ANYWHERE.finditer(text, 0, before):
        found = match[1]
    return found


def _labels_under_first(stream: list[Cell], position: int, width: int) -> bool:
    """Whether the line after a header, one cell under each header cell, starts with words:
    then the header's first cell names the rows, whatever its words say."""
    if position >= len(stream):
        return False
    line = stream[position].line
    row = [c for c in stream[position : position + width + 1] if c.line == line]
    return (
        len(row) == width
        and row[0].kind == "text"
        and not _is_prose(row[0])
        and any(c.kind in ("number", "percent", "run") for c in row[1:])
    )


def _merge_wrapped(header: list[Cell], stream: list[Cell], last: int) -> tuple[list[Cell], int]:
    """A header wrapped over two lines ("年初" / "预算数"): the next line, with one word or empty
    cell under each header cell, joins it. Returns the header and how many cells the second
    line took (0 when it is not a continuation)."""
    following = stream[last + 1 : last + 1 + len(header)]
    after = last + 1 + len(header)
    split = _split_group(header, following)
    if split is not None:
        return split, len(following)
    if not (
        len(following) == len(header)
        and len({c.line for c in following}) == 1
        and following[0].line != header[-1].line
        and (after >= len(stream) or stream[after].line != following[0].line)
        and all(c.kind in ("text", "empty") for c in following)
        and any(c.kind == "text" for c in following)
        and not any(_is_column_word(c) and column_kind(c.text)[0] != "phase" for c in following)
    ):
        return header, 0
    merged = [
        Cell(top.text + below.text, top.start, max(top.end, below.end), top.line)
        for top, below in zip(header, following, strict=True)
    ]
    return merged, len(following)


def _split_group(header: list[Cell], following: list[Cell]) -> list[Cell] | None:
    """A group header over sub-columns on the next line, flattened to its left: "比上年增、减情况 |
    |" over "增、减金额 | 增、减幅度 | |": the sub-columns take the group's place and the empty
    cells after it. None when the next line is not that."""
    words = _without_trailing_empties(following)
    group = next((i for i, c in enumerate(header) if _column(c).kind == "change"), None)
    if (
        group is None
        or len(words) < 2
        or len({c.line for c in following}) != 1
        or following[0].line == header[-1].line
        or not all(_is_column_word(c) and _column(c).kind in ("change", "rate") for c in words)
        or any(c.text for c in header[group + 1 : group + len(words)])
        or group + len(words) > len(header)
    ):
        return None
    return [*header[:group], *words, *header[group + len(words) :]]


def _header_run(stream: list[Cell], index: int, end: int) -> int | None:
    """The last cell of two or more header words from `index` on, within one line, or None."""
    last, words = index, int(_column(stream[index]).kind in _STRONG)
    probe = index + 1
    while probe <= end:
        cell = stream[probe]
        if _is_column_word(cell) and not _row_after_columns(stream[index : last + 1], cell):
            last, words = probe, words + int(_column(cell).kind in _STRONG)
        elif not (cell.kind == "empty" or (cell.kind == "text" and _column(cell).kind == "text")):
            break
        probe += 1
    return last if words >= 2 else None


# Column words that only a header holds (a row label may read 合计 or 基本支出, never 全年执行数).
_STRONG = frozenset({"phase", "prior", "score", "rate", "staff"})


def _holds_header(cells: list[Cell]) -> bool:
    """Whether a line holds a run of header words before its cells (a new table starts)."""
    return any(
        _is_column_word(cell) and _header_run(cells, index, len(cells) - 1) is not None
        for index, cell in enumerate(cells)
    )


def _is_corner(cell: Cell) -> bool:
    return cell.kind == "text" and not _is_prose(cell) and not _is_column_word(cell)


def _row_after_columns(header: list[Cell], cell: Cell) -> bool:
    """Whether a column word, one cell per line after phase columns, is the first row's label:
    "年度资金总额" or "基本支出" after 年初预算数 / 全年预算数 name a row, not a column."""
    kinds = {_column(c).kind for c in header}
    return "phase" in kinds and _column(cell).kind in (
        "amount",
        "section",
        "basic_part",
        "three_public",
    )


def _header_line(cells: list[Cell]) -> bool:
    """Whether a line's cells are a header: two or more column words, or a list's header (one
    money column after the column naming the rows: "资金来源 | 金额") alone on its line."""
    if any(c.kind in ("number", "percent", "run") for c in cells):
        return False
    words = [i for i, c in enumerate(cells) if _is_column_word(c)]
    if len(words) >= 2:
        return True
    return (
        len(words) == 1
        and len(cells) >= 2
        and any(_is_label_word(c) for c in cells[: words[0]])
        and all(c.kind in ("text", "empty") and not _is_prose(c) for c in cells)
    )


def _is_new_header(stream: list[Cell], position: int) -> bool:
    """Two column words in a row, one of them only a header holds: "其他资金" then "基本支出"
    are two row labels (a row left empty, then the next), not a header."""
    return (
        _is_column_word(stream[position])
        and position + 1 < len(stream)
        and _is_column_word(stream[position + 1])
        and bool({_column(stream[position]).kind, _column(stream[position + 1]).kind} & _STRONG)
    )


# --- aligning values with columns -------------------------------------------------------------

_VALUE_KINDS = {"number", "percent", "empty", "run"}


def _fits(cell: Cell, column: Column, whole: bool) -> bool:
    """Whether a cell can stand in a column. A row with a cell for every column is read by
    position: only a percentage outside a rate column or words in a money column refuse it.
    A row with cells missing is aligned by what each column can hold: a percentage only in a
    rate column, a score only up to the column's points (分值（10分）), a head count whole, and no
    number in a column of words."""
    if cell.kind == "empty":
        return True
    if cell.kind == "text":
        return column.kind in ("text", "label", "other")
    if cell.kind == "percent":
        return column.kind in ("rate", "change")  # 执行率, or 增减率 beside the phases
    if whole:
        return column.holds_values or column.kind in ("text", "other", "label", "serial", "rate")
    if column.kind == "score":
        value = _decimal(cell)
        return value is not None and value <= column.points
    if column.kind == "staff":
        return "." not in cell.text
    return column.holds_values and column.kind != "rate"


def _align(values: list[Cell], columns: list[Column]) -> dict[int, Cell]:
    """The value cells by column index: by position when there is one per column, else the one
    assignment the columns' kinds and the row's arithmetic allow; uncertain values are dropped."""
    candidates: list[dict[int, Cell]] = []
    for expanded in _expansions(values):
        if len(expanded) > len(columns):
            continue
        for chosen in combinations(range(len(columns)), len(expanded)):
            assignment = dict(zip(chosen, expanded, strict=True))
            whole = len(expanded) == len(columns)
            if all(_fits(cell, columns[i], whole) for i, cell in assignment.items()):
                candidates.append(assignment)
    if not candidates:
        return {}
    verdicts = [_arithmetic(c, columns) for c in candidates]
    verified = [c for c, v in zip(candidates, verdicts, strict=True) if v is True]
    # A row that states its rate must be confirmed by it: an assignment the rate cannot check
    # (the actual or the budget left out) is not taken for certain beside one it refutes.
    rated = any(
        columns[i].kind == "rate" and cell.kind == "percent"
        for c in candidates
        for i, cell in c.items()
    )
    plausible = verified or (
        []
        if rated and len(values) < len(columns)
        else [c for c, v in zip(candidates, verdicts, strict=True) if v is None]
    )
    if not plausible:
        return {}
    # A form's sub-rows (其中：…) leave 分值 and 得分 empty, never the money: of the readings
    # the arithmetic leaves, those putting fewest numbers in score columns.
    fewest = min(_in_scores(c, columns) for c in plausible)
    plausible = [c for c in plausible if _in_scores(c, columns) == fewest]
    agreed: dict[int, Cell] = {}
    for index, cell in plausible[0].items():
        if all(other.get(index) == cell for other in plausible[1:]):
            agreed[index] = cell
    return {i: c for i, c in agreed.items() if c.kind in ("number", "percent", "text")}


def _in_scores(assignment: dict[int, Cell], columns: list[Column]) -> int:
    return sum(
        1 for i, cell in assignment.items() if columns[i].kind == "score" and cell.kind == "number"
    )


def _expansions(values: list[Cell]) -> Iterator[list[Cell]]:
    """The value cells with each run-together cell cut in each possible way."""
    runs = [i for i, v in enumerate(values) if v.kind == "run"]
    if not runs:
        yield values
        return
    if len(runs) > 2:
        return  # too many ways to cut: abstain
    options: list[list[list[Cell]]] = []
    for index in runs:
        run = values[index]
        cuts = []
        for split in run.splits:
            pieces = []
            for a, b in split:
                piece = run.text[a:b]
                kind, unit = _kind(piece)
                pieces.append(Cell(piece, run.start + a, run.start + b, run.line, kind, unit))
            cuts.append(pieces)
        options.append(cuts)
    for choice in _product(options):
        out: list[Cell] = []
        chosen = dict(zip(runs, choice, strict=True))
        for i, v in enumerate(values):
            out.extend(chosen.get(i, [v]))
        yield out


def _product(options: list[list[list[Cell]]]) -> Iterator[tuple[list[Cell], ...]]:
    if not options:
        yield ()
        return
    for first in options[0]:
        for rest in _product(options[1:]):
            yield (first, *rest)


def _decimal(cell: Cell) -> Decimal | None:
    number = cell.number
    if not number:
        return None
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


_CENT = Decimal("0.011")  # a form's rounding to two decimals, and a hair


def _arithmetic(assignment: dict[int, Cell], columns: list[Column]) -> bool | None:
    """Whether the row's own arithmetic confirms the assignment (True), refutes it (False) or
    cannot tell (None).

    A rate column holds actual ÷ budget (执行率 = 全年执行数 ÷ 全年预算数; a 控制率 the staff or the
    actual against the budget): a rate that matches confirms, one that does not refutes. A score
    above its column's weight refutes; a score within it confirms nothing.
    """
    by_kind: dict[tuple[str, str], Decimal] = {}
    rate: Decimal | None = None
    rate_decimals = 0
    for index, cell in assignment.items():
        column = columns[index]
        value = _decimal(cell)
        if value is None:
            continue
        if column.kind == "rate":
            rate = value if cell.kind == "percent" else None
            rate_decimals = len(cell.number.partition(".")[2])
        elif column.kind in ("phase", "staff", "score"):
            by_kind[(column.kind, column.item)] = value
    weight, score = by_kind.get(("score", "weight")), by_kind.get(("score", "score"))
    if weight is not None and score is not None and score > weight:
        return False
    if rate is None:
        return None
    rated = next((c for i, c in enumerate(columns) if c.item == "rated" and i in assignment), None)
    rated_score = by_kind.get(("score", "rated"))
    # 得分（20分*执行率）= 20 × 执行率, to the cent the form prints.
    if rated and rated_score is not None and abs(rated.points * rate / 100 - rated_score) > _CENT:
        return False
    actual = by_kind.get(("phase", "actual")) or by_kind.get(("staff", "actual"))
    # 执行率 = 全年执行数 ÷ 全年预算数; only a table with no full-year column divides by 年初.
    full_year = any(c.kind == "phase" and c.item == "adjusted" for c in columns)
    budget = by_kind.get(
        ("phase", "adjusted") if full_year else ("phase", "initial")
    ) or by_kind.get(("staff", "authorized"))
    if actual is not None and budget:
        computed = actual / budget * 100
        tolerance = Decimal(5) / Decimal(10) ** (rate_decimals + 1) + Decimal("0.01")
        return abs(computed - rate) <= tolerance
    if actual == 0 and not budget:
        return rate == 0
    return None


# --- form fields ------------------------------------------------------------------------------

# A field's value is a name, never a column header ("项目名称 | 年初预算数" is a header row); a
# name may end like a column word (工资性支出, 保障资金).
_INLINE_FIELD = re.compile(r"^(?P<label>[^:：]{2,12})[:：]\s*(?P<value>\S.*)$")


def _run_together_project(cell: Cell) -> Iterator[Field]:
    """项目名称 and its value inside one run-together cell, as a field of two cells."""
    for match in _RUN_PROJECT.finditer(cell.text):
        label_at, value_at = cell.start + match.start(), cell.start + match.start("name")
        label = Cell("项目名称", label_at, label_at + 4, cell.line)
        value = Cell(match["name"], value_at, value_at + len(match["name"]), cell.line)
        yield Field("project", label, value)


def _fields(stream: list[Cell]) -> Iterator[Field]:
    """项目名称 | X, 实施单位 | Y, 单位名称：Z … in any flattening: the next text cell is the value.

    A cover page's 项目名称：部门整体支出绩效评价报告 names the report, not a project: left out.
    """
    for found in _field_cells(stream):
        if found.name == "project" and _REPORT_NAME.search(found.value.text):
            continue
        yield found


_REPORT_NAME = re.compile(r"报告|自评表|评价表|部门整体|整体支出")


# A project's name in a run-together form: "…项目名称东津院区建设补助主管部门襄阳市卫生健康委…".
_RUN_PROJECT = re.compile(
    rf"项目名称[:：]?(?P<name>[^\s:：,，。;；]{{2,40}}?)(?={RUN_TOGETHER_NEXT})"
)


def _field_cells(stream: list[Cell]) -> Iterator[Field]:
    for index, cell in enumerate(stream):
        if cell.kind == "text" and len(cell.text) > 40 and "项目名称" in cell.text:
            yield from _run_together_project(cell)
        if cell.kind != "text" or (len(cell.text) > 40 and ":" not in cell.text[:14]):
            continue  # a field's label is short: a sentence is not one
        inline = _INLINE_FIELD.match(cell.text) if ":" in cell.text else None
        if inline and field_kind(inline["label"]):
            at = cell.start + inline.start("value")
            value_text = inline["value"].strip()
            value = Cell(value_text, at, at + len(value_text), cell.line)
            yield Field(str(field_kind(inline["label"])), cell, value)
            continue
        name = field_kind(cell.text)
        if name is None:
            continue
        for following in stream[index + 1 : index + 4]:
            if following.kind == "empty":
                continue
            if (
                following.kind == "text"
                and field_kind(following.text) is None
                and not _HEADER_WORD.fullmatch("".join(following.text.split()))
                and not (
                    len(following.text) <= 4
                    and column_kind(following.text)[0] in ("serial", "label")
                )
            ):
                yield Field(name, cell, following)
            break
