"""Department aliases: data/department_aliases.csv read, checked and stored (one department
whose name reports write differently)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import duckdb


class AliasError(ValueError):
    """The department alias file cannot be used; nothing was loaded."""


# Every name the department of `?` goes by: its aliases and its canonical name (params: name, name).
NAMES_OF_DEPARTMENT = (
    "SELECT alias FROM department_aliases WHERE department = canonical_department(?)"
    " UNION SELECT canonical_department(?)"
)


def parse_aliases(text: str) -> list[tuple[str, str]]:
    r"""(alias, department) rows of a department_aliases.csv text; lines starting with # are notes.

    >>> parse_aliases("alias,department\n# 例\n 天心区交通运输局 ,长沙市天心区交通运输局\n")
    [('天心区交通运输局', '长沙市天心区交通运输局')]
    >>> try:
    ...     parse_aliases("alias,department\n甲局,乙局\n乙局,丙局\n")
    ... except AliasError as exc:
    ...     print(exc)
    第 3 行：乙局 既是别名又是部门名称，请把别名直接写成最终名称 丙局
    """
    numbered = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    parsed = list(csv.reader(line for _, line in numbered))
    if not parsed:  # an empty file: no aliases
        return []
    if [c.strip() for c in parsed[0][:2]] != ["alias", "department"]:
        raise AliasError("第一行应为列名：alias,department")
    rows: dict[str, str] = {}
    line_of: dict[str, int] = {}
    for (number, _), cells in zip(numbered[1:], parsed[1:], strict=True):
        alias, department = ([c.strip() for c in cells] + ["", ""])[:2]
        if not alias or not department:
            raise AliasError(f"第 {number} 行：alias 和 department 都要填写")
        if rows.get(alias, department) != department:
            raise AliasError(
                f"第 {number} 行：{alias} 已对应 {rows[alias]}，不能再对应 {department}"
            )
        if alias != department:
            rows[alias], line_of[alias] = department, number
    for department in rows.values():
        if department in rows:
            raise AliasError(
                f"第 {line_of[department]} 行：{department} 既是别名又是部门名称，"
                f"请把别名直接写成最终名称 {rows[department]}"
            )
    return list(rows.items())


def read_aliases(path: Path) -> list[tuple[str, str]]:
    """The alias rows of `path` (none when the file does not exist)."""
    if not path.exists():
        return []
    try:
        return parse_aliases(path.read_text(encoding="utf-8-sig"))
    except (AliasError, UnicodeDecodeError, csv.Error) as exc:
        raise AliasError(f"{path.name}: {exc}（部门别名文件有误，未载入任何报告）") from exc


def alias_source(db: Path, aliases: Path | None = None) -> Path | None:
    """The alias file a load of `db` reads: the one given, else the one `db` was last loaded
    with explicitly (the demo database keeps its own), else None for data/department_aliases.csv.
    """
    if aliases is not None:
        return aliases
    if not db.exists():
        return None
    try:
        with duckdb.connect(":memory:") as con:
            con.execute("ATTACH ? AS live (READ_ONLY)", [str(db)])
            rows = con.execute(
                "SELECT value FROM live.load_settings WHERE name = 'aliases_path'"
            ).fetchall()
    except duckdb.Error:  # an older database without settings, or one a load will set aside
        return None
    return Path(rows[0][0]) if rows else None


def store_aliases(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple[str, str]],
    source: Path | None = None,
    *,
    guard: Callable[[], None] | None = None,
) -> None:
    """Replace the database's department aliases, in one transaction; remember `source`, the
    alias file given for this database, so later loads and rebuilds of it read the same file.
    When that changes the file remembered (a writer choosing the aliases), `guard` runs first
    (the write step's check for 管理: raising it rolls back and writes nothing); the file
    itself is the operator's, edited beside the database, and every load reads it.

    Each alias is stored as written and as name_key(alias). When new aliases make two current
    documents the same part of a department-year, the one loaded first stays current (as a load with the
    default --on-conflict keep would have chosen) and the other becomes history.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        before = con.execute("SELECT * FROM department_aliases ORDER BY ALL").fetchall()
        remembered = con.execute(
            "SELECT value FROM load_settings WHERE name = 'aliases_path'"
        ).fetchall()
        if source is not None:
            con.execute(
                "INSERT OR REPLACE INTO load_settings VALUES ('aliases_path', ?)",
                [str(source.resolve())],
            )
        con.execute("DELETE FROM department_aliases")
        for alias, department in rows:
            con.execute(
                "INSERT OR IGNORE INTO department_aliases VALUES (?, ?)", [alias, department]
            )
            con.execute(
                "INSERT OR IGNORE INTO department_aliases SELECT name_key(?), ?",
                [alias, department],
            )
        con.execute(
            "UPDATE documents SET is_current = false WHERE document_id IN ("
            " SELECT document_id FROM documents WHERE is_current AND department IN ("
            "  SELECT alias FROM department_aliases UNION SELECT department FROM department_aliases)"
            " QUALIFY row_number() OVER ("
            "  PARTITION BY canonical_department(department), year, part ORDER BY document_id"
            " ) > 1)"
        )
        after = con.execute("SELECT * FROM department_aliases ORDER BY ALL").fetchall()
        moved = source is not None and remembered != [(str(source.resolve()),)]
        if guard is not None and moved:
            guard()
        if after != before:
            from etl.store.records import assign

            assign(con, None)  # names that now are one department: one record
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
