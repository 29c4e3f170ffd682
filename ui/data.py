"""The only caching in the app: one read-only connection per database file, and one cached line
per etl.queries question, keyed on the file's identity, so a load that swaps in a new file
shows at once.

The loader writes a copy and renames it over the live file; the new file has a new inode and
mtime. Every cached query takes that identity first, and frames come back as cache copies:
never mutate one in place.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar, cast

import duckdb
import pandas as pd
import streamlit as st

from etl import config, queries

if TYPE_CHECKING:
    from ui import upload

Identity = tuple[str, int, int]  # (path, st_ino, st_mtime_ns) of the database file
P = ParamSpec("P")
T = TypeVar("T")


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


def cached(
    query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], pd.DataFrame],
    max_entries: int = 256,
) -> Callable[Concatenate[Identity, P], pd.DataFrame]:
    """`query` run on the identity's connection and cached by (identity, arguments)."""

    def run(identity: Identity, *args: P.args, **kwargs: P.kwargs) -> pd.DataFrame:
        snapshot = _snapshot(identity)
        with snapshot.lock:
            return query(snapshot.con, *args, **kwargs)

    # Streamlit keys a cache by the function's qualified name and source: one per query.
    run.__qualname__ = run.__name__ = query.__name__
    run.__doc__ = query.__doc__
    return cast(
        "Callable[Concatenate[Identity, P], pd.DataFrame]",
        st.cache_data(max_entries=max_entries, show_spinner=False)(run),
    )


def run(
    identity: Identity,
    query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`query` on the identity's connection, not cached (a brief carries the time it was made)."""
    snapshot = _snapshot(identity)
    with snapshot.lock:
        return query(snapshot.con, *args, **kwargs)


# One report (department, year).
budget_phases = cached(queries.budget_phases)
fund_split = cached(queries.fund_split)
fund_split_sources = cached(queries.fund_split_sources)
project_breakdown = cached(queries.project_breakdown)
figure_provenance = cached(queries.figure_provenance)
check_results = cached(queries.check_results)
figure_statements = cached(queries.figure_statements)
record_documents = cached(queries.record_documents)
correction_history = cached(queries.correction_history)
standard_indicators = cached(queries.standard_indicators)
indicator_inputs = cached(queries.indicator_inputs)
# One department across years.
report_years = cached(queries.report_years)
department_documents = cached(queries.department_documents, 64)
phase_history = cached(queries.phase_history, 64)
fund_mix_history = cached(queries.fund_mix_history, 64)
project_history = cached(queries.project_history, 64)
key_figures_by_year = cached(queries.key_figures_by_year, 64)
department_versions = cached(queries.department_versions, 64)
matching_versions = cached(queries.matching_versions, 64)
department_name = cached(queries.department_name, 64)
# Every department.
department_matches = cached(queries.department_matches, 64)
report_years_all = cached(queries.report_years_all, 16)
department_ranking = cached(queries.department_ranking, 64)
year_phases = cached(queries.year_phases, 16)
largest_adjustments = cached(queries.largest_adjustments, 16)
flagged_indicators = cached(queries.flagged_indicators, 16)
year_totals = cached(queries.year_totals, 16)
fund_split_by_year = cached(queries.fund_split_by_year, 16)
top_projects = cached(queries.top_projects, 64)
version_counts = cached(queries.version_counts, 16)
synthetic_reports = cached(queries.synthetic_reports, 16)
table_rows = cached(queries.table_rows, 16)
# Who may change what.
user_grants = cached(queries.user_grants, 64)
user_roles = cached(queries.user_roles, 4)
# The review (etl.store.review).
review_status = cached(queries.review_status)
review_findings = cached(queries.review_findings)
review_history = cached(queries.review_history)
review_todo = cached(queries.review_todo, 16)
review_statuses = cached(queries.review_statuses, 16)
reviewed_departments = cached(queries.reviewed_departments, 16)


@st.cache_data(max_entries=32, show_spinner=False)
def preview_report(
    name: str,
    content: bytes,
    limit_mb: int,
    department: str | None = None,
    year: int | None = None,
) -> upload.Preview:
    """An uploaded report read and extracted, not loaded, for the department and year the user
    typed in if any (cached by content and those, so reruns are free)."""
    from etl.load import Given
    from ui import upload  # the parsers load only when a file is uploaded

    return upload.preview_report(name, content, limit_mb, Given(department, year))


_SCHEMA_OBJECT = re.compile(r"CREATE (?:TABLE IF NOT EXISTS|OR REPLACE VIEW) (\w+)")


@st.cache_data(max_entries=4, show_spinner=False)
def schema_outdated(identity: Identity) -> bool:
    """Whether the file was built by another schema (an older or newer version of the app), or
    lacks a table or view today's defines: frame.build_database, or the next load, brings it up
    to date."""
    snapshot = _snapshot(identity)
    with snapshot.lock:
        applied = queries.applied_schema(snapshot.con)
        present = set(queries.snapshot_objects(snapshot.con)["name"])
    wanted = set(_SCHEMA_OBJECT.findall(config.schema_text()))
    return applied != config.schema_sha256() or not wanted <= present
