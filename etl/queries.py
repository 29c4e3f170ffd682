"""Read side: one function per question the pages ask, (con, ...) -> DataFrame.

Amount columns come back as exact Decimal (object dtype); rates and shares as float.
Every query reads the views in schema.sql, so only current report versions are counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

MEMORY_LIMIT = "256MB"  # per read connection (one per database file the app has open)


def connect(db: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file at `db` now, that cannot touch any other file.

    duckdb.connect(path) shares one database instance per path inside a process, so while any
    connection to a file that a load has since replaced is open, it would hand back the old
    data. Attaching the file to a fresh in-memory database always opens the file now at that
    path. External access is then switched off and the configuration locked, so no SQL that
    reaches this connection can read, write or attach other files or install extensions.
    """
    con = duckdb.connect(":memory:")
    # DuckDB's buffer pool may otherwise grow to 80 % of RAM, caching blocks of the file that a
    # dashboard reads once; the pages' queries aggregate in a few MiB (the app's peak RSS serving
    # every page at 10M project rows: 5,981 MiB before this limit).
    con.execute("SET memory_limit = ?", [MEMORY_LIMIT])
    con.execute("ATTACH ? AS budget_lens (READ_ONLY)", [str(db)])
    con.execute("USE budget_lens")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> pd.DataFrame:
    # Through Arrow, not fetchall(): numbers and strings move column by column without a Python
    # object per value (report_index at 180,000 reports: 1 s -> 0.1 s); DECIMAL still arrives as
    # exact decimal.Decimal (object dtype), never float.
    frame: pd.DataFrame = con.sql(sql, params=params or []).to_arrow_table().to_pandas()
    return frame


def report_index(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current reports: department, year, file_name, loaded_at, origin; newest year first."""
    return _frame(
        con,
        "SELECT department, year, document_id, file_name, sha256, loaded_at, origin"
        " FROM current_documents ORDER BY department, year DESC",
    )


def budget_phases(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Rows basic / project / total: initial, adjusted, actual, adjustment (万元), rates, and
    whether a phase holds a corrected figure (initial_corrected, adjusted_corrected…)."""
    return _frame(
        con,
        "SELECT section, initial_wan, adjusted_wan, actual_wan, adjustment_wan,"
        " adjustment_rate, execution_rate,"
        " initial_corrected, adjusted_corrected, actual_corrected FROM budget_phases"
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
    """Every figure with the wording, sentence and span it was read from; a corrected one with
    its extracted value, reason and time beside the value in force."""
    return _frame(
        con,
        "SELECT section, item, value, unit, wording, confidence, note, sentence,"
        " sentence_start, sentence_end, value_start, value_end, file_name,"
        " corrected, extracted_value, correction_reason, corrected_at, origin"
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


# Across departments and years. Each reads report_indicators / current_summary (one row per
# report, kept by the loader); every amount is 万元 (exact Decimal), every rate a float fraction
# (0.5 = 50 %), NULL/NaN when the report does not state an input.


def fund_split_by_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per year and government level: project funds (万元), share of the year, reports stating it."""
    return _frame(
        con,
        "WITH by_year AS (SELECT year, sum(fund_total_wan) AS total_wan,"
        " sum(central_wan) AS central, count(central_wan) AS central_reports,"
        " sum(provincial_wan) AS provincial, count(provincial_wan) AS provincial_reports,"
        " sum(city_wan) AS city, count(city_wan) AS city_reports,"
        " sum(district_wan) AS district, count(district_wan) AS district_reports,"
        " sum(other_wan) AS other, count(other_wan) AS other_reports"
        " FROM current_summary GROUP BY year),"
        " levels AS ("
        " SELECT year, 1 AS level_order, 'central' AS level, central AS amount_wan,"
        "  central_reports AS reports, total_wan FROM by_year"
        " UNION ALL SELECT year, 2, 'provincial', provincial, provincial_reports, total_wan"
        "  FROM by_year"
        " UNION ALL SELECT year, 3, 'city', city, city_reports, total_wan FROM by_year"
        " UNION ALL SELECT year, 4, 'district', district, district_reports, total_wan FROM by_year"
        " UNION ALL SELECT year, 5, 'other', other, other_reports, total_wan FROM by_year)"
        " SELECT year, level, amount_wan,"
        " CAST(amount_wan AS DOUBLE) / CAST(nullif(total_wan, 0) AS DOUBLE) AS share, reports"
        " FROM levels WHERE reports > 0 ORDER BY year, level_order",
    )


def top_projects(con: duckdb.DuckDBPyConnection, year: int, limit: int = 20) -> pd.DataFrame:
    """The year's largest projects across departments (万元), with their share of the department's."""
    # The year's `limit` largest projects all sit in reports whose own largest project is at
    # least the `limit`-th largest of those maxima (each such report holds one project that
    # large), so only those few reports' projects are read, not the year's million.
    return _frame(
        con,
        "WITH threshold AS (SELECT min(largest_project_wan) AS wan FROM ("
        "  SELECT largest_project_wan FROM current_summary"
        "  WHERE year = ? AND largest_project_wan IS NOT NULL"
        "  ORDER BY largest_project_wan DESC LIMIT ?)),"
        " candidates AS (SELECT document_id, department, projects_sum_wan FROM report_indicators"
        "  WHERE year = ? AND largest_project_wan >= (SELECT wan FROM threshold))"
        " SELECT c.department, p.name, p.amount_wan,"
        " CAST(p.amount_wan AS DOUBLE) / CAST(nullif(c.projects_sum_wan, 0) AS DOUBLE) AS share,"
        " p.purpose"
        " FROM projects AS p JOIN candidates AS c USING (document_id)"
        " ORDER BY p.amount_wan DESC, c.department, p.ordinal LIMIT ?",
        [year, limit, year, limit],
    )


def department_ranking(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Per department in the year: the standard indicators and failed checks, most adjusted first."""
    return _frame(
        con,
        "SELECT department, adjustment_rate, execution_rate, three_public_control_rate,"
        " staff_control_rate, personnel_share, failing_checks, failing_errors, failing_warnings"
        " FROM report_indicators WHERE year = ?"
        " ORDER BY adjustment_rate DESC NULLS LAST, department",
        [year],
    )


# For the 部门 / 年度 selectors at any scale: report_index returns every current report (1.8M
# rows at national scale, ~1 GB once in pandas); these return one row per department, and the
# years of one department.


def departments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every department with a current report: name, number of reports, latest year; by name."""
    return _frame(
        con,
        "SELECT department, count(*) AS reports, max(year) AS latest_year"
        " FROM current_documents GROUP BY department ORDER BY department",
    )


def report_years(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """The department's current reports, newest first: year, document_id, file_name, origin."""
    return _frame(
        con,
        "SELECT year, document_id, file_name, sha256, origin FROM current_documents"
        " WHERE department = ? ORDER BY year DESC",
        [department],
    )


def department_matches(con: duckdb.DuckDBPyConnection, text: str, limit: int) -> pd.DataFrame:
    """The first `limit` departments (by name) whose name contains `text`, ignoring case, and
    how many match in all (`matches`, the same on every row); `text` "" matches every one."""
    return _frame(
        con,
        "SELECT department, count(*) OVER () AS matches FROM ("
        "  SELECT DISTINCT department FROM current_documents"
        "  WHERE strpos(lower(department), lower(?)) > 0)"
        " ORDER BY department LIMIT ?",
        [text, limit],
    )


def report_years_all(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every year with a current report, newest first, and how many reports it has."""
    return _frame(
        con,
        "SELECT year, count(*) AS reports FROM current_documents GROUP BY year ORDER BY year DESC",
    )


def department_versions(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """document_versions for one department (same columns and order)."""
    return _frame(
        con,
        "SELECT d.department, d.year, d.sha256, d.file_name, d.loaded_at, d.is_current,"
        " d.origin, count(c.correction_id) AS corrections"
        " FROM documents AS d LEFT JOIN corrections AS c USING (document_id)"
        " WHERE d.department = ?"
        " GROUP BY ALL"
        " ORDER BY d.year DESC, d.is_current DESC, d.loaded_at DESC, d.sha256",
        [department],
    )


def matching_versions(
    con: duckdb.DuckDBPyConnection, sha256: str, department: str, year: int
) -> pd.DataFrame:
    """document_versions restricted to the versions with this content hash or of this
    department-year: what the 导入 page compares an upload with."""
    return _frame(
        con,
        "SELECT d.department, d.year, d.sha256, d.file_name, d.loaded_at, d.is_current,"
        " d.origin, count(c.correction_id) AS corrections"
        " FROM documents AS d LEFT JOIN corrections AS c USING (document_id)"
        " WHERE d.sha256 = ? OR (d.department = ? AND d.year = ?)"
        " GROUP BY ALL"
        " ORDER BY d.department, d.year DESC, d.is_current DESC, d.loaded_at DESC, d.sha256",
        [sha256, department, year],
    )


def version_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: departments, department-years (current reports), versions, corrections."""
    return _frame(
        con,
        "SELECT count(DISTINCT department) AS departments,"
        " count(*) FILTER (WHERE is_current) AS reports, count(*) AS versions,"
        " (SELECT count(*) FROM corrections) AS corrections FROM documents",
    )


# Many departments × years: identity, year-over-year history, the standard indicators, demo data.
# A department is its canonical name (data/department_aliases.csv applied in the views); the
# "previous year" of a history row is the department's previous report year, whichever it is.


_SCOPE_ORDER = "CASE scope WHEN 'basic' THEN 1 WHEN 'project' THEN 2 WHEN 'total' THEN 3 ELSE 4 END"


def synthetic_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: how many current reports there are and how many are demo data (示例数据)."""
    return _frame(
        con,
        "SELECT count(*) AS reports, count(*) FILTER (WHERE synthetic) AS synthetic"
        " FROM current_documents",
    )


def real_report_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many loaded reports (history included) are not demo data."""
    [(count,)] = con.execute(
        "SELECT count(*) FROM documents"
        " WHERE document_id NOT IN (SELECT document_id FROM synthetic_documents)"
    ).fetchall()
    return int(count)


def phase_history(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """Per year, section (basic / project / total) and phase: amount (万元), its share of the
    total, and the change against the department's previous report year (万元, rate, points)."""
    return _frame(
        con,
        "WITH years AS (SELECT year, lag(year) OVER (ORDER BY year) AS previous_year"
        "  FROM current_documents WHERE department = ?),"
        " phases AS (SELECT b.year, b.section, b.section_order, p.phase, p.phase_order,"
        "  CASE p.phase WHEN 'initial' THEN b.initial_wan WHEN 'adjusted' THEN b.adjusted_wan"
        "   ELSE b.actual_wan END AS amount_wan"
        "  FROM budget_phases AS b"
        "  CROSS JOIN (VALUES ('initial', 1), ('adjusted', 2), ('actual', 3)) AS p (phase, phase_order)"
        "  WHERE b.department = ?),"
        " shares AS (SELECT *, CAST(amount_wan AS DOUBLE) / CAST(nullif(max(amount_wan)"
        "  FILTER (WHERE section = 'total') OVER (PARTITION BY year, phase), 0) AS DOUBLE) AS share"
        "  FROM phases)"
        " SELECT s.year, y.previous_year, s.section, s.phase, s.amount_wan, s.share,"
        " s.amount_wan - p.amount_wan AS change_wan,"
        " pct_change(s.amount_wan, p.amount_wan) AS change_rate,"
        " s.share - p.share AS share_change"
        " FROM shares AS s JOIN years AS y USING (year)"
        " LEFT JOIN shares AS p ON p.year = y.previous_year AND p.section = s.section"
        "  AND p.phase = s.phase"
        " ORDER BY s.year, s.section_order, s.phase_order",
        [department, department],
    )


def fund_mix_history(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """Per year and government level: project funds (万元), share of the year's, and the change
    against the previous report year (NULL when that year does not state the level)."""
    return _frame(
        con,
        "WITH years AS (SELECT year, lag(year) OVER (ORDER BY year) AS previous_year"
        "  FROM current_documents WHERE department = ?),"
        " stated AS (SELECT d.year, f.level, sum(f.amount_wan) AS amount_wan"
        "  FROM fund_sources AS f JOIN current_documents AS d USING (document_id)"
        "  WHERE d.department = ? GROUP BY d.year, f.level),"
        " levels AS (SELECT *, CAST(amount_wan AS DOUBLE)"
        "  / CAST(sum(amount_wan) OVER (PARTITION BY year) AS DOUBLE) AS share FROM stated)"
        " SELECT s.year, y.previous_year, s.level, s.amount_wan, s.share,"
        " s.amount_wan - p.amount_wan AS change_wan,"
        " pct_change(s.amount_wan, p.amount_wan) AS change_rate,"
        " s.share - p.share AS share_change"
        " FROM levels AS s JOIN years AS y USING (year)"
        " LEFT JOIN levels AS p ON p.year = y.previous_year AND p.level = s.level"
        " ORDER BY s.year, CASE s.level WHEN 'central' THEN 1 WHEN 'provincial' THEN 2"
        " WHEN 'city' THEN 3 WHEN 'district' THEN 4 ELSE 5 END",
        [department, department],
    )


def project_history(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """Per project (matched across years by project_key) and year: amount (万元), share of the
    year's projects, names as written, and the change against the previous report year; `new`
    when the previous report year does not list it."""
    return _frame(
        con,
        "WITH years AS (SELECT year, lag(year) OVER (ORDER BY year) AS previous_year"
        "  FROM current_documents WHERE department = ?),"
        " projects AS (SELECT year, project_key, amount_wan, names, first_ordinal,"
        "  CAST(amount_wan AS DOUBLE) / CAST(sum(amount_wan) OVER (PARTITION BY year) AS DOUBLE)"
        "  AS share, arg_max(names, year) OVER (PARTITION BY project_key) AS latest_name"
        "  FROM project_years WHERE department = ?)"
        " SELECT s.project_key, s.latest_name, s.year, y.previous_year, s.names, s.amount_wan,"
        " s.share, s.amount_wan - p.amount_wan AS change_wan,"
        " pct_change(s.amount_wan, p.amount_wan) AS change_rate,"
        " s.share - p.share AS share_change,"
        " y.previous_year IS NOT NULL AND p.project_key IS NULL AS new"
        " FROM projects AS s JOIN years AS y USING (year)"
        " LEFT JOIN projects AS p ON p.year = y.previous_year AND p.project_key = s.project_key"
        " ORDER BY max(s.amount_wan) OVER (PARTITION BY s.project_key) DESC, s.project_key,"
        " s.year",
        [department, department],
    )


def standard_indicators(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """The report's 财预〔2013〕53号 indicators: value (a fraction; NaN when an input is missing or
    the denominator is 0), numerator and denominator (万元 or persons), missing inputs, flag."""
    return _frame(
        con,
        "SELECT indicator, scope, value, numerator, denominator, missing_inputs, flagged"
        " FROM standard_indicators WHERE department = ? AND year = ?"
        f" ORDER BY indicator_order, {_SCOPE_ORDER}",
        [department, year],
    )


def indicator_inputs(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every input of the report's indicators: the figure (NULL when not stated), the year it is
    from (the report's, or the previous year's), its wording and source sentence."""
    return _frame(
        con,
        "SELECT indicator, scope, term, section, item, input_year, numerator_coef,"
        " denominator_coef, value, unit, wording, sentence, file_name"
        " FROM indicator_inputs WHERE department = ? AND year = ?"
        f" ORDER BY indicator_order, {_SCOPE_ORDER}, term",
        [department, year],
    )


# Versions, corrections and the whole-database snapshot (the 导入, 版本, 数据核对 and 数据快照 pages).


def document_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every loaded version of every department-year: hash, file, load time, current flag, origin
    and how many corrections it carries; current version first, then newest."""
    return _frame(
        con,
        "SELECT d.department, d.year, d.sha256, d.file_name, d.loaded_at, d.is_current,"
        " d.origin, count(c.correction_id) AS corrections"
        " FROM documents AS d LEFT JOIN corrections AS c USING (document_id)"
        " GROUP BY ALL"
        " ORDER BY d.department, d.year DESC, d.is_current DESC, d.loaded_at DESC, d.sha256",
    )


def correction_history(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every correction of the current report, newest first; value NULL withdrew the ones before."""
    return _frame(
        con,
        "SELECT c.section, c.item, c.value, c.unit, f.value AS extracted_value, c.reason,"
        " c.corrected_at"
        " FROM corrections AS c JOIN current_documents AS d USING (document_id)"
        " LEFT JOIN figures AS f USING (document_id, section, item)"
        " WHERE d.department = ? AND d.year = ?"
        " ORDER BY c.corrected_at DESC, c.correction_id DESC",
        [department, year],
    )


def snapshot_objects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every table, then every view, of the database (name, kind 'table'/'view'), by name."""
    return _frame(
        con,
        "SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()"
        " WHERE database_name = current_database() AND NOT internal"
        " UNION ALL SELECT view_name, 'view' FROM duckdb_views()"
        " WHERE database_name = current_database() AND NOT internal"
        " ORDER BY kind, name",
    )


def table_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every table of the database (views left out: counting one runs it) and its rows, by name."""
    objects = snapshot_objects(con)
    names = [
        str(n) for n, kind in zip(objects["name"], objects["kind"], strict=True) if kind == "table"
    ]
    # A name from the catalogue, never from the user; shape counts the rows.
    counts = [int(con.table(name).shape[0]) for name in names]
    return pd.DataFrame({"name": names, "rows": counts})


def snapshot_rows(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """All rows of one table or view named by snapshot_objects (exact values, no SQL text)."""
    if name not in set(snapshot_objects(con)["name"]):
        raise ValueError(f"not a table or view of the database: {name!r}")
    relation = con.table(name)
    return pd.DataFrame(relation.fetchall(), columns=list(relation.columns))
