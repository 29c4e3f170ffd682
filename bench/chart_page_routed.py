"""BASELINE, not a Budget Lens page: the app's router (ui.frame.route: first-start check, the
部门/年度 selectors, the 示例数据 banner, st.navigation) around bench/chart_page.py. Its warm rerun
minus the chart-only page's is what every real page pays for the shared sidebar before drawing
anything of its own."""

from pathlib import Path

import streamlit as st

from ui import frame

frame.route([st.Page(str(Path(__file__).with_name("chart_page.py")), title="只画图")])
