"""The frame around every page: page config, the navigation (order and titles), the database on
first start, the shared 部门/年度 selectors and the 示例数据 banner. app.py routes through it;
a page script that Streamlit runs without app.py routes through it too, so each page is whole.

Why a page can run without app.py: Streamlit takes a pages/ folder beside the entry script for
its older multipage layout, and until st.navigation has run once in the process it runs
pages/<name>.py on its own for a URL that names it (the first request after a restart, and
every AppTest run). Such a page calls route() itself: st.navigation (public API) replaces the
folder's listing with the app's, and the page the URL names then runs inside the same frame as
by clicking, with the same widget identities; the outer run stops there.
"""

from __future__ import annotations

import contextvars
import re
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd
import streamlit as st
from streamlit.navigation.page import StreamlitPage

from etl import config, labels
from ui import data

ROOT = Path(__file__).resolve().parent.parent
# The pages in navigation order with their titles; the first is the default (总览 at "/").
PAGES: tuple[tuple[str, str], ...] = (
    ("pages/overview.py", "总览"),
    ("pages/adjustments.py", "预算调整"),
    ("pages/fund_sources.py", "资金来源"),
    ("pages/projects.py", "项目明细"),
    ("pages/audit.py", "数据核对"),
    ("pages/year_over_year.py", "同比"),
    ("pages/comparison.py", "部门对比"),
    ("pages/summary.py", "全部部门"),
    ("pages/indicators.py", "绩效指标"),
    ("pages/brief.py", "简报"),
    ("pages/todo.py", "待办"),
    ("pages/import_reports.py", "导入"),
    ("pages/versions.py", "版本"),
    ("pages/snapshot.py", "数据快照"),
    ("pages/admin.py", "管理"),
)
SELECTION_KEY = "selection"  # session_state: the Selection pages read, set on every run
DEPARTMENT_LIST_LIMIT = 200  # above this many departments, a 搜索部门 box narrows the 部门 list
_ROUTED: contextvars.ContextVar[bool] = contextvars.ContextVar("routed", default=False)
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


class Selection(NamedTuple):
    """The report the sidebar selects, and the database file it was read from."""

    identity: data.Identity
    department: str
    year: int
    file_name: str
    sha256: str = ""  # the current version's content hash (what a correction is recorded on)
    origin: str = "report"  # "manual" for 手工录入
    kind: str | None = None  # the document's kind (etl.model.DOCUMENT_KINDS), None if unknown
    department_from: str = "title"  # where its department and year came from (labels.IDENTITY_FROM)
    year_from: str = "title"


def md_escape(text: str) -> str:
    r"""Report text made literal for st.markdown / st.caption / st.warning.

    >>> print(md_escape("**天心区** [链接](x) :red[1]"))
    \*\*天心区\*\* \[链接\]\(x\) \:red\[1\]
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def pages() -> list[StreamlitPage]:
    """PAGES as st.Page objects (paths from the project folder, whatever the working directory)."""
    return [
        st.Page(str(ROOT / path), title=title, default=index == 0)
        for index, (path, title) in enumerate(PAGES)
    ]


def route(navigation: list[StreamlitPage] | None = None) -> None:
    """Route this run: config, navigation (`navigation`, else the app's pages), the shared frame,
    then the page the URL names."""
    st.set_page_config(page_title=labels.APP_TITLE, layout="wide")
    # Every page listed: with more than twelve, Streamlit would hide some behind "View more".
    page = st.navigation(navigation or pages(), expanded=True)
    from ui import access

    access.gate()  # with sign-in configured: signed in, with a role, or no page
    build_database(config.db_path(), config.REPORTS_DIR)
    report_selectors()
    dataset_banner()
    token = _ROUTED.set(True)
    try:
        page.run()
    except duckdb.Error as exc:
        # A foreign process holding the file read-write, a file damaged mid-session: a message,
        # not a traceback.
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "lock" in first_line.lower():
            st.error(labels.DATABASE_LOCKED)
            st.caption(md_escape(first_line))
        else:
            st.error(md_escape(f"无法读取数据库：{first_line}"))
    finally:
        _ROUTED.reset(token)


def page_frame() -> Selection | None:
    """At the top of every page: the sidebar's Selection (None when no report is loaded).

    Run without app.py, the page routes itself (see the module docstring) and this run ends.
    """
    if not _ROUTED.get():
        route()
        st.stop()
    selection: Selection | None = st.session_state.get(SELECTION_KEY)
    return selection


def report_page() -> Selection:
    """page_frame() for a page that shows one report; with none loaded, says how to load one."""
    selection = page_frame()
    if selection is None:
        st.info(labels.EMPTY_DATABASE, icon=":material/info:")
        st.stop()
    return selection


def build_database(db: Path, reports_dir: Path) -> None:
    """On first start, build `db` from `reports_dir` under a spinner; warn about files that fail.

    A database built by an older version of the app gets the tables and views it lacks.
    """
    from ui.widgets import write_database

    if db.exists():
        identity = data.db_identity(db)
        try:
            outdated = identity is not None and data.schema_outdated(identity)
        except duckdb.Error:
            return  # report_selectors says the file cannot be read
        if outdated:
            from etl.load import load_paths

            with st.spinner("数据库来自旧版本，正在补充新的表和视图……"):
                write_database(lambda: load_paths([], db))
        return
    from etl.load import ensure_database  # the parsers load only when there is work for them

    try:
        with st.spinner("首次启动：正在载入随附的报告并建立数据库，请稍候……"):
            results = ensure_database(db, reports_dir)
    except Exception as exc:  # shown to the user; the pages then explain how to load
        st.warning(md_escape(f"无法建立数据库 {db}：{exc}"))
        return
    for result in results:
        if not result.ok:
            st.warning(md_escape(f"载入失败：{result.path.name}：{result.message}"))


def report_selectors() -> Selection | None:
    """Sidebar 部门 and 年度 selectors (keys "department", "year"), mirrored in the URL.

    A URL's ?department=…&year=… opens that report when it exists; unknown values are ignored.
    With more than DEPARTMENT_LIST_LIMIT departments, a 搜索部门 box (key "department_search")
    narrows the 部门 list to the first DEPARTMENT_LIST_LIMIT matches, always with the current one.
    Stores the Selection (or None when no report is loaded) for page_frame().
    """
    identity = data.db_identity()
    st.session_state[SELECTION_KEY] = None
    if identity is None:
        return None
    try:
        first = data.department_matches(identity, "", DEPARTMENT_LIST_LIMIT)
    except duckdb.Error as exc:
        st.error(md_escape(f"无法读取数据库 {identity[0]}：{exc}"))
        return None
    if first.empty:
        return None
    state, params = st.session_state, st.query_params
    current = state.get("department")
    if not isinstance(current, str) or data.report_years(identity, current).empty:
        wanted = params.get("department") if "department" not in state else None
        known = wanted is not None and not data.report_years(identity, wanted).empty
        state["department"] = wanted if known else str(first["department"].iloc[0])
    with st.sidebar:
        options = _department_options(identity, first, state["department"])
        department = st.selectbox("部门", options, key="department")
    of_department = data.report_years(identity, department)
    years = [int(y) for y in of_department["year"]]  # newest first
    if state.get("year") not in years:
        wanted_year = _int(params.get("year")) if "year" not in state else None
        state["year"] = wanted_year if wanted_year in years else years[0]
    with st.sidebar:
        year = st.selectbox("年度", years, key="year", format_func=labels.year_text)
    if params.get("department") != department or params.get("year") != str(year):
        params["department"], params["year"] = department, str(year)
    current_row = of_department[of_department["year"] == year].iloc[0]
    selection = Selection(
        identity,
        department,
        int(year),
        str(current_row["file_name"]),
        str(current_row["sha256"]),
        str(current_row["origin"]),
        None if pd.isna(current_row["kind"]) else str(current_row["kind"]),
        str(current_row["department_from"]),
        str(current_row["year_from"]),
    )
    st.session_state[SELECTION_KEY] = selection
    return selection


def department_search(
    identity: data.Identity, key: str, first: pd.DataFrame, note: str
) -> tuple[str, pd.DataFrame]:
    """A 搜索部门 box (key `key`) and the first DEPARTMENT_LIST_LIMIT departments matching it
    (`first` when it is blank), with a caption saying how many match; `note` is the caption
    while the box is blank."""
    search = st.text_input("搜索部门", key=key, placeholder="输入部门名称中的字词").strip()
    if not search:
        st.caption(md_escape(note))
        return search, first
    found = data.department_matches(identity, search, DEPARTMENT_LIST_LIMIT)
    matches = int(found["matches"].iloc[0]) if len(found) else 0
    shown = f"，列表显示前 {len(found):,} 个" if matches > len(found) else ""
    total = int(first["matches"].iloc[0]) if len(first) else 0
    st.caption(md_escape(f"匹配 {matches:,} 个{shown}（共 {total:,} 个部门）"))
    return search, found


def _department_options(identity: data.Identity, first: pd.DataFrame, current: str) -> list[str]:
    """Every department when there are few; else a 搜索部门 box and its first matches."""
    total = int(first["matches"].iloc[0])
    if total <= DEPARTMENT_LIST_LIMIT:
        return list(first["department"])
    shown = f"，列表显示前 {len(first):,} 个" if total > len(first) else ""
    _, found = department_search(
        identity, "department_search", first, f"共 {total:,} 个部门{shown}"
    )
    options = list(found["department"])
    if current not in options:
        options.insert(0, current)
    return options


def dataset_banner() -> None:
    """On every page: a 示例数据 warning while the database holds demo reports (etl demo)."""
    identity = data.db_identity()
    if identity is None:
        return
    try:
        counts = data.synthetic_reports(identity).iloc[0]
    except duckdb.Error:  # an unreadable database is reported by report_selectors
        return
    synthetic, reports = int(counts["synthetic"]), int(counts["reports"])
    if synthetic:
        st.warning(labels.demo_banner(synthetic, reports), icon=":material/science:")


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
