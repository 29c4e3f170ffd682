"""BASELINE, not a Budget Lens page: the usual Streamlit pattern S1 and S2 are compared with.

Pulls every current figure into pandas once and caches the whole frame with st.cache_data, then
filters, pivots and draws the 预算调整 chart from it on every run. Run by the benchmarks through
streamlit.testing.v1.AppTest with BUDGET_LENS_DB set; never registered in app.py.
"""

import duckdb
import pandas as pd
import streamlit as st

from etl import config
from ui import charts


@st.cache_data(show_spinner=False)
def all_figures(db: str) -> pd.DataFrame:
    with duckdb.connect(db, read_only=True) as con:
        return con.sql(
            "SELECT d.department, d.year, f.section, f.item, CAST(f.value AS DOUBLE) AS value"
            " FROM figures AS f JOIN documents AS d USING (document_id) WHERE d.is_current"
        ).df()


figures = all_figures(str(config.db_path()))
department = st.sidebar.selectbox("部门", sorted(figures["department"].unique()), key="department")
of_department = figures[figures["department"] == department]
year = st.sidebar.selectbox(
    "年度", sorted(of_department["year"].unique(), reverse=True), key="year"
)
rows = of_department[of_department["year"] == year]
wide = rows.pivot_table(index="section", columns="item", values="value", aggfunc="max")
phases = pd.DataFrame(
    {
        "section": ["basic", "project"],
        "initial_wan": [wide.loc[s, "initial"] for s in ("basic", "project")],
        "adjusted_wan": [wide.loc[s, "adjusted"] for s in ("basic", "project")],
        "actual_wan": [wide.loc[s, "actual"] for s in ("basic", "project")],
    }
)
phases["adjustment_wan"] = phases["adjusted_wan"] - phases["initial_wan"]
phases["adjustment_rate"] = phases["adjustment_wan"] / phases["initial_wan"]
phases["execution_rate"] = phases["actual_wan"] / phases["adjusted_wan"]
st.title("预算调整（基线：整表读入 pandas）")
st.plotly_chart(charts.phase_bar(phases), key="naive_chart")
st.dataframe(phases, hide_index=True)
