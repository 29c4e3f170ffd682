"""The schema applied to a database file, with the settings and formulas SQL reads, and the read
models (report_summary, fund_split_years) brought up to date at the end of every write."""

from __future__ import annotations

import duckdb

from etl import config, indicators, labels


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
        con.execute("DELETE FROM schema_applied")
        con.execute("INSERT INTO schema_applied VALUES (?)", [config.schema_sha256()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _replace(con: duckdb.DuckDBPyConnection, table: str, rows: list[list[object]]) -> None:
    """`table` (a name from this module) holding exactly `rows`: one statement for all of them,
    a list parameter per column (a statement per row cost more than the rest of the schema)."""
    con.execute(f"DELETE FROM {table}")
    columns = [list(column) for column in zip(*rows, strict=True)]
    con.execute(f"INSERT INTO {table} SELECT {', '.join(['unnest(?)'] * len(columns))}", columns)


def refresh_summaries(con: duckdb.DuckDBPyConnection) -> int:
    """Bring report_summary up to date with the view report_summary_source, and fund_split_years
    with fund_split_years_source; report_summary's row count.

    Documents never change once stored (a new version is a new document), so only reports
    stored since the last refresh (document_id above the newest summarised) and reports with a
    correction newer than their summary row need a row. A summary whose columns no longer match
    the view (schema.sql changed) is rebuilt whole. Runs at the end of every write, so the
    swapped-in file always has a summary row per document.

    Rows are stored by year (then document_id), rebuilt or appended: the summary's readers ask
    about one year of every department (部门对比, 全部部门), and zone maps on year then skip the
    other years' row groups (docs/scaling.md); one department's reads by document_id are no
    slower.
    """
    shape = con.execute("SELECT column_name, column_type FROM (DESCRIBE report_summary)").fetchall()
    wanted = con.execute(
        "SELECT column_name, column_type FROM (DESCRIBE report_summary_source)"
    ).fetchall()
    con.execute("BEGIN TRANSACTION")
    try:
        if shape != wanted:
            con.execute("DROP TABLE report_summary")
            con.execute(
                "CREATE TABLE report_summary AS"
                " SELECT * FROM report_summary_source ORDER BY year, document_id"
            )
        else:
            corrected = con.execute(
                "SELECT s.document_id FROM report_summary AS s"
                " JOIN (SELECT document_id, max(correction_id) AS latest FROM corrections"
                "  GROUP BY document_id) AS c USING (document_id)"
                " WHERE c.latest > coalesce(s.last_correction_id, 0)"
            ).fetchall()
            for (document_id,) in corrected:
                con.execute("DELETE FROM report_summary WHERE document_id = ?", [document_id])
                con.execute(
                    "INSERT INTO report_summary"
                    " SELECT * FROM report_summary_source WHERE document_id = ?",
                    [document_id],
                )
            (last,) = con.execute(
                "SELECT coalesce(max(document_id), 0) FROM report_summary"
            ).fetchall()[0]
            # A filter on the key reaches every grouped scan in the view, so this reads only
            # the new reports' rows, not the whole database.
            con.execute(
                "INSERT INTO report_summary SELECT * FROM report_summary_source"
                " WHERE document_id > ? ORDER BY year, document_id",
                [last],
            )
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
