"""Report text that would become markup if shown unescaped, written into a loaded database."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.load import refresh_summaries

# Report text that would become markup if shown unescaped: HTML, a markdown link, a colour
# directive, emphasis.
HOSTILE_DEPARTMENT = "<script>alert(1)</script>局"


HOSTILE_OTHER = "<img src=x onerror=alert(1)>局"


HOSTILE_PROJECTS = [
    "[点击](http://evil)",
    ":red[x]",
    '<a href="http://evil">链接</a>',
    "**粗体** & <b>b</b>",
]


HOSTILE = [HOSTILE_DEPARTMENT, HOSTILE_OTHER, *HOSTILE_PROJECTS]


def make_hostile(db: Path) -> None:
    """Rename the departments and projects in `db` to hostile text with bound parameters."""
    with duckdb.connect(str(db)) as con:
        departments = [
            r[0]
            for r in con.execute("SELECT DISTINCT department FROM documents ORDER BY 1").fetchall()
        ]
        for old, new in zip(departments, [HOSTILE_DEPARTMENT, HOSTILE_OTHER], strict=False):
            con.execute("UPDATE documents SET department = ? WHERE department = ?", [new, old])
        names = [
            r[0] for r in con.execute("SELECT DISTINCT name FROM projects ORDER BY 1").fetchall()
        ]
        for index, old in enumerate(names):
            new = HOSTILE_PROJECTS[index % len(HOSTILE_PROJECTS)] + (
                "" if index < 4 else str(index)
            )
            con.execute("UPDATE projects SET name = ? WHERE name = ?", [new, old])
        con.execute("DELETE FROM report_summary")
        refresh_summaries(con, whole=True)
