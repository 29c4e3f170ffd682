"""Every plotly figure: a query's frame in, a Figure out, all through one shared layout.

Amounts arrive as exact Decimal 万元 and become float only here. Each funding level, each budget
phase and each year has one colour on every chart; a flag (a limit exceeded) is always
FLAG_COLOUR; counts have whole-number axes. No st.* calls: pages and widgets draw what this
returns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from etl import config
from etl.labels import CORRECTED, LABELS, LIMIT, MISSING, format_rate, format_wan, label
from etl.queries import AMOUNT_RANKING
from ui.tables import (
    PHASES,
    STANDARD_INDICATORS,
    flags,
    floats,
    history_years,
    missing,
    records,
    select_projects,
    truthy,
)

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
PHASE_COLOURS = {"initial": "#9DB4D3", "adjusted": "#3C6FB0", "actual": "#E08A2E"}
LEVEL_COLOURS = {
    "central": "#08519C",
    "provincial": "#6BAED6",
    "city": "#2CA58D",
    "district": "#E08A2E",
    "other": "#B0B0B0",
}
BAR_COLOUR = PHASE_COLOURS["adjusted"]  # a single series (projects, rankings, indicators)
FLAG_COLOUR = "#C0392B"  # 调整率 beyond the limit, 三公 over budget, more staff than posts
# One colour per year, oldest lightest (the last len(years) are used).
YEAR_COLOURS = ("#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C")
AMOUNT_AXIS = {"title": {"text": "万元"}, "tickformat": ",.0f"}
PERCENT_AXIS = {"title": {"text": "%"}, "ticksuffix": "%"}
COUNT_AXIS = {"title": {"text": "项"}, "tickformat": ",d", "dtick": 1, "rangemode": "tozero"}
_TEXT = {False: "%{y:,.2f}", True: "%{y:.2f}%"}
_HOVER = {False: "%{y:,.2f} 万元<extra></extra>", True: "%{y:.2f}%<extra></extra>"}
# Reference lines on the ranking chart: (fraction, label).
_RANKING_REFERENCE = {
    "adjustment_rate": (float(config.ADJUSTMENT_RATE_LIMIT), f"{LIMIT}：超过需说明原因"),
    "execution_rate": (1.0, "100%"),
    "three_public_control_rate": (1.0, "100%：预算"),
    "staff_control_rate": (1.0, "100%：编制数"),
}


def layout(fig: go.Figure, title: str, *, bars: int = 0, **more: Any) -> go.Figure:
    """The one layout every chart shares: title, font, legend below, margins; a horizontal bar
    chart of `bars` rows gets the height they need, first row on top. Report text is escaped."""
    fig.update_layout(
        title={"text": title},
        font={"family": FONT},
        separators=".,",
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 90},
    )
    if bars:
        fig.update_layout(
            height=160 + 40 * bars, yaxis={"autorange": "reversed", "automargin": True}
        )
    fig.update_layout(**more)
    return literal_text(fig)


def level_bars(**bar: Any) -> go.Bar:
    """A bar trace of one funding level, in its colour."""
    level = bar.pop("level")
    return go.Bar(name=label("level", level), marker_color=LEVEL_COLOURS.get(level), **bar)


# Plotly reads a few HTML tags in any text it draws (an <a href> label becomes a link), so report
# text (department and project names) is escaped before it reaches a figure; plotly shows the
# entities as the literal characters.
_DATA_TEXT = ("x", "y", "labels", "text", "hovertext", "customdata")


def plotly_text(value: Any) -> Any:
    """A string with & < > escaped for plotly; anything else unchanged.

    >>> plotly_text('<a href="x">点击</a> & :red[x]')
    '&lt;a href="x"&gt;点击&lt;/a&gt; &amp; :red[x]'
    >>> plotly_text(12.5)
    12.5
    """
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def literal_text(fig: go.Figure) -> go.Figure:
    """`fig` with every string in its traces' data and category arrays escaped by plotly_text."""
    for trace in fig.data:
        for name in _DATA_TEXT:
            values = getattr(trace, name, None)
            if isinstance(values, str):
                trace[name] = plotly_text(values)
            elif values is not None and not isinstance(values, (int, float)):
                trace[name] = [_escape_nested(v) for v in values]
    for axis in ("xaxis", "yaxis"):
        categories = fig.layout[axis].categoryarray
        if categories is not None:
            fig.layout[axis].categoryarray = [plotly_text(v) for v in categories]
    return fig


def _escape_nested(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [plotly_text(v) for v in value]
    return plotly_text(value)


def phase_bar(phases: pd.DataFrame) -> go.Figure:
    """Grouped bars: basic and project × initial / adjusted / actual (万元), adjustments labelled."""
    rows = phases[phases["section"] != "total"]
    sections = [label("section", s) for s in rows["section"]]
    fig = go.Figure()
    for phase in PHASES:
        fig.add_trace(
            go.Bar(
                name=label("phase", phase),
                x=sections,
                y=floats(rows[f"{phase}_wan"]),
                offsetgroup=phase,
                marker_color=PHASE_COLOURS[phase],
                customdata=[
                    f"（{CORRECTED}）" if f else "" for f in flags(rows, f"{phase}_corrected")
                ],
                texttemplate="%{y:,.2f}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=(
                    f"%{{x}} · {label('phase', phase)}：%{{y:,.2f}} 万元%{{customdata}}"
                    "<extra></extra>"
                ),
            )
        )
    # A corrected figure's bar is hatched by an overlay in its own slot, so the legend's phase
    # symbols stay plain and one legend entry explains the hatching.
    for phase in PHASES:
        marked = flags(rows, f"{phase}_corrected")
        if not any(marked):
            continue
        values = floats(rows[f"{phase}_wan"])
        fig.add_trace(
            go.Bar(
                name=CORRECTED,
                x=sections,
                y=[v if f else None for v, f in zip(values, marked, strict=True)],
                offsetgroup=phase,
                marker={"color": "rgba(0,0,0,0)", "pattern": {"shape": "/", "fgcolor": "#444"}},
                legendgroup=CORRECTED,
                showlegend=not any(t.name == CORRECTED for t in fig.data),
                hoverinfo="skip",
            )
        )
    tallest = 0.0
    for section, row in zip(sections, records(rows), strict=True):
        heights = [v for v in floats([row.initial_wan, row.adjusted_wan, row.actual_wan]) if v]
        tallest = max([tallest, *heights])
        fig.add_annotation(
            x=section,
            y=max(heights, default=0),
            yshift=34,
            showarrow=False,
            text=adjustment_text(row.adjustment_wan, row.adjustment_rate),
            font={"size": 13},
        )
    # Headroom above the tallest bar for its value and the adjustment label.
    return layout(
        fig,
        "年初预算、调整后预算与实际支出（万元）",
        barmode="group",
        yaxis={**AMOUNT_AXIS, "range": [0, tallest * 1.2 or 1]},
    )


def adjustment_text(adjustment: Any, rate: Any) -> str:
    """The label over a section's bars, e.g. '调整 +313.56 万元（+64.32%）'.

    >>> adjustment_text(Decimal("313.56"), 0.643187)
    '调整 +313.56 万元（+64.32%）'
    >>> adjustment_text(None, None)
    '调整额 未识别'
    """
    if missing(adjustment):
        return f"调整额 {MISSING}"
    sign = "+" if Decimal(adjustment) >= 0 else ""
    return f"调整 {sign}{format_wan(adjustment)} 万元（{format_rate(rate, signed=True)}）"


def fund_split_donut(split: pd.DataFrame) -> go.Figure:
    """A donut of project funds by government level (万元) with each level's share."""
    fig = go.Figure(
        go.Pie(
            labels=[label("level", v) for v in split["level"]],
            values=floats(split["amount_wan"]),
            marker={"colors": [LEVEL_COLOURS.get(v) for v in split["level"]]},
            hole=0.55,
            sort=False,
            direction="clockwise",
            texttemplate="%{label}<br>%{value:,.2f} 万元<br>%{percent:.2%}",
            hovertemplate="%{label}：%{value:,.2f} 万元（%{percent:.2%}）<extra></extra>",
        )
    )
    total = sum((Decimal(v) for v in split["amount_wan"]), Decimal(0))
    return layout(
        fig,
        "项目支出资金来源（按级次，万元）",
        annotations=[{"text": f"合计<br>{format_wan(total)} 万元", "showarrow": False}],
    )


def project_bar(projects: pd.DataFrame) -> go.Figure:
    """Horizontal bars, largest project on top: amount (万元) and share of all projects."""
    ordered = select_projects(projects)
    fig = go.Figure(
        go.Bar(
            x=floats(ordered["amount_wan"]),
            y=list(ordered["name"]),
            orientation="h",
            customdata=[[float(s)] for s in ordered["share"]],
            marker_color=BAR_COLOUR,
            texttemplate="%{x:,.2f} 万元（%{customdata[0]:.2%}）",
            textposition="auto",
            hovertemplate="%{y}：%{x:,.2f} 万元，占项目合计 %{customdata[0]:.2%}<extra></extra>",
        )
    )
    return layout(fig, "项目支出明细（万元）", bars=len(ordered), xaxis=AMOUNT_AXIS)


def has_project_phases(projects: pd.DataFrame) -> bool:
    """Whether any project states its own phases (a 项目支出绩效自评表 does)."""
    return any(
        f"{p}_wan" in projects and not all(missing(v) for v in projects[f"{p}_wan"]) for p in PHASES
    )


def project_phase_bar(projects: pd.DataFrame) -> go.Figure:
    """Horizontal grouped bars per project, largest on top: its own initial / adjusted / actual
    (万元), in the phases' colours; a phase the project does not state draws no bar."""
    ordered = select_projects(projects)
    fig = go.Figure()
    for phase in PHASES:
        fig.add_trace(
            go.Bar(
                name=label("phase", phase),
                x=floats(ordered[f"{phase}_wan"]),
                y=list(ordered["name"]),
                orientation="h",
                marker_color=PHASE_COLOURS[phase],
                texttemplate="%{x:,.2f}",
                textposition="auto",
                hovertemplate=f"%{{y}} · {label('phase', phase)}：%{{x:,.2f}} 万元<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    return layout(fig, "各项目预算与执行（万元）", bars=len(ordered) * 2, xaxis=AMOUNT_AXIS)


def _values(rows: pd.DataFrame, as_share: bool) -> list[float | None]:
    if as_share:
        return [None if v is None else v * 100 for v in floats(rows["share"])]
    return floats(rows["amount_wan"])


def phase_history_bar(history: pd.DataFrame, *, as_share: bool = False) -> go.Figure:
    """Bars per year: initial / adjusted / actual, basic and project side by side (万元 or %)."""
    from plotly.subplots import make_subplots

    sections = ("basic", "project")
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[label("section", s) for s in sections],
        shared_yaxes=True,
        horizontal_spacing=0.06,
    )
    for col, section in enumerate(sections, start=1):
        part = history[history["section"] == section]
        for phase in PHASES:
            rows = part[part["phase"] == phase]
            fig.add_trace(
                go.Bar(
                    name=label("phase", phase),
                    x=[f"{int(y)} 年" for y in rows["year"]],
                    y=_values(rows, as_share),
                    marker_color=PHASE_COLOURS[phase],
                    legendgroup=phase,
                    showlegend=col == 1,
                    hovertemplate=f"%{{x}} · {label('section', section)} · {label('phase', phase)}："
                    + _HOVER[as_share],
                ),
                row=1,
                col=col,
            )
    what = "占当年合计的百分比" if as_share else "万元"
    fig.update_yaxes(title={"text": "%" if as_share else "万元"}, row=1, col=1)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    return layout(
        fig,
        f"基本支出与项目支出：年初预算、调整后预算、实际支出（{what}）",
        barmode="group",
    )


def fund_mix_bar(history: pd.DataFrame, *, as_share: bool = False) -> go.Figure:
    """Stacked bars per year: project funds by government level (万元 or % of the year's)."""
    fig = go.Figure()
    for level in LABELS["level"]:
        rows = history[history["level"] == level]
        if rows.empty:
            continue
        fig.add_trace(
            level_bars(
                level=level,
                x=[f"{int(y)} 年" for y in rows["year"]],
                y=_values(rows, as_share),
                texttemplate=_TEXT[as_share],
                textposition="inside",
                hovertemplate=f"%{{x}} · {label('level', level)}：" + _HOVER[as_share],
            )
        )
    what = "占当年的百分比" if as_share else "万元"
    return layout(
        fig,
        f"项目支出资金来源（按级次，{what}）",
        barmode="stack",
        yaxis=PERCENT_AXIS if as_share else AMOUNT_AXIS,
    )


def project_history_bar(history: pd.DataFrame, *, as_share: bool = False) -> go.Figure:
    """Grouped bars per project (matched across years), one bar per year (万元 or %)."""
    fig = go.Figure()
    names = list(dict.fromkeys(history["latest_name"]))
    years = history_years(history)
    for year, colour in zip(years, YEAR_COLOURS[-len(years) :], strict=False):
        rows = history[history["year"] == year]
        fig.add_trace(
            go.Bar(
                name=f"{year} 年",
                x=list(rows["latest_name"]),
                y=_values(rows, as_share),
                marker_color=colour,
                texttemplate=_TEXT[as_share],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}} · {year} 年：" + _HOVER[as_share],
            )
        )
    what = "占当年项目合计的百分比" if as_share else "万元"
    return layout(
        fig,
        f"项目逐年对比（{what}；名称写法不同的同一项目已合并）",
        barmode="group",
        xaxis={"categoryorder": "array", "categoryarray": names},
        yaxis=PERCENT_AXIS if as_share else AMOUNT_AXIS,
    )


def ranking_bar(ranked: pd.DataFrame, by: str) -> go.Figure:
    """Horizontal bars of one ranking column, first-ranked on top: a rate (%) with its reference
    line, a department beyond the reference (a flag) in FLAG_COLOUR; a count; or an amount (万元,
    etl.queries.AMOUNT_RANKING)."""
    if by in AMOUNT_RANKING:
        fig = go.Figure(
            go.Bar(
                x=floats(ranked[by]),
                y=list(ranked["department"]),
                orientation="h",
                marker_color=BAR_COLOUR,
                texttemplate="%{x:,.2f}",
                textposition="auto",
                hovertemplate="%{y}：%{x:,.2f} 万元<extra></extra>",
            )
        )
        return layout(fig, f"{label('indicator', by)}（万元）", bars=len(ranked), xaxis=AMOUNT_AXIS)
    is_count = by == "failing_checks"
    values = [None if v is None else v if is_count else v * 100 for v in floats(ranked[by])]
    reference = _RANKING_REFERENCE.get(by)
    limit = reference[0] * 100 if reference and by != "execution_rate" else None
    fig = go.Figure(
        go.Bar(
            x=values,
            y=list(ranked["department"]),
            orientation="h",
            marker_color=[
                FLAG_COLOUR
                if limit is not None and v is not None and abs(v) > limit
                else BAR_COLOUR
                for v in values
            ],
            texttemplate="%{x:,d}" if is_count else "%{x:.2f}%",
            textposition="auto",
            hovertemplate="%{y}："
            + ("%{x:,d} 项<extra></extra>" if is_count else "%{x:.2f}%<extra></extra>"),
        )
    )
    if reference:
        fig.add_vline(
            x=reference[0] * 100,
            line_dash="dash",
            line_color=FLAG_COLOUR,
            annotation_text=reference[1],
            annotation_position="top",
        )
    return layout(
        fig,
        f"{label('indicator', by)}（{'项' if is_count else '%'}）",
        bars=len(ranked),
        xaxis=COUNT_AXIS if is_count else PERCENT_AXIS,
    )


def fund_split_by_year_bar(split: pd.DataFrame) -> go.Figure:
    """Project funds of all departments stacked by government level, a bar per year (万元)."""
    years = history_years(split)
    fig = go.Figure()
    for level, rows in split.groupby("level", sort=False):
        by_year = dict(zip((int(y) for y in rows["year"]), records(rows), strict=True))
        fig.add_trace(
            level_bars(
                level=str(level),
                x=[str(y) for y in years],
                y=[None if y not in by_year else floats([by_year[y].amount_wan])[0] for y in years],
                customdata=[
                    [
                        None
                        if y not in by_year or missing(by_year[y].share)
                        else by_year[y].share * 100
                    ]
                    for y in years
                ],
                hovertemplate=f"%{{x}} 年 · {label('level', level)}："
                "%{y:,.2f} 万元（%{customdata[0]:.2f}%）<extra></extra>",
            )
        )
    return layout(
        fig,
        "各年度项目支出资金来源（全部部门，按级次，万元）",
        barmode="stack",
        xaxis={"title": {"text": "年度"}, "type": "category"},
        yaxis=AMOUNT_AXIS,
    )


def top_projects_bar(projects: pd.DataFrame, year: int) -> go.Figure:
    """Horizontal bars of the year's largest projects (万元), largest on top, named 部门 · 项目."""
    names = [
        f"{i}. {d} · {n}"
        for i, (d, n) in enumerate(zip(projects["department"], projects["name"], strict=True), 1)
    ]
    fig = go.Figure(
        go.Bar(
            x=floats(projects["amount_wan"]),
            y=names,
            orientation="h",
            marker_color=BAR_COLOUR,
            texttemplate="%{x:,.2f}",
            textposition="auto",
            hovertemplate="%{y}：%{x:,.2f} 万元<extra></extra>",
        )
    )
    return layout(
        fig,
        f"{year} 年度前 {len(projects)} 大项目（全部部门，万元）",
        bars=len(projects),
        xaxis=AMOUNT_AXIS,
    )


def indicator_bar(indicators: pd.DataFrame) -> go.Figure:
    """Horizontal bars of the standard indicators that can be computed (%), flagged ones in red."""
    rows = [
        r
        for r in records(indicators)
        if r.indicator in STANDARD_INDICATORS and not missing(r.value)
    ]
    names = [f"{label('indicator', r.indicator)} · {label('section', r.scope)}" for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[float(r.value) * 100 for r in rows],
            y=names,
            orientation="h",
            marker_color=[FLAG_COLOUR if truthy(r.flagged) else BAR_COLOUR for r in rows],
            texttemplate="%{x:.2f}%",
            textposition="auto",
            hovertemplate="%{y}：%{x:.2f}%<extra></extra>",
        )
    )
    for x, text in ((float(config.ADJUSTMENT_RATE_LIMIT) * 100, LIMIT), (100, "100%")):
        fig.add_vline(x=x, line_dash="dot", line_color="#888888", annotation_text=text)
    return layout(
        fig,
        "可计算的绩效指标（%；红色为需关注）",
        bars=max(len(rows), 1),
        xaxis=PERCENT_AXIS,
    )
