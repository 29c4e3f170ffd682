"""The app through streamlit.testing.v1.AppTest: open a page as a user would, read it as text."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.support.databases import ROOT
from ui.frame import PAGES as NAVIGATION

PAGES = dict(NAVIGATION)  # {path: title}, in navigation order
# Pages that manage the data rather than show one report (tests/test_pages_data.py covers them).
DATA_PAGES = (
    "pages/import_reports.py",
    "pages/versions.py",
    "pages/snapshot.py",
    "pages/admin.py",
)
REPORT_PAGES = {path: title for path, title in PAGES.items() if path not in DATA_PAGES}

APP = ROOT / "app.py"  # the entry script, as `streamlit run app.py` starts it


def open_page(path: str, query_params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params.update(query_params or {})
    at.run()
    if path != "pages/overview.py":
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(value: Any) -> str:
    """A table cell as the page formats it (万元 with separators, gaps as 未识别)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "未识别"
    return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)


def plain(markdown: str) -> str:
    """Markdown as read on screen: md_escape's backslashes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def page_text(at: AppTest) -> str:
    """Everything a reader sees as text: headings, notes, KPI cards and table cells."""
    parts = [
        plain(str(e.value))
        for kind in ("title", "subheader", "caption", "info", "warning", "error")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        parts.append(" ".join(frame.value.columns))
        parts += [shown(v) for row in frame.value.itertuples(index=False) for v in row]
    return "\n".join(parts)


def table(at: AppTest, index: int = 0) -> pd.DataFrame:
    return at.dataframe[index].value
