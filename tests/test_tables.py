"""ui/tables.py: the tables pages show and export, from frames as etl.queries returns them."""

from __future__ import annotations

import doctest
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from tests.support.databases import seed_frame as seed
from tests.support.frames import NAN, fund_history, fund_years
from ui import tables


def test_doctests() -> None:
    assert doctest.testmod(tables).failed == 0


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


def test_fund_split_by_year_table_keeps_amounts_exact() -> None:
    table = tables.fund_split_by_year_table(fund_years())
    assert table["资金级次"].tolist() == ["市级", "区（县）级", "区（县）级"]
    assert table["金额（万元）"].tolist() == [Decimal("148.92"), Decimal("200.48"), Decimal("300")]
    assert table["占当年项目资金（%）"].tolist() == [
        Decimal("42.62"),
        Decimal("57.38"),
        Decimal("100.00"),
    ]


def test_project_table_shows_a_forms_own_phases_and_rate() -> None:
    projects = pd.DataFrame(
        {
            "ordinal": [1, 2],
            "name": ["普通高中生均公用经费", "普通高中国家助学金"],
            "amount_wan": [Decimal("310.70"), Decimal("68.40")],
            "share": [0.82, 0.18],
            "initial_wan": [Decimal("286.80"), None],
            "adjusted_wan": [Decimal("310.70"), Decimal("68.40")],
            "actual_wan": [Decimal("305.12"), Decimal("68.40")],
            "execution_rate": [305.12 / 310.70, 1.0],
            "score": [Decimal("98.82"), None],
            "purpose": ["", ""],
            "sentence": ["", ""],
        }
    )
    assert tables.has_own_phases(projects)
    table = tables.project_table(projects, detail=False)
    assert table.columns.tolist() == [
        "项目",
        "金额（万元）",
        "占比（%）",
        "年初预算（万元）",
        "调整后预算（万元）",
        "实际支出（万元）",
        "预算执行率（%）",
        "自评得分",
    ]
    assert table["预算执行率（%）"].tolist() == [Decimal("98.20"), Decimal("100.00")]
    assert table["年初预算（万元）"].iloc[1] is None  # not stated: shown as 未识别, never 0
    # A list in prose: each item's one amount is its only phase, nothing to add.
    prose = projects.assign(initial_wan=None, adjusted_wan=None, actual_wan=projects["amount_wan"])
    assert not tables.has_own_phases(prose)
    assert "实际支出（万元）" not in tables.project_table(prose, detail=False)


def test_versions_name_each_documents_kind() -> None:
    versions = pd.DataFrame(
        {
            "department": ["X局", "X局"],
            "year": [2021, 2021],
            "sha256": ["a" * 64, "b" * 64],
            "file_name": ["决算.pdf", "旧.txt"],
            "loaded_at": [None, None],
            "is_current": [True, False],
            "origin": ["report", "report"],
            "kind": ["final_accounts", None],
            "corrections": [0, 0],
            "loaded_by": ["li@x.cn", None],  # None: loaded before sign-in recorded who
            "restored_by": [None, None],
            "restored_at": [None, None],
        }
    )
    table = tables.versions_table(versions)
    assert table["文件类型"].tolist() == ["部门决算", "文件类型未识别"]
    assert table["载入人"].tolist() == ["li@x.cn", "—"]
    assert table["恢复人"].tolist() == ["", ""]
