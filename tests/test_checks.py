"""Reconciliation rules, table-driven on hand-built reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.checks import check_report
from etl.model import Figure, FundSource, Project, Report, Source

SOURCE = Source("test", 0, 4, 0, 4)


def make_report(
    figures: dict[str, str],
    funds: dict[str, str] | None = None,
    projects: list[str] | None = None,
) -> Report:
    report = Report(department="测试局", year=2021)
    for key, value in figures.items():
        section, item = key.split(".")
        figure = Figure(section, item, Decimal(value), "万元", "w", SOURCE)
        report.figures[(section, item)] = figure
        report.readings.append(figure)
    report.fund_sources = [
        FundSource(level, Decimal(v), level, SOURCE) for level, v in (funds or {}).items()
    ]
    report.projects = [
        Project(f"项目{i}", Decimal(v), "", SOURCE) for i, v in enumerate(projects or [])
    ]
    return report


def failing(report: Report) -> dict[str, str]:
    return {c.rule: c.severity for c in check_report(report) if not c.passed}


def passing(report: Report) -> set[str]:
    return {c.rule for c in check_report(report) if c.passed}


BASIC = {"basic.initial": "100", "basic.adjusted": "110", "basic.actual": "110"}


@pytest.mark.parametrize(
    ("figures", "rule", "outcome"),
    [
        pytest.param(
            BASIC | {"basic.personnel": "100", "basic.public": "10"},
            "personnel_public_sum",
            "pass",
            id="personnel-public-adds-up",
        ),
        pytest.param(
            BASIC | {"basic.personnel": "100", "basic.public": "9.99"},
            "personnel_public_sum",
            "warning",
            id="personnel-public-off-by-a-fen",
        ),
        pytest.param(
            BASIC | {"basic.personnel": "100", "basic.public": "10.004"},
            "personnel_public_sum",
            "pass",
            id="within-tolerance",
        ),
        pytest.param(
            {"three_public.budget": "9", "three_public.actual": "9.5"},
            "three_public_over_budget",
            "warning",
            id="three-public-over",
        ),
        pytest.param(
            {"three_public.budget": "9", "three_public.actual": "9"},
            "three_public_over_budget",
            "pass",
            id="three-public-at-budget",
        ),
        pytest.param(
            {"project.adjusted": "10", "project.actual": "12"},
            "actual_over_adjusted",
            "warning",
            id="overspent",
        ),
        pytest.param(
            {"basic.initial": "100", "basic.adjusted": "131"},
            "adjustment_rate_high",
            "warning",
            id="adjusted-31-percent",
        ),
        pytest.param(
            {"basic.initial": "100", "basic.adjusted": "130"},
            "adjustment_rate_high",
            "pass",
            id="adjusted-30-percent",
        ),
    ],
)
def test_rule(figures: dict[str, str], rule: str, outcome: str) -> None:
    report = make_report(figures)
    if outcome == "pass":
        assert rule in passing(report)
        assert rule not in failing(report)
    else:
        assert failing(report)[rule] == outcome


def test_breakdowns_reconcile_against_adjusted_or_actual() -> None:
    figures = {"project.initial": "50", "project.adjusted": "60", "project.actual": "55"}
    assert "fund_sources_sum" in passing(
        make_report(figures, funds={"city": "30", "district": "25"})
    )
    assert "projects_sum" in passing(make_report(figures, projects=["40", "20"]))
    report = make_report(figures, projects=["40", "21"])
    (check,) = [c for c in check_report(report) if c.rule == "projects_sum"]
    assert (check.severity, check.difference_wan) == ("warning", Decimal("1"))
    assert "相差 1.00 万元" in check.message


def test_no_figures_no_arithmetic_checks_but_missing_is_reported() -> None:
    checks = check_report(Report(department=None, year=None))
    assert [c.rule for c in checks] == ["missing_figures"]
    assert "年度" in checks[0].message and "部门名称" in checks[0].message


def test_adjustment_with_stated_reason_is_info() -> None:
    report = make_report({"project.initial": "10", "project.adjusted": "40"})
    report.adjustment_reasons["project"] = Source("差额的原因：上年结转", 0, 10, 0, 10)
    (check,) = [c for c in check_report(report) if c.rule == "adjustment_rate_high"]
    assert (check.passed, check.severity) == (False, "info")
    assert "上年结转" in check.message


def test_zero_initial_gives_no_rate() -> None:
    report = make_report({"basic.initial": "0", "basic.adjusted": "10"})
    assert "adjustment_rate_high" not in {c.rule for c in check_report(report)}


@pytest.mark.parametrize(
    ("kind", "figures", "missing"),
    [
        # A 预算 states the initial budget: no actual spending is due.
        ("budget", {"basic.initial": "100", "project.initial": "50"}, ["三公经费预算"]),
        # A 决算 states what was spent: no initial budget is due.
        (
            "final_accounts",
            {"basic.actual": "90", "basic.personnel": "60", "basic.public": "30"},
            ["项目支出实际支出", "三公经费实际支出"],
        ),
        # A project's own form speaks of one project: no department figure is due.
        ("project_evaluation", {}, []),
    ],
    ids=["budget", "final-accounts", "project-form"],
)
def test_missing_figures_asks_only_what_the_kind_states(
    kind: str, figures: dict[str, str], missing: list[str]
) -> None:
    report = make_report(figures)
    report.kind = kind  # type: ignore[assignment]
    found = [c for c in check_report(report) if c.rule == "missing_figures"]
    if not missing:
        assert found == []
        return
    (check,) = found
    for slot in missing:
        assert slot in check.message, check.message
    assert f"未识别 {len(missing)} 项" in check.message


def test_every_kind_has_a_label_and_its_expected_figures() -> None:
    from etl import labels
    from etl.model import DOCUMENT_KINDS, FIGURE_SLOTS, KIND_SLOTS

    assert set(KIND_SLOTS) == set(DOCUMENT_KINDS) == set(labels.LABELS["kind"])
    assert all(set(slots) <= set(FIGURE_SLOTS) for slots in KIND_SLOTS.values())
