"""Tables: rows of cells under a header row, each amount cell named by its row label and
column header, with the cell's span."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from etl.amounts import to_wan
from etl.extract.layout import CELL_EMPTY, CELL_NUMBER, SPACES, Sentence, is_number_cell, strip_span
from etl.extract.wording import column_kind, row_kind
from etl.model import Source


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


_UNIT_NOTE = re.compile(r"(?:单位|金额单位)\s*[:]?\s*(亿元|万元|元)|\((亿元|万元|元)\)")
_COLUMN_UNIT = re.compile(r"(亿元|万元|元)")


def _cells(text: str, start: int, end: int) -> list[Cell]:
    line = text[start:end]
    cells: list[Cell] = []
    if "\t" in line:
        pos = start
        for part in line.split("\t"):
            lo, hi = strip_span(text, pos, pos + len(part))
            cells.append(Cell(text[lo:hi], lo, hi))
            pos += len(part) + 1
        return cells
    tokens = list(re.finditer(r"\S+", line))
    numbers = [is_number_cell(m.group()) or bool(CELL_EMPTY.fullmatch(m.group())) for m in tokens]
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
        stripped = line.strip(SPACES)
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
        CELL_NUMBER.fullmatch(c.text) for c in row.cells
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
        and not any(CELL_NUMBER.fullmatch(t) for t in texts)
        and sum(column_kind(t, None)[0] not in ("other",) for t in texts) >= 2
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


# When a row gives several phases and the contract has one number, the actual spend wins.
PREFERENCE = {"actual": 0, "adjusted": 1, "initial": 2, "": 3}


def _table_values(table: Table, year: int | None) -> Iterator[TableValue]:
    """Every amount or count cell that a row label and a column header together name."""
    header = table.header
    columns = [column_kind(c.text, year) for c in header.cells] if header else []
    column_units = [_column_unit(c.text) for c in header.cells] if header else []
    labels = [_label_cell(row, columns) for row in table.rows]
    row_kinds = [row_kind(label.text) if label else ("none", "") for label in labels]
    is_three_public = table.context == "three_public" or any(
        kind == "three_public_part" for kind, _ in row_kinds
    )
    header_text = " ".join(c.text for c in header.cells) if header else ""
    is_project = "项目名称" in header_text or (
        table.context == "project" and (not header or any(k == "label" for k, _ in columns))
    )
    data_rows = sum(kind not in ("total", "staff_part") for kind, _ in row_kinds)
    for row, label, (kind_of_row, row_item) in zip(table.rows, labels, row_kinds, strict=True):
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
            number = CELL_NUMBER.fullmatch(cell.text)
            if not number:
                continue
            wording = header.cells[index].text if header and index < len(header.cells) else ""
            label_text = label.text if label else ""
            if kind_of_row == "staff" or col_kind == "staff":
                # 编制数 | 实有人数 over one row, or over a 合计 row below the parts.
                if kind_of_row == "staff":
                    item, wording = row_item, label_text
                elif kind_of_row == "total" or (
                    data_rows == 1 and kind_of_row not in ("staff_part", "total")
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
            kind, item = kind_of_row, row_item
            phase = col_item if col_kind == "phase" else None
            if kind_of_row == "phase" and col_kind in ("section", "basic_part", "three_public"):
                phase, kind, item, wording = row_item, col_kind, col_item, label_text
            elif kind_of_row == "phase" and col_kind == "total" and is_three_public:
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
        if CELL_NUMBER.fullmatch(cell.text):
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
    preference = PREFERENCE[phase or ""]
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


def best_per_row(values: Iterable[TableValue]) -> list[TableValue]:
    """For each (row, key), the cell with the best preference, in table order."""
    best: dict[tuple[int, tuple[str, str]], TableValue] = {}
    for value in values:
        key = (value.row.start, value.key)
        if key not in best or value.preference < best[key].preference:
            best[key] = value
    return sorted(best.values(), key=lambda v: (v.row.start, v.cell.start))


def table_source(original: str, value: TableValue) -> Source:
    row = value.row
    return Source(
        original[row.start : row.end], row.start, row.end, value.cell.start, value.cell.end
    )
