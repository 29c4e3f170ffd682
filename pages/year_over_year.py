"""同比: one department across its report years — basic and project budget phases, the fund-source
mix and the projects (matched across years by name), each with the change on the year before."""

import streamlit as st

from pages.ui import charts, data, widgets

selection = widgets.require_report()
phases = data.phase_history(selection.identity, selection.department)
funds = data.fund_mix_history(selection.identity, selection.department)
projects = data.project_history(selection.identity, selection.department)
years = charts.history_years(phases)

widgets.department_header("同比", selection, years)
if len(years) < 2:
    st.info(
        f"同比需要同一部门至少两个年度的报告，目前只有 {years[0]} 年度一份。"
        "把这个部门其他年度的自评报告放进 data/reports/，运行 `python -m etl load`，再刷新本页。"
        "报告标题里的部门名称写法不同（例如少了“长沙市”）时，在 data/department_aliases.csv 里加一行"
        "“别名,部门全称”，再运行 `python -m etl load`。",
        icon=":material/info:",
    )
as_share = st.toggle("按占当年合计的百分比显示", key="yoy_as_share")
st.caption(
    "“2022 较 2021”等列是与该部门上一份报告的年度相比的变动（万元与变动率，或占比的百分点）；"
    "“—”表示报告未写明，或没有可比较的数字。"
)

st.subheader("基本支出与项目支出")
widgets.show_chart(
    charts.phase_history_bar(phases, as_share=as_share),
    selection,
    "同比预算图",
    key="yoy_phases_chart",
)
phase_table = charts.phase_history_table(phases, as_share=as_share)
widgets.csv_download(
    phase_table, selection, "同比预算图", key="yoy_phases_chart_csv", what="图表数据"
)
widgets.show_table(phase_table, placeholder=charts.NOT_APPLICABLE)
widgets.csv_download(phase_table, selection, "同比预算表", key="yoy_phases_table_csv")

st.subheader("资金来源（按级次）")
if funds.empty:
    st.info("这些报告没有按级次写明项目支出的资金来源。")
else:
    fund_table = charts.fund_mix_table(funds, as_share=as_share)
    widgets.show_chart(
        charts.fund_mix_bar(funds, as_share=as_share),
        selection,
        "同比资金来源图",
        key="yoy_funds_chart",
    )
    widgets.csv_download(
        fund_table, selection, "同比资金来源图", key="yoy_funds_chart_csv", what="图表数据"
    )
    widgets.show_table(fund_table, placeholder=charts.NOT_APPLICABLE)
    widgets.csv_download(fund_table, selection, "同比资金来源表", key="yoy_funds_table_csv")

st.subheader("项目逐年对比")
if projects.empty:
    st.info("这些报告没有逐项列出项目支出。")
else:
    st.caption(
        "同一项目在不同年度的名称按规则合并：去掉空格，全角字母数字按半角，"
        "名称末尾的计数词“项”和“经费/费”的不同写法视为同一项目；“报告中写法”列出原文名称。"
    )
    project_table = charts.project_history_table(projects, as_share=as_share)
    widgets.show_chart(
        charts.project_history_bar(projects, as_share=as_share),
        selection,
        "同比项目图",
        key="yoy_projects_chart",
    )
    widgets.csv_download(
        project_table, selection, "同比项目图", key="yoy_projects_chart_csv", what="图表数据"
    )
    widgets.show_table(project_table, placeholder=charts.NOT_APPLICABLE)
    widgets.csv_download(project_table, selection, "同比项目表", key="yoy_projects_table_csv")
