"""A department-year's record: which document of which kind states each of its figures
(declared once here, written into the table `precedence` for SQL), what a document's identity
within its department-year is, and the cross-document checks, which compare what its documents
say.

A department-year gathers documents of several kinds (etl.model.DOCUMENT_KINDS): a 部门预算, a
部门决算, a 自评报告 or 自评表, one 项目支出绩效自评表 per project. Each kind (and each project, for
project forms) is a *part* of the department-year, with its own versions; its current versions
together are the record. Each figure of the record is taken from the first part in PRECEDENCE
that states it, and a hand correction wins over every document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from etl import config, labels
from etl.amounts import normalise
from etl.model import FIGURE_SLOTS, Check, DocumentKind

TOLERANCE_WAN = config.TOLERANCE_WAN

# A document's kind for precedence: its DocumentKind, "manual" for the hand-entry template and
# "unknown" when its title names no kind.
SourceKind = str
MANUAL = "manual"
UNKNOWN = "unknown"

# Who states what, best first. Budgets first for what was planned, final accounts first for what
# was spent; a hand-entered department-year first of all (a user typed it on purpose); project
# forms last for department figures (they speak of one project). Every kind is in every list, so
# a figure stated only by a less fitting document is still shown (with its source).
_PLANNED: tuple[SourceKind, ...] = (
    MANUAL, "budget", "final_accounts", "self_evaluation_form", "self_evaluation_report",
    "basic_data_form", "three_public", UNKNOWN, "project_evaluation",
)  # fmt: skip
_SPENT: tuple[SourceKind, ...] = (
    MANUAL, "final_accounts", "self_evaluation_form", "self_evaluation_report",
    "basic_data_form", "three_public", "budget", UNKNOWN, "project_evaluation",
)  # fmt: skip
_THREE_PUBLIC_SPENT: tuple[SourceKind, ...] = (
    MANUAL, "final_accounts", "three_public", "self_evaluation_form", "self_evaluation_report",
    "basic_data_form", "budget", UNKNOWN, "project_evaluation",
)  # fmt: skip
_THREE_PUBLIC_PLANNED: tuple[SourceKind, ...] = (
    MANUAL, "budget", "three_public", "final_accounts", "self_evaluation_form",
    "self_evaluation_report", "basic_data_form", UNKNOWN, "project_evaluation",
)  # fmt: skip
_STAFF: tuple[SourceKind, ...] = (
    MANUAL, "basic_data_form", "self_evaluation_form", "self_evaluation_report",
    "final_accounts", "budget", "three_public", UNKNOWN, "project_evaluation",
)  # fmt: skip
# The fund split and the project list come whole from one document: the self-evaluation states
# them for the year as executed.
_LISTS: tuple[SourceKind, ...] = (
    MANUAL, "self_evaluation_report", "self_evaluation_form", "final_accounts", "budget",
    "basic_data_form", "three_public", UNKNOWN, "project_evaluation",
)  # fmt: skip

# (section, item) -> kinds, best first. ("lists", "fund_sources") and ("lists", "projects") rank
# whole lists; ("record", "lead") ranks the document whose id stands for the record.
PRECEDENCE: dict[tuple[str, str], tuple[SourceKind, ...]] = {
    **{slot: _SPENT for slot in FIGURE_SLOTS},
    ("basic", "initial"): _PLANNED,
    ("project", "initial"): _PLANNED,
    ("three_public", "budget"): _THREE_PUBLIC_PLANNED,
    ("three_public", "actual"): _THREE_PUBLIC_SPENT,
    ("staffing", "authorized"): _STAFF,
    ("staffing", "actual"): _STAFF,
    ("lists", "fund_sources"): _LISTS,
    ("lists", "projects"): _LISTS,
    ("record", "lead"): _LISTS,
}


def precedence_rows() -> list[list[object]]:
    """PRECEDENCE as the rows of the table `precedence` (section, item, source_kind, rank)."""
    return [
        [section, item, kind, rank]
        for (section, item), kinds in PRECEDENCE.items()
        for rank, kind in enumerate(kinds, start=1)
    ]


def source_kind(kind: DocumentKind | str | None, origin: str) -> SourceKind:
    """The kind precedence ranks: the document's kind, "manual" or "unknown".

    >>> source_kind("budget", "report"), source_kind(None, "manual"), source_kind(None, "report")
    ('budget', 'manual', 'unknown')
    """
    if origin == MANUAL:
        return MANUAL
    return kind or UNKNOWN


def project_key(name: str) -> str:
    """A project's name as compared across documents: the SQL macro project_key's rule (full-width
    ASCII as ASCII, no whitespace, 经费 and a trailing 费项 as 费).

    >>> project_key("治理平台 维护经费"), project_key("党建经费项")
    ('治理平台维护费', '党建费')
    """
    key = "".join(normalise(name).split())
    if key.endswith("费项"):
        key = key[:-1]
    if key.endswith("经费"):
        key = key[:-2] + "费"
    return key


def document_part(kind: DocumentKind | str | None, origin: str, projects: Iterable[str]) -> str:
    """A document's identity within its department-year: its source kind, and for a project form
    the projects it evaluates. A newer version of the same part replaces the older one; a document
    of another part joins the record beside it.

    >>> document_part("final_accounts", "report", ["x"])
    'final_accounts'
    >>> document_part("project_evaluation", "report", ["道路养护经费", "桥梁检测费"])
    'project_evaluation:桥梁检测费|道路养护费'
    """
    part = source_kind(kind, origin)
    if part == "project_evaluation":
        names = sorted({project_key(n) for n in projects} - {""})
        if names:
            part += ":" + "|".join(names)
    return part


@dataclass(frozen=True)
class Statement:
    """One document's statement of a record's figure: its value and where it was read; the
    document by its content hash (stable across rebuilds and load orders)."""

    sha256: str
    file_name: str
    kind: SourceKind
    value: Decimal
    sentence: str
    row_label: str = ""
    column_label: str = ""

    def where(self) -> str:
        """The document and the cell or sentence, as a finding names them."""
        cell = "·".join(p for p in (self.row_label, self.column_label) if p)
        place = f"表格 {cell}" if cell else f"“{_short(self.sentence)}”"
        return f"{labels.kind_label(self.kind)}《{self.file_name}》{place}"


@dataclass(frozen=True)
class ProjectStatement:
    """A project as one document states it: in a department's list, or on its own form."""

    sha256: str
    file_name: str
    kind: SourceKind
    name: str
    amount_wan: Decimal
    actual_wan: Decimal | None
    sentence: str
    on_form: bool

    def compared(self) -> Decimal:
        """The amount a list states for a project is its spending where stated: a form's actual
        where it states one, else its 全年预算数 (amount_wan)."""
        if self.on_form and self.actual_wan is not None:
            return self.actual_wan
        return self.amount_wan


def _amount(slot: tuple[str, str], value: Decimal) -> str:
    if slot[0] == "staffing":
        return f"{labels.format_count(value)} 人"
    return f"{labels.format_wan(value)} 万元"


def _short(sentence: str, limit: int = 60) -> str:
    text = " ".join(sentence.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


CROSS_RULES = (
    "figure_differs",
    "three_public_differs",
    "project_amount_differs",
    "project_forms_total",
    "missing_counterpart",
)
_SELF_EVALUATION = ("self_evaluation_report", "self_evaluation_form")


def cross_document_checks(
    statements: Sequence[Statement],
    slots: dict[int, tuple[str, str]],
    projects: Sequence[ProjectStatement],
    kinds: Sequence[SourceKind],
    project_total: Decimal | None,
) -> list[tuple[Check, tuple[Statement | ProjectStatement, ...]]]:
    """What the record's documents say against each other, each finding with the statements it
    compares (both documents, their sentences or cells).

    `statements` are every current document's figures, `slots[i]` the (section, item) of
    statements[i]; `projects` every document's projects; `kinds` the record's source kinds;
    `project_total` the record's 项目支出 (adjusted) the project forms add up to.
    """
    out: list[tuple[Check, tuple[Statement | ProjectStatement, ...]]] = []
    by_slot: dict[tuple[str, str], list[Statement]] = {}
    for index, statement in enumerate(statements):
        by_slot.setdefault(slots[index], []).append(statement)
    for slot in FIGURE_SLOTS:
        stated = by_slot.get(slot, [])
        if len(stated) < 2:
            continue
        first = stated[0]
        rule = "three_public_differs" if slot[0] == "three_public" else "figure_differs"
        for other in stated[1:]:
            difference = other.value - first.value
            agree = abs(difference) <= TOLERANCE_WAN
            verdict = "一致" if agree else f"相差 {_amount(slot, abs(difference))}"
            out.append(
                (
                    Check(
                        rule=rule,
                        severity="info" if agree else "warning",
                        passed=agree,
                        message=(
                            f"{labels.SLOT_LABELS[slot]}：{first.where()} 为"
                            f" {_amount(slot, first.value)}，{other.where()} 为"
                            f" {_amount(slot, other.value)}：{verdict}"
                        ),
                        expected_wan=first.value,
                        actual_wan=other.value,
                        difference_wan=difference,
                        fields=(f"{slot[0]}.{slot[1]}",),
                    ),
                    (first, other),
                )
            )
    out.extend(_project_checks(projects, project_total))
    out.extend(_counterparts(kinds))
    return out


def _project_checks(
    projects: Sequence[ProjectStatement], project_total: Decimal | None
) -> list[tuple[Check, tuple[Statement | ProjectStatement, ...]]]:
    out: list[tuple[Check, tuple[Statement | ProjectStatement, ...]]] = []
    listed = {project_key(p.name): p for p in projects if not p.on_form}
    forms = [p for p in projects if p.on_form]
    for form in forms:
        entry = listed.get(project_key(form.name))
        if entry is None:
            continue
        difference = form.compared() - entry.amount_wan
        agree = abs(difference) <= TOLERANCE_WAN
        verdict = "一致" if agree else f"相差 {labels.format_wan(abs(difference))} 万元"
        out.append(
            (
                Check(
                    rule="project_amount_differs",
                    severity="info" if agree else "warning",
                    passed=agree,
                    message=(
                        f"项目“{form.name}”：{labels.kind_label(entry.kind)}《{entry.file_name}》列为"
                        f" {labels.format_wan(entry.amount_wan)} 万元，其项目支出绩效自评表"
                        f"《{form.file_name}》为 {labels.format_wan(form.compared())} 万元：{verdict}"
                    ),
                    expected_wan=entry.amount_wan,
                    actual_wan=form.compared(),
                    difference_wan=difference,
                    fields=("projects",),
                ),
                (entry, form),
            )
        )
    if forms and project_total is not None:
        forms_sum = sum((p.amount_wan for p in forms), Decimal(0))
        over = forms_sum - project_total > TOLERANCE_WAN
        share = f"{forms_sum / project_total:.1%}" if project_total else "—"
        out.append(
            (
                Check(
                    rule="project_forms_total",
                    severity="warning" if over else "info",
                    passed=not over,
                    message=(
                        f"{len(forms)} 张项目支出绩效自评表的全年预算数合计"
                        f" {labels.format_wan(forms_sum)} 万元，部门项目支出全年预算"
                        f" {labels.format_wan(project_total)} 万元："
                        + (
                            f"超出 {labels.format_wan(forms_sum - project_total)} 万元"
                            if over
                            else f"占 {share}"
                        )
                    ),
                    expected_wan=project_total,
                    actual_wan=forms_sum,
                    difference_wan=forms_sum - project_total,
                    fields=("project.adjusted", "projects"),
                ),
                tuple(forms),
            )
        )
    return out


def _counterparts(
    kinds: Sequence[SourceKind],
) -> list[tuple[Check, tuple[Statement | ProjectStatement, ...]]]:
    """A 决算 without a self-evaluation, or a self-evaluation without its 决算, in a record of
    several documents. A record of one document is compared with nothing: a lone 自评报告 is what
    many bureaus collect, and a correction (which runs the record's checks) must not make a
    finding appear that loading the same document did not."""
    if len(kinds) < 2:
        return []
    has_final = "final_accounts" in kinds
    has_self = any(k in _SELF_EVALUATION for k in kinds)
    if has_final == has_self:
        return []
    missing = "部门整体支出绩效自评（报告或自评表）" if has_final else "部门决算"
    present = "部门决算" if has_final else "部门整体支出绩效自评"
    return [
        (
            Check(
                rule="missing_counterpart",
                severity="warning",
                passed=False,
                message=f"已有{present}，缺少{missing}：无法对照核实",
                fields=("documents",),
            ),
            (),
        )
    ]
