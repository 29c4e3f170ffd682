"""A header's columns: the Column a header cell names, whether a line or a run of cells is a header
(or a wrapped one), and where the next header in a text's cell stream starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from etl.extract.cells import Cell, is_column_word, is_prose, without_trailing_empties
from etl.extract.wording import HEADER_KINDS, column_kind

# --- columns ----------------------------------------------------------------------------------


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


_COLUMN_UNIT = re.compile(r"(亿元|万元|元)")


_POINTS = re.compile(r"(\d+)\s*分")


def read_column(cell: Cell) -> Column:
    """The column a header cell names: its kind, item, year, unit and (for scores) points."""
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


# --- headers ----------------------------------------------------------------------------------


def find_header(stream: list[Cell], position: int) -> tuple[int, int, bool] | None:
    """The next header at or after `position`: (first, last) cell index and whether its rows
    come one per line.

    A header is two or more column words on one line (the line's other words before them name
    the row-label column; text columns such as 原因 after them belong to it), or, in a form
    flattened one cell per line, two or more column words on consecutive lines.
    """
    index = position
    while index < len(stream):
        cell = stream[index]
        if not is_column_word(cell):
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
        words = [i for i in range(start, end + 1) if is_column_word(stream[i])]
        if is_header_line(on_line):
            first = start
            while first < words[0] and (stream[first].kind != "text" or is_prose(stream[first])):
                first += 1
            last = words[-1]
            while (
                last < end
                and stream[last + 1].kind in ("text", "empty")
                and (
                    stream[last + 1].kind == "empty" or read_column(stream[last + 1]).kind == "text"
                )
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
            strong = int(read_column(cell).kind in _STRONG)
            while probe < len(stream) and stream[probe].line - stream[probe - 1].line <= 4:
                following = stream[probe]
                if (
                    is_column_word(following)
                    and read_column(stream[last]).kind != "text"
                    and not _row_after_columns(stream[index : last + 1], following)
                ):
                    last, strong = probe, strong + int(read_column(following).kind in _STRONG)
                elif following.kind == "empty" or (
                    following.kind == "text"
                    and read_column(following).kind == "text"
                    and strong > 1
                ):
                    last = probe if following.kind == "text" else last
                else:
                    break
                probe += 1
            if strong >= 2:
                return index, last, False
        index = end + 1
    return None


def labels_under_first(stream: list[Cell], position: int, width: int) -> bool:
    """Whether the line after a header, one cell under each header cell, starts with words:
    then the header's first cell names the rows, whatever its words say."""
    if position >= len(stream):
        return False
    line = stream[position].line
    row = [c for c in stream[position : position + width + 1] if c.line == line]
    return (
        len(row) == width
        and row[0].kind == "text"
        and not is_prose(row[0])
        and any(c.kind in ("number", "percent", "run") for c in row[1:])
    )


def merge_wrapped(header: list[Cell], stream: list[Cell], last: int) -> tuple[list[Cell], int]:
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
        and not any(is_column_word(c) and column_kind(c.text)[0] != "phase" for c in following)
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
    words = without_trailing_empties(following)
    group = next((i for i, c in enumerate(header) if read_column(c).kind == "change"), None)
    if (
        group is None
        or len(words) < 2
        or len({c.line for c in following}) != 1
        or following[0].line == header[-1].line
        or not all(is_column_word(c) and read_column(c).kind in ("change", "rate") for c in words)
        or any(c.text for c in header[group + 1 : group + len(words)])
        or group + len(words) > len(header)
    ):
        return None
    return [*header[:group], *words, *header[group + len(words) :]]


def _header_run(stream: list[Cell], index: int, end: int) -> int | None:
    """The last cell of two or more header words from `index` on, within one line, or None."""
    last, words = index, int(read_column(stream[index]).kind in _STRONG)
    probe = index + 1
    while probe <= end:
        cell = stream[probe]
        if is_column_word(cell) and not _row_after_columns(stream[index : last + 1], cell):
            last, words = probe, words + int(read_column(cell).kind in _STRONG)
        elif not (
            cell.kind == "empty" or (cell.kind == "text" and read_column(cell).kind == "text")
        ):
            break
        probe += 1
    return last if words >= 2 else None


# Column words that only a header holds (a row label may read 合计 or 基本支出, never 全年执行数).
_STRONG = frozenset({"phase", "prior", "score", "rate", "staff"})


def holds_header(cells: list[Cell]) -> bool:
    """Whether a line holds a run of header words before its cells (a new table starts)."""
    return any(
        is_column_word(cell) and _header_run(cells, index, len(cells) - 1) is not None
        for index, cell in enumerate(cells)
    )


def _is_corner(cell: Cell) -> bool:
    return cell.kind == "text" and not is_prose(cell) and not is_column_word(cell)


def _row_after_columns(header: list[Cell], cell: Cell) -> bool:
    """Whether a column word, one cell per line after phase columns, is the first row's label:
    "年度资金总额" or "基本支出" after 年初预算数 / 全年预算数 name a row, not a column."""
    kinds = {read_column(c).kind for c in header}
    return "phase" in kinds and read_column(cell).kind in (
        "amount",
        "section",
        "basic_part",
        "three_public",
    )


def is_header_line(cells: list[Cell]) -> bool:
    """Whether a line's cells are a header: two or more column words, or a list's header (one
    money column after the column naming the rows: "资金来源 | 金额") alone on its line."""
    if any(c.kind in ("number", "percent", "run") for c in cells):
        return False
    words = [i for i, c in enumerate(cells) if is_column_word(c)]
    if len(words) >= 2:
        return True
    return (
        len(words) == 1
        and len(cells) >= 2
        and any(_is_label_word(c) for c in cells[: words[0]])
        and all(c.kind in ("text", "empty") and not is_prose(c) for c in cells)
    )


def is_new_header(stream: list[Cell], position: int) -> bool:
    """Two column words in a row, one of them only a header holds: "其他资金" then "基本支出"
    are two row labels (a row left empty, then the next), not a header."""
    return (
        is_column_word(stream[position])
        and position + 1 < len(stream)
        and is_column_word(stream[position + 1])
        and bool(
            {read_column(stream[position]).kind, read_column(stream[position + 1]).kind} & _STRONG
        )
    )
