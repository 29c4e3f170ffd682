"""预算调整: initial vs adjusted vs actual for basic and project expenditure, and which document
of the department-year each phase came from."""

import streamlit as st

from etl import labels
from ui import charts, data, tables, widgets

selection = widgets.report_page()
phases = data.budget_phases(selection.identity, selection.department, selection.year)

widgets.report_header("预算调整", selection)
show_total = st.toggle("显示合计行", key="adjustments_show_total")
widgets.chart_and_table(
    charts.phase_bar(phases),
    tables.phase_table(phases),
    selection,
    "预算调整",
    key="adjustments",
    table=tables.phase_table(phases, include_total=show_total),
)
widgets.figure_sources(selection)
st.caption(labels.formulas("adjustment_rate", "execution_rate"))
