"""Read side: one function per question the pages ask, (con, ...) -> DataFrame.

Amount columns come back as exact Decimal (object dtype); rates and shares as float.
Every query reads the views in schema.sql, so only current report versions are counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd


def connect(db: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection: the app never writes, and never blocks a load for long."""
    return duckdb.connect(str(db), read_only=True)


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> pd.DataFrame:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=columns)


def report_index(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current reports: department, year, file_name, loaded_at; newest year first."""
    return _frame(
        con,
        "SELECT department, year, document_id, file_name, sha256, loaded_at"
        " FROM current_documents ORDER BY department, year DESC",
    )


def budget_phases(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Rows basic / project / total: initial, adjusted, actual, adjustment (万元) and rates."""
    return _frame(
        con,
        "SELECT section, initial_wan, adjusted_wan, actual_wan, adjustment_wan,"
        " adjustment_rate, execution_rate FROM budget_phases"
        " WHERE department = ? AND year = ? ORDER BY section_order",
        [department, year],
    )


def fund_split(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Project funds by government level (万元) with each level's share, largest first."""
    return _frame(
        con,
        "SELECT level, amount_wan, share, sentence FROM fund_split"
        " WHERE department = ? AND year = ? ORDER BY amount_wan DESC, first_ordinal",
        [department, year],
    )


def project_breakdown(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Projects by amount (万元, largest first) with share, purpose and source sentence."""
    return _frame(
        con,
        "SELECT ordinal, name, amount_wan, share, purpose, sentence FROM project_breakdown"
        " WHERE department = ? AND year = ? ORDER BY amount_wan DESC, ordinal",
        [department, year],
    )


def figure_provenance(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every extracted figure with the wording, sentence and span it was read from."""
    return _frame(
        con,
        "SELECT section, item, value, unit, wording, confidence, note, sentence,"
        " sentence_start, sentence_end, value_start, value_end, file_name"
        " FROM figure_provenance WHERE department = ? AND year = ?"
        " ORDER BY CASE section WHEN 'basic' THEN 1 WHEN 'project' THEN 2"
        " WHEN 'three_public' THEN 3 ELSE 4 END, value_start",
        [department, year],
    )


def check_results(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every check applied to the report: failures first (error, warning), then passes."""
    return _frame(
        con,
        "SELECT rule, severity, passed, message, expected_wan, actual_wan, difference_wan"
        " FROM check_results WHERE department = ? AND year = ?"
        " ORDER BY passed, CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,"
        " ordinal",
        [department, year],
    )
