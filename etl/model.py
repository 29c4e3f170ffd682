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
PROJECT_PHASES: tuple[str, ...] = ("initial", "adjusted", "actual")

# What a document is, by its title and its forms (see GLOSSARY.md, "The documents"). A kind states
# only some phases: a 预算 document the initial budget, a 决算 document actual spending (and often the
# full-year budget), a 项目支出绩效自评表 one project's own figures.
DocumentKind = Literal[
    "self_evaluation_report",  # 部门整体支出绩效自评报告 / 评价报告
    "self_evaluation_form",  # 部门整体支出绩效自评表
    "project_evaluation",  # 项目支出绩效自评表 / 自评报告
    "final_accounts",  # 部门决算 (公开, 情况说明, 编制说明)
    "budget",  # 部门 / 单位预算 (公开说明, 编制说明)
    "three_public",  # “三公”经费 预算 / 决算 情况说明
    "basic_data_form",  # 部门整体支出绩效评价基础数据表
]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    "self_evaluation_report",
    "self_evaluation_form",
    "project_evaluation",
    "final_accounts",
    "budget",
    "three_public",
    "basic_data_form",
)

# The figures each kind is expected to state (the rest it may state, but their absence is no
# gap): a 预算 states the initial budget, a 决算 what was spent, a 自评表 the two sections' three
# phases, a 基础数据表 the staffing; a 项目支出绩效自评表 and a “三公”经费 statement speak of one
# project or one item, so no department figure is expected of them. An unknown kind: all.
_BASIC_AND_PROJECT_PHASES = tuple(
    (section, phase) for section in ("basic", "project") for phase in PROJECT_PHASES
)
KIND_SLOTS: dict[DocumentKind, tuple[tuple[str, str], ...]] = {
    "self_evaluation_report": FIGURE_SLOTS,
    "self_evaluation_form": _BASIC_AND_PROJECT_PHASES,
    "project_evaluation": (),
    "final_accounts": (
        ("basic", "actual"),
        ("basic", "personnel"),
        ("basic", "public"),
        ("project", "actual"),
        ("three_public", "actual"),
    ),
    "budget": (("basic", "initial"), ("project", "initial"), ("three_public", "budget")),
    "three_public": (),
    "basic_data_form": STAFFING_SLOTS,
}


def expected_slots(kind: DocumentKind | None) -> tuple[tuple[str, str], ...]:
    """The figures a document of this kind should state (all of them for an unknown kind)."""
    return FIGURE_SLOTS if kind is None else KIND_SLOTS[kind]


@dataclass(frozen=True)
class Source:
    """Where a value was read: the sentence (or table row) and the value's own character span in
    the text; for a table cell, the row and column labels that name it."""

    sentence: str
    sentence_start: int
    sentence_end: int
    value_start: int
    value_end: int
    row_label: str = ""
    column_label: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sentence": self.sentence,
            "sentence_span": [self.sentence_start, self.sentence_end],
            "value_span": [self.value_start, self.value_end],
        }
        if self.row_label or self.column_label:
            out["row_label"], out["column_label"] = self.row_label, self.column_label
        return out


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
    """One project. `amount_wan` is the figure a project list adds up to (on a 项目支出绩效自评表 its
    全年预算数, in other lists its actual spending when stated); the phases, its 自评得分 and its own
    split by government level are kept where the document states them."""

    name: str
    amount_wan: Decimal
    purpose: str
    source: Source
    initial_wan: Decimal | None = None
    adjusted_wan: Decimal | None = None
    actual_wan: Decimal | None = None
    score: Decimal | None = None
    fund_sources: tuple[FundSource, ...] = ()
    # Where each phase and the score were read: ("initial", source), ("score", source) ...
    sources: tuple[tuple[str, Source], ...] = ()

    def phase(self, item: str) -> Decimal | None:
        """The project's initial / adjusted / actual amount in 万元, or None when not stated."""
        return {
            "initial": self.initial_wan,
            "adjusted": self.adjusted_wan,
            "actual": self.actual_wan,
        }[item]


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
    kind: DocumentKind | None = None
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)
    fund_sources: list[FundSource] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # Every reading of a slot, including repeats; used to flag conflicting statements.
    readings: list[Figure] = field(default_factory=list)
    department_source: Source | None = None
    kind_source: Source | None = None
    # Where the department and the year came from: "title", "field" (a form's 单位名称 …, 评价年度,
    # 2021年实际在职人数), "text" (the first lines, the signature or the site's 发布机构: a guess the
    # user confirms), "user" (typed in at load), "manual" (the hand-entry template) or "" (not
    # found).
    department_from: str = ""
    year_from: str = ""
    # The sentence explaining an adjustment (差额的原因…), by section.
    adjustment_reasons: dict[str, Source] = field(default_factory=dict)
    # Generated by `python -m etl demo` (its text carries etl.load.SYNTHETIC_MARK), not real.
    synthetic: bool = False
    # For a department-year's record (etl.store.records), the kinds of its documents: it is
    # expected to state what any of them should (None: a document whose kind is not known).
    member_kinds: tuple[DocumentKind | None, ...] = ()

    def expected(self) -> tuple[tuple[str, str], ...]:
        """The figures this report should state: its kind's, or its documents' together."""
        if not self.member_kinds:
            return expected_slots(self.kind)
        wanted = {slot for kind in self.member_kinds for slot in expected_slots(kind)}
        return tuple(slot for slot in FIGURE_SLOTS if slot in wanted)

    def value(self, section: str, item: str) -> Decimal | None:
        """The figure's value, or None when the report does not state it."""
        fig = self.figures.get((section, item))
        return fig.value if fig else None
