"""Department-year records in the database: which record each document belongs to (its lead), the
record's checks run again on what it resolves to, and the read models brought up to date, for
the records a write touched (pending_records).

A record that is one document with no correction resolves to exactly that document, so its checks
are the ones run when it was loaded; any other is read back, resolved (views.sql:
resolved_figures, record_fund_sources, record_projects), and checked again here, with the
cross-document checks of etl.records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import duckdb

from etl import records
from etl.checks import check_report
from etl.model import Check, Figure, FundSource, Project, Report, Source
from etl.store.schema import refresh_summaries


def assign(con: duckdb.DuckDBPyConnection, groups: Iterable[tuple[str, int]] | None) -> None:
    """Give every document of these department-years (canonical name, year; None: all) the record
    of its department-year (the document_id of its current document first in precedence
    ('record', 'lead')) and the record's size (its current documents), and mark the records whose
    documents changed as pending."""
    touched = sorted(set(groups)) if groups is not None else None
    if touched == []:
        return
    departments = [d for d, _ in touched or []]
    years = [y for _, y in touched or []]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE record_leads AS"
        " WITH docs AS ("
        "  SELECT d.document_id, d.record_id AS old_record, d.year, d.is_current,"
        "   coalesce(a.department, d.department) AS department, coalesce(p.rank, 1000) AS rank"
        "  FROM documents AS d"
        "  LEFT JOIN department_aliases AS a ON a.alias = d.department"
        "  LEFT JOIN precedence AS p ON p.section = 'record' AND p.item = 'lead'"
        "   AND p.source_kind = split_part(d.part, ':', 1)"
        "  WHERE ? OR (d.year IN (SELECT unnest(?)) AND EXISTS ("
        "   SELECT 1 FROM (SELECT unnest(?) AS department, unnest(?) AS year) AS t"
        "   WHERE t.department = coalesce(a.department, d.department) AND t.year = d.year))"
        " )"
        " SELECT document_id, old_record, first_value(document_id) OVER ("
        "  PARTITION BY department, year ORDER BY is_current DESC, rank, document_id"
        " ) AS record_id,"
        " CAST(count(*) FILTER (WHERE is_current) OVER (PARTITION BY department, year) AS INTEGER)"
        " AS record_size FROM docs",
        [touched is None, years, departments, years],
    )
    con.execute(
        "UPDATE documents SET record_id = l.record_id, record_size = l.record_size"
        " FROM record_leads AS l WHERE documents.document_id = l.document_id"
        " AND (documents.record_id IS DISTINCT FROM l.record_id"
        "  OR documents.record_size <> l.record_size)"
    )
    con.execute(
        "INSERT INTO pending_records SELECT DISTINCT record_id FROM ("
        " SELECT record_id FROM record_leads UNION ALL"
        " SELECT old_record FROM record_leads WHERE old_record IS NOT NULL)"
    )
    con.execute("DROP TABLE record_leads")


def mark(con: duckdb.DuckDBPyConnection, document_id: int) -> None:
    """The record of this document needs its checks and read models again (a correction)."""
    con.execute(
        "INSERT INTO pending_records SELECT record_id FROM documents"
        " WHERE document_id = ? AND record_id IS NOT NULL",
        [document_id],
    )


def settle(con: duckdb.DuckDBPyConnection) -> int:
    """At the end of a write, for every pending record: the merged rows of a record of several
    documents (merged_figures, merged_fund_sources, merged_projects) written again, its checks run
    again when it gathers several documents or a correction, then the read models brought up to
    date; report_summary's row count."""
    con.execute("BEGIN TRANSACTION")
    try:
        touched = [
            int(r[0])
            for r in con.execute("SELECT DISTINCT record_id FROM pending_records").fetchall()
        ]
        merged = [
            int(r[0])
            for r in con.execute(
                "SELECT document_id FROM documents WHERE document_id IN ? AND is_current"
                " AND record_id = document_id AND record_size > 1 ORDER BY 1",
                [touched],
            ).fetchall()
        ] if touched else []  # fmt: skip
        _merge(con, touched, merged)
        recheck = [
            int(r[0])
            for r in con.execute(
                "SELECT document_id FROM documents AS d WHERE document_id IN ? AND is_current"
                " AND record_id = document_id AND (record_size > 1"
                "  OR document_id IN (SELECT record_id FROM rechecked_records)"
                "  OR EXISTS (SELECT 1 FROM corrections AS c JOIN documents AS m USING (document_id)"
                "   WHERE m.record_id = d.document_id AND m.is_current))"
                " ORDER BY 1",
                [touched],
            ).fetchall()
        ] if touched else []  # fmt: skip
        for record_id in recheck:
            _recheck(con, record_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return refresh_summaries(con)


# Each merged table and the macro (views.sql) whose rows it keeps for records of several documents.
_MERGED = (
    ("merged_figures", "ranked_figures"),
    ("merged_fund_sources", "ranked_fund_sources"),
    ("merged_projects", "ranked_projects"),
)


def _merge(con: duckdb.DuckDBPyConnection, touched: list[int], merged: list[int]) -> None:
    """The merged rows of the touched records: dropped, then written for those of several
    documents. A table whose columns no longer match its macro (views.sql changed) is rebuilt
    for every such record."""
    for table, macro in _MERGED:
        shape = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall()
        wanted = con.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {macro}([0]))"
        ).fetchall()
        if shape != wanted:
            every = [
                int(r[0])
                for r in con.execute(
                    "SELECT document_id FROM documents WHERE is_current"
                    " AND record_id = document_id AND record_size > 1"
                ).fetchall()
            ]
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {macro}(?)", [every])
            con.execute("DELETE FROM merged_records")
            con.execute("INSERT INTO merged_records SELECT unnest(?)", [every])
            continue
        if touched:
            con.execute(f"DELETE FROM {table} WHERE document_id IN ?", [touched])
        if merged:
            con.execute(f"INSERT INTO {table} SELECT * FROM {macro}(?)", [merged])
    if touched:
        con.execute("DELETE FROM merged_records WHERE record_id IN ?", [touched])
    if merged:
        con.execute("INSERT INTO merged_records SELECT unnest(?)", [merged])


def _recheck(con: duckdb.DuckDBPyConnection, record_id: int) -> None:
    checks = record_checks(con, record_id)
    con.execute("DELETE FROM record_checks WHERE document_id = ?", [record_id])
    con.execute("DELETE FROM rechecked_records WHERE record_id = ?", [record_id])
    con.execute("INSERT INTO rechecked_records VALUES (?)", [record_id])
    if checks:
        con.executemany(
            "INSERT INTO record_checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [record_id, i, c.rule, c.severity, c.passed, c.message,
                 c.expected_wan, c.actual_wan, c.difference_wan, ",".join(c.fields), evidence]
                for i, (c, evidence) in enumerate(checks, start=1)
            ],
        )  # fmt: skip


def record_checks(con: duckdb.DuckDBPyConnection, record_id: int) -> list[tuple[Check, str]]:
    """Every rule on the record as it resolves (corrections included), its documents' own
    conflicting statements, and the cross-document checks; each with its evidence (JSON)."""
    report = resolved_report(con, record_id)
    own = [(c, "") for c in check_report(report) if c.rule != "conflicting_values"]
    conflicts = con.execute(
        "SELECT c.rule, c.severity, c.passed, c.message, c.fields, m.file_name FROM checks AS c"
        " JOIN documents AS m USING (document_id)"
        " WHERE m.record_id = ? AND m.is_current AND c.rule = 'conflicting_values'"
        " ORDER BY m.document_id, c.ordinal",
        [record_id],
    ).fetchall()
    own += [
        (Check(rule, severity, passed, f"《{file_name}》：{message}", fields=_fields(fields)), "")
        for rule, severity, passed, message, fields, file_name in conflicts
    ]
    statements, slots = _statements(con, record_id)
    cross = records.cross_document_checks(
        statements,
        slots,
        _project_statements(con, record_id),
        [r[0] for r in con.execute(
            "SELECT split_part(part, ':', 1) FROM documents WHERE record_id = ? AND is_current",
            [record_id],
        ).fetchall()],
        report.value("project", "adjusted"),
    )  # fmt: skip
    return own + [(c, _evidence(ev)) for c, ev in cross]


def _fields(text: str) -> tuple[str, ...]:
    return tuple(f for f in text.split(",") if f)


def _evidence(statements: Iterable[records.Statement | records.ProjectStatement]) -> str:
    out: list[dict[str, Any]] = []
    for s in statements:
        entry: dict[str, Any] = {
            "sha256": s.sha256,
            "file_name": s.file_name,
            "kind": s.kind,
            "sentence": s.sentence,
        }
        if isinstance(s, records.Statement):
            entry |= {"value": format(s.value, "f"), "row_label": s.row_label,
                      "column_label": s.column_label}  # fmt: skip
        else:
            entry |= {"project": s.name, "value": format(s.compared(), "f")}
        out.append(entry)
    return json.dumps(out, ensure_ascii=False) if out else ""


def _statements(
    con: duckdb.DuckDBPyConnection, record_id: int
) -> tuple[list[records.Statement], dict[int, tuple[str, str]]]:
    rows = con.execute(
        "SELECT s.section, s.item, d.sha256, s.file_name, s.source_kind, s.value,"
        " coalesce(s.sentence, ''), coalesce(s.row_label, ''), coalesce(s.column_label, '')"
        " FROM figure_statements AS s JOIN documents AS d USING (document_id)"
        " WHERE s.record_id = ? AND s.value IS NOT NULL"
        " ORDER BY s.section, s.item, s.rank, d.sha256",
        [record_id],
    ).fetchall()
    statements = [records.Statement(*r[2:]) for r in rows]
    return statements, {i: (r[0], r[1]) for i, r in enumerate(rows)}


def _project_statements(
    con: duckdb.DuckDBPyConnection, record_id: int
) -> list[records.ProjectStatement]:
    rows = con.execute(
        "SELECT d.sha256, s.file_name, s.source_kind, s.name, s.amount_wan, f.actual_wan,"
        " s.sentence, s.on_form FROM project_statements AS s"
        " JOIN documents AS d USING (document_id)"
        " LEFT JOIN project_phases AS f USING (document_id, ordinal)"
        " WHERE s.record_id = ? ORDER BY s.rank, s.project_key, d.sha256, s.ordinal",
        [record_id],
    ).fetchall()
    return [records.ProjectStatement(*r) for r in rows]


def resolved_report(con: duckdb.DuckDBPyConnection, record_id: int) -> Report:
    """The record as one Report: its resolved figures, fund split and projects, the adjustment
    reasons its documents give, and the kinds of its documents (for the figures expected)."""
    head = con.execute(
        "SELECT department, year, kind FROM current_documents WHERE document_id = ?", [record_id]
    ).fetchone()
    assert head is not None, f"no current record {record_id}"
    report = Report(department=head[0], year=head[1], kind=head[2])
    for row in con.execute(
        "SELECT section, item, value, coalesce(unit, '万元'), coalesce(wording, ''),"
        " coalesce(confidence, 1.0), coalesce(note, ''), coalesce(sentence, ''),"
        " coalesce(sentence_start, 0), coalesce(sentence_end, 0), coalesce(value_start, 0),"
        " coalesce(value_end, 0), coalesce(row_label, ''), coalesce(column_label, '')"
        " FROM resolved_figures WHERE document_id = ?",
        [record_id],
    ).fetchall():
        section, item, value, unit, wording, confidence, note, *span = row
        figure = Figure(section, item, value, unit, wording, Source(*span), confidence, note)
        report.figures[(figure.section, figure.item)] = figure
        report.readings.append(figure)
    report.fund_sources = [
        FundSource(level, amount, wording, Source(*span))
        for level, amount, wording, *span in con.execute(
            "SELECT level, amount_wan, wording, sentence, sentence_start, sentence_end,"
            " value_start, value_end, row_label, column_label FROM record_fund_sources"
            " WHERE document_id = ? ORDER BY ordinal",
            [record_id],
        ).fetchall()
    ]
    report.projects = [
        Project(name, amount, purpose, Source(sentence, 0, 0, 0, 0, row_label),
                initial, adjusted, actual, score)
        for name, amount, purpose, sentence, row_label, initial, adjusted, actual, score
        in con.execute(
            "SELECT name, amount_wan, purpose, sentence, row_label, initial_wan, adjusted_wan,"
            " actual_wan, score FROM project_breakdown WHERE document_id = ? ORDER BY ordinal",
            [record_id],
        ).fetchall()
    ]  # fmt: skip
    for section, *span in con.execute(
        "SELECT r.section, r.sentence, r.sentence_start, r.sentence_end, r.value_start,"
        " r.value_end, r.row_label, r.column_label FROM adjustment_reasons AS r"
        " JOIN documents AS m USING (document_id) WHERE m.record_id = ? AND m.is_current"
        " ORDER BY m.document_id DESC",
        [record_id],
    ).fetchall():
        report.adjustment_reasons.setdefault(section, Source(*span))
    report.member_kinds = tuple(
        r[0]
        for r in con.execute(
            "SELECT DISTINCT kind FROM documents WHERE record_id = ? AND is_current"
            " AND origin <> 'manual'",
            [record_id],
        ).fetchall()
    )
    return report
