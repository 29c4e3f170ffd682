"""数据核对: every figure with the sentence it was read from, and every check with its message."""

import streamlit as st

from pages.ui import charts, data, widgets

selection = widgets.require_report()
provenance = data.figure_provenance(selection.identity, selection.department, selection.year)
checks = data.check_results(selection.identity, selection.department, selection.year)

widgets.report_header("数据核对", selection)

st.subheader("核对结果")
for message in charts.open_warnings(checks)["message"]:
    st.warning(widgets.md_escape(message), icon=":material/warning:")
failed_only = st.toggle("只看未通过的核对", key="audit_failed_only")
check_table = charts.check_table(checks, failed_only=failed_only)
widgets.show_table(check_table)
widgets.csv_download(check_table, selection, "核对结果", key="audit_checks_csv")

st.subheader("数字出处")
st.caption("每个数字都注明读取它的原文措辞和句子；位置为报告全文中的字符序号。")
figure_table = charts.figure_table(provenance)
widgets.show_table(figure_table)
widgets.csv_download(figure_table, selection, "数字出处", key="audit_figures_csv")
