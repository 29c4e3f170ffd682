"""Tables and figures of 同比, 部门对比 and 绩效指标 from frames shaped like etl.queries returns."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ui import charts, tables

NAN = float("nan")


def fund_history() -> pd.DataFrame:
    """Two report years with a gap (2021, 2023); 省级 is stated only in 2023."""
    return pd.DataFrame(
        {
            "year": [2021, 2021, 2023, 2023, 2023],
            "previous_year": [NAN, NAN, 2021.0, 2021.0, 2021.0],
            "level": ["city", "district", "provincial", "city", "district"],
            "amount_wan": [Decimal("100"), Decimal("300"), Decimal("50"), Decimal("150"), None],
            "share": [0.25, 0.75, 0.25, 0.75, None],
            "change_wan": [None, None, None, Decimal("50"), None],
            "change_rate": [NAN, NAN, NAN, 0.5, NAN],
            "share_change": [NAN, NAN, NAN, 0.5, NAN],
        }
    )


def test_history_as_a_column_per_year_and_the_change_on_the_previous_report() -> None:
    table = tables.fund_mix_table(fund_history())
    assert table.columns.tolist() == [
        "资金级次",
        "2021 年（万元）",
        "2023 年（万元）",
        "2023 较 2021（万元）",
        "2023 较 2021（%）",
    ]
    rows = table.set_index("资金级次")
    assert rows.loc["市级"].tolist() == [
        Decimal("100"),
        Decimal("150"),
        Decimal("50"),
        Decimal("50.00"),
    ]
    assert rows.loc["省级", "2021 年（万元）"] is None  # not stated that year: no 0
    assert rows.loc["区（县）级", "2023 年（万元）"] is None


def test_history_shares_and_points() -> None:
    table = tables.fund_mix_table(fund_history(), as_share=True).set_index("资金级次")
    assert table.columns.tolist() == ["2021 年（%）", "2023 年（%）", "2023 较 2021（百分点）"]
    assert table.loc["市级"].tolist() == [Decimal("25.00"), Decimal("75.00"), Decimal("50.00")]


def ranking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "department": ["乙局", "甲局", "丙局"],
            "adjustment_rate": [0.1, 0.4, None],
            "execution_rate": [0.95, 1.0, 0.9],
            "three_public_control_rate": [0.5, 1.2, None],
            "staff_control_rate": [1.0, 0.9, 1.1],
            "personnel_share": [0.8, 0.7, 0.9],
            "failing_checks": [0, 3, 1],
        }
    )


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


def test_indicator_table_keeps_the_standard_ones_in_order_and_flags() -> None:
    indicators = pd.DataFrame(
        {
            "indicator": ["adjustment_rate", "three_public_control_rate", "personnel_share"],
            "scope": ["basic", "three_public", "basic"],
            "value": [0.643187, NAN, 0.9],
            "numerator": [Decimal("313.56"), None, Decimal("1")],
            "denominator": [Decimal("487.51"), None, Decimal("1")],
            "missing_inputs": [0, 1, 0],
            "flagged": [True, False, False],
        }
    )
    inputs = pd.DataFrame(
        {
            "indicator": ["adjustment_rate"] * 2 + ["three_public_control_rate"] * 2,
            "scope": ["basic", "basic", "three_public", "three_public"],
            "section": ["basic", "basic", "three_public", "three_public"],
            "item": ["adjusted", "initial", "actual", "budget"],
            "input_year": [2020] * 4,
            "value": [Decimal("801.07"), Decimal("487.51"), Decimal("5.26"), None],
            "unit": ["万元"] * 4,
            "wording": ["预算调整数", "年初预算数", "实际支出", None],
            "sentence": ["甲", "甲", "乙", None],
            "file_name": ["a.txt"] * 4,
        }
    )
    table = tables.indicator_table(indicators, inputs, 2020)
    assert table[["指标", "结果", "提示"]].values.tolist() == [
        ["预算调整率", "64.32%", "调整幅度超过 30%：需说明原因"],
        ["“三公经费”控制率", "无法计算：缺少 “三公”经费预算", ""],
    ]
    assert table.loc[1, "数值（%）"] is None
    shown = tables.indicator_inputs_table(inputs, 2020, "three_public_control_rate")
    assert shown["输入"].tolist() == ["“三公”经费实际支出", "“三公”经费预算"]
    assert shown["数值"].tolist() == [Decimal("5.26"), None]


# 全部部门: every department together.


def fund_years() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020, 2020, 2021],
            "level": ["city", "district", "district"],
            "amount_wan": [Decimal("148.92"), Decimal("200.48"), Decimal("300")],
            "share": [0.426217, 0.573783, 1.0],
            "reports": [1, 2, 1],
        }
    )


def test_fund_split_by_year_table_keeps_amounts_exact() -> None:
    table = tables.fund_split_by_year_table(fund_years())
    assert table["资金级次"].tolist() == ["市级", "区（县）级", "区（县）级"]
    assert table["金额（万元）"].tolist() == [Decimal("148.92"), Decimal("200.48"), Decimal("300")]
    assert table["占当年项目资金（%）"].tolist() == [
        Decimal("42.62"),
        Decimal("57.38"),
        Decimal("100.00"),
    ]


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
