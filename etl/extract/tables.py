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

The parts: cells.py cuts lines into cells and finds the ways a run of digits splits, columns.py
reads headers, align.py puts a row's values under its columns (keeping the one split the arithmetic
confirms) and fields.py reads the form fields. This module holds Table and Layout, read_tables and
the row readers.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from etl.amounts import NUMBER, to_wan
from etl.extract.align import align, arithmetic, fits
from etl.extract.cells import (
    HEADER_WORD,
    NUMBER_IN_CELL,
    Cell,
    all_line_cells,
    is_prose,
    without_trailing_empties,
)
from etl.extract.columns import (
    Column,
    find_header,
    holds_header,
    is_header_line,
    is_new_header,
    labels_under_first,
    merge_wrapped,
    read_column,
)
from etl.extract.fields import Field, read_fields
from etl.extract.wording import field_kind, row_kind, row_label
from etl.model import Source

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
    match = NUMBER_IN_CELL.search(cell.text)
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
    lines = all_line_cells(text)
    layout = Layout(lines)
    stream = [cell for cells in lines for cell in cells]
    layout.fields = list(read_fields(stream))
    if not any(cell.kind in _ROW_VALUE_KINDS for cell in stream):
        # Every table row, named value and head count holds a number cell: a report of prose
        # lines only (most of them) holds no table, and the passes looking for one are spared.
        return layout
    position = 0
    while position < len(stream):
        header_at = find_header(stream, position)
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
        elif subject is not None and cell.kind == "text" and HEADER_WORD.fullmatch(cell.text):
            column = read_column(cell)
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


# What stands between two cells: a tab, a pipe, two spaces or more, or a line end.
_CELL_GAP = re.compile(r"[ \u3000\xa0]*(?:[\t|\n]|[ \u3000\xa0]{2})[ \t|\n\u3000\xa0]*")


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


# --- a table after its header -----------------------------------------------------------------

_UNIT_NOTE = re.compile(
    r"(?:单位|金额单位|计量单位)\s*[:：]?\s*(亿元|万元|元)|[(（](亿元|万元|元)[)）]"
)


# "单位：万元" may stand anywhere above a form (in its title block): the nearest one before it.
_UNIT_ANYWHERE = re.compile(r"(?:单位|金额单位)\s*[:：]\s*(亿元|万元|元)")


def _unit_in_text(text: str, before: int) -> str | None:
    found = None
    for match in _UNIT_ANYWHERE.finditer(text, 0, before):
        found = match[1]
    return found


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
        header_cells, wrapped = merge_wrapped(header_cells, stream, last)
    columns = [read_column(c) for c in header_cells]
    # The cells before the first column word name the rows: they are not value columns.
    lead = next((i for i, c in enumerate(columns) if c.holds_values), 0)
    if line_mode and lead == 0 and labels_under_first(stream, last + 1 + wrapped, len(columns)):
        lead = 1  # "年度预算执行（万元） | 年初预算数 | …" over rows named in that first column
    corner, columns = header_cells[:lead], columns[lead:]
    while len(columns) > 1 and not columns[-1].cell.text:
        columns.pop()  # "| |||" after the last header cell: no column there
    serial = any(read_column(c).kind == "serial" for c in corner)
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


# --- the row readers --------------------------------------------------------------------------


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
        all_fit = all(fits(cell, self.columns[i], False) for i, cell in placed.items())
        return placed if all_fit and arithmetic(placed, self.columns) is not False else {}

    def add(self, labels: list[Cell], cells: list[Cell]) -> None:
        """A row of `cells` (values, and text cells in text columns) named by `labels`."""
        if not any(c.kind in ("number", "percent", "run") for c in cells):
            return
        while len(cells) > len(self.columns) and cells[-1].kind == "empty":
            cells = cells[:-1]  # "| |||" after the last cell: nothing in them
        start = labels[0].start if labels else cells[0].start
        self.last = (labels, cells, start)
        assigned = self._placed(cells) or align(cells, self.columns)
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
            if any(is_prose(c) for c in cells[:1]) or is_header_line(cells) or holds_header(cells):
                break
            if (
                self.lead
                and cells[0].kind == "empty"
                and len(without_trailing_empties(cells)) <= self.lead + len(self.columns)
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
            before = without_trailing_empties(self.last[1]) if self.last else []
            if (
                not labels
                and not pending
                and self.last
                and len(before) + len(without_trailing_empties(cells)) <= len(self.columns)
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
            and not is_prose(cell)
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
            if is_new_header(stream, position):
                break
            if cell.kind == "text":
                if is_prose(cell):
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
