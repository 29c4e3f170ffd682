"""BASELINE, not a Budget Lens page: app.py's router (first-start check, the 部门/年度 selectors,
the 示例数据 banner, st.navigation) around bench/chart_page.py. Its warm rerun minus the chart-only
page's is what every real page pays for the shared sidebar before drawing anything of its own."""

from pathlib import Path

import streamlit as st

from etl import config
from pages.ui import widgets

st.set_page_config(page_title="预算透视 Budget Lens", layout="wide")
widgets.build_database(config.db_path(), config.REPORTS_DIR)
widgets.report_selectors()
widgets.dataset_banner()
page = st.navigation([st.Page(str(Path(__file__).with_name("chart_page.py")), title="只画图")])
widgets.run_page(page)
