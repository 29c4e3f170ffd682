"""部门对比: every department in one year, ranked by a standard indicator, by failed checks or
by an amount (initial, adjusted, actual, 三公); choosing a department makes it the shared selection and opens its 总览."""

import streamlit as st

from etl import labels, queries
from ui import charts, data, tables, widgets

selection = widgets.report_page()
years = [int(y) for y in data.report_years_all(selection.identity)["year"]]  # newest first
CHART_ROWS, TABLE_ROWS = 30, 500  # departments drawn, and listed; the CSV has them all

st.title("部门对比")
year = st.selectbox(
    "年度",
    years,
    index=years.index(selection.year),
    key="comparison_year",
    format_func=labels.year_text,
)
reports = data.report_years_all(selection.identity).set_index("year")["reports"]
st.caption(
    widgets.md_escape(f"{year} 年度 · {int(reports[year]):,} 个部门 · 比率单位：% · 金额单位：万元")
)

left, right = st.columns([3, 1], vertical_alignment="bottom")
sort_by = left.selectbox(
    "排序依据",
    queries.RANKING_ORDER + queries.AMOUNT_RANKING,
    key="comparison_sort",
    format_func=lambda c: labels.label("indicator", c),
)
ascending = right.toggle("从低到高", key="comparison_ascending")
# The first TABLE_ROWS in this order, sorted in DuckDB: 180,000 departments never reach pandas;
# the CSV asks the same question without the limit when its button is clicked.
ranked = data.department_ranking(selection.identity, year, sort_by, ascending, TABLE_ROWS)
total = int(ranked["departments"].iloc[0]) if len(ranked) else 0
shown = ranked.head(CHART_ROWS)
if total > len(shown):
    st.caption(
        f"共 {total:,} 个部门，图中显示按当前排序的前 {len(shown)} 个；完整排名见下表和 CSV。"
    )
widgets.chart_and_table(
    charts.ranking_bar(shown, sort_by),
    tables.ranking_chart_table(shown, sort_by),
    selection,
    "部门对比",
    key="comparison",
)
reviewed = data.reviewed_departments(selection.identity, year)
widgets.show_table(tables.ranking_table(ranked, reviewed))
if total > len(ranked):
    st.caption(f"表中显示前 {len(ranked)} 个部门；下载 CSV 包含全部 {total:,} 个部门。")
widgets.table_downloads(
    lambda: tables.ranking_table(
        data.department_ranking(selection.identity, year, sort_by, ascending, None), reviewed
    ),
    selection,
    "部门对比表",
    key="comparison_table_csv",
)
st.caption(
    labels.formulas(*queries.RANKING_ORDER)
    + f"预算调整率按基本支出与项目支出合计，超过 {labels.LIMIT} 需说明原因；"
    "金额为基本支出与项目支出合计（两项都写明时），“三公”经费为实际支出。"
    "报告未写明的数字显示为“未识别”，排在最后。"
)

widgets.open_overview(selection.identity, list(ranked["department"]), year, key="comparison_open")
