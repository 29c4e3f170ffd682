"""The standard indicators of 财预〔2013〕53号 as data: each is Σ numerator_coef·x ÷
Σ denominator_coef·x over the figures x its terms name. The loader writes FORMULAS into the table
indicator_formulas, where every view computes from them; the checks evaluate the same rows here.

预算调整率 = (调整后 − 年初) ÷ 年初 is an upper bound: adjustments exempt under the rules (national
policy, force majeure, tasks from above) are not itemised in the reports.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple


class Term(NamedTuple):
    indicator: str
    indicator_order: int
    scope: str  # basic / project / total, or the section the indicator is about
    term: int
    section: str
    item: str
    year_offset: int  # 0: the same report; -1: the department's report of the year before
    numerator_coef: int
    denominator_coef: int


def _ratio(
    indicator: str, order: int, scope: str, terms: list[tuple[str, str, int, int]]
) -> list[Term]:
    """Same-year terms (section, item, numerator_coef, denominator_coef), numbered in order."""
    return [
        Term(indicator, order, scope, n, section, item, 0, numerator, denominator)
        for n, (section, item, numerator, denominator) in enumerate(terms, start=1)
    ]


def _phases(indicator: str, order: int, over: str, under: str, *, change: bool) -> list[Term]:
    """A rate of two phases per section and for the total: over ÷ under, or (over − under) ÷ under."""
    terms: list[Term] = []
    for scope, sections in (
        ("basic", ["basic"]),
        ("project", ["project"]),
        ("total", ["basic", "project"]),
    ):
        rows = [(s, over, 1, 0) for s in sections] + [
            (s, under, -1 if change else 0, 1) for s in sections
        ]
        terms += _ratio(indicator, order, scope, rows)
    return terms


FORMULAS: tuple[Term, ...] = (
    *_phases("execution_rate", 1, "actual", "adjusted", change=False),
    *_phases("adjustment_rate", 2, "adjusted", "initial", change=True),
    *_ratio(
        "three_public_control_rate",
        3,
        "three_public",
        [("three_public", "actual", 1, 0), ("three_public", "budget", 0, 1)],
    ),
    *_ratio(
        "staff_control_rate",
        4,
        "staffing",
        [("staffing", "actual", 1, 0), ("staffing", "authorized", 0, 1)],
    ),
    Term("three_public_change_rate", 5, "three_public", 1, "three_public", "actual", 0, 1, 0),
    Term("three_public_change_rate", 5, "three_public", 2, "three_public", "actual", -1, -1, 1),
    *_ratio(
        "personnel_share", 6, "basic", [("basic", "personnel", 1, 0), ("basic", "actual", 0, 1)]
    ),
)


def evaluate(
    indicator: str, scope: str, value: Callable[[str, str], Decimal | None]
) -> Decimal | None:
    """A same-year indicator from the figures `value(section, item)` gives, exact; None when an
    input is missing or the denominator is 0 (as indicator_value() in SQL).

    >>> figures = {("basic", "initial"): Decimal("487.51"), ("basic", "adjusted"): Decimal("801.07")}
    >>> round(evaluate("adjustment_rate", "basic", lambda s, i: figures.get((s, i))), 4)
    Decimal('0.6432')
    """
    terms = [t for t in FORMULAS if (t.indicator, t.scope) == (indicator, scope)]
    if not terms or any(t.year_offset for t in terms):
        raise ValueError(f"not a same-year indicator: {indicator} ({scope})")
    values = [value(t.section, t.item) for t in terms]
    if any(v is None for v in values):
        return None
    stated = [v for v in values if v is not None]
    numerator = sum((t.numerator_coef * v for t, v in zip(terms, stated, strict=True)), Decimal(0))
    denominator = sum(
        (t.denominator_coef * v for t, v in zip(terms, stated, strict=True)), Decimal(0)
    )
    return None if denominator == 0 else numerator / denominator
