"""Reports -> DuckDB: the write side's public functions, as every caller imports them.

Idempotent by content hash, one transaction per report, atomic swap-in; the work is done in
etl/store/ (files: lock and working copy; versions: one report's rows; batch: many files at
once; writes: each kind of write; corrections; aliases; schema and read models; archive).
"""

from etl.store.access import Actor, Refused
from etl.store.aliases import AliasError, alias_source, parse_aliases, read_aliases, store_aliases
from etl.store.corrections import correct_figure
from etl.store.files import DamagedDatabase, LoadBusy
from etl.store.roles import change_role, role_rows
from etl.store.schema import apply_schema, refresh_summaries
from etl.store.versions import (
    NOTHING_GIVEN,
    SYNTHETIC_MARK,
    Document,
    Given,
    LoadResult,
    OnConflict,
    Origin,
    Progress,
    Status,
    analyse_text,
)
from etl.store.writes import (
    display_name,
    ensure_database,
    load_documents,
    load_manual,
    load_paths,
    rebuild,
    report_files,
    restore_version,
)

__all__ = [
    "NOTHING_GIVEN",
    "SYNTHETIC_MARK",
    "Actor",
    "AliasError",
    "DamagedDatabase",
    "Document",
    "Given",
    "LoadBusy",
    "LoadResult",
    "OnConflict",
    "Origin",
    "Progress",
    "Refused",
    "Status",
    "alias_source",
    "analyse_text",
    "apply_schema",
    "change_role",
    "correct_figure",
    "display_name",
    "ensure_database",
    "load_documents",
    "load_manual",
    "load_paths",
    "parse_aliases",
    "read_aliases",
    "rebuild",
    "refresh_summaries",
    "report_files",
    "restore_version",
    "role_rows",
    "store_aliases",
]
