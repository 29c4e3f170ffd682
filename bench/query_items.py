"""Q1-Q4: the dashboard's cross-department queries against pandas, raw SQL, and the CSV export."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bench import pandas_baseline as pb
from bench.harness import Measurement, Row, Target, side_by_side
from etl import queries

LIMIT = 20
RANKING_ROWS = 500  # pages/comparison.py TABLE_ROWS: the departments the page lists


@dataclass(frozen=True)
class Question:
    """One page's queries (`ours`, one or several calls of etl.queries) and the pandas answer."""

    name: str
    ours: Callable[[duckdb.DuckDBPyConnection, Any], object]
    pandas: Callable[[pb.Frames, Any], object]


def _year_over_year_page(
    con: duckdb.DuckDBPyConnection, department: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (
        queries.phase_history(con, department),
        queries.fund_mix_history(con, department),
        queries.project_history(con, department),
    )


@dataclass(frozen=True)
class Params:
    year: int
    department: str


QUESTIONS = (
    Question(
        "fund_split_by_year",
        lambda con, p: queries.fund_split_by_year(con),
        lambda f, p: pb.fund_split_by_year(f),
    ),
    Question(
        "top_projects",
        lambda con, p: queries.top_projects(con, p.year, LIMIT),
        lambda f, p: pb.top_projects(f, p.year, LIMIT),
    ),
    # What the 同比 page (pages/year_over_year.py) runs for one department, all three.
    Question(
        "同比: phase_history + fund_mix_history + project_history",
        lambda con, p: _year_over_year_page(con, p.department),
        lambda f, p: (
            pb.phase_history(f, p.department),
            pb.fund_mix_history(f, p.department),
            pb.project_history(f, p.department),
        ),
    ),
    # 部门对比 (pages/comparison.py): every render sorts and cuts the year's ranking in DuckDB;
    # the whole ranking is read when its CSV is downloaded.
    Question(
        "部门对比: ranking_head",
        lambda con, p: queries.ranking_head(con, p.year, "adjustment_rate", False, RANKING_ROWS),
        lambda f, p: pb.department_ranking(f, p.year).head(RANKING_ROWS),
    ),
    Question(
        "department_ranking",
        lambda con, p: queries.department_ranking(con, p.year),
        lambda f, p: pb.department_ranking(f, p.year),
    ),
)

# The targets, and where one was met by a wide margin, a tighter one (see RESULTS.md).
TARGETS = {
    "Q1": Target(max_ms=15, max_ratio=0.4),
    "Q2": Target(max_ms=70, max_ratio=0.3),
    "Q3": Target(max_ratio=1.2),
    "Q4": Target(max_ms=10),
}


# Met with room to spare in the first full run (ratio 0.10× at 10M rows), so the suite also
# holds it to a stricter line; the target stays the verdict of record.
TIGHTENED = {
    ("Q2", "top_projects"): Target(max_ms=70, max_ratio=0.2),
    # Met with room to spare at commit 4c9b6c6: 7.62 ms / 0.20× at 1M, 8.30 ms / 0.032× at 10M,
    # and the 同比 page's queries 48.2 ms / 0.038× at 10M.
    ("Q1", "fund_split_by_year"): Target(max_ms=10, max_ratio=0.3),
    ("Q2", "fund_split_by_year"): Target(max_ms=15, max_ratio=0.1),
    ("Q2", "同比: phase_history + fund_mix_history + project_history"): Target(
        max_ms=70, max_ratio=0.1
    ),
}


def params_for(con: duckdb.DuckDBPyConnection) -> Params:
    """A year in the middle and a department in the middle of the storage order."""
    rows = con.sql(
        "SELECT department, year FROM documents"
        " WHERE document_id = (SELECT (max(document_id) + 1) // 2 FROM documents)"
    ).fetchall()
    department, _ = rows[0]
    (year,) = con.sql("SELECT CAST(median(year) AS INTEGER) FROM documents").fetchall()[0]
    return Params(int(year), str(department))


class _Recorder:
    """Stands in for the connection to learn the SQL and parameters a query function runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.calls: list[tuple[str, list[Any]]] = []

    def sql(self, query: str, params: list[Any] | None = None) -> Any:
        self.calls.append((query, list(params or [])))
        return self.con.sql(query, params=params or [])

    def execute(self, query: str, params: list[Any] | None = None) -> Any:
        self.calls.append((query, list(params or [])))
        return self.con.execute(query, params or [])


def wrapped_sql(
    con: duckdb.DuckDBPyConnection, question: Question, p: Params
) -> list[tuple[str, list[Any]]]:
    """Every SQL statement (and its parameters) the question's query functions run."""
    recorder = _Recorder(con)
    question.ours(recorder, p)  # type: ignore[arg-type]
    return recorder.calls


def _fetchall(con: duckdb.DuckDBPyConnection, calls: list[tuple[str, list[Any]]]) -> None:
    for sql, params in calls:
        con.execute(sql, params).fetchall()


def _arrow(con: duckdb.DuckDBPyConnection, calls: list[tuple[str, list[Any]]]) -> None:
    for sql, params in calls:
        con.sql(sql, params=params).to_arrow_table()


def query_rows(
    db: Path,
    scale: str,
    *,
    rounds: int,
    pandas_item: str | None = None,
    raw: bool = False,
    export: bool = False,
) -> list[Row]:
    """Rows for one scale: each question against pandas in memory (labelled `pandas_item`, e.g.
    Q1), against its raw SQL (Q3), and one department's CSV export (Q4)."""
    con = queries.connect(db)
    p = params_for(con)
    rows: list[Row] = []
    frames = None
    if pandas_item is not None:
        started = time.perf_counter()
        frames = pb.load_frames(con)
        note = (
            f"pandas frames {pb.memory_mib(frames):,.0f} MiB,"
            f" pulled in {time.perf_counter() - started:.1f} s (not timed)"
        )
        for q in QUESTIONS:
            m = side_by_side(
                lambda q=q: q.ours(con, p), lambda q=q: q.pandas(frames, p), rounds=rounds
            )
            target = TARGETS.get(pandas_item, Target())
            statements = len(wrapped_sql(con, q, p))
            row = Row(
                pandas_item,
                f"`{q.name}` vs pandas in memory",
                scale,
                m,
                target,
                f"{statements} SQL statement{'s' if statements > 1 else ''}; {note}",
            )
            row.tightened = TIGHTENED.get((pandas_item, q.name))
            rows.append(row)
        rows.append(floor_row(con, scale, rounds=rounds))
    if raw:
        for q in QUESTIONS:
            calls = wrapped_sql(con, q, p)
            for how, raw_sql in (
                ("DB-API fetchall()", lambda c=calls: _fetchall(con, c)),
                ("Arrow table", lambda c=calls: _arrow(con, c)),
            ):
                m = side_by_side(lambda q=q: q.ours(con, p), raw_sql, rounds=rounds)
                rows.append(
                    Row("Q3", f"`{q.name}` vs its raw SQL → {how}", scale, m, TARGETS["Q3"])
                )
    if export:
        rows.append(export_row(con, p, scale, rounds=rounds, frames=frames))
    con.close()
    return rows


def floor_row(con: duckdb.DuckDBPyConnection, scale: str, *, rounds: int) -> Row:
    """What one statement costs with no data to read: `SELECT 1` through the query layer
    (planning, Arrow fetch, a pandas frame) vs the same statement fetched raw. A question that
    runs n statements cannot be faster than about n times this."""
    m = side_by_side(
        lambda: queries._frame(con, "SELECT 1 AS one"),
        lambda: con.execute("SELECT 1 AS one").fetchall(),
        rounds=rounds,
        repeat=20,
    )
    return Row(
        "floor",
        "one statement with nothing to read (`SELECT 1`) through the query layer vs DB-API fetchall()",
        scale,
        m,
        Target(),
    )


def export_row(
    con: duckdb.DuckDBPyConnection,
    p: Params,
    scale: str,
    *,
    rounds: int,
    frames: pb.Frames | None,
) -> Row:
    """Q4: one department's 同比预算表 as the CSV its download button serves: the page's query,
    its table (ui.tables) and its bytes (ui.export), as pages/year_over_year.py."""
    from ui.export import csv_bytes  # the page's own export, utf-8-sig
    from ui.tables import phase_history_table

    def ours() -> bytes:
        return csv_bytes(phase_history_table(queries.phase_history(con, p.department)))

    baseline = None
    if frames is not None:

        def baseline() -> bytes:
            return csv_bytes(phase_history_table(pb.phase_history(frames, p.department)))

    m: Measurement = side_by_side(ours, baseline, rounds=rounds)
    return Row(
        "Q4",
        "one department's CSV export (同比预算表: `phase_history` → `phase_history_table` →"
        " `csv_bytes`); baseline: the same table from pandas",
        scale,
        m,
        TARGETS["Q4"],
        note="ratio for information only",
    )
