"""项目明细: projects by amount, as sorted horizontal bars and a table with purpose and source;
each project's own phases and 执行率 where its form states them; the report's list merged with the
project forms (which file lists a project, which form covers it, the amounts of each)."""

import streamlit as st

from etl.labels import formula
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
if tables.has_forms(shown):
    st.caption(widgets.md_escape(tables.project_sources_line(shown)))
if tables.has_own_phases(shown):
    widgets.chart_and_table(
        charts.project_phase_bar(shown),
        tables.project_table(shown, detail=False),
        selection,
        "项目预算与执行",
        key="projects_phases",
    )
    st.caption(
        f"各项目自己的预算与执行数（来自项目支出绩效自评表等）；{formula('execution_rate')}。"
    )
