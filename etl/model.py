"""The extraction model: what one report says, with where each figure was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

# Contract slots: (section, item). Amount slots are in 万元, staffing slots in persons.
AMOUNT_SLOTS: tuple[tuple[str, str], ...] = (
    ("basic", "initial"),
    ("basic", "adjusted"),
    ("basic", "actual"),
    ("basic", "personnel"),
    ("basic", "public"),
    ("project", "initial"),
    ("project", "adjusted"),
    ("project", "actual"),
    ("three_public", "budget"),
    ("three_public", "actual"),
)
STAFFING_SLOTS: tuple[tuple[str, str], ...] = (
    ("staffing", "authorized"),
    ("staffing", "actual"),
)
FIGURE_SLOTS = AMOUNT_SLOTS + STAFFING_SLOTS
FUND_LEVELS: tuple[str, ...] = ("central", "provincial", "city", "district", "other")


@dataclass(frozen=True)
class Source:
    """Where a value was read: the sentence and the value's own character span in the text."""

    sentence: str
    sentence_start: int
    sentence_end: int
    value_start: int
    value_end: int

    def to_json(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "sentence_span": [self.sentence_start, self.sentence_end],
            "value_span": [self.value_start, self.value_end],
        }


@dataclass(frozen=True)
class Figure:
    """One scalar figure: an amount in 万元 or a head count."""

    section: str
    item: str
    value: Decimal
    unit: str  # "万元" or "人"
    wording: str  # the keyword the value followed, e.g. 预算调整数
    source: Source
    confidence: float = 1.0
    note: str = ""


@dataclass(frozen=True)
class FundSource:
    level: str  # one of FUND_LEVELS
    amount_wan: Decimal
    wording: str  # e.g. 市级财政资金
    source: Source


@dataclass(frozen=True)
class Project:
    name: str
    amount_wan: Decimal
    purpose: str
    source: Source


@dataclass(frozen=True)
class Check:
    """One reconciliation rule applied to a report; `passed` rules are kept for the audit view."""

    rule: str
    severity: Severity
    passed: bool
    message: str
    expected_wan: Decimal | None = None
    actual_wan: Decimal | None = None
    difference_wan: Decimal | None = None
    fields: tuple[str, ...] = ()


@dataclass
class Report:
    department: str | None
    year: int | None
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)
    fund_sources: list[FundSource] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # Every reading of a slot, including repeats; used to flag conflicting statements.
    readings: list[Figure] = field(default_factory=list)
    department_source: Source | None = None
    # The sentence explaining an adjustment (差额的原因…), by section.
    adjustment_reasons: dict[str, Source] = field(default_factory=dict)

    def value(self, section: str, item: str) -> Decimal | None:
        """The figure's value, or None when the report does not state it."""
        fig = self.figures.get((section, item))
        return fig.value if fig else None
