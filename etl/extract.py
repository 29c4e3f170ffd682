"""Report text -> Report: pure functions, one per report section, driven by the genre's wording.

Nothing here knows any particular report's numbers: every figure is found by the words the
部门整体支出绩效自评报告 genre puts before it (年初预算数, 预算调整数, 实际支出数, 人员经费 ...) or by
the row and column headers of a table (项目 | 年初预算数 | 调整预算数 | 实际支出数), and comes back with
the sentence (or table row) and character span it was read from, and a confidence.

The text is read once into a layout: lines, sentences with the section their heading puts them
in, and tables (lines of tab- or space-separated cells under a header row). Each section's
extractor then reads sentences and table cells. Every reading is kept, so a figure stated twice
with different values is flagged by the checks instead of silently picked.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from etl.amounts import NUMBER, UNIT, normalise, to_wan
from etl.model import Figure, FundSource, Project, Report, Source

# --- sentences, headings and table rows -------------------------------------------------------


class Sentence(NamedTuple):
    start: int
    end: int  # exclusive; the sentence's text is text[start:end]
    paragraph: int  # index of the line the sentence sits on
    context: str | None  # "basic" / "project" / "three_public" from the nearest heading, else None
    in_table: bool = False  # the line is a table row: read by the table reader, not as prose


class Sentences(list[Sentence]):
    """The sentences of a text, with their start offsets kept for bisecting (computed once)."""

    starts: list[int]


_SPACES = " \t\u3000\xa0"

# 一、 （一） 1、 1. (1) ① 第一部分 第二章: numbering styles are mixed even inside one report.
_HEADING_NUMBER = re.compile(
    r"\s*(?:第[一二三四五六七八九十\d]+(?:部分|章|节)|[一二三四五六七八九十]+\s*[、.]"
    r"|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*(?:、|[.．](?!\d))|\d+(?:\.\d+)+\s*(?=[^\d\s.%])"
    r"|[①-⑳])"
)
_HAS_AMOUNT = re.compile(rf"(?:{NUMBER})\s*(?:{UNIT})")
# A bare section name on its own line is a heading too: "基本支出" / "项目支出执行情况".
_BARE_HEADING = re.compile(
    r"[\"“”']?(?:基本支出|项目支出|三公[\"“”']?经费(?:支出)?|[\"“”']三公[\"“”']经费)"
    r"(?:预算)?(?:执行)?(?:情况|明细|分析)?$"
)


# A sentence: a run between 。！？ and line ends, without the spaces around it.
_SENTENCE_SPAN = re.compile(r"[^。!?！？\s](?:[^。!?！？\n]*[^。!?！？\s])?")


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
                row = line.strip(_SPACES)
                if row and (_is_tab_row(row) if "\t" in row else _looks_like_row(row)):
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
        if end - start <= 30 and not in_table and _is_heading(match.group()):
            context = _heading_context(match.group())
            continue
        sentences.append(Sentence(start, end, paragraph, context, in_table))
        starts.append(start)
    sentences.starts = starts
    return sentences


@lru_cache(maxsize=4096)
def _is_heading(body: str) -> bool:
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
    return not _HAS_AMOUNT.search(body)


def _heading_context(body: str) -> str | None:
    if "三公" in body:
        return "three_public"
    if "基本支出" in body:
        return "basic"
    if "项目支出" in body or "项目资金" in body or "项目明细" in body:
        return "project"
    return None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace at either end.

    >>> _strip_span("  基本支出 ", 0, 7)
    (2, 6)
    """
    segment = text[start:end]
    body = segment.lstrip()
    start += len(segment) - len(body)
    return start, start + len(body.rstrip())


# --- amounts after a keyword -------------------------------------------------------------------

# Between a keyword and its figure the genre writes 为 / 是 / 共 / 合计 / ： or nothing.
_FILLER = r"(?:为|是|共|合计|共计|总计|达|了|人民币|金额|:|\s){0,4}"
# 万 alone abbreviates 万元 ("年初预算为9.0万"), but 9.0万人次 / 2.9万平方米 are counts.
_UNIT = r"亿元|万元|亿(?![人次户台件个平方米公里吨份辆])|万(?![人次户台件个平方米公里吨份辆])|元"
_AMOUNT_AFTER = re.compile(
    rf"{_FILLER}(?P<number>{NUMBER})[ \t]*(?P<unit>{_UNIT})?(?![.,]?\d|\s*%|\s*‰)"
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
class _Amount:
    value: Decimal
    unit_stated: bool
    start: int
    end: int


def _amount_after(text: str, pos: int, limit: int, unit_hint: str | None) -> _Amount | None:
    """The amount written right after `pos` (before `limit`), in 万元."""
    match = _AMOUNT_AFTER.match(text, pos, limit)
    if not match:
        return None
    unit = match["unit"]
    if unit is None:
        following = text[match.end() : limit].lstrip(" ")
        if unit_hint is None or (following and following[0] not in _UNITLESS_END):
            return None
        unit = unit_hint
    return _Amount(
        to_wan(match["number"], unit), bool(match["unit"]), match.start("number"), match.end()
    )


def _is_comparison(text: str, start: int, pos: int, year: int | None) -> bool:
    """Whether the words before `pos` (from `start`) make the figure a prior-year one."""
    window = text[max(start, pos - 16) : pos]
    return bool(_COMPARISON_BEFORE.search(window)) or _year_differs(text, start, pos, year)


def _year_differs(text: str, start: int, pos: int, year: int | None) -> bool:
    """Whether a year other than the report's stands right before `pos` (2020年决算数 in 2021)."""
    if year is None:
        return False
    stated = _YEAR_BEFORE.search(text, max(start, pos - 16), pos)
    return stated is not None and int(stated[1]) != year


# A reading under another year's label is kept only when nothing else states that figure.
OTHER_YEAR_NOTE = "所标年份与报告年度不同，仅在报告未另行说明时采用"


def _other_year(figure: Figure) -> Figure:
    return replace(figure, confidence=min(figure.confidence, 0.5), note=OTHER_YEAR_NOTE)


def _drop_other_years(readings: list[Figure]) -> list[Figure]:
    stated = {(f.section, f.item) for f in readings if f.note != OTHER_YEAR_NOTE}
    return [f for f in readings if f.note != OTHER_YEAR_NOTE or (f.section, f.item) not in stated]


def _source(original: str, sentence: Sentence, start: int, end: int) -> Source:
    return Source(original[sentence.start : sentence.end], sentence.start, sentence.end, start, end)


def _clauses(text: str, sentence: Sentence) -> Iterator[tuple[int, int]]:
    start = sentence.start
    for match in _CLAUSE_END.finditer(text, sentence.start, sentence.end):
        yield start, match.start()
        start = match.end()
    yield start, sentence.end


_CLAUSE_END = re.compile(r"[;；]")


def _with_match(pattern: re.Pattern[str], text: str, sentences: list[Sentence]) -> list[Sentence]:
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


# --- tables ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class TableValue:
    """One table cell read as a figure: what it is (kind, key) and where it sits."""

    kind: str  # "phase" / "three_public" / "staffing" / "fund" / "project"
    key: tuple[str, str]  # slot (section, item); ("", level) for funds; ("", name) for projects
    value: Decimal
    row: Row
    cell: Cell
    wording: str  # the header or row label that named it
    preference: int = 0  # lower wins when a row offers several columns (actual before budget)
    purpose_cell: Cell | None = None
    label: Cell | None = None


@dataclass(frozen=True)
class Table:
    header: Row | None
    rows: tuple[Row, ...]
    unit: str | None
    context: str | None
    values: tuple[TableValue, ...] = field(default=())


_CELL_NUMBER = re.compile(rf"[-+]?(?P<number>{NUMBER})\s*(?P<unit>{UNIT}|人|名)?")
_CELL_EMPTY = re.compile(r"[-—–/／]*|无|\s*")
_CELL_PERCENT = re.compile(rf"[-+]?(?:{NUMBER})\s*[%‰]")
_UNIT_NOTE = re.compile(r"(?:单位|金额单位)\s*[:]?\s*(亿元|万元|元)|\((亿元|万元|元)\)")
_COLUMN_UNIT = re.compile(r"(亿元|万元|元)")


def _is_number_cell(text: str) -> bool:
    return bool(_CELL_NUMBER.fullmatch(text) or _CELL_PERCENT.fullmatch(text))


def _is_tab_row(line: str) -> bool:
    """A tab-separated row: two or more cells with text, and not a heading ("一、\t概况")."""
    cells = [cell for cell in line.split("\t") if cell.strip()]
    if len(cells) < 2:
        return False
    joined = "".join(cells)
    return not (len(joined) <= 30 and _is_heading(joined))


def _looks_like_row(line: str) -> bool:
    """A space-separated table row: a label then only numbers ("基本支出 487.51 801.07")."""
    if " " not in line:
        return False
    tokens = line.split()
    if len(tokens) < 2:
        return False
    numbers = [_is_number_cell(t) or bool(_CELL_EMPTY.fullmatch(t)) for t in tokens]
    first_number = numbers.index(True) if True in numbers else len(tokens)
    if first_number == len(tokens):
        # A header row: at least two column names and nothing else.
        named = sum(_column_kind(t, None)[0] not in ("other", "label") for t in tokens)
        return named >= 2 and len(line) <= 80 and not re.search(r"[,;。]", line)
    label = "".join(tokens[:first_number])
    return (
        all(numbers[first_number:])
        and any(_CELL_NUMBER.fullmatch(t) for t in tokens[first_number:])
        and len(label) <= 30
        and not re.search(r"[,;。]", label)
    )


def _cells(text: str, start: int, end: int) -> list[Cell]:
    line = text[start:end]
    cells: list[Cell] = []
    if "\t" in line:
        pos = start
        for part in line.split("\t"):
            lo, hi = _strip_span(text, pos, pos + len(part))
            cells.append(Cell(text[lo:hi], lo, hi))
            pos += len(part) + 1
        return cells
    tokens = list(re.finditer(r"\S+", line))
    numbers = [_is_number_cell(m.group()) or bool(_CELL_EMPTY.fullmatch(m.group())) for m in tokens]
    first_number = numbers.index(True) if True in numbers else len(tokens)
    if 0 < first_number < len(tokens):  # "其中： 人员经费 758.01" -> one label cell
        lo, hi = start + tokens[0].start(), start + tokens[first_number - 1].end()
        cells.append(Cell(text[lo:hi], lo, hi))
        tokens = tokens[first_number:]
    cells.extend(Cell(m.group(), start + m.start(), start + m.end()) for m in tokens)
    return cells


def find_tables(text: str, sentences: list[Sentence], year: int | None) -> list[Table]:
    """Tables: runs of row lines (tab-separated, or a label then numbers) under a header row."""
    row_paragraphs = {s.paragraph for s in sentences if s.in_table}
    if not row_paragraphs:
        return []
    contexts = {s.paragraph: s.context for s in sentences}
    lines = _lines(text, row_paragraphs)
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        paragraph = lines[index][2]
        if paragraph not in row_paragraphs:
            index += 1
            continue
        first = index
        while index < len(lines) and lines[index][2] in row_paragraphs:
            index += 1
        block = [Row(tuple(_cells(text, s, e)), s, e, p) for s, e, p in lines[first:index]]
        before = [text[s:e] for s, e, _ in lines[max(0, first - 3) : first]]
        context = contexts.get(paragraph)
        tables.extend(_split_block(block, before, context, year))
    return tables


def _lines(text: str, rows: set[int]) -> list[tuple[int, int, int]]:
    """Every non-empty line as (start, end, paragraph); a row keeps its leading empty cells."""
    lines: list[tuple[int, int, int]] = []
    pos = 0
    for paragraph, line in enumerate(text.split("\n")):
        start, pos = pos, pos + len(line) + 1
        stripped = line.strip(_SPACES)
        if not stripped:
            continue
        if paragraph in rows and "\t" in stripped:
            # Leading and trailing tabs are empty cells: keep them, so columns stay aligned.
            row = line.rstrip(" \u3000\xa0\r")
            first = len(row) - len(row.lstrip(" \u3000\xa0"))
            lines.append((start + first, start + len(row), paragraph))
        else:
            lo = start + line.index(stripped[0])
            lines.append((lo, lo + len(stripped), paragraph))
    return lines


def _split_block(
    block: list[Row], before: list[str], context: str | None, year: int | None
) -> Iterator[Table]:
    """One table per header row in a block of row lines."""
    current: list[Row] = []
    header: Row | None = None
    for row in block:
        if header is not None and not current and _continues_header(header, row):
            # A header wrapped over two lines ("年初" / "预算数"): one header, cell by cell.
            header = _merge_header(header, row)
            continue
        if _is_header(row):
            if header is not None or current:
                yield _table(header, current, before, context, year)
            header, current = row, []
        else:
            current.append(row)
    if header is not None or current:
        yield _table(header, current, before, context, year)


def _continues_header(header: Row, row: Row) -> bool:
    return len(row.cells) == len(header.cells) and not any(
        _CELL_NUMBER.fullmatch(c.text) for c in row.cells
    )


def _merge_header(header: Row, row: Row) -> Row:
    cells = tuple(
        Cell(
            top.text + bottom.text,
            top.start if top.text else bottom.start,
            max(top.end, bottom.end),
        )
        for top, bottom in zip(header.cells, row.cells, strict=True)
    )
    return Row(cells, header.start, row.end, header.paragraph)


def _is_header(row: Row) -> bool:
    texts = [c.text for c in row.cells if c.text]
    return (
        len(texts) >= 2
        and not any(_CELL_NUMBER.fullmatch(t) for t in texts)
        and sum(_column_kind(t, None)[0] not in ("other",) for t in texts) >= 2
    )


def _table(
    header: Row | None, rows: list[Row], before: list[str], context: str | None, year: int | None
) -> Table:
    notes = " ".join([*before[-2:], *(c.text for c in header.cells)] if header else before[-2:])
    unit_note = _UNIT_NOTE.search(notes)
    unit = (unit_note[1] or unit_note[2]) if unit_note else None
    title = " ".join(before[-2:])
    if "三公" in title:
        context = "three_public"
    elif "项目" in title and "基本支出" not in title:
        context = "project" if context != "three_public" else context
    table = Table(header, tuple(rows), unit, context)
    return replace(table, values=tuple(_table_values(table, year)))


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
def _column_kind(header: str, year: int | None) -> tuple[str, str]:
    """What a column holds, from its header: ("phase", item), ("staff", item), ("amount", "")..."""
    if _SKIP_COLUMN.search(header):
        return "skip", ""
    stated = re.search(r"((?:19|20)\d{2})\s*年", header)
    if stated and year is not None and int(stated[1]) != year:
        return "skip", ""  # "2020年决算数" in a 2021 report: a comparison column
    section = _row_kind(header)
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


def _row_label(label: str) -> str:
    label = _ROW_NUMBERING.sub("", label)
    label = re.sub(r"^其中\s*[:]?\s*", "", label)
    return re.sub(r"\((?:亿元|万元|元|人)\)$", "", label).strip(" :")


@lru_cache(maxsize=4096)
def _row_kind(label: str) -> tuple[str, str]:
    """What a row label (or a transposed column header) names: a section, a phase, a level..."""
    clean = _row_label(label)
    for pattern, kind, item in _ROW_RULES:
        if pattern.search(clean):
            return kind, item
    phase = _PHASE_FULL.get(clean)
    if phase in ("initial", "adjusted", "actual"):
        return "phase", phase
    level = _FUND_CELL.fullmatch(clean)
    if level:
        return "fund", _level_of(level)
    return "name", clean


# When a row gives several phases and the contract has one number, the actual spend wins.
_PREFERENCE = {"actual": 0, "adjusted": 1, "initial": 2, "": 3}


def _table_values(table: Table, year: int | None) -> Iterator[TableValue]:
    """Every amount or count cell that a row label and a column header together name."""
    header = table.header
    columns = [_column_kind(c.text, year) for c in header.cells] if header else []
    column_units = [_column_unit(c.text) for c in header.cells] if header else []
    labels = [_label_cell(row, columns) for row in table.rows]
    row_kinds = [_row_kind(label.text) if label else ("none", "") for label in labels]
    is_three_public = table.context == "three_public" or any(
        kind == "three_public_part" for kind, _ in row_kinds
    )
    header_text = " ".join(c.text for c in header.cells) if header else ""
    is_project = "项目名称" in header_text or (
        table.context == "project" and (not header or any(k == "label" for k, _ in columns))
    )
    data_rows = sum(kind not in ("total", "staff_part") for kind, _ in row_kinds)
    for row, label, (row_kind, row_item) in zip(table.rows, labels, row_kinds, strict=True):
        purpose_cell = next(
            (
                c
                for c, (kind, _) in zip(row.cells, columns, strict=False)
                if kind == "purpose" and c.text
            ),
            None,
        )
        for index, cell in enumerate(row.cells):
            if cell is label or not cell.text:
                continue
            col_kind, col_item = columns[index] if index < len(columns) else ("other", "")
            if col_kind in ("skip", "serial", "purpose", "label"):
                continue
            number = _CELL_NUMBER.fullmatch(cell.text)
            if not number:
                continue
            wording = header.cells[index].text if header and index < len(header.cells) else ""
            label_text = label.text if label else ""
            if row_kind == "staff" or col_kind == "staff":
                # 编制数 | 实有人数 over one row, or over a 合计 row below the parts.
                if row_kind == "staff":
                    item, wording = row_item, label_text
                elif row_kind == "total" or (
                    data_rows == 1 and row_kind not in ("staff_part", "total")
                ):
                    item = col_item
                else:
                    continue
                if "." not in number["number"]:
                    count = Decimal(number["number"].replace(",", ""))
                    yield TableValue("staffing", ("staffing", item), count, row, cell, wording)
                continue
            unit = (
                number["unit"]
                or (column_units[index] if index < len(column_units) else None)
                or table.unit
            )
            if unit is None or unit in ("人", "名"):
                continue  # no unit stated anywhere: never guess 万元
            value = to_wan(number["number"], unit)
            kind, item = row_kind, row_item
            phase = col_item if col_kind == "phase" else None
            if row_kind == "phase" and col_kind in ("section", "basic_part", "three_public"):
                phase, kind, item, wording = row_item, col_kind, col_item, label_text
            elif row_kind == "phase" and col_kind == "total" and is_three_public:
                phase, kind, wording = row_item, "three_public", label_text
            yield from _cell_value(
                TableValue("", ("", ""), value, row, cell, wording or label_text, label=label),
                kind,
                item,
                phase,
                col_kind,
                is_three_public=is_three_public,
                is_project=is_project,
                purpose_cell=purpose_cell,
            )


def _column_unit(header: str) -> str | None:
    match = _COLUMN_UNIT.search(header)
    return match[1] if match else None


def _label_cell(row: Row, columns: list[tuple[str, str]]) -> Cell | None:
    """The cell naming the row: its first text cell, skipping a 序号 number."""
    for index, cell in enumerate(row.cells):
        if not cell.text:
            continue
        kind = columns[index][0] if index < len(columns) else "other"
        if _CELL_NUMBER.fullmatch(cell.text):
            if kind == "serial" or (index == 0 and cell.text.isdigit() and len(row.cells) > 2):
                continue
            return None  # an amount before any name: the row has no label
        return None if kind == "purpose" else cell
    return None


def _cell_value(
    base: TableValue,
    kind: str,
    item: str,
    phase: str | None,
    col_kind: str,
    *,
    is_three_public: bool,
    is_project: bool,
    purpose_cell: Cell | None,
) -> Iterator[TableValue]:
    """What one amount cell is, from its row's kind and its column's phase."""
    preference = _PREFERENCE[phase or ""]
    label = base.label.text if base.label else base.wording
    if kind == "section" and phase:
        yield replace(base, kind="phase", key=(item, phase))
    elif kind == "basic_part" and col_kind in ("phase", "amount", "other", "basic_part"):
        yield replace(base, kind="phase", key=("basic", item), wording=label, preference=preference)
    elif (kind == "three_public" or (kind == "total" and is_three_public)) and phase:
        # 三公 budget: the 年初预算 column before an adjusted one.
        yield replace(
            base,
            kind="three_public",
            key=("three_public", "actual" if phase == "actual" else "budget"),
            preference=0 if phase in ("initial", "actual") else 1,
        )
    elif kind == "fund":
        fund_preference = {"adjusted": 0, "": 1, "actual": 2, "initial": 3}[phase or ""]
        yield replace(base, kind="fund", key=("", item), wording=label, preference=fund_preference)
    elif kind == "name" and is_project and col_kind in ("phase", "amount", "other"):
        yield replace(
            base,
            kind="project",
            key=("", item),
            wording=label,
            preference=preference,
            purpose_cell=purpose_cell,
        )


def _best_per_row(values: Iterable[TableValue]) -> list[TableValue]:
    """For each (row, key), the cell with the best preference, in table order."""
    best: dict[tuple[int, tuple[str, str]], TableValue] = {}
    for value in values:
        key = (value.row.start, value.key)
        if key not in best or value.preference < best[key].preference:
            best[key] = value
    return sorted(best.values(), key=lambda v: (v.row.start, v.cell.start))


def _table_source(original: str, value: TableValue) -> Source:
    row = value.row
    return Source(
        original[row.start : row.end], row.start, row.end, value.cell.start, value.cell.end
    )


# --- budget phases: basic / project x initial / adjusted / actual ---------------------------------

# Keyword -> slot item. One alternation, so at each position the longest wording wins
# (调整预算数 before 预算数, 实际支出数 before 支出数).
_PHASE_WORDINGS: tuple[tuple[str, str], ...] = (
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
_PHASE_FULL = dict(_PHASE_WORDINGS)
# The department's total spend ("决算总支出1,568.32万元，其中：基本支出…"): never a section's own
# figure, but the phase its split into 基本支出 / 项目支出 takes.
_TOTAL_WORDINGS = frozenset({"决算总支出", "支出合计", "支出总额", "总支出"})
_PHASE_RE = re.compile("|".join(re.escape(w) for w, _ in _PHASE_WORDINGS))
_BASIC_ONLY = {"personnel", "public"}
# "人员经费支出758.01万元": a spend verb may sit between 人员经费 and its amount.
_PART_VERB = re.compile(r"(?:实际支出|支出|开支|决算)?")
# Subjects a clause can name. 整体 / 总额 / 合计 name the department's total, not a section.
_SUBJECT_RE = re.compile(
    r"基本支出|项目支出|部门整体支出|整体支出|支出总额|预算总额|总预算|收支总额|全部支出|支出合计|总支出"
)
_SUBJECT_OF = {"基本支出": "basic", "项目支出": "project"}
# "其中基本支出800万元、项目支出434.5万元" after a total: a section named right before an amount.
_SECTION_AMOUNT = re.compile(rf"(基本支出|项目支出)(?={_FILLER}\d)")
# Each alternative starts with a plain character, so the regex engine can skip to candidates.
_THREE_PUBLIC_RE = re.compile(
    r"三公[\"“”'‘’「」]?(?:经费)?"
    r"|因公出国\(境\)费[、和及与,]\s*公务用车购置及运行(?:维护)?费[、和及与,]\s*公务接待费"
)


def _three_public_spans(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans about 三公经费: its enclosing parentheses, or from the keyword to the clause end.

    "公用经费42.97万元(其中三公经费年初预算为9.0万，实际支出为5.26)": the parentheses.
    "…和公务接待费(以下简称"三公"经费)年初预算数为15万元": the parentheses hold no figure, so
    the span runs on to the clause end.
    """
    spans = []
    for match in _THREE_PUBLIC_RE.finditer(text, sentence.start, sentence.end):
        clause_end = _CLAUSE_END.search(text, match.end(), sentence.end)
        to_clause_end = clause_end.start() if clause_end else sentence.end
        open_at = text.rfind("(", sentence.start, match.start())
        if open_at != -1 and ")" not in text[open_at : match.start()]:
            close_at = text.find(")", match.end(), sentence.end)
            end = close_at + 1 if close_at != -1 else sentence.end
            if _HAS_AMOUNT.search(text, open_at, end):
                spans.append((open_at, end))
            else:
                spans.append((open_at, max(end, to_clause_end)))
        else:
            spans.append((match.start(), to_clause_end))
    return spans


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
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


# "1、法律援助经费：年初预算120.00万元，实际支出118.20万元": the phases of one project, not of
# 项目支出. A name ending like a project right before the first phase word marks such an item.
_ITEM_BEFORE = re.compile(
    r"(?P<name>[^\d,;:。()\s]{2,30}?(?:经费|费|项目|工程|资金|补助|专项|奖励))\s*[:,]?\s*$"
)
_GENERIC_ITEM = re.compile(
    r"(?:人员经费|公用经费|三公经费|三公)$"
    r"|^(?:本年度?|全年|当年|本部门|部门|本单位|单位|其中)?(?:项目|专项|财政)?(?:资金|经费|项目)$"
)


def _names_an_item(text: str, start: int, pos: int) -> bool:
    """Whether a project's name (not 基本支出/项目支出) stands right before the phase at `pos`."""
    match = _ITEM_BEFORE.search(text, max(start, pos - 40), pos)
    return match is not None and not _GENERIC_ITEM.search(match["name"])


def _subject_before(text: str, start: int, end: int) -> str | None:
    """The last section named in text[start:end]: "basic", "project", "total", or None.

    A section named right before an amount ("其中基本支出800万元") is a split of a total, not
    the subject of the phase words that follow.
    """
    found: str | None = None
    for match in _SUBJECT_RE.finditer(text, start, end):
        if not _SECTION_AMOUNT.match(text, match.start(), end):
            found = _SUBJECT_OF.get(match.group(), "total")
    return found


def extract_phases(
    text: str,
    original: str,
    sentences: list[Sentence],
    tables: list[Table] | None = None,
    year: int | None = None,
) -> list[Figure]:
    """Every basic/project phase figure and personnel/public split, in reading order.

    The subject of a clause is the 基本支出/项目支出 it names, else the previous clause's subject
    in the same paragraph, else the section heading's. The genre states basic before project, so
    when a subject-less clause repeats a phase its inherited subject already gave in this
    paragraph ("2020年基本支出年初预算数为…；实际支出数为…；2020年年初预算数为…"), the
    clause moves on to 项目支出. A total split by section ("年初预算数为1,234.5万元，其中基本支出
    800万元，项目支出434.5万元") gives each section the total's phase. Table cells are read by
    their row and column headers.
    """
    spans = [
        span
        for s in _with_match(_THREE_PUBLIC_RE, text, sentences)
        for span in _three_public_spans(text, s)
    ]
    masked = _mask(text, spans)
    figures: list[Figure] = []
    subject: str | None = None
    seen: set[tuple[str, str]] = set()
    paragraph = -1
    for sentence in _with_match(_PHASE_RE, masked, sentences):
        if sentence.paragraph != paragraph:
            paragraph, subject, seen = sentence.paragraph, None, set()
        unit_hint: str | None = None
        governing: str | None = None  # the phase of the last total read in this sentence
        in_item = False  # the sentence lists one project's own phases
        for c_start, c_end in _clauses(masked, sentence):
            first = _PHASE_RE.search(masked, c_start, c_end)
            if first and _names_an_item(masked, c_start, first.start()):
                in_item = True
            if in_item:
                continue
            named: str | None = None
            if subject is None:
                subject = sentence.context
            part_subject = _part_subject(masked, c_start, c_end)
            pos = c_start
            for match in _PHASE_RE.finditer(masked, c_start, c_end):
                # The subject is the section named before the phase word, in this clause.
                here = _subject_before(masked, pos, match.start())
                pos = match.end()
                if here:
                    subject = named = here
                item = _PHASE_FULL[match.group()]
                if _is_comparison(masked, c_start, match.start(), None):
                    continue
                other_year = _year_differs(masked, c_start, match.start(), year)
                after = match.end()
                if item in _BASIC_ONLY:
                    verb = _PART_VERB.match(masked, after, c_end)
                    after = verb.end() if verb else after
                amount = _amount_after(masked, after, c_end, unit_hint)
                if amount is None:
                    continue
                unit_hint = "万元" if amount.unit_stated else unit_hint
                confidence = 1.0 if amount.unit_stated else 0.7
                if match.group() in _TOTAL_WORDINGS:
                    governing = item
                    continue
                section: str | None
                if item in _BASIC_ONLY:
                    section = "basic"
                elif part_subject is not None:
                    # "人员经费年初预算500万元，实际支出520万元": the part's own phases.
                    if item != "actual":
                        continue
                    section, item = "basic", part_subject
                else:
                    governing = item
                    section = subject if subject in ("basic", "project") else None
                if section is None:
                    continue
                if (
                    not named
                    and part_subject is None
                    and (section, item) in seen
                    and section == "basic"
                ):
                    if item in _BASIC_ONLY:
                        continue
                    section = subject = "project"
                    confidence *= 0.8
                seen.add((section, item))
                figure = Figure(
                    section=section,
                    item=item,
                    value=amount.value,
                    unit="万元",
                    wording=match.group(),
                    source=_source(original, sentence, amount.start, amount.end),
                    confidence=confidence,
                )
                figures.append(_other_year(figure) if other_year else figure)
            if governing is not None:
                figures.extend(
                    _section_split(masked, original, sentence, c_start, c_end, governing, year)
                )
    for table in tables or ():
        for value in _best_per_row(v for v in table.values if v.kind == "phase"):
            figures.append(
                Figure(
                    section=value.key[0],
                    item=value.key[1],
                    value=value.value,
                    unit="万元",
                    wording=value.wording,
                    source=_table_source(original, value),
                    confidence=0.9,
                )
            )
    return _prefer_personnel_wording(figures)


def _part_subject(text: str, start: int, end: int) -> str | None:
    """ "人员经费年初预算…": 人员经费/公用经费 as the clause's subject, with no amount of its own."""
    match = _PHASE_RE.search(text, start, end)
    if not match or _PHASE_FULL[match.group()] not in _BASIC_ONLY:
        return None
    verb = _PART_VERB.match(text, match.end(), end)
    if _AMOUNT_AFTER.match(text, verb.end() if verb else match.end(), end):
        return None
    following = _PHASE_RE.search(text, match.end(), end)
    if following and _PHASE_FULL[following.group()] in ("initial", "adjusted", "actual"):
        return _PHASE_FULL[match.group()]
    return None


def _section_split(
    text: str,
    original: str,
    sentence: Sentence,
    start: int,
    end: int,
    governing: str,
    year: int | None,
) -> list[Figure]:
    figures = []
    for match in _SECTION_AMOUNT.finditer(text, start, end):
        if _is_comparison(text, start, match.start(), year):
            continue
        amount = _amount_after(text, match.end(), end, None)
        if amount is None:
            continue
        figures.append(
            Figure(
                section=_SUBJECT_OF[match.group()],
                item=governing,
                value=amount.value,
                unit="万元",
                wording=match.group(),
                source=_source(original, sentence, amount.start, amount.end),
                confidence=0.9,
                note="由总额的分项读出",
            )
        )
    return figures


def _prefer_personnel_wording(figures: list[Figure]) -> list[Figure]:
    # 工资福利支出 is the larger part of 人员经费; when the report states 人员经费 itself, the
    # components are not competing statements of it.
    if any(f.item == "personnel" and f.wording == "人员经费" for f in figures):
        return [f for f in figures if not (f.item == "personnel" and f.wording != "人员经费")]
    return figures


# The genre explains an adjustment with 差额的原因 / 调整原因 right after the figures.
_REASON_RE = re.compile(r"差额的?原因|调整的?原因|变动的?原因|调整主要是|主要原因")


def extract_adjustment_reasons(
    original: str, sentences: list[Sentence], phases: list[Figure]
) -> dict[str, Source]:
    """The sentence giving the reason for each section's adjustment, if the report gives one."""
    reasons: dict[str, Source] = {}
    adjusted = [f for f in phases if f.item == "adjusted"]
    if not adjusted:
        return reasons
    paragraph_of = {s.start: s.paragraph for s in sentences}
    stated = _with_match(_REASON_RE, original, sentences)
    for figure in adjusted:
        paragraph = paragraph_of.get(figure.source.sentence_start)
        if figure.section in reasons or paragraph is None:
            continue
        for sentence in stated:
            if sentence.paragraph == paragraph:
                reasons[figure.section] = _source(original, sentence, sentence.start, sentence.end)
                break
    return reasons


# --- 三公经费 -------------------------------------------------------------------------------------

_THREE_PUBLIC_WORDINGS = re.compile(
    r"(?P<budget>年初预算数|年初预算|全年预算数|全年预算|预算数|预算安排|预算)"
    r"|(?P<actual>实际支出数|实际支出|决算数|支出数|执行数|实际|支出|决算|开支)"
)
_THREE_PUBLIC_PART = re.compile(r"因公出国|公务用车|公务接待")
_SUBLIST = re.compile(r"其中")


def extract_three_public(
    text: str,
    original: str,
    sentences: list[Sentence],
    tables: list[Table] | None = None,
    year: int | None = None,
) -> list[Figure]:
    """三公经费 budget and actual, read inside the span that names 三公经费, or in table rows.

    Reports often drop the unit on the second number ("年初预算为9.0万，实际支出为5.26"): it
    then takes the unit of the first. Only the first budget and the first actual of a span are
    the totals: what follows 其中 are its parts (公务接待费…).
    """
    figures: list[Figure] = []
    named = _with_match(_THREE_PUBLIC_RE, text, sentences)
    under_heading = [s for s in sentences if s.context == "three_public" and not s.in_table]
    for sentence in sorted(set(named + under_heading)):
        spans = _three_public_spans(text, sentence)
        if not spans and sentence.context == "three_public":
            body = text[sentence.start : sentence.end]
            if not _THREE_PUBLIC_PART.search(body):
                spans = [(sentence.start, sentence.end)]
        for start, end in spans:
            unit_hint: str | None = None
            found: set[str] = set()
            keyword = _THREE_PUBLIC_RE.search(text, start, end)
            sublist = _SUBLIST.search(text, keyword.end() if keyword else start, end)
            stop = sublist.start() if sublist else end
            for match in _THREE_PUBLIC_WORDINGS.finditer(text, start, stop):
                item = "budget" if match["budget"] else "actual"
                if item in found or _is_comparison(text, start, match.start(), None):
                    continue
                other_year = _year_differs(text, start, match.start(), year)
                amount = _amount_after(text, match.end(), end, unit_hint)
                if amount is None:
                    continue
                unit_hint = "万元" if amount.unit_stated else unit_hint
                found.add(item)
                figure = Figure(
                    section="three_public",
                    item=item,
                    value=amount.value,
                    unit="万元",
                    wording=match.group(),
                    source=_source(original, sentence, amount.start, amount.end),
                    confidence=1.0 if amount.unit_stated else 0.7,
                )
                figures.append(_other_year(figure) if other_year else figure)
    for table in tables or ():
        best: dict[tuple[str, str], TableValue] = {}
        for value in table.values:
            if value.kind == "three_public" and (
                value.key not in best or value.preference < best[value.key].preference
            ):
                best[value.key] = value
        for value in sorted(best.values(), key=lambda v: v.cell.start):
            figures.append(
                Figure(
                    section="three_public",
                    item=value.key[1],
                    value=value.value,
                    unit="万元",
                    wording=value.wording,
                    source=_table_source(original, value),
                    confidence=0.9,
                )
            )
    return figures


# --- fund sources ---------------------------------------------------------------------------------

# Government level -> contract key. Single-character levels only count before 财政 (市财政资金),
# so 市区下达 or 辖区 are never read as a level.
_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
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
_LEVEL_GROUP = "|".join(pattern for pattern, _ in _LEVEL_WORDS)
# "市级财政资金" "中央财政补助资金" "省级专项资金" "县级配套资金" "中央财政" "区级资金"
_FUND_TAIL = (
    r"(?:财政(?:专项|配套|补助|转移支付)?(?:资金|拨款|投入)?"
    r"|(?:专项|配套|补助|转移支付){0,2}(?:补助资金|资金|拨款|投入|补助))"
)
# "资金来源为中央1,000万元、省级500万元": a level right before its amount needs no 资金.
_FUND_RE = re.compile(f"(?P<level>{_LEVEL_GROUP})(?:{_FUND_TAIL}|(?=[为:]?\\s*\\d))")
_FUND_CELL = re.compile(f"(?P<level>{_LEVEL_GROUP}){_FUND_TAIL}?")
_FUND_CONTEXT = re.compile(r"项目|资金来源")


_LEVEL_BY_FIRST = {"中": "central", "省": "provincial", "市": "city", "其": "other"}


def _level_of(match: re.Match[str]) -> str:
    """The contract key of a matched level: 区级 / 县级 / 县(市、区)级 / 本级 are all district."""
    return _LEVEL_BY_FIRST.get(match["level"][0], "district")


def extract_fund_sources(
    text: str,
    original: str,
    sentences: list[Sentence],
    tables: list[Table] | None = None,
    year: int | None = None,
) -> list[FundSource]:
    """Project funds by government level (中央/省级/市级/区级·县级/其他), in 万元.

    Read only in sentences about 项目支出 or 资金来源, and 其他 only beside a named level, so a split
    by type of funds (一般公共预算拨款 … 其他资金) is not mistaken for a split by level.
    """
    found: list[FundSource] = []
    for sentence in _with_match(_FUND_RE, text, sentences):
        if sentence.context != "project" and not _FUND_CONTEXT.search(
            text, sentence.start, sentence.end
        ):
            continue
        in_sentence: list[FundSource] = []
        for match in _FUND_RE.finditer(text, sentence.start, sentence.end):
            if _is_comparison(text, sentence.start, match.start(), year):
                continue
            clause_end = _CLAUSE_END.search(text, match.end(), sentence.end)
            limit = clause_end.start() if clause_end else sentence.end
            amount = _amount_after(text, match.end(), limit, None)
            if amount is None:
                continue
            in_sentence.append(
                FundSource(
                    level=_level_of(match),
                    amount_wan=amount.value,
                    wording=original[match.start() : match.end()],
                    source=_source(original, sentence, amount.start, amount.end),
                )
            )
        if any(f.level != "other" for f in in_sentence):
            found.extend(in_sentence)
    for table in tables or ():
        values = _best_per_row(v for v in table.values if v.kind == "fund")
        if any(v.key[1] != "other" for v in values):
            found.extend(
                FundSource(
                    level=v.key[1],
                    amount_wan=v.value,
                    wording=v.wording,
                    source=_table_source(original, v),
                )
                for v in values
            )
    return found


# --- projects -------------------------------------------------------------------------------------

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
_ITEM_AMOUNT = re.compile(rf"(?P<number>{NUMBER})\s*(?P<unit>{_UNIT})(?![%\d])")
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
    for sentence in _with_match(_PROJECT_WORD, text, sentences):
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
        for value in _best_per_row(v for v in table.values if v.kind == "project"):
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
                        source=_table_source(original, value),
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
    start, end = _strip_span(text, start, end)
    while end > start and text[end - 1] in ";,":
        end -= 1
    return start, end


def _list_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Items of "A x万元，用途；B y万元" or "A x万元、B y万元、C z万元".

    Clauses split at ；. A clause with several amounts and no phase words is a short list: it
    splits after each amount at 、 or ，.
    """
    for c_start, c_end in _clauses(text, Sentence(start, end, 0, None)):
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
    if len(name) < 2 or _NOT_A_PROJECT.search(name) or _FUND_RE.search(name):
        return None
    chosen: tuple[int, re.Match[str]] | None = None
    last_end = name_match.end()
    for amount in _ITEM_AMOUNT.finditer(text, name_match.end(), end):
        if _is_comparison(text, name_match.end(), amount.start(), year):
            continue
        phase = _ITEM_PHASE.search(text, max(last_end, amount.start() - 12), amount.start())
        preference = _PREFERENCE[phase.lastgroup or ""] if phase else 3
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


# --- staffing -------------------------------------------------------------------------------------

# 编制人数为8人 / 核定编制12名 / 实有在职人员17人. 行政编制5人 is a part of the total, not it.
_STAFF_RE = re.compile(
    r"编制人数|编制数|核定编制(?:人)?数|核定编制|编制|实有在职人员|实有在职人数|在职人员|在职人数|实有人员|实有人数"
)
_STAFF_PART_BEFORE = frozenset("政业勤公")  # 行政编制 / 事业编制 / 工勤编制 / 参公编制
_COUNT_AFTER = re.compile(r"(?:为|是|共|有|:|\s){0,3}(?P<count>\d+)\s*(?:人|名)")


def extract_staffing(
    text: str,
    original: str,
    sentences: list[Sentence],
    tables: list[Table] | None = None,
    year: int | None = None,
) -> list[Figure]:
    """Authorized posts (编制) and staff actually employed (实有在职人员), as head counts."""
    figures: list[Figure] = []
    for sentence in _with_match(_STAFF_RE, text, sentences):
        for match in _STAFF_RE.finditer(text, sentence.start, sentence.end):
            word = match.group()
            if word == "编制" and text[match.start() - 1 : match.start()] in _STAFF_PART_BEFORE:
                continue
            if _is_comparison(text, sentence.start, match.start(), None):
                continue
            count = _COUNT_AFTER.match(text, match.end(), sentence.end)
            if not count:
                continue
            figure = Figure(
                section="staffing",
                item="authorized" if "编制" in word else "actual",
                value=Decimal(count["count"]),
                unit="人",
                wording=match.group(),
                source=_source(original, sentence, count.start("count"), count.end()),
            )
            other_year = _year_differs(text, sentence.start, match.start(), year)
            figures.append(_other_year(figure) if other_year else figure)
    for table in tables or ():
        for value in table.values:
            if value.kind == "staffing":
                figures.append(
                    Figure(
                        section="staffing",
                        item=value.key[1],
                        value=value.value,
                        unit="人",
                        wording=value.wording,
                        source=_table_source(original, value),
                        confidence=0.9,
                    )
                )
    return figures


# --- department and year ------------------------------------------------------------------------

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
        lo, hi = _strip_span(original, pos, end)
        if hi > lo:
            lines.append((lo, hi))
        pos = end + 1
    for count, (_, hi) in enumerate(lines[:4], start=1):
        raw = "".join(original[a:b] for a, b in lines[:count])
        if "报告" not in raw and "表" not in raw:
            continue  # the title has not ended yet
        joined = _title_text(raw)
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


def _title_text(title: str) -> str:
    title = re.sub(r"\s+", "", normalise(title))
    return _CHINESE_YEAR.sub(lambda m: m.group().translate(_CHINESE_DIGITS), title)


# --- the whole report ---------------------------------------------------------------------------------


def extract_report(original: str) -> Report:
    """Everything the report states, each figure with its source sentence; checks not yet run."""
    text = normalise(original)
    sentences = split_sentences(text)
    department, year, department_source = extract_department_year(original)
    tables = find_tables(text, sentences, year)
    phases = extract_phases(text, original, sentences, tables, year)
    readings = sorted(
        _drop_other_years(
            phases
            + extract_three_public(text, original, sentences, tables, year)
            + extract_staffing(text, original, sentences, tables, year)
        ),
        key=lambda f: f.source.value_start,
    )
    report = Report(
        department=department,
        year=year,
        readings=readings,
        fund_sources=extract_fund_sources(text, original, sentences, tables, year),
        projects=extract_projects(text, original, sentences, tables, year),
        department_source=department_source,
        adjustment_reasons=extract_adjustment_reasons(original, sentences, phases),
    )
    for figure in readings:
        report.figures.setdefault((figure.section, figure.item), figure)
    _resolve_adjustment_wording(report)
    return report


def _resolve_adjustment_wording(report: Report) -> None:
    """Read 预算调整数 as the size of the adjustment when only that reading adds up.

    Hunan reports use 预算调整数 for the adjusted total (seed: 801.07 = actual); the Ministry's
    framework uses it for the change. When initial + figure = actual (or = another stated adjusted
    total) and figure ≠ actual, the figure is the change, and the adjusted total is
    initial + figure. The reading is replaced too, so it does not count as a conflict.
    """
    tolerance = Decimal("0.005")
    for section in ("basic", "project"):
        initial = report.value(section, "initial")
        actual = report.value(section, "actual")
        if initial is None:
            continue
        others = [
            f.value
            for f in report.readings
            if (f.section, f.item) == (section, "adjusted") and f.wording != "预算调整数"
        ]
        for index, reading in enumerate(report.readings):
            if (reading.section, reading.item) != (section, "adjusted"):
                continue
            if reading.wording != "预算调整数":
                continue
            total = initial + reading.value
            adds_up = (
                actual is not None
                and abs(total - actual) <= tolerance
                and abs(reading.value - actual) > tolerance
            ) or any(abs(total - other) <= tolerance for other in others)
            if not adds_up:
                continue
            resolved = replace(
                reading,
                value=total,
                note=f"预算调整数 {reading.value} 读作调整额：调整后预算 = 年初预算 + 调整额",
                confidence=0.8,
            )
            report.readings[index] = resolved
            if report.figures.get((section, "adjusted")) is reading:
                report.figures[(section, "adjusted")] = resolved
