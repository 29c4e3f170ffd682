"""The 导入 and 版本 pages' pure parts: size checks, previews of uploaded reports and hand-entry
files, what a load did in words. DataFrames and text out, no st.* calls, so tests import them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pandas as pd

from etl import labels, records, sandbox
from etl.labels import MISSING, format_wan, item_label, label
from etl.load import NOTHING_GIVEN, Given, LoadResult, analyse_text, display_name
from etl.manual import SECTION_LABELS as MANUAL_SECTIONS
from etl.manual import Issue, ManualEntry
from etl.manual import item_label as manual_item
from etl.model import FIGURE_SLOTS, Report, expected_slots
from etl.readers import ReadError

VersionState = Literal["new", "joins", "same", "history", "conflict"]
REPORT_TYPES = ["txt", "docx", "pdf"]  # what the 导入 page offers (the type is decided by content)
# The hand-entry template's downloads: suffix, what the button names, MIME type.
TEMPLATES = (
    ("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("csv", "CSV", "text/csv"),
)
VERSION_COLUMNS = [
    "department",
    "year",
    "sha256",
    "file_name",
    "loaded_at",
    "is_current",
    "origin",
    "kind",
    "source_kind",
    "part",
    "corrections",
]


@dataclass(frozen=True)
class Preview:
    """What would be loaded from one uploaded file, read before anything is written."""

    name: str  # the user's file name as a label (etl.load.display_name), never a path
    size: int
    sha256: str
    report: Report | None
    error: str | None  # one line naming the problem, when the file cannot be loaded

    @property
    def ok(self) -> bool:
        return self.error is None and self.report is not None


def too_large(size: int, limit_mb: int) -> str | None:
    """The message for a file over the upload limit, else None.

    >>> too_large(21 * 1024 * 1024, 20)
    '文件过大（21.0 MB）：上传上限为 20 MB'
    >>> too_large(100, 20) is None
    True
    """
    if size <= limit_mb * 1024 * 1024:
        return None
    return f"文件过大（{size / 1024 / 1024:.1f} MB）：上传上限为 {limit_mb} MB"


def preview_report(name: str, data: bytes, limit_mb: int, given: Given = NOTHING_GIVEN) -> Preview:
    """Read and extract an uploaded report from its bytes (type by content), without loading it;
    `given` is the department and year the user typed in for it."""
    label_name = display_name(name)
    digest = hashlib.sha256(data).hexdigest()
    problem = too_large(len(data), limit_mb)
    if problem:
        return Preview(label_name, len(data), digest, None, problem)
    try:
        text = sandbox.read_text(Path(label_name), data)  # under time and memory limits
    except ReadError as exc:
        return Preview(label_name, len(data), digest, None, exc.problem)
    report = analyse_text(text, given)
    if report.department is None or report.year is None:
        return Preview(label_name, len(data), digest, report, labels.no_identity(report))
    return Preview(label_name, len(data), digest, report, None)


def needs_confirming(report: Report) -> list[str]:
    """What the user should check before loading: the department or year when it was only
    guessed (from the first lines or the signature) or not read at all.

    >>> needs_confirming(Report("X局", None, department_from="text"))
    ['部门', '年度']
    """
    return [
        what
        for what, value, source in (
            ("部门", report.department, report.department_from),
            ("年度", report.year, report.year_from),
        )
        if value is None or source == "text"
    ]


def version_state(
    sha256: str,
    department: str,
    year: int,
    versions: pd.DataFrame,
    part: str | None = None,
) -> tuple[VersionState, str]:
    """How a version relates to what is loaded (versions: etl.queries.matching_versions): the same
    as a current one, an old version, a department-year not loaded yet (new), a document of
    another part joining its department-year's record (joins), or another version of the same
    part (conflict: keep or replace it). `part` is the upload's (etl.records.document_part);
    None treats every document of the department-year as of its part."""
    same = versions[versions["sha256"] == sha256]
    if not same.empty:
        if bool(same["is_current"].iloc[0]):
            return "same", "已载入过内容完全相同的版本，不会重复载入"
        return "history", "这是该部门年度的一个历史版本：选择“替换”会把它恢复为当前版本"
    of_year = versions[(versions["year"] == year) & versions["is_current"].astype(bool)]
    if of_year.empty:
        return "new", f"新的部门年度：将为 {department} {year} 年度建立记录"
    if part is not None and "part" in of_year:
        rivals = of_year[of_year["part"] == part]
        if rivals.empty:
            return "joins", (
                f"将加入 {department} {year} 年度的记录（已有 {len(of_year)} 份文件："
                + "、".join(
                    f"{labels.part_label(p)}《{f}》"
                    for p, f in zip(of_year["part"], of_year["file_name"], strict=True)
                )
                + f"），作为其中的{labels.part_label(part)}"
            )
        of_year = rivals
    others = len(versions[(versions["year"] == year) & versions["is_current"].astype(bool)])
    kept = f"；该记录的其余 {others - 1} 份文件不变" if others > 1 else ""
    what = f"（{labels.part_label(part)}）" if part is not None else ""
    return "conflict", (
        f"{department} {year} 年已有当前版本 {of_year['file_name'].iloc[0]}{what}："
        f"替换只换掉这一类文件的旧版本{kept}"
    )


def same_year_files(
    uploads: list[tuple[str, str | None, int | None]],
) -> dict[str, list[str]]:
    """Per uploaded file (name, department, year as read), the other files of the upload of the
    same department-year: they join one record together.

    >>> same_year_files([("a", "X局", 2020), ("b", "X局", 2020), ("c", "X局", 2021)])
    {'a': ['b'], 'b': ['a'], 'c': []}
    """
    groups: dict[tuple[str | None, int | None], list[str]] = {}
    for name, department, year in uploads:
        groups.setdefault((department, year), []).append(name)
    return {
        name: [other for other in groups[(department, year)] if other != name]
        if department is not None and year is not None
        else []
        for name, department, year in uploads
    }


def mates_line(mates: list[str]) -> str:
    """The other files of the upload that join the same department-year's record.

    >>> mates_line(["b.txt", "c.txt"])
    '本次一起上传的 2 个文件也属于这个部门年度，载入后合为一条记录：b.txt、c.txt'
    """
    return f"本次一起上传的 {len(mates)} 个文件也属于这个部门年度，载入后合为一条记录：{'、'.join(mates)}"


def upload_part(report: Report, origin: str = "report") -> str:
    """The upload's part of its department-year (etl.records.document_part)."""
    return records.document_part(report.kind, origin, [p.name for p in report.projects])


def record_changes(
    report: Report, provenance: pd.DataFrame, projects: pd.DataFrame
) -> tuple[list[str], list[str]]:
    """What loading `report` would add to its department-year's record and what it contradicts:
    (figures the record does not state yet, figures and projects whose value differs from the
    record's current one beyond etl.records.TOLERANCE_WAN). `provenance` and `projects` are the
    record's (etl.queries.figure_provenance, project_breakdown); empty for a new record."""
    current = {(r.section, r.item): r for r in provenance.itertuples(index=False)}
    adds: list[str] = []
    differs: list[str] = []
    for slot in FIGURE_SLOTS:
        figure = report.figures.get(slot)
        if figure is None or figure.value is None:
            continue
        section, item = slot
        unit = "人" if section == "staffing" else "万元"
        shown = labels.format_count if section == "staffing" else format_wan
        name = labels.figure_name(section, item)
        found = current.get(slot)
        if found is None or found.value is None:
            adds.append(f"{name} {shown(figure.value)} {unit}")
        elif abs(figure.value - Decimal(str(found.value))) > records.TOLERANCE_WAN:
            differs.append(
                f"{name}：本文件为 {shown(figure.value)} {unit}，记录现为"
                f" {shown(found.value)} {unit}（取自"
                f"{labels.document_text(found.source_kind, found.file_name)}）"
            )
    listed = {records.project_key(str(r.name)): r for r in projects.itertuples(index=False)}
    for project in report.projects:
        entry = listed.get(records.project_key(project.name))
        # A form's amount compared is its spending where it states one, as the checks compare it.
        amount = project.amount_wan
        if report.kind == "project_evaluation" and project.actual_wan is not None:
            amount = project.actual_wan
        if entry is None:
            if not projects.empty:
                adds.append(f"项目“{project.name}” {format_wan(project.amount_wan)} 万元")
            continue
        if abs(amount - Decimal(str(entry.amount_wan))) > records.TOLERANCE_WAN:
            differs.append(
                f"项目“{project.name}”：本文件为 {format_wan(amount)} 万元，记录中列为"
                f" {format_wan(entry.amount_wan)} 万元"
            )
    return adds, differs


def summary_lines(report: Report) -> list[str]:
    """The main figures as sentences for the preview (万元 with separators, 未识别 if missing)."""
    lines = []
    for section in ("basic", "project"):
        phases = " · ".join(
            f"{label('phase', p)} {format_wan(report.value(section, p))}"
            for p in ("initial", "adjusted", "actual")
        )
        lines.append(f"{label('section', section)}：{phases} 万元")
    lines.append(
        f"{label('section', 'three_public')}：预算 {format_wan(report.value('three_public', 'budget'))}"
        f" · 实际支出 {format_wan(report.value('three_public', 'actual'))} 万元"
    )
    funds = "、".join(
        f"{label('level', f.level)} {format_wan(f.amount_wan)}" for f in report.fund_sources
    )
    lines.append(f"资金来源：{funds or MISSING}")
    lines.append(f"项目：{len(report.projects)} 个" if report.projects else f"项目：{MISSING}")
    return lines


def report_figures(report: Report) -> pd.DataFrame:
    """The report's figures in figure_provenance's shape, for charts.figure_table."""
    rows = [
        {
            "section": f.section,
            "item": f.item,
            "value": f.value,
            "unit": f.unit,
            "wording": f.wording,
            "confidence": f.confidence,
            "note": f.note,
            "sentence": f.source.sentence,
            "sentence_start": f.source.sentence_start,
            "sentence_end": f.source.sentence_end,
            "value_start": f.source.value_start,
            "value_end": f.source.value_end,
        }
        for f in report.figures.values()
    ]
    columns = [
        "section",
        "item",
        "value",
        "unit",
        "wording",
        "confidence",
        "note",
        "sentence",
        "sentence_start",
        "sentence_end",
        "value_start",
        "value_end",
    ]
    return pd.DataFrame(rows, columns=columns)


def report_checks(report: Report) -> pd.DataFrame:
    """The report's checks in check_results' shape (failures first), for charts.check_table."""
    order = {"error": 1, "warning": 2, "info": 3}
    checks = sorted(report.checks, key=lambda c: (c.passed, order[c.severity]))
    return pd.DataFrame(
        [
            {
                "rule": c.rule,
                "severity": c.severity,
                "passed": c.passed,
                "message": c.message,
                "expected_wan": c.expected_wan,
                "actual_wan": c.actual_wan,
                "difference_wan": c.difference_wan,
            }
            for c in checks
        ],
        columns=[
            "rule",
            "severity",
            "passed",
            "message",
            "expected_wan",
            "actual_wan",
            "difference_wan",
        ],
    )


def report_parts(report: Report) -> pd.DataFrame:
    """Fund sources and projects as read: kind, name, amount (万元), sentence."""
    rows: list[dict[str, object]] = [
        {
            "类别": "资金来源",
            "名称": label("level", f.level),
            "金额（万元）": f.amount_wan,
            "原文句子": f.source.sentence,
        }
        for f in report.fund_sources
    ]
    rows += [
        {
            "类别": "项目",
            "名称": p.name,
            "金额（万元）": p.amount_wan,
            "原文句子": p.source.sentence,
        }
        for p in report.projects
    ]
    return pd.DataFrame(rows, columns=["类别", "名称", "金额（万元）", "原文句子"])


def unrecognised(report: Report) -> list[str]:
    """The figures the document's kind should state that it does not (shown as 未识别), in
    contract order; the fund split and the project list for a kind that states everything."""
    whole = expected_slots(report.kind) == FIGURE_SLOTS
    return (
        [
            f"{label('section', s)}·{item_label(s, i)}"
            for s, i in expected_slots(report.kind)
            if (s, i) not in report.figures
        ]
        + (["资金来源"] if whole and not report.fund_sources else [])
        + (["项目明细"] if whole and not report.projects else [])
    )


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    """Validation problems of a hand-entry file: 行, 列, 问题 (row '' for the whole file)."""
    return pd.DataFrame(
        {
            "行": [str(i.row) if i.row else "" for i in issues],
            "列": [i.column or "" for i in issues],
            "问题": [i.problem for i in issues],
        },
        columns=["行", "列", "问题"],
    )


def entry_table(entry: ManualEntry) -> pd.DataFrame:
    """The figures a hand-entry file gives one department-year, as they will be stored."""
    return pd.DataFrame(
        [
            {
                "行": r.row,
                "类别": MANUAL_SECTIONS[r.section],
                "指标": r.item if r.section == "projects" else manual_item(r.section, r.item),
                "数值": r.value_wan,
                "单位": "人" if r.section == "staffing" else "万元",
                "用途": r.purpose,
                "说明": r.note,
            }
            for r in entry.rows
        ],
        columns=["行", "类别", "指标", "数值", "单位", "用途", "说明"],
    )


def result_text(result: LoadResult) -> str:
    """One line saying what a load did to a file, in the app's words.

    >>> result_text(LoadResult(Path("a.txt"), "failed", "文件为空"))
    'a.txt：失败——文件为空'
    """
    where = f"（{result.department} {result.year} 年）" if result.department else ""
    text = f"{result.path.name}{where}：{label('result', result.status)}"
    return f"{text}——{result.message}" if result.status == "failed" else text


def amount_text(value: Decimal | None) -> str:
    """An amount for a sentence in the UI, exact: 801.07 or 未识别."""
    if value is None:
        return "未识别"
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def sha256_hex(content: bytes) -> str:
    """The content hash a version is known by."""
    return hashlib.sha256(content).hexdigest()


def template_bytes(kind: str, department: str = "") -> bytes:
    """The blank hand-entry template: 'xlsx' (Excel, with a 填写说明 sheet) or 'csv' (utf-8-sig)."""
    from etl import manual

    return manual.template_xlsx(department) if kind == "xlsx" else manual.template_csv(department)
