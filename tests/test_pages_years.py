"""The many-departments × years pages (同比, 部门对比, 绩效指标) through AppTest, on the demo dataset
(python -m etl demo) and on the seed, and the 示例数据 banner on every page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import demo
from tests.support.apptest import REPORT_PAGES, open_page, page_text, plain, table
from tests.support.databases import SEED, build_db, use_db

YEARS_PAGES = ("pages/year_over_year.py", "pages/comparison.py", "pages/indicators.py")
DEMO_FIRST = "示例市示例区教育局"  # writes its name without 示例市 in 2023: joined by its alias
DEMO_NO_THREE_PUBLIC = "示例市示例区卫生健康局"  # its 2021 report leaves out the 三公 figures


def banner(at: AppTest) -> list[str]:
    return [plain(w.value) for w in at.warning if "示例数据" in w.value]


@pytest.mark.parametrize("path", list(REPORT_PAGES), ids=list(REPORT_PAGES.values()))
def test_demo_data_carries_the_banner_on_every_page(demo_db: Path, path: str) -> None:
    at = open_page(path)
    (text,) = banner(at)
    assert text.startswith("**示例数据**：当前数据库中的全部 18 份报告都由")
    assert "示例数据生成程序" in text and "不是真实报告" in text and "python -m" not in text


@pytest.mark.parametrize("path", YEARS_PAGES)
def test_real_data_has_no_banner(seed_db: Path, path: str) -> None:
    assert banner(open_page(path)) == []


def test_banner_counts_demo_reports_mixed_with_real_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = next(r for r in demo.generate(1, range(2021, 2022)))
    path = tmp_path / report.file_name
    path.write_text(report.text, encoding="utf-8")
    for _ in use_db(build_db(tmp_path / "mixed.duckdb", [SEED, path]), monkeypatch):
        (text,) = banner(open_page("pages/overview.py"))
        assert "当前数据库的 2 份报告中有 1 份由" in text


# 同比


def test_year_over_year_on_demo_data(demo_db: Path) -> None:
    at = open_page("pages/year_over_year.py", {"department": DEMO_FIRST})
    assert not at.info  # three years: no "second year needed" note
    assert f"{DEMO_FIRST} · 2021–2023 年度（3 份报告）" in page_text(at)  # 2023 via its alias
    phases = table(at, 0)
    assert phases.columns.tolist() == [
        "类别",
        "阶段",
        "2021 年（万元）",
        "2022 年（万元）",
        "2023 年（万元）",
        "2022 较 2021（万元）",
        "2022 较 2021（%）",
        "2023 较 2022（万元）",
        "2023 较 2022（%）",
    ]
    assert len(phases) == 9 and phases.notna().all().all()
    total = phases.set_index(["类别", "阶段"]).loc[("合计", "实际支出")]
    assert total["2023 较 2022（万元）"] == total["2023 年（万元）"] - total["2022 年（万元）"]
    rate = (total["2023 年（万元）"] / total["2022 年（万元）"] - 1) * 100
    assert total["2023 较 2022（%）"] == round(rate, 2)
    projects = table(at, 2).set_index("项目")
    # 学前教育发展经费 is written 学前教育发展费 in 2022: one project, three years.
    pre_school = projects.loc["学前教育发展经费"]
    assert pre_school[["2021 年（万元）", "2022 年（万元）", "2023 年（万元）"]].notna().all()
    assert "2022 年：学前教育发展费" in pre_school["报告中写法"]
    assert "2023 年新增" in projects["说明"].tolist()
    assert projects["2023 年（万元）"].isna().sum() == 1  # the project the new one replaced


def test_year_over_year_share_toggle(demo_db: Path) -> None:
    at = open_page("pages/year_over_year.py", {"department": DEMO_FIRST})
    assert "2021 年（万元）" in table(at, 0).columns
    at.toggle(key="yoy_as_share").set_value(True).run()
    phases = table(at, 0)
    assert "2021 年（%）" in phases.columns and "2021 年（万元）" not in phases.columns
    assert set(phases["类别"]) == {"基本支出", "项目支出"}
    for year in (2021, 2022, 2023):
        totals = phases.groupby("阶段")[f"{year} 年（%）"].sum()
        assert all(abs(t - Decimal(100)) <= Decimal("0.01") for t in totals)
    assert "2022 较 2021（百分点）" in phases.columns
    assert "2021 年（%）" in table(at, 2).columns


def test_year_over_year_with_one_year_says_how_to_add_another(seed_db: Path) -> None:
    at = open_page("pages/year_over_year.py")
    note = plain(at.info[0].value)
    assert "至少两个年度" in note and "“导入”页" in note and "python -m" not in note
    assert "data/department_aliases.csv" in note
    assert table(at, 0).columns.tolist() == ["类别", "阶段", "2020 年（万元）"]


# 部门对比


def test_comparison_on_demo_data_sorts_by_the_chosen_column(demo_db: Path) -> None:
    at = open_page("pages/comparison.py")
    assert at.selectbox(key="comparison_year").value == 2023
    ranking = table(at)
    assert len(ranking) == 6 and ranking["名次"].tolist() == [1, 2, 3, 4, 5, 6]
    rates = ranking["预算调整率（%）"].tolist()
    assert rates == sorted(rates, reverse=True)
    at.selectbox(key="comparison_sort").set_value("execution_rate").run()
    execution = table(at)["预算执行率（%）"].tolist()
    assert execution == sorted(execution, reverse=True)
    at.toggle(key="comparison_ascending").set_value(True).run()
    assert table(at)["预算执行率（%）"].tolist() == sorted(execution)


def test_comparison_opens_the_chosen_departments_overview(demo_db: Path) -> None:
    at = open_page("pages/comparison.py")
    at.selectbox(key="comparison_year").set_value(2022).run()
    at.selectbox(key="comparison_open").set_value(DEMO_NO_THREE_PUBLIC).run()
    at.button(key="comparison_open_button").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["总览"]
    assert at.selectbox(key="department").value == DEMO_NO_THREE_PUBLIC
    assert at.selectbox(key="year").value == 2022
    assert at.query_params == {"department": DEMO_NO_THREE_PUBLIC, "year": "2022"}


def test_comparison_with_many_departments_searches_the_one_to_open(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import frame

    monkeypatch.setattr(frame, "DEPARTMENT_LIST_LIMIT", 2)
    at = open_page("pages/comparison.py")
    assert len(at.selectbox(key="comparison_open").options) == 2  # the table's first two
    assert "共 6 个部门，可搜索" in page_text(at)
    at.text_input(key="comparison_open_search").input("卫生健康").run()
    assert at.selectbox(key="comparison_open").options == [DEMO_NO_THREE_PUBLIC]
    at.button(key="comparison_open_button").click().run()
    assert [t.value for t in at.title] == ["总览"]
    assert at.selectbox(key="department").value == DEMO_NO_THREE_PUBLIC
    at.switch_page("pages/comparison.py").run()
    at.text_input(key="comparison_open_search").input("不存在的局").run()
    assert at.selectbox(key="comparison_open").options == []
    assert at.button(key="comparison_open_button").disabled


# 绩效指标


def indicator_results(at: AppTest) -> dict[tuple[str, str], str]:
    rows = table(at, 0)
    return {(r.指标, r.范围): r.结果 for r in rows.itertuples(index=False)}


def test_indicators_of_the_seed(seed_db: Path) -> None:
    at = open_page("pages/indicators.py")
    assert indicator_results(at) == {
        ("预算执行率", "基本支出"): "100.00%",
        ("预算执行率", "项目支出"): "100.00%",
        ("预算执行率", "合计"): "100.00%",
        ("预算调整率", "基本支出"): "64.32%",
        ("预算调整率", "项目支出"): "257.26%",
        ("预算调整率", "合计"): "96.56%",
        ("“三公经费”控制率", "“三公”经费"): "58.44%",
        ("在职人员控制率", "人员编制"): "212.50%",
        ("“三公经费”变动率", "“三公”经费"): "无法计算：缺少 2019 年度“三公”经费实际支出",
    }
    flags = [plain(w.value) for w in at.warning]
    adjustments = [f for f in flags if f.startswith("预算调整率")]  # basic, project, total
    assert len(adjustments) == 3 and all("超过 30%" in f for f in adjustments)
    # 38 in post against 17 posts (212.50 %): more staff than posts, flagged like the others.
    assert [f for f in flags if f not in adjustments] == [
        "在职人员控制率（人员编制）212.50%：在职人数超过编制数"
    ]
    assert "上限" in page_text(at)  # exempt adjustments are not itemised: an upper bound
    inputs = table(at, 1)
    seed_sentence = "2020年基本支出年初预算数为487.51万元；预算调整数为801.07万元"
    assert seed_sentence in " ".join(inputs["原文句子"].dropna())


def test_indicators_missing_input_is_never_zero(demo_db: Path) -> None:
    at = open_page("pages/indicators.py", {"department": DEMO_NO_THREE_PUBLIC, "year": "2021"})
    results = indicator_results(at)
    assert results[("“三公经费”控制率", "“三公”经费")] == (
        "无法计算：缺少 “三公”经费实际支出、“三公”经费预算"
    )
    assert results[("“三公经费”变动率", "“三公”经费")].startswith(
        "无法计算：缺少 “三公”经费实际支出"
    )
    row = table(at, 0).set_index(["指标", "范围"]).loc[("“三公经费”控制率", "“三公”经费")]
    assert row["数值（%）"] is None


def test_indicators_previous_year_change_rate(demo_db: Path) -> None:
    at = open_page("pages/indicators.py", {"department": DEMO_FIRST, "year": "2022"})
    inputs = table(at, 1)
    change = inputs[inputs["指标"] == "“三公经费”变动率"]
    assert change["输入"].tolist() == ["“三公”经费实际支出", "2021 年度“三公”经费实际支出"]
    now, before = change["数值"].tolist()
    expected = f"{float((now - before) / before):.2%}"
    assert indicator_results(at)[("“三公经费”变动率", "“三公”经费")] == expected


def test_indicators_input_filter(demo_db: Path) -> None:
    at = open_page("pages/indicators.py", {"department": DEMO_FIRST})
    assert len(table(at, 1)) > 10
    at.selectbox(key="indicators_input_filter").set_value("staff_control_rate").run()
    inputs = table(at, 1)
    assert inputs["输入"].tolist() == ["实有在职人数", "编制人数"]
    assert inputs["原文句子"].str.contains("编制").all()


def test_indicators_flag_three_public_over_budget(demo_db: Path) -> None:
    over = next(r for r in demo.generate() if "three_public_over_budget" in r.errors)
    at = open_page("pages/indicators.py", {"department": over.identity, "year": str(over.year)})
    assert any("“三公”经费实际支出超过预算" in plain(w.value) for w in at.warning)
