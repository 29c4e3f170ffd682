"""总览: what leadership reads first — what is over its limit, the three-phase chart, the KPI
cards with the change on the previous report year, “三公”经费 and staffing, check warnings; which
document of the department-year each number came from (来源 lines, 数字取自哪份文件)."""

import streamlit as st

from etl.labels import format_count
from ui import charts, data, tables, widgets

selection = widgets.report_page()
phases = data.budget_phases(selection.identity, selection.department, selection.year)
figures = data.key_figures_by_year(selection.identity, selection.department)
indicators = data.standard_indicators(selection.identity, selection.department, selection.year)
checks = data.check_results(selection.identity, selection.department, selection.year)

widgets.report_header("总览", selection)
widgets.attention(tables.flag_lines(indicators))
widgets.chart_and_table(
    charts.phase_bar(phases), tables.phase_table(phases), selection, "总览", key="overview"
)
widgets.figure_sources(selection)
widgets.phase_kpis(phases, figures, selection.year)
widgets.key_figure_kpis(figures, indicators, selection.year)
widgets.figure_sources(selection, tables.KEY_FIGURE_SLOTS)
widgets.sources_expander(selection, key="overview_sources_csv")

st.subheader("数据核对")
st.metric("待核对的警告", format_count(widgets.warning_count(checks)), border=True, width="content")
st.page_link(
    "pages/audit.py",
    label="查看数据核对：每个数字的原文出处与核对结果",
    icon=":material/fact_check:",
)
st.page_link("pages/brief.py", label="打印简报：PDF 或 Excel", icon=":material/print:")
