"""简报: what leadership reads on paper, for one department-year or for a year across
departments — totals, the three-phase chart, the largest adjustments, the lowest execution, what
is over its limit, and the change on the previous year.

A Brief is the content once: the same tables go into the workbook (workbook_bytes, a sheet each)
and into the PDF (ui.printing.brief_pdf), the same figures the pages draw (ui.charts). Data comes
through etl.queries only; amounts stay exact Decimal 万元 until a chart draws them. No st.* calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from etl import labels, queries
from etl.labels import AMOUNT_SUFFIX, PERCENT_SUFFIX, format_rate, format_wan, label
from ui import charts, export, tables

TOP = 10  # rows in each 最大 / 最低 list
EVERYONE = "全部部门"  # the year brief's "department" in file names


@dataclass
class Brief:
    """One brief: title, notes (示例数据 first when it is demo data), what is over its limit,
    key sentences, the figures and the tables, in reading order."""

    title: str
    subtitle: str
    demo: str | None
    summary: list[str]
    flags: list[str]
    figures: list[go.Figure] = field(default_factory=list)
    sections: list[tuple[str, pd.DataFrame, str]] = field(
        default_factory=list
    )  # heading, table, note
    department: str = EVERYONE
    year: int = 0

    def file_name(self, suffix: str, today: datetime | None = None) -> str:
        """预算透视_{department}_{year}_简报_{YYYYMMDD}.{suffix}."""
        day = (today or datetime.now()).date()
        return export.file_name(self.department, self.year, "简报", day, suffix)


class NoReport(LookupError):
    """The database has no current report for the department-year (or none for the year)."""


def department_brief(
    con: duckdb.DuckDBPyConnection, department: str, year: int, now: datetime | None = None
) -> Brief:
    """The brief of one department-year."""
    if year not in set(int(y) for y in queries.report_years(con, department)["year"]):
        raise NoReport(f"没有 {department} {year} 年度的报告")
    phases = queries.budget_phases(con, department, year)
    figures = queries.key_figures_by_year(con, department)
    indicators = queries.standard_indicators(con, department, year)
    checks = queries.check_results(con, department, year)
    projects = queries.project_breakdown(con, department, year)
    _, before = tables.year_and_previous(figures, year)
    total = _row(phases, "total")

    summary = [_phase_sentence("合计", total)] if total is not None else []
    summary += [_phase_sentence(label("section", s), _row(phases, s)) for s in ("basic", "project")]
    failed = tables.open_warnings(checks)
    summary.append(f"数据核对：{len(failed)} 项警告（详见“数据核对”页）。")

    brief = Brief(
        title=f"预算简报：{department} {year} 年度",
        subtitle=_subtitle(now),
        demo=_demo_note(con),
        summary=[s for s in summary if s],
        flags=tables.flag_lines(indicators),
        department=department,
        year=year,
    )
    brief.figures.append(charts.phase_bar(phases))
    history = queries.phase_history(con, department)
    if len(tables.history_years(history)) > 1:
        brief.figures.append(charts.phase_history_bar(history))
    executed = tables.phase_table(phases, include_total=True)
    if not any(executed[labels.CORRECTED]):
        executed = executed.drop(columns=[labels.CORRECTED])
    brief.sections.append(("预算执行", executed, ""))
    if before is not None:
        brief.sections.append(
            (f"较上年（{int(before.year)} 年度）", tables.phase_change_table(figures, year), "")
        )
    else:
        brief.sections.append(("较上年", pd.DataFrame(), "没有该部门上一年度的报告，无法比较。"))
    brief.sections.append(
        ("“三公”经费与人员编制", tables.key_figure_table(figures, indicators, year), "")
    )
    brief.sections += _project_sections(projects)
    if len(failed):
        brief.sections.append(("未通过的核对", _checks(failed), ""))
    return brief


def year_brief(con: duckdb.DuckDBPyConnection, year: int, now: datetime | None = None) -> Brief:
    """The brief of a year across every department."""
    years = [int(y) for y in queries.report_years_all(con)["year"]]
    if year not in years:
        raise NoReport(f"没有 {year} 年度的报告")
    phases = queries.year_phases(con, year)
    totals = queries.year_totals(con)
    adjustments = queries.largest_adjustments(con, year, TOP)
    lowest = queries.department_ranking(con, year, "execution_rate", True, TOP)
    flagged = queries.flagged_indicators(con, year)
    count = int(dict(zip(years, queries.report_years_all(con)["reports"], strict=True))[year])

    summary = [f"{count:,} 个部门的当年报告（各部门当前版本）。"]
    summary += [_phase_sentence(label("section", r.section), r) for r in tables.records(phases)]
    flags = _flag_counts(flagged)
    brief = Brief(
        title=f"预算简报：{year} 年度全部部门",
        subtitle=_subtitle(now),
        demo=_demo_note(con),
        summary=[s for s in summary if s],
        flags=flags,
        year=year,
    )
    brief.figures.append(charts.phase_bar(phases))
    if not adjustments.empty:
        ranked = queries.department_ranking(con, year, "adjustment_rate", False, TOP)
        brief.figures.append(charts.ranking_bar(ranked, "adjustment_rate"))
    table = tables.phase_table(phases, include_total=True).drop(columns=[labels.CORRECTED])
    table["写明的报告数"] = [int(n) for n in phases["reports"]]
    brief.sections.append(
        ("全部部门合计", table, "各项为写明该数字的报告之和；调整率和执行率只计两项都写明的报告。")
    )
    brief.sections.append(_year_change(totals, year))
    brief.sections.append(("调整幅度最大的部门", _adjustments(adjustments), ""))
    brief.sections.append(("执行率最低的部门", _lowest(lowest), "报告未写明的排在最后。"))
    brief.sections.append(("超过限值的指标", _flagged(flagged), ""))
    return brief


def workbook_bytes(brief: Brief) -> bytes:
    """The brief as an .xlsx: a 概要 sheet (title, 示例数据, what is over its limit, the key
    sentences), then one sheet per table."""
    lines = [brief.title, brief.subtitle]
    lines += [brief.demo] if brief.demo else []
    lines += [f"{labels.ATTENTION}：{f}" for f in brief.flags] or [f"{labels.ATTENTION}：无"]
    lines += brief.summary
    overview = pd.DataFrame({"内容": lines})
    sheets = [("概要", overview)]
    sheets += [(heading, table) for heading, table, _ in brief.sections if not table.empty]
    notes = [brief.demo] if brief.demo else None
    return export.workbook_bytes(sheets, notes=notes)


# --- pieces ------------------------------------------------------------------------------------


def _subtitle(now: datetime | None) -> str:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    return f"{labels.APP_TITLE} · 生成于 {stamp} · 金额单位：万元 · 只统计各部门年度的当前版本"


def _demo_note(con: duckdb.DuckDBPyConnection) -> str | None:
    counts = queries.synthetic_reports(con).iloc[0]
    synthetic, reports = int(counts["synthetic"]), int(counts["reports"])
    if not synthetic:
        return None
    note = labels.demo_banner(synthetic, reports).replace("**", "")
    assert note.startswith(labels.DEMO_MARK)  # the words every brief of demo data leads with
    return note


def _row(phases: pd.DataFrame, section: str) -> Any:
    rows = [r for r in tables.records(phases) if r.section == section]
    return rows[0] if rows else None


def _phase_sentence(name: str, row: Any) -> str:
    """'合计：年初预算 585.31，调整后预算 1,150.47，实际支出 1,150.47 万元；调整率 96.56%，执行率 100.00%。'"""
    if row is None:
        return ""
    return (
        f"{name}：年初预算 {format_wan(row.initial_wan)}，调整后预算 {format_wan(row.adjusted_wan)}，"
        f"实际支出 {format_wan(row.actual_wan)} 万元；调整率 {format_rate(row.adjustment_rate)}，"
        f"执行率 {format_rate(row.execution_rate)}。"
    )


def _project_sections(projects: pd.DataFrame) -> list[tuple[str, pd.DataFrame, str]]:
    """The largest adjustments and the lowest execution among the projects when the report gives
    each project its phases; else its largest projects."""
    if projects.empty:
        return [("项目", pd.DataFrame(), "报告没有逐项列出项目支出。")]
    if not tables.has_own_phases(projects):
        table = tables.project_table(projects.head(TOP), detail=False)
        return [("金额最大的项目", table, "报告没有写明各项目自己的年初预算和执行数。")]
    rows = []
    for r in tables.records(projects):
        change = tables.difference(r.adjusted_wan, r.initial_wan)
        rows.append((r, change, tables.change_rate(r.adjusted_wan, r.initial_wan)))
    adjusted = sorted(
        (x for x in rows if x[1] is not None), key=lambda x: (-abs(x[1] or Decimal(0)), x[0].name)
    )[:TOP]
    executed = sorted(
        (x for x in rows if not tables.missing(x[0].execution_rate)),
        key=lambda x: (float(x[0].execution_rate), x[0].name),
    )[:TOP]
    return [
        ("调整幅度最大的项目", _project_rows(adjusted), ""),
        ("执行率最低的项目", _project_rows(executed), ""),
    ]


def _project_rows(rows: list[tuple[Any, Decimal | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "项目": [r.name for r, _, _ in rows],
            f"年初预算{AMOUNT_SUFFIX}": [r.initial_wan for r, _, _ in rows],
            f"调整后预算{AMOUNT_SUFFIX}": [r.adjusted_wan for r, _, _ in rows],
            f"实际支出{AMOUNT_SUFFIX}": [r.actual_wan for r, _, _ in rows],
            f"调整额{AMOUNT_SUFFIX}": [c for _, c, _ in rows],
            f"调整率{PERCENT_SUFFIX}": tables.percents([x for _, _, x in rows]),
            f"执行率{PERCENT_SUFFIX}": tables.percents([r.execution_rate for r, _, _ in rows]),
        },
        columns=[
            "项目",
            f"年初预算{AMOUNT_SUFFIX}",
            f"调整后预算{AMOUNT_SUFFIX}",
            f"实际支出{AMOUNT_SUFFIX}",
            f"调整额{AMOUNT_SUFFIX}",
            f"调整率{PERCENT_SUFFIX}",
            f"执行率{PERCENT_SUFFIX}",
        ],
    )


def _checks(failed: pd.DataFrame) -> pd.DataFrame:
    return tables.check_table(failed)[["级别", "规则", "说明"]]


def _flag_counts(flagged: pd.DataFrame) -> list[str]:
    """Per indicator and scope, how many departments are over the limit, the first few named."""
    lines = []
    for (indicator, scope), rows in flagged.groupby(["indicator", "scope"], sort=False):
        names = list(rows["department"])
        shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
        lines.append(
            f"{tables._scoped(str(indicator), str(scope))}：{len(names)} 个部门"
            f"{label('flag', indicator).split('：')[0]}（{shown}）"
        )
    return lines


def _flagged(flagged: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "部门": list(flagged["department"]),
            "指标": [label("indicator", i) for i in flagged["indicator"]],
            "范围": [label("section", s) for s in flagged["scope"]],
            f"数值{PERCENT_SUFFIX}": tables.percents(flagged["value"]),
            "提示": [label("flag", i) for i in flagged["indicator"]],
        },
        columns=["部门", "指标", "范围", f"数值{PERCENT_SUFFIX}", "提示"],
    )


def _adjustments(ranked: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "部门": list(ranked["department"]),
            f"年初预算{AMOUNT_SUFFIX}": list(ranked["initial_wan"]),
            f"调整后预算{AMOUNT_SUFFIX}": list(ranked["adjusted_wan"]),
            f"调整额{AMOUNT_SUFFIX}": list(ranked["adjustment_wan"]),
            f"调整率{PERCENT_SUFFIX}": tables.percents(ranked["adjustment_rate"]),
            f"执行率{PERCENT_SUFFIX}": tables.percents(ranked["execution_rate"]),
        },
        columns=[
            "部门",
            f"年初预算{AMOUNT_SUFFIX}",
            f"调整后预算{AMOUNT_SUFFIX}",
            f"调整额{AMOUNT_SUFFIX}",
            f"调整率{PERCENT_SUFFIX}",
            f"执行率{PERCENT_SUFFIX}",
        ],
    )


def _lowest(ranked: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "部门": list(ranked["department"]),
            f"调整后预算合计{AMOUNT_SUFFIX}": [
                None if tables.missing(v) else v for v in ranked["total_adjusted_wan"]
            ],
            f"实际支出合计{AMOUNT_SUFFIX}": [
                None if tables.missing(v) else v for v in ranked["total_actual_wan"]
            ],
            f"执行率{PERCENT_SUFFIX}": tables.percents(ranked["execution_rate"]),
        },
        columns=[
            "部门",
            f"调整后预算合计{AMOUNT_SUFFIX}",
            f"实际支出合计{AMOUNT_SUFFIX}",
            f"执行率{PERCENT_SUFFIX}",
        ],
    )


def _year_change(totals: pd.DataFrame, year: int) -> tuple[str, pd.DataFrame, str]:
    """The year's totals beside the previous year's (all departments with a report each year)."""
    rows = {int(r.year): r for r in tables.records(totals)}
    earlier = [y for y in rows if y < year]
    if not earlier:
        return ("较上年", pd.DataFrame(), "没有上一年度的报告，无法比较。")
    before_year = max(earlier)
    now, before = rows[year], rows[before_year]
    items = [
        ("报告数（个）", "reports"),
        (f"年初预算合计{AMOUNT_SUFFIX}", "total_initial_wan"),
        (f"调整后预算合计{AMOUNT_SUFFIX}", "total_adjusted_wan"),
        (f"实际支出合计{AMOUNT_SUFFIX}", "total_actual_wan"),
        (f"“三公”经费预算{AMOUNT_SUFFIX}", "three_public_budget_wan"),
        (f"“三公”经费实际支出{AMOUNT_SUFFIX}", "three_public_actual_wan"),
        ("编制人数（人）", "staff_authorized"),
        ("实有在职人数（人）", "staff_actual"),
    ]
    table = pd.DataFrame(
        {
            "指标": [name for name, _ in items],
            "本年": [_stated(n, getattr(now, c)) for n, c in items],
            "上年": [_stated(n, getattr(before, c)) for n, c in items],
            "变动": [
                _stated(n, tables.difference(getattr(now, c), getattr(before, c))) for n, c in items
            ],
            f"变动率{PERCENT_SUFFIX}": tables.percents(
                [tables.change_rate(getattr(now, c), getattr(before, c)) for _, c in items]
            ),
        }
    )
    note = "两年参与统计的部门不一定相同，变动包含部门数的变化。"
    return (f"较上年（{before_year} 年度）", table, note)


def _stated(name: str, value: Any) -> Any:
    """An amount as exact Decimal 万元; a count (报告数, 人) whole."""
    if tables.missing(value):
        return None
    return Decimal(value) if name.endswith(AMOUNT_SUFFIX) else int(value)
