"""部门对比: every department in one year, ranked by a standard indicator or by failed checks;
choosing a department makes it the shared selection and opens its 总览."""

import pandas as pd
import streamlit as st

from pages.ui import charts, data, widgets

selection = widgets.require_report()
years = [int(y) for y in data.report_years_all(selection.identity)["year"]]  # newest first
CHART_ROWS, TABLE_ROWS = 30, 500  # departments drawn, and listed; the CSV has them all

st.title("部门对比")
year = st.selectbox(
    "年度",
    years,
    index=years.index(selection.year),
    key="comparison_year",
    format_func=lambda y: f"{y} 年",
)
reports = data.report_years_all(selection.identity).set_index("year")["reports"]
st.caption(widgets.md_escape(f"{year} 年度 · {int(reports[year]):,} 个部门 · 比率单位：%"))

left, right = st.columns([3, 1], vertical_alignment="bottom")
sort_by = left.selectbox(
    "排序依据",
    charts.RANKING_COLUMNS,
    key="comparison_sort",
    format_func=lambda c: charts.label("ranking", c),
)
ascending = right.toggle("从低到高", key="comparison_ascending")
# The first TABLE_ROWS in this order, sorted in DuckDB: 180,000 departments never reach pandas.
ranked = data.ranking_head(selection.identity, year, sort_by, ascending, TABLE_ROWS)
total = int(ranked["departments"].iloc[0]) if len(ranked) else 0


def whole_ranking() -> pd.DataFrame:
    """Every department, for the CSV: built when the button is clicked."""
    ranking = data.department_ranking(selection.identity, year)
    return charts.ranking_table(charts.rank_departments(ranking, sort_by, ascending=ascending))


shown = ranked.head(CHART_ROWS)
if total > len(shown):
    st.caption(
        f"共 {total:,} 个部门，图中显示按当前排序的前 {len(shown)} 个；完整排名见下表和 CSV。"
    )
widgets.show_chart(
    charts.ranking_bar(shown, sort_by), selection, "部门对比图", key="comparison_chart"
)
widgets.csv_download(
    charts.ranking_chart_table(shown, sort_by),
    selection,
    "部门对比图",
    key="comparison_chart_csv",
    what="图表数据",
)
widgets.show_table(charts.ranking_table(ranked))
if total > len(ranked):
    st.caption(f"表中显示前 {len(ranked)} 个部门；下载 CSV 包含全部 {total:,} 个部门。")
widgets.csv_download(whole_ranking, selection, "部门对比表", key="comparison_table_csv")
st.caption(
    "预算调整率 =（调整后预算 − 年初预算）÷ 年初预算，按基本支出与项目支出合计，超过 30% 需说明原因；"
    "预算执行率 = 实际支出 ÷ 调整后预算；“三公经费”控制率 = 实际支出 ÷ 预算；"
    "在职人员控制率 = 实有在职人数 ÷ 编制人数；人员经费占比 = 人员经费 ÷ 基本支出实际支出；"
    "核对警告数为未通过的核对（警告和错误）。报告未写明的数字显示为“未识别”，排在最后。"
)

widgets.open_overview(selection.identity, list(ranked["department"]), year, key="comparison_open")
