"""Shared widgets the pages call: headers, KPI cards, a chart with its table and download buttons,
tables, the 下载 CSV / 下载 Excel buttons, file uploaders in Chinese, writes with their messages. Figures come
from charts.py, tables from tables.py, bytes and file names from export.py; nothing here
queries or reshapes data itself."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from etl import config, labels
from etl.labels import (
    AMOUNT_SUFFIX,
    CORRECTED,
    COUNT_SUFFIX,
    MISSING,
    PERCENT_SUFFIX,
    POINTS_SUFFIX,
    format_rate,
    format_wan,
    label,
)
from etl.store.access import Actor, Role
from ui import charts, data, export, frame, tables, upload
from ui.frame import (
    SELECTION_KEY,
    Selection,
    department_search,
    md_escape,
    page_frame,
    report_page,
)
from ui.tables import records

__all__ = ["SELECTION_KEY", "Selection", "md_escape", "page_frame", "report_page"]

_ROW_PX, _MAX_ROWS = 35, 20  # show up to 20 rows without scrolling
T = TypeVar("T")
FLASH_KEY = "flash_messages"
AMOUNT_HEADERS = (
    "数值",
    "原值",
    "生效数值",
    "上年",
    "变动",
)  # 万元, or 人 for staffing (then whole numbers)


def write_database(action: Callable[[], T]) -> T | None:
    """Run a loader write (upload, restore, correction, role change); a busy or damaged
    database, or a refusal (the role is missing), is a message."""
    from etl.load import DamagedDatabase, LoadBusy, Refused

    try:
        return action()
    except Refused as exc:
        st.error(md_escape(str(exc)), icon=":material/lock:")
    except LoadBusy:
        st.error(labels.LOAD_BUSY, icon=":material/hourglass:")
    except DamagedDatabase as exc:
        st.error(md_escape(str(exc)))
    return None


def allowed(actor: Actor, role: Role, department: str | None = None) -> bool:
    """Whether `actor` may act as `role` (for `department`); if not, a note saying so (the
    write step checks again: this only spares a click that would be refused)."""
    if actor.holds(role, department):
        return True
    if actor.refusal and not actor.grants:
        st.info(md_escape(actor.refusal), icon=":material/lock:")
    else:
        where = f"（部门：{department}）" if department else ""
        text = labels.NEEDS_ROLE.format(who=actor.label, role=labels.ROLE_LABELS[role], where=where)
        st.info(md_escape(text), icon=":material/lock:")
    return False


def flash(kind: str, text: str) -> None:
    """A message to show after the rerun that a write triggers (kind: success, info, warning, error)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def show_flash() -> None:
    """Show and forget the messages flash() kept, as literal text."""
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(md_escape(text))


def report_header(title: str, selection: Selection) -> None:
    """Page title, then which report it shows and its review status, and the documents its
    department-year's record gathers when there are several, as literal text."""
    st.title(title)
    st.caption(md_escape(tables.report_line(selection)))
    review = tables.review_line(
        data.review_status(selection.identity, selection.department, selection.year)
    )
    if review:
        st.caption(md_escape(review))
    documents = data.record_documents(selection.identity, selection.department, selection.year)
    if len(documents) > 1:
        st.caption(md_escape(tables.documents_line(documents)))


def figure_sources(
    selection: Selection, slots: tuple[tuple[str, str], ...] = tables.PHASE_SLOTS
) -> None:
    """来源: which document each figure of `slots` was taken from, as a caption."""
    provenance = data.figure_provenance(selection.identity, selection.department, selection.year)
    line = tables.sources_line(provenance, slots)
    if line:
        st.caption(md_escape(line))


def sources_expander(selection: Selection, *, key: str) -> None:
    """数字取自哪份文件: every figure of the record with its value, document and sentence or cell,
    with its downloads (keys from `key`)."""
    provenance = data.figure_provenance(selection.identity, selection.department, selection.year)
    with st.expander(labels.SOURCES_EXPANDER, icon=":material/description:"):
        st.caption(
            "每个数字按“数据核对”页列出的优先顺序取自一份文件（例如实际支出先取部门决算，"
            "年初预算先取部门预算）；各文件所列数值的比较见“数据核对”。"
        )
        table = tables.source_table(provenance)
        show_table(table)
        table_downloads(table, selection, "数字来源", key=key)


def department_header(title: str, selection: Selection, years: list[int]) -> None:
    """Page title, then which department and years it shows, as literal text."""
    st.title(title)
    span = f"{years[0]}–{years[-1]} 年度（{len(years)} 份报告）" if years else "没有报告"
    st.caption(md_escape(f"{selection.department} · {span} · 金额单位：万元"))


def phase_kpis(phases: pd.DataFrame, figures: pd.DataFrame | None = None, year: int = 0) -> None:
    """KPI cards per section: initial / adjusted / actual (万元), each with its change on the
    previous report year when `figures` (etl.queries.key_figures_by_year) has one; 调整率 and
    执行率, flagged in red beyond the limit."""
    marks = tables.corrected_phases(phases)
    _, before = tables.year_and_previous(figures, year) if figures is not None else (None, None)
    limit = float(config.ADJUSTMENT_RATE_LIMIT)
    for row, corrected in zip(records(phases), marks, strict=True):
        st.subheader(label("section", row.section))
        cards = st.columns(5)
        for card, phase in zip(cards, tables.PHASES, strict=False):
            name = label("phase", phase)
            marked = name in corrected.split("、")
            value = getattr(row, f"{phase}_wan")
            previous = getattr(before, f"{row.section}_{phase}_wan", None) if before else None
            card.metric(
                f"{name}（万元）" + (f" · {CORRECTED}" if marked else ""),
                format_wan(value),
                delta=tables.change_text(value, previous, getattr(before, "year", None)),
                delta_color="off",
                help="此数字已更正：报告原值、更正理由和时间见“数据核对”" if marked else None,
                border=True,
            )
        for card, indicator in zip(cards[3:], ("adjustment_rate", "execution_rate"), strict=True):
            rate = getattr(row, indicator)
            over = indicator == "adjustment_rate" and not tables.missing(rate)
            over = over and abs(float(rate)) > limit
            card.metric(
                label("indicator", indicator).removeprefix("预算")
                + (f" · {labels.OVER_LIMIT}" if over else ""),
                format_rate(rate),
                help=label("formula", indicator)
                + (f"；{label('flag', indicator)}" if over else ""),
                border=True,
            )


def key_figure_kpis(figures: pd.DataFrame, indicators: pd.DataFrame, year: int) -> None:
    """Cards for “三公”经费 (budget, actual, 控制率) and 人员编制 (posts, staff, 在职人员控制率),
    each amount with its change on the previous report year; a rate over its limit in red."""
    now, before = tables.year_and_previous(figures, year)
    rates = {r.indicator: r for r in records(indicators)}
    for section, indicator in (
        ("three_public", "three_public_control_rate"),
        ("staffing", "staff_control_rate"),
    ):
        st.subheader(label("section", section))
        cards = st.columns(5)
        shown = [(c, u) for s, c, u in tables.KEY_FIGURES if s == section]
        for card, (column, unit) in zip(cards, shown, strict=False):
            value = getattr(now, column, None) if now is not None else None
            previous = getattr(before, column, None) if before is not None else None
            card.metric(
                f"{tables.key_figure_label(section, column)}（{unit}）",
                labels.format_count(value) if unit == "人" else format_wan(value),
                delta=tables.change_text(value, previous, getattr(before, "year", None), unit=unit),
                delta_color="off",
                border=True,
            )
        rate = rates.get(indicator)
        flagged = rate is not None and tables.truthy(rate.flagged)
        cards[2].metric(
            label("indicator", indicator) + (f" · {labels.OVER_LIMIT}" if flagged else ""),
            format_rate(None if rate is None else rate.value),
            help=label("formula", indicator) + (f"；{label('flag', indicator)}" if flagged else ""),
            border=True,
        )


def attention(lines: list[str]) -> None:
    """需关注: what is over its limit, one line each, as a warning box (not an error: the page
    works; the figures ask for a reason); nothing when none."""
    if lines:
        st.warning(
            f"**{labels.ATTENTION}**\n\n" + "\n".join(f"- {md_escape(line)}" for line in lines),
            icon=":material/flag:",
        )


def warning_count(checks: pd.DataFrame) -> int:
    """How many checks failed with severity warning or error."""
    return len(tables.open_warnings(checks))


def show_chart(figure: go.Figure, selection: Selection, view: str, key: str) -> None:
    """A plotly chart with Plotly's own PNG download, named like the CSV."""
    stem = export.file_name(selection.department, selection.year, view).removesuffix(".csv")
    config = {"displaylogo": False, "toImageButtonOptions": {"filename": stem, "scale": 2}}
    st.plotly_chart(figure, key=key, config=config)


def chart_and_table(
    figure: go.Figure,
    chart_rows: pd.DataFrame,
    selection: Selection,
    view: str,
    key: str,
    *,
    table: pd.DataFrame | None = None,
    placeholder: str = MISSING,
) -> None:
    """The block every chart page repeats: the chart (key `key`_chart) with a CSV of what it
    draws (`chart_rows`, key `key`_chart_csv); then, unless None, `table` shown with its CSV
    (key `key`_table_csv). Files are named `view`图 and `view`表."""
    show_chart(figure, selection, f"{view}图", key=f"{key}_chart")
    table_downloads(chart_rows, selection, f"{view}图", key=f"{key}_chart_csv", what="图表数据")
    if table is not None:
        show_table(table, placeholder=placeholder)
        table_downloads(table, selection, f"{view}表", key=f"{key}_table_csv")


def show_table(table: pd.DataFrame, *, placeholder: str = MISSING) -> None:
    """A table as literal text that fits the page: 万元 like 1,150.47, percentages like 64.32%,
    whole numbers like 38, gaps as 未识别 (or `placeholder`, e.g. — where a gap is a change with
    nothing to compare with); long text in wide columns, positions and hashes left to the CSV;
    flags (tables.flag_mask) coloured as on the charts."""
    mask = tables.flag_mask(table)
    mixed = [c for c in table.columns if c in AMOUNT_HEADERS and _has_whole(table[c])]
    shown: Any = table
    if mask.to_numpy().any() or mixed:
        # 万元 and head counts in one column: the counts become Decimal too (Arrow cannot hold
        # 5.170000 and 54 in one column otherwise) and each cell is formatted as its unit.
        counts = {c: [isinstance(v, int) for v in table[c]] for c in mixed}
        data = table.copy()
        for column in mixed:
            data[column] = pd.Series(
                [Decimal(v) if isinstance(v, int) else v for v in table[column]],
                index=table.index,
                dtype=object,
            )
        colour = f"color: {charts.FLAG_COLOUR}; font-weight: 600"
        shown = data.style.apply(lambda _: mask.replace({True: colour, False: ""}), axis=None)
        for column, whole in counts.items():
            rows = table.index[whole]
            others = table.index[[not w for w in whole]]
            shown = shown.format(
                labels.format_count, subset=(rows, [column]), na_rep=placeholder
            ).format(format_wan, subset=(others, [column]), na_rep=placeholder)
    st.dataframe(
        shown,
        height=_ROW_PX * (min(len(table), _MAX_ROWS) + 1) + 3,
        hide_index=True,
        column_config={
            c: _column(c) if c not in mixed else st.column_config.Column(c) for c in table.columns
        },
        column_order=[c for c in table.columns if c not in _CSV_ONLY],
        placeholder=placeholder,
    )


def table_downloads(
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    selection: Selection,
    view: str,
    key: str,
    *,
    what: str = "表格",
) -> None:
    """下载 CSV and 下载 Excel buttons side by side for exactly the rows and columns of `table`
    (`what` names them; keys `key` and `key` with _xlsx for _csv). The bytes are built when a
    button is clicked, not on every run (a table may be 180,000 rows), and `table` may be a
    function that builds the frame then."""

    def frame() -> pd.DataFrame:
        return table() if callable(table) else table

    left, right = st.columns(2, gap="small", width=480)
    left.download_button(
        f"下载 CSV（{what}）",
        data=lambda: export.csv_bytes(frame()),
        file_name=export.file_name(selection.department, selection.year, view),
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        f"下载 Excel（{what}）",
        data=lambda: export.xlsx_bytes(frame(), view),
        file_name=export.file_name(selection.department, selection.year, view, suffix="xlsx"),
        mime=export.XLSX_MIME,
        key=f"{key.removesuffix('_csv')}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )


# Long text gets the room (pixels, in a main column of about 940 at a 1,400 px window); a
# cell shows the rest when clicked, and the CSV has it whole.
_TEXT_WIDTHS = {"原文句子": 360, "说明": 330, "用途": 200, "公式": 220, "提示": 200, "理由": 200}
_TEXT_WIDTHS |= {"报告中写法": 240, "更正理由": 200, "备注": 160, "规则": 180}
# In the CSV, not on the screen: character positions, confidence, rule codes, full hashes.
_CSV_ONLY = ("数值位置", "句子位置", "置信度", "规则代码", "内容哈希（SHA-256）")


def _has_whole(values: pd.Series[Any]) -> bool:
    return any(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _column(header: str) -> Any:
    if header.endswith(AMOUNT_SUFFIX) or header in AMOUNT_HEADERS:
        return st.column_config.NumberColumn(header, format="%,.2f")
    if header.endswith(PERCENT_SUFFIX):
        return st.column_config.NumberColumn(header, format="%.2f%%")
    if header.endswith(POINTS_SUFFIX):
        return st.column_config.NumberColumn(header, format="%+.2f")
    if header == "置信度":
        return st.column_config.NumberColumn(header, format="%.2f")
    if header.endswith(COUNT_SUFFIX) or header in ("名次", "年度", "行数", "更正数", "行"):
        return st.column_config.NumberColumn(header, format="%d")
    if header in _TEXT_WIDTHS:
        return st.column_config.TextColumn(header, width=_TEXT_WIDTHS[header])
    return st.column_config.Column(header)


def file_uploader_in_chinese(key: str, types: list[str]) -> None:
    """Chinese words for the file uploader with key `key`. Streamlit 1.67 has no option or locale
    for the drop zone's own words (the button's "Upload", "20MB per file • TXT, DOCX, PDF"; the
    label and help are ours), so CSS hides them and writes these instead: the only way its
    public API leaves. The limit is server.maxUploadSize, as Streamlit enforces it."""
    limit = int(st.get_option(config.UPLOAD_LIMIT_OPTION))
    kinds = "、".join(t.upper() for t in types)
    zone = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    st.html(
        f"""<style>
{zone} [data-testid='stFileUploaderDropzoneInstructions'] span {{ font-size: 0; }}
{zone} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{
  content: "每个文件不超过 {limit} MB · {kinds}"; font-size: 0.875rem; }}
{zone} button [data-testid='stMarkdownContainer'] p {{ font-size: 0; }}
{zone} button [data-testid='stMarkdownContainer'] p::after {{
  content: "选择文件"; font-size: 0.875rem; }}
</style>"""
    )


def versions_of(
    identity: data.Identity | None, sha256: str, department: str, year: int
) -> pd.DataFrame:
    """The loaded versions an upload is compared with (none before the first load)."""
    if identity is None:
        return pd.DataFrame(columns=upload.VERSION_COLUMNS)
    return data.matching_versions(identity, sha256, department, year)


def open_overview(identity: data.Identity, departments: list[str], year: int, *, key: str) -> None:
    """A 部门 choice and a button that makes it the shared selection and opens its 总览. The
    choice lists `departments` (at most frame.DEPARTMENT_LIST_LIMIT); when the database holds more
    departments, a search box (key `key`_search) finds any of them instead."""
    options = departments[: frame.DEPARTMENT_LIST_LIMIT]
    everyone = data.department_matches(identity, "", frame.DEPARTMENT_LIST_LIMIT)
    total = int(everyone["matches"].iloc[0]) if len(everyone) else 0
    if total > len(options):
        note = f"列表为上表前 {len(options):,} 个；共 {total:,} 个部门，可搜索"
        search, found = department_search(identity, f"{key}_search", everyone, note)
        if search:
            options = list(found["department"])
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


def canonical(identity: data.Identity | None, department: str) -> str:
    """The department an alias names (the name itself when none does, or before any load)."""
    if identity is None:
        return department
    return str(data.department_name(identity, department)["department"].iloc[0])


def open_record(identity: data.Identity, department: str, year: int, *, key: str) -> None:
    """A button that makes the department-year (by any name an alias gives it) the shared
    selection and opens its 总览."""
    name = canonical(identity, department)
    if st.button(
        md_escape(f"打开 {name} {year} 年度的总览"),
        key=key,
        on_click=_select_report,
        args=(name, year),
        icon=":material/open_in_new:",
    ):
        st.switch_page("pages/overview.py")


def open_review(todo: pd.DataFrame, *, key: str) -> None:
    """A choice of the department-years listed (etl.queries.review_todo) and a button that makes
    the chosen one the shared selection and opens its 数据核对, where it is reviewed."""
    options = list(range(len(todo)))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        "审核",
        options,
        format_func=lambda i: (
            f"{todo['department'].iloc[i]} {int(todo['year'].iloc[i])} 年度"
            f"（{tables.status_text(todo['status'].iloc[i], todo['resubmitted'].iloc[i])}，"
            f"待处理 {int(todo['open_findings'].iloc[i])} 项）"
        ),
        key=key,
    )
    department = None if chosen is None else str(todo["department"].iloc[chosen])
    year = None if chosen is None else int(todo["year"].iloc[chosen])
    if right.button(
        "打开数据核对",
        key=f"{key}_button",
        on_click=_select_report,
        args=(department, year),
        icon=":material/fact_check:",
        disabled=chosen is None,
    ):
        st.switch_page("pages/audit.py")


def forget_on_change(scope: object, prefixes: tuple[str, ...], *, key: str) -> None:
    """Forget the widgets whose keys start with `prefixes` when `scope` (what they are about:
    a department-year and its findings) differs from the last run's, so a choice made for one
    department-year is never shown preselected for another. Call before the widgets."""
    state = st.session_state
    if state.get(key) != scope:
        for name in [k for k in state if isinstance(k, str) and k.startswith(prefixes)]:
            del state[name]
        state[key] = scope


def question_downloads(selection: Selection, *, key: str) -> None:
    """下载问题清单 as Word and as Excel for the selected department-year (built when clicked)."""
    from ui import questions

    def content() -> Any:
        return data.run(
            selection.identity, questions.question_list, selection.department, selection.year
        )

    left, right = st.columns(2, gap="small", width=480)
    left.download_button(
        "下载问题清单（Word）",
        data=lambda: questions.questions_docx(content()),
        file_name=questions.file_name(selection.department, selection.year, ".docx"),
        mime=questions.DOCX_MIME,
        key=f"{key}_docx",
        on_click="ignore",
        icon=":material/description:",
        type="primary",
    )
    right.download_button(
        "下载问题清单（Excel）",
        data=lambda: questions.questions_xlsx(content()),
        file_name=questions.file_name(selection.department, selection.year, ".xlsx"),
        mime=export.XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )


def _select_report(department: str, year: int) -> None:
    # A callback runs before the rerun builds the sidebar, so it may set the selectors' state.
    st.session_state["department"] = department
    st.session_state["year"] = year


def brief_downloads(content: Any, *, key: str) -> None:
    """下载 PDF and 下载 Excel for a brief (ui.brief.Brief); the PDF is drawn when clicked (a few
    seconds: the charts are rendered in Chromium). Without a browser or a CJK font, the PDF
    button is disabled and a message says what is missing."""
    from ui import brief, printing

    unavailable = printing.missing_requirement()
    left, right = st.columns(2, gap="small", width=480)
    left.download_button(
        "下载 PDF 简报",
        data=lambda: printing.brief_pdf(content),
        file_name=content.file_name("pdf"),
        mime="application/pdf",
        key=f"{key}_pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        disabled=unavailable is not None,
        type="primary",
    )
    right.download_button(
        "下载 Excel 简报",
        data=lambda: brief.workbook_bytes(content),
        file_name=content.file_name("xlsx"),
        mime=export.XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
    if unavailable:
        st.error(md_escape(unavailable), icon=":material/error:")


def brief_preview(content: Any, selection: Selection) -> None:
    """What the brief says, as the page shows it: title, 示例数据, 需关注, the key sentences, the
    charts and the tables (each with its CSV and Excel)."""
    st.subheader(md_escape(content.title))
    st.caption(md_escape(content.subtitle))
    if content.demo:  # the banner above says it for the page; the PDF and workbook say it too
        st.caption(f"{labels.DEMO_MARK}：PDF 和 Excel 简报的标题下同样标明为示例数据。")
    attention(content.flags)
    for line in content.summary:
        st.markdown(md_escape(line))
    for index, figure in enumerate(content.figures):
        show_chart(figure, selection, f"简报图{index + 1}", key=f"brief_chart_{index}")
    for index, (heading, table, note) in enumerate(content.sections):
        st.markdown(f"**{md_escape(heading)}**")
        if note:
            st.caption(md_escape(note))
        if table.empty:
            continue
        show_table(table, placeholder=labels.NOT_APPLICABLE if "较上年" in heading else MISSING)
        table_downloads(table, selection, f"简报_{heading}", key=f"brief_table_{index}_csv")
