"""The only caching in the app: one read-only connection per database file, and cached wrappers
of etl.queries that take the file's identity, so a load that swaps in a new file shows at once.

The loader writes a copy and renames it over the live file; the new file has a new inode and
mtime. Every wrapper is keyed on that identity, and frames come back as cache copies: never
mutate one in place.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import streamlit as st

from etl import config, queries

if TYPE_CHECKING:
    from pages.ui import upload

Identity = tuple[str, int, int]  # (path, st_ino, st_mtime_ns) of the database file


@dataclass(frozen=True)
class _Snapshot:
    con: duckdb.DuckDBPyConnection
    lock: threading.Lock  # a DuckDB connection serves one query at a time; sessions share it


def db_identity(db: Path | None = None) -> Identity | None:
    """(path, inode, mtime_ns) of the database file now; None when there is no file."""
    path = Path(db or config.db_path()).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns)


def _release(snapshot: _Snapshot) -> None:
    with snapshot.lock:
        snapshot.con.close()


@st.cache_resource(max_entries=4, show_spinner=False, on_release=_release)
def _snapshot(identity: Identity) -> _Snapshot:
    return _Snapshot(queries.connect(identity[0]), threading.Lock())


def _run(identity: Identity, query: Callable[..., pd.DataFrame], *args: object) -> pd.DataFrame:
    snapshot = _snapshot(identity)
    with snapshot.lock:
        return query(snapshot.con, *args)


@st.cache_data(max_entries=64, show_spinner=False)
def department_matches(identity: Identity, text: str, limit: int) -> pd.DataFrame:
    """The first `limit` departments whose name contains `text`, and how many match in all."""
    return _run(identity, queries.department_matches, text, limit)


@st.cache_data(max_entries=256, show_spinner=False)
def report_years(identity: Identity, department: str) -> pd.DataFrame:
    """The department's current reports, newest first: year, file_name, sha256, origin."""
    return _run(identity, queries.report_years, department)


@st.cache_data(max_entries=16, show_spinner=False)
def report_years_all(identity: Identity) -> pd.DataFrame:
    """Every year with a current report, newest first, with its number of reports."""
    return _run(identity, queries.report_years_all)


@st.cache_data(max_entries=256, show_spinner=False)
def budget_phases(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """Rows basic / project / total: initial, adjusted, actual, adjustment (Decimal 万元), rates."""
    return _run(identity, queries.budget_phases, department, year)


@st.cache_data(max_entries=256, show_spinner=False)
def fund_split(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """Project funds by government level (Decimal 万元) with shares, largest first."""
    return _run(identity, queries.fund_split, department, year)


@st.cache_data(max_entries=256, show_spinner=False)
def project_breakdown(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """Projects (Decimal 万元, largest first) with share, purpose and source sentence."""
    return _run(identity, queries.project_breakdown, department, year)


@st.cache_data(max_entries=256, show_spinner=False)
def figure_provenance(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """Every extracted figure with its wording, sentence, spans, confidence and note."""
    return _run(identity, queries.figure_provenance, department, year)


@st.cache_data(max_entries=256, show_spinner=False)
def check_results(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """Every check applied to the report, failures first."""
    return _run(identity, queries.check_results, department, year)


@st.cache_data(max_entries=64, show_spinner=False)
def department_versions(identity: Identity, department: str) -> pd.DataFrame:
    """Every version of the department's reports (hash, file, load time, current, origin)."""
    return _run(identity, queries.department_versions, department)


VERSION_COLUMNS = [
    "department",
    "year",
    "sha256",
    "file_name",
    "loaded_at",
    "is_current",
    "origin",
    "corrections",
]


@st.cache_data(max_entries=64, show_spinner=False)
def matching_versions(
    identity: Identity | None, sha256: str, department: str, year: int
) -> pd.DataFrame:
    """The versions with this content hash or of this department-year (for an upload)."""
    if identity is None:
        return pd.DataFrame(columns=VERSION_COLUMNS)
    return _run(identity, queries.matching_versions, sha256, department, year)


@st.cache_data(max_entries=16, show_spinner=False)
def version_counts(identity: Identity) -> pd.DataFrame:
    """One row: departments, current reports, versions and corrections in the database."""
    return _run(identity, queries.version_counts)


@st.cache_data(max_entries=16, show_spinner=False)
def table_rows(identity: Identity) -> pd.DataFrame:
    """Every table of the database (name) and its number of rows."""
    return _run(identity, queries.table_rows)


@st.cache_data(max_entries=256, show_spinner=False)
def correction_history(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """Every correction of the report, newest first."""
    return _run(identity, queries.correction_history, department, year)


@st.cache_data(max_entries=32, show_spinner=False)
def preview_report(name: str, content: bytes, limit_mb: int) -> upload.Preview:
    """An uploaded report read and extracted, not loaded (cached by content, so reruns are free)."""
    from pages.ui import upload  # the parsers load only when a file is uploaded

    return upload.preview_report(name, content, limit_mb)


# Many departments × years (同比, 部门对比, 绩效指标) and the 示例数据 banner.


@st.cache_data(max_entries=16, show_spinner=False)
def synthetic_reports(identity: Identity | None) -> pd.DataFrame:
    """One row: current reports and how many of them are demo data."""
    if identity is None:
        return pd.DataFrame({"reports": [0], "synthetic": [0]})
    return _run(identity, queries.synthetic_reports)


@st.cache_data(max_entries=64, show_spinner=False)
def phase_history(identity: Identity, department: str) -> pd.DataFrame:
    """Per year, section and phase: Decimal 万元, share of the total, change on the year before."""
    return _run(identity, queries.phase_history, department)


@st.cache_data(max_entries=64, show_spinner=False)
def fund_mix_history(identity: Identity, department: str) -> pd.DataFrame:
    """Per year and government level: Decimal 万元, share, change on the year before."""
    return _run(identity, queries.fund_mix_history, department)


@st.cache_data(max_entries=64, show_spinner=False)
def project_history(identity: Identity, department: str) -> pd.DataFrame:
    """Per project (matched across years) and year: Decimal 万元, share, change, names."""
    return _run(identity, queries.project_history, department)


@st.cache_data(max_entries=64, show_spinner=False)
def department_ranking(identity: Identity, year: int) -> pd.DataFrame:
    """Per department in the year: the standard indicators and failed checks."""
    return _run(identity, queries.department_ranking, year)


@st.cache_data(max_entries=64, show_spinner=False)
def ranking_head(
    identity: Identity, year: int, by: str, ascending: bool, limit: int
) -> pd.DataFrame:
    """department_ranking's first `limit` rows sorted by `by`, with how many departments in all."""
    return _run(identity, queries.ranking_head, year, by, ascending, limit)


@st.cache_data(max_entries=16, show_spinner=False)
def fund_split_by_year(identity: Identity) -> pd.DataFrame:
    """Per year and government level, all departments: project funds (Decimal 万元), share, reports."""
    return _run(identity, queries.fund_split_by_year)


@st.cache_data(max_entries=64, show_spinner=False)
def top_projects(identity: Identity, year: int, limit: int) -> pd.DataFrame:
    """The year's `limit` largest projects across departments (Decimal 万元) with their share."""
    return _run(identity, queries.top_projects, year, limit)


@st.cache_data(max_entries=256, show_spinner=False)
def standard_indicators(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """The report's 53号 indicators: value, numerator, denominator, missing inputs, flag."""
    return _run(identity, queries.standard_indicators, department, year)


@st.cache_data(max_entries=256, show_spinner=False)
def indicator_inputs(identity: Identity, department: str, year: int) -> pd.DataFrame:
    """Every input of the report's indicators with its value, wording and source sentence."""
    return _run(identity, queries.indicator_inputs, department, year)


_SCHEMA_OBJECT = re.compile(r"CREATE (?:TABLE IF NOT EXISTS|OR REPLACE VIEW) (\w+)")


@st.cache_data(max_entries=4, show_spinner=False)
def schema_outdated(identity: Identity) -> bool:
    """Whether the file was built by another etl/schema.sql (an older or newer version of the
    app), or lacks a table or view today's defines: widgets.build_database, or the next load,
    brings it up to date."""
    snapshot = _snapshot(identity)
    with snapshot.lock:
        applied = queries.applied_schema(snapshot.con)
        present = set(queries.snapshot_objects(snapshot.con)["name"])
    wanted = set(_SCHEMA_OBJECT.findall(config.SCHEMA.read_text(encoding="utf-8")))
    return applied != config.schema_sha256() or not wanted <= present
