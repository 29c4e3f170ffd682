"""Form fields in any flattening: 项目名称 / 实施单位 / 单位名称 … and the text after each."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from etl.extract.cells import HEADER_WORD, Cell
from etl.extract.wording import RUN_TOGETHER_NEXT, column_kind, field_kind


@dataclass(frozen=True)
class Field:
    """A form field: 项目名称 / 实施单位 / 单位名称 … and the text after it."""

    name: str  # etl.extract.wording.FIELD_RULES: "project", "implementer", "supervisor", "unit"
    label: Cell
    value: Cell


# A field's value is a name, never a column header ("项目名称 | 年初预算数" is a header row); a
# name may end like a column word (工资性支出, 保障资金).
_INLINE_FIELD = re.compile(r"^(?P<label>[^:：]{2,12})[:：]\s*(?P<value>\S.*)$")


def _run_together_project(cell: Cell) -> Iterator[Field]:
    """项目名称 and its value inside one run-together cell, as a field of two cells."""
    for match in _RUN_PROJECT.finditer(cell.text):
        label_at, value_at = cell.start + match.start(), cell.start + match.start("name")
        label = Cell("项目名称", label_at, label_at + 4, cell.line)
        value = Cell(match["name"], value_at, value_at + len(match["name"]), cell.line)
        yield Field("project", label, value)


def read_fields(stream: list[Cell]) -> Iterator[Field]:
    """项目名称 | X, 实施单位 | Y, 单位名称：Z … in any flattening: the next text cell is the value.

    A cover page's 项目名称：部门整体支出绩效评价报告 names the report, not a project: left out.
    """
    for found in _field_cells(stream):
        if found.name == "project" and _REPORT_NAME.search(found.value.text):
            continue
        yield found


_REPORT_NAME = re.compile(r"报告|自评表|评价表|部门整体|整体支出")


# A project's name in a run-together form: "…项目名称东津院区建设补助主管部门襄阳市卫生健康委…".
_RUN_PROJECT = re.compile(
    rf"项目名称[:：]?(?P<name>[^\s:：,，。;；]{{2,40}}?)(?={RUN_TOGETHER_NEXT})"
)


def _field_cells(stream: list[Cell]) -> Iterator[Field]:
    for index, cell in enumerate(stream):
        if cell.kind == "text" and len(cell.text) > 40 and "项目名称" in cell.text:
            yield from _run_together_project(cell)
        if cell.kind != "text" or (len(cell.text) > 40 and ":" not in cell.text[:14]):
            continue  # a field's label is short: a sentence is not one
        inline = _INLINE_FIELD.match(cell.text) if ":" in cell.text else None
        if inline and field_kind(inline["label"]):
            at = cell.start + inline.start("value")
            value_text = inline["value"].strip()
            value = Cell(value_text, at, at + len(value_text), cell.line)
            yield Field(str(field_kind(inline["label"])), cell, value)
            continue
        name = field_kind(cell.text)
        if name is None:
            continue
        for following in stream[index + 1 : index + 4]:
            if following.kind == "empty":
                continue
            if (
                following.kind == "text"
                and field_kind(following.text) is None
                and not HEADER_WORD.fullmatch("".join(following.text.split()))
                and not (
                    len(following.text) <= 4
                    and column_kind(following.text)[0] in ("serial", "label")
                )
            ):
                yield Field(name, cell, following)
            break
