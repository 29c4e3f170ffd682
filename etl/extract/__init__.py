"""Report text -> Report: pure functions, one per report section, driven by the genre's wording.

Nothing here knows any particular report's numbers: every figure is found by the words the
部门整体支出绩效自评报告 genre puts before it (年初预算数, 预算调整数, 实际支出数, 人员经费 ...) or by
the row and column headers of a table (项目 | 年初预算数 | 调整预算数 | 实际支出数), and comes back with
the sentence (or table row) and character span it was read from, and a confidence.

The text is read once into a layout: lines, sentences with the section their heading puts them
in, and tables (lines of tab- or space-separated cells under a header row). Each section's
extractor then reads sentences and table cells. Every reading is kept, so a figure stated twice
with different values is flagged by the checks instead of silently picked.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from etl.amounts import normalise
from etl.extract.forms import meanings
from etl.extract.funds import extract_fund_sources
from etl.extract.kinds import identify
from etl.extract.layout import split_sentences, with_match
from etl.extract.phases import extract_adjustment_reasons, extract_phases
from etl.extract.projects import extract_projects
from etl.extract.prose import drop_other_years
from etl.extract.staffing import extract_staffing
from etl.extract.tables import read_tables
from etl.extract.three_public import extract_three_public
from etl.extract.wording import KIND_PHASE, THREE_PUBLIC_RE
from etl.model import Report

__all__ = ["extract_report", "split_sentences"]


def extract_report(
    original: str, *, department: str | None = None, year: int | None = None
) -> Report:
    """Everything the report states, each figure with its source sentence; checks not yet run.

    `department` and `year`, when given (the user typed them in at load), stand for what the
    document says: its figures are then read for that year, and the report says they came from
    the user.
    """
    text = normalise(original)
    layout = read_tables(text)
    sentences = split_sentences(text, layout.table_lines)
    who = identify(original, layout.fields)
    if department is not None:
        who = replace(who, department=department, department_source=None, department_from="user")
    if year is not None:
        who = replace(who, year=year, year_from="user")
    year = who.year
    default_phase = KIND_PHASE.get(who.kind or "", "")
    tables = meanings(layout, year, default_phase)
    # Both readers look at the sentences naming 三公经费: the text is scanned for them once.
    naming_three_public = with_match(THREE_PUBLIC_RE, text, sentences)
    phases = extract_phases(
        text,
        original,
        sentences,
        tables,
        year,
        default_phase=default_phase,
        naming_three_public=naming_three_public,
    )
    readings = sorted(
        drop_other_years(
            phases
            + extract_three_public(
                text, original, sentences, tables, year, naming=naming_three_public
            )
            + extract_staffing(text, original, sentences, tables, year)
        ),
        key=lambda f: f.source.value_start,
    )
    report = Report(
        department=who.department,
        year=year,
        kind=who.kind,
        kind_source=who.kind_source,
        department_from=who.department_from,
        year_from=who.year_from,
        readings=readings,
        fund_sources=extract_fund_sources(text, original, sentences, tables, year),
        projects=extract_projects(
            text,
            original,
            sentences,
            tables,
            year,
            default_phase=default_phase,
            section_figures=phases,
        ),
        department_source=who.department_source,
        adjustment_reasons=extract_adjustment_reasons(original, sentences, phases),
    )
    for figure in readings:
        report.figures.setdefault((figure.section, figure.item), figure)
    _resolve_adjustment_wording(report)
    return report


def _resolve_adjustment_wording(report: Report) -> None:
    """Read 预算调整数 as the size of the adjustment when only that reading adds up.

    Hunan reports use 预算调整数 for the adjusted total (seed: 801.07 = actual); the Ministry's
    framework uses it for the change. When initial + figure = actual (or = another stated adjusted
    total) and figure ≠ actual, the figure is the change, and the adjusted total is
    initial + figure. The reading is replaced too, so it does not count as a conflict.
    """
    tolerance = Decimal("0.005")
    for section in ("basic", "project"):
        initial = report.value(section, "initial")
        actual = report.value(section, "actual")
        if initial is None:
            continue
        others = [
            f.value
            for f in report.readings
            if (f.section, f.item) == (section, "adjusted") and f.wording != "预算调整数"
        ]
        for index, reading in enumerate(report.readings):
            if (reading.section, reading.item) != (section, "adjusted"):
                continue
            if reading.wording != "预算调整数":
                continue
            total = initial + reading.value
            adds_up = (
                actual is not None
                and abs(total - actual) <= tolerance
                and abs(reading.value - actual) > tolerance
            ) or any(abs(total - other) <= tolerance for other in others)
            if not adds_up:
                continue
            resolved = replace(
                reading,
                value=total,
                note=f"预算调整数 {reading.value} 读作调整额：调整后预算 = 年初预算 + 调整额",
                confidence=0.8,
            )
            report.readings[index] = resolved
            if report.figures.get((section, "adjusted")) is reading:
                report.figures[(section, "adjusted")] = resolved
