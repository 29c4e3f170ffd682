"""预算透视 Budget Lens: the router. Builds the database on first start, puts the shared 部门 and
年度 selectors in the sidebar, and registers the pages; their order and titles live here."""

import streamlit as st

from etl import config
from pages.ui import widgets

st.set_page_config(page_title="预算透视 Budget Lens", layout="wide")
widgets.build_database(config.db_path(), config.REPORTS_DIR)
widgets.report_selectors()
widgets.dataset_banner()

page = st.navigation(
    [
        st.Page("pages/overview.py", title="总览", default=True),
        st.Page("pages/adjustments.py", title="预算调整"),
        st.Page("pages/fund_sources.py", title="资金来源"),
        st.Page("pages/projects.py", title="项目明细"),
        st.Page("pages/audit.py", title="数据核对"),
        st.Page("pages/year_over_year.py", title="同比"),
        st.Page("pages/comparison.py", title="部门对比"),
        st.Page("pages/summary.py", title="全部部门"),
        st.Page("pages/indicators.py", title="绩效指标"),
        st.Page("pages/import_reports.py", title="导入"),
        st.Page("pages/versions.py", title="版本"),
        st.Page("pages/snapshot.py", title="数据快照"),
    ]
)
widgets.run_page(page)
