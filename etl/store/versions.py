"""One report version stored in its own transaction: which version is current (keep or replace
on a conflict), the rows of every table under documents, and what the write did (LoadResult)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb

from etl import config
from etl.amounts import normalise
from etl.checks import check_report
from etl.extract import extract_report
from etl.model import PROJECT_PHASES, Check, Figure, Project, Report, Source

# The line `python -m etl demo` writes into every synthetic report; a report with it is flagged.
SYNTHETIC_MARK = "【示例数据：程序生成，非真实报告】"
OnConflict = Literal["keep", "replace"]
Status = Literal["loaded", "unchanged", "replaced", "restored", "conflict", "corrected", "failed"]
Origin = Literal["report", "manual"]


@dataclass(frozen=True)
class Given:
    """The department and year a user typed in at load (the 导入 page's fields, `etl load
    --department --year`): they stand for what the document says, and the document records
    that they came from the user. Empty: the document's own."""

    department: str | None = None
    year: int | None = None

    def __bool__(self) -> bool:
        return self.department is not None or self.year is not None

    def to_json(self) -> dict[str, Any]:
        return {"department": self.department, "year": self.year}

    @classmethod
    def typed(cls, department: str | None, year: str | int | None) -> Given:
        """What a user typed (blank: not given), checked; ValueError says what is wrong.

        >>> Given.typed(" 长沙市天心区交通运输局 ", "２０２１")
        Given(department='长沙市天心区交通运输局', year=2021)
        >>> Given.typed("", "21")
        Traceback (most recent call last):
        ValueError: 年度应为 1990–2100 之间的四位数字：21
        """
        name = normalise(department or "").strip() or None
        if name is not None and (len(name) > config.NAME_LIMIT or not name.isprintable()):
            raise ValueError(f"部门名称应为不超过 {config.NAME_LIMIT} 个字的一行文字：{name[:80]}")
        text = normalise(str(year if year is not None else "")).strip().removesuffix("年度")
        text = text.removesuffix("年").strip()
        if not text:
            return cls(name, None)
        if not (text.isdigit() and len(text) == 4 and int(text) in config.YEARS):
            first, last = config.YEARS[0], config.YEARS[-1]
            raise ValueError(f"年度应为 {first}–{last} 之间的四位数字：{text}")
        return cls(name, int(text))

    @classmethod
    def from_json(cls, value: Any) -> Given:
        """From a journal entry's "given" (absent in entries written before it existed)."""
        if not isinstance(value, dict):
            return cls()
        year = value.get("year")
        return cls(value.get("department"), int(year) if year is not None else None)


NOTHING_GIVEN = Given()
# An upload: (the user's file name, its bytes), optionally with its own choice on a conflict
# and the department and year the user gave it.
Document = tuple[str, bytes] | tuple[str, bytes, OnConflict] | tuple[str, bytes, OnConflict, Given]
Progress = Callable[[int, int, "LoadResult"], None]


@dataclass(frozen=True)
class LoadResult:
    path: Path
    status: Status
    message: str
    department: str | None = None
    year: int | None = None
    sha256: str | None = None  # the version's content hash, when it reached the database

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def analyse_text(text: str, given: Given = NOTHING_GIVEN) -> Report:
    """Extract a report's figures (for the department and year the user gave, if any) and run
    every check on them."""
    report = extract_report(text, department=given.department, year=given.year)
    report.checks = check_report(report)
    report.synthetic = SYNTHETIC_MARK in text
    return report


# The columns of documents a load writes (document_id comes from its sequence or the caller).
DOCUMENT_COLUMNS = (
    "sha256",
    "file_name",
    "path",
    "department",
    "year",
    "is_current",
    "loaded_at",
    "text_chars",
    "title_sentence",
    "origin",
    "kind",
    "kind_sentence",
    "department_from",
    "year_from",
    "part",
)


def document_row(
    report: Report,
    *,
    sha256: str,
    file_name: str,
    path: str,
    is_current: bool,
    loaded_at: datetime,
    text_chars: int,
    origin: Origin,
    part: str,
) -> list[Any]:
    """One row of documents in DOCUMENT_COLUMNS' order."""
    title = report.department_source.sentence if report.department_source else None
    kind_sentence = report.kind_source.sentence if report.kind_source else None
    return [
        sha256,
        file_name,
        path,
        report.department,
        report.year,
        is_current,
        loaded_at,
        text_chars,
        title,
        origin,
        report.kind,
        kind_sentence,
        report.department_from,
        report.year_from,
        part,
    ]


def insert_children(con: duckdb.DuckDBPyConnection, reports: list[tuple[int, Report]]) -> None:
    """The rows of every table under documents for these (document_id, report) pairs: one
    INSERT per table for all of them."""
    insert_many(con, "synthetic_documents", [[i] for i, r in reports if r.synthetic])
    insert_many(
        con,
        "figures",
        [
            figure_row(document_id, f)
            for document_id, report in reports
            for f in report.figures.values()
        ],
    )
    for table in ("fund_sources", "projects"):
        insert_many(
            con,
            table,
            [
                [document_id, i, name, amount, text, *_span(source)]
                for document_id, report in reports
                for i, (name, amount, text, source) in enumerate(_listed(report, table), start=1)
            ],
        )
    projects = [
        (document_id, i, project)
        for document_id, report in reports
        for i, project in enumerate(report.projects, start=1)
    ]
    insert_many(
        con,
        "project_figures",
        [
            [document_id, i, item, value, *_span(source)]
            for document_id, i, project in projects
            for item, value, source in _project_figures(project)
        ],
    )
    insert_many(
        con,
        "project_fund_sources",
        [
            [document_id, i, position, f.level, f.amount_wan, f.wording, *_span(f.source)]
            for document_id, i, project in projects
            for position, f in enumerate(project.fund_sources, start=1)
        ],
    )
    insert_many(
        con,
        "adjustment_reasons",
        [
            [document_id, section, *_span(source)]
            for document_id, report in reports
            for section, source in report.adjustment_reasons.items()
        ],
    )
    insert_many(
        con,
        "checks",
        [
            check_row(document_id, i, c)
            for document_id, report in reports
            for i, c in enumerate(report.checks, start=1)
        ],
    )


def figure_row(document_id: int, figure: Figure) -> list[Any]:
    """One row of the table figures."""
    f = figure
    values = [f.section, f.item, f.value, f.unit, f.wording, f.confidence, f.note]
    return [document_id, *values, *_span(f.source)]


def check_row(document_id: int, ordinal: int, check: Check) -> list[Any]:
    """One row of the table checks."""
    c = check
    return [
        document_id,
        ordinal,
        c.rule,
        c.severity,
        c.passed,
        c.message,
        c.expected_wan,
        c.actual_wan,
        c.difference_wan,
        ",".join(c.fields),
        "",
    ]


def _listed(report: Report, table: str) -> list[tuple[str, Any, str, Any]]:
    """A report's fund sources or projects as rows: level or name, amount, wording or purpose,
    and where each was read; numbered in report order by the caller."""
    if table == "fund_sources":
        return [(f.level, f.amount_wan, f.wording, f.source) for f in report.fund_sources]
    return [(p.name, p.amount_wan, p.purpose, p.source) for p in report.projects]


def _project_figures(project: Project) -> list[tuple[str, Decimal, Source]]:
    """A project's stated phases and score, each with where it was read (the project's own
    sentence when the reader kept no source of its own for it)."""
    sources = dict(project.sources)
    stated = [(item, project.phase(item)) for item in PROJECT_PHASES] + [("score", project.score)]
    return [
        (item, value, sources.get(item, project.source))
        for item, value in stated
        if value is not None
    ]


def _span(source: Source) -> list[Any]:
    """Where a value was read, as the last seven columns of every table holding values."""
    return [
        source.sentence,
        source.sentence_start,
        source.sentence_end,
        source.value_start,
        source.value_end,
        source.row_label,
        source.column_label,
    ]


def insert_many(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[list[Any]],
    columns: tuple[str, ...] | None = None,
) -> None:
    """All rows in one INSERT: one list parameter per column, unnested side by side, each cast
    to its column's type (DECIMAL ones go in as exact strings). A statement per report, or per
    row, was most of a load's time (docs/scaling.md); Python values become DuckDB values here
    in one pass. `table` comes from this module, never from input; the values stay parameters."""
    if not rows:
        return
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM duckdb_columns()"
            " WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    )
    names = columns or tuple(types)
    params: list[list[Any]] = []
    for index, name in enumerate(names):
        values = [row[index] for row in rows]
        if types[name].startswith("DECIMAL"):
            values = [None if v is None else format(v, "f") for v in values]
        params.append(values)
    casts = ", ".join(f"CAST(unnest(?) AS {types[name]})" for name in names)
    con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {casts}", params)


def now() -> datetime:
    """Load and correction times to the second: what the journal keeps, so a rebuild matches."""
    return datetime.now().replace(microsecond=0)
