"""Reconciliation rules: Report -> list[Check]. Rule names are stable; scripts rely on them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from etl import config, indicators, labels
from etl.model import FIGURE_SLOTS, Check, Report

TOLERANCE_WAN = config.TOLERANCE_WAN
# Stable rule names: scripts and the README rely on them.
RULE_NAMES = (
    "personnel_public_sum",
    "fund_sources_sum",
    "projects_sum",
    "three_public_over_budget",
    "actual_over_adjusted",
    "adjustment_rate_high",
    "conflicting_values",
    "missing_figures",
)
ADJUSTMENT_RATE_LIMIT = config.ADJUSTMENT_RATE_LIMIT
SECTION_LABELS = labels.SECTION_LABELS
SLOT_LABELS = labels.SLOT_LABELS


fmt = labels.format_wan  # a 万元 amount as the UI writes it: 1,234.50


def _sum_check(
    rule: str, parts_label: str, parts: list[Decimal], totals: list[tuple[str, Decimal]]
) -> list[Check]:
    """Parts against the stated totals: passes when they add up to any one of them.

    A breakdown may be of the adjusted budget or of actual spending (reports do both), so a
    breakdown that matches either is consistent; otherwise it is reported against the first.
    """
    if not totals:
        return []
    parts_sum = sum(parts, Decimal(0))
    matched = [(label, total) for label, total in totals if abs(parts_sum - total) <= TOLERANCE_WAN]
    label, total = matched[0] if matched else totals[0]
    difference = parts_sum - total
    verdict = "一致" if matched else f"相差 {fmt(abs(difference))} 万元"
    return [
        Check(
            rule=rule,
            severity="info" if matched else "warning",
            passed=bool(matched),
            message=f"{parts_label}合计 {fmt(parts_sum)} 万元，{label} {fmt(total)} 万元：{verdict}",
            expected_wan=total,
            actual_wan=parts_sum,
            difference_wan=difference,
        )
    ]


def _totals(report: Report, section: str) -> list[tuple[str, Decimal]]:
    """The stated totals a breakdown may add up to: adjusted, and actual when it differs."""
    out: list[tuple[str, Decimal]] = []
    for item in ("adjusted", "actual"):
        value = report.value(section, item)
        if value is not None and all(abs(value - v) > TOLERANCE_WAN for _, v in out):
            out.append((SLOT_LABELS[(section, item)], value))
    return out


def check_personnel_public(report: Report) -> list[Check]:
    personnel, public = report.value("basic", "personnel"), report.value("basic", "public")
    if personnel is None or public is None:
        return []
    label = f"人员经费 {fmt(personnel)} + 公用经费 {fmt(public)} "
    return _sum_check("personnel_public_sum", label, [personnel, public], _totals(report, "basic"))


def check_fund_sources(report: Report) -> list[Check]:
    if not report.fund_sources:
        return []
    parts = [f.amount_wan for f in report.fund_sources]
    return _sum_check("fund_sources_sum", "各级资金来源", parts, _totals(report, "project"))


def check_projects(report: Report) -> list[Check]:
    if not report.projects:
        return []
    parts = [p.amount_wan for p in report.projects]
    label = f"{len(report.projects)} 个项目"
    return _sum_check("projects_sum", label, parts, _totals(report, "project"))


def check_three_public(report: Report) -> list[Check]:
    budget, actual = report.value("three_public", "budget"), report.value("three_public", "actual")
    if budget is None or actual is None:
        return []
    over = actual - budget
    passed = over <= TOLERANCE_WAN
    message = f"三公经费实际支出 {fmt(actual)} 万元，预算 {fmt(budget)} 万元：" + (
        "未超预算" if passed else f"超预算 {fmt(over)} 万元"
    )
    return [
        Check(
            "three_public_over_budget",
            "info" if passed else "warning",
            passed,
            message,
            budget,
            actual,
            over,
        )
    ]


def check_actual_over_adjusted(report: Report) -> list[Check]:
    checks = []
    for section in ("basic", "project"):
        adjusted, actual = report.value(section, "adjusted"), report.value(section, "actual")
        if adjusted is None or actual is None:
            continue
        over = actual - adjusted
        passed = over <= TOLERANCE_WAN
        label = SECTION_LABELS[section]
        message = f"{label}实际支出 {fmt(actual)} 万元，调整后预算 {fmt(adjusted)} 万元：" + (
            "未超支" if passed else f"超支 {fmt(over)} 万元"
        )
        checks.append(
            Check(
                "actual_over_adjusted",
                "info" if passed else "warning",
                passed,
                message,
                adjusted,
                actual,
                over,
                (f"{section}.adjusted", f"{section}.actual"),
            )
        )
    return checks


def check_adjustment_rate(report: Report) -> list[Check]:
    """预算调整率 above the limit (config): a warning, or info when the report states the reason."""
    checks = []
    for section in ("basic", "project"):
        rate = indicators.evaluate("adjustment_rate", section, report.value)
        initial, adjusted = report.value(section, "initial"), report.value(section, "adjusted")
        if rate is None or initial is None or adjusted is None:
            continue
        passed = abs(rate) <= ADJUSTMENT_RATE_LIMIT
        label = SECTION_LABELS[section]
        reason = _stated_reason(report, section)
        message = (
            f"{label}调整率 {rate:.2%}（调整后 {fmt(adjusted)} − 年初 {fmt(initial)}，"
            f"÷ 年初 {fmt(initial)}）"
        )
        if passed:
            message += f"，未超过 {labels.LIMIT}"
        else:
            message += f"，超过 {labels.LIMIT}" + (
                f"；报告说明了原因：{reason}" if reason else "，报告未说明原因"
            )
        checks.append(
            Check(
                "adjustment_rate_high",
                "info" if passed or reason else "warning",
                passed,
                message,
                initial,
                adjusted,
                adjusted - initial,
                (f"{section}.initial", f"{section}.adjusted"),
            )
        )
    return checks


def _stated_reason(report: Report, section: str) -> str | None:
    reason = report.adjustment_reasons.get(section)
    return reason.sentence.strip("。；; ") if reason else None


def check_conflicts(report: Report) -> list[Check]:
    """A figure stated twice with different values: flagged, never silently picked."""
    checks = []
    for slot in FIGURE_SLOTS:
        values = [f for f in report.readings if (f.section, f.item) == slot]
        distinct = {f.value for f in values}
        if len(distinct) > 1:
            shown = "、".join(f"{fmt(f.value)}（“{f.source.sentence[:30]}…”）" for f in values)
            checks.append(
                Check(
                    "conflicting_values",
                    "error",
                    False,
                    f"{SLOT_LABELS[slot]}在报告中出现不同数值：{shown}；采用第一次出现的 {fmt(values[0].value)}",
                    fields=(".".join(slot),),
                )
            )
    return checks


def check_missing(report: Report) -> list[Check]:
    """The figures the document's kind should state (model.KIND_SLOTS) that it does not, and a
    department or year not read."""
    expected = report.expected()
    missing = [SLOT_LABELS[slot] for slot in expected if slot not in report.figures]
    if report.department is None:
        missing.insert(0, "部门名称")
    if report.year is None:
        missing.insert(0, "年度")
    if not missing:
        return []
    return [
        Check(
            "missing_figures",
            "warning",
            False,
            f"未识别 {len(missing)} 项：{'、'.join(missing)}（显示为“未识别”，不按 0 计）",
        )
    ]


RULES: tuple[Callable[[Report], list[Check]], ...] = (
    check_personnel_public,
    check_fund_sources,
    check_projects,
    check_three_public,
    check_actual_over_adjusted,
    check_adjustment_rate,
    check_conflicts,
    check_missing,
)


def check_report(report: Report) -> list[Check]:
    """Every rule's result, passed ones included (severity info)."""
    return [check for rule in RULES for check in rule(report)]
