"""Ruled tables: a PDF page's table cells rebuilt from the lines drawn around them.

A PDF knows no tables: a form comes out as text runs and the strokes of its borders. Printed
line by line, a cell whose text wraps ("年度资金总" / "额") splits its row in two and a label merged
over several rows ("项目资金（万元）") lands in the middle of them. The borders say where each cell
is: every horizontal and vertical stroke is collected, the strokes that touch form a grid, and a
grid line missing inside a band means two cells are one (a merged cell). Each text run then goes
to the cell around its centre, and the table comes back one row per line, cells separated by a
tab, a merged cell's text in its first row and column and empty cells in the others (as the
.docx reader writes Word's merged cells).

Pure geometry, PDF points (origin bottom left): readers.py hands in the strokes and text runs.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

TOLERANCE = 1.5  # points: strokes this close are one line; a cell border drawn twice is one


@dataclass(frozen=True)
class Run:
    """A run of text on the page and its box."""

    left: float
    bottom: float
    right: float
    top: float
    text: str


@dataclass
class Table:
    """One ruled table: its rows (cells as text) and its box."""

    rows: list[list[str]]
    row_tops: list[float]
    left: float
    bottom: float
    right: float
    top: float
    runs: set[int] = field(default_factory=set)  # indexes of the runs read into it


Stroke = tuple[float, float, float]  # (position, start, end): y, x0, x1 or x, y0, y1


def tables(horizontal: list[Stroke], vertical: list[Stroke], runs: list[Run]) -> list[Table]:
    """The ruled tables the strokes draw, each with the text runs inside it.

    >>> h = [(100, 0, 200), (80, 0, 200), (60, 0, 200)]
    >>> v = [(0, 60, 100), (100, 60, 100), (200, 60, 100)]
    >>> runs = [Run(10, 85, 40, 95, "项目"), Run(110, 85, 150, 95, "金额"),
    ...         Run(10, 65, 40, 75, "合计"), Run(110, 65, 150, 75, "12.5")]
    >>> tables(h, v, runs)[0].rows
    [['项目', '金额'], ['合计', '12.5']]
    """
    found = []
    for hs, vs in _components(_merge(horizontal), _merge(vertical)):
        table = _table(hs, vs, runs)
        if table is not None:
            found.append(table)
    return found


def _merge(strokes: list[Stroke]) -> list[Stroke]:
    """Collinear strokes that overlap or touch, as one."""
    merged: list[Stroke] = []
    for position, start, end in sorted(strokes, key=lambda s: (round(s[0] / TOLERANCE), s[1])):
        if merged:
            p, s, e = merged[-1]
            if abs(p - position) <= TOLERANCE and start <= e + TOLERANCE:
                merged[-1] = (p, s, max(e, end))
                continue
        merged.append((position, min(start, end), max(start, end)))
    return merged


def _touch(h: Stroke, v: Stroke) -> bool:
    return (
        h[1] - TOLERANCE <= v[0] <= h[2] + TOLERANCE
        and v[1] - TOLERANCE <= h[0] <= v[2] + TOLERANCE
    )


def _components(hs: list[Stroke], vs: list[Stroke]) -> list[tuple[list[Stroke], list[Stroke]]]:
    """Groups of strokes that touch one another: one group per table."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touch(h, v):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Stroke], list[Stroke]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _levels(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > TOLERANCE:
            out.append(value)
    return out


def _covers(strokes: list[Stroke], position: float, start: float, end: float) -> bool:
    """Whether a stroke at `position` runs along the middle of [start, end]."""
    middle = (start + end) / 2
    return any(
        abs(p - position) <= TOLERANCE and s - TOLERANCE <= middle <= e + TOLERANCE
        for p, s, e in strokes
    )


def _table(hs: list[Stroke], vs: list[Stroke], runs: list[Run]) -> Table | None:
    xs = _levels([v[0] for v in vs])
    ys = _levels([h[0] for h in hs])[::-1]  # top first
    if len(xs) < 3 or len(ys) < 3:
        return None  # a frame or a single box: not a table of rows and columns
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covers(vs, xs[c + 1], ys[r + 1], ys[r]):
                parent[find(r * cols + c + 1)] = find(r * cols + c)  # no border: one cell
            if r + 1 < rows and not _covers(hs, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    # Each merged cell is named by its top-left base cell.
    anchor: dict[int, int] = {}
    for i in range(rows * cols):
        root = find(i)
        anchor[root] = min(anchor.get(root, i), i)
    texts: dict[int, list[tuple[float, float, str]]] = {}
    left, right, bottom, top = xs[0], xs[-1], ys[-1], ys[0]
    used: set[int] = set()
    descending = [-y for y in ys]
    for index, run in enumerate(runs):
        x, y = (run.left + run.right) / 2, (run.bottom + run.top) / 2
        if not (left < x < right and bottom < y < top):
            continue
        c = bisect_right(xs, x) - 1
        r = bisect_right(descending, -y) - 1
        if not (0 <= r < rows and 0 <= c < cols):
            continue
        cell = anchor[find(r * cols + c)]
        texts.setdefault(cell, []).append((-run.top, run.left, run.text))
        used.add(index)
    if not used:
        return None
    out_rows: list[list[str]] = []
    tops: list[float] = []
    for r in range(rows):
        cells = []
        for c in range(cols):
            base = r * cols + c
            cell = anchor[find(base)]
            cells.append(_join(texts.get(cell, [])) if cell == base else "")
        if any(cells):
            out_rows.append(cells)
            tops.append(ys[r])
    return Table(out_rows, tops, left, bottom, right, top, used)


def _join(parts: list[tuple[float, float, str]]) -> str:
    """A cell's runs in reading order, wrapped lines joined (a space only between Latin/digits)."""
    out = ""
    for _, _, text in sorted(parts, key=lambda p: (round(p[0] / 3), p[1])):
        text = text.strip()
        if out and text and (out[-1].isascii() and out[-1].isalnum()) and text[0].isascii():
            out += " "
        out += text
    return out.replace("\t", " ")
