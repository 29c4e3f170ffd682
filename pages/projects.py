"""项目明细: projects by amount, as sorted horizontal bars and a table with purpose and source."""

import streamlit as st

from ui import charts, data, tables, widgets

selection = widgets.report_page()
projects = data.project_breakdown(selection.identity, selection.department, selection.year)

widgets.report_header("项目明细", selection)
if projects.empty:
    st.info("报告没有逐项列出项目支出。")
    st.stop()

search = st.text_input("按项目名称筛选", key="projects_search", placeholder="例如：经费")
shown = tables.select_projects(projects, search)
if shown.empty:
    st.info("没有名称包含该文字的项目。")
    st.stop()

widgets.chart_and_table(
    charts.project_bar(shown),
    tables.project_table(shown, detail=False),
    selection,
    "项目明细",
    key="projects",
    table=tables.project_table(shown),
)
st.caption("占比为该项目占报告所列全部项目合计的比例。")
