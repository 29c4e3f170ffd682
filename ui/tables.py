"""The tables pages show and export: a query's frame in, a frame with Chinese headers out.

Amounts stay exact Decimal 万元 (export.py writes them with two decimals), percentages Decimal
with two decimals, whole numbers int; words come from etl.labels. No st.* calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd

from etl import config, labels, queries
from etl.labels import (
    AMOUNT_SUFFIX,
    CORRECTED,
    GUESSED,
    IDENTITY_FROM,
    LABELS,
    MANUAL,
    MISSING,
    PERCENT_SUFFIX,
    POINTS_SUFFIX,
    PROJECT_SCORE,
    format_rate,
    item_label,
    label,
)
from etl.model import AMOUNT_SLOTS, FIGURE_SLOTS
from etl.records import CROSS_RULES, PRECEDENCE, TOLERANCE_WAN


def records(frame: pd.DataFrame) -> list[Any]:
    """The rows of `frame` as named tuples (cells of any type, as a query returns them)."""
    return list(frame.itertuples(index=False))


PHASES = tuple(LABELS["phase"])  # initial, adjusted, actual


def kind_text(kind: Any) -> str:
    """A document kind in words (etl.labels), or that it was not recognised.

    >>> kind_text("final_accounts"), kind_text(None)
    ('部门决算', '文件类型未识别')
    """
    return labels.kind_label(None if missing(kind) else kind)


def report_line(selection: Any) -> str:
    """Which document a page shows, in words: department, year, kind, file, and who named the
    department or year when the document did not (用户填写) or only seemed to (正文推测，需确认).

    >>> from types import SimpleNamespace as S
    >>> report_line(S(department="X局", year=2021, kind="final_accounts", file_name="a.pdf",
    ...     origin="report", department_from="user", year_from="title"))
    'X局 · 2021 年度 · 部门决算 · 来源：a.pdf · 部门：用户填写 · 金额单位：万元'
    """
    parts = [f"{selection.department}", f"{selection.year} 年度", kind_text(selection.kind)]
    origin = f"（{MANUAL}）" if selection.origin == "manual" else ""
    parts.append(f"来源：{selection.file_name}{origin}")
    for what, source in (("部门", selection.department_from), ("年度", selection.year_from)):
        if source in ("user", "text"):
            guessed = f"，{GUESSED}" if source == "text" else ""
            parts.append(f"{what}：{IDENTITY_FROM[source]}{guessed}")
    return " · ".join([*parts, "金额单位：万元"])


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
            f"调整率{PERCENT_SUFFIX}": percents(rows["adjustment_rate"]),
            f"执行率{PERCENT_SUFFIX}": percents(rows["execution_rate"]),
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
            f"占比{PERCENT_SUFFIX}": percents(split["share"]),
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


def has_own_phases(projects: pd.DataFrame) -> bool:
    """Whether some project states phases of its own beyond its one amount (a 项目支出绩效自评表
    gives 年初预算数 / 全年预算数 / 全年执行数; a list in prose gives each item one amount, which
    is then its only phase and adds nothing to show)."""
    if "initial_wan" not in projects:
        return False
    for row in records(projects):
        stated = [v for v in (row.initial_wan, row.adjusted_wan, row.actual_wan) if not missing(v)]
        if len(stated) > 1 or any(v != row.amount_wan for v in stated):
            return True
    return False


def project_table(projects: pd.DataFrame, *, detail: bool = True) -> pd.DataFrame:
    """Projects (万元, share of all projects in %); the projects' own phases, 执行率 and 自评得分
    when any project states them (a 项目支出绩效自评表 does; a list in prose gives one amount);
    purpose and sentence when `detail`."""
    columns: dict[str, list[Any]] = {
        "项目": list(projects["name"]),
        f"金额{AMOUNT_SUFFIX}": list(projects["amount_wan"]),
        f"占比{PERCENT_SUFFIX}": percents(projects["share"]),
    }
    if has_own_phases(projects):
        for phase in PHASES:
            columns[f"{label('phase', phase)}{AMOUNT_SUFFIX}"] = list(projects[f"{phase}_wan"])
        rates = projects["execution_rate"]
        columns[f"{label('indicator', 'execution_rate')}{PERCENT_SUFFIX}"] = percents(rates)
    scores = projects.get("score")
    if scores is not None and not all(missing(v) for v in scores):
        columns[PROJECT_SCORE] = [None if missing(v) else v for v in scores]
    if has_forms(projects):
        columns["列于"] = [_text(v) for v in projects["list_file_name"]]
        columns["项目支出绩效自评表"] = [_text(v) for v in projects["form_file_name"]]
        columns[f"自评表全年预算数{AMOUNT_SUFFIX}"] = [
            None if missing(v) else v for v in projects["form_amount_wan"]
        ]
    table = pd.DataFrame(columns)
    if detail:
        table.insert(0, "报告中序号", list(projects["ordinal"]))
        table["用途"] = list(projects["purpose"])
        table["原文句子"] = list(projects["sentence"])
    return table


def has_forms(projects: pd.DataFrame) -> bool:
    """Whether some project of the record has its own 项目支出绩效自评表 loaded."""
    forms = projects.get("form_file_name")
    return forms is not None and not all(missing(v) or v == "" for v in forms)


def _text(value: Any) -> str:
    return "" if missing(value) else str(value)


def figure_table(provenance: pd.DataFrame) -> pd.DataFrame:
    """Every contract figure with wording, sentence, spans and confidence; 未识别 rows included."""
    found = {(r.section, r.item): r._asdict() for r in records(provenance)}
    slots = list(FIGURE_SLOTS) + [k for k in found if k not in FIGURE_SLOTS]
    rows = []
    for section, item in slots:
        r = found.get((section, item))
        if r is None:
            unit = "万元" if (section, item) in AMOUNT_SLOTS else "人"
            rows.append(_figure_row(section, item, None, unit, note="报告中没有找到这个数字"))
            continue
        read = not missing(r["sentence"])  # a figure only a correction supplies has no sentence
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
        if truthy(r.get("corrected")):
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
        "指标": item_label(section, item),
        "数值": whole(value) if unit == "人" else value,
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
    withdrawn = [missing(v) for v in history["value"]]
    return pd.DataFrame(
        {
            "类别": [label("section", s) for s in history["section"]],
            "指标": [
                item_label(s, i) for s, i in zip(history["section"], history["item"], strict=True)
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
            labels.CORRECTED_BY: [who_text(w) for w in history["corrected_by"]],
        },
        columns=[
            "类别",
            "指标",
            "操作",
            "生效数值",
            "单位",
            "原值",
            "理由",
            "时间",
            labels.CORRECTED_BY,
        ],
    )


def who_text(user: Any) -> str:
    """Who did a write (载入人, 更正人), or — when it was done before sign-in recorded it.

    >>> who_text("li@example.gov.cn"), who_text(None)
    ('li@example.gov.cn', '—')
    """
    return labels.UNKNOWN_ACTOR if missing(user) or not str(user) else str(user)


def versions_table(versions: pd.DataFrame) -> pd.DataFrame:
    """Every version of every department-year: current flag, file, its kind, origin, hash, load
    time, who loaded it and who last restored it."""
    return pd.DataFrame(
        {
            "部门": list(versions["department"]),
            "年度": [int(y) for y in versions["year"]],
            "当前版本": ["是" if bool(c) else "" for c in versions["is_current"]],
            "文件": list(versions["file_name"]),
            "文件类型": [kind_text(k) for k in versions["kind"]],
            "组成部分": [labels.part_label(p) for p in versions["part"]]
            if "part" in versions
            else [""] * len(versions),
            "来源": [label("origin", o) for o in versions["origin"]],
            "载入时间": [format_time(t, seconds=True) for t in versions["loaded_at"]],
            "更正数": [int(n) for n in versions["corrections"]],
            labels.LOADED_BY: [who_text(w) for w in versions["loaded_by"]],
            labels.RESTORED_BY: [
                "" if missing(w) else f"{w}（{format_time(t)}）"
                for w, t in zip(versions["restored_by"], versions["restored_at"], strict=True)
            ],
            "内容哈希（SHA-256）": list(versions["sha256"]),
        },
        columns=[
            "部门",
            "年度",
            "当前版本",
            "文件",
            "文件类型",
            "组成部分",
            "来源",
            "载入时间",
            "更正数",
            labels.LOADED_BY,
            labels.RESTORED_BY,
            "内容哈希（SHA-256）",
        ],
    )


def table_rows_table(tables: pd.DataFrame) -> pd.DataFrame:
    """内容, 文件 (its CSV in the snapshot zip) and 行数 of every table (queries.table_rows).

    >>> table_rows_table(pd.DataFrame({"name": ["documents"], "rows": [3]})).to_dict("records")
    [{'内容': '报告版本', '文件': 'tables/documents.csv', '行数': 3}]
    """
    return pd.DataFrame(
        {
            "内容": [label("table", n) for n in tables["name"]],
            "文件": [f"tables/{n}.csv" for n in tables["name"]],
            "行数": [int(n) for n in tables["rows"]],
        },
        columns=["内容", "文件", "行数"],
    )


def format_time(value: Any, *, seconds: bool = False) -> str:
    """A timestamp as the UI writes it: 2026-03-05 14:07 (with :ss when asked); '' if missing.

    >>> format_time(pd.Timestamp("2026-03-05 14:07:09")), format_time(None)
    ('2026-03-05 14:07', '')
    """
    if missing(value):
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


def flags(frame: pd.DataFrame, column: str) -> list[bool]:
    if column not in frame.columns:
        return [False] * len(frame)
    return [truthy(v) for v in frame[column]]


def truthy(value: Any) -> bool:
    return not missing(value) and bool(value)


def missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def floats(values: Iterable[Any]) -> list[float | None]:
    return [None if missing(v) else float(v) for v in values]


def percents(rates: Iterable[Any]) -> list[Decimal | None]:
    return [None if missing(r) else Decimal(f"{float(r) * 100:.2f}") for r in rates]


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
                if truthy(n)
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
        if not missing(p)
    }
    # One pass over the rows, grouped by key in first-seen order, and the frame built once from
    # its columns (inserting a column at a time cost a millisecond each).
    by_key: dict[Any, dict[int, Any]] = {}
    for r in records(history):
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
            columns[f"{year} 年{PERCENT_SUFFIX}"] = percents(column(year, "share"))
        else:
            columns[f"{year} 年{AMOUNT_SUFFIX}"] = column(year, "amount_wan")
    for year in years:
        if year not in previous:
            continue
        change = f"{year} 较 {previous[year]}"
        if as_share:
            columns[f"{change}{POINTS_SUFFIX}"] = percents(column(year, "share_change"))
        else:
            columns[f"{change}{AMOUNT_SUFFIX}"] = column(year, "change_wan")
            columns[f"{change}{PERCENT_SUFFIX}"] = percents(column(year, "change_rate"))
    return pd.DataFrame(columns)


def ranking_table(ranked: pd.DataFrame, reviewed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Departments in ranked order with every indicator (%), their failed checks and the
    amounts they can be ranked by (万元); with `reviewed` (etl.queries.reviewed_departments),
    each department-year's review status after its name (待审核 when it has none)."""
    columns: dict[str, list[Any]] = {
        "名次": list(range(1, len(ranked) + 1)),
        "部门": list(ranked["department"]),
    }
    if reviewed is not None:
        status = dict(zip(reviewed["department"], reviewed["status"], strict=True))
        columns["审核状态"] = [
            label("review_status", status.get(d, "pending")) for d in ranked["department"]
        ]
    for column in RANKING_COLUMNS[:-1]:
        columns[f"{label('indicator', column)}{PERCENT_SUFFIX}"] = percents(ranked[column])
    columns[label("indicator", "failing_checks")] = [int(n) for n in ranked["failing_checks"]]
    for column in queries.AMOUNT_RANKING:
        if column in ranked:
            columns[ranking_header(column)] = [None if missing(v) else v for v in ranked[column]]
    return pd.DataFrame(columns)


def ranking_header(by: str) -> str:
    """The ranking table's header of a ranking column.

    >>> ranking_header("adjustment_rate"), ranking_header("total_actual_wan")
    ('预算调整率（%）', '实际支出合计（万元）')
    """
    if by == "failing_checks":
        return label("indicator", by)
    suffix = AMOUNT_SUFFIX if by in queries.AMOUNT_RANKING else PERCENT_SUFFIX
    return label("indicator", by) + suffix


def ranking_chart_table(ranked: pd.DataFrame, by: str) -> pd.DataFrame:
    """What the ranking chart draws: rank, department and the one column it is sorted by."""
    return ranking_table(ranked)[["名次", "部门", ranking_header(by)]]


def fund_split_by_year_table(split: pd.DataFrame) -> pd.DataFrame:
    """A row per year and government level: 万元 (exact), share of the year (%), and how many
    reports state that level (queries.fund_split_by_year)."""
    return pd.DataFrame(
        {
            "年度": [int(y) for y in split["year"]],
            "资金级次": [label("level", v) for v in split["level"]],
            f"金额{AMOUNT_SUFFIX}": list(split["amount_wan"]),
            f"占当年项目资金{PERCENT_SUFFIX}": percents(split["share"]),
            "写明该级次的报告数": [int(n) for n in split["reports"]],
        }
    )


def top_projects_table(projects: pd.DataFrame) -> pd.DataFrame:
    """The year's largest projects across departments: rank, department, project, 万元 (exact),
    share of the department's projects (%), purpose (queries.top_projects)."""
    return pd.DataFrame(
        {
            "名次": list(range(1, len(projects) + 1)),
            "部门": list(projects["department"]),
            "项目": list(projects["name"]),
            f"金额{AMOUNT_SUFFIX}": list(projects["amount_wan"]),
            f"占本部门项目合计{PERCENT_SUFFIX}": percents(projects["share"]),
            "用途": [MISSING if missing(p) else str(p) for p in projects["purpose"]],
        }
    )


def input_label(section: str, item: str, input_year: int, year: int) -> str:
    """An indicator input as the page names it; one from another year says which.

    >>> input_label("three_public", "actual", 2019, 2020), input_label("staffing", "authorized", 2020, 2020)
    ('2019 年度“三公”经费实际支出', '编制人数')
    """
    name = (
        item_label(section, item)
        if section == "staffing"
        else (f"{label('section', section)}{item_label(section, item)}")
    )
    return name if input_year == year else f"{input_year} 年度{name}"


def indicator_result(indicator: Any, inputs: pd.DataFrame, year: int) -> str:
    """The value as the page writes it (64.32%), or why it cannot be computed (never 0).

    `indicator` is a row of etl.queries.standard_indicators; `inputs` its rows of
    etl.queries.indicator_inputs.
    """
    absent = [
        input_label(r.section, r.item, int(r.input_year), year)
        for r in records(inputs)
        if missing(r.value)
    ]
    if absent:
        return "无法计算：缺少 " + "、".join(absent)
    if missing(indicator.value):
        return "无法计算：分母为 0"
    return format_rate(indicator.value)


def indicator_table(indicators: pd.DataFrame, inputs: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per standard indicator and scope: result, value (%), formula and flag."""
    rows = []
    for r in records(indicators):
        if r.indicator not in STANDARD_INDICATORS:
            continue
        own = inputs[(inputs["indicator"] == r.indicator) & (inputs["scope"] == r.scope)]
        rows.append(
            {
                "指标": label("indicator", r.indicator),
                "范围": label("section", r.scope),
                "结果": indicator_result(r, own, year),
                "提示": label("flag", r.indicator) if truthy(r.flagged) else "",
                "公式": label("formula", r.indicator),
                f"数值{PERCENT_SUFFIX}": percents([r.value])[0],
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


def whole(value: Any) -> int | None:
    """A head count or other whole number as int (None stays None): shown and exported without
    decimals.

    >>> whole(Decimal("38.000000")), whole(None)
    (38, None)
    """
    return None if missing(value) else int(value)


def flag_mask(table: pd.DataFrame) -> pd.DataFrame:
    """Which cells of a shown table are flags, by header, the same on every page: 预算调整率
    beyond the limit either way, “三公经费”控制率 or 在职人员控制率 above 100 %, a failed check,
    a note (提示)."""
    limit = float(config.ADJUSTMENT_RATE_LIMIT) * 100
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    for header in table.columns:
        values = table[header]
        if header.endswith(PERCENT_SUFFIX) and "调整率" in header:
            mask[header] = [not missing(v) and abs(float(v)) > limit for v in values]
        elif header.endswith(PERCENT_SUFFIX) and (
            "三公经费”控制率" in header or "在职人员控制率" in header
        ):
            mask[header] = [not missing(v) and float(v) > 100 for v in values]
        elif header == "结果":
            mask[header] = [v == label("passed", False) for v in values]
        elif header == "提示":
            mask[header] = [bool(v) for v in values]
    return mask


def indicator_chart_table(table: pd.DataFrame) -> pd.DataFrame:
    """What the indicator chart draws: the rows of indicator_table with a value (%)."""
    value = f"数值{PERCENT_SUFFIX}"
    return table[[not missing(v) for v in table[value]]][["指标", "范围", value, "提示"]]


# Leadership (总览, 简报): the change on the previous report year, key figures, and the flags.


def change_text(now: Any, before: Any, before_year: Any, *, unit: str = "万元") -> str | None:
    """A card's change on the previous report year; None with nothing to compare.

    >>> change_text(Decimal("812.34"), Decimal("801.07"), 2020)
    '较 2020 年 +11.27 万元（+1.41%）'
    >>> change_text(17, 15, 2020, unit="人")
    '较 2020 年 +2 人（+13.33%）'
    >>> change_text(None, Decimal("1"), 2020), change_text(Decimal("1"), None, None)
    (None, None)
    """
    if missing(now) or missing(before) or missing(before_year):
        return None
    change = Decimal(now) - Decimal(before)
    sign = "+" if change >= 0 else ""
    amount = f"{int(change):+,}" if unit == "人" else f"{sign}{change:,.2f}"
    rate = f"（{format_rate(float(change) / float(before), signed=True)}）" if before else ""
    return f"较 {int(before_year)} 年 {amount} {unit}{rate}"


def difference(now: Any, before: Any) -> Decimal | None:
    """now − before, exact; None when either is not stated.

    >>> difference(Decimal("812.34"), Decimal("801.07")), difference(None, Decimal("1"))
    (Decimal('11.27'), None)
    """
    if missing(now) or missing(before):
        return None
    return Decimal(now) - Decimal(before)


def change_rate(now: Any, before: Any) -> float | None:
    """(now − before) ÷ before as a fraction; None when either is missing or before is 0.

    >>> change_rate(Decimal("110"), Decimal("100")), change_rate(Decimal("1"), Decimal("0"))
    (0.1, None)
    """
    change = difference(now, before)
    return None if change is None or not before else float(change) / float(before)


def year_and_previous(figures: pd.DataFrame, year: int) -> tuple[Any, Any]:
    """The rows of etl.queries.key_figures_by_year for `year` and its previous report year
    (None where there is none)."""
    rows = {int(r.year): r for r in records(figures)}
    now = rows.get(int(year))
    before = None if now is None or missing(now.previous_year) else rows[int(now.previous_year)]
    return now, before


# 总览's 三公 and staffing figures: (section, column in key_figures_by_year, unit).
KEY_FIGURES = (
    ("three_public", "three_public_budget_wan", "万元"),
    ("three_public", "three_public_actual_wan", "万元"),
    ("staffing", "staff_authorized", "人"),
    ("staffing", "staff_actual", "人"),
)
_KEY_FIGURE_ITEMS = {
    "three_public_budget_wan": "budget",
    "three_public_actual_wan": "actual",
    "staff_authorized": "authorized",
    "staff_actual": "actual",
}


def key_figure_label(section: str, column: str) -> str:
    """'“三公”经费预算', '实有在职人数': a key figure as a card names it.

    >>> key_figure_label("three_public", "three_public_actual_wan")
    '“三公”经费实际支出'
    """
    item = item_label(section, _KEY_FIGURE_ITEMS[column])
    return item if section == "staffing" else f"{label('section', section)}{item}"


def flag_lines(indicators: pd.DataFrame) -> list[str]:
    """What is over its limit, one sentence each (standard_indicators.flagged), with the value:
    '预算调整率（基本支出）64.32%：调整幅度超过 30%：需说明原因'."""
    return [
        f"{_scoped(r.indicator, r.scope)}{format_rate(r.value)}：{label('flag', r.indicator)}"
        for r in records(indicators)
        if truthy(r.flagged)
    ]


def _scoped(indicator: str, scope: str) -> str:
    name = label("indicator", indicator)
    return name if scope in ("three_public", "staffing") else f"{name}（{label('section', scope)}）"


def phase_change_table(figures: pd.DataFrame, year: int) -> pd.DataFrame:
    """Basic, project and total × initial / adjusted / actual this year and in the previous
    report year (万元), the change (万元) and its rate (%): the 同比 part of 总览 and the brief."""
    now, before = year_and_previous(figures, year)
    rows = []
    for section in ("basic", "project", "total"):
        for phase in PHASES:
            column = f"{section}_{phase}_wan"
            value = None if now is None else getattr(now, column)
            previous = None if before is None else getattr(before, column)
            rows.append(
                {
                    "类别": label("section", section),
                    "阶段": label("phase", phase),
                    f"本年{AMOUNT_SUFFIX}": None if missing(value) else value,
                    f"上年{AMOUNT_SUFFIX}": None if missing(previous) else previous,
                    f"变动{AMOUNT_SUFFIX}": difference(value, previous),
                    f"变动率{PERCENT_SUFFIX}": percents([change_rate(value, previous)])[0],
                }
            )
    return pd.DataFrame(rows)


def key_figure_table(figures: pd.DataFrame, indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """三公经费 and staffing this year and in the previous report year (万元 or persons), the
    change, and the control rate (%) with its flag (提示)."""
    now, before = year_and_previous(figures, year)
    rates = {r.indicator: r for r in records(indicators)}
    rows = []
    for section, column, unit in KEY_FIGURES:
        value = None if now is None else getattr(now, column)
        previous = None if before is None else getattr(before, column)
        rows.append(
            {
                "类别": label("section", section),
                "指标": key_figure_label(section, column),
                "数值": _in_unit(value, unit),
                "上年": _in_unit(previous, unit),
                "变动": _in_unit(difference(value, previous), unit),
                "单位": unit,
            }
        )
    for indicator in ("three_public_control_rate", "staff_control_rate"):
        rate = rates.get(indicator)
        value = None if rate is None else rate.value
        rows.append(
            {
                "类别": label("section", "three_public" if "three" in indicator else "staffing"),
                "指标": label("indicator", indicator),
                "数值": percents([value])[0],
                "上年": None,
                "变动": None,
                "单位": "%",
                "提示": label("flag", indicator)
                if rate is not None and truthy(rate.flagged)
                else "",
            }
        )
    return pd.DataFrame(
        rows, columns=["类别", "指标", "数值", "单位", "上年", "变动", "提示"]
    ).fillna({"提示": ""})


def _in_unit(value: Any, unit: str) -> Any:
    if missing(value):
        return None
    return whole(value) if unit == "人" else value


# A department-year's record (etl.records): its documents, which one each number came from, every
# document's value of each figure and whether they agree, the findings across documents.

PHASE_SLOTS = tuple((s, p) for s in ("basic", "project") for p in PHASES)


def _unit(section: str) -> str:
    return "人" if section == "staffing" else "万元"


def _shown(section: str, value: Any) -> str:
    return labels.format_count(value) if section == "staffing" else labels.format_wan(value)


def _slot_order(section: str, item: str) -> tuple[int, int]:
    slots = list(FIGURE_SLOTS)
    return (slots.index((section, item)), 0) if (section, item) in slots else (len(slots), 0)


def documents_line(documents: pd.DataFrame) -> str:
    """The record's documents in one sentence (etl.queries.record_documents).

    >>> documents_line(pd.DataFrame({"part": ["budget", "final_accounts"],
    ...     "file_name": ["a.txt", "b.txt"]}))
    '本部门年度由 2 份文件合成：部门预算《a.txt》、部门决算《b.txt》'
    """
    named = "、".join(f"{labels.part_label(r.part)}《{r.file_name}》" for r in records(documents))
    if len(documents) == 1:
        return f"本部门年度的数字取自一份文件：{named}"
    return f"本部门年度由 {len(documents)} 份文件合成：{named}"


def sources_line(provenance: pd.DataFrame, slots: Iterable[tuple[str, str]] = PHASE_SLOTS) -> str:
    """来源: which document the record's figures of `slots` came from, the figures of one document
    together (etl.queries.figure_provenance); '' when none is stated.

    >>> sources_line(pd.DataFrame({"section": ["basic", "basic"], "item": ["initial", "actual"],
    ...     "file_name": ["a.txt", "b.txt"], "source_kind": ["budget", "final_accounts"],
    ...     "corrected": [False, True]}))
    '来源：基本支出年初预算取自部门预算《a.txt》；基本支出实际支出（已更正）取自部门决算《b.txt》'
    """
    wanted = list(slots)
    found = {(r.section, r.item): r for r in records(provenance)}
    by_document: dict[str, list[str]] = {}
    for section, item in wanted:
        r = found.get((section, item))
        if r is None:
            continue
        name = labels.figure_name(section, item)
        if truthy(getattr(r, "corrected", False)):
            name += f"（{CORRECTED}）"
        by_document.setdefault(labels.document_text(r.source_kind, r.file_name), []).append(name)
    if not by_document:
        return ""
    parts = [f"{'、'.join(names)}取自{document}" for document, names in by_document.items()]
    return "来源：" + "；".join(parts)


def source_table(provenance: pd.DataFrame) -> pd.DataFrame:
    """Each figure of the record (etl.queries.figure_provenance), its value, the document it was
    taken from (file, kind) and the sentence or table cell; 已更正 where a correction is in
    force."""
    rows = sorted(records(provenance), key=lambda r: _slot_order(r.section, r.item))
    return pd.DataFrame(
        {
            "类别": [label("section", r.section) for r in rows],
            "指标": [item_label(r.section, r.item) for r in rows],
            "数值": [whole(r.value) if r.section == "staffing" else r.value for r in rows],
            "单位": [_unit(r.section) for r in rows],
            "来源文件": [r.file_name for r in rows],
            "文件类型": [labels.kind_label(r.source_kind) for r in rows],
            "原文（句子或表格）": [
                labels.where_text(r.sentence, r.row_label, r.column_label) for r in rows
            ],
            CORRECTED: [CORRECTED if truthy(r.corrected) else "" for r in rows],
        },
        columns=[
            "类别",
            "指标",
            "数值",
            "单位",
            "来源文件",
            "文件类型",
            "原文（句子或表格）",
            CORRECTED,
        ],
    )


def statement_table(statements: pd.DataFrame) -> pd.DataFrame:
    """Per figure, every document that states it (etl.queries.figure_statements): its value, 采用
    for the one the record takes, and whether it agrees with that one (within the tolerance of
    the cross-document checks, etl.records.TOLERANCE_WAN)."""
    rows = sorted(
        enumerate(records(statements)), key=lambda p: (_slot_order(p[1].section, p[1].item), p[0])
    )
    taken = {(r.section, r.item): r.value for _, r in rows if truthy(r.taken)}
    out = [
        {
            "类别": label("section", r.section),
            "指标": item_label(r.section, r.item),
            "文件": r.file_name,
            "文件类型": labels.kind_label(r.source_kind),
            "数值": whole(r.value) if r.section == "staffing" else r.value,
            "单位": _unit(r.section),
            labels.TAKEN: labels.TAKEN if truthy(r.taken) else "",
            "与采用值比较": labels.difference_text(
                r.value, taken.get((r.section, r.item)), TOLERANCE_WAN, _unit(r.section)
            ),
            CORRECTED: CORRECTED if truthy(r.corrected) else "",
            "原文（句子或表格）": labels.where_text(r.sentence, r.row_label, r.column_label),
        }
        for _, r in rows
    ]
    columns = ["类别", "指标", "文件", "文件类型", "数值", "单位", labels.TAKEN, "与采用值比较",
               CORRECTED, "原文（句子或表格）"]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def disagreements(statements: pd.DataFrame) -> list[str]:
    """The figures whose documents disagree (beyond etl.records.TOLERANCE_WAN), one line each:
    the value taken and its document, then each other document's value."""
    by_slot: dict[tuple[str, str], list[Any]] = {}
    for r in records(statements):
        by_slot.setdefault((r.section, r.item), []).append(r)
    lines = []
    for (section, item), stated in sorted(by_slot.items(), key=lambda p: _slot_order(*p[0])):
        chosen = next((r for r in stated if truthy(r.taken)), stated[0])
        differ = [
            r
            for r in stated
            if r is not chosen and abs(Decimal(r.value) - Decimal(chosen.value)) > TOLERANCE_WAN
        ]
        if not differ:
            continue
        unit = _unit(section)
        others = "；".join(
            f"{labels.document_text(r.source_kind, r.file_name)}为 {_shown(section, r.value)} {unit}"
            for r in differ
        )
        lines.append(
            f"{labels.figure_name(section, item)}：采用"
            f"{labels.document_text(chosen.source_kind, chosen.file_name)}的"
            f" {_shown(section, chosen.value)} {unit}"
            + (f"（{CORRECTED}）" if truthy(chosen.corrected) else "")
            + f"，{others}"
        )
    return lines


def cross_findings(checks: pd.DataFrame, *, failed_only: bool = False) -> pd.DataFrame:
    """The findings across the record's documents (etl.records.CROSS_RULES; check_results with
    evidence), failures first (only those when `failed_only`), one row per document each
    compares: the finding, the document (file, kind), its value and sentence or table cell."""
    out = []
    for r in records(checks):
        if r.rule not in CROSS_RULES or (failed_only and bool(r.passed)):
            continue
        evidence = json.loads(r.evidence) if isinstance(r.evidence, str) and r.evidence else []
        for document in evidence or [{}]:
            out.append(
                {
                    "结果": label("passed", bool(r.passed)),
                    "规则": label("rule", r.rule),
                    "说明": r.message,
                    "文件": document.get("file_name", ""),
                    "文件类型": labels.kind_label(document["kind"]) if document else "",
                    "项目": document.get("project", ""),
                    f"数值{AMOUNT_SUFFIX}": (
                        Decimal(document["value"]) if document.get("value") else None
                    ),
                    "原文（句子或表格）": labels.where_text(
                        document.get("sentence", ""),
                        document.get("row_label", ""),
                        document.get("column_label", ""),
                    ),
                }
            )
    columns = ["结果", "规则", "说明", "文件", "文件类型", "项目", f"数值{AMOUNT_SUFFIX}",
               "原文（句子或表格）"]  # fmt: skip
    table = pd.DataFrame(out, columns=columns)
    if not table["项目"].astype(bool).any():
        table = table.drop(columns="项目")
    return table


def record_documents_table(documents: pd.DataFrame) -> pd.DataFrame:
    """The record's documents (etl.queries.record_documents): file, part, origin, load time."""
    return pd.DataFrame(
        {
            "文件": list(documents["file_name"]),
            "组成部分": [labels.part_label(p) for p in documents["part"]],
            "来源": [label("origin", o) for o in documents["origin"]],
            "载入时间": [format_time(t) for t in documents["loaded_at"]],
        },
        columns=["文件", "组成部分", "来源", "载入时间"],
    )


def year_documents_lines(documents: pd.DataFrame) -> list[str]:
    """Per year (etl.queries.department_documents), the documents its record gathers."""
    by_year: dict[int, list[str]] = {}
    for r in records(documents):
        by_year.setdefault(int(r.year), []).append(labels.document_text(r.source_kind, r.file_name))
    return [f"{year} 年度：{'、'.join(names)}" for year, names in sorted(by_year.items())]


def by_part(versions: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """A department-year's versions (etl.queries.department_versions) grouped by part (kind, and
    project for project forms): (the part in words, its versions), the kinds in the order of
    etl.model.DOCUMENT_KINDS."""
    order = {kind: n for n, kind in enumerate(LABELS["kind"])}
    parts = sorted(
        dict.fromkeys(versions["part"]),
        key=lambda p: (order.get(str(p).partition(":")[0], len(order)), str(p)),
    )
    return [(labels.part_label(p), versions[versions["part"] == p]) for p in parts]


# 总览's 三公 and staffing cards, as figure slots (their 来源 line).
KEY_FIGURE_SLOTS = tuple((section, _KEY_FIGURE_ITEMS[column]) for section, column, _ in KEY_FIGURES)


def fund_source_line(split: pd.DataFrame) -> str:
    """来源: the document the record's fund split was taken from (etl.queries.fund_split_sources).

    >>> fund_source_line(pd.DataFrame({"file_name": ["a.txt"], "source_kind": ["budget"]}))
    '来源：资金来源取自部门预算《a.txt》'
    """
    named = dict.fromkeys(
        labels.document_text(k, f)
        for f, k in zip(split["file_name"], split["source_kind"], strict=True)
        if not missing(f)
    )
    return f"来源：资金来源取自{'、'.join(named)}" if named else ""


def precedence_table() -> pd.DataFrame:
    """etl.records.PRECEDENCE in words: per figure, the kinds of document it is taken from, best
    first (a hand entry before every document)."""
    rows = [
        {
            "类别": label("section", section),
            "指标": item_label(section, item),
            "依次取自": " → ".join(
                labels.kind_label(k) for k in kinds if k not in ("unknown", "project_evaluation")
            ),
        }
        for (section, item), kinds in PRECEDENCE.items()
        if (section, item) in FIGURE_SLOTS
    ]
    return pd.DataFrame(rows, columns=["类别", "指标", "依次取自"])


def project_sources_line(projects: pd.DataFrame) -> str:
    """How the project list is merged: which file lists the projects, how many have their own
    项目支出绩效自评表 (etl.queries.project_breakdown)."""
    lists = dict.fromkeys(_text(v) for v in projects["list_file_name"] if not missing(v))
    forms = [v for v in projects["form_file_name"] if not missing(v) and v]
    only = sum(1 for v in projects["list_file_name"] if missing(v))
    listed = f"项目清单取自《{'》《'.join(lists)}》；其中 " if lists else ""
    return (
        f"{listed}{len(forms)} 个项目有项目支出绩效自评表（“项目支出绩效自评表”列），"
        "其年初预算、调整后预算、实际支出与执行率取自该表"
        + (f"；{only} 个项目只见于其项目支出绩效自评表（“列于”为空）" if only else "")
        + "。"
    )


def roles_table(roles: pd.DataFrame) -> pd.DataFrame:
    """Every role row (queries.user_roles) with Chinese headers: 用户, 角色, 部门, 授予人, 授予时间.

    >>> frame = pd.DataFrame({"user_id": ["li@x.cn"], "role": ["submit"], "department": [""],
    ...     "granted_by": ["root"], "granted_at": [pd.Timestamp("2026-01-02 03:04:05")]})
    >>> roles_table(frame).iloc[0].tolist()
    ['li@x.cn', '填报', '全部部门', 'root', '2026-01-02 03:04']
    """
    return pd.DataFrame(
        {
            "用户": list(roles["user_id"]),
            "角色": [labels.ROLE_LABELS.get(str(r), str(r)) for r in roles["role"]],
            "部门": [str(d) or labels.EVERY_DEPARTMENT for d in roles["department"]],
            "授予人": [who_text(w) for w in roles["granted_by"]],
            "授予时间": [format_time(t) for t in roles["granted_at"]],
        },
        columns=["用户", "角色", "部门", "授予人", "授予时间"],
    )


def refusals_table(entries: list[dict[str, Any]]) -> pd.DataFrame:
    """Refused write attempts (etl.store.access.refusals), newest first: 时间, 用户, 操作,
    所需角色, 部门."""
    return pd.DataFrame(
        {
            "时间": [str(e.get("at", "")).replace("T", " ") for e in entries],
            "用户": [who_text(e.get("by")) if e.get("by") else "未登录" for e in entries],
            "操作": [str(e.get("what", "")) for e in entries],
            "所需角色": [labels.ROLE_LABELS.get(str(e.get("role")), "") for e in entries],
            "部门": [str(e.get("department") or "") for e in entries],
        },
        columns=["时间", "用户", "操作", "所需角色", "部门"],
    )


def refusals_line(refused: pd.DataFrame) -> str:
    """How many refused attempts are listed, and the latest (refusals_table's frame).

    >>> refusals_line(refusals_table([]))
    '没有被拒绝的写入。'
    """
    if refused.empty:
        return "没有被拒绝的写入。"
    last = refused.iloc[0]
    where = f"（{last['部门']}）" if last["部门"] else ""
    return (
        f"共 {len(refused):,} 次没有相应角色的写入尝试，最新的在前；最近一次：{last['时间']}"
        f" {last['用户']} {last['操作']}{where}，需要{last['所需角色']}权限。"
    )


# The review (etl.store.review): status lines, findings with their dispositions, the 待办 list,
# the history and the 问题清单.


def review_line(status: pd.DataFrame) -> str:
    """A department-year's review status in words (etl.queries.review_status), '' without one.

    >>> review_line(pd.DataFrame({"status": ["returned"], "reviewer": ["王审"],
    ...     "reviewed_at": [pd.Timestamp("2026-03-05 14:07")], "open_findings": [2]}))
    '审核状态：已退回（王审，2026-03-05 14:07） · 待处理的核对发现 2 项'
    >>> review_line(pd.DataFrame({"status": ["pending"], "reviewer": [None],
    ...     "reviewed_at": [None], "open_findings": [0]}))
    '审核状态：待审核 · 待处理的核对发现 0 项'
    """
    if status.empty:
        return ""
    row = status.iloc[0]
    who = ""
    if not missing(row["reviewer"]):
        who = f"（{row['reviewer']}，{format_time(row['reviewed_at'])}）"
    state = label("review_status", row["status"])
    return f"审核状态：{state}{who} · 待处理的核对发现 {int(row['open_findings'])} 项"


def disposition_text(disposition: Any, resolved: Any) -> str:
    """What a reviewer made of a finding, in words: 已解决 once it no longer fires.

    >>> disposition_text("confirmed", False), disposition_text(None, False)
    ('确认问题', '未处理')
    >>> disposition_text("explained", True)
    '已解决（原为已说明）'
    """
    shown = label("disposition", "" if missing(disposition) else disposition)
    if truthy(resolved):
        return f"{label('disposition', 'resolved')}（原为{shown}）"
    return shown


def finding_label(rule: Any, message: Any, limit: int = 80) -> str:
    """A finding as a selector lists it: its rule, then its message shortened."""
    text = " ".join(str(message).split())
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{label('rule', rule)}：{short}"


def review_finding_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The department-year's findings (etl.queries.review_findings) with their disposition, its
    note, who made it and when; resolved ones last."""
    return pd.DataFrame(
        {
            "处理意见": [
                disposition_text(d, r)
                for d, r in zip(findings["disposition"], findings["resolved"], strict=True)
            ],
            "规则": [label("rule", r) for r in findings["rule"]],
            "说明": list(findings["message"]),
            f"差额{AMOUNT_SUFFIX}": list(findings["difference_wan"]),
            "审核意见": ["" if missing(n) else str(n) for n in findings["note"]],
            "审核人": ["" if missing(n) else str(n) for n in findings["reviewer"]],
            "时间": [format_time(t) for t in findings["disposed_at"]],
            "规则代码": list(findings["rule"]),
        },
        columns=["处理意见", "规则", "说明", f"差额{AMOUNT_SUFFIX}", "审核意见", "审核人", "时间",
                 "规则代码"],
    )  # fmt: skip


def status_text(status: Any, resubmitted: Any = False) -> str:
    """A review status in words; one sent back with a document loaded since says so.

    >>> status_text("questioned"), status_text("returned", True)
    ('有疑问', '已退回，已交新版本')
    """
    shown = label("review_status", status)
    return f"{shown}，已交新版本" if truthy(resubmitted) else shown


def todo_table(todo: pd.DataFrame) -> pd.DataFrame:
    """The 待办 list (etl.queries.review_todo): department-years not yet reviewed, newest first."""
    return pd.DataFrame(
        {
            "部门": list(todo["department"]),
            "年度": [int(y) for y in todo["year"]],
            "审核状态": [
                status_text(s, r) for s, r in zip(todo["status"], todo["resubmitted"], strict=True)
            ],
            f"待处理的核对发现{labels.COUNT_SUFFIX}": [int(n) for n in todo["open_findings"]],
            "最近载入": [format_time(t) for t in todo["latest_loaded_at"]],
            "审核人": ["" if missing(n) else str(n) for n in todo["reviewer"]],
            "审核意见": ["" if missing(n) else str(n) for n in todo["notes"]],
        },
        columns=["部门", "年度", "审核状态", f"待处理的核对发现{labels.COUNT_SUFFIX}", "最近载入",
                 "审核人", "审核意见"],
    )  # fmt: skip


def review_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """Every change of the department-year's review, newest first (etl.queries.review_history)."""
    return pd.DataFrame(
        {
            "时间": [format_time(t, seconds=True) for t in history["changed_at"]],
            "操作": [
                f"审核状态 → {label('review_status', v)}"
                if w == "status"
                else f"{label('rule', r)} → {label('disposition', v)}"
                for w, v, r in zip(history["what"], history["value"], history["rule"], strict=True)
            ],
            "意见": ["" if missing(n) else str(n) for n in history["note"]],
            "审核人": list(history["reviewer"]),
        },
        columns=["时间", "操作", "意见", "审核人"],
    )


def question_table(questions: pd.DataFrame) -> pd.DataFrame:
    """The 问题清单 (etl.queries.question_list) as the department reads it: one row per figure a
    question cites, with its value (万元, or persons), the document and the sentence or cell."""
    return pd.DataFrame(
        {
            "序号": [int(n) for n in questions["number"]],
            "核对规则": [label("rule", r) for r in questions["rule"]],
            "问题": list(questions["message"]),
            "审核意见": ["" if missing(n) else str(n) for n in questions["note"]],
            "数字": ["" if missing(f) else str(f) for f in questions["figure"]],
            "数值": list(questions["value"]),
            "单位": ["" if missing(u) else str(u) for u in questions["unit"]],
            "文件": [
                "" if missing(f) else (f"{kind_text(k)}《{f}》" if not missing(k) else f"《{f}》")
                for f, k in zip(questions["file_name"], questions["kind"], strict=True)
            ],
            "原文（句子或表格单元格）": ["" if missing(p) else str(p) for p in questions["place"]],
        },
        columns=["序号", "核对规则", "问题", "审核意见", "数字", "数值", "单位", "文件",
                 "原文（句子或表格单元格）"],
    )  # fmt: skip


def reviewed_table(statuses: pd.DataFrame) -> pd.DataFrame:
    """Department-years with their review status (etl.queries.review_statuses)."""
    return pd.DataFrame(
        {
            "部门": list(statuses["department"]),
            "年度": [int(y) for y in statuses["year"]],
            "审核状态": [
                status_text(s, r)
                for s, r in zip(statuses["status"], statuses["resubmitted"], strict=True)
            ],
            f"待处理的核对发现{labels.COUNT_SUFFIX}": [int(n) for n in statuses["open_findings"]],
            "审核时间": [format_time(t) for t in statuses["reviewed_at"]],
        },
        columns=["部门", "年度", "审核状态", f"待处理的核对发现{labels.COUNT_SUFFIX}", "审核时间"],
    )


def status_counts(statuses: pd.DataFrame) -> str:
    """How many department-years have each review status, in words.

    >>> status_counts(pd.DataFrame({"status": ["returned", "checked", "returned"]}))
    '已核对 1 个部门年度 · 已退回 2 个部门年度'
    """
    counts = statuses["status"].value_counts()
    return " · ".join(
        f"{label('review_status', s)} {int(counts[s])} 个部门年度"
        for s in labels.REVIEW_STATUSES
        if s in counts
    )
