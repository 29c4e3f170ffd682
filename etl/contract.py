"""The JSON contract of `python -m etl extract FILE --json`: stable keys scripts rely on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from etl.model import AMOUNT_SLOTS, FUND_LEVELS, STAFFING_SLOTS, Check, Report, Source


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


def report_json(report: Report) -> dict[str, Any]:
    """The report in the extraction contract; a figure the report does not state is None."""
    out: dict[str, Any] = {"department": report.department, "year": report.year}
    for section, item in AMOUNT_SLOTS:
        out.setdefault(section, {})[item] = _number(report.value(section, item))
    fund_sources: dict[str, Decimal] = {}
    for fund in report.fund_sources:
        fund_sources[fund.level] = fund_sources.get(fund.level, Decimal(0)) + fund.amount_wan
    out["fund_sources"] = {
        level: _number(fund_sources[level]) for level in FUND_LEVELS if level in fund_sources
    }
    out["projects"] = [
        {
            "name": p.name,
            "amount": _number(p.amount_wan),
            "purpose": p.purpose,
            "source": p.source.to_json(),
        }
        for p in report.projects
    ]
    out["staffing"] = {}
    for section, item in STAFFING_SLOTS:
        value = report.value(section, item)
        out["staffing"][item] = int(value) if value is not None else None
    out["checks"] = [_check_json(c) for c in report.checks if not c.passed]
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
    return out
