"""绩效指标: the standard indicators of 财预〔2013〕53号 for the selected report, each with its
formula, its inputs and the sentences they were read from; what cannot be computed says why."""

import streamlit as st

from etl import labels
from ui import charts, data, tables, widgets
from ui.tables import records

selection = widgets.report_page()
indicators = data.standard_indicators(selection.identity, selection.department, selection.year)
inputs = data.indicator_inputs(selection.identity, selection.department, selection.year)

widgets.report_header("绩效指标", selection)
st.caption(
    "依据财政部《部门整体支出绩效评价共性指标体系框架》（财预〔2013〕53号），只计算报告数字能算出的指标。"
)
table = tables.indicator_table(indicators, inputs, selection.year)
for row in records(table):
    if row.提示:
        st.warning(widgets.md_escape(f"{row.指标}（{row.范围}）{row.结果}：{row.提示}"))

widgets.chart_and_table(
    charts.indicator_bar(indicators),
    tables.indicator_chart_table(table),
    selection,
    "绩效指标",
    key="indicators",
    table=table,
)
st.caption(labels.ADJUSTMENT_NOTE + "“三公经费”变动率需要同一部门上一年度的报告。")

st.subheader("输入数字与原文出处")
which = st.selectbox(
    "指标",
    [None, *tables.STANDARD_INDICATORS],
    key="indicators_input_filter",
    format_func=lambda i: "全部指标" if i is None else labels.label("indicator", i),
)
input_table = tables.indicator_inputs_table(inputs, selection.year, which)
widgets.show_table(input_table)
widgets.table_downloads(input_table, selection, "绩效指标输入", key="indicators_inputs_csv")
