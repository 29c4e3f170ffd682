"""ui/charts.py: the figures, from frames as etl.queries returns them."""

from __future__ import annotations

import doctest
from decimal import Decimal

import duckdb
import pandas as pd

from etl import labels
from tests.support.databases import seed_frame as seed
from tests.support.frames import fund_years, ranking
from ui import charts, tables


def test_doctests() -> None:
    assert doctest.testmod(charts).failed == 0


def test_phase_bar(con: duckdb.DuckDBPyConnection) -> None:
    fig = charts.phase_bar(seed(con, "budget_phases"))
    assert [t.name for t in fig.data] == ["年初预算", "调整后预算", "实际支出"]
    assert all(list(t.x) == ["基本支出", "项目支出"] for t in fig.data)
    assert [list(t.y) for t in fig.data] == [[487.51, 97.8], [801.07, 349.4], [801.07, 349.4]]
    assert {t.texttemplate for t in fig.data} == {"%{y:,.2f}"}
    assert [a.text for a in fig.layout.annotations] == [
        "调整 +313.56 万元（+64.32%）",
        "调整 +251.60 万元（+257.26%）",
    ]


def test_phase_bar_leaves_an_unstated_figure_out(con: duckdb.DuckDBPyConnection) -> None:
    phases = seed(con, "budget_phases")
    unstated = phases.assign(
        actual_wan=[None, *phases["actual_wan"][1:]],
        adjustment_wan=[None, *phases["adjustment_wan"][1:]],
    )
    fig = charts.phase_bar(unstated)
    assert list(fig.data[2].y) == [None, 349.4]  # no bar, never a 0 bar
    assert fig.layout.annotations[0].text == "调整额 未识别"


def test_fund_split_donut(con: duckdb.DuckDBPyConnection) -> None:
    fig = charts.fund_split_donut(seed(con, "fund_split"))
    (pie,) = fig.data
    assert list(pie.labels) == ["区（县）级", "市级"]
    assert list(pie.values) == [200.48, 148.92]
    assert pie.hole > 0 and "%{value:,.2f} 万元" in pie.texttemplate
    assert fig.layout.annotations[0].text == "合计<br>349.40 万元"


def test_project_bar_is_sorted_largest_on_top(con: duckdb.DuckDBPyConnection) -> None:
    projects = seed(con, "project_breakdown")
    fig = charts.project_bar(projects.sample(frac=1, random_state=1))  # any input order
    (bar,) = fig.data
    assert bar.orientation == "h" and fig.layout.yaxis.autorange == "reversed"
    assert list(bar.y) == [
        "农村公路养护、建设费",
        "交通运输工作经费",
        "执法工作经费",
        "业务工作经费",
        "治理平台维护费",
        "党建经费",
    ]
    assert list(bar.x) == [191.16, 70.35, 61.68, 16.65, 6.76, 2.8]
    assert [round(s, 4) for (s,) in bar.customdata] == [
        0.5471,
        0.2013,
        0.1765,
        0.0477,
        0.0193,
        0.008,
    ]
    assert bar.texttemplate == "%{x:,.2f} 万元（%{customdata[0]:.2%}）"


def test_corrected_figures_are_flagged_in_tables_and_hatched_in_the_bars(
    con: duckdb.DuckDBPyConnection,
) -> None:
    phases = seed(con, "budget_phases").assign(actual_corrected=[True, False, True])
    table = tables.phase_table(phases, include_total=True)
    assert table["已更正"].tolist() == ["实际支出", "", "实际支出"]
    fig = charts.phase_bar(phases)
    assert [t.name for t in fig.data] == ["年初预算", "调整后预算", "实际支出", "已更正"]
    overlay = fig.data[3]
    assert list(overlay.y) == [801.07, None] and overlay.offsetgroup == "actual"
    assert overlay.marker.pattern.shape == "/"
    assert list(fig.data[2].customdata) == ["（已更正）", ""]
    assert fig.layout.annotations[0].text == "调整 +313.56 万元（+64.32%）"


def test_one_colour_per_funding_level_on_every_chart() -> None:
    """The same level is drawn in the same colour by the donut, the 同比 bars and 全部部门."""
    split = pd.DataFrame(
        {
            "level": ["district", "city"],
            "amount_wan": [Decimal("2"), Decimal("1")],
            "share": [2 / 3, 1 / 3],
        }
    )
    history = split.assign(year=2021, previous_year=None)
    years = split.assign(year=2021, reports=1)
    donut = charts.fund_split_donut(split).data[0]
    seen = {
        "donut": dict(zip(donut.labels, donut.marker.colors, strict=True)),
        "同比": {t.name: t.marker.color for t in charts.fund_mix_bar(history).data},
        "全部部门": {t.name: t.marker.color for t in charts.fund_split_by_year_bar(years).data},
    }
    expected = {
        labels.label("level", k): v
        for k, v in charts.LEVEL_COLOURS.items()
        if k in ("city", "district")
    }
    assert all(colours == expected for colours in seen.values()), seen


def test_counts_have_whole_number_axes_and_flags_one_colour() -> None:
    ranked = pd.DataFrame(
        {"department": ["甲局", "乙局"], "failing_checks": [3, 0], "adjustment_rate": [0.45, 0.1]}
    )
    counts = charts.ranking_bar(ranked, "failing_checks")
    assert counts.layout.xaxis.dtick == 1 and counts.layout.xaxis.tickformat == ",d"
    rates = charts.ranking_bar(ranked, "adjustment_rate").data[0].marker.color
    assert list(rates) == [charts.FLAG_COLOUR, charts.BAR_COLOUR]  # 45 % is beyond the limit


def test_ranking_table_and_chart() -> None:
    ranked = ranking().iloc[[1, 0, 2]].reset_index(drop=True)  # by 调整率, as the query sorts
    table = tables.ranking_table(ranked)
    assert table.columns.tolist() == [
        "名次",
        "部门",
        "预算调整率（%）",
        "预算执行率（%）",
        "“三公经费”控制率（%）",
        "在职人员控制率（%）",
        "人员经费占比（%）",
        "核对警告数",
    ]
    assert table.loc[0, "预算调整率（%）"] == Decimal("40.00")
    assert table.loc[2, "预算调整率（%）"] is None
    figure = charts.ranking_bar(ranked, "adjustment_rate")
    assert list(figure.data[0].x) == [40.0, 10.0, None]
    assert figure.layout.shapes[0].x0 == 30  # the 30 % line


def test_fund_split_by_year_bar_stacks_a_trace_per_level() -> None:
    fig = charts.fund_split_by_year_bar(fund_years())
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["市级", "区（县）级"]
    assert list(fig.data[0].x) == ["2020", "2021"]
    assert list(fig.data[0].y) == [148.92, None]  # no city funds stated in 2021: no bar, never 0
    assert list(fig.data[1].y) == [200.48, 300.0]


def test_top_projects_bar_names_department_and_project_escaped() -> None:
    top = pd.DataFrame(
        {
            "department": ["甲局", "<b>乙局</b>"],
            "name": ["路", "桥"],
            "amount_wan": [Decimal("20"), Decimal("10")],
            "share": [0.5, None],
            "purpose": [None, "养护"],
        }
    )
    fig = charts.top_projects_bar(top, 2020)
    assert list(fig.data[0].y) == ["1. 甲局 · 路", "2. &lt;b&gt;乙局&lt;/b&gt; · 桥"]
    table = tables.top_projects_table(top)
    assert table["用途"].tolist() == ["未识别", "养护"]
    assert table["占本部门项目合计（%）"].tolist()[0] == Decimal("50.00")
