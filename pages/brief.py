"""简报: the brief to print, for the selected department-year or for a year across departments,
as an A4 PDF (the pages' own charts) or an Excel workbook; a preview of what it says."""

import streamlit as st

from etl import labels
from ui import brief, data, widgets

selection = widgets.report_page()
years = [int(y) for y in data.report_years_all(selection.identity)["year"]]  # newest first

st.title("简报")
st.caption(
    "一至两页 A4：合计、年初 / 调整后 / 实际三组图、调整幅度最大和执行率最低的、超过限值的指标、较上年变动。"
)
scope = st.radio(
    "范围",
    ["department", "year"],
    format_func=lambda s: {"department": "所选部门年度", "year": "某一年度的全部部门"}[s],
    horizontal=True,
    key="brief_scope",
)
if scope == "department":
    year = selection.year
    st.caption(widgets.md_escape(f"{selection.department} · {year} 年度（左侧选择部门和年度）"))
    content = data.run(selection.identity, brief.department_brief, selection.department, year)
else:
    year = st.selectbox(
        "年度",
        years,
        index=years.index(selection.year) if selection.year in years else 0,
        key="brief_year",
        format_func=labels.year_text,
    )
    content = data.run(selection.identity, brief.year_brief, year)

widgets.brief_downloads(content, key="brief")
st.divider()
widgets.brief_preview(content, selection._replace(department=content.department, year=year))
