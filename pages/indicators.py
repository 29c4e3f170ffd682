"""绩效指标: the standard indicators of 财预〔2013〕53号 for the selected report, each with its
formula, its inputs and the sentences they were read from; what cannot be computed says why."""

import streamlit as st

from pages.ui import charts, data, widgets

selection = widgets.require_report()
indicators = data.standard_indicators(selection.identity, selection.department, selection.year)
inputs = data.indicator_inputs(selection.identity, selection.department, selection.year)

widgets.report_header("绩效指标", selection)
st.caption(
    "依据财政部《部门整体支出绩效评价共性指标体系框架》（财预〔2013〕53号），只计算报告数字能算出的指标。"
)
table = charts.indicator_table(indicators, inputs, selection.year)
for row in table.itertuples(index=False):
    if row.提示:
        st.warning(widgets.md_escape(f"{row.指标}（{row.范围}）{row.结果}：{row.提示}"))

widgets.show_chart(
    charts.indicator_bar(indicators), selection, "绩效指标图", key="indicators_chart"
)
widgets.csv_download(
    table[table["结果"].str.endswith("%")][["指标", "范围", "数值（%）", "提示"]],
    selection,
    "绩效指标图",
    key="indicators_chart_csv",
    what="图表数据",
)
widgets.show_table(table)
widgets.csv_download(table, selection, "绩效指标表", key="indicators_table_csv")
st.caption(
    "预算调整率按（调整后预算 − 年初预算）÷ 年初预算计算。按规定可不计入的调整（国家政策调整、"
    "不可抗力、上级交办任务等）在报告中没有逐项列出，无法扣除，所以这里的调整率是上限。"
    "“三公经费”变动率需要同一部门上一年度的报告。"
)

st.subheader("输入数字与原文出处")
which = st.selectbox(
    "指标",
    [None, *charts.STANDARD_INDICATORS],
    key="indicators_input_filter",
    format_func=lambda i: "全部指标" if i is None else charts.label("indicator", i),
)
input_table = charts.indicator_inputs_table(inputs, selection.year, which)
widgets.show_table(input_table)
widgets.csv_download(input_table, selection, "绩效指标输入", key="indicators_inputs_csv")
