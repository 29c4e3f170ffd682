"""资金来源: project funds by government level, as a donut and a table with shares."""

import streamlit as st

from pages.ui import charts, data, widgets

selection = widgets.require_report()
split = data.fund_split(selection.identity, selection.department, selection.year)

widgets.report_header("资金来源", selection)
if split.empty:
    st.info("报告没有按级次（中央、省级、市级、区县级）写明项目支出的资金来源。")
    st.stop()

widgets.show_chart(
    charts.fund_split_donut(split), selection, "资金来源图", key="fund_sources_chart"
)
widgets.csv_download(
    charts.fund_split_table(split),
    selection,
    "资金来源图",
    key="fund_sources_chart_csv",
    what="图表数据",
)

with_sentence = st.toggle("显示原文句子", key="fund_sources_show_sentence")
table = charts.fund_split_table(split, with_sentence=with_sentence)
widgets.show_table(table)
widgets.csv_download(table, selection, "资金来源表", key="fund_sources_table_csv")
