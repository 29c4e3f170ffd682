"""Read side: one function per question the pages ask, (con, ...) -> DataFrame.

Amount columns come back as exact Decimal (object dtype); rates and shares as float.
Every query reads the views in schema.sql, so only current report versions are counted.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from etl import labels

# Per read connection (one per database file the app has open): DuckDB's default buffer pool is
# 80 % of RAM, which a dashboard reading blocks once never needs; 64MB and one thread is the
# smallest setting every page's query ran in at the largest scale measured (docs/scaling.md).
MEMORY_LIMIT = "64MB"
THREADS = 1


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
    # dashboard reads once; the pages' queries aggregate in a few MiB (see MEMORY_LIMIT).
    con.execute("SET memory_limit = ?", [MEMORY_LIMIT])
    con.execute("SET threads = ?", [THREADS])
    # What does not fit spills here, not into .tmp/ under whatever directory the app runs in.
    con.execute("SET temp_directory = ?", [str(Path(tempfile.gettempdir()) / "budget_lens_duckdb")])
    con.execute("ATTACH ? AS budget_lens (READ_ONLY)", [str(db)])
    con.execute("USE budget_lens")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> pd.DataFrame:
    # Through Arrow, not fetchall(): numbers and strings move column by column without a Python
    # object per value (docs/scaling.md); DECIMAL still arrives as
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
        " WHERE document_id = ? ORDER BY section_order",
        [_report_id(con, department, year)],
    )


def fund_split(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Project funds by government level (万元) with each level's share, largest first."""
    return _frame(
        con,
        "SELECT level, amount_wan, share, sentence FROM fund_split"
        " WHERE document_id = ? ORDER BY amount_wan DESC, first_ordinal",
        [_report_id(con, department, year)],
    )


def fund_split_sources(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """The document(s) the record's fund split was taken from (file_name, source_kind): one, as
    precedence ('lists', 'fund_sources') takes the split whole from one document."""
    return _frame(
        con,
        "SELECT DISTINCT m.file_name, split_part(m.part, ':', 1) AS source_kind"
        " FROM record_fund_sources AS r JOIN documents AS m ON m.document_id = r.source_document_id"
        " WHERE r.document_id = ? ORDER BY m.file_name",
        [_report_id(con, department, year)],
    )


def project_breakdown(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Projects by amount (万元, largest first) with share, their own phases (万元) and 执行率
    where the report states them, 自评得分, purpose and source sentence; the record's list merged
    with its project forms: list_file_name the document whose list names the project (NULL when
    only a form does), form_file_name its own 项目支出绩效自评表 and form_amount_wan that form's
    全年预算数 (NULL when no form of it is loaded)."""
    return _frame(
        con,
        "SELECT ordinal, name, amount_wan, share, initial_wan, adjusted_wan, actual_wan,"
        " execution_rate, score, purpose, sentence, list_file_name, form_file_name,"
        " form_amount_wan FROM project_breakdown"
        " WHERE document_id = ? ORDER BY amount_wan DESC, ordinal",
        [_report_id(con, department, year)],
    )


def figure_provenance(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every figure of the department-year's record with the document it was taken from
    (file_name, source_kind: its kind for precedence, origin), the wording, sentence or table
    cell and span it was read from; a corrected one with its extracted value, reason and time
    beside the value in force."""
    return _frame(
        con,
        "SELECT section, item, value, unit, wording, confidence, note, sentence,"
        " sentence_start, sentence_end, value_start, value_end, file_name,"
        " corrected, extracted_value, correction_reason, corrected_at, origin,"
        " source_kind, row_label, column_label"
        " FROM figure_provenance WHERE document_id = ?"
        " ORDER BY CASE section WHEN 'basic' THEN 1 WHEN 'project' THEN 2"
        " WHEN 'three_public' THEN 3 ELSE 4 END, value_start",
        [_report_id(con, department, year)],
    )


def check_results(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every check applied to the department-year's record: failures first (error, warning),
    then passes; `evidence` the statements a cross-document finding compares (JSON, '' for a
    check of one document)."""
    return _frame(
        con,
        "SELECT rule, severity, passed, message, expected_wan, actual_wan, difference_wan,"
        " evidence FROM check_results WHERE document_id = ?"
        " ORDER BY passed, CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,"
        " ordinal",
        [_report_id(con, department, year)],
    )


# Across departments and years. Each reads current_summary (one row per
# report, kept by the loader); every amount is 万元 (exact Decimal), every rate a float fraction
# (0.5 = 50 %), NULL/NaN when the report does not state an input.


def fund_split_by_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per year and government level: project funds (万元), share of the year, reports stating it."""
    # fund_split_years (schema.sql) holds the per-year sums the loader computed at the last write.
    return _frame(
        con,
        "SELECT year, level, amount_wan,"
        " CAST(amount_wan AS DOUBLE) / CAST(nullif(total_wan, 0) AS DOUBLE) AS share, reports"
        " FROM fund_split_years WHERE reports > 0 ORDER BY year, level_order",
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
        " candidates AS (SELECT document_id, department, projects_sum_wan FROM current_summary"
        "  WHERE year = ? AND largest_project_wan >= (SELECT wan FROM threshold))"
        " SELECT c.department, p.name, p.amount_wan,"
        " CAST(p.amount_wan AS DOUBLE) / CAST(nullif(c.projects_sum_wan, 0) AS DOUBLE) AS share,"
        " p.purpose"
        " FROM record_projects AS p JOIN candidates AS c USING (document_id)"
        " ORDER BY p.amount_wan DESC, c.department, p.ordinal LIMIT ?",
        [year, limit, year, limit],
    )


# For the 部门 / 年度 selectors at any scale: report_index returns every current report (millions
# at national scale); these return one row per department, and the
# years of one department.


def departments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every department with a current report: name, number of reports, latest year; by name."""
    return _frame(
        con,
        "SELECT department, count(*) AS reports, max(year) AS latest_year"
        " FROM current_documents GROUP BY department ORDER BY department",
    )


def report_years(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """The department's records (one per department-year, named by its lead document), newest
    first: year, document_id, file_name, origin, kind, and where the department and year came
    from."""
    return _frame(
        con,
        "SELECT year, document_id, file_name, sha256, origin, kind, department_from, year_from"
        " FROM documents"
        " WHERE department IN ? AND is_current AND document_id = record_id ORDER BY year DESC",
        [_department_names(con, department)],
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


RANKING_ORDER = (
    "adjustment_rate",
    "execution_rate",
    "three_public_control_rate",
    "staff_control_rate",
    "personnel_share",
    "failing_checks",
)
# 部门对比 by amounts (万元): basic and project together, and the 三公 actual spending.
AMOUNT_RANKING = (
    "total_initial_wan",
    "total_adjusted_wan",
    "total_actual_wan",
    "three_public_actual_wan",
)


def department_ranking(
    con: duckdb.DuckDBPyConnection,
    year: int,
    by: str = "adjustment_rate",
    ascending: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """Per department in the year: the standard indicators, failed checks and the amounts of
    AMOUNT_RANKING (万元), sorted by `by` (one of RANKING_ORDER or AMOUNT_RANKING; departments
    without the figure last, ties by name), the first `limit` (all when None), and
    `departments`: how many in all. The one sort of 部门对比."""
    if by not in RANKING_ORDER + AMOUNT_RANKING:
        raise ValueError(f"not a ranking column: {by!r}")
    # The ORDER BY is one of the statements built below from the allow-list (never from input),
    # so DuckDB sorts on the column itself; counting all departments is only needed for a head.
    frame = _frame(con, _RANKING_SQL[(by, ascending, limit is not None)], [year, limit])
    if limit is None:
        frame["departments"] = len(frame)
    return frame


_RANKING_SQL = {
    (by, ascending, head): (
        "SELECT department, adjustment_rate, execution_rate, three_public_control_rate,"
        " staff_control_rate, personnel_share, failing_checks, failing_errors, failing_warnings,"
        " total_initial_wan, total_adjusted_wan, total_actual_wan, three_public_budget_wan,"
        " three_public_actual_wan"
        + (", count(*) OVER () AS departments" if head else "")
        + " FROM current_summary WHERE year = ?"
        + f" ORDER BY {by} {'ASC' if ascending else 'DESC'} NULLS LAST, department LIMIT ?"
    )
    for by in RANKING_ORDER + AMOUNT_RANKING
    for ascending in (False, True)
    for head in (False, True)
}


def ranking_head(
    con: duckdb.DuckDBPyConnection, year: int, by: str, ascending: bool, limit: int
) -> pd.DataFrame:
    """department_ranking's first `limit` rows (what the 部门对比 page draws and lists)."""
    return department_ranking(con, year, by, ascending, limit)


def report_years_all(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every year with a current report, newest first, and how many reports it has."""
    return _frame(
        con,
        "SELECT year, count(*) AS reports FROM current_documents GROUP BY year ORDER BY year DESC",
    )


_VERSION_SELECT = (
    "SELECT coalesce(a.department, d.department) AS department, d.year, d.sha256, d.file_name,"
    " d.loaded_at, d.is_current, d.origin, d.kind, split_part(d.part, ':', 1) AS source_kind,"
    " d.part, count(c.correction_id) AS corrections, d.loaded_by, d.restored_by, d.restored_at"
    " FROM documents AS d LEFT JOIN corrections AS c USING (document_id)"
    " LEFT JOIN department_aliases AS a ON a.alias = d.department"
)
# Versions by department-year, each part (kind, and project for project forms) together, the
# current version of a part first, then newest.
_VERSION_ORDER = (
    " GROUP BY ALL ORDER BY department, d.year DESC, d.part, d.is_current DESC,"
    " d.loaded_at DESC, d.sha256"
)


def department_versions(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """document_versions for one department, by its canonical name (every name an alias gives
    it counts; same columns and order)."""
    return _frame(
        con,
        _VERSION_SELECT + " WHERE d.department IN ?" + _VERSION_ORDER,
        [_department_names(con, department)],
    )


def matching_versions(
    con: duckdb.DuckDBPyConnection, sha256: str, department: str, year: int
) -> pd.DataFrame:
    """document_versions restricted to the versions with this content hash or of this
    department-year (`department` by any name an alias gives it): what the 导入 page compares an
    upload with."""
    return _frame(
        con,
        _VERSION_SELECT
        + " WHERE d.sha256 = ? OR (d.department IN ? AND d.year = ?)"
        + _VERSION_ORDER,
        [sha256, _department_names(con, _canonical(con, department)), year],
    )


def department_name(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """One row: the canonical name of `department` (itself when no alias maps it elsewhere)."""
    return pd.DataFrame({"department": [_canonical(con, department)]})


def _canonical(con: duckdb.DuckDBPyConnection, department: str) -> str:
    """The department an alias names, else `department` itself."""
    rows = con.execute(
        "SELECT department FROM department_aliases WHERE alias = ?", [department]
    ).fetchall()
    return str(rows[0][0]) if rows else department


def version_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: departments (canonical names, aliases applied), reports (department-years: one
    record each), documents (current versions of every part), versions, corrections."""
    return _frame(
        con,
        "SELECT count(DISTINCT coalesce(a.department, d.department))"
        " FILTER (WHERE d.is_current) AS departments,"
        " count(*) FILTER (WHERE d.is_current AND d.document_id = d.record_id) AS reports,"
        " count(*) FILTER (WHERE d.is_current) AS documents, count(*) AS versions,"
        " (SELECT count(*) FROM corrections) AS corrections FROM documents AS d"
        " LEFT JOIN department_aliases AS a ON a.alias = d.department",
    )


# A department-year's record: the documents it gathers, each figure as every document states it.


def record_documents(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """The current documents of the department-year's record, its lead first then by kind:
    file_name, source_kind (its kind for precedence), part, kind, origin, sha256, loaded_at,
    reported_department (the name the document writes), lead (whether it names the record)."""
    return _frame(
        con,
        "SELECT d.file_name, d.source_kind, d.part, d.kind, d.origin, d.sha256, d.loaded_at,"
        " d.reported_department, d.document_id = d.record_id AS lead"
        " FROM record_documents AS d WHERE d.record_id = ?"
        " ORDER BY lead DESC, d.part, d.document_id",
        [_report_id(con, department, year)],
    )


def department_documents(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """The current documents of every record of the department (aliases applied), by year
    (oldest first), the lead first: year, file_name, source_kind, part, lead."""
    names = _department_names(con, department)
    return _frame(
        con,
        "SELECT year, file_name, split_part(part, ':', 1) AS source_kind, part,"
        " document_id = record_id AS lead FROM documents"
        " WHERE department IN ? AND is_current ORDER BY year, lead DESC, part, document_id",
        [names],
    )


def figure_statements(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every figure of the record as each of its current documents states it: section, item,
    value (a correction in force applied), corrected, extracted_value, file_name, source_kind,
    sentence or table cell (row_label, column_label), precedence rank, and `taken`: whether the
    record's value is this statement's. By figure, then the taken statement first."""
    return _frame(
        con,
        "SELECT s.section, s.item, s.value, s.unit, s.corrected, s.extracted_value, s.file_name,"
        " s.source_kind, s.sentence, s.row_label, s.column_label, s.rank,"
        " coalesce(s.document_id = r.source_document_id, false) AS taken"
        " FROM figure_statements AS s"
        " LEFT JOIN resolved_figures AS r"
        "  ON r.document_id = s.record_id AND r.section = s.section AND r.item = s.item"
        " WHERE s.record_id = $1"
        " ORDER BY CASE s.section WHEN 'basic' THEN 1 WHEN 'project' THEN 2"
        " WHEN 'three_public' THEN 3 ELSE 4 END, s.item, taken DESC, s.corrected DESC, s.rank,"
        " s.document_id DESC",
        [_report_id(con, department, year)],
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


def _department_names(con: duckdb.DuckDBPyConnection, department: str) -> list[str]:
    """The names documents.department holds for the (canonical) department, sorted.

    current_documents gives the same reports, but once department_aliases has a row its
    department is computed (coalesce over the alias join), so a filter on it reads every
    document. The names that mean the department come from
    the small alias table first, and the documents scan filters on those constants.
    """
    aliases = con.execute(
        "SELECT alias, department FROM department_aliases WHERE department = ? OR alias = ?",
        [department, department],
    ).fetchall()
    names = {department} | {alias for alias, canonical in aliases if canonical == department}
    # The department's own name is an alias of another department: its reports are that one's.
    names -= {alias for alias, canonical in aliases if canonical != department}
    return sorted(names)


def _report_id(con: duckdb.DuckDBPyConnection, department: str, year: int) -> int:
    """The record of the department-year (its lead's document_id; -1, no document, when
    none). The per-report views filter on `document_id = ?`: an equality reaches the scans of
    every branch of a view (its joins carry it across), where an IN list reaches only the first
    (see _department_names for why the names come first)."""
    names = _department_names(con, department)
    if not names:
        return -1
    [(document_id,)] = con.execute(
        "SELECT min(record_id) FROM documents WHERE department IN ? AND year = ? AND is_current",
        [names, year],
    ).fetchall()
    return -1 if document_id is None else int(document_id)


def _department_reports(con: duckdb.DuckDBPyConnection, department: str) -> dict[int, int]:
    """The department's records: year by record (its lead's document_id), oldest year first."""
    names = _department_names(con, department)
    if not names:
        return {}
    rows = con.execute(
        "SELECT document_id, year FROM documents WHERE department IN ? AND is_current"
        " AND document_id = record_id ORDER BY year",
        [names],
    ).fetchall()
    return {int(document_id): int(year) for document_id, year in rows}


def _previous_years(years: dict[int, int]) -> dict[int, int | None]:
    """Each report year's previous report year of the department (None for the first).

    >>> _previous_years({7: 2019, 9: 2021, 8: 2022})
    {2019: None, 2021: 2019, 2022: 2021}
    """
    ordered = sorted(years.values())
    return dict(zip(ordered, [None, *ordered], strict=False))


# The three history questions of the 同比 page run many times per visit, each for one department
# of millions of reports. A join from current_documents (the department computed, aliases
# applied) to the report tables gives their scans no constant to skip row groups by, and planning
# a statement with windows and self-joins costs more than running it.
# So each asks two plain statements, the department's document_ids first, then the rows of those
# ids (zone maps on document_id skip the rest), and lays out the few dozen rows here, with the
# same arithmetic as SQL: amounts exact Decimal, shares and rates float, NULL never 0.


def _share(part: Decimal | None, whole: Decimal | None) -> float | None:
    """part ÷ whole as a float; None when either is missing or whole is 0 (as SQL's nullif).

    >>> _share(Decimal("1"), Decimal("4")), _share(Decimal("1"), Decimal("0")), _share(None, None)
    (0.25, None, None)
    """
    if part is None or whole is None or whole == 0:
        return None
    return float(part) / float(whole)


def _with_changes(rows: list[dict[str, Any]], key: str) -> None:
    """Add change_wan, change_rate (pct_change) and share_change to each row: against the row of
    the same `key` in the department's previous report year, None where there is none."""
    by_year = {(r["year"], r[key]): r for r in rows}
    for r in rows:
        before = by_year.get((r["previous_year"], r[key]))
        now_wan = r["amount_wan"]
        before_wan = before["amount_wan"] if before is not None else None
        stated = now_wan is not None and before_wan is not None
        r["change_wan"] = now_wan - before_wan if stated else None
        r["change_rate"] = _share(now_wan - before_wan, before_wan) if stated else None
        shares = (r["share"], before["share"] if before is not None else None)
        r["share_change"] = None if None in shares else shares[0] - shares[1]
        r["before"] = before


_HISTORY_TYPES = {
    "year": "int32",
    "previous_year": "float64",
    "share": "float64",
    "change_rate": "float64",
    "share_change": "float64",
}


def _history_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """The rows as a frame typed as DuckDB's Arrow would give them: years int, rates float (NaN
    for NULL), amounts Decimal objects (None for NULL), text str."""
    data: dict[str, Any] = {}
    for column in columns:
        values = [r[column] for r in rows]
        if column == "previous_year" and not rows:
            data[column] = np.array(values, dtype="int32")
        elif column in _HISTORY_TYPES:
            dtype = _HISTORY_TYPES[column]
            data[column] = np.array([np.nan if v is None else v for v in values], dtype=dtype)
        elif column == "new":
            data[column] = np.array(values, dtype=bool)
        elif column.endswith("_wan"):
            data[column] = np.array(values, dtype=object)
        else:
            data[column] = pd.array(values, dtype="str")
    return pd.DataFrame(data)


_PHASE_ROWS = [
    (section, phase)
    for section in ("basic", "project", "total")
    for phase in ("initial", "adjusted", "actual")
]


def phase_history(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """Per year, section (basic / project / total) and phase: amount (万元), its share of the
    total, and the change against the department's previous report year (万元, rate, points)."""
    # report_summary holds the effective figures of budget_phases, one row per report (totals
    # only where both sections are stated).
    years = _department_reports(con, department)
    summary = con.execute(
        "SELECT document_id, basic_initial_wan, basic_adjusted_wan, basic_actual_wan,"
        " project_initial_wan, project_adjusted_wan, project_actual_wan,"
        " total_initial_wan, total_adjusted_wan, total_actual_wan"
        " FROM report_summary WHERE document_id IN ?",
        [list(years)],
    ).fetchall()
    amounts = {int(row[0]): row[1:] for row in summary}
    rows: list[dict[str, Any]] = []
    previous_year = None
    for document_id, year in years.items():
        values = dict(zip(_PHASE_ROWS, amounts[document_id], strict=True))
        for section, phase in _PHASE_ROWS:
            amount = values[(section, phase)]
            rows.append(
                {
                    "year": year,
                    "previous_year": previous_year,
                    "section": section,
                    "phase": phase,
                    "key": (section, phase),
                    "amount_wan": amount,
                    "share": _share(amount, values[("total", phase)]),
                }
            )
        previous_year = year
    _with_changes(rows, "key")
    return _history_frame(
        rows,
        [
            "year",
            "previous_year",
            "section",
            "phase",
            "amount_wan",
            "share",
            "change_wan",
            "change_rate",
            "share_change",
        ],
    )


_LEVEL_ORDER = {level: n for n, level in enumerate(labels.LEVELS, start=1)}


def fund_mix_history(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """Per year and government level: project funds (万元), share of the year's, and the change
    against the previous report year (NULL when that year does not state the level)."""
    years = _department_reports(con, department)
    stated = con.execute(
        "SELECT document_id, level, sum(amount_wan) FROM record_fund_sources"
        " WHERE document_id IN ? GROUP BY document_id, level",
        [list(years)],
    ).fetchall()
    previous = _previous_years(years)
    totals: dict[int, Decimal] = {}
    for document_id, _, amount in stated:
        year = years[int(document_id)]
        totals[year] = totals.get(year, Decimal(0)) + amount
    rows = [
        {
            "year": years[int(document_id)],
            "previous_year": previous[years[int(document_id)]],
            "level": level,
            "level_order": _LEVEL_ORDER.get(level, len(_LEVEL_ORDER) + 1),
            "amount_wan": amount,
            "share": _share(amount, totals[years[int(document_id)]]),
        }
        for document_id, level, amount in stated
    ]
    rows.sort(key=lambda r: (r["year"], r["level_order"]))
    _with_changes(rows, "level")
    return _history_frame(
        rows,
        [
            "year",
            "previous_year",
            "level",
            "amount_wan",
            "share",
            "change_wan",
            "change_rate",
            "share_change",
        ],
    )


def project_history(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """Per project (matched across years by project_key) and year: amount (万元), share of the
    year's projects, names as written, and the change against the previous report year; `new`
    when the previous report year does not list it."""
    years = _department_reports(con, department)
    # Projects matched across years by project_key (schema/tables.sql), summed per report.
    keyed = con.execute(
        "SELECT document_id, project_key(name) AS project_key, sum(amount_wan),"
        " string_agg(name, ' / ' ORDER BY ordinal) FROM record_projects"
        " WHERE document_id IN ? GROUP BY document_id, project_key(name)",
        [list(years)],
    ).fetchall()
    previous = _previous_years(years)
    totals: dict[int, Decimal] = {}
    for document_id, _, amount, _ in keyed:
        year = years[int(document_id)]
        totals[year] = totals.get(year, Decimal(0)) + amount
    rows = [
        {
            "project_key": project_key,
            "year": years[int(document_id)],
            "previous_year": previous[years[int(document_id)]],
            "names": names,
            "amount_wan": amount,
            "share": _share(amount, totals[years[int(document_id)]]),
        }
        for document_id, project_key, amount, names in keyed
    ]
    _with_changes(rows, "project_key")
    latest: dict[str, tuple[int, str]] = {}
    largest: dict[str, Decimal] = {}
    for r in rows:
        key = r["project_key"]
        if key not in latest or r["year"] > latest[key][0]:
            latest[key] = (r["year"], r["names"])
        largest[key] = max(largest.get(key, r["amount_wan"]), r["amount_wan"])
        r["new"] = r["previous_year"] is not None and r["before"] is None
    for r in rows:
        r["latest_name"] = latest[r["project_key"]][1]
    rows.sort(key=lambda r: (-largest[r["project_key"]], r["project_key"], r["year"]))
    return _history_frame(
        rows,
        [
            "project_key",
            "latest_name",
            "year",
            "previous_year",
            "names",
            "amount_wan",
            "share",
            "change_wan",
            "change_rate",
            "share_change",
            "new",
        ],
    )


def standard_indicators(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """The report's 财预〔2013〕53号 indicators: value (a fraction; NaN when an input is missing or
    the denominator is 0), numerator and denominator (万元 or persons), missing inputs, flag."""
    return _frame(
        con,
        "SELECT indicator, scope, value, numerator, denominator, missing_inputs, flagged"
        " FROM standard_indicators"
        " WHERE document_id = ? AND department = ? AND year = ?"
        f" ORDER BY indicator_order, {_SCOPE_ORDER}",
        [_report_id(con, department, year), department, year],
    )


def indicator_inputs(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every input of the report's indicators: the figure (NULL when not stated), the year it is
    from (the report's, or the previous year's), its wording and source sentence."""
    return _frame(
        con,
        "SELECT indicator, scope, term, section, item, input_year, numerator_coef,"
        " denominator_coef, value, unit, wording, sentence, file_name"
        " FROM indicator_inputs"
        " WHERE document_id = ? AND department = ? AND year = ?"
        f" ORDER BY indicator_order, {_SCOPE_ORDER}, term",
        [_report_id(con, department, year), department, year],
    )


# Versions, corrections and the whole-database snapshot (the 导入, 版本, 数据核对 and 数据快照 pages).


def document_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every loaded version of every department-year (canonical department names): hash, file,
    load time, current flag, origin, kind, part, how many corrections it carries, who loaded it
    and who last restored it (when); by part, the current version first, then newest."""
    return _frame(con, _VERSION_SELECT + _VERSION_ORDER)


def correction_history(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every correction of the current report with who made it, newest first; value NULL
    withdrew the ones before."""
    return _frame(
        con,
        "SELECT c.section, c.item, c.value, c.unit, f.value AS extracted_value, c.reason,"
        " c.corrected_at, c.corrected_by"
        " FROM corrections AS c LEFT JOIN figures AS f USING (document_id, section, item)"
        " WHERE c.document_id = ?"
        " ORDER BY c.corrected_at DESC, c.correction_id DESC",
        [_report_id(con, department, year)],
    )


def applied_schema(con: duckdb.DuckDBPyConnection) -> str | None:
    """The SHA-256 of the schema.sql that last built the file; None for a file from before
    the app recorded it (etl.config.schema_sha256 is this version's)."""
    [(recorded,)] = con.execute(
        "SELECT count(*) FROM duckdb_tables()"
        " WHERE database_name = current_database() AND table_name = 'schema_applied'"
    ).fetchall()
    if not recorded:
        return None
    rows = con.execute("SELECT sha256 FROM schema_applied").fetchall()
    return str(rows[0][0]) if rows else None


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


# Leadership (总览, 简报): one department's key figures by year, and a year across departments.
# Amounts 万元 (exact Decimal), persons as numbers, rates float fractions, NULL when not stated.

_KEY_FIGURES = (
    "basic_initial_wan",
    "basic_adjusted_wan",
    "basic_actual_wan",
    "project_initial_wan",
    "project_adjusted_wan",
    "project_actual_wan",
    "total_initial_wan",
    "total_adjusted_wan",
    "total_actual_wan",
    "three_public_budget_wan",
    "three_public_actual_wan",
    "staff_authorized",
    "staff_actual",
)


def key_figures_by_year(con: duckdb.DuckDBPyConnection, department: str) -> pd.DataFrame:
    """Per report year of the department, oldest first, with its previous report year: the
    phases of basic, project and total (万元), 三公 budget and actual (万元), authorized and
    actual staff (persons)."""
    years = _department_reports(con, department)
    frame = _frame(
        con,
        "SELECT document_id, " + ", ".join(_KEY_FIGURES) + " FROM report_summary"
        " WHERE document_id IN ?",
        [list(years) or [-1]],
    )
    frame.insert(0, "year", [years[int(d)] for d in frame["document_id"]])
    frame = frame.sort_values("year").reset_index(drop=True)
    ordered = [int(y) for y in frame["year"]]
    frame.insert(1, "previous_year", [None, *ordered[:-1]][: len(ordered)])
    return frame.drop(columns="document_id")


def year_phases(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The year across departments, rows basic / project / total as budget_phases has them:
    each phase summed over the reports stating it (万元); the adjustment (万元) and its rate over
    the reports stating both initial and adjusted, 执行率 over those stating adjusted and actual;
    `reports` how many state the section at all."""
    return _frame(con, _YEAR_PHASES_SQL, [year])


# Built once from constants (the section names), never from input.
_YEAR_PHASES_SQL = (
    "WITH of_year AS (SELECT * FROM current_summary WHERE year = ?), sections AS ("
    + " UNION ALL ".join(
        f"SELECT {order} AS section_order, '{section}' AS section,"
        f" sum({section}_initial_wan) AS initial_wan, sum({section}_adjusted_wan) AS adjusted_wan,"
        f" sum({section}_actual_wan) AS actual_wan,"
        f" sum({section}_adjusted_wan - {section}_initial_wan) AS adjustment_wan,"
        f" sum({section}_initial_wan) FILTER (WHERE {section}_adjusted_wan IS NOT NULL)"
        " AS adjustment_base_wan,"
        f" sum({section}_actual_wan) FILTER (WHERE {section}_adjusted_wan IS NOT NULL)"
        " AS executed_wan,"
        f" sum({section}_adjusted_wan) FILTER (WHERE {section}_actual_wan IS NOT NULL)"
        " AS execution_base_wan,"
        f" count(*) FILTER (WHERE {section}_initial_wan IS NOT NULL"
        f" OR {section}_adjusted_wan IS NOT NULL OR {section}_actual_wan IS NOT NULL) AS reports"
        " FROM of_year"
        for order, section in enumerate(("basic", "project", "total"), start=1)
    )
    + ") SELECT section, initial_wan, adjusted_wan, actual_wan, adjustment_wan,"
    " CAST(adjustment_wan AS DOUBLE) / CAST(nullif(adjustment_base_wan, 0) AS DOUBLE)"
    " AS adjustment_rate,"
    " CAST(executed_wan AS DOUBLE) / CAST(nullif(execution_base_wan, 0) AS DOUBLE)"
    " AS execution_rate, reports"
    " FROM sections ORDER BY section_order"
)


def year_totals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per year, oldest first: reports, the total phases, 三公 budget and actual (万元, summed
    over the reports stating each) and staff (persons), and how many reports state 三公."""
    return _frame(
        con,
        "SELECT year, count(*) AS reports,"
        " sum(total_initial_wan) AS total_initial_wan,"
        " sum(total_adjusted_wan) AS total_adjusted_wan,"
        " sum(total_actual_wan) AS total_actual_wan,"
        " sum(three_public_budget_wan) AS three_public_budget_wan,"
        " sum(three_public_actual_wan) AS three_public_actual_wan,"
        " count(three_public_actual_wan) AS three_public_reports,"
        " sum(staff_authorized) AS staff_authorized, sum(staff_actual) AS staff_actual"
        " FROM current_summary GROUP BY year ORDER BY year",
    )


def largest_adjustments(con: duckdb.DuckDBPyConnection, year: int, limit: int = 10) -> pd.DataFrame:
    """The year's departments by the size of their budget adjustment (basic and project,
    万元, either way), largest first: phases, adjustment, its rate and 执行率, and
    `departments`: how many state both initial and adjusted."""
    return _frame(
        con,
        "SELECT department, total_initial_wan AS initial_wan, total_adjusted_wan AS adjusted_wan,"
        " total_actual_wan AS actual_wan,"
        " CAST(total_adjusted_wan - total_initial_wan AS DECIMAL(18, 6)) AS adjustment_wan,"
        " adjustment_rate, execution_rate, count(*) OVER () AS departments"
        " FROM current_summary"
        " WHERE year = ? AND total_initial_wan IS NOT NULL AND total_adjusted_wan IS NOT NULL"
        " ORDER BY abs(total_adjusted_wan - total_initial_wan) DESC, department LIMIT ?",
        [year, limit],
    )


def flagged_indicators(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Every standard indicator over its limit in the year (standard_indicators.flagged), by
    indicator, scope and department: value (a fraction), numerator and denominator."""
    return _frame(
        con,
        "SELECT department, indicator, scope, value, numerator, denominator"
        " FROM standard_indicators WHERE year = ? AND flagged"
        f" ORDER BY indicator_order, {_SCOPE_ORDER}, department",
        [year],
    )


# Who may change what (ui.access, the 管理 page).


def user_grants(con: duckdb.DuckDBPyConnection, user_id: str) -> pd.DataFrame:
    """The role rows of one user (role, department; department '' for every department)."""
    return _frame(
        con,
        "SELECT role, department FROM user_roles WHERE user_id = ? ORDER BY role, department",
        [user_id],
    )


def user_roles(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every role row: user_id, role, department ('' every department), granted_by, granted_at."""
    return _frame(
        con,
        "SELECT user_id, role, department, granted_by, granted_at FROM user_roles"
        " ORDER BY user_id, role, department",
    )


# The review of department-years (etl.store.review): status, findings with what the reviewer
# made of them, the 待办 list and the 问题清单. A department-year is its canonical department name
# and year; a status or disposition outlives the document versions it was made on.

# The figures a finding without evidence of its own speaks of, by rule (the checks of
# etl.checks that name none in their fields): the 问题清单 cites where each was read.
_RULE_FIGURES: dict[str, tuple[str, ...]] = {
    "personnel_public_sum": ("basic.personnel", "basic.public", "basic.adjusted", "basic.actual"),
    "fund_sources_sum": ("project.adjusted", "project.actual"),
    "projects_sum": ("project.adjusted", "project.actual"),
    "three_public_over_budget": ("three_public.budget", "three_public.actual"),
}


def review_status(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """The department-year's review (one row; none when it has no report): status (pending when
    never reviewed), reviewer, notes, reviewed_at, open_findings, findings."""
    return _frame(
        con,
        "SELECT department, year, status, reviewer, notes, reviewed_at, open_findings, findings"
        " FROM review_statuses WHERE document_id = ?",
        [_report_id(con, department, year)],
    )


def review_history(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """Every status change of the department-year and every disposition of its findings, newest
    first: changed_at, what ("status" or "disposition"), value, rule, note, reviewer."""
    return _frame(
        con,
        "SELECT reviewed_at AS changed_at, 'status' AS what, status AS value, NULL AS rule,"
        " notes AS note, reviewer, review_id AS n FROM reviews WHERE department = ? AND year = ?"
        " UNION ALL SELECT disposed_at, 'disposition', disposition, rule, note, reviewer,"
        " disposition_id FROM finding_dispositions WHERE department = ? AND year = ?"
        " ORDER BY changed_at DESC, what DESC, n DESC",
        [department, year, department, year],
    )


def review_findings(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """The department-year's findings (failed errors and warnings) with their stable key and
    disposition (None: not yet looked at), errors first; then the marked findings that no
    longer fire (resolved)."""
    return _frame(
        con,
        "SELECT finding_key, rule, severity, message, expected_wan, actual_wan, difference_wan,"
        " disposition, note, reviewer, disposed_at, resolved, open"
        " FROM review_findings WHERE document_id = ?"
        " ORDER BY resolved, CASE severity WHEN 'error' THEN 1 ELSE 2 END, ordinal, finding_key",
        [_report_id(con, department, year)],
    )


def review_todo(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The department-years not yet reviewed (待审核, 有疑问), and those sent back that have a
    document loaded since (resubmitted), newest first (year, then the latest document loaded):
    department, year, status, reviewer, notes, reviewed_at, open_findings, findings,
    latest_loaded_at, resubmitted."""
    return _frame(
        con,
        "SELECT department, year, status, reviewer, notes, reviewed_at, open_findings, findings,"
        " latest_loaded_at, resubmitted FROM review_statuses"
        " WHERE status IN ('pending', 'questioned') OR resubmitted"
        " ORDER BY year DESC, latest_loaded_at DESC, department",
    )


def review_statuses(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every current department-year's review status and open findings: department, year,
    status, reviewed_at, open_findings, resubmitted (sent back, a document loaded since)."""
    return _frame(
        con,
        "SELECT department, year, status, reviewed_at, open_findings, resubmitted"
        " FROM review_statuses ORDER BY year DESC, department",
    )


def question_list(con: duckdb.DuckDBPyConnection, department: str, year: int) -> pd.DataFrame:
    """The 问题清单 of the department-year: each finding marked 确认问题 that still fires (its
    number, rule, message, the reviewer's note), one row per figure it cites with the value
    (万元, or persons), the document and the sentence or table cell it was read from (the
    finding's evidence, else figure_provenance); a finding citing no figure has one row with
    those empty."""
    findings = con.execute(
        "SELECT finding_key, rule, message, note, fields, evidence FROM review_findings"
        " WHERE document_id = ? AND disposition = 'confirmed' AND NOT resolved"
        " ORDER BY CASE severity WHEN 'error' THEN 1 ELSE 2 END, ordinal",
        [_report_id(con, department, year)],
    ).fetchall()
    provenance: dict[str, dict[str, Any]] = {
        f"{r['section']}.{r['item']}": {str(k): v for k, v in r.items()}
        for r in figure_provenance(con, department, year).to_dict("records")
    }
    rows: list[dict[str, Any]] = []
    for number, (key, rule, message, note, fields, evidence) in enumerate(findings, start=1):
        head = {"number": number, "finding_key": key, "rule": rule, "message": message,
                "note": note}  # fmt: skip
        cited = _cited(rule, fields or "", evidence or "", provenance)
        for source in cited or [{}]:
            rows.append(head | {column: source.get(column) for column in _CITED_COLUMNS})
    columns = ["number", "finding_key", "rule", "message", "note", *_CITED_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


_CITED_COLUMNS = ("figure", "value", "unit", "file_name", "kind", "place")


def _cited(
    rule: str, fields: str, evidence: str, provenance: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """What a finding cites: its evidence's statements, else the figures it names."""
    import json

    figure = ""
    slots = [f for f in fields.split(",") if "." in f] or list(_RULE_FIGURES.get(rule, ()))
    if len(slots) == 1:
        section, item = slots[0].split(".")
        figure = f"{labels.label('section', section)}{labels.item_label(section, item)}"
    if evidence:
        out = []
        for statement in json.loads(evidence):
            cell = "·".join(
                p for p in (statement.get("row_label"), statement.get("column_label")) if p
            )
            project = statement.get("project")
            out.append(
                {
                    "figure": f"项目“{project}”" if project else figure,
                    "value": Decimal(statement["value"]) if statement.get("value") else None,
                    "unit": "人" if slots and slots[0].startswith("staffing") else "万元",
                    "file_name": statement.get("file_name"),
                    "kind": statement.get("kind"),
                    "place": f"表格 {cell}" if cell else statement.get("sentence", ""),
                }
            )
        return out
    out = []
    for slot in slots:
        found = provenance.get(slot)
        if found is None:
            continue
        section, item = slot.split(".")
        out.append(
            {
                "figure": f"{labels.label('section', section)}{labels.item_label(section, item)}",
                "value": found["value"],
                "unit": found["unit"],
                "file_name": found["file_name"],
                "kind": None,
                "place": found["sentence"],
            }
        )
    return out


def reviewed_departments(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The departments of the year that have a review (department, status, reviewed_at): the
    small reviews table only, so a list of every department can show the status (a department
    without a row is pending)."""
    return _frame(
        con,
        "SELECT department, status, reviewed_at FROM current_reviews WHERE year = ?"
        " ORDER BY department",
        [year],
    )
