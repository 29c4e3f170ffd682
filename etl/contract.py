"""The JSON contract of `python -m etl extract FILE --json`: stable keys scripts rely on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from etl.model import (
    AMOUNT_SLOTS,
    FUND_LEVELS,
    PROJECT_PHASES,
    STAFFING_SLOTS,
    Check,
    FundSource,
    Project,
    Report,
    Source,
)


def _number(value: Decimal | None) -> float | None:
    # JSON numbers; float's shortest repr writes a 万元 amount with its decimals exactly.
    return None if value is None else float(value)


def _check_json(check: Check) -> dict[str, Any]:
    return {
        "rule": check.rule,
        "severity": check.severity,
        "message": check.message,
        "expected": _number(check.expected_wan),
        "actual": _number(check.actual_wan),
        "difference": _number(check.difference_wan),
        "fields": list(check.fields),
    }


def _provenance(source: Source, **extra: Any) -> dict[str, Any]:
    return source.to_json() | extra


def _levels(funds: list[FundSource] | tuple[FundSource, ...]) -> dict[str, float | None]:
    """Amounts by government level, in FUND_LEVELS order; levels not stated are left out."""
    sums: dict[str, Decimal] = {}
    for fund in funds:
        sums[fund.level] = sums.get(fund.level, Decimal(0)) + fund.amount_wan
    return {level: _number(sums[level]) for level in FUND_LEVELS if level in sums}


def _project_json(project: Project) -> dict[str, Any]:
    return {
        "name": project.name,
        "amount": _number(project.amount_wan),
        "purpose": project.purpose,
        "source": project.source.to_json(),
        # Extra keys: the project's own phases, 自评得分 and split by level, where stated.
        **{item: _number(project.phase(item)) for item in PROJECT_PHASES},
        "score": _number(project.score),
        "fund_sources": _levels(project.fund_sources),
        "provenance": {item: source.to_json() for item, source in project.sources},
    }


def report_json(report: Report) -> dict[str, Any]:
    """The report in the extraction contract; a figure the report does not state is None."""
    out: dict[str, Any] = {"department": report.department, "year": report.year}
    for section, item in AMOUNT_SLOTS:
        out.setdefault(section, {})[item] = _number(report.value(section, item))
    out["fund_sources"] = _levels(report.fund_sources)
    out["projects"] = [_project_json(p) for p in report.projects]
    out["staffing"] = {}
    for section, item in STAFFING_SLOTS:
        value = report.value(section, item)
        out["staffing"][item] = int(value) if value is not None else None
    out["checks"] = [_check_json(c) for c in report.checks if not c.passed]
    # Extra key: the document's kind (etl.model.DOCUMENT_KINDS), None when not recognised.
    out["kind"] = report.kind
    # Extra key: where the department and the year came from (etl.model.Report.department_from).
    out["identity_from"] = {"department": report.department_from, "year": report.year_from}
    # Extra keys (the contract allows them): passed checks and where every figure was read.
    out["checks_passed"] = [_check_json(c) for c in report.checks if c.passed]
    out["provenance"] = {
        f"{f.section}.{f.item}": _provenance(
            f.source, wording=f.wording, confidence=f.confidence, note=f.note
        )
        for f in report.figures.values()
    }
    out["fund_source_provenance"] = [
        _provenance(f.source, level=f.level, wording=f.wording) for f in report.fund_sources
    ]
    if report.department_source:
        out["provenance"]["department"] = report.department_source.to_json()
    if report.kind_source:
        out["provenance"]["kind"] = report.kind_source.to_json()
    return out
