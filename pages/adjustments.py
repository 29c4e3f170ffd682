"""预算调整: initial vs adjusted vs actual for basic and project expenditure."""

import streamlit as st

from pages.ui import charts, data, widgets

selection = widgets.require_report()
phases = data.budget_phases(selection.identity, selection.department, selection.year)

widgets.report_header("预算调整", selection)
widgets.show_chart(charts.phase_bar(phases), selection, "预算调整图", key="adjustments_chart")
widgets.csv_download(
    charts.phase_table(phases),
    selection,
    "预算调整图",
    key="adjustments_chart_csv",
    what="图表数据",
)

show_total = st.toggle("显示合计行", key="adjustments_show_total")
table = charts.phase_table(phases, include_total=show_total)
widgets.show_table(table)
widgets.csv_download(table, selection, "预算调整表", key="adjustments_table_csv")
st.caption("调整率 =（调整后预算 − 年初预算）÷ 年初预算；执行率 = 实际支出 ÷ 调整后预算。")
