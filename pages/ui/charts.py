"""Every plotly figure, and the tables shown beside them: DataFrame in, Figure or table out.

The one Chinese label mapping lives here. Amounts arrive as exact Decimal 万元 from etl.queries;
they become float only inside a figure. Tables keep them exact, so the CSV of a table holds the
same figures the report states. No st.* calls: pages and widgets.py draw what this returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from etl import queries
from etl.model import AMOUNT_SLOTS, FIGURE_SLOTS

MISSING = "未识别"  # a figure the report does not state: never 0
CORRECTED = "已更正"  # a figure a user corrected in 数据核对; the extracted value is kept beside it
MANUAL = "手工录入"  # a document typed into the hand-entry template rather than read from a report
AMOUNT_SUFFIX = "（万元）"  # table headers with this suffix hold exact Decimal 万元
PERCENT_SUFFIX = "（%）"  # ...and these hold Decimal percentages with two decimals

LABELS: dict[str, dict[str, str]] = {
    "section": {
        "basic": "基本支出",
        "project": "项目支出",
        "total": "合计",
        "three_public": "“三公”经费",
        "staffing": "人员编制",
    },
    "phase": {"initial": "年初预算", "adjusted": "调整后预算", "actual": "实际支出"},
    "item": {
        "initial": "年初预算",
        "adjusted": "调整后预算",
        "actual": "实际支出",
        "personnel": "人员经费",
        "public": "公用经费",
        "budget": "预算",
        "authorized": "编制人数",
        "staffing.actual": "实有在职人数",
    },
    "level": {
        "central": "中央",
        "provincial": "省级",
        "city": "市级",
        "district": "区（县）级",
        "other": "其他",
    },
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "origin": {"report": "报告", "manual": MANUAL},
    "passed": {"True": "通过", "False": "未通过"},
    "rule": {
        "personnel_public_sum": "人员经费 + 公用经费 = 基本支出",
        "fund_sources_sum": "各级资金合计 = 项目支出",
        "projects_sum": "各项目合计 = 项目支出",
        "three_public_over_budget": "“三公”经费未超预算",
        "actual_over_adjusted": "实际支出未超调整后预算",
        "adjustment_rate_high": "预算调整率不超过 30%",
        "conflicting_values": "同一数字前后一致",
        "missing_figures": "主要数字齐全",
    },
    # 财预〔2013〕53号 部门整体支出绩效评价共性指标 and how they are computed here.
    "indicator": {
        "execution_rate": "预算执行率",
        "adjustment_rate": "预算调整率",
        "three_public_control_rate": "“三公经费”控制率",
        "staff_control_rate": "在职人员控制率",
        "three_public_change_rate": "“三公经费”变动率",
        "personnel_share": "人员经费占比",
    },
    "formula": {
        "execution_rate": "实际支出 ÷ 调整后预算",
        "adjustment_rate": "（调整后预算 − 年初预算）÷ 年初预算",
        "three_public_control_rate": "“三公”经费实际支出 ÷ “三公”经费预算",
        "staff_control_rate": "实有在职人数 ÷ 编制人数",
        "three_public_change_rate": "（本年“三公”经费实际支出 − 上年实际支出）÷ 上年实际支出",
        "personnel_share": "人员经费 ÷ 基本支出实际支出",
    },
    "flag": {
        "adjustment_rate": "调整幅度超过 30%：需说明原因",
        "three_public_control_rate": "“三公”经费实际支出超过预算",
    },
    "ranking": {
        "adjustment_rate": "预算调整率",
        "execution_rate": "预算执行率",
        "three_public_control_rate": "“三公经费”控制率",
        "staff_control_rate": "在职人员控制率",
        "personnel_share": "人员经费占比",
        "failing_checks": "核对警告数",
    },
}
PHASES = ("initial", "adjusted", "actual")
PHASE_COLOURS = {"initial": "#9DB4D3", "adjusted": "#3C6FB0", "actual": "#E08A2E"}
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def label(kind: str, key: Any) -> str:
    """The Chinese label for a code (section, phase, level, severity, rule…); the code if unknown.

    >>> label("level", "district")
    '区（县）级'
    >>> label("rule", "some_new_rule")
    'some_new_rule'
    """
    return LABELS[kind].get(str(key), str(key))


def format_wan(value: Any) -> str:
    """A 万元 amount as the UI writes it: thousands separators, two decimals; 未识别 if missing.

    >>> format_wan(Decimal("1150.47"))
    '1,150.47'
    >>> format_wan(None)
    '未识别'
    """
    return MISSING if _missing(value) else f"{Decimal(value):,.2f}"


def format_rate(value: Any, *, signed: bool = False) -> str:
    """A rate or share (0.6432 = 64.32%) as the UI writes it; 未识别 if missing.

    >>> format_rate(0.643187)
    '64.32%'
    >>> format_rate(float("nan"))
    '未识别'
    """
    if _missing(value):
        return MISSING
    return f"{float(value):+.2%}" if signed else f"{float(value):.2%}"


# Tables: what the pages show and the CSV export writes, with Chinese headers.


def phase_table(phases: pd.DataFrame, *, include_total: bool = False) -> pd.DataFrame:
    """Initial / adjusted / actual / adjustment (万元) and rates (%) per section."""
    rows = phases if include_total else phases[phases["section"] != "total"]
    return pd.DataFrame(
        {
            "类别": [label("section", s) for s in rows["section"]],
            f"年初预算{AMOUNT_SUFFIX}": list(rows["initial_wan"]),
            f"调整后预算{AMOUNT_SUFFIX}": list(rows["adjusted_wan"]),
            f"实际支出{AMOUNT_SUFFIX}": list(rows["actual_wan"]),
            f"调整额{AMOUNT_SUFFIX}": list(rows["adjustment_wan"]),
            f"调整率{PERCENT_SUFFIX}": _percents(rows["adjustment_rate"]),
            f"执行率{PERCENT_SUFFIX}": _percents(rows["execution_rate"]),
            # The export's flag: which phases of the row hold a corrected figure.
            CORRECTED: corrected_phases(rows),
        }
    )


def corrected_phases(phases: pd.DataFrame) -> list[str]:
    """Per row, the corrected phases as text (e.g. '实际支出'), '' when none or not known."""
    out = []
    for i in range(len(phases)):
        marked = [
            label("phase", phase)
            for phase in PHASES
            if f"{phase}_corrected" in phases.columns and bool(phases[f"{phase}_corrected"].iloc[i])
        ]
        out.append("、".join(marked))
    return out


def fund_split_table(split: pd.DataFrame, *, with_sentence: bool = False) -> pd.DataFrame:
    """Project funds by government level (万元) and share (%), optionally with the sentence."""
    table = pd.DataFrame(
        {
            "资金级次": [label("level", v) for v in split["level"]],
            f"金额{AMOUNT_SUFFIX}": list(split["amount_wan"]),
            f"占比{PERCENT_SUFFIX}": _percents(split["share"]),
        }
    )
    if with_sentence:
        table["原文句子"] = list(split["sentence"])
    return table


def select_projects(projects: pd.DataFrame, name_contains: str = "") -> pd.DataFrame:
    """The projects whose name contains the text (all when blank), largest amount first."""
    needle = name_contains.strip()
    chosen = projects[projects["name"].str.contains(needle, regex=False)] if needle else projects
    order = sorted(range(len(chosen)), key=lambda i: (-chosen["amount_wan"].iloc[i], i))
    return chosen.iloc[order].reset_index(drop=True)


def project_table(projects: pd.DataFrame, *, detail: bool = True) -> pd.DataFrame:
    """Projects (万元, share of all projects in %), with purpose and sentence when `detail`."""
    table = pd.DataFrame(
        {
            "项目": list(projects["name"]),
            f"金额{AMOUNT_SUFFIX}": list(projects["amount_wan"]),
            f"占比{PERCENT_SUFFIX}": _percents(projects["share"]),
        }
    )
    if detail:
        table.insert(0, "报告中序号", list(projects["ordinal"]))
        table["用途"] = list(projects["purpose"])
        table["原文句子"] = list(projects["sentence"])
    return table


def figure_table(provenance: pd.DataFrame) -> pd.DataFrame:
    """Every contract figure with wording, sentence, spans and confidence; 未识别 rows included."""
    found = {(r.section, r.item): r._asdict() for r in provenance.itertuples(index=False)}
    slots = list(FIGURE_SLOTS) + [k for k in found if k not in FIGURE_SLOTS]
    rows = []
    for section, item in slots:
        r = found.get((section, item))
        if r is None:
            unit = "万元" if (section, item) in AMOUNT_SLOTS else "人"
            rows.append(_figure_row(section, item, None, unit, note="报告中没有找到这个数字"))
            continue
        read = not _missing(r["sentence"])  # a figure only a correction supplies has no sentence
        row = _figure_row(
            section,
            item,
            r["value"],
            r["unit"],
            wording=r["wording"] if read else None,
            sentence=r["sentence"] if read else None,
            value_span=f"{r['value_start']}–{r['value_end']}" if read else None,
            sentence_span=f"{r['sentence_start']}–{r['sentence_end']}" if read else None,
            confidence=r["confidence"] if read else None,
            note=r["note"] if read else "报告中没有这个数字，已补录",
        )
        if r.get("origin") == "manual" and read:
            row["数值位置"] = row["句子位置"] = MANUAL
        if _truthy(r.get("corrected")):
            row[CORRECTED] = CORRECTED
            row["原值"] = r.get("extracted_value")
            row["更正理由"] = r.get("correction_reason")
            row["更正时间"] = format_time(r.get("corrected_at"))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(_FIGURE_COLUMNS))


def _figure_row(
    section: str,
    item: str,
    value: Decimal | None,
    unit: str,
    *,
    wording: str | None = None,
    sentence: str | None = None,
    value_span: str | None = None,
    sentence_span: str | None = None,
    confidence: float | None = None,
    note: str = "",
) -> dict[str, Any]:
    return {
        "类别": label("section", section),
        "指标": _item_label(section, item),
        "数值": value,
        "单位": unit,
        "原文措辞": wording,
        "原文句子": sentence,
        "数值位置": value_span,
        "句子位置": sentence_span,
        "置信度": confidence,
        "备注": note,
        CORRECTED: "",
        "原值": None,
        "更正理由": "",
        "更正时间": "",
    }


_FIGURE_COLUMNS = (
    "类别",
    "指标",
    "数值",
    CORRECTED,
    "原值",
    "单位",
    "原文措辞",
    "原文句子",
    "数值位置",
    "句子位置",
    "置信度",
    "备注",
    "更正理由",
    "更正时间",
)


def correction_table(history: pd.DataFrame) -> pd.DataFrame:
    """Every correction of a report, newest first: the figure, what was done, the value in force
    after it (万元 or 人), the report's own value, the reason and the time."""
    withdrawn = [_missing(v) for v in history["value"]]
    return pd.DataFrame(
        {
            "类别": [label("section", s) for s in history["section"]],
            "指标": [
                _item_label(s, i) for s, i in zip(history["section"], history["item"], strict=True)
            ],
            "操作": ["撤销更正" if w else "更正" for w in withdrawn],
            "生效数值": [
                e if w else v
                for v, e, w in zip(
                    history["value"], history["extracted_value"], withdrawn, strict=True
                )
            ],
            "单位": list(history["unit"]),
            "原值": list(history["extracted_value"]),
            "理由": list(history["reason"]),
            "时间": [format_time(t) for t in history["corrected_at"]],
        },
        columns=["类别", "指标", "操作", "生效数值", "单位", "原值", "理由", "时间"],
    )


def versions_table(versions: pd.DataFrame) -> pd.DataFrame:
    """Every version of every department-year: current flag, file, origin, hash, load time."""
    return pd.DataFrame(
        {
            "部门": list(versions["department"]),
            "年度": [int(y) for y in versions["year"]],
            "当前版本": ["是" if bool(c) else "" for c in versions["is_current"]],
            "文件": list(versions["file_name"]),
            "来源": [label("origin", o) for o in versions["origin"]],
            "载入时间": [format_time(t, seconds=True) for t in versions["loaded_at"]],
            "更正数": [int(n) for n in versions["corrections"]],
            "内容哈希（SHA-256）": list(versions["sha256"]),
        },
        columns=[
            "部门",
            "年度",
            "当前版本",
            "文件",
            "来源",
            "载入时间",
            "更正数",
            "内容哈希（SHA-256）",
        ],
    )


def table_rows_table(tables: pd.DataFrame) -> pd.DataFrame:
    """表 and 行数 of every table (queries.table_rows).

    >>> table_rows_table(pd.DataFrame({"name": ["documents"], "rows": [3]})).to_dict("records")
    [{'表': 'documents', '行数': 3}]
    """
    return pd.DataFrame(
        {"表": list(tables["name"]), "行数": [int(n) for n in tables["rows"]]},
        columns=["表", "行数"],
    )


def format_time(value: Any, *, seconds: bool = False) -> str:
    """A timestamp as the UI writes it: 2026-03-05 14:07 (with :ss when asked); '' if missing.

    >>> format_time(pd.Timestamp("2026-03-05 14:07:09")), format_time(None)
    ('2026-03-05 14:07', '')
    """
    if _missing(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def check_table(checks: pd.DataFrame, *, failed_only: bool = False) -> pd.DataFrame:
    """Every check (failures first, as queried) with its message and amounts (万元)."""
    rows = checks[~checks["passed"].astype(bool)] if failed_only else checks
    return pd.DataFrame(
        {
            "结果": [label("passed", bool(p)) for p in rows["passed"]],
            "级别": [label("severity", s) for s in rows["severity"]],
            "规则": [label("rule", r) for r in rows["rule"]],
            "说明": list(rows["message"]),
            f"参照值{AMOUNT_SUFFIX}": list(rows["expected_wan"]),
            f"核对值{AMOUNT_SUFFIX}": list(rows["actual_wan"]),
            f"差额{AMOUNT_SUFFIX}": list(rows["difference_wan"]),
            "规则代码": list(rows["rule"]),
        }
    )


def open_warnings(checks: pd.DataFrame) -> pd.DataFrame:
    """The checks that failed with severity warning or error: what the overview counts."""
    failed = ~checks["passed"].astype(bool) & checks["severity"].isin(["warning", "error"])
    return checks[failed]


# Figures.


# Plotly reads a few HTML tags in any text it draws (an <a href> label becomes a link), so report
# text (department and project names) is escaped before it reaches a figure; plotly shows the
# entities as the literal characters.
_DATA_TEXT = ("x", "y", "labels", "text", "hovertext", "customdata")


def plotly_text(value: Any) -> Any:
    """A string with & < > escaped for plotly; anything else unchanged.

    >>> plotly_text('<a href="x">点击</a> & :red[x]')
    '&lt;a href="x"&gt;点击&lt;/a&gt; &amp; :red[x]'
    >>> plotly_text(12.5)
    12.5
    """
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def literal_text(fig: go.Figure) -> go.Figure:
    """`fig` with every string in its traces' data and category arrays escaped by plotly_text."""
    for trace in fig.data:
        for name in _DATA_TEXT:
            values = getattr(trace, name, None)
            if isinstance(values, str):
                trace[name] = plotly_text(values)
            elif values is not None and not isinstance(values, (int, float)):
                trace[name] = [_escape_nested(v) for v in values]
    for axis in ("xaxis", "yaxis"):
        categories = fig.layout[axis].categoryarray
        if categories is not None:
            fig.layout[axis].categoryarray = [plotly_text(v) for v in categories]
    return fig


def _escape_nested(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [plotly_text(v) for v in value]
    return plotly_text(value)


def phase_bar(phases: pd.DataFrame) -> go.Figure:
    """Grouped bars: basic and project × initial / adjusted / actual (万元), adjustments labelled."""
    rows = phases[phases["section"] != "total"]
    sections = [label("section", s) for s in rows["section"]]
    fig = go.Figure()
    for phase in PHASES:
        values = _floats(rows[f"{phase}_wan"])
        flags = _flags(rows, f"{phase}_corrected")
        fig.add_trace(
            go.Bar(
                name=label("phase", phase),
                x=sections,
                y=values,
                offsetgroup=phase,
                marker_color=PHASE_COLOURS[phase],
                customdata=[f"（{CORRECTED}）" if f else "" for f in flags],
                texttemplate="%{y:,.2f}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=(
                    f"%{{x}} · {label('phase', phase)}：%{{y:,.2f}} 万元%{{customdata}}"
                    "<extra></extra>"
                ),
            )
        )
    # A corrected figure's bar is hatched by an overlay in its own slot, so the legend's phase
    # symbols stay plain and one legend entry explains the hatching.
    for phase in PHASES:
        flags = _flags(rows, f"{phase}_corrected")
        if not any(flags):
            continue
        values = _floats(rows[f"{phase}_wan"])
        fig.add_trace(
            go.Bar(
                name=CORRECTED,
                x=sections,
                y=[v if f else None for v, f in zip(values, flags, strict=True)],
                offsetgroup=phase,
                marker={"color": "rgba(0,0,0,0)", "pattern": {"shape": "/", "fgcolor": "#444"}},
                legendgroup=CORRECTED,
                showlegend=not any(t.name == CORRECTED for t in fig.data),
                hoverinfo="skip",
            )
        )
    tallest = 0.0
    for section, row in zip(sections, rows.itertuples(index=False), strict=True):
        heights = [v for v in _floats([row.initial_wan, row.adjusted_wan, row.actual_wan]) if v]
        tallest = max([tallest, *heights])
        fig.add_annotation(
            x=section,
            y=max(heights, default=0),
            yshift=34,
            showarrow=False,
            text=adjustment_text(row.adjustment_wan, row.adjustment_rate),
            font={"size": 13},
        )
    fig.update_layout(
        barmode="group",
        title={"text": "年初预算、调整后预算与实际支出（万元）"},
        # Headroom above the tallest bar for its value and the adjustment label.
        yaxis={"title": {"text": "万元"}, "tickformat": ",.0f", "range": [0, tallest * 1.2 or 1]},
        legend={"orientation": "h", "y": -0.12},
        margin={"t": 90},
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


def adjustment_text(adjustment: Any, rate: Any) -> str:
    """The label over a section's bars, e.g. '调整 +313.56 万元（+64.32%）'.

    >>> adjustment_text(Decimal("313.56"), 0.643187)
    '调整 +313.56 万元（+64.32%）'
    >>> adjustment_text(None, None)
    '调整额 未识别'
    """
    if _missing(adjustment):
        return f"调整额 {MISSING}"
    sign = "+" if Decimal(adjustment) >= 0 else ""
    return f"调整 {sign}{format_wan(adjustment)} 万元（{format_rate(rate, signed=True)}）"


def fund_split_donut(split: pd.DataFrame) -> go.Figure:
    """A donut of project funds by government level (万元) with each level's share."""
    amounts = _floats(split["amount_wan"])
    fig = go.Figure(
        go.Pie(
            labels=[label("level", v) for v in split["level"]],
            values=amounts,
            hole=0.55,
            sort=False,
            direction="clockwise",
            texttemplate="%{label}<br>%{value:,.2f} 万元<br>%{percent:.2%}",
            hovertemplate="%{label}：%{value:,.2f} 万元（%{percent:.2%}）<extra></extra>",
        )
    )
    total = sum((Decimal(v) for v in split["amount_wan"]), Decimal(0))
    fig.update_layout(
        title={"text": "项目支出资金来源（按级次，万元）"},
        annotations=[{"text": f"合计<br>{format_wan(total)} 万元", "showarrow": False}],
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


def project_bar(projects: pd.DataFrame) -> go.Figure:
    """Horizontal bars, largest project on top: amount (万元) and share of all projects."""
    ordered = select_projects(projects)
    fig = go.Figure(
        go.Bar(
            x=_floats(ordered["amount_wan"]),
            y=list(ordered["name"]),
            orientation="h",
            customdata=[[float(s)] for s in ordered["share"]],
            marker_color=PHASE_COLOURS["adjusted"],
            texttemplate="%{x:,.2f} 万元（%{customdata[0]:.2%}）",
            textposition="auto",
            hovertemplate="%{y}：%{x:,.2f} 万元，占项目合计 %{customdata[0]:.2%}<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": "项目支出明细（万元）"},
        xaxis={"title": {"text": "万元"}, "tickformat": ",.0f"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=160 + 44 * len(ordered),
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


def item_label(section: str, item: str) -> str:
    """A figure's item label within its section.

    >>> item_label("staffing", "actual"), item_label("basic", "actual")
    ('实有在职人数', '实际支出')
    """
    return _item_label(section, item)


def _item_label(section: str, item: str) -> str:
    return LABELS["item"].get(f"{section}.{item}") or label("item", item)


def _flags(frame: pd.DataFrame, column: str) -> list[bool]:
    if column not in frame.columns:
        return [False] * len(frame)
    return [_truthy(v) for v in frame[column]]


def _truthy(value: Any) -> bool:
    return not _missing(value) and bool(value)


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _floats(values: Iterable[Any]) -> list[float | None]:
    return [None if _missing(v) else float(v) for v in values]


def _percents(rates: Iterable[Any]) -> list[Decimal | None]:
    return [None if _missing(r) else Decimal(f"{float(r) * 100:.2f}") for r in rates]


# Many departments × years: 同比 (one department across years), 部门对比 (one year across
# departments) and 绩效指标 (the 财预〔2013〕53号 indicators of one report).

POINTS_SUFFIX = "（百分点）"  # a change of a share, in percentage points
NOT_APPLICABLE = "—"  # not stated, or nothing to compare a change with
# The 53号 indicators the 绩效指标 page shows, in its order (personnel_share is only ranked).
STANDARD_INDICATORS = (
    "execution_rate",
    "adjustment_rate",
    "three_public_control_rate",
    "staff_control_rate",
    "three_public_change_rate",
)
# The columns a 部门对比 ranking may be sorted by: the allow-list the page offers, the same one
# queries.ranking_head checks its sort parameter against.
RANKING_COLUMNS = queries.RANKING_ORDER
# Reference lines on the ranking chart: (fraction, label).
_RANKING_REFERENCE = {
    "adjustment_rate": (0.30, "30%：超过需说明原因"),
    "execution_rate": (1.0, "100%"),
    "three_public_control_rate": (1.0, "100%：预算"),
    "staff_control_rate": (1.0, "100%：编制数"),
}
FLAG_COLOUR = "#C0392B"
# One colour per year, oldest lightest (the last len(years) are used).
YEAR_COLOURS = ("#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C")


def history_years(history: pd.DataFrame) -> list[int]:
    """The report years in a history frame, oldest first.

    >>> history_years(pd.DataFrame({"year": [2022, 2021, 2022]}))
    [2021, 2022]
    """
    return sorted({int(y) for y in history["year"]})


def phase_history_table(history: pd.DataFrame, *, as_share: bool = False) -> pd.DataFrame:
    """A row per section and phase, a column per year (万元, or as_share the share of the year's
    total), then each year's change on the department's previous report year."""
    rows = history[history["section"] != "total"] if as_share else history
    return _by_year(
        rows,
        {
            "类别": lambda r: label("section", r.section),
            "阶段": lambda r: label("phase", r.phase),
        },
        ["section", "phase"],
        as_share,
    )


def fund_mix_table(history: pd.DataFrame, *, as_share: bool = False) -> pd.DataFrame:
    """A row per government level, a column per year (万元 or share), then the changes."""
    return _by_year(history, {"资金级次": lambda r: label("level", r.level)}, ["level"], as_share)


def project_history_table(history: pd.DataFrame, *, as_share: bool = False) -> pd.DataFrame:
    """A row per project (matched across years), a column per year (万元 or share of the year's
    projects), the changes, the names as each report wrote them, and the years it is new in."""
    table = _by_year(history, {"项目": lambda r: r.latest_name}, ["project_key"], as_share)
    names, new = [], []
    for _, rows in history.groupby("project_key", sort=False):
        written = dict(zip(rows["year"], rows["names"], strict=True))
        names.append(
            next(iter(written.values()))
            if len(set(written.values())) == 1
            else "；".join(f"{int(y)} 年：{n}" for y, n in written.items())
        )
        new.append(
            "、".join(
                f"{int(y)} 年新增"
                for y, n in zip(rows["year"], rows["new"], strict=True)
                if _truthy(n)
            )
        )
    table["报告中写法"] = names
    table["说明"] = new
    return table


def _by_year(
    history: pd.DataFrame,
    labels: dict[str, Any],
    keys: list[str],
    as_share: bool,
) -> pd.DataFrame:
    """Long history rows (one per key and year) as a row per key and columns per year."""
    years = history_years(history)
    previous = {
        int(y): int(p)
        for y, p in zip(history["year"], history["previous_year"], strict=True)
        if not _missing(p)
    }
    # One pass over the rows, grouped by key in first-seen order, and the frame built once from
    # its columns (a column inserted at a time cost ~1 ms each: 29 ms for ten years).
    by_key: dict[Any, dict[int, Any]] = {}
    for r in history.itertuples(index=False):
        by_key.setdefault(tuple(getattr(r, k) for k in keys), {})[int(r.year)] = r
    firsts = [next(iter(rows.values())) for rows in by_key.values()]
    columns: dict[str, list[Any]] = {
        name: [get(first) for first in firsts] for name, get in labels.items()
    }

    def column(year: int, field: str) -> list[Any]:
        return [
            None if year not in rows else getattr(rows[year], field) for rows in by_key.values()
        ]

    for year in years:
        if as_share:
            columns[f"{year} 年{PERCENT_SUFFIX}"] = _percents(column(year, "share"))
        else:
            columns[f"{year} 年{AMOUNT_SUFFIX}"] = column(year, "amount_wan")
    for year in years:
        if year not in previous:
            continue
        change = f"{year} 较 {previous[year]}"
        if as_share:
            columns[f"{change}{POINTS_SUFFIX}"] = _percents(column(year, "share_change"))
        else:
            columns[f"{change}{AMOUNT_SUFFIX}"] = column(year, "change_wan")
            columns[f"{change}{PERCENT_SUFFIX}"] = _percents(column(year, "change_rate"))
    return pd.DataFrame(columns)


def phase_history_bar(history: pd.DataFrame, *, as_share: bool = False) -> go.Figure:
    """Bars per year: initial / adjusted / actual, basic and project side by side (万元 or %)."""
    from plotly.subplots import make_subplots

    sections = ("basic", "project")
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[label("section", s) for s in sections],
        shared_yaxes=True,
        horizontal_spacing=0.06,
    )
    for col, section in enumerate(sections, start=1):
        part = history[history["section"] == section]
        for phase in PHASES:
            rows = part[part["phase"] == phase]
            fig.add_trace(
                go.Bar(
                    name=label("phase", phase),
                    x=[f"{int(y)} 年" for y in rows["year"]],
                    y=_values(rows, as_share),
                    marker_color=PHASE_COLOURS[phase],
                    legendgroup=phase,
                    showlegend=col == 1,
                    hovertemplate=f"%{{x}} · {label('section', section)} · {label('phase', phase)}："
                    + _HOVER[as_share],
                ),
                row=1,
                col=col,
            )
    what = "占当年合计的百分比" if as_share else "万元"
    fig.update_layout(
        barmode="group",
        title={"text": f"基本支出与项目支出：年初预算、调整后预算、实际支出（{what}）"},
        legend={"orientation": "h", "y": -0.15},
        margin={"t": 90},
        font={"family": FONT},
        separators=".,",
    )
    fig.update_yaxes(title={"text": "%" if as_share else "万元"}, row=1, col=1)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    return literal_text(fig)


def fund_mix_bar(history: pd.DataFrame, *, as_share: bool = False) -> go.Figure:
    """Stacked bars per year: project funds by government level (万元 or % of the year's)."""
    fig = go.Figure()
    for level in LABELS["level"]:
        rows = history[history["level"] == level]
        if rows.empty:
            continue
        fig.add_trace(
            go.Bar(
                name=label("level", level),
                x=[f"{int(y)} 年" for y in rows["year"]],
                y=_values(rows, as_share),
                texttemplate=_TEXT[as_share],
                textposition="inside",
                hovertemplate=f"%{{x}} · {label('level', level)}：" + _HOVER[as_share],
            )
        )
    what = "占当年的百分比" if as_share else "万元"
    fig.update_layout(
        barmode="stack",
        title={"text": f"项目支出资金来源（按级次，{what}）"},
        yaxis={"title": {"text": "%" if as_share else "万元"}, "tickformat": ",.0f"},
        legend={"orientation": "h", "y": -0.15},
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


def project_history_bar(history: pd.DataFrame, *, as_share: bool = False) -> go.Figure:
    """Grouped bars per project (matched across years), one bar per year (万元 or %)."""
    fig = go.Figure()
    names = list(dict.fromkeys(history["latest_name"]))
    years = history_years(history)
    for year, colour in zip(years, YEAR_COLOURS[-len(years) :], strict=False):
        rows = history[history["year"] == year]
        fig.add_trace(
            go.Bar(
                name=f"{year} 年",
                x=list(rows["latest_name"]),
                y=_values(rows, as_share),
                marker_color=colour,
                texttemplate=_TEXT[as_share],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}} · {year} 年：" + _HOVER[as_share],
            )
        )
    what = "占当年项目合计的百分比" if as_share else "万元"
    fig.update_layout(
        barmode="group",
        title={"text": f"项目逐年对比（{what}；名称写法不同的同一项目已合并）"},
        xaxis={"categoryorder": "array", "categoryarray": names},
        yaxis={"title": {"text": "%" if as_share else "万元"}, "tickformat": ",.0f"},
        legend={"orientation": "h", "y": -0.25},
        margin={"t": 90},
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


_TEXT = {False: "%{y:,.2f}", True: "%{y:.2f}%"}
_HOVER = {False: "%{y:,.2f} 万元<extra></extra>", True: "%{y:.2f}%<extra></extra>"}


def _values(rows: pd.DataFrame, as_share: bool) -> list[float | None]:
    if as_share:
        return [None if v is None else v * 100 for v in _floats(rows["share"])]
    return _floats(rows["amount_wan"])


def rank_departments(ranking: pd.DataFrame, by: str, *, ascending: bool = False) -> pd.DataFrame:
    """The ranking sorted by one allow-listed column (departments without the figure last).

    >>> frame = pd.DataFrame({"department": ["甲", "乙", "丙"], "execution_rate": [0.9, None, 1.0]})
    >>> rank_departments(frame, "execution_rate")["department"].tolist()
    ['丙', '甲', '乙']
    """
    if by not in RANKING_COLUMNS:
        raise ValueError(f"not a ranking column: {by!r}")
    return ranking.sort_values(
        [by, "department"], ascending=[ascending, True], na_position="last", kind="stable"
    ).reset_index(drop=True)


def ranking_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """Departments in ranked order with every indicator (%) and their failed checks."""
    table = pd.DataFrame({"名次": list(range(1, len(ranked) + 1))})
    table["部门"] = list(ranked["department"])
    for column in RANKING_COLUMNS[:-1]:
        table[f"{label('ranking', column)}{PERCENT_SUFFIX}"] = _percents(ranked[column])
    table[label("ranking", "failing_checks")] = [int(n) for n in ranked["failing_checks"]]
    return table


def ranking_chart_table(ranked: pd.DataFrame, by: str) -> pd.DataFrame:
    """What the ranking chart draws: rank, department and the one column it is sorted by."""
    table = ranking_table(ranked)
    header = label("ranking", by) + ("" if by == "failing_checks" else PERCENT_SUFFIX)
    return table[["名次", "部门", header]]


def ranking_bar(ranked: pd.DataFrame, by: str) -> go.Figure:
    """Horizontal bars of one ranking column, first-ranked on top, with its reference line."""
    is_count = by == "failing_checks"
    values = [
        float(v) if is_count else (v * 100 if v is not None else None) for v in _floats(ranked[by])
    ]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=list(ranked["department"]),
            orientation="h",
            marker_color=PHASE_COLOURS["adjusted"],
            texttemplate="%{x:.0f}" if is_count else "%{x:.2f}%",
            textposition="auto",
            hovertemplate="%{y}："
            + ("%{x:.0f} 项<extra></extra>" if is_count else "%{x:.2f}%<extra></extra>"),
        )
    )
    reference = _RANKING_REFERENCE.get(by)
    if reference:
        fig.add_vline(
            x=reference[0] * 100,
            line_dash="dash",
            line_color=FLAG_COLOUR,
            annotation_text=reference[1],
            annotation_position="top",
        )
    fig.update_layout(
        title={"text": f"{label('ranking', by)}（{'项' if is_count else '%'}）"},
        xaxis={"title": {"text": "项" if is_count else "%"}},
        yaxis={"autorange": "reversed", "automargin": True},
        height=160 + 40 * len(ranked),
        margin={"t": 90},
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


# 全部部门: every department together, for leadership.

LEVEL_COLOURS = {
    "central": "#08519C",
    "provincial": "#3C6FB0",
    "city": "#6BAED6",
    "district": "#E08A2E",
    "other": "#B0B0B0",
}


def fund_split_by_year_table(split: pd.DataFrame) -> pd.DataFrame:
    """A row per year and government level: 万元 (exact), share of the year (%), and how many
    reports state that level (queries.fund_split_by_year)."""
    return pd.DataFrame(
        {
            "年度": [int(y) for y in split["year"]],
            "资金级次": [label("level", v) for v in split["level"]],
            f"金额{AMOUNT_SUFFIX}": list(split["amount_wan"]),
            f"占当年项目资金{PERCENT_SUFFIX}": _percents(split["share"]),
            "写明该级次的报告数": [int(n) for n in split["reports"]],
        }
    )


def fund_split_by_year_bar(split: pd.DataFrame) -> go.Figure:
    """Project funds of all departments stacked by government level, a bar per year (万元)."""
    years = history_years(split)
    fig = go.Figure()
    for level, rows in split.groupby("level", sort=False):
        by_year = dict(
            zip((int(y) for y in rows["year"]), rows.itertuples(index=False), strict=True)
        )
        fig.add_trace(
            go.Bar(
                name=label("level", level),
                x=[str(y) for y in years],
                y=[
                    None if y not in by_year else _floats([by_year[y].amount_wan])[0] for y in years
                ],
                customdata=[
                    [
                        None
                        if y not in by_year or _missing(by_year[y].share)
                        else by_year[y].share * 100
                    ]
                    for y in years
                ],
                marker_color=LEVEL_COLOURS.get(str(level), LEVEL_COLOURS["other"]),
                hovertemplate=f"%{{x}} 年 · {label('level', level)}："
                "%{y:,.2f} 万元（%{customdata[0]:.2f}%）<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title={"text": "各年度项目支出资金来源（全部部门，按级次，万元）"},
        xaxis={"title": {"text": "年度"}, "type": "category"},
        yaxis={"title": {"text": "万元"}, "tickformat": ",.0f"},
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 90},
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


def top_projects_table(projects: pd.DataFrame) -> pd.DataFrame:
    """The year's largest projects across departments: rank, department, project, 万元 (exact),
    share of the department's projects (%), purpose (queries.top_projects)."""
    return pd.DataFrame(
        {
            "名次": list(range(1, len(projects) + 1)),
            "部门": list(projects["department"]),
            "项目": list(projects["name"]),
            f"金额{AMOUNT_SUFFIX}": list(projects["amount_wan"]),
            f"占本部门项目合计{PERCENT_SUFFIX}": _percents(projects["share"]),
            "用途": [MISSING if _missing(p) else str(p) for p in projects["purpose"]],
        }
    )


def top_projects_bar(projects: pd.DataFrame, year: int) -> go.Figure:
    """Horizontal bars of the year's largest projects (万元), largest on top, named 部门 · 项目."""
    names = [
        f"{i}. {d} · {n}"
        for i, (d, n) in enumerate(zip(projects["department"], projects["name"], strict=True), 1)
    ]
    fig = go.Figure(
        go.Bar(
            x=_floats(projects["amount_wan"]),
            y=names,
            orientation="h",
            marker_color=PHASE_COLOURS["adjusted"],
            texttemplate="%{x:,.2f}",
            textposition="auto",
            hovertemplate="%{y}：%{x:,.2f} 万元<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": f"{year} 年度前 {len(projects)} 大项目（全部部门，万元）"},
        xaxis={"title": {"text": "万元"}, "tickformat": ",.0f"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=160 + 32 * len(projects),
        margin={"t": 90},
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)


def input_label(section: str, item: str, input_year: int, year: int) -> str:
    """An indicator input as the page names it; one from another year says which.

    >>> input_label("three_public", "actual", 2019, 2020), input_label("staffing", "authorized", 2020, 2020)
    ('2019 年度“三公”经费实际支出', '编制人数')
    """
    name = (
        _item_label(section, item)
        if section == "staffing"
        else (f"{label('section', section)}{_item_label(section, item)}")
    )
    return name if input_year == year else f"{input_year} 年度{name}"


def indicator_result(indicator: Any, inputs: pd.DataFrame, year: int) -> str:
    """The value as the page writes it (64.32%), or why it cannot be computed (never 0).

    `indicator` is a row of etl.queries.standard_indicators; `inputs` its rows of
    etl.queries.indicator_inputs.
    """
    missing = [
        input_label(r.section, r.item, int(r.input_year), year)
        for r in inputs.itertuples(index=False)
        if _missing(r.value)
    ]
    if missing:
        return "无法计算：缺少 " + "、".join(missing)
    if _missing(indicator.value):
        return "无法计算：分母为 0"
    return format_rate(indicator.value)


def indicator_table(indicators: pd.DataFrame, inputs: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per standard indicator and scope: result, value (%), formula and flag."""
    rows = []
    for r in indicators.itertuples(index=False):
        if r.indicator not in STANDARD_INDICATORS:
            continue
        own = inputs[(inputs["indicator"] == r.indicator) & (inputs["scope"] == r.scope)]
        rows.append(
            {
                "指标": label("indicator", r.indicator),
                "范围": label("section", r.scope),
                "结果": indicator_result(r, own, year),
                "提示": label("flag", r.indicator) if _truthy(r.flagged) else "",
                "公式": label("formula", r.indicator),
                f"数值{PERCENT_SUFFIX}": _percents([r.value])[0],
            }
        )
    return pd.DataFrame(
        rows, columns=["指标", "范围", "结果", "提示", "公式", f"数值{PERCENT_SUFFIX}"]
    )


def indicator_inputs_table(
    inputs: pd.DataFrame, year: int, indicator: str | None = None
) -> pd.DataFrame:
    """Every input of the standard indicators (or of one): value, wording and source sentence."""
    chosen = inputs[inputs["indicator"].isin([indicator] if indicator else STANDARD_INDICATORS)]
    return pd.DataFrame(
        {
            "指标": [label("indicator", i) for i in chosen["indicator"]],
            "范围": [label("section", s) for s in chosen["scope"]],
            "输入": [
                input_label(s, i, int(y), year)
                for s, i, y in zip(
                    chosen["section"], chosen["item"], chosen["input_year"], strict=True
                )
            ],
            "数值": list(chosen["value"]),
            "单位": list(chosen["unit"]),
            "原文措辞": list(chosen["wording"]),
            "原文句子": list(chosen["sentence"]),
            "来源文件": list(chosen["file_name"]),
        }
    )


def indicator_bar(indicators: pd.DataFrame) -> go.Figure:
    """Horizontal bars of the standard indicators that can be computed (%), flagged ones in red."""
    rows = [
        r
        for r in indicators.itertuples(index=False)
        if r.indicator in STANDARD_INDICATORS and not _missing(r.value)
    ]
    names = [f"{label('indicator', r.indicator)} · {label('section', r.scope)}" for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[float(r.value) * 100 for r in rows],
            y=names,
            orientation="h",
            marker_color=[
                FLAG_COLOUR if _truthy(r.flagged) else PHASE_COLOURS["adjusted"] for r in rows
            ],
            texttemplate="%{x:.2f}%",
            textposition="auto",
            hovertemplate="%{y}：%{x:.2f}%<extra></extra>",
        )
    )
    for x, text in ((30, "30%"), (100, "100%")):
        fig.add_vline(x=x, line_dash="dot", line_color="#888888", annotation_text=text)
    fig.update_layout(
        title={"text": "可计算的绩效指标（%；红色为需关注）"},
        xaxis={"title": {"text": "%"}, "ticksuffix": "%"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=160 + 40 * max(len(rows), 1),
        margin={"t": 90},
        font={"family": FONT},
        separators=".,",
    )
    return literal_text(fig)
