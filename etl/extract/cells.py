"""A line's text as cells: what each cell holds, a line cut at tabs, pipes and runs of spaces, a
label cut from the numbers glued to it, OCR text run together unglued, and the ways a run of digits
splits into numbers; which cell is a column word or prose; the cells of every line of a text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import combinations
from typing import NamedTuple

from etl.amounts import NUMBER
from etl.extract.wording import HEADER_KINDS, column_kind

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
        match = NUMBER_IN_CELL.search(self.text)
        return match["number"] if match and self.kind in ("number", "percent") else ""


NUMBER_IN_CELL = re.compile(rf"(?P<number>{NUMBER})")
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


def cell_kind(text: str) -> tuple[CellKind, str | None]:
    """What a cell's text is (empty, percent, number with its unit, or text)."""
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
    kind, unit = cell_kind(segment)
    if kind != "text":
        yield Cell(segment, offset, offset + len(segment), line, kind, unit)
        return
    tokens = list(re.finditer(r"\S+", segment))
    if (
        sum(
            cell_kind(t.group())[0] == "text" and is_column_word(Cell(t.group(), 0, 0, 0))
            for t in tokens
        )
        >= 2
    ):
        # "项目 年初预算数 调整预算数 实际支出数": a header with single spaces.
        for token in tokens:
            yield from _cut(token.group(), offset + token.start(), line)
        return
    if len(tokens) > 1 and any(cell_kind(t.group())[0] != "text" for t in tokens):
        # "其中： 人员经费 758.01 20.5%": the words before the first number are one label.
        label_end = 0
        for token in tokens:
            if cell_kind(token.group())[0] != "text" and not _glued_number(token.group()):
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
HEADER_WORD = re.compile(
    r"(?:(?:19|20)\d{2}年度?|本年|上年)?"
    r"(?:年初预算数|年初预算|全年预算数|全年预算|调整后预算数|调整预算数|全年执行数|预算执行数|执行数"
    r"|实际支出数|实际支出|决算数|预算数|分值|权重|预算执行率|执行率|控制率|得分|编制数|编制人数"
    r"|实际在职人数|实有人数|在职人数)(?:\([A-Z/]{1,5}[)1]|\(\d+分\*执行率\))?"
)
_GLUED_HEADERS = re.compile(rf"(?:{HEADER_WORD.pattern})\s?(?:{HEADER_WORD.pattern})")
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
        len(HEADER_WORD.findall(segment)) >= 2
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
    in_words = [w.span() for w in HEADER_WORD.finditer(segment) if any(map(str.isdigit, w[0]))]
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
    for word in HEADER_WORD.finditer(segment, start, end):
        cuts += [word.start(), word.end()]
    # A list number opens a row label, a colon closes a group's: "(2)其他资金资金结构:(1)基本支出".
    cuts += [m.start() for m in _LIST_NUMBER.finditer(segment, start, end) if m.start() > start]
    cuts += [m.end() for m in _GROUP_COLON.finditer(segment, start, end) if m.end() < end]
    cuts = [*sorted(cuts), end]
    for a, b in itertools.pairwise(cuts):
        text = segment[a:b].strip(" :：")
        if text:
            at = offset + a + segment[a:b].index(text)
            yield Cell(text, at, at + len(text), line, *cell_kind(text)[:1])


def _number_run(run: str, offset: int, line: int) -> Iterator[Cell]:
    """A run of digits: one number or percentage, or a run whose cells ran together."""
    kind, unit = cell_kind(run)
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


# --- column words and prose -------------------------------------------------------------------

# Cutting a line needs them: a header written with single spaces is cut at its words (_cut).

# A document's or a table's title is not a column header, though it names 预算 or 支出.
_TITLE_WORD = re.compile(r"报告|[表单]$|表[(（]|说明|公开")


def is_column_word(cell: Cell) -> bool:
    """Whether a cell can head a column: a short text cell whose words name a value column."""
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


# A cell of prose: a long text, or one with sentence punctuation. It ends any table.
_PROSE = re.compile(r"[。；;]|[,，].*[,，]")


def is_prose(cell: Cell) -> bool:
    """Whether a cell is a sentence, not a form's cell: long, or with sentence punctuation."""
    return cell.kind == "text" and (len(cell.text) > 40 or bool(_PROSE.search(cell.text)))


# --- a whole text's cells ---------------------------------------------------------------------


def all_line_cells(text: str) -> list[list[Cell]]:
    """The cells of every line of a (normalised) text, header words wrapped over two lines joined."""
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


def without_trailing_empties(cells: list[Cell]) -> list[Cell]:
    """The cells up to the last one that is not empty."""
    end = len(cells)
    while end and cells[end - 1].kind == "empty":
        end -= 1
    return cells[:end]
