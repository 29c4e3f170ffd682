"""资金来源: project funds by government level, as a donut and a table with shares, and the
document of the department-year the split was taken from."""

import streamlit as st

from ui import charts, data, tables, widgets

selection = widgets.report_page()
split = data.fund_split(selection.identity, selection.department, selection.year)

widgets.report_header("资金来源", selection)
if split.empty:
    st.info("报告没有按级次（中央、省级、市级、区县级）写明项目支出的资金来源。")
    st.stop()

with_sentence = st.toggle("显示原文句子", key="fund_sources_show_sentence")
widgets.chart_and_table(
    charts.fund_split_donut(split),
    tables.fund_split_table(split),
    selection,
    "资金来源",
    key="fund_sources",
    table=tables.fund_split_table(split, with_sentence=with_sentence),
)
sources = data.fund_split_sources(selection.identity, selection.department, selection.year)
st.caption(widgets.md_escape(tables.fund_source_line(sources)))
