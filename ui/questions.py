"""The 问题清单 a reviewer sends back with a department-year (退回): each finding marked 确认问题, the
reviewer's note, and every figure it cites with its value, the document and the sentence or
table cell it came from; as a Word document (.docx) and as an Excel workbook (.xlsx). No st.*
calls: the 数据核对 page and `python -m etl questions` both build them here."""

from __future__ import annotations

import io
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl import queries
from etl.labels import format_count, format_wan
from ui import export, tables

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Questions:
    """A department-year's 问题清单: its review status and the questions (question_list)."""

    department: str
    year: int
    status: pd.DataFrame  # etl.queries.review_status
    questions: pd.DataFrame  # etl.queries.question_list

    @property
    def title(self) -> str:
        return f"{self.department} {self.year} 年度 问题清单"

    def lines(self) -> list[str]:
        """The lines above the questions: status, reviewer and time, the reviewer's notes."""
        out = [tables.review_line(self.status).split(" · ")[0]] if not self.status.empty else []
        if not self.status.empty and not tables.missing(self.status["notes"].iloc[0]):
            notes = str(self.status["notes"].iloc[0])
            if notes:
                out.append(f"审核意见：{notes}")
        count = self.count()
        out.append(
            f"共 {count} 个问题，请逐项核实并说明；金额单位：万元。"
            if count
            else "没有标为“确认问题”的核对发现。"
        )
        return out

    def count(self) -> int:
        return int(self.questions["number"].nunique()) if len(self.questions) else 0


def question_list(con: duckdb.DuckDBPyConnection, department: str, year: int) -> Questions:
    """The department-year's 问题清单 read from the database."""
    return Questions(
        department,
        year,
        queries.review_status(con, department, year),
        queries.question_list(con, department, year),
    )


def file_name(department: str, year: int, suffix: str) -> str:
    """What the 问题清单 downloads as (export.file_name): …_问题清单_YYYYMMDD.docx / .xlsx."""
    return export.file_name(department, year, "问题清单", suffix=suffix.lstrip("."))


def questions_xlsx(content: Questions) -> bytes:
    """The 问题清单 as one sheet: the title and status lines, then a row per cited figure."""
    return export.workbook_bytes(
        [("问题清单", tables.question_table(content.questions))], [content.title, *content.lines()]
    )


def questions_docx(content: Questions) -> bytes:
    """The 问题清单 as a Word document: a heading per question with its rule, the finding and the
    reviewer's note, and a table of the figures it cites (数字, 数值, 文件, 原文)."""
    from docx import Document

    document = Document()
    document.add_heading(content.title, level=1)
    for line in content.lines():
        document.add_paragraph(line)
    table = tables.question_table(content.questions)
    for number, rows in table.groupby("序号", sort=True):
        first = rows.iloc[0]
        document.add_heading(f"问题 {number}：{first['核对规则']}", level=2)
        document.add_paragraph(_clean(str(first["问题"])))
        if first["审核意见"]:
            document.add_paragraph(_clean(f"审核意见：{first['审核意见']}"))
        cited = rows[rows["数字"].astype(bool) | rows["文件"].astype(bool)]
        if cited.empty:
            continue
        grid = document.add_table(rows=1, cols=4)
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, ("数字", "数值", "文件", "原文"), strict=True):
            cell.text = text
        for _, row in cited.iterrows():
            cells = grid.add_row().cells
            value = row["数值"]
            shown = (
                ""
                if tables.missing(value)
                else f"{format_count(value)} 人"
                if row["单位"] == "人"
                else f"{format_wan(value)} 万元"
            )
            for cell, text in zip(
                cells,
                (row["数字"], shown, row["文件"], row["原文（句子或表格单元格）"]),
                strict=True,
            ):
                cell.text = _clean(str(text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _clean(text: str) -> str:
    """Text a .docx can hold (XML 1.0: no C0 controls but tab, LF, CR)."""
    return export.XML_ILLEGAL.sub("", text)
