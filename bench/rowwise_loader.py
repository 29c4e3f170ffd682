"""BASELINE, not product code: the naive loader L1 is compared with.

Reads and extracts each report exactly as etl.load does (same readers, extractor and checks),
then writes every row with its own INSERT statement in autocommit mode: one statement and one
commit per row, the pattern a first loader usually has.

    python -m bench.rowwise_loader DB FILE...
"""

from __future__ import annotations

import hashlib
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from etl.load import analyse_text, apply_schema
from etl.readers import read_bytes, read_text
from etl.store.versions import check_row, figure_row


def load_rowwise(db: Path, paths: list[Path]) -> int:
    """Rows written."""
    con = duckdb.connect(str(db))
    apply_schema(con)
    written = 0
    for path in paths:
        data = read_bytes(path)
        report = analyse_text(read_text(path, data))
        (document_id,) = con.execute(
            "INSERT INTO documents (sha256, file_name, path, department, year, is_current,"
            " loaded_at, text_chars) VALUES (?, ?, ?, ?, ?, true, ?, ?) RETURNING document_id",
            [
                hashlib.sha256(data).hexdigest(),
                path.name,
                str(path),
                report.department,
                report.year,
                datetime.now(),
                len(data),
            ],
        ).fetchall()[0]
        written += 1
        for f in report.figures.values():
            row = figure_row(document_id, f)
            con.execute(f"INSERT INTO figures VALUES ({', '.join('?' * len(row))})", row)
            written += 1
        for i, fs in enumerate(report.fund_sources, start=1):
            s = fs.source
            con.execute(
                "INSERT INTO fund_sources (document_id, ordinal, level, amount_wan, wording, sentence,"
                " sentence_start, sentence_end, value_start, value_end)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    document_id,
                    i,
                    fs.level,
                    fs.amount_wan,
                    fs.wording,
                    s.sentence,
                    s.sentence_start,
                    s.sentence_end,
                    s.value_start,
                    s.value_end,
                ],
            )
            written += 1
        for i, p in enumerate(report.projects, start=1):
            s = p.source
            con.execute(
                "INSERT INTO projects (document_id, ordinal, name, amount_wan, purpose, sentence,"
                " sentence_start, sentence_end, value_start, value_end)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    document_id,
                    i,
                    p.name,
                    p.amount_wan,
                    p.purpose,
                    s.sentence,
                    s.sentence_start,
                    s.sentence_end,
                    s.value_start,
                    s.value_end,
                ],
            )
            written += 1
        for i, c in enumerate(report.checks, start=1):
            row = check_row(document_id, i, c)
            con.execute(f"INSERT INTO checks VALUES ({', '.join('?' * len(row))})", row)
            written += 1
    con.close()
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print(load_rowwise(target, [Path(p) for p in sys.argv[2:]]))
