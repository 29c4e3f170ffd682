"""Shared Streamlit pieces the router and the pages call: first-start build, the 部门/年度
selectors, KPI cards, tables, charts and the 下载 CSV button. Figures and tables come from
charts.py, bytes and file names from export.py; nothing here queries or reshapes data itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages.ui import charts, data, export

EMPTY_MESSAGE = (
    "还没有载入报告……请在“导入”页上传报告，或把报告放进 data/reports/ 后运行"
    " `python -m etl load`，再刷新本页。"
)
_ROW_PX, _MAX_ROWS = 35, 20  # show up to 20 rows without scrolling
SELECTION_KEY = "selection"  # session_state: the Selection pages read, set on every run
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


class Selection(NamedTuple):
    """The report the sidebar selects, and the database file it was read from."""

    identity: data.Identity
    department: str
    year: int
    file_name: str
    sha256: str = ""  # the current version's content hash (what a correction is recorded on)
    origin: str = "report"  # "manual" for 手工录入


def md_escape(text: str) -> str:
    r"""Report text made literal for st.markdown / st.caption / st.warning.

    >>> print(md_escape("**天心区** [链接](x) :red[1]"))
    \*\*天心区\*\* \[链接\]\(x\) \:red\[1\]
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def build_database(db: Path, reports_dir: Path) -> None:
    """On first start, build `db` from `reports_dir` under a spinner; warn about files that fail.

    A database built by an older version of the app gets the tables and views it lacks.
    """
    if db.exists():
        _upgrade_schema(db)
        return
    from etl.load import ensure_database  # the parsers load only when there is work for them

    try:
        with st.spinner("首次启动：正在从 data/reports/ 载入报告并建立数据库，请稍候……"):
            results = ensure_database(db, reports_dir)
    except Exception as exc:  # shown to the user; the pages then explain how to load
        st.warning(md_escape(f"无法建立数据库 {db}：{exc}"))
        return
    for result in results:
        if not result.ok:
            st.warning(md_escape(f"载入失败：{result.path.name}：{result.message}"))


def _upgrade_schema(db: Path) -> None:
    identity = data.db_identity(db)
    try:
        outdated = identity is not None and data.schema_outdated(identity)
    except duckdb.Error:
        return  # report_selectors says the file cannot be read
    if not outdated:
        return
    from etl.load import load_paths

    with st.spinner("数据库来自旧版本，正在补充新的表和视图……"):
        write_database(lambda: load_paths([], db))


DEPARTMENT_LIST_LIMIT = 200  # above this many departments, a 搜索部门 box narrows the 部门 list


def report_selectors() -> Selection | None:
    """Sidebar 部门 and 年度 selectors (keys "department", "year"), mirrored in the URL.

    A URL's ?department=…&year=… opens that report when it exists; unknown values are ignored.
    With more than DEPARTMENT_LIST_LIMIT departments, a 搜索部门 box (key "department_search")
    narrows the 部门 list to the first DEPARTMENT_LIST_LIMIT matches, always with the current one.
    Stores the Selection (or None when no report is loaded) for require_report().
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
        year = st.selectbox("年度", years, key="year", format_func=lambda y: f"{y} 年")
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
    )
    st.session_state[SELECTION_KEY] = selection
    return selection


def _department_options(identity: data.Identity, first: pd.DataFrame, current: str) -> list[str]:
    """Every department when there are few; else a 搜索部门 box and its first matches."""
    total = int(first["matches"].iloc[0])
    if total <= DEPARTMENT_LIST_LIMIT:
        return list(first["department"])
    search = st.text_input(
        "搜索部门", key="department_search", placeholder="输入部门名称中的字词"
    ).strip()
    found = data.department_matches(identity, search, DEPARTMENT_LIST_LIMIT) if search else first
    matches = int(found["matches"].iloc[0]) if len(found) else 0
    options = list(found["department"])
    if current not in options:
        options.insert(0, current)
    shown = f"，列表显示前 {len(found):,} 个" if matches > len(found) else ""
    what = f"匹配 {matches:,} 个" if search else f"共 {total:,} 个部门"
    st.caption(md_escape(f"{what}{shown}" + (f"（共 {total:,} 个部门）" if search else "")))
    return options


def run_page(page: Any) -> None:
    """Run the navigation's page; a database error (a foreign process holding the file
    read-write, a file damaged mid-session) becomes a message instead of a traceback."""
    try:
        page.run()
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "lock" in first_line.lower():
            st.error("数据库正被另一个程序以写入方式占用：请等它结束后刷新页面。")
            st.caption(md_escape(first_line))
        else:
            st.error(md_escape(f"无法读取数据库：{first_line}"))


def require_report() -> Selection:
    """The selected report; when none is loaded, says how to load one and stops the page."""
    route_page()
    selection = st.session_state.get(SELECTION_KEY)
    if selection is None:
        st.info(EMPTY_MESSAGE, icon=":material/info:")
        st.stop()
    return selection


def route_page() -> None:
    """For a page that works without a report (导入, 版本, 数据快照): make app.py route it."""
    _leave_legacy_page_mode()


T = TypeVar("T")
FLASH_KEY = "flash_messages"


def write_database(action: Callable[[], T]) -> T | None:
    """Run a loader write (upload, restore, correction); a busy or damaged database is a message."""
    from etl.load import DamagedDatabase, LoadBusy

    try:
        return action()
    except LoadBusy:
        st.error(
            "另一个载入正在进行（可能是别人在导入），请稍后再试。", icon=":material/hourglass:"
        )
    except DamagedDatabase as exc:
        st.error(md_escape(str(exc)))
    return None


def flash(kind: str, text: str) -> None:
    """A message to show after the rerun that a write triggers (kind: success, info, warning, error)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def show_flash() -> None:
    """Show and forget the messages flash() kept, as literal text."""
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(md_escape(text))


def _leave_legacy_page_mode() -> None:
    """Make sure app.py routes this run, even for a deep link opened first after a restart.

    Streamlit treats a pages/ folder beside the entry script as its older multipage layout and
    runs pages/<name>.py on its own (no router, no selectors) until st.navigation has run once
    in the process; AppTest resets that before every run. Switching it off and rerunning lets
    app.py route the same URL, as st.navigation itself would.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def report_header(title: str, selection: Selection) -> None:
    """Page title, then which report it shows, as literal text."""
    st.title(title)
    origin = f"（{charts.MANUAL}）" if selection.origin == "manual" else ""
    st.caption(
        md_escape(
            f"{selection.department} · {selection.year} 年度 · 来源：{selection.file_name}{origin}"
            " · 金额单位：万元"
        )
    )


def phase_kpis(phases: pd.DataFrame) -> None:
    """KPI cards per section: initial / adjusted / actual (万元), 调整率 and 执行率."""
    flags = charts.corrected_phases(phases)
    for row, corrected in zip(phases.itertuples(index=False), flags, strict=True):
        st.subheader(charts.label("section", row.section))
        cards = st.columns(5)
        for card, phase in zip(cards, charts.PHASES, strict=False):
            name = charts.label("phase", phase)
            marked = name in corrected.split("、")
            card.metric(
                f"{name}（万元）" + (f" · {charts.CORRECTED}" if marked else ""),
                charts.format_wan(getattr(row, f"{phase}_wan")),
                help="此数字已更正：报告原值、更正理由和时间见“数据核对”" if marked else None,
                border=True,
            )
        cards[3].metric(
            "调整率",
            charts.format_rate(row.adjustment_rate),
            help="（调整后预算 − 年初预算）÷ 年初预算",
            border=True,
        )
        cards[4].metric(
            "执行率",
            charts.format_rate(row.execution_rate),
            help="实际支出 ÷ 调整后预算",
            border=True,
        )


def warning_count(checks: pd.DataFrame) -> int:
    """How many checks failed with severity warning or error."""
    return len(charts.open_warnings(checks))


def show_chart(figure: go.Figure, selection: Selection, view: str, key: str) -> None:
    """A plotly chart with Plotly's own PNG download, named like the CSV."""
    stem = export.file_name(selection.department, selection.year, view).removesuffix(".csv")
    config = {"displaylogo": False, "toImageButtonOptions": {"filename": stem, "scale": 2}}
    st.plotly_chart(figure, key=key, config=config)


def show_table(table: pd.DataFrame, *, placeholder: str = charts.MISSING) -> None:
    """A table as literal text: 万元 like 1,150.47, percentages like 64.32%, gaps as 未识别
    (or `placeholder`, e.g. — where a gap is a change with nothing to compare with)."""
    st.dataframe(
        table,
        height=_ROW_PX * (min(len(table), _MAX_ROWS) + 1) + 3,
        hide_index=True,
        column_config={c: _column(c) for c in table.columns},
        placeholder=placeholder,
    )


def csv_download(
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    selection: Selection,
    view: str,
    key: str,
    *,
    what: str = "表格",
) -> None:
    """A 下载 CSV button for exactly the rows and columns of `table` (`what` names them); the
    bytes are built when the button is clicked, not on every run (a table may be 180,000 rows),
    and `table` may be a function that builds the frame then."""
    st.download_button(
        f"下载 CSV（{what}）",
        data=lambda: export.csv_bytes(table() if callable(table) else table),
        file_name=export.file_name(selection.department, selection.year, view),
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def _column(header: str) -> Any:
    if header.endswith(charts.AMOUNT_SUFFIX) or header in ("数值", "原值", "生效数值"):
        return st.column_config.NumberColumn(header, format="%,.2f")
    if header.endswith(charts.PERCENT_SUFFIX):
        return st.column_config.NumberColumn(header, format="%.2f%%")
    if header.endswith(charts.POINTS_SUFFIX):
        return st.column_config.NumberColumn(header, format="%+.2f")
    if header == "置信度":
        return st.column_config.NumberColumn(header, format="%.2f")
    return st.column_config.Column(header)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# Many departments × years, and the 示例数据 banner.


def dataset_banner() -> None:
    """On every page: a 示例数据 warning while the database holds demo reports (etl demo)."""
    identity = data.db_identity()
    try:
        counts = data.synthetic_reports(identity).iloc[0]
    except duckdb.Error:  # an unreadable database is reported by report_selectors
        return
    synthetic, reports = int(counts["synthetic"]), int(counts["reports"])
    if synthetic:
        which = (
            f"中的全部 {reports} 份报告都"
            if synthetic == reports
            else f"的 {reports} 份报告中有 {synthetic} 份"
        )
        st.warning(
            f"**示例数据**：当前数据库{which}由 `python -m etl demo` 程序生成，"
            "部门名称和数字均为虚构，仅用于演示，不是真实报告。",
            icon=":material/science:",
        )


def department_header(title: str, selection: Selection, years: list[int]) -> None:
    """Page title, then which department and years it shows, as literal text."""
    st.title(title)
    span = f"{years[0]}–{years[-1]} 年度（{len(years)} 份报告）" if years else "没有报告"
    st.caption(md_escape(f"{selection.department} · {span} · 金额单位：万元"))


def open_overview(identity: data.Identity, departments: list[str], year: int, *, key: str) -> None:
    """A 部门 choice and a button that makes it the shared selection and opens its 总览. The
    choice lists `departments` (at most DEPARTMENT_LIST_LIMIT); when the database holds more
    departments, a search box (key `key`_search) finds any of them instead."""
    options = departments[:DEPARTMENT_LIST_LIMIT]
    everyone = data.department_matches(identity, "", DEPARTMENT_LIST_LIMIT)
    total = int(everyone["matches"].iloc[0]) if len(everyone) else 0
    if total > len(options):
        search = st.text_input(
            "搜索部门", key=f"{key}_search", placeholder="输入部门名称中的字词"
        ).strip()
        if search:
            found = data.department_matches(identity, search, DEPARTMENT_LIST_LIMIT)
            options = list(found["department"])
            matches = int(found["matches"].iloc[0]) if len(found) else 0
            shown = f"，列表显示前 {len(options):,} 个" if matches > len(options) else ""
            st.caption(md_escape(f"匹配 {matches:,} 个部门{shown}"))
        else:
            st.caption(md_escape(f"列表为上表前 {len(options):,} 个；共 {total:,} 个部门，可搜索"))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox("查看部门", options, key=key)
    if right.button(
        "打开该部门的总览",
        key=f"{key}_button",
        on_click=_select_report,
        args=(chosen, year),
        icon=":material/open_in_new:",
        disabled=chosen is None,
    ):
        st.switch_page("pages/overview.py")


def _select_report(department: str, year: int) -> None:
    # A callback runs before the rerun builds the sidebar, so it may set the selectors' state.
    st.session_state["department"] = department
    st.session_state["year"] = year
