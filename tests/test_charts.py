"""Chart and table builders against frames that etl.queries returns from the seed database."""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import labels, queries
from tests.support.databases import DEPARTMENT
from ui import charts, tables


@pytest.fixture(scope="module")
def con(seed_db_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with queries.connect(seed_db_file) as connection:
        yield connection


def seed(con: duckdb.DuckDBPyConnection, query: str) -> pd.DataFrame:
    return getattr(queries, query)(con, DEPARTMENT, 2020)  # type: ignore[no-any-return]


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


@pytest.mark.parametrize(
    ("include_total", "sections"),
    [(False, ["基本支出", "项目支出"]), (True, ["基本支出", "项目支出", "合计"])],
    ids=["sections", "with-total"],
)
def test_phase_table(con: duckdb.DuckDBPyConnection, include_total: bool, sections: list) -> None:
    table = tables.phase_table(seed(con, "budget_phases"), include_total=include_total)
    assert table["类别"].tolist() == sections
    basic = table.iloc[0]
    assert basic["调整后预算（万元）"] == Decimal("801.07")
    assert isinstance(basic["调整后预算（万元）"], Decimal)  # exact, never a float
    assert (basic["调整率（%）"], basic["执行率（%）"]) == (Decimal("64.32"), Decimal("100.00"))


def test_fund_split_table(con: duckdb.DuckDBPyConnection) -> None:
    table = tables.fund_split_table(seed(con, "fund_split"), with_sentence=True)
    assert table.columns.tolist() == ["资金级次", "金额（万元）", "占比（%）", "原文句子"]
    assert table.values.tolist()[1][:3] == ["市级", Decimal("148.92"), Decimal("42.62")]


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("", 6),
        ("  工作经费 ", ["交通运输工作经费", "执法工作经费", "业务工作经费"]),
        ("养护、建设", ["农村公路养护、建设费"]),
        ("(", []),  # plain text, not a pattern
    ],
    ids=["blank-is-all", "substring", "punctuation", "not-a-regex"],
)
def test_select_projects(con: duckdb.DuckDBPyConnection, search: str, names: object) -> None:
    chosen = tables.select_projects(seed(con, "project_breakdown"), search)
    assert (len(chosen) if isinstance(names, int) else chosen["name"].tolist()) == names


def test_project_table(con: duckdb.DuckDBPyConnection) -> None:
    table = tables.project_table(seed(con, "project_breakdown"))
    assert table.columns.tolist() == [
        "报告中序号",
        "项目",
        "金额（万元）",
        "占比（%）",
        "用途",
        "原文句子",
    ]
    first = table.iloc[0]
    assert (first["报告中序号"], first["项目"], first["金额（万元）"]) == (
        5,
        "农村公路养护、建设费",
        Decimal("191.16"),
    )
    assert first["原文句子"].startswith("农村公路养护、建设费191.16万元")


def test_figure_table_lists_every_figure_with_its_source(con: duckdb.DuckDBPyConnection) -> None:
    table = tables.figure_table(seed(con, "figure_provenance")).set_index(["类别", "指标"])
    assert len(table) == 12 and table["数值"].notna().all()
    adjusted = table.loc[("基本支出", "调整后预算")]
    assert adjusted["原文措辞"] == "预算调整数" and adjusted["数值"] == Decimal("801.07")
    assert adjusted["原文句子"] == "2020年基本支出年初预算数为487.51万元；预算调整数为801.07万元"
    assert adjusted["数值位置"] == "855–863"
    assert table.loc[("“三公”经费", "实际支出"), "置信度"] == 0.7
    assert table.loc[("人员编制", "实有在职人数"), "单位"] == "人"


def test_figure_table_marks_unstated_figures(con: duckdb.DuckDBPyConnection) -> None:
    provenance = seed(con, "figure_provenance")
    table = tables.figure_table(provenance[provenance["item"] != "personnel"])
    row = table[table["指标"] == "人员经费"].iloc[0]
    assert row["数值"] is None and row["备注"] == "报告中没有找到这个数字"


@pytest.mark.parametrize(
    ("failed_only", "results"),
    [(False, ["未通过"] * 3 + ["通过"] * 5), (True, ["未通过"] * 3)],
    ids=["all", "failed-only"],
)
def test_check_table(con: duckdb.DuckDBPyConnection, failed_only: bool, results: list) -> None:
    table = tables.check_table(seed(con, "check_results"), failed_only=failed_only)
    assert table["结果"].tolist() == results
    first = table.iloc[0]
    assert (first["级别"], first["规则代码"], first["差额（万元）"]) == (
        "警告",
        "personnel_public_sum",
        Decimal("-0.09"),
    )
    assert "相差 0.09 万元" in first["说明"]


def test_open_warnings_counts_failed_warnings_and_errors(con: duckdb.DuckDBPyConnection) -> None:
    warnings = tables.open_warnings(seed(con, "check_results"))
    assert warnings["rule"].tolist() == ["personnel_public_sum", "adjustment_rate_high"]


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        ("section", "basic", "基本支出"),
        ("section", "total", "合计"),
        ("phase", "adjusted", "调整后预算"),
        ("level", "central", "中央"),
        ("level", "provincial", "省级"),
        ("level", "city", "市级"),
        ("level", "district", "区（县）级"),
        ("level", "other", "其他"),
        ("severity", "warning", "警告"),
        ("rule", "a_rule_added_later", "a_rule_added_later"),
    ],
    ids=lambda v: str(v),
)
def test_labels(kind: str, code: str, expected: str) -> None:
    assert labels.label(kind, code) == expected


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
