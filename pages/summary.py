"""全部部门: every department together, for leadership — project funds by government level per
year (stacked, 万元 and shares) and the year's largest projects across departments."""

import streamlit as st

from etl import labels
from ui import charts, data, tables, widgets

TOP = 20  # projects in 年度前 20 大项目

selection = widgets.report_page()
years = [int(y) for y in data.report_years_all(selection.identity)["year"]]  # newest first
# CSV files are named for 全部部门, not for the department the sidebar selects.
everyone = selection._replace(department="全部部门", year=years[0])

st.title("全部部门")
st.caption(
    widgets.md_escape(
        f"全部 {int(data.version_counts(selection.identity)['departments'].iloc[0]):,} 个部门"
        f" · {years[-1]}–{years[0]} 年度 · 金额单位：万元 · 只统计各部门年度的当前版本"
    )
)

st.subheader("各年度项目资金来源")
split = data.fund_split_by_year(selection.identity)
if split.empty:
    st.info("报告没有按级次（中央、省级、市级、区县级）写明项目支出的资金来源。")
else:
    funds = tables.fund_split_by_year_table(split)
    widgets.chart_and_table(
        charts.fund_split_by_year_bar(split),
        funds,
        everyone,
        "各年度资金来源",
        key="summary_funds",
        table=funds,
    )
    st.caption("占比为该级次占当年全部部门写明的项目资金之比；报告未写明某级次时不计入该级次。")

st.subheader(f"年度前 {TOP} 大项目")
year = st.selectbox(
    "年度",
    years,
    index=years.index(selection.year) if selection.year in years else 0,
    key="summary_year",
    format_func=labels.year_text,
)
top = data.top_projects(selection.identity, year, TOP)
if top.empty:
    st.info(f"{year} 年度的报告没有逐项列出项目支出。")
else:
    projects = tables.top_projects_table(top)
    widgets.chart_and_table(
        charts.top_projects_bar(top, year),
        projects,
        everyone._replace(year=year),
        f"前{TOP}大项目",
        key="summary_top",
        table=projects,
    )
