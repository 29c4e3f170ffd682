"""A row's value cells put under the header's columns: by position when there is one per column,
else by what each column can hold and the form's own arithmetic (执行率 = 执行数 ÷ 预算数)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import combinations

from etl.extract.cells import Cell, cell_kind
from etl.extract.columns import Column


def fits(cell: Cell, column: Column, whole: bool) -> bool:
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


def align(values: list[Cell], columns: list[Column]) -> dict[int, Cell]:
    """The value cells by column index: by position when there is one per column, else the one
    assignment the columns' kinds and the row's arithmetic allow; uncertain values are dropped."""
    candidates: list[dict[int, Cell]] = []
    for expanded in _expansions(values):
        if len(expanded) > len(columns):
            continue
        for chosen in combinations(range(len(columns)), len(expanded)):
            assignment = dict(zip(chosen, expanded, strict=True))
            whole = len(expanded) == len(columns)
            if all(fits(cell, columns[i], whole) for i, cell in assignment.items()):
                candidates.append(assignment)
    if not candidates:
        return {}
    verdicts = [arithmetic(c, columns) for c in candidates]
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
                kind, unit = cell_kind(piece)
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


def arithmetic(assignment: dict[int, Cell], columns: list[Column]) -> bool | None:
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
