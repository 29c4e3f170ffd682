"""The schema applied to a database file, with the settings and formulas SQL reads, and the read
models (report_summary, fund_split_years) brought up to date at the end of every write."""

from __future__ import annotations

import duckdb

from etl import config, indicators, labels, records


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view (idempotent) and write the settings and indicator formulas
    they read, in one transaction (about half the time of committing each statement on its own);
    record which schema did (schema_applied)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(config.schema_text())
        settings: list[list[object]] = [[n, format(v, "f")] for n, v in config.SETTINGS.items()]
        _replace(con, "settings", settings)
        _replace(con, "funding_levels", [[level, n] for n, level in enumerate(labels.LEVELS, 1)])
        _replace(con, "indicator_formulas", [list(term) for term in indicators.FORMULAS])
        _replace(con, "precedence", records.precedence_rows())
        _fill_parts(con)
        con.execute("DELETE FROM schema_applied")
        con.execute("INSERT INTO schema_applied VALUES (?)", [config.schema_sha256()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _fill_parts(con: duckdb.DuckDBPyConnection) -> None:
    """Documents stored before parts and records: their part (etl.records.document_part) and
    their department-year's record. A file of that age had one current document per
    department-year; its other versions stay versions of whatever part they are."""
    rows = con.execute(
        "SELECT d.document_id, d.kind, d.origin, list(p.name ORDER BY p.ordinal)"
        " FILTER (WHERE p.name IS NOT NULL) FROM documents AS d"
        " LEFT JOIN projects AS p USING (document_id) WHERE d.part = '' GROUP BY ALL"
    ).fetchall()
    if rows:
        parts = [
            records.document_part(kind, origin, names or []) for _, kind, origin, names in rows
        ]
        con.execute(
            "UPDATE documents SET part = p.part FROM"
            " (SELECT unnest(?) AS document_id, unnest(?) AS part) AS p"
            " WHERE documents.document_id = p.document_id",
            [[r[0] for r in rows], parts],
        )
    if con.execute("SELECT count(*) FROM documents WHERE record_id IS NULL").fetchone() != (0,):
        from etl.store.records import assign

        assign(con, None)


def _replace(con: duckdb.DuckDBPyConnection, table: str, rows: list[list[object]]) -> None:
    """`table` (a name from this module) holding exactly `rows`: one statement for all of them,
    a list parameter per column (a statement per row cost more than the rest of the schema)."""
    con.execute(f"DELETE FROM {table}")
    columns = [list(column) for column in zip(*rows, strict=True)]
    con.execute(f"INSERT INTO {table} SELECT {', '.join(['unnest(?)'] * len(columns))}", columns)


def refresh_summaries(con: duckdb.DuckDBPyConnection, *, whole: bool = False) -> int:
    """Bring report_summary up to date with the view report_summary_source for the records a
    write touched (pending_records, then emptied), and fund_split_years with
    fund_split_years_source; report_summary's row count.

    report_summary holds one row per current record: a touched record's row is replaced, and the
    row of a record that no longer leads (its department-year has a new lead) is dropped. Past a
    few thousand touched records, when the summary's columns no longer match the view
    (schema.sql changed), or when asked (`whole`: tables filled other than by a write, as the
    benchmark's generator does), it is rebuilt whole. Runs at the end of every write, so the swapped-in
    file always has a summary row per record.

    Rows are stored by year (then document_id), rebuilt or appended: the summary's readers ask
    about one year of every department (部门对比, 全部部门), and zone maps on year then skip the
    other years' row groups (docs/scaling.md); one department's reads by document_id are no
    slower.
    """
    shape = con.execute("SELECT column_name, column_type FROM (DESCRIBE report_summary)").fetchall()
    wanted = con.execute(
        "SELECT column_name, column_type FROM (DESCRIBE report_summary_source)"
    ).fetchall()
    pending = [
        int(r[0]) for r in con.execute("SELECT DISTINCT record_id FROM pending_records").fetchall()
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        if whole or shape != wanted or len(pending) > _WHOLE_REFRESH:
            con.execute(
                "CREATE OR REPLACE TABLE report_summary AS"
                " SELECT * FROM report_summary_source ORDER BY year, document_id"
            )
        elif pending:
            con.execute("DELETE FROM report_summary WHERE document_id IN ?", [pending])
            # A list of constants reaches every grouped scan in the view, so this reads only
            # the touched records' rows, not the whole database.
            con.execute(
                "INSERT INTO report_summary SELECT * FROM report_summary_source"
                " WHERE document_id IN ? ORDER BY year, document_id",
                [pending],
            )
        con.execute("DELETE FROM pending_records")
        # A few rows per year from every current summary row, rewritten whole: a new version
        # changes which reports count, and a changed view its columns.
        con.execute(
            "CREATE OR REPLACE TABLE fund_split_years AS SELECT * FROM fund_split_years_source"
        )
        (written,) = con.execute("SELECT count(*) FROM report_summary").fetchall()[0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(written)


# Above this many touched records, report_summary is rebuilt whole rather than row by row.
_WHOLE_REFRESH = 2_000
