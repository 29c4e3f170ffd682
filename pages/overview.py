"""总览: KPI cards for the selected report and the number of check warnings."""

import streamlit as st

from etl.labels import format_count
from ui import data, widgets

selection = widgets.report_page()
phases = data.budget_phases(selection.identity, selection.department, selection.year)
checks = data.check_results(selection.identity, selection.department, selection.year)

widgets.report_header("总览", selection)
widgets.phase_kpis(phases)

st.subheader("数据核对")
st.metric("待核对的警告", format_count(widgets.warning_count(checks)), border=True, width="content")
st.page_link(
    "pages/audit.py",
    label="查看数据核对：每个数字的原文出处与核对结果",
    icon=":material/fact_check:",
)
