"""What a table value means: its row label and column header read against the form it sits in.

The same cell words mean different things in different forms: 年度资金总额 is the department's
total on a 部门整体支出绩效自评表 (no slot of its own) and the project's own amount on a
项目支出绩效自评表; 本年预算数 is the initial budget on a 基础数据表; a fund row 中央补助 is the
department's fund split in a report and the project's own on a project form. Score columns and
indicator rows are never money. Readers of each section take the meanings they need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from etl.extract.tables import Layout, Table, TableValue
from etl.extract.wording import row_kind, row_label
from etl.model import Figure, Source


@dataclass(frozen=True)
class Meaning:
    """A table value as a figure: kind, key and the phase its column gives.

    kind "phase": key (section, item) — basic / project phases and 人员经费 / 公用经费;
    "three_public": ("three_public", budget|actual); "staffing": ("staffing", authorized|actual);
    "fund": ("", level); "project": ("", name) with the column's phase;
    "project_total": the 项目支出绩效自评表's own amount, by phase; "score": the project's 得分.
    """

    kind: str
    key: tuple[str, str]
    phase: str  # "initial" / "adjusted" / "actual", or "" for a plain amount column
    value: TableValue
    table: Table

    def amount(self) -> Decimal | None:
        return self.value.amount_wan()

    def source(self, original: str) -> Source:
        return self.value.source(original)

    @property
    def note(self) -> str:
        """How the figure was read when it needs saying (a unit the document does not name)."""
        return self.table.unit_note

    def figure(self, original: str) -> Figure | None:
        """The value as the figure of its key: an amount in 万元, a head count in 人 (kind
        "staffing"); None when the cell holds neither. A table's figure is read with confidence
        0.9, an amount whose unit the document does not name with 0.6 and a note saying so."""
        if self.kind == "staffing":
            value, unit, note = self.value.count(), "人", ""
        else:
            value, unit, note = self.amount(), "万元", self.note
        if value is None:
            return None
        return Figure(
            section=self.key[0],
            item=self.key[1],
            value=value,
            unit=unit,
            wording=self.wording,
            source=self.source(original),
            confidence=0.6 if note else 0.9,
            note=note,
        )

    @property
    def wording(self) -> str:
        """The row label, or the column header for a transposed table."""
        return self.value.label or self.value.column.cell.text


def meanings(layout: Layout, year: int | None, default_phase: str = "") -> list[Meaning]:
    """Every table value of the document that names a figure, in reading order.

    `default_phase` is the phase a plain amount has in this kind of document ("initial" in a 预算,
    "actual" in a 决算); a table's own title (支出决算表, 收支预算总表) says it first.
    """
    return [m for table in layout.tables for m in _table_meanings(table, year, default_phase)]


# A table's title names its phase: 支出决算表 → actual, 部门预算收支总表 → initial.
_TITLE_PHASE = (("决算", "actual"), ("预算", "initial"))


def table_phase(table: Table, default_phase: str) -> str:
    """The phase of the table's plain amount columns: from its title, else the document's."""
    for word, phase in _TITLE_PHASE:
        if word in table.context:
            return phase
    return default_phase


def _table_meanings(table: Table, year: int | None, default_phase: str) -> Iterator[Meaning]:
    values = list(table.values())
    plain_phase = table_phase(table, default_phase)
    kinds = [row_kind(v.label) for v in values]
    three_public = "三公" in table.context or any(k == "three_public_part" for k, _ in kinds)
    project_form = table.project is not None
    names = [v for v, (kind, _) in zip(values, kinds, strict=True) if kind == "name"]
    project_list = bool(names) and (
        "项目" in table.context or any("项目" in c.cell.text for c in table.header)
    )
    # Staff counts: the 合计 row under the parts (行政编制, 事业编制), else the one row there is.
    staff_rows = {
        v.row.start for v, (k, _) in zip(values, kinds, strict=True) if v.column.kind == "staff"
    }
    has_parts = any(k == "staff_part" for k, _ in kinds)
    levels = any(k == "fund" for k, _ in kinds)
    # The year the table is of: the document's, else the latest its columns name ("2021年决算数 |
    # 2022年预算数 | 2022年决算数": 2021 is the year before).
    this_year = year or max((c.year for c in table.header if c.year), default=None)
    parents = _parents(values, kinds)
    # A project form with one budget column, 预算数（A） beside 执行数（B） and 执行率（B/A）: the
    # budget its execution is measured against, the full-year one.
    budgets = [c for c in table.header if c.kind == "phase" and c.item in ("initial", "adjusted")]
    lone_budget = (
        budgets[0]
        if project_form and len(budgets) == 1 and "年初" not in budgets[0].cell.text
        else None
    )
    for value, (row, row_item), parent in zip(values, kinds, parents, strict=True):
        column = value.column
        if row == "fund_type" and levels and row_label(value.label).startswith("其他"):
            row, row_item = "fund", "other"  # 其他资金 among 中央 / 省级 / 市级 rows: a level
        if column.year is not None and this_year is not None and column.year != this_year:
            continue  # "2020年决算数" in a 2021 document: another year's figure
        if column.kind == "score":
            if project_form and column.item == "score" and _is_total_score(value.label):
                yield Meaning("score", ("", "score"), "", value, table)
            continue
        if column.kind == "staff":
            if row == "staff":
                yield Meaning("staffing", ("staffing", row_item), "", value, table)
            elif row == "total" or (
                not has_parts and len(staff_rows) == 1 and row in ("name", "none")
            ):
                yield Meaning("staffing", ("staffing", column.item), "", value, table)
            continue
        if row == "staff":
            yield Meaning("staffing", ("staffing", row_item), "", value, table)
            continue
        if column.kind in ("section", "basic_part", "three_public"):
            # A transposed table: sections as columns, phases as rows, or one 合计 row of a
            # 支出决算表 (基本支出 | 项目支出 columns) in the table's own phase.
            if row == "phase":
                yield from _money(table, value, column.kind, column.item, row_item)
            elif row == "total" and plain_phase:
                yield from _money(table, value, column.kind, column.item, plain_phase)
            continue
        if column.kind == "phase":
            phase = "adjusted" if column is lone_budget else column.item
        elif column.kind == "amount":
            phase = plain_phase
        else:
            continue
        if row == "section":
            if phase:
                yield Meaning("phase", (row_item, phase), phase, value, table)
        elif row == "basic_part":
            yield Meaning("phase", ("basic", row_item), phase, value, table)
        elif row == "three_public" or (row == "total" and three_public):
            if phase:
                item = "actual" if phase == "actual" else "budget"
                yield Meaning("three_public", ("three_public", item), phase, value, table)
        elif row == "total" and project_form:
            yield Meaning("project_total", ("", ""), phase, value, table)
        elif row == "fund_type" and project_form:
            yield Meaning("project_part", ("", ""), phase, value, table)
        elif row == "fund":
            yield Meaning("fund", ("", row_item), phase, value, table)
        elif row == "name" and project_list and not project_form and not three_public:
            yield Meaning("project", ("", row_item), phase, value, table)
        elif row == "name" and parent == "project" and not project_form:
            # "项目支出 | … / 1、业务工作专项 | …": the numbered items under 项目支出 are projects.
            yield Meaning("project", ("", row_item), phase, value, table)


_ITEM_LABEL = re.compile(r"^\s*(?:\d+\s*[、.．]|[(（]\s*\d+\s*[)）]|[①-⑳]|其中)")


def _parents(values: list[TableValue], kinds: list[tuple[str, str]]) -> list[str]:
    """For each value, the section its row is an item of: "project" for the numbered rows
    (1、 (1) ① 其中) that follow a 项目支出 row, "" otherwise."""
    parents: list[str] = []
    parent = ""
    for value, (kind, item) in zip(values, kinds, strict=True):
        # A 项目支出 label with no figures of its own stands before the first item's label.
        above = [row_kind(c.text) for c in value.row.labels[:-1]]
        if kind == "section":
            parent = item
        elif ("section", "project") in above:
            parent = "project"
        elif kind != "name" or not _ITEM_LABEL.match(value.label):
            parent = ""
        parents.append(parent if kind == "name" else "")
    return parents


def _money(table: Table, value: TableValue, kind: str, item: str, phase: str) -> Iterator[Meaning]:
    if kind == "section":
        yield Meaning("phase", (item, phase), phase, value, table)
    elif kind == "basic_part" and phase == "actual":
        yield Meaning("phase", ("basic", item), phase, value, table)
    elif kind == "three_public":
        key = ("three_public", "actual" if phase == "actual" else "budget")
        yield Meaning("three_public", key, phase, value, table)


_TOTAL_SCORE = ("总分", "合计", "总计", "综合得分", "自评得分", "评价得分", "得分", "自评总分")


def _is_total_score(label: str) -> bool:
    clean = "".join(label.split())
    return clean in _TOTAL_SCORE or clean.startswith(("总分", "合计"))


# When a row offers several phases and one figure is wanted, the actual spend wins for a
# section's part or a project in a list; a fund split prefers the full-year budget it is of.
ACTUAL_FIRST = {"actual": 0, "adjusted": 1, "initial": 2, "": 3}
FULL_YEAR_FIRST = {"adjusted": 0, "": 1, "actual": 2, "initial": 3}


def best(found: Iterable[Meaning], rank: dict[str, int]) -> list[Meaning]:
    """Per row and key, the meaning whose phase ranks first in `rank`, in reading order."""
    chosen: dict[tuple[int, tuple[str, str]], Meaning] = {}
    for meaning in found:
        slot = (meaning.value.row.start, meaning.key)
        if slot not in chosen or rank[meaning.phase] < rank[chosen[slot].phase]:
            chosen[slot] = meaning
    return sorted(chosen.values(), key=lambda m: m.value.start)
