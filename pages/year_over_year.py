"""同比: one department across its report years — basic and project budget phases, the fund-source
mix and the projects (matched across years by name), each with the change on the year before;
which documents each year's record gathers."""

import streamlit as st

from etl.labels import NOT_APPLICABLE
from ui import charts, data, tables, widgets

selection = widgets.report_page()
phases = data.phase_history(selection.identity, selection.department)
funds = data.fund_mix_history(selection.identity, selection.department)
projects = data.project_history(selection.identity, selection.department)
years = tables.history_years(phases)
documents = data.department_documents(selection.identity, selection.department)

widgets.department_header("同比", selection, years)
if len(years) < 2:
    st.info(
        f"同比需要同一部门至少两个年度的报告，目前只有 {years[0]} 年度一份。"
        "在“导入”页上传这个部门其他年度的自评报告后再看本页。"
        "报告标题里的部门名称写法不同（例如少了“长沙市”）时，请管理员在部门别名表"
        "（data/department_aliases.csv）里加一行“别名,部门全称”并重新载入。",
        icon=":material/info:",
    )
with st.expander("各年度数字取自哪些文件", icon=":material/description:"):
    for line in tables.year_documents_lines(documents):
        st.caption(widgets.md_escape(line))
    st.caption("每个年度的数字按“数据核对”页的优先顺序取自该年度的文件，取自哪份见各年度的“总览”。")
as_share = st.toggle("按占当年合计的百分比显示", key="yoy_as_share")
st.caption(
    "“2022 较 2021”等列是与该部门上一份报告的年度相比的变动（万元与变动率，或占比的百分点）；"
    "“—”表示报告未写明，或没有可比较的数字。"
)

st.subheader("基本支出与项目支出")
phase_table = tables.phase_history_table(phases, as_share=as_share)
widgets.chart_and_table(
    charts.phase_history_bar(phases, as_share=as_share),
    phase_table,
    selection,
    "同比预算",
    key="yoy_phases",
    table=phase_table,
    placeholder=NOT_APPLICABLE,
)

st.subheader("资金来源（按级次）")
if funds.empty:
    st.info("这些报告没有按级次写明项目支出的资金来源。")
else:
    fund_table = tables.fund_mix_table(funds, as_share=as_share)
    widgets.chart_and_table(
        charts.fund_mix_bar(funds, as_share=as_share),
        fund_table,
        selection,
        "同比资金来源",
        key="yoy_funds",
        table=fund_table,
        placeholder=NOT_APPLICABLE,
    )

st.subheader("项目逐年对比")
if projects.empty:
    st.info("这些报告没有逐项列出项目支出。")
else:
    st.caption(
        "同一项目在不同年度的名称按规则合并：去掉空格，全角字母数字按半角，"
        "名称末尾的计数词“项”和“经费/费”的不同写法视为同一项目；“报告中写法”列出原文名称。"
    )
    project_table = tables.project_history_table(projects, as_share=as_share)
    widgets.chart_and_table(
        charts.project_history_bar(projects, as_share=as_share),
        project_table,
        selection,
        "同比项目",
        key="yoy_projects",
        table=project_table,
        placeholder=NOT_APPLICABLE,
    )
