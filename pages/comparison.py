"""部门对比: every department in one year, ranked by a standard indicator or by failed checks;
choosing a department makes it the shared selection and opens its 总览."""

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
ranking = data.department_ranking(selection.identity, year)
st.caption(widgets.md_escape(f"{year} 年度 · {len(ranking)} 个部门 · 比率单位：%"))

left, right = st.columns([3, 1], vertical_alignment="bottom")
sort_by = left.selectbox(
    "排序依据",
    charts.RANKING_COLUMNS,
    key="comparison_sort",
    format_func=lambda c: charts.label("ranking", c),
)
ascending = right.toggle("从低到高", key="comparison_ascending")
ranked = charts.rank_departments(ranking, sort_by, ascending=ascending)

shown = ranked.head(CHART_ROWS)
if len(ranked) > len(shown):
    st.caption(
        f"共 {len(ranked):,} 个部门，图中显示按当前排序的前 {len(shown)} 个；完整排名见下表和 CSV。"
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
widgets.show_table(charts.ranking_table(ranked.head(TABLE_ROWS)))
if len(ranked) > TABLE_ROWS:
    st.caption(f"表中显示前 {TABLE_ROWS} 个部门；下载 CSV 包含全部 {len(ranked):,} 个部门。")
widgets.csv_download(
    lambda: charts.ranking_table(ranked), selection, "部门对比表", key="comparison_table_csv"
)
st.caption(
    "预算调整率 =（调整后预算 − 年初预算）÷ 年初预算，按基本支出与项目支出合计，超过 30% 需说明原因；"
    "预算执行率 = 实际支出 ÷ 调整后预算；“三公经费”控制率 = 实际支出 ÷ 预算；"
    "在职人员控制率 = 实有在职人数 ÷ 编制人数；人员经费占比 = 人员经费 ÷ 基本支出实际支出；"
    "核对警告数为未通过的核对（警告和错误）。报告未写明的数字显示为“未识别”，排在最后。"
)

widgets.open_overview(list(ranked["department"]), year, key="comparison_open")
